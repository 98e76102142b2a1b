/*
 * Pages drawn only when needed (pdf_int.h, pdf_lazy_*). A booklet rendered
 * again because one of its entries changed replayed every entry's ops onto
 * its pages, drew every footer, then put back almost every page's content
 * from the previous build (pdf_pages.c): drawing was most of its time
 * (perf), for bytes thrown away. Now a page that only entries replayed
 * from the cache (pdf_entries.c) fill is first kept as events: each is a
 * run of checked ops, the cursor it starts at, and the page it lies on;
 * the replay still moves the cursor, breaks pages and registers the fonts
 * in the page's resources as drawing would (dry: pdf_text.c), so the page's
 * dictionary and the layout are those of drawing. Its recipe is the digest
 * of the entries' global part (carto and its libraries, the font files),
 * its events (cursor and ops bytes, in order: with the page starting
 * empty, they say every byte its drawing writes) and its footer (the
 * texts, its number, the number of pages). The document's note
 * (pdf-pages/<its path>) maps the previous build's recipes to the keys of
 * their contents (pdf_pages.c's pieces: the uncompressed stream's digest);
 * a page whose recipe it has, and whose piece the previous file has (its
 * bytes checked), takes it without being drawn. Any other page is drawn:
 * at once when something else is drawn on it (a heading or an entry laid
 * out: pdf_lazy_live, from the layout layer), or at pdf_save, its events
 * then its footer, in the order drawing would have written them.
 *
 * Recipe records in the note: recipe (16 bytes), content key (16). A note
 * that does not hold whole records is none.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_pages.h>

#include "../../base/mem.h"
#include "../cache.h"
#include "pdf_int.h"

#define PAGES_NOTE_MAX (64u << 20)

struct event {
	const char *ops;	/* checked ops, owned by the entries' note */
	size_t n;
	float y;
};

struct lpage {
	int pending;		/* not drawn yet */
	int recipe_ok;		/* recipe holds (set by pdf_lazy_footer) */
	size_t ev0, n_ev;	/* its events in lazy->ev */
	HPDF_GState_Rec gs;	/* the page's state when it was made */
	HPDF_TransMatrix tm;
	HPDF_Point tp;
	HPDF_UINT16 gmode;
	struct digest recipe, content;
	int has_content;	/* content set (drawn and keyed, or put back) */
};

struct pdf_lazy {
	struct pdf_entries *ent;
	char *name;		/* of the note */
	int first;		/* the first page made lazily */
	struct lpage *pg;	/* pages first.. */
	size_t n_pg, cap_pg;
	struct event *ev;
	size_t n_ev, cap_ev;
	int in_event;		/* an event is open on the current page */
	struct fs_view old;	/* the previous note */
	const char *rec;	/* its records */
	size_t n_rec;
	struct digest *tab;	/* open addressing: pairs recipe, content */
	size_t mask;
};

static struct lpage *cur(struct doc *d)
{
	struct pdf_lazy *z = d->lazy;
	int i = d->npages - 1 - z->first;
	return i >= 0 && (size_t)i < z->n_pg ? &z->pg[i] : NULL;
}

static struct lpage *page_of(struct doc *d, int i)
{
	struct pdf_lazy *z = d->lazy;
	return z && i >= z->first && (size_t)(i - z->first) < z->n_pg ? &z->pg[i - z->first] : NULL;
}

static size_t slot(const struct pdf_lazy *z, const struct digest *k)
{
	size_t i = (size_t)k->lo & z->mask;
	while (!digest_eq(&z->tab[2 * i], &(struct digest){ 0, 0 }) && !digest_eq(&z->tab[2 * i], k))
		i = (i + 1) & z->mask;
	return i;
}

static void read_note(struct pdf_lazy *z, const struct cache *c)
{
	size_t len;
	const char *b = cache_note_read(c, z->name, PAGES_NOTE_MAX, &z->old, &len);
	size_t rec = 2 * sizeof(struct digest);
	if (!b || len % rec)
		return;
	size_t count = len / rec, cap = 16;
	while (cap < 2 * count)
		cap *= 2;
	z->tab = xcalloc(2 * cap, sizeof(*z->tab));
	z->mask = cap - 1;
	for (size_t i = 0; i < count; i++) {
		struct digest k[2];
		memcpy(k, b + i * rec, rec);
		if (digest_eq(&k[0], &(struct digest){ 0, 0 }))
			continue;
		size_t s = slot(z, &k[0]);
		z->tab[2 * s] = k[0];
		z->tab[2 * s + 1] = k[1];
	}
}

void pdf_lazy_start(struct doc *d, struct pdf_entries *e, const char *rel)
{
	struct pdf_reuse *ru = e ? pdf_entries_reuse(e) : NULL;
	if (!ru || !ru->cache || d->lazy || !d->footer || !d->url)
		return;
	/* The footer is set in the standard font only (tier 0). */
	pdf_enc(d, d->footer);
	int t1 = d->tier;
	pdf_enc(d, d->url);
	if (t1 != TIER_CP1252 || d->tier != TIER_CP1252)
		return;
	struct pdf_lazy *z = xcalloc(1, sizeof(*z));
	struct buf name = BUF_INIT;
	buf_printf(&name, "pdf-pages/%s", rel);
	z->name = buf_detach(&name, NULL);
	z->ent = e;
	z->first = d->npages;
	z->old = (struct fs_view)FS_VIEW_INIT;
	read_note(z, ru->cache);
	d->lazy = z;
}

