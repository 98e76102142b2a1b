/*
 * The build cache's index and keys (cache.h). The index is text:
 *
 *	carto-cache 4
 *	<key> <files> <sizes>	one line per document, then its files,
 *	<size> <digest> <dev> <inode> <mtime> <ctime> <path>
 *				each with its size, digest and identity,
 *	<size> <path>		then the sizes of other documents' files it
 *	...			read, as shown (publish_shown; -1: there was
 *				none), which must hold
 *	end <digest of every byte above>
 *
 * keys and digests as 32 hex digits, times in nanoseconds (-1: unknown).
 * Anything else (a truncated file, a changed byte, another format) makes an
 * empty cache. Beside it, .<out>.cache/journal holds what a build changed
 * against that index (the base), so that a build that changed few
 * documents does not write the 4 MB of every one (cache_save):
 *
 *	carto-cache-journal 1 <the base's end digest>
 *	- <key>			a document of the base that is gone
 *	<key> <files> <sizes>	a document added or changed, as in the
 *	...			index (it replaces the base's of that key)
 *	end <digest of every byte above>
 *
 * A journal is read only with the base it names, and only whole; its
 * entries are racy against its own modification time, the base's against
 * the base's. It holds every change since the base (each build writes it
 * again, whole, atomically); once it would pass half the base, the whole
 * index is written instead and the journal removed. Documents are looked up by key in a map read once; the new
 * index collects, under a lock, the documents of this build, whether put
 * back or rendered. Start at cache_open.
 *
 * The identity of a file (publish_stat: device, inode, mtime, ctime, with
 * the size) is how a reused file is verified without reading it, as git's
 * index does: a file changed in place gets a new mtime and ctime (ctime
 * cannot be set back by touch), one replaced a new inode. The racy case is
 * git's too (Documentation/technical/racy-git.txt): the kernel stamps
 * files with a clock of coarse granularity (a few milliseconds), so a file
 * written again within the same tick as its recorded identity keeps the
 * same times. An entry whose mtime or ctime is not older than the index
 * file's own mtime may have been changed after it was recorded without its
 * times showing it: such an entry is racy, and its bytes are read and
 * hashed (publish_reuse falls back to the digest); any entry recorded
 * before the index's tick is safe, since a later change stamps a later
 * time.
 */
#define _GNU_SOURCE
#include "cache.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/json.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../base/strmap.h"
#include "../data/index.h"
#include "../data/load.h"
#include "../data/model.h"
#include "backend.h"

#define HEADER "carto-cache 4\n"
#define JOURNAL_HEADER "carto-cache-journal 1 "
#define INDEX_MAX (1u << 30)

struct doc {
	struct digest key;
	size_t n, n_sizes;
	struct publish_file *files;	/* in the cache's arena */
	struct publish_file *sizes;	/* publish_size's answers it read */
	size_t at;			/* 1 + its place in the base index (a
					 * copy keeps it: unchanged only when it
					 * is that very document), or 0 */
};

/* The previous build's documents by key: an open table on the key itself
 * (a digest: its low word is as good a hash as any), so that looking up
 * each of the 21,000 documents of a rebuild neither writes its key in hex
 * nor hashes and compares strings. A slot whose doc is &doc_gone holds a
 * key the journal removed (a lookup finds none). */
struct doc_slot {
	struct digest key;
	const struct doc *doc;	/* NULL: an empty slot */
};

struct doc_map {
	struct doc_slot *v;
	size_t mask, n;		/* mask + 1 slots (a power of two), or none */
};

struct cache {
	char *dir, *index;		/* .<out>.cache and its index */
	unsigned views_cut;		/* fs_views_cut() when the build began */
	struct digest global;
	struct doc_map old;		/* key -> struct doc *, read-only once read */
	struct arena a;			/* the old documents; the new ones, under lock */
	pthread_mutex_t lock;
	const struct doc **now;		/* this build's documents */
	size_t n_now, cap_now;
	atomic_size_t reused, rendered;
	atomic_size_t fates[3];		/* pieces by enum piece_fate */
	atomic_llong bytes[2];		/* of the files written in place or
					 * new (sink.h): written, left as they were */
	struct cache_pieces **pieces;	/* closed, for cache_save */
	size_t n_pieces, cap_pieces;
	size_t prefix;			/* of the organisations' file names
					 * (load_shown_prefix) */
	struct org_part *parts;		/* by organisation, for cache_key_org */
	size_t n_parts;
	struct strmap parts_memo;	/* the file's digest in hex -> struct
					 * parts_memo *, read from parts_path */
	struct arena pa;		/* parts_memo's records */
	char *parts_path;		/* .<out>.cache/parts */
	struct buf index_text;		/* the index read, parsed in place */
	char *journal;			/* .<out>.cache/journal */
	struct buf journal_text;	/* the journal read, parsed in place */
	const struct doc **base;	/* the base index's documents, in order */
	size_t n_base, cap_base;
	size_t base_len;		/* its bytes, or 0: no base read */
	struct digest base_sum;		/* its end digest */
	size_t saved_docs, saved_all;	/* cache_save: documents written, of */
	int saved_journal;		/* 1: as a journal */
	pthread_t reader;		/* reads the index (cache_begin) */
	int reading;			/* reader runs: join it */
	struct buf parts_now;		/* this build's memo (file_parts) */
	size_t parts_taken, parts_read;	/* files of several organisations:
					 * parts from the memo, read */
	struct org_keys *keys;		/* by organisation: their digests, once */
	size_t keys_mask;		/* keys has keys_mask + 1 slots */
	struct digest *key_at, *suites_at;	/* the same, in the site's order */
	char *ends_at;			/* cache_piece_ends, in the site's order */
	const struct site *site;	/* whose groups follow */
	struct group *groups;		/* by the index of their first
					 * organisation (cache_piece_group) */
};

/* A group of organisations (a piece of the files that list them all):
 * where it ends, and its digests without and with the suites. */
struct group {
	size_t end;
	struct digest key, suites;
};

/* An organisation's digests, computed once a build (org_keys): its key
 * (what cache_key_org adds) and its suites' (what cache_key_suites adds),
 * in a table hashed on the organisation's address. */
struct org_keys {
	const struct organisme *o;
	struct digest key, suites;
};

/* The parts of a file that holds several organisations, as a build found
 * them (the memo, .<out>.cache/parts): for the file's bytes (their digest,
 * the organisations' src) and the lines and columns its organisations
 * start at, the digest of each one's part, or none (ok 0: the keys take
 * the whole file). That is all file_parts reads, so a file whose digest,
 * lines and columns are a record's has that record's parts, and is not
 * read again. */
struct parts_memo {
	size_t n;
	int ok;
	uint32_t *line, *col;
	struct digest *d;
};

/* An organisation of a file that holds several, and the digest of its part
 * of the file (org_parts). */
struct org_part {
	const struct organisme *o;
	struct digest d;
};

/* The parts of the cache being built, read by cache_key_org (whose callers
 * have no cache at hand): set by cache_open before any key is made,
 * read-only until cache_free. One build a process. */
static const struct cache *keyed;

static void rows_memo_clear(void);
static void org_groups(struct cache *c, const struct site *s);

static const struct doc doc_gone;	/* a key the journal removed */

/* 1 when a file this build mapped was cut short by another program since
 * it began (base/fsview.h): what it made since may hold the 0s read in its
 * place, and nothing made from them is kept for a later build (notes,
 * lists of pieces, the parts' memo); the build itself stops before
 * publishing (main.c). */
static int views_were_cut(const struct cache *c)
{
	return fs_views_cut() != c->views_cut;
}

/* Makes room in m for n keys in all (at most half full). */
static void doc_map_reserve(struct doc_map *m, size_t n)
{
	size_t cap = m->v ? m->mask + 1 : 16;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (m->v && cap == m->mask + 1)
		return;
	struct doc_slot *v = xcalloc(cap, sizeof(*v));
	for (size_t i = 0; m->v && i <= m->mask; i++)
		if (m->v[i].doc) {
			size_t j = (size_t)m->v[i].key.lo & (cap - 1);
			while (v[j].doc)
				j = (j + 1) & (cap - 1);
			v[j] = m->v[i];
		}
	free(m->v);
	m->v = v;
	m->mask = cap - 1;
}

/* The slot of key k in m: its own, or the empty one where it goes. */
static struct doc_slot *doc_map_slot(const struct doc_map *m, const struct digest *k)
{
	for (size_t i = (size_t)k->lo & m->mask;; i = (i + 1) & m->mask)
		if (!m->v[i].doc || digest_eq(&m->v[i].key, k))
			return &m->v[i];
}

/* Puts d under key k, replacing what was there when replace is set, else
 * keeping it (the first of two documents of one key, as read); NULL d:
 * the key is gone. */
static void doc_map_put(struct doc_map *m, const struct digest *k, const struct doc *d, int replace)
{
	doc_map_reserve(m, m->n + 1);
	struct doc_slot *sl = doc_map_slot(m, k);
	if (sl->doc && !replace)
		return;
	if (!sl->doc)
		m->n++;
	sl->key = *k;
	sl->doc = d ? d : &doc_gone;
}

/* The document of key k in m, or NULL. */
static const struct doc *doc_map_get(const struct doc_map *m, const struct digest *k)
{
	if (!m->v)
		return NULL;
	const struct doc *d = doc_map_slot(m, k)->doc;
	return d == &doc_gone ? NULL : d;
}

static void doc_map_free(struct doc_map *m)
{
	free(m->v);
	*m = (struct doc_map){ NULL, 0, 0 };
}

#define PIECES_HEADER "carto-pieces 3 "

/* Counts of the pieces of this build (cache_piece_counts): noted (rendered
 * or read back, by cache_piece_note), copied unread, read back. */
enum piece_fate { PIECE_NOTED, PIECE_COPIED, PIECE_READ };

struct piece {
	struct digest key, bytes;
	long long off, len;
	char *meta;			/* the writer's, or NULL */
	int first;			/* its first byte, or -1: unknown (none,
					 * or noted without its bytes) */
};

struct cache_pieces {
	struct cache *c;
	char *rel, *list;		/* the file, and its list in pieces/ */
	struct digest seed;		/* of the global part and rel */
	int fd;				/* the previous build's file, or -1 */
	int trusted;			/* fd is the file the list was
					 * recorded from (by its identity) */
	char *now;			/* the new file, in the new tree */
	char *was;			/* the published file (fd's) */
	char *prev;			/* the list of the spare's copy (prev/) */
	int spare_fd;			/* the spare's copy, in place: -1 none
					 * or untrusted, -2 not looked at */
	struct piece *spare;		/* its pieces, by offset */
	size_t n_spare;
	struct strmap old;		/* key in hex -> struct piece * */
	struct arena a;			/* old's keys and pieces */
	struct buf tmp;			/* a piece read back */
	struct piece *v;		/* this build's */
	size_t n, cap;
	struct publish_stat id;		/* of the new file, at close */
	struct stat seen;		/* the published file, trusted, at open */
	struct buf text;		/* its list, when trusted */
	char *prev_text;		/* that list with the published file's
					 * identity at close (see cache_pieces_close),
					 * or NULL: the list is kept as it is */
	size_t prev_len;
	long long id_size;		/* its size, or -1: no identity */
};

/* Reads one line "<32 hex> <rest>" at *s (up to end), advancing *s past it;
 * the rest is returned NUL-terminated in place. NULL when malformed. */
static char *take_line(char **s, char *end)
{
	char *nl = memchr(*s, '\n', (size_t)(end - *s));
	if (!nl)
		return NULL;
	*nl = '\0';
	char *line = *s;
	*s = nl + 1;
	return line;
}

/* Reads the digits at s (at least one) into *v, which must not pass max;
 * *e is past them. Returns 0 or -1. By hand: strtoll was a tenth of the
 * reading of the index, whose numbers are mostly 19-digit times. */
