/*
 * The cartography pages (format.md §6): for a cartography, and for each of its
 * départements when par_departement, a map of the matching offers drawn in
 * SVG at build time, the list of offers grouped by département and commune
 * (the map's text alternative), and the open data extracts. The region's map
 * has its départements as links to their pages and a second map, a zoom on
 * Paris and the petite couronne; a département's map names its main
 * communes (commune_labels). Markers carry a target sized in CSS pixels by
 * the style sheet (issue 16), and where the page lists no offer, the
 * lengths of the names they hold, for the script that merges them on a
 * small screen (spot_label). Start at html_carto_view.
 */
#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../base/arena.h"
#include "../../base/collate.h"
#include "../../base/digest.h"
#include "../../base/escape.h"
#include "../../base/mem.h"
#include "../../base/strmap.h"
#include "../../base/utf8.h"
#include "../../data/derive.h"
#include "../../data/hours.h"
#include "../../data/index.h"
#include "../../data/paths.h"
#include "../cache.h"
#include "../svgmap.h"
#include "html_page.h"
#include "html_carto.h"

#define palette svgmap_palette

/* A marker: the rows at one spot of the drawing. */
struct spot {
	double x, y;
	size_t n;
	size_t type;		/* palette index, or SIZE_MAX when types differ */
	size_t card;		/* index of the first card, for the link */
	size_t last;		/* index of the last card; next[] links the others */
	const char *label;	/* accessible name, HTML-escaped */
	const char *noms;	/* its names' lengths (data-noms, see spot_label) */
};

/* Markers whose centres are closer than a single marker's radius hide each
 * other (the count of one lies under the other), so they are one marker:
 * the rows are grouped by single linkage at that distance, on a grid of
 * cells of that size so that each point looks at its 9 neighbouring cells
 * only. Rows at the same point (0.1 px) are one point first, so the work
 * grows with the number of distinct lieux, not of offers. A group is drawn
 * larger than a single marker (marker_r), so two groups, or a group and a
 * single marker, may still cover each other: groups whose circles come
 * closer than MARK_GAP are then merged, again and again, since a merged
 * group may grow and its centre move onto a third (spread_apart). */
#define GROUP_PX 6.5
#define MARK_GAP 1.5		/* white outlines (1.5 wide, half outside) and rounding */
#define MARK_R_MAX 11.0		/* the largest marker_r */

/* The radius a marker of n rows is drawn with, in units of the drawing (the
 * style sheet enlarges it when the map is shown small, issue 16). */
static double marker_r(size_t n)
{
	return n > 9 ? MARK_R_MAX : n > 1 ? 9 : GROUP_PX;
}

static size_t uf_find(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

struct points {
	double *x, *y;
	size_t *up;		/* union-find parents */
	size_t *cell_next;	/* the next point of the same cell, or SIZE_MAX */
	size_t n;
};

/* The cells of a grid, by their column and row: a table on the pair, each
 * cell's value a pointer (its list's head), NULL while it has none. */
struct grid {
	struct gcell {
		long x, y;
		void *val;
	} *v;
	size_t n, cap;
};

static size_t grid_slot(const struct gcell *v, size_t cap, long x, long y)
{
	uint64_t h = ((uint64_t)x * 0x9E3779B97F4A7C15u) ^ ((uint64_t)y * 0xC2B2AE3D27D4EB4Fu);
	size_t i = (size_t)(h >> 32) & (cap - 1);
	while (v[i].val && (v[i].x != x || v[i].y != y))
		i = (i + 1) & (cap - 1);
	return i;
}

static void grid_cell(double x, double y, double size, long dx, long dy, long *cx, long *cy)
{
	*cx = (long)(x / size) + dx;
	*cy = (long)(y / size) + dy;
}

/* The value of the cell of (x, y) shifted by (dx, dy) cells of size size,
 * NULL when it has none. */
static void *grid_get(const struct grid *g, double x, double y, double size, long dx, long dy)
{
	long cx, cy;
	grid_cell(x, y, size, dx, dy, &cx, &cy);
	return g->cap ? g->v[grid_slot(g->v, g->cap, cx, cy)].val : NULL;
}

/* The value of cell (cx, cy), NULL when it has none. */
static void *grid_at(const struct grid *g, long cx, long cy)
{
	return g->cap ? g->v[grid_slot(g->v, g->cap, cx, cy)].val : NULL;
}

/* The slot of the value of cell (cx, cy): the caller fills it when it is
 * NULL (a new cell), before the next call. */
static void **grid_put_at(struct grid *g, long cx, long cy)
{
	if ((g->n + 1) * 2 > g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		struct gcell *v = xcalloc(cap, sizeof(*v));
		for (size_t i = 0; i < g->cap; i++)
			if (g->v[i].val)
				v[grid_slot(v, cap, g->v[i].x, g->v[i].y)] = g->v[i];
		free(g->v);
		g->v = v;
		g->cap = cap;
	}
	struct gcell *e = &g->v[grid_slot(g->v, g->cap, cx, cy)];
	if (!e->val) {
		e->x = cx;
		e->y = cy;
		g->n++;
	}
	return &e->val;
}

/* The slot of the value of the cell of (x, y), as grid_put_at's. */
static void **grid_put(struct grid *g, double x, double y, double size)
{
	long cx, cy;
	grid_cell(x, y, size, 0, 0, &cx, &cy);
	return grid_put_at(g, cx, cy);
}

/* Joins point i to every point already seen within GROUP_PX, then files it
 * in its cell. */
static void join_near(struct pctx *c, struct points *p, struct grid *cells, size_t i)
{
	for (long dy = -1; dy <= 1; dy++)
		for (long dx = -1; dx <= 1; dx++) {
			const size_t *head = grid_get(cells, p->x[i], p->y[i], GROUP_PX, dx, dy);
			for (size_t j = head ? *head : (size_t)-1; j != (size_t)-1; j = p->cell_next[j]) {
				double ex = p->x[i] - p->x[j], ey = p->y[i] - p->y[j];
				if (ex * ex + ey * ey < GROUP_PX * GROUP_PX)
					p->up[uf_find(p->up, i)] = uf_find(p->up, j);
			}
		}
	size_t **head = (size_t **)grid_put(cells, p->x[i], p->y[i], GROUP_PX);
	if (!*head) {
		*head = arena_alloc(c->a, sizeof(**head));
		**head = (size_t)-1;
	}
	p->cell_next[i] = **head;
	**head = i;
}

/* The groups of spread_apart, by the index of their root point: the sums
 * of their distinct points' coordinates, their numbers of distinct points
 * and of rows, and a count of their growths (gen), which tells the stale
 * entries of the grid. */
struct groups {
	double *sx, *sy;
	size_t *np, *nr, *gen;
};

/* An entry of a cell of spread_apart's grid. */
struct filed {
	size_t g, gen;
	struct filed *next;
};

/* Cells large enough that two markers drawn over each other lie in
 * neighbouring cells. */
#define SPREAD_CELL (2 * MARK_R_MAX + MARK_GAP)

static void file_group(struct pctx *c, struct grid *cells, const struct groups *gr, size_t g)
{
	struct filed ***head = (struct filed ***)grid_put(cells, gr->sx[g] / (double)gr->np[g],
	    gr->sy[g] / (double)gr->np[g], SPREAD_CELL);
	if (!*head) {
		*head = arena_alloc(c->a, sizeof(**head));
		**head = NULL;
	}
	struct filed *f = arena_alloc(c->a, sizeof(*f));
	*f = (struct filed){ g, gr->gen[g], **head };
	**head = f;
}

/* Merges the groups of p (single linkage at GROUP_PX done) whose drawn
 * circles come closer than MARK_GAP, until none does: each group is looked
 * at once, and again each time it grows, against the groups of its 9
 * neighbouring cells; a merged group, at the mean of its distinct points,
 * is filed anew. At the end no two groups' circles come that close: of
 * two such groups, the later filed was looked at after the other was.
 * Each look ends at the first group found too close, and there are at most
 * twice as many looks as groups; after the single linkage few groups share
 * a cell, so the work grows with the number of groups. */
static void spread_apart(struct pctx *c, struct points *p, struct groups *gr)
{
	struct grid cells = { NULL, 0, 0 };
	size_t *queue = arena_alloc(c->a, (2 * p->n + 1) * sizeof(*queue)), nq = 0;
	for (size_t k = 0; k < p->n; k++)
		if (uf_find(p->up, k) == k) {
			file_group(c, &cells, gr, k);
			queue[nq++] = k;
		}
	for (size_t q = 0; q < nq; q++) {
		size_t g = queue[q], o = (size_t)-1;
		if (p->up[g] != g)
			continue;
		double x = gr->sx[g] / (double)gr->np[g], y = gr->sy[g] / (double)gr->np[g];
		for (long dy = -1; dy <= 1 && o == (size_t)-1; dy++)
			for (long dx = -1; dx <= 1 && o == (size_t)-1; dx++) {
				struct filed **head = grid_get(&cells, x, y, SPREAD_CELL, dx, dy);
				for (const struct filed *f = head ? *head : NULL; f && o == (size_t)-1; f = f->next) {
					if (f->g == g || p->up[f->g] != f->g || f->gen != gr->gen[f->g])
						continue;
					double ex = x - gr->sx[f->g] / (double)gr->np[f->g];
					double ey = y - gr->sy[f->g] / (double)gr->np[f->g];
					double need = marker_r(gr->nr[g]) + marker_r(gr->nr[f->g]) + MARK_GAP;
					if (ex * ex + ey * ey < need * need)
						o = f->g;
				}
			}
		if (o == (size_t)-1)
			continue;
		p->up[o] = g;
		gr->sx[g] += gr->sx[o];
		gr->sy[g] += gr->sy[o];
		gr->np[g] += gr->np[o];
		gr->nr[g] += gr->nr[o];
		gr->gen[g]++;
		file_group(c, &cells, gr, g);
		queue[nq++] = g;
	}
	free(cells.v);
}

/* "A, B et C" for the distinct names of a marker's rows; past max names,
 * the first max - 1 and "et N autres <what>". Their lengths in UTF-16 code
 * units (what a script's string counts) go to lens, space-separated, then
 * "+N" when N are not named. */
static void names(struct buf *b, struct buf *lens, const char *const *v, size_t n, size_t max,
    const char *what)
{
	size_t shown = n > max ? max - 1 : n;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			buf_puts(b, i + 1 == n ? " et " : ", ");
		esc_html(b, v[i]);
		size_t units = 0;
		for (const unsigned char *p = (const unsigned char *)v[i]; *p; p++)
			units += ((*p & 0xC0) != 0x80) + (*p >= 0xF0);
		buf_printf(lens, "%s%zu", i ? " " : "", units);
	}
	if (shown < n) {
		buf_printf(b, " et %zu autres %s", n - shown, what);
		buf_printf(lens, " +%zu", n - shown);
	}
}

/* Whether name is among the n of v, the distinct names of a marker so
 * far: compared one by one for a small marker, looked up in seen for one
 * of more than 16 rows (a marker of Paris holds thousands, and their
 * names hundreds), which then records name. 0: the caller appends it. */
