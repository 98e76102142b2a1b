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

/* Helpers the spreadsheet extracts share, so both say the same thing. */
/* Returns "ouvert" when a session recruits, else "suspendu" or "ferme";
 * NULL without sessions. The string is static. */
const char *opendata_recrutement(const struct offre *o);
/* Returns the open places summed over open sessions, -1 when unknown. */
long opendata_places_dispo(const struct offre *o);
/* Writes an opening_hours schedule in plain French into out ("" when osm
 * is NULL or does not parse). */
void opendata_hours_fr(char *out, size_t size, const char *osm);

#endif
