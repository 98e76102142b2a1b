/*
 * The offer × lieu rows of the open data (one column per enum col, in model
 * order), the words and codes they use, the sinks that stream a file in
 * pieces, each row as CSV, JSON or a GeoJSON feature, and the whole
 * extracts data/offres.csv and data/offres.geojson.
 */
#include "../opendata.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/escape.h"
#include "../../base/fs.h"
#include "../../base/mem.h"
#include "../../data/hours.h"
#include "../../data/index.h"
#include "../cache.h"
#include "../publish.h"
#include "opendata_int.h"



static const char *tri_fr(enum tri t)
{
	return t == TRI_TRUE ? "oui" : t == TRI_FALSE ? "non" : "";
}

const char *od_tri_json(enum tri t)
{
	return t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "null";
}

const char *const od_ens_code[] = { NULL, "presentiel", "mixte", "distance" };
const char *const od_entrees_code[] = { NULL, "permanentes", "dates_fixes" };



static void join_codes(struct buf *b, const struct svals *v, const struct vocab_list *l)
{
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_puts(b, " | ");
		buf_puts(b, l ? vocab_label(l, v->v[i].s) : v->v[i].s);
	}
}


static void sessions_text(struct buf *b, const struct offre *o)
{
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *s = &o->sessions[i];
		char d1[16], d2[16];
		civil_iso(s->debut, d1);
		civil_iso(s->fin, d2);
		buf_printf(b, "%s%s%s%s %s", i ? " | " : "", d1, s->fin ? "/" : "", d2, etat_code(s->etat));
		if (s->places >= 0)
			buf_printf(b, " (%ld places)", s->places);
	}
}

const char *const od_col_names[NCOL] = {
	"organisme_id", "organisme_nom", "nature", "siret", "offre_id", "intitule",
	"types", "types_libelles", "parcours", "echelle", "niveau_entree_min",
	"niveau_entree_max", "niveau_vise", "ecrit_requis", "publics", "age_min",
	"financeurs", "conventionne", "cpf", "certification", "gratuit",
	"montant_eur", "cout_precisions", "enseignement", "entrees_sorties",
	"heures_semaine", "duree_semaines", "horaires", "horaires_texte",
	"garde_enfants", "places", "sessions", "etat_recrutement",
	"places_disponibles", "lieu_id", "lieu_denomination", "adresse",
	"code_postal", "commune", "code_insee", "departement", "latitude",
	"longitude", "position", "acces_pmr", "transports", "contact_nom",
	"telephone", "courriel", "site_web", "page", "mise_a_jour",
};

static const char *num_or_empty(char *out, double v, int has, const char *fmt)
{
	if (!has)
		return "";
	snprintf(out, 32, fmt, v);
	return out;
}

static void fill_offre(struct row *r, const struct site *s, const struct offre *o)
{
	const struct vocab *v = &s->vocab;
	r->c[C_OFFRE_ID] = o->id.s;
	r->c[C_INTITULE] = o->intitule;
	join_codes(&r->scratch[0], &o->types, NULL);
	r->c[C_TYPES] = r->scratch[0].data;
	join_codes(&r->scratch[1], &o->types, &v->types_offre);
	r->c[C_TYPES_LIB] = r->scratch[1].data;
	r->c[C_PARCOURS] = o->parcours.s;
	r->c[C_ECHELLE] = o->echelle.s;
	r->c[C_NIV_MIN] = o->entree_min.s;
	r->c[C_NIV_MAX] = o->entree_max.s;
	r->c[C_NIV_VISE] = o->vise.s;
	r->c[C_ECRIT] = tri_fr(o->ecrit_requis);
	join_codes(&r->scratch[2], &o->publics, NULL);
	r->c[C_PUBLICS] = r->scratch[2].data;
	r->c[C_AGE_MIN] = num_or_empty(r->num[0], (double)o->age_min, o->age_min >= 0, "%.0f");
	join_codes(&r->scratch[3], &o->financeurs, NULL);
	r->c[C_FINANCEURS] = r->scratch[3].data;
	r->c[C_CONVENTIONNE] = tri_fr(o->conventionne);
	r->c[C_CPF] = tri_fr(o->cpf);
	r->c[C_CERTIF] = o->cert_intitule;
	r->c[C_GRATUIT] = tri_fr(o->gratuit);
	r->c[C_MONTANT] = num_or_empty(r->num[1], o->montant, o->has_montant, "%.2f");
	r->c[C_COUT_PREC] = o->cout_precisions;
	r->c[C_ENSEIGNEMENT] = od_ens_code[o->enseignement];
	r->c[C_ENTREES] = od_entrees_code[o->entrees];
	r->c[C_HEURES] = num_or_empty(r->num[2], o->heures_semaine, o->heures_semaine >= 0, "%g");
	r->c[C_SEMAINES] = num_or_empty(r->num[3], (double)o->duree_semaines, o->duree_semaines >= 0, "%.0f");
	r->c[C_HORAIRES] = o->horaires.s;
	hours_french(o->heures, r->hours, sizeof(r->hours));
	r->c[C_HORAIRES_FR] = r->hours;
	r->c[C_GARDE] = tri_fr(o->garde_enfants);
	r->c[C_PLACES] = num_or_empty(r->num[4], (double)o->places, o->places >= 0, "%.0f");
	sessions_text(&r->scratch[4], o);
	r->c[C_SESSIONS] = r->scratch[4].data;
	long pd;
	int e = offre_recrutement(o, &pd);
	r->c[C_RECRUTEMENT] = e < 0 ? NULL : etat_code((enum etat)e);
	r->c[C_PLACES_DISPO] = num_or_empty(r->num[5], (double)pd, pd >= 0, "%.0f");
	const struct contact *c = offre_contact(o);
	r->c[C_CONTACT] = c ? c->nom : NULL;
	r->c[C_TEL] = c ? c->telephone : NULL;
	r->c[C_COURRIEL] = c ? c->courriel.s : NULL;
}

