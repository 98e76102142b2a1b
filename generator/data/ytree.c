/*
 * YAML to tree, driven by yaml_parser_parse. Collections under construction
 * live on an explicit stack; their children accumulate in one shared pointer
 * array and are copied to the arena when the collection closes. Start at
 * ytree_load.
 */
#include "ytree.h"

#include <ctype.h>
#include <string.h>
#include <yaml.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "../base/utf8.h"

struct frame {
	struct ynode *node;
	size_t first;		/* index of the first child in kids */
	char *anchor;		/* registered when the collection closes */
};

struct loader {
	yaml_parser_t parser;
	const char *data;
	size_t len;
	const char *file;
	uint32_t line_offset;
	struct arena *a;
	struct diags *d;
	struct frame stack[YTREE_MAX_DEPTH + 1];
	size_t depth;
	struct ynode **kids;
	size_t nkids, capkids;
	struct ypair *pairs;	/* scratch for closing mappings */
	size_t cappairs;
	struct strmap anchors;
	struct ynode *root;
	uint64_t written;	/* nodes written in the file */
	uint64_t aliased;	/* nodes that aliases add, counted expanded */
	size_t at_line, at_off;	/* line_start's cursor: line (from 0) and its offset */
	int docs;
	int failed;
};

static void err(struct loader *l, uint32_t line, uint32_t col, const char *fmt,
    const char *arg)
{
	diag_add(l->d, l->file, line + l->line_offset, col, DIAG_ERROR, fmt, arg);
	l->failed = 1;
}

/* Line and column (1-based) of a byte offset. */
static void offset_pos(const struct loader *l, size_t off, uint32_t *line,
    uint32_t *col)
{
	uint32_t ln = 1, c = 1;
	for (size_t i = 0; i < off && i < l->len; i++) {
		if (l->data[i] == '\n') {
			ln++;
			c = 1;
		} else if (((unsigned char)l->data[i] & 0xC0) != 0x80)
			c++;
	}
	*line = ln;
	*col = c;
}

/*
 * libyaml's problems, said in carto's words: what is wrong and what to do.
 * A message with %u names the line where the enclosing structure starts.
 * The table is matched on libyaml's problem text (and context, when set).
 */
static const struct {
	const char *problem, *context, *say;
} yaml_words[] = {
	{ "did not find expected key", "block mapping",
	  "this line is not a 'key: value' of the mapping that starts at line %u (check the indentation, and a quote left open above)" },
	{ "did not find expected ',' or ']'", NULL,
	  "the list in [ ] that starts at line %u is not closed: expected ',' or ']'" },
	{ "did not find expected ',' or '}'", NULL,
	  "the mapping in { } that starts at line %u is not closed: expected ',' or '}'" },
	{ "found unexpected end of stream", "quoted scalar",
	  "the quoted value that starts at line %u is never closed" },
	{ "could not find expected ':'", NULL,
	  "expected ':' after the key that starts at line %u" },
	{ "did not find expected '-' indicator", NULL,
	  "expected a list item ('- ') at the indentation of the list that starts at line %u" },
	{ "mapping values are not allowed", NULL,
	  "unexpected ':' (a value that holds ': ' must be quoted)" },
	{ "block sequence entries are not allowed", NULL,
	  "a list item ('- ') is not allowed here: check the indentation" },
	{ "found character that cannot start any token", NULL,
	  "a value cannot start with this character: quote the value" },
	{ "found unknown escape character", NULL,
	  "unknown escape sequence in a double-quoted value: write \\\\ for a backslash, or use single quotes" },
	{ "found a tab character", NULL,
	  "a tab is used for indentation: indent with spaces" },
	{ "did not find expected node content", NULL,
	  "a value is missing here" },
	{ "did not find expected comment or line break", NULL,
	  "unexpected text after a value: quote the whole value" },
	{ "control characters are not allowed", NULL,
	  "control characters are not allowed" },
};

