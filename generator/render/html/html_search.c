/*
 * The search index in pieces (issue 17), read by themes/default/assets/search.js
 * through script elements, so that search works offline and from file://
 * (where fetch() is not allowed). Every entry (page, organisme, offre,
 * référentiel entry) is a document numbered in the order written; its words
 * are folded by fold_words, the rule of the browser's norm(). Files, all
 * under recherche/:
 *   index.js       window.CARTO_SEARCH = {"docs": N, "chunk": DOC_CHUNK,
 *                  "keys": [...]}: the dictionary pieces' keys, the first
 *                  two characters of their terms (or the whole term when it
 *                  has one character), in the order of the files;
 *   d/K.js         CARTO_SEARCH_DICT(K, "term term …", [p, p, …]): the
 *                  terms of key K in byte order and the postings piece
 *                  holding each;
 *   p/P.js         CARTO_SEARCH_POST(P, {"term": "…", …}): postings of a
 *                  run of terms in byte order, about POST_BYTES each; a
 *                  posting is (document − previous document) × 2 + 1 when
 *                  the term is in the document's title, in base 36, comma
 *                  separated;
 *   docs/C.js      CARTO_SEARCH_DOCS(C, [[title, url, kind], …]): documents
 *                  C × DOC_CHUNK onwards.
 * A query of two words thus loads two dictionary pieces, the postings pieces
 * of the terms it matches and the documents it shows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/arena.h"
#include "../../base/buf.h"
#include "../../base/digest.h"
#include "../../base/escape.h"
#include "../../base/json.h"
#include "../../base/mem.h"
#include "../../base/strmap.h"
#include "../../base/utf8.h"
#include "../../data/derive.h"
#include "../../data/model.h"
#include "../../data/paths.h"
#include "../../text/fold.h"
#include "../cache.h"
#include "../publish.h"
#include "html_search.h"

enum { DOC_CHUNK = 64, POST_BYTES = 12000 };

struct sterm {
	const char *s;
	uint32_t *post;		/* document << 1 | in title, ascending */
	size_t n, cap;
	uint32_t part;		/* the last part it is in (struct index's) */
};

struct index {
	struct arena a;
	struct strmap map;	/* term -> struct sterm * */
	struct sterm **terms;
	size_t n_terms, cap_terms;
	struct buf docs;	/* the current chunk of documents */
	struct json dj;		/* writes its array into docs */
	uint32_t n_docs;
	struct buf fold, mfold, path;	/* mfold: folded()'s */
	const char *kind;	/* add_kind's last kind, folded in kind_fold */
	struct buf kind_fold;
	struct publish *p;
	int rc;
	struct strmap was;	/* rel -> struct publish_file *: the files of
				 * the previous build's index (emit) */
	size_t kept, emitted;	/* files put back by emit, of those published */
	struct digest_ctx *key;	/* html_search_key's: documents go there */
	struct buf one;		/* a document's line of its chunk */
	struct buf *part;	/* the part of the group being indexed (parts) */
	uint32_t base;		/* its first document */
	uint32_t part_no;	/* its number, from 1 (a term's part: 0 none) */
	struct sterm **touched;	/* the terms it made or posted, as first met */
	size_t n_touched, cap_touched;
	struct memo {		/* each string's terms, folded once (folded) */
		const char *s;
		struct sterm **t;
		size_t n;
		int bad;	/* fold_words gave nothing: invalid UTF-8 */
	} *memo;
	size_t memo_cap, memo_n;
};

static void put_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Term t is one of the part being indexed (when one is): made or posted
 * by it. A term made and never posted (folded() makes the terms of a
 * shared string before a document turns out to have invalid UTF-8) is
 * still written with no posting, so a part records it too. */
static void touch(struct index *x, struct sterm *t)
{
	if (!x->part || t->part == x->part_no)
		return;
	t->part = x->part_no;
	x->touched = xgrow(x->touched, &x->cap_touched, x->n_touched + 1, sizeof(*x->touched));
	x->touched[x->n_touched++] = t;
}

/* The term of w, a folded word, NUL-terminated; copied into the arena
 * when new. */
