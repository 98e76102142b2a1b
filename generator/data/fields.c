/*
 * Typed field readers. libyaml resolves no types, so this is where plain
 * scalars become booleans, integers and dates, following YAML 1.2's core
 * schema for what we accept and refusing the rest with a message.
 */
#include "fields.h"

#include <ctype.h>
#include <math.h>
#include <limits.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../base/diag.h"
#include "../base/utf8.h"

static void report(struct rd *r, const struct ynode *n, enum diag_sev sev,
    const char *fmt, va_list ap)
{
	diag_vadd(r->d, r->file, n ? n->line : 0, n ? n->col : 0, sev, fmt, ap);
}

void rd_error(struct rd *r, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(r, n, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

void rd_warn(struct rd *r, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(r, n, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

void rd_keys(struct rd *r, const struct ynode *map, const char *const *keys)
{
	size_t nk = 0;
	while (keys[nk])
		nk++;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->u.pairs[i].key;
		size_t j;
		for (j = 0; j < nk && (keys[j][0] != k->u.s[0] || strcmp(keys[j], k->u.s) != 0); j++)
			;
		if (j < nk)
			continue;
		const char *s = str_suggest(k->u.s, keys, nk);
		if (s)
			rd_error(r, k, "unknown key '%s'; did you mean '%s'?", k->u.s, s);
		else
			rd_error(r, k, "unknown key '%s'", k->u.s);
	}
}

static const char *kind_name(enum ykind k)
{
	return k == Y_MAP ? "a mapping" : k == Y_SEQ ? "a list" : "a value";
}

static const struct ynode *key_node(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->u.pairs[i].key->u.s, key) == 0)
			return map->u.pairs[i].key;
	return map;
}

const struct ynode *rd_node(struct rd *r, const struct ynode *map,
    const char *key, enum ykind k, int req)
{
	const struct ynode *v = ytree_get(map, key);
	if (!v || ytree_is_null(v)) {
		if (req)
			rd_error(r, v ? v : map, "missing '%s'", key);
		return NULL;
	}
	if (v->kind != k) {
		rd_error(r, v, "'%s' must be %s, not %s", key, kind_name(k),
		    kind_name(v->kind));
		(void)key_node;
		return NULL;
	}
	return v;
}

const char *rd_scalar(struct rd *r, const struct ynode *v)
{
	size_t n = utf8_utf16_len(v->u.s, v->n);
	if (n > TEXT_FIELD_MAX)
		rd_warn(r, v, "text of %zu characters: a spreadsheet cell holds 32,767, some with words around the text, so the workbooks (xlsx/) may hold it cut",
		    n);
	return arena_strndup(r->a, v->u.s, v->n);
}

const char *rd_text(struct rd *r, const struct ynode *map, const char *key, int req)
{
	return rd_stext(r, map, key, req).s;
}

const char *rd_markdown(struct rd *r, const struct ynode *map, const char *key, int req,
    struct diag_text *at)
{
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	if (v && at)
		ytree_text(v, at);
	return v ? arena_strndup(r->a, v->u.s, v->n) : NULL;
}

struct sval rd_stext(struct rd *r, const struct ynode *map, const char *key, int req)
{
	struct sval sv = { NULL, 0, 0, 0 };
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	if (!v)
		return sv;
	sv.s = rd_scalar(r, v);
	sv.line = v->line;
	sv.col = v->col;
	sv.plain = v->plain;
	return sv;
}

struct sval rd_code_node(struct rd *r, const struct ynode *v)
{
	struct sval sv = { NULL, v->line, v->col, v->plain };
	if (v->kind != Y_SCALAR) {
		rd_error(r, v, "a code must be a value, not %s", kind_name(v->kind));
		return sv;
	}
	if (ytree_is_number(v))
		rd_error(r, v, "code %s must be quoted (\"%s\"): unquoted, YAML reads a number",
		    v->u.s, v->u.s);
	sv.s = rd_scalar(r, v);
	return sv;
}

struct sval rd_code(struct rd *r, const struct ynode *map, const char *key, int req)
{
	struct sval sv = { NULL, 0, 0, 0 };
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	return v ? rd_code_node(r, v) : sv;
}

struct svals rd_codes(struct rd *r, const struct ynode *map, const char *key, int req)
{
	struct svals out = { NULL, 0 };
	const struct ynode *v = rd_node(r, map, key, Y_SEQ, req);
	if (!v)
		return out;
	out.v = arena_alloc(r->a, v->n * sizeof(*out.v));
	for (size_t i = 0; i < v->n; i++) {
		struct sval s = rd_code_node(r, v->u.items[i]);
		if (s.s)
			out.v[out.n++] = s;
	}
	return out;
}

enum tri rd_bool(struct rd *r, const struct ynode *map, const char *key, int req)
{
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	if (!v)
		return TRI_UNKNOWN;
	if (v->plain && strcmp(v->u.s, "true") == 0)
		return TRI_TRUE;
	if (v->plain && strcmp(v->u.s, "false") == 0)
		return TRI_FALSE;
	rd_error(r, v, "'%s' must be true or false, not '%s'", key, v->u.s);
	return TRI_UNKNOWN;
}

long rd_int(struct rd *r, const struct ynode *map, const char *key, int req,
    long min, long max)
{
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	if (!v)
		return -1;
	char *end;
	errno = 0;
	long x = strtol(v->u.s, &end, 10);
	if (!v->plain || v->n == 0 || *end || errno || !isdigit((unsigned char)v->u.s[v->n - 1])) {
		rd_error(r, v, "'%s' must be a whole number, not '%s'", key, v->u.s);
		return -1;
	}
	if (x < min || x > max) {
		if (max == LONG_MAX)
			rd_error(r, v, "'%s' must be %ld or more, not %ld", key, min, x);
		else
			rd_error(r, v, "'%s' must be between %ld and %ld, not %ld", key, min, max, x);
		return -1;
	}
	return x;
}

long rd_count(struct rd *r, const struct ynode *map, const char *key, long plausible)
{
	long x = rd_int(r, map, key, OPT, 0, LONG_MAX);
	if (x > plausible)
		rd_warn(r, ytree_get(map, key), "'%s' is %ld, more than %ld: check it", key, x, plausible);
	return x;
}

double rd_number(struct rd *r, const struct ynode *map, const char *key, int *has)
{
	*has = 0;
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, OPT);
	if (!v)
		return 0;
	char *end;
	double x = strtod(v->u.s, &end);
	if (!ytree_is_number(v) || *end || !isfinite(x)) {
		rd_error(r, v, "'%s' must be a number, not '%s'", key, v->u.s);
		return 0;
	}
	*has = 1;
	return x;
}

