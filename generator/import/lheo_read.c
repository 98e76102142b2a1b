/*
 * LHÉO streaming reader over libxml2's xmlTextReader. Start at lheo_read: it
 * feeds the parser through the prolog guard (lheo_prolog.h, which refuses
 * entity declarations before the parser sees them), reads node by node,
 * checks the root and its namespace, and expands each lheo/offres/formation into a subtree handed
 * to the caller, then skips past it (the reader frees what it has passed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "lheo_prolog.h"
#include "lheo_read.h"

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

static int is_named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name[0] == (xmlChar)name[0] &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Like is_named for the first len bytes of name (a segment of a path). */
static int is_named_n(const xmlNode *n, const char *name, size_t len)
{
	return n->type == XML_ELEMENT_NODE && n->name[0] == (xmlChar)name[0] &&
	    strncmp((const char *)n->name, name, len) == 0 && n->name[len] == '\0';
}

const struct lheo_node *lheo_node_child(const struct lheo_node *n, const char *name)
{
	if (!n)
		return NULL;
	for (const xmlNode *c = ((const xmlNode *)n)->children; c; c = c->next)
		if (is_named(c, name))
			return (const struct lheo_node *)c;
	return NULL;
}

const struct lheo_node *lheo_node_next(const struct lheo_node *n, const char *name)
{
	for (const xmlNode *c = ((const xmlNode *)n)->next; c; c = c->next)
		if (is_named(c, name))
			return (const struct lheo_node *)c;
	return NULL;
}

const struct lheo_node *lheo_node_at(const struct lheo_node *n, const char *path)
{
	while (n && *path) {
		size_t k = strcspn(path, "/");
		const xmlNode *c = ((const xmlNode *)n)->children;
		while (c && !is_named_n(c, path, k))
			c = c->next;
		n = (const struct lheo_node *)c;
		path += k + (path[k] == '/');
	}
	return n;
}

static void text_of(const xmlNode *n, struct buf *out)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			buf_puts(out, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			text_of(c, out);
}

size_t lheo_node_text(const struct lheo_node *n, struct buf *out)
{
	size_t start = out->len;
	if (!n)
		return 0;
	text_of((const xmlNode *)n, out);
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
	const xmlNode *c = ((const xmlNode *)n)->children;
	if (!c)
		return "";
	if (c->next || (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
		return NULL;
	return (const char *)c->content;
}

void lheo_node_raw(const struct lheo_node *n, struct buf *out)
{
	if (n)
		text_of((const xmlNode *)n, out);
}

const char *lheo_node_attr(const struct lheo_node *n, const char *name)
{
	for (const xmlAttr *a = ((const xmlNode *)n)->properties; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 && a->children &&
		    a->children->type == XML_TEXT_NODE && !a->children->next)
			return (const char *)a->children->content;
	return NULL;
}

uint32_t lheo_node_line(const struct lheo_node *n)
{
	long l = xmlGetLineNo((const xmlNode *)n);
	return l > 0 ? (uint32_t)l : 0;
}

/* Every element of the subtree must be in the document's namespace: an
 * element of another vocabulary would otherwise be read as LHÉO's. */
static int check_ns(struct rctx *c, const xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->ns && n->ns == c->ns_ok)
			;
		else if (n->ns && strcmp((const char *)n->ns->href, (const char *)c->ns) == 0)
			c->ns_ok = n->ns;
		else {
			diag_add(c->d, c->shown, lheo_node_line((const struct lheo_node *)n), DIAG_NOCOL,
			    DIAG_ERROR, "element <%s> is in namespace '%s', not the document's '%s'",
			    (const char *)n->name, n->ns ? (const char *)n->ns->href : "",
			    (const char *)c->ns);
			return -1;
		}
		if (check_ns(c, n->children) < 0)
			return -1;
	}
	return 0;
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
	xmlNodePtr f = xmlTextReaderExpand(r);
	if (!f)
		return -1;
	if (check_ns(c, f->children) < 0 || fn(ctx, (const struct lheo_node *)f) < 0)
		return -1;
	*ret = xmlTextReaderNext(r);
	return 1;
}

/* Why the read stopped before the parser did (the guard, a read error). */
static void say_stopped(struct rctx *c)
{
	if (c->pro.verdict == LHEO_PROLOG_ENTITY)
		diag_add_msg(c->d, c->shown, c->pro.line, DIAG_NOCOL, DIAG_ERROR, ENTITIES_REFUSED);
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
	if (c.doc)
		xmlFreeDoc(c.doc);
	fclose(c.f);
	return d->errors == errors ? 0 : -1;
}
