/*
 * carto import lheo, one formation: each of its actions becomes an offer of the
 * organisation of its SIRET, rendered as YAML into records (lheo_imp.h) that
 * lheo.c sorts and writes.
 */
#define _DEFAULT_SOURCE

#include <stdlib.h>
#include <string.h>

#include "lheo_imp.h"

/* ---- offers ---- */

void lheo_skip_count(struct imp *im, enum skip why, uint32_t line)
{
	size_t k = im->skipped[why]++;
	if (k < SKIP_LINES)
		im->skip_lines[why][k] = line;
}

const char *lheo_ex(struct imp *im, const struct lheo_node *n, const char *key)
{
	if (n != im->ex_of) {	/* looked up once per element: many keys are asked */
		im->ex_of = n;
		im->ex_node = NULL;
		for (const struct lheo_node *e = lheo_node_child(n, "extras"); e && !im->ex_node;
		    e = lheo_node_next(e, "extras")) {
			const char *info = lheo_node_attr(e, "info");
			if (info && !strcmp(info, "carto"))
				im->ex_node = e;
		}
	}
	for (const struct lheo_node *e = im->ex_node; e; e = NULL) {
		for (const struct lheo_node *x = lheo_node_child(e, "extra"); x; x = lheo_node_next(x, "extra")) {
			const char *k = lheo_node_attr(x, "info");
			if (k && !strcmp(k, key)) {
				buf_reset(&im->tt);
				lheo_node_raw(x, &im->tt);
				return arena_strdup(&im->fa, im->tt.data);
			}
		}
	}
	return NULL;
}

/* The space-separated codes of an extra that are in list l (others warned
 * and left out). */
static size_t ex_codes(struct imp *im, const char *s, const struct vocab_list *l, const char **out,
    size_t max, uint32_t line)
{
	size_t n = 0;
	char *copy = arena_strdup(&im->fa, s), *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strmap_get(&l->by_code, t))
			lheo_warn(im, line, "%s code '%s' of the carto extras is not in the site's lists: left out",
			    l->name, t);
		else if (n < max)
			out[n++] = t;
	}
	return n;
}

/* A number of the carto extras ("" or absent: none) within [lo, hi]. */
static int ex_number(struct imp *im, const struct lheo_node *a, const char *key, double lo, double hi,
    double *out)
{
	const char *v = lheo_ex(im, a, key);
	char *end;
	if (!v || !*v)
		return 0;
	*out = strtod(v, &end);
	if (*end || *out < lo || *out > hi) {
		lheo_warn(im, lheo_node_line(a), "%s '%s' of the carto extras is not a number in range: left out", key, v);
		return 0;
	}
	return 1;
}

/* Opening hours of the carto extras (OpenStreetMap syntax, data/hours.h):
 * NULL when absent, empty or wrong (warned). */
static const char *ex_hours(struct imp *im, const struct lheo_node *n, const char *key)
{
	const char *v = lheo_ex(im, n, key);
	struct hours hh;
	const char *err;
	size_t at;
	if (!v || !*v)
		return NULL;
	if (hours_parse(v, &hh, &err, &at) == 0)
		return v;
	lheo_warn(im, lheo_node_line(n), "%s '%s' of the carto extras: %s: left out", key, v, err);
	return NULL;
}

/* A yes/no of the carto extras: "1", "0", or "" (unknown). */
static const char *ex_bool(struct imp *im, const struct lheo_node *a, const char *key)
{
	const char *v = lheo_ex(im, a, key);
	return !v ? NULL : !strcmp(v, "1") ? "true" : !strcmp(v, "0") ? "false" : NULL;
}

/* The offer types of the formation's Formacodes, in the table's order of
 * appearance; the codes themselves into formacodes. */
static size_t types_of(struct imp *im, const struct lheo_node *f, const char **types, size_t max,
    struct buf *formacodes)
{
	size_t n = 0;
	const struct lheo_node *dom = lheo_node_child(f, "domaine-formation");
	for (const struct lheo_node *c = lheo_node_child(dom, "code-FORMACODE"); c;
	    c = lheo_node_next(c, "code-FORMACODE")) {
		struct buf *t = &im->tt;
		buf_reset(t);
		lheo_node_text(c, t);
		if (lheo_is_digits(t->data, 5)) {
			lheo_cat(formacodes, formacodes->len ? ", \"" : "\"", t->data, "\"", NULL);
			const struct lheo_codes *m = strmap_get(&im->map->types, t->data);
			for (size_t i = 0; m && i < m->n; i++) {
				size_t j = 0;
				while (j < n && strcmp(types[j], m->v[i]))
					j++;
				if (j == n && n < max)
					types[n++] = m->v[i];
			}
		}
	}
	return n;
}

