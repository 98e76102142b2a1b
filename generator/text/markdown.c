/*
 * cmark wrapper. Rendering drops links whose scheme is not allowed by
 * rewriting their URL in the tree before cmark renders it, so the rule is the
 * same in every output.
 */
#include "markdown.h"

#include <cmark.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/url.h"

/*
 * cmark 0.30.2 (Debian's) is quadratic on one shape: each link closed in a
 * paragraph walks back over every image opener ("![") still open before it
 * (upstream fixed it in 0.30.3). This simulates the bracket stack of each
 * paragraph (a run of lines between blank lines, a superset of one) and
 * sums those steps. Returns 0 when the text (NUL at len) is within the
 * bounds, else -1 with the line (1-based) of the paragraph or of the text and
 * a reason.
 */
static int over_bounds(const char *text, size_t len, uint32_t *line,
    const char **why)
{
	*line = 1;
	if (len > MD_MAX_TEXT) {
		*why = "text too large for one page: the limit is 8 MiB of Markdown (split it into several pages)";
		return -1;
	}
	unsigned char *stack = NULL;	/* 1 for "![", 0 for "[" */
	size_t n = 0, cap = 0, images = 0;
	uint64_t work = 0;
	uint32_t ln = 1, para = 1;
	int blank = 1;
	for (size_t i = 0; i < len; i++) {
		/* Straight to the next byte that matters (text ends with NUL at
		 * len): most of a text is neither a bracket nor a line's end. */
		size_t skip = strcspn(text + i, "\n\\[]");
		for (size_t j = i; blank && j < i + skip; j++)
			blank = text[j] == ' ' || text[j] == '\t';
		if ((i += skip) >= len)
			break;
		char c = text[i];
		if (c == '\n') {
			if (blank) {
				n = images = 0;
				work = 0;
				para = ln + 1;
			}
			ln++;
			blank = 1;
			continue;
		}
		if (c != ' ' && c != '\t')
			blank = 0;
		if (c == '\\' && i + 1 < len && text[i + 1] != '\n')
			i++;
		else if (c == '[') {
			int img = i > 0 && text[i - 1] == '!';
			stack = xgrow(stack, &cap, n + 1, 1);
			stack[n++] = (unsigned char)img;
			images += (size_t)img;
		} else if (c == ']' && n > 0) {
			if (stack[--n])
				images--;
			else
				work += images;
			if (work > MD_MAX_BRACKET_WORK) {
				free(stack);
				*line = para;
				*why = "paragraph too complex for the Markdown parser: too many '![' left open before links (split it with blank lines or write \\[ for a literal bracket)";
				return -1;
			}
		}
	}
	free(stack);
	return 0;
}

/* The one rule for links, from base/url.c: a script address is an error, an
 * address of another scheme a warning; both are dropped when rendering. */
static void lint_link(cmark_node *n, const char *file, uint32_t line, uint32_t col,
    struct diags *d)
{
	cmark_node_type t = cmark_node_get_type(n);
	const char *url = t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ? cmark_node_get_url(n) : NULL;
	if (url && url_kind(url) == URL_SCRIPT)
		diag_add(d, file, line, col, DIAG_ERROR,
		    "link to '%.40s' is refused: a script or data address is never published", url);
	else if (url && !url_is_link(url))
		diag_add(d, file, line, col, DIAG_WARNING,
		    "link to '%.40s' is dropped: only http, https, mailto and tel links are published", url);
}

/* Where node n (its line and column in the text) is in the file. */
static void node_pos(cmark_node *n, const struct diag_text *at, uint32_t *line, uint32_t *col)
{
	diag_text_pos(at, (uint32_t)cmark_node_get_start_line(n), (uint32_t)cmark_node_get_start_column(n),
	    line, col);
}

int md_bounds(const char *text, const char *file, const struct diag_text *at,
    struct diags *d)
{
	uint32_t para, line, col;
	const char *why;
	if (!text)
		return 0;
	if (over_bounds(text, strlen(text), &para, &why) < 0) {
		diag_text_pos(at, para, 1, &line, &col);
		diag_add_msg(d, file, line, col, DIAG_ERROR, why);
		return -1;
	}
	cmark_node *doc = cmark_parse_document(text, strlen(text), 0);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER) {
			cmark_node *n = cmark_iter_get_node(it);
			node_pos(n, at, &line, &col);
			lint_link(n, file, line, col, d);
		}
	cmark_iter_free(it);
	cmark_node_free(doc);
	return 0;
}

