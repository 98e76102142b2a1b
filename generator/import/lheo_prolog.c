/*
 * The prolog guard of lheo_prolog.h. Start at lheo_prolog_scan: bytes become
 * units (bytes, or UTF-16 code units once the first four bytes have told the
 * form), and each unit moves a small state machine over the prolog's markup:
 * the text between markup, a "<" whose markup is not known yet (S_LT, the
 * units read since in m), the DOCTYPE, its internal subset, a markup
 * declaration, a comment, a processing instruction, a quoted literal.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lheo_prolog.h"

enum { S_TOP, S_LT, S_DOCTYPE, S_SUBSET, S_DECL, S_COMMENT, S_PI, S_QUOTE, S_DONE };
enum { F_UNKNOWN, F_BYTE, F_LE, F_BE };

void lheo_prolog_init(struct lheo_prolog *p)
{
	memset(p, 0, sizeof(*p));
	p->verdict = LHEO_PROLOG_MORE;
	p->cur_line = 1;
	p->state = S_TOP;
}

static void stop(struct lheo_prolog *p, enum lheo_prolog_verdict v, uint32_t line)
{
	p->verdict = v;
	p->line = line;
	p->state = S_DONE;
}

static void refuse_encoding(struct lheo_prolog *p, const char *name, uint32_t line)
{
	snprintf(p->encoding, sizeof(p->encoding), "%s", name);
	p->lt_off = p->first;
	stop(p, LHEO_PROLOG_ENCODING, line);
}

static int has_prefix(const char *s, const char *pre)
{
	return strncasecmp(s, pre, strlen(pre)) == 0;
}

/* Whether the encoding declared reads as the form the bytes have: an
 * ASCII-compatible one for bytes (so that the scan read the markup the
 * parser will read), UTF-16 for UTF-16. */
static int encoding_fits(const char *e, int form)
{
	static const char *const exact[] = { "UTF-8", "UTF8", "US-ASCII", "ASCII" };
	static const char *const prefix[] = { "ISO-8859-", "ISO8859-", "ISO_8859-", "ISO-LATIN-",
		"LATIN", "WINDOWS-125", "CP125" };
	if (form != F_BYTE)
		return has_prefix(e, "UTF-16") || has_prefix(e, "UTF16");
	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcasecmp(e, exact[i]))
			return 1;
	for (size_t i = 0; i < sizeof(prefix) / sizeof(*prefix); i++)
		if (has_prefix(e, prefix[i]))
			return 1;
	return 0;
}

/* The XML declaration ends (its text in decl): its encoding, if any, must
 * be one the scan reads. */
static void xml_decl(struct lheo_prolog *p)
{
	char *e = strstr(p->decl, "encoding");
	if (strncmp(p->decl, "xml", 3) != 0 || !e)
		return;
	e += 8;
	e += strspn(e, " \t\r\n");
	if (*e++ != '=')
		return;
	e += strspn(e, " \t\r\n");
	if (*e != '"' && *e != '\'')
		return;
	char q = *e++, *end = strchr(e, q);
	if (!end)
		return;
	*end = '\0';
	if (!encoding_fits(e, p->form))
		refuse_encoding(p, e, p->lt_line);
}

/* A unit of the XML declaration, kept with its runs of whitespace made
 * one space: a declaration that is well-formed then fits in decl, whatever
 * its spacing. One that does not could hide its encoding: refused (the
 * parser would stop at its error anyway). */
static void decl_char(struct lheo_prolog *p, int c)
{
	if (strchr(" \t\r\n", c)) {
		if (p->decl_len && p->decl[p->decl_len - 1] == ' ')
			return;
		c = ' ';
	}
	if (p->decl_len + 1 == sizeof(p->decl)) {
		refuse_encoding(p, "", p->lt_line);
		return;
	}
	p->decl[p->decl_len++] = (char)c;
	p->decl[p->decl_len] = '\0';
}

/* The markup after a "<" (m, ending with the unit c) is known: which one. */
static void markup(struct lheo_prolog *p, int c);
static void unit(struct lheo_prolog *p, int c);

static void lt(struct lheo_prolog *p, int c)
{
	static const char *const pat[] = { "<?", "<!--", "<!ENTITY", "<!DOCTYPE" };
	p->m[p->m_len++] = (char)c;
	p->m[p->m_len] = '\0';
	for (size_t i = 0; i < sizeof(pat) / sizeof(*pat); i++)
		if (!strcmp(p->m, pat[i])) {
			markup(p, (int)i);
			return;
		} else if (!strncmp(p->m, pat[i], p->m_len))
			return;
	/* Another markup. In the subset, a declaration (quoted literals may
	 * hold a ">") or stray text; at the top, the root element (or an error
	 * that the parser reports). */
	if (p->back == S_SUBSET) {
		p->state = p->m[1] == '!' ? S_DECL : S_SUBSET;
		unit(p, c);
	} else
		stop(p, LHEO_PROLOG_OK, p->lt_line);
}

static void markup(struct lheo_prolog *p, int which)
{
	switch (which) {
	case 0:
		p->state = S_PI;
		p->capture = p->back == S_TOP && p->lt_off == p->first;
		p->decl_len = 0;
		p->dashes = 0;
		break;
	case 1:
		p->state = S_COMMENT;
		p->dashes = 0;
		break;
	case 2:
		stop(p, LHEO_PROLOG_ENTITY, p->lt_line);
		break;
	default:
		p->state = p->back == S_TOP ? S_DOCTYPE : S_DECL;
		break;
	}
}

