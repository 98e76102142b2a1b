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
 * The zip is rewritten with minizip: every other entry of the file
 * libxlsxwriter wrote is copied compressed as it is.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unzip.h>
#include <zip.h>
#include <zlib.h>

#include "../../base/diag.h"
#include "../../base/digest.h"
#include "../../base/mem.h"
#include "../cache.h"
#include "xlsx_int.h"

#define CHUNK 65536

/* A piece of this build, recorded once the file is written (its offset in
 * the file is known only then). */
struct rows_piece {
	struct digest key, bytes;
	long long off, n;	/* in the sheet's compressed rows */
	char *meta;
};

/* What a sheet in pieces has beyond struct sheet. */
struct sheet_rows {
	struct buf xml;		/* the piece being rendered */
	struct buf z;		/* the sheet's rows, compressed, piece after piece */
	uLong crc;		/* of the rows, uncompressed */
	unsigned long long len;	/* their length uncompressed */
	struct digest key;	/* of the piece being rendered, when keyed */
	int keyed, open, in_row;
	size_t diags;		/* bk->d's count at the piece's start */
	lxw_row_t first;	/* sh->row at its start */
	lxw_col_t col;		/* the next cell's column in the row */
	double *w;		/* the piece's column widths */
	long long head_z;	/* the entry's compressed bytes before the rows */
	char entry[48];		/* its name in the zip (the sheet is freed at close) */
	struct rows_piece *v;
	size_t n, cap;
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
	if (bk->failed || sh->link_budget)
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
	lxw_format *used[] = { bk->date, bk->money, bk->coord };
	for (size_t i = 0; i < sizeof(used) / sizeof(*used); i++)
		lxw_format_get_xf_index(used[i]);
	if (!bk->cp)	/* NULL without a cache */
		bk->cp = cache_pieces_open(bk->cache, bk->p, bk->rel);
	struct sheet_rows *pr = xcalloc(1, sizeof(*pr));
	pr->xml = pr->z = (struct buf)BUF_INIT;
	pr->crc = crc32(0, NULL, 0);
	pr->w = xcalloc(sh->ncol ? sh->ncol : 1, sizeof(*pr->w));
	snprintf(pr->entry, sizeof(pr->entry), "xl/worksheets/sheet%u.xml", (unsigned)sh->ws->index + 1);
	sh->pr = pr;
	return 0;
}

struct digest_ctx *xlsx_piece_key(const struct sheet *sh)
{
	if (!sh->pr || !sh->bk->cp)
		return NULL;
	struct digest_ctx *k = cache_piece_key(sh->bk->cp);
	digest_str(k, sh->name);
	return k;
}

/* The meta of a piece: "<crc>.<length>.<rows>.<widths>", the CRC-32 in hex
 * and the length of its rows uncompressed, how many they are, and one
 * character a column, '0' + its width (0 to MAX_WIDTH). */
static char *meta_of(const struct sheet *sh, uLong crc, size_t len, lxw_row_t rows, const double *w)
{
	struct buf m = BUF_INIT;
	buf_printf(&m, "%08lx.%zu.%u.", (unsigned long)crc, len, (unsigned)rows);
	for (lxw_col_t c = 0; c < sh->ncol; c++)
		buf_putc(&m, (char)('0' + (int)w[c]));
	return buf_detach(&m, NULL);
}

/* Reads meta (meta_of) into its parts, the widths into w; -1 when it is
 * not one of this sheet. */
static int meta_read(const struct sheet *sh, const char *meta, uLong *crc, unsigned long long *len,
    lxw_row_t *rows, double *w)
{
	char *e;
	unsigned long long v[3];
	const char *s = meta;
	for (int i = 0; i < 3; i++) {
		if (!isxdigit((unsigned char)*s))
			return -1;
		errno = 0;
		v[i] = strtoull(s, &e, i == 0 ? 16 : 10);
		if (errno || *e != '.')
			return -1;
		s = e + 1;
	}
	if (v[0] > 0xFFFFFFFFull || v[2] > LXW_ROW_MAX || strlen(s) != sh->ncol)
		return -1;
	for (lxw_col_t c = 0; c < sh->ncol; c++) {
		if (s[c] < '0' || s[c] > '0' + MAX_WIDTH)
			return -1;
		w[c] = s[c] - '0';
	}
	*crc = (uLong)v[0];
	*len = v[1];
	*rows = (lxw_row_t)v[2];
	return 0;
}

