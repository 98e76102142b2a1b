/*
 * A référentiel's workbook: its domains, competences and criteria, and its
 * correspondences with the other référentiels in both directions.
 */
#include "xlsx_int.h"

static const struct col dom_sheet[] = {
	{ "Code", "Code du domaine" },
	{ "Titre", "Titre du domaine" },
	{ "Compétences", "Nombre de compétences du domaine (nombre)" },
	{ "Critères", "Nombre de critères du domaine (nombre)" },
	{ "Description", "Description (texte en Markdown)" },
};

static const struct col comp_sheet[] = {
	{ "Code du domaine", "Code du domaine de la compétence (feuille Domaines)" },
	{ "Domaine", "Titre du domaine" },
	{ "Code", "Code de la compétence" },
	{ "Titre", "Titre de la compétence" },
	{ "Critères", "Nombre de critères (nombre)" },
	{ "Offres", "Nombre d'offres publiées qui la développent (nombre)" },
	{ "Correspond à", "Codes d'autres référentiels qui lui correspondent (référentiel:code), séparés par « ; »" },
	{ "Description", "Description (texte en Markdown)" },
};

static const struct col crit_sheet[] = {
	{ "Code du domaine", "Code du domaine (feuille Domaines)" },
	{ "Code de la compétence", "Code de la compétence (feuille Compétences)" },
	{ "Compétence", "Titre de la compétence" },
	{ "Code", "Code du critère" },
	{ "Libellé", "Libellé du critère" },
	{ "Niveau", "Niveau de l'échelle du référentiel" },
};

static const struct col corr_sheet[] = {
	{ "Sens", "« depuis » : ce référentiel vers un autre ; « vers » : un autre vers celui-ci" },
	{ "Référentiel de départ", "Référentiel du code de départ" },
	{ "Code de départ", "Compétence ou critère de départ" },
	{ "Intitulé de départ", "Son titre" },
	{ "Référentiel d'arrivée", "Référentiel du code d'arrivée" },
	{ "Code d'arrivée", "Compétence ou critère d'arrivée" },
	{ "Intitulé d'arrivée", "Son titre" },
	{ "Type", "Équivalente, partielle, ou contribue" },
	{ "Niveau de départ", "Niveau de l'échelle de départ concerné" },
	{ "Note", "Précision (texte en Markdown)" },
	{ "Source", "Provenance de la correspondance" },
};

static size_t n_criteres(const struct ref_entry *dom)
{
	size_t n = 0;
	for (size_t i = 0; i < dom->n_children; i++)
		n += dom->children[i].n_children;
	return n;
}

static void ref_entries(struct book *bk, const struct referentiel *r)
{
	struct sheet *dom = xlsx_sheet_new(bk, "Domaines"), *comp = xlsx_sheet_new(bk, "Compétences"),
	    *crit = xlsx_sheet_new(bk, "Critères");
	if (!dom || !comp || !crit)
		return;
	xlsx_sheet_cols(dom, dom_sheet, sizeof(dom_sheet) / sizeof(dom_sheet[0]));
	xlsx_sheet_cols(comp, comp_sheet, sizeof(comp_sheet) / sizeof(comp_sheet[0]));
	xlsx_sheet_cols(crit, crit_sheet, sizeof(crit_sheet) / sizeof(crit_sheet[0]));
	bk->src_file = r->file;
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *d = &r->domaines[i];
		if (xlsx_row_next(dom) == 0) {
			xlsx_put_text(dom, 0, d->code);
			xlsx_put_text(dom, 1, d->titre);
			xlsx_put_count(dom, 2, (long)d->n_children);
			xlsx_put_count(dom, 3, (long)n_criteres(d));
			xlsx_put_markdown(dom, 4, d->description, &d->description_at);
		}
		for (size_t k = 0; k < d->n_children && xlsx_row_next(comp) == 0; k++) {
			const struct ref_entry *c = &d->children[k];
			bk->src_line = c->line;
			bk->src_col = c->col;
			xlsx_put_text(comp, 0, d->code);
			xlsx_put_text(comp, 1, d->titre);
			xlsx_put_text(comp, 2, c->code);
			xlsx_put_text(comp, 3, c->titre);
			xlsx_put_count(comp, 4, (long)c->n_children);
			xlsx_put_count(comp, 5, (long)c->n_offres);
			buf_reset(&bk->list);
			bk->list_said = 0;
			for (size_t u = 0; u < c->n_out; u++)
				for (size_t v = 0; v < c->out[u].link->vers.n; v++) {
					buf_printf(&bk->list, "%s%s:%s", bk->list.len ? "; " : "",
					    c->out[u].corr->vers->id, c->out[u].link->vers.v[v].s);
					bk->list_said |= xlsx_said(c->out[u].link->vers.v[v].s);
				}
			xlsx_put_list(comp, 6, bk->list.data);
			xlsx_put_markdown(comp, 7, c->description, &c->description_at);
			for (size_t m = 0; m < c->n_children && xlsx_row_next(crit) == 0; m++) {
				xlsx_put_text(crit, 0, d->code);
				xlsx_put_text(crit, 1, c->code);
				xlsx_put_text(crit, 2, c->titre);
				xlsx_put_text(crit, 3, c->children[m].code);
				xlsx_put_text(crit, 4, c->children[m].titre);
				xlsx_put_text(crit, 5, c->children[m].niveau.s);
			}
		}
	}
	xlsx_sheet_end(dom, 1);
	xlsx_sheet_end(comp, 1);
	xlsx_sheet_end(crit, 1);
}

