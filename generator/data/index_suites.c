/*
 * The suites of every offer (the rule is in index.h). The candidates, the
 * offers another one can lead to, are put once in buckets, one per level of
 * each scale (an offer reads the bucket of its target, and those of the
 * levels a correspondence between scales pairs with it): an offer whose
 * entry range spans A1.1 to A2 and that aims at
 * B1 stands, at each of its lieux, in the buckets of A1.1, A1 and A2 (not in
 * those at or above its target, where it is no step up). A level's bucket is
 * split by public: one for the offers open to all, one per public code for
 * the others, so rule 2 is which sub-buckets an offer reads (the first, and
 * one per public of its own). A bucket is sorted by département, so the
 * offers of one département that take a level are one range. An offer then
 * reads the buckets of its target level: the range of each of its lieux'
 * départements first, the whole buckets only when those gave fewer than
 * SUITES_MAX offers. Distances compare as the chord between
 * points on the unit sphere (monotone with the great-circle distance, and
 * without trigonometry in the loop); each range is sorted by the points' z,
 * so a search walks out from the lieu's z and stops once z alone puts the
 * rest farther than what it keeps. The kept suites get their haversine
 * distance in km.
 *
 * Rule 1b adds one bucket per link of each correspondence between
 * référentiels: a preparation of the table's 'vers' référentiel stands in
 * the buckets of the links that name a code it lists, and an offer reads
 * those of the links it reaches (a handful: the axes it works), in the
 * same way as a level's, after its levels' (so a suite found by both rules
 * keeps the level's reason).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/pool.h"
#include "derive.h"
#include "index.h"
#include "model.h"

#define PUBLIC_ALL "tous-publics"	/* the vocabulary's code for "open to all" */
#define EARTH_KM 6371.0
#define DEG (3.14159265358979323846 / 180)

struct cand {
	const struct offre *o;
	const struct lieu *l;
	const char *public;		/* the sub-bucket's public, NULL: open to all */
	double x, y, z;			/* the lieu on the unit sphere */
	size_t seq;			/* insertion order, for a stable sort */
};

/* The candidates that take one level: by département then z (by_dep), and
 * the same by z alone (by_z). */
struct bucket {
	struct cand *by_dep, *by_z;
	size_t n, cap;
};

struct best {
	const struct offre *o;
	const struct lieu *from, *to;
	const char *public;
	double d2;			/* squared chord */
	int other_dep;
	const char *via;		/* see struct suite */
	const struct scale_corr *corr;
	const struct correspondance *chain;
};

/* A level's buckets an offer reads (rule 1): its target's on its own scale
 * (via NULL), or a level of another scale that a correspondence declares
 * the same step (via its code); or a link's (rule 1b, chain its
 * correspondence between référentiels). */
struct source {
	const struct strmap *by_public;
	const char *via;
	const struct scale_corr *corr;
	const struct correspondance *chain;
};

/* Where the buckets are: levels[base[i] + k] is level k of scale v[i] (the
 * vocabularies' scales, then the référentiels' own), levels[link[c] + j]
 * link j of correspondence c. */
struct slots {
	const struct scale **v;
	size_t n, *base, *link;
	struct strmap *levels;
	const unsigned char *need;	/* the levels to fill, NULL: all */
	const unsigned char *corr_need;	/* with need: a correspondence has
					 * a link to fill */
	const unsigned char *scale_need;	/* with need: a scale has a level
					 * to fill */
	int any_corr;			/* with need: corr_need has a 1 */
};

double geo_km(double lat1, double lon1, double lat2, double lon2)
{
	double r = DEG;
	double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
	double h = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
	if (h > 1)
		h = 1;
	return 2 * EARTH_KM * asin(sqrt(h));
}

static void unit_vector(const struct lieu *l, double *x, double *y, double *z)
{
	double r = DEG, la = l->lat * r, lo = l->lon * r;
	*x = cos(la) * cos(lo);
	*y = cos(la) * sin(lo);
	*z = sin(la);
}

/* The position of a level in its scale, or -1. */
static int level_pos(const struct scale *sc, const char *code)
{
	for (size_t i = 0; code && i < sc->n; i++)
		if (strcmp(sc->v[i].code, code) == 0)
			return (int)i;
	return -1;
}

