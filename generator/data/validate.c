/*
 * Cross-file validation. Each check reports at the position of the value
 * that is wrong, and suggests a close code when the value is unknown. Start
 * at validate_site.
 */
#define _DEFAULT_SOURCE
#include "validate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../base/url.h"
#include "../base/utf8.h"
#include "../text/markdown.h"
#include "fields.h"
#include "load.h"
#include "hours.h"
#include "model.h"

struct vctx {
	struct site *s;
	struct diags *d;
	const char *file;
	int today;
	struct arena *a;	/* for resolved lists; the thread's own */
	const struct diags *loaded;	/* the load's, read only (refused_ref) */
};

/* 1 when the référentiel id is missing because the load refused its file
 * with an error (a link that leaves the site, a file that does not read
 * or parse): that error stands alone, not followed by one for each of the
 * hundreds of competences that name it. */
static int refused_ref(const struct vctx *v, const char *id)
{
	struct buf rel = BUF_INIT;
	buf_printf(&rel, "referentiels/%s.yaml", id);
	int refused = v->loaded && load_refused(v->s, v->loaded, rel.data);
	buf_release(&rel);
	return refused;
}

static void verr(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void verr(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(v->d, v->file, line, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void vwarn(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void vwarn(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(v->d, v->file, line, col, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* Checks that code is in the list; reports "unknown <what> 'x'; did you mean". */
static const struct term *check_term(struct vctx *v, const struct vocab_list *l,
    const struct sval *sv, const char *what)
{
	if (!sv->s)
		return NULL;
	const struct term *t = strmap_get(&l->by_code, sv->s);
	if (t)
		return t;
	const char **codes = xmalloc((l->n + 1) * sizeof(*codes));
	for (size_t i = 0; i < l->n; i++)
		codes[i] = l->v[i].code;
	const char *sug = str_suggest(sv->s, codes, l->n);
	free(codes);
	if (sug)
		verr(v, sv->line, sv->col, "unknown %s '%s'; did you mean '%s'?", what, sv->s, sug);
	else
		verr(v, sv->line, sv->col, "unknown %s '%s' (see %s in referentiels/vocabulaires.yaml)",
		    what, sv->s, l->name ? l->name : "the lists");
	return NULL;
}

static void check_terms(struct vctx *v, const struct vocab_list *l,
    const struct svals *vals, const char *what)
{
	for (size_t i = 0; i < vals->n; i++) {
		check_term(v, l, &vals->v[i], what);
		for (size_t j = 0; j < i; j++)
			if (strcmp(vals->v[i].s, vals->v[j].s) == 0)
				vwarn(v, vals->v[i].line, vals->v[i].col, "%s '%s' is listed twice",
				    what, vals->v[i].s);
	}
}

static const struct scale *find_scale(const struct site *s, const char *id)
{
	for (size_t i = 0; i < s->vocab.n_echelles; i++)
		if (strcmp(s->vocab.echelles[i].id, id) == 0)
			return &s->vocab.echelles[i];
	return NULL;
}

static const struct level *find_level(const struct scale *sc, const char *code)
{
	for (size_t i = 0; i < sc->n; i++)
		if (strcmp(sc->v[i].code, code) == 0)
			return &sc->v[i];
	return NULL;
}

/* Checks that sv is a level of sc, which the content names name. */
static const struct level *check_level(struct vctx *v, const struct scale *sc, const char *name,
    const struct sval *sv)
{
	if (!sv->s || !sc)
		return NULL;
	const struct level *l = find_level(sc, sv->s);
	if (l)
		return l;
	const char **codes = xmalloc((sc->n + 1) * sizeof(*codes));
	for (size_t i = 0; i < sc->n; i++)
		codes[i] = sc->v[i].code;
	const char *sug = str_suggest(sv->s, codes, sc->n);
	free(codes);
	if (sug)
		verr(v, sv->line, sv->col, "unknown level '%s' in scale '%s'; did you mean '%s'?",
		    sv->s, name, sug);
	else
		verr(v, sv->line, sv->col, "unknown level '%s' in scale '%s'", sv->s, name);
	return NULL;
}

int is_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return 0;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == '"')
			return 0;
	return at[1] != '.' && s[strlen(s) - 1] != '.';
}

static void check_contact(struct vctx *v, const struct contact *c)
{
	if (c->courriel.s && !is_email(c->courriel.s))
		verr(v, c->courriel.line, c->courriel.col,
		    "courriel '%s' is not an e-mail address", c->courriel.s);
}

/* Parses opening hours once, for every output: NULL when absent or wrong. */
static const struct hours *check_hours(struct vctx *v, const struct sval *sv)
{
	struct hours h;
	const char *err;
	size_t at;
	if (!sv->s)
		return NULL;
	if (hours_parse(sv->s, &h, &err, &at) < 0) {
		verr(v, sv->line, sv->col + (uint32_t)at + (sv->plain ? 0 : 1),
		    "opening hours '%s': %s (e.g. \"Mo-Fr 09:00-12:00; Sa 10:00-12:00\")", sv->s, err);
		return NULL;
	}
	return arena_memdup(v->a, &h, HOURS_SIZE(h.n));	/* hours.h: its rules only */
}

/* Even-odd ray casting over every ring of a shape. */
static int in_shape(const struct shape *sh, double x, double y)
{
	if (x < sh->minx || x > sh->maxx || y < sh->miny || y > sh->maxy)
		return 0;
	int in = 0;
	for (size_t r = 0; r < sh->n_rings; r++) {
		const double *p = sh->rings[r].xy;
		size_t n = sh->rings[r].n;
		for (size_t i = 0, j = n - 1; i < n; j = i++) {
			double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
			if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
				in = !in;
		}
	}
	return in;
}

/* geo_in_territory, the département dep (or NULL) tried first. */
static int in_territory(const struct site *s, double lon, double lat, const char *dep)
{
	/* The département named first: where a lieu lies, mostly (a shape
	 * has thousands of points, and the neighbours' boxes overlap). */
	for (size_t i = 0; dep && i < s->geo.n_departements; i++)
		if (s->geo.departements[i].code && strcmp(s->geo.departements[i].code, dep) == 0) {
			if (in_shape(&s->geo.departements[i], lon, lat))
				return 1;
			break;
		}
	for (size_t i = 0; i < s->geo.n_departements; i++)
		if (in_shape(&s->geo.departements[i], lon, lat))
			return 1;
	return 0;
}

int geo_in_territory(const struct site *s, double lon, double lat)
{
	return in_territory(s, lon, lat, NULL);
}

static void check_lieu(struct vctx *v, struct lieu *l, struct organisme *o, size_t idx)
{
	if (l->id.s && !is_slug(l->id.s))
		verr(v, l->id.line, l->id.col, "lieu id '%s' must be a slug: a-z, 0-9 and '-'", l->id.s);
	for (size_t j = 0; j < idx; j++)
		if (l->id.s && o->lieux[j].id.s && strcmp(o->lieux[j].id.s, l->id.s) == 0)
			verr(v, l->id.line, l->id.col, "lieu id '%s' appears twice in this organisation",
			    l->id.s);
	if (l->code_insee.s) {
		l->commune = strmap_get(&v->s->geo.by_code, l->code_insee.s);
		if (!l->commune && !v->s->geo.unread)
			verr(v, l->code_insee.line, l->code_insee.col,
			    "code_insee '%s' is not a commune of the territory (referentiels/geo/)",
			    l->code_insee.s);
	}
	const struct commune *c = l->commune;
	if (c) {
		memcpy(l->dep, c->dep, 3);
		/* "Paris" is how addresses name every arrondissement. */
		int paris_name = c->arrondissement && strcmp(l->commune_nom.s ? l->commune_nom.s : "", "Paris") == 0;
		if (l->commune_nom.s && strcmp(l->commune_nom.s, c->nom) != 0 && !paris_name)
			vwarn(v, l->commune_nom.line, l->commune_nom.col,
			    "commune '%s' is named '%s' for code_insee %s", l->commune_nom.s, c->nom, c->code);
		if (!l->has_geo) {
			l->lat = c->lat;
			l->lon = c->lon;
		}
	}
	const char *cp = l->code_postal.s;
	if (cp && (strlen(cp) != 5 || strspn(cp, "0123456789") != 5))
		vwarn(v, l->code_postal.line, l->code_postal.col, "code_postal '%s' is not 5 digits", cp);
	else if (cp && c) {
		size_t k;
		for (k = 0; k < c->n_postaux && strcmp(c->postaux[k], cp) != 0; k++)
			;
		/* Paris arrondissements share 75056's list; check against it too. */
		const struct commune *paris = strmap_get(&v->s->geo.by_code, "75056");
		int paris_ok = c->arrondissement && paris && strncmp(cp, "75", 2) == 0;
		if (k == c->n_postaux && c->n_postaux && !paris_ok)
			vwarn(v, l->code_postal.line, l->code_postal.col,
			    "code_postal %s is not one of %s's (%s…)", cp, c->nom, c->postaux[0]);
	}
	if (l->has_geo && !in_territory(v->s, l->lon, l->lat, c ? c->dep : NULL))
		verr(v, l->geo_line, l->geo_col,
		    "geo (lat %.5f, lon %.5f) lies outside the territory: check the order of lat and lon",
		    l->lat, l->lon);
	l->accueil = check_hours(v, &l->horaires_accueil);
}

/* The scale an offer's echelle names: a scale of the vocabularies by its
 * id ("cecrl"), or a référentiel's own scale as 'referentiel:scale'
 * ("carte-competences-idf:cercles", docs/format-notes.md). Reports at the
 * value what does not resolve; NULL then. */
static const struct scale *resolve_scale(struct vctx *v, const struct sval *sv)
{
	const struct site *s = v->s;
	const char *colon = strchr(sv->s, ':');
	const char **codes = xcalloc(s->vocab.n_echelles + s->n_referentiels + 1, sizeof(*codes));
	const struct scale *sc = colon ? NULL : find_scale(s, sv->s);
	const struct referentiel *r = NULL;
	const char *sug;
	char id[128];
	size_t n = 0;
	if (colon) {
		size_t len = (size_t)(colon - sv->s);
		snprintf(id, sizeof(id), "%.*s", (int)(len < 127 ? len : 127), sv->s);
		r = strmap_get(&s->ref_by_id, id);
		for (size_t i = 0; !r && i < s->n_referentiels; i++)
			codes[n++] = s->referentiels[i]->id;
		sug = r ? NULL : str_suggest(id, codes, n);
		if (!r && refused_ref(v, id))
			;	/* its file's error says why */
		else if (!r && sug)
			verr(v, sv->line, sv->col, "scale '%s': unknown référentiel '%s'; did you mean '%s'?",
			    sv->s, id, sug);
		else if (!r)
			verr(v, sv->line, sv->col, "scale '%s': unknown référentiel '%s' (no referentiels/%s.yaml)",
			    sv->s, id, id);
		else if (!r->echelle.n)
			verr(v, sv->line, sv->col, "scale '%s': référentiel '%s' has no scale ('echelle' in "
			    "referentiels/%s.yaml)", sv->s, r->id, r->id);
		else if (strcmp(r->echelle.id, colon + 1) != 0)
			verr(v, sv->line, sv->col, "scale '%s': the scale of référentiel '%s' is '%s' "
			    "(write '%s:%s')", sv->s, r->id, r->echelle.id, r->id, r->echelle.id);
		else
			sc = &r->echelle;
	} else if (!sc) {
		/* A référentiel's scale named without its référentiel. */
		for (size_t i = 0; !r && i < s->n_referentiels; i++)
			if (s->referentiels[i]->echelle.n && !strcmp(s->referentiels[i]->echelle.id, sv->s))
				r = s->referentiels[i];
		for (size_t i = 0; i < s->vocab.n_echelles; i++)
			codes[n++] = s->vocab.echelles[i].id;
		if (r)
			verr(v, sv->line, sv->col, "scale '%s' belongs to référentiel '%s': write '%s:%s'",
			    sv->s, r->id, r->id, sv->s);
		else if ((sug = str_suggest(sv->s, codes, n)))
			verr(v, sv->line, sv->col, "unknown scale '%s'; did you mean '%s'?", sv->s, sug);
		else
			verr(v, sv->line, sv->col, "unknown scale '%s' (see echelles in referentiels/vocabulaires.yaml, "
			    "or write 'referentiel:scale' for a référentiel's own)", sv->s);
	}
	free(codes);
	return sc;
}

static void check_levels(struct vctx *v, struct offre *o)
{
	if (!o->echelle.s)
		return;
	const struct scale *sc = resolve_scale(v, &o->echelle);
	if (!sc)
		return;
	o->scale = sc;
	const char *name = o->echelle.s;
	const struct level *mn = check_level(v, sc, name, &o->entree_min);
	const struct level *mx = check_level(v, sc, name, &o->entree_max);
	const struct level *vi = check_level(v, sc, name, &o->vise);
	if (mn && mx && mn->rang > mx->rang)
		verr(v, o->entree_max.line, o->entree_max.col,
		    "entry level max '%s' is below min '%s'", mx->code, mn->code);
	const struct level *top = mx ? mx : mn;
	if (top && vi && vi->rang < top->rang)
		vwarn(v, o->vise.line, o->vise.col,
		    "target level '%s' is below the entry level '%s'", vi->code, top->code);
}

static void check_competences(struct vctx *v, const struct svals *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct sval *sv = &c->v[i];
		const char *colon = strchr(sv->s, ':');
		if (!colon) {
			verr(v, sv->line, sv->col, "competence '%s' must be 'referentiel:code'", sv->s);
			continue;
		}
		char id[128];
		size_t n = (size_t)(colon - sv->s);
		snprintf(id, sizeof(id), "%.*s", (int)(n < 127 ? n : 127), sv->s);
		const struct referentiel *r = strmap_get(&v->s->ref_by_id, id);
		if (!r) {
			if (!refused_ref(v, id))	/* else its file's error says why */
				verr(v, sv->line, sv->col, "competence '%s': unknown référentiel '%s'", sv->s, id);
		} else if (!strmap_get(&r->by_code, colon + 1))
			verr(v, sv->line, sv->col, "competence '%s': no code '%s' in référentiel '%s'",
			    sv->s, colon + 1, id);
	}
}

static void check_offre(struct vctx *v, struct organisme *org, struct offre *o, size_t idx)
{
	const struct vocab *vo = &v->s->vocab;
	for (size_t j = 0; j < idx; j++)
		if (o->id.s && org->offres[j].id.s && strcmp(org->offres[j].id.s, o->id.s) == 0)
			verr(v, o->id.line, o->id.col, "offer id '%s' appears twice in this organisation",
			    o->id.s);
	check_terms(v, &vo->types_offre, &o->types, "offer type");
	check_term(v, &vo->parcours, &o->parcours, "parcours");
	check_terms(v, &vo->publics, &o->publics, "public");
	check_terms(v, &vo->financeurs, &o->financeurs, "financeur");
	for (size_t i = 0; i < o->formacodes.n; i++) {
		const char *f = o->formacodes.v[i].s;
		if (strlen(f) != 5 || strspn(f, "0123456789") != 5)
			vwarn(v, o->formacodes.v[i].line, o->formacodes.v[i].col,
			    "formacode '%s' is not 5 digits", f);
	}
	check_levels(v, o);
	o->heures = check_hours(v, &o->horaires);
	md_bounds(o->objectif, v->file, &o->objectif_at, v->d);
	o->lieux = arena_alloc(v->a, (o->lieu_ids.n + 1) * sizeof(*o->lieux));
	for (size_t i = 0; i < o->lieu_ids.n; i++) {
		const struct sval *id = &o->lieu_ids.v[i];
		size_t k;
		for (k = 0; k < org->n_lieux && (!org->lieux[k].id.s || strcmp(org->lieux[k].id.s, id->s)); k++)
			;
		if (k < org->n_lieux)
			o->lieux[o->n_lieux++] = &org->lieux[k];
		else {
			const char **ids = xcalloc(org->n_lieux + 1, sizeof(*ids));
			size_t m = 0;
			for (size_t q = 0; q < org->n_lieux; q++)
				if (org->lieux[q].id.s)
					ids[m++] = org->lieux[q].id.s;
			const char *sug = str_suggest(id->s, ids, m);
			if (sug)
				verr(v, id->line, id->col, "unknown lieu '%s'; did you mean '%s'?", id->s, sug);
			else
				verr(v, id->line, id->col, "unknown lieu '%s' (not among this organisation's lieux)", id->s);
			free(ids);
		}
	}
	if (o->has_contact)
		check_contact(v, &o->contact);
	check_competences(v, &o->competences);
}

static int days_between(int a, int b)
{
	struct tm ta = { 0 }, tb = { 0 };
	ta.tm_year = a / 10000 - 1900;
	ta.tm_mon = a / 100 % 100 - 1;
	ta.tm_mday = a % 100;
	tb.tm_year = b / 10000 - 1900;
	tb.tm_mon = b / 100 % 100 - 1;
	tb.tm_mday = b % 100;
	ta.tm_hour = tb.tm_hour = 12;
	return (int)((timegm(&tb) - timegm(&ta)) / 86400);
}

/* Warns for each placeholder of `carto new organisme` still there, where
 * it is written (a model built without positions: at the organisation's
 * id, the courriel, the lieu's id). */
static void check_placeholders(struct vctx *v, const struct organisme *o)
{
	static const char todo[] = "is still the placeholder written by carto new: replace it before publishing";
	if (o->nom && strcmp(o->nom, VALIDATE_TODO_NOM) == 0)
		vwarn(v, o->nom_at.line ? o->nom_at.line : o->id.line, o->nom_at.line ? o->nom_at.col : o->id.col,
		    "nom '%s' %s", o->nom, todo);
	const struct contact *c = &o->contact;
	if (o->has_contact && c->telephone && strcmp(c->telephone, VALIDATE_TODO_TELEPHONE) == 0)
		vwarn(v, c->telephone_at.line ? c->telephone_at.line : c->courriel.line,
		    c->telephone_at.line ? c->telephone_at.col : c->courriel.col, "telephone '%s' %s", c->telephone,
		    todo);
	if (o->has_contact && c->courriel.s && strcmp(c->courriel.s, VALIDATE_TODO_COURRIEL) == 0)
		vwarn(v, c->courriel.line, c->courriel.col, "courriel '%s' %s", c->courriel.s, todo);
	for (size_t i = 0; i < o->n_lieux; i++) {
		const struct lieu *l = &o->lieux[i];
		for (size_t k = 0; k < l->n_lignes; k++) {
			if (strcmp(l->lignes[k], VALIDATE_TODO_LIGNE) != 0)
				continue;
			const struct srcpos *at = l->lignes_at && l->lignes_at[k].line ? &l->lignes_at[k] : NULL;
			vwarn(v, at ? at->line : l->id.line, at ? at->col : l->id.col, "adresse '%s' %s", l->lignes[k],
			    todo);
		}
	}
}

static void check_org(struct vctx *v, struct organisme *o)
{
	const struct vocab *vo = &v->s->vocab;
	v->file = o->file;
	if (o->siret.s && (strlen(o->siret.s) != 14 || strspn(o->siret.s, "0123456789") != 14))
		verr(v, o->siret.line, o->siret.col, "siret '%s' must be 14 digits", o->siret.s);
	check_term(v, &vo->natures, &o->nature, "nature");
	check_terms(v, &vo->labels, &o->labels, "label");
	if (o->site_web.s && !url_is_web(o->site_web.s))
		verr(v, o->site_web.line, o->site_web.col, "site_web '%s' must start with https:// or http://",
		    o->site_web.s);
	if (o->has_contact)
		check_contact(v, &o->contact);
	check_placeholders(v, o);
	for (size_t i = 0; i < o->n_lieux; i++)
		check_lieu(v, &o->lieux[i], o, i);
	for (size_t i = 0; i < o->n_offres; i++)
		check_offre(v, o, &o->offres[i], i);
	if (o->mise_a_jour && v->today && o->mise_a_jour > v->today)
		vwarn(v, o->maj_line, o->maj_col, "mise_a_jour %d-%02d-%02d is in the future",
		    o->mise_a_jour / 10000, o->mise_a_jour / 100 % 100, o->mise_a_jour % 100);
	else if (o->mise_a_jour && v->today && v->s->site_file &&	/* else site.yaml's error says it */
	    days_between(o->mise_a_jour, v->today) > v->s->fraicheur_jours)
		vwarn(v, o->maj_line, o->maj_col,
		    "mise_a_jour is %d days old (more than fraicheur_jours: %ld): check this organisation",
		    days_between(o->mise_a_jour, v->today), v->s->fraicheur_jours);
}

static void check_referentiel(struct vctx *v, struct referentiel *r)
{
	v->file = r->file;
	if (strmap_put(&v->s->ref_by_id, r->id, r))
		verr(v, 1, 1, "référentiel id '%s' is used by two files", r->id);
	for (size_t d = 0; d < r->n_domaines; d++) {
		md_bounds(r->domaines[d].description, r->file, &r->domaines[d].description_at, v->d);
		for (size_t c = 0; c < r->domaines[d].n_children; c++) {
			struct ref_entry *comp = &r->domaines[d].children[c];
			md_bounds(comp->description, r->file, &comp->description_at, v->d);
			for (size_t k = 0; k < comp->n_children; k++) {
				struct ref_entry *cr = &comp->children[k];
				md_bounds(cr->description, r->file, &cr->description_at, v->d);
				if (!cr->niveau.s)
					continue;
				if (!r->echelle.n)
					verr(v, cr->niveau.line, cr->niveau.col,
					    "criterion level '%s' needs an 'echelle' in the référentiel", cr->niveau.s);
				else
					check_level(v, &r->echelle, r->echelle.id, &cr->niveau);
			}
		}
	}
}

static void check_code_in(struct vctx *v, const struct referentiel *r,
    const struct sval *sv)
{
	if (!sv->s || strmap_get(&r->by_code, sv->s))
		return;
	verr(v, sv->line, sv->col, "code '%s' does not exist in référentiel '%s'", sv->s, r->id);
}

static const struct referentiel *corr_side(struct vctx *v, const struct sval *id,
    const struct sval *version)
{
	if (!id->s)
		return NULL;
	const struct referentiel *r = strmap_get(&v->s->ref_by_id, id->s);
	if (!r) {
		if (!refused_ref(v, id->s))
			verr(v, id->line, id->col, "unknown référentiel '%s' (no referentiels/%s.yaml)", id->s,
			    id->s);
		return NULL;
	}
	if (version->s && r->version && strcmp(version->s, r->version) != 0)
		vwarn(v, version->line, version->col,
		    "version '%s' differs from référentiel '%s' version '%s'", version->s, r->id, r->version);
	return r;
}

static void check_corr(struct vctx *v, struct correspondance *c)
{
	v->file = c->file;
	c->de = corr_side(v, &c->de_ref, &c->de_version);
	c->vers = corr_side(v, &c->vers_ref, &c->vers_version);
	for (size_t i = 0; i < c->n_liens; i++) {
		struct corr_link *l = &c->liens[i];
		if (c->de) {
			check_code_in(v, c->de, &l->de);
			if (l->niveau_de.s && !c->de->echelle.n)
				verr(v, l->niveau_de.line, l->niveau_de.col,
				    "niveau_de '%s': référentiel '%s' has no scale", l->niveau_de.s, c->de->id);
			else
				check_level(v, &c->de->echelle, c->de->echelle.id, &l->niveau_de);
		}
		if (c->vers)
			for (size_t k = 0; k < l->vers.n; k++)
				check_code_in(v, c->vers, &l->vers.v[k]);
		if (l->vers.n == 0)
			verr(v, l->line, l->col, "a link needs at least one 'vers' code");
	}
}

static void check_carto(struct vctx *v, struct cartographie *c)
{
	static const char *const facets[] = { "departement", "parcours", "types", "niveaux",
		"public", "financement", "cout", "garde_enfants", "horaires", "etat_recrutement" };
	const struct vocab *vo = &v->s->vocab;
	v->file = c->file;
	check_terms(v, &vo->types_offre, &c->sel_types, "offer type");
	check_terms(v, &vo->parcours, &c->sel_parcours, "parcours");
	check_terms(v, &vo->publics, &c->sel_publics, "public");
	for (size_t i = 0; i < c->sel_departements.n; i++) {
		const struct sval *d = &c->sel_departements.v[i];
		size_t k;
		for (k = 0; k < v->s->geo.n_departements && strcmp(v->s->geo.departements[k].code, d->s); k++)
			;
		if (k == v->s->geo.n_departements)
			verr(v, d->line, d->col, "unknown département '%s'", d->s);
	}
	for (size_t i = 0; i < c->facettes.n; i++) {
		const struct sval *f = &c->facettes.v[i];
		size_t k;
		for (k = 0; k < 10 && strcmp(facets[k], f->s); k++)
			;
		if (k == 10) {
			const char *sug = str_suggest(f->s, facets, 10);
			if (sug)
				verr(v, f->line, f->col, "unknown facet '%s'; did you mean '%s'?", f->s, sug);
			else
				verr(v, f->line, f->col, "unknown facet '%s'", f->s);
		}
	}
}

static void check_ids(struct vctx *v)
{
	struct site *s = v->s;
	strmap_reserve(&s->org_by_id, s->org_by_id.n + s->n_organismes);
	for (size_t i = 0; i < s->n_organismes; i++) {
		struct organisme *o = s->organismes[i];
		if (!o->id.s)
			continue;
		struct organisme *prev = strmap_put(&s->org_by_id, o->id.s, o);
		if (prev) {
			v->file = o->file;
			verr(v, o->id.line, o->id.col, "organisation id '%s' is already used in %s:%u",
			    o->id.s, prev->file, prev->id.line);
		}
	}
	/* A SIRET names one establishment: two organisations with one are
	 * likely the same one entered twice (an import beside a hand-written
	 * file). A warning, not an error: editors may split an establishment's
	 * antennas, but LHÉO identifies an organisation by its SIRET, so an
	 * import of the export merges them. */
	struct strmap sirets = STRMAP_INIT;
	strmap_reserve(&sirets, s->n_organismes);
	for (size_t i = 0; i < s->n_organismes; i++) {
		struct organisme *o = s->organismes[i];
		if (!o->siret.s)
			continue;
		struct organisme *prev = strmap_put(&sirets, o->siret.s, o);
		if (prev) {
			v->file = o->file;
			vwarn(v, o->siret.line, o->siret.col, "SIRET %s of organisation '%s' is also that of '%s' "
			    "at %s:%u", o->siret.s, o->id.s ? o->id.s : "", prev->id.s ? prev->id.s : "",
			    prev->file, prev->siret.line);
		}
	}
	strmap_free(&sirets);
	for (size_t i = 0; i < s->n_cartographies; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->cartographies[i]->id.s, s->cartographies[j]->id.s) == 0) {
				v->file = s->cartographies[i]->file;
				verr(v, 1, 1, "cartography id '%s' is used twice", s->cartographies[i]->id.s);
			}
}

/* Folders where carto publishes its own pages: a page may not take them. */
static const char *const reserved[] = { "organismes", "annuaire", "referentiels",
	"cartographies", "recherche", "data", "pdf", "xlsx", "assets", "diaporamas" };

static void check_pages(struct vctx *v)
{
	struct site *s = v->s;
	for (size_t i = 0; i < s->n_pages; i++) {
		struct page *p = s->pages[i];
		size_t first = strcspn(p->slug, "/");
		for (size_t k = 0; k < sizeof(reserved) / sizeof(reserved[0]); k++)
			if (strlen(reserved[k]) == first && strncmp(p->slug, reserved[k], first) == 0) {
				v->file = p->file;
				verr(v, 1, 1, "slug '%s' is inside '%s/', where carto publishes its own pages: choose another slug",
				    p->slug, reserved[k]);
			}
		struct page *prev = strmap_put(&s->pages_by_slug, p->slug, p);
		if (prev) {
			v->file = p->file;
			verr(v, 1, 1, "slug '%s' is already used by %s", p->slug, prev->file);
		}
	}
}

/* The legal pages come from site.yaml's pages_legales unless the site writes
 * them: without either, they are published saying what is missing. */
static void check_legal(struct vctx *v)
{
	const struct site *s = v->s;
	if (!s->site_file)	/* site.yaml was not read: its own error says so */
		return;
	if (s->legal.present || (strmap_get(&s->pages_by_slug, "mentions-legales") &&
	    strmap_get(&s->pages_by_slug, "accessibilite")))
		return;
	v->file = s->site_file;
	vwarn(v, 1, 1, "no pages_legales block: the mentions légales and the déclaration d'accessibilité "
	    "are published without their éditeur, hébergeur and audit, and the site is declared "
	    "'non conforme' (README: Legal pages)");
}

/* Organisations are independent once ids are known: each is a job of the
 * pool, checked with its worker's diagnostics and arena (merged in worker
 * order afterwards). Below 1,000 organisations threads cost more than they
 * save. */
struct org_check {
	struct site *s;
	int today;
	const struct diags *loaded;
};

static int check_one(void *ctx, size_t i, struct pool_worker *w)
{
	struct org_check *oc = ctx;
	struct vctx v = { oc->s, &w->d, NULL, oc->today, &w->keep, oc->loaded };
	if (!oc->s->organismes[i]->remembered)	/* else checked when recorded */
		check_org(&v, oc->s->organismes[i]);
	return 0;
}

static void check_orgs(struct site *s, int today, int jobs, const struct diags *loaded, struct diags *d)
{
	struct org_check oc = { s, today, loaded };
	pool_run(s->n_organismes, s->n_organismes < 1000 ? 1 : jobs, check_one, &oc, d, &s->arena);
}

void validate_site(struct site *s, int today, int jobs, struct diags *d)
{
	validate_site_own(s, today, jobs, d, d);
}

void validate_site_own(struct site *s, int today, int jobs, struct diags *d, struct diags *own)
{
	struct vctx v = { s, d, NULL, today, &s->arena, d };
	if (!s->vocab.file)
		return;
	for (size_t i = 0; i < s->n_referentiels; i++)
		check_referentiel(&v, s->referentiels[i]);
	for (size_t i = 0; i < s->n_correspondances; i++)
		check_corr(&v, s->correspondances[i]);
	check_ids(&v);
	check_orgs(s, today, jobs, d, own);
	for (size_t i = 0; i < s->n_cartographies; i++)
		check_carto(&v, s->cartographies[i]);
	check_pages(&v);
	check_legal(&v);
}
