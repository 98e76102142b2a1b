/*
 * The backends, run one after the other, each spreading its own documents
 * over the job pool. Start at build_render.
 */
#define _DEFAULT_SOURCE
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "render/html.h"
#include "render/ics.h"
#include "render/inclusion.h"
#include "render/lheoxml.h"
#include "render/opendata.h"
#include "render/pdf.h"
#include "render/publish.h"
#include "render/xlsx.h"

/*
 * The order matters once: HTML comes last because its pages link the other
 * backends' files with their sizes, which it reads from the publisher's
 * manifest (publish_size). The others are independent; open data goes
 * first because it is quick and its extracts are what the others restate;
 * the LHÉO and data·inclusion exports follow it.
 */
static const struct backend *const backends[] = {
	&opendata_backend, &lheoxml_backend, &inclusion_backend, &xlsx_backend, &pdf_backend,
	&ics_backend, &html_backend,
};

/* A preview (carto serve without --full) makes what an editor looks at, the
 * pages; the PDFs, workbooks and data files are most of a build's time and
 * are made by carto build or carto serve --full. The pages still link them
 * (without their sizes, which the manifest then lacks); serve.c explains
 * the missing file when one is asked. */
static int previewed(const struct backend *b)
{
	return b == &ics_backend || b == &html_backend;
}

void build_stage(struct build_clock *c, const char *name)
{
	struct timespec now;
	if (!c->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (name && c->last.tv_sec)
		fprintf(stderr, "carto: %-10s %7.1f ms\n", name,
		    (double)(now.tv_sec - c->last.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - c->last.tv_nsec) / 1e6);
	c->last = now;
}

/* With the clock on, reads a memory figure of this process from
 * /proc/self/status (VmRSS now, VmHWM the peak); reset first sets the peak
 * back to the current size, so the next read measures one stage. Returns -1
 * when unknown. */
static long rss_kb(const struct build_clock *c, const char *field, int reset)
{
	char line[256];
	long kb = -1;
	FILE *f;
	if (!c->on)
		return -1;
	if (reset && (f = fopen("/proc/self/clear_refs", "w"))) {
		fputs("5", f);
		fclose(f);
	}
	if (!(f = fopen("/proc/self/status", "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field), NULL, 10);
	fclose(f);
	return kb;
}

/* The benchmark's extra lines (tests/benchmark.sh reads them). */
static void print_stats(const struct build_clock *c, const struct backend *b,
    const struct render_stats *st, long rss_before)
{
	if (!c->on)
		return;
	if (b == &xlsx_backend)
		fprintf(stderr, "carto: xlsx-rows %zu rss_before_kb=%ld peak_kb=%ld\n", st->xlsx_rows,
		    rss_before, rss_kb(c, "VmHWM:", 0));
	else if (b == &html_backend)
		fprintf(stderr, "carto: cartographies %zu file%s %.1f ms (summed over threads)\n",
		    st->carto_pages, diag_plural(st->carto_pages), st->carto_ms);
}

int build_render(const struct site *s, const struct build_opts *o, struct build_clock *c,
    struct publish *p, struct cache *cache)
{
	struct render_stats st = { 0, 0, 0 };
	struct render_in in = { s, o, &st, cache };
	struct diags d = DIAGS_INIT;
	int rc = 0;
	build_stage(c, NULL);
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]) && rc == 0; i++) {
		const struct backend *b = backends[i];
		if (o->preview && !previewed(b))
			continue;
		long before = rss_kb(c, "VmRSS:", 1);
		size_t errors = d.errors;
		void *self = b->new(&in);
		rc = b->render(self, &in, p, &d);
		b->free(self);
		publish_take_diags(p, &d);
		if (d.errors > errors)	/* a write whose failure was not passed up */
			rc = -1;
		if (rc < 0 && d.errors == errors)	/* a bug: every failure says why */
			diag_add(&d, b->name, 0, 0, DIAG_ERROR, "the %s backend failed without saying why",
			    b->name);
		build_stage(c, b->name);
		print_stats(c, b, &st, before);
	}
	diags_print(&d, stderr);
	diags_free(&d);
	return rc;
}
