/*
 * The load snapshot: each YAML file's tree (data/ytree.h) as libyaml gave
 * it, with the diagnostics parsing it reported (line, column, severity,
 * message; the file's name is the one of the load that takes it), so that a
 * rebuild parses again only the files whose bytes changed. It lives in the
 * build cache's folder (.<out>.cache/load, safe to delete), in one file: a
 * header with carto's own digest (render/cache.h's cache_carto_digest: a
 * rebuilt carto reads none of it), then records, each the digest of a
 * file's bytes (the key), its payload's length and digest, and the payload.
 * Beside it, <snapshot>.recs lists the records (snap.c's list_read: read
 * instead of walking every record's head through the file), and
 * <snapshot>.ids gives the identity of each file the last load
 * read (device, inode, size, modification and change times in
 * nanoseconds, mode) with the digest of its bytes: a file whose identity
 * is the one recorded is not read again, its digest taken from the record
 * (snap_take_known). As git's index, an identity is recorded only when its
 * times are older than the load's start (racy-clean): a change made after
 * that, even of the same size with the modification time put back, gives
 * another change time, so another identity, and the file is read. Only trees whose parse succeeded are
 * kept; the converters (load_org.c, load_site.c) run on the tree taken
 * from the snapshot as on a parsed one, so the model and their
 * diagnostics are the same, at the same line and column.
 *
 * Errors: a missing, truncated, corrupt or other carto's snapshot, or a
 * record whose payload does not match its digest or does not decode, is
 * as if absent (the file is parsed); never a crash. Memory: the file is
 * mapped whole, read only (its records' strings are used in place by the
 * trees taken from it, so it lives until snap_free), and snap_save keeps it at most
 * about twice the size of what the last load used: records are appended
 * while the ones no load used weigh less than the ones used, else the file
 * is written again, atomically (a new file renamed over it), with only the
 * records used and the new ones. snap_take and snap_put are thread-safe.
 * A snapshot cut short in place by another program while mapped would
 * raise SIGBUS: base/fsview.c catches it for the mapping (see snap_cut).
 */
#ifndef CARTO_SNAP_H
#define CARTO_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "../base/digest.h"

struct arena;
struct diags;
struct ynode;
struct snap;
struct buf;
struct stat;

/* Opens the snapshot at path for carto of digest carto. Never NULL.
 * Without put, snap_put and snap_save do nothing (carto check). The file
 * is mapped and its records listed in a thread of its own, while the
 * caller goes on (the load lists the site's files and looks at them
 * meanwhile): snap_ready waits for it (thread-safe), and so does every
 * function below at its first call. The racy-clean reference (below) is
 * the clock read here, before the caller looks at any file. */
struct snap *snap_open(const char *path, const struct digest *carto, int put);
void snap_ready(struct snap *s);
/* When the snapshot holds the tree of the file of bytes digest key: builds
 * it in a (its strings are the snapshot's), adds the diagnostics the parse
 * reported to d under the name file, sets *root and returns 1. Else 0. */
int snap_take(struct snap *s, const struct digest *key, const char *file, struct arena *a,
    struct diags *d, struct ynode **root);
/* Records the tree root (not NULL) parsed from the file of digest key, with
 * the diagnostics d->v[from..d->n) that the parse reported. */
void snap_put(struct snap *s, const struct digest *key, const struct ynode *root,
    const struct diags *d, size_t from);
/* When the file at path (named as the last load named it) has the
 * identity st that it had when that load read it, and the snapshot holds
 * the tree of its bytes: snap_take's work (file, a, d, root), *src set to
 * the digest of its bytes, and 1. Else 0: it must be read. Thread-safe. */
int snap_take_known(struct snap *s, const char *path, const struct stat *st, const char *file,
    struct arena *a, struct diags *d, struct ynode **root, struct digest *src);
/* Records that the file at path, of identity st (taken before its bytes
 * were read), holds bytes of digest src, for the next load (unless its
 * times are racy, see above). Thread-safe. */
void snap_note(struct snap *s, const char *path, const struct stat *st, const struct digest *src);
/* When the file at path has the identity st the last load recorded, and
 * the snapshot has a record of its bytes (unchecked yet): *src set to the
 * digest of its bytes, the record kept for the next load, and 1; else 0.
 * For a file whose model may be taken whole (orgrec.h). Thread-safe. */
int snap_known(struct snap *s, const char *path, const struct stat *st, struct digest *src);
/* Records of other payloads (orgrec.h), in the same file, under keys of
 * their own: snap_get sets *p and *len to the payload of key (its digest
 * checked; it lives until snap_free) and returns 1, else 0; snap_spoilt
 * says that a payload snap_get gave did not decode (the record is not kept);
 * snap_add records payload under key (taking its bytes). Thread-safe. */
int snap_get(struct snap *s, const struct digest *key, const char **p, size_t *len);
void snap_spoilt(struct snap *s, const struct digest *key);
void snap_add(struct snap *s, const struct digest *key, struct buf *payload);
/* The pieces of the records' format, for such payloads: LEB128 numbers
 * (snap_var_get sets *bad when they run past end), and diagnostics (a count,
 * then each as severity, line, column, length, message and a NUL):
 * snap_diags_get adds them to d (when not NULL) under the name file. */
struct diag;
void snap_var_put(struct buf *b, uint64_t v);
static inline uint64_t snap_var_get(const unsigned char **p, const unsigned char *end, int *bad)
{
	uint64_t v = 0;
	for (unsigned sh = 0; sh < 64 && *p < end; sh += 7) {
		unsigned c = *(*p)++;
		v |= (uint64_t)(c & 0x7F) << sh;
		if (!(c & 0x80))
			return v;
	}
	*bad = 1;
	return 0;
}
void snap_diag_put(struct buf *b, const struct diag *g);
int snap_diags_get(const unsigned char **p, const unsigned char *end, const char *file, struct diags *d);
/* Files snap_take_known and snap_known spared reading so far. */
size_t snap_not_read(const struct snap *s);
/* Files taken from the snapshot (their trees, or their records of
 * snap_get), and trees put into it, so far. */
size_t snap_taken(const struct snap *s);
size_t snap_added(const struct snap *s);
/* The records the snapshot holds (*listed: 1 when they came from the
 * listing beside it, snap.c's list_read; 0 when their heads were walked). */
size_t snap_records(const struct snap *s, int *listed);
/* Writes what snap_put recorded (see above), then the identities noted.
 * Returns 0, or -1 with errno set (the next load then reads and parses
 * again what is missing). */
int snap_save(struct snap *s);
/* 1 when another program cut the snapshot short in place while s had it
 * mapped (snap.c: what was read of it since may be 0s): the model loaded
 * with it cannot be trusted, and the build must stop before publishing.
 * snap_save then removes the snapshot and its identities. */
int snap_cut(struct snap *s);
void snap_free(struct snap *s);

/* The tree codec (exposed for the tests). snap_encode appends root's tree to
 * b; snap_decode builds it back from p[0..len) (p[len] must be readable and
 * the strings stay in p) into a, and returns it, or NULL when the bytes are
 * not a tree snap_encode wrote. */
void snap_encode(struct buf *b, const struct ynode *root);
struct ynode *snap_decode(const char *p, size_t len, struct arena *a);

#endif