int parse_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return 0;
	return y * 10000 + m * 100 + d;
}

int rd_date(struct rd *r, const struct ynode *map, const char *key, int req)
{
	const struct ynode *v = rd_node(r, map, key, Y_SCALAR, req);
	if (!v)
		return 0;
	int d = parse_date(v->u.s);
	if (!d)
		rd_error(r, v, "'%s' must be a date YYYY-MM-DD, not '%s'", key, v->u.s);
	return d;
}

int is_slug_n(const char *s, size_t n)
{
	if (!n || *s == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c == '-' && i + 1 < n && s[i + 1] != '-')
			continue;
		return 0;
	}
	return 1;
}

int is_slug(const char *s)
{
	return is_slug_n(s, strlen(s));
}

const char *slug_length_problem(const char *s)
{
	if (strlen(s) > SLUG_PATH_MAX)
		return "is too long for the file system: at most " XSTR(SLUG_PATH_MAX) " bytes in all";
	while (*s) {
		size_t n = strcspn(s, "/");
		if (n > SLUG_SEGMENT_MAX)
			return "is too long to be a file name: at most " XSTR(SLUG_SEGMENT_MAX)
			    " bytes per name";
		s += n + (s[n] == '/');
	}
	return NULL;
}

int rd_slug_fits(struct rd *r, const struct ynode *at, const char *what, const char *s)
{
	const char *bad = slug_length_problem(s);
	if (bad)
		rd_error(r, at, "%s '%.40s…' (%zu bytes) %s", what, s, strlen(s), bad);
	return !bad;
}
