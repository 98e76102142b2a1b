/*
 * A JSON writer: values, objects and arrays appended to a struct buf, with the
 * commas, the colons and the nesting kept by the writer, so no caller writes
 * or removes a separator. Strings go through esc_json (escape.h): quotes,
 * backslashes and control characters escaped, '<' '>' '&' and U+2028/U+2029
 * as \u escapes so the text is also safe inside a <script> element or a .js
 * file, and a byte that is not UTF-8 written as U+FFFD (as esc_html does), so
 * the output is valid JSON whatever the content holds.
 *
 * Two styles. JSON_COMPACT writes no whitespace at all, except what the
 * caller asks for with json_ws (the open data put one record a line that
 * way). JSON_PRETTY indents object members and the elements of arrays of
 * containers by two spaces a level and writes ": " after keys; an array whose
 * first element is a scalar stays on one line, its elements joined by ", "
 * (the data·inclusion files).
 *
 * The writer only appends to the buffer and never reads it back, so a caller
 * may empty the buffer between values (the open data stream files in
 * pieces). Nesting is unbounded (the stack of levels grows). Misuse (a value
 * where a key is due, an unbalanced json_end) is a bug in carto and asserts.
 * Usage:
 *	struct json j;
 *	json_init(&j, &b, JSON_COMPACT);
 *	json_object(&j); json_kstr(&j, "nom", o->nom); json_end(&j);
 *	json_free(&j);
 */
#ifndef CARTO_JSON_H
#define CARTO_JSON_H

#include <stddef.h>

struct buf;

enum json_style { JSON_COMPACT, JSON_PRETTY };

struct json {
	struct buf *b;
	enum json_style style;
	size_t depth;		/* open containers */
	size_t cap;
	unsigned char *st;	/* per open container: JSON_* flags of json.c */
	unsigned char root;	/* whether the top-level value was written */
	char ws[8];		/* whitespace due before the next token */
	size_t n_ws;
};

/* Starts writing into b (which the caller owns and keeps). */
void json_init(struct json *j, struct buf *b, enum json_style style);
/* Frees the stack of levels; the buffer is left to its owner. */
void json_free(struct json *j);

/* Containers: json_end closes the innermost one. */
void json_object(struct json *j);
void json_array(struct json *j);
void json_end(struct json *j);

/* A member's key; the next call writes its value. */
void json_key(struct json *j, const char *k);

/* Values. json_str writes null for NULL. json_num writes v with printf
 * format fmt ("%.5f", "%g"...), or null when v is not finite (JSON has no
 * NaN or infinity). json_int writes a whole number. json_literal writes a
 * token the caller vouches is JSON ("true", "null", a number already
 * formatted). */
void json_str(struct json *j, const char *s);
void json_num(struct json *j, const char *fmt, double v);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
void json_literal(struct json *j, const char *tok);

/* Key and value at once; json_kstr writes null for NULL. */
void json_kstr(struct json *j, const char *k, const char *s);

/* Whitespace (spaces and newlines, at most 8 bytes pending) written before
 * the next value, key or closing bracket, after the comma that separates it
 * from the previous one. */
void json_ws(struct json *j, const char *ws);

/* Elements of the innermost array, written earlier by the same calls in
 * the same place (the build cache keeps them: render/cache.h): the n bytes
 * at s, with their separators and whitespace, starting with the comma when
 * they were written after an element. The comma is added or dropped for
 * where they go now, the pending whitespace dropped (s holds its own), and
 * the array then has an element when n > 0. */
void json_splice(struct json *j, const char *s, size_t n);
/* The same for elements the caller puts after j's bytes itself (copied
 * into the file): first is their first byte (there is at least one).
 * Writes the comma they need; returns 1 when their own leading comma must
 * be left out, else 0. */
int json_splice_head(struct json *j, char first);
/* 1 when the innermost container has an element. */
int json_array_has(const struct json *j);

#endif
