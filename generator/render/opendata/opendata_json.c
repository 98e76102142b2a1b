/*
 * The JSON extracts: every organisation with its lieux, offers and sessions
 * (data/organismes.json), and one file per référentiel with its entries and
 * correspondences in both directions.
 */
#include "../opendata.h"

#include "../../base/json.h"
#include "../cache.h"
#include "../publish.h"
#include "opendata_int.h"

static void jcodes(struct json *j, const char *k, const struct svals *v)
{
	json_key(j, k);
	json_array(j);
	for (size_t i = 0; i < v->n; i++)
		json_str(j, v->v[i].s);
	json_end(j);
}

/* A number, or null when the model has none. */
static void jnum(struct json *j, const char *k, double v, int has, const char *fmt)
{
	json_key(j, k);
	if (has)
		json_num(j, fmt, v);
	else
		json_null(j);
}

static void jdate(struct json *j, const char *k, int d)
{
	char s[CIVIL_SIZE];
	json_kstr(j, k, d ? civil_iso(d, s) : NULL);
}

static void jtri(struct json *j, const char *k, enum tri t)
{
	json_key(j, k);
	json_literal(j, od_tri_json(t));
}

static void json_contact(struct json *j, const char *k, const struct contact *c, int has)
{
	json_key(j, k);
	if (!has) {
		json_null(j);
		return;
	}
	json_object(j);
	json_kstr(j, "nom", c->nom);
	json_kstr(j, "telephone", c->telephone);
	json_kstr(j, "courriel", c->courriel.s);
	json_end(j);
}

static void json_lieu(struct json *j, const struct lieu *l)
{
	json_object(j);
	json_kstr(j, "id", l->id.s);
	json_kstr(j, "denomination", l->denomination);
	json_key(j, "adresse");
	json_array(j);
	for (size_t i = 0; i < l->n_lignes; i++)
		json_str(j, l->lignes[i]);
	json_end(j);
	json_kstr(j, "code_postal", l->code_postal.s);
	json_kstr(j, "commune", l->commune ? l->commune->nom : l->commune_nom.s);
	json_kstr(j, "code_insee", l->code_insee.s);
	json_kstr(j, "departement", l->dep);
	jnum(j, "latitude", l->lat, 1, "%.5f");
	jnum(j, "longitude", l->lon, 1, "%.5f");
	json_kstr(j, "position", l->has_geo ? "lieu" : "commune");
	jtri(j, "acces_pmr", l->acces_pmr);
	json_kstr(j, "transports", l->transports);
	json_kstr(j, "horaires_accueil", l->horaires_accueil.s);
	json_end(j);
}

static void json_sessions(struct json *j, const struct offre *o)
{
	json_key(j, "sessions");
	json_array(j);
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *s = &o->sessions[i];
		json_object(j);
		jdate(j, "debut", s->debut);
		jdate(j, "fin", s->fin);
		json_kstr(j, "etat_recrutement", etat_code(s->etat));
		jnum(j, "places_disponibles", (double)s->places, s->places >= 0, "%.0f");
		json_end(j);
	}
	json_end(j);
}

