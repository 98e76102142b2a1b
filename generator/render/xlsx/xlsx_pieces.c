/*
 * The large sheets' data rows as pieces (xlsx_int.h, "Rows in pieces"):
 * each group of organisations' rows is its own raw-deflate stream ended by
 * a sync flush (byte-aligned, no final block), so the pieces of a sheet
 * concatenate into one deflate stream; the sheet's entry of the zip is
 * libxlsxwriter's own sheet (its header row, column widths, autofilter and
 * frozen pane) compressed up to its </sheetData>, then the pieces, then the
 * rest closed by a final block, and its CRC-32 is combined from each part's
 * (zlib's crc32_combine). A piece of the previous build whose key has not
 * changed is copied from the published file (cache.h, "Pieces"), its rows
 * counted and its column widths taken from its meta, never rendered again.
 * A sheet with links has two more streams of pieces: each piece's
 * <hyperlink> elements (inserted in the sheet before <printOptions> or
 * <pageMargins>, within <hyperlinks>) and its relationships (the entry
 * xl/worksheets/_rels/sheetN.xml.rels, which carto writes: libxlsxwriter
 * never sees the links), written as libxlsxwriter 1.1.4 writes them (the
 * address before '#' escaped by its lxw_escape_url_characters, the part
 * after it the link's location). Those name the cells' rows and number the
 * relationships (rId1…), so such a sheet's pieces are keyed on their first
 * row and first link too: a piece put back is put back whole, its three
 * parts under keys derived from one.
 * The zip is rewritten with minizip: every other entry of the file
 * libxlsxwriter wrote is copied compressed as it is.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unzip.h>
#include <zip.h>
#include <zlib.h>

#include "../../base/diag.h"
#include "../../base/digest.h"
#include "../../base/mem.h"
#include "../cache.h"
#include "xlsx_int.h"

#define CHUNK 65536
#define LINK_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

/* A piece of this build, recorded once the file is written (its offset in
 * the file is known only then). A piece copied from the published file
 * unread (cache_piece_find) is recorded as copied: its digest and meta
 * are the previous build's. */
struct rows_piece {
	struct digest key, bytes;
	long long off, n;	/* in its stream's compressed bytes */
	char *meta;
	int copied;
};

/* A run of a stream's compressed bytes: in its buffer z (from z.data + at),
 * or in the published file (at its offset at), copied when the file is
 * written, never read before. */
struct seg {
	long long at, n;
	int file;
};

/* A stream of pieces: the rows, the <hyperlink> elements, or the
 * relationships, compressed piece after piece. */
enum { S_ROWS, S_LINKS, S_RELS, N_STREAMS };

struct stream {
	struct buf xml;		/* the piece being rendered */
	struct buf z;		/* the pieces rendered or read back, compressed */
	struct seg *seg;	/* the stream's compressed bytes, run after run */
	size_t n_seg, cap_seg;
	long long out;		/* their length */
	uLong crc;		/* of the stream, uncompressed */
	unsigned long long len;	/* its length uncompressed */
	long long at;		/* where it starts in its zip entry's compressed bytes */
	struct rows_piece *v;
	size_t n, cap;
};

/* What a sheet in pieces has beyond struct sheet. */
struct sheet_rows {
	struct stream st[N_STREAMS];
	struct digest key;	/* of the piece being rendered, when keyed */
	int keyed, open, in_row;
	size_t diags;		/* bk->d's count at the piece's start */
	lxw_row_t first;	/* sh->row at its start */
	size_t first_link;	/* sh->links at its start */
	lxw_col_t col;		/* the next cell's column in the row */
	double *w;		/* the piece's column widths */
	char entry[48];		/* its name in the zip (the sheet is freed at close) */
	char rels[64];		/* the name of its relationships */
};

int xlsx_group_ends(const struct organisme *o)
{
	return cache_piece_ends(o);
}

/* Compresses n bytes at in to the end of out: a stream of its own (zs is
 * reset), ended by flush (Z_SYNC_FLUSH or Z_FINISH). Returns 0 or -1. */
static int deflate_to(z_stream *zs, struct buf *out, const char *in, size_t n, int flush)
{
	if (deflateReset(zs) != Z_OK)
		return -1;
	zs->next_in = (Bytef *)(uintptr_t)in;
	zs->avail_in = (uInt)n;
	for (;;) {
		buf_grow(out, CHUNK);
		zs->next_out = (Bytef *)out->data + out->len;
		zs->avail_out = CHUNK;
		int rc = deflate(zs, flush);
		out->len += CHUNK - zs->avail_out;
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (flush == Z_FINISH ? rc == Z_STREAM_END : zs->avail_out != 0 && zs->avail_in == 0)
			return 0;
	}
}

