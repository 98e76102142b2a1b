/*
 * LHÉO streaming reader over libxml2's xmlTextReader. Start at lheo_read: it
 * feeds the parser through the prolog guard (lheo_prolog.h, which refuses
 * entity declarations before the parser sees them), reads node by node,
 * checks the root and its namespace, and copies each lheo/offres/formation,
 * node by node, into a compact tree of its own (read_formation) handed to
 * the caller; the reader frees its nodes as it passes them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "lheo_prolog.h"
#include "lheo_read.h"

/*
 * The formation handed to the callback is a tree of our own, not libxml2's:
 * the reader reads it node by node (freeing its own nodes as it goes) and
 * each node is copied into the tree, compact, in the arena of the formation.
 * libxml2's tree took about ten times the bytes of its XML (a node of 120
 * bytes and its malloc for each element and each text); this one takes two
 * to three (an element of 32 bytes, a text of 16 and its bytes, packed).
 * An element's children are its elements and texts in document order, and
 * comments and processing instructions as elements without a name ("").
 */
struct lheo_node {
	const char *name;		/* element: local name (the reader's dictionary); NULL: text */
	struct lheo_node *next;		/* the next sibling */
};

struct elem {
	struct lheo_node n;
	struct lheo_node *child;	/* its first child */
	uint32_t line;
	uint32_t n_attr;		/* followed by n_attr struct attr */
};

struct attr {
	const char *name, *value;	/* local name (dictionary), value (arena) */
};

struct text {
	struct lheo_node n;
	char s[];			/* its content, NUL-terminated */
};

#define ELEM(x) ((const struct elem *)(x))
#define TEXT(x) ((const struct text *)(x))
#define TREE_CHUNK ((size_t)64 << 10)

/* The formation's tree being built. */
struct tree {
	struct arena a;
	char *at, *end;			/* the chunk being filled */
	struct elem **open;		/* the open elements: open[0] the formation */
	struct lheo_node **last;	/* the last child of each */
	size_t depth, cap;
};

#define ENTITIES_REFUSED "the document declares entities (<!ENTITY>): refused, an LHÉO file " \
	"needs none (entity expansion and external entities are attacks)"

struct rctx {
	FILE *f;		/* the file read */
	int io_errno;		/* a read of f failed: its errno */
	struct lheo_prolog pro;	/* the guard its bytes go through */
	const char *shown;
	struct diags *d;
	int failed;		/* libxml2 reported an error: the rest cascades from it */
	const xmlChar *ns;	/* the root's namespace, owned by the document */
	xmlDocPtr doc;		/* once asked for, ours to free (xmlTextReaderCurrentDoc) */
	const xmlNs *ns_ok;	/* the last namespace found to be ns: compared by address */
	int open;		/* the root element was opened and is not closed yet */
	struct tree tree;	/* the formation being read */
};

/* libxml2's messages end with a newline and may span lines ("Bytes: 0x…"). */
static void on_error(void *arg, xmlErrorPtr e)
{
	struct rctx *c = arg;
	struct buf m = BUF_INIT;
	/* Once the guard has stopped the file, what the parser says of its
	 * end is moot: lheo_read says why it stopped. */
	if (c->failed || c->pro.verdict > LHEO_PROLOG_OK || c->io_errno)
		return;
	c->failed = e->level != XML_ERR_WARNING;
	/* A file cut after a formation's end: the reader, at the end of its
	 * input inside the root, says there is content after the document. */
	int cut = c->open && e->domain == XML_FROM_PARSER && e->code == XML_ERR_DOCUMENT_END;
	if (cut)
		buf_puts(&m, "the file ends inside <lheo>, before its </lheo>: it is truncated (libxml2: ");
	for (const char *p = e->message ? e->message : "error"; *p; p++)
		buf_putc(&m, *p == '\n' ? ' ' : *p);
	while (m.len && m.data[m.len - 1] == ' ')
		m.data[--m.len] = '\0';
	if (cut)
		buf_putc(&m, ')');
	if (strstr(m.data, "ntity"))
		buf_puts(&m, " (entities are refused: an LHÉO file needs none)");
	diag_add_msg(c->d, c->shown, e->line > 0 ? (uint32_t)e->line : 0, DIAG_NOCOL,
	    e->level == XML_ERR_WARNING ? DIAG_WARNING : DIAG_ERROR, m.data);
	buf_release(&m);
}

