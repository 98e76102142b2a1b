/*
 * A cartography's workbook, of the region or of one département: its offer
 * x lieu rows in model order, then a summary of rows per département x
 * type.
 */
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "../../data/index.h"
#include "../cache.h"
#include "xlsx_int.h"

static const struct col carto_tail[] = {
	{ "Contact", "Personne ou service à contacter pour l'offre (sinon l'accueil de l'organisme)" },
	{ "Téléphone", "Téléphone du contact" },
	{ "Courriel", "Courriel du contact" },
	{ "Page de l'offre", "Adresse de l'offre sur le site (un lien ; du texte dans un classeur de plus de 10 000 lignes)" },
	{ "Fiche PDF", "Fiche à imprimer de l'organisme (un lien ; du texte dans un classeur de plus de 10 000 lignes)" },
	{ "Mise à jour", "Date de la dernière mise à jour de la fiche de l'organisme (date)" },
};

static const struct col nature_col[] = {
	{ "Nature de l'organisme", "Association, organisme de formation, centre social…" },
};

static const struct col dep_col[] = {
	{ "Département", "Département où se trouvent les lieux" },
};

static const struct col total_col[] = {
	{ "Toutes les offres", "Lignes (offre × lieu) du département, chacune comptée une fois" },
};

/* The offer types of a view: its selection, or every type of the site. */
struct view_types {
	const char **code;
	struct col *cols;		/* one "Oui/Non" column per type */
	size_t n;
};

static void view_types_init(struct view_types *vt, const struct site *s, const struct cartographie *c)
{
	vt->n = c->sel_types.n ? c->sel_types.n : s->vocab.types_offre.n;
	vt->code = xcalloc(vt->n + 1, sizeof(*vt->code));
	vt->cols = xcalloc(vt->n + 1, sizeof(*vt->cols));
	for (size_t i = 0; i < vt->n; i++) {
		struct buf m = BUF_INIT;
		vt->code[i] = c->sel_types.n ? c->sel_types.v[i].s : s->vocab.types_offre.v[i].code;
		vt->cols[i].head = vocab_label(&s->vocab.types_offre, vt->code[i]);
		buf_printf(&m, "Oui si l'offre est du type « %s » (une offre peut avoir plusieurs types) ; dans la synthèse, le nombre de lignes de ce type",
		    vt->cols[i].head);
		vt->cols[i].meaning = buf_detach(&m, NULL);
	}
}

static void view_types_free(struct view_types *vt)
{
	for (size_t i = 0; i < vt->n; i++)
		free((char *)vt->cols[i].meaning);
	free(vt->code);
	free(vt->cols);
}

static int has_type(const struct offre *o, const char *code)
{
	for (size_t i = 0; i < o->types.n; i++)
		if (strcmp(o->types.v[i].s, code) == 0)
			return 1;
	return 0;
}

/* Whether département d has rows in the view (dep: the one département). */
static int dep_in_view(const struct cartographie *c, const char *dep, const char *code)
{
	if (dep)
		return strcmp(dep, code) == 0;
	if (!c->sel_departements.n)
		return 1;
	for (size_t i = 0; i < c->sel_departements.n; i++)
		if (strcmp(c->sel_departements.v[i].s, code) == 0)
			return 1;
	return 0;
}

/* One offer × lieu row. */
static void carto_row(struct sheet *sh, const struct view_types *vt, const struct offre *o,
    const struct lieu *l)
{
	struct book *bk = sh->bk;
	const struct site *s = bk->s;
	if (xlsx_row_next(sh) < 0)
		return;
	xlsx_row_source(bk, o->org, o->line, o->col);
	xlsx_put_org(sh, 0, o->org);
	xlsx_put_text(sh, 2, vocab_label(&s->vocab.natures, o->org->nature.s));
	lxw_col_t c = 3;
	xlsx_put_offre(sh, c, o);
	c += xlsx_n_offre;
	for (size_t t = 0; t < vt->n; t++)
		xlsx_put_text(sh, c++, has_type(o, vt->code[t]) ? "Oui" : "Non");
	xlsx_put_lieu(sh, c, l);
	c += xlsx_n_lieu;
	const struct contact *ct = offre_contact(o);
	xlsx_put_text(sh, c++, ct ? ct->nom : NULL);
	xlsx_put_text(sh, c++, ct ? ct->telephone : NULL);
	xlsx_put_text(sh, c++, ct ? ct->courriel.s : NULL);
	buf_reset(&bk->list);
	path_org_page(&bk->list, o->org);
	buf_printf(&bk->list, "#offre-%s", o->id.s);
	xlsx_put_url(sh, c++, xlsx_page_url(bk, bk->list.data));
	xlsx_put_url(sh, c++, xlsx_page_url(bk, path_org_pdf(&bk->list, o->org)));
	xlsx_put_date(sh, c, o->org->mise_a_jour);
}

