/*
 * carto check's part of the PDF documents: the warnings a build gives when
 * a document must print as U+FFFD a character no font has
 * (pdf_warn_missing), given without making the documents. Each document
 * of the build's job list (pdf.c) is gone through as a list of the texts
 * it prints, in the order it prints them, each noted by the rule the
 * documents' text follows (pdf_note_unprintable, on a document of
 * libharu's that has the same fonts and sets nothing); the warning is then
 * pdf_warn_missing's, so its text, file and line are a build's. The texts
 * that are the same in every document (the fixed French words, dates,
 * numbers, hours) are left out: all of them are in CP1252, which every
 * document prints. Start at pdf_check.
 *
 * A site's text is first gone through without the index (the fiches but
 * their "Et après ?", the cards, what the booklets print beside their
 * rows, the words of the lists and scales): when none of it has such a
 * character, no document has one (the rows and the suites print texts of
 * the organisations, référentiels and lists seen there), and check does
 * not pay for the index. Else the site is indexed, and the documents gone
 * through again with their rows and suites. When only fiches warned in
 * the first pass (organisations' own texts), the suites searched are
 * those that may lead to their offers, and the fiches gone through again
 * those that warned or have such suites: the others print nothing that
 * warns. Else every offer's suites are searched, as a build does, and
 * every document gone through.
 *
 * A deck's texts are set in three styles (its italic too): they are noted
 * on a document of its own with that italic, as a deck's are.
 */
#include "../pdf.h"

#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../data/derive.h"
#include "../../data/index.h"
#include "../../data/model.h"
#include "../../data/embed.h"
#include "../../data/paths.h"
#include "../../text/markdown.h"
#include "pdf_int.h"

struct chk {
	struct doc d;		/* the fonts, the characters noted; no page */
	struct doc deck;	/* the same with an italic, for the decks */
	struct doc *on;		/* the one the texts are noted on */
	const struct site *s;
	int indexed;		/* the suites and rows are known */
	int warn;		/* 0: only note whether any document would warn */
	int any;		/* some document would */
	int everywhere;		/* a text that warns may be in any document */
	unsigned char *org;	/* per organisation: its fiche warns (first pass) */
	struct buf b, path, text;
};

static void note(struct chk *c, const char *text)
{
	if (text)
		pdf_note_unprintable(c->on, text);
}

/* A document's texts start: its content file src (pdf_warn_missing's
 * d->src), then its properties (pdf_info): its title and author. */
static void doc_start(struct chk *c, struct doc *on, const char *src, const char *title)
{
	c->on = on;
	on->n_missing = 0;
	on->src = src;
	on->cur = NULL;
	note(c, title);
	note(c, c->s->titre);
}

/* A document's texts end: its footer and the address under it (on every
 * page: the site's address, then a path of ids, which are [a-z0-9-]), when
 * it has them; then whether it would warn, and the warning pdf_save would
 * give when c->path is made: 1 when the caller must make it (the
 * document's path) and call doc_warn. */
static int doc_end(struct chk *c, const char *footer, int url)
{
	c->on->cur = NULL;
	note(c, footer);
	if (url)
		note(c, c->s->base_url);
	c->any |= c->on->n_missing != 0;
	buf_reset(&c->path);
	return c->warn && c->on->n_missing;
}

static void doc_warn(struct chk *c)
{
	pdf_warn_missing(c->on, c->path.data, &c->b);
}

static void note_contact(struct chk *c, const struct contact *ct)
{
	note(c, ct->nom);
	note(c, ct->telephone);
	note(c, ct->courriel.s);
}

/* The labels of the codes v of the list l; the first pass notes every
 * label of the lists once instead (first_words). */
static void note_labels(struct chk *c, const struct svals *v, const struct vocab_list *l)
{
	for (size_t i = 0; c->indexed && i < v->n; i++)
		note(c, vocab_label(l, v->v[i].s));
}

