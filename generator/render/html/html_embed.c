/*
 * The views that pages embed with a ```carto block (data/embed.c reads them):
 * computed from the same rows as the cartographies' pages, so that a map in
 * a page or a deck shows exactly the cartography's markers. Every value is
 * escaped here, since the HTML goes into the page as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/escape.h"
#include "../../data/derive.h"
#include "../../data/embed.h"
#include "../../data/paths.h"
#include "../../text/markdown.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_embed.h"

static int kept(const struct embed *e, const struct rowref *r)
{
	return embed_keeps(e, r->o, r->l);
}

/* "Cartographie … – Seine-Saint-Denis – ASL, FLE": what a view is about. */
static const char *scope(struct pctx *c, const struct embed *e)
{
	struct buf *b = c->tmp;
	buf_reset(b);
	buf_puts(b, e->ca->titre);
	if (e->dep)
		buf_printf(b, " – %s", geo_dep_name(&c->s->geo, e->dep));
	for (size_t i = 0; i < e->types.n; i++)
		buf_printf(b, "%s%s", i ? ", " : " – ", vocab_label(&c->s->vocab.types_offre, e->types.v[i].s));
	for (size_t i = 0; i < e->publics.n; i++)
		buf_printf(b, "%s%s", i ? ", " : " – public : ", vocab_label(&c->s->vocab.publics, e->publics.v[i].s));
	for (size_t i = 0; i < e->parcours.n; i++)
		buf_printf(b, "%s%s", i ? ", " : " – parcours ", vocab_label(&c->s->vocab.parcours, e->parcours.v[i].s));
	if (e->gratuit == TRI_TRUE)
		buf_puts(b, " – gratuites");
	if (e->garde_enfants == TRI_TRUE)
		buf_puts(b, " – avec garde d'enfants");
	return arena_strndup(c->a, b->data, b->len);
}

static void caption(struct buf *out, const char *tag, const char *text)
{
	buf_printf(out, "<%s>", tag);
	esc_html(out, text);
	buf_printf(out, "</%s>", tag);
}

void html_a(struct pctx *c, struct buf *out, const char *path, const char *text)
{
	buf_puts(out, "<a href=\"");
	esc_html(out, html_link(c, path));
	buf_puts(out, "\">");
	esc_html(out, text);
	buf_puts(out, "</a>");
}

static const char *carto_page(struct pctx *c, const struct embed *e)
{
	return html_path(c, path_carto_page(c->tmp, e->ca, e->dep && e->ca->par_departement ? e->dep : NULL));
}

static void map(struct pctx *c, const struct embed *e, size_t idx, struct buf *out)
{
	const char *t = e->titre ? e->titre : scope(c, e);
	const char *svg = html_carto_map(c, e->ca, e->dep, t, html_fmt(c, "v%zu-", idx));
	buf_puts(out, "<figure class=\"carto-vue carto-carte\">\n");
	if (svg)
		buf_puts(out, svg);
	buf_puts(out, "\n<figcaption>");
	esc_html(out, t);
	buf_puts(out, " – ");
	html_a(c, out, carto_page(c, e), "la liste des offres");
	buf_puts(out, "</figcaption>\n</figure>\n");
}

static void count(struct pctx *c, const struct embed *e, struct buf *out)
{
	size_t n, k = 0;
	const struct rowref *r = index_rows(c->s, e->ca, e->dep, &n);
	for (size_t i = 0; i < n; i++)
		k += kept(e, &r[i]);
	buf_printf(out, "<p class=\"carto-vue carto-compte\"><strong>%zu</strong> offre%s – ", k, k > 1 ? "s" : "");
	html_a(c, out, carto_page(c, e), scope(c, e));
	buf_puts(out, "</p>\n");
}

/* Offers by département (rows) × type (columns); an offer of several types
 * counts once in each of them, and once in the total. */