/* counts[d * (n + 1) + t] counts the n rows r by département and type, for
 * the summary (without writing them: a piece put back is not read). An
 * offer's rows (one a lieu) come one after the other: its types are looked
 * up once, not a row (each of the view's types compared with each of the
 * row's was most of a rename's count: perf). */
static void carto_count(const struct site *s, const struct view_types *vt, const struct rowref *r,
    size_t n, size_t *counts)
{
	const char *dep = NULL;	/* the last row's, found at d */
	size_t d = 0, nd = s->geo.n_departements;
	const struct offre *o = NULL;	/* the last row's, of types at[0..na) */
	size_t *at = xcalloc(vt->n + 1, sizeof(*at)), na = 0;
	for (size_t i = 0; i < n; i++) {
		if (!dep || strcmp(r[i].l->dep, dep) != 0)
			for (dep = r[i].l->dep, d = 0; d < nd && strcmp(s->geo.departements[d].code, dep) != 0; d++)
				;
		if (d == nd)
			continue;
		if (r[i].o != o) {
			o = r[i].o;
			na = 0;
			for (size_t t = 0; t < vt->n; t++)
				if (has_type(o, vt->code[t]))
					at[na++] = t;
		}
		size_t *row = counts + d * (vt->n + 1);
		for (size_t t = 0; t < na; t++)
			row[at[t]]++;
		row[vt->n]++;
	}
	free(at);
}

/* The end of the group of rows that starts at i (xlsx_int.h, "Rows in
 * pieces"): the rows of consecutive organisations. */
static size_t group_end(const struct rowref *r, size_t i, size_t n)
{
	while (++i < n)
		if (r[i].o->org != r[i - 1].o->org && xlsx_group_ends(r[i - 1].o->org))
			break;
	return i;
}

/* The rows r of the sheet Offres, in pieces: with links in a small view. */
static void carto_rows(struct sheet *sh, const struct view_types *vt, const struct rowref *r, size_t n)
{
	if (n * 2 <= LINK_BUDGET)
		sh->link_budget = LINK_BUDGET;
	xlsx_rows_start(sh);
	for (size_t i = 0, end; i < n; i = end) {
		end = group_end(r, i, n);
		struct digest_ctx *k = xlsx_piece_key(sh);
		if (k)
			cache_key_rows(k, r + i, end - i);
		if (xlsx_piece_begin(sh, k) == 1)
			continue;
		for (size_t m = i; m < end; m++)
			carto_row(sh, vt, r[m].o, r[m].l);
		xlsx_piece_end(sh);
	}
}

/* The summary: rows per département × type as numbers (not formulas, so
 * every reader sees the values) and a column chart of them. */
