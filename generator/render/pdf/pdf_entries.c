/*
 * Entries laid out once (pdf_int.h, struct pdf_entries). A booklet
 * rendered again because one of its entries changed used to lay out every
 * entry of thousands again: build its strings, measure them, break them
 * into lines, encode and place them (perf: 57 % of the PDF stage of a
 * one-organisation rename). Now an entry is first written as a script (the
 * calls that lay it out: paragraphs, fields, room needed, space, with their
 * strings, fonts and sizes); the digest of the script, with the global part
 * of the cache's keys (carto itself and its libraries: libharu's widths)
 * and the font files, is the entry's key. The previous build's ops of that
 * key, when it had them, are replayed; else the script runs through the
 * layout layer with its output recorded as ops:
 *
 *	'N' h		room for h points (pdf_need: maybe a new page)
 *	'T' style size x always len xn xs sn show
 *			a line of text of len bytes (pdf_text_line at the
 *			cursor, in the tier-0 font of style: 0 regular, 1
 *			bold), with x as written (xs, xn bytes) and its
 *			operand (show, sn bytes: pdf_text_show), made once;
 *			the text is read back from the operand only when
 *			libharu's own path writes the line
 *	'D' a		the cursor goes down a points
 *
 * floats as their 4 bytes, len and sn as 2 (little end first), xn as 1. The ops depend on nothing but the
 * script: no position on the page (the cursor is the replay's), widths from
 * the fonts alone (the width kept free beside a map, d->reserve, must be 0,
 * which every new page makes it), and an entry with text outside CP1252 is
 * never recorded (its embedded fonts and glyphs are side effects of its
 * layout): replaying gives the bytes laying out gives.
 *
 * The ops of a booklet's entries are a note of the cache (cache.h) named
 * after the booklet: records of key (16 bytes), length (4) and ops, checked
 * (every op whole, its values in range) before any is replayed; a note
 * that fails is none (every entry laid out). A build that replayed all but
 * one entry in 16 or fewer keeps the previous note as it is: the entries
 * laid out again then are few, and writing tens of megabytes each build
 * was a tenth of a booklet's time. The pages these replays fill may not
 * even be drawn (pdf_lazy.c). The note is read at the first section that
 * needs it: a booklet spliced (pdf_splice.c) lays out its few sections and
 * never reads it.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_utils.h>

#include "../../base/mem.h"
#include "../cache.h"
#include "pdf_int.h"

#define NOTE_MAX (512u << 20)
#define OP_LINE_MAX 1023	/* pdf_wrap's longest line */

struct old_entry {
	struct digest key;
	const char *ops;	/* in pdf_entries.old */
	size_t n;
};

struct pdf_entries {
	struct pdf_reuse *ru;
	char *name;		/* of the note */
	struct digest seed;	/* the global part and the fonts */
	struct fs_view old;	/* the previous note, viewed */
	struct old_entry *tab;	/* open addressing on key.lo */
	size_t mask;
	struct buf now;		/* the ops of this build's note not in old */
	struct nref {		/* this build's note: its entries, in order */
		struct digest key;
		const char *in_old;	/* its ops in old, or NULL: at off in now */
		size_t off, n;
	} *refs;
	size_t n_refs, cap_refs;
	struct buf ops;		/* one entry's, being recorded */
	size_t replayed, laid_out;
	int loaded;		/* the previous note read (at the first need) */
	int splice;		/* a splice: every section laid out, no note kept */
};

/* ---- ops ---- */

static void put_f(struct buf *b, float v)
{
	buf_add(b, &v, sizeof(v));
}

static float get_f(const char *p)
{
	float v;
	memcpy(&v, p, sizeof(v));
	return v;
}

void pdf_rec_need(struct doc *d, float h)
{
	buf_putc(d->rec, 'N');
	put_f(d->rec, h);
}

void pdf_rec_down(struct doc *d, float a)
{
	buf_putc(d->rec, 'D');
	put_f(d->rec, a);
}

