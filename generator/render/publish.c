/*
 * Publication by exchange of two trees. The build brings the spare up to
 * date in place (publish_write and publish_done settle each file: kept
 * when its bytes are already there, linked to the published file when they
 * are that one's, else written as a new inode), removes what it did not
 * produce, then renameat2(RENAME_EXCHANGE) swaps it with --out in one step,
 * so readers see either the old or the new site, never a mix, and a crash
 * at any point leaves a complete --out; the old site becomes the spare.
 * Folders are created once a build (a map of the folders known to exist),
 * and each file put back unchanged is looked at once, from a descriptor
 * of a folder above it, its folder only by the prune unless something
 * changes in it (struct pdir).
 * Where the file system cannot exchange, the fallback renames the old
 * folder aside first (a short window without --out, never a mixed one); a
 * build killed in that window leaves the old folder aside, and the next
 * build puts it back before anything else, so the only copy of a site is
 * never removed. The spare is never trusted: a file in it counts only by
 * its bytes, and what cannot be removed from it makes the build publish a
 * clean copy instead (hard links to what it wrote). The manifest is a
 * map from path to size behind one mutex (it is also the set of files this
 * build produced); a write that fails is recorded there with its errno,
 * read in the thread where it failed.
 */
#define _GNU_SOURCE
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
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
#include "../base/pool.h"
#include "../base/strmap.h"

/* The suffix of the files publish_open and publish_prepare give, put in
 * place by publish_done: no output name ends so. Files inside the tree are
 * moved with renameat, the publication's own steps with rename: the tests
 * place a kill between those by counting rename calls. */
#define NEW_SUFFIX ".carto-new"

/* .<out>.<what>.<pid> beside out; without a pid (-1), .<out>.<what>. */

struct publish_files {
	pthread_mutex_t lock;
	struct strmap by_rel;	/* rel (owned by the entry) -> struct entry */
	struct diags failed;	/* writes that failed, and publish_commit's warnings */
	struct strmap dirs;	/* folders of the new tree: rel -> struct pdir */
	struct arena keys;	/* dirs' keys and values */
	struct pdir *root;	/* the new tree itself (its descriptor: tmp_fd) */
	atomic_int n_fds;	/* folders' descriptors open (pdir.fd) */
	struct strmap dir_ids;	/* rel -> struct publish_dir_id, once pruned */
	struct publish_dir_id *ids;	/* dir_ids' values */
	struct folder_rec *recs;	/* publish_folders_open's, a table by inode */
	size_t recs_mask;		/* its size less one (0: none read) */
	size_t recs_n;			/* the slots it fills */
	unsigned long long gen;		/* this build's generation of records */
	char *recs_path;		/* where they are kept, or NULL */
	struct digest *names;		/* by pruned folder: its names' sum */
	const char **pruned;		/* the folders pruned, as in prune_run */
	size_t n_pruned, listed, known;	/* folders, and how pruned */
	mode_t dir_mode, file_mode;	/* a fresh build's: 0777 and 0666 less the umask */
	int tmp_fd;		/* the new tree, open from publish_begin to
				 * publish_commit's prune, or -1 (tmp_lstat) */
};

/* A folder of the new tree (the value of dirs), in three states. PENDING:
 * named by a path of this build, not yet looked at; whoever finds it so
 * looks at it (dir_look) before going through it. LOOKED: looked at (seen
 * is its identity then, before this build changed anything in it) or made
 * by this build; a real folder, not a symbolic link. TRUSTED: not looked
 * at, because the folder holding it was found intact (its identity that
 * of a folders' record, kept once an earlier build pruned it, so its
 * entries are still those that build produced: files and real folders,
 * never a link); a path may go through it. Anything that changes a
 * folder's entries (a file written, linked or removed in it, a folder
 * made) looks at it first, so that seen, taken at the first look (or, for
 * a folder never looked at, by prune_job, since nothing changed it), is
 * what folder_known compares with the records. A folder that many looks
 * go through gets a descriptor (fd, O_PATH), from which they are made:
 * the kernel then walks one or two names, not the whole path. */
enum { DIR_PENDING, DIR_TRUSTED, DIR_LOOKED };

struct pdir {
	const char *rel;	/* the key in dirs ("" for the root) */
	const char *name;	/* its last name, in rel */
	struct pdir *up;	/* the folder holding it (NULL: the root) */
	atomic_int state;	/* DIR_PENDING, DIR_TRUSTED, DIR_LOOKED */
	atomic_int intact;	/* looked at with a record's identity */
	atomic_int fd;		/* its descriptor, or -1 */
	atomic_uint walks;	/* looks that went through it from above */
	struct publish_stat seen;	/* as first looked at (under the lock) */
	int seen_set;			/* seen taken (ok 0: made, or two looks differed) */
};

/* Looks through a folder before it gets a descriptor, and the most
 * descriptors a build holds (well under any limit of open files). */
#define DIR_FD_WALKS 4
#define DIR_FDS_MAX 64

/* A folder as a build pruned it (publish_folders_open): its identity once
 * its entries were those the build produced, the sum of their names'
 * digests (names_sum), and the generation of the build that wrote it. */
struct folder_rec {
	unsigned long long dev, ino;
	long long mtime, ctime;
	struct digest names;
	unsigned long long gen;
};

static const struct folder_rec *find_rec(const struct publish_files *f, const struct publish_stat *st);

struct entry {
	long long size;
	int mode_ok;		/* seen with the files' mode: prune need not look again */
	char rel[];		/* one allocation with the entry */
};

/* The process's umask, read where it can be without changing it (umask(2)
 * sets it: another thread could create a file in between). */
static mode_t umask_now(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned m;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &m) == 1) {
			fclose(f);
			return (mode_t)(m & 0777);
		}
	if (f)
		fclose(f);
	mode_t old = umask(022);
	umask(old);
	return old;
}

static struct publish_files *files_new(void)
{
	struct publish_files *f = xcalloc(1, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->by_rel = (struct strmap)STRMAP_INIT;
	f->failed = (struct diags)DIAGS_INIT;
	f->dirs = (struct strmap)STRMAP_INIT;
	f->dir_ids = (struct strmap)STRMAP_INIT;
	f->keys = (struct arena)ARENA_INIT;
	f->root = arena_alloc(&f->keys, sizeof(*f->root));
	memset(f->root, 0, sizeof(*f->root));
	f->root->rel = f->root->name = "";
	atomic_init(&f->root->state, DIR_LOOKED);
	atomic_init(&f->root->fd, -1);
	mode_t mask = umask_now();
	f->dir_mode = 0777 & ~mask;
	f->file_mode = 0666 & ~mask;
	f->tmp_fd = -1;
	return f;
}

/* Closes the folders' descriptors and the tree's: before the tree is
 * renamed, or freed. */
static void dirs_close(struct publish_files *f)
{
	for (size_t i = 0; i < f->dirs.cap; i++)
		if (f->dirs.slots[i].key) {
			struct pdir *d = f->dirs.slots[i].val;
			int fd = atomic_exchange(&d->fd, -1);
			if (fd >= 0)
				close(fd);
		}
	atomic_store(&f->root->fd, -1);
	if (f->tmp_fd >= 0)
		close(f->tmp_fd);
	f->tmp_fd = -1;
}

static void files_free(struct publish_files *f)
{
	if (!f)
		return;
	dirs_close(f);
	for (size_t i = 0; i < f->by_rel.cap; i++)
		if (f->by_rel.slots[i].key)
			free(f->by_rel.slots[i].val);	/* its key with it */
	strmap_free(&f->by_rel);
	strmap_free(&f->dirs);
	strmap_free(&f->dir_ids);
	free(f->ids);
	free(f->recs);
	free(f->recs_path);
	free(f->names);
	free(f->pruned);
	arena_free(&f->keys);
	diags_free(&f->failed);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* The calling thread's capture (publish_capture_start), or NULL. */
static _Thread_local struct publish_capture *capture;

void publish_capture_start(struct publish_capture *c)
{
	memset(c, 0, sizeof(*c));
	capture = c;
}

void publish_capture_stop(void)
{
	capture = NULL;
}

void publish_capture_free(struct publish_capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].rel);
	for (size_t i = 0; i < c->n_sizes; i++)
		free(c->sizes[i].rel);
	free(c->v);
	free(c->sizes);
	memset(c, 0, sizeof(*c));
}