static void quote(struct lheo_prolog *p, int c)
{
	p->quote = c;
	p->qback = p->state;
	p->state = S_QUOTE;
}

/* One unit of the prolog (an ASCII character, or 0x80 for any other). */
static void unit(struct lheo_prolog *p, int c)
{
	switch (p->state) {
	case S_TOP:
	case S_SUBSET:
		if (c == '<') {
			p->back = p->state;
			p->state = S_LT;
			p->lt_off = p->unit_off;
			p->lt_line = p->cur_line;
			p->m[0] = '<';
			p->m_len = 1;
		} else if (p->state == S_SUBSET && c == ']')
			p->state = S_DOCTYPE;
		else if (p->state == S_TOP && !strchr(" \t\r\n", c))
			stop(p, LHEO_PROLOG_OK, p->cur_line);
		break;
	case S_LT:
		lt(p, c);
		break;
	case S_DOCTYPE:
	case S_DECL:
		if (c == '"' || c == '\'')
			quote(p, c);
		else if (c == '>')
			p->state = p->state == S_DOCTYPE ? S_TOP : S_SUBSET;
		else if (c == '[' && p->state == S_DOCTYPE)
			p->state = S_SUBSET;
		break;
	case S_QUOTE:
		if (c == p->quote)
			p->state = p->qback;
		break;
	case S_COMMENT:
		if (c == '>' && p->dashes >= 2)
			p->state = p->back;
		p->dashes = c == '-' ? p->dashes + 1 : 0;
		break;
	case S_PI:
		if (c == '>' && p->dashes) {
			p->state = p->back;
			if (p->capture && p->decl_len) {
				p->decl[p->decl_len - 1] = '\0';	/* the '?' */
				xml_decl(p);
			}
		} else if (p->capture)
			decl_char(p, c);
		p->dashes = c == '?';
		break;
	}
}

/* The form of the file from its first four bytes (XML 1.0, appendix F);
 * sets first past a byte order mark. */
static void detect(struct lheo_prolog *p, const unsigned char *b)
{
	static const unsigned char ucs4[][4] = { { 0, 0, 0, 0x3C }, { 0x3C, 0, 0, 0 }, { 0, 0, 0x3C, 0 },
		{ 0, 0x3C, 0, 0 }, { 0, 0, 0xFE, 0xFF }, { 0xFF, 0xFE, 0, 0 } };
	for (size_t i = 0; i < sizeof(ucs4) / sizeof(*ucs4); i++)
		if (!memcmp(b, ucs4[i], 4)) {
			refuse_encoding(p, "UCS-4", 1);
			return;
		}
	if (!memcmp(b, "\x4C\x6F\xA7\x94", 4)) {
		refuse_encoding(p, "EBCDIC", 1);
		return;
	}
	p->form = F_BYTE;
	if (!memcmp(b, "\xEF\xBB\xBF", 3))
		p->first = 3;
	else if ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))
		p->form = b[0] == 0xFF ? F_LE : F_BE, p->first = 2;
	else if (b[0] == 0x3C && b[1] == 0)
		p->form = F_LE;
	else if (b[0] == 0 && b[1] == 0x3C)
		p->form = F_BE;
}

/* One byte of the file: a unit once it is whole (lines counted as the
 * parser does: CR LF, LF or CR alone end one). */
static void byte(struct lheo_prolog *p, unsigned char b)
{
	long long at = p->off++;
	int c;
	if (at < p->first)
		return;
	if (p->form == F_BYTE) {
		c = b;
		p->unit_off = at;
	} else {
		p->pend[p->n_pend++] = b;
		if (p->n_pend < 2)
			return;
		c = p->form == F_LE ? p->pend[0] | p->pend[1] << 8 : p->pend[0] << 8 | p->pend[1];
		p->n_pend = 0;
		p->unit_off = at - 1;
	}
	if (c >= 0x80 || c == 0)
		c = 0x80;
	unit(p, c);
	if (c == '\n' && p->cr)
		;
	else if (c == '\n' || c == '\r')
		p->cur_line++;
	p->cr = c == '\r';
}

size_t lheo_prolog_scan(struct lheo_prolog *p, const unsigned char *s, size_t n)
{
	long long start = p->seen;	/* the file's offset of s[0] */
	size_t i = 0;
	p->seen += (long long)n;
	if (p->verdict == LHEO_PROLOG_OK)
		return n;
	if (p->verdict != LHEO_PROLOG_MORE)
		return 0;
	if (p->form == F_UNKNOWN) {
		unsigned char head[4];
		while (p->n_pend < 4 && i < n)
			p->pend[p->n_pend++] = s[i++];
		if (p->n_pend < 4)
			return n;	/* too short to be a document: the parser says so */
		memcpy(head, p->pend, 4);
		p->n_pend = 0;
		detect(p, head);
		for (size_t k = 0; k < 4 && p->verdict == LHEO_PROLOG_MORE; k++)
			byte(p, head[k]);
	}
	for (; i < n && p->verdict == LHEO_PROLOG_MORE; i++)
		byte(p, s[i]);
	if (p->verdict == LHEO_PROLOG_MORE || p->verdict == LHEO_PROLOG_OK)
		return n;
	return p->lt_off > start ? (size_t)(p->lt_off - start) : 0;
}
