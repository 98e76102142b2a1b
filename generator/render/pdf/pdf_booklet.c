/*
 * The cartography booklets, of the region or of one département: the rows
 * (offer x lieu) in the index's order (département, commune, organisation),
 * numbered one number a lieu (number_lieux), the map with their numbered
 * markers, the legend, then one entry per row with its suites ("Et après
 * ?", as in the fiches), and for a département the lieux nearest each of its
 * communes ("Près de chez vous") and the index of communes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "../../data/hours.h"
#include "../../data/index.h"
#include "../../data/paths.h"
#include "../cache.h"
#include "pdf_int.h"

static int cmp_int(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;
	return (a > b) - (a < b);
}

/* The index of communes: each commune once, with the numbers of its
 * markers, each once and in order. */
static void commune_index(struct doc *d, const struct brow *r, size_t n, struct buf *b)
{
	int *nums = xmalloc((n + 1) * sizeof(*nums));
	pdf_heading(d, 14, "Index des communes");
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0;
		while (j < n && r[j].l->commune == r[i].l->commune)
			nums[k++] = r[j++].num;
		xqsort(nums, k, sizeof(*nums), cmp_int);
		buf_reset(b);
		for (size_t m = 0; m < k; m++)
			if (m == 0 || nums[m] != nums[m - 1])
				buf_printf(b, "%s%d", m ? ", " : "", nums[m]);
		pdf_field(d, r[i].l->commune ? r[i].l->commune->nom : "", b->data);
		i = j;
	}
	free(nums);
}

/* Numbers the rows: one number a lieu (one address), in the order of the
 * rows, so that the same rows give the same numbers, and the rows of other
 * départements, absent from a département's booklet, never shift them;
 * numbers maps each lieu to its number. */
static void number_lieux(struct brow *r, size_t n, struct lieu_numbers *numbers)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	numbers->l = xcalloc(cap, sizeof(*numbers->l));
	numbers->num = xcalloc(cap, sizeof(*numbers->num));
	numbers->mask = cap - 1;
	int next = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = pdf_lieu_slot(numbers, r[i].l);
		if (!numbers->l[k]) {
			numbers->l[k] = r[i].l;
			numbers->num[k] = ++next;
		}
		r[i].num = numbers->num[k];
	}
}

#define NEAR_MAX 6

struct near {
	double km;
	int num;
};

/* "Près de…": for each commune of the rows, the NEAR_MAX numbered lieux
 * nearest its centre (haversine, index.h), nearest first, then by number.
 * Each lieu is compared once a commune: communes × lieux. */
static void near_index(struct doc *d, const struct brow *r, size_t n, struct buf *b)
{
	const struct lieu **at = xcalloc(n + 1, sizeof(*at));	/* by number - 1 */
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if ((size_t)r[i].num > nl) {
			nl = (size_t)r[i].num;
			at[nl - 1] = r[i].l;
		}
	pdf_heading(d, 14, "Près de chez vous : les lieux les plus proches de chaque commune");
	pdf_para(d, d->regular, 9, "Pour chaque commune du livret, les numéros des lieux de formation les plus proches de "
	    "son centre, avec leur distance à vol d'oiseau.");
	for (size_t i = 0; i < n; i++) {
		const struct commune *cm = r[i].l->commune;
		if (!cm || (i && r[i - 1].l->commune == cm))
			continue;
		struct near best[NEAR_MAX];
		size_t nb = 0;
		for (size_t k = 0; k < nl; k++) {
			struct near e = { geo_km(cm->lat, cm->lon, at[k]->lat, at[k]->lon), (int)k + 1 };
			if (nb == NEAR_MAX && e.km >= best[nb - 1].km)
				continue;
			size_t j = nb < NEAR_MAX ? nb++ : nb - 1;
			while (j > 0 && best[j - 1].km > e.km) {
				best[j] = best[j - 1];
				j--;
			}
			best[j] = e;
		}
		buf_reset(b);
		char km[KM_SIZE];
		for (size_t k = 0; k < nb; k++)
			buf_printf(b, "%s%d (%s)", k ? ", " : "", best[k].num, km_fr(best[k].km, km));
		pdf_field(d, cm->nom, b->data);
	}
	free(at);
}

/* The end of a booklet: for a département's, the lieux near each commune,
 * then the index of communes. */
struct tail {
	const struct brow *r;
	size_t n;
	struct buf *b;
	int near;
};

static void tail(struct doc *d, void *ctx)
{
	const struct tail *t = ctx;
	if (t->near)
		near_index(d, t->r, t->n, t->b);
	commune_index(d, t->r, t->n, t->b);
}