static int read_digits(const char *s, unsigned long long max, const char **e, unsigned long long *v)
{
	unsigned long long x = 0;
	const char *p = s;
	/* 19 digits cannot pass 2^64, and each digit makes the number no
	 * smaller: the first 19 are checked against max once, not each with
	 * a division (a fifth of the index's parse). */
	for (; *p >= '0' && *p <= '9' && p - s < 19; p++)
		x = x * 10 + (unsigned)(*p - '0');
	if (x > max)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*e = p;
	*v = x;
	return p == s ? -1 : 0;
}

/* Reads a number at s followed by stop, at least lo; *after is past stop. */
static int read_num(const char *s, char stop, long long lo, char **after, long long *v)
{
	const char *e;
	unsigned long long x;
	int neg = s[0] == '-';
	if (read_digits(s + neg, neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX, &e, &x) < 0 ||
	    *e != stop)
		return -1;
	*v = neg ? (x == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)x) : (long long)x;
	if (*v < lo)
		return -1;
	*after = (char *)e + (stop != '\0');
	return 0;
}

/* Reads an unsigned number at s followed by a space; *after is past it. */
static int read_unsigned(const char *s, char **after, unsigned long long *v)
{
	const char *e;
	if (read_digits(s, ULLONG_MAX, &e, v) < 0 || *e != ' ')
		return -1;
	*after = (char *)e + 1;
	return 0;
}

/* Reads an unsigned number followed by a space at *s, or "- " (0), and
 * advances *s past it. */
static int read_unsigned_or_none(char **s, unsigned long long *v)
{
	if ((*s)[0] == '-' && (*s)[1] == ' ') {
		*v = 0;
		*s += 2;
		return 0;
	}
	return read_unsigned(*s, s, v);
}

/* Reads "<dev> <inode> <mtime> <ctime> " at *s into st; racy when a time
 * is not older than the index's (see the top of this file). */
static int read_stat(char **s, struct publish_stat *st, long long index_time)
{
	if (read_unsigned(*s, s, &st->dev) < 0 || read_unsigned(*s, s, &st->ino) < 0 ||
	    read_num(*s, ' ', -1, s, &st->mtime) < 0 || read_num(*s, ' ', -1, s, &st->ctime) < 0)
		return -1;
	st->ok = st->mtime >= 0 && st->ctime >= 0 && st->mtime < index_time &&
	    st->ctime < index_time;
	return 0;
}

/* Reads the n file lines "<size> <digest> <identity> <path>" (with_digest)
 * or "<size> <path>" at *s into v. Returns 0 or -1. */
static int read_files(char **s, char *end, struct publish_file *v, size_t n, int with_digest,
    long long index_time)
{
	for (size_t i = 0; i < n; i++) {
		char *line, *after;
		if (!(line = take_line(s, end)) ||
		    read_num(line, ' ', with_digest ? 0 : -1, &after, &v[i].size) < 0)
			return -1;
		memset(&v[i].st, 0, sizeof(v[i].st));
		if (with_digest && (memchr(after, '\0', 34) || after[32] != ' ' ||
		    digest_parse(after, &v[i].bytes) < 0))
			return -1;
		after += with_digest ? 33 : 0;
		if (with_digest && read_stat(&after, &v[i].st, index_time) < 0)
			return -1;
		v[i].rel = after;
		if (!publish_path_ok(v[i].rel))
			return -1;
	}
	return 0;
}

/* The end of a text framed by head and "end <digest of every byte
 * above>\n" (the index, the journal), its digest in *sum; NULL when the
 * text is not so. */
static char *framed(char *text, size_t len, const char *head, struct digest *sum)
{
	size_t hl = strlen(head);
	if (len < hl + 37 || memcmp(text, head, hl) != 0 || text[len - 1] != '\n')
		return NULL;
	char *trailer = text + len - 37;	/* "end " + 32 hex + "\n" */
	struct digest want;
	*sum = digest_bytes(text, (size_t)(trailer - text));
	if (trailer[-1] != '\n' || memcmp(trailer, "end ", 4) != 0 ||
	    digest_parse(trailer + 4, &want) < 0 || !digest_eq(&want, sum))
		return NULL;
	return trailer;
}

/* Reads the document at *s (before end), its line then its files', into a
 * new document of c's arena. NULL when malformed. */
static struct doc *take_doc(struct cache *c, char **s, char *end, long long index_time)
{
	struct doc *d = arena_alloc(&c->a, sizeof(*d));
	long long n, n_sizes;
	char *rest, *line;
	if (!(line = take_line(s, end)) || memchr(line, '\0', 34) || line[32] != ' ' ||
	    digest_parse(line, &d->key) < 0 || read_num(line + 33, ' ', 0, &rest, &n) < 0 ||
	    read_num(rest, '\0', 0, &rest, &n_sizes) < 0 || n > 1 << 20 || n_sizes > 1 << 20)
		return NULL;
	d->n = (size_t)n;
	d->n_sizes = (size_t)n_sizes;
	d->files = arena_alloc(&c->a, (d->n + 1) * sizeof(*d->files));
	d->sizes = arena_alloc(&c->a, (d->n_sizes + 1) * sizeof(*d->sizes));
	if (read_files(s, end, d->files, d->n, 1, index_time) < 0 ||
	    read_files(s, end, d->sizes, d->n_sizes, 0, index_time) < 0)
		return NULL;
	return d;
}

/* Parses the index text (modified in place), the base of a journal;
 * returns 0, or -1 when it is not a complete index of this format (the
 * caller then empties the map). */
static int parse(struct cache *c, char *text, size_t len, long long index_time)
{
	char *trailer = framed(text, len, HEADER, &c->base_sum), *s = text + strlen(HEADER);
	if (!trailer)
		return -1;
	while (s < trailer) {
		c->base = xgrow(c->base, &c->cap_base, c->n_base + 1, sizeof(*c->base));
		struct doc *d = take_doc(c, &s, trailer, index_time);
		if (!d)
			return -1;
		c->base[c->n_base++] = d;
		d->at = c->n_base;
	}
	/* The map made once at its size: grown as it filled, it moved every
	 * key again at each doubling, and the tables it freed on the way made
	 * the kernel flush the other threads' TLBs (half the parse). */
	doc_map_reserve(&c->old, c->n_base);
	for (size_t i = 0; i < c->n_base; i++)
		doc_map_put(&c->old, &c->base[i]->key, c->base[i], 0);
	c->base_len = len;
	return 0;
}

/* Reads the journal of the base c holds (the top of this file) and
 * applies it to c->old: only a whole journal of that base, else none. */
static void journal_read(struct cache *c)
{
	struct stat st;
	struct digest sum, base;
	char *text, *trailer, *s;
	size_t hl = strlen(JOURNAL_HEADER);
	if (!c->base_len || stat(c->journal, &st) < 0 || fs_read(c->journal, INDEX_MAX, &c->journal_text) < 0 ||
	    !(trailer = framed(text = c->journal_text.data, c->journal_text.len, JOURNAL_HEADER, &sum)) ||
	    trailer - text < (ptrdiff_t)hl + 33 || text[hl + 32] != '\n' || digest_parse(text + hl, &base) < 0 ||
	    !digest_eq(&base, &c->base_sum))
		return;
	long long journal_time = fs_time_ns(&st.st_mtim);
	/* Read whole first: a journal is applied entire or not at all. */
	struct change {
		struct digest key;
		struct doc *d;	/* NULL: gone */
	} *v = NULL;
	size_t n = 0, cap = 0;
	int ok = 1;
	for (s = text + hl + 33; ok && s < trailer; n++) {
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		if (s[0] == '-' && s[1] == ' ') {
			char *line = take_line(&s, trailer);
			v[n].d = NULL;
			ok = line && strlen(line) == 34 && digest_parse(line + 2, &v[n].key) == 0;
		} else if ((v[n].d = take_doc(c, &s, trailer, journal_time)))
			v[n].key = v[n].d->key;
		else
			ok = 0;
	}
	for (size_t i = 0; ok && i < n; i++)
		doc_map_put(&c->old, &v[i].key, v[i].d, 1);
	free(v);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The libraries carto runs with (libharu, libxlsxwriter, zlib, …: every
 * file mapped into the process, from /proc/self/maps, in the order of
 * their paths since addresses change from run to run) by path, size, inode
 * and time of change: an upgraded library may write other bytes. */
static void libraries(struct digest_ctx *k)
{
	struct buf maps = BUF_INIT;
	struct strmap seen = STRMAP_INIT;
	const char **v = NULL;
	size_t n = 0, cap = 0;
	if (fs_read("/proc/self/maps", 1u << 24, &maps) < 0) {
		digest_num(k, -1);
		return;
	}
	for (char *line = maps.data, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		char *path = strchr(line, '/');
		if (path && !strmap_put(&seen, path, path)) {
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n++] = path;
		}
	}
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(v[i], &st) < 0)
			continue;
		digest_str(k, v[i]);
		digest_num(k, (long long)st.st_size);
		digest_num(k, (long long)st.st_ino);
		digest_num(k, (long long)st.st_ctim.tv_sec);
		digest_num(k, (long long)st.st_ctim.tv_nsec);
	}
	free(v);
	strmap_free(&seen);
	buf_release(&maps);
}

/* What every key starts with: see cache.h. -1 when carto cannot read its
 * own executable (then no cache: a rebuilt carto must never reuse what an
 * older one rendered). Taken once a process, at the first call (before
 * the build maps the load snapshot, data/snap.c: a file mapped later,
 * which changes at every build, is not one of carto's libraries): the
 * code that runs is the code that was mapped then. */
static struct digest carto_digest;
static int carto_digest_rc;
static pthread_once_t carto_digest_once = PTHREAD_ONCE_INIT;

static void carto_digest_take(void)
{
	struct digest exe;
	if (digest_file("/proc/self/exe", &exe, NULL) < 0) {
		carto_digest_rc = -1;
		return;
	}
	struct digest_ctx *k = digest_new();
	digest_str(k, HEADER);
	digest_str(k, CARTO_VERSION);
	digest_fold(k, &exe);
	libraries(k);
	carto_digest = digest_end(k);
}

int cache_carto_digest(struct digest *out)
{
	pthread_once(&carto_digest_once, carto_digest_take);
	if (carto_digest_rc < 0)
		return -1;
	*out = carto_digest;
	return 0;
}

static int global_key(struct cache *c, const struct site *s, const struct build_opts *o)
{
	struct digest carto;
	if (cache_carto_digest(&carto) < 0)
		return -1;
	struct digest_ctx *k = digest_new();
	digest_fold(k, &carto);
	digest_num(k, o->drafts);
	digest_num(k, o->preview);	/* serve leaves out documents: their pages differ */
	digest_num(k, o->xlsx_rows);
	digest_num(k, (long long)o->sitemap_max);
	digest_str(k, s->base_url);
	digest_num(k, s->today);
	digest_fold(k, &s->inputs);
	c->global = digest_end(k);
	return 0;
}

static void org_parts(struct cache *c, const struct site *s);
static void org_keys(struct cache *c, const struct site *s, int jobs);
static void parts_memo_read(struct cache *c);

/* Reads and parses the index at c->index into c->old (kept in
 * c->index_text, parsed in place); no index, or a damaged one, leaves the
 * map empty. A thread's body (cache_open). */
static void *index_read(void *arg)
{
	struct cache *c = arg;
	struct stat ist;
	if (stat(c->index, &ist) == 0 && fs_read(c->index, INDEX_MAX, &c->index_text) == 0) {
		long long index_time = fs_time_ns(&ist.st_mtim);
		if (parse(c, c->index_text.data, c->index_text.len, index_time) < 0) {
			doc_map_free(&c->old);	/* the documents stay in the arena, unused */
			c->n_base = c->base_len = 0;
		} else
			journal_read(c);
	}
	return NULL;
}

