/*
 * A theme: its templates, partials and assets. A site's own
 * themes/<name>/ overrides carto's file by file (same relative name), like
 * Hugo's lookup order. Templates and partials share one namespace: the file
 * name without ".mustache". Pages link to style sheets and scripts by names
 * holding a hash of their content, given to templates as {{assets.KEY}}.
 */
#ifndef CARTO_THEME_H
#define CARTO_THEME_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/digest.h"
#include "../base/strmap.h"

struct diags;
struct publish;
struct tpl;

struct theme {
	struct strmap tpls;		/* name -> struct tpl * */
	char **assets;			/* relative paths under assets/ */
	char **asset_src;		/* where each one is read from */
	char **asset_pub;		/* a style sheet's or script's name with its
					   content hash (assets/style.<12 hex>.css), else NULL */
	char **asset_key;		/* its key in a page's view ("style_css"), else NULL */
	size_t n_assets;
	struct digest src;		/* of the templates and partials read (names
					 * and bytes) and the assets' names as pages
					 * link them: the build cache's key of pages */
	struct digest_ctx *acc;		/* src while loading */
	struct arena arena;
};

/* Loads theme name for the site at root, falling back file by file on
 * carto's share folder (NULL: none); template errors go to d. Returns 0, or
 * -1 when the theme is missing or a template is wrong. */
int theme_load(struct theme *t, const char *root, const char *share, const char *name,
    struct diags *d);
/* Checks what a build finds only when rendering: unknown partials, partials
 * that include themselves or expand past the bound whatever the data. Returns
 * 0, or -1 with errors in d. */
int theme_check(const struct theme *t, struct diags *d);
/* Returns 1 when theme name exists for the site at root (its own, or in
 * carto's share folder when share is not NULL). */
int theme_exists(const char *root, const char *share, const char *name);
/* Returns 1 when theme name has the asset rel (a path under assets/ without
 * '..', checked by the caller), in the site's folder or in carto's share
 * folder when share is not NULL. */
int theme_has_asset(const char *root, const char *share, const char *name, const char *rel);
/* Returns the named template or NULL. Thread-safe. */
const struct tpl *theme_get(const struct theme *t, const char *name);
/* Copies the assets into the output under assets/, the style sheets and
 * scripts also under their asset_pub names (what the pages link to; the
 * plain names stay for themes and links made before); an asset that cannot
 * be read goes to d. Returns 0 or -1. */
int theme_copy_assets(const struct theme *t, struct publish *p, struct diags *d);
void theme_free(struct theme *t);

#endif