/* Adds rel to the thread's capture, with the digest of data, or of the
 * file at path (in the new tree) when data is NULL, or none (unread), and
 * the identity of the file at path. */
static void capture_add(const char *rel, long long size, const void *data, const char *path,
    int unread)
{
	struct publish_capture *c = capture;
	struct digest d = PUBLISH_UNREAD;
	if (!c)
		return;
	if (unread)
		;
	else if (data)
		d = digest_bytes(data, (size_t)size);
	else if (digest_file(path, &d, NULL) < 0) {
		c->failed = 1;
		return;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = (struct publish_file){ xstrdup(rel), size, d, publish_stat_of(path) };
}

static struct publish_stat stat_id(const struct stat *st)
{
	return (struct publish_stat){ (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		fs_time_ns(&st->st_mtim),
		fs_time_ns(&st->st_ctim), 1 };
}

struct publish_stat publish_stat_of(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return (struct publish_stat){ 0, 0, 0, 0, 0 };
	return stat_id(&st);
}

int publish_stat_eq(const struct publish_stat *a, const struct publish_stat *b)
{
	return a->ok && b->ok && a->dev == b->dev && a->ino == b->ino && a->mtime == b->mtime &&
	    a->ctime == b->ctime;
}

/* Most files are recorded once: the entry is made before the lock, which
 * is held for one probe of the map (the copy is freed when rel was there). */
static void record(struct publish *p, const char *rel, long long size, int mode_ok)
{
	struct publish_files *f = p->files;
	size_t n = strlen(rel) + 1;
	struct entry *e = xmalloc(sizeof(*e) + n);
	memcpy(e->rel, rel, n);
	e->size = size;
	e->mode_ok = mode_ok;
	pthread_mutex_lock(&f->lock);
	struct entry *had = strmap_put(&f->by_rel, e->rel, e);
	if (had) {
		had->size = size;
		had->mode_ok = mode_ok;
	}
	pthread_mutex_unlock(&f->lock);
	if (had)
		free(e);
}

/* Records that rel could not be written, with the reason in errno (read
 * here, in the thread that failed). Returns -1 for the caller to return. */
static int failed(struct publish *p, const char *rel)
{
	int err = errno;
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	diag_add(&f->failed, rel, 0, 0, DIAG_ERROR, "cannot write: %s", strerror(err));
	pthread_mutex_unlock(&f->lock);
	errno = err;
	return -1;
}

/* .<out>.<what>.<pid> beside out; without a pid (-1), .<out>.<what>. */
static char *sibling(const char *out, const char *what, long pid)
{
	struct buf b = BUF_INIT;
	const char *slash = strrchr(out, '/');
	if (slash) {
		buf_add(&b, out, (size_t)(slash - out) + 1);
		buf_printf(&b, ".%s.%s", slash + 1, what);
	} else
		buf_printf(&b, ".%s.%s", out, what);
	if (pid >= 0)
		buf_printf(&b, ".%ld", pid);
	return buf_detach(&b, NULL);
}

char *publish_beside(const char *out, const char *what)
{
	return sibling(out, what, -1);
}

/* Leftovers of builds that died: .<out>.tmp.<pid> (a new site, maybe half
 * written) and .<out>.old.<pid> (the previous site, renamed aside by the
 * fallback). When out is missing, the most recently renamed .old is the
 * published site: it goes back to out. Everything else is removed; what
 * cannot be is a warning in d. */
static void clean_leftovers(const char *out, struct diags *d)
{
	const char *slash = strrchr(out, '/');
	struct buf dir = BUF_INIT, prefix = BUF_INIT, path = BUF_INIT, back = BUF_INIT;
	if (slash)
		buf_add(&dir, out, (size_t)(slash - out));
	else
		buf_puts(&dir, ".");
	if (!dir.len)
		buf_puts(&dir, "/");
	buf_printf(&prefix, ".%s.", slash ? slash + 1 : out);
	struct fs_entry *v;
	size_t n;
	if (fs_list(dir.data, &v, &n) < 0)
		goto done;
	int missing = !fs_exists(out);
	struct timespec newest = { 0, 0 };
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const char *name = v[i].name;
			if (strncmp(name, prefix.data, prefix.len) != 0)
				continue;
			const char *rest = name + prefix.len;
			int old = strncmp(rest, "old.", 4) == 0;
			if (!old && strncmp(rest, "tmp.", 4) != 0)
				continue;
			long pid = strtol(rest + 4, NULL, 10);
			if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) == 0)
				continue;	/* another build is running */
			fs_join(&path, dir.data, name);
			struct stat st;
			if (pass == 0) {	/* find the copy to put back */
				if (missing && old && lstat(path.data, &st) == 0 && S_ISDIR(st.st_mode) &&
				    (!back.len || st.st_ctim.tv_sec > newest.tv_sec ||
					(st.st_ctim.tv_sec == newest.tv_sec && st.st_ctim.tv_nsec > newest.tv_nsec))) {
					newest = st.st_ctim;
					buf_reset(&back);
					buf_puts(&back, path.data);
				}
			} else if (fs_rmtree(path.data) < 0)
				diag_add(d, path.data, 0, 0, DIAG_WARNING,
				    "a previous build's leftover cannot be removed (%s): remove it by hand",
				    strerror(errno));
		}
		if (pass == 0 && back.len && rename(back.data, out) < 0)
			diag_add(d, back.data, 0, 0, DIAG_WARNING,
			    "the previous site cannot be put back as %s (%s)", out, strerror(errno));
	}
	fs_entries_free(v, n);
done:
	buf_release(&dir);
	buf_release(&prefix);
	buf_release(&path);
	buf_release(&back);
}

void publish_recover(const char *out, struct diags *d)
{
	char *o = xstrdup(out);
	size_t l = strlen(o);
	while (l > 1 && o[l - 1] == '/')
		o[--l] = '\0';
	clean_leftovers(o, d);
	free(o);
}

/* A folder of ours left read-only (chmod 555) is opened up: the build
 * writes into the spare. */
static void open_up(const char *path, const struct stat *st)
{
	if ((st->st_mode & S_IRWXU) != S_IRWXU && st->st_uid == geteuid())
		chmod(path, (st->st_mode & 07777) | S_IRWXU);
}

int publish_begin(struct publish *p, const char *out)
{
	p->out = xstrdup(out);
	p->files = files_new();
	size_t l = strlen(p->out);
	while (l > 1 && p->out[l - 1] == '/')
		p->out[--l] = '\0';
	p->tmp = sibling(p->out, "tmp", (long)getpid());
	p->spare = sibling(p->out, "spare", -1);
	fs_rmtree(p->tmp);
	/* Taking the spare by renaming it: two builds never share it. */
	struct stat st;
	int taken = 0;
	if (renameat(AT_FDCWD, p->spare, AT_FDCWD, p->tmp) == 0) {
		if (lstat(p->tmp, &st) == 0 && S_ISDIR(st.st_mode)) {
			open_up(p->tmp, &st);
			taken = 1;
		} else
			fs_rmtree(p->tmp);
	}
	if (!taken && mkdir(p->tmp, 0755) < 0)
		return -1;
	p->files->tmp_fd = open(p->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	atomic_store(&p->files->root->fd, p->files->tmp_fd);
	return 0;
}

int publish_path_ok(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return 0;
	const char *s = rel;
	while (*s) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
		if (*s == '/')
			s++;
	}
	return rel[strlen(rel) - 1] != '/';
}

/* 1 when rel[0..n) is in set (the files or the folders of this build). */
static int made_here(struct publish *p, const struct strmap *set, const char *rel, size_t n)
{
	char key[4096];
	if (n >= sizeof(key))
		return 0;
	memcpy(key, rel, n);
	key[n] = '\0';
	pthread_mutex_lock(&p->files->lock);
	int had = strmap_get(set, key) != NULL;
	pthread_mutex_unlock(&p->files->lock);
	return had;
}

/* The folder rel[0..n) of this build, or NULL; n 0: the root. With up
 * (its folder), it is added when missing, PENDING, or TRUSTED when up was
 * found intact (struct pdir). */
