/*
 * Unit tests of the template engine beyond the specification: error
 * positions, escaping, strict partial lookup.
 */
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
