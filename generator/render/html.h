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

/* Warns at its line about each internal link of a page or a cartography's
 * introduction that leads to no page or file of the build (html_links.c). */
void html_links_check(const struct site *s, struct diags *d);

/* Renders every page; template problems go to d. Returns 0 or -1. */
int html_render(const struct site *s, const struct html_opts *o, struct publish *p,
    struct diags *d);

#endif
