/*
 * Slide decks (16:9, a slide per page) and their handouts (A4, three slides
 * a page) from a diaporama page: the theme's band, the blocks of each slide
 * scaled down to fit, the tables and maps of embedded views.
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
		case MDB_H3: {
			float size = (bl->kind == MDB_H1 ? 36 : bl->kind == MDB_H2 ? 30 : 22) * f;
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), size, 1, draw) + 10 * f;
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
			break;
		}
		case MDB_ITEM: {
			char mark[16];
			if (bl->num)
				snprintf(mark, sizeof(mark), "%d.", bl->num);
			else
				snprintf(mark, sizeof(mark), "%s", bl->depth > 1 ? "–" : "•");
			float size = 22 * f;
			if (draw)
				pdf_rich(d, mark, x - 22 * f, y, 22 * f, size, 0, 1);
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), size, 0, draw) + 6 * f;
			break;
		}
		case MDB_VIEW:
			if (bl->view < pg->n_embeds)
				y -= deck_view(d, s, &pg->embeds[bl->view], x, y, w - (x - SLIDE_M), y - bottom, f, draw)
				    + 8 * f;
			break;
		default:
			y -= pdf_spans(d, bl->spans, bl->n_spans, x, y, w - (x - SLIDE_M), (bl->kind == MDB_CODE ? 16 : 22) * f,
			    0, draw)
			    + 10 * f;
		}
	}
	return top - y;
}

/* One slide on the current page: the theme's band, the blocks scaled down
 * until they fit, the slide's number and the deck's title. */
static void slide(struct doc *d, const struct site *s, const struct page *pg, const struct md_deck *k,
    size_t i, size_t n)
{
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
	HPDF_Page_Rectangle(d->page, 0, SLIDE_H - 10, SLIDE_W, 10);
	HPDF_Page_Fill(d->page);
	float top = SLIDE_H - SLIDE_M, bottom = 52, f = 1;
	for (int tries = 0; tries < 16; tries++) {
		float used = slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 0);
		if (used <= top - bottom)
			break;
		f *= fmaxf(0.5f, fminf(0.95f, (top - bottom) / used));
	}
	/* A slide of a title only is set at a third of the height. */
	float used = slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 0);
	if (k->slide[i + 1] - k->slide[i] <= 3 && k->b[k->slide[i]].kind == MDB_H1)
		top -= (top - bottom - used) / 3;
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 1);
	char num[32];
	snprintf(num, sizeof(num), "%zu / %zu", i + 1, n);
	HPDF_Page_SetRGBFill(d->page, 0.35f, 0.35f, 0.35f);
	HPDF_Page_BeginText(d->page);
	pdf_show(d, d->page, d->regular, 11, SLIDE_M, 22, pg->titre);
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
	d.url = url;
	d.base = s->base_url;
	d.reuse = ru;
	for (size_t i = 0; i < k.n_slides; i++) {
		HPDF_Page sp = HPDF_AddPage(d.pdf);
		if (!sp || HPDF_Page_SetWidth(sp, SLIDE_W) != HPDF_OK ||
		    HPDF_Page_SetHeight(sp, SLIDE_H) != HPDF_OK) {
			d.error = d.error ? d.error : 1;	/* pdf_save says so */
			break;
		}
		d.page = d.pages[d.npages++] = sp;
		slide(&d, s, pg, &k, i, k.n_slides);
	}
	if (pdf_save(&d, p, path_deck_pdf(&path, pg, 0), b) < 0)
		goto out;
	pdf_close_doc(&d);
	if (deck_open(&d, s, pg, "Support à distribuer : les diapositives et de la place pour les notes",
	    dg) < 0)
		goto out;
	d.src = pg->file;
	buf_reset(b);
	buf_printf(b, "%s – %s", s->titre, pg->titre);
	d.footer = xstrdup(b->data);
	d.url = url;
	d.base = s->base_url;
	d.scaled = 1;
	d.reuse = ru;
	const float sc = 0.34f, bw = SLIDE_W * sc, bh = SLIDE_H * sc, gap = (PAGE_H - 2 * MARGIN - 40 - 3 * bh) / 3;
	for (size_t i = 0; i < k.n_slides; i++) {
		if (i % 3 == 0) {
			pdf_new_page(&d);
			pdf_para(&d, d.bold, 12, pg->titre);
		}
		float y0 = PAGE_H - MARGIN - 20 - (float)(i % 3 + 1) * bh - (float)(i % 3) * gap;
		HPDF_Page_GSave(d.page);
		HPDF_Page_Concat(d.page, sc, 0, 0, sc, MARGIN, y0);
		slide(&d, s, pg, &k, i, k.n_slides);
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
	pdf_footers(&d);
	rc = pdf_save(&d, p, path_deck_pdf(&path, pg, 1), b);
out:
	buf_release(&path);
	pdf_close_doc(&d);
	md_deck_free(&k);
	return rc;
}
