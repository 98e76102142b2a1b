/*
 * The fingerprint of fingerprint.h. Its file is text:
 *
 *	carto-fingerprint 1
 *	key <digest of what does not come from files>
 *	status <exit status>
 *	say <stream> <length>	what was printed on stream 2 (the
 *	<bytes>			diagnostics), then 1 (the summary)
 *	i <kind> <errno> <dev> <inode> <size> <mtime> <ctime> <mode> <place>
 *	  <root length> <path length>	an input (fsrec.h), then its root
 *	<root><path>			and path, whatever bytes they hold
 *	o ...			a file or folder of the output, the same way
 *				(kind l, root empty, path relative to --out,
 *				"." for --out itself)
 *	end <digest of every byte above>
 *
 * Anything else (truncated, changed, another version's) is no fingerprint.
 * Start at fingerprint_open.
 */
#define _GNU_SOURCE
#include "fingerprint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/fsrec.h"
#include "base/mem.h"
#include "base/pool.h"
#include "render/backend.h"
#include "render/cache.h"
#include "render/publish.h"

#define HEADER "carto-fingerprint 1\n"
#define FILE_MAX (1u << 30)
#define SEC 1000000000LL

struct fingerprint {
	int off;		/* --no-cache, serve, a recovery that reported */
	int held;		/* the fingerprint read holds: replay it */
	int reading;		/* the recorder is on */
	char *out;		/* --out without trailing '/' */
	char *dir, *path;	/* the cache's folder and the fingerprint in it */
	struct digest key;
	long long start;	/* the coarse clock at the build's start, ns */
	struct buf err, say;	/* what the build printed on stderr, stdout */
	int status;		/* the recorded build's, when held */
	struct fsrec_entry *in;	/* what it read, once it is done */
	size_t n_in;
	int changed;		/* an input had two identities */
	int jobs;		/* --jobs: the output is looked at side by side */
};

static long long now_ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (long long)t.tv_sec * SEC + t.tv_nsec;
}

/* 1 when a time t may not tell a later change from the state it records,
 * against ref (a time that came after the state was taken): t is not older
 * than ref. A time with no nanoseconds may come from a file system that
 * keeps seconds (FAT: two of them): ref is then rounded down to that. */
static int racy(long long t, long long ref)
{
	if (t % SEC == 0)
		ref -= ref % (2 * SEC);
	return t >= ref;
}

/* The digest of what the output depends on that is not a file: carto
 * itself, the options that change output (those of the cache's global key
 * that do not come from the site), the day, and where the site, output and
 * share folders are (relative paths from the working folder). -1 when
 * carto's executable cannot be read. */
static int global_key(struct fingerprint *f, const struct fingerprint_args *a)
{
	struct digest carto;
	if (cache_carto_digest(&carto) < 0)
		return -1;
	struct digest_ctx *k = digest_new();
	char *cwd = getcwd(NULL, 0), *rs = realpath(a->site, NULL);
	digest_str(k, HEADER);
	digest_fold(k, &carto);
	digest_num(k, a->o->drafts);
	digest_num(k, a->o->preview);
	digest_num(k, a->o->xlsx_rows);
	digest_num(k, (long long)a->o->sitemap_max);
	digest_str(k, a->o->base_url);
	digest_str(k, a->o->xlsx_tmpdir);
	digest_num(k, a->today);
	digest_str(k, cwd);
	digest_str(k, a->site);
	digest_str(k, rs);
	digest_str(k, f->out);	/* its identity is an output's (put_output) */
	digest_str(k, a->share);
	free(cwd);
	free(rs);
	f->key = digest_end(k);
	return 0;
}

/* Reads a number at *s followed by stop; -1 when there is none. */
static int take_num(char **s, char stop, long long *v)
{
	char *e;
	errno = 0;
	*v = strtoll(*s, &e, 10);
	if (e == *s || *e != stop || errno)
		return -1;
	*s = e + 1;
	return 0;
}

