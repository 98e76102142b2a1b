/*
 * PDF documents with libharu (the only module that includes hpdf.h): the
 * fiche of each organisation, the référentiel cards, the cartography
 * booklets, the slide decks and their handouts (format.md §8). Every PDF has
 * an HTML page with the same content, which stays the accessible version.
 */
#ifndef CARTO_PDF_H
#define CARTO_PDF_H

struct backend;

/* Every document, one job each on the pool (decks of draft pages only with
 * --drafts). */
extern const struct backend pdf_backend;

#endif
