/*
 * Open data writers. One pass over organisations for each format; rows are
 * built in a reused buffer. CSV is UTF-8 with a byte order mark (so Excel
 * reads the accents), ';' separated (the separator French spreadsheets
 * expect), CRLF line ends (RFC 4180). Start at opendata_render.
 */
#include "opendata.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/escape.h"
#include "../base/mem.h"
#include "../data/hours.h"
#include "../data/index.h"
#include "../data/model.h"
#include "publish.h"

#define SEP ';'

static const char *label(const struct vocab_list *l, const char *code)
{
	const struct term *t = code ? strmap_get(&l->by_code, code) : NULL;
	return t ? t->libelle : code;
}

static void date_str(char *out, int d)
{
	if (d)
		snprintf(out, 16, "%04u-%02u-%02u", (unsigned)d / 10000 % 10000,
		    (unsigned)d / 100 % 100, (unsigned)d % 100);
	else
		out[0] = '\0';
}

static const char *tri_fr(enum tri t)
{
	return t == TRI_TRUE ? "oui" : t == TRI_FALSE ? "non" : "";
}

static const char *tri_json(enum tri t)
{
	return t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "null";
}

static const char *const etat_code[] = { "ouvert", "ferme", "suspendu" };
static const char *const ens_code[] = { NULL, "presentiel", "mixte", "distance" };
static const char *const entrees_code[] = { NULL, "permanentes", "dates_fixes" };

const char *opendata_recrutement(const struct offre *o)
{
	if (!o->n_sessions)
		return NULL;
	for (size_t i = 0; i < o->n_sessions; i++)
		if (o->sessions[i].etat == ETAT_OUVERT)
			return "ouvert";
	for (size_t i = 0; i < o->n_sessions; i++)
		if (o->sessions[i].etat == ETAT_SUSPENDU)
			return "suspendu";
	return "ferme";
}

long opendata_places_dispo(const struct offre *o)
{
	long total = -1;
	for (size_t i = 0; i < o->n_sessions; i++)
		if (o->sessions[i].etat == ETAT_OUVERT && o->sessions[i].places >= 0)
			total = (total < 0 ? 0 : total) + o->sessions[i].places;
	return total;
}

static void join_codes(struct buf *b, const struct svals *v, const struct vocab_list *l)
{
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_puts(b, " | ");
		buf_puts(b, l ? label(l, v->v[i].s) : v->v[i].s);
	}
}

void opendata_hours_fr(char *out, size_t size, const char *osm)
{
	struct hours h;
	const char *err;
	size_t at;
	out[0] = '\0';
	if (osm && hours_parse(osm, &h, &err, &at) == 0)
		hours_french(&h, out, size);
}

static void sessions_text(struct buf *b, const struct offre *o)
{
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *s = &o->sessions[i];
		char d1[16], d2[16];
		date_str(d1, s->debut);
		date_str(d2, s->fin);
		buf_printf(b, "%s%s%s%s %s", i ? " | " : "", d1, s->fin ? "/" : "", d2, etat_code[s->etat]);
		if (s->places >= 0)
			buf_printf(b, " (%ld places)", s->places);
	}
}

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

