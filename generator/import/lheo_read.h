/*
 * Streaming reader of LHÉO files (the only module that includes libxml2):
 * walks the document with xmlTextReader and hands each <formation> to a
 * callback as a compact tree of its own (about 2.7 times the formation's
 * bytes), freed before the next one, so memory is bounded by the largest
 * formation, not by the file. The callback reads the tree
 * through the lheo_node_* accessors below (element names are compared by
 * local name; every element of the document must be in the namespace of the
 * root, LHÉO 2.2 or 2.3).
 *
 * Safety: no network (XML_PARSE_NONET), no DTD loaded, entities never
 * substituted, any external resource refused by the entity loader (XXE is
 * never fetched nor read), a document that declares entities refused at its
 * first <!ENTITY> before the parser reads the declaration (lheo_prolog.h:
 * entity expansion attacks), text nodes limited to libxml2's default 10 MB. Every
 * problem is a diagnostic "FILE:line: error: …" (column DIAG_NOCOL).
 */
#ifndef CARTO_LHEO_READ_H
#define CARTO_LHEO_READ_H

#include <stddef.h>
#include <stdint.h>

struct diags;
struct buf;
struct lheo_node;

#define LHEO_NS_22 "http://www.lheo.org/2.2"
#define LHEO_NS_23 "http://lheo.gouv.fr/2.3"

/* Called once per <formation>; returns 0 to go on, -1 to stop the read. */
typedef int (*lheo_formation_fn)(void *ctx, const struct lheo_node *formation);

/*
 * Reads path (named shown in diagnostics), calling fn for each formation.
 * *version is set to "2.2" or "2.3" once the root is read. Returns 0 when the
 * whole document was read without error, -1 otherwise (errors in d).
 */
int lheo_read(const char *path, const char *shown, lheo_formation_fn fn, void *ctx,
    const char **version, struct diags *d);

/* The first child element named name, or NULL. */
const struct lheo_node *lheo_node_child(const struct lheo_node *n, const char *name);
/* The next sibling element named name after n, or NULL. */
const struct lheo_node *lheo_node_next(const struct lheo_node *n, const char *name);
/* The first element at a path of names separated by '/', or NULL. */
const struct lheo_node *lheo_node_at(const struct lheo_node *n, const char *path);
/* Appends the text content of n, whitespace at both ends trimmed, to out.
 * Returns the number of bytes appended. */
size_t lheo_node_text(const struct lheo_node *n, struct buf *out);
/* The text content of n when it is one text node (or none: ""), owned by
 * the tree; NULL when it is made of several (lheo_node_text joins them). */
const char *lheo_node_text1(const struct lheo_node *n);
/* Appends the text content of n as it is (no trimming) to out. */
void lheo_node_raw(const struct lheo_node *n, struct buf *out);
/* The value of attribute name, or NULL; owned by the tree. */
const char *lheo_node_attr(const struct lheo_node *n, const char *name);
/* The element's line in the file (1-based). */
uint32_t lheo_node_line(const struct lheo_node *n);

#endif