static void json_offre(struct json *j, const struct offre *o)
{
	char hfr[256];
	json_object(j);
	json_kstr(j, "id", o->id.s);
	json_kstr(j, "intitule", o->intitule);
	jcodes(j, "types", &o->types);
	json_kstr(j, "parcours", o->parcours.s);
	json_kstr(j, "objectif", o->objectif);
	jcodes(j, "formacodes", &o->formacodes);
	json_key(j, "niveaux");
	json_object(j);
	json_kstr(j, "echelle", o->echelle.s);
	json_kstr(j, "entree_min", o->entree_min.s);
	json_kstr(j, "entree_max", o->entree_max.s);
	json_kstr(j, "vise", o->vise.s);
	jtri(j, "ecrit_requis", o->ecrit_requis);
	json_end(j);
	jcodes(j, "publics", &o->publics);
	jnum(j, "age_min", (double)o->age_min, o->age_min >= 0, "%.0f");
	jnum(j, "age_max", (double)o->age_max, o->age_max >= 0, "%.0f");
	json_kstr(j, "public_precisions", o->public_precisions);
	jcodes(j, "financeurs", &o->financeurs);
	jtri(j, "conventionne", o->conventionne);
	jtri(j, "cpf", o->cpf);
	json_kstr(j, "certification_code", o->cert_code);
	json_kstr(j, "certification", o->cert_intitule);
	jtri(j, "gratuit", o->gratuit);
	jnum(j, "montant_eur", o->montant, o->has_montant, "%.2f");
	json_kstr(j, "cout_precisions", o->cout_precisions);
	json_kstr(j, "enseignement", od_ens_code[o->enseignement]);
	json_kstr(j, "entrees_sorties", od_entrees_code[o->entrees]);
	jnum(j, "heures_semaine", o->heures_semaine, o->heures_semaine >= 0, "%g");
	jnum(j, "duree_semaines", (double)o->duree_semaines, o->duree_semaines >= 0, "%.0f");
	json_kstr(j, "horaires", o->horaires.s);
	hours_french(o->heures, hfr, sizeof(hfr));
	json_kstr(j, "horaires_texte", o->horaires.s ? hfr : NULL);
	jtri(j, "garde_enfants", o->garde_enfants);
	jnum(j, "places", (double)o->places, o->places >= 0, "%.0f");
	jcodes(j, "lieux", &o->lieu_ids);
	json_sessions(j, o);
	long places;
	int etat = offre_recrutement(o, &places);
	json_kstr(j, "etat_recrutement", etat < 0 ? NULL : etat_code((enum etat)etat));
	json_contact(j, "contact", &o->contact, o->has_contact);
	jcodes(j, "competences", &o->competences);
	json_end(j);
}

static void json_org(struct json *j, const struct site *s, const struct organisme *o)
{
	json_object(j);
	json_kstr(j, "id", o->id.s);
	json_kstr(j, "nom", o->nom);
	json_kstr(j, "siret", o->siret.s);
	json_kstr(j, "nature", o->nature.s);
	json_kstr(j, "nature_libelle", vocab_label(&s->vocab.natures, o->nature.s));
	jcodes(j, "labels", &o->labels);
	json_kstr(j, "site_web", o->site_web.s);
	json_contact(j, "contact", &o->contact, o->has_contact);
	json_key(j, "lieux");
	json_array(j);
	for (size_t i = 0; i < o->n_lieux; i++)
		json_lieu(j, &o->lieux[i]);
	json_end(j);
	json_key(j, "offres");
	json_array(j);
	for (size_t i = 0; i < o->n_offres; i++)
		json_offre(j, &o->offres[i]);
	json_end(j);
	json_kstr(j, "source", o->source);
	jdate(j, "mise_a_jour", o->mise_a_jour);
	json_end(j);
}

/* Opens the file's object with the members every extract starts with. */
static void json_header(struct json *j, const struct site *s)
{
	json_object(j);
	json_kstr(j, "titre", s->titre);
	json_kstr(j, "licence", s->licence);
	jdate(j, "mise_a_jour", s->last_update);
}

/* One organisation a line; a group of organisations a piece. */
int write_orgs(const struct site *s, struct publish *p, struct cache *c)
{
	struct sink k;
	if (sink_open(&k, p, PATH_ORGS_JSON, c, JSON_COMPACT) < 0)
		return -1;
	json_header(&k.j, s);
	json_key(&k.j, "organismes");
	json_array(&k.j);
	json_ws(&k.j, "\n");
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		struct sink_piece pc;
		struct digest_ctx *key = sink_piece_key(&k);
		end = cache_piece_group(s, i, key, 0);
		if (!sink_piece_start(&k, key, &pc, 1))
			for (size_t g = i; g < end; g++) {
				if (k.items++)
					json_ws(&k.j, "\n");
				json_org(&k.j, s, s->organismes[g]);
			}
		sink_piece_end(&k, &pc);
		sink_flush(&k, 0);
	}
	json_ws(&k.j, "\n");
	json_end(&k.j);
	json_end(&k.j);
	buf_putc(&k.b, '\n');
	return sink_close(&k);
}

static const char *const corr_types[] = { "equivalente", "partielle", "contribue" };

