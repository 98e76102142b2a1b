/*
 * Shared by the XLSX module's own files (generator/render/xlsx/) only: the
 * sheet layer of xlsx_sheet.c (a workbook, struct book, holds up to
 * MAX_SHEETS sheets, each filled top to bottom in one pass, row 0 being the
 * header), the column groups of xlsx_cols.c that several workbooks share,
 * and the three workbooks that xlsx.c's job list writes. Cells take UTF-8;
 * empty and absent values leave the cell blank. Problems with the data are
 * warnings in bk->d, with the source file named by book.src_*; the
 * workbooks' functions return 0 or -1. Only the files of this folder include
 * xlsxwriter.h.
 */
#ifndef CARTO_XLSX_INT_H
#define CARTO_XLSX_INT_H

#include <stddef.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "../../base/buf.h"
#include "../../data/derive.h"
#include "../../data/model.h"
#include "../../data/paths.h"

struct build_opts;
struct cache;
struct cache_pieces;
struct diags;
struct digest_ctx;
struct publish;
struct sheet_rows;
struct z_stream_s;

#define MAX_WIDTH 60		/* wider columns would hide their neighbours */
/* A sheet gets links only when all its rows fit in this budget: every row
 * then has its links, and a larger sheet has its addresses as text in every
 * row. (It was set for libxlsxwriter, which keeps about 2.5 KB per
 * hyperlink until it closes the file: 65,530 links, its most in a sheet,
 * took 180 MB when measured; the sheets in pieces hold their links
 * compressed.) */
#define LINK_BUDGET 20000
#define MAX_URL 2079		/* longest hyperlink it accepts */
#define MAX_TEXT TEXT_CELL_MAX	/* characters in one cell (data/model.h) */
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
	struct sheet_rows *pr;		/* rows in pieces (xlsx_pieces.c), or NULL */
};

/* A workbook being written. src_* name the content behind the row being
 * written, so that a warning points at the file to fix. */
struct book {
	const struct site *s;
	lxw_workbook *wb;
	const char *rel;		/* xlsx/…, inside the published folder */
	struct publish *p;		/* told of a failed write */
	lxw_format *head, *date, *money, *coord, *link, *title, *wrap;
	struct diags *d;
	const char *src_file;
	uint32_t src_line, src_col;
	lxw_row_t max_rows;		/* data rows a sheet may hold */
	size_t rows;
	struct buf cut, list, scratch;
	int list_said;			/* an item of list was a text the load warned of */
	struct buf tmpdir;		/* libxlsxwriter's temporary files */
	struct buf path, lxw;		/* the file, and the one libxlsxwriter writes */
	struct cache *cache;		/* or NULL */
	struct cache_pieces *cp;	/* of the file, once a sheet has rows in pieces */
	struct z_stream_s *zs;		/* their compression */
	struct sheet sheets[MAX_SHEETS];
	size_t n_sheets;
	int failed;
	int sys;			/* errno of the assembly's first failed step, or 0 */
};

/* xlsx_sheet.c: cells, sheets and workbooks. */
/* Every call into libxlsxwriter that can fail is checked: the first failure
 * is an error on the workbook with its reason (xlsx_ok for an lxw_error,
 * xlsx_fail for a NULL result), the book is marked failed, and the workbook
 * is not published; never a crash on a NULL sheet, format or chart.
 * xlsx_ok returns 1 when e is LXW_NO_ERROR. */
int xlsx_ok(struct book *bk, lxw_error e);
/* workbook_add_worksheet, its failure recorded (NULL). */
lxw_worksheet *xlsx_add_worksheet(struct book *bk, const char *name);
void xlsx_fail(struct book *bk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Closes (writes) the workbook and records it with the publisher; returns 0
 * or -1 with the reason in bk->d. */
int xlsx_book_close(struct book *bk);
/* Opens the workbook rel (c: the build's cache, or NULL); o->xlsx_rows, when above 0, lowers the rows a
 * sheet may hold (for the tests). libxlsxwriter keeps its temporary files
 * (one per sheet, and the parts of the file at close) in the workbook's own
 * folder of the build (o->xlsx_tmpdir in the tests), not in /tmp: inside
 * what carto writes, and unlinked as soon as they are made. Returns 0, or
 * -1 with the reason in d or recorded by the publisher. */
int xlsx_book_open(struct book *bk, const struct site *s, struct publish *p, struct cache *c,
    const char *rel, const char *title, struct diags *d, const struct build_opts *o);
/*
 * Every text cell is written through the functions below, never
 * worksheet_write_string directly: they cut a text past MAX_TEXT, so no
 * content that `carto check` accepts makes a workbook fail. A cut is said
 * once, not once a cell: the text fields of the content (a data row's with
 * xlsx_put_text, any other cell's with xlsx_cell: headers, the Lisez-moi
 * sheet, notes) were warned of by the load at the field, their length past
 * TEXT_FIELD_MAX (data/model.h), so those cuts say nothing more. A
 * Markdown field, whose length the load leaves alone, is said at the field
 * (xlsx_put_markdown), and a list of several fields (xlsx_put_list) at the
 * row's content (bk->src_*) unless one of its items was warned of; their
 * words name no workbook nor cell, so that what several workbooks say of
 * one text is printed once (diags_print).
 */
void xlsx_cell(struct book *bk, lxw_worksheet *ws, const char *sheet, lxw_row_t row, lxw_col_t c,
    const char *s, lxw_format *f);
/* 1 when s is a text field the load warned of (longer than TEXT_FIELD_MAX). */
int xlsx_said(const char *s);
void xlsx_put_count(struct sheet *sh, lxw_col_t c, long v);
void xlsx_put_date(struct sheet *sh, lxw_col_t c, int ymd);
void xlsx_put_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f);
void xlsx_put_text(struct sheet *sh, lxw_col_t c, const char *s);
void xlsx_put_markdown(struct sheet *sh, lxw_col_t c, const char *s, const struct diag_text *at);
/* bk->list (s is bk->list.data), bk->list_said set by whoever made it. */
void xlsx_put_list(struct sheet *sh, lxw_col_t c, const char *s);
void xlsx_put_tri(struct sheet *sh, lxw_col_t c, enum tri t);
void xlsx_put_url(struct sheet *sh, lxw_col_t c, const char *url);
int xlsx_row_next(struct sheet *sh);
void xlsx_sheet_cols(struct sheet *sh, const struct col *cols, size_t n);
void xlsx_sheet_end(struct sheet *sh, int filter);
struct sheet *xlsx_sheet_new(struct book *bk, const char *name);

