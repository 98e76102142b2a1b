/*
 * The directory in the data·inclusion schema v1 (the national hub of social
 * inclusion services): data/data-inclusion/structures.json (each
 * organisation a structure) and services.json (each offer a service, at its
 * first lieu, with the thématiques its types fit, publics, frais, hours in
 * OpenStreetMap syntax). Ids are "carto--<organisation>" and
 * "carto--<organisation>--<offer>", source "carto". Codes of carto's lists are
 * translated by fixed tables (inclusion.c); a code without an equivalent is
 * left out. The README documents every field. The two files are two jobs
 * of the pool.
 */
#ifndef CARTO_INCLUSION_H
#define CARTO_INCLUSION_H

struct backend;

/* Writes both files through the publisher; a failed write is reported
 * into the diagnostics with its path. */
extern const struct backend inclusion_backend;

#endif
