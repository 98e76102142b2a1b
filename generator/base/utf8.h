/*
 * UTF-8 validation and a few string helpers that depend on nothing.
 */
#ifndef CARTO_UTF8_H
#define CARTO_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns the byte offset of the first invalid sequence, or len if valid.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
size_t utf8_check(const char *s, size_t len);
/* Decodes the character at s (NUL-terminated) into *cp and returns its
 * length in bytes; returns 0 for an invalid or truncated sequence (then
 * *cp is U+FFFD) and for the terminating NUL. Reads no byte past a NUL. */
size_t utf8_decode(const char *s, uint32_t *cp);
/* Writes cp (at most U+10FFFF) in UTF-8 at out, which has room for 4
 * bytes; returns the number written. */
size_t utf8_encode(char *out, uint32_t cp);
/* 1 when cp may stand in text of every output (XML 1.0 §2.2 Char, minus
 * what HTML calls parse errors): not a control character other than tab,
 * LF and CR (C0, DEL, C1), not a surrogate, not a noncharacter (U+FDD0 to
 * U+FDEF and the last two code points of every plane, U+FFFE and U+FFFF
 * among them). */
int utf8_is_text(uint32_t cp);
/* Number of code points of a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Number of UTF-16 code units of the n bytes of valid UTF-8 at s: one per
 * character, two for a character past U+FFFF. This is how a spreadsheet
 * counts a cell's characters. */
size_t utf8_utf16_len(const char *s, size_t n);
/* The length in bytes of the longest head of the n bytes of valid UTF-8 at
 * s that holds at most units UTF-16 code units, cut between characters. */
size_t utf8_utf16_cut(const char *s, size_t n, size_t units);
/* The length of the longest head of s, at most max bytes, that does not
 * cut a UTF-8 sequence in two: max, or less when a sequence begun before
 * max ends past it. s holds at least max bytes, of which only s[0] to
 * s[max - 1] are read. A byte that begins no sequence (a stray
 * continuation byte, 0xF5 to 0xFF) is a character of its own, so a cut
 * in invalid UTF-8 stays within 3 bytes of max. */
size_t utf8_cut(const char *s, size_t max);
/* Levenshtein distance between two short strings, in bytes; capped at 99. */
unsigned str_distance(const char *a, const char *b);
/* Picks the candidate closest to word, case aside (NULL when none is close
 * enough). */
const char *str_suggest(const char *word, const char *const *cands, size_t n);

#endif
