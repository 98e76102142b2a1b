/*
 * External merge sort (see lheo_sort.h). A record is laid out the same in a
 * run and in the spool: the key's length and the data's (two uint32_t in
 * the machine's order, the spool never leaves the process), the key, the
 * data. Start at lheo_sort_add: a full run is sorted (an array of pointers
 * into it; equal keys keep their order by address) and written; at
 * lheo_sort_finish, runs are merged LHEO_SORT_WAYS at a time into longer
 * ones until one merge of the rest and the run still in memory can feed
 * lheo_sort_next, through a binary heap of sources ordered by their current
 * key, then their rank (earlier runs hold earlier records).
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "lheo_sort.h"

#define HEAD 8

struct lheo_sort_src {
	long long off, end;		/* a run in the spool: next byte to read, its end */
	char *buf;			/* its bytes read, [pos, len) not used yet */
	size_t cap, pos, len;
	const char **recs;		/* or the run still in memory */
	size_t i, n;
	const char *cur;		/* the current record, NULL at the end */
	size_t klen, dlen;
};

static void rec_sizes(const char *r, size_t *klen, size_t *dlen)
{
	uint32_t k, d;
	memcpy(&k, r, 4);
	memcpy(&d, r + 4, 4);
	*klen = k;
	*dlen = d;
}

static int key_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

static int rec_le(const char *a, const char *b)
{
	uint32_t ka, kb;
	memcpy(&ka, a, 4);
	memcpy(&kb, b, 4);
	return key_cmp(a + HEAD, ka, b + HEAD, kb) <= 0;
}

/* Sorts the records of a run by key, equal keys in the order added: a
 * merge sort, bottom up, through tmp (n slots); already sorted stretches
 * cost one comparison each. */
