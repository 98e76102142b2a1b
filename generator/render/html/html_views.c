/*
 * The views of the HTML pages: one builder per kind of page, on top of the
 * parts every page shares (html_page.c: site, menu, breadcrumbs, meta).
 * Strings come from the model or the page's arena; nothing here escapes, the
 * templates do.
 * Start at html_view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/civil.h"
#include "../../base/escape.h"
#include "../../base/json.h"
#include "../../base/url.h"
#include "../../data/derive.h"
#include "../../base/mem.h"
#include "../../data/hours.h"
#include "../../data/paths.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_embed.h"
#include "html_parcours.h"
#include "html_views.h"

#define MAX_LISTED 50	/* offers listed under one competence */

static void set_depth(struct pctx *c, int depth)
{
	c->depth = depth;
	c->root = "";
	for (int i = 0; i < depth; i++)
		c->root = html_fmt(c, "%s../", c->root);
}

/* An HTML id for a référentiel code: "1.2" becomes "c-1_2". */
static const char *anchor(struct pctx *c, const char *code)
{
	buf_reset(c->tmp);
	buf_puts(c->tmp, "c-");
	esc_id(c->tmp, code);
	return arena_strndup(c->a, c->tmp->data, c->tmp->len);
}


static struct view *codes_view(struct pctx *c, const struct svals *v, const struct vocab_list *l)
{
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < v->n; i++) {
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "code", v->v[i].s);
		view_sets(c->a, it, "libelle", vocab_label(l, v->v[i].s));
		view_push(c->a, list, it);
	}
	return list;
}

static const char *level_title(const struct site *s, const char *scale, const char *code)
{
	for (size_t i = 0; scale && code && i < s->vocab.n_echelles; i++)
		if (strcmp(s->vocab.echelles[i].id, scale) == 0)
			for (size_t k = 0; k < s->vocab.echelles[i].n; k++)
				if (strcmp(s->vocab.echelles[i].v[k].code, code) == 0)
					return s->vocab.echelles[i].v[k].code;
	return code;
}

/* The levels' codes of levels_text. */
static const char *levels_codes(struct pctx *c, const struct offre *o)
{
	const char *mn = level_title(c->s, o->echelle.s, o->entree_min.s);
	const char *mx = level_title(c->s, o->echelle.s, o->entree_max.s);
	const char *entry = NULL;
	if (mn && mx && strcmp(mn, mx) != 0)
		entry = html_fmt(c, "de %s à %s", mn, mx);
	else if (mn || mx)
		entry = mn ? mn : mx;
	if (entry && o->vise.s)
		return html_fmt(c, "À l'entrée : %s ; niveau visé : %s", entry, o->vise.s);
	if (entry)
		return html_fmt(c, "À l'entrée : %s", entry);
	if (o->vise.s)
		return html_fmt(c, "Niveau visé : %s", o->vise.s);
	return NULL;
}

/* "de A1.1 à A1", "A1.1", then "vers A2"; on a référentiel's own scale,
 * which a reader may not know, its name after: "(Carte de compétences –
 * Cercles de progression)". */
static const char *levels_text(struct pctx *c, const struct offre *o)
{
	const char *t = levels_codes(c, o);
	const struct referentiel *r = t ? scale_referentiel(c->s, o->scale) : NULL;
	if (!r)
		return t;
	return html_fmt(c, "%s (%s – %s)", t, r->titre_court ? r->titre_court : r->titre,
	    o->scale->titre ? o->scale->titre : o->scale->id);
}

static const char *cost_text(struct pctx *c, const struct offre *o)
{
	char prix[MONTANT_SIZE];
	const char *base = o->gratuit == TRI_TRUE ? "Gratuit"
	    : o->has_montant ? html_fmt(c, "%s", montant_fr(o->montant, prix))
	    : o->gratuit == TRI_FALSE ? "Payant" : NULL;
	if (base && o->cout_precisions)
		return html_fmt(c, "%s (%s)", base, o->cout_precisions);
	return base ? base : o->cout_precisions;
}

/* Opening hours in plain French, from the model's parsed form. */
static const char *hours_text(struct pctx *c, const struct hours *h)
{
	char fr[256];
	if (!h)
		return NULL;
	hours_french(h, fr, sizeof(fr));
	return html_fmt(c, "%s", fr);
}

static struct view *contact_view(struct pctx *c, const struct contact *ct)
{
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "nom", ct->nom);
	if (ct->telephone) {
		/* Shown with no-break spaces, so a number never wraps. */
		struct buf *t = c->tmp;
		buf_reset(t);
		for (const char *p = ct->telephone; *p; p++)
			if (*p == ' ')
				buf_puts(t, "\xC2\xA0");
			else
				buf_putc(t, *p);
		view_sets(c->a, v, "telephone", arena_strndup(c->a, t->data, t->len));
		/* tel: links take the digits only. */
		char digits[32];
		size_t n = 0;
		for (const char *p = ct->telephone; *p && n + 1 < sizeof(digits); p++)
			if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
				digits[n++] = *p;
		digits[n] = '\0';
		view_sets(c->a, v, "tel_url", html_fmt(c, "tel:%s", digits));
	}
	view_sets(c->a, v, "courriel", ct->courriel.s);
	return v;
}

