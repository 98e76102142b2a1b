/*
 * The loading stage: lists the site's files (refusing symbolic links that
 * leave the site), then reads and converts them on the job pool (base/pool.c),
 * a file per job, and assembles the model in file order so that the result
 * does not depend on scheduling. Start at load_site.
 */
#define _DEFAULT_SOURCE
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../text/markdown.h"
#include "model.h"

enum task_kind { T_GEO, T_SITE, T_VOCAB, T_REF, T_CORR, T_ORG, T_CARTO, T_PAGE };

struct task {
	enum task_kind kind;
	char *rel;		/* path relative to the site */
	char *shown;		/* path as shown in diagnostics */
	char *path;		/* path to open */
	const char *jail;	/* the site's realpath, or NULL for carto's files */
	void *result;		/* the converted object(s) */
	size_t count;		/* organisations in an organisation file */
	struct digest src;	/* of the bytes read */
};

struct walk {
	const char *root, *real;
	const char *prefix;	/* "" or "<site>/", put before paths shown */
	struct task *v;
	size_t n, cap;
	struct diags *d;
	char *reported;		/* the last path refused, reported once */
};

/* What every loading job reads: the task list and the site being filled.
 * A worker's keep arena holds the model it converts (merged into the site's
 * arena at the end); its scratch arena holds one file's YAML tree. */
struct load_ctx {
	struct walk *w;
	struct site *s;
};

static void add_task(struct walk *w, enum task_kind k, const char *rel)
{
	struct buf p = BUF_INIT;
	w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof(*w->v));
	struct task *t = &w->v[w->n++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->rel = xstrdup(rel);
	buf_printf(&p, "%s%s", w->prefix, rel);
	t->shown = buf_detach(&p, NULL);
	fs_join(&p, w->root, rel);
	t->path = buf_detach(&p, NULL);
	t->jail = w->real;
}

/* Returns 1 when rel (a file or folder of the site) is inside the site once
 * its symbolic links are followed, or missing. If not, reports the first
 * folder of rel that goes wrong (content, for content/pages when content is
 * the link), once even when several walks go through it. */
static int place_ok(struct walk *w, const char *rel)
{
	struct buf p = BUF_INIT;
	const char *bad = NULL;
	size_t at = 0;
	while (!bad) {
		at += strcspn(rel + at, "/");
		buf_reset(&p);
		buf_printf(&p, "%s/%.*s", w->root, (int)at, rel);
		bad = fs_place_problem(fs_place(w->real, p.data));
		if (bad || !rel[at])
			break;
		at++;
	}
	if (bad) {
		buf_reset(&p);
		buf_printf(&p, "%s%.*s", w->prefix, (int)at, rel);
		if (!w->reported || strcmp(w->reported, p.data) != 0) {
			diag_add(w->d, p.data, 0, 0, DIAG_ERROR, "%s", bad);
			free(w->reported);
			w->reported = xstrdup(p.data);
		}
	}
	buf_release(&p);
	return !bad;
}

/* Returns 1 when a link at rel resolves inside the site, with the kind of
 * what it points to; reports it if not. */
static int link_ok(struct walk *w, const char *rel, enum fs_kind *kind)
{
	if (!place_ok(w, rel))
		return 0;
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, rel);
	*kind = fs_is_dir(p.data) ? FS_DIR : FS_FILE;
	buf_release(&p);
	return 1;
}

static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcmp(name + n - e, ext) == 0;
}

/* Adds a task for every file under rel with extension ext (recursively when
 * deep), in sorted order. */
