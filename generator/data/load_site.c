/*
 * Converters for the small files of a site: site.yaml, vocabularies,
 * référentiels, correspondences, cartographies and page front matter.
 * Organisations are in load_org.c, the territory in load_geo.c.
 */
#include <ctype.h>
#include <string.h>

#include "../base/civil.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/url.h"
#include "../base/utf8.h"
#include "../text/markdown.h"
#include "load.h"
#include "validate.h"

void load_unknown(struct rd *r, const struct ynode *at, const char *what,
    const char *val, const char *const *known, size_t n)
{
	const char *s = str_suggest(val, known, n);
	if (s)
		rd_error(r, at, "unknown %s '%s'; did you mean '%s'?", what, val, s);
	else
		rd_error(r, at, "unknown %s '%s'", what, val);
}

static void read_menus(struct rd *r, const struct ynode *m, struct site *s)
{
	s->menus = arena_alloc(r->a, m->n * sizeof(*s->menus));
	for (size_t i = 0; i < m->n; i++) {
		const struct ynode *seq = m->u.pairs[i].val;
		struct menu *menu = &s->menus[s->n_menus++];
		menu->name = arena_strdup(r->a, m->u.pairs[i].key->u.s);
		if (seq->kind != Y_SEQ) {
			rd_error(r, seq, "menu '%s' must be a list of {titre, url}", menu->name);
			continue;
		}
		menu->v = arena_alloc(r->a, seq->n * sizeof(*menu->v));
		for (size_t j = 0; j < seq->n; j++) {
			static const char *const k[] = { "titre", "url", NULL };
			const struct ynode *it = seq->u.items[j];
			if (it->kind != Y_MAP) {
				rd_error(r, it, "a menu entry must be a mapping {titre, url}");
				continue;
			}
			rd_keys(r, it, k);
			struct menu_item *mi = &menu->v[menu->n++];
			mi->titre = rd_text(r, it, "titre", REQ);
			struct sval u = rd_stext(r, it, "url", REQ);
			mi->url = u.s;
			mi->file = arena_strdup(r->a, r->file);
			mi->line = u.line;
			mi->col = u.col;
			if (u.s && !url_is_link(u.s))
				rd_error(r, ytree_get(it, "url"),
				    "menu url '%s' is refused: only http, https, mailto and tel links, or links inside the site",
				    u.s);
			else if (u.s && url_kind(u.s) == URL_RELATIVE && (strstr(u.s, "..") || u.s[0] == '/'))
				rd_error(r, ytree_get(it, "url"),
				    "menu url '%s' must be relative to the site (no '/' or '..')", u.s);
		}
	}
}

/* A contact of the legal pages: an e-mail address or an http(s) address. */
static const char *legal_contact(struct rd *r, const struct ynode *m, const char *key)
{
	const char *c = rd_text(r, m, key, OPT);
	if (!c)
		return NULL;
	int web = strncmp(c, "https://", 8) == 0 || strncmp(c, "http://", 7) == 0;
	const char *at = strchr(c, '@');
	if (!web && (!at || at == c || !strchr(at, '.') || strpbrk(c, " <>\"\t\n:/"))) {
		rd_error(r, ytree_get(m, key), "%s must be an e-mail address or an http(s) address", key);
		return NULL;
	}
	return c;
}

static void read_accessibility(struct rd *r, const struct ynode *m, struct legal *l)
{
	static const char *const keys[] = { "conformite", "referentiel", "date_audit", "audit_par",
		"perimetre", "taux", "non_conformites", "contact", NULL };
	static const char *const states[] = { "non", "partiellement", "totalement" };
	rd_keys(r, m, keys);
	struct sval c = rd_stext(r, m, "conformite", REQ);
	for (size_t i = 0; c.s && i < 3; i++)
		if (strcmp(c.s, states[i]) == 0)
			l->conformite = (enum conformite)i;
	if (c.s && strcmp(c.s, states[l->conformite]) != 0)
		rd_error(r, ytree_get(m, "conformite"),
		    "unknown conformite '%s': write non, partiellement or totalement", c.s);
	l->referentiel = rd_text(r, m, "referentiel", OPT);
	l->date_audit = rd_date(r, m, "date_audit", OPT);
	l->audit_par = rd_text(r, m, "audit_par", OPT);
	l->perimetre = rd_text(r, m, "perimetre", OPT);
	l->taux = rd_text(r, m, "taux", OPT);
	l->contact_accessibilite = legal_contact(r, m, "contact");
	const struct ynode *nc = rd_node(r, m, "non_conformites", Y_SEQ, OPT);
	if (nc) {
		l->non_conformites = arena_alloc(r->a, (nc->n + 1) * sizeof(char *));
		for (size_t i = 0; i < nc->n; i++) {
			const struct ynode *it = nc->u.items[i];
			if (it->kind != Y_SCALAR || ytree_is_null(it))
				rd_error(r, it, "a non-conformité is a sentence (text)");
			else
				l->non_conformites[l->n_non_conformites++] = rd_scalar(r, it);
		}
	}
	/* Contradictions of the law's states (RGAA, "Obligations"): a declared
	 * conformity rests on an audit, and "totalement" lists nothing wrong. */
	if (l->conformite != CONF_NON && !l->date_audit)
		rd_error(r, ytree_get(m, "conformite"),
		    "conformite '%s' needs the date_audit of the audit it rests on", states[l->conformite]);
	if (l->conformite == CONF_TOTALE && l->n_non_conformites)
		rd_error(r, nc, "conformite 'totalement' cannot list non_conformites");
}