static struct view *lieu_view(struct pctx *c, const struct lieu *l)
{
	struct arena *a = c->a;
	struct view *v = view_map(a), *lines = view_list(a);
	view_sets(a, v, "id", l->id.s);
	view_sets(a, v, "denomination", l->denomination);
	for (size_t i = 0; i < l->n_lignes; i++)
		view_push(a, lines, view_str(a, l->lignes[i]));
	view_set(a, v, "lignes", lines);
	view_sets(a, v, "code_postal", l->code_postal.s);
	view_sets(a, v, "commune", l->commune ? l->commune->nom : l->commune_nom.s);
	view_sets(a, v, "departement", geo_dep_name(&c->s->geo, l->dep));
	view_sets(a, v, "acces_pmr", l->acces_pmr == TRI_TRUE ? "Accessible en fauteuil roulant"
	    : l->acces_pmr == TRI_FALSE ? "Non accessible en fauteuil roulant" : NULL);
	view_sets(a, v, "transports", l->transports);
	view_sets(a, v, "horaires", hours_text(c, l->accueil));
	/* Its place on OpenStreetMap, the way there, and geo: for a phone's
	 * map application: published only as base/url.c accepts them. */
	char osm[LIEU_URL_SIZE], route[LIEU_URL_SIZE], geo[LIEU_URL_SIZE];
	if (url_is_web(lieu_url(l, LIEU_OSM, osm)) && url_is_web(lieu_url(l, LIEU_ITINERAIRE, route)) &&
	    url_is_geo(lieu_url(l, LIEU_GEO, geo))) {
		view_sets(a, v, "osm_url", html_fmt(c, "%s", osm));
		view_sets(a, v, "itineraire_url", html_fmt(c, "%s", route));
		view_sets(a, v, "geo_url", html_fmt(c, "%s", geo));
		view_sets(a, v, "nom_court", l->denomination ? l->denomination
		    : l->commune ? l->commune->nom : l->commune_nom.s);
		/* Without geo, the lieu stands at its commune's centre: say so. */
		view_setb(a, v, "position_commune", !l->has_geo);
	}
	return v;
}

static struct view *sessions_view(struct pctx *c, const struct offre *o)
{
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *s = &o->sessions[i];
		struct view *v = view_map(c->a);
		view_sets(c->a, v, "debut", html_date_fr(c, s->debut));
		view_sets(c->a, v, "fin", html_date_fr(c, s->fin));
		view_sets(c->a, v, "etat", etat_inscriptions(s->etat, 1));
		view_sets(c->a, v, "etat_classe", etat_code(s->etat));
		if (s->places >= 0)
			view_sets(c->a, v, "places", html_fmt(c, "%ld place%s disponible%s", s->places,
			    s->places > 1 ? "s" : "", s->places > 1 ? "s" : ""));
		view_push(c->a, list, v);
	}
	return list;
}

static struct view *competences_view(struct pctx *c, const struct svals *comp)
{
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < comp->n; i++) {
		const char *sv = comp->v[i].s, *colon = strchr(sv, ':');
		if (!colon)
			continue;
		const char *id = html_fmt(c, "%.*s", (int)(colon - sv), sv);
		const struct referentiel *r = strmap_get(&c->s->ref_by_id, id);
		const struct ref_entry *e = r ? strmap_get(&r->by_code, colon + 1) : NULL;
		if (!e)
			continue;
		struct view *v = view_map(c->a);
		view_sets(c->a, v, "referentiel", r->titre_court);
		view_sets(c->a, v, "code", e->code);
		view_sets(c->a, v, "titre", e->titre);
		view_sets(c->a, v, "url", html_fmt(c, "%s%sindex.html#%s", c->root, html_path(c, path_ref_page(c->tmp, r)), anchor(c, e->code)));
		view_push(c->a, list, v);
	}
	return list;
}

/* "Et après ?": the suites of an offer (index.h), each with its distance,
 * a link to it and why it was chosen. */
static struct view *suites_view(struct pctx *c, const struct offre *o)
{
	struct arena *a = c->a;
	struct view *list = view_list(a);
	char km[KM_SIZE];
	for (size_t i = 0; i < o->n_suites; i++) {
		const struct suite *su = &o->suites[i];
		struct view *it = view_map(a);
		view_sets(a, it, "intitule", su->o->intitule);
		view_sets(a, it, "organisme", su->o->org->nom);
		view_sets(a, it, "commune", su->to->commune ? su->to->commune->nom : su->to->commune_nom.s);
		view_sets(a, it, "distance", arena_strdup(a, km_fr(su->km, km)));
		view_sets(a, it, "url", html_fmt(c, "%s%sindex.html#offre-%s", c->root,
		    html_path(c, path_org_page(c->tmp, su->o->org)), su->o->id.s));
		buf_reset(c->tmp);
		suite_reason(c->tmp, &c->s->vocab, o, su);
		view_sets(a, it, "raison", arena_strndup(a, c->tmp->data, c->tmp->len));
		view_push(a, list, it);
	}
	return list;
}

