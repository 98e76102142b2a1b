/*
 * The load snapshot (snap.h): the tree codec, then the file of records.
 * A tree is written in pre-order: the count of its distinct nodes, then each
 * node as a tag (its kind, whether a scalar is plain, and how its text
 * sits in the file: enum ytext) followed by its line, column, a block
 * scalar's indentation, size and weight as LEB128 numbers, a scalar's
 * bytes and a NUL, a collection's children; a node met again (an alias shares the
 * anchored node) is written as a reference to its number, so the tree
 * taken back shares the same nodes. The decoder checks every length
 * against the bytes left, the depth against ytree's, and that a reference
 * names a node already complete (so a corrupt snapshot cannot make a
 * cycle). Start at snap_open.
 */
#define _DEFAULT_SOURCE
#include "snap.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/fsview.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "ytree.h"

#define MAGIC "carto load snapshot 1\n"
#define MAGIC_LEN (sizeof(MAGIC) - 1)
#define HEAD_LEN (MAGIC_LEN + sizeof(struct digest))
#define REC_HEAD (2 * sizeof(struct digest) + sizeof(uint64_t))	/* key, length, sum */
#define SNAP_MAX ((size_t)4 << 30)
#define TAG_REF 3u

/* ---- the tree codec ---- */

/* Node numbers by address, while encoding one tree. */
struct seen {
	const struct ynode **key;
	size_t *id;
	size_t n, cap;		/* cap: a power of two */
};

static size_t slot_of(const struct seen *m, const struct ynode *k)
{
	uintptr_t h = (uintptr_t)k;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h >> 7) & (m->cap - 1);
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The number of k, or (size_t)-1 when it is new: then it gets next. */
static size_t seen_get(struct seen *m, const struct ynode *k, size_t next)
{
	if (2 * (m->n + 1) > m->cap) {
		struct seen g = { NULL, NULL, 0, m->cap ? 2 * m->cap : 64 };
		g.key = xcalloc(g.cap, sizeof(*g.key));
		g.id = xmalloc(g.cap * sizeof(*g.id));
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i]) {
				size_t j = slot_of(&g, m->key[i]);
				g.key[j] = m->key[i];
				g.id[j] = m->id[i];
			}
		g.n = m->n;
		free(m->key);
		free(m->id);
		*m = g;
	}
	size_t i = slot_of(m, k);
	if (m->key[i])
		return m->id[i];
	m->key[i] = k;
	m->id[i] = next;
	m->n++;
	return (size_t)-1;
}

static void put_var(struct buf *b, uint64_t v)
{
	buf_grow(b, 10);
	char *t = b->data + b->len;
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (char)v;
	b->len += n;
	b->data[b->len] = '\0';	/* as buf.h keeps it */
}

static void put_node(struct buf *b, struct seen *m, const struct ynode *n)
{
	size_t id = seen_get(m, n, m->n);
	if (id != (size_t)-1) {
		buf_putc(b, (char)TAG_REF);
		put_var(b, id);
		return;
	}
	buf_grow(b, 1);
	b->data[b->len++] = (char)((unsigned)n->kind | (n->plain ? 4u : 0u) | (unsigned)n->text << 3);	/* put_var ends it */
	put_var(b, n->line);
	put_var(b, n->col);
	if (n->text == YTEXT_LITERAL || n->text == YTEXT_FOLDED_BLOCK)
		put_var(b, n->indent);
	put_var(b, n->n);
	put_var(b, n->weight);
	if (n->kind == Y_SCALAR) {
		buf_add(b, n->u.s, n->n);
		buf_putc(b, '\0');
	} else if (n->kind == Y_SEQ)
		for (size_t i = 0; i < n->n; i++)
			put_node(b, m, n->u.items[i]);
	else
		for (size_t i = 0; i < n->n; i++) {
			put_node(b, m, n->u.pairs[i].key);
			put_node(b, m, n->u.pairs[i].val);
		}
}

void snap_encode(struct buf *b, const struct ynode *root)
{
	struct seen m = { 0 };
	struct buf t = BUF_INIT;
	put_node(&t, &m, root);
	put_var(b, m.n);
	buf_add(b, t.data, t.len);
	buf_release(&t);
	free(m.key);
	free(m.id);
}

struct dec {
	const unsigned char *p, *end;
	struct arena *a;
	struct ynode **ids;	/* by number; NULL until the node is complete */
	size_t n_ids, next;
	int bad;
};

static uint64_t get_var(struct dec *d)
{
	return snap_var_get(&d->p, d->end, &d->bad);
}

