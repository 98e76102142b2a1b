/*
 * What a build read, by identity: while the recorder is on (fsrec_start to
 * fsrec_stop), every file and folder that fs.c and digest.c read or look at
 * (fs_read, digest_file, fs_list, fs_exists, fs_is_dir, fs_place) is noted
 * once, with its identity on disk as git's index keeps it: device, inode,
 * size, mode, modification and change times in nanoseconds, or the errno
 * that looking at it gave (a file missing is an input too: one that appears
 * changes the build). A file read is noted by what it resolves to (stat,
 * or fstat of what was opened), a path looked at by lstat by how fs_exists
 * sees it, a place by fs_place's answer. A second look that finds another
 * identity marks the record changed: an input changed while the build read
 * it. Paths that are not inputs are skipped: those starting with one of
 * the prefixes given to fsrec_start (the build's own output and cache) and
 * the kernel's (/proc/, /sys/, /dev/). One recorder a process (a build is
 * one a process), thread-safe: the loader's workers note files side by
 * side. Used by the fingerprint of a build (generator/fingerprint.c).
 */
#ifndef CARTO_FSREC_H
#define CARTO_FSREC_H

#include <stddef.h>

struct stat;

/* How a path was looked at: its target (stat, open), itself (lstat), or
 * where it leads (fs_place). */
enum fsrec_kind { FSREC_FOLLOW = 'f', FSREC_LSTAT = 'l', FSREC_PLACE = 'p' };

struct fsrec_id {
	int err;			/* errno of the look, 0 when found */
	unsigned long long dev, ino;
	long long size, mtime, ctime;	/* times in nanoseconds */
	unsigned mode;
	int place;			/* FSREC_PLACE: fs_place's answer */
};

struct fsrec_entry {
	char kind;			/* enum fsrec_kind */
	char *root;			/* FSREC_PLACE: the tree's realpath, else "" */
	char *path;			/* as the build named it */
	struct fsrec_id id;
};

/* Starts noting; paths that start with one of skip[0..n) are not, nor, for
 * one that ends with '/', the folder itself (the strings are copied; none
 * is empty). */
void fsrec_start(const char *const *skip, size_t n);
/* Stops and returns the notes sorted by kind, root and path (*n of them,
 * the caller frees with fsrec_free); *changed is 1 when a path was seen
 * with two identities. */
struct fsrec_entry *fsrec_stop(size_t *n, int *changed);
void fsrec_free(struct fsrec_entry *v, size_t n);
/* 1 while on: the hooks below cost nothing otherwise. */
int fsrec_on(void);

/* The hooks. st is what stat, lstat or fstat said, or NULL with err its
 * errno. */
void fsrec_note(const char *path, enum fsrec_kind kind, const struct stat *st, int err);
void fsrec_note_place(const char *root, const char *path, int place);
/* Makes room for n more notes (the load's 9,000 files known by identity,
 * noted in a row): the table is not grown and hashed again on the way. */
void fsrec_reserve(size_t n);

/* The identity of path now, looked at as kind says (FSREC_PLACE calls
 * fs_place with root). */
struct fsrec_id fsrec_id_of(enum fsrec_kind kind, const char *root, const char *path);
/* The identity st gives (err 0). */
struct fsrec_id fsrec_id_stat(const struct stat *st);
int fsrec_id_eq(const struct fsrec_id *a, const struct fsrec_id *b);

#endif
