/*
 * The loading stage: lists the site's files (refusing symbolic links that
 * leave the site), then reads and converts them on the job pool (base/pool.c),
 * a file per job, and assembles the model in file order so that the result
 * does not depend on scheduling. Each file keeps its own diagnostics, handed
 * over in file order. Start at load_site.
 *
 * carto serve keeps a loader (struct loader) between builds: a refresh lists
 * the files again, stamps each (device, inode, size, modification and change
 * times; the territory's folder by every file in it), and reads again only
 * the organisation files and pages whose stamp moved, replacing their part
 * of the model and replaying the diagnostics the others gave when read. A
 * change to any other file (site.yaml, vocabularies, référentiels,
 * correspondences, cartographies, territory: what every document reads) or
 * to a quarter of the files reads the whole site again. The files read
 * again go into an arena of their own (a batch), freed once none of its
 * files is in the model any more. What replaced files leave in arenas still
 * in use is counted (by the size of those files): when it passes half the
 * size of the files in the model, or after BATCH_MAX batches, the refresh
 * reads everything, so memory stays bounded by the data however many saves.
 */
#define _GNU_SOURCE	/* O_PATH */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/fsrec.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../text/markdown.h"
#include "model.h"
#include "orgrec.h"
#include "snap.h"

enum task_kind { T_GEO, T_SITE, T_VOCAB, T_REF, T_CORR, T_ORG, T_CARTO, T_PAGE };

struct task {
	enum task_kind kind;
	char *rel;		/* path relative to the site */
	char *shown;		/* path as shown in diagnostics */
	char *path;		/* path to open */
	const char *jail;	/* the site's realpath, or NULL for carto's files */
	void *result;		/* the converted object(s) */
	size_t count;		/* organisations in an organisation file */
	struct digest src;	/* of the bytes read */
	size_t bytes;		/* how many */
	struct diags d;		/* what reading it reported */
	struct digest stamp;	/* of its stat (loader only) */
	struct batch *batch;	/* the arena of result (loader), NULL: the site's */
	int kept;		/* loader: moved into the next list */
	int known;		/* an organisation file whose identity the
				 * snapshot knows: taken in a second round,
				 * once the other inputs are (orgrec.h) */
	int looked;		/* st and stated set by look_orgs */
	int stated;		/* st is a regular file's identity */
	struct stat st;		/* taken before its bytes are read */
};

/* Files read again by a refresh, in one arena; freed when none is left in
 * the model. */
struct batch {
	struct arena a;
	size_t live;		/* tasks whose result is in a */
	size_t dead;		/* bytes of the files whose result is no more */
	struct batch *next;
};

struct walk {
	const char *root, *real;
	const char *prefix;	/* "" or "<site>/", put before paths shown */
	struct task *v;
	size_t n, cap;
	struct diags *d;
	char *reported;		/* the last path refused, reported once */
};

/* What every loading job reads: the task list and the site being filled.
 * A worker's keep arena holds the model it converts (merged into the site's
 * arena at the end); its scratch arena holds one file's YAML tree. */
struct load_ctx {
	struct walk *w;
	struct site *s;
	const size_t *pick;	/* the tasks to run (NULL: all) */
	struct snap *snap;	/* trees parsed by earlier builds, or NULL */
	int rounds;		/* organisation files known by identity wait
				 * for a second round (load_site) */
	struct referentiel **refs;	/* in the second round: the site's */
	size_t n_refs;
};

static void add_task(struct walk *w, enum task_kind k, const char *rel)
{
	struct buf p = BUF_INIT;
	w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof(*w->v));
	struct task *t = &w->v[w->n++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->rel = xstrdup(rel);
	buf_puts(&p, w->prefix);
	buf_puts(&p, rel);
	t->shown = buf_detach(&p, NULL);
	fs_join(&p, w->root, rel);
	t->path = buf_detach(&p, NULL);
	t->jail = w->real;
}

/* Returns 1 when rel (a file or folder of the site) is inside the site once
 * its symbolic links are followed, or missing. If not, reports the first
 * folder of rel that goes wrong (content, for content/pages when content is
 * the link), once even when several walks go through it. */
static int place_ok(struct walk *w, const char *rel)
{
	struct buf p = BUF_INIT;
	const char *bad = NULL;
	size_t at = 0;
	while (!bad) {
		at += strcspn(rel + at, "/");
		buf_reset(&p);
		buf_printf(&p, "%s/%.*s", w->root, (int)at, rel);
		bad = fs_place_problem(fs_place(w->real, p.data));
		if (bad || !rel[at])
			break;
		at++;
	}
	if (bad) {
		buf_reset(&p);
		buf_printf(&p, "%s%.*s", w->prefix, (int)at, rel);
		if (!w->reported || strcmp(w->reported, p.data) != 0) {
			diag_add_msg(w->d, p.data, 0, 0, DIAG_ERROR, bad);
			free(w->reported);
			w->reported = xstrdup(p.data);
		}
	}
	buf_release(&p);
	return !bad;
}