/* The digest of what tail reads: each row's commune (its name and centre,
 * or that it has none, or that it is the row before's) and number, and
 * the place of each numbered lieu. */
static struct digest tail_key(const struct pdf_entries *e, const struct tail *t, struct buf *kb)
{
	/* The bytes of pdf_section_key's and of digest_num, digest_str and
	 * digest_add, gathered in kb and hashed at once (the same digest) */
	buf_reset(kb);
	pdf_section_key_put(kb, e, "booklet-tail");
	digest_buf_num(kb, t->near);
	digest_buf_num(kb, (long long)t->n);
	for (size_t i = 0; i < t->n; i++) {
		const struct commune *cm = t->r[i].l->commune;
		digest_buf_num(kb, t->r[i].num);
		if (!cm || (i && t->r[i - 1].l->commune == cm)) {
			digest_buf_num(kb, cm ? 1 : 0);
			continue;
		}
		digest_buf_num(kb, 2);
		digest_buf_str(kb, cm->nom);
		buf_add(kb, &cm->lat, sizeof(cm->lat));
		buf_add(kb, &cm->lon, sizeof(cm->lon));
		/* A lieu's number is that of its first row: its place once. */
	}
	int seen = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->r[i].num > seen) {
			seen = t->r[i].num;
			buf_add(kb, &t->r[i].l->lat, sizeof(t->r[i].l->lat));
			buf_add(kb, &t->r[i].l->lon, sizeof(t->r[i].l->lon));
		}
	return digest_bytes(kb->data, kb->len);
}

/* The offers × lieux of a cartography (of a département when dep), in the
 * index's order, with room for their numbers; the caller frees them. */
struct brow *pdf_carto_rows(const struct site *s, const struct cartographie *ca, const char *dep, size_t *np)
{
	const struct rowref *v = index_rows(s, ca, dep, np);
	struct brow *r = xmalloc((*np + 1) * sizeof(*r));
	for (size_t i = 0; i < *np; i++)
		r[i] = (struct brow){ v[i].o, v[i].l, 0 };
	return r;
}

/* Whether a booklet of n rows lists them: a region too large to list
 * leaves them to its départements' booklets. */
int pdf_booklet_lists(const struct cartographie *ca, const char *dep, size_t n)
{
	return dep || !ca->par_departement || n <= 1500;
}

int pdf_booklet_unlisted_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const char *dep)
{
	size_t n;
	index_rows(s, ca, dep, &n);
	if (pdf_booklet_lists(ca, dep, n))
		return 0;	/* keyed on its rows: no rows copied to say so */
	struct brow *r = pdf_carto_rows(s, ca, dep, &n);
	struct lieu_numbers numbers = { NULL, NULL, 0 };
	number_lieux(r, n, &numbers);
	/* What the title, the map (pdf_booklet_map's key), the legend and the
	 * index of communes (tail_key) read: a rename of an organisation
	 * leaves it, which keyed on the rows rendered it again. Gathered and
	 * added 64 KiB at a time. */
	struct buf b = BUF_INIT;
	int seen = 0;
	digest_buf_num(&b, (long long)n);
	for (size_t i = 0; i < n; i++) {
		const struct commune *cm = r[i].l->commune;
		const struct svals *t = &r[i].o->types;
		digest_buf_num(&b, r[i].num);
		if (i && r[i - 1].l->commune == cm)
			buf_putc(&b, '=');
		else if (!cm)
			buf_putc(&b, '-');
		else {
			buf_putc(&b, 'c');
			digest_buf_str(&b, cm->code);
			digest_buf_str(&b, cm->nom);
			buf_add(&b, &cm->lat, sizeof(cm->lat));
			buf_add(&b, &cm->lon, sizeof(cm->lon));
		}
		if (r[i].num > seen) {
			seen = r[i].num;
			buf_add(&b, &r[i].l->lat, sizeof(r[i].l->lat));
			buf_add(&b, &r[i].l->lon, sizeof(r[i].l->lon));
		}
		digest_buf_num(&b, (long long)t->n);
		for (size_t j = 0; j < t->n; j++)
			digest_buf_str(&b, t->v[j].s);
		if (b.len >= 65536) {
			digest_add(k, b.data, b.len);
			buf_reset(&b);
		}
	}
	digest_add(k, b.data, b.len);
	buf_release(&b);
	free(numbers.l);
	free(numbers.num);
	free(r);
	return 1;
}

