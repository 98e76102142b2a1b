/*
 * Spreadsheet extracts. Every workbook is written in libxlsxwriter's
 * constant-memory mode: rows go to a temporary file as soon as the next row
 * starts, so memory does not grow with the data, and every sheet is filled top
 * to bottom in one pass. Column widths are measured while writing and set at
 * the end (the library keeps column settings until it closes the file).
 * Text always goes through worksheet_write_string, which never makes a
 * formula, so a name starting with '=' stays a name. The creation date is the
 * data's, never the clock, so the same input gives the same bytes.
 * Start at xlsx_render, then carto_book, directory_book and ref_book.
 */
#include "xlsx.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../data/index.h"
#include "../data/model.h"
#include "opendata.h"
#include "publish.h"

#define MAX_WIDTH 60		/* wider columns would hide their neighbours */
/* libxlsxwriter keeps about 2.5 KB per hyperlink until it closes the file
 * (65,530 links, its most in a sheet, took 180 MB when measured), so a sheet
 * gets links only when all its rows fit in this budget: every row then has
 * its links, and a larger sheet has its addresses as text in every row. */
#define LINK_BUDGET 20000
#define MAX_URL 2079		/* longest hyperlink it accepts */
#define MAX_TEXT 32767		/* characters in one cell */
#define MAX_SHEETS 8

/* A column: its header, and what it holds for the "Lisez-moi" sheet. */
struct col {
	const char *head, *meaning;
};

struct book;

/* A sheet being filled top to bottom. */
struct sheet {
	struct book *bk;
	lxw_worksheet *ws;
	const char *name;
	lxw_row_t row;			/* the row being written; 0 is the header */
	lxw_col_t ncol;
	const struct col **cols;	/* ncol of them, and their widths */
	double *width;
	size_t cap;
	size_t links, link_budget;	/* hyperlinks written, and allowed */
	int full;			/* the row limit was reached */
};

/* A workbook being written. src_* name the content behind the row being
 * written, so that a warning points at the file to fix. */
struct book {
	const struct site *s;
	lxw_workbook *wb;
	const char *rel;		/* xlsx/…, inside the published folder */
	lxw_format *head, *date, *money, *coord, *link, *title, *wrap;
	struct diags *d;
	const char *src_file;
	uint32_t src_line, src_col;
	lxw_row_t max_rows;		/* data rows a sheet may hold */
	size_t rows;
	struct buf cut, list, scratch;
	struct sheet sheets[MAX_SHEETS];
	size_t n_sheets;
	int failed;
};

static const char *label(const struct vocab_list *l, const char *code)
{
	const struct term *t = code ? strmap_get(&l->by_code, code) : NULL;
	return t ? t->libelle : code;
}

static void book_warn(struct book *bk, const char *file, uint32_t line, uint32_t col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void book_warn(struct book *bk, const char *file, uint32_t line, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;
	buf_reset(&bk->scratch);
	va_start(ap, fmt);
	buf_vprintf(&bk->scratch, fmt, ap);
	va_end(ap);
	diag_add(bk->d, file, line, col, DIAG_WARNING, "%s", bk->scratch.data);
}

/* ---- cells ---- */

static void widen(struct sheet *sh, lxw_col_t c, size_t chars)
{
	assert(c < sh->ncol);
	double w = (double)chars + 2;
	if (w > MAX_WIDTH)
		w = MAX_WIDTH;
	if (w > sh->width[c])
		sh->width[c] = w;
}

/* Byte offset of the character that follows the first chars characters. */
static size_t cut_at(const char *s, size_t chars)
{
	size_t i = 0;
	for (size_t k = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && k++ == chars)
			break;
	return i;
}

/* Empty and absent values leave the cell blank, which every filter shows as
 * "(vides)". Trailing line breaks (Markdown blocks end with one) would make
 * the row taller for nothing, so they go. */
static void put_text(struct sheet *sh, lxw_col_t c, const char *s)
{
	struct book *bk = sh->bk;
	size_t len = s ? strlen(s) : 0, full = len;
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (!len)
		return;
	if (len < full) {
		buf_reset(&bk->cut);
		buf_add(&bk->cut, s, len);
		s = bk->cut.data;
	}
	size_t n = utf8_len(s);
	if (n > MAX_TEXT) {
		char cell[16];
		lxw_rowcol_to_cell(cell, sh->row, c);
		book_warn(bk, bk->src_file, bk->src_line, bk->src_col,
		    "%s: sheet %s, cell %s (%s): text of %zu characters cut to 32,767, the most a spreadsheet cell holds",
		    bk->rel, sh->name, cell, sh->cols[c]->head, n);
		len = cut_at(s, MAX_TEXT);
		if (s != bk->cut.data) {
			buf_reset(&bk->cut);
			buf_add(&bk->cut, s, len);
		}
		buf_truncate(&bk->cut, len);
		s = bk->cut.data;
		n = MAX_TEXT;
	}
	worksheet_write_string(sh->ws, sh->row, c, s, NULL);
	widen(sh, c, n);
}

static void put_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f)
{
	char t[32];
	worksheet_write_number(sh->ws, sh->row, c, v, f);
	widen(sh, c, (size_t)snprintf(t, sizeof(t), f ? "%.2f  " : "%g", v));
}

/* Counts and other whole numbers; negative means unknown. */
static void put_count(struct sheet *sh, lxw_col_t c, long v)
{
	if (v >= 0)
		put_num(sh, c, (double)v, NULL);
}

static void put_date(struct sheet *sh, lxw_col_t c, int ymd)
{
	if (!ymd)
		return;
	lxw_datetime dt = { ymd / 10000, ymd / 100 % 100, ymd % 100, 0, 0, 0 };
	worksheet_write_datetime(sh->ws, sh->row, c, &dt, sh->bk->date);
	widen(sh, c, 10);
}

static void put_tri(struct sheet *sh, lxw_col_t c, enum tri t)
{
	put_text(sh, c, t == TRI_TRUE ? "Oui" : t == TRI_FALSE ? "Non" : NULL);
}

