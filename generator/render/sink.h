/*
 * A file streamed through the publisher (publish_open) in pieces of the
 * build cache (cache.h), for the large files that list every organisation:
 * the open data extracts, the LHÉO and data·inclusion exports. Bytes go into
 * b (j writes JSON there) and reach the file in 64 KiB writes, so memory
 * does not grow with the file; a piece is held in b whole, so that its
 * bytes can be recorded. A piece whose key is that of the previous build's
 * is copied from the published file: unread (copy_file_range) when that
 * file is the one the pieces were recorded from, else read back and
 * checked against its digest (cache_piece_put_back); only the others are
 * rendered. A write error is kept in failed and passed to the publisher by
 * sink_close, which records it. One sink is one thread's.
 *
 * Bytes already in place are not written again. When the spare tree (the
 * new one, publish.h) holds the file of the build before the previous one,
 * as its list of pieces describes it, alone on its inode
 * (cache_pieces_spare), that file is written in place: a run of bytes or a
 * piece that it holds at the same offset is left as it is, the rest is
 * written over it, it is cut to the new length, then staged for the
 * publisher like a new file (renamed to the staged name). The published
 * file is never written, so a build that is killed or fails leaves it
 * intact; the spare's copy, changed, no longer has the identity its list
 * recorded, and is not trusted again. Else, while the file is, from its
 * start, the published one (cache_pieces_published: pieces at their old
 * offsets, bytes compared), nothing is written; at the first difference
 * the bytes before it are copied, and a file that is the published one to
 * its end is staged as a link to it.
 */
#ifndef CARTO_SINK_H
#define CARTO_SINK_H

#include <stdio.h>

#include "../base/buf.h"
#include "../base/digest.h"
#include "../base/json.h"

struct cache;
struct cache_pieces;
struct publish;

struct sink {
	struct buf b;
	struct json j;
	FILE *f;		/* written through its descriptor only */
	struct publish *p;
	char *rel;		/* owned, for publish_close */
	int items;		/* records written (the writer counts them) */
	int failed;		/* errno of the first write that failed, or 0 */
	long long off;		/* bytes written to f so far */
	int hold;		/* inside a piece: no flush */
	struct cache_pieces *cp;	/* the file's pieces (cache.h), or NULL */
	enum { SINK_NEW, SINK_SPARE, SINK_SAME } mode;	/* written: a new
				 * file; the spare's copy, in place; not yet,
				 * the same as the published one so far */
	int fd;			/* written, or -1 */
	int base_fd;		/* compared with (SINK_SPARE, SINK_SAME) */
	long long base_len;	/* its length */
	const char *published;	/* its path (SINK_SAME) */
	char *staged;		/* where the publisher wants the file */
	struct buf cmp;		/* base_fd's bytes being compared */
	long long written, kept;	/* bytes (cache_pieces_bytes) */
};

/* A piece of a sink's file being written (sink_piece_start). */
struct sink_piece {
	struct digest key;
	size_t start;		/* in the sink's buffer */
	int on;
	int copied;		/* copied unread into the file */
};

/* Opens rel for writing, with its pieces in cache c (NULL: none) and a
 * JSON writer of that style. Returns 0, or -1 (recorded by the publisher;
 * sink_close must still be called). */
int sink_open(struct sink *k, struct publish *p, const char *rel, struct cache *c,
    enum json_style style);
/* Writes b to the file when it holds 64 KiB or more, or force. */
void sink_flush(struct sink *k, int force);
/* Writes the rest, closes and publishes the file. Returns 0 or -1. */
int sink_close(struct sink *k);
/* A piece of k's file: the key to add to, NULL when k has no pieces
 * (nothing to add then). */
struct digest_ctx *sink_piece_key(const struct sink *k);
/* Starts the piece of key (ended here; NULL: no pieces): returns 1 when it
 * was put back, else 0 and the caller renders it, its elements in the
 * innermost array of k's JSON writer when json is set. sink_piece_end ends
 * it either way. */
int sink_piece_start(struct sink *k, struct digest_ctx *key, struct sink_piece *pc, int json);
void sink_piece_end(struct sink *k, const struct sink_piece *pc);

#endif
