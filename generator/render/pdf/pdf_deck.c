/*
 * Slide decks (16:9, a slide per page) and their handouts (A4, three slides
 * a page) from a diaporama page: the theme's band, the blocks of each slide
 * scaled down to fit, down to half size, then continued on further slides
 * (struct pager), the tables and maps of embedded views.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "../../base/diag.h"
#include "../../data/embed.h"
#include "../../data/paths.h"
#include "../../text/markdown.h"
#include "pdf_int.h"

#define SLIDE_W 960.0f	/* 16:9, as presentation software */
#define SLIDE_H 540.0f
#define SLIDE_M 48.0f

/* Offers by département × type, as the HTML view counts them. */
static void deck_table(struct doc *d, const struct site *s, const struct embed *e, struct brow *r,
    size_t n, float x, float y, float w, float f, int draw, float *hp)
{
	size_t nt = embed_columns(s, e, NULL), nd = s->geo.n_departements;
	const char **types = xmalloc((nt + 1) * sizeof(*types));
	embed_columns(s, e, types);
	size_t *cell = xcalloc((nd + 1) * (nt + 1), sizeof(*cell));
	for (size_t i = 0; i < n; i++)
		embed_count(s, types, nt, r[i].o, r[i].l, cell);
	float size = 15 * f, rh = size * 1.6f, first = w * 0.22f, cw = (w - first) / (float)(nt + 1);
	float hh = 3 * size * 1.15f + 6;	/* header: type names on up to three lines */
	size_t rows = 0;
	for (size_t dd = 0; dd <= nd; dd++)
		rows += dd == nd || !e->dep || strcmp(s->geo.departements[dd].code, e->dep) == 0;
	*hp = hh + (float)rows * rh;
	/* Type names on up to three lines: the size at which their longest
	 * word fits its column. */
	float hs = size * 0.85f;
	for (size_t t = 0; t < nt; t++) {
		const char *l = pdf_enc(d, vocab_label(&s->vocab.types_offre, types[t]));
		HPDF_Font bold = pdf_twin(d, d->bold);
		for (const char *q = l; *q;) {
			const char *e = q;
			while (*e && *e != ' ')
				e++;
			while (hs > 5 && HPDF_Font_TextWidth(bold, (const HPDF_BYTE *)q, (HPDF_UINT)(e - q)).width * hs / 1000 > cw - 6)
				hs *= 0.92f;
			q = *e ? e + 1 : e;
		}
	}
	if (draw) {
		char num[32];
		HPDF_Page_SetRGBFill(d->page, 0.89f, 0.89f, 0.99f);
		HPDF_Page_Rectangle(d->page, x, y - hh, w, hh);
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
		pdf_rich(d, "Département", x + 4, y - 4, first - 8, size, 1, 1);
		for (size_t t = 0; t <= nt; t++) {
			const char *code = t == nt ? NULL : types[t];
			pdf_rich(d, code ? vocab_label(&s->vocab.types_offre, code) : "Total", x + first + (float)t * cw + 3, y - 4,
			    cw - 6, hs, 1, 1);
		}
		float yy = y - hh;
		HPDF_Page_SetRGBStroke(d->page, 0.57f, 0.57f, 0.57f);
		HPDF_Page_SetLineWidth(d->page, 0.5f);
		for (size_t dd = 0; dd <= nd; dd++) {
			if (dd < nd && e->dep && strcmp(s->geo.departements[dd].code, e->dep) != 0)
				continue;
			char lab[160];
			snprintf(lab, sizeof(lab), "%s%s%s%s", dd < nd ? s->geo.departements[dd].nom : "Île-de-France",
			    dd < nd ? " (" : "", dd < nd ? s->geo.departements[dd].code : "", dd < nd ? ")" : "");
			pdf_rich(d, lab, x + 4, yy - size * 0.3f, first - 8, size, dd == nd, 1);
			for (size_t t = 0; t <= nt; t++) {
				snprintf(num, sizeof(num), "%zu", cell[dd * (nt + 1) + t]);
				HPDF_Font fo = dd == nd || t == nt ? d->bold : d->regular;
				float tw = HPDF_Font_TextWidth(fo, (const HPDF_BYTE *)num, (HPDF_UINT)strlen(num)).width * size / 1000;
				HPDF_Page_BeginText(d->page);
				HPDF_Page_SetFontAndSize(d->page, fo, size);
				HPDF_Page_TextOut(d->page, x + first + (float)(t + 1) * cw - 6 - tw, yy - size * 1.25f, num);
				HPDF_Page_EndText(d->page);
			}
			HPDF_Page_MoveTo(d->page, x, yy);
			HPDF_Page_LineTo(d->page, x + w, yy);
			HPDF_Page_Stroke(d->page);
			yy -= rh;
		}
		HPDF_Page_MoveTo(d->page, x, yy);
		HPDF_Page_LineTo(d->page, x + w, yy);
		HPDF_Page_Stroke(d->page);
	}
	free(cell);
	free(types);
}

