/*
 * UTF-8 validation and a few string helpers that depend on nothing.
 */
#ifndef CARTO_UTF8_H
#define CARTO_UTF8_H

#include <stddef.h>

/* Returns the byte offset of the first invalid sequence, or len if valid.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
size_t utf8_check(const char *s, size_t len);
/* Number of code points of a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Levenshtein distance between two short strings, in bytes; capped at 99. */
unsigned str_distance(const char *a, const char *b);
/* Picks the candidate closest to word, case aside (NULL when none is close
 * enough). */
const char *str_suggest(const char *word, const char *const *cands, size_t n);

#endif
