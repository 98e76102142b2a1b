/*
 * carto import lheo. Start at lheo_import: for each file, the territory and
 * the mapping table are read, then lheo_read streams the formations to
 * lheo_on_formation, which turns each action into records (lheo_imp.h): its
 * offer and lieux already rendered as YAML, its ids, and the organisation as
 * the formation describes it. The records go through an external sort
 * (lheo_sort.h) by organisation, with the blocks of the previous import, so
 * memory does not grow with the file: at the end, write_file takes the
 * organisations one at a time in the order of their ids, gives the ids of
 * their lieux and offers, writes the block and compares it with the previous
 * import's, into a temporary file renamed over the previous import when
 * every file was read without error.
 */
#define _GNU_SOURCE	/* O_TMPFILE */

#include <errno.h>
#include <fcntl.h>
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
	"organisation already in",	/* followed by the first file met (summary) */
};

/* ---- output ---- */

/* The hash of an organisation's block, to compare it with the previous
 * import: eight bytes at a time, whatever the pieces it is given in (the
 * previous file is hashed line by line, the new one as it is written). */
struct bhash {
	uint64_t h, w;
	unsigned n;		/* bytes waiting in w */
};

static void bh_init(struct bhash *s)
{
	s->h = 1469598103934665603ull;
	s->w = 0;
	s->n = 0;
}

static void bh_mix(struct bhash *s, uint64_t v)
{
	s->h = (s->h ^ v) * 0x9E3779B97F4A7C15ull;
	s->h ^= s->h >> 29;
}

