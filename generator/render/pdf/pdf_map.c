/*
 * Maps in PDF: the territory's outlines as vector paths, the numbered
 * markers placed so that none covers another (a grid of cells in a hash
 * map), the map box of booklets and slides, and the legend of the types.
 * Coordinates: lon/lat in, points on the page out (struct box).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_consts.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>

#include "../../base/mem.h"
#include "../../base/strmap.h"
#include "../svgmap.h"
#include "pdf_int.h"

void pdf_fit_box(struct box *b, double minx, double miny, double maxx, double maxy,
    float x, float y, float w, float h)
{
	b->minx = minx;
	b->miny = miny;
	b->maxx = maxx;
	b->maxy = maxy;
	b->c = cos((miny + maxy) / 2 * 3.14159265358979 / 180);
	double sx = w / ((maxx - minx) * b->c), sy = h / (maxy - miny);
	b->s = sx < sy ? sx : sy;
	b->w = (float)((maxx - minx) * b->c * b->s);
	b->h = (float)((maxy - miny) * b->s);
	b->x = x + (w - b->w) / 2;
	b->y = y + (h - b->h) / 2;
}

/* v as a page coordinate, clamped far beyond any page and NaN as 0: a box
 * fitted on an outline without width or height scales by infinity, and
 * the integers made of its points (marker cells, libharu's numbers) must
 * not overflow. */
static float page_coord(double v)
{
	if (v != v)
		return 0;
	return v > 1e6 ? 1e6f : v < -1e6 ? -1e6f : (float)v;
}

void pdf_project(const struct box *b, double lon, double lat, float *x, float *y)
{
	*x = page_coord(b->x + (lon - b->minx) * b->c * b->s);
	*y = page_coord(b->y + (lat - b->miny) * b->s);
}

/* Outlines are simplified with Douglas–Peucker at half a point in the map's
 * own points (0.18 mm, under two widths of the thinnest line), and drawn on a
 * grid of a quarter of a point, which a float holds exactly, so that each
 * number is short in the page's content. */
#define OUTLINE_TOLERANCE 0.5
#define OUTLINE_GRID 4.0f	/* steps a point */

/* Appends a shape's rings, projected into b and simplified, to ol. */
static void outline_add(struct outline *ol, const struct box *b, const struct shape *sh,
    size_t *cap_pts, size_t *cap_rings, size_t *cap_shapes)
{
	for (size_t r = 0; r < sh->n_rings; r++) {
		const struct ring *rg = &sh->rings[r];
		if (!rg->n)
			continue;
		double *xy = xmalloc(2 * rg->n * sizeof(*xy));
		char *keep = xmalloc(rg->n);
		for (size_t i = 0; i < rg->n; i++) {
			xy[2 * i] = (rg->xy[2 * i] - b->minx) * b->c * b->s;
			xy[2 * i + 1] = (rg->xy[2 * i + 1] - b->miny) * b->s;
		}
		size_t k = svgmap_simplify(xy, rg->n, OUTLINE_TOLERANCE, keep);
		ol->xy = xgrow(ol->xy, cap_pts, 2 * (ol->n_pts + k), sizeof(*ol->xy));
		for (size_t i = 0; i < rg->n; i++)
			if (keep[i]) {
				ol->xy[2 * ol->n_pts] = page_coord(xy[2 * i]);
				ol->xy[2 * ol->n_pts + 1] = page_coord(xy[2 * i + 1]);
				ol->n_pts++;
			}
		ol->ring_end = xgrow(ol->ring_end, cap_rings, ol->n_rings + 1, sizeof(*ol->ring_end));
		ol->ring_end[ol->n_rings++] = ol->n_pts;
		free(xy);
		free(keep);
	}
	ol->shape_end = xgrow(ol->shape_end, cap_shapes, ol->n_shapes + 1, sizeof(*ol->shape_end));
	ol->shape_end[ol->n_shapes++] = ol->n_rings;
}

void pdf_outline_build(struct outline *ol, const struct geo *g, const char *dep, const struct box *b)
{
	memset(ol, 0, sizeof(*ol));
	size_t cp = 0, cr = 0, cs = 0;
	for (size_t i = 0; dep && i < g->n_commune_shapes; i++)
		if (strncmp(g->commune_shapes[i].code, dep, 2) == 0)
			outline_add(ol, b, &g->commune_shapes[i], &cp, &cr, &cs);
	ol->n_communes = ol->n_shapes;
	for (size_t i = 0; i < g->n_departements; i++)
		if (!dep || strcmp(g->departements[i].code, dep) == 0)
			outline_add(ol, b, &g->departements[i], &cp, &cr, &cs);
}

