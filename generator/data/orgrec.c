/*
 * Organisation records (orgrec.h). A payload is: the file's diagnostics
 * (snap.h's format), the length of its strings then the strings (each with
 * its NUL), then the organisations as LEB128 numbers in the order of
 * put_org below: a string as 1 + its offset among the strings (0: NULL), a
 * double as its 8 bytes, a list that may be NULL as 1 + its length (0:
 * NULL). The decoder checks every number's range, every offset, and every
 * length against the bytes left (each element takes at least one), so a
 * damaged payload is only a record that does not decode. Start at
 * orgrec_take.
 */
#include "orgrec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "hours.h"
#include "model.h"
#include "snap.h"

#define OR_NULL ((uint64_t)0)

struct digest orgrec_key(const struct digest *src, const struct digest *inputs, int today)
{
	struct digest_ctx *c = digest_new();
	digest_str(c, "carto organisation record 3");
	digest_fold(c, src);
	digest_fold(c, inputs);
	digest_num(c, (uint64_t)(int64_t)today);
	return digest_end(c);
}

/* ---- writing ---- */

struct wr {
	struct buf b;		/* the numbers */
	struct buf str;		/* the strings */
	const struct site *s;
};

static void put_num(struct wr *w, uint64_t v)
{
	snap_var_put(&w->b, v);
}

static void put_long(struct wr *w, long v)	/* zigzag */
{
	put_num(w, v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1u : (uint64_t)v << 1);
}

static void put_str(struct wr *w, const char *s)
{
	if (!s) {
		put_num(w, OR_NULL);
		return;
	}
	put_num(w, (uint64_t)w->str.len + 1);
	buf_add(&w->str, s, strlen(s) + 1);
}

static void put_dbl(struct wr *w, double x)
{
	buf_add(&w->b, &x, sizeof(x));
}

static void put_sval(struct wr *w, const struct sval *v)
{
	put_str(w, v->s);
	put_num(w, v->line);
	put_num(w, v->col);
	put_num(w, v->plain != 0);
}

static void put_pos(struct wr *w, const struct srcpos *at)
{
	put_num(w, at->line);
	put_num(w, at->col);
}

static void put_text_at(struct wr *w, const struct diag_text *at)
{
	put_num(w, at->line);
	put_num(w, at->col);
	put_num(w, at->indent);
	put_num(w, (uint64_t)at->lines);
}

/* A list: 1 + n, or 0 when p is NULL. */
static void put_len(struct wr *w, const void *p, size_t n)
{
	put_num(w, p ? (uint64_t)n + 1 : OR_NULL);
}

static void put_svals(struct wr *w, const struct svals *v)
{
	put_len(w, v->v, v->n);
	for (size_t i = 0; i < v->n; i++)
		put_sval(w, &v->v[i]);
}

static void put_hours(struct wr *w, const struct hours *h)
{
	put_len(w, h, h ? h->n : 0);
	if (h)
		buf_add(&w->b, h, HOURS_SIZE(h->n));
}

static void put_contact(struct wr *w, const struct contact *c)
{
	put_str(w, c->nom);
	put_str(w, c->telephone);
	put_pos(w, &c->telephone_at);
	put_sval(w, &c->courriel);
}

/* An offer's scale: 1 + its place among the vocabularies' scales, or
 * 1 + their count + the place of the référentiel whose scale it is. */
static uint64_t scale_num(const struct site *s, const struct scale *sc)
{
	if (!sc)
		return OR_NULL;
	for (size_t i = 0; i < s->vocab.n_echelles; i++)
		if (sc == &s->vocab.echelles[i])
			return (uint64_t)i + 1;
	for (size_t i = 0; i < s->n_referentiels; i++)
		if (sc == &s->referentiels[i]->echelle)
			return (uint64_t)(s->vocab.n_echelles + i) + 1;
	return UINT64_MAX;	/* not the site's: the record is not written */
}

