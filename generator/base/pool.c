/*
 * Job pool: one atomic counter hands out job numbers; workers stop at the
 * end of the list or after a failure. Start at pool_run.
 */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "mem.h"

struct pool {
	size_t n;
	pool_job_fn fn;
	void *ctx;
	atomic_size_t next;
	atomic_int failed;
};

struct slot {
	pthread_t th;
	int started;
	struct pool *pl;
	struct pool_worker w;
};

static void *work(void *arg)
{
	struct slot *sl = arg;
	struct pool *pl = sl->pl;
	for (;;) {
		if (atomic_load(&pl->failed))
			break;
		size_t i = atomic_fetch_add(&pl->next, 1);
		if (i >= pl->n)
			break;
		if (pl->fn(pl->ctx, i, &sl->w) < 0)
			atomic_store(&pl->failed, 1);
		arena_reset(&sl->w.scratch);
	}
	return NULL;
}

int pool_workers(size_t n, int threads)
{
	if (threads < 1)
		threads = 1;
	if (n < (size_t)threads)
		threads = n ? (int)n : 1;
	return threads;
}

int pool_run(size_t n, int threads, pool_job_fn fn, void *ctx, struct diags *d,
    struct arena *keep)
{
	struct pool pl = { .n = n, .fn = fn, .ctx = ctx };
	int nw = pool_workers(n, threads);
	struct slot *sl = xcalloc((size_t)nw, sizeof(*sl));
	atomic_init(&pl.next, 0);
	atomic_init(&pl.failed, 0);
	for (int i = 0; i < nw; i++) {
		sl[i].pl = &pl;
		sl[i].w = (struct pool_worker){ .id = i, .d = DIAGS_INIT, .keep = ARENA_INIT,
			.scratch = ARENA_INIT, .out = BUF_INIT, .tmp = BUF_INIT };
		if (i > 0)
			sl[i].started = pthread_create(&sl[i].th, NULL, work, &sl[i]) == 0;
	}
	work(&sl[0]);
	for (int i = 0; i < nw; i++) {
		struct pool_worker *w = &sl[i].w;
		if (sl[i].started)
			pthread_join(sl[i].th, NULL);
		diags_merge(d, &w->d);
		if (keep)
			arena_merge(keep, &w->keep);
		else
			arena_free(&w->keep);
		arena_free(&w->scratch);
		buf_release(&w->out);
		buf_release(&w->tmp);
	}
	free(sl);
	return atomic_load(&pl.failed) ? -1 : 0;
}
