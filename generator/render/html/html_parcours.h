/*
 * The parcours page of a cartography (html_parcours.c): the steps of each
 * scale and the offers of each step by département. Included by
 * html_views.c only. Strings live in the page's arena.
 */
#ifndef CARTO_HTML_PARCOURS_H
#define CARTO_HTML_PARCOURS_H

struct cartographie;
struct pctx;
struct view;

/* The view of cartographies/<id>/parcours/; sets *path. */
struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char **path);

#endif