static void walk_dir(struct walk *w, const char *rel, const char *ext,
    enum task_kind k, int deep)
{
	struct buf p = BUF_INIT, sub = BUF_INIT;
	if (!place_ok(w, rel))	/* content/pages -> /elsewhere */
		return;
	fs_join(&p, w->root, rel);
	struct fs_entry *v;
	size_t n;
	if (fs_list(p.data, &v, &n) < 0) {
		if (errno != ENOENT)
			diag_add(w->d, p.data, 0, 0, DIAG_ERROR, "cannot list folder: %s", strerror(errno));
		buf_release(&p);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum fs_kind kind = v[i].kind;
		if (v[i].name[0] == '.')
			continue;
		fs_join(&sub, rel, v[i].name);
		if (kind == FS_LINK && !link_ok(w, sub.data, &kind))
			continue;
		if (kind == FS_DIR && deep)
			walk_dir(w, sub.data, ext, k, deep);
		else if (kind == FS_FILE && has_ext(v[i].name, ext))
			add_task(w, k, sub.data);
		else if (kind == FS_FILE && has_ext(v[i].name, ".yml")) {
			buf_reset(&p);
			buf_printf(&p, "%s%s", w->prefix, sub.data);
			diag_add(w->d, p.data, 0, 0, DIAG_WARNING, "ignored: name YAML files *.yaml");
		}
	}
	fs_entries_free(v, n);
	buf_release(&p);
	buf_release(&sub);
}

static void walk_site(struct walk *w)
{
	if (place_ok(w, "site.yaml"))
		add_task(w, T_SITE, "site.yaml");
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, "referentiels/vocabulaires.yaml");
	if (fs_exists(p.data)) {
		/* A link that leaves the site is reported by the walk of referentiels/. */
		if (fs_place(w->real, p.data) == FS_INSIDE)
			add_task(w, T_VOCAB, "referentiels/vocabulaires.yaml");
	} else {
		buf_reset(&p);
		buf_printf(&p, "%sreferentiels/vocabulaires.yaml", w->prefix);
		diag_add(w->d, p.data, 0, 0, DIAG_ERROR,
		    "missing: the closed lists (types_offre, parcours, publics…) are required");
	}
	buf_release(&p);
	size_t first = w->n;
	walk_dir(w, "referentiels", ".yaml", T_REF, 0);
	/* The closed lists and the LHÉO mapping table of carto import lheo are
	 * not référentiels. */
	for (size_t i = first; i < w->n;)
		if (strcmp(w->v[i].rel, "referentiels/vocabulaires.yaml") == 0 ||
		    strcmp(w->v[i].rel, "referentiels/lheo.yaml") == 0) {
			free(w->v[i].rel);
			free(w->v[i].shown);
			free(w->v[i].path);
			memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof(*w->v));
			w->n--;
		} else
			i++;
	walk_dir(w, "referentiels/correspondances", ".yaml", T_CORR, 0);
	walk_dir(w, "content/organismes", ".yaml", T_ORG, 1);
	walk_dir(w, "content/cartographies", ".yaml", T_CARTO, 0);
	walk_dir(w, "content/pages", ".md", T_PAGE, 1);
}

/* The file's name without folder and extension. */
static char *stem(struct arena *a, const char *rel)
{
	const char *b = strrchr(rel, '/');
	b = b ? b + 1 : rel;
	const char *dot = strrchr(b, '.');
	return arena_strndup(a, b, dot ? (size_t)(dot - b) : strlen(b));
}

static void convert_orgs(struct rd *r, const struct ynode *root, struct task *t)
{
	static const char *const keys[] = { "organisme", "organismes", NULL };
	rd_keys(r, root, keys);
	const struct ynode *one = ytree_get(root, "organisme");
	const struct ynode *many = ytree_get(root, "organismes");
	if (one && many) {
		rd_error(r, root, "a file holds either 'organisme' or 'organismes', not both");
		return;
	}
	if (!one && !many) {
		rd_error(r, root, "missing 'organisme' (one organisation) or 'organismes' (a list)");
		return;
	}
	const struct ynode *const *items = &one;
	size_t n = 1;
	if (many) {
		if (!(many = rd_node(r, root, "organismes", Y_SEQ, REQ)))
			return;
		items = (const struct ynode *const *)many->u.items;
		n = many->n;
	} else if (!(one = rd_node(r, root, "organisme", Y_MAP, REQ)))
		return;
	struct organisme *v = arena_alloc(r->a, n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (items[i]->kind != Y_MAP) {
			rd_error(r, items[i], "an organisation must be a mapping");
			continue;
		}
		org_read(r, items[i], &v[t->count++]);
	}
	t->result = v;
}