static struct pdir *dir_at(struct publish *p, const char *rel, size_t n, struct pdir *up)
{
	struct publish_files *f = p->files;
	char key[4096];
	if (n == 0)
		return f->root;
	if (n >= sizeof(key))
		return NULL;
	memcpy(key, rel, n);
	key[n] = '\0';
	pthread_mutex_lock(&f->lock);
	struct pdir *d = strmap_get(&f->dirs, key);
	if (!d && up) {
		char *k = arena_alloc(&f->keys, n + 1);
		memcpy(k, key, n + 1);
		d = arena_alloc(&f->keys, sizeof(*d));
		memset(d, 0, sizeof(*d));
		d->rel = k;
		d->name = strrchr(k, '/') ? strrchr(k, '/') + 1 : k;
		d->up = up;
		atomic_init(&d->state, atomic_load(&up->intact) ? DIR_TRUSTED : DIR_PENDING);
		atomic_init(&d->fd, -1);
		strmap_put(&f->dirs, k, d);
	}
	pthread_mutex_unlock(&f->lock);
	return d;
}

/* lstat of rel (a file or folder of the new tree, inside the folder d):
 * from the descriptor of d or of the nearest folder above it that has one
 * (the tree's own, opened by publish_begin, at worst), which spares the
 * kernel the walk of the path above it. The folders walked through are
 * LOOKED or TRUSTED (never a link: make_parents). A folder walked through
 * DIR_FD_WALKS times from above gets a descriptor (when open is set). The
 * tree is this build's alone (publish_begin renamed it out of every
 * other's way) until publish_commit, which closes the descriptors after
 * pruning; anything another program changes inside it is seen the same
 * way from them. base_of gives the descriptor (-1: none, use the path)
 * and the path from it (*from). */
static int base_of(struct publish *p, struct pdir *d, const char *rel, int open, const char **from)
{
	struct publish_files *f = p->files;
	struct pdir *base = d, *below = NULL;
	int fd;
	while ((fd = atomic_load(&base->fd)) < 0 && base->up) {
		below = base;
		base = base->up;
	}
	if (open && below && atomic_fetch_add(&below->walks, 1) + 1 == DIR_FD_WALKS && fd >= 0 &&
	    atomic_fetch_add(&f->n_fds, 1) < DIR_FDS_MAX) {
		int nfd = openat(fd, below->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd >= 0) {
			atomic_store(&below->fd, nfd);
			base = below;
			fd = nfd;
		}
	}
	*from = base->up ? rel + strlen(base->rel) + 1 : rel;
	return fd;
}

static int look(struct publish *p, struct pdir *d, const char *rel, struct stat *st, int open)
{
	const char *from;
	int fd = base_of(p, d, rel, open, &from);
	if (fd >= 0)
		return fstatat(fd, from, st, AT_SYMLINK_NOFOLLOW);
	struct buf full = BUF_INIT;	/* no descriptor of the tree: its path */
	fs_join(&full, p->tmp, rel);
	int rc = lstat(full.data, st);
	int e = errno;
	buf_release(&full);
	errno = e;
	return rc;
}

/* Opens the folder d of the new tree to list it, never through a link;
 * -1 with errno set when it cannot. */
static int open_dir(struct publish *p, struct pdir *d)
{
	const char *from;
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = d->up ? base_of(p, d->up, d->rel, 0, &from) : -1;
	if (fd >= 0)
		return openat(fd, from, flags);
	struct buf full = BUF_INIT;
	if (*d->rel)
		fs_join(&full, p->tmp, d->rel);
	else
		buf_puts(&full, p->tmp);
	int rc = open(full.data, flags);
	int e = errno;
	buf_release(&full);
	errno = e;
	return rc;
}

/* Records st (NULL: made by this build) as the identity d was first seen
 * with, and d as looked at; intact when that identity is a record's. */
static void dir_seen(struct publish *p, struct pdir *d, const struct stat *st)
{
	struct publish_files *f = p->files;
	struct publish_stat now = { 0, 0, 0, 0, 0 };
	if (st)
		now = stat_id(st);
	pthread_mutex_lock(&f->lock);
	if (!d->seen_set) {
		d->seen = now;
		d->seen_set = 1;
	} else if (!publish_stat_eq(&d->seen, &now))
		d->seen.ok = 0;	/* two threads looked, one after the other changed it */
	const struct folder_rec *c = d->seen.ok ? find_rec(f, &d->seen) : NULL;
	int intact = c && c->mtime == d->seen.mtime && c->ctime == d->seen.ctime;
	pthread_mutex_unlock(&f->lock);
	atomic_store(&d->intact, intact);
	atomic_store(&d->state, DIR_LOOKED);
}

/* Looks at the folder d once a build, before anything changes in it: what
 * stands where it goes (a file of an older site) is removed, a missing
 * one made, a read-only one of ours opened up. Returns 0, or -1 with
 * errno set. */
static int dir_look(struct publish *p, struct pdir *d)
{
	if (atomic_load(&d->state) == DIR_LOOKED)
		return 0;
	struct buf path = BUF_INIT;
	struct stat st;
	int rc = 0;
	fs_join(&path, p->tmp, d->rel);
	int there = look(p, d->up, d->rel, &st, 1) == 0;
	if (there && S_ISDIR(st.st_mode)) {
		dir_seen(p, d, &st);	/* before open_up changes it */
		open_up(path.data, &st);
		buf_release(&path);
		return 0;
	}
	/* Its folder changes: looked at first. */
	if ((!there && errno != ENOENT) || dir_look(p, d->up) < 0)
		rc = -1;
	else if (there && made_here(p, &p->files->by_rel, d->rel, strlen(d->rel)))
		errno = ENOTDIR, rc = -1;	/* a file of this build stays (a caller's bug) */
	else if (there && unlink(path.data) < 0)
		rc = -1;
	else if (mkdir(path.data, 0755) == 0)
		dir_seen(p, d, NULL);
	else if (errno == EEXIST && look(p, d->up, d->rel, &st, 0) == 0 && S_ISDIR(st.st_mode))
		dir_seen(p, d, &st);	/* another thread made it */
	else
		rc = -1;
	int e = errno;
	buf_release(&path);
	errno = e;
	return rc;
}

/* Makes sure the folders of rel exist in the new tree, each looked at once
 * a build (dir_look) unless the folder holding it was found intact (then
 * TRUSTED: see struct pdir), and the one holding rel itself when look_last
 * is set (something is about to change in it). *in is that folder (the
 * root for a file at the top). */
static int make_parents(struct publish *p, const char *rel, int look_last, struct pdir **in)
{
	const char *last = strrchr(rel, '/');
	struct pdir *up = p->files->root, *d;
	*in = up;
	if (!last)
		return 0;
	if ((d = dir_at(p, rel, (size_t)(last - rel), NULL)) && atomic_load(&d->state) != DIR_PENDING) {
		*in = d;
		return look_last ? dir_look(p, d) : 0;
	}
	for (const char *s = strchr(rel, '/'); s && s <= last; s = strchr(s + 1, '/')) {
		d = dir_at(p, rel, (size_t)(s - rel), up);
		if (!d || (atomic_load(&d->state) == DIR_PENDING && dir_look(p, d) < 0))
			return -1;
		up = d;
	}
	*in = up;
	return look_last ? dir_look(p, up) : 0;
}

/* 1 when the regular file path holds exactly the len bytes of data, or of
 * the file other when data is NULL. */
