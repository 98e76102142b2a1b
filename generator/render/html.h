/*
 * The HTML site (format.md §8): home, Markdown pages, organisations and their
 * directory, référentiels, search, 404, with feed.xml, sitemap.xml and
 * robots.txt. Pages are rendered through the theme's Mustache templates on
 * the job pool, whose workers share the read-only model.
 */
#ifndef CARTO_HTML_H
#define CARTO_HTML_H

#include <stddef.h>

struct backend;

struct site;
struct diags;

/* Every page, one job each on the pool; the sizes of the other backends'
 * files it links come from the publisher, so it runs last. */
extern const struct backend html_backend;

/* Warns at its line about each internal link of a page or a cartography's
 * introduction that leads to no page or file of the build (html_links.c),
 * except to a page whose source the load refused in part: an error among
 * the first loaded diagnostics of d (the load's, not the lint's, which
 * leaves every page in the model). */
void html_links_check(const struct site *s, struct diags *d, size_t loaded);

#endif