static void write_codes(struct buf *y, const char *key, const char **v, size_t n, int quoted)
{
	lheo_cat(y, key, ": [", NULL);
	for (size_t i = 0; i < n; i++)
		lheo_cat(y, i ? ", " : "", quoted ? "\"" : "", v[i], quoted ? "\"" : "", NULL);
	buf_putc(y, ']');
}

static void write_public(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	const char *codes[16];
	size_t n = 0;
	const char *xp = lheo_ex(im, a, "publics");
	if (xp)
		n = ex_codes(im, xp, &im->map->vocab.publics, codes, 16, lheo_node_line(a));
	for (const struct lheo_node *c = xp ? NULL : lheo_node_child(a, "code-public-vise"); c;
	    c = lheo_node_next(c, "code-public-vise")) {
		buf_reset(&im->tt);
		lheo_node_text(c, &im->tt);
		const struct lheo_codes *m = strmap_get(&im->map->publics, im->tt.data);
		for (size_t i = 0; m && i < m->n; i++) {
			size_t j = 0;
			while (j < n && strcmp(codes[j], m->v[i]))
				j++;
			if (j == n && n < 16)
				codes[n++] = m->v[i];
		}
	}
	const char *info = lheo_text_at(im, a, "info-public-vise");
	const char *cond = lheo_text_at(im, a, "conditions-specifiques");
	double amin, amax;
	int has_min = ex_number(im, a, "age-min", 0, 120, &amin) && amin == (long)amin;
	int has_max = ex_number(im, a, "age-max", 0, 120, &amax) && amax == (long)amax;
	if (has_min && has_max && amax < amin) {
		lheo_warn(im, lheo_node_line(a), "age-max %ld of the carto extras is below age-min %ld: left out",
		    (long)amax, (long)amin);
		has_max = 0;
	}
	if (!n && !info && !cond && !has_min && !has_max)
		return;
	buf_puts(y, "        public: { ");
	if (n)
		write_codes(y, "codes", codes, n, 0);
	const char *sep = n ? ", " : "";
	if (has_min) {
		buf_printf(y, "%sage_min: %ld", sep, (long)amin);
		sep = ", ";
	}
	if (has_max) {
		buf_printf(y, "%sage_max: %ld", sep, (long)amax);
		sep = ", ";
	}
	if (info || cond) {
		struct buf *p = &im->t2;
		buf_reset(p);
		lheo_cat(p, info ? info : "", info && cond ? " " : "", cond ? cond : "", NULL);
		lheo_cat(y, sep, "precisions: ", NULL);
		lheo_yq(y, p->data);
	}
	buf_puts(y, " }\n");
}

