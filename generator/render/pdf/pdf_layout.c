/*
 * The PDF layout layer over libharu: opening a document with its fonts
 * (Helvetica for the text CP1252 holds, see pdf_int.h), the CP1252 text
 * conversion, pages with a cursor,
 * wrapped paragraphs from measured widths, headings kept with what follows,
 * "Label : value" fields, links, the footers ("page 2 / 3") drawn once the
 * document is complete, its properties, saving through the publisher, and
 * the rich text engine of the slides (the spans of markdown.h's md_deck).
 * Shapes and ownership: pdf_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_streams.h>

#include "../../base/arena.h"
#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../base/utf8.h"
#include "../../text/markdown.h"
#include "../cache.h"
#include "../publish.h"
#include "pdf_int.h"

static void on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
	struct doc *d = user;
	(void)detail;
	if (!d->error)
		d->error = (int)err;
}

void pdf_new_page(struct doc *d)
{
	/* A failed document (libharu refuses everything once it has failed)
	 * keeps the page it has, or none: the cursor goes to the top as on a
	 * new page, so that layout ends, and pdf_save reports the failure. */
	HPDF_Page pg = d->npages == MAX_PAGES || d->error ? NULL : HPDF_AddPage(d->pdf);
	if (!pg || HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK) {
		d->error = d->error ? d->error : 1;
		d->y = PAGE_H - MARGIN;
		return;
	}
	d->page = pg;
	d->pages[d->npages++] = d->page;
	d->y = PAGE_H - MARGIN;
	d->reserve = 0;
	if (d->lazy)
		pdf_lazy_page(d);
}

/* Makes room for h points, on a new page if needed. */
void pdf_need(struct doc *d, float h)
{
	if (d->rec)
		pdf_rec_need(d, h);
	if (d->y - h < BOTTOM)
		pdf_new_page(d);
}

void pdf_down(struct doc *d, float a)
{
	if (d->rec)
		pdf_rec_down(d, a);
	d->y -= a;
}

/* A line of text at x, its top at the cursor. */
static void line_at(struct doc *d, HPDF_Font f, float size, float x, const char *t, int always)
{
	if (d->rec)
		pdf_rec_text(d, f, size, x, t, always);
	if (d->lazy)
		pdf_lazy_live(d);
	if (pdf_text_line(d->page, f, size, x, d->y - size, t, always) < 0)
		d->error = d->error ? d->error : 1;
}

/* Wraps text to width at size; draws it from the cursor, or only counts the
 * lines when draw is 0. Returns the number of lines. */
int pdf_wrap(struct doc *d, HPDF_Font f, float size, float x, float width,
    const char *text, int draw)
{
	int lines = 0;
	text = pdf_enc_long(d, text);
	int utf8 = d->tier != TIER_CP1252;
	f = pdf_twin(d, f);
	size_t len = strlen(text);
	const char *p = text;
	while (len) {
		HPDF_REAL real;
		/* One line never holds 4,096 bytes; libharu refuses strings past 65,535. */
		HPDF_UINT chunk = (HPDF_UINT)(len < 4096 ? len : 4096);
		HPDF_UINT n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, chunk, width, size,
		    0, 0, HPDF_TRUE, &real);
		if (n == 0)	/* a word longer than the line: break it */
			n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, chunk, width, size,
			    0, 0, HPDF_FALSE, &real);
		if (n == 0)	/* not even one character: take one anyway */
			for (n = 1; utf8 && n < len && ((unsigned char)p[n] & 0xC0) == 0x80; n++)
				;
		if (draw) {
			pdf_need(d, size * 1.35f);
			char line[1024];
			size_t k = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
			memcpy(line, p, k);
			line[k] = '\0';
			line_at(d, f, size, x, line, 0);
			pdf_down(d, size * 1.35f);
		}
		lines++;
		p += n;
		len -= n;
		while (len && *p == ' ')
			p++, len--;
	}
	return lines;
}

void pdf_para(struct doc *d, HPDF_Font f, float size, const char *text)
{
	if (text && *text)
		pdf_wrap(d, f, size, MARGIN, PAGE_W - 2 * MARGIN - d->reserve, text, 1);
}

/* A heading stays with at least two lines of what follows. */
void pdf_heading(struct doc *d, float size, const char *text)
{
	pdf_down(d, size * 0.6f);
	pdf_need(d, size * 1.4f + 2 * 13.5f);
	pdf_wrap(d, d->bold, size, MARGIN, PAGE_W - 2 * MARGIN, text, 1);
	pdf_down(d, 2);
}

