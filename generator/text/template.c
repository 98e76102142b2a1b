/*
 * Mustache: a one-pass parser that builds a node tree (applying the
 * standalone-line rules and delimiter changes as it goes), and a renderer that
 * walks the tree with a context stack. Start at tpl_parse and tpl_render.
 */
#include "template.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/escape.h"
#include "../base/mem.h"
#include "view.h"

enum ntype { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
	enum ntype type;
	const char *s;		/* text, or the tag's name */
	size_t len;
	const char **path;	/* name split at '.'; NULL for "." */
	size_t npath;
	struct node *kids;
	size_t nkids;
	const char *indent;	/* standalone partial or parent: its indentation */
	const char *site;	/* block: indentation its content gets where expanded */
	const char *strip;	/* block: indentation its content loses (definition's) */
	int standalone;		/* block: its opening tag is alone on its line */
	int dynamic;		/* {{>*name}}: the name is looked up in the data */
	uint32_t line, col;
};

struct tpl {
	const char *file;
	struct node root;
};

/* ---- parsing ---- */

struct open {			/* a section, parent or block being parsed */
	size_t idx;		/* its index in the child stack (which may move) */
	size_t first;		/* its first child in the shared child stack */
};

struct parser {
	const char *t;
	size_t len, pos;
	const char *file;
	struct arena *a;
	struct diags *d;
	char otag[16], ctag[16];
	size_t olen, clen;
	struct node *kids;	/* children of the open nodes, stacked */
	size_t nkids, capkids;
	struct open stack[64];
	size_t depth;
	int failed;
	int standalone_now;	/* the tag being handled is standalone */
	size_t seen_at;		/* pos_of's last answer: offset, line, column */
	uint32_t seen_line, seen_col;
};

/* Line and column of offset at; resumes from the last offset asked when at
 * is past it (tags and texts are asked in order: linear in all). */
static void pos_of(struct parser *p, size_t at, uint32_t *line, uint32_t *col)
{
	size_t i = 0;
	*line = 1;
	*col = 1;
	if (p->seen_line && at >= p->seen_at) {
		i = p->seen_at;
		*line = p->seen_line;
		*col = p->seen_col;
	}
	for (; i < at && i < p->len; i++) {
		if (p->t[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)p->t[i] & 0xC0) != 0x80)
			(*col)++;
	}
	p->seen_at = i;
	p->seen_line = *line;
	p->seen_col = *col;
}

