/*
 * Pages' contents put back from the previous build (pdf_int.h, struct
 * pdf_reuse). A long document (a booklet, a deck) rendered again because
 * one of its entries changed still lays out every page, but most pages'
 * content streams come out as they were: compressing them again was 40 %
 * of a booklet's time (perf). So before libharu writes the document, each
 * page's content stream, uncompressed, is digested into the key of a piece
 * of the file (cache.h's pieces); the previous build's piece of that key,
 * its compressed bytes read back from the published file and checked
 * against their digest, takes the place of the stream, which libharu then
 * copies as it is. Once written, each page's compressed bytes are recorded
 * as a piece at their offset in the new file.
 *
 * The bytes stay those libharu writes itself: it compresses a page's
 * stream alone (one deflate of the stream's bytes, the same chunks), so
 * the same bytes give the same compressed bytes (the key's global part
 * holds zlib and libharu, cache_key); its dictionary is written as it
 * would be: with no filter, libharu leaves out "/Filter", which the
 * dictionary's write_fn then writes where libharu puts it, last.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "../../base/mem.h"
#include "../cache.h"
#include "pdf_int.h"

#define FILTER_LINE "/Filter [ /FlateDecode ]\012"
#define STREAM_START "\012stream\015\012"

static HPDF_Dict contents(HPDF_Page pg)
{
	return ((HPDF_PageAttr)pg->attr)->contents;
}

/* libharu's Dict_Write calls this after the dictionary's elements. */
static HPDF_STATUS write_filter(HPDF_Dict dict, HPDF_Stream out)
{
	(void)dict;
	return HPDF_Stream_Write(out, (const HPDF_BYTE *)FILTER_LINE, sizeof(FILTER_LINE) - 1);
}

struct digest pdf_page_key(const struct cache_pieces *cp, HPDF_Page pg)
{
	HPDF_Dict dict = contents(pg);
	struct digest_ctx *k = cache_piece_key(cp);
	HPDF_UINT n = HPDF_MemStream_GetBufCount(dict->stream);
	for (HPDF_UINT i = 0; i < n; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(dict->stream, i, &len);
		if (p)
			digest_add(k, p, len);
	}
	digest_num(k, (long long)dict->stream->size);
	return digest_end(k);
}

/* After libharu wrote a put back page's dictionary (its stream taken
 * away: Dict_Write wrote no stream), its stream as Dict_Write would. */
static HPDF_STATUS write_back(HPDF_Dict dict)
{
	const struct pdf_back *bk = dict->attr;
	HPDF_Stream out = bk->pdf->stream;
	const char *at = bk->all->data + bk->off;
	if (pdf_stream_put(out, STREAM_START, sizeof(STREAM_START) - 1) < 0 || pdf_stream_put(out, at, bk->len) < 0 ||
	    pdf_stream_put(out, "\012endstream", 10) < 0)
		return HPDF_Error_GetCode(out->error) ? HPDF_Error_GetCode(out->error) : HPDF_FILE_IO_ERROR;
	return HPDF_OK;
}

/* Puts the piece of key k back as page i's stream: 1, 0 when cp has none
 * (or the stream is not one libharu would compress), -1 on an error.
 * Its bytes go to pp->bytes, written by write_back (copying them into the
 * page's stream and from there into the file, byte by byte, was a sixth
 * of a booklet put back: perf), its stream kept aside until pdf_pages_end. */
static int put_back(const struct cache_pieces *cp, struct doc *d, int i, const struct digest *k,
    struct pdf_pages *pp)
{
	HPDF_Dict dict = contents(d->pages[i]);
	HPDF_Number len = HPDF_Dict_GetItem(dict, "Length", HPDF_OCLASS_NUMBER);
	/* Only a stream libharu would compress, written its own way. */
	if (dict->filter != HPDF_STREAM_FILTER_FLATE_DECODE || dict->write_fn || dict->after_write_fn ||
	    dict->attr || !dict->stream || !len || !(len->header.obj_id & HPDF_OTYPE_INDIRECT) ||
	    HPDF_Dict_GetItem(dict, "Filter", HPDF_OCLASS_ARRAY))
		return 0;
	size_t off = pp->bytes.len;
	if (!cache_piece_put_back((struct cache_pieces *)cp, k, &pp->bytes, NULL))
		return 0;
	if (pp->bytes.len - off > UINT32_MAX)
		return -1;
	struct pdf_back *bk = &pp->back[i];
	*bk = (struct pdf_back){ d->pdf, &pp->bytes, off, pp->bytes.len - off, dict->stream };
	HPDF_Number_SetValue(len, (HPDF_INT32)bk->len);
	dict->stream = NULL;
	dict->filter = HPDF_STREAM_FILTER_NONE;
	dict->write_fn = write_filter;
	dict->after_write_fn = write_back;
	dict->attr = bk;
	return 1;
}

