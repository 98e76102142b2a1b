/*
 * The suites memo (suites_memo.h). The file, in the machine's byte order
 * (carto's digest names the executable, so the machine too):
 *
 *	"carto suites memo 2\n", carto's digest, the inputs' digest
 *	u32 organisations, then for each: u32 id length (its NUL included),
 *	    the id and a NUL, the digest of its part of its file (organisme's
 *	    own), u32 offers, u32 suites of each
 *	for each offer in that order, its suites, each FIELDS u32 (struct
 *	    packed below) and its distance (a double), best first
 *	the digest of every byte above
 *
 * Start at suites_memo_index.
 */
#define _DEFAULT_SOURCE
#include "suites_memo.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/fs.h"
#include "../base/fsview.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../base/strmap.h"
#include "derive.h"
#include "index.h"
#include "model.h"

#define MAGIC "carto suites memo 3\n"
#define MAGIC_LEN (sizeof(MAGIC) - 1)
#define SUITES_MEMO_MAX ((size_t)1 << 30)
#define ID_MAX 4096

/* A suite as numbers: the organisation (its place in the memo), the offer
 * in it, the lieu of the offer whose suites these are and the suite's
 * lieu (their places in the offers' lists), then 0 for none or 1 + the
 * place of: the public in the suite's publics, the vocabularies' scale of
 * via (with via's level in it), the correspondence between scales, the
 * correspondence between référentiels; and same_dep. */
enum { F_ORG, F_OFFRE, F_FROM, F_TO, F_PUBLIC, F_SCALE, F_LEVEL, F_CORR, F_CHAIN, F_SAME, FIELDS };
/* Each suite's numbers, then its distance (struct suite's km, the bytes of
 * a double): put back as it was found, without reading the two lieux. */
#define SUITE_BYTES (FIELDS * 4 + sizeof(double))

struct memo_org {
	const char *id;			/* in the file, NUL-terminated */
	struct digest own;		/* of its part of its file (model.h) */
	uint32_t n_offres;
	size_t first;			/* its first offer in the memo's */
	const struct organisme *now;	/* the model's, unchanged, or NULL */
};

struct suites_memo {
	char *path;
	struct digest carto, inputs;
	struct fs_view file;		/* the memo, viewed (mapped) */
	unsigned views_cut;		/* fs_views_cut() when opened */
	int valid;
	struct memo_org *orgs;
	size_t n_orgs;
	uint32_t *n_suites;		/* by offer of the memo */
	size_t *at;			/* where each one's suites start */
	size_t n_offers;
	struct buf *parts;		/* the new memo, when searched: its head,
					 * the chunks' heads, their suites, its
					 * digest, written one after the other */
	size_t n_parts;
	int dirty;
	pthread_t reader;	/* reads and parses the file (suites_memo_open) */
	int reading;		/* reader runs and is to be joined */
	pthread_t writer;	/* writes the file (suites_memo_save) */
	int writing;		/* writer runs and is to be joined */
	unsigned pause;		/* seconds the writer waits first (tests) */
};

/* Reads n bytes at *p (before end) into v; -1 when there are not. */
static int take(const char **p, const char *end, void *v, size_t n)
{
	if ((size_t)(end - *p) < n)
		return -1;
	memcpy(v, *p, n);
	*p += n;
	return 0;
}

static int take_u32(const char **p, const char *end, uint32_t *v)
{
	return take(p, end, v, sizeof(*v));
}

