/*
 * The sheet layer over libxlsxwriter: cells of every kind (text cut to the
 * cell's limit, numbers, counts, dates, addresses as links within the link
 * budget), sheets with their columns and widths, workbooks with their
 * formats, opened and closed through the publisher, and their warnings.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>
#include <unistd.h>

#include <zlib.h>

#include "../../base/civil.h"
#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../base/utf8.h"
#include "../backend.h"
#include "../cache.h"
#include "../publish.h"
#include "xlsx_int.h"


static void book_warn(struct book *bk, const char *file, uint32_t line, uint32_t col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void book_warn(struct book *bk, const char *file, uint32_t line, uint32_t col,
    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(bk->d, file, line, col, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

void xlsx_fail(struct book *bk, const char *fmt, ...)
{
	va_list ap;
	if (!bk->failed) {
		/* The caller's format behind the words, so that diag_vadd sees
		 * each value (it shortens a long one), not the message as one. */
		buf_reset(&bk->scratch);
		buf_puts(&bk->scratch, "cannot be made: ");
		buf_puts(&bk->scratch, fmt);
		va_start(ap, fmt);
		diag_vadd(bk->d, bk->rel, 0, 0, DIAG_ERROR, bk->scratch.data, ap);
		va_end(ap);
	}
	bk->failed = 1;
}

int xlsx_ok(struct book *bk, lxw_error e)
{
	if (e == LXW_NO_ERROR)
		return 1;
	int sys = errno;	/* of the library's last call, in this thread */
	if (e == LXW_ERROR_CREATING_TMPFILE)	/* a write's errno is the reason */
		xlsx_fail(bk, "libxlsxwriter cannot create a temporary file in %s (%s)", bk->tmpdir.data,
		    sys ? strerror(sys) : lxw_strerror(e));
	else
		xlsx_fail(bk, "libxlsxwriter: %s", lxw_strerror(e));
	return 0;
}

static void widen(struct sheet *sh, lxw_col_t c, size_t chars)
{
	assert(c < sh->ncol);
	double w = (double)chars + 2;
	if (w > MAX_WIDTH)
		w = MAX_WIDTH;
	xlsx_rows_widen(sh, c, w);
}

int xlsx_said(const char *s)
{
	size_t len = s ? strlen(s) : 0;	/* bytes: never fewer than UTF-16 units */
	return len > TEXT_FIELD_MAX && utf8_utf16_len(s, len) > TEXT_FIELD_MAX;
}

/* Who says that a text is cut (xlsx_int.h): the load did, or the build
 * says it at a Markdown field, or at the row's content for a list. */
enum said { SAID_BY_LOAD, SAY_AT_FIELD, SAY_AT_ROW };

/* Says that a text of n characters is cut, unless the load did. The words
 * name no workbook: every workbook that cuts the text says the same at the
 * same place, and diags_print prints it once. */
static void say_cut(struct book *bk, const char *sheet, lxw_row_t row, lxw_col_t c, const char *head,
    size_t n, enum said who, const struct diag_text *at)
{
	char cell[16];
	if (who == SAID_BY_LOAD)
		return;
	if (!bk->src_file) {	/* not a row of the content: cannot happen */
		lxw_rowcol_to_cell(cell, row, c);
		book_warn(bk, bk->rel, 0, 0,
		    "sheet %s, cell %s: text of %zu characters cut to 32,767, the most a spreadsheet cell holds",
		    sheet, cell, n);
	} else if (who == SAY_AT_FIELD)
		book_warn(bk, bk->src_file, at->line, at->col,
		    "Markdown text of %zu characters: the workbooks (xlsx/) hold it cut to 32,767, the most a spreadsheet cell holds",
		    n);
	else
		book_warn(bk, bk->src_file, bk->src_line, bk->src_col,
		    "list of %zu characters in column '%s': the workbooks (xlsx/) hold it cut to 32,767, the most a spreadsheet cell holds",
		    n, head ? head : "");
}

/* The text s of len bytes as a cell holds it: at most MAX_TEXT characters
 * counted as Excel counts them (UTF-16 code units), a longer text cut
 * between characters and ended with "…", in bk->cut, the cut said as who
 * tells (say_cut). Returns s or bk->cut.data, its length in *len and its
 * characters in *n. */
static const char *fit(struct book *bk, const char *sheet, lxw_row_t row, lxw_col_t c,
    const char *head, const char *s, size_t *len, size_t *n, enum said who, const struct diag_text *at)
{
	*n = utf8_utf16_len(s, *len);
	if (*n <= MAX_TEXT)
		return s;
	say_cut(bk, sheet, row, c, head, *n, who, at);
	size_t keep = utf8_utf16_cut(s, *len, MAX_TEXT - 1);	/* room for the "…" */
	if (s != bk->cut.data) {
		buf_reset(&bk->cut);
		buf_add(&bk->cut, s, keep);
	} else
		buf_truncate(&bk->cut, keep);
	buf_puts(&bk->cut, "…");
	*len = bk->cut.len;
	*n = MAX_TEXT;
	return bk->cut.data;
}