static void keep_piece(struct sheet_rows *pr, const struct digest *k, size_t at, char *meta)
{
	pr->v = xgrow(pr->v, &pr->cap, pr->n + 1, sizeof(*pr->v));
	pr->v[pr->n++] = (struct rows_piece){ *k, digest_bytes(pr->z.data + at, pr->z.len - at),
		(long long)at, (long long)(pr->z.len - at), meta };
}

static void widen_sheet(struct sheet *sh, const double *w)
{
	for (lxw_col_t c = 0; c < sh->ncol; c++)
		if (w[c] > sh->width[c])
			sh->width[c] = w[c];
}

/* Puts back the previous build's piece pr->key; 1 when done. */
static int put_back(struct sheet *sh, struct sheet_rows *pr)
{
	struct book *bk = sh->bk;
	const char *meta = cache_piece_meta(bk->cp, &pr->key);
	uLong crc;
	unsigned long long len;
	lxw_row_t rows;
	size_t at = pr->z.len;
	if (!meta || meta_read(sh, meta, &crc, &len, &rows, pr->w) < 0 ||
	    sh->row + (unsigned long long)rows > bk->max_rows ||
	    !cache_piece_put_back(bk->cp, &pr->key, &pr->z, NULL))
		return 0;
	keep_piece(pr, &pr->key, at, xstrdup(meta));
	pr->crc = crc32_combine(pr->crc, crc, (z_off_t)len);
	pr->len += len;
	sh->row += rows;
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
	buf_reset(&pr->xml);
	memset(pr->w, 0, sh->ncol * sizeof(*pr->w));
	pr->open = 1;
	pr->in_row = 0;
	pr->diags = sh->bk->d->n;
	pr->first = sh->row;
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
		buf_puts(&pr->xml, "</row>");
	size_t at = pr->z.len;
	if (pr->xml.len && deflate_to(bk->zs, &pr->z, pr->xml.data, pr->xml.len, Z_SYNC_FLUSH) < 0) {
		xlsx_fail(bk, "zlib cannot compress the rows of the sheet %s", sh->name);
		return;
	}
	uLong crc = crc32(0, (const Bytef *)pr->xml.data, (uInt)pr->xml.len);
	pr->crc = crc32_combine(pr->crc, crc, (z_off_t)pr->xml.len);
	pr->len += pr->xml.len;
	widen_sheet(sh, pr->w);
	/* A piece that warned is rendered again next time (its warning is
	 * never lost), and so is one the row limit cut. */
	if (pr->keyed && bk->d->n == pr->diags && !sh->full && bk->cp)
		keep_piece(pr, &pr->key, at, meta_of(sh, crc, pr->xml.len, sh->row - pr->first, pr->w));
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
	buf_puts(&pr->xml, pr->in_row ? "</row><row>" : "<row>");
	pr->in_row = 1;
	pr->col = 0;
}

/* Starts the cell of column c: cells have no reference (a row's cells
 * follow one another), so a blank one before it is an empty <c/>. */
