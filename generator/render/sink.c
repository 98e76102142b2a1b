/*
 * A file streamed through the publisher in pieces (sink.h).
 */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fs.h"
#include "../base/mem.h"
#include "cache.h"
#include "publish.h"

void sink_flush(struct sink *k, int force)
{
	if ((k->b.len < 65536 || k->hold) && !force)
		return;
	/* Straight to the descriptor, past the stream's buffer, so that
	 * sink_piece_start's copies land after these bytes. */
	if (k->f && !k->failed && fs_write_fd(fileno(k->f), k->b.data, k->b.len) < 0)
		k->failed = errno ? errno : EIO;
	k->off += (long long)k->b.len;
	buf_reset(&k->b);
}

int sink_open(struct sink *k, struct publish *p, const char *rel, struct cache *c,
    enum json_style style)
{
	memset(k, 0, sizeof(*k));
	k->b = (struct buf)BUF_INIT;
	json_init(&k->j, &k->b, style);
	k->p = p;
	k->f = publish_open(p, rel);
	k->rel = k->f ? xstrdup(rel) : NULL;
	k->cp = k->f ? cache_pieces_open(c, p, rel) : NULL;
	return k->f ? 0 : -1;
}

struct digest_ctx *sink_piece_key(const struct sink *k)
{
	return k->cp ? cache_piece_key(k->cp) : NULL;
}

/* Copies the previous build's piece pc unread into k's file when it can
 * (cache_piece_find): after the bytes before it, flushed; in JSON, after the
 * comma it needs (a piece that would lose its own is read back instead).
 * Returns 1 when copied. */
static int piece_copy(struct sink *k, struct sink_piece *pc, int json)
{
	char first = 0;
	long long n = k->f && !k->failed ? cache_piece_find(k->cp, &pc->key, &first) : -1;
	if (n < 0 || (json && n > 0 && first == ',' && !json_array_has(&k->j)))
		return 0;
	if (json && n > 0)
		json_splice_head(&k->j, first);
	sink_flush(k, 1);
	pc->start = 0;
	if (cache_piece_copy(k->cp, &pc->key, fileno(k->f), k->off) < 0)
		k->failed = errno ? errno : EIO;
	k->off += n;
	if (n > 0)
		k->items++;	/* the next record follows one */
	pc->copied = 1;
	return 1;
}

int sink_piece_start(struct sink *k, struct digest_ctx *key, struct sink_piece *pc, int json)
{
	pc->on = key != NULL;
	pc->copied = 0;
	if (!key)
		return 0;
	pc->key = digest_end(key);
	if (piece_copy(k, pc, json))
		return 1;
	pc->start = k->b.len;
	k->hold = 1;
	if (!cache_piece_put_back(k->cp, &pc->key, &k->b, json ? &k->j : NULL))
		return 0;
	if (k->b.len > pc->start)
		k->items++;	/* the next record follows one */
	return 1;
}

void sink_piece_end(struct sink *k, const struct sink_piece *pc)
{
	if (!pc->on || pc->copied)
		return;
	cache_piece_record(k->cp, &pc->key, k->b.data + pc->start, k->b.len - pc->start,
	    k->off + (long long)pc->start);
	k->hold = 0;
	sink_flush(k, 0);
}

int sink_close(struct sink *k)
{
	sink_flush(k, 1);
	int rc = k->failed ? -1 : 0;
	if (k->f && publish_close(k->p, k->rel, k->f, k->failed) < 0)
		rc = -1;
	cache_pieces_close(k->cp, rc == 0);
	free(k->rel);
	json_free(&k->j);
	buf_release(&k->b);
	return rc;
}

