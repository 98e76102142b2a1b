/*
 * The HTML stage's driver: makes the list of pages, renders them on the job
 * pool (each worker with its own arena and buffers; the model and the parsed
 * templates are shared read-only), and writes feed, sitemap and search
 * index. Start at html_backend, at the end.
 */
#include "../html.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../base/diag.h"
#include "../../base/mem.h"
#include "../../base/pool.h"
#include "../../data/index.h"
#include "../../data/load.h"
#include "../../text/template.h"
#include "../backend.h"
#include "../cache.h"
#include "../publish.h"
#include "../svgmap.h"
#include "../theme.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_views.h"
#include "html_extra.h"
#include "html_legal.h"
#include "html_parcours.h"

/* ---- the page list ---- */

struct jobs {
	struct pjob *v;
	size_t n, cap;
	char **keys;		/* keys made for the list, freed with it */
	size_t nkeys;
	struct page webinars;	/* the list of webinars, when no page is */
};

static void add_job(struct jobs *j, enum pkind k, const void *item, const char *key)
{
	j->v = xgrow(j->v, &j->cap, j->n + 1, sizeof(*j->v));
	j->v[j->n++] = (struct pjob){ k, item, key, 0, NULL };
}

static int cmp_commune(const void *a, const void *b)
{
	return strcmp((*(const struct commune *const *)a)->code, (*(const struct commune *const *)b)->code);
}

/* A cartography's pages: the whole, each département when asked, a page per
 * commune of it, and, when a view is too large to list its offers, the data
 * its facets load. The index's ranges give the rows of every view. */
static void carto_jobs(const struct site *s, const struct cartographie *c,
    const struct rowref *clea, size_t n_clea, struct jobs *j)
{
	size_t n, per_dep[16] = { 0 }, nc = 0;
	const struct rowref *r = index_rows(s, c, NULL, &n);
	const struct commune **coms = xmalloc((n + 1) * sizeof(*coms));
	for (size_t d = 0; d < s->geo.n_departements && d < 16; d++)
		index_rows(s, c, s->geo.departements[d].code, &per_dep[d]);
	/* The rows placed in a commune; commune pages come in code order. */
	for (size_t i = 0; i < n; i++)
		if (r[i].l->commune)
			coms[nc++] = r[i].l->commune;
	size_t total = nc;
	xqsort(coms, nc, sizeof(*coms), cmp_commune);
	add_job(j, P_CARTO, c, NULL);
	add_job(j, P_CARTO_PARCOURS, c, NULL);
	/* The rows of its steps, a piece a département. */
	const char **deps = xmalloc((s->geo.n_departements + 1) * sizeof(*deps));
	for (size_t d = 0, nd = html_parcours_deps(s, c, clea, n_clea, deps); d < nd; d++)
		add_job(j, P_CARTO_PARCOURS, c, deps[d]);
	free(deps);
	int any_large = html_carto_large(total);
	for (size_t d = 0; c->par_departement && d < s->geo.n_departements && d < 16; d++) {
		add_job(j, P_CARTO, c, s->geo.departements[d].code);
		any_large |= html_carto_large(per_dep[d]);
	}
	/* The data of the large views: a piece per département of the rows,
	 * shared by the cartography's page and the département's, and its
	 * runs of rows. */
	for (size_t i = 0, from = 0; any_large && i < n; i++) {
		if (i == 0 || strcmp(r[i].l->dep, r[i - 1].l->dep) != 0) {
			add_job(j, P_CARTO_DATA, c, r[i].l->dep);
			from = i;
		}
		if ((i - from) % CARTO_BLOC == 0) {
			char *key = xmalloc(32);
			snprintf(key, 32, "%s-%zu", r[i].l->dep, (i - from) / CARTO_BLOC);
			j->keys = xrealloc(j->keys, (j->nkeys + 1) * sizeof(char *));
			j->keys[j->nkeys++] = key;
			add_job(j, P_CARTO_DATA, c, key);
		}
	}
	/* A page for every commune of the view: its offers, then the nearest
	 * ones around it (what "Près de…" gives without JavaScript). */
	for (size_t i = 0; i < nc; i++) {
		if (i && coms[i] == coms[i - 1])
			continue;
		add_job(j, P_CARTO, c, coms[i]->code);
		size_t run = 1;
		while (i + run < nc && coms[i + run] == coms[i])
			run++;
		for (size_t p = 2; html_carto_large(run) && (p - 1) * CARTO_LIST_MAX < run; p++) {
			char *key = xmalloc(16);
			snprintf(key, 16, "%s-%zu", coms[i]->code, p);
			j->keys = xrealloc(j->keys, (j->nkeys + 1) * sizeof(char *));
			j->keys[j->nkeys++] = key;
			add_job(j, P_CARTO, c, key);
		}
	}
	free(coms);
}

