/*
 * The HTML site (format.md §8): home, Markdown pages, organisations and their
 * directory, référentiels, search, 404, with feed.xml, sitemap.xml and
 * robots.txt. Pages are rendered through the theme's Mustache templates on
 * several threads that share the read-only model.
 */
#ifndef CARTO_HTML_H
#define CARTO_HTML_H

struct site;
struct publish;
struct diags;

struct html_opts {
	int jobs;
	int drafts;		/* publish pages marked brouillon */
};

/* Renders every page; template problems go to d. Returns 0 or -1. */
int html_render(const struct site *s, const struct html_opts *o, struct publish *p,
    struct diags *d);

#endif
