/*
 * Diagnostic list. Sorting is by file, then line and column, then the order
 * of insertion, so the output is the same whatever the thread scheduling.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

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
	buf_vprintf(&b, fmt, ap);
	diag_add_msg(d, file, line, col, sev, b.data);
	buf_release(&b);
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