static void list_jobs(const struct site *s, int drafts, struct rowref *const *clea,
    const size_t *n_clea, struct jobs *j)
{
	add_job(j, P_HOME, NULL, NULL);
	int webinars = 0;
	for (size_t i = 0; i < s->n_pages; i++) {
		if (s->pages[i]->slug[0] && (drafts || !s->pages[i]->brouillon))
			add_job(j, P_PAGE, s->pages[i], NULL);
		webinars |= s->pages[i]->type == PAGE_WEBINAIRE;
	}
	/* Webinars are listed at webinaires/: by the page of that slug when the
	 * site has one (with its own introduction), else by a page of its own. */
	if (webinars && !strmap_get(&s->pages_by_slug, "webinaires")) {
		j->webinars = (struct page){ .file = "", .slug = "webinaires", .titre = "Webinaires",
			.resume = "Les webinaires d'information : à venir, et les enregistrements des précédents.",
			.body = "", .web_debut = -1, .menu_ordre = -1 };
		add_job(j, P_PAGE, &j->webinars, NULL);
	}
	for (size_t i = 0; i < s->n_organismes; i++)
		add_job(j, P_ORG, s->organismes[i], NULL);
	add_job(j, P_DIRECTORY, NULL, NULL);
	for (size_t i = 0; i < s->geo.n_departements; i++)
		add_job(j, P_DEP, NULL, s->geo.departements[i].code);
	for (size_t i = 0; i < s->n_referentiels; i++)
		add_job(j, P_REF, s->referentiels[i], NULL);
	add_job(j, P_REFS, NULL, NULL);
	for (size_t i = 0; i < s->n_cartographies; i++)
		carto_jobs(s, s->cartographies[i], clea[i], n_clea[i], j);
	if (s->n_cartographies)
		add_job(j, P_CARTO_DATA, NULL, NULL);	/* the communes of "Près de…" */
	add_job(j, P_SEARCH, NULL, NULL);
	add_job(j, P_DATA, NULL, NULL);
	for (size_t i = 0; i < HTML_LEGAL_N; i++)
		if (html_legal_generated(s, drafts, i)) {
			add_job(j, P_LEGAL, NULL, NULL);
			j->v[j->n - 1].which = i;
		}
	add_job(j, P_404, NULL, NULL);
}

/* The pages for sitemap.xml, in the order of the list: every HTML page but
 * the 404 page, at its URL ("x/" for "x/index.html"), with the date of its
 * content when it has one. Paths stay owned by the jobs. */
static size_t sitemap_urls(const struct jobs *j, struct html_url *u)
{
	size_t n = 0;
	for (size_t i = 0; i < j->n; i++) {
		const struct pjob *jb = &j->v[i];
		if (!jb->path || jb->kind == P_404 || jb->kind == P_CARTO_DATA ||
		    (jb->kind == P_CARTO_PARCOURS && jb->key))
			continue;
		size_t len = strlen(jb->path);
		if (len >= 10 && strcmp(jb->path + len - 10, "index.html") == 0)
			len -= 10;
		int date = jb->kind == P_PAGE ? ((const struct page *)jb->item)->date
		    : jb->kind == P_ORG ? ((const struct organisme *)jb->item)->mise_a_jour : 0;
		u[n++] = (struct html_url){ jb->path, len, date };
	}
	return n;
}