void pdf_rec_text(struct doc *d, HPDF_Font f, float size, float x, const char *t, int always)
{
	size_t len = strlen(t);
	char xs[40], show[4 * OP_LINE_MAX + 8];
	size_t sn = len <= OP_LINE_MAX ? pdf_text_show(f, t, len, show) : 0;
	/* A text of no width is shown as nothing: its bytes would be lost. */
	if ((f != d->regular && f != d->bold) || len > OP_LINE_MAX || (len && !sn)) {
		d->rec_bad = 1;
		return;
	}
	size_t xn = (size_t)(HPDF_FToA(xs, x, xs + sizeof(xs)) - xs);
	unsigned char head[2] = { 'T', f == d->bold };
	buf_add(d->rec, head, 2);
	put_f(d->rec, size);
	put_f(d->rec, x);
	unsigned char mid[4] = { (unsigned char)(always != 0), (unsigned char)(len & 0xFF),
		(unsigned char)(len >> 8), (unsigned char)xn };
	buf_add(d->rec, mid, 4);
	buf_add(d->rec, xs, xn);
	unsigned char sl[2] = { (unsigned char)(sn & 0xFF), (unsigned char)(sn >> 8) };
	buf_add(d->rec, sl, 2);
	buf_add(d->rec, show, sn);
}

static size_t get_u16(const char *p)
{
	return (unsigned char)p[0] | (size_t)(unsigned char)p[1] << 8;
}

/* A text op at p (left bytes to the end): its parts, and its length, or 0
 * when it is cut short or out of range. */
struct text_op {
	int bold, always;
	float size, x;
	size_t len;		/* of the text */
	struct pdf_line_pre pre;
};

static size_t text_op(const char *p, size_t left, struct text_op *op)
{
	if (left < 14)
		return 0;
	op->bold = p[1];
	op->size = get_f(p + 2);
	op->x = get_f(p + 6);
	op->always = p[10];
	op->len = get_u16(p + 11);
	op->pre.xn = (unsigned char)p[13];
	size_t at = 14;
	if ((p[1] != 0 && p[1] != 1) || (p[10] != 0 && p[10] != 1) || !(op->size > 0 && op->size <= 100) ||
	    !(op->x >= 0 && op->x <= PAGE_W) || op->len > OP_LINE_MAX || op->pre.xn == 0 || op->pre.xn > 32 ||
	    op->pre.xn + 2 > left - at)
		return 0;
	op->pre.x = p + at;
	at += op->pre.xn;
	op->pre.sn = get_u16(p + at);
	at += 2;
	/* "(", the bytes escaped (4 at the most each), ") Tj" and a line feed. */
	if (op->pre.sn > left - at || (op->len == 0) != (op->pre.sn == 0) ||
	    (op->len && (op->pre.sn < op->len + 6 || op->pre.sn > 4 * op->len + 6)))
		return 0;
	op->pre.show = p + at;
	return at + op->pre.sn;
}

/* The text of a text op, from its operand (as libharu's own path needs
 * it): at most op->len bytes into t (room for OP_LINE_MAX + 1). */
static void text_of(const struct text_op *op, char *t)
{
	const char *s = op->pre.show + 1, *end = op->pre.show + op->pre.sn - 5;
	size_t k = 0;
	while (s < end && k < op->len) {
		if (*s == '\\' && end - s >= 4) {
			t[k++] = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else
			t[k++] = *s++;
	}
	t[k] = '\0';
}

/* Whether ops[0..n) are whole ops with values in range: 0 or -1. */
static int ops_check(const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		size_t left = (size_t)(end - p), k;
		struct text_op op;
		if ((*p == 'N' || *p == 'D') && left >= 5) {
			float v = get_f(p + 1);
			if (!(v >= 0 && v < 1e7f))	/* a field may need pages */
				return -1;
			p += 5;
		} else if (*p == 'T' && (k = text_op(p, left, &op)) > 0)
			p += k;
		else
			return -1;
	}
	return 0;
}

/* Replays checked ops on d, as the layout that recorded them did; on a
 * page kept undrawn (pdf_lazy.c), as events: the cursor moves, pages
 * break and fonts are registered as drawing would, nothing is drawn. With
 * flush, the ops are an event drawn on its page: no page breaks there. */