/* "Label : value" with the label in bold and the value wrapped beside it. */
void pdf_field(struct doc *d, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	float lw = 105, size = 10, w = PAGE_W - 2 * MARGIN - lw - d->reserve;
	int lines = pdf_wrap(d, d->regular, size, MARGIN + lw, w, value, 0);
	/* A label wider than its column ("Paris 10e Arrondissement") takes a
	 * line of its own rather than running under the value. */
	const char *enc = pdf_enc(d, label);
	float lwidth = HPDF_Font_TextWidth(d->bold, (const HPDF_BYTE *)enc, (HPDF_UINT)strlen(enc)).width * size / 1000;
	int own = lwidth > lw - 6;
	pdf_need(d, (float)(lines + own) * size * 1.35f);
	enc = pdf_enc(d, label);
	line_at(d, pdf_twin(d, d->bold), size, MARGIN, enc, 1);
	if (own)
		pdf_down(d, size * 1.35f);
	pdf_wrap(d, d->regular, size, MARGIN + lw, w, value, 1);
}



void pdf_join(struct buf *b, const struct svals *v, const struct vocab_list *l)
{
	buf_reset(b);
	for (size_t i = 0; i < v->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", vocab_label(l, v->v[i].s));
}

/* Makes the text just drawn at (x, baseline y) clickable. */
void pdf_link(struct doc *d, float x, float y, const char *text, float size, const char *url)
{
	const char *t = pdf_enc(d, text);
	pdf_set_font(d->page, pdf_twin(d, d->regular), size);
	float w = HPDF_Page_TextWidth(d->page, t);
	HPDF_Rect r = { x, y - 2, x + w, y + size };
	pdf_uri_link(d, r, url);
}

void pdf_uri_link(struct doc *d, HPDF_Rect r, const char *url)
{
	HPDF_Annotation a = d->page && !d->error ? HPDF_Page_CreateURILinkAnnot(d->page, r, url) : NULL;
	if (!a || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) != HPDF_OK)
		d->error = d->error ? d->error : 1;
}

void pdf_footer_draw(struct doc *d, int i)
{
	pdf_footer_page(d, d->pages[i], i + 1, d->npages);
}

void pdf_footer_page(struct doc *d, HPDF_Page pg, int number, int total)
{
	char num[32];
	snprintf(num, sizeof(num), "page %d / %d", number, total);
	HPDF_Page_SetRGBStroke(pg, 0.6f, 0.6f, 0.6f);
	HPDF_Page_MoveTo(pg, MARGIN, 50);
	HPDF_Page_LineTo(pg, PAGE_W - MARGIN, 50);
	HPDF_Page_Stroke(pg);
	HPDF_Page_BeginText(pg);
	pdf_show(d, pg, d->regular, 8, MARGIN, 38, d->footer);
	pdf_show_next(d, pg, d->regular, 8, MARGIN, 28, d->url);
	pdf_set_font(pg, d->regular, 8);
	HPDF_Page_TextOut(pg, PAGE_W - MARGIN - HPDF_Page_TextWidth(pg, num), 38, num);
	HPDF_Page_EndText(pg);
}

/* Page numbers and the source, once the number of pages is known; an
 * undrawn page (pdf_lazy.c) gets its footer drawn only if it is drawn. */
void pdf_footers(struct doc *d)
{
	for (int i = 0; i < d->npages; i++) {
		if (!d->lazy || !pdf_lazy_footer(d, i))
			pdf_footer_draw(d, i);
		HPDF_Page cur = d->page;
		d->page = d->pages[i];
		pdf_link(d, MARGIN, 28, d->url, 8, d->url);
		d->page = cur;
	}
}

/* libharu's memory (HPDF_NewEx): a document's objects come from an arena
 * of its thread, freed at once when the last document the thread has open
 * is closed. Allocating and freeing them one by one (tens of thousands in
 * a booklet) was a fifth of a booklet rendered again (perf). */
static _Thread_local struct arena hpdf_mem;
static _Thread_local int hpdf_docs;

static void *HPDF_STDCALL hpdf_alloc(HPDF_UINT size)
{
	return arena_alloc_raw(&hpdf_mem, size ? size : 1);
}

static void HPDF_STDCALL hpdf_free(void *p)
{
	(void)p;
}