/* A clickable address when the sheet has links, else the same address as
 * text (the library would leave the cell empty past its limit). */
static void put_url(struct sheet *sh, lxw_col_t c, const char *url)
{
	if (!url || !*url)
		return;
	if (sh->links < sh->link_budget && strlen(url) <= MAX_URL &&
	    worksheet_write_url(sh->ws, sh->row, c, url, sh->bk->link) == LXW_NO_ERROR) {
		sh->links++;
		widen(sh, c, utf8_len(url));
		return;
	}
	put_text(sh, c, url);
}

/* ---- sheets ---- */

static struct sheet *sheet_new(struct book *bk, const char *name)
{
	if (bk->n_sheets == MAX_SHEETS)
		return NULL;
	struct sheet *sh = &bk->sheets[bk->n_sheets];
	memset(sh, 0, sizeof(*sh));
	sh->bk = bk;
	sh->name = name;
	sh->ws = workbook_add_worksheet(bk->wb, name);
	if (!sh->ws) {
		fprintf(stderr, "carto: %s: cannot add the sheet %s\n", bk->rel, name);
		bk->failed = 1;
		return NULL;
	}
	bk->n_sheets++;
	return sh;
}

/* Appends columns and writes their headers on row 0. */
static void sheet_cols(struct sheet *sh, const struct col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++, sh->ncol++) {
		size_t cap = sh->cap;
		sh->cols = xgrow(sh->cols, &sh->cap, (size_t)sh->ncol + 1, sizeof(*sh->cols));
		sh->width = xgrow(sh->width, &cap, (size_t)sh->ncol + 1, sizeof(*sh->width));
		sh->cols[sh->ncol] = &cols[i];
		sh->width[sh->ncol] = 0;
		worksheet_write_string(sh->ws, 0, sh->ncol, cols[i].head, sh->bk->head);
	}
	for (lxw_col_t c = sh->ncol - (lxw_col_t)n; c < sh->ncol; c++)
		widen(sh, c, utf8_len(sh->cols[c]->head) + 2);	/* room for the filter button */
}

/* Starts the next data row; returns -1 (once with a warning) when the sheet
 * is full, and the caller leaves the row out. */
static int row_next(struct sheet *sh)
{
	if (sh->full)
		return -1;
	if (sh->row >= sh->bk->max_rows) {
		sh->full = 1;
		book_warn(sh->bk, sh->bk->rel, 0, 0,
		    "sheet %s holds %u rows, the most a spreadsheet allows: the other rows are left out (the CSV extract has them all)",
		    sh->name, (unsigned)sh->bk->max_rows);
		return -1;
	}
	sh->row++;
	sh->bk->rows++;
	return 0;
}

/* Column widths, a frozen header and, for lists, an autofilter over every row. */
static void sheet_end(struct sheet *sh, int filter)
{
	for (lxw_col_t c = 0; c < sh->ncol; c++)
		worksheet_set_column(sh->ws, c, c, sh->width[c], NULL);
	worksheet_freeze_panes(sh->ws, 1, 0);
	if (filter && sh->ncol)
		worksheet_autofilter(sh->ws, 0, 0, sh->row, (lxw_col_t)(sh->ncol - 1));
}

/* ---- workbooks ---- */

/* The cell formats every workbook uses. */
static void book_formats(struct book *bk)
{
	bk->head = workbook_add_format(bk->wb);
	format_set_bold(bk->head);
	format_set_font_color(bk->head, LXW_COLOR_WHITE);
	format_set_bg_color(bk->head, 0x1F4E79);
	format_set_text_wrap(bk->head);
	format_set_align(bk->head, LXW_ALIGN_VERTICAL_TOP);
	bk->date = workbook_add_format(bk->wb);
	format_set_num_format(bk->date, "dd/mm/yyyy");
	bk->money = workbook_add_format(bk->wb);
	format_set_num_format(bk->money, "#,##0.00 \"€\"");
	bk->coord = workbook_add_format(bk->wb);
	format_set_num_format(bk->coord, "0.00000");
	bk->link = workbook_add_format(bk->wb);
	format_set_font_color(bk->link, LXW_COLOR_BLUE);
	format_set_underline(bk->link, LXW_UNDERLINE_SINGLE);
	bk->title = workbook_add_format(bk->wb);
	format_set_bold(bk->title);
	format_set_font_size(bk->title, 14);
	bk->wrap = workbook_add_format(bk->wb);
	format_set_text_wrap(bk->wrap);
	format_set_align(bk->wrap, LXW_ALIGN_VERTICAL_TOP);
}

static int book_open(struct book *bk, const struct site *s, struct publish *p,
    const char *rel, const char *title, struct diags *d)
{
	struct buf path = BUF_INIT;
	memset(bk, 0, sizeof(*bk));
	bk->s = s;
	bk->rel = rel;
	bk->d = d;
	bk->cut = bk->list = bk->scratch = (struct buf)BUF_INIT;
	bk->max_rows = LXW_ROW_MAX - 1;
	const char *limit = getenv("CARTO_TEST_XLSX_ROWS");	/* lets the tests reach the limit */
	if (limit && atol(limit) > 0 && atol(limit) < (long)bk->max_rows)
		bk->max_rows = (lxw_row_t)atol(limit);
	if (publish_prepare(p, rel, &path) < 0) {
		fprintf(stderr, "carto: cannot write %s: %s\n", rel, strerror(errno));
		buf_release(&path);
		return -1;
	}
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	bk->wb = workbook_new_opt(path.data, &o);
	buf_release(&path);
	if (!bk->wb) {
		fprintf(stderr, "carto: cannot create %s\n", rel);
		return -1;
	}
	int ymd = s->last_update ? s->last_update : 19800101;
	/* The library takes char * but only copies the strings. */
	lxw_doc_properties props = {
		.title = (char *)title, .author = (char *)s->titre, .company = (char *)s->titre,
		.comments = (char *)"Extrait publié par carto",
		.created = (time_t)civil_days(ymd) * 86400,	/* midnight UTC: no time zone */
	};
	workbook_set_properties(bk->wb, &props);
	book_formats(bk);
	return 0;
}