static void parser_error(struct loader *l)
{
	const yaml_parser_t *p = &l->parser;
	uint32_t line, col;
	const char *problem = p->problem ? p->problem : "";
	const char *say = NULL;
	for (size_t i = 0; !say && i < sizeof(yaml_words) / sizeof(yaml_words[0]); i++)
		if (strstr(problem, yaml_words[i].problem) && (!yaml_words[i].context ||
		    (p->context && strstr(p->context, yaml_words[i].context))))
			say = yaml_words[i].say;
	if (p->error == YAML_READER_ERROR) {
		offset_pos(l, p->problem_offset, &line, &col);
	} else {
		line = (uint32_t)p->problem_mark.line + 1;
		col = (uint32_t)p->problem_mark.column + 1;
		if (p->problem_mark.index < l->len && l->data[p->problem_mark.index] == '\t')
			say = "a tab is used for indentation: indent with spaces";
	}
	unsigned from = (unsigned)p->context_mark.line + 1 + l->line_offset;
	if (say && strstr(say, "%u"))
		diag_add(l->d, l->file, line + l->line_offset, col, DIAG_ERROR, say, from);
	else if (say)
		diag_add_msg(l->d, l->file, line + l->line_offset, col, DIAG_ERROR, say);
	else
		/* Not in the table: libyaml's own words, said as such. */
		diag_add(l->d, l->file, line + l->line_offset, col, DIAG_ERROR,
		    "the YAML cannot be read here (libyaml: %s%s%s)", problem,
		    p->context ? " " : "", p->context ? p->context : "");
	l->failed = 1;
}

static struct ynode *node_new(struct loader *l, enum ykind k,
    const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(l->a, sizeof(*n));
	n->kind = k;
	n->line = (uint32_t)m->line + 1 + l->line_offset;
	n->col = (uint32_t)m->column + 1;
	n->weight = 1;
	l->written++;
	return n;
}

static void push_kid(struct loader *l, struct ynode *n)
{
	if (l->depth == 0) {
		l->root = n;
		return;
	}
	l->kids = xgrow(l->kids, &l->capkids, l->nkids + 1, sizeof(*l->kids));
	l->kids[l->nkids++] = n;
	struct ynode *parent = l->stack[l->depth - 1].node;
	parent->weight += n->weight;
}

static void set_anchor(struct loader *l, const yaml_char_t *anchor,
    struct ynode *n)
{
	if (!anchor)
		return;
	char *name = arena_strdup(l->a, (const char *)anchor);
	/* A redefined anchor replaces the earlier one (YAML 1.2 §3.2.2.2). */
	strmap_set(&l->anchors, name, n);
}

/* Raw control characters are refused by libyaml, but a YAML escape ("\x1F",
 * "\uFFFE", "\0") can still write one. The outputs leave it out
 * (esc_html), so the editor is told where it is. */
static void warn_control(struct loader *l, const struct ynode *n, const char *v, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)v[i];
		if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r') {
			i++;	/* ASCII text, most of a value: no need to decode it */
			continue;
		}
		uint32_t cp = 0;
		size_t k = c ? utf8_decode(v + i, &cp) : 1;
		if (!k)
			k = 1;	/* cannot happen: the file was checked as UTF-8 */
		else if (!utf8_is_text(cp)) {
			diag_add(l->d, l->file, n->line, n->col, DIAG_WARNING,
			    "U+%04X, a control character, in this value: the web pages, the "
			    "feed and the documents leave it out", (unsigned)cp);
			return;
		}
		i += k;
	}
}

/* The offset in data of line (from 0), or len past the end. A cursor
 * moved forward: the scalars come in the file's order, so the loader's
 * time stays linear. */
static size_t line_start(struct loader *l, size_t line)
{
	if (line < l->at_line)
		l->at_line = 0, l->at_off = 0;
	while (l->at_line < line && l->at_off < l->len) {
		const char *nl = memchr(l->data + l->at_off, '\n', l->len - l->at_off);
		l->at_off = nl ? (size_t)(nl - l->data) + 1 : l->len;
		l->at_line++;
	}
	return l->at_off;
}

