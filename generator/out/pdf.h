/*
 * PDF documents with libharu (the only module that includes hpdf.h): for
 * now the fiche of each organisation, pdf/organismes/<id>.pdf. Every PDF has
 * an HTML page with the same content, which stays the accessible version.
 */
#ifndef CARTO_PDF_H
#define CARTO_PDF_H

struct site;
struct publish;

/* Writes every fiche on up to jobs threads. Returns 0, or -1 when a document
 * cannot be made or written. */
int pdf_render(const struct site *s, struct publish *p, int jobs);

#endif
