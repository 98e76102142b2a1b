/*
 * Unit tests of base/pool (every job runs once, on one thread and many;
 * diagnostics and arenas merged; a failing job stops the pool; pools side
 * by side behind a gate run no more jobs at once than its places) and of the
 * publisher's manifest.
 */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/fs.h"
#include "../../generator/base/pool.h"
#include "../../generator/render/publish.h"
#include "harness.h"
#include "tests.h"

#define N_JOBS 3000

struct runs {
	atomic_int count[N_JOBS];
	const char *kept[N_JOBS];	/* a string each job left in its keep arena */
	atomic_int max_id;
	size_t fail_at;			/* N_JOBS: no job fails */
};

static int count_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct runs *r = ctx;
	atomic_fetch_add(&r->count[i], 1);
	buf_reset(&w->tmp);
	buf_printf(&w->tmp, "job %zu", i);
	r->kept[i] = arena_strdup(&w->keep, w->tmp.data);
	arena_strdup(&w->scratch, "scratch, reset after the job");
	if (i % 7 == 0)
		diag_add(&w->d, i % 2 ? "b.yaml" : "a.yaml", (uint32_t)(i % 50) + 1, 1,
		    i % 3 ? DIAG_WARNING : DIAG_ERROR, "job %zu", i);
	int id = atomic_load(&r->max_id);
	while (w->id > id && !atomic_compare_exchange_weak(&r->max_id, &id, w->id))
		;
	return i == r->fail_at ? -1 : 0;
}

/* Runs the counting jobs on threads workers; returns what diags_print wrote. */
static char *run_counting(int threads, struct runs *r, int *rc, size_t *errors)
{
	struct diags d = DIAGS_INIT;
	struct arena keep = ARENA_INIT;
	memset(r->count, 0, sizeof(r->count));
	memset(r->kept, 0, sizeof(r->kept));
	atomic_store(&r->max_id, 0);
	*rc = pool_run(N_JOBS, threads, count_job, r, &d, &keep);
	*errors = d.errors;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diags_print(&d, f);
	fclose(f);
	for (size_t i = 0; i < N_JOBS; i++)
		if (r->kept[i]) {
			char want[32];
			snprintf(want, sizeof(want), "job %zu", i);
			EXPECT_STR(r->kept[i], want);	/* alive in keep after the pool */
		}
	diags_free(&d);
	arena_free(&keep);
	return text;
}

void test_pool(void)
{
	struct runs *r = calloc(1, sizeof(*r));
	int rc;
	size_t errors1, errors8;
	r->fail_at = N_JOBS;
	char *one = run_counting(1, r, &rc, &errors1);
	EXPECT(rc == 0);
	EXPECT(atomic_load(&r->max_id) == 0);
	for (size_t i = 0; i < N_JOBS; i++)
		EXPECT(atomic_load(&r->count[i]) == 1);
	char *many = run_counting(8, r, &rc, &errors8);
	EXPECT(rc == 0);
	EXPECT(atomic_load(&r->max_id) < 8);
	for (size_t i = 0; i < N_JOBS; i++)
		EXPECT(atomic_load(&r->count[i]) == 1);
	/* The same diagnostics whatever the threads, once sorted. */
	EXPECT(errors1 == errors8 && errors1 == (N_JOBS + 20) / 21);
	EXPECT(one && many && strcmp(one, many) == 0);
	EXPECT(strncmp(one, "a.yaml:1:1: error: job 0\n", 25) == 0);
	free(one);
	free(many);

	/* A failing job fails the pool; on one thread nothing after it runs. */
	r->fail_at = 10;
	free(run_counting(1, r, &rc, &errors1));
	EXPECT(rc == -1);
	EXPECT(atomic_load(&r->count[10]) == 1 && atomic_load(&r->count[11]) == 0);
	free(run_counting(4, r, &rc, &errors8));
	EXPECT(rc == -1);
	free(r);

	/* No jobs: nothing runs, no thread is started. */
	struct diags d = DIAGS_INIT;
	EXPECT(pool_run(0, 8, count_job, NULL, &d, NULL) == 0 && d.n == 0);
	EXPECT(pool_workers(0, 8) == 1 && pool_workers(3, 8) == 3 && pool_workers(100, 0) == 1 &&
	    pool_workers(100, 4) == 4);
}