/* The indentation of a block scalar's text: the spaces before its first
 * line that is not blank (libyaml's marks count characters, not bytes,
 * so the lines are found by their number). 0 when every line is blank. */
static uint16_t block_indent(struct loader *l, const yaml_event_t *e)
{
	size_t i = line_start(l, e->start_mark.line + 1), last = e->end_mark.line;
	for (size_t ln = e->start_mark.line + 1; ln <= last && i < l->len; ln++) {
		size_t sp = 0;
		while (i + sp < l->len && l->data[i + sp] == ' ')
			sp++;
		if (i + sp < l->len && l->data[i + sp] != '\n' && l->data[i + sp] != '\r')
			return sp > UINT16_MAX ? UINT16_MAX : (uint16_t)sp;
		const char *nl = memchr(l->data + i, '\n', l->len - i);
		i = nl ? (size_t)(nl - l->data) + 1 : l->len;
	}
	return 0;
}

static void scalar_text(struct loader *l, struct ynode *n, const yaml_event_t *e)
{
	switch (e->data.scalar.style) {
	case YAML_LITERAL_SCALAR_STYLE:
		n->text = YTEXT_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->text = YTEXT_FOLDED_BLOCK;
		break;
	default:
		n->text = e->end_mark.line != e->start_mark.line ? YTEXT_FOLDED
		    : e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? YTEXT_PLAIN : YTEXT_QUOTED;
	}
	if (n->text == YTEXT_LITERAL || n->text == YTEXT_FOLDED_BLOCK)
		n->indent = block_indent(l, e);
}

static void on_scalar(struct loader *l, const yaml_event_t *e)
{
	struct ynode *n = node_new(l, Y_SCALAR, &e->start_mark);
	warn_control(l, n, (const char *)e->data.scalar.value, e->data.scalar.length);
	n->n = e->data.scalar.length;
	n->u.s = arena_strndup(l->a, (const char *)e->data.scalar.value, n->n);
	if (memchr(e->data.scalar.value, '\0', n->n)) {
		/* A "\0" escape would cut the C string: keep what follows it. */
		char *w = (char *)n->u.s;
		size_t k = 0;
		for (size_t i = 0; i < n->n; i++)
			if (e->data.scalar.value[i])
				w[k++] = (char)e->data.scalar.value[i];
		w[k] = '\0';
		n->n = k;
	}
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !(e->data.scalar.tag &&
		strcmp((const char *)e->data.scalar.tag, "tag:yaml.org,2002:str") == 0);
	scalar_text(l, n, e);
	set_anchor(l, e->data.scalar.anchor, n);
	push_kid(l, n);
}

static void on_open(struct loader *l, const yaml_event_t *e, enum ykind k)
{
	if (l->depth >= YTREE_MAX_DEPTH) {
		err(l, (uint32_t)e->start_mark.line + 1, (uint32_t)e->start_mark.column + 1,
		    "nesting deeper than %s levels", "64");
		return;
	}
	const yaml_char_t *anchor = k == Y_SEQ ? e->data.sequence_start.anchor
	    : e->data.mapping_start.anchor;
	struct frame *f = &l->stack[l->depth++];
	f->node = node_new(l, k, &e->start_mark);
	f->first = l->nkids;
	f->anchor = anchor ? arena_strdup(l->a, (const char *)anchor) : NULL;
}

static int key_index(const struct ypair *p, size_t n, const char *key)
{
	/* Callers keep n small: large mappings go through a hash map. */
	size_t len = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (p[i].key->n == len && memcmp(p[i].key->u.s, key, len) == 0)
			return (int)i;
	return -1;
}

