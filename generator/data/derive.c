/*
 * The derived facts of derive.h. The wording tables of enums live here so
 * that every output says a state with the same words.
 */
#include "derive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../base/buf.h"

const char *vocab_label(const struct vocab_list *l, const char *code)
{
	const struct term *t = code ? strmap_get(&l->by_code, code) : NULL;
	return t ? t->libelle : code;
}

const char *geo_dep_name(const struct geo *g, const char *code)
{
	for (size_t i = 0; code && i < g->n_departements; i++)
		if (strcmp(g->departements[i].code, code) == 0)
			return g->departements[i].nom;
	return code;
}

size_t type_colour_index(const struct vocab *v, const char *code)
{
	for (size_t i = 0; code && i < v->types_offre.n; i++)
		if (strcmp(v->types_offre.v[i].code, code) == 0)
			return i < TYPE_COLOURS ? i : TYPE_OTHER;
	return TYPE_OTHER;
}

int type_legend_codes(const struct vocab *v, const struct svals *codes, unsigned char *used)
{
	int known = 0;
	for (size_t k = 0; k < codes->n; k++)
		for (size_t i = 0; i < v->types_offre.n; i++)
			if (strcmp(v->types_offre.v[i].code, codes->v[k].s) == 0) {
				used[i] = 1;
				known = 1;
			}
	return known;
}

void type_legend_mark(const struct vocab *v, const struct offre *o, unsigned char *used)
{
	if (!type_legend_codes(v, &o->types, used))
		used[v->types_offre.n] = 1;
}

int offre_recrute(const struct offre *o)
{
	int open = 0, other = 0;
	for (size_t i = 0; i < o->n_sessions; i++) {
		if (o->sessions[i].etat == ETAT_OUVERT)
			open = 1;
		else
			other = 1;
	}
	return open || (o->entrees == ENTREES_PERMANENTES && !other);
}

const struct contact *offre_contact(const struct offre *o)
{
	return o->has_contact ? &o->contact : o->org->has_contact ? &o->org->contact : NULL;
}

int offre_recrutement(const struct offre *o, long *places)
{
	int state = -1;
	*places = -1;
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *se = &o->sessions[i];
		if (se->etat == ETAT_OUVERT) {
			state = ETAT_OUVERT;
			if (se->places >= 0)
				*places = (*places < 0 ? 0 : *places) + se->places;
		} else if (se->etat == ETAT_SUSPENDU && state != ETAT_OUVERT)
			state = ETAT_SUSPENDU;
		else if (state < 0)
			state = ETAT_FERME;
	}
	return state;
}

const char *etat_code(enum etat e)
{
	static const char *const v[] = { "ouvert", "ferme", "suspendu" };
	return v[e];
}

const char *etat_inscriptions(enum etat e, int capital)
{
	static const char *const v[2][3] = {
		{ "inscriptions ouvertes", "inscriptions fermées", "inscriptions suspendues" },
		{ "Inscriptions ouvertes", "Inscriptions fermées", "Inscriptions suspendues" },
	};
	return v[capital != 0][e];
}

const char *etat_fr(enum etat e)
{
	static const char *const v[] = { "Ouvert", "Fermé", "Suspendu" };
	return v[e];
}

char *montant_fr(double eur, char *out)
{
	char digits[32];
	double cents = round(fabs(eur) * 100);
	if (!isfinite(eur) || cents >= 1e17) {
		snprintf(out, MONTANT_SIZE, "%.0f\u00a0€", eur);
		return out;
	}
	unsigned long long c = (unsigned long long)cents;
	int n = snprintf(digits, sizeof(digits), "%llu", c / 100);
	char *p = out;
	if (eur < 0 && c)
		*p++ = '-';
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			p += sprintf(p, "\u00a0");
		*p++ = digits[i];
	}
	if (c % 100)
		p += sprintf(p, ",%02llu", c % 100);
	sprintf(p, "\u00a0€");
	return out;
}

char *km_fr(double km, char *out)
{
	if (!isfinite(km) || km < 0)
		km = 0;
	long tenths = lround(km * 10);
	snprintf(out, KM_SIZE, "%ld,%ld\u00a0km", tenths / 10, tenths % 10);
	return out;
}

