/*
 * Arena: a list of blocks, bump allocation in the newest. Large requests get a
 * block of their own so that little space is wasted.
 */
#define _DEFAULT_SOURCE
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem.h"

#define BLOCK_SIZE (256 * 1024)
/* An arena marked huge (the model of a site, a loading worker's share of
 * it), past BIG_AFTER bytes, takes blocks of a huge page, aligned to one
 * and marked for it: the kernel then maps and zeroes 2 MB at a fault
 * instead of 4 KB, and the first touch of tens of megabytes (decoding
 * 10,000 organisations' records) costs a few dozen faults, not 15,000.
 * Only on demand: a block's last huge page is resident whole, so every
 * arena doing so would hold up to 2 MB more. Where huge pages are off,
 * they are ordinary pages, as before. */
#define BIG_AFTER ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

struct arena_block {
	struct arena_block *next;
	size_t size;
	int mapped;		/* a huge block: mmap's, unmapped whole */
	alignas(max_align_t) unsigned char data[];
};

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b = xmalloc(sizeof(*b) + size);
	b->size = size;
	b->next = NULL;
	b->mapped = 0;
	return b;
}

static void block_free(struct arena_block *b)
{
	if (b->mapped)
		munmap(b, HUGE_PAGE);
	else
		free(b);
}

#ifndef ARENA_DEBUG	/* where every allocation is a block of its own */
/* A block of its own for a big request, zeroed (by calloc: memory fresh
 * from the kernel is not written twice). */
static struct arena_block *block_zeroed(size_t size)
{
	struct arena_block *b = xcalloc(1, sizeof(*b) + size);
	b->size = size;
	return b;
}

/* A block of one huge page (see BIG_AFTER), or an ordinary one when it
 * cannot be mapped. Mapped from the kernel, which gives it zeroed: *clean
 * is then 1, and arena_alloc does not zero its bytes again (the kernel's
 * zeroing of the page and a memset were two passes over the model's
 * memory); 0 for an ordinary block (malloc's bytes). Two huge pages are
 * mapped, the aligned one kept, the rest unmapped. */
static struct arena_block *block_huge(int *clean)
{
	unsigned char *m = mmap(NULL, 2 * HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*clean = 0;
	if (m == MAP_FAILED)
		return block_new(BLOCK_SIZE);
	unsigned char *p = (unsigned char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	if (p + HUGE_PAGE < m + 2 * HUGE_PAGE)
		munmap(p + HUGE_PAGE, (size_t)(m + 2 * HUGE_PAGE - (p + HUGE_PAGE)));
#ifdef MADV_HUGEPAGE
	madvise(p, HUGE_PAGE, MADV_HUGEPAGE);	/* a hint: nothing to do if refused */
#endif
	struct arena_block *b = (struct arena_block *)p;
	b->size = HUGE_PAGE - sizeof(*b);
	b->next = NULL;
	b->mapped = 1;
	*clean = 1;
	return b;
}
#endif

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
#ifdef ARENA_DEBUG
	struct arena_block *d = block_new(size);
	d->next = a->head ? a->head->next : NULL;
	if (a->head)
		a->head->next = d;
	else {
		a->head = d;
		a->used = size;
	}
	a->total += size;
	memset(d->data, 0, size);
	return d->data;
#else
	if (!a->head || a->head->size - a->used < size) {
		if (size > BLOCK_SIZE / 4) {
			/* Big: own block behind the head, head keeps its space. */
			struct arena_block *big = block_zeroed(size);
			if (a->head) {
				big->next = a->head->next;
				a->head->next = big;
			} else {
				a->head = big;
				a->used = size;
				a->clean = 0;
			}
			a->total += size;
			return big->data;
		}
		int clean = 0;
		struct arena_block *b = a->huge && a->total >= BIG_AFTER ? block_huge(&clean) : block_new(BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->clean = clean;
		a->total += b->size;
	}
	void *p = a->head->data + a->used;
	a->used += size;
	if (!a->clean)
		memset(p, 0, size);
	return p;
#endif
}

void *arena_alloc_raw(struct arena *a, size_t size)
{
#ifdef ARENA_DEBUG
	return arena_alloc(a, size);
#else
	if (a->head && a->head->size - a->used >= size) {
		void *p = a->head->data + a->used;
		a->used += (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
		if (a->used > a->head->size)
			a->used = a->head->size;
		return p;
	}
	return arena_alloc(a, size);
#endif
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc_raw(a, n);
	if (n)
		memcpy(q, p, n);
	return q;
}

void arena_merge(struct arena *dst, struct arena *src)
{
	if (!src->head)
		return;
	struct arena_block *last = src->head;
	while (last->next)
		last = last->next;
	/* Keep dst's head (and its free space) first. */
	if (dst->head) {
		last->next = dst->head->next;
		dst->head->next = src->head;
	} else {
		dst->head = src->head;
		dst->used = src->used;
		dst->clean = src->clean;
	}
	dst->total += src->total;
	src->head = NULL;
	src->used = src->total = 0;
	src->clean = 0;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		block_free(b);
		b = n;
	}
	a->head = NULL;
	a->used = a->total = 0;
	a->clean = 0;
}

void arena_reset(struct arena *a)
{
#ifdef ARENA_DEBUG
	arena_free(a);
#else
	struct arena_block *keep = a->head;
	if (!keep || keep->size != BLOCK_SIZE || keep->mapped) {
		arena_free(a);
		return;
	}
	struct arena_block *b = keep->next;
	while (b) {
		struct arena_block *n = b->next;
		block_free(b);
		b = n;
	}
	keep->next = NULL;
	a->used = 0;
	a->clean = 0;	/* its bytes are those written before */
	a->total = BLOCK_SIZE;
#endif
}
