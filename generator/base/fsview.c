/*
 * Files viewed without copying (fsview.h): mmap for the large ones, a read
 * for the small, and the SIGBUS handler that turns a mapped file cut short
 * by another program into zeros and a note instead of a crash.
 */
#define _GNU_SOURCE
#include "fsview.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsrec.h"
#include "mem.h"

/* ---- the watched mappings ----
 *
 * A slot is free (base 0), being filled (base 1: its len is not yet
 * there) or holds a live mapping. The handler, for an address inside a
 * live one, maps anonymous zero pages over the whole of it, notes the cut
 * and returns, so that the faulting read is done again on the zeros. For
 * any other address it puts back the handler it replaced and returns: the
 * fault comes again and does what it did before. mmap is not on POSIX's
 * list of functions safe in a handler, but on Linux it is a plain system
 * call. */
static struct watched {
	_Atomic(uintptr_t) base;
	_Atomic(size_t) len;
	volatile sig_atomic_t cut;
} watched[FS_VIEW_WATCHED];
static atomic_uint n_cut;
static struct sigaction before_bus;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	uintptr_t at = (uintptr_t)si->si_addr;
	for (size_t i = 0; i < FS_VIEW_WATCHED; i++) {
		uintptr_t base = atomic_load(&watched[i].base);
		size_t len = atomic_load(&watched[i].len);
		if (base > 1 && at >= base && at - base < len) {
			if (mmap((void *)base, len, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
			    MAP_FAILED)
				break;
			if (!watched[i].cut)
				atomic_fetch_add(&n_cut, 1);
			watched[i].cut = 1;
			return;
		}
	}
	sigaction(SIGBUS, &before_bus, NULL);
}

static void watch_bus(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &before_bus);
}

/* A free slot for a mapping of len bytes, filled when the mapping is
 * there (map_large stores its address); -1 when every one is taken. */
static int watch_take(size_t len)
{
	pthread_once(&bus_once, watch_bus);
	for (int i = 0; i < FS_VIEW_WATCHED; i++) {
		uintptr_t none = 0;
		if (atomic_compare_exchange_strong(&watched[i].base, &none, (uintptr_t)1)) {
			atomic_store(&watched[i].len, len);
			watched[i].cut = 0;
			return i;
		}
	}
	return -1;
}

/* ---- opening and closing ---- */

/* Reads the n bytes of fd into v, a 0 after them. */
static int read_small(int fd, size_t n, struct fs_view *v)
{
	char *b = xmalloc(n + 1);
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {	/* cut short meanwhile: as much as there is */
			if (r < 0) {
				int e = errno;
				free(b);
				errno = e;
				return -1;
			}
			break;
		}
		got += (size_t)r;
	}
	b[got] = '\0';
	v->own = b;
	v->data = b;
	v->len = got;
	return 0;
}

/* Maps the n bytes of fd into v. The byte after the last must read as
 * 0: it does in the last page's rest past the end of the file; when the
 * size is a multiple of the page, one anonymous page is reserved after
 * the file's (its zeros are the kernel's shared zero page). */
static int map_large(int fd, size_t n, int populate, struct fs_view *v)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = n % page ? n : n + page;
	int slot = watch_take(len);
	if (slot < 0)
		return read_small(fd, n, v);
	int flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0);
	char *m;
	if (len == n)
		m = mmap(NULL, n, PROT_READ, flags, fd, 0);
	else if ((m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) !=
	    MAP_FAILED && mmap(m, n, PROT_READ, flags | MAP_FIXED, fd, 0) == MAP_FAILED) {
		int e = errno;
		munmap(m, len);
		errno = e;
		m = MAP_FAILED;
	}
	if (m == MAP_FAILED) {
		atomic_store(&watched[slot].base, 0);
		return -1;
	}
	atomic_store(&watched[slot].base, (uintptr_t)m);
	*v = (struct fs_view){ .data = m, .len = n, .map = m, .map_len = len, .own = NULL, .slot = slot };
	return 0;
}

int fs_view_open(const char *path, size_t max, int populate, struct fs_view *v, struct stat *stp)
{
	*v = (struct fs_view)FS_VIEW_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fsrec_note(path, FSREC_FOLLOW, NULL, errno);
		return -1;
	}
	struct stat st;
	int bad = fstat(fd, &st) < 0, e = errno;
	fsrec_note(path, FSREC_FOLLOW, bad ? NULL : &st, e);
	if (!bad && !S_ISREG(st.st_mode))
		bad = 1, e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	else if (!bad && (uintmax_t)st.st_size > max)
		bad = 1, e = EFBIG;
	if (bad) {
		close(fd);
		errno = e;
		return -1;
	}
	size_t n = (size_t)st.st_size;
	int rc = n < FS_VIEW_MAP_MIN ? read_small(fd, n, v) : map_large(fd, n, populate, v);
	e = errno;
	close(fd);
	if (rc < 0) {
		*v = (struct fs_view)FS_VIEW_INIT;
		errno = e;
		return -1;
	}
	if (stp)
		*stp = st;
	return 0;
}

int fs_view_cut(const struct fs_view *v)
{
	return v && v->slot >= 0 && watched[v->slot].cut;
}

unsigned fs_views_cut(void)
{
	return atomic_load(&n_cut);
}

void fs_view_close(struct fs_view *v)
{
	if (v->map) {
		if (v->slot >= 0)	/* no longer ours to zero: let it go first */
			atomic_store(&watched[v->slot].base, (uintptr_t)1);
		munmap(v->map, v->map_len);
		if (v->slot >= 0)
			atomic_store(&watched[v->slot].base, 0);
	}
	free(v->own);
	*v = (struct fs_view)FS_VIEW_INIT;
}
