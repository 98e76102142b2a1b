/*
 * PDF documents with libharu (the only module that includes hpdf.h): the
 * fiche of each organisation, the référentiel cards, the cartography
 * booklets, the slide decks and their handouts (format.md §8). Every PDF has
 * an HTML page with the same content, which stays the accessible version.
 */
#ifndef CARTO_PDF_H
#define CARTO_PDF_H

struct diags;
struct publish;
struct site;

/* Writes every document on up to jobs threads (decks of draft pages only
 * with drafts); warns in d of characters no font has. Returns 0, or -1
 * when a document cannot be made or written. */
int pdf_render(const struct site *s, struct publish *p, int jobs, int drafts, struct diags *d);

#endif
