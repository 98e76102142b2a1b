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

struct site;
struct diags;
struct embed;
struct offre;
struct lieu;

void embeds_read(struct site *s, struct diags *d);
/* Returns 1 when a view keeps the offer at that lieu (its département and
 * its filters). */
int embed_keeps(const struct embed *e, const struct offre *o, const struct lieu *l);

#endif
