/*
 * PDF documents: fiches of organisations, référentiel cards, cartography
 * booklets and slide decks with their handouts. A small layout layer over
 * libharu (pdf_layout.c) keeps a cursor on the page, wraps paragraphs from
 * measured widths, keeps headings with what follows and starts a new page
 * when a block does not fit; page numbers ("page 2 / 3") are drawn once the
 * document is complete. Text is in Helvetica (standard, not embedded) in
 * CP1252 so that every French character comes back from the PDF intact,
 * other scripts in embedded fonts (pdf_int.h).
 * One file per kind of document (pdf_fiche.c, pdf_card.c, pdf_booklet.c,
 * pdf_deck.c), the maps in pdf_map.c. This file holds the job list, run
 * on the job pool. Start at pdf_backend, at the end.
 */
#include "../pdf.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../base/pool.h"
#include "../backend.h"
#include "../cache.h"
#include "pdf_int.h"

/* ---- the backend ---- */

/* Every document is a job: booklets first (the longest), then the decks,
 * the cards and the fiches, taken in turn by the pool's workers so that the
 * cores stay busy until the end. A job's index says which document it is. */
struct booklet_job {
	const struct cartographie *ca;
	const char *dep;
};

struct pdf {
	const struct site *s;
	struct publish *p;
	struct booklet_job *bk;
	size_t n_bk, n_jobs;
	const struct page **decks;
	size_t n_decks;
	struct outline *locators;	/* per département, for the fiches */
	size_t n_locators;
	struct cache *cache;
	struct digest fonts;		/* the font files, for the cache's keys */
	struct pdf_reuse reuse;		/* the long documents' pages put back */
	struct buf *files;		/* per worker: a booklet's previous file (pdf_splice) */
	size_t n_files;
	int timing;			/* CARTO_TIMING: say how many */
};

static void *pdf_new(const struct render_in *in)
{
	const struct site *s = in->s;
	struct pdf *pl = xcalloc(1, sizeof(*pl));
	pl->s = s;
	pl->cache = in->cache;
	pl->reuse.cache = in->cache;
	pl->timing = in->o->timing;
	if (pl->cache)
		pl->fonts = pdf_fonts_digest();
	pl->reuse.fonts = pl->fonts;
	pl->decks = xmalloc((s->n_pages + 1) * sizeof(*pl->decks));
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_DIAPORAMA && (in->o->drafts || !s->pages[i]->brouillon))
			pl->decks[pl->n_decks++] = s->pages[i];
	size_t cap = 16;
	pl->bk = xmalloc(cap * sizeof(*pl->bk));
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		size_t k = ca->par_departement ? s->geo.n_departements : 0;
		pl->bk = xgrow(pl->bk, &cap, pl->n_bk + 1 + k, sizeof(*pl->bk));
		pl->bk[pl->n_bk++] = (struct booklet_job){ ca, NULL };
		for (size_t j = 0; j < k; j++)
			pl->bk[pl->n_bk++] = (struct booklet_job){ ca, s->geo.departements[j].code };
	}
	pl->n_jobs = pl->n_bk + pl->n_decks + s->n_referentiels + s->n_organismes;
	/* Each département's outlines, simplified once for all its fiches. */
	pl->locators = xcalloc(s->geo.n_departements + 1, sizeof(*pl->locators));
	pl->n_locators = s->n_organismes ? s->geo.n_departements : 0;
	for (size_t i = 0; i < pl->n_locators; i++) {
		struct box b;
		pdf_locator_box(&b, &s->geo.departements[i], 0, 0);
		pdf_outline_build(&pl->locators[i], &s->geo, s->geo.departements[i].code, &b);
	}
	return pl;
}

/* Renders job i, a document of kind. */
static int render(struct pdf *pl, size_t i, struct pool_worker *w)
{
	const struct site *s = pl->s;
	if (i < pl->n_bk)
		return booklet(s, pl->bk[i].ca, pl->bk[i].dep, &pl->reuse, pl->p, &w->out,
		    (size_t)w->id < pl->n_files ? &pl->files[w->id] : NULL, &w->d);
	i -= pl->n_bk;
	if (i < pl->n_decks)
		return deck(s, pl->decks[i], &pl->reuse, pl->p, &w->out, &w->d);
	i -= pl->n_decks;
	if (i < s->n_referentiels)
		return card(s, s->referentiels[i], pl->p, &w->out, &w->d);
	return fiche(s, s->organismes[i - s->n_referentiels], pl->locators, pl->p, &w->out, &w->d);
}