static void write_financement(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    const char *intitule, struct buf *y, const char **parcours)
{
	const char *fin[16];
	size_t n = 0;
	for (const struct lheo_node *of = lheo_node_child(a, "organisme-financeur"); of;
	    of = lheo_node_next(of, "organisme-financeur")) {
		const char *code = lheo_text_at(im, of, "code-financeur");
		if (!code)
			continue;
		if (!strmap_get(&im->map->vocab.financeurs.by_code, code)) {
			lheo_warn(im, lheo_node_line(of), "code-financeur '%s' is not in the financeurs list: left out", code);
			continue;
		}
		size_t j = 0;
		while (j < n && strcmp(fin[j], code))
			j++;
		if (j == n && n < 16)
			fin[n++] = code;
		const char *p = strmap_get(&im->map->parcours, code);
		if (p && !*parcours)
			*parcours = p;
	}
	const char *conv = lheo_text_at(im, a, "conventionnement");
	const char *rs = lheo_text_at(im, f, "certification/code-RS");
	const char *rncp = lheo_text_at(im, f, "certification/code-RNCP");
	const char *cpf = lheo_text_at(im, f, "certification/code-CPF") ? "true" : NULL;
	const char *certifiante = lheo_text_at(im, f, "certifiante");
	const char *cert_int = lheo_ex(im, a, "certification-intitule");
	if (lheo_ex(im, a, "cpf"))
		cpf = ex_bool(im, a, "cpf");
	if (cert_int && *cert_int)
		intitule = cert_int;
	else
		cert_int = NULL;
	if (!n && !conv && !rs && !rncp && !cpf && !cert_int)
		return;
	buf_puts(y, "        financement: { ");
	const char *sep = "";
	if (n) {
		write_codes(y, "financeurs", fin, n, 1);
		sep = ", ";
	}
	if (conv && (!strcmp(conv, "0") || !strcmp(conv, "1"))) {
		lheo_cat(y, sep, "conventionne: ", conv[0] == '1' ? "true" : "false", NULL);
		sep = ", ";
	}
	if (cpf) {
		lheo_cat(y, sep, "cpf: ", cpf, NULL);
		sep = ", ";
	}
	if (rs || (rncp && certifiante && !strcmp(certifiante, "1"))) {
		lheo_cat(y, sep, "certification: { ", rs ? "code_rs" : "code_rncp", ": ", NULL);
		lheo_yq(y, rs ? rs : rncp);
		buf_puts(y, ", intitule: ");
		lheo_yq(y, intitule);
		buf_puts(y, " }");
	} else if (cert_int) {
		lheo_cat(y, sep, "certification: { intitule: ", NULL);
		lheo_yq(y, cert_int);
		buf_puts(y, " }");
	}
	buf_puts(y, " }\n");
}

static void write_cout(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	const char *prix = lheo_text_at(im, a, "prix-total-TTC"), *gratuit = NULL;
	double v = -1;
	if (prix) {
		char *e, tmp[64];
		snprintf(tmp, sizeof(tmp), "%s", prix);
		for (char *p = tmp; *p; p++)
			if (*p == ',')
				*p = '.';
		v = strtod(tmp, &e);
		if (*e || v < 0 || v > 1e7) {
			lheo_warn(im, lheo_node_line(a), "prix-total-TTC '%s' is not an amount: left out", prix);
			v = -1;
		} else
			gratuit = v == 0 ? "true" : "false";
	}
	if (lheo_ex(im, a, "gratuit"))
		gratuit = ex_bool(im, a, "gratuit");
	if (!gratuit)
		return;
	lheo_cat(y, "        cout: { gratuit: ", gratuit, NULL);
	if (v > 0 && strcmp(gratuit, "false") == 0)
		buf_printf(y, ", montant_eur: %.2f", v);
	const char *prec = lheo_ex(im, a, "cout-precisions");
	if (prec && *prec) {
		buf_puts(y, ", precisions: ");
		lheo_yq(y, prec);
	}
	buf_puts(y, " }\n");
}

/* A code of LHÉO's closed list (its index in vals), or the carto extra key
 * when the export wrote one; NULL when unknown. */
static const char *coded(struct imp *im, const struct lheo_node *a, const char *elem, const char *key,
    const char *const *vals, size_t n)
{
	const char *x = lheo_ex(im, a, key);
	if (x) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(x, vals[i]) == 0)
				return vals[i];
		return NULL;
	}
	const char *v = lheo_text_at(im, a, elem);
	return v && strlen(v) == 1 && v[0] >= '0' && (size_t)(v[0] - '0') < n ? vals[v[0] - '0'] : NULL;
}

static void write_modalites(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	static const char *const ens[] = { "presentiel", "mixte", "distance" };
	static const char *const es[] = { "dates_fixes", "permanentes" };
	struct buf *m = &im->mod;
	buf_reset(m);
	const char *e = coded(im, a, "modalites-enseignement", "enseignement", ens, 3);
	const char *s = coded(im, a, "modalites-entrees-sorties", "entrees-sorties", es, 2);
	double h, w, pl;
	if (e)
		lheo_cat(m, ", enseignement: ", e, NULL);
	if (s)
		lheo_cat(m, ", entrees_sorties: ", s, NULL);
	if (ex_number(im, a, "heures-semaine", 0.01, 60, &h))
		buf_printf(m, ", heures_semaine: %g", h);
	if (ex_number(im, a, "duree-semaines", 1, 520, &w) && w == (long)w)
		buf_printf(m, ", duree_semaines: %ld", (long)w);
	const char *hor = ex_hours(im, a, "horaires");
	if (hor) {
		buf_puts(m, ", horaires: ");
		lheo_yq(m, hor);
	}
	const char *g = ex_bool(im, a, "garde-enfants");
	if (g)
		lheo_cat(m, ", garde_enfants: ", g, NULL);
	if (ex_number(im, a, "places", 1, 100000, &pl) && pl == (long)pl)
		buf_printf(m, ", places: %ld", (long)pl);
	if (m->len)
		lheo_cat(y, "        modalites: { ", m->data + 2, " }\n", NULL);
}