struct cache *cache_begin(const char *out, const struct build_opts *o)
{
	if (o->no_cache)
		return NULL;
	struct cache *c = xcalloc(1, sizeof(*c));
	c->views_cut = fs_views_cut();
	c->a = (struct arena)ARENA_INIT;
	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->reused, 0);
	atomic_init(&c->rendered, 0);
	atomic_init(&c->bytes[0], 0);
	atomic_init(&c->bytes[1], 0);
	char *o_out = xstrdup(out);	/* as publish_begin names it */
	size_t l = strlen(o_out);
	while (l > 1 && o_out[l - 1] == '/')
		o_out[--l] = '\0';
	c->dir = publish_beside(o_out, "cache");
	free(o_out);
	struct buf path = BUF_INIT;
	fs_join(&path, c->dir, "index");
	c->index = buf_detach(&path, NULL);
	fs_join(&path, c->dir, "journal");
	c->journal = buf_detach(&path, NULL);
	c->journal_text = (struct buf)BUF_INIT;
	c->index_text = (struct buf)BUF_INIT;
	/* The index is read and parsed on a thread of its own from here to
	 * the end of cache_open: beside the loading, which leaves a core
	 * idle part of the time, then the organisations' keys (they share
	 * nothing: the index's documents are in c->a, the parts' memo in
	 * c->pa, the keys in their own tables). */
	c->reading = pthread_create(&c->reader, NULL, index_read, c) == 0;
	if (!c->reading)
		index_read(c);
	return c;
}

/* Waits for the index's thread (cache_begin), once. */
static void index_join(struct cache *c)
{
	if (c->reading)
		pthread_join(c->reader, NULL);
	c->reading = 0;
}

struct cache *cache_open(struct cache *c, const struct site *s, const struct build_opts *o)
{
	if (!c)
		return NULL;
	rows_memo_clear();
	if (global_key(c, s, o) < 0) {
		cache_free(c);
		return NULL;
	}
	c->prefix = load_shown_prefix(s);
	struct buf path = BUF_INIT;
	fs_join(&path, c->dir, "parts");
	c->parts_path = buf_detach(&path, NULL);
	c->parts_memo = (struct strmap)STRMAP_INIT;
	c->parts_now = (struct buf)BUF_INIT;
	c->pa = (struct arena)ARENA_INIT;
	parts_memo_read(c);
	org_parts(c, s);
	if (o->timing)
		fprintf(stderr, "carto: cache-parts %zu files taken, %zu read\n", c->parts_taken, c->parts_read);
	org_keys(c, s, o->jobs);
	org_groups(c, s);
	index_join(c);
	return c;
}

struct digest_ctx *cache_key(const struct cache *c, const char *kind, const char *name)
{
	struct digest_ctx *k = digest_new();
	if (c)
		digest_fold(k, &c->global);
	digest_str(k, kind);
	digest_str(k, name);
	return k;
}

static int by_org(const void *a, const void *b)
{
	const struct organisme *x = ((const struct org_part *)a)->o, *y = ((const struct org_part *)b)->o;
	return x < y ? -1 : x > y;
}

/* Where the table of c starts looking for o. */
static size_t key_slot(const struct cache *c, const struct organisme *o)
{
	return (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull) & c->keys_mask;
}

/* The slot of o in the table of c, or NULL. */
static const struct org_keys *org_keys_of(const struct cache *c, const struct organisme *o)
{
	if (!c || !c->keys)
		return NULL;
	for (size_t i = key_slot(c, o);; i = (i + 1) & c->keys_mask)
		if (c->keys[i].o == o || !c->keys[i].o)
			return c->keys[i].o ? &c->keys[i] : NULL;
}

/* Organisation o's key: its file's path, its part of the file (or the
 * whole file), its id. */
static struct digest org_digest(const struct cache *c, const struct organisme *o)
{
	struct org_part want = { o, { 0, 0 } };
	const struct org_part *part = c && c->n_parts ?
	    bsearch(&want, c->parts, c->n_parts, sizeof(want), by_org) : NULL;
	/* Hashed in one-shot calls, with no allocation (a digest_ctx a key
	 * was an allocation and five updates): the path's and the id's
	 * digests with the part's, 56 bytes hashed at once. The path in the
	 * site: the same site built from another folder, or named otherwise,
	 * keeps its keys. */
	const char *path = c && strlen(o->file) >= c->prefix ? o->file + c->prefix : o->file;
	struct {
		struct digest path, bytes, id;
		uint64_t has_part;
	} all = { digest_bytes(path, strlen(path)), part ? part->d : o->src,
		digest_bytes(o->id.s ? o->id.s : "", o->id.s ? strlen(o->id.s) : 0), part != NULL };
	return digest_bytes(&all, sizeof(all));
}

struct digest cache_org_digest(const struct organisme *o)
{
	const struct org_keys *e = org_keys_of(keyed, o);
	return e ? e->key : org_digest(keyed, o);
}

void cache_key_org(struct digest_ctx *k, const struct organisme *o)
{
	struct digest d = cache_org_digest(o);
	digest_fold(k, &d);
}

/* Past the block scalar whose indicator ('|' or '>') is at t[i]: its
 * lines are those (blank or) indented more than the key it is the value of
 * (its column: the line's start past spaces and "- "). Returns the offset
 * of the newline before the first line after it. */
static size_t block_end(const char *t, size_t n, size_t i)
{
	size_t start = i;
	while (start && t[start - 1] != '\n')
		start--;
	size_t col = start;
	while (col < i && (t[col] == ' ' || (t[col] == '-' && col + 1 < n && t[col + 1] == ' ')))
		col++;
	col -= start;
	const char *nl = memchr(t + i, '\n', n - i);
	size_t at = nl ? (size_t)(nl - t) : n;
	while (at < n) {	/* t[at] is a newline: is the next line in the block? */
		size_t k = at + 1, ind = 0;
		while (k < n && t[k] == ' ')
			k++, ind++;
		if (k < n && t[k] != '\n' && t[k] != '\r' && ind <= col)
			break;
		nl = k < n ? memchr(t + k, '\n', n - k) : NULL;
		at = nl ? (size_t)(nl - t) : n;
	}
	return at - 1;	/* the loop's i++ lands on the newline */
}

/* 1 when text may hold a YAML anchor, alias or tag ('&', '*' or '!'
 * starting a node), through which one organisation's part could read
 * another's, or something this scan does not follow: a quote or an
 * indicator at a line's start (a plain scalar's continuation could start
 * so); block scalars are skipped (block_end). It follows nodes as YAML starts them:
 * after "key: ", "- ", "? ", '[', '{' and a flow ','; quoted scalars there
 * are skipped whole (their '&' and '*' are text, as in Markdown's
 * **bold**), comments too. Errs towards 1: the keys then take the whole
 * file. */
static int may_alias(const char *t, size_t n)
{
	int node = 0, line_start = 1, flow = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = t[i], next = i + 1 < n ? t[i + 1] : '\n';
		int blank_next = next == ' ' || next == '\t' || next == '\n' || next == '\r';
		if (ch == '\n') {
			line_start = 1;
			node = 0;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r')
			continue;
		if (ch == '#' && (i == 0 || strchr(" \t\n", t[i - 1]))) {
			while (i + 1 < n && t[i + 1] != '\n')
				i++;
			continue;
		}
		if (line_start && (ch == '"' || ch == '\'' || ch == '&' || ch == '*' || ch == '!' ||
		    ch == '|' || ch == '>' || ch == '%'))
			return 1;
		int at_node = node || line_start;
		line_start = 0;
		if (flow && (ch == ']' || ch == '}')) {
			flow--;
			node = 0;
		} else if (flow && ch == ',')
			node = 1;
		else if (at_node && (ch == '[' || ch == '{')) {
			flow++;
			node = 1;
		} else if (at_node && (ch == '-' || ch == '?') && blank_next)
			node = 1;
		else if (node && (ch == '&' || ch == '*' || ch == '!'))
			return 1;
		else if (node && (ch == '|' || ch == '>'))
			i = block_end(t, n, i);
		else if (node && (ch == '"' || ch == '\'')) {
			/* To the closing quote (past escapes, or '' in single
			 * quotes), which YAML wants followed by the end of the
			 * node: anything else and this was no quoted scalar. */
			for (i++; i < n && (t[i] != ch || (ch == '\'' && i + 1 < n && t[i + 1] == '\'' && ++i)); i++)
				i += ch == '"' && t[i] == '\\';
			size_t e = i + 1;
			while (e < n && (t[e] == ' ' || t[e] == '\t' || t[e] == '\r'))
				e++;
			if (i >= n || (e < n && !strchr(":,]}#\n", t[e])))
				return 1;
			node = 0;
		} else if (ch == ':' && (blank_next || flow))
			node = 1;
		else
			node = 0;
	}
	return 0;
}

/* 1 when the line at t (n bytes to the end of the file) starts a block
 * sequence's item at column col (from 1): only spaces and dashes before it,
 * a key there. Then nothing of the previous organisation can stand on that
 * line (as it could in flow style). */
static int block_start(const char *t, size_t n, uint32_t col)
{
	if (col < 1 || col > n)
		return 0;
	for (uint32_t i = 0; i + 1 < col; i++)
		if (t[i] != ' ' && t[i] != '-')
			return 0;
	return t[col - 1] != ' ' && t[col - 1] != '\n' && t[col - 1] != '#' && t[col - 1] != '-' &&
	    t[col - 1] != '{' && t[col - 1] != '[';
}

/* Appends the memo's record of file v[0..n) to c->parts_now: its digest,
 * its organisations' lines and columns, and their parts' digests d (NULL:
 * none). */
static void memo_put(struct cache *c, struct organisme *const *v, size_t n, const struct digest *d)
{
	char hex[33];
	struct buf *b = &c->parts_now;
	digest_hex(&v[0]->src, hex);
	buf_add(b, hex, 32);
	buf_putc(b, ' ');
	buf_put_unum(b, n, ' ');
	buf_put_unum(b, d != NULL, '\n');
	for (size_t i = 0; i < n; i++) {
		buf_put_unum(b, v[i]->line, ' ');
		buf_put_unum(b, v[i]->col, ' ');
		if (d)
			digest_hex(&d[i], hex);
		buf_add(b, d ? hex : "-", d ? 32 : 1);
		buf_putc(b, '\n');
	}
}

/* The memo's record of file v[0..n), or NULL. */
static const struct parts_memo *memo_of(const struct cache *c, struct organisme *const *v, size_t n)
{
	char hex[33];
	digest_hex(&v[0]->src, hex);
	const struct parts_memo *m = strmap_get(&c->parts_memo, hex);
	if (!m || m->n != n)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (m->line[i] != v[i]->line || m->col[i] != v[i]->col)
			return NULL;
	return m;
}

/* The parts of file v[0..n) (the n organisations it holds, in file order)
 * into c->parts: organisation i's is the digest of the file's bytes before
 * the first organisation (what every one reads: the file's other keys),
 * of its own lines (from its first line to the next one's) and of the last
 * organisation's lines (which run to the end of the file, where other keys
 * may stand). Nothing when the file is not the one loaded (changed since:
 * src differs), may hold aliases, or its organisations do not start on
 * increasing lines: their keys then take the whole file. Taken from the
 * memo when it has the file (memo_of); else the file is read, and what it
 * gave recorded, when it is the one loaded. */