/* Parses the memo read into m->file; 0, or -1 when it is not one. */
static int parse(struct suites_memo *m)
{
	const char *p = m->file.data, *end = p + m->file.len;
	struct digest carto, sum;
	uint32_t n;
	if (m->file.len < MAGIC_LEN + 3 * sizeof(struct digest) + 4 || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return -1;
	end -= sizeof(sum);
	memcpy(&sum, end, sizeof(sum));
	struct digest got = digest_bytes(p, (size_t)(end - p));
	p += MAGIC_LEN;
	if (!digest_eq(&got, &sum) || take(&p, end, &carto, sizeof(carto)) < 0 ||
	    !digest_eq(&carto, &m->carto) || take(&p, end, &m->inputs, sizeof(m->inputs)) < 0 ||
	    take_u32(&p, end, &n) < 0 || n > (size_t)(end - p) / 4)
		return -1;
	m->orgs = xcalloc((size_t)n + 1, sizeof(*m->orgs));
	size_t cap = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct memo_org *o = &m->orgs[m->n_orgs++];
		uint32_t len;
		if (take_u32(&p, end, &len) < 0 || len < 2 || len > ID_MAX || len > (size_t)(end - p) ||
		    p[len - 1] != '\0' || memchr(p, '\0', len - 1))
			return -1;
		o->id = p;
		p += len;
		if (take(&p, end, &o->own, sizeof(o->own)) < 0 || take_u32(&p, end, &o->n_offres) < 0 ||
		    o->n_offres > (size_t)(end - p) / 4)
			return -1;
		o->first = m->n_offers;
		m->n_suites = xgrow(m->n_suites, &cap, m->n_offers + o->n_offres + 1, sizeof(*m->n_suites));
		for (uint32_t k = 0; k < o->n_offres; k++)
			if (take_u32(&p, end, &m->n_suites[m->n_offers++]) < 0 ||
			    m->n_suites[m->n_offers - 1] > SUITES_MAX)
				return -1;
	}
	m->at = xmalloc((m->n_offers + 1) * sizeof(*m->at));
	for (size_t q = 0; q < m->n_offers; q++) {
		m->at[q] = (size_t)(p - m->file.data);
		size_t bytes = (size_t)m->n_suites[q] * SUITE_BYTES;
		if ((size_t)(end - p) < bytes)
			return -1;
		p += bytes;
	}
	return p == end ? 0 : -1;
}

/* Reads and parses the file at m->path (what suites_memo_open leaves to
 * its thread); a memo that is none is empty. */
static void read_memo(struct suites_memo *m)
{
	m->valid = fs_view_open(m->path, SUITES_MEMO_MAX, 1, &m->file, NULL) == 0 && parse(m) == 0;
	if (!m->valid) {
		free(m->orgs);
		free(m->n_suites);
		free(m->at);
		m->orgs = NULL;
		m->n_suites = NULL;
		m->at = NULL;
		m->n_orgs = m->n_offers = 0;
		fs_view_close(&m->file);
	}
}

static void *read_job(void *arg)
{
	read_memo(arg);
	return NULL;
}

/* Waits for the reading suites_memo_open began. */
static void read_wait(struct suites_memo *m)
{
	if (m->reading)
		pthread_join(m->reader, NULL);
	m->reading = 0;
}

struct suites_memo *suites_memo_open(const char *path, const struct digest *carto)
{
	struct suites_memo *m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	m->carto = *carto;
	m->file = (struct fs_view)FS_VIEW_INIT;
	m->views_cut = fs_views_cut();
	m->reading = pthread_create(&m->reader, NULL, read_job, m) == 0;
	if (!m->reading)
		read_memo(m);
	return m;
}

/* What every offer's suites read beside the organisations. */
static struct digest inputs_of(const struct site *s)
{
	struct digest_ctx *k = digest_new();
	digest_str(k, MAGIC);
	digest_fold(k, &s->inputs);
	digest_num(k, s->today);
	return digest_end(k);
}

/* The suites of a, read from the memo's offer q into v (room for
 * SUITES_MAX); returns how many, or -1 when an entry names an organisation
 * that changed or what the model does not hold. */
static long read_suites(const struct suites_memo *m, const struct site *s, const struct offre *a,
    size_t q, struct suite *v)
{
	const char *p = m->file.data + m->at[q];
	for (uint32_t e = 0; e < m->n_suites[q]; e++) {
		uint32_t f[FIELDS];
		double km;
		memcpy(f, p, sizeof(f));
		memcpy(&km, p + sizeof(f), sizeof(km));
		p += SUITE_BYTES;
		if (!(km >= 0))	/* NaN too: searched again */
			return -1;
		const struct organisme *to_org = f[F_ORG] < m->n_orgs ? m->orgs[f[F_ORG]].now : NULL;
		if (!to_org || f[F_OFFRE] >= to_org->n_offres)
			return -1;
		const struct offre *o = &to_org->offres[f[F_OFFRE]];
		if (f[F_FROM] >= a->n_lieux || f[F_TO] >= o->n_lieux || f[F_PUBLIC] > o->publics.n ||
		    f[F_SCALE] > s->vocab.n_echelles || f[F_CORR] > s->vocab.n_corr ||
		    f[F_CHAIN] > s->n_correspondances || f[F_SAME] > 1 ||
		    (f[F_SCALE] && f[F_LEVEL] >= s->vocab.echelles[f[F_SCALE] - 1].n))
			return -1;
		const struct lieu *from = a->lieux[f[F_FROM]], *to = o->lieux[f[F_TO]];
		v[e] = (struct suite){ o, from, to, km,
			(int)f[F_SAME], f[F_PUBLIC] ? o->publics.v[f[F_PUBLIC] - 1].s : NULL,
			f[F_SCALE] ? s->vocab.echelles[f[F_SCALE] - 1].v[f[F_LEVEL]].code : NULL,
			f[F_CORR] ? &s->vocab.corr[f[F_CORR] - 1] : NULL,
			f[F_CHAIN] ? s->correspondances[f[F_CHAIN] - 1] : NULL };
	}
	return (long)m->n_suites[q];
}

