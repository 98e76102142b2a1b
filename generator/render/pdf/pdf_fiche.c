/*
 * The fiche of an organisation: its offers and lieux, a QR code of its page
 * online and a small map of its département. One PDF per organisation.
 */
#include <qrencode.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../base/mem.h"
#include "../../base/url.h"
#include "../../data/hours.h"
#include "../../data/paths.h"
#include "pdf_int.h"

/* The QR code of the organisation's page, top right, with a link on it. */
static void qr(struct doc *d, const char *url)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	float side = 80, m = side / (float)q->width;
	float x0 = PAGE_W - MARGIN - side, y0 = PAGE_H - MARGIN - side;
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	struct pdf_pen pen;
	float v[4] = { 0, 0, m, m };
	pdf_pen_start(d, &pen);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1) {
				v[0] = x0 + (float)c * m;
				v[1] = y0 + side - (float)(r + 1) * m;
				pdf_pen_op(&pen, v, 4, " re\n");
			}
	if (pdf_pen_end(&pen, v[0], v[1], v[0], v[1]) < 0)
		d->error = d->error ? d->error : 1;
	HPDF_Page_Fill(d->page);
	HPDF_Rect rect = { x0, y0, x0 + side, y0 + side };
	pdf_uri_link(d, rect, url);
	QRcode_free(q);
}

/* "Et après ?": the offers that can follow this one (data/index.h), each
 * with where it is, how far, and why. */
size_t pdf_lieu_slot(const struct lieu_numbers *m, const struct lieu *l)
{
	size_t i = ((size_t)(uintptr_t)l >> 4) * 0x9E3779B97F4A7C15u >> 20 & m->mask;
	while (m->l[i] && m->l[i] != l)
		i = (i + 1) & m->mask;
	return i;
}

void pdf_suite_text(struct buf *b, const struct site *s, const struct offre *o, size_t i,
    const struct lieu_numbers *numbers)
{
	const struct suite *su = &o->suites[i];
	size_t k = numbers ? pdf_lieu_slot(numbers, su->to) : 0;
	const int *num = numbers && numbers->l[k] ? &numbers->num[k] : NULL;
	buf_reset(b);
	buf_printf(b, "%zu. %s – %s, %s", i + 1, su->o->intitule, su->o->org->nom,
	    su->to->commune ? su->to->commune->nom : su->to->commune_nom.s ? su->to->commune_nom.s : "");
	if (num)
		buf_printf(b, " (lieu n° %d de ce livret)", *num);
	buf_puts(b, ". ");
	suite_reason(b, &s->vocab, o, su);
}

void pdf_suites(struct doc *d, const struct site *s, const struct offre *o, struct buf *b,
    const struct lieu_numbers *numbers)
{
	for (size_t i = 0; i < o->n_suites; i++) {
		pdf_suite_text(b, s, o, i, numbers);
		pdf_field(d, i ? "" : "Et après ?", b->data);
	}
}

static void offre(struct doc *d, const struct site *s, const struct offre *o, struct buf *b)
{
	char t1[CIVIL_SIZE], t2[CIVIL_SIZE], prix[MONTANT_SIZE];
	pdf_heading(d, 12, o->intitule ? o->intitule : o->id.s);
	pdf_join(b, &o->types, &s->vocab.types_offre);
	pdf_field(d, "Type", b->data);
	buf_reset(b);
	if (o->entree_min.s || o->entree_max.s)
		buf_printf(b, "à l'entrée : %s%s%s", o->entree_min.s ? o->entree_min.s : o->entree_max.s,
		    o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) ? " à " : "",
		    o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) ? o->entree_max.s : "");
	if (o->vise.s)
		buf_printf(b, "%sniveau visé : %s", b->len ? " ; " : "", o->vise.s);
	pdf_field(d, "Niveaux", b->data);
	pdf_join(b, &o->publics, &s->vocab.publics);
	if (o->age_min >= 0)
		buf_printf(b, "%sà partir de %ld ans", b->len ? " ; " : "", o->age_min);
	pdf_field(d, "Public", b->data);
	buf_reset(b);
	if (o->gratuit == TRI_TRUE)
		buf_puts(b, "Gratuit");
	else if (o->has_montant)
		buf_puts(b, montant_fr(o->montant, prix));
	/* Precisions that restate the cost ("Gratuit, y compris…") replace it. */
	if (o->cout_precisions && b->len && strncasecmp(o->cout_precisions, b->data, b->len) == 0)
		buf_reset(b);
	if (o->cout_precisions)
		buf_printf(b, "%s%s", b->len ? " – " : "", o->cout_precisions);
	pdf_field(d, "Coût", b->data);
	char fr[256] = "";
	if (o->heures)
		hours_french(o->heures, fr, sizeof(fr));
	pdf_field(d, "Horaires", fr);
	if (o->garde_enfants == TRI_TRUE)
		pdf_field(d, "Enfants", "Garde d'enfants proposée");
	buf_reset(b);
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *se = &o->sessions[i];
		buf_printf(b, "%sdu %s au %s : %s", i ? " ; " : "", civil_fr(se->debut, t1),
		    civil_fr(se->fin, t2), etat_inscriptions(se->etat, 0));
		if (se->places >= 0)
			buf_printf(b, " (%ld places)", se->places);
	}
	pdf_field(d, "Sessions", b->data);
	buf_reset(b);
	for (size_t i = 0; i < o->n_lieux; i++)
		buf_printf(b, "%s%s", i ? ", " : "", o->lieux[i]->denomination ? o->lieux[i]->denomination
		    : o->lieux[i]->commune ? o->lieux[i]->commune->nom : "");
	pdf_field(d, "Lieu", b->data);
	if (o->has_contact) {
		buf_reset(b);
		buf_printf(b, "%s%s%s%s%s", o->contact.nom ? o->contact.nom : "", o->contact.telephone ? " – " : "",
		    o->contact.telephone ? o->contact.telephone : "", o->contact.courriel.s ? " – " : "",
		    o->contact.courriel.s ? o->contact.courriel.s : "");
		pdf_field(d, "Contact", b->data);
	}
	pdf_suites(d, s, o, b, NULL);
}

