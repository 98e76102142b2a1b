/*
 * Unit tests of the YAML loader, opening hours, dates and output paths.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "../../generator/base/arena.h"
#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/data/fields.h"
#include "../../generator/data/hours.h"
#include "../../generator/data/ytree.h"
#include "../../generator/render/publish.h"
#include "../../generator/render/svgmap.h"
#include "harness.h"
#include "tests.h"

/* Loads text; returns the root (NULL on error) and leaves diagnostics in d. */
static struct ynode *load(const char *text, struct arena *a, struct diags *d)
{
	int failed;
	return ytree_load(text, strlen(text), "t.yaml", 0, a, d, &failed);
}

void test_ytree_basic(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct ynode *r = load("a: 1\nb:\n  - x\n  - \"y\"\nc: { d: ~ }\n", &a, &d);
	EXPECT(r && r->kind == Y_MAP && r->n == 3);
	const struct ynode *b = ytree_get(r, "b");
	EXPECT(b && b->kind == Y_SEQ && b->n == 2);
	EXPECT(b->u.items[0]->plain && !b->u.items[1]->plain);
	EXPECT(b->u.items[1]->line == 4 && b->u.items[1]->col == 5);
	EXPECT(ytree_is_null(ytree_get(ytree_get(r, "c"), "d")));
	EXPECT(d.n == 0);
	diags_free(&d);
	arena_free(&a);
}

/* A number is a plain scalar in decimal notation: a JSON position's
 * "2.35" (quoted) is text, and so are YAML's and strtod's other forms. */
void test_ytree_number(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct ynode *r = load("[2.35, -48.5e+1, 1e400, .5, 7, \"2.35\", '7', .inf, .nan, nan, inf, "
	    "0x10, 1_000, true, null, 1e, -, [1], {a: 1}]", &a, &d);
	EXPECT(r && r->kind == Y_SEQ && r->n == 19 && d.n == 0);
	for (size_t i = 0; r && i < r->n; i++)
		EXPECT(ytree_is_number(r->u.items[i]) == (i < 5));
	EXPECT(!ytree_is_number(NULL));
	diags_free(&d);
	arena_free(&a);
}

/* Where a scalar's text sits, for a problem at its line k, column c: a
 * literal block's lines are the file's, from its indentation; a value on
 * one line counts its columns after the quote; a folded text (">", or a
 * value over several lines) is placed where it starts. */
void test_ytree_text(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct ynode *r = load("lit: |\n\n    un\n      deux\nq: 'x [y](z)'\np: x\n"
	    "f: >\n   un\n   deux\nm: \"un\n  deux\"\n", &a, &d);
	struct diag_text t;
	uint32_t line, col;
	EXPECT(r && d.n == 0);
	ytree_text(ytree_get(r, "lit"), &t);
	EXPECT(t.lines == DIAG_TEXT_LINES && t.line == 2 && t.col == 5 && t.indent == 5);
	diag_text_pos(&t, 3, 3, &line, &col);
	EXPECT(line == 4 && col == 7);
	ytree_text(ytree_get(r, "q"), &t);
	diag_text_pos(&t, 1, 3, &line, &col);
	EXPECT(t.lines == DIAG_TEXT_ONE_LINE && line == 5 && col == 7);
	diag_text_pos(&t, 2, 3, &line, &col);	/* a "\n" escape */
	EXPECT(line == 5 && col == 5);
	ytree_text(ytree_get(r, "p"), &t);
	EXPECT(t.lines == DIAG_TEXT_ONE_LINE && t.line == 6 && t.col == 4);
	ytree_text(ytree_get(r, "f"), &t);
	diag_text_pos(&t, 2, 4, &line, &col);
	EXPECT(t.lines == DIAG_TEXT_FOLDED && line == 8 && col == 4);
	ytree_text(ytree_get(r, "m"), &t);
	diag_text_pos(&t, 1, 4, &line, &col);
	EXPECT(t.lines == DIAG_TEXT_FOLDED && line == 10 && col == 4);
	diags_free(&d);
	arena_free(&a);
}

