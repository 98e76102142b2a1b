/*
 * Diagnostic list. Sorting is by file, then line and column, then the order
 * of insertion, so the output is the same whatever the thread scheduling.
 * diag_vadd formats a message itself, one conversion at a time
 * (format_msg), to shorten the long values it quotes (put_str).
 */
#include "diag.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "mem.h"
#include "utf8.h"

/* One conversion of a format as read_conv reads it. */
struct conv {
	char fw[24];	/* flags and width, a '*' replaced by its argument */
	int prec;	/* -1: none */
	char len[3];	/* length modifier: "", "hh", "h", "l", "ll", "z", "L" */
	char letter;
};

/* Reads the conversion at p (after its '%') into c, taking the arguments of
 * a '*' width or precision from ap; returns the character after it, or NULL
 * for a form it does not read (more than 8 flags, a width of more than 10
 * digits, a precision past INT_MAX, no letter). put_arg judges the letter
 * and the length modifier (a j, t or q is read as the letter: refused). */
static const char *read_conv(const char *p, struct conv *c, va_list *ap)
{
	size_t n = 0;
	while (*p && strchr("-+ #0", *p) && n < 8)
		c->fw[n++] = *p++;
	if (*p == '*') {
		int w = va_arg(*ap, int);
		unsigned u = w < 0 ? 0u - (unsigned)w : (unsigned)w;
		n += (size_t)snprintf(c->fw + n, sizeof(c->fw) - n, "%s%u", w < 0 ? "-" : "", u);
		p++;
	} else
		for (size_t digits = 0; *p >= '0' && *p <= '9'; digits++) {
			if (digits == 10)
				return NULL;
			c->fw[n++] = *p++;
		}
	c->fw[n] = '\0';
	c->prec = -1;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);
			c->prec = pr < 0 ? -1 : pr;
			p++;
		} else
			for (c->prec = 0; *p >= '0' && *p <= '9'; p++) {
				if (c->prec > (INT_MAX - (*p - '0')) / 10)
					return NULL;
				c->prec = c->prec * 10 + (*p - '0');
			}
	}
	n = 0;
	if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l'))
		c->len[n++] = *p++;
	if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 'L')
		c->len[n++] = *p++;
	c->len[n] = '\0';
	c->letter = *p;
	return *p && !strchr("-+ #0*.123456789", *p) ? p + 1 : NULL;
}

/* The conversions below print one argument with a format of one
 * conversion that read_conv took from the caller's format (which the
 * compiler checks at the call, diag.h's format attribute): not a literal. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Writes into spec (48 bytes) the printf conversion c, without its
 * precision when with_prec is 0. */
static void spec_of(const struct conv *c, int with_prec, char *spec)
{
	if (with_prec && c->prec >= 0)
		snprintf(spec, 48, "%%%s.%d%s%c", c->fw, c->prec, c->len, c->letter);
	else
		snprintf(spec, 48, "%%%s%s%c", c->fw, c->len, c->letter);
}

/* Appends the argument s of the %s conversion c: as printf would when it
 * holds at most DIAG_QUOTE_MAX bytes (or its precision says so), else its
 * head, "…" and its length, after the quote that closes it in the format
 * (*fmt then moves past that quote; not past the apostrophe of "%s's"). */
static void put_str(struct buf *b, const struct conv *c, const char *s, const char **fmt)
{
	char spec[48];
	if (!s)
		s = "(null)";	/* undefined in C; what glibc prints */
	size_t len = c->prec >= 0 ? strnlen(s, (size_t)c->prec) : strlen(s);
	if (len <= DIAG_QUOTE_MAX) {
		spec_of(c, 1, spec);
		buf_printf(b, spec, s);
		return;
	}
	struct buf head = BUF_INIT;
	buf_add(&head, s, utf8_cut(s, DIAG_QUOTE_MAX));
	buf_puts(&head, "…");
	spec_of(c, 0, spec);
	buf_printf(b, spec, head.data);
	buf_release(&head);
	const char *q = *fmt;
	if ((*q == '\'' || *q == '"') && !(q[1] >= 'a' && q[1] <= 'z') && !(q[1] >= 'A' && q[1] <= 'Z'))
		buf_putc(b, *(*fmt)++);
	buf_printf(b, " (%zu bytes)", len);
}

/* Appends the argument of conversion c, taken from ap with the type its
 * letter and length modifier name; returns -1, having taken nothing, for a
 * conversion it does not know (%n, %ls, %lc, %Ld…). */
static int put_arg(struct buf *b, const struct conv *c, va_list *ap, const char **fmt)
{
	char spec[48];
	const char *l = c->len;
	int plain = !*l || !strcmp(l, "h") || !strcmp(l, "hh");	/* promoted to int */
	spec_of(c, 1, spec);
	switch (c->letter) {
	case 'd': case 'i':
		if (plain)
			buf_printf(b, spec, va_arg(*ap, int));
		else if (!strcmp(l, "l"))
			buf_printf(b, spec, va_arg(*ap, long));
		else if (!strcmp(l, "ll"))
			buf_printf(b, spec, va_arg(*ap, long long));
		else if (!strcmp(l, "z"))
			buf_printf(b, spec, va_arg(*ap, ssize_t));
		else
			return -1;
		return 0;
	case 'u': case 'o': case 'x': case 'X':
		if (plain)
			buf_printf(b, spec, va_arg(*ap, unsigned));
		else if (!strcmp(l, "l"))
			buf_printf(b, spec, va_arg(*ap, unsigned long));
		else if (!strcmp(l, "ll"))
			buf_printf(b, spec, va_arg(*ap, unsigned long long));
		else if (!strcmp(l, "z"))
			buf_printf(b, spec, va_arg(*ap, size_t));
		else
			return -1;
		return 0;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		if (!*l || !strcmp(l, "l"))
			buf_printf(b, spec, va_arg(*ap, double));
		else if (!strcmp(l, "L"))
			buf_printf(b, spec, va_arg(*ap, long double));
		else
			return -1;
		return 0;
	case 'c':
		if (*l)
			return -1;
		buf_printf(b, spec, va_arg(*ap, int));
		return 0;
	case 'p':
		if (*l)
			return -1;
		buf_printf(b, spec, va_arg(*ap, void *));
		return 0;
	case 's':
		if (*l)
			return -1;
		put_str(b, c, va_arg(*ap, const char *), fmt);
		return 0;
	default:
		return -1;
	}
}

