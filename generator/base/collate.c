/*
 * The first pass folds each code point to at most two base letters: the
 * Latin-1 Supplement and Latin Extended-A letters that French and the names
 * of the region's public use, from a table (index = code point - 0xC0 or
 * - 0x100); everything else stands for itself.
 */
#include "collate.h"

#include <string.h>

#include "buf.h"

/* U+00C0..U+00FF; "" keeps the code point (× and ÷). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* U+0100..U+017F; '\0' for the two-letter ĳ and œ (below). */
static const char latin_a[129] =
	"aaaaaaccccccccdd"	/* 0100-010F */
	"ddeeeeeeeeeegggg"	/* 0110-011F */
	"gggghhhhiiiiiiii"	/* 0120-012F */
	"ii\0\0jjkkklllllll"	/* 0130-013F */
	"lllnnnnnnnnnoooo"	/* 0140-014F */
	"oo\0\0rrrrrrssssss"	/* 0150-015F */
	"ssttttttuuuuuuuu"	/* 0160-016F */
	"uuuuwwyyyzzzzzzs";	/* 0170-017F */

/* Decodes one code point at *p (advancing it); -1 for a byte that does not
 * start a valid sequence, which then stands for itself. */
static long next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	long c = s[0];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	if (n < 0) {
		(*p)++;
		return 0x110000 + c;	/* after every code point */
	}
	c &= n ? 0x3F >> n : 0x7F;
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			(*p)++;
			return 0x110000 + s[0];
		}
		c = c << 6 | (s[i] & 0x3F);
	}
	*p += n + 1;
	return c;
}

/* A reader of the folded form: up to two pending letters per code point. */
struct fold {
	const unsigned char *p;
	long pend[2];
	int n;
};

static long fold_next(struct fold *f)
{
	if (f->n)
		return f->pend[--f->n];
	if (!*f->p)
		return -1;
	long c = next_cp(&f->p);
	const char *s = NULL;
	char one[2] = { 0, 0 };
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	if (c >= 0xC0 && c <= 0xFF)
		s = latin1[c - 0xC0];
	else if (c == 0x132 || c == 0x133)
		s = "ij";
	else if (c == 0x152 || c == 0x153)
		s = "oe";
	else if (c >= 0x100 && c <= 0x17F)
		s = (one[0] = latin_a[c - 0x100]) ? one : "";
	else if (c == 0x2019 || c == 0x2018)
		return '\'';			/* typographic apostrophes */
	if (!s || !*s)
		return c;
	if (s[1])
		f->pend[f->n++] = (unsigned char)s[1];
	return (unsigned char)s[0];
}

int collate_fr(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	struct fold x = { (const unsigned char *)a, { 0, 0 }, 0 };
	struct fold y = { (const unsigned char *)b, { 0, 0 }, 0 };
	for (;;) {
		long ca = fold_next(&x), cb = fold_next(&y);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca < 0)
			break;
	}
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

void collate_key(const char *s, struct buf *out)
{
	struct fold x = { (const unsigned char *)(s ? s : ""), { 0, 0 }, 0 };
	/* Room made once: a byte folds to two letters at most, three bytes
	 * each. An ASCII byte is folded here (as fold_next would: capitals
	 * lowered, the rest as it is), and each key written in place: a
	 * call or two a letter was most of the index's ranking of names. */
	buf_grow(out, 6 * strlen((const char *)x.p));
	unsigned char *k = (unsigned char *)out->data + out->len;
	for (long c;;) {
		if (!x.n && *x.p && *x.p < 0x80) {
			c = *x.p++;
			if (c >= 'A' && c <= 'Z')
				c = c - 'A' + 'a';
		} else if ((c = fold_next(&x)) < 0)
			break;
		k[0] = (unsigned char)(c >> 16);
		k[1] = (unsigned char)(c >> 8);
		k[2] = (unsigned char)c;
		k += 3;
	}
	out->len = (size_t)(k - (unsigned char *)out->data);
	out->data[out->len] = '\0';
}