static void table(struct pctx *c, const struct embed *e, struct buf *out)
{
	const struct site *s = c->s;
	size_t nt = embed_columns(s, e, NULL), nd = s->geo.n_departements;
	const char **types = arena_alloc(c->a, (nt + 1) * sizeof(*types));
	embed_columns(s, e, types);
	size_t *cell = arena_alloc(c->a, (nd + 1) * (nt + 1) * sizeof(*cell));
	memset(cell, 0, (nd + 1) * (nt + 1) * sizeof(*cell));
	size_t n;
	const struct rowref *r = index_rows(c->s, e->ca, e->dep, &n);
	for (size_t i = 0; i < n; i++)
		if (kept(e, &r[i]))
			embed_count(s, types, nt, r[i].o, r[i].l, cell);
	const char *cap = e->titre ? e->titre : html_fmt(c, "Offres par département et par type – %s", scope(c, e));
	/* A region that scrolls on a phone, so it takes the focus (RGAA 7.3). */
	buf_puts(out, "<section class=\"carto-vue carto-tableau\" tabindex=\"0\" aria-label=\"");
	esc_html(out, cap);
	buf_puts(out, "\">\n<table>\n");
	caption(out, "caption", cap);
	buf_puts(out, "\n<thead><tr><th scope=\"col\">Département</th>");
	for (size_t t = 0; t < nt; t++) {
		buf_puts(out, "<th scope=\"col\">");
		esc_html(out, vocab_label(&s->vocab.types_offre, types[t]));
		buf_puts(out, "</th>");
	}
	buf_puts(out, "<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n");
	for (size_t d = 0; d <= nd; d++) {
		if (d < nd && e->dep && strcmp(s->geo.departements[d].code, e->dep) != 0)
			continue;
		buf_puts(out, d < nd ? "<tr><th scope=\"row\">" : "</tbody>\n<tfoot><tr><th scope=\"row\">");
		if (d < nd) {
			esc_html(out, s->geo.departements[d].nom);
			buf_printf(out, " (%s)", s->geo.departements[d].code);
		} else
			buf_puts(out, "Île-de-France");
		buf_puts(out, "</th>");
		for (size_t t = 0; t <= nt; t++)
			buf_printf(out, "<td>%zu</td>", cell[d * (nt + 1) + t]);
		buf_puts(out, "</tr>\n");
	}
	buf_puts(out, "</tfoot>\n</table>\n<p class=\"note\">Une offre de plusieurs types compte dans chacun ; une offre donnée en plusieurs lieux compte une fois par lieu.</p>\n</section>\n");
}

static void offers(struct pctx *c, const struct embed *e, struct buf *out)
{
	size_t n, k = 0;
	const struct rowref *r = index_rows(c->s, e->ca, e->dep, &n);
	for (size_t i = 0; i < n; i++)
		k += kept(e, &r[i]);
	buf_puts(out, "<section class=\"carto-vue carto-offres\">\n");
	buf_puts(out, "<p class=\"carto-vue-titre\">");
	esc_html(out, e->titre ? e->titre : scope(c, e));
	buf_puts(out, "</p>\n<ul>\n");
	size_t shown = 0;
	for (size_t i = 0; i < n && shown < (size_t)e->limite; i++) {
		if (!kept(e, &r[i]))
			continue;
		const struct offre *o = r[i].o;
		shown++;
		buf_puts(out, "<li>");
		buf_puts(out, "<a href=\"");
		esc_html(out, html_link(c, html_path(c, path_org_page(c->tmp, o->org))));
		buf_puts(out, "#offre-");
		esc_html(out, o->id.s);
		buf_puts(out, "\">");
		esc_html(out, o->intitule ? o->intitule : o->org->nom);
		buf_puts(out, "</a>");
		buf_puts(out, " – ");
		esc_html(out, o->org->nom);
		buf_puts(out, " – ");
		esc_html(out, r[i].l->commune ? r[i].l->commune->nom : "");
		for (size_t t = 0; t < o->types.n; t++) {
			buf_puts(out, t ? ", " : " – ");
			esc_html(out, vocab_label(&c->s->vocab.types_offre, o->types.v[t].s));
		}
		if (o->gratuit == TRI_TRUE)
			buf_puts(out, " – gratuit");
		buf_puts(out, "</li>\n");
	}
	buf_puts(out, "</ul>\n<p>");
	if (k > shown)
		buf_printf(out, "%zu offres sur %zu – ", shown, k);
	html_a(c, out, carto_page(c, e), "toutes les offres dans la cartographie");
	buf_puts(out, "</p>\n</section>\n");
}

static void domains(struct pctx *c, const struct embed *e, struct buf *out)
{
	const struct referentiel *r = e->ref;
	buf_puts(out, "<section class=\"carto-vue carto-domaines\">\n");
	caption(out, "p", e->titre ? e->titre : html_fmt(c, "%s : %zu %s%s", r->titre, r->n_domaines, r->lib_domaine,
	    r->n_domaines > 1 ? "s" : ""));
	buf_puts(out, "\n<ul>\n");
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *d = &r->domaines[i];
		buf_puts(out, "<li><strong>");
		esc_html(out, d->code);
		buf_puts(out, "</strong> ");
		esc_html(out, d->titre);
		buf_printf(out, " (%zu %s%s)</li>\n", d->n_children, r->lib_competence, d->n_children > 1 ? "s" : "");
	}
	buf_puts(out, "</ul>\n<p>");
	html_a(c, out, html_path(c, path_ref_page(c->tmp, r)), html_fmt(c, "Le référentiel en détail : %s", r->titre));
	buf_puts(out, "</p>\n</section>\n");
}

static const char *const corr_names[] = { "équivalente", "partielle", "contribue" };

