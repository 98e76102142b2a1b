/*
 * Booklets spliced (pdf_int.h, pdf_splice). A booklet rendered again
 * because one of its entries changed replayed its thousands of entries,
 * built every page's objects in libharu and had libharu write them all
 * (perf: most of the PDF stage of a one-organisation rename), for a file
 * whose bytes are nearly all the previous one's. The layout of a booklet's
 * body is a function of its sections' keys and of the place each starts
 * at: a section starting at the same page and cursor as in the previous
 * build, with every section after it the same, lays out as it did. So the
 * previous build's note (pdf-splice/<path>) keeps each section's key and
 * place, the digest of what precedes the sections (pdf_trace_head), and
 * the file's length and digest; a build whose head is the same lays out
 * only from the page where a changed section starts (from the section
 * that reaches that page) until the layout meets the previous one again at
 * a section boundary (same page and cursor, every later section the same)
 * and that page is full, then from the next changed section alike (the
 * few sections are laid out: reading the entries' note, tens of megabytes,
 * cost more, pdf_entries.c); it draws those pages and their footers
 * (the number of pages must be the same), and writes the previous file
 * with those pages' objects (dictionary, content, length) replaced: the
 * objects before them keep their bytes and offsets, those after move by
 * the difference of length, as do their offsets in the cross-reference
 * table. libharu writes a booklet's objects in a fixed order (catalog,
 * pages, properties, the two standard fonts, each page's three objects,
 * then each page's link), which pdf_trace_saved checks before a note is
 * written; a page's dictionary is the previous one's with its fonts
 * (libharu names them F1, F2 in the order the page first used them); its
 * content is compressed by libharu's own function. The published file is
 * not read: it is trusted by its identity, which the list of its pieces
 * (cache.h) records, when that list has the mark of the file the note was
 * written for (file_mark); its table and the pages drawn again are read
 * and checked, the rest is copied by the kernel (assemble.h). Anything
 * else (a note missing, damaged or of another shape, the file changed)
 * means the booklet is rendered as before.
 *
 * The note: "SPL1", the number of pages, of section places (the sections
 * and the end), the object numbers of the two fonts, the file's length (8
 * bytes), its digest, the head's digest; each section's key, page (4) and
 * cursor (4, a float); each page's content key.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf_conf.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "../../base/fs.h"
#include "../../base/mem.h"
#include "../assemble.h"
#include "../cache.h"
#include "../publish.h"
#include "pdf_int.h"

#define SPLICE_MAX (64u << 20)
#define MAGIC "SPL1"

struct sect {
	struct digest key;
	int32_t page;
	float y;
};

struct pdf_trace {
	struct sect *v;		/* the sections' places, then the end's */
	size_t n, cap;
	int32_t *fp;		/* the file's page of each of the document's pages */
	size_t n_fp, cap_fp;
	struct digest head;
	int has_head, saved;
	int32_t npages, fonts[2];
	struct digest *content;	/* each page's content key */
	long long len;
	struct digest file;
};

struct head {			/* the note's, as written */
	char magic[4];
	uint32_t npages, n;
	int32_t fonts[2];
	uint32_t pad;
	long long len;
	struct digest file, head;
};

static void note_mark(struct cache_pieces *cp, const struct digest *file);

/* The file's page of the document's page k: the page after the one
 * before it, unless a splice jumped (page_jump). */
static int32_t page_map(const struct doc *d, int k)
{
	struct pdf_trace *t = d->trace;
	while (t->n_fp < (size_t)d->npages) {
		t->fp = xgrow(t->fp, &t->cap_fp, t->n_fp + 1, sizeof(*t->fp));
		t->fp[t->n_fp] = t->n_fp ? t->fp[t->n_fp - 1] + 1 : 0;
		t->n_fp++;
	}
	return k >= 0 ? t->fp[k] : -1;
}

static int32_t cur_page(const struct doc *d)
{
	return page_map(d, d->npages - 1);
}

/* A new page of the document that is the file's page p, the cursor at y. */
static void page_jump(struct doc *d, int32_t p, float y)
{
	pdf_new_page(d);
	page_map(d, d->npages - 1);
	d->trace->fp[d->npages - 1] = p;
	d->y = y;
}

static void push(struct pdf_trace *t, const struct digest *k, int32_t page, float y)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = (struct sect){ *k, page, y };
}

void pdf_trace_start(struct doc *d)
{
	d->trace = xcalloc(1, sizeof(*d->trace));
}

