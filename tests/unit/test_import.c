/*
 * Unit tests of generator/import: the reduction of LHÉO's HTML text fields
 * to Markdown (lheo_md), the external sort of its records (lheo_sort), and
 * the guard that stops a file at its first entity declaration (lheo_prolog).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../generator/base/buf.h"
#include "../../generator/import/lheo_md.h"
#include "../../generator/import/lheo_prolog.h"
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

/* The guard's verdict on doc (n bytes) fed in chunks of step bytes (0: at
 * split, then the rest), and how many bytes it handed over in *given. */
static struct lheo_prolog prolog_run(const char *doc, size_t n, size_t step, size_t split, size_t *given)
{
	struct lheo_prolog p;
	lheo_prolog_init(&p);
	*given = 0;
	if (!step) {
		*given += lheo_prolog_scan(&p, (const unsigned char *)doc, split);
		*given += lheo_prolog_scan(&p, (const unsigned char *)doc + split, n - split);
	}
	for (size_t at = 0; step && at < n; at += step)
		*given += lheo_prolog_scan(&p, (const unsigned char *)doc + at, step < n - at ? step : n - at);
	return p;
}

/* Whatever the chunks, the guard says verdict at line and hands over the
 * bytes before the offending markup (at: its offset), or all of them; at
 * most slack bytes more when the markup began in a chunk already handed
 * over (the guard cannot take them back), none when the file comes whole. */
static int prolog_is(const char *doc, size_t n, enum lheo_prolog_verdict verdict, uint32_t line,
    size_t at, size_t slack)
{
	for (size_t split = 0; split <= n; split++)
		for (size_t step = 0; step < 3; step++) {
			size_t given;
			struct lheo_prolog p = prolog_run(doc, n, step, split, &given);
			int stopped = verdict >= LHEO_PROLOG_ENTITY;
			size_t lo = stopped ? at : n;
			size_t hi = stopped && (step || (split && split < n)) ? at + slack : lo;
			if (p.verdict != verdict || (verdict != LHEO_PROLOG_MORE && p.line != line) ||
			    given < lo || given > hi) {
				printf("  prolog of [%.40s…] split %zu step %zu: verdict %d line %u given %zu, "
				    "want %d line %u given %zu to %zu\n", doc, split, step, (int)p.verdict, p.line,
				    given, (int)verdict, line, lo, hi);
				return 0;
			}
			if (step)
				break;
		}
	return 1;
}

#define PROLOG_IS(doc, v, line, at, slack) prolog_is(doc, sizeof(doc) - 1, v, line, at, slack)

void test_lheo_prolog(void)
{
	static const char plain[] = "<?xml version=\"1.0\"?>\n<!-- <!ENTITY x> -->\n<lheo/>";
	EXPECT(PROLOG_IS(plain, LHEO_PROLOG_OK, 3, 0, 0));
	/* Declarations in the subset, after a comment, a PI and literals that
	 * hold "<!ENTITY" and ">"; CR LF and a lone CR end a line. */
	static const char decl[] = "\xEF\xBB\xBF<?xml version='1.0' encoding='ISO-8859-15'?>\r\n"
	    "<!DOCTYPE lheo SYSTEM \"a<!ENTITY>\" [\r<!-- <!ENTITY -->\n<?p <!ENTITY ?>\n"
	    "<!ATTLIST lheo a CDATA '>'><!NOTATION n SYSTEM \"<!ENTITY >\">\n <!ENTITY % pe 'x'>]><lheo/>";
	EXPECT(PROLOG_IS(decl, LHEO_PROLOG_ENTITY, 6, (size_t)(strstr(decl, "<!ENTITY %") - decl), 7));
	/* No DOCTYPE: the root comes, and the rest goes through unread. */
	static const char after[] = "<lheo><!DOCTYPE x [<!ENTITY a 'b'>]></lheo>";
	EXPECT(PROLOG_IS(after, LHEO_PROLOG_OK, 1, 0, 0));
	/* UTF-16 (little-endian, with its mark; big-endian without). */
	static const char le[] = "\xFF\xFE<\0!\0D\0O\0C\0T\0Y\0P\0E\0 \0a\0[\0\n\0<\0!\0E\0N\0T\0I\0T\0Y\0";
	EXPECT(PROLOG_IS(le, LHEO_PROLOG_ENTITY, 2, 28, 15));
	static const char be[] = "\0<\0?\0x\0m\0l\0?\0>\0<\0l";
	EXPECT(PROLOG_IS(be, LHEO_PROLOG_OK, 1, 0, 0));
	/* Encodings the scan cannot read. */
	static const char ebcdic[] = "<?xml version=\"1.0\" encoding=\"IBM037\"?>\x4C\x5A";
	EXPECT(PROLOG_IS(ebcdic, LHEO_PROLOG_ENCODING, 1, 0, 38));
	static const char spaced[] = "<?xml version='1.0'\n\n                                        "
	    "                                                                                      "
	    "                                 encoding = 'UTF-8' ?><!DOCTYPE a [<!ENTITY b 'c'>]>";
	EXPECT(PROLOG_IS(spaced, LHEO_PROLOG_ENTITY, 3, (size_t)(strstr(spaced, "<!ENTITY") - spaced), 7));
	static const char hidden[] = "<?xml version='1.0' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxx encoding='IBM037'?>";
	EXPECT(PROLOG_IS(hidden, LHEO_PROLOG_ENCODING, 1, 0, sizeof(hidden)));
	static const char ucs4[] = "\0\0\0<\0\0\0?";
	EXPECT(PROLOG_IS(ucs4, LHEO_PROLOG_ENCODING, 1, 0, 3));
}
