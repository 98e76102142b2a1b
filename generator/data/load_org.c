/*
 * Organisations: converts the YAML tree of one organisme (format.md §5) into
 * struct organisme. Only the shape and the local types are checked here;
 * references to vocabularies, communes and référentiels are resolved by
 * validate.c once everything is loaded. Start at org_read.
 */
#include <string.h>

#include "fields.h"
#include "load.h"

static const char *const org_keys[] = { "id", "nom", "siret", "nature", "labels",
	"site_web", "contact", "lieux", "offres", "meta", NULL };
static const char *const contact_keys[] = { "nom", "telephone", "courriel", NULL };
static const char *const lieu_keys[] = { "id", "denomination", "adresse", "geo",
	"acces_pmr", "transports", "horaires_accueil", NULL };
static const char *const adresse_keys[] = { "lignes", "code_postal", "commune",
	"code_insee", NULL };
static const char *const offre_keys[] = { "id", "intitule", "types", "parcours",
	"objectif", "formacodes", "niveaux", "public", "financement", "cout",
	"modalites", "lieux", "sessions", "contact", "competences", NULL };
static const char *const niveaux_keys[] = { "echelle", "entree", "vise",
	"ecrit_requis", NULL };
static const char *const public_keys[] = { "codes", "age_min", "age_max",
	"precisions", NULL };
static const char *const fin_keys[] = { "financeurs", "conventionne", "cpf",
	"certification", NULL };
static const char *const cout_keys[] = { "gratuit", "montant_eur", "precisions", NULL };
static const char *const mod_keys[] = { "enseignement", "entrees_sorties",
	"heures_semaine", "duree_semaines", "horaires", "garde_enfants", "places", NULL };
static const char *const session_keys[] = { "debut", "fin", "etat_recrutement",
	"places_disponibles", NULL };

/* Where the node x stands ({ 0, 0 } for none). */
static struct srcpos pos_of(const struct ynode *x)
{
	return x ? (struct srcpos){ x->line, x->col } : (struct srcpos){ 0, 0 };
}

static int read_contact(struct rd *r, const struct ynode *map, const char *key,
    struct contact *c)
{
	const struct ynode *n = rd_node(r, map, key, Y_MAP, OPT);
	if (!n)
		return 0;
	rd_keys(r, n, contact_keys);
	c->nom = rd_text(r, n, "nom", OPT);
	c->telephone = rd_text(r, n, "telephone", OPT);
	c->telephone_at = pos_of(ytree_get(n, "telephone"));
	c->courriel = rd_stext(r, n, "courriel", OPT);
	return 1;
}

static void read_adresse(struct rd *r, const struct ynode *n, struct lieu *l)
{
	rd_keys(r, n, adresse_keys);
	const struct ynode *lignes = rd_node(r, n, "lignes", Y_SEQ, OPT);
	if (lignes) {
		l->lignes = arena_alloc(r->a, lignes->n * sizeof(char *));
		struct srcpos *at = arena_alloc(r->a, lignes->n * sizeof(*at));
		l->lignes_at = at;
		for (size_t i = 0; i < lignes->n; i++) {
			const struct ynode *x = lignes->u.items[i];
			if (x->kind != Y_SCALAR)
				rd_error(r, x, "an address line must be text");
			else {
				at[l->n_lignes] = pos_of(x);
				l->lignes[l->n_lignes++] = rd_scalar(r, x);
			}
		}
	}
	l->code_postal = rd_code(r, n, "code_postal", REQ);
	l->commune_nom = rd_stext(r, n, "commune", REQ);
	l->code_insee = rd_code(r, n, "code_insee", REQ);
}

