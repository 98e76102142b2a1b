/*
 * HTML of LHÉO text fields to Markdown. One pass over the text: tags change
 * the block state (paragraph, list item) and bold; text is appended with
 * whitespace collapsed and Markdown's punctuation escaped. Blocks are kept in
 * out directly; blk_start marks where the current block began, so that an
 * empty block can be taken back.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "../base/buf.h"
#include "lheo_md.h"

enum blk { B_NONE, B_PARA, B_ITEM };

/* ASCII classes, whatever the locale. */
static int a_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int a_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int a_digit(int c)
{
	return c >= '0' && c <= '9';
}

struct md {
	struct buf *out;
	size_t base;		/* where this field's Markdown starts in out */
	size_t mark;		/* where the current block's separator starts */
	size_t blk_start;	/* where the current block's text starts */
	enum blk blk, prev;	/* current block; the last block written */
	int list, prev_list;	/* list counter, to join items of one list */
	int ordered, number;
	int bold;
	size_t bold_at;		/* out->len just after an opening "**" */
	int space;		/* a space is pending before the next text */
	int skip;		/* inside script/style: text dropped */
};

static void end_block(struct md *m)
{
	if (m->bold) {
		if (m->out->len == m->bold_at)
			buf_truncate(m->out, m->bold_at - 2);
		else
			buf_puts(m->out, "**");
		m->bold = 0;
	}
	if (m->blk == B_NONE)
		return;
	if (m->out->len == m->blk_start) {	/* nothing written: take the block back */
		buf_truncate(m->out, m->mark);
		if (m->blk == B_ITEM && m->ordered)
			m->number--;
	} else {
		m->prev = m->blk;
		m->prev_list = m->list;
	}
	m->blk = B_NONE;
	m->space = 0;
}

static void begin_block(struct md *m, enum blk b)
{
	end_block(m);
	m->mark = m->out->len;
	if (m->out->len > m->base)
		buf_puts(m->out, b == B_ITEM && m->prev == B_ITEM && m->prev_list == m->list ? "\n" : "\n\n");
	if (b == B_ITEM) {
		if (m->ordered)
			buf_printf(m->out, "%d. ", ++m->number);
		else
			buf_puts(m->out, "- ");
	}
	m->blk = b;
	m->blk_start = m->out->len;
	m->space = 0;
}

static void put_text_char(struct md *m, const char *s, size_t n)
{
	if (m->skip)
		return;
	if (m->blk == B_NONE)
		begin_block(m, B_PARA);
	if (m->space && m->out->len > m->blk_start && !(m->bold && m->out->len == m->bold_at))
		buf_putc(m->out, ' ');
	m->space = 0;
	unsigned char c = (unsigned char)s[0];
	int at_start = m->out->len == m->blk_start;
	if (n == 1 && ((c < 0x80 && memchr("\\`*_[]<>&#|!~", c, 13)) || (at_start && (c == '-' || c == '+' || c == '='))))
		buf_putc(m->out, '\\');
	else if (n == 1 && (c == '.' || c == ')')) {
		/* "12." at the start of a block would open a numbered list. */
		size_t k = m->out->len;
		while (k > m->blk_start && a_digit((unsigned char)m->out->data[k - 1]))
			k--;
		if (k == m->blk_start && k < m->out->len)
			buf_putc(m->out, '\\');
	}
	buf_add(m->out, s, n);
}

static void put_space(struct md *m, int newlines)
{
	if (newlines >= 2 && m->blk == B_PARA && !m->skip)
		end_block(m);
	else
		m->space = 1;
}

static void put_codepoint(struct md *m, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp == 0xA0 || cp == ' ') {
		m->space = 1;
		return;
	}
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp >= 0xD800 && cp < 0xE000) ||
	    cp > 0x10FFFF || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put_text_char(m, u, n);
}