/* The script of a row's entry (pdf_entries.c) into sc; b is scratch. */
static void booklet_entry(struct buf *sc, const struct site *s, const struct brow *r, struct buf *b,
    const struct lieu_numbers *numbers)
{
	const struct offre *o = r->o;
	char fr[256] = "";
	buf_reset(sc);
	buf_reset(b);
	buf_printf(b, "%d. %s – %s", r->num, o->intitule ? o->intitule : "", o->org->nom);
	pdf_script_need(sc, 13.5f * 3);
	pdf_script_para(sc, 1, 10, b->data);
	buf_reset(b);
	for (size_t i = 0; i < o->types.n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", vocab_label(&s->vocab.types_offre, o->types.v[i].s));
	if (o->entree_min.s && o->vise.s)
		buf_printf(b, " – niveaux %s vers %s", o->entree_min.s, o->vise.s);
	else if (o->entree_min.s)
		buf_printf(b, " – niveau d'entrée %s", o->entree_min.s);
	else if (o->vise.s)
		buf_printf(b, " – niveau visé %s", o->vise.s);
	if (o->gratuit == TRI_TRUE)
		buf_puts(b, " – gratuit");
	if (o->garde_enfants == TRI_TRUE)
		buf_puts(b, " – garde d'enfants");
	if (o->heures) {
		hours_french(o->heures, fr, sizeof(fr));
		buf_printf(b, " – %s", fr);
	}
	pdf_script_para(sc, 0, 9, b->data);
	buf_reset(b);
	if (r->l->n_lignes)
		buf_printf(b, "%s, ", r->l->lignes[0]);
	buf_printf(b, "%s %s", r->l->code_postal.s ? r->l->code_postal.s : "", r->l->commune ? r->l->commune->nom : "");
	const struct contact *ct = offre_contact(o);
	if (ct && ct->telephone)
		buf_printf(b, " – %s", ct->telephone);
	pdf_script_para(sc, 0, 9, b->data);
	for (size_t i = 0; i < o->n_suites; i++) {
		pdf_suite_text(b, s, o, i, numbers);
		pdf_script_field(sc, i ? "" : "Et après ?", b->data);
	}
	pdf_script_down(sc, 3);
}

/* An entry to lay out (pdf_section's fn): its script, then the script run. */
struct entry {
	struct buf *script;
	const struct site *s;
	const struct brow *r;
	struct buf *b;
	const struct lieu_numbers *numbers;
};

static void entry_lay_out(struct doc *d, void *ctx)
{
	const struct entry *e = ctx;
	booklet_entry(e->script, e->s, e->r, e->b, e->numbers);
	pdf_script_run(d, e->script);
}

/* The key of an entry from what its script reads, without writing it: the
 * row as the booklet's own key has it (cache_key_rows: its organisation's key,
 * which holds the bytes the offer, the lieu, the contact and the hours are
 * read from, and its suites' digest, which holds what "Et après ?" shows
 * of the other organisations), the places of its offer and lieu in their
 * organisation (with its key, their ids), its number, and the numbers its suites show; labels and
 * communes are in the global part. Returns 0, or -1 (no key: the script
 * is written and keyed) when the lieu is not its organisation's. */
static int entry_key(const struct pdf_entries *ent, const struct entry *e, const struct rowref *row,
    struct buf *kb, struct digest *out)
{
	const struct offre *o = e->r->o;
	const struct organisme *org = o->org;
	if (row->o != o || row->l != e->r->l || e->r->l < org->lieux || e->r->l >= org->lieux + org->n_lieux ||
	    o < org->offres || o >= org->offres + org->n_offres)
		return -1;
	/* The row, without cache_key_rows' buffer: the organisation's bytes
	 * and the places of the offer and lieu in it say their ids (reading
	 * the ids, the cache misses of thousands of rows, was a third of the
	 * keys' time: perf). The bytes pdf_section_key, cache_key_org,
	 * cache_key_row_suites and digest_num would add, gathered in kb and
	 * hashed at once: the same digest, without a digest's state made
	 * and freed an entry. */
	buf_reset(kb);
	pdf_section_key_put(kb, ent, "booklet-entry");
	const struct digest ds[2] = { cache_org_digest(org), cache_suites_digest(org) };
	for (int i = 0; i < 2; i++) {
		digest_buf_num(kb, (long long)ds[i].lo);
		digest_buf_num(kb, (long long)ds[i].hi);
	}
	digest_buf_num(kb, (long long)(o - org->offres));
	digest_buf_num(kb, (long long)(e->r->l - org->lieux));
	digest_buf_num(kb, e->r->num);
	for (size_t i = 0; i < o->n_suites; i++) {
		size_t at = pdf_lieu_slot(e->numbers, o->suites[i].to);
		digest_buf_num(kb, e->numbers->l[at] ? e->numbers->num[at] : 0);
	}
	*out = digest_bytes(kb->data, kb->len);
	return 0;
}

/* A booklet's body: its sections in order (pdf_entries.c), each a commune's
 * heading, an entry (keyed on its inputs, or on its script), or the end. */
enum { SEC_HEADING, SEC_ENTRY, SEC_SCRIPT, SEC_TAIL };

struct bsec {
	int kind;
	size_t row;
	struct digest key;
};

struct body {
	const struct site *s;
	struct brow *r;
	size_t n;
	const struct rowref *v;
	struct pdf_entries *ent;
	struct buf *script, *b;
	const struct lieu_numbers *numbers;
	struct tail *t;
	struct bsec *sec;
	struct digest *keys;
	size_t n_sec;
};

static void body_add(struct body *y, int kind, size_t row, const struct digest *k)
{
	y->sec[y->n_sec] = (struct bsec){ kind, row, *k };
	y->keys[y->n_sec++] = *k;
}

/* The sections of the body, with their keys when there is a cache. */
static void body_make(struct body *y)
{
	struct digest none = { 0, 0 };
	struct buf kb = BUF_INIT;	/* an entry's key (entry_key) */
	y->sec = xmalloc((2 * y->n + 2) * sizeof(*y->sec));
	y->keys = xmalloc((2 * y->n + 2) * sizeof(*y->keys));
	for (size_t i = 0; i < y->n; i++) {
		const struct brow *r = y->r;
		if (i == 0 || r[i].l->commune != r[i - 1].l->commune) {
			struct digest hk = y->ent ? pdf_heading_key(y->ent, 12, r[i].l->commune ? r[i].l->commune->nom : "") : none;
			body_add(y, SEC_HEADING, i, &hk);
		}
		struct entry e = { y->script, y->s, &r[i], y->b, y->numbers };
		struct digest ek = none;
		if (y->ent && entry_key(y->ent, &e, &y->v[i], &kb, &ek) == 0)
			body_add(y, SEC_ENTRY, i, &ek);
		else {
			if (y->ent) {
				booklet_entry(y->script, y->s, &r[i], y->b, y->numbers);
				ek = pdf_script_key(y->ent, y->script);
			}
			body_add(y, SEC_SCRIPT, i, &ek);
		}
	}
	struct digest tk = y->ent ? tail_key(y->ent, y->t, &kb) : none;
	body_add(y, SEC_TAIL, 0, &tk);
	buf_release(&kb);
}

/* Lays out (or replays) section j of the body. */
static void body_run(struct doc *d, size_t j, void *ctx)
{
	struct body *y = ctx;
	const struct bsec *sc = &y->sec[j];
	const struct brow *r = &y->r[sc->row];
	struct entry e = { y->script, y->s, r, y->b, y->numbers };
	/* An entry's text is its organisation's (its suites' names are
	 * found in their files by pdf_warn_missing). */
	d->cur = sc->kind == SEC_ENTRY || sc->kind == SEC_SCRIPT ? r->o->org->file : NULL;
	switch (sc->kind) {
	case SEC_HEADING:
		pdf_heading_keyed(d, y->ent, &sc->key, 12, r->l->commune ? r->l->commune->nom : "");
		break;
	case SEC_ENTRY:
		pdf_section(d, y->ent, &sc->key, entry_lay_out, &e);
		break;
	case SEC_SCRIPT:
		booklet_entry(y->script, y->s, r, y->b, y->numbers);
		pdf_entry(d, y->ent, y->script);
		break;
	default:
		pdf_section(d, y->ent, &sc->key, tail, y->t);
	}
	d->cur = NULL;
}

/* The booklet's first pages, up to its body: the title, the map, the
 * legend, the list's heading. */
static void booklet_head(struct doc *d, const struct site *s, const struct cartographie *ca, const char *dep,
    struct brow *r, size_t n, const char *title, const char *date, struct buf *b, const char *rel, int list)
{
	pdf_new_page(d);
	pdf_para(d, d->bold, 20, title);
	buf_reset(b);
	buf_printf(b, "Livret pour les prescripteurs – %zu offre%s × lieu%s – données du %s", n, n > 1 ? "s" : "",
	    n > 1 ? "x" : "", date);
	pdf_para(d, d->regular, 10, b->data);
	d->y -= 6;
	pdf_booklet_map(d, s, dep, r, n, d->reuse, rel);
	pdf_legend(d, s, ca, r, n);
	pdf_new_page(d);
	/* A region too large to list: the départements' booklets list the offers. */
	if (!list)
		pdf_para(d, d->regular, 10, "Les offres sont listées dans le livret de chaque département ; voici les communes et les numéros de leurs repères.");
	else
		pdf_heading(d, 14, "Les offres, commune par commune");
}

/* Opens the document of a booklet, its properties and footer set. */
static int booklet_open(struct doc *d, const struct site *s, const struct cartographie *ca, struct pdf_reuse *ru,
    const char *title, const char *date, const char *url, struct buf *b, struct diags *dg)
{
	if (pdf_open_doc(d, dg) < 0)
		return -1;
	d->src = ca->file;
	d->site = s;
	d->reuse = ru;
	pdf_info(d, title, s->titre, "Livret pour les prescripteurs : carte et liste des offres", s->last_update);
	buf_reset(b);
	buf_printf(b, "%s – données mises à jour le %s", s->titre, date);
	d->footer = xstrdup(b->data);
	d->url = url;
	return 0;
}

int booklet(const struct site *s, const struct cartographie *ca, const char *dep,
    struct pdf_reuse *ru, struct publish *p, struct buf *b, struct buf *file, struct diags *dg)
{
	struct doc d;
	int rc = -1, opened = 0;
	size_t n;
	struct brow *r = pdf_carto_rows(s, ca, dep, &n);
	struct lieu_numbers numbers = { NULL, NULL, 0 };
	number_lieux(r, n, &numbers);
	char date[64], url[1024];
	struct buf path = BUF_INIT, script = BUF_INIT;
	const char *depname = dep ? geo_dep_name(&s->geo, dep) : NULL;
	buf_reset(b);
	buf_printf(b, "%s%s%s", ca->titre, dep ? " – " : "", dep ? depname : "");
	char *title = xstrdup(b->data);
	civil_fr(s->last_update, date);
	snprintf(url, sizeof(url), "%s%s", s->base_url, path_carto_page(&path, ca, dep));
	char *rel = xstrdup(path_carto_doc(&path, ca, dep, PATH_PDF));
	int list = pdf_booklet_lists(ca, dep, n);
	struct pdf_entries *ent = list ? pdf_entries_open(ru, rel) : NULL;
	size_t nv;
	const struct rowref *v = index_rows(s, ca, dep, &nv);
	if (nv != n)
		ent = (pdf_entries_close(ent, 0), NULL);
	struct tail t = { r, n, b, dep != NULL };
	struct body y = { s, r, list ? n : 0, v, ent, &script, b, &numbers, &t, NULL, NULL, 0 };
	body_make(&y);
	struct pdf_run run = { y.keys, y.n_sec, body_run, &y };
	const char *texts[] = { title, s->titre, date, url, "" };
	/* First as a splice of the previous file (pdf_splice.c); when it
	 * cannot be, whole: in the same document when the splice did not
	 * touch it, else in a new one. */
	for (int pass = 0; pass < 2 && rc != 0; pass++) {
		if (opened)
			pdf_close_doc(&d);
		opened = 1;
		if (booklet_open(&d, s, ca, ru, title, date, url, b, dg) < 0)
			break;
		if (ent)
			pdf_trace_start(&d);
		booklet_head(&d, s, ca, dep, r, n, title, date, b, rel, list);
		texts[4] = d.footer;
		if (ent)
			pdf_trace_head(&d, texts, sizeof(texts) / sizeof(*texts));
		rc = pass == 0 && ent ? pdf_splice(&d, ent, rel, &run, p, b, file) : 1;
		if (rc != 1)
			continue;	/* spliced, failed, or to render in a new document */
		if (ent)	/* pages filled by entries replayed are drawn if needed */
			pdf_lazy_start(&d, ent, rel);
		for (size_t j = 0; j < y.n_sec; j++)
			body_run(&d, j, &y);
		pdf_footers(&d);
		rc = pdf_save(&d, p, rel, b);
		pdf_lazy_end(&d, rc == 0);
		break;
	}
	pdf_trace_end(&d, ru, rel, rc == 0);
	pdf_entries_close(ent, rc == 0);
	if (opened)
		pdf_close_doc(&d);
	free(y.sec);
	free(y.keys);
	free(title);
	free(rel);
	buf_release(&path);
	buf_release(&script);
	free(numbers.l);
	free(numbers.num);
	free(r);
	return rc;
}