static int put_lieu(struct wr *w, const struct lieu *l)
{
	put_sval(w, &l->id);
	put_str(w, l->denomination);
	put_len(w, l->lignes, l->n_lignes);
	for (size_t i = 0; i < l->n_lignes; i++) {
		put_str(w, l->lignes[i]);
		put_pos(w, l->lignes_at ? &l->lignes_at[i] : &(struct srcpos){ 0, 0 });
	}
	put_sval(w, &l->code_postal);
	put_sval(w, &l->commune_nom);
	put_sval(w, &l->code_insee);
	const struct geo *g = &w->s->geo;
	if (l->commune && (l->commune < g->communes || l->commune >= g->communes + g->n_communes))
		return -1;
	put_num(w, l->commune ? (uint64_t)(l->commune - g->communes) + 1 : OR_NULL);
	buf_add(&w->b, l->dep, sizeof(l->dep));
	put_num(w, l->has_geo != 0);
	put_dbl(w, l->lat);
	put_dbl(w, l->lon);
	put_num(w, l->geo_line);
	put_num(w, l->geo_col);
	put_num(w, (uint64_t)(l->acces_pmr + 1));
	put_str(w, l->transports);
	put_sval(w, &l->horaires_accueil);
	put_hours(w, l->accueil);
	return 0;
}

static int put_offre(struct wr *w, const struct organisme *org, const struct offre *o)
{
	put_sval(w, &o->id);
	put_str(w, o->intitule);
	put_str(w, o->objectif);
	put_text_at(w, &o->objectif_at);
	put_svals(w, &o->types);
	put_sval(w, &o->parcours);
	put_svals(w, &o->formacodes);
	put_sval(w, &o->echelle);
	put_sval(w, &o->entree_min);
	put_sval(w, &o->entree_max);
	put_sval(w, &o->vise);
	uint64_t sc = scale_num(w->s, o->scale);
	if (sc == UINT64_MAX)
		return -1;
	put_num(w, sc);
	put_num(w, (uint64_t)(o->ecrit_requis + 1));
	put_svals(w, &o->publics);
	put_long(w, o->age_min);
	put_long(w, o->age_max);
	put_str(w, o->public_precisions);
	put_svals(w, &o->financeurs);
	put_num(w, (uint64_t)(o->conventionne + 1));
	put_num(w, (uint64_t)(o->cpf + 1));
	put_str(w, o->cert_code);
	put_str(w, o->cert_intitule);
	put_num(w, (uint64_t)(o->gratuit + 1));
	put_dbl(w, o->montant);
	put_num(w, o->has_montant != 0);
	put_str(w, o->cout_precisions);
	put_num(w, o->enseignement);
	put_num(w, o->entrees);
	put_dbl(w, o->heures_semaine);
	put_long(w, o->duree_semaines);
	put_long(w, o->places);
	put_sval(w, &o->horaires);
	put_hours(w, o->heures);
	put_num(w, (uint64_t)(o->garde_enfants + 1));
	put_svals(w, &o->lieu_ids);
	put_len(w, o->lieux, o->n_lieux);
	for (size_t i = 0; i < o->n_lieux; i++) {
		if (o->lieux[i] < org->lieux || o->lieux[i] >= org->lieux + org->n_lieux)
			return -1;
		put_num(w, (uint64_t)(o->lieux[i] - org->lieux));
	}
	put_len(w, o->sessions, o->n_sessions);
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *x = &o->sessions[i];
		put_long(w, x->debut);
		put_long(w, x->fin);
		put_num(w, x->etat);
		put_long(w, x->places);
		put_num(w, x->line);
		put_num(w, x->col);
	}
	put_contact(w, &o->contact);
	put_num(w, o->has_contact != 0);
	put_svals(w, &o->competences);
	put_num(w, o->line);
	put_num(w, o->col);
	/* suites and n_suites are the index stage's: NULL and 0 here. */
	return o->suites || o->n_suites ? -1 : 0;
}

