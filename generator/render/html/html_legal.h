/*
 * The legal pages carto writes when the site has none of that slug
 * (html_legal.c): déclaration d'accessibilité, mentions légales, plan du
 * site. Above html_views.c in the HTML stage's layers; included by html.c
 * only.
 */
#ifndef CARTO_HTML_LEGAL_H
#define CARTO_HTML_LEGAL_H

#include <stddef.h>

struct pctx;
struct site;
struct view;

/* Their slugs, in the order accessibilite, mentions-legales, plan-du-site. */
#define HTML_LEGAL_N 3
extern const char *const html_legal_slugs[HTML_LEGAL_N];
/* Returns 1 when carto writes legal page which: the site publishes no page
 * of that slug. */
int html_legal_generated(const struct site *s, int drafts, size_t which);
/* Builds its view (template "page"); sets *path to its output path. */
struct view *html_legal_page(struct pctx *c, size_t which, const char **path);

#endif
