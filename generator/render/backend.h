/*
 * The one interface of the outputs, in the manner of lowdown's
 * *_new / *_render / *_free: every backend (open data, LHÉO,
 * data·inclusion, XLSX, PDF, ICS, HTML) is a struct backend, and build.c
 * runs them from its table: all but the HTML side by side, each in a
 * thread of its own (so a backend's new, render and free run in one
 * thread, never two backends' in the same), then the HTML. Included by
 * build.c and by each backend's driver file only.
 *
 * A backend reads the validated, indexed model and the build's options,
 * all read-only while it renders; it writes every file through the
 * publisher, which records each path with its size (so a later backend can
 * link an earlier one's files with their sizes: publish_size). Problems,
 * I/O included, go to the diagnostics with the file or document and the
 * reason; a backend never prints. Its jobs run on base/pool.
 */
#ifndef CARTO_BACKEND_H
#define CARTO_BACKEND_H

#include <stddef.h>

struct cache;
struct diags;
struct publish;
struct site;

/* The options of a build, read once by main.c (command line and
 * environment) and read-only afterwards: no module below main.c calls
 * getenv. */
struct build_opts {
	int jobs;		/* threads, at least 1 (--jobs) */
	int drafts;		/* publish pages marked brouillon (--drafts) */
	const char *base_url;	/* --base-url, or NULL for site.yaml's */
	long xlsx_rows;		/* CARTO_TEST_XLSX_ROWS: data rows a sheet may
				 * hold, so the tests reach the limit; 0: the
				 * format's own */
	unsigned pause;		/* CARTO_TEST_PAUSE: seconds to wait before
				 * publishing, so the tests can kill a build */
	unsigned pause_fingerprint;	/* CARTO_TEST_PAUSE_FINGERPRINT: seconds
				 * to wait once published, before the
				 * fingerprint looks at the output, so the
				 * tests can change it meanwhile */
	unsigned pause_load;	/* CARTO_TEST_PAUSE_LOAD: seconds to wait
				 * once the load snapshot is mapped, so the
				 * tests can cut it short meanwhile */
	unsigned pause_render;	/* CARTO_TEST_PAUSE_RENDER: seconds to wait
				 * before the HTML, whose pages read the
				 * model's strings from the load snapshot, so
				 * the tests can cut it short meanwhile */
	int timing;		/* CARTO_TIMING: print each stage's time */
	size_t sitemap_max;	/* CARTO_TEST_SITEMAP_MAX: URLs a sitemap file
				 * holds before it becomes an index; 0: the
				 * protocol's 50,000 */
	int no_exchange;	/* CARTO_TEST_NO_EXCHANGE: publish with the
				 * fallback of file systems that cannot
				 * exchange folders, so the tests reach it */
	const char *xlsx_tmpdir;	/* CARTO_TEST_XLSX_TMPDIR: where libxlsxwriter
				 * keeps its temporary files instead of the
				 * workbook's folder, so the tests make it fail */
	int preview;		/* carto serve without --full: only the HTML
				 * site and the calendar files are made (the
				 * documents, workbooks and data files are
				 * skipped: build.c, serve.c) */
	int no_cache;		/* --no-cache, CARTO_NO_CACHE: neither read nor
				 * write the build cache (render/cache.h) */
	/* An option added here that changes what a document holds must go
	 * into the cache's keys (global_key in render/cache.c). */
};

/* Figures a backend hands back for the benchmark (CARTO_TIMING), written
 * only by the backend named. */
struct render_stats {
	size_t xlsx_rows;	/* data rows written into workbooks */
	size_t carto_pages;	/* HTML cartography pages and their data */
	double carto_ms;	/* time spent on them, summed over threads */
	size_t search_groups;	/* groups of organisations of the search index */
	size_t search_indexed;	/* of them, indexed again (not from its note) */
	size_t near_lists;	/* "Près de…" lists a commune page's key read */
	size_t near_found;	/* of them, found again (not from their note) */
};

/* What every backend reads. */
struct render_in {
	const struct site *s;		/* validated and indexed */
	const struct build_opts *o;	/* jobs, drafts, test switches, timing */
	struct render_stats *stats;
	struct cache *cache;		/* NULL: render every document */
};

struct backend {
	const char *name;	/* "opendata", "lheoxml", "inclusion", "xlsx",
				 * "pdf", "ics", "html" */
	/* Decides the documents the backend will write and prepares what its
	 * jobs share. Never NULL: aborts on out-of-memory like xmalloc. */
	void *(*new)(const struct render_in *in);
	/* Writes every document through p; problems go to d with the path.
	 * Returns 0, or -1 when the build must not be published. */
	int (*render)(void *self, const struct render_in *in, struct publish *p,
	    struct diags *d);
	void (*free)(void *self);
};

/* Each backend's own header declares it: opendata_backend, xlsx_backend,
 * lheoxml_backend, inclusion_backend, pdf_backend, ics_backend,
 * html_backend. */

#endif