/* Reads "<kind> <errno> ... <path length>\n<root><path>\n" at *s (before
 * end) into e (root and path NUL-terminated in place). -1 when malformed. */
static int take_entry(char **s, char *end, struct fsrec_entry *e)
{
	long long v[10];	/* errno, dev, inode, size, mtime, ctime, mode, place, two lengths */
	char *p = *s;
	if (end - p < 2 || p[1] != ' ')
		return -1;
	e->kind = p[0];
	p += 2;
	for (int i = 0; i < 10; i++)
		if (take_num(&p, i < 9 ? ' ' : '\n', &v[i]) < 0 || (i >= 8 && v[i] < 0))
			return -1;
	if (v[8] > end - p || v[9] > end - p - v[8] - 1 || p[v[8] + v[9]] != '\n')
		return -1;
	e->id = (struct fsrec_id){ (int)v[0], (unsigned long long)v[1], (unsigned long long)v[2], v[3],
		v[4], v[5], (unsigned)v[6], (int)v[7] };
	e->root = xstrndup(p, (size_t)v[8]);
	e->path = xstrndup(p + v[8], (size_t)v[9]);
	*s = p + v[8] + v[9] + 1;
	return 0;
}

/* 1 when the entry e (an input, or an output under f->out) is as
 * recorded, and its times were taken before ref. */
static int still(const struct fingerprint *f, const struct fsrec_entry *e, int output, long long ref,
    struct buf *tmp)
{
	const char *path = e->path;
	if (output && strcmp(path, ".") != 0) {
		fs_join(tmp, f->out, path);
		path = tmp->data;
	} else if (output)
		path = f->out;
	if (e->kind != FSREC_FOLLOW && e->kind != FSREC_LSTAT && e->kind != FSREC_PLACE)
		return 0;
	if (!e->id.err && e->kind != FSREC_PLACE && (racy(e->id.mtime, ref) || racy(e->id.ctime, ref)))
		return 0;
	struct fsrec_id now = fsrec_id_of((enum fsrec_kind)e->kind, e->root, path);
	return fsrec_id_eq(&now, &e->id);
}

/* Parses the fingerprint text (modified in place) and checks every entry;
 * 1 when it holds. */
static int holds(struct fingerprint *f, char *text, size_t len, long long written)
{
	size_t hl = strlen(HEADER);
	if (len < hl + 37 || memcmp(text, HEADER, hl) != 0 || text[len - 1] != '\n')
		return 0;
	char *trailer = text + len - 37, *s = text + hl;	/* "end " + 32 hex + "\n" */
	struct digest want, got = digest_bytes(text, (size_t)(trailer - text)), key;
	if (trailer[-1] != '\n' || memcmp(trailer, "end ", 4) != 0 ||
	    digest_parse(trailer + 4, &want) < 0 || !digest_eq(&want, &got))
		return 0;
	long long status, stream, n;
	if (strncmp(s, "key ", 4) != 0 || digest_parse(s + 4, &key) < 0 || s[36] != '\n' ||
	    !digest_eq(&key, &f->key))
		return 0;
	s += 37;
	if (strncmp(s, "status ", 7) != 0 || (s += 7, take_num(&s, '\n', &status)) < 0)
		return 0;
	f->status = (int)status;
	while (s < trailer && strncmp(s, "say ", 4) == 0) {
		s += 4;
		if (take_num(&s, ' ', &stream) < 0 || take_num(&s, '\n', &n) < 0 || n < 0 ||
		    n >= trailer - s || s[n] != '\n')
			return 0;
		buf_add(stream == 1 ? &f->say : &f->err, s, (size_t)n);
		s += n + 1;
	}
	struct buf tmp = BUF_INIT;
	int ok = 1;
	while (ok && s < trailer) {
		struct fsrec_entry e;
		int output = s[0] == 'o';
		ok = (s[0] == 'i' || output) && s[1] == ' ' && (s += 2, take_entry(&s, trailer, &e)) == 0;
		if (ok) {
			ok = still(f, &e, output, written, &tmp);
			free(e.root);
			free(e.path);
		}
	}
	buf_release(&tmp);
	return ok;
}