/* The points on the unit sphere of an offer's lieux (index_suite_unit),
 * taken once for all the pairs may_enter looks at. */
struct units {
	double (*u)[3];
	size_t n;
};

static void units_of(const struct offre *o, struct units *to)
{
	to->u = xmalloc((o->n_lieux + 1) * sizeof(*to->u));
	to->n = o->n_lieux;
	for (size_t i = 0; i < o->n_lieux; i++)
		index_suite_unit(o->lieux[i], to->u[i]);
}

/* 1 when the offer c (its lieux' points cu), of an organisation that
 * changed or is new, may be one of a's n suites v now: it may follow a at
 * all (index.h's index_suites_may_follow), and a had fewer than
 * SUITES_MAX, or c has a pair of lieux with a (their points au) that
 * ranks with or before a's last suite (same département first, then the
 * chord, with a margin: ties and roundings count as a change). wd and wo
 * are that last suite's chord and whether it leaves its département. */
static int may_enter(const struct site *s, const struct offre *a, const struct units *au, long n,
    double wd, int wo, const struct offre *c, const struct units *cu)
{
	int near = n < SUITES_MAX;
	for (size_t i = 0; !near && i < a->n_lieux; i++)
		for (size_t k = 0; !near && k < c->n_lieux; k++) {
			const struct lieu *la = a->lieux[i], *lc = c->lieux[k];
			int other = strcmp(la->dep, lc->dep) != 0;
			near = other < wo ||
			    (other == wo && index_suite_chord2_of(au->u[i], cu->u[k]) <= wd * (1 + 1e-9) + 1e-15);
		}
	return near && index_suites_may_follow(s, a, c);
}

/* What the jobs of put_back read: job j takes the organisations
 * [j * MEMO_CHUNK, (j + 1) * MEMO_CHUNK) of the site's order; an offer's
 * suites and its redo flag are its own, so no two jobs write the same. */
#define MEMO_CHUNK 64

struct back_run {
	const struct suites_memo *m;
	const struct site *s;
	const size_t *memo_of;		/* by organisation of the site: 1 + its
					 * place in the memo, 0: none */
	const struct offre **changed;	/* the offers of changed organisations that recruit */
	struct units *changed_units;	/* their lieux' points, same order */
	size_t n_changed;
	size_t *first;			/* by organisation: its first offer in the site's order */
	unsigned char *redo;
};

static int back_job(void *ctx, size_t j, struct pool_worker *w)
{
	struct back_run *r = ctx;
	const struct site *s = r->s;
	struct suite v[SUITES_MAX];
	size_t end = (j + 1) * MEMO_CHUNK < s->n_organismes ? (j + 1) * MEMO_CHUNK : s->n_organismes;
	for (size_t i = j * MEMO_CHUNK; i < end; i++) {
		struct organisme *o = s->organismes[i];
		const struct memo_org *mo = r->memo_of[i] ? &r->m->orgs[r->memo_of[i] - 1] : NULL;
		for (size_t k = 0; mo && mo->now == o && k < o->n_offres; k++) {
			struct offre *a = &o->offres[k];
			long n = read_suites(r->m, s, a, mo->first + k, v);
			int full = n >= 0 && n >= (long)SUITES_MAX && r->n_changed;	/* wd, wo, au read */
			double wd = full ? index_suite_chord2(v[n - 1].from, v[n - 1].to) : 0;
			int wo = full ? !v[n - 1].same_dep : 0;
			struct units au = { NULL, 0 };
			if (full)
				units_of(a, &au);
			size_t c = 0;
			while (n >= 0 && c < r->n_changed &&
			    !may_enter(s, a, &au, n, wd, wo, r->changed[c], &r->changed_units[c]))
				c++;
			free(au.u);
			if (n < 0 || c < r->n_changed)
				continue;
			struct suite *to = n ? arena_alloc_raw(&w->keep, (size_t)n * sizeof(*to)) : NULL;
			if (n)
				memcpy(to, v, (size_t)n * sizeof(*to));
			a->suites = to;
			a->n_suites = (size_t)n;
			r->redo[r->first[i] + k] = 0;
		}
	}
	return 0;
}

