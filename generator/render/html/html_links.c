/*
 * Links written in Markdown: where they lead in the site, whether the build
 * makes that page or file, and the relative URL to publish. A page's links
 * are resolved from the page's own folder (the page "a/b" is served at
 * a/b/index.html, so "c/" is a/b/c/), a root-relative link ("/c/") from the
 * site's root. `check` warns at the line of each internal link that leads
 * nowhere (html_links_check), and refuses a menu entry of site.yaml that
 * does; the HTML stage rewrites each one that leads to
 * a page or file of the site as a relative URL naming index.html, so that
 * the site works under any sub-path and from file:// (html_links_rewrite).
 * Links with a scheme (https:, mailto:…), "//host" links and fragments of
 * the same page are left alone.
 */
#include <string.h>

#include "../../base/buf.h"
#include "../../base/diag.h"
#include "../../base/url.h"
#include "../../data/load.h"
#include "../../text/markdown.h"
#include "../html.h"
#include "../theme.h"
#include "html_page.h"

/* LINK_UNSURE: a page of a kind whose source the load refused in part
 * (struct doubt), not found: not judged. */
enum target { LINK_AWAY, LINK_FOUND, LINK_BROKEN, LINK_OUTSIDE, LINK_UNSURE };

/* The sources of pages the load reported an error for (load_refused): a
 * folder refused, a file unreadable or malformed. A link to a page they
 * would have made is then not reported as leading nowhere: the error
 * already stands, and every menu entry and link to those pages would
 * follow it. */
struct doubt {
	int pages, orgs, cartos, refs;	/* content/pages, content/organismes,
					 * content/cartographies, referentiels */
};

static int has_scheme(const char *u)
{
	const char *p = u;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	    *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > u && *p == ':';
}

/* Appends to out the path of url from the root, with "." and ".." applied;
 * the query and fragment are left out (their offset is *suffix). Returns
 * LINK_OUTSIDE when ".." leaves the site. */
static enum target normalise(const char *base, const char *url, struct buf *out, size_t *suffix)
{
	size_t n = strcspn(url, "?#");
	*suffix = n;
	struct buf in = BUF_INIT;
	if (url[0] != '/')
		buf_puts(&in, base);
	buf_add(&in, url, n);
	buf_reset(out);
	const char *p = in.data;
	enum target t = LINK_FOUND;
	while (*p) {
		size_t len = strcspn(p, "/");
		int dir = p[len] == '/';
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing to add */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (out->len == 0)
				t = LINK_OUTSIDE;
			else {
				size_t k = out->len - 1;	/* out ends with '/' */
				while (k > 0 && out->data[k - 1] != '/')
					k--;
				buf_truncate(out, k);
			}
		} else {
			buf_add(out, p, len);
			if (dir)
				buf_putc(out, '/');
		}
		p += len + dir;
	}
	buf_release(&in);
	return t;
}

static int is_dep(const struct site *s, const char *code, size_t n)
{
	for (size_t i = 0; i < s->geo.n_departements; i++)
		if (strlen(s->geo.departements[i].code) == n && strncmp(s->geo.departements[i].code, code, n) == 0)
			return 1;
	return 0;
}

static const struct cartographie *find_carto(const struct site *s, const char *id, size_t n)
{
	for (size_t i = 0; i < s->n_cartographies; i++)
		if (strlen(s->cartographies[i]->id.s) == n && strncmp(s->cartographies[i]->id.s, id, n) == 0)
			return s->cartographies[i];
	return NULL;
}

