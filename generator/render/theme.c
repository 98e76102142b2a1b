/*
 * Theme loading: the site's folder is read first, then carto's; a name
 * already loaded is not read again, which is how a site overrides a file.
 * In the site's folder, symbolic links are followed only when they stay in
 * the site; others are errors, as in the loader.
 */
#define _DEFAULT_SOURCE
#include "theme.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../text/template.h"
#include "publish.h"

/* With a jail (the site's realpath: the site's theme), 1 when path stays
 * in it once its links are followed, else reported; without, 1. */
static int place_ok(const char *jail, const char *path, struct diags *d)
{
	const char *bad = jail ? fs_place_problem(fs_place(jail, path)) : NULL;
	if (bad)
		diag_add_msg(d, path, 0, 0, DIAG_ERROR, bad);
	return !bad;
}

/* The kind of entry e of dir (a link's target), or FS_OTHER when refused. */
static enum fs_kind entry_kind(const char *dir, const struct fs_entry *e, const char *jail,
    struct buf *path, struct diags *d)
{
	if (e->kind != FS_LINK)
		return e->kind;
	fs_join(path, dir, e->name);
	if (!place_ok(jail, path->data, d))
		return FS_OTHER;
	return fs_is_dir(path->data) ? FS_DIR : FS_FILE;
}

static int load_dir(struct theme *t, const char *dir, const char *jail, struct diags *d)
{
	struct fs_entry *v;
	size_t n;
	int rc = 0;
	if (!place_ok(jail, dir, d))
		return -1;
	if (fs_list(dir, &v, &n) < 0)
		return 0;
	struct buf path = BUF_INIT, text = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i].name);
		if (l < 10 || strcmp(v[i].name + l - 9, ".mustache") != 0)
			continue;
		enum fs_kind k = entry_kind(dir, &v[i], jail, &path, d);
		rc |= k == FS_OTHER && v[i].kind == FS_LINK ? -1 : 0;
		if (k != FS_FILE)
			continue;
		char *name = arena_strndup(&t->arena, v[i].name, l - 9);
		if (strmap_get(&t->tpls, name))
			continue;	/* overridden by the site */
		fs_join(&path, dir, v[i].name);
		buf_reset(&text);
		if (fs_read(path.data, 1 << 22, &text) < 0) {
			diag_add(d, path.data, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
			rc = -1;
			continue;
		}
		digest_str(t->acc, name);
		digest_num(t->acc, (long long)text.len);
		digest_add(t->acc, text.data, text.len);
		struct tpl *tp = tpl_parse(text.data, text.len, path.data, &t->arena, d);
		if (!tp)
			rc = -1;
		else
			strmap_put(&t->tpls, name, tp);
	}
	fs_entries_free(v, n);
	buf_release(&path);
	buf_release(&text);
	return rc;
}

/* FNV-1a, 64 bits: a name that changes when the content does (not a
 * defence against anyone choosing contents). */
static uint64_t content_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
	return h;
}

/* A style sheet or script is also published under a name holding a hash of
 * its content ("assets/style.0123456789ab.css"), which pages link to, so a
 * host may let browsers keep it for a year; the view's key is the plain name
 * with every character other than a letter or digit as '_' ("style_css"). */
static int name_asset(struct theme *t, size_t k, struct diags *d)
{
	const char *name = t->assets[k], *dot = strrchr(name, '.');
	if (!dot || (strcmp(dot, ".css") != 0 && strcmp(dot, ".js") != 0))
		return 0;
	struct buf data = BUF_INIT, b = BUF_INIT;
	if (fs_read(t->asset_src[k], 1u << 28, &data) < 0) {
		diag_add(d, t->asset_src[k], 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
		buf_release(&data);
		return -1;
	}
	buf_add(&b, name, (size_t)(dot - name));
	buf_printf(&b, ".%012llx%s", (unsigned long long)(content_hash(data.data, data.len) >> 16), dot);
	t->asset_pub[k] = buf_detach(&b, NULL);
	for (const char *c = name + strlen("assets/"); *c; c++)
		buf_putc(&b, (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ? *c : '_');
	t->asset_key[k] = buf_detach(&b, NULL);
	buf_release(&data);
	return 0;
}

static int add_assets(struct theme *t, const char *dir, const char *rel, const char *jail,
    struct diags *d)
{
	struct fs_entry *v;
	size_t n;
	int rc = 0;
	struct buf src = BUF_INIT, sub = BUF_INIT, path = BUF_INIT;
	fs_join(&src, dir, rel);
	if (!place_ok(jail, src.data, d) || fs_list(src.data, &v, &n) < 0) {
		rc = fs_exists(src.data) ? -1 : 0;
		buf_release(&src);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].name[0] == '.')
			continue;
		fs_join(&sub, rel, v[i].name);
		enum fs_kind k = entry_kind(src.data, &v[i], jail, &path, d);
		if (k == FS_OTHER && v[i].kind == FS_LINK)
			rc = -1;
		if (k == FS_DIR) {
			rc |= add_assets(t, dir, sub.data, jail, d);
			continue;
		}
		if (k != FS_FILE)
			continue;
		size_t a;
		for (a = 0; a < t->n_assets && strcmp(t->assets[a], sub.data); a++)
			;
		if (a < t->n_assets)
			continue;	/* the site's own copy wins */
		t->assets = xrealloc(t->assets, (t->n_assets + 1) * sizeof(char *));
		t->asset_src = xrealloc(t->asset_src, (t->n_assets + 1) * sizeof(char *));
		t->asset_pub = xrealloc(t->asset_pub, (t->n_assets + 1) * sizeof(char *));
		t->asset_key = xrealloc(t->asset_key, (t->n_assets + 1) * sizeof(char *));
		t->assets[t->n_assets] = xstrdup(sub.data);
		fs_join(&path, dir, sub.data);
		t->asset_src[t->n_assets] = xstrdup(path.data);
		t->asset_pub[t->n_assets] = t->asset_key[t->n_assets] = NULL;
		rc |= name_asset(t, t->n_assets++, d);
	}
	fs_entries_free(v, n);
	buf_release(&src);
	buf_release(&sub);
	buf_release(&path);
	return rc;
}