/* One direction of the correspondences of an entry. */
static void json_uses(struct json *j, const char *k, const struct corr_use *u,
    size_t n, int outgoing)
{
	json_key(j, k);
	json_array(j);
	for (size_t i = 0; i < n; i++) {
		const struct corr_link *l = u[i].link;
		json_object(j);
		json_kstr(j, "referentiel", outgoing ? u[i].corr->vers->id : u[i].corr->de->id);
		if (outgoing)
			jcodes(j, "codes", &l->vers);
		else {
			json_key(j, "codes");
			json_array(j);
			json_str(j, l->de.s);
			json_end(j);
		}
		json_kstr(j, "type", corr_types[l->type]);
		json_kstr(j, "niveau_de", l->niveau_de.s);
		json_kstr(j, "note", l->note);
		json_kstr(j, "source", u[i].corr->source);
		json_end(j);
	}
	json_end(j);
}

static void json_entry(struct json *j, const struct ref_entry *e)
{
	static const char *const kinds[] = { "domaine", "competence", "critere" };
	json_object(j);
	json_kstr(j, "type", kinds[e->kind]);
	json_kstr(j, "code", e->code);
	json_kstr(j, e->kind == ENTRY_CRITERE ? "libelle" : "titre", e->titre);
	if (e->description)
		json_kstr(j, "description", e->description);
	if (e->kind == ENTRY_CRITERE)
		json_kstr(j, "niveau", e->niveau.s);
	json_uses(j, "correspond_a", e->out, e->n_out, 1);
	json_uses(j, "alimente_par", e->in, e->n_in, 0);
	if (e->kind == ENTRY_COMPETENCE) {
		json_key(j, "offres");
		json_array(j);
		for (size_t i = 0; i < e->n_offres; i++) {
			json_object(j);
			json_kstr(j, "organisme", e->offres[i]->org->id.s);
			json_kstr(j, "offre", e->offres[i]->id.s);
			json_end(j);
		}
		json_end(j);
	}
	if (e->kind != ENTRY_CRITERE) {
		json_key(j, e->kind == ENTRY_DOMAINE ? "competences" : "criteres");
		json_array(j);
		for (size_t i = 0; i < e->n_children; i++)
			json_entry(j, &e->children[i]);
		json_end(j);
	}
	json_end(j);
}

static void json_echelle(struct json *j, const struct referentiel *r)
{
	json_key(j, "echelle");
	if (!r->echelle.n) {
		json_null(j);
		return;
	}
	json_object(j);
	json_kstr(j, "id", r->echelle.id);
	json_key(j, "niveaux");
	json_array(j);
	for (size_t i = 0; i < r->echelle.n; i++) {
		json_object(j);
		json_kstr(j, "code", r->echelle.v[i].code);
		json_kstr(j, "titre", r->echelle.v[i].titre);
		json_key(j, "rang");
		json_int(j, r->echelle.v[i].rang);
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

/* One domaine a line. */
int write_ref(const struct site *s, const struct referentiel *r, struct publish *p)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	struct json j;
	json_init(&j, &b, JSON_COMPACT);
	json_header(&j, s);
	json_kstr(&j, "id", r->id);
	json_kstr(&j, "titre_referentiel", r->titre);
	json_kstr(&j, "titre_court", r->titre_court);
	json_kstr(&j, "version", r->version);
	json_kstr(&j, "editeur", r->editeur);
	json_kstr(&j, "source_url", r->source_url);
	json_key(&j, "nombres");
	json_object(&j);
	json_key(&j, "domaines");
	json_int(&j, (long long)r->n_domaines);
	json_key(&j, "competences");
	json_int(&j, (long long)r->n_competences);
	json_key(&j, "criteres");
	json_int(&j, (long long)r->n_criteres);
	json_end(&j);
	json_key(&j, "libelles");
	json_object(&j);
	json_kstr(&j, "domaine", r->lib_domaine);
	json_kstr(&j, "competence", r->lib_competence);
	json_kstr(&j, "critere", r->lib_critere);
	json_end(&j);
	json_echelle(&j, r);
	json_key(&j, "domaines");
	json_array(&j);
	json_ws(&j, "\n");
	for (size_t i = 0; i < r->n_domaines; i++) {
		if (i)
			json_ws(&j, "\n");
		json_entry(&j, &r->domaines[i]);
	}
	json_end(&j);
	json_end(&j);
	json_free(&j);
	buf_putc(&b, '\n');
	path_ref_doc(&path, r, PATH_JSON);
	int rc = publish_write(p, path.data, b.data, b.len);
	buf_release(&b);
	buf_release(&path);
	return rc;
}
