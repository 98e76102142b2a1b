/*
 * Atomic publication of a build: everything is written into a fresh folder
 * beside --out, and swapped with --out only when the whole build succeeded.
 * A build that fails or is killed leaves --out exactly as it was. Paths given
 * to publish_path are checked to stay inside the folder.
 */
#ifndef CARTO_PUBLISH_H
#define CARTO_PUBLISH_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

struct buf;

struct publish {
	char *out;		/* the published folder */
	char *tmp;		/* the folder being written */
	pthread_mutex_t lock;	/* guards err and err_rel */
	int err;		/* errno of the first failed write, or 0 */
	char *err_rel;		/* its path inside the folder (owned) */
};

/* Puts back the previous site a killed build left aside (when out is
 * missing) and removes what killed builds left beside out, with a warning
 * for what cannot be removed. Called first by a build, before anything can
 * fail; publish_begin calls it too. */
void publish_recover(const char *out);
/* Prepares a fresh folder beside out (removing leftovers of killed builds).
 * Returns 0, or -1 with errno set. */
int publish_begin(struct publish *p, const char *out);
/* Writes data to rel inside the new folder, creating folders. rel must be
 * relative, without "." or ".." segments: anything else is refused (-1,
 * EINVAL); that is a bug in a caller, since ids are validated slugs. */
int publish_write(struct publish *p, const char *rel, const void *data, size_t len);
/* Opens rel for writing (same checks as publish_write); NULL on failure. */
FILE *publish_open(struct publish *p, const char *rel);
/* For libraries that open files themselves: puts the full path of rel inside
 * the new folder into path (reset first) and creates its folders. Same checks
 * as publish_write; returns 0, or -1 with errno set. */
int publish_prepare(struct publish *p, const char *rel, struct buf *path);
void publish_free(struct publish *p);
/* Records a failed write of rel with its errno, for renderers whose
 * libraries write files themselves; the first failure is kept. Thread-safe;
 * publish_write, publish_open and publish_prepare call it. */
void publish_fail(struct publish *p, const char *rel, int err);
/* Appends "rel: reason" for the first failure, to say why the build failed. */
void publish_failure(struct publish *p, struct buf *out);
/* Swaps the new folder in; the old one is removed. Returns 0; 1 when the new
 * site is published but the old one could not be removed whole (a warning
 * names it); -1 with errno set when nothing changed. */
int publish_commit(struct publish *p);
/* Removes the new folder; out is untouched. */
void publish_abort(struct publish *p);
/* Returns 1 when rel is a safe relative path. */
int publish_path_ok(const char *rel);

#endif