static struct ynode *get_node(struct dec *d, unsigned depth)
{
	if (d->bad || d->p >= d->end || depth > YTREE_MAX_DEPTH + 1) {
		d->bad = 1;
		return NULL;
	}
	unsigned tag = *d->p++;
	if (tag == TAG_REF) {
		uint64_t id = get_var(d);
		if (id >= d->next || !d->ids[id])
			d->bad = 1;
		return d->bad ? NULL : d->ids[id];
	}
	if ((tag & 3u) > Y_MAP || tag >> 3 > YTEXT_MAX || d->next >= d->n_ids) {
		d->bad = 1;
		return NULL;
	}
	size_t id = d->next++;
	struct ynode *n = arena_alloc(d->a, sizeof(*n));	/* zeroed */
	n->kind = (enum ykind)(tag & 3u);
	n->plain = (tag & 4u) != 0;
	n->text = (uint8_t)(tag >> 3);
	uint64_t line = get_var(d), col = get_var(d);
	uint64_t indent = n->text == YTEXT_LITERAL || n->text == YTEXT_FOLDED_BLOCK ? get_var(d) : 0;
	uint64_t len = get_var(d);
	n->weight = get_var(d);
	size_t left = (size_t)(d->end - d->p);
	if (d->bad || line > UINT32_MAX || col > UINT32_MAX || indent > UINT16_MAX || len > left) {
		d->bad = 1;
		return NULL;
	}
	n->line = (uint32_t)line;
	n->col = (uint32_t)col;
	n->indent = (uint16_t)indent;
	n->n = (size_t)len;
	if (n->kind == Y_SCALAR) {
		if (len >= left || d->p[len] != '\0') {
			d->bad = 1;
			return NULL;
		}
		n->u.s = (char *)d->p;
		d->p += len + 1;
	} else if (n->kind == Y_SEQ) {
		n->u.items = arena_alloc(d->a, n->n * sizeof(*n->u.items) + 1);
		for (size_t i = 0; i < n->n && !d->bad; i++)
			n->u.items[i] = get_node(d, depth + 1);
	} else {
		if (len > left / 2) {
			d->bad = 1;
			return NULL;
		}
		n->u.pairs = arena_alloc(d->a, n->n * sizeof(*n->u.pairs) + 1);
		for (size_t i = 0; i < n->n && !d->bad; i++) {
			struct ynode *k = get_node(d, depth + 1);
			if (k && k->kind != Y_SCALAR)
				d->bad = 1;
			n->u.pairs[i].key = k;
			n->u.pairs[i].val = get_node(d, depth + 1);
		}
	}
	if (d->bad)
		return NULL;
	d->ids[id] = n;
	return n;
}

struct ynode *snap_decode(const char *p, size_t len, struct arena *a)
{
	struct dec d = { (const unsigned char *)p, (const unsigned char *)p + len, a, NULL, 0, 0, 0 };
	uint64_t count = get_var(&d);
	/* A node takes at least five bytes. */
	if (d.bad || count == 0 || count > (uint64_t)(d.end - d.p) / 5)
		return NULL;
	d.n_ids = (size_t)count;
	d.ids = arena_alloc(a, d.n_ids * sizeof(*d.ids));
	memset(d.ids, 0, d.n_ids * sizeof(*d.ids));
	struct ynode *root = get_node(&d, 0);
	return d.bad || d.p != d.end || d.next != d.n_ids ? NULL : root;
}

/* ---- the file of records ---- */

/* A file's identity as a load found it, and the digest of its bytes. */
struct ident {
	const char *path;	/* as the load named it */
	long long v[6];		/* dev, inode, size, mtime, ctime (ns), mode */
	struct digest src;
};

enum { R_UNCHECKED, R_GOOD, R_BAD };

struct rec {
	struct digest key, sum;
	size_t off, len;	/* of the payload in the file's bytes */
	atomic_int state;
	atomic_int used;
};

struct added {
	struct digest key;
	char *data;
	size_t len;
};

struct snap {
	char *path;
	struct digest carto;
	const char *bytes;	/* the file's, bytes[len] readable and 0 */
	size_t len;
	struct fs_view view;	/* the file's bytes, mapped (or read) */
	int put;		/* snap_put records (else read only) */
	int valid;		/* the header is this carto's */
	int torn;		/* bytes after the last whole record */
	int listed;		/* records taken from <snapshot>.recs */
	dev_t dev;
	ino_t ino;		/* of the file read */
	long long ident[5];	/* of the file mapped or read (list_ident) */
	struct rec *recs;
	size_t n_recs;
	size_t *table;		/* record index + 1 by key; 0: free */
	size_t cap;		/* a power of two */
	atomic_int bad;		/* a record did not check */
	atomic_size_t taken;
	pthread_mutex_t lock;	/* guards added and noted */
	struct added *added;
	size_t n_added, cap_added;
	size_t n_put;		/* of them, trees (snap_put) */
	/* The identities of the files the last load read (snap_take_known). */
	long long start;	/* the coarse clock when opened, ns */
	struct fs_view ids_file;	/* the table viewed: known's paths point in it */
	struct ident *known;
	size_t n_known;
	struct strmap by_path;	/* path -> 1 + its place in known */
	struct ident *noted;	/* for the next load (snap_note) */
	size_t n_noted, cap_noted;
	atomic_size_t not_read;
	/* Opening (snap_open): the mapping and the listing of the records
	 * run in the thread opener while the caller lists the site. */
	pthread_t opener;
	int opening;		/* opener runs and is to be joined */
	atomic_int ready;	/* snap_ready has returned */
	pthread_mutex_t open_lock;	/* one thread waits for the opener */
};

static size_t *find_slot(struct snap *s, const struct digest *key)
{
	size_t i = (size_t)key->lo & (s->cap - 1);
	while (s->table[i] && !digest_eq(&s->recs[s->table[i] - 1].key, key))
		i = (i + 1) & (s->cap - 1);
	return &s->table[i];
}

/* Lists the records of the bytes read; a later record of a key replaces an
 * earlier one (an append after a record that did not check). */