static int distinct_add(struct strmap *seen, const char *const *v, const size_t *n,
    const char *name, size_t rows)
{
	if (rows > 16)
		return strmap_put(seen, name, (void *)name) != NULL;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* Past this many organisations a group's name gives the first
 * GROUP_NAMES - 1 and a count: the link leads to the list, which names
 * them all. A name read aloud stays short enough to follow, and the
 * region page of a large site keeps its weight (a group of Paris held
 * 400 names, 16 KB, and the names were a third of the page). */
#define GROUP_NAMES 12

/* The accessible name of a marker: its organisations (every one up to
 * GROUP_NAMES, then a count), its communes (up to three, then a count)
 * and its number of offers. Escaped. s->noms gets the lengths of the
 * names it holds, "12 30 +4/9 11" (organisations, then communes; "+N"
 * those counted), so that a page's script that merges markers on a small
 * screen (assets/reperes.js) can read the names out of the name when the
 * page has no list to read them from (a map shown in another page, a
 * large view's first screen). */
static const char *spot_label(struct pctx *c, struct spot *s, const struct rowref *r,
    const size_t *next)
{
	const char **orgs = arena_alloc(c->a, s->n * sizeof(char *));
	const char **coms = arena_alloc(c->a, s->n * sizeof(char *));
	size_t no = 0, nc = 0;
	struct strmap seen_orgs = STRMAP_INIT, seen_coms = STRMAP_INIT;
	for (size_t k = s->card; k != (size_t)-1; k = next[k]) {
		const char *o = r[k].o->org->nom, *cm = r[k].l->commune ? r[k].l->commune->nom : "";
		if (!distinct_add(&seen_orgs, orgs, &no, o, s->n))
			orgs[no++] = o;
		if (*cm && !distinct_add(&seen_coms, coms, &nc, cm, s->n))
			coms[nc++] = cm;
	}
	strmap_free(&seen_orgs);
	strmap_free(&seen_coms);
	struct buf *b = c->tmp, lens = BUF_INIT;
	buf_reset(b);
	names(b, &lens, orgs, no, GROUP_NAMES, "organismes");
	if (nc)
		buf_puts(b, ", ");
	buf_putc(&lens, '/');
	names(b, &lens, coms, nc, 3, "communes");
	buf_printf(b, " : %zu offre%s", s->n, s->n > 1 ? "s" : "");
	s->noms = arena_strndup(c->a, lens.data, lens.len);
	buf_release(&lens);
	return arena_strndup(c->a, b->data, b->len);
}

/* Whether a row's lieu is in one of the départements deps (NULL: all). */
static int row_in(const struct rowref *r, const char *const *deps)
{
	for (size_t i = 0; deps && i < 4; i++)
		if (strcmp(r->l->dep, deps[i]) == 0)
			return 1;
	return !deps;
}

/* Groups rows into markers (see GROUP_PX and spread_apart: no two are
 * drawn over each other); next[] chains each marker's rows
 * in row order. Returns the markers, *ns of them, each at the mean of its
 * distinct points. Only the rows in deps count (NULL: every row; else four
 * département codes, the zoom's). */
static struct spot *spots(struct pctx *c, const struct proj *pr, const struct rowref *r,
    size_t n, size_t *ns, size_t *next, const char *const *deps)
{
	struct arena *a = c->a;
	struct points p = { arena_alloc(a, (n + 1) * sizeof(double)), arena_alloc(a, (n + 1) * sizeof(double)),
		arena_alloc(a, (n + 1) * sizeof(size_t)), arena_alloc(a, (n + 1) * sizeof(size_t)), 0 };
	size_t *pt = arena_alloc(a, (n + 1) * sizeof(*pt));
	struct strmap at = STRMAP_INIT;
	struct grid cells = { NULL, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		double x, y;
		if (!row_in(&r[i], deps)) {
			pt[i] = (size_t)-1;
			continue;
		}
		if (i && r[i].l == r[i - 1].l && pt[i - 1] != (size_t)-1) {
			pt[i] = pt[i - 1];	/* the same lieu: its offers come together */
			continue;
		}
		svgmap_xy(pr, r[i].l->lon, r[i].l->lat, &x, &y);
		const char *key = html_fmt(c, "%.1f:%.1f", x, y);
		size_t *known = strmap_get(&at, key);
		if (known) {
			pt[i] = *known;
			continue;
		}
		known = arena_alloc(a, sizeof(*known));
		*known = pt[i] = p.n;
		strmap_put(&at, key, known);
		p.x[p.n] = x;
		p.y[p.n] = y;
		p.up[p.n] = p.n;
		join_near(c, &p, &cells, p.n);
		p.n++;
	}
	strmap_free(&at);
	free(cells.v);
	/* The groups: their sums, then apart (spread_apart). */
	struct groups gr = { arena_alloc(a, (p.n + 1) * sizeof(double)), arena_alloc(a, (p.n + 1) * sizeof(double)),
		arena_alloc(a, (p.n + 1) * sizeof(size_t)), arena_alloc(a, (p.n + 1) * sizeof(size_t)),
		arena_alloc(a, (p.n + 1) * sizeof(size_t)) };
	for (size_t k = 0; k < p.n; k++) {
		gr.sx[k] = gr.sy[k] = 0;
		gr.np[k] = gr.nr[k] = gr.gen[k] = 0;
	}
	for (size_t k = 0; k < p.n; k++) {
		size_t g = uf_find(p.up, k);
		gr.sx[g] += p.x[k];
		gr.sy[g] += p.y[k];
		gr.np[g]++;
	}
	for (size_t i = 0; i < n; i++)
		if (pt[i] != (size_t)-1)
			gr.nr[uf_find(p.up, pt[i])]++;
	spread_apart(c, &p, &gr);
	/* One marker per group, in the order of its first row. */
	struct spot *v = arena_alloc(a, (n + 1) * sizeof(*v));
	size_t *of = arena_alloc(a, (p.n + 1) * sizeof(*of));
	for (size_t k = 0; k < p.n; k++)
		of[k] = (size_t)-1;
	*ns = 0;
	for (size_t i = 0; i < n; i++) {
		next[i] = (size_t)-1;
		if (pt[i] == (size_t)-1)
			continue;
		size_t g = uf_find(p.up, pt[i]);
		size_t t = type_colour_index(&c->s->vocab, r[i].o->types.n ? r[i].o->types.v[0].s : NULL);
		struct spot *s;
		if (of[g] == (size_t)-1) {
			of[g] = (*ns)++;
			s = &v[of[g]];
			*s = (struct spot){ gr.sx[g] / (double)gr.np[g], gr.sy[g] / (double)gr.np[g], 0, t, i, i, NULL, NULL };
		} else {
			s = &v[of[g]];
			next[s->last] = i;
			s->last = i;
		}
		if (s->type != t)
			s->type = (size_t)-1;
		s->n++;
	}
	for (size_t k = 0; k < *ns; k++)
		v[k].label = spot_label(c, &v[k], r, next);
	return v;
}

/* data-cards: the cards of a marker, "r3 r7-r12": a run of consecutive rows
 * (a commune's, on a large view) is written as its first and last. */
static void cards_attr(struct buf *b, const struct spot *s, const size_t *next)
{
	buf_puts(b, " data-cards=\"");
	for (size_t k = s->card; k != (size_t)-1;) {
		size_t last = k;
		while (next[last] == last + 1)
			last = next[last];
		buf_printf(b, "%sr%zu", k == s->card ? "" : " ", k);
		if (last > k)
			buf_printf(b, "-r%zu", last);
		k = next[last];
	}
	buf_putc(b, '"');
}

/* The map: idp prefixes its ids (several maps on a page); markers link to
 * their cards at href#rN, href being "" on the cartography's own page;
 * outlines replaces the base map's paths when not NULL; under, when not
 * NULL, is drawn between the outlines and the markers. noms: the markers
 * carry the lengths of their names (data-noms, spot_label), for a page
 * whose script has no cards to name merged markers from. */
/* Whether a and b hold the same codes in the same order. */
static int same_types(const struct svals *a, const struct svals *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].s != b->v[i].s && strcmp(a->v[i].s, b->v[i].s) != 0)
			return 0;
	return 1;
}

/* The legend: every colour a marker of these rows can take (that of each
 * type of their offers, or of a type the cartography selects), with the
 * names of the types it stands for; the neutral colour last, naming the
 * types beyond the palette and "type non précisé" (derive.h). */
static struct view *legend_view(struct pctx *c, const struct cartographie *ca,
    const struct rowref *rows, size_t n)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	size_t nt = s->vocab.types_offre.n;
	unsigned char *used = arena_alloc(a, nt + 1);
	memset(used, 0, nt + 1);
	/* Rows in a row often have the same types: those mark nothing new. */
	for (size_t r = 0, last = (size_t)-1; r < n; r++) {
		if (last != (size_t)-1 && same_types(&rows[r].o->types, &rows[last].o->types))
			continue;
		type_legend_mark(&s->vocab, rows[r].o, used);
		last = r;
	}
	type_legend_codes(&s->vocab, &ca->sel_types, used);
	struct view *legend = view_list(a);
	struct buf other_ = BUF_INIT, *other = &other_;
	for (size_t i = 0; i <= nt; i++) {
		if (!used[i])
			continue;
		const char *name = i < nt ? s->vocab.types_offre.v[i].libelle : "type non précisé";
		if (i < nt && type_colour_index(&s->vocab, s->vocab.types_offre.v[i].code) != TYPE_OTHER) {
			struct view *it = view_map(a);
			view_sets(a, it, "libelle", name);
			view_sets(a, it, "couleur", palette[type_colour_index(&s->vocab, s->vocab.types_offre.v[i].code)]);
			view_push(a, legend, it);
		} else
			buf_printf(other, "%s%s", other->len ? ", " : "", name);
	}
	if (other->len) {
		struct view *it = view_map(a);
		view_sets(a, it, "libelle", arena_strndup(a, other->data, other->len));
		view_sets(a, it, "couleur", palette[TYPE_OTHER]);
		view_push(a, legend, it);
	}
	buf_release(other);
	return legend;
}

static const char *svg(struct pctx *c, const struct basemap *m, const char *titre,
    const struct spot *sp, size_t ns, size_t nrows, const size_t *next, const char *idp,
    const char *href, int anchors, const char *outlines, const char *under, int noms)
{
	struct buf *b = c->tmp;
	buf_reset(b);
	buf_printf(b, "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" role=\"group\" aria-labelledby=\"%smap-title\" aria-describedby=\"%smap-desc\">\n",
	    m->pr.w, m->pr.h, idp, idp);
	buf_printf(b, "<title id=\"%smap-title\">Carte : ", idp);
	esc_html(b, titre);
	buf_printf(b, "</title>\n<desc id=\"%smap-desc\">%zu lieu%s de formation, regroupé%s en %zu repère%s ; %s</desc>\n",
	    idp, nrows, nrows > 1 ? "x" : "", nrows > 1 ? "s" : "", ns, ns > 1 ? "s" : "", *href ? "chaque repère mène au détail des offres dans la cartographie."
	    : "la liste qui suit la carte donne le détail de chaque offre.");
	buf_puts(b, outlines ? outlines : m->paths);
	if (under)
		buf_puts(b, under);
	for (size_t i = 0; i < ns; i++) {
		const struct spot *s = &sp[i];
		const char *fill = s->type == (size_t)-1 ? "#1e1e1e" : palette[s->type];
		double r = marker_r(s->n);
		const char *cls = s->n > 9 ? " groupe grand" : s->n > 1 ? " groupe" : "";
		buf_puts(b, "<a href=\"");
		esc_html(b, href);
		if (anchors)
			buf_printf(b, "#r%zu", s->card);
		buf_putc(b, '"');
		if (!*href)
			cards_attr(b, s, next);
		if (noms)
			buf_printf(b, " data-noms=\"%s\"", s->noms);
		buf_printf(b, " aria-label=\"%s\"><circle class=\"marker%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>",
		    s->label, cls, s->x, s->y, r, fill);
		if (s->n > 1)
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" class=\"marker-count\">%zu</text>",
			    s->x, s->y, s->n);
		/* The target a finger or a pointer hits: painted but unseen (so
		 * whatever the style sheet, a deck's or an older theme's), sized in
		 * CSS pixels by the theme's style sheet whatever the map's scale. */
		buf_printf(b, "<circle class=\"hit\" cx=\"%.1f\" cy=\"%.1f\" r=\"12\" fill-opacity=\"0\"/>", s->x, s->y);
		buf_puts(b, "</a>\n");
	}
	buf_puts(b, "</svg>");
	return arena_strndup(c->a, b->data, b->len);
}

/* The région's départements, each a link to its page of the cartography
 * (when it has them: par_departement), named for a screen reader; NULL
 * when there are none, so the plain outlines are drawn. */
static const char *dep_links(struct pctx *c, const struct cartographie *ca)
{
	if (!ca->par_departement || !c->map->region_d)
		return NULL;
	const struct geo *g = &c->s->geo;
	struct buf b = BUF_INIT;	/* html_fmt writes into c->tmp */
	for (size_t i = 0; i < g->n_departements && i < c->map->n_deps; i++) {
		const struct shape *d = &g->departements[i];
		buf_puts(&b, "<a class=\"dep-lien\" href=\"");
		esc_html(&b, html_link(c, html_fmt(c, "cartographies/%s/%s/", ca->id.s, d->code)));
		buf_puts(&b, "\" aria-label=\"");
		esc_html(&b, html_fmt(c, "%s (%s) : carte et offres du département", d->nom, d->code));
		buf_printf(&b, "\"><path class=\"departement\" d=\"%s\"/></a>\n", c->map->region_d[i]);
	}
	const char *out = arena_strndup(c->a, b.data, b.len);
	buf_release(&b);
	return out;
}

/* The names of a département's main communes on its map: at most
 * LABEL_MAX, the most populous first (by number of rows when the territory
 * gives no population), each beside its centre where it covers no marker
 * (at the size a marker has on a wide screen) and no other name, else left
 * out. Paris names its arrondissements. Hidden from screen readers: the
 * list names every commune. */
#define LABEL_MAX 8
#define LABEL_PX 14.0		/* font size, in units of the drawing */
#define LABEL_CLEAR 14.0	/* a marker's radius with a margin */

struct label_cand {
	const struct commune *cm;
	long score;
};

static int cmp_label(const void *pa, const void *pb)
{
	const struct label_cand *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int k = collate_fr(a->cm->nom, b->cm->nom);
	return k ? k : strcmp(a->cm->code, b->cm->code);
}

/* Whether the box (x0, y0)-(x1, y1) is clear of the markers, of the boxes
 * already placed (4 doubles each) and inside the drawing. */
static int box_clear(const double *bx, const struct spot *sp, size_t ns, const double *placed,
    size_t np, const struct proj *pr)
{
	if (bx[0] < 2 || bx[1] < 2 || bx[2] > pr->w - 2 || bx[3] > pr->h - 2)
		return 0;
	for (size_t i = 0; i < ns; i++) {
		double dx = fmax(fmax(bx[0] - sp[i].x, 0), sp[i].x - bx[2]);
		double dy = fmax(fmax(bx[1] - sp[i].y, 0), sp[i].y - bx[3]);
		if (dx * dx + dy * dy < LABEL_CLEAR * LABEL_CLEAR)
			return 0;
	}
	for (size_t i = 0; i < np; i++) {
		const double *o = placed + 4 * i;
		if (bx[0] < o[2] + 4 && o[0] < bx[2] + 4 && bx[1] < o[3] + 2 && o[1] < bx[3] + 2)
			return 0;
	}
	return 1;
}

