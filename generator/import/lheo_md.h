/*
 * Text fields of LHÉO exports hold HTML, escaped in the XML (&lt;p&gt;…), so
 * the XML reader hands it over as tags in text. lheo_md reduces it to the
 * Markdown carto's content uses: paragraphs, bold and bullet or numbered
 * lists are kept; every other tag is dropped with its markup (script, style
 * and the like with their content too); HTML character references are
 * decoded; characters Markdown would read as markup are escaped. Pure
 * function of its input, no allocation besides out.
 */
#ifndef CARTO_LHEO_MD_H
#define CARTO_LHEO_MD_H

struct buf;

/* Appends the Markdown for html to out (nothing when it holds no text). */
void lheo_md(struct buf *out, const char *html);

#endif