static struct view *offre_view(struct pctx *c, const struct offre *o)
{
	const struct vocab *vo = &c->s->vocab;
	struct arena *a = c->a;
	struct view *v = view_map(a);
	view_sets(a, v, "id", o->id.s);
	view_sets(a, v, "intitule", o->intitule);
	view_set(a, v, "types", codes_view(c, &o->types, &vo->types_offre));
	view_sets(a, v, "parcours", vocab_label(&vo->parcours, o->parcours.s));
	view_sets(a, v, "objectif_html", html_markdown(c, o->objectif));
	view_sets(a, v, "niveaux", levels_text(c, o));
	if (o->ecrit_requis != TRI_UNKNOWN)
		view_sets(a, v, "ecrit", o->ecrit_requis == TRI_TRUE ? "L'écrit est requis à l'entrée."
		    : "L'écrit n'est pas requis à l'entrée.");
	view_set(a, v, "publics", codes_view(c, &o->publics, &vo->publics));
	if (o->age_min >= 0)
		view_sets(a, v, "age", html_fmt(c, "À partir de %ld ans", o->age_min));
	view_sets(a, v, "public_precisions", o->public_precisions);
	view_set(a, v, "financeurs", codes_view(c, &o->financeurs, &vo->financeurs));
	view_setb(a, v, "cpf", o->cpf == TRI_TRUE);
	view_setb(a, v, "conventionne", o->conventionne == TRI_TRUE);
	view_sets(a, v, "certification", o->cert_intitule);
	view_sets(a, v, "cout", cost_text(c, o));
	static const char *const ens[] = { NULL, "En présentiel", "En partie à distance", "À distance" };
	static const char *const es[] = { NULL, "Entrées et sorties permanentes", "Entrées à dates fixes" };
	view_sets(a, v, "enseignement", ens[o->enseignement]);
	view_sets(a, v, "entrees", es[o->entrees]);
	if (o->heures_semaine > 0)
		view_sets(a, v, "rythme", o->duree_semaines > 0
		    ? html_fmt(c, "%g h par semaine pendant %ld semaines", o->heures_semaine, o->duree_semaines)
		    : html_fmt(c, "%g h par semaine", o->heures_semaine));
	view_sets(a, v, "horaires", hours_text(c, o->heures));
	if (o->garde_enfants != TRI_UNKNOWN)
		view_sets(a, v, "garde", o->garde_enfants == TRI_TRUE ? "Garde d'enfants proposée"
		    : "Pas de garde d'enfants");
	if (o->places > 0)
		view_sets(a, v, "places", html_fmt(c, "%ld places par groupe", o->places));
	struct view *lieux = view_list(a);
	for (size_t i = 0; i < o->n_lieux; i++)
		view_push(a, lieux, view_str(a, o->lieux[i]->denomination ? o->lieux[i]->denomination
		    : o->lieux[i]->commune ? o->lieux[i]->commune->nom : o->lieux[i]->id.s));
	view_set(a, v, "lieux", lieux);
	view_set(a, v, "sessions", sessions_view(c, o));
	view_setb(a, v, "has_sessions", o->n_sessions > 0);
	view_setb(a, v, "has_competences", o->competences.n > 0);
	if (o->has_contact)
		view_set(a, v, "contact", contact_view(c, &o->contact));
	view_set(a, v, "competences", competences_view(c, &o->competences));
	view_set(a, v, "suites", suites_view(c, o));
	view_setb(a, v, "has_suites", o->n_suites > 0);
	return v;
}

/* schema.org: EducationalOrganization with its Courses and CourseInstances.
 * The JSON goes inside a <script> element: esc_json keeps "</" out of it. */