static const char *commune_of(const struct lieu *l)
{
	return l->commune ? l->commune->nom : l->commune_nom.s;
}

/* An offer's suites as pdf_suites and a booklet's entry print them. */
static void note_suites(struct chk *c, const struct offre *o)
{
	for (size_t i = 0; c->indexed && i < o->n_suites; i++) {
		pdf_suite_text(&c->text, c->s, o, i, NULL);
		note(c, c->text.data);
	}
}

/* pdf_fiche.c's offre. */
static void fiche_offre(struct chk *c, const struct offre *o)
{
	const struct vocab *v = &c->s->vocab;
	note(c, o->intitule ? o->intitule : o->id.s);
	note_labels(c, &o->types, &v->types_offre);
	note(c, o->entree_min.s);
	note(c, o->entree_max.s);
	note(c, o->vise.s);
	note_labels(c, &o->publics, &v->publics);
	note(c, o->cout_precisions);
	for (size_t i = 0; i < o->n_lieux; i++)
		note(c, o->lieux[i]->denomination ? o->lieux[i]->denomination :
		    o->lieux[i]->commune ? o->lieux[i]->commune->nom : NULL);
	if (o->has_contact)
		note_contact(c, &o->contact);
	note_suites(c, o);
}

/* pdf_fiche.c's fiche. */
static void check_fiche(struct chk *c, const struct organisme *o)
{
	const struct site *s = c->s;
	doc_start(c, &c->d, o->file, o->nom);
	if (c->indexed)
		note(c, vocab_label(&s->vocab.natures, o->nature.s));
	if (o->has_contact)
		note_contact(c, &o->contact);
	if (o->site_web.s && strlen(o->site_web.s) < 90)
		note(c, o->site_web.s);
	for (size_t i = 0; i < o->n_lieux; i++) {
		const struct lieu *l = &o->lieux[i];
		note(c, l->denomination);
		for (size_t k = 0; k < l->n_lignes; k++)
			note(c, l->lignes[k]);
		note(c, l->code_postal.s);
		note(c, commune_of(l));
		note(c, l->transports);
	}
	for (size_t i = 0; i < o->n_offres; i++)
		fiche_offre(c, &o->offres[i]);
	if (doc_end(c, s->titre, 1)) {
		path_org_pdf(&c->path, o);
		doc_warn(c);
	}
}

/* pdf_card.c's card. */
static void check_card(struct chk *c, const struct referentiel *r)
{
	const struct site *s = c->s;
	doc_start(c, &c->d, r->file, r->titre);
	note(c, r->lib_domaine);
	note(c, r->lib_competence);
	note(c, r->version);
	for (size_t i = 0; i < r->echelle.n; i++) {
		note(c, r->echelle.v[i].code);
		note(c, r->echelle.v[i].titre);
	}
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *dom = &r->domaines[i];
		note(c, dom->code);
		note(c, dom->titre);
		for (size_t k = 0; k < dom->n_children; k++) {
			note(c, dom->children[k].code);
			note(c, dom->children[k].titre);
		}
	}
	for (size_t k = 0; k < s->n_correspondances; k++) {
		const struct correspondance *co = s->correspondances[k];
		if (!co->de || !co->vers || (co->de != r && co->vers != r))
			continue;
		note(c, co->de->titre_court);
		note(c, co->vers->titre_court);
		note(c, co->source);
		for (size_t i = 0; i < co->n_liens; i++) {
			const struct corr_link *l = &co->liens[i];
			for (size_t v = 0; v < l->vers.n; v++)
				note(c, l->vers.v[v].s);
			note(c, l->niveau_de.s);
			note(c, l->de.s);
		}
	}
	if (doc_end(c, r->editeur ? r->editeur : r->titre_court, 1)) {
		path_ref_doc(&c->path, r, PATH_PDF);
		doc_warn(c);
	}
}