static void file_parts(struct cache *c, struct organisme *const *v, size_t n)
{
	const struct parts_memo *m = memo_of(c, v, n);
	if (m) {
		c->parts_taken++;
		memo_put(c, v, n, m->ok ? m->d : NULL);
		if (!m->ok)
			return;
		c->parts = xrealloc(c->parts, (c->n_parts + n) * sizeof(*c->parts));
		for (size_t i = 0; i < n; i++)
			c->parts[c->n_parts++] = (struct org_part){ v[i], m->d[i] };
		return;
	}
	struct buf text = BUF_INIT;
	size_t *at = xmalloc((n + 1) * sizeof(*at));
	struct digest *d = NULL;
	c->parts_read++;
	if (fs_read(v[0]->file, INDEX_MAX, &text) < 0)	/* as the loader named it */
		goto out;
	struct digest got = digest_bytes(text.data, text.len);
	if (!digest_eq(&got, &v[0]->src))
		goto out;	/* not the file loaded: nothing to remember */
	if (may_alias(text.data, text.len))
		goto none;
	/* The offset of each organisation's first line. */
	size_t line = 1, off = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && v[i]->line <= v[i - 1]->line)
			goto none;
		while (line < v[i]->line && off < text.len) {
			const char *nl = memchr(text.data + off, '\n', text.len - off);
			off = nl ? (size_t)(nl - text.data) + 1 : text.len;
			line++;
		}
		if (line != v[i]->line || !block_start(text.data + off, text.len - off, v[i]->col))
			goto none;
		at[i] = off;
	}
	at[n] = text.len;
	d = xmalloc(n * sizeof(*d));
	c->parts = xrealloc(c->parts, (c->n_parts + n) * sizeof(*c->parts));
	for (size_t i = 0; i < n; i++) {
		struct digest_ctx *k = digest_new();
		digest_add(k, text.data, at[0]);
		digest_add(k, text.data + at[i], at[i + 1] - at[i]);
		digest_add(k, text.data + at[n - 1], text.len - at[n - 1]);
		d[i] = digest_end(k);
		c->parts[c->n_parts++] = (struct org_part){ v[i], d[i] };
	}
none:
	memo_put(c, v, n, d);
out:
	free(d);
	free(at);
	buf_release(&text);
}

#define PARTS_HEADER "carto-parts 1 "

/* The memo's first line: its format and carto's digest (another carto
 * may find other parts: its memo is none). */
static void parts_header(struct buf *b)
{
	struct digest carto;
	char hex[33] = "-";
	if (cache_carto_digest(&carto) == 0)
		digest_hex(&carto, hex);
	buf_puts(b, PARTS_HEADER);
	buf_puts(b, hex);
	buf_putc(b, '\n');
}

/* Reads the memo at c->parts_path into c->parts_memo (in c's arena);
 * anything but a complete memo of this format is none (every file read). */
static void parts_memo_read(struct cache *c)
{
	struct buf text = BUF_INIT, head = BUF_INIT;
	parts_header(&head);
	size_t hl = head.len;
	int ok = fs_read(c->parts_path, INDEX_MAX, &text) == 0 && text.len >= hl + 37 &&
	    memcmp(text.data, head.data, hl) == 0 && text.data[text.len - 1] == '\n';
	buf_release(&head);
	if (!ok) {
		buf_release(&text);
		return;
	}
	char *t = arena_alloc(&c->pa, text.len + 1), *end = t + text.len - 37;
	memcpy(t, text.data, text.len + 1);
	buf_release(&text);
	struct digest want, got = digest_bytes(t, (size_t)(end - t));
	if (end[-1] != '\n' || memcmp(end, "end ", 4) != 0 || digest_parse(end + 4, &want) < 0 ||
	    !digest_eq(&want, &got))
		return;
	struct strmap map = STRMAP_INIT;
	char *s = t + hl, *line;
	int bad = 0;
	while (!bad && s < end) {
		struct parts_memo *m = arena_alloc(&c->pa, sizeof(*m));
		struct digest src;
		long long n, ok;
		char *rest;
		if (!(line = take_line(&s, end)) || strlen(line) < 34 || line[32] != ' ' ||
		    digest_parse(line, &src) < 0 || read_num(line + 33, ' ', 1, &rest, &n) < 0 || n > 1 << 20 ||
		    read_num(rest, '\0', 0, &rest, &ok) < 0 || ok > 1) {
			bad = 1;
			break;
		}
		line[32] = '\0';
		m->n = (size_t)n;
		m->ok = (int)ok;
		m->line = arena_alloc(&c->pa, m->n * sizeof(*m->line));
		m->col = arena_alloc(&c->pa, m->n * sizeof(*m->col));
		m->d = arena_alloc(&c->pa, m->n * sizeof(*m->d));
		for (size_t i = 0; !bad && i < m->n; i++) {
			char *l = take_line(&s, end), *a;
			long long ln, col;
			bad = !l || read_num(l, ' ', 1, &a, &ln) < 0 || read_num(a, ' ', 1, &a, &col) < 0 ||
			    ln > UINT32_MAX || col > UINT32_MAX ||
			    (m->ok ? strlen(a) != 32 || digest_parse(a, &m->d[i]) < 0 : strcmp(a, "-") != 0);
			if (!bad) {
				m->line[i] = (uint32_t)ln;
				m->col[i] = (uint32_t)col;
			}
		}
		if (!bad)
			strmap_put(&map, line, m);
	}
	if (bad)
		strmap_free(&map);
	else
		c->parts_memo = map;
}

/* Writes this build's memo (c->parts_now) atomically; a memo that cannot
 * be written is removed (the next build reads the files). */
static void parts_memo_save(const struct cache *c)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	if (views_were_cut(c)) {
		unlink(c->parts_path);
		return;
	}
	parts_header(&b);
	buf_add(&b, c->parts_now.data, c->parts_now.len);
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, hex);
	buf_printf(&b, "end %s\n", hex);
	buf_printf(&tmp, "%s.%ld.tmp", c->index, (long)getpid());
	if (fs_write(tmp.data, b.data, b.len) < 0 || fs_replace(tmp.data, c->parts_path) < 0) {
		unlink(tmp.data);
		unlink(c->parts_path);
	}
	buf_release(&b);
	buf_release(&tmp);
}

/* Finds the files that hold several organisations and their parts. */
static void org_parts(struct cache *c, const struct site *s)
{
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		for (end = i + 1; end < s->n_organismes &&
		    strcmp(s->organismes[end]->file, s->organismes[i]->file) == 0; end++)
			;
		if (end - i > 1)
			file_parts(c, s->organismes + i, end - i);
	}
	if (c->n_parts)
		qsort(c->parts, c->n_parts, sizeof(*c->parts), by_org);
}

static size_t place_in(const void *p, const void *v, size_t n, size_t sz);

/* The digest of the suites of o's offers (cache_key_suites), framed into
 * b (reset first) and hashed at once: 90,000 suites, each a few short
 * values, cost three times more as separate digest_add calls. A suite's
 * offer and lieux are told by their places in their organisations'
 * arrays, whose keys (o's, folded first, and the following offer's
 * organisation's) hold their ids, as rows_digest does: reading each id
 * was a cache miss, most of the keys' time; one not in them, by its ids. */
static struct digest suites_digest(const struct organisme *o, struct buf *b)
{
	buf_reset(b);
	struct digest own = cache_org_digest(o);
	buf_add(b, &own, sizeof(own));
	/* The following offers lie all over the model: each is a cache miss.
	 * Asked for all at once first, they are fetched side by side, then
	 * their organisations' slots in the keys' table. */
	for (size_t i = 0; i < o->n_offres; i++)
		for (size_t j = 0; j < o->offres[i].n_suites; j++)
			__builtin_prefetch(o->offres[i].suites[j].o);
	for (size_t i = 0; keyed && keyed->keys && i < o->n_offres; i++)
		for (size_t j = 0; j < o->offres[i].n_suites; j++)
			__builtin_prefetch(&keyed->keys[key_slot(keyed, o->offres[i].suites[j].o->org)]);
	for (size_t i = 0; i < o->n_offres; i++) {
		const struct offre *of = &o->offres[i];
		digest_buf_num(b, (long long)of->n_suites);
		for (size_t j = 0; j < of->n_suites; j++) {
			const struct suite *su = &of->suites[j];
			const struct organisme *g = su->o->org;
			struct digest d = cache_org_digest(g);
			buf_add(b, &d, sizeof(d));
			uint32_t at[3] = { (uint32_t)place_in(su->o, g->offres, g->n_offres, sizeof(*g->offres)),
				(uint32_t)place_in(su->from, o->lieux, o->n_lieux, sizeof(*o->lieux)),
				(uint32_t)place_in(su->to, g->lieux, g->n_lieux, sizeof(*g->lieux)) };
			if (at[0] < g->n_offres && at[1] < o->n_lieux && at[2] < g->n_lieux &&
			    g->n_offres < UINT32_MAX && o->n_lieux < UINT32_MAX && g->n_lieux < UINT32_MAX) {
				buf_putc(b, 'p');
				buf_add(b, at, sizeof(at));
			} else {
				buf_putc(b, 'i');
				digest_buf_str(b, su->o->id.s);
				digest_buf_str(b, su->from->id.s);
				digest_buf_str(b, su->to->id.s);
			}
			buf_add(b, &su->km, sizeof(su->km));
			digest_buf_num(b, su->same_dep);
			digest_buf_str(b, su->public);
		}
	}
	return digest_bytes(b->data, b->len);
}

struct digest cache_suites_digest(const struct organisme *o)
{
	const struct org_keys *e = org_keys_of(keyed, o);
	struct digest d;
	if (e)
		d = e->suites;
	else {
		struct buf b = BUF_INIT;
		d = suites_digest(o, &b);
		buf_release(&b);
	}
	return d;
}

void cache_key_suites(struct digest_ctx *k, const struct organisme *o)
{
	struct digest d = cache_suites_digest(o);
	digest_fold(k, &d);
}

/* The organisations' digests found side by side: job j takes the
 * organisations [j * KEYS_CHUNK, (j + 1) * KEYS_CHUNK) of the site's order.
 * Each digest reads only the model, the cache's parts and (the suites')
 * the keys of the first pass, done before the second starts. */
#define KEYS_CHUNK 16

struct keys_run {
	struct cache *c;
	const struct site *s;
	int suites;		/* 0: the keys (c->key_at); 1: the suites'
				 * digests (c->suites_at) */
};

static int keys_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct keys_run *r = ctx;
	size_t end = (j + 1) * KEYS_CHUNK < r->s->n_organismes ? (j + 1) * KEYS_CHUNK : r->s->n_organismes;
	for (size_t i = j * KEYS_CHUNK; i < end; i++) {
		const struct organisme *o = r->s->organismes[i];
		if (!r->suites) {
			r->c->key_at[i] = org_digest(r->c, o);
			r->c->ends_at[i] = (char)cache_piece_ends(o);
		} else
			r->c->suites_at[i] = ((struct org_keys *)org_keys_of(r->c, o))->suites =
			    suites_digest(o, &w->tmp);
	}
	return 0;
}

/* Fills c's table of every organisation's digests: their keys first (the
 * suites' digests read them), then their suites', on up to jobs threads. */
static void org_keys(struct cache *c, const struct site *s, int jobs)
{
	size_t cap = 16;
	while (cap < 2 * s->n_organismes)
		cap *= 2;
	c->keys = xcalloc(cap, sizeof(*c->keys));
	c->keys_mask = cap - 1;
	c->key_at = xmalloc((s->n_organismes + 1) * sizeof(*c->key_at));
	c->suites_at = xmalloc((s->n_organismes + 1) * sizeof(*c->suites_at));
	c->ends_at = xmalloc(s->n_organismes + 1);
	struct keys_run r = { c, s, 0 };
	size_t chunks = (s->n_organismes + KEYS_CHUNK - 1) / KEYS_CHUNK;
	struct diags d = DIAGS_INIT;	/* the jobs report nothing */
	pool_run(chunks, jobs, keys_job, &r, &d, NULL);
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		size_t h = (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull), j = h & c->keys_mask;
		while (c->keys[j].o)
			j = (j + 1) & c->keys_mask;
		c->keys[j] = (struct org_keys){ o, c->key_at[i], { 0, 0 } };
	}
	keyed = c;
	r.suites = 1;
	pool_run(chunks, jobs, keys_job, &r, &d, NULL);
	diags_free(&d);
}