static struct sterm *term(struct index *x, const char *w)
{
	struct sterm *t = strmap_get(&x->map, w);
	if (!t) {
		t = arena_alloc(&x->a, sizeof(*t));
		t->s = arena_strndup(&x->a, w, strlen(w));
		t->post = NULL;
		t->n = t->cap = 0;
		t->part = 0;
		strmap_put(&x->map, t->s, t);
		x->terms = xgrow(x->terms, &x->cap_terms, x->n_terms + 1, sizeof(*x->terms));
		x->terms[x->n_terms++] = t;
		touch(x, t);
	}
	return t;
}

/* Term t is in the current document (in its title when title is 1). */
static void post(struct index *x, struct sterm *t, int title)
{
	uint32_t v = x->n_docs << 1 | (uint32_t)title;
	if (t->n && t->post[t->n - 1] >> 1 == x->n_docs) {
		t->post[t->n - 1] |= v;
		return;
	}
	touch(x, t);
	t->post = xgrow(t->post, &t->cap, t->n + 1, sizeof(*t->post));
	t->post[t->n++] = v;
}

/* The words of folded (fold_words' output: each word followed by a space),
 * each looked up in place: its space is a NUL meanwhile. */
static void add_folded(struct index *x, char *folded, int title)
{
	for (char *w = folded, *sp; (sp = strchr(w, ' ')); w = sp + 1) {
		*sp = '\0';
		post(x, term(x, w), title);
		*sp = ' ';
	}
}

/* The terms of s, a string that lives through the build (an
 * organisation's name, a commune's, a type's label: the words of many
 * documents), folded and looked up the first time only: x->memo, an open
 * table on the string's address. */
static size_t memo_slot(const struct memo *v, size_t cap, const char *s)
{
	size_t h = (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);
	while (v[h].s && v[h].s != s)
		h = (h + 1) & (cap - 1);
	return h;
}

static const struct memo *folded(struct index *x, const char *s)
{
	static const struct memo none = { NULL, NULL, 0, 0 };
	if (!s)
		return &none;
	if (x->memo_n * 2 >= x->memo_cap) {
		size_t cap = x->memo_cap ? x->memo_cap * 2 : 4096;
		struct memo *v = xcalloc(cap, sizeof(*v));
		for (size_t i = 0; i < x->memo_cap; i++)
			if (x->memo[i].s)
				v[memo_slot(v, cap, x->memo[i].s)] = x->memo[i];
		free(x->memo);
		x->memo = v;
		x->memo_cap = cap;
	}
	struct memo *m = &x->memo[memo_slot(x->memo, x->memo_cap, s)];
	if (m->s)
		return m;
	m->s = s;
	x->memo_n++;
	buf_reset(&x->mfold);
	m->bad = fold_words(&x->mfold, s) < 0;	/* and so the words joined with it */
	size_t n = 0;
	for (size_t i = 0; i < x->mfold.len; i++)
		n += x->mfold.data[i] == ' ';
	m->t = arena_alloc(&x->a, (n + 1) * sizeof(*m->t));
	for (char *w = x->mfold.data, *sp; x->mfold.len && (sp = strchr(w, ' ')); w = sp + 1) {
		*sp = '\0';
		m->t[m->n++] = term(x, w);
		*sp = ' ';
	}
	return m;
}

/* A document's kind is one of a few strings that live through the build
 * (the kinds of pages, "Organisme", "Offre", a référentiel's short title):
 * the last one's folded words are kept. */
static void add_kind(struct index *x, const char *k)
{
	if (k != x->kind) {
		x->kind = k;
		buf_reset(&x->kind_fold);
		fold_words(&x->kind_fold, k);
	}
	if (x->kind_fold.len)
		add_folded(x, x->kind_fold.data, 0);
}

/* Publishes the file x->path: put back (publish_keep: one look, not a
 * read of the published file) when its bytes are those the previous
 * build's index recorded there, which a rename leaves for most of its
 * files (every chunk of documents but one, the dictionary's pieces
 * before the first changed term); else written. */
