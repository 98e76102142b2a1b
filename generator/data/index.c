/*
 * Index building: one pass over organisations and offers, one over
 * correspondence links, one per cartography for its rows. Lists keep the
 * model's order (file order) and rows the order of index.h, so every output
 * built from them is deterministic.
 */
#include "index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/collate.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "model.h"

/* The list of key in m, made when missing. */
static struct ptrs *list_of(struct strmap *m, struct arena *a, const char *key)
{
	struct ptrs *l = strmap_get(m, key);
	if (!l) {
		l = arena_alloc(a, sizeof(*l));
		strmap_put(m, key, l);
	}
	return l;
}

static void push_to(struct ptrs *l, const void *p)
{
	/* Avoid listing an organisation twice when two lieux share a key. */
	if (l->n && l->v[l->n - 1] == p)
		return;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = p;
}

static void push(struct strmap *m, struct arena *a, const char *key, const void *p)
{
	push_to(list_of(m, a, key), p);
}

/* The last list a key gave, so that the offers of a row that share it
 * (an organisation's offers list mostly the same types, in the same
 * order, and the same référentiels) skip the map's lookup; the key
 * compared is the previous one's bytes. */
struct last {
	const char *key;
	void *val;
};

static int last_is(const struct last *c, const char *key)
{
	return c->key && strcmp(c->key, key) == 0;
}

static void push_last(struct strmap *m, struct arena *a, struct last *c, const char *key, const void *p)
{
	if (!last_is(c, key)) {
		c->val = list_of(m, a, key);
		c->key = key;
	}
	push_to(c->val, p);
}

#define LAST_TYPES 4

/* What index_offre remembers from one offer to the next. */
struct offre_lasts {
	struct last types[LAST_TYPES];	/* by place in the offer's types */
	struct last parcours;
	struct last ref;	/* a référentiel by id */
	char ref_id[128];
};

static void free_lists(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			free(((struct ptrs *)m->slots[i].val)->v);
	strmap_free(m);
}

static void index_offre(struct site *s, const struct offre *o, struct offre_lasts *c)
{
	for (size_t i = 0; i < o->types.n; i++)
		if (i < LAST_TYPES)
			push_last(&s->offres_by_type, &s->arena, &c->types[i], o->types.v[i].s, o);
		else
			push(&s->offres_by_type, &s->arena, o->types.v[i].s, o);
	if (o->parcours.s)
		push_last(&s->offres_by_parcours, &s->arena, &c->parcours, o->parcours.s, o);
	for (size_t i = 0; i < o->competences.n; i++) {
		const char *cp = o->competences.v[i].s, *colon = strchr(cp, ':');
		if (!colon || (size_t)(colon - cp) >= sizeof(c->ref_id))
			continue;
		size_t n = (size_t)(colon - cp);
		if (!c->ref.key || strncmp(c->ref_id, cp, n) != 0 || c->ref_id[n] != '\0') {
			memcpy(c->ref_id, cp, n);
			c->ref_id[n] = '\0';
			c->ref.key = c->ref_id;
			c->ref.val = strmap_get(&s->ref_by_id, c->ref_id);
		}
		struct referentiel *r = c->ref.val;
		struct ref_entry *e = r ? strmap_get(&r->by_code, colon + 1) : NULL;
		if (!e)
			continue;
		e->offres = xgrow(e->offres, &e->cap_offres, e->n_offres + 1, sizeof(*e->offres));
		e->offres[e->n_offres++] = o;
	}
}

static void add_use(struct corr_use **v, size_t *n, const struct correspondance *c,
    const struct corr_link *l)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct corr_use){ c, l };
}

static void index_corr(const struct correspondance *c)
{
	if (!c->de || !c->vers)
		return;
	for (size_t i = 0; i < c->n_liens; i++) {
		const struct corr_link *l = &c->liens[i];
		struct ref_entry *from = strmap_get(&c->de->by_code, l->de.s);
		if (from)
			add_use(&from->out, &from->n_out, c, l);
		for (size_t k = 0; k < l->vers.n; k++) {
			struct ref_entry *to = strmap_get(&c->vers->by_code, l->vers.v[k].s);
			if (to)
				add_use(&to->in, &to->n_in, c, l);
		}
	}
}

/* A cartography's rows in the order of index.h; ranges maps a département
 * code or a commune's code_insee to its struct index_range. */
struct carto_rows {
	const struct cartographie *ca;
	struct rowref *rows;
	size_t n;
	struct strmap ranges;
};

struct index_range {
	size_t from, n;
};

