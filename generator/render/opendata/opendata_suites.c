/*
 * The suites de parcours as open data (rule in data/index.h): data/suites.csv,
 * one row per offer → following offer, and data/suites.json, the offers that
 * have suites, each with its list. Both in model order (organisations in
 * file order, their offers), suites best first, with the same fields: the
 * reason in words, and its parts as columns (levels, shared public, how the
 * suite recruits, lieux, same département, distance in km).
 */
#include <stdio.h>
#include <string.h>

#include "../../base/escape.h"
#include "../cache.h"
#include "opendata_int.h"

enum scol {
	S_ORG_ID, S_OFFRE_ID, S_INTITULE, S_ECHELLE, S_VISE, S_RANG, S_SUITE_ORG_ID,
	S_SUITE_ORG_NOM, S_SUITE_OFFRE_ID, S_SUITE_INTITULE, S_ENTREE_MIN, S_ENTREE_MAX,
	S_SUITE_VISE, S_PUBLIC, S_RECRUTEMENT, S_LIEU_ID, S_SUITE_LIEU_ID, S_SUITE_COMMUNE,
	S_SUITE_INSEE, S_MEME_DEP, S_KM, S_RAISON, S_PAGE, NSCOL
};

static const char *const scol_names[NSCOL] = {
	"organisme_id", "offre_id", "intitule", "echelle", "niveau_vise", "rang",
	"suite_organisme_id", "suite_organisme_nom", "suite_offre_id", "suite_intitule",
	"suite_niveau_entree_min", "suite_niveau_entree_max", "suite_niveau_vise",
	"public_commun", "suite_recrutement", "lieu_id", "suite_lieu_id", "suite_commune",
	"suite_code_insee", "meme_departement", "distance_km", "raison", "suite_page",
};

struct srow {
	const char *c[NSCOL];
	char rang[16], km[32];
	struct buf raison, page;
};

static void fill(const struct site *s, const struct offre *o, size_t i, struct srow *r)
{
	const struct suite *su = &o->suites[i];
	const char **c = r->c;
	c[S_ORG_ID] = o->org->id.s;
	c[S_OFFRE_ID] = o->id.s;
	c[S_INTITULE] = o->intitule;
	c[S_ECHELLE] = o->echelle.s;
	c[S_VISE] = o->vise.s;
	snprintf(r->rang, sizeof(r->rang), "%zu", i + 1);
	c[S_RANG] = r->rang;
	c[S_SUITE_ORG_ID] = su->o->org->id.s;
	c[S_SUITE_ORG_NOM] = su->o->org->nom;
	c[S_SUITE_OFFRE_ID] = su->o->id.s;
	c[S_SUITE_INTITULE] = su->o->intitule;
	c[S_ENTREE_MIN] = su->o->entree_min.s;
	c[S_ENTREE_MAX] = su->o->entree_max.s;
	c[S_SUITE_VISE] = su->o->vise.s;
	c[S_PUBLIC] = su->public;
	long places;
	c[S_RECRUTEMENT] = offre_recrutement(su->o, &places) == ETAT_OUVERT ? "ouvert" : "permanent";
	c[S_LIEU_ID] = su->from->id.s;
	c[S_SUITE_LIEU_ID] = su->to->id.s;
	c[S_SUITE_COMMUNE] = su->to->commune ? su->to->commune->nom : su->to->commune_nom.s;
	c[S_SUITE_INSEE] = su->to->code_insee.s;
	c[S_MEME_DEP] = su->same_dep ? "oui" : "non";
	snprintf(r->km, sizeof(r->km), "%.2f", su->km);
	c[S_KM] = r->km;
	buf_reset(&r->raison);
	suite_reason(&r->raison, &s->vocab, o, su);
	c[S_RAISON] = r->raison.data;
	buf_reset(&r->page);
	buf_puts(&r->page, s->base_url ? s->base_url : "");
	path_org_page(&r->page, su->o->org);
	buf_printf(&r->page, "#offre-%s", su->o->id.s);
	c[S_PAGE] = r->page.data;
}

static void csv_row(struct buf *b, const struct srow *r)
{
	for (int i = 0; i < NSCOL; i++) {
		if (i)
			buf_putc(b, SEP);
		if (i == S_KM || i == S_RANG)
			buf_puts(b, r->c[i]);
		else
			esc_csv(b, r->c[i], SEP);
	}
	buf_puts(b, "\r\n");
}

/* One suite as a JSON object, without the columns of the offer it follows. */
static void json_suite(struct json *j, const struct srow *r)
{
	json_object(j);
	for (int i = S_RANG; i < NSCOL; i++) {
		json_key(j, scol_names[i]);
		if (i == S_KM || i == S_RANG)
			json_literal(j, r->c[i]);	/* a number written by fill() */
		else if (i == S_MEME_DEP)
			json_bool(j, r->c[i][0] == 'o');
		else
			json_str(j, r->c[i]);
	}
	json_end(j);
}

/* An offer with its suites, one offer a line. */
static void json_offre(struct json *j, struct srow *r, const struct site *s,
    const struct offre *o)
{
	json_ws(j, "\n");
	json_object(j);
	for (size_t i = 0; i < o->n_suites; i++) {
		fill(s, o, i, r);
		if (!i) {
			for (int k = 0; k < S_RANG; k++)
				json_kstr(j, scol_names[k], r->c[k]);
			json_key(j, "suites");
			json_array(j);
		}
		json_suite(j, r);
	}
	json_end(j);
	json_end(j);
}

int write_suites(const struct site *s, struct publish *p, struct cache *c)
{
	struct sink csv, json;
	struct srow r = { .raison = BUF_INIT, .page = BUF_INIT };
	if (sink_open(&csv, p, PATH_SUITES_CSV, c, JSON_COMPACT) < 0)
		return -1;
	if (sink_open(&json, p, PATH_SUITES_JSON, c, JSON_COMPACT) < 0) {
		sink_close(&csv);
		return -1;
	}
	od_csv_header(&csv.b, scol_names, NSCOL);
	json_array(&json.j);
	/* A group of organisations a piece, keyed on them and their suites
	 * (the offers, lieux and organisations they name). */
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		struct sink_piece pc;
		struct digest_ctx *key = sink_piece_key(&csv);
		end = cache_piece_group(s, i, key, 1);
		if (!sink_piece_start(&csv, key, &pc, 0))
			for (size_t g = i; g < end; g++)
				for (size_t k = 0; k < s->organismes[g]->n_offres; k++) {
					const struct offre *o = &s->organismes[g]->offres[k];
					for (size_t n = 0; n < o->n_suites; n++) {
						fill(s, o, n, &r);
						csv_row(&csv.b, &r);
					}
				}
		sink_piece_end(&csv, &pc);
		key = sink_piece_key(&json);
		cache_piece_group(s, i, key, 1);
		if (!sink_piece_start(&json, key, &pc, 1))
			for (size_t g = i; g < end; g++)
				for (size_t k = 0; k < s->organismes[g]->n_offres; k++)
					if (s->organismes[g]->offres[k].n_suites)
						json_offre(&json.j, &r, s, &s->organismes[g]->offres[k]);
		sink_piece_end(&json, &pc);
		sink_flush(&csv, 0);
		sink_flush(&json, 0);
	}
	json_ws(&json.j, "\n");
	json_end(&json.j);
	buf_putc(&json.b, '\n');
	buf_release(&r.raison);
	buf_release(&r.page);
	int rc = sink_close(&csv);
	return sink_close(&json) < 0 ? -1 : rc;
}
