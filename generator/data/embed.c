/*
 * Reading the carto blocks of every page. Each block gives one struct embed,
 * invalid ones included, so that the n-th block of a page is always its n-th
 * embed. Start at embeds_read.
 */
#include "embed.h"

#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../text/markdown.h"
#include "fields.h"
#include "load.h"
#include "model.h"
#include "ytree.h"

static const char *const views[] = { "carte", "compte", "tableau", "offres", "domaines",
	"correspondance" };
#define N_VIEWS (sizeof(views) / sizeof(*views))

/* The keys each view takes besides its own. */
#define FILTERS "types", "publics", "parcours", "gratuit", "garde_enfants"
static const char *const keys[N_VIEWS][10] = {
	{ "carte", "departement", "titre", NULL },
	{ "compte", "departement", FILTERS, NULL },
	{ "tableau", "departement", FILTERS, "titre", NULL },
	{ "offres", "departement", FILTERS, "limite", "titre", NULL },
	{ "domaines", "titre", NULL },
	{ "correspondance", "vers", "titre", NULL },
};

struct reader {
	struct site *s;
	struct page *pg;
	struct rd r;
	struct arena tree;
	size_t cap;
};

/* 1 when what the view names (the file rel) is missing because the load
 * refused it with an error of its own: that error stands alone. */
static int refused(struct reader *x, const char *folder, const char *id)
{
	struct buf rel = BUF_INIT;
	buf_printf(&rel, "%s/%s.yaml", folder, id);
	int r = load_refused(x->s, x->r.d, rel.data);
	buf_release(&rel);
	return r;
}

static const struct cartographie *find_carto(struct reader *x, const struct ynode *at, const char *id)
{
	const struct site *s = x->s;
	const char **ids = xmalloc((s->n_cartographies + 1) * sizeof(*ids));
	for (size_t i = 0; i < s->n_cartographies; i++) {
		if (strcmp(s->cartographies[i]->id.s, id) == 0) {
			free(ids);
			return s->cartographies[i];
		}
		ids[i] = s->cartographies[i]->id.s;
	}
	if (!refused(x, "content/cartographies", id))
		load_unknown(&x->r, at, "cartography", id, ids, s->n_cartographies);
	free(ids);
	return NULL;
}

static const struct referentiel *find_ref(struct reader *x, const struct ynode *at, const char *id)
{
	const struct site *s = x->s;
	const char **ids = xmalloc((s->n_referentiels + 1) * sizeof(*ids));
	for (size_t i = 0; i < s->n_referentiels; i++) {
		if (strcmp(s->referentiels[i]->id, id) == 0) {
			free(ids);
			return s->referentiels[i];
		}
		ids[i] = s->referentiels[i]->id;
	}
	if (!refused(x, "referentiels", id))
		load_unknown(&x->r, at, "référentiel", id, ids, s->n_referentiels);
	free(ids);
	return NULL;
}

static void read_dep(struct reader *x, const struct ynode *n, struct embed *e)
{
	struct sval dep = rd_code(&x->r, n, "departement", OPT);
	if (!dep.s)
		return;
	const char *codes[16];
	size_t k = 0;
	for (size_t i = 0; i < x->s->geo.n_departements && k < 16; i++) {
		if (strcmp(x->s->geo.departements[i].code, dep.s) == 0) {
			e->dep = dep.s;
			return;
		}
		codes[k++] = x->s->geo.departements[i].code;
	}
	load_unknown(&x->r, ytree_get(n, "departement"), "département", dep.s, codes, k);
}

/* A list of codes of a vocabulary, each checked. */
static struct svals read_codes(struct reader *x, const struct ynode *n, const char *key,
    const struct vocab_list *l, const char *what)
{
	struct svals v = rd_codes(&x->r, n, key, OPT);
	for (size_t i = 0; i < v.n; i++)
		if (!strmap_get(&l->by_code, v.v[i].s)) {
			const char **codes = xmalloc((l->n + 1) * sizeof(*codes));
			for (size_t k = 0; k < l->n; k++)
				codes[k] = l->v[k].code;
			struct ynode at = { .kind = Y_SCALAR, .line = v.v[i].line, .col = v.v[i].col };
			load_unknown(&x->r, &at, what, v.v[i].s, codes, l->n);
			free(codes);
		}
	return v;
}