static void sort_recs(const char **v, const char **tmp, size_t n)
{
	const char **src = v, **dst = tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			if (mid < hi && rec_le(src[mid - 1], src[mid])) {	/* already in order */
				memcpy(dst + lo, src + lo, (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi)
				dst[k++] = rec_le(src[i], src[j]) ? src[i++] : src[j++];
			memcpy(dst + k, src + i, (mid - i) * sizeof(*src));
			k += mid - i;
			memcpy(dst + k, src + j, (hi - j) * sizeof(*src));
		}
		const char **t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

static void sort_run(struct lheo_sort *s)
{
	const char **tmp = xmalloc((s->n_recs ? s->n_recs : 1) * sizeof(*tmp));
	sort_recs(s->recs, tmp, s->n_recs);
	free(tmp);
}

void lheo_sort_init(struct lheo_sort *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->run_size = LHEO_SORT_RUN;
	s->fd = -1;
	s->last = SIZE_MAX;
}

static int write_all(int fd, const char *p, size_t n, long long off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* The spool: a file of dir, unlinked at once, so that nothing is left
 * behind whatever the exit. */
static int open_spool(struct lheo_sort *s)
{
	if (s->fd >= 0)
		return 0;
	struct buf p = BUF_INIT;
	buf_puts(&p, s->dir);
	buf_puts(&p, "/.lheo-spool-XXXXXX");
	s->fd = mkstemp(p.data);
	if (s->fd >= 0)
		unlink(p.data);
	buf_release(&p);
	return s->fd >= 0 ? 0 : -1;
}

static void add_run(struct lheo_sort *s, long long off, long long len)
{
	s->runs = xgrow(s->runs, &s->cap_runs, s->n_runs + 1, sizeof(*s->runs));
	s->runs[s->n_runs].off = off;
	s->runs[s->n_runs].len = len;
	s->n_runs++;
}

/* Sorts the run in memory and writes it to the spool, through a buffer. */
static int spill(struct lheo_sort *s)
{
	if (!s->n_recs)
		return 0;
	if (open_spool(s) < 0)
		return -1;
	sort_run(s);
	long long start = s->end;
	struct buf w = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < s->n_recs && rc == 0; i++) {
		size_t k, d;
		rec_sizes(s->recs[i], &k, &d);
		buf_add(&w, s->recs[i], HEAD + k + d);
		if (w.len >= LHEO_SORT_READ || i + 1 == s->n_recs) {
			rc = write_all(s->fd, w.data, w.len, s->end);
			s->end += (long long)w.len;
			buf_reset(&w);
		}
	}
	buf_release(&w);
	add_run(s, start, s->end - start);
	s->n_recs = 0;
	s->run_len = 0;
	return rc;
}

/* A record larger than a run goes to the spool at once, a run of its own,
 * written from its parts: it is never copied in memory. */
static int add_alone(struct lheo_sort *s, const char *key, size_t key_len, const void *head,
    size_t head_len, const void *tail, size_t tail_len)
{
	char h[HEAD];
	uint32_t k = (uint32_t)key_len, d = (uint32_t)(head_len + tail_len);
	if (spill(s) < 0 || open_spool(s) < 0)
		return -1;
	long long start = s->end;
	memcpy(h, &k, 4);
	memcpy(h + 4, &d, 4);
	if (write_all(s->fd, h, HEAD, s->end) < 0 || write_all(s->fd, key, key_len, s->end + HEAD) < 0 ||
	    write_all(s->fd, head, head_len, s->end + HEAD + (long long)key_len) < 0 ||
	    write_all(s->fd, tail, tail_len, s->end + HEAD + (long long)(key_len + head_len)) < 0)
		return -1;
	s->end += HEAD + (long long)(key_len + head_len + tail_len);
	add_run(s, start, s->end - start);
	return 0;
}

int lheo_sort_add2(struct lheo_sort *s, const char *key, size_t key_len, const void *head,
    size_t head_len, const void *tail, size_t tail_len)
{
	size_t data_len = head_len + tail_len, n = HEAD + key_len + data_len;
	if (key_len > UINT32_MAX || data_len > UINT32_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (n > s->run_size)
		return add_alone(s, key, key_len, head, head_len, tail, tail_len);
	if (!s->run) {
		s->run_cap = s->run_size;
		s->run = xmalloc(s->run_cap);
	}
	if (s->run_len + n + (s->n_recs + 1) * sizeof(*s->recs) > s->run_cap && s->n_recs &&
	    spill(s) < 0)
		return -1;
	char *r = s->run + s->run_len;
	uint32_t k = (uint32_t)key_len, d = (uint32_t)data_len;
	memcpy(r, &k, 4);
	memcpy(r + 4, &d, 4);
	memcpy(r + HEAD, key, key_len);
	if (head_len)
		memcpy(r + HEAD + key_len, head, head_len);
	if (tail_len)
		memcpy(r + HEAD + key_len + head_len, tail, tail_len);
	s->run_len += n;
	s->recs = xgrow(s->recs, &s->cap_recs, s->n_recs + 1, sizeof(*s->recs));
	s->recs[s->n_recs++] = r;
	return 0;
}

int lheo_sort_add(struct lheo_sort *s, const char *key, size_t key_len, const void *data,
    size_t data_len)
{
	return lheo_sort_add2(s, key, key_len, data, data_len, NULL, 0);
}

/* ---- merging ---- */

/* At least n bytes of the source's run in its buffer from pos. */
static int src_fill(int fd, struct lheo_sort_src *c, size_t n)
{
	if (c->len - c->pos >= n)
		return 0;
	memmove(c->buf, c->buf + c->pos, c->len - c->pos);
	c->len -= c->pos;
	c->pos = 0;
	if (n > c->cap) {
		c->cap = n;
		c->buf = xrealloc(c->buf, n);
	}
	while (c->len < n) {
		size_t want = c->cap - c->len;
		if ((long long)want > c->end - c->off)
			want = (size_t)(c->end - c->off);
		if (!want) {
			errno = EIO;	/* the run ends inside a record */
			return -1;
		}
		ssize_t got = pread(fd, c->buf + c->len, want, (off_t)c->off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			return -1;
		}
		c->len += (size_t)got;
		c->off += got;
	}
	return 0;
}

/* Moves the source to its next record (cur NULL at the end). */
static int src_next(int fd, struct lheo_sort_src *c)
{
	c->cur = NULL;
	if (c->recs) {
		if (c->i < c->n)
			c->cur = c->recs[c->i++];
	} else if (c->off < c->end || c->pos < c->len) {
		if (src_fill(fd, c, HEAD) < 0)
			return -1;
		rec_sizes(c->buf + c->pos, &c->klen, &c->dlen);
		if (src_fill(fd, c, HEAD + c->klen + c->dlen) < 0)
			return -1;
		c->cur = c->buf + c->pos;
		c->pos += HEAD + c->klen + c->dlen;
	}
	if (c->cur)
		rec_sizes(c->cur, &c->klen, &c->dlen);
	return 0;
}

static int src_less(const struct lheo_sort *s, size_t a, size_t b)
{
	const struct lheo_sort_src *x = &s->src[a], *y = &s->src[b];
	int c = key_cmp(x->cur + HEAD, x->klen, y->cur + HEAD, y->klen);
	return c ? c < 0 : a < b;
}

static void heap_down(struct lheo_sort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->n_heap && src_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->n_heap && src_less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		size_t t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

static void close_sources(struct lheo_sort *s)
{
	for (size_t i = 0; i < s->n_src; i++)
		free(s->src[i].buf);
	free(s->src);
	free(s->heap);
	s->src = NULL;
	s->heap = NULL;
	s->n_src = s->n_heap = 0;
}

/* Opens runs [first, first + n) and, with mem, the run in memory, as the
 * sources of one merge. */
static int open_sources(struct lheo_sort *s, size_t first, size_t n, int mem)
{
	s->n_src = n + (mem != 0);
	s->src = xcalloc(s->n_src ? s->n_src : 1, sizeof(*s->src));
	s->heap = xcalloc(s->n_src ? s->n_src : 1, sizeof(*s->heap));
	s->n_heap = 0;
	for (size_t i = 0; i < s->n_src; i++) {
		struct lheo_sort_src *c = &s->src[i];
		if (i < n) {
			c->off = s->runs[first + i].off;
			c->end = c->off + s->runs[first + i].len;
			c->cap = LHEO_SORT_READ;
			c->buf = xmalloc(c->cap);
		} else {
			c->recs = s->recs;
			c->n = s->n_recs;
		}
		if (src_next(s->fd, c) < 0)
			return -1;
		if (c->cur)
			s->heap[s->n_heap++] = i;
	}
	for (size_t i = s->n_heap / 2; i-- > 0;)
		heap_down(s, i);
	return 0;
}

/* The smallest current record of the merge, its source advanced after the
 * next call: pops into *r; 0 when the merge is over. */
static int merge_pop(struct lheo_sort *s, struct lheo_sort_rec *r, size_t *last)
{
	if (*last != SIZE_MAX) {
		struct lheo_sort_src *c = &s->src[*last];
		if (src_next(s->fd, c) < 0)
			return -1;
		if (!c->cur)
			s->heap[0] = s->heap[--s->n_heap];
		if (s->n_heap)
			heap_down(s, 0);
		*last = SIZE_MAX;
	}
	if (!s->n_heap)
		return 0;
	const struct lheo_sort_src *c = &s->src[s->heap[0]];
	*last = s->heap[0];
	r->key = c->cur + HEAD;
	r->key_len = c->klen;
	r->data = c->cur + HEAD + c->klen;
	r->data_len = c->dlen;
	return 1;
}

/* Merges the first LHEO_SORT_WAYS runs into one, at their place. */
static int merge_front(struct lheo_sort *s)
{
	size_t last = SIZE_MAX, n = LHEO_SORT_WAYS;
	long long start = s->end;
	struct buf w = BUF_INIT;
	struct lheo_sort_rec r;
	int got, rc = open_sources(s, 0, n, 0);
	while (rc == 0 && (got = merge_pop(s, &r, &last)) != 0) {
		if (got < 0)
			rc = -1;
		else
			buf_add(&w, r.key - HEAD, HEAD + r.key_len + r.data_len);
		if (rc == 0 && w.len >= LHEO_SORT_READ) {
			rc = write_all(s->fd, w.data, w.len, s->end);
			s->end += (long long)w.len;
			buf_reset(&w);
		}
	}
	if (rc == 0 && w.len) {
		rc = write_all(s->fd, w.data, w.len, s->end);
		s->end += (long long)w.len;
	}
	buf_release(&w);
	close_sources(s);
	if (rc < 0)
		return -1;
	s->runs[0].off = start;
	s->runs[0].len = s->end - start;
	memmove(s->runs + 1, s->runs + n, (s->n_runs - n) * sizeof(*s->runs));
	s->n_runs -= n - 1;
	return 0;
}

int lheo_sort_finish(struct lheo_sort *s)
{
	s->last = SIZE_MAX;
	sort_run(s);
	while (s->n_runs + 1 > LHEO_SORT_WAYS)
		if (merge_front(s) < 0)
			return -1;
	return open_sources(s, 0, s->n_runs, 1);
}

int lheo_sort_next(struct lheo_sort *s, struct lheo_sort_rec *r)
{
	return merge_pop(s, r, &s->last);
}

void lheo_sort_free(struct lheo_sort *s)
{
	close_sources(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s->run);
	free(s->recs);
	free(s->runs);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
