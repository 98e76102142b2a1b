/*
 * The mapping table of carto import lheo, referentiels/lheo.yaml: LHÉO codes
 * that have no carto equivalent, translated into carto's closed lists. Every
 * target code must exist in the site's referentiels/vocabulaires.yaml, so a
 * table that names an unknown type stops the import before anything is read.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../data/fields.h"
#include "../data/load.h"
#include "../data/ytree.h"
#include "lheo_int.h"

/* Reads a YAML file; with a jail (the site's realpath), a file whose links
 * lead out of the site is refused, as everywhere carto reads a site. */
static const struct ynode *load_yaml(const char *path, const char *shown, const char *jail,
    struct arena *a, struct diags *d)
{
	struct buf b = BUF_INIT;
	int failed = 0;
	const char *bad = jail ? fs_place_problem(fs_place(jail, path)) : NULL;
	if (bad) {
		diag_add_msg(d, shown, 0, 0, DIAG_ERROR, bad);
		return NULL;
	}
	if (fs_read(path, LOAD_MAX_FILE, &b) < 0) {
		diag_add(d, shown, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
		return NULL;
	}
	const struct ynode *root = ytree_load(b.data, b.len, shown, 0, a, d, &failed);
	buf_release(&b);
	if (!failed && (!root || root->kind != Y_MAP)) {
		diag_add(d, shown, 1, 1, DIAG_ERROR, "expected a mapping");
		return NULL;
	}
	return failed ? NULL : root;
}

static int in_list(const struct vocab_list *l, const char *code)
{
	return strmap_get(&l->by_code, code) != NULL;
}

static const struct scale *scale_of(const struct lheo_map *m, const char *id)
{
	const struct vocab *v = &m->vocab;
	for (size_t i = 0; i < v->n_echelles; i++)
		if (strcmp(v->echelles[i].id, id) == 0)
			return &v->echelles[i];
	return strmap_get(&m->ref_scales, id);
}

/* A scalar's text, or NULL. */
static const char *scalar(const struct ynode *n)
{
	return n && n->kind == Y_SCALAR ? n->u.s : NULL;
}

/* The référentiels' own scales, as "referentiel:scale", for an echelle the
 * carto extras name: each referentiels/<id>.yaml read as far as its id and
 * its scale's id and level codes. A file that does not read adds none
 * (carto check reports it, not the import). */
static void read_ref_scales(struct lheo_map *m, const char *site, const char *jail)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, key = BUF_INIT;
	struct fs_entry *v;
	size_t n;
	fs_join(&dir, site, "referentiels");
	if (fs_list(dir.data, &v, &n) < 0) {
		v = NULL;
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i].name);
		if (v[i].kind != FS_FILE || len < 6 || strcmp(v[i].name + len - 5, ".yaml") != 0)
			continue;
		struct diags quiet = { 0 };
		buf_reset(&path);
		fs_join(&path, dir.data, v[i].name);
		const struct ynode *root = load_yaml(path.data, v[i].name, jail, &m->a, &quiet);
		diags_free(&quiet);
		const struct ynode *ref = root ? ytree_get(root, "referentiel") : NULL;
		const struct ynode *e = ref && ref->kind == Y_MAP ? ytree_get(ref, "echelle") : NULL;
		const struct ynode *lv = e && e->kind == Y_MAP ? ytree_get(e, "niveaux") : NULL;
		const char *id = ref && ref->kind == Y_MAP ? scalar(ytree_get(ref, "id")) : NULL;
		const char *eid = lv && lv->kind == Y_SEQ ? scalar(ytree_get(e, "id")) : NULL;
		if (!id || !eid)
			continue;
		struct scale *sc = arena_alloc(&m->a, sizeof(*sc));
		sc->v = arena_alloc(&m->a, (lv->n + 1) * sizeof(*sc->v));
		for (size_t k = 0; k < lv->n; k++) {
			const char *code = lv->u.items[k]->kind == Y_MAP ? scalar(ytree_get(lv->u.items[k], "code")) : NULL;
			if (code)
				sc->v[sc->n++].code = code;
		}
		buf_reset(&key);
		buf_printf(&key, "%s:%s", id, eid);
		sc->id = arena_strdup(&m->a, key.data);
		strmap_put(&m->ref_scales, sc->id, sc);
	}
	fs_entries_free(v, n);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&key);
}

