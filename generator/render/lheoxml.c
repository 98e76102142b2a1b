/*
 * LHÉO 2.3 export. Start at lheoxml_backend, at the end: each organisation with a SIRET
 * and offers gives, for each offer, one formation (write_formation), whose
 * children follow the sequence of lheo-gml.xml; tests/lheo_check.py checks
 * the file against that definition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/digest.h"
#include "../base/escape.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "../data/hours.h"
#include "../data/model.h"
#include "../data/paths.h"
#include "../import/lheo_int.h"
#include "../text/markdown.h"
#include "backend.h"
#include "cache.h"
#include "sink.h"
#include "lheoxml.h"
#include "publish.h"

#define LHEO_NS "http://lheo.gouv.fr/2.3"

/* Appends s escaped, cut at max characters (LHÉO's lgmax counts characters;
 * a cut never splits a UTF-8 sequence). */
static void text(struct buf *b, const char *s, size_t max)
{
	size_t n = 0, i = 0;
	for (; s[i] && n < max; n++) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
	}
	char *cut = strndup(s, i);
	esc_html(b, cut);
	free(cut);
}

/* <name>s</name> when s is not empty; with dash, "-" (LHÉO's "no
 * information") stands for an empty value of a required element. */
static void el(struct buf *b, const char *name, const char *s, size_t max, int dash)
{
	if ((!s || !*s) && !dash)
		return;
	buf_printf(b, "<%s>", name);
	text(b, s && *s ? s : "-", max);
	buf_printf(b, "</%s>\n", name);
}

static void extra(struct buf *b, const char *info, const char *s)
{
	buf_printf(b, "<extra info=\"%s\">", info);
	esc_html(b, s ? s : "");
	buf_puts(b, "</extra>\n");
}

static void extra_codes(struct buf *b, const char *info, const struct svals *v)
{
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < v->n; i++)
		buf_printf(&t, "%s%s", i ? " " : "", v->v[i].s);
	extra(b, info, t.data);
	buf_release(&t);
}

static const char *tri01(enum tri t)
{
	return t == TRI_TRUE ? "1" : t == TRI_FALSE ? "0" : "";
}

static void date8(struct buf *b, const char *name, int d, const char *unknown)
{
	if (d)
		buf_printf(b, "<%s>%08d</%s>\n", name, d, name);
	else
		buf_printf(b, "<%s>%s</%s>\n", name, unknown, name);
}

static void adresse(struct buf *b, const struct lieu *l)
{
	buf_puts(b, "<adresse>\n");
	el(b, "denomination", l->denomination, 255, 0);
	for (size_t i = 0; i < l->n_lignes && i < 4; i++)
		el(b, "ligne", l->lignes[i], 50, 1);
	if (!l->n_lignes)
		el(b, "ligne", NULL, 50, 1);
	el(b, "codepostal", l->code_postal.s, 5, 1);
	el(b, "ville", l->commune ? l->commune->nom : l->commune_nom.s, 50, 1);
	el(b, "departement", l->dep, 3, 0);
	el(b, "code-INSEE-commune", l->code_insee.s, 5, 0);
	if (l->has_geo)
		buf_printf(b, "<geolocalisation>\n<latitude>%.6f</latitude>\n<longitude>%.6f</longitude>\n"
		    "</geolocalisation>\n", l->lat, l->lon);
	buf_puts(b, "</adresse>\n");
}

/* A coordonnees block: a contact's name, an address, phone, e-mail, site. */
static void coordonnees(struct buf *b, const struct contact *c, const struct lieu *l, const char *web)
{
	buf_puts(b, "<coordonnees>\n");
	if (c)
		el(b, "nom", c->nom, 50, 0);
	if (l)
		adresse(b, l);
	if (c && c->telephone) {
		buf_puts(b, "<telfixe>\n");
		el(b, "numtel", c->telephone, 25, 0);
		buf_puts(b, "</telfixe>\n");
	}
	if (c)
		el(b, "courriel", c->courriel.s, 160, 0);
	if (web) {
		buf_puts(b, "<web>\n");
		el(b, "urlweb", web, 400, 0);
		buf_puts(b, "</web>\n");
	}
	buf_puts(b, "</coordonnees>\n");
}

