/*
 * carto import lheo. Start at lheo_import: for each file, the territory and
 * the mapping table are read, then lheo_read streams the formations to
 * on_formation, which turns each action into one offer of the organisation of
 * its SIRET. Offers and lieux are rendered as YAML at once and appended to a
 * spool file; memory keeps only each organisation's identity and where its
 * fragments are in the spool, so it does not grow with the text of the file.
 * At the end, organisations are written sorted by id, each with its lieux and
 * offers in file order, into a temporary file renamed over the previous
 * import when every file was read without error.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../data/load.h"
#include "lheo.h"
#include "lheo_imp.h"

static const char *const skip_reasons[SK_N] = {
	"no valid SIRET for the organisation",
	"no intitule-formation",
	"lieu outside the territory",
	"no lieu with a commune",
	"no Formacode that maps to an offer type (referentiels/lheo.yaml)",
};

/* ---- output ---- */

static int cmp_org(const void *a, const void *b)
{
	return strcmp((*(struct org *const *)a)->id, (*(struct org *const *)b)->id);
}

#define FNV_START 1469598103934665603ull

/* FNV-1a over a block of the import file: how an organisation's block is
 * compared with the previous import (scan_blocks hashes the same bytes). */
static uint64_t fnv_add(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static int put(FILE *w, const char *p, size_t n, uint64_t *h)
{
	*h = fnv_add(*h, p, n);
	return fwrite(p, 1, n, w) == n ? 0 : -1;
}

/* Copies spooled fragments to w (pread: no stdio buffer to throw away at
 * each fragment). */
static int copy_frag(struct imp *im, const struct frag *f, FILE *w, struct buf *tmp, uint64_t *h)
{
	buf_reset(tmp);
	buf_grow(tmp, f->len);
	if (pread(fileno(im->spool), tmp->data, f->len, (off_t)f->off) != (ssize_t)f->len)
		return -1;
	return put(w, tmp->data, f->len, h);
}

/* Frags in the order of the file: by organisation, lieux first, then in the
 * order they were spooled. */
static int cmp_frag(const void *a, const void *b)
{
	const struct frag *x = a, *y = b;
	if (x->o->rank != y->o->rank)
		return x->o->rank < y->o->rank ? -1 : 1;
	if (x->lieu != y->lieu)
		return x->lieu ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void write_org_head(const struct org *o, struct buf *b)
{
	buf_printf(b, "  - id: %s\n    nom: ", o->id);
	lheo_yq(b, o->nom);
	buf_printf(b, "\n    siret: \"%s\"\n", o->siret);
	if (o->site_web) {
		buf_puts(b, "    site_web: ");
		lheo_yq(b, o->site_web);
		buf_putc(b, '\n');
	}
	struct contact_c c = { o->c_nom, o->c_tel, o->c_mail };
	lheo_write_contact(b, "    ", &c);
	buf_puts(b, "    lieux:\n");
}

static int write_file(struct imp *im, const char *path, const char *name, const char *version,
    int file_day)
{
	FILE *w = fopen(path, "w");
	if (!w)
		return -1;
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	int rc = 0;
	buf_printf(&b, "# Imported by `carto import lheo` from %s (LHÉO %s). Do not edit: the next\n"
	    "# import of that file rewrites this one. Hand edits belong in other files of\n"
	    "# content/organismes/ (a new organisation in its own file).\n", name, version);
	if (im->n_orgs)
		qsort(im->ov, im->n_orgs, sizeof(*im->ov), cmp_org);
	size_t written = 0;
	for (size_t i = 0; i < im->n_orgs; i++) {
		im->ov[i]->rank = (uint32_t)i;
		written += im->ov[i]->n_offres > 0;
	}
	if (im->n_frags)
		qsort(im->frags, im->n_frags, sizeof(*im->frags), cmp_frag);
	size_t fi = 0;
	buf_puts(&b, written ? "organismes:\n" : "organismes: []\n");
	fwrite(b.data, 1, b.len, w);
	if (fflush(im->spool) != 0)
		rc = -1;
	for (size_t i = 0; i < im->n_orgs && rc == 0; i++) {
		struct org *o = im->ov[i];
		if (!o->n_offres)
			continue;
		int maj = o->maj ? o->maj : file_day;
		if (maj > im->today)
			maj = im->today;
		o->hash = FNV_START;
		buf_reset(&b);
		write_org_head(o, &b);
		rc = put(w, b.data, b.len, &o->hash);
		for (; rc == 0 && fi < im->n_frags && im->frags[fi].o == o && im->frags[fi].lieu; fi++)
			rc = copy_frag(im, &im->frags[fi], w, &tmp, &o->hash);
		if (rc == 0)
			rc = put(w, "    offres:\n", 12, &o->hash);
		for (; rc == 0 && fi < im->n_frags && im->frags[fi].o == o; fi++)
			rc = copy_frag(im, &im->frags[fi], w, &tmp, &o->hash);
		buf_reset(&b);
		buf_printf(&b, "    meta:\n      source: import-lheo\n      mise_a_jour: %04d-%02d-%02d\n",
		    maj / 10000, maj / 100 % 100, maj % 100);
		if (rc == 0)
			rc = put(w, b.data, b.len, &o->hash);
	}
	if (fflush(w) != 0 || ferror(w) || fsync(fileno(w)) < 0)
		rc = -1;
	if (fclose(w) != 0)
		rc = -1;
	buf_release(&b);
	buf_release(&tmp);
	return rc;
}

/* The organisations of an import file: id -> hash of its block ("  - id: "
 * to the next). Reads our own output, line by line. */
static void scan_blocks(const char *path, struct strmap *out, struct arena *a)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t *h = NULL;
	while (f && (n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "  - id: ", 8) == 0) {
			h = arena_alloc(a, sizeof(*h));
			*h = FNV_START;
			strmap_set(out, arena_strndup(a, line + 8, strcspn(line + 8, "\n")), h);
		} else if (line[0] != ' ')
			h = NULL;
		if (h)
			*h = fnv_add(*h, line, (size_t)n);
	}
	free(line);
	if (f)
		fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lists the keys of a that are missing from b (or, with changed, present
 * with another hash), sorted, the first five by name. */
static size_t diff_keys(const struct strmap *a, const struct strmap *b, int changed, struct buf *out)
{
	const char **v = xmalloc((a->n + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < a->cap; i++) {
		const struct strmap_slot *s = &a->slots[i];
		if (!s->key)
			continue;
		const uint64_t *o = strmap_get(b, s->key);
		if (changed ? o && *o != *(const uint64_t *)s->val : !o)
			v[n++] = s->key;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n && i < 5; i++)
		buf_printf(out, "%s%s", i ? ", " : " (", v[i]);
	if (n > 5)
		buf_puts(out, ", …");
	if (n)
		buf_putc(out, ')');
	free(v);
	return n;
}

static void summary(struct imp *im, const char *outname, const char *prev, FILE *out)
{
	size_t orgs = 0, skipped = 0;
	for (size_t i = 0; i < im->n_orgs; i++)
		orgs += im->ov[i]->n_offres > 0;
	for (size_t i = 0; i < SK_N; i++)
		skipped += im->skipped[i];
	fprintf(out, "%s -> %s: %zu organisation%s, %zu offer%s, %zu lieu%s, %zu session%s "
	    "(%zu formation%s, %zu action%s read)\n", im->shown, outname, orgs, diag_plural(orgs),
	    im->offres, diag_plural(im->offres), im->lieux, im->lieux == 1 ? "" : "x", im->sessions,
	    diag_plural(im->sessions), im->formations, diag_plural(im->formations), im->actions,
	    diag_plural(im->actions));
	if (skipped)
		fprintf(out, "  skipped: %zu action%s\n", skipped, diag_plural(skipped));
	for (size_t i = 0; i < SK_N; i++) {
		if (!im->skipped[i])
			continue;
		fprintf(out, "    %zu: %s (line", im->skipped[i], skip_reasons[i]);
		for (size_t k = 0; k < im->skipped[i] && k < SKIP_LINES; k++)
			fprintf(out, "%s %u", k ? "," : "", im->skip_lines[i][k]);
		fprintf(out, "%s)\n", im->skipped[i] > SKIP_LINES ? ", …" : "");
	}
	struct strmap a = STRMAP_INIT, b = STRMAP_INIT;
	struct arena ar = ARENA_INIT;
	int had = fs_exists(prev);
	scan_blocks(prev, &a, &ar);
	for (size_t i = 0; i < im->n_orgs; i++)
		if (im->ov[i]->n_offres)
			strmap_set(&b, im->ov[i]->id, &im->ov[i]->hash);
	if (!had)
		fprintf(out, "  first import of this file\n");
	else {
		struct buf x = BUF_INIT, c = BUF_INIT, r = BUF_INIT;
		size_t na = diff_keys(&b, &a, 0, &x), nc = diff_keys(&b, &a, 1, &c), nr = diff_keys(&a, &b, 0, &r);
		fprintf(out, "  since the previous import: %zu added%s, %zu changed%s, %zu removed%s\n",
		    na, x.data, nc, c.data, nr, r.data);
		buf_release(&x);
		buf_release(&c);
		buf_release(&r);
	}
	strmap_free(&a);
	strmap_free(&b);
	arena_free(&ar);
}

/* ---- driver ---- */

struct job {
	const char *xml;
	struct buf out, tmp, name;	/* the import file, its temporary, its name shown */
	struct imp im;
};

static void imp_free(struct imp *im)
{
	free(im->ov);
	free(im->frags);
	strmap_free(&im->lieu_ids);
	strmap_free(&im->ids);
	strmap_free(&im->orgs);
	arena_free(&im->a);
	arena_free(&im->fa);
	buf_release(&im->y);
	if (im->spool)
		fclose(im->spool);
}

/* The day of the file's last change, the mise_a_jour of organisations whose
 * export carries no horodatage. */
static int file_day(const char *path)
{
	struct stat st;
	struct tm tm;
	if (stat(path, &st) < 0 || !gmtime_r(&st.st_mtime, &tm))
		return 0;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int run_job(struct job *j, const char *site, const struct lheo_map *map,
    const struct site *terr, int today, struct diags *d)
{
	struct imp *im = &j->im;
	const char *base = strrchr(j->xml, '/');
	base = base ? base + 1 : j->xml;
	struct buf stem = BUF_INIT;
	const char *dot = strrchr(base, '.');
	char *b = xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
	lheo_slug(&stem, b, 80);
	free(b);
	if (!stem.len)
		buf_puts(&stem, "import");
	buf_printf(&j->name, "content/organismes/lheo-%s.yaml", stem.data);
	fs_join(&j->out, site, j->name.data);
	buf_printf(&j->tmp, "%s/content/organismes/.lheo-%s.yaml.tmp", site, stem.data);
	buf_release(&stem);
	im->shown = j->xml;
	im->d = d;
	im->map = map;
	im->terr = terr;
	im->today = today;
	im->spool = tmpfile();
	if (!im->spool) {
		diag_add(d, j->xml, 0, 0, DIAG_ERROR, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	const char *version = "2.3";
	size_t errors = d->errors;
	if (lheo_read(j->xml, j->xml, lheo_on_formation, im, &version, d) < 0 || d->errors > errors)
		return -1;
	if (im->failed) {
		diag_add(d, j->xml, 0, 0, DIAG_ERROR, "cannot write the temporary file: %s", strerror(errno));
		return -1;
	}
	int day = file_day(j->xml), undated = 0;
	if (day > today)
		day = today;
	for (size_t i = 0; i < im->n_orgs; i++)
		undated += !im->ov[i]->maj && im->ov[i]->n_offres;
	if (undated)
		diag_add(d, j->xml, 0, 0, DIAG_WARNING, "%d organisation%s without horodatage-modification: "
		    "mise_a_jour is the file's date, %04d-%02d-%02d", undated, undated > 1 ? "s" : "",
		    day / 10000, day / 100 % 100, day % 100);
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/content/organismes", site);
	char *jail = realpath(site, NULL);
	const char *bad = jail ? fs_place_problem(fs_place(jail, dir)) : NULL;
	free(jail);
	if (bad) {	/* a link that leads out of the site: never written through */
		diag_add(d, "content/organismes", 0, 0, DIAG_ERROR, "%s", bad);
		return -1;
	}
	if (fs_mkdirs(dir) < 0 || write_file(im, j->tmp.data, base, version, day) < 0) {
		diag_add(d, j->name.data, 0, 0, DIAG_ERROR, "cannot write: %s", strerror(errno));
		unlink(j->tmp.data);
		return -1;
	}
	return 0;
}

int lheo_import(const char *site, const char *share, char *const *files, size_t n, int today,
    FILE *out, struct diags *d)
{
	struct lheo_map map;
	struct site terr;
	memset(&map, 0, sizeof(map));
	memset(&terr, 0, sizeof(terr));
	struct arena ga = ARENA_INIT;
	struct buf geo = BUF_INIT;
	int rc = lheo_map_read(&map, site, share, d);
	fs_join(&geo, site, "referentiels/geo");
	const char *shown = "referentiels/geo";
	char *jail = realpath(site, NULL);	/* links that leave the site are refused */
	if (!fs_is_dir(geo.data) && !share) {
		diag_add(d, site, 0, 0, DIAG_ERROR, "no territory: the site has no referentiels/geo/ "
		    "and " SHARE_MISSING);
		rc = -1;
	} else if (!fs_is_dir(geo.data)) {
		buf_reset(&geo);
		fs_join(&geo, share, "referentiels/geo");
		shown = geo.data;
		free(jail);
		jail = NULL;
	}
	if (rc == 0 && geo_read(&terr.geo, geo.data, shown, jail, &ga, d) < 0)
		rc = -1;
	free(jail);
	struct job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	int ready = rc == 0;
	for (size_t i = 0; i < n; i++) {
		jobs[i].xml = files[i];
		jobs[i].out = jobs[i].tmp = jobs[i].name = (struct buf)BUF_INIT;
		if (!ready)
			continue;
		if (run_job(&jobs[i], site, &map, &terr, today, d) < 0)
			rc = -1;
		for (size_t k = 0; k < i; k++)
			if (strcmp(jobs[k].out.data, jobs[i].out.data) == 0) {
				diag_add(d, files[i], 0, 0, DIAG_ERROR, "imports into %s like %s: rename one file",
				    jobs[i].name.data, files[k]);
				rc = -1;
			}
	}
	/* All or nothing: the previous imports stay unless every file was read. */
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (rc == 0 && j->tmp.len) {
			summary(&j->im, j->name.data, j->out.data, out);
			if (rename(j->tmp.data, j->out.data) < 0) {
				diag_add(d, j->name.data, 0, 0, DIAG_ERROR, "cannot write: %s", strerror(errno));
				rc = -1;
			}
		} else if (j->tmp.len)
			unlink(j->tmp.data);
		imp_free(&j->im);
		buf_release(&j->out);
		buf_release(&j->tmp);
		buf_release(&j->name);
	}
	free(jobs);
	strmap_free(&terr.geo.by_code);
	arena_free(&ga);
	buf_release(&geo);
	lheo_map_free(&map);
	return rc;
}
