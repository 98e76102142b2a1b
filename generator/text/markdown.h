/*
 * Markdown through cmark: the only module that includes cmark.h. md_lint
 * reports what the publication will drop (raw HTML when the site does not
 * allow it, links with a scheme other than http, https, mailto and tel).
 */
#ifndef CARTO_MARKDOWN_H
#define CARTO_MARKDOWN_H

#include <stddef.h>
#include <stdint.h>

struct diags;
struct diag_text;
struct buf;

/*
 * Bounds that keep cmark's time and memory linear in the text: a text of at
 * most MD_MAX_TEXT bytes (cmark's tree takes about 20 bytes per byte), and
 * per paragraph at most MD_MAX_BRACKET_WORK steps of cmark 0.30.2's walk
 * over open image brackets (quadratic otherwise). Every function below
 * treats a text over a bound as empty; md_lint reports it.
 */
#define MD_MAX_TEXT (8u << 20)
#define MD_MAX_BRACKET_WORK 10000000u

/* Checks a Markdown value of a YAML field against the bounds, and its links
 * as md_lint does (a script address is an error); reports each problem at
 * its place in file, the text sitting there as at says (base/diag.h).
 * Returns -1 when over a bound, else 0. */
int md_bounds(const char *text, const char *file, const struct diag_text *at,
    struct diags *d);
/*
 * A text parsed once (a page's body: load_site parses it on the loader's
 * threads), then linted, its links checked, its carto blocks read and its
 * HTML rendered from the same tree: the functions on text below parse it
 * each time. md_doc_html may be called from any thread, the others from
 * one. A text over the bounds gives a doc that md_doc_lint reports and the
 * others take as empty. The caller frees with md_doc_free.
 */
struct md_doc;
struct md_doc *md_parse(const char *text);
void md_doc_free(struct md_doc *doc);

/* Lints body, from file where it sits as at says (a page's body, a
 * Markdown value of a YAML field: base/diag.h), each problem reported at
 * its line and column of the file. Returns -1 when the text is over a
 * bound (an error was added), else 0. */
int md_lint(const char *body, const char *file, const struct diag_text *at,
    int html_brut, struct diags *d);
int md_doc_lint(const struct md_doc *doc, const char *file, const struct diag_text *at,
    int html_brut, struct diags *d);
/* Calls fn for each link and image of doc, in order, with its URL and its
 * position in the file (the text sitting there as at says); nothing for a
 * text over the parser's bounds (md_doc_lint reports it). */
typedef void (*md_link_seen_fn)(void *ctx, const char *url, uint32_t line, uint32_t col);
void md_doc_links(const struct md_doc *doc, const struct diag_text *at, md_link_seen_fn fn, void *ctx);
/* Returns the URL to publish for a link or image (an arena or static string
 * owned by ctx), or NULL to keep it as written. */
typedef const char *(*md_link_fn)(void *ctx, const char *url);
/* Called for each fenced block whose info string is "carto", in document
 * order, with its body and the line of the body's first line (1 for the
 * text's first line). */
typedef void (*md_fence_fn)(void *ctx, const char *text, size_t len, uint32_t line);
void md_fences(const char *text, md_fence_fn fn, void *ctx);
void md_doc_fences(const struct md_doc *doc, md_fence_fn fn, void *ctx);

/* Appends the HTML of the index-th carto block of a text (a generated view). */
typedef void (*md_view_fn)(void *ctx, size_t index, struct buf *out);

/* Appends the HTML of Markdown text to out; raw HTML only when html_brut.
 * carto blocks are replaced by what fn appends; without fn they stay code. */
void md_html(struct buf *out, const char *text, int html_brut, md_view_fn fn, void *ctx);
/* The same, with each link's URL passed through link (see md_link_fn). */
void md_html_links(struct buf *out, const char *text, int html_brut, md_view_fn fn, void *ctx,
    md_link_fn link, void *link_ctx);
/* The same from a parsed text, which is left as it was. */
void md_doc_html(struct buf *out, struct md_doc *doc, int html_brut, md_view_fn fn, void *ctx,
    md_link_fn link, void *link_ctx);

/* A slide deck: text split at its top-level thematic breaks ("---"). A
 * paragraph "Notes :" starts the slide's speaker notes, which run to the
 * end of the slide. Views and links as in md_html_links (link may be NULL). */
struct md_slide {
	char *html;		/* the slide */
	char *notes;		/* its speaker notes, or NULL */
};
size_t md_slides(const char *text, int html_brut, md_view_fn fn, void *ctx, md_link_fn link,
    void *link_ctx, struct md_slide **out);
void md_slides_free(struct md_slide *v, size_t n);

/* The same slides as a flat list of blocks, for the PDF decks (without the
 * notes). A block's inline text is a list of spans, each a run of one style:
 * bold, italic, and the URL of the link it belongs to. Adjacent runs of the
 * same style are one span; line breaks and tabs are spaces. */
struct md_span {
	const char *text;	/* len bytes, NUL-terminated, owned by the block */
	size_t len;
	int bold, italic;
	const char *url;	/* the link's URL (owned by the block), or NULL */
};
enum md_kind { MDB_H1, MDB_H2, MDB_H3, MDB_PARA, MDB_ITEM, MDB_CODE, MDB_VIEW };
struct md_block {
	enum md_kind kind;
	int depth;		/* list and quote nesting */
	int num;		/* an ordered item's number, 0 for a bullet */
	struct md_span *spans;	/* MDB_CODE: one plain span; MDB_VIEW: none */
	size_t n_spans;
	char *store;		/* the spans' texts and URLs */
	size_t view;		/* MDB_VIEW: index of the carto block */
};
struct md_deck {
	struct md_block *b;
	size_t n, cap;
	size_t *slide;		/* slide i is blocks slide[i] .. slide[i + 1] - 1 */
	size_t n_slides;
};
void md_deck(const char *text, struct md_deck *d);
void md_deck_free(struct md_deck *d);

#endif
