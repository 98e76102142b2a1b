/*
 * Reading typed fields out of a YAML tree, with a diagnostic at the node's
 * position for every wrong type, missing key or unknown key. Used by the
 * loaders only. Strings returned are copied into the reader's arena, so the
 * tree can be freed after conversion.
 */
#ifndef CARTO_FIELDS_H
#define CARTO_FIELDS_H

#include <stdint.h>

#include "model.h"
#include "ytree.h"

struct diags;

struct rd {
	struct arena *a;	/* where strings go (the model's) */
	struct diags *d;
	const char *file;	/* relative to the site */
};

enum { OPT = 0, REQ = 1 };

void rd_error(struct rd *r, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rd_warn(struct rd *r, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reports keys of map not in the NULL-terminated list keys. */
void rd_keys(struct rd *r, const struct ynode *map, const char *const *keys);
/* Returns the value of key when it has kind k; reports a wrong kind, and a
 * missing key when req. NULL (with nothing reported) for an absent or null
 * optional value. */
const struct ynode *rd_node(struct rd *r, const struct ynode *map,
    const char *key, enum ykind k, int req);
/* The scalar v copied, with a warning at v when it is longer than
 * TEXT_FIELD_MAX (a spreadsheet cell's limit, less what the workbooks may
 * add around it, model.h): the workbooks may hold it cut, and
 * an editor learns it from `carto check` at the field rather than from the
 * build. Every text and code reader goes through it. */
const char *rd_scalar(struct rd *r, const struct ynode *v);
/* Text fields (any scalar). NULL when absent. */
const char *rd_text(struct rd *r, const struct ynode *map, const char *key, int req);
/* A Markdown field (format.md: objectif, description, introduction,
 * note): as rd_text, but a long text is legitimate there, so its length is
 * not warned of at check; a workbook's cell still holds it cut, with a
 * warning from the build naming the content file. When at is not NULL,
 * it is set to where the text sits in the file (ytree_text), for the
 * problems found inside it. */
const char *rd_markdown(struct rd *r, const struct ynode *map, const char *key, int req,
    struct diag_text *at);
struct sval rd_stext(struct rd *r, const struct ynode *map, const char *key, int req);
/* A code: a scalar that must not be a plain number. */
struct sval rd_code(struct rd *r, const struct ynode *map, const char *key, int req);
struct sval rd_code_node(struct rd *r, const struct ynode *n);
/* A list of codes; a single scalar is refused. */
struct svals rd_codes(struct rd *r, const struct ynode *map, const char *key, int req);
/* Plain true/false. */
enum tri rd_bool(struct rd *r, const struct ynode *map, const char *key, int req);
/* Plain integer; -1 when absent. */
long rd_int(struct rd *r, const struct ynode *map, const char *key, int req,
    long min, long max);
/* A count (0 or more; -1 when absent): past plausible, a warning, the value
 * kept (docs/format-notes.md, "What carto refuses"). */
long rd_count(struct rd *r, const struct ynode *map, const char *key, long plausible);
/* Plain decimal number (YAML 1.2's form, an exponent allowed; finite);
 * returns 0 when absent or wrong (the error said), and sets *has: 1 when
 * read. */
double rd_number(struct rd *r, const struct ynode *map, const char *key,
    int *has);
/* YYYY-MM-DD as YYYYMMDD; 0 when absent or wrong. */
int rd_date(struct rd *r, const struct ynode *map, const char *key, int req);
/* Returns 1 when s is a slug: [a-z0-9]+ separated by single '-'. */
int is_slug(const char *s);
/* The same for the n bytes at s. */
int is_slug_n(const char *s, size_t n);
/* Ids and slugs become file and folder names: organismes/<id>/,
 * pdf/diaporamas/<slug>-support.pdf, xlsx/cartographies/<id>-971.xlsx. A
 * segment must leave room within NAME_MAX (255 bytes on Linux file systems,
 * and most others) for the longest suffix carto adds (12 bytes today; 55 are
 * kept), and a whole slug room within PATH_MAX (4096) for --out and the
 * folders around it. */
#define SLUG_SEGMENT_MAX 200
#define SLUG_PATH_MAX 1000
#define XSTR(x) STR(x)
#define STR(x) #x
/* NULL when every '/'-separated segment of s, and s itself, fit those
 * bounds; else a static sentence saying which does not. */
const char *slug_length_problem(const char *s);
/* Reports an error at at ("<what> '…' (N bytes) is too long…") when s does
 * not fit; returns 1 when it fits. */
int rd_slug_fits(struct rd *r, const struct ynode *at, const char *what, const char *s);
/* Parses "YYYY-MM-DD" into YYYYMMDD; returns 0 when not a valid date. */
int parse_date(const char *s);

#endif
