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
			return i % 10;
	return 9;
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

void suite_reason(struct buf *out, const struct vocab *v, const struct offre *from,
    const struct suite *su)
{
	const struct offre *o = su->o;
	char km[KM_SIZE];
	if (su->via)
		buf_printf(out, "Accueille le niveau %s, qui correspond au %s visé ici (correspondance %s – %s ; entrée ",
		    su->via, from->vise.s, su->corr->de, su->corr->vers);
	else
		buf_printf(out, "Accueille le niveau %s visé ici (entrée ", from->vise.s);
	if (o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) != 0)
		buf_printf(out, "de %s à %s", o->entree_min.s, o->entree_max.s);
	else if (o->entree_min.s && o->entree_max.s)
		buf_printf(out, "en %s", o->entree_min.s);
	else if (o->entree_min.s)
		buf_printf(out, "dès %s", o->entree_min.s);
	else
		buf_printf(out, "jusqu'à %s", o->entree_max.s);
	buf_printf(out, ", vise %s) ; ", o->vise.s);
	if (su->public)
		buf_printf(out, "même public : %s ; ", vocab_label(&v->publics, su->public));
	else
		buf_puts(out, "ouverte à tous les publics ; ");
	buf_printf(out, "%s ; à %s, %s.", suite_recrutement(su), km_fr(su->km, km),
	    su->same_dep ? "dans le même département" : "dans un autre département");
}

static const struct level *find_level(const struct scale *sc, const char *code)
{
	for (size_t i = 0; code && i < sc->n; i++)
		if (strcmp(sc->v[i].code, code) == 0)
			return &sc->v[i];
	return NULL;
}

int offre_takes_level(const struct offre *o, const struct scale *sc, size_t k)
{
	if (!o->echelle.s || strcmp(o->echelle.s, sc->id) != 0 || k >= sc->n ||
	    (!o->entree_min.s && !o->entree_max.s))
		return 0;
	const struct level *mn = find_level(sc, o->entree_min.s), *mx = find_level(sc, o->entree_max.s);
	if ((o->entree_min.s && !mn) || (o->entree_max.s && !mx))
		return 0;
	/* A person already at the offer's target has nothing to learn there:
	 * the range stops below the target. With neither an entry maximum nor
	 * a target, the offer says only where it starts: it takes its minimum
	 * (an "alphabétisation" course from A1.1 is not a C1 step). */
	const struct level *vi = find_level(sc, o->vise.s);
	int r = sc->v[k].rang;
	if (mn && !mx && !vi)
		return r == mn->rang;
	return (!mn || mn->rang <= r) && (!mx || r <= mx->rang) && (!vi || r < vi->rang);
}
