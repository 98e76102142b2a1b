/*
 * Unit tests of carto serve's loader (data/load.c): a refresh reads again
 * only the organisation files that changed, gives load_site's model and
 * diagnostics, and reads everything when a file the whole site reads moves.
 */
#define _DEFAULT_SOURCE	/* mkdtemp, open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/base/fs.h"
#include "../../generator/data/load.h"
#include "../../generator/data/model.h"
#include "harness.h"
#include "tests.h"

/* Copies the folder from into to (made). */
static void copy_tree(const char *from, const char *to)
{
	struct fs_entry *v;
	size_t n;
	struct buf a = BUF_INIT, b = BUF_INIT, data = BUF_INIT;
	fs_mkdirs(to);
	if (fs_list(from, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		fs_join(&a, from, v[i].name);
		fs_join(&b, to, v[i].name);
		if (v[i].kind == FS_DIR)
			copy_tree(a.data, b.data);
		else if (buf_reset(&data), fs_read(a.data, 1 << 24, &data) == 0)
			fs_write(b.data, data.data, data.len);
	}
	fs_entries_free(v, n);
	buf_release(&a);
	buf_release(&b);
	buf_release(&data);
}

/* The diagnostics as carto prints them. */
static char *printed(struct diags *d)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	diags_print(d, f);
	fclose(f);
	return s;
}

/* Loads root afresh: its diagnostics, and its organisations' names. */
static char *fresh(const char *root, struct buf *names)
{
	struct site s;
	struct diags d = DIAGS_INIT;
	memset(&s, 0, sizeof(s));
	load_site(&s, root, 2, NULL, &d);
	buf_reset(names);
	for (size_t i = 0; i < s.n_organismes; i++)
		buf_printf(names, "%s;", s.organismes[i]->nom ? s.organismes[i]->nom : "");
	char *p = printed(&d);
	diags_free(&d);
	site_free(&s);
	return p;
}

/* Refreshes l: checks that the model and diagnostics are load_site's, and
 * returns how many files were read. */
static size_t refresh(struct loader *l, const char *root)
{
	struct diags d = DIAGS_INIT;
	size_t reread = 0;
	loader_refresh(l, &d, &reread);
	const struct site *s = loader_site(l);
	struct buf names = BUF_INIT, want = BUF_INIT;
	for (size_t i = 0; i < s->n_organismes; i++)
		buf_printf(&names, "%s;", s->organismes[i]->nom ? s->organismes[i]->nom : "");
	char *got = printed(&d), *expected = fresh(root, &want);
	EXPECT_STR(got, expected);
	EXPECT_STR(names.data ? names.data : "", want.data ? want.data : "");
	free(got);
	free(expected);
	diags_free(&d);
	buf_release(&names);
	buf_release(&want);
	return reread;
}

static void write_text(const char *root, const char *rel, const char *text)
{
	struct buf p = BUF_INIT;
	fs_join(&p, root, rel);
	fs_write(p.data, text, strlen(text));
	buf_release(&p);
}

void test_loader(void)
{
	char dir[] = "/tmp/carto-unit-loader-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf root = BUF_INIT, org = BUF_INIT;
	fs_join(&root, dir, "site");
	copy_tree("tests/check/base", root.data);
	struct buf p = BUF_INIT;
	fs_join(&p, root.data, "content/organismes/asso-test.yaml");
	fs_read(p.data, 1 << 20, &org);
	struct loader *l = loader_new(root.data, NULL, 2);
	size_t all = refresh(l, root.data);
	EXPECT(all >= 6 && loader_site(l)->n_organismes == 1);
	const struct organisme *first = loader_site(l)->organismes[0];
	EXPECT(refresh(l, root.data) == 0 && loader_site(l)->organismes[0] == first);
	/* Added, changed, broken, mended, removed: one file read each time, the
	 * other organisation kept as it was. */
	struct buf other = BUF_INIT;
	buf_puts(&other, org.data);
	char *id = strstr(other.data, "id: asso-test");
	memcpy(id, "id: asso-zzzz", 13);
	write_text(root.data, "content/organismes/zz.yaml", other.data);
	EXPECT(refresh(l, root.data) == 1 && loader_site(l)->n_organismes == 2);
	EXPECT(loader_site(l)->organismes[0] == first);
	char *nom = strstr(other.data, "Association Test");
	memcpy(nom, "Association Zest", 16);
	write_text(root.data, "content/organismes/zz.yaml", other.data);
	EXPECT(refresh(l, root.data) == 1 && strcmp(loader_site(l)->organismes[1]->nom, "Association Zest") == 0);
	write_text(root.data, "content/organismes/zz.yaml", "organisme:\n  id: [unclosed\n");
	EXPECT(refresh(l, root.data) == 1 && loader_site(l)->n_organismes == 1);
	write_text(root.data, "content/organismes/zz.yaml", "organisme:\n  nom: 12\n  lieux: []\n");
	EXPECT(refresh(l, root.data) == 1);
	EXPECT(refresh(l, root.data) == 0);	/* its diagnostics are given again */
	buf_reset(&p);
	fs_join(&p, root.data, "content/organismes/zz.yaml");
	unlink(p.data);
	EXPECT(refresh(l, root.data) == 0 && loader_site(l)->n_organismes == 1);
	EXPECT(loader_site(l)->organismes[0] == first);
	/* site.yaml rewritten: everything is read again. */
	buf_reset(&other);
	buf_reset(&p);
	fs_join(&p, root.data, "site.yaml");
	fs_read(p.data, 1 << 20, &other);
	usleep(10000);
	write_text(root.data, "site.yaml", other.data);
	EXPECT(refresh(l, root.data) == all);
	loader_free(l);
	fs_rmtree(dir);
	buf_release(&root);
	buf_release(&org);
	buf_release(&other);
	buf_release(&p);
}