void pdf_outline_free(struct outline *ol)
{
	free(ol->xy);
	free(ol->ring_end);
	free(ol->shape_end);
	memset(ol, 0, sizeof(*ol));
}

/* Each shape is stroked on its own: communes thin and light, then the
 * contours. A point that rounds to the grid step of the one before is not
 * drawn again. */
void pdf_pen_start(struct doc *d, struct pdf_pen *pen)
{
	/* No page (a document that failed): nothing is written. */
	pen->attr = d->page ? (HPDF_PageAttr)d->page->attr : NULL;
	pen->o = pen->buf;
	pen->failed = !pen->attr;
}

static void pen_flush(struct pdf_pen *pen)
{
	if (pen->o > pen->buf && !pen->failed &&
	    pdf_stream_put(pen->attr->stream, pen->buf, (size_t)(pen->o - pen->buf)) < 0)
		pen->failed = 1;
	pen->o = pen->buf;
}

void pdf_pen_op(struct pdf_pen *pen, const float *v, int n, const char *op)
{
	char *end = pen->buf + sizeof(pen->buf);
	size_t len = strlen(op);
	if (end - pen->o < (ptrdiff_t)((size_t)n * (HPDF_REAL_LEN + 1) + len + 1))
		pen_flush(pen);
	for (int i = 0; i < n; i++) {
		if (i)
			*pen->o++ = ' ';
		pen->o = HPDF_FToA(pen->o, v[i], end);
	}
	memcpy(pen->o, op, len);
	pen->o += len;
}

int pdf_pen_end(struct pdf_pen *pen, float sx, float sy, float cx, float cy)
{
	pen_flush(pen);
	if (!pen->attr)
		return -1;
	pen->attr->gmode = HPDF_GMODE_PATH_OBJECT;
	pen->attr->str_pos = (HPDF_Point){ sx, sy };
	pen->attr->cur_pos = (HPDF_Point){ cx, cy };
	return pen->failed ? -1 : 0;
}

/* One ring's path: "x y m", then "x y l" for each point that moves. */
static int ring_path(struct doc *d, const struct outline *ol, size_t from, size_t to, float x, float y)
{
	struct pdf_pen pen;
	float p[2] = { 0, 0 }, first[2] = { 0, 0 };
	pdf_pen_start(d, &pen);
	for (size_t i = from; i < to; i++) {
		float px = roundf((x + ol->xy[2 * i]) * OUTLINE_GRID) / OUTLINE_GRID;
		float py = roundf((y + ol->xy[2 * i + 1]) * OUTLINE_GRID) / OUTLINE_GRID;
		if (i > from && px == p[0] && py == p[1])
			continue;
		p[0] = px;
		p[1] = py;
		if (i == from)
			first[0] = px, first[1] = py;
		pdf_pen_op(&pen, p, 2, i == from ? " m\n" : " l\n");
	}
	return pdf_pen_end(&pen, first[0], first[1], p[0], p[1]);
}

void pdf_outline_draw(struct doc *d, const struct outline *ol, float x, float y)
{
	size_t ring = 0, pt = 0;
	for (size_t s = 0; s < ol->n_shapes; s++) {
		if (s == 0 || s == ol->n_communes) {
			int contour = s == ol->n_communes;
			HPDF_Page_SetLineWidth(d->page, contour ? 0.8f : 0.3f);
			if (contour)
				HPDF_Page_SetRGBStroke(d->page, 0.25f, 0.25f, 0.25f);
			else
				HPDF_Page_SetRGBStroke(d->page, 0.7f, 0.7f, 0.7f);
		}
		/* A shape or a ring with no point (an empty outline) draws no
		 * path: closing or stroking none is an error in libharu. */
		int drawn = 0;
		for (; ring < ol->shape_end[s]; ring++) {
			if (pt < ol->ring_end[ring]) {
				if (ring_path(d, ol, pt, ol->ring_end[ring], x, y) < 0)
					d->error = d->error ? d->error : 1;
				HPDF_Page_ClosePath(d->page);
				drawn = 1;
			}
			pt = ol->ring_end[ring];
		}
		if (drawn)
			HPDF_Page_Stroke(d->page);
	}
}

/* The outlines of a département (its communes) or of the region, for one
 * map: simplified at b's scale, drawn, dropped. */
void pdf_draw_base(struct doc *d, const struct box *b, const struct geo *g, const char *dep)
{
	struct outline ol;
	pdf_outline_build(&ol, g, dep, b);
	pdf_outline_draw(d, &ol, b->x, b->y);
	pdf_outline_free(&ol);
}

