/*
 * Facts that every output shows, computed one way after validation: the
 * contact of an offer, the state of its recruitment and its open places, the
 * label of a vocabulary code, the name of a département, the colour of a type
 * of offer, and the French wording of a price. The outputs (render/) read
 * these and never word such a fact themselves; the rows of the cartographies
 * are in index.h. Everything here is pure: no allocation, no global state,
 * safe from any thread once the model is read-only. Dates are in
 * base/civil.h (civil_fr, civil_iso), the French order of names in
 * base/collate.h. Each function is named after the model's noun it
 * describes (offre_, vocab_, geo_, etat_, montant_), so a caller reads the
 * fact, not the module.
 */
#ifndef CARTO_DERIVE_H
#define CARTO_DERIVE_H

#include <stddef.h>

#include "model.h"

/* The label of a code in a vocabulary list; the code itself when the list
 * does not have it; NULL for NULL. */
const char *vocab_label(const struct vocab_list *l, const char *code);

/* The name of a département ("Seine-Saint-Denis" for "93"), from the
 * territory's outlines; the code itself when unknown. */
const char *geo_dep_name(const struct geo *g, const char *code);

/* The colours of types of offer on maps and badges: the first TYPE_COLOURS
 * types of the vocabulary each have their own colour, in their order; any
 * later type, an unknown one and none share the neutral colour TYPE_OTHER
 * (every legend names the types it stands for). Indexes into svgmap_palette,
 * which has TYPE_COLOURS + 1 colours. */
#define TYPE_COLOURS 12
#define TYPE_OTHER TYPE_COLOURS

/* The colour index of a type: its rank in the vocabulary when below
 * TYPE_COLOURS, else TYPE_OTHER (also for an unknown type or NULL). */
size_t type_colour_index(const struct vocab *v, const char *code);

/* For a legend: marks in used (room for the vocabulary's types + 1, zeroed
 * by the caller) every type of o, whose colour its markers can take, and
 * used[number of types] when o has no type of the vocabulary. */
void type_legend_mark(const struct vocab *v, const struct offre *o, unsigned char *used);
/* Marks in used the types of the vocabulary among codes; 1 when one is. */
int type_legend_codes(const struct vocab *v, const struct svals *codes, unsigned char *used);

/* Whether an offer recruits, rule 3 of the suites (index.h, README
 * "Suites de parcours"): a session is open, or its entries are permanent
 * and no session says closed or suspended. */
int offre_recrute(const struct offre *o);

/* Whom to contact about an offer: its own contact, else its organisation's,
 * else NULL. */
const struct contact *offre_contact(const struct offre *o);

/* The state of an offer's recruitment from its sessions: ETAT_OUVERT when a
 * session is open, else ETAT_SUSPENDU when one is suspended, else ETAT_FERME;
 * -1 when it has no sessions. *places: the open sessions' places added up,
 * -1 when none of them says. */
int offre_recrutement(const struct offre *o, long *places);
/* The code of a state in the open data ("ouvert", "ferme", "suspendu"). */
const char *etat_code(enum etat e);
/* The state in a sentence: "inscriptions ouvertes", or with a capital
 * letter ("Inscriptions ouvertes") when capital. */
const char *etat_inscriptions(enum etat e, int capital);
/* The state as a column value: "Ouvert", "Fermé", "Suspendu". */
const char *etat_fr(enum etat e);

/* Room for any price montant_fr writes. */
#define MONTANT_SIZE 48
/* Writes a price in euros the French way into out (MONTANT_SIZE bytes) and
 * returns it: "49,90 €", "50 €" when whole, "1 234,50 €". The spaces
 * between thousands and before the sign are no-break spaces (U+00A0), so a
 * price never breaks across lines, and the character exists in every
 * output's encoding (the PDFs' CP1252 included). Cents are rounded half
 * away from zero; a negative amount keeps its sign. */
char *montant_fr(double eur, char *out);

/* Returns 1 when the offer takes, at entry, level k of scale sc: it is on
 * that scale and its entry range (entree min and max; a missing bound is
 * the end of the scale, both missing is no range) holds the level's rank,
 * which is below the offer's target level (vise) when it has one on the
 * scale: a person at or past the target would learn nothing there. With a
 * minimum but neither a maximum nor a target, only the minimum is taken:
 * the offer says where it starts, not that it suits every level above.
 * The steps of a parcours and the suites (index.h) both read it. */