/* The cache's key of job i (cache.h): a fiche reads its organisation and
 * the organisations of its suites; a booklet its cartography's rows (of a
 * département when it is one's), their suites and the date of the newest
 * data (a region's that does not list them, what it prints of them); a card its
 * référentiel and the correspondences (global inputs) and that date; a deck
 * its page, whose views and links may show anything of the site. */
static struct digest_ctx *key(const struct pdf *pl, size_t i)
{
	const struct site *s = pl->s;
	struct digest_ctx *k;
	size_t n;
	if (i < pl->n_bk) {
		k = cache_key(pl->cache, "pdf-booklet", pl->bk[i].ca->id.s);
		digest_str(k, pl->bk[i].dep);
		if (!pdf_booklet_unlisted_key(k, s, pl->bk[i].ca, pl->bk[i].dep)) {
			const struct rowref *r = index_rows(s, pl->bk[i].ca, pl->bk[i].dep, &n);
			cache_key_rows(k, r, n);
			cache_key_row_suites(k, r, n);	/* each entry's "Et après ?" */
		}
		digest_num(k, s->last_update);
	} else if ((i -= pl->n_bk) < pl->n_decks) {
		k = cache_key(pl->cache, "pdf-deck", pl->decks[i]->slug);
		cache_key_model(k, s);
	} else if ((i -= pl->n_decks) < s->n_referentiels) {
		k = cache_key(pl->cache, "pdf-card", s->referentiels[i]->id);
		digest_num(k, s->last_update);
	} else {
		const struct organisme *o = s->organismes[i - s->n_referentiels];
		k = cache_key(pl->cache, "pdf-fiche", o->id.s);
		cache_key_org(k, o);
		cache_key_suites(k, o);
	}
	digest_fold(k, &pl->fonts);
	return k;
}

static int job(void *ctx, size_t i, struct pool_worker *w)
{
	struct pdf *pl = ctx;
	struct cache_job cj;
	if (!pl->cache)
		return render(pl, i, w);
	if (cache_start(pl->cache, pl->p, &cj, key(pl, i), &w->d) == 1)
		return 0;
	int rc = render(pl, i, w);
	cache_finish(pl->cache, &cj, rc, &w->d);
	return rc;
}

static int pdf_render(void *self, const struct render_in *in, struct publish *p, struct diags *d)
{
	struct pdf *pl = self;
	pl->p = p;
	pl->n_files = (size_t)pool_workers(pl->n_jobs, in->o->jobs);
	pl->files = xcalloc(pl->n_files + 1, sizeof(*pl->files));
	for (size_t i = 0; i < pl->n_files; i++)
		pl->files[i] = (struct buf)BUF_INIT;
	int rc = pool_run(pl->n_jobs, in->o->jobs, job, pl, d, NULL);
	for (size_t i = 0; i < pl->n_files; i++)
		buf_release(&pl->files[i]);
	free(pl->files);
	pl->files = NULL;
	if (pl->timing) {
		fprintf(stderr, "carto: pdf pages put back %zu, compressed %zu\n",
		    (size_t)pl->reuse.put_back, (size_t)pl->reuse.compressed);
		fprintf(stderr, "carto: pdf entries replayed %zu, laid out %zu\n",
		    (size_t)pl->reuse.replayed, (size_t)pl->reuse.laid_out);
		fprintf(stderr, "carto: pdf pages put back undrawn %zu\n", (size_t)pl->reuse.undrawn);
		fprintf(stderr, "carto: pdf drawings kept %zu\n", (size_t)pl->reuse.kept);
		fprintf(stderr, "carto: pdf booklets spliced %zu, pages drawn %zu\n", (size_t)pl->reuse.spliced,
		    (size_t)pl->reuse.redrawn);
	}
	return rc;
}

static void pdf_free(void *self)
{
	struct pdf *pl = self;
	for (size_t i = 0; i < pl->n_locators; i++)
		pdf_outline_free(&pl->locators[i]);
	free(pl->locators);
	free(pl->bk);
	free(pl->decks);
	free(pl);
}

const struct backend pdf_backend = { "pdf", pdf_new, pdf_render, pdf_free };
