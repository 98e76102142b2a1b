/*
 * The JSON writer (base/json.c) and the string escape it uses (esc_json).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/escape.h"
#include "../../generator/base/json.h"
#include "harness.h"
#include "tests.h"

/* Commas, colons and nesting come from the writer in both styles. */
void test_json_writer(void)
{
	struct buf b = BUF_INIT;
	struct json j;
	json_init(&j, &b, JSON_COMPACT);
	json_object(&j);
	json_kstr(&j, "a", "x");
	json_key(&j, "n");
	json_array(&j);
	json_int(&j, -3);
	json_num(&j, "%.2f", 1.5);
	json_num(&j, "%g", NAN);
	json_bool(&j, 1);
	json_null(&j);
	json_array(&j);
	json_end(&j);
	json_object(&j);
	json_end(&j);
	json_end(&j);
	json_kstr(&j, "z", NULL);
	json_end(&j);
	json_free(&j);
	EXPECT_STR(b.data, "{\"a\":\"x\",\"n\":[-3,1.50,null,true,null,[],{}],\"z\":null}");

	/* Whitespace asked for comes after the comma, as the open data's one
	 * record a line does; the buffer may be emptied between values. */
	buf_reset(&b);
	json_init(&j, &b, JSON_COMPACT);
	json_array(&j);
	json_ws(&j, "\n");
	json_int(&j, 1);
	buf_reset(&b);
	json_ws(&j, "\n");
	json_int(&j, 2);
	json_ws(&j, "\n");
	json_end(&j);
	json_free(&j);
	EXPECT_STR(b.data, ",\n2\n]");

	/* Pretty: members and containers on their own lines, scalars of an
	 * array on one line. */
	buf_reset(&b);
	json_init(&j, &b, JSON_PRETTY);
	json_array(&j);
	json_object(&j);
	json_kstr(&j, "k", "v");
	json_key(&j, "l");
	json_array(&j);
	json_str(&j, "a");
	json_str(&j, "b");
	json_end(&j);
	json_key(&j, "e");
	json_array(&j);
	json_end(&j);
	json_end(&j);
	json_object(&j);
	json_end(&j);
	json_end(&j);
	json_free(&j);
	EXPECT_STR(b.data, "[\n  {\n    \"k\": \"v\",\n    \"l\": [\"a\", \"b\"],\n    \"e\": []\n  },\n  {}\n]");

	/* Deep nesting: no fixed limit, balanced at the end. */
	enum { DEEP = 100000 };
	buf_reset(&b);
	json_init(&j, &b, JSON_COMPACT);
	for (int i = 0; i < DEEP; i++) {
		json_object(&j);
		json_key(&j, "k");
	}
	json_array(&j);
	json_end(&j);
	for (int i = 0; i < DEEP; i++)
		json_end(&j);
	EXPECT(j.depth == 0);
	json_free(&j);
	EXPECT(b.len == (size_t)DEEP * 6 + 2);
	EXPECT(strncmp(b.data, "{\"k\":{\"k\":", 10) == 0);
	EXPECT(strncmp(b.data + (size_t)DEEP * 5 - 5, "{\"k\":[]}}", 9) == 0);
	buf_release(&b);
}

/* Every string is valid JSON and safe in a <script> element or a .js
 * file, whatever the content holds. */
void test_json_escape(void)
{
	struct buf b = BUF_INIT;
	esc_json(&b, "a\"b\\c\n\r\t</script>&\x01\x1f\x7f");
	EXPECT_STR(b.data, "\"a\\\"b\\\\c\\n\\r\\t\\u003c/script\\u003e\\u0026\"");
	/* Controls (C0 but tab, LF, CR; DEL; C1) and noncharacters are left
	 * out, as esc_html and esc_csv leave them: one value, one text. */
	buf_reset(&b);
	esc_json(&b, "a\x02" "b\x7F" "\xC2\x85" "c\xEF\xBF\xBE" "d\xEF\xB7\x90" "\xEF\xBF\xBF" "\xF4\x8F\xBF\xBF" "\xc3\xa9");
	EXPECT_STR(b.data, "\"abcd\xc3\xa9\"");
	/* U+2028 and U+2029 end a line in JavaScript before ES2019. */
	buf_reset(&b);
	esc_json(&b, "x\xe2\x80\xa8y\xe2\x80\xa9z\xe2\x80\xaa");
	EXPECT_STR(b.data, "\"x\\u2028y\\u2029z\xe2\x80\xaa\"");
	/* A byte that is not UTF-8 (a Latin-1 é, a cut sequence, an overlong
	 * '/', a surrogate) becomes U+FFFD, one for each byte, as in esc_html;
	 * letters of every plane stay as they are. */
	buf_reset(&b);
	esc_json(&b, "tr\xe9s \xc5\x81\xf0\x9f\x98\x80 \xc0\xaf \xed\xa0\x80 \xe2\x82");
	EXPECT_STR(b.data, "\"tr\xef\xbf\xbds \xc5\x81\xf0\x9f\x98\x80 \xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\"");
	buf_reset(&b);
	esc_json(&b, NULL);
	EXPECT_STR(b.data, "null");
	buf_release(&b);
}

/* Elements spliced back (the build cache's pieces) come out as the writer
 * would write them, whether they were first of their array or not, and
 * wherever they go now. */
void test_json_splice(void)
{
	struct buf b = BUF_INIT, piece = BUF_INIT;
	struct json j;
	/* What the writer gives for three pretty elements, written at once. */
	json_init(&j, &b, JSON_PRETTY);
	json_array(&j);
	for (int i = 0; i < 3; i++) {
		json_object(&j);
		json_kstr(&j, "n", i == 1 ? "b" : "a");
		json_end(&j);
	}
	json_end(&j);
	json_free(&j);
	/* The first element, as written first (no comma), then spliced after
	 * another: it gets its comma; the second as written after one, spliced
	 * first: it loses it. */
	const char *first = "\n  {\n    \"n\": \"a\"\n  }";
	const char *second = ",\n  {\n    \"n\": \"b\"\n  }";
	json_init(&j, &piece, JSON_PRETTY);
	json_array(&j);
	json_splice(&j, first, strlen(first));
	json_splice(&j, "", 0);
	json_splice(&j, second, strlen(second));
	json_splice(&j, first, strlen(first));
	json_end(&j);
	json_free(&j);
	EXPECT_STR(piece.data, b.data);
	/* Compact, with the open data's whitespace pending: dropped, since the
	 * piece holds it. */
	buf_reset(&b);
	json_init(&j, &b, JSON_COMPACT);
	json_array(&j);
	json_ws(&j, "\n");
	json_splice(&j, ",\n1,\n2", 6);
	json_ws(&j, "\n");
	json_splice(&j, "\n3", 2);
	json_ws(&j, "\n");
	json_end(&j);
	json_free(&j);
	EXPECT_STR(b.data, "[\n1,\n2,\n3\n]");
	buf_release(&b);
	buf_release(&piece);
}