/* Which organisation of the memo each of the site's is (memo_of: 1 + its
 * place, 0 for a new one), and the memo's that are unchanged (now: their
 * own part the same, as many offers). When the memo holds the site's ids
 * in the site's order (a rebuild where no organisation came, went or
 * moved), place for place; else by id. Returns -1 when the ids cannot
 * name them (one missing, or twice): then nothing is put back. */
static int match_orgs(struct suites_memo *m, const struct site *s, size_t *memo_of)
{
	int same = m->n_orgs == s->n_organismes;
	for (size_t i = 0; same && i < s->n_organismes; i++)
		same = s->organismes[i]->id.s && strcmp(m->orgs[i].id, s->organismes[i]->id.s) == 0;
	struct strmap by_id = STRMAP_INIT, memo_by_id = STRMAP_INIT;	/* id -> 1 + place */
	int rc = 0;
	for (size_t i = 0; !same && rc == 0 && i < s->n_organismes; i++)
		rc = s->organismes[i]->id.s && !strmap_put(&by_id, s->organismes[i]->id.s, (void *)(i + 1)) ? 0 : -1;
	for (size_t j = 0; !same && rc == 0 && j < m->n_orgs; j++)
		if (strmap_put(&memo_by_id, m->orgs[j].id, (void *)(j + 1)))
			rc = -1;	/* an id twice: not a memo carto wrote */
	for (size_t i = 0; rc == 0 && i < s->n_organismes; i++)
		memo_of[i] = same ? i + 1 : (uintptr_t)strmap_get(&memo_by_id, s->organismes[i]->id.s);
	for (size_t i = 0; rc == 0 && i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		struct memo_org *mo = memo_of[i] ? &m->orgs[memo_of[i] - 1] : NULL;
		if (mo && digest_eq(&o->own, &mo->own) && o->n_offres == mo->n_offres)
			mo->now = o;
	}
	strmap_free(&by_id);
	strmap_free(&memo_by_id);
	return rc;
}

/* Marks in redo (by offer of the site) the offers to search again, and
 * puts back the suites of the others, on up to jobs threads. */
static void put_back(struct suites_memo *m, struct site *s, unsigned char *redo, int jobs,
    struct arena *keep)
{
	size_t *memo_of = xcalloc(s->n_organismes + 1, sizeof(*memo_of));
	if (match_orgs(m, s, memo_of) < 0) {
		free(memo_of);
		return;
	}
	/* The offers of the organisations that changed or are new: those
	 * that recruit may follow others now (rule 3). */
	struct back_run r = { m, s, memo_of, NULL, NULL, 0, xmalloc((s->n_organismes + 1) * sizeof(size_t)),
		redo };
	size_t cap = 0, orgs_changed = 0, no = 0;
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		size_t j = memo_of[i];
		r.first[i] = no;
		no += o->n_offres;
		if (j && m->orgs[j - 1].now == o)
			continue;
		orgs_changed++;
		for (size_t k = 0; k < o->n_offres; k++)
			if (offre_recrute(&o->offres[k])) {
				r.changed = xgrow(r.changed, &cap, r.n_changed + 1, sizeof(*r.changed));
				r.changed[r.n_changed++] = &o->offres[k];
			}
	}
	r.changed_units = xmalloc((r.n_changed + 1) * sizeof(*r.changed_units));
	for (size_t c = 0; c < r.n_changed; c++)
		units_of(r.changed[c], &r.changed_units[c]);
	if (orgs_changed * 4 <= s->n_organismes) {
		struct diags d = DIAGS_INIT;	/* the jobs report nothing */
		pool_run((s->n_organismes + MEMO_CHUNK - 1) / MEMO_CHUNK, jobs, back_job, &r, &d, keep);
		diags_free(&d);
	}
	for (size_t c = 0; c < r.n_changed; c++)
		free(r.changed_units[c].u);
	free(r.changed_units);
	free(r.changed);
	free(r.first);
	free(memo_of);
}

