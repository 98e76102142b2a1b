/*
 * The cartography pages of the HTML stage (html_carto.c): their rows, sorted
 * once, their views and maps. Included by the HTML files above it only
 * (html_embed.c, html_views.c, html.c). Strings live in the page's arena.
 */
#ifndef CARTO_HTML_CARTO_H
#define CARTO_HTML_CARTO_H

#include <stddef.h>

struct cartographie;
struct lieu;
struct offre;
struct pctx;
struct site;
struct view;

/* The data of large views (html_carto.c): key "93" is département 93's
 * piece, "93-K" its run K of CARTO_BLOC rows (what a list shows of them);
 * with ca NULL, the territory's communes. */
struct view *html_carto_data(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path);
#define CARTO_BLOC 500
/* Past this many rows, a cartography's view lists communes, not offers, and a
 * commune's list is split into pages of this size: every page stays light. */
#define CARTO_LIST_MAX 1500

/* The cartography's map (of a département when dep) with the same markers as
 * its page, linked to it; ids start with idp. */
const char *html_carto_map(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char *titre, const char *idp);

/* Returns 1 when a view of that many rows lists communes rather than offers. */
int html_carto_large(size_t rows);
struct view *html_carto_view(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char **path);

/* The build cache's keys of a cartography's views and data (html.c), on
 * what each reads of the rows: html_carto_keys_new computes once per
 * cartography what the keys share (the rows in each cell of a grid of the
 * "Près de…" radius), html_carto_key adds to k what the view or data of
 * kind (enum pjob: P_CARTO, P_CARTO_DATA) and key reads: the
 * cartography's page (key NULL) every row (its map names their
 * organisations, its facets count them; it shows no suites: what
 * html_carto_page_key keys it on when its view is not large), a
 * département's page or data its rows, a commune's page its rows and
 * those of other communes in the box around its centre that holds every
 * offer it may list as near (not the rows further away). Each row's digest
 * (of what cache_key_rows reads of it) is computed once, by
 * html_carto_keys_new, which calls rf->row(rf->ctx, i), unless rf is NULL,
 * with each row i of the cartography's as it reads it (html.c: the parcours
 * keys' facts of the row, in the same pass). What the pages print of each
 * row is kept from one build to the next in a note of the cache
 * (html-printed/<page>), written by html_carto_keys_new when a row was read
 * again. */
struct cache;
struct carto_keys;
struct carto_names;
struct digest_ctx;
/* The site's organisations' names as numbers, the same name the same
 * number, made once a build for the keys of every cartography (their
 * markers' labels: html_carto_page_key); freed by html_carto_names_free. */
struct carto_names *html_carto_names_new(const struct site *s);
void html_carto_names_free(struct carto_names *nm);
/* What a caller finds of each row in the same pass (html.c: the parcours
 * keys' facts), a function of the row's offer and lieu: row finds them for
 * row i; size, get and set (NULL: none) give them as bytes, which the
 * note of the rows keeps (set instead of row when the row's digest is the
 * note's). */
struct carto_row_facts {
	void (*row)(void *ctx, size_t i);
	size_t (*size)(void *ctx);
	void (*get)(void *ctx, size_t i, unsigned char *out);
	void (*set)(void *ctx, size_t i, const unsigned char *in);
	void *ctx;
};
struct carto_keys *html_carto_keys_new(const struct site *s, const struct cartographie *ca,
    const struct cache *cache, const struct carto_names *nm, const struct carto_row_facts *rf);
void html_carto_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const struct carto_keys *ck, int data, const char *key);
/* The rows a commune's page lists as near ("Près de…") are kept from one
 * build to the next in a note of the cache (html-near/<the cartography's
 * page>), keyed on the places of the cartography's rows in order (their
 * coordinates, départements and communes) with the keys' global part:
 * what the lists are a function of. html_carto_keys_new reads it, a
 * commune's key reads its list there or finds it (and records it), and
 * html_carto_keys_save writes the note when a list was found, once every
 * key is made, and adds to *lists the lists the keys read, to *found
 * those of them found again (CARTO_TIMING). */
void html_carto_keys_save(struct carto_keys *ck, const struct cache *cache, size_t *lists,
    size_t *found);
/* Adds to *kept the rows of ck whose printed digest the cache's note gave
 * (html-printed/: not read again), and to *rows all of them. */
void html_carto_keys_printed(const struct carto_keys *ck, size_t *kept, size_t *rows);
void html_carto_keys_free(struct carto_keys *ck);
/* The key of the cartography's page (key NULL) on what it prints: when its
 * view is large (it lists communes, not offers), what it reads of each row
 * but the organisations' names, and of those the ones its markers' labels
 * show, with their counts; so a change to an organisation's name that no
 * label shows leaves the page as it was. Its markers are kept in a note of
 * the cache (html-markers/<page>). Else html_carto_key's, every row. */
void html_carto_page_key(struct digest_ctx *k, struct pctx *c, struct cache *cache,
    const struct cartographie *ca, const struct carto_keys *ck);

#endif
