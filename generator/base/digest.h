/*
 * Digests of bytes for the build cache: XXH3 with 128 bits (libxxhash, the
 * only user), fast enough to hash every input and output of a build on
 * each rebuild, wide enough that two different inputs never meet in
 * practice (it is not a defence against someone crafting collisions: the
 * site's author controls every input anyway). A digest_ctx accumulates
 * values in order, each framed (length first), so that ("ab", "c") and
 * ("a", "bc") differ. Allocation failures abort, as xmalloc does.
 */
#ifndef CARTO_DIGEST_H
#define CARTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct digest {
	uint64_t lo, hi;
};

struct digest_ctx;

/* The digest of len bytes at data. */
struct digest digest_bytes(const void *data, size_t len);
/* The digest of the file at path into *out, and its size into *size when
 * not NULL. Returns 0, or -1 with errno set. */
int digest_file(const char *path, struct digest *out, long long *size);
int digest_eq(const struct digest *a, const struct digest *b);
/* Writes d as 32 lowercase hex digits and a NUL into hex[33]. */
void digest_hex(const struct digest *d, char hex[33]);
/* Reads 32 hex digits at s into *d; returns 0, or -1 when they are not. */
int digest_parse(const char *s, struct digest *d);

/* A new accumulation; digest_end returns its result and frees it. */
struct digest_ctx *digest_new(void);
void digest_add(struct digest_ctx *c, const void *data, size_t len);
/* s may be NULL, which differs from "". */
void digest_str(struct digest_ctx *c, const char *s);
void digest_num(struct digest_ctx *c, long long v);
void digest_fold(struct digest_ctx *c, const struct digest *d);
struct digest digest_end(struct digest_ctx *c);

/* The same framing into a buffer, to be hashed at once (digest_bytes, or
 * digest_add): cheaper than many small digest_add for long lists. */
struct buf;
void digest_buf_num(struct buf *b, long long v);
void digest_buf_str(struct buf *b, const char *s);

#endif