/* Every external resource (DTD, external entity) is refused: an LHÉO file
 * stands alone, and XXE must never read a file nor reach the network. */
static xmlParserInputPtr refuse_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	(void)url;
	return NULL;
}

/* size bytes of the tree, aligned for a pointer; packed into chunks of
 * the arena (whose own allocations are aligned for any type, 16 bytes),
 * one arena allocation each when ARENA_DEBUG asks sanitizers to see them. */
static void *tree_alloc(struct tree *t, size_t size)
{
	size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
#ifndef ARENA_DEBUG
	if (t->at && (size_t)(t->end - t->at) >= size) {
		void *p = t->at;
		t->at += size;
		return p;
	}
	if (size < TREE_CHUNK / 4) {
		t->at = arena_alloc_raw(&t->a, TREE_CHUNK);
		t->end = t->at + TREE_CHUNK;
		return tree_alloc(t, size);
	}
#endif
	return arena_alloc_raw(&t->a, size);
}

static void tree_reset(struct tree *t)
{
	arena_reset(&t->a);
	t->at = t->end = NULL;
	t->depth = 0;
}

/* Appends n to the children of the innermost open element. */
static void tree_append(struct tree *t, struct lheo_node *n)
{
	struct elem *p = t->open[t->depth - 1];
	n->next = NULL;
	if (t->last[t->depth - 1])
		t->last[t->depth - 1]->next = n;
	else
		p->child = n;
	t->last[t->depth - 1] = n;
}

/* An element copied from the reader's node x (name "" for a comment or a
 * processing instruction): its attributes of one text node each, as
 * lheo_node_attr reads them. */
static struct elem *tree_elem(struct tree *t, const xmlNode *x, const char *name)
{
	uint32_t k = 0;
	for (const xmlAttr *a = x->type == XML_ELEMENT_NODE ? x->properties : NULL; a; a = a->next)
		k += a->children && a->children->type == XML_TEXT_NODE && !a->children->next;
	struct elem *e = tree_alloc(t, sizeof(*e) + k * sizeof(struct attr));
	struct attr *v = (struct attr *)(e + 1);
	long l = xmlGetLineNo(x);
	e->n.name = name;
	e->child = NULL;
	e->line = l > 0 ? (uint32_t)l : 0;
	e->n_attr = k;
	for (const xmlAttr *a = k ? x->properties : NULL; a; a = a->next)
		if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next) {
			const char *s = (const char *)a->children->content;
			size_t len = s ? strlen(s) : 0;
			char *d = tree_alloc(t, len + 1);
			memcpy(d, s ? s : "", len + 1);
			v->name = (const char *)a->name;
			v++->value = d;
		}
	return e;
}

static void tree_text(struct tree *t, const char *s)
{
	size_t len = strlen(s);
	struct text *x = tree_alloc(t, sizeof(*x) + len + 1);
	x->n.name = NULL;
	memcpy(x->s, s, len + 1);
	tree_append(t, &x->n);
}

static void tree_open(struct tree *t, struct elem *e)
{
	if (t->depth == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->open = xrealloc(t->open, t->cap * sizeof(*t->open));
		t->last = xrealloc(t->last, t->cap * sizeof(*t->last));
	}
	t->open[t->depth] = e;
	t->last[t->depth++] = NULL;
}

static int is_named(const struct lheo_node *n, const char *name)
{
	return n->name && n->name[0] == name[0] && strcmp(n->name, name) == 0;
}

/* Like is_named for the first len bytes of name (a segment of a path). */
static int is_named_n(const struct lheo_node *n, const char *name, size_t len)
{
	return n->name && n->name[0] == name[0] && strncmp(n->name, name, len) == 0 &&
	    n->name[len] == '\0';
}