/* A view's rows are keyed by several backends (opendata, xlsx, pdf, html):
 * the digests of the long runs of rows are kept for the build, by their
 * address (index.h's arrays do not move while a build renders), so that
 * each is computed once. Emptied by cache_open and cache_free. */
#define ROWS_MEMO_MIN 256
static pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rows_memo {
	const struct rowref *r;
	size_t n;
	struct digest d;
} *rows_memo;
static size_t n_rows_memo, cap_rows_memo;

static void rows_memo_clear(void)
{
	pthread_mutex_lock(&rows_lock);
	free(rows_memo);
	rows_memo = NULL;
	n_rows_memo = cap_rows_memo = 0;
	pthread_mutex_unlock(&rows_lock);
}

/* The place of p in the array v of n elements of size sz, or n when it is
 * not one of them. */
static size_t place_in(const void *p, const void *v, size_t n, size_t sz)
{
	uintptr_t d = (uintptr_t)p - (uintptr_t)v;
	return (uintptr_t)p >= (uintptr_t)v && d % sz == 0 && d / sz < n ? d / sz : n;
}

/* The digest of the rows: their number, then each row's organisation key
 * (cache_key_org's), offer and lieu, hashed at once. The organisation's key
 * is that of its part of the file (org_digest), which makes its offers and
 * lieux, ids included: an offer and a lieu are told by their places in
 * the organisation's arrays (no id measured and copied a row: that was
 * most of the keys' time, 10,000-organisation workbooks having a row an
 * offer and lieu); one that is not in them, by its ids. The
 * organisation's key d is given: rows_digest looks it up once for an
 * organisation's consecutive rows. */
static void row_put(struct buf *b, const struct rowref *r, const struct digest *d)
{
	const struct organisme *g = r->o->org;
	buf_add(b, d, sizeof(*d));
	uint32_t at[2] = { (uint32_t)place_in(r->o, g->offres, g->n_offres, sizeof(*g->offres)),
		(uint32_t)place_in(r->l, g->lieux, g->n_lieux, sizeof(*g->lieux)) };
	if (at[0] < g->n_offres && at[1] < g->n_lieux && g->n_offres < UINT32_MAX &&
	    g->n_lieux < UINT32_MAX) {
		buf_putc(b, 'p');
		buf_add(b, at, sizeof(at));
		return;
	}
	buf_putc(b, 'i');
	digest_buf_str(b, r->o->id.s);
	digest_buf_str(b, r->l->id.s);
}

/* The key of organisation g (cache_org_digest's), from the table when it
 * is there. */
static struct digest row_org_key(const struct organisme *g)
{
	const struct org_keys *e = org_keys_of(keyed, g);
	return e ? e->key : org_digest(keyed, g);
}

void cache_row_put(struct buf *b, const struct rowref *r)
{
	struct digest d = row_org_key(r->o->org);
	row_put(b, r, &d);
}

static struct digest rows_digest(const struct rowref *r, size_t n)
{
	struct buf b = BUF_INIT;
	struct digest_ctx *k = digest_new();	/* 64 KiB at a time: bounded memory */
	buf_add(&b, &n, sizeof(n));
	const struct organisme *last = NULL;	/* an organisation's rows come together: */
	struct digest d = { 0, 0 };		/* its key looked up once (a cache miss a row) */
	for (size_t i = 0; i < n; i++) {
		if (b.len >= 65536) {
			digest_add(k, b.data, b.len);
			buf_reset(&b);
		}
		if (r[i].o->org != last)
			d = row_org_key(last = r[i].o->org);
		row_put(&b, &r[i], &d);
	}
	digest_add(k, b.data, b.len);
	buf_release(&b);
	return digest_end(k);
}

void cache_key_rows(struct digest_ctx *k, const struct rowref *r, size_t n)
{
	struct digest d = cache_rows_digest(r, n);
	digest_fold(k, &d);
}

struct digest cache_rows_digest(const struct rowref *r, size_t n)
{
	struct digest d = { 0, 0 };
	int found = 0;
	if (n >= ROWS_MEMO_MIN && keyed) {
		pthread_mutex_lock(&rows_lock);
		for (size_t i = 0; i < n_rows_memo && !found; i++)
			if (rows_memo[i].r == r && rows_memo[i].n == n)
				d = rows_memo[i].d, found = 1;
		pthread_mutex_unlock(&rows_lock);
	}
	if (!found)
		d = rows_digest(r, n);
	if (!found && n >= ROWS_MEMO_MIN && keyed) {
		pthread_mutex_lock(&rows_lock);
		rows_memo = xgrow(rows_memo, &cap_rows_memo, n_rows_memo + 1, sizeof(*rows_memo));
		rows_memo[n_rows_memo++] = (struct rows_memo){ r, n, d };
		pthread_mutex_unlock(&rows_lock);
	}
	return d;
}

void cache_key_row_suites(struct digest_ctx *k, const struct rowref *r, size_t n)
{
	/* cache_key_suites's bytes (digest_fold's), gathered and added 64 KiB
	 * at a time: a call into the digest an organisation was most of a
	 * booklet's key (perf) */
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i && r[i].o->org == r[i - 1].o->org)	/* an organisation's rows come together */
			continue;
		const struct org_keys *e = org_keys_of(keyed, r[i].o->org);
		struct digest d = e ? e->suites : suites_digest(r[i].o->org, &tmp);
		digest_buf_num(&b, (long long)d.lo);
		digest_buf_num(&b, (long long)d.hi);
		if (b.len >= 65536) {
			digest_add(k, b.data, b.len);
			buf_reset(&b);
		}
	}
	digest_add(k, b.data, b.len);
	buf_release(&b);
	buf_release(&tmp);
}

void cache_key_model(struct digest_ctx *k, const struct site *s)
{
	digest_fold(k, &s->model);
}

/* ---- pieces ---- */

/* Reads a piece's first byte at *s ("-" or two hex digits, then the end
 * or a space before its meta) into *first (-1: unknown). */
static int read_first(char **s, int *first)
{
	static const char hex[] = "0123456789abcdef";
	const char *a, *b;
	char *p = *s;
	if (p[0] == '-') {
		*first = -1;
		p++;
	} else if (p[0] && p[1] && (a = strchr(hex, p[0])) && (b = strchr(hex, p[1]))) {
		*first = (int)((a - hex) * 16 + (b - hex));
		p += 2;
	} else
		return -1;
	if (*p != '\0' && *p != ' ')
		return -1;
	*s = *p ? p + 1 : p;
	return 0;
}

static int by_offset(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Reads the list of pieces at list: the header "carto-pieces 3 <size>
 * <dev> <inode> <mtime> <ctime> <file>" (the identity of the file the
 * pieces are in, once in place: -1 -1 -1 -1 -1 unknown), lines "<key>
 * <digest> <offset> <length> <first>[ <meta>]" (first: the piece's first
 * byte in two hex digits, "-" unknown: cache_piece_find needs it to put a
 * JSON piece's comma right, and reading it from the file was a system
 * call a piece copied), then "end <digest of the lines above>". Anything else leaves cp without those pieces. The file fd is
 * trusted when it still has that identity and the identity is not racy
 * against the list's own mtime (see the top of this file): its pieces are
 * then copied without being read. The published file's list (spare 0)
 * goes to cp->old, whether trusted or not; the spare's (spare 1), only
 * when trusted, to cp->spare in the order of their offsets. */
static void read_pieces(struct cache_pieces *cp, const char *list, int fd, int spare)
{
	struct buf text = BUF_INIT;
	struct stat ls, fs;
	size_t hl = strlen(PIECES_HEADER);
	int trusted = 0;
	if (stat(list, &ls) < 0 || fs_read(list, INDEX_MAX, &text) < 0 ||
	    text.len < hl + 37 || memcmp(text.data, PIECES_HEADER, hl) != 0 ||
	    text.data[text.len - 1] != '\n')
		goto out;
	char *trailer = text.data + text.len - 37;
	struct digest want, got = digest_bytes(text.data, (size_t)(trailer - text.data));
	if (trailer[-1] != '\n' || memcmp(trailer, "end ", 4) != 0 ||
	    digest_parse(trailer + 4, &want) < 0 || !digest_eq(&want, &got))
		goto out;
	if (!spare)	/* as read: the parse below cuts its lines */
		buf_add(&cp->text, text.data, text.len);
	char *s = text.data + hl, *line, *after;
	long long size, list_time = fs_time_ns(&ls.st_mtim);
	struct publish_stat id;
	if (read_num(s, ' ', -1, &s, &size) < 0 || read_unsigned_or_none(&s, &id.dev) < 0 ||
	    read_unsigned_or_none(&s, &id.ino) < 0 ||
	    read_num(s, ' ', -1, &s, &id.mtime) < 0 || read_num(s, ' ', -1, &s, &id.ctime) < 0 ||
	    !(line = take_line(&s, trailer)) || strcmp(line, cp->rel) != 0)
		goto out;
	id.ok = size >= 0 && id.mtime >= 0 && id.ctime >= 0 && id.mtime < list_time &&
	    id.ctime < list_time;
	struct publish_stat now = { 0, 0, 0, 0, 0 };
	if (fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode))
		now = (struct publish_stat){ (unsigned long long)fs.st_dev,
			(unsigned long long)fs.st_ino,
			fs_time_ns(&fs.st_mtim),
			fs_time_ns(&fs.st_ctim), 1 };
	trusted = publish_stat_eq(&id, &now) && (long long)fs.st_size == size;
	if (spare && !trusted)
		goto out;
	size_t cap = 0;
	while (s < trailer && (line = take_line(&s, trailer))) {
		struct piece *pc = spare ? &(struct piece){ { 0, 0 }, { 0, 0 }, 0, 0, NULL, -1 } :
		    arena_alloc(&cp->a, sizeof(*pc));
		if (strlen(line) < 67 || line[32] != ' ' || line[65] != ' ' ||
		    digest_parse(line, &pc->key) < 0 || digest_parse(line + 33, &pc->bytes) < 0 ||
		    read_num(line + 66, ' ', 0, &after, &pc->off) < 0 ||
		    read_num(after, ' ', 0, &after, &pc->len) < 0 ||
		    read_first(&after, &pc->first) < 0 ||
		    (trusted && pc->off + pc->len > size)) {
			if (!spare) {
				strmap_free(&cp->old);
				cp->old = (struct strmap)STRMAP_INIT;
			}
			trusted = 0;
			goto out;
		}
		if (spare) {	/* no meta: only the bytes are compared */
			cp->spare = xgrow(cp->spare, &cap, cp->n_spare + 1, sizeof(*cp->spare));
			cp->spare[cp->n_spare++] = *pc;
			continue;
		}
		pc->meta = *after ? arena_strdup(&cp->a, after) : NULL;
		line[32] = '\0';
		strmap_put(&cp->old, arena_strdup(&cp->a, line), pc);
	}
out:
	if (!spare)
		cp->trusted = trusted;
	if (!spare && trusted)	/* for cache_pieces_close */
		cp->seen = fs;
	else if (!spare)
		buf_reset(&cp->text);
	else if (trusted)
		qsort(cp->spare, cp->n_spare, sizeof(*cp->spare), by_offset);
	else
		cp->n_spare = 0;
	buf_release(&text);
}

/* The previous build's piece of key k, or NULL. */
static const struct piece *old_piece(const struct cache_pieces *cp, const struct digest *k)
{
	char hex[33];
	if (!cp || cp->fd < 0)
		return NULL;
	digest_hex(k, hex);
	return strmap_get(&cp->old, hex);
}