static const struct scale *find_scale(const struct site *s, const char *id, size_t *idx)
{
	for (size_t i = 0; id && i < s->vocab.n_echelles; i++)
		if (strcmp(s->vocab.echelles[i].id, id) == 0) {
			*idx = i;
			return &s->vocab.echelles[i];
		}
	return NULL;
}

static int is_open_to_all(const struct offre *o)
{
	if (!o->publics.n)
		return 1;
	for (size_t i = 0; i < o->publics.n; i++)
		if (strcmp(o->publics.v[i].s, PUBLIC_ALL) == 0)
			return 1;
	return 0;
}

/* The order of rule 5, on the squared chord; ties by names then ids
 * (index_cmp_suite). */
static int cmp_best(const struct best *a, const struct best *b)
{
	if (a->other_dep != b->other_dep)
		return a->other_dep - b->other_dep;
	if (a->d2 != b->d2)
		return a->d2 < b->d2 ? -1 : 1;
	return index_cmp_suite(a->o, a->to, b->o, b->to);
}

/* Keeps the SUITES_MAX best in order, one entry per offer. */
static void keep(struct best *v, size_t *n, const struct best *e)
{
	size_t i = 0;
	while (i < *n && v[i].o != e->o)
		i++;
	if (i < *n) {
		if (cmp_best(e, &v[i]) >= 0)
			return;
		memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
		(*n)--;
	} else if (*n == SUITES_MAX) {
		if (cmp_best(e, &v[*n - 1]) >= 0)
			return;
		(*n)--;
	}
	size_t k = *n;
	while (k > 0 && cmp_best(e, &v[k - 1]) < 0) {
		v[k] = v[k - 1];
		k--;
	}
	v[k] = *e;
	(*n)++;
}

static int cmp_z(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->z != b->z)
		return a->z < b->z ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int cmp_dep_z(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = strcmp(a->l->dep, b->l->dep);
	return c ? c : cmp_z(pa, pb);
}

/* The candidates of dep in a bucket sorted by département. */
static const struct cand *dep_range(const struct bucket *b, const char *dep, size_t *n)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(b->by_dep[mid].l->dep, dep) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < b->n && strcmp(b->by_dep[end].l->dep, dep) == 0)
		end++;
	*n = end - lo;
	return b->by_dep + lo;
}

/* The first candidate at or above z in c (sorted by z). */
static size_t z_bound(const struct cand *c, size_t n, double z)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c[mid].z < z)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void index_suite_unit(const struct lieu *l, double u[3])
{
	unit_vector(l, &u[0], &u[1], &u[2]);
}

double index_suite_chord2_of(const double p[3], const double k[3])
{
	double dx = k[0] - p[0], dy = k[1] - p[1], dz = k[2] - p[2];
	return dx * dx + dy * dy + dz * dz;
}

double index_suite_chord2(const struct lieu *from, const struct lieu *to)
{
	double p[3], k[3];
	unit_vector(from, &p[0], &p[1], &p[2]);
	unit_vector(to, &k[0], &k[1], &k[2]);
	return index_suite_chord2_of(p, k);
}

static void consider(const struct offre *a, const struct lieu *la, const double *p,
    const struct cand *k, int other_dep, const struct source *src, struct best *v, size_t *nv)
{
	if (k->o == a || (other_dep && strcmp(k->l->dep, la->dep) == 0))
		return;
	double dx = k->x - p[0], dy = k->y - p[1], dz = k->z - p[2];
	struct best e = { k->o, la, k->l, k->public, dx * dx + dy * dy + dz * dz, other_dep, src->via, src->corr,
		src->chain };
	if (*nv < SUITES_MAX || cmp_best(&e, &v[*nv - 1]) < 0)
		keep(v, nv, &e);
}

/* Compares one lieu of a with candidates c sorted by z (sin of the
 * latitude), walking out from the lieu's z on both sides: the chord is at
 * least the difference of z, so the walk stops once that difference alone
 * is longer than the worst of SUITES_MAX kept. other_dep: pairs in
 * different départements only (the second pass). */
static void sweep(const struct offre *a, const struct lieu *la, const struct cand *c,
    size_t n, int other_dep, const struct source *src, struct best *v, size_t *nv)
{
	double p[3];
	unit_vector(la, &p[0], &p[1], &p[2]);
	size_t up = z_bound(c, n, p[2]), down = up;
	while (down > 0 || up < n) {
		double du = up < n ? c[up].z - p[2] : INFINITY;
		double dd = down > 0 ? p[2] - c[down - 1].z : INFINITY;
		const struct cand *k = du <= dd ? &c[up++] : &c[--down];
		double dz = du <= dd ? du : dd;
		if (*nv == SUITES_MAX && dz * dz > v[*nv - 1].d2)
			break;
		consider(a, la, p, k, other_dep, src, v, nv);
	}
}

