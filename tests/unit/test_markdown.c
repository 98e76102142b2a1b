/*
 * Unit tests of generator/text/markdown.c: a text parsed once renders the
 * same HTML as the text parsed at each rendering, and stays as it was after
 * a rendering (its links and carto blocks are put back), so that it can be
 * rendered again from another page or read again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/text/markdown.h"
#include "harness.h"
#include "tests.h"

static const char *prefixed(void *ctx, const char *url)
{
	static char out[256];
	snprintf(out, sizeof(out), "%s%s", (const char *)ctx, url);
	return out;
}

static void view(void *ctx, size_t index, struct buf *out)
{
	(void)ctx;
	buf_printf(out, "<div>vue %zu</div>\n", index);
}

static void fence(void *ctx, const char *text, size_t len, uint32_t line)
{
	buf_printf(ctx, "%u:%.*s", line, (int)len, text);
}

static void link_seen(void *ctx, const char *url, uint32_t line, uint32_t col)
{
	buf_printf(ctx, "%u:%u:%s ", line, col, url);
}

/* The HTML of doc with links prefixed by pre equals that of text. */
static int same_html(struct md_doc *doc, const char *text, const char *pre)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	md_doc_html(&a, doc, 0, view, NULL, prefixed, (void *)pre);
	md_html_links(&b, text, 0, view, NULL, prefixed, (void *)pre);
	int same = a.len && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	buf_release(&a);
	buf_release(&b);
	return same;
}

void test_md_doc(void)
{
	const char *text = "# Titre\n\nVoir [la page](autre/) et ![une image](img.png),\n"
	    "[refusé](javascript:alert(1)) et <b>brut</b>.\n\n```carto\nvue: offres\n```\n\nFin.\n";
	struct md_doc *doc = md_parse(text);
	EXPECT(same_html(doc, text, "../"));
	/* Rendered again for another page: the links are the text's again. */
	EXPECT(same_html(doc, text, "../../"));
	struct buf b = BUF_INIT;
	md_doc_fences(doc, fence, &b);
	EXPECT_STR(b.data, "7:vue: offres\n");
	buf_reset(&b);
	struct diag_text body = { 10, 1, 1, DIAG_TEXT_LINES };
	md_doc_links(doc, &body, link_seen, &b);
	EXPECT_STR(b.data, "12:6:autre/ 12:27:img.png 13:1:javascript:alert(1) ");
	/* The same text in a YAML literal block, indented by 4, its first
	 * line on line 8; then on one line, quoted from column 20. */
	buf_reset(&b);
	struct diag_text block = { 8, 5, 5, DIAG_TEXT_LINES };
	md_doc_links(doc, &block, link_seen, &b);
	EXPECT_STR(b.data, "10:10:autre/ 10:31:img.png 11:5:javascript:alert(1) ");
	buf_reset(&b);
	struct diag_text folded = { 8, 20, 20, DIAG_TEXT_FOLDED };
	md_doc_links(doc, &folded, link_seen, &b);
	EXPECT_STR(b.data, "8:20:autre/ 8:20:img.png 8:20:javascript:alert(1) ");
	struct diags d = DIAGS_INIT;
	EXPECT(md_doc_lint(doc, "p.md", &body, 0, &d) == 0 && d.errors == 1 && d.warnings == 2);
	diags_free(&d);
	md_doc_free(doc);
	/* Over the bounds: reported, and rendered as an empty text. */
	char *big = malloc(MD_MAX_TEXT + 2);
	memset(big, 'a', MD_MAX_TEXT + 1);
	big[MD_MAX_TEXT + 1] = '\0';
	doc = md_parse(big);
	d = (struct diags)DIAGS_INIT;
	body.line = 1;
	EXPECT(md_doc_lint(doc, "p.md", &body, 0, &d) == -1 && d.errors == 1);
	buf_reset(&b);
	md_doc_html(&b, doc, 0, NULL, NULL, NULL, NULL);
	EXPECT(b.len == 0);
	diags_free(&d);
	md_doc_free(doc);
	free(big);
	buf_release(&b);
}