static void bh_add(struct bhash *s, const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	for (; len && s->n; len--, u++) {
		s->w |= (uint64_t)*u << (8 * s->n);
		if (++s->n == 8) {
			bh_mix(s, s->w);
			s->w = 0;
			s->n = 0;
		}
	}
	for (; len >= 8; len -= 8, u += 8)
		bh_mix(s, (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 |
		    (uint64_t)u[3] << 24 | (uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 |
		    (uint64_t)u[6] << 48 | (uint64_t)u[7] << 56);
	for (; len; len--, u++)
		s->w |= (uint64_t)*u << (8 * s->n++);
}

static uint64_t bh_end(struct bhash *s)
{
	bh_mix(s, s->w ^ (uint64_t)s->n << 59);
	return s->h;
}

/* The organisation being written: its records come out of the sort kind by
 * kind (lheo_imp.h). Everything lives in a, reset at the next one. */
struct grp {
	struct arena a;
	struct strmap ids;		/* ids taken by its lieux and offers */
	struct strmap lieux;		/* hash of a lieu (hex) -> its id */
	const char **offre_ids;		/* the offers' ids, in order */
	size_t n_offres, cap_ids, next_offre;
	const char *id, *siret, *nom, *site_web;
	const char *out_id;		/* the id written: the carto extras', else id */
	const char *nature, *labels;	/* from the carto extras, or NULL */
	const char *taken;		/* where the site has it already: skipped */
	struct contact_c c;
	uint32_t line;
	int maj, have_org, head, offres_head;
	size_t n_taken;			/* its actions skipped */
	int prev;			/* the previous import had it */
	const char *prev_id;		/* under this id */
	uint64_t prev_hash;
	struct bhash hash;
};

struct wr {
	struct imp *im;
	FILE *w;
	struct buf b;
	int any;			/* "organismes:" written */
	int day;			/* mise_a_jour when the file gives none */
	struct grp g;
	struct diags pending;		/* what on_org says of the organisation
					 * (its address, contact, extras), said
					 * by end_org only when it is written: a
					 * national export's organisations
					 * outside the territory say nothing */
};

static void put(struct wr *o, const char *p, size_t n)
{
	bh_add(&o->g.hash, p, n);
	fwrite(p, 1, n, o->w);
}

static void put_b(struct wr *o)
{
	put(o, o->b.data, o->b.len);
	buf_reset(&o->b);
}

static const char *take_id(struct grp *g, struct buf *b)
{
	size_t base = b->len;
	for (int k = 2; strmap_get(&g->ids, b->data); k++) {
		buf_truncate(b, base);
		buf_printf(b, "-%d", k);
	}
	const char *id = arena_strndup(&g->a, b->data, b->len);
	strmap_put(&g->ids, id, (void *)id);
	return id;
}

static void hex_key(char out[17], uint64_t h)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = hex[h & 15];
	out[16] = '\0';
}

static void write_head(struct wr *o)
{
	struct grp *g = &o->g;
	struct buf *b = &o->b;
	if (g->head)
		return;
	g->head = 1;
	if (!o->any)
		fputs("organismes:\n", o->w);
	o->any = 1;
	lheo_cat(b, "  - id: ", g->out_id, "\n    nom: ", NULL);
	lheo_yq(b, g->nom);
	lheo_cat(b, "\n    siret: \"", g->siret, "\"\n", NULL);
	if (g->nature)
		lheo_cat(b, "    nature: ", g->nature, "\n", NULL);
	if (g->labels)
		lheo_cat(b, "    labels: [", g->labels, "]\n", NULL);
	if (g->site_web) {
		buf_puts(b, "    site_web: ");
		lheo_yq(b, g->site_web);
		buf_putc(b, '\n');
	}
	lheo_write_contact(b, "    ", &g->c);
	buf_puts(b, "    lieux:\n");
	put_b(o);
}

static const char *keep(struct grp *g, const char *s)
{
	return s ? arena_strndup(&g->a, s, strlen(s)) : NULL;
}

static void get_contact(const char **p, const char *end, struct contact_raw *c)
{
	c->present = (int)lheo_get_u32(p, end);
	c->line = lheo_get_u32(p, end);
	c->nom = lheo_get_str(p, end);
	c->tel = lheo_get_str(p, end);
	c->mail = lheo_get_str(p, end);
}

/* Whether the site has the organisation in another file already (its SIRET,
 * or the id it would be written with): then it is skipped (on_offre says so
 * at its first action), so that the file written passes carto check. An id
 * of the carto extras that another organisation has gives way to
 * lheo-<SIRET>, with a warning at line. The organisation is then taken too:
 * its id when it is the extras' (lheo-<SIRET> is unique in the file, so
 * memory does not grow with it), and its SIRET as well when another file of
 * the run comes next (im->keep_taken). */
static void check_taken(struct wr *o, uint32_t line)
{
	struct grp *g = &o->g;
	struct imp *im = o->im;
	struct lheo_taken *t = im->taken;
	const char *w = strmap_get(&t->sirets, g->siret), *wi;
	if (!w && g->out_id != g->id && (wi = strmap_get(&t->ids, g->out_id))) {
		lheo_warn(im, line, "organisation id '%s' of the carto extras is already used in %s: %s written",
		    g->out_id, wi, g->id);
		g->out_id = g->id;
	}
	if (!w)
		w = strmap_get(&t->ids, g->out_id);
	if (w) {
		g->taken = keep(g, w);
		size_t len = strcspn(w, ":");
		if (!im->taken_where)
			im->taken_where = xstrndup(w, len);
		else if (strlen(im->taken_where) != len || strncmp(im->taken_where, w, len))
			im->taken_files = 1;
	} else if (im->keep_taken || g->out_id != g->id)
		lheo_taken_add(t, g->out_id, g->siret, im->outname, 0);
}

/* The id, nature and labels of the carto extras of the organisation's first
 * formation (at line), checked like any input: what is wrong is left out
 * with a warning (a bad id gives way to lheo-<SIRET>). */
static void org_extras(struct wr *o, uint32_t line, const char *id, const char *nature,
    const char *labels)
{
	struct grp *g = &o->g;
	struct imp *im = o->im;
	const struct vocab *v = &im->map->vocab;
	g->out_id = lheo_id_ok(im, id, "organisation", line) ? keep(g, id) : g->id;
	if (g->out_id != g->id && strncmp(id, "lheo-", 5) == 0 && strcmp(id, g->id) != 0) {
		lheo_warn(im, line, "organisation id '%s' of the carto extras is that of another SIRET "
		    "(lheo-<SIRET> names imported organisations): %s written", id, g->id);
		g->out_id = g->id;
	}
	if (nature && !strmap_get(&v->natures.by_code, nature))
		lheo_warn(im, line, "nature '%s' of the carto extras is not in the site's lists: left out", nature);
	else
		g->nature = keep(g, nature);
	struct buf *t = &o->b;
	buf_reset(t);
	char *copy = labels ? xstrndup(labels, strlen(labels)) : NULL, *save = NULL;
	for (char *c = copy ? strtok_r(copy, " ", &save) : NULL; c; c = strtok_r(NULL, " ", &save)) {
		if (strmap_get(&v->labels.by_code, c))
			lheo_cat(t, t->len ? ", " : "", c, NULL);
		else
			lheo_warn(im, line, "label '%s' of the carto extras is not in the site's lists: left out", c);
	}
	free(copy);
	g->labels = t->len ? keep(g, t->data) : NULL;
	buf_reset(t);
}

/* A formation's organisation: the first one read makes it (and reports its
 * problems, once), the next ones are checked against it. */
static void take_org(struct wr *o, const char *p, const char *end)
{
	struct grp *g = &o->g;
	struct imp *im = o->im;
	uint32_t line = lheo_get_u32(&p, end);
	int maj = (int)lheo_get_u32(&p, end);
	const char *nom = lheo_get_str(&p, end);
	uint32_t co_line = lheo_get_u32(&p, end);
	const char *url = lheo_get_str(&p, end);
	if (g->have_org) {
		if (nom && strcmp(nom, g->nom) != 0)
			lheo_warn(im, line, "SIRET %s is named '%s' here and '%s' at line %u: '%s' kept", g->siret,
			    nom, g->nom, g->line, g->nom);
		if (maj > g->maj)
			g->maj = maj;
		return;
	}
	g->have_org = 1;
	g->line = line;
	g->maj = maj;
	if (!nom) {
		lheo_warn(im, line, "organisation %s has no nom-organisme nor raison-sociale: named by its SIRET",
		    g->siret);
		nom = g->id;
	}
	g->nom = keep(g, nom);
	g->site_web = keep(g, lheo_fix_url(im, url, co_line));
	struct contact_raw ca, cb;
	get_contact(&p, end, &ca);
	get_contact(&p, end, &cb);
	const char *want = lheo_get_str(&p, end);
	const char *nature = lheo_get_str(&p, end), *labels = lheo_get_str(&p, end);
	org_extras(o, line, want, nature, labels);
	check_taken(o, line);
	lheo_check_contact(im, &ca, &g->c);
	if (!g->c.tel && !g->c.mail)
		lheo_check_contact(im, &cb, &g->c);
	g->c.nom = keep(g, g->c.nom);
	g->c.tel = keep(g, g->c.tel);
	g->c.mail = keep(g, g->c.mail);
	arena_reset(&im->fa);
}

/* take_org, with what it says of the organisation kept in o->pending until
 * end_org knows whether the organisation is written. */
static void on_org(struct wr *o, const char *p, const char *end)
{
	struct diags *said = o->im->d;
	o->im->d = &o->pending;
	take_org(o, p, end);
	o->im->d = said;
}

/* An action's ids, in the order they were read: the offer's, then each new
 * lieu's (the commune's slug and the lieu's hash), each unique in the
 * organisation; a new lieu is written at once (lieux come before offers). */
static void on_ids(struct wr *o, const char *p, const char *end)
{
	struct grp *g = &o->g;
	struct buf *b = &o->b;
	buf_reset(b);
	const char *base = lheo_get_str(&p, end);
	if (g->taken)
		return;
	buf_puts(b, base ? base : "");
	g->offre_ids = xgrow(g->offre_ids, &g->cap_ids, g->n_offres + 1, sizeof(*g->offre_ids));
	g->offre_ids[g->n_offres++] = take_id(g, b);
	uint32_t nl = lheo_get_u32(&p, end);
	for (uint32_t i = 0; i < nl && p < end; i++) {
		uint64_t h = lheo_get_u64(&p, end);
		const char *slug = lheo_get_str(&p, end), *frag = lheo_get_str(&p, end);
		const char *want = lheo_get_str(&p, end);
		char k[17];
		hex_key(k, h);
		if (strmap_get(&g->lieux, k))
			continue;
		buf_reset(b);
		if (want)	/* the id carto's export gave it */
			buf_puts(b, want);
		else {
			buf_puts(b, slug ? slug : "");
			buf_putc(b, '-');
			buf_add(b, k + 10, 6);
		}
		const char *id = take_id(g, b);
		strmap_put(&g->lieux, arena_strndup(&g->a, k, 16), (void *)id);
		buf_reset(b);
		write_head(o);
		o->im->lieux++;
		lheo_cat(b, "      - id: ", id, "\n", NULL);
		put_b(o);
		if (frag)
			put(o, frag, strlen(frag));
	}
	buf_reset(b);
}

static const char *lieu_of(struct grp *g, uint64_t h)
{
	char k[17];
	hex_key(k, h);
	return strmap_get(&g->lieux, k);
}

static void on_offre(struct wr *o, const char *p, const char *end)
{
	struct grp *g = &o->g;
	struct buf *b = &o->b;
	int h = (int)lheo_get_u32(&p, end);
	uint32_t line = lheo_get_u32(&p, end), ns = lheo_get_u32(&p, end);
	uint32_t nl = lheo_get_u32(&p, end);
	if (g->taken) {
		struct imp *im = o->im;
		if (!g->n_taken++)
			lheo_warn(im, line, "organisation '%s' (SIRET %s) is already in %s: its actions are skipped",
			    g->out_id, g->siret, g->taken);
		lheo_skip_count(im, SK_TAKEN, line);
		im->skipped_actions++;
		im->offres--;
		im->sessions -= ns;
		return;
	}
	if (g->next_offre >= g->n_offres)
		return;
	write_head(o);
	if (!g->offres_head)
		buf_puts(b, "    offres:\n");
	g->offres_head = 1;
	lheo_cat(b, "      - id: ", g->offre_ids[g->next_offre++], "\n", NULL);
	put_b(o);
	buf_puts(b, "        lieux: [");
	for (uint32_t i = 0; i < nl && p < end; i++) {
		const char *l = lieu_of(g, lheo_get_u64(&p, end));
		lheo_cat(b, i ? ", " : "", l ? l : "", NULL);
	}
	buf_puts(b, "]\n");
	const char *y1 = lheo_get_str(&p, end), *y2 = lheo_get_str(&p, end);
	if (y1)
		put(o, y1, strlen(y1));
	put_b(o);
	if (y2)
		put(o, y2, strlen(y2));
	if (h > g->maj)
		g->maj = h;
}

/* Adds id to one of the lists of changes (first five ids, in order). */
static void diff_add(struct imp *im, int k, const char *id)
{
	if (im->n_diff[k] < 5)
		lheo_cat(&im->diff[k], im->n_diff[k] ? ", " : " (", id, NULL);
	im->n_diff[k]++;
}

/* The organisation's block is over: its meta, then how it compares with
 * the previous import. */
static void end_org(struct wr *o)
{
	struct grp *g = &o->g;
	struct imp *im = o->im;
	if (g->n_offres) {
		write_head(o);
		if (!g->offres_head)
			buf_puts(&o->b, "    offres:\n");
		int maj = g->maj ? g->maj : o->day;
		if (maj > im->today)
			maj = im->today;
		buf_puts(&o->b, "    meta:\n      source: import-lheo\n      mise_a_jour: ");
		lheo_put_date(&o->b, maj);
		buf_putc(&o->b, '\n');
		put_b(o);
		im->orgs++;
		im->undated += !g->maj;
		uint64_t h = bh_end(&g->hash);
		if (!g->prev)
			diff_add(im, 0, g->out_id);
		else if (h != g->prev_hash)
			diff_add(im, 1, g->out_id);
	} else if (g->prev)
		diff_add(im, 2, g->prev_id ? g->prev_id : g->id);
	if (g->n_offres)
		diags_merge(im->d, &o->pending);
	else
		diags_free(&o->pending);
	strmap_free(&g->ids);
	strmap_free(&g->lieux);
	arena_reset(&g->a);
	const char **ids = g->offre_ids;
	size_t cap = g->cap_ids;
	struct arena a = g->a;
	memset(g, 0, sizeof(*g));
	g->a = a;
	g->offre_ids = ids;
	g->cap_ids = cap;
}

/* A new organisation: its id is the key without its kind byte. */
static void begin_org(struct wr *o, const struct lheo_sort_rec *r)
{
	struct grp *g = &o->g;
	g->id = arena_strndup(&g->a, r->key, r->key_len - 1);
	g->siret = strncmp(g->id, "lheo-", 5) == 0 ? g->id + 5 : g->id;
	g->out_id = g->id;
	bh_init(&g->hash);
}

/* The file being written: an anonymous file of dir (O_TMPFILE) when the
 * system has them, so that nothing is left whatever the exit, even a kill,
 * with *keep a descriptor of it for commit_file; else path (*keep -1). */
static FILE *open_out(const char *dir, const char *path, int *keep)
{
	*keep = -1;
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (fd >= 0) {
		FILE *w = NULL;
		*keep = dup(fd);
		if (*keep >= 0)
			w = fdopen(fd, "w");
		if (w)
			return w;
		close(fd);
		if (*keep >= 0)
			close(*keep);
		*keep = -1;
	}
#endif
	(void)dir;
	return fopen(path, "w");
}

/* Copies the anonymous file fd to path (where linkat cannot give it a name). */
static int copy_out(int fd, const char *path)
{
	char b[1 << 16];
	ssize_t n;
	off_t off = 0;
	int rc = 0, out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (out < 0)
		return -1;
	while (rc == 0 && (n = pread(fd, b, sizeof(b), off)) > 0) {
		rc = write(out, b, (size_t)n) == n ? 0 : -1;
		off += n;
	}
	if (n < 0 || fsync(out) < 0)
		rc = -1;
	if (close(out) < 0)
		rc = -1;
	return rc;
}

/* Puts the file written in place of the previous import: the anonymous
 * file is given the temporary name, then renamed. */
static int commit_file(int keep, const char *tmp, const char *path)
{
	if (keep >= 0) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", keep);
		unlink(tmp);	/* left by a run of an older carto */
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0 && copy_out(keep, tmp) < 0) {
			unlink(tmp);
			return -1;
		}
	}
	return rename(tmp, path);
}