static int same_bytes(const char *path, const void *data, const char *other, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int fo = other ? open(other, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	char *a = xmalloc(2 * 65536), *b = a + 65536;
	size_t off = 0;
	int same = fd >= 0 && (!other || fo >= 0);
	while (same) {
		ssize_t n = read(fd, a, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			same = n == 0 && off == len;
			break;
		}
		if ((size_t)n > len - off) {
			same = 0;
			break;
		}
		if (other) {
			size_t got = 0;
			while (got < (size_t)n) {
				ssize_t m = read(fo, b + got, (size_t)n - got);
				if (m < 0 && errno == EINTR)
					continue;
				if (m <= 0)
					break;
				got += (size_t)m;
			}
			same = got == (size_t)n && memcmp(a, b, got) == 0;
		} else
			same = memcmp(a, (const char *)data + off, (size_t)n) == 0;
		off += (size_t)n;
	}
	free(a);
	if (fd >= 0)
		close(fd);
	if (fo >= 0)
		close(fo);
	return same;
}

/* Puts rel's new bytes in place in the new tree: data (len bytes), or the
 * file staged (NULL data). The file stays when it holds them already; it
 * becomes a hard link to the published file when that one holds them (its
 * mtime stays: rsync sends nothing); else it is written, as a new inode,
 * never into a file the published site shares. */
static int settle(struct publish *p, struct pdir *in, const char *rel, const void *data, size_t len,
    const char *staged, const struct stat *sst)
{
	struct buf t = BUF_INIT, o = BUF_INIT;
	fs_join(&t, p->tmp, rel);
	fs_join(&o, p->out, rel);
	struct stat st, so;
	int has_t = look(p, in, rel, &st, 1) == 0, kept = 0, rc = 0;
	if (has_t && S_ISDIR(st.st_mode)) {
		if (made_here(p, &p->files->dirs, rel, strlen(rel))) {
			buf_release(&t);
			buf_release(&o);
			errno = EISDIR;	/* a folder of this build: a caller's bug */
			return -1;
		}
		fs_rmtree(t.data);	/* a folder of an older site */
		has_t = 0;
	}
	if (lstat(o.data, &so) == 0 && S_ISREG(so.st_mode) && (size_t)so.st_size == len &&
	    ((sst && sst->st_ino == so.st_ino && sst->st_dev == so.st_dev) ||
	    same_bytes(o.data, data, staged, len))) {	/* staged as a link to it (sink.c) */
		if (has_t && st.st_ino == so.st_ino && st.st_dev == so.st_dev)
			kept = 1;
		else if (has_t && unlink(t.data) < 0 && errno != ENOENT)
			rc = -1;
		else {	/* the spare is not published: no need to swap */
			has_t = 0;
			kept = link(o.data, t.data) == 0;
		}
	}
	if (!kept && has_t && S_ISREG(st.st_mode) && (size_t)st.st_size == len &&
	    same_bytes(t.data, data, staged, len))
		kept = 1;
	if (kept) {
		if (staged)
			unlink(staged);
	} else if (rc == 0 && has_t && unlink(t.data) < 0 && errno != ENOENT)
		rc = -1;
	else if (rc == 0)
		rc = staged ? renameat(AT_FDCWD, staged, AT_FDCWD, t.data) : fs_write(t.data, data, len);
	int e = errno;
	buf_release(&t);
	buf_release(&o);
	errno = e;
	return rc;
}

/* The path checks and folders of every write (look_last: something will
 * change in rel's folder, *in). */
static int prepare(struct publish *p, const char *rel, int look_last, struct pdir **in)
{
	if (!publish_path_ok(rel) || strlen(rel) >= 4000) {
		errno = EINVAL;
		return -1;
	}
	return make_parents(p, rel, look_last, in);
}

/* Where publish_open and publish_prepare have a file for rel written. */
static void staged_path(struct publish *p, const char *rel, struct buf *path)
{
	fs_join(path, p->tmp, rel);
	buf_puts(path, NEW_SUFFIX);
}

int publish_prepare(struct publish *p, const char *rel, struct buf *path)
{
	struct pdir *in;
	if (prepare(p, rel, 1, &in) < 0)
		return failed(p, rel);
	staged_path(p, rel, path);
	unlink(path->data);	/* a killed build's */
	return 0;
}

int publish_write(struct publish *p, const char *rel, const void *data, size_t len)
{
	struct pdir *in;
	if (prepare(p, rel, 1, &in) < 0 || settle(p, in, rel, data, len, NULL, NULL) < 0)
		return failed(p, rel);
	record(p, rel, (long long)len, 0);
	if (capture) {
		struct buf t = BUF_INIT;
		fs_join(&t, p->tmp, rel);
		capture_add(rel, (long long)len, data ? data : "", t.data, 0);
		buf_release(&t);
	}
	return 0;
}

FILE *publish_open(struct publish *p, const char *rel)
{
	struct buf path = BUF_INIT;
	FILE *f = publish_prepare(p, rel, &path) == 0 ? fopen(path.data, "wb") : NULL;
	if (!f && path.len)
		failed(p, rel);
	buf_release(&path);
	return f;
}

static int done(struct publish *p, const char *rel, int unread);

/* publish_close, publish_close_unread. */
static int close_file(struct publish *p, const char *rel, FILE *f, int write_err, int unread)
{
	errno = 0;
	long long size = !write_err && fflush(f) == 0 && !ferror(f) ? ftello(f) : -1;
	int err = write_err ? write_err : size < 0 ? (errno ? errno : EIO) : 0;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		errno = err;
		return failed(p, rel);
	}
	return done(p, rel, unread);
}

int publish_close(struct publish *p, const char *rel, FILE *f, int write_err)
{
	return close_file(p, rel, f, write_err, 0);
}

int publish_close_unread(struct publish *p, const char *rel, FILE *f, int write_err)
{
	return close_file(p, rel, f, write_err, 1);
}

/* publish_done, the file's bytes read back for the capture unless unread. */
static int done(struct publish *p, const char *rel, int unread)
{
	struct buf path = BUF_INIT;
	struct stat st;
	staged_path(p, rel, &path);
	struct pdir *in;
	int rc = prepare(p, rel, 1, &in) == 0 ? stat(path.data, &st) : -1;
	if (rc == 0)
		rc = settle(p, in, rel, NULL, (size_t)st.st_size, path.data, &st);
	if (rc < 0) {
		buf_release(&path);
		return failed(p, rel);
	}
	record(p, rel, (long long)st.st_size, 0);
	if (capture) {
		fs_join(&path, p->tmp, rel);
		capture_add(rel, (long long)st.st_size, NULL, path.data, unread);
	}
	buf_release(&path);
	return 0;
}

int publish_done(struct publish *p, const char *rel)
{
	return done(p, rel, 0);
}

/* 1 when path is a regular file of size bytes whose digest is d; st is
 * filled either way (st_mode 0 when path is missing). */
static int holds(const char *path, struct stat *st, long long size, const struct digest *d)
{
	struct digest got;
	long long n;
	if (lstat(path, st) < 0) {
		st->st_mode = 0;
		return 0;
	}
	return S_ISREG(st->st_mode) && st->st_size == size && !publish_unread(d) &&
	    digest_file(path, &got, &n) == 0 &&
	    n == size && digest_eq(&got, d);
}

/* 1 when path is a regular file of size bytes whose identity is *id (its
 * bytes then taken as they were), or whose digest is d; st is filled
 * either way (st_mode 0 when path is missing). */
static int holds_id(const char *path, struct stat *st, long long size, const struct digest *d,
    const struct publish_stat *id)
{
	if (lstat(path, st) < 0) {
		st->st_mode = 0;
		return 0;
	}
	struct publish_stat now = stat_id(st);
	if (S_ISREG(st->st_mode) && st->st_size == size && publish_stat_eq(&now, id))
		return 1;
	return holds(path, st, size, d);
}

int publish_reuse(struct publish *p, const char *rel, long long size,
    const struct digest *bytes, struct publish_stat *id)
{
	struct buf t = BUF_INIT, o = BUF_INIT;
	struct stat st, so;
	int rc = -1, same = 0;	/* same: st is the file in place, unchanged */
	mode_t mode = 0;	/* of the file now at t */
	struct pdir *in;
	/* Its folder is not looked at unless something changes in it: when
	 * the file in the new tree is the very file recorded (the inode
	 * --out's is a link to), its bytes are taken as they were, as
	 * holds_id takes --out's, and --out's is not looked at: one look. */
	if (prepare(p, rel, 0, &in) < 0)
		goto out;
	int has_t = look(p, in, rel, &st, 1) == 0;
	struct publish_stat now_t = has_t ? stat_id(&st) : (struct publish_stat){ 0, 0, 0, 0, 0 };
	if (has_t && S_ISREG(st.st_mode) && st.st_size == size && publish_stat_eq(&now_t, id)) {
		rc = 0, same = 1, mode = st.st_mode;
		goto found;
	}
	int e = errno;
	if (atomic_load(&in->state) != DIR_LOOKED) {	/* before anything changes in it */
		if (dir_look(p, in) < 0)
			goto out;
		if (!has_t && e != ENOENT)	/* a folder opened up, or made */
			has_t = look(p, in, rel, &st, 0) == 0;
	}
	fs_join(&t, p->tmp, rel);
	fs_join(&o, p->out, rel);
	if (holds_id(o.data, &so, size, bytes, id)) {
		if (has_t && st.st_ino == so.st_ino && st.st_dev == so.st_dev)
			rc = 0, same = 1, mode = st.st_mode;
		else if (has_t && S_ISDIR(st.st_mode) && made_here(p, &p->files->dirs, rel, strlen(rel)))
			goto out;	/* a folder of this build: let the renderer say so */
		else if (!has_t || (S_ISDIR(st.st_mode) ? fs_rmtree(t.data) : unlink(t.data)) == 0)
			rc = link(o.data, t.data), mode = so.st_mode;	/* one inode */
	} else if (holds(t.data, &st, size, bytes))
		rc = 0, mode = st.st_mode;	/* the spare's copy; --out lacks it or was changed */
found:
	if (rc == 0) {
		record(p, rel, size, (mode & 07777) == p->files->file_mode);
		if (same)
			*id = stat_id(&st);
		else {	/* a link changes ctime */
			*id = (struct publish_stat){ 0, 0, 0, 0, 0 };
			if (look(p, in, rel, &st, 0) == 0 && S_ISREG(st.st_mode))
				*id = stat_id(&st);
		}
	}
out:
	buf_release(&t);
	buf_release(&o);
	return rc;
}

