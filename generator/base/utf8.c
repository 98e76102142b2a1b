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

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
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
