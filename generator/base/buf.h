/*
 * The growable byte buffer used everywhere (after git's strbuf): data is never
 * NULL and always NUL-terminated; BUF_INIT points at a shared empty string
 * until the first write. Renderers, paths and messages all write into it.
 */
#ifndef CARTO_BUF_H
#define CARTO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
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
