/*
 * Projection and simplification of the territory's outlines. Each ring is
 * projected to pixels, then simplified with Douglas–Peucker at half a pixel,
 * so the paths are as light as the drawing allows. Start at svgmap_build.
 */
#include "svgmap.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "../data/model.h"

#define MAP_WIDTH 800.0
#define MARGIN 8.0
#define TOLERANCE 0.5

const char *const svgmap_palette[TYPE_COLOURS + 1] = { "#0050a0", "#b34700", "#00734f", "#a3266f",
	"#6b5200", "#006a80", "#5b2a86", "#8a1c1c", "#2e5e1a", "#c2185b", "#3f3fa6", "#795548",
	"#4d4d4d" };

void svgmap_xy(const struct proj *p, double lon, double lat, double *x, double *y)
{
	*x = MARGIN + (lon - p->minlon) * p->c * p->s;
	*y = MARGIN + (p->maxlat - lat) * p->s;
}

static void fit(struct proj *p, double minx, double miny, double maxx, double maxy)
{
	p->c = cos((miny + maxy) / 2 * 3.14159265358979 / 180);
	p->minlon = minx;
	p->maxlat = maxy;
	p->s = (MAP_WIDTH - 2 * MARGIN) / ((maxx - minx) * p->c);
	p->w = MAP_WIDTH;
	p->h = (maxy - miny) * p->s + 2 * MARGIN;
}

/* Douglas–Peucker: marks the points to keep between a and b, iteratively
 * (a stack of spans) so that a long ring cannot exhaust the C stack. */
static void simplify(const double *xy, size_t a, size_t b, double tol, char *keep,
    size_t *stack)
{
	size_t top = 0;
	stack[top++] = a;
	stack[top++] = b;
	while (top) {
		b = stack[--top];
		a = stack[--top];
		double ax = xy[2 * a], ay = xy[2 * a + 1], bx = xy[2 * b], by = xy[2 * b + 1];
		double dx = bx - ax, dy = by - ay, len = sqrt(dx * dx + dy * dy), best = -1;
		size_t at = 0;
		for (size_t i = a + 1; i < b; i++) {
			double px = xy[2 * i] - ax, py = xy[2 * i + 1] - ay;
			double d = len > 0 ? fabs(px * dy - py * dx) / len : sqrt(px * px + py * py);
			if (d > best) {
				best = d;
				at = i;
			}
		}
		if (best > tol) {
			keep[at] = 1;
			stack[top++] = at;	/* the order of the spans does not change the result */
			stack[top++] = b;
			stack[top++] = a;
			stack[top++] = at;
		}
	}
}

size_t svgmap_simplify(const double *xy, size_t n, double tol, char *keep)
{
	memset(keep, 0, n);
	if (n < 4) {
		memset(keep, 1, n);
		return n;
	}
	/* Each span pushed splits one in two: at most 2 spans a point are open. */
	size_t *stack = xmalloc(4 * n * sizeof(*stack));
	keep[0] = keep[n - 1] = 1;
	size_t mid = n / 2;	/* a closed ring: split it so both ends are kept */
	keep[mid] = 1;
	simplify(xy, 0, mid, tol, keep, stack);
	simplify(xy, mid, n - 1, tol, keep, stack);
	free(stack);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += keep[i];
	return k;
}

/* Appends t tenths as an SVG number ("12.3", "-4", ".5"), after a space
 * when sep and the number does not start with its minus sign. */
static void tenths(struct buf *b, long t, int sep)
{
	if (t < 0)
		buf_putc(b, '-');
	else if (sep)
		buf_putc(b, ' ');
	unsigned long u = t < 0 ? -(unsigned long)t : (unsigned long)t;
	if (u / 10)
		buf_put_unum(b, u / 10, 0);	/* not printf: a map has thousands */
	if (u % 10) {
		buf_putc(b, '.');
		buf_putc(b, (char)('0' + u % 10));
	} else if (u < 10)
		buf_putc(b, '0');
}

/* v in tenths of a unit, clamped far beyond any map and NaN as 0: a map
 * fitted on an outline without width or height scales by infinity, and
 * the moves between points must not overflow a long. */
static long tenths_of(double v)
{
	if (v != v)
		return 0;
	return lround((v > 1e12 ? 1e12 : v < -1e12 ? -1e12 : v) * 10);
}

