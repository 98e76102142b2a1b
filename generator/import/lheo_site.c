/*
 * carto import lheo: the organisations the site already has outside the files
 * this import writes (lheo_imp.h, struct lheo_taken), read from every YAML
 * file of content/organismes/: another import's file line by line (it is ours,
 * and may be hundreds of MB), the others with carto's YAML loader. A file that
 * does not load is passed over without a word: carto check reports it. Memory:
 * the ids and SIRETs of the site's organisations.
 */
#define _DEFAULT_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/diag.h"
#include "../base/fs.h"
#include "../data/load.h"
#include "../data/ytree.h"
#include "lheo_imp.h"

void lheo_taken_add(struct lheo_taken *t, const char *id, const char *siret, const char *file,
    uint32_t line)
{
	char where[4200];
	if (line)
		snprintf(where, sizeof(where), "%s:%u", file, line);
	else
		snprintf(where, sizeof(where), "%s", file);
	const char *w = arena_strdup(&t->a, where);
	if (id && !strmap_get(&t->ids, id))
		strmap_put(&t->ids, arena_strdup(&t->a, id), (void *)w);
	if (siret && !strmap_get(&t->sirets, siret))
		strmap_put(&t->sirets, arena_strdup(&t->a, siret), (void *)w);
}

/* One organisation's mapping (id and siret scalars). */
static void add_org(struct lheo_taken *t, const struct ynode *o, const char *rel)
{
	if (!o || o->kind != Y_MAP)
		return;
	const struct ynode *id = ytree_get(o, "id"), *siret = ytree_get(o, "siret");
	const char *i = id && id->kind == Y_SCALAR ? id->u.s : NULL;
	const char *s = siret && siret->kind == Y_SCALAR ? siret->u.s : NULL;
	lheo_taken_add(t, i, s, rel, id ? id->line : o->line);
}

/* A file written by carto import lheo (its first line says so), read line by
 * line rather than loaded: a national import is hundreds of MB. Returns 0
 * when it is not one. */
static int scan_import(struct lheo_taken *t, const char *path, const char *rel)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char *line = NULL, *id = NULL;
	size_t cap = 0;
	ssize_t n;
	uint32_t ln = 0, id_line = 0;
	int ours = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		ln++;
		line[strcspn(line, "\n")] = '\0';
		if (ln == 1 && !(ours = strncmp(line, "# Imported by `carto import lheo`", 33) == 0))
			break;
		if (strncmp(line, "  - id: ", 8) == 0) {
			free(id);
			id = strdup(line + 8);
			id_line = ln;
		} else if (id && strncmp(line, "    siret: \"", 12) == 0) {
			line[12 + strcspn(line + 12, "\"")] = '\0';
			lheo_taken_add(t, id, line + 12, rel, id_line);
			free(id);
			id = NULL;
		}
	}
	free(id);
	free(line);
	fclose(f);
	return ours;
}

static void read_file(struct lheo_taken *t, const char *path, const char *rel)
{
	if (scan_import(t, path, rel))
		return;
	struct buf b = BUF_INIT;
	struct diags quiet = DIAGS_INIT;
	struct arena a = ARENA_INIT;
	int failed = 0;
	const struct ynode *root = NULL;
	if (fs_read(path, LOAD_MAX_FILE, &b) == 0)
		root = ytree_load(b.data ? b.data : "", b.len, rel, 0, &a, &quiet, &failed);
	if (root && root->kind == Y_MAP) {
		add_org(t, ytree_get(root, "organisme"), rel);
		const struct ynode *many = ytree_get(root, "organismes");
		for (size_t i = 0; many && many->kind == Y_SEQ && i < many->n; i++)
			add_org(t, many->u.items[i], rel);
	}
	diags_free(&quiet);
	arena_free(&a);
	buf_release(&b);
}

/* The folder rel of the site (real path jail), and its sub-folders; links
 * are followed only when they stay inside the site. */
static void walk(struct lheo_taken *t, const char *site, const char *jail, const char *rel,
    char *const *skip, size_t n_skip, int depth)
{
	struct buf p = BUF_INIT, sub = BUF_INIT;
	struct fs_entry *v;
	size_t n;
	fs_join(&p, site, rel);
	if (depth > 16 || fs_list(p.data, &v, &n) < 0) {
		buf_release(&p);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum fs_kind kind = v[i].kind;
		if (v[i].name[0] == '.')
			continue;
		buf_reset(&sub);
		fs_join(&sub, rel, v[i].name);
		buf_reset(&p);
		fs_join(&p, site, sub.data);
		if (kind == FS_LINK) {
			if (!jail || fs_place(jail, p.data) != FS_INSIDE)
				continue;
			kind = fs_is_dir(p.data) ? FS_DIR : FS_FILE;
		}
		size_t len = strlen(v[i].name);
		int mine = 0;
		for (size_t k = 0; k < n_skip && !mine; k++)
			mine = strcmp(skip[k], sub.data) == 0;
		if (kind == FS_DIR)
			walk(t, site, jail, sub.data, skip, n_skip, depth + 1);
		else if (kind == FS_FILE && !mine && len > 5 && strcmp(v[i].name + len - 5, ".yaml") == 0)
			read_file(t, p.data, sub.data);
	}
	fs_entries_free(v, n);
	buf_release(&p);
	buf_release(&sub);
}

void lheo_taken_read(struct lheo_taken *t, const char *site, char *const *skip, size_t n_skip)
{
	char *jail = realpath(site, NULL);
	walk(t, site, jail, "content/organismes", skip, n_skip, 0);
	free(jail);
}

void lheo_taken_free(struct lheo_taken *t)
{
	strmap_free(&t->ids);
	strmap_free(&t->sirets);
	arena_free(&t->a);
}
