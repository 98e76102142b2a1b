/*
 * The parcours page of a cartography (cartographies/<id>/parcours/): for
 * each scale its offers use, a ladder of steps, one per level that at
 * least one of the cartography's offers takes at entry (derive.h:
 * offre_takes_level), from the lowest to the end of the scale; a level no
 * offer takes has no step. The ladder then ends with CléA when
 * the site has offers of type "clea" (the vocabularies' "Préparation à
 * CléA") at a lieu of the cartography's territory: the offers of the whole
 * site, not only those of the cartography's selection, since CléA is where
 * a ladder of French or of the savoirs de base leads (the pathway
 * alphabétisation → … → B1 → CléA). Each step is a table by département of
 * the offers × lieux that take it, in the index's one order, at most
 * STEP_LISTED a département with a link to the rest (the cartography's
 * département page; for CléA, that of the first cartography taking the
 * offer, none when no cartography takes it).
 *
 * Without JavaScript the page is that table. assets/parcours.js lets the
 * reader start at a level, keep one département, choose a commune (nearest
 * offers first, with their distance) and a public (offers open to all or to
 * that public), from every row of every step. It loads them in pieces, one
 * a département, cartographies/<id>/parcours/donnees/<dep>.js:
 *   CARTO_PARCOURS(dep, {"o": [[nom, page], …],   organisations (page from the root)
 *     "r": [[o, offre_id, intitulé, commune, dep, lat, lon, [public, …]], …],
 *     "e": {step id: [r, …], …}})                each step's rows there, in the one order
 * A row's publics are indexes into the vocabularies' publics, none when the
 * offer is open to all (no public, or "tous-publics"): the rule of the
 * suites (index.h). lat/lon are the lieu's (or its commune's centre), null
 * when unknown. The page says which pieces there are and what they hold,
 * so that the script loads only those it needs (the département kept, the
 * nearest to the commune until each step has its nearest offers):
 *   {"dir": "donnees/", "publics": [code, …],
 *    "deps": [[dep, lat min, lon min, lat max, lon max], …],  each piece's box
 *    "n": {step id: {dep: [rows, rows open to publics[0], …], …}, …}}
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/escape.h"
#include "../../base/mem.h"
#include "../../base/strmap.h"
#include "../../data/derive.h"
#include "../../data/paths.h"
#include "../cache.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_parcours.h"

#define STEP_LISTED 8	/* offers shown for a step in one département */
#define TYPE_CLEA "clea"
#define PUBLIC_ALL "tous-publics"

static int has_code(const struct svals *v, const char *code)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].s && strcmp(v->v[i].s, code) == 0)
			return 1;
	return 0;
}

void html_parcours_clea(const struct site *s, struct rowref **v, size_t *n)
{
	size_t nc = s->n_cartographies, *cap = xcalloc(nc + 1, sizeof(*cap));
	for (size_t c = 0; c < nc; c++)
		v[c] = NULL, n[c] = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++) {
			const struct offre *o = &s->organismes[i]->offres[k];
			if (!has_code(&o->types, TYPE_CLEA))
				continue;
			for (size_t l = 0; l < o->n_lieux; l++)
				for (size_t c = 0; c < nc; c++)
					if (carto_takes_lieu(s->cartographies[c], NULL, o->lieux[l])) {
						v[c] = xgrow(v[c], &cap[c], n[c] + 1, sizeof(*v[c]));
						v[c][n[c]++] = (struct rowref){ o, o->lieux[l] };
					}
		}
	for (size_t c = 0; c < nc; c++)
		xqsort(v[c], n[c], sizeof(*v[c]), index_cmp_rows);
	free(cap);
}

/* The rows of the page's steps: the cartography's (from the index) and
 * the CléA offers (html_parcours_clea); a row is numbered by its place in
 * the first, then in the second after the first. */
struct rows {
	const struct rowref *all, *clea;
	size_t n_all, n_clea;
	struct span {		/* the first run of CléA rows of each département */
		const char *dep;
		size_t from, n;
	} *spans;		/* rows_spans' */
	size_t n_spans;
	size_t at;		/* the cartography's number in the site */
};

/* Finds the first run of rows of each département in rs->clea, once
 * (dep_rows reads them), into rs->spans (allocated: the caller frees it). */