int xlsx_rows_start(struct sheet *sh)
{
	struct book *bk = sh->bk;
	if (bk->failed)
		return -1;
	if (!bk->zs) {
		bk->zs = xcalloc(1, sizeof(*bk->zs));
		if (deflateInit2(bk->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			free(bk->zs);
			bk->zs = NULL;
			xlsx_fail(bk, "zlib cannot start a compression");
			return -1;
		}
	}
	/* The formats the rows may name, given their numbers now and in this
	 * order, whatever pieces are put back: styles.xml stays the same. */
	lxw_format *used[] = { bk->date, bk->money, bk->coord, bk->link };
	for (size_t i = 0; i < sizeof(used) / sizeof(*used) - !sh->link_budget; i++)
		lxw_format_get_xf_index(used[i]);
	if (!bk->cp)	/* NULL without a cache */
		bk->cp = cache_pieces_open(bk->cache, bk->p, bk->rel);
	struct sheet_rows *pr = xcalloc(1, sizeof(*pr));
	for (int i = 0; i < N_STREAMS; i++) {
		pr->st[i].xml = pr->st[i].z = (struct buf)BUF_INIT;
		pr->st[i].crc = crc32(0, NULL, 0);
	}
	pr->w = xcalloc(sh->ncol ? sh->ncol : 1, sizeof(*pr->w));
	snprintf(pr->entry, sizeof(pr->entry), "xl/worksheets/sheet%u.xml", (unsigned)sh->ws->index + 1);
	snprintf(pr->rels, sizeof(pr->rels), "xl/worksheets/_rels/sheet%u.xml.rels", (unsigned)sh->ws->index + 1);
	sh->pr = pr;
	return 0;
}

struct digest_ctx *xlsx_piece_key(const struct sheet *sh)
{
	if (!sh->pr || !sh->bk->cp)
		return NULL;
	struct digest_ctx *k = cache_piece_key(sh->bk->cp);
	digest_str(k, sh->name);
	if (sh->link_budget) {	/* its links name rows and are numbered */
		digest_num(k, (long long)sh->row);
		digest_num(k, (long long)sh->links);
	}
	return k;
}

/* The meta of a piece of rows: "<crc>.<length>.<rows>.<links>.<widths>",
 * the CRC-32 in hex and the length of its rows uncompressed, how many rows
 * and links they are, and one character a column, '0' + its width (0 to
 * MAX_WIDTH); of a piece of links or relationships, "<crc>.<length>." */
static char *meta_of(const struct sheet *sh, uLong crc, size_t len, lxw_row_t rows, size_t links,
    const double *w)
{
	struct buf m = BUF_INIT;
	buf_printf(&m, "%08lx.%zu.", (unsigned long)crc, len);
	if (w) {
		buf_printf(&m, "%u.%zu.", (unsigned)rows, links);
		for (lxw_col_t c = 0; c < sh->ncol; c++)
			buf_putc(&m, (char)('0' + (int)w[c]));
	}
	return buf_detach(&m, NULL);
}

/* Reads the n numbers at the start of meta, each ended by '.', the first
 * in hex; returns what follows, or NULL. */
static const char *meta_nums(const char *meta, unsigned long long *v, int n)
{
	char *e;
	const char *s = meta;
	for (int i = 0; s && i < n; i++) {
		if (!isxdigit((unsigned char)*s))
			return NULL;
		errno = 0;
		v[i] = strtoull(s, &e, i == 0 ? 16 : 10);
		if (errno || *e != '.')
			return NULL;
		s = e + 1;
	}
	return v[0] > 0xFFFFFFFFull ? NULL : s;
}

/* Reads a piece of rows' meta (meta_of) into its parts, the widths into w;
 * -1 when it is not one of this sheet. */
static int meta_read(const struct sheet *sh, const char *meta, uLong *crc, unsigned long long *len,
    lxw_row_t *rows, size_t *links, double *w)
{
	unsigned long long v[4];
	const char *s = meta_nums(meta, v, 4);
	if (!s || v[2] > LXW_ROW_MAX || v[3] > LINK_BUDGET || strlen(s) != sh->ncol)
		return -1;
	for (lxw_col_t c = 0; c < sh->ncol; c++) {
		if (s[c] < '0' || s[c] > '0' + MAX_WIDTH)
			return -1;
		w[c] = s[c] - '0';
	}
	*crc = (uLong)v[0];
	*len = v[1];
	*rows = (lxw_row_t)v[2];
	*links = (size_t)v[3];
	return 0;
}

/* Appends n bytes to the stream's runs: of z from at, or of the published
 * file from at (file); a run that follows the last one extends it.
 * Returns where they start in the stream's compressed bytes. */
static long long add_seg(struct stream *st, long long at, long long n, int file)
{
	long long out = st->out;
	struct seg *last = st->n_seg ? &st->seg[st->n_seg - 1] : NULL;
	st->out += n;
	if (!n)
		return out;
	if (last && last->file == file && last->at + last->n == at) {
		last->n += n;
		return out;
	}
	st->seg = xgrow(st->seg, &st->cap_seg, st->n_seg + 1, sizeof(*st->seg));
	st->seg[st->n_seg++] = (struct seg){ at, n, file };
	return out;
}

/* Keeps the piece of key k whose compressed bytes st->z holds from at. */
static void keep_piece(struct stream *st, const struct digest *k, size_t at, char *meta)
{
	long long n = (long long)(st->z.len - at);
	st->v = xgrow(st->v, &st->cap, st->n + 1, sizeof(*st->v));
	st->v[st->n++] = (struct rows_piece){ *k, digest_bytes(st->z.data + at, (size_t)n),
		add_seg(st, (long long)at, n, 0), n, meta, 0 };
}

/* The key of the part i of the piece of key k: k itself for the rows. */
static struct digest part_key(const struct digest *k, int i)
{
	if (i == S_ROWS)
		return *k;
	struct digest_ctx *d = digest_new();
	digest_fold(d, k);
	digest_num(d, i);
	return digest_end(d);
}

static void widen_sheet(struct sheet *sh, const double *w)
{
	for (lxw_col_t c = 0; c < sh->ncol; c++)
		if (w[c] > sh->width[c])
			sh->width[c] = w[c];
}

/* Puts back the part i of the previous build's piece of key k, whose meta
 * is meta (crc and length first); 1 when done. The published file is the
 * one the list was recorded from (cache_piece_find): the piece is a run of
 * it, copied when the file is written (a rename of one organisation put
 * back 5,367 pieces, 11 MB read into fresh memory); else it is read back
 * and checked. */
static int put_back_part(struct sheet *sh, int i, const struct digest *k, const char *meta)
{
	struct stream *st = &sh->pr->st[i];
	unsigned long long v[2];
	size_t at = st->z.len;
	long long from, n;
	if (!meta || !meta_nums(meta, v, 2))
		return 0;
	if ((n = cache_piece_find(sh->bk->cp, k, NULL, &from)) >= 0) {
		st->v = xgrow(st->v, &st->cap, st->n + 1, sizeof(*st->v));
		st->v[st->n++] = (struct rows_piece){ *k, { 0, 0 }, add_seg(st, from, n, 1), n, NULL, 1 };
	} else if (cache_piece_put_back(sh->bk->cp, k, &st->z, NULL))
		keep_piece(st, k, at, xstrdup(meta));
	else
		return 0;
	st->crc = crc32_combine(st->crc, (uLong)v[0], (z_off_t)v[1]);
	st->len += v[1];
	return 1;
}

/* Puts back the previous build's piece pr->key, with its links; 1 when
 * done, else 0 and the streams are as they were. */
static int put_back(struct sheet *sh, struct sheet_rows *pr)
{
	struct book *bk = sh->bk;
	const char *meta = cache_piece_meta(bk->cp, &pr->key);
	uLong crc;
	unsigned long long len;
	lxw_row_t rows;
	size_t links;
	struct stream was[N_STREAMS];
	struct seg last[N_STREAMS];
	if (!meta || meta_read(sh, meta, &crc, &len, &rows, &links, pr->w) < 0 ||
	    sh->row + (unsigned long long)rows > bk->max_rows || sh->links + links > sh->link_budget)
		return 0;
	memcpy(was, pr->st, sizeof(was));
	for (int i = 0; i < N_STREAMS; i++)
		if (pr->st[i].n_seg)
			last[i] = pr->st[i].seg[pr->st[i].n_seg - 1];
	int ok = put_back_part(sh, S_ROWS, &pr->key, meta);
	for (int i = S_LINKS; ok && links && i < N_STREAMS; i++) {
		struct digest k = part_key(&pr->key, i);
		ok = put_back_part(sh, i, &k, cache_piece_meta(bk->cp, &k));
	}
	if (!ok) {
		for (int i = 0; i < N_STREAMS; i++) {
			struct stream *st = &pr->st[i];
			for (size_t m = was[i].n; m < st->n; m++)
				free(st->v[m].meta);
			st->n = was[i].n;
			st->crc = was[i].crc;
			st->len = was[i].len;
			st->out = was[i].out;
			if ((st->n_seg = was[i].n_seg))
				st->seg[st->n_seg - 1] = last[i];
			buf_truncate(&st->z, was[i].z.len);
		}
		return 0;
	}
	sh->row += rows;
	sh->links += links;
	bk->rows += rows;
	widen_sheet(sh, pr->w);
	return 1;
}

int xlsx_piece_begin(struct sheet *sh, struct digest_ctx *k)
{
	struct sheet_rows *pr = sh->pr;
	if (!pr) {	/* cells through libxlsxwriter */
		if (k)
			digest_end(k);
		return 0;
	}
	pr->keyed = k != NULL;
	if (k)
		pr->key = digest_end(k);
	if (sh->full)	/* rows left out (xlsx_row_next has warned) */
		return 1;
	if (pr->keyed && put_back(sh, pr))
		return 1;
	for (int i = 0; i < N_STREAMS; i++)
		buf_reset(&pr->st[i].xml);
	memset(pr->w, 0, sh->ncol * sizeof(*pr->w));
	pr->open = 1;
	pr->in_row = 0;
	pr->diags = sh->bk->d->n;
	pr->first = sh->row;
	pr->first_link = sh->links;
	return 0;
}

/* Compresses the piece of stream st to its end; its CRC-32 in *crc.
 * Returns 0 or -1. */
static int piece_deflate(struct book *bk, struct stream *st, uLong *crc)
{
	if (st->xml.len && deflate_to(bk->zs, &st->z, st->xml.data, st->xml.len, Z_SYNC_FLUSH) < 0)
		return -1;
	*crc = crc32(0, (const Bytef *)st->xml.data, (uInt)st->xml.len);
	st->crc = crc32_combine(st->crc, *crc, (z_off_t)st->xml.len);
	st->len += st->xml.len;
	return 0;
}

void xlsx_piece_end(struct sheet *sh)
{
	struct sheet_rows *pr = sh->pr;
	struct book *bk = sh->bk;
	if (!pr || !pr->open)
		return;
	pr->open = 0;
	if (pr->in_row)
		buf_puts(&pr->st[S_ROWS].xml, "</row>");
	size_t at[N_STREAMS];
	uLong crc[N_STREAMS];
	for (int i = 0; i < N_STREAMS; i++) {
		at[i] = pr->st[i].z.len;
		if (piece_deflate(bk, &pr->st[i], &crc[i]) < 0) {
			xlsx_fail(bk, "zlib cannot compress the rows of the sheet %s", sh->name);
			return;
		}
	}
	widen_sheet(sh, pr->w);
	/* A piece that warned is rendered again next time (its warning is
	 * never lost), and so is one the row limit cut. */
	if (!pr->keyed || bk->d->n != pr->diags || sh->full || !bk->cp) {
		for (int i = 0; i < N_STREAMS; i++)
			add_seg(&pr->st[i], (long long)at[i], (long long)(pr->st[i].z.len - at[i]), 0);
		return;
	}
	size_t links = sh->links - pr->first_link;
	for (int i = 0; i < N_STREAMS; i++) {
		struct digest k = part_key(&pr->key, i);
		if (i == S_ROWS || links)
			keep_piece(&pr->st[i], &k, at[i], meta_of(sh, crc[i], pr->st[i].xml.len,
			    sh->row - pr->first, links, i == S_ROWS ? pr->w : NULL));
		else	/* (nothing: no links) */
			add_seg(&pr->st[i], (long long)at[i], (long long)(pr->st[i].z.len - at[i]), 0);
	}
}

/* ---- cells, as libxlsxwriter writes them in constant_memory mode ---- */

void xlsx_rows_widen(struct sheet *sh, lxw_col_t c, double w)
{
	double *to = sh->pr && sh->pr->open ? sh->pr->w : sh->width;
	if (w > to[c])
		to[c] = w;
}

void xlsx_rows_row(struct sheet *sh)
{
	struct sheet_rows *pr = sh->pr;
	buf_puts(&pr->st[S_ROWS].xml, pr->in_row ? "</row><row>" : "<row>");
	pr->in_row = 1;
	pr->col = 0;
}

/* Starts the cell of column c: cells have no reference (a row's cells
 * follow one another), so a blank one before it is an empty <c/>. */
static struct buf *cell(struct sheet_rows *pr, lxw_col_t c)
{
	struct buf *b = &pr->st[S_ROWS].xml;
	for (; pr->col < c; pr->col++)
		buf_puts(b, "<c/>");
	pr->col = c + 1;
	return b;
}

/* Control characters but tab and line feed are _xHHHH_ (as
 * lxw_escape_control_characters writes them); & < > are entities. */
static void text_escaped(struct buf *b, const char *s, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *ent = ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : NULL;
		if (!ent && (ch >= 0x20 || ch == '\t' || ch == '\n'))
			continue;
		buf_add(b, s + from, i - from);
		if (ent)
			buf_puts(b, ent);
		else
			buf_printf(b, "_x%04X_", ch);
		from = i + 1;
	}
	buf_add(b, s + from, n - from);
}