/* Reads the fingerprint at f->path and checks it: 1 when it holds. */
static int check(struct fingerprint *f)
{
	struct stat st;
	struct buf text = BUF_INIT;
	int ok = 0;
	if (stat(f->path, &st) == 0 && fs_read(f->path, FILE_MAX, &text) == 0) {
		long long written = (long long)st.st_mtim.tv_sec * SEC + st.st_mtim.tv_nsec;
		ok = holds(f, text.data, text.len, written);
	}
	buf_release(&text);
	if (!ok) {
		buf_reset(&f->err);
		buf_reset(&f->say);
	}
	return ok;
}

struct fingerprint *fingerprint_open(const struct fingerprint_args *a)
{
	struct fingerprint *f = xcalloc(1, sizeof(*f));
	f->err = (struct buf)BUF_INIT;
	f->say = (struct buf)BUF_INIT;
	f->out = xstrdup(a->out);
	f->jobs = a->o->jobs;
	size_t l = strlen(f->out);
	while (l > 1 && f->out[l - 1] == '/')
		f->out[--l] = '\0';
	f->dir = publish_beside(f->out, "cache");
	struct buf p = BUF_INIT;
	fs_join(&p, f->dir, "fingerprint");
	f->path = buf_detach(&p, NULL);
	f->off = a->off || a->o->no_cache || global_key(f, a) < 0;
	if (!f->off && check(f)) {
		f->held = 1;
		return f;
	}
	/* From here the build may publish: the fingerprint goes first. */
	if (unlink(f->path) < 0 && errno != ENOENT)
		f->off = 1;	/* and none is written after */
	if (f->off)
		return f;
	struct buf inside = BUF_INIT;
	buf_printf(&inside, "%s/", f->out);
	char *beside = publish_beside(f->out, "");
	const char *skip[] = { inside.data, beside };
	f->start = now_ns(CLOCK_REALTIME_COARSE);
	fsrec_start(skip, 2);
	f->reading = 1;
	diags_tee(&f->err);
	buf_release(&inside);
	free(beside);
	return f;
}

int fingerprint_replay(struct fingerprint *f, int *status)
{
	if (!f->held)
		return 0;
	fwrite(f->err.data, 1, f->err.len, stderr);
	fwrite(f->say.data, 1, f->say.len, stdout);
	printf("carto: nothing changed since the last build: %s is as it was\n", f->out);
	*status = f->status;
	return 1;
}

void fingerprint_end_reading(struct fingerprint *f)
{
	if (!f->reading)
		return;
	diags_tee(NULL);
	f->in = fsrec_stop(&f->n_in, &f->changed);
	f->reading = 0;
}

void fingerprint_say(struct fingerprint *f, const char *text)
{
	buf_puts(&f->say, text);
}

/* Appends the entry e with tag ('i' or 'o') to b. */
static void put_entry(struct buf *b, char tag, const struct fsrec_entry *e)
{
	const struct fsrec_id *id = &e->id;
	buf_printf(b, "%c %c %d %llu %llu %lld %lld %lld %u %d %zu %zu\n%s%s\n", tag, e->kind, id->err,
	    id->dev, id->ino, id->size, id->mtime, id->ctime, id->mode, id->place, strlen(e->root),
	    strlen(e->path), e->root, e->path);
}

static int cmp_name(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Lists the folder open as d into a sorted array of names (owned): the
 * bytewise order of fs_list. */
static char **names_of(DIR *d, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	struct dirent *de;
	*n = 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			v = xgrow(v, &cap, *n + 1, sizeof(*v));
			v[(*n)++] = xstrdup(de->d_name);
		}
	if (*n > 1)
		xqsort(v, *n, sizeof(*v), cmp_name);
	return v;
}