int publish_keep(struct publish *p, const char *rel, long long size,
    const struct digest *bytes, struct publish_stat *id)
{
	if (publish_reuse(p, rel, size, bytes, id) < 0)
		return -1;
	struct publish_capture *c = capture;
	if (c) {
		c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof(*c->v));
		c->v[c->n++] = (struct publish_file){ xstrdup(rel), size, *bytes, *id };
	}
	return 0;
}

void publish_shown_parts(long long size, int *unit, long long *tenths)
{
	/* As printf's "%.0f" of size / 1024 and "%.1f" of size / 1048576
	 * round (to the nearest, ties to even, on the exact quotient: a
	 * division by a power of two), in integers: the cache asks this of
	 * every size a document put back read (test_publish_shown checks it
	 * against printf). */
	*unit = size >= 1024 * 1024;
	int shift = *unit ? 20 : 10;
	unsigned long long x = (unsigned long long)size * (*unit ? 10 : 1);
	unsigned long long q = x >> shift, r = x & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
	if (r > half || (r == half && (q & 1)))
		q++;
	*tenths = *unit ? (long long)q : (long long)q * 10;
}

long long publish_shown(long long size)
{
	if (size < 1024)
		return size;
	int unit;
	long long tenths;
	publish_shown_parts(size, &unit, &tenths);
	return (1LL << 40) * (unit + 1) + tenths;
}

long long publish_size(struct publish *p, const char *rel)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	const struct entry *e = strmap_get(&f->by_rel, rel);
	long long size = e ? e->size : -1;
	pthread_mutex_unlock(&f->lock);
	struct publish_capture *c = capture;
	if (c) {
		c->sizes = xgrow(c->sizes, &c->cap_sizes, c->n_sizes + 1, sizeof(*c->sizes));
		c->sizes[c->n_sizes++] = (struct publish_file){ xstrdup(rel), publish_shown(size), { 0, 0 },
			{ 0, 0, 0, 0, 0 } };
	}
	return size;
}

void publish_take_diags(struct publish *p, struct diags *d)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	diags_merge(d, &f->failed);
	pthread_mutex_unlock(&f->lock);
}

void publish_free(struct publish *p)
{
	free(p->out);
	free(p->tmp);
	free(p->spare);
	files_free(p->files);
	p->out = p->tmp = p->spare = NULL;
	p->files = NULL;
}

/* ---- the folders' records (publish_folders_open) ----
 *
 *	carto-folders 1 <generation>
 *	<generation> <dev> <inode> <mtime> <ctime> <names_sum>	a folder
 *	end <digest of every byte above>
 *
 * Anything else is no records (every folder listed). */
#define FOLDERS_HEADER "carto-folders 1 "

/* Puts c into f's table (recs_mask + 1 slots, a power of two, at most
 * three quarters full: grown when it would be fuller). */
static void recs_make(struct publish_files *f, size_t n);

static void rec_put(struct publish_files *f, const struct folder_rec *c)
{
	if (4 * (f->recs_n + 1) > 3 * (f->recs_mask + 1)) {	/* twice the slots */
		struct folder_rec *old = f->recs;
		size_t old_cap = f->recs_mask + 1;
		f->recs = NULL;
		recs_make(f, 2 * old_cap);
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].dev || old[i].ino)
				rec_put(f, &old[i]);
		free(old);
	}
	struct publish_stat st = { c->dev, c->ino, 0, 0, 1 };
	for (size_t i = (size_t)((st.ino ^ st.dev * 0x9E3779B97F4A7C15ull) * 0x9E3779B97F4A7C15ull) & f->recs_mask;;
	    i = (i + 1) & f->recs_mask)
		if ((!f->recs[i].ino && !f->recs[i].dev) || (f->recs[i].ino == c->ino && f->recs[i].dev == c->dev)) {
			f->recs_n += !f->recs[i].ino && !f->recs[i].dev;
			f->recs[i] = *c;
			return;
		}
}

/* Makes f's table for n records, empty. */
static void recs_make(struct publish_files *f, size_t n)
{
	size_t cap = 16;
	while (3 * cap < 4 * n + 4)
		cap *= 2;
	free(f->recs);
	f->recs = xcalloc(cap, sizeof(*f->recs));
	f->recs_mask = cap - 1;
	f->recs_n = 0;
}

void publish_folders_open(struct publish *p, const char *path)
{
	struct publish_files *f = p->files;
	struct fs_view text = FS_VIEW_INIT;
	free(f->recs_path);
	f->recs_path = xstrdup(path);
	f->gen = 1;
	if (fs_view_open(path, 64u << 20, 1, &text, NULL) < 0)
		return;
	const char *end = strstr(text.data, "\nend ");
	struct digest want, got;
	if (strncmp(text.data, FOLDERS_HEADER, strlen(FOLDERS_HEADER)) != 0 || !end ||
	    digest_parse(end + 5, &want) < 0 || end[37] != '\n' || (size_t)(end + 38 - text.data) != text.len ||
	    (got = digest_bytes(text.data, (size_t)(end + 1 - text.data)), !digest_eq(&got, &want))) {
		fs_view_close(&text);
		return;
	}
	size_t n = 0;	/* the lines, by memchr: byte by byte was a fifth of the reading */
	for (const char *c = text.data; (c = memchr(c, '\n', (size_t)(end - c))); c++)
		n++;
	const char *s = text.data + strlen(FOLDERS_HEADER);
	char *after;
	unsigned long long gen = strtoull(s, &after, 10);
	recs_make(f, n);
	int bad = after == s || *after != '\n';
	for (s = after + 1; !bad && s < end + 1; s = after + 1) {
		struct folder_rec c;
		unsigned long long v[5];
		/* Five numbers, each followed by a space, read by hand
		 * (strtoull was most of the reading: 23,000 records). */
		const char *q = s;
		for (int k = 0; !bad && k < 5; k++) {
			int neg = k >= 3 && *q == '-';
			const char *d0 = q += neg;
			unsigned long long x = 0;
			for (; *q >= '0' && *q <= '9' && q - d0 < 19; q++)
				x = x * 10 + (unsigned)(*q - '0');
			bad = q == d0 || *q != ' ';
			v[k] = neg ? (unsigned long long)-(long long)x : x;
			if (k < 4)
				q++;	/* past the space; the last one's stays */
		}
		after = (char *)q;
		c.gen = v[0];
		c.dev = v[1];
		c.ino = v[2];
		c.mtime = (long long)v[3];
		c.ctime = (long long)v[4];
		bad = bad || *after != ' ' || digest_parse(after + 1, &c.names) < 0 || after[33] != '\n' ||
		    (!c.dev && !c.ino);
		after += 33;
		if (!bad)
			rec_put(f, &c);
	}
	if (bad) {
		free(f->recs);
		f->recs = NULL;
		f->recs_mask = f->recs_n = 0;
	} else
		f->gen = gen + 1;
	fs_view_close(&text);
}