int theme_exists(const char *root, const char *share, const char *name)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/themes/%s", root, name);
	int ok = fs_is_dir(p.data);
	buf_reset(&p);
	if (share) {
		buf_printf(&p, "%s/themes/%s", share, name);
		ok = ok || fs_is_dir(p.data);
	}
	buf_release(&p);
	return ok;
}

int theme_has_asset(const char *root, const char *share, const char *name, const char *rel)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/themes/%s/assets/%s", root, name, rel);
	int ok = fs_exists(p.data) && !fs_is_dir(p.data);
	if (share) {
		buf_reset(&p);
		buf_printf(&p, "%s/themes/%s/assets/%s", share, name, rel);
		ok = ok || (fs_exists(p.data) && !fs_is_dir(p.data));
	}
	buf_release(&p);
	return ok;
}

int theme_load(struct theme *t, const char *root, const char *share, const char *name,
    struct diags *d)
{
	struct buf site = BUF_INIT, shared = BUF_INIT, p = BUF_INIT;
	int rc = 0, found = 0;
	char *jail = realpath(root, NULL);
	if (strcmp(root, ".") == 0)
		buf_printf(&site, "themes/%s", name);	/* as the other diagnostics */
	else
		buf_printf(&site, "%s/themes/%s", root, name);
	if (share)
		buf_printf(&shared, "%s/themes/%s", share, name);
	const char *dirs[] = { site.data, shared.data };
	t->acc = digest_new();
	for (int i = 0; i < (share ? 2 : 1); i++) {
		const char *j = i == 0 ? jail : NULL;
		if (!place_ok(j, dirs[i], d)) {
			rc = -1;	/* themes/ or themes/<name> leads out of the site */
			continue;
		}
		if (!fs_is_dir(dirs[i]))
			continue;
		found = 1;
		fs_join(&p, dirs[i], "templates");
		rc |= load_dir(t, p.data, j, d);
		fs_join(&p, dirs[i], "partials");
		rc |= load_dir(t, p.data, j, d);
		rc |= add_assets(t, dirs[i], "assets", j, d);
	}
	free(jail);
	for (size_t i = 0; i < t->n_assets; i++) {
		digest_str(t->acc, t->asset_pub[i]);
		digest_str(t->acc, t->asset_key[i]);
	}
	t->src = digest_end(t->acc);
	t->acc = NULL;
	if (!found) {
		diag_add(d, "site.yaml", 0, 0, DIAG_ERROR,
		    "theme '%s' not found (looked in %s%s%s)", name, site.data,
		    share ? " and " : " only: carto's share folder was not found", shared.data);
		rc = -1;
	}
	buf_release(&site);
	buf_release(&shared);
	buf_release(&p);
	return rc ? -1 : 0;
}

const struct tpl *theme_get(const struct theme *t, const char *name)
{
	return strmap_get(&t->tpls, name);
}

/*
 * Static checks of a loaded theme, for carto check: what a build would find
 * only when rendering. Every written partial name resolves; and the partials
 * a template includes outside sections (so whatever the data) neither
 * include themselves nor expand past TPL_MAX_EXPANSIONS (counted with a
 * memo per template: each one once).
 */
struct tcheck {
	const struct theme *t;
	struct diags *d;
	struct strmap memo;		/* name -> weight + 1 */
	const char **chain;		/* the templates being counted, outermost first */
	size_t depth;
	uint64_t sum;			/* weight of the template being counted */
	int failed;
};