static void rows_spans(struct rows *rs)
{
	size_t cap = 0;
	rs->spans = NULL;
	rs->n_spans = 0;
	for (size_t i = 0, end; i < rs->n_clea; i = end) {
		const char *dep = rs->clea[i].l->dep;
		for (end = i + 1; end < rs->n_clea && strcmp(rs->clea[end].l->dep, dep) == 0; end++)
			;
		size_t k = 0;
		while (k < rs->n_spans && strcmp(rs->spans[k].dep, dep) != 0)
			k++;
		if (k < rs->n_spans)
			continue;	/* a later run of the same: dep_rows reads the first */
		rs->spans = xgrow(rs->spans, &cap, rs->n_spans + 1, sizeof(*rs->spans));
		rs->spans[rs->n_spans++] = (struct span){ dep, i, end - i };
	}
}

/* Whether o is at the level of a step: level k of scale sc, or the CléA
 * step when k == sc->n. */
static int step_level(const struct scale *sc, size_t k, const struct offre *o)
{
	return k == sc->n || offre_takes_level(o, sc, k);
}

/* A step lists the offers at its level that recruit (rule 3 of the
 * suites: derive.h, offre_recrute); the others are counted, not listed. */
static int step_takes(const struct scale *sc, size_t k, const struct offre *o)
{
	return step_level(sc, k, o) && offre_recrute(o);
}

/* The rows of département dep a step reads from. */
static const struct rowref *dep_rows(const struct site *s, const struct cartographie *ca,
    const struct rows *rs, int clea, const char *dep, size_t *n)
{
	if (!clea)
		return index_rows(s, ca, dep, n);
	for (size_t k = 0; k < rs->n_spans; k++)
		if (strcmp(rs->spans[k].dep, dep) == 0) {
			*n = rs->spans[k].n;
			return rs->clea + rs->spans[k].from;
		}
	*n = 0;
	return rs->clea + rs->n_clea;
}

/* The cartography whose département page lists the rest of a step's rows
 * of a département: this one, or for CléA the first that takes the offer. */
static const struct cartographie *rest_carto(const struct pctx *c, const struct cartographie *ca,
    const struct offre *o)
{
	if (carto_takes_offre(ca, o))
		return ca;
	for (size_t i = 0; i < c->s->n_cartographies; i++)
		if (carto_takes_offre(c->s->cartographies[i], o))
			return c->s->cartographies[i];
	return NULL;
}

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

/* The rows of département dep that take the step; NULL when none. Adds
 * to *closed the rows at its level that do not recruit. */
static struct view *dep_cell(struct pctx *c, const struct cartographie *ca, const struct rows *rs,
    const char *dep, const struct scale *sc, size_t k, size_t *total, size_t *closed)
{
	size_t n, count = 0;
	const struct rowref *rows = dep_rows(c->s, ca, rs, k == sc->n, dep, &n), *first = NULL;
	struct view *list = view_list(c->a);
	for (size_t i = 0; i < n; i++)
		*closed += step_level(sc, k, rows[i].o) && !offre_recrute(rows[i].o);
	for (size_t i = 0; i < n; i++)
		if (step_takes(sc, k, rows[i].o) && count++ < STEP_LISTED) {
			view_push(c->a, list, offer_item(c, &rows[i]));
			if (!first)
				first = &rows[i];
		}
	if (!count)
		return NULL;
	*total += count;
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "code", dep);
	view_sets(c->a, v, "nom", geo_dep_name(&c->s->geo, dep));
	view_set(c->a, v, "offres", list);
	view_setn(c->a, v, "nb", (double)count);
	const struct cartographie *rest = rest_carto(c, ca, first->o);
	if (count > STEP_LISTED)
		view_sets(c->a, v, "autres", html_fmt(c, "et %zu autre%s", count - STEP_LISTED,
		    count - STEP_LISTED > 1 ? "s" : ""));
	if (rest)
		view_sets(c->a, v, "dep_url", html_fmt(c, "%s%sindex.html", c->root,
		    html_path(c, path_carto_page(c->tmp, rest, rest->par_departement ? dep : NULL))));
	return v;
}