static const char *const col_names[NCOL] = {
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

struct row {
	const char *c[NCOL];
	struct buf scratch[8];
	char num[8][32];
	char hours[256];
	char maj[16];
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
	r->c[C_ENSEIGNEMENT] = ens_code[o->enseignement];
	r->c[C_ENTREES] = entrees_code[o->entrees];
	r->c[C_HEURES] = num_or_empty(r->num[2], o->heures_semaine, o->heures_semaine >= 0, "%g");
	r->c[C_SEMAINES] = num_or_empty(r->num[3], (double)o->duree_semaines, o->duree_semaines >= 0, "%.0f");
	r->c[C_HORAIRES] = o->horaires.s;
	opendata_hours_fr(r->hours, sizeof(r->hours), o->horaires.s);
	r->c[C_HORAIRES_FR] = r->hours;
	r->c[C_GARDE] = tri_fr(o->garde_enfants);
	r->c[C_PLACES] = num_or_empty(r->num[4], (double)o->places, o->places >= 0, "%.0f");
	sessions_text(&r->scratch[4], o);
	r->c[C_SESSIONS] = r->scratch[4].data;
	r->c[C_RECRUTEMENT] = opendata_recrutement(o);
	long pd = opendata_places_dispo(o);
	r->c[C_PLACES_DISPO] = num_or_empty(r->num[5], (double)pd, pd >= 0, "%.0f");
	const struct contact *c = o->has_contact ? &o->contact : o->org->has_contact ? &o->org->contact : NULL;
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
	buf_printf(&r->scratch[6], "%sorganismes/%s/", s->base_url ? s->base_url : "", o->id.s);
	r->c[C_PAGE] = r->scratch[6].data;
	date_str(r->maj, o->mise_a_jour);
	r->c[C_MAJ] = r->maj;
}

/* Calls emit for every offer × lieu row of the site, in model order. */
/* Which rows an extract holds: all, or a cartography's (and a département's). */
struct filter {
	const struct cartographie *c;
	const char *dep;
};

static void each_row(const struct site *s, struct row *r, const struct filter *f,
    void (*emit)(const struct row *, const struct lieu *, void *), void *ctx)
{
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		fill_org(r, s, o);
		for (size_t k = 0; k < o->n_offres; k++) {
			const struct offre *of = &o->offres[k];
			if (f && f->c && !carto_takes_offre(f->c, of))
				continue;
			for (size_t b = 0; b < 5; b++)
				buf_reset(&r->scratch[b]);
			fill_offre(r, s, of);
			for (size_t l = 0; l < of->n_lieux; l++) {
				if (f && f->c && !carto_takes_lieu(f->c, f->dep, of->lieux[l]))
					continue;
				fill_lieu(r, of->lieux[l]);
				emit(r, of->lieux[l], ctx);
			}
		}
	}
}

/* Output streamed to a file in 64 KiB pieces, so memory does not grow with
 * the size of an extract. */
struct sink {
	struct buf b;
	FILE *f;
	int items;
	int failed;
};

static void sink_flush(struct sink *k, int force)
{
	if (k->b.len < 65536 && !force)
		return;
	if (k->f && fwrite(k->b.data, 1, k->b.len, k->f) != k->b.len)
		k->failed = 1;
	buf_reset(&k->b);
}

static int sink_open(struct sink *k, struct publish *p, const char *rel)
{
	memset(k, 0, sizeof(*k));
	k->b = (struct buf)BUF_INIT;
	k->f = publish_open(p, rel);
	return k->f ? 0 : -1;
}

static int sink_close(struct sink *k)
{
	sink_flush(k, 1);
	int rc = k->failed ? -1 : 0;
	if (k->f && fclose(k->f) != 0)
		rc = -1;
	buf_release(&k->b);
	return rc;
}

static void csv_row(const struct row *r, const struct lieu *l, void *ctx)
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

/* The row's columns as JSON members: "name":"value" (null when empty). */
static void row_props(struct buf *b, const struct row *r)
{
	for (int i = 0; i < NCOL; i++) {
		if (i)
			buf_putc(b, ',');
		esc_json(b, col_names[i]);
		buf_putc(b, ':');
		esc_json(b, r->c[i] && *r->c[i] ? r->c[i] : NULL);
	}
}

static void geojson_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct sink *k = ctx;
	struct buf *b = &k->b;
	if (k->items++)
		buf_puts(b, ",\n");
	buf_printf(b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.5f,%.5f]},\"properties\":{",
	    l->lon, l->lat);
	row_props(b, r);
	buf_puts(b, "}}");
	sink_flush(k, 0);
}

static void row_free(struct row *r)
{
	for (size_t i = 0; i < 8; i++)
		buf_release(&r->scratch[i]);
}

