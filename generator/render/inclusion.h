/*
 * The directory in the data·inclusion schema v1 (the national hub of social
 * inclusion services): data/data-inclusion/structures.json (each
 * organisation a structure) and services.json (each offer a service, at its
 * first lieu, with the thématiques its types fit, publics, frais, hours in
 * OpenStreetMap syntax). Ids are "carto--<organisation>" and
 * "carto--<organisation>--<offer>", source "carto". Codes of carto's lists are
 * translated by fixed tables (inclusion.c); a code without an equivalent is
 * left out. The README documents every field.
 */
#ifndef CARTO_INCLUSION_H
#define CARTO_INCLUSION_H

struct site;
struct publish;

/* Writes both files. Returns 0, or -1 when one cannot be written. */
int inclusion_render(const struct site *s, struct publish *p);

#endif