void test_publish_manifest(void)
{
	char dir[] = "/tmp/carto-unit-XXXXXX";
	struct buf out = BUF_INIT, path = BUF_INIT;
	struct publish p = { 0 };
	struct diags d = DIAGS_INIT;
	EXPECT(mkdtemp(dir) != NULL);
	fs_join(&out, dir, "out");
	EXPECT(publish_begin(&p, out.data) == 0);
	EXPECT(publish_write(&p, "a/b.txt", "hello", 5) == 0);
	EXPECT(publish_size(&p, "a/b.txt") == 5);
	FILE *f = publish_open(&p, "data/x.csv");
	EXPECT(f != NULL);
	if (f) {
		fputs("abc", f);
		EXPECT(publish_close(&p, "data/x.csv", f, 0) == 0);
	}
	EXPECT(publish_size(&p, "data/x.csv") == 3);
	/* A library writes the file itself; publish_done records it. */
	EXPECT(publish_prepare(&p, "xlsx/w.xlsx", &path) == 0);
	EXPECT(fs_write(path.data, "1234567", 7) == 0);
	EXPECT(publish_size(&p, "xlsx/w.xlsx") == -1);
	EXPECT(publish_done(&p, "xlsx/w.xlsx") == 0 && publish_size(&p, "xlsx/w.xlsx") == 7);
	/* Rewriting a file records its new size. */
	EXPECT(publish_write(&p, "a/b.txt", "hi", 2) == 0 && publish_size(&p, "a/b.txt") == 2);
	EXPECT(publish_size(&p, "nothing.txt") == -1);
	/* Failures are recorded with the path, never printed. */
	EXPECT(publish_write(&p, "../escape", "x", 1) == -1);
	EXPECT(publish_write(&p, "a/b.txt/below", "x", 1) == -1);
	EXPECT(publish_done(&p, "never-written.pdf") == -1);
	EXPECT(publish_size(&p, "../escape") == -1);
	publish_take_diags(&p, &d);
	EXPECT(d.errors == 3);
	EXPECT(d.n == 3 && strcmp(d.v[0].file, "../escape") == 0 &&
	    strncmp(d.v[0].msg, "cannot write: ", 14) == 0);
	EXPECT(d.n == 3 && strcmp(d.v[2].file, "never-written.pdf") == 0);
	publish_take_diags(&p, &d);
	EXPECT(d.n == 3);
	publish_abort(&p);	/* what it wrote goes: a failure holds no disk */
	publish_free(&p);
	diags_free(&d);
	struct buf sp = BUF_INIT, got = BUF_INIT;
	buf_printf(&sp, "%s/.out.spare", dir);
	EXPECT(!fs_exists(sp.data) && !fs_exists(path.data));
	/* The spare's older shapes give way: a file where this build puts a
	 * folder, a folder where it puts a file; a file it does not make goes. */
	static const char *const older[] = { "a", "a/b.txt", "data", "data/x.csv", "xlsx",
		"xlsx/w.xlsx" };
	for (size_t i = 0; i < sizeof(older) / sizeof(older[0]); i++) {
		fs_join(&got, sp.data, older[i]);
		EXPECT(strchr(older[i], '.') ? fs_write(got.data, "old", 3) == 0
		    : fs_mkdirs(got.data) == 0);
	}
	struct publish q = { 0 };
	EXPECT(publish_begin(&q, out.data) == 0 && !fs_exists(sp.data));
	EXPECT(publish_write(&q, "a/b.txt/below", "x", 1) == 0);
	EXPECT(publish_write(&q, "data", "file", 4) == 0);
	EXPECT(publish_commit(&q) == 0);
	fs_join(&got, out.data, "xlsx");
	EXPECT(!fs_exists(got.data));
	fs_join(&got, out.data, "a/b.txt/below");
	EXPECT(fs_exists(got.data));
	publish_free(&q);
	fs_rmtree(out.data);
	fs_rmtree(sp.data);
	buf_release(&sp);
	buf_release(&got);
	rmdir(dir);
	buf_release(&out);
	buf_release(&path);
}

/* Pools side by side behind a gate: never more jobs at once than places. */
struct gated {
	struct pool_gate *gate;
	unsigned long ticket;
	atomic_int *running, *most, *done;
};

static int busy_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct gated *g = ctx;
	(void)i;
	(void)w;
	int now = atomic_fetch_add(g->running, 1) + 1, most = atomic_load(g->most);
	while (now > most && !atomic_compare_exchange_weak(g->most, &most, now))
		;
	usleep(200);
	atomic_fetch_sub(g->running, 1);
	atomic_fetch_add(g->done, 1);
	return 0;
}

/* One side: enters the gate as build.c's backends do, then runs a pool of
 * four workers. */
static void *side(void *arg)
{
	struct gated *g = arg;
	struct diags d = DIAGS_INIT;
	pool_gate_wait(g->gate, g->ticket);
	pool_gate_use(g->gate);
	pool_run(40, 4, busy_job, g, &d, NULL);
	pool_gate_use(NULL);
	pool_gate_leave(g->gate);
	diags_free(&d);
	return NULL;
}

void test_pool_gate(void)
{
	for (int places = 1; places <= 2; places++) {
		atomic_int running = 0, most = 0, done = 0;
		struct pool_gate *gate = pool_gate_new(places);
		struct gated g[3];
		pthread_t th[3];
		for (int i = 0; i < 3; i++) {
			g[i] = (struct gated){ gate, pool_gate_ticket(gate), &running, &most, &done };
			EXPECT(pthread_create(&th[i], NULL, side, &g[i]) == 0);
		}
		for (int i = 0; i < 3; i++)
			pthread_join(th[i], NULL);
		EXPECT(atomic_load(&done) == 3 * 40);
		EXPECT(atomic_load(&most) >= 1 && atomic_load(&most) <= places);
		pool_gate_free(gate);
	}
}