/* A booklet's entry (pdf_booklet.c's booklet_entry), its text its
 * organisation's. */
static void booklet_entry(struct chk *c, const struct rowref *r)
{
	const struct offre *o = r->o;
	c->on->cur = o->org->file;
	note(c, o->intitule);
	note(c, o->org->nom);
	note_labels(c, &o->types, &c->s->vocab.types_offre);
	note(c, o->entree_min.s);
	note(c, o->vise.s);
	if (r->l->n_lignes)
		note(c, r->l->lignes[0]);
	note(c, r->l->code_postal.s);
	note(c, r->l->commune ? r->l->commune->nom : NULL);
	const struct contact *ct = offre_contact(o);
	if (ct)
		note(c, ct->telephone);
	note_suites(c, o);
	c->on->cur = NULL;
}

/* The types of the legend (pdf_map.c's pdf_legend): those of the rows and
 * of the selection; every type without the rows. */
static void booklet_legend(struct chk *c, const struct cartographie *ca, const struct rowref *r, size_t n)
{
	const struct vocab *v = &c->s->vocab;
	unsigned char *used = xcalloc(v->types_offre.n + 1, 1);
	if (!c->indexed)
		memset(used, 1, v->types_offre.n);
	for (size_t i = 0; i < n; i++)
		type_legend_mark(v, r[i].o, used);
	type_legend_codes(v, &ca->sel_types, used);
	for (size_t i = 0; i < v->types_offre.n; i++)
		if (used[i])
			note(c, v->types_offre.v[i].libelle);
	free(used);
}

/* pdf_booklet.c's booklet of ca (of the département dep, NULL: the
 * region's): its title, legend, entries under their communes, and the
 * communes of its index. */