static void read_legal(struct rd *r, const struct ynode *m, struct legal *l)
{
	static const char *const keys[] = { "editeur", "directeur_publication", "hebergeur",
		"contact", "accessibilite", NULL };
	rd_keys(r, m, keys);
	l->present = 1;
	l->line = m->line;
	l->col = m->col;
	l->editeur = rd_text(r, m, "editeur", REQ);
	l->directeur = rd_text(r, m, "directeur_publication", REQ);
	l->hebergeur = rd_text(r, m, "hebergeur", REQ);
	l->contact = legal_contact(r, m, "contact");
	const struct { const char *key, *value, *todo; } todo[] = {
		{ "editeur", l->editeur, VALIDATE_TODO_EDITEUR },
		{ "directeur_publication", l->directeur, VALIDATE_TODO_DIRECTEUR },
		{ "contact", l->contact, VALIDATE_TODO_CONTACT },
	};
	for (size_t i = 0; i < sizeof(todo) / sizeof(todo[0]); i++)
		if (todo[i].value && strcmp(todo[i].value, todo[i].todo) == 0)
			rd_warn(r, ytree_get(m, todo[i].key),
			    "%s '%s' is still the example written by carto init: replace it before publishing",
			    todo[i].key, todo[i].value);
	const struct ynode *a = rd_node(r, m, "accessibilite", Y_MAP, REQ);
	if (a)
		read_accessibility(r, a, l);
}

void site_read(struct rd *r, const struct ynode *n, struct site *s)
{
	static const char *const keys[] = { "titre", "base_url", "langue", "theme",
		"fraicheur_jours", "html_brut", "licence", "menus", "pages_legales", NULL };
	rd_keys(r, n, keys);
	s->site_file = arena_strdup(r->a, r->file);
	s->titre = rd_text(r, n, "titre", REQ);
	struct sval u = rd_stext(r, n, "base_url", REQ);
	s->base_url = u.s;
	const char *bad = u.s ? url_base_problem(u.s) : NULL;
	if (bad)
		rd_error(r, ytree_get(n, "base_url"), "base_url %s", bad);
	s->langue = rd_text(r, n, "langue", OPT);
	if (!s->langue)
		s->langue = "fr";
	struct sval th = rd_stext(r, n, "theme", OPT);
	s->theme = th.s ? th.s : "default";
	s->theme_line = th.s ? th.line : 1;
	s->theme_col = th.s ? th.col : 1;
	if (th.s && !is_slug(th.s))
		rd_error(r, ytree_get(n, "theme"), "theme '%s' must be a folder name: a-z, 0-9 and '-'", th.s);
	s->fraicheur_jours = rd_int(r, n, "fraicheur_jours", OPT, 1, 36500);
	if (s->fraicheur_jours < 0)
		s->fraicheur_jours = 365;
	s->html_brut = rd_bool(r, n, "html_brut", OPT) == TRI_TRUE;
	s->licence = rd_text(r, n, "licence", OPT);
	const struct ynode *m = rd_node(r, n, "menus", Y_MAP, OPT);
	if (m)
		read_menus(r, m, s);
	const struct ynode *lg = rd_node(r, n, "pages_legales", Y_MAP, OPT);
	if (lg)
		read_legal(r, lg, &s->legal);
}

/* ---- vocabularies ---- */

static void read_list(struct rd *r, const struct ynode *top, const char *name,
    struct vocab_list *l)
{
	l->name = name;
	const struct ynode *m = rd_node(r, top, name, Y_MAP, REQ);
	if (!m)
		return;
	l->v = arena_alloc(r->a, m->n * sizeof(*l->v));
	for (size_t i = 0; i < m->n; i++) {
		const struct ynode *k = m->u.pairs[i].key, *v = m->u.pairs[i].val;
		struct term *t = &l->v[l->n];
		t->code = rd_code_node(r, k).s;
		if (v->kind == Y_SCALAR && !ytree_is_null(v)) {
			t->libelle = rd_scalar(r, v);
		} else if (v->kind == Y_MAP) {
			static const char *const keys[] = { "libelle", "description", NULL };
			rd_keys(r, v, keys);
			t->libelle = rd_text(r, v, "libelle", REQ);
			t->description = rd_markdown(r, v, "description", OPT, NULL);
		} else {
			rd_error(r, v, "'%s' in %s needs a label", k->u.s, name);
			continue;
		}
		if (!t->libelle)
			continue;
		strmap_put(&l->by_code, t->code, t);
		l->n++;
	}
}

