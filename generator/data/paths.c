/*
 * The paths of paths.h: one function per kind of artefact, the folders and
 * extensions of the documents in the tables below.
 */
#include "paths.h"

#include <assert.h>

#include "../base/buf.h"
#include "model.h"

/* By enum path_doc: the top folder and the extension. */
static const char *const doc_dir[] = { "data", "data", "data", "pdf", "xlsx" };
static const char *const doc_ext[] = { "csv", "json", "geojson", "pdf", "xlsx" };

const char *path_org_page(struct buf *b, const struct organisme *o)
{
	size_t at = b->len;
	buf_puts(b, "organismes/");	/* not printf: 20,000 paths a build */
	buf_puts(b, o->id.s);
	buf_putc(b, '/');
	return b->data + at;
}

const char *path_org_pdf(struct buf *b, const struct organisme *o)
{
	size_t at = b->len;
	buf_puts(b, "pdf/organismes/");
	buf_puts(b, o->id.s);
	buf_puts(b, ".pdf");
	return b->data + at;
}

const char *path_ref_page(struct buf *b, const struct referentiel *r)
{
	size_t at = b->len;
	buf_printf(b, "referentiels/%s/", r->id);
	return b->data + at;
}

const char *path_ref_doc(struct buf *b, const struct referentiel *r, enum path_doc k)
{
	assert(k == PATH_JSON || k == PATH_PDF || k == PATH_XLSX);
	size_t at = b->len;
	buf_printf(b, "%s/referentiels/%s.%s", doc_dir[k], r->id, doc_ext[k]);
	return b->data + at;
}

const char *path_carto_page(struct buf *b, const struct cartographie *ca, const char *dep)
{
	size_t at = b->len;
	buf_printf(b, "cartographies/%s/", ca->id.s);
	if (dep)
		buf_printf(b, "%s/", dep);
	return b->data + at;
}

const char *path_carto_doc(struct buf *b, const struct cartographie *ca, const char *dep,
    enum path_doc k)
{
	size_t at = b->len;
	buf_printf(b, "%s/cartographies/%s%s%s.%s", doc_dir[k], ca->id.s, dep ? "-" : "", dep ? dep : "",
	    doc_ext[k]);
	return b->data + at;
}

const char *path_dep_page(struct buf *b, const char *dep)
{
	size_t at = b->len;
	buf_printf(b, "annuaire/%s/", dep);
	return b->data + at;
}

const char *path_deck_pdf(struct buf *b, const struct page *pg, int handout)
{
	size_t at = b->len;
	buf_puts(b, "pdf/diaporamas/");
	for (const char *s = pg->slug; *s; s++)
		buf_putc(b, *s == '/' ? '-' : *s);
	buf_puts(b, handout ? "-support.pdf" : ".pdf");
	return b->data + at;
}