void pdf_close_doc(struct doc *d)
{
	pdf_lazy_end(d, 0);
	pdf_trace_end(d, NULL, NULL, 0);
	if (d->pdf) {
		/* All of it is in the arena, unless a font file was opened. */
		if (d->files)
			HPDF_Free(d->pdf);
		if (--hpdf_docs == 0)
			arena_free(&hpdf_mem);
	}
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	for (int i = 0; i < 4; i++)
		buf_release(&d->enc[i]);
	free(d->pages);
	free(d->footer);
}

const char *pdf_load_font(struct doc *d, const char *file)
{
	/* A document that has already failed refuses every font: that is not
	 * the font's fault, and pdf_save says what failed. */
	if (d->error)
		return NULL;
	d->files = 1;	/* libharu keeps it open for embedding */
	const char *name = HPDF_LoadTTFontFromFile(d->pdf, file, HPDF_TRUE);
	if (!name)
		diag_add(d->diags, file, 0, 0, DIAG_ERROR, "cannot load the font (libharu error 0x%04X)",
		    (unsigned)d->error);
	return name;
}

int pdf_open_doc(struct doc *d, struct diags *diags)
{
	memset(d, 0, sizeof(*d));
	d->diags = diags;
	d->cd = (iconv_t)-1;
	for (int i = 0; i < 4; i++)
		d->enc[i] = (struct buf)BUF_INIT;
	d->pdf = HPDF_NewEx(on_error, hpdf_alloc, hpdf_free, 0, d);
	hpdf_docs += d->pdf != NULL;
	d->pages = xcalloc(MAX_PAGES, sizeof(*d->pages));
	if (!d->pdf) {
		diag_add(diags, "pdf", 0, 0, DIAG_ERROR, "libharu cannot start a document");
		return -1;
	}
	d->cd = iconv_open("CP1252//TRANSLIT", "UTF-8");
	if (d->cd == (iconv_t)-1) {
		diag_add(diags, "pdf", 0, 0, DIAG_ERROR, "iconv cannot convert UTF-8 to CP1252");
		return -1;
	}
	HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
	HPDF_SetCurrentEncoder(d->pdf, "CP1252");
	d->regular = HPDF_GetFont(d->pdf, "Helvetica", "WinAnsiEncoding");
	d->bold = HPDF_GetFont(d->pdf, "Helvetica-Bold", "WinAnsiEncoding");
	if (!d->regular || !d->bold) {
		diag_add(diags, "pdf", 0, 0, DIAG_ERROR, "libharu cannot give the standard font Helvetica");
		return -1;
	}
	d->italic = d->regular;
	return d->error ? -1 : 0;
}

/* The document's properties, dated from the content so that the same input
 * gives the same bytes. */
void pdf_info(struct doc *d, const char *title, const char *author, const char *subject, int date)
{
	pdf_info_attr(d, HPDF_INFO_TITLE, title);
	pdf_info_attr(d, HPDF_INFO_AUTHOR, author);
	pdf_info_attr(d, HPDF_INFO_SUBJECT, subject);
	pdf_info_attr(d, HPDF_INFO_KEYWORDS, "formation, Île-de-France");
	HPDF_Date dt = { date / 10000, date / 100 % 100, date % 100, 12, 0, 0, 'Z', 0, 0 };
	if (date) {
		HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, dt);
		HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, dt);
	}
}

int pdf_save(struct doc *d, struct publish *p, const char *path, struct buf *b)
{
	struct cache_pieces *cp = d->reuse ? cache_pieces_open(d->reuse->cache, p, path) : NULL;
	struct pdf_pages pp;
	pdf_pages_put_back(d, cp, &pp);
	int rc = -1;
	if (d->error || HPDF_SaveToStream(d->pdf) != HPDF_OK) {
		diag_add(d->diags, path, 0, 0, DIAG_ERROR, "could not be made%s%s (libharu error 0x%04X%s)",
		    d->src ? " from " : "", d->src ? d->src : "", (unsigned)d->error,
		    d->npages == MAX_PAGES ? ", too many pages" : (unsigned)d->error == HPDF_STRING_OUT_OF_RANGE ?
		    ", a text too long" : "");
		goto out;
	}
	pdf_warn_missing(d, path, b);
	/* The memory stream's blocks, copied with memcpy (libharu's
	 * HPDF_ReadFromStream copies byte by byte). */
	HPDF_Stream st = d->pdf->stream;
	HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf);
	buf_reset(b);
	buf_grow(b, size);
	for (HPDF_UINT i = 0, n = st && st->type == HPDF_STREAM_MEMORY ? HPDF_MemStream_GetBufCount(st) : 0;
	    i < n && b->len < size; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *at = HPDF_MemStream_GetBufPtr(st, i, &len);
		if (!at || len > size - b->len)
			break;
		memcpy(b->data + b->len, at, len);
		b->len += len;
	}
	if (b->len != size) {
		diag_add(d->diags, path, 0, 0, DIAG_ERROR, "could not be read back from libharu");
		goto out;
	}
	pdf_pages_record(d, cp, &pp, b);
	if (d->trace)
		pdf_trace_saved(d, pp.keys, b, cp);
	rc = publish_write(p, path, b->data, b->len);