int publish_folders_save(struct publish *p)
{
	struct publish_files *f = p->files;
	if (!f->recs_path || !f->names)
		return 0;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	char hex[33];
	buf_puts(&b, FOLDERS_HEADER);
	buf_put_unum(&b, f->gen, '\n');
	/* Into the table read (publish_folders_open): this build pruned the
	 * spare, whose folders are mostly those of the records an earlier
	 * build left, by inode, so each replaces its own; the previous
	 * build's (of the tree now the spare: the next build's) stay, older
	 * ones are not written. */
	if (!f->recs)
		recs_make(f, f->n_pruned);
	for (size_t j = 1; j < f->n_pruned; j++) {	/* not the root: the swap changes it */
		const struct publish_dir_id *id = &f->ids[j];
		if (!id->ok || id->mtime >= id->taken || id->ctime >= id->taken ||
		    id->mtime % 1000000000 == 0 || id->ctime % 1000000000 == 0)
			continue;	/* racy (or of a file system keeping seconds) */
		rec_put(f, &(struct folder_rec){ id->dev, id->ino, id->mtime, id->ctime, f->names[j], f->gen });
	}
	for (size_t i = 0; i <= f->recs_mask; i++) {
		const struct folder_rec *c = &f->recs[i];
		if ((!c->dev && !c->ino) || c->gen + 1 < f->gen)
			continue;
		buf_put_unum(&b, c->gen, ' ');
		buf_put_unum(&b, c->dev, ' ');
		buf_put_unum(&b, c->ino, ' ');
		buf_put_num(&b, c->mtime, ' ');
		buf_put_num(&b, c->ctime, ' ');
		digest_hex(&c->names, hex);
		buf_add(&b, hex, 32);
		buf_putc(&b, '\n');
	}
	struct digest all = digest_bytes(b.data, b.len);
	digest_hex(&all, hex);
	buf_printf(&b, "end %s\n", hex);
	buf_printf(&tmp, "%s.%ld.tmp", f->recs_path, (long)getpid());
	int rc = fs_write(tmp.data, b.data, b.len) == 0 ? fs_replace(tmp.data, f->recs_path) : -1;
	int e = errno;
	if (rc < 0)
		unlink(tmp.data);
	buf_release(&b);
	buf_release(&tmp);
	errno = e;
	return rc;
}

void publish_folders_counts(struct publish *p, size_t *listed, size_t *known)
{
	*listed = p->files->listed;
	*known = p->files->known;
}

int publish_dir_known(struct publish *p, const char *rel, struct publish_dir_id *id)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	const struct publish_dir_id *k = strmap_get(&f->dir_ids, rel);
	if (k)
		*id = *k;
	pthread_mutex_unlock(&f->lock);
	return k != NULL;
}

int publish_has(struct publish *p, const char *rel)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	int has = strmap_get(&f->by_rel, rel) || strmap_get(&f->dirs, rel);
	pthread_mutex_unlock(&f->lock);
	return has;
}

const char **publish_produced(struct publish *p, size_t *n_files, size_t *n_dirs,
    unsigned *file_mode)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	const char **v = xmalloc((f->by_rel.n + f->dirs.n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < f->by_rel.cap; i++)
		if (f->by_rel.slots[i].key)
			v[n++] = f->by_rel.slots[i].key;
	*n_files = n;
	for (size_t i = 0; i < f->dirs.cap; i++)
		if (f->dirs.slots[i].key)
			v[n++] = f->dirs.slots[i].key;
	*n_dirs = n - *n_files;
	*file_mode = (unsigned)f->file_mode;
	pthread_mutex_unlock(&f->lock);
	return v;
}

/* Gives a published file or folder the mode a fresh build gives it
 * (below). */
static void fix_mode(struct publish *p, const char *path, int dir);
/* Records a warning of publish_commit on path, for publish_take_diags. */
static void warn(struct publish *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Pruning: the folders of the new tree this build made or found (its
 * dirs), each listed once and on its own, side by side on p->jobs
 * workers; the first failure, in the folders' order, is reported. */
struct prune_run {
	struct publish *p;
	const char **dirs;	/* "" (the root) first, then by length and name */
	struct pdir **at;	/* their folders (at[0]: the root) */
	int *err;		/* by folder: 0, or the first errno */
	char **bad;		/* by folder: what stays, or NULL */
	struct publish_dir_id *ids;	/* by folder, once pruned (ok 0: unknown) */
	struct digest *names;	/* by folder: names_sum of what it holds, when
				 * records were read (else NULL) */
	char *skipped;		/* by folder: not listed (folder_known) */
};

static int by_length_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t m = strlen(x), n = strlen(y);
	return m != n ? (m > n) - (m < n) : strcmp(x, y);
}

/* A folder to prune and the length of its path. */
struct dir_len {
	size_t len;
	struct pdir *d;
};

static int dirs_by_length_name(const void *a, const void *b)
{
	const struct dir_len *x = a, *y = b;
	return x->len != y->len ? (x->len > y->len) - (x->len < y->len) : strcmp(x->d->rel, y->d->rel);
}

/* The folder dir (open as fd, st its fstat), given the mode a fresh
 * build gives folders (fix_mode), st then taken again. */
static void fix_dir_mode(struct publish *p, int fd, const char *dir, struct stat *st)
{
	mode_t want = p->files->dir_mode;
	if ((st->st_mode & 07777) == want)
		return;
	if (fchmod(fd, want) == 0) {
		if (fstat(fd, st) < 0)
			st->st_mode = 0;
		return;
	}
	int e = errno;
	struct buf shown = BUF_INIT;	/* where it is published */
	buf_printf(&shown, "%s%s", p->out, dir + strlen(p->tmp));
	warn(p, shown.data, "published with mode %04o, not %04o: carto cannot change it (%s)",
	    (unsigned)(st->st_mode & 07777), (unsigned)want, strerror(e));
	buf_release(&shown);
}

/* Removes from the folder dirs[j] of the new tree what this build did not
 * produce (a folder it did not make goes whole; its own folders are pruned
 * by their own jobs), gives what stays and the folder itself its mode, and
 * takes the folder's identity once its entries are those the build
 * produced (ids[j], for the fingerprint: publish_dir_known); goes on past
 * a failure, noting the first. The coarse clock is read before that
 * identity is taken: a later change to the folder stamps a time no older
 * than it. */
/* The record of the folder of identity st, or NULL. */
static const struct folder_rec *find_rec(const struct publish_files *f, const struct publish_stat *st)
{
	if (!f->recs_mask || !st->ok)
		return NULL;
	for (size_t i = (size_t)((st->ino ^ st->dev * 0x9E3779B97F4A7C15ull) * 0x9E3779B97F4A7C15ull) & f->recs_mask;;
	    i = (i + 1) & f->recs_mask) {
		const struct folder_rec *c = &f->recs[i];
		if (!c->ino && !c->dev)
			return NULL;
		if (c->ino == st->ino && c->dev == st->dev)
			return c;
	}
}

/* 1 when the folder rel of the new tree holds exactly what this build
 * produced in it without being listed: as this build first found it in
 * the spare (before changing anything in it) it had the identity an
 * earlier build recorded once it had pruned it (its entries then those of
 * the record's names), and this build's names there are the same. A
 * folder's times change whenever an entry is added, removed or renamed in
 * it, and a record is kept only when its times are older than the clock
 * before it was taken (not racy), so the same identity means the same
 * entries; this build then only wrote or replaced the names it produced.
 * As git's index trusts a file's identity for its bytes. */
static int folder_known(struct prune_run *r, size_t j)
{
	struct publish_files *f = r->p->files;
	if (!r->names || j == 0)
		return 0;
	pthread_mutex_lock(&f->lock);
	const struct publish_stat *seen = &r->at[j]->seen;
	const struct folder_rec *c = seen->ok ? find_rec(f, seen) : NULL;
	int known = c && c->mtime == seen->mtime && c->ctime == seen->ctime &&
	    digest_eq(&c->names, &r->names[j]);
	pthread_mutex_unlock(&f->lock);
	return known;
}

/* ids[j] from st, the folder's identity once pruned, taken after the
 * coarse clock was now. */
static void take_id(struct prune_run *r, size_t j, const struct stat *st, const struct timespec *now)
{
	if (S_ISDIR(st->st_mode) && !r->err[j])
		r->ids[j] = (struct publish_dir_id){ (unsigned long long)st->st_dev,
			(unsigned long long)st->st_ino, (long long)st->st_size,
			fs_time_ns(&st->st_mtim),
			fs_time_ns(&st->st_ctim),
			(unsigned)st->st_mode, (long long)now->tv_sec * 1000000000LL + now->tv_nsec, 1 };
}

/* Notes that the folder j cannot be pruned (errno), at dir. */
static void prune_failed(struct prune_run *r, size_t j, const char *dir)
{
	r->err[j] = errno ? errno : ENOTDIR;
	r->bad[j] = xstrdup(dir);
}

