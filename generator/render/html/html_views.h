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
	P_DATA, P_404, P_CARTO, P_CARTO_DATA, P_CARTO_PARCOURS };

struct pjob {
	enum pkind kind;
	const void *item;	/* the page, organisation, référentiel… */
	const char *key;	/* département code for P_DEP */
};

/* Builds the page's view: common parts plus the kind's own; sets *tpl to
 * the template name and *path to the output path (arena strings). */
struct view *html_view(struct pctx *c, const struct pjob *j, const char **tpl,
    const char **path);

#endif