static void index_records(struct snap *s)
{
	const char *p = s->bytes;
	size_t len = s->len, at = HEAD_LEN, n = 0;
	while (at < len && len - at >= REC_HEAD) {
		uint64_t plen;
		memcpy(&plen, p + at + sizeof(struct digest), sizeof(plen));
		if (plen > len - at - REC_HEAD)
			break;
		at += REC_HEAD + (size_t)plen;
		n++;
	}
	s->torn = at != len;
	s->recs = xcalloc(n ? n : 1, sizeof(*s->recs));
	for (s->cap = 16; s->cap < 2 * n; s->cap *= 2)
		;
	s->table = xcalloc(s->cap, sizeof(*s->table));
	at = HEAD_LEN;
	for (size_t i = 0; i < n; i++) {
		struct rec *r = &s->recs[i];
		uint64_t plen;
		memcpy(&r->key, p + at, sizeof(r->key));
		memcpy(&plen, p + at + sizeof(r->key), sizeof(plen));
		memcpy(&r->sum, p + at + sizeof(r->key) + sizeof(plen), sizeof(r->sum));
		r->off = at + REC_HEAD;
		r->len = (size_t)plen;
		atomic_init(&r->state, R_UNCHECKED);
		atomic_init(&r->used, 0);
		at = r->off + r->len;
		s->n_recs = i + 1;
		*find_slot(s, &r->key) = i + 1;
	}
}

/* ---- the file's bytes ----
 *
 * Mapped read only (base/fsview.h): its pages are the page cache's,
 * neither copied nor zeroed (a read into memory of our own faulted in and
 * filled tens of megabytes), all faulted in at once (MAP_POPULATE: the
 * records are walked whole). Nothing writes to the bytes, and carto never
 * truncates the file in place (snap_save appends or renames a new one over
 * it). Another program that does makes the mapped pages past the new end
 * read as 0s (fsview.c's SIGBUS handler), which the decoder's bounds and
 * the records' digests refuse, and never crash; the build then stops
 * before publishing (snap_cut). */
int snap_cut(struct snap *s)
{
	snap_ready(s);
	return s && fs_view_cut(&s->view);
}

/* Maps the snapshot at path into s (bytes, len). Returns 0, or -1 with
 * errno set. */
static int map_whole(struct snap *s, const char *path, struct stat *stp)
{
	if (fs_view_open(path, SNAP_MAX, 1, &s->view, stp) < 0)
		return -1;
	s->bytes = s->view.data;
	s->len = s->view.len;
	return 0;
}

/* Lets go of the file's bytes. */
static void unmap_whole(struct snap *s)
{
	fs_view_close(&s->view);
	s->bytes = NULL;
	s->len = 0;
}

/* ---- the identities of the files read (snap_take_known) ----
 *
 * Beside the snapshot, in <snapshot>.ids: "carto load ids 1\n", then per
 * file its path's length (4 bytes), the path and a NUL, its identity (six
 * 8-byte numbers) and the digest of its bytes, then the digest of every
 * byte above. Anything else is no table (every file is read). */

#define IDS_MAGIC "carto load ids 1\n"
#define IDS_MAGIC_LEN (sizeof(IDS_MAGIC) - 1)
#define IDS_MAX ((size_t)1 << 30)
#define SEC 1000000000LL

static void ident_of(const struct stat *st, long long *v)
{
	v[0] = (long long)st->st_dev;
	v[1] = (long long)st->st_ino;
	v[2] = (long long)st->st_size;
	v[3] = fs_time_ns(&st->st_mtim);
	v[4] = fs_time_ns(&st->st_ctim);
	v[5] = (long long)st->st_mode;
}

/* 1 when a file time t may not tell a later change from the state seen,
 * against ref, a time taken before the state was (the load's start): t
 * is not older than ref (a time in whole seconds may come from a file
 * system that keeps two: ref rounded down to that). As the fingerprint's
 * (generator/fingerprint.c) and git's racy-clean rule. */
static int ident_racy(long long t, long long ref)
{
	if (t % SEC == 0)
		ref -= ref % (2 * SEC);
	return t >= ref;
}

static void ids_path(const struct snap *s, struct buf *p)
{
	buf_reset(p);
	buf_printf(p, "%s.ids", s->path);
}

/* Reads the table into s->known; an unreadable or damaged one is none. */
static void ids_read(struct snap *s)
{
	struct buf p = BUF_INIT;
	ids_path(s, &p);
	struct fs_view *f = &s->ids_file;
	int ok = fs_view_open(p.data, IDS_MAX, 1, f, NULL) == 0 && f->len >= IDS_MAGIC_LEN + sizeof(struct digest) &&
	    memcmp(f->data, IDS_MAGIC, IDS_MAGIC_LEN) == 0;
	buf_release(&p);
	size_t end = ok ? f->len - sizeof(struct digest) : 0, at = IDS_MAGIC_LEN, cap = 0;
	if (ok) {
		struct digest sum, got = digest_bytes(f->data, end);
		memcpy(&sum, f->data + end, sizeof(sum));
		ok = digest_eq(&sum, &got);
	}
	const size_t fixed = 6 * sizeof(long long) + sizeof(struct digest);
	while (ok && at < end) {
		uint32_t len;
		if (end - at < sizeof(len)) {
			ok = 0;
			break;
		}
		memcpy(&len, f->data + at, sizeof(len));
		at += sizeof(len);
		if (len == 0 || (size_t)len >= end - at || end - at - len - 1 < fixed || f->data[at + len] != '\0' ||
		    memchr(f->data + at, '\0', len)) {
			ok = 0;
			break;
		}
		s->known = xgrow(s->known, &cap, s->n_known + 1, sizeof(*s->known));
		struct ident *e = &s->known[s->n_known];
		e->path = f->data + at;
		at += (size_t)len + 1;
		memcpy(e->v, f->data + at, sizeof(e->v));
		at += sizeof(e->v);
		memcpy(&e->src, f->data + at, sizeof(e->src));
		at += sizeof(e->src);
		s->n_known++;
	}
	/* The map made once at its size (grown as it filled, it hashed every
	 * path again at each doubling). */
	if (ok)
		strmap_reserve(&s->by_path, s->n_known);
	for (size_t i = 0; ok && i < s->n_known; i++)
		if (strmap_put(&s->by_path, s->known[i].path, (void *)(i + 1)))
			ok = 0;	/* a path twice: not a table carto wrote */
	if (!ok) {
		free(s->known);
		s->known = NULL;
		s->n_known = 0;
		strmap_free(&s->by_path);
		s->by_path = (struct strmap)STRMAP_INIT;
		fs_view_close(f);
	}
}