const struct shape *pdf_dep_shape(const struct geo *g, const char *dep)
{
	for (size_t i = 0; i < g->n_departements; i++)
		if (strcmp(g->departements[i].code, dep) == 0)
			return &g->departements[i];
	return NULL;
}

static void hex_fill(struct doc *d, const char *hex)
{
	unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
	HPDF_Page_SetRGBFill(d->page, (float)(v >> 16 & 255) / 255, (float)(v >> 8 & 255) / 255,
	    (float)(v & 255) / 255);
}

#define MARK_R 6.5f
#define MARK_D (2 * MARK_R + 2)	/* centres of two markers, at least */

static void marker(struct doc *d, float x, float y, int num, const char *colour)
{
	char t[16];
	hex_fill(d, colour);
	HPDF_Page_Circle(d->page, x, y, MARK_R);
	HPDF_Page_Fill(d->page);
	snprintf(t, sizeof(t), "%d", num);
	HPDF_Page_SetRGBFill(d->page, 1, 1, 1);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, num > 99 ? 4.5f : 6);
	HPDF_Page_TextOut(d->page, x - HPDF_Page_TextWidth(d->page, t) / 2, y - 2, t);
	HPDF_Page_EndText(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
}

/* Markers already placed, chained by grid cell (a cell is one marker wide),
 * so that testing a spot looks at nine cells, not at every marker. */
struct placed {
	size_t mask;
	long *head, *next;
	float *x, *y;
	size_t n;
};

static size_t cell_of(long cx, long cy, size_t mask)
{
	return ((size_t)cx * 73856093u ^ (size_t)cy * 19349663u) & mask;
}

static int spot_free(const struct placed *g, float x, float y)
{
	long cx = (long)floorf(x / MARK_D), cy = (long)floorf(y / MARK_D);
	for (long i = -1; i <= 1; i++)
		for (long j = -1; j <= 1; j++)
			for (long k = g->head[cell_of(cx + i, cy + j, g->mask)]; k >= 0; k = g->next[k]) {
				float dx = g->x[k] - x, dy = g->y[k] - y;
				if (dx * dx + dy * dy < MARK_D * MARK_D)
					return 0;
			}
	return 1;
}

static void spot_take(struct placed *g, float x, float y)
{
	size_t h = cell_of((long)floorf(x / MARK_D), (long)floorf(y / MARK_D), g->mask);
	g->x[g->n] = x;
	g->y[g->n] = y;
	g->next[g->n] = g->head[h];
	g->head[h] = (long)g->n++;
}

#define PDF_MAP_LIEUX 120

/* Where a marker for (x, y) goes without covering another: the spot itself,
 * else the nearest free one on rings around it, inside the frame. A marker
 * that cannot move stays on its spot. */
static void place(struct placed *g, float x, float y, const float frame[4], float *px, float *py)
{
	*px = x, *py = y;
	for (int ring = 0; ring <= 6; ring++) {
		int steps = ring ? 8 * ring : 1;
		for (int k = 0; k < steps; k++) {
			double a = 6.283185307179586 * k / steps;
			float cx = x + (float)(ring * (MARK_D + 0.5) * cos(a));
			float cy = y + (float)(ring * (MARK_D + 0.5) * sin(a));
			if (cx < frame[0] || cy < frame[1] || cx > frame[2] || cy > frame[3] || !spot_free(g, cx, cy))
				continue;
			*px = cx, *py = cy;
			spot_take(g, cx, cy);
			return;
		}
	}
	spot_take(g, x, y);
}

struct map_args {
	const struct site *s;
	const char *dep;
	struct brow *r;
	size_t n;
	float x0, y0, w, h;
};

static void map_draw(struct doc *d, void *ctx)
{
	struct map_args *m = ctx;
	pdf_map_box(d, m->s, m->dep, m->r, m->n, m->x0, m->y0, m->w, m->h);
}

