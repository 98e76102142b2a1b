/*
 * carto serve: a preview server for editors, on 127.0.0.1 only. It builds
 * the site into a private folder, serves it over HTTP, watches the site's
 * files and rebuilds when one changes; the pages it serves reload themselves
 * after a successful rebuild. A failed build prints its errors and the last
 * good site stays served.
 */
#ifndef CARTO_SERVE_H
#define CARTO_SERVE_H

/* Builds the site into out; returns the exit status of carto build. Runs
 * in a child process, so it may exit or crash without harm. */
typedef int (*serve_build_fn)(void *ctx, const char *out);

struct serve_opts {
	const char *site;
	int port;
	serve_build_fn build;
	void *ctx;
};

/* Serves until SIGINT or SIGTERM; returns the exit status (0, or 1 when the
 * port cannot be opened). */
int serve_run(const struct serve_opts *o);

#endif
