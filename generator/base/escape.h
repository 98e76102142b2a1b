/*
 * Escaping for each output context: JSON strings, CSV cells (with protection
 * against formula injection), HTML and XML text and attributes. Every value that
 * comes from content goes through one of these before it is written.
 */
#ifndef CARTO_ESCAPE_H
#define CARTO_ESCAPE_H

struct buf;

/* A JSON string with its quotes; NULL gives null. Tab, LF and CR are
 * escaped; the other controls (C0, DEL, C1) and the noncharacters are left
 * out, as the pages, the CSV and the XML leave them (utf8_is_text), so
 * every output of one value says the same; '<', '>' and '&' are \u
 * escapes, so the text is safe inside HTML and a
 * <script> element ("</script>" cannot appear); U+2028 and U+2029 too, which
 * end a line in JavaScript before ES2019 (the search index and the
 * cartographies' rows are .js files). A byte that is not UTF-8 becomes
 * U+FFFD, as in esc_html, so the output is valid JSON whatever s holds. The
 * JSON writer of json.h writes every string through it. */
void esc_json(struct buf *b, const char *s);
/* A CSV cell for separator sep, quoted when needed. A text cell starting
 * with = + - @ tab or CR is prefixed with ' so no spreadsheet runs it.
 * What text may not hold is left out first, as esc_html does (utf8_is_text:
 * controls other than tab, LF and CR, noncharacters; a byte that is not
 * UTF-8 becomes U+FFFD), so the guard looks at what a spreadsheet shows. */
void esc_csv(struct buf *b, const char *s, char sep);
/* Text and attribute values of every HTML and XML output (pages, feed,
 * sitemap, SVG): & < > " ' escaped, and the result is well-formed XML 1.0
 * whatever s holds: characters that XML forbids or HTML calls parse errors
 * (utf8_is_text: controls other than tab, LF and CR, noncharacters such as
 * U+FFFE) are left out, and a byte that is not UTF-8 becomes U+FFFD. Every
 * XML writer goes through it. */
void esc_html(struct buf *b, const char *s);

/* An HTML id from a code: letters, digits and '-' kept, the rest as '_'
 * ("1.2" becomes "1_2"). */
void esc_id(struct buf *b, const char *s);

#endif