static void perr(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr(struct parser *p, size_t at, const char *fmt, ...)
{
	uint32_t line, col;
	va_list ap;
	pos_of(p, at, &line, &col);
	va_start(ap, fmt);
	diag_vadd(p->d, p->file, line, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	p->failed = 1;
}

static struct node *add(struct parser *p, enum ntype type, const char *s, size_t len)
{
	p->kids = xgrow(p->kids, &p->capkids, p->nkids + 1, sizeof(*p->kids));
	struct node *n = &p->kids[p->nkids++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->s = s;
	n->len = len;
	return n;
}

static void add_text(struct parser *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct node *n = add(p, N_TEXT, p->t + from, to - from);
	pos_of(p, from, &n->line, &n->col);	/* where a bound names it */
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits a dotted name into its parts, in the arena. */
static void split_name(struct parser *p, struct node *n)
{
	if (n->len == 1 && n->s[0] == '.')
		return;
	size_t parts = 1;
	for (size_t i = 0; i < n->len; i++)
		parts += n->s[i] == '.';
	n->path = arena_alloc(p->a, parts * sizeof(*n->path));
	const char *s = n->s, *end = n->s + n->len;
	while (s <= end) {
		const char *dot = memchr(s, '.', (size_t)(end - s));
		const char *e = dot ? dot : end;
		n->path[n->npath++] = arena_strndup(p->a, s, (size_t)(e - s));
		s = e + 1;
	}
}

/* A block's indentation: a standalone block's content loses the indentation
 * of its first line where it is defined, and gets, where it is expanded, the
 * indentation of its default content (or of its tag when it has none). */
static void block_indents(struct parser *p, struct node *n)
{
	n->site = n->strip = "";
	if (!n->standalone)
		return;
	const char *lead = "";
	if (n->nkids && n->kids[0].type == N_TEXT) {
		size_t k = 0;
		while (k < n->kids[0].len && is_space(n->kids[0].s[k]))
			k++;
		lead = arena_strndup(p->a, n->kids[0].s, k);
	}
	n->strip = lead;
	n->site = n->nkids ? lead : n->indent ? n->indent : "";
}

/* Opens a section-like node: its children follow on the child stack. */
static void push_open(struct parser *p, struct node *n, size_t at)
{
	if (p->depth == sizeof(p->stack) / sizeof(p->stack[0])) {
		perr(p, at, "sections nested too deep");
		return;
	}
	p->stack[p->depth].idx = (size_t)(n - p->kids);
	p->stack[p->depth].first = p->nkids;
	p->depth++;
}

static void close_open(struct parser *p, const char *name, size_t at)
{
	if (p->depth == 0) {
		perr(p, at, "closing tag {{/%s}} without an opening tag", name);
		return;
	}
	struct open *o = &p->stack[p->depth - 1];
	struct node *n = &p->kids[o->idx];
	if (strcmp(n->s, name) != 0) {
		perr(p, at, "{{/%s}} closes {{%s}} opened at line %u", name, n->s, n->line);
		return;
	}
	n->nkids = p->nkids - o->first;
	n->kids = arena_memdup(p->a, p->kids + o->first, n->nkids * sizeof(*n->kids));
	if (n->type == N_BLOCK)
		block_indents(p, n);
	p->nkids = o->first;
	p->depth--;
}

/* Handles "{{=<% %>=}}": the new delimiters, separated by spaces. */
static void set_delims(struct parser *p, const char *s, size_t len, size_t at)
{
	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	size_t o = 0;
	while (o < len && !is_space(s[o]))
		o++;
	size_t c = o;
	while (c < len && is_space(s[c]))
		c++;
	if (o == 0 || c == len || o >= sizeof(p->otag) || len - c >= sizeof(p->ctag) ||
	    memchr(s + c, ' ', len - c)) {
		perr(p, at, "bad delimiter change: expected {{=<open> <close>=}}");
		return;
	}
	memcpy(p->otag, s, o);
	p->olen = o;
	memcpy(p->ctag, s + c, len - c);
	p->clen = len - c;
}

static size_t find(const struct parser *p, size_t from, const char *tag, size_t tlen)
{
	for (size_t i = from; i + tlen <= p->len; i++)
		if (p->t[i] == tag[0] && memcmp(p->t + i, tag, tlen) == 0)
			return i;
	return p->len;
}

/* Returns 1 when only spaces or tabs lie between from and the end of its
 * line; sets *next to the start of the following line. */
static int rest_blank(const struct parser *p, size_t from, size_t *next)
{
	size_t i = from;
	while (i < p->len && is_space(p->t[i]))
		i++;
	if (i < p->len && p->t[i] == '\r' && i + 1 < p->len && p->t[i + 1] == '\n')
		i++;
	if (i < p->len && p->t[i] != '\n')
		return 0;
	*next = i < p->len ? i + 1 : i;
	return 1;
}

/* One tag: sigil, name, and where it ends. */
struct tag {
	char sigil;		/* 0 for a variable */
	const char *name;
	size_t nlen;
	size_t start, end;	/* from the open delimiter to past the close one */
};

static int read_tag(struct parser *p, size_t at, struct tag *tg)
{
	size_t i = at + p->olen;
	tg->start = at;
	tg->sigil = 0;
	if (i < p->len && strchr("#^/!>&{=<$", p->t[i]) && p->t[i])
		tg->sigil = p->t[i++];
	char close[20];
	size_t cl = 0;
	if (tg->sigil == '{')
		close[cl++] = '}';
	else if (tg->sigil == '=')
		close[cl++] = '=';
	memcpy(close + cl, p->ctag, p->clen);
	cl += p->clen;
	size_t e = find(p, i, close, cl);
	if (e == p->len) {
		perr(p, at, "unclosed tag: no closing delimiter");
		return -1;
	}
	tg->end = e + cl;
	while (i < e && is_space(p->t[i]))
		i++;
	while (e > i && is_space(p->t[e - 1]))
		e--;
	tg->name = p->t + i;
	tg->nlen = e - i;
	if (tg->nlen == 0 && tg->sigil != '!') {
		perr(p, at, "empty tag");
		return -1;
	}
	return 0;
}

static void handle_tag(struct parser *p, const struct tag *tg, size_t indent_from)
{
	if (tg->sigil == '!')
		return;
	if (tg->sigil == '=') {
		set_delims(p, tg->name, tg->nlen, tg->start);
		return;
	}
	const char *name = tg->name;
	size_t nlen = tg->nlen;
	int dynamic = 0;
	if ((tg->sigil == '>' || tg->sigil == '<') && nlen && name[0] == '*') {
		dynamic = 1;
		name++, nlen--;
		while (nlen && is_space(*name))
			name++, nlen--;
	}
	char *copy = arena_strndup(p->a, name, nlen);
	if (tg->sigil == '/') {
		close_open(p, copy, tg->start);
		return;
	}
	static const char sig[] = "#^>&{<$";
	static const enum ntype types[] = { N_SECTION, N_INVERTED, N_PARTIAL, N_RAW, N_RAW,
		N_PARENT, N_BLOCK };
	const char *k = tg->sigil ? strchr(sig, tg->sigil) : NULL;
	struct node *n = add(p, k ? types[k - sig] : N_VAR, copy, nlen);
	pos_of(p, tg->start, &n->line, &n->col);
	n->dynamic = dynamic;
	if (n->type == N_PARTIAL || n->type == N_PARENT || n->type == N_BLOCK)
		n->indent = arena_strndup(p->a, p->t + indent_from, tg->start - indent_from);
	n->standalone = indent_from != tg->start || p->standalone_now;
	if (n->type != N_PARTIAL && n->type != N_PARENT)
		split_name(p, n);
	else if (dynamic)
		split_name(p, n);
	if (n->type == N_SECTION || n->type == N_INVERTED || n->type == N_PARENT ||
	    n->type == N_BLOCK)
		push_open(p, n, tg->start);
}

/* Returns 1 when only blanks, parent opening tags ({{<x}}) and closing tags
 * (which print nothing of their own) lie between from and at. */
static int blank_between(const struct parser *p, size_t from, size_t at)
{
	size_t i = from;
	while (i < at) {
		if (is_space(p->t[i])) {
			i++;
			continue;
		}
		if (i + p->olen < at && memcmp(p->t + i, p->otag, p->olen) == 0 &&
		    (p->t[i + p->olen] == '<' || p->t[i + p->olen] == '/')) {
			size_t e = find(p, i + p->olen, p->ctag, p->clen);
			if (e >= at)
				return 0;
			i = e + p->clen;
			continue;
		}
		return 0;
	}
	return 1;
}

/* For {{<x}}{{/x}} (or {{$x}}{{/x}}) on one line: the end of the closing
 * tag, else 0. */
static size_t empty_pair_end(const struct parser *p, const struct tag *tg, char sigil)
{
	if (tg->sigil != sigil)
		return 0;
	size_t i = tg->end;
	if (i + p->olen + 1 + tg->nlen + p->clen > p->len ||
	    memcmp(p->t + i, p->otag, p->olen) != 0 || p->t[i + p->olen] != '/')
		return 0;
	i += p->olen + 1;
	while (i < p->len && is_space(p->t[i]))
		i++;
	if (i + tg->nlen > p->len || memcmp(p->t + i, tg->name, tg->nlen) != 0)
		return 0;
	i += tg->nlen;
	while (i < p->len && is_space(p->t[i]))
		i++;
	return i + p->clen <= p->len && memcmp(p->t + i, p->ctag, p->clen) == 0 ? i + p->clen : 0;
}

/* The parse loop: text up to the next tag, then the tag, applying the
 * standalone rule (a tag alone on its line takes the whole line). */
static void parse_all(struct parser *p)
{
	size_t line_start = 0;
	while (p->pos < p->len && !p->failed) {
		size_t at = find(p, p->pos, p->otag, p->olen);
		for (size_t i = p->pos; i < at; i++)
			if (p->t[i] == '\n')
				line_start = i + 1;
		if (at == p->len) {
			add_text(p, p->pos, at);
			break;
		}
		struct tag tg;
		if (read_tag(p, at, &tg) < 0)
			break;
		int can = tg.sigil && strchr("#^/!>=<$", tg.sigil);
		size_t next = tg.end, pair = empty_pair_end(p, &tg, '<');
		size_t from = line_start >= p->pos ? line_start : p->pos;
		/* Earlier tags on the line count as blank when they print nothing
		 * (a parent's opening tag, closing tags). */
		int before = blank_between(p, line_start, at);
		if (!pair && tg.sigil == '$' && before && (pair = empty_pair_end(p, &tg, '$')) &&
		    rest_blank(p, pair, &next)) {
			/* {{$b}}{{/b}} alone on a line: its indentation goes to the
			 * content, the line's end stays. */
			add_text(p, p->pos, from);
			p->standalone_now = 1;
			handle_tag(p, &tg, from);
			p->standalone_now = 0;
			struct tag close = tg;
			close.sigil = '/';
			handle_tag(p, &close, from);
			p->pos = pair;
			continue;
		}
		pair = pair ? pair : 0;
		if (can && before && rest_blank(p, pair ? pair : tg.end, &next)) {
			add_text(p, p->pos, from);
			p->standalone_now = 1;
			handle_tag(p, &tg, from);
			p->standalone_now = 0;
			if (pair) {
				struct tag close = tg;
				close.sigil = '/';
				handle_tag(p, &close, from);
			}
			p->pos = next;
			line_start = next;
		} else {
			add_text(p, p->pos, at);
			handle_tag(p, &tg, at);
			p->pos = tg.end;
		}
	}
}

struct tpl *tpl_parse(const char *text, size_t len, const char *file,
    struct arena *a, struct diags *d)
{
	struct parser p;
	memset(&p, 0, sizeof(p));
	p.t = arena_strndup(a, text, len);
	p.len = len;
	p.file = file;
	p.a = a;
	p.d = d;
	memcpy(p.otag, "{{", 2);
	memcpy(p.ctag, "}}", 2);
	p.olen = p.clen = 2;
	parse_all(&p);
	if (!p.failed && p.depth) {
		struct node *n = &p.kids[p.stack[p.depth - 1].idx];
		diag_add(d, file, n->line, n->col, DIAG_ERROR, "unclosed section {{%c%s}}: no {{/%s}}",
		    n->type == N_INVERTED ? '^' : n->type == N_PARENT ? '<' : n->type == N_BLOCK ? '$' : '#',
		    n->s, n->s);
		p.failed = 1;
	}
	struct tpl *t = NULL;
	if (!p.failed) {
		t = arena_alloc(a, sizeof(*t));
		t->file = arena_strdup(a, file);
		t->root.type = N_SECTION;
		t->root.nkids = p.nkids;
		t->root.kids = arena_memdup(a, p.kids, p.nkids * sizeof(*p.kids));
	}
	free(p.kids);
	return t;
}

const char *tpl_file(const struct tpl *t)
{
	return t->file;
}

static void each_ref(const struct tpl *t, const struct node *kids, size_t n,
    int in_section, tpl_ref_fn fn, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *k = &kids[i];
		if ((k->type == N_PARTIAL || k->type == N_PARENT) && !k->dynamic)
			fn(ctx, k->s, t->file, k->line, k->col, in_section);
		each_ref(t, k->kids, k->nkids, in_section ||
		    k->type == N_SECTION || k->type == N_INVERTED, fn, ctx);
	}
}

void tpl_each_ref(const struct tpl *t, tpl_ref_fn fn, void *ctx)
{
	each_ref(t, t->root.kids, t->root.nkids, 0, fn, ctx);
}

/* ---- rendering ---- */

struct ctx {				/* the context stack, on the C stack */
	const struct view *v;
	const struct ctx *up;
};

struct blocks {				/* block overrides of the parents being expanded */
	const struct node *parent;
	const struct blocks *up;
};

struct rstate {
	const struct tpl_lookup *l;
	struct buf *out;
	struct diags *d;
	const char *file;
	char indent[256];		/* current partial indentation */
	size_t ilen;
	const char *strip;		/* removed from the start of each text line */
	int bol;			/* at the beginning of a line: indent next */
	int depth;
	const char *chain[TPL_MAX_DEPTH];	/* names of the partials being expanded */
	size_t expansions;		/* partials and parents expanded so far */
	size_t start;			/* out's length when the render began */
	int failed;
};

static void emit(struct rstate *r, const char *s, size_t n)
{
	if (!n)
		return;
	if (r->bol && r->ilen)
		buf_add(r->out, r->indent, r->ilen);
	r->bol = 0;
	buf_add(r->out, s, n);
}

/* Template text: indented after each newline when inside an indented partial. */
static void emit_text(struct rstate *r, const char *s, size_t n)
{
	if (!r->ilen && !r->strip) {
		buf_add(r->out, s, n);
		return;
	}
	while (n) {
		if (r->bol && r->strip) {
			size_t sl = strlen(r->strip);
			if (n >= sl && memcmp(s, r->strip, sl) == 0) {
				s += sl;
				n -= sl;
			}
		}
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		emit(r, s, k);
		if (nl)
			r->bol = 1;
		s += k;
		n -= k;
	}
}

static const struct view *lookup(const struct ctx *c, const struct node *n)
{
	if (!n->path)
		return c ? c->v : NULL;
	const struct view *v = NULL;
	for (; c; c = c->up)
		if ((v = view_get(c->v, n->path[0])) != NULL)
			break;
	for (size_t i = 1; v && i < n->npath; i++)
		v = view_get(v, n->path[i]);
	return v;
}

static void emit_value(struct rstate *r, const struct view *v, int escape)
{
	char num[40];
	const char *s = NULL;
	if (!v)
		return;
	if (v->kind == V_STR)
		s = v->s;
	else if (v->kind == V_BOOL)
		s = v->b ? "true" : "false";
	else if (v->kind == V_NUM) {
		/* The shortest form that reads back as the same number. */
		snprintf(num, sizeof(num), "%.15g", v->num);
		if (strtod(num, NULL) != v->num)
			snprintf(num, sizeof(num), "%.17g", v->num);
		s = num;
	}
	if (!s || !*s)
		return;
	if (!escape) {
		emit(r, s, strlen(s));
		return;
	}
	if (r->bol && r->ilen)
		buf_add(r->out, r->indent, r->ilen);
	r->bol = 0;
	esc_html(r->out, s);
}

static void render_nodes(struct rstate *r, const struct node *kids, size_t n,
    const struct ctx *c, const struct blocks *b);

static const struct tpl *resolve(struct rstate *r, const struct node *n, const struct ctx *c)
{
	const char *name = n->s;
	if (n->dynamic) {
		const struct view *v = lookup(c, n);
		name = v && v->kind == V_STR ? v->s : NULL;
	}
	const struct tpl *t = name && r->l && r->l->get ? r->l->get(r->l->ud, name) : NULL;
	if (!t && r->l && r->l->strict) {
		diag_add(r->d, r->file, n->line, n->col, DIAG_ERROR, "unknown partial '%s'",
		    name ? name : n->s);
		r->failed = 1;
	}
	return t;
}

/* Reports a bound passed at n, naming the partials that lead to it (and
 * last, when given). */
static void bound_error(struct rstate *r, const struct node *n, const char *what,
    const char *last)
{
	struct buf chain = BUF_INIT;
	for (int i = 0; i < r->depth; i++) {
		if (i == 12 && r->depth > 16) {
			buf_puts(&chain, "… > ");
			i = r->depth - 4;	/* the last three */
			continue;
		}
		buf_printf(&chain, "%s > ", r->chain[i]);
	}
	if (last)
		buf_puts(&chain, last);
	else if (chain.len)
		buf_truncate(&chain, chain.len - 3);	/* the last " > " */
	/* One message of the code's words and the partials' names (file
	 * names, short): what is not a value to shorten. */
	struct buf m = BUF_INIT;
	buf_printf(&m, "%s%s%s", what, chain.len ? ": " : "", chain.data);
	diag_add_msg(r->d, r->file, n->line, n->col, DIAG_ERROR, m.data);
	buf_release(&m);
	buf_release(&chain);
	r->failed = 1;
}

/*
 * Renders a partial or parent template with extra indentation. Partials
 * that include each other can nest without end, or expand exponentially
 * (each including the next twice): both are bounded, per render.
 */
static void render_sub(struct rstate *r, const struct tpl *t, const struct node *n,
    const struct ctx *c, const struct blocks *b)
{
	size_t saved = r->ilen, add = n->indent ? strlen(n->indent) : 0;
	const char *file = r->file;
	if (r->depth == TPL_MAX_DEPTH) {
		bound_error(r, n, "partials nested more than 100 deep (a partial that includes itself?)",
		    n->s);
		return;
	}
	if (++r->expansions > TPL_MAX_EXPANSIONS) {
		bound_error(r, n, "partials expanded more than 1000000 times for one page "
		    "(partials that include each other several times?)", n->s);
		return;
	}
	r->chain[r->depth++] = n->s;
	if (add && saved + add < sizeof(r->indent)) {
		memcpy(r->indent + saved, n->indent, add);
		r->ilen = saved + add;
		r->bol = 1;
	}
	r->file = t->file;
	render_nodes(r, t->root.kids, t->root.nkids, c, b);
	r->file = file;
	r->ilen = saved;
	if (add)
		r->bol = 0;
	r->depth--;
}

/* The override of a block: the outermost parent's wins. */
static const struct node *find_block(const struct blocks *b, const char *name)
{
	const struct node *found = NULL;
	for (; b; b = b->up)
		for (size_t i = 0; i < b->parent->nkids; i++) {
			const struct node *k = &b->parent->kids[i];
			if (k->type == N_BLOCK && strcmp(k->s, name) == 0)
				found = k;
		}
	return found;
}

/* Expands a block at its site n, re-indenting its content. */
static void render_block(struct rstate *r, const struct node *n, const struct ctx *c,
    const struct blocks *b)
{
	const struct node *o = find_block(b, n->s);
	if (!o)
		o = n;
	const char *site = n->site ? n->site : "";
	const char *outer = r->strip ? r->strip : "";
	size_t ol = strlen(outer);
	if (strncmp(site, outer, ol) == 0)
		site += ol;	/* relative to the enclosing block's indentation */
	size_t saved = r->ilen, add = strlen(site);
	const char *saved_strip = r->strip;
	if (add && saved + add < sizeof(r->indent)) {
		memcpy(r->indent + saved, site, add);
		r->ilen = saved + add;
	}
	r->strip = o->strip && *o->strip ? o->strip : NULL;
	if (add || r->strip)
		r->bol = 1;
	render_nodes(r, o->kids, o->nkids, c, b);
	r->ilen = saved;
	r->strip = saved_strip;
}

static void render_section(struct rstate *r, const struct node *n, const struct ctx *c,
    const struct blocks *b)
{
	const struct view *v = lookup(c, n);
	if (n->type == N_INVERTED) {
		if (!view_truthy(v))
			render_nodes(r, n->kids, n->nkids, c, b);
		return;
	}
	if (!view_truthy(v))
		return;
	if (v->kind == V_LIST) {
		for (size_t i = 0; i < v->n; i++) {
			struct ctx inner = { v->items[i], c };
			render_nodes(r, n->kids, n->nkids, &inner, b);
		}
		return;
	}
	struct ctx inner = { v, c };
	render_nodes(r, n->kids, n->nkids, &inner, b);
}

static void render_node(struct rstate *r, const struct node *n, const struct ctx *c,
    const struct blocks *b)
{
	switch (n->type) {
	case N_TEXT:
		emit_text(r, n->s, n->len);
		break;
	case N_VAR:
	case N_RAW:
		emit_value(r, lookup(c, n), n->type == N_VAR);
		break;
	case N_SECTION:
	case N_INVERTED:
		render_section(r, n, c, b);
		break;
	case N_PARTIAL: {
		const struct tpl *t = resolve(r, n, c);
		if (t)
			render_sub(r, t, n, c, b);
		break;
	}
	case N_PARENT: {
		const struct tpl *t = resolve(r, n, c);
		struct blocks inner = { n, b };
		if (t)
			render_sub(r, t, n, c, &inner);
		break;
	}
	case N_BLOCK:
		render_block(r, n, c, b);
		break;
	}
}

static void render_nodes(struct rstate *r, const struct node *kids, size_t n,
    const struct ctx *c, const struct blocks *b)
{
	for (size_t i = 0; i < n && !r->failed; i++) {
		render_node(r, &kids[i], c, b);
		/* Checked after each node: the innermost one that passes the
		 * bound reports it, written at most one text or value past it. */
		if (!r->failed && r->out->len - r->start > TPL_MAX_OUTPUT)
			bound_error(r, &kids[i], "the page passes 64 MiB (partials or sections "
			    "that repeat each other?)", NULL);
	}
}

int tpl_render(const struct tpl *t, const struct view *v,
    const struct tpl_lookup *l, struct buf *out, struct diags *d)
{
	struct rstate r;
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.out = out;
	r.d = d;
	r.file = t->file;
	r.start = out->len;
	struct ctx top = { v, NULL };
	render_nodes(&r, t->root.kids, t->root.nkids, &top, NULL);
	return r.failed ? -1 : 0;
}
