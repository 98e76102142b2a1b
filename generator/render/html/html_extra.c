/*
 * The files around the HTML pages: the Atom feed of articles, sitemap.xml
 * (every page the build wrote, from the page list of html.c) and
 * robots.txt; the search index is html_search.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/civil.h"
#include "../../base/escape.h"
#include "../../base/mem.h"
#include "../../data/derive.h"
#include "../../data/model.h"
#include "../cache.h"
#include "../publish.h"
#include "html_page.h"
#include "html_extra.h"
#include "html_search.h"

/* RFC 3339 at midnight UTC; out has CIVIL_SIZE + 16 bytes. */
static void iso_date(char *out, int d)
{
	char day[CIVIL_SIZE];
	snprintf(out, CIVIL_SIZE + 16, "%sT00:00:00Z", civil_iso(d, day));
}

static int feed(const struct site *s, const struct page **arts, size_t n, struct publish *p)
{
	struct buf b = BUF_INIT;
	char date[CIVIL_SIZE + 16];
	iso_date(date, n ? arts[0]->date : s->last_update ? s->last_update : 20260101);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n<title>");
	esc_html(&b, s->titre);
	buf_puts(&b, "</title>\n<id>");
	esc_html(&b, s->base_url);
	buf_printf(&b, "</id>\n<updated>%s</updated>\n<link rel=\"alternate\" href=\"", date);
	esc_html(&b, s->base_url);
	buf_puts(&b, "\"/>\n<link rel=\"self\" href=\"");
	esc_html(&b, s->base_url);
	buf_puts(&b, "feed.xml\"/>\n<author><name>");
	esc_html(&b, s->titre);
	buf_puts(&b, "</name></author>\n");
	for (size_t i = 0; i < n && i < 50; i++) {
		iso_date(date, arts[i]->date);
		buf_puts(&b, "<entry>\n<title>");
		esc_html(&b, arts[i]->titre);
		buf_puts(&b, "</title>\n<id>");
		esc_html(&b, s->base_url);
		esc_html(&b, arts[i]->slug);
		buf_puts(&b, "/</id>\n<link href=\"");
		esc_html(&b, s->base_url);
		esc_html(&b, arts[i]->slug);
		buf_printf(&b, "/\"/>\n<updated>%s</updated>\n", date);
		if (arts[i]->resume) {
			buf_puts(&b, "<summary>");
			esc_html(&b, arts[i]->resume);
			buf_puts(&b, "</summary>\n");
		}
		buf_puts(&b, "</entry>\n");
	}
	buf_puts(&b, "</feed>\n");
	int rc = publish_write(p, "feed.xml", b.data, b.len);
	buf_release(&b);
	return rc;
}

static void url_entry(struct buf *b, struct buf *path, const struct site *s, const struct html_url *u)
{
	buf_puts(b, "<url><loc>");
	esc_html(b, s->base_url);
	buf_reset(path);
	buf_add(path, u->path, u->len);
	esc_html(b, path->data);
	buf_puts(b, "</loc>");
	char day[CIVIL_SIZE];
	if (u->lastmod)
	{
		buf_puts(b, "<lastmod>");
		buf_puts(b, civil_iso(u->lastmod, day));
		buf_puts(b, "</lastmod>");
	}
	buf_puts(b, "</url>\n");
}

static const char sitemap_head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
static const char sitemap_ns[] = " xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

/* One file of at most max URLs (sitemaps.org: 50,000 and 50 MB; our URLs
 * are short, so the count is the bound that is met first). */
static int sitemap_file(const struct site *s, const char *name, const struct html_url *u,
    size_t n, struct publish *p)
{
	struct buf b = BUF_INIT, path = BUF_INIT;
	buf_printf(&b, "%s<urlset%s", sitemap_head, sitemap_ns);
	for (size_t i = 0; i < n; i++)
		url_entry(&b, &path, s, &u[i]);
	buf_puts(&b, "</urlset>\n");
	int rc = publish_write(p, name, b.data, b.len);
	buf_release(&b);
	buf_release(&path);
	return rc;
}

/* sitemap.xml lists every page; past max URLs (0: the protocol's 50,000;
 * the tests lower it) it is an index of sitemap-N.xml. */
static int sitemap(const struct site *s, size_t max, const struct html_url *u, size_t n,
    struct publish *p)
{
	if (!max)
		max = 50000;
	if (n <= max)
		return sitemap_file(s, "sitemap.xml", u, n, p);
	struct buf b = BUF_INIT;
	char name[32];
	int rc = 0;
	buf_printf(&b, "%s<sitemapindex%s", sitemap_head, sitemap_ns);
	for (size_t i = 0, k = 1; i < n; i += max, k++) {
		snprintf(name, sizeof(name), "sitemap-%zu.xml", k);
		rc |= sitemap_file(s, name, u + i, n - i < max ? n - i : max, p);
		buf_puts(&b, "<sitemap><loc>");
		esc_html(&b, s->base_url);
		buf_printf(&b, "%s</loc></sitemap>\n", name);
	}
	buf_puts(&b, "</sitemapindex>\n");
	rc |= publish_write(p, "sitemap.xml", b.data, b.len);
	buf_release(&b);
	return rc ? -1 : 0;
}

static int robots(const struct site *s, struct publish *p)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", s->base_url);
	int rc = publish_write(p, "robots.txt", b.data, b.len);
	buf_release(&b);
	return rc;
}

/* The key of the search index's document last rendered. */
#define SEARCH_DOC_NOTE "html-search-doc/recherche/index.js"

/* The search index, a document of the cache keyed on what it indexes
 * (html_search_key): a change to a field it does not read leaves it in
 * place. */
int html_search_job(const struct site *s, int drafts, struct publish *p, struct cache *c,
    size_t groups[4], struct diags *d)
{
	struct cache_job cj;
	const struct publish_file *was = NULL;
	size_t n_was = 0;
	if (c) {
		struct digest_ctx *k = cache_key(c, "html-search", "index");
		html_search_key(k, s, drafts, c);
		if (cache_start(c, p, &cj, k, d) == 1)
			return 0;
		/* The previous build's index, by its key: its files are put
		 * back where the bytes come out the same (each is checked on
		 * disk by publish_keep, so a stale or wrong note costs writes,
		 * never bytes). */
		struct fs_view note = FS_VIEW_INIT;
		size_t len = 0;
		const char *b = cache_note_read(c, SEARCH_DOC_NOTE, 64, &note, &len);
		struct digest prev;
		if (b && len == sizeof(prev)) {
			memcpy(&prev, b, sizeof(prev));
			was = cache_files_of(c, &prev, &n_was);
		}
		if (!b || len != sizeof(prev) || !digest_eq(&prev, &cj.key))
			cache_note_write(c, SEARCH_DOC_NOTE, &cj.key, sizeof(cj.key));
		fs_view_close(&note);
	}
	int rc = html_search_index(s, drafts, p, c, groups, was, n_was);
	if (c)
		cache_finish(c, &cj, rc, d);
	return rc;
}

int html_extras(const struct site *s, int drafts, size_t sitemap_max, const struct html_url *u,
    size_t nu, struct publish *p)
{
	const struct page **arts = xmalloc((s->n_pages + 1) * sizeof(*arts));
	size_t n = html_articles(s, arts, s->n_pages, drafts);
	int rc = feed(s, arts, n, p) | sitemap(s, sitemap_max, u, nu, p) | robots(s, p);
	free(arts);
	return rc ? -1 : 0;
}
