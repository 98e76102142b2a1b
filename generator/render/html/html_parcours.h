/*
 * The parcours page of a cartography (html_parcours.c): the steps of each
 * scale and the offers of each step by département. Included by
 * html_views.c, and html.c for the cache's key. Strings live in the page's arena.
 */
#ifndef CARTO_HTML_PARCOURS_H
#define CARTO_HTML_PARCOURS_H

#include <stddef.h>

struct cartographie;
struct pctx;
struct rowref;
struct site;
struct view;

/* The file of the rows of every step, beside the page. */
#define PARCOURS_DATA "donnees.js"

/* The view of cartographies/<id>/parcours/ (key NULL), or of the rows of
 * its steps for its script (key "donnees", PARCOURS_DATA); sets *path. */
struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path);
/* The offers of type "clea" of the whole site at each lieu of the
 * cartography's territory, in the index's one order: the last step of its
 * ladders. Allocated; the caller frees it. */
struct rowref *html_parcours_clea(const struct site *s, const struct cartographie *ca, size_t *n);

#endif