static const char *commune_labels(struct pctx *c, const char *dep, const struct basemap *m,
    const struct spot *sp, size_t ns, const struct rowref *rows, size_t n)
{
	const struct geo *g = &c->s->geo;
	int paris = strcmp(dep, "75") == 0;
	size_t arr = 0;
	for (size_t i = 0; paris && i < g->n_communes; i++)
		arr += g->communes[i].arrondissement;
	struct label_cand *v = arena_alloc(c->a, (g->n_communes + 1) * sizeof(*v));
	size_t nv = 0;
	int by_population = 0;
	for (size_t i = 0; i < g->n_communes; i++) {
		const struct commune *cm = &g->communes[i];
		if (strcmp(cm->dep, dep) != 0 || (paris && arr && !cm->arrondissement) || (!arr && cm->arrondissement))
			continue;
		v[nv++] = (struct label_cand){ cm, cm->population > 0 ? cm->population : 0 };
		by_population |= cm->population > 0;
	}
	if (!by_population)
		for (size_t k = 0; k < nv; k++)
			for (size_t i = 0; i < n; i++)
				v[k].score += rows[i].l->commune == v[k].cm;
	qsort(v, nv, sizeof(*v), cmp_label);
	double placed[4 * LABEL_MAX];
	size_t np = 0;
	struct buf b = BUF_INIT;	/* html_fmt writes into c->tmp */
	buf_puts(&b, "<g class=\"communes-noms\" aria-hidden=\"true\">\n");
	for (size_t k = 0; k < nv && np < LABEL_MAX && v[k].score > 0; k++) {
		/* "Paris 18e Arrondissement" is "Paris 18e" on its map. */
		const char *nom = v[k].cm->nom, *tail = " Arrondissement";
		size_t len = strlen(nom), tl = strlen(tail);
		if (v[k].cm->arrondissement && len > tl && strcmp(nom + len - tl, tail) == 0)
			nom = arena_strndup(c->a, nom, len - tl);
		double x, y, w = 0.56 * LABEL_PX * (double)utf8_len(nom), h = LABEL_PX;
		svgmap_xy(&m->pr, v[k].cm->lon, v[k].cm->lat, &x, &y);
		/* Above, below, right, then left of the centre. */
		const double at[4][4] = { { x - w / 2, y - 6 - h, x + w / 2, y - 6 }, { x - w / 2, y + 6, x + w / 2, y + 6 + h },
			{ x + 8, y - h / 2, x + 8 + w, y + h / 2 }, { x - 8 - w, y - h / 2, x - 8, y + h / 2 } };
		for (size_t p = 0; p < 4; p++)
			if (box_clear(at[p], sp, ns, placed, np, &m->pr)) {
				memcpy(placed + 4 * np++, at[p], sizeof(at[p]));
				buf_printf(&b, "<text class=\"commune-nom\" x=\"%.1f\" y=\"%.1f\">", at[p][0], at[p][3] - 3);
				esc_html(&b, nom);
				buf_puts(&b, "</text>\n");
				break;
			}
	}
	buf_puts(&b, "</g>\n");
	const char *out = np ? arena_strndup(c->a, b.data, b.len) : NULL;
	buf_release(&b);
	return out;
}

/* The recruitment state's wording and whether it is open (derive.h). */
static const char *recruit(const struct offre *o, long *places, int *open)
{
	int e = offre_recrutement(o, places);
	*open = e == ETAT_OUVERT;
	return e < 0 ? NULL : etat_inscriptions((enum etat)e, 1);
}

static const char *const facet_names[] = { "departement", "parcours", "types", "niveaux",
	"public", "financement", "cout", "garde_enfants", "horaires", "etat_recrutement" };
/* Space-separated codes of an offer for facet f (of facet_names): what the
 * page's script filters on (data-* attributes), and what the facet counts
 * count. */
static const char *facet_codes(struct pctx *c, const struct rowref *r, size_t f, int open)
{
	const struct offre *o = r->o;
	struct buf *b = c->tmp;
	buf_reset(b);
	switch (f) {
	case 0:	/* departement */
		buf_puts(b, r->l->dep);
		break;
	case 1:	/* parcours */
		if (o->parcours.s)
			buf_puts(b, o->parcours.s);
		break;
	case 2:	/* types */
	case 4: {	/* public */
		const struct svals *v = f == 2 ? &o->types : &o->publics;
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				buf_putc(b, ' ');
			buf_puts(b, v->v[i].s);
		}
		break;
	}
	case 3:	/* niveaux: every level of the scale between the entry's min and max */
		for (size_t i = 0; o->echelle.s && i < c->s->vocab.n_echelles; i++) {
			const struct scale *sc = &c->s->vocab.echelles[i];
			if (strcmp(sc->id, o->echelle.s))
				continue;
			int lo = 0, hi = 1 << 30;
			for (size_t k = 0; k < sc->n; k++) {
				if (o->entree_min.s && !strcmp(sc->v[k].code, o->entree_min.s))
					lo = sc->v[k].rang;
				if (o->entree_max.s && !strcmp(sc->v[k].code, o->entree_max.s))
					hi = sc->v[k].rang;
			}
			if (!o->entree_max.s)
				hi = lo ? lo : hi;
			for (size_t k = 0; k < sc->n; k++)
				if (sc->v[k].rang >= lo && sc->v[k].rang <= hi)
					buf_printf(b, "%s%s", b->len ? " " : "", sc->v[k].code);
		}
		break;
	case 5:	/* financement */
		if (o->conventionne == TRI_TRUE)
			buf_puts(b, "finance ");
		if (o->cpf == TRI_TRUE)
			buf_puts(b, "cpf");
		break;
	case 6:	/* cout */
		if (o->gratuit == TRI_TRUE)
			buf_puts(b, "gratuit");
		break;
	case 7:	/* garde_enfants */
		if (o->garde_enfants == TRI_TRUE)
			buf_puts(b, "garde");
		break;
	case 8:	/* horaires */
		if (o->heures)
			buf_printf(b, "%s%s%s", hours_has_morning(o->heures) ? "matin " : "",
			    hours_has_evening(o->heures) ? "soir " : "", hours_has_saturday(o->heures) ? "samedi" : "");
		break;
	case 9:	/* etat_recrutement */
		if (open)
			buf_puts(b, "ouvert");
		break;
	}
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	return arena_strndup(c->a, b->data, b->len);
}

#define FACET_RECRUTEMENT 9	/* the only facet facet_codes reads open for */

static void facet_attrs(struct pctx *c, struct view *v, const struct rowref *r, int open)
{
	struct view *attrs = view_list(c->a);
	for (size_t i = 0; i < 10; i++) {
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "nom", facet_names[i]);
		view_sets(c->a, it, "valeurs", facet_codes(c, r, i, open));
		view_push(c->a, attrs, it);
	}
	view_set(c->a, v, "filtres", attrs);
}

static struct view *card(struct pctx *c, const struct rowref *r, size_t idx)
{
	struct arena *a = c->a;
	const struct offre *o = r->o;
	struct view *v = view_map(a), *types = view_list(a);
	view_sets(a, v, "ancre", html_fmt(c, "r%zu", idx));
	view_sets(a, v, "intitule", o->intitule);
	view_sets(a, v, "organisme", o->org->nom);
	const char *page = html_path(c, path_org_page(c->tmp, o->org));
	view_sets(a, v, "url", html_link(c, page));
	view_sets(a, v, "offre_url", html_fmt(c, "%s%sindex.html#offre-%s", c->root, page, o->id.s));
	view_sets(a, v, "pdf_url", html_fmt(c, "%s%s", c->root, html_path(c, path_org_pdf(c->tmp, o->org))));
	view_sets(a, v, "lieu", r->l->denomination);
	view_sets(a, v, "adresse", r->l->n_lignes ? r->l->lignes[0] : NULL);
	const char *cp = r->l->code_postal.s, *cn = r->l->commune ? r->l->commune->nom : r->l->commune_nom.s;
	if (cn)
		view_sets(a, v, "commune_cp", html_fmt(c, "%s%s%s", cp ? cp : "", cp ? " " : "", cn));
	view_sets(a, v, "geo", html_fmt(c, "%.5f %.5f", r->l->lat, r->l->lon));
	for (size_t i = 0; i < o->types.n; i++) {
		struct view *t = view_map(a);
		view_sets(a, t, "libelle", vocab_label(&c->s->vocab.types_offre, o->types.v[i].s));
		view_sets(a, t, "couleur", palette[type_colour_index(&c->s->vocab, o->types.v[i].s)]);
		view_push(a, types, t);
	}
	view_set(a, v, "types", types);
	const char *mn = o->entree_min.s, *mx = o->entree_max.s;
	if (mn || mx || o->vise.s)
		view_sets(a, v, "niveaux", html_fmt(c, "%s%s%s%s%s", mn ? mn : mx ? mx : "",
		    mn && mx && strcmp(mn, mx) ? " → " : "", mn && mx && strcmp(mn, mx) ? mx : "",
		    o->vise.s ? " ; visé : " : "", o->vise.s ? o->vise.s : ""));
	struct buf *b = c->tmp;
	buf_reset(b);
	for (size_t i = 0; i < o->publics.n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", vocab_label(&c->s->vocab.publics, o->publics.v[i].s));
	view_sets(a, v, "public", b->len ? arena_strndup(a, b->data, b->len) : NULL);
	char prix[MONTANT_SIZE], fr[256];
	view_sets(a, v, "cout", o->gratuit == TRI_TRUE ? "Gratuit"
	    : o->has_montant ? html_fmt(c, "%s", montant_fr(o->montant, prix)) : NULL);
	if (o->heures) {
		hours_french(o->heures, fr, sizeof(fr));
		view_sets(a, v, "horaires", html_fmt(c, "%s", fr));
	}
	if (o->garde_enfants == TRI_TRUE)
		view_sets(a, v, "garde", "Garde d'enfants");
	long places;
	int open;
	const char *state = recruit(o, &places, &open);
	view_sets(a, v, "recrutement", state);
	view_sets(a, v, "etat_classe", !state ? NULL : open ? "ouvert" : "ferme");
	if (places >= 0)
		view_sets(a, v, "places", html_fmt(c, "%ld place%s", places, places > 1 ? "s" : ""));
	const struct contact *ct = offre_contact(o);
	view_sets(a, v, "telephone", ct ? ct->telephone : NULL);
	facet_attrs(c, v, r, open);
	return v;
}

/* Départements → communes → cards, from the sorted rows; each commune links
 * to its page (of cartography ca) unless the page is the commune's. */
static struct view *grouped(struct pctx *c, const struct cartographie *ca, const struct rowref *r, size_t n,
    int links)
{
	struct arena *a = c->a;
	struct view *deps = view_list(a), *dep = NULL, *communes = NULL, *commune = NULL, *cards = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *cn = r[i].l->commune ? r[i].l->commune->nom : "";
		if (!dep || strcmp(r[i].l->dep, r[i - 1].l->dep) != 0) {
			dep = view_map(a);
			communes = view_list(a);
			view_sets(a, dep, "nom", html_fmt(c, "%s (%s)", geo_dep_name(&c->s->geo, r[i].l->dep), r[i].l->dep));
			view_sets(a, dep, "code", r[i].l->dep);
			view_set(a, dep, "communes", communes);
			view_push(a, deps, dep);
			commune = NULL;
		}
		if (!commune || strcmp(cn, r[i - 1].l->commune ? r[i - 1].l->commune->nom : "") != 0) {
			commune = view_map(a);
			cards = view_list(a);
			view_sets(a, commune, "nom", cn);
			view_sets(a, commune, "code", r[i].l->commune ? r[i].l->commune->code : "");
			if (links && r[i].l->commune)
				view_sets(a, commune, "commune_url", html_link(c, html_fmt(c, "%scommunes/%s/",
				    html_path(c, path_carto_page(c->tmp, ca, NULL)), r[i].l->commune->code)));
			view_set(a, commune, "offres", cards);
			view_push(a, communes, commune);
		}
		view_push(a, cards, card(c, &r[i], i));
	}
	return deps;
}

static const char *const facet_titles[] = { "Département", "Parcours", "Type d'offre",
	"Niveau à l'entrée", "Public", "Financement", "Coût", "Garde d'enfants", "Horaires",
	"Recrutement" };

/* A facet's possible values, in display order, with their labels. */
static size_t facet_candidates(struct pctx *c, size_t f, const char **codes, const char **labels, size_t max)
{
	const struct site *s = c->s;
	size_t n = 0;
	static const char *const fixed[][2] = { { "finance", "Formation financée" }, { "cpf", "Éligible au CPF" },
		{ "gratuit", "Gratuit" }, { "garde", "Garde d'enfants proposée" },
		{ "matin", "Le matin en semaine" }, { "soir", "En soirée (après 18 h)" }, { "samedi", "Le samedi" },
		{ "ouvert", "Inscriptions ouvertes" } };
	static const size_t fixed_from[] = { 0, 0, 0, 0, 0, 0, 2, 3, 4, 7 }, fixed_to[] = { 0, 0, 0, 0, 0, 2, 3, 4, 7, 8 };
	if (f == 0)
		for (size_t i = 0; i < s->geo.n_departements && n < max; i++, n++) {
			codes[n] = s->geo.departements[i].code;
			labels[n] = html_fmt(c, "%s (%s)", s->geo.departements[i].nom, codes[n]);
		}
	else if (f == 1 || f == 2 || f == 4) {
		const struct vocab_list *l = f == 1 ? &s->vocab.parcours : f == 2 ? &s->vocab.types_offre : &s->vocab.publics;
		for (size_t i = 0; i < l->n && n < max; i++, n++) {
			codes[n] = l->v[i].code;
			labels[n] = l->v[i].libelle;
		}
	} else if (f == 3)
		for (size_t e = 0; e < s->vocab.n_echelles; e++)
			for (size_t i = 0; i < s->vocab.echelles[e].n && n < max; i++, n++)
				codes[n] = labels[n] = s->vocab.echelles[e].v[i].code;
	else
		for (size_t i = fixed_from[f]; i < fixed_to[f] && n < max; i++, n++) {
			codes[n] = fixed[i][0];
			labels[n] = fixed[i][1];
		}
	return n;
}