static size_t write_sessions(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	static const char *const etats[] = { "ouvert", "ferme", "suspendu" };
	size_t n = 0;
	for (const struct lheo_node *s = lheo_node_child(a, "session"); s; s = lheo_node_next(s, "session")) {
		uint32_t line = lheo_node_line(s);
		int debut, fin;
		const char *td = lheo_text_at(im, s, "periode/debut"), *tf = lheo_text_at(im, s, "periode/fin");
		int rd = lheo_date(td, 0, &debut);
		if (rd < 0)
			lheo_warn(im, line, "session debut '%s' is not a date AAAAMMJJ: session left out", td);
		else if (rd == 0)
			lheo_warn(im, line, "session without a start date: left out (carto needs its debut)");
		if (rd <= 0)
			continue;
		if (lheo_date(tf, 1, &fin) < 0)
			lheo_warn(im, line, "session fin '%s' is not a date AAAAMMJJ: left out", tf);
		if (fin && fin < debut) {
			lheo_warn(im, line, "session ends before it starts: its fin is left out");
			fin = 0;
		}
		const char *et = lheo_text_at(im, s, "etat-recrutement");
		int e = et && strlen(et) == 1 && et[0] >= '1' && et[0] <= '3' ? et[0] - '1' : 2;
		if (et && (strlen(et) != 1 || et[0] < '1' || et[0] > '3'))
			lheo_warn(im, line, "etat-recrutement '%s' is not 1, 2 or 3: written as suspendu", et);
		if (!n)
			buf_puts(y, "        sessions:\n");
		buf_puts(y, "          - { debut: ");
		lheo_put_date(y, debut);
		if (fin) {
			buf_puts(y, ", fin: ");
			lheo_put_date(y, fin);
		}
		lheo_cat(y, ", etat_recrutement: ", etats[e], NULL);
		double pl;
		if (ex_number(im, s, "places-disponibles", 0, 100000, &pl) && pl == (long)pl)
			buf_printf(y, ", places_disponibles: %ld", (long)pl);
		buf_puts(y, " }\n");
		n++;
	}
	return n;
}

/* The offer's objectif: the formation's objective, expected results and
 * content as Markdown, then its web addresses. */
static void write_objectif(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct buf *y)
{
	struct buf *md = &im->md;
	buf_reset(md);
	const char *x = lheo_ex(im, a, "objectif");
	if (x) {
		if (*x) {
			buf_puts(y, "        objectif: ");
			lheo_yq(y, x);
			buf_putc(y, '\n');
		}
		return;
	}
	lheo_md_at(im, f, "objectif-formation", md);
	static const char *const more[][2] = { { "resultats-attendus", "Résultats attendus" },
		{ "contenu-formation", "Contenu" } };
	for (size_t i = 0; i < 2; i++) {
		struct buf *part = &im->part;
		buf_reset(part);
		if (lheo_md_at(im, f, more[i][0], part))
			lheo_cat(md, md->len ? "\n\n**" : "**", more[i][1], "**\n\n", part->data, NULL);
	}
	const char *urls[] = { lheo_text_at(im, a, "url-action/urlweb"), lheo_text_at(im, f, "url-formation/urlweb") };
	for (size_t i = 0; i < 2; i++) {
		const char *u = lheo_fix_url(im, urls[i], lheo_node_line(i ? f : a));
		if (u && (i == 0 || !urls[0] || strcmp(urls[0], urls[1])))
			lheo_cat(md, md->len ? "\n\n" : "", "Plus d'informations : <", u, ">", NULL);
	}
	if (md->len) {
		buf_puts(y, "        objectif: ");
		lheo_yq(y, md->data);
		buf_putc(y, '\n');
	}
}

/* The levels: the carto extras when the export wrote them, else the table's
 * entry for code-niveau-entree. */