static void fill_lieu(struct row *r, const struct lieu *l)
{
	r->c[C_LIEU_ID] = l->id.s;
	r->c[C_LIEU_NOM] = l->denomination;
	buf_reset(&r->scratch[5]);
	for (size_t i = 0; i < l->n_lignes; i++)
		buf_printf(&r->scratch[5], "%s%s", i ? ", " : "", l->lignes[i]);
	r->c[C_ADRESSE] = r->scratch[5].data;
	r->c[C_CP] = l->code_postal.s;
	r->c[C_COMMUNE] = l->commune ? l->commune->nom : l->commune_nom.s;
	r->c[C_INSEE] = l->code_insee.s;
	r->c[C_DEP] = l->dep;
	r->c[C_LAT] = num_or_empty(r->num[6], l->lat, 1, "%.5f");
	r->c[C_LON] = num_or_empty(r->num[7], l->lon, 1, "%.5f");
	r->c[C_GEO_SOURCE] = l->has_geo ? "lieu" : "commune";
	r->c[C_PMR] = tri_fr(l->acces_pmr);
	r->c[C_TRANSPORTS] = l->transports;
}

static void fill_org(struct row *r, const struct site *s, const struct organisme *o)
{
	r->c[C_ORG_ID] = o->id.s;
	r->c[C_ORG_NOM] = o->nom;
	r->c[C_NATURE] = o->nature.s;
	r->c[C_SIRET] = o->siret.s;
	r->c[C_SITE_WEB] = o->site_web.s;
	buf_reset(&r->scratch[6]);
	buf_puts(&r->scratch[6], s->base_url ? s->base_url : "");
	path_org_page(&r->scratch[6], o);
	r->c[C_PAGE] = r->scratch[6].data;
	civil_iso(o->mise_a_jour, r->maj);
	r->c[C_MAJ] = r->maj;
}

static void fill_offre_fresh(struct row *r, const struct site *s, const struct offre *o)
{
	for (size_t b = 0; b < 5; b++)
		buf_reset(&r->scratch[b]);
	fill_offre(r, s, o);
}

/* Every row of the site into k, a group of organisations a piece. */
static void org_pieces(const struct site *s, struct row *r, struct sink *k,
    void (*emit)(const struct row *, const struct lieu *, void *), int json)
{
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		struct sink_piece pc;
		struct digest_ctx *key = sink_piece_key(k);
		end = cache_piece_group(s, i, key, 0);
		if (!sink_piece_start(k, key, &pc, json))
			for (size_t g = i; g < end; g++)
				od_org_rows(s, r, s->organismes[g], emit, k);
		sink_piece_end(k, &pc);
	}
}

void od_rows(const struct site *s, struct row *r, const struct rowref *v, size_t n,
    void (*emit)(const struct row *, const struct lieu *, void *), void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		if (!i || v[i].o->org != v[i - 1].o->org)
			fill_org(r, s, v[i].o->org);
		if (!i || v[i].o != v[i - 1].o)
			fill_offre_fresh(r, s, v[i].o);
		fill_lieu(r, v[i].l);
		emit(r, v[i].l, ctx);
	}
}

