/*
 * The suites memo: the suites every offer had in the previous build
 * (index.h's rule, data/index_suites.c), so that a rebuild searches again
 * only the offers whose suites may have changed. It lives in the build
 * cache's folder (.<out>.cache/suites, safe to delete at any time), in one
 * binary file: carto's own digest (render/cache.h's cache_carto_digest: a
 * rebuilt carto reads none of it) and the digest of what every offer's
 * suites read beside the organisations (every other file loaded, struct
 * site's inputs, and the build's date, which decides who recruits), then
 * each organisation with the digest of its own part of its file (its tree
 * as parsed: organisme's own in model.h, so that one organisation changed
 * in a file of many leaves the others as they were) and its offers'
 * suites, each suite by numbers (the organisation in the memo's order, the
 * offer, the two lieux, the public, the level and correspondences, in the
 * model's lists) and its distance, then the digest of every byte above.
 *
 * An offer's suites are the best SUITES_MAX of its candidates in one total
 * order (index_suites.c), so they change only when the offer's own
 * organisation changed (its part of its file), when one of its suites belongs to
 * an organisation that changed or is gone, or when an offer of a changed
 * or new organisation may follow it (it recruits and stands in a bucket
 * the offer reads: index_suites_may_follow) and either the offer had fewer
 * than SUITES_MAX or they have a pair of lieux that would rank with or
 * before its last suite (same département first, then the chord; ties are
 * taken as changes). Every other offer's suites are put back, the rest
 * searched again. When more than a quarter of the organisations changed,
 * everything is searched.
 *
 * Errors: a missing, truncated, corrupt or other carto's memo, or an entry
 * that names what the model does not hold, is as if absent (the offers are
 * searched); never a crash. The file is read whole, bounded (SUITES_MEMO_MAX);
 * written again only when a suite was searched, atomically (a new file
 * suites.<pid>.tmp renamed over it). Not thread-safe: one build's.
 */
#ifndef CARTO_SUITES_MEMO_H
#define CARTO_SUITES_MEMO_H

#include <stddef.h>

#include "../base/digest.h"

struct site;
struct suites_memo;

/* Opens the memo at path for carto of digest carto. Never NULL. The file
 * is read and parsed in a thread of its own, beside the load: the other
 * functions wait for it. */
struct suites_memo *suites_memo_open(const char *path, const struct digest *carto);
/* index_suites (index.h) on up to jobs threads, putting back from the memo
 * what cannot have changed, and keeping the result for suites_memo_save.
 * The suites go to keep (the site's arena, or one the caller merges into
 * it); it writes nothing else of the site but the offers' suites, so it
 * may run beside index_site. Returns how many offers were searched again. */
struct arena;
size_t suites_memo_index(struct suites_memo *m, struct site *s, int jobs, struct arena *keep);
/* Writes the memo when suites_memo_index searched anything, in a thread
 * of its own (megabytes written and renamed into place while the build
 * goes on), which first waits pause seconds (0 but in tests):
 * suites_memo_free waits for it. A memo not written (the disk full, say)
 * is no error: the next build searches everything. */
void suites_memo_save(struct suites_memo *m, unsigned pause);
void suites_memo_free(struct suites_memo *m);

#endif