/* Closes (writes) the workbook; returns 0 or -1 with the reason printed. */
static int book_close(struct book *bk)
{
	int rc = bk->failed ? -1 : 0;
	if (bk->wb) {
		lxw_error e = workbook_close(bk->wb);
		if (e != LXW_NO_ERROR) {
			fprintf(stderr, "carto: cannot write %s: %s\n", bk->rel, lxw_strerror(e));
			rc = -1;
		}
	}
	for (size_t i = 0; i < bk->n_sheets; i++) {
		free(bk->sheets[i].cols);
		free(bk->sheets[i].width);
	}
	buf_release(&bk->cut);
	buf_release(&bk->list);
	buf_release(&bk->scratch);
	return rc;
}

/* The "Lisez-moi" sheet, added last: what the workbook is, where the data
 * come from, their date and licence, then every column of every sheet. */
static void readme(struct book *bk, const char *what, const char *extra)
{
	const struct site *s = bk->s;
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "Lisez-moi");
	if (!ws) {
		bk->failed = 1;
		return;
	}
	worksheet_set_column(ws, 0, 0, 26, NULL);
	worksheet_set_column(ws, 1, 1, 34, NULL);
	worksheet_set_column(ws, 2, 2, 100, bk->wrap);
	lxw_row_t r = 0;
	worksheet_write_string(ws, r++, 0, what, bk->title);
	r++;
	worksheet_write_string(ws, r, 0, "Source", NULL);
	buf_reset(&bk->list);
	buf_printf(&bk->list, "%s, à partir des fiches tenues à jour par les organismes", s->titre);
	worksheet_write_string(ws, r++, 1, bk->list.data, NULL);
	worksheet_write_string(ws, r, 0, "Données mises à jour le", NULL);
	if (s->last_update) {
		lxw_datetime dt = { s->last_update / 10000, s->last_update / 100 % 100, s->last_update % 100, 0, 0, 0 };
		worksheet_write_datetime(ws, r, 1, &dt, bk->date);
	}
	r++;
	worksheet_write_string(ws, r, 0, "Licence", NULL);
	if (s->licence && *s->licence)
		worksheet_write_string(ws, r, 1, s->licence, NULL);
	r++;
	worksheet_write_string(ws, r, 0, "Site", NULL);
	if (s->base_url && *s->base_url)
		worksheet_write_string(ws, r, 1, s->base_url, NULL);
	r++;
	if (extra) {
		worksheet_write_string(ws, r, 0, "À savoir", NULL);
		worksheet_write_string(ws, r++, 1, extra, NULL);
	}
	r++;
	worksheet_write_string(ws, r, 0, "Feuille", bk->head);
	worksheet_write_string(ws, r, 1, "Colonne", bk->head);
	worksheet_write_string(ws, r++, 2, "Contenu", bk->head);
	for (size_t i = 0; i < bk->n_sheets; i++)
		for (lxw_col_t c = 0; c < bk->sheets[i].ncol; c++, r++) {
			worksheet_write_string(ws, r, 0, bk->sheets[i].name, NULL);
			worksheet_write_string(ws, r, 1, bk->sheets[i].cols[c]->head, NULL);
			worksheet_write_string(ws, r, 2, bk->sheets[i].cols[c]->meaning, bk->wrap);
		}
}

/* ---- offers, lieux, organisations: column groups shared by the workbooks ---- */

static const struct col org_cols[] = {
	{ "Organisme", "Nom de l'organisme" },
	{ "Identifiant de l'organisme", "Identifiant unique de l'organisme (sa page : organismes/<identifiant>/) ; relie les feuilles entre elles" },
};

static const struct col offre_cols[] = {
	{ "Identifiant de l'offre", "Identifiant de l'offre, unique dans son organisme" },
	{ "Intitulé", "Intitulé de l'offre" },
	{ "Types", "Types d'offre, séparés par « ; »" },
	{ "Parcours", "Parcours : intégration, insertion ou professionnel" },
	{ "Échelle de niveaux", "Échelle des niveaux d'entrée et visé (CECRL, degrés ANLCI…)" },
	{ "Niveau d'entrée minimum", "Niveau le plus bas accepté à l'entrée" },
	{ "Niveau d'entrée maximum", "Niveau le plus haut accepté à l'entrée" },
	{ "Niveau visé", "Niveau visé à la sortie" },
	{ "Écrit requis", "Oui si l'écrit est demandé à l'entrée ; vide si non renseigné" },
	{ "Publics", "Publics visés, séparés par « ; »" },
	{ "Âge minimum", "Âge minimum, en années (nombre)" },
	{ "Financeurs", "Financeurs (codes LHÉO), séparés par « ; »" },
	{ "Conventionnée", "Oui si l'offre est financée par un financeur public" },
	{ "Éligible au CPF", "Oui si l'offre est éligible au compte personnel de formation" },
	{ "Certification", "Certification préparée" },
	{ "Gratuite", "Oui si l'offre est gratuite pour la personne" },
	{ "Coût (€)", "Prix pour la personne, en euros (nombre)" },
	{ "Précisions sur le coût", "Précisions sur le coût (adhésion, prise en charge…)" },
	{ "Enseignement", "Présentiel, mixte ou à distance" },
	{ "Entrées et sorties", "Permanentes, ou à dates fixes" },
	{ "Heures par semaine", "Heures de formation par semaine (nombre)" },
	{ "Durée (semaines)", "Durée en semaines (nombre)" },
	{ "Horaires", "Jours et heures des cours, en clair" },
	{ "Garde d'enfants", "Oui si une garde d'enfants est proposée" },
	{ "Places par groupe", "Places par groupe (nombre)" },
	{ "Sessions", "Nombre de sessions annoncées" },
	{ "Début des sessions", "Date de début de la première session (date)" },
	{ "Fin des sessions", "Date de fin de la dernière session (date)" },
	{ "Recrutement", "Ouvert si une session recrute, sinon suspendu ou fermé ; vide sans session" },
	{ "Places disponibles", "Places disponibles dans les sessions ouvertes (nombre)" },
};
#define N_OFFRE (sizeof(offre_cols) / sizeof(offre_cols[0]))