/* A space kept at either end (the control characters are escaped first,
 * so only space, tab and line feed count). */
static int kept_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n';
}

/* A text cell, of format f (or none). */
static void text_cell(struct sheet *sh, lxw_col_t c, const char *s, size_t n, lxw_format *f)
{
	struct buf *b = cell(sh->pr, c);
	if (f)
		buf_printf(b, "<c s=\"%d\" t=\"inlineStr\"><is>", (int)lxw_format_get_xf_index(f));
	else
		buf_puts(b, "<c t=\"inlineStr\"><is>");
	buf_puts(b, kept_space((unsigned char)s[0]) || kept_space((unsigned char)s[n - 1]) ?
	    "<t xml:space=\"preserve\">" : "<t>");
	text_escaped(b, s, n);
	buf_puts(b, "</t></is></c>");
}

void xlsx_rows_text(struct sheet *sh, lxw_col_t c, const char *s, size_t n)
{
	text_cell(sh, c, s, n, NULL);
}

void xlsx_rows_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f)
{
	struct buf *b = cell(sh->pr, c);
	if (f)
		buf_printf(b, "<c s=\"%d\"><v>%.16G</v></c>", (int)lxw_format_get_xf_index(f), v);
	else
		buf_printf(b, "<c><v>%.16G</v></c>", v);
}