static void read_lieu(struct rd *r, const struct ynode *n, struct lieu *l)
{
	rd_keys(r, n, lieu_keys);
	l->id = rd_code(r, n, "id", REQ);
	l->denomination = rd_text(r, n, "denomination", OPT);
	const struct ynode *adr = rd_node(r, n, "adresse", Y_MAP, REQ);
	if (adr)
		read_adresse(r, adr, l);
	const struct ynode *geo = rd_node(r, n, "geo", Y_MAP, OPT);
	if (geo) {
		static const char *const geo_keys[] = { "lat", "lon", NULL };
		int hl = 0, ho = 0;
		rd_keys(r, geo, geo_keys);
		l->lat = rd_number(r, geo, "lat", &hl);
		l->lon = rd_number(r, geo, "lon", &ho);
		if (!ytree_get(geo, "lat") || !ytree_get(geo, "lon"))	/* one there but wrong is said alone */
			rd_error(r, geo, "'geo' needs both 'lat' and 'lon'");
		l->has_geo = hl && ho;
		l->geo_line = geo->line;
		l->geo_col = geo->col;
	}
	l->acces_pmr = rd_bool(r, n, "acces_pmr", OPT);
	l->transports = rd_text(r, n, "transports", OPT);
	l->horaires_accueil = rd_stext(r, n, "horaires_accueil", OPT);
}

static void read_niveaux(struct rd *r, const struct ynode *n, struct offre *o)
{
	rd_keys(r, n, niveaux_keys);
	o->echelle = rd_code(r, n, "echelle", REQ);
	const struct ynode *e = rd_node(r, n, "entree", Y_MAP, OPT);
	if (e) {
		static const char *const k[] = { "min", "max", NULL };
		rd_keys(r, e, k);
		o->entree_min = rd_code(r, e, "min", OPT);
		o->entree_max = rd_code(r, e, "max", OPT);
	}
	o->vise = rd_code(r, n, "vise", OPT);
	o->ecrit_requis = rd_bool(r, n, "ecrit_requis", OPT);
}

static void read_public(struct rd *r, const struct ynode *n, struct offre *o)
{
	rd_keys(r, n, public_keys);
	o->publics = rd_codes(r, n, "codes", OPT);
	o->age_min = rd_count(r, n, "age_min", 120);
	o->age_max = rd_count(r, n, "age_max", 120);
	if (o->age_min >= 0 && o->age_max >= 0 && o->age_min > o->age_max)
		rd_error(r, ytree_get(n, "age_max"), "age_max (%ld) is below age_min (%ld)",
		    o->age_max, o->age_min);
	o->public_precisions = rd_text(r, n, "precisions", OPT);
}

static void read_financement(struct rd *r, const struct ynode *n, struct offre *o)
{
	rd_keys(r, n, fin_keys);
	o->financeurs = rd_codes(r, n, "financeurs", OPT);
	o->conventionne = rd_bool(r, n, "conventionne", OPT);
	o->cpf = rd_bool(r, n, "cpf", OPT);
	const struct ynode *c = rd_node(r, n, "certification", Y_MAP, OPT);
	if (c) {
		static const char *const k[] = { "code_rs", "code_rncp", "intitule", NULL };
		rd_keys(r, c, k);
		o->cert_code = rd_text(r, c, "code_rs", OPT);
		if (!o->cert_code)
			o->cert_code = rd_text(r, c, "code_rncp", OPT);
		o->cert_intitule = rd_text(r, c, "intitule", REQ);
	}
}

/* Past this, an amount is more likely a typing slip (centimes, a SIRET
 * pasted) than a price: a long certifying training costs some 10,000 to
 * 30,000 €; the basic-skills and French courses carto maps, far less. */
#define MONTANT_PLAUSIBLE 100000

static void read_cout(struct rd *r, const struct ynode *n, struct offre *o)
{
	rd_keys(r, n, cout_keys);
	o->gratuit = rd_bool(r, n, "gratuit", REQ);
	o->montant = rd_number(r, n, "montant_eur", &o->has_montant);
	if (o->has_montant && o->montant < 0)
		rd_error(r, ytree_get(n, "montant_eur"), "'montant_eur' cannot be negative");
	if (o->gratuit == TRI_TRUE && o->has_montant && o->montant > 0)
		rd_error(r, ytree_get(n, "montant_eur"),
		    "a free offer (gratuit: true) cannot have a montant_eur");
	else if (o->has_montant && o->montant > 0 && o->montant < 0.005)	/* shown to the cent */
		rd_warn(r, ytree_get(n, "montant_eur"), "montant_eur %g is shown as 0 €, as if the offer were "
		    "free: the amount is in euros (0.50 for 50 centimes)", o->montant);
	else if (o->has_montant && o->montant > MONTANT_PLAUSIBLE)
		rd_warn(r, ytree_get(n, "montant_eur"), "montant_eur %.0f is more than %d €: check the amount "
		    "(in euros, for the whole training)", o->montant, MONTANT_PLAUSIBLE);
	o->cout_precisions = rd_text(r, n, "precisions", OPT);
}

