/*
 * data·inclusion export. Start at inclusion_backend, at the end; structure() and
 * service() write one JSON object each, in the order of the model, so the
 * same site gives the same bytes. Fields carto does not know are null.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/json.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../data/derive.h"
#include "../data/model.h"
#include "../data/paths.h"
#include "backend.h"
#include "cache.h"
#include "sink.h"
#include "inclusion.h"
#include "publish.h"

#define SOURCE "carto"

/* carto offer types -> data·inclusion thématiques (beside
 * se-former--trouver-sa-formation, which every offer gets). */
static const struct { const char *type, *them[3]; } themes[] = {
	{ "alpha", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "post-alpha", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "fle", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "fli", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "asl", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "oepre", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "francais-pro", { "lecture-ecriture-calcul--maitriser-le-francais" } },
	{ "remise-a-niveau", { "lecture-ecriture-calcul--maitriser-le-francais",
		"lecture-ecriture-calcul--maitriser-le-calcul" } },
	{ "competences-cles", { "lecture-ecriture-calcul--maitriser-le-francais",
		"lecture-ecriture-calcul--maitriser-le-calcul" } },
	{ "clea", { "lecture-ecriture-calcul--maitriser-le-francais",
		"lecture-ecriture-calcul--maitriser-le-calcul",
		"numerique--maitriser-les-fondamentaux-du-numerique" } },
	{ "numerique", { "numerique--maitriser-les-fondamentaux-du-numerique" } },
};

/* carto publics -> data·inclusion publics. */
static const struct { const char *carto, *di; } publics[] = {
	{ "personnes-exilees", "personnes-exilees" },
	{ "femmes", "femmes" },
	{ "parents-eleves", "familles" },
	{ "jeunes-16-25", "jeunes" },
	{ "demandeurs-emploi", "demandeurs-emploi" },
	{ "beneficiaires-rsa", "beneficiaires-des-minimas-sociaux" },
	{ "salaries", "actifs" },
	{ "salaries-iae", "actifs" },
	{ "personnes-handicapees", "personnes-en-situation-de-handicap" },
	{ "seniors", "seniors" },
	{ "personnes-sous-main-de-justice", "personnes-en-situation-juridique-specifique" },
};

/* A list of distinct strings, as a JSON array (null when empty). */
struct strs {
	const char *v[32];
	size_t n;
};

static void strs_add(struct strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	if (l->n < 32)
		l->v[l->n++] = s;
}

static void strs_json(struct json *j, const char *k, const struct strs *l)
{
	json_key(j, k);
	if (!l->n) {
		json_null(j);
		return;
	}
	json_array(j);
	for (size_t i = 0; i < l->n; i++)
		json_str(j, l->v[i]);
	json_end(j);
}

/* A string member, null when empty. */
static void str(struct json *j, const char *k, const char *v)
{
	json_kstr(j, k, v && *v ? v : NULL);
}

/* A name of 3 to 150 characters that does not end with a point. */
static void name(struct json *j, const char *k, const char *s)
{
	char cut[700];
	size_t i = 0, n = 0;
	while (s[i] && n < 150 && i + 4 < sizeof(cut)) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	memcpy(cut, s, i);
	while (i && (cut[i - 1] == '.' || cut[i - 1] == ' '))
		i--;
	cut[i] = '\0';
	if (n < 3 || i == 0)
		snprintf(cut, sizeof(cut), "Offre %s", s);
	str(j, k, cut);
}

