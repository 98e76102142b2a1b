/*
 * Unit tests of generator/base: buffer, UTF-8, map, escapes, suggestions.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../generator/base/arena.h"
#include "../../generator/base/buf.h"
#include "../../generator/base/civil.h"
#include "../../generator/base/diag.h"
#include "../../generator/base/digest.h"
#include "../../generator/base/fs.h"
#include "../../generator/base/fsrec.h"
#include "../../generator/base/fsview.h"
#include "../../generator/base/url.h"
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
	/* buf_put_num and buf_put_unum write what printf writes. */
	const long long nums[] = { 0, 1, -1, 9, 10, -10, 11, 99, 100, 101, 1000, 12345, 9999999,
		1795000000123456789LL, LLONG_MAX, LLONG_MIN };
	struct buf want = BUF_INIT;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		buf_reset(&b);
		buf_reset(&want);
		buf_put_num(&b, nums[i], ' ');
		buf_put_unum(&b, (unsigned long long)nums[i], 0);
		buf_put_unum(&b, ULLONG_MAX, '\n');
		buf_printf(&want, "%lld %llu%llu\n", nums[i], (unsigned long long)nums[i], ULLONG_MAX);
		EXPECT_STR(b.data, want.data);
	}
	buf_release(&want);
	buf_release(&b);
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
	/* Counted and cut as a spreadsheet counts a cell: U+1F600 is two units. */
	EXPECT(utf8_utf16_len("É😀a", strlen("É😀a")) == 4);
	EXPECT(utf8_utf16_cut("É😀a", strlen("É😀a"), 2) == 2);	/* not half the emoji */
	EXPECT(utf8_utf16_cut("É😀a", strlen("É😀a"), 3) == 6);
	EXPECT(utf8_utf16_cut("É😀a", strlen("É😀a"), 9) == 7);
	uint32_t cp;
	EXPECT(utf8_decode("Łucja", &cp) == 2 && cp == 0x141);
	EXPECT(utf8_decode("\xf0\x9f\x98\x80", &cp) == 4 && cp == 0x1F600);
	EXPECT(utf8_decode("\xe2\x82", &cp) == 0 && cp == 0xFFFD);	/* truncated */
	EXPECT(utf8_decode("\xff", &cp) == 0);
	EXPECT(utf8_decode("", &cp) == 0);
	EXPECT(utf8_is_text('\t') && utf8_is_text(0xE9) && utf8_is_text(0x1F600));
	EXPECT(!utf8_is_text(0x1F) && !utf8_is_text(0) && !utf8_is_text(0x7F) &&
	    !utf8_is_text(0x85) && !utf8_is_text(0xFFFE) && !utf8_is_text(0xFFFF) &&
	    !utf8_is_text(0xFDD0) && !utf8_is_text(0x1FFFF) && !utf8_is_text(0xD800));
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
	strmap_set(&m, "k6", NULL);	/* a value set to NULL can be set again */
	strmap_set(&m, "k6", keys[6]);
	EXPECT(strmap_get(&m, "k6") == keys[6] && m.n == 2000);
	strmap_set(&m, "new", keys[7]);
	EXPECT(strmap_get(&m, "new") == keys[7] && m.n == 2001);
	strmap_free(&m);
	/* Reserved, the map does not grow as it fills (one table: the
	 * cache's index is put in at its size), and keeps what it held. */
	m = (struct strmap)STRMAP_INIT;
	EXPECT(strmap_put(&m, keys[0], keys[0]) == NULL);
	strmap_reserve(&m, 2000);
	struct strmap_slot *table = m.slots;
	for (int i = 1; i < 2000; i++)
		EXPECT(strmap_put(&m, keys[i], keys[i]) == NULL);
	EXPECT(m.slots == table && m.n == 2000 && m.cap >= 4002);
	EXPECT(strmap_get(&m, "k0") == keys[0] && strmap_get(&m, "k1999") == keys[1999]);
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
	/* What text may not hold is left out, as in every output: C0 and C1
	 * controls, DEL, noncharacters; a byte that is not UTF-8 is U+FFFD.
	 * Tab and line ends stay (quoted). The guard looks at what is left. */
	esc_csv(&b, "a\x02" "b\x7F" "\xC2\x85" "c\xEF\xBF\xBE" "d\xEF\xB7\x90" "é", ';');
	EXPECT_STR(b.data, "abcdé");
	buf_reset(&b);
	esc_csv(&b, "\x01=1+1", ';');
	EXPECT_STR(b.data, "\"'=1+1\"");
	buf_reset(&b);
	esc_csv(&b, "x\xFF" "y\n", ';');
	EXPECT_STR(b.data, "\"x\xEF\xBF\xBDy\n\"");
	buf_reset(&b);
	esc_csv(&b, "\x03\x04", ';');
	EXPECT(b.len == 0);
	buf_reset(&b);
	esc_json(&b, "a\"b\\c\n</script>\x01");
	EXPECT_STR(b.data, "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\"");
	buf_reset(&b);
	esc_json(&b, NULL);
	EXPECT_STR(b.data, "null");
	buf_reset(&b);
	esc_html(&b, "<a href='x'>&\"");
	EXPECT_STR(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
	/* Well-formed XML whatever the input: controls and noncharacters go,
	 * a byte that is not UTF-8 becomes U+FFFD (one for each byte), tab/LF/CR and letters stay. */
	buf_reset(&b);
	esc_html(&b, "R\x01\x08\x0b\x1f\x7f\xc2\x85\xef\xbf\xbe\xef\xbf\xbf\xef\xb7\x90" "e\tn\r\ntr\xe9" "e \xc5\x81\xe1\xba\xb7 \xf0\x9f\x98\x80\xe2\x82");
	EXPECT_STR(b.data, "Re\tn\r\ntr\xef\xbf\xbd" "e \xc5\x81\xe1\xba\xb7 \xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd");
	buf_release(&b);
}