static void write_niveaux(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct buf *y)
{
	const char *code = lheo_text_at(im, f, "code-niveau-entree");
	const struct lheo_niveau *n = code ? strmap_get(&im->map->niveaux, code) : NULL;
	struct lheo_niveau x = { NULL, NULL, NULL, TRI_UNKNOWN };
	const char *vise = NULL, *ech = lheo_ex(im, a, "echelle");
	if (ech) {
		const char *lv[] = { lheo_ex(im, a, "entree-min"), lheo_ex(im, a, "entree-max"), lheo_ex(im, a, "vise") };
		for (size_t i = 0; i < 3; i++)
			if (lv[i] && (!*lv[i] || !lheo_map_has_level(im->map, ech, lv[i])))
				lv[i] = NULL;
		x.echelle = *ech && lheo_map_has_level(im->map, ech, NULL) ? ech : NULL;
		x.min = lv[0];
		x.max = lv[1];
		vise = lv[2];
		const char *e = ex_bool(im, a, "ecrit-requis");
		x.ecrit_requis = !e ? TRI_UNKNOWN : e[0] == 't' ? TRI_TRUE : TRI_FALSE;
		if (*ech && !x.echelle)
			lheo_warn(im, lheo_node_line(a), "echelle '%s' of the carto extras is not the site's: left out", ech);
		n = x.echelle ? &x : NULL;
	}
	if (!n)
		return;
	lheo_cat(y, "        niveaux: { echelle: ", n->echelle, NULL);
	if (n->min || n->max) {
		buf_puts(y, ", entree: { ");
		if (n->min)
			lheo_cat(y, "min: \"", n->min, "\"", NULL);
		if (n->max)
			lheo_cat(y, n->min ? ", max: \"" : "max: \"", n->max, "\"", NULL);
		buf_puts(y, " }");
	}
	if (vise)
		lheo_cat(y, ", vise: \"", vise, "\"", NULL);
	if (n->ecrit_requis != TRI_UNKNOWN)
		lheo_cat(y, ", ecrit_requis: ", n->ecrit_requis == TRI_TRUE ? "true" : "false", NULL);
	buf_puts(y, " }\n");
}

/* What carto's export wrote of a lieu (lieu-de-formation l) in its extras:
 * its id (part of the lieu's key: two lieux at one address stay two), wheelchair
 * access, transports and opening hours, appended to its YAML. */
static void lieu_extras(struct imp *im, const struct lheo_node *l, struct lieu_c *v)
{
	uint32_t line = lheo_node_line(l);
	const char *id = lheo_ex(im, l, "id");
	if (lheo_id_ok(im, id, "lieu", line)) {
		v->want = id;
		buf_reset(&im->t2);
		lheo_cat(&im->t2, v->key, "|", id, NULL);
		v->key = arena_strdup(&im->fa, im->t2.data);
	}
	struct buf *y = v->frag;
	const char *pmr = ex_bool(im, l, "acces-pmr");
	if (pmr)
		lheo_cat(y, "        acces_pmr: ", pmr, "\n", NULL);
	const char *tr = lheo_ex(im, l, "transports");
	if (tr && *tr) {
		buf_puts(y, "        transports: ");
		lheo_yq(y, tr);
		buf_putc(y, '\n');
	}
	const char *ha = ex_hours(im, l, "horaires-accueil");
	if (ha) {
		buf_puts(y, "        horaires_accueil: ");
		lheo_yq(y, ha);
		buf_putc(y, '\n');
	}
}

/* The competences of the carto extras: each 'referentiel:code' of letters,
 * digits and . _ - (others warned and left out). */
static void write_competences(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	const char *x = lheo_ex(im, a, "competences");
	if (!x || !*x)
		return;
	char *copy = arena_strdup(&im->fa, x), *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		const char *colon = strchr(t, ':');
		int ok = colon && colon > t && colon[1] && strlen(t) < 128;
		for (const char *c = t; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			    strchr(".-_", *c) || c == colon;
		if (!ok) {
			lheo_warn(im, lheo_node_line(a), "competence '%s' of the carto extras is not "
			    "'referentiel:code': left out", t);
			continue;
		}
		lheo_cat(y, n++ ? ", \"" : "        competences: [\"", t, "\"", NULL);
	}
	if (n)
		buf_puts(y, "]\n");
}

/* The lieux of the action (or the organisation's address when it gives
 * none); returns how many are in the territory, sets *outside. */
