/*
 * The growable byte buffer used everywhere (after git's strbuf): data is never
 * NULL and always NUL-terminated; BUF_INIT points at a shared empty string
 * until the first write. Renderers, paths and messages all write into it.
 */
#ifndef CARTO_BUF_H
#define CARTO_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

/* Makes room for extra more bytes (and the NUL after them). */
void buf_grow(struct buf *b, size_t extra);

/* The appends below are inline: a rebuild after one organisation changed
 * (10,000 organisations) makes about four million of them, most of a few
 * bytes (the keys' numbers and names, the search index), and the call
 * cost more than the copy (callgrind). They grow the buffer only when the
 * bytes and the NUL do not fit. */
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len >= b->cap)
		buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static inline void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void buf_putc(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends v in decimal, then the character after (none when 0): the same
 * bytes as "%llu" / "%lld", without printf's cost where millions of
 * numbers are written (the cache's index, the fingerprint). */
void buf_put_unum(struct buf *b, unsigned long long v, char after);
void buf_put_num(struct buf *b, long long v, char after);
/* Empties the buffer and keeps its memory. */
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
/* Frees the memory; the buffer is BUF_INIT again. */
void buf_release(struct buf *b);
/* Returns the malloc'ed string (caller frees); the buffer is BUF_INIT again. */
char *buf_detach(struct buf *b, size_t *len);

#endif
