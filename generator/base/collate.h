/*
 * French order for names (communes, organisations, titles): what a reader
 * expects in an index, without depending on the machine's locales. Letters
 * compare without their accents and case, and the ligatures œ, æ and ß as
 * the letters they stand for (oe, ae, ss), so "Évry" sorts before "Vitry"
 * and "Œuvre" between "Oeil" and "Ofii". Other characters keep their code
 * point order (space < punctuation < digits < letters, as in the Unicode
 * collation's defaults). Strings equal in that first pass are ordered by
 * their bytes, so the order is total and the same on every machine.
 * Invalid UTF-8 compares byte by byte. NULL sorts as "".
 */
#ifndef CARTO_COLLATE_H
#define CARTO_COLLATE_H

/* Negative, zero or positive as a sorts before, with or after b; zero
 * only for equal strings. */
int collate_fr(const char *a, const char *b);

/* Appends to out the first pass of collate_fr over s (NULL as ""): each
 * folded code point as three bytes, most significant first. Two such keys
 * compare as their first pass does: memcmp over the shorter length, then
 * the shorter first; collate_fr then orders equal keys by the strings'
 * bytes. For sorting many names, each folded once. */
struct buf;
void collate_key(const char *s, struct buf *out);

#endif
