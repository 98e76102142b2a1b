/*
 * Atomic publication of a build that writes only what changed. Two trees
 * alternate: --out (published) and its spare .<out>.spare (the site before,
 * never published). A build takes the spare (renamed .<out>.tmp.<pid>, so
 * two builds never share it), brings it up to date in place, and swaps it
 * with --out only when the whole build succeeded; the previous site becomes
 * the next spare. In the spare, a file whose bytes are those of the
 * published one becomes a hard link to it (same inode, same mtime: rsync
 * sends only real changes); other files are rewritten only when their bytes
 * differ, always as a new inode (a file shared with --out is never written
 * into); files and folders the build did not produce are removed. A build
 * that fails or is killed leaves --out exactly as it was. Paths given to
 * publish_path are checked to stay inside the folder.
 *
 * The publisher keeps a manifest: every file written through it, with its
 * size, so that a backend can link another's files with their sizes
 * (publish_size) without reading the disk; this is why build.c runs HTML
 * last. A write that fails is recorded as an error diagnostic on the file's
 * path with the reason, in the thread that failed; build.c collects them
 * with publish_take_diags. Warnings (what cannot be removed) are
 * diagnostics too, never printed here. Every function here is thread-safe.
 */
#ifndef CARTO_PUBLISH_H
#define CARTO_PUBLISH_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "../base/digest.h"

struct buf;
struct diags;
struct publish_files;

struct publish {
	char *out;		/* the published folder */
	char *tmp;		/* the folder being written */
	char *spare;		/* .<out>.spare */
	struct publish_files *files;	/* manifest and failures, behind a lock */
	int no_exchange;	/* set by the caller: use the fallback (tests) */
	int jobs;		/* set by the caller: workers of publish_commit */
	int relinked;		/* set by publish_commit: the published files
				 * were linked after the build wrote them, so
				 * their ctimes changed (cache_restat) */
};

/* Puts back the previous site a killed build left aside (when out is
 * missing) and removes what earlier builds left beside out, with a warning
 * in d for what cannot be removed or put back. Called first by a build,
 * before anything can fail, and once: publish_begin relies on it. */
void publish_recover(const char *out, struct diags *d);
/* Takes the spare (or makes a fresh folder when there is none) beside out
 * (publish_recover has removed the leftovers of earlier builds), and makes
 * an empty manifest. Returns 0, or -1 with errno set. publish_free releases
 * p either way. */
int publish_begin(struct publish *p, const char *out);
/* Puts data at rel inside the new folder (written only when its bytes
 * changed), creating folders, and records it. rel must be relative, without "." or ".." segments: anything else is
 * refused (-1, EINVAL); that is a bug in a caller, since ids are validated
 * slugs. Returns 0, or -1 with the failure recorded. */
int publish_write(struct publish *p, const char *rel, const void *data, size_t len);
/* Opens rel for writing (same checks as publish_write); NULL on failure,
 * recorded. Close it with publish_close. */
FILE *publish_open(struct publish *p, const char *rel);
/* Closes f, opened by publish_open for rel, and records its size.
 * write_err is the errno of an earlier write to f that failed, or 0 (a
 * stream's error flag keeps no reason). Returns 0, or -1 (a write or the
 * close failed; recorded). */
int publish_close(struct publish *p, const char *rel, FILE *f, int write_err);
/* As publish_close, for a file whose bytes are not read back for a capture
 * (below): the capture records its identity with the digest PUBLISH_UNREAD,
 * so the cache trusts it by identity alone (publish_reuse renders it again
 * when that changed). For the files assembled from pieces (sink.c), whose
 * bytes are mostly copied by the kernel and never in memory: reading back
 * the hundreds of MB of the open data to hash them cost more than the
 * rest of the extracts. */
int publish_close_unread(struct publish *p, const char *rel, FILE *f, int write_err);
/* For libraries that open files themselves: puts into path (reset first)
 * the full path of a new file for rel, and creates its folders. Same checks
 * as publish_write; returns 0, or -1 with the failure recorded. Once the
 * library has closed the file, publish_done records it. */
int publish_prepare(struct publish *p, const char *rel, struct buf *path);
/* Puts the file a library wrote after publish_prepare at rel (it replaces
 * the one there only when the bytes differ) and records it. Returns 0, or
 * -1 when the file is not there or cannot be put in place (recorded). */
int publish_done(struct publish *p, const char *rel);
/* Returns the size in bytes of rel as written so far in this build, or -1
 * when nothing was written there. A capture (below) records it as a page
 * shows it (publish_shown): a document that printed a file's size is
 * reused while that size shows the same. */
long long publish_size(struct publish *p, const char *rel);
/* The size of a file as a page shows it (html_page.h's html_file_size:
 * "812 octets", "35 Ko", "1.2 Mo", or nothing for -1), as a number: two
 * sizes give the same number exactly when they show the same. */
long long publish_shown(long long size);
/* How publish_shown shows a size of at least 1024 bytes: in Ko (*unit 0)
 * or Mo (*unit 1), with *tenths the tenths of the number shown (Ko are
 * shown whole: a multiple of 10). */
void publish_shown_parts(long long size, int *unit, long long *tenths);
/* Moves the recorded write failures (errors) and publish_commit's
 * warnings into d. */
void publish_take_diags(struct publish *p, struct diags *d);
void publish_free(struct publish *p);
/* Removes from the new folder what this build did not produce, then swaps
 * it in; the old one becomes the spare (on a first build, with no old one,
 * a spare of hard links to the new one is made, and p->relinked set).
 * Returns 0; 1 when the new site is
 * published but something could not be removed (a warning, for
 * publish_take_diags, names it); -1
 * with errno set when nothing changed. */