/* The facets the cartography asks for, with the values its offers have. */
static struct view *facets(struct pctx *c, const struct cartographie *ca, const struct rowref *rows, size_t nr)
{
	struct arena *a = c->a;
	struct view *list = view_list(a);
	size_t nk = ca->facettes.n, *fk = arena_alloc(a, (nk + 1) * sizeof(*fk));
	struct strmap *seen = arena_alloc(a, (nk + 1) * sizeof(*seen));
	int any_open = 0;
	for (size_t k = 0; k < nk; k++) {
		for (fk[k] = 0; fk[k] < 10 && strcmp(facet_names[fk[k]], ca->facettes.v[k].s); fk[k]++)
			;
		seen[k] = (struct strmap)STRMAP_INIT;
		any_open |= fk[k] == FACET_RECRUTEMENT;
	}
	/* Which values occur among the rows, and how often: the counts of the
	 * first screen, before any choice. Every facet of a row at once, so
	 * that its offer is read from memory once, not once a facet. */
	for (size_t i = 0; i < nr; i++) {
		long places;	/* only the recruitment's facet reads the state */
		int open = any_open && offre_recrutement(rows[i].o, &places) == ETAT_OUVERT;
		for (size_t k = 0; k < nk; k++) {
			if (fk[k] == 10)
				continue;
			char *vals = (char *)facet_codes(c, &rows[i], fk[k], open), *save = NULL;
			for (char *tok = strtok_r(vals, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
				size_t *n = strmap_get(&seen[k], tok);
				if (!n) {
					n = arena_alloc(a, sizeof(*n));
					*n = 0;
					strmap_put(&seen[k], tok, n);
				}
				++*n;
			}
		}
	}
	for (size_t k = 0; k < nk; k++) {
		size_t f = fk[k];
		if (f == 10)
			continue;
		const char *codes[64], *labels[64];
		size_t n = facet_candidates(c, f, codes, labels, 64);
		struct view *fv = view_map(a), *vals = view_list(a);
		view_sets(a, fv, "nom", facet_names[f]);
		view_sets(a, fv, "titre", facet_titles[f]);
		for (size_t i = 0; i < n; i++) {
			const size_t *cnt = strmap_get(&seen[k], codes[i]);
			if (!cnt)
				continue;
			struct view *it = view_map(a);
			view_setn(a, it, "nb", (double)*cnt);
			view_sets(a, it, "code", codes[i]);
			view_sets(a, it, "libelle", labels[i]);
			buf_reset(c->tmp);
			buf_printf(c->tmp, "f-%s-", facet_names[f]);
			esc_id(c->tmp, codes[i]);
			view_sets(a, it, "id", arena_strndup(a, c->tmp->data, c->tmp->len));
			view_push(a, vals, it);
		}
		view_set(a, fv, "valeurs", vals);
		if (vals->n)
			view_push(a, list, fv);
	}
	for (size_t k = 0; k < nk; k++)
		strmap_free(&seen[k]);
	return list;
}

/* A large view lists départements and communes with their counts, linking to
 * the département pages, and its rows go to a data script for the facets. */
static struct view *summary(struct pctx *c, const struct cartographie *ca, const struct rowref *r, size_t n)
{
	struct arena *a = c->a;
	struct view *deps = view_list(a), *communes = NULL, *commune = NULL;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		int newdep = i == 0 || strcmp(r[i].l->dep, r[i - 1].l->dep) != 0;
		if (newdep) {
			struct view *dep = view_map(a);
			communes = view_list(a);
			view_sets(a, dep, "nom", html_fmt(c, "%s (%s)", geo_dep_name(&c->s->geo, r[i].l->dep), r[i].l->dep));
			view_sets(a, dep, "code", r[i].l->dep);
			view_sets(a, dep, "url", ca->par_departement ?
			    html_link(c, html_path(c, path_carto_page(c->tmp, ca, r[i].l->dep))) : NULL);
			view_set(a, dep, "communes", communes);
			view_push(a, deps, dep);
		}
		if (newdep || r[i].l->commune != r[i - 1].l->commune) {
			commune = view_map(a);
			count = 0;
			view_sets(a, commune, "nom", r[i].l->commune ? r[i].l->commune->nom : "");
			view_sets(a, commune, "url", html_fmt(c, "%s%scommunes/%s/index.html", c->root,
			    html_path(c, path_carto_page(c->tmp, ca, NULL)), r[i].l->commune ? r[i].l->commune->code : ""));
			view_push(a, communes, commune);
		}
		view_setn(a, commune, "nb", (double)++count);
	}
	return deps;
}

/* ---- the data of large views, in pieces (issue 17) ----
 *
 * A view of more than CARTO_LIST_MAX rows lists communes, and its facets
 * filter rows that the page's script loads as the person narrows the view:
 * one piece a département, cartographies/<id>/donnees/<dep>.js, shared by the
 * cartography's page and the département's, loaded by a script element (so
 * it works offline and from file://). Its rows are the département's in the
 * one order, by columns (what compresses best), with what the facets count
 * and the distance needs:
 *   CARTO_PIECE("93", {"c": [commune name, …],
 *     "lat": [Δ latitude, …], "lon": [Δ longitude, …], "lc": [commune, …],
 *     "lieu": [Δ lieu, …], "org": [Δ organisation, …],
 *     "f": {"types": [mask, …], …}})
 * and what a list shows of them comes in runs of CARTO_BLOC rows, loaded for
 * the rows shown only, cartographies/<id>/donnees/<dep>-<k>.js:
 *   CARTO_BLOC("93", k, {"oi": [organisation, …], "o": [its name, …],
 *     "oid": [its id, …], "t": [offer title, …], "titre": [title, …],
 *     "offre": [offer id, …]})
 * The lieux's coordinates are in 1e-5 degrees (the open data's precision),
 * each the difference from the lieu before; a row's lieu and organisation
 * are numbers in the order they first come in the département (as the
 * difference from the row before), a run names the organisations of its
 * rows by those numbers, and its titles index its own list. A facet's mask
 * has bit k set when the
 * row has the facet's k-th value of the cartography's dictionary (written in
 * the page by view_pieces): codes, never labels; a facet of more than
 * MASK_BITS values gives the list of its value numbers instead. The counts
 * of the first screen are written in the page, so it needs no row. */
#define MASK_BITS 52	/* what a JavaScript number holds exactly */

/* The codes of facet f (1 to 9: the département is the piece's) in the
 * dictionary, the same on every page of the cartography and in its pieces. */
static size_t facet_dictionary(struct pctx *c, size_t f, const char **codes, size_t max)
{
	const char *labels[64];
	return facet_candidates(c, f, codes, labels, max < 64 ? max : 64);
}

/* The number of key in a piece's list, adding it when new (*fresh then 1). */
static size_t dict_at(struct pctx *c, struct strmap *m, const char *key, size_t *n, int *fresh)
{
	size_t *at = strmap_get(m, key);
	*fresh = !at;
	if (at)
		return *at;
	at = arena_alloc(c->a, sizeof(*at));
	*at = (*n)++;
	strmap_put(m, key, at);
	return *at;
}

/* Row i's column of facet f into b: its mask, or the list of its values. */
static void facet_cell(struct pctx *c, struct buf *b, const struct rowref *r, size_t f, const char **codes,
    size_t nc)
{
	long places;
	int open = f == FACET_RECRUTEMENT && offre_recrutement(r->o, &places) == ETAT_OUVERT;
	char *vals = (char *)facet_codes(c, r, f, open), *save = NULL;
	double mask = 0;
	int first = 1;
	if (nc > MASK_BITS)
		buf_putc(b, '[');
	for (char *tok = strtok_r(vals, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		size_t k;
		for (k = 0; k < nc && strcmp(codes[k], tok); k++)
			;
		if (k == nc)
			continue;
		if (nc <= MASK_BITS) {
			double bit = 1;
			for (size_t e = 0; e < k; e++)
				bit *= 2;
			/* A code listed twice (two scales with one level code)
			 * sets its first bit once. */
			if ((unsigned long long)(mask / bit) % 2 == 0)
				mask += bit;
		} else {
			buf_printf(b, "%s%zu", first ? "" : ",", k);
			first = 0;
		}
	}
	if (nc > MASK_BITS)
		buf_putc(b, ']');
	else
		buf_printf(b, "%.0f", mask);
}

/* The JSON of a département's piece (see above) into b. */
static void piece_json(struct pctx *c, struct buf *b, const struct rowref *rows, size_t n, const char *dep)
{
	enum { COMMUNE, LAT, LON, LIEU_COMMUNE, LIEU, ORG, N_COLS };
	struct strmap communes = STRMAP_INIT, lieux = STRMAP_INIT, orgs = STRMAP_INIT;
	struct buf cols[N_COLS];
	size_t nc = 0, nl = 0, no = 0, last_lieu = 0, last_org = 0;
	long last_lat = 0, last_lon = 0;
	for (size_t k = 0; k < N_COLS; k++)
		cols[k] = (struct buf)BUF_INIT;
	int fresh;
	for (size_t i = 0; i < n; i++) {
		const struct lieu *l = rows[i].l;
		const struct commune *cm = l->commune;
		size_t ci = dict_at(c, &communes, cm ? cm->code : "", &nc, &fresh);
		if (fresh) {
			if (ci)
				buf_putc(&cols[COMMUNE], ',');
			esc_json(&cols[COMMUNE], cm ? cm->nom : "");
		}
		size_t li = dict_at(c, &lieux, html_fmt(c, "%p", (const void *)l), &nl, &fresh);
		if (fresh) {
			long lat = lround(l->lat * 1e5), lon = lround(l->lon * 1e5);
			const char *sep = li ? "," : "";
			buf_printf(&cols[LAT], "%s%ld", sep, lat - last_lat);
			buf_printf(&cols[LON], "%s%ld", sep, lon - last_lon);
			buf_printf(&cols[LIEU_COMMUNE], "%s%zu", sep, ci);
			last_lat = lat;
			last_lon = lon;
		}
		size_t oi = dict_at(c, &orgs, rows[i].o->org->id.s, &no, &fresh);
		const char *sep = i ? "," : "";
		buf_printf(&cols[LIEU], "%s%ld", sep, (long)li - (long)last_lieu);
		buf_printf(&cols[ORG], "%s%ld", sep, (long)oi - (long)last_org);
		last_lieu = li;
		last_org = oi;
	}
	strmap_free(&communes);
	strmap_free(&lieux);
	strmap_free(&orgs);
	buf_puts(b, "CARTO_PIECE(");
	esc_json(b, dep);
	static const char *const keys[] = { "c", "lat", "lon", "lc", "lieu", "org" };
	for (size_t k = 0; k < N_COLS; k++) {
		buf_printf(b, "%s\"%s\": [", k ? "],\n" : ", {", keys[k]);
		buf_add(b, cols[k].data, cols[k].len);
		buf_release(&cols[k]);
	}
	buf_puts(b, "],\n\"f\": {");
	for (size_t f = 1; f < 10; f++) {
		const char *codes[64];
		size_t nv = facet_dictionary(c, f, codes, 64);
		buf_printf(b, "%s\"%s\": [", f > 1 ? ",\n" : "", facet_names[f]);
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_putc(b, ',');
			facet_cell(c, b, &rows[i], f, codes, nv);
		}
		buf_putc(b, ']');
	}
	buf_puts(b, "}});\n");
}

/* The JSON of run k of a département's rows (see above) into b. */
static void bloc_json(struct pctx *c, struct buf *b, const struct rowref *rows, size_t n, const char *dep,
    size_t k)
{
	enum { ORG_NO, ORG, ORG_ID, TITLES, TITLE, OFFER, N_COLS };
	struct strmap orgs = STRMAP_INIT, named = STRMAP_INIT, titles = STRMAP_INIT;
	struct buf cols[N_COLS];
	size_t no = 0, nn = 0, nt = 0, from = k * CARTO_BLOC, to = from + CARTO_BLOC < n ? from + CARTO_BLOC : n;
	for (size_t i = 0; i < N_COLS; i++)
		cols[i] = (struct buf)BUF_INIT;
	int fresh;
	/* The organisations' numbers are those of the whole département. */
	for (size_t i = 0; i < from; i++)
		dict_at(c, &orgs, rows[i].o->org->id.s, &no, &fresh);
	for (size_t i = from; i < to; i++) {
		const struct offre *o = rows[i].o;
		size_t oi = dict_at(c, &orgs, o->org->id.s, &no, &fresh);
		size_t ni = dict_at(c, &named, o->org->id.s, &nn, &fresh);
		if (fresh) {
			const char *sep = ni ? "," : "";
			buf_printf(&cols[ORG_NO], "%s%zu", sep, oi);
			buf_puts(&cols[ORG], sep);
			esc_json(&cols[ORG], o->org->nom);
			buf_puts(&cols[ORG_ID], sep);
			esc_json(&cols[ORG_ID], o->org->id.s);
		}
		size_t ti = dict_at(c, &titles, o->intitule, &nt, &fresh);
		if (fresh) {
			if (ti)
				buf_putc(&cols[TITLES], ',');
			esc_json(&cols[TITLES], o->intitule);
		}
		const char *sep = i > from ? "," : "";
		buf_printf(&cols[TITLE], "%s%zu", sep, ti);
		buf_puts(&cols[OFFER], sep);
		esc_json(&cols[OFFER], o->id.s);
	}
	strmap_free(&orgs);
	strmap_free(&named);
	strmap_free(&titles);
	buf_puts(b, "CARTO_BLOC(");
	esc_json(b, dep);
	buf_printf(b, ", %zu", k);
	static const char *const keys[] = { "oi", "o", "oid", "t", "titre", "offre" };
	for (size_t i = 0; i < N_COLS; i++) {
		buf_printf(b, "%s\"%s\": [", i ? "],\n" : ", {", keys[i]);
		buf_add(b, cols[i].data, cols[i].len);
		buf_release(&cols[i]);
	}
	buf_puts(b, "]});\n");
}