/* A character reference at s ('&'); returns its length, 0 when not one. */
static size_t entity(struct md *m, const char *s)
{
	static const struct { const char *name; uint32_t cp; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", 0xA0 }, { "eacute", 0xE9 }, { "egrave", 0xE8 }, { "agrave", 0xE0 },
		{ "ccedil", 0xE7 }, { "ecirc", 0xEA }, { "rsquo", 0x2019 }, { "laquo", 0xAB },
		{ "raquo", 0xBB }, { "euro", 0x20AC }, { "hellip", 0x2026 }, { "ndash", 0x2013 },
		{ "mdash", 0x2014 }, { "oelig", 0x153 }, { "ocirc", 0xF4 }, { "icirc", 0xEE },
		{ "ucirc", 0xFB }, { "acirc", 0xE2 }, { "ugrave", 0xF9 }, { "Eacute", 0xC9 },
	};
	const char *semi = strchr(s, ';');
	if (!semi || semi - s > 10 || semi - s < 2)
		return 0;
	size_t len = (size_t)(semi - s) + 1;
	if (s[1] == '#') {
		int hex = s[2] == 'x' || s[2] == 'X';
		uint32_t cp = 0;
		const char *p = s + 2 + hex;
		if (p == semi)
			return 0;
		for (; p < semi; p++) {
			int v = isdigit((unsigned char)*p) ? *p - '0' :
			    hex && isxdigit((unsigned char)*p) ? (tolower((unsigned char)*p) - 'a' + 10) : -1;
			if (v < 0)
				return 0;
			cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
			if (cp > 0x10FFFF)
				cp = 0x110000;
		}
		put_codepoint(m, cp);
		return len;
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (strlen(named[i].name) == len - 2 && strncmp(s + 1, named[i].name, len - 2) == 0) {
			put_codepoint(m, named[i].cp);
			return len;
		}
	return 0;
}

static void on_tag(struct md *m, const char *name, int closing)
{
	static const char *const dropped[] = { "script", "style", "head", "title", "iframe",
		"object", "noscript", "template", "svg", "math", NULL };
	for (size_t i = 0; name[1] && dropped[i]; i++)	/* none is one letter long */
		if (name[0] == dropped[i][0] && strcmp(name, dropped[i]) == 0) {
			m->skip = !closing;
			return;
		}
	if (m->skip)
		return;
	if (!strcmp(name, "b") || !strcmp(name, "strong")) {
		if (!closing && !m->bold) {
			if (m->blk == B_NONE)
				begin_block(m, B_PARA);
			if (m->space && m->out->len > m->blk_start)
				buf_putc(m->out, ' ');
			m->space = 0;
			buf_puts(m->out, "**");
			m->bold = 1;
			m->bold_at = m->out->len;
		} else if (closing && m->bold) {
			if (m->out->len == m->bold_at)
				buf_truncate(m->out, m->bold_at - 2);
			else
				buf_puts(m->out, "**");
			m->bold = 0;
		}
	} else if (!strcmp(name, "ul") || !strcmp(name, "ol")) {
		end_block(m);
		m->list++;
		m->ordered = !closing && name[0] == 'o';
		m->number = 0;
	} else if (!strcmp(name, "li")) {
		if (closing)
			end_block(m);
		else
			begin_block(m, B_ITEM);
	} else if (!strcmp(name, "br")) {
		end_block(m);
	} else if (!strcmp(name, "p") || !strcmp(name, "div") || (name[0] == 'h' && name[1] >= '1' &&
	    name[1] <= '6' && !name[2]) || !strcmp(name, "blockquote") || !strcmp(name, "table") ||
	    !strcmp(name, "tr")) {
		end_block(m);
	}
}

/* A tag at s ('<'); returns its length, 0 when '<' starts no tag. */
static size_t tag(struct md *m, const char *s)
{
	const char *p = s + 1;
	int closing = *p == '/';
	p += closing;
	if (!a_alpha((unsigned char)*p))
		return 0;
	char name[16];
	size_t k = 0;
	while (a_alpha((unsigned char)*p) || a_digit((unsigned char)*p)) {
		if (k < sizeof(name) - 1)
			name[k++] = (char)(a_alpha((unsigned char)*p) ? *p | 0x20 : *p);
		p++;
	}
	name[k] = '\0';
	if (*p && !a_space((unsigned char)*p) && *p != '>' && *p != '/')
		return 0;
	char quote = 0;
	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			break;
	}
	if (!*p)
		return 0;
	on_tag(m, name, closing);
	return (size_t)(p + 1 - s);
}

/* Bytes that are never markup, wherever they stand: ASCII letters and
 * digits, and the bytes of UTF-8 sequences (never shorter at the end of a
 * run than the sequence, since a run stops only at ASCII or NUL). */
static int is_plain(unsigned char c)
{
	return c >= 0x80 || a_alpha(c) || a_digit(c);
}

/* Bytes that need no escape once a block has begun: the plain ones and
 * the punctuation put_text_char copies as it is but at the start of a
 * block ('-', '+', '=') or after digits ('.', ')': left to it). */
static int is_plain_inside(unsigned char c)
{
	switch (c) {
	case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
	case '&': case '#': case '|': case '!': case '~': case '.': case ')':
		return 0;
	default:
		return c > ' ' && c != 0x7F;
	}
}

void lheo_md(struct buf *out, const char *html)
{
	struct md m = { 0 };
	m.out = out;
	m.base = out->len;
	for (const char *s = html; *s;) {
		size_t n = 0;
		if (*s == '<')
			n = tag(&m, s);
		else if (*s == '&')
			n = entity(&m, s);
		if (n) {
			s += n;
			continue;
		}
		if (a_space((unsigned char)*s)) {
			int nl = 0;
			for (; a_space((unsigned char)*s); s++)
				nl += *s == '\n';
			put_space(&m, nl);
			continue;
		}
		unsigned char c = (unsigned char)*s;
		if (is_plain(c) && !m.skip && m.blk != B_NONE && m.out->len > m.blk_start) {
			/* Inside a block, a run of letters and digits (and UTF-8
			 * sequences) needs no escape: copied at once, after the
			 * space pending (as put_text_char does). */
			if (m.space && !(m.bold && m.out->len == m.bold_at))
				buf_putc(m.out, ' ');
			m.space = 0;
			for (n = 1; is_plain_inside((unsigned char)s[n]); n++)
				;
			buf_add(m.out, s, n);
			s += n;
			continue;
		}
		n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		size_t have = strnlen(s, n);
		if (c < 0x20 || c == 0x7F) {
			s++;
			continue;
		}
		put_text_char(&m, s, have);
		s += have;
	}
	end_block(&m);
}