/* s as an XML attribute's value. */
static void attr_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
}

int xlsx_rows_link(struct sheet *sh, lxw_col_t c, const char *url)
{
	struct sheet_rows *pr = sh->pr;
	struct book *bk = sh->bk;
	/* libxlsxwriter gives these prefixes a meaning of their own */
	static const char *const special[] = { "mailto:", "internal:", "external:" };
	for (size_t i = 0; i < sizeof(special) / sizeof(*special); i++)
		if (strncmp(url, special[i], strlen(special[i])) == 0)
			return -1;
	const char *hash = strchr(url, '#');
	buf_reset(&bk->cut);
	buf_add(&bk->cut, url, hash ? (size_t)(hash - url) : strlen(url));
	char *target = lxw_escape_url_characters(bk->cut.data, LXW_FALSE);
	if (!target)
		return -1;
	text_cell(sh, c, url, strlen(url), bk->link);
	size_t id = sh->links + 1;
	char col[16];
	lxw_col_to_name(col, c, LXW_FALSE);
	struct buf *h = &pr->st[S_LINKS].xml, *r = &pr->st[S_RELS].xml;
	buf_printf(h, "<hyperlink ref=\"%s%u\" r:id=\"rId%zu\"", col, (unsigned)sh->row + 1, id);
	if (hash) {
		buf_puts(h, " location=\"");
		attr_escaped(h, hash + 1);
		buf_putc(h, '"');
	}
	buf_puts(h, "/>");
	buf_printf(r, "<Relationship Id=\"rId%zu\" Type=\"" LINK_REL "\" Target=\"", id);
	attr_escaped(r, target);
	buf_puts(r, "\" TargetMode=\"External\"/>");
	free(target);
	return 0;
}