/* The LHÉO codes whose table entry gives one of codes (sorted, at most max). */
static size_t reverse(const struct strmap *m, const struct svals *codes, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < m->cap && n < max; i++) {
		const struct strmap_slot *s = &m->slots[i];
		if (!s->key)
			continue;
		const struct lheo_codes *c = s->val;
		int hit = 0;
		for (size_t j = 0; j < c->n && !hit; j++)
			for (size_t k = 0; k < codes->n && !hit; k++)
				hit = strcmp(c->v[j], codes->v[k].s) == 0;
		if (hit)
			out[n++] = s->key;
	}
	for (size_t i = 1; i < n; i++)	/* insertion sort: a handful of codes */
		for (size_t j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
			const char *t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static void write_action_extras(struct buf *b, const struct offre *o)
{
	char num[64];
	buf_puts(b, "<extras info=\"carto\">\n");
	extra_codes(b, "types", &o->types);
	extra(b, "parcours", o->parcours.s);
	extra_codes(b, "publics", &o->publics);
	extra(b, "objectif", o->objectif);
	extra(b, "echelle", o->echelle.s);
	extra(b, "entree-min", o->entree_min.s);
	extra(b, "entree-max", o->entree_max.s);
	extra(b, "vise", o->vise.s);
	extra(b, "ecrit-requis", tri01(o->ecrit_requis));
	static const char *const ens[] = { "", "presentiel", "mixte", "distance" };
	static const char *const es[] = { "", "permanentes", "dates_fixes" };
	extra(b, "enseignement", ens[o->enseignement]);
	extra(b, "entrees-sorties", es[o->entrees]);
	snprintf(num, sizeof(num), "%g", o->heures_semaine);
	extra(b, "heures-semaine", o->heures_semaine >= 0 ? num : "");
	snprintf(num, sizeof(num), "%ld", o->duree_semaines);
	extra(b, "duree-semaines", o->duree_semaines >= 0 ? num : "");
	extra(b, "horaires", o->horaires.s);
	extra(b, "garde-enfants", tri01(o->garde_enfants));
	snprintf(num, sizeof(num), "%ld", o->places);
	extra(b, "places", o->places >= 0 ? num : "");
	extra(b, "gratuit", tri01(o->gratuit));
	extra(b, "cout-precisions", o->cout_precisions);
	extra(b, "cpf", tri01(o->cpf));
	extra(b, "certification-intitule", o->cert_intitule);
	extra_codes(b, "competences", &o->competences);
	snprintf(num, sizeof(num), "%ld", o->age_min);
	extra(b, "age-min", o->age_min >= 0 ? num : "");
	snprintf(num, sizeof(num), "%ld", o->age_max);
	extra(b, "age-max", o->age_max >= 0 ? num : "");
	buf_puts(b, "</extras>\n");
}

/* The lieu's own fields: its id (the import gives it back), and what LHÉO's
 * adresse has no element for. */
static void write_lieu_extras(struct buf *b, const struct lieu *l)
{
	buf_puts(b, "<extras info=\"carto\">\n");
	extra(b, "id", l->id.s);
	extra(b, "acces-pmr", tri01(l->acces_pmr));
	extra(b, "transports", l->transports);
	extra(b, "horaires-accueil", l->horaires_accueil.s);
	buf_puts(b, "</extras>\n");
}

static void write_session(struct buf *b, const struct session *s, const struct lieu *l)
{
	static const char *const etat[] = { "1", "2", "3" };
	buf_puts(b, "<session>\n<periode>\n");
	date8(b, "debut", s ? s->debut : 0, "00000000");
	date8(b, "fin", s ? s->fin : 0, "99999999");
	buf_puts(b, "</periode>\n<adresse-inscription>\n");
	adresse(b, l);
	buf_puts(b, "</adresse-inscription>\n");
	if (s) {
		buf_printf(b, "<etat-recrutement>%s</etat-recrutement>\n", etat[s->etat]);
		if (s->places >= 0)
			buf_printf(b, "<extras info=\"carto\">\n<extra info=\"places-disponibles\">%ld</extra>\n"
			    "</extras>\n", s->places);
	}
	buf_puts(b, "</session>\n");
}

static void write_action(struct buf *b, const struct offre *o, const struct lheo_map *m)
{
	char hours[512];
	buf_printf(b, "<action numero=\"%s\">\n", o->id.s);
	hours[0] = '\0';
	if (o->heures)	/* parsed at validation */
		hours_french(o->heures, hours, sizeof(hours));
	el(b, "rythme-formation", hours, 3000, 1);
	const char *pub[10];
	size_t np = reverse(&m->publics, &o->publics, pub, 10);
	if (!np)
		pub[np++] = "99999";	/* Formacode of publics: "information non communiquée" */
	for (size_t i = 0; i < np; i++)
		el(b, "code-public-vise", pub[i], 5, 1);
	el(b, "info-public-vise", o->public_precisions, 250, 0);
	buf_puts(b, "<niveau-entree-obligatoire>0</niveau-entree-obligatoire>\n");
	el(b, "modalites-alternance", NULL, 3000, 1);
	buf_printf(b, "<modalites-enseignement>%d</modalites-enseignement>\n",
	    o->enseignement == ENS_MIXTE ? 1 : o->enseignement == ENS_DISTANCE ? 2 : 0);
	el(b, "conditions-specifiques", NULL, 3000, 1);
	buf_printf(b, "<prise-en-charge-frais-possible>%s</prise-en-charge-frais-possible>\n",
	    o->financeurs.n ? "1" : "0");
	for (size_t i = 0; i < o->n_lieux; i++) {
		buf_puts(b, "<lieu-de-formation>\n");
		coordonnees(b, NULL, o->lieux[i], NULL);
		write_lieu_extras(b, o->lieux[i]);
		buf_puts(b, "</lieu-de-formation>\n");
	}
	buf_printf(b, "<modalites-entrees-sorties>%d</modalites-entrees-sorties>\n",
	    o->entrees == ENTREES_PERMANENTES ? 1 : 0);
	for (size_t i = 0; i < o->n_sessions; i++)
		write_session(b, &o->sessions[i], o->lieux[0]);
	if (!o->n_sessions)	/* LHÉO requires one: a period wholly unknown */
		write_session(b, NULL, o->lieux[0]);
	if (o->has_montant)
		buf_printf(b, "<prix-total-TTC>%.2f</prix-total-TTC>\n", o->montant);
	else if (o->gratuit == TRI_TRUE)
		buf_puts(b, "<prix-total-TTC>0</prix-total-TTC>\n");
	if (o->conventionne != TRI_UNKNOWN)
		buf_printf(b, "<conventionnement>%s</conventionnement>\n", tri01(o->conventionne));
	for (size_t i = 0; i < o->financeurs.n && i < 8; i++)
		buf_printf(b, "<organisme-financeur>\n<code-financeur>%s</code-financeur>\n"
		    "</organisme-financeur>\n", o->financeurs.v[i].s);
	write_action_extras(b, o);
	buf_puts(b, "</action>\n");
}

static void write_responsable(struct buf *b, const struct organisme *g)
{
	buf_printf(b, "<organisme-formation-responsable numero=\"%s\">\n", g->id.s);
	buf_puts(b, "<numero-activite>99999999999</numero-activite>\n");
	buf_printf(b, "<SIRET-organisme-formation>\n<SIRET>%s</SIRET>\n</SIRET-organisme-formation>\n",
	    g->siret.s);
	el(b, "nom-organisme", g->nom, 250, 1);
	el(b, "raison-sociale", g->nom, 250, 1);
	buf_puts(b, "<coordonnees-organisme>\n");
	struct contact c = g->contact;
	c.nom = NULL;
	coordonnees(b, g->has_contact ? &c : NULL, &g->lieux[0], g->site_web.s);
	buf_puts(b, "</coordonnees-organisme>\n<contact-organisme>\n");
	coordonnees(b, g->has_contact ? &g->contact : NULL, NULL, NULL);
	buf_puts(b, "</contact-organisme>\n<extras info=\"carto\">\n");
	extra(b, "id", g->id.s);
	extra(b, "nature", g->nature.s);
	extra_codes(b, "labels", &g->labels);
	buf_puts(b, "</extras>\n</organisme-formation-responsable>\n");
}

static void write_formation(struct buf *b, const struct organisme *g, const struct offre *o,
    const struct lheo_map *m)
{
	buf_printf(b, "<formation numero=\"%s--%s\" horodatage-modification=\"%04d-%02d-%02dT00:00:00\">\n",
	    g->id.s, o->id.s, g->mise_a_jour / 10000, g->mise_a_jour / 100 % 100, g->mise_a_jour % 100);
	buf_puts(b, "<domaine-formation>\n");
	for (size_t i = 0; i < o->formacodes.n && i < 5; i++)
		el(b, "code-FORMACODE", o->formacodes.v[i].s, 5, 0);
	if (!o->formacodes.n) {
		const char *fc[5];
		size_t n = reverse(&m->types, &o->types, fc, 5);
		for (size_t i = 0; i < n; i++)
			el(b, "code-FORMACODE", fc[i], 5, 0);
	}
	buf_puts(b, "</domaine-formation>\n");
	el(b, "intitule-formation", o->intitule, 255, 1);
	struct buf html = BUF_INIT;
	if (o->objectif)
		md_html(&html, o->objectif, 0, NULL, NULL);
	el(b, "objectif-formation", html.data, 3000, 1);
	buf_release(&html);
	el(b, "resultats-attendus", NULL, 3000, 1);
	el(b, "contenu-formation", NULL, 3000, 1);
	buf_printf(b, "<certifiante>%d</certifiante>\n", o->cert_code || o->cert_intitule ? 1 : 0);
	buf_puts(b, "<contact-formation>\n");
	coordonnees(b, o->has_contact ? &o->contact : NULL, NULL, NULL);
	buf_puts(b, "</contact-formation>\n");
	buf_puts(b, "<parcours-de-formation>1</parcours-de-formation>\n");
	buf_puts(b, "<code-niveau-entree>0</code-niveau-entree>\n");
	if (o->cert_code) {
		int rs = strncmp(o->cert_code, "RS", 2) == 0;
		buf_puts(b, "<certification>\n");
		el(b, rs ? "code-RS" : "code-RNCP", o->cert_code, 10, 0);
		buf_puts(b, "</certification>\n");
	}
	write_action(b, o, m);
	write_responsable(b, g);
	buf_puts(b, "</formation>\n");
}

/* One document: the mapping table is all it holds, read when it renders
 * (a wrong table is an error of the build, with its line). */
struct lheoxml {
	struct lheo_map m;
};

static void *lheoxml_new(const struct render_in *in)
{
	(void)in;
	return xcalloc(1, sizeof(struct lheoxml));
}

/* The digest of the mapping table lheo_map_read reads: the site's, else
 * the one of carto's share folder. */
static struct digest map_digest(const struct site *s)
{
	struct buf path = BUF_INIT;
	struct digest d = { 0, 0 };
	fs_join(&path, s->root, "referentiels/lheo.yaml");
	if (!fs_exists(path.data) && s->share) {
		buf_reset(&path);
		fs_join(&path, s->share, "referentiels/lheo.yaml");
	}
	if (digest_file(path.data, &d, NULL) < 0)
		d = (struct digest){ 0, 0 };
	buf_release(&path);
	return d;
}

/* The file, a document of the build cache keyed on every file of the site
 * and the mapping table; written in pieces (cache.h), one a group of
 * organisations: their formations, which read their own files and the
 * table. */
static int lheoxml_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	const struct site *s = in->s;
	struct lheoxml *x = self;
	struct cache *c = in->cache;
	struct cache_job cj;
	if (lheo_map_read(&x->m, s->root, s->share, 1, d) < 0)
		return -1;
	struct digest map = map_digest(s);
	if (c) {
		struct digest_ctx *k = cache_key(c, "lheoxml", PATH_LHEO_XML);
		cache_key_model(k, s);
		digest_fold(k, &map);
		if (cache_start(c, p, &cj, k, d) == 1)
			return 0;
	}
	struct sink k;
	int rc = sink_open(&k, p, PATH_LHEO_XML, c, JSON_COMPACT);
	buf_puts(&k.b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lheo xmlns=\"" LHEO_NS "\">\n<offres>\n");
	for (size_t i = 0, end = 0; rc == 0 && i < s->n_organismes; i = end) {
		struct sink_piece pc;
		struct digest_ctx *key = sink_piece_key(&k);
		end = cache_piece_group(s, i, key, 0);
		if (key)
			digest_fold(key, &map);
		if (!sink_piece_start(&k, key, &pc, 0))
			for (size_t o = i; o < end; o++) {
				const struct organisme *g = s->organismes[o];
				if (!g->siret.s || !g->n_lieux)
					continue;
				for (size_t n = 0; n < g->n_offres; n++)
					if (g->offres[n].n_lieux)
						write_formation(&k.b, g, &g->offres[n], &x->m);
			}
		sink_piece_end(&k, &pc);
	}
	buf_puts(&k.b, "</offres>\n</lheo>\n");
	if (sink_close(&k) < 0)
		rc = -1;
	if (c)
		cache_finish(c, &cj, rc, d);
	return rc;
}

static void lheoxml_free(void *self)
{
	struct lheoxml *x = self;
	lheo_map_free(&x->m);
	free(x);
}

const struct backend lheoxml_backend = { "lheoxml", lheoxml_new, lheoxml_render, lheoxml_free };