/* Returns 1 when a link at rel resolves inside the site, with the kind of
 * what it points to; reports it if not. */
static int link_ok(struct walk *w, const char *rel, enum fs_kind *kind)
{
	if (!place_ok(w, rel))
		return 0;
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, rel);
	*kind = fs_is_dir(p.data) ? FS_DIR : FS_FILE;
	buf_release(&p);
	return 1;
}

static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcmp(name + n - e, ext) == 0;
}

/* Adds a task for every file under rel with extension ext (recursively when
 * deep), in sorted order. */
static void walk_dir(struct walk *w, const char *rel, const char *ext,
    enum task_kind k, int deep)
{
	struct buf p = BUF_INIT, sub = BUF_INIT;
	if (!place_ok(w, rel))	/* content/pages -> /elsewhere */
		return;
	fs_join(&p, w->root, rel);
	struct fs_entry *v;
	size_t n;
	if (fs_list(p.data, &v, &n) < 0) {
		if (errno != ENOENT)
			diag_add(w->d, p.data, 0, 0, DIAG_ERROR, "cannot list folder: %s", strerror(errno));
		buf_release(&p);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		enum fs_kind kind = v[i].kind;
		if (v[i].name[0] == '.')
			continue;
		fs_join(&sub, rel, v[i].name);
		if (kind == FS_LINK && !link_ok(w, sub.data, &kind))
			continue;
		if (kind == FS_DIR && deep)
			walk_dir(w, sub.data, ext, k, deep);
		else if (kind == FS_FILE && has_ext(v[i].name, ext))
			add_task(w, k, sub.data);
		else if (kind == FS_FILE && has_ext(v[i].name, ".yml")) {
			buf_reset(&p);
			buf_printf(&p, "%s%s", w->prefix, sub.data);
			diag_add(w->d, p.data, 0, 0, DIAG_WARNING, "ignored: name YAML files *.yaml");
		} else if ((kind == FS_OTHER || (kind == FS_DIR && !deep)) && has_ext(v[i].name, ext)) {
			/* Named as content but not read (a pipe would block the
			 * load): said, so that it is not taken for read. */
			buf_reset(&p);
			buf_printf(&p, "%s%s", w->prefix, sub.data);
			diag_add(w->d, p.data, 0, 0, DIAG_WARNING, "ignored: %s, not a file",
			    kind == FS_DIR ? "a folder" : "a pipe, socket or device");
		}
	}
	fs_entries_free(v, n);
	buf_release(&p);
	buf_release(&sub);
}

static void walk_site(struct walk *w)
{
	if (place_ok(w, "site.yaml"))
		add_task(w, T_SITE, "site.yaml");
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, "referentiels/vocabulaires.yaml");
	if (fs_exists(p.data)) {
		/* A link that leaves the site is reported by the walk of referentiels/. */
		if (fs_place(w->real, p.data) == FS_INSIDE)
			add_task(w, T_VOCAB, "referentiels/vocabulaires.yaml");
	} else {
		buf_reset(&p);
		buf_printf(&p, "%sreferentiels/vocabulaires.yaml", w->prefix);
		diag_add(w->d, p.data, 0, 0, DIAG_ERROR,
		    "missing: the closed lists (types_offre, parcours, publics…) are required");
	}
	buf_release(&p);
	size_t first = w->n;
	walk_dir(w, "referentiels", ".yaml", T_REF, 0);
	/* The closed lists and the LHÉO mapping table of carto import lheo are
	 * not référentiels. */
	for (size_t i = first; i < w->n;)
		if (strcmp(w->v[i].rel, "referentiels/vocabulaires.yaml") == 0 ||
		    strcmp(w->v[i].rel, "referentiels/lheo.yaml") == 0) {
			free(w->v[i].rel);
			free(w->v[i].shown);
			free(w->v[i].path);
			memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof(*w->v));
			w->n--;
		} else
			i++;
	walk_dir(w, "referentiels/correspondances", ".yaml", T_CORR, 0);
	walk_dir(w, "content/organismes", ".yaml", T_ORG, 1);
	walk_dir(w, "content/cartographies", ".yaml", T_CARTO, 0);
	walk_dir(w, "content/pages", ".md", T_PAGE, 1);
}

/* The file's name without folder and extension. */
static char *stem(struct arena *a, const char *rel)
{
	const char *b = strrchr(rel, '/');
	b = b ? b + 1 : rel;
	const char *dot = strrchr(b, '.');
	return arena_strndup(a, b, dot ? (size_t)(dot - b) : strlen(b));
}

