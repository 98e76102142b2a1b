/*
 * The load snapshot: each YAML file's tree (data/ytree.h) as libyaml gave
 * it, with the diagnostics parsing it reported (line, column, severity,
 * message; the file's name is the one of the load that takes it), so that a
 * rebuild parses again only the files whose bytes changed. It lives in the
 * build cache's folder (.<out>.cache/load, safe to delete), in one file: a
 * header with carto's own digest (render/cache.h's cache_carto_digest: a
 * rebuilt carto reads none of it), then records, each the digest of a
 * file's bytes (the key), its payload's length and digest, and the payload.
 * The loader still reads and digests every file (the fingerprint notes
 * it); only the parse is skipped. Only trees whose parse succeeded are
 * kept; the converters (load_org.c, load_site.c) run on the tree taken
 * from the snapshot as on a parsed one, so the model and their
 * diagnostics are the same, at the same line and column.
 *
 * Errors: a missing, truncated, corrupt or other carto's snapshot, or a
 * record whose payload does not match its digest or does not decode, is
 * as if absent (the file is parsed); never a crash. Memory: the file is
 * read whole (its records' strings are used in place by the trees taken
 * from it, so it lives until snap_free), and snap_save keeps it at most
 * about twice the size of what the last load used: records are appended
 * while the ones no load used weigh less than the ones used, else the file
 * is written again, atomically (a new file renamed over it), with only the
 * records used and the new ones. snap_take and snap_put are thread-safe.
 */
#ifndef CARTO_SNAP_H
#define CARTO_SNAP_H

#include <stddef.h>

#include "../base/digest.h"

struct arena;
struct diags;
struct ynode;
struct snap;

/* Opens the snapshot at path for carto of digest carto. Never NULL.
 * Without put, snap_put and snap_save do nothing (carto check). */
struct snap *snap_open(const char *path, const struct digest *carto, int put);
/* When the snapshot holds the tree of the file of bytes digest key: builds
 * it in a (its strings are the snapshot's), adds the diagnostics the parse
 * reported to d under the name file, sets *root and returns 1. Else 0. */
int snap_take(struct snap *s, const struct digest *key, const char *file, struct arena *a,
    struct diags *d, struct ynode **root);
/* Records the tree root (not NULL) parsed from the file of digest key, with
 * the diagnostics d->v[from..d->n) that the parse reported. */
void snap_put(struct snap *s, const struct digest *key, const struct ynode *root,
    const struct diags *d, size_t from);
/* Files taken from the snapshot, and put into it, so far. */
size_t snap_taken(const struct snap *s);
size_t snap_added(const struct snap *s);
/* Writes what snap_put recorded (see above). Returns 0, or -1 with errno
 * set (the next load then parses again what is missing). */
int snap_save(struct snap *s);
void snap_free(struct snap *s);

/* The tree codec (exposed for the tests). snap_encode appends root's tree to
 * b; snap_decode builds it back from p[0..len) (p[len] must be readable and
 * the strings stay in p) into a, and returns it, or NULL when the bytes are
 * not a tree snap_encode wrote. */
struct buf;
void snap_encode(struct buf *b, const struct ynode *root);
struct ynode *snap_decode(const char *p, size_t len, struct arena *a);

#endif
