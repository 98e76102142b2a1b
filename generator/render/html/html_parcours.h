/*
 * The parcours page of a cartography (html_parcours.c): the steps of each
 * scale and the offers of each step by département. Included by
 * html_views.c, and html.c for the cache's key. Strings live in the page's arena.
 */
#ifndef CARTO_HTML_PARCOURS_H
#define CARTO_HTML_PARCOURS_H

#include <stddef.h>

struct cartographie;
struct pctx;
struct rowref;
struct site;
struct view;

/* The folder of the pieces of rows of its steps, beside the page. */
#define PARCOURS_DIR "donnees/"

/* The view of cartographies/<id>/parcours/ (key NULL), or of the piece of
 * département key of the rows of its steps, for its script
 * (parcours/donnees/<dep>.js); sets *path. */
struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path);
/* The offers of type "clea" of the whole site at each lieu of each
 * cartography's territory, in the index's one order: the last step of its
 * ladders; into v[c] and n[c] for cartography c (one pass over the site's
 * offers). Each v[c] allocated (NULL when none); the caller frees them. */
void html_parcours_clea(const struct site *s, struct rowref **v, size_t *n);
/* Writes to out (room for every département of the territory) the
 * départements that have a piece: rows on a step of a ladder, the
 * cartography's or the CléA rows (clea, from html_parcours_clea); returns
 * how many. */
size_t html_parcours_deps(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea, const char **out);

/* The build cache's keys of the parcours page and its pieces (html.c), on
 * what each reads of the rows. html_parcours_keys_new computes once per
 * cartography what they share, from its CléA rows (clea, n_clea: the
 * caller's, html_parcours_clea's, kept until html_parcours_keys_free):
 * the rows' levels and which steps the page has
 * (the pieces number the steps of every département). html_parcours_key
 * adds to k what the piece of département dep reads (its rows, the
 * cartography's and the CléA ones: cache_key_rows), or for the page (dep
 * NULL) what it prints of the rows: for each step and département whether
 * each row is at the step's level and takes it, where, for which publics
 * (its counts, boxes and the choice of pieces), and the rows it lists,
 * whole. A change to an organisation none of whose rows the page lists
 * leaves the page's key unchanged when its rows' steps, places and
 * publics stay. */
struct digest_ctx;
struct parcours_keys;
/* A step of a parcours page: level k of scale sc, or CléA when k == sc->n. */
struct scale;
struct parcours_step {
	const struct scale *sc;
	size_t k;
};
struct parcours_keys *html_parcours_keys_new(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea);
/* What the keys read of row r of the cartography's rows (index_rows, no
 * département): called for each, in one pass with html_carto_keys_new's
 * (each row's offer is read once a build, the memory fetched once), before
 * html_parcours_keys_end finds the steps. ctx is pk. */
void html_parcours_keys_row(void *ctx, size_t r);
/* The facts html_parcours_keys_row finds for row r as bytes (a function of
 * the row's offer and lieu and of the vocabulary), so that the caller may
 * keep them between builds (html_carto.c's note of the rows): their size,
 * and copies out of and into pk (set: instead of html_parcours_keys_row). */
size_t html_parcours_facts_size(void *ctx);
void html_parcours_facts_get(void *ctx, size_t r, unsigned char *out);
void html_parcours_facts_set(void *ctx, size_t r, const unsigned char *in);
void html_parcours_keys_end(struct parcours_keys *pk, const struct cartographie *ca);
void html_parcours_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const struct parcours_keys *pk, const char *dep);
void html_parcours_keys_free(struct parcours_keys *pk);
/* The steps of the cartography's parcours page in order (what its page and
 * every piece number), found once a build and handed to the views
 * (struct pctx's steps): from the rows' levels pk found when there is one,
 * else from the rows. Allocated; *n of them. */
struct parcours_step *html_parcours_steps(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea, const struct parcours_keys *pk, size_t *n);

#endif