static void row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < 8; i++)
		r->scratch[i] = (struct buf)BUF_INIT;
}

static int csv_file(const struct site *s, struct publish *p, const char *path,
    const struct filter *f)
{
	struct sink k;
	struct row r;
	if (sink_open(&k, p, path) < 0)
		return -1;
	row_init(&r);
	buf_puts(&k.b, "\xEF\xBB\xBF");
	for (int i = 0; i < NCOL; i++) {
		if (i)
			buf_putc(&k.b, SEP);
		buf_puts(&k.b, col_names[i]);
	}
	buf_puts(&k.b, "\r\n");
	each_row(s, &r, f, csv_row, &k);
	row_free(&r);
	return sink_close(&k);
}

static int write_csv(const struct site *s, struct publish *p)
{
	return csv_file(s, p, "data/offres.csv", NULL);
}

/* A cartography's rows as JSON: an array of objects with the CSV columns. */
static void json_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct sink *k = ctx;
	struct buf *b = &k->b;
	(void)l;
	buf_puts(b, k->items++ ? ",\n{" : "{");
	row_props(b, r);
	buf_putc(b, '}');
	sink_flush(k, 0);
}

static int geojson_file(const struct site *s, struct publish *p, const char *path,
    const struct filter *f)
{
	struct sink k;
	struct row r;
	if (sink_open(&k, p, path) < 0)
		return -1;
	row_init(&r);
	buf_puts(&k.b, "{\"type\":\"FeatureCollection\",\"features\":[\n");
	each_row(s, &r, f, geojson_row, &k);
	buf_puts(&k.b, "\n]}\n");
	row_free(&r);
	return sink_close(&k);
}

/* ---- JSON ---- */

static void jkey(struct buf *b, const char *k)
{
	esc_json(b, k);
	buf_putc(b, ':');
}

static void jstr(struct buf *b, const char *k, const char *v)
{
	jkey(b, k);
	esc_json(b, v);
	buf_putc(b, ',');
}

static void jcodes(struct buf *b, const char *k, const struct svals *v)
{
	jkey(b, k);
	buf_putc(b, '[');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_putc(b, ',');
		esc_json(b, v->v[i].s);
	}
	buf_puts(b, "],");
}

static void jnum(struct buf *b, const char *k, double v, int has, const char *fmt)
{
	jkey(b, k);
	if (has)
		buf_printf(b, fmt, v);
	else
		buf_puts(b, "null");
	buf_putc(b, ',');
}

static void jdate(struct buf *b, const char *k, int d)
{
	char s[16];
	date_str(s, d);
	jstr(b, k, d ? s : NULL);
}

/* Replaces the trailing ',' of an object or array with its closing char. */
static void jclose(struct buf *b, char c)
{
	if (b->len && b->data[b->len - 1] == ',')
		b->data[b->len - 1] = c;
	else
		buf_putc(b, c);
}

static void json_contact(struct buf *b, const char *k, const struct contact *c, int has)
{
	jkey(b, k);
	if (!has) {
		buf_puts(b, "null,");
		return;
	}
	buf_putc(b, '{');
	jstr(b, "nom", c->nom);
	jstr(b, "telephone", c->telephone);
	jstr(b, "courriel", c->courriel.s);
	jclose(b, '}');
	buf_putc(b, ',');
}

static void json_lieu(struct buf *b, const struct lieu *l)
{
	buf_putc(b, '{');
	jstr(b, "id", l->id.s);
	jstr(b, "denomination", l->denomination);
	jkey(b, "adresse");
	buf_putc(b, '[');
	for (size_t i = 0; i < l->n_lignes; i++) {
		if (i)
			buf_putc(b, ',');
		esc_json(b, l->lignes[i]);
	}
	buf_puts(b, "],");
	jstr(b, "code_postal", l->code_postal.s);
	jstr(b, "commune", l->commune ? l->commune->nom : l->commune_nom.s);
	jstr(b, "code_insee", l->code_insee.s);
	jstr(b, "departement", l->dep);
	jnum(b, "latitude", l->lat, 1, "%.5f");
	jnum(b, "longitude", l->lon, 1, "%.5f");
	jstr(b, "position", l->has_geo ? "lieu" : "commune");
	jkey(b, "acces_pmr");
	buf_printf(b, "%s,", tri_json(l->acces_pmr));
	jstr(b, "transports", l->transports);
	jstr(b, "horaires_accueil", l->horaires_accueil.s);
	jclose(b, '}');
}