/* The steps of one scale, or NULL when no offer of the cartography is on it. */
static struct view *ladder(struct pctx *c, const struct cartographie *ca, const struct rows *rs,
    const struct scale *sc)
{
	struct view *steps = view_list(c->a);
	size_t nsteps = 0;
	for (size_t k = 0; k <= sc->n; k++) {
		if (k == sc->n && (!nsteps || !rs->n_clea))
			break;
		struct view *deps = view_list(c->a);
		size_t total = 0, closed = 0;
		for (size_t d = 0; d < c->s->geo.n_departements; d++) {
			struct view *cell = dep_cell(c, ca, rs, c->s->geo.departements[d].code, sc, k, &total,
			    &closed);
			if (cell)
				view_push(c->a, deps, cell);
		}
		if (!total)
			continue;
		struct view *st = view_map(c->a);
		view_setn(c->a, st, "num", (double)++nsteps);
		if (k < sc->n) {
			view_sets(c->a, st, "code", sc->v[k].code);
			view_sets(c->a, st, "id", html_fmt(c, "etape-%s-%zu", sc->id, k + 1));
			view_sets(c->a, st, "titre", sc->v[k].titre);
		} else {
			const struct term *t = strmap_get(&c->s->vocab.types_offre.by_code, TYPE_CLEA);
			view_sets(c->a, st, "code", "CléA");
			view_sets(c->a, st, "id", html_fmt(c, "etape-%s-clea", sc->id));
			view_sets(c->a, st, "titre", t ? t->libelle : "Préparation à CléA");
			view_setn(c->a, st, "clea", 1);
		}
		view_setn(c->a, st, "nb", (double)total);
		if (closed)
			view_sets(c->a, st, "fermees", html_fmt(c, closed > 1
			    ? "%zu autres offres × lieux de cette étape ne sont pas listées : leurs inscriptions sont fermées ou suspendues."
			    : "%zu autre offre × lieu de cette étape n'est pas listée : ses inscriptions sont fermées ou suspendues.",
			    closed));
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

/* ---- the rows of every step, for assets/parcours.js ---- */

/* Row number r of rs (see struct rows). */
static const struct rowref *row_at(const struct rows *rs, size_t r)
{
	return r < rs->n_all ? &rs->all[r] : &rs->clea[r - rs->n_all];
}

static void row_json(struct pctx *c, struct buf *b, const struct rowref *r, size_t org)
{
	const struct vocab_list *pub = &c->s->vocab.publics;
	buf_putc(b, '[');	/* integers without printf: a row of every step's offer */
	buf_put_unum(b, org, ',');
	esc_json(b, r->o->id.s);
	buf_putc(b, ',');
	esc_json(b, r->o->intitule);
	buf_putc(b, ',');
	esc_json(b, r->l->commune ? r->l->commune->nom : r->l->commune_nom.s ? r->l->commune_nom.s : "");
	buf_putc(b, ',');
	esc_json(b, r->l->dep);
	if (isfinite(r->l->lat) && isfinite(r->l->lon))
		buf_printf(b, ",%.5f,%.5f,[", r->l->lat, r->l->lon);
	else
		buf_puts(b, ",null,null,[");
	if (r->o->publics.n && !has_code(&r->o->publics, PUBLIC_ALL))
		for (size_t p = 0, any = 0; p < pub->n; p++)
			if (has_code(&r->o->publics, pub->v[p].code))
			{
				if (any++)
					buf_putc(b, ',');
				buf_put_unum(b, p, 0);
			}
	buf_puts(b, "]]");
}

/* Appends to ids the numbers of the rows of one step in département dep,
 * or in all (dep NULL), in the one order: the département ranges of the
 * index are in code order. */
static size_t step_rows(const struct site *s, const struct cartographie *ca, const struct rows *rs,
    const struct scale *sc, size_t k, const char *dep, size_t *ids)
{
	size_t n = 0;
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		const char *code = s->geo.departements[d].code;
		if (dep && strcmp(dep, code) != 0)
			continue;
		size_t m;
		const struct rowref *rows = dep_rows(s, ca, rs, k == sc->n, code, &m);
		for (size_t i = 0; i < m; i++)
			if (step_takes(sc, k, rows[i].o))
				ids[n++] = k == sc->n ? (size_t)(&rows[i] - rs->clea) + rs->n_all
				    : (size_t)(&rows[i] - rs->all);
	}
	return n;
}

/* Whether a step has a row in some département: step_rows's test, which
 * stops at the first row (page_steps asks it of every step of every scale,
 * each a pass over the cartography's rows). */
static int step_has_rows(const struct site *s, const struct cartographie *ca, const struct rows *rs,
    const struct scale *sc, size_t k)
{
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		size_t m;
		const struct rowref *rows = dep_rows(s, ca, rs, k == sc->n, s->geo.departements[d].code, &m);
		for (size_t i = 0; i < m; i++)
			if (step_takes(sc, k, rows[i].o))
				return 1;
	}
	return 0;
}

/* The steps of the page in order, as ladder() shows them: the levels with
 * rows, then CléA after a scale that has some, when there are CléA rows.
 * Allocated. */
