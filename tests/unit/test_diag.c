/*
 * Unit tests of the diagnostics' messages (generator/base/diag.c): a value
 * longer than DIAG_QUOTE_MAX is shortened between two UTF-8 characters and
 * followed by its length; every other conversion prints as printf does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/base/mem.h"
#include "../../generator/base/utf8.h"
#include "harness.h"
#include "tests.h"

/* The message diag_vadd makes of fmt and its arguments (caller frees). */
static char *msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *msg(const char *fmt, ...)
{
	struct diags d = DIAGS_INIT;
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&d, "f.yaml", 1, 1, DIAG_WARNING, fmt, ap);
	va_end(ap);
	char *m = d.n == 1 && d.warnings == 1 ? xstrdup(d.v[0].msg) : NULL;
	diags_free(&d);
	return m;
}

/* diag_add's message is snprintf's output of the same format and arguments. */
#define SAME_AS_PRINTF(...) do { \
	char want_[1024]; \
	snprintf(want_, sizeof(want_), __VA_ARGS__); \
	char *got_ = msg(__VA_ARGS__); \
	EXPECT_STR(got_, want_); \
	free(got_); \
} while (0)

/* prefix then n copies of unit, in b (reset first). */
static const char *made(struct buf *b, const char *prefix, const char *unit, size_t n)
{
	buf_reset(b);
	buf_puts(b, prefix);
	while (n--)
		buf_puts(b, unit);
	return b->data;
}

/* The message of fmt with one string argument s equals head of s (its
 * first n bytes) + "…" put where the value was, then " (len bytes)" after
 * the quote that follows it, as diag_vadd writes a shortened value. */
static int shortened(const char *got, const char *before, const char *s, size_t n,
    const char *quote, const char *after)
{
	struct buf want = BUF_INIT;
	buf_printf(&want, "%s%.*s…%s (%zu bytes)%s", before, (int)n, s, quote, strlen(s), after);
	int same = harness_streq(got, want.data);
	if (!same)
		printf("  got:  %s\n  want: %s\n", got ? got : "(null)", want.data);
	buf_release(&want);
	return same;
}

/* value, quoted, is shortened to its first keep bytes; a message of valid
 * UTF-8 stays valid. */
static int cuts_at(const char *value, size_t keep)
{
	char *m = msg("'%s'", value);
	int ok = shortened(m, "'", value, keep, "'", "");
	if (utf8_check(value, strlen(value)) == strlen(value))
		ok = ok && utf8_check(m, strlen(m)) == strlen(m);
	free(m);
	return ok;
}

void test_diag_short(void)
{
	struct buf v = BUF_INIT;
	char *m;

	/* A value of DIAG_QUOTE_MAX bytes or less is quoted whole. */
	SAME_AS_PRINTF("organisation '%s' is also that of '%s'", "asso-test", "asso-test-bis");
	SAME_AS_PRINTF("id '%s' (%s)", made(&v, "", "a", DIAG_QUOTE_MAX), "");
	SAME_AS_PRINTF("%s", "");

	/* A longer one: its first DIAG_QUOTE_MAX bytes, "…", and its length
	 * after the closing quote, or right after it without a quote. */
	buf_reset(&v);
	buf_puts(&v, "org-");
	for (int i = 0; i < 263; i++)
		buf_putc(&v, (char)('a' + i % 26));
	m = msg("SIRET %s of organisation '%s' is also that of '%s' at %s:%u", "12345678900012",
	    v.data, "asso-test", "content/organismes/asso-test.yaml", 4u);
	EXPECT(shortened(m, "SIRET 12345678900012 of organisation '", v.data, DIAG_QUOTE_MAX, "'",
	    " is also that of 'asso-test' at content/organismes/asso-test.yaml:4"));
	EXPECT(m && strstr(m, "…' (267 bytes) is also"));
	free(m);
	m = msg("cannot write: %s", v.data);
	EXPECT(shortened(m, "cannot write: ", v.data, DIAG_QUOTE_MAX, "", ""));
	free(m);
	m = msg("title \"%s\" is long", v.data);
	EXPECT(shortened(m, "title \"", v.data, DIAG_QUOTE_MAX, "\"", " is long"));
	free(m);
	m = msg("not one of %s's codes", v.data);	/* an apostrophe, not a quote */
	EXPECT(shortened(m, "not one of ", v.data, DIAG_QUOTE_MAX, "", "'s codes"));
	free(m);
	made(&v, "", "b", DIAG_QUOTE_MAX + 1);
	m = msg("'%s'", v.data);
	EXPECT(shortened(m, "'", v.data, DIAG_QUOTE_MAX, "'", ""));
	free(m);

	/* A cut that falls inside a UTF-8 sequence is put before it: "é" (2
	 * bytes) after one byte, "€" (3) after two, an emoji (4) after one. */
	EXPECT(cuts_at(made(&v, "x", "é", 100), DIAG_QUOTE_MAX - 1));
	EXPECT(cuts_at(made(&v, "ab", "€", 60), DIAG_QUOTE_MAX - 1));
	EXPECT(cuts_at(made(&v, "a", "\xF0\x9F\x98\x80", 40), DIAG_QUOTE_MAX - 3));
	EXPECT(cuts_at(made(&v, "", "€", 60), DIAG_QUOTE_MAX));	/* on a boundary */

	/* Invalid UTF-8 is cut as bytes, never worse than it was: stray
	 * continuation bytes, bytes that begin nothing, a lead byte whose
	 * sequence the cut would split (and which has no continuation). */
	EXPECT(cuts_at(made(&v, "", "\xA9", 200), DIAG_QUOTE_MAX));
	EXPECT(cuts_at(made(&v, "", "\xFF", 200), DIAG_QUOTE_MAX));
	made(&v, "", "a", DIAG_QUOTE_MAX - 1);
	buf_puts(&v, "\xC3zzzzzzzzzz");
	EXPECT(cuts_at(v.data, DIAG_QUOTE_MAX - 1));

	/* %.*s is already bounded by its precision, unless that passes the
	 * limit: then the value, as long as the precision lets it be, is cut. */
	made(&v, "", "c", 300);
	SAME_AS_PRINTF("link '%.40s…' (%zu bytes)", v.data, strlen(v.data));
	SAME_AS_PRINTF("%.*s|%.*s", 10, v.data, DIAG_QUOTE_MAX, v.data);
	m = msg("'%.*s'", 200, v.data);
	EXPECT(m && strstr(m, "…' (200 bytes)") && strlen(m) == 2 + DIAG_QUOTE_MAX + 3 + 12);
	free(m);
	m = msg("'%.250s'", v.data);
	EXPECT(m && strstr(m, "…' (250 bytes)"));
	free(m);
	buf_release(&v);
}