int publish_commit(struct publish *p);
/* Removes the new folder (the spare it was made from included), so that a
 * failed build holds no disk; what cannot be removed stays as the spare.
 * out is untouched. */
void publish_abort(struct publish *p);
/* For the build's fingerprint (generator/fingerprint.c), once published
 * cleanly (publish_commit returned 0, so the tree holds exactly these):
 * the paths, relative to the output, of every file this build produced
 * (the manifest), then of every folder it made (*n_files, then *n_dirs),
 * pointing into p (valid until publish_free; the array is the caller's to
 * free), and the mode a build gives its files (the permission bits). */
const char **publish_produced(struct publish *p, size_t *n_files, size_t *n_dirs,
    unsigned *file_mode);
/* A folder of the output as publish_commit left it, once its entries were
 * exactly those the build produced (the root excepted: the swap changes
 * it), taken from the folder's descriptor as it was pruned; taken is the
 * coarse clock (CLOCK_REALTIME_COARSE, which stamps files) read just
 * before, so a time older than it shows any later change to the folder. */
struct publish_dir_id {
	unsigned long long dev, ino;
	long long size, mtime, ctime;	/* times in nanoseconds */
	unsigned mode;
	long long taken;
	int ok;
};

/* For the fingerprint, once published cleanly: sets *id to the folder
 * rel's identity (above) and returns 1; 0 when unknown. */
int publish_dir_known(struct publish *p, const char *rel, struct publish_dir_id *id);
/* The folders' records: each folder of the output and of the spare as a
 * build left it once pruned (its identity, when not racy, and the names it
 * then held, as a sum of their digests), read from path (in the build
 * cache's folder) before the build writes anything. When a folder of the
 * spare is found with the identity recorded and this build produces the
 * same names in it, publish_commit does not list it: the same identity
 * means the same entries, as git's index trusts a file's identity for its
 * bytes (publish.c, folder_known). A missing or damaged file is none
 * (every folder listed). publish_folders_save writes them once the build
 * is published cleanly (-1 with errno when it cannot: no harm, the next
 * build lists the folders); publish_folders_counts says how many folders
 * publish_commit listed and how many it knew. */
void publish_folders_open(struct publish *p, const char *path);
int publish_folders_save(struct publish *p);
void publish_folders_counts(struct publish *p, size_t *listed, size_t *known);
/* 1 when this build produced the file or folder rel. */
int publish_has(struct publish *p, const char *rel);
/* Returns the path .<out>.<what> beside out (owned by the caller). */
char *publish_beside(const char *out, const char *what);
/* Returns 1 when rel is a safe relative path. */
int publish_path_ok(const char *rel);

/* For the build cache (cache.h). A capture lists the files the calling
 * thread records from publish_capture_start to publish_capture_stop, with
 * their sizes and the digests of their bytes (read back for the files a
 * library wrote), and the sizes it asked publish_size for. One capture per thread at a time; the caller owns c and
 * frees it with publish_capture_free. */
/* A file's identity on disk, as git's index keeps it: while all of it is
 * unchanged the bytes are taken as unchanged (publish_reuse). Times in
 * nanoseconds; ok is 0 when unknown. */
/* The digest of a file whose bytes were not read (publish_close_unread). */
#define PUBLISH_UNREAD ((struct digest){ 0, 0 })
static inline int publish_unread(const struct digest *d)
{
	return d->lo == 0 && d->hi == 0;
}

struct publish_stat {
	unsigned long long dev, ino;
	long long mtime, ctime;
	int ok;
};

struct publish_file {
	char *rel;
	long long size;
	struct digest bytes;
	struct publish_stat st;	/* of the file in the new tree, once in place */
};

struct publish_capture {
	struct publish_file *v;
	size_t n, cap;
	struct publish_file *sizes;	/* publish_size's answers (no digest) */
	size_t n_sizes, cap_sizes;
	int failed;	/* a file's bytes could not be read back */
};

void publish_capture_start(struct publish_capture *c);
void publish_capture_stop(void);
void publish_capture_free(struct publish_capture *c);
/* Puts at rel the file of the previous build that has size bytes of digest
 * bytes, from the published folder (a hard link) or the spare, without
 * rendering it again, and records it. The published file's bytes are
 * trusted without reading them when its identity is *st (unless st is
 * racy: cache.c), else read and hashed (never for PUBLISH_UNREAD). Returns 0 with *st set to the
 * identity of the file now in place; -1 when neither holds those bytes
 * (nothing recorded: the caller renders the document). */
int publish_reuse(struct publish *p, const char *rel, long long size,
    const struct digest *bytes, struct publish_stat *st);
/* For a document rendered again, one of its files whose new bytes are
 * those the previous build recorded for it (size bytes of digest bytes,
 * identity *st): puts it back as publish_reuse does (one look when its
 * identity holds) instead of writing it (which reads the published file
 * to compare), and adds it to the thread's capture as publish_write
 * would. Returns 0, or -1 with nothing recorded (then publish_write). */
int publish_keep(struct publish *p, const char *rel, long long size,
    const struct digest *bytes, struct publish_stat *st);
/* The identity of the file at path, or ok 0. */
struct publish_stat publish_stat_of(const char *path);
int publish_stat_eq(const struct publish_stat *a, const struct publish_stat *b);

#endif