static int prune_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct prune_run *r = ctx;
	struct publish *p = r->p;
	const char *rel = r->dirs[j];
	struct pdir *pd = r->at[j];
	struct buf *dir = &w->out, *sub = &w->tmp, full = BUF_INIT;
	struct timespec now;
	struct stat ds;
	int looked = 0;	/* ds is the folder, looked at after now */
	buf_reset(dir);
	if (*rel)
		fs_join(dir, p->tmp, rel);
	else
		buf_puts(dir, p->tmp);
	if (atomic_load(&pd->state) != DIR_LOOKED) {
		/* Never looked at, so unchanged by this build: its first look,
		 * which is also its identity once pruned when it is known. */
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		errno = 0;
		if (look(p, pd->up, rel, &ds, 0) < 0 || !S_ISDIR(ds.st_mode)) {
			prune_failed(r, j, dir->data);
			return 0;
		}
		dir_seen(p, pd, &ds);
		looked = 1;
	}
	if (folder_known(r, j)) {
		r->skipped[j] = 1;
		if (!looked) {
			clock_gettime(CLOCK_REALTIME_COARSE, &now);
			if (look(p, pd->up, rel, &ds, 0) < 0) {
				prune_failed(r, j, dir->data);
				return 0;
			}
		}
		if ((ds.st_mode & 07777) != p->files->dir_mode) {
			fix_mode(p, dir->data, 1);
			if (look(p, pd->up, rel, &ds, 0) < 0)
				return 0;
		}
		take_id(r, j, &ds, &now);
		return 0;
	}
	if (looked)	/* a read-only folder of ours, first looked at here */
		open_up(dir->data, &ds);
	int dfd = open_dir(p, pd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		prune_failed(r, j, dir->data);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		buf_reset(sub);
		if (*rel) {
			buf_puts(sub, rel);
			buf_putc(sub, '/');
		}
		buf_puts(sub, de->d_name);
		fs_join(&full, dir->data, de->d_name);
		struct stat st;
		int kind = de->d_type;	/* d_type saves a system call where the file system gives it */
		if (kind == DT_UNKNOWN)
			kind = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? DT_UNKNOWN :
			    S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		int rc = 0;
		const struct entry *e;
		if (kind == DT_DIR && strmap_get(&p->files->dirs, sub->data))
			;	/* its own job prunes it and gives it its mode */
		else if (kind == DT_DIR)
			rc = fs_rmtree(full.data);
		else if (!(e = strmap_get(&p->files->by_rel, sub->data)))
			rc = unlink(full.data);
		else if (!e->mode_ok)
			fix_mode(p, full.data, 0);
		if (rc < 0 && !r->err[j]) {
			r->err[j] = errno;
			r->bad[j] = xstrdup(full.data);
		}
	}
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	if (fstat(dirfd(d), &ds) == 0) {
		if (*rel)
			fix_dir_mode(p, dirfd(d), dir->data, &ds);
		take_id(r, j, &ds, &now);
	}
	closedir(d);
	buf_release(&full);
	return 0;
}

/* Removes from the new tree what this build did not produce. Returns 0, or
 * -1 with the first errno, naming what stays in bad. */
/* Adds to names[j] of rel's folder (at: folder -> j + 1) the digest of
 * rel's last name and kind: names_sum, a sum, so the order is free. */
static void names_add(const struct strmap *at, struct digest *names, const char *rel, char kind,
    struct buf *parent)
{
	const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;
	buf_reset(parent);
	buf_add(parent, rel, slash ? (size_t)(slash - rel) : 0);
	size_t j = (size_t)(uintptr_t)strmap_get(at, parent->data);
	if (!j--)
		return;
	buf_reset(parent);
	buf_putc(parent, kind);
	buf_puts(parent, name);
	struct digest d = digest_bytes(parent->data, parent->len);
	names[j].lo += d.lo;
	names[j].hi += d.hi;
}

/* names_sum's jobs: job j adds the names of the slots [j * NAMES_CHUNK,
 * (j + 1) * NAMES_CHUNK) of the files' table then the folders' (as one
 * run of slots) into the worker's own sums, added up after: a sum, so
 * the order is free. */
#define NAMES_CHUNK 2048

struct names_run {
	const struct strmap *at, *files, *folders;
	size_t n;		/* folders */
	struct digest *sums;	/* by worker, n each */
};

static int names_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct names_run *r = ctx;
	struct digest *names = r->sums + (size_t)w->id * r->n;
	for (size_t i = j * NAMES_CHUNK; i < (j + 1) * NAMES_CHUNK && i < r->files->cap + r->folders->cap; i++) {
		int file = i < r->files->cap;
		const struct strmap_slot *sl = file ? &r->files->slots[i] : &r->folders->slots[i - r->files->cap];
		if (sl->key)
			names_add(r->at, names, sl->key, file ? 'f' : 'd', &w->tmp);
	}
	return 0;
}

/* The names this build produced in each folder dirs[0..n), as names_sum:
 * what folder_known compares with the records. On up to jobs threads
 * (34,000 names on the 10,000-organisation site). */
static struct digest *names_sum(struct publish *p, const char **dirs, size_t n)
{
	struct strmap at = STRMAP_INIT;
	strmap_reserve(&at, n);	/* one table, not one a doubling */
	for (size_t j = 0; j < n; j++)
		strmap_put(&at, dirs[j], (void *)(uintptr_t)(j + 1));
	const struct strmap *files = &p->files->by_rel, *folders = &p->files->dirs;
	size_t chunks = (files->cap + folders->cap + NAMES_CHUNK - 1) / NAMES_CHUNK;
	int workers = pool_workers(chunks, p->jobs);
	struct names_run r = { &at, files, folders, n, xcalloc((size_t)workers * n + 1, sizeof(*r.sums)) };
	struct diags d = DIAGS_INIT;	/* the jobs report nothing */
	pool_run(chunks, workers, names_job, &r, &d, NULL);
	diags_free(&d);
	struct digest *names = xcalloc(n + 1, sizeof(*names));
	for (int w = 0; w < workers; w++)
		for (size_t j = 0; j < n; j++) {
			names[j].lo += r.sums[(size_t)w * n + j].lo;
			names[j].hi += r.sums[(size_t)w * n + j].hi;
		}
	free(r.sums);
	strmap_free(&at);
	return names;
}

static int prune(struct publish *p, struct buf *bad)
{
	const struct strmap *dirs = &p->files->dirs;
	struct prune_run r = { p, xmalloc((dirs->n + 1) * sizeof(*r.dirs)),
		xmalloc((dirs->n + 1) * sizeof(*r.at)), NULL, NULL, NULL, NULL, NULL };
	size_t n = 0;
	r.at[n++] = p->files->root;
	for (size_t i = 0; i < dirs->cap; i++)
		if (dirs->slots[i].key)
			r.at[n++] = dirs->slots[i].val;
	/* Sorted with their lengths beside them: strlen in each comparison
	 * was most of the sort's time. */
	struct dir_len *by = xmalloc(n * sizeof(*by));
	for (size_t j = 1; j < n; j++)
		by[j] = (struct dir_len){ strlen(r.at[j]->rel), r.at[j] };
	qsort(by + 1, n - 1, sizeof(*by), dirs_by_length_name);
	for (size_t j = 1; j < n; j++)
		r.at[j] = by[j].d;
	free(by);
	for (size_t j = 0; j < n; j++)
		r.dirs[j] = r.at[j]->rel;
	r.err = xcalloc(n, sizeof(*r.err));
	r.bad = xcalloc(n, sizeof(*r.bad));
	r.ids = xcalloc(n, sizeof(*r.ids));
	r.skipped = xcalloc(n, 1);
	if (p->files->recs_path)	/* records kept: compared (folder_known), then saved */
		r.names = names_sum(p, r.dirs, n);
	struct diags d = DIAGS_INIT;
	pool_run(n, p->jobs, prune_job, &r, &d, NULL);
	diags_free(&d);
	/* A file of a folder not listed gets its mode here (prune_job gives
	 * it to those of the folders it lists). */
	struct buf full = BUF_INIT, parent = BUF_INIT;
	const struct strmap *files = &p->files->by_rel;
	struct strmap at = STRMAP_INIT;
	size_t n_skipped = 0;
	for (size_t j = 1; j < n; j++)
		n_skipped += r.skipped[j];
	if (n_skipped)
		strmap_reserve(&at, n_skipped);
	for (size_t j = 1; j < n; j++)
		if (r.skipped[j])
			strmap_put(&at, r.dirs[j], (void *)r.dirs[j]);
	for (size_t i = 0; at.n && i < files->cap; i++) {
		const struct entry *e = files->slots[i].val;
		const char *slash;
		if (!files->slots[i].key || e->mode_ok || !(slash = strrchr(e->rel, '/')))
			continue;
		buf_reset(&parent);
		buf_add(&parent, e->rel, (size_t)(slash - e->rel));
		if (strmap_get(&at, parent.data)) {
			fs_join(&full, p->tmp, e->rel);
			fix_mode(p, full.data, 0);
		}
	}
	strmap_free(&at);
	buf_release(&full);
	buf_release(&parent);
	for (size_t j = 1; j < n; j++)
		if (r.skipped[j])
			p->files->known++;
	p->files->listed = n - p->files->known;
	int err = 0;
	for (size_t j = 0; j < n; j++) {
		if (r.err[j] && !err) {
			err = r.err[j];
			buf_puts(bad, r.bad[j]);
		}
		free(r.bad[j]);
	}
	/* The root's identity changes when it is swapped in: not kept. */
	strmap_reserve(&p->files->dir_ids, n);
	for (size_t j = 1; j < n; j++)
		if (r.ids[j].ok)
			strmap_put(&p->files->dir_ids, r.dirs[j], &r.ids[j]);
	free(p->files->ids);
	p->files->ids = r.ids;
	free(p->files->names);
	p->files->names = r.names;
	p->files->n_pruned = n;
	p->files->pruned = r.dirs;
	free(r.at);
	free(r.skipped);
	free(r.err);
	free(r.bad);
	errno = err;
	return err ? -1 : 0;
}

