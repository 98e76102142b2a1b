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
#include <pthread.h>
#include <stdatomic.h>
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
#include "base/fsview.h"
#include "base/mem.h"
#include "base/pool.h"
#include "base/strmap.h"
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
	long long published;	/* the clock once published, ns, or -1 */
	int looked;		/* fingerprint_look: 0 not yet, 1 done
				 * (outputs), -1 none to write */
	struct buf outputs;	/* its entries of the output: the first half */
	struct buf outputs2;	/* and the second, written on a thread
				 * (written after outputs, not copied there) */
	struct buf inputs;	/* its entries of the inputs (fingerprint_look) */
	struct buf err, say;	/* what the build printed on stderr, stdout */
	int status;		/* the recorded build's, when held */
	struct fsrec_entry *in;	/* what it read, once it is done */
	size_t n_in;
	int changed;		/* an input had two identities */
	int jobs;		/* --jobs: the output is looked at side by side */
	int timing;		/* CARTO_TIMING: say how many were looked at */
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
static int take_num(const char **s, char stop, long long *v)
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
static int take_entry(const char **s, const char *end, struct fsrec_entry *e)
{
	long long v[10];	/* errno, dev, inode, size, mtime, ctime, mode, place, two lengths */
	const char *p = *s;
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
static int holds(struct fingerprint *f, const char *text, size_t len, long long written)
{
	size_t hl = strlen(HEADER);
	if (len < hl + 37 || memcmp(text, HEADER, hl) != 0 || text[len - 1] != '\n')
		return 0;
	const char *trailer = text + len - 37, *s = text + hl;	/* "end " + 32 hex + "\n" */
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
	struct fs_view text = FS_VIEW_INIT;
	int ok = 0;
	if (fs_view_open(f->path, FILE_MAX, 1, &text, &st) == 0) {
		long long written = fs_time_ns(&st.st_mtim);
		ok = holds(f, text.data, text.len, written);
	}
	fs_view_close(&text);
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
	f->published = -1;
	f->outputs = (struct buf)BUF_INIT;
	f->outputs2 = (struct buf)BUF_INIT;
	f->inputs = (struct buf)BUF_INIT;
	f->out = xstrdup(a->out);
	f->jobs = a->o->jobs;
	f->timing = a->o->timing;
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

void fingerprint_published(struct fingerprint *f)
{
	f->published = now_ns(CLOCK_REALTIME);
}

void fingerprint_say(struct fingerprint *f, const char *text)
{
	buf_puts(&f->say, text);
}

/* Appends the entry e with tag ('i' or 'o') to b. */
static void put_entry(struct buf *b, char tag, const struct fsrec_entry *e)
{
	const struct fsrec_id *id = &e->id;
	size_t nr = strlen(e->root), np = strlen(e->path);
	/* "%c %c %d %llu %llu %lld %lld %lld %u %d %zu %zu\n%s%s\n", by hand:
	 * printf was most of the save's time */
	char head[4] = { tag, ' ', e->kind, ' ' };
	buf_add(b, head, sizeof(head));
	buf_put_num(b, id->err, ' ');
	buf_put_unum(b, id->dev, ' ');
	buf_put_unum(b, id->ino, ' ');
	buf_put_num(b, id->size, ' ');
	buf_put_num(b, id->mtime, ' ');
	buf_put_num(b, id->ctime, ' ');
	buf_put_unum(b, id->mode, ' ');
	buf_put_num(b, id->place, ' ');
	buf_put_unum(b, nr, ' ');
	buf_put_unum(b, np, '\n');
	buf_add(b, e->root, nr);
	buf_add(b, e->path, np);
	buf_putc(b, '\n');
}

/* The output as the build produced it, noted once published: every file
 * and folder the publisher lists (publish_produced; a clean publication
 * leaves nothing else in the tree), and the output itself. A file the
 * build put back or rendered through the cache has its identity recorded
 * there, as it was once in place (cache_each_file): when its times are
 * older than the build's start, that identity is the file's now unless
 * something changed it since, which stamps a later time (then the next
 * build sees another identity and runs: never a wrong replay). Those are
 * not looked at again; the others (the folders, the files written or
 * linked in this build, whose change time is this build's, and those the
 * cache does not key) are, each by fstatat from the output's descriptor,
 * side by side on the pool, in chunks. A file looked at that the cache
 * recorded (its times this build's) must still have that identity: one
 * written into since it was in place (another program appending to a page
 * while the build ran, through the published name a page put back shares)
 * would otherwise be noted with its new identity, and the next build would
 * keep it as it is; then no fingerprint is written, and the next build runs
 * and finds it changed. The entries are noted in the order of their paths
 * (bytewise), so the bytes are the same for any jobs. */
struct out_entry {
	const char *rel;	/* "." for the output itself */
	const struct publish_file *known;	/* its recorded identity, or NULL */
	const struct publish_file *recorded;	/* the same, racy: looked at */
	int dir_known;		/* a folder whose identity the publisher took */
	struct fsrec_id id;
};

struct produced {
	struct out_entry *v;
	size_t n;
	int root;		/* the output's descriptor */
	const char *out;
	long long ref;		/* a time no output's may reach */
	_Atomic int failed;	/* one is missing or racy */
	size_t looked;		/* entries looked at (not known) */
	const struct publish_file **files;	/* the cache's, with an identity */
	size_t n_files, cap_files;
	long long start;
	struct publish *p;
};

#define LOOK_CHUNK 512

/* A path to note and where publish_produced listed it (1 + its index; 0
 * for the output itself): sorted as such, 16 bytes, rather than the
 * entries themselves. */
struct rel_at {
	const char *rel;
	size_t at;
};

static unsigned char byte_at(const struct rel_at *r, size_t d)
{
	return (unsigned char)r->rel[d];
}

static int cmp_rel_at(const void *pa, const void *pb)
{
	return strcmp(((const struct rel_at *)pa)->rel, ((const struct rel_at *)pb)->rel);
}

static void swap_at(struct rel_at *a, size_t i, size_t j)
{
	struct rel_at t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/* Sorts a[0..n) bytewise (strcmp's order), their first d bytes the same:
 * a three-way radix quicksort (Bentley and Sedgewick, "Fast algorithms for
 * sorting and searching strings", 1997), which reads each byte of the
 * shared beginnings once instead of once a comparison: the paths share
 * long ones ("pdf/organismes/org-00"), and qsort's comparisons were a
 * third of the save's time. The paths are distinct. Past a depth of
 * nested calls (paths made to nest them), qsort sorts the rest. */
static void sort_rels(struct rel_at *a, size_t n, size_t d, int depth)
{
	if (depth > 200) {
		xqsort(a, n, sizeof(*a), cmp_rel_at);
		return;
	}
	while (n > 1) {
		if (n < 12) {	/* insertion, by the rest of the bytes */
			for (size_t i = 1; i < n; i++)
				for (size_t j = i; j > 0 && strcmp(a[j - 1].rel + d, a[j].rel + d) > 0; j--)
					swap_at(a, j - 1, j);
			return;
		}
		unsigned char x = byte_at(&a[0], d), y = byte_at(&a[n / 2], d), z = byte_at(&a[n - 1], d);
		unsigned char v = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
		/* [0, lt): below v; [lt, i): v; (gt, n): above */
		size_t lt = 0, i = 0, gt = n;
		while (i < gt) {
			unsigned char c = byte_at(&a[i], d);
			if (c < v)
				swap_at(a, lt++, i++);
			else if (c > v)
				swap_at(a, i, --gt);
			else
				i++;
		}
		sort_rels(a, lt, d, depth + 1);
		sort_rels(a + gt, n - gt, d, depth + 1);
		if (v == 0)
			return;	/* those equal end here: one path */
		a += lt;
		n = gt - lt;
		d++;
	}
}

static void note_known(void *ctx, const struct publish_file *pf)
{
	struct produced *pr = ctx;
	if (!pf->st.ok)
		return;
	pr->files = xgrow(pr->files, &pr->cap_files, pr->n_files + 1, sizeof(*pr->files));
	pr->files[pr->n_files++] = pf;
}

/* 1 when the folder rel (open as fd, closed here) holds only what the
 * build produced: taken after its identity, so an entry added before that
 * is found here, and one added after changes the identity. */
static int only_produced(struct produced *pr, const char *rel, int fd, struct buf *sub)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	int only = 1;
	struct dirent *de;
	while (only && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		buf_reset(sub);
		if (strcmp(rel, ".") != 0)
			buf_printf(sub, "%s/", rel);
		buf_puts(sub, de->d_name);
		only = publish_has(pr->p, sub->data);
	}
	closedir(d);
	return only;
}

static int look_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct produced *pr = ctx;
	size_t end = (j + 1) * LOOK_CHUNK < pr->n ? (j + 1) * LOOK_CHUNK : pr->n;
	for (size_t i = j * LOOK_CHUNK; i < end && !atomic_load(&pr->failed); i++) {
		struct out_entry *e = &pr->v[i];
		struct stat st;
		if (e->known || e->dir_known)
			continue;
		int root = strcmp(e->rel, ".") == 0;
		if (fstatat(root ? AT_FDCWD : pr->root, root ? pr->out : e->rel, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			atomic_store(&pr->failed, 1);
			break;
		}
		e->id = fsrec_id_stat(&st);
		if (racy(e->id.mtime, pr->ref) || racy(e->id.ctime, pr->ref))
			atomic_store(&pr->failed, 1);
		const struct publish_file *r = e->recorded;
		if (r && (r->st.dev != e->id.dev || r->st.ino != e->id.ino || r->size != e->id.size ||
		    r->st.mtime != e->id.mtime || r->st.ctime != e->id.ctime))
			atomic_store(&pr->failed, 1);
		int fd;
		if (S_ISDIR(st.st_mode) && ((fd = openat(root ? AT_FDCWD : pr->root, root ? pr->out : e->rel,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 || !only_produced(pr, e->rel, fd, &w->tmp)))
			atomic_store(&pr->failed, 1);
	}
	return 0;
}

/* What put_produced hands a second thread, beside its own work: the
 * cache's files sorted, then the inputs' entries written (fingerprint.c's
 * two halves of the work, for the core the tail leaves idle). */
struct beside {
	struct rel_at *byrel;
	size_t n_byrel;
	const struct fingerprint *f;
	struct buf *inputs;
	const struct out_entry *v;	/* output entries [from, to) to write */
	size_t from, to;
	struct buf out;
};

static void *sort_beside(void *arg)
{
	struct beside *t = arg;
	sort_rels(t->byrel, t->n_byrel, 0, 0);
	buf_reset(t->inputs);
	buf_grow(t->inputs, t->f->n_in * 160);
	for (size_t i = 0; i < t->f->n_in; i++)
		put_entry(t->inputs, 'i', &t->f->in[i]);
	return NULL;
}

/* Appends the output entries v[from, to) to b. */
static void put_outputs(struct buf *b, const struct out_entry *v, size_t from, size_t to)
{
	buf_grow(b, (to - from) * 160);	/* about 140 bytes an entry: no copy as it grows */
	for (size_t i = from; i < to; i++) {
		struct fsrec_entry e = { FSREC_LSTAT, (char *)"", (char *)v[i].rel, v[i].id };
		put_entry(b, 'o', &e);
	}
}

static void *put_beside(void *arg)
{
	struct beside *t = arg;
	put_outputs(&t->out, t->v, t->from, t->to);
	return NULL;
}

/* Runs fn(t) on a thread of its own; 1 when it does (join it), 0 when it
 * ran here. */
static int run_beside(pthread_t *th, void *(*fn)(void *), struct beside *t)
{
	if (pthread_create(th, NULL, fn, t) == 0)
		return 1;
	fn(t);
	return 0;
}

/* Appends the output's entries to b and b2 (the first half, the second:
 * see above), and writes the inputs' into f->inputs on the way. Returns 0,
 * or -1 when an output is missing or racy (changed after ref). */
static int put_produced(struct fingerprint *f, struct publish *p, const struct cache *c,
    struct buf *b, struct buf *b2, long long ref)
{
	size_t nf, nd;
	unsigned fmode;
	const char **rel = publish_produced(p, &nf, &nd, &fmode);
	struct produced pr = { .n = nf + nd + 1, .out = f->out, .ref = ref, .start = f->start, .p = p };
	cache_each_file(c, note_known, &pr);
	struct rel_at *order = xmalloc(pr.n * sizeof(*order));
	order[0] = (struct rel_at){ ".", 0 };
	for (size_t i = 0; i < nf + nd; i++)
		order[i + 1] = (struct rel_at){ rel[i], i + 1 };
	/* The cache's files sorted the same way and met in one walk (two
	 * hash maps of 43,000 paths cost twice the sort): a produced file's
	 * recorded identity is one of its entries there, one not racy
	 * (known) when there is one. Sorted on a second thread, which then
	 * writes the inputs' entries, while this one sorts the outputs. */
	struct rel_at *byrel = xmalloc((pr.n_files + 1) * sizeof(*byrel));
	for (size_t k = 0; k < pr.n_files; k++)
		byrel[k] = (struct rel_at){ pr.files[k]->rel, k };
	struct beside side = { byrel, pr.n_files, f, &f->inputs, NULL, 0, 0, BUF_INIT };
	pthread_t th;
	int joined = run_beside(&th, sort_beside, &side);
	sort_rels(order, pr.n, 0, 0);
	if (joined)
		pthread_join(th, NULL);
	const struct publish_file **known = xcalloc(nf + 1, sizeof(*known)),
	    **recorded = xcalloc(nf + 1, sizeof(*recorded));
	for (size_t j = 0, k = 0; j < pr.n && k < pr.n_files;) {
		int cmp = strcmp(order[j].rel, byrel[k].rel);
		if (cmp < 0) {
			j++;
			continue;
		}
		if (cmp > 0) {
			k++;
			continue;
		}
		size_t i = order[j].at - 1;	/* "." is no cache's file: at > 0 */
		for (; k < pr.n_files && strcmp(byrel[k].rel, order[j].rel) == 0; k++) {
			const struct publish_file *pf = pr.files[byrel[k].at];
			if (i >= nf)
				continue;
			if (!racy(pf->st.mtime, pr.start) && !racy(pf->st.ctime, pr.start)) {
				if (!known[i])
					known[i] = pf;
			} else if (!recorded[i])
				recorded[i] = pf;
		}
		j++;
	}
	free(byrel);
	pr.v = xcalloc(pr.n, sizeof(*pr.v));
	pr.looked = pr.n;
	for (size_t j = 0; j < pr.n; j++) {
		struct out_entry *e = &pr.v[j];
		e->rel = order[j].rel;
		if (!order[j].at)
			continue;	/* the output itself: looked at */
		size_t i = order[j].at - 1;
		const struct publish_file *k = i < nf ? known[i] : NULL;
		struct publish_dir_id dk;
		if (!k && i < nf)
			e->recorded = recorded[i];
		if (k) {
			e->known = k;
			pr.looked--;
			e->id = (struct fsrec_id){ 0, k->st.dev, k->st.ino, k->size, k->st.mtime, k->st.ctime,
				S_IFREG | fmode, 0 };
		} else if (i >= nf && publish_dir_known(p, rel[i], &dk) && !racy(dk.mtime, dk.taken) &&
		    !racy(dk.ctime, dk.taken)) {
			e->dir_known = 1;
			pr.looked--;
			e->id = (struct fsrec_id){ 0, dk.dev, dk.ino, dk.size, dk.mtime, dk.ctime, dk.mode, 0 };
		}
	}
	free(rel);
	free(order);
	pr.root = open(f->out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = pr.root < 0 ? -1 : 0;
	if (rc == 0) {
		struct diags d = DIAGS_INIT;	/* the jobs report nothing */
		pool_run((pr.n + LOOK_CHUNK - 1) / LOOK_CHUNK, f->jobs, look_job, &pr, &d, NULL);
		diags_free(&d);
		close(pr.root);
		rc = atomic_load(&pr.failed) ? -1 : 0;
	}
	if (rc == 0) {	/* the second half written on a thread */
		struct beside half = { .v = pr.v, .from = pr.n / 2, .to = pr.n, .out = *b2 };
		joined = run_beside(&th, put_beside, &half);
		put_outputs(b, pr.v, 0, pr.n / 2);
		if (joined)
			pthread_join(th, NULL);
		*b2 = half.out;	/* written after b: 2.5 MB not copied */
	}
	if (f->timing)
		fprintf(stderr, "carto: fingerprint-output %zu entries, %zu looked at\n", pr.n, pr.looked);
	free(known);
	free(recorded);
	free(pr.files);
	free(pr.v);
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

void fingerprint_look(struct fingerprint *f, struct publish *p, const struct cache *c)
{
	fingerprint_end_reading(f);
	f->looked = -1;
	if (f->off || f->held || !f->in || f->changed)
		return;
	for (size_t i = 0; i < f->n_in; i++)
		if (!f->in[i].id.err && f->in[i].kind != FSREC_PLACE &&
		    (racy(f->in[i].id.mtime, f->start) || racy(f->in[i].id.ctime, f->start)))
			return;	/* changed since the build started, or just before */
	/* The output is looked at once the clock that stamps files has moved
	 * past its publication: a later change has a later time. The moment
	 * is taken right after the swap (fingerprint_published), so the
	 * stages since have mostly waited out the tick. */
	long long published = f->published;
	if (published < 0)
		published = fs_wait_tick();
	else
		for (int i = 0; i < 100 && now_ns(CLOCK_REALTIME_COARSE) <= published; i++)
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);	/* as fs_wait_tick */
	buf_reset(&f->outputs);
	buf_reset(&f->outputs2);
	if (put_produced(f, p, c, &f->outputs, &f->outputs2, published + 1) == 0)
		f->looked = 1;
}

/* Writes the parts v[0..n) then "end <digest of them>\n" to the file
 * path, new: no copy of the 5 MB of entries into one buffer (its fresh
 * pages were a third of the save). Returns 0, or -1 with errno set. */
static int write_parts(const char *path, const struct buf *v, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	struct digest_ctx *k = digest_new();
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		digest_add(k, v[i].data, v[i].len);
		if (rc == 0 && v[i].len)
			rc = fs_write_fd(fd, v[i].data, v[i].len);
	}
	struct digest all = digest_end(k);
	char end[38] = "end ";
	digest_hex(&all, end + 4);
	end[36] = '\n';
	if (rc == 0)
		rc = fs_write_fd(fd, end, 37);
	int e = errno;
	if (close(fd) < 0 && rc == 0)
		return -1;
	errno = e;
	return rc;
}

int fingerprint_save(struct fingerprint *f, int status, struct publish *p, const struct cache *c)
{
	if (!f->looked)
		fingerprint_look(f, p, c);
	if (f->looked < 0)
		return 0;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	digest_hex(&f->key, hex);
	buf_printf(&b, HEADER "key %s\nstatus %d\n", hex, status);
	buf_printf(&b, "say 2 %zu\n", f->err.len);
	buf_add(&b, f->err.data, f->err.len);
	buf_printf(&b, "\nsay 1 %zu\n", f->say.len);
	buf_add(&b, f->say.data, f->say.len);
	buf_putc(&b, '\n');
	/* the entries, written by fingerprint_look */
	const struct buf parts[] = { b, f->inputs, f->outputs, f->outputs2 };
	buf_printf(&tmp, "%s.%ld.tmp", f->path, (long)getpid());
	int rc = make_dir(f->dir) == 0 && write_parts(tmp.data, parts, 4) == 0 ? fs_replace(tmp.data, f->path) : -1;
	int e = errno;
	if (rc < 0)
		unlink(tmp.data);
	errno = e;
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
	buf_release(&f->outputs);
	buf_release(&f->outputs2);
	buf_release(&f->inputs);
	free(f->out);
	free(f->dir);
	free(f->path);
	free(f);
}
