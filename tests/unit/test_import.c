/*
 * Unit tests of generator/import: the reduction of LHÉO's HTML text fields
 * to Markdown (lheo_md).
 */
#include "../../generator/base/buf.h"
#include "../../generator/import/lheo_md.h"
#include "harness.h"
#include "tests.h"

static int md_is(const char *html, const char *want)
{
	struct buf b = BUF_INIT;
	lheo_md(&b, html);
	int ok = strcmp(b.data, want) == 0;
	if (!ok)
		printf("  lheo_md(%s) = [%s], want [%s]\n", html, b.data, want);
	buf_release(&b);
	return ok;
}

void test_lheo_md(void)
{
	/* Paragraphs, bold, lists kept; other tags dropped, script with its text. */
	EXPECT(md_is("<p>Un</p><p>Deux</p>", "Un\n\nDeux"));
	EXPECT(md_is("<p><b>Les objectifs :</b><br /><p>Texte.</p></p>", "**Les objectifs :**\n\nTexte."));
	EXPECT(md_is("<ul><li>a</li><li>b</li></ul><p>fin</p>", "- a\n- b\n\nfin"));
	EXPECT(md_is("<ol><li>un</li><li></li><li>deux</li></ol>", "1. un\n2. deux"));
	EXPECT(md_is("x<script>alert(1)</script>y<style>p{}</style>", "xy"));
	EXPECT(md_is("<a href=\"javascript:x\">lien</a> <span class='a>b'>ici</span>", "lien ici"));
	EXPECT(md_is("<b> gras </b>suite", "**gras** suite"));
	EXPECT(md_is("<b></b><p></p>", ""));
	/* Whitespace collapsed; a blank line of plain text is a paragraph break. */
	EXPECT(md_is("  un\n  deux\n\n trois ", "un deux\n\ntrois"));
	/* Character references decoded; what Markdown would read escaped. */
	EXPECT(md_is("a &amp; b &lt;i&gt; &#233;t&#xE9; &nbsp;c&unknown;", "a \\& b \\<i\\> été c\\&unknown;"));
	EXPECT(md_is("*x* _y_ [z](u) `c` # h", "\\*x\\* \\_y\\_ \\[z\\](u) \\`c\\` \\# h"));
	EXPECT(md_is("<p>- pas une liste</p><p>12. pas un nombre</p>", "\\- pas une liste\n\n12\\. pas un nombre"));
	/* Not tags: kept as text. */
	EXPECT(md_is("a < b et 3<4", "a \\< b et 3\\<4"));
	EXPECT(md_is("<p unterminated", "\\<p unterminated"));
	EXPECT(md_is("&#0; &#xD800; &#1114112;", ""));
}