/*
 * xlsx_pieces.c: rows in pieces. A sheet may have its data
 * rows written by carto rather than libxlsxwriter (xlsx_rows_start, once
 * its columns are set): the rows come in pieces, each the rows of a group
 * of consecutive organisations, the group ending after an organisation for
 * which xlsx_group_ends is 1 (or at the end): for each group the caller
 * makes the key of what its rows read (xlsx_piece_key, then cache.h's
 * cache_key_org or cache_key_rows; NULL without a cache), and
 * xlsx_piece_begin returns 1 when the previous build's piece was put back
 * (its rows are counted: nothing to write), else 0: the caller writes the
 * rows with xlsx_row_next and the xlsx_put_* calls, in column order, then
 * calls xlsx_piece_end. The same calls on a sheet without rows in pieces
 * write every row through libxlsxwriter. Rows have no "r" reference (they
 * are optional in OOXML: rows and cells follow one another), so a piece
 * does not depend on where it is; a blank cell before another is <c/>.
 * Links do (their <hyperlink> names its cell, its relationship is numbered
 * in the sheet): in a sheet with a link budget a piece's key has its first
 * row and first link, so rows added or removed before it render it again.
 * At close, xlsx_rows_assemble writes the file at path from the one
 * libxlsxwriter wrote at lxw, and records the pieces with the cache; it
 * returns 0, or -1 with the errno of the first step that failed (a read,
 * a write of the zip, its close) in bk->sys (0 when no system call failed).
 */
int xlsx_group_ends(const struct organisme *o);
int xlsx_rows_start(struct sheet *sh);
struct digest_ctx *xlsx_piece_key(const struct sheet *sh);
int xlsx_piece_begin(struct sheet *sh, struct digest_ctx *k);
void xlsx_piece_end(struct sheet *sh);
/* For the sheet layer: a column's width, a row, cells. */
void xlsx_rows_widen(struct sheet *sh, lxw_col_t c, double w);
void xlsx_rows_row(struct sheet *sh);
void xlsx_rows_text(struct sheet *sh, lxw_col_t c, const char *s, size_t n);
void xlsx_rows_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f);
/* A link to url in column c (its text, its <hyperlink> and relationship),
 * as libxlsxwriter's worksheet_write_url writes it; -1 when url is one it
 * reads otherwise (mailto:, internal:, external:): then it is text. */
int xlsx_rows_link(struct sheet *sh, lxw_col_t c, const char *url);
int xlsx_rows_assemble(struct book *bk, const char *lxw, const char *path);
void xlsx_rows_free(struct sheet *sh);

/* xlsx_cols.c: the column groups of organisations, offers and lieux that
 * several workbooks share (xlsx_n_* columns each), their cells, and the
 * "Lisez-moi" sheet. */
extern const struct col xlsx_org_cols[], xlsx_offre_cols[], xlsx_lieu_cols[];
extern const size_t xlsx_n_offre, xlsx_n_lieu;
const char *xlsx_joined(struct book *bk, const struct svals *v, const struct vocab_list *l);
/* The address online of path (one of data/paths.h, maybe with an anchor),
 * in bk->scratch. */
const char *xlsx_page_url(struct book *bk, const char *path);
void xlsx_put_lieu(struct sheet *sh, lxw_col_t c, const struct lieu *l);
void xlsx_put_offre(struct sheet *sh, lxw_col_t c, const struct offre *o);
void xlsx_put_org(struct sheet *sh, lxw_col_t c, const struct organisme *o);
void xlsx_readme(struct book *bk, const char *what, const char *extra);
void xlsx_row_source(struct book *bk, const struct organisme *org, uint32_t line, uint32_t col);

/* The workbooks, one file each; xlsx.c's job list calls them. Each writes
 * one workbook through the publisher, adds the rows it wrote to *rows and
 * returns 0 or -1. */
int carto_book(const struct site *s, const struct cartographie *c, const char *dep,
    struct publish *p, struct cache *cache, struct diags *d, const struct build_opts *o, size_t *rows);
int directory_book(const struct site *s, struct publish *p, struct cache *cache, struct diags *d,
    const struct build_opts *o, size_t *rows);
int ref_book(const struct site *s, const struct referentiel *r, struct publish *p,
    struct diags *d, const struct build_opts *o, size_t *rows);

#endif