void pdf_trace_section(struct doc *d, const struct digest *k)
{
	push(d->trace, k, cur_page(d), d->y);
}

static HPDF_Dict contents(HPDF_Page pg)
{
	return ((HPDF_PageAttr)pg->attr)->contents;
}

static int obj_id(const void *obj)
{
	return obj ? (int)(((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF) : 0;
}

/* Page pg's fonts, each one's name and 1 (regular) or 2 (bold) into k
 * (NULL: none), or their lines of its dictionary into out (NULL: none);
 * -1 when one is another font. */
static int page_fonts(const struct doc *d, HPDF_Page pg, struct digest_ctx *k, struct buf *out)
{
	HPDF_Dict fonts = ((HPDF_PageAttr)pg->attr)->fonts;
	for (HPDF_UINT i = 0; fonts && i < fonts->list->count; i++) {
		HPDF_DictElement e = HPDF_List_ItemAt(fonts->list, i);
		HPDF_Obj_Header *h = e ? e->value : NULL;
		void *obj = h && h->obj_class == HPDF_OCLASS_PROXY ? ((HPDF_Proxy)e->value)->obj : h;
		int f = obj && obj == (void *)d->regular ? 1 : obj && obj == (void *)d->bold ? 2 : 0;
		if (!f)
			return -1;
		if (k) {
			digest_str(k, e->key);
			digest_num(k, f);
		}
		if (out)
			buf_printf(out, "/%s %d 0 R\012", e->key, obj_id(obj));
	}
	return 0;
}

/* Calls fn with each block of page pg's content stream. */
static void page_bytes(HPDF_Page pg, struct digest_ctx *k)
{
	HPDF_Stream st = contents(pg)->stream;
	HPDF_UINT n = st ? HPDF_MemStream_GetBufCount(st) : 0;
	for (HPDF_UINT i = 0; i < n; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(st, i, &len);
		if (p)
			digest_add(k, p, len);
	}
	digest_num(k, st ? (long long)st->size : -1);
}

void pdf_trace_head(struct doc *d, const char *const *texts, size_t n)
{
	struct pdf_trace *t = d->trace;
	if (!t || d->npages != 2 || d->error)
		return;
	struct digest_ctx *k = digest_new();
	digest_str(k, "booklet-head");
	digest_add(k, &d->y, sizeof(d->y));
	for (int i = 0; i < d->npages; i++) {
		page_bytes(d->pages[i], k);
		if (page_fonts(d, d->pages[i], k, NULL) < 0) {
			digest_end(k);
			return;
		}
	}
	for (size_t i = 0; i < n; i++)
		digest_str(k, texts[i]);
	t->head = digest_end(k);
	t->has_head = 1;
}

void pdf_trace_saved(struct doc *d, const struct digest *keys, const struct buf *file,
    struct cache_pieces *cp)
{
	struct pdf_trace *t = d->trace;
	int n = d->npages;
	HPDF_Xref x = d->pdf->xref;
	t->saved = 0;
	push(t, &(struct digest){ 0, 0 }, cur_page(d), d->y);	/* the end */
	if (!keys || !t->has_head || x->start_offset != 0 || x->entries->count != (HPDF_UINT)(4 * n + 6))
		return;
	t->fonts[0] = obj_id(d->regular);
	t->fonts[1] = obj_id(d->bold);
	for (int i = 0; i < n; i++) {
		HPDF_Dict c = contents(d->pages[i]);
		HPDF_Number len = c ? HPDF_Dict_GetItem(c, "Length", HPDF_OCLASS_NUMBER) : NULL;
		if (obj_id(d->pages[i]) != 3 * i + 6 || obj_id(c) != 3 * i + 7 || obj_id(len) != 3 * i + 8 ||
		    page_fonts(d, d->pages[i], NULL, NULL) < 0)
			return;
	}
	free(t->content);
	t->content = xmalloc(((size_t)n + 1) * sizeof(*t->content));
	memcpy(t->content, keys, (size_t)n * sizeof(*keys));
	t->npages = n;
	t->len = (long long)file->len;
	t->file = digest_bytes(file->data, file->len);
	t->saved = 1;
	if (cp)	/* for the next splice: this file is the note's */
		note_mark(cp, &t->file);
}

void pdf_trace_end(struct doc *d, struct pdf_reuse *ru, const char *rel, int ok)
{
	struct pdf_trace *t = d->trace;
	if (!t)
		return;
	/* A booklet that printed a character no font has leaves no note: the
	 * next build, which renders it again (cache.h: a document that
	 * warned is never reused), lays it out whole and warns again, where a
	 * splice would lay out only the sections that changed. */
	if (ok && t->saved && !d->n_missing && ru && ru->cache && t->n > 0) {
		struct buf b = BUF_INIT, name = BUF_INIT;
		struct head h = { MAGIC, (uint32_t)t->npages, (uint32_t)t->n, { t->fonts[0], t->fonts[1] }, 0,
			t->len, t->file, t->head };
		buf_add(&b, &h, sizeof(h));
		buf_add(&b, t->v, t->n * sizeof(*t->v));
		buf_add(&b, t->content, (size_t)t->npages * sizeof(*t->content));
		buf_printf(&name, "pdf-splice/%s", rel);
		cache_note_write(ru->cache, name.data, b.data, b.len);
		buf_release(&b);
		buf_release(&name);
	}
	free(t->v);
	free(t->content);
	free(t->fp);
	free(t);
	d->trace = NULL;
}

/* ---- the splice ---- */

/* The previous note, read and checked. */
struct old {
	struct fs_view raw;
	struct head h;
	struct sect *st;	/* h.n of them: the sections, then the end */
	struct digest *content;	/* (copied: the note's bytes are not aligned) */
};

static int old_read(struct old *o, const struct cache *c, const char *rel)
{
	struct buf name = BUF_INIT;
	size_t len;
	buf_printf(&name, "pdf-splice/%s", rel);
	const char *b = cache_note_read(c, name.data, SPLICE_MAX, &o->raw, &len);
	buf_release(&name);
	if (!b || len < sizeof(o->h))
		return -1;
	memcpy(&o->h, b, sizeof(o->h));
	size_t n = o->h.n, np = o->h.npages;
	if (memcmp(o->h.magic, MAGIC, 4) != 0 || n < 1 || np < 2 || np > MAX_PAGES || n > len ||
	    len != sizeof(o->h) + n * sizeof(struct sect) + np * sizeof(struct digest))
		return -1;
	o->st = xmalloc(n * sizeof(*o->st));
	memcpy(o->st, b + sizeof(o->h), n * sizeof(*o->st));
	o->content = xmalloc((np + 1) * sizeof(*o->content));
	memcpy(o->content, b + sizeof(o->h) + n * sizeof(struct sect), np * sizeof(*o->content));
	for (size_t i = 0; i < n; i++)
		if (o->st[i].page < 0 || (size_t)o->st[i].page >= np || (i && o->st[i].page < o->st[i - 1].page) ||
		    !(o->st[i].y >= 0 && o->st[i].y <= PAGE_H))
			return -1;
	return 0;
}

/* The previous file's cross-reference table: each object's offset. */
struct xref {
	long long at;		/* of "xref" */
	size_t head;		/* "xref\n0 N\n" */
	size_t count;
	long long *off;
	long long tail;		/* where the number after "startxref\n" starts */
	struct buf trailer;	/* the bytes from the table's end to it */
};

static long long num_at(const char *p, const char *end, const char **next)
{
	long long v = 0;
	const char *s = p;
	while (p < end && *p >= '0' && *p <= '9' && p - s < 18)
		v = v * 10 + (*p++ - '0');
	*next = p;
	return p == s ? -1 : v;
}

/* Reads n bytes of the file fd at off into b (reset). Returns 0 or -1. */
static int read_at(int fd, long long off, size_t n, struct buf *b)
{
	buf_reset(b);
	buf_grow(b, n + 1);
	while (b->len < n) {
		ssize_t r = pread(fd, b->data + b->len, n - b->len, (off_t)(off + (long long)b->len));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b->len += (size_t)r;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* Reads the table of the file fd (size bytes) from its end: the last
 * bytes, then the table itself (20 bytes an object), nothing else. */
static int xref_read(struct xref *x, int fd, long long size, size_t count, struct buf *tmp)
{
	static const char sx[] = "startxref\012", eof[] = "\012%%EOF\012";
	size_t tl = sizeof(eof) - 1;
	long long from = size - 64;
	if (size < 64 || read_at(fd, from, 64, tmp) < 0 || memcmp(tmp->data + 64 - tl, eof, tl) != 0)
		return -1;
	const char *end = tmp->data + 64, *p = end - tl, *q;
	while (p > tmp->data && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p - tmp->data < (long)sizeof(sx) || memcmp(p - (sizeof(sx) - 1), sx, sizeof(sx) - 1) != 0)
		return -1;
	x->tail = from + (p - tmp->data);
	x->at = num_at(p, end - tl, &q);
	if (x->at < 0 || q != end - tl || x->at >= x->tail)
		return -1;
	char head[48];
	int hn = snprintf(head, sizeof(head), "xref\0120 %zu\012", count);
	x->head = (size_t)hn;
	x->count = count;
	if (x->at + (long long)(x->head + 20 * count) > x->tail ||
	    read_at(fd, x->at, (size_t)(x->tail - x->at), tmp) < 0 || memcmp(tmp->data, head, x->head) != 0)
		return -1;
	x->off = xmalloc((count + 1) * sizeof(*x->off));
	for (size_t k = 0; k < count; k++) {
		const char *e = tmp->data + x->head + 20 * k;
		x->off[k] = num_at(e, e + 10, &q);
		if (q != e + 10 || memcmp(e + 10, k ? " 00000 n\015\012" : " 65535 f\015\012", 10) != 0 ||
		    (k && (x->off[k] <= 0 || x->off[k] >= x->at)))
			return -1;
	}
	buf_add(&x->trailer, tmp->data + x->head + 20 * count, tmp->len - (x->head + 20 * count));
	return 0;
}

/* The parts of page p's objects in the previous file: its dictionary,
 * content's start (up to its stream), stream and length object. */
struct opage {
	long long dict, cont, stream, slen, len_obj, next;
};

/* Page p's objects, from the table and, for its stream, the list of the
 * file's pieces (its content's key, from the note): the file is not read.
 * -1 when they do not fit together. */
static int opage_at(const struct xref *x, struct cache_pieces *cp, const struct digest *content, int p,
    long long next, struct opage *o)
{
	long long at;
	*o = (struct opage){ x->off[3 * p + 6], x->off[3 * p + 7], 0, 0, x->off[3 * p + 8], next };
	o->slen = cache_piece_find(cp, content, NULL, &at);
	o->stream = at;
	static const char ss[] = "\012stream\015\012", tail[] = "\012endstream\012endobj\012";
	return o->slen >= 0 && o->dict < o->cont &&
	    o->cont + (long long)sizeof(ss) - 1 <= o->stream &&
	    o->stream + o->slen + (long long)sizeof(tail) - 1 == o->len_obj && o->len_obj < next ? 0 : -1;
}

/* Reads the objects of page p (o) into b and checks them: its content
 * ends its dictionary with the stream, which its length object gives. */
static int opage_read(int fd, const struct opage *o, int p, struct buf *b)
{
	static const char ss[] = "\012stream\015\012", tail[] = "\012endstream\012endobj\012";
	if (read_at(fd, o->dict, (size_t)(o->next - o->dict), b) < 0)
		return -1;
	const char *base = b->data - o->dict, *q;
	char head[32];
	int hn = snprintf(head, sizeof(head), "%d 0 obj\012", 3 * p + 8);
	const char *l = base + o->len_obj;
	if (memcmp(base + o->stream - (sizeof(ss) - 1), ss, sizeof(ss) - 1) != 0 ||
	    memcmp(base + o->stream + o->slen, tail, sizeof(tail) - 1) != 0 ||
	    memcmp(l, head, (size_t)hn) != 0 || num_at(l + hn, base + o->next, &q) != o->slen ||
	    base + o->next - q != 8 || memcmp(q, "\012endobj\012", 8) != 0)
		return -1;
	return 0;
}

/* Writes page pg's three objects as page p of the file to b, from the
 * previous ones o (their bytes at old, from o->dict): its dictionary with
 * the page's fonts, its content compressed by libharu; their offsets in
 * the file (base + the offset in b) into noff. */
static int page_write(struct doc *d, HPDF_Page pg, int p, const char *old, const struct opage *o,
    struct buf *b, long long base, long long *noff)
{
	static const char fo[] = "/Font <<\012", fc[] = "\012>>\012>>\012/Parent";
	const char *dict = old, *dend = old + (o->cont - o->dict);
	const char *a = memmem(dict, (size_t)(dend - dict), fo, sizeof(fo) - 1);
	const char *z = a ? memmem(a, (size_t)(dend - a), fc, sizeof(fc) - 1) : NULL;
	if (!z)
		return -1;
	noff[3 * p + 6] = base + (long long)b->len;
	buf_add(b, dict, (size_t)(a - dict) + sizeof(fo) - 1);
	size_t at = b->len;
	if (page_fonts(d, pg, NULL, b) < 0 || b->len == at)
		return -1;
	buf_truncate(b, b->len - 1);	/* the last line's feed is fc's */
	buf_add(b, z, (size_t)(dend - z));
	noff[3 * p + 7] = base + (long long)b->len;
	buf_add(b, dend, (size_t)(o->stream - o->cont));
	HPDF_Stream zs = HPDF_MemStream_New(d->pdf->mmgr, HPDF_STREAM_BUF_SIZ);
	if (!zs || HPDF_Stream_WriteToStream(contents(pg)->stream, zs, HPDF_STREAM_FILTER_FLATE_DECODE, NULL) != HPDF_OK)
		return -1;
	size_t s0 = b->len;
	for (HPDF_UINT i = 0, n = HPDF_MemStream_GetBufCount(zs); i < n; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *q = HPDF_MemStream_GetBufPtr(zs, i, &len);
		if (q)
			buf_add(b, q, len);
	}
	if (b->len - s0 != zs->size)
		return -1;
	size_t slen = b->len - s0;
	buf_puts(b, "\012endstream\012endobj\012");
	noff[3 * p + 8] = base + (long long)b->len;
	buf_printf(b, "%d 0 obj\012%zu\012endobj\012", 3 * p + 8, slen);
	return 0;
}

/* The pages drawn again: runs of the file's pages. */
struct region {
	int pa, last;
	long long start, end, delta;	/* the objects they replace, how far those after move */
	long long base;			/* the file's offset of the new bytes' first, less its place in them */
	size_t nb_from, nb_to;		/* the new bytes, in compose's buffer */
};
/* How the sections of this build line up with the previous build's: the
 * same number (then section j is section j, changed when its key is
 * another), or not (then the first a and last b are the same, those
 * between changed). */
struct align {
	const struct sect *st;	/* the previous build's places */
	const struct digest *keys;	/* this build's */
	size_t m, m2, a, b;
};

/* The previous build's boundary of this build's boundary j (before
 * section j; m2: the end), or -1 when it has none. */
static long long ob(const struct align *al, size_t j)
{
	if (al->m == al->m2)
		return (long long)j;
	if (j <= al->a)
		return (long long)j;
	if (j >= al->m2 - al->b)
		return (long long)(j + al->m - al->m2);
	return -1;
}

static int changed(const struct align *al, size_t j)
{
	long long o = ob(al, j);
	return o < 0 || ob(al, j + 1) < 0 || !digest_eq(&al->st[o].key, &al->keys[j]);
}

/* Section j as the previous build laid it out: its place. */
static void keep(struct doc *d, const struct align *al, size_t j)
{
	const struct sect *s = &al->st[ob(al, j)];
	push(d->trace, &al->keys[j], s->page, s->y);
}

/* Lays out the changed sections, and the sections around them on the
 * pages they touch, into runs of pages (*rg, *n_rg); 1 when the layout
 * cannot be spliced. From a place where it is the previous build's (the
 * start, or a boundary after the last page drawn), the next changed
 * section starts at page pa: the document jumps to the place of the first
 * section that reaches pa (earlier pages it draws on are left out), and
 * lays out until a boundary where the layout is the previous build's
 * again, and on until that page is full. */
static int relay(struct doc *d, struct pdf_entries *e, const struct pdf_run *r, const struct old *o,
    struct region **rg, size_t *n_rg)
{
	struct pdf_trace *t = d->trace;
	struct align al = { o->st, r->keys, o->h.n - 1, r->n, 0, 0 };
	const struct sect *st = o->st;
	size_t cap = 0, j = 0;
	while (al.a < al.m && al.a < al.m2 && digest_eq(&st[al.a].key, &r->keys[al.a]))
		al.a++;
	while (al.b < al.m - al.a && al.b < al.m2 - al.a &&
	    digest_eq(&st[al.m - 1 - al.b].key, &r->keys[al.m2 - 1 - al.b]))
		al.b++;
	if (st[0].page != cur_page(d) || st[0].y != d->y)
		return 1;
	t->n = 0;
	pdf_entries_splice(e);
	for (;;) {
		/* At boundary j, the previous build's: the next change. */
		size_t c = j;
		while (c < al.m2 && !changed(&al, c))
			c++;
		if (c == al.m2) {
			for (; j < al.m2; j++)
				keep(d, &al, j);
			push(t, &(struct digest){ 0, 0 }, st[al.m].page, st[al.m].y);
			return 0;
		}
		int32_t pa = st[ob(&al, c)].page;
		size_t z = c;
		while (z > j && st[ob(&al, z)].page >= pa)
			z--;
		if (j == 0 && (pa < 2 || st[ob(&al, z)].page < 2))
			z = 0;	/* from the start: the document is there */
		for (; j < z; j++)
			keep(d, &al, j);
		if (z > 0)
			page_jump(d, st[ob(&al, z)].page, st[ob(&al, z)].y);
		*rg = xgrow(*rg, &cap, *n_rg + 1, sizeof(**rg));
		struct region *g = &(*rg)[(*n_rg)++];
		g->pa = pa;
		int sync = -1;
		for (;; j++) {
			if (d->error || d->npages >= MAX_PAGES - 1)
				return 1;
			int32_t pg = cur_page(d);
			long long b = ob(&al, j);
			if (sync < 0 && j > c && b >= 0 && st[b].page == pg && st[b].y == d->y)
				sync = pg;
			/* Left once the page is full, unless the next change
			 * starts on the page being drawn. */
			size_t c2 = j;
			while (sync >= 0 && pg > sync && c2 < al.m2 && !changed(&al, c2))
				c2++;
			if (sync >= 0 && pg > sync && (c2 == al.m2 || st[ob(&al, c2)].page > pg)) {
				g->last = sync;
				break;
			}
			if (j == al.m2) {
				if (sync < 0 && pg + 1 != (int32_t)o->h.npages)
					return 1;
				g->last = (int)o->h.npages - 1;
				push(t, &(struct digest){ 0, 0 }, pg, d->y);
				return d->error ? 1 : 0;
			}
			r->run(d, j, r->ctx);
			if (changed(&al, j))
				sync = -1;
		}
	}
}

/* The document's page that is the file's page p (the last drawn as it). */
static HPDF_Page page_of(struct doc *d, int p)
{
	for (int k = d->npages - 1; k >= 0; k--)
		if (page_map(d, k) == p)
			return d->pages[k];
	return NULL;
}

/* How far the object at offset v of the previous file moves. */
static long long moved(const struct region *rg, size_t n, long long v)
{
	long long delta = 0;
	for (size_t i = 0; i < n && v >= rg[i].end; i++)
		delta = rg[i].delta;
	return delta;
}

/* The mark, among the pieces of a booklet's file (cache.h), of the file
 * the note was written for (a piece of no bytes at offset 0, keyed on the
 * file's digest): a splice trusts the published file, unread, when the list of
 * its pieces, which holds the file's identity, has the mark of the note's
 * file. */
static struct digest file_mark(const struct cache_pieces *cp, const struct digest *file)
{
	struct digest_ctx *k = cache_piece_key(cp);
	digest_str(k, "pdf-splice-file");
	digest_fold(k, file);
	return digest_end(k);
}

/* Records the mark of file among cp's pieces: an empty piece, copied
 * (counted so) when the previous list had it. */
static void note_mark(struct cache_pieces *cp, const struct digest *file)
{
	struct digest mark = file_mark(cp, file);
	long long at;
	if (cache_piece_find(cp, &mark, NULL, &at) == 0)
		cache_piece_copy(cp, &mark, -1, 0);
	else
		cache_piece_record(cp, &mark, "", 0, 0);
}

/* Appends an entry of the cross-reference table: the offset v on ten
 * digits, as "%010lld" writes it, then rest (ten bytes). By hand below
 * 10^10 (every offset of a booklet): a booklet's table has thousands of
 * lines and printf was most of the splice's formatting. */
static void xref_line(struct buf *xb, long long v, const char *rest)
{
	if (v < 0 || v >= 10000000000LL) {
		buf_printf(xb, "%010lld%s", v, rest);
		return;
	}
	char line[20];
	unsigned long long u = (unsigned long long)v;
	for (int i = 9; i >= 0; i--, u /= 10)
		line[i] = (char)('0' + u % 10);
	memcpy(line + 10, rest, 10);
	buf_add(xb, line, sizeof(line));
}

/* The new bytes of the file: the pages of the runs rg drawn again, into
 * nb (each run's part of it, and its place in the new file, in rg), and
 * the new table and trailer, into xb; op[p] gets each page's objects in
 * the previous file (fd, its table x). */
static int compose(struct doc *d, const struct old *o, int fd, struct cache_pieces *cp,
    const struct xref *x, struct region *rg, size_t n_rg, struct buf *nb, struct buf *xb,
    long long *noff, struct opage *op, struct buf *tmp)
{
	int n = (int)o->h.npages;
	long long annots = x->off[3 * n + 6], from = 0, pos = 0;
	for (int p = 0; p < n; p++)
		if (opage_at(x, cp, &o->content[p], p, p + 1 < n ? x->off[3 * p + 9] : annots, &op[p]) < 0)
			return -1;
	buf_reset(nb);
	for (size_t i = 0; i < n_rg; i++) {
		struct region *g = &rg[i];
		g->start = op[g->pa].dict;
		g->end = g->last + 1 < n ? op[g->last + 1].dict : annots;
		if (g->start < from || g->end <= g->start)
			return -1;
		pos += g->start - from;
		g->base = pos - (long long)nb->len;
		g->nb_from = nb->len;
		for (int p = g->pa; p <= g->last; p++) {
			HPDF_Page pg = page_of(d, p);
			if (!pg || opage_read(fd, &op[p], p, tmp) < 0 ||
			    page_write(d, pg, p, tmp->data, &op[p], nb, g->base, noff) < 0)
				return -1;
		}
		pos = g->base + (long long)nb->len;
		g->nb_to = nb->len;
		g->delta = pos - g->end;
		from = g->end;
	}
	pos += x->at - from;
	buf_reset(xb);
	buf_printf(xb, "xref\0120 %zu\012", x->count);
	for (size_t k = 0; k < x->count; k++) {
		long long v = x->off[k];
		if (noff[k] >= 0)
			v = noff[k];
		else if (k)
			v += moved(rg, n_rg, v);
		xref_line(xb, v, k ? " 00000 n\015\012" : " 65535 f\015\012");
	}
	buf_add(xb, x->trailer.data, x->trailer.len);
	buf_printf(xb, "%lld\012%%%%EOF\012", pos);
	return 0;
}

/* Writes the file to a: the previous one's bytes, copied by the kernel,
 * around the runs' new ones (nb), then the new table (xb). */
static void write_file(struct assemble *a, const struct xref *x, const struct region *rg,
    size_t n_rg, const struct buf *nb, const struct buf *xb)
{
	long long from = 0;
	for (size_t i = 0; i < n_rg; i++) {
		assemble_copy(a, from, rg[i].start - from);
		assemble_put(a, nb->data + rg[i].nb_from, rg[i].nb_to - rg[i].nb_from);
		from = rg[i].end;
	}
	assemble_copy(a, from, x->at - from);
	assemble_put(a, xb->data, xb->len);
}

/* Records the pages' contents as the file's pieces (pdf_pages.c): those
 * kept, copied as they were (unread); those drawn, copied when the
 * previous file (fd) had the same bytes under the same key, else noted
 * from their new bytes (nb); their keys go to the note. */
static void record(struct doc *d, struct cache_pieces *cp, int fd, const struct old *o,
    const struct region *rg, size_t n_rg, const struct buf *nb, const long long *noff,
    const struct opage *op, struct buf *tmp)
{
	struct pdf_trace *t = d->trace;
	int n = (int)o->h.npages;
	size_t g = 0;
	t->content = xmalloc(((size_t)n + 1) * sizeof(*t->content));
	for (int i = 0; i < n; i++) {
		while (g < n_rg && i > rg[g].last)
			g++;
		if (g < n_rg && i >= rg[g].pa) {
			t->content[i] = pdf_page_key(cp, page_of(d, i));
			long long at = noff[3 * i + 7] + (op[i].stream - op[i].cont), off;
			long long len = noff[3 * i + 8] - at - 18;	/* "\nendstream\nendobj\n" */
			const char *bytes = nb->data + (at - rg[g].base);
			if (cache_piece_find(cp, &t->content[i], NULL, &off) == len &&
			    read_at(fd, off, (size_t)len, tmp) == 0 && memcmp(tmp->data, bytes, (size_t)len) == 0)
				cache_piece_copy(cp, &t->content[i], -1, at);
			else
				cache_piece_record(cp, &t->content[i], bytes, (size_t)len, at);
		} else {
			t->content[i] = o->content[i];
			cache_piece_copy(cp, &t->content[i], -1, op[i].stream + moved(rg, n_rg, op[i].dict));
		}
	}
}

int pdf_splice(struct doc *d, struct pdf_entries *e, const char *rel, const struct pdf_run *r,
    struct publish *p, struct buf *b, struct buf *file)
{
	struct pdf_reuse *ru = d->reuse;
	struct pdf_trace *t = d->trace;
	struct old o = { FS_VIEW_INIT, { { 0 }, 0, 0, { 0, 0 }, 0, 0, { 0, 0 }, { 0, 0 } }, NULL, NULL };
	struct buf path = BUF_INIT, xb = BUF_INIT;
	struct xref x = { 0, 0, 0, NULL, 0, BUF_INIT };
	struct cache_pieces *cp = NULL;
	long long *noff = NULL;
	struct opage *op = NULL;
	struct region *rg = NULL;
	size_t n_rg = 0, drawn = 0;
	int rc = 1;
	if (!e || !t || !t->has_head || !ru || !ru->cache || !file || d->lazy || d->error ||
	    old_read(&o, ru->cache, rel) < 0 || !digest_eq(&o.h.head, &t->head))
		goto out;
	if (relay(d, e, r, &o, &rg, &n_rg) != 0)
		goto undo;
	int n = (int)o.h.npages;
	/* A character no font has is reported by the whole rendering. */
	if (obj_id(d->regular) != o.h.fonts[0] || obj_id(d->bold) != o.h.fonts[1] || d->n_missing)
		goto undo;
	for (size_t i = 0; i < n_rg; i++)
		for (int k = rg[i].pa; k <= rg[i].last; k++) {
			HPDF_Page pg = page_of(d, k);
			if (!pg || k < 1 || k >= n)
				goto undo;
			pdf_footer_page(d, pg, k + 1, n);
			drawn++;
		}
	/* The published file, unread: trusted by its identity when the list
	 * of its pieces, which records it, has the mark of the note's file
	 * (reading it whole, and into fresh memory, was most of a splice's
	 * time: perf). Only its table and the pages drawn again are read. */
	cp = cache_pieces_open(ru->cache, p, rel);
	const char *pub;
	long long size, at;
	struct digest mark = file_mark(cp, &o.h.file);
	int fd = cache_pieces_published(cp, &pub, &size);
	if (d->error || fd < 0 || size != o.h.len || cache_piece_find(cp, &mark, NULL, &at) != 0 ||
	    xref_read(&x, fd, size, 4 * (size_t)n + 6, file) < 0)
		goto undo;
	noff = xmalloc((x.count + 1) * sizeof(*noff));
	for (size_t k = 0; k < x.count; k++)
		noff[k] = -1;
	op = xcalloc((size_t)n + 1, sizeof(*op));
	if (compose(d, &o, fd, cp, &x, rg, n_rg, b, &xb, noff, op, file) < 0)
		goto undo;
	/* The file is right: written, its pages' pieces, the note's parts. */
	FILE *f = publish_open(p, rel);
	rc = -1;
	if (f) {
		/* The spare tree's copy goes (publish_done would compare it
		 * with this one, byte by byte, when of the same size). */
		fs_join(&path, p->tmp, rel);
		unlink(path.data);
		struct assemble a;
		assemble_start(&a, fileno(f), cp);
		write_file(&a, &x, rg, n_rg, b, &xb);
		long long len = a.off;
		rc = publish_close_unread(p, rel, f, assemble_end(&a)) == 0 ? 0 : -1;
		/* the new file's mark: its note's digest, of the previous
		 * file's and of what changed in it */
		struct digest_ctx *k = digest_new();
		digest_str(k, "pdf-spliced");
		digest_fold(k, &o.h.file);
		digest_add(k, b->data, b->len);
		digest_add(k, xb.data, xb.len);
		t->file = digest_end(k);
		t->len = len;
		if (rc == 0) {
			record(d, cp, fd, &o, rg, n_rg, b, noff, op, file);
			note_mark(cp, &t->file);
		}
	}
	cache_pieces_close(cp, rc == 0);
	cp = NULL;
	t->npages = n;
	t->fonts[0] = o.h.fonts[0];
	t->fonts[1] = o.h.fonts[1];
	t->saved = rc == 0;
	atomic_fetch_add(&ru->spliced, 1);
	atomic_fetch_add(&ru->redrawn, drawn);
	goto out;
undo:
	pdf_entries_restart(e);
	t->n = 0;
	rc = 2;
out:
	cache_pieces_close(cp, 0);
	fs_view_close(&o.raw);
	free(o.st);
	free(o.content);
	buf_release(&path);
	buf_release(&xb);
	buf_release(&x.trailer);
	free(x.off);
	free(noff);
	free(op);
	free(rg);
	return rc;
}