/* The territory's communes for the field "Près de…" of every cartography
 * page (Paris's arrondissements included), cartographies/communes.js:
 *   CARTO_COMMUNES([[name, code_insee, département, "postcode postcode",
 *     latitude, longitude, population], …])
 * in the order of referentiels/geo/. It depends on the territory only, not
 * on the organisations. */
static void communes_json(struct pctx *c, struct buf *b)
{
	const struct geo *g = &c->s->geo;
	buf_puts(b, "CARTO_COMMUNES([");
	for (size_t i = 0; i < g->n_communes; i++) {
		const struct commune *cm = &g->communes[i];
		buf_puts(b, i ? ",\n[" : "\n[");
		esc_json(b, cm->nom);
		buf_putc(b, ',');
		esc_json(b, cm->code);
		buf_putc(b, ',');
		esc_json(b, cm->dep);
		buf_puts(b, ",\"");
		for (size_t k = 0, any = 0; k < cm->n_postaux; k++)
			if (strspn(cm->postaux[k], "0123456789") == strlen(cm->postaux[k]))
				buf_printf(b, "%s%s", any++ ? " " : "", cm->postaux[k]);
		buf_printf(b, "\",%.5f,%.5f,%ld]", cm->lat, cm->lon, cm->population);
	}
	buf_puts(b, "]);\n");
}

/* The piece of département dep of a cartography, or one of its runs of
 * rows; with ca NULL, the territory's communes. */
struct view *html_carto_data(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char **path)
{
	if (!ca) {
		struct buf b = BUF_INIT;
		c->root = "";
		*path = PATH_CARTO_COMMUNES;
		communes_json(c, &b);
		struct view *v = view_map(c->a);
		view_sets(c->a, v, "json", arena_strndup(c->a, b.data, b.len));
		buf_release(&b);
		return v;
	}
	/* dep: "93" for the piece, "93-2" for its third run of rows. */
	size_t n, len = strcspn(dep, "-");
	const char *code = arena_strndup(c->a, dep, len);
	const struct rowref *rows = index_rows(c->s, ca, code, &n);
	struct buf b = BUF_INIT;
	c->root = "";
	*path = html_fmt(c, "%sdonnees/%s.js", html_path(c, path_carto_page(c->tmp, ca, NULL)), dep);
	if (dep[len])
		bloc_json(c, &b, rows, n, code, strtoul(dep + len + 1, NULL, 10));
	else
		piece_json(c, &b, rows, n, code);
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "json", arena_strndup(c->a, b.data, b.len));
	buf_release(&b);
	return v;
}

/* What the script of a large view needs to load its pieces, as JSON for the
 * page: {"bloc": CARTO_BLOC, "dir": the pieces' folder, "valeurs": {facet: [code, …], …} (the
 * dictionary of the masks), "deps": [[code, number of the first row in the
 * view, rows, south, west, north, east], …]}, the box of each piece's lieux
 * telling which pieces a radius reaches. */
static const char *view_pieces(struct pctx *c, const struct cartographie *ca, const struct rowref *r,
    size_t n)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "{\"bloc\": %d, \"dir\": ", CARTO_BLOC);
	esc_json(&b, html_fmt(c, "%s%sdonnees/", c->root, html_path(c, path_carto_page(c->tmp, ca, NULL))));
	buf_puts(&b, ",\n\"valeurs\": {");
	for (size_t f = 1; f < 10; f++) {
		const char *codes[64];
		size_t nc = facet_dictionary(c, f, codes, 64);
		buf_printf(&b, "%s\"%s\": [", f > 1 ? ",\n" : "", facet_names[f]);
		for (size_t i = 0; i < nc; i++) {
			if (i)
				buf_putc(&b, ',');
			esc_json(&b, codes[i]);
		}
		buf_putc(&b, ']');
	}
	buf_puts(&b, "},\n\"deps\": [");
	for (size_t i = 0, start = 0; i < n; start = i) {
		double s = 90, w = 180, no = -90, e = -180;
		for (; i < n && !strcmp(r[i].l->dep, r[start].l->dep); i++) {
			s = r[i].l->lat < s ? r[i].l->lat : s;
			no = r[i].l->lat > no ? r[i].l->lat : no;
			w = r[i].l->lon < w ? r[i].l->lon : w;
			e = r[i].l->lon > e ? r[i].l->lon : e;
		}
		buf_puts(&b, start ? ",\n[" : "\n[");
		esc_json(&b, r[start].l->dep);
		buf_printf(&b, ",%zu,%zu,%.4f,%.4f,%.4f,%.4f]", start, i - start, s, w, no, e);
	}
	buf_puts(&b, "]}");
	const char *json = arena_strndup(c->a, b.data, b.len);
	buf_release(&b);
	return json;
}

/* The offers of the other communes nearest commune com's centre (the
 * territory's geodata), at most NEAR_KM away and NEAR_MAX of them, nearest
 * first: great-circle distance (geo_km, haversine) to the lieu, then the one
 * order. A commune's page shows them after its own offers: "Près de…"
 * without JavaScript. */
#define NEAR_KM 10.0
#define NEAR_MAX 30

struct near {
	const struct rowref *r;
	double km;
	size_t at;
};

static int cmp_near(const void *pa, const void *pb)
{
	const struct near *a = pa, *b = pb;
	return a->km < b->km ? -1 : a->km > b->km ? 1 : a->at < b->at ? -1 : a->at > b->at;
}

/* Whether a point of commune in may be listed near commune com: of
 * another commune, in the box around com's centre that holds every point
 * within NEAR_KM (a degree of latitude is 111 km, of longitude 73 km at
 * 49° N). nearby() lists those within NEAR_KM (haversine), the NEAR_MAX
 * nearest, and the cache's key of com's page reads those (html_carto_key). */
static int near_box_at(double lat, double lon, const struct commune *in, const struct commune *com)
{
	return in != com && !(fabs(lat - com->lat) > NEAR_KM / 100) && !(fabs(lon - com->lon) > NEAR_KM / 60);
}

/* The same for lieu l. */
static int near_box(const struct lieu *l, const struct commune *com)
{
	return near_box_at(l->lat, l->lon, l->commune, com);
}

/* Adds row i of the cartography's rows r to v, at *nn, when nearby() may
 * list it for com: in its box and within NEAR_KM. */
static void near_add(struct near *v, size_t *nn, const struct rowref *r, size_t i,
    const struct commune *com)
{
	const struct lieu *l = r[i].l;
	if (!near_box(l, com))
		return;
	double km = geo_km(com->lat, com->lon, l->lat, l->lon);
	if (km <= NEAR_KM)
		v[(*nn)++] = (struct near){ &r[i], km, i };
}

static struct view *nearby(struct pctx *c, const struct cartographie *ca, const struct commune *com)
{
	struct arena *a = c->a;
	size_t n, nn = 0;
	const struct rowref *r = index_rows(c->s, ca, NULL, &n);
	struct near *v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		near_add(v, &nn, r, i, com);
	xqsort(v, nn, sizeof(*v), cmp_near);
	struct view *list = view_list(a);
	for (size_t i = 0; i < nn && i < NEAR_MAX; i++) {
		const struct offre *o = v[i].r->o;
		struct view *it = view_map(a);
		char km[32];
		snprintf(km, sizeof(km), "%.1f", v[i].km);
		*strchr(km, '.') = ',';
		view_sets(a, it, "distance", html_fmt(c, "%s km", km));
		view_sets(a, it, "intitule", o->intitule);
		view_sets(a, it, "offre_url", html_fmt(c, "%s%sindex.html#offre-%s", c->root,
		    html_path(c, path_org_page(c->tmp, o->org)), o->id.s));
		view_sets(a, it, "organisme", o->org->nom);
		view_sets(a, it, "commune", v[i].r->l->commune ? v[i].r->l->commune->nom : "");
		view_push(a, list, it);
	}
	return list;
}

/* ---- the build cache's keys ---- */

/* A cell of the grid of "Près de…": NEAR_KM / 100 degrees of latitude by
 * NEAR_KM / 60 of longitude, the box nearby() keeps, so that every row
 * nearby() can list for a commune lies in the commune centre's cell or one
 * of its eight neighbours. A row it lists is within NEAR_KM, which is well
 * inside the box (0.09° of latitude, 0.14° of longitude at 49° N), so no
 * rounding at a cell's edge can put it two cells away. */
static void near_cell(double lat, double lon, long *cy, long *cx)
{
	if (!(fabs(lat) <= 90) || !(fabs(lon) <= 180))	/* NaN too: no cast of it */
		lat = lon = 0;
	*cy = (long)floor(lat / (NEAR_KM / 100));
	*cx = (long)floor(lon / (NEAR_KM / 60));
}

/* The rows of a cell of the grid, by their number in the cartography's. */
struct cell {
	size_t *v;
	size_t n, cap;
	struct spot_at {	/* row v[i]'s lieu, side by side for key_near */
		double lat, lon;
		const struct commune *com;
	} *at;
};

struct carto_keys {
	const struct rowref *r;	/* the cartography's rows */
	size_t n;
	struct digest *rd;	/* each one's (row_digest), once */
	struct digest *oid;	/* each one's organisation's id (key_org_ids) */
	struct digest *pd;	/* what put_printed reads of each, hashed
				 * (or taken from the note: printed_open) */
	size_t pd_kept;		/* rows whose pd the note gave */
	uint32_t *lieu_at;	/* each one's lieu's place in its organisation's
				 * (NO_PLACE: not found there) */
	struct grid cells;	/* (cx, cy) -> struct cell */
	struct arena a;
	/* For the cartography's page of a large view (html_carto_page_key):
	 * what it prints of the rows but their organisations' names, the
	 * rows' places (what its markers are grouped by), and each row's
	 * organisation's name as a number (the same name, the same number). */
	struct digest prints, places;
	uint32_t *name;
	size_t n_names;
	/* The rows each commune's page lists as near (key_near), kept from
	 * one build to the next in a note (html-near/<page>) keyed on the
	 * rows' places (near_places): what the lists are a function of. */
	struct digest near_key;
	struct strmap near;	/* commune code -> struct near_list, the note's */
	struct fs_view near_note;	/* the note's bytes (near holds into them) */
	struct buf near_new;	/* the lists found this build (near_record) */
	struct strmap near_seen;	/* their communes' codes */
	atomic_size_t near_hits;	/* lists read from the note */
	pthread_mutex_t near_lock;
	char *near_name;	/* the note's name */
};

#define NO_PLACE UINT32_MAX

struct near_list {
	const char *rows;	/* n row numbers, native 32-bit words */
	uint32_t n;
};

/* Appends id s (NULL differs from "") to b, its length first: one
 * growth and two copies in place (a few hundred thousand ids a build). */
static void put_id(struct buf *b, const char *s)
{
	size_t l = s ? strlen(s) : 0;
	long long n = s ? (long long)l : -1;
	buf_grow(b, sizeof(n) + l);
	memcpy(b->data + b->len, &n, sizeof(n));
	memcpy(b->data + b->len + sizeof(n), s ? s : "", l);
	b->len += sizeof(n) + l;
	b->data[b->len] = '\0';
}

/* Row r's digest: what cache_key_rows reads of it (its organisation's
 * key, the places of its offer and lieu in the organisation: no id read),
 * hashed at once. */
static struct digest row_digest(const struct rowref *r, struct buf *b)
{
	buf_reset(b);
	cache_row_put(b, r);
	return digest_bytes(b->data, b->len);
}

/* Appends the n values of v to b, their number first. */
static void put_vals(struct buf *b, const struct svals *v)
{
	long long n = (long long)v->n;
	buf_add(b, &n, sizeof(n));
	for (size_t i = 0; i < v->n; i++)
		put_id(b, v->v[i].s);
}

/* What the cartography's page of a large view (html_carto_view, key NULL:
 * a map of markers, the communes with their counts, the facets' counts,
 * the legend, the data's boxes) reads of row r, but its organisation's
 * name (a marker's label, html_carto_page_key): the lieu's place,
 * département and commune (the territory's names are in every key), the
 * offer's types (a marker's colour, the legend), and what facet_codes
 * reads of it (the recruitment's state as offre_recrutement gives it). */
static void put_printed(struct buf *b, const struct rowref *r)
{
	const struct lieu *l = r->l;
	const struct offre *o = r->o;
	buf_add(b, &l->lat, sizeof(l->lat));
	buf_add(b, &l->lon, sizeof(l->lon));
	put_id(b, l->dep);
	put_id(b, l->commune ? l->commune->code : NULL);
	put_vals(b, &o->types);
	put_id(b, o->parcours.s);
	put_vals(b, &o->publics);
	put_id(b, o->echelle.s);
	put_id(b, o->entree_min.s);
	put_id(b, o->entree_max.s);
	/* The hours as written (what their parse, and hours_has_*, are a
	 * function of), and o->heures, NULL when they did not parse. */
	put_id(b, o->horaires.s);
	long places;
	int f[6] = { (int)o->conventionne, (int)o->cpf, (int)o->gratuit, (int)o->garde_enfants,
		o->heures != NULL, offre_recrutement(o, &places) };
	buf_add(b, f, sizeof(f));
}