out:
	cache_pieces_close(cp, rc == 0);
	pdf_pages_end(d, &pp);
	return rc;
}

static HPDF_Font font_of(struct doc *d, int tier, int bold, int italic)
{
	return pdf_tier_font(d, tier, bold ? STYLE_BOLD : italic ? STYLE_ITALIC : STYLE_REGULAR);
}

/* A link of a slide as an absolute address: relative ones are read from the
 * page's address online, as a browser would. */
static void link_target(const struct doc *d, const char *url, size_t n, char *out, size_t cap)
{
	int absolute = memchr(url, ':', n) != NULL;
	const char *page = d->url ? d->url : "";
	if (absolute)
		snprintf(out, cap, "%.*s", (int)n, url);
	else if (n && url[0] == '/' && d->base)
		snprintf(out, cap, "%s%.*s", d->base, (int)n - 1, url + 1);
	else
		snprintf(out, cap, "%s%.*s", page, (int)n, url);
	/* "a/b/../c" is "a/c", as the browser will read it. */
	char *sch = strstr(out, "://"), *p;
	while (sch && (p = strstr(sch + 3, "/../"))) {
		char *prev = p;
		while (prev > sch + 3 && prev[-1] != '/')
			prev--;
		if (prev <= sch + 3)
			break;	/* no segment to go up from: leave it */
		memmove(prev, p + 4, strlen(p + 4) + 1);
	}
}

/* The text of pdf_spans, encoded, as a stream of items: each byte of the
 * runs, and before a run whose style differs from the one before it, a
 * change of style. Words are split at spaces only: a change of style
 * inside a word ("**gras**suivi") does not split it. */
struct rich {
	struct buf enc;		/* the runs' encoded bytes, one after the other */
	struct item {
		int run;	/* a change to the style of run `run`, or -1: a byte */
		size_t at;	/* the byte's offset in enc */
	} *v;
	size_t n, cap;
	const struct md_span *sp;
	int bold;		/* toggled by a run's bold */
};

static int is_space(const struct rich *r, size_t i)
{
	return r->v[i].run < 0 && r->enc.data[r->v[i].at] == ' ';
}

/* Applies the change of style at item i (if it is one) to *b, *it, *link;
 * returns 1 when it was one. */
static int style_step(const struct rich *r, size_t i, int *b, int *it, const char **link)
{
	if (r->v[i].run < 0)
		return 0;
	const struct md_span *s = &r->sp[r->v[i].run];
	*b = r->bold ^ s->bold;
	*it = s->italic;
	*link = s->url;
	return 1;
}

static void rich_make(struct doc *d, struct rich *r, const struct md_span *sp, size_t n, int bold)
{
	struct buf all = BUF_INIT;
	const char **piece = xmalloc((n ? n : 1) * sizeof(*piece));
	size_t *off = xmalloc((n + 1) * sizeof(*off));
	for (size_t i = 0; i < n; i++) {
		buf_add(&all, sp[i].text, sp[i].len);
		piece[i] = sp[i].text;
	}
	*r = (struct rich){ .enc = BUF_INIT, .sp = sp, .bold = bold };
	pdf_enc_pieces(d, all.data, piece, n, &r->enc, off);
	int pb = bold, pi = 0;
	const char *pl = NULL;
	for (size_t i = 0; i < n; i++) {
		int b = bold ^ sp[i].bold;
		if (b != pb || sp[i].italic != pi || sp[i].url != pl) {
			r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof(*r->v));
			r->v[r->n++] = (struct item){ (int)i, 0 };
			pb = b, pi = sp[i].italic, pl = sp[i].url;
		}
		r->v = xgrow(r->v, &r->cap, r->n + off[i + 1] - off[i], sizeof(*r->v));
		for (size_t k = off[i]; k < off[i + 1]; k++)
			r->v[r->n++] = (struct item){ -1, k };
	}
	buf_release(&all);
	free(piece);
	free(off);
}

