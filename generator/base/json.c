/*
 * The JSON writer of json.h. Start at before_value: every token asks it for
 * its separator (a comma in a container that already has an element, the
 * pending json_ws whitespace, the indentation of the pretty style), so a
 * caller never writes one.
 */
#include "json.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "mem.h"

enum {
	J_OBJ = 1,	/* an object (else an array) */
	J_HAS = 2,	/* an element or member was written */
	J_KEYED = 4,	/* a key was written, its value is due */
	J_INLINE = 8,	/* a pretty array of scalars, on one line */
};

void json_init(struct json *j, struct buf *b, enum json_style style)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
	j->style = style;
}

void json_free(struct json *j)
{
	free(j->st);
	j->st = NULL;
	j->cap = j->depth = 0;
}

static void flush_ws(struct json *j)
{
	buf_add(j->b, j->ws, j->n_ws);
	j->n_ws = 0;
}

static void newline(struct json *j, size_t level)
{
	buf_putc(j->b, '\n');
	for (size_t i = 0; i < level; i++)
		buf_puts(j->b, "  ");
}

/* Writes what goes before a value: nothing at the top, the comma and the
 * line break in an array, nothing after a key (json_key wrote them). */
static void before_value(struct json *j, int container)
{
	if (!j->depth) {
		assert(!j->root);
		j->root = 1;
		flush_ws(j);
		return;
	}
	unsigned char *top = &j->st[j->depth - 1];
	if (*top & J_OBJ) {
		assert(*top & J_KEYED);
		*top &= (unsigned char)~J_KEYED;
		flush_ws(j);
		return;
	}
	if (*top & J_HAS)
		buf_putc(j->b, ',');
	else if (j->style == JSON_PRETTY && !container)
		*top |= J_INLINE;
	flush_ws(j);
	if (j->style == JSON_PRETTY) {
		if (!(*top & J_INLINE))
			newline(j, j->depth);
		else if (*top & J_HAS)
			buf_putc(j->b, ' ');
	}
	*top |= J_HAS;
}

static void open_level(struct json *j, unsigned char kind, char c)
{
	before_value(j, 1);
	if (j->depth == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 16;
		j->st = xrealloc(j->st, j->cap);
	}
	j->st[j->depth++] = kind;
	buf_putc(j->b, c);
}

void json_object(struct json *j)
{
	open_level(j, J_OBJ, '{');
}

void json_array(struct json *j)
{
	open_level(j, 0, '[');
}

void json_end(struct json *j)
{
	assert(j->depth);
	unsigned char top = j->st[--j->depth];
	assert(!(top & J_KEYED));
	flush_ws(j);
	if (j->style == JSON_PRETTY && (top & J_HAS) && !(top & J_INLINE))
		newline(j, j->depth);
	buf_putc(j->b, top & J_OBJ ? '}' : ']');
}

void json_key(struct json *j, const char *k)
{
	assert(j->depth && (j->st[j->depth - 1] & J_OBJ));
	unsigned char *top = &j->st[j->depth - 1];
	assert(!(*top & J_KEYED));
	if (*top & J_HAS)
		buf_putc(j->b, ',');
	flush_ws(j);
	if (j->style == JSON_PRETTY)
		newline(j, j->depth);
	*top |= J_HAS | J_KEYED;
	esc_json(j->b, k);
	buf_puts(j->b, j->style == JSON_PRETTY ? ": " : ":");
}

void json_str(struct json *j, const char *s)
{
	before_value(j, 0);
	esc_json(j->b, s);
}

void json_num(struct json *j, const char *fmt, double v)
{
	before_value(j, 0);
	if (isfinite(v))
		buf_printf(j->b, fmt, v);
	else
		buf_puts(j->b, "null");
}

void json_int(struct json *j, long long v)
{
	before_value(j, 0);
	buf_printf(j->b, "%lld", v);
}

void json_bool(struct json *j, int v)
{
	json_literal(j, v ? "true" : "false");
}

void json_null(struct json *j)
{
	json_literal(j, "null");
}

void json_literal(struct json *j, const char *tok)
{
	before_value(j, 0);
	buf_puts(j->b, tok);
}

void json_kstr(struct json *j, const char *k, const char *s)
{
	json_key(j, k);
	json_str(j, s);
}

void json_ws(struct json *j, const char *ws)
{
	size_t n = strlen(ws);
	assert(j->n_ws + n <= sizeof(j->ws));
	memcpy(j->ws + j->n_ws, ws, n);
	j->n_ws += n;
}

int json_array_has(const struct json *j)
{
	return j->depth && (j->st[j->depth - 1] & J_HAS);
}

int json_splice_head(struct json *j, char first)
{
	assert(j->depth && !(j->st[j->depth - 1] & J_OBJ));
	unsigned char *top = &j->st[j->depth - 1];
	int comma = first == ',', drop = 0;
	if ((*top & J_HAS) && !comma)
		buf_putc(j->b, ',');
	else if (!(*top & J_HAS) && comma)
		drop = 1;
	j->n_ws = 0;
	*top |= J_HAS;
	return drop;
}

void json_splice(struct json *j, const char *s, size_t n)
{
	if (!n)
		return;
	size_t drop = (size_t)json_splice_head(j, s[0]);
	buf_add(j->b, s + drop, n - drop);
}