static int write_file(struct imp *im, const char *dir, const char *path, int *keep,
    const char *name, const char *version, int file_day)
{
	FILE *w = open_out(dir, path, keep);
	if (!w)
		return -1;
	struct wr o;
	memset(&o, 0, sizeof(o));
	o.im = im;
	o.w = w;
	o.b = (struct buf)BUF_INIT;
	o.day = file_day;
	setvbuf(w, NULL, _IOFBF, 1 << 16);
	fprintf(w, "# Imported by `carto import lheo` from %s (LHÉO %s). Do not edit: the next\n"
	    "# import of that file rewrites this one. Hand edits belong in other files of\n"
	    "# content/organismes/ (a new organisation in its own file).\n", name, version);
	struct lheo_sort_rec r;
	int got, rc = 0, open = 0;
	while ((got = lheo_sort_next(&im->sort, &r)) > 0) {
		if (!r.key_len)
			continue;
		if (open && (r.key_len - 1 != strlen(o.g.id) || memcmp(r.key, o.g.id, r.key_len - 1))) {
			end_org(&o);
			open = 0;
		}
		if (!open)
			begin_org(&o, &r);
		open = 1;
		const char *p = r.data, *end = r.data + r.data_len;
		switch (r.key[r.key_len - 1]) {
		case R_PREV:
			o.g.prev = 1;
			o.g.prev_hash = lheo_get_u64(&p, end);
			const char *pid = lheo_get_str(&p, end);
			o.g.prev_id = pid ? arena_strndup(&o.g.a, pid, strlen(pid)) : NULL;
			break;
		case R_ORG:
			on_org(&o, p, end);
			break;
		case R_IDS:
			on_ids(&o, p, end);
			break;
		case R_OFFRE:
			on_offre(&o, p, end);
			break;
		}
	}
	if (open)
		end_org(&o);
	if (got < 0)
		rc = -1;
	if (!o.any)
		fputs("organismes: []\n", w);
	if (fflush(w) != 0 || ferror(w) || fsync(fileno(w)) < 0)
		rc = -1;
	if (fclose(w) != 0)
		rc = -1;
	buf_release(&o.b);
	diags_free(&o.pending);
	strmap_free(&o.g.ids);
	strmap_free(&o.g.lieux);
	arena_free(&o.g.a);
	free(o.g.offre_ids);
	return rc;
}