static void check_booklet(struct chk *c, const struct cartographie *ca, const char *dep)
{
	const struct site *s = c->s;
	size_t n = 0;
	const struct rowref *r = c->indexed ? index_rows(s, ca, dep, &n) : NULL;
	int list = pdf_booklet_lists(ca, dep, n);
	buf_reset(&c->text);
	buf_printf(&c->text, "%s%s%s", ca->titre, dep ? " – " : "", dep ? geo_dep_name(&s->geo, dep) : "");
	doc_start(c, &c->d, ca->file, c->text.data);
	booklet_legend(c, ca, r, n);
	for (size_t i = 0; list && i < n; i++) {
		if (i == 0 || r[i].l->commune != r[i - 1].l->commune)
			note(c, r[i].l->commune ? r[i].l->commune->nom : NULL);
		booklet_entry(c, &r[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (r[i].l->commune && (i == 0 || r[i].l->commune != r[i - 1].l->commune))
			note(c, r[i].l->commune->nom);
	if (doc_end(c, s->titre, 1)) {
		path_carto_doc(&c->path, ca, dep, PATH_PDF);
		doc_warn(c);
	}
}

/* The names of the départements, as a deck's table prints them, and the
 * region's. */
static void note_deps(struct chk *c, const char *dep)
{
	const struct geo *g = &c->s->geo;
	for (size_t i = 0; i < g->n_departements; i++)
		if (!dep || strcmp(g->departements[i].code, dep) == 0)
			note(c, g->departements[i].nom);
}

/* pdf_deck.c's deck_view, of the rows of a cartography: their names, the
 * table's types and départements, the count's title. Without the index,
 * whatever they may print. */
static void deck_rows(struct chk *c, const struct embed *e)
{
	const struct site *s = c->s;
	if (e->kind == EMBED_CARTE)
		return;	/* numbered markers */
	if (!c->indexed) {
		for (size_t i = 0; i < s->vocab.types_offre.n; i++)
			note(c, s->vocab.types_offre.v[i].libelle);
		note(c, e->ca->titre);
		note_deps(c, NULL);
		return;
	}
	if (e->kind == EMBED_TABLEAU) {
		size_t nt = embed_columns(s, e, NULL);
		const char **types = xmalloc((nt + 1) * sizeof(*types));
		embed_columns(s, e, types);
		for (size_t t = 0; t < nt; t++)
			note(c, vocab_label(&s->vocab.types_offre, types[t]));
		free(types);
		note_deps(c, e->dep);
		return;
	}
	if (e->kind == EMBED_COMPTE) {
		note(c, e->ca->titre);
		note(c, e->dep ? geo_dep_name(&s->geo, e->dep) : NULL);
		return;
	}
	size_t n, m = 0;
	const struct rowref *r = index_rows(s, e->ca, e->dep, &n);
	for (size_t i = 0; i < n && m < (size_t)e->limite; i++)
		if (embed_keeps(e, r[i].o, r[i].l)) {
			m++;
			note(c, r[i].o->intitule);
			note(c, r[i].o->org->nom);
			note(c, r[i].l->commune ? r[i].l->commune->nom : NULL);
		}
}

/* The slides of a deck: each block's text, each view's (deck_view). */
static void deck_slides(struct chk *c, const struct page *pg, const struct md_deck *k)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct md_block *bl = &k->b[i];
		for (size_t j = 0; j < bl->n_spans; j++)
			note(c, bl->spans[j].text);
		const struct embed *e = bl->kind == MDB_VIEW && bl->view < pg->n_embeds ? &pg->embeds[bl->view] : NULL;
		if (e && e->kind == EMBED_DOMAINES)
			for (size_t d = 0; d < e->ref->n_domaines; d++) {
				note(c, e->ref->domaines[d].code);
				note(c, e->ref->domaines[d].titre);
			}
		else if (e && e->kind == EMBED_CORRESPONDANCE)
			for (size_t l = 0; l < e->corr->n_liens; l++) {
				note(c, e->corr->liens[l].de.s);
				for (size_t v = 0; v < e->corr->liens[l].vers.n; v++)
					note(c, e->corr->liens[l].vers.v[v].s);
			}
		else if (e && e->ca)
			deck_rows(c, e);
	}
}

/* pdf_deck.c's deck and its handout: the slides, each with the deck's
 * title under it; the handout's pages, its title above, its footer. */
static void check_deck(struct chk *c, const struct page *pg)
{
	const struct site *s = c->s;
	struct md_deck k;
	md_deck(pg->body, &k);
	doc_start(c, &c->deck, pg->file, pg->titre);
	deck_slides(c, pg, &k);
	if (doc_end(c, NULL, 0)) {	/* the slides have no footer */
		path_deck_pdf(&c->path, pg, 0);
		doc_warn(c);
	}
	doc_start(c, &c->deck, pg->file, pg->titre);
	deck_slides(c, pg, &k);
	if (doc_end(c, s->titre, 1)) {
		path_deck_pdf(&c->path, pg, 1);
		doc_warn(c);
	}
	md_deck_free(&k);
}

/* For the first pass: every label of the lists the documents print (a
 * code that is in none is an error of validation: no PDF), and what the
 * suites' reasons print (data/derive.c's suite_reason) that no document
 * prints otherwise: the levels of the vocabularies' scales and the ids of
 * those their correspondences join. */
static void first_words(struct chk *c)
{
	const struct vocab *v = &c->s->vocab;
	const struct vocab_list *lists[] = { &v->types_offre, &v->publics, &v->natures };
	doc_start(c, &c->d, NULL, NULL);
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++)
		for (size_t k = 0; k < lists[i]->n; k++)
			note(c, lists[i]->v[k].libelle);
	for (size_t i = 0; i < v->n_echelles; i++)
		for (size_t k = 0; k < v->echelles[i].n; k++)
			note(c, v->echelles[i].v[k].code);
	for (size_t i = 0; i < v->n_corr; i++) {
		note(c, v->corr[i].de);
		note(c, v->corr[i].vers);
	}
	doc_end(c, NULL, 0);
}