static void convert_orgs(struct rd *r, const struct ynode *root, struct task *t)
{
	static const char *const keys[] = { "organisme", "organismes", NULL };
	rd_keys(r, root, keys);
	const struct ynode *one = ytree_get(root, "organisme");
	const struct ynode *many = ytree_get(root, "organismes");
	if (one && many) {
		rd_error(r, root, "a file holds either 'organisme' or 'organismes', not both");
		return;
	}
	if (!one && !many) {
		rd_error(r, root, "missing 'organisme' (one organisation) or 'organismes' (a list)");
		return;
	}
	const struct ynode *const *items = &one;
	size_t n = 1;
	if (many) {
		if (!(many = rd_node(r, root, "organismes", Y_SEQ, REQ)))
			return;
		items = (const struct ynode *const *)many->u.items;
		n = many->n;
	} else if (!(one = rd_node(r, root, "organisme", Y_MAP, REQ)))
		return;
	struct organisme *v = arena_alloc(r->a, n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (items[i]->kind != Y_MAP) {
			rd_error(r, items[i], "an organisation must be a mapping");
			continue;
		}
		struct buf tree = BUF_INIT;	/* what org_read reads of the file */
		snap_encode(&tree, items[i]);
		v[t->count].own = digest_bytes(tree.data, tree.len);
		buf_release(&tree);
		org_read(r, items[i], &v[t->count++]);
	}
	t->result = v;
}

static void convert(struct load_ctx *wk, struct task *t, struct rd *r,
    const struct ynode *root)
{
	if (!root) {
		diag_add(r->d, r->file, 1, 1, DIAG_ERROR, "empty file");
		return;
	}
	if (root->kind != Y_MAP) {
		rd_error(r, root, "the file must hold a mapping at its top level");
		return;
	}
	switch (t->kind) {
	case T_SITE:
		site_read(r, root, wk->s);
		t->result = wk->s;
		break;
	case T_VOCAB:
		vocab_read(r, root, &wk->s->vocab);
		t->result = &wk->s->vocab;
		break;
	case T_REF:
		t->result = referentiel_read(r, root, stem(r->a, t->rel));
		break;
	case T_CORR:
		t->result = corr_read(r, root, stem(r->a, t->rel));
		break;
	case T_CARTO:
		t->result = carto_read(r, root, stem(r->a, t->rel));
		break;
	case T_ORG:
		convert_orgs(r, root, t);
		break;
	case T_GEO:
	case T_PAGE:
		break;	/* handled before parsing */
	}
}

static int run_task(void *ctx, size_t i, struct pool_worker *pw)
{
	struct load_ctx *wk = ctx;
	struct task *t = &wk->w->v[wk->pick ? wk->pick[i] : i];
	struct buf *b = &pw->out;
	struct rd r = { &pw->keep, &t->d, NULL };
	r.file = arena_strdup(&pw->keep, t->shown);
	if (t->kind == T_GEO) {
		geo_read(&wk->s->geo, t->path, t->shown, t->jail, &pw->keep, wk->snap, &t->d);
		return 0;
	}
	/* A YAML file whose identity is the one the last load read: its
	 * digest is the recorded one, its tree the snapshot's, and its bytes
	 * are not read (snap.h). The recorder of the build's inputs notes it
	 * as fs_read would have. */
	struct stat st;
	struct ynode *root = NULL;
	int failed = 0, second = t->known;
	if (second) {
		/* Its organisations as an earlier build converted and checked
		 * them, else its tree, else its bytes (its identity is noted
		 * by second_round's noter). */
		t->known = 0;
		struct digest key = orgrec_key(&t->src, &wk->s->inputs, wk->s->today);
		struct organisme *v;
		if (orgrec_take(wk->snap, &key, wk->s, wk->refs, wk->n_refs, &pw->keep, r.file, &t->src,
		    &t->d, &v, &t->count)) {
			t->result = v;
			return 0;
		}
		if (snap_take(wk->snap, &t->src, r.file, &pw->scratch, &t->d, &root)) {
			convert(wk, t, &r, root);
			for (size_t k = 0; t->result && k < t->count; k++)
				((struct organisme *)t->result)[k].src = t->src;
			return 0;
		}
	}
	int stated;
	if (t->looked && !second) {
		st = t->st;
		stated = t->stated;
	} else
		stated = wk->snap && t->kind != T_PAGE && !second && stat(t->path, &st) == 0 &&
		    S_ISREG(st.st_mode);
	if (stated && wk->rounds && t->kind == T_ORG && (size_t)st.st_size <= LOAD_MAX_FILE &&
	    snap_known(wk->snap, t->path, &st, &t->src)) {
		t->bytes = (size_t)st.st_size;
		t->st = st;
		t->known = 1;	/* noted in the second round */
		return 0;
	}
	if (stated && (size_t)st.st_size <= LOAD_MAX_FILE &&
	    snap_take_known(wk->snap, t->path, &st, r.file, &pw->scratch, &t->d, &root, &t->src)) {
		fsrec_note(t->path, FSREC_FOLLOW, &st, 0);
		snap_note(wk->snap, t->path, &st, &t->src);
		t->bytes = (size_t)st.st_size;
	} else {
		buf_reset(b);
		if (fs_read(t->path, LOAD_MAX_FILE, b) < 0) {
			if (errno == EFBIG)
				diag_add(&t->d, r.file, 0, 0, DIAG_ERROR, "file too large: the limit is %u MiB",
				    LOAD_MAX_FILE >> 20);
			else
				diag_add(&t->d, r.file, 0, 0, DIAG_ERROR, "cannot read: %s", strerror(errno));
			return 0;
		}
		t->src = digest_bytes(b->data, b->len);
		t->bytes = b->len;
		if (stated)	/* st was taken before the bytes were read */
			snap_note(wk->snap, t->path, &st, &t->src);
		if (t->kind == T_PAGE) {
			t->result = page_read(&r, &pw->scratch, b->data, b->len, t->rel);
			if (t->result)
				((struct page *)t->result)->src = t->src;
			return 0;
		}
		if (!snap_take(wk->snap, &t->src, r.file, &pw->scratch, &t->d, &root)) {
			size_t from = t->d.n;
			root = ytree_load(b->data, b->len, r.file, 0, &pw->scratch, &t->d, &failed);
			if (!failed && root)
				snap_put(wk->snap, &t->src, root, &t->d, from);
		}
	}
	if (!failed)
		convert(wk, t, &r, root);
	for (size_t k = 0; t->kind == T_ORG && t->result && k < t->count; k++)
		((struct organisme *)t->result)[k].src = t->src;
	return 0;
}