/* The organisations of the previous import, each a record (R_PREV) of the
 * hash of its block ("  - id: " to the next line that is not indented) and
 * its id, under the key of its SIRET (its id may be the carto extras').
 * Reads our own output, line by line. */
static void scan_prev(struct imp *im, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct bhash h;
	struct buf id = BUF_INIT, key = BUF_INIT, rec = BUF_INIT;
	int in = 0;
	for (;;) {
		n = f ? getline(&line, &cap, f) : -1;
		if (in && (n <= 0 || line[0] != ' ' || strncmp(line, "  - id: ", 8) == 0)) {
			buf_reset(&rec);
			lheo_rec_u64(&rec, bh_end(&h));
			lheo_rec_str(&rec, id.data);
			if (!key.len)
				buf_puts(&key, id.data);
			buf_putc(&key, (char)R_PREV);
			if (!im->failed && lheo_sort_add(&im->sort, key.data, key.len, rec.data, rec.len) < 0) {
				im->failed = 1;
				im->err = errno;
			}
			in = 0;
		}
		if (n <= 0)
			break;
		if (strncmp(line, "  - id: ", 8) == 0) {
			buf_reset(&id);
			buf_add(&id, line + 8, strcspn(line + 8, "\n"));
			buf_reset(&key);
			bh_init(&h);
			in = 1;
		} else if (in && !key.len && strncmp(line, "    siret: \"", 12) == 0)
			buf_printf(&key, "lheo-%.*s", (int)strcspn(line + 12, "\"\n"), line + 12);
		if (in)
			bh_add(&h, line, (size_t)n);
	}
	buf_release(&id);
	buf_release(&key);
	buf_release(&rec);
	free(line);
	if (f)
		fclose(f);
}

