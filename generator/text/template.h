/*
 * Mustache templates (the official specification minus lambdas, with the
 * inheritance and dynamic-names modules). A template is parsed once into a
 * tree and rendered many times, from several threads at once: rendering
 * never changes the tree. Values are HTML-escaped unless written {{{x}}} or
 * {{&x}}.
 */
#ifndef CARTO_TEMPLATE_H
#define CARTO_TEMPLATE_H

#include <stddef.h>

struct arena;
struct buf;
struct diags;
struct view;
struct tpl;

/* How a template finds its partials and parents by name. */
struct tpl_lookup {
	const struct tpl *(*get)(void *ud, const char *name);
	void *ud;
	int strict;		/* report unknown partials (the spec renders nothing) */
};

/* Parses text; names it file in diagnostics. Returns NULL (with
 * diagnostics in d) on a syntax error. The tree lives in a. */
struct tpl *tpl_parse(const char *text, size_t len, const char *file,
    struct arena *a, struct diags *d);
/* Bounds of one render: partials nested at most TPL_MAX_DEPTH deep and
 * expanded at most TPL_MAX_EXPANSIONS times in all, and at most
 * TPL_MAX_OUTPUT bytes written (64 MiB: a page a browser still opens;
 * 2^18 expansions of a 2 KB partial would write 0.5 GB). */
#define TPL_MAX_DEPTH 100
#define TPL_MAX_EXPANSIONS 1000000u
#define TPL_MAX_OUTPUT ((size_t)64 << 20)

/* Renders t with view v into out. Returns 0, or -1 when a strict lookup
 * failed or a bound was passed (reported in d, at the tag's position, with
 * the chain of partials). */
int tpl_render(const struct tpl *t, const struct view *v,
    const struct tpl_lookup *l, struct buf *out, struct diags *d);
/* The template's file name. */
const char *tpl_file(const struct tpl *t);
/* Calls fn for each partial and parent tag of t whose name is written (not
 * {{>*dynamic}}), in order; in_section is 1 under a section or an inverted
 * section (expanded as the data says). For checks without rendering. */
typedef void (*tpl_ref_fn)(void *ctx, const char *name, const char *file,
    unsigned line, unsigned col, int in_section);
void tpl_each_ref(const struct tpl *t, tpl_ref_fn fn, void *ctx);

#endif