/* Appends to *out the pairs of src whose keys are not yet present. */
static void merge_from(struct loader *l, const struct ynode *src,
    struct ypair **out, size_t *n, size_t *cap)
{
	if (src->kind != Y_MAP) {
		err(l, src->line - l->line_offset, src->col,
		    "a merge key (<<) takes a mapping or a list of mappings%s", "");
		return;
	}
	for (size_t i = 0; i < src->n; i++) {
		if (key_index(*out, *n, src->u.pairs[i].key->u.s) >= 0)
			continue;
		*out = xgrow(*out, cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = src->u.pairs[i];
	}
}

static void close_map(struct loader *l, struct ynode *m, struct ynode **kids,
    size_t nk)
{
	size_t npairs = nk / 2, n = 0;
	size_t cap = l->cappairs;
	struct ypair *pairs = l->pairs;
	const struct ynode *merge = NULL;
	struct strmap seen = STRMAP_INIT;
	int big = npairs > 16;
	for (size_t i = 0; i < npairs; i++) {
		struct ynode *k = kids[2 * i], *v = kids[2 * i + 1];
		if (k->kind != Y_SCALAR) {
			err(l, k->line - l->line_offset, k->col,
			    "a key must be a plain value, not a %s",
			    k->kind == Y_MAP ? "mapping" : "list");
			continue;
		}
		if (k->plain && strcmp(k->u.s, "<<") == 0) {
			merge = v;
			continue;
		}
		int prev;
		if (big) {
			void *v0 = strmap_put(&seen, k->u.s, (void *)(n + 1));
			prev = v0 ? (int)((size_t)v0 - 1) : -1;
		} else
			prev = key_index(pairs, n, k->u.s);
		if (prev >= 0) {
			diag_add(l->d, l->file, k->line, k->col, DIAG_ERROR,
			    "duplicate key '%s' (first at line %u)", k->u.s,
			    pairs[prev].key->line);
			l->failed = 1;
			continue;
		}
		pairs = xgrow(pairs, &cap, n + 1, sizeof(*pairs));
		pairs[n++] = (struct ypair){ k, v };
	}
	if (merge && merge->kind == Y_SEQ)
		for (size_t i = 0; i < merge->n; i++)
			merge_from(l, merge->u.items[i], &pairs, &n, &cap);
	else if (merge)
		merge_from(l, merge, &pairs, &n, &cap);
	strmap_free(&seen);
	m->n = n;
	m->u.pairs = arena_memdup(l->a, pairs, n * sizeof(*pairs));
	l->pairs = pairs;
	l->cappairs = cap;
}

static void on_close(struct loader *l)
{
	if (l->depth == 0)
		return;
	struct frame *f = &l->stack[--l->depth];
	struct ynode *n = f->node;
	size_t nk = l->nkids - f->first;
	struct ynode **kids = l->kids + f->first;
	if (n->kind == Y_SEQ) {
		n->n = nk;
		n->u.items = arena_memdup(l->a, kids, nk * sizeof(*kids));
	} else
		close_map(l, n, kids, nk);
	l->nkids = f->first;
	if (f->anchor)
		set_anchor(l, (const yaml_char_t *)f->anchor, n);
	push_kid(l, n);
}

static void on_alias(struct loader *l, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	struct ynode *target = strmap_get(&l->anchors, name);
	if (!target) {
		err(l, (uint32_t)e->start_mark.line + 1, (uint32_t)e->start_mark.column + 1,
		    "alias *%s refers to no anchor defined before it (or to a node that contains it)",
		    name);
		return;
	}
	/*
	 * Whoever reads the tree visits an aliased collection once per alias, so
	 * the nodes aliases add are bounded relative to the nodes written: the
	 * time and memory of every reader stay linear in the file's size.
	 */
	l->aliased += target->weight;
	uint64_t limit = l->written * YTREE_ALIAS_FACTOR;
	if (limit < YTREE_ALIAS_MIN)
		limit = YTREE_ALIAS_MIN;
	if (l->aliased > limit) {
		diag_add(l->d, l->file, (uint32_t)e->start_mark.line + 1 + l->line_offset,
		    (uint32_t)e->start_mark.column + 1, DIAG_ERROR,
		    "aliases expand to more than %llu nodes (an alias bomb?): "
		    "aliases may add %u nodes, or %u per node written in a larger file",
		    (unsigned long long)limit, YTREE_ALIAS_MIN, YTREE_ALIAS_FACTOR);
		l->failed = 1;
		return;
	}
	push_kid(l, target);
}

/* Handles one event; returns 0 to go on, 1 at the end of the stream. */
static int on_event(struct loader *l, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++l->docs > 1)
			err(l, (uint32_t)e->start_mark.line + 1, (uint32_t)e->start_mark.column + 1,
			    "a file holds one YAML document; found a second one%s", "");
		return 0;
	case YAML_SCALAR_EVENT:
		on_scalar(l, e);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		on_open(l, e, Y_SEQ);
		return 0;
	case YAML_MAPPING_START_EVENT:
		on_open(l, e, Y_MAP);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_close(l);
		return 0;
	case YAML_ALIAS_EVENT:
		on_alias(l, e);
		return 0;
	default:
		return 0;
	}
}