static void json_sessions(struct buf *b, const struct offre *o)
{
	jkey(b, "sessions");
	buf_putc(b, '[');
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *s = &o->sessions[i];
		buf_putc(b, '{');
		jdate(b, "debut", s->debut);
		jdate(b, "fin", s->fin);
		jstr(b, "etat_recrutement", etat_code[s->etat]);
		jnum(b, "places_disponibles", (double)s->places, s->places >= 0, "%.0f");
		jclose(b, '}');
		buf_putc(b, ',');
	}
	jclose(b, ']');
	buf_putc(b, ',');
}

static void json_offre(struct buf *b, const struct offre *o)
{
	char hfr[256];
	buf_putc(b, '{');
	jstr(b, "id", o->id.s);
	jstr(b, "intitule", o->intitule);
	jcodes(b, "types", &o->types);
	jstr(b, "parcours", o->parcours.s);
	jstr(b, "objectif", o->objectif);
	jcodes(b, "formacodes", &o->formacodes);
	jkey(b, "niveaux");
	buf_putc(b, '{');
	jstr(b, "echelle", o->echelle.s);
	jstr(b, "entree_min", o->entree_min.s);
	jstr(b, "entree_max", o->entree_max.s);
	jstr(b, "vise", o->vise.s);
	jkey(b, "ecrit_requis");
	buf_printf(b, "%s},", tri_json(o->ecrit_requis));
	jcodes(b, "publics", &o->publics);
	jnum(b, "age_min", (double)o->age_min, o->age_min >= 0, "%.0f");
	jnum(b, "age_max", (double)o->age_max, o->age_max >= 0, "%.0f");
	jstr(b, "public_precisions", o->public_precisions);
	jcodes(b, "financeurs", &o->financeurs);
	jkey(b, "conventionne");
	buf_printf(b, "%s,", tri_json(o->conventionne));
	jkey(b, "cpf");
	buf_printf(b, "%s,", tri_json(o->cpf));
	jstr(b, "certification_code", o->cert_code);
	jstr(b, "certification", o->cert_intitule);
	jkey(b, "gratuit");
	buf_printf(b, "%s,", tri_json(o->gratuit));
	jnum(b, "montant_eur", o->montant, o->has_montant, "%.2f");
	jstr(b, "cout_precisions", o->cout_precisions);
	jstr(b, "enseignement", ens_code[o->enseignement]);
	jstr(b, "entrees_sorties", entrees_code[o->entrees]);
	jnum(b, "heures_semaine", o->heures_semaine, o->heures_semaine >= 0, "%g");
	jnum(b, "duree_semaines", (double)o->duree_semaines, o->duree_semaines >= 0, "%.0f");
	jstr(b, "horaires", o->horaires.s);
	opendata_hours_fr(hfr, sizeof(hfr), o->horaires.s);
	jstr(b, "horaires_texte", o->horaires.s ? hfr : NULL);
	jkey(b, "garde_enfants");
	buf_printf(b, "%s,", tri_json(o->garde_enfants));
	jnum(b, "places", (double)o->places, o->places >= 0, "%.0f");
	jcodes(b, "lieux", &o->lieu_ids);
	json_sessions(b, o);
	jstr(b, "etat_recrutement", opendata_recrutement(o));
	json_contact(b, "contact", &o->contact, o->has_contact);
	jcodes(b, "competences", &o->competences);
	jclose(b, '}');
}