void xlsx_cell(struct book *bk, lxw_worksheet *ws, const char *sheet, lxw_row_t row, lxw_col_t c,
    const char *s, lxw_format *f)
{
	size_t len = strlen(s), n;
	s = fit(bk, sheet, row, c, NULL, s, &len, &n, SAID_BY_LOAD, NULL);
	xlsx_ok(bk, worksheet_write_string(ws, row, c, s, f));
}

/* Empty and absent values leave the cell blank, which every filter shows as
 * "(vides)". Trailing line breaks (Markdown blocks end with one) would make
 * the row taller for nothing, so they go. */
static void put_text(struct sheet *sh, lxw_col_t c, const char *s, enum said who,
    const struct diag_text *at)
{
	struct book *bk = sh->bk;
	size_t len = s ? strlen(s) : 0, full = len, n;
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (!len)
		return;
	if (len < full) {
		buf_reset(&bk->cut);
		buf_add(&bk->cut, s, len);
		s = bk->cut.data;
	}
	s = fit(bk, sh->name, sh->row, c, sh->cols[c]->head, s, &len, &n, who, at);
	if (sh->pr)
		xlsx_rows_text(sh, c, s, len);
	else
		xlsx_ok(bk, worksheet_write_string(sh->ws, sh->row, c, s, NULL));
	widen(sh, c, n);
}

void xlsx_put_text(struct sheet *sh, lxw_col_t c, const char *s)
{
	put_text(sh, c, s, SAID_BY_LOAD, NULL);
}

void xlsx_put_markdown(struct sheet *sh, lxw_col_t c, const char *s, const struct diag_text *at)
{
	put_text(sh, c, s, SAY_AT_FIELD, at);
}

void xlsx_put_list(struct sheet *sh, lxw_col_t c, const char *s)
{
	assert(s == sh->bk->list.data);
	put_text(sh, c, s, sh->bk->list_said ? SAID_BY_LOAD : SAY_AT_ROW, NULL);
}

void xlsx_put_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f)
{
	char t[32];
	if (sh->pr)
		xlsx_rows_num(sh, c, v, f);
	else
		xlsx_ok(sh->bk, worksheet_write_number(sh->ws, sh->row, c, v, f));
	widen(sh, c, (size_t)snprintf(t, sizeof(t), f ? "%.2f  " : "%g", v));
}

/* Counts and other whole numbers; negative means unknown. */
void xlsx_put_count(struct sheet *sh, lxw_col_t c, long v)
{
	if (v >= 0)
		xlsx_put_num(sh, c, (double)v, NULL);
}

void xlsx_put_date(struct sheet *sh, lxw_col_t c, int ymd)
{
	if (!ymd)
		return;
	lxw_datetime dt = { ymd / 10000, ymd / 100 % 100, ymd % 100, 0, 0, 0 };
	if (sh->pr)
		xlsx_rows_num(sh, c, lxw_datetime_to_excel_datetime(&dt), sh->bk->date);
	else
		xlsx_ok(sh->bk, worksheet_write_datetime(sh->ws, sh->row, c, &dt, sh->bk->date));
	widen(sh, c, 10);
}

void xlsx_put_tri(struct sheet *sh, lxw_col_t c, enum tri t)
{
	xlsx_put_text(sh, c, t == TRI_TRUE ? "Oui" : t == TRI_FALSE ? "Non" : NULL);
}

/* A clickable address when the sheet has links, else the same address as
 * text (the library would leave the cell empty past its limit). */
void xlsx_put_url(struct sheet *sh, lxw_col_t c, const char *url)
{
	if (!url || !*url)
		return;
	if (sh->links < sh->link_budget && strlen(url) <= MAX_URL &&
	    (sh->pr ? xlsx_rows_link(sh, c, url) == 0 :
	    worksheet_write_url(sh->ws, sh->row, c, url, sh->bk->link) == LXW_NO_ERROR)) {
		sh->links++;
		widen(sh, c, utf8_len(url));
		return;
	}
	xlsx_put_text(sh, c, url);
}

lxw_worksheet *xlsx_add_worksheet(struct book *bk, const char *name)
{
	if (bk->failed)
		return NULL;
	errno = 0;
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, name);
	if (ws)
		return ws;
	/* In constant_memory mode each sheet is a temporary file from its
	 * first row on: this is where /tmp being unwritable shows. */
	if (errno)
		xlsx_fail(bk, "libxlsxwriter cannot add the sheet %s: it keeps each sheet in a temporary file in %s (%s)",
		    name, bk->tmpdir.data, strerror(errno));
	else
		xlsx_fail(bk, "libxlsxwriter cannot add the sheet %s", name);
	return NULL;
}