#define PIECE_MAX 4096

/* The length of the first piece of the len bytes at p that libharu is
 * given at once (far below HPDF_LIMIT_MAX_STRING_LEN), cut at a
 * character's first byte when they are UTF-8. */
static size_t piece_len(const char *p, size_t len, int utf8)
{
	size_t n = len < PIECE_MAX ? len : PIECE_MAX;
	return utf8 && n < len ? utf8_cut(p, n) : n;	/* n is PIECE_MAX there: never 0 */
}

/* Draws the bytes of items [q, e) (one run of a style) at cx on the line
 * whose text starts at base, in pieces (a slide set small holds long
 * lines); a link is blue, underlined and clickable. */
static void rich_draw(struct doc *d, const struct rich *r, size_t q, size_t e, HPDF_Font f, float size,
    float cx, float base, float sw, const char *link, int utf8)
{
	const char *p = r->enc.data + r->v[q].at;
	size_t len = e - q;
	float px = cx;
	if (link)
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
	HPDF_Page_BeginText(d->page);
	pdf_set_font(d->page, f, size);
	while (len) {
		char seg[PIECE_MAX + 1];
		size_t n = piece_len(p, len, utf8);
		memcpy(seg, p, n);
		seg[n] = '\0';
		HPDF_Page_TextOut(d->page, px, base, seg);
		px += (float)HPDF_Font_TextWidth(f, (const HPDF_BYTE *)p, (HPDF_UINT)n).width * size / 1000;
		p += n;
		len -= n;
	}
	HPDF_Page_EndText(d->page);
	if (!link)
		return;
	HPDF_Page_SetRGBStroke(d->page, 0, 0, 0.57f);
	HPDF_Page_SetLineWidth(d->page, size / 18);
	HPDF_Page_MoveTo(d->page, cx, base - size * 0.12f);
	HPDF_Page_LineTo(d->page, cx + sw, base - size * 0.12f);
	HPDF_Page_Stroke(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	if (!d->scaled) {
		char url[2100];
		link_target(d, link, strlen(link), url, sizeof(url));
		HPDF_Rect rect = { cx, base - size * 0.25f, cx + sw, base + size * 0.9f };
		pdf_uri_link(d, rect, url);
	}
}

/* The width of the bytes of items [q, e), which are contiguous in enc,
 * measured in pieces that libharu takes (HPDF_LIMIT_MAX_STRING_LEN), cut
 * at a character's first byte when the text is UTF-8. */
static float rich_width(const struct rich *r, size_t q, size_t e, HPDF_Font f, float size, int utf8)
{
	const char *p = r->enc.data + r->v[q].at;
	size_t len = e - q;
	float w = 0;
	while (len) {
		size_t n = piece_len(p, len, utf8);
		w += (float)HPDF_Font_TextWidth(f, (const HPDF_BYTE *)p, (HPDF_UINT)n).width;
		p += n;
		len -= n;
	}
	return w * size / 1000;
}

/* How many bytes of items [q, e) fit in room: whole characters, and at
 * least one when one is a whole line (at_start). */
static size_t rich_fit(const struct rich *r, size_t q, size_t e, HPDF_Font f, float size, float room,
    int utf8, int at_start)
{
	const char *p = r->enc.data + r->v[q].at;
	size_t len = e - q, n = piece_len(p, len, utf8);
	HPDF_REAL real;
	size_t k = room > 0 ? HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, (HPDF_UINT)n, room, size, 0, 0,
	    HPDF_FALSE, &real) : 0;
	while (utf8 && k > 0 && k < len && ((unsigned char)p[k] & 0xC0) == 0x80)
		k--;
	if (k == 0 && at_start)
		for (k = 1; utf8 && k < len && ((unsigned char)p[k] & 0xC0) == 0x80; k++)
			;
	return k;
}

/* A text laid out in lines that may stop after some and go on later (the
 * rest of a slide's block on the next slide): its encoded items, once, and
 * where the next line starts. Between words the cursor is at the word t;
 * inside a word broken between characters (mid), at its item q, with the
 * word's end e, width ww and the width of the space after it. */
struct pdf_flow {
	struct rich r;
	int tier, utf8;
	size_t t, q, e;
	int mid;
	float ww, sp_w;
	int b, it;		/* the style the cursor is in */
	const char *link;
	int done;
};

