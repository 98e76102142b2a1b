/*
 * The bottom of the HTML stage (generator/render/html/), included by its
 * files only: the per-page context and what html_page.c gives every view
 * builder, the page's frame and the helpers. Strings returned live in the
 * page's arena (c->a) until the next page. The files stand in layers, each
 * including the headers of the layers below it only: html_page.h, then
 * html_carto.h, html_embed.h, html_views.h, and html.c at the top (with
 * html_extra.h beside the views).
 */
#ifndef CARTO_HTML_PAGE_H
#define CARTO_HTML_PAGE_H

#include <stddef.h>

#include "../../base/arena.h"
#include "../../base/buf.h"
#include "../../data/index.h"
#include "../../data/model.h"
#include "../../text/view.h"

struct publish;
struct theme;
struct svgmap;

struct rowref;

/* What one page needs while its view is built. */
struct parcours_step;

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
	struct publish *pub;		/* what was written before (file sizes) */
	const struct theme *theme;	/* for the names of its style sheets and scripts */
	const struct rowref *const *clea;	/* each cartography's CléA rows (the site's
					 * order; html_parcours_clea), found once a build */
	const size_t *n_clea;
	const struct parcours_step *const *steps;	/* each cartography's parcours
					 * steps (html_parcours_steps), found once a build */
	const size_t *n_steps;
};

/* The common parts of every page's view, and its breadcrumbs. */
struct view *html_common(struct pctx *c, const char *titre, const char *desc, const char *path_url);
void html_crumbs(struct pctx *c, struct view *v, const char *const *items, size_t n);

/* Helpers shared by the view builders. */
const char *html_fmt(struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *html_date_fr(struct pctx *c, int yyyymmdd);
const char *html_markdown(struct pctx *c, const char *md);
/* An arena copy of p, a path of data/paths.h written into c->tmp:
 * html_path(c, path_org_page(c->tmp, o)). */
const char *html_path(struct pctx *c, const char *p);
/* The size of a file already written into the output ("56 Ko"), or NULL. */
const char *html_file_size(struct pctx *c, const char *rel);
/* URL of a page from the root ("organismes/x/"), made relative and explicit
 * (…/index.html) so that the site works from file:// and any sub-path. */
const char *html_link(struct pctx *c, const char *path);
/* "Accessibilité : partiellement conforme", the state site.yaml declares
 * (pages_legales), for every footer (a static string). */
const char *html_legal_mention(const struct site *s);
/* The relative URL to publish for a Markdown link written in the page of
 * slug from (NULL outside a page: root-relative links only), or NULL to
 * keep it as written (html_links.c, beside html_page.c). An arena string. */
const char *html_links_rewrite(struct pctx *c, const char *from, const char *url);
/* Pages sorted for lists: articles newest first. */
size_t html_articles(const struct site *s, const struct page **out, size_t max, int drafts);

#endif
