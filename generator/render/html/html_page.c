/*
 * The bottom of the HTML stage: the parts every page shares (the frame of
 * site, menu and meta in html_common, the breadcrumbs) and the helpers of
 * every view builder (formatting into the page's arena, French dates,
 * Markdown, labels, links relative to the page, file sizes, the articles in
 * order). It calls no other HTML file. Declared in html_page.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/civil.h"
#include "../../base/mem.h"
#include "../../base/url.h"
#include "../../text/markdown.h"
#include "../publish.h"
#include "../theme.h"
#include "html_page.h"

const char *html_fmt(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	buf_reset(c->tmp);
	va_start(ap, fmt);
	buf_vprintf(c->tmp, fmt, ap);
	va_end(ap);
	return arena_strndup(c->a, c->tmp->data, c->tmp->len);
}

const char *html_path(struct pctx *c, const char *p)
{
	return arena_strdup(c->a, p);
}

const char *html_date_fr(struct pctx *c, int d)
{
	char fr[CIVIL_SIZE];
	return d ? arena_strdup(c->a, civil_fr(d, fr)) : NULL;
}

static const char *root_link(void *ctx, const char *url)
{
	return html_links_rewrite(ctx, NULL, url);
}

const char *html_markdown(struct pctx *c, const char *md)
{
	if (!md)
		return NULL;
	/* Not in c->tmp: the links' rewriting uses it. */
	struct buf b = BUF_INIT;
	md_html_links(&b, md, c->s->html_brut, NULL, NULL, root_link, c);
	const char *html = arena_strndup(c->a, b.data, b.len);
	buf_release(&b);
	return html;
}

const char *html_legal_mention(const struct site *s)
{
	static const char *const m[] = { "Accessibilité : non conforme",
		"Accessibilité : partiellement conforme", "Accessibilité : totalement conforme" };
	return m[s->legal.conformite];
}


const char *html_link(struct pctx *c, const char *path)
{
	if (url_kind(path) != URL_RELATIVE)
		return path;
	size_t n = strlen(path);
	if (n == 0 || path[n - 1] == '/')
		return html_fmt(c, "%s%sindex.html", c->root, path);
	return html_fmt(c, "%s%s", c->root, path);
}

const char *html_file_size(struct pctx *c, const char *rel)
{
	long long size = publish_size(c->pub, rel), tenths;
	if (size < 0)
		return NULL;
	if (size < 1024)
		return html_fmt(c, "%lld octets", size);
	int unit;
	publish_shown_parts(size, &unit, &tenths);	/* what the cache keeps of it */
	if (!unit)
		return html_fmt(c, "%lld Ko", tenths / 10);
	return html_fmt(c, "%lld.%lld Mo", tenths / 10, tenths % 10);
}

static int cmp_article(const void *a, const void *b)
{
	const struct page *x = *(const struct page *const *)a, *y = *(const struct page *const *)b;
	if (x->date != y->date)
		return x->date > y->date ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

size_t html_articles(const struct site *s, const struct page **out, size_t max, int drafts)
{
	size_t n = 0;
	const struct page **all = xmalloc((s->n_pages + 1) * sizeof(*all));
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_ARTICLE && (drafts || !s->pages[i]->brouillon))
			all[n++] = s->pages[i];
	xqsort(all, n, sizeof(*all), cmp_article);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

struct view *html_common(struct pctx *c, const char *titre, const char *desc,
    const char *path_url)
{
	const struct site *s = c->s;
	struct arena *a = c->a;
	struct view *v = view_map(a), *site = view_map(a), *page = view_map(a);
	view_sets(a, v, "root", c->root);
	if (c->theme) {
		struct view *assets = view_map(a);
		for (size_t i = 0; i < c->theme->n_assets; i++)
			if (c->theme->asset_key[i])
				view_sets(a, assets, c->theme->asset_key[i],
				    html_fmt(c, "%s%s", c->root, c->theme->asset_pub[i]));
		view_set(a, v, "assets", assets);
	}
	view_sets(a, site, "titre", s->titre);
	view_sets(a, site, "langue", s->langue);
	view_sets(a, site, "licence", s->licence);
	view_sets(a, site, "mise_a_jour_texte", html_date_fr(c, s->last_update));
	struct view *menu = view_list(a);
	for (size_t i = 0; i < s->n_menus; i++) {
		if (strcmp(s->menus[i].name, "principal") != 0)
			continue;
		for (size_t k = 0; k < s->menus[i].n; k++) {
			const struct menu_item *mi = &s->menus[i].v[k];
			struct view *it = view_map(a);
			view_sets(a, it, "titre", mi->titre);
			/* Resolved as a link of the site's root page: its fragment
			 * or query stays after index.html. */
			const char *to = html_links_rewrite(c, "", mi->url);
			view_sets(a, it, "url", to ? to : html_link(c, mi->url));
			size_t ul = strlen(mi->url);
			view_setb(a, it, "courant", ul && strncmp(path_url, mi->url, ul) == 0);
			view_push(a, menu, it);
		}
	}
	view_set(a, site, "menu", menu);
	view_sets(a, site, "accessibilite", html_legal_mention(s));
	view_set(a, v, "site", site);
	view_sets(a, page, "titre", titre);
	/* The site's name follows the page's when the whole stays short. */
	int fits = strlen(titre) + strlen(s->titre) + 5 <= 80;
	view_sets(a, page, "titre_complet", strcmp(titre, s->titre) == 0 || !fits ? titre
	    : html_fmt(c, "%s – %s", titre, s->titre));
	view_sets(a, page, "description", desc);
	view_sets(a, page, "canonical", html_fmt(c, "%s%s", s->base_url, path_url));
	view_sets(a, page, "og_type", "website");
	view_set(a, v, "page", page);
	return v;
}

/* Breadcrumbs: pairs of (title, path from the root), the last one current. */
void html_crumbs(struct pctx *c, struct view *v, const char *const *items, size_t n)
{
	struct view *fil = view_list(c->a);
	for (size_t i = 0; i + 1 < n; i += 2) {
		struct view *it = view_map(c->a);
		view_sets(c->a, it, "titre", items[i]);
		if (i + 2 < n)
			view_sets(c->a, it, "url", html_link(c, items[i + 1]));
		view_push(c->a, fil, it);
	}
	view_set(c->a, v, "fil", fil);
	view_setb(c->a, v, "has_fil", n > 0);
}