void test_ytree_bad(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	EXPECT(load("a: 1\na: 2\n", &a, &d) == NULL);
	EXPECT(d.n == 1 && d.v[0].line == 2 && strstr(d.v[0].msg, "duplicate key 'a'"));
	diags_free(&d);
	EXPECT(load("a: [1, 2\n", &a, &d) == NULL && d.errors == 1);
	EXPECT(strstr(d.v[0].msg, "the list in [ ] that starts at line 1 is not closed"));
	diags_free(&d);
	/* libyaml's problems in carto's words. */
	EXPECT(load("a: \"abc\nb: 3\n", &a, &d) == NULL && d.n == 1 &&
	    strstr(d.v[0].msg, "quoted value that starts at line 1 is never closed"));
	diags_free(&d);
	EXPECT(load("a: b: c\n", &a, &d) == NULL && d.n == 1 && strstr(d.v[0].msg, "must be quoted"));
	diags_free(&d);
	EXPECT(load("a:\n\t- x\n", &a, &d) == NULL && d.n == 1 && strstr(d.v[0].msg, "indent with spaces"));
	diags_free(&d);
	EXPECT(load("a: 1\n- b\n", &a, &d) == NULL && d.n == 1 &&
	    strstr(d.v[0].msg, "not a 'key: value' of the mapping that starts at line 1"));
	diags_free(&d);
	EXPECT(load("ok: 1\nnom: caf\xe9\n", &a, &d) == NULL);
	EXPECT(d.n == 1 && d.v[0].line == 2 && d.v[0].col == 9 && strstr(d.v[0].msg, "UTF-8"));
	diags_free(&d);
	/* Deep flow nesting: refused at the limit, at once (libyaml alone is
	 * quadratic on this). */
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_putc(&deep, '[');
	clock_t t0 = clock();
	EXPECT(load(deep.data, &a, &d) == NULL);
	EXPECT(d.n >= 1 && strstr(d.v[0].msg, "nesting deeper than 64"));
	EXPECT((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	buf_release(&deep);
	diags_free(&d);
	EXPECT(load("a: 1\n---\nb: 2\n", &a, &d) == NULL);
	EXPECT(d.n == 1 && strstr(d.v[0].msg, "one YAML document"));
	diags_free(&d);
	EXPECT(load("a: \x01\n", &a, &d) == NULL && d.n == 1 && d.v[0].line == 1);
	diags_free(&d);
	arena_free(&a);
}

void test_ytree_alias(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	/* The billion laughs: 9 levels of 9 aliases. */
	struct buf bomb = BUF_INIT;
	buf_puts(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++) {
		buf_printf(&bomb, "a%d: &a%d [", i, i);
		for (int k = 0; k < 9; k++)
			buf_printf(&bomb, "%s*a%d", k ? ", " : "", i - 1);
		buf_puts(&bomb, "]\n");
	}
	clock_t t0 = clock();
	EXPECT(load(bomb.data, &a, &d) == NULL);
	EXPECT(d.n == 1 && strstr(d.v[0].msg, "aliases expand to more than 1000000 nodes"));
	EXPECT((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	EXPECT(a.total < 8u << 20);
	buf_release(&bomb);
	diags_free(&d);
	/*
	 * The bound is on what aliases add, not on the file: 1.5 million nodes
	 * written with no alias load, and so do aliases adding 2 million nodes
	 * to them (under 10 per node written); 20 million do not.
	 */
	struct buf big = BUF_INIT;
	buf_puts(&big, "l: &l [");
	for (int i = 0; i < 1500000; i++)
		buf_puts(&big, i ? ",x" : "x");
	buf_puts(&big, "]\n");
	EXPECT(load(big.data, &a, &d) != NULL && d.n == 0);
	buf_puts(&big, "m: [*l]\n");
	EXPECT(load(big.data, &a, &d) != NULL && d.n == 0);
	buf_puts(&big, "n: [");
	for (int i = 0; i < 12; i++)
		buf_puts(&big, i ? ",*l" : "*l");
	buf_puts(&big, "]\n");
	EXPECT(load(big.data, &a, &d) == NULL && d.n == 1 && d.v[0].line == 3);
	EXPECT(strstr(d.v[0].msg, "more than 15000070 nodes"));
	buf_release(&big);
	diags_free(&d);
	/* A cycle: the anchor is not usable inside its own node. */
	EXPECT(load("a: &a [1, *a]\n", &a, &d) == NULL);
	EXPECT(d.n == 1 && strstr(d.v[0].msg, "alias *a"));
	diags_free(&d);
	/* A normal alias shares the node. */
	struct ynode *r = load("c: &c { nom: X }\nd: *c\n", &a, &d);
	EXPECT(r && ytree_get(r, "c") == ytree_get(r, "d"));
	diags_free(&d);
	arena_free(&a);
}

void test_ytree_merge(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct ynode *r = load("base: &b { x: 1, y: 2 }\nm:\n  <<: *b\n  y: 3\n", &a, &d);
	const struct ynode *m = ytree_get(r, "m");
	EXPECT(m && m->n == 2);
	EXPECT_STR(ytree_get(m, "x")->u.s, "1");
	EXPECT_STR(ytree_get(m, "y")->u.s, "3");
	diags_free(&d);
	arena_free(&a);
}

void test_hours(void)
{
	struct hours h;
	const char *err;
	size_t at;
	char fr[256];
	EXPECT(hours_parse("Tu,Th 18:30-20:30", &h, &err, &at) == 0);
	hours_french(&h, fr, sizeof(fr));
	/* A time and a range of times hold together with no-break spaces
	 * (U+00A0), so that no line breaks inside "14 h – 17 h". */
	EXPECT_STR(fr, "mardi et jeudi, 18\u00a0h\u00a030\u00a0–\u00a020\u00a0h\u00a030");
	EXPECT(hours_has_evening(&h) && !hours_has_saturday(&h) && !hours_has_morning(&h));
	EXPECT(hours_parse("Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00", &h, &err, &at) == 0);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "du lundi au vendredi, 9\u00a0h\u00a0–\u00a012\u00a0h et 14\u00a0h\u00a0–\u00a017\u00a0h ; samedi, 10\u00a0h\u00a0–\u00a012\u00a0h");
	EXPECT(hours_has_saturday(&h) && hours_has_morning(&h) && !hours_has_evening(&h));
	EXPECT(hours_parse("Lu 09:00-12:00", &h, &err, &at) < 0 && at == 0);
	EXPECT(hours_parse("Mo 12:00-09:00", &h, &err, &at) < 0 && strstr(err, "end after"));
	EXPECT(hours_parse("Mo 9h-12h", &h, &err, &at) < 0 && at == 3);
	EXPECT(hours_parse("Mo,We,Fr 09:00-11:00", &h, &err, &at) == 0);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "lundi, mercredi et vendredi, 9\u00a0h\u00a0–\u00a011\u00a0h");
	/* The forms data·inclusion publishes: holidays, months, wrapping ranges. */
	EXPECT(hours_parse("Mo-Fr 09:00-12:00; PH off", &h, &err, &at) == 0);
	EXPECT(h.n == 2 && h.r[1].off && h.r[1].holidays == HOURS_PH && h.r[1].days == 0);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "du lundi au vendredi, 9\u00a0h\u00a0–\u00a012\u00a0h ; fermé les jours fériés");
	EXPECT(hours_parse("Sep-Jun Mo-Fr 09:00-12:00; SH off", &h, &err, &at) == 0);
	EXPECT(h.r[0].months == 0xF3F && h.r[1].holidays == HOURS_SH);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "de septembre à juin, du lundi au vendredi, 9\u00a0h\u00a0–\u00a012\u00a0h ; fermé les vacances scolaires");
	EXPECT(hours_parse("Sa-Mo 10:00-19:00", &h, &err, &at) == 0 && h.r[0].days == 0x61);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "du samedi au lundi, 10\u00a0h\u00a0–\u00a019\u00a0h");
	EXPECT(hours_has_saturday(&h) && hours_has_evening(&h));
	EXPECT(hours_parse("Jul,Aug off; Mo-Fr,PH 10:00-12:00", &h, &err, &at) == 0);
	EXPECT(h.r[0].off && h.r[0].months == 0xC0 && h.r[0].days == 0x7F);
	EXPECT(h.r[1].days == 0x1F && h.r[1].holidays == HOURS_PH);
	hours_french(&h, fr, sizeof(fr));
	EXPECT_STR(fr, "en juillet et août, fermé du lundi au dimanche ; du lundi au vendredi et les jours fériés, 10\u00a0h\u00a0–\u00a012\u00a0h");
	/* A later rule overrides an earlier one for its days. */
	EXPECT(hours_parse("Mo-Sa 09:00-12:00; Sa off", &h, &err, &at) == 0 && !hours_has_saturday(&h));
	EXPECT(hours_parse("Mo-Sa 09:00-12:00; Jul Sa off", &h, &err, &at) == 0 && hours_has_saturday(&h));
	EXPECT(hours_parse("Mo-Fr", &h, &err, &at) < 0 && strstr(err, "or off"));
	EXPECT(hours_parse("PH of", &h, &err, &at) < 0);
	EXPECT(hours_parse("Sep-Xyz Mo 09:00-10:00", &h, &err, &at) < 0);
}

