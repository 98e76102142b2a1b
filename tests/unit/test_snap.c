/*
 * Unit tests of the load snapshot (generator/data/snap.h): a tree goes
 * through the codec unchanged (kinds, styles, lines, columns, strings, the
 * nodes an alias shares), bytes that are not a whole tree decode to NULL
 * whatever they are, and the file of records gives back a tree with its
 * parse's warnings, ignores one that does not check, and is appended to.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../generator/base/arena.h"
#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/base/fs.h"
#include "../../generator/data/snap.h"
#include "../../generator/data/ytree.h"
#include "harness.h"
#include "tests.h"

static const char doc[] =
    "base: &b { x: 1, y: \"deux\" }\n"
    "list:\n  - *b\n  - { <<: *b, y: 'trois' }\n  - ~\n"
    "text: |\n  a\n  b\n"
    "folded: >\n     a\n     b\n"
    "long: \"a\n  b\"\n"
    "ctl: \"a\\x1Fb\"\n";

/* 1 when a and b are the same tree; shares is checked by the caller. */
static int same(const struct ynode *a, const struct ynode *b)
{
	if (!a || !b || a->kind != b->kind || a->plain != b->plain || a->text != b->text ||
	    a->indent != b->indent || a->line != b->line || a->col != b->col || a->n != b->n ||
	    a->weight != b->weight)
		return 0;
	if (a->kind == Y_SCALAR)
		return memcmp(a->u.s, b->u.s, a->n + 1) == 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->kind == Y_SEQ ? !same(a->u.items[i], b->u.items[i])
		    : !same(a->u.pairs[i].key, b->u.pairs[i].key) || !same(a->u.pairs[i].val, b->u.pairs[i].val))
			return 0;
	return 1;
}

void test_snap_codec(void)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	int failed;
	struct ynode *r = ytree_load(doc, strlen(doc), "t.yaml", 0, &a, &d, &failed);
	EXPECT(r && !failed && d.n == 1);	/* the control character */
	struct buf b = BUF_INIT;
	snap_encode(&b, r);
	struct ynode *t = snap_decode(b.data, b.len, &a);
	EXPECT(same(r, t));
	/* The alias shares the anchored node, in the copy too. */
	const struct ynode *list = ytree_get(t, "list");
	EXPECT(list && list->u.items[0] == ytree_get(t, "base"));
	/* Every shorter prefix, and every byte changed, is refused or gives a
	 * tree; never a crash (ASan runs this too). */
	for (size_t n = 0; n < b.len; n++)
		EXPECT(snap_decode(b.data, n, &a) == NULL);
	char *c = malloc(b.len + 1);
	for (size_t i = 0; i < b.len; i++)
		for (unsigned v = 0; v < 256; v += 37) {
			memcpy(c, b.data, b.len + 1);
			c[i] = (char)v;
			(void)snap_decode(c, b.len, &a);
		}
	/* A reference to a node still open (a cycle) is refused: the root map
	 * made to hold itself. */
	struct buf cyc = BUF_INIT;
	const char bytes[] = { 2, 2, 1, 1, 1, 1, 0, 1, 1, 1, 1, 'k', 0, 3, 0 };
	buf_add(&cyc, bytes, sizeof(bytes));
	EXPECT(snap_decode(cyc.data, cyc.len, &a) == NULL);
	free(c);
	buf_release(&cyc);
	buf_release(&b);
	diags_free(&d);
	arena_free(&a);
}

