/*
 * The open data extracts under data/ (format.md §8): the directory of
 * organisations as JSON, offers × lieux as CSV and GeoJSON, each référentiel
 * with its correspondences as JSON. Columns are documented in the README.
 */
#ifndef CARTO_OPENDATA_H
#define CARTO_OPENDATA_H

#include <stddef.h>

struct offre;
struct site;
struct publish;

/* Writes every extract, on up to jobs threads; returns 0, or -1 when a file
 * cannot be written. */
int opendata_render(const struct site *s, struct publish *p, int jobs);

#endif