static void *ids_read_job(void *arg)
{
	ids_read(arg);
	return NULL;
}

/* The record of the file at path when its identity is still st, or NULL. */
static const struct ident *known(const struct snap *s, const char *path, const struct stat *st)
{
	uintptr_t at = s && s->n_known ? (uintptr_t)strmap_get(&s->by_path, path) : 0;
	if (!at)
		return NULL;
	long long v[6];
	ident_of(st, v);
	const struct ident *e = &s->known[at - 1];
	return memcmp(v, e->v, sizeof(v)) == 0 ? e : NULL;
}

int snap_take_known(struct snap *s, const char *path, const struct stat *st, const char *file,
    struct arena *a, struct diags *d, struct ynode **root, struct digest *src)
{
	snap_ready(s);
	const struct ident *e = known(s, path, st);
	if (!e || !snap_take(s, &e->src, file, a, d, root))
		return 0;
	*src = e->src;
	atomic_fetch_add(&s->not_read, 1);
	return 1;
}

void snap_note(struct snap *s, const char *path, const struct stat *st, const struct digest *src)
{
	snap_ready(s);
	if (!s || !s->put)
		return;
	struct ident e;
	ident_of(st, e.v);
	if (ident_racy(e.v[3], s->start) || ident_racy(e.v[4], s->start))
		return;	/* it may change again within the time it shows */
	e.path = xstrdup(path);
	e.src = *src;
	pthread_mutex_lock(&s->lock);
	s->noted = xgrow(s->noted, &s->cap_noted, s->n_noted + 1, sizeof(*s->noted));
	s->noted[s->n_noted++] = e;
	pthread_mutex_unlock(&s->lock);
}

size_t snap_not_read(const struct snap *s)
{
	return s ? atomic_load(&((struct snap *)s)->not_read) : 0;
}

static int by_ident_path(const void *a, const void *b)
{
	return strcmp(((const struct ident *)a)->path, ((const struct ident *)b)->path);
}

/* Writes the identities noted (in path order: the same table for the same
 * files, whatever the threads did), atomically. Returns 0 or -1. */
static int ids_write(struct snap *s)
{
	struct buf b = BUF_INIT, p = BUF_INIT, tmp = BUF_INIT;
	if (s->n_noted)
		qsort(s->noted, s->n_noted, sizeof(*s->noted), by_ident_path);
	buf_add(&b, IDS_MAGIC, IDS_MAGIC_LEN);
	for (size_t i = 0; i < s->n_noted; i++) {
		const struct ident *e = &s->noted[i];
		uint32_t len = (uint32_t)strlen(e->path);
		buf_add(&b, &len, sizeof(len));
		buf_add(&b, e->path, (size_t)len + 1);
		buf_add(&b, e->v, sizeof(e->v));
		buf_add(&b, &e->src, sizeof(e->src));
	}
	struct digest sum = digest_bytes(b.data, b.len);
	buf_add(&b, &sum, sizeof(sum));
	ids_path(s, &p);
	buf_printf(&tmp, "%s.%ld.tmp", p.data, (long)getpid());
	int rc = fs_write(tmp.data, b.data, b.len) == 0 ? fs_replace(tmp.data, p.data) : -1;
	int e = errno;
	if (rc < 0)
		unlink(tmp.data);
	errno = e;
	buf_release(&b);
	buf_release(&p);
	buf_release(&tmp);
	return rc;
}

/* ---- the listing of the records (<snapshot>.recs) ----
 *
 * Walking the records' heads touches a page of the file for each of them
 * (tens of thousands on a large site, each dear on a virtual machine whose
 * memory is first touched: about 1.3 µs a page measured), most of them
 * records the build will not take. So snap_save writes beside the file the
 * list it would find: "carto load records 1\n", the identity of the file
 * as written (device, inode, size, modification and change times in
 * nanoseconds), the count of records, then each record's key, payload
 * offset and length (8 bytes each) and payload digest, then the digest of
 * every byte above. A listing whose identity is not the file's, or that is
 * damaged, or whose records do not follow each other inside the file, is
 * none: the heads are walked. As the listing may still be wrong (the file
 * changed within the clock's tick), a record is used only after its head
 * in the file is found to be the listed one (checked), and its payload's
 * digest the head's. */