/* publish_shown_parts is printf's rounding, in integers: the same as
 * "%.0f" Ko and "%.1f" Mo read back, around every unit's ties. */
static long long shown_by_printf(long long size, int *unit)
{
	char t[64];
	*unit = size >= 1024 * 1024;
	snprintf(t, sizeof(t), *unit ? "%.1f" : "%.0f", (double)size / (*unit ? 1024 * 1024 : 1024));
	long long v = 0;
	for (const char *q = t; *q; q++)
		if (*q >= '0' && *q <= '9')
			v = v * 10 + (*q - '0');
	return *unit ? v : v * 10;
}

void test_publish_shown(void)
{
	int bad = 0;
	for (long long size = 1024; size < 8 * 1024 * 1024 && bad < 5; size += size < 64 * 1024 ? 1 : 37) {
		int u1, u2;
		long long t1, t2 = shown_by_printf(size, &u2);
		publish_shown_parts(size, &u1, &t1);
		if (u1 != u2 || t1 != t2) {
			fprintf(stderr, "size %lld: %d %lld, printf %d %lld\n", size, u1, t1, u2, t2);
			bad++;
		}
	}
	/* The ties of the tenths of a Mo (x.x5 exactly: size * 10 an odd
	 * multiple of 2^19) and of the Ko (an odd multiple of 512). */
	for (long long k = 1; k < 4000 && bad < 10; k += 2) {
		long long sizes[] = { k * 524288 / 10, k * 524288 / 10 + 1, k * 512, k * 512 + 1 };
		for (size_t i = 0; i < 4; i++) {
			if (sizes[i] < 1024)
				continue;
			int u1, u2;
			long long t1, t2 = shown_by_printf(sizes[i], &u2);
			publish_shown_parts(sizes[i], &u1, &t1);
			if (u1 != u2 || t1 != t2) {
				fprintf(stderr, "size %lld: %d %lld, printf %d %lld\n", sizes[i], u1, t1, u2, t2);
				bad++;
			}
		}
	}
	EXPECT(bad == 0);
	EXPECT(publish_shown(1023) == 1023 && publish_shown(-1) == -1);
	/* 2.5 Ko shows 2 Ko (the tie to the even), 3.5 Ko 4 Ko. */
	EXPECT(publish_shown(2560) == publish_shown(2048) && publish_shown(3584) == publish_shown(4096));
}

