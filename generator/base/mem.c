/*
 * Allocation wrappers: the one place that handles out-of-memory, by aborting.
 */
#include "mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t size)
{
	fprintf(stderr, "carto: out of memory (%zu bytes)\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q)
		oom(size);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t sz)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	c = c ? c : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * sz);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
