/*
 * carto's share folder: what a site uses when it has no copy of its own (the
 * default theme, the territory of Île-de-France, the référentiels and the
 * skeleton that carto init copies). An installed carto finds it beside its
 * binary (<prefix>/bin/carto -> <prefix>/share/carto), so a copied tree or an
 * extracted package works wherever it lands; then at $CARTO_SHARE; then, for
 * the developer build, in the checkout the binary was built in
 * (generator/carto or build/<kind>/carto). Only main.c includes this header;
 * it reads the environment and passes CARTO_SHARE's value in.
 */
#ifndef CARTO_SHARE_H
#define CARTO_SHARE_H

#include "base/buf.h"

/* Where carto looked, in order, and what it chose. */
struct share {
	char *dir;		/* the folder used, or NULL when none holds a theme */
	struct buf tried;	/* the places looked at, separated by ", " */
};

/*
 * Finds the share folder: the first candidate holding themes/default/.
 * env is $CARTO_SHARE or NULL. Never fails; the caller frees with
 * share_free. A folder is tried only if it exists; tried lists every
 * candidate whether it exists or not, for carto --version and errors.
 */
void share_find(struct share *sh, const char *env);
void share_free(struct share *sh);

#endif
