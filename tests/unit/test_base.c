/*
 * Unit tests of generator/base: buffer, UTF-8, map, escapes, suggestions.
 */
#include <stdlib.h>

#include "../../generator/base/arena.h"
#include "../../generator/base/buf.h"
#include "../../generator/base/civil.h"
#include "../../generator/base/escape.h"
#include "../../generator/base/strmap.h"
#include "../../generator/base/utf8.h"
#include "harness.h"
#include "tests.h"

void test_buf(void)
{
	struct buf b = BUF_INIT;
	EXPECT(b.data[0] == '\0' && b.len == 0);
	buf_puts(&b, "abc");
	buf_printf(&b, "%d-%s", 42, "x");
	EXPECT_STR(b.data, "abc42-x");
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, 'z');
	EXPECT(b.len == 7 + 10000 && b.data[b.len] == '\0');
	buf_reset(&b);
	EXPECT(b.len == 0 && b.data[0] == '\0' && b.cap > 0);
	buf_release(&b);
	EXPECT(b.cap == 0 && b.data[0] == '\0');
	char *s = buf_detach(&b, NULL);
	EXPECT_STR(s, "");
	free(s);
}

void test_utf8(void)
{
	EXPECT(utf8_check("café", 5) == 5);
	EXPECT(utf8_check("caf\xe9!", 5) == 3);		/* Latin-1 é */
	EXPECT(utf8_check("\xc0\xaf", 2) == 0);		/* overlong */
	EXPECT(utf8_check("\xed\xa0\x80", 3) == 0);	/* surrogate */
	EXPECT(utf8_check("\xf4\x90\x80\x80", 4) == 0);	/* past U+10FFFF */
	EXPECT(utf8_check("ab\xe2\x82", 4) == 2);	/* truncated € */
	EXPECT(utf8_check("€œ«»", strlen("€œ«»")) == strlen("€œ«»"));
	EXPECT(utf8_len("Évry") == 4);
}

void test_suggest(void)
{
	const char *types[] = { "alpha", "post-alpha", "fle", "fli", "asl" };
	EXPECT_STR(str_suggest("flee", types, 5), "fle");
	EXPECT_STR(str_suggest("alfa", types, 5), "alpha");
	EXPECT(str_suggest("informatique", types, 5) == NULL);
	EXPECT_STR(str_suggest("ASL", types, 5), "asl");
	EXPECT_STR(str_suggest("FLE", types, 5), "fle");
	EXPECT_STR(str_suggest("Alpha", types, 5), "alpha");
	EXPECT(str_distance("kitten", "sitting") == 3);
}

void test_strmap(void)
{
	struct strmap m = STRMAP_INIT;
	static char keys[2000][16];
	for (int i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		EXPECT(strmap_put(&m, keys[i], keys[i]) == NULL);
	}
	EXPECT(m.n == 2000);
	EXPECT(strmap_get(&m, "k1999") == keys[1999]);
	EXPECT(strmap_get(&m, "nope") == NULL);
	EXPECT(strmap_put(&m, "k5", keys[0]) == keys[5]);	/* keeps the first */
	strmap_set(&m, "k5", keys[0]);
	EXPECT(strmap_get(&m, "k5") == keys[0]);
	strmap_free(&m);
}

void test_escape(void)
{
	struct buf b = BUF_INIT;
	esc_csv(&b, "=HYPERLINK(\"http://x\")", ';');
	EXPECT_STR(b.data, "\"'=HYPERLINK(\"\"http://x\"\")\"");
	buf_reset(&b);
	esc_csv(&b, "+33 1 00", ';');
	EXPECT_STR(b.data, "\"'+33 1 00\"");
	buf_reset(&b);
	esc_csv(&b, "@SUM(A1)", ';');
	EXPECT(b.data[1] == '\'');
	buf_reset(&b);
	esc_csv(&b, "a;b", ';');
	EXPECT_STR(b.data, "\"a;b\"");
	buf_reset(&b);
	esc_csv(&b, "Créteil", ';');
	EXPECT_STR(b.data, "Créteil");
	buf_reset(&b);
	esc_json(&b, "a\"b\\c\n</script>\x01");
	EXPECT_STR(b.data, "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0001\"");
	buf_reset(&b);
	esc_json(&b, NULL);
	EXPECT_STR(b.data, "null");
	buf_reset(&b);
	esc_html(&b, "<a href='x'>&\"");
	EXPECT_STR(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
	buf_release(&b);
}

void test_arena(void)
{
	struct arena a = ARENA_INIT;
	char *s = arena_strdup(&a, "Île-de-France");
	EXPECT_STR(s, "Île-de-France");
	char *big = arena_alloc(&a, 1 << 20);
	EXPECT(big[0] == 0 && big[(1 << 20) - 1] == 0);
	for (int i = 0; i < 100000; i++)
		EXPECT(arena_alloc(&a, 24) != NULL);
	EXPECT(((size_t)arena_alloc(&a, 3) % sizeof(void *)) == 0);
	arena_free(&a);
}

/* Calendar arithmetic: known days, leap years, both sides of the epoch. */
void test_civil(void)
{
	EXPECT(civil_days(19700101) == 0);
	EXPECT(civil_days(20261129) == 20786);
	EXPECT(civil_date(20786) == 20261129);
	EXPECT(civil_date(-1) == 19691231);
	EXPECT(civil_add_days(20261231, 1) == 20270101);
	EXPECT(civil_add_days(20240228, 1) == 20240229);
	EXPECT(civil_add_days(21000228, 1) == 21000301);
	EXPECT(civil_add_days(20000301, -1) == 20000229);
	EXPECT(civil_weekday(20261210) == 4);	/* a Thursday */
	EXPECT(civil_weekday(19700101) == 4);
	EXPECT(civil_weekday(19691228) == 0);	/* a Sunday, before the epoch */
	for (long d = -700000; d < 800000; d += 997)	/* years 53 to 4160 */
		EXPECT(civil_days(civil_date(d)) == d);
}