void pdf_booklet_map(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    struct pdf_reuse *ru, const char *rel)
{
	float size = 420;
	pdf_need(d, size + 10);
	struct map_args m = { s, dep, r, n, MARGIN, d->y - size, PAGE_W - 2 * MARGIN, size };
	/* Numbered one number a lieu, in the rows' order (number_lieux):
	 * a row after its lieu's first is drawn as that one, and only its
	 * number counts. Numbered otherwise: drawn. */
	const struct lieu **first = xcalloc(n + 1, sizeof(*first));
	int one_a_lieu = 1, seen = 0;
	for (size_t i = 0; i < n && one_a_lieu; i++) {
		int k = r[i].num;
		if (k == seen + 1)
			first[seen = k] = r[i].l;
		else
			one_a_lieu = k >= 1 && k <= seen && first[k] == r[i].l;
	}
	free(first);
	if (!one_a_lieu)
		map_draw(d, &m);
	else {
		/* What pdf_map_box reads beyond the global part (the
		 * territory, the vocabularies): the box, each row's number,
		 * and each lieu's place and first type (its marker's colour). */
		struct digest_ctx *k = pdf_kept_key(ru, "booklet-map");
		digest_str(k, dep);
		digest_num(k, (long long)n);
		digest_add(k, &m.x0, sizeof(m.x0));
		digest_add(k, &m.y0, sizeof(m.y0));
		digest_add(k, &m.w, sizeof(m.w));
		digest_add(k, &m.h, sizeof(m.h));
		seen = 0;
		/* gathered, then added at once: the same bytes, without a call
		 * into the digest for each of some 100,000 fields (perf) */
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < n; i++) {
			digest_buf_num(&b, r[i].num);
			if (r[i].num <= seen)
				continue;
			seen = r[i].num;
			buf_add(&b, &r[i].l->lon, sizeof(r[i].l->lon));
			buf_add(&b, &r[i].l->lat, sizeof(r[i].l->lat));
			digest_buf_str(&b, r[i].o->types.n ? r[i].o->types.v[0].s : NULL);
			if (b.len >= 65536) {
				digest_add(k, b.data, b.len);
				buf_reset(&b);
			}
		}
		digest_add(k, b.data, b.len);
		buf_release(&b);
		pdf_kept(d, ru, rel, k, map_draw, &m);
	}
	d->y -= size + 8;
}