static void emit(struct index *x, const char *data, size_t len)
{
	x->emitted++;
	const struct publish_file *f = strmap_get(&x->was, x->path.data);
	if (f && f->size == (long long)len) {
		struct digest d = digest_bytes(data, len);
		struct publish_stat id = f->st;
		if (digest_eq(&d, &f->bytes) && publish_keep(x->p, x->path.data, (long long)len, &d, &id) == 0) {
			x->kept++;
			return;
		}
	}
	if (publish_write(x->p, x->path.data, data, len) < 0)
		x->rc = -1;
}

static void flush_docs(struct index *x)
{
	if (!x->docs.len)
		return;
	json_end(&x->dj);
	json_free(&x->dj);
	buf_puts(&x->docs, ");\n");
	buf_reset(&x->path);
	buf_printf(&x->path, "recherche/docs/%u.js", (x->n_docs - 1) / DOC_CHUNK);
	emit(x, x->docs.data, x->docs.len);
	buf_reset(&x->docs);
}

/* Appends the line of the next document (a newline and its array) to its
 * chunk. */
static void add_line(struct index *x, const char *line, size_t n)
{
	if (x->n_docs % DOC_CHUNK == 0) {
		buf_printf(&x->docs, "CARTO_SEARCH_DOCS(%u, ", x->n_docs / DOC_CHUNK);
		json_init(&x->dj, &x->docs, JSON_COMPACT);
		json_array(&x->dj);
	}
	json_splice(&x->dj, line, n);
	x->n_docs++;
	if (x->n_docs % DOC_CHUNK == 0)
		flush_docs(x);
}

/* The other words of a document: strings of the model, each shared by
 * many documents (an organisation's name, a commune's, a type's label:
 * folded once, folded()) or not. */
struct more {
	struct piece {
		const char *s;
		int shared;
	} *v;
	size_t n, cap;
};

static void more_add(struct more *m, const char *s, int shared)
{
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = (struct piece){ s, shared };
}

/* One document: title, URL from the root, kind, and the other words found
 * in it: those of the strings of more (NULL ones left out), as if joined
 * with spaces (so that one of invalid UTF-8 leaves them all out, as
 * fold_words does the whole). */
static void doc(struct index *x, const char *t, const char *u, const char *k, const struct more *more)
{
	if (x->key) {	/* the index is a function of these, in order */
		digest_str(x->key, t);
		digest_str(x->key, u);
		digest_str(x->key, k);
		digest_num(x->key, (long long)more->n);
		for (size_t i = 0; i < more->n; i++)
			digest_str(x->key, more->v[i].s);
		return;
	}
	buf_reset(&x->fold);
	if (fold_words(&x->fold, t) == 0 && x->fold.len)
		add_folded(x, x->fold.data, 1);
	/* The pieces not shared folded one after the other, as joined. */
	buf_reset(&x->fold);
	int bad = 0;
	for (size_t i = 0; i < more->n && !bad; i++)
		bad = more->v[i].shared ? folded(x, more->v[i].s)->bad
		    : fold_words(&x->fold, more->v[i].s) < 0;
	if (!bad && x->fold.len)
		add_folded(x, x->fold.data, 0);
	for (size_t i = 0; i < more->n && !bad; i++)
		if (more->v[i].shared) {
			const struct memo *m = folded(x, more->v[i].s);
			for (size_t w = 0; w < m->n; w++)
				post(x, m->t[w], 0);
		}
	add_kind(x, k);
	/* One document a line, in the array of its chunk. */
	struct json j;
	buf_reset(&x->one);
	buf_putc(&x->one, '\n');
	json_init(&j, &x->one, JSON_COMPACT);
	json_array(&j);
	json_str(&j, t);
	json_str(&j, u);
	json_str(&j, k);
	json_end(&j);
	json_free(&j);
	if (x->part) {
		put_u32(x->part, (uint32_t)x->one.len);
		buf_add(x->part, x->one.data, x->one.len);
	}
	add_line(x, x->one.data, x->one.len);
}

