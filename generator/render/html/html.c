/*
 * The HTML stage's driver: makes the list of pages, renders them on a pool of
 * threads (each with its own arena and buffers; the model and the parsed
 * templates are shared read-only), and writes feed, sitemap and search
 * index. Start at html_render.
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
#include "../../data/index.h"
#include "../../text/template.h"
#include "../publish.h"
#include "../svgmap.h"
#include "../theme.h"
#include "html_page.h"
#include "html_carto.h"
#include "html_views.h"
#include "html_extra.h"

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
	j->v[j->n++] = (struct pjob){ k, item, key };
}

static int cmp_commune(const void *a, const void *b)
{
	return strcmp((*(const struct commune *const *)a)->code, (*(const struct commune *const *)b)->code);
}

/* A cartography's pages: the whole, each département when asked, and, for a
 * view too large to list its offers, a page per commune of it, plus the data
 * its facets load. The index's ranges give the rows of every view. */
static void carto_jobs(const struct site *s, const struct cartographie *c, struct jobs *j)
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
	if (nc)
		qsort(coms, nc, sizeof(*coms), cmp_commune);
	add_job(j, P_CARTO, c, NULL);
	add_job(j, P_CARTO_PARCOURS, c, NULL);
	int any_large = html_carto_large(total);
	if (any_large)
		add_job(j, P_CARTO_DATA, c, NULL);
	for (size_t d = 0; c->par_departement && d < s->geo.n_departements && d < 16; d++) {
		add_job(j, P_CARTO, c, s->geo.departements[d].code);
		if (html_carto_large(per_dep[d])) {
			add_job(j, P_CARTO_DATA, c, s->geo.departements[d].code);
			any_large = 1;
		}
	}
	/* Commune pages for every commune of a large view. */
	for (size_t i = 0; any_large && i < nc; i++) {
		if (i && coms[i] == coms[i - 1])
			continue;
		size_t d;
		for (d = 0; d < s->geo.n_departements && strcmp(s->geo.departements[d].code, coms[i]->dep); d++)
			;
		if (!html_carto_large(total) && !(d < 16 && html_carto_large(per_dep[d])))
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

static void list_jobs(const struct site *s, const struct html_opts *o, struct jobs *j)
{
	add_job(j, P_HOME, NULL, NULL);
	int webinars = 0;
	for (size_t i = 0; i < s->n_pages; i++) {
		if (s->pages[i]->slug[0] && (o->drafts || !s->pages[i]->brouillon))
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
		carto_jobs(s, s->cartographies[i], j);
	add_job(j, P_SEARCH, NULL, NULL);
	add_job(j, P_DATA, NULL, NULL);
	add_job(j, P_404, NULL, NULL);
}

/* ---- rendering on threads ---- */

struct shared {
	const struct site *s;
	const struct page **articles;
	size_t n_articles;
	struct strmap by_folder;
	int drafts;
	struct svgmap map;
	const struct theme *theme;
	struct publish *p;
	struct jobs *jobs;
	atomic_size_t next;
	atomic_int failed;
};

struct worker {
	pthread_t th;
	struct shared *sh;
	struct diags d;
	double carto_ms;	/* time spent on cartography pages, for the bench */
	size_t carto_pages;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Sorts the articles once, and groups them by the folder they are in. */
static void index_articles(struct shared *sh, const struct site *s, int drafts)
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
 * inside <pre>, where they may be content). In place, one pass. */
static void strip_trailing(struct buf *b)
{
	size_t w = 0, pending = 0;
	int pre = 0;
	for (size_t r = 0; r < b->len; r++) {
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

static void render_job(struct worker *w, struct pctx *c, const struct pjob *j,
    struct buf *out)
{
	const char *tname = NULL, *path = NULL;
	struct view *v = html_view(c, j, &tname, &path);
	const struct tpl *t = theme_get(w->sh->theme, tname);
	struct tpl_lookup l = { lookup_tpl, (void *)w->sh->theme, 1 };
	buf_reset(out);
	if (!t) {
		diag_add(&w->d, "themes", 0, 0, DIAG_ERROR, "the theme has no template '%s'", tname);
		w->sh->failed = 1;
		return;
	}
	int rc = tpl_render(t, v, &l, out, &w->d);
	strip_trailing(out);
	if (rc < 0 || publish_write(w->sh->p, path, out->data, out->len) < 0)
		w->sh->failed = 1;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct arena a = ARENA_INIT;
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	for (;;) {
		size_t i = atomic_fetch_add(&w->sh->next, 1);
		if (i >= w->sh->jobs->n || w->sh->failed)
			break;
		struct pctx c = { w->sh->s, &a, &tmp, "", 0, w->sh->articles, w->sh->n_articles,
			&w->sh->by_folder, w->sh->drafts, &w->sh->map, w->sh->p->tmp };
		const struct pjob *job = &w->sh->jobs->v[i];
		double t0 = now_ms();
		render_job(w, &c, job, &out);
		if (job->kind == P_CARTO || job->kind == P_CARTO_DATA) {
			w->carto_ms += now_ms() - t0;
			w->carto_pages++;
		}
		arena_reset(&a);
	}
	arena_free(&a);
	buf_release(&out);
	buf_release(&tmp);
	return NULL;
}

int html_render(const struct site *s, const struct html_opts *o, struct publish *p,
    struct diags *d)
{
	struct theme theme;
	memset(&theme, 0, sizeof(theme));
	if (theme_load(&theme, s->root, s->theme, d) < 0) {
		theme_free(&theme);
		return -1;
	}
	struct jobs jobs = { .v = NULL };
	list_jobs(s, o, &jobs);
	struct shared sh;
	memset(&sh, 0, sizeof(sh));
	sh.s = s;
	sh.theme = &theme;
	sh.p = p;
	sh.jobs = &jobs;
	sh.drafts = o->drafts;
	index_articles(&sh, s, o->drafts);
	svgmap_build(&sh.map, &s->geo);
	int n = o->jobs > 0 ? o->jobs : 1;
	struct worker *w = xcalloc((size_t)n, sizeof(*w));
	for (int i = 0; i < n; i++) {
		w[i].sh = &sh;
		if (i > 0 && pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
			n = i;
			break;
		}
	}
	work(&w[0]);
	double carto_ms = 0;
	size_t carto_pages = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			pthread_join(w[i].th, NULL);
		diags_merge(d, &w[i].d);
		carto_ms += w[i].carto_ms;
		carto_pages += w[i].carto_pages;
	}
	if (getenv("CARTO_TIMING"))
		fprintf(stderr, "carto: cartographies %zu files %.1f ms (summed over threads)\n",
		    carto_pages, carto_ms);
	free(w);
	free(jobs.v);
	for (size_t i = 0; i < jobs.nkeys; i++)
		free(jobs.keys[i]);
	free(jobs.keys);
	for (size_t i = 0; i < sh.by_folder.cap; i++)
		if (sh.by_folder.slots[i].key) {
			free((void *)sh.by_folder.slots[i].key);
			free(((struct ptrs *)sh.by_folder.slots[i].val)->v);
			free(sh.by_folder.slots[i].val);
		}
	strmap_free(&sh.by_folder);
	svgmap_free(&sh.map);
	free(sh.articles);
	int rc = sh.failed ? -1 : 0;
	if (rc == 0 && (theme_copy_assets(&theme, p) < 0 || html_extras(s, o, p) < 0))
		rc = -1;
	theme_free(&theme);
	return rc;
}
