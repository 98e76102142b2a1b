/*
 * The build cache's index and keys (cache.h). The index is text:
 *
 *	carto-cache 2
 *	<key> <files> <sizes>	one line per document, then its files,
 *	<size> <digest> <path>	each with its size and digest,
 *	<size> <path>		then the sizes of other documents' files it
 *	...			read (-1: there was none), which must hold
 *	end <digest of every byte above>
 *
 * keys and digests as 32 hex digits. Anything else (a truncated file, a
 * changed byte, another format) makes an empty cache. Documents are looked
 * up by key in a map read once; the new index collects, under a lock, the
 * documents of this build, whether put back or rendered. Start at
 * cache_open.
 */
#define _GNU_SOURCE
#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "../data/index.h"
#include "../data/model.h"
#include "backend.h"

#define HEADER "carto-cache 2\n"
#define INDEX_MAX (1u << 30)

struct doc {
	struct digest key;
	size_t n, n_sizes;
	struct publish_file *files;	/* in the cache's arena */
	struct publish_file *sizes;	/* publish_size's answers it read */
};

struct cache {
	char *dir, *index;		/* .<out>.cache and its index */
	struct digest global;
	struct strmap old;		/* key in hex -> struct doc *, read-only */
	struct arena a;			/* the old documents; the new ones, under lock */
	pthread_mutex_t lock;
	const struct doc **now;		/* this build's documents */
	size_t n_now, cap_now;
	atomic_size_t reused, rendered;
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

/* Reads a number at s followed by stop, at least lo; *after is past stop. */
static int read_num(const char *s, char stop, long long lo, char **after, long long *v)
{
	char *e;
	errno = 0;
	*v = strtoll(s, &e, 10);
	if (e == s || *e != stop || errno || *v < lo || s[0] == '+' || s[0] == ' ')
		return -1;
	*after = e + (stop != '\0');
	return 0;
}

/* Reads the n file lines "<size> <digest> <path>" (with_digest) or
 * "<size> <path>" at *s into v. Returns 0 or -1. */
static int read_files(char **s, char *end, struct publish_file *v, size_t n, int with_digest)
{
	for (size_t i = 0; i < n; i++) {
		char *line, *after;
		if (!(line = take_line(s, end)) ||
		    read_num(line, ' ', with_digest ? 0 : -1, &after, &v[i].size) < 0)
			return -1;
		if (with_digest && (strlen(after) < 34 || after[32] != ' ' ||
		    digest_parse(after, &v[i].bytes) < 0))
			return -1;
		v[i].rel = after + (with_digest ? 33 : 0);
		if (!publish_path_ok(v[i].rel))
			return -1;
	}
	return 0;
}

/* Parses the index text (modified in place); returns 0, or -1 when it is
 * not a complete index of this format (the caller then empties the map). */
static int parse(struct cache *c, char *text, size_t len)
{
	size_t hl = strlen(HEADER);
	if (len < hl + 37 || memcmp(text, HEADER, hl) != 0 || text[len - 1] != '\n')
		return -1;
	char *trailer = text + len - 37;	/* "end " + 32 hex + "\n" */
	struct digest want, got = digest_bytes(text, (size_t)(trailer - text));
	if (trailer[-1] != '\n' || memcmp(trailer, "end ", 4) != 0 ||
	    digest_parse(trailer + 4, &want) < 0 || !digest_eq(&want, &got))
		return -1;
	char *s = text + hl, *line;
	while (s < trailer) {
		struct doc *d = arena_alloc(&c->a, sizeof(*d));
		long long n, n_sizes;
		char *rest;
		if (!(line = take_line(&s, trailer)) || strlen(line) < 34 || line[32] != ' ' ||
		    digest_parse(line, &d->key) < 0 || read_num(line + 33, ' ', 0, &rest, &n) < 0 ||
		    read_num(rest, '\0', 0, &rest, &n_sizes) < 0 || n > 1 << 20 || n_sizes > 1 << 20)
			return -1;
		line[32] = '\0';
		d->n = (size_t)n;
		d->n_sizes = (size_t)n_sizes;
		d->files = arena_alloc(&c->a, (d->n + 1) * sizeof(*d->files));
		d->sizes = arena_alloc(&c->a, (d->n_sizes + 1) * sizeof(*d->sizes));
		if (read_files(&s, trailer, d->files, d->n, 1) < 0 ||
		    read_files(&s, trailer, d->sizes, d->n_sizes, 0) < 0)
			return -1;
		strmap_put(&c->old, line, d);
	}
	return 0;
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
 * older one rendered). */
static int global_key(struct cache *c, const struct site *s, const struct build_opts *o)
{
	struct digest exe;
	if (digest_file("/proc/self/exe", &exe, NULL) < 0)
		return -1;
	struct digest_ctx *k = digest_new();
	digest_str(k, HEADER);
	digest_str(k, CARTO_VERSION);
	digest_fold(k, &exe);
	libraries(k);
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

struct cache *cache_open(const struct publish *p, const struct site *s,
    const struct build_opts *o)
{
	if (o->no_cache)
		return NULL;
	struct cache *c = xcalloc(1, sizeof(*c));
	if (global_key(c, s, o) < 0) {
		free(c);
		return NULL;
	}
	c->old = (struct strmap)STRMAP_INIT;
	c->a = (struct arena)ARENA_INIT;
	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->reused, 0);
	atomic_init(&c->rendered, 0);
	c->dir = publish_beside(p->out, "cache");
	struct buf path = BUF_INIT, text = BUF_INIT;
	fs_join(&path, c->dir, "index");
	c->index = buf_detach(&path, NULL);
	if (fs_read(c->index, INDEX_MAX, &text) == 0) {
		char *copy = arena_alloc(&c->a, text.len + 1);
		memcpy(copy, text.data, text.len + 1);
		if (parse(c, copy, text.len) < 0) {
			strmap_free(&c->old);	/* the documents stay in the arena, unused */
			c->old = (struct strmap)STRMAP_INIT;
		}
	}
	buf_release(&text);
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

void cache_key_org(struct digest_ctx *k, const struct organisme *o)
{
	digest_str(k, o->file);
	digest_fold(k, &o->src);
	digest_str(k, o->id.s);
}

void cache_key_suites(struct digest_ctx *k, const struct organisme *o)
{
	for (size_t i = 0; i < o->n_offres; i++) {
		const struct offre *of = &o->offres[i];
		digest_num(k, (long long)of->n_suites);
		for (size_t j = 0; j < of->n_suites; j++) {
			const struct suite *su = &of->suites[j];
			cache_key_org(k, su->o->org);
			digest_str(k, su->o->id.s);
			digest_str(k, su->from->id.s);
			digest_str(k, su->to->id.s);
			digest_add(k, &su->km, sizeof(su->km));
			digest_num(k, su->same_dep);
			digest_str(k, su->public);
		}
	}
}

void cache_key_rows(struct digest_ctx *k, const struct rowref *r, size_t n)
{
	digest_num(k, (long long)n);
	for (size_t i = 0; i < n; i++) {
		cache_key_org(k, r[i].o->org);
		digest_str(k, r[i].o->id.s);
		digest_str(k, r[i].l->id.s);
	}
}

void cache_key_row_suites(struct digest_ctx *k, const struct rowref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!i || r[i].o->org != r[i - 1].o->org)	/* an organisation's rows come together */
			cache_key_suites(k, r[i].o->org);
}

void cache_key_model(struct digest_ctx *k, const struct site *s)
{
	digest_fold(k, &s->model);
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
	char hex[33];
	digest_hex(&j->key, hex);
	const struct doc *old = strmap_get(&c->old, hex);
	size_t i = 0, m = 0;
	/* The other documents' files it read must be as they were. */
	while (old && m < old->n_sizes && publish_size(p, old->sizes[m].rel) == old->sizes[m].size)
		m++;
	while (old && m == old->n_sizes && i < old->n &&
	    publish_reuse(p, old->files[i].rel, old->files[i].size, &old->files[i].bytes) == 0)
		i++;
	if (old && m == old->n_sizes && i == old->n) {
		keep(c, old);
		j->files = old->files;
		j->n_files = old->n;
		atomic_fetch_add(&c->reused, 1);
		return 1;
	}
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

size_t cache_reused(const struct cache *c)
{
	return c ? atomic_load(&c->reused) : 0;
}

size_t cache_rendered(const struct cache *c)
{
	return c ? atomic_load(&c->rendered) : 0;
}

/* Removes what killed builds left in the cache's folder: index.<pid>.tmp
 * of a process that is gone. */
static void clean_tmp(const struct cache *c)
{
	struct fs_entry *v;
	size_t n;
	struct buf path = BUF_INIT;
	if (fs_list(c->dir, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		long pid = strncmp(v[i].name, "index.", 6) == 0 ? strtol(v[i].name + 6, NULL, 10) : 0;
		if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			fs_join(&path, c->dir, v[i].name);
			unlink(path.data);
		}
	}
	fs_entries_free(v, n);
	buf_release(&path);
}

int cache_save(struct cache *c)
{
	if (!c)
		return 0;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	buf_puts(&b, HEADER);
	for (size_t i = 0; i < c->n_now; i++) {
		const struct doc *d = c->now[i];
		digest_hex(&d->key, hex);
		buf_printf(&b, "%s %zu %zu\n", hex, d->n, d->n_sizes);
		for (size_t k = 0; k < d->n; k++) {
			digest_hex(&d->files[k].bytes, hex);
			buf_printf(&b, "%lld %s %s\n", d->files[k].size, hex, d->files[k].rel);
		}
		for (size_t k = 0; k < d->n_sizes; k++)
			buf_printf(&b, "%lld %s\n", d->sizes[k].size, d->sizes[k].rel);
	}
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, hex);
	buf_printf(&b, "end %s\n", hex);
	buf_printf(&tmp, "%s.%ld.tmp", c->index, (long)getpid());
	int rc = -1;
	if ((mkdir(c->dir, 0755) == 0 || errno == EEXIST) && fs_write(tmp.data, b.data, b.len) == 0)
		rc = rename(tmp.data, c->index);
	int e = errno;
	if (rc < 0)
		unlink(tmp.data);
	clean_tmp(c);
	buf_release(&b);
	buf_release(&tmp);
	errno = e;
	return rc;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	strmap_free(&c->old);
	arena_free(&c->a);
	pthread_mutex_destroy(&c->lock);
	free(c->now);
	free(c->dir);
	free(c->index);
	free(c);
}