/* The documents of the organisations [from, to) of the site's order. */
static void search_orgs(struct index *x, struct buf *u, struct more *m, const struct site *s,
    size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct organisme *o = s->organismes[i];
		buf_reset(u);
		path_org_page(u, o);
		size_t page = u->len;	/* organismes/<id>/ */
		buf_puts(u, "index.html");
		m->n = 0;
		for (size_t k = 0; k < o->n_lieux; k++) {
			more_add(m, o->lieux[k].commune ? o->lieux[k].commune->nom : NULL, 1);
			more_add(m, o->lieux[k].code_postal.s, 0);
			more_add(m, o->lieux[k].dep, 0);
		}
		doc(x, o->nom, u->data, "Organisme", m);
		for (size_t k = 0; k < o->n_offres; k++) {
			const struct offre *of = &o->offres[k];
			buf_truncate(u, page);
			buf_puts(u, "index.html#offre-");
			buf_puts(u, of->id.s);
			m->n = 0;
			more_add(m, o->nom, 1);
			for (size_t t = 0; t < of->types.n; t++) {
				more_add(m, of->types.v[t].s, 0);
				more_add(m, vocab_label(&s->vocab.types_offre, of->types.v[t].s), 1);
			}
			for (size_t l = 0; l < of->n_lieux; l++)
				more_add(m, of->lieux[l]->commune ? of->lieux[l]->commune->nom : NULL, 1);
			doc(x, of->intitule, u->data, "Offre", m);
		}
	}
}

static void search_refs(struct index *x, struct buf *u, const struct referentiel *r,
    const struct ref_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_reset(u);
		path_ref_page(u, r);
		buf_puts(u, "index.html#c-");
		esc_id(u, e[i].code);
		struct piece code = { e[i].code, 0 };
		doc(x, e[i].titre, u->data, r->titre_court, &(struct more){ &code, 1, 1 });
		search_refs(x, u, r, e[i].children, e[i].n_children);
	}
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp((*(struct sterm *const *)a)->s, (*(struct sterm *const *)b)->s);
}

/* Length in bytes of the dictionary key of t: its first two characters. */
static size_t key_len(const char *t)
{
	uint32_t c;
	size_t n = utf8_decode(t, &c);
	return n + utf8_decode(t + n, &c);
}

static void publish_buf(struct index *x, struct buf *b)
{
	emit(x, b->data, b->len);
	buf_reset(b);
}

/* The postings pieces; piece[i] is the one holding terms[i]. */
static void write_postings(struct index *x, uint32_t *piece)
{
	struct buf b = BUF_INIT, list = BUF_INIT;
	struct json j;
	uint32_t np = 0;
	json_init(&j, &b, JSON_COMPACT);
	for (size_t i = 0; i < x->n_terms; i++) {
		const struct sterm *t = x->terms[i];
		if (!b.len) {	/* a piece: an object of terms, one a line */
			buf_printf(&b, "CARTO_SEARCH_POST(%u, ", np);
			json_init(&j, &b, JSON_COMPACT);
			json_object(&j);
		}
		json_ws(&j, "\n");
		json_key(&j, t->s);
		buf_reset(&list);
		uint32_t prev = 0;
		for (size_t k = 0; k < t->n; k++) {
			char d[16];
			uint32_t v = ((t->post[k] >> 1) - prev) << 1 | (t->post[k] & 1);
			prev = t->post[k] >> 1;
			size_t n = sizeof(d);
			do
				d[--n] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
			while ((v /= 36));
			if (k)
				buf_putc(&list, ',');
			buf_add(&list, d + n, sizeof(d) - n);
		}
		json_str(&j, list.data);
		piece[i] = np;
		if (b.len >= POST_BYTES || i + 1 == x->n_terms) {
			json_ws(&j, "\n");
			json_end(&j);
			json_free(&j);
			buf_puts(&b, ");\n");
			buf_reset(&x->path);
			buf_printf(&x->path, "recherche/p/%u.js", np++);
			publish_buf(x, &b);
		}
	}
	buf_release(&b);
	buf_release(&list);
}