struct cache_pieces *cache_pieces_open(struct cache *c, const struct publish *p, const char *rel)
{
	if (!c)
		return NULL;
	struct cache_pieces *cp = xcalloc(1, sizeof(*cp));
	struct buf path = BUF_INIT;
	cp->c = c;
	cp->rel = xstrdup(rel);
	cp->old = (struct strmap)STRMAP_INIT;
	cp->a = (struct arena)ARENA_INIT;
	cp->tmp = (struct buf)BUF_INIT;
	buf_printf(&path, "%s/pieces/", c->dir);
	for (const char *r = rel; *r; r++)	/* one name a file: '/' is '+' */
		buf_putc(&path, *r == '/' ? '+' : *r);
	cp->list = buf_detach(&path, NULL);
	buf_printf(&path, "%s/prev/%s", c->dir, strrchr(cp->list, '/') + 1);
	cp->prev = buf_detach(&path, NULL);
	struct digest_ctx *k = cache_key(c, "piece", rel);
	cp->seed = digest_end(k);
	fs_join(&path, p->out, rel);
	cp->was = buf_detach(&path, NULL);
	cp->fd = open(cp->was, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	fs_join(&path, p->tmp, rel);
	cp->now = buf_detach(&path, NULL);
	cp->spare_fd = -2;
	cp->text = (struct buf)BUF_INIT;
	if (cp->fd >= 0)
		read_pieces(cp, cp->list, cp->fd, 0);
	return cp;
}

int cache_pieces_spare(struct cache_pieces *cp, long long *size)
{
	struct stat st, so;
	if (!cp || cp->spare_fd != -2)
		return cp ? cp->spare_fd : -1;
	cp->spare_fd = -1;
	int fd = open(cp->now, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	/* Written in place only when nothing else has its inode: not the
	 * published file (a link), nor any other. */
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (cp->fd >= 0 && fstat(cp->fd, &so) == 0 && so.st_ino == st.st_ino &&
	    so.st_dev == st.st_dev)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	read_pieces(cp, cp->prev, fd, 1);
	if (!cp->n_spare) {
		close(fd);
		return -1;
	}
	*size = (long long)st.st_size;
	return cp->spare_fd = fd;
}

int cache_piece_in_spare(const struct cache_pieces *cp, const struct digest *k, long long at)
{
	const struct piece *pc = cp->spare_fd >= 0 ? old_piece(cp, k) : NULL;
	size_t lo = 0, hi = cp->n_spare;
	while (pc && lo < hi) {	/* the first at or past at */
		size_t mid = lo + (hi - lo) / 2;
		if (cp->spare[mid].off < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return pc && lo < cp->n_spare && cp->spare[lo].off == at &&
	    cp->spare[lo].len == pc->len && digest_eq(&cp->spare[lo].bytes, &pc->bytes);
}

int cache_pieces_published(const struct cache_pieces *cp, const char **path, long long *size)
{
	struct stat st;
	if (!cp || !cp->trusted || fstat(cp->fd, &st) < 0)
		return -1;
	*path = cp->was;
	*size = (long long)st.st_size;
	return cp->fd;
}

struct digest_ctx *cache_piece_key(const struct cache_pieces *cp)
{
	struct digest_ctx *k = digest_new();
	if (cp)
		digest_fold(k, &cp->seed);
	return k;
}

int cache_piece_put_back(struct cache_pieces *cp, const struct digest *k, struct buf *b,
    struct json *j)
{
	char hex[33];
	if (!cp || cp->fd < 0)
		return 0;
	digest_hex(k, hex);
	const struct piece *pc = strmap_get(&cp->old, hex);
	if (!pc)
		return 0;
	buf_reset(&cp->tmp);
	buf_grow(&cp->tmp, (size_t)pc->len + 1);
	size_t got = 0;
	while (got < (size_t)pc->len) {
		ssize_t r = pread(cp->fd, cp->tmp.data + got, (size_t)pc->len - got, (off_t)(pc->off + (long long)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	struct digest d = digest_bytes(cp->tmp.data, got);
	if (!digest_eq(&d, &pc->bytes))
		return 0;	/* the published file was changed: render it */
	if (j)
		json_splice(j, cp->tmp.data, got);
	else
		buf_add(b, cp->tmp.data, got);
	atomic_fetch_add(&cp->c->fates[PIECE_READ], 1);
	return 1;
}

long long cache_piece_find(const struct cache_pieces *cp, const struct digest *k, char *first,
    long long *off)
{
	const struct piece *pc = cp && cp->trusted ? old_piece(cp, k) : NULL;
	if (!pc)
		return -1;
	if (!first || pc->len == 0)
		;
	else if (pc->first >= 0)
		*first = (char)pc->first;
	else if (pread(cp->fd, first, 1, (off_t)pc->off) != 1)
		return -1;
	*off = pc->off;
	return pc->len;
}

int cache_pieces_copy(struct cache_pieces *cp, long long from, long long n, int fd, long long at)
{
	loff_t in = (loff_t)from, out = (loff_t)at;
	int plain = 0;
	char *b = NULL;
	while (n > 0) {
		ssize_t r = -1;
		if (!plain) {
			r = copy_file_range(cp->fd, &in, fd, &out, (size_t)n, 0);
			if (r < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			    errno == EOPNOTSUPP || errno == EBADF || errno == EPERM))
				plain = 1;
		}
		if (plain) {
			if (!b)
				b = xmalloc(65536);
			r = pread(cp->fd, b, n < 65536 ? (size_t)n : 65536, (off_t)in);
			if (r > 0 && fs_pwrite_fd(fd, b, (size_t)r, (long long)out) < 0)
				r = -1;
			if (r > 0)
				in += r, out += r;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* the file is shorter than its list */
			free(b);
			return -1;
		}
		n -= r;
	}
	free(b);
	return 0;
}

int cache_piece_copy(struct cache_pieces *cp, const struct digest *k, int fd, long long at)
{
	const struct piece *pc = cp && cp->trusted ? old_piece(cp, k) : NULL;
	if (!pc) {
		errno = ENOENT;	/* a caller's bug: cache_piece_find said no */
		return -1;
	}
	if (fd >= 0 && cache_pieces_copy(cp, pc->off, pc->len, fd, at) < 0)
		return -1;
	atomic_fetch_add(&cp->c->fates[PIECE_COPIED], 1);
	cp->v = xgrow(cp->v, &cp->cap, cp->n + 1, sizeof(*cp->v));
	cp->v[cp->n++] = (struct piece){ *k, pc->bytes, at, pc->len,
		pc->meta ? xstrdup(pc->meta) : NULL, pc->first };
	return 0;
}

const char *cache_piece_meta(const struct cache_pieces *cp, const struct digest *k)
{
	char hex[33];
	if (!cp || cp->fd < 0)
		return NULL;
	digest_hex(k, hex);
	const struct piece *pc = strmap_get(&cp->old, hex);
	return pc ? pc->meta : NULL;
}

void cache_piece_note(struct cache_pieces *cp, const struct digest *k, const struct digest *bytes,
    long long n, long long at, const char *meta)
{
	if (!cp)
		return;
	atomic_fetch_add(&cp->c->fates[PIECE_NOTED], 1);
	cp->v = xgrow(cp->v, &cp->cap, cp->n + 1, sizeof(*cp->v));
	cp->v[cp->n++] = (struct piece){ *k, *bytes, at, n, meta ? xstrdup(meta) : NULL, -1 };
}

void cache_piece_record(struct cache_pieces *cp, const struct digest *k, const char *bytes,
    size_t n, long long at)
{
	if (!cp)
		return;
	struct digest d = digest_bytes(bytes, n);
	cache_piece_note(cp, k, &d, (long long)n, at, NULL);
	if (n)
		cp->v[cp->n - 1].first = (unsigned char)bytes[0];
}

static void pieces_free(struct cache_pieces *cp)
{
	if (cp->fd >= 0)
		close(cp->fd);
	if (cp->spare_fd >= 0)
		close(cp->spare_fd);
	free(cp->spare);
	free(cp->was);
	free(cp->prev);
	buf_release(&cp->text);
	free(cp->prev_text);
	strmap_free(&cp->old);
	arena_free(&cp->a);
	buf_release(&cp->tmp);
	for (size_t i = 0; i < cp->n; i++)
		free(cp->v[i].meta);
	free(cp->v);
	free(cp->rel);
	free(cp->list);
	free(cp->now);
	free(cp);
}

/* The published file becomes the spare's copy once this build is
 * published, and its list goes to prev/ (save_pieces). The publisher
 * unlinked the spare's other name for it (a link, when the file was the
 * same in both trees), which changed its ctime: when that is all that
 * changed since cache_pieces_open trusted it (same inode, size and mtime,
 * one link fewer), the list kept is given its identity now. */
static void retake_identity(struct cache_pieces *cp)
{
	struct stat now;
	const char *nl = cp->text.len > 37 ? memchr(cp->text.data, '\n', cp->text.len - 37) : NULL;
	if (!cp->trusted || !nl || fstat(cp->fd, &now) < 0 || now.st_ino != cp->seen.st_ino ||
	    now.st_dev != cp->seen.st_dev || now.st_size != cp->seen.st_size ||
	    now.st_mtim.tv_sec != cp->seen.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != cp->seen.st_mtim.tv_nsec || now.st_nlink + 1 != cp->seen.st_nlink)
		return;
	struct buf b = BUF_INIT;
	buf_printf(&b, PIECES_HEADER "%lld %llu %llu %lld %lld %s\n", (long long)now.st_size,
	    (unsigned long long)now.st_dev, (unsigned long long)now.st_ino,
	    fs_time_ns(&now.st_mtim), fs_time_ns(&now.st_ctim), cp->rel);
	const char *lines = nl + 1, *end = cp->text.data + cp->text.len - 37;	/* "end <hex>\n" */
	buf_add(&b, lines, (size_t)(end - lines));
	char hex[33];
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, hex);
	buf_printf(&b, "end %s\n", hex);
	cp->prev_text = buf_detach(&b, &cp->prev_len);
}

void cache_pieces_close(struct cache_pieces *cp, int ok)
{
	if (!cp)
		return;
	if (!ok) {
		pieces_free(cp);
		return;
	}
	struct cache *c = cp->c;
	retake_identity(cp);
	if (cp->fd >= 0)
		close(cp->fd);
	cp->fd = -1;
	if (cp->spare_fd >= 0)
		close(cp->spare_fd);
	cp->spare_fd = -1;
	free(cp->spare);
	cp->spare = NULL;
	cp->n_spare = 0;
	cp->id = publish_stat_of(cp->now);	/* the file as written, in place */
	struct stat st;
	cp->id_size = cp->id.ok && lstat(cp->now, &st) == 0 ? (long long)st.st_size : -1;
	strmap_free(&cp->old);	/* what cache_save needs stays: the new list */
	cp->old = (struct strmap)STRMAP_INIT;
	arena_free(&cp->a);
	cp->a = (struct arena)ARENA_INIT;
	buf_release(&cp->tmp);
	pthread_mutex_lock(&c->lock);
	c->pieces = xgrow(c->pieces, &c->cap_pieces, c->n_pieces + 1, sizeof(*c->pieces));
	c->pieces[c->n_pieces++] = cp;
	pthread_mutex_unlock(&c->lock);
}

/* Writes cp's list (see read_pieces), atomically; a failure leaves none
 * (the next build renders every piece of the file). */
static void save_pieces(const struct cache *c, const struct cache_pieces *cp, size_t i)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char key[33], bytes[33];
	if (views_were_cut(c)) {	/* the file may hold 0s: none */
		unlink(cp->list);
		return;
	}
	if (cp->id_size >= 0)
		buf_printf(&b, PIECES_HEADER "%lld %llu %llu %lld %lld %s\n", cp->id_size, cp->id.dev,
		    cp->id.ino, cp->id.mtime, cp->id.ctime, cp->rel);
	else
		buf_printf(&b, PIECES_HEADER "-1 - - -1 -1 %s\n", cp->rel);
	for (size_t k = 0; k < cp->n; k++) {
		digest_hex(&cp->v[k].key, key);
		digest_hex(&cp->v[k].bytes, bytes);
		/* "%s %s %lld %lld%s%s\n", without printf's cost */
		buf_add(&b, key, 32);
		buf_putc(&b, ' ');
		buf_add(&b, bytes, 32);
		buf_putc(&b, ' ');
		buf_put_num(&b, cp->v[k].off, ' ');
		buf_put_num(&b, cp->v[k].len, ' ');
		int first = cp->v[k].len > 0 ? cp->v[k].first : -1;
		if (first < 0)
			buf_putc(&b, '-');
		else {
			buf_putc(&b, "0123456789abcdef"[first >> 4]);
			buf_putc(&b, "0123456789abcdef"[first & 15]);
		}
		buf_putc(&b, cp->v[k].meta ? ' ' : '\n');
		if (cp->v[k].meta) {
			buf_puts(&b, cp->v[k].meta);
			buf_putc(&b, '\n');
		}
	}
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, key);
	buf_printf(&b, "end %s\n", key);
	/* The list replaced is of the file now in the spare, which the next
	 * build writes in place (cache_pieces_spare): kept in prev/. */
	if (cp->prev_text) {
		buf_printf(&tmp, "%s.%ld.q%zu.tmp", c->index, (long)getpid(), i);
		if (fs_write(tmp.data, cp->prev_text, cp->prev_len) < 0 || fs_replace(tmp.data, cp->prev) < 0) {
			unlink(tmp.data);
			unlink(cp->prev);
		}
		buf_reset(&tmp);
	} else if (fs_replace(cp->list, cp->prev) < 0)
		unlink(cp->prev);
	buf_printf(&tmp, "%s.%ld.p%zu.tmp", c->index, (long)getpid(), i);
	if (fs_write(tmp.data, b.data, b.len) < 0 || fs_replace(tmp.data, cp->list) < 0) {
		unlink(tmp.data);
		unlink(cp->list);
	}
	buf_release(&b);
	buf_release(&tmp);
}

/* Adds d to this build's index. */
static void keep(struct cache *c, const struct doc *d)
{
	pthread_mutex_lock(&c->lock);
	c->now = xgrow(c->now, &c->cap_now, c->n_now + 1, sizeof(*c->now));
	c->now[c->n_now++] = d;
	pthread_mutex_unlock(&c->lock);
}

int cache_start(struct cache *c, struct publish *p, struct cache_job *j,
    struct digest_ctx *k, const struct diags *d)
{
	memset(j, 0, sizeof(*j));
	j->key = digest_end(k);
	if (!c)
		return 0;
	const struct doc *old = doc_map_get(&c->old, &j->key);
	size_t i = 0, m = 0;
	/* The other documents' files it read must be as they were. */
	while (old && m < old->n_sizes && publish_shown(publish_size(p, old->sizes[m].rel)) == old->sizes[m].size)
		m++;
	/* The files as they are now in place, with their identities (most
	 * documents are a file or two: on the stack). */
	struct publish_stat few[4];
	struct publish_stat *now = !old || m != old->n_sizes ? NULL :
	    old->n <= sizeof(few) / sizeof(*few) ? few : xmalloc(old->n * sizeof(*now));
	while (now && i < old->n) {
		now[i] = old->files[i].st;
		if (publish_reuse(p, old->files[i].rel, old->files[i].size, &old->files[i].bytes,
		    &now[i]) < 0)
			break;
		i++;
	}
	if (now && i == old->n) {
		struct doc *d2 = NULL;
		for (size_t f = 0; f < old->n && !d2; f++)
			if (!publish_stat_eq(&now[f], &old->files[f].st) || !old->files[f].st.ok)
				d2 = (struct doc *)old;	/* marks a change */
		if (d2) {	/* a new identity: a copy of the document records it */
			pthread_mutex_lock(&c->lock);
			d2 = arena_alloc(&c->a, sizeof(*d2));
			*d2 = *old;
			d2->files = arena_alloc(&c->a, (old->n + 1) * sizeof(*d2->files));
			memcpy(d2->files, old->files, old->n * sizeof(*d2->files));
			for (size_t f = 0; f < old->n; f++)
				d2->files[f].st = now[f];
			pthread_mutex_unlock(&c->lock);
		}
		if (now != few)
			free(now);
		keep(c, d2 ? d2 : old);
		j->files = old->files;
		j->n_files = old->n;
		atomic_fetch_add(&c->reused, 1);
		return 1;
	}
	if (now != few)
		free(now);
	j->on = 1;
	j->diags = d->n;
	publish_capture_start(&j->cap);
	return 0;
}

void cache_finish(struct cache *c, struct cache_job *j, int rc, const struct diags *d)
{
	if (!c || !j->on)
		return;
	publish_capture_stop();
	atomic_fetch_add(&c->rendered, 1);
	if (rc == 0 && d->n == j->diags && !j->cap.failed) {
		pthread_mutex_lock(&c->lock);
		struct doc *doc = arena_alloc(&c->a, sizeof(*doc));
		doc->key = j->key;
		doc->n = j->cap.n;
		doc->files = arena_alloc(&c->a, (j->cap.n + 1) * sizeof(*doc->files));
		for (size_t i = 0; i < j->cap.n; i++) {
			doc->files[i] = j->cap.v[i];
			doc->files[i].rel = arena_strdup(&c->a, j->cap.v[i].rel);
		}
		doc->n_sizes = j->cap.n_sizes;
		doc->sizes = arena_alloc(&c->a, (j->cap.n_sizes + 1) * sizeof(*doc->sizes));
		for (size_t i = 0; i < j->cap.n_sizes; i++) {
			doc->sizes[i] = j->cap.sizes[i];
			doc->sizes[i].rel = arena_strdup(&c->a, j->cap.sizes[i].rel);
		}
		pthread_mutex_unlock(&c->lock);
		keep(c, doc);
	}
	publish_capture_free(&j->cap);
	j->on = 0;
}

const struct publish_file *cache_files_of(const struct cache *c, const struct digest *k, size_t *n)
{
	const struct doc *d = c ? doc_map_get(&c->old, k) : NULL;
	*n = d ? d->n : 0;
	return d ? d->files : NULL;
}

size_t cache_reused(const struct cache *c)
{
	return c ? atomic_load(&c->reused) : 0;
}

size_t cache_rendered(const struct cache *c)
{
	return c ? atomic_load(&c->rendered) : 0;
}

void cache_piece_counts(const struct cache *c, size_t *rendered, size_t *copied, size_t *read)
{
	*rendered = c ? atomic_load(&c->fates[PIECE_NOTED]) - atomic_load(&c->fates[PIECE_READ]) : 0;
	*copied = c ? atomic_load(&c->fates[PIECE_COPIED]) : 0;
	*read = c ? atomic_load(&c->fates[PIECE_READ]) : 0;
}

void cache_pieces_bytes(struct cache_pieces *cp, long long written, long long kept)
{
	if (!cp)
		return;
	atomic_fetch_add(&cp->c->bytes[0], written);
	atomic_fetch_add(&cp->c->bytes[1], kept);
}

void cache_bytes(const struct cache *c, long long *written, long long *kept)
{
	*written = c ? atomic_load(&c->bytes[0]) : 0;
	*kept = c ? atomic_load(&c->bytes[1]) : 0;
}

int cache_piece_ends(const struct organisme *o)
{
	uint32_t h = 2166136261u;	/* FNV-1a of its id */
	for (const char *s = o->id.s; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % CACHE_PIECE_ORGS == 0;
}

/* The group that starts at s->organismes[i]: its end, and the digest of
 * its organisations' keys (with their suites' when suites is set) into *d
 * unless d is NULL: of their digests one after the other, hashed at once.
 * org_groups makes the same from the keys' table. */
static size_t group_at(const struct site *s, size_t i, int suites, struct digest *d)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	size_t end = i;
	while (end < s->n_organismes) {
		const struct organisme *o = s->organismes[end++];
		if (d) {
			const struct org_keys *e = org_keys_of(keyed, o);
			struct digest k = cache_org_digest(o);
			buf_add(&b, &k, sizeof(k));
			if (suites) {
				k = e ? e->suites : suites_digest(o, &tmp);
				buf_add(&b, &k, sizeof(k));
			}
		}
		if (cache_piece_ends(o))
			break;
	}
	if (d)
		*d = digest_bytes(b.data, b.len);
	buf_release(&b);
	buf_release(&tmp);
	return end;
}

/* Fills c's groups of organisations, read by every file that lists them
 * all (after org_keys, from its digests in the site's order: group_at's
 * digests without a lookup an organisation). */
static void org_groups(struct cache *c, const struct site *s)
{
	struct buf b = BUF_INIT, bs = BUF_INIT;
	c->site = s;
	c->groups = xcalloc(s->n_organismes + 1, sizeof(*c->groups));
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		buf_reset(&b);
		buf_reset(&bs);
		for (end = i; end < s->n_organismes;) {
			buf_add(&b, &c->key_at[end], sizeof(c->key_at[end]));
			buf_add(&bs, &c->key_at[end], sizeof(c->key_at[end]));
			buf_add(&bs, &c->suites_at[end], sizeof(c->suites_at[end]));
			if (c->ends_at[end++])
				break;
		}
		c->groups[i] = (struct group){ end, digest_bytes(b.data, b.len), digest_bytes(bs.data, bs.len) };
	}
	buf_release(&b);
	buf_release(&bs);
}

size_t cache_piece_group(const struct site *s, size_t i, struct digest_ctx *k, int suites)
{
	const struct group *g = keyed && keyed->site == s && keyed->groups &&
	    i < s->n_organismes && keyed->groups[i].end ? &keyed->groups[i] : NULL;
	struct digest d;
	size_t end = g ? g->end : group_at(s, i, suites, k ? &d : NULL);
	if (g)
		d = suites ? g->suites : g->key;
	if (k)
		digest_fold(k, &d);
	return end;
}

/* The pid of a file a build writes and renames into the cache's folder:
 * <prefix><pid>[.<more>].tmp for one of the prefixes below; else 0. */
static long tmp_pid(const char *name)
{
	static const char *const prefixes[] = {
		"index.",	/* the cache's index */
		"load.", "load.ids.", "load.recs.",	/* data/snap.c */
		"suites.",	/* data/suites_memo.c */
	};
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(*prefixes); k++) {
		size_t n = strlen(prefixes[k]);
		char *end;
		if (strncmp(name, prefixes[k], n) != 0 || name[n] < '1' || name[n] > '9')
			continue;
		long pid = strtol(name + n, &end, 10);
		size_t rest = strlen(end);
		if (pid > 0 && *end == '.' && rest >= 4 && strcmp(end + rest - 4, ".tmp") == 0)
			return pid;
	}
	return 0;
}

/* Removes what killed builds left in the cache's folder (tmp_pid's files)
 * of a process that is gone. */
static void clean_tmp(const struct cache *c)
{
	struct fs_entry *v;
	size_t n;
	struct buf path = BUF_INIT;
	if (fs_list(c->dir, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		long pid = tmp_pid(v[i].name);
		if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			fs_join(&path, c->dir, v[i].name);
			unlink(path.data);
		}
	}
	fs_entries_free(v, n);
	buf_release(&path);
}

#define NOTE_HEADER "carto-note 1\n"

/* The path of the note whose file is named file (name encoded) in b. */
static void note_path_raw(const struct cache *c, struct buf *b, const char *file)
{
	buf_reset(b);
	buf_printf(b, "%s/notes/%s", c->dir, file);
}

/* Removes the notes of files this build did not make (cache.h: a note is
 * named after the file it serves, <kind>/<its path>): a cartography or a
 * département gone leaves none behind. The names' '+' are read as '/'
 * (a path with a '+' loses its note: the next build lays it out). */
static void clean_notes(const struct cache *c)
{
	struct fs_entry *v;
	size_t n;
	struct buf path = BUF_INIT;
	fs_join(&path, c->dir, "notes");
	if (fs_list(path.data, &v, &n) < 0) {
		buf_release(&path);
		return;
	}
	struct strmap rels = STRMAP_INIT;	/* a note's path: its first entry, + 1 */
	char *keep = xcalloc(n + 1, 1), **rel = xcalloc(n + 1, sizeof(*rel));
	for (size_t i = 0; i < n; i++) {
		const char *r = strchr(v[i].name, '+');
		if (!r)
			continue;
		rel[i] = xstrdup(r + 1);
		for (char *q = rel[i]; *q; q++)
			if (*q == '+')
				*q = '/';
		strmap_put(&rels, rel[i], (void *)(i + 1));
	}
	for (size_t i = 0; rels.n && i < c->n_now; i++)
		for (size_t k = 0; k < c->now[i]->n; k++) {
			void *at = strmap_get(&rels, c->now[i]->files[k].rel);
			if (at)
				keep[(size_t)at - 1] = 1;
		}
	for (size_t i = 0; i < n; i++)	/* notes of one file share its first's entry */
		if (rel[i])
			keep[i] = keep[(size_t)strmap_get(&rels, rel[i]) - 1];
	for (size_t i = 0; i < n; i++)
		if (!keep[i] && v[i].kind == FS_FILE) {
			note_path_raw(c, &path, v[i].name);
			unlink(path.data);
		}
	strmap_free(&rels);
	for (size_t i = 0; i < n; i++)
		free(rel[i]);
	free(rel);
	free(keep);
	fs_entries_free(v, n);
	buf_release(&path);
}

/* Makes the folder path unless it is there (a rebuild makes no folder it
 * has: tests/site.sh counts them). Returns 0 or -1. */
static int make_dir(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

void cache_each_file(const struct cache *c, void (*fn)(void *ctx, const struct publish_file *f),
    void *ctx)
{
	for (size_t i = 0; c && i < c->n_now; i++)
		for (size_t k = 0; k < c->now[i]->n; k++)
			fn(ctx, &c->now[i]->files[k]);
}


/* The path of note name in buf b. */
static void note_path(const struct cache *c, struct buf *b, const char *name)
{
	buf_reset(b);
	buf_printf(b, "%s/notes/", c->dir);
	for (const char *r = name; *r; r++)
		buf_putc(b, *r == '/' ? '+' : *r);
}

const char *cache_note_read(const struct cache *c, const char *name, size_t max, struct fs_view *out,
    size_t *n)
{
	fs_view_close(out);
	*n = 0;
	if (!c)
		return NULL;
	struct buf path = BUF_INIT;
	note_path(c, &path, name);
	size_t head = sizeof(NOTE_HEADER) - 1, tail = sizeof(struct digest);
	int ok = fs_view_open(path.data, max + head + tail, 1, out, NULL) == 0 && out->len >= head + tail &&
	    memcmp(out->data, NOTE_HEADER, head) == 0;
	buf_release(&path);
	if (ok) {
		struct digest want, got = digest_bytes(out->data, out->len - tail);
		memcpy(&want, out->data + out->len - tail, tail);
		ok = digest_eq(&want, &got);
	}
	if (!ok) {
		fs_view_close(out);
		return NULL;
	}
	*n = out->len - head - tail;
	return out->data + head;
}

void cache_note_write(const struct cache *c, const char *name, const void *data, size_t n)
{
	if (!c || views_were_cut(c))	/* the note kept holds for its own key */
		return;
	struct buf path = BUF_INIT, tmp = BUF_INIT;
	struct digest_ctx *k = digest_new();
	digest_add(k, NOTE_HEADER, sizeof(NOTE_HEADER) - 1);
	digest_add(k, data, n);
	struct digest all = digest_end(k);
	fs_join(&path, c->dir, "notes");
	/* index.<pid>…: clean_tmp removes it when this process was killed. */
	buf_printf(&tmp, "%s.%ld.n%lx.tmp", c->index, (long)getpid(), (unsigned long)pthread_self());
	int ok = make_dir(c->dir) == 0 && make_dir(path.data) == 0;
	note_path(c, &path, name);
	int fd = ok ? open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	ok = fd >= 0 && fs_write_fd(fd, NOTE_HEADER, sizeof(NOTE_HEADER) - 1) == 0 &&
	    (n == 0 || fs_write_fd(fd, data, n) == 0) && fs_write_fd(fd, &all, sizeof(all)) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok || fs_replace(tmp.data, path.data) < 0) {
		unlink(tmp.data);
		unlink(path.data);
	}
	buf_release(&path);
	buf_release(&tmp);
}

/* Appends the document d to b as the index has it; *latest takes the
 * latest time of its files trusted by their identity alone. */
static void put_doc(struct buf *b, const struct doc *d, long long *latest)
{
	char hex[33];
	digest_hex(&d->key, hex);
	buf_add(b, hex, 32);
	buf_putc(b, ' ');
	buf_put_unum(b, d->n, ' ');
	buf_put_unum(b, d->n_sizes, '\n');
	for (size_t k = 0; k < d->n; k++) {
		const struct publish_stat *st = &d->files[k].st;
		if (st->ok && publish_unread(&d->files[k].bytes))
			*latest = st->mtime > *latest ? st->mtime : *latest,
			*latest = st->ctime > *latest ? st->ctime : *latest;
		digest_hex(&d->files[k].bytes, hex);
		/* "%lld %s %llu %llu %lld %lld %s\n", without printf's cost */
		buf_put_num(b, d->files[k].size, ' ');
		buf_add(b, hex, 32);
		buf_putc(b, ' ');
		buf_put_unum(b, st->ok ? st->dev : 0, ' ');
		buf_put_unum(b, st->ok ? st->ino : 0, ' ');
		buf_put_num(b, st->ok ? st->mtime : -1, ' ');
		buf_put_num(b, st->ok ? st->ctime : -1, ' ');
		buf_puts(b, d->files[k].rel);
		buf_putc(b, '\n');
	}
	for (size_t k = 0; k < d->n_sizes; k++) {
		buf_put_num(b, d->sizes[k].size, ' ');
		buf_puts(b, d->sizes[k].rel);
		buf_putc(b, '\n');
	}
}

/* 1 when d is a document of the base index, as it was read. */
static int from_base(const struct cache *c, const struct doc *d)
{
	return d->at && d->at <= c->n_base && c->base[d->at - 1] == d;
}

/* Puts into b the journal of this build against the base read (the top
 * of this file): the base's documents it does not hold, then those it
 * holds that are not the base's as read. Returns 1 when it is small
 * enough to be written instead of the whole index, else 0 (b is then
 * empty and *latest as it was). */
static int journal_put(struct cache *c, struct buf *b, long long *latest)
{
	if (!c->base_len)
		return 0;
	char hex[33], *kept = xcalloc(c->n_base + 1, 1);
	long long was = *latest;
	for (size_t i = 0; i < c->n_now; i++)
		if (from_base(c, c->now[i]))
			kept[c->now[i]->at - 1] = 1;
	buf_puts(b, JOURNAL_HEADER);
	digest_hex(&c->base_sum, hex);
	buf_add(b, hex, 32);
	buf_putc(b, '\n');
	for (size_t i = 0; i < c->n_base; i++)
		if (!kept[i]) {
			digest_hex(&c->base[i]->key, hex);
			buf_puts(b, "- ");
			buf_add(b, hex, 32);
			buf_putc(b, '\n');
		}
	free(kept);
	c->saved_docs = 0;
	for (size_t i = 0; i < c->n_now && b->len <= c->base_len / 2; i++)
		if (!from_base(c, c->now[i])) {
			put_doc(b, c->now[i], latest);
			c->saved_docs++;
		}
	if (b->len <= c->base_len / 2)
		return 1;
	buf_reset(b);
	*latest = was;
	return 0;
}

int cache_save(struct cache *c)
{
	if (!c)
		return 0;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	long long coarse = (long long)now.tv_sec * 1000000000LL + now.tv_nsec, latest = -1;
	/* A build that changed few documents writes what changed (the
	 * journal), not the 4 MB of every one. */
	int journal = journal_put(c, &b, &latest);
	if (!journal) {
		buf_puts(&b, HEADER);
		for (size_t i = 0; i < c->n_now; i++)
			put_doc(&b, c->now[i], &latest);
		c->saved_docs = c->n_now;
	}
	c->saved_all = c->n_now;
	c->saved_journal = journal;
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, hex);
	buf_printf(&b, "end %s\n", hex);
	/* A file with no digest is trusted by its identity alone, which the
	 * next build takes as racy unless older than the index (read_stat):
	 * the index is written once the clock that stamps it has passed. */
	if (latest >= coarse)
		fs_wait_tick();
	/* index.<pid>…: clean_tmp removes it when this process was killed. */
	buf_printf(&tmp, "%s.%ld.%stmp", c->index, (long)getpid(), journal ? "j." : "");
	int rc = -1;
	if (make_dir(c->dir) == 0 && fs_write(tmp.data, b.data, b.len) == 0)
		rc = fs_replace(tmp.data, journal ? c->journal : c->index);
	int e = errno;
	if (rc < 0)
		unlink(tmp.data);
	else if (!journal)	/* of the base replaced: it names that one, read as none */
		unlink(c->journal);
	fs_join(&tmp, c->dir, "pieces");
	struct buf prev = BUF_INIT;
	fs_join(&prev, c->dir, "prev");
	if (rc == 0 && c->n_pieces && make_dir(tmp.data) == 0 && make_dir(prev.data) == 0)
		for (size_t i = 0; i < c->n_pieces; i++)
			save_pieces(c, c->pieces[i], i);
	if (rc == 0) {
		parts_memo_save(c);
		clean_notes(c);
	}
	clean_tmp(c);
	buf_release(&b);
	buf_release(&tmp);
	buf_release(&prev);
	errno = e;
	return rc;
}