struct sheet *xlsx_sheet_new(struct book *bk, const char *name)
{
	if (bk->n_sheets == MAX_SHEETS)
		return NULL;
	struct sheet *sh = &bk->sheets[bk->n_sheets];
	memset(sh, 0, sizeof(*sh));
	sh->bk = bk;
	sh->name = name;
	sh->ws = xlsx_add_worksheet(bk, name);
	if (!sh->ws)
		return NULL;
	bk->n_sheets++;
	return sh;
}

/* Appends columns and writes their headers on row 0. */
void xlsx_sheet_cols(struct sheet *sh, const struct col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++, sh->ncol++) {
		size_t cap = sh->cap;
		sh->cols = xgrow(sh->cols, &sh->cap, (size_t)sh->ncol + 1, sizeof(*sh->cols));
		sh->width = xgrow(sh->width, &cap, (size_t)sh->ncol + 1, sizeof(*sh->width));
		sh->cols[sh->ncol] = &cols[i];
		sh->width[sh->ncol] = 0;
		xlsx_cell(sh->bk, sh->ws, sh->name, 0, sh->ncol, cols[i].head, sh->bk->head);
	}
	for (lxw_col_t c = sh->ncol - (lxw_col_t)n; c < sh->ncol; c++)
		widen(sh, c, utf8_len(sh->cols[c]->head) + 2);	/* room for the filter button */
}

/* Starts the next data row; returns -1 (once with a warning) when the sheet
 * is full, and the caller leaves the row out. */
int xlsx_row_next(struct sheet *sh)
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
	if (sh->pr)
		xlsx_rows_row(sh);
	return 0;
}

/* Column widths, a frozen header and, for lists, an autofilter over every row. */
void xlsx_sheet_end(struct sheet *sh, int filter)
{
	for (lxw_col_t c = 0; c < sh->ncol; c++)
		xlsx_ok(sh->bk, worksheet_set_column(sh->ws, c, c, sh->width[c], NULL));
	worksheet_freeze_panes(sh->ws, 1, 0);
	if (filter && sh->ncol)
		xlsx_ok(sh->bk, worksheet_autofilter(sh->ws, 0, 0, sh->row, (lxw_col_t)(sh->ncol - 1)));
}

/* The cell formats every workbook uses. Returns 0, or -1 (failed) when
 * the library could not make one. */