static void json_org(struct buf *b, const struct site *s, const struct organisme *o)
{
	buf_putc(b, '{');
	jstr(b, "id", o->id.s);
	jstr(b, "nom", o->nom);
	jstr(b, "siret", o->siret.s);
	jstr(b, "nature", o->nature.s);
	jstr(b, "nature_libelle", label(&s->vocab.natures, o->nature.s));
	jcodes(b, "labels", &o->labels);
	jstr(b, "site_web", o->site_web.s);
	json_contact(b, "contact", &o->contact, o->has_contact);
	jkey(b, "lieux");
	buf_putc(b, '[');
	for (size_t i = 0; i < o->n_lieux; i++) {
		json_lieu(b, &o->lieux[i]);
		buf_putc(b, ',');
	}
	jclose(b, ']');
	buf_putc(b, ',');
	jkey(b, "offres");
	buf_putc(b, '[');
	for (size_t i = 0; i < o->n_offres; i++) {
		json_offre(b, &o->offres[i]);
		buf_putc(b, ',');
	}
	jclose(b, ']');
	buf_putc(b, ',');
	jstr(b, "source", o->source);
	jdate(b, "mise_a_jour", o->mise_a_jour);
	jclose(b, '}');
}

static void json_header(struct buf *b, const struct site *s)
{
	buf_putc(b, '{');
	jstr(b, "titre", s->titre);
	jstr(b, "licence", s->licence);
	jdate(b, "mise_a_jour", s->last_update);
}

static int write_orgs(const struct site *s, struct publish *p)
{
	struct sink k;
	if (sink_open(&k, p, "data/organismes.json") < 0)
		return -1;
	json_header(&k.b, s);
	jkey(&k.b, "organismes");
	buf_puts(&k.b, "[\n");
	for (size_t i = 0; i < s->n_organismes; i++) {
		if (i)
			buf_puts(&k.b, ",\n");
		json_org(&k.b, s, s->organismes[i]);
		sink_flush(&k, 0);
	}
	buf_puts(&k.b, "\n]}\n");
	return sink_close(&k);
}

static const char *const corr_types[] = { "equivalente", "partielle", "contribue" };

/* One direction of the correspondences of an entry. */
static void json_uses(struct buf *b, const char *k, const struct corr_use *u,
    size_t n, int outgoing)
{
	jkey(b, k);
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		const struct corr_link *l = u[i].link;
		buf_putc(b, '{');
		jstr(b, "referentiel", outgoing ? u[i].corr->vers->id : u[i].corr->de->id);
		if (outgoing)
			jcodes(b, "codes", &l->vers);
		else {
			jkey(b, "codes");
			buf_putc(b, '[');
			esc_json(b, l->de.s);
			buf_puts(b, "],");
		}
		jstr(b, "type", corr_types[l->type]);
		jstr(b, "niveau_de", l->niveau_de.s);
		jstr(b, "note", l->note);
		jstr(b, "source", u[i].corr->source);
		jclose(b, '}');
		buf_putc(b, ',');
	}
	jclose(b, ']');
	buf_putc(b, ',');
}

static void json_entry(struct buf *b, const struct ref_entry *e)
{
	static const char *const kinds[] = { "domaine", "competence", "critere" };
	buf_putc(b, '{');
	jstr(b, "type", kinds[e->kind]);
	jstr(b, "code", e->code);
	jstr(b, e->kind == ENTRY_CRITERE ? "libelle" : "titre", e->titre);
	if (e->description)
		jstr(b, "description", e->description);
	if (e->kind == ENTRY_CRITERE)
		jstr(b, "niveau", e->niveau.s);
	json_uses(b, "correspond_a", e->out, e->n_out, 1);
	json_uses(b, "alimente_par", e->in, e->n_in, 0);
	if (e->kind == ENTRY_COMPETENCE) {
		jkey(b, "offres");
		buf_putc(b, '[');
		for (size_t i = 0; i < e->n_offres; i++) {
			buf_putc(b, '{');
			jstr(b, "organisme", e->offres[i]->org->id.s);
			jstr(b, "offre", e->offres[i]->id.s);
			jclose(b, '}');
			buf_putc(b, ',');
		}
		jclose(b, ']');
		buf_putc(b, ',');
	}
	if (e->kind != ENTRY_CRITERE) {
		jkey(b, e->kind == ENTRY_DOMAINE ? "competences" : "criteres");
		buf_putc(b, '[');
		for (size_t i = 0; i < e->n_children; i++) {
			json_entry(b, &e->children[i]);
			buf_putc(b, ',');
		}
		jclose(b, ']');
		buf_putc(b, ',');
	}
	jclose(b, '}');
}