#pragma GCC diagnostic pop

/* Appends fmt formatted with ap to b as diag_vadd says; returns -1 at a
 * conversion it does not know, having taken part of ap's arguments and
 * appended part of the message. */
static int format_msg(struct buf *b, const char *fmt, va_list *ap)
{
	while (*fmt) {
		const char *pc = strchr(fmt, '%');
		if (!pc) {
			buf_puts(b, fmt);
			break;
		}
		buf_add(b, fmt, (size_t)(pc - fmt));
		if (pc[1] == '%') {
			buf_putc(b, '%');
			fmt = pc + 2;
			continue;
		}
		struct conv c;
		fmt = read_conv(pc + 1, &c, ap);
		if (!fmt || put_arg(b, &c, ap, &fmt) < 0)
			return -1;
	}
	return 0;
}

void diag_add(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, file, line, col, sev, fmt, ap);
	va_end(ap);
}

void diag_vadd(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	va_list walk;
	va_copy(walk, ap);
	int known = format_msg(&b, fmt, &walk) == 0;
	va_end(walk);
	if (!known) {	/* printf's words, whole: never undefined */
		buf_reset(&b);
		buf_vprintf(&b, fmt, ap);
	}
	diag_add_msg(d, file, line, col, sev, b.data);
	buf_release(&b);
}

void diag_text_pos(const struct diag_text *t, uint32_t k, uint32_t c, uint32_t *line, uint32_t *col)
{
	k = k ? k : 1;
	c = c ? c : 1;
	*line = t->line;
	*col = t->col;
	if (t->lines == DIAG_TEXT_LINES) {
		*line = t->line + k - 1;
		*col = (k == 1 ? t->col : t->indent) + c - 1;
	} else if (t->lines == DIAG_TEXT_ONE_LINE && k == 1)
		*col = t->col + c - 1;
}

void diag_add_msg(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *msg)
{
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	struct diag *x = &d->v[d->n];
	x->file = xstrdup(file ? file : "");
	x->line = line;
	x->col = col;
	x->sev = sev;
	x->msg = xstrdup(msg);
	x->seq = d->n;
	d->n++;
	if (sev == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void diags_merge(struct diags *dst, struct diags *src)
{
	dst->v = xgrow(dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v));
	for (size_t i = 0; i < src->n; i++) {
		dst->v[dst->n] = src->v[i];
		dst->v[dst->n].seq = dst->n;
		dst->n++;
	}
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->v);
	src->v = NULL;
	src->n = src->cap = src->errors = src->warnings = 0;
}

static int cmp_diag(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	c = strcmp(a->msg, b->msg);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* diags_tee's copy, or NULL. */
static struct buf *tee;

void diags_tee(struct buf *b)
{
	tee = b;
}

/* 1 when a and b say the same thing at the same place. */
static int same_diag(const struct diag *a, const struct diag *b)
{
	return a->line == b->line && a->col == b->col && a->sev == b->sev && strcmp(a->file, b->file) == 0 &&
	    strcmp(a->msg, b->msg) == 0;
}

/* Sorts d and drops each diagnostic that repeats the one before it (a
 * problem of a template met by two pages rendered side by side, a file
 * read by two stages), with the counts. */
static void dedupe(struct diags *d)
{
	if (d->n < 2)
		return;
	xqsort(d->v, d->n, sizeof(*d->v), cmp_diag);
	size_t kept = 1;
	for (size_t i = 1; i < d->n; i++) {
		struct diag *x = &d->v[i];
		if (same_diag(x, &d->v[kept - 1])) {
			if (x->sev == DIAG_ERROR)
				d->errors--;
			else
				d->warnings--;
			free(x->file);
			free(x->msg);
		} else
			d->v[kept++] = *x;
	}
	d->n = kept;
}

void diags_print(struct diags *d, FILE *f)
{
	struct buf line = BUF_INIT;
	dedupe(d);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		const char *sev = x->sev == DIAG_ERROR ? "error" : "warning";
		buf_reset(&line);
		if (x->line && x->col == DIAG_NOCOL)
			buf_printf(&line, "%s:%u: %s: %s\n", x->file, x->line, sev, x->msg);
		else if (x->line)
			buf_printf(&line, "%s:%u:%u: %s: %s\n", x->file, x->line,
			    x->col ? x->col : 1, sev, x->msg);
		else
			buf_printf(&line, "%s: %s: %s\n", x->file, sev, x->msg);
		fwrite(line.data, 1, line.len, f);
		if (tee)
			buf_add(tee, line.data, line.len);
	}
	buf_release(&line);
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