static size_t lieux_of(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct lieu_c *v, size_t max, int *outside)
{
	size_t n = 0;
	*outside = 0;
	const struct lheo_node *l = lheo_node_child(a, "lieu-de-formation");
	const struct lheo_node *coord = l ? lheo_node_child(l, "coordonnees") : NULL;
	if (!l)
		coord = lheo_node_at(f, "organisme-formation-responsable/coordonnees-organisme/coordonnees");
	while (coord && n < max) {
		const struct lheo_node *adr = lheo_node_child(coord, "adresse");
		if (adr) {
			memset(&v[n], 0, sizeof(v[n]));
			v[n].frag = &im->lieu_y[n];
			buf_reset(v[n].frag);
			int r = lheo_read_lieu(im, coord, adr, &v[n]);
			if (r > 0 && l)
				lieu_extras(im, l, &v[n]);
			if (r > 0)
				n++;
			else
				*outside |= r == 0;
		}
		l = l ? lheo_node_next(l, "lieu-de-formation") : NULL;
		coord = l ? lheo_node_child(l, "coordonnees") : NULL;
	}
	return n;
}

/* The offer's id before it is made unique in its organisation (lheo.c). */
static const char *offre_id(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    size_t k)
{
	struct buf *b = &im->t2;
	buf_reset(b);
	const char *num = lheo_node_attr(a, "numero");
	const char *fnum = lheo_node_attr(f, "numero");
	if (num)
		lheo_slug(b, num, 60);
	if (!b->len && fnum) {
		lheo_slug(b, fnum, 60);
		buf_printf(b, "-%zu", k + 1);
	}
	if (!b->len || b->data[0] == '-') {
		buf_reset(b);
		buf_printf(b, "action-%u", lheo_node_line(a));
	}
	return arena_strdup(&im->fa, b->data);
}

/* The records of an offer: its ids and lieux (R_IDS: the offer's id, then
 * each lieu's hash, commune slug, YAML and id from the extras) and the offer
 * (R_OFFRE: its horodatage, the action's line, its sessions, its lieux' hashes
 * and its YAML around its list of lieux). */
static void add_records(struct imp *im, const char *siret, const char *id, struct lieu_c *lv,
    size_t nl, size_t lieux_at, int h, uint32_t line, size_t ns)
{
	uint64_t hash[8];
	struct buf *r = &im->rec, *t = &im->t2;
	buf_reset(r);
	lheo_rec_str(r, id);
	lheo_rec_u32(r, (uint32_t)nl);
	for (size_t i = 0; i < nl; i++) {
		hash[i] = lheo_lieu_hash(&lv[i]);
		buf_reset(t);
		lheo_slug(t, lv[i].c->nom, 40);
		lheo_rec_u64(r, hash[i]);
		lheo_rec_str(r, t->data);
		lheo_rec_str(r, lv[i].frag->data);
		lheo_rec_str(r, lv[i].want);
	}
	lheo_rec_add(im, siret, R_IDS);
	buf_reset(r);
	lheo_rec_u32(r, (uint32_t)h);
	lheo_rec_u32(r, line);
	lheo_rec_u32(r, (uint32_t)ns);
	lheo_rec_u32(r, (uint32_t)nl);
	for (size_t i = 0; i < nl; i++)
		lheo_rec_u64(r, hash[i]);
	struct buf *y = &im->y;
	char c = y->data[lieux_at];
	y->data[lieux_at] = '\0';
	lheo_rec_str(r, y->data);
	y->data[lieux_at] = c;
	/* The rest of the YAML (its sessions: the bulk of a large action) as
	 * lheo_rec_str would write it, from y itself. */
	lheo_rec_u32(r, (uint32_t)(y->len - lieux_at));
	lheo_rec_add_tail(im, siret, R_OFFRE, y->data + lieux_at, y->len - lieux_at + 1);
}