void od_org_rows(const struct site *s, struct row *r, const struct organisme *o,
    void (*emit)(const struct row *, const struct lieu *, void *), void *ctx)
{
	fill_org(r, s, o);
	for (size_t k = 0; k < o->n_offres; k++) {
		fill_offre_fresh(r, s, &o->offres[k]);
		for (size_t l = 0; l < o->offres[k].n_lieux; l++) {
			fill_lieu(r, o->offres[k].lieux[l]);
			emit(r, o->offres[k].lieux[l], ctx);
		}
	}
}

void od_csv_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct sink *k = ctx;
	struct buf *b = &k->b;
	(void)l;
	for (int i = 0; i < NCOL; i++) {
		if (i)
			buf_putc(b, SEP);
		/* Numbers are data, not text: no formula guard needed or wanted. */
		if (i == C_LAT || i == C_LON || i == C_MONTANT || i == C_HEURES)
			buf_puts(b, r->c[i] ? r->c[i] : "");
		else
			esc_csv(b, r->c[i], SEP);
	}
	buf_puts(b, "\r\n");
	sink_flush(k, 0);
}

/* The row as a JSON object of its columns (null when empty). */
static void row_object(struct json *j, const struct row *r)
{
	json_object(j);
	for (int i = 0; i < NCOL; i++)
		json_kstr(j, od_col_names[i], r->c[i] && *r->c[i] ? r->c[i] : NULL);
	json_end(j);
}

/* One feature a line, in the array opened by od_geojson_open. */
void od_geojson_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct sink *k = ctx;
	struct json *j = &k->j;
	if (k->items++)
		json_ws(j, "\n");
	json_object(j);
	json_kstr(j, "type", "Feature");
	json_key(j, "geometry");
	json_object(j);
	json_kstr(j, "type", "Point");
	json_key(j, "coordinates");
	json_array(j);
	json_num(j, "%.5f", l->lon);
	json_num(j, "%.5f", l->lat);
	json_end(j);
	json_end(j);
	json_key(j, "properties");
	row_object(j, r);
	json_end(j);
	sink_flush(k, 0);
}

void od_geojson_open(struct sink *k)
{
	json_object(&k->j);
	json_kstr(&k->j, "type", "FeatureCollection");
	json_key(&k->j, "features");
	json_array(&k->j);
	json_ws(&k->j, "\n");
}

void od_geojson_close(struct sink *k)
{
	json_ws(&k->j, "\n");
	json_end(&k->j);
	json_end(&k->j);
	buf_putc(&k->b, '\n');
}

void od_row_free(struct row *r)
{
	for (size_t i = 0; i < 8; i++)
		buf_release(&r->scratch[i]);
}

void od_row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < 8; i++)
		r->scratch[i] = (struct buf)BUF_INIT;
}

void od_csv_header(struct buf *b, const char *const *names, int n)
{
	buf_puts(b, "\xEF\xBB\xBF");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, SEP);
		buf_puts(b, names[i]);
	}
	buf_puts(b, "\r\n");
}

static int csv_file(const struct site *s, struct publish *p, const char *path, struct cache *c)
{
	struct sink k;
	struct row r;
	if (sink_open(&k, p, path, c, JSON_COMPACT) < 0)
		return -1;
	od_row_init(&r);
	od_csv_header(&k.b, od_col_names, NCOL);
	org_pieces(s, &r, &k, od_csv_row, 0);
	od_row_free(&r);
	return sink_close(&k);
}

int write_csv(const struct site *s, struct publish *p, struct cache *c)
{
	return csv_file(s, p, PATH_OFFRES_CSV, c);
}

/* A cartography's rows as JSON: an array of objects with the CSV columns,
 * one a line, in the array opened by od_json_open. */
void od_json_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct sink *k = ctx;
	(void)l;
	if (k->items++)
		json_ws(&k->j, "\n");
	row_object(&k->j, r);
	sink_flush(k, 0);
}

void od_json_open(struct sink *k)
{
	json_array(&k->j);
	json_ws(&k->j, "\n");
}

void od_json_close(struct sink *k)
{
	json_ws(&k->j, "\n");
	json_end(&k->j);
	buf_putc(&k->b, '\n');
}

static int geojson_file(const struct site *s, struct publish *p, const char *path,
    struct cache *c)
{
	struct sink k;
	struct row r;
	if (sink_open(&k, p, path, c, JSON_COMPACT) < 0)
		return -1;
	od_row_init(&r);
	od_geojson_open(&k);
	org_pieces(s, &r, &k, od_geojson_row, 1);
	od_geojson_close(&k);
	od_row_free(&r);
	return sink_close(&k);
}

int write_geojson(const struct site *s, struct publish *p, struct cache *c)
{
	return geojson_file(s, p, PATH_OFFRES_GEOJSON, c);
}
