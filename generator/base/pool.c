/*
 * Job pool: one atomic counter hands out job numbers; workers stop at the
 * end of the list or after a failure. Pools side by side share a gate's
 * places, given in ticket order under one lock. Start at pool_run.
 */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "mem.h"

struct pool_gate {
	pthread_mutex_t lock;
	pthread_cond_t turn;		/* a place was freed or a turn passed */
	int free;			/* places not taken */
	unsigned long next, serving;	/* the next ticket, the turn being served */
};

/* The gate of the calling thread, which then holds one of its places, and
 * where its pools count their workers' CPU time. */
static _Thread_local struct pool_gate *current;
static _Thread_local _Atomic long long *cpu_ns;

struct pool_gate *pool_gate_new(int places)
{
	struct pool_gate *g = xcalloc(1, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->turn, NULL);
	g->free = places < 1 ? 1 : places;
	return g;
}

void pool_gate_free(struct pool_gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->turn);
	free(g);
}

unsigned long pool_gate_ticket(struct pool_gate *g)
{
	pthread_mutex_lock(&g->lock);
	unsigned long t = g->next++;
	pthread_mutex_unlock(&g->lock);
	return t;
}

void pool_gate_wait(struct pool_gate *g, unsigned long ticket)
{
	pthread_mutex_lock(&g->lock);
	while (g->serving != ticket || g->free == 0)
		pthread_cond_wait(&g->turn, &g->lock);
	g->serving++;
	g->free--;
	pthread_cond_broadcast(&g->turn);	/* the next turn may find a place */
	pthread_mutex_unlock(&g->lock);
}

void pool_gate_leave(struct pool_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->free++;
	pthread_cond_broadcast(&g->turn);
	pthread_mutex_unlock(&g->lock);
}

void pool_gate_use(struct pool_gate *g)
{
	current = g;
}

void pool_cpu_use(_Atomic long long *ns)
{
	cpu_ns = ns;
}

struct pool {
	struct pool_gate *gate;	/* of the caller, or NULL */
	_Atomic long long *cpu_ns;	/* of the caller, or NULL */
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

/* Runs jobs until none is left. Worker 0 is the caller, which holds its
 * place; the others take one before their first job when there is a gate,
 * and keep it until no job is left (a place a job would hand from worker
 * to worker costs a wake-up each: thousands for the fiches). */
static void *work(void *arg)
{
	struct slot *sl = arg;
	struct pool *pl = sl->pl;
	struct pool_gate *g = sl->w.id > 0 ? pl->gate : NULL;
	int holding = 0;
	for (;;) {
		if (atomic_load(&pl->failed))
			break;
		if (g && !holding) {
			pool_gate_wait(g, pool_gate_ticket(g));
			holding = 1;
		}
		size_t i = atomic_fetch_add(&pl->next, 1);
		if (i >= pl->n)
			break;
		if (pl->fn(pl->ctx, i, &sl->w) < 0)
			atomic_store(&pl->failed, 1);
		arena_reset(&sl->w.scratch);
	}
	if (holding)
		pool_gate_leave(g);
	struct timespec t;
	if (sl->w.id > 0 && pl->cpu_ns && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0)
		atomic_fetch_add(pl->cpu_ns, (long long)t.tv_sec * 1000000000 + t.tv_nsec);
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
	struct pool pl = { .gate = current, .cpu_ns = cpu_ns, .n = n, .fn = fn, .ctx = ctx };
	int nw = pool_workers(n, threads);
	struct slot *sl = xcalloc((size_t)nw, sizeof(*sl));
	atomic_init(&pl.next, 0);
	atomic_init(&pl.failed, 0);
	for (int i = 0; i < nw; i++) {
		sl[i].pl = &pl;
		sl[i].w = (struct pool_worker){ .id = i, .d = DIAGS_INIT, .keep = ARENA_INIT,
			.scratch = ARENA_INIT, .out = BUF_INIT, .tmp = BUF_INIT };
		sl[i].w.keep.huge = keep && keep->huge;	/* what goes there goes there */
		if (i > 0)
			sl[i].started = pthread_create(&sl[i].th, NULL, work, &sl[i]) == 0;
	}
	work(&sl[0]);
	if (pl.gate)	/* its place, while the other workers finish */
		pool_gate_leave(pl.gate);
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
	if (pl.gate)
		pool_gate_wait(pl.gate, pool_gate_ticket(pl.gate));
	return atomic_load(&pl.failed) ? -1 : 0;
}
