/*
 * Shared by the HTML stage's own files (html.c, html_views.c, html_extra.c)
 * only: the per-page context and the view helpers.
 */
#ifndef CARTO_HTML_INT_H
#define CARTO_HTML_INT_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../data/model.h"
#include "../text/view.h"

/* What one page needs while its view is built. */
struct pctx {
	const struct site *s;
	struct arena *a;	/* the page's arena, reset after each page */
	struct buf *tmp;	/* scratch */
	const char *root;	/* "../.." style prefix back to the site root */
	int depth;
	const struct page **articles;	/* published articles, newest first */
	size_t n_articles;
	const struct strmap *by_folder;	/* folder slug -> struct ptrs of articles */
	int drafts;
	const struct svgmap *map;	/* base maps, built once */
	const char *outdir;		/* the folder being written (for file sizes) */
	const struct carto_index *carto;	/* cartographies' rows, built once */
};

struct carto_index;
/* Sorts every cartography's rows once and indexes them by département and
 * commune; the caller releases it. */
struct carto_index *html_carto_prepare(const struct site *s);
void html_carto_release(struct carto_index *x);

struct svgmap;
struct view *html_common(struct pctx *c, const char *titre, const char *desc, const char *path_url);
void html_crumbs(struct pctx *c, struct view *v, const char *const *items, size_t n);
struct view *html_carto_data(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char **path);
/* Past this many rows, a cartography's view lists communes, not offers, and a
 * commune's list is split into pages of this size: every page stays light. */
#define CARTO_LIST_MAX 1500

/* A row of a cartography: an offer at one of its lieux. */
struct rowref {
	const struct offre *o;
	const struct lieu *l;
};

/* The rows of a cartography (key NULL), of a département or of a commune,
 * sorted by département, commune and organisation. */
struct rowref *html_carto_rows(struct pctx *c, const struct cartographie *ca, const char *key, size_t *n);
/* The cartography's map (of a département when dep) with the same markers as
 * its page, linked to it; ids start with idp. */
const char *html_carto_map(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char *titre, const char *idp);
/* The HTML of a page's Markdown body with its carto views. */
const char *html_page_markdown(struct pctx *c, const struct page *p);
/* Sets the slides of a deck in its view, with its PDFs. */
void html_slides(struct pctx *c, struct view *v, const struct page *p);

/* Returns 1 when a view of that many rows lists communes rather than offers. */
int html_carto_large(size_t rows);
struct view *html_carto_view(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char **path);

/* The kinds of page, each with its template and view builder. */
enum pkind { P_HOME, P_PAGE, P_ORG, P_DIRECTORY, P_DEP, P_REF, P_REFS, P_SEARCH,
	P_DATA, P_404, P_CARTO, P_CARTO_DATA };

struct pjob {
	enum pkind kind;
	const void *item;	/* the page, organisation, référentiel… */
	const char *key;	/* département code for P_DEP */
};

/* Builds the page's view: common parts plus the kind's own; sets *tpl to
 * the template name and *path to the output path (arena strings). */
struct view *html_view(struct pctx *c, const struct pjob *j, const char **tpl,
    const char **path);

/* Helpers shared by the view builders. */
const char *html_fmt(struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *html_date_fr(struct pctx *c, int yyyymmdd);
const char *html_markdown(struct pctx *c, const char *md);
/* The size of a file already written into the output ("56 Ko"), or NULL. */
const char *html_file_size(struct pctx *c, const char *rel);
const char *html_label(const struct vocab_list *l, const char *code);
const char *html_dep_name(const struct site *s, const char *code);
/* URL of a page from the root ("organismes/x/"), made relative and explicit
 * (…/index.html) so that the site works from file:// and any sub-path. */
const char *html_link(struct pctx *c, const char *path);
/* Pages sorted for lists: articles newest first. */
size_t html_articles(const struct site *s, const struct page **out, size_t max, int drafts);

#endif