/* Returns 1 when the build writes the page of folder dir (no final '/'). */
static int is_page(const struct site *s, const char *dir)
{
	static const char *const fixed[] = { "", "organismes", "referentiels", "recherche", "data",
		"accessibilite", "mentions-legales", "plan-du-site" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(dir, fixed[i]) == 0)
			return 1;
	if (strmap_get(&s->pages_by_slug, dir))
		return 1;
	for (size_t i = 0; strcmp(dir, "webinaires") == 0 && i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_WEBINAIRE)
			return 1;
	const char *rest = strchr(dir, '/');
	if (!rest)
		return 0;
	size_t head = (size_t)(rest - dir);
	rest++;
	if (head == 10 && strncmp(dir, "organismes", 10) == 0)
		return strmap_get(&s->org_by_id, rest) != NULL;
	if (head == 12 && strncmp(dir, "referentiels", 12) == 0)
		return strmap_get(&s->ref_by_id, rest) != NULL;
	if (head == 8 && strncmp(dir, "annuaire", 8) == 0)
		return is_dep(s, rest, strlen(rest));
	if (head == 13 && strncmp(dir, "cartographies", 13) == 0) {
		size_t id = strcspn(rest, "/");
		const struct cartographie *ca = find_carto(s, rest, id);
		if (!ca || !rest[id])
			return ca != NULL;
		const char *dep = rest + id + 1;
		return ca->par_departement && is_dep(s, dep, strlen(dep));
	}
	return 0;
}

/* Whether the build writes the page of folder dir (no final '/'):
 * LINK_FOUND or LINK_BROKEN, or LINK_UNSURE when not found and its source
 * is in doubt (dt, NULL: none). */
static enum target page_at(const struct site *s, const char *dir, const struct doubt *dt)
{
	static const struct doubt none = { 0, 0, 0, 0 };
	if (is_page(s, dir))
		return LINK_FOUND;
	dt = dt ? dt : &none;
	int doubt = strncmp(dir, "organismes/", 11) == 0 ? dt->orgs :
	    strncmp(dir, "referentiels/", 13) == 0 ? dt->refs :
	    strncmp(dir, "cartographies/", 14) == 0 ? dt->cartos :
	    strncmp(dir, "annuaire/", 9) == 0 ? 0 : dt->pages;
	return doubt ? LINK_UNSURE : LINK_BROKEN;
}

/* Where url, written in the page of slug from (NULL: outside a page, only
 * root-relative links are resolved), leads: *path is set to its path from
 * the root ("methodologie/", "assets/style.css"). */
static enum target resolve(const struct site *s, const char *from, const char *url, struct buf *path,
    size_t *suffix, const struct doubt *dt)
{
	if (!*url || url[0] == '#' || url[0] == '?' || has_scheme(url) || strncmp(url, "//", 2) == 0 ||
	    (!from && url[0] != '/'))
		return LINK_AWAY;
	struct buf base = BUF_INIT;
	if (from && *from)
		buf_printf(&base, "%s/", from);
	enum target t = normalise(base.data, url, path, suffix);
	buf_release(&base);
	if (t == LINK_OUTSIDE)
		return t;
	if (path->len >= 10 && strcmp(path->data + path->len - 10, "index.html") == 0 &&
	    (path->len == 10 || path->data[path->len - 11] == '/'))
		buf_truncate(path, path->len - 10);
	const char *last = strrchr(path->data, '/');
	last = last ? last + 1 : path->data;
	if (*last && !strchr(last, '.'))
		buf_putc(path, '/');	/* "methodologie" is the folder's page */
	if (path->len == 0 || path->data[path->len - 1] == '/') {
		buf_truncate(path, path->len ? path->len - 1 : 0);
		enum target page = page_at(s, path->data, dt);
		if (path->len)
			buf_putc(path, '/');
		return page;
	}
	/* A file: the theme's assets are known; carto's own files (data,
	 * documents, workbooks, feed) are trusted to exist. */
	if (strncmp(path->data, "assets/", 7) == 0)
		return theme_has_asset(s->root, s->share, s->theme, path->data + 7) ? LINK_FOUND : LINK_BROKEN;
	static const char *const made[] = { "data/", "pdf/", "xlsx/", "recherche/", "cartographies/",
		"referentiels/", "feed.xml", "sitemap.xml", "robots.txt" };
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if (strncmp(path->data, made[i], strlen(made[i])) == 0)
			return LINK_FOUND;
	return LINK_BROKEN;
}

/* Past this many broken links in one file, the rest are counted in one
 * warning: a generated page with thousands of them stays readable. */
#define LINKS_REPORTED 10

struct seen {
	const struct site *s;
	const struct doubt *dt;
	const char *file, *slug;
	struct diags *d;
	struct buf path;
	size_t broken;		/* in the current file */
	uint32_t line, col;	/* of the first one left unreported */
};