static void cell(struct sheet_rows *pr, lxw_col_t c)
{
	for (; pr->col < c; pr->col++)
		buf_puts(&pr->xml, "<c/>");
	pr->col = c + 1;
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

void xlsx_rows_text(struct sheet *sh, lxw_col_t c, const char *s, size_t n)
{
	struct sheet_rows *pr = sh->pr;
	cell(pr, c);
	buf_puts(&pr->xml, "<c t=\"inlineStr\"><is>");
	buf_puts(&pr->xml, kept_space((unsigned char)s[0]) || kept_space((unsigned char)s[n - 1]) ?
	    "<t xml:space=\"preserve\">" : "<t>");
	text_escaped(&pr->xml, s, n);
	buf_puts(&pr->xml, "</t></is></c>");
}

void xlsx_rows_num(struct sheet *sh, lxw_col_t c, double v, lxw_format *f)
{
	struct sheet_rows *pr = sh->pr;
	cell(pr, c);
	if (f)
		buf_printf(&pr->xml, "<c s=\"%d\"><v>%.16G</v></c>", (int)lxw_format_get_xf_index(f), v);
	else
		buf_printf(&pr->xml, "<c><v>%.16G</v></c>", v);
}

/* ---- the file ---- */

/* Copies the entry at uf to zf, compressed as it is. */
static int copy_raw(unzFile uf, zipFile zf, const char *name, const unz_file_info64 *in,
    const zip_fileinfo *zi, struct buf *tmp)
{
	int method, level;
	if (unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK)
		return -1;
	int rc = zipOpenNewFileInZip2_64(zf, name, zi, NULL, 0, NULL, 0, NULL, method, level, 1,
	    in->uncompressed_size >= 0xFFFFFFFFull) == ZIP_OK ? 0 : -1;
	for (int got; rc == 0;) {
		buf_reset(tmp);
		buf_grow(tmp, CHUNK);
		if ((got = unzReadCurrentFile(uf, tmp->data, CHUNK)) <= 0) {
			rc = got < 0 ? -1 : 0;
			break;
		}
		rc = zipWriteInFileInZip(zf, tmp->data, (unsigned)got) == ZIP_OK ? 0 : -1;
	}
	if (zipCloseFileInZipRaw64(zf, in->uncompressed_size, in->crc) != ZIP_OK)
		rc = -1;
	unzCloseCurrentFile(uf);
	return rc;
}

/* Writes the entry of sh: libxlsxwriter's sheet (in uf, with its header
 * row) around the rows of the pieces. */
static int write_rows(struct book *bk, struct sheet *sh, unzFile uf, zipFile zf, const char *name,
    const zip_fileinfo *zi, struct buf *tmp)
{
	struct sheet_rows *pr = sh->pr;
	buf_reset(tmp);
	if (unzOpenCurrentFile(uf) != UNZ_OK)
		return -1;
	for (int got;;) {
		buf_grow(tmp, CHUNK);
		if ((got = unzReadCurrentFile(uf, tmp->data + tmp->len, CHUNK)) <= 0) {
			if (got < 0 || unzCloseCurrentFile(uf) != UNZ_OK)
				return -1;
			break;
		}
		tmp->len += (size_t)got;
	}
	const char *end = NULL;
	for (const char *p = tmp->data; (p = memchr(p, '<', tmp->len - (size_t)(p - tmp->data))); p++)
		if (strncmp(p, "</sheetData>", 12) == 0) {
			end = p;
			break;
		}
	if (!end) {
		xlsx_fail(bk, "libxlsxwriter's sheet %s has no </sheetData>", sh->name);
		return -1;
	}
	size_t head = (size_t)(end - tmp->data), tail = tmp->len - head;
	struct buf z = BUF_INIT;
	int rc = deflate_to(bk->zs, &z, tmp->data, head, Z_SYNC_FLUSH);
	pr->head_z = (long long)z.len;
	size_t rows_at = z.len;
	rc |= deflate_to(bk->zs, &z, end, tail, Z_FINISH);
	uLong crc = crc32(0, (const Bytef *)tmp->data, (uInt)head);
	crc = crc32_combine(crc, pr->crc, (z_off_t)pr->len);
	crc = crc32_combine(crc, crc32(0, (const Bytef *)end, (uInt)tail), (z_off_t)tail);
	unsigned long long total = head + pr->len + tail;
	if (rc == 0)
		rc = zipOpenNewFileInZip2_64(zf, name, zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
		    Z_DEFAULT_COMPRESSION, 1, total >= 0xFFFFFFFFull) == ZIP_OK ? 0 : -1;
	/* head, rows, tail; zipWriteInFileInZip takes an unsigned length */
	const char *part[] = { z.data, pr->z.data, z.data + rows_at };
	size_t len[] = { rows_at, pr->z.len, z.len - rows_at };
	for (size_t i = 0; rc == 0 && i < 3; i++)
		for (size_t off = 0; rc == 0 && off < len[i]; off += CHUNK * 256) {
			size_t n = len[i] - off < CHUNK * 256 ? len[i] - off : CHUNK * 256;
			rc = zipWriteInFileInZip(zf, part[i] + off, (unsigned)n) == ZIP_OK ? 0 : -1;
		}
	if (rc == 0 && zipCloseFileInZipRaw64(zf, total, crc) != ZIP_OK)
		rc = -1;
	buf_release(&z);
	return rc;
}

static struct sheet *rows_sheet(struct book *bk, const char *name)
{
	for (size_t i = 0; i < bk->n_sheets; i++)
		if (bk->sheets[i].pr && strcmp(name, bk->sheets[i].pr->entry) == 0)
			return &bk->sheets[i];
	return NULL;
}

/* Records the pieces of the file at path with their offsets in it. */
static void record(struct book *bk, const char *path)
{
	unzFile uf = unzOpen64(path);
	for (size_t i = 0; uf && i < bk->n_sheets; i++) {
		struct sheet *sh = &bk->sheets[i];
		int method, level;
		if (!sh->pr)
			continue;
		if (unzLocateFile(uf, sh->pr->entry, 1) != UNZ_OK || unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK)
			break;
		long long base = (long long)unzGetCurrentFileZStreamPos64(uf) + sh->pr->head_z;
		unzCloseCurrentFile(uf);
		for (size_t k = 0; k < sh->pr->n; k++) {
			const struct rows_piece *v = &sh->pr->v[k];
			cache_piece_note(bk->cp, &v->key, &v->bytes, v->n, base + v->off, v->meta);
		}
	}
	if (uf)
		unzClose(uf);
}

int xlsx_rows_assemble(struct book *bk, const char *lxw, const char *path)
{
	struct buf tmp = BUF_INIT;
	char name[256];
	unzFile uf = unzOpen64(lxw);
	zipFile zf = uf ? zipOpen64(path, APPEND_STATUS_CREATE) : NULL;
	int rc = zf ? 0 : -1;
	for (int more = rc == 0 ? unzGoToFirstFile(uf) : UNZ_END_OF_LIST_OF_FILE;
	    more == UNZ_OK && rc == 0; more = unzGoToNextFile(uf)) {
		unz_file_info64 in;
		if (unzGetCurrentFileInfo64(uf, &in, name, sizeof(name), NULL, 0, NULL, 0) != UNZ_OK) {
			rc = -1;
			break;
		}
		zip_fileinfo zi = {
			.tmz_date = { in.tmu_date.tm_sec, in.tmu_date.tm_min, in.tmu_date.tm_hour,
				in.tmu_date.tm_mday, in.tmu_date.tm_mon, in.tmu_date.tm_year },
			.dosDate = in.dosDate, .internal_fa = in.internal_fa, .external_fa = in.external_fa,
		};
		struct sheet *sh = rows_sheet(bk, name);
		rc = sh ? write_rows(bk, sh, uf, zf, name, &zi, &tmp) : copy_raw(uf, zf, name, &in, &zi, &tmp);
	}
	if (zf && zipClose(zf, NULL) != ZIP_OK)
		rc = -1;
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
	for (size_t i = 0; i < pr->n; i++)
		free(pr->v[i].meta);
	free(pr->v);
	free(pr->w);
	buf_release(&pr->xml);
	buf_release(&pr->z);
	free(pr);
	sh->pr = NULL;
}
