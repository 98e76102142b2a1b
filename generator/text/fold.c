/*
 * Search folding (fold.h): utf8proc decomposes; the rest is the table below,
 * kept in step with norm() in themes/default/assets/search.js. JavaScript's
 * toLowerCase applies the full lower-case mapping, utf8proc_tolower the
 * simple one: after decomposition they differ only on the final sigma, which
 * both sides fold to σ.
 */
#include <stdint.h>
#include <stdlib.h>

#include <utf8proc.h>

#include "../base/buf.h"
#include "../base/utf8.h"
#include "fold.h"

static int is_dropped_mark(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    (c >= 0xfe20 && c <= 0xfe2f);
}

/* The letters without a decomposition, as French users type them. */
static const char *spelt(uint32_t c)
{
	switch (c) {
	case 0x153: return "oe";	/* œ */
	case 0xe6: return "ae";		/* æ */
	case 0xdf: return "ss";		/* ß */
	case 0xf8: return "o";		/* ø */
	case 0x142: return "l";		/* ł */
	case 0x111: return "d";		/* đ */
	case 0xf0: return "d";		/* ð */
	case 0x131: return "i";		/* ı */
	case 0xfe: return "th";		/* þ */
	case 0x127: return "h";		/* ħ */
	case 0x14b: return "n";		/* ŋ */
	case 0x3c2: return "\xcf\x83";	/* ς, σ */
	default: return NULL;
	}
}

static int is_word(uint32_t c)
{
	utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
	return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO;
}

/* Folds the decomposed text d (NUL-terminated) into out; *in_word says
 * whether out ends inside a word, across calls. */
static void fold_decomposed(struct buf *out, const char *d, int *in_word)
{
	uint32_t c;
	for (size_t n; (n = utf8_decode(d, &c)) > 0; d += n) {
		if (is_dropped_mark(c))
			continue;
		c = (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
		if (!is_word(c)) {
			if (*in_word)
				buf_putc(out, ' ');
			*in_word = 0;
			continue;
		}
		*in_word = 1;
		const char *sp = spelt(c);
		if (sp) {
			buf_puts(out, sp);
		} else {
			char e[4];
			buf_add(out, e, utf8_encode(e, c));
		}
	}
}

/*
 * ASCII is folded here, the rest by utf8proc a run at a time: every ASCII
 * character is a starter (combining class 0) that no decomposition of
 * NFKD produces from or merges with its neighbours, and the canonical
 * reordering stops at starters, so decomposing each run of non-ASCII bytes
 * alone gives the text that decomposing the whole would. In ASCII, the
 * word characters (utf8proc's categories L, M and N) are the letters and
 * digits, and the lower case is that of A-Z. Text that is not UTF-8 gives
 * nothing, as a whole.
 */
int fold_words(struct buf *out, const char *s)
{
	if (!s)
		return 0;
	size_t start = out->len;
	int in_word = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			unsigned char c = *p++;
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				buf_putc(out, (char)c);
				in_word = 1;
			} else {
				if (in_word)
					buf_putc(out, ' ');
				in_word = 0;
			}
			continue;
		}
		const unsigned char *q = p;
		while (*q >= 0x80)
			q++;
		utf8proc_uint8_t *d = NULL;
		if (utf8proc_map(p, q - p, &d, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE) < 0) {
			buf_truncate(out, start);
			return -1;
		}
		fold_decomposed(out, (const char *)d, &in_word);
		free(d);
		p = q;
	}
	if (in_word)
		buf_putc(out, ' ');
	return 0;
}