static struct parcours_step *page_steps(const struct site *s, const struct cartographie *ca,
    const struct rows *rs, size_t *n)
{
	size_t cap = 0;
	struct parcours_step *v = NULL;
	*n = 0;
	for (size_t e = 0; e < s->vocab.n_echelles; e++) {
		const struct scale *sc = &s->vocab.echelles[e];
		size_t on_scale = 0;
		for (size_t k = 0; k <= sc->n; k++) {
			if (k == sc->n && !on_scale)
				break;
			if (!step_has_rows(s, ca, rs, sc, k))
				continue;
			on_scale++;
			v = xgrow(v, &cap, *n + 1, sizeof(*v));
			v[(*n)++] = (struct parcours_step){ sc, k };
		}
	}
	return v;
}

static void step_key(struct buf *b, const struct parcours_step *st)
{
	if (st->k < st->sc->n)
		buf_printf(b, "\"etape-%s-%zu\":", st->sc->id, st->k + 1);
	else
		buf_printf(b, "\"etape-%s-clea\":", st->sc->id);
}

/* Returns 1 when the offer is on a step of a ladder: it takes a level. */
static int on_ladder(const struct site *s, const struct offre *o)
{
	for (size_t e = 0; e < s->vocab.n_echelles; e++)
		for (size_t k = 0; k < s->vocab.echelles[e].n; k++)
			if (offre_takes_level(o, &s->vocab.echelles[e], k))
				return 1;
	return 0;
}

/* The département pieces the page's script may load: every département of
 * the territory where a step has rows (a row of the cartography that takes
 * a level, or a CléA row when there is a ladder for CléA to end). */
size_t html_parcours_deps(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea, const char **out)
{
	size_t n = 0, n_all;
	const struct rowref *all = index_rows(s, ca, NULL, &n_all);
	int ladder = 0;
	for (size_t i = 0; i < n_all && !ladder; i++)
		ladder = on_ladder(s, all[i].o);
	for (size_t d = 0; ladder && d < s->geo.n_departements; d++) {
		const char *code = s->geo.departements[d].code;
		size_t m;
		const struct rowref *rows = index_rows(s, ca, code, &m);
		int any = 0;
		for (size_t i = 0; i < m && !any; i++)
			any = on_ladder(s, rows[i].o);
		for (size_t i = 0; !any && i < n_clea; i++)
			any = strcmp(clea[i].l->dep, code) == 0;
		if (any)
			out[n++] = code;
	}
	return n;
}

/* The piece of département dep: its rows of each step (format above). */
static void piece_json(struct pctx *c, const struct cartographie *ca, const struct rows *rs,
    const char *dep, struct buf *b)
{
	size_t total = rs->n_all + rs->n_clea, nsteps, used = 0, any = 0;
	size_t *ids = xmalloc((total + 1) * sizeof(*ids)), *num = xmalloc((total + 1) * sizeof(*num));
	size_t *order = xmalloc((total + 1) * sizeof(*order));
	const struct parcours_step *steps = c->steps[rs->at];
	nsteps = c->n_steps[rs->at];
	struct buf e = BUF_INIT;
	for (size_t r = 0; r < total; r++)
		num[r] = SIZE_MAX;
	/* Each step's rows, numbering the rows in the order first met. */
	for (size_t s = 0; s < nsteps; s++) {
		size_t n = step_rows(c->s, ca, rs, steps[s].sc, steps[s].k, dep, ids);
		if (!n)
			continue;
		buf_puts(&e, any++ ? ",\n" : "\n");
		step_key(&e, &steps[s]);
		for (size_t i = 0; i < n; i++) {
			if (num[ids[i]] == SIZE_MAX) {
				num[ids[i]] = used;
				order[used++] = ids[i];
			}
			buf_printf(&e, "%s%zu", i ? "," : "[", num[ids[i]]);
		}
		buf_putc(&e, ']');
	}
	/* The organisations, numbered in the order first met. */
	struct strmap orgs = STRMAP_INIT;
	struct buf o = BUF_INIT, r = BUF_INIT;
	size_t n_orgs = 0;
	for (size_t i = 0; i < used; i++) {
		const struct rowref *row = row_at(rs, order[i]);
		uintptr_t k = (uintptr_t)strmap_get(&orgs, row->o->org->id.s);
		if (!k) {
			k = ++n_orgs;
			strmap_put(&orgs, row->o->org->id.s, (void *)k);
			buf_puts(&o, k > 1 ? ",\n[" : "\n[");
			esc_json(&o, row->o->org->nom);
			buf_putc(&o, ',');
			esc_json(&o, html_fmt(c, "%sindex.html", html_path(c, path_org_page(c->tmp, row->o->org))));
			buf_putc(&o, ']');
		}
		buf_puts(&r, i ? ",\n" : "\n");
		row_json(c, &r, row, (size_t)k - 1);
	}
	buf_puts(b, "CARTO_PARCOURS(");
	esc_json(b, dep);
	buf_puts(b, ", {\"o\": [");
	buf_add(b, o.data, o.len);
	buf_puts(b, "],\n\"r\": [");
	buf_add(b, r.data, r.len);
	buf_puts(b, "],\n\"e\": {");
	buf_add(b, e.data, e.len);
	buf_puts(b, "}});\n");
	strmap_free(&orgs);
	buf_release(&o);
	buf_release(&r);
	buf_release(&e);
	free(ids);
	free(num);
	free(order);
}

