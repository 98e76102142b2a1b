/*
 * A file's bytes to read, without copying them: a file of FS_VIEW_MAP_MIN
 * bytes or more is mapped read only (its pages are the page cache's, never
 * zeroed nor copied into memory of the process's own: reading the 5 to 17
 * MB files of a build cache into fresh memory cost more than parsing them
 * on a virtual machine that backs each fresh page on first touch), a
 * smaller one is read. Either way the byte after the last reads as 0.
 *
 * Only for files that nobody truncates in place: carto replaces its cache
 * files whole (a new file renamed over the old one), which leaves the
 * mapped one intact. Another program that cuts a mapped file short would
 * make a read past the new end raise SIGBUS; the handler installed here
 * maps zero pages over the whole view, notes it cut (fs_view_cut,
 * fs_views_cut) and lets the read go on: a caller that checked a digest
 * sees a mismatch, and a build that already trusted the bytes checks
 * fs_views_cut before publishing and stops. Up to FS_VIEW_WATCHED views
 * are watched at once; past that, a file is read instead of mapped.
 *
 * libc and POSIX (mmap) only; base/ may include it. Thread-safe: views
 * are opened and closed from any thread.
 */
#ifndef CARTO_FSVIEW_H
#define CARTO_FSVIEW_H

#include <stddef.h>

struct stat;

#define FS_VIEW_MAP_MIN ((size_t)64 << 10)
#define FS_VIEW_WATCHED 64

struct fs_view {
	const char *data;	/* len bytes then a 0 byte, read only */
	size_t len;
	void *map;		/* the mapping, map_len bytes, or NULL */
	size_t map_len;
	char *own;		/* a small file's bytes (malloc), or NULL */
	int slot;		/* among the watched, or -1 */
};

#define FS_VIEW_INIT { "", 0, NULL, 0, NULL, -1 }

/* Views the regular file at path (following links), noted for the build's
 * fingerprint as fs_read notes it (base/fsrec.h). populate: fault every
 * page in at once (a file read whole anyway). *st, when st is not NULL,
 * is the file's as opened. Returns 0, or -1 with errno set (EFBIG past max
 * bytes, EISDIR for a folder); v is then empty, as FS_VIEW_INIT. */
int fs_view_open(const char *path, size_t max, int populate, struct fs_view *v, struct stat *st);
/* 1 when another program cut v's file short while it was mapped: its
 * bytes now read as 0s. */
int fs_view_cut(const struct fs_view *v);
/* How many views were cut short since the process started. */
unsigned fs_views_cut(void);
/* Lets the bytes go; v is then empty. Safe on an empty view. */
void fs_view_close(struct fs_view *v);

#endif