static int cmp_rank(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

/* index_cmp_offre_at after the organisations' ranks. */
static int cmp_offre_at_rest(const struct offre *a, const struct lieu *la, const struct offre *b,
    const struct lieu *lb)
{
	/* An organisation's rows at one lieu stay together: in the booklets
	 * they share a number, so a commune's numbers come in order. */
	int c = strcmp(la->id.s ? la->id.s : "", lb->id.s ? lb->id.s : "");
	if (!c)
		c = collate_fr(a->intitule, b->intitule);
	if (!c)
		c = strcmp(a->id.s, b->id.s);
	return c;
}

int index_cmp_offre_at(const struct offre *a, const struct lieu *la, const struct offre *b,
    const struct lieu *lb)
{
	int c = cmp_rank(a->org->rank, b->org->rank);	/* name, then id */
	return c ? c : cmp_offre_at_rest(a, la, b, lb);
}

int index_cmp_suite(const struct offre *a, const struct lieu *la, const struct offre *b,
    const struct lieu *lb)
{
	int c = collate_fr(a->org->nom, b->org->nom);
	if (!c)
		c = collate_fr(a->intitule, b->intitule);
	if (!c)
		c = strcmp(a->org->id.s, b->org->id.s);
	if (!c)
		c = strcmp(a->id.s, b->id.s);
	if (!c)
		c = strcmp(la->id.s ? la->id.s : "", lb->id.s ? lb->id.s : "");
	return c;
}

int index_cmp_rows(const void *pa, const void *pb)
{
	const struct rowref *a = pa, *b = pb;
	int c = strcmp(a->l->dep, b->l->dep);
	if (!c)	/* the commune's name, then its code; none first */
		c = cmp_rank(a->l->commune ? a->l->commune->rank : 0, b->l->commune ? b->l->commune->rank : 0);
	return c ? c : index_cmp_offre_at(a->o, a->l, b->o, b->l);
}

static void add_range(struct site *s, struct carto_rows *cr, const char *key, size_t i)
{
	struct index_range *r = strmap_get(&cr->ranges, key);
	if (!r) {
		r = arena_alloc(&s->arena, sizeof(*r));
		r->from = i;
		strmap_put(&cr->ranges, key, r);
	}
	r->n = i + 1 - r->from;
}

/* A row with the first keys of index_cmp_rows as numbers, so that sorting
 * compares them without following the row's pointers: the département's
 * code (at most two bytes, as strcmp orders them), the commune's rank (0
 * for none) and the organisation's. */
struct keyed_row {
	uint32_t dep;
	size_t commune, org;
	struct rowref r;
};

static uint32_t dep_key(const char *dep)
{
	uint32_t k = 0;
	for (int i = 0, on = 1; i < 3; i++) {
		on = on && dep[i];
		k = k << 8 | (on ? (unsigned char)dep[i] : 0u);
	}
	return k;
}

static int cmp_keyed_rows(const void *pa, const void *pb)
{
	const struct keyed_row *a = pa, *b = pb;
	int c = a->dep < b->dep ? -1 : a->dep > b->dep;
	if (!c)
		c = cmp_rank(a->commune, b->commune);
	if (!c)
		c = cmp_rank(a->org, b->org);
	return c ? c : cmp_offre_at_rest(a->r.o, a->r.l, b->r.o, b->r.l);
}

/* Collects and sorts the rows of cr->ca: reads the model only, so the
 * cartographies are done side by side (index_site). */
static void carto_rows(const struct site *s, struct carto_rows *cr)
{
	size_t cap = 0;
	struct keyed_row *v = NULL;
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *org = s->organismes[i];
		for (size_t k = 0; k < org->n_offres; k++) {
			const struct offre *o = &org->offres[k];
			if (!carto_takes_offre(cr->ca, o))
				continue;
			for (size_t l = 0; l < o->n_lieux; l++) {
				const struct lieu *li = o->lieux[l];
				if (carto_takes_lieu(cr->ca, NULL, li)) {
					v = xgrow(v, &cap, cr->n + 1, sizeof(*v));
					v[cr->n++] = (struct keyed_row){ dep_key(li->dep),
						li->commune ? li->commune->rank : 0, org->rank, { o, li } };
				}
			}
		}
	}
	xqsort(v, cr->n, sizeof(*v), cmp_keyed_rows);
	cr->rows = xmalloc((cr->n + 1) * sizeof(*cr->rows));
	for (size_t i = 0; i < cr->n; i++)
		cr->rows[i] = v[i].r;
	free(v);
}