static const char *jsonld(struct pctx *c, const struct organisme *o, const char *url)
{
	struct buf *b = c->tmp;
	struct json j;
	buf_reset(b);
	json_init(&j, b, JSON_COMPACT);
	json_object(&j);
	json_kstr(&j, "@context", "https://schema.org");
	json_kstr(&j, "@type", "EducationalOrganization");
	json_kstr(&j, "name", o->nom);
	json_kstr(&j, "url", url);
	if (o->has_contact && o->contact.telephone)
		json_kstr(&j, "telephone", o->contact.telephone);
	json_key(&j, "address");
	json_array(&j);
	for (size_t i = 0; i < o->n_lieux; i++) {
		const struct lieu *l = &o->lieux[i];
		json_object(&j);
		json_kstr(&j, "@type", "PostalAddress");
		json_kstr(&j, "streetAddress", l->n_lignes ? l->lignes[l->n_lignes - 1] : NULL);
		json_kstr(&j, "postalCode", l->code_postal.s);
		json_kstr(&j, "addressLocality", l->commune ? l->commune->nom : l->commune_nom.s);
		json_kstr(&j, "addressCountry", "FR");
		json_end(&j);
	}
	json_end(&j);
	json_key(&j, "makesOffer");
	json_array(&j);
	for (size_t i = 0; i < o->n_offres; i++) {
		const struct offre *of = &o->offres[i];
		json_object(&j);
		json_kstr(&j, "@type", "Course");
		json_kstr(&j, "name", of->intitule);
		json_kstr(&j, "inLanguage", "fr");
		json_key(&j, "provider");
		json_object(&j);
		json_kstr(&j, "@type", "EducationalOrganization");
		json_kstr(&j, "name", o->nom);
		json_end(&j);
		json_key(&j, "hasCourseInstance");
		json_array(&j);
		for (size_t k = 0; k < of->n_sessions; k++) {
			char d1[CIVIL_SIZE], d2[CIVIL_SIZE];
			civil_iso(of->sessions[k].debut, d1);
			civil_iso(of->sessions[k].fin, d2);
			json_object(&j);
			json_kstr(&j, "@type", "CourseInstance");
			json_kstr(&j, "courseMode", of->enseignement == ENS_DISTANCE ? "online" :
			    of->enseignement == ENS_MIXTE ? "blended" : "onsite");
			if (*d1)
				json_kstr(&j, "startDate", d1);
			if (*d2)
				json_kstr(&j, "endDate", d2);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	json_free(&j);
	return arena_strndup(c->a, b->data, b->len);
}

static struct view *org_page(struct pctx *c, const struct organisme *o, const char **path)
{
	struct arena *a = c->a;
	set_depth(c, 2);
	const char *url = html_path(c, path_org_page(c->tmp, o));
	*path = html_fmt(c, "%sindex.html", url);
	const char *where = o->n_lieux && o->lieux[0].commune ? o->lieux[0].commune->nom : NULL;
	struct view *v = html_common(c, o->nom, html_fmt(c, "%s%s%s : %zu offre%s de formation, lieux, horaires, contacts.",
	    o->nom, where ? " à " : "", where ? where : "", o->n_offres, o->n_offres > 1 ? "s" : ""), url);
	const char *fil[] = { "Accueil", "", "Organismes", "organismes/", o->nom, url };
	html_crumbs(c, v, fil, 6);
	struct view *org = view_map(a);
	view_sets(a, org, "nom", o->nom);
	view_sets(a, org, "nature", vocab_label(&c->s->vocab.natures, o->nature.s));
	view_sets(a, org, "siret", o->siret.s);
	view_sets(a, org, "site_web", o->site_web.s);
	view_set(a, org, "labels", codes_view(c, &o->labels, &c->s->vocab.labels));
	view_setb(a, org, "has_labels", o->labels.n > 0);
	if (o->has_contact)
		view_set(a, org, "contact", contact_view(c, &o->contact));
	struct view *lieux = view_list(a), *offres = view_list(a);
	for (size_t i = 0; i < o->n_lieux; i++)
		view_push(a, lieux, lieu_view(c, &o->lieux[i]));
	for (size_t i = 0; i < o->n_offres; i++)
		view_push(a, offres, offre_view(c, &o->offres[i]));
	view_set(a, org, "lieux", lieux);
	view_set(a, org, "offres", offres);
	view_setn(a, org, "nb_offres", (double)o->n_offres);
	view_setb(a, org, "offres_pluriel", o->n_offres > 1);
	view_sets(a, org, "mise_a_jour", html_date_fr(c, o->mise_a_jour));
	const char *pdf = html_path(c, path_org_pdf(c->tmp, o));
	view_sets(a, org, "pdf_url", html_fmt(c, "%s%s", c->root, pdf));
	view_sets(a, org, "pdf_taille", html_file_size(c, pdf));
	view_set(a, v, "org", org);
	view_sets(a, v, "jsonld", jsonld(c, o, html_fmt(c, "%s%s", c->s->base_url, url)));
	return v;
}

static struct view *article_item(struct pctx *c, const struct page *p)
{
	struct view *it = view_map(c->a);
	view_sets(c->a, it, "titre", p->titre);
	view_sets(c->a, it, "url", html_link(c, html_fmt(c, "%s/", p->slug)));
	view_sets(c->a, it, "date", html_date_fr(c, p->date));
	view_sets(c->a, it, "resume", p->resume);
	return it;
}

static const struct page *find_page(const struct site *s, const char *slug)
{
	return strmap_get(&s->pages_by_slug, slug);
}

/* "mercredi 10 décembre 2026". */
static const char *date_long(struct pctx *c, int d)
{
	static const char *const jours[] = { "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi" };
	return html_fmt(c, "%s %s", jours[civil_weekday(d)], html_date_fr(c, d));
}

static const char *clock(struct pctx *c, int minutes)
{
	minutes %= 24 * 60;
	return html_fmt(c, "%d h %02d", minutes / 60, minutes % 60);
}

/* The Paris wall-clock time of instant t; in the hour that October's
 * change repeats, which of the two it is. */
static const char *paris_clock(struct pctx *c, long t)
{
	int date, minutes;
	enum civil_local_kind kind;
	civil_paris_local(t, &date, &minutes);
	civil_paris_instant(date, minutes, &kind);
	if (kind != CIVIL_TWICE)
		return clock(c, minutes);
	return html_fmt(c, "%s (heure d’%s)", clock(c, minutes),
	    civil_paris_offset(t) == 120 ? "été" : "hiver");
}

/* The webinar's facts, for its page and for lists. */
static struct view *webinar(struct pctx *c, const struct page *p)
{
	struct arena *a = c->a;
	struct view *w = view_map(a);
	int upcoming = p->web_date >= c->s->today;
	view_sets(a, w, "date", date_long(c, p->web_date));
	char iso[CIVIL_SIZE];
	view_sets(a, w, "iso", html_fmt(c, "%s", civil_iso(p->web_date, iso)));
	if (p->web_debut >= 0) {
		/* Wall-clock times in Paris: the end is an hour off the plain sum
		 * when the clocks change during the webinar. */
		long start = civil_paris_instant(p->web_date, p->web_debut, NULL);
		int d0, m0;
		civil_paris_local(start, &d0, &m0);
		view_sets(a, w, "debut", paris_clock(c, start));
		view_sets(a, w, "fin", paris_clock(c, start + p->web_duree));
		view_sets(a, w, "iso_heure", html_fmt(c, "%02d:%02d", m0 / 60, m0 % 60));
	}
	long h = p->web_duree / 60, m = p->web_duree % 60;
	view_sets(a, w, "duree", h && m ? html_fmt(c, "%ld h %02ld", h, m) : h ? html_fmt(c, "%ld h", h)
	    : html_fmt(c, "%ld minutes", m));
	view_sets(a, w, "lieu", p->web_lieu ? p->web_lieu : "En ligne");
	view_setb(a, w, "a_venir", upcoming);
	view_sets(a, w, "inscription", upcoming ? p->web_inscription : NULL);
	view_sets(a, w, "replay", p->web_replay);
	const char *last = strrchr(p->slug, '/');
	view_sets(a, w, "ics", html_fmt(c, "%s%s/%s.ics", c->root, p->slug, last ? last + 1 : p->slug));
	struct view *sp = view_list(a);
	for (size_t i = 0; i < p->n_web_intervenants; i++) {
		struct view *it = view_map(a);
		view_sets(a, it, "nom", p->web_intervenants[i].nom);
		view_sets(a, it, "role", p->web_intervenants[i].role);
		view_push(a, sp, it);
	}
	view_set(a, w, "intervenants", sp);
	view_setb(a, w, "has_intervenants", sp->n > 0);
	return w;
}

static int cmp_webinars(const void *pa, const void *pb)
{
	const struct page *a = *(const struct page *const *)pa, *b = *(const struct page *const *)pb;
	if (a->web_date != b->web_date)
		return a->web_date < b->web_date ? -1 : 1;
	if (a->web_debut != b->web_debut)
		return a->web_debut < b->web_debut ? -1 : 1;
	return strcmp(a->slug, b->slug);
}

/* The published webinars in two lists: upcoming (soonest first) and past
 * (latest first), relative to the build's reference date. */
static void webinar_lists(struct pctx *c, struct view *v, size_t max_upcoming)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	const struct page **w = arena_alloc(a, (s->n_pages + 1) * sizeof(*w));
	size_t n = 0;
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_WEBINAIRE && (c->drafts || !s->pages[i]->brouillon))
			w[n++] = s->pages[i];
	xqsort(w, n, sizeof(*w), cmp_webinars);
	struct view *up = view_list(a), *past = view_list(a);
	for (size_t i = 0; i < n && up->n < max_upcoming; i++)
		if (w[i]->web_date >= s->today) {
			struct view *it = article_item(c, w[i]);
			view_set(a, it, "webinaire", webinar(c, w[i]));
			view_push(a, up, it);
		}
	for (size_t i = n; i-- > 0;)
		if (w[i]->web_date < s->today) {
			struct view *it = article_item(c, w[i]);
			view_set(a, it, "webinaire", webinar(c, w[i]));
			view_push(a, past, it);
		}
	view_set(a, v, "webinaires", up);
	view_set(a, v, "webinaires_passes", past);
	view_setb(a, v, "has_webinaires", up->n > 0);
	view_setb(a, v, "has_webinaires_passes", past->n > 0);
}