void test_publish_paths(void)
{
	EXPECT(publish_path_ok("data/offres.csv"));
	EXPECT(publish_path_ok("organismes/asso-x/index.html"));
	EXPECT(!publish_path_ok("../etc/passwd"));
	EXPECT(!publish_path_ok("data/../../x"));
	EXPECT(!publish_path_ok("/etc/passwd"));
	EXPECT(!publish_path_ok("data//x"));
	EXPECT(!publish_path_ok("data/./x"));
	EXPECT(!publish_path_ok("data/"));
	EXPECT(!publish_path_ok(""));
}

void test_dates(void)
{
	EXPECT(parse_date("2026-02-28") == 20260228);
	EXPECT(parse_date("2024-02-29") == 20240229);
	EXPECT(parse_date("2026-02-29") == 0);
	EXPECT(parse_date("2026-13-01") == 0);
	EXPECT(parse_date("26-01-01") == 0);
	EXPECT(is_slug("asso-exemple-93"));
	EXPECT(!is_slug("Asso"));
	EXPECT(!is_slug("a--b"));
	EXPECT(!is_slug("-a"));
	EXPECT(!is_slug("a-"));
	EXPECT(!is_slug("../x"));
}

/* Douglas–Peucker on a closed ring: a point off the line by more than the
 * tolerance stays, points within it go; the ends and the middle always stay;
 * a ring of a million points costs no deep recursion. */