static void read_scale(struct rd *r, const struct ynode *n, struct scale *sc)
{
	const struct ynode *lv = rd_node(r, n, "niveaux", Y_SEQ, REQ);
	if (!lv)
		return;
	sc->v = arena_alloc(r->a, lv->n * sizeof(*sc->v));
	int last = -1;
	for (size_t i = 0; i < lv->n; i++) {
		static const char *const k[] = { "code", "titre", "rang", NULL };
		const struct ynode *x = lv->u.items[i];
		if (x->kind != Y_MAP) {
			rd_error(r, x, "a level must be a mapping {code, titre, rang}");
			continue;
		}
		rd_keys(r, x, k);
		struct level *l = &sc->v[sc->n];
		l->code = rd_code(r, x, "code", REQ).s;
		l->titre = rd_text(r, x, "titre", REQ);
		l->rang = (int)rd_int(r, x, "rang", REQ, 0, 100000);
		if (!l->code)
			continue;
		for (size_t j = 0; j < sc->n; j++)
			if (strcmp(sc->v[j].code, l->code) == 0)
				rd_error(r, ytree_get(x, "code"), "level '%s' appears twice in scale '%s'",
				    l->code, sc->id ? sc->id : "");
		if (l->rang >= 0 && l->rang <= last)
			rd_error(r, ytree_get(x, "rang"), "levels must be listed in increasing rang");
		if (l->rang >= 0)
			last = l->rang;
		sc->n++;
	}
}

static const struct scale *scale_named(const struct vocab *v, const char *id)
{
	for (size_t i = 0; id && i < v->n_echelles; i++)
		if (strcmp(v->echelles[i].id, id) == 0)
			return &v->echelles[i];
	return NULL;
}

/* A scale's id at key of map, or NULL with an error when it names no scale
 * of the vocabularies. */
static const struct scale *scale_at(struct rd *r, const struct vocab *v, const struct ynode *map,
    const char *key)
{
	struct sval id = rd_code(r, map, key, REQ);
	const struct scale *sc = scale_named(v, id.s);
	if (id.s && !sc)
		rd_error(r, ytree_get(map, key), "'%s' is not a scale of echelles", id.s);
	return sc;
}

/* A level's code at key of map, or NULL with an error when sc lacks it. */
static const char *level_at(struct rd *r, const struct scale *sc, const struct ynode *map,
    const char *key)
{
	struct sval c = rd_code(r, map, key, REQ);
	for (size_t i = 0; c.s && i < sc->n; i++)
		if (strcmp(sc->v[i].code, c.s) == 0)
			return sc->v[i].code;
	if (c.s)
		rd_error(r, ytree_get(map, key), "level '%s' is not in scale '%s'", c.s, sc->id);
	return NULL;
}

/* correspondances_echelles: a list of { de, vers, source, niveaux: [{ de,
 * vers }] } between two scales of echelles (docs/format-notes.md). */
static void read_scale_corrs(struct rd *r, const struct ynode *n, struct vocab *v)
{
	const struct ynode *e = rd_node(r, n, "correspondances_echelles", Y_SEQ, OPT);
	if (!e)
		return;
	v->corr = arena_alloc(r->a, (e->n + 1) * sizeof(*v->corr));
	for (size_t i = 0; i < e->n; i++) {
		static const char *const k[] = { "de", "vers", "source", "niveaux", NULL };
		const struct ynode *x = e->u.items[i];
		if (x->kind != Y_MAP) {
			rd_error(r, x, "a correspondence between scales must be a mapping {de, vers, source, niveaux}");
			continue;
		}
		rd_keys(r, x, k);
		const struct scale *de = scale_at(r, v, x, "de"), *vers = scale_at(r, v, x, "vers");
		const char *source = rd_text(r, x, "source", REQ);
		const struct ynode *lv = rd_node(r, x, "niveaux", Y_SEQ, REQ);
		if (de && de == vers)
			rd_error(r, ytree_get(x, "vers"), "a correspondence joins two different scales, not '%s' to itself", de->id);
		if (!de || !vers || de == vers || !lv)
			continue;
		struct scale_corr *c = &v->corr[v->n_corr++];
		*c = (struct scale_corr){ de->id, vers->id, source, arena_alloc(r->a, (lv->n + 1) * sizeof(*c->v)), 0 };
		for (size_t j = 0; j < lv->n; j++) {
			static const char *const kp[] = { "de", "vers", NULL };
			const struct ynode *y = lv->u.items[j];
			if (y->kind != Y_MAP) {
				rd_error(r, y, "a pair of levels must be a mapping {de, vers}");
				continue;
			}
			rd_keys(r, y, kp);
			const char *a = level_at(r, de, y, "de"), *b = level_at(r, vers, y, "vers");
			if (a && b)
				c->v[c->n++] = (struct scale_pair){ a, b };
		}
	}
}