static struct view *home_page(struct pctx *c, const char **path)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	const struct page *home = find_page(s, "");
	set_depth(c, 0);
	*path = "index.html";
	struct view *v = html_common(c, home ? home->titre : s->titre, home ? home->resume : NULL, "");
	html_crumbs(c, v, NULL, 0);
	view_sets(a, v, "intro_html", home ? html_page_markdown(c, home) : NULL);
	struct view *cartos = view_list(a), *refs = view_list(a), *deps = view_list(a);
	for (size_t i = 0; i < s->n_cartographies; i++) {
		struct view *it = view_map(a);
		view_sets(a, it, "titre", s->cartographies[i]->titre);
		view_sets(a, it, "url", html_link(c, html_path(c, path_carto_page(c->tmp, s->cartographies[i], NULL))));
		view_push(a, cartos, it);
	}
	for (size_t i = 0; i < s->n_referentiels; i++) {
		const struct referentiel *r = s->referentiels[i];
		struct view *it = view_map(a);
		view_sets(a, it, "titre", r->titre);
		view_sets(a, it, "url", html_link(c, html_path(c, path_ref_page(c->tmp, r))));
		view_sets(a, it, "resume", html_fmt(c, "%zu %s%s, %zu %s%s", r->n_domaines,
		    r->lib_domaine, r->n_domaines > 1 ? "s" : "", r->n_competences,
		    r->lib_competence, r->n_competences > 1 ? "s" : ""));
		view_push(a, refs, it);
	}
	for (size_t i = 0; i < s->geo.n_departements; i++) {
		const char *code = s->geo.departements[i].code;
		const struct ptrs *l = strmap_get(&s->orgs_by_dep, code);
		struct view *it = view_map(a);
		view_sets(a, it, "nom", html_fmt(c, "%s (%s)", s->geo.departements[i].nom, code));
		view_setn(a, it, "nb", (double)(l ? l->n : 0));
		view_setb(a, it, "pluriel", l && l->n > 1);
		view_sets(a, it, "url", html_link(c, html_path(c, path_dep_page(c->tmp, code))));
		view_push(a, deps, it);
	}
	view_set(a, v, "cartographies", cartos);
	view_set(a, v, "referentiels", refs);
	view_set(a, v, "departements", deps);
	view_setn(a, v, "nb_organismes", (double)s->n_organismes);
	view_setb(a, v, "organismes_pluriel", s->n_organismes > 1);
	view_setn(a, v, "nb_offres", (double)s->n_offres);
	view_setb(a, v, "offres_pluriel", s->n_offres > 1);
	size_t n = c->n_articles < 3 ? c->n_articles : 3;
	struct view *arts = view_list(a);
	for (size_t i = 0; i < n; i++)
		view_push(a, arts, article_item(c, c->articles[i]));
	view_set(a, v, "articles", arts);
	view_setb(a, v, "has_articles", n > 0);
	webinar_lists(c, v, 3);
	view_set(a, v, "webinaires_passes", NULL);
	view_setb(a, v, "has_webinaires_passes", 0);
	return v;
}

static int depth_of(const char *slug)
{
	int d = 1;
	for (; *slug; slug++)
		d += *slug == '/';
	return d;
}

