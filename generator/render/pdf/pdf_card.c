/*
 * The référentiel card: a positioning grid, one row per entry with a box per
 * level of its scale, then the correspondences with other référentiels.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../base/mem.h"
#include "../../data/paths.h"
#include "pdf_int.h"

/* Draws one row of the grid: code, wrapped title, and a box per level. The
 * row never splits across pages. */
static void grid_row(struct doc *d, const char *code, const char *title, size_t nbox, int head)
{
	float size = head ? 10 : 9, bw = 38, cw = 48;
	float tw = PAGE_W - 2 * MARGIN - cw - bw * (float)nbox;
	int lines = pdf_wrap(d, head ? d->bold : d->regular, size, MARGIN + cw + 4, tw - 8, title, 0);
	float h = (float)lines * size * 1.35f + 8;
	pdf_need(d, h);
	float top = d->y;
	if (head) {
		HPDF_Page_SetRGBFill(d->page, 0.89f, 0.89f, 0.99f);
		HPDF_Page_Rectangle(d->page, MARGIN, top - h, PAGE_W - 2 * MARGIN, h);
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	}
	HPDF_Page_SetLineWidth(d->page, 0.5f);
	HPDF_Page_SetRGBStroke(d->page, 0.45f, 0.45f, 0.45f);
	HPDF_Page_Rectangle(d->page, MARGIN, top - h, PAGE_W - 2 * MARGIN, h);
	HPDF_Page_Stroke(d->page);
	for (size_t i = 0; !head && i < nbox; i++) {
		float x = PAGE_W - MARGIN - bw * (float)(nbox - i);
		HPDF_Page_Rectangle(d->page, x + bw / 2 - 6, top - h / 2 - 6, 12, 12);
	}
	if (!head && nbox)
		HPDF_Page_Stroke(d->page);
	HPDF_Page_BeginText(d->page);
	pdf_show(d, d->page, d->bold, size, MARGIN + 4, top - 4 - size, code);
	HPDF_Page_EndText(d->page);
	d->y = top - 4;
	pdf_wrap(d, head ? d->bold : d->regular, size, MARGIN + cw + 4, tw - 8, title, 1);
	d->y = top - h;
}

/* The column headings: the référentiel's scale, or three generic steps. */
static void grid_head(struct doc *d, const struct referentiel *r, const char *const *steps, size_t n)
{
	float bw = 38;
	pdf_need(d, 40);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, 8);
	HPDF_Page_TextOut(d->page, MARGIN, d->y - 10, "Code");
	pdf_show_next(d, d->page, d->bold, 8, MARGIN + 52, d->y - 10, r->lib_competence);
	for (size_t i = 0; i < n; i++) {
		float x = PAGE_W - MARGIN - bw * (float)(n - i);
		const char *t = pdf_enc(d, steps[i]);
		pdf_set_font(d->page, pdf_twin(d, d->bold), 8);
		float w = HPDF_Page_TextWidth(d->page, t);
		HPDF_Page_TextOut(d->page, x + (bw - w) / 2, d->y - 10, t);
	}
	HPDF_Page_EndText(d->page);
	d->y -= 16;
}

static void correspondences(struct doc *d, const struct site *s, const struct referentiel *r, struct buf *b)
{
	static const char *const types[] = { "équivalente", "partielle", "contribue" };
	for (size_t k = 0; k < s->n_correspondances; k++) {
		const struct correspondance *c = s->correspondances[k];
		if (!c->de || !c->vers || (c->de != r && c->vers != r))
			continue;
		buf_reset(b);
		buf_printf(b, "Correspondance : de %s vers %s", c->de->titre_court, c->vers->titre_court);
		pdf_heading(d, 13, b->data);
		pdf_para(d, d->italic, 9, c->source);
		for (size_t i = 0; i < c->n_liens; i++) {
			const struct corr_link *l = &c->liens[i];
			buf_reset(b);
			for (size_t v = 0; v < l->vers.n; v++)
				buf_printf(b, "%s%s", v ? ", " : "", l->vers.v[v].s);
			buf_printf(b, " (%s%s%s)", types[l->type], l->niveau_de.s ? ", à partir de " : "",
			    l->niveau_de.s ? l->niveau_de.s : "");
			pdf_field(d, l->de.s, b->data);
		}
	}
}

int card(const struct site *s, const struct referentiel *r, struct publish *p, struct buf *b,
    struct diags *dg)
{
	static const char *const generic[] = { "Non acquis", "En cours", "Acquis" };
	const char *steps[16];
	size_t n = 0;
	struct doc d;
	int rc = -1;
	if (pdf_open_doc(&d, dg) < 0)
		goto out;
	d.src = r->file;
	d.site = s;
	for (size_t i = 0; i < r->echelle.n && n < 16; i++)
		steps[n++] = r->echelle.v[i].code;
	for (size_t i = 0; n == 0 && i < 3; i++)
		steps[i] = generic[i];
	if (!n)
		n = 3;
	pdf_info(&d, r->titre, s->titre, "Grille de positionnement et correspondances", s->last_update);
	buf_reset(b);
	buf_printf(b, "%s – %s", s->titre, r->editeur ? r->editeur : r->titre_court);
	d.footer = xstrdup(b->data);
	struct buf path = BUF_INIT;
	buf_reset(b);
	buf_printf(b, "%s%s", s->base_url, path_ref_page(&path, r));
	char *url = xstrdup(b->data);
	d.url = url;
	pdf_new_page(&d);
	pdf_para(&d, d.bold, 16, r->titre);
	buf_reset(b);
	buf_printf(b, "Grille de positionnement – %zu %s%s, %zu %s%s%s%s", r->n_domaines, r->lib_domaine,
	    r->n_domaines > 1 ? "s" : "", r->n_competences, r->lib_competence, r->n_competences > 1 ? "s" : "",
	    r->version ? " – version " : "", r->version ? r->version : "");
	pdf_para(&d, d.regular, 10, b->data);
	d.y -= 6;
	pdf_para(&d, d.regular, 10, "Personne : _________________________    Date : ____________    Formateur·rice : __________________");
	d.y -= 8;
	for (size_t i = 0; i < r->echelle.n; i++) {
		buf_reset(b);
		buf_printf(b, "%s : %s", r->echelle.v[i].code, r->echelle.v[i].titre);
		pdf_para(&d, d.regular, 8, b->data);
	}
	d.y -= 6;
	grid_head(&d, r, steps, n);
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *dom = &r->domaines[i];
		buf_reset(b);
		buf_printf(b, "%s %s – %s", r->lib_domaine, dom->code, dom->titre);
		grid_row(&d, "", b->data, n, 1);
		for (size_t k = 0; k < dom->n_children; k++)
			grid_row(&d, dom->children[k].code, dom->children[k].titre, n, 0);
	}
	correspondences(&d, s, r, b);
	pdf_footers(&d);
	buf_reset(b);
	rc = pdf_save(&d, p, path_ref_doc(&path, r, PATH_PDF), b);
	buf_release(&path);
	free(url);
out:
	pdf_close_doc(&d);
	return rc;
}