static int put_org(struct wr *w, const struct organisme *o)
{
	buf_add(&w->b, &o->own, sizeof(o->own));
	put_sval(w, &o->id);
	put_str(w, o->nom);
	put_pos(w, &o->nom_at);
	put_sval(w, &o->siret);
	put_sval(w, &o->nature);
	put_svals(w, &o->labels);
	put_sval(w, &o->site_web);
	put_contact(w, &o->contact);
	put_num(w, o->has_contact != 0);
	put_len(w, o->lieux, o->n_lieux);
	for (size_t i = 0; i < o->n_lieux; i++)
		if (put_lieu(w, &o->lieux[i]) < 0)
			return -1;
	put_len(w, o->offres, o->n_offres);
	for (size_t i = 0; i < o->n_offres; i++)
		if (put_offre(w, o, &o->offres[i]) < 0)
			return -1;
	put_str(w, o->source);
	put_long(w, o->mise_a_jour);
	put_num(w, o->maj_line);
	put_num(w, o->maj_col);
	put_num(w, o->line);
	put_num(w, o->col);
	return 0;
}

/* ---- reading ---- */

struct rdr {
	const unsigned char *p, *end;
	const char *str;	/* the strings, in the snapshot's bytes */
	size_t n_str;
	struct arena *a;
	const struct site *s;
	struct referentiel *const *refs;
	size_t n_refs;
	int bad;
};

/* The decoder's readers are inline, each number's one byte (most of
 * them: lines, columns, flags, small offsets) read in place: a record is
 * some 300 numbers an organisation, and a call each was a third of the
 * decoding's instructions. */
static inline uint64_t get_num(struct rdr *r)
{
	if (r->p < r->end && *r->p < 0x80)
		return *r->p++;
	return snap_var_get(&r->p, r->end, &r->bad);
}

static inline uint32_t get_u32(struct rdr *r)
{
	uint64_t v = get_num(r);
	if (v > UINT32_MAX)
		r->bad = 1;
	return r->bad ? 0 : (uint32_t)v;
}

/* A number in 0..max. */
static inline int get_small(struct rdr *r, uint64_t max)
{
	uint64_t v = get_num(r);
	if (v > max)
		r->bad = 1;
	return r->bad ? 0 : (int)v;
}

static inline enum tri get_tri(struct rdr *r)
{
	return (enum tri)(get_small(r, 2) - 1);
}

static inline long get_long(struct rdr *r)
{
	uint64_t v = get_num(r);
	if (v >> 63)	/* beyond a long's range either way */
		r->bad = 1;
	return r->bad ? 0 : v & 1 ? -(long)(v >> 1) - 1 : (long)(v >> 1);
}

static inline const char *get_str(struct rdr *r)
{
	uint64_t v = get_num(r);
	if (v == OR_NULL || r->bad)
		return NULL;
	if (v - 1 >= r->n_str) {
		r->bad = 1;
		return NULL;
	}
	return r->str + (v - 1);
}

static inline double get_dbl(struct rdr *r)
{
	double x = 0;
	if ((size_t)(r->end - r->p) < sizeof(x)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&x, r->p, sizeof(x));
	r->p += sizeof(x);
	return x;
}

static inline void get_sval(struct rdr *r, struct sval *v)
{
	v->s = get_str(r);
	v->line = get_u32(r);
	v->col = get_u32(r);
	v->plain = get_small(r, 1);
}

static inline void get_pos(struct rdr *r, struct srcpos *at)
{
	at->line = get_u32(r);
	at->col = get_u32(r);
}

static inline void get_text_at(struct rdr *r, struct diag_text *at)
{
	at->line = get_u32(r);
	at->col = get_u32(r);
	at->indent = get_u32(r);
	at->lines = (enum diag_text_lines)get_small(r, DIAG_TEXT_FOLDED);
}

/* A list's length; *present 0 for NULL. Each element takes a byte at
 * least, so a length beyond the bytes left is damage. */
static size_t get_len(struct rdr *r, int *present)
{
	uint64_t v = get_num(r);
	*present = v != OR_NULL;
	if (v && v - 1 > (uint64_t)(r->end - r->p))
		r->bad = 1;
	return r->bad || !v ? 0 : (size_t)(v - 1);
}

/* n elements of size (NULL when absent), zeroed. */
static void *get_list(struct rdr *r, size_t size, size_t *n)
{
	int present;
	*n = get_len(r, &present);
	return present && !r->bad ? arena_alloc(r->a, *n * size) : NULL;
}