static void convert(struct load_ctx *wk, struct task *t, struct rd *r,
    const struct ynode *root)
{
	if (!root) {
		diag_add(r->d, r->file, 1, 1, DIAG_ERROR, "empty file");
		return;
	}
	if (root->kind != Y_MAP) {
		rd_error(r, root, "the file must hold a mapping at its top level");
		return;
	}
	switch (t->kind) {
	case T_SITE:
		site_read(r, root, wk->s);
		t->result = wk->s;
		break;
	case T_VOCAB:
		vocab_read(r, root, &wk->s->vocab);
		t->result = &wk->s->vocab;
		break;
	case T_REF:
		t->result = referentiel_read(r, root, stem(r->a, t->rel));
		break;
	case T_CORR:
		t->result = corr_read(r, root, stem(r->a, t->rel));
		break;
	case T_CARTO:
		t->result = carto_read(r, root, stem(r->a, t->rel));
		break;
	case T_ORG:
		convert_orgs(r, root, t);
		break;
	case T_GEO:
	case T_PAGE:
		break;	/* handled before parsing */
	}
}

static int run_task(void *ctx, size_t i, struct pool_worker *pw)
{
	struct load_ctx *wk = ctx;
	struct task *t = &wk->w->v[i];
	struct buf *b = &pw->out;
	struct rd r = { &pw->keep, &pw->d, NULL };
	r.file = arena_strdup(&pw->keep, t->shown);
	if (t->kind == T_GEO) {
		geo_read(&wk->s->geo, t->path, t->shown, t->jail, &pw->keep, &pw->d);
		return 0;
	}
	buf_reset(b);
	if (fs_read(t->path, LOAD_MAX_FILE, b) < 0) {
		if (errno == EFBIG)
			diag_add(&pw->d, r.file, 0, 0, DIAG_ERROR, "file too large: the limit is %u MiB",
			    LOAD_MAX_FILE >> 20);
		else
			diag_add(&pw->d, r.file, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
		return 0;
	}
	t->src = digest_bytes(b->data, b->len);
	if (t->kind == T_PAGE) {
		t->result = page_read(&r, &pw->scratch, b->data, b->len, t->rel);
		if (t->result)
			((struct page *)t->result)->src = t->src;
		return 0;
	}
	int failed = 0;
	struct ynode *root = ytree_load(b->data, b->len, r.file, 0, &pw->scratch, &pw->d, &failed);
	if (!failed)
		convert(wk, t, &r, root);
	for (size_t k = 0; t->kind == T_ORG && t->result && k < t->count; k++)
		((struct organisme *)t->result)[k].src = t->src;
	return 0;
}

#define APPEND(arr, n, item, type) do { \
	(arr) = xrealloc((arr), ((n) + 1) * sizeof(type)); \
	(arr)[(n)++] = (item); \
} while (0)

/* The site's digests of its inputs (model.h): every file's path, where it
 * comes from (the site or carto's share folder) and bytes, in file order. */
static void digest_inputs(struct site *s, const struct walk *w)
{
	struct digest_ctx *inputs = digest_new(), *model = digest_new();
	for (size_t i = 0; i < w->n; i++) {
		const struct task *t = &w->v[i];
		const struct digest *src = t->kind == T_GEO ? &s->geo.src : &t->src;
		for (int k = 0; k < 2; k++) {
			struct digest_ctx *c = k ? model : inputs;
			if (!k && (t->kind == T_ORG || t->kind == T_PAGE))
				continue;
			digest_num(c, t->kind);
			digest_str(c, t->rel);
			digest_num(c, t->jail != NULL);
			digest_fold(c, src);
		}
	}
	s->inputs = digest_end(inputs);
	s->model = digest_end(model);
}

