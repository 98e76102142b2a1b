/*
 * Arena allocator for everything that lives as long as a build or a file:
 * YAML trees, strings copied from input, the model. Freed all at once. Not
 * thread-safe: each worker owns its arenas. Built with -DARENA_DEBUG, every
 * allocation is a separate malloc so that sanitizers see overflows.
 */
#ifndef CARTO_ARENA_H
#define CARTO_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;		/* bytes used in head */
	size_t total;		/* bytes allocated from the system */
	int huge;		/* past a few megabytes, blocks of a huge page
				 * (arena.c): for the few arenas that fill tens
				 * of megabytes at once (the model) */
	int clean;		/* 1: head's bytes past used are zero (a
				 * huge block, fresh from the kernel), and
				 * arena_alloc does not zero them again */
};

#define ARENA_INIT { NULL, 0, 0, 0, 0 }

/* Returns zeroed memory aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Like arena_alloc, not zeroed (aligned alike): for bytes written at once. */
void *arena_alloc_raw(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void *arena_memdup(struct arena *a, const void *p, size_t n);
/* Appends the blocks of src to dst; src is left empty. */
void arena_merge(struct arena *dst, struct arena *src);
void arena_free(struct arena *a);
/* Frees everything but one block, kept for reuse: for per-file arenas. */
void arena_reset(struct arena *a);

#endif