static const char *entry_title(const struct referentiel *r, const char *code)
{
	const struct ref_entry *e = strmap_get(&r->by_code, code);
	return e ? e->titre : NULL;
}

/* One row per link and arrival code, in both directions. */
static void ref_corrs(struct book *bk, const struct referentiel *r)
{
	static const char *const types[] = { "Équivalente", "Partielle", "Contribue" };
	const struct site *s = bk->s;
	struct sheet *sh = xlsx_sheet_new(bk, "Correspondances");
	if (!sh)
		return;
	xlsx_sheet_cols(sh, corr_sheet, sizeof(corr_sheet) / sizeof(corr_sheet[0]));
	for (size_t i = 0; i < s->n_correspondances; i++) {
		const struct correspondance *co = s->correspondances[i];
		if (co->de != r && co->vers != r)
			continue;
		bk->src_file = co->file;
		for (size_t k = 0; k < co->n_liens; k++) {
			const struct corr_link *l = &co->liens[k];
			bk->src_line = l->line;
			bk->src_col = l->col;
			for (size_t v = 0; v < l->vers.n && xlsx_row_next(sh) == 0; v++) {
				xlsx_put_text(sh, 0, co->de == r ? "depuis" : "vers");
				xlsx_put_text(sh, 1, co->de->titre_court ? co->de->titre_court : co->de->id);
				xlsx_put_text(sh, 2, l->de.s);
				xlsx_put_text(sh, 3, entry_title(co->de, l->de.s));
				xlsx_put_text(sh, 4, co->vers->titre_court ? co->vers->titre_court : co->vers->id);
				xlsx_put_text(sh, 5, l->vers.v[v].s);
				xlsx_put_text(sh, 6, entry_title(co->vers, l->vers.v[v].s));
				xlsx_put_text(sh, 7, types[l->type]);
				xlsx_put_text(sh, 8, l->niveau_de.s);
				xlsx_put_markdown(sh, 9, l->note, &l->note_at);
				xlsx_put_text(sh, 10, co->source);
			}
		}
	}
	xlsx_sheet_end(sh, 1);
}

int ref_book(const struct site *s, const struct referentiel *r, struct publish *p,
    struct diags *d, const struct build_opts *o, size_t *rows)
{
	struct book bk;
	struct buf rel = BUF_INIT, note = BUF_INIT;
	path_ref_doc(&rel, r, PATH_XLSX);
	int rc = xlsx_book_open(&bk, s, p, NULL, rel.data, r->titre, d, o);
	if (rc == 0) {
		ref_entries(&bk, r);
		ref_corrs(&bk, r);
		buf_printf(&note, "Ce référentiel nomme ses domaines « %s », ses compétences « %s » et ses critères « %s ».%s%s%s%s",
		    r->lib_domaine ? r->lib_domaine : "Domaine", r->lib_competence ? r->lib_competence : "Compétence",
		    r->lib_critere ? r->lib_critere : "Critère", r->version ? " Version " : "", r->version ? r->version : "",
		    r->editeur ? ", " : "", r->editeur ? r->editeur : "");
		xlsx_readme(&bk, r->titre, note.data);
	}
	*rows += bk.rows;
	if (xlsx_book_close(&bk) < 0)
		rc = -1;
	buf_release(&rel);
	buf_release(&note);
	return rc;
}