static void ring_path(struct buf *b, const struct proj *p, const struct ring *r)
{
	if (r->n < 4)
		return;
	double *xy = xmalloc(r->n * 2 * sizeof(double));
	char *keep = xmalloc(r->n);
	for (size_t i = 0; i < r->n; i++)
		svgmap_xy(p, r->xy[2 * i], r->xy[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
	svgmap_simplify(xy, r->n, TOLERANCE, keep);
	/* The first point absolute, the others as moves from the one before
	 * ("l", repeated implicitly), all in tenths of a unit: the moves are
	 * differences of rounded points, so no error adds up along the ring,
	 * and their short numbers make outlines about a third lighter than
	 * absolute "L" points (the commune outlines are most of a département
	 * page's weight, issue 17). A point that rounds onto the one before
	 * is left out. */
	long px = 0, py = 0;
	int first = 1, moves = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!keep[i])
			continue;
		long x = tenths_of(xy[2 * i]), y = tenths_of(xy[2 * i + 1]);
		if (first) {
			buf_putc(b, 'M');
			tenths(b, x, 0);
			tenths(b, y, 1);
			first = 0;
		} else if (x != px || y != py) {
			if (!moves++)
				buf_putc(b, 'l');
			tenths(b, x - px, moves > 1);
			tenths(b, y - py, 1);
		}
		px = x, py = y;
	}
	if (!first)
		buf_putc(b, 'Z');
	free(xy);
	free(keep);
}

static void shape_d(struct buf *b, const struct proj *p, const struct shape *s)
{
	for (size_t i = 0; i < s->n_rings; i++)
		ring_path(b, p, &s->rings[i]);
}

static void shape_path(struct buf *b, const struct proj *p, const struct shape *s,
    const char *cls)
{
	buf_printf(b, "<path class=\"%s\" d=\"", cls);
	shape_d(b, p, s);
	buf_puts(b, "\"/>\n");
}

const char *const svgmap_zoom_deps[4] = { "75", "92", "93", "94" };

static int in_zoom(const char *code)
{
	for (size_t i = 0; i < 4; i++)
		if (strncmp(code, svgmap_zoom_deps[i], 2) == 0)
			return 1;
	return 0;
}

/* Paris and the petite couronne: their communes (Paris by arrondissement)
 * and their contours, fitted to the four départements. */
static void build_zoom(struct basemap *m, const struct geo *g)
{
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	size_t found = 0;
	for (size_t i = 0; i < g->n_departements; i++) {
		const struct shape *d = &g->departements[i];
		if (!in_zoom(d->code))
			continue;
		found++;
		minx = fmin(minx, d->minx);
		miny = fmin(miny, d->miny);
		maxx = fmax(maxx, d->maxx);
		maxy = fmax(maxy, d->maxy);
	}
	/* A territory without them, or with one, or with nothing else: the
	 * region map shows them as well as a zoom would. */
	if (found < 2 || found == g->n_departements)
		return;
	fit(&m->pr, minx, miny, maxx, maxy);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < g->n_arr_shapes; i++)
		shape_path(&b, &m->pr, &g->arr_shapes[i], "commune");
	for (size_t i = 0; i < g->n_commune_shapes; i++)
		if (in_zoom(g->commune_shapes[i].code) && !(g->n_arr_shapes && strncmp(g->commune_shapes[i].code, "75", 2) == 0))
			shape_path(&b, &m->pr, &g->commune_shapes[i], "commune");
	for (size_t i = 0; i < g->n_departements; i++)
		if (in_zoom(g->departements[i].code))
			shape_path(&b, &m->pr, &g->departements[i], "contour");
	m->paths = buf_detach(&b, NULL);
}

static void build_dep(struct basemap *m, const struct geo *g, const struct shape *dep)
{
	struct buf b = BUF_INIT;	/* m->code is svgmap_build's */
	fit(&m->pr, dep->minx, dep->miny, dep->maxx, dep->maxy);
	/* Paris is drawn with its arrondissements, the rest with communes. */
	int paris = strcmp(dep->code, "75") == 0 && g->n_arr_shapes;
	const struct shape *v = paris ? g->arr_shapes : g->commune_shapes;
	size_t n = paris ? g->n_arr_shapes : g->n_commune_shapes;
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i].code, dep->code, 2) == 0)
			shape_path(&b, &m->pr, &v[i], "commune");
	shape_path(&b, &m->pr, dep, "contour");
	m->paths = buf_detach(&b, NULL);
}

