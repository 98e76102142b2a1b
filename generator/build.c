/*
 * The backends, each spreading its own documents over the job pool: the
 * independent ones side by side, each in a thread of its own sharing the
 * pool's places, then the HTML. Start at build_render.
 */
#define _DEFAULT_SOURCE
#include "build.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/mem.h"
#include "base/pool.h"
#include "render/html.h"
#include "render/ics.h"
#include "render/inclusion.h"
#include "render/lheoxml.h"
#include "render/opendata.h"
#include "render/pdf.h"
#include "render/publish.h"
#include "render/xlsx.h"

/*
 * The order matters once: HTML comes last, alone, because its pages link
 * the other backends' files with their sizes, which it reads from the
 * publisher's manifest (publish_size), and the build cache keys a page on
 * them. The others read nothing of each other (only the model, and the
 * publisher, which is shared under its lock): they run side by side, each
 * in a thread of its own that holds one of the --jobs places of a gate
 * (base/pool.h), so that a long single job (the directory workbook, a
 * booklet of the whole region) runs while the other backends' jobs fill
 * the other cores, and no more than --jobs jobs run at once. They are
 * started in the order of this table, which is also the order their
 * diagnostics are merged in: the longest first (the workbooks, whose
 * directory is the longest job of a build, then the PDFs), then open data
 * and the exports, which are quick, and the calendar files.
 */
static const struct backend *const backends[] = {
	&xlsx_backend, &pdf_backend, &opendata_backend, &lheoxml_backend, &inclusion_backend,
	&ics_backend, &html_backend,
};
#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/* A preview (carto serve without --full) makes what an editor looks at, the
 * pages; the PDFs, workbooks and data files are most of a build's time and
 * are made by carto build or carto serve --full. The pages still link them
 * (without their sizes, which the manifest then lacks); serve.c explains
 * the missing file when one is asked. */