/* A line of a view: head in bold, then rest; returns its height. */
static float bold_then(struct doc *d, const char *head, const char *rest, float x, float y, float w,
    float size, int draw)
{
	const struct md_span sp[2] = { { head, strlen(head), 1, 0, NULL },
		{ rest, strlen(rest), 0, 0, NULL } };
	return pdf_spans(d, sp, 2, x, y, w, size, 0, draw);
}

/* A view of a slide in the width w from (x, y); a map takes the height
 * left, avail. Returns the height used. */
static float deck_view(struct doc *d, const struct site *s, const struct embed *e, float x, float y,
    float w, float avail, float f, int draw)
{
	struct buf b = BUF_INIT;
	float h = 0;
	if (e->kind == EMBED_DOMAINES) {
		for (size_t i = 0; i < e->ref->n_domaines; i++) {
			buf_reset(&b);
			buf_printf(&b, " %s", e->ref->domaines[i].titre);
			h += bold_then(d, e->ref->domaines[i].code, b.data, x, y - h, w, 16 * f, draw) + 2 * f;
		}
	} else if (e->kind == EMBED_CORRESPONDANCE) {
		const struct correspondance *k = e->corr;
		for (size_t i = 0; i < k->n_liens; i++) {
			buf_reset(&b);
			buf_puts(&b, " → ");
			for (size_t j = 0; j < k->liens[i].vers.n; j++)
				buf_printf(&b, "%s%s", j ? ", " : "", k->liens[i].vers.v[j].s);
			h += bold_then(d, k->liens[i].de.s, b.data, x, y - h, w, 12 * f, draw);
		}
	} else if (e->ca) {
		size_t n, m = 0;
		struct brow *r = pdf_carto_rows(s, e->ca, e->dep, &n);
		for (size_t i = 0; i < n; i++)
			if (embed_keeps(e, r[i].o, r[i].l))
				r[m++] = r[i];
		if (e->kind == EMBED_CARTE) {
			h = avail - 10 * f < 160 * f ? 160 * f : avail - 10 * f;
			if (draw)
				pdf_map_box(d, s, e->dep, r, m, x, y - h, w, h);
		} else if (e->kind == EMBED_TABLEAU) {
			deck_table(d, s, e, r, m, x, y, w, f, draw, &h);
		} else if (e->kind == EMBED_COMPTE) {
			char num[32];
			snprintf(num, sizeof(num), "%zu", m);
			buf_printf(&b, " offre%s – %s%s%s", m > 1 ? "s" : "", e->ca->titre,
			    e->dep ? " – " : "", e->dep ? geo_dep_name(&s->geo, e->dep) : "");
			h = bold_then(d, num, b.data, x, y, w, 20 * f, draw);
		} else {
			for (size_t i = 0; i < m && i < (size_t)e->limite; i++) {
				buf_reset(&b);
				buf_printf(&b, " – %s – %s", r[i].o->org->nom, r[i].l->commune ? r[i].l->commune->nom : "");
				h += bold_then(d, r[i].o->intitule ? r[i].o->intitule : "", b.data, x, y - h, w, 13 * f,
				    draw) + 2 * f;
			}
		}
		free(r);
	}
	buf_release(&b);
	return h;
}

