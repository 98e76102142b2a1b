/*
 * Unit tests of generator/text/fold.c: the search folding rule, the same
 * cases as norm() in themes/default/assets/search.js states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "../../generator/base/buf.h"
#include "../../generator/text/fold.h"
#include "harness.h"
#include "tests.h"

static void fold_is(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	fold_words(&b, in);
	EXPECT_STR(b.data, want);
	buf_release(&b);
}

/* The rule as utf8proc states it for a whole string at once (fold.c
 * decomposes only the runs of non-ASCII text): NFKD of all of s, the marks
 * dropped, lower case, then what fold_words gives for the decomposed text,
 * which is plain code points (fold_words of it decomposes nothing more). */
static void fold_whole(struct buf *out, const char *s)
{
	utf8proc_uint8_t *d = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &d, UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	    UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE) < 0)
		return;
	fold_words(out, (const char *)d);
	free(d);
}

/* ASCII folded apart from utf8proc gives the same words as the whole string
 * decomposed at once, where ASCII meets combining marks, ligatures,
 * compatibility forms, reordered marks and punctuation: every string of
 * three pieces below. */
static void fold_runs_agree(void)
{
	static const char *const pieces[] = { "a", "Z", "9", " ", "-", "'", "\x01", "~",
		"\xcc\x81", "\xcc\xa3\xcc\x81", "\xcc\x81\xcc\xa3", "\xc3\xa9", "\xc3\x89",
		"\xef\xac\x81", "\xe1\xb5\x89", "\xc5\x93", "\xcf\x82", "\xe2\x80\x99",
		"\xc2\xa0", "\xe2\x91\xa0", "\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1" };
	size_t n = sizeof(pieces) / sizeof(pieces[0]), bad = 0;
	char s[64];
	struct buf got = BUF_INIT, want = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < n; k++) {
				snprintf(s, sizeof(s), "%s%s%s", pieces[i], pieces[j], pieces[k]);
				buf_reset(&got);
				buf_reset(&want);
				fold_words(&got, s);
				fold_whole(&want, s);
				if (got.len != want.len || (got.len && memcmp(got.data, want.data, got.len)))
					bad++;
			}
	EXPECT(bad == 0);
	buf_release(&got);
	buf_release(&want);
}

/* Each ASCII character folds as utf8proc says: a word of its lower case
 * when its category is L, M or N, else a separator. */
static void fold_ascii(void)
{
	size_t bad = 0;
	struct buf got = BUF_INIT;
	for (int c = 1; c < 128; c++) {
		char s[2] = { (char)c, 0 }, want[3] = { 0 };
		utf8proc_category_t k = utf8proc_category(c);
		if (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO) {
			want[0] = (char)utf8proc_tolower(c);
			want[1] = ' ';
		}
		buf_reset(&got);
		fold_words(&got, s);
		if (got.len != strlen(want) || (got.len && memcmp(got.data, want, got.len)))
			bad++;
	}
	EXPECT(bad == 0);
	buf_release(&got);
}

void test_fold(void)
{
	fold_ascii();
	fold_runs_agree();
	fold_is("e\xcc\x81te\xcc\x81 A\xcc\x8a", "ete a ");	/* marks after ASCII */
	fold_is("abc caf\xe9 def", "");			/* not UTF-8 anywhere: nothing */
	struct buf b = BUF_INIT;
	buf_puts(&b, "kept ");
	EXPECT(fold_words(&b, "abc \xff") == -1);		/* said, for the search index */
	EXPECT_STR(b.data, "kept ");				/* what out held stays */
	EXPECT(fold_words(&b, "\xe2\x80\x94 - ") == 0);	/* no word, but UTF-8 */
	EXPECT(fold_words(&b, NULL) == 0);
	EXPECT_STR(b.data, "kept ");
	buf_release(&b);
	fold_is("Église", "eglise ");
	fold_is("Đặng Thị Lan", "dang thi lan ");
	fold_is("Cœur ÆSCHNE Straße Łódź", "coeur aeschne strasse lodz ");
	fold_is("ﬁnances", "finances ");			/* NFKD */
	fold_is("Ştefan Yılmaz", "stefan yilmaz ");
	fold_is("ΟΔΟΣ οδός", "οδοσ οδοσ ");			/* final sigma */
	fold_is("l’accueil d'aujourd`hui", "l accueil d aujourd hui ");
	fold_is("Saint-Denis (93200), 2ᵉ étage…", "saint denis 93200 2e etage ");
	fold_is("  ", "");
	fold_is(NULL, "");
	fold_is("caf\xe9", "");				/* not UTF-8: nothing */
}
