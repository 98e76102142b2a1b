/*
 * Unit tests of generator/import: the reduction of LHÉO's HTML text fields
 * to Markdown (lheo_md), and the external sort of its records (lheo_sort).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../generator/base/buf.h"
#include "../../generator/import/lheo_md.h"
#include "../../generator/import/lheo_sort.h"
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

/* The external sort: records come back sorted by key, equal keys in the
 * order added, every byte intact, with runs small enough that there are
 * hundreds of them (merged 32 at a time, then again) and records larger
 * than a run. */
void test_lheo_sort(void)
{
	struct lheo_sort s;
	lheo_sort_init(&s, "/tmp");
	s.run_size = 4096;
	enum { N = 20000 };
	uint32_t seed = 12345;
	char key[16], data[6000];
	for (uint32_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		int klen = snprintf(key, sizeof(key), "k%03u", (unsigned)(seed >> 16) % 500);
		size_t dlen = i % 997 == 0 ? 5000 : 4 + (seed >> 8) % 300;
		memcpy(data, &i, 4);
		for (size_t k = 4; k < dlen; k++)
			data[k] = (char)(i * 31 + k);
		EXPECT(lheo_sort_add(&s, key, (size_t)klen, data, dlen) == 0);
	}
	EXPECT(lheo_sort_finish(&s) == 0);
	struct lheo_sort_rec r;
	char last[16] = "";
	uint32_t n = 0, last_i = 0;
	int ok = 1;
	while (lheo_sort_next(&s, &r) > 0) {
		uint32_t i;
		char cur[16];
		memcpy(&i, r.data, 4);
		snprintf(cur, sizeof(cur), "%.*s", (int)r.key_len, r.key);
		int c = strcmp(last, cur);
		if (n && (c > 0 || (c == 0 && i <= last_i)))
			ok = 0;
		for (size_t k = 4; k < r.data_len; k++)
			ok &= r.data[k] == (char)(i * 31 + k);
		memcpy(last, cur, sizeof(last));
		last_i = i;
		n++;
	}
	EXPECT(ok);
	EXPECT(n == N);
	EXPECT(s.n_runs <= LHEO_SORT_WAYS);
	lheo_sort_free(&s);
}