static void date(struct json *j, const char *k, int d)
{
	char s[32];
	snprintf(s, sizeof(s), "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	json_kstr(j, k, s);
}

/* A number, or null when the model has none. */
static void num(struct json *j, const char *k, const char *fmt, double v, int has)
{
	json_key(j, k);
	if (has)
		json_num(j, fmt, v);
	else
		json_null(j);
}

/* Address fields of a lieu (null when there is none). */
static void address(struct json *j, const struct lieu *l)
{
	struct buf more = BUF_INIT;
	for (size_t i = 1; l && i < l->n_lignes; i++)
		buf_printf(&more, "%s%s", more.len ? ", " : "", l->lignes[i]);
	str(j, "adresse", l && l->n_lignes ? l->lignes[0] : NULL);
	str(j, "complement_adresse", more.data);
	str(j, "commune", l ? (l->commune ? l->commune->nom : l->commune_nom.s) : NULL);
	str(j, "code_postal", l ? l->code_postal.s : NULL);
	str(j, "code_insee", l ? l->code_insee.s : NULL);
	num(j, "latitude", "%.6f", l ? l->lat : 0, l != NULL);
	num(j, "longitude", "%.6f", l ? l->lon : 0, l != NULL);
	buf_release(&more);
}

static void structure(struct json *j, const struct site *s, const struct organisme *o)
{
	struct buf id = BUF_INIT, url = BUF_INIT;
	buf_printf(&id, SOURCE "--%s", o->id.s);
	buf_puts(&url, s->base_url ? s->base_url : "");
	path_org_page(&url, o);
	buf_puts(&url, "index.html");
	json_object(j);
	json_kstr(j, "source", SOURCE);
	str(j, "id", id.data);
	name(j, "nom", o->nom);
	date(j, "date_maj", o->mise_a_jour);
	str(j, "siret", o->siret.s);
	str(j, "site_web", o->site_web.s);
	str(j, "telephone", o->has_contact ? o->contact.telephone : NULL);
	str(j, "courriel", o->has_contact ? o->contact.courriel.s : NULL);
	str(j, "lien_source", url.data);
	str(j, "horaires_accueil", o->n_lieux ? o->lieux[0].horaires_accueil.s : NULL);
	address(j, o->n_lieux ? &o->lieux[0] : NULL);
	json_end(j);
	buf_release(&id);
	buf_release(&url);
}

static void service(struct json *j, const struct site *s, const struct organisme *o, const struct offre *f)
{
	struct buf id = BUF_INIT, url = BUF_INIT, desc = BUF_INIT, frais = BUF_INIT;
	buf_printf(&id, SOURCE "--%s--%s", o->id.s, f->id.s);
	json_object(j);
	json_kstr(j, "source", SOURCE);
	str(j, "id", id.data);
	buf_reset(&id);
	buf_printf(&id, SOURCE "--%s", o->id.s);
	str(j, "structure_id", id.data);
	name(j, "nom", f->intitule);
	if (f->objectif && strlen(f->objectif) >= 5)
		buf_puts(&desc, f->objectif);
	else
		buf_printf(&desc, "Formation : %s", f->intitule);
	str(j, "description", desc.data);
	date(j, "date_maj", o->mise_a_jour);
	str(j, "type", "formation");
	struct strs th = { { NULL }, 0 }, pu = { { NULL }, 0 }, modes = { { NULL }, 0 };
	for (size_t i = 0; i < f->types.n; i++)
		for (size_t k = 0; k < sizeof(themes) / sizeof(*themes); k++)
			if (strcmp(themes[k].type, f->types.v[i].s) == 0)
				for (size_t j = 0; j < 3 && themes[k].them[j]; j++)
					strs_add(&th, themes[k].them[j]);
	strs_add(&th, "se-former--trouver-sa-formation");
	strs_json(j, "thematiques", &th);
	for (size_t i = 0; i < f->publics.n; i++)
		for (size_t k = 0; k < sizeof(publics) / sizeof(*publics); k++)
			if (strcmp(publics[k].carto, f->publics.v[i].s) == 0)
				strs_add(&pu, publics[k].di);
	for (size_t i = 0; i < f->publics.n && !pu.n; i++)
		if (strcmp(f->publics.v[i].s, "tous-publics") == 0)	/* alone, as the schema says */
			strs_add(&pu, "tous-publics");
	strs_json(j, "publics", &pu);
	str(j, "publics_precisions", f->public_precisions);
	json_kstr(j, "frais", f->gratuit == TRI_TRUE ? "gratuit" : f->gratuit == TRI_FALSE ? "payant" : NULL);
	char price[MONTANT_SIZE];
	if (f->has_montant)	/* the words every output uses for a price */
		buf_puts(&frais, montant_fr(f->montant, price));
	if (f->cout_precisions)
		buf_printf(&frais, "%s%s", frais.len ? ". " : "", f->cout_precisions);
	str(j, "frais_precisions", frais.data);
	if (f->enseignement == ENS_PRESENTIEL || f->enseignement == ENS_MIXTE)
		strs_add(&modes, "en-presentiel");
	if (f->enseignement == ENS_DISTANCE || f->enseignement == ENS_MIXTE)
		strs_add(&modes, "a-distance");
	strs_json(j, "modes_accueil", &modes);
	str(j, "horaires_accueil", f->horaires.s);
	num(j, "volume_horaire_hebdomadaire", "%g", f->heures_semaine, f->heures_semaine >= 0);
	json_key(j, "nombre_semaines");
	if (f->duree_semaines >= 1)
		json_int(j, f->duree_semaines);
	else
		json_null(j);
	const struct contact *c = offre_contact(f);
	str(j, "contact_nom_prenom", c ? c->nom : NULL);
	str(j, "telephone", c ? c->telephone : NULL);
	str(j, "courriel", c ? c->courriel.s : NULL);
	buf_puts(&url, s->base_url ? s->base_url : "");
	path_org_page(&url, o);
	buf_printf(&url, "index.html#offre-%s", f->id.s);
	str(j, "lien_source", url.data);
	address(j, f->n_lieux ? f->lieux[0] : NULL);
	json_end(j);
	buf_release(&id);
	buf_release(&url);
	buf_release(&desc);
	buf_release(&frais);
}

/* The two files, each a job: 0 the structures, 1 the services. Each is a
 * document of the build cache keyed on every file of the site, written in
 * pieces (cache.h), one a group of organisations: their structures, or
 * their services, which read their own files only. */
struct inclusion {
	const struct site *s;
	struct publish *p;
	struct cache *cache;
};

static void *inclusion_new(const struct render_in *in)
{
	struct inclusion *x = xcalloc(1, sizeof(*x));
	x->s = in->s;
	x->cache = in->cache;
	return x;
}

static int inclusion_job(void *ctx, size_t job, struct pool_worker *w)
{
	const struct inclusion *x = ctx;
	const struct site *s = x->s;
	const char *rel = job == 0 ? PATH_DI_STRUCTURES : PATH_DI_SERVICES;
	struct cache_job cj;
	if (x->cache) {
		struct digest_ctx *k = cache_key(x->cache, "inclusion", rel);
		cache_key_model(k, s);
		if (cache_start(x->cache, x->p, &cj, k, &w->d) == 1)
			return 0;
	}
	struct sink k;
	int rc = sink_open(&k, x->p, rel, x->cache, JSON_PRETTY);
	json_array(&k.j);
	for (size_t i = 0, end = 0; rc == 0 && i < s->n_organismes; i = end) {
		struct sink_piece pc;
		struct digest_ctx *key = sink_piece_key(&k);
		end = cache_piece_group(s, i, key, 0);
		if (!sink_piece_start(&k, key, &pc, 1))
			for (size_t g = i; g < end; g++) {
				const struct organisme *o = s->organismes[g];
				if (job == 0)
					structure(&k.j, s, o);
				else
					for (size_t n = 0; n < o->n_offres; n++)
						service(&k.j, s, o, &o->offres[n]);
			}
		sink_piece_end(&k, &pc);
	}
	json_end(&k.j);
	buf_putc(&k.b, '\n');
	if (sink_close(&k) < 0)
		rc = -1;
	if (x->cache)
		cache_finish(x->cache, &cj, rc, &w->d);
	return rc;
}

static int inclusion_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	struct inclusion *x = self;
	x->p = p;
	return pool_run(2, in->o->jobs, inclusion_job, x, d, NULL);
}

static void inclusion_free(void *self)
{
	free(self);
}

const struct backend inclusion_backend = { "inclusion", inclusion_new, inclusion_render,
	inclusion_free };
