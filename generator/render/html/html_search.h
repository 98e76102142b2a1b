/*
 * The search index in pieces (html_search.c): recherche/index.js (the
 * manifest), recherche/d/, p/ and docs/. Included by html_extra.c only.
 */
#ifndef CARTO_HTML_SEARCH_H
#define CARTO_HTML_SEARCH_H

struct publish;
struct site;

/* Writes the index of the published pages (drafts too when drafts is 1);
 * returns 0 or -1. */
int html_search_index(const struct site *s, int drafts, struct publish *p);

#endif
