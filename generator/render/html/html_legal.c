/*
 * The legal pages carto writes when the site has no page of that slug: the
 * déclaration d'accessibilité (accessibilite/), the mentions légales
 * (mentions-legales/) and the plan du site (plan-du-site/). The first two are
 * made from site.yaml's pages_legales (struct legal); what is missing is said
 * on the page, never left as a broken link. The texts follow the models of
 * the DINUM (numerique.gouv.fr, "Déclaration d'accessibilité", RGAA 4.1
 * "Obligations") and loi 2004-575 art. 6 III for the mentions légales. Each
 * page is drawn with the theme's page template; its body is built here with
 * every value escaped. Start at html_legal_page.
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/escape.h"
#include "../../base/mem.h"
#include "../../data/paths.h"
#include "html_page.h"
#include "html_embed.h"
#include "html_views.h"
#include "html_legal.h"

const char *const html_legal_slugs[HTML_LEGAL_N] = { "accessibilite", "mentions-legales",
	"plan-du-site" };
static const char *const titles[HTML_LEGAL_N] = { "Déclaration d'accessibilité",
	"Mentions légales", "Plan du site" };
static const char *const states[] = { "non conforme", "partiellement conforme",
	"totalement conforme" };

static void text(struct buf *b, const char *tag, const char *s)
{
	buf_printf(b, "<%s>", tag);
	esc_html(b, s);
	buf_printf(b, "</%s>\n", tag);
}

/* A contact as a link: mailto for an e-mail address. */
static void contact(struct buf *b, const char *c)
{
	int web = strncmp(c, "http", 4) == 0;
	buf_puts(b, "<a href=\"");
	if (!web)
		buf_puts(b, "mailto:");
	esc_html(b, c);
	buf_puts(b, "\">");
	esc_html(b, c);
	buf_puts(b, "</a>");
}

static void field(struct buf *b, const char *label, const char *v)
{
	buf_puts(b, "<dt>");
	esc_html(b, label);
	buf_puts(b, "</dt><dd>");
	esc_html(b, v ? v : "Non renseigné.");
	buf_puts(b, "</dd>\n");
}

static void mentions(struct pctx *c, struct buf *b)
{
	const struct legal *l = &c->s->legal;
	buf_puts(b, "<dl class=\"fields\">\n");
	field(b, "Éditeur du site", l->editeur);
	field(b, "Directeur ou directrice de la publication", l->directeur);
	field(b, "Hébergeur", l->hebergeur);
	buf_puts(b, "<dt>Contact</dt><dd>");
	if (l->contact)
		contact(b, l->contact);
	else
		buf_puts(b, "Non renseigné.");
	buf_puts(b, "</dd>\n</dl>\n");
	buf_puts(b, "<h2>Réutilisation des contenus et des données</h2>\n<p>");
	esc_html(b, html_fmt(c, "Les contenus et les données du site sont publiés sous %s.",
	    c->s->licence ? c->s->licence : "licence ouverte"));
	buf_printf(b, " Ils peuvent être téléchargés depuis la page <a href=\"%sdata/index.html\">données ouvertes</a>.</p>\n",
	    c->root);
	buf_printf(b, "<h2>Accessibilité</h2>\n<p>%s. Voir la <a href=\"%saccessibilite/index.html\">déclaration d'accessibilité</a>.</p>\n",
	    html_legal_mention(c->s), c->root);
}