/* The dictionary pieces and the manifest. */
static void write_dict(struct index *x, const uint32_t *piece)
{
	struct buf b = BUF_INIT, keys = BUF_INIT, words = BUF_INIT;
	struct json jk;
	uint32_t nk = 0;
	json_init(&jk, &keys, JSON_COMPACT);
	json_array(&jk);
	for (size_t i = 0, j; i < x->n_terms; i = j) {
		const char *t = x->terms[i]->s;
		size_t kl = key_len(t);
		for (j = i + 1; j < x->n_terms && strncmp(x->terms[j]->s, t, kl) == 0 &&
		    key_len(x->terms[j]->s) == kl; j++)
			;
		char *k = xstrndup(t, kl);
		json_str(&jk, k);
		free(k);
		/* The terms of the key in one string, then their pieces. */
		buf_reset(&words);
		for (size_t m = i; m < j; m++)
			buf_printf(&words, "%s%s", m > i ? " " : "", x->terms[m]->s);
		buf_printf(&b, "CARTO_SEARCH_DICT(%u, ", nk);
		esc_json(&b, words.data);
		buf_puts(&b, ", [");
		for (size_t m = i; m < j; m++)
			buf_printf(&b, "%s%u", m > i ? "," : "", piece[m]);
		buf_puts(&b, "]);\n");
		buf_reset(&x->path);
		buf_printf(&x->path, "recherche/d/%u.js", nk++);
		publish_buf(x, &b);
	}
	json_end(&jk);
	json_free(&jk);
	buf_printf(&b, "/* Search index written by carto: the manifest of its pieces. */\n"
	    "window.CARTO_SEARCH = {\"docs\": %u, \"chunk\": %d, \"keys\": %s};\n",
	    x->n_docs, DOC_CHUNK, keys.data);
	buf_reset(&x->path);
	buf_puts(&x->path, "recherche/index.js");
	publish_buf(x, &b);
	buf_release(&b);
	buf_release(&keys);
	buf_release(&words);
}

/* The documents of the pages, in order, to doc(). */
static void search_pages(struct index *x, struct buf *u, const struct site *s, int drafts)
{
	for (size_t i = 0; i < s->n_pages; i++) {
		const struct page *pg = s->pages[i];
		if (!pg->slug[0] || (pg->brouillon && !drafts))
			continue;
		buf_reset(u);
		buf_printf(u, "%s/index.html", pg->slug);
		static const char *const kinds[] = { "Page", "Article", "Webinaire", "Diaporama" };
		struct piece resume = { pg->resume, 0 };
		doc(x, pg->titre, u->data, kinds[pg->type], &(struct more){ &resume, 1, 1 });
	}
}

static void search_all_refs(struct index *x, struct buf *u, const struct site *s)
{
	for (size_t i = 0; i < s->n_referentiels; i++)
		search_refs(x, u, s->referentiels[i], s->referentiels[i]->domaines,
		    s->referentiels[i]->n_domaines);
}

static void search_groups(struct index *x, struct buf *u, struct more *m, const struct site *s,
    const struct cache *c, size_t groups[2]);

/* Every document of the index, in order, to doc(); the organisations' by
 * group from the note of parts when there is a cache c. */
static void documents(struct index *x, const struct site *s, int drafts, const struct cache *c,
    size_t groups[2])
{
	struct buf u = BUF_INIT;
	struct more m = { NULL, 0, 0 };
	search_pages(x, &u, s, drafts);
	if (c)
		search_groups(x, &u, &m, s, c, groups);
	else
		search_orgs(x, &u, &m, s, 0, s->n_organismes);
	search_all_refs(x, &u, s);
	buf_release(&u);
	free(m.v);
}

/* The key's part of a group of organisations (a piece of the cache's:
 * cache_piece_group) is the digest of its documents as doc() hands them
 * to the key, kept from one build to the next in a note
 * (html-search-keys/recherche/index.js): pairs of the group's key (the
 * global part and its organisations' keys: what the documents are made
 * from) and that digest, in the order of the groups. A group whose key
 * the note holds is not read again. */
#define GROUP_NOTE "html-search-keys/recherche/index.js"

struct group_pair {
	struct digest key, docs;
};

static int by_key(const void *a, const void *b)
{
	const struct digest *x = &((const struct group_pair *)a)->key, *y = &((const struct group_pair *)b)->key;
	return memcmp(x, y, sizeof(*x));
}