const struct lheo_node *lheo_node_child(const struct lheo_node *n, const char *name)
{
	if (!n)
		return NULL;
	for (const struct lheo_node *c = ELEM(n)->child; c; c = c->next)
		if (is_named(c, name))
			return c;
	return NULL;
}

const struct lheo_node *lheo_node_next(const struct lheo_node *n, const char *name)
{
	for (const struct lheo_node *c = n->next; c; c = c->next)
		if (is_named(c, name))
			return c;
	return NULL;
}

const struct lheo_node *lheo_node_at(const struct lheo_node *n, const char *path)
{
	while (n && *path) {
		size_t k = strcspn(path, "/");
		const struct lheo_node *c = ELEM(n)->child;
		while (c && !is_named_n(c, path, k))
			c = c->next;
		n = c;
		path += k + (path[k] == '/');
	}
	return n;
}

static void text_of(const struct lheo_node *n, struct buf *out)
{
	for (const struct lheo_node *c = ELEM(n)->child; c; c = c->next)
		if (!c->name)
			buf_puts(out, TEXT(c)->s);
		else
			text_of(c, out);
}

size_t lheo_node_text(const struct lheo_node *n, struct buf *out)
{
	size_t start = out->len;
	if (!n)
		return 0;
	text_of(n, out);
	size_t a = start, b = out->len;
	while (a < b && strchr(" \t\r\n", out->data[a]))
		a++;
	while (b > a && strchr(" \t\r\n", out->data[b - 1]))
		b--;
	memmove(out->data + start, out->data + a, b - a);
	buf_truncate(out, start + (b - a));
	return b - a;
}

const char *lheo_node_text1(const struct lheo_node *n)
{
	const struct lheo_node *c = ELEM(n)->child;
	if (!c)
		return "";
	if (c->next || c->name)
		return NULL;
	return TEXT(c)->s;
}

void lheo_node_raw(const struct lheo_node *n, struct buf *out)
{
	if (n)
		text_of(n, out);
}

const char *lheo_node_attr(const struct lheo_node *n, const char *name)
{
	const struct attr *v = (const struct attr *)(ELEM(n) + 1);
	for (uint32_t i = 0; i < ELEM(n)->n_attr; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].value;
	return NULL;
}

uint32_t lheo_node_line(const struct lheo_node *n)
{
	return ELEM(n)->line;
}

/* Every element of the formation must be in the document's namespace: an
 * element of another vocabulary would otherwise be read as LHÉO's. */
static int check_ns(struct rctx *c, const xmlNode *n)
{
	if (n->ns && n->ns == c->ns_ok)
		return 0;
	if (n->ns && strcmp((const char *)n->ns->href, (const char *)c->ns) == 0) {
		c->ns_ok = n->ns;
		return 0;
	}
	long l = xmlGetLineNo(n);
	diag_add(c->d, c->shown, l > 0 ? (uint32_t)l : 0, DIAG_NOCOL, DIAG_ERROR,
	    "element <%s> is in namespace '%s', not the document's '%s'",
	    (const char *)n->name, n->ns ? (const char *)n->ns->href : "", (const char *)c->ns);
	return -1;
}

/* One node of the formation being read into the tree: 1 at its end, 0 to
 * read on, -1 on an error (said). The node's type is the tree node's own,
 * but for an element, whose start and end the reader's type tells apart:
 * xmlTextReaderNodeType would scan each text to tell whitespace. */
static int tree_node(struct rctx *c, xmlTextReaderPtr r)
{
	struct tree *t = &c->tree;
	const xmlNode *x = xmlTextReaderCurrentNode(r);
	if (!x)
		return 0;
	switch (x->type) {
	case XML_ELEMENT_NODE:
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT)
			return --t->depth == 0;
		if (check_ns(c, x) < 0)
			return -1;
		struct elem *e = tree_elem(t, x, (const char *)x->name);
		tree_append(t, &e->n);
		if (!xmlTextReaderIsEmptyElement(r))
			tree_open(t, e);
		return 0;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		tree_text(t, x->content ? (const char *)x->content : "");
		return 0;
	case XML_ENTITY_REF_NODE:
		diag_add(c->d, c->shown, (uint32_t)xmlTextReaderGetParserLineNumber(r), DIAG_NOCOL, DIAG_ERROR,
		    "entity reference refused");
		return -1;
	default:
		tree_append(t, &tree_elem(t, x, "")->n);
		return 0;
	}
}