static void carto_summary(struct book *bk, const struct cartographie *c, const char *dep,
    const struct view_types *vt, const size_t *counts)
{
	const struct site *s = bk->s;
	struct sheet *sh = xlsx_sheet_new(bk, "Synthèse");
	if (!sh)
		return;
	xlsx_sheet_cols(sh, dep_col, 1);
	xlsx_sheet_cols(sh, vt->cols, vt->n);
	xlsx_sheet_cols(sh, total_col, 1);
	size_t *total = xcalloc(vt->n + 1, sizeof(*total));
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		if (!dep_in_view(c, dep, s->geo.departements[d].code) || xlsx_row_next(sh) < 0)
			continue;
		buf_reset(&bk->list);
		buf_printf(&bk->list, "%s (%s)", s->geo.departements[d].nom, s->geo.departements[d].code);
		xlsx_put_text(sh, 0, bk->list.data);
		for (size_t t = 0; t <= vt->n; t++) {
			xlsx_put_num(sh, (lxw_col_t)(t + 1), (double)counts[d * (vt->n + 1) + t], NULL);
			total[t] += counts[d * (vt->n + 1) + t];
		}
	}
	lxw_row_t last = sh->row;
	if (!dep && xlsx_row_next(sh) == 0) {
		xlsx_put_text(sh, 0, "Total");
		for (size_t t = 0; t <= vt->n; t++)
			xlsx_put_num(sh, (lxw_col_t)(t + 1), (double)total[t], NULL);
	}
	free(total);
	xlsx_sheet_end(sh, 0);
	xlsx_cell(bk, sh->ws, sh->name, sh->row + 2, 0,
	    "Chaque ligne de la feuille Offres est une offre dans un lieu. Une offre de plusieurs types compte dans chacun de ses types ; « Toutes les offres » la compte une fois.",
	    NULL);
	if (last < 1)
		return;
	lxw_chart *ch = workbook_add_chart(bk->wb, LXW_CHART_COLUMN);
	if (!ch) {
		xlsx_fail(bk, "libxlsxwriter cannot add the chart of the sheet %s", sh->name);
		return;
	}
	for (size_t t = 0; t < vt->n; t++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
		if (!se) {
			xlsx_fail(bk, "libxlsxwriter cannot add a series to the chart of the sheet %s", sh->name);
			return;
		}
		chart_series_set_categories(se, sh->name, 1, 0, last, 0);
		chart_series_set_values(se, sh->name, 1, (lxw_col_t)(t + 1), last, (lxw_col_t)(t + 1));
		chart_series_set_name_range(se, sh->name, 0, (lxw_col_t)(t + 1));
	}
	chart_title_set_name(ch, "Offres × lieux par département et type");
	chart_axis_set_name(ch->y_axis, "Nombre de lignes");
	lxw_chart_options co = { .x_scale = 2, .y_scale = 1.5 };
	xlsx_ok(bk, worksheet_insert_chart_opt(sh->ws, sh->row + 4, 0, ch, &co));
}

int carto_book(const struct site *s, const struct cartographie *c, const char *dep,
    struct publish *p, struct cache *cache, struct diags *d, const struct build_opts *o, size_t *rows)
{
	struct book bk;
	struct buf rel = BUF_INIT, title = BUF_INIT;
	path_carto_doc(&rel, c, dep, PATH_XLSX);
	buf_printf(&title, "%s%s%s", c->titre, dep ? " – " : "", dep ? geo_dep_name(&s->geo, dep) : "");
	int rc = xlsx_book_open(&bk, s, p, cache, rel.data, title.data, d, o);
	struct view_types vt;
	view_types_init(&vt, s, c);
	size_t *counts = xcalloc((s->geo.n_departements + 1) * (vt.n + 1), sizeof(*counts));
	struct sheet *sh = rc == 0 ? xlsx_sheet_new(&bk, "Offres") : NULL;
	if (sh) {
		xlsx_sheet_cols(sh, xlsx_org_cols, 2);
		xlsx_sheet_cols(sh, nature_col, 1);
		xlsx_sheet_cols(sh, xlsx_offre_cols, xlsx_n_offre);
		xlsx_sheet_cols(sh, vt.cols, vt.n);
		xlsx_sheet_cols(sh, xlsx_lieu_cols, xlsx_n_lieu);
		xlsx_sheet_cols(sh, carto_tail, sizeof(carto_tail) / sizeof(carto_tail[0]));
		size_t n;
		const struct rowref *r = index_rows(s, c, dep, &n);
		carto_rows(sh, &vt, r, n);
		carto_count(s, &vt, r, n < bk.max_rows ? n : bk.max_rows, counts);
		xlsx_sheet_end(sh, 1);
		carto_summary(&bk, c, dep, &vt, counts);
		xlsx_readme(&bk, title.data,
		    "Une ligne par offre et par lieu où elle a lieu. Pour compter, filtrez les colonnes Département et le type voulu (Oui) : le nombre de lignes est celui de la feuille Synthèse.");
	}
	*rows += bk.rows;
	if (xlsx_book_close(&bk) < 0)
		rc = -1;
	free(counts);
	view_types_free(&vt);
	buf_release(&rel);
	buf_release(&title);
	return rc;
}