/* The k-th sub-bucket a may read (rule 2): open to all for k == 0, else
 * that of its (k-1)-th public; NULL when it has no candidate. */
static const struct bucket *sub_bucket(const struct strmap *by_public, const struct offre *a,
    size_t k)
{
	return strmap_get(by_public, k ? a->publics.v[k - 1].s : "");
}

/* Adds to src the level of scale id (of the vocabularies) whose code is
 * code, if any. */
static void add_source(const struct site *s, const struct slots *t, const char *id, const char *code,
    const struct scale_corr *corr, struct source *src, size_t *n)
{
	size_t si;
	const struct scale *sc = find_scale(s, id, &si);
	int pos = sc ? level_pos(sc, code) : -1;
	if (pos >= 0)
		src[(*n)++] = (struct source){ &t->levels[t->base[si] + (size_t)pos], corr ? sc->v[pos].code : NULL,
			corr, NULL };
}

static size_t scale_index(const struct slots *t, const struct scale *sc)
{
	size_t i = 0;
	while (i < t->n && t->v[i] != sc)
		i++;
	return i;
}

/* The levels a reads (rule 1): its target, then each level a
 * correspondence between scales pairs with it, in the order of
 * correspondances_echelles and of their pairs; then the links of the
 * correspondences between référentiels that a reaches (rule 1b), unless a
 * prepares the 'vers' référentiel itself. src holds room for one more than
 * every pair and every link. */
static size_t sources(const struct site *s, const struct offre *a, const struct slots *t,
    struct source *src)
{
	size_t n = 0, si = scale_index(t, a->scale);
	int pos = si < t->n ? level_pos(a->scale, a->vise.s) : -1;
	if (pos >= 0) {
		src[n++] = (struct source){ &t->levels[t->base[si] + (size_t)pos], NULL, NULL, NULL };
		for (size_t i = 0; si < s->vocab.n_echelles && i < s->vocab.n_corr; i++) {
			const struct scale_corr *c = &s->vocab.corr[i];
			for (size_t k = 0; k < c->n; k++) {
				if (!strcmp(c->de, a->echelle.s) && !strcmp(c->v[k].de, a->vise.s))
					add_source(s, t, c->vers, c->v[k].vers, c, src, &n);
				else if (!strcmp(c->vers, a->echelle.s) && !strcmp(c->v[k].vers, a->vise.s))
					add_source(s, t, c->de, c->v[k].de, c, src, &n);
			}
		}
	}
	for (size_t i = 0; i < s->n_correspondances; i++) {
		const struct correspondance *c = s->correspondances[i];
		if (!c->de || !c->vers || offre_prepares(a, c->vers))
			continue;
		for (size_t j = 0; j < c->n_liens; j++)
			if (offre_reaches(a, c, &c->liens[j]))
				src[n++] = (struct source){ &t->levels[t->link[i] + j], NULL, NULL, c };
	}
	return n;
}

/* 1 when c stands in the bucket of level pos of scale sc (add_candidate,
 * rule 1; c recruits). */
static int in_level(const struct offre *c, const struct scale *sc, int pos)
{
	if (!sc || c->scale != sc || pos < 0)
		return 0;
	int vi = level_pos(sc, c->vise.s);
	return vi >= 0 && offre_takes_level(c, sc, (size_t)pos) && sc->v[pos].rang < sc->v[vi].rang;
}

/* 1 when c stands in the bucket of link l of the correspondence c2
 * (add_candidate, rule 1b; c recruits). */
static int in_link(const struct offre *c, const struct correspondance *c2, const struct corr_link *l)
{
	if (!offre_prepares(c, c2->vers))
		return 0;
	for (size_t q = 0; q < l->vers.n; q++)
		if (offre_lists(c, c2->vers->id, l->vers.v[q].s))
			return 1;
	return 0;
}

/* 1 when a reads a sub-bucket c stands in (rule 2). */
static int shares_public(const struct offre *a, const struct offre *c)
{
	if (is_open_to_all(c))
		return 1;
	for (size_t p = 0; p < c->publics.n; p++)
		for (size_t q = 0; q < a->publics.n; q++)
			if (strcmp(c->publics.v[p].s, a->publics.v[q].s) == 0)
				return 1;
	return 0;
}