static int previewed(const struct backend *b)
{
	return b == &ics_backend || b == &html_backend;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

void build_stage(struct build_clock *c, const char *name)
{
	struct timespec now, cpu;
	if (!c->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	if (name && c->last.tv_sec)
		fprintf(stderr, "carto: %-10s %7.1f ms cpu_ms=%.1f\n", name, ms_between(&c->last, &now),
		    ms_between(&c->last_cpu, &cpu));
	c->last = now;
	c->last_cpu = cpu;
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

/* The benchmark's extra lines (tests/benchmark.sh reads them). The
 * workbooks' peak is the process's while they were written, beside the
 * backends that ran with them. */
static void print_stats(const struct build_clock *c, const struct backend *b,
    const struct render_stats *st, long rss_before, long peak)
{
	if (!c->on)
		return;
	if (b == &xlsx_backend)
		fprintf(stderr, "carto: xlsx-rows %zu rss_before_kb=%ld peak_kb=%ld\n", st->xlsx_rows,
		    rss_before, peak);
	else if (b == &html_backend)
		fprintf(stderr, "carto: cartographies %zu file%s %.1f ms (summed over threads)\n",
		    st->carto_pages, diag_plural(st->carto_pages), st->carto_ms);
	if (b == &html_backend && st->search_groups)
		fprintf(stderr, "carto: search-groups %zu of %zu indexed again\n", st->search_indexed,
		    st->search_groups);
	if (b == &html_backend && st->near_lists)
		fprintf(stderr, "carto: near-lists %zu of %zu found again\n", st->near_found,
		    st->near_lists);
}

/* One backend's run, in a thread of its own or the caller's. */
struct run {
	const struct backend *b;
	const struct render_in *in;
	struct publish *p;
	struct pool_gate *gate;	/* NULL: the caller runs it alone */
	unsigned long ticket;	/* its turn at the gate */
	struct diags d;
	int rc;
	double ms;		/* from its start to its end */
	_Atomic long long cpu_ns;	/* of its thread and its pools' workers */
	pthread_t th;
	int started;		/* in a thread of its own */
};

static double ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return ms_between(t0, &now);
}

static void *run_backend(void *arg)
{
	struct run *r = arg;
	struct timespec t0;
	if (r->gate) {
		pool_gate_wait(r->gate, r->ticket);
		pool_gate_use(r->gate);
	}
	struct timespec c0, c1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	pool_cpu_use(&r->cpu_ns);
	void *self = r->b->new(r->in);
	r->rc = r->b->render(self, r->in, r->p, &r->d);
	r->b->free(self);
	pool_cpu_use(NULL);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	atomic_fetch_add(&r->cpu_ns, (long long)(c1.tv_sec - c0.tv_sec) * 1000000000 + (c1.tv_nsec - c0.tv_nsec));
	r->ms = ms_since(&t0);
	if (r->gate) {
		pool_gate_use(NULL);
		pool_gate_leave(r->gate);
	}
	return NULL;
}

/* Runs the backends [from, to) of the table (those a preview makes), side
 * by side when gate is not NULL, and merges what they report into d, in
 * the table's order. Returns 0, or -1 when one failed. */
static int run_group(size_t from, size_t to, const struct render_in *in, struct publish *p,
    struct pool_gate *gate, struct build_clock *c, struct diags *d)
{
	struct run runs[N_BACKENDS];
	int rc = 0;
	long before = rss_kb(c, "VmRSS:", 1);
	for (size_t i = from; i < to; i++) {
		struct run *r = &runs[i];
		*r = (struct run){ .b = backends[i], .in = in, .p = p, .gate = gate, .d = DIAGS_INIT };
		if (in->o->preview && !previewed(r->b))
			continue;
		if (gate) {
			r->ticket = pool_gate_ticket(gate);
			r->started = pthread_create(&r->th, NULL, run_backend, r) == 0;
		}
		if (!r->started)	/* its ticket is the next to come in turn */
			run_backend(r);
	}
	struct diags failed = DIAGS_INIT;	/* the publisher's: writes that failed */
	for (size_t i = from; i < to; i++)
		if (runs[i].started)
			pthread_join(runs[i].th, NULL);
	publish_take_diags(p, &failed);
	for (size_t i = from; i < to; i++) {
		struct run *r = &runs[i];
		if (in->o->preview && !previewed(r->b))
			continue;
		/* A bug: every failure says why, in the backend's diagnostics
		 * or the publisher's. */
		if (r->rc < 0 && r->d.errors == 0 && failed.errors == 0)
			diag_add(&r->d, r->b->name, 0, 0, DIAG_ERROR, "the %s backend failed without saying why",
			    r->b->name);
		if (r->rc < 0 || r->d.errors)	/* an error not passed up is a failure too */
			rc = -1;
		diags_merge(d, &r->d);
		if (c->on)
			fprintf(stderr, "carto: %-10s %7.1f ms cpu_ms=%.1f\n", r->b->name, r->ms,
			    (double)atomic_load(&r->cpu_ns) / 1e6);
		print_stats(c, r->b, in->stats, before, rss_kb(c, "VmHWM:", 0));
	}
	if (failed.errors)	/* a write whose failure was not passed up */
		rc = -1;
	diags_merge(d, &failed);
	return rc;
}

int build_render(const struct site *s, const struct build_opts *o, struct build_clock *c,
    struct publish *p, struct cache *cache, struct diags *out)
{
	struct render_stats st = { 0, 0, 0, 0, 0, 0, 0 };
	struct render_in in = { s, o, &st, cache };
	struct diags d = DIAGS_INIT;
	struct pool_gate *gate = pool_gate_new(o->jobs);
	build_stage(c, NULL);
	int rc = run_group(0, N_BACKENDS - 1, &in, p, gate, c, &d);
	build_stage(c, "side-by-side");
	if (rc == 0 && o->pause_render) {
		fprintf(stderr, "carto: paused before the HTML\n");
		sleep(o->pause_render);
		build_stage(c, NULL);
	}
	if (rc == 0)
		rc = run_group(N_BACKENDS - 1, N_BACKENDS, &in, p, NULL, c, &d);
	build_stage(c, NULL);
	pool_gate_free(gate);
	diags_merge(out, &d);
	diags_free(&d);
	return rc;
}
