/*
 * A file streamed through the publisher in pieces (sink.h).
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/fs.h"
#include "../base/mem.h"
#include "cache.h"
#include "publish.h"

static void fail(struct sink *k)
{
	if (!k->failed)
		k->failed = errno ? errno : EIO;
}

/* 1 when the file compared with holds the n bytes at data at k->off. */
static int in_place(struct sink *k, const char *data, size_t n)
{
	if (k->mode == SINK_NEW || k->off + (long long)n > k->base_len)
		return 0;
	buf_reset(&k->cmp);
	buf_grow(&k->cmp, n);
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(k->base_fd, k->cmp.data + got, n - got, (off_t)(k->off + (long long)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return memcmp(k->cmp.data, data, n) == 0;
}

/* The file differs from the published one at k->off: the bytes before it
 * are copied into the new file, which is written from now on. */
static void differ(struct sink *k)
{
	if (k->mode != SINK_SAME)
		return;
	k->mode = SINK_NEW;
	if (!k->failed && cache_pieces_copy(k->cp, 0, k->off, k->fd, 0) < 0)
		fail(k);
	k->written += k->off;
	k->kept -= k->off;
}

void sink_flush(struct sink *k, int force)
{
	if ((k->b.len < 65536 || k->hold) && !force)
		return;
	if (k->b.len && k->f && in_place(k, k->b.data, k->b.len))
		k->kept += (long long)k->b.len;
	else if (k->b.len && k->f) {
		differ(k);
		if (!k->failed && fs_pwrite_fd(k->fd, k->b.data, k->b.len, k->off) < 0)
			fail(k);
		k->written += (long long)k->b.len;
	}
	k->off += (long long)k->b.len;
	buf_reset(&k->b);
}

int sink_open(struct sink *k, struct publish *p, const char *rel, struct cache *c,
    enum json_style style)
{
	struct buf path = BUF_INIT;
	memset(k, 0, sizeof(*k));
	k->b = (struct buf)BUF_INIT;
	k->cmp = (struct buf)BUF_INIT;
	json_init(&k->j, &k->b, style);
	k->p = p;
	k->fd = k->base_fd = -1;
	k->f = publish_prepare(p, rel, &path) == 0 ? publish_open(p, rel) : NULL;
	k->rel = k->f ? xstrdup(rel) : NULL;
	k->staged = k->f ? buf_detach(&path, NULL) : NULL;
	buf_release(&path);
	k->cp = k->f ? cache_pieces_open(c, p, rel) : NULL;
	if (!k->f)
		return -1;
	k->fd = fileno(k->f);
	if ((k->base_fd = cache_pieces_spare(k->cp, &k->base_len)) >= 0) {
		k->mode = SINK_SPARE;
		k->fd = k->base_fd;
	} else if ((k->base_fd = cache_pieces_published(k->cp, &k->published, &k->base_len)) >= 0)
		k->mode = SINK_SAME;
	return 0;
}

struct digest_ctx *sink_piece_key(const struct sink *k)
{
	return k->cp ? cache_piece_key(k->cp) : NULL;
}

/* Copies the previous build's piece pc unread into k's file when it can
 * (cache_piece_find): after the bytes before it, flushed; in JSON, after the
 * comma it needs (a piece that would lose its own is read back instead).
 * A piece already in place (the same bytes at the same offset) is not
 * copied. Returns 1 when copied. */
static int piece_copy(struct sink *k, struct sink_piece *pc, int json)
{
	char first = 0;
	long long from = -1;
	long long n = k->f && !k->failed ? cache_piece_find(k->cp, &pc->key, &first, &from) : -1;
	if (n < 0 || (json && n > 0 && first == ',' && !json_array_has(&k->j)))
		return 0;
	if (json && n > 0)
		json_splice_head(&k->j, first);
	sink_flush(k, 1);
	pc->start = 0;
	int there = k->mode == SINK_SPARE ? cache_piece_in_spare(k->cp, &pc->key, k->off) :
	    k->mode == SINK_SAME && from == k->off;
	if (!there)
		differ(k);
	if (cache_piece_copy(k->cp, &pc->key, there || k->failed ? -1 : k->fd, k->off) < 0)
		fail(k);
	if (there)
		k->kept += n;
	else
		k->written += n;
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

/* Puts the file where the publisher wants it (k->staged), when it was not
 * written there: the spare's copy, cut to its length; a link to the
 * published file it is the same as (else a copy of it, in a new staged
 * file). */
static void stage(struct sink *k)
{
	if (k->failed || k->mode == SINK_NEW)
		return;
	if (k->mode == SINK_SAME) {
		if (k->off == k->base_len && unlink(k->staged) == 0) {
			if (link(k->published, k->staged) == 0)
				return;
			k->fd = open(k->staged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
			if (k->fd < 0) {
				fail(k);
				return;
			}
		}
		differ(k);	/* shorter than the published file, or not linked */
		if (k->fd != fileno(k->f) && close(k->fd) < 0)
			fail(k);
		return;
	}
	struct buf spare = BUF_INIT;
	fs_join(&spare, k->p->tmp, k->rel);
	if ((k->off != k->base_len && ftruncate(k->fd, (off_t)k->off) < 0) ||
	    fs_replace(spare.data, k->staged) < 0)
		fail(k);
	buf_release(&spare);
}

int sink_close(struct sink *k)
{
	sink_flush(k, 1);
	if (k->f)
		stage(k);
	int rc = k->failed ? -1 : 0;
	if (k->f && publish_close_unread(k->p, k->rel, k->f, k->failed) < 0)
		rc = -1;
	cache_pieces_bytes(k->cp, k->written, k->kept);
	cache_pieces_close(k->cp, rc == 0);
	free(k->rel);
	free(k->staged);
	json_free(&k->j);
	buf_release(&k->b);
	buf_release(&k->cmp);
	return rc;
}
