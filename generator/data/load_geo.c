/*
 * The territory: communes from CSV, outlines from GeoJSON (read with the YAML
 * loader, since JSON is YAML's flow syntax). Start at geo_read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "load.h"
#include "snap.h"

#define GEO_COLUMNS "code_insee,nom,departement,codes_postaux,latitude,longitude,population"

/* Reads path into b; its name and bytes go into src (the territory's
 * digest), a missing optional file as such. */
static int read_all(const char *path, const char *shown, struct buf *b,
    struct diags *d, int required, struct digest_ctx *src)
{
	digest_str(src, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	if (fs_read(path, LOAD_MAX_FILE, b) == 0) {
		digest_num(src, (long long)b->len);
		digest_add(src, b->data, b->len);
		return 0;
	}
	digest_num(src, -1);
	if (errno == ENOENT && !required)
		return 1;
	diag_add(d, shown, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
	return -1;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	if (!*s)
		return -1;
	*out = strtod(s, &end);
	return *end ? -1 : 0;
}

/* Whether (lon, lat) are decimal degrees on the globe; NaN and infinities
 * fail the comparisons and so are refused too. */
static int is_degrees(double lon, double lat)
{
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

/* Splits line (modified in place) at commas into at most max fields. */
static size_t split(char *line, char **f, size_t max, char sep)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == sep) {
			*p = '\0';
			if (n == max)
				return max + 1;
			f[n++] = p + 1;
		}
	return n;
}

static int read_row(struct geo *g, char *line, struct arena *a, int arr,
    const char *shown, uint32_t ln, struct diags *d)
{
	char *f[7];
	if (split(line, f, 7, ',') != 7) {
		diag_add(d, shown, ln, 1, DIAG_ERROR, "expected 7 comma-separated fields (%s)", GEO_COLUMNS);
		return -1;
	}
	/* The slot of a refused row is reused by the next one: cleared first. */
	struct commune *c = &g->communes[g->n_communes];
	memset(c, 0, sizeof(*c));
	double lat, lon;
	if (strlen(f[0]) != 5 || strlen(f[2]) != 2 || strncmp(f[0], f[2], 2) != 0) {
		diag_add(d, shown, ln, 1, DIAG_ERROR, "code_insee '%s' must be 5 characters starting with the département '%s'", f[0], f[2]);
		return -1;
	}
	if (parse_double(f[4], &lat) || parse_double(f[5], &lon) || !is_degrees(lon, lat)) {
		diag_add(d, shown, ln, 1, DIAG_ERROR, "latitude and longitude must be decimal degrees");
		return -1;
	}
	c->code = arena_strdup(a, f[0]);
	c->nom = arena_strdup(a, f[1]);
	memcpy(c->dep, f[2], 2);
	c->lat = lat;
	c->lon = lon;
	c->population = strtol(f[6], NULL, 10);
	c->arrondissement = arr;
	char *pc[64];
	size_t npc = split(f[3], pc, 64, ';');
	if (npc > 64)
		npc = 64;
	c->postaux = arena_alloc(a, npc * sizeof(char *));
	for (size_t i = 0; i < npc; i++)
		if (*pc[i])
			c->postaux[c->n_postaux++] = arena_strdup(a, pc[i]);
	if (strmap_put(&g->by_code, c->code, c)) {
		diag_add(d, shown, ln, 1, DIAG_ERROR, "commune '%s' appears twice", c->code);
		return -1;
	}
	g->n_communes++;
	return 0;
}

static int read_csv(struct geo *g, struct buf *b, struct arena *a, int arr,
    const char *shown, struct diags *d)
{
	char *p = b->data;
	int rc = 0;
	for (uint32_t ln = 1; *p; ln++) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[l - 1] = '\0';
		if (ln == 1) {
			if (strcmp(p, GEO_COLUMNS) != 0) {
				diag_add(d, shown, 1, 1, DIAG_ERROR, "the first line must be the header %s", GEO_COLUMNS);
				return -1;
			}
		} else if (*p && read_row(g, p, a, arr, shown, ln, d) < 0)
			rc = -1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return rc;
}

/* Where the reading of a GeoJSON file reports a feature it refuses: the
 * file as shown and what its features are ("département"…). */
struct geo_file {
	const char *shown, *what;
	struct diags *d;
};

static int geo_refuse(const struct geo_file *gf, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports fmt at the node at of the file; returns -1. */
static int geo_refuse(const struct geo_file *gf, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(gf->d, gf->shown, at->line, at->col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads member i of the position pt into *x: a number (RFC 7946 §3.1.1: a
 * position is an array of numbers), not a string that reads as one, nor
 * null. Returns -1, having reported what it found there, when it is not. */
static int read_member(const struct ynode *pt, size_t i, double *x, const struct geo_file *gf)
{
	static const char *const names[] = { "longitude", "latitude", "altitude" };
	const struct ynode *m = pt->u.items[i];
	char name[32];
	if (ytree_is_number(m)) {
		*x = strtod(m->u.s, NULL);
		return 0;
	}
	if (i < 3)
		snprintf(name, sizeof(name), "%s", names[i]);
	else
		snprintf(name, sizeof(name), "member %zu", i + 1);
	if (m->kind != Y_SCALAR)
		return geo_refuse(gf, m, "a position's %s must be a number, not %s", name,
		    m->kind == Y_SEQ ? "an array" : "an object");
	if (!m->plain)
		return geo_refuse(gf, m, "a position's %s must be a number, not the string \"%s\"", name, m->u.s);
	return geo_refuse(gf, m, "a position's %s must be a number, not '%s'", name, m->u.s);
}

/* The positions of one feature that have members after the altitude
 * (read_ring counts them, read_feature warns once): the first, and how
 * many. */
struct extra_members {
	const struct ynode *first;
	size_t n;
};

/* Reads [[x, y], …] into a ring: at least 4 positions, each two numbers in
 * decimal degrees (an altitude after them is read and left; members after
 * it are counted in x, then left). Returns -1, having reported it, on a
 * wrong ring. */
static int read_ring(const struct ynode *n, struct ring *r, struct arena *a,
    struct extra_members *x, const struct geo_file *gf)
{
	if (n->kind != Y_SEQ || n->n < 4)
		return geo_refuse(gf, n, "a ring needs at least 4 positions [longitude, latitude]");
	r->xy = arena_alloc(a, n->n * 2 * sizeof(double));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *pt = n->u.items[i];
		double *xy = &r->xy[2 * i], alt;
		if (pt->kind != Y_SEQ || pt->n < 2)
			return geo_refuse(gf, pt, "a position must be two numbers [longitude, latitude]");
		for (size_t j = 0; j < pt->n; j++)
			if (read_member(pt, j, j < 2 ? &xy[j] : &alt, gf) < 0)
				return -1;
		if (!is_degrees(xy[0], xy[1]))
			return geo_refuse(gf, pt, "a position must be decimal degrees: longitude from -180 to 180, latitude from -90 to 90");
		if (pt->n > 3 && x->n++ == 0)
			x->first = pt;
	}
	r->n = n->n;
	return 0;
}

/* Checks that the ring r read from n, ring number ring (from 1) of the
 * polygon numbered polygon (from 1; 0: a Polygon's) of the shape s, is
 * closed (RFC 7946 §3.1.6: its first and last positions are the same).
 * Returns -1, having reported which ring of which feature, when it is not:
 * an outline left open is not the one its author meant, whatever a map
 * would draw of it. */
static int ring_closed(const struct ynode *n, const struct ring *r, const struct shape *s,
    size_t ring, size_t polygon, const struct geo_file *gf)
{
	const double *first = r->xy, *last = &r->xy[2 * (r->n - 1)];
	if (first[0] == last[0] && first[1] == last[1])
		return 0;
	struct ynode *const *p0 = n->u.items[0]->u.items;
	struct ynode *const *pn = n->u.items[n->n - 1]->u.items;
	char of[48] = "";
	if (polygon)
		snprintf(of, sizeof(of), " of polygon %zu", polygon);
	return geo_refuse(gf, n, "ring %zu%s of %s '%s' is not closed: its last position [%s, %s] must repeat its first [%s, %s]",
	    ring, of, gf->what, s->code, pn[0]->u.s, pn[1]->u.s, p0[0]->u.s, p0[1]->u.s);
}

/* Reads the rings of poly into s, the polygon numbered polygon as
 * ring_closed numbers it; *cap is the room of s->rings. */
static int read_polygon(const struct ynode *poly, struct shape *s, struct arena *a,
    size_t *cap, size_t polygon, struct extra_members *x, const struct geo_file *gf)
{
	if (poly->kind != Y_SEQ || poly->n == 0)
		return geo_refuse(gf, poly, "a polygon needs at least one ring");
	for (size_t i = 0; i < poly->n; i++) {
		if (s->n_rings == *cap) {
			struct ring *nr = arena_alloc(a, (*cap * 2 + 4) * sizeof(*nr));
			if (s->n_rings)
				memcpy(nr, s->rings, s->n_rings * sizeof(*nr));
			s->rings = nr;
			*cap = *cap * 2 + 4;
		}
		struct ring *r = &s->rings[s->n_rings++];
		if (read_ring(poly->u.items[i], r, a, x, gf) < 0 ||
		    ring_closed(poly->u.items[i], r, s, i + 1, polygon, gf) < 0)
			return -1;
	}
	return 0;
}

static void bbox(struct shape *s)
{
	s->minx = s->miny = 1e9;
	s->maxx = s->maxy = -1e9;
	for (size_t i = 0; i < s->n_rings; i++)
		for (size_t j = 0; j < s->rings[i].n; j++) {
			double x = s->rings[i].xy[2 * j], y = s->rings[i].xy[2 * j + 1];
			if (x < s->minx) s->minx = x;
			if (x > s->maxx) s->maxx = x;
			if (y < s->miny) s->miny = y;
			if (y > s->maxy) s->maxy = y;
		}
}

/* RFC 7946 §3.1.1: "Implementations SHOULD NOT extend positions beyond
 * three elements", whose meaning it leaves open (a measure, a time…).
 * Such a file is not wrong, as a position with fewer than two elements
 * is, and every GIS tool reads it; carto draws longitude and latitude
 * only, so members after the altitude are ignored, which the editor is
 * told once per feature (where the first such position stands, with how
 * many there are) rather than once per position: a file exported with a
 * measure has it on every one. */
static void warn_extra(const struct extra_members *x, const struct shape *s, const struct geo_file *gf)
{
	if (!x->n)
		return;
	diag_add(gf->d, gf->shown, x->first->line, x->first->col, DIAG_WARNING,
	    "a position of %s '%s' has %zu members, more than the three of RFC 7946 §3.1.1 "
	    "(longitude, latitude, altitude): those after the third are ignored; %zu position%s of it %s more than three",
	    gf->what, s->code, x->first->n, x->n, diag_plural(x->n), x->n == 1 ? "has" : "have");
}

/* Reads feature f into s, which it clears first (the slot of a refused
 * feature is reused). Returns -1, having reported it, when f is not a
 * feature with a code and a Polygon or MultiPolygon of valid rings. */
static int read_feature(const struct ynode *f, struct shape *s, struct arena *a,
    const struct geo_file *gf)
{
	const struct ynode *props = ytree_get(f, "properties");
	const struct ynode *geom = ytree_get(f, "geometry");
	const struct ynode *code = ytree_get(props, "code"), *nom = ytree_get(props, "nom");
	const struct ynode *type = ytree_get(geom, "type");
	const struct ynode *coords = ytree_get(geom, "coordinates");
	memset(s, 0, sizeof(*s));
	if (!code || code->kind != Y_SCALAR || !type || type->kind != Y_SCALAR ||
	    !coords || coords->kind != Y_SEQ)
		return geo_refuse(gf, f, "a feature needs properties.code and a Polygon or MultiPolygon geometry");
	/* A code is a string (format.md): a number loses its leading zeros
	 * ("01001" written 01001 is 1001 to any JSON reader). */
	if (code->plain)
		return geo_refuse(gf, code, ytree_is_number(code) ?
		    "properties.code must be a string, \"%s\": unquoted, JSON reads a number" :
		    "properties.code must be a string, not '%s'", code->u.s);
	s->code = arena_strdup(a, code->u.s);
	s->nom = nom && nom->kind == Y_SCALAR ? arena_strdup(a, nom->u.s) : s->code;
	size_t cap = 0;
	struct extra_members x = { NULL, 0 };
	if (strcmp(type->u.s, "Polygon") == 0) {
		if (read_polygon(coords, s, a, &cap, 0, &x, gf) < 0)
			return -1;
	} else if (strcmp(type->u.s, "MultiPolygon") == 0) {
		if (coords->n == 0)
			return geo_refuse(gf, coords, "a MultiPolygon needs at least one polygon");
		for (size_t i = 0; i < coords->n; i++)
			if (read_polygon(coords->u.items[i], s, a, &cap, i + 1, &x, gf) < 0)
				return -1;
	} else
		return geo_refuse(gf, f, "a feature needs properties.code and a Polygon or MultiPolygon geometry");
	bbox(s);
	/* A map is fitted on an outline's box: one without width or height
	 * would scale it by infinity. */
	if (s->maxx <= s->minx || s->maxy <= s->miny)
		return geo_refuse(gf, coords, "an outline needs a width and a height: its positions are all on one line");
	warn_extra(&x, s, gf);
	return 0;
}

/* ---- the outlines kept in the load snapshot ----
 * A record of a GeoJSON file's shapes as read_feature made them, keyed on
 * the digest of its bytes: the count, then each shape's code, its name (a
 * length of 0: the code's), its rings (each a count, then its points as
 * doubles) and its box, then the warnings its reading reported (snap.h's
 * diagnostics, given again when the record is taken). Only a file that
 * reported no error is recorded. The version goes up with each rule added
 * to the validation of outlines, so that a record made before, of a file
 * the rule refuses or warns about, is not trusted: 2 since outlines are
 * validated, 3 since a position's members must be numbers (not strings),
 * 4 since a ring must be closed, 5 since a code must be a string, 6 since
 * members after a position's altitude are warned about (warn_extra) and
 * warnings are recorded. */

static struct digest shapes_key(const struct digest *bytes)
{
	struct digest_ctx *c = digest_new();
	digest_str(c, "carto territory outlines 6");
	digest_fold(c, bytes);
	return digest_end(c);
}

static void put_text(struct buf *b, const char *s)
{
	snap_var_put(b, strlen(s));
	buf_add(b, s, strlen(s) + 1);
}

/* Records the shapes v[0..n) of a file, with the warnings d->v[from..d->n)
 * its reading reported. */
static void shapes_put(struct snap *snap, const struct digest *key, const struct shape *v, size_t n,
    const struct diags *d, size_t from)
{
	struct buf b = BUF_INIT;
	snap_var_put(&b, n);
	for (size_t i = 0; i < n; i++) {
		const struct shape *sh = &v[i];
		put_text(&b, sh->code);
		if (sh->nom == sh->code)
			snap_var_put(&b, 0);
		else {
			snap_var_put(&b, 1);
			put_text(&b, sh->nom);
		}
		snap_var_put(&b, sh->n_rings);
		for (size_t r = 0; r < sh->n_rings; r++) {
			snap_var_put(&b, sh->rings[r].n);
			buf_add(&b, sh->rings[r].xy, sh->rings[r].n * 2 * sizeof(double));
		}
		const double box[4] = { sh->minx, sh->miny, sh->maxx, sh->maxy };
		buf_add(&b, box, sizeof(box));
	}
	snap_var_put(&b, d->n - from);
	for (size_t i = from; i < d->n; i++)
		snap_diag_put(&b, &d->v[i]);
	snap_add(snap, key, &b);
}

struct shapes_in {
	const unsigned char *p, *end;
	struct arena *a;
	int bad;
};

static const char *get_text(struct shapes_in *in)
{
	uint64_t len = snap_var_get(&in->p, in->end, &in->bad);
	if (in->bad || len >= (uint64_t)(in->end - in->p) || in->p[len] != '\0') {
		in->bad = 1;
		return NULL;
	}
	const char *s = arena_strndup(in->a, (const char *)in->p, (size_t)len);
	in->p += len + 1;
	return s;
}

/* n doubles into to; each takes 8 bytes of the record. */
static void get_doubles(struct shapes_in *in, double *to, size_t n)
{
	if (in->bad || n > (size_t)(in->end - in->p) / sizeof(double)) {
		in->bad = 1;
		return;
	}
	memcpy(to, in->p, n * sizeof(double));
	in->p += n * sizeof(double);
}

/* A count of items of at least min bytes each in what is left. */
static size_t get_count(struct shapes_in *in, size_t min)
{
	uint64_t n = snap_var_get(&in->p, in->end, &in->bad);
	if (in->bad || n > (uint64_t)(in->end - in->p) / min)
		in->bad = 1;
	return in->bad ? 0 : (size_t)n;
}

/* Takes the shapes of a file from its record into *out, *n (in a), and
 * adds the warnings recorded with them to d under the name shown. Returns
 * 1, or 0 when there is no such record or it does not decode. */
static int shapes_take(struct snap *snap, const struct digest *key, struct shape **out, size_t *n,
    struct arena *a, const char *shown, struct diags *d)
{
	const char *p;
	size_t len;
	if (!snap_get(snap, key, &p, &len))
		return 0;
	struct shapes_in in = { (const unsigned char *)p, (const unsigned char *)p + len, a, 0 };
	size_t count = get_count(&in, 1);
	struct shape *v = arena_alloc(a, count * sizeof(*v));
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct shape *sh = &v[i];
		sh->code = get_text(&in);
		uint64_t named = snap_var_get(&in.p, in.end, &in.bad);
		if (named > 1)
			in.bad = 1;
		sh->nom = named ? get_text(&in) : sh->code;
		sh->n_rings = get_count(&in, 1);
		sh->rings = arena_alloc(a, sh->n_rings * sizeof(*sh->rings));
		for (size_t r = 0; r < sh->n_rings && !in.bad; r++) {
			struct ring *rg = &sh->rings[r];
			rg->n = get_count(&in, 2 * sizeof(double));
			rg->xy = arena_alloc(a, rg->n * 2 * sizeof(double));
			get_doubles(&in, rg->xy, rg->n * 2);
		}
		double box[4];
		get_doubles(&in, box, 4);
		sh->minx = box[0];
		sh->miny = box[1];
		sh->maxx = box[2];
		sh->maxy = box[3];
	}
	const unsigned char *warnings = in.p;
	if (in.bad || snap_diags_get(&in.p, in.end, NULL, NULL) < 0 || in.p != in.end) {
		snap_spoilt(snap, key);
		return 0;
	}
	snap_diags_get(&warnings, in.end, shown, d);	/* decoded above */
	*out = v;
	*n = count;
	return 1;
}

/* Reads the features fs of the file shown into *out, *n: a refused feature
 * or a second one with the same code (of a what, "département"…) is
 * reported and left out. Returns -1 when one was. */
static int read_features(const struct ynode *fs, const char *shown, const char *what,
    struct shape **out, size_t *n, struct arena *a, struct diags *d)
{
	struct strmap seen = STRMAP_INIT;
	const struct geo_file gf = { shown, what, d };
	int rc = 0;
	*out = arena_alloc(a, fs->n * sizeof(**out));
	for (size_t i = 0; i < fs->n; i++) {
		const struct ynode *f = fs->u.items[i];
		struct shape *s = &(*out)[*n];
		const struct ynode *first;
		if (read_feature(f, s, a, &gf) < 0)
			rc = -1;
		else if ((first = strmap_put(&seen, s->code, (void *)f)) != NULL) {
			diag_add(d, shown, f->line, f->col, DIAG_ERROR, "%s '%s' appears twice (first at line %u)",
			    what, s->code, first->line);
			rc = -1;
		} else
			(*n)++;
	}
	strmap_free(&seen);
	return rc;
}

/* Whether d->v[from..d->n) holds an error. */
static int has_error(const struct diags *d, size_t from)
{
	for (size_t i = from; i < d->n; i++)
		if (d->v[i].sev == DIAG_ERROR)
			return 1;
	return 0;
}

static int read_geojson(const char *path, const char *shown, const char *what,
    struct shape **out, size_t *n, struct arena *a, struct diags *d, int required,
    struct digest_ctx *src, struct snap *snap)
{
	struct buf b = BUF_INIT;
	int rc = read_all(path, shown, &b, d, required, src);
	if (rc != 0) {
		buf_release(&b);
		return rc < 0 ? -1 : 0;
	}
	/* Its outlines from the load snapshot when it holds those of these
	 * bytes; else its tree when it holds it (parsing a megabyte of
	 * outlines costs ~30 ms), as a YAML file's. */
	struct digest key = digest_bytes(b.data, b.len), skey = shapes_key(&key);
	if (shapes_take(snap, &skey, out, n, a, shown, d)) {
		buf_release(&b);
		return 0;
	}
	struct arena tree = ARENA_INIT;
	int failed = 0;
	size_t reported = d->n;
	struct ynode *root = NULL;
	if (!snap_take(snap, &key, shown, &tree, d, &root)) {
		size_t from = d->n;
		root = ytree_load(b.data, b.len, shown, 0, &tree, d, &failed);
		if (!failed && root)
			snap_put(snap, &key, root, d, from);
	}
	const struct ynode *fs = ytree_get(root, "features");
	rc = 0;
	if (!failed && (!fs || fs->kind != Y_SEQ)) {
		diag_add(d, shown, 1, 1, DIAG_ERROR, "expected a GeoJSON FeatureCollection");
		rc = -1;
	} else if (!failed) {
		rc = read_features(fs, shown, what, out, n, a, d);
	} else
		rc = -1;
	if (rc == 0 && !has_error(d, reported))
		shapes_put(snap, &skey, *out, *n, d, reported);
	arena_free(&tree);
	buf_release(&b);
	return rc;
}

/* Returns 1 when the file at path may be read: inside jail once its links
 * are followed (or missing, or no jail); reports it at shown if not. */
static int geo_place_ok(const char *jail, const char *path, const char *shown, struct diags *d)
{
	const char *bad = jail ? fs_place_problem(fs_place(jail, path)) : NULL;
	if (bad)
		diag_add_msg(d, shown, 0, 0, DIAG_ERROR, bad);
	return !bad;
}

int geo_read(struct geo *g, const char *dir, const char *shown, const char *jail,
    struct arena *a, struct snap *snap, struct diags *d)
{
	static const char *const csvs[] = { "communes.csv", "arrondissements.csv" };
	struct buf path = BUF_INIT, name = BUF_INIT, b[2] = { BUF_INIT, BUF_INIT };
	int rc = 0, got[2];
	size_t lines = 2;
	g->dir = arena_strdup(a, dir);
	struct digest_ctx *src = digest_new();
	/* Both files first: the array is allocated once, as the index points into it. */
	for (int i = 0; i < 2; i++) {
		fs_join(&path, dir, csvs[i]);
		fs_join(&name, shown, csvs[i]);
		got[i] = geo_place_ok(jail, path.data, name.data, d) ?
		    read_all(path.data, name.data, &b[i], d, i == 0, src) : -1;
		for (size_t j = 0; j < b[i].len; j++)
			lines += b[i].data[j] == '\n';
	}
	g->communes = arena_alloc(a, lines * sizeof(*g->communes));
	for (int i = 0; i < 2; i++) {
		fs_join(&name, shown, csvs[i]);
		if (got[i] < 0 || (got[i] == 0 && read_csv(g, &b[i], a, i == 1, name.data, d) < 0))
			rc = -1;
		if (got[i] < 0 && i == 0)
			g->unread = 1;
		buf_release(&b[i]);
	}
	struct { const char *file, *what; struct shape **v; size_t *n; int req; } gj[] = {
		{ "departements.geojson", "département", &g->departements, &g->n_departements, 1 },
		{ "communes.geojson", "commune", &g->commune_shapes, &g->n_commune_shapes, 1 },
		{ "arrondissements.geojson", "arrondissement", &g->arr_shapes, &g->n_arr_shapes, 0 },
	};
	for (size_t i = 0; i < 3; i++) {
		fs_join(&path, dir, gj[i].file);
		fs_join(&name, shown, gj[i].file);
		if (!geo_place_ok(jail, path.data, name.data, d) ||
		    read_geojson(path.data, name.data, gj[i].what, gj[i].v, gj[i].n, a, d, gj[i].req, src, snap) < 0)
			rc = -1;
	}
	g->src = digest_end(src);
	buf_release(&path);
	buf_release(&name);
	return rc;
}