void test_simplify(void)
{
	/* A square with noise along its sides: 0.1 off the line, and one
	 * corner point 3 off it. */
	double xy[2 * 41];
	size_t n = 0;
	for (int i = 0; i <= 10; i++, n++)
		xy[2 * n] = i * 10, xy[2 * n + 1] = (i % 2) * 0.1;
	for (int i = 1; i <= 10; i++, n++)
		xy[2 * n] = 100 + (i % 2) * 0.1, xy[2 * n + 1] = i * 10;
	for (int i = 9; i >= 0; i--, n++)
		xy[2 * n] = i * 10, xy[2 * n + 1] = 100 + (i == 5 ? 3 : 0);
	for (int i = 9; i >= 0; i--, n++)
		xy[2 * n] = 0, xy[2 * n + 1] = i * 10;
	char keep[41];
	size_t k = svgmap_simplify(xy, n, 0.5, keep);
	EXPECT(n == 41);
	EXPECT(keep[0] && keep[n - 1] && keep[n / 2]);
	EXPECT(keep[10] && keep[20]);		/* the corners */
	EXPECT(keep[25]);			/* (50, 103): 3 off the side */
	EXPECT(!keep[1] && !keep[5] && !keep[13]);	/* the noise */
	EXPECT(k < 12);
	size_t k2 = svgmap_simplify(xy, n, 0.05, keep);
	EXPECT(k2 > k);				/* a finer tolerance keeps the noise */
	/* A spiral of a million points: every point is a turn. */
	size_t big = 1000000;
	double *s = malloc(2 * big * sizeof(*s));
	char *kb = malloc(big);
	for (size_t i = 0; i < big; i++) {
		double a = (double)i * 0.01, r = 1 + (double)i * 0.001;
		s[2 * i] = r * cos(a);
		s[2 * i + 1] = r * sin(a);
	}
	EXPECT(svgmap_simplify(s, big, 0.01, kb) > 1000);
	free(s);
	free(kb);
	double tiny[6] = { 0, 0, 1, 1, 2, 0 };
	EXPECT(svgmap_simplify(tiny, 3, 10, keep) == 3);
}