/* What the page's script needs to choose the pieces it loads (format
 * above): each piece's bounding box, and how many rows each step has in
 * each département for each public. */
static const char *pieces_info(struct pctx *c, const struct cartographie *ca, const struct rows *rs)
{
	const struct vocab_list *pub = &c->s->vocab.publics;
	size_t total = rs->n_all + rs->n_clea, nsteps, ndeps;
	size_t *ids = xmalloc((total + 1) * sizeof(*ids));
	size_t *count = xmalloc((pub->n + 1) * sizeof(*count));
	const char **deps = xmalloc((c->s->geo.n_departements + 1) * sizeof(*deps));
	const struct parcours_step *steps = c->steps[rs->at];
	nsteps = c->n_steps[rs->at];
	struct buf b = BUF_INIT;
	ndeps = html_parcours_deps(c->s, ca, rs->clea, rs->n_clea, deps);
	buf_printf(&b, "{\"dir\": \"%s\", \"publics\": [", PARCOURS_DIR);
	for (size_t p = 0; p < pub->n; p++) {
		buf_puts(&b, p ? "," : "");
		esc_json(&b, pub->v[p].code);
	}
	buf_puts(&b, "],\n\"deps\": [");
	for (size_t d = 0; d < ndeps; d++) {
		double box[4] = { 90, 180, -90, -180 };
		for (size_t s = 0; s < nsteps; s++) {
			size_t n = step_rows(c->s, ca, rs, steps[s].sc, steps[s].k, deps[d], ids);
			for (size_t i = 0; i < n; i++) {
				const struct lieu *l = row_at(rs, ids[i])->l;
				if (!isfinite(l->lat) || !isfinite(l->lon))
					continue;
				box[0] = l->lat < box[0] ? l->lat : box[0];
				box[1] = l->lon < box[1] ? l->lon : box[1];
				box[2] = l->lat > box[2] ? l->lat : box[2];
				box[3] = l->lon > box[3] ? l->lon : box[3];
			}
		}
		buf_puts(&b, d ? ",\n[" : "\n[");
		esc_json(&b, deps[d]);
		if (box[0] <= box[2])
			buf_printf(&b, ",%.5f,%.5f,%.5f,%.5f]", box[0], box[1], box[2], box[3]);
		else
			buf_puts(&b, ",null,null,null,null]");
	}
	buf_puts(&b, "],\n\"n\": {");
	for (size_t s = 0; s < nsteps; s++) {
		buf_puts(&b, s ? ",\n" : "\n");
		step_key(&b, &steps[s]);
		for (size_t d = 0, any = 0; d < ndeps; d++) {
			size_t n = step_rows(c->s, ca, rs, steps[s].sc, steps[s].k, deps[d], ids);
			if (!n)
				continue;
			/* count[0]: every row; count[1 + p]: those open to public p. */
			memset(count, 0, (pub->n + 1) * sizeof(*count));
			for (size_t i = 0; i < n; i++) {
				const struct offre *o = row_at(rs, ids[i])->o;
				int all = !o->publics.n || has_code(&o->publics, PUBLIC_ALL);
				count[0]++;
				for (size_t p = 0; p < pub->n; p++)
					count[1 + p] += all || has_code(&o->publics, pub->v[p].code);
			}
			buf_puts(&b, any++ ? "," : "{");
			esc_json(&b, deps[d]);
			for (size_t p = 0; p <= pub->n; p++)
				buf_printf(&b, "%s%zu", p ? "," : ":[", count[p]);
			buf_putc(&b, ']');
		}
		buf_puts(&b, "}");
	}
	buf_puts(&b, "}}");
	const char *json = arena_strndup(c->a, b.data, b.len);
	buf_release(&b);
	free(ids);
	free(count);
	free(deps);
	return json;
}