static const struct col lieu_cols[] = {
	{ "Identifiant du lieu", "Identifiant du lieu, unique dans son organisme" },
	{ "Lieu", "Nom du lieu" },
	{ "Adresse", "Adresse (rue)" },
	{ "Code postal", "Code postal" },
	{ "Commune", "Commune" },
	{ "Code INSEE", "Code officiel de la commune" },
	{ "Département", "Numéro du département" },
	{ "Nom du département", "Nom du département" },
	{ "Latitude", "Latitude WGS84 (nombre)" },
	{ "Longitude", "Longitude WGS84 (nombre)" },
	{ "Position", "« lieu » si les coordonnées sont celles du lieu, « commune » si ce sont celles du centre de la commune" },
	{ "Accès PMR", "Oui si le lieu est accessible en fauteuil roulant ; vide si non renseigné" },
	{ "Transports", "Transports en commun" },
	{ "Horaires d'accueil", "Horaires d'ouverture de l'accueil, en clair" },
};
#define N_LIEU (sizeof(lieu_cols) / sizeof(lieu_cols[0]))

static const char *const ens_fr[] = { NULL, "Présentiel", "Mixte", "À distance" };
static const char *const entrees_fr[] = { NULL, "Permanentes", "Dates fixes" };
static const char *const etat_fr[] = { "Ouvert", "Fermé", "Suspendu" };

static const char *recrutement_fr(const char *code)
{
	return !code ? NULL : !strcmp(code, "ouvert") ? etat_fr[ETAT_OUVERT] :
	    !strcmp(code, "ferme") ? etat_fr[ETAT_FERME] : etat_fr[ETAT_SUSPENDU];
}

/* A list of codes as their labels, "; " between them, in bk->list. */
static const char *joined(struct book *bk, const struct svals *v, const struct vocab_list *l)
{
	buf_reset(&bk->list);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_puts(&bk->list, "; ");
		buf_puts(&bk->list, l ? label(l, v->v[i].s) : v->v[i].s);
	}
	return bk->list.data;
}

static const char *scale_title(const struct site *s, const char *id)
{
	for (size_t i = 0; id && i < s->vocab.n_echelles; i++)
		if (strcmp(s->vocab.echelles[i].id, id) == 0 && s->vocab.echelles[i].titre)
			return s->vocab.echelles[i].titre;
	return id;
}

static const char *dep_name(const struct site *s, const char *code)
{
	for (size_t i = 0; i < s->geo.n_departements; i++)
		if (strcmp(s->geo.departements[i].code, code) == 0)
			return s->geo.departements[i].nom;
	return NULL;
}

static void put_offre(struct sheet *sh, lxw_col_t c, const struct offre *o)
{
	struct book *bk = sh->bk;
	const struct vocab *v = &bk->s->vocab;
	char hours[256];
	put_text(sh, c++, o->id.s);
	put_text(sh, c++, o->intitule);
	put_text(sh, c++, joined(bk, &o->types, &v->types_offre));
	put_text(sh, c++, label(&v->parcours, o->parcours.s));
	put_text(sh, c++, scale_title(bk->s, o->echelle.s));
	put_text(sh, c++, o->entree_min.s);
	put_text(sh, c++, o->entree_max.s);
	put_text(sh, c++, o->vise.s);
	put_tri(sh, c++, o->ecrit_requis);
	put_text(sh, c++, joined(bk, &o->publics, &v->publics));
	put_count(sh, c++, o->age_min);
	put_text(sh, c++, joined(bk, &o->financeurs, &v->financeurs));
	put_tri(sh, c++, o->conventionne);
	put_tri(sh, c++, o->cpf);
	put_text(sh, c++, o->cert_intitule);
	put_tri(sh, c++, o->gratuit);
	if (o->has_montant)
		put_num(sh, c, o->montant, bk->money);
	c++;
	put_text(sh, c++, o->cout_precisions);
	put_text(sh, c++, ens_fr[o->enseignement]);
	put_text(sh, c++, entrees_fr[o->entrees]);
	if (o->heures_semaine >= 0)
		put_num(sh, c, o->heures_semaine, NULL);
	c++;
	put_count(sh, c++, o->duree_semaines);
	opendata_hours_fr(hours, sizeof(hours), o->horaires.s);
	put_text(sh, c++, hours);
	put_tri(sh, c++, o->garde_enfants);
	put_count(sh, c++, o->places);
	put_count(sh, c++, (long)o->n_sessions);
	int first = 0, last = 0;
	for (size_t i = 0; i < o->n_sessions; i++) {
		if (o->sessions[i].debut && (!first || o->sessions[i].debut < first))
			first = o->sessions[i].debut;
		if (o->sessions[i].fin > last)
			last = o->sessions[i].fin;
	}
	put_date(sh, c++, first);
	put_date(sh, c++, last);
	put_text(sh, c++, recrutement_fr(opendata_recrutement(o)));
	put_count(sh, c, opendata_places_dispo(o));
}

static void put_lieu(struct sheet *sh, lxw_col_t c, const struct lieu *l)
{
	struct book *bk = sh->bk;
	char hours[256];
	put_text(sh, c++, l->id.s);
	put_text(sh, c++, l->denomination);
	buf_reset(&bk->list);
	for (size_t i = 0; i < l->n_lignes; i++)
		buf_printf(&bk->list, "%s%s", i ? ", " : "", l->lignes[i]);
	put_text(sh, c++, bk->list.data);
	put_text(sh, c++, l->code_postal.s);
	put_text(sh, c++, l->commune ? l->commune->nom : l->commune_nom.s);
	put_text(sh, c++, l->code_insee.s);
	put_text(sh, c++, l->dep);
	put_text(sh, c++, dep_name(bk->s, l->dep));
	put_num(sh, c++, l->lat, bk->coord);
	put_num(sh, c++, l->lon, bk->coord);
	put_text(sh, c++, l->has_geo ? "lieu" : "commune");
	put_tri(sh, c++, l->acces_pmr);
	put_text(sh, c++, l->transports);
	opendata_hours_fr(hours, sizeof(hours), l->horaires_accueil.s);
	put_text(sh, c, hours);
}

