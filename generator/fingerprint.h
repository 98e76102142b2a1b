/*
 * The fingerprint of a build, so that a rebuild where nothing changed stops
 * before loading. A build that published, with the cache on, leaves beside
 * the cache's index (.<out>.cache/fingerprint) what it depended on: every
 * file and folder it read or looked at, by identity (base/fsrec.h: device,
 * inode, size, mode, mtime and ctime in nanoseconds, or the errno of a path
 * that was missing), what does not come from files (carto's executable and
 * libraries as the cache digests them, the options that change output, the
 * day, the working folder, the site, output and share folders), every file
 * and folder of the published output by identity, and what it printed (its
 * diagnostics and summary) with its exit status. The next build, when all
 * of that is as recorded, prints the same again and touches nothing. Else
 * the fingerprint is deleted before anything else happens, and the build
 * runs (and records a new one once it has published).
 *
 * The racy rule is git's (Documentation/technical/racy-git.txt), made
 * stricter because carto notes an input's identity when it reads it: a
 * fingerprint is written only when every input's times are older than the
 * build's start (the kernel's coarse clock, which stamps files; a file
 * changed within that tick or after could change again unseen), and every
 * output's older than the moment the output is looked at, once the
 * clock has moved past the publication; and a fingerprint is used only
 * when every time it holds is older than the fingerprint file's own
 * modification time. A time with no nanoseconds (a file system that keeps
 * seconds, or two of them) is compared to the reference rounded down to
 * two seconds. Included by main.c only.
 */
#ifndef CARTO_FINGERPRINT_H
#define CARTO_FINGERPRINT_H

struct build_opts;
struct cache;
struct fingerprint;
struct publish;

struct fingerprint_args {
	const char *site, *out, *share;	/* as the build names them */
	const struct build_opts *o;
	int today;			/* the build's day, YYYYMMDD */
	int off;			/* 1: neither used nor written (carto serve's
					 * builds, a recovery that reported) */
};

/* Called at a build's start, before loading. Reads and checks the
 * fingerprint beside a->out; when it does not hold (or the fingerprint is
 * off: --no-cache, a->off), deletes it and starts noting what the build
 * reads, and teeing its diagnostics. Never NULL; free with
 * fingerprint_free. */
struct fingerprint *fingerprint_open(const struct fingerprint_args *a);
/* When the fingerprint held: prints what the build it records printed,
 * then "carto: nothing changed since the last build", sets *status to its
 * exit status and returns 1. Else returns 0: the caller builds. */
int fingerprint_replay(struct fingerprint *f, int *status);
/* Stops noting inputs and teeing diagnostics (the render stage is done). */
void fingerprint_end_reading(struct fingerprint *f);
/* Notes the moment of publication (right after publish_commit): the
 * output is looked at once the clock that stamps files has passed it
 * (fingerprint_save waits for that, which the stages between have mostly
 * done). */
void fingerprint_published(struct fingerprint *f);
/* Records text, printed by the caller to stdout, for the replay. */
void fingerprint_say(struct fingerprint *f, const char *text);
/* Looks at the output for fingerprint_save (which does it when this was
 * not called): once the clock has passed the publication, the identity of
 * every file and folder the build produced (p, c as for fingerprint_save).
 * Called once p has published cleanly; thread-safe against cache_save and
 * publish_folders_save, which may run meanwhile. */
void fingerprint_look(struct fingerprint *f, struct publish *p, const struct cache *c);
/* Writes the fingerprint of this build, published with status, atomically
 * (a new file renamed over the old). Writes none when the build's inputs
 * changed while it read them or were racy, or an output is racy. Returns 0
 * (written or rightly not), -1 with errno set when it could not be written
 * (the next build then runs in full). p is the publisher, which has
 * published cleanly; c the build's cache (fingerprint.c: the output's
 * identities it recorded). */
int fingerprint_save(struct fingerprint *f, int status, struct publish *p, const struct cache *c);
void fingerprint_free(struct fingerprint *f);

#endif
