/*
 * The index stage: after validation, builds the lookups that the outputs
 * need (organisations by département and commune, offers by type and
 * parcours, correspondences in both directions, offers per competence). The
 * model is read-only afterwards.
 */
#ifndef CARTO_INDEX_H
#define CARTO_INDEX_H

struct site;

void index_site(struct site *s);
struct cartographie;
struct offre;
struct lieu;
/* Returns 1 when a cartography's selection takes the offer (every listed
 * criterion matches; any value inside one). */
int carto_takes_offre(const struct cartographie *c, const struct offre *o);
/* Returns 1 when the offer's lieu l belongs to the view: the cartography's
 * départements if it lists some, and département dep if not NULL. */
int carto_takes_lieu(const struct cartographie *c, const char *dep, const struct lieu *l);

/* Frees what index_site allocated. */
void index_free(struct site *s);

#endif
