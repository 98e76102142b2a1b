/*
 * carto serve: a preview server for editors, on 127.0.0.1 only. It builds
 * the site into a private folder, serves it over HTTP, watches the site's
 * files (inotify, or polling every second) and rebuilds when one changes;
 * the pages it serves reload themselves after a rebuild. A failed build
 * prints its errors, the last good site stays served and its pages show the
 * errors above their content. A preview skips the PDFs, workbooks and data
 * files (build_opts.preview); asked for one, the server says how to get it.
 */
#ifndef CARTO_SERVE_H
#define CARTO_SERVE_H

/* Brings the loaded site up to date with its files (the builder process
 * keeps it between builds). */
typedef void (*serve_refresh_fn)(void *ctx);
/* Builds the loaded site into out; returns the exit status of carto build.
 * Runs in a child process of the builder, so it may change the model, exit
 * or crash without harm. */
typedef int (*serve_build_fn)(void *ctx, const char *out);

struct serve_opts {
	const char *site;
	int port;
	int preview;		/* the builds skip the documents (no --full) */
	int poll;		/* watch by polling, never inotify (--poll) */
	serve_refresh_fn refresh;
	serve_build_fn build;
	void *ctx;
};

/* Serves until SIGINT or SIGTERM; returns the exit status (0, or 1 when the
 * port cannot be opened). */
int serve_run(const struct serve_opts *o);

#endif