#define RECS_MAGIC "carto load records 1\n"
#define RECS_MAGIC_LEN (sizeof(RECS_MAGIC) - 1)
#define RECS_ENTRY (2 * sizeof(struct digest) + 2 * sizeof(uint64_t))

struct listing {
	struct buf b;		/* the entries, RECS_ENTRY bytes each */
	size_t n;
	int same;		/* the file is as listed already: not written */
	long long want[5];	/* the file's identity (list_ident) as written */
	size_t n_want;		/* of its numbers, those it must still have */
};

static void list_path(const struct snap *s, struct buf *p)
{
	buf_reset(p);
	buf_printf(p, "%s.recs", s->path);
}

/* ident_of's first five numbers (the mode left out). */
static void list_ident(const struct stat *st, long long *v)
{
	long long all[6];
	ident_of(st, all);
	memcpy(v, all, 5 * sizeof(*v));
}

static void list_add(struct listing *l, const struct digest *key, uint64_t off, uint64_t len,
    const struct digest *sum)
{
	buf_add(&l->b, key, sizeof(*key));
	buf_add(&l->b, &off, sizeof(off));
	buf_add(&l->b, &len, sizeof(len));
	buf_add(&l->b, sum, sizeof(*sum));
	l->n++;
}

/* Writes the listing l of the file just written (none when it cannot be
 * stated or written, or is no longer the one written, l->want: another
 * build's; the next load walks the heads). */
static void list_write(const struct snap *s, const struct listing *l)
{
	struct buf b = BUF_INIT, p = BUF_INIT, tmp = BUF_INIT;
	struct stat st;
	long long v[5];
	list_path(s, &p);
	int rc = -1, same = l->n_want && stat(s->path, &st) == 0;
	if (same)
		list_ident(&st, v);
	if (same && memcmp(v, l->want, l->n_want * sizeof(*v)) == 0) {
		uint64_t n = l->n;
		buf_add(&b, RECS_MAGIC, RECS_MAGIC_LEN);
		buf_add(&b, v, sizeof(v));
		buf_add(&b, &n, sizeof(n));
		buf_add(&b, l->b.data ? l->b.data : "", l->b.len);
		struct digest sum = digest_bytes(b.data, b.len);
		buf_add(&b, &sum, sizeof(sum));
		buf_printf(&tmp, "%s.%ld.tmp", p.data, (long)getpid());
		rc = fs_write(tmp.data, b.data, b.len) == 0 ? fs_replace(tmp.data, p.data) : -1;
		if (rc < 0)
			unlink(tmp.data);
	}
	if (rc < 0)
		unlink(p.data);
	buf_release(&b);
	buf_release(&p);
	buf_release(&tmp);
}

/* Lists the records from the listing beside the file, when it is the
 * file's (s->ident) and sound. Returns 1, or 0 (nothing set: walk). */
static int list_read(struct snap *s)
{
	struct buf p = BUF_INIT;
	struct fs_view f = FS_VIEW_INIT;
	list_path(s, &p);
	const size_t head = RECS_MAGIC_LEN + sizeof(s->ident) + sizeof(uint64_t);
	/* At most a record every REC_HEAD bytes of the file. */
	size_t max = head + sizeof(struct digest) + (s->len / REC_HEAD) * RECS_ENTRY;
	int ok = fs_view_open(p.data, max, 1, &f, NULL) == 0 && f.len >= head + sizeof(struct digest) &&
	    memcmp(f.data, RECS_MAGIC, RECS_MAGIC_LEN) == 0 &&
	    memcmp(f.data + RECS_MAGIC_LEN, s->ident, sizeof(s->ident)) == 0;
	buf_release(&p);
	uint64_t n = 0;
	size_t end = ok ? f.len - sizeof(struct digest) : 0;
	if (ok) {
		struct digest sum, got = digest_bytes(f.data, end);
		memcpy(&sum, f.data + end, sizeof(sum));
		memcpy(&n, f.data + RECS_MAGIC_LEN + sizeof(s->ident), sizeof(n));
		ok = digest_eq(&sum, &got) && (end - head) % RECS_ENTRY == 0 && (end - head) / RECS_ENTRY == n;
	}
	struct rec *recs = ok ? xcalloc(n ? n : 1, sizeof(*recs)) : NULL;
	size_t at = HEAD_LEN;	/* where the next record's head may start */
	for (uint64_t i = 0; ok && i < n; i++) {
		const char *e = f.data + head + i * RECS_ENTRY;
		uint64_t off, len;
		struct rec *r = &recs[i];
		memcpy(&r->key, e, sizeof(r->key));
		memcpy(&off, e + sizeof(r->key), sizeof(off));
		memcpy(&len, e + sizeof(r->key) + sizeof(off), sizeof(len));
		memcpy(&r->sum, e + sizeof(r->key) + 2 * sizeof(off), sizeof(r->sum));
		ok = off == at + REC_HEAD && off <= s->len && len <= s->len - off;
		r->off = (size_t)off;
		r->len = (size_t)len;
		atomic_init(&r->state, R_UNCHECKED);
		atomic_init(&r->used, 0);
		at = r->off + r->len;
	}
	fs_view_close(&f);
	if (!ok) {
		free(recs);
		return 0;
	}
	s->recs = recs;
	s->n_recs = (size_t)n;
	s->torn = at != s->len;
	s->listed = 1;
	for (s->cap = 16; s->cap < 2 * s->n_recs; s->cap *= 2)
		;
	s->table = xcalloc(s->cap, sizeof(*s->table));
	for (size_t i = 0; i < s->n_recs; i++)
		*find_slot(s, &s->recs[i].key) = i + 1;
	return 1;
}

