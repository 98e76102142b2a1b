/*
 * Files and folders: bounded reads, sorted listings, recursive creation and
 * removal. libc and POSIX only. Every function returns 0 on success and -1 on
 * failure with errno set, unless said otherwise.
 */
#ifndef CARTO_FS_H
#define CARTO_FS_H

#include <stddef.h>

struct buf;

enum fs_kind { FS_OTHER, FS_FILE, FS_DIR, FS_LINK };

struct fs_entry {
	char *name;		/* owned */
	enum fs_kind kind;	/* from lstat: a symbolic link is FS_LINK */
};

/* Reads path into out (appending). Fails with EFBIG past max bytes. */
int fs_read(const char *path, size_t max, struct buf *out);
/* Lists a folder sorted by name (bytewise), without "." and "..". The caller
 * frees with fs_entries_free. */
int fs_list(const char *dir, struct fs_entry **out, size_t *n);
void fs_entries_free(struct fs_entry *v, size_t n);
/* Creates a folder and its parents (mode 0755). */
int fs_mkdirs(const char *path);
/* Writes a whole file (mode 0644), replacing it. */
int fs_write(const char *path, const void *data, size_t len);
/* Renames the file from over the file to, atomically: to is the old file
 * or the new one at every moment, never missing (rename(2)'s promise).
 * The two are exchanged (renameat2 RENAME_EXCHANGE), then from, now the
 * old file, is removed: ext4 flushes a file renamed over another (its
 * auto_da_alloc: 2.6 ms a 4 MB file, in the caller), not one exchanged,
 * whose bytes the kernel writes back in its own time. A plain rename when
 * to is missing or the file system cannot exchange. Returns 0, or -1 with
 * errno set (to is a folder: EISDIR, nothing changed). */
int fs_replace(const char *from, const char *to);
/* Writes len bytes to fd at its offset, all of them (a short write goes
 * on). Returns 0, or -1 with errno set. */
int fs_write_fd(int fd, const void *data, size_t len);
/* The same at offset at of the file (pwrite; the file's offset does not
 * move), or at its offset when at is negative. */
int fs_pwrite_fd(int fd, const void *data, size_t len, long long at);
/* Removes a tree; symbolic links are removed, never followed. Folders owned
 * by the caller are made writable first (a read-only copy of an old output is
 * still removed). Past a file it cannot remove it goes on with the rest, and
 * fails with the first errno. */
int fs_rmtree(const char *path);
/* Returns 1 when path exists (lstat), 0 otherwise. */
int fs_exists(const char *path);
int fs_is_dir(const char *path);
/* Where path leads once every symbolic link on it is followed, for a tree
 * that must not be left (a site): root_real is the tree's realpath. */
enum fs_place {
	FS_INSIDE,	/* inside root_real */
	FS_MISSING,	/* nothing there */
	FS_DANGLING,	/* a symbolic link to nothing */
	FS_OUTSIDE,	/* outside root_real */
	FS_LOOP,	/* links that lead back to themselves (ELOOP) */
	FS_ANCESTOR	/* a link to a folder that contains it: a walk through
			 * it would never end */
};
enum fs_place fs_place(const char *root_real, const char *path);
/* The error for a place that must not be read, NULL for FS_INSIDE and
 * FS_MISSING. Static strings. */
const char *fs_place_problem(enum fs_place p);
/* Waits until the coarse clock the kernel stamps files with has moved past
 * the present (a tick: a few milliseconds; at most 100 ms): a file changed
 * after this returns gets a later mtime and ctime than any it has now, so
 * an identity taken then tells every later change (git's racy case,
 * Documentation/technical/racy-git.txt). Returns the present it waited
 * past (CLOCK_REALTIME, ns). */
long long fs_wait_tick(void);
/* A file's time (st_mtim, st_ctim: seconds and nanoseconds) in nanoseconds
 * since 1970, held at LLONG_MAX after 2262-04-11 and LLONG_MIN before
 * 1677-09-21 (times a user can give a file: touch -d 2300-01-01), where
 * the product would not fit. A time held so is later than any clock
 * reading of these years, so the racy rules (fingerprint.h, snap.h) never
 * trust it. */
struct timespec;
long long fs_time_ns(const struct timespec *t);
/* Joins a and b with one '/'; result in out (reset first). */
void fs_join(struct buf *out, const char *a, const char *b);

#endif
