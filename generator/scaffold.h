/*
 * Starting points copied from carto's share folder (share.h): carto init
 * makes a new site that builds at once, carto theme export copies the
 * default theme into a site so that it can be pinned and edited. Only main.c
 * includes this header. Messages go to stderr as "carto: ..." (these are
 * command-line errors, not content diagnostics).
 */
#ifndef CARTO_SCAFFOLD_H
#define CARTO_SCAFFOLD_H

/*
 * Writes a new site into dir (created; refused when it exists and is not
 * empty): share's init/ skeleton (site.yaml, a home page, one organisation,
 * one cartography), with AAAA-MM-JJ replaced by today (YYYYMMDD), and
 * share's référentiels (the YAML files of referentiels/ and correspondances/; the
 * territory stays in the share folder). Returns 0 or -1.
 */
int scaffold_init(const char *share, const char *dir, int today);
/* Copies share's themes/default/ into site/themes/default/, refused when site
 * has no site.yaml or that folder exists. Returns 0 or -1. */
int scaffold_theme_export(const char *share, const char *site);

#endif