/* The lieu on OpenStreetMap and the way there, and its geo: URI for a
 * phone, each a link (data/derive.h lieu_url, checked by base/url.h): on
 * one line "Voir sur OpenStreetMap / itinéraire / geo:LAT,LON" when it fits
 * beside the map, else the geo: URI on a line of its own. */
static void map_links(struct doc *d, const struct lieu *l)
{
	char osm[LIEU_URL_SIZE], route[LIEU_URL_SIZE], geo[LIEU_URL_SIZE], line[3 * LIEU_URL_SIZE];
	if (!url_is_web(lieu_url(l, LIEU_OSM, osm)) || !url_is_web(lieu_url(l, LIEU_ITINERAIRE, route)) ||
	    !url_is_geo(lieu_url(l, LIEU_GEO, geo)))
		return;
	static const char first[] = "Voir sur OpenStreetMap", second[] = "itinéraire", sep[] = " / ";
	snprintf(line, sizeof(line), "%s%s%s%s%s", first, sep, second, sep, geo);
	HPDF_Page_SetFontAndSize(d->page, pdf_twin(d, d->regular), 10);
	float x = MARGIN + 105, wsep = HPDF_Page_TextWidth(d->page, pdf_enc(d, sep));
	int one = HPDF_Page_TextWidth(d->page, pdf_enc(d, line)) < PAGE_W - 2 * MARGIN - 105 - d->reserve;
	if (!one)
		line[strlen(first) + strlen(sep) + strlen(second)] = '\0';
	pdf_field(d, "Plan", line);
	float y = d->y + 13.5f - 10;
	pdf_link(d, x, y, first, 10, osm);
	HPDF_Page_SetFontAndSize(d->page, pdf_twin(d, d->regular), 10);
	x += HPDF_Page_TextWidth(d->page, pdf_enc(d, first)) + wsep;
	pdf_link(d, x, y, second, 10, route);
	HPDF_Page_SetFontAndSize(d->page, pdf_twin(d, d->regular), 10);
	x += HPDF_Page_TextWidth(d->page, pdf_enc(d, second)) + wsep;
	if (!one) {
		pdf_field(d, "", geo);
		x = MARGIN + 105;
		y = d->y + 13.5f - 10;
	}
	pdf_link(d, x, y, geo, 10, geo);
}

static void lieu(struct doc *d, const struct lieu *l, struct buf *b)
{
	buf_reset(b);
	if (l->denomination)
		buf_printf(b, "%s – ", l->denomination);
	for (size_t i = 0; i < l->n_lignes; i++)
		buf_printf(b, "%s, ", l->lignes[i]);
	buf_printf(b, "%s %s", l->code_postal.s ? l->code_postal.s : "",
	    l->commune ? l->commune->nom : l->commune_nom.s ? l->commune_nom.s : "");
	pdf_para(d, d->bold, 10, b->data);
	pdf_field(d, "Transports", l->transports);
	pdf_field(d, "Accessibilité", l->acces_pmr == TRI_TRUE ? "accessible en fauteuil roulant"
	    : l->acces_pmr == TRI_FALSE ? "non accessible en fauteuil roulant" : NULL);
	char fr[256] = "";
	if (l->accueil)
		hours_french(l->accueil, fr, sizeof(fr));
	pdf_field(d, "Accueil", fr);
	map_links(d, l);
	d->y -= 4;
}