static int has_level(const struct scale *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].code, code) == 0)
			return 1;
	return 0;
}

/* A target missing from the site's lists is an error in the site's own
 * table; the default table that ships with carto may name codes a site does
 * not use, and those entries are left out. */
static void refuse(struct rd *r, int strict, const struct ynode *n, const char *what, const char *code)
{
	if (strict)
		rd_error(r, n, "unknown %s '%s' (referentiels/vocabulaires.yaml)", what, code);
}

/* LHÉO codes are keys of the table; unquoted, YAML would read numbers. */
static int is_quoted_key(struct rd *r, const struct ynode *k)
{
	if (k->plain)
		rd_error(r, k, "write the LHÉO code %s quoted: \"%s\"", k->u.s, k->u.s);
	return !k->plain;
}

/* "code": [a, b] under key, each target in list l. */
static void read_codes(struct rd *r, int strict, const struct ynode *root, const char *key,
    const struct vocab_list *l, struct strmap *out)
{
	const struct ynode *m = rd_node(r, root, key, Y_MAP, OPT);
	for (size_t i = 0; m && i < m->n; i++) {
		const struct ynode *k = m->u.pairs[i].key, *v = m->u.pairs[i].val;
		if (!is_quoted_key(r, k))
			continue;
		if (v->kind != Y_SEQ) {
			rd_error(r, v, "'%s' maps to a list of %s codes", k->u.s, l->name);
			continue;
		}
		struct lheo_codes *c = arena_alloc(&*r->a, sizeof(*c));
		c->v = arena_alloc(r->a, (v->n + 1) * sizeof(*c->v));
		c->n = 0;
		for (size_t j = 0; j < v->n; j++) {
			const struct ynode *x = v->u.items[j];
			if (x->kind != Y_SCALAR)
				rd_error(r, x, "expected a %s code", l->name);
			else if (!in_list(l, x->u.s))
				refuse(r, strict, x, l->name, x->u.s);
			else
				c->v[c->n++] = arena_strdup(r->a, x->u.s);
		}
		if (c->n)
			strmap_put(out, arena_strdup(r->a, k->u.s), c);
	}
}

static void read_parcours(struct rd *r, int strict, const struct ynode *root, struct lheo_map *m)
{
	static const char *const keys[] = { "financeurs", "defaut", NULL };
	const struct ynode *p = rd_node(r, root, "parcours", Y_MAP, OPT);
	if (!p)
		return;
	rd_keys(r, p, keys);
	const struct ynode *f = rd_node(r, p, "financeurs", Y_MAP, OPT);
	for (size_t i = 0; f && i < f->n; i++) {
		const struct ynode *k = f->u.pairs[i].key, *v = f->u.pairs[i].val;
		if (!is_quoted_key(r, k))
			continue;
		if (v->kind != Y_SCALAR)
			rd_error(r, v, "expected a parcours code");
		else if (!in_list(&m->vocab.parcours, v->u.s))
			refuse(r, strict, v, "parcours", v->u.s);
		else
			strmap_put(&m->parcours, arena_strdup(r->a, k->u.s), arena_strdup(r->a, v->u.s));
	}
	struct sval d = rd_code(r, p, "defaut", OPT);
	if (d.s && !in_list(&m->vocab.parcours, d.s))
		refuse(r, strict, ytree_get(p, "defaut"), "parcours", d.s);
	else if (d.s)
		m->parcours_defaut = d.s;
}