/* The organisations' names as numbers (struct carto_names): a table by
 * the organisation's address, open addressing. */
struct carto_names {
	struct name_no {
		const struct organisme *g;
		uint32_t no;
	} *v;
	size_t mask, n;		/* n: distinct names */
};

static size_t name_slot(const struct carto_names *nm, const struct organisme *g)
{
	size_t h = (size_t)(((uintptr_t)g >> 4) * 0x9E3779B97F4A7C15ull);
	size_t i = h & nm->mask;
	while (nm->v[i].g && nm->v[i].g != g)
		i = (i + 1) & nm->mask;
	return i;
}

struct carto_names *html_carto_names_new(const struct site *s)
{
	struct carto_names *nm = xcalloc(1, sizeof(*nm));
	size_t cap = 16;
	while (cap < 2 * s->n_organismes)
		cap *= 2;
	nm->v = xcalloc(cap, sizeof(*nm->v));
	nm->mask = cap - 1;
	struct strmap by_name = STRMAP_INIT;	/* name -> its number + 1 */
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *g = s->organismes[i];
		/* One probe: put returns the number of a name met before. */
		uintptr_t no = (uintptr_t)strmap_put(&by_name, g->nom, (void *)(uintptr_t)(nm->n + 1));
		if (!no)
			no = ++nm->n;
		struct name_no *e = &nm->v[name_slot(nm, g)];
		*e = (struct name_no){ g, (uint32_t)(no - 1) };
	}
	strmap_free(&by_name);
	return nm;
}

void html_carto_names_free(struct carto_names *nm)
{
	if (nm)
		free(nm->v);
	free(nm);
}

static void near_open(struct carto_keys *ck, const struct cache *cache, const struct cartographie *ca);

/* The rows' printed digests kept from one build to the next (a note,
 * html-printed/<page>): what put_printed reads of a row is a function of
 * the row's digest (rd: its organisation's key, which holds the offer and
 * lieu, and their places in it) and of what every key holds (cache_key's
 * global part: carto, the territory, the vocabulary, the day), the rule of
 * every key of the rows; so a row whose digest is the one at its place in
 * the note takes the note's pd instead of reading its offer and lieu again.
 * The note: its key (the global part), the number of rows, then each row's
 * (rd, pd) in the cartography's order (a rename keeps the order: the rows
 * it moves, if any, read again). */
struct printed_note {
	struct digest key;
	const char *pairs;	/* n of them, each rd, pd and the facts, or NULL */
	size_t n, facts;	/* the facts' size (struct carto_row_facts) */
	struct fs_view bytes;
};

/* The size of a row's entry in the note. */
static size_t entry_size(const struct printed_note *pn)
{
	return 2 * sizeof(struct digest) + pn->facts;
}

static void printed_name(struct buf *name, const struct cartographie *ca)
{
	buf_puts(name, "html-printed/");
	path_carto_page(name, ca, NULL);
	buf_puts(name, "index.html");
}

static void printed_open(struct printed_note *pn, const struct cache *cache, const struct cartographie *ca,
    const struct carto_row_facts *rf)
{
	pn->facts = rf && rf->size && rf->get && rf->set ? rf->size(rf->ctx) : 0;
	struct digest_ctx *k = cache_key(cache, "html-printed", NULL);
	digest_num(k, (long long)pn->facts);
	pn->key = digest_end(k);
	pn->pairs = NULL;
	pn->n = 0;
	pn->bytes = (struct fs_view)FS_VIEW_INIT;
	struct buf name = BUF_INIT;
	printed_name(&name, ca);
	size_t len;
	uint64_t n;
	const char *b = cache_note_read(cache, name.data, (size_t)1 << 28, &pn->bytes, &len);
	buf_release(&name);
	if (!b || len < sizeof(pn->key) + sizeof(n) || memcmp(b, &pn->key, sizeof(pn->key)) != 0)
		return;
	memcpy(&n, b + sizeof(pn->key), sizeof(n));
	if ((len - sizeof(pn->key) - sizeof(n)) % entry_size(pn) != 0 ||
	    (len - sizeof(pn->key) - sizeof(n)) / entry_size(pn) != n)
		return;	/* does not hold together: none */
	pn->pairs = b + sizeof(pn->key) + sizeof(n);
	pn->n = (size_t)n;
}

/* Row i's printed digest into ck->pd[i], and the caller's facts of it
 * (rf): the note's when its row i had the same digest, else found again
 * (put_printed into b, reset here; rf->row). */
static void printed_row(struct carto_keys *ck, const struct printed_note *pn, size_t i, struct buf *b,
    const struct carto_row_facts *rf)
{
	const char *e = i < pn->n ? pn->pairs + i * entry_size(pn) : NULL;
	if (e && memcmp(e, &ck->rd[i], sizeof(struct digest)) == 0) {
		memcpy(&ck->pd[i], e + sizeof(struct digest), sizeof(struct digest));
		if (pn->facts)
			rf->set(rf->ctx, i, (const unsigned char *)e + 2 * sizeof(struct digest));
		else if (rf && rf->row)
			rf->row(rf->ctx, i);
		ck->pd_kept++;
		return;
	}
	buf_reset(b);
	put_printed(b, &ck->r[i]);
	ck->pd[i] = digest_bytes(b->data, b->len);
	if (rf && rf->row)
		rf->row(rf->ctx, i);
}

/* Writes the note again unless it gave every row's pd. */
static void printed_save(struct carto_keys *ck, struct printed_note *pn, const struct cache *cache,
    const struct cartographie *ca, const struct carto_row_facts *rf)
{
	if (!(ck->pd_kept == ck->n && pn->n == ck->n)) {
		struct buf b = BUF_INIT, name = BUF_INIT;
		uint64_t n = ck->n;
		buf_grow(&b, sizeof(pn->key) + sizeof(n) + ck->n * entry_size(pn));
		buf_add(&b, &pn->key, sizeof(pn->key));
		buf_add(&b, &n, sizeof(n));
		for (size_t i = 0; i < ck->n; i++) {
			buf_add(&b, &ck->rd[i], sizeof(ck->rd[i]));
			buf_add(&b, &ck->pd[i], sizeof(ck->pd[i]));
			if (pn->facts) {	/* in place: buf_grow made room */
				rf->get(rf->ctx, i, (unsigned char *)b.data + b.len);
				b.len += pn->facts;
				b.data[b.len] = '\0';
			}
		}
		printed_name(&name, ca);
		cache_note_write(cache, name.data, b.data, b.len);
		buf_release(&b);
		buf_release(&name);
	}
	fs_view_close(&pn->bytes);
}

struct carto_keys *html_carto_keys_new(const struct site *s, const struct cartographie *ca,
    const struct cache *cache, const struct carto_names *nm, const struct carto_row_facts *rf)
{
	struct carto_keys *ck = xcalloc(1, sizeof(*ck));
	size_t n;
	ck->r = index_rows(s, ca, NULL, &n);
	ck->n = n;
	ck->rd = xmalloc((n + 1) * sizeof(*ck->rd));
	ck->oid = xmalloc((n + 1) * sizeof(*ck->oid));
	ck->pd = xmalloc((n + 1) * sizeof(*ck->pd));
	ck->lieu_at = xmalloc((n + 1) * sizeof(*ck->lieu_at));
	ck->name = xmalloc((n + 1) * sizeof(*ck->name));
	ck->cells = (struct grid){ NULL, 0, 0 };
	ck->a = (struct arena)ARENA_INIT;
	struct buf b = BUF_INIT, pb = BUF_INIT, lb = BUF_INIT;
	struct digest_ctx *prints = digest_new(), *places = digest_new();
	struct printed_note pn;
	printed_open(&pn, cache, ca, rf);
	ck->n_names = nm->n;
	digest_num(prints, (long long)n);
	digest_num(places, (long long)n);
	for (size_t i = 0; i < n; i++) {
		/* Each row's offer and lieu are read here first, scattered in
		 * memory: they are fetched a few rows ahead. */
		if (i + 8 < n) {
			__builtin_prefetch(ck->r[i + 8].o);
			__builtin_prefetch(ck->r[i + 8].l);
		}
		ck->rd[i] = row_digest(&ck->r[i], &b);
		const struct organisme *g = ck->r[i].o->org;
		if (i && g == ck->r[i - 1].o->org) {
			ck->name[i] = ck->name[i - 1];
			ck->oid[i] = ck->oid[i - 1];
		} else {
			ck->oid[i] = digest_bytes(g->id.s, strlen(g->id.s));
			const struct name_no *e = &nm->v[name_slot(nm, g)];
			assert(e->g == g);	/* every organisation of the site is there */
			ck->name[i] = e->no;
		}
		printed_row(ck, &pn, i, &pb, rf);
		const struct lieu *l = ck->r[i].l;
		uintptr_t off = (uintptr_t)l - (uintptr_t)g->lieux;	/* no compare across arrays */
		ck->lieu_at[i] = off % sizeof(*l) == 0 && off / sizeof(*l) < g->n_lieux && g->n_lieux < NO_PLACE ?
		    (uint32_t)(off / sizeof(*l)) : NO_PLACE;
		buf_add(&lb, &ck->r[i].l->lat, sizeof(ck->r[i].l->lat));
		buf_add(&lb, &ck->r[i].l->lon, sizeof(ck->r[i].l->lon));
		put_id(&lb, ck->r[i].l->dep);
		put_id(&lb, ck->r[i].l->commune ? ck->r[i].l->commune->code : NULL);
		if (lb.len >= 65536 || i + 1 == n) {	/* bounded memory */
			digest_add(places, lb.data, lb.len);
			buf_reset(&lb);
		}
		long cy, cx;
		near_cell(ck->r[i].l->lat, ck->r[i].l->lon, &cy, &cx);
		void **slot = grid_put_at(&ck->cells, cx, cy);
		if (!*slot) {
			struct cell *cl = arena_alloc(&ck->a, sizeof(*cl));
			*cl = (struct cell){ NULL, 0, 0, NULL };
			*slot = cl;
		}
		struct cell *cl = *slot;
		cl->v = xgrow(cl->v, &cl->cap, cl->n + 1, sizeof(*cl->v));
		cl->v[cl->n++] = i;
	}
	for (size_t i = 0; i < ck->cells.cap; i++)
		if (ck->cells.v[i].val) {
			struct cell *cl = ck->cells.v[i].val;
			cl->at = xmalloc((cl->n + 1) * sizeof(*cl->at));
			for (size_t k = 0; k < cl->n; k++) {
				const struct lieu *l = ck->r[cl->v[k]].l;
				cl->at[k] = (struct spot_at){ l->lat, l->lon, l->commune };
			}
		}
	digest_add(prints, ck->pd, n * sizeof(*ck->pd));	/* each row's, in order */
	ck->prints = digest_end(prints);
	ck->places = digest_end(places);
	printed_save(ck, &pn, cache, ca, rf);
	near_open(ck, cache, ca);
	buf_release(&b);
	buf_release(&pb);
	buf_release(&lb);
	return ck;
}

void html_carto_keys_printed(const struct carto_keys *ck, size_t *kept, size_t *rows)
{
	if (!ck)
		return;
	*kept += ck->pd_kept;
	*rows += ck->n;
}

void html_carto_keys_free(struct carto_keys *ck)
{
	if (!ck)
		return;
	for (size_t i = 0; i < ck->cells.cap; i++)
		if (ck->cells.v[i].val) {
			free(((struct cell *)ck->cells.v[i].val)->v);
			free(((struct cell *)ck->cells.v[i].val)->at);
		}
	free(ck->cells.v);
	arena_free(&ck->a);
	free(ck->rd);
	free(ck->oid);
	free(ck->pd);
	free(ck->lieu_at);
	free(ck->name);
	strmap_free(&ck->near);
	strmap_free(&ck->near_seen);
	fs_view_close(&ck->near_note);
	buf_release(&ck->near_new);
	pthread_mutex_destroy(&ck->near_lock);
	free(ck->near_name);
	free(ck);
}

/* The note of the near lists (struct carto_keys): the key (the places of
 * the rows, in order: their coordinates, départements and communes, with
 * the keys' global part: carto itself, so the rule of the lists, and the
 * territory, so the communes' centres), then for each commune its code
 * (NUL-terminated), its number of rows and their numbers in the
 * cartography's rows (native 32-bit words). A note whose key differs, or
 * that does not hold together, is none: every list is found again. */
