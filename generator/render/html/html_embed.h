/*
 * The views that pages embed (html_embed.c): the HTML of a page's Markdown
 * with its carto blocks, and the slides of a deck. Included by html_views.c
 * only. Strings live in the page's arena.
 */
#ifndef CARTO_HTML_EMBED_H
#define CARTO_HTML_EMBED_H

struct buf;
struct page;
struct pctx;
struct view;

/* Writes <a href="…">text</a> to out for a path from the root, escaped. */
void html_a(struct pctx *c, struct buf *out, const char *path, const char *text);
/* The HTML of a page's Markdown body with its carto views. */
const char *html_page_markdown(struct pctx *c, const struct page *p);
/* Sets the slides of a deck in its view, with its PDFs. */
void html_slides(struct pctx *c, struct view *v, const struct page *p);

#endif