char *lieu_url(const struct lieu *l, enum lieu_lien k, char *out)
{
	double la = l->lat, lo = l->lon;
	*out = '\0';
	if (!isfinite(la) || !isfinite(lo) || fabs(la) > 90 || fabs(lo) > 180)
		return out;
	if (k == LIEU_OSM)
		snprintf(out, LIEU_URL_SIZE, "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f",
		    la, lo, la, lo);
	else if (k == LIEU_ITINERAIRE)
		snprintf(out, LIEU_URL_SIZE, "https://www.openstreetmap.org/directions?route=%%3B%.5f%%2C%.5f", la, lo);
	else
		snprintf(out, LIEU_URL_SIZE, "geo:%.5f,%.5f", la, lo);
	return out;
}

const char *suite_recrutement(const struct suite *su)
{
	long places;
	return offre_recrutement(su->o, &places) == ETAT_OUVERT ? "inscriptions ouvertes"
	    : "entrées permanentes";
}

static const struct level *find_level(const struct scale *sc, const char *code);

const struct referentiel *scale_referentiel(const struct site *s, const struct scale *sc)
{
	for (size_t i = 0; sc && i < s->n_referentiels; i++)
		if (&s->referentiels[i]->echelle == sc)
			return s->referentiels[i];
	return NULL;
}

int offre_lists(const struct offre *o, const char *ref, const char *code)
{
	size_t n = strlen(ref);
	for (size_t i = 0; i < o->competences.n; i++) {
		const char *c = o->competences.v[i].s;
		if (c && strncmp(c, ref, n) == 0 && c[n] == ':' && strcmp(c + n + 1, code) == 0)
			return 1;
	}
	return 0;
}

int offre_prepares(const struct offre *o, const struct referentiel *r)
{
	for (size_t i = 0; r && i < o->types.n; i++)
		if (strcmp(o->types.v[i].s, r->id) == 0)
			return 1;
	return 0;
}

int offre_reaches(const struct offre *o, const struct correspondance *c, const struct corr_link *l)
{
	const struct referentiel *de = c->de;
	const struct ref_entry *e = de && l->de.s ? strmap_get(&de->by_code, l->de.s) : NULL;
	if (!e)
		return 0;
	const char *need = l->niveau_de.s;
	if (!offre_lists(o, de->id, e->code)) {
		/* A criterion describes its competence at one level: an offer
		 * that works the competence works it up to its target. */
		if (e->kind != ENTRY_CRITERE || !e->parent || !offre_lists(o, de->id, e->parent->code))
			return 0;
		if (!need)
			need = e->niveau.s;
	}
	if (!need)
		return 1;
	const struct level *n = find_level(&de->echelle, need);
	const struct level *vi = o->scale == &de->echelle ? find_level(&de->echelle, o->vise.s) : NULL;
	return n && vi && vi->rang >= n->rang;
}

/* The noun of an entry's kind in its référentiel, lower-case ("axe",
 * "sous-domaine"), plural when n > 1, into out. */
static void kind_noun(struct buf *out, const struct referentiel *r, enum entry_kind k, size_t n)
{
	const char *w = k == ENTRY_DOMAINE ? r->lib_domaine : k == ENTRY_COMPETENCE ? r->lib_competence
	    : r->lib_critere;
	if (!w || !*w)
		w = "code";	/* a label written "" */
	size_t len = strlen(w);
	unsigned char c0 = (unsigned char)w[0], c1 = (unsigned char)w[1];
	if (c0 == 0xC3 && c1 >= 0x80 && c1 <= 0x9E && c1 != 0x97) {
		buf_printf(out, "\xC3%c%s", (char)(c1 + 0x20), w + 2);	/* É -> é */
	} else {
		buf_putc(out, (char)(w[0] >= 'A' && w[0] <= 'Z' ? w[0] - 'A' + 'a' : w[0]));
		buf_puts(out, w + 1);
	}
	if (n > 1 && !strchr("sxz", w[len - 1]))
		buf_putc(out, 's');
}

/* "4.1", "4.1 et 5.1", "4.1, 5.1 et 6.3". */
static void code_list(struct buf *out, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s%s", i == 0 ? "" : i + 1 == n ? " et " : ", ", v[i]);
}

/* A vowel, accented ones of Latin-1 (À…Ü, à…ü) included. */
static int starts_with_vowel(const char *w)
{
	unsigned char c = (unsigned char)w[0], b = (unsigned char)(w[0] ? w[1] : 0) & 0xDF;
	if (c != 0xC3)
		return c && strchr("aeiouyAEIOUY", c) != NULL;
	return (b >= 0x80 && b <= 0x86) || (b >= 0x88 && b <= 0x8F) || (b >= 0x92 && b <= 0x96) ||
	    (b >= 0x99 && b <= 0x9D);
}

