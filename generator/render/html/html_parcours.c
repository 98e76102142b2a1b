/*
 * The parcours page of a cartography (cartographies/<id>/parcours/): for
 * each scale its offers use, a ladder of steps, one per level that at
 * least one of the cartography's offers takes at entry (derive.h:
 * offre_takes_level), from the lowest to the end of the scale; a level no
 * offer takes has no step. Each step is a table by département of the
 * offers × lieux that take it, in the index's one order, at most
 * STEP_LISTED a département with a link to the rest. Without JavaScript
 * the page is that table; assets/parcours.js lets the reader start at a
 * level and keep one département.
 */
#include <string.h>

#include "../../data/derive.h"
#include "../../data/paths.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_parcours.h"

#define STEP_LISTED 8	/* offers shown for a step in one département */

static struct view *offer_item(struct pctx *c, const struct rowref *r)
{
	struct view *it = view_map(c->a);
	view_sets(c->a, it, "intitule", r->o->intitule);
	view_sets(c->a, it, "organisme", r->o->org->nom);
	view_sets(c->a, it, "commune", r->l->commune ? r->l->commune->nom : r->l->commune_nom.s);
	view_sets(c->a, it, "url", html_fmt(c, "%s%sindex.html#offre-%s", c->root,
	    html_path(c, path_org_page(c->tmp, r->o->org)), r->o->id.s));
	return it;
}

/* The rows of département dep that take level k; NULL when none. */
static struct view *dep_cell(struct pctx *c, const struct cartographie *ca, const char *dep,
    const struct scale *sc, size_t k, size_t *total)
{
	size_t n, count = 0;
	const struct rowref *rows = index_rows(c->s, ca, dep, &n);
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < n; i++)
		if (offre_takes_level(rows[i].o, sc, k) && count++ < STEP_LISTED)
			view_push(c->a, list, offer_item(c, &rows[i]));
	if (!count)
		return NULL;
	*total += count;
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "code", dep);
	view_sets(c->a, v, "nom", geo_dep_name(&c->s->geo, dep));
	view_set(c->a, v, "offres", list);
	view_setn(c->a, v, "nb", (double)count);
	if (count > STEP_LISTED)
		view_sets(c->a, v, "autres", html_fmt(c, "et %zu autre%s", count - STEP_LISTED,
		    count - STEP_LISTED > 1 ? "s" : ""));
	view_sets(c->a, v, "dep_url", html_fmt(c, "%s%sindex.html", c->root,
	    html_path(c, path_carto_page(c->tmp, ca, ca->par_departement ? dep : NULL))));
	return v;
}

/* The steps of one scale, or NULL when no offer of the cartography is on it. */
static struct view *ladder(struct pctx *c, const struct cartographie *ca, const struct scale *sc)
{
	struct view *steps = view_list(c->a);
	size_t nsteps = 0;
	for (size_t k = 0; k < sc->n; k++) {
		struct view *deps = view_list(c->a);
		size_t total = 0;
		for (size_t d = 0; d < c->s->geo.n_departements; d++) {
			struct view *cell = dep_cell(c, ca, c->s->geo.departements[d].code, sc, k, &total);
			if (cell)
				view_push(c->a, deps, cell);
		}
		if (!total)
			continue;
		struct view *st = view_map(c->a);
		view_setn(c->a, st, "num", (double)++nsteps);
		view_sets(c->a, st, "code", sc->v[k].code);
		view_sets(c->a, st, "id", html_fmt(c, "etape-%s-%zu", sc->id, k + 1));
		view_sets(c->a, st, "titre", sc->v[k].titre);
		view_setn(c->a, st, "nb", (double)total);
		view_set(c->a, st, "departements", deps);
		view_push(c->a, steps, st);
	}
	if (!nsteps)
		return NULL;
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "id", sc->id);
	view_sets(c->a, v, "titre", sc->titre);
	view_set(c->a, v, "etapes", steps);
	return v;
}

struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char **path)
{
	const char *base = html_path(c, path_carto_page(c->tmp, ca, NULL));
	const char *url = html_fmt(c, "%sparcours/", base);
	c->root = "../../../";
	*path = html_fmt(c, "%sindex.html", url);
	const char *titre = html_fmt(c, "Parcours – %s", ca->titre);
	struct view *v = html_common(c, titre, html_fmt(c, "%s : les étapes d'un parcours, niveau par "
	    "niveau, et les offres de chaque étape par département.", ca->titre), url);
	const char *fil[] = { "Accueil", "", ca->titre, base, "Parcours", url };
	html_crumbs(c, v, fil, 6);
	struct view *scales = view_list(c->a);
	for (size_t i = 0; i < c->s->vocab.n_echelles; i++) {
		struct view *l = ladder(c, ca, &c->s->vocab.echelles[i]);
		if (l)
			view_push(c->a, scales, l);
	}
	view_set(c->a, v, "echelles", scales);
	view_sets(c->a, v, "carto_titre", ca->titre);
	view_sets(c->a, v, "carto_url", html_link(c, base));
	struct view *deps = view_list(c->a);
	for (size_t d = 0; d < c->s->geo.n_departements; d++) {
		size_t n;
		index_rows(c->s, ca, c->s->geo.departements[d].code, &n);
		if (!n)
			continue;
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "code", c->s->geo.departements[d].code);
		view_sets(c->a, it, "nom", c->s->geo.departements[d].nom);
		view_push(c->a, deps, it);
	}
	view_set(c->a, v, "departements", deps);
	return v;
}