static void get_svals(struct rdr *r, struct svals *v)
{
	size_t n;
	v->v = get_list(r, sizeof(*v->v), &n);
	for (v->n = 0; v->n < n && !r->bad; v->n++)
		get_sval(r, &v->v[v->n]);
}

static const struct hours *get_hours(struct rdr *r)
{
	int present;
	size_t n = get_len(r, &present);
	if (!present || r->bad)
		return NULL;
	if (n > HOURS_MAX_RULES || (size_t)(r->end - r->p) < HOURS_SIZE(n)) {
		r->bad = 1;
		return NULL;
	}
	struct hours *h = arena_memdup(r->a, r->p, HOURS_SIZE(n));
	r->p += HOURS_SIZE(n);
	if (h->n != n)
		r->bad = 1;
	for (size_t i = 0; i < n && !r->bad; i++)
		if (h->r[i].n > HOURS_MAX_SPANS)
			r->bad = 1;
	return h;
}

static void get_contact(struct rdr *r, struct contact *c)
{
	c->nom = get_str(r);
	c->telephone = get_str(r);
	get_pos(r, &c->telephone_at);
	get_sval(r, &c->courriel);
}

static void get_lieu(struct rdr *r, struct lieu *l)
{
	get_sval(r, &l->id);
	l->denomination = get_str(r);
	size_t n;
	l->lignes = get_list(r, sizeof(*l->lignes), &n);
	struct srcpos *at = l->lignes ? arena_alloc(r->a, n * sizeof(*at)) : NULL;
	l->lignes_at = at;
	for (l->n_lignes = 0; l->n_lignes < n && !r->bad; l->n_lignes++) {
		if (!(l->lignes[l->n_lignes] = get_str(r)))
			r->bad = 1;
		get_pos(r, &at[l->n_lignes]);
	}
	get_sval(r, &l->code_postal);
	get_sval(r, &l->commune_nom);
	get_sval(r, &l->code_insee);
	uint64_t c = get_num(r);
	if (c > r->s->geo.n_communes)
		r->bad = 1;
	else if (c)
		l->commune = &r->s->geo.communes[c - 1];
	if ((size_t)(r->end - r->p) < sizeof(l->dep))
		r->bad = 1;
	else {
		memcpy(l->dep, r->p, sizeof(l->dep));
		r->p += sizeof(l->dep);
	}
	l->has_geo = get_small(r, 1);
	l->lat = get_dbl(r);
	l->lon = get_dbl(r);
	l->geo_line = get_u32(r);
	l->geo_col = get_u32(r);
	l->acces_pmr = get_tri(r);
	l->transports = get_str(r);
	get_sval(r, &l->horaires_accueil);
	l->accueil = get_hours(r);
}

static const struct scale *get_scale(struct rdr *r)
{
	uint64_t v = get_num(r);
	size_t ne = r->s->vocab.n_echelles;
	if (v == OR_NULL || r->bad)
		return NULL;
	if (v - 1 < ne)
		return &r->s->vocab.echelles[v - 1];
	if (v - 1 - ne < r->n_refs)
		return &r->refs[v - 1 - ne]->echelle;
	r->bad = 1;
	return NULL;
}