/* ---- the file ---- */

/* A step of the assembly failed: keeps sys, the errno of the step (set to
 * 0 before it, so that 0 means no system call failed), as bk->sys when it
 * is the first, for xlsx_book_close to say why. Returns -1. */
static int step_failed(struct book *bk, int sys)
{
	if (!bk->sys)
		bk->sys = sys;
	return -1;
}

/* Copies the entry at uf to zf, compressed as it is. */
static int copy_raw(struct book *bk, unzFile uf, zipFile zf, const char *name,
    const unz_file_info64 *in, const zip_fileinfo *zi, struct buf *tmp)
{
	int method, level;
	errno = 0;
	if (unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK)
		return step_failed(bk, errno);
	errno = 0;
	int rc = zipOpenNewFileInZip2_64(zf, name, zi, NULL, 0, NULL, 0, NULL, method, level, 1,
	    in->uncompressed_size >= 0xFFFFFFFFull) == ZIP_OK ? 0 : step_failed(bk, errno);
	for (int got; rc == 0;) {
		buf_reset(tmp);
		buf_grow(tmp, CHUNK);
		errno = 0;
		if ((got = unzReadCurrentFile(uf, tmp->data, CHUNK)) <= 0) {
			rc = got < 0 ? step_failed(bk, errno) : 0;
			break;
		}
		errno = 0;
		rc = zipWriteInFileInZip(zf, tmp->data, (unsigned)got) == ZIP_OK ? 0 : step_failed(bk, errno);
	}
	errno = 0;
	if (zipCloseFileInZipRaw64(zf, in->uncompressed_size, in->crc) != ZIP_OK)
		rc = step_failed(bk, errno);
	unzCloseCurrentFile(uf);
	return rc;
}