#define APPEND(arr, n, item, type) do { \
	(arr) = xrealloc((arr), ((n) + 1) * sizeof(type)); \
	(arr)[(n)++] = (item); \
} while (0)

/* The site's digests of its inputs (model.h): every file's path, where it
 * comes from (the site or carto's share folder) and bytes, in file order. */
static void digest_inputs(struct site *s, const struct walk *w)
{
	struct digest_ctx *inputs = digest_new(), *model = digest_new();
	for (size_t i = 0; i < w->n; i++) {
		const struct task *t = &w->v[i];
		const struct digest *src = t->kind == T_GEO ? &s->geo.src : &t->src;
		for (int k = 0; k < 2; k++) {
			struct digest_ctx *c = k ? model : inputs;
			if (!k && (t->kind == T_ORG || t->kind == T_PAGE))
				continue;
			digest_num(c, t->kind);
			digest_str(c, t->rel);
			digest_num(c, t->jail != NULL);
			digest_fold(c, src);
		}
	}
	s->inputs = digest_end(inputs);
	s->model = digest_end(model);
}

static void assemble(struct site *s, struct walk *w)
{
	size_t norgs = 0;
	digest_inputs(s, w);
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].kind == T_ORG)
			norgs += w->v[i].count;
	s->organismes = xmalloc(norgs * sizeof(*s->organismes));
	for (size_t i = 0; i < w->n; i++) {
		struct task *t = &w->v[i];
		if (!t->result)
			continue;
		switch (t->kind) {
		case T_REF:
			APPEND(s->referentiels, s->n_referentiels, t->result, void *);
			break;
		case T_CORR:
			APPEND(s->correspondances, s->n_correspondances, t->result, void *);
			break;
		case T_CARTO:
			APPEND(s->cartographies, s->n_cartographies, t->result, void *);
			break;
		case T_PAGE:
			APPEND(s->pages, s->n_pages, t->result, void *);
			break;
		case T_ORG:
			for (size_t k = 0; k < t->count; k++)
				s->organismes[s->n_organismes++] = (struct organisme *)t->result + k;
			break;
		default:
			break;
		}
	}
}

/* The territory is one task, first in the list since it is the largest:
 * the site's referentiels/geo/, else the one in carto's share folder. Without
 * either, every commune would be unknown: one error says why instead, and
 * the site is not read. Returns 0 or -1. */
static int add_geo_task(struct walk *w, const char *share)
{
	struct buf p = BUF_INIT;
	fs_join(&p, w->root, "referentiels/geo");
	/* A link that leaves the site is reported; carto's territory stands in,
	 * so that one error is not followed by one per commune. */
	int rc = 0;
	if (place_ok(w, "referentiels/geo") && fs_is_dir(p.data)) {
		add_task(w, T_GEO, "referentiels/geo");
	} else if (share && (fs_join(&p, share, "referentiels/geo"), fs_is_dir(p.data))) {
		add_task(w, T_GEO, "referentiels/geo");
		struct task *t = &w->v[w->n - 1];
		free(t->path);
		free(t->shown);
		t->path = xstrdup(p.data);
		t->shown = xstrdup(p.data);
		t->jail = NULL;
	} else {
		diag_add(w->d, w->root, 0, 0, DIAG_ERROR,
		    "no territory: the site has no referentiels/geo/ and %s%s", share ? share : "",
		    share ? " has none either" : SHARE_MISSING);
		rc = -1;
	}
	buf_release(&p);
	return rc;
}