/* The size of a text block's text at scale f. */
static float text_size(const struct md_block *bl, float f)
{
	switch (bl->kind) {
	case MDB_H1:
		return 36 * f;
	case MDB_H2:
		return 30 * f;
	case MDB_CODE:
		return 16 * f;
	default:
		return 22 * f;
	}
}

/* The bullet or number of a list item, left of x. */
static void item_mark(struct doc *d, const struct md_block *bl, float x, float y, float f)
{
	char mark[16];
	if (bl->num)
		snprintf(mark, sizeof(mark), "%d.", bl->num);
	else
		snprintf(mark, sizeof(mark), "%s", bl->depth > 1 ? "–" : "•");
	pdf_rich(d, mark, x - 22 * f, y, 22 * f, 22 * f, 0, 1);
}

/* Draws (or measures) the blocks of one slide at scale f from the top of
 * the slide's text area; returns the height used. */
static float slide_blocks(struct doc *d, const struct site *s, const struct page *pg,
    const struct md_deck *k, size_t from, size_t to, float f, float top, float bottom, int draw)
{
	float y = top, w = SLIDE_W - 2 * SLIDE_M;
	for (size_t i = from; i < to; i++) {
		const struct md_block *bl = &k->b[i];
		float x = SLIDE_M + (float)bl->depth * 28 * f;
		switch (bl->kind) {
		case MDB_H1:
		case MDB_H2:
		case MDB_H3:
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), text_size(bl, f), 1, draw) +
			    10 * f;
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
			break;
		case MDB_ITEM:
			if (draw)
				item_mark(d, bl, x, y, f);
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), text_size(bl, f), 0, draw) +
			    6 * f;
			break;
		case MDB_VIEW:
			if (bl->view < pg->n_embeds)
				y -= deck_view(d, s, &pg->embeds[bl->view], x, y, w - (x - SLIDE_M), y - bottom, f, draw)
				    + 8 * f;
			break;
		default:
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), text_size(bl, f), 0, draw) +
			    10 * f;
		}
	}
	return top - y;
}

/* The slides of a deck as the PDF sets them: a slide is set smaller until
 * it fits, down to F_MIN of its size; a slide that does not fit even then
 * goes on on further slides, each with its title followed by "(suite)",
 * its blocks at F_MIN, a text block cut between lines, a view that does not
 * fit beside others on a slide of its own, set smaller until it fits. The
 * HTML deck is not concerned: its slides scroll. A pager goes through the
 * deck a PDF slide at a time; each line is laid out once, so the time is
 * that of the text. */
#define F_MIN 0.5f

struct pager {
	const struct site *s;
	const struct page *pg;
	const struct md_deck *k;
	size_t slide;		/* the deck's slide being set */
	size_t b;		/* its next block, when cont */
	struct pdf_flow *fl;	/* block b, begun on an earlier slide, or NULL */
	int cont;		/* the slide goes on from block b */
	size_t n;		/* PDF slides set so far */
};

#define SLIDE_TOP (SLIDE_H - SLIDE_M)
#define SLIDE_BOTTOM 52.0f

/* The title of a continued slide, its first block with " (suite)", set at
 * F_MIN from top when it takes at most half the slide; returns the height
 * used, 0 when there is no such title. */
static float suite_title(struct doc *d, const struct md_block *bl, int draw)
{
	if (bl->kind != MDB_H1 && bl->kind != MDB_H2 && bl->kind != MDB_H3)
		return 0;
	struct md_span *sp = xmalloc((bl->n_spans + 1) * sizeof(*sp));
	memcpy(sp, bl->spans, bl->n_spans * sizeof(*sp));
	sp[bl->n_spans] = (struct md_span){ " (suite)", 8, 0, 0, NULL };
	float f = F_MIN, x = SLIDE_M + (float)bl->depth * 28 * f, w = SLIDE_W - SLIDE_M - x;
	float size = text_size(bl, f);
	float h = pdf_spans(d, sp, bl->n_spans + 1, x, SLIDE_TOP, w, size, 1, 0);
	if (h > (SLIDE_TOP - SLIDE_BOTTOM) / 2)
		h = 0;	/* the room is the text's */
	else {
		if (draw) {
			HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
			pdf_spans(d, sp, bl->n_spans + 1, x, SLIDE_TOP, w, size, 1, 1);
			HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
		}
		h += 10 * f;
	}
	free(sp);
	return h;
}

