/*
 * The build cache: a document whose inputs are those of a document of the
 * previous build is not rendered again; the files it wrote are put back from
 * the previous output by the publisher (publish_reuse: a hard link, after
 * checking them: by their identity on disk, as git's index does, else by
 * their bytes). It lives beside the output, in .<out>.cache/index (never
 * published, safe to delete: a missing, truncated, corrupt or other
 * version's index is an empty cache), and maps each document's key to the
 * files it wrote with their sizes, digests and identities (device, inode,
 * mtime, ctime); .<out>.cache/pieces/ holds the lists of pieces of the
 * files that list every organisation (below).
 *
 * A key is a digest of everything the document reads: the global part
 * (cache_key starts every key with it: carto's own executable and the
 * libraries it runs with, the options
 * that change output, the build's date, site.yaml, vocabularies,
 * référentiels, correspondences, cartographies and territory, as loaded:
 * struct site's inputs), the kind and name of the document, then what the
 * backend adds for it: an organisation (cache_key_org: its file, or its
 * own part of a file that holds several), the organisations of the offers
 * that follow its offers (cache_key_suites), rows of a cartography
 * (cache_key_rows), or every file of the site (cache_key_model) for the
 * documents that list everything. A backend adds what else it reads
 * (fonts, theme). Each organisation's key and its suites' digest are
 * computed once a build, by cache_open.
 *
 * A job asks cache_start first: 1 means the document is in place and the
 * job is done (when the document read the size of another's file through
 * publish_size, that size must still show the same: publish_shown); else it renders and calls cache_finish, which records the
 * files the thread wrote meanwhile (publish_capture), unless the job failed
 * or reported a diagnostic (those documents are always rendered again, so
 * their warnings are never lost). cache_save writes the new index once the
 * build is published, atomically (a new file renamed over the old), so a
 * build killed or failed leaves the previous index; two builds at once
 * each write a complete index. Every function takes a NULL cache (the build
 * runs without: --no-cache) and is thread-safe between cache_open and
 * cache_save.
 */
#ifndef CARTO_CACHE_H
#define CARTO_CACHE_H

#include <stddef.h>

#include "../base/digest.h"
#include "../base/fsview.h"
#include "publish.h"

struct build_opts;
struct diags;
struct organisme;
struct site;
struct cache;

/* The digest of carto itself, what every key starts with: its version,
 * its executable's bytes and the libraries it runs with (by path, size,
 * inode and change time). Returns 0, or -1 when the executable cannot be
 * read (then nothing may be reused). Also the fingerprint's
 * (generator/fingerprint.h). */
int cache_carto_digest(struct digest *out);
/* Starts reading the index beside out (--out), on a thread of its own,
 * as early as the build may: before it loads. Returns the cache for
 * cache_open, or NULL when o->no_cache is set; cache_free releases it
 * (waiting for the thread) when the build stops before cache_open. */
struct cache *cache_begin(const char *out, const struct build_opts *o);
/* Opens c (cache_begin's) for the build of s: its keys, and the index
 * read. Returns c, or NULL (c freed) when c is NULL or carto's executable
 * cannot be read. */
struct cache *cache_open(struct cache *c, const struct site *s, const struct build_opts *o);
/* A new key with the global part, kind and name folded in; the caller
 * adds to it and hands it to cache_start, which frees it. */
struct digest_ctx *cache_key(const struct cache *c, const char *kind, const char *name);
/* Adds an organisation: its file's path, its id, and the bytes it is read
 * from: the whole file, or, in a file that holds several, the file's head
 * (before the first organisation), its own lines and the last one's (which
 * run to the file's end), when nothing can join the parts (no YAML anchor,
 * alias or tag: cache.c's may_alias) and the file is the one loaded. */
void cache_key_org(struct digest_ctx *k, const struct organisme *o);
/* The digest cache_key_org adds, for a key made otherwise. */
struct digest cache_org_digest(const struct organisme *o);
/* Adds the suites of every offer of o (its "Et après ?"): which offers,
 * lieux, distances and publics, and the files of their organisations. */
void cache_key_suites(struct digest_ctx *k, const struct organisme *o);
/* The digest cache_key_suites adds, for a key gathered otherwise. */
struct digest cache_suites_digest(const struct organisme *o);
/* Adds the rows of a cartography's view (data/index.h's index_rows), in
 * their order: each offer's organisation (cache_key_org), offer and lieu,
 * as one digest (computed once a build for the long runs r[0..n)). */
struct rowref;
void cache_key_rows(struct digest_ctx *k, const struct rowref *r, size_t n);
/* The digest cache_key_rows folds into the key (digest_fold), for a key
 * gathered in a buffer first. */
struct digest cache_rows_digest(const struct rowref *r, size_t n);
/* Appends to b what cache_key_rows reads of row r (its organisation's key,
 * the places of its offer and lieu in the organisation's arrays, else
 * their ids), for a key made of rows otherwise (html_carto.c's digests of
 * one row, made once a build). */
