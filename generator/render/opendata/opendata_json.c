/*
 * The JSON extracts: every organisation with its lieux, offers and sessions
 * (data/organismes.json), and one file per référentiel with its entries and
 * correspondences in both directions.
 */
#include "../opendata.h"

#include "../../base/escape.h"
#include "../publish.h"
#include "opendata_int.h"

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
	char s[CIVIL_SIZE];
	jstr(b, k, d ? civil_iso(d, s) : NULL);
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
	buf_printf(b, "%s,", od_tri_json(l->acces_pmr));
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
		jstr(b, "etat_recrutement", etat_code(s->etat));
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
	buf_printf(b, "%s},", od_tri_json(o->ecrit_requis));
	jcodes(b, "publics", &o->publics);
	jnum(b, "age_min", (double)o->age_min, o->age_min >= 0, "%.0f");
	jnum(b, "age_max", (double)o->age_max, o->age_max >= 0, "%.0f");
	jstr(b, "public_precisions", o->public_precisions);
	jcodes(b, "financeurs", &o->financeurs);
	jkey(b, "conventionne");
	buf_printf(b, "%s,", od_tri_json(o->conventionne));
	jkey(b, "cpf");
	buf_printf(b, "%s,", od_tri_json(o->cpf));
	jstr(b, "certification_code", o->cert_code);
	jstr(b, "certification", o->cert_intitule);
	jkey(b, "gratuit");
	buf_printf(b, "%s,", od_tri_json(o->gratuit));
	jnum(b, "montant_eur", o->montant, o->has_montant, "%.2f");
	jstr(b, "cout_precisions", o->cout_precisions);
	jstr(b, "enseignement", od_ens_code[o->enseignement]);
	jstr(b, "entrees_sorties", od_entrees_code[o->entrees]);
	jnum(b, "heures_semaine", o->heures_semaine, o->heures_semaine >= 0, "%g");
	jnum(b, "duree_semaines", (double)o->duree_semaines, o->duree_semaines >= 0, "%.0f");
	jstr(b, "horaires", o->horaires.s);
	hours_french(o->heures, hfr, sizeof(hfr));
	jstr(b, "horaires_texte", o->horaires.s ? hfr : NULL);
	jkey(b, "garde_enfants");
	buf_printf(b, "%s,", od_tri_json(o->garde_enfants));
	jnum(b, "places", (double)o->places, o->places >= 0, "%.0f");
	jcodes(b, "lieux", &o->lieu_ids);
	json_sessions(b, o);
	long places;
	int etat = offre_recrutement(o, &places);
	jstr(b, "etat_recrutement", etat < 0 ? NULL : etat_code((enum etat)etat));
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
	jstr(b, "nature_libelle", vocab_label(&s->vocab.natures, o->nature.s));
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

int write_orgs(const struct site *s, struct publish *p)
{
	struct sink k;
	if (od_sink_open(&k, p, "data/organismes.json") < 0)
		return -1;
	json_header(&k.b, s);
	jkey(&k.b, "organismes");
	buf_puts(&k.b, "[\n");
	for (size_t i = 0; i < s->n_organismes; i++) {
		if (i)
			buf_puts(&k.b, ",\n");
		json_org(&k.b, s, s->organismes[i]);
		od_sink_flush(&k, 0);
	}
	buf_puts(&k.b, "\n]}\n");
	return od_sink_close(&k);
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

int write_ref(const struct site *s, const struct referentiel *r, struct publish *p)
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
