/*
 * The one job pool of carto: loading, validation and every backend run
 * their jobs through pool_run. Jobs are numbered 0..n-1 and claimed in that
 * order with an atomic counter, so a caller that lists its longest jobs
 * first (the territory, the directory workbook, the booklets) gets them
 * started first. The calling thread is worker 0; at most `threads` workers
 * run, never more than there are jobs.
 *
 * Each worker owns a pool_worker: diagnostics, an arena that lives as long
 * as the pool (merged into the caller's arena at the end, for results that
 * outlive it), an arena reset after every job, and two reused buffers. At the
 * end the workers' diagnostics and arenas are merged in worker order, so
 * what the caller receives does not depend on which thread ran first once
 * diags_print has sorted it. Workers never print.
 *
 * A job returns 0, or -1 to fail the pool: jobs not yet claimed are then
 * skipped.
 *
 * Pools side by side (build.c runs independent backends at once, each in a
 * thread of its own that calls pool_run) share the cores through a gate: a
 * number of places (--jobs), taken in turn (tickets, first come first
 * served). A thread that entered the gate (pool_gate_wait, then
 * pool_gate_use) holds one place; pool_run called from it runs its worker 0
 * on that place and gives it back while it waits for its other workers, and
 * each other worker takes a place before its first job and gives it back
 * when no job is left. So no more than the gate's places run jobs at
 * once, and a long job (a workbook of the whole region) keeps one place
 * while the other pools' jobs take the rest.
 * Depends on base/ only.
 */
#ifndef CARTO_POOL_H
#define CARTO_POOL_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"

struct pool_worker {
	int id;			/* 0 .. threads-1, for per-worker tallies */
	struct diags d;		/* merged into pool_run's d */
	struct arena keep;	/* merged into pool_run's keep, or freed */
	struct arena scratch;	/* reset after every job */
	struct buf out, tmp;	/* reused from job to job */
};

typedef int (*pool_job_fn)(void *ctx, size_t job, struct pool_worker *w);

/* Returns how many workers pool_run uses for n jobs: threads (at least 1)
 * but no more than n (at least 1). Size per-worker tallies with it. */
int pool_workers(size_t n, int threads);
/* Runs fn(ctx, i, worker) once for each i in 0..n-1 on up to threads
 * workers (fewer when threads cannot be started: the calling thread then
 * does the rest). Diagnostics go to d, per-worker arenas to keep (freed when
 * keep is NULL). Returns 0, or -1 when a job failed. */
int pool_run(size_t n, int threads, pool_job_fn fn, void *ctx, struct diags *d,
    struct arena *keep);

struct pool_gate;
/* A gate of places (at least 1). Aborts on out-of-memory like xmalloc. */
struct pool_gate *pool_gate_new(int places);
void pool_gate_free(struct pool_gate *g);
/* The next turn: places are given in the order of tickets. */
unsigned long pool_gate_ticket(struct pool_gate *g);
/* Waits until ticket's turn has come and a place is free, and takes it. */
void pool_gate_wait(struct pool_gate *g, unsigned long ticket);
/* Gives a place back. */
void pool_gate_leave(struct pool_gate *g);
/* Sets the gate of the calling thread, which holds one of its places
 * (NULL: none, the default): pool_run then shares that gate's places. */
void pool_gate_use(struct pool_gate *g);
/* Sets where pool_run called from this thread adds the CPU time of its
 * other workers, in nanoseconds (NULL: nowhere, the default); the caller's
 * own is its thread's (CLOCK_THREAD_CPUTIME_ID). For CARTO_TIMING. */
void pool_cpu_use(_Atomic long long *ns);

#endif
