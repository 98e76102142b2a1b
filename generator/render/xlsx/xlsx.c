/*
 * Spreadsheet extracts. Every workbook is written in libxlsxwriter's
 * constant-memory mode: rows go to a temporary file as soon as the next row
 * starts, so memory does not grow with the data, and every sheet is filled top
 * to bottom in one pass. Column widths are measured while writing and set at
 * the end (the library keeps column settings until it closes the file).
 * Text always goes through worksheet_write_string, which never makes a
 * formula, so a name starting with '=' stays a name. The creation date is the
 * data's, never the clock, so the same input gives the same bytes.
 * This file holds the job list and the threads that take its jobs; the sheet
 * layer is xlsx_sheet.c, the shared columns xlsx_cols.c, and each workbook
 * has its file. Start at xlsx_render, then carto_book (xlsx_carto.c),
 * directory_book (xlsx_directory.c) and ref_book (xlsx_ref.c).
 */
#include "../xlsx.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../../base/diag.h"
#include "../../base/mem.h"
#include "xlsx_int.h"

/* One workbook to write. The directory comes first: it is the largest, so
 * it starts while the others share the remaining threads. */
struct job {
	const struct cartographie *c;	/* a cartography's workbook… */
	const char *dep;		/* …for one département */
	const struct referentiel *r;	/* a référentiel's; neither: the directory */
};

struct pool {
	const struct site *s;
	struct publish *p;
	struct job *jobs;
	size_t n_jobs;
	atomic_size_t next;
	atomic_int failed;
	atomic_size_t rows;
};

struct worker {
	pthread_t th;
	struct pool *pl;
	struct diags d;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pl;
	for (;;) {
		size_t i = atomic_fetch_add(&pl->next, 1), rows = 0;
		if (i >= pl->n_jobs || pl->failed)
			break;
		const struct job *j = &pl->jobs[i];
		int rc = j->c ? carto_book(pl->s, j->c, j->dep, pl->p, &w->d, &rows) :
		    j->r ? ref_book(pl->s, j->r, pl->p, &w->d, &rows) :
		    directory_book(pl->s, pl->p, &w->d, &rows);
		atomic_fetch_add(&pl->rows, rows);
		if (rc < 0)
			pl->failed = 1;
	}
	return NULL;
}

int xlsx_render(const struct site *s, struct publish *p, int jobs, struct diags *d, size_t *rows)
{
	size_t n = 1 + s->n_referentiels;
	for (size_t i = 0; i < s->n_cartographies; i++)
		n += 1 + (s->cartographies[i]->par_departement ? s->geo.n_departements : 0);
	struct pool pl = { .s = s, .p = p, .jobs = xcalloc(n, sizeof(struct job)) };
	pl.n_jobs = 1;
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *c = s->cartographies[i];
		pl.jobs[pl.n_jobs++] = (struct job){ c, NULL, NULL };
		for (size_t k = 0; c->par_departement && k < s->geo.n_departements; k++)
			pl.jobs[pl.n_jobs++] = (struct job){ c, s->geo.departements[k].code, NULL };
	}
	for (size_t i = 0; i < s->n_referentiels; i++)
		pl.jobs[pl.n_jobs++] = (struct job){ NULL, NULL, s->referentiels[i] };
	int nw = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
	struct worker *w = xcalloc((size_t)nw, sizeof(*w));
	int started[64] = { 0 };
	for (int i = 0; i < nw; i++) {
		w[i].pl = &pl;
		w[i].d = (struct diags)DIAGS_INIT;
		started[i] = i > 0 && pthread_create(&w[i].th, NULL, work, &w[i]) == 0;
	}
	work(&w[0]);
	for (int i = 0; i < nw; i++) {
		if (started[i])
			pthread_join(w[i].th, NULL);
		diags_merge(d, &w[i].d);
		diags_free(&w[i].d);
	}
	free(w);
	free(pl.jobs);
	*rows = pl.rows;
	return pl.failed ? -1 : 0;
}