/* The rows of the steps in département key, for the page's script. */
static struct view *parcours_piece(struct pctx *c, const struct cartographie *ca,
    const struct rows *rs, const char *key, const char *url, const char **path)
{
	struct buf b = BUF_INIT;
	c->root = "";
	*path = html_fmt(c, "%s%s%s.js", url, PARCOURS_DIR, key);
	piece_json(c, ca, rs, key, &b);
	struct view *v = view_map(c->a);
	view_sets(c->a, v, "json", arena_strndup(c->a, b.data, b.len));
	buf_release(&b);
	return v;
}

/* The parcours page itself. */
static struct view *parcours_page(struct pctx *c, const struct cartographie *ca,
    const struct rows *rs, const char *base, const char *url, const char **path)
{
	c->root = "../../../";
	*path = html_fmt(c, "%sindex.html", url);
	const char *titre = html_fmt(c, "Parcours – %s", ca->titre);
	struct view *v = html_common(c, titre, html_fmt(c, "%s : les étapes d'un parcours, niveau par "
	    "niveau, et les offres de chaque étape par département.", ca->titre), url);
	const char *fil[] = { "Accueil", "", ca->titre, base, "Parcours", url };
	html_crumbs(c, v, fil, 6);
	struct view *scales = view_list(c->a);
	for (size_t i = 0; i < c->s->vocab.n_echelles; i++) {
		struct view *l = ladder(c, ca, rs, &c->s->vocab.echelles[i]);
		if (l)
			view_push(c->a, scales, l);
	}
	view_sets(c->a, v, "morceaux", pieces_info(c, ca, rs));
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
	/* The choice of a public: the vocabularies' publics but "all". */
	struct view *pubs = view_list(c->a);
	for (size_t p = 0; p < c->s->vocab.publics.n; p++) {
		const struct term *t = &c->s->vocab.publics.v[p];
		if (strcmp(t->code, PUBLIC_ALL) == 0)
			continue;
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "code", t->code);
		view_sets(c->a, it, "libelle", t->libelle);
		view_push(c->a, pubs, it);
	}
	view_set(c->a, v, "publics", pubs);
	view_sets(c->a, v, "communes_js", html_fmt(c, "%s%s", c->root, PATH_CARTO_COMMUNES));
	return v;
}


struct view *html_parcours_view(struct pctx *c, const struct cartographie *ca, const char *key,
    const char **path)
{
	const char *base = html_path(c, path_carto_page(c->tmp, ca, NULL));
	const char *url = html_fmt(c, "%sparcours/", base);
	struct rows rs = { 0 };
	rs.all = index_rows(c->s, ca, NULL, &rs.n_all);
	size_t at = 0;
	while (at < c->s->n_cartographies && c->s->cartographies[at] != ca)
		at++;
	rs.clea = c->clea[at];
	rs.n_clea = c->n_clea[at];
	rs.at = at;
	rows_spans(&rs);
	struct view *v = key ? parcours_piece(c, ca, &rs, key, url, path)
	    : parcours_page(c, ca, &rs, base, url, path);
	free(rs.spans);
	return v;
}

/* ---- the build cache's keys ---- */

/* What the keys read of each row, computed once a build: for row r (the
 * cartography's rows, then the CléA ones: row_at's numbers), whether it
 * takes level k of the scale whose levels start at base[e] (lv[r * nl +
 * base[e] + k], offre_takes_level) and whether it recruits (rec[r]). */
struct parcours_keys {
	struct rows rs;		/* rs.clea: the caller's */
	size_t nl, *base;
	unsigned char *lv, *rec;
	struct digest *fact;	/* by row: its place and publics (step_fact) */
	struct buf tmp;		/* html_parcours_keys_row's */
	struct digest steps;	/* the steps the page has (page_steps) */
	struct parcours_step *v;	/* those steps, n of them */
	size_t n;
	const struct site *s;
};

/* The number of row i of the rows of département dep (dep_rows). */
static size_t row_no(const struct rows *rs, int clea, const struct rowref *r, size_t i)
{
	return clea ? rs->n_all + (size_t)(&r[i] - rs->clea) : (size_t)(&r[i] - rs->all);
}

/* Whether row number r is at step k of scale e, and takes it (step_level,
 * step_takes). */
static int key_level(const struct parcours_keys *pk, const struct site *s, size_t e, size_t k,
    size_t r)
{
	return k == s->vocab.echelles[e].n || pk->lv[r * pk->nl + pk->base[e] + k];
}

/* Whether step k of scale e has rows in some département: page_steps's
 * test (step_rows), on the rows' levels. */