/* Where sources() finds a's scale among the slots' (the vocabularies'
 * scales, then the référentiels' that have levels): 1 with *vocab set, or
 * 0 when it is none of them. */
static int scale_known(const struct site *s, const struct scale *sc, int *vocab)
{
	*vocab = 0;
	for (size_t i = 0; sc && i < s->vocab.n_echelles; i++)
		if (sc == &s->vocab.echelles[i])
			return *vocab = 1;
	for (size_t i = 0; sc && i < s->n_referentiels; i++)
		if (sc == &s->referentiels[i]->echelle && sc->n)
			return 1;
	return 0;
}

int index_suites_may_follow(const struct site *s, const struct offre *a, const struct offre *c)
{
	if (!offre_recrute(c) || !shares_public(a, c))
		return 0;
	int vocab, pos = scale_known(s, a->scale, &vocab) ? level_pos(a->scale, a->vise.s) : -1;
	if (pos >= 0 && in_level(c, a->scale, pos))
		return 1;
	for (size_t i = 0; pos >= 0 && vocab && i < s->vocab.n_corr; i++) {
		const struct scale_corr *cc = &s->vocab.corr[i];
		for (size_t k = 0; k < cc->n; k++) {
			size_t si;
			const struct scale *sc = NULL;
			int at = -1;
			if (!strcmp(cc->de, a->echelle.s) && !strcmp(cc->v[k].de, a->vise.s))
				at = (sc = find_scale(s, cc->vers, &si)) ? level_pos(sc, cc->v[k].vers) : -1;
			else if (!strcmp(cc->vers, a->echelle.s) && !strcmp(cc->v[k].vers, a->vise.s))
				at = (sc = find_scale(s, cc->de, &si)) ? level_pos(sc, cc->v[k].de) : -1;
			if (in_level(c, sc, at))
				return 1;
		}
	}
	for (size_t i = 0; i < s->n_correspondances; i++) {
		const struct correspondance *c2 = s->correspondances[i];
		if (!c2->de || !c2->vers || offre_prepares(a, c2->vers))
			continue;
		for (size_t j = 0; j < c2->n_liens; j++)
			if (offre_reaches(a, c2, &c2->liens[j]) && in_link(c, c2, &c2->liens[j]))
				return 1;
	}
	return 0;
}

/* Finds the suites of a into out (room for SUITES_MAX); returns how many.
 * Reads only: offers are done side by side (index_suites). */
static size_t suites_of(const struct site *s, const struct offre *a, const struct slots *t,
    struct source *src, struct suite *out)
{
	size_t ns = sources(s, a, t, src);
	const struct bucket *b;
	struct best v[SUITES_MAX];
	size_t nv = 0;
	for (size_t j = 0; j < ns; j++)
		for (size_t k = 0; k <= a->publics.n; k++)
			for (size_t i = 0; (b = sub_bucket(src[j].by_public, a, k)) && i < a->n_lieux; i++) {
				size_t n;
				const struct cand *c = dep_range(b, a->lieux[i]->dep, &n);
				sweep(a, a->lieux[i], c, n, 0, &src[j], v, &nv);
			}
	/* Pairs in other départements only count when the same département
	 * gave fewer than SUITES_MAX; then every sub-bucket is read. */
	int second = nv < SUITES_MAX;
	for (size_t j = 0; second && j < ns; j++)
		for (size_t k = 0; k <= a->publics.n; k++)
			for (size_t i = 0; (b = sub_bucket(src[j].by_public, a, k)) && i < a->n_lieux; i++)
				sweep(a, a->lieux[i], b->by_z, b->n, 1, &src[j], v, &nv);
	for (size_t i = 0; i < nv; i++)
		out[i] = (struct suite){ v[i].o, v[i].from, v[i].to,
			geo_km(v[i].from->lat, v[i].from->lon, v[i].to->lat, v[i].to->lon),
			!v[i].other_dep, v[i].public, v[i].via, v[i].corr, v[i].chain };
	return nv;
}

/* The offers' suites found side by side: job j takes the offers
 * [j * SUITES_CHUNK, (j + 1) * SUITES_CHUNK) of the site's order and puts
 * each one's in its worker's arena, which pool_run then hands to the
 * site's; an offer's suites are its own, so no two jobs write the same. */
#define SUITES_CHUNK 16