/* Parses text, or returns NULL when it is over the bounds (md_lint says so). */
static cmark_node *parse_doc(const char *text, int options)
{
	size_t len = strlen(text);
	uint32_t line;
	const char *why;
	if (over_bounds(text, len, &line, &why) < 0)
		return NULL;
	return cmark_parse_document(text, len, options);
}

/*
 * A parsed text. Its tree is read by the lint, the link check and the
 * fences (one thread), then rendered by any thread: md_doc_html changes the
 * URLs and the carto blocks for one rendering and puts them back, under
 * lock, so the tree is the same after as before.
 */
struct md_doc {
	cmark_node *root;	/* NULL when the text is over the bounds */
	uint32_t line;		/* then the line (from 1) and the reason */
	const char *why;
	pthread_mutex_t lock;
};

struct md_doc *md_parse(const char *text)
{
	struct md_doc *doc = xcalloc(1, sizeof(*doc));
	size_t len = strlen(text);
	/* The texts are valid UTF-8 (the loader refuses others): validating
	 * changes nothing but keeps cmark's output valid whatever it is given. */
	if (over_bounds(text, len, &doc->line, &doc->why) == 0)
		doc->root = cmark_parse_document(text, len, CMARK_OPT_VALIDATE_UTF8);
	pthread_mutex_init(&doc->lock, NULL);
	return doc;
}

void md_doc_free(struct md_doc *doc)
{
	if (!doc)
		return;
	if (doc->root)
		cmark_node_free(doc->root);
	pthread_mutex_destroy(&doc->lock);
	free(doc);
}

int md_doc_lint(const struct md_doc *doc, const char *file, const struct diag_text *at,
    int html_brut, struct diags *d)
{
	uint32_t line, col;
	if (!doc->root) {
		diag_text_pos(at, doc->line, 1, &line, &col);
		diag_add_msg(d, file, line, col, DIAG_ERROR, doc->why);
		return -1;
	}
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node_type t = cmark_node_get_type(n);
		node_pos(n, at, &line, &col);
		if (!html_brut && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE))
			diag_add(d, file, line, col, DIAG_WARNING,
			    "raw HTML is left out (site.yaml has html_brut: false)");
		lint_link(n, file, line, col, d);
	}
	cmark_iter_free(it);
	return 0;
}

int md_lint(const char *body, const char *file, const struct diag_text *at,
    int html_brut, struct diags *d)
{
	struct md_doc *doc = md_parse(body);
	int rc = md_doc_lint(doc, file, at, html_brut, d);
	md_doc_free(doc);
	return rc;
}

void md_doc_links(const struct md_doc *doc, const struct diag_text *at, md_link_seen_fn fn, void *ctx)
{
	uint32_t line, col;
	if (!doc->root)
		return;		/* over the bounds: md_lint says so */
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *url = cmark_node_get_url(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && url) {
			node_pos(n, at, &line, &col);
			fn(ctx, url, line, col);
		}
	}
	cmark_iter_free(it);
}

static int is_view(cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);
	if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK || !info)
		return 0;
	while (*info == ' ')
		info++;
	return strncmp(info, "carto", 5) == 0 && (info[5] == '\0' || info[5] == ' ');
}

void md_doc_fences(const struct md_doc *doc, md_fence_fn fn, void *ctx)
{
	if (!doc->root)
		return;
	cmark_iter *it = cmark_iter_new(doc->root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && is_view(n)) {
			const char *body = cmark_node_get_literal(n);
			fn(ctx, body ? body : "", body ? strlen(body) : 0,
			    (uint32_t)cmark_node_get_start_line(n) + 1);
		}
	}
	cmark_iter_free(it);
}

void md_fences(const char *text, md_fence_fn fn, void *ctx)
{
	struct md_doc *doc = md_parse(text);
	md_doc_fences(doc, fn, ctx);
	md_doc_free(doc);
}

/* What rewrite changed, to be put back: a link's URL or a block's text. */
struct change {
	cmark_node *n;
	char *was;
};

/* Drops links with a refused scheme, passes the others through link and,
 * when views_on, numbers the carto blocks: each one's body becomes its
 * index, found again in the HTML. Without views (Markdown outside pages)
 * they stay code. With undo, records each change there (the caller frees
 * the array); returns their number. */
