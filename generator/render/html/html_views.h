/*
 * The view builders of the HTML pages (html_views.c), one per kind of page.
 * Included by html.c only.
 */
#ifndef CARTO_HTML_VIEWS_H
#define CARTO_HTML_VIEWS_H

struct pctx;
struct view;

/* The kinds of page, each with its template and view builder. */
enum pkind { P_HOME, P_PAGE, P_ORG, P_DIRECTORY, P_DEP, P_REF, P_REFS, P_SEARCH,
	P_DATA, P_404, P_CARTO, P_CARTO_DATA, P_LEGAL, P_CARTO_PARCOURS };

struct pjob {
	enum pkind kind;
	const void *item;	/* the page, organisation, référentiel… */
	const char *key;	/* département code for P_DEP */
	size_t which;		/* P_LEGAL: index in html_legal_slugs (html_legal.h) */
	char *path;		/* set once rendered (malloc'd), for the sitemap */
};

/* A page one folder down with the common parts and "Accueil > titre". */
struct view *html_simple_page(struct pctx *c, const char *titre, const char *desc,
    const char *url, int depth);

/* Builds the page's view: common parts plus the kind's own; sets *tpl to
 * the template name and *path to the output path (arena strings). Not for
 * P_LEGAL, whose builder (html_legal.c) stands above this file. */
struct view *html_view(struct pctx *c, const struct pjob *j, const char **tpl,
    const char **path);

#endif
