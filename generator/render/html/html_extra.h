/*
 * The files around the HTML pages (html_extra.c): feed, sitemap, robots.txt
 * and the search index. Included by html.c only.
 */
#ifndef CARTO_HTML_EXTRA_H
#define CARTO_HTML_EXTRA_H

struct publish;
struct site;

/* Writes them all (drafts: the pages marked brouillon too); returns 0 or -1. */
int html_extras(const struct site *s, int drafts, struct publish *p);

#endif