static int pick(struct rd *r, const struct ynode *map, const char *key,
    const char *const *vals)
{
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, OPT);
	if (!v)
		return 0;
	size_t n = 0;
	for (; vals[n]; n++)
		if (strcmp(vals[n], v->u.s) == 0)
			return (int)n + 1;
	load_unknown(r, v, key, v->u.s, vals, n);
	return 0;
}

static void read_modalites(struct rd *r, const struct ynode *n, struct offre *o)
{
	static const char *const ens[] = { "presentiel", "mixte", "distance", NULL };
	static const char *const es[] = { "permanentes", "dates_fixes", NULL };
	int has;
	rd_keys(r, n, mod_keys);
	o->enseignement = (enum enseignement)pick(r, n, "enseignement", ens);
	o->entrees = (enum entrees)pick(r, n, "entrees_sorties", es);
	o->heures_semaine = rd_number(r, n, "heures_semaine", &has);
	if (!has)
		o->heures_semaine = -1;
	else if (o->heures_semaine < 0)
		rd_error(r, ytree_get(n, "heures_semaine"), "'heures_semaine' cannot be negative");
	else if (o->heures_semaine == 0 || o->heures_semaine > 60)
		rd_warn(r, ytree_get(n, "heures_semaine"),
		    "'heures_semaine' is %g: check it (expected more than 0, at most 60)", o->heures_semaine);
	o->duree_semaines = rd_count(r, n, "duree_semaines", 520);
	o->horaires = rd_stext(r, n, "horaires", OPT);
	o->garde_enfants = rd_bool(r, n, "garde_enfants", OPT);
	o->places = rd_count(r, n, "places", 100000);
}

static void read_sessions(struct rd *r, const struct ynode *seq, struct offre *o)
{
	static const char *const etats[] = { "ouvert", "ferme", "suspendu", NULL };
	o->sessions = arena_alloc(r->a, seq->n * sizeof(*o->sessions));
	for (size_t i = 0; i < seq->n; i++) {
		const struct ynode *n = seq->u.items[i];
		if (n->kind != Y_MAP) {
			rd_error(r, n, "a session must be a mapping");
			continue;
		}
		struct session *s = &o->sessions[o->n_sessions++];
		rd_keys(r, n, session_keys);
		s->line = n->line;
		s->col = n->col;
		s->debut = rd_date(r, n, "debut", REQ);
		s->fin = rd_date(r, n, "fin", OPT);
		if (s->debut && s->fin && s->debut > s->fin)
			rd_error(r, ytree_get(n, "fin"), "session ends (fin) before it starts (debut)");
		if (!ytree_get(n, "etat_recrutement"))
			rd_error(r, n, "missing 'etat_recrutement'");
		int e = pick(r, n, "etat_recrutement", etats);
		s->etat = e ? (enum etat)(e - 1) : ETAT_FERME;
		s->places = rd_count(r, n, "places_disponibles", 100000);
	}
}

