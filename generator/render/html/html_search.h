/*
 * The search index in pieces (html_search.c): recherche/index.js (the
 * manifest), recherche/d/, p/ and docs/. Included by html_extra.c only.
 */
#ifndef CARTO_HTML_SEARCH_H
#define CARTO_HTML_SEARCH_H

struct digest_ctx;
struct publish;
struct site;

struct cache;
struct publish_file;
/* Writes the index of the published pages (drafts too when drafts is 1);
 * returns 0 or -1. With a cache c, the part of each group of organisations
 * whose key is unchanged is taken from a note of the previous build
 * instead of indexed again (html_search.c), same bytes; groups[0] is then
 * the number of groups indexed again, groups[1] of all (CARTO_TIMING).
 * was[0..n_was) are the files of the previous build's index (the cache's
 * record: cache_files_of), or none: a file whose bytes come out as
 * recorded there is put back (publish_keep), not written; groups[2] is
 * the number of them, groups[3] that of the files published. */
int html_search_index(const struct site *s, int drafts, struct publish *p, const struct cache *c,
    size_t groups[4], const struct publish_file *was, size_t n_was);
/* Adds to k what the index of html_search_index(s, drafts) is made of:
 * each document's title, URL, kind and other words, in order, as its
 * traversal hands them to the indexer (the same code), so the key changes
 * when a byte of the index can, and not for a field it does not read
 * (an organisation's telephone, an offer's description). The référentiels
 * and vocabularies it reads are in the key's global part (cache.h). A
 * group of organisations whose own key is the previous build's is not
 * read again: the digest of its documents is kept in a note of the cache
 * c (html_search.c). */
void html_search_key(struct digest_ctx *k, const struct site *s, int drafts, const struct cache *c);

#endif