/* A view on a continued slide at y: set at F_MIN, or, alone on the slide
 * (first) and still too large, smaller until it fits. Returns the height
 * used, or -1 when it goes on the next slide. */
static float pager_view(struct doc *d, const struct pager *pp, const struct md_block *bl, float y,
    int first, int draw)
{
	const struct embed *e = &pp->pg->embeds[bl->view];
	float f = F_MIN, x = SLIDE_M + (float)bl->depth * 28 * f, w = SLIDE_W - SLIDE_M - x;
	float h = deck_view(d, pp->s, e, x, y, w, y - SLIDE_BOTTOM, f, 0);
	if (h > y - SLIDE_BOTTOM && !first)
		return -1;
	for (int tries = 0; tries < 16 && h > y - SLIDE_BOTTOM; tries++) {
		f *= fmaxf(0.5f, fminf(0.95f, (y - SLIDE_BOTTOM) / h));
		x = SLIDE_M + (float)bl->depth * 28 * f;
		w = SLIDE_W - SLIDE_M - x;
		h = deck_view(d, pp->s, e, x, y, w, y - SLIDE_BOTTOM, f, 0);
	}
	if (draw)
		deck_view(d, pp->s, e, x, y, w, y - SLIDE_BOTTOM, f, 1);
	return h + 8 * f;
}

/* A text block on a continued slide from y: as many of its lines as fit,
 * its mark when it starts. Returns the height used; pp->fl is left set
 * when the block goes on on the next slide. */
static float pager_text(struct doc *d, struct pager *pp, const struct md_block *bl, float y, int first,
    int draw)
{
	float f = F_MIN, x = SLIDE_M + (float)bl->depth * 28 * f, w = SLIDE_W - SLIDE_M - x;
	float size = text_size(bl, f), gap = (bl->kind == MDB_ITEM ? 6 : 10) * f;
	int head = bl->kind == MDB_H1 || bl->kind == MDB_H2 || bl->kind == MDB_H3;
	size_t max = (size_t)((y - SLIDE_BOTTOM) / (size * 1.3f));
	if (!max && !first)
		return -1;
	if (!pp->fl) {
		pp->fl = pdf_flow_new(d, bl->spans, bl->n_spans, head);
		if (draw && bl->kind == MDB_ITEM)
			item_mark(d, bl, x, y, f);
	}
	if (draw && head)
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
	float h = pdf_flow_set(d, pp->fl, x, y, w, size, max ? max : 1, draw);
	if (draw && head)
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	if (!pdf_flow_done(pp->fl))
		return h;
	pdf_flow_free(pp->fl);
	pp->fl = NULL;
	return h + gap;
}

/* The next PDF slide of a slide that goes on: blocks from pp->b at F_MIN
 * until the slide is full. */
static void pager_more(struct doc *d, struct pager *pp, int draw)
{
	const struct md_deck *k = pp->k;
	size_t from = k->slide[pp->slide], to = k->slide[pp->slide + 1];
	float y = SLIDE_TOP;
	if (pp->b > from)
		y -= suite_title(d, &k->b[from], draw);
	for (int first = 1; pp->b < to; first = 0) {
		const struct md_block *bl = &k->b[pp->b];
		float h = 0;
		if (bl->kind != MDB_VIEW)
			h = pager_text(d, pp, bl, y, first, draw);
		else if (bl->view < pp->pg->n_embeds)
			h = pager_view(d, pp, bl, y, first, draw);
		if (h < 0)
			break;	/* the block goes on the next slide */
		y -= h;
		if (pp->fl)
			break;	/* the block goes on on the next slide */
		pp->b++;
	}
	if (pp->b == to) {
		pp->slide++;
		pp->cont = 0;
	}
}