/* The départements' maps drawn (svgmap_dep): one flag each, set once its
 * paths are in place, read without the lock. */
struct svgmap_lazy {
	pthread_mutex_t lock;
	atomic_int *drawn;
	atomic_size_t n;
};

void svgmap_build(struct svgmap *m, const struct geo *g)
{
	memset(m, 0, sizeof(*m));
	m->geo = g;
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	for (size_t i = 0; i < g->n_departements; i++) {
		const struct shape *d = &g->departements[i];
		minx = fmin(minx, d->minx);
		miny = fmin(miny, d->miny);
		maxx = fmax(maxx, d->maxx);
		maxy = fmax(maxy, d->maxy);
	}
	if (!g->n_departements)
		return;
	fit(&m->region.pr, minx, miny, maxx, maxy);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < g->n_departements; i++)
		shape_path(&b, &m->region.pr, &g->departements[i], "departement");
	m->region.paths = buf_detach(&b, NULL);
	m->deps = xcalloc(g->n_departements, sizeof(*m->deps));
	m->region_d = xcalloc(g->n_departements, sizeof(*m->region_d));
	m->n_deps = g->n_departements;
	m->lazy = xcalloc(1, sizeof(*m->lazy));
	pthread_mutex_init(&m->lazy->lock, NULL);
	m->lazy->drawn = xcalloc(g->n_departements, sizeof(*m->lazy->drawn));
	atomic_init(&m->lazy->n, 0);
	for (size_t i = 0; i < g->n_departements; i++) {
		snprintf(m->deps[i].code, sizeof(m->deps[i].code), "%s", g->departements[i].code);
		atomic_init(&m->lazy->drawn[i], 0);
		shape_d(&b, &m->region.pr, &g->departements[i]);
		m->region_d[i] = buf_detach(&b, NULL);
	}
	build_zoom(&m->zoom, g);
}

void svgmap_frame(const struct proj *outer, const struct proj *inner, double *frame)
{
	double lon1 = inner->minlon, lat1 = inner->maxlat;
	double lon2 = lon1 + (inner->w - 2 * MARGIN) / (inner->c * inner->s);
	double lat2 = lat1 - (inner->h - 2 * MARGIN) / inner->s;
	double x1, y1, x2, y2;
	svgmap_xy(outer, lon1, lat1, &x1, &y1);
	svgmap_xy(outer, lon2, lat2, &x2, &y2);
	frame[0] = x1;
	frame[1] = y1;
	frame[2] = x2 - x1;
	frame[3] = y2 - y1;
}

const struct basemap *svgmap_dep(const struct svgmap *m, const char *code)
{
	size_t i = 0;
	while (i < m->n_deps && strcmp(m->deps[i].code, code) != 0)
		i++;
	if (i == m->n_deps)
		return NULL;
	struct svgmap_lazy *z = m->lazy;
	if (!atomic_load_explicit(&z->drawn[i], memory_order_acquire)) {
		pthread_mutex_lock(&z->lock);
		if (!atomic_load_explicit(&z->drawn[i], memory_order_relaxed)) {
			build_dep(&m->deps[i], m->geo, &m->geo->departements[i]);
			atomic_fetch_add(&z->n, 1);
			atomic_store_explicit(&z->drawn[i], 1, memory_order_release);
		}
		pthread_mutex_unlock(&z->lock);
	}
	return &m->deps[i];
}

size_t svgmap_drawn(const struct svgmap *m)
{
	return m->lazy ? atomic_load(&m->lazy->n) : 0;
}

void svgmap_free(struct svgmap *m)
{
	free(m->region.paths);
	free(m->zoom.paths);
	for (size_t i = 0; i < m->n_deps; i++) {
		free(m->deps[i].paths);
		free(m->region_d[i]);
	}
	free(m->deps);
	free(m->region_d);
	if (m->lazy) {
		pthread_mutex_destroy(&m->lazy->lock);
		free(m->lazy->drawn);
		free(m->lazy);
	}
}
