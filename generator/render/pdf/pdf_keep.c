/*
 * Drawings kept whole (pdf_int.h, pdf_kept). A booklet rendered again
 * because one of its entries changed drew its map again, thousands of
 * markers placed one by one (perf: a fifth of the booklet's time once its
 * pages were put back), for the bytes of the last build. Now the map is
 * drawn by a function whose inputs have a key (the caller's digest of
 * what it reads, begun by pdf_kept_key); the page's state before it (the
 * graphics state libharu keeps: colours, widths, font and size, text
 * matrix and positions, mode; and the fonts of the page's resources, by
 * name) is folded in, since the bytes drawn depend on it. The drawing's
 * bytes (what it appended to the page's content stream), the state it
 * left and the fonts it added to the page's resources are the document's
 * note (pdf-kept/<its path>); the next build with the same key appends
 * those bytes, registers those fonts in the same order (so they get the
 * same names) and sets that state, without drawing.
 *
 * The note: key (16 bytes), state (STATE_LEN), number of fonts added (1)
 * and each one's index (1: regular, bold, italic), length of the bytes
 * (4) and the bytes. Any other note is none: the drawing is done. A
 * drawing that broke a page, failed, or left the page in a state this
 * cannot say (a font outside the three, a saved graphics state) is not
 * kept.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_pages.h>

#include "../../base/mem.h"
#include "../cache.h"
#include "pdf_int.h"

#define KEPT_MAX (16u << 20)

static int font_index(const struct doc *d, HPDF_Font f)
{
	return !f ? 0 : f == d->regular ? 1 : f == d->bold ? 2 : f == d->italic ? 3 : -1;
}

static HPDF_Font font_at(const struct doc *d, int i)
{
	return i == 1 ? d->regular : i == 2 ? d->bold : i == 3 ? d->italic : NULL;
}

/* The fields of the page's state, one after the other, copied to (put)
 * or from p. */
#define FIELD(x) do { if (put) memcpy(p, &(x), sizeof(x)); else memcpy(&(x), p, sizeof(x)); \
	p += sizeof(x); } while (0)

static char *state_io(HPDF_PageAttr a, char *p, int put)
{
	HPDF_GState g = a->gstate;
	FIELD(g->trans_matrix.a); FIELD(g->trans_matrix.b); FIELD(g->trans_matrix.c);
	FIELD(g->trans_matrix.d); FIELD(g->trans_matrix.x); FIELD(g->trans_matrix.y);
	FIELD(g->line_width); FIELD(g->line_cap); FIELD(g->line_join); FIELD(g->miter_limit);
	FIELD(g->dash_mode.ptn); FIELD(g->dash_mode.num_ptn); FIELD(g->dash_mode.phase);
	FIELD(g->flatness); FIELD(g->char_space); FIELD(g->word_space); FIELD(g->h_scalling);
	FIELD(g->text_leading); FIELD(g->rendering_mode); FIELD(g->text_rise);
	FIELD(g->cs_fill); FIELD(g->cs_stroke);
	FIELD(g->rgb_fill.r); FIELD(g->rgb_fill.g); FIELD(g->rgb_fill.b);
	FIELD(g->rgb_stroke.r); FIELD(g->rgb_stroke.g); FIELD(g->rgb_stroke.b);
	FIELD(g->cmyk_fill.c); FIELD(g->cmyk_fill.m); FIELD(g->cmyk_fill.y); FIELD(g->cmyk_fill.k);
	FIELD(g->cmyk_stroke.c); FIELD(g->cmyk_stroke.m); FIELD(g->cmyk_stroke.y); FIELD(g->cmyk_stroke.k);
	FIELD(g->gray_fill); FIELD(g->gray_stroke); FIELD(g->font_size); FIELD(g->writing_mode);
	FIELD(g->depth);
	FIELD(a->str_pos.x); FIELD(a->str_pos.y); FIELD(a->cur_pos.x); FIELD(a->cur_pos.y);
	FIELD(a->text_pos.x); FIELD(a->text_pos.y);
	FIELD(a->text_matrix.a); FIELD(a->text_matrix.b); FIELD(a->text_matrix.c);
	FIELD(a->text_matrix.d); FIELD(a->text_matrix.x); FIELD(a->text_matrix.y);
	FIELD(a->gmode);
	return p;
}

#define STATE_MAX 512

/* The page's state into s (its font as an index, last): its length, or 0
 * when it cannot be said. */
static size_t state_get(const struct doc *d, char *s)
{
	HPDF_PageAttr a = (HPDF_PageAttr)d->page->attr;
	int f = font_index(d, a->gstate->font);
	if (f < 0 || a->gstate->prev)
		return 0;
	char *p = state_io(a, s, 1);
	*p++ = (char)f;
	return (size_t)(p - s);
}

static size_t state_len(void)
{
	char scratch[STATE_MAX];
	struct _HPDF_GState_Rec g = { 0 };
	HPDF_PageAttr_Rec a = { .gstate = &g };
	return (size_t)(state_io(&a, scratch, 1) - scratch) + 1;
}

static void state_set(struct doc *d, const char *s, size_t n)
{
	HPDF_PageAttr a = (HPDF_PageAttr)d->page->attr;
	state_io(a, (char *)s, 0);
	a->gstate->font = font_at(d, s[n - 1]);
}

