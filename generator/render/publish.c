/*
 * Publication by exchange: renameat2(RENAME_EXCHANGE) swaps the new and the
 * old folder in one step, so readers see either the old or the new site,
 * never a mix, and a crash at any point leaves a complete --out. Where the
 * file system cannot exchange, the fallback renames the old folder aside
 * first (a short window without --out, never a mixed one).
 */
#define _GNU_SOURCE
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/fs.h"
#include "../base/mem.h"

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

/* Removes .<out>.tmp.<pid> and .<out>.old.<pid> left by builds that died. */
static void clean_leftovers(const char *out)
{
	const char *slash = strrchr(out, '/');
	struct buf dir = BUF_INIT, prefix = BUF_INIT, path = BUF_INIT;
	if (slash)
		buf_add(&dir, out, (size_t)(slash - out));
	else
		buf_puts(&dir, ".");
	if (!dir.len)
		buf_puts(&dir, "/");
	buf_printf(&prefix, ".%s.", slash ? slash + 1 : out);
	struct fs_entry *v;
	size_t n;
	if (fs_list(dir.data, &v, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			const char *name = v[i].name;
			if (strncmp(name, prefix.data, prefix.len) != 0)
				continue;
			const char *rest = name + prefix.len;
			if (strncmp(rest, "tmp.", 4) != 0 && strncmp(rest, "old.", 4) != 0)
				continue;
			long pid = strtol(rest + 4, NULL, 10);
			if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) == 0)
				continue;	/* another build is running */
			fs_join(&path, dir.data, name);
			fs_rmtree(path.data);
		}
		fs_entries_free(v, n);
	}
	buf_release(&dir);
	buf_release(&prefix);
	buf_release(&path);
}

int publish_begin(struct publish *p, const char *out)
{
	p->out = xstrdup(out);
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

int publish_prepare(struct publish *p, const char *rel, struct buf *path)
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

int publish_write(struct publish *p, const char *rel, const void *data, size_t len)
{
	struct buf path = BUF_INIT;
	int rc = publish_prepare(p, rel, &path);
	if (rc == 0)
		rc = fs_write(path.data, data, len);
	buf_release(&path);
	return rc;
}

FILE *publish_open(struct publish *p, const char *rel)
{
	struct buf path = BUF_INIT;
	FILE *f = publish_prepare(p, rel, &path) == 0 ? fopen(path.data, "wb") : NULL;
	buf_release(&path);
	return f;
}

void publish_free(struct publish *p)
{
	free(p->out);
	free(p->tmp);
	p->out = p->tmp = NULL;
}

int publish_commit(struct publish *p)
{
	struct stat st;
	if (lstat(p->out, &st) < 0) {
		if (errno != ENOENT)
			return -1;
		return rename(p->tmp, p->out);
	}
	if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->out, RENAME_EXCHANGE) == 0)
		return fs_rmtree(p->tmp) < 0 ? 0 : 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	char *old = sibling(p->out, "old", (long)getpid());
	int rc = rename(p->out, old);
	if (rc == 0 && (rc = rename(p->tmp, p->out)) < 0)
		rename(old, p->out);
	if (rc == 0)
		fs_rmtree(old);
	free(old);
	return rc;
}

void publish_abort(struct publish *p)
{
	if (p->tmp)
		fs_rmtree(p->tmp);
}