static struct view *md_page(struct pctx *c, const struct page *p, const char **path)
{
	struct arena *a = c->a;
	set_depth(c, depth_of(p->slug));
	const char *url = html_fmt(c, "%s/", p->slug);
	*path = html_fmt(c, "%s/index.html", p->slug);
	struct view *v = html_common(c, p->titre, p->resume, url);
	if (p->type == PAGE_ARTICLE)
		view_sets(a, view_get(v, "page") ? (struct view *)view_get(v, "page") : v, "og_type", "article");
	/* Breadcrumbs follow the slug's folders that are pages themselves. */
	const char *fil[16];
	size_t n = 0;
	fil[n++] = "Accueil";
	fil[n++] = "";
	for (const char *sl = strchr(p->slug, '/'); sl && n < 12; sl = strchr(sl + 1, '/')) {
		const char *parent = html_fmt(c, "%.*s", (int)(sl - p->slug), p->slug);
		const struct page *pp = find_page(c->s, parent);
		if (pp) {
			fil[n++] = pp->titre;
			fil[n++] = html_fmt(c, "%s/", parent);
		}
	}
	fil[n++] = p->titre;
	fil[n++] = url;
	html_crumbs(c, v, fil, n);
	if (p->type == PAGE_DIAPORAMA)
		html_slides(c, v, p);
	else {
		const char *body = html_page_markdown(c, p);
		view_sets(a, v, "html", body);
		/* Its maps' markers keep their size in CSS pixels (assets/reperes.js). */
		view_setb(a, v, "has_map", body && strstr(body, "<svg class=\"map\"") != NULL);
	}
	view_sets(a, v, "date", p->type == PAGE_ARTICLE ? html_date_fr(c, p->date) : NULL);
	if (p->type == PAGE_WEBINAIRE)
		view_set(a, v, "webinaire", webinar(c, p));
	/* The page "webinaires" lists them all, upcoming and past. */
	if (strcmp(p->slug, "webinaires") == 0) {
		webinar_lists(c, v, (size_t)-1);
		view_setb(a, v, "liste_webinaires", 1);
	}
	/* A page whose folder holds articles lists them, newest first. */
	struct view *arts = view_list(a);
	const struct ptrs *in = strmap_get(c->by_folder, p->slug);
	for (size_t i = 0; in && i < in->n; i++)
		view_push(a, arts, article_item(c, in->v[i]));
	view_set(a, v, "articles", arts);
	view_setb(a, v, "has_articles", arts->n > 0);
	return v;
}

struct view *html_simple_page(struct pctx *c, const char *titre, const char *desc,
    const char *url, int depth)
{
	set_depth(c, depth);
	struct view *v = html_common(c, titre, desc, url);
	const char *fil[] = { "Accueil", "", titre, url };
	html_crumbs(c, v, fil, 4);
	return v;
}

static struct view *directory_page(struct pctx *c, const char **path)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	*path = "organismes/index.html";
	struct view *v = html_simple_page(c, "Organismes de formation",
	    "L'annuaire des organismes et de leurs lieux de formation, par département.", "organismes/", 1);
	struct view *deps = view_list(a);
	for (size_t i = 0; i < s->geo.n_departements; i++) {
		const char *code = s->geo.departements[i].code;
		const struct ptrs *l = strmap_get(&s->orgs_by_dep, code);
		struct view *it = view_map(a);
		view_sets(a, it, "code", code);
		view_sets(a, it, "nom", s->geo.departements[i].nom);
		view_setn(a, it, "nb", (double)(l ? l->n : 0));
		view_setb(a, it, "pluriel", l && l->n > 1);
		view_sets(a, it, "url", html_link(c, html_path(c, path_dep_page(c->tmp, code))));
		view_push(a, deps, it);
	}
	view_set(a, v, "departements", deps);
	view_setn(a, v, "nb_organismes", (double)s->n_organismes);
	view_setb(a, v, "organismes_pluriel", s->n_organismes > 1);
	return v;
}

/* One département: its communes in name order, each with its organisations. */
static struct view *dep_page(struct pctx *c, const char *code, const char **path)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	const char *nom = geo_dep_name(&s->geo, code);
	set_depth(c, 2);
	const char *url = html_path(c, path_dep_page(c->tmp, code));
	*path = html_fmt(c, "%sindex.html", url);
	const char *titre = html_fmt(c, "Organismes – %s (%s)", nom, code);
	struct view *v = html_common(c, titre, html_fmt(c, "Les organismes de formation de %s, commune par commune.", nom), url);
	const char *fil[] = { "Accueil", "", "Organismes", "organismes/", nom, url };
	html_crumbs(c, v, fil, 6);
	view_sets(a, v, "departement", nom);
	struct view *communes = view_list(a);
	const struct ptrs *in = strmap_get(&s->communes_by_dep, code);
	for (size_t i = 0; in && i < in->n; i++) {
		const struct commune *cm = in->v[i];
		const struct ptrs *l = strmap_get(&s->orgs_by_commune, cm->code);
		struct view *it = view_map(a), *orgs = view_list(a);
		view_sets(a, it, "nom", cm->nom);
		view_sets(a, it, "code", cm->code);
		for (size_t k = 0; k < l->n; k++) {
			const struct organisme *o = l->v[k];
			struct view *ov = view_map(a);
			view_sets(a, ov, "nom", o->nom);
			view_sets(a, ov, "url", html_link(c, html_path(c, path_org_page(c->tmp, o))));
			view_setn(a, ov, "nb_offres", (double)o->n_offres);
			view_setb(a, ov, "pluriel", o->n_offres > 1);
			view_push(a, orgs, ov);
		}
		view_set(a, it, "organismes", orgs);
		view_push(a, communes, it);
	}
	view_set(a, v, "communes", communes);
	view_setb(a, v, "vide", communes->n == 0);
	return v;
}

static const char *const corr_type_texte[] = { "équivalente", "partielle", "contribue" };