void pdf_ops_replay(struct doc *d, const char *p, size_t n, int flush)
{
	const char *end = p + n, *ev = p;
	char line[OP_LINE_MAX + 1];
	int text = 0, dry = !flush && d->lazy && pdf_lazy_pending(d);
	float ey = d->y;
	while (p < end) {
		if (*p == 'N') {
			float h = get_f(p + 1);
			if (!flush && d->y - h < BOTTOM) {
				if (dry)
					pdf_lazy_event(d, ev, (size_t)(p - ev), ey);
				pdf_new_page(d);
				dry = d->lazy && pdf_lazy_pending(d);
				ev = p + 5;
				ey = d->y;
			}
			p += 5;
		} else if (*p == 'D') {
			d->y -= get_f(p + 1);
			p += 5;
		} else {
			struct text_op op;
			size_t k = text_op(p, (size_t)(end - p), &op);
			HPDF_Font f = op.bold ? d->bold : d->regular;
			float y = d->y - op.size;
			op.pre.len = op.len;
			op.pre.dry = 0;
			text = 1;
			if (dry) {
				op.pre.dry = 1;
				if (pdf_text_line_pre(d->page, f, op.size, op.x, y, NULL, op.always, &op.pre) == 0) {
					p += k;
					continue;
				}
				/* Drawn by libharu's own path: the page is drawn. */
				pdf_lazy_event(d, ev, (size_t)(p - ev), ey);
				pdf_lazy_live(d);
				dry = 0;
				op.pre.dry = 0;
			}
			int rc = pdf_text_line_pre(d->page, f, op.size, op.x, y, NULL, op.always, &op.pre);
			if (rc == 1) {
				text_of(&op, line);
				rc = pdf_text_line_pre(d->page, f, op.size, op.x, y, line, op.always, &op.pre);
			}
			if (rc < 0)
				d->error = d->error ? d->error : 1;
			p += k;
		}
	}
	if (dry)
		pdf_lazy_event(d, ev, (size_t)(p - ev), ey);
	if (text)	/* as the last conversion of the layout left it */
		d->tier = TIER_CP1252;
}

/* ---- scripts ---- */

void pdf_script_need(struct buf *sc, float h)
{
	buf_putc(sc, 'n');
	put_f(sc, h);
}

void pdf_script_down(struct buf *sc, float a)
{
	buf_putc(sc, 'd');
	put_f(sc, a);
}

void pdf_script_para(struct buf *sc, int bold, float size, const char *text)
{
	buf_putc(sc, bold ? 'B' : 'p');
	put_f(sc, size);
	buf_add(sc, text, strlen(text) + 1);
}

void pdf_script_field(struct buf *sc, const char *label, const char *value)
{
	buf_putc(sc, 'f');
	buf_add(sc, label, strlen(label) + 1);
	buf_add(sc, value, strlen(value) + 1);
}

/* Runs a script of this file's functions (well formed: they wrote it). */
static void script_run(struct doc *d, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		char op = *p++;
		if (op == 'n' || op == 'd') {
			float v = get_f(p);
			p += sizeof(float);
			if (op == 'n')
				pdf_need(d, v);
			else
				pdf_down(d, v);
		} else if (op == 'B' || op == 'p') {
			float size = get_f(p);
			p += sizeof(float);
			pdf_para(d, op == 'B' ? d->bold : d->regular, size, p);
			p += strlen(p) + 1;
		} else {
			const char *label = p;
			p += strlen(p) + 1;
			pdf_field(d, label, p);
			p += strlen(p) + 1;
		}
	}
}

/* ---- the note ---- */

static size_t slot(const struct pdf_entries *e, const struct digest *k)
{
	size_t i = (size_t)k->lo & e->mask;
	while (e->tab[i].ops && !digest_eq(&e->tab[i].key, k))
		i = (i + 1) & e->mask;
	return i;
}

