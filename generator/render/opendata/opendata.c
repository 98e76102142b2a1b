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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "../../base/pool.h"
#include "../../data/index.h"
#include "../backend.h"
#include "../cache.h"
#include "opendata_int.h"

/* data/cartographies/<id>[-<dep>].{csv,json,geojson}: the same columns and
 * safety as the whole extracts, limited to the cartography's rows (a
 * département's rows are one range of them: index.h). A view is its three
 * files, a document of the build cache keyed on its rows (cartographie_job);
 * its pieces are the runs of rows of one commune (those of lieux without a
 * commune, one a département), keyed on their rows, so that a rebuild
 * renders only the communes whose rows changed. */
struct view {
	struct sink k[3];	/* CSV, JSON, GeoJSON */
	struct sink *need[3];	/* those whose piece is being rendered */
	size_t n_need;
};

static void view_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct view *v = ctx;
	for (size_t i = 0; i < v->n_need; i++) {
		struct sink *k = v->need[i];
		if (k == &v->k[0])
			od_csv_row(r, l, k);
		else if (k == &v->k[1])
			od_json_row(r, l, k);
		else
			od_geojson_row(r, l, k);
	}
}

/* 1 when rows a and b are in the same run (commune, or the lieux of a
 * département without one). */
static int same_run(const struct rowref *a, const struct rowref *b)
{
	const char *ca = a->l->code_insee.s, *cb = b->l->code_insee.s;
	if (a->l == b->l)	/* a lieu's rows come together: no string read */
		return 1;
	/* Both resolved (validate.c: looked up by their code_insee, one
	 * commune a code): the same commune is the same code, with no string
	 * read (the codes' cache misses were a third of a view's rows). */
	if (a->l->commune && b->l->commune)
		return a->l->commune == b->l->commune && strcmp(a->l->dep, b->l->dep) == 0;
	return strcmp(a->l->dep, b->l->dep) == 0 && (ca && cb ? strcmp(ca, cb) == 0 : ca == cb);
}

static int write_view(const struct site *s, struct publish *p, struct cache *c,
    const struct cartographie *ca, const char *dep, const struct rowref *v, size_t n)
{
	static const enum path_doc kind[] = { PATH_CSV, PATH_JSON, PATH_GEOJSON };
	struct view *w = xcalloc(1, sizeof(*w));
	struct buf path = BUF_INIT;
	int rc = 0;
	for (int e = 0; e < 3; e++) {
		buf_reset(&path);
		if (sink_open(&w->k[e], p, path_carto_doc(&path, ca, dep, kind[e]), c, JSON_COMPACT) < 0)
			rc = -1;
	}
	buf_release(&path);
	od_csv_header(&w->k[0].b, od_col_names, NCOL);
	od_json_open(&w->k[1]);
	od_geojson_open(&w->k[2]);
	struct row r;
	od_row_init(&r);
	for (size_t i = 0, end; rc == 0 && i < n; i = end) {
		struct sink_piece pc[3];
		struct digest run = { 0, 0 };
		for (end = i + 1; end < n && same_run(&v[i], &v[end]); end++)
			;
		if (w->k[0].cp) {
			struct digest_ctx *k = digest_new();
			cache_key_rows(k, v + i, end - i);
			run = digest_end(k);
		}
		w->n_need = 0;
		for (int e = 0; e < 3; e++) {
			struct digest_ctx *key = sink_piece_key(&w->k[e]);
			if (key)
				digest_fold(key, &run);
			if (!sink_piece_start(&w->k[e], key, &pc[e], e > 0))
				w->need[w->n_need++] = &w->k[e];
		}
		if (w->n_need)
			od_rows(s, &r, v + i, end - i, view_row, w);
		for (int e = 0; e < 3; e++)
			sink_piece_end(&w->k[e], &pc[e]);
	}
	od_row_free(&r);
	od_json_close(&w->k[1]);
	od_geojson_close(&w->k[2]);
	for (int e = 0; e < 3; e++)
		if (sink_close(&w->k[e]) < 0)
			rc = -1;
	free(w);
	return rc;
}

/* The views of cartography ca: each département's (par_departement: the
 * territory's first 16), then the whole; each a document of the cache. */
static int cartographie_job(const struct site *s, struct publish *p, struct cache *c,
    const struct cartographie *ca, struct pool_worker *w)
{
	size_t nd = !ca->par_departement ? 0 : s->geo.n_departements < 16 ? s->geo.n_departements : 16;
	size_t n;
	int rc = 0;
	for (size_t d = 0; d <= nd; d++) {
		const char *dep = d < nd ? s->geo.departements[d].code : NULL;
		const struct rowref *v = index_rows(s, ca, dep, &n);
		struct cache_job cj;
		if (c) {
			struct digest_ctx *k = cache_key(c, "opendata-carto", ca->id.s);
			digest_str(k, dep);
			cache_key_rows(k, v, n);
			if (cache_start(c, p, &cj, k, &w->d) == 1)
				continue;
		}
		int r = write_view(s, p, c, ca, dep, v, n);
		if (c)
			cache_finish(c, &cj, r, &w->d);
		if (r < 0)
			rc = -1;
	}
	return rc;
}

/* What the référentiels' files read beyond the global part of the key
 * (which holds the référentiels and their correspondences): the site's
 * newest mise_a_jour, and the offers (organisation and offer ids) of each
 * entry, in order. Each offer is told by its number in the site's order
 * (organisations in order, then their offers), whose ids are hashed once
 * first: the same information, but an entry's offers are looked up in a
 * table instead of read through three pointers and two strings each (the
 * lists hold most offers many times: that was a fifth of the extracts'
 * time of a rename). */