static void put_u32(struct buf *b, size_t v)
{
	uint32_t x = (uint32_t)v;
	buf_add(b, &x, sizeof(x));
}

/* The place of p in v[0..n), or n. */
static size_t place_of(const void *const *v, size_t n, const void *p)
{
	size_t i = 0;
	while (i < n && v[i] != p)
		i++;
	return i;
}

/* The organisations' places in the site, by address (an open-addressing
 * table, a power of two at least twice their number). */
struct places {
	const struct organisme **key;
	size_t *at, mask;
};

static size_t slot_of(const struct places *t, const struct organisme *o)
{
	uintptr_t h = (uintptr_t)o;
	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h >> 7) & t->mask;
	while (t->key[i] && t->key[i] != o)
		i = (i + 1) & t->mask;
	return i;
}

/* Appends the numbers of su (a suite of a) to b; -1 when one is not in
 * the model's lists (then no memo is written). */
static int put_suite(struct buf *b, const struct site *s, const struct places *pl,
    const struct offre *a, const struct suite *su)
{
	uint32_t f[FIELDS] = { 0 };
	const struct offre *o = su->o;
	size_t org = slot_of(pl, o->org);
	if (!pl->key[org])
		return -1;
	f[F_ORG] = (uint32_t)pl->at[org];
	f[F_OFFRE] = (uint32_t)(o - o->org->offres);
	f[F_FROM] = (uint32_t)place_of((const void *const *)a->lieux, a->n_lieux, su->from);
	f[F_TO] = (uint32_t)place_of((const void *const *)o->lieux, o->n_lieux, su->to);
	if (f[F_FROM] >= a->n_lieux || f[F_TO] >= o->n_lieux)
		return -1;
	if (su->public) {
		size_t p = 0;
		while (p < o->publics.n && o->publics.v[p].s != su->public)
			p++;
		if (p == o->publics.n)
			return -1;
		f[F_PUBLIC] = (uint32_t)p + 1;
	}
	for (size_t i = 0; su->via && !f[F_SCALE] && i < s->vocab.n_echelles; i++)
		for (size_t k = 0; k < s->vocab.echelles[i].n; k++)
			if (s->vocab.echelles[i].v[k].code == su->via) {
				f[F_SCALE] = (uint32_t)i + 1;
				f[F_LEVEL] = (uint32_t)k;
				break;
			}
	if (su->via && !f[F_SCALE])
		return -1;
	if (su->corr)
		f[F_CORR] = (uint32_t)(su->corr - s->vocab.corr) + 1;
	if (su->chain) {
		size_t c = place_of((const void *const *)s->correspondances, s->n_correspondances, su->chain);
		if (c == s->n_correspondances)
			return -1;
		f[F_CHAIN] = (uint32_t)c + 1;
	}
	f[F_SAME] = su->same_dep ? 1 : 0;
	buf_add(b, f, sizeof(f));
	buf_add(b, &su->km, sizeof(su->km));
	return 0;
}

/* The memo's parts side by side: job j writes the organisations of chunk
 * j (MEMO_CHUNK) into head[j] (ids, digests, counts) and body[j] (their
 * suites); record joins them in order. */
struct rec_run {
	const struct site *s;
	const struct places *pl;
	const struct suites_memo *m;
	const unsigned char *same;	/* by organisation: 1 when its bytes are
					 * the memo's (may_copy), or NULL */
	struct buf *head, *body;
	_Atomic int failed;
};