/* Gives zf's open entry the n bytes at from, in calls that fit its
 * unsigned length. Returns 0 or -1. */
static int zip_write(struct book *bk, zipFile zf, const char *from, size_t n)
{
	for (size_t o = 0; o < n; o += CHUNK * 256) {
		size_t m = n - o < CHUNK * 256 ? n - o : CHUNK * 256;
		errno = 0;
		if (zipWriteInFileInZip(zf, from + o, (unsigned)m) != ZIP_OK)
			return step_failed(bk, errno);
	}
	return 0;
}

/* Gives zf's open entry the compressed bytes of st, run after run: its
 * runs of the published file read into rd (reused, CHUNK * 4 at a time:
 * it stays in the processor's cache). Returns 0 or -1 (the published file
 * is shorter than its list said, or cannot be read). */
static int write_stream(struct book *bk, zipFile zf, const struct stream *st, struct buf *rd)
{
	const char *path;
	long long size;
	int fd = -1;
	for (size_t i = 0; i < st->n_seg; i++) {
		const struct seg *g = &st->seg[i];
		if (!g->file) {
			if (zip_write(bk, zf, st->z.data + g->at, (size_t)g->n) < 0)
				return -1;
			continue;
		}
		errno = 0;
		if (fd < 0 && (fd = cache_pieces_published(bk->cp, &path, &size)) < 0)
			return step_failed(bk, errno);
		buf_reset(rd);
		buf_grow(rd, CHUNK * 4);
		for (long long o = 0; o < g->n;) {
			size_t want = g->n - o < CHUNK * 4 ? (size_t)(g->n - o) : CHUNK * 4;
			ssize_t r = pread(fd, rd->data, want, (off_t)(g->at + o));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)	/* 0: the file is shorter than its list said */
				return step_failed(bk, r < 0 ? errno : 0);
			if (zip_write(bk, zf, rd->data, (size_t)r) < 0)
				return -1;
			o += r;
		}
	}
	return 0;
}

/* A part of a zip entry: bytes to compress, or a stream of pieces. */
struct part {
	const char *data;
	size_t len;
	struct stream *st;
};

/* Writes the entry name of the n parts, in order: each part of bytes its
 * own deflate stream (the last, always bytes, finished), each stream's
 * pieces as they are, whose start it sets. Returns 0 or -1. */
static int write_entry(struct book *bk, zipFile zf, const char *name, const zip_fileinfo *zi,
    const struct part *pt, size_t n)
{
	struct buf z = BUF_INIT;
	size_t at[8];
	uLong crc = crc32(0, NULL, 0);
	unsigned long long total = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		at[i] = z.len;
		if (pt[i].st) {
			crc = crc32_combine(crc, pt[i].st->crc, (z_off_t)pt[i].st->len);
			total += pt[i].st->len;
			continue;
		}
		rc = deflate_to(bk->zs, &z, pt[i].data, pt[i].len, i + 1 == n ? Z_FINISH : Z_SYNC_FLUSH);
		crc = crc32_combine(crc, crc32(0, (const Bytef *)pt[i].data, (uInt)pt[i].len), (z_off_t)pt[i].len);
		total += pt[i].len;
	}
	errno = 0;
	if (rc == 0)
		rc = zipOpenNewFileInZip2_64(zf, name, zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
		    Z_DEFAULT_COMPRESSION, 1, total >= 0xFFFFFFFFull) == ZIP_OK ? 0 : step_failed(bk, errno);
	long long off = 0;
	struct buf rd = BUF_INIT;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (pt[i].st) {
			pt[i].st->at = off;
			off += pt[i].st->out;
			rc = write_stream(bk, zf, pt[i].st, &rd);
			continue;
		}
		size_t len = (i + 1 < n ? at[i + 1] : z.len) - at[i];
		off += (long long)len;
		rc = zip_write(bk, zf, z.data + at[i], len);
	}
	buf_release(&rd);
	errno = 0;
	if (rc == 0 && zipCloseFileInZipRaw64(zf, total, crc) != ZIP_OK)
		rc = step_failed(bk, errno);
	buf_release(&z);
	return rc;
}

