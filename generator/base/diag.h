/*
 * Diagnostics: problems in the user's content are data, {file, line, column,
 * severity, message}, collected in a list and printed sorted as
 * "file:line:col: error: message". Each worker owns a list; lists are merged.
 */
#ifndef CARTO_DIAG_H
#define CARTO_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum diag_sev { DIAG_WARNING = 1, DIAG_ERROR = 2 };

/* A column of DIAG_NOCOL prints "file:line: error: …": for sources that only
 * know lines (the XML reader of carto import lheo). */
#define DIAG_NOCOL UINT32_MAX

struct diag {
	char *file;		/* path relative to the site, owned */
	uint32_t line, col;	/* 1-based; 0 when unknown */
	enum diag_sev sev;
	char *msg;		/* owned */
	size_t seq;		/* insertion order, for a stable sort */
};

struct diags {
	struct diag *v;
	size_t n, cap;
	size_t errors, warnings;
};

#define DIAGS_INIT { NULL, 0, 0, 0, 0 }

/* A string argument of a message (%s, or %.*s with a larger precision)
 * longer than this many bytes is shortened: its first bytes, cut between
 * two UTF-8 characters, then "…" and its whole length, put after the quote
 * that closes the value when one follows in the format:
 *   organisation 'antenne-de-l-association-…' (182 bytes) is also that of
 * The values quoted from the user's content (ids, names, free text) are as
 * long as that content; the editor reading the terminal needs to recognise
 * one, not to read it whole. 120 bytes keep whole an id, a name or a path
 * of the usual length. A whole message must not be passed to "%s" (it
 * would be cut as one long value): add it with diag_add_msg. */
#define DIAG_QUOTE_MAX 120

/* Adds a diagnostic whose message is fmt formatted as printf would, each
 * string argument longer than DIAG_QUOTE_MAX shortened (above). A format
 * holding a conversion diag_vadd does not know (%n, %ls, %j…) is printed
 * by vsnprintf whole, unshortened. Never fails (aborts on out-of-memory);
 * file and the arguments are copied. */
void diag_add(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void diag_vadd(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));
/* Adds a diagnostic whose message is msg as it is, not a format: a message
 * already formed (replayed from a snapshot, copied from another list,
 * composed of the code's own words, a library's words). Never fails. */
void diag_add_msg(struct diags *d, const char *file, uint32_t line, uint32_t col,
    enum diag_sev sev, const char *msg);
/*
 * Where a text read from a file sits in it, so that a problem found in the
 * text (a Markdown link at the text's line k, column c) is reported at its
 * line and column of the file. The text's lines are:
 *   DIAG_TEXT_LINES: the file's (a page's body, a YAML literal block "|"):
 *     line k is the file's line + k - 1, its columns counted from col on
 *     the first line and from indent on the others;
 *   DIAG_TEXT_ONE_LINE: on one line of the file (a quoted or plain YAML
 *     value): the first line's columns counted from col, any other line
 *     (a "\n" escape) at (line, col);
 *   DIAG_TEXT_FOLDED: not the file's (a YAML folded block ">", a quoted or
 *     plain value over several lines: libyaml joins the lines): every
 *     problem at (line, col), where the text starts.
 */
enum diag_text_lines { DIAG_TEXT_LINES, DIAG_TEXT_ONE_LINE, DIAG_TEXT_FOLDED };
struct diag_text {
	uint32_t line, col, indent;	/* 1-based */
	enum diag_text_lines lines;
};
/* The text's line k, column c (1-based; 0 is taken as 1) as the file's
 * line and column. Never fails. */
void diag_text_pos(const struct diag_text *t, uint32_t k, uint32_t c, uint32_t *line, uint32_t *col);

/* Moves every diagnostic of src into dst. */
void diags_merge(struct diags *dst, struct diags *src);
/* Sorts by file, line, column (stable), drops a diagnostic that repeats the
 * one before it (same place, severity and message; the counts follow) and
 * prints to f. */
void diags_print(struct diags *d, FILE *f);
/* Makes diags_print also append what it prints to b (NULL: stop), so that
 * a build can replay its diagnostics exactly (generator/fingerprint.h).
 * One a process; set and cleared by the thread that prints. */
struct buf;
void diags_tee(struct buf *b);
void diags_free(struct diags *d);

/* The English plural ending of a count in a message: "" for 1, else "s"
 * ("0 warnings", "1 warning", "2 warnings"). */
static inline const char *diag_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

#endif
