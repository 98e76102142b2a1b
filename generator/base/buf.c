/*
 * Growable buffer. Invariant: data[len] == '\0' and data != NULL.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

char buf_empty[1];

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0) {
		b->data = NULL;
	} else if (b->len == 0) {	/* nothing to keep: no copy of the old bytes */
		free(b->data);
		b->data = NULL;
	}
	b->data = xgrow(b->data, &b->cap, need, 1);
	if (b->len == 0)
		b->data[0] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->cap == 0 || (size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	b->data = buf_empty;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s = b->cap ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = buf_empty;
	b->len = b->cap = 0;
	return s;
}

void buf_put_unum(struct buf *b, unsigned long long v, char after)
{
	/* Two digits a division, written straight into b: the indexes and
	 * fingerprints are mostly numbers of 19 digits (times in ns). */
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char t[24];
	size_t n = sizeof(t);
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		t[--n] = pairs[d + 1];
		t[--n] = pairs[d];
	}
	if (v >= 10) {
		t[--n] = pairs[v * 2 + 1];
		t[--n] = pairs[v * 2];
	} else
		t[--n] = (char)('0' + v);
	size_t len = sizeof(t) - n;
	buf_grow(b, len + 1);
	memcpy(b->data + b->len, t + n, len);
	b->len += len;
	if (after)
		b->data[b->len++] = after;
	b->data[b->len] = '\0';
}

void buf_put_num(struct buf *b, long long v, char after)
{
	if (v < 0)
		buf_putc(b, '-');
	buf_put_unum(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, after);
}
