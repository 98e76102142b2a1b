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

/* The folder of the pieces of rows of its steps, beside the page. */
#define PARCOURS_DIR "donnees/"

/* The view of cartographies/<id>/parcours/ (key NULL), or of the piece of
 * département key of the rows of its steps, for its script
 * (parcours/donnees/<dep>.js); sets *path. */
struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path);
/* The offers of type "clea" of the whole site at each lieu of the
 * cartography's territory, in the index's one order: the last step of its
 * ladders. Allocated; the caller frees it. */
struct rowref *html_parcours_clea(const struct site *s, const struct cartographie *ca, size_t *n);
/* Writes to out (room for every département of the territory) the
 * départements that have a piece: rows on a step of a ladder, the
 * cartography's or the CléA rows (clea, from html_parcours_clea); returns
 * how many. */
size_t html_parcours_deps(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea, const char **out);

#endif
