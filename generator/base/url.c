/*
 * URL classification. Start at url_kind: it skips what a browser skips, reads
 * the scheme, and sorts it into allowed and refused kinds. The refused list
 * is closed the other way round: only http, https, mailto and tel are links
 * to outside the site, and a scheme that runs code is an error rather than a
 * dropped link.
 */
#include "url.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Characters the URL parser removes (tab, LF, CR anywhere) or skips at the
 * start (C0 controls and space). */
static int is_stripped(unsigned char c)
{
	return c <= 0x20;
}

/* The scheme-looking start of url: bytes before the first ':', '/', '?' or
 * '#', with the stripped characters left out, lowercased into out (at most
 * cap - 1 bytes). Returns 1 when a ':' ends it, 0 when there is no scheme;
 * *hidden is set when characters a browser drops or decodes ('\t', '&', '%')
 * sit inside it. */
static int scheme(const char *url, char *out, size_t cap, int *hidden)
{
	const unsigned char *p = (const unsigned char *)url;
	size_t n = 0;
	*hidden = 0;
	while (*p && is_stripped(*p))
		p++;
	for (; *p && *p != ':' && *p != '/' && *p != '?' && *p != '#'; p++) {
		if (*p == '&') {	/* a character reference: "&#115;", "&Tab;" */
			*hidden = 1;
			while (p[1] && (isalnum(p[1]) || p[1] == '#'))
				p++;
			continue;
		}
		if (is_stripped(*p) || *p == '%' || *p == ';' || *p == '\\') {
			*hidden = 1;
			continue;
		}
		if (n + 1 < cap)
			out[n++] = (char)tolower(*p);
	}
	out[n] = '\0';
	return *p == ':';
}

static int is_scheme_name(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

enum url_kind url_kind(const char *url)
{
	char s[32];
	int hidden;
	if (!scheme(url, s, sizeof(s), &hidden))
		return URL_RELATIVE;
	if (hidden || !is_scheme_name(s))
		return URL_SCRIPT;
	static const struct { const char *name; enum url_kind kind; } known[] = {
		{ "http", URL_WEB }, { "https", URL_WEB }, { "mailto", URL_MAIL },
		{ "tel", URL_TEL }, { "geo", URL_GEO }, { "javascript", URL_SCRIPT }, { "vbscript", URL_SCRIPT },
		{ "data", URL_SCRIPT }, { "livescript", URL_SCRIPT },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(s, known[i].name) == 0)
			return known[i].kind;
	return URL_OTHER;
}

int url_is_link(const char *url)
{
	enum url_kind k = url_kind(url);
	return k != URL_OTHER && k != URL_SCRIPT && k != URL_GEO;
}

/* Reads a decimal number ("-48.9362") at *p, within [-max, max]. */
static int geo_number(const char **p, double max)
{
	const char *s = *p;
	double v = 0, scale = 1;
	int neg = *s == '-', digits = 0;
	s += neg;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.') {
		int frac = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, frac++)
			v += (*s - '0') * (scale /= 10);
		if (!frac)
			return 0;
	}
	*p = s;
	return digits > 0 && digits <= 3 && v <= max;
}

int url_is_geo(const char *url)
{
	if (url_kind(url) != URL_GEO || strncmp(url, "geo:", 4) != 0)
		return 0;
	const char *p = url + 4;
	return geo_number(&p, 90) && *p++ == ',' && geo_number(&p, 180) && *p == '\0';
}

int url_is_web(const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	const char *host = strncasecmp(url, "https://", 8) == 0 ? url + 8
	    : strncasecmp(url, "http://", 7) == 0 ? url + 7 : NULL;
	return host && *host && *host != '/' && *host != '?' && *host != '#';
}

const char *url_base_problem(const char *url)
{
	if (!url_is_web(url))
		return "must be an http:// or https:// address";
	if (url[strlen(url) - 1] != '/')
		return "must end with '/'";
	return NULL;
}
