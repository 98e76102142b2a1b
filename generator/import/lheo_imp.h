/*
 * Shared by lheo.c (the driver and the file written), lheo_org.c (helpers,
 * organisations and lieux) and lheo_offre.c (one formation's actions as
 * records) only: the state of one import, its records and what each file
 * lends the others. Strings read live in im->fa, reset after each formation
 * (and after each organisation written); the scratch buffers are reused
 * from one action to the next, each by one function at a time: t1 by
 * lheo_text_at and lheo_md_at, t2 by the short-lived strings (slugs, ids,
 * the key of a lieu, a contact's name), tt by the carto extras and codes.
 * Functions that fail return -1.
 */
#ifndef CARTO_LHEO_IMP_H
#define CARTO_LHEO_IMP_H

#include <stdint.h>
#include <stdio.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/strmap.h"
#include "../data/model.h"
#include "lheo_int.h"
#include "lheo_read.h"
#include "lheo_sort.h"

struct diags;

enum skip { SK_SIRET, SK_INTITULE, SK_TERRITOIRE, SK_LIEU, SK_TYPE, SK_TAKEN, SK_N };

/* The organisations of the site outside the files an import writes, and
 * those it has written so far: id and SIRET -> where ("file:line", or the
 * file this run writes), both in a. An organisation whose SIRET or id is
 * there is skipped (lheo.c), so that the files written pass carto check. */
struct lheo_taken {
	struct arena a;
	struct strmap ids, sirets;
};

/* Reads the organisations of every YAML file of the site's
 * content/organismes/ but those named in skip (paths relative to the site). */
void lheo_taken_read(struct lheo_taken *t, const char *site, char *const *skip, size_t n_skip);
/* Adds an organisation (id or siret NULL: unknown) found at file:line (line
 * 0: the file alone); the first place met is kept. */
void lheo_taken_add(struct lheo_taken *t, const char *id, const char *siret, const char *file,
    uint32_t line);
void lheo_taken_free(struct lheo_taken *t);

#define SKIP_LINES 3

/*
 * The records of an import, sorted by organisation (lheo_sort.h) before the
 * file is written. Each key is the organisation's id followed by one byte,
 * the kind, so that an organisation's records come out together, kind by
 * kind, each kind in file order: the previous import's block (R_PREV), then
 * per formation its organisation as read (R_ORG), per action its ids and
 * lieux (R_IDS: the offer's id before dedup, its lieux and their YAML) and
 * its offer (R_OFFRE). The ids are given when the records come out (lheo.c), in
 * the order the actions were read, so that they are the same as if every
 * organisation were kept in memory.
 */
enum rec_kind { R_PREV, R_ORG, R_IDS, R_OFFRE };

/* The data of a record: numbers (uint32_t, uint64_t) and strings (a
 * uint32_t length, UINT32_MAX for NULL, then the bytes and a NUL). */
void lheo_rec_u32(struct buf *r, uint32_t v);
void lheo_rec_u64(struct buf *r, uint64_t v);
void lheo_rec_str(struct buf *r, const char *s);
/* Reading them back from [*p, end): values are 0 or NULL past the end. */
uint32_t lheo_get_u32(const char **p, const char *end);
uint64_t lheo_get_u64(const char **p, const char *end);
const char *lheo_get_str(const char **p, const char *end);

/* A contact as read (mail not checked yet), and its line. */
struct contact_raw {
	const char *nom, *tel, *mail;
	uint32_t line;
	int present;
};

struct imp {
	const char *shown;		/* the XML file as named in diagnostics */
	struct diags *d;
	const struct lheo_map *map;
	const struct site *terr;	/* only its geo */
	int today;
	struct arena fa;		/* one formation: reset after it */
	struct lheo_sort sort;		/* the records */
	struct buf key, rec;		/* the record being made */
	struct buf y;			/* the offer being rendered */
	struct buf t1, t2, tt;		/* scratch text */
	struct buf fc, md, part, mod;	/* parts of the offer being rendered */
	struct buf lieu_y[8];		/* the YAML of its lieux (struct lieu_c) */
	size_t formations, actions, offres, lieux, sessions, orgs, undated;
	size_t skipped_actions;		/* each once */
	size_t skipped[SK_N];		/* per reason: an action may have several */
	uint32_t skip_lines[SK_N][SKIP_LINES];
	size_t n_diff[3];		/* added, changed, removed since the previous import */
	struct buf diff[3];		/* their first five ids, as " (a, b, …)" */
	int had_prev;			/* a previous import existed */
	struct lheo_taken *taken;	/* the site's other organisations */
	const char *outname;		/* the file written, relative to the site */
	char *taken_where;		/* the first file of SK_TAKEN (owned) */
	int taken_files;		/* and others */
	int keep_taken;			/* another file of the run comes next */
	const struct lheo_node *ex_of, *ex_node;	/* ex()'s last element and its carto extras */
	int failed;			/* a record could not be spooled (errno kept in err) */
	int err;
};