/* Sets the next PDF slide's blocks on the current page (measures them
 * only, unless draw) and moves pp on. */
static void pager_next(struct doc *d, struct pager *pp, int draw)
{
	const struct md_deck *k = pp->k;
	size_t from = k->slide[pp->slide], to = k->slide[pp->slide + 1];
	pp->n++;
	if (pp->cont) {
		pager_more(d, pp, draw);
		return;
	}
	float top = SLIDE_TOP, bottom = SLIDE_BOTTOM, f = 1;
	float used = slide_blocks(d, pp->s, pp->pg, k, from, to, f, top, bottom, 0);
	for (int tries = 0; tries < 16 && used > top - bottom && f > F_MIN; tries++) {
		f = fmaxf(F_MIN, f * fmaxf(0.5f, fminf(0.95f, (top - bottom) / used)));
		used = slide_blocks(d, pp->s, pp->pg, k, from, to, f, top, bottom, 0);
	}
	if (used > top - bottom) {	/* too long even at F_MIN: it goes on */
		pp->cont = 1;
		pp->b = from;
		pager_more(d, pp, draw);
		return;
	}
	/* A slide of a title only is set at a third of the height. */
	if (to - from <= 3 && k->b[from].kind == MDB_H1)
		top -= (top - bottom - used) / 3;
	if (draw)
		slide_blocks(d, pp->s, pp->pg, k, from, to, f, top, bottom, 1);
	pp->slide++;
}

static void pager_start(struct pager *pp, const struct site *s, const struct page *pg, const struct md_deck *k)
{
	*pp = (struct pager){ .s = s, .pg = pg, .k = k };
}

/* How many PDF slides the deck takes, counted up to MAX_PAGES + 1. */
static size_t pager_count(struct doc *d, const struct site *s, const struct page *pg, const struct md_deck *k)
{
	struct pager pp;
	pager_start(&pp, s, pg, k);
	while (pp.slide < k->n_slides && pp.n <= MAX_PAGES)
		pager_next(d, &pp, 0);
	pdf_flow_free(pp.fl);
	return pp.n;
}

/* One PDF slide on the current page: the theme's band, the next blocks of
 * pp, the slide's number among n and the deck's title. */
