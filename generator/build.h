/*
 * The render stage's driver: runs the backends of render/ from one table
 * (build.c says which run side by side and why the HTML comes last), each
 * through the interface of render/backend.h, collects what they and the publisher report, and prints
 * it once. Also the stage clock of CARTO_TIMING. Included by main.c only.
 */
#ifndef CARTO_BUILD_H
#define CARTO_BUILD_H

#include <time.h>

#include "render/backend.h"	/* struct build_opts */

struct cache;
struct publish;
struct site;

/* The clock behind CARTO_TIMING's lines; on is o->timing. */
struct build_clock {
	int on;
	struct timespec last;
	struct timespec last_cpu;	/* of the process, all its threads */
};

/* With the clock on, prints "carto: NAME  N ms cpu_ms=C" for the time and
 * the process's CPU time (every thread's) since the previous call (none
 * when name is NULL: that starts the clock). */
void build_stage(struct build_clock *c, const char *name);
/* Renders every backend's documents into p, putting back from cache (NULL:
 * none) those whose inputs did not change (render/cache.h). Diagnostics of
 * the backends and failed writes are added to out, for the caller to print
 * once it knows the build read what it meant to (not when a mapped file
 * was cut short under it: they would be the 0s' doing). Returns 0, or -1
 * when the build must not be published (out holds why). */
int build_render(const struct site *s, const struct build_opts *o, struct build_clock *c,
    struct publish *p, struct cache *cache, struct diags *out);

#endif