static int key_step_has_rows(const struct parcours_keys *pk, const struct site *s,
    const struct cartographie *ca, size_t e, size_t k)
{
	int clea = k == s->vocab.echelles[e].n;
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		size_t m;
		const struct rowref *r = dep_rows(s, ca, &pk->rs, clea, s->geo.departements[d].code, &m);
		for (size_t i = 0; i < m; i++) {
			size_t no = row_no(&pk->rs, clea, r, i);
			if (pk->rec[no] && key_level(pk, s, e, k, no))
				return 1;
		}
	}
	return 0;
}

struct parcours_keys *html_parcours_keys_new(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea)
{
	struct parcours_keys *pk = xcalloc(1, sizeof(*pk));
	pk->rs.all = index_rows(s, ca, NULL, &pk->rs.n_all);
	pk->rs.clea = clea;
	pk->rs.n_clea = n_clea;
	rows_spans(&pk->rs);
	size_t n = pk->rs.n_all + pk->rs.n_clea;
	pk->base = xmalloc((s->vocab.n_echelles + 1) * sizeof(*pk->base));
	for (size_t e = 0; e < s->vocab.n_echelles; e++) {
		pk->base[e] = pk->nl;
		pk->nl += s->vocab.echelles[e].n;
	}
	pk->lv = xcalloc(n * pk->nl + 1, 1);
	pk->rec = xcalloc(n + 1, 1);
	pk->fact = xmalloc((n + 1) * sizeof(*pk->fact));
	pk->tmp = (struct buf)BUF_INIT;
	pk->s = s;
	for (size_t r = pk->rs.n_all; r < n; r++)	/* the CléA rows; the others' below */
		html_parcours_keys_row(pk, r);
	return pk;
}

void html_parcours_keys_row(void *ctx, size_t r)
{
	struct parcours_keys *pk = ctx;
	const struct site *s = pk->s;
	const struct rowref *row = row_at(&pk->rs, r);
	const struct offre *o = row->o;
	pk->rec[r] = (unsigned char)offre_recrute(o);
	for (size_t e = 0; e < s->vocab.n_echelles; e++)
		offre_takes_levels(o, &s->vocab.echelles[e], &pk->lv[r * pk->nl + pk->base[e]]);
	/* What step_fact reads of a row that takes a step, hashed once: a
	 * row takes several steps (each level of its range, the CléA step
	 * of each scale). */
	struct buf *b = &pk->tmp;
	buf_reset(b);
	buf_add(b, &row->l->lat, sizeof(row->l->lat));
	buf_add(b, &row->l->lon, sizeof(row->l->lon));
	digest_buf_num(b, (long long)o->publics.n);
	for (size_t p = 0; p < o->publics.n; p++)
		digest_buf_str(b, o->publics.v[p].s);
	pk->fact[r] = digest_bytes(b->data, b->len);
}

size_t html_parcours_facts_size(void *ctx)
{
	const struct parcours_keys *pk = ctx;
	return 1 + pk->nl + sizeof(struct digest);
}

void html_parcours_facts_get(void *ctx, size_t r, unsigned char *out)
{
	const struct parcours_keys *pk = ctx;
	out[0] = pk->rec[r];
	memcpy(out + 1, &pk->lv[r * pk->nl], pk->nl);
	memcpy(out + 1 + pk->nl, &pk->fact[r], sizeof(pk->fact[r]));
}

void html_parcours_facts_set(void *ctx, size_t r, const unsigned char *in)
{
	struct parcours_keys *pk = ctx;
	pk->rec[r] = in[0];
	memcpy(&pk->lv[r * pk->nl], in + 1, pk->nl);
	memcpy(&pk->fact[r], in + 1 + pk->nl, sizeof(pk->fact[r]));
}

void html_parcours_keys_end(struct parcours_keys *pk, const struct cartographie *ca)
{
	const struct site *s = pk->s;
	/* The steps, as page_steps finds them. */
	struct digest_ctx *k = digest_new();
	size_t cap = 0;
	for (size_t e = 0; e < s->vocab.n_echelles; e++) {
		size_t on_scale = 0;
		for (size_t step = 0; step <= s->vocab.echelles[e].n; step++) {
			if (step == s->vocab.echelles[e].n && !on_scale)
				break;
			if (!key_step_has_rows(pk, s, ca, e, step))
				continue;
			on_scale++;
			digest_str(k, s->vocab.echelles[e].id);
			digest_num(k, (long long)step);
			pk->v = xgrow(pk->v, &cap, pk->n + 1, sizeof(*pk->v));
			pk->v[pk->n++] = (struct parcours_step){ &s->vocab.echelles[e], step };
		}
	}
	pk->steps = digest_end(k);
}