static void put_org(struct sheet *sh, lxw_col_t c, const struct organisme *o)
{
	put_text(sh, c, o->nom);
	put_text(sh, c + 1, o->id.s);
}

static const struct contact *contact_of(const struct offre *o)
{
	return o->has_contact ? &o->contact : o->org->has_contact ? &o->org->contact : NULL;
}

static const char *page_url(struct book *bk, const char *fmt, const char *a, const char *b)
{
	buf_reset(&bk->scratch);
	buf_puts(&bk->scratch, bk->s->base_url ? bk->s->base_url : "");
	buf_printf(&bk->scratch, fmt, a, b);
	return bk->scratch.data;
}

static void row_source(struct book *bk, const struct organisme *org, uint32_t line, uint32_t col)
{
	bk->src_file = org->file;
	bk->src_line = line;
	bk->src_col = col;
}

/* ---- a cartography's workbook ---- */

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
		vt->cols[i].head = label(&s->vocab.types_offre, vt->code[i]);
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

/* One offer × lieu row; counts[d * (n + 1) + t] counts it for the summary. */
static void carto_row(struct sheet *sh, const struct view_types *vt, const struct offre *o,
    const struct lieu *l, size_t *counts)
{
	struct book *bk = sh->bk;
	const struct site *s = bk->s;
	if (row_next(sh) < 0)
		return;
	row_source(bk, o->org, o->line, o->col);
	put_org(sh, 0, o->org);
	put_text(sh, 2, label(&s->vocab.natures, o->org->nature.s));
	lxw_col_t c = 3;
	put_offre(sh, c, o);
	c += N_OFFRE;
	for (size_t t = 0; t < vt->n; t++)
		put_text(sh, c++, has_type(o, vt->code[t]) ? "Oui" : "Non");
	put_lieu(sh, c, l);
	c += N_LIEU;
	const struct contact *ct = contact_of(o);
	put_text(sh, c++, ct ? ct->nom : NULL);
	put_text(sh, c++, ct ? ct->telephone : NULL);
	put_text(sh, c++, ct ? ct->courriel.s : NULL);
	buf_reset(&bk->list);
	buf_printf(&bk->list, "offre-%s", o->id.s);
	put_url(sh, c++, page_url(bk, "organismes/%s/#%s", o->org->id.s, bk->list.data));
	put_url(sh, c++, page_url(bk, "pdf/organismes/%s.pdf%s", o->org->id.s, ""));
	put_date(sh, c, o->org->mise_a_jour);
	for (size_t d = 0; d < s->geo.n_departements; d++)
		if (strcmp(s->geo.departements[d].code, l->dep) == 0) {
			size_t *row = counts + d * (vt->n + 1);
			for (size_t t = 0; t < vt->n; t++)
				row[t] += (size_t)has_type(o, vt->code[t]);
			row[vt->n]++;
		}
}

/* The summary: rows per département × type as numbers (not formulas, so
 * every reader sees the values) and a column chart of them. */
static void carto_summary(struct book *bk, const struct cartographie *c, const char *dep,
    const struct view_types *vt, const size_t *counts)
{
	const struct site *s = bk->s;
	struct sheet *sh = sheet_new(bk, "Synthèse");
	if (!sh)
		return;
	sheet_cols(sh, dep_col, 1);
	sheet_cols(sh, vt->cols, vt->n);
	sheet_cols(sh, total_col, 1);
	size_t *total = xcalloc(vt->n + 1, sizeof(*total));
	for (size_t d = 0; d < s->geo.n_departements; d++) {
		if (!dep_in_view(c, dep, s->geo.departements[d].code) || row_next(sh) < 0)
			continue;
		buf_reset(&bk->list);
		buf_printf(&bk->list, "%s (%s)", s->geo.departements[d].nom, s->geo.departements[d].code);
		put_text(sh, 0, bk->list.data);
		for (size_t t = 0; t <= vt->n; t++) {
			put_num(sh, (lxw_col_t)(t + 1), (double)counts[d * (vt->n + 1) + t], NULL);
			total[t] += counts[d * (vt->n + 1) + t];
		}
	}
	lxw_row_t last = sh->row;
	if (!dep && row_next(sh) == 0) {
		put_text(sh, 0, "Total");
		for (size_t t = 0; t <= vt->n; t++)
			put_num(sh, (lxw_col_t)(t + 1), (double)total[t], NULL);
	}
	free(total);
	sheet_end(sh, 0);
	worksheet_write_string(sh->ws, sh->row + 2, 0,
	    "Chaque ligne de la feuille Offres est une offre dans un lieu. Une offre de plusieurs types compte dans chacun de ses types ; « Toutes les offres » la compte une fois.",
	    NULL);
	if (last < 1)
		return;
	lxw_chart *ch = workbook_add_chart(bk->wb, LXW_CHART_COLUMN);
	for (size_t t = 0; t < vt->n; t++) {
		lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(se, sh->name, 1, 0, last, 0);
		chart_series_set_values(se, sh->name, 1, (lxw_col_t)(t + 1), last, (lxw_col_t)(t + 1));
		chart_series_set_name_range(se, sh->name, 0, (lxw_col_t)(t + 1));
	}
	chart_title_set_name(ch, "Offres × lieux par département et type");
	chart_axis_set_name(ch->y_axis, "Nombre de lignes");
	lxw_chart_options co = { .x_scale = 2, .y_scale = 1.5 };
	if (worksheet_insert_chart_opt(sh->ws, sh->row + 4, 0, ch, &co) != LXW_NO_ERROR)
		bk->failed = 1;
}

/* Walks the view's offer × lieu rows in model order, writing them when sh is
 * set; returns how many there are. */
static size_t view_rows(const struct site *s, const struct cartographie *c, const char *dep,
    struct sheet *sh, const struct view_types *vt, size_t *counts)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++) {
			const struct offre *o = &s->organismes[i]->offres[k];
			for (size_t l = 0; carto_takes_offre(c, o) && l < o->n_lieux; l++)
				if (carto_takes_lieu(c, dep, o->lieux[l])) {
					n++;
					if (sh)
						carto_row(sh, vt, o, o->lieux[l], counts);
				}
		}
	return n;
}