static void read_filters(struct reader *x, const struct ynode *n, struct embed *e)
{
	e->types = read_codes(x, n, "types", &x->s->vocab.types_offre, "offer type");
	e->publics = read_codes(x, n, "publics", &x->s->vocab.publics, "public");
	e->parcours = read_codes(x, n, "parcours", &x->s->vocab.parcours, "parcours");
	e->gratuit = rd_bool(&x->r, n, "gratuit", OPT);
	e->garde_enfants = rd_bool(&x->r, n, "garde_enfants", OPT);
}

static int has_code(const struct svals *v, const char *code)
{
	for (size_t i = 0; code && i < v->n; i++)
		if (strcmp(v->v[i].s, code) == 0)
			return 1;
	return 0;
}

static int any_of(const struct svals *want, const struct svals *have)
{
	for (size_t i = 0; i < want->n; i++)
		if (has_code(have, want->v[i].s))
			return 1;
	return want->n == 0;
}

size_t embed_columns(const struct site *s, const struct embed *e, const char **codes)
{
	const struct svals *ts = e->types.n ? &e->types : &e->ca->sel_types;
	size_t n = ts->n ? ts->n : s->vocab.types_offre.n;
	for (size_t t = 0; codes && t < n; t++)
		codes[t] = ts->n ? ts->v[t].s : s->vocab.types_offre.v[t].code;
	return n;
}

void embed_count(const struct site *s, const char *const *codes, size_t nt, const struct offre *o,
    const struct lieu *l, size_t *cell)
{
	size_t nd = s->geo.n_departements, d = 0;
	while (d < nd && strcmp(s->geo.departements[d].code, l->dep) != 0)
		d++;
	if (d == nd)
		return;
	for (size_t t = 0; t < nt; t++)
		if (has_code(&o->types, codes[t])) {
			cell[d * (nt + 1) + t]++;
			cell[nd * (nt + 1) + t]++;
		}
	cell[d * (nt + 1) + nt]++;
	cell[nd * (nt + 1) + nt]++;
}

int embed_keeps(const struct embed *e, const struct offre *o, const struct lieu *l)
{
	if (e->dep && strcmp(l->dep, e->dep) != 0)
		return 0;
	if (!any_of(&e->types, &o->types) || !any_of(&e->publics, &o->publics))
		return 0;
	if (e->parcours.n && !has_code(&e->parcours, o->parcours.s))
		return 0;
	if (e->gratuit == TRI_TRUE && o->gratuit != TRI_TRUE)
		return 0;
	return e->garde_enfants != TRI_TRUE || o->garde_enfants == TRI_TRUE;
}

static void read_corr(struct reader *x, const struct ynode *n, struct embed *e, const char *de)
{
	const struct referentiel *from = find_ref(x, ytree_get(n, "correspondance"), de);
	struct sval vers = rd_code(&x->r, n, "vers", OPT);
	const struct referentiel *to = vers.s ? find_ref(x, ytree_get(n, "vers"), vers.s) : NULL;
	if (!from || (vers.s && !to))
		return;
	for (size_t i = 0; i < x->s->n_correspondances; i++) {
		const struct correspondance *c = x->s->correspondances[i];
		if (c->de == from && (!to || c->vers == to)) {
			e->corr = c;
			return;
		}
	}
	if (load_refused(x->s, x->r.d, "referentiels/correspondances"))
		return;	/* a correspondence refused: its error says why */
	rd_error(&x->r, ytree_get(n, "correspondance"), "no correspondence from '%s'%s%s%s in referentiels/correspondances/",
	    de, to ? " to '" : "", to ? to->id : "", to ? "'" : "");
}