void cache_saved(const struct cache *c, size_t *written, size_t *all, int *journal)
{
	*written = c ? c->saved_docs : 0;
	*all = c ? c->saved_all : 0;
	*journal = c ? c->saved_journal : 0;
}

void cache_restat(struct cache *c, const char *out)
{
	if (!c)
		return;
	struct buf path = BUF_INIT;
	fs_wait_tick();	/* not racy: a change after the look has a later time */
	for (size_t i = 0; i < c->n_now; i++) {	/* old's documents are read-only: copies */
		const struct doc *d = c->now[i];
		struct doc *d2 = arena_alloc(&c->a, sizeof(*d2));
		*d2 = *d;
		d2->files = arena_alloc(&c->a, (d->n + 1) * sizeof(*d2->files));
		for (size_t f = 0; f < d->n; f++) {
			d2->files[f] = d->files[f];
			fs_join(&path, out, d->files[f].rel);
			d2->files[f].st = publish_stat_of(path.data);
		}
		c->now[i] = d2;
	}
	for (size_t i = 0; i < c->n_pieces; i++) {
		struct cache_pieces *cp = c->pieces[i];
		struct stat st;
		fs_join(&path, out, cp->rel);
		cp->id = publish_stat_of(path.data);
		cp->id_size = cp->id.ok && lstat(path.data, &st) == 0 ? (long long)st.st_size : -1;
	}
	buf_release(&path);
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	index_join(c);
	doc_map_free(&c->old);
	arena_free(&c->a);
	for (size_t i = 0; i < c->n_pieces; i++)
		pieces_free(c->pieces[i]);
	free(c->pieces);
	free(c->parts);
	strmap_free(&c->parts_memo);
	buf_release(&c->parts_now);
	arena_free(&c->pa);
	buf_release(&c->index_text);
	buf_release(&c->journal_text);
	free(c->journal);
	free(c->base);
	free(c->parts_path);
	free(c->keys);
	free(c->key_at);
	free(c->suites_at);
	free(c->ends_at);
	free(c->groups);
	if (keyed == c)
		keyed = NULL;
	rows_memo_clear();
	pthread_mutex_destroy(&c->lock);
	free(c->now);
	free(c->dir);
	free(c->index);
	free(c);
}