static int carto_book(const struct site *s, const struct cartographie *c, const char *dep,
    struct publish *p, struct diags *d, size_t *rows)
{
	struct book bk;
	struct buf rel = BUF_INIT, title = BUF_INIT;
	buf_printf(&rel, "xlsx/cartographies/%s%s%s.xlsx", c->id.s, dep ? "-" : "", dep ? dep : "");
	buf_printf(&title, "%s%s%s", c->titre, dep ? " – " : "", dep ? dep_name(s, dep) : "");
	int rc = book_open(&bk, s, p, rel.data, title.data, d);
	struct view_types vt;
	view_types_init(&vt, s, c);
	size_t *counts = xcalloc((s->geo.n_departements + 1) * (vt.n + 1), sizeof(*counts));
	struct sheet *sh = rc == 0 ? sheet_new(&bk, "Offres") : NULL;
	if (sh) {
		sheet_cols(sh, org_cols, 2);
		sheet_cols(sh, nature_col, 1);
		sheet_cols(sh, offre_cols, N_OFFRE);
		sheet_cols(sh, vt.cols, vt.n);
		sheet_cols(sh, lieu_cols, N_LIEU);
		sheet_cols(sh, carto_tail, sizeof(carto_tail) / sizeof(carto_tail[0]));
		if (view_rows(s, c, dep, NULL, NULL, NULL) * 2 <= LINK_BUDGET)
			sh->link_budget = LINK_BUDGET;
		view_rows(s, c, dep, sh, &vt, counts);
		sheet_end(sh, 1);
		carto_summary(&bk, c, dep, &vt, counts);
		readme(&bk, title.data,
		    "Une ligne par offre et par lieu où elle a lieu. Pour compter, filtrez les colonnes Département et le type voulu (Oui) : le nombre de lignes est celui de la feuille Synthèse.");
	}
	*rows += bk.rows;
	if (book_close(&bk) < 0)
		rc = -1;
	free(counts);
	view_types_free(&vt);
	buf_release(&rel);
	buf_release(&title);
	return rc;
}

/* ---- the whole directory ---- */

static const struct col orgs_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant unique ; relie les feuilles entre elles" },
	{ "Nom", "Nom de l'organisme" },
	{ "SIRET", "Numéro SIRET (14 chiffres, en texte)" },
	{ "Nature", "Association, organisme de formation, centre social…" },
	{ "Labels", "Labels et certifications, séparés par « ; »" },
	{ "Site web", "Adresse du site de l'organisme (texte)" },
	{ "Contact", "Accueil ou personne à contacter" },
	{ "Téléphone", "Téléphone" },
	{ "Courriel", "Courriel" },
	{ "Lieux", "Nombre de lieux (feuille Lieux)" },
	{ "Offres", "Nombre d'offres (feuille Offres)" },
	{ "Source", "Origine de la fiche : saisie, import…" },
	{ "Mise à jour", "Date de la dernière mise à jour de la fiche (date)" },
	{ "Page", "Adresse de la page de l'organisme sur le site (texte)" },
};

static const struct col offre_tail[] = {
	{ "Lieux de l'offre", "Identifiants des lieux où l'offre a lieu, séparés par « ; » (détail : feuille Offres par lieu)" },
	{ "Compétences", "Compétences développées (référentiel:code), séparées par « ; »" },
	{ "Objectif", "Objectif de l'offre (texte en Markdown)" },
};

static const struct col link_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant de l'organisme (feuille Organismes)" },
	{ "Identifiant de l'offre", "Identifiant de l'offre dans son organisme (feuille Offres)" },
	{ "Identifiant du lieu", "Identifiant du lieu dans son organisme (feuille Lieux)" },
	{ "Commune", "Commune du lieu" },
	{ "Département", "Numéro du département du lieu" },
};

static const struct col session_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant de l'organisme (feuille Organismes)" },
	{ "Identifiant de l'offre", "Identifiant de l'offre dans son organisme (feuille Offres)" },
	{ "Session", "Numéro de la session dans l'offre (nombre)" },
	{ "Début", "Date de début (date)" },
	{ "Fin", "Date de fin (date)" },
	{ "Recrutement", "Ouvert, fermé ou suspendu" },
	{ "Places disponibles", "Places disponibles (nombre)" },
};

/* Addresses are text here (link_budget 0): the directory is the largest
 * workbook, and links would make its memory grow with the data. */
static void directory_orgs(struct sheet *sh)
{
	const struct site *s = sh->bk->s;
	sheet_cols(sh, orgs_sheet, sizeof(orgs_sheet) / sizeof(orgs_sheet[0]));
	for (size_t i = 0; i < s->n_organismes && row_next(sh) == 0; i++) {
		const struct organisme *o = s->organismes[i];
		const struct contact *ct = o->has_contact ? &o->contact : NULL;
		row_source(sh->bk, o, o->line, o->col);
		put_text(sh, 0, o->id.s);
		put_text(sh, 1, o->nom);
		put_text(sh, 2, o->siret.s);
		put_text(sh, 3, label(&s->vocab.natures, o->nature.s));
		put_text(sh, 4, joined(sh->bk, &o->labels, &s->vocab.labels));
		put_url(sh, 5, o->site_web.s);
		put_text(sh, 6, ct ? ct->nom : NULL);
		put_text(sh, 7, ct ? ct->telephone : NULL);
		put_text(sh, 8, ct ? ct->courriel.s : NULL);
		put_count(sh, 9, (long)o->n_lieux);
		put_count(sh, 10, (long)o->n_offres);
		put_text(sh, 11, o->source);
		put_date(sh, 12, o->mise_a_jour);
		put_url(sh, 13, page_url(sh->bk, "organismes/%s/%s", o->id.s, ""));
	}
	sheet_end(sh, 1);
}