void html_search_key(struct digest_ctx *k, const struct site *s, int drafts, const struct cache *c)
{
	struct index x = { .key = k };
	struct buf u = BUF_INIT, now = BUF_INIT;
	struct fs_view note = FS_VIEW_INIT;
	struct more m = { NULL, 0, 0 };
	digest_num(k, drafts);
	search_pages(&x, &u, s, drafts);
	size_t len = 0;
	const char *b = cache_note_read(c, GROUP_NOTE, (size_t)1 << 28, &note, &len);
	size_t n_old = b ? len / sizeof(struct group_pair) : 0;
	struct group_pair *old = xmalloc((n_old + 1) * sizeof(*old));
	if (n_old)
		memcpy(old, b, n_old * sizeof(*old));
	qsort(old, n_old, sizeof(*old), by_key);
	int changed = n_old * sizeof(*old) != len;
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		struct digest_ctx *gk = cache_key(c, "html-search-group", NULL);
		end = cache_piece_group(s, i, gk, 0);
		struct group_pair want = { digest_end(gk), { 0, 0 } };
		const struct group_pair *had = n_old ? bsearch(&want, old, n_old, sizeof(*old), by_key) : NULL;
		if (had)
			want.docs = had->docs;
		else {
			x.key = digest_new();
			search_orgs(&x, &u, &m, s, i, end);
			want.docs = digest_end(x.key);
			x.key = k;
			changed = 1;
		}
		buf_add(&now, &want, sizeof(want));
		digest_fold(k, &want.docs);
	}
	if (changed || now.len != len)
		cache_note_write(c, GROUP_NOTE, now.data, now.len);
	search_all_refs(&x, &u, s);
	free(old);
	free(m.v);
	buf_release(&u);
	fs_view_close(&note);
	buf_release(&now);
}

/* The part of the index a group of organisations makes, kept from one
 * build to the next in a note (html-search-parts/recherche/index.js) keyed
 * as the key's note (the group's key: what its documents are made from),
 * so that a build indexes again only the groups that changed, and puts the
 * others' documents and postings in place without folding a word: the
 * bytes are those of the whole index built at once (the terms are sorted
 * once all are in, a group's postings follow the previous groups'). The
 * note is, for each group in order, its key, the size of its part and the
 * part: its number of documents, each document's line (its size, then its
 * bytes: add_line's), its number of terms, and each term (its size with
 * its NUL, its bytes, its number of postings and the postings, document
 * counted from the group's first, native 32-bit words; none for a term
 * made and never posted: touch). A note that does
 * not hold together is none. */
#define PARTS_NOTE "html-search-parts/recherche/index.js"
/* The parts of the groups indexed again since that note was written whole,
 * in the same layout, kept while they are at most 1 / DELTA_SHARE of its
 * size (then the first is written again whole, and this one empty). A part
 * is a function of its key: found in either note, it is the same. */
#define PARTS_DELTA "html-search-parts-new/recherche/index.js"
#define DELTA_SHARE 8

struct old_part {
	struct digest key;
	const char *p;
	size_t n;
	int in_delta;	/* read from the small note (PARTS_DELTA) */
};

static int by_part_key(const void *a, const void *b)
{
	return memcmp(&((const struct old_part *)a)->key, &((const struct old_part *)b)->key,
	    sizeof(struct digest));
}

/* Whether the n bytes at p are a part (the note's layout above). */
static int part_holds(const char *p, size_t n)
{
	size_t at = 0;
	if (n < 4)
		return 0;
	uint32_t docs = get_u32(p);
	at = 4;
	for (uint32_t i = 0; i < docs; i++) {
		if (n - at < 4 || n - at - 4 < get_u32(p + at) || !get_u32(p + at) || p[at + 4] != '\n')
			return 0;
		at += 4 + get_u32(p + at);
	}
	if (n - at < 4)
		return 0;
	uint32_t terms = get_u32(p + at);
	at += 4;
	for (uint32_t i = 0; i < terms; i++) {
		if (n - at < 4)
			return 0;
		uint32_t l = get_u32(p + at);
		at += 4;
		if (l < 2 || n - at < l || p[at + l - 1] || memchr(p + at, '\0', l - 1))
			return 0;
		at += l;
		if (n - at < 4)
			return 0;
		uint32_t np = get_u32(p + at);
		at += 4;
		if ((n - at) / 4 < np)
			return 0;
		for (uint32_t k = 0, prev = 0; k < np; k++, at += 4) {
			uint32_t v = get_u32(p + at) >> 1;
			if (v >= docs || (k && v <= prev))
				return 0;
			prev = v;
		}
	}
	return at == n;
}