static struct view *uses_view(struct pctx *c, const struct corr_use *u, size_t n, int out)
{
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < n; i++) {
		const struct corr_link *l = u[i].link;
		const struct referentiel *other = out ? u[i].corr->vers : u[i].corr->de;
		struct view *it = view_map(c->a), *codes = view_list(c->a);
		view_sets(c->a, it, "referentiel", other->titre_court);
		size_t nc = out ? l->vers.n : 1;
		for (size_t k = 0; k < nc; k++) {
			const char *code = out ? l->vers.v[k].s : l->de.s;
			const struct ref_entry *e = strmap_get(&other->by_code, code);
			struct view *cv = view_map(c->a);
			view_sets(c->a, cv, "code", code);
			view_sets(c->a, cv, "titre", e ? e->titre : NULL);
			view_sets(c->a, cv, "url", html_fmt(c, "%s%sindex.html#%s", c->root, html_path(c, path_ref_page(c->tmp, other)), anchor(c, code)));
			view_push(c->a, codes, cv);
		}
		view_set(c->a, it, "codes", codes);
		view_sets(c->a, it, "type", corr_type_texte[l->type]);
		view_sets(c->a, it, "niveau", l->niveau_de.s);
		view_sets(c->a, it, "note", l->note);
		view_push(c->a, list, it);
	}
	return list;
}

static struct view *entry_view(struct pctx *c, const struct referentiel *r, const struct ref_entry *e)
{
	struct arena *a = c->a;
	struct view *v = view_map(a);
	view_sets(a, v, "code", e->code);
	view_sets(a, v, "ancre", anchor(c, e->code));
	view_sets(a, v, "titre", e->titre);
	view_sets(a, v, "description_html", html_markdown(c, e->description));
	view_sets(a, v, "niveau", e->niveau.s);
	view_set(a, v, "vers", uses_view(c, e->out, e->n_out, 1));
	view_set(a, v, "depuis", uses_view(c, e->in, e->n_in, 0));
	view_setb(a, v, "has_corr", e->n_out + e->n_in > 0);
	struct view *offres = view_list(a);
	for (size_t i = 0; i < e->n_offres && i < MAX_LISTED; i++) {
		const struct offre *o = e->offres[i];
		struct view *it = view_map(a);
		view_sets(a, it, "intitule", o->intitule);
		view_sets(a, it, "organisme", o->org->nom);
		view_sets(a, it, "url", html_link(c, html_path(c, path_org_page(c->tmp, o->org))));
		view_push(a, offres, it);
	}
	view_set(a, v, "offres", offres);
	view_setn(a, v, "nb_offres", (double)e->n_offres);
	view_setb(a, v, "plus_offres", e->n_offres > MAX_LISTED);
	struct view *kids = view_list(a);
	for (size_t i = 0; i < e->n_children; i++)
		view_push(a, kids, entry_view(c, r, &e->children[i]));
	view_set(a, v, e->kind == ENTRY_DOMAINE ? "competences" : "criteres", kids);
	view_setb(a, v, "has_criteres", e->kind == ENTRY_COMPETENCE && e->n_children > 0);
	return v;
}

static struct view *ref_page(struct pctx *c, const struct referentiel *r, const char **path)
{
	struct arena *a = c->a;
	set_depth(c, 2);
	const char *url = html_path(c, path_ref_page(c->tmp, r));
	*path = html_fmt(c, "%sindex.html", url);
	struct view *v = html_common(c, r->titre, html_fmt(c, "%s : %zu %s%s, %zu %s%s et leurs correspondances.",
	    r->titre_court, r->n_domaines, r->lib_domaine, r->n_domaines > 1 ? "s" : "",
	    r->n_competences, r->lib_competence, r->n_competences > 1 ? "s" : ""), url);
	const char *fil[] = { "Accueil", "", "Référentiels", "referentiels/", r->titre_court, url };
	html_crumbs(c, v, fil, 6);
	struct view *rv = view_map(a);
	view_sets(a, rv, "titre", r->titre);
	view_sets(a, rv, "titre_court", r->titre_court);
	view_sets(a, rv, "version", r->version);
	view_sets(a, rv, "editeur", r->editeur);
	view_sets(a, rv, "source_url", r->source_url);
	view_sets(a, rv, "lib_domaine", r->lib_domaine);
	view_sets(a, rv, "lib_competence", r->lib_competence);
	view_sets(a, rv, "lib_critere", r->lib_critere);
	view_sets(a, rv, "compte", html_fmt(c, "%zu %s%s, %zu %s%s, %zu %s%s",
	    r->n_domaines, r->lib_domaine, r->n_domaines > 1 ? "s" : "",
	    r->n_competences, r->lib_competence, r->n_competences > 1 ? "s" : "",
	    r->n_criteres, r->lib_critere, r->n_criteres > 1 ? "s" : ""));
	struct view *lv = view_list(a);
	for (size_t i = 0; i < r->echelle.n; i++) {
		struct view *it = view_map(a);
		view_sets(a, it, "code", r->echelle.v[i].code);
		view_sets(a, it, "titre", r->echelle.v[i].titre);
		view_push(a, lv, it);
	}
	view_set(a, rv, "niveaux", lv);
	view_setb(a, rv, "has_niveaux", r->echelle.n > 0);
	struct view *doms = view_list(a);
	for (size_t i = 0; i < r->n_domaines; i++)
		view_push(a, doms, entry_view(c, r, &r->domaines[i]));
	view_set(a, rv, "domaines", doms);
	const char *pdf = html_path(c, path_ref_doc(c->tmp, r, PATH_PDF));
	const char *xlsx = html_path(c, path_ref_doc(c->tmp, r, PATH_XLSX));
	view_sets(a, rv, "pdf_url", html_fmt(c, "%s%s", c->root, pdf));
	view_sets(a, rv, "pdf_taille", html_file_size(c, pdf));
	view_sets(a, rv, "xlsx_url", html_fmt(c, "%s%s", c->root, xlsx));
	view_sets(a, rv, "xlsx_taille", html_file_size(c, xlsx));
	view_set(a, v, "ref", rv);
	view_sets(a, v, "json_url", html_fmt(c, "%s%s", c->root, html_path(c, path_ref_doc(c->tmp, r, PATH_JSON))));
	return v;
}