struct offer_nums {
	const struct offre **key;	/* a table by address */
	uint32_t *num;
	size_t mask;
};

static size_t offer_slot(const struct offer_nums *t, const struct offre *o)
{
	size_t i = (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull) & t->mask;
	while (t->key[i] && t->key[i] != o)
		i = (i + 1) & t->mask;
	return i;
}

static void entries_key(struct digest_ctx *k, struct buf *b, const struct offer_nums *t,
    const struct ref_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		digest_buf_num(b, (long long)v[i].n_offres);
		for (size_t o = 0; o < v[i].n_offres; o++) {
			size_t at = offer_slot(t, v[i].offres[o]);
			if (t->key[at]) {
				buf_putc(b, 'n');
				buf_add(b, &t->num[at], sizeof(t->num[at]));
			} else {	/* not one of the site's (never so) */
				buf_putc(b, 'i');
				digest_buf_str(b, v[i].offres[o]->org->id.s);
				digest_buf_str(b, v[i].offres[o]->id.s);
			}
			if (b->len >= 65536) {	/* the same digest as at once, in bounded memory */
				digest_add(k, b->data, b->len);
				buf_reset(b);
			}
		}
		entries_key(k, b, t, v[i].children, v[i].n_children);
	}
}

static void refs_key(struct digest_ctx *k, const struct site *s)
{
	struct buf b = BUF_INIT;	/* hashed 64 KiB at a time */
	struct offer_nums t = { NULL, NULL, 15 };
	size_t n = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		n += s->organismes[i]->n_offres;
	while (t.mask < 2 * n)
		t.mask = 2 * t.mask + 1;
	t.key = xcalloc(t.mask + 1, sizeof(*t.key));
	t.num = xcalloc(t.mask + 1, sizeof(*t.num));
	digest_num(k, s->last_update);
	digest_num(k, (long long)n);
	uint32_t num = 0;
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *g = s->organismes[i];
		/* the organisation's id once, then its offers' (its id an offer
		 * was a third of this key's time) */
		digest_buf_str(&b, g->id.s);
		digest_buf_num(&b, (long long)g->n_offres);
		for (size_t o = 0; o < g->n_offres; o++) {
			size_t at = offer_slot(&t, &g->offres[o]);
			t.key[at] = &g->offres[o];
			t.num[at] = num++;
			digest_buf_str(&b, g->offres[o].id.s);
		}
		if (b.len >= 65536) {	/* the same digest as at once, in bounded memory */
			digest_add(k, b.data, b.len);
			buf_reset(&b);
		}
	}
	for (size_t i = 0; i < s->n_referentiels; i++)
		entries_key(k, &b, &t, s->referentiels[i]->domaines, s->referentiels[i]->n_domaines);
	digest_add(k, b.data, b.len);
	buf_release(&b);
	free(t.key);
	free(t.num);
}

static int write_refs(const struct site *s, struct publish *p)
{
	for (size_t i = 0; i < s->n_referentiels; i++)
		if (write_ref(s, s->referentiels[i], p) < 0)
			return -1;
	return 0;
}

/* ---- the backend ---- */

/* The extracts are independent files, each a job of the pool (the whole
 * GeoJSON, the largest, first), then one job a cartography. Each is a
 * document of the build cache keyed on every file of the site (they list
 * every organisation), written in pieces; the référentiels, which list
 * the offers of each competence, are keyed on those lists (refs_key). */
enum { EX_GEOJSON, EX_ORGS, EX_CSV, EX_REFS, EX_SUITES, N_EXTRACTS };

static const char *const extract_names[N_EXTRACTS] = {
	"offres.geojson", "organismes.json", "offres.csv", "referentiels", "suites",
};

struct opendata {
	const struct site *s;
	struct publish *p;
	struct cache *cache;
};

static void *opendata_new(const struct render_in *in)
{
	struct opendata *od = xcalloc(1, sizeof(*od));
	od->s = in->s;
	od->cache = in->cache;
	return od;
}

static int write_extract(const struct opendata *od, size_t i)
{
	switch (i) {
	case EX_GEOJSON:
		return write_geojson(od->s, od->p, od->cache);
	case EX_ORGS:
		return write_orgs(od->s, od->p, od->cache);
	case EX_CSV:
		return write_csv(od->s, od->p, od->cache);
	case EX_REFS:
		return write_refs(od->s, od->p);
	default:
		return write_suites(od->s, od->p, od->cache);
	}
}

static int extract_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct opendata *od = ctx;
	if (i >= N_EXTRACTS)
		return cartographie_job(od->s, od->p, od->cache, od->s->cartographies[i - N_EXTRACTS], w);
	struct cache_job cj;
	if (od->cache) {
		struct digest_ctx *k = cache_key(od->cache, "opendata", extract_names[i]);
		if (i == EX_REFS)
			refs_key(k, od->s);
		else
			cache_key_model(k, od->s);
		if (cache_start(od->cache, od->p, &cj, k, &w->d) == 1)
			return 0;
	}
	int rc = write_extract(od, i);
	if (od->cache)
		cache_finish(od->cache, &cj, rc, &w->d);
	return rc;
}

static int opendata_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	struct opendata *od = self;
	od->p = p;
	return pool_run(N_EXTRACTS + od->s->n_cartographies, in->o->jobs, extract_job, od, d, NULL);
}

static void opendata_free(void *self)
{
	free(self);
}

const struct backend opendata_backend = {
	"opendata", opendata_new, opendata_render, opendata_free,
};
