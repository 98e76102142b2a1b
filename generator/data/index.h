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
/* Frees what index_site allocated. */
void index_free(struct site *s);

#endif