/* Puts into p what comes before the site's paths in what diagnostics show:
 * nothing for ".", else root and a slash. */
static void shown_prefix(struct buf *p, const char *root)
{
	if (strcmp(root, ".") != 0 && strcmp(root, "./") != 0)
		fs_join(p, root, "");
	if (p->len && p->data[p->len - 1] != '/')
		buf_putc(p, '/');
}

size_t load_shown_prefix(const struct site *s)
{
	struct buf p = BUF_INIT;
	shown_prefix(&p, s->root ? s->root : ".");
	size_t n = p.len;
	buf_release(&p);
	return n;
}

int load_refused(const struct site *s, const struct diags *d, const char *rel)
{
	struct buf p = BUF_INIT;
	shown_prefix(&p, s->root ? s->root : ".");
	size_t n = p.len, r = strlen(rel);
	int found = 0;
	for (size_t i = 0; i < d->n && !found; i++) {
		const char *f = d->v[i].file;
		if (d->v[i].sev != DIAG_ERROR || !f || strncmp(f, p.data, n) != 0)
			continue;
		f += n;
		size_t k = strlen(f);
		/* the folder, a folder above it (content, refused whole), or a
		 * file or folder under it */
		found = (k <= r && strncmp(rel, f, k) == 0 && (rel[k] == '\0' || rel[k] == '/')) ||
		    (k > r && strncmp(f, rel, r) == 0 && f[r] == '/');
	}
	buf_release(&p);
	return found;
}

/* Starts a walk of the site at root: checks it is one, lists its files
 * (the territory first). The walk's own problems go to d. Returns 0, or -1
 * when the site cannot be read at all; free it with walk_free either way. */
static int walk_begin(struct walk *w, const char *root, const char *share, struct diags *d)
{
	*w = (struct walk){ root, NULL, "", NULL, 0, 0, d, NULL };
	char *real = realpath(root, NULL);
	struct buf p = BUF_INIT;
	fs_join(&p, root, "site.yaml");
	if (!real || !fs_exists(p.data)) {
		diag_add(d, root, 0, 0, DIAG_ERROR, "not a site: no site.yaml in this folder");
		free(real);
		buf_release(&p);
		return -1;
	}
	w->real = real;
	buf_reset(&p);
	shown_prefix(&p, root);
	w->prefix = buf_detach(&p, NULL);
	if (add_geo_task(w, share) < 0)
		return -1;
	walk_site(w);
	return 0;
}

static void task_free(struct task *t)
{
	free(t->rel);
	free(t->shown);
	free(t->path);
	diags_free(&t->d);
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		task_free(&w->v[i]);
	free(w->v);
	free(w->reported);
	free((char *)w->real);
	if (w->real)	/* the prefix is set with it */
		free((char *)w->prefix);
	memset(w, 0, sizeof(*w));
}

/* Reads the tasks pick[0..n) (every task when pick is NULL) on the pool;
 * their results go to keep. */
static void read_tasks(struct site *s, struct walk *w, const size_t *pick, size_t n, int jobs,
    struct arena *keep, struct snap *snap)
{
	struct load_ctx lc = { w, s, pick, snap, !pick && snap, NULL, 0 };
	struct diags none = DIAGS_INIT;	/* a task reports into its own */
	pool_run(pick ? n : w->n, jobs, run_task, &lc, &none, keep);
	diags_free(&none);
}

/* The organisation files of the walk looked at (stat) on the pool, while
 * the snapshot is opened in its own thread (snap.h): the first round then
 * finds their identities taken. Their bytes are read after, if at all.
 * Each is looked at from its folder's descriptor (fstatat, following a
 * link as stat does), so the kernel walks the site's path once a folder,
 * not once a file. */
struct look {
	struct walk *w;
	size_t *pick;
	int *dir;		/* by job: its folder's descriptor, or -1 */
	size_t n;
};

static int look_task(void *ctx, size_t i, struct pool_worker *pw)
{
	(void)pw;
	struct look *lk = ctx;
	struct task *t = &lk->w->v[lk->pick[i]];
	const char *base = strrchr(t->path, '/');
	int rc = lk->dir[i] >= 0 && base ? fstatat(lk->dir[i], base + 1, &t->st, 0) : stat(t->path, &t->st);
	t->stated = rc == 0 && S_ISREG(t->st.st_mode);
	t->looked = 1;
	return 0;
}