/* Appends the output's file or folder name (in the folder open as dir, or
 * the path itself with AT_FDCWD), rel under the output ("." the output
 * itself), to b with its identity. Each is looked at through its folder's
 * descriptor (fstatat), not by its whole path: the kernel walks no path,
 * and a rebuild of 10,000 organisations looks at 22,000 files. Returns the
 * folder opened when it is one, else NULL; *rc becomes -1 when it is
 * missing or racy (changed after ref). */
static DIR *put_one(int dir, const char *name, const char *rel, struct buf *b, long long ref, int *rc)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		*rc = -1;
		return NULL;
	}
	struct fsrec_entry e = { FSREC_LSTAT, (char *)"", (char *)rel, fsrec_id_stat(&st) };
	if (racy(e.id.mtime, ref) || racy(e.id.ctime, ref))
		*rc = -1;
	put_entry(b, 'o', &e);
	if (*rc < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		*rc = -1;
	}
	return d;
}

/* put_one, then a folder's entries in the order of their names, each
 * with what it holds. Returns 0, or -1 when one is missing or racy. */
static int put_output(int dir, const char *name, const char *rel, struct buf *b, long long ref)
{
	int rc = 0;
	DIR *d = put_one(dir, name, rel, b, ref, &rc);
	if (!d)
		return rc;
	size_t n;
	char **v = names_of(d, &n);
	struct buf sub = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0) {
			buf_reset(&sub);
			if (strcmp(rel, ".") == 0)
				buf_puts(&sub, v[i]);
			else
				fs_join(&sub, rel, v[i]);
			rc = put_output(dirfd(d), v[i], sub.data, b, ref);
		}
		free(v[i]);
	}
	free(v);
	buf_release(&sub);
	closedir(d);
	return rc;
}

/* The output looked at side by side: the output and its first level in
 * the caller's thread, then each entry of a first-level folder (an
 * organisation's folder, a PDF) with what it holds as a job of the pool
 * (base/pool.h), into a buffer of its own; the buffers are joined in the
 * order put_output gives, so the bytes are the same for any jobs. */
struct unit {
	int dir;		/* its folder's descriptor (dirs[]) */
	char *name, *rel;	/* owned */
	struct buf head;	/* the entries put before it, in order */
	struct buf body;	/* its own and those under it */
	int rc;
};

struct walk {
	struct unit *u;
	size_t n, cap;
	DIR **dirs;		/* the first-level folders, open until the jobs end */
	size_t n_dirs, cap_dirs;
	struct buf pending;	/* entries not yet given to a unit */
	long long ref;
};

static int walk_job(void *ctx, size_t i, struct pool_worker *w)
{
	(void)w;
	struct walk *wk = ctx;
	struct unit *u = &wk->u[i];
	u->rc = put_output(u->dir, u->name, u->rel, &u->body, wk->ref);
	return 0;
}