static int write_ref(const struct site *s, const struct referentiel *r, struct publish *p)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	json_header(&b, s);
	jstr(&b, "id", r->id);
	jstr(&b, "titre_referentiel", r->titre);
	jstr(&b, "titre_court", r->titre_court);
	jstr(&b, "version", r->version);
	jstr(&b, "editeur", r->editeur);
	jstr(&b, "source_url", r->source_url);
	jkey(&b, "nombres");
	buf_printf(&b, "{\"domaines\":%zu,\"competences\":%zu,\"criteres\":%zu},",
	    r->n_domaines, r->n_competences, r->n_criteres);
	jkey(&b, "libelles");
	buf_putc(&b, '{');
	jstr(&b, "domaine", r->lib_domaine);
	jstr(&b, "competence", r->lib_competence);
	jstr(&b, "critere", r->lib_critere);
	jclose(&b, '}');
	buf_putc(&b, ',');
	jkey(&b, "echelle");
	if (r->echelle.n) {
		buf_putc(&b, '{');
		jstr(&b, "id", r->echelle.id);
		jkey(&b, "niveaux");
		buf_putc(&b, '[');
		for (size_t i = 0; i < r->echelle.n; i++) {
			buf_putc(&b, '{');
			jstr(&b, "code", r->echelle.v[i].code);
			jstr(&b, "titre", r->echelle.v[i].titre);
			buf_printf(&b, "\"rang\":%d},", r->echelle.v[i].rang);
		}
		jclose(&b, ']');
		buf_puts(&b, "},");
	} else
		buf_puts(&b, "null,");
	jkey(&b, "domaines");
	buf_puts(&b, "[\n");
	for (size_t i = 0; i < r->n_domaines; i++) {
		json_entry(&b, &r->domaines[i]);
		buf_puts(&b, ",\n");
	}
	buf_truncate(&b, b.len - (r->n_domaines ? 2 : 0));
	buf_puts(&b, "]}\n");
	buf_printf(&path, "data/referentiels/%s.json", r->id);
	int rc = publish_write(p, path.data, b.data, b.len);
	buf_release(&b);
	buf_release(&path);
	return rc;
}

static int write_geojson(const struct site *s, struct publish *p)
{
	return geojson_file(s, p, "data/offres.geojson", NULL);
}

/* data/cartographies/<id>[-<dep>].{csv,json,geojson}: the same columns and
 * safety as the whole extracts, limited to the cartography's rows. One pass
 * over the offers per cartography feeds the region's files and the
 * département's at once. */
struct carto_sinks {
	struct sink region[3];
	struct sink deps[16][3];
	const struct site *s;
	int per_dep;
};

static void carto_row(const struct row *r, const struct lieu *l, void *ctx)
{
	struct carto_sinks *cs = ctx;
	struct sink *targets[2] = { cs->region, NULL };
	for (size_t d = 0; cs->per_dep && d < cs->s->geo.n_departements && d < 16; d++)
		if (strcmp(cs->s->geo.departements[d].code, l->dep) == 0)
			targets[1] = cs->deps[d];
	for (int t = 0; t < 2 && targets[t]; t++) {
		csv_row(r, l, &targets[t][0]);
		json_row(r, l, &targets[t][1]);
		geojson_row(r, l, &targets[t][2]);
	}
}

