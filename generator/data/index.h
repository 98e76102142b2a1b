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

void index_site(struct site *s);

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

/* Frees what index_site allocated. */
void index_free(struct site *s);

#endif