static int book_formats(struct book *bk)
{
	lxw_format **all[] = { &bk->head, &bk->date, &bk->money, &bk->coord, &bk->link, &bk->title,
		&bk->wrap };
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (!(*all[i] = workbook_add_format(bk->wb))) {
			xlsx_fail(bk, "libxlsxwriter cannot add a cell format");
			return -1;
		}
	format_set_bold(bk->head);
	format_set_font_color(bk->head, LXW_COLOR_WHITE);
	format_set_bg_color(bk->head, 0x1F4E79);
	format_set_text_wrap(bk->head);
	format_set_align(bk->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_num_format(bk->date, "dd/mm/yyyy");
	format_set_num_format(bk->money, "#,##0.00 \"€\"");
	format_set_num_format(bk->coord, "0.00000");
	format_set_font_color(bk->link, LXW_COLOR_BLUE);
	format_set_underline(bk->link, LXW_UNDERLINE_SINGLE);
	format_set_bold(bk->title);
	format_set_font_size(bk->title, 14);
	format_set_text_wrap(bk->wrap);
	format_set_align(bk->wrap, LXW_ALIGN_VERTICAL_TOP);
	return 0;
}

int xlsx_book_open(struct book *bk, const struct site *s, struct publish *p, struct cache *c,
    const char *rel, const char *title, struct diags *d, const struct build_opts *o)
{
	struct buf *path = &bk->path;
	memset(bk, 0, sizeof(*bk));
	bk->s = s;
	bk->rel = rel;
	bk->p = p;
	bk->d = d;
	bk->cache = c;
	bk->cut = bk->list = bk->scratch = bk->tmpdir = bk->path = bk->lxw = (struct buf)BUF_INIT;
	bk->max_rows = LXW_ROW_MAX - 1;
	if (o->xlsx_rows > 0 && o->xlsx_rows < (long)bk->max_rows)
		bk->max_rows = (lxw_row_t)o->xlsx_rows;
	if (publish_prepare(p, rel, path) < 0)
		return -1;
	if (o->xlsx_tmpdir)
		buf_puts(&bk->tmpdir, o->xlsx_tmpdir);
	else	/* the workbook's folder, made by publish_prepare */
		buf_add(&bk->tmpdir, path->data, (size_t)(strrchr(path->data, '/') - path->data));
	/* libxlsxwriter's file beside the workbook's, renamed to it at close
	 * or, when a sheet has rows in pieces, rewritten into it; a build that
	 * stops before leaves it in the folder being written, whose files the
	 * build did not produce are removed (publish.h). */
	buf_printf(&bk->lxw, "%s.lxw", path->data);
	lxw_workbook_options wo = { .constant_memory = LXW_TRUE, .tmpdir = bk->tmpdir.data };
	errno = 0;
	bk->wb = workbook_new_opt(bk->lxw.data, &wo);
	if (!bk->wb) {
		diag_add(d, rel, 0, 0, DIAG_ERROR, "cannot create the workbook (%s)",
		    errno ? strerror(errno) : "libxlsxwriter failed");
		return -1;
	}
	int ymd = s->last_update ? s->last_update : 19800101;
	/* The library takes char * but only copies the strings. */
	/* The properties hold no more than a cell, cut without a word: the
	 * same texts are in the Lisez-moi sheet's cells, which warn. */
	buf_add(&bk->scratch, title, utf8_utf16_cut(title, strlen(title), MAX_TEXT));
	buf_add(&bk->list, s->titre, utf8_utf16_cut(s->titre, strlen(s->titre), MAX_TEXT));
	lxw_doc_properties props = {
		.title = bk->scratch.data, .author = bk->list.data, .company = bk->list.data,
		.comments = (char *)"Extrait publié par carto",
		.created = (time_t)civil_days(ymd) * 86400,	/* midnight UTC: no time zone */
	};
	if (!xlsx_ok(bk, workbook_set_properties(bk->wb, &props)) || book_formats(bk) < 0)
		return -1;
	return 0;
}

/* Puts the file libxlsxwriter wrote in place, with the rows in pieces
 * when a sheet has them, and records it with the publisher. */
static int book_file(struct book *bk)
{
	int pieces = 0;
	for (size_t i = 0; i < bk->n_sheets; i++)
		pieces |= bk->sheets[i].pr != NULL;
	if (pieces ? xlsx_rows_assemble(bk, bk->lxw.data, bk->path.data) < 0 :
	    rename(bk->lxw.data, bk->path.data) < 0) {
		int sys = pieces ? bk->sys : errno;
		if (!bk->failed)
			diag_add(bk->d, bk->rel, 0, 0, DIAG_ERROR, "cannot write: %s",
			    sys ? strerror(sys) : "the rows could not be assembled");
		return -1;
	}
	return publish_done(bk->p, bk->rel);
}

/* libxlsxwriter prints its own "[ERROR][file:line]: …" lines on stderr when
 * workbook_close fails (a full disk, a file-size limit): its LXW_ERROR and
 * LXW_PRINTF are fprintf to stderr fixed when the library is compiled (only
 * its R build prints otherwise), with no run-time switch, and swapping
 * stderr would not be safe with the other workers printing. So they stay,
 * before carto's own error, which names the workbook and the errno of the
 * write that failed. */
int xlsx_book_close(struct book *bk)
{
	int rc = bk->failed ? -1 : 0;
	if (bk->wb && bk->failed)	/* not published: nothing to write */
		lxw_workbook_free(bk->wb);
	/* workbook_close adds a sheet to a workbook that has none, and
	 * libxlsxwriter 1.1.4 dereferences it without a check: a workbook
	 * whose first sheet could not be added (its temporary file could
	 * not be made) must never reach it. */
	else if (bk->wb) {
		errno = 0;
		lxw_error e = workbook_close(bk->wb);
		if (e == LXW_ERROR_CREATING_TMPFILE)
			rc = xlsx_ok(bk, e) ? rc : -1;
		else if (e != LXW_NO_ERROR) {
			int sys = errno;	/* the library's last write, in this thread */
			if (!bk->failed)
				diag_add(bk->d, bk->rel, 0, 0, DIAG_ERROR, "cannot write: %s",
				    sys ? strerror(sys) : lxw_strerror(e));
			rc = -1;
		} else if (rc == 0 && book_file(bk) < 0)
			rc = -1;
	}
	unlink(bk->lxw.data);
	cache_pieces_close(bk->cp, rc == 0);
	for (size_t i = 0; i < bk->n_sheets; i++) {
		xlsx_rows_free(&bk->sheets[i]);
		free(bk->sheets[i].cols);
		free(bk->sheets[i].width);
	}
	if (bk->zs) {
		deflateEnd(bk->zs);
		free(bk->zs);
	}
	buf_release(&bk->path);
	buf_release(&bk->lxw);
	buf_release(&bk->cut);
	buf_release(&bk->list);
	buf_release(&bk->scratch);
	buf_release(&bk->tmpdir);
	return rc;
}