void test_snap_file(void)
{
	char dir[] = "/tmp/carto-snap-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf path = BUF_INIT, bytes = BUF_INIT;
	fs_join(&path, dir, "load");
	struct digest carto = digest_bytes("carto", 5), other = digest_bytes("other", 5);
	struct digest key = digest_bytes(doc, strlen(doc));
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT, d2 = DIAGS_INIT;
	int failed;
	struct ynode *r = ytree_load(doc, strlen(doc), "t.yaml", 0, &a, &d, &failed), *t = NULL;
	struct snap *s = snap_open(path.data, &carto, 1);
	EXPECT(!snap_take(s, &key, "t.yaml", &a, &d2, &t));
	snap_put(s, &key, r, &d, 0);
	EXPECT(snap_save(s) == 0 && snap_added(s) == 1);
	snap_free(s);
	/* Taken back, with the warning under the name given. */
	s = snap_open(path.data, &carto, 1);
	EXPECT(snap_take(s, &key, "u.yaml", &a, &d2, &t) && same(r, t) && snap_taken(s) == 1);
	EXPECT(d2.n == 1 && harness_streq(d2.v[0].file, "u.yaml") && d2.v[0].line == d.v[0].line &&
	    d2.v[0].col == d.v[0].col && d2.v[0].sev == DIAG_WARNING && harness_streq(d2.v[0].msg, d.v[0].msg));
	snap_free(s);
	/* Another carto's: nothing. */
	s = snap_open(path.data, &other, 1);
	EXPECT(!snap_take(s, &key, "t.yaml", &a, &d2, &t));
	snap_free(s);
	/* A byte changed in the payload: the record does not check. */
	EXPECT(fs_read(path.data, 1 << 20, &bytes) == 0);
	bytes.data[bytes.len - 3] ^= 1;
	EXPECT(fs_write(path.data, bytes.data, bytes.len) == 0);
	s = snap_open(path.data, &carto, 1);
	EXPECT(!snap_take(s, &key, "t.yaml", &a, &d2, &t));
	snap_free(s);
	/* Truncated: nothing, and no crash. */
	EXPECT(fs_write(path.data, bytes.data, bytes.len / 2) == 0);
	s = snap_open(path.data, &carto, 1);
	EXPECT(!snap_take(s, &key, "t.yaml", &a, &d2, &t));
	/* Written again whole: then appended to, and both are found. */
	snap_put(s, &key, r, &d, 0);
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	struct digest key2 = digest_bytes("x", 1);
	s = snap_open(path.data, &carto, 1);
	EXPECT(snap_take(s, &key, "t.yaml", &a, &d2, &t));
	snap_put(s, &key2, r, &d, 1);
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	s = snap_open(path.data, &carto, 0);
	size_t before = d2.n;
	EXPECT(snap_take(s, &key, "t.yaml", &a, &d2, &t) && snap_take(s, &key2, "t.yaml", &a, &d2, &t));
	EXPECT(d2.n == before + 1);	/* the second record was put without the warning */
	int listed = 0;
	EXPECT(snap_records(s, &listed) == 2 && listed);	/* from <snapshot>.recs */
	snap_free(s);
	/* The listing damaged: the heads are walked, both records taken. */
	struct buf lpath = BUF_INIT, list = BUF_INIT;
	buf_printf(&lpath, "%s.recs", path.data);
	EXPECT(fs_read(lpath.data, 1 << 20, &list) == 0 && list.len == 21 + 40 + 8 + 2 * 48 + 16);
	list.data[30] ^= 1;
	EXPECT(fs_write(lpath.data, list.data, list.len) == 0);
	s = snap_open(path.data, &carto, 0);
	EXPECT(snap_records(s, &listed) == 2 && !listed);
	EXPECT(snap_take(s, &key, "t.yaml", &a, &d2, &t) && snap_take(s, &key2, "t.yaml", &a, &d2, &t));
	snap_free(s);
	/* A listing that passes its own checks but names each record by the
	 * other's key (its digest made again): neither is taken, as the heads
	 * found in the file are not the listed ones; no crash. */
	list.data[30] ^= 1;
	char k1[16];
	memcpy(k1, list.data + 69, 16);
	memcpy(list.data + 69, list.data + 69 + 48, 16);
	memcpy(list.data + 69 + 48, k1, 16);
	struct digest sum = digest_bytes(list.data, list.len - 16);
	memcpy(list.data + list.len - 16, &sum, sizeof(sum));
	EXPECT(fs_write(lpath.data, list.data, list.len) == 0);
	s = snap_open(path.data, &carto, 0);
	EXPECT(snap_records(s, &listed) == 2 && listed);
	EXPECT(!snap_take(s, &key, "t.yaml", &a, &d2, &t) && !snap_take(s, &key2, "t.yaml", &a, &d2, &t));
	snap_free(s);
	/* The listing of the file before a byte was added to it (its
	 * identity differs): walked; the torn file is written again with the
	 * record taken, and listed. */
	buf_reset(&bytes);
	EXPECT(fs_read(path.data, 1 << 20, &bytes) == 0);
	buf_add(&bytes, "x", 1);
	EXPECT(fs_write(path.data, bytes.data, bytes.len) == 0);
	s = snap_open(path.data, &carto, 1);
	EXPECT(snap_records(s, &listed) == 2 && !listed && snap_take(s, &key, "t.yaml", &a, &d2, &t));
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	s = snap_open(path.data, &carto, 0);
	EXPECT(snap_records(s, &listed) == 1 && listed && snap_take(s, &key, "t.yaml", &a, &d2, &t));
	snap_free(s);
	unlink(lpath.data);
	unlink(path.data);
	rmdir(dir);
	buf_release(&path);
	buf_release(&bytes);
	buf_release(&lpath);
	buf_release(&list);
	diags_free(&d);
	diags_free(&d2);
	arena_free(&a);
}

