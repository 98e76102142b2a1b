/*
 * A file written in order from bytes in memory and runs of the published
 * copy of another file (cache.h's pieces: cache_pieces_copy, which the
 * kernel copies with copy_file_range, never read into carto's memory): a
 * workbook put together from its pieces (xlsx_pieces.c), a booklet
 * spliced from its previous file (pdf_splice.c). Bytes in memory are
 * gathered into writes of a megabyte. One struct assemble is one thread's.
 */
#ifndef CARTO_ASSEMBLE_H
#define CARTO_ASSEMBLE_H

#include <stddef.h>

#include "../base/buf.h"

struct cache_pieces;

struct assemble {
	int fd;			/* pwrite and copy_file_range at offsets: its own offset stays */
	long long off;		/* bytes of the file so far, written or in b */
	struct buf b;		/* the last of them, not yet written */
	struct cache_pieces *cp;	/* whose published file runs are copied from */
	int failed;		/* errno of the first write that failed, or 0 */
};

/* Starts writing the file fd (the caller's, empty) from its start, its
 * runs from cp's published file. */
void assemble_start(struct assemble *a, int fd, struct cache_pieces *cp);
/* Appends n bytes at data. */
void assemble_put(struct assemble *a, const void *data, size_t n);
/* Appends the n bytes of cp's published file at from. */
void assemble_copy(struct assemble *a, long long from, long long n);
/* Writes what is left. Returns 0, or the errno of the first write that
 * failed (the file is then incomplete). The caller closes fd. */
int assemble_end(struct assemble *a);

#endif