static void read_view(struct reader *x, const struct ynode *n, struct embed *e)
{
	size_t v = N_VIEWS;
	for (size_t i = 0; i < N_VIEWS && v == N_VIEWS; i++)
		if (ytree_get(n, views[i]))
			v = i;
	if (v == N_VIEWS) {
		const char *first = n->n ? n->u.pairs[0].key->u.s : "";
		if (n->n)
			load_unknown(&x->r, n->u.pairs[0].key, "view", first, views, N_VIEWS);
		else
			rd_error(&x->r, n, "a carto block names a view: carte, compte, tableau, offres, domaines or correspondance");
		return;
	}
	rd_keys(&x->r, n, keys[v]);
	struct sval id = rd_code(&x->r, n, views[v], REQ);
	if (!id.s)
		return;
	e->kind = (enum embed_kind)v;
	e->titre = rd_text(&x->r, n, "titre", OPT);
	switch (e->kind) {
	case EMBED_DOMAINES:
		e->ref = find_ref(x, ytree_get(n, views[v]), id.s);
		break;
	case EMBED_CORRESPONDANCE:
		read_corr(x, n, e, id.s);
		break;
	default:
		e->ca = find_carto(x, ytree_get(n, views[v]), id.s);
		read_dep(x, n, e);
		read_filters(x, n, e);
		e->limite = rd_int(&x->r, n, "limite", OPT, 1, 500);
		if (e->limite < 0)
			e->limite = 20;
	}
}

static void one(void *ctx, const char *text, size_t len, uint32_t line)
{
	struct reader *x = ctx;
	struct page *pg = x->pg;
	uint32_t at = pg->body_line + line - 1;
	pg->embeds = xgrow(pg->embeds, &x->cap, pg->n_embeds + 1, sizeof(*pg->embeds));
	struct embed *e = &pg->embeds[pg->n_embeds++];
	*e = (struct embed){ .kind = EMBED_INVALID, .line = at };
	size_t errors = x->r.d->errors;
	int failed = 0;
	struct ynode *n = ytree_load(text, len, pg->file, at - 1, &x->tree, x->r.d, &failed);
	if (failed)
		return;
	if (!n || n->kind != Y_MAP) {
		struct ynode where = { .kind = Y_SCALAR, .line = at, .col = 1 };
		rd_error(&x->r, n ? n : &where, "a carto block holds a mapping: a view and its parameters (carte: linguistique)");
		return;
	}
	read_view(x, n, e);
	if (x->r.d->errors != errors)
		e->kind = EMBED_INVALID;
}

struct elsewhere {
	struct diags *d;
	const char *file;
	const struct diag_text *at;	/* where the text sits in the file */
};

static void not_here(void *ctx, const char *text, size_t len, uint32_t line)
{
	struct elsewhere *w = ctx;
	uint32_t col;
	(void)text, (void)len;
	diag_text_pos(w->at, line > 1 ? line - 1 : 1, 1, &line, &col);	/* at the fence */
	diag_add(w->d, w->file, line, col, DIAG_WARNING,
	    "views are computed in pages only: this carto block is shown as code");
}

void embeds_read(struct site *s, struct diags *d)
{
	if (!s->vocab.file)	/* its error stands alone: every code would be unknown */
		return;
	/* A cartography's introduction is Markdown too, but not a page. */
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		struct elsewhere w = { d, ca->file, &ca->introduction_at };
		if (ca->introduction && strstr(ca->introduction, "carto"))
			md_fences(ca->introduction, not_here, &w);
	}
	for (size_t i = 0; i < s->n_pages; i++) {
		struct page *pg = s->pages[i];
		if (pg->type == PAGE_DIAPORAMA) {
			struct md_deck k;
			md_deck(pg->body, &k);
			if (k.n_slides == 0)
				diag_add(d, pg->file, pg->body_line, 1, DIAG_ERROR,
				    "this diaporama has no slide: write its slides below the front matter, separated by '---' lines");
			md_deck_free(&k);
		}
		if (!strstr(pg->body, "carto"))
			continue;	/* most pages: no need to parse them again */
		struct reader x = { s, pg, { &s->arena, d, pg->file }, ARENA_INIT, 0 };
		md_doc_fences(pg->doc, one, &x);
		arena_free(&x.tree);
		/* Into the site's arena, which owns the whole model. */
		struct embed *v = arena_alloc(&s->arena, (pg->n_embeds + 1) * sizeof(*v));
		if (pg->n_embeds)
			memcpy(v, pg->embeds, pg->n_embeds * sizeof(*v));
		free(pg->embeds);
		pg->embeds = v;
	}
}