/* The first of the tags at or after from in b, or NULL. */
static const char *find_tag(const struct buf *b, const char *from, const char *const *tags, size_t n)
{
	for (const char *p = from; (p = memchr(p, '<', b->len - (size_t)(p - b->data))); p++)
		for (size_t i = 0; i < n; i++)
			if (strncmp(p, tags[i], strlen(tags[i])) == 0)
				return p;
	return NULL;
}

/* Writes the entry of sh: libxlsxwriter's sheet (in uf, with its header
 * row) around the rows of the pieces, and their <hyperlinks>. */
static int write_rows(struct book *bk, struct sheet *sh, unzFile uf, zipFile zf, const char *name,
    const zip_fileinfo *zi, struct buf *tmp)
{
	struct sheet_rows *pr = sh->pr;
	buf_reset(tmp);
	errno = 0;
	if (unzOpenCurrentFile(uf) != UNZ_OK)
		return step_failed(bk, errno);
	for (int got;;) {
		buf_grow(tmp, CHUNK);
		errno = 0;
		if ((got = unzReadCurrentFile(uf, tmp->data + tmp->len, CHUNK)) <= 0) {
			if (got < 0 || unzCloseCurrentFile(uf) != UNZ_OK)
				return step_failed(bk, errno);
			break;
		}
		tmp->len += (size_t)got;
	}
	static const char *const data_end[] = { "</sheetData>" },
	    *const links_at[] = { "<printOptions", "<pageMargins" };
	const char *end = find_tag(tmp, tmp->data, data_end, 1);
	const char *ins = end && pr->st[S_LINKS].len ? find_tag(tmp, end, links_at, 2) : NULL;
	if (!end || (pr->st[S_LINKS].len && !ins)) {
		xlsx_fail(bk, "libxlsxwriter's sheet %s has no %s", sh->name,
		    end ? "<pageMargins>" : "</sheetData>");
		return -1;
	}
	const char *stop = tmp->data + tmp->len;
	if (!ins) {
		struct part pt[] = { { tmp->data, (size_t)(end - tmp->data), NULL },
			{ NULL, 0, &pr->st[S_ROWS] }, { end, (size_t)(stop - end), NULL } };
		return write_entry(bk, zf, name, zi, pt, 3);
	}
	struct buf mid = BUF_INIT, tail = BUF_INIT;
	buf_add(&mid, end, (size_t)(ins - end));
	buf_puts(&mid, "<hyperlinks>");
	buf_puts(&tail, "</hyperlinks>");
	buf_add(&tail, ins, (size_t)(stop - ins));
	struct part pt[] = { { tmp->data, (size_t)(end - tmp->data), NULL },
		{ NULL, 0, &pr->st[S_ROWS] }, { mid.data, mid.len, NULL },
		{ NULL, 0, &pr->st[S_LINKS] }, { tail.data, tail.len, NULL } };
	int rc = write_entry(bk, zf, name, zi, pt, 5);
	buf_release(&mid);
	buf_release(&tail);
	return rc;
}

/* Writes the relationships of the links of sh, when it has any. */
static int write_rels(struct book *bk, struct sheet *sh, zipFile zf, const zip_fileinfo *zi)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
	    tail[] = "</Relationships>";
	if (!sh->pr || !sh->pr->st[S_RELS].len)
		return 0;
	struct part pt[] = { { head, sizeof(head) - 1, NULL }, { NULL, 0, &sh->pr->st[S_RELS] },
		{ tail, sizeof(tail) - 1, NULL } };
	return write_entry(bk, zf, sh->pr->rels, zi, pt, 3);
}

static struct sheet *rows_sheet(struct book *bk, const char *name, int rels)
{
	for (size_t i = 0; i < bk->n_sheets; i++)
		if (bk->sheets[i].pr && strcmp(name, rels ? bk->sheets[i].pr->rels : bk->sheets[i].pr->entry) == 0)
			return &bk->sheets[i];
	return NULL;
}

/* Records the pieces of stream st, which starts at base in the file. */
static void record_stream(struct book *bk, const struct stream *st, long long base)
{
	for (size_t k = 0; k < st->n; k++) {
		const struct rows_piece *v = &st->v[k];
		if (v->copied)
			cache_piece_copy(bk->cp, &v->key, -1, base + st->at + v->off);
		else
			cache_piece_note(bk->cp, &v->key, &v->bytes, v->n, base + st->at + v->off, v->meta);
	}
}