/* Reads the previous note into the table; a malformed one is none. */
static void read_note(struct pdf_entries *e)
{
	const struct cache *c = e->ru->cache;
	size_t count = 0, at = 0, len;
	const char *b = cache_note_read(c, e->name, NOTE_MAX, &e->old, &len);
	if (!b)
		return;
	while (at < len) {
		uint32_t n;
		if (len - at < sizeof(struct digest) + sizeof(n))
			return;
		memcpy(&n, b + at + sizeof(struct digest), sizeof(n));
		at += sizeof(struct digest) + sizeof(n);
		if (n == 0 || n > len - at || ops_check(b + at, n) < 0)
			return;
		at += n;
		count++;
	}
	size_t cap = 16;
	while (cap < 2 * count)
		cap *= 2;
	e->tab = xcalloc(cap, sizeof(*e->tab));
	e->mask = cap - 1;
	for (at = 0; at < len;) {
		struct digest k;
		uint32_t n;
		memcpy(&k, b + at, sizeof(k));
		memcpy(&n, b + at + sizeof(k), sizeof(n));
		at += sizeof(k) + sizeof(n);
		e->tab[slot(e, &k)] = (struct old_entry){ k, b + at, n };
		at += n;
	}
}

/* Notes an entry of this build's note: ops in the previous note (old)
 * are pointed at, others copied (the note is written rarely). */
static void note_add(struct pdf_entries *e, const struct digest *k, const char *ops, size_t n, int old)
{
	e->refs = xgrow(e->refs, &e->cap_refs, e->n_refs + 1, sizeof(*e->refs));
	e->refs[e->n_refs++] = (struct nref){ *k, old ? ops : NULL, e->now.len, n };
	if (!old)
		buf_add(&e->now, ops, n);
}

/* This build's note, in b. */
static void note_make(const struct pdf_entries *e, struct buf *b)
{
	for (size_t i = 0; i < e->n_refs; i++) {
		const struct nref *r = &e->refs[i];
		uint32_t len = (uint32_t)r->n;
		buf_add(b, &r->key, sizeof(r->key));
		buf_add(b, &len, sizeof(len));
		buf_add(b, r->in_old ? r->in_old : e->now.data + r->off, r->n);
	}
}

struct digest pdf_entries_seed(const struct pdf_entries *e)
{
	return e->seed;
}

struct pdf_reuse *pdf_entries_reuse(const struct pdf_entries *e)
{
	return e->ru;
}

struct pdf_entries *pdf_entries_open(struct pdf_reuse *ru, const char *rel)
{
	if (!ru || !ru->cache)
		return NULL;
	struct pdf_entries *e = xcalloc(1, sizeof(*e));
	struct buf name = BUF_INIT;
	buf_printf(&name, "pdf-entries/%s", rel);
	e->ru = ru;
	e->name = buf_detach(&name, NULL);
	e->old = (struct fs_view)FS_VIEW_INIT;
	e->now = (struct buf)BUF_INIT;
	e->ops = (struct buf)BUF_INIT;
	struct digest_ctx *k = cache_key(ru->cache, "pdf-entry", NULL);
	digest_fold(k, &ru->fonts);
	e->seed = digest_end(k);
	return e;
}

void pdf_script_run(struct doc *d, const struct buf *script)
{
	script_run(d, script->data, script->len);
}

/* Runs a script (pdf_section's fn for pdf_entry). */
static void run_script(struct doc *d, void *ctx)
{
	pdf_script_run(d, ctx);
}

/* Lays out fn at d's cursor with its ops recorded into ops: 0, or -1 when
 * they cannot stand for it. */
static int record(struct doc *d, struct buf *ops, void (*fn)(struct doc *d, void *ctx), void *ctx)
{
	buf_reset(ops);
	if (d->reserve != 0 || d->rec) {
		fn(d, ctx);
		return -1;
	}
	d->rec = ops;
	d->rec_bad = 0;
	fn(d, ctx);
	d->rec = NULL;
	return d->rec_bad || d->error || !ops->len || ops->len > UINT32_MAX ? -1 : 0;
}

int pdf_entry_record(struct doc *d, const struct buf *script, struct buf *ops)
{
	return record(d, ops, run_script, (void *)script);
}

int pdf_entry_replay(struct doc *d, const char *ops, size_t n)
{
	if (d->rec || ops_check(ops, n) < 0)
		return -1;
	pdf_ops_replay(d, ops, n, 0);
	return 0;
}