static int open_view(struct sink *k, struct publish *p, const char *id, const char *dep)
{
	static const char *const ext[] = { "csv", "json", "geojson" };
	struct buf path = BUF_INIT;
	int rc = 0;
	for (int e = 0; e < 3; e++) {
		buf_reset(&path);
		buf_printf(&path, "data/cartographies/%s%s%s.%s", id, dep ? "-" : "", dep ? dep : "", ext[e]);
		if (sink_open(&k[e], p, path.data) < 0)
			rc = -1;
	}
	buf_release(&path);
	buf_puts(&k[0].b, "\xEF\xBB\xBF");
	for (int i = 0; i < NCOL; i++) {
		if (i)
			buf_putc(&k[0].b, SEP);
		buf_puts(&k[0].b, col_names[i]);
	}
	buf_puts(&k[0].b, "\r\n");
	buf_puts(&k[1].b, "[\n");
	buf_puts(&k[2].b, "{\"type\":\"FeatureCollection\",\"features\":[\n");
	return rc;
}

static int close_view(struct sink *k)
{
	buf_puts(&k[1].b, "\n]\n");
	buf_puts(&k[2].b, "\n]}\n");
	int rc = 0;
	for (int e = 0; e < 3; e++)
		if (sink_close(&k[e]) < 0)
			rc = -1;
	return rc;
}

static int write_cartos(const struct site *s, struct publish *p)
{
	int rc = 0;
	for (size_t i = 0; i < s->n_cartographies && rc == 0; i++) {
		const struct cartographie *c = s->cartographies[i];
		struct carto_sinks *cs = xcalloc(1, sizeof(*cs));
		size_t nd = s->geo.n_departements < 16 ? s->geo.n_departements : 16;
		cs->s = s;
		cs->per_dep = c->par_departement;
		rc |= open_view(cs->region, p, c->id.s, NULL);
		for (size_t d = 0; cs->per_dep && d < nd; d++)
			rc |= open_view(cs->deps[d], p, c->id.s, s->geo.departements[d].code);
		struct filter f = { c, NULL };
		struct row r;
		row_init(&r);
		if (rc == 0)
			each_row(s, &r, &f, carto_row, cs);
		row_free(&r);
		rc |= close_view(cs->region);
		for (size_t d = 0; cs->per_dep && d < nd; d++)
			rc |= close_view(cs->deps[d]);
		free(cs);
	}
	return rc ? -1 : 0;
}

static int write_refs(const struct site *s, struct publish *p)
{
	for (size_t i = 0; i < s->n_referentiels; i++)
		if (write_ref(s, s->referentiels[i], p) < 0)
			return -1;
	return 0;
}

/* The extracts are independent files: each is written by its own thread. */
struct writer {
	pthread_t th;
	int (*fn)(const struct site *, struct publish *);
	const struct site *s;
	struct publish *p;
	int rc;
	int started;
};

static void *run_writer(void *arg)
{
	struct writer *w = arg;
	w->rc = w->fn(w->s, w->p);
	return NULL;
}

int opendata_render(const struct site *s, struct publish *p, int jobs)
{
	struct writer w[] = {
		{ .fn = write_geojson }, { .fn = write_orgs }, { .fn = write_csv }, { .fn = write_refs },
		{ .fn = write_cartos },
	};
	size_t n = sizeof(w) / sizeof(w[0]);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		w[i].s = s;
		w[i].p = p;
		w[i].started = jobs > 1 && i > 0 &&
		    pthread_create(&w[i].th, NULL, run_writer, &w[i]) == 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!w[i].started)
			run_writer(&w[i]);
	for (size_t i = 0; i < n; i++) {
		if (w[i].started)
			pthread_join(w[i].th, NULL);
		if (w[i].rc < 0)
			rc = -1;
	}
	return rc;
}