static void audit(struct pctx *c, struct buf *b)
{
	const struct legal *l = &c->s->legal;
	const char *ref = l->referentiel ? l->referentiel : "RGAA 4.1.2";
	buf_puts(b, "<h2>État de conformité</h2>\n<p>");
	esc_html(b, html_fmt(c, "Le site « %s » (%s) est %s avec le référentiel général d'amélioration de l'accessibilité (%s)",
	    c->s->titre, c->s->base_url, states[l->conformite], ref));
	buf_puts(b, l->conformite == CONF_PARTIELLE ? ", en raison des non-conformités énumérées ci-dessous.</p>\n"
	    : l->date_audit ? ".</p>\n" : ". Il n'a pas encore fait l'objet d'un audit de conformité.</p>\n");
	buf_puts(b, "<h2>Résultats des tests</h2>\n<p>");
	if (l->date_audit) {
		esc_html(b, html_fmt(c, "L'audit de conformité réalisé le %s%s%s", html_date_fr(c, l->date_audit),
		    l->audit_par ? " par " : "", l->audit_par ? l->audit_par : ""));
		if (l->taux)
			esc_html(b, html_fmt(c, " révèle un taux de conformité de %s", l->taux));
		buf_puts(b, ".");
	} else
		buf_puts(b, "Aucun audit n'a été réalisé à ce jour.");
	buf_puts(b, "</p>\n<h2>Contenus non accessibles</h2>\n");
	if (l->n_non_conformites) {
		buf_puts(b, "<p>Non-conformités relevées :</p>\n<ul>\n");
		for (size_t i = 0; i < l->n_non_conformites; i++)
			text(b, "li", l->non_conformites[i]);
		buf_puts(b, "</ul>\n");
	} else
		buf_puts(b, l->date_audit ? "<p>L'audit n'a relevé aucune non-conformité.</p>\n"
		    : "<p>Les non-conformités ne sont pas connues tant que le site n'a pas été audité.</p>\n");
	buf_puts(b, "<h2>Établissement de cette déclaration</h2>\n");
	if (l->date_audit)
		text(b, "p", html_fmt(c, "Cette déclaration a été établie le %s.", html_date_fr(c, l->date_audit)));
	text(b, "p", html_fmt(c, "Périmètre de l'audit : %s", l->perimetre ? l->perimetre
	    : "non renseigné."));
}

static void recourse(struct pctx *c, struct buf *b)
{
	const struct legal *l = &c->s->legal;
	const char *who = l->contact_accessibilite ? l->contact_accessibilite : l->contact;
	buf_puts(b, "<h2>Retour d'information et contact</h2>\n<p>Si vous n'arrivez pas à accéder à un contenu "
	    "ou à un service, vous pouvez nous contacter pour être orienté vers une alternative accessible "
	    "ou obtenir le contenu sous une autre forme : ");
	if (who)
		contact(b, who);
	else
		buf_puts(b, "adresse de contact non renseignée");
	buf_puts(b, ".</p>\n<h2>Voies de recours</h2>\n"
	    "<p>Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une "
	    "fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas à obtenir de réponse "
	    "de notre part, vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au "
	    "Défenseur des droits. Plusieurs moyens sont à votre disposition :</p>\n<ul>\n"
	    "<li>écrire un message au Défenseur des droits (<a href=\"https://formulaire.defenseurdesdroits.fr/\">formulaire en ligne</a>) ;</li>\n"
	    "<li>contacter le délégué du Défenseur des droits dans votre région (<a href=\"https://www.defenseurdesdroits.fr/saisir/delegues\">liste des délégués</a>) ;</li>\n"
	    "<li>appeler le 09 69 39 00 00 ;</li>\n"
	    "<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, "
	    "Libre réponse 71120, 75342 Paris CEDEX 07.</li>\n</ul>\n");
}

/* ---- the site map ---- */

/* Slugs in tree order: a folder's pages right after the folder's own page. */
static int cmp_tree(const void *pa, const void *pb)
{
	const char *a = (*(const struct page *const *)pa)->slug, *b = (*(const struct page *const *)pb)->slug;
	for (; *a && *a == *b; a++, b++)
		;
	int x = *a == '/' ? 1 : (unsigned char)*a + 1, y = *b == '/' ? 1 : (unsigned char)*b + 1;
	if (!*a)
		x = 0;
	if (!*b)
		y = 0;
	return x - y;
}

static void item(struct pctx *c, struct buf *b, const char *titre, const char *path)
{
	buf_puts(b, "<li>");
	html_a(c, b, path, titre);
}