static void summary(struct imp *im, const char *outname, FILE *out)
{
	size_t skipped = im->skipped_actions;
	fprintf(out, "%s -> %s: %zu organisation%s, %zu offer%s, %zu lieu%s, %zu session%s "
	    "(%zu formation%s, %zu action%s read)\n", im->shown, outname, im->orgs, diag_plural(im->orgs),
	    im->offres, diag_plural(im->offres), im->lieux, im->lieux == 1 ? "" : "x", im->sessions,
	    diag_plural(im->sessions), im->formations, diag_plural(im->formations), im->actions,
	    diag_plural(im->actions));
	if (skipped)
		fprintf(out, "  skipped: %zu action%s\n", skipped, diag_plural(skipped));
	for (size_t i = 0; i < SK_N; i++) {
		if (!im->skipped[i])
			continue;
		fprintf(out, "    %zu: %s%s%s%s (line", im->skipped[i], skip_reasons[i], i == SK_TAKEN ? " " : "",
		    i == SK_TAKEN ? im->taken_where : "", i == SK_TAKEN && im->taken_files ? " and other files" : "");
		for (size_t k = 0; k < im->skipped[i] && k < SKIP_LINES; k++)
			fprintf(out, "%s %u", k ? "," : "", im->skip_lines[i][k]);
		fprintf(out, "%s)\n", im->skipped[i] > SKIP_LINES ? ", …" : "");
	}
	if (!im->had_prev) {
		fprintf(out, "  first import of this file\n");
		return;
	}
	for (int k = 0; k < 3; k++)
		if (im->n_diff[k])
			buf_puts(&im->diff[k], im->n_diff[k] > 5 ? ", …)" : ")");
	fprintf(out, "  since the previous import: %zu added%s, %zu changed%s, %zu removed%s\n",
	    im->n_diff[0], im->diff[0].data, im->n_diff[1], im->diff[1].data, im->n_diff[2],
	    im->diff[2].data);
}