/* The article and noun of n codes of kind k: "les sous-domaines", "le
 * sous-domaine", "l'axe"; with to, after "à": "aux axes", "au critère",
 * "à l'axe". The nouns of the example's référentiels are masculine. */
static void article_noun(struct buf *out, const struct referentiel *r, enum entry_kind k, size_t n,
    int to)
{
	struct buf w = BUF_INIT;
	kind_noun(&w, r, k, n);
	const char *noun = w.data ? w.data : "";
	if (n > 1)
		buf_printf(out, "%s %s", to ? "aux" : "les", noun);
	else if (starts_with_vowel(noun))
		buf_printf(out, "%sl'%s", to ? "à " : "", noun);
	else
		buf_printf(out, "%s %s", to ? "au" : "le", noun);
	buf_release(&w);
}

/* The codes of the 'vers' side that link the chain from -> to (rule 1b):
 * those to lists, in its order, that a link from reaches names. */
#define CHAIN_CODES 128	/* more than CléA's 106 criteria */
static size_t chain_vers(const struct offre *from, const struct offre *to,
    const struct correspondance *c, const char **v)
{
	size_t n = 0, k = strlen(c->vers->id);
	for (size_t i = 0; i < to->competences.n && n < CHAIN_CODES; i++) {
		const char *code = to->competences.v[i].s;
		if (strncmp(code, c->vers->id, k) != 0 || code[k] != ':')
			continue;
		code += k + 1;
		int seen = 0, linked = 0;
		for (size_t j = 0; j < n; j++)
			seen |= strcmp(v[j], code) == 0;
		for (size_t j = 0; !seen && !linked && j < c->n_liens; j++)
			for (size_t q = 0; q < c->liens[j].vers.n && !linked; q++)
				linked = strcmp(c->liens[j].vers.v[q].s, code) == 0 &&
				    offre_reaches(from, c, &c->liens[j]);
		if (linked)
			v[n++] = code;
	}
	return n;
}

/* The 'de' codes of the links from reaches that name one of the n codes v,
 * in the order of the table. */
static size_t chain_de(const struct offre *from, const struct correspondance *c,
    const char *const *v, size_t n, const char **de)
{
	size_t m = 0;
	for (size_t j = 0; j < c->n_liens && m < CHAIN_CODES; j++) {
		const struct corr_link *l = &c->liens[j];
		int hit = 0, seen = 0;
		for (size_t q = 0; q < l->vers.n && !hit; q++)
			for (size_t i = 0; i < n && !hit; i++)
				hit = strcmp(l->vers.v[q].s, v[i]) == 0;
		for (size_t i = 0; i < m; i++)
			seen |= strcmp(de[i], l->de.s) == 0;
		if (hit && !seen && offre_reaches(from, c, l))
			de[m++] = l->de.s;
	}
	return m;
}

static enum entry_kind code_kind(const struct referentiel *r, const char *code)
{
	const struct ref_entry *e = strmap_get(&r->by_code, code);
	return e ? e->kind : ENTRY_COMPETENCE;
}

/* "Prépare CléA : les sous-domaines 4.1 et 5.1 correspondent aux axes A3
 * et A9 travaillés ici jusqu'à C3 (correspondance Carte de compétences –
 * CléA)". */
static void chain_reason(struct buf *out, const struct offre *from, const struct suite *su)
{
	const struct correspondance *c = su->chain;
	const char *v[CHAIN_CODES], *de[CHAIN_CODES];
	size_t n = chain_vers(from, su->o, c, v), m = chain_de(from, c, v, n, de);
	const char *vers_name = c->vers->titre_court ? c->vers->titre_court : c->vers->id;
	const char *de_name = c->de->titre_court ? c->de->titre_court : c->de->id;
	buf_printf(out, "Prépare %s\u00a0: ", vers_name);
	article_noun(out, c->vers, n ? code_kind(c->vers, v[0]) : ENTRY_COMPETENCE, n, 0);
	buf_putc(out, ' ');
	code_list(out, v, n);
	buf_printf(out, " %s ", n > 1 ? "correspondent" : "correspond");
	article_noun(out, c->de, m ? code_kind(c->de, de[0]) : ENTRY_COMPETENCE, m, 1);
	buf_putc(out, ' ');
	code_list(out, de, m);
	buf_printf(out, " %s ici", m > 1 ? "travaillés" : "travaillé");
	if (from->scale == &c->de->echelle && from->vise.s)
		buf_printf(out, " jusqu'à %s", from->vise.s);
	buf_printf(out, " (correspondance %s – %s)\u00a0; ", de_name, vers_name);
}