void pdf_lazy_page(struct doc *d)
{
	struct pdf_lazy *z = d->lazy;
	if (!z || d->npages - 1 < z->first)
		return;
	z->pg = xgrow(z->pg, &z->cap_pg, z->n_pg + 1, sizeof(*z->pg));
	struct lpage *p = &z->pg[z->n_pg++];
	HPDF_PageAttr a = (HPDF_PageAttr)d->page->attr;
	*p = (struct lpage){ .pending = 1, .ev0 = z->n_ev, .gs = *a->gstate, .tm = a->text_matrix,
		.tp = a->text_pos, .gmode = a->gmode };
	z->in_event = 0;
}

int pdf_lazy_pending(struct doc *d)
{
	struct lpage *p = d->lazy ? cur(d) : NULL;
	return p && p->pending;
}

void pdf_lazy_event(struct doc *d, const char *ops, size_t n, float y)
{
	struct pdf_lazy *z = d->lazy;
	struct lpage *p = cur(d);
	if (!p || !p->pending || n == 0)
		return;
	z->ev = xgrow(z->ev, &z->cap_ev, z->n_ev + 1, sizeof(*z->ev));
	z->ev[z->n_ev++] = (struct event){ ops, n, y };
	p->n_ev++;
}

/* Draws page i's events, from the state it was made with. */
static void draw_events(struct doc *d, int i, struct lpage *p)
{
	struct pdf_lazy *z = d->lazy;
	HPDF_Page keep = d->page;
	float y = d->y;
	HPDF_PageAttr a = (HPDF_PageAttr)d->pages[i]->attr;
	a->gstate->font = p->gs.font;
	a->gstate->font_size = p->gs.font_size;
	a->gstate->writing_mode = p->gs.writing_mode;
	a->text_matrix = p->tm;
	a->text_pos = p->tp;
	a->gmode = p->gmode;
	p->pending = 0;
	d->page = d->pages[i];
	for (size_t k = p->ev0; k < p->ev0 + p->n_ev; k++) {
		d->y = z->ev[k].y;
		pdf_ops_replay(d, z->ev[k].ops, z->ev[k].n, 1);
	}
	d->page = keep;
	d->y = y;
}

void pdf_lazy_live(struct doc *d)
{
	struct lpage *p = d->lazy ? cur(d) : NULL;
	if (p && p->pending)
		draw_events(d, d->npages - 1, p);
}

int pdf_lazy_footer(struct doc *d, int i)
{
	struct pdf_lazy *z = d->lazy;
	struct lpage *p = page_of(d, i);
	if (!p || !p->pending)
		return 0;
	HPDF_Page pg = d->pages[i];
	HPDF_PageAttr a = (HPDF_PageAttr)pg->attr;
	HPDF_Font f = d->regular;	/* the footer's texts are in tier 0 */
	struct digest seed = pdf_entries_seed(z->ent);
	struct digest_ctx *k = digest_new();
	digest_fold(k, &seed);
	digest_str(k, "page");
	for (size_t e = p->ev0; e < p->ev0 + p->n_ev; e++) {
		digest_add(k, &z->ev[e].y, sizeof(z->ev[e].y));
		digest_num(k, (long long)z->ev[e].n);
		digest_add(k, z->ev[e].ops, z->ev[e].n);
	}
	digest_str(k, d->footer);
	digest_str(k, d->url);
	digest_num(k, i + 1);
	digest_num(k, d->npages);
	p->recipe = digest_end(k);
	/* What the footer's drawing leaves in the page's dictionary (its
	 * font) and state (for its link's width, pdf_footers). */
	if (!HPDF_Page_GetLocalFontName(pg, f)) {
		draw_events(d, i, p);
		return 0;
	}
	p->recipe_ok = 1;
	a->gstate->font = f;
	a->gstate->font_size = 8;
	a->gstate->writing_mode = ((HPDF_FontAttr)f->attr)->writing_mode;
	return 1;
}

int pdf_lazy_known(struct doc *d, int i, struct digest *content)
{
	struct pdf_lazy *z = d->lazy;
	struct lpage *p = page_of(d, i);
	if (!p || !p->pending || !p->recipe_ok || !z->tab)
		return 0;
	size_t s = slot(z, &p->recipe);
	if (digest_eq(&z->tab[2 * s], &(struct digest){ 0, 0 }))
		return 0;
	*content = z->tab[2 * s + 1];
	return 1;
}

void pdf_lazy_draw(struct doc *d, int i)
{
	struct lpage *p = page_of(d, i);
	if (!p || !p->pending)
		return;
	draw_events(d, i, p);
	if (p->recipe_ok)	/* pdf_footers left its footer undrawn */
		pdf_footer_draw(d, i);
}

void pdf_lazy_learn(struct doc *d, int i, const struct digest *content, int undrawn)
{
	struct lpage *p = page_of(d, i);
	if (!p || !p->recipe_ok)
		return;
	p->content = *content;
	p->has_content = 1;
	if (undrawn && d->reuse)
		atomic_fetch_add(&d->reuse->undrawn, 1);
}

void pdf_lazy_end(struct doc *d, int ok)
{
	struct pdf_lazy *z = d->lazy;
	if (!z)
		return;
	if (ok) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < z->n_pg; i++)
			if (z->pg[i].recipe_ok && z->pg[i].has_content) {
				buf_add(&b, &z->pg[i].recipe, sizeof(z->pg[i].recipe));
				buf_add(&b, &z->pg[i].content, sizeof(z->pg[i].content));
			}
		cache_note_write(pdf_entries_reuse(z->ent)->cache, z->name, b.data, b.len);
		buf_release(&b);
	}
	fs_view_close(&z->old);
	free(z->tab);
	free(z->pg);
	free(z->ev);
	free(z->name);
	free(z);
	d->lazy = NULL;
}
