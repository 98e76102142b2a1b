/*
 * Shared by lheo.c (the driver and the file written), lheo_org.c (helpers,
 * organisations and lieux) and lheo_offre.c (one formation's actions as
 * offers) only: the state of one import and what each file lends the
 * others. Strings live in the import's arenas (im->a for an organisation,
 * im->fa for one formation, reset after it); functions that fail return -1.
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

struct diags;

enum skip { SK_SIRET, SK_INTITULE, SK_TERRITOIRE, SK_LIEU, SK_TYPE, SK_N };

#define SKIP_LINES 3

/* A lieu or an offer spooled: its organisation, and where its YAML lies. */
struct frag {
	struct org *o;
	uint32_t seq;			/* order of spooling: file order */
	int lieu;			/* 1: a lieu, 0: an offer */
	long long off;
	size_t len;
};

struct org {
	const char *id, *siret, *nom, *site_web;
	const char *c_nom, *c_tel, *c_mail;
	uint32_t line;
	int maj;			/* YYYYMMDD, 0 when the file gave none */
	size_t n_offres;
	uint32_t rank;			/* in the order of the file written */
	uint64_t hash;			/* of its block in the file written */
};

struct imp {
	const char *shown;		/* the XML file as named in diagnostics */
	struct diags *d;
	const struct lheo_map *map;
	const struct site *terr;	/* only its geo */
	int today;
	struct arena a;			/* organisations: lives for the file */
	struct arena fa;		/* one formation: reset after it */
	struct strmap orgs;		/* SIRET -> struct org * */
	/* The index of what was spooled, kept small since it grows with the
	 * records: one map for the lieux of every organisation and one for the
	 * ids taken, keyed by SIRET, and one frag per lieu or offer. */
	struct strmap lieu_ids;		/* "SIRET|hash of the lieu" -> lieu id */
	struct strmap ids;		/* "SIRET|id" of lieux and offers -> the org */
	struct frag *frags;
	size_t n_frags, cap_frags;
	struct org **ov;
	size_t n_orgs, cap_orgs;
	FILE *spool;
	long long spool_len;
	size_t formations, actions, offres, lieux, sessions;
	size_t skipped[SK_N];
	uint32_t skip_lines[SK_N][SKIP_LINES];
	struct buf y;			/* the offer being rendered */
	const struct lheo_node *ex_of, *ex_node;	/* ex()'s last element and its carto extras */
	int failed;			/* the spool could not be written */
};

/* A contact as read: NULL for each field absent. */
struct contact_c {
	const char *nom, *tel, *mail;
};

/* A lieu as read: its dedup key, its YAML and its commune. */
struct lieu_c {
	const char *key;
	struct buf frag;	/* the lieu's YAML, without its id line */
	const struct commune *c;
};

/* A web address: kept when http(s), given https:// when it has no scheme,
 * else left out; NULL when left out. */
const char *lheo_fix_url(struct imp *im, const char *u, uint32_t line);

/* Records a lieu (lieu 1) or an offer of o spooled at off, len bytes. */
void lheo_frags_add(struct imp *im, struct org *o, int lieu, long long off, size_t len);

/* The newest horodatage-modification or -creation of n (ISO 8601). */
int lheo_horodatage(const struct lheo_node *n);

/* Whether id is taken in o (by a lieu or an offer); takes it when not. */
int lheo_id_taken(struct imp *im, const struct org *o, const char *id, int take);

/* Whether s (NULL or not) is exactly n ASCII digits. */
int lheo_is_digits(const char *s, size_t n);

/* An LHÉO date AAAAMMJJ into *out (YYYYMMDD): 1 when set, 0 when unknown
 * (00000000, 99999999, absent), -1 when not a date. A month alone
 * (AAAAMM00) or a year (AAAA0000) is its first day, or its last for an end. */
int lheo_date(const char *s, int end, int *out);

/* The lieu's id in o, spooling it when new. */
const char *lheo_lieu_id(struct imp *im, struct org *o, struct lieu_c *l);

/* The raw text (HTML kept) of the element at path, reduced to Markdown into
 * out; returns 1 when something was appended. */
int lheo_md_at(const struct lheo_node *n, const char *path, struct buf *out);

/* The lheo_formation_fn of lheo_read: the actions of f as offers (ctx: the
 * struct imp); -1 when the spool could not be written. */
int lheo_on_formation(void *ctx, const struct lheo_node *f);

/* The organisation of the formation's organisme-formation-responsable,
 * created at its first formation; NULL when its SIRET is not valid. */
struct org *lheo_org_of(struct imp *im, const struct lheo_node *f);

/* The name, telephone and mail of a contact element, in the formation's arena. */
void lheo_read_contact(struct imp *im, const struct lheo_node *c, struct contact_c *out);

/* Reads an adresse (with the denomination found beside it) into l.
 * Returns 1 when it is a commune of the territory, 0 when outside it
 * (warned), -1 when it names no commune (warned). */
int lheo_read_lieu(struct imp *im, const struct lheo_node *coord, const struct lheo_node *adr,
    struct lieu_c *l);

/* Appends s as a slug of at most max bytes (lower case ASCII, hyphens). */
void lheo_slug(struct buf *b, const char *s, size_t max);

/* Appends b to the spool file; its offset there (im->failed set when the
 * write failed). */
long long lheo_spool(struct imp *im, const struct buf *b);

/* Text of the element at path under n, whitespace collapsed; NULL when
 * absent, empty or the placeholder "-". In the formation's arena. */
const char *lheo_text_at(struct imp *im, const struct lheo_node *n, const char *path);

/* A warning at line of the XML file being read. */
void lheo_warn(struct imp *im, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends c as YAML contact fields, each line led by indent. */
void lheo_write_contact(struct buf *y, const char *indent, const struct contact_c *c);

/* A YAML double-quoted scalar: escapes what YAML reads as syntax or refuses
 * as non-printable (C0, DEL, C1 but NEL, U+FEFF, U+FFFE, U+FFFF). */
void lheo_yq(struct buf *b, const char *s);

#endif