/* The number of fonts in the page's resources, each one's name and index
 * digested into k when k is not NULL; -1 when one is not of the three. */
static int page_fonts(const struct doc *d, struct digest_ctx *k, int *idx, int max)
{
	HPDF_Dict fonts = ((HPDF_PageAttr)d->page->attr)->fonts;
	int n = fonts ? (int)fonts->list->count : 0;
	for (int i = 0; i < n; i++) {
		HPDF_DictElement e = HPDF_List_ItemAt(fonts->list, (HPDF_UINT)i);
		HPDF_Obj_Header *h = e ? e->value : NULL;
		void *obj = h && h->obj_class == HPDF_OCLASS_PROXY ? ((HPDF_Proxy)e->value)->obj : e ? e->value : NULL;
		int f = 0;
		for (int t = 1; t <= 3 && !f; t++)
			if (font_at(d, t) && obj == (void *)font_at(d, t))
				f = t;
		if (!f)
			return -1;
		if (k) {
			digest_str(k, e->key);
			digest_num(k, f);
		}
		if (idx && i < max)
			idx[i] = f;
	}
	return n;
}

struct digest_ctx *pdf_kept_key(struct pdf_reuse *ru, const char *kind)
{
	struct digest_ctx *k = cache_key(ru ? ru->cache : NULL, "pdf-kept", kind);
	if (ru)
		digest_fold(k, &ru->fonts);
	return k;
}

/* The bytes of stream st from offset from to its end, appended to b. */
static void stream_tail(HPDF_Stream st, size_t from, struct buf *b)
{
	size_t at = 0;
	HPDF_UINT n = HPDF_MemStream_GetBufCount(st);
	for (HPDF_UINT i = 0; i < n; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(st, i, &len);
		size_t skip = from > at ? from - at : 0;
		if (p && len > skip)
			buf_add(b, p + skip, len - skip);
		at += len;
	}
}

void pdf_kept(struct doc *d, struct pdf_reuse *ru, const char *rel, struct digest_ctx *key,
    void (*fn)(struct doc *d, void *ctx), void *ctx)
{
	char before[STATE_MAX];
	size_t sl = state_len(), bl = 0;
	int nf = 0;
	HPDF_Page pg = d->page;
	HPDF_PageAttr a = pg ? (HPDF_PageAttr)pg->attr : NULL;
	if (!ru || !ru->cache || !a || !a->stream || a->stream->type != HPDF_STREAM_MEMORY || sl > STATE_MAX ||
	    d->rec || d->lazy || (bl = state_get(d, before)) != sl || (nf = page_fonts(d, NULL, NULL, 0)) < 0) {
		digest_end(key);
		fn(d, ctx);
		return;
	}
	digest_add(key, before, bl);
	page_fonts(d, key, NULL, 0);
	struct digest k = digest_end(key);
	struct buf name = BUF_INIT;
	struct fs_view note = FS_VIEW_INIT;
	buf_printf(&name, "pdf-kept/%s", rel);
	size_t len;
	const char *b = cache_note_read(ru->cache, name.data, KEPT_MAX, &note, &len);
	/* key, state, fonts added, bytes */
	if (b && len >= sizeof(k) + sl + 1 && memcmp(b, &k, sizeof(k)) == 0) {
		const char *s = b + sizeof(k), *f = s + sl;
		size_t na = (unsigned char)*f++, left = len - sizeof(k) - sl - 1;
		uint32_t n = 0;
		int ok = na + sizeof(n) <= left && (font_at(d, s[sl - 1]) != NULL) == (s[sl - 1] != 0);
		for (size_t i = 0; ok && i < na; i++)
			ok = font_at(d, f[i]) != NULL;
		if (ok) {
			memcpy(&n, f + na, sizeof(n));
			ok = n == left - na - sizeof(n);
		}
		if (ok) {
			for (size_t i = 0; i < na && ok; i++)
				ok = HPDF_Page_GetLocalFontName(pg, font_at(d, f[i])) != NULL;
			if (ok && pdf_stream_put(a->stream, f + na + sizeof(n), n) == 0) {
				state_set(d, s, sl);
				atomic_fetch_add(&ru->kept, 1);
				goto out;
			}
			d->error = d->error ? d->error : 1;	/* half done: the build fails */
			goto out;
		}
	}
	size_t from = a->stream->size;
	int pages = d->npages;
	fn(d, ctx);
	char after[STATE_MAX];
	int idx[256];
	int n2 = d->page == pg && d->npages == pages && !d->error ? page_fonts(d, NULL, idx, 256) : -1;
	if (n2 < nf || n2 - nf > 255 || n2 > 256 || state_get(d, after) != sl)
		goto out;
	struct buf w = BUF_INIT;
	buf_add(&w, &k, sizeof(k));
	buf_add(&w, after, sl);
	buf_putc(&w, (char)(n2 - nf));
	for (int i = nf; i < n2; i++)
		buf_putc(&w, (char)idx[i]);
	uint32_t n = (uint32_t)(a->stream->size - from);
	buf_add(&w, &n, sizeof(n));
	size_t at = w.len;
	stream_tail(a->stream, from, &w);
	if (w.len - at == n)
		cache_note_write(ru->cache, name.data, w.data, w.len);
	buf_release(&w);
out:
	buf_release(&name);
	fs_view_close(&note);
}
