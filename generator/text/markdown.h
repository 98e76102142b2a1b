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
struct buf;

/* Lints body (from file, whose first line is first_line). */
void md_lint(const char *body, const char *file, uint32_t first_line,
    int html_brut, struct diags *d);
/* Returns 1 when url may be published (relative, or http/https/mailto/tel). */
int md_url_ok(const char *url);
/* Appends the HTML of Markdown text to out; raw HTML only when html_brut. */
void md_html(struct buf *out, const char *text, int html_brut);

#endif