/* Makes the folder to (which must not exist) hold the files this build
 * produced, as hard links to those under from; where linking fails, a copy
 * when copy is set, else a failure. Each folder is made once, parents
 * first. Returns 0, or -1 with errno set (to is then removed). */
static int link_tree(struct publish *p, const char *from, const char *to, int copy)
{
	struct buf src = BUF_INIT, dst = BUF_INIT, data = BUF_INIT;
	const struct strmap *dirs = &p->files->dirs, *made = &p->files->by_rel;
	const char **v = xmalloc((dirs->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < dirs->cap; i++)
		if (dirs->slots[i].key)
			v[n++] = dirs->slots[i].key;
	qsort(v, n, sizeof(*v), by_length_name);
	int rc = mkdir(to, 0755);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		fs_join(&dst, to, v[i]);
		rc = mkdir(dst.data, 0755);
	}
	free(v);
	for (size_t i = 0; rc == 0 && i < made->cap; i++) {
		if (!made->slots[i].key)
			continue;
		fs_join(&src, from, made->slots[i].key);
		fs_join(&dst, to, made->slots[i].key);
		if (link(src.data, dst.data) == 0)
			continue;
		if (!copy) {
			rc = -1;
			break;
		}
		buf_reset(&data);
		rc = fs_read(src.data, (size_t)-1, &data);
		if (rc == 0)
			rc = fs_write(dst.data, data.data, data.len);
	}
	int e = errno;
	if (rc < 0)
		fs_rmtree(to);
	buf_release(&src);
	buf_release(&dst);
	buf_release(&data);
	errno = e;
	return rc;
}

/* A clean new tree when the spare holds what cannot be removed: the files
 * this build produced, hard-linked (copied where linking fails) into a fresh
 * folder, which replaces p->tmp; the old one is left for the next build's
 * clean-up, which reports it again. Returns 0, or -1 with errno set. */
static int clean_copy(struct publish *p)
{
	struct buf fresh = BUF_INIT;
	buf_printf(&fresh, "%s.clean", p->tmp);
	fs_rmtree(fresh.data);
	int rc = link_tree(p, p->tmp, fresh.data, 1);
	strmap_free(&p->files->dir_ids);	/* other folders */
	p->files->dir_ids = (struct strmap)STRMAP_INIT;
	if (rc == 0) {
		free(p->tmp);
		p->tmp = buf_detach(&fresh, NULL);
	}
	buf_release(&fresh);
	return rc;
}

static void warn(struct publish *p, const char *path, const char *fmt, ...)
{
	struct publish_files *f = p->files;
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&f->lock);
	diag_vadd(&f->failed, path, 0, 0, DIAG_WARNING, fmt, ap);
	pthread_mutex_unlock(&f->lock);
	va_end(ap);
}

/* Gives a published file or folder the mode a fresh build gives it,
 * whatever mode it had in the spare or the previous output (a folder left
 * 0700 would answer 403 to a web server of another user); warns when it
 * cannot. */
static void fix_mode(struct publish *p, const char *path, int dir)
{
	struct stat st;
	mode_t want = dir ? p->files->dir_mode : p->files->file_mode;
	if (lstat(path, &st) < 0 || (st.st_mode & 07777) == want)
		return;
	if (chmod(path, want) == 0)
		return;
	int e = errno;
	struct buf shown = BUF_INIT;	/* where it is published */
	buf_printf(&shown, "%s%s", p->out, path + strlen(p->tmp));
	warn(p, shown.data, "published with mode %04o, not %04o: carto cannot change it (%s)",
	    (unsigned)(st.st_mode & 07777), (unsigned)want, strerror(e));
	buf_release(&shown);
}

/* The previous site, once the new one is in place, becomes the spare; when
 * one is there already (a build running at the same time left it), it is
 * removed instead. Returns 0, or 1 with a warning when it could not be. */
static int keep_spare(struct publish *p, const char *old)
{
	if (rename(old, p->spare) == 0 || fs_rmtree(old) == 0)
		return 0;
	warn(p, old, "the previous output, moved here, cannot be removed (%s): remove it by hand",
	    strerror(errno));
	return 1;
}

/* The spare of a first build (there was no site before it to become one):
 * hard links to every file of out, made in p->tmp (free once out is in
 * place: a build killed meanwhile leaves it to publish_recover) then
 * renamed. Without it the next build would make every folder and link
 * every file of the site again (on a 10,000-organisation site, 11,600
 * folders and 22,000 files: seconds of kernel time), and a rebuild would
 * not cost the same the first time as the next ones. Linking changes the
 * files' ctime: p->relinked tells the caller that identities recorded
 * during the build are stale. Nothing is lost when it fails: the next
 * build makes a fresh tree, as it did before. */
static void first_spare(struct publish *p)
{
	p->relinked = 1;
	if (link_tree(p, p->out, p->tmp, 0) == 0 && rename(p->tmp, p->spare) < 0)
		fs_rmtree(p->tmp);
}

int publish_commit(struct publish *p)
{
	struct buf bad = BUF_INIT;
	int warned = 0;
	fix_mode(p, p->tmp, 1);
	int pruned = prune(p, &bad);
	dirs_close(p->files);	/* the tree is renamed from here */
	if (pruned < 0) {
		warn(p, bad.len ? bad.data : p->tmp,
		    "cannot be removed from the previous site this build updated (%s): the site is published without it; remove %s by hand",
		    strerror(errno), p->tmp);
		warned = 1;
		if (clean_copy(p) < 0) {
			buf_release(&bad);
			return -1;
		}
	}
	buf_release(&bad);
	struct stat st;
	if (lstat(p->out, &st) < 0) {
		if (errno != ENOENT || rename(p->tmp, p->out) < 0)
			return -1;
		first_spare(p);
		return warned;
	}
	int exchange = !p->no_exchange;
	if (exchange && renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->out, RENAME_EXCHANGE) == 0)
		return keep_spare(p, p->tmp) | warned;
	if (exchange && errno != EINVAL && errno != ENOSYS)
		return -1;
	char *old = sibling(p->out, "old", (long)getpid());
	int rc = rename(p->out, old);
	if (rc == 0 && (rc = rename(p->tmp, p->out)) < 0) {
		int e = errno;
		rename(old, p->out);
		errno = e;
	}
	if (rc == 0)
		rc = keep_spare(p, old) | warned;
	free(old);
	return rc;
}

void publish_abort(struct publish *p)
{
	/* What this build wrote goes, so that a failure holds no disk (a
	 * page past its bound could have filled it); what cannot be removed
	 * stays as the spare, for the next build's clean-up. */
	if (p->tmp && fs_rmtree(p->tmp) < 0 && rename(p->tmp, p->spare) < 0)
		fs_rmtree(p->tmp);
}
