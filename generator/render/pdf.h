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

/* carto check's part of the documents (pdf_check.c): the warnings a build
 * gives when a PDF must print as U+FFFD a character no font has (same
 * text, file and line), from the texts each document would print,
 * without making any. The characters are decided by the rule the
 * documents follow (pdf_text.c), on the same font files. Only for a site
 * without errors (a build of one makes no PDF). When some text may warn,
 * it indexes s (index_site, then the suites on up to jobs threads: every
 * offer's, or only those that may lead to the offers of organisations
 * whose own texts warn, the others left empty), as the booklets and the
 * "Et après ?" of the fiches need it: s is not for a build after that.
 * Warnings go to d; a font that cannot be loaded is an error there, as in
 * a build. */
struct site;
struct diags;
void pdf_check(struct site *s, int jobs, struct diags *d);

#endif