/* Whether some offer of o has suites (the second pass). */
static int has_suites(const struct organisme *o)
{
	for (size_t i = 0; i < o->n_offres; i++)
		if (o->offres[i].n_suites)
			return 1;
	return 0;
}

/* Every document of pdf.c's job list, in its order (the decks of the pages
 * that are not drafts, as a build without --drafts). */
static void documents(struct chk *c)
{
	const struct site *s = c->s;
	if (!c->indexed)
		first_words(c);
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		check_booklet(c, ca, NULL);
		for (size_t j = 0; ca->par_departement && j < s->geo.n_departements; j++)
			check_booklet(c, ca, s->geo.departements[j].code);
	}
	for (size_t i = 0; i < s->n_referentiels; i++)
		check_card(c, s->referentiels[i]);
	/* Up to here, a text that warns may be in any document. */
	c->everywhere |= !c->indexed && c->any;
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_DIAPORAMA && !s->pages[i]->brouillon)
			check_deck(c, s->pages[i]);
	for (size_t i = 0; i < s->n_organismes; i++) {
		int any = c->any;
		if (c->indexed && !c->everywhere && !c->org[i] && !has_suites(s->organismes[i]))
			continue;	/* prints nothing that warns */
		c->any = 0;
		check_fiche(c, s->organismes[i]);
		c->org[i] |= !c->indexed && c->any;
		c->any |= any;
	}
}

/* At most this many offers of organisations whose fiche warns are looked
 * for among the suites of each offer (index_suites_may_follow); more, and
 * every offer's suites are searched, as a build does. */
#define CHECK_FOLLOW_MAX 64

/* The suites the second pass needs: every offer's when a text that warns
 * may be anywhere, else those of the offers that an offer of an
 * organisation whose fiche warns may follow (the other suites print only
 * texts that do not warn: left empty, they are not noted). */
static void suites(struct chk *c, struct site *s, int jobs)
{
	size_t no = 0, nf = 0;
	const struct offre *f[CHECK_FOLLOW_MAX];
	for (size_t i = 0; i < s->n_organismes; i++) {
		no += s->organismes[i]->n_offres;
		for (size_t k = 0; c->org[i] && k < s->organismes[i]->n_offres; k++)
			if (nf++ < CHECK_FOLLOW_MAX)
				f[nf - 1] = &s->organismes[i]->offres[k];
	}
	if (c->everywhere || nf > CHECK_FOLLOW_MAX) {
		c->everywhere = 1;
		index_suites(s, jobs);
		return;
	}
	unsigned char *redo = xcalloc(no + 1, 1);
	size_t at = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++, at++)
			for (size_t j = 0; j < nf && !redo[at]; j++)
				redo[at] = (unsigned char)index_suites_may_follow(s, &s->organismes[i]->offres[k], f[j]);
	index_suites_redo(s, jobs, redo, &s->arena);
	free(redo);
}

void pdf_check(struct site *s, int jobs, struct diags *d)
{
	struct chk c;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.b = c.path = c.text = (struct buf)BUF_INIT;
	c.org = xcalloc(s->n_organismes + 1, 1);
	int ok = pdf_open_doc(&c.d, d) == 0;
	if (pdf_open_doc(&c.deck, d) < 0)
		ok = 0;
	if (ok) {
		c.d.site = c.deck.site = s;
		c.deck.italic = HPDF_GetFont(c.deck.pdf, "Helvetica-Oblique", "WinAnsiEncoding");
		documents(&c);
		if (c.any) {
			index_site(s, jobs);
			suites(&c, s, jobs);
			c.indexed = c.warn = 1;
			documents(&c);
		}
	}
	pdf_close_doc(&c.d);
	pdf_close_doc(&c.deck);
	free(c.org);
	buf_release(&c.b);
	buf_release(&c.path);
	buf_release(&c.text);
}
