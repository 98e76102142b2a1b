/*
 * PDF documents: fiches of organisations, référentiel cards, cartography
 * booklets and slide decks with their handouts. A small layout layer over
 * libharu (pdf_layout.c) keeps a cursor on the page, wraps paragraphs from
 * measured widths, keeps headings with what follows and starts a new page
 * when a block does not fit; page numbers ("page 2 / 3") are drawn once the
 * document is complete. Fonts are Liberation Sans from Debian, embedded, in
 * CP1252 so that every French character comes back from the PDF intact.
 * One file per kind of document (pdf_fiche.c, pdf_card.c, pdf_booklet.c,
 * pdf_deck.c), the maps in pdf_map.c. This file holds the job list and the
 * threads that take its jobs. Start at pdf_render.
 */
#include "../pdf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../../base/diag.h"
#include "../../base/mem.h"
#include "pdf_int.h"

/* Every document is a job: booklets first (the longest), then the cards,
 * then the fiches, taken in turn by the threads so that the cores stay busy
 * until the end. A job's index says which document it is. */
struct booklet_job {
	const struct cartographie *ca;
	const char *dep;
};

struct pool {
	const struct site *s;
	struct publish *p;
	struct booklet_job *bk;
	size_t n_bk, n_jobs;
	const struct page **decks;
	size_t n_decks;
	atomic_size_t next;
	atomic_int failed;
};

static int job(struct pool *pl, size_t i, struct buf *b, struct diags *dg)
{
	const struct site *s = pl->s;
	if (i < pl->n_bk)
		return booklet(s, pl->bk[i].ca, pl->bk[i].dep, pl->p, b, dg);
	i -= pl->n_bk;
	if (i < pl->n_decks)
		return deck(s, pl->decks[i], pl->p, b, dg);
	i -= pl->n_decks;
	if (i < s->n_referentiels)
		return card(s, s->referentiels[i], pl->p, b, dg);
	return fiche(s, s->organismes[i - s->n_referentiels], pl->p, b, dg);
}

/* A thread, with its own warnings (merged once the threads are done). */
struct worker {
	struct pool *pl;
	struct diags d;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pl;
	struct buf b = BUF_INIT;
	for (;;) {
		size_t i = atomic_fetch_add(&pl->next, 1);
		if (i >= pl->n_jobs || pl->failed)
			break;
		if (job(pl, i, &b, &w->d) < 0)
			pl->failed = 1;
	}
	buf_release(&b);
	return NULL;
}

int pdf_render(const struct site *s, struct publish *p, int jobs, int drafts, struct diags *d)
{
	struct pool pl = { .s = s, .p = p };
	pl.decks = xmalloc((s->n_pages + 1) * sizeof(*pl.decks));
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_DIAPORAMA && (drafts || !s->pages[i]->brouillon))
			pl.decks[pl.n_decks++] = s->pages[i];
	size_t cap = 16;
	pl.bk = xmalloc(cap * sizeof(*pl.bk));
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		size_t k = ca->par_departement ? s->geo.n_departements : 0;
		pl.bk = xgrow(pl.bk, &cap, pl.n_bk + 1 + k, sizeof(*pl.bk));
		pl.bk[pl.n_bk++] = (struct booklet_job){ ca, NULL };
		for (size_t j = 0; j < k; j++)
			pl.bk[pl.n_bk++] = (struct booklet_job){ ca, s->geo.departements[j].code };
	}
	pl.n_jobs = pl.n_bk + pl.n_decks + s->n_referentiels + s->n_organismes;
	pthread_t th[64];
	struct worker ws[64];
	int n = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs, started = 0;
	for (int i = 0; i < n; i++)
		ws[i] = (struct worker){ &pl, DIAGS_INIT };
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, work, &ws[started + 1]) == 0)
			started++;
	work(&ws[0]);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i <= started; i++)
		diags_merge(d, &ws[i].d);
	free(pl.bk);
	free(pl.decks);
	return pl.failed ? -1 : 0;
}
