/*
 * Maps drawn at build time from referentiels/geo/: a projection (local
 * equirectangular, which is exact enough at the scale of a region) and
 * outlines simplified once per build into SVG path data, for the region (its
 * départements, also one by one so that each may be a link), for each
 * département (its communes), and for a zoom on Paris and the petite
 * couronne (75, 92, 93, 94: where the offer is densest). Read-only once
 * built: shared by every page, and by the PDF booklets later.
 */
#ifndef CARTO_SVGMAP_H
#define CARTO_SVGMAP_H

#include <stddef.h>

#include "../data/derive.h"

struct geo;

struct proj {
	double minlon, maxlat, s, c;	/* origin, pixels per degree, cos(latitude) */
	double w, h;			/* the drawing's size in pixels */
};

struct basemap {
	char code[4];			/* "" for the region */
	struct proj pr;
	char *paths;			/* SVG <path> elements of the outlines */
};

struct svgmap_lazy;

struct svgmap {
	struct basemap region;
	struct basemap *deps;		/* each drawn at its first svgmap_dep */
	size_t n_deps;
	char **region_d;		/* each département's path data on the
					 * region's drawing, in the order of
					 * geo.departements (n_deps of them) */
	struct basemap zoom;		/* Paris and the petite couronne
					 * (svgmap_zoom_deps); paths NULL when
					 * the territory has fewer than two, or
					 * nothing else */
	const struct geo *geo;		/* the outlines svgmap_dep draws from */
	struct svgmap_lazy *lazy;	/* which départements are drawn */
};

/* The départements of the zoom of the region map. */
extern const char *const svgmap_zoom_deps[4];

/* Marker colours by offer type, in the order of types_offre, the last one
 * (TYPE_OTHER, derive.h) neutral for the types beyond the others: each at
 * least 4.5:1 against white (the count inside) and the map's lightest fills
 * (#fff, #f3f6fb, #e3ecf7), so 3:1 for the marker as a graphic object
 * (WCAG 1.4.11). Shared by the SVG maps and the PDF booklets. */
extern const char *const svgmap_palette[TYPE_COLOURS + 1];

/* Projects the region's outlines and the zoom's once; g must outlive m
 * (a département's map is drawn from it when first asked for). */
void svgmap_build(struct svgmap *m, const struct geo *g);
/* The base map of a département, or NULL. It is drawn at the first call
 * for it (a rebuild that renders the pages of one or two départements
 * draws their maps, not all eight: about 8 ms of CPU on the region),
 * under a lock, once; any thread may call it. */
const struct basemap *svgmap_dep(const struct svgmap *m, const char *code);
/* The number of départements' maps drawn so far (CARTO_TIMING). */
size_t svgmap_drawn(const struct svgmap *m);
/* Projects a point into the drawing. */
void svgmap_xy(const struct proj *p, double lon, double lat, double *x, double *y);
/* The rectangle that the drawing inner covers, on the drawing outer: x, y,
 * width, height in frame[0..3] (the zoom's frame on the region map). */
void svgmap_frame(const struct proj *outer, const struct proj *inner, double *frame);
void svgmap_free(struct svgmap *m);
/* Douglas–Peucker on a closed ring of n points (x, y pairs, any unit):
 * sets keep[i] to 1 for the points to draw so that no dropped point lies
 * farther than tol from the line drawn, 0 for the others; rings of fewer
 * than 4 points are kept whole. Returns the number kept. Shared by the SVG
 * maps (tolerance in pixels) and the PDF maps (in points). */
size_t svgmap_simplify(const double *xy, size_t n, double tol, char *keep);

#endif