/* The formation at the reader, read to its end into c->tree; its root, or
 * NULL (*ret: the reader's last result, < 1 when it stopped). */
static const struct lheo_node *read_formation(struct rctx *c, xmlTextReaderPtr r, int *ret)
{
	struct tree *t = &c->tree;
	const xmlNode *x = xmlTextReaderCurrentNode(r);
	tree_reset(t);
	struct elem *f = tree_elem(t, x, (const char *)x->name);
	*ret = 1;
	if (xmlTextReaderIsEmptyElement(r))
		return &f->n;
	tree_open(t, f);
	int st = 0;
	while (st == 0 && (*ret = xmlTextReaderRead(r)) == 1)
		st = tree_node(c, r);
	return st == 1 ? &f->n : NULL;
}

/* The parser's input: the file's bytes, through the prolog guard. */
static int read_guarded(void *arg, char *buf, int len)
{
	struct rctx *c = arg;
	size_t n = fread(buf, 1, (size_t)len, c->f);
	if (ferror(c->f)) {
		c->io_errno = errno ? errno : EIO;
		return 0;
	}
	return (int)lheo_prolog_scan(&c->pro, (const unsigned char *)buf, n);
}

/* The root element: <lheo> in the 2.2 or 2.3 namespace. No entity can
 * have been declared before it (the guard stops the file at the first
 * declaration): the check of the DTD's entities is a second lock. */
static int check_root(struct rctx *c, xmlTextReaderPtr r, const char **version)
{
	uint32_t line = (uint32_t)xmlTextReaderGetParserLineNumber(r);
	xmlDocPtr doc = c->doc = xmlTextReaderCurrentDoc(r);
	if (doc && doc->intSubset && (doc->intSubset->entities || doc->intSubset->pentities)) {
		diag_add_msg(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR, ENTITIES_REFUSED);
		return -1;
	}
	if (doc && doc->intSubset && (doc->intSubset->SystemID || doc->intSubset->ExternalID))
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_WARNING,
		    "the DOCTYPE names an external DTD (%s): not read",
		    doc->intSubset->SystemID ? (const char *)doc->intSubset->SystemID :
		    (const char *)doc->intSubset->ExternalID);
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	if (strcmp(name, "lheo") != 0) {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR,
		    "root element is <%s>, not <lheo>: not an LHÉO file", (const char *)xmlTextReaderConstName(r));
		return -1;
	}
	if (ns && strcmp(ns, LHEO_NS_23) == 0)
		*version = "2.3";
	else if (ns && strcmp(ns, LHEO_NS_22) == 0)
		*version = "2.2";
	else {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR,
		    "<lheo> is in namespace '%s', expected '%s' (LHÉO 2.3) or '%s' (2.2)",
		    ns ? ns : "", LHEO_NS_23, LHEO_NS_22);
		return -1;
	}
	c->ns = xmlTextReaderConstNamespaceUri(r);
	return 0;
}

/* One node of the stream; returns 1 when the reader already moved on (past
 * a formation), 0 to read on, -1 to stop. */