/* pdf_section, counted in e when count is set: 1 replayed, 0 laid out. */
static int section(struct doc *d, struct pdf_entries *e, const struct digest *k,
    void (*fn)(struct doc *d, void *ctx), void *ctx, int count)
{
	if (!e->loaded && !e->splice) {
		e->loaded = 1;
		read_note(e);
	}
	const struct old_entry *o = e->tab && !e->splice ? &e->tab[slot(e, k)] : NULL;
	int again = o && o->ops && d->reserve == 0 && !d->rec;
	if (d->trace)
		pdf_trace_section(d, k);
	if (again) {
		pdf_ops_replay(d, o->ops, o->n, 0);	/* checked by read_note */
		note_add(e, k, o->ops, o->n, 1);
	} else if (record(d, &e->ops, fn, ctx) == 0)
		note_add(e, k, e->ops.data, e->ops.len, 0);
	if (count && again)
		e->replayed++;
	else if (count)
		e->laid_out++;
	return again;
}

void pdf_section(struct doc *d, struct pdf_entries *e, const struct digest *k,
    void (*fn)(struct doc *d, void *ctx), void *ctx)
{
	if (!e)
		fn(d, ctx);
	else
		section(d, e, k, fn, ctx, 1);
}

struct heading {
	float size;
	const char *text;
};

static void heading(struct doc *d, void *ctx)
{
	const struct heading *h = ctx;
	pdf_heading(d, h->size, h->text);
}

struct digest pdf_heading_key(const struct pdf_entries *e, float size, const char *text)
{
	struct digest_ctx *k = pdf_section_key(e, "heading");
	digest_add(k, &size, sizeof(size));
	digest_str(k, text);
	return digest_end(k);
}

void pdf_heading_keyed(struct doc *d, struct pdf_entries *e, const struct digest *k, float size,
    const char *text)
{
	struct heading h = { size, text };
	if (!e)
		heading(d, &h);
	else
		section(d, e, k, heading, &h, 0);
}

void pdf_entries_splice(struct pdf_entries *e)
{
	e->splice = 1;
}

void pdf_entries_restart(struct pdf_entries *e)
{
	e->n_refs = 0;
	buf_reset(&e->now);
	e->replayed = e->laid_out = 0;
	e->splice = 0;
}

struct digest_ctx *pdf_section_key(const struct pdf_entries *e, const char *kind)
{
	struct digest_ctx *k = digest_new();
	if (e)
		digest_fold(k, &e->seed);
	digest_str(k, kind);
	return k;
}

void pdf_section_key_put(struct buf *b, const struct pdf_entries *e, const char *kind)
{
	if (e) {
		digest_buf_num(b, (long long)e->seed.lo);
		digest_buf_num(b, (long long)e->seed.hi);
	}
	digest_buf_str(b, kind);
}

struct digest pdf_script_key(const struct pdf_entries *e, const struct buf *script)
{
	struct digest_ctx *kc = pdf_section_key(e, "script");
	digest_add(kc, script->data, script->len);
	return digest_end(kc);
}

void pdf_entry(struct doc *d, struct pdf_entries *e, const struct buf *script)
{
	struct digest k = e ? pdf_script_key(e, script) : (struct digest){ 0, 0 };
	pdf_section(d, e, &k, run_script, (void *)script);
}

void pdf_entries_close(struct pdf_entries *e, int ok)
{
	if (!e)
		return;
	/* The previous note is kept while it has nearly every entry (a note
	 * holds ops by their inputs' digest: any is right): writing it again
	 * was a tenth of a booklet rendered again (perf). */
	if (ok && !e->splice && (!e->tab || e->laid_out * 16 > e->replayed + e->laid_out)) {
		struct buf b = BUF_INIT;
		note_make(e, &b);
		cache_note_write(e->ru->cache, e->name, b.data, b.len);
		buf_release(&b);
	}
	atomic_fetch_add(&e->ru->replayed, e->replayed);
	atomic_fetch_add(&e->ru->laid_out, e->laid_out);
	fs_view_close(&e->old);
	buf_release(&e->now);
	free(e->refs);
	buf_release(&e->ops);
	free(e->tab);
	free(e->name);
	free(e);
}