/* ---- rendering on the pool ---- */

/* What the page jobs share, read-only while they run, and each worker's
 * tally of cartography pages for the benchmark. */
struct html {
	const struct site *s;
	const struct page **articles;
	size_t n_articles;
	struct strmap by_folder;
	int drafts;
	struct svgmap map;
	struct theme theme;
	struct publish *p;
	struct jobs jobs;
	struct tally {
		double carto_ms;
		size_t carto_pages;
	} *tally;
	struct cache *cache;
	size_t search_groups[4];	/* html_search_index's: groups indexed
					 * again, all; files put back, all */
	struct digest pages;		/* every page's file, for the cache's keys */
	struct carto_keys **ckeys;	/* per cartography: html_carto_key's */
	struct parcours_keys **pkeys;	/* per cartography: html_parcours_key's */
	struct rowref **clea;		/* per cartography: its CléA rows, found once
					 * (html_parcours_clea: every offer of the site) */
	size_t *n_clea;
	struct carto_names *names;	/* the organisations' names as numbers */
	struct parcours_step **steps;	/* per cartography: its parcours steps */
	size_t *n_steps;
	/* What the cartographies' jobs share (the base maps; per cartography
	 * its keys and steps) is prepared by jobs of the pool (prep_job),
	 * claimed before any page, so that it runs beside the pages put back
	 * rather than before the pool; a cartography's job waits until every
	 * one is done (wait_prepared). */
	size_t n_prep;
	atomic_size_t prepared;		/* prep_jobs done */
	atomic_int map_ready;		/* prep_job 0 done: any page may draw a map */
	pthread_mutex_t prep_lock;
	pthread_cond_t prep_done;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Sorts the articles once, and groups them by the folder they are in. */
static void index_articles(struct html *sh, const struct site *s, int drafts)
{
	sh->articles = xmalloc((s->n_pages + 1) * sizeof(*sh->articles));
	sh->n_articles = html_articles(s, sh->articles, s->n_pages, drafts);
	for (size_t i = 0; i < sh->n_articles; i++) {
		const char *slug = sh->articles[i]->slug, *sl = strrchr(slug, '/');
		if (!sl)
			continue;
		char *folder = xstrndup(slug, (size_t)(sl - slug));
		struct ptrs *l = strmap_get(&sh->by_folder, folder);
		if (!l) {
			l = xcalloc(1, sizeof(*l));
			strmap_put(&sh->by_folder, folder, l);
		} else
			free(folder);
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = sh->articles[i];
	}
}

static const struct tpl *lookup_tpl(void *ud, const char *name)
{
	return theme_get(ud, name);
}

/* Removes spaces left at the end of lines by template indentation (not
 * inside <pre>, where they may be content). In place, one pass, which
 * copies the runs of bytes that are none of ' ', '\t', '\n' and '<' whole
 * (b is NUL-terminated; a NUL inside ends a run early, harmlessly). */
static void strip_trailing(struct buf *b)
{
	size_t w = 0, pending = 0;
	int pre = 0;
	for (size_t r = 0; r < b->len; r++) {
		size_t run = strcspn(b->data + r, " \t\n<");
		if (run > b->len - r)
			run = b->len - r;
		if (run) {
			for (; pending; pending--)	/* spaces inside a line: kept */
				b->data[w++] = b->data[r - pending];
			memmove(b->data + w, b->data + r, run);
			w += run;
			if ((r += run) == b->len)
				break;
		}
		char ch = b->data[r];
		if (ch == '<' && (strncmp(b->data + r, "<pre", 4) == 0 || strncmp(b->data + r, "</pre", 5) == 0))
			pre = b->data[r + 1] != '/';
		if ((ch == ' ' || ch == '\t') && !pre) {
			pending++;
			continue;
		}
		if (ch != '\n' || pre)
			while (pending) {
				b->data[w++] = b->data[r - pending];
				pending--;
			}
		pending = 0;
		b->data[w++] = ch;
	}
	b->len = w;
	b->data[w] = '\0';
}

static int render_job(struct html *h, struct pool_worker *w, struct pctx *c,
    struct pjob *j)
{
	const char *tname = "page", *path = NULL;
	struct view *v = j->kind == P_LEGAL ? html_legal_page(c, j->which, &path)
	    : html_view(c, j, &tname, &path);
	j->path = xstrdup(path);	/* each job is one worker's: no lock */
	const struct tpl *t = theme_get(&h->theme, tname);
	struct tpl_lookup l = { lookup_tpl, (void *)&h->theme, 1 };
	struct buf *out = &w->out;
	buf_reset(out);
	if (!t) {
		diag_add(&w->d, "themes", 0, 0, DIAG_ERROR, "the theme has no template '%s'", tname);
		return -1;
	}
	int rc = tpl_render(t, v, &l, out, &w->d);
	strip_trailing(out);
	if (rc < 0 || publish_write(h->p, path, out->data, out->len) < 0)
		return -1;
	return 0;
}

/* The cache's key of an organisation's page (cache.h): the organisation
 * and those of its suites, the theme, the pages (their links and the
 * legal pages the frame links), the date of the newest data; the sizes of
 * the files it links (its fiche) are checked by the cache itself. */
static struct digest_ctx *org_key(const struct html *h, const struct organisme *o)
{
	struct digest_ctx *k = cache_key(h->cache, "html-org", o->id.s);
	cache_key_org(k, o);
	cache_key_suites(k, o);
	digest_fold(k, &h->theme.src);
	digest_fold(k, &h->pages);
	digest_num(k, h->s->last_update);
	return k;
}

/* The cache's key of a cartography's page or data piece: what it reads of
 * the rows (what its parcours page prints, a département's rows for each
 * parcours piece, the site's CléA offers among them: html_parcours_key;
 * what the cartography's page prints of them: html_carto_page_key; a
 * département's rows for its page and data, a run's for its data, a
 * commune's and those around it for its page: html_carto_key), the theme,
 * the pages, the date of the newest data. The sizes of the booklets and
 * workbooks it links are checked by the cache itself, as shown
 * (publish_shown). */
static struct digest_ctx *carto_key(const struct html *h, struct pctx *c, const struct pjob *j)
{
	const struct cartographie *ca = j->item;
	size_t i = 0;
	while (i < h->s->n_cartographies && h->s->cartographies[i] != ca)
		i++;
	struct digest_ctx *k = cache_key(h->cache, "html-carto", ca->id.s);
	digest_num(k, j->kind);
	digest_str(k, j->key);
	if (j->kind == P_CARTO_PARCOURS)
		html_parcours_key(k, h->s, ca, h->pkeys[i], j->key);
	else if (j->kind == P_CARTO && !j->key)
		html_carto_page_key(k, c, h->cache, ca, h->ckeys[i]);
	else
		html_carto_key(k, h->s, ca, h->ckeys[i], j->kind == P_CARTO_DATA, j->key);
	digest_fold(k, &h->theme.src);
	digest_fold(k, &h->pages);
	digest_num(k, h->s->last_update);
	return k;
}

/* The cache's key of a département's directory page (annuaire/<dep>/,
 * dep_page in html_views.c): the communes of the département that have
 * organisations, in order (code and name), each one's organisations in
 * order (cache_key_org: the page prints their names, ids and numbers of
 * offers, all read from their part of their file; their lieux place them
 * there); the theme, the pages (the frame's links and legal mention) and
 * the date of the newest data (the frame's), as an organisation's page. An
 * organisation changed renders the pages of the départements of its lieux,
 * not the others. */
static struct digest_ctx *dep_key(const struct html *h, const char *code)
{
	const struct site *s = h->s;
	struct digest_ctx *k = cache_key(h->cache, "html-dep", code);
	const struct ptrs *in = strmap_get(&s->communes_by_dep, code);
	digest_num(k, in ? (long long)in->n : -1);
	for (size_t i = 0; in && i < in->n; i++) {
		const struct commune *cm = in->v[i];
		const struct ptrs *l = strmap_get(&s->orgs_by_commune, cm->code);
		digest_str(k, cm->code);
		digest_str(k, cm->nom);
		digest_num(k, l ? (long long)l->n : -1);
		for (size_t j = 0; l && j < l->n; j++)
			cache_key_org(k, l->v[j]);
	}
	digest_fold(k, &h->theme.src);
	digest_fold(k, &h->pages);
	digest_num(k, s->last_update);
	return k;
}

/* The cache's key of any other page (the home page, the site's pages, the
 * directory's first page, the référentiels, the search and data pages, the
 * legal pages, the territory's data of "Près de…"): they list many organisations or
 * pages, or embed live views of the data, so their key is every file of
 * the site, with the theme and the job's place in the list (the same
 * files make the same list). A rebuild with nothing changed puts them
 * back; any change renders them. */
static struct digest_ctx *other_key(const struct html *h, const struct pjob *j, size_t i)
{
	struct digest_ctx *k = cache_key(h->cache, "html-page", NULL);
	digest_num(k, j->kind);
	digest_num(k, (long long)i);
	digest_str(k, j->key);
	cache_key_model(k, h->s);
	digest_fold(k, &h->theme.src);
	return k;
}

static void wait_prepared(struct html *h, int all);

/* Prepares job i of the cartographies' shared state (struct html): 0 the
 * base maps and (with the cache) the names' numbers, i the keys (with the
 * cache: after job 0) and parcours steps of cartography i - 1. Each writes
 * only its own slots. */
static void prep_job(struct html *h, size_t i)
{
	const struct site *s = h->s;
	if (i == 0) {
		svgmap_build(&h->map, &s->geo);
		if (h->cache)
			h->names = html_carto_names_new(s);
	} else {
		size_t k = i - 1;
		const struct cartographie *ca = s->cartographies[k];
		if (h->cache) {
			wait_prepared(h, 0);	/* the names */
			h->pkeys[k] = html_parcours_keys_new(s, ca, h->clea[k], h->n_clea[k]);
			struct carto_row_facts rf = { html_parcours_keys_row, html_parcours_facts_size,
				html_parcours_facts_get, html_parcours_facts_set, h->pkeys[k] };
			h->ckeys[k] = html_carto_keys_new(s, ca, h->cache, h->names, &rf);
			html_parcours_keys_end(h->pkeys[k], ca);
		}
		h->steps[k] = html_parcours_steps(s, ca, h->clea[k], h->n_clea[k], h->pkeys[k], &h->n_steps[k]);
	}
	pthread_mutex_lock(&h->prep_lock);
	if (i == 0)
		atomic_store(&h->map_ready, 1);
	atomic_fetch_add(&h->prepared, 1);
	pthread_cond_broadcast(&h->prep_done);
	pthread_mutex_unlock(&h->prep_lock);
}

/* Waits until every prep_job is done (all), else the base maps (a page's
 * live view may draw one: html_embed.c). They were claimed before any page
 * (the pool hands out jobs in order, and a job claimed is run), so they
 * end without this worker. */
static void wait_prepared(struct html *h, int all)
{
#define PREPARED (all ? atomic_load(&h->prepared) == h->n_prep : atomic_load(&h->map_ready) != 0)
	if (PREPARED)
		return;
	pthread_mutex_lock(&h->prep_lock);
	while (!PREPARED)
		pthread_cond_wait(&h->prep_done, &h->prep_lock);
	pthread_mutex_unlock(&h->prep_lock);
#undef PREPARED
}

/* Job 0 of the pool is the search index (it reads no page: html_search_job),
 * claimed first so that the longest job of a rebuild runs beside the pages;
 * jobs 1 to n_prep prepare what the cartographies' pages share (prep_job);
 * job n_prep + 1 + i is page i. */
static int page_job(void *ctx, size_t at, struct pool_worker *w)
{
	struct html *h = ctx;
	if (at == 0)
		return html_search_job(h->s, h->drafts, h->p, h->cache, h->search_groups, &w->d);
	if (at <= h->n_prep) {
		prep_job(h, at - 1);
		return 0;
	}
	size_t i = at - 1 - h->n_prep;
	struct pctx c = { h->s, &w->scratch, &w->tmp, "", 0, h->articles, h->n_articles,
		&h->by_folder, h->drafts, &h->map, h->p, &h->theme, (const struct rowref *const *)h->clea,
		h->n_clea, (const struct parcours_step *const *)h->steps, h->n_steps };
	struct pjob *job = &h->jobs.v[i];
	int carto = (job->kind == P_CARTO || job->kind == P_CARTO_DATA || job->kind == P_CARTO_PARCOURS) &&
	    job->item;
	if (job->kind == P_CARTO || job->kind == P_CARTO_DATA || job->kind == P_CARTO_PARCOURS)
		wait_prepared(h, 1);
	struct cache_job cj = { 0 };
	int cached = h->cache != NULL;
	if (cached && cache_start(h->cache, h->p, &cj, carto ? carto_key(h, &c, job) :
	    job->kind == P_ORG ? org_key(h, job->item) : job->kind == P_DEP ? dep_key(h, job->key)
	    : other_key(h, job, i), &w->d) == 1) {
		job->path = cj.n_files ? xstrdup(cj.files[0].rel) : NULL;
		return 0;
	}
	double t0 = now_ms();
	wait_prepared(h, 0);
	int rc = render_job(h, w, &c, job);
	if (cached)
		cache_finish(h->cache, &cj, rc, &w->d);
	if (job->kind == P_CARTO || job->kind == P_CARTO_DATA) {
		h->tally[w->id].carto_ms += now_ms() - t0;
		h->tally[w->id].carto_pages++;
	}
	return rc;
}

/* ---- the backend ---- */

static void *html_new(const struct render_in *in)
{
	const struct site *s = in->s;
	struct html *h = xcalloc(1, sizeof(*h));
	h->s = s;
	h->drafts = in->o->drafts;
	h->cache = in->cache;
	struct digest_ctx *pages = digest_new();
	size_t prefix = load_shown_prefix(s);	/* the pages' paths in the site */
	for (size_t i = 0; i < s->n_pages; i++) {
		digest_str(pages, strlen(s->pages[i]->file) >= prefix ? s->pages[i]->file + prefix
		    : s->pages[i]->file);
		digest_fold(pages, &s->pages[i]->src);
	}
	h->pages = digest_end(pages);
	h->clea = xcalloc(s->n_cartographies + 1, sizeof(*h->clea));
	h->n_clea = xcalloc(s->n_cartographies + 1, sizeof(*h->n_clea));
	html_parcours_clea(s, h->clea, h->n_clea);
	h->ckeys = xcalloc(s->n_cartographies + 1, sizeof(*h->ckeys));
	h->pkeys = xcalloc(s->n_cartographies + 1, sizeof(*h->pkeys));
	h->steps = xcalloc(s->n_cartographies + 1, sizeof(*h->steps));
	h->n_steps = xcalloc(s->n_cartographies + 1, sizeof(*h->n_steps));
	h->n_prep = 1 + s->n_cartographies;	/* prep_job's */
	atomic_init(&h->prepared, 0);
	atomic_init(&h->map_ready, 0);
	pthread_mutex_init(&h->prep_lock, NULL);
	pthread_cond_init(&h->prep_done, NULL);
	list_jobs(s, h->drafts, h->clea, h->n_clea, &h->jobs);
	index_articles(h, s, h->drafts);
	return h;
}

/* Renders every page, then the theme's assets, feed, sitemap and search
 * index; template problems go to d. */
static int html_render(void *self, const struct render_in *in, struct publish *p,
    struct diags *d)
{
	struct html *h = self;
	const struct site *s = h->s;
	h->p = p;
	if (theme_load(&h->theme, s->root, s->share, s->theme, d) < 0)
		return -1;
	size_t n = h->jobs.n + 1 + h->n_prep;
	int nw = pool_workers(n, in->o->jobs);
	h->tally = xcalloc((size_t)nw, sizeof(*h->tally));
	int rc = pool_run(n, in->o->jobs, page_job, h, d, NULL);
	for (size_t i = 0; h->cache && i < s->n_cartographies; i++)
		html_carto_keys_save(h->ckeys[i], h->cache, &in->stats->near_lists,
		    &in->stats->near_found);
	for (int i = 0; i < nw; i++) {
		in->stats->carto_ms += h->tally[i].carto_ms;
		in->stats->carto_pages += h->tally[i].carto_pages;
	}
	in->stats->search_indexed = h->search_groups[0];
	in->stats->search_groups = h->search_groups[1];
	if (in->o->timing && h->search_groups[3])
		fprintf(stderr, "carto: search-files %zu of %zu put back\n", h->search_groups[2],
		    h->search_groups[3]);
	size_t kept = 0, rows = 0;
	for (size_t i = 0; h->cache && i < s->n_cartographies; i++)
		html_carto_keys_printed(h->ckeys[i], &kept, &rows);
	if (in->o->timing && rows)
		fprintf(stderr, "carto: html-printed %zu of %zu rows from the note\n", kept, rows);
	if (in->o->timing && h->map.n_deps)	/* drawn when a page asks (svgmap_dep) */
		fprintf(stderr, "carto: html-maps %zu of %zu drawn\n", svgmap_drawn(&h->map),
		    h->map.n_deps);
	struct html_url *urls = xmalloc((h->jobs.n + 1) * sizeof(*urls));
	size_t n_urls = sitemap_urls(&h->jobs, urls);
	if (rc == 0 && (theme_copy_assets(&h->theme, p, d) < 0 ||
	    html_extras(s, h->drafts, in->o->sitemap_max, urls, n_urls, p) < 0))
		rc = -1;
	free(urls);
	return rc;
}

static void html_free(void *self)
{
	struct html *h = self;
	free(h->tally);
	for (size_t i = 0; i < h->s->n_cartographies; i++) {
		html_carto_keys_free(h->ckeys[i]);
		html_parcours_keys_free(h->pkeys[i]);
		free(h->clea[i]);
		free(h->steps[i]);
	}
	free(h->steps);
	free(h->n_steps);
	free(h->ckeys);
	free(h->pkeys);
	free(h->clea);
	free(h->n_clea);
	for (size_t i = 0; i < h->jobs.n; i++)
		free(h->jobs.v[i].path);
	free(h->jobs.v);
	for (size_t i = 0; i < h->jobs.nkeys; i++)
		free(h->jobs.keys[i]);
	free(h->jobs.keys);
	for (size_t i = 0; i < h->by_folder.cap; i++)
		if (h->by_folder.slots[i].key) {
			free((void *)h->by_folder.slots[i].key);
			free(((struct ptrs *)h->by_folder.slots[i].val)->v);
			free(h->by_folder.slots[i].val);
		}
	strmap_free(&h->by_folder);
	svgmap_free(&h->map);
	html_carto_names_free(h->names);
	pthread_mutex_destroy(&h->prep_lock);
	pthread_cond_destroy(&h->prep_done);
	free(h->articles);
	theme_free(&h->theme);
	free(h);
}

const struct backend html_backend = { "html", html_new, html_render, html_free };