static int carto_rows_job(void *ctx, size_t k, struct pool_worker *w)
{
	(void)w;
	struct site *s = ctx;
	carto_rows(s, &s->carto_rows[k]);
	return 0;
}

/* The ranges of a département's and a commune's rows, in the site's arena.
 * add_range at the first and the last row of each run of rows with one
 * key is add_range at every row of it (the first call of a key sets where
 * its range starts, each later one only where it ends): a key is looked up
 * a few times per run, not once per row. */
static void carto_ranges(struct site *s, struct carto_rows *cr)
{
	for (size_t i = 0; i < cr->n; i++) {
		const struct lieu *l = cr->rows[i].l, *prev = i ? cr->rows[i - 1].l : NULL,
		    *next = i + 1 < cr->n ? cr->rows[i + 1].l : NULL;
		if (!prev || !next || strcmp(prev->dep, l->dep) != 0 || strcmp(next->dep, l->dep) != 0)
			add_range(s, cr, l->dep, i);
		if (l->commune && (!prev || !next || prev->commune != l->commune || next->commune != l->commune))
			add_range(s, cr, l->commune->code, i);
	}
}

const struct rowref *index_rows(const struct site *s, const struct cartographie *ca,
    const char *key, size_t *n)
{
	*n = 0;
	for (size_t k = 0; k < s->n_cartographies; k++) {
		const struct carto_rows *cr = &s->carto_rows[k];
		if (cr->ca != ca)
			continue;
		if (!key) {
			*n = cr->n;
			return cr->rows;
		}
		const struct index_range *r = strmap_get(&cr->ranges, key);
		if (!r)
			return cr->rows;
		*n = r->n;
		return cr->rows + r->from;
	}
	return NULL;
}

static int cmp_orgs(const void *pa, const void *pb)
{
	const struct organisme *a = *(const void *const *)pa, *b = *(const void *const *)pb;
	return cmp_rank(a->rank, b->rank);
}

static int cmp_communes(const void *pa, const void *pb)
{
	const struct commune *a = *(const void *const *)pa, *b = *(const void *const *)pb;
	return cmp_rank(a->rank, b->rank);
}

/* A name to rank: its collation key (collate_key) at key in the keys'
 * buffer (k once all are in), the name and the id that breaks its ties,
 * where its rank goes. */
struct named {
	size_t key, len;
	const unsigned char *k;
	const char *nom, *id;
	size_t *rank;
};

struct naming {
	struct named *v;
	size_t n, cap;
	struct buf keys;
};

static void name_add(struct naming *g, const char *nom, const char *id, size_t *rank)
{
	g->v = xgrow(g->v, &g->cap, g->n + 1, sizeof(*g->v));
	struct named *e = &g->v[g->n++];
	e->key = g->keys.len;
	collate_key(nom, &g->keys);
	e->len = g->keys.len - e->key;
	e->nom = nom ? nom : "";
	e->id = id ? id : "";
	e->rank = rank;
}

/* collate_fr over the names, then the ids by their bytes. */
static int cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = a->len && b->len ? memcmp(a->k, b->k, a->len < b->len ? a->len : b->len) : 0;
	if (!c)
		c = cmp_rank(a->len, b->len);
	if (!c)
		c = strcmp(a->nom, b->nom);
	if (!c)
		c = strcmp(a->id, b->id);
	return c < 0 ? -1 : c > 0;
}

/* Sorts the names and numbers them by place among the distinct ones, from
 * 1; 0 for one equal to an empty name with an empty id (a lieu without a
 * commune sorts as such). Empties the naming. */
static void name_ranks(struct naming *g)
{
	for (size_t i = 0; i < g->n; i++)
		g->v[i].k = g->keys.data ? (const unsigned char *)g->keys.data + g->v[i].key : NULL;
	xqsort(g->v, g->n, sizeof(*g->v), cmp_named);
	struct named none = { 0, 0, NULL, "", "", NULL };
	size_t r = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (cmp_named(i ? &g->v[i - 1] : &none, &g->v[i]))
			r++;
		*g->v[i].rank = r;
	}
	free(g->v);
	buf_release(&g->keys);
	*g = (struct naming){ NULL, 0, 0, BUF_INIT };
}

/* The ranks of the organisations (French order of nom, then id) and of
 * the communes of the territory (of nom, then code), each sorted once so
 * that the sorts of the index compare numbers. */
static void rank_names(struct site *s)
{
	struct naming g = { NULL, 0, 0, BUF_INIT };
	for (size_t i = 0; i < s->n_organismes; i++)
		name_add(&g, s->organismes[i]->nom, s->organismes[i]->id.s, &s->organismes[i]->rank);
	name_ranks(&g);
	const struct strmap *m = &s->geo.by_code;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key) {
			struct commune *c = m->slots[i].val;
			name_add(&g, c->nom, c->code, &c->rank);
		}
	name_ranks(&g);
}