/* 1 when the n bytes at p are all zero. */
static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Fills an arena with unzeroed pieces written whole (0xFF, odd sizes)
 * between zeroed ones, each checked: the huge blocks' bytes come zeroed
 * from the kernel and arena_alloc does not zero them again (arena.c,
 * clean), so anything written past what was asked, or a block reused
 * dirty as clean, shows here. */
static int fill_checked(struct arena *a, size_t bytes)
{
	int ok = 1;
	for (size_t done = 0, i = 0; done < bytes; i++) {
		size_t raw = 1 + i % 97, z = 8 + i % 61;
		memset(arena_alloc_raw(a, raw), 0xFF, raw);
		unsigned char *p = arena_alloc(a, z);
		ok &= all_zero(p, z);
		memset(p, 0xFF, z);	/* dirty, as a model's fields would be */
		done += raw + z;
	}
	return ok;
}

static void test_arena_clean(void)
{
	/* A huge arena, past its first blocks of malloc's. */
	struct arena a = ARENA_INIT, b = ARENA_INIT, c = ARENA_INIT;
	a.huge = b.huge = 1;
	EXPECT(fill_checked(&a, (size_t)12 << 20));
	/* Merged into an empty arena (which takes its head, clean) and into
	 * one with a head of its own (dirty): both go on zeroing right. */
	EXPECT(fill_checked(&b, (size_t)6 << 20));
	arena_merge(&c, &b);
	EXPECT(fill_checked(&c, (size_t)3 << 20));
	arena_merge(&a, &c);
	EXPECT(fill_checked(&a, (size_t)3 << 20));
	EXPECT(fill_checked(&b, (size_t)5 << 20));	/* left empty by the merge */
	arena_free(&a);
	arena_free(&b);
	/* Ordinary blocks are malloc's, which gives back the bytes of blocks
	 * freed before: written over here twice (the first free raises
	 * glibc's threshold of mapping), kept from the top of the heap by a
	 * later allocation (else given back to the system, zeroed), then
	 * reused by a new arena. */
	void *pin[2];
	for (int k = 0; k < 2; k++) {
		struct arena d = ARENA_INIT;
		for (int i = 0; i < 16; i++)
			memset(arena_alloc_raw(&d, 60000), 0xFF, 60000);
		pin[k] = malloc(64);
		arena_free(&d);
	}
	struct arena e = ARENA_INIT;
	EXPECT(fill_checked(&e, (size_t)4 << 20));
	arena_free(&e);
	free(pin[0]);
	free(pin[1]);
	/* An ordinary block kept by arena_reset holds what was written. */
	struct arena r = ARENA_INIT;
	EXPECT(fill_checked(&r, 200000));
	arena_reset(&r);
	EXPECT(fill_checked(&r, 200000));
	/* A big request has a zeroed block of its own. */
	unsigned char *big = arena_alloc(&r, 300000);
	EXPECT(all_zero(big, 300000));
	arena_free(&r);
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
	/* Past a few megabytes the blocks of an arena marked huge are huge
	 * pages (arena.c): what comes from them is zeroed, aligned and never
	 * overlaps. */
	a.huge = 1;
	enum { PIECES = 200000, PIECE = 56 };
	unsigned char **v = malloc(PIECES * sizeof(*v));
	int zeroed = 1, apart = 1, aligned = 1;
	for (size_t i = 0; i < PIECES; i++) {
		v[i] = arena_alloc(&a, PIECE);
		for (size_t k = 0; k < PIECE; k++)
			zeroed &= v[i][k] == 0;
		aligned &= (size_t)v[i] % sizeof(void *) == 0;
		memset(v[i], (int)(i & 0xFF), PIECE);
	}
	for (size_t i = 0; i < PIECES; i++)
		apart &= v[i][0] == (i & 0xFF) && v[i][PIECE - 1] == (i & 0xFF);
	EXPECT(zeroed && apart && aligned && a.total >= (size_t)PIECES * PIECE);
	arena_reset(&a);
	EXPECT(arena_alloc(&a, 24) != NULL);
	arena_free(&a);
	free(v);
	test_arena_clean();
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

/* The offset of the system's local time at instant t (minutes since the epoch). */
static long tz_offset(long t)
{
	time_t ts = (time_t)t * 60;
	struct tm tm;
	localtime_r(&ts, &tm);
	long local = civil_days((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday) * 1440 +
	    tm.tm_hour * 60 + tm.tm_min;
	return local - t;
}

/* Paris time around the clock changes of 2026 (29 March, 25 October), and
 * against the system's Europe/Paris zone over 1996 to 2037 when it has one. */
void test_paris(void)
{
	static const struct { int date, local; long utc; enum civil_local_kind kind; int back; } t[] = {
		{ 20260329, 90, 20541L * 1440 + 30, CIVIL_ONCE, 90 },		/* 01:30 CET = 00:30Z */
		{ 20260329, 150, 20541L * 1440 + 90, CIVIL_SKIPPED, 210 },	/* 02:30 is 03:30 CEST */
		{ 20260329, 210, 20541L * 1440 + 90, CIVIL_ONCE, 210 },		/* 03:30 CEST = 01:30Z */
		{ 20261025, 90, 20751L * 1440 - 30, CIVIL_ONCE, 90 },		/* 01:30 CEST = 23:30Z */
		{ 20261025, 150, 20751L * 1440 + 30, CIVIL_TWICE, 150 },	/* first 02:30: CEST */
		{ 20261025, 210, 20751L * 1440 + 150, CIVIL_ONCE, 210 },	/* 03:30 CET = 02:30Z */
		{ 20260101, 0, 20454L * 1440 - 60, CIVIL_ONCE, 0 },		/* midnight, new year */
	};
	EXPECT(civil_days(20260329) == 20541 && civil_days(20261025) == 20751);
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
		enum civil_local_kind k;
		int date, min;
		long u = civil_paris_instant(t[i].date, t[i].local, &k);
		EXPECT(u == t[i].utc);
		EXPECT(k == t[i].kind);
		civil_paris_local(u, &date, &min);
		EXPECT(date == t[i].date && min == t[i].back);
	}
	/* A webinar from 01:30 to 2 hours later on 29 March ends at 04:30. */
	int date, min;
	civil_paris_local(civil_paris_instant(20260329, 90, NULL) + 120, &date, &min);
	EXPECT(date == 20260329 && min == 270);
	civil_paris_local(civil_paris_instant(20261025, 90, NULL) + 120, &date, &min);
	EXPECT(date == 20261025 && min == 150);	/* 01:30 + 2 h in October: 02:30 CET */
	/* 23:30 UTC on 31 December is already the new year in Paris. */
	civil_paris_local(civil_days(20261231) * 1440 + 23 * 60 + 30, &date, &min);
	EXPECT(date == 20270101 && min == 30);

	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int zone = tz_offset(28663920) == 120;	/* 2024-07-01: summer, if the zone is there */
	/* Every month, and every half hour around the days the clocks change. */
	for (long t0 = civil_days(19960101) * 1440; zone && t0 < civil_days(20380101) * 1440; t0 += 30 * 1440 + 29)
		EXPECT(civil_paris_offset(t0) == tz_offset(t0));
	for (int y = 1996; zone && y < 2038; y++)
		for (int m = 3; m <= 10; m += 7)
			for (int day = 25; day <= 31; day++)
				for (int h = 0; h < 52; h++) {
					long t0 = civil_days(y * 10000 + m * 100 + day) * 1440 - 60 + h * 30;
					EXPECT(civil_paris_offset(t0) == tz_offset(t0));
				}
	EXPECT(zone || !getenv("CARTO_REQUIRE_TZDATA"));
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	free(old);
	tzset();
}

/* One URL rule for every source: schemes as a browser reads them. */
void test_url(void)
{
	EXPECT(url_kind("a-propos/") == URL_RELATIVE);
	EXPECT(url_kind("../x/#y:z") == URL_RELATIVE);
	EXPECT(url_kind("page?q=a:b") == URL_RELATIVE);
	EXPECT(url_kind("https://exemple.org/") == URL_WEB);
	EXPECT(url_kind("HTTP://exemple.org/") == URL_WEB);
	EXPECT(url_kind("mailto:a@b.fr") == URL_MAIL);
	EXPECT(url_kind("tel:+33100000000") == URL_TEL);
	EXPECT(url_kind("ftp://exemple.org/") == URL_OTHER);
	EXPECT(url_kind("javascript:alert(1)") == URL_SCRIPT);
	EXPECT(url_kind("  JaVaScRiPt:alert(1)") == URL_SCRIPT);
	EXPECT(url_kind("\x01\x1fjavascript:x") == URL_SCRIPT);
	EXPECT(url_kind("java\tscr\nipt:x") == URL_SCRIPT);
	EXPECT(url_kind("java&#115;cript:x") == URL_SCRIPT);
	EXPECT(url_kind("&#x6A;avascript:x") == URL_SCRIPT);
	EXPECT(url_kind("vbscript:x") == URL_SCRIPT);
	EXPECT(url_kind("Data:text/html,x") == URL_SCRIPT);
	EXPECT(url_is_link("tel:1") && url_is_link("x/") && !url_is_link("file:///etc/passwd"));
	EXPECT(url_is_web("https://exemple.org"));
	EXPECT(!url_is_web("https://"));
	EXPECT(!url_is_web("https:///x"));
	EXPECT(!url_is_web(" https://exemple.org/"));
	EXPECT(!url_is_web("https://exemple.org/a b"));
	EXPECT(!url_is_web("javascript://exemple.org/%0Aalert(1)"));
	/* geo: is carto's own link to a lieu, never a link written in Markdown. */
	EXPECT(url_kind("geo:48.93620,2.35740") == URL_GEO && !url_is_link("geo:48.9,2.3"));
	EXPECT(url_is_geo("geo:48.93620,2.35740") && url_is_geo("geo:-33.5,-70.25") && url_is_geo("geo:90,180"));
	EXPECT(!url_is_geo("geo:91,2") && !url_is_geo("geo:48.9,181") && !url_is_geo("geo:48.9"));
	EXPECT(!url_is_geo("geo:nan,inf") && !url_is_geo("geo:48.,2.3") && !url_is_geo("geo:48.9,2.3;u=10"));
	EXPECT(!url_is_geo("geo:48.9,2.3\"><script>") && !url_is_geo("GEO:48.9,2.3 ") && !url_is_geo("geo:-,2"));
	EXPECT(url_base_problem("https://exemple.org/cartos/") == NULL);
	EXPECT(url_base_problem("https://exemple.org/cartos") != NULL);
	EXPECT(url_base_problem("pas une adresse") != NULL);
}

/* The cache's digests: values are framed, so a different split of the same
 * bytes gives another digest; hex goes back and forth; a file's digest is
 * that of its bytes. */
void test_digest(void)
{
	struct digest_ctx *a = digest_new(), *b = digest_new(), *c = digest_new();
	digest_str(a, "ab");
	digest_str(a, "c");
	digest_str(b, "a");
	digest_str(b, "bc");
	digest_str(c, "ab");
	digest_str(c, "c");
	struct digest da = digest_end(a), db = digest_end(b), dc = digest_end(c);
	EXPECT(!digest_eq(&da, &db));
	EXPECT(digest_eq(&da, &dc));
	struct digest_ctx *n1 = digest_new(), *n2 = digest_new();
	digest_str(n1, NULL);
	digest_str(n2, "");
	struct digest d1 = digest_end(n1), d2 = digest_end(n2);
	EXPECT(!digest_eq(&d1, &d2));
	char hex[33];
	struct digest back;
	digest_hex(&da, hex);
	EXPECT(strlen(hex) == 32);
	EXPECT(digest_parse(hex, &back) == 0 && digest_eq(&back, &da));
	hex[5] = 'G';
	EXPECT(digest_parse(hex, &back) < 0);
	/* A stream cut anywhere (small pieces gathered, pieces across the
	 * gathering's edge, pieces larger than it) digests as its bytes do
	 * at once: the cache's keys must not depend on how they were fed. */
	static unsigned char big[5000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 131 + (i >> 7));
	struct digest whole = digest_bytes(big, sizeof(big));
	const size_t cuts[] = { 1, 3, 8, 100, 511, 512, 513, 1000, 4999 };
	for (size_t c = 0; c < sizeof(cuts) / sizeof(*cuts); c++) {
		struct digest_ctx *k = digest_new();
		size_t at = 0, step = cuts[c];
		while (at < sizeof(big)) {
			size_t n = sizeof(big) - at < step ? sizeof(big) - at : step;
			digest_add(k, big + at, n);
			at += n;
			step = step * 7 % 997 + 1;	/* uneven pieces */
		}
		digest_add(k, big, 0);
		struct digest got = digest_end(k);
		EXPECT(digest_eq(&got, &whole));
	}
	char path[] = "/tmp/carto-digest-XXXXXX";
	int fd = mkstemp(path);
	EXPECT(fd >= 0);
	if (fd >= 0) {
		EXPECT(write(fd, "bonjour", 7) == 7);
		close(fd);
		struct digest f, m = digest_bytes("bonjour", 7);
		long long size = 0;
		EXPECT(digest_file(path, &f, &size) == 0 && size == 7 && digest_eq(&f, &m));
		unlink(path);
		EXPECT(digest_file(path, &f, &size) < 0);
	}
}

/* The recorder of what a build reads (base/fsrec.h): each kind of look is
 * noted once, with its identity or errno; a skipped prefix is not; a file
 * seen with two identities marks the notes changed. */
void test_fsrec(void)
{
	char dir[] = "/tmp/carto-fsrec-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf a = BUF_INIT, out = BUF_INIT, skip = BUF_INIT, data = BUF_INIT, missing = BUF_INIT;
	fs_join(&a, dir, "a.yaml");
	fs_join(&out, dir, "out/x.html");
	fs_join(&skip, dir, "out/");
	fs_join(&missing, dir, "b.yaml");
	EXPECT(fs_write(a.data, "x: 1\n", 5) == 0);
	const char *skips[] = { skip.data };
	struct fs_entry *v;
	size_t n, n_notes;
	int changed = 1;
	fsrec_start(skips, 1);
	EXPECT(fsrec_on());
	EXPECT(fs_read(a.data, 100, &data) == 0);
	EXPECT(fs_read(a.data, 100, &data) == 0);	/* once */
	EXPECT(fs_list(dir, &v, &n) == 0);
	fs_entries_free(v, n);
	EXPECT(!fs_exists(missing.data));
	EXPECT(fs_read(out.data, 100, &data) < 0);	/* skipped */
	struct fsrec_entry *e = fsrec_stop(&n_notes, &changed);
	EXPECT(!fsrec_on());
	EXPECT(n_notes == 3 && !changed);
	int saw_file = 0, saw_dir = 0, saw_missing = 0;
	for (size_t i = 0; i < n_notes; i++) {
		struct fsrec_id now = fsrec_id_of((enum fsrec_kind)e[i].kind, e[i].root, e[i].path);
		EXPECT(fsrec_id_eq(&now, &e[i].id));
		saw_file |= e[i].kind == FSREC_FOLLOW && !strcmp(e[i].path, a.data) && e[i].id.size == 5;
		saw_dir |= e[i].kind == FSREC_FOLLOW && !strcmp(e[i].path, dir) && !e[i].id.err;
		saw_missing |= e[i].kind == FSREC_LSTAT && !strcmp(e[i].path, missing.data) &&
		    e[i].id.err == ENOENT;
	}
	EXPECT(saw_file && saw_dir && saw_missing);
	/* The file changed: its identity is another (a new size), and the
	 * folder's when a file is added. */
	EXPECT(fs_write(a.data, "x: 12\n", 6) == 0);
	for (size_t i = 0; i < n_notes; i++)
		if (!strcmp(e[i].path, a.data)) {
			struct fsrec_id now = fsrec_id_of(FSREC_FOLLOW, "", a.data);
			EXPECT(!fsrec_id_eq(&now, &e[i].id));
		}
	EXPECT(fs_write(missing.data, "y: 1\n", 5) == 0);
	struct fsrec_id now = fsrec_id_of(FSREC_LSTAT, "", missing.data);
	EXPECT(now.err == 0);
	fsrec_free(e, n_notes);
	/* Two identities of one file during a recording. */
	fsrec_start(skips, 1);
	EXPECT(fs_read(a.data, 100, &data) == 0);
	EXPECT(fs_write(a.data, "x: 123\n", 7) == 0);
	EXPECT(fs_read(a.data, 100, &data) == 0);
	e = fsrec_stop(&n_notes, &changed);
	EXPECT(changed && n_notes == 1);
	fsrec_free(e, n_notes);
	unlink(a.data);
	unlink(missing.data);
	rmdir(dir);
	buf_release(&a);
	buf_release(&out);
	buf_release(&skip);
	buf_release(&data);
	buf_release(&missing);
}

/* fs_replace: the new file takes the name, the old one goes, nothing else
 * is left; onto a missing name it renames; onto a folder it fails with
 * EISDIR and leaves both as they were. */
void test_fs_replace(void)
{
	char dir[] = "/tmp/carto-replace-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf from = BUF_INIT, to = BUF_INIT, got = BUF_INIT, sub = BUF_INIT;
	fs_join(&from, dir, "new.tmp");
	fs_join(&to, dir, "index");
	EXPECT(fs_write(to.data, "old", 3) == 0);
	EXPECT(fs_write(from.data, "new!", 4) == 0);
	EXPECT(fs_replace(from.data, to.data) == 0);
	EXPECT(fs_read(to.data, 100, &got) == 0 && got.len == 4 && memcmp(got.data, "new!", 4) == 0);
	EXPECT(access(from.data, F_OK) < 0 && errno == ENOENT);
	/* onto a missing name */
	EXPECT(fs_write(from.data, "2", 1) == 0);
	EXPECT(unlink(to.data) == 0);
	EXPECT(fs_replace(from.data, to.data) == 0);
	buf_reset(&got);
	EXPECT(fs_read(to.data, 100, &got) == 0 && got.len == 1 && got.data[0] == '2');
	EXPECT(access(from.data, F_OK) < 0);
	/* onto a folder: nothing changes */
	EXPECT(unlink(to.data) == 0);
	EXPECT(mkdir(to.data, 0755) == 0);
	fs_join(&sub, to.data, "kept");
	EXPECT(fs_write(sub.data, "k", 1) == 0);
	EXPECT(fs_write(from.data, "3", 1) == 0);
	errno = 0;
	EXPECT(fs_replace(from.data, to.data) < 0 && (errno == EISDIR || errno == ENOTEMPTY));
	buf_reset(&got);
	EXPECT(fs_read(sub.data, 100, &got) == 0 && got.len == 1 && got.data[0] == 'k');
	buf_reset(&got);
	EXPECT(fs_read(from.data, 100, &got) == 0 && got.len == 1 && got.data[0] == '3');
	EXPECT(fs_rmtree(dir) == 0);
	buf_release(&from);
	buf_release(&to);
	buf_release(&got);
	buf_release(&sub);
}

/* Writes n bytes of a known pattern (byte i is 'a' + i % 26) to path. */
static void write_pattern(const char *path, size_t n)
{
	char *b = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		b[i] = (char)('a' + i % 26);
	EXPECT(fs_write(path, b, n) == 0);
	free(b);
}

static int has_pattern(const struct fs_view *v, size_t n)
{
	if (v->len != n || v->data[n] != '\0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v->data[i] != (char)('a' + i % 26))
			return 0;
	return 1;
}

/* fs_view: the bytes of a file with a 0 after them, read when small,
 * mapped when large (even a size that is a multiple of the page, whose
 * next byte is not the file's); refused past max, for a folder or a file
 * missing, leaving the view empty; a mapped file cut short by another
 * program reads as 0s and is noted cut instead of raising SIGBUS. */
void test_fs_view(void)
{
	char dir[] = "/tmp/carto-view-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf path = BUF_INIT;
	struct fs_view v = FS_VIEW_INIT;
	struct stat st;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t sizes[] = { 0, 100, FS_VIEW_MAP_MIN + 123, FS_VIEW_MAP_MIN + page, 3 * FS_VIEW_MAP_MIN };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		buf_reset(&path);
		buf_printf(&path, "%s/f%zu", dir, k);
		write_pattern(path.data, sizes[k]);
		EXPECT(fs_view_open(path.data, sizes[k], 1, &v, &st) == 0);
		EXPECT(has_pattern(&v, sizes[k]) && (size_t)st.st_size == sizes[k]);
		EXPECT((v.map != NULL) == (sizes[k] >= FS_VIEW_MAP_MIN));
		EXPECT(!fs_view_cut(&v));
		fs_view_close(&v);
		EXPECT(v.len == 0 && v.map == NULL && v.data[0] == '\0');
		fs_view_close(&v);	/* twice: nothing */
		errno = 0;
		EXPECT(sizes[k] == 0 || (fs_view_open(path.data, sizes[k] - 1, 0, &v, NULL) < 0 && errno == EFBIG &&
		    v.len == 0 && v.map == NULL));
	}
	errno = 0;
	EXPECT(fs_view_open(dir, 1u << 20, 0, &v, NULL) < 0 && errno == EISDIR && v.len == 0);
	buf_reset(&path);
	buf_printf(&path, "%s/missing", dir);
	errno = 0;
	EXPECT(fs_view_open(path.data, 1u << 20, 0, &v, NULL) < 0 && errno == ENOENT && v.map == NULL);
	/* Cut short while mapped: the last page is gone from the file. */
	buf_reset(&path);
	buf_printf(&path, "%s/cut", dir);
	size_t n = 2 * FS_VIEW_MAP_MIN + 5;
	write_pattern(path.data, n);
	unsigned before = fs_views_cut();
	EXPECT(fs_view_open(path.data, n, 0, &v, NULL) == 0 && v.map != NULL && has_pattern(&v, n));
	EXPECT(truncate(path.data, (off_t)(n / 2)) == 0);
	volatile const char *last = v.data + n - 1;
	EXPECT(*last == '\0');	/* SIGBUS, handled: 0s over the whole view */
	EXPECT(v.data[0] == '\0' && fs_view_cut(&v) && fs_views_cut() == before + 1);
	fs_view_close(&v);
	EXPECT(fs_views_cut() == before + 1);
	/* A view opened after it is not cut. */
	EXPECT(fs_view_open(path.data, n, 0, &v, NULL) == 0 && v.len == n / 2 && !fs_view_cut(&v));
	fs_view_close(&v);
	EXPECT(fs_rmtree(dir) == 0);
	buf_release(&path);
}

/* diags_print says a problem once: the same place, severity and message
 * added twice (two pages meeting one template's fault) is printed once and
 * counted once; the same message elsewhere, or as another severity, stays. */
void test_diags_dedupe(void)
{
	struct diags d = DIAGS_INIT;
	diag_add(&d, "b.mustache", 1, 22, DIAG_ERROR, "partials expanded too often");
	diag_add(&d, "a.yaml", 3, 8, DIAG_WARNING, "placeholder");
	diag_add(&d, "b.mustache", 1, 22, DIAG_ERROR, "partials expanded too often");
	diag_add(&d, "b.mustache", 1, 22, DIAG_WARNING, "partials expanded too often");
	diag_add(&d, "b.mustache", 2, 22, DIAG_ERROR, "partials expanded too often");
	diag_add(&d, "a.yaml", 3, 8, DIAG_WARNING, "placeholder");
	diag_add(&d, "a.yaml", 3, 8, DIAG_WARNING, "placeholder");
	EXPECT(d.errors == 3 && d.warnings == 4);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diags_print(&d, f);
	fclose(f);
	EXPECT_STR(text, "a.yaml:3:8: warning: placeholder\n"
	    "b.mustache:1:22: error: partials expanded too often\n"
	    "b.mustache:1:22: warning: partials expanded too often\n"
	    "b.mustache:2:22: error: partials expanded too often\n");
	EXPECT(d.n == 4 && d.errors == 2 && d.warnings == 2);
	free(text);
	diags_free(&d);
}