static void look_orgs(struct walk *w, int jobs)
{
	struct look lk = { w, xmalloc((w->n + 1) * sizeof(size_t)), xmalloc((w->n + 1) * sizeof(int)), 0 };
	int *fds = NULL;
	size_t n_fds = 0, cap_fds = 0;
	const char *folder = NULL;	/* of the last task, and its length */
	size_t len = 0;
	for (size_t i = 0; i < w->n; i++) {
		if (w->v[i].kind != T_ORG)
			continue;
		const char *p = w->v[i].path, *slash = strrchr(p, '/');
		size_t l = slash ? (size_t)(slash - p) : 0;
		if (slash && !(folder && l == len && memcmp(p, folder, l) == 0)) {
			char *dir = xstrndup(p, l ? l : 1);
			fds = xgrow(fds, &cap_fds, n_fds + 1, sizeof(*fds));
			fds[n_fds++] = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			free(dir);
			folder = p;
			len = l;
		}
		lk.dir[lk.n] = slash ? fds[n_fds - 1] : -1;
		lk.pick[lk.n++] = i;
	}
	struct diags none = DIAGS_INIT;
	pool_run(lk.n, jobs, look_task, &lk, &none, NULL);
	diags_free(&none);
	for (size_t k = 0; k < n_fds; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	free(fds);
	free(lk.dir);
	free(lk.pick);
}

/* The notes of the files known by identity (the recorder of the build's
 * inputs, fsrec.h, as fs_read would have noted them, and the snapshot's
 * table for the next load), in a thread of its own beside the second
 * round: each note takes a lock, and taken from the pool's jobs, which do
 * little else, the lock made the workers run one at a time. */
struct noter {
	struct snap *snap;
	const struct task **v;
	struct digest *src;	/* copied: a job may read the file again */
	size_t n;
};

static void *note_known(void *arg)
{
	struct noter *nt = arg;
	fsrec_reserve(nt->n);
	for (size_t i = 0; i < nt->n; i++) {
		fsrec_note(nt->v[i]->path, FSREC_FOLLOW, &nt->v[i]->st, 0);
		snap_note(nt->snap, nt->v[i]->path, &nt->v[i]->st, &nt->src[i]);
	}
	return NULL;
}

/* The organisation files the first round left for their records
 * (orgrec.h): those are keyed on every other input, read by now. */
static void second_round(struct site *s, struct walk *w, int jobs, struct snap *snap)
{
	size_t *pick = xmalloc((w->n + 1) * sizeof(*pick)), n = 0;
	struct load_ctx lc = { w, s, pick, snap, 0, NULL, 0 };
	for (size_t i = 0; i < w->n; i++) {
		if (w->v[i].known)
			pick[n++] = i;
		else if (w->v[i].kind == T_REF && w->v[i].result)	/* as assemble lists them */
			APPEND(lc.refs, lc.n_refs, w->v[i].result, void *);
	}
	if (n) {
		struct noter nt = { snap, xmalloc(n * sizeof(*nt.v)), xmalloc(n * sizeof(*nt.src)), n };
		for (size_t k = 0; k < n; k++) {
			nt.v[k] = &w->v[pick[k]];
			nt.src[k] = w->v[pick[k]].src;
		}
		pthread_t th;
		int started = pthread_create(&th, NULL, note_known, &nt) == 0;
		digest_inputs(s, w);
		struct diags none = DIAGS_INIT;
		pool_run(n, jobs, run_task, &lc, &none, &s->arena);
		diags_free(&none);
		if (started)
			pthread_join(th, NULL);
		else
			note_known(&nt);
		free(nt.v);
		free(nt.src);
	}
	free(lc.refs);
	free(pick);
}

int load_site(struct site *s, const char *root, int jobs, struct snap *snap, struct diags *d)
{
	struct walk w;
	int rc = walk_begin(&w, root, s->share, d);
	s->arena.huge = 1;	/* the model: tens of megabytes on a large site */
	if (w.real)
		s->root = arena_strdup(&s->arena, root);
	if (rc == 0 && snap)
		look_orgs(&w, jobs);
	snap_ready(snap);	/* opened meanwhile (main.c) */
	if (rc == 0) {
		read_tasks(s, &w, NULL, 0, jobs, &s->arena, snap);
		second_round(s, &w, jobs, snap);
		assemble(s, &w);
		for (size_t i = 0; i < w.n; i++)	/* in file order */
			diags_merge(d, &w.v[i].d);
	}
	walk_free(&w);
	return rc;
}

/* ---- the loader of carto serve ---- */

#define BATCH_MAX 32

struct loader {
	char *root;
	const char *share;
	int jobs;
	struct site s;
	struct walk w;		/* the files of the model, with their results */
	int rc;			/* of the last full load */
	int loaded;
	struct batch *batches;
	size_t n_batches;
	size_t stale;		/* bytes of the files replaced whose results are
				 * still in the site's arena */
};

struct loader *loader_new(const char *root, const char *share, int jobs)
{
	struct loader *l = xcalloc(1, sizeof(*l));
	l->root = xstrdup(root);
	l->share = share;
	l->jobs = jobs;
	return l;
}

struct site *loader_site(struct loader *l)
{
	return &l->s;
}

/* The stamp of a task's file: what stat says of it, or of every file of
 * the territory's folder. A file that cannot be read gets its errno, so
 * that it is read again (and reported) until it can. */
static void stamp(struct task *t)
{
	struct digest_ctx *c = digest_new();
	struct stat st;
	struct fs_entry *v = NULL;
	size_t n = 0;
	struct buf p = BUF_INIT;
	if (t->kind == T_GEO && fs_list(t->path, &v, &n) == 0)
		for (size_t i = 0; i <= n; i++) {
			buf_reset(&p);
			if (i < n)
				fs_join(&p, t->path, v[i].name);
			else
				buf_puts(&p, t->path);
			digest_str(c, p.data);
			if (stat(p.data, &st) < 0) {
				digest_num(c, -errno);
				continue;
			}
			long long f[] = { (long long)st.st_dev, (long long)st.st_ino, (long long)st.st_size,
				st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec };
			for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++)
				digest_num(c, f[k]);
		}
	else if (stat(t->path, &st) < 0)
		digest_num(c, -errno);
	else {
		long long f[] = { (long long)st.st_dev, (long long)st.st_ino, (long long)st.st_size,
			st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
			(long long)st.st_mode };
		for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++)
			digest_num(c, f[k]);
	}
	fs_entries_free(v, n);
	buf_release(&p);
	t->stamp = digest_end(c);
}