static void check_one(void *ctx, const char *url, uint32_t line, uint32_t col)
{
	struct seen *sn = ctx;
	size_t suffix;
	if (!url_is_link(url))
		return;		/* refused by md_lint, which says so */
	enum target t = resolve(sn->s, sn->slug, url, &sn->path, &suffix, sn->dt);
	if (t == LINK_BROKEN || t == LINK_OUTSIDE) {
		if (++sn->broken == LINKS_REPORTED + 1)
			sn->line = line, sn->col = col;
		if (sn->broken > LINKS_REPORTED)
			return;
	}
	if (t == LINK_BROKEN)
		diag_add(sn->d, sn->file, line, col, DIAG_WARNING,
		    "link '%.80s' leads to '%.80s', a page or file the build does not make", url, sn->path.data);
	else if (t == LINK_OUTSIDE)
		diag_add(sn->d, sn->file, line, col, DIAG_WARNING,
		    "link '%.80s' goes above the site's root", url);
}

static void check_text(struct seen *sn, const char *file, const char *slug,
    const struct md_doc *doc, const struct diag_text *at)
{
	sn->file = file;
	sn->slug = slug;
	sn->broken = 0;
	md_doc_links(doc, at, check_one, sn);
	if (sn->broken > LINKS_REPORTED)
		diag_add(sn->d, file, sn->line, sn->col, DIAG_WARNING,
		    "%zu more links from here on lead to no page or file of the build",
		    sn->broken - LINKS_REPORTED);
}

/* A menu is on every page: an entry that leads nowhere is a broken link on
 * each of them, so it is an error, at its line of site.yaml. Its URL is
 * written from the site's root (site_read refuses '/' and ".."). */
static void check_menus(const struct site *s, const struct doubt *dt, struct diags *d, struct buf *path)
{
	for (size_t i = 0; i < s->n_menus; i++)
		for (size_t k = 0; k < s->menus[i].n; k++) {
			const struct menu_item *mi = &s->menus[i].v[k];
			size_t suffix;
			if (mi->url && url_is_link(mi->url) &&
			    resolve(s, "", mi->url, path, &suffix, dt) == LINK_BROKEN)
				diag_add(d, mi->file, mi->line, mi->col, DIAG_ERROR,
				    "menu url '%.80s' leads to '%.80s', a page or file the build does not make",
				    mi->url, path->data);
		}
}

void html_links_check(const struct site *s, struct diags *d, size_t loaded)
{
	struct diags ld = *d;	/* the load's alone: a view, not a copy */
	ld.n = loaded < d->n ? loaded : d->n;
	struct doubt dt = { load_refused(s, &ld, "content/pages"), load_refused(s, &ld, "content/organismes"),
		load_refused(s, &ld, "content/cartographies"), load_refused(s, &ld, "referentiels") };
	struct seen sn = { s, &dt, NULL, NULL, d, BUF_INIT, 0, 0, 0 };
	for (size_t i = 0; i < s->n_pages; i++) {
		struct diag_text body = { s->pages[i]->body_line, 1, 1, DIAG_TEXT_LINES };
		check_text(&sn, s->pages[i]->file, s->pages[i]->slug, s->pages[i]->doc, &body);
	}
	/* An introduction is shown on several pages: root-relative links only. */
	for (size_t i = 0; i < s->n_cartographies; i++)
		if (s->cartographies[i]->introduction) {
			struct md_doc *doc = md_parse(s->cartographies[i]->introduction);
			check_text(&sn, s->cartographies[i]->file, NULL, doc,
			    &s->cartographies[i]->introduction_at);
			md_doc_free(doc);
		}
	check_menus(s, &dt, d, &sn.path);
	buf_release(&sn.path);
}

const char *html_links_rewrite(struct pctx *c, const char *from, const char *url)
{
	struct buf path = BUF_INIT;
	size_t suffix;
	enum target t = resolve(c->s, from, url, &path, &suffix, NULL);
	const char *to = NULL;
	/* A root-relative link that leads nowhere is still made relative: it
	 * then points inside the site, not at the server's root. */
	if (t == LINK_FOUND || (t == LINK_BROKEN && url[0] == '/'))
		to = html_fmt(c, "%s%s", html_link(c, path.data), url + suffix);
	buf_release(&path);
	return to;
}