static void sort_lists(struct strmap *m, int (*cmp)(const void *, const void *))
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key) {
			struct ptrs *l = m->slots[i].val;
			xqsort(l->v, l->n, sizeof(*l->v), cmp);
		}
}

/* The communes of each département that have organisations, and the
 * organisations of each commune, in French order of names. */
static void index_communes(struct site *s)
{
	for (size_t i = 0; i < s->orgs_by_commune.cap; i++)
		if (s->orgs_by_commune.slots[i].key) {
			const struct commune *c = strmap_get(&s->geo.by_code, s->orgs_by_commune.slots[i].key);
			if (c)
				push(&s->communes_by_dep, &s->arena, c->dep, c);
		}
	sort_lists(&s->orgs_by_commune, cmp_orgs);
	sort_lists(&s->communes_by_dep, cmp_communes);
}

void index_site(struct site *s, int jobs)
{
	rank_names(s);
	struct offre_lasts c;
	struct last dep = { NULL, NULL }, commune = { NULL, NULL };
	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		for (size_t k = 0; k < o->n_lieux; k++) {
			const struct lieu *l = &o->lieux[k];
			if (!l->commune)
				continue;
			push_last(&s->orgs_by_dep, &s->arena, &dep, l->commune->dep, o);
			push_last(&s->orgs_by_commune, &s->arena, &commune, l->commune->code, o);
		}
		for (size_t k = 0; k < o->n_offres; k++)
			index_offre(s, &o->offres[k], &c);
		s->n_offres += o->n_offres;
		if (o->mise_a_jour > s->last_update)
			s->last_update = o->mise_a_jour;
	}
	for (size_t i = 0; i < s->n_correspondances; i++)
		index_corr(s->correspondances[i]);
	index_communes(s);
	s->carto_rows = xcalloc(s->n_cartographies + 1, sizeof(*s->carto_rows));
	for (size_t k = 0; k < s->n_cartographies; k++)
		s->carto_rows[k].ca = s->cartographies[k];
	struct diags d = DIAGS_INIT;	/* the jobs report nothing */
	pool_run(s->n_cartographies, jobs, carto_rows_job, s, &d, NULL);
	diags_free(&d);
	for (size_t k = 0; k < s->n_cartographies; k++)
		carto_ranges(s, &s->carto_rows[k]);
}

static void free_entries(struct ref_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].out);
		free(e[i].in);
		free(e[i].offres);
		free_entries(e[i].children, e[i].n_children);
	}
}

void index_free(struct site *s)
{
	free_lists(&s->orgs_by_dep);
	free_lists(&s->orgs_by_commune);
	free_lists(&s->communes_by_dep);
	free_lists(&s->offres_by_type);
	free_lists(&s->offres_by_parcours);
	for (size_t i = 0; i < s->n_referentiels; i++)
		free_entries(s->referentiels[i]->domaines, s->referentiels[i]->n_domaines);
	for (size_t k = 0; s->carto_rows && k < s->n_cartographies; k++) {
		free(s->carto_rows[k].rows);
		strmap_free(&s->carto_rows[k].ranges);
	}
	free(s->carto_rows);
	s->carto_rows = NULL;
}

static int any_in(const struct svals *want, const struct svals *have)
{
	if (!want->n)
		return 1;
	for (size_t k = 0; k < have->n; k++) {
		const char *h = have->v[k].s;	/* an offer's codes: read once */
		for (size_t i = 0; i < want->n; i++)
			if (want->v[i].s[0] == h[0] && strcmp(want->v[i].s, h) == 0)
				return 1;
	}
	return 0;
}

int carto_takes_offre(const struct cartographie *c, const struct offre *o)
{
	struct svals parcours = { (struct sval *)&o->parcours, o->parcours.s ? 1 : 0 };
	return any_in(&c->sel_types, &o->types) && any_in(&c->sel_parcours, &parcours) &&
	    any_in(&c->sel_publics, &o->publics);
}

int carto_takes_lieu(const struct cartographie *c, const char *dep, const struct lieu *l)
{
	if (dep && strcmp(dep, l->dep) != 0)
		return 0;
	if (!c->sel_departements.n)
		return 1;
	for (size_t i = 0; i < c->sel_departements.n; i++)
		if (strcmp(c->sel_departements.v[i].s, l->dep) == 0)
			return 1;
	return 0;
}