static void get_offre(struct rdr *r, const struct organisme *org, struct offre *o)
{
	get_sval(r, &o->id);
	o->intitule = get_str(r);
	o->objectif = get_str(r);
	get_text_at(r, &o->objectif_at);
	get_svals(r, &o->types);
	get_sval(r, &o->parcours);
	get_svals(r, &o->formacodes);
	get_sval(r, &o->echelle);
	get_sval(r, &o->entree_min);
	get_sval(r, &o->entree_max);
	get_sval(r, &o->vise);
	o->scale = get_scale(r);
	o->ecrit_requis = get_tri(r);
	get_svals(r, &o->publics);
	o->age_min = get_long(r);
	o->age_max = get_long(r);
	o->public_precisions = get_str(r);
	get_svals(r, &o->financeurs);
	o->conventionne = get_tri(r);
	o->cpf = get_tri(r);
	o->cert_code = get_str(r);
	o->cert_intitule = get_str(r);
	o->gratuit = get_tri(r);
	o->montant = get_dbl(r);
	o->has_montant = get_small(r, 1);
	o->cout_precisions = get_str(r);
	o->enseignement = (enum enseignement)get_small(r, ENS_DISTANCE);
	o->entrees = (enum entrees)get_small(r, ENTREES_DATES_FIXES);
	o->heures_semaine = get_dbl(r);
	o->duree_semaines = get_long(r);
	o->places = get_long(r);
	get_sval(r, &o->horaires);
	o->heures = get_hours(r);
	o->garde_enfants = get_tri(r);
	get_svals(r, &o->lieu_ids);
	size_t n;
	const struct lieu **lieux = get_list(r, sizeof(*o->lieux), &n);
	for (o->n_lieux = 0; o->n_lieux < n && !r->bad; o->n_lieux++) {
		uint64_t k = get_num(r);
		if (k >= org->n_lieux)
			r->bad = 1;
		else
			lieux[o->n_lieux] = &org->lieux[k];
	}
	o->lieux = lieux;
	o->sessions = get_list(r, sizeof(*o->sessions), &n);
	for (o->n_sessions = 0; o->n_sessions < n && !r->bad; o->n_sessions++) {
		struct session *x = &o->sessions[o->n_sessions];
		x->debut = (int)get_long(r);
		x->fin = (int)get_long(r);
		x->etat = (enum etat)get_small(r, ETAT_SUSPENDU);
		x->places = get_long(r);
		x->line = get_u32(r);
		x->col = get_u32(r);
	}
	get_contact(r, &o->contact);
	o->has_contact = get_small(r, 1);
	get_svals(r, &o->competences);
	o->line = get_u32(r);
	o->col = get_u32(r);
	o->org = org;
}

static void get_org(struct rdr *r, struct organisme *o)
{
	if ((size_t)(r->end - r->p) < sizeof(o->own))
		r->bad = 1;
	else {
		memcpy(&o->own, r->p, sizeof(o->own));
		r->p += sizeof(o->own);
	}
	get_sval(r, &o->id);
	o->nom = get_str(r);
	get_pos(r, &o->nom_at);
	get_sval(r, &o->siret);
	get_sval(r, &o->nature);
	get_svals(r, &o->labels);
	get_sval(r, &o->site_web);
	get_contact(r, &o->contact);
	o->has_contact = get_small(r, 1);
	size_t n;
	o->lieux = get_list(r, sizeof(*o->lieux), &n);
	for (o->n_lieux = 0; o->n_lieux < n && !r->bad; o->n_lieux++)
		get_lieu(r, &o->lieux[o->n_lieux]);
	o->offres = get_list(r, sizeof(*o->offres), &n);
	for (o->n_offres = 0; o->n_offres < n && !r->bad; o->n_offres++)
		get_offre(r, o, &o->offres[o->n_offres]);
	o->source = get_str(r);
	o->mise_a_jour = (int)get_long(r);
	o->maj_line = get_u32(r);
	o->maj_col = get_u32(r);
	o->line = get_u32(r);
	o->col = get_u32(r);
	o->remembered = 1;
}

/* Skips the diagnostics at r->p (orgrec_take adds them once the rest
 * decodes), then takes the strings where they are (orgrec.h). Returns 0
 * or -1. */
static int get_head(struct rdr *r)
{
	if (snap_diags_get(&r->p, r->end, NULL, NULL) < 0)
		return -1;
	uint64_t n = get_num(r);
	if (r->bad || n > (uint64_t)(r->end - r->p) || (n && r->p[n - 1] != '\0'))
		return -1;
	r->n_str = (size_t)n;
	r->str = (const char *)r->p;	/* in place: the snapshot outlives the model's use */
	r->p += n;
	return 0;
}