static void correspondence(struct pctx *c, const struct embed *e, struct buf *out)
{
	const struct correspondance *k = e->corr;
	const char *cap = e->titre ? e->titre : html_fmt(c, "Correspondance de %s vers %s", k->de->titre, k->vers->titre);
	buf_puts(out, "<section class=\"carto-vue carto-correspondance\" tabindex=\"0\" aria-label=\"");
	esc_html(out, cap);
	buf_puts(out, "\">\n<table>\n");
	caption(out, "caption", cap);
	buf_puts(out, "\n<thead><tr><th scope=\"col\">");
	esc_html(out, k->de->titre_court ? k->de->titre_court : k->de->titre);
	buf_puts(out, "</th><th scope=\"col\">");
	esc_html(out, k->vers->titre_court ? k->vers->titre_court : k->vers->titre);
	buf_puts(out, "</th><th scope=\"col\">Correspondance</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < k->n_liens; i++) {
		const struct corr_link *l = &k->liens[i];
		const struct ref_entry *from = strmap_get(&k->de->by_code, l->de.s);
		buf_puts(out, "<tr><th scope=\"row\">");
		esc_html(out, l->de.s);
		if (from) {
			buf_puts(out, " ");
			esc_html(out, from->titre);
		}
		buf_puts(out, "</th><td>");
		for (size_t j = 0; j < l->vers.n; j++) {
			const struct ref_entry *to = strmap_get(&k->vers->by_code, l->vers.v[j].s);
			if (j)
				buf_puts(out, "<br>");
			esc_html(out, l->vers.v[j].s);
			if (to) {
				buf_puts(out, " ");
				esc_html(out, to->titre);
			}
		}
		buf_puts(out, "</td><td>");
		esc_html(out, corr_names[l->type]);
		if (l->niveau_de.s) {
			buf_puts(out, ", à partir de ");
			esc_html(out, l->niveau_de.s);
		}
		buf_puts(out, "</td></tr>\n");
	}
	buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

/* Appends the HTML of a view embedded in a page; idx numbers it in the page. */
static void html_embed(struct pctx *c, const struct embed *e, size_t idx, struct buf *out)
{
	switch (e->kind) {
	case EMBED_CARTE:
		map(c, e, idx, out);
		break;
	case EMBED_COMPTE:
		count(c, e, out);
		break;
	case EMBED_TABLEAU:
		table(c, e, out);
		break;
	case EMBED_OFFRES:
		offers(c, e, out);
		break;
	case EMBED_DOMAINES:
		domains(c, e, out);
		break;
	case EMBED_CORRESPONDANCE:
		correspondence(c, e, out);
		break;
	case EMBED_INVALID:
		break;
	}
}

struct page_views {
	struct pctx *c;
	const struct page *p;
};

static void one_view(void *ctx, size_t index, struct buf *out)
{
	struct page_views *pv = ctx;
	if (index < pv->p->n_embeds)
		html_embed(pv->c, &pv->p->embeds[index], index, out);
}

static const char *page_link(void *ctx, const char *url)
{
	struct page_views *pv = ctx;
	return html_links_rewrite(pv->c, pv->p->slug, url);
}

const char *html_page_markdown(struct pctx *c, const struct page *p)
{
	/* c->tmp is the views' scratch: the page is written into its own buffer. */
	struct buf b = BUF_INIT;
	struct page_views pv = { c, p };
	if (p->doc)
		md_doc_html(&b, p->doc, c->s->html_brut, one_view, &pv, page_link, &pv);
	else	/* a page of the backend's own, such as the webinars' list */
		md_html_links(&b, p->body, c->s->html_brut, one_view, &pv, page_link, &pv);
	const char *html = arena_strndup(c->a, b.data, b.len);
	buf_release(&b);
	return html;
}

void html_slides(struct pctx *c, struct view *v, const struct page *p)
{
	struct arena *a = c->a;
	struct md_slide *sl;
	struct page_views pv = { c, p };
	/* A deck is served from its folder like a page: its links are
	 * resolved and made relative the same way. */
	size_t n = md_slides(p->body, c->s->html_brut, one_view, &pv, page_link, &pv, &sl);
	struct view *list = view_list(a);
	for (size_t i = 0; i < n; i++) {
		struct view *it = view_map(a);
		view_setn(a, it, "num", (double)(i + 1));
		view_sets(a, it, "html", arena_strdup(a, sl[i].html));
		view_sets(a, it, "notes", sl[i].notes ? arena_strdup(a, sl[i].notes) : NULL);
		view_push(a, list, it);
	}
	md_slides_free(sl, n);
	view_set(a, v, "slides", list);
	view_setn(a, v, "nb_slides", (double)n);
	const char *deck = html_path(c, path_deck_pdf(c->tmp, p, 0));
	const char *handout = html_path(c, path_deck_pdf(c->tmp, p, 1));
	view_sets(a, v, "pdf_url", html_fmt(c, "%s%s", c->root, deck));
	view_sets(a, v, "pdf_taille", html_file_size(c, deck));
	view_sets(a, v, "support_url", html_fmt(c, "%s%s", c->root, handout));
	view_sets(a, v, "support_taille", html_file_size(c, handout));
}