static int incremental(enum task_kind k)
{
	return k == T_ORG || k == T_PAGE;
}

/* Takes a task's result out of the model: its batch loses it, a page's
 * tree is freed. */
static void release(struct loader *l, struct task *t)
{
	if (t->kind == T_PAGE && t->result)
		md_doc_free(((struct page *)t->result)->doc);
	if (t->batch) {
		t->batch->live--;
		t->batch->dead += t->bytes;
	} else
		l->stale += t->bytes;
	t->result = NULL;
}

/* Whether the memory held by replaced files calls for reading everything. */
static int too_stale(const struct loader *l)
{
	size_t stale = l->stale, live = 0;
	for (const struct batch *b = l->batches; b; b = b->next)
		stale += b->dead;
	for (size_t i = 0; i < l->w.n; i++)
		live += l->w.v[i].bytes;
	return stale > live / 2 || l->n_batches >= BATCH_MAX;
}

static void free_batches(struct loader *l, int all)
{
	for (struct batch **b = &l->batches; *b;) {
		struct batch *x = *b;
		if (all || !x->live) {
			*b = x->next;
			arena_free(&x->a);
			free(x);
			l->n_batches--;
		} else
			b = &x->next;
	}
}

/* Puts the model's lists back together from the tasks (after a refresh). */
static void reassemble(struct site *s, struct walk *w)
{
	free(s->referentiels);
	free(s->correspondances);
	free(s->cartographies);
	free(s->pages);
	free(s->organismes);
	s->referentiels = NULL;
	s->correspondances = NULL;
	s->cartographies = NULL;
	s->pages = NULL;
	s->organismes = NULL;
	s->n_referentiels = s->n_correspondances = s->n_cartographies = s->n_pages = 0;
	s->n_organismes = 0;
	assemble(s, w);
}

/* Copies every diagnostic of src into d. */
static void diags_copy(struct diags *d, const struct diags *src)
{
	for (size_t i = 0; i < src->n; i++)
		diag_add_msg(d, src->v[i].file, src->v[i].line, src->v[i].col, src->v[i].sev, src->v[i].msg);
}

static int full_load(struct loader *l, struct walk *w, int rc)
{
	site_free(&l->s);
	for (size_t i = 0; i < l->w.n; i++)	/* their results were in the site */
		l->w.v[i].result = NULL;
	walk_free(&l->w);
	free_batches(l, 1);
	memset(&l->s, 0, sizeof(l->s));
	l->s.share = l->share;
	if (w->real)
		l->s.root = arena_strdup(&l->s.arena, l->root);
	if (rc == 0) {
		for (size_t i = 0; i < w->n; i++)
			stamp(&w->v[i]);
		read_tasks(&l->s, w, NULL, 0, l->jobs, &l->s.arena, NULL);
		assemble(&l->s, w);
	}
	l->w = *w;
	l->rc = rc;
	l->loaded = 1;
	l->stale = 0;
	return rc;
}

/* Moves what old's tasks hold into the same files of w when their stamps
 * did not move; lists in *pick (of *n) the tasks of w to read again.
 * Returns -1 when the whole site must be read again. */
