/*
 * Open data writers. One pass over organisations for each file; each line is
 * built in a reused buffer. CSV is UTF-8 with a byte order mark (so Excel
 * reads the accents), ';' separated (the separator French spreadsheets
 * expect), CRLF line ends (RFC 4180). The rows and the whole CSV and GeoJSON
 * extracts are in opendata_rows.c, the JSON of organisations and
 * référentiels in opendata_json.c; this file holds the cartographies'
 * extracts and the job list that runs every writer on the job pool. Start
 * at opendata_backend, at the end.
 */
#include "../opendata.h"

#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "../../base/pool.h"
#include "../backend.h"
#include "opendata_int.h"

/* data/cartographies/<id>[-<dep>].{csv,json,geojson}: the same columns and
 * safety as the whole extracts, limited to the cartography's rows. One pass
 * over the offers per cartography feeds the region's files and the
 * département's at once. */
struct carto_sinks {
	struct sink region[3];
	struct sink deps[16][3];
	const struct site *s;
	int per_dep;
};

static void carto_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct carto_sinks *cs = ctx;
	struct sink *targets[2] = { cs->region, NULL };
	for (size_t d = 0; cs->per_dep && d < cs->s->geo.n_departements && d < 16; d++)
		if (strcmp(cs->s->geo.departements[d].code, l->dep) == 0)
			targets[1] = cs->deps[d];
	for (int t = 0; t < 2 && targets[t]; t++) {
		od_csv_row(r, l, &targets[t][0]);
		od_json_row(r, l, &targets[t][1]);
		od_geojson_row(r, l, &targets[t][2]);
	}
}

static int open_view(struct sink *k, struct publish *p, const struct cartographie *ca, const char *dep)
{
	static const enum path_doc kind[] = { PATH_CSV, PATH_JSON, PATH_GEOJSON };
	struct buf path = BUF_INIT;
	int rc = 0;
	for (int e = 0; e < 3; e++) {
		buf_reset(&path);
		if (od_sink_open(&k[e], p, path_carto_doc(&path, ca, dep, kind[e])) < 0)
			rc = -1;
	}
	buf_release(&path);
	buf_puts(&k[0].b, "\xEF\xBB\xBF");
	for (int i = 0; i < NCOL; i++) {
		if (i)
			buf_putc(&k[0].b, SEP);
		buf_puts(&k[0].b, od_col_names[i]);
	}
	buf_puts(&k[0].b, "\r\n");
	od_json_open(&k[1]);
	od_geojson_open(&k[2]);
	return rc;
}

static int close_view(struct sink *k)
{
	od_json_close(&k[1]);
	od_geojson_close(&k[2]);
	int rc = 0;
	for (int e = 0; e < 3; e++)
		if (od_sink_close(&k[e]) < 0)
			rc = -1;
	return rc;
}

static int write_cartos(const struct site *s, struct publish *p)
{
	int rc = 0;
	for (size_t i = 0; i < s->n_cartographies && rc == 0; i++) {
		const struct cartographie *c = s->cartographies[i];
		struct carto_sinks *cs = xcalloc(1, sizeof(*cs));
		size_t nd = s->geo.n_departements < 16 ? s->geo.n_departements : 16;
		cs->s = s;
		cs->per_dep = c->par_departement;
		rc |= open_view(cs->region, p, c, NULL);
		for (size_t d = 0; cs->per_dep && d < nd; d++)
			rc |= open_view(cs->deps[d], p, c, s->geo.departements[d].code);
		struct row r;
		od_row_init(&r);
		if (rc == 0)
			od_each_row(s, &r, c, carto_row, cs);
		od_row_free(&r);
		rc |= close_view(cs->region);
		for (size_t d = 0; cs->per_dep && d < nd; d++)
			rc |= close_view(cs->deps[d]);
		free(cs);
	}
	return rc ? -1 : 0;
}

static int write_refs(const struct site *s, struct publish *p)
{
	for (size_t i = 0; i < s->n_referentiels; i++)
		if (write_ref(s, s->referentiels[i], p) < 0)
			return -1;
	return 0;
}

/* ---- the backend ---- */

/* The extracts are independent files, each a job of the pool; the whole
 * GeoJSON, the largest, comes first. */
typedef int (*extract_fn)(const struct site *, struct publish *);

static const extract_fn extracts[] = {
	write_geojson, write_orgs, write_csv, write_refs, write_cartos, write_suites,
};

struct opendata {
	const struct site *s;
	struct publish *p;
};

static void *opendata_new(const struct render_in *in)
{
	struct opendata *od = xcalloc(1, sizeof(*od));
	od->s = in->s;
	return od;
}

static int extract_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct opendata *od = ctx;
	(void)w;
	return extracts[i](od->s, od->p);
}

static int opendata_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	struct opendata *od = self;
	od->p = p;
	return pool_run(sizeof(extracts) / sizeof(extracts[0]), in->o->jobs, extract_job, od, d,
	    NULL);
}

static void opendata_free(void *self)
{
	free(self);
}

const struct backend opendata_backend = {
	"opendata", opendata_new, opendata_render, opendata_free,
};