static struct view *refs_page(struct pctx *c, const char **path)
{
	struct arena *a = c->a;
	*path = "referentiels/index.html";
	struct view *v = html_simple_page(c, "Référentiels de compétences",
	    "Les référentiels de compétences publiés et leurs correspondances.", "referentiels/", 1);
	struct view *list = view_list(a);
	for (size_t i = 0; i < c->s->n_referentiels; i++) {
		const struct referentiel *r = c->s->referentiels[i];
		struct view *it = view_map(a);
		view_sets(a, it, "titre", r->titre);
		view_sets(a, it, "url", html_link(c, html_path(c, path_ref_page(c->tmp, r))));
		view_sets(a, it, "editeur", r->editeur);
		view_sets(a, it, "compte", html_fmt(c, "%zu %s%s, %zu %s%s", r->n_domaines,
		    r->lib_domaine, r->n_domaines > 1 ? "s" : "", r->n_competences,
		    r->lib_competence, r->n_competences > 1 ? "s" : ""));
		view_push(a, list, it);
	}
	view_set(a, v, "referentiels", list);
	return v;
}

static struct view *data_page(struct pctx *c, const char **path)
{
	*path = "data/index.html";
	struct view *v = html_simple_page(c, "Données ouvertes",
	    "Les organismes, leurs lieux et leurs offres en CSV, JSON, GeoJSON et classeurs Excel, et les référentiels en JSON et Excel.",
	    "data/", 1);
	struct view *refs = view_list(c->a);
	for (size_t i = 0; i < c->s->n_referentiels; i++) {
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "titre", c->s->referentiels[i]->titre_court);
		/* Relative to the data page's folder, data/. */
		const char *json = html_path(c, path_ref_doc(c->tmp, c->s->referentiels[i], PATH_JSON));
		view_sets(c->a, it, "url", json + strlen("data/"));
		const char *rel = html_path(c, path_ref_doc(c->tmp, c->s->referentiels[i], PATH_XLSX));
		view_sets(c->a, it, "xlsx_url", html_fmt(c, "%s%s", c->root, rel));
		view_sets(c->a, it, "xlsx_taille", html_file_size(c, rel));
		view_push(c->a, refs, it);
	}
	view_set(c->a, v, "referentiels", refs);
	view_sets(c->a, v, "annuaire_xlsx_url", html_fmt(c, "%s" PATH_DIRECTORY_XLSX, c->root));
	view_sets(c->a, v, "annuaire_xlsx_taille", html_file_size(c, PATH_DIRECTORY_XLSX));
	view_sets(c->a, v, "lheo_taille", html_file_size(c, PATH_LHEO_XML));
	view_sets(c->a, v, "di_structures_taille", html_file_size(c, PATH_DI_STRUCTURES));
	view_sets(c->a, v, "di_services_taille", html_file_size(c, PATH_DI_SERVICES));
	struct view *cartos = view_list(c->a);
	for (size_t i = 0; i < c->s->n_cartographies; i++) {
		const struct cartographie *ca = c->s->cartographies[i];
		const char *rel = html_path(c, path_carto_doc(c->tmp, ca, NULL, PATH_XLSX));
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "titre", ca->titre);
		view_sets(c->a, it, "page_url", html_fmt(c, "%s%sindex.html", c->root, html_path(c, path_carto_page(c->tmp, ca, NULL))));
		view_sets(c->a, it, "xlsx_url", html_fmt(c, "%s%s", c->root, rel));
		view_sets(c->a, it, "xlsx_taille", html_file_size(c, rel));
		view_setb(c->a, it, "par_departement", ca->par_departement);
		view_push(c->a, cartos, it);
	}
	view_set(c->a, v, "cartographies", cartos);
	return v;
}

static struct view *notfound_page(struct pctx *c, const char **path)
{
	/* Served at any depth: links are absolute, from base_url. */
	*path = "404.html";
	c->root = c->s->base_url;
	struct view *v = html_common(c, "Page introuvable", NULL, "404.html");
	html_crumbs(c, v, NULL, 0);
	return v;
}

struct view *html_view(struct pctx *c, const struct pjob *j, const char **tpl,
    const char **path)
{
	static const char *const names[] = { "home", "page", "organisme", "organismes",
		"annuaire", "referentiel", "referentiels", "recherche", "donnees", "404", "cartographie",
		"cartographie-donnees", "page", "cartographie-parcours" };
	*tpl = names[j->kind];
	switch (j->kind) {
	case P_HOME: return home_page(c, path);
	case P_PAGE: {
		const struct page *p = j->item;
		if (p->type == PAGE_DIAPORAMA)
			*tpl = "diaporama";
		return md_page(c, p, path);
	}
	case P_ORG: return org_page(c, j->item, path);
	case P_DIRECTORY: return directory_page(c, path);
	case P_DEP: return dep_page(c, j->key, path);
	case P_REF: return ref_page(c, j->item, path);
	case P_REFS: return refs_page(c, path);
	case P_SEARCH:
		*path = "recherche/index.html";
		return html_simple_page(c, "Rechercher", "Rechercher un organisme, une offre, une page ou une compétence.",
		    "recherche/", 1);
	case P_DATA: return data_page(c, path);
	case P_404: return notfound_page(c, path);
	case P_CARTO: return html_carto_view(c, j->item, j->key, path);
	case P_CARTO_DATA: return html_carto_data(c, j->item, j->key, path);
	case P_LEGAL: break;	/* html_legal_page, called by html.c */
	case P_CARTO_PARCOURS:
		if (j->key)
			*tpl = "cartographie-donnees";
		return html_parcours_view(c, j->item, j->key, path);
	}
	return NULL;
}