/* What snap_open leaves to its thread: maps the file, checks its header,
 * lists its records beside the table of identities. */
static void open_whole(struct snap *s)
{
	struct stat st;
	if (map_whole(s, s->path, &st) == 0 && s->len >= HEAD_LEN && memcmp(s->bytes, MAGIC, MAGIC_LEN) == 0 &&
	    memcmp(s->bytes + MAGIC_LEN, &s->carto, sizeof(s->carto)) == 0) {
		s->valid = 1;
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		list_ident(&st, s->ident);
		/* Without the trees, identities are no use: the table is read
		 * only for a snapshot of this carto, beside the listing of its
		 * records (neither reads what the other fills). */
		pthread_t th;
		int started = pthread_create(&th, NULL, ids_read_job, s) == 0;
		if (!list_read(s))
			index_records(s);
		if (started)
			pthread_join(th, NULL);
		else
			ids_read(s);
	} else
		unmap_whole(s);
}

static void *open_job(void *arg)
{
	open_whole(arg);
	return NULL;
}

struct snap *snap_open(const char *path, const struct digest *carto, int put)
{
	struct snap *s = xcalloc(1, sizeof(*s));
	s->put = put;
	s->path = xstrdup(path);
	s->carto = *carto;
	s->view = (struct fs_view)FS_VIEW_INIT;
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->bad, 0);
	atomic_init(&s->taken, 0);
	atomic_init(&s->not_read, 0);
	atomic_init(&s->ready, 0);
	pthread_mutex_init(&s->open_lock, NULL);
	/* The racy-clean reference (ident_racy): read before the caller
	 * looks at any file, even while the opening runs. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	s->start = (long long)now.tv_sec * SEC + now.tv_nsec;
	s->ids_file = (struct fs_view)FS_VIEW_INIT;
	s->by_path = (struct strmap)STRMAP_INIT;
	s->opening = pthread_create(&s->opener, NULL, open_job, s) == 0;
	if (!s->opening)
		snap_ready(s);
	return s;
}

void snap_ready(struct snap *s)
{
	if (!s || atomic_load(&s->ready))
		return;
	pthread_mutex_lock(&s->open_lock);
	if (!atomic_load(&s->ready)) {
		if (s->opening)
			pthread_join(s->opener, NULL);
		else
			open_whole(s);
		s->opening = 0;
		atomic_store(&s->ready, 1);
	}
	pthread_mutex_unlock(&s->open_lock);
}

int snap_diags_get(const unsigned char **p, const unsigned char *end, const char *file, struct diags *d)
{
	struct dec dc = { *p, end, NULL, NULL, 0, 0, 0 };
	uint64_t n = get_var(&dc);
	for (uint64_t i = 0; i < n && !dc.bad; i++) {
		if (dc.p >= dc.end) {
			dc.bad = 1;
			break;
		}
		unsigned sev = *dc.p++;
		uint64_t line = get_var(&dc), col = get_var(&dc), len = get_var(&dc);
		if (dc.bad || sev < DIAG_WARNING || sev > DIAG_ERROR || line > UINT32_MAX || col > UINT32_MAX ||
		    len >= (uint64_t)(dc.end - dc.p) || dc.p[len] != '\0') {
			dc.bad = 1;
			break;
		}
		if (d)
			diag_add_msg(d, file, (uint32_t)line, (uint32_t)col, (enum diag_sev)sev,
			    (const char *)dc.p);
		dc.p += len + 1;
	}
	*p = dc.p;
	return dc.bad ? -1 : 0;
}

/* Reads the diagnostics of a record's payload at dc->p (snap_diags_get). */
static int get_diags(struct dec *dc, const char *file, struct diags *d)
{
	if (snap_diags_get(&dc->p, dc->end, file, d) < 0)
		dc->bad = 1;
	return dc->bad ? -1 : 0;
}

void snap_diag_put(struct buf *b, const struct diag *g)
{
	size_t len = strlen(g->msg);
	buf_putc(b, (char)g->sev);
	put_var(b, g->line);
	put_var(b, g->col);
	put_var(b, len);
	buf_add(b, g->msg, len + 1);
}

void snap_var_put(struct buf *b, uint64_t v)
{
	put_var(b, v);
}

/* 1 when the head in the file before r's payload is r's (key, length,
 * digest): always for a record whose head was walked, not for one taken
 * from a listing that is wrong. */
static int head_is(const struct snap *s, const struct rec *r)
{
	const char *h = s->bytes + r->off - REC_HEAD;
	uint64_t len = r->len;
	return memcmp(h, &r->key, sizeof(r->key)) == 0 && memcmp(h + sizeof(r->key), &len, sizeof(len)) == 0 &&
	    memcmp(h + sizeof(r->key) + sizeof(len), &r->sum, sizeof(r->sum)) == 0;
}

/* The record of key, its digest checked once; marked used. NULL when
 * absent or damaged. */
static struct rec *checked(struct snap *s, const struct digest *key)
{
	if (!s || !s->n_recs)
		return NULL;
	size_t at = *find_slot(s, key);
	if (!at)
		return NULL;
	struct rec *r = &s->recs[at - 1];
	int state = atomic_load(&r->state);
	if (state == R_UNCHECKED) {
		/* The head in the file is the one listed (list_read), and the
		 * payload's digest the head's. */
		struct digest sum = digest_bytes(s->bytes + r->off, r->len);
		state = head_is(s, r) && digest_eq(&sum, &r->sum) ? R_GOOD : R_BAD;
		atomic_store(&r->state, state);
	}
	if (state != R_GOOD) {
		atomic_store(&s->bad, 1);
		return NULL;
	}
	return r;
}

