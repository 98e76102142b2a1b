/*
 * A file assembled from bytes and runs of a published file (assemble.h).
 */
#include "assemble.h"

#include <errno.h>

#include "../base/fs.h"
#include "cache.h"

#define WRITE_AT (1u << 20)

static void fail(struct assemble *a)
{
	if (!a->failed)
		a->failed = errno ? errno : EIO;
}

static void flush(struct assemble *a)
{
	if (a->b.len && !a->failed && a->fd >= 0 &&
	    fs_pwrite_fd(a->fd, a->b.data, a->b.len, a->off - (long long)a->b.len) < 0)
		fail(a);
	buf_reset(&a->b);
}

void assemble_start(struct assemble *a, int fd, struct cache_pieces *cp)
{
	*a = (struct assemble){ fd, 0, BUF_INIT, cp, 0 };
}

void assemble_put(struct assemble *a, const void *data, size_t n)
{
	buf_add(&a->b, data, n);
	a->off += (long long)n;
	if (a->b.len >= WRITE_AT)
		flush(a);
}

void assemble_copy(struct assemble *a, long long from, long long n)
{
	flush(a);
	if (!a->failed && a->fd >= 0 && cache_pieces_copy(a->cp, from, n, a->fd, a->off) < 0)
		fail(a);
	a->off += n;
}

int assemble_end(struct assemble *a)
{
	flush(a);
	buf_release(&a->b);
	return a->failed;
}