struct parcours_step *html_parcours_steps(const struct site *s, const struct cartographie *ca,
    const struct rowref *clea, size_t n_clea, const struct parcours_keys *pk, size_t *n)
{
	if (pk) {	/* found from the rows' levels, the same steps */
		*n = pk->n;
		struct parcours_step *v = xmalloc((pk->n + 1) * sizeof(*v));
		if (pk->n)
			memcpy(v, pk->v, pk->n * sizeof(*v));
		return v;
	}
	struct rows rs = { 0 };
	rs.all = index_rows(s, ca, NULL, &rs.n_all);
	rs.clea = clea;
	rs.n_clea = n_clea;
	rows_spans(&rs);
	struct parcours_step *v = page_steps(s, ca, &rs, n);
	free(rs.spans);
	return v;
}

void html_parcours_keys_free(struct parcours_keys *pk)
{
	if (!pk)
		return;
	free(pk->rs.spans);
	free(pk->v);
	free(pk->base);
	free(pk->lv);
	free(pk->rec);
	free(pk->fact);
	buf_release(&pk->tmp);
	free(pk);
}

/* What the page reads of row i of r (number no) on step k of scale e
 * (ladder, dep_cell, pieces_info): whether it is at the step's level and
 * takes it (a row at the level by its place i and that; one not at it
 * adds nothing, so the many rows of other levels cost no digest), and for a
 * row that takes it, its place and publics (the boxes and counts of the
 * pieces: their digest, pk->fact, made once a row); a row it lists (the first STEP_LISTED of a département) is read
 * whole (cache_rows_digest). *listed counts them. The bytes go to b, as
 * digest_num and digest_str would give them to the key (digest_buf_num):
 * the caller adds b to the key by runs, one call into the digest where
 * there were ten for each row. */
static void step_fact(struct buf *b, const struct parcours_keys *pk, const struct site *s,
    size_t e, size_t step, const struct rowref *r, size_t i, size_t no, size_t *listed)
{
	int level = key_level(pk, s, e, step, no), takes = level && pk->rec[no];
	if (!level)
		return;	/* the rows at the level, by their place: the others are not */
	digest_buf_num(b, (long long)i);
	digest_buf_num(b, level + 2 * takes);
	if (!takes)
		return;
	buf_add(b, &pk->fact[no], sizeof(pk->fact[no]));
	if ((*listed)++ < STEP_LISTED) {
		struct digest d = cache_rows_digest(r, 1);
		digest_buf_num(b, (long long)d.lo);	/* digest_fold's bytes */
		digest_buf_num(b, (long long)d.hi);
	}
}

void html_parcours_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const struct parcours_keys *pk, const char *dep)
{
	const struct rows *rs = &pk->rs;
	size_t n;
	digest_fold(k, &pk->steps);
	if (dep) {
		/* A piece: the steps (numbered across départements), and the
		 * département's rows, the cartography's and the CléA ones. */
		const struct rowref *r = dep_rows(s, ca, rs, 0, dep, &n);
		cache_key_rows(k, r, n);
		r = dep_rows(s, ca, rs, 1, dep, &n);
		cache_key_rows(k, r, n);
		return;
	}
	/* The page: which départements have rows and pieces, then, step by
	 * step and département by département, what it reads of each row. */
	size_t on = 0;
	digest_num(k, (long long)rs->n_all);
	digest_num(k, (long long)rs->n_clea);
	for (size_t i = 0; i < rs->n_all * pk->nl && !on; i++)
		on = pk->lv[i];	/* on_ladder */
	digest_num(k, (long long)on);
	struct buf b = BUF_INIT;
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		const char *code = s->geo.departements[d].code;
		index_rows(s, ca, code, &n);
		digest_buf_num(&b, (long long)n);
		for (size_t e = 0; e < s->vocab.n_echelles; e++)
			for (size_t step = 0; step <= s->vocab.echelles[e].n; step++) {
				int clea = step == s->vocab.echelles[e].n;
				const struct rowref *r = dep_rows(s, ca, rs, clea, code, &n);
				size_t listed = 0;
				digest_buf_num(&b, (long long)n);
				for (size_t i = 0; i < n; i++)
					step_fact(&b, pk, s, e, step, &r[i], i, row_no(rs, clea, r, i), &listed);
				digest_buf_num(&b, -1);	/* the end of the step's rows */
				if (b.len >= 65536) {	/* bounded memory */
					digest_add(k, b.data, b.len);
					buf_reset(&b);
				}
			}
	}
	digest_add(k, b.data, b.len);
	buf_release(&b);
}