static int rec_job(void *ctx, size_t j, struct pool_worker *w)
{
	(void)w;
	struct rec_run *r = ctx;
	const struct site *s = r->s;
	size_t end = (j + 1) * MEMO_CHUNK < s->n_organismes ? (j + 1) * MEMO_CHUNK : s->n_organismes;
	for (size_t i = j * MEMO_CHUNK; i < end && !atomic_load(&r->failed); i++) {
		const struct organisme *o = s->organismes[i];
		size_t len = strlen(o->id.s) + 1;
		if (len < 2 || len > ID_MAX) {
			atomic_store(&r->failed, 1);
			break;
		}
		put_u32(&r->head[j], len);
		buf_add(&r->head[j], o->id.s, len);
		buf_add(&r->head[j], &o->own, sizeof(o->own));
		put_u32(&r->head[j], o->n_offres);
		for (size_t k = 0; k < o->n_offres; k++)
			put_u32(&r->head[j], o->offres[k].n_suites);
		if (r->same && r->same[i] && o->n_offres) {
			const struct memo_org *mo = &r->m->orgs[i];
			size_t last = mo->first + o->n_offres - 1;
			size_t from = r->m->at[mo->first], to = r->m->at[last] + r->m->n_suites[last] * SUITE_BYTES;
			buf_add(&r->body[j], r->m->file.data + from, to - from);
			continue;
		}
		for (size_t k = 0; k < o->n_offres; k++) {
			const struct offre *a = &o->offres[k];
			for (size_t e = 0; e < a->n_suites; e++)
				if (put_suite(&r->body[j], s, r->pl, a, &a->suites[e]) < 0)
					atomic_store(&r->failed, 1);
		}
	}
	return 0;
}

/* Which organisations' suites may be copied from the memo's bytes rather
 * than written again (NULL when none): the memo holds the organisations in
 * the site's order (so each suite's numbers name the same organisation in
 * both), and every offer of that organisation had its suites put back
 * unchanged (redo 0, its memo entry the one put back: what put_suite would
 * write of them are the numbers they were read from, and the distance). */
static unsigned char *may_copy(const struct suites_memo *m, const struct site *s, const unsigned char *redo)
{
	if (!m->valid || m->n_orgs != s->n_organismes)
		return NULL;
	for (size_t i = 0; i < s->n_organismes; i++)
		if (!s->organismes[i]->id.s || strcmp(m->orgs[i].id, s->organismes[i]->id.s) != 0)
			return NULL;
	unsigned char *same = xmalloc(s->n_organismes + 1);
	size_t no = 0;
	for (size_t i = 0; i < s->n_organismes; i++) {
		const struct organisme *o = s->organismes[i];
		same[i] = m->orgs[i].now == o && m->orgs[i].n_offres == o->n_offres;
		for (size_t k = 0; k < o->n_offres; k++)
			same[i] = same[i] && !redo[no + k] && o->offres[k].n_suites == m->n_suites[m->orgs[i].first + k];
		no += o->n_offres;
	}
	return same;
}

static void parts_free(struct suites_memo *m)
{
	for (size_t i = 0; i < m->n_parts; i++)
		buf_release(&m->parts[i]);
	free(m->parts);
	m->parts = NULL;
	m->n_parts = 0;
}

/* The new memo of the site's suites into m->parts, on up to jobs threads;
 * -1 when it cannot be written (an id too long, a suite outside the
 * lists). The parts are not joined: megabytes copied once more for one
 * write. */
static int record(struct suites_memo *m, const struct site *s, const unsigned char *redo, int jobs)
{
	struct places pl = { NULL, NULL, 1 };
	while (pl.mask + 1 < 2 * s->n_organismes + 2)
		pl.mask = 2 * pl.mask + 1;
	pl.key = xcalloc(pl.mask + 1, sizeof(*pl.key));
	pl.at = xmalloc((pl.mask + 1) * sizeof(*pl.at));
	for (size_t i = 0; i < s->n_organismes; i++) {
		size_t k = slot_of(&pl, s->organismes[i]);
		pl.key[k] = s->organismes[i];
		pl.at[k] = i;
	}
	size_t chunks = (s->n_organismes + MEMO_CHUNK - 1) / MEMO_CHUNK;
	unsigned char *same = may_copy(m, s, redo);
	/* parts: the memo's head, the chunks' heads, their suites, the digest */
	parts_free(m);
	m->n_parts = 2 * chunks + 2;
	m->parts = xcalloc(m->n_parts, sizeof(*m->parts));
	for (size_t i = 0; i < m->n_parts; i++)
		m->parts[i] = (struct buf)BUF_INIT;
	struct rec_run r = { s, &pl, m, same, m->parts + 1, m->parts + 1 + chunks, 0 };
	struct diags d = DIAGS_INIT;	/* the jobs report nothing */
	pool_run(chunks, jobs, rec_job, &r, &d, NULL);
	diags_free(&d);
	struct buf *b = &m->parts[0];
	struct digest in = inputs_of(s);
	buf_add(b, MAGIC, MAGIC_LEN);
	buf_add(b, &m->carto, sizeof(m->carto));
	buf_add(b, &in, sizeof(in));
	put_u32(b, s->n_organismes);
	struct digest_ctx *k = digest_new();	/* of every part but the last */
	for (size_t i = 0; i + 1 < m->n_parts; i++)
		digest_add(k, m->parts[i].data, m->parts[i].len);
	struct digest all = digest_end(k);
	buf_add(&m->parts[m->n_parts - 1], &all, sizeof(all));
	free(same);
	free(pl.key);
	free(pl.at);
	return atomic_load(&r.failed) ? -1 : 0;
}