static void directory_lieux(struct sheet *sh)
{
	const struct site *s = sh->bk->s;
	sheet_cols(sh, org_cols, 2);
	sheet_cols(sh, lieu_cols, N_LIEU);
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_lieux && row_next(sh) == 0; k++) {
			const struct lieu *l = &s->organismes[i]->lieux[k];
			row_source(sh->bk, s->organismes[i], l->id.line, l->id.col);
			put_org(sh, 0, s->organismes[i]);
			put_lieu(sh, 2, l);
		}
	sheet_end(sh, 1);
}

/* Calls row for every offer of the site, in model order. */
static void each_offre(struct sheet *sh, void (*row)(struct sheet *, const struct offre *))
{
	const struct site *s = sh->bk->s;
	for (size_t i = 0; i < s->n_organismes && !sh->full; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++)
			row(sh, &s->organismes[i]->offres[k]);
	sheet_end(sh, 1);
}

static void offre_row(struct sheet *sh, const struct offre *o)
{
	lxw_col_t c = 2 + N_OFFRE;
	if (row_next(sh) < 0)
		return;
	row_source(sh->bk, o->org, o->line, o->col);
	put_org(sh, 0, o->org);
	put_offre(sh, 2, o);
	put_text(sh, c++, joined(sh->bk, &o->lieu_ids, NULL));
	put_text(sh, c++, joined(sh->bk, &o->competences, NULL));
	put_text(sh, c, o->objectif);
}

static void directory_offres(struct sheet *sh)
{
	sheet_cols(sh, org_cols, 2);
	sheet_cols(sh, offre_cols, N_OFFRE);
	sheet_cols(sh, offre_tail, sizeof(offre_tail) / sizeof(offre_tail[0]));
	each_offre(sh, offre_row);
}

static void link_rows(struct sheet *sh, const struct offre *o)
{
	for (size_t l = 0; l < o->n_lieux && row_next(sh) == 0; l++) {
		const struct lieu *li = o->lieux[l];
		put_text(sh, 0, o->org->id.s);
		put_text(sh, 1, o->id.s);
		put_text(sh, 2, li->id.s);
		put_text(sh, 3, li->commune ? li->commune->nom : li->commune_nom.s);
		put_text(sh, 4, li->dep);
	}
}

static void directory_links(struct sheet *sh)
{
	sheet_cols(sh, link_sheet, sizeof(link_sheet) / sizeof(link_sheet[0]));
	each_offre(sh, link_rows);
}

static void session_rows(struct sheet *sh, const struct offre *o)
{
	for (size_t n = 0; n < o->n_sessions && row_next(sh) == 0; n++) {
		put_text(sh, 0, o->org->id.s);
		put_text(sh, 1, o->id.s);
		put_count(sh, 2, (long)n + 1);
		put_date(sh, 3, o->sessions[n].debut);
		put_date(sh, 4, o->sessions[n].fin);
		put_text(sh, 5, etat_fr[o->sessions[n].etat]);
		put_count(sh, 6, o->sessions[n].places);
	}
}

static void directory_sessions(struct sheet *sh)
{
	sheet_cols(sh, session_sheet, sizeof(session_sheet) / sizeof(session_sheet[0]));
	each_offre(sh, session_rows);
}

static int directory_book(const struct site *s, struct publish *p, struct diags *d, size_t *rows)
{
	static void (*const fill[])(struct sheet *) = {
		directory_orgs, directory_lieux, directory_offres, directory_links, directory_sessions,
	};
	static const char *const names[] = { "Organismes", "Lieux", "Offres", "Offres par lieu", "Sessions" };
	struct book bk;
	int rc = book_open(&bk, s, p, "xlsx/organismes.xlsx", "Annuaire des organismes et de leurs offres", d);
	for (size_t i = 0; rc == 0 && i < sizeof(fill) / sizeof(fill[0]); i++) {
		struct sheet *sh = sheet_new(&bk, names[i]);
		if (sh)
			fill[i](sh);
	}
	if (rc == 0)
		readme(&bk, "Annuaire des organismes et de leurs offres",
		    "Les feuilles se relient par les identifiants : une offre ou un lieu est désigné par l'identifiant de son organisme et le sien.");
	*rows += bk.rows;
	if (book_close(&bk) < 0)
		rc = -1;
	return rc;
}

