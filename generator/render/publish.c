/*
 * Publication by exchange: renameat2(RENAME_EXCHANGE) swaps the new and the
 * old folder in one step, so readers see either the old or the new site,
 * never a mix, and a crash at any point leaves a complete --out. Where the
 * file system cannot exchange, the fallback renames the old folder aside
 * first (a short window without --out, never a mixed one); a build killed in
 * that window leaves the old folder aside, and the next build puts it back
 * before anything else, so the only copy of a site is never removed. The
 * manifest is a map from path to size behind one mutex: backends write from
 * several threads at once; a write that fails is recorded there with its
 * errno, read in the thread where it failed.
 */
#define _GNU_SOURCE
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../base/strmap.h"

struct publish_files {
	pthread_mutex_t lock;
	struct strmap by_rel;	/* rel (owned by the entry) -> struct entry */
	struct diags failed;	/* writes that failed */
};

struct entry {
	char *rel;
	long long size;
};

static struct publish_files *files_new(void)
{
	struct publish_files *f = xcalloc(1, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->by_rel = (struct strmap)STRMAP_INIT;
	f->failed = (struct diags)DIAGS_INIT;
	return f;
}

static void files_free(struct publish_files *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->by_rel.cap; i++)
		if (f->by_rel.slots[i].key) {
			struct entry *e = f->by_rel.slots[i].val;
			free(e->rel);
			free(e);
		}
	strmap_free(&f->by_rel);
	diags_free(&f->failed);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static void record(struct publish *p, const char *rel, long long size)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	struct entry *e = strmap_get(&f->by_rel, rel);
	if (!e) {
		e = xmalloc(sizeof(*e));
		e->rel = xstrdup(rel);
		strmap_put(&f->by_rel, e->rel, e);
	}
	e->size = size;
	pthread_mutex_unlock(&f->lock);
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

static char *sibling(const char *out, const char *what, long pid)
{
	struct buf b = BUF_INIT;
	const char *slash = strrchr(out, '/');
	if (slash) {
		buf_add(&b, out, (size_t)(slash - out) + 1);
		buf_printf(&b, ".%s.%s.%ld", slash + 1, what, pid);
	} else
		buf_printf(&b, ".%s.%s.%ld", out, what, pid);
	return buf_detach(&b, NULL);
}

static void warn_left(const char *path, int err)
{
	fprintf(stderr, "carto: warning: cannot remove %s (%s): remove it by hand\n", path, strerror(err));
}

/* Leftovers of builds that died: .<out>.tmp.<pid> (a new site, maybe half
 * written) and .<out>.old.<pid> (the previous site, renamed aside by the
 * fallback). When out is missing, the most recently renamed .old is the
 * published site: it goes back to out. Everything else is removed; what
 * cannot be is reported. */
static void clean_leftovers(const char *out)
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
				warn_left(path.data, errno);
		}
		if (pass == 0 && back.len && rename(back.data, out) < 0)
			fprintf(stderr, "carto: warning: cannot put the previous site %s back as %s: %s\n",
			    back.data, out, strerror(errno));
	}
	fs_entries_free(v, n);
done:
	buf_release(&dir);
	buf_release(&prefix);
	buf_release(&path);
	buf_release(&back);
}

void publish_recover(const char *out)
{
	char *o = xstrdup(out);
	size_t l = strlen(o);
	while (l > 1 && o[l - 1] == '/')
		o[--l] = '\0';
	clean_leftovers(o);
	free(o);
}

int publish_begin(struct publish *p, const char *out)
{
	p->out = xstrdup(out);
	p->files = files_new();
	size_t l = strlen(p->out);
	while (l > 1 && p->out[l - 1] == '/')
		p->out[--l] = '\0';
	clean_leftovers(p->out);
	p->tmp = sibling(p->out, "tmp", (long)getpid());
	fs_rmtree(p->tmp);
	if (mkdir(p->tmp, 0755) < 0)
		return -1;
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

static int prepare(struct publish *p, const char *rel, struct buf *path)
{
	if (!publish_path_ok(rel)) {
		errno = EINVAL;
		return -1;
	}
	fs_join(path, p->tmp, rel);
	char *slash = strrchr(path->data, '/');
	*slash = '\0';
	int rc = fs_mkdirs(path->data);
	*slash = '/';
	return rc;
}

int publish_prepare(struct publish *p, const char *rel, struct buf *path)
{
	return prepare(p, rel, path) < 0 ? failed(p, rel) : 0;
}

int publish_write(struct publish *p, const char *rel, const void *data, size_t len)
{
	struct buf path = BUF_INIT;
	int rc = prepare(p, rel, &path);
	if (rc == 0)
		rc = fs_write(path.data, data, len);
	buf_release(&path);
	if (rc < 0)
		return failed(p, rel);
	record(p, rel, (long long)len);
	return 0;
}

FILE *publish_open(struct publish *p, const char *rel)
{
	struct buf path = BUF_INIT;
	FILE *f = prepare(p, rel, &path) == 0 ? fopen(path.data, "wb") : NULL;
	buf_release(&path);
	if (!f)
		failed(p, rel);
	return f;
}

int publish_close(struct publish *p, const char *rel, FILE *f, int write_err)
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
	record(p, rel, size);
	return 0;
}

int publish_done(struct publish *p, const char *rel)
{
	struct buf path = BUF_INIT;
	struct stat st;
	fs_join(&path, p->tmp, rel);
	int rc = stat(path.data, &st);
	buf_release(&path);
	if (rc < 0)
		return failed(p, rel);
	record(p, rel, (long long)st.st_size);
	return 0;
}

long long publish_size(struct publish *p, const char *rel)
{
	struct publish_files *f = p->files;
	pthread_mutex_lock(&f->lock);
	const struct entry *e = strmap_get(&f->by_rel, rel);
	long long size = e ? e->size : -1;
	pthread_mutex_unlock(&f->lock);
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
	files_free(p->files);
	p->out = p->tmp = NULL;
	p->files = NULL;
}

/* Removes the previous site once the new one is in place; returns 0, or 1
 * with a warning when it could not be removed whole. */
static int remove_old(const char *old)
{
	if (fs_rmtree(old) == 0)
		return 0;
	fprintf(stderr, "carto: warning: the previous output, moved to %s, cannot be removed (%s): remove it by hand\n",
	    old, strerror(errno));
	return 1;
}

int publish_commit(struct publish *p)
{
	struct stat st;
	if (lstat(p->out, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		return rename(p->tmp, p->out);
	}
	int exchange = !p->no_exchange;
	if (exchange && renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->out, RENAME_EXCHANGE) == 0)
		return remove_old(p->tmp);
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
		rc = remove_old(old);
	free(old);
	return rc;
}

void publish_abort(struct publish *p)
{
	if (p->tmp)
		fs_rmtree(p->tmp);
}
