/*
 * The index stage: after validation, builds the lookups that the outputs
 * need (organisations by département and commune, offers by type and
 * parcours, correspondences in both directions, offers per competence, the
 * rows of every cartography). The model is read-only afterwards.
 *
 * The rows of a cartography are its offers at each of their lieux (one row
 * per offer × lieu the selection takes), computed once and read by every
 * output: the HTML lists and maps, the PDF booklets, the XLSX workbooks and
 * the CSV/GeoJSON extracts of a cartography all show them in this one order:
 *   1. département code (so a département's rows are one range),
 *   2. commune name, then commune code (a commune's rows are one range),
 *   3. organisation name, 4. offer title (intitulé),
 *   5. organisation id, offer id, lieu id (the order is total).
 * Names compare in French order (base/collate.h: Évry before Vitry). A lieu
 * without a commune sorts first in its département.
 *
 * The suites of an offer A (offre->suites, at most SUITES_MAX) are the
 * offers B that can follow it, for a prescripteur who sees a person finish A:
 *   1. level: A has a scale and a target level (vise); B has the same scale,
 *      an entry range (min and max; one missing is the end of the scale)
 *      that holds A's target, and a target of higher rank than A's; or B
 *      is on another scale and a correspondence between scales
 *      (vocab.corr) pairs A's target with a level u of B's scale that B's
 *      entry range holds and B's target is above (suite->via is u). A
 *      scale is one of the vocabularies' or a référentiel's own
 *      (offre->scale: "carte-competences-idf:cercles");
 *   1b. or, through a correspondence between référentiels de -> vers
 *      (referentiels/correspondances/, suite->chain): B prepares vers's
 *      certification (one of its types is vers's id: type "clea" for the
 *      référentiel clea) and A does not; a link of the table goes from a
 *      code of de that A works (offre_reaches in derive.h: A lists it, or
 *      the competence of that criterion, and, when the link gives
 *      niveau_de, A's target on de's own scale is at or above it) to a code
 *      of vers that B lists. This is "préparer CléA": after an offer that
 *      works Carte de compétences axes up to a cercle, the CléA
 *      preparations that work the sub-domains the Région's table links to
 *      those axes at that cercle (a correspondence since 2018: Défi
 *      métiers, interview of P. Coatanéa, 6 Jan 2021; the table is not
 *      published, the example's is illustrative). The levels of B do not
 *      count: the two référentiels' scales are not comparable;
 *   2. public: B is open to all (no public, or "tous-publics"), or shares a
 *      public code with A (the person still belongs to it);
 *   3. recruitment: a session of B is open, or B has permanent entries and
 *      no session that says closed or suspended;
 *   4. B is another offer than A (another organisation's or the same's);
 *   5. order: same département first (a pair of their lieux in one
 *      département), then the great-circle distance between the nearest
 *      pair of lieux (haversine, R = 6371 km, on each lieu's coordinates or
 *      its commune's centre), then organisation name, offer title, ids.
 * They are found through an index of the candidate offers by scale, by
 * each level of their entry range and by département, and of the
 * preparations by each link of a table that names a code they list, so an
 * offer compares with the offers of its département that take its level
 * or a link it reaches, and with the rest of the region only when those
 * are fewer than SUITES_MAX. An offer that follows by both rules keeps the
 * reason of rule 1.
 *
 * The directory's lists are in French order too: the communes of a
 * département that have organisations (communes_by_dep), and the
 * organisations of a commune (orgs_by_commune), by name then code or id.
 */
#ifndef CARTO_INDEX_H
#define CARTO_INDEX_H

#include <stddef.h>

struct site;
struct cartographie;
struct offre;
struct lieu;

/* Builds the lists above in the site's arena; the cartographies' rows are
 * collected and sorted on up to jobs threads (base/pool.h), the rest in
 * the caller's, in the same order for any jobs. */
void index_site(struct site *s, int jobs);

#define SUITES_MAX 5
/* Fills offre->suites of every offer by the rule above, in the site's arena;
 * after index_site (the build driver times it as a stage of its own). The
 * offers are searched on up to jobs threads (base/pool.h), the results
 * put in the arena in the offers' order: the same for any jobs. */
void index_suites(struct site *s, int jobs);
/* The same for the offers whose redo[i] is set (i in the order of the
 * organisations and their offers; NULL: every offer), their suites in
 * keep (the site's arena, or one merged into it later); the others keep
 * what they hold (suites_memo.c puts back the previous build's). */
struct arena;
void index_suites_redo(struct site *s, int jobs, const unsigned char *redo, struct arena *keep);
/* The squared chord between the two lieux on the unit sphere, as the
 * search compares them (the suites' order, rule 5): bit for bit the value
 * it computes for that pair. */
double index_suite_chord2(const struct lieu *from, const struct lieu *to);
/* The same in two halves, for a lieu met many times: its point on the
 * unit sphere into u, then the squared chord between two such points
 * (index_suite_chord2(from, to) is index_suite_chord2_of(from's, to's)). */
void index_suite_unit(const struct lieu *l, double u[3]);
double index_suite_chord2_of(const double from[3], const double to[3]);
/* 0 when the offer c can be none of a's suites whatever its lieux: it does
 * not recruit, or stands in none of the buckets a reads, or in none of
 * their publics (rules 1 to 3); 1 when it may be one. */
int index_suites_may_follow(const struct site *s, const struct offre *a, const struct offre *c);
/* The great-circle distance in km between two points in degrees. */
double geo_km(double lat1, double lon1, double lat2, double lon2);

/* A row of a cartography: an offer at one of its lieux. */
struct rowref {
	const struct offre *o;
	const struct lieu *l;
};

/* The rows of one view of a cartography: all of them (key NULL), a
 * département's (key "93") or a commune's (key its code_insee); none (*n 0)
 * for a key the cartography does not reach. Owned by the site. */
const struct rowref *index_rows(const struct site *s, const struct cartographie *ca,
    const char *key, size_t *n);
/* Returns 1 when a cartography's selection takes the offer (every listed
 * criterion matches; any value inside one). */
int carto_takes_offre(const struct cartographie *c, const struct offre *o);
/* Returns 1 when the offer's lieu l belongs to the view: the cartography's
 * départements if it lists some, and département dep if not NULL. */
int carto_takes_lieu(const struct cartographie *c, const char *dep, const struct lieu *l);

/* The last keys of the one order: organisation name in French order and
 * organisation id (compared as the organisations' ranks, which index_site
 * sets: only after it), lieu id (an organisation's rows at one lieu
 * together), offer title in French order, offer id. */
int index_cmp_offre_at(const struct offre *a, const struct lieu *la, const struct offre *b,
    const struct lieu *lb);
/* The ties of the suites' order (README, "Suites de parcours", rule 5):
 * organisation name, offer title (both in French order), then the ids:
 * organisation, offer, lieu. */
int index_cmp_suite(const struct offre *a, const struct lieu *la, const struct offre *b,
    const struct lieu *lb);

/* The one order of rows above, for xqsort over struct rowref: département,
 * commune (its name in French order, then its code, as the communes' ranks
 * index_site sets), then index_cmp_offre_at. Only after index_site. */
int index_cmp_rows(const void *a, const void *b);

/* Frees what index_site allocated. */
void index_free(struct site *s);

#endif
