/*
 * Loading a site folder into the model (format.md §1–7). load_site is the
 * entry point for the build driver; the other declarations are shared by the
 * loader's own files (load*.c) only.
 */
#ifndef CARTO_LOAD_H
#define CARTO_LOAD_H

#include <stddef.h>

#include "fields.h"

struct site;
struct diags;
struct snap;

#define LOAD_MAX_FILE (64u * 1024 * 1024)

/*
 * Reads every file of the site at root with jobs threads, into s (which the
 * caller zeroes, sets s->share in, and later frees with site_free). Problems
 * go to d. Returns 0, or -1 when the site cannot be read at all (a missing
 * site.yaml, no territory); the content errors are in d either way. With
 * snap (snap.h), a YAML file whose bytes it holds is not parsed again: its
 * tree is taken from it; the files parsed are put into it.
 */
int load_site(struct site *s, const char *root, int jobs, struct snap *snap, struct diags *d);
void site_free(struct site *s);
/* The length of what comes before the site-relative path in the file names
 * the model holds (organisme.file, page.file: the site folder as given, and
 * a slash), so that the cache's keys need not depend on the folder the
 * build runs from (the outputs never show it). */
size_t load_shown_prefix(const struct site *s);
/* 1 when d holds an error at the site's file or folder rel ("content/pages"),
 * at a folder above it (content, refused whole) or at something under it:
 * what it holds may be missing from the model, so a link to it that finds
 * nothing is not the link's fault (html_links_check). */
int load_refused(const struct site *s, const struct diags *d, const char *rel);

/*
 * A site kept loaded between builds (carto serve): loader_refresh brings
 * its model up to date with the files, reading again only the organisation
 * files and pages whose stat moved (load.c says when it reads everything),
 * and puts into d what load_site would have (every file's diagnostics, in
 * file order), setting *reread to the files read. Returns 0 or -1 as
 * load_site. The model (loader_site) is the loader's, loaded but neither
 * validated nor indexed: validate a copy of it (carto serve builds in a
 * child process), never it. share lives as long as the loader.
 */
struct loader;
struct loader *loader_new(const char *root, const char *share, int jobs);
int loader_refresh(struct loader *l, struct diags *d, size_t *reread);
struct site *loader_site(struct loader *l);
void loader_free(struct loader *l);

/* Reports an unknown value of a closed list, with a suggestion. */
void load_unknown(struct rd *r, const struct ynode *at, const char *what,
    const char *val, const char *const *known, size_t n);

/* Per-kind converters (load_org.c, load_site.c). */
struct organisme;
void org_read(struct rd *r, const struct ynode *n, struct organisme *o);
void site_read(struct rd *r, const struct ynode *n, struct site *s);
void vocab_read(struct rd *r, const struct ynode *n, struct vocab *v);
struct referentiel *referentiel_read(struct rd *r, const struct ynode *n,
    const char *stem);
struct correspondance *corr_read(struct rd *r, const struct ynode *n,
    const char *stem);
struct cartographie *carto_read(struct rd *r, const struct ynode *n,
    const char *stem);
/* Splits front matter from a Markdown file and reads it; NULL on error. */
struct page *page_read(struct rd *r, struct arena *tree, const char *text,
    size_t len, const char *relpath);
/* Territory (load_geo.c): reads dir into g; reports problems to d. With a
 * jail (the site's realpath), a file whose links lead out of it is refused.
 * With snap (snap.h), the GeoJSON trees are taken from it and put into it
 * as the YAML files'. */
int geo_read(struct geo *g, const char *dir, const char *shown, const char *jail,
    struct arena *a, struct snap *snap, struct diags *d);

#endif