/* put_output of the whole output, on f->jobs threads. */
static int put_output_all(const struct fingerprint *f, struct buf *b, long long ref)
{
	struct walk wk = { .pending = BUF_INIT, .ref = ref };
	struct buf rel = BUF_INIT;
	int rc = 0;
	size_t n_top = 0;
	char **top = NULL;
	DIR *root = put_one(AT_FDCWD, f->out, ".", &wk.pending, ref, &rc);
	if (root)
		top = names_of(root, &n_top);
	for (size_t i = 0; i < n_top; i++) {
		DIR *d = rc == 0 ? put_one(dirfd(root), top[i], top[i], &wk.pending, ref, &rc) : NULL;
		size_t n = 0;
		char **v = d ? names_of(d, &n) : NULL;
		if (d) {
			wk.dirs = xgrow(wk.dirs, &wk.cap_dirs, wk.n_dirs + 1, sizeof(*wk.dirs));
			wk.dirs[wk.n_dirs++] = d;
		}
		for (size_t k = 0; k < n; k++) {
			buf_reset(&rel);
			fs_join(&rel, top[i], v[k]);
			wk.u = xgrow(wk.u, &wk.cap, wk.n + 1, sizeof(*wk.u));
			wk.u[wk.n++] = (struct unit){ dirfd(d), v[k], xstrdup(rel.data), wk.pending, BUF_INIT, 0 };
			wk.pending = (struct buf)BUF_INIT;
		}
		free(v);
		free(top[i]);
	}
	free(top);
	if (rc == 0) {
		struct diags d = DIAGS_INIT;	/* the jobs report nothing */
		pool_run(wk.n, f->jobs, walk_job, &wk, &d, NULL);
		diags_free(&d);
	}
	for (size_t i = 0; i < wk.n; i++) {
		struct unit *u = &wk.u[i];
		if (u->rc < 0)
			rc = -1;
		if (rc == 0) {
			buf_add(b, u->head.data, u->head.len);
			buf_add(b, u->body.data, u->body.len);
		}
		buf_release(&u->head);
		buf_release(&u->body);
		free(u->name);
		free(u->rel);
	}
	if (rc == 0)
		buf_add(b, wk.pending.data, wk.pending.len);
	for (size_t i = 0; i < wk.n_dirs; i++)
		closedir(wk.dirs[i]);
	if (root)
		closedir(root);
	free(wk.dirs);
	free(wk.u);
	buf_release(&wk.pending);
	buf_release(&rel);
	return rc;
}

/* Makes the folder path unless it is there (a rebuild makes no folder it
 * has: tests/site.sh counts them). */
static int make_dir(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int fingerprint_save(struct fingerprint *f, int status)
{
	fingerprint_end_reading(f);
	if (f->off || f->held || !f->in || f->changed)
		return 0;
	for (size_t i = 0; i < f->n_in; i++)
		if (!f->in[i].id.err && f->in[i].kind != FSREC_PLACE &&
		    (racy(f->in[i].id.mtime, f->start) || racy(f->in[i].id.ctime, f->start)))
			return 0;	/* changed since the build started, or just before */
	/* The output is looked at once the clock that stamps files has moved
	 * past its publication: a later change has a later time. */
	long long published = fs_wait_tick();
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	digest_hex(&f->key, hex);
	buf_printf(&b, HEADER "key %s\nstatus %d\n", hex, status);
	buf_printf(&b, "say 2 %zu\n", f->err.len);
	buf_add(&b, f->err.data, f->err.len);
	buf_printf(&b, "\nsay 1 %zu\n", f->say.len);
	buf_add(&b, f->say.data, f->say.len);
	buf_putc(&b, '\n');
	for (size_t i = 0; i < f->n_in; i++)
		put_entry(&b, 'i', &f->in[i]);
	int rc = 0;
	if (put_output_all(f, &b, published + 1) == 0) {
		struct digest all = digest_bytes(b.data, b.len);
		digest_hex(&all, hex);
		buf_printf(&b, "end %s\n", hex);
		buf_printf(&tmp, "%s.%ld.tmp", f->path, (long)getpid());
		rc = make_dir(f->dir) == 0 && fs_write(tmp.data, b.data, b.len) == 0 ? rename(tmp.data, f->path) : -1;
		int e = errno;
		if (rc < 0)
			unlink(tmp.data);
		errno = e;
	}
	buf_release(&b);
	buf_release(&tmp);
	return rc;
}

void fingerprint_free(struct fingerprint *f)
{
	if (!f)
		return;
	fingerprint_end_reading(f);
	fsrec_free(f->in, f->n_in);
	buf_release(&f->err);
	buf_release(&f->say);
	free(f->out);
	free(f->dir);
	free(f->path);
	free(f);
}
