/*
 * The search folding rule, the same as norm() in themes/default/assets/search.js
 * (the browser folds the query with it; carto folds the index): compatibility
 * decomposition (NFKD, through utf8proc), the combining marks of the blocks
 * U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF and U+FE20–FE2F dropped,
 * lower case, the letters that do not decompose spelt as French users type
 * them (œ oe, æ ae, ß ss, ø o, ł l, đ d, ð d, ı i, þ th, ħ h, ŋ n, ς σ), and
 * the words split at every character that is not a letter, a mark or a digit
 * (Unicode general categories L, M and N), apostrophes among them. Invalid
 * UTF-8 folds to nothing. Any module may include it.
 */
#ifndef CARTO_FOLD_H
#define CARTO_FOLD_H

#include <stddef.h>

struct buf;

/* Appends the folded words of s to out, each followed by one space.
 * Returns 0, or -1 when s is invalid UTF-8 (then nothing is appended). */
int fold_words(struct buf *out, const char *s);

#endif