void vocab_read(struct rd *r, const struct ynode *n, struct vocab *v)
{
	static const char *const keys[] = { "types_offre", "parcours", "publics",
		"financeurs", "echelles", "natures", "labels", "correspondances_echelles", NULL };
	v->file = r->file;
	rd_keys(r, n, keys);
	read_list(r, n, "types_offre", &v->types_offre);
	read_list(r, n, "parcours", &v->parcours);
	read_list(r, n, "publics", &v->publics);
	read_list(r, n, "financeurs", &v->financeurs);
	read_list(r, n, "natures", &v->natures);
	read_list(r, n, "labels", &v->labels);
	const struct ynode *e = rd_node(r, n, "echelles", Y_MAP, REQ);
	if (!e)
		return;
	v->echelles = arena_alloc(r->a, e->n * sizeof(*v->echelles));
	for (size_t i = 0; i < e->n; i++) {
		static const char *const k[] = { "titre", "niveaux", NULL };
		const struct ynode *x = e->u.pairs[i].val;
		struct scale *sc = &v->echelles[v->n_echelles];
		sc->id = arena_strdup(r->a, e->u.pairs[i].key->u.s);
		if (x->kind != Y_MAP) {
			rd_error(r, x, "scale '%s' must be a mapping {titre, niveaux}", sc->id);
			continue;
		}
		rd_keys(r, x, k);
		sc->titre = rd_text(r, x, "titre", OPT);
		read_scale(r, x, sc);
		v->n_echelles++;
	}
	read_scale_corrs(r, n, v);
}

/* ---- référentiels ---- */

/* An http(s) address, or NULL with an error. */
static const char *read_url(struct rd *r, const struct ynode *map, const char *key)
{
	const char *u = rd_text(r, map, key, OPT);
	if (u && !url_is_web(u)) {
		rd_error(r, ytree_get(map, key), "%s must be an http:// or https:// address, not '%.60s'", key, u);
		return NULL;
	}
	return u;
}

static void add_code(struct rd *r, struct referentiel *ref, struct ref_entry *e,
    const struct ynode *at)
{
	if (!e->code)
		return;
	struct ref_entry *prev = strmap_get(&ref->by_code, e->code);
	if (prev)
		rd_error(r, at, "code '%s' appears twice in référentiel '%s' (first at line %u)",
		    e->code, ref->id ? ref->id : "", prev->line);
	else
		strmap_put(&ref->by_code, e->code, e);
}

static void read_entry(struct rd *r, struct referentiel *ref,
    const struct ynode *n, struct ref_entry *e, enum entry_kind kind);

static void read_children(struct rd *r, struct referentiel *ref,
    const struct ynode *n, struct ref_entry *e, const char *key,
    enum entry_kind kind)
{
	const struct ynode *seq = rd_node(r, n, key, Y_SEQ, kind == ENTRY_COMPETENCE);
	if (!seq)
		return;
	e->children = arena_alloc(r->a, seq->n * sizeof(*e->children));
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *x = seq->u.items[i];
		if (x->kind != Y_MAP) {
			rd_error(r, x, "each entry of '%s' must be a mapping", key);
			continue;
		}
		struct ref_entry *c = &e->children[e->n_children++];
		c->parent = e;
		read_entry(r, ref, x, c, kind);
	}
}

static void read_entry(struct rd *r, struct referentiel *ref,
    const struct ynode *n, struct ref_entry *e, enum entry_kind kind)
{
	static const char *const dk[] = { "code", "titre", "description", "competences", NULL };
	static const char *const ck[] = { "code", "titre", "description", "criteres", NULL };
	static const char *const tk[] = { "code", "libelle", "niveau", NULL };
	e->kind = kind;
	e->line = n->line;
	e->col = n->col;
	rd_keys(r, n, kind == ENTRY_DOMAINE ? dk : kind == ENTRY_COMPETENCE ? ck : tk);
	e->code = rd_code(r, n, "code", REQ).s;
	add_code(r, ref, e, ytree_get(n, "code") ? ytree_get(n, "code") : n);
	if (kind == ENTRY_CRITERE) {
		e->titre = rd_text(r, n, "libelle", REQ);
		e->niveau = rd_code(r, n, "niveau", OPT);
		ref->n_criteres++;
		return;
	}
	e->titre = rd_text(r, n, "titre", REQ);
	e->description = rd_markdown(r, n, "description", OPT, &e->description_at);
	if (kind == ENTRY_DOMAINE)
		read_children(r, ref, n, e, "competences", ENTRY_COMPETENCE);
	else {
		ref->n_competences++;
		read_children(r, ref, n, e, "criteres", ENTRY_CRITERE);
	}
}

static void read_ref_scale(struct rd *r, const struct ynode *n, struct referentiel *ref)
{
	static const char *const k[] = { "id", "titre", "niveaux", NULL };
	const struct ynode *e = rd_node(r, n, "echelle", Y_MAP, OPT);
	if (!e)
		return;
	rd_keys(r, e, k);
	ref->echelle.id = rd_code(r, e, "id", REQ).s;
	ref->echelle.titre = rd_text(r, e, "titre", OPT);
	read_scale(r, e, &ref->echelle);
}

