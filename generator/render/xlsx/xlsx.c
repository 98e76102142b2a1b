/*
 * Spreadsheet extracts. Every workbook is written in libxlsxwriter's
 * constant-memory mode: rows go to a temporary file as soon as the next row
 * starts, so memory does not grow with the data, and every sheet is filled top
 * to bottom in one pass. Column widths are measured while writing and set at
 * the end (the library keeps column settings until it closes the file).
 * Text always goes through xlsx_put_text or xlsx_cell (xlsx_sheet.c), which
 * cut it to a cell's limit, then worksheet_write_string, which never makes a
 * formula, so a name starting with '=' stays a name. The creation date is the
 * data's, never the clock, so the same input gives the same bytes.
 * This file holds the job list, run on the job pool; the sheet layer is
 * xlsx_sheet.c, the shared columns xlsx_cols.c, and each workbook has its
 * file. Start at xlsx_backend (at the end), then carto_book (xlsx_carto.c),
 * directory_book (xlsx_directory.c) and ref_book (xlsx_ref.c).
 */
#include "../xlsx.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../base/pool.h"
#include "../../data/index.h"
#include "../backend.h"
#include "../cache.h"
#include "xlsx_int.h"

/* One workbook to write. The directory comes first: it is the largest, so
 * it starts while the others share the remaining threads. */
struct job {
	const struct cartographie *c;	/* a cartography's workbook… */
	const char *dep;		/* …for one département */
	const struct referentiel *r;	/* a référentiel's; neither: the directory */
};

struct xlsx {
	const struct site *s;
	struct publish *p;
	const struct build_opts *o;
	struct job *jobs;
	size_t n_jobs;
	atomic_size_t rows;
	struct cache *cache;
};

static void *xlsx_new(const struct render_in *in)
{
	const struct site *s = in->s;
	struct xlsx *x = xcalloc(1, sizeof(*x));
	size_t n = 1 + s->n_referentiels;
	for (size_t i = 0; i < s->n_cartographies; i++)
		n += 1 + (s->cartographies[i]->par_departement ? s->geo.n_departements : 0);
	x->s = s;
	x->o = in->o;
	x->cache = in->cache;
	x->jobs = xcalloc(n, sizeof(*x->jobs));
	x->n_jobs = 1;
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *c = s->cartographies[i];
		x->jobs[x->n_jobs++] = (struct job){ c, NULL, NULL };
		for (size_t k = 0; c->par_departement && k < s->geo.n_departements; k++)
			x->jobs[x->n_jobs++] = (struct job){ c, s->geo.departements[k].code, NULL };
	}
	for (size_t i = 0; i < s->n_referentiels; i++)
		x->jobs[x->n_jobs++] = (struct job){ NULL, NULL, s->referentiels[i] };
	atomic_init(&x->rows, 0);
	return x;
}

/* What a référentiel's workbook reads of the organisations: how many
 * offers develop each of its competences (xlsx_ref.c). The rest, its file
 * and the correspondences', is in the global part of every key: keyed on
 * the whole site, it was rendered again whenever any organisation changed. */
static void key_ref(struct digest_ctx *k, const struct referentiel *r)
{
	for (size_t i = 0; i < r->n_domaines; i++)
		for (size_t c = 0; c < r->domaines[i].n_children; c++)
			digest_num(k, (long long)r->domaines[i].children[c].n_offres);
}

/* The cache's key of a workbook (cache.h): a cartography's reads its rows
 * (of a département when it is one's); the directory lists the whole
 * site, a référentiel's its competences' counts of offers. All carry the
 * date of the newest data. */
static struct digest_ctx *key(const struct xlsx *x, const struct job *j)
{
	struct digest_ctx *k = cache_key(x->cache, "xlsx", j->c ? j->c->id.s : j->r ? j->r->id : NULL);
	digest_str(k, j->dep);
	digest_num(k, j->r ? 1 : 0);
	if (j->c) {
		size_t n;
		const struct rowref *r = index_rows(x->s, j->c, j->dep, &n);
		cache_key_rows(k, r, n);
	} else if (j->r)
		key_ref(k, j->r);
	else
		cache_key_model(k, x->s);
	digest_num(k, x->s->last_update);
	return k;
}

static int book_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct xlsx *x = ctx;
	const struct job *j = &x->jobs[i];
	size_t rows = 0;
	struct cache_job cj;
	if (x->cache && cache_start(x->cache, x->p, &cj, key(x, j), &w->d) == 1)
		return 0;
	int rc = j->c ? carto_book(x->s, j->c, j->dep, x->p, x->cache, &w->d, x->o, &rows) :
	    j->r ? ref_book(x->s, j->r, x->p, &w->d, x->o, &rows) :
	    directory_book(x->s, x->p, x->cache, &w->d, x->o, &rows);
	atomic_fetch_add(&x->rows, rows);
	if (x->cache)
		cache_finish(x->cache, &cj, rc, &w->d);
	return rc;
}

static int xlsx_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	struct xlsx *x = self;
	x->p = p;
	int rc = pool_run(x->n_jobs, in->o->jobs, book_job, x, d, NULL);
	in->stats->xlsx_rows = atomic_load(&x->rows);
	return rc;
}

static void xlsx_free(void *self)
{
	struct xlsx *x = self;
	free(x->jobs);
	free(x);
}

const struct backend xlsx_backend = { "xlsx", xlsx_new, xlsx_render, xlsx_free };