/* Puts in place the documents and postings of the part at p (held). */
static void part_replay(struct index *x, const char *p)
{
	uint32_t base = x->n_docs, docs = get_u32(p);
	p += 4;
	for (uint32_t i = 0; i < docs; i++) {
		uint32_t l = get_u32(p);
		add_line(x, p + 4, l);
		p += 4 + l;
	}
	uint32_t terms = get_u32(p);
	p += 4;
	for (uint32_t i = 0; i < terms; i++) {
		uint32_t l = get_u32(p);
		struct sterm *t = term(x, p + 4);
		p += 4 + l;
		uint32_t np = get_u32(p);
		p += 4;
		t->post = xgrow(t->post, &t->cap, t->n + np, sizeof(*t->post));
		for (uint32_t k = 0; k < np; k++, p += 4)
			t->post[t->n++] = get_u32(p) + (base << 1);
	}
}

/* The terms of the group just indexed (x->touched) with their postings,
 * to the end of its part. */
static void part_terms(struct index *x)
{
	put_u32(x->part, (uint32_t)x->n_touched);
	for (size_t i = 0; i < x->n_touched; i++) {
		const struct sterm *t = x->touched[i];
		size_t k = t->n;
		while (k && t->post[k - 1] >> 1 >= x->base)
			k--;
		size_t l = strlen(t->s) + 1;
		put_u32(x->part, (uint32_t)l);
		buf_add(x->part, t->s, l);
		put_u32(x->part, (uint32_t)(t->n - k));
		for (; k < t->n; k++)
			put_u32(x->part, t->post[k] - (x->base << 1));
	}
	x->n_touched = 0;
}

/* Appends the parts of the note at b (len bytes) to *old; none when one
 * does not hold. */
static void read_parts(const char *b, size_t len, struct old_part **old, size_t *n_old,
    size_t *cap, int in_delta)
{
	size_t n0 = *n_old, at = 0;
	while (b && at < len) {
		struct old_part o;
		if (len - at < sizeof(o.key) + 4)
			break;
		memcpy(&o.key, b + at, sizeof(o.key));
		o.n = get_u32(b + at + sizeof(o.key));
		o.p = b + at + sizeof(o.key) + 4;
		o.in_delta = in_delta;
		if (len - at - sizeof(o.key) - 4 < o.n || !part_holds(o.p, o.n))
			break;
		at += sizeof(o.key) + 4 + o.n;
		*old = xgrow(*old, cap, *n_old + 1, sizeof(**old));
		(*old)[(*n_old)++] = o;
	}
	if (at != len)	/* stopped at a part that does not hold: none */
		*n_old = n0;
}