int offre_takes_level(const struct offre *o, const struct scale *sc, size_t k);
/* The same for every level k of sc at once, into takes[k] (1 or 0): the
 * offer's range found once, not once a level. */
void offre_takes_levels(const struct offre *o, const struct scale *sc, unsigned char *takes);

/* Room for any distance km_fr writes. */
#define KM_SIZE 32
/* Writes a distance the French way into out (KM_SIZE bytes) and returns it:
 * "1,2 km", "0,4 km", "23,0 km" (one decimal, rounded; no-break space). */
char *km_fr(double km, char *out);

/* The links of a lieu to a map, from its coordinates (its geo, else its
 * commune's centre), with five decimals (about a metre) and nothing else in
 * the address (no tracker, no referrer parameter):
 *   LIEU_OSM        https://www.openstreetmap.org/?mlat=LAT&mlon=LON#map=17/LAT/LON
 *                   the lieu marked on OpenStreetMap's map;
 *   LIEU_ITINERAIRE https://www.openstreetmap.org/directions?route=%3BLAT%2CLON
 *                   OpenStreetMap's directions with the lieu as destination
 *                   (the start left empty for the reader);
 *   LIEU_GEO        geo:LAT,LON, the URI of RFC 5870 that phones open in
 *                   their map application.
 * Writes into out (LIEU_URL_SIZE bytes) and returns it; "" when the
 * coordinates are not finite. The outputs publish it only when base/url.h
 * accepts it (url_is_web, url_is_geo). */
enum lieu_lien { LIEU_OSM, LIEU_ITINERAIRE, LIEU_GEO };
#define LIEU_URL_SIZE 128
char *lieu_url(const struct lieu *l, enum lieu_lien k, char *out);

/* The référentiel whose own scale sc is ("carte-competences-idf" for its
 * cercles), NULL for a scale of the vocabularies or NULL. */
const struct referentiel *scale_referentiel(const struct site *s, const struct scale *sc);

/* Returns 1 when o lists the code of référentiel ref among its
 * competences ("ref:code"). */
int offre_lists(const struct offre *o, const char *ref, const char *code);
/* Returns 1 when one of o's types is r's id: o prepares that référentiel's
 * certification (type "clea", référentiel clea). */
int offre_prepares(const struct offre *o, const struct referentiel *r);
/* Returns 1 when o works the 'de' code of link l of correspondence c at
 * the link's level (rule 1b of index.h): o lists the code, or, when the
 * code is a criterion, its competence (a criterion describes its
 * competence at one level); and when the link gives niveau_de (else, for a
 * criterion reached through its competence, the criterion's niveau), o is
 * on the 'de' référentiel's own scale with a target (vise) at or above it. */
int offre_reaches(const struct offre *o, const struct correspondance *c, const struct corr_link *l);

struct buf;
/* Why the suite su follows the offer from, in one French sentence appended
 * to out (rule of index.h), a no-break space (U+00A0, in CP1252 for the
 * PDF) before each ";" and ":" as French typography has it (shown as " "
 * here): "Accueille le niveau A2 visé ici (entrée de A2
 * à B1, vise B1) ; ouverte à tous les publics ; inscriptions ouvertes ; à
 * 1,2 km, dans le même département."; across scales, "Accueille le niveau
 * A1.1, qui correspond au D1 visé ici (correspondance anlci – cecrl ;
 * entrée …"; through a correspondence between référentiels (su->chain),
 * "Prépare CléA : les sous-domaines 4.1 et 5.1 correspondent aux axes A3
 * et A9 travaillés ici jusqu'à C3 (correspondance Carte de compétences –
 * CléA) ; …", the codes of the suite that the links from reaches name (in
 * the suite's order), then the 'de' codes of those links (in the table's
 * order), with the référentiels' labels (libelles) as nouns. */
void suite_reason(struct buf *out, const struct vocab *v, const struct offre *from,
    const struct suite *su);
/* How the suite recruits: "inscriptions ouvertes" when a session is open,
 * else "entrées permanentes" (the only other way the rule admits). */
const char *suite_recrutement(const struct suite *su);

#endif