int snap_get(struct snap *s, const struct digest *key, const char **p, size_t *len)
{
	snap_ready(s);
	struct rec *r = checked(s, key);
	if (!r)
		return 0;
	*p = s->bytes + r->off;
	*len = r->len;
	atomic_store(&r->used, 1);
	atomic_fetch_add(&s->taken, 1);	/* a file taken, as its tree would be */
	return 1;
}

void snap_spoilt(struct snap *s, const struct digest *key)
{
	snap_ready(s);
	size_t at = s && s->n_recs ? *find_slot(s, key) : 0;
	if (!at)
		return;
	atomic_store(&s->recs[at - 1].state, R_BAD);
	atomic_store(&s->recs[at - 1].used, 0);
	atomic_store(&s->bad, 1);
	atomic_fetch_sub(&s->taken, 1);	/* snap_get counted it */
}

int snap_known(struct snap *s, const char *path, const struct stat *st, struct digest *src)
{
	snap_ready(s);
	const struct ident *e = known(s, path, st);
	size_t slot = e && s->n_recs ? *find_slot(s, &e->src) : 0;
	if (!slot || atomic_load(&s->recs[slot - 1].state) == R_BAD)
		return 0;
	atomic_store(&s->recs[slot - 1].used, 1);	/* its tree kept for the next load */
	*src = e->src;
	atomic_fetch_add(&s->not_read, 1);
	return 1;
}

static void add(struct snap *s, const struct digest *key, struct buf *b)
{
	pthread_mutex_lock(&s->lock);
	s->added = xgrow(s->added, &s->cap_added, s->n_added + 1, sizeof(*s->added));
	struct added *x = &s->added[s->n_added++];
	x->key = *key;
	x->len = b->len;
	x->data = buf_detach(b, NULL);
	pthread_mutex_unlock(&s->lock);
}

void snap_add(struct snap *s, const struct digest *key, struct buf *payload)
{
	snap_ready(s);
	if (!s || !s->put) {
		buf_release(payload);
		return;
	}
	add(s, key, payload);
}

int snap_take(struct snap *s, const struct digest *key, const char *file, struct arena *a,
    struct diags *d, struct ynode **root)
{
	snap_ready(s);
	struct rec *r = checked(s, key);
	if (!r)
		return 0;
	const char *p = s->bytes + r->off;
	struct dec dc = { (const unsigned char *)p, (const unsigned char *)p + r->len, a, NULL, 0, 0, 0 };
	struct ynode *t = NULL;
	if (get_diags(&dc, file, NULL) == 0)
		t = snap_decode((const char *)dc.p, (size_t)(dc.end - dc.p), a);
	if (!t) {
		atomic_store(&r->state, R_BAD);
		atomic_store(&s->bad, 1);
		return 0;
	}
	dc.p = (const unsigned char *)p;
	get_diags(&dc, file, d);
	atomic_store(&r->used, 1);
	atomic_fetch_add(&s->taken, 1);
	*root = t;
	return 1;
}

void snap_put(struct snap *s, const struct digest *key, const struct ynode *root,
    const struct diags *d, size_t from)
{
	snap_ready(s);
	if (!s || !s->put || !root)
		return;
	struct buf b = BUF_INIT;
	put_var(&b, d->n - from);
	for (size_t i = from; i < d->n; i++)
		snap_diag_put(&b, &d->v[i]);
	snap_encode(&b, root);
	add(s, key, &b);
	pthread_mutex_lock(&s->lock);
	s->n_put++;
	pthread_mutex_unlock(&s->lock);
}

size_t snap_taken(const struct snap *s)
{
	return s ? atomic_load(&((struct snap *)s)->taken) : 0;
}

size_t snap_records(const struct snap *s, int *listed)
{
	snap_ready((struct snap *)s);
	*listed = s && s->listed;
	return s ? s->n_recs : 0;
}

size_t snap_added(const struct snap *s)
{
	return s ? s->n_put : 0;
}

/* Appends to b a record's head (key, length, digest of the payload); its
 * payload follows it. Returns the payload's digest. */
static struct digest put_head(struct buf *b, const struct digest *key, const char *data, size_t len)
{
	uint64_t n = len;
	struct digest sum = digest_bytes(data, len);
	buf_add(b, key, sizeof(*key));
	buf_add(b, &n, sizeof(n));
	buf_add(b, &sum, sizeof(sum));
	return sum;
}

/* Writes to fd the records added (after what b holds), through b, a
 * megabyte at a time, listing them in l from offset *at of the file (what
 * b holds included), which it moves past them. Returns 0 or -1. */
static int put_added(const struct snap *s, int fd, struct buf *b, struct listing *l, size_t *at)
{
	int rc = 0;
	*at += b->len;
	for (size_t i = 0; i < s->n_added && rc == 0; i++) {
		const struct added *x = &s->added[i];
		struct digest sum = put_head(b, &x->key, x->data, x->len);
		buf_add(b, x->data, x->len);
		list_add(l, &x->key, *at + REC_HEAD, x->len, &sum);
		*at += REC_HEAD + x->len;
		if (b->len >= (1u << 20)) {
			rc = fs_write_fd(fd, b->data, b->len);
			buf_reset(b);
		}
	}
	return rc == 0 ? fs_write_fd(fd, b->data, b->len) : -1;
}