struct pdf_flow *pdf_flow_new(struct doc *d, const struct md_span *sp, size_t n, int bold)
{
	struct pdf_flow *fl = xcalloc(1, sizeof(*fl));
	rich_make(d, &fl->r, sp, n, bold);
	fl->tier = d->tier;
	fl->utf8 = fl->tier != TIER_CP1252;
	fl->b = bold;
	return fl;
}

int pdf_flow_done(const struct pdf_flow *fl)
{
	return fl->done;
}

void pdf_flow_free(struct pdf_flow *fl)
{
	if (!fl)
		return;
	buf_release(&fl->r.enc);
	free(fl->r.v);
	free(fl);
}

/* The word at fl->t (after the spaces before it): its end, width and the
 * width of the space after it, in the style it starts in. Returns 0 when
 * no word is left. */
static int flow_word(struct doc *d, struct pdf_flow *fl, float size)
{
	const struct rich *r = &fl->r;
	while (fl->t < r->n && is_space(r, fl->t))
		fl->t++;
	if (fl->t == r->n)
		return 0;
	/* A word: up to the next space, in runs between changes of style. */
	int wb = fl->b, wi = fl->it;
	const char *wl = fl->link;
	fl->e = fl->t;
	fl->ww = 0;
	for (size_t q = fl->t; q < r->n && !is_space(r, q);) {
		if (style_step(r, q, &wb, &wi, &wl)) {
			fl->e = ++q;
			continue;
		}
		size_t z = q;
		while (z < r->n && r->v[z].run < 0 && !is_space(r, z))
			z++;
		fl->ww += rich_width(r, q, z, font_of(d, fl->tier, wb, wi), size, fl->utf8);
		q = fl->e = z;
	}
	fl->sp_w = HPDF_Font_TextWidth(font_of(d, fl->tier, fl->b, fl->it), (const HPDF_BYTE *)" ", 1).width *
	    size / 1000;
	return 1;
}

float pdf_flow_set(struct doc *d, struct pdf_flow *fl, float x, float y, float width, float size,
    size_t max, int draw)
{
	const struct rich *r = &fl->r;
	int tier = fl->tier, utf8 = fl->utf8;
	float cx = x, lh = size * 1.3f, h = lh;
	size_t line = 0;	/* of this call's lines, the one being set */
	for (;;) {
		size_t q;
		if (fl->mid) {
			q = fl->q;
			fl->mid = 0;
		} else {
			if (!flow_word(d, fl, size))
				break;
			if (cx > x && cx + fl->ww > x + width) {
				if (line + 1 >= max)
					return h;	/* the word starts the next call's lines */
				cx = x;
				h += lh;
				line++;
			}
			q = fl->t;
		}
		while (q < fl->e) {
			if (style_step(r, q, &fl->b, &fl->it, &fl->link)) {
				q++;
				continue;
			}
			size_t z = q;
			while (z < fl->e && r->v[z].run < 0)
				z++;
			HPDF_Font f = font_of(d, tier, fl->b, fl->it);
			float sw = rich_width(r, q, z, f, size, utf8);
			if (fl->ww > width && cx + sw > x + width) {
				/* A word longer than a line, broken between characters. */
				size_t k = rich_fit(r, q, z, f, size, x + width - cx, utf8, cx <= x);
				if (draw && k)
					rich_draw(d, r, q, q + k, f, size, cx, y - (h - lh) - size,
					    rich_width(r, q, q + k, f, size, utf8), fl->link, utf8);
				q += k;
				if (line + 1 >= max) {
					fl->q = q;	/* the rest of the word goes on there */
					fl->mid = 1;
					return h;
				}
				cx = x;
				h += lh;
				line++;
				continue;
			}
			if (draw)
				rich_draw(d, r, q, z, f, size, cx, y - (h - lh) - size, sw, fl->link, utf8);
			cx += sw;
			q = z;
		}
		cx += fl->sp_w;
		fl->t = fl->e;
	}
	fl->done = 1;
	return h;
}

float pdf_spans(struct doc *d, const struct md_span *sp, size_t n, float x, float y, float width,
    float size, int bold, int draw)
{
	struct pdf_flow *fl = pdf_flow_new(d, sp, n, bold);
	float h = pdf_flow_set(d, fl, x, y, width, size, SIZE_MAX, draw);
	pdf_flow_free(fl);
	return h;
}

float pdf_rich(struct doc *d, const char *text, float x, float y, float width, float size,
    int bold, int draw)
{
	struct md_span one = { text ? text : "", text ? strlen(text) : 0, 0, 0, NULL };
	return pdf_spans(d, &one, 1, x, y, width, size, bold, draw);
}