struct suites_run {
	const struct site *s;
	const struct slots *t;
	struct offre **offres;
	size_t n_offres, nsrc;
	const unsigned char *redo;	/* by offer, NULL: all */
};

static int suites_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct suites_run *r = ctx;
	struct source *src = xmalloc(r->nsrc * sizeof(*src));
	struct suite found[SUITES_MAX];
	size_t end = (j + 1) * SUITES_CHUNK < r->n_offres ? (j + 1) * SUITES_CHUNK : r->n_offres;
	for (size_t i = j * SUITES_CHUNK; i < end; i++) {
		struct offre *a = r->offres[i];
		if (r->redo && !r->redo[i])
			continue;
		a->suites = NULL;
		a->n_suites = 0;
		size_t n = suites_of(r->s, a, r->t, src, found);
		if (!n)
			continue;
		struct suite *to = arena_alloc(&w->keep, n * sizeof(*to));
		memcpy(to, found, n * sizeof(*to));
		a->suites = to;
		a->n_suites = n;
	}
	free(src);
	return 0;
}

static void push_cand(struct strmap *by_public, const char *public, const struct offre *o,
    size_t *seq)
{
	struct bucket *b = strmap_get(by_public, public);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		strmap_put(by_public, public, b);
	}
	for (size_t l = 0; l < o->n_lieux; l++) {
		b->by_dep = xgrow(b->by_dep, &b->cap, b->n + 1, sizeof(*b->by_dep));
		struct cand *c = &b->by_dep[b->n++];
		*c = (struct cand){ o, o->lieux[l], public[0] ? public : NULL, 0, 0, 0, (*seq)++ };
		unit_vector(c->l, &c->x, &c->y, &c->z);
	}
}

/* Puts the offer, at each of its lieux, into bucket by_public under ""
 * when it is open to all, else under each of its publics (rule 2). */
static void push_offre(struct strmap *by_public, const struct offre *o, size_t *seq)
{
	if (is_open_to_all(o))
		push_cand(by_public, "", o, seq);
	else
		for (size_t p = 0; p < o->publics.n; p++)
			push_cand(by_public, o->publics.v[p].s, o, seq);
}

/* Puts a candidate offer (rule 3) into the buckets of the levels of its
 * entry range below its target (rule 1: a level at or above its target is
 * never a step up from there), and, when it prepares the 'vers'
 * référentiel of a correspondence, into those of the links that name a
 * code it lists (rule 1b). */
static void add_candidate(const struct site *s, const struct offre *o, const struct slots *t,
    size_t *seq)
{
	size_t si = scale_index(t, o->scale);
	int levels = si < t->n && (!t->need || t->scale_need[si]);
	/* With need, an offer that can fill no bucket needed is left at
	 * once: nothing below would push it. */
	if ((t->need && !levels && !t->any_corr) || !offre_recrute(o))
		return;
	int vi = levels ? level_pos(o->scale, o->vise.s) : -1;
	/* The buckets not needed (t->need, a few offers searched again) are
	 * looked at first: the tests on the offer's lists then run only for
	 * those filled. */
	for (size_t k = 0; vi >= 0 && k < o->scale->n; k++)
		if ((!t->need || t->need[t->base[si] + k]) && offre_takes_level(o, o->scale, k) &&
		    o->scale->v[k].rang < o->scale->v[vi].rang)
			push_offre(&t->levels[t->base[si] + k], o, seq);
	for (size_t i = 0; i < s->n_correspondances; i++) {
		const struct correspondance *c = s->correspondances[i];
		if (!c->de || !c->vers || (t->need && !t->corr_need[i]) || !offre_prepares(o, c->vers))
			continue;
		for (size_t j = 0; j < c->n_liens; j++) {
			const struct corr_link *l = &c->liens[j];
			size_t q = 0;
			if (t->need && !t->need[t->link[i] + j])
				continue;
			while (q < l->vers.n && !offre_lists(o, c->vers->id, l->vers.v[q].s))
				q++;
			if (q < l->vers.n)
				push_offre(&t->levels[t->link[i] + j], o, seq);
		}
	}
}

void index_suites(struct site *s, int jobs)
{
	index_suites_redo(s, jobs, NULL, &s->arena);
}

