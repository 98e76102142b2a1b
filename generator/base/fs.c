/*
 * File system helpers. Listings are sorted so that every later stage sees the
 * files in the same order, which keeps output deterministic.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsrec.h"
#include "mem.h"

int fs_read(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fsrec_note(path, FSREC_FOLLOW, NULL, errno);
		return -1;
	}
	struct stat st;
	int bad = fstat(fd, &st) < 0;
	fsrec_note(path, FSREC_FOLLOW, bad ? NULL : &st, errno);
	if (bad || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		errno = e ? e : EINVAL;
		return -1;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	/* Sized once: the file's size and one byte more, so that the read
	 * that finds its end needs no room (growing a buffer of megabytes by
	 * 64 KiB past its size copied it whole into new pages); more room
	 * only when the file grew meanwhile. */
	buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		if (out->cap - out->len - 1 == 0)
			buf_grow(out, 65536);
		ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
		if (out->len > max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct fs_entry *)a)->name,
	    ((const struct fs_entry *)b)->name);
}

int fs_list(const char *dir, struct fs_entry **out, size_t *n)
{
	DIR *d = opendir(dir);
	*out = NULL;
	*n = 0;
	if (!d) {
		fsrec_note(dir, FSREC_FOLLOW, NULL, errno);
		return -1;
	}
	if (fsrec_on()) {	/* a folder's identity changes with its entries */
		struct stat ds;
		int bad = fstat(dirfd(d), &ds) < 0;
		fsrec_note(dir, FSREC_FOLLOW, bad ? NULL : &ds, errno);
	}
	size_t cap = 0;
	struct buf path = BUF_INIT;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		enum fs_kind k = FS_OTHER;
		struct stat st;
		/* d_type saves a system call per entry where the file system gives it. */
		if (de->d_type == DT_REG)
			k = FS_FILE;
		else if (de->d_type == DT_DIR)
			k = FS_DIR;
		else if (de->d_type == DT_LNK)
			k = FS_LINK;
		else if (fs_join(&path, dir, de->d_name), lstat(path.data, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				k = FS_LINK;
			else if (S_ISDIR(st.st_mode))
				k = FS_DIR;
			else if (S_ISREG(st.st_mode))
				k = FS_FILE;
		}
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[*n].name = xstrdup(de->d_name);
		(*out)[*n].kind = k;
		(*n)++;
	}
	closedir(d);
	buf_release(&path);
	if (*n > 1)
		xqsort(*out, *n, sizeof(**out), cmp_entry);
	return 0;
}

void fs_entries_free(struct fs_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int fs_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0755);
	free(p);
	return r < 0 && errno != EEXIST ? -1 : 0;
}

int fs_pwrite_fd(int fd, const void *data, size_t len, long long at)
{
	const char *p = data;
	while (len) {
		ssize_t w = at < 0 ? write(fd, p, len) : pwrite(fd, p, len, (off_t)at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {	/* a write of nothing would loop for ever */
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
		if (at >= 0)
			at += w;
	}
	return 0;
}

int fs_write_fd(int fd, const void *data, size_t len)
{
	return fs_pwrite_fd(fd, data, len, -1);
}

int fs_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (fs_write_fd(fd, data, len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int fs_replace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) < 0)
		return rename(from, to);	/* to missing (ENOENT), or no exchange here */
	if (unlink(from) == 0)
		return 0;
	int e = errno;	/* to was a folder: put it back, and fail as rename does */
	renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
	errno = e;
	return -1;
}

int fs_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	/* A folder of ours left read-only (chmod 555) is opened up to be emptied:
	 * it is being removed anyway. */
	if (st.st_uid == geteuid() && (st.st_mode & S_IRWXU) != S_IRWXU)
		chmod(path, (st.st_mode & 07777) | S_IRWXU);
	struct fs_entry *v;
	size_t n;
	if (fs_list(path, &v, &n) < 0)
		return -1;
	struct buf sub = BUF_INIT;
	int err = 0;
	for (size_t i = 0; i < n; i++) {	/* on past a failure: remove all it can */
		fs_join(&sub, path, v[i].name);
		if (fs_rmtree(sub.data) < 0 && !err)
			err = errno;
	}
	buf_release(&sub);
	fs_entries_free(v, n);
	if (!err && rmdir(path) < 0)
		err = errno;
	errno = err;
	return err ? -1 : 0;
}

int fs_exists(const char *path)
{
	struct stat st;
	int found = lstat(path, &st) == 0;
	fsrec_note(path, FSREC_LSTAT, found ? &st : NULL, errno);
	return found;
}

int fs_is_dir(const char *path)
{
	struct stat st;
	int found = stat(path, &st) == 0;
	fsrec_note(path, FSREC_FOLLOW, found ? &st : NULL, errno);
	return found && S_ISDIR(st.st_mode);
}

void fs_join(struct buf *out, const char *a, const char *b)
{
	buf_reset(out);
	buf_puts(out, a);
	if (out->len && out->data[out->len - 1] != '/' && *b)
		buf_putc(out, '/');
	buf_puts(out, b);
}

static enum fs_place place(const char *root_real, const char *path);

enum fs_place fs_place(const char *root_real, const char *path)
{
	enum fs_place r = place(root_real, path);
	fsrec_note_place(root_real, path, (int)r);
	return r;
}

static enum fs_place place(const char *root_real, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real) {
		if (errno == ELOOP)
			return FS_LOOP;
		return errno == ENOENT && fs_exists(path) ? FS_DANGLING : FS_MISSING;
	}
	size_t rl = strlen(root_real);
	int inside = strncmp(real, root_real, rl) == 0 &&
	    (real[rl] == '/' || real[rl] == '\0' || (rl == 1 && root_real[0] == '/'));
	enum fs_place r = inside ? FS_INSIDE : FS_OUTSIDE;
	if (inside) {	/* a link to a folder that holds it: walking it never ends */
		struct stat ls;
		if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode)) {
			char *parent = xstrdup(path), *slash = strrchr(parent, '/');
			if (slash)
				*slash = '\0';
			char *rp = realpath(slash ? parent : ".", NULL);
			size_t l = strlen(real);
			if (rp && strncmp(rp, real, l) == 0 && (rp[l] == '/' || rp[l] == '\0' || l == 1))
				r = FS_ANCESTOR;
			free(rp);
			free(parent);
		}
	}
	free(real);
	return r;
}

const char *fs_place_problem(enum fs_place p)
{
	switch (p) {
	case FS_OUTSIDE:
		return "symbolic link points outside the site: refused";
	case FS_LOOP:
		return "symbolic link loop: links that lead back to themselves";
	case FS_ANCESTOR:
		return "symbolic link loop: it points to a folder that contains it";
	case FS_DANGLING:
		return "symbolic link points to nothing";
	default:
		return NULL;
	}
}

long long fs_time_ns(const struct timespec *t)
{
	const long long sec = 1000000000LL;
	if (t->tv_sec > (LLONG_MAX - sec) / sec)
		return LLONG_MAX;
	if (t->tv_sec < (LLONG_MIN + sec) / sec)
		return LLONG_MIN;
	return (long long)t->tv_sec * sec + t->tv_nsec;
}

static long long clock_ns(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

long long fs_wait_tick(void)
{
	long long now = clock_ns(CLOCK_REALTIME);
	for (int i = 0; i < 100 && clock_ns(CLOCK_REALTIME_COARSE) <= now; i++)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	return now;
}