size_t suites_memo_index(struct suites_memo *m, struct site *s, int jobs, struct arena *keep)
{
	read_wait(m);
	size_t no = 0, searched = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		no += s->organismes[i]->n_offres;
	unsigned char *redo = xmalloc(no + 1);
	memset(redo, 1, no + 1);
	int ids = 1;	/* every organisation has one (validation: once) */
	for (size_t i = 0; i < s->n_organismes && ids; i++)
		ids = s->organismes[i]->id.s != NULL;
	struct digest in = inputs_of(s);
	if (ids && m->valid && digest_eq(&in, &m->inputs))
		put_back(m, s, redo, jobs, keep);
	for (size_t i = 0; i < no; i++)
		searched += redo[i];
	if (searched)
		index_suites_redo(s, jobs, redo, keep);
	m->dirty = searched && ids && record(m, s, redo, jobs) == 0;
	if (!m->dirty)
		parts_free(m);
	free(redo);
	return searched;
}

/* Writes the memo's parts (suites_memo_save's thread). Returns 0 or -1. */
static int write_memo(struct suites_memo *m)
{
	struct buf tmp = BUF_INIT;
	const char *slash = strrchr(m->path, '/');
	struct stat st;
	if (slash) {	/* the cache's folder, made on a first build only (a
			 * rebuild makes no folder it has: tests/site.sh) */
		buf_add(&tmp, m->path, (size_t)(slash - m->path));
		if (tmp.len && !(stat(tmp.data, &st) == 0 && S_ISDIR(st.st_mode)) && mkdir(tmp.data, 0755) < 0 &&
		    errno != EEXIST) {
			buf_release(&tmp);
			return -1;
		}
		buf_reset(&tmp);
	}
	/* A file this build mapped was cut short by another program (the
	 * load snapshot, this memo): the suites may have been searched in
	 * the 0s read in its place. The memo is not kept. */
	if (fs_views_cut() != m->views_cut) {
		buf_release(&tmp);
		parts_free(m);
		m->dirty = 0;
		unlink(m->path);
		errno = EIO;
		return -1;
	}
	buf_printf(&tmp, "%s.%ld.tmp", m->path, (long)getpid());
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = fd < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < m->n_parts; i++)
		rc = fs_write_fd(fd, m->parts[i].data, m->parts[i].len);
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0)
		rc = fs_replace(tmp.data, m->path);
	int e = errno;
	if (rc < 0 && fd >= 0)
		unlink(tmp.data);
	buf_release(&tmp);
	parts_free(m);
	m->dirty = 0;
	errno = e;
	return rc;
}

static void *write_job(void *arg)
{
	struct suites_memo *m = arg;
	if (m->pause)
		sleep(m->pause);
	write_memo(m);
	return NULL;
}

void suites_memo_save(struct suites_memo *m, unsigned pause)
{
	if (!m)
		return;
	read_wait(m);
	if (!m->dirty || m->writing)
		return;
	m->pause = pause;
	m->writing = pthread_create(&m->writer, NULL, write_job, m) == 0;
	if (!m->writing)
		write_memo(m);
}

void suites_memo_free(struct suites_memo *m)
{
	if (!m)
		return;
	read_wait(m);
	if (m->writing)
		pthread_join(m->writer, NULL);
	fs_view_close(&m->file);
	parts_free(m);
	free(m->orgs);
	free(m->n_suites);
	free(m->at);
	free(m->path);
	free(m);
}