struct buf;
void cache_row_put(struct buf *b, const struct rowref *r);
/* Adds the suites of the organisations of rows r (cache_key_suites). */
void cache_key_row_suites(struct digest_ctx *k, const struct rowref *r, size_t n);
/* Adds every file the site loaded (struct site's model digest). */
void cache_key_model(struct digest_ctx *k, const struct site *s);

struct cache_job {
	struct digest key;
	struct publish_capture cap;
	size_t diags;		/* d's count when the job started */
	int on;
	const struct publish_file *files;	/* put back: what (the cache's) */
	size_t n_files;
};

/* Finishes key k (freed) for the job j. Returns 1 when the document's
 * files were put back from the previous build (the job is done), 0 when it
 * must be rendered: then the thread's writes are captured until
 * cache_finish. d is the worker's diagnostics. */
int cache_start(struct cache *c, struct publish *p, struct cache_job *j,
    struct digest_ctx *k, const struct diags *d);
/* Ends j, rendered with result rc; records its files when rc is 0 and it
 * added nothing to d. */
void cache_finish(struct cache *c, struct cache_job *j, int rc, const struct diags *d);
/* The files of the previous build's document of key k, *n of them (owned
 * by c), or NULL when it had none of that key: for a job rendered again
 * to put back those of its files whose bytes come out as they were
 * (publish_keep). */
const struct publish_file *cache_files_of(const struct cache *c, const struct digest *k, size_t *n);
/*
 * Pieces. A file that lists every organisation (an open data extract, the
 * LHÉO and data·inclusion exports, the large sheets of a workbook), when its
 * document is not reused whole, is assembled from pieces: each
 * organisation's part (or a group's), under a key of what
 * it reads (cache_piece_key: the global part and the file's path, then what
 * the writer adds: cache_key_org, cache_key_suites). A piece whose key is
 * that of a piece of the previous build is copied from the previous build's
 * file (the published one, never written into), after checking its bytes
 * against their digest; only the others are rendered. A file's list of
 * pieces (key, digest, offset, length, and what the writer notes of each:
 * cache_piece_note) is kept in the cache's folder
 * (pieces/), written by cache_save with the index, so a failed build leaves
 * the previous list beside the previous output. Ids or counts computed
 * across organisations never go into a piece: the writer renders them
 * around the pieces. One struct cache_pieces is one thread's.
 */
struct buf;
struct json;
struct cache_pieces;

/* The pieces of rel in the previous build; NULL without a cache (then the
 * other calls do nothing and the writer renders every piece). */
struct cache_pieces *cache_pieces_open(struct cache *c, const struct publish *p, const char *rel);
/* A new key of a piece of cp's file; the caller adds to it and ends it. */
struct digest_ctx *cache_piece_key(const struct cache_pieces *cp);
/* Appends the piece of key k to b and returns 1 when the previous build
 * had it, else returns 0: the caller renders it. j, when not NULL, is the
 * JSON writer of b whose innermost array the piece's elements belong to
 * (json_splice puts their comma right). */
int cache_piece_put_back(struct cache_pieces *cp, const struct digest *k, struct buf *b,
    struct json *j);
/* Without reading the previous file: the length of the previous build's
 * piece of key k, its first byte (*first, when the length is not 0 and
 * first is not NULL: a JSON writer's need, read from the file when its list
 * has it not) and its
 * offset in the published file (*off), when its bytes can be copied from
 * that file unread (the file is the one its list was recorded from: its
 * identity, as the index checks a document's files, not racy); else -1
 * (then cache_piece_put_back, which reads and checks them, or render it). */
long long cache_piece_find(const struct cache_pieces *cp, const struct digest *k, char *first,
    long long *off);
/* Copies the piece of key k that cache_piece_find found to the file fd at
 * offset at (copy_file_range, else read and write; fd -1: its bytes are
 * there already) and records it at offset at of the new file. Returns 0,
 * or -1 with errno set (the file fd is then incomplete: a write error). */
int cache_piece_copy(struct cache_pieces *cp, const struct digest *k, int fd, long long at);
/* Copies n bytes at offset from of the published file (trusted:
 * cache_piece_find) to fd at offset at. Returns 0, or -1 with errno set. */
int cache_pieces_copy(struct cache_pieces *cp, long long from, long long n, int fd, long long at);
/* The published file, when its pieces can be copied unread
 * (cache_piece_find): its descriptor (owned by cp), with its path and size
 * in *path and *size; else -1. */
int cache_pieces_published(const struct cache_pieces *cp, const char **path, long long *size);
/* The spare's copy of cp's file (in the new tree: the file of the build
 * before the previous one, as publish.h alternates the trees), to be
 * written in place: a descriptor open for reading and writing, with its
 * size in *size, when the list of its pieces (kept in the cache's prev/ by
 * cache_save) still describes it (its identity, not racy) and no other
 * name has its inode (not linked to the published file); else -1. Owned
 * by cp. */