static void read_libelles(struct rd *r, const struct ynode *n, struct referentiel *ref)
{
	static const char *const k[] = { "domaine", "competence", "critere", NULL };
	const struct ynode *l = rd_node(r, n, "libelles", Y_MAP, OPT);
	if (l)
		rd_keys(r, l, k);
	ref->lib_domaine = l ? rd_text(r, l, "domaine", OPT) : NULL;
	ref->lib_competence = l ? rd_text(r, l, "competence", OPT) : NULL;
	ref->lib_critere = l ? rd_text(r, l, "critere", OPT) : NULL;
	if (!ref->lib_domaine)
		ref->lib_domaine = "Domaine";
	if (!ref->lib_competence)
		ref->lib_competence = "Compétence";
	if (!ref->lib_critere)
		ref->lib_critere = "Critère";
}

struct referentiel *referentiel_read(struct rd *r, const struct ynode *top,
    const char *stem)
{
	static const char *const tk[] = { "referentiel", NULL };
	static const char *const k[] = { "id", "titre", "titre_court", "version",
		"editeur", "source_url", "libelles", "echelle", "domaines", NULL };
	rd_keys(r, top, tk);
	const struct ynode *n = rd_node(r, top, "referentiel", Y_MAP, REQ);
	if (!n)
		return NULL;
	struct referentiel *ref = arena_alloc(r->a, sizeof(*ref));
	ref->file = r->file;
	rd_keys(r, n, k);
	struct sval id = rd_code(r, n, "id", REQ);
	ref->id = id.s ? id.s : stem;
	if (id.s && strcmp(id.s, stem) != 0)
		rd_error(r, ytree_get(n, "id"), "référentiel id '%s' must equal the file name '%s'",
		    id.s, stem);
	else if (id.s && !is_slug(id.s))
		rd_error(r, ytree_get(n, "id"), "référentiel id '%s' must be a slug: a-z, 0-9 and '-'", id.s);
	else if (id.s)
		rd_slug_fits(r, ytree_get(n, "id"), "référentiel id", id.s);
	ref->titre = rd_text(r, n, "titre", REQ);
	ref->titre_court = rd_text(r, n, "titre_court", OPT);
	if (!ref->titre_court)
		ref->titre_court = ref->titre;
	ref->version = rd_code(r, n, "version", OPT).s;
	ref->editeur = rd_text(r, n, "editeur", OPT);
	ref->source_url = read_url(r, n, "source_url");
	read_libelles(r, n, ref);
	read_ref_scale(r, n, ref);
	const struct ynode *dom = rd_node(r, n, "domaines", Y_SEQ, REQ);
	if (!dom)
		return ref;
	ref->domaines = arena_alloc(r->a, dom->n * sizeof(*ref->domaines));
	for (size_t i = 0; i < dom->n; i++) {
		if (dom->u.items[i]->kind != Y_MAP) {
			rd_error(r, dom->u.items[i], "a domain must be a mapping");
			continue;
		}
		read_entry(r, ref, dom->u.items[i], &ref->domaines[ref->n_domaines++],
		    ENTRY_DOMAINE);
	}
	return ref;
}

/* ---- correspondences ---- */

static void read_side(struct rd *r, const struct ynode *n, const char *key,
    struct sval *ref, struct sval *version)
{
	static const char *const k[] = { "referentiel", "version", NULL };
	const struct ynode *x = rd_node(r, n, key, Y_MAP, REQ);
	if (!x)
		return;
	rd_keys(r, x, k);
	*ref = rd_code(r, x, "referentiel", REQ);
	*version = rd_code(r, x, "version", OPT);
}

static void read_link(struct rd *r, const struct ynode *x, struct corr_link *l)
{
	static const char *const k[] = { "de", "vers", "niveau_de", "type", "note", NULL };
	static const char *const types[] = { "equivalente", "partielle", "contribue" };
	rd_keys(r, x, k);
	l->line = x->line;
	l->col = x->col;
	l->de = rd_code(r, x, "de", REQ);
	const struct ynode *v = ytree_get(x, "vers");
	if (v && v->kind == Y_SCALAR && !ytree_is_null(v)) {
		l->vers.v = arena_alloc(r->a, sizeof(*l->vers.v));
		l->vers.v[0] = rd_code_node(r, v);
		l->vers.n = 1;
	} else
		l->vers = rd_codes(r, x, "vers", REQ);
	l->niveau_de = rd_code(r, x, "niveau_de", OPT);
	struct sval t = rd_stext(r, x, "type", REQ);
	l->type = CORR_CONTRIBUE;
	if (t.s) {
		size_t i;
		for (i = 0; i < 3 && strcmp(types[i], t.s) != 0; i++)
			;
		if (i < 3)
			l->type = (enum corr_type)i;
		else
			load_unknown(r, ytree_get(x, "type"), "correspondence type", t.s, types, 3);
	}
	l->note = rd_markdown(r, x, "note", OPT, &l->note_at);
}

