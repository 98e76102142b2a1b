/*
 * Unit tests of the template engine beyond the specification: error
 * positions, escaping, strict partial lookup.
 */
#include <stdlib.h>

#include "../../generator/base/arena.h"
#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/text/template.h"
#include "../../generator/text/view.h"
#include "harness.h"
#include "tests.h"

static const struct tpl *no_partial(void *ud, const char *name)
{
	(void)ud;
	(void)name;
	return NULL;
}

void test_template_errors(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	const char *t1 = "<ul>\n{{#items}}\n  <li>{{.}}</li>\n";
	EXPECT(tpl_parse(t1, strlen(t1), "t.mustache", &a, &d) == NULL);
	EXPECT(d.n == 1 && d.v[0].line == 2 && d.v[0].col == 1 && strstr(d.v[0].msg, "unclosed section {{#items}}"));
	diags_free(&d);
	const char *t2 = "{{#a}}\n  {{/b}}\n";
	EXPECT(tpl_parse(t2, strlen(t2), "t.mustache", &a, &d) == NULL);
	EXPECT(d.n == 1 && d.v[0].line == 2 && d.v[0].col == 3 && strstr(d.v[0].msg, "{{/b}} closes {{a}}"));
	diags_free(&d);
	const char *t3 = "x {{name";
	EXPECT(tpl_parse(t3, strlen(t3), "t.mustache", &a, &d) == NULL);
	EXPECT(d.n == 1 && d.v[0].col == 3 && strstr(d.v[0].msg, "unclosed tag"));
	diags_free(&d);
	arena_free(&a);
}

void test_template_render(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct buf out = BUF_INIT;
	struct view *v = view_map(&a);
	view_sets(&a, v, "nom", "<b>L'Œil & \"la\" Plume</b>");
	view_sets(&a, v, "vide", "");
	const char *t = "{{nom}}|{{{nom}}}|{{#vide}}x{{/vide}}{{^vide}}y{{/vide}}|{{>absent}}";
	const struct tpl *tp = tpl_parse(t, strlen(t), "p.mustache", &a, &d);
	EXPECT(tp != NULL);
	struct tpl_lookup lax = { no_partial, NULL, 0 }, strict = { no_partial, NULL, 1 };
	EXPECT(tpl_render(tp, v, &lax, &out, &d) == 0);
	EXPECT_STR(out.data, "&lt;b&gt;L&#39;Œil &amp; &quot;la&quot; Plume&lt;/b&gt;|<b>L'Œil & \"la\" Plume</b>|y|");
	buf_reset(&out);
	EXPECT(tpl_render(tp, v, &strict, &out, &d) == -1);
	EXPECT(d.n == 1 && d.v[0].col == 58 && strstr(d.v[0].msg, "unknown partial 'absent'"));
	buf_release(&out);
	diags_free(&d);
	arena_free(&a);
}

/* Partials p0..p29: each includes the next twice ("fan"), or itself ("self"). */
struct partials {
	const struct tpl *p[31];
	int self;
};

static const struct tpl *numbered(void *ud, const char *name)
{
	const struct partials *ps = ud;
	if (ps->self)
		return ps->p[30];
	int i = name[0] == 'p' ? atoi(name + 1) : -1;
	return i >= 0 && i < 30 ? ps->p[i] : NULL;
}

void test_template_bounds(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct buf out = BUF_INIT, src = BUF_INIT;
	struct partials ps = { { 0 }, 0 };
	for (int i = 0; i < 30; i++) {
		buf_reset(&src);
		if (i < 29)
			buf_printf(&src, "{{>p%d}}{{>p%d}}", i + 1, i + 1);
		else
			buf_puts(&src, "x");
		ps.p[i] = tpl_parse(src.data, src.len, "p.mustache", &a, &d);
	}
	ps.p[30] = tpl_parse("{{>moi}}", 8, "moi.mustache", &a, &d);
	struct tpl_lookup l = { numbered, &ps, 1 };
	struct view *v = view_map(&a);
	/* 2^29 expansions: stopped at the bound, at once, naming the chain. */
	EXPECT(tpl_render(ps.p[0], v, &l, &out, &d) == -1);
	EXPECT(d.n == 1 && strstr(d.v[0].msg, "expanded more than 1000000 times"));
	EXPECT(d.n == 1 && strstr(d.v[0].msg, ": p1 > p2 > "));
	EXPECT(out.len <= 1000000);
	diags_free(&d);
	/* From p11: half a million expansions, within the bound. */
	buf_reset(&out);
	EXPECT(tpl_render(ps.p[11], v, &l, &out, &d) == 0 && out.len == 1u << 18);
	ps.self = 1;
	buf_reset(&out);
	EXPECT(tpl_render(ps.p[30], v, &l, &out, &d) == -1);
	EXPECT(d.n == 1 && strstr(d.v[0].msg, "nested more than 100 deep"));
	EXPECT(d.n == 1 && strstr(d.v[0].msg, ": moi > moi > "));
	diags_free(&d);
	/* A section over 70,000 items of a 1 KB text (70 MB): stopped past
	 * 64 MiB of this render (what out held before does not count), at the
	 * text's line, having written at most one text more. */
	struct view *many = view_map(&a), *items = view_list(&a);
	for (int i = 0; i < 70000; i++)
		view_push(&a, items, view_map(&a));
	view_set(&a, many, "l", items);
	buf_reset(&src);
	buf_puts(&src, "<ul>\n{{#l}}\n");
	for (int i = 0; i < 1024; i++)
		buf_puts(&src, "x");
	buf_puts(&src, "\n{{/l}}\n");
	const struct tpl *big = tpl_parse(src.data, src.len, "big.mustache", &a, &d);
	buf_reset(&out);
	buf_puts(&out, "before");
	EXPECT(big && tpl_render(big, many, &l, &out, &d) == -1);
	EXPECT(d.n == 1 && d.v[0].line == 3 && strcmp(d.v[0].file, "big.mustache") == 0 &&
	    strcmp(d.v[0].msg, "the page passes 64 MiB (partials or sections that repeat each "
	    "other?)") == 0);
	EXPECT(out.len > TPL_MAX_OUTPUT && out.len <= TPL_MAX_OUTPUT + 6 + 1025 + 5);
	buf_release(&out);
	buf_release(&src);
	diags_free(&d);
	arena_free(&a);
}