void suite_reason(struct buf *out, const struct vocab *v, const struct offre *from,
    const struct suite *su)
{
	const struct offre *o = su->o;
	char km[KM_SIZE];
	if (su->chain)
		chain_reason(out, from, su);
	else {
		/* Pieces put one after the other, not printf: every suite of
		 * every offer is said (tens of thousands on a large site). */
		buf_puts(out, "Accueille le niveau ");
		if (su->via) {
			buf_puts(out, su->via);
			buf_puts(out, ", qui correspond au ");
			buf_puts(out, from->vise.s);
			buf_puts(out, " visé ici (correspondance ");
			buf_puts(out, su->corr->de);
			buf_puts(out, " – ");
			buf_puts(out, su->corr->vers);
			buf_puts(out, "\u00a0; entrée ");
		} else {
			buf_puts(out, from->vise.s);
			buf_puts(out, " visé ici (entrée ");
		}
		if (o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) != 0) {
			buf_puts(out, "de ");
			buf_puts(out, o->entree_min.s);
			buf_puts(out, " à ");
			buf_puts(out, o->entree_max.s);
		} else if (o->entree_min.s) {
			buf_puts(out, o->entree_max.s ? "en " : "dès ");
			buf_puts(out, o->entree_min.s);
		} else {
			buf_puts(out, "jusqu'à ");
			buf_puts(out, o->entree_max.s);
		}
		buf_puts(out, ", vise ");
		buf_puts(out, o->vise.s);
		buf_puts(out, ")\u00a0; ");
	}
	if (su->public) {
		buf_puts(out, "même public\u00a0: ");
		buf_puts(out, vocab_label(&v->publics, su->public));
		buf_puts(out, "\u00a0; ");
	} else
		buf_puts(out, "ouverte à tous les publics\u00a0; ");
	buf_puts(out, suite_recrutement(su));
	buf_puts(out, "\u00a0; à ");
	buf_puts(out, km_fr(su->km, km));
	buf_puts(out, su->same_dep ? ", dans le même département." : ", dans un autre département.");
}

static const struct level *find_level(const struct scale *sc, const char *code)
{
	for (size_t i = 0; code && i < sc->n; i++)
		if (strcmp(sc->v[i].code, code) == 0)
			return &sc->v[i];
	return NULL;
}

/* The levels of o's range on scale sc: its entry's minimum and maximum
 * and its target (NULL when not given). Returns 0 when o takes no level of
 * sc: on another scale, no entry given, or one that is not a level. */
static int level_range(const struct offre *o, const struct scale *sc, const struct level **mn,
    const struct level **mx, const struct level **vi)
{
	if (!o->scale || o->scale != sc || (!o->entree_min.s && !o->entree_max.s))
		return 0;
	*mn = find_level(sc, o->entree_min.s);
	*mx = find_level(sc, o->entree_max.s);
	if ((o->entree_min.s && !*mn) || (o->entree_max.s && !*mx))
		return 0;
	*vi = find_level(sc, o->vise.s);
	return 1;
}

/* Whether the range takes the level of rank r. A person already at the
 * offer's target has nothing to learn there: the range stops below the
 * target. With neither an entry maximum nor a target, the offer says only
 * where it starts: it takes its minimum (an "alphabétisation" course from
 * A1.1 is not a C1 step). */
static int range_takes(const struct level *mn, const struct level *mx, const struct level *vi, int r)
{
	if (mn && !mx && !vi)
		return r == mn->rang;
	return (!mn || mn->rang <= r) && (!mx || r <= mx->rang) && (!vi || r < vi->rang);
}

int offre_takes_level(const struct offre *o, const struct scale *sc, size_t k)
{
	const struct level *mn, *mx, *vi;
	return k < sc->n && level_range(o, sc, &mn, &mx, &vi) && range_takes(mn, mx, vi, sc->v[k].rang);
}

void offre_takes_levels(const struct offre *o, const struct scale *sc, unsigned char *takes)
{
	const struct level *mn, *mx, *vi;
	int any = level_range(o, sc, &mn, &mx, &vi);
	for (size_t k = 0; k < sc->n; k++)
		takes[k] = (unsigned char)(any && range_takes(mn, mx, vi, sc->v[k].rang));
}