struct correspondance *corr_read(struct rd *r, const struct ynode *top,
    const char *stem)
{
	static const char *const tk[] = { "correspondance", NULL };
	static const char *const k[] = { "de", "vers", "source", "liens", NULL };
	rd_keys(r, top, tk);
	const struct ynode *n = rd_node(r, top, "correspondance", Y_MAP, REQ);
	if (!n)
		return NULL;
	struct correspondance *c = arena_alloc(r->a, sizeof(*c));
	c->file = r->file;
	rd_keys(r, n, k);
	read_side(r, n, "de", &c->de_ref, &c->de_version);
	read_side(r, n, "vers", &c->vers_ref, &c->vers_version);
	const char *sep = strstr(stem, "__");
	if (!sep)
		rd_error(r, n, "a correspondence file is named <de>__<vers>.yaml, not '%s.yaml'", stem);
	else if (c->de_ref.s && c->vers_ref.s &&
	    (strlen(c->de_ref.s) != (size_t)(sep - stem) ||
		strncmp(stem, c->de_ref.s, (size_t)(sep - stem)) != 0 ||
		strcmp(sep + 2, c->vers_ref.s) != 0))
		rd_error(r, n, "file name '%s' does not match de '%s' and vers '%s' (expected %s__%s.yaml)",
		    stem, c->de_ref.s, c->vers_ref.s, c->de_ref.s, c->vers_ref.s);
	c->source = rd_text(r, n, "source", REQ);
	const struct ynode *l = rd_node(r, n, "liens", Y_SEQ, REQ);
	if (!l)
		return c;
	c->liens = arena_alloc(r->a, l->n * sizeof(*c->liens));
	for (size_t i = 0; i < l->n; i++) {
		if (l->u.items[i]->kind != Y_MAP) {
			rd_error(r, l->u.items[i], "a link must be a mapping {de, vers, type}");
			continue;
		}
		read_link(r, l->u.items[i], &c->liens[c->n_liens++]);
	}
	return c;
}

/* ---- cartographies ---- */

struct cartographie *carto_read(struct rd *r, const struct ynode *top,
    const char *stem)
{
	static const char *const tk[] = { "cartographie", NULL };
	static const char *const k[] = { "id", "titre", "introduction", "selection",
		"facettes", "par_departement", NULL };
	static const char *const sk[] = { "types", "parcours", "publics", "departements", NULL };
	rd_keys(r, top, tk);
	const struct ynode *n = rd_node(r, top, "cartographie", Y_MAP, REQ);
	if (!n)
		return NULL;
	struct cartographie *c = arena_alloc(r->a, sizeof(*c));
	c->file = r->file;
	rd_keys(r, n, k);
	c->id = rd_code(r, n, "id", REQ);
	if (c->id.s && strcmp(c->id.s, stem) != 0)
		rd_error(r, ytree_get(n, "id"), "cartography id '%s' must equal the file name '%s'",
		    c->id.s, stem);
	else if (c->id.s && !is_slug(c->id.s))
		rd_error(r, ytree_get(n, "id"), "cartography id '%s' must be a slug: a-z, 0-9 and '-'", c->id.s);
	else if (c->id.s)
		rd_slug_fits(r, ytree_get(n, "id"), "cartography id", c->id.s);
	if (!c->id.s)
		c->id.s = stem;
	c->titre = rd_text(r, n, "titre", REQ);
	c->introduction = rd_markdown(r, n, "introduction", OPT, &c->introduction_at);
	const struct ynode *s = rd_node(r, n, "selection", Y_MAP, OPT);
	if (s) {
		rd_keys(r, s, sk);
		c->sel_types = rd_codes(r, s, "types", OPT);
		c->sel_parcours = rd_codes(r, s, "parcours", OPT);
		c->sel_publics = rd_codes(r, s, "publics", OPT);
		c->sel_departements = rd_codes(r, s, "departements", OPT);
	}
	c->facettes = rd_codes(r, n, "facettes", OPT);
	c->par_departement = rd_bool(r, n, "par_departement", OPT) == TRI_TRUE;
	return c;
}

/* ---- pages ---- */

/* Finds the front matter: returns the offset of its YAML text and sets *end
 * to the offset of the closing '---' line and *body to the body's start. */
static int split_front(const char *t, size_t len, size_t *yaml, size_t *end,
    size_t *body, uint32_t *body_line)
{
	size_t p = 0;
	if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
		p = 3;
	if (len - p < 4 || memcmp(t + p, "---", 3) != 0 || (t[p + 3] != '\n' && t[p + 3] != '\r'))
		return -1;
	p += 3;
	while (p < len && t[p] != '\n')
		p++;
	*yaml = ++p;
	uint32_t line = 2;
	while (p < len) {
		size_t e = p;
		while (e < len && t[e] != '\n')
			e++;
		size_t l = e - p;
		if (l && t[p + l - 1] == '\r')
			l--;
		if ((l == 3 && (memcmp(t + p, "---", 3) == 0 || memcmp(t + p, "...", 3) == 0))) {
			*end = p;
			*body = e < len ? e + 1 : e;
			*body_line = line + 1;
			return 0;
		}
		p = e + 1;
		line++;
	}
	return -1;
}

/* Slug from the file path: "a/b.md" -> "a/b", "index.md" -> "". */
static char *path_slug(struct arena *a, const char *rel)
{
	const char *prefix = "content/pages/";
	const char *p = strncmp(rel, prefix, strlen(prefix)) == 0 ? rel + strlen(prefix) : rel;
	size_t n = strlen(p);
	if (n > 3 && strcmp(p + n - 3, ".md") == 0)
		n -= 3;
	char *s = arena_strndup(a, p, n);
	size_t sl = strlen(s);
	if (strcmp(s, "index") == 0)
		s[0] = '\0';
	else if (sl > 6 && strcmp(s + sl - 6, "/index") == 0)
		s[sl - 6] = '\0';
	return s;
}

