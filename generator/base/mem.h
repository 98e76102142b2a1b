/*
 * Allocation wrappers that never return NULL: on out-of-memory they print a
 * message and abort, so call sites need no checks. Any module may include this.
 */
#ifndef CARTO_MEM_H
#define CARTO_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grows an array to hold at least need elements of size sz; *cap is updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t sz);
char *xstrdup(const char *s);
/* qsort that takes an empty array as (NULL, 0): C11 7.1.4 makes a null
 * pointer argument undefined even with no element (UBSan stops on it).
 * Every sort of the project goes through it. */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *xstrndup(const char *s, size_t n);

#endif
