/*
 * The open data extracts under data/ (format.md §8): the directory of
 * organisations as JSON, offers × lieux as CSV and GeoJSON, each référentiel
 * with its correspondences as JSON. Columns are documented in the README.
 */
#ifndef CARTO_OPENDATA_H
#define CARTO_OPENDATA_H

#include <stddef.h>

struct backend;
struct offre;

/* Every extract, one job each on the pool. */
extern const struct backend opendata_backend;

#endif