/* ---- a référentiel ---- */

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
	struct sheet *dom = sheet_new(bk, "Domaines"), *comp = sheet_new(bk, "Compétences"),
	    *crit = sheet_new(bk, "Critères");
	if (!dom || !comp || !crit)
		return;
	sheet_cols(dom, dom_sheet, sizeof(dom_sheet) / sizeof(dom_sheet[0]));
	sheet_cols(comp, comp_sheet, sizeof(comp_sheet) / sizeof(comp_sheet[0]));
	sheet_cols(crit, crit_sheet, sizeof(crit_sheet) / sizeof(crit_sheet[0]));
	bk->src_file = r->file;
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *d = &r->domaines[i];
		if (row_next(dom) == 0) {
			put_text(dom, 0, d->code);
			put_text(dom, 1, d->titre);
			put_count(dom, 2, (long)d->n_children);
			put_count(dom, 3, (long)n_criteres(d));
			put_text(dom, 4, d->description);
		}
		for (size_t k = 0; k < d->n_children && row_next(comp) == 0; k++) {
			const struct ref_entry *c = &d->children[k];
			bk->src_line = c->line;
			bk->src_col = c->col;
			put_text(comp, 0, d->code);
			put_text(comp, 1, d->titre);
			put_text(comp, 2, c->code);
			put_text(comp, 3, c->titre);
			put_count(comp, 4, (long)c->n_children);
			put_count(comp, 5, (long)c->n_offres);
			buf_reset(&bk->list);
			for (size_t u = 0; u < c->n_out; u++)
				for (size_t v = 0; v < c->out[u].link->vers.n; v++)
					buf_printf(&bk->list, "%s%s:%s", bk->list.len ? "; " : "",
					    c->out[u].corr->vers->id, c->out[u].link->vers.v[v].s);
			put_text(comp, 6, bk->list.data);
			put_text(comp, 7, c->description);
			for (size_t m = 0; m < c->n_children && row_next(crit) == 0; m++) {
				put_text(crit, 0, d->code);
				put_text(crit, 1, c->code);
				put_text(crit, 2, c->titre);
				put_text(crit, 3, c->children[m].code);
				put_text(crit, 4, c->children[m].titre);
				put_text(crit, 5, c->children[m].niveau.s);
			}
		}
	}
	sheet_end(dom, 1);
	sheet_end(comp, 1);
	sheet_end(crit, 1);
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
	struct sheet *sh = sheet_new(bk, "Correspondances");
	if (!sh)
		return;
	sheet_cols(sh, corr_sheet, sizeof(corr_sheet) / sizeof(corr_sheet[0]));
	for (size_t i = 0; i < s->n_correspondances; i++) {
		const struct correspondance *co = s->correspondances[i];
		if (co->de != r && co->vers != r)
			continue;
		bk->src_file = co->file;
		for (size_t k = 0; k < co->n_liens; k++) {
			const struct corr_link *l = &co->liens[k];
			bk->src_line = l->line;
			bk->src_col = l->col;
			for (size_t v = 0; v < l->vers.n && row_next(sh) == 0; v++) {
				put_text(sh, 0, co->de == r ? "depuis" : "vers");
				put_text(sh, 1, co->de->titre_court ? co->de->titre_court : co->de->id);
				put_text(sh, 2, l->de.s);
				put_text(sh, 3, entry_title(co->de, l->de.s));
				put_text(sh, 4, co->vers->titre_court ? co->vers->titre_court : co->vers->id);
				put_text(sh, 5, l->vers.v[v].s);
				put_text(sh, 6, entry_title(co->vers, l->vers.v[v].s));
				put_text(sh, 7, types[l->type]);
				put_text(sh, 8, l->niveau_de.s);
				put_text(sh, 9, l->note);
				put_text(sh, 10, co->source);
			}
		}
	}
	sheet_end(sh, 1);
}

static int ref_book(const struct site *s, const struct referentiel *r, struct publish *p,
    struct diags *d, size_t *rows)
{
	struct book bk;
	struct buf rel = BUF_INIT, note = BUF_INIT;
	buf_printf(&rel, "xlsx/referentiels/%s.xlsx", r->id);
	int rc = book_open(&bk, s, p, rel.data, r->titre, d);
	if (rc == 0) {
		ref_entries(&bk, r);
		ref_corrs(&bk, r);
		buf_printf(&note, "Ce référentiel nomme ses domaines « %s », ses compétences « %s » et ses critères « %s ».%s%s%s%s",
		    r->lib_domaine ? r->lib_domaine : "Domaine", r->lib_competence ? r->lib_competence : "Compétence",
		    r->lib_critere ? r->lib_critere : "Critère", r->version ? " Version " : "", r->version ? r->version : "",
		    r->editeur ? ", " : "", r->editeur ? r->editeur : "");
		readme(&bk, r->titre, note.data);
	}
	*rows += bk.rows;
	if (book_close(&bk) < 0)
		rc = -1;
	buf_release(&rel);
	buf_release(&note);
	return rc;
}

/* ---- jobs ---- */

/* One workbook to write. The directory comes first: it is the largest, so
 * it starts while the others share the remaining threads. */
struct job {
	const struct cartographie *c;	/* a cartography's workbook… */
	const char *dep;		/* …for one département */
	const struct referentiel *r;	/* a référentiel's; neither: the directory */
};

struct pool {
	const struct site *s;
	struct publish *p;
	struct job *jobs;
	size_t n_jobs;
	atomic_size_t next;
	atomic_int failed;
	atomic_size_t rows;
};

struct worker {
	pthread_t th;
	struct pool *pl;
	struct diags d;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pl;
	for (;;) {
		size_t i = atomic_fetch_add(&pl->next, 1), rows = 0;
		if (i >= pl->n_jobs || pl->failed)
			break;
		const struct job *j = &pl->jobs[i];
		int rc = j->c ? carto_book(pl->s, j->c, j->dep, pl->p, &w->d, &rows) :
		    j->r ? ref_book(pl->s, j->r, pl->p, &w->d, &rows) :
		    directory_book(pl->s, pl->p, &w->d, &rows);
		atomic_fetch_add(&pl->rows, rows);
		if (rc < 0)
			pl->failed = 1;
	}
	return NULL;
}

int xlsx_render(const struct site *s, struct publish *p, int jobs, struct diags *d, size_t *rows)
{
	size_t n = 1 + s->n_referentiels;
	for (size_t i = 0; i < s->n_cartographies; i++)
		n += 1 + (s->cartographies[i]->par_departement ? s->geo.n_departements : 0);
	struct pool pl = { .s = s, .p = p, .jobs = xcalloc(n, sizeof(struct job)) };
	pl.n_jobs = 1;
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *c = s->cartographies[i];
		pl.jobs[pl.n_jobs++] = (struct job){ c, NULL, NULL };
		for (size_t k = 0; c->par_departement && k < s->geo.n_departements; k++)
			pl.jobs[pl.n_jobs++] = (struct job){ c, s->geo.departements[k].code, NULL };
	}
	for (size_t i = 0; i < s->n_referentiels; i++)
		pl.jobs[pl.n_jobs++] = (struct job){ NULL, NULL, s->referentiels[i] };
	int nw = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
	struct worker *w = xcalloc((size_t)nw, sizeof(*w));
	int started[64] = { 0 };
	for (int i = 0; i < nw; i++) {
		w[i].pl = &pl;
		w[i].d = (struct diags)DIAGS_INIT;
		started[i] = i > 0 && pthread_create(&w[i].th, NULL, work, &w[i]) == 0;
	}
	work(&w[0]);
	for (int i = 0; i < nw; i++) {
		if (started[i])
			pthread_join(w[i].th, NULL);
		diags_merge(d, &w[i].d);
		diags_free(&w[i].d);
	}
	free(w);
	free(pl.jobs);
	*rows = pl.rows;
	return pl.failed ? -1 : 0;
}