static void assemble(struct site *s, struct walk *w)
{
	size_t norgs = 0;
	digest_inputs(s, w);
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].kind == T_ORG)
			norgs += w->v[i].count;
	s->organismes = xmalloc(norgs * sizeof(*s->organismes));
	for (size_t i = 0; i < w->n; i++) {
		struct task *t = &w->v[i];
		if (!t->result)
			continue;
		switch (t->kind) {
		case T_REF:
			APPEND(s->referentiels, s->n_referentiels, t->result, void *);
			break;
		case T_CORR:
			APPEND(s->correspondances, s->n_correspondances, t->result, void *);
			break;
		case T_CARTO:
			APPEND(s->cartographies, s->n_cartographies, t->result, void *);
			break;
		case T_PAGE:
			APPEND(s->pages, s->n_pages, t->result, void *);
			break;
		case T_ORG:
			for (size_t k = 0; k < t->count; k++)
				s->organismes[s->n_organismes++] = (struct organisme *)t->result + k;
			break;
		default:
			break;
		}
	}
}

/* The territory is one task, first in the list since it is the largest:
 * the site's referentiels/geo/, else the one in carto's share folder. Without
 * either, every commune would be unknown: one error says why instead, and
 * the site is not read. Returns 0 or -1. */
static int add_geo_task(struct walk *w, const char *share)
{
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, "referentiels/geo");
	/* A link that leaves the site is reported; carto's territory stands in,
	 * so that one error is not followed by one per commune. */
	int rc = 0;
	if (place_ok(w, "referentiels/geo") && fs_is_dir(p.data)) {
		add_task(w, T_GEO, "referentiels/geo");
	} else if (share && (fs_join(&p, share, "referentiels/geo"), fs_is_dir(p.data))) {
		add_task(w, T_GEO, "referentiels/geo");
		struct task *t = &w->v[w->n - 1];
		free(t->path);
		free(t->shown);
		t->path = xstrdup(p.data);
		t->shown = xstrdup(p.data);
		t->jail = NULL;
	} else {
		diag_add(w->d, w->root, 0, 0, DIAG_ERROR,
		    "no territory: the site has no referentiels/geo/ and %s%s", share ? share : "",
		    share ? " has none either" : SHARE_MISSING);
		rc = -1;
	}
	buf_release(&p);
	return rc;
}

int load_site(struct site *s, const char *root, int jobs, struct diags *d)
{
	struct walk w = { root, NULL, "", NULL, 0, 0, d, NULL };
	char *real = realpath(root, NULL);
	struct buf p = BUF_INIT;
	fs_join(&p, root, "site.yaml");
	if (!real || !fs_exists(p.data)) {
		diag_add(d, root, 0, 0, DIAG_ERROR, "not a site: no site.yaml in this folder");
		free(real);
		buf_release(&p);
		return -1;
	}
	buf_release(&p);
	w.real = real;
	struct buf prefix = BUF_INIT;
	if (strcmp(root, ".") != 0 && strcmp(root, "./") != 0)
		fs_join(&prefix, root, "");
	if (prefix.len && prefix.data[prefix.len - 1] != '/')
		buf_putc(&prefix, '/');
	w.prefix = prefix.data;
	s->root = arena_strdup(&s->arena, root);
	int rc = add_geo_task(&w, s->share);
	if (rc == 0) {
		walk_site(&w);
		struct load_ctx lc = { &w, s };
		pool_run(w.n, jobs, run_task, &lc, d, &s->arena);
		assemble(s, &w);
	}
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].rel);
		free(w.v[i].shown);
		free(w.v[i].path);
	}
	free(w.v);
	free(w.reported);
	free(real);
	buf_release(&prefix);
	return rc;
}

void site_free(struct site *s)
{
	struct vocab_list *lists[] = { &s->vocab.types_offre, &s->vocab.parcours,
		&s->vocab.publics, &s->vocab.financeurs, &s->vocab.natures, &s->vocab.labels };
	for (size_t i = 0; i < 6; i++)
		strmap_free(&lists[i]->by_code);
	for (size_t i = 0; i < s->n_referentiels; i++)
		strmap_free(&s->referentiels[i]->by_code);
	strmap_free(&s->geo.by_code);
	free(s->referentiels);
	free(s->correspondances);
	free(s->cartographies);
	for (size_t i = 0; i < s->n_pages; i++)
		md_doc_free(s->pages[i]->doc);
	free(s->pages);
	free(s->organismes);
	strmap_free(&s->org_by_id);
	strmap_free(&s->ref_by_id);
	strmap_free(&s->pages_by_slug);
	arena_free(&s->arena);
}