static size_t rewrite(cmark_node *doc, int views_on, md_link_fn link, void *link_ctx,
    struct change **undo)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t views = 0, n = 0, cap = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		const char *to = NULL, *was = NULL;
		int url = t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE;
		char num[32];
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (url && (was = cmark_node_get_url(c)))
			to = !url_is_link(was) ? "" : link ? link(link_ctx, was) : NULL;
		else if (!url && views_on && is_view(c)) {
			snprintf(num, sizeof(num), "%zu\n", views++);
			to = num;
			was = cmark_node_get_literal(c);
		}
		if (!to)
			continue;
		if (undo) {
			*undo = xgrow(*undo, &cap, n + 1, sizeof(**undo));
			(*undo)[n++] = (struct change){ c, xstrdup(was ? was : "") };
		}
		if (url)
			cmark_node_set_url(c, to);
		else
			cmark_node_set_literal(c, to);
	}
	cmark_iter_free(it);
	return n;
}

/* Parses text and rewrites it for rendering (see rewrite). */
static cmark_node *parse(const char *text, int views_on, md_link_fn link, void *link_ctx)
{
	cmark_node *doc = parse_doc(text, CMARK_OPT_VALIDATE_UTF8);
	if (!doc)
		return cmark_node_new(CMARK_NODE_DOCUMENT);
	rewrite(doc, views_on, link, link_ctx, NULL);
	return doc;
}

/* Appends html with each numbered carto block replaced by its view (or
 * left out when there is no fn). */
static void put_views(struct buf *out, const char *html, md_view_fn fn, void *ctx)
{
	static const char open[] = "<pre><code class=\"language-carto\">", close[] = "</code></pre>\n";
	const char *p = html, *q;
	while ((q = strstr(p, open))) {
		const char *end = strstr(q, close);
		if (!end)
			break;
		buf_add(out, p, (size_t)(q - p));
		if (fn)
			fn(ctx, strtoul(q + sizeof(open) - 1, NULL, 10), out);
		p = end + sizeof(close) - 1;
	}
	buf_puts(out, p);
}

static void render(struct buf *out, cmark_node *doc, int html_brut, md_view_fn fn, void *ctx)
{
	char *html = cmark_render_html(doc, html_brut ? CMARK_OPT_UNSAFE : 0);
	if (fn)
		put_views(out, html, fn, ctx);
	else
		buf_puts(out, html);
	free(html);
}

void md_doc_html(struct buf *out, struct md_doc *doc, int html_brut, md_view_fn fn, void *ctx,
    md_link_fn link, void *link_ctx)
{
	if (!doc->root)
		return;		/* over the bounds: nothing, as an empty text */
	pthread_mutex_lock(&doc->lock);
	struct change *undo = NULL;
	size_t n = rewrite(doc->root, fn != NULL, link, link_ctx, &undo);
	render(out, doc->root, html_brut, fn, ctx);
	for (size_t i = 0; i < n; i++) {
		cmark_node_type t = cmark_node_get_type(undo[i].n);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
			cmark_node_set_url(undo[i].n, undo[i].was);
		else
			cmark_node_set_literal(undo[i].n, undo[i].was);
		free(undo[i].was);
	}
	free(undo);
	pthread_mutex_unlock(&doc->lock);
}

void md_html_links(struct buf *out, const char *text, int html_brut, md_view_fn fn, void *ctx,
    md_link_fn link, void *link_ctx)
{
	cmark_node *doc = parse(text, fn != NULL, link, link_ctx);
	render(out, doc, html_brut, fn, ctx);
	cmark_node_free(doc);
}

void md_html(struct buf *out, const char *text, int html_brut, md_view_fn fn, void *ctx)
{
	md_html_links(out, text, html_brut, fn, ctx, NULL, NULL);
}

/* A paragraph that is only "Notes :" (or "Notes:") starts the speaker notes. */
static int is_notes(cmark_node *n)
{
	if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
		return 0;
	cmark_node *t = cmark_node_first_child(n);
	const char *s = t && cmark_node_get_type(t) == CMARK_NODE_TEXT ? cmark_node_get_literal(t) : NULL;
	if (!s || cmark_node_next(t))
		return 0;
	return strcmp(s, "Notes :") == 0 || strcmp(s, "Notes:") == 0 || strcmp(s, "Notes\u00a0:") == 0;
}

/* Moves the top-level blocks of doc up to the next thematic break (which is
 * removed) into a new slide document, and its notes into another. */