void index_suites_redo(struct site *s, int jobs, const unsigned char *redo, struct arena *keep)
{
	struct slots t = { 0 };
	t.v = xcalloc(s->vocab.n_echelles + s->n_referentiels + 1, sizeof(*t.v));
	for (size_t i = 0; i < s->vocab.n_echelles; i++)
		t.v[t.n++] = &s->vocab.echelles[i];
	for (size_t i = 0; i < s->n_referentiels; i++)
		if (s->referentiels[i]->echelle.n)
			t.v[t.n++] = &s->referentiels[i]->echelle;
	t.base = xcalloc(t.n + 1, sizeof(*t.base));
	for (size_t i = 0; i < t.n; i++)
		t.base[i + 1] = t.base[i] + t.v[i]->n;
	t.link = xcalloc(s->n_correspondances + 1, sizeof(*t.link));
	t.link[0] = t.base[t.n];
	for (size_t i = 0; i < s->n_correspondances; i++)
		t.link[i + 1] = t.link[i] + s->correspondances[i]->n_liens;
	size_t nl = t.link[s->n_correspondances], seq = 0;
	t.levels = xcalloc(nl + 1, sizeof(*t.levels));
	struct strmap *levels = t.levels;
	size_t nsrc = 1 + nl - t.base[t.n];
	for (size_t i = 0; i < s->vocab.n_corr; i++)
		nsrc += s->vocab.corr[i].n;
	/* Searching a few offers again: only the levels they read are filled
	 * (a bucket's order is its candidates' z, then their order of
	 * insertion, which leaving others out does not change). */
	unsigned char *need = redo ? xcalloc(nl + 1, 1) : NULL;
	struct source *src = redo ? xmalloc(nsrc * sizeof(*src)) : NULL;
	for (size_t i = 0, at = 0; redo && i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++)
			if (redo[at++]) {
				size_t n = sources(s, &s->organismes[i]->offres[k], &t, src);
				for (size_t j = 0; j < n; j++)
					need[(size_t)(src[j].by_public - t.levels)] = 1;
			}
	free(src);
	t.need = need;
	unsigned char *corr_need = need ? xcalloc(s->n_correspondances + 1, 1) : NULL;
	for (size_t i = 0; need && i < s->n_correspondances; i++)
		for (size_t j = 0; j < s->correspondances[i]->n_liens && !corr_need[i]; j++)
			corr_need[i] = need[t.link[i] + j];
	t.corr_need = corr_need;
	unsigned char *scale_need = need ? xcalloc(t.n + 1, 1) : NULL;
	for (size_t i = 0; need && i < t.n; i++)
		for (size_t k = t.base[i]; k < t.base[i + 1] && !scale_need[i]; k++)
			scale_need[i] = need[k];
	for (size_t i = 0; need && i < s->n_correspondances; i++)
		t.any_corr |= corr_need[i];
	t.scale_need = scale_need;
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++)
			add_candidate(s, &s->organismes[i]->offres[k], &t, &seq);
	for (size_t i = 0; i < nl; i++)
		for (size_t k = 0; k < levels[i].cap; k++) {
			struct bucket *b = levels[i].slots[k].val;
			if (!levels[i].slots[k].key)
				continue;
			b->by_z = xmalloc(b->n * sizeof(*b->by_z));
			memcpy(b->by_z, b->by_dep, b->n * sizeof(*b->by_z));
			qsort(b->by_dep, b->n, sizeof(*b->by_dep), cmp_dep_z);
			qsort(b->by_z, b->n, sizeof(*b->by_z), cmp_z);
		}
	size_t no = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		no += s->organismes[i]->n_offres;
	struct suites_run r = { s, &t, xmalloc((no + 1) * sizeof(*r.offres)), 0, nsrc, redo };
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++)
			r.offres[r.n_offres++] = &s->organismes[i]->offres[k];
	struct diags d = DIAGS_INIT;	/* the jobs report nothing */
	pool_run((no + SUITES_CHUNK - 1) / SUITES_CHUNK, jobs, suites_job, &r, &d, keep);
	diags_free(&d);
	free(r.offres);
	for (size_t i = 0; i < nl; i++) {
		for (size_t k = 0; k < levels[i].cap; k++)
			if (levels[i].slots[k].key) {
				struct bucket *b = levels[i].slots[k].val;
				free(b->by_dep);
				free(b->by_z);
				free(b);
			}
		strmap_free(&levels[i]);
	}
	free(levels);
	free(t.link);
	free(t.base);
	free(t.v);
	free(need);
	free(corr_need);
	free(scale_need);
}
