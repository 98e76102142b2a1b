/*
 * The YAML loader: builds a tree of scalars, sequences and mappings from
 * libyaml's events, with the line and column of every node. It is the only
 * module that includes yaml.h. It refuses invalid UTF-8, duplicate keys,
 * nesting deeper than YTREE_MAX_DEPTH and aliases that add more nodes than
 * YTREE_ALIAS_FACTOR times the nodes written (or YTREE_ALIAS_MIN in a small
 * file), counting an aliased collection's whole size at each use. The size
 * of a file is bounded by its reader (load.c), not here. It applies merge
 * keys (<<), and never expands an alias by copying: an alias shares the
 * anchored node.
 */
#ifndef CARTO_YTREE_H
#define CARTO_YTREE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct diags;
struct diag_text;

#define YTREE_MAX_DEPTH 64
#define YTREE_ALIAS_FACTOR 10u
#define YTREE_ALIAS_MIN 1000000u

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ypair;

/* How a scalar's text sits in the file, for a problem found inside it (a
 * Markdown value's link, ytree_text): a quoted or plain value on one line
 * (its text from the node's column, after the quote), a literal block "|"
 * (the text's lines are the file's, from the line after the node's, at
 * column indent + 1), a folded block ">" or a value over several lines
 * (libyaml joins its lines: the text is placed where it starts). */
enum ytext { YTEXT_PLAIN, YTEXT_QUOTED, YTEXT_LITERAL, YTEXT_FOLDED_BLOCK, YTEXT_FOLDED };
#define YTEXT_MAX YTEXT_FOLDED

struct ynode {
	enum ykind kind;
	uint8_t plain;		/* scalar written without quotes or block style */
	uint8_t text;		/* scalar: enum ytext */
	uint16_t indent;	/* scalar in a block: its lines' indentation (at most UINT16_MAX) */
	uint32_t line, col;	/* 1-based */
	size_t n;		/* scalar: bytes; seq: items; map: pairs */
	uint64_t weight;	/* nodes in the expanded tree, aliases counted */
	union {
		char *s;	/* NUL-terminated */
		struct ynode **items;
		struct ypair *pairs;
	} u;
};

struct ypair {
	struct ynode *key;	/* always a scalar */
	struct ynode *val;
};

/*
 * Parses one YAML document from data (len bytes). file names it in
 * diagnostics; line_offset is added to every line (for front matter). Nodes
 * are allocated in a. Returns the root, or NULL when the file is empty or
 * wrong; in the latter case diagnostics were added to d and *failed is set.
 */
struct ynode *ytree_load(const char *data, size_t len, const char *file,
    uint32_t line_offset, struct arena *a, struct diags *d, int *failed);

/* Returns the value of key in a mapping, or NULL. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);
/* Where scalar n's text sits in its file (enum ytext above), as
 * diag_text_pos reads it (base/diag.h). */
void ytree_text(const struct ynode *n, struct diag_text *t);
/* Returns 1 when a scalar is a YAML null (plain "", "~", "null", "Null"). */
int ytree_is_null(const struct ynode *n);
/* Returns 1 when n is a plain scalar written as a decimal number, as YAML
 * 1.2's core schema writes a float or an integer
 * ([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?): not .inf nor .nan,
 * nor strtod's hexadecimal and "inf", nor a quoted "2.35". A JSON number
 * is one. */
int ytree_is_number(const struct ynode *n);

#endif