/* The map of the region or of a département in the box (x0, y0, w, h). */
void pdf_map_box(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    float x0, float y0, float w, float h)
{
	struct box b;
	const struct shape *sh = dep ? pdf_dep_shape(&s->geo, dep) : NULL;
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	for (size_t i = 0; i < s->geo.n_departements; i++)
		if (!sh || &s->geo.departements[i] == sh) {
			minx = fmin(minx, s->geo.departements[i].minx);
			miny = fmin(miny, s->geo.departements[i].miny);
			maxx = fmax(maxx, s->geo.departements[i].maxx);
			maxy = fmax(maxy, s->geo.departements[i].maxy);
		}
	pdf_fit_box(&b, minx, miny, maxx, maxy, x0, y0, w, h);
	pdf_draw_base(d, &b, &s->geo, dep);
	const float frame[4] = { x0, y0, x0 + w, y0 + h };
	struct strmap cells = STRMAP_INIT;
	char **keys = xcalloc(n + 1, sizeof(*keys));
	/* Per marker: the place it stands for, where it is drawn, its row. */
	float *at = xmalloc((4 * n + 1) * sizeof(*at));
	size_t *row = xmalloc((n + 1) * sizeof(*row));
	size_t nb = 16;
	while (nb < 2 * n)
		nb *= 2;
	struct placed g = { nb - 1, xmalloc(nb * sizeof(long)), xmalloc((n + 1) * sizeof(long)),
		xmalloc((n + 1) * sizeof(float)), xmalloc((n + 1) * sizeof(float)), 0 };
	for (size_t i = 0; i < nb; i++)
		g.head[i] = -1;
	/* A number stands for one lieu (one address) when the map has room for
	 * a marker per lieu; past PDF_MAP_LIEUX, for the lieux of a 6 pt cell. */
	size_t lieux = 0;
	struct strmap seen = STRMAP_INIT;
	char (*pk)[24] = xmalloc((PDF_MAP_LIEUX + 2) * sizeof(*pk));
	for (size_t i = 0; i < n && lieux <= PDF_MAP_LIEUX; i++) {
		snprintf(pk[lieux], sizeof(pk[lieux]), "%p", (const void *)r[i].l);
		if (!strmap_get(&seen, pk[lieux])) {
			strmap_put(&seen, pk[lieux], pk[lieux]);
			lieux++;
		}
	}
	strmap_free(&seen);
	free(pk);
	/* Numbers the caller gave (a booklet: one a lieu) are kept; a marker
	 * then shows the first number of its cell. */
	int given = n && r[0].num > 0;
	int next = 1;
	for (size_t i = 0; i < n; i++) {
		float x, y;
		char key[32];
		pdf_project(&b, r[i].l->lon, r[i].l->lat, &x, &y);
		if (lieux <= PDF_MAP_LIEUX)
			snprintf(key, sizeof(key), "%p", (const void *)r[i].l);
		else
			snprintf(key, sizeof(key), "%d:%d", (int)(x / 6), (int)(y / 6));
		int *num = strmap_get(&cells, key);
		if (num) {
			if (!given)
				r[i].num = *num;
			continue;
		}
		float *m = at + 4 * (size_t)(next - 1);
		row[next - 1] = i;
		next++;
		if (!given)
			r[i].num = next - 1;
		keys[i] = xmalloc(sizeof(int) + sizeof(key));
		memcpy(keys[i], &r[i].num, sizeof(int));
		strcpy(keys[i] + sizeof(int), key);
		strmap_put(&cells, keys[i] + sizeof(int), keys[i]);
		m[0] = x, m[1] = y;
		place(&g, x, y, frame, &m[2], &m[3]);
	}
	/* Lines first, so that no line crosses a marker drawn before it. */
	HPDF_Page_SetRGBStroke(d->page, 0.25f, 0.25f, 0.25f);
	HPDF_Page_SetLineWidth(d->page, 0.6f);
	for (int k = 0; k < next - 1; k++) {
		const float *m = at + 4 * k;
		if (m[0] == m[2] && m[1] == m[3])
			continue;
		HPDF_Page_MoveTo(d->page, m[0], m[1]);
		HPDF_Page_LineTo(d->page, m[2], m[3]);
		HPDF_Page_Stroke(d->page);
		HPDF_Page_SetRGBFill(d->page, 0.25f, 0.25f, 0.25f);
		HPDF_Page_Circle(d->page, m[0], m[1], 1.5f);
		HPDF_Page_Fill(d->page);
	}
	for (int k = 0; k < next - 1; k++) {
		const struct brow *w = &r[row[k]];
		marker(d, at[4 * k + 2], at[4 * k + 3], w->num,
		    svgmap_palette[type_colour_index(&s->vocab, w->o->types.n ? w->o->types.v[0].s : NULL)]);
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(at);
	free(row);
	free(g.head);
	free(g.next);
	free(g.x);
	free(g.y);
	strmap_free(&cells);
}

/* One line of the legend: a disc of colour fill, then text. */
static void legend_line(struct doc *d, const char *fill, const char *text)
{
	pdf_need(d, 14);
	hex_fill(d, fill);
	HPDF_Page_Circle(d->page, MARGIN + 5, d->y - 5, 4.5f);
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	HPDF_Page_BeginText(d->page);
	pdf_show(d, d->page, d->regular, 9, MARGIN + 14, d->y - 8, text);
	HPDF_Page_EndText(d->page);
	d->y -= 13;
}

void pdf_legend(struct doc *d, const struct site *s, const struct cartographie *ca,
    const struct brow *r, size_t n)
{
	pdf_para(d, d->bold, 10, "Légende : chaque repère numéroté renvoie aux offres qui portent ce numéro dans la liste ; sa couleur donne le type de la première offre.");
	/* Every colour a marker can take, as on the site (html_carto.c). */
	size_t nt = s->vocab.types_offre.n;
	unsigned char *used = xcalloc(nt + 1, 1);
	/* Each code's type found in a map (type_legend_mark compares it with
	 * every type: a third of a long booklet's map, perf), unless two types
	 * share a code. Once every type is marked (every 64 rows, a look), rows
	 * add none. */
	struct strmap types = STRMAP_INIT;
	int unique = 1;
	for (size_t i = 0; i < nt; i++)
		if (strmap_put(&types, s->vocab.types_offre.v[i].code, (void *)(i + 1)))
			unique = 0;
	for (size_t i = 0; i < n && (i % 64 || !i || memchr(used, 0, nt + 1)); i++) {
		const struct svals *c = &r[i].o->types;
		int known = 0;
		for (size_t k = 0; unique && k < c->n; k++) {
			void *at = strmap_get(&types, c->v[k].s);
			if (at)
				used[(size_t)at - 1] = 1, known = 1;
		}
		if (!unique)
			type_legend_mark(&s->vocab, r[i].o, used);
		else if (!known)
			used[nt] = 1;
	}
	strmap_free(&types);
	type_legend_codes(&s->vocab, &ca->sel_types, used);
	struct buf other = BUF_INIT;
	for (size_t i = 0; i <= nt; i++) {
		if (!used[i])
			continue;
		const char *name = i < nt ? s->vocab.types_offre.v[i].libelle : "type non précisé";
		size_t k = i < nt ? type_colour_index(&s->vocab, s->vocab.types_offre.v[i].code) : TYPE_OTHER;
		if (k != TYPE_OTHER)
			legend_line(d, svgmap_palette[k], name);
		else
			buf_printf(&other, "%s%s", other.len ? ", " : "", name);
	}
	if (other.len)
		legend_line(d, svgmap_palette[TYPE_OTHER], other.data);
	buf_release(&other);
	free(used);
}