static int on_node(struct rctx *c, xmlTextReaderPtr r, lheo_formation_fn fn, void *ctx,
    const char **version, int *ret)
{
	int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
	uint32_t line = (uint32_t)xmlTextReaderGetParserLineNumber(r);
	if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR, "entity reference refused");
		return -1;
	}
	if (type != XML_READER_TYPE_ELEMENT)
		return 0;
	if (depth == 0)
		return check_root(c, r, version);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	if (!ns || strcmp(ns, (const char *)c->ns)) {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR,
		    "element <%s> is in namespace '%s', not the document's '%s'",
		    (const char *)xmlTextReaderConstName(r), ns ? ns : "", (const char *)c->ns);
		return -1;
	}
	if (depth == 1 && strcmp(name, "offres") != 0) {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR,
		    "<lheo> holds <offres>, not <%s>", name);
		return -1;
	}
	if (depth != 2)
		return 0;
	if (strcmp(name, "formation") != 0) {
		diag_add(c->d, c->shown, line, DIAG_NOCOL, DIAG_ERROR,
		    "<offres> holds <formation> elements, not <%s>", name);
		return -1;
	}
	const struct lheo_node *f = read_formation(c, r, ret);
	if (!f)
		return *ret == 1 ? -1 : 1;	/* an error said, or the reader's */
	if (fn(ctx, f) < 0)
		return -1;
	tree_reset(&c->tree);
	return 0;
}

/* Why the read stopped before the parser did (the guard, a read error). */
static void say_stopped(struct rctx *c)
{
	if (c->pro.verdict == LHEO_PROLOG_ENTITY)
		diag_add_msg(c->d, c->shown, c->pro.line, DIAG_NOCOL, DIAG_ERROR, ENTITIES_REFUSED);
	else if (c->pro.verdict == LHEO_PROLOG_ENCODING && !c->pro.encoding[0])
		diag_add(c->d, c->shown, c->pro.line, DIAG_NOCOL, DIAG_ERROR,
		    "the XML declaration is too long for carto to read its encoding: refused");
	else if (c->pro.verdict == LHEO_PROLOG_ENCODING)
		diag_add(c->d, c->shown, c->pro.line, DIAG_NOCOL, DIAG_ERROR,
		    "the file is in %s, an encoding carto does not read: refused (an LHÉO file is "
		    "in UTF-8, or ISO-8859-1)", c->pro.encoding);
	else
		diag_add(c->d, c->shown, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(c->io_errno));
}

int lheo_read(const char *path, const char *shown, lheo_formation_fn fn, void *ctx,
    const char **version, struct diags *d)
{
	struct rctx c;
	size_t errors = d->errors;
	memset(&c, 0, sizeof(c));
	c.shown = shown;
	c.d = d;
	lheo_prolog_init(&c.pro);
	if (!(c.f = fopen(path, "rb"))) {
		diag_add(d, shown, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
		return -1;
	}
	xmlSetExternalEntityLoader(refuse_external);
	xmlTextReaderPtr r = xmlReaderForIO(read_guarded, NULL, &c, path, NULL, XML_PARSE_NONET |
	    XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (!r) {
		fclose(c.f);
		diag_add(d, shown, 0, 0, DIAG_ERROR, "cannot read as XML");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, &c);
	int ret = xmlTextReaderRead(r), st = 0, seen_root = 0;
	while (ret == 1) {
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(r) == 0) {
			seen_root = 1;
			c.open = !xmlTextReaderIsEmptyElement(r);
		} else if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == 0)
			c.open = 0;
		st = on_node(&c, r, fn, ctx, version, &ret);
		if (st < 0)
			break;
		if (st == 0)
			ret = xmlTextReaderRead(r);
	}
	if (c.pro.verdict > LHEO_PROLOG_OK || c.io_errno)
		say_stopped(&c);
	else if (st >= 0 && ret < 0 && d->errors == errors)
		diag_add(d, shown, (uint32_t)xmlTextReaderGetParserLineNumber(r), DIAG_NOCOL, DIAG_ERROR,
		    "malformed XML");
	else if (st >= 0 && ret == 0 && !seen_root)
		diag_add(d, shown, 0, 0, DIAG_ERROR, "empty document: no <lheo> element");
	xmlFreeTextReader(r);
	arena_free(&c.tree.a);
	free(c.tree.open);
	free(c.tree.last);
	if (c.doc)
		xmlFreeDoc(c.doc);
	fclose(c.f);
	return d->errors == errors ? 0 : -1;
}