void test_diag_printf(void)
{
	/* Every conversion the diagnostics use, and their neighbours. */
	SAME_AS_PRINTF("%d %i %u %ld %lu %lld %llu %zu %zd", -3, 42, 7u, -123456789L, 9UL,
	    -9000000000LL, 18446744073709551615ULL, (size_t)12345, (ssize_t)-5);
	SAME_AS_PRINTF("%hd %hu %hhd %hhu", (short)-2, (unsigned short)65535, (signed char)-1,
	    (unsigned char)200);
	SAME_AS_PRINTF("%c%c %x %X %#x %04X %02d %04o %o %+d % d %-5d| %5d|", 'o', 'k', 255u,
	    0xBEEFu, 16u, 0xAu, 7, 0755u, 8u, 3, 3, 42, 42);
	SAME_AS_PRINTF("%.5f %g %e %E %G %f %.0f %a %Lg %10.3f|", 48.9362, 0.001, 1e-10, 12345.678,
	    1e20, -0.0, 2.5, 1.0, (long double)3.25, 3.14159);
	SAME_AS_PRINTF("100%% %s%%%c %%d", "sur", '!');
	SAME_AS_PRINTF("%*d|%-*d|%.*f|%*s|%-*s|%.*d", 6, 42, 6, 42, 2, 3.14159, -4, "ab", 4, "cd", 4, 7);
	SAME_AS_PRINTF("[%5s] [%-5s] [%.2s] [%8.3s]", "ab", "ab", "abcdef", "abcdef");
	SAME_AS_PRINTF("no conversion at all");
	SAME_AS_PRINTF("%s", "(the whole message as one value)");

	/* A conversion diag_vadd does not know: the whole message printed as
	 * printf would, no value shortened (and no argument lost). */
	struct buf v = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_putc(&v, 'd');
	SAME_AS_PRINTF("%p %p", (void *)0, (void *)&v);
	SAME_AS_PRINTF("%jd '%s' %td %d", (intmax_t)-7, v.data, (ptrdiff_t)3, 9);
	SAME_AS_PRINTF("%s %lc %d", "wide", (wint_t)'w', 5);
	buf_release(&v);
}

/* diag_add_msg keeps its message as it is: long, with '%' signs. */
void test_diag_msg(void)
{
	struct buf v = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_puts(&v, i % 50 ? "m" : "%s");
	struct diags d = DIAGS_INIT;
	diag_add_msg(&d, "a.md", 3, 1, DIAG_ERROR, v.data);
	EXPECT(d.n == 1 && d.errors == 1 && harness_streq(d.v[0].msg, v.data));
	EXPECT(d.n == 1 && harness_streq(d.v[0].file, "a.md") && d.v[0].line == 3);
	diags_free(&d);
	buf_release(&v);
}
