/*
 * The HTML site (format.md §8): home, Markdown pages, organisations and their
 * directory, référentiels, search, 404, with feed.xml, sitemap.xml and
 * robots.txt. Pages are rendered through the theme's Mustache templates on
 * the job pool, whose workers share the read-only model.
 */
#ifndef CARTO_HTML_H
#define CARTO_HTML_H

struct backend;

/* Every page, one job each on the pool; the sizes of the other backends'
 * files it links come from the publisher, so it runs last. */
extern const struct backend html_backend;

#endif
