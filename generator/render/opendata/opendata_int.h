/*
 * Shared by the open data module's own files (generator/render/opendata/)
 * only: the offer × lieu rows (struct row, one string per column, filled
 * in model order by od_each_row), their CSV, JSON and GeoJSON written into
 * a sink (render/sink.h), and the writers that opendata.c runs on the job
 * pool. Writers return 0 or -1.
 */
#ifndef CARTO_OPENDATA_INT_H
#define CARTO_OPENDATA_INT_H

#include <stdio.h>

#include "../../base/buf.h"
#include "../../base/civil.h"
#include "../../base/digest.h"
#include "../../base/json.h"
#include "../../data/derive.h"
#include "../../data/model.h"
#include "../../data/paths.h"
#include "../sink.h"

struct cache;
struct publish;

#define SEP ';'

/* The columns of an offer × lieu row, shared by CSV and GeoJSON. */
enum col {
	C_ORG_ID, C_ORG_NOM, C_NATURE, C_SIRET, C_OFFRE_ID, C_INTITULE, C_TYPES,
	C_TYPES_LIB, C_PARCOURS, C_ECHELLE, C_NIV_MIN, C_NIV_MAX, C_NIV_VISE,
	C_ECRIT, C_PUBLICS, C_AGE_MIN, C_FINANCEURS, C_CONVENTIONNE, C_CPF,
	C_CERTIF, C_GRATUIT, C_MONTANT, C_COUT_PREC, C_ENSEIGNEMENT, C_ENTREES,
	C_HEURES, C_SEMAINES, C_HORAIRES, C_HORAIRES_FR, C_GARDE, C_PLACES,
	C_SESSIONS, C_RECRUTEMENT, C_PLACES_DISPO, C_LIEU_ID, C_LIEU_NOM,
	C_ADRESSE, C_CP, C_COMMUNE, C_INSEE, C_DEP, C_LAT, C_LON, C_GEO_SOURCE,
	C_PMR, C_TRANSPORTS, C_CONTACT, C_TEL, C_COURRIEL, C_SITE_WEB, C_PAGE,
	C_MAJ, NCOL
};

/* One offer × lieu row: its columns as strings ("" when empty), and the
 * buffers they point into, reused from row to row (od_row_init, od_row_free). */
struct row {
	const char *c[NCOL];
	struct buf scratch[8];
	char num[8][32];
	char hours[256];
	char maj[CIVIL_SIZE];
};

extern const char *const od_col_names[NCOL];	/* by enum col */
extern const char *const od_ens_code[], *const od_entrees_code[];

/* opendata_rows.c: rows, and CSV, JSON and GeoJSON rows. */
void od_csv_row(const struct row *r, const struct lieu *l, void *ctx);
/* A CSV file's start: the byte order mark and the header line. */
void od_csv_header(struct buf *b, const char *const *names, int n);
/* A JSON array of rows and a GeoJSON collection of features, one a line:
 * open, rows, close. */
void od_geojson_open(struct sink *k);
void od_geojson_row(const struct row *r, const struct lieu *l, void *ctx);
void od_geojson_close(struct sink *k);
void od_json_open(struct sink *k);
void od_json_row(const struct row *r, const struct lieu *l, void *ctx);
void od_json_close(struct sink *k);
void od_row_free(struct row *r);
void od_row_init(struct row *r);
/* Calls emit for the n rows v of a cartography (index.h), in their order. */
struct rowref;
void od_rows(const struct site *s, struct row *r, const struct rowref *v, size_t n,
    void (*emit)(const struct row *, const struct lieu *, void *), void *ctx);
/* Calls emit for every row of organisation o, in model order. */
void od_org_rows(const struct site *s, struct row *r, const struct organisme *o,
    void (*emit)(const struct row *, const struct lieu *, void *), void *ctx);
const char *od_tri_json(enum tri t);

/* The whole extracts: offres.csv and offres.geojson (opendata_rows.c),
 * organismes.json and one JSON per référentiel (opendata_json.c). */
int write_csv(const struct site *s, struct publish *p, struct cache *c);
int write_geojson(const struct site *s, struct publish *p, struct cache *c);
int write_orgs(const struct site *s, struct publish *p, struct cache *c);
int write_ref(const struct site *s, const struct referentiel *r, struct publish *p);
/* suites.csv and suites.json (opendata_suites.c). */
int write_suites(const struct site *s, struct publish *p, struct cache *c);

#endif
