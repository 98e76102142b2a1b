/*
 * Views embedded in pages: a fenced block with the info string "carto" whose
 * body is YAML naming a view (a cartography's map, a count, a table of
 * offers by département × type, a list of offers, a référentiel's domains, a
 * correspondence table) and its parameters. Read once the site is loaded;
 * every problem is a content error at the block's line. The README lists the
 * views.
 */
#ifndef CARTO_EMBED_H
#define CARTO_EMBED_H

#include <stddef.h>

struct site;
struct diags;
struct embed;
struct offre;
struct lieu;

void embeds_read(struct site *s, struct diags *d);
/* Returns 1 when a view keeps the offer at that lieu (its département and
 * its filters). */
int embed_keeps(const struct embed *e, const struct offre *o, const struct lieu *l);
/* The columns of a tableau view (offer type codes): its types, else its
 * cartography's selection, else every type. Fills codes when not NULL;
 * returns how many. */
size_t embed_columns(const struct site *s, const struct embed *e, const char **codes);
/* Counts an offer the view keeps, at a lieu, into a tableau's cells:
 * cell[d * (nt + 1) + t] for département d and column t, column nt for the
 * offer once whatever its types, row n_departements for Île-de-France. An
 * offer of several types counts in each of their columns. */
void embed_count(const struct site *s, const char *const *codes, size_t nt, const struct offre *o,
    const struct lieu *l, size_t *cell);

#endif