static void on_action(struct imp *im, const char *o, const struct lheo_node *f,
    const struct lheo_node *a, size_t k)
{
	uint32_t line = lheo_node_line(a);
	unsigned why = 0;	/* each reason to skip it: 1 << enum skip */
	im->actions++;
	if (!o)
		why |= 1u << SK_SIRET;
	const char *intitule = lheo_text_at(im, f, "intitule-formation");
	if (!intitule) {
		lheo_warn(im, lheo_node_line(f), "formation without intitule-formation: action skipped");
		why |= 1u << SK_INTITULE;
	}
	struct lieu_c lv[8];
	int outside;
	size_t nl = lieux_of(im, f, a, lv, 8, &outside);
	if (!nl)
		why |= 1u << (outside ? SK_TERRITOIRE : SK_LIEU);
	if (!nl && outside)
		lheo_warn(im, line, "every lieu of the action is outside the territory: action skipped");
	else if (!nl)
		lheo_warn(im, line, "action without a lieu-de-formation in a commune: skipped");
	const char *types[16];
	struct buf *fc = &im->fc;
	buf_reset(fc);
	size_t nt = types_of(im, f, types, 16, fc);
	const char *xt = lheo_ex(im, a, "types");
	if (xt) {
		const char *tv[16];
		size_t n = ex_codes(im, xt, &im->map->vocab.types_offre, tv, 16, line);
		if (n) {
			memcpy(types, tv, n * sizeof(*tv));
			nt = n;
		}
	}
	if (!nt) {
		lheo_warn(im, line, "Formacode%s %s map%s to no offer type (referentiels/lheo.yaml): action skipped",
		    strchr(fc->data, ',') ? "s" : "", fc->len ? fc->data : "(none)", strchr(fc->data, ',') ? "" : "s");
		why |= 1u << SK_TYPE;
	}
	if (why) {
		im->skipped_actions++;
		for (int k = 0; k < SK_N; k++)
			if (why & 1u << k)
				lheo_skip_count(im, (enum skip)k, line);
		return;
	}
	const char *id = offre_id(im, f, a, k);
	struct buf *y = &im->y;
	buf_reset(y);
	buf_puts(y, "        intitule: ");
	lheo_yq(y, intitule);
	buf_puts(y, "\n        ");
	write_codes(y, "types", types, nt, 0);
	buf_putc(y, '\n');
	size_t parcours_at = y->len;
	write_objectif(im, f, a, y);
	if (fc->len) {
		buf_puts(y, "        formacodes: [");
		buf_add(y, fc->data, fc->len);
		buf_puts(y, "]\n");
	}
	write_niveaux(im, f, a, y);
	write_public(im, a, y);
	const char *parcours = NULL;
	write_financement(im, f, a, intitule, y, &parcours);
	const char *xp = lheo_ex(im, a, "parcours");
	if (xp && *xp && !strmap_get(&im->map->vocab.parcours.by_code, xp))
		lheo_warn(im, line, "parcours '%s' of the carto extras is not the site's: left out", xp);
	if (xp)
		parcours = *xp && strmap_get(&im->map->vocab.parcours.by_code, xp) ? xp : NULL;
	else if (!parcours)
		parcours = im->map->parcours_defaut;
	if (parcours) {
		struct buf *p = &im->t2;
		buf_reset(p);
		buf_puts(p, "        parcours: ");
		buf_puts(p, parcours);
		buf_putc(p, '\n');
		buf_grow(y, p->len);
		memmove(y->data + parcours_at + p->len, y->data + parcours_at, y->len - parcours_at + 1);
		memcpy(y->data + parcours_at, p->data, p->len);
		y->len += p->len;
	}
	write_cout(im, a, y);
	write_modalites(im, a, y);
	size_t lieux_at = y->len;	/* the list of lieux goes here (lheo.c) */
	size_t ns = write_sessions(im, a, y);
	im->sessions += ns;
	struct contact_c c;
	lheo_read_contact(im, lheo_node_at(f, "contact-formation/coordonnees"), &c);
	lheo_write_contact(y, "        ", &c);
	write_competences(im, a, y);
	int ha = lheo_horodatage(a), hf = lheo_horodatage(f);
	add_records(im, o, id, lv, nl, lieux_at, ha > hf ? ha : hf, line, ns);
	im->offres++;
}

int lheo_on_formation(void *ctx, const struct lheo_node *f)
{
	struct imp *im = ctx;
	im->formations++;
	const char *o = lheo_org_of(im, f);
	size_t k = 0;
	for (const struct lheo_node *a = lheo_node_child(f, "action"); a; a = lheo_node_next(a, "action"))
		on_action(im, o, f, a, k++);
	if (!k)
		lheo_warn(im, lheo_node_line(f), "formation without an action: nothing to import");
	arena_reset(&im->fa);
	im->ex_of = im->ex_node = NULL;	/* the formation's nodes are freed next */
	return im->failed ? -1 : 0;
}
