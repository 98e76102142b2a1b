/*
 * cmark wrapper. Rendering drops links whose scheme is not allowed by
 * rewriting their URL in the tree before cmark renders it, so the rule is the
 * same in every output.
 */
#include "markdown.h"

#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/diag.h"

int md_url_ok(const char *url)
{
	const char *p = url;
	if (!isalpha((unsigned char)*p))
		return 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':')
		return 1;	/* no scheme: a relative link */
	size_t n = (size_t)(p - url);
	static const char *const ok[] = { "http", "https", "mailto", "tel" };
	for (size_t i = 0; i < 4; i++)
		if (strlen(ok[i]) == n && strncasecmp(url, ok[i], n) == 0)
			return 1;
	return 0;
}

void md_lint(const char *body, const char *file, uint32_t first_line,
    int html_brut, struct diags *d)
{
	cmark_node *doc = cmark_parse_document(body, strlen(body), CMARK_OPT_SOURCEPOS);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node_type t = cmark_node_get_type(n);
		uint32_t line = (uint32_t)cmark_node_get_start_line(n) + first_line - 1;
		uint32_t col = (uint32_t)cmark_node_get_start_column(n);
		if (!html_brut && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE))
			diag_add(d, file, line, col, DIAG_WARNING,
			    "raw HTML is left out (site.yaml has html_brut: false)");
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
			const char *url = cmark_node_get_url(n);
			if (url && !md_url_ok(url))
				diag_add(d, file, line, col, DIAG_WARNING,
				    "link to '%.40s' is dropped: only http, https, mailto and tel links are published",
				    url);
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}

void md_html(struct buf *out, const char *text, int html_brut)
{
	cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_VALIDATE_UTF8);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)) {
			const char *url = cmark_node_get_url(n);
			if (url && !md_url_ok(url))
				cmark_node_set_url(n, "");
		}
	}
	cmark_iter_free(it);
	char *html = cmark_render_html(doc, html_brut ? CMARK_OPT_UNSAFE : 0);
	buf_puts(out, html);
	free(html);
	cmark_node_free(doc);
}