static void read_offre(struct rd *r, const struct ynode *n, struct offre *o)
{
	rd_keys(r, n, offre_keys);
	o->line = n->line;
	o->col = n->col;
	o->id = rd_code(r, n, "id", REQ);
	if (o->id.s && !is_slug(o->id.s))
		rd_error(r, ytree_get(n, "id"), "offer id '%s' must be a slug: a-z, 0-9 and '-'", o->id.s);
	o->intitule = rd_text(r, n, "intitule", REQ);
	o->types = rd_codes(r, n, "types", REQ);
	const struct ynode *t = ytree_get(n, "types");
	if (t && t->kind == Y_SEQ && t->n == 0)
		rd_warn(r, t, "'types' is empty: no cartography that selects by type will show this offer");
	o->parcours = rd_code(r, n, "parcours", OPT);
	o->objectif = rd_markdown(r, n, "objectif", OPT, &o->objectif_at);
	o->formacodes = rd_codes(r, n, "formacodes", OPT);
	o->age_min = o->age_max = -1;
	const struct ynode *x;
	if ((x = rd_node(r, n, "niveaux", Y_MAP, OPT)))
		read_niveaux(r, x, o);
	if ((x = rd_node(r, n, "public", Y_MAP, OPT)))
		read_public(r, x, o);
	if ((x = rd_node(r, n, "financement", Y_MAP, OPT)))
		read_financement(r, x, o);
	o->gratuit = TRI_UNKNOWN;
	if ((x = rd_node(r, n, "cout", Y_MAP, OPT)))
		read_cout(r, x, o);
	o->heures_semaine = -1;
	o->duree_semaines = o->places = -1;
	if ((x = rd_node(r, n, "modalites", Y_MAP, OPT)))
		read_modalites(r, x, o);
	else
		o->garde_enfants = TRI_UNKNOWN;
	o->lieu_ids = rd_codes(r, n, "lieux", REQ);
	if ((x = rd_node(r, n, "sessions", Y_SEQ, OPT)))
		read_sessions(r, x, o);
	o->has_contact = read_contact(r, n, "contact", &o->contact);
	o->competences = rd_codes(r, n, "competences", OPT);
}

static void read_meta(struct rd *r, const struct ynode *org, struct organisme *o)
{
	static const char *const meta_keys[] = { "source", "mise_a_jour", NULL };
	const struct ynode *m = rd_node(r, org, "meta", Y_MAP, REQ);
	if (!m)
		return;
	rd_keys(r, m, meta_keys);
	o->source = rd_text(r, m, "source", OPT);
	o->mise_a_jour = rd_date(r, m, "mise_a_jour", REQ);
	const struct ynode *d = ytree_get(m, "mise_a_jour");
	o->maj_line = d ? d->line : m->line;
	o->maj_col = d ? d->col : m->col;
}

void org_read(struct rd *r, const struct ynode *n, struct organisme *o)
{
	const struct ynode *x;
	o->file = r->file;
	o->line = n->line;
	o->col = n->col;
	rd_keys(r, n, org_keys);
	o->id = rd_code(r, n, "id", REQ);
	if (o->id.s && !is_slug(o->id.s))
		rd_error(r, ytree_get(n, "id"),
		    "organisation id '%s' must be a slug: a-z, 0-9 and '-'", o->id.s);
	else if (o->id.s)
		rd_slug_fits(r, ytree_get(n, "id"), "organisation id", o->id.s);
	o->nom = rd_text(r, n, "nom", REQ);
	o->nom_at = pos_of(ytree_get(n, "nom"));
	o->siret = rd_code(r, n, "siret", OPT);
	o->nature = rd_code(r, n, "nature", OPT);
	o->labels = rd_codes(r, n, "labels", OPT);
	o->site_web = rd_stext(r, n, "site_web", OPT);
	o->has_contact = read_contact(r, n, "contact", &o->contact);
	if ((x = rd_node(r, n, "lieux", Y_SEQ, REQ))) {
		if (x->n == 0)
			rd_error(r, x, "an organisation needs at least one lieu");
		o->lieux = arena_alloc(r->a, x->n * sizeof(*o->lieux));
		for (size_t i = 0; i < x->n; i++) {
			if (x->u.items[i]->kind != Y_MAP) {
				rd_error(r, x->u.items[i], "a lieu must be a mapping");
				continue;
			}
			read_lieu(r, x->u.items[i], &o->lieux[o->n_lieux++]);
		}
	}
	if ((x = rd_node(r, n, "offres", Y_SEQ, OPT))) {
		o->offres = arena_alloc(r->a, x->n * sizeof(*o->offres));
		for (size_t i = 0; i < x->n; i++) {
			if (x->u.items[i]->kind != Y_MAP) {
				rd_error(r, x->u.items[i], "an offer must be a mapping");
				continue;
			}
			struct offre *of = &o->offres[o->n_offres++];
			read_offre(r, x->u.items[i], of);
			of->org = o;
		}
	}
	read_meta(r, n, o);
}