/* Returns 1 when every '/'-separated segment of s is a slug ("" is the home). */
static int is_path_slug(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "/");
		if (!is_slug_n(s, n))
			return 0;
		s += n;
		if (*s == '/' && !*++s)
			return 0;
	}
	return 1;
}


static void read_speakers(struct rd *r, const struct ynode *l, struct page *pg)
{
	pg->web_intervenants = arena_alloc(r->a, (l->n + 1) * sizeof(*pg->web_intervenants));
	for (size_t i = 0; i < l->n; i++) {
		const struct ynode *it = l->u.items[i];
		struct speaker *sp = &pg->web_intervenants[pg->n_web_intervenants];
		if (it->kind == Y_SCALAR) {
			sp->nom = it->u.s;
		} else if (it->kind == Y_MAP) {
			static const char *const k[] = { "nom", "role", NULL };
			rd_keys(r, it, k);
			sp->nom = rd_text(r, it, "nom", REQ);
			sp->role = rd_text(r, it, "role", OPT);
		} else {
			rd_error(r, it, "a speaker is a name, or { nom, role }");
			continue;
		}
		if (sp->nom && *sp->nom)
			pg->n_web_intervenants++;
	}
}

static void read_webinar(struct rd *r, const struct ynode *w, struct page *pg)
{
	static const char *const wk[] = { "date", "heure", "duree_min", "inscription_url", "replay_url",
		"lieu", "intervenants", NULL };
	rd_keys(r, w, wk);
	pg->web_date = rd_date(r, w, "date", REQ);
	pg->web_heure = rd_text(r, w, "heure", OPT);
	pg->web_debut = -1;
	if (pg->web_heure) {
		const char *h = pg->web_heure;
		int ok = strlen(h) == 5 && h[2] == ':' && isdigit((unsigned char)h[0]) && isdigit((unsigned char)h[1])
		    && isdigit((unsigned char)h[3]) && isdigit((unsigned char)h[4]);
		int hh = ok ? (h[0] - '0') * 10 + h[1] - '0' : 0, mm = ok ? (h[3] - '0') * 10 + h[4] - '0' : 0;
		if (!ok || hh > 23 || mm > 59)
			rd_error(r, ytree_get(w, "heure"), "heure must be a time as \"HH:MM\" (24 h), not '%s'", h);
		else
			pg->web_debut = hh * 60 + mm;
		enum civil_local_kind kind = CIVIL_ONCE;
		if (pg->web_debut >= 0 && pg->web_date > 0)
			civil_paris_instant(pg->web_date, pg->web_debut, &kind);
		if (kind == CIVIL_SKIPPED)
			rd_warn(r, ytree_get(w, "heure"), "%s does not exist in Paris that day (clocks go "
			    "from 02:00 to 03:00): the webinar is announced at %02d:%s", h, hh + 1, h + 3);
		else if (kind == CIVIL_TWICE)
			rd_warn(r, ytree_get(w, "heure"), "%s happens twice in Paris that day (clocks go "
			    "back from 03:00 to 02:00): the webinar is announced at the first, in summer time", h);
	}
	pg->web_duree = rd_int(r, w, "duree_min", OPT, 1, 1440);
	if (pg->web_duree < 0)
		pg->web_duree = 60;
	pg->web_inscription = read_url(r, w, "inscription_url");
	pg->web_replay = read_url(r, w, "replay_url");
	pg->web_lieu = rd_text(r, w, "lieu", OPT);
	const struct ynode *l = rd_node(r, w, "intervenants", Y_SEQ, OPT);
	if (l)
		read_speakers(r, l, pg);
}

static void read_front(struct rd *r, const struct ynode *n, struct page *pg)
{
	static const char *const k[] = { "titre", "slug", "type", "date", "resume",
		"menu", "brouillon", "webinaire", NULL };
	static const char *const types[] = { "page", "article", "webinaire", "diaporama" };
	rd_keys(r, n, k);
	pg->titre = rd_text(r, n, "titre", REQ);
	struct sval slug = rd_stext(r, n, "slug", OPT);
	if (slug.s) {
		if (!is_path_slug(slug.s))
			rd_error(r, ytree_get(n, "slug"),
			    "slug '%s' must be made of a-z, 0-9 and '-', in segments joined by '/'", slug.s);
		else
			pg->slug = slug.s;
	}
	struct sval t = rd_stext(r, n, "type", OPT);
	if (t.s) {
		size_t i;
		for (i = 0; i < 4 && strcmp(types[i], t.s) != 0; i++)
			;
		if (i < 4)
			pg->type = (enum page_type)i;
		else
			load_unknown(r, ytree_get(n, "type"), "page type", t.s, types, 4);
	}
	pg->date = rd_date(r, n, "date", pg->type == PAGE_ARTICLE);
	pg->resume = rd_text(r, n, "resume", OPT);
	const struct ynode *m = rd_node(r, n, "menu", Y_MAP, OPT);
	if (m) {
		static const char *const mk[] = { "parent", "ordre", NULL };
		rd_keys(r, m, mk);
		pg->menu_parent = rd_code(r, m, "parent", OPT).s;
		pg->menu_ordre = rd_int(r, m, "ordre", OPT, 0, 100000);
	}
	pg->brouillon = rd_bool(r, n, "brouillon", OPT) == TRI_TRUE;
	const struct ynode *w = rd_node(r, n, "webinaire", Y_MAP, pg->type == PAGE_WEBINAIRE);
	if (w)
		read_webinar(r, w, pg);
}