/* A contact as read: NULL for each field absent. */
struct contact_c {
	const char *nom, *tel, *mail;
};

/* A lieu as read: its dedup key, its YAML and its commune. */
struct lieu_c {
	const char *key;
	const char *want;	/* its id in the carto extras (checked), or NULL */
	struct buf *frag;	/* the lieu's YAML, without its id line (im->lieu_y) */
	const struct commune *c;
};

/* The value of <extra info="key"> in the <extras info="carto"> of n, as
 * carto's LHÉO export writes them (its own fields, read back exactly); NULL
 * when n has none. In the formation's arena. */
const char *lheo_ex(struct imp *im, const struct lheo_node *n, const char *key);

/* Whether s can be an id of carto: a slug that fits (data/fields.h); warns
 * at line when not, naming what it is the id of. */
int lheo_id_ok(struct imp *im, const char *s, const char *what, uint32_t line);

/* Counts one reason why the action at line is skipped (the action itself is
 * counted in skipped_actions by the caller). */
void lheo_skip_count(struct imp *im, enum skip why, uint32_t line);

/* A web address: kept when http(s), given https:// when it has no scheme,
 * else left out; NULL when left out. */
const char *lheo_fix_url(struct imp *im, const char *u, uint32_t line);

/* The newest horodatage-modification or -creation of n (ISO 8601). */
int lheo_horodatage(const struct lheo_node *n);

/* Whether s (NULL or not) is exactly n ASCII digits. */
int lheo_is_digits(const char *s, size_t n);

/* An LHÉO date AAAAMMJJ into *out (YYYYMMDD): 1 when set, 0 when unknown
 * (00000000, 99999999, absent), -1 when not a date. A month alone
 * (AAAAMM00) or a year (AAAA0000) is its first day, or its last for an end. */
int lheo_date(const char *s, int end, int *out);

/* The key of the lieu: a hash of what makes two lieux of an organisation
 * the same one. */
uint64_t lheo_lieu_hash(const struct lieu_c *l);

/* The raw text (HTML kept) of the element at path, reduced to Markdown into
 * out; returns 1 when something was appended. */
int lheo_md_at(struct imp *im, const struct lheo_node *n, const char *path, struct buf *out);

/* The lheo_formation_fn of lheo_read: the actions of f as offers (ctx: the
 * struct imp); -1 when the spool could not be written. */
int lheo_on_formation(void *ctx, const struct lheo_node *f);

/* The SIRET of the formation's organisme-formation-responsable, its
 * organisation recorded (R_ORG); NULL when its SIRET is not valid (warned). */
const char *lheo_org_of(struct imp *im, const struct lheo_node *f);

/* The name, telephone and mail of a contact element, in the formation's
 * arena; the mail is left out with a warning when it is not one. */
void lheo_read_contact(struct imp *im, const struct lheo_node *c, struct contact_c *out);
/* The same, read as it is (mail unchecked) into out. */
void lheo_read_contact_raw(struct imp *im, const struct lheo_node *c, struct contact_raw *out);
/* Checks the mail of a raw contact (warned and left out when not one). */
void lheo_check_contact(struct imp *im, const struct contact_raw *c, struct contact_c *out);

/* Adds a record of kind k for the organisation of SIRET siret: its data is
 * im->rec (im->failed set when it could not be spooled). */
void lheo_rec_add(struct imp *im, const char *siret, enum rec_kind k);
/* The same for a record of im->rec followed by tail_len bytes at tail
 * (not copied into im->rec: an offer's YAML may be megabytes). */
void lheo_rec_add_tail(struct imp *im, const char *siret, enum rec_kind k, const char *tail,
    size_t tail_len);

/* Reads an adresse (with the denomination found beside it) into l.
 * Returns 1 when it is a commune of the territory, 0 when outside it
 * (warned), -1 when it names no commune (warned). */
int lheo_read_lieu(struct imp *im, const struct lheo_node *coord, const struct lheo_node *adr,
    struct lieu_c *l);

/* Appends s as a slug of at most max bytes (lower case ASCII, hyphens). */
void lheo_slug(struct buf *b, const char *s, size_t max);

/* Text of the element at path under n, whitespace collapsed; NULL when
 * absent, empty or the placeholder "-". In the formation's arena. */
const char *lheo_text_at(struct imp *im, const struct lheo_node *n, const char *path);

/* A warning at line of the XML file being read. */
void lheo_warn(struct imp *im, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends c as YAML contact fields, each line led by indent. */
void lheo_write_contact(struct buf *y, const char *indent, const struct contact_c *c);

/* Appends each string up to the NULL that ends the list. */
void lheo_cat(struct buf *b, ...) __attribute__((sentinel));

/* Appends a day YYYYMMDD as YYYY-MM-DD. */
void lheo_put_date(struct buf *b, int day);

/* A YAML double-quoted scalar: escapes what YAML reads as syntax or refuses
 * as non-printable (C0, DEL, C1 but NEL, U+FEFF, U+FFFE, U+FFFF). */
void lheo_yq(struct buf *b, const char *s);

#endif