static void read_niveaux(struct rd *r, int strict, const struct ynode *root, struct lheo_map *m)
{
	static const char *const keys[] = { "echelle", "min", "max", "ecrit_requis", NULL };
	const struct ynode *n = rd_node(r, root, "niveaux_entree", Y_MAP, OPT);
	for (size_t i = 0; n && i < n->n; i++) {
		const struct ynode *k = n->u.pairs[i].key, *v = n->u.pairs[i].val;
		if (!is_quoted_key(r, k))
			continue;
		if (v->kind != Y_MAP) {
			rd_error(r, v, "'%s' maps to { echelle, min, max, ecrit_requis }", k->u.s);
			continue;
		}
		rd_keys(r, v, keys);
		struct lheo_niveau *x = arena_alloc(r->a, sizeof(*x));
		x->echelle = rd_code(r, v, "echelle", REQ).s;
		x->min = rd_code(r, v, "min", OPT).s;
		x->max = rd_code(r, v, "max", OPT).s;
		x->ecrit_requis = rd_bool(r, v, "ecrit_requis", OPT);
		const struct scale *s = x->echelle ? scale_of(m, x->echelle) : NULL;
		if (x->echelle && !s)
			refuse(r, strict, ytree_get(v, "echelle"), "echelle", x->echelle);
		if (!s)
			continue;
		if ((x->min && !has_level(s, x->min)) || (x->max && !has_level(s, x->max))) {
			char what[96];
			snprintf(what, sizeof(what), "level of echelle %s", x->echelle);
			refuse(r, strict, v, what, x->min && !has_level(s, x->min) ? x->min : x->max);
			continue;
		}
		strmap_put(&m->niveaux, arena_strdup(r->a, k->u.s), x);
	}
}

int lheo_map_read(struct lheo_map *m, const char *site, const char *share, int vocab_said,
    struct diags *d)
{
	static const char *const keys[] = { "formacodes", "publics", "parcours", "niveaux_entree", NULL };
	struct buf path = BUF_INIT, shown = BUF_INIT;
	size_t errors = d->errors;
	struct diags vd = DIAGS_INIT;	/* the vocabularies' own, when the load said them */
	struct rd r = { &m->a, vocab_said ? &vd : d, NULL };
	char *jail = realpath(site, NULL);
	fs_join(&path, site, "referentiels/vocabulaires.yaml");
	r.file = "referentiels/vocabulaires.yaml";
	const struct ynode *root = load_yaml(path.data, r.file, jail, &m->a, r.d);
	if (root)
		vocab_read(&r, root, &m->vocab);
	int vocab_failed = vd.errors > 0;	/* not said again, but still a failure */
	diags_free(&vd);
	r.d = d;
	read_ref_scales(m, site, jail);
	buf_reset(&path);
	fs_join(&path, site, "referentiels/lheo.yaml");
	buf_puts(&shown, "referentiels/lheo.yaml");
	int strict = 1;
	if (!fs_exists(path.data) && !share) {
		diag_add(d, site, 0, 0, DIAG_ERROR, "no LHÉO mapping table: the site has no "
		    "referentiels/lheo.yaml and " SHARE_MISSING);
	} else if (!fs_exists(path.data)) {
		strict = 0;
		free(jail);
		jail = NULL;
		buf_reset(&path);
		fs_join(&path, share, "referentiels/lheo.yaml");
		buf_reset(&shown);
		buf_puts(&shown, path.data);
	}
	r.file = arena_strdup(&m->a, shown.data);
	if (d->errors == errors && !vocab_failed && (root = load_yaml(path.data, r.file, jail, &m->a, d))) {
		rd_keys(&r, root, keys);
		read_codes(&r, strict, root, "formacodes", &m->vocab.types_offre, &m->types);
		read_codes(&r, strict, root, "publics", &m->vocab.publics, &m->publics);
		read_parcours(&r, strict, root, m);
		read_niveaux(&r, strict, root, m);
	}
	free(jail);
	buf_release(&path);
	buf_release(&shown);
	return d->errors == errors && !vocab_failed ? 0 : -1;
}

int lheo_map_has_level(const struct lheo_map *m, const char *echelle, const char *level)
{
	const struct scale *s = scale_of(m, echelle);
	return s && (!level || has_level(s, level));
}

void lheo_map_free(struct lheo_map *m)
{
	struct vocab_list *lists[] = { &m->vocab.types_offre, &m->vocab.parcours, &m->vocab.publics,
		&m->vocab.financeurs, &m->vocab.natures, &m->vocab.labels };
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		strmap_free(&lists[i]->by_code);
	strmap_free(&m->types);
	strmap_free(&m->publics);
	strmap_free(&m->parcours);
	strmap_free(&m->niveaux);
	strmap_free(&m->ref_scales);
	arena_free(&m->a);
}