static void take_slide(cmark_node *doc, cmark_node **slide, cmark_node **notes)
{
	*slide = cmark_node_new(CMARK_NODE_DOCUMENT);
	*notes = cmark_node_new(CMARK_NODE_DOCUMENT);
	cmark_node *into = *slide, *n;
	while ((n = cmark_node_first_child(doc))) {
		if (cmark_node_get_type(n) == CMARK_NODE_THEMATIC_BREAK) {
			cmark_node_free(n);
			break;
		}
		if (into == *slide && is_notes(n)) {
			cmark_node_free(n);
			into = *notes;
			continue;
		}
		cmark_node_append_child(into, n);
	}
}

size_t md_slides(const char *text, int html_brut, md_view_fn fn, void *ctx, md_link_fn link,
    void *link_ctx, struct md_slide **out)
{
	cmark_node *doc = parse(text, 1, link, link_ctx);
	size_t n = 0, cap = 8;
	struct md_slide *v = xmalloc(cap * sizeof(*v));
	while (cmark_node_first_child(doc)) {
		cmark_node *slide, *notes;
		take_slide(doc, &slide, &notes);
		if (!cmark_node_first_child(slide) && !cmark_node_first_child(notes)) {
			cmark_node_free(slide);
			cmark_node_free(notes);
			continue;	/* "---" twice in a row, or at the end */
		}
		struct buf h = BUF_INIT, t = BUF_INIT;
		render(&h, slide, html_brut, fn, ctx);
		if (cmark_node_first_child(notes))
			render(&t, notes, html_brut, fn, ctx);
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n++] = (struct md_slide){ buf_detach(&h, NULL), t.len ? buf_detach(&t, NULL) : NULL };
		buf_release(&t);
		cmark_node_free(slide);
		cmark_node_free(notes);
	}
	cmark_node_free(doc);
	*out = v;
	return n;
}

void md_slides_free(struct md_slide *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].html);
		free(v[i].notes);
	}
	free(v);
}

/* ---- slides as blocks of spans, for the PDF decks ---- */

/* The spans of one block as they are made: their texts one after the
 * other in text, each span's offset and length, and its URL's offset in
 * urls (or -1). */
struct span_acc {
	struct buf text, urls;
	struct span_at {
		size_t off, len;
		int bold, italic;
		long url;
	} *v;
	size_t n, cap;
};

/* Appends len bytes in a style, to the last span when it has that style. */
static void span_add(struct span_acc *sa, const char *s, size_t len, int bold, int italic, long url)
{
	struct span_at *last = sa->n ? &sa->v[sa->n - 1] : NULL;
	if (!last || last->bold != bold || last->italic != italic || last->url != url) {
		sa->v = xgrow(sa->v, &sa->cap, sa->n + 1, sizeof(*sa->v));
		sa->v[sa->n++] = (struct span_at){ sa->text.len, 0, bold, italic, url };
		last = &sa->v[sa->n - 1];
	}
	buf_add(&sa->text, s, len);
	last->len += len;
}

/* Appends the inline text under n in the spans, bold, italic and a link's
 * URL (an offset in sa->urls) inherited from the parents. */
static void inlines(struct span_acc *sa, cmark_node *n, int bold, int italic, long url)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: {
			/* Tabs and line breaks are spaces, as in HTML. */
			const char *s = cmark_node_get_literal(c);
			for (size_t k = 0; s && s[k]; k++)
				span_add(sa, (unsigned char)s[k] < 0x20 ? " " : s + k, 1, bold, italic, url);
			break;
		}
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			span_add(sa, " ", 1, bold, italic, url);
			break;
		case CMARK_NODE_STRONG:
			inlines(sa, c, !bold, italic, url);
			break;
		case CMARK_NODE_EMPH:
			inlines(sa, c, bold, !italic, url);
			break;
		case CMARK_NODE_LINK: {
			/* parse() emptied the URLs that may not be published. */
			const char *u = cmark_node_get_url(c);
			long at = url;
			if (u && *u && !strchr(u, ' ')) {
				at = (long)sa->urls.len;
				buf_add(&sa->urls, u, strlen(u) + 1);
			}
			inlines(sa, c, bold, italic, at);
			break;
		}
		default:
			inlines(sa, c, bold, italic, url);
		}
	}
}

/* Makes the block's spans and their store (each text followed by a NUL,
 * then the URLs) from what sa gathered, which is released. */