static uint64_t weight(struct tcheck *c, const char *name);

static void ref_known(void *ctx, const char *name, const char *file, unsigned line,
    unsigned col, int in_section)
{
	struct tcheck *c = ctx;
	(void)in_section;
	if (!theme_get(c->t, name)) {
		diag_add(c->d, file, line, col, DIAG_ERROR, "unknown partial '%s'", name);
		c->failed = 1;
	}
}

/* Reports a problem at a tag, with the chain of partials that leads there. */
static void chain_error(struct tcheck *c, const char *file, unsigned line, unsigned col,
    const char *what, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s: ", what);
	for (size_t i = 0; i < c->depth; i++)
		buf_printf(&b, "%s > ", c->chain[i]);
	buf_puts(&b, name);
	/* One message of the code's words and the partials' names (file
	 * names, short): what is not a value to shorten. */
	diag_add_msg(c->d, file, line, col, DIAG_ERROR, b.data);
	buf_release(&b);
	c->failed = 1;
}

static void ref_weight(void *ctx, const char *name, const char *file, unsigned line,
    unsigned col, int in_section)
{
	struct tcheck *c = ctx;
	if (in_section || c->failed || !theme_get(c->t, name))
		return;
	for (size_t i = 0; i < c->depth; i++)
		if (strcmp(c->chain[i], name) == 0) {
			chain_error(c, file, line, col, "a partial includes itself whatever "
			    "the data (it would nest without end)", name);
			return;
		}
	c->sum += weight(c, name);
	if (c->sum > TPL_MAX_EXPANSIONS && !c->failed)
		chain_error(c, file, line, col, "partials expanded more than 1000000 times "
		    "whatever the data (partials that include each other several times?)", name);
}

/* Partial expansions of name outside sections, itself included. */
static uint64_t weight(struct tcheck *c, const char *name)
{
	void *m = strmap_get(&c->memo, name);
	if (m)
		return (uint64_t)(uintptr_t)m - 1;
	uint64_t outer = c->sum;
	c->sum = 1;
	c->chain[c->depth++] = name;
	tpl_each_ref(theme_get(c->t, name), ref_weight, c);
	c->depth--;
	uint64_t w = c->sum;
	if (w > TPL_MAX_EXPANSIONS)
		w = TPL_MAX_EXPANSIONS + 1u;	/* reported once; keep the sums small */
	strmap_set(&c->memo, name, (void *)(uintptr_t)(w + 1));
	c->sum = outer;
	return w;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int theme_check(const struct theme *t, struct diags *d)
{
	struct tcheck c = { t, d, STRMAP_INIT, NULL, 0, 0, 0 };
	/* A chain holds each template at most once. */
	c.chain = xmalloc((t->tpls.n + 1) * sizeof(*c.chain));
	/* The templates in the order of their names, not of the map's slots
	 * (its hash's): what is said, and the chain a fan-out is said with,
	 * must not change with the hash function. */
	const char **names = xmalloc((t->tpls.n + 1) * sizeof(*names));
	size_t n = 0;
	for (size_t i = 0; i < t->tpls.cap; i++)
		if (t->tpls.slots[i].key)
			names[n++] = t->tpls.slots[i].key;
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++)
		tpl_each_ref(theme_get(t, names[i]), ref_known, &c);
	for (size_t i = 0; i < n && !c.failed; i++)
		weight(&c, names[i]);
	free(names);
	strmap_free(&c.memo);
	free(c.chain);
	return c.failed ? -1 : 0;
}

int theme_copy_assets(const struct theme *t, struct publish *p, struct diags *d)
{
	struct buf data = BUF_INIT, rel = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < t->n_assets && rc == 0; i++) {
		buf_reset(&data);
		fs_join(&rel, "assets", t->assets[i] + strlen("assets/"));
		if (fs_read(t->asset_src[i], 1u << 28, &data) < 0) {
			diag_add(d, t->asset_src[i], 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
			rc = -1;
		} else if (publish_write(p, rel.data, data.data, data.len) < 0 ||
			   (t->asset_pub[i] && publish_write(p, t->asset_pub[i], data.data, data.len) < 0))
			rc = -1;
	}
	buf_release(&data);
	buf_release(&rel);
	return rc;
}

void theme_free(struct theme *t)
{
	for (size_t i = 0; i < t->n_assets; i++) {
		free(t->assets[i]);
		free(t->asset_src[i]);
		free(t->asset_pub[i]);
		free(t->asset_key[i]);
	}
	free(t->asset_pub);
	free(t->asset_key);
	free(t->assets);
	free(t->asset_src);
	strmap_free(&t->tpls);
	arena_free(&t->arena);
}