/* A listing that passes its own checks but gives the last record a
 * shorter length (its digest made again), for a record the load keeps
 * without taking it (snap_known, a file known by identity): the file is
 * written again (its end reads as torn) without that record, whose head
 * is not the listed one, so a record added after it is still found by a
 * load that walks the heads. */
void test_snap_listing_wrong(void)
{
	char dir[] = "/tmp/carto-snapl-XXXXXX";
	EXPECT(mkdtemp(dir) != NULL);
	struct buf path = BUF_INIT, lpath = BUF_INIT, file = BUF_INIT, list = BUF_INIT;
	fs_join(&path, dir, "load");
	fs_join(&file, dir, "t.yaml");
	buf_printf(&lpath, "%s.recs", path.data);
	struct digest carto = digest_bytes("carto", 5);
	struct digest k1 = digest_bytes("1", 1), k2 = digest_bytes("2", 1), k3 = digest_bytes("3", 1);
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT, d2 = DIAGS_INIT;
	int failed, listed;
	struct ynode *r = ytree_load(doc, strlen(doc), "t.yaml", 0, &a, &d, &failed), *t = NULL;
	EXPECT(fs_write(file.data, doc, strlen(doc)) == 0);
	usleep(30000);	/* its times older than the next opening (racy-clean) */
	struct stat st;
	EXPECT(stat(file.data, &st) == 0);
	struct snap *s = snap_open(path.data, &carto, 1);
	snap_put(s, &k1, r, &d, 0);
	snap_put(s, &k2, r, &d, 0);
	snap_note(s, file.data, &st, &k2);
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	/* The last entry 10 bytes shorter: the records still follow each
	 * other, the file's end comes 10 bytes after the last. */
	EXPECT(fs_read(lpath.data, 1 << 20, &list) == 0 && list.len == 21 + 40 + 8 + 2 * 48 + 16);
	uint64_t len;
	memcpy(&len, list.data + 69 + 48 + 24, sizeof(len));
	len -= 10;
	memcpy(list.data + 69 + 48 + 24, &len, sizeof(len));
	struct digest sum = digest_bytes(list.data, list.len - 16);
	memcpy(list.data + list.len - 16, &sum, sizeof(sum));
	EXPECT(fs_write(lpath.data, list.data, list.len) == 0);
	s = snap_open(path.data, &carto, 1);
	struct digest src;
	EXPECT(snap_records(s, &listed) == 2 && listed);
	EXPECT(snap_known(s, file.data, &st, &src) && digest_eq(&src, &k2));
	EXPECT(snap_take(s, &k1, "t.yaml", &a, &d2, &t));
	snap_put(s, &k3, r, &d, 0);
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	unlink(lpath.data);
	s = snap_open(path.data, &carto, 0);
	EXPECT(snap_records(s, &listed) == 2 && !listed);
	EXPECT(snap_take(s, &k1, "t.yaml", &a, &d2, &t) && snap_take(s, &k3, "t.yaml", &a, &d2, &t) &&
	    same(r, t));
	EXPECT(!snap_take(s, &k2, "t.yaml", &a, &d2, &t));
	snap_free(s);
	/* Listed again; then a listing of the second record only (a gap
	 * before it): not the file's list, walked. */
	s = snap_open(path.data, &carto, 1);
	EXPECT(snap_take(s, &k1, "t.yaml", &a, &d2, &t) && snap_take(s, &k3, "t.yaml", &a, &d2, &t));
	EXPECT(snap_save(s) == 0);
	snap_free(s);
	buf_reset(&list);
	EXPECT(fs_read(lpath.data, 1 << 20, &list) == 0 && list.len == 21 + 40 + 8 + 2 * 48 + 16);
	uint64_t one = 1;
	memcpy(list.data + 61, &one, sizeof(one));
	memmove(list.data + 69, list.data + 69 + 48, 48);
	list.len -= 48;
	sum = digest_bytes(list.data, list.len - 16);
	memcpy(list.data + list.len - 16, &sum, sizeof(sum));
	EXPECT(fs_write(lpath.data, list.data, list.len) == 0);
	s = snap_open(path.data, &carto, 0);
	EXPECT(snap_records(s, &listed) == 2 && !listed);
	snap_free(s);
	struct buf ids = BUF_INIT;
	buf_printf(&ids, "%s.ids", path.data);
	unlink(ids.data);
	unlink(lpath.data);
	unlink(path.data);
	unlink(file.data);
	rmdir(dir);
	buf_release(&ids);
	buf_release(&path);
	buf_release(&lpath);
	buf_release(&file);
	buf_release(&list);
	diags_free(&d);
	diags_free(&d2);
	arena_free(&a);
}