int cache_pieces_spare(struct cache_pieces *cp, long long *size);
/* 1 when the spare's copy (cache_pieces_spare) holds, at offset at, the
 * bytes of the previous build's piece of key k (same digest and length). */
int cache_piece_in_spare(const struct cache_pieces *cp, const struct digest *k, long long at);
/* Records the piece of key k: its n bytes, at offset at of the new file. */
void cache_piece_record(struct cache_pieces *cp, const struct digest *k, const char *bytes,
    size_t n, long long at);
/* The same, for a piece whose bytes the caller has digested (bytes), with
 * meta: what the writer must know of the piece without reading it (one
 * word: no space, no line break; copied), or NULL. */
void cache_piece_note(struct cache_pieces *cp, const struct digest *k, const struct digest *bytes,
    long long n, long long at, const char *meta);
/* The meta recorded with the previous build's piece of key k, or NULL
 * (none, or no such piece); valid until cp is closed. */
const char *cache_piece_meta(const struct cache_pieces *cp, const struct digest *k);
/* Ends cp: its list goes to cache_save when ok, else is dropped (the file
 * was not written). Frees cp. */
void cache_pieces_close(struct cache_pieces *cp, int ok);

/* Organisations a piece holds, on average, in the files written in
 * pieces of organisations: a piece ends after an organisation for which
 * cache_piece_ends is 1 (a hash of its id), so an organisation added or
 * removed changes only its own piece's bounds. */
#define CACHE_PIECE_ORGS 16
int cache_piece_ends(const struct organisme *o);
/* The end of the group of organisations (a piece) that starts at
 * s->organismes[i]; adds to k, unless it is NULL, the digest of their keys
 * (cache_key_org, and cache_key_suites when suites is set), computed once
 * a build by cache_open for every file that lists them. */
size_t cache_piece_group(const struct site *s, size_t i, struct digest_ctx *k, int suites);
/* The pieces of this build so far: rendered, copied unread
 * (cache_piece_copy), read back and checked (cache_piece_put_back). */
void cache_piece_counts(const struct cache *c, size_t *rendered, size_t *copied, size_t *read);

/* Counts the bytes of cp's file that were written, and those left as
 * they were (written in place, or the same as the published file: sink.h). */
void cache_pieces_bytes(struct cache_pieces *cp, long long written, long long kept);
/* Those bytes of every such file of this build so far. */
void cache_bytes(const struct cache *c, long long *written, long long *kept);

/*
 * Notes. What a backend keeps from one build for the next that is not in
 * the output: a note is a file of the cache's folder (notes/<name>, '/' in
 * the name as '+'), bytes the writer defines, written whole and atomically
 * (a new file renamed over the old) when the writer calls cache_note_write,
 * even in a build that then fails: a note's content must be valid whatever
 * the build becomes, so the writer keys what it holds by the digest of
 * its inputs (the pieces' rule). The bytes are framed by a header and
 * their digest; a missing, truncated, corrupt or other version's note
 * reads as none. A note is named <kind>/<path of the output file it
 * serves>: cache_save removes the notes whose file this build did not
 * make (a booklet gone), kept or not.
 */
/* Views the note name (at most max bytes) in out (base/fsview.h: mapped,
 * not copied; closed first, the caller closes it): returns its bytes, *n
 * of them, in out; NULL (none) when it has none that holds, or without a
 * cache. */
const char *cache_note_read(const struct cache *c, const char *name, size_t max, struct fs_view *out,
    size_t *n);
/* Writes the note name (n bytes at data); a failure leaves no note. */
void cache_note_write(const struct cache *c, const char *name, const void *data, size_t n);

/* Documents put back from the cache, and rendered, so far. */
size_t cache_reused(const struct cache *c);
size_t cache_rendered(const struct cache *c);
/* For the build's fingerprint (generator/fingerprint.c), once the render
 * stage is done: calls fn with each file of this build's documents, put
 * back or rendered, as the index will record it (its size, and its
 * identity once in place: st.ok 0 when unknown). */
void cache_each_file(const struct cache *c, void (*fn)(void *ctx, const struct publish_file *f),
    void *ctx);
/* Writes the index of this build (call once it is published): what
 * changed against the index read, as its journal (.<out>.cache/journal,
 * cache.c), when that is under half of it, else the whole index.
 * Returns 0, or -1 with errno set (the next build is then a full one). */
int cache_save(struct cache *c);
/* What cache_save wrote: *written documents of the *all this build holds,
 * *journal 1 when as a journal. */
void cache_saved(const struct cache *c, size_t *written, size_t *all, int *journal);
/* Takes again, from the published folder out, the identity of every file
 * this build's index records (documents and files in pieces): publish_commit
 * linked them after they were written (struct publish's relinked), which
 * changed their ctime, and a stale identity would make the next build read
 * every file back. Called after publish_commit, before cache_save. */
void cache_restat(struct cache *c, const char *out);
void cache_free(struct cache *c);

#endif
