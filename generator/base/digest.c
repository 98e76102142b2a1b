/*
 * XXH3-128 through libxxhash's streaming state. Start at digest_new.
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "fsrec.h"

/* Small additions (numbers, names: most of a document key's) gather in
 * pending and reach libxxhash a few hundred bytes at a time: its update
 * costs about 130 instructions a call whatever the length, and a rebuild
 * after one organisation changed made 700,000 of them (10,000
 * organisations, callgrind). The stream hashed is the same bytes in the
 * same order, so the digest is the same. */
#define PENDING 512

struct digest_ctx {
	XXH3_state_t *st;
	size_t n;	/* bytes in pending */
	unsigned char pending[PENDING];
};

static void flush(struct digest_ctx *c)
{
	if (c->n)
		XXH3_128bits_update(c->st, c->pending, c->n);
	c->n = 0;
}

static struct digest from_xxh(XXH128_hash_t h)
{
	struct digest d = { h.low64, h.high64 };
	return d;
}

struct digest digest_bytes(const void *data, size_t len)
{
	return from_xxh(XXH3_128bits(data, len));
}

struct digest_ctx *digest_new(void)
{
	struct digest_ctx *c = malloc(sizeof(*c));
	if (!c || !(c->st = XXH3_createState()) || XXH3_128bits_reset(c->st) != XXH_OK) {
		fputs("carto: out of memory\n", stderr);
		abort();
	}
	c->n = 0;
	return c;
}

void digest_add(struct digest_ctx *c, const void *data, size_t len)
{
	if (c->n + len > PENDING)
		flush(c);
	if (len >= PENDING) {
		XXH3_128bits_update(c->st, data, len);
		return;
	}
	if (len)
		memcpy(c->pending + c->n, data, len);
	c->n += len;
}

static void num_bytes(unsigned char b[8], long long v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((unsigned long long)v >> (8 * i));
}

void digest_num(struct digest_ctx *c, long long v)
{
	unsigned char b[8];
	num_bytes(b, v);
	digest_add(c, b, sizeof(b));
}

void digest_str(struct digest_ctx *c, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	digest_num(c, s ? (long long)n : -1);
	if (s)
		digest_add(c, s, n);
}

void digest_buf_num(struct buf *b, long long v)
{
	unsigned char e[8];
	num_bytes(e, v);
	buf_add(b, e, sizeof(e));
}

void digest_buf_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	digest_buf_num(b, s ? (long long)n : -1);
	if (s)
		buf_add(b, s, n);
}

void digest_fold(struct digest_ctx *c, const struct digest *d)
{
	digest_num(c, (long long)d->lo);
	digest_num(c, (long long)d->hi);
}

struct digest digest_end(struct digest_ctx *c)
{
	flush(c);
	struct digest d = from_xxh(XXH3_128bits_digest(c->st));
	XXH3_freeState(c->st);
	free(c);
	return d;
}

int digest_file(const char *path, struct digest *out, long long *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fsrec_note(path, FSREC_FOLLOW, NULL, errno);
		return -1;
	}
	if (fsrec_on()) {
		struct stat st;
		int bad = fstat(fd, &st) < 0;
		fsrec_note(path, FSREC_FOLLOW, bad ? NULL : &st, errno);
	}
	struct digest_ctx *c = digest_new();
	static const size_t chunk = 1 << 16;
	char *b = malloc(chunk);
	long long total = 0;
	ssize_t n = -1;
	while (b && ((n = read(fd, b, chunk)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0) {
			digest_add(c, b, (size_t)n);
			total += n;
		}
	int err = !b ? ENOMEM : n < 0 ? errno : 0;
	free(b);
	close(fd);
	struct digest d = digest_end(c);
	if (err) {
		errno = err;
		return -1;
	}
	*out = d;
	if (size)
		*size = total;
	return 0;
}

int digest_eq(const struct digest *a, const struct digest *b)
{
	return a->lo == b->lo && a->hi == b->hi;
}

void digest_hex(const struct digest *d, char hex[33])
{
	/* By hand: snprintf was a fifth of the cache index's writing. */
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		hex[i] = digits[(d->hi >> (60 - 4 * i)) & 15];
		hex[16 + i] = digits[(d->lo >> (60 - 4 * i)) & 15];
	}
	hex[32] = '\0';
}

/* The value of each lowercase hex digit, 16 for any other byte. */
static const unsigned char hex_value[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* Reads 16 hex digits at s into *v (by table: the cache's index holds
 * 65,000 digests, each read at every build). */
static int hex64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	for (int i = 0; i < 16; i++) {
		unsigned h = hex_value[(unsigned char)s[i]];	/* digit + 1, or 0 */
		if (!h)
			return -1;	/* never past the end of a shorter string */
		x = x << 4 | (uint64_t)(h - 1);
	}
	*v = x;
	return 0;
}

int digest_parse(const char *s, struct digest *d)
{
	return hex64(s, &d->hi) < 0 || hex64(s + 16, &d->lo) < 0 ? -1 : 0;
}