/* Where the compressed bytes of the entry name start in uf's file, or -1. */
static long long entry_at(unzFile uf, const char *name)
{
	int method, level;
	if (unzLocateFile(uf, name, 1) != UNZ_OK || unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK)
		return -1;
	long long at = (long long)unzGetCurrentFileZStreamPos64(uf);
	unzCloseCurrentFile(uf);
	return at;
}

/* Records the pieces of the file at path with their offsets in it. */
static void record(struct book *bk, const char *path)
{
	unzFile uf = unzOpen64(path);
	for (size_t i = 0; uf && i < bk->n_sheets; i++) {
		struct sheet_rows *pr = bk->sheets[i].pr;
		if (!pr)
			continue;
		long long at = entry_at(uf, pr->entry), rels = pr->st[S_RELS].n ? entry_at(uf, pr->rels) : 0;
		if (at < 0 || rels < 0)
			break;
		record_stream(bk, &pr->st[S_ROWS], at);
		record_stream(bk, &pr->st[S_LINKS], at);
		record_stream(bk, &pr->st[S_RELS], rels);
	}
	if (uf)
		unzClose(uf);
}

int xlsx_rows_assemble(struct book *bk, const char *lxw, const char *path)
{
	struct buf tmp = BUF_INIT;
	char name[256];
	errno = 0;
	unzFile uf = unzOpen64(lxw);
	zipFile zf = uf ? zipOpen64(path, APPEND_STATUS_CREATE) : NULL;
	int rc = zf ? 0 : step_failed(bk, errno), rels_done = 0;
	zip_fileinfo zi = { 0 };
	int more;
	for (more = rc == 0 ? unzGoToFirstFile(uf) : UNZ_END_OF_LIST_OF_FILE;
	    more == UNZ_OK && rc == 0; more = (errno = 0, unzGoToNextFile(uf))) {
		unz_file_info64 in;
		errno = 0;
		if (unzGetCurrentFileInfo64(uf, &in, name, sizeof(name), NULL, 0, NULL, 0) != UNZ_OK) {
			rc = step_failed(bk, errno);
			break;
		}
		zi = (zip_fileinfo){
			.tmz_date = { in.tmu_date.tm_sec, in.tmu_date.tm_min, in.tmu_date.tm_hour,
				in.tmu_date.tm_mday, in.tmu_date.tm_mon, in.tmu_date.tm_year },
			.dosDate = in.dosDate, .internal_fa = in.internal_fa, .external_fa = in.external_fa,
		};
		struct sheet *sh = rows_sheet(bk, name, 1);
		if (sh && sh->pr->st[S_RELS].len) {	/* the sheet has relationships of its own */
			xlsx_fail(bk, "the sheet %s has links and other relationships", sh->name);
			rc = -1;
			break;
		}
		/* the links' relationships go before the document's properties */
		if (!rels_done && strncmp(name, "docProps/", 9) == 0) {
			for (size_t i = 0; rc == 0 && i < bk->n_sheets; i++)
				rc = write_rels(bk, &bk->sheets[i], zf, &zi);
			rels_done = 1;
		}
		sh = rows_sheet(bk, name, 0);
		if (rc == 0)
			rc = sh ? write_rows(bk, sh, uf, zf, name, &zi, &tmp) : copy_raw(bk, uf, zf, name, &in, &zi, &tmp);
	}
	if (rc == 0 && more != UNZ_END_OF_LIST_OF_FILE)	/* not every entry was read */
		rc = step_failed(bk, errno);
	for (size_t i = 0; !rels_done && rc == 0 && i < bk->n_sheets; i++)
		rc = write_rels(bk, &bk->sheets[i], zf, &zi);
	errno = 0;
	if (zf && zipClose(zf, NULL) != ZIP_OK)	/* it flushes and closes the file */
		rc = step_failed(bk, errno);
	if (uf)
		unzClose(uf);
	buf_release(&tmp);
	if (rc == 0 && bk->cp)
		record(bk, path);
	return rc;
}

void xlsx_rows_free(struct sheet *sh)
{
	struct sheet_rows *pr = sh->pr;
	if (!pr)
		return;
	for (int i = 0; i < N_STREAMS; i++) {
		struct stream *st = &pr->st[i];
		for (size_t k = 0; k < st->n; k++)
			free(st->v[k].meta);
		free(st->v);
		free(st->seg);
		buf_release(&st->xml);
		buf_release(&st->z);
	}
	free(pr->w);
	free(pr);
	sh->pr = NULL;
}
