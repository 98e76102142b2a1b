/*
 * Context escapes. Kept together so that a reviewer sees every rule at once.
 */
#include "escape.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

void esc_json(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s, *run = p;
	while (*p) {
		const char *rep;
		size_t skip = 1;
		switch (*p) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '<': rep = "\\u003c"; break;
		case '>': rep = "\\u003e"; break;
		case '&': rep = "\\u0026"; break;
		default:
			if (*p >= 0x20 && *p < 0x7F) {
				p++;
				continue;
			}
			if (*p >= 0x80) {
				uint32_t cp;
				size_t n = utf8_decode((const char *)p, &cp);
				if (n && cp != 0x2028 && cp != 0x2029 && utf8_is_text(cp)) {
					p += n;
					continue;
				}
				/* U+2028 and U+2029 end a line in JavaScript
				 * before ES2019; a byte that is not UTF-8 would
				 * make the whole file invalid JSON; a C1
				 * control or a noncharacter is left out, as
				 * every other output leaves it. */
				rep = !n ? "\xEF\xBF\xBD" : cp == 0x2028 ? "\\u2028" : cp == 0x2029 ? "\\u2029" : "";
				skip = n ? n : 1;
			} else
				rep = "";	/* a C0 control but tab, LF, CR, or DEL: left out */
		}
		/* Copy the run of plain bytes at once, then the escape. */
		buf_add(b, run, (size_t)(p - run));
		buf_puts(b, rep);
		p += skip;
		run = p;
	}
	buf_add(b, run, (size_t)(p - run));
	buf_putc(b, '"');
}

/* 1 when the character at p (n bytes, cp) may stand in text. */
static int is_text_at(const unsigned char *p, size_t *n)
{
	if ((*p >= 0x20 && *p < 0x7F) || *p == '\t' || *p == '\n' || *p == '\r') {
		*n = 1;
		return 1;
	}
	uint32_t cp;
	*n = *p >= 0x80 ? utf8_decode((const char *)p, &cp) : 0;
	if (*n && utf8_is_text(cp))
		return 1;
	return 0;
}

/* s without what text may not hold (utf8_is_text: controls other than
 * tab, LF and CR, noncharacters), a byte that is not UTF-8 as U+FFFD, into
 * t; NULL when s holds none of them (most cells: nothing copied). */
static const char *text_only(const char *s, struct buf *t)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	while (*p && is_text_at(p, &n))
		p += n;
	if (!*p)
		return NULL;
	buf_add(t, s, (size_t)(p - (const unsigned char *)s));
	while (*p) {
		if (is_text_at(p, &n))
			buf_add(t, p, n);
		else if (*p >= 0x80 && !n)
			buf_puts(t, "\xEF\xBF\xBD");
		p += n ? n : 1;
	}
	return t->data;
}

void esc_csv(struct buf *b, const char *s, char sep)
{
	struct buf t = BUF_INIT;
	const char *clean = s ? text_only(s, &t) : NULL;
	if (clean)
		s = clean;
	if (!s || !*s) {
		buf_release(&t);
		return;
	}
	int guard = strchr("=+-@\t\r", s[0]) != NULL;
	int quote = guard || strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') ||
	    strchr(s, '\r');
	if (!quote) {
		buf_puts(b, s);
		buf_release(&t);
		return;
	}
	buf_putc(b, '"');
	if (guard)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
	buf_release(&t);
}

void esc_html(struct buf *b, const char *s)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s, *start = p;
	while (*p) {
		const char *rep;
		size_t skip = 1;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((*p >= 0x20 && *p < 0x7F) || *p == '\t' || *p == '\n' || *p == '\r') {
				p++;
				continue;
			}
			if (*p >= 0x80) {
				uint32_t cp;
				size_t n = utf8_decode((const char *)p, &cp);
				if (n && utf8_is_text(cp)) {
					p += n;
					continue;
				}
				/* A control character or a noncharacter is left
				 * out; a byte that is not UTF-8 is shown as U+FFFD. */
				rep = n ? "" : "\xEF\xBF\xBD";
				skip = n ? n : 1;
			} else
				rep = "";	/* C0 control or DEL */
		}
		buf_add(b, start, (size_t)(p - start));
		buf_puts(b, rep);
		p += skip;
		start = p;
	}
	buf_add(b, start, (size_t)(p - start));
}

void esc_id(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' ? *s : '_');
}