void pdf_pages_put_back(struct doc *d, struct cache_pieces *cp, struct pdf_pages *pp)
{
	*pp = (struct pdf_pages){ NULL, NULL, BUF_INIT };
	if (d->error)	/* nothing is saved */
		return;
	if (!cp) {	/* no previous file: every page drawn */
		for (int i = 0; d->lazy && i < d->npages; i++)
			pdf_lazy_draw(d, i);
		return;
	}
	struct digest *keys = pp->keys = xmalloc(((size_t)d->npages + 1) * sizeof(*keys));
	pp->back = xcalloc((size_t)d->npages + 1, sizeof(*pp->back));
	size_t back = 0;
	for (int i = 0; i < d->npages; i++) {
		int rc = 0;
		/* An undrawn page whose recipe the note knows (pdf_lazy.c). */
		if (d->lazy && pdf_lazy_known(d, i, &keys[i]) && (rc = put_back(cp, d, i, &keys[i], pp)) == 1) {
			pdf_lazy_learn(d, i, &keys[i], 1);
			back++;
			continue;
		}
		if (rc == 0 && d->lazy)
			pdf_lazy_draw(d, i);
		if (rc == 0) {
			keys[i] = pdf_page_key(cp, d->pages[i]);
			rc = put_back(cp, d, i, &keys[i], pp);
			if (d->lazy)
				pdf_lazy_learn(d, i, &keys[i], 0);
		}
		if (rc < 0) {
			d->error = d->error ? d->error : 1;
			break;
		}
		back += (size_t)rc;
	}
	if (d->reuse) {
		atomic_fetch_add(&d->reuse->put_back, back);
		atomic_fetch_add(&d->reuse->compressed, (size_t)d->npages - back);
	}
}

void pdf_pages_end(struct doc *d, struct pdf_pages *pp)
{
	for (int i = 0; pp->back && i < d->npages; i++) {
		struct pdf_back *bk = &pp->back[i];
		HPDF_Dict dict = contents(d->pages[i]);
		if (bk->stream && dict->attr == bk) {
			dict->stream = bk->stream;
			dict->after_write_fn = NULL;
			dict->attr = NULL;
		}
	}
	free(pp->keys);
	free(pp->back);
	buf_release(&pp->bytes);
	*pp = (struct pdf_pages){ NULL, NULL, BUF_INIT };
}

void pdf_pages_record(struct doc *d, struct cache_pieces *cp, const struct pdf_pages *pp,
    const struct buf *file)
{
	const struct digest *keys = pp->keys;
	if (!cp || !keys)
		return;
	for (int i = 0; i < d->npages; i++) {
		HPDF_Dict dict = contents(d->pages[i]);
		/* Its object's entry: one xref, from object 0 (libharu's
		 * HPDF_Xref_GetEntryByObjectId finds none). */
		HPDF_UINT id = dict->header.obj_id & 0x00FFFFFF;
		HPDF_XrefEntry e = d->pdf->xref->start_offset == 0 ? HPDF_Xref_GetEntry(d->pdf->xref, id) : NULL;
		HPDF_Number len = HPDF_Dict_GetItem(dict, "Length", HPDF_OCLASS_NUMBER);
		if (!e || e->obj != (void *)dict || !len || e->byte_offset >= file->len || len->value < 0)
			continue;
		/* The dictionary holds Length and Filter: a few dozen bytes. */
		size_t from = e->byte_offset, span = file->len - from < 256 ? file->len - from : 256;
		size_t k = 0, n = sizeof(STREAM_START) - 1;
		while (k + n <= span && memcmp(file->data + from + k, STREAM_START, n) != 0)
			k++;
		if (k + n > span)
			continue;
		size_t start = from + k + n;
		if ((size_t)len->value > file->len - start)
			continue;
		cache_piece_record(cp, &keys[i], file->data + start, (size_t)len->value, (long long)start);
	}
}