static int match(struct loader *l, struct walk *w, size_t **pick, size_t *n)
{
	struct walk *old = &l->w;
	struct strmap by_rel = { 0 };
	size_t g_new = 0;
	int rc = 0;
	*pick = xmalloc((w->n + 1) * sizeof(**pick));
	*n = 0;
	for (size_t i = 0; i < old->n; i++)
		if (incremental(old->v[i].kind))
			strmap_put(&by_rel, old->v[i].rel, &old->v[i]);
	for (size_t i = 0; i < w->n && rc == 0; i++) {
		struct task *t = &w->v[i];
		stamp(t);
		if (!incremental(t->kind)) {
			/* What every document reads: the same files, unchanged. */
			while (g_new < old->n && incremental(old->v[g_new].kind))
				g_new++;
			const struct task *o = g_new < old->n ? &old->v[g_new++] : NULL;
			rc = o && o->kind == t->kind && strcmp(o->rel, t->rel) == 0 &&
			    strcmp(o->path, t->path) == 0 && !o->jail == !t->jail &&
			    digest_eq(&o->stamp, &t->stamp) ? 0 : -1;
			if (rc == 0) {
				t->result = o->result;
				t->count = o->count;
				t->src = o->src;
				t->bytes = o->bytes;
			}
			continue;
		}
		struct task *o = strmap_get(&by_rel, t->rel);
		if (o && !o->kept && o->kind == t->kind && strcmp(o->path, t->path) == 0 &&
		    digest_eq(&o->stamp, &t->stamp)) {
			t->result = o->result;
			t->count = o->count;
			t->src = o->src;
			t->bytes = o->bytes;
			t->batch = o->batch;
			t->d = o->d;
			o->d = (struct diags)DIAGS_INIT;
			o->kept = 1;
		} else
			(*pick)[(*n)++] = i;
	}
	while (rc == 0 && g_new < old->n)	/* a global file gone */
		if (!incremental(old->v[g_new++].kind))
			rc = -1;
	if (rc == 0 && *n * 4 > w->n)	/* many files: as fast read all on the pool */
		rc = -1;
	strmap_free(&by_rel);
	return rc;
}

int loader_refresh(struct loader *l, struct diags *d, size_t *reread)
{
	struct walk w;
	int rc = walk_begin(&w, l->root, l->share, d);
	size_t *pick = NULL, n = 0;
	*reread = w.n;
	if (!l->loaded || rc < 0 || l->rc < 0 || too_stale(l) || match(l, &w, &pick, &n) < 0) {
		for (size_t i = 0; i < w.n; i++) {	/* undoes what match moved: all is read again */
			struct task *t = &w.v[i];
			diags_free(&t->d);
			t->result = NULL;
			t->count = 0;
			t->batch = NULL;
		}
		free(pick);
		rc = full_load(l, &w, rc);
	} else {
		struct batch *b = NULL;
		if (n) {
			b = xcalloc(1, sizeof(*b));
			read_tasks(&l->s, &w, pick, n, l->jobs, &b->a, NULL);
			for (size_t i = 0; i < n; i++)
				w.v[pick[i]].batch = b;
			b->live = n;
			b->next = l->batches;
			l->batches = b;
			l->n_batches++;
		}
		for (size_t i = 0; i < l->w.n; i++) {
			struct task *o = &l->w.v[i];
			if (incremental(o->kind) && !o->kept)
				release(l, o);
			o->result = NULL;
		}
		walk_free(&l->w);
		free_batches(l, 0);
		l->w = w;
		*reread = n;
		free(pick);
		reassemble(&l->s, &l->w);
	}
	for (size_t i = 0; rc == 0 && i < l->w.n; i++)
		diags_copy(d, &l->w.v[i].d);
	return rc;
}

void loader_free(struct loader *l)
{
	if (!l)
		return;
	site_free(&l->s);
	walk_free(&l->w);
	free_batches(l, 1);
	free(l->root);
	free(l);
}

void site_free(struct site *s)
{
	struct vocab_list *lists[] = { &s->vocab.types_offre, &s->vocab.parcours,
		&s->vocab.publics, &s->vocab.financeurs, &s->vocab.natures, &s->vocab.labels };
	for (size_t i = 0; i < 6; i++)
		strmap_free(&lists[i]->by_code);
	for (size_t i = 0; i < s->n_referentiels; i++)
		strmap_free(&s->referentiels[i]->by_code);
	strmap_free(&s->geo.by_code);
	free(s->referentiels);
	free(s->correspondances);
	free(s->cartographies);
	for (size_t i = 0; i < s->n_pages; i++)
		md_doc_free(s->pages[i]->doc);
	free(s->pages);
	free(s->organismes);
	strmap_free(&s->org_by_id);
	strmap_free(&s->ref_by_id);
	strmap_free(&s->pages_by_slug);
	arena_free(&s->arena);
}