/* Appends a note's entry: key, the size of the part, the part. */
static void put_part(struct buf *b, const struct digest *key, const char *p, size_t n)
{
	buf_add(b, key, sizeof(*key));
	put_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

static void search_groups(struct index *x, struct buf *u, struct more *m, const struct site *s,
    const struct cache *c, size_t groups[2])
{
	struct buf part = BUF_INIT, fresh = BUF_INIT;
	struct fs_view note = FS_VIEW_INIT, delta = FS_VIEW_INIT;
	size_t len = 0, dlen = 0, n_old = 0, cap_old = 0;
	const char *b = cache_note_read(c, PARTS_NOTE, (size_t)1 << 30, &note, &len);
	const char *db = cache_note_read(c, PARTS_DELTA, (size_t)1 << 30, &delta, &dlen);
	struct old_part *old = NULL;
	read_parts(b, len, &old, &n_old, &cap_old, 0);
	size_t n_base = n_old;
	if (!n_base)
		len = 0;	/* no base: the next note is one */
	read_parts(db, dlen, &old, &n_old, &cap_old, 1);
	if (n_old)
		qsort(old, n_old, sizeof(*old), by_part_key);
	/* Each group's part, in order: from a note, or at fresh's offset. */
	struct use {
		struct digest key;
		const char *p;	/* NULL: in fresh */
		size_t at, n;
		int in_delta;
	} *use = NULL;
	size_t n_groups = 0, again = 0, cap_use = 0, keep = 0;
	for (size_t i = 0, end; i < s->n_organismes; i = end, n_groups++) {
		struct digest_ctx *gk = cache_key(c, "html-search-group", NULL);
		end = cache_piece_group(s, i, gk, 0);
		struct old_part want = { .key = digest_end(gk) };
		const struct old_part *had = n_old ? bsearch(&want, old, n_old, sizeof(*old),
		    by_part_key) : NULL;
		use = xgrow(use, &cap_use, n_groups + 1, sizeof(*use));
		struct use *us = &use[n_groups];
		us->key = want.key;
		if (had) {
			part_replay(x, had->p);
			us->p = had->p;
			us->n = had->n;
			us->in_delta = had->in_delta;
			keep += us->in_delta ? sizeof(us->key) + 4 + us->n : 0;
			continue;
		}
		buf_reset(&part);
		x->part = &part;
		x->base = x->n_docs;
		x->part_no++;
		put_u32(&part, 0);
		search_orgs(x, u, m, s, i, end);
		uint32_t docs = x->n_docs - x->base;
		memcpy(part.data, &docs, sizeof(docs));
		part_terms(x);
		x->part = NULL;
		*us = (struct use){ want.key, NULL, fresh.len, part.len, 1 };
		buf_add(&fresh, part.data, part.len);
		keep += sizeof(us->key) + 4 + part.len;
		again++;
	}
	groups[0] = again;
	groups[1] = n_groups;
	/* The groups indexed again go to the small note while it stays small
	 * beside the other (which still holds the others' parts): a rename
	 * writes a few kilobytes, not the whole index's parts. */
	if (again) {
		struct buf now = BUF_INIT;
		int small = len && keep <= len / DELTA_SHARE;
		for (size_t g = 0; g < n_groups; g++)
			if (!small || use[g].in_delta)
				put_part(&now, &use[g].key, use[g].p ? use[g].p : fresh.data + use[g].at,
				    use[g].n);
		cache_note_write(c, small ? PARTS_DELTA : PARTS_NOTE, now.data, now.len);
		if (!small && dlen)
			cache_note_write(c, PARTS_DELTA, "", 0);
		buf_release(&now);
	}
	free(use);
	free(old);
	free(x->touched);
	x->touched = NULL;
	x->cap_touched = 0;
	fs_view_close(&note);
	fs_view_close(&delta);
	buf_release(&fresh);
	buf_release(&part);
}

int html_search_index(const struct site *s, int drafts, struct publish *p, const struct cache *c,
    size_t groups[4], const struct publish_file *was, size_t n_was)
{
	struct index x = { .a = ARENA_INIT, .map = STRMAP_INIT, .docs = BUF_INIT,
		.fold = BUF_INIT, .mfold = BUF_INIT, .path = BUF_INIT, .kind_fold = BUF_INIT, .p = p,
		.one = BUF_INIT, .was = STRMAP_INIT };
	strmap_reserve(&x.was, n_was);
	for (size_t i = 0; i < n_was; i++)
		if (!publish_unread(&was[i].bytes))
			strmap_put(&x.was, was[i].rel, (void *)&was[i]);
	documents(&x, s, drafts, c, groups);
	flush_docs(&x);
	qsort(x.terms, x.n_terms, sizeof(*x.terms), by_bytes);
	uint32_t *piece = xmalloc((x.n_terms + 1) * sizeof(*piece));
	write_postings(&x, piece);
	write_dict(&x, piece);
	free(piece);
	for (size_t i = 0; i < x.n_terms; i++)
		free(x.terms[i]->post);
	free(x.terms);
	strmap_free(&x.map);
	arena_free(&x.a);
	buf_release(&x.docs);
	buf_release(&x.fold);
	buf_release(&x.mfold);
	buf_release(&x.kind_fold);
	buf_release(&x.path);
	buf_release(&x.one);
	free(x.memo);
	strmap_free(&x.was);
	groups[2] = x.kept;
	groups[3] = x.emitted;
	return x.rc;
}