struct ynode *ytree_load(const char *data, size_t len, const char *file,
    uint32_t line_offset, struct arena *a, struct diags *d, int *failed)
{
	struct loader l;
	memset(&l, 0, sizeof(l));
	l.data = data;
	l.len = len;
	l.file = file;
	l.line_offset = line_offset;
	l.a = a;
	l.d = d;
	*failed = 0;
	size_t bad = utf8_check(data, len);
	if (bad < len) {
		uint32_t line, col;
		offset_pos(&l, bad, &line, &col);
		diag_add(d, file, line + line_offset, col, DIAG_ERROR,
		    "invalid UTF-8 (byte 0x%02X): save the file as UTF-8",
		    (unsigned char)data[bad]);
		*failed = 1;
		return NULL;
	}
	yaml_parser_initialize(&l.parser);
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)data, len);
	for (;;) {
		yaml_event_t e;
		if (!yaml_parser_parse(&l.parser, &e)) {
			parser_error(&l);
			break;
		}
		int end = on_event(&l, &e);
		yaml_event_delete(&e);
		if (end || l.failed)
			break;
	}
	yaml_parser_delete(&l.parser);
	free(l.kids);
	free(l.pairs);
	strmap_free(&l.anchors);
	*failed = l.failed;
	return l.failed ? NULL : l.root;
}

const struct ynode *ytree_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->u.pairs[i].key;
		if (k->n == len && memcmp(k->u.s, key, len) == 0)
			return map->u.pairs[i].val;
	}
	return NULL;
}

void ytree_text(const struct ynode *n, struct diag_text *t)
{
	t->line = n->line;
	t->col = t->indent = n->col;
	t->lines = DIAG_TEXT_ONE_LINE;
	switch ((enum ytext)n->text) {
	case YTEXT_PLAIN:
		break;
	case YTEXT_QUOTED:
		t->col = t->indent = n->col + 1;
		break;
	case YTEXT_LITERAL:
	case YTEXT_FOLDED_BLOCK:
		t->line = n->line + 1;
		t->col = t->indent = (uint32_t)n->indent + 1;
		t->lines = n->text == YTEXT_LITERAL ? DIAG_TEXT_LINES : DIAG_TEXT_FOLDED;
		break;
	case YTEXT_FOLDED:
		t->lines = DIAG_TEXT_FOLDED;
		break;
	}
}

int ytree_is_null(const struct ynode *n)
{
	if (!n)
		return 1;
	if (n->kind != Y_SCALAR || !n->plain)
		return 0;
	return n->n == 0 || strcmp(n->u.s, "~") == 0 ||
	    strcmp(n->u.s, "null") == 0 || strcmp(n->u.s, "Null") == 0 ||
	    strcmp(n->u.s, "NULL") == 0;
}

int ytree_is_number(const struct ynode *n)
{
	if (!n || n->kind != Y_SCALAR || !n->plain)
		return 0;
	const char *s = n->u.s;
	if (*s == '-' || *s == '+')
		s++;
	int digits = 0, dots = 0;
	for (; isdigit((unsigned char)*s) || (*s == '.' && !dots); s++)
		if (*s == '.')
			dots++;
		else
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}