static void near_open(struct carto_keys *ck, const struct cache *cache, const struct cartographie *ca)
{
	ck->near = (struct strmap)STRMAP_INIT;
	ck->near_note = (struct fs_view)FS_VIEW_INIT;
	ck->near_new = (struct buf)BUF_INIT;
	ck->near_seen = (struct strmap)STRMAP_INIT;
	atomic_init(&ck->near_hits, 0);
	pthread_mutex_init(&ck->near_lock, NULL);
	struct buf name = BUF_INIT;
	buf_puts(&name, "html-near/");
	path_carto_page(&name, ca, NULL);
	buf_puts(&name, "index.html");
	ck->near_name = xstrdup(name.data);
	buf_release(&name);
	struct digest_ctx *k = cache_key(cache, "html-near", NULL);
	digest_fold(k, &ck->places);
	ck->near_key = digest_end(k);
	size_t len;
	const char *b = cache_note_read(cache, ck->near_name, (size_t)1 << 28, &ck->near_note, &len);
	if (!b || len < sizeof(ck->near_key) || memcmp(b, &ck->near_key, sizeof(ck->near_key)) != 0)
		return;
	size_t at = sizeof(ck->near_key);
	while (at < len) {
		const char *code = b + at, *nul = memchr(code, '\0', len - at);
		uint32_t n;
		if (!nul || len - (size_t)(nul + 1 - b) < sizeof(n))
			break;
		at = (size_t)(nul + 1 - b);
		memcpy(&n, b + at, sizeof(n));
		at += sizeof(n);
		if ((len - at) / sizeof(uint32_t) < n)
			break;
		int bad = n > NEAR_MAX || strmap_get(&ck->near, code) != NULL;
		for (uint32_t i = 0; i < n && !bad; i++) {
			uint32_t r;
			memcpy(&r, b + at + (size_t)i * sizeof(r), sizeof(r));
			bad = r >= ck->n;
		}
		if (bad)
			break;
		struct near_list *l = arena_alloc(&ck->a, sizeof(*l));
		*l = (struct near_list){ b + at, n };
		strmap_put(&ck->near, code, l);
		at += (size_t)n * sizeof(uint32_t);
	}
	if (at != len) {	/* does not hold together: none */
		strmap_free(&ck->near);
		ck->near = (struct strmap)STRMAP_INIT;
	}
}

void html_carto_keys_save(struct carto_keys *ck, const struct cache *cache, size_t *lists,
    size_t *found)
{
	if (!ck)
		return;
	*lists += atomic_load(&ck->near_hits) + ck->near_seen.n;
	*found += ck->near_seen.n;
	if (!ck->near_new.len)
		return;	/* every list was the note's: it holds them */
	struct buf b = BUF_INIT;
	buf_add(&b, &ck->near_key, sizeof(ck->near_key));
	for (size_t i = 0; i < ck->near.cap; i++) {	/* the note's, still of these places */
		const struct strmap_slot *sl = &ck->near.slots[i];
		if (!sl->key || strmap_get(&ck->near_seen, sl->key))
			continue;
		const struct near_list *l = sl->val;
		buf_add(&b, sl->key, strlen(sl->key) + 1);
		buf_add(&b, &l->n, sizeof(l->n));
		buf_add(&b, l->rows, (size_t)l->n * sizeof(uint32_t));
	}
	buf_add(&b, ck->near_new.data, ck->near_new.len);
	cache_note_write(cache, ck->near_name, b.data, b.len);
	buf_release(&b);
}

/* The plane's distance at com's latitude, an estimate of geo_km for the
 * rows of com's box that differs from it by less than NEAR_SLACK of it plus
 * NEAR_PAD km (a degree of longitude shrinks by under 0.2 % across the 0.1°
 * of latitude of a box at 49° N, by under 2 % at 80°; the curvature's part
 * is a millionth at 10 km). kmdeg: the kilometres of a degree of latitude. */
#define NEAR_SLACK 0.05
#define NEAR_PAD 0.1

static double near_est(double lat, double lon, const struct commune *com, double kmdeg, double coslat)
{
	double dy = (lat - com->lat) * kmdeg, dx = (lon - com->lon) * kmdeg * coslat;
	return sqrt(dx * dx + dy * dy);
}

/* Adds commune com's list (the nn rows v) to those the note will hold
 * (html_carto_keys_save), once. */
static void near_record(struct carto_keys *ck, const struct commune *com, const struct near *v,
    size_t nn)
{
	pthread_mutex_lock(&ck->near_lock);
	struct buf *b = &ck->near_new;
	/* A commune of several pages: its list recorded once. */
	if (!strmap_put(&ck->near_seen, com->code, (void *)com)) {
		uint32_t n = (uint32_t)nn;
		buf_add(b, com->code, strlen(com->code) + 1);
		buf_add(b, &n, sizeof(n));
		for (size_t i = 0; i < nn; i++) {
			uint32_t r = (uint32_t)v[i].at;
			buf_add(b, &r, sizeof(r));
		}
	}
	pthread_mutex_unlock(&ck->near_lock);
}

/* Adds to k the rows nearby() lists for commune com, in its order: the
 * NEAR_MAX nearest of those in its box and within NEAR_KM (near_add), the
 * ties in the cartography's order (cmp_near). Everything the list prints
 * (distance, offer, organisation, commune) is of these rows, whose digests
 * say it; their order in the cartography is that of what the rows hold
 * (index_cmp_rows). A change to a row that is not listed, and stays
 * unlisted, leaves the key as it was. They are found among the rows of the
 * nine cells around com's centre, by the estimate first (near_est): with E
 * the NEAR_MAX-th smallest estimate of the rows in the box, every row
 * listed is within (1 + s)E + p km (the 30th distance is at most the
 * largest distance of those NEAR_MAX rows, or one of them is past NEAR_KM)
 * and so has an estimate within (1 + s)((1 + s)E + p) + p, and within
 * (1 + s)NEAR_KM + p; only those get the exact distance nearby() computes,
 * then the same order. */
static void key_near(struct digest_ctx *k, const struct carto_keys *ck, const struct commune *com)
{
	const struct near_list *had = strmap_get(&ck->near, com->code);
	if (had) {	/* the note's list, of these very places */
		atomic_fetch_add_explicit(&((struct carto_keys *)ck)->near_hits, 1, memory_order_relaxed);
		for (uint32_t i = 0; i < had->n; i++) {
			uint32_t r;
			memcpy(&r, had->rows + (size_t)i * sizeof(r), sizeof(r));
			digest_fold(k, &ck->rd[r]);
		}
		digest_num(k, (long long)had->n);
		return;
	}
	long cy, cx;
	size_t n = 0, nn = 0, nb = 0;
	const struct cell *cl[9];
	near_cell(com->lat, com->lon, &cy, &cx);
	for (long dy = -1; dy <= 1; dy++)
		for (long dx = -1; dx <= 1; dx++) {
			const struct cell *c = grid_at(&ck->cells, cx + dx, cy + dy);
			cl[(dy + 1) * 3 + dx + 1] = c;
			n += c ? c->n : 0;
		}
	double kmdeg = geo_km(0, 0, 1, 0), coslat = cos(com->lat * 0.017453292519943295), best[NEAR_MAX];
	double *est = xmalloc((n + 1) * sizeof(*est));
	size_t *row = xmalloc((n + 1) * sizeof(*row)), m = 0;
	for (size_t c = 0; c < 9; c++)
		for (size_t i = 0; cl[c] && i < cl[c]->n; i++) {
			const struct spot_at *l = &cl[c]->at[i];
			if (!near_box_at(l->lat, l->lon, l->com, com))
				continue;
			double e = near_est(l->lat, l->lon, com, kmdeg, coslat);
			row[m] = cl[c]->v[i];
			est[m++] = e;
			if (!(e < (nb < NEAR_MAX ? INFINITY : best[NEAR_MAX - 1])))
				continue;	/* the NEAR_MAX smallest, in order */
			size_t at = nb < NEAR_MAX ? nb++ : NEAR_MAX - 1;
			for (; at && best[at - 1] > e; at--)
				best[at] = best[at - 1];
			best[at] = e;
		}
	double lim = (1 + NEAR_SLACK) * NEAR_KM + NEAR_PAD;
	if (nb == NEAR_MAX) {
		double t = (1 + NEAR_SLACK) * ((1 + NEAR_SLACK) * best[NEAR_MAX - 1] + NEAR_PAD) + NEAR_PAD;
		lim = t < lim ? t : lim;
	}
	struct near *v = xmalloc((m + 1) * sizeof(*v));
	for (size_t i = 0; i < m; i++)
		if (est[i] <= lim)
			near_add(v, &nn, ck->r, row[i], com);
	xqsort(v, nn, sizeof(*v), cmp_near);
	nn = nn < NEAR_MAX ? nn : NEAR_MAX;
	for (size_t i = 0; i < nn; i++)
		digest_fold(k, &ck->rd[v[i].at]);
	digest_num(k, (long long)nn);
	near_record((struct carto_keys *)ck, com, v, nn);
	free(v);
	free(est);
	free(row);
}

/* Adds the n rows r (of the cartography's, ck->r): what cache_key_rows
 * reads of them, from their digests. */
static void key_rows(struct digest_ctx *k, const struct carto_keys *ck, const struct rowref *r,
    size_t n)
{
	digest_num(k, (long long)n);
	if (n)	/* r is a run of ck->r: their digests are side by side */
		digest_add(k, &ck->rd[r - ck->r], n * sizeof(*ck->rd));
}

/* The organisations' ids of the n rows r (a run of ck->r), in order, by
 * their digests: all a run of a département's data reads of the rows
 * before it (their numbers). */
static void key_org_ids(struct digest_ctx *k, const struct carto_keys *ck, const struct rowref *r,
    size_t n)
{
	digest_num(k, (long long)n);
	if (n)
		digest_add(k, &ck->oid[r - ck->r], n * sizeof(*ck->oid));
}

/* A département's data (piece_json): for each of its n rows r (a run of
 * ck->r), what it prints of the row (put_printed: its place, commune and
 * what the facets read), its organisation's id (their numbers) and its
 * lieu's place in the organisation (rows of one lieu share a number), not
 * the organisation's name or anything else of its file, so a rename does
 * not render it again. 0 (nothing added) when a lieu's place is unknown:
 * the caller keys on the rows whole. */
static int key_printed(struct digest_ctx *k, const struct carto_keys *ck, const struct rowref *r,
    size_t n)
{
	size_t at = (size_t)(r - ck->r);
	for (size_t i = 0; i < n; i++)
		if (ck->lieu_at[at + i] == NO_PLACE)
			return 0;
	digest_num(k, (long long)n);
	if (!n)
		return 1;
	digest_add(k, &ck->pd[at], n * sizeof(*ck->pd));
	digest_add(k, &ck->oid[at], n * sizeof(*ck->oid));
	digest_add(k, &ck->lieu_at[at], n * sizeof(*ck->lieu_at));
	return 1;
}

void html_carto_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const struct carto_keys *ck, int data, const char *key)
{
	size_t n;
	if (!key) {	/* the cartography's page: every row */
		const struct rowref *r = index_rows(s, ca, NULL, &n);
		key_rows(k, ck, r, n);
		return;
	}
	size_t len = strcspn(key, "-");
	char code[16];
	snprintf(code, sizeof(code), "%.*s", (int)(len < 15 ? len : 15), key);
	const struct commune *com = !data && len == 5 ? strmap_get(&s->geo.by_code, code) : NULL;
	const struct rowref *r = index_rows(s, ca, code, &n);
	if (data && key[len]) {	/* run K of a département's data (bloc_json) */
		size_t from = strtoul(key + len + 1, NULL, 10) * CARTO_BLOC;
		from = from < n ? from : n;
		size_t to = from + CARTO_BLOC < n ? from + CARTO_BLOC : n;
		key_org_ids(k, ck, r, from);
		key_rows(k, ck, r + from, to - from);
		return;
	}
	if (data && key_printed(k, ck, r, n))
		return;
	/* A département's data or page, a commune's page: their rows. */
	key_rows(k, ck, r, n);
	if (!com)
		return;
	/* A commune's page lists the nearest offers of other communes
	 * (nearby). */
	key_near(k, ck, com);
}

/* The markers of the cartography's page (html_carto_view, key NULL):
 * for each map (the région's, then the zoom's when there is one) and each
 * row, the number of its marker (in the order of their first rows), or
 * NO_MARKER. They are a function of the rows' places and order (spots:
 * the grouping reads nothing else) and of the base maps (the territory's),
 * so they are kept in a note of the cache keyed on the digest of those
 * places (ck->places) with the keys' global part (the territory, and
 * carto itself), and found by spots only when it does not hold. */
#define NO_MARKER UINT32_MAX

static uint32_t *page_markers(struct pctx *c, struct cache *cache, const struct cartographie *ca,
    const struct carto_keys *ck, int maps)
{
	/* The places, with the global part of the keys (cache_key: carto
	 * itself, so the grouping's code, and the territory, so the maps). */
	struct digest_ctx *pk = cache_key(cache, "html-markers", NULL);
	digest_fold(pk, &ck->places);
	struct digest places = digest_end(pk);
	size_t n = ck->n, want = sizeof(places) + (size_t)maps * n * sizeof(uint32_t);
	uint32_t *mk = xmalloc(maps * n * sizeof(*mk) + 1);
	struct buf note = BUF_INIT, name = BUF_INIT;
	struct fs_view had = FS_VIEW_INIT;
	buf_puts(&name, "html-markers/");
	buf_puts(&name, html_path(c, path_carto_page(c->tmp, ca, NULL)));
	buf_puts(&name, "index.html");
	size_t len;
	const char *b = cache_note_read(cache, name.data, want, &had, &len);
	if (b && len == want && memcmp(b, &places, sizeof(places)) == 0) {
		memcpy(mk, b + sizeof(places), want - sizeof(places));
		fs_view_close(&had);
		buf_release(&name);
		return mk;
	}
	fs_view_close(&had);
	size_t *next = xmalloc((n + 1) * sizeof(*next)), ns;
	for (int m = 0; m < maps; m++) {
		const struct basemap *bm = m ? &c->map->zoom : &c->map->region;
		struct spot *sp = spots(c, &bm->pr, ck->r, n, &ns, next, m ? svgmap_zoom_deps : NULL);
		uint32_t *at = mk + (size_t)m * n;
		for (size_t i = 0; i < n; i++)
			at[i] = NO_MARKER;
		for (size_t k = 0; k < ns; k++)
			for (size_t i = sp[k].card; i != (size_t)-1; i = next[i])
				at[i] = (uint32_t)k;
	}
	free(next);
	buf_reset(&note);
	buf_add(&note, &places, sizeof(places));
	buf_add(&note, mk, (size_t)maps * n * sizeof(*mk));
	cache_note_write(cache, name.data, note.data, note.len);
	buf_release(&note);
	buf_release(&name);
	return mk;
}