/* ---- driver ---- */

struct job {
	const char *xml;
	struct buf out, tmp, name;	/* the import file, its temporary, its name shown */
	int keep;			/* the anonymous file written (open_out), or -1 */
	struct imp im;
};

/* Every buffer of im, made empty (release 0) or released (1). */
static void imp_bufs(struct imp *im, int release)
{
	struct buf *bufs[] = { &im->key, &im->rec, &im->y, &im->t1, &im->t2, &im->tt, &im->fc, &im->md,
		&im->part, &im->mod, &im->diff[0], &im->diff[1], &im->diff[2] };
	size_t n = sizeof(bufs) / sizeof(*bufs), nl = sizeof(im->lieu_y) / sizeof(*im->lieu_y);
	for (size_t i = 0; i < n + nl; i++) {
		struct buf *b = i < n ? bufs[i] : &im->lieu_y[i - n];
		if (release)
			buf_release(b);
		else
			*b = (struct buf)BUF_INIT;
	}
}

static void imp_init(struct imp *im, const char *site)
{
	memset(im, 0, sizeof(*im));
	imp_bufs(im, 0);
	im->fa = (struct arena)ARENA_INIT;
	lheo_sort_init(&im->sort, site);
}

static void imp_free(struct imp *im)
{
	lheo_sort_free(&im->sort);
	arena_free(&im->fa);
	free(im->taken_where);
	imp_bufs(im, 1);
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

/* The file the job writes: its name relative to the site, its path and its
 * temporary. */
static void job_name(struct job *j, const char *site)
{
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
}

static int run_job(struct job *j, const char *site, const struct lheo_map *map,
    const struct site *terr, int today, struct lheo_taken *taken, struct diags *d)
{
	struct imp *im = &j->im;
	const char *base = strrchr(j->xml, '/');
	base = base ? base + 1 : j->xml;
	im->taken = taken;
	im->outname = j->name.data;
	im->shown = j->xml;
	im->d = d;
	im->map = map;
	im->terr = terr;
	im->today = today;
	const char *version = "2.3";
	size_t errors = d->errors;
	if (lheo_read(j->xml, j->xml, lheo_on_formation, im, &version, d) < 0 || d->errors > errors)
		return -1;
	im->had_prev = fs_exists(j->out.data);
	scan_prev(im, j->out.data);
	if (im->failed || lheo_sort_finish(&im->sort) < 0) {
		diag_add(d, j->xml, 0, 0, DIAG_ERROR, "cannot write the temporary file in %s: %s", site,
		    strerror(im->failed ? im->err : errno));
		return -1;
	}
	int day = file_day(j->xml);
	if (day > today)
		day = today;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/content/organismes", site);
	char *jail = realpath(site, NULL);
	const char *bad = jail ? fs_place_problem(fs_place(jail, dir)) : NULL;
	free(jail);
	if (bad) {	/* a link that leads out of the site: never written through */
		diag_add_msg(d, "content/organismes", 0, 0, DIAG_ERROR, bad);
		return -1;
	}
	if (fs_mkdirs(dir) < 0 || write_file(im, dir, j->tmp.data, &j->keep, base, version, day) < 0) {
		diag_add(d, j->name.data, 0, 0, DIAG_ERROR, "cannot write: %s", strerror(errno));
		if (j->keep < 0)
			unlink(j->tmp.data);
		return -1;
	}
	lheo_sort_free(&im->sort);	/* its spool is no longer needed */
	if (im->undated)
		diag_add(d, j->xml, 0, 0, DIAG_WARNING, "%zu organisation%s without horodatage-modification: "
		    "mise_a_jour is the file's date, %04d-%02d-%02d", im->undated, im->undated > 1 ? "s" : "",
		    day / 10000, day / 100 % 100, day % 100);
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
	int rc = lheo_map_read(&map, site, share, 0, d);
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
	if (rc == 0 && geo_read(&terr.geo, geo.data, shown, jail, &ga, NULL, d) < 0)
		rc = -1;
	free(jail);
	struct job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	char **names = xcalloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		jobs[i].xml = files[i];
		jobs[i].out = jobs[i].tmp = jobs[i].name = (struct buf)BUF_INIT;
		jobs[i].keep = -1;
		imp_init(&jobs[i].im, site);
		job_name(&jobs[i], site);
		names[i] = jobs[i].name.data;
	}
	struct lheo_taken taken = { ARENA_INIT, STRMAP_INIT, STRMAP_INIT };
	int ready = rc == 0;
	if (ready)	/* the files this run writes are rewritten: not taken */
		lheo_taken_read(&taken, site, names, n);
	for (size_t i = 0; i < n; i++) {
		if (!ready)
			continue;
		jobs[i].im.keep_taken = i + 1 < n;
		if (run_job(&jobs[i], site, &map, &terr, today, &taken, d) < 0)
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
			summary(&j->im, j->name.data, out);
			if (commit_file(j->keep, j->tmp.data, j->out.data) < 0) {
				diag_add(d, j->name.data, 0, 0, DIAG_ERROR, "cannot write: %s", strerror(errno));
				rc = -1;
			}
		} else if (j->tmp.len && j->keep < 0)
			unlink(j->tmp.data);
		if (j->keep >= 0)
			close(j->keep);
		imp_free(&j->im);
		buf_release(&j->out);
		buf_release(&j->tmp);
		buf_release(&j->name);
	}
	free(jobs);
	free(names);
	lheo_taken_free(&taken);
	strmap_free(&terr.geo.by_code);
	arena_free(&ga);
	buf_release(&geo);
	lheo_map_free(&map);
	return rc;
}