/* Control characters in a page's text (other than tab and line breaks) and
 * noncharacters have no place in HTML or XML: they are left out of the body
 * (of len bytes, valid UTF-8), with a warning at the first. */
static void drop_controls(struct rd *r, char *body, size_t len, uint32_t line)
{
	size_t k = 0;
	uint32_t col = 1;
	int warned = 0;
	for (size_t i = 0; i < len;) {
		if ((unsigned char)body[i] >= 0x20 && (unsigned char)body[i] < 0x7F) {
			body[k++] = body[i++];	/* printable ASCII, most of a text */
			col++;
			continue;
		}
		uint32_t cp = 0;
		char c = body[i];
		size_t n = c ? utf8_decode(body + i, &cp) : 1;
		n = n ? n : 1;
		if (utf8_is_text(cp)) {
			memmove(body + k, body + i, n);
			k += n;
		} else if (!warned++)
			diag_add(r->d, r->file, line, col, DIAG_WARNING,
			    "U+%04X, a control character, in the text: the web pages, the feed and the "
			    "documents leave it out", (unsigned)cp);
		if (c == '\n') {
			line++;
			col = 1;
		} else
			col++;
		i += n;
	}
	body[k] = '\0';
}

/* A slug becomes folders of --out, and a deck's PDFs take the whole slug,
 * its folders joined by '-', as one file name: refuses what the file system
 * could not hold, at the slug (at) or, for a slug from the file name, at 1:1. */
static void check_slug_length(struct rd *r, const struct ynode *at, const struct page *pg)
{
	const char *bad = slug_length_problem(pg->slug);
	if (!bad && pg->type == PAGE_DIAPORAMA && strlen(pg->slug) > SLUG_SEGMENT_MAX)
		bad = "is too long to name the deck's PDF (its folders joined by '-'): at most "
		    XSTR(SLUG_SEGMENT_MAX) " bytes";
	if (!bad)
		return;
	if (at)
		rd_error(r, at, "slug '%.40s…' (%zu bytes) %s", pg->slug, strlen(pg->slug), bad);
	else
		diag_add(r->d, r->file, 1, 1, DIAG_ERROR,
		    "the file name gives the slug '%.40s…' (%zu bytes), which %s: rename the file or set 'slug'",
		    pg->slug, strlen(pg->slug), bad);
}

struct page *page_read(struct rd *r, struct arena *tree, const char *text,
    size_t len, const char *relpath)
{
	size_t yaml = 0, end = 0, body = 0;
	uint32_t body_line = 1;
	struct page *pg = arena_alloc(r->a, sizeof(*pg));
	pg->file = r->file;
	size_t bad = utf8_check(text, len);
	if (bad < len) {
		uint32_t line = 1, col = 1;
		for (size_t i = 0; i < bad; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)text[i] & 0xC0) != 0x80)
				col++;
		}
		diag_add(r->d, r->file, line, col, DIAG_ERROR,
		    "invalid UTF-8 (byte 0x%02X): save the file as UTF-8", (unsigned char)text[bad]);
		return NULL;
	}
	if (split_front(text, len, &yaml, &end, &body, &body_line) < 0) {
		diag_add(r->d, r->file, 1, 1, DIAG_ERROR,
		    "a page starts with a front matter block between '---' lines (titre is required)");
		return NULL;
	}
	int failed = 0;
	struct ynode *n = ytree_load(text + yaml, end - yaml, r->file, 1, tree, r->d, &failed);
	if (failed)
		return NULL;
	if (!n || n->kind != Y_MAP) {
		diag_add(r->d, r->file, 2, 1, DIAG_ERROR, "the front matter must be a mapping (titre: …)");
		return NULL;
	}
	pg->menu_ordre = -1;
	read_front(r, n, pg);
	int from_file = !pg->slug;
	if (from_file) {
		pg->slug = path_slug(r->a, relpath);
		if (!is_path_slug(pg->slug))
			diag_add(r->d, r->file, 1, 1, DIAG_ERROR,
			    "the file name gives the slug '%s', which is not a-z, 0-9 and '-': rename the file or set 'slug'",
			    pg->slug);
	}
	check_slug_length(r, from_file ? NULL : ytree_get(n, "slug"), pg);
	pg->body = arena_strndup(r->a, text + body, len - body);
	pg->body_line = body_line;
	drop_controls(r, (char *)pg->body, len - body, body_line);
	pg->doc = md_parse(pg->body);	/* here, on the loader's threads */
	return pg;
}
