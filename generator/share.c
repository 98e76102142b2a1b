/*
 * Finding carto's share folder (share.h). The binary's own path comes from
 * /proc/self/exe (Linux), resolved, so a symbolic link /usr/local/bin/carto
 * pointing into a tree still finds that tree's share folder.
 */
#define _DEFAULT_SOURCE
#include "share.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/mem.h"

/* Returns 1 when dir holds a theme carto can fall back on. */
static int is_share(const char *dir)
{
	struct buf p = BUF_INIT;
	fs_join(&p, dir, "themes/default/templates");
	int ok = fs_is_dir(p.data);
	buf_release(&p);
	return ok;
}

/* Records dir as tried and takes it when it is the first share found. */
static void try_dir(struct share *sh, const char *dir)
{
	if (sh->tried.len)
		buf_puts(&sh->tried, ", ");
	buf_puts(&sh->tried, dir);
	if (!sh->dir && is_share(dir))
		sh->dir = xstrdup(dir);
}

/* The checkout a developer binary was built in: the binary's folder or one
 * of its two parents, recognised by generator/main.c beside themes/. */
static void try_tree(struct share *sh, char *bindir)
{
	struct buf p = BUF_INIT;
	for (int up = 0; up < 3 && !sh->dir; up++) {
		fs_join(&p, bindir, "generator/main.c");
		if (fs_exists(p.data)) {
			try_dir(sh, bindir);
			break;
		}
		char *slash = strrchr(bindir, '/');
		if (!slash || slash == bindir)
			break;
		*slash = '\0';
	}
	buf_release(&p);
}

void share_find(struct share *sh, const char *env)
{
	char exe[PATH_MAX];
	struct buf p = BUF_INIT;
	char *real = realpath("/proc/self/exe", NULL);
	int known = real && strlen(real) < sizeof(exe);
	sh->dir = NULL;
	sh->tried = (struct buf)BUF_INIT;
	if (known) {
		strcpy(exe, real);
		*strrchr(exe, '/') = '\0';	/* the binary's folder, resolved */
		char *up = strrchr(exe, '/');
		buf_add(&p, exe, up ? (size_t)(up - exe) : 0);
		buf_puts(&p, "/share/carto");
		try_dir(sh, p.data);
	}
	if (env && *env)
		try_dir(sh, env);
	if (known)
		try_tree(sh, exe);
	free(real);
	buf_release(&p);
}

void share_free(struct share *sh)
{
	free(sh->dir);
	buf_release(&sh->tried);
	sh->dir = NULL;
}