/* Adds to k what the markers mk (of one map) print of the names of their
 * rows' organisations (spot_label): each marker's number of distinct
 * names, and those its label shows (the first GROUP_NAMES - 1 past
 * GROUP_NAMES, else all), in the order of its rows. */
static void key_marker_names(struct digest_ctx *k, const struct carto_keys *ck, const uint32_t *mk)
{
	size_t n = ck->n, nm = 0;
	for (size_t i = 0; i < n; i++)
		if (mk[i] != NO_MARKER && mk[i] >= nm)
			nm = (size_t)mk[i] + 1;
	/* The rows of each marker, in order: a counting sort. */
	size_t *start = xcalloc(nm + 2, sizeof(*start)), *rows = xmalloc((n + 1) * sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		if (mk[i] != NO_MARKER)
			start[mk[i] + 1]++;
	for (size_t g = 0; g < nm; g++)
		start[g + 1] += start[g];
	size_t *fill = xmalloc((nm + 1) * sizeof(*fill));
	memcpy(fill, start, (nm + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		if (mk[i] != NO_MARKER)
			rows[fill[mk[i]]++] = i;
	uint32_t *seen = xmalloc((ck->n_names + 1) * sizeof(*seen));	/* by name: its last marker */
	for (size_t i = 0; i < ck->n_names; i++)
		seen[i] = NO_MARKER;
	size_t first[GROUP_NAMES];
	digest_num(k, (long long)nm);
	for (size_t g = 0; g < nm; g++) {
		size_t distinct = 0;
		for (size_t j = start[g]; j < start[g + 1]; j++) {
			uint32_t nmb = ck->name[rows[j]];
			if (seen[nmb] == (uint32_t)g)
				continue;
			seen[nmb] = (uint32_t)g;
			if (distinct < GROUP_NAMES)
				first[distinct] = rows[j];
			distinct++;
		}
		size_t shown = distinct > GROUP_NAMES ? GROUP_NAMES - 1 : distinct;
		digest_num(k, (long long)distinct);
		for (size_t j = 0; j < shown; j++)
			digest_str(k, ck->r[first[j]].o->org->nom);
	}
	free(seen);
	free(fill);
	free(rows);
	free(start);
}

void html_carto_page_key(struct digest_ctx *k, struct pctx *c, struct cache *cache,
    const struct cartographie *ca, const struct carto_keys *ck)
{
	if (!html_carto_large(ck->n)) {	/* its cards print every row */
		html_carto_key(k, c->s, ca, ck, 0, NULL);
		return;
	}
	digest_str(k, "large");
	digest_fold(k, &ck->prints);
	const struct basemap *m = &c->map->region;
	if (!m->paths)
		return;
	int maps = c->map->zoom.paths ? 2 : 1;
	digest_num(k, maps);
	uint32_t *mk = page_markers(c, cache, ca, ck, maps);
	for (int i = 0; i < maps; i++)
		key_marker_names(k, ck, mk + (size_t)i * ck->n);
	free(mk);
}

int html_carto_large(size_t rows)
{
	return rows > CARTO_LIST_MAX;
}

struct view *html_carto_view(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path)
{
	struct arena *a = c->a;
	const struct site *s = c->s;
	/* key: NULL for the cartography, a département, or a commune's code
	 * (with "-N" for the Nth page of a commune too large for one). */
	char insee[6] = "";
	int pageno = 1;
	if (key && strlen(key) >= 5) {
		memcpy(insee, key, 5);
		insee[5] = '\0';
		if (key[5] == '-')
			pageno = atoi(key + 6);
	}
	const struct commune *com = *insee ? strmap_get(&s->geo.by_code, insee) : NULL;
	const char *dep = com ? com->dep : key;
	const char *depname = dep ? geo_dep_name(&s->geo, dep) : NULL;
	const char *place = com ? com->nom : depname;
	const char *base = html_path(c, path_carto_page(c->tmp, ca, NULL));
	const char *depurl = dep && ca->par_departement ? html_fmt(c, "%s%s/", base, dep) : NULL;
	const char *url = com ? (pageno > 1 ? html_fmt(c, "%scommunes/%s/%d/", base, insee, pageno)
	    : html_fmt(c, "%scommunes/%s/", base, insee)) : dep ? depurl : base;
	c->root = com ? (pageno > 1 ? "../../../../../" : "../../../../") : dep ? "../../../" : "../../";
	*path = html_fmt(c, "%sindex.html", url);
	const char *titre = place ? html_fmt(c, "%s – %s", ca->titre, place) : ca->titre;
	struct view *v = html_common(c, titre, html_fmt(c, "%s : où se former, carte et liste des offres%s%s.",
	    ca->titre, place ? " à " : " en Île-de-France", place ? place : ""), url);
	const char *fil[8];
	size_t nf = 0;
	fil[nf++] = "Accueil";
	fil[nf++] = "";
	fil[nf++] = ca->titre;
	fil[nf++] = base;
	if (depurl) {
		fil[nf++] = depname;
		fil[nf++] = depurl;
	}
	if (com) {
		fil[nf++] = com->nom;
		fil[nf++] = url;
	}
	html_crumbs(c, v, fil, nf);
	view_sets(a, v, "intro_html", dep ? NULL : html_markdown(c, ca->introduction));
	view_sets(a, v, "parcours_url", html_link(c, html_fmt(c, "%sparcours/", base)));
	view_sets(a, v, "communes_js", html_fmt(c, "%s%s", c->root, PATH_CARTO_COMMUNES));
	size_t n, ns;
	const struct rowref *rows = index_rows(c->s, ca, com ? insee : key, &n);
	if (com && html_carto_large(n)) {
		/* A commune with more offers than a page holds: pages of CARTO_LIST_MAX. */
		size_t pages = (n + CARTO_LIST_MAX - 1) / CARTO_LIST_MAX;
		struct view *pv = view_list(a);
		for (size_t p = 1; p <= pages; p++) {
			struct view *it = view_map(a);
			view_setn(a, it, "num", (double)p);
			view_sets(a, it, "url", p == 1 ? html_link(c, html_fmt(c, "%scommunes/%s/", base, insee))
			    : html_link(c, html_fmt(c, "%scommunes/%s/%zu/", base, insee, p)));
			view_setb(a, it, "courant", (int)p == pageno);
			view_push(a, pv, it);
		}
		view_set(a, v, "pages", pv);
		view_setb(a, v, "has_pages", 1);
		size_t from = (size_t)(pageno - 1) * CARTO_LIST_MAX;
		rows += from < n ? from : n;
		n = n - from < CARTO_LIST_MAX ? n - from : CARTO_LIST_MAX;
	}
	const struct basemap *m = dep ? svgmap_dep(c->map, dep) : &c->map->region;
	if (m && m->paths) {
		size_t *next = arena_alloc(a, (n + 1) * sizeof(*next));
		struct spot *sp = spots(c, &m->pr, rows, n, &ns, next, NULL);
		const struct basemap *z = !dep && c->map->zoom.paths ? &c->map->zoom : NULL;
		const char *under = NULL;
		if (z) {
			double f[4];
			svgmap_frame(&m->pr, &z->pr, f);
			under = html_fmt(c, "<rect class=\"zoom-cadre\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\"/>\n", f[0], f[1], f[2], f[3]);
		} else if (dep)
			under = commune_labels(c, dep, m, sp, ns, rows, n);
		view_sets(a, v, "carte", svg(c, m, titre, sp, ns, n, next, "", "", 1,
		    dep ? NULL : dep_links(c, ca), under, !com && html_carto_large(n)));
		if (z) {
			size_t nz;
			sp = spots(c, &z->pr, rows, n, &nz, next, svgmap_zoom_deps);
			size_t nzr = 0;
			for (size_t i = 0; i < n; i++)
				nzr += row_in(&rows[i], svgmap_zoom_deps);
			view_sets(a, v, "carte_zoom", svg(c, z, html_fmt(c, "%s – zoom sur Paris et la petite couronne", titre),
			    sp, nz, nzr, next, "zoom-", "", 1, NULL, NULL, html_carto_large(n)));
		}
	}
	view_setn(a, v, "nb", (double)n);
	view_setb(a, v, "vide", n == 0);
	view_setb(a, v, "pluriel", n > 1);
	int large = !com && html_carto_large(n);
	view_setb(a, v, "grand", large);
	view_sets(a, v, "morceaux", large ? view_pieces(c, ca, rows, n) : NULL);
	view_set(a, v, "departements", large ? summary(c, ca, rows, n) : grouped(c, ca, rows, n, !com));
	if (com) {
		struct view *near = nearby(c, ca, com);
		view_set(a, v, "proches", near);
		view_setb(a, v, "has_proches", near->n > 0);
		view_sets(a, v, "commune_nom", com->nom);
		view_setb(a, v, "page_commune", 1);
	}
	view_set(a, v, "facettes", facets(c, ca, rows, n));
	view_set(a, v, "legende", legend_view(c, ca, rows, n));
	/* Every type's colour, "asl #0050a0 fle #… * #4d4d4d" (* an offer
	 * of no known type): a marker whose shown offers change takes the
	 * colour of their type (cartographie.js). */
	struct buf *cb = c->tmp;
	buf_reset(cb);
	for (size_t i = 0; i < s->vocab.types_offre.n; i++)
		buf_printf(cb, "%s %s ", s->vocab.types_offre.v[i].code,
		    palette[type_colour_index(&s->vocab, s->vocab.types_offre.v[i].code)]);
	buf_printf(cb, "* %s", palette[type_colour_index(&s->vocab, NULL)]);
	view_sets(a, v, "couleurs", arena_strndup(a, cb->data, cb->len));
	struct view *deps = view_list(a);
	/* The rows of each département (per[d]: of the first of that code),
	 * the rows of one département coming together. */
	size_t nd = !dep && !com && ca->par_departement ? s->geo.n_departements : 0;
	size_t *per = arena_alloc(a, (nd + 1) * sizeof(*per));
	memset(per, 0, (nd + 1) * sizeof(*per));
	for (size_t r = 0, d = nd; nd && r < n; r++) {
		if (r == 0 || strcmp(rows[r].l->dep, rows[r - 1].l->dep) != 0)
			for (d = 0; d < nd && strcmp(rows[r].l->dep, s->geo.departements[d].code) != 0; d++)
				;
		per[d]++;
	}
	for (size_t i = 0; i < nd; i++) {
		struct view *it = view_map(a);
		size_t d = 0;
		while (strcmp(s->geo.departements[d].code, s->geo.departements[i].code) != 0)
			d++;
		size_t k = per[d];
		view_sets(a, it, "nom", html_fmt(c, "%s (%s)", s->geo.departements[i].nom, s->geo.departements[i].code));
		view_sets(a, it, "url", html_link(c, html_fmt(c, "%s%s/", base, s->geo.departements[i].code)));
		view_setn(a, it, "nb", (double)k);
		view_push(a, deps, it);
	}
	view_set(a, v, "pages_departements", deps);
	view_setb(a, v, "has_pages_departements", deps->n > 0);
	struct view *files = view_list(a);
	static const struct { enum path_doc k; const char *format; } kind[] = {
		{ PATH_CSV, "CSV (tableur)" }, { PATH_JSON, "JSON" }, { PATH_GEOJSON, "GeoJSON (carte)" },
		{ PATH_PDF, "Livret PDF à imprimer (carte et liste numérotée)" },
		{ PATH_XLSX, "Classeur Excel (offres filtrables, synthèse par département et type)" },
	};
	for (size_t e = 0; e < sizeof(kind) / sizeof(kind[0]) && !com && (!dep || ca->par_departement); e++) {
		const char *rel = html_path(c, path_carto_doc(c->tmp, ca, dep, kind[e].k));
		struct view *it = view_map(a);
		view_sets(a, it, "url", html_fmt(c, "%s%s", c->root, rel));
		view_sets(a, it, "format", kind[e].format);
		view_sets(a, it, "taille", html_file_size(c, rel));
		view_push(a, files, it);
	}
	view_set(a, v, "fichiers", files);
	return v;
}

const char *html_carto_map(struct pctx *c, const struct cartographie *ca, const char *dep,
    const char *titre, const char *idp)
{
	size_t n, ns;
	const struct rowref *rows = index_rows(c->s, ca, dep, &n);
	const struct basemap *m = dep ? svgmap_dep(c->map, dep) : &c->map->region;
	if (!m || !m->paths)
		return NULL;
	size_t *next = arena_alloc(c->a, (n + 1) * sizeof(*next));
	struct spot *sp = spots(c, &m->pr, rows, n, &ns, next, NULL);
	/* The cartography's page of the same rows holds the cards; a large one
	 * lists communes, so the markers lead to the page itself. */
	const char *page = html_path(c, path_carto_page(c->tmp, ca, dep && ca->par_departement ? dep : NULL));
	int anchors = !html_carto_large(n) && (!dep || ca->par_departement);
	return svg(c, m, titre, sp, ns, n, next, idp, html_link(c, page), anchors, NULL, NULL, 1);
}