static void spans_take(struct md_block *b, struct span_acc *sa)
{
	size_t size = sa->text.len + sa->n + sa->urls.len;
	b->store = xmalloc(size ? size : 1);
	b->spans = sa->n ? xmalloc(sa->n * sizeof(*b->spans)) : NULL;
	b->n_spans = sa->n;
	char *urls = b->store + sa->text.len + sa->n, *at = b->store;
	memcpy(urls, sa->urls.data, sa->urls.len);
	for (size_t i = 0; i < sa->n; i++) {
		memcpy(at, sa->text.data + sa->v[i].off, sa->v[i].len);
		at[sa->v[i].len] = '\0';
		b->spans[i] = (struct md_span){ at, sa->v[i].len, sa->v[i].bold, sa->v[i].italic,
			sa->v[i].url < 0 ? NULL : urls + sa->v[i].url };
		at += sa->v[i].len + 1;
	}
	buf_release(&sa->text);
	buf_release(&sa->urls);
	free(sa->v);
}

static void add_block(struct md_deck *d, enum md_kind k, int depth, int num, cmark_node *n)
{
	struct span_acc sa = { BUF_INIT, BUF_INIT, NULL, 0, 0 };
	if (k == MDB_CODE) {
		const char *lit = cmark_node_get_literal(n);
		span_add(&sa, lit ? lit : "", lit ? strlen(lit) : 0, 0, 0, -1);
	} else if (n)
		inlines(&sa, n, 0, 0, -1);
	d->b = xgrow(d->b, &d->cap, d->n + 1, sizeof(*d->b));
	struct md_block *b = &d->b[d->n++];
	*b = (struct md_block){ .kind = k, .depth = depth, .num = num };
	spans_take(b, &sa);
}

static void blocks(struct md_deck *d, cmark_node *parent, int depth);

/* Flattens one block; views keep their index in the document. */
static void block(struct md_deck *d, cmark_node *n, int depth)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING: {
		int l = cmark_node_get_heading_level(n);
		add_block(d, l <= 1 ? MDB_H1 : l == 2 ? MDB_H2 : MDB_H3, depth, 0, n);
		break;
	}
	case CMARK_NODE_PARAGRAPH:
		add_block(d, MDB_PARA, depth, 0, n);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		blocks(d, n, depth + 1);
		break;
	case CMARK_NODE_LIST: {
		int num = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? cmark_node_get_list_start(n) : 0;
		for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
			/* The item's first paragraph carries its bullet or number. */
			cmark_node *c = cmark_node_first_child(it);
			int para = c && cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH;
			add_block(d, MDB_ITEM, depth + 1, num, para ? c : NULL);
			for (c = para ? cmark_node_next(c) : c; c; c = cmark_node_next(c))
				block(d, c, depth + 1);
			num += num > 0;
		}
		break;
	}
	case CMARK_NODE_CODE_BLOCK:
		if (is_view(n)) {
			add_block(d, MDB_VIEW, depth, 0, NULL);
			d->b[d->n - 1].view = strtoul(cmark_node_get_literal(n), NULL, 10);
		} else
			add_block(d, MDB_CODE, depth, 0, n);
		break;
	default:
		break;
	}
}

static void blocks(struct md_deck *d, cmark_node *parent, int depth)
{
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n))
		block(d, n, depth);
}

void md_deck(const char *text, struct md_deck *d)
{
	memset(d, 0, sizeof(*d));
	cmark_node *doc = parse(text, 1, NULL, NULL);
	size_t cap = 8;
	d->slide = xmalloc(cap * sizeof(*d->slide));
	while (cmark_node_first_child(doc)) {
		cmark_node *slide, *notes;
		take_slide(doc, &slide, &notes);
		if (cmark_node_first_child(slide) || cmark_node_first_child(notes)) {
			d->slide = xgrow(d->slide, &cap, d->n_slides + 2, sizeof(*d->slide));
			d->slide[d->n_slides++] = d->n;
			blocks(d, slide, 0);
		}
		cmark_node_free(slide);
		cmark_node_free(notes);
	}
	d->slide = xgrow(d->slide, &cap, d->n_slides + 1, sizeof(*d->slide));
	d->slide[d->n_slides] = d->n;
	cmark_node_free(doc);
}

void md_deck_free(struct md_deck *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->b[i].spans);
		free(d->b[i].store);
	}
	free(d->b);
	free(d->slide);
}