static void slide(struct doc *d, struct pager *pp, size_t n)
{
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
	HPDF_Page_Rectangle(d->page, 0, SLIDE_H - 10, SLIDE_W, 10);
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	pager_next(d, pp, 1);
	char num[32];
	snprintf(num, sizeof(num), "%zu / %zu", pp->n, n);
	HPDF_Page_SetRGBFill(d->page, 0.35f, 0.35f, 0.35f);
	HPDF_Page_BeginText(d->page);
	pdf_show(d, d->page, d->regular, 11, SLIDE_M, 22, pp->pg->titre);
	pdf_set_font(d->page, d->regular, 11);
	HPDF_Page_TextOut(d->page, SLIDE_W - SLIDE_M - HPDF_Page_TextWidth(d->page, num), 22, num);
	HPDF_Page_EndText(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
}

static int deck_open(struct doc *d, const struct site *s, const struct page *pg, const char *kind,
    struct diags *dg)
{
	if (pdf_open_doc(d, dg) < 0)
		return -1;
	d->italic = HPDF_GetFont(d->pdf, "Helvetica-Oblique", "WinAnsiEncoding");
	if (!d->italic) {
		diag_add(dg, "pdf", 0, 0, DIAG_ERROR, "libharu cannot give the standard font Helvetica-Oblique");
		return -1;
	}
	pdf_info(d, pg->titre, s->titre, kind, pg->date ? pg->date : s->last_update);
	return d->error ? -1 : 0;
}

/* The deck, 16:9, a slide per page; and the handout, A4, three slides a page
 * with ruled room for notes beside each. */
int deck(const struct site *s, const struct page *pg, struct pdf_reuse *ru, struct publish *p,
    struct buf *b, struct diags *dg)
{
	struct md_deck k;
	struct doc d;
	char url[1024];
	struct buf path = BUF_INIT;
	snprintf(url, sizeof(url), "%s%s/", s->base_url, pg->slug);
	md_deck(pg->body, &k);
	int rc = -1;
	if (deck_open(&d, s, pg, "Diaporama", dg) < 0)
		goto out;
	if (k.n_slides > MAX_PAGES) {
		diag_add(dg, pg->file, 0, 0, DIAG_ERROR, "the slide deck has %zu slides: a PDF of carto's holds "
		    "at most %d; split it into several decks", k.n_slides, MAX_PAGES);
		goto out;
	}
	d.src = pg->file;
	d.site = s;
	d.url = url;
	d.base = s->base_url;
	d.reuse = ru;
	/* The slides continued count towards the limit. */
	size_t n = pager_count(&d, s, pg, &k);
	if (n > MAX_PAGES) {
		diag_add(dg, pg->file, 0, 0, DIAG_ERROR, "the slide deck takes more than %d slides once the slides "
		    "too full for one go on on further slides: a PDF of carto's holds at most %d; split it into "
		    "several decks", MAX_PAGES, MAX_PAGES);
		goto out;
	}
	struct pager pp;
	pager_start(&pp, s, pg, &k);
	for (size_t i = 0; i < n && pp.slide < k.n_slides; i++) {
		HPDF_Page sp = HPDF_AddPage(d.pdf);
		if (!sp || HPDF_Page_SetWidth(sp, SLIDE_W) != HPDF_OK ||
		    HPDF_Page_SetHeight(sp, SLIDE_H) != HPDF_OK) {
			d.error = d.error ? d.error : 1;	/* pdf_save says so */
			break;
		}
		d.page = d.pages[d.npages++] = sp;
		slide(&d, &pp, n);
	}
	pdf_flow_free(pp.fl);
	if (pdf_save(&d, p, path_deck_pdf(&path, pg, 0), b) < 0)
		goto out;
	pdf_close_doc(&d);
	if (deck_open(&d, s, pg, "Support à distribuer : les diapositives et de la place pour les notes",
	    dg) < 0)
		goto out;
	d.src = pg->file;
	d.site = s;
	buf_reset(b);
	buf_printf(b, "%s – %s", s->titre, pg->titre);
	d.footer = xstrdup(b->data);
	d.url = url;
	d.base = s->base_url;
	d.scaled = 1;
	d.reuse = ru;
	const float sc = 0.34f, bw = SLIDE_W * sc, bh = SLIDE_H * sc, gap = (PAGE_H - 2 * MARGIN - 40 - 3 * bh) / 3;
	pager_start(&pp, s, pg, &k);
	for (size_t i = 0; i < n && pp.slide < k.n_slides; i++) {
		if (i % 3 == 0) {
			pdf_new_page(&d);
			pdf_para(&d, d.bold, 12, pg->titre);
		}
		float y0 = PAGE_H - MARGIN - 20 - (float)(i % 3 + 1) * bh - (float)(i % 3) * gap;
		HPDF_Page_GSave(d.page);
		HPDF_Page_Concat(d.page, sc, 0, 0, sc, MARGIN, y0);
		slide(&d, &pp, n);
		HPDF_Page_GRestore(d.page);
		HPDF_Page_SetRGBStroke(d.page, 0.45f, 0.45f, 0.45f);
		HPDF_Page_SetLineWidth(d.page, 0.6f);
		HPDF_Page_Rectangle(d.page, MARGIN, y0, bw, bh);
		HPDF_Page_Stroke(d.page);
		HPDF_Page_SetRGBStroke(d.page, 0.75f, 0.75f, 0.75f);
		for (float ly = y0 + bh - 18; ly > y0; ly -= 18) {
			HPDF_Page_MoveTo(d.page, MARGIN + bw + 18, ly);
			HPDF_Page_LineTo(d.page, PAGE_W - MARGIN, ly);
		}
		HPDF_Page_Stroke(d.page);
	}
	pdf_flow_free(pp.fl);
	pdf_footers(&d);
	rc = pdf_save(&d, p, path_deck_pdf(&path, pg, 1), b);
out:
	buf_release(&path);
	pdf_close_doc(&d);
	md_deck_free(&k);
	return rc;
}