void pdf_locator_box(struct box *b, const struct shape *dep, float x, float y)
{
	pdf_fit_box(b, dep->minx, dep->miny, dep->maxx, dep->maxy, x, y, LOCATOR_SIZE, LOCATOR_SIZE);
}

/* A small map of the organisation's département with its lieux; the
 * outlines were simplified once for every fiche (pdf.c). */
static void locator(struct doc *d, const struct site *s, const struct outline *locators,
    const struct organisme *o)
{
	if (!o->n_lieux || !o->lieux[0].commune)
		return;
	size_t k = 0;
	while (k < s->geo.n_departements && strcmp(s->geo.departements[k].code, o->lieux[0].dep) != 0)
		k++;
	if (k == s->geo.n_departements)
		return;
	struct box b;
	float size = LOCATOR_SIZE;
	pdf_need(d, size + 10);
	pdf_locator_box(&b, &s->geo.departements[k], PAGE_W - MARGIN - size, d->y - size);
	pdf_outline_draw(d, &locators[k], b.x, b.y);
	HPDF_Page_SetRGBFill(d->page, 0.0f, 0.0f, 0.57f);
	for (size_t i = 0; i < o->n_lieux; i++) {
		float x, y;
		pdf_project(&b, o->lieux[i].lon, o->lieux[i].lat, &x, &y);
		if (strcmp(o->lieux[i].dep, o->lieux[0].dep) == 0)
			HPDF_Page_Circle(d->page, x, y, 3.5f);
	}
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	d->reserve = size + 15;
}

int fiche(const struct site *s, const struct organisme *o, const struct outline *locators,
    struct publish *p, struct buf *b, struct diags *dg)
{
	struct doc d;
	char date[64], url[1024];
	struct buf path = BUF_INIT;
	int rc = -1;
	if (pdf_open_doc(&d, dg) < 0)
		goto out;
	d.src = o->file;
	d.site = s;
	snprintf(url, sizeof(url), "%s%s", s->base_url, path_org_page(&path, o));
	pdf_info(&d, o->nom, s->titre, "Fiche organisme : lieux, offres de formation, contacts", o->mise_a_jour);
	buf_reset(b);
	buf_printf(b, "%s – données mises à jour le %s", s->titre, civil_fr(o->mise_a_jour, date));
	d.footer = xstrdup(b->data);
	d.url = url;
	pdf_new_page(&d);
	qr(&d, url);
	pdf_wrap(&d, d.bold, 18, MARGIN, PAGE_W - 2 * MARGIN - 95, o->nom, 1);
	buf_reset(b);
	buf_printf(b, "%s%s%zu offre%s de formation – mis à jour le %s", vocab_label(&s->vocab.natures, o->nature.s) ?
	    vocab_label(&s->vocab.natures, o->nature.s) : "", o->nature.s ? " – " : "", o->n_offres,
	    o->n_offres > 1 ? "s" : "", date);
	pdf_wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, b->data, 1);
	if (o->has_contact) {
		buf_reset(b);
		buf_printf(b, "%s%s%s%s%s", o->contact.nom ? o->contact.nom : "", o->contact.telephone ? " – " : "",
		    o->contact.telephone ? o->contact.telephone : "", o->contact.courriel.s ? " – " : "",
		    o->contact.courriel.s ? o->contact.courriel.s : "");
		pdf_wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, b->data, 1);
	}
	if (o->site_web.s && strlen(o->site_web.s) < 90) {
		pdf_wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, o->site_web.s, 1);
		pdf_link(&d, MARGIN, d.y + 13.5f - 10, o->site_web.s, 10, o->site_web.s);
	}
	if (d.y > PAGE_H - MARGIN - 95)
		d.y = PAGE_H - MARGIN - 95;
	pdf_heading(&d, 14, o->n_lieux > 1 ? "Lieux de formation" : "Lieu de formation");
	float top = d.y;
	locator(&d, s, locators, o);
	d.y = top;
	for (size_t i = 0; i < o->n_lieux; i++)
		lieu(&d, &o->lieux[i], b);
	if (d.reserve && d.y > top - 160)
		d.y = top - 160;
	d.reserve = 0;
	pdf_heading(&d, 14, "Offres de formation");
	for (size_t i = 0; i < o->n_offres; i++)
		offre(&d, s, &o->offres[i], b);
	pdf_footers(&d);
	rc = pdf_save(&d, p, path_org_pdf(&path, o), b);
out:
	buf_release(&path);
	pdf_close_doc(&d);
	return rc;
}
