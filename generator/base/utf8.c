/*
 * UTF-8 checks (RFC 3629 table 3-7) and the edit distance behind "did you
 * mean" suggestions.
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		/* Most input is ASCII: skip it eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (i + n >= len)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += n + 1;
	}
	return len;
}

size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	*cp = 0xFFFD;
	if (!s[0])
		return 0;
	/* utf8_check stops at the first bad byte, so a NUL inside the
	 * sequence ends it before anything past it is read. */
	for (size_t k = 1; k < n; k++)
		if (!s[k])
			return 0;
	if (utf8_check(str, n) != n)
		return 0;
	static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	uint32_t c = s[0] & lead_mask[n];
	for (size_t k = 1; k < n; k++)
		c = c << 6 | (s[k] & 0x3F);
	*cp = c;
	return n;
}

size_t utf8_encode(char *out, uint32_t cp)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[5] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	for (size_t k = n - 1; k > 0; k--, cp >>= 6)
		o[k] = (unsigned char)(0x80 | (cp & 0x3F));
	o[0] = (unsigned char)(lead[n] | cp);
	return n;
}

int utf8_is_text(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	if (cp >= 0x7F && cp <= 0x9F)
		return 0;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp >= 0xFDD0 && cp <= 0xFDEF)
		return 0;
	return (cp & 0xFFFE) != 0xFFFE && cp <= 0x10FFFF;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A lead byte starts a character; one of 0xF0 and above, a character
 * past U+FFFF, which UTF-16 writes as two units. */
static size_t utf16_units(unsigned char c)
{
	return (c & 0xC0) == 0x80 ? 0 : c >= 0xF0 ? 2 : 1;
}

size_t utf8_utf16_len(const char *s, size_t n)
{
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		u += utf16_units((unsigned char)s[i]);
	return u;
}

size_t utf8_utf16_cut(const char *s, size_t n, size_t units)
{
	size_t u = 0, i = 0;
	for (; i < n; i++) {
		size_t k = utf16_units((unsigned char)s[i]);
		if (k && u + k > units)
			break;
		u += k;
	}
	return i;
}

size_t utf8_cut(const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t back = 1; back <= 3 && back <= max; back++) {
		unsigned char c = u[max - back];
		if ((c & 0xC0) == 0x80)
			continue;
		size_t n = c >= 0xF5 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		return n > back ? max - back : max;
	}
	return max;
}

/* Edit distance; with fold, ASCII letters compare without case. */
static unsigned distance(const char *a, const char *b, int fold)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			char x = a[i - 1], y = b[j - 1];
			if (fold) {
				x = x >= 'A' && x <= 'Z' ? (char)(x - 'A' + 'a') : x;
				y = y >= 'A' && y <= 'Z' ? (char)(y - 'A' + 'a') : y;
			}
			unsigned best = diag + (x != y);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > 99 ? 99 : row[lb];
}

unsigned str_distance(const char *a, const char *b)
{
	return distance(a, b, 0);
}

const char *str_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	unsigned bestd = 99;
	size_t wl = strlen(word);
	/* Close enough: half the word's length, at least 1, at most 3. */
	unsigned limit = (unsigned)((wl + 1) / 2);
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	/* Case does not count: "ASL" finds "asl". */
	for (size_t i = 0; i < n; i++) {
		unsigned d = distance(word, cands[i], 1);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