static void map_pages(struct pctx *c, struct buf *b)
{
	const struct site *s = c->s;
	const struct page **v = xmalloc((s->n_pages + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->slug[0] && (c->drafts || !s->pages[i]->brouillon))
			v[n++] = s->pages[i];
	if (n)
		xqsort(v, n, sizeof(*v), cmp_tree);
	int depth = 0;
	buf_puts(b, "<ul>\n");
	item(c, b, "Accueil", "");
	for (size_t i = 0; i < n; i++) {
		int d = 0;
		for (const char *p = v[i]->slug; *p; p++)
			d += *p == '/';
		/* A page deeper than the one before opens one list level (its
		 * folder may have no page of its own: it then hangs on the last). */
		if (d > depth) {
			buf_puts(b, "\n<ul>\n");
			depth++;
		} else {
			buf_puts(b, "</li>\n");
			for (; depth > d; depth--)
				buf_puts(b, "</ul></li>\n");
		}
		item(c, b, v[i]->titre, html_fmt(c, "%s/", v[i]->slug));
	}
	buf_puts(b, "</li>\n");
	for (; depth > 0; depth--)
		buf_puts(b, "</ul></li>\n");
	buf_puts(b, "</ul>\n");
	free(v);
}

static void map_site(struct pctx *c, struct buf *b)
{
	const struct site *s = c->s;
	buf_puts(b, "<h2>Pages</h2>\n");
	map_pages(c, b);
	buf_puts(b, "<h2>Cartographies</h2>\n<ul>\n");
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		const char *page = html_path(c, path_carto_page(c->tmp, ca, NULL));
		item(c, b, ca->titre, page);
		buf_puts(b, "\n<ul>\n");
		item(c, b, "Parcours, niveau par niveau", html_fmt(c, "%sparcours/", page));
		buf_puts(b, "</li>\n");
		for (size_t d = 0; ca->par_departement && d < s->geo.n_departements; d++) {
			item(c, b, html_fmt(c, "%s (%s)", s->geo.departements[d].nom, s->geo.departements[d].code),
			    html_path(c, path_carto_page(c->tmp, ca, s->geo.departements[d].code)));
			buf_puts(b, "</li>\n");
		}
		buf_puts(b, "</ul></li>\n");
	}
	buf_puts(b, "</ul>\n<h2>Organismes de formation</h2>\n<ul>\n");
	item(c, b, "L'annuaire des organismes", "organismes/");
	buf_puts(b, "\n<ul>\n");
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		item(c, b, html_fmt(c, "%s (%s)", s->geo.departements[d].nom, s->geo.departements[d].code),
		    html_path(c, path_dep_page(c->tmp, s->geo.departements[d].code)));
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul></li>\n</ul>\n<h2>Référentiels</h2>\n<ul>\n");
	item(c, b, "Les référentiels de compétences", "referentiels/");
	buf_puts(b, "\n<ul>\n");
	for (size_t i = 0; i < s->n_referentiels; i++) {
		item(c, b, s->referentiels[i]->titre, html_path(c, path_ref_page(c->tmp, s->referentiels[i])));
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul></li>\n</ul>\n<h2>Outils et informations</h2>\n<ul>\n");
	static const char *const tools[][2] = { { "Rechercher", "recherche/" },
		{ "Données ouvertes", "data/" }, { "Déclaration d'accessibilité", "accessibilite/" },
		{ "Mentions légales", "mentions-legales/" }, { "Fil d'actualités (Atom)", "feed.xml" } };
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		item(c, b, tools[i][0], tools[i][1]);
		buf_puts(b, "</li>\n");
	}
	buf_puts(b, "</ul>\n");
}

int html_legal_generated(const struct site *s, int drafts, size_t which)
{
	const struct page *p = strmap_get(&s->pages_by_slug, html_legal_slugs[which]);
	return !p || (p->brouillon && !drafts);
}

struct view *html_legal_page(struct pctx *c, size_t which, const char **path)
{
	const char *slug = html_legal_slugs[which];
	const char *url = html_fmt(c, "%s/", slug);
	*path = html_fmt(c, "%s/index.html", slug);
	static const char *const desc[HTML_LEGAL_N] = {
		"L'état de conformité du site au RGAA, ses non-conformités et les voies de recours.",
		"L'éditeur du site, la direction de la publication et l'hébergeur.",
		"Toutes les pages du site : pages, cartographies, annuaire, référentiels, recherche et données." };
	struct view *v = html_simple_page(c, titles[which], desc[which], url, 1);
	struct buf b = BUF_INIT;
	if (which == 0) {
		audit(c, &b);
		recourse(c, &b);
	} else if (which == 1)
		mentions(c, &b);
	else
		map_site(c, &b);
	view_sets(c->a, v, "html", arena_strndup(c->a, b.data, b.len));
	buf_release(&b);
	return v;
}