int orgrec_take(struct snap *sn, const struct digest *key, const struct site *s,
    struct referentiel *const *refs, size_t n_refs, struct arena *a, const char *file,
    const struct digest *src, struct diags *d, struct organisme **orgs, size_t *n)
{
	const char *p;
	size_t len;
	if (!snap_get(sn, key, &p, &len))
		return 0;
	struct rdr r = { (const unsigned char *)p, (const unsigned char *)p + len, NULL, 0, a, s, refs,
		n_refs, 0 };
	size_t count = 0;
	struct organisme *v = NULL;
	if (get_head(&r) == 0)
		v = get_list(&r, sizeof(*v), &count);
	if (!v)
		r.bad = 1;
	for (size_t i = 0; i < count && !r.bad; i++) {
		v[i].file = file;
		v[i].src = *src;
		get_org(&r, &v[i]);
	}
	if (r.bad || r.p != r.end) {
		snap_spoilt(sn, key);
		return 0;
	}
	const unsigned char *at = (const unsigned char *)p;
	snap_diags_get(&at, r.end, file, d);	/* decoded above */
	*orgs = v;
	*n = count;
	return 1;
}

/* ---- remembering ---- */

/* An organisation file converted in this build: its organisations, and
 * the diagnostics under its name. */
struct fresh {
	struct organisme *const *orgs;
	size_t n;
	const struct diag **v;
	size_t n_v, cap_v;
	int error;
};

static void note(struct fresh *f, size_t n_f, const struct strmap *by_file, const struct diag *g)
{
	uintptr_t at = (uintptr_t)strmap_get(by_file, g->file);
	if (!at || at > n_f)
		return;
	struct fresh *x = &f[at - 1];
	x->v = xgrow(x->v, &x->cap_v, x->n_v + 1, sizeof(*x->v));
	x->v[x->n_v++] = g;
	x->error |= g->sev == DIAG_ERROR;
}

/* Writes the record of one file; 0, or -1 when a pointer is not one the
 * record can hold (then it is not written). */
static int put_file(struct snap *sn, const struct site *s, const struct fresh *f)
{
	struct wr w = { BUF_INIT, BUF_INIT, s };
	int rc = 0;
	put_num(&w, (uint64_t)f->n + 1);
	for (size_t i = 0; i < f->n && rc == 0; i++)
		rc = put_org(&w, f->orgs[i]);
	if (rc == 0) {
		struct buf p = BUF_INIT;
		snap_var_put(&p, f->n_v);
		for (size_t i = 0; i < f->n_v; i++)
			snap_diag_put(&p, f->v[i]);
		snap_var_put(&p, w.str.len);
		buf_add(&p, w.str.data, w.str.len);
		buf_add(&p, w.b.data, w.b.len);
		struct digest key = orgrec_key(&f->orgs[0]->src, &s->inputs, s->today);
		snap_add(sn, &key, &p);
	}
	buf_release(&w.b);
	buf_release(&w.str);
	return rc;
}

size_t orgrec_remember(struct snap *sn, const struct site *s, const struct diags *d, size_t loaded,
    const struct diags *own)
{
	if (!sn || !s->vocab.file)
		return 0;
	struct fresh *f = NULL;
	size_t n_f = 0, cap_f = 0, done = 0;
	struct strmap by_file = STRMAP_INIT;
	for (size_t i = 0; i < s->n_organismes;) {
		size_t j = i + 1;
		while (j < s->n_organismes && s->organismes[j]->file == s->organismes[i]->file)
			j++;
		/* A file's organisations are one array, converted together. */
		int whole = !s->organismes[i]->remembered;
		for (size_t k = i + 1; k < j && whole; k++)
			whole = s->organismes[k] == s->organismes[i] + (k - i) && !s->organismes[k]->remembered;
		if (whole && !strmap_get(&by_file, s->organismes[i]->file)) {
			f = xgrow(f, &cap_f, n_f + 1, sizeof(*f));
			f[n_f] = (struct fresh){ &s->organismes[i], j - i, NULL, 0, 0, 0 };
			strmap_put(&by_file, s->organismes[i]->file, (void *)(uintptr_t)++n_f);
		}
		i = j;
	}
	for (size_t i = 0; n_f && i < loaded && i < d->n; i++)
		note(f, n_f, &by_file, &d->v[i]);
	for (size_t i = 0; n_f && own && i < own->n; i++)
		note(f, n_f, &by_file, &own->v[i]);
	for (size_t i = 0; i < n_f; i++) {
		if (!f[i].error && put_file(sn, s, &f[i]) == 0)
			done++;
		free(f[i].v);
	}
	free(f);
	strmap_free(&by_file);
	return done;
}
