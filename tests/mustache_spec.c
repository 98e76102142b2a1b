/*
 * Runs the official Mustache specification (the .yml files of ../shared/spec/mustache,
 * lambdas excepted) against carto's template engine. The YAML is read with
 * carto's own loader. Prints "ok"/"FAIL" per test and a count per module.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../generator/base/arena.h"
#include "../generator/base/buf.h"
#include "../generator/base/diag.h"
#include "../generator/base/fs.h"
#include "../generator/data/ytree.h"
#include "../generator/text/template.h"
#include "../generator/text/view.h"

struct partials {
	const char *names[32];
	const struct tpl *tpls[32];
	size_t n;
};

static const struct tpl *get_partial(void *ud, const char *name)
{
	struct partials *p = ud;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->tpls[i];
	return NULL;
}

static int is_number(const char *s)
{
	char *end;
	if (!*s)
		return 0;
	strtod(s, &end);
	return *end == '\0' && strspn(s, "0123456789.-+eE") == strlen(s);
}

/* YAML to view: plain true/false/null/numbers are typed, the rest strings. */
static struct view *to_view(const struct ynode *n, struct arena *a)
{
	if (!n)
		return view_null(a);
	if (n->kind == Y_SEQ) {
		struct view *l = view_list(a);
		for (size_t i = 0; i < n->n; i++)
			view_push(a, l, to_view(n->u.items[i], a));
		return l;
	}
	if (n->kind == Y_MAP) {
		struct view *m = view_map(a);
		for (size_t i = 0; i < n->n; i++)
			view_set(a, m, n->u.pairs[i].key->u.s, to_view(n->u.pairs[i].val, a));
		return m;
	}
	if (n->plain && (strcmp(n->u.s, "true") == 0 || strcmp(n->u.s, "false") == 0))
		return view_bool(a, n->u.s[0] == 't');
	if (ytree_is_null(n))
		return view_null(a);
	if (n->plain && is_number(n->u.s))
		return view_num(a, strtod(n->u.s, NULL));
	return view_str(a, n->u.s);
}

static int run_test(const char *module, const struct ynode *t, struct arena *a)
{
	const struct ynode *name = ytree_get(t, "name"), *tpl = ytree_get(t, "template");
	const struct ynode *exp = ytree_get(t, "expected"), *parts = ytree_get(t, "partials");
	struct diags d = DIAGS_INIT;
	struct partials p = { { 0 }, { 0 }, 0 };
	for (size_t i = 0; parts && i < parts->n && p.n < 32; i++) {
		const struct ynode *v = parts->u.pairs[i].val;
		p.names[p.n] = parts->u.pairs[i].key->u.s;
		p.tpls[p.n] = tpl_parse(v->u.s, v->n, p.names[p.n], a, &d);
		p.n++;
	}
	struct tpl_lookup l = { get_partial, &p, 0 };
	struct buf out = BUF_INIT;
	const struct tpl *tp = tpl_parse(tpl->u.s, tpl->n, "template", a, &d);
	if (tp)
		tpl_render(tp, to_view(ytree_get(t, "data"), a), &l, &out, &d);
	int ok = tp && out.len == exp->n && memcmp(out.data, exp->u.s, exp->n) == 0;
	if (ok)
		printf("ok mustache/%s/%s\n", module, name->u.s);
	else {
		printf("FAIL mustache/%s/%s\n  expected: ", module, name->u.s);
		fwrite(exp->u.s, 1, exp->n, stdout);
		printf("\n  got:      ");
		fwrite(out.data, 1, out.len, stdout);
		printf("\n");
		diags_print(&d, stdout);
	}
	buf_release(&out);
	diags_free(&d);
	return ok;
}

static int run_file(const char *dir, const char *file, int *fails)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	int failed = 0;
	fs_join(&path, dir, file);
	if (fs_read(path.data, 1 << 24, &text) < 0) {
		printf("FAIL mustache/%s: cannot read\n", file);
		(*fails)++;
		return 0;
	}
	const struct ynode *root = ytree_load(text.data, text.len, path.data, 0, &a, &d, &failed);
	const struct ynode *tests = ytree_get(root, "tests");
	char module[64];
	const char *base = file[0] == '~' ? file + 1 : file;
	snprintf(module, sizeof(module), "%.*s", (int)strcspn(base, "."), base);
	int pass = 0, fail = 0;
	for (size_t i = 0; tests && i < tests->n; i++) {
		if (run_test(module, tests->u.items[i], &a))
			pass++;
		else
			fail++;
	}
	if (failed || !tests) {
		diags_print(&d, stdout);
		printf("FAIL mustache/%s: unreadable spec file\n", module);
		fail++;
	}
	printf("mustache %s: %d passed, %d failed\n", module, pass, fail);
	*fails += fail;
	diags_free(&d);
	arena_free(&a);
	buf_release(&path);
	buf_release(&text);
	return pass;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/spec/mustache";
	struct fs_entry *v;
	size_t n;
	if (fs_list(dir, &v, &n) < 0) {
		printf("skip mustache: %s not found\n", dir);
		return 0;
	}
	int fails = 0;
	for (size_t i = 0; i < n; i++) {
		const char *f = v[i].name;
		size_t l = strlen(f);
		if (l < 5 || strcmp(f + l - 4, ".yml") != 0 || strcmp(f, "~lambdas.yml") == 0)
			continue;
		run_file(dir, f, &fails);
	}
	fs_entries_free(v, n);
	return fails ? 1 : 0;
}
