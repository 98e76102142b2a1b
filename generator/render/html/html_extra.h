/*
 * The files around the HTML pages (html_extra.c): feed, sitemap, robots.txt
 * and the search index. Included by html.c only.
 */
#ifndef CARTO_HTML_EXTRA_H
#define CARTO_HTML_EXTRA_H

struct publish;
struct site;

#include <stddef.h>

/* A page of the site for sitemap.xml: the first len bytes of path. */
struct html_url {
	const char *path;
	size_t len;
	int lastmod;		/* YYYYMMDD or 0 */
};

/* Writes feed.xml, sitemap.xml (every page of u; an index of sitemap-N.xml
 * past sitemap_max URLs: 50,000 by the protocol, lower in the tests) and
 * robots.txt. Returns 0 or -1. */
struct cache;
struct diags;
int html_extras(const struct site *s, int drafts, size_t sitemap_max, const struct html_url *u,
    size_t n, struct publish *p);
/* Writes the search index (drafts: the pages marked brouillon too), a
 * document of the build cache c (NULL: none; d takes its diagnostics)
 * keyed on what it indexes (html_search_key). It reads no page of the build, so it is
 * one of the pool's jobs, rendered beside the pages (html.c); groups gets
 * html_search_index's counts (left as they are when the index is put back).
 * Rendered again, it puts back the files whose bytes are those of the
 * previous build's index (its key kept in a note of c: html-search-doc/).
 * Returns 0 or -1. */
int html_search_job(const struct site *s, int drafts, struct publish *p, struct cache *c,
    size_t groups[4], struct diags *d);

#endif