/* Appends the records added to the file read, when it is still the same
 * (and whole: no torn bytes before them), listing all in l. Returns 0, or
 * -1 (then the caller writes it again). */
static int append(struct snap *s, struct listing *l)
{
	int fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < s->n_recs; i++)
		list_add(l, &s->recs[i].key, s->recs[i].off, s->recs[i].len, &s->recs[i].sum);
	size_t at = s->len;
	int rc = fstat(fd, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino &&
	    (size_t)st.st_size == s->len ? put_added(s, fd, &b, l, &at) : -1;
	if (rc == 0 && fstat(fd, &st) == 0 && (size_t)st.st_size == at) {	/* else another build appended too */
		list_ident(&st, l->want);
		l->n_want = 3;	/* device, inode, size (the times change after) */
	}
	if (close(fd) < 0)
		rc = -1;
	buf_release(&b);
	return rc;
}

/* Writes the file again: the records used, then the ones added, into a new
 * file renamed over it, listing them in l. Returns 0, or -1 with errno
 * set. */
static int rewrite(struct snap *s, struct listing *l)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char *dir = xstrdup(s->path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	buf_printf(&tmp, "%s.%ld.tmp", s->path, (long)getpid());
	struct stat st;
	int fd = -1, rc = -1;
	buf_reset(&l->b);
	l->n = 0;
	if (!slash || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) || mkdir(dir, 0755) == 0 || errno == EEXIST)
		fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		buf_add(&b, MAGIC, MAGIC_LEN);
		buf_add(&b, &s->carto, sizeof(s->carto));
		rc = fs_write_fd(fd, b.data, b.len);
		size_t at = b.len;
		buf_reset(&b);
		for (size_t i = 0; i < s->n_recs && rc == 0; i++)
			if (atomic_load(&s->recs[i].used) && atomic_load(&s->recs[i].state) != R_BAD &&
			    head_is(s, &s->recs[i])) {
				const struct rec *r = &s->recs[i];
				rc = fs_write_fd(fd, s->bytes + r->off - REC_HEAD, REC_HEAD + r->len);
				list_add(l, &r->key, at + REC_HEAD, r->len, &r->sum);
				at += REC_HEAD + r->len;
			}
		if (rc == 0)
			rc = put_added(s, fd, &b, l, &at);
		if (rc == 0 && fstat(fd, &st) == 0) {
			list_ident(&st, l->want);
			l->n_want = 3;	/* the rename changes its change time */
		}
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0)
			rc = fs_replace(tmp.data, s->path);
		int e = errno;
		if (rc < 0)
			unlink(tmp.data);
		errno = e;
	}
	free(dir);
	buf_release(&b);
	buf_release(&tmp);
	return rc;
}

/* Writes the records (see snap_save), listing them in l. */
static int save_records(struct snap *s, struct listing *l)
{
	size_t live = 0, stale = 0;
	for (size_t i = 0; i < s->n_recs; i++)
		*(atomic_load(&s->recs[i].used) ? &live : &stale) += REC_HEAD + s->recs[i].len;
	if (!s->valid || s->torn || atomic_load(&s->bad) || stale > live)
		return rewrite(s, l);
	if (!s->n_added) {	/* the file as it was */
		memcpy(l->want, s->ident, sizeof(l->want));
		l->n_want = 5;	/* still the very file read */
		l->same = s->listed;
		for (size_t i = 0; !l->same && i < s->n_recs; i++)
			list_add(l, &s->recs[i].key, s->recs[i].off, s->recs[i].len, &s->recs[i].sum);
		return 0;
	}
	if (append(s, l) == 0)
		return 0;
	return rewrite(s, l);	/* another build replaced it, or the write failed */
}

int snap_save(struct snap *s)
{
	snap_ready(s);
	if (!s || !s->put)
		return 0;
	/* The identities name trees: written after them, and none when the
	 * trees could not be (then every file is read). */
	struct buf p = BUF_INIT, lp = BUF_INIT;
	struct listing l = { BUF_INIT, 0, 0, { 0 }, 0 };
	ids_path(s, &p);
	list_path(s, &lp);
	int rc = snap_cut(s) ? 0 : save_records(s, &l);
	if (snap_cut(s)) {	/* what it held is gone (or was saved as 0s) */
		unlink(p.data);
		unlink(lp.data);
		unlink(s->path);
	} else if (rc == 0) {
		if (!l.same)
			list_write(s, &l);
		rc = ids_write(s);
	} else {
		int e = errno;
		unlink(p.data);
		unlink(lp.data);
		errno = e;
	}
	buf_release(&p);
	buf_release(&lp);
	buf_release(&l.b);
	return rc;
}

void snap_free(struct snap *s)
{
	if (!s)
		return;
	snap_ready(s);
	for (size_t i = 0; i < s->n_added; i++)
		free(s->added[i].data);
	free(s->added);
	free(s->recs);
	free(s->table);
	unmap_whole(s);
	for (size_t i = 0; i < s->n_noted; i++)
		free((char *)s->noted[i].path);
	free(s->noted);
	free(s->known);
	strmap_free(&s->by_path);
	fs_view_close(&s->ids_file);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}
