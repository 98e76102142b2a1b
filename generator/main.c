/*
 * carto's command line: parses arguments, reads the environment once into
 * struct build_opts, and runs the stages in order, load -> validate -> index
 * -> render (build.c) -> publish. The only module that calls getenv. Start
 * at main.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <sys/auxv.h>
#endif

#include "base/arena.h"
#include "base/buf.h"
#include "base/civil.h"
#include "base/diag.h"
#include "base/fs.h"
#include "base/fsview.h"
#include "base/mem.h"
#include "base/url.h"
#include "data/fields.h"
#include "data/embed.h"
#include "data/index.h"
#include "data/load.h"
#include "data/model.h"
#include "data/snap.h"
#include "data/orgrec.h"
#include "data/suites_memo.h"
#include "data/validate.h"
#include "build.h"
#include "fingerprint.h"
#include "import/lheo.h"
#include "import/lheo_int.h"
#include "render/cache.h"
#include "render/html.h"
#include "render/pdf.h"
#include "render/theme.h"
#include "render/publish.h"
#include "help.h"
#include "scaffold.h"
#include "serve.h"
#include "share.h"
#include "text/markdown.h"

#define OUTPUT_MARK ".carto-output"

/* glibc's allocator, as carto's loading and rendering use it: tens of
 * thousands of buffers grown and freed on every worker. Left as glibc
 * starts, it grows each heap by what is asked and gives memory back to
 * the kernel as it goes, so the same pages fault in again and again: on a
 * virtual machine, where a fault is dear, that was a third of the CPU of
 * a rebuild after one organisation changed (10,000 organisations: 0.83 s
 * wall, 0.47 s of it kernel). Growing a heap 64 MB at a time on
 * transparent huge pages (the kernel's "madvise" mode: glibc advises them)
 * brought that rebuild to 0.59 s, 0.25 s kernel, for more peak memory
 * (that rebuild: 233 MB against 222 MB; the full build: 282 MB against
 * 182 MB, the same CPU). The settings are
 * glibc's tunables (glibc manual, "Memory Allocation Tunables":
 * glibc.malloc.hugetlb, glibc.malloc.top_pad), read from the environment
 * only when a program starts: carto sets them and runs itself again, once.
 * Left alone: a GLIBC_TUNABLES the user set (even empty), a process the
 * kernel runs securely (AT_SECURE ignores tunables), valgrind (an exec
 * leaves it). MALLOC_TUNED marks the second run; both variables are
 * removed then, so nothing carto runs inherits them. */
#define MALLOC_TUNABLES "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864"
#define MALLOC_TUNED "CARTO_MALLOC_TUNED"

/* Runs carto again with MALLOC_TUNABLES when it may (above); returns the
 * tunables this run has (for CARTO_TIMING), or NULL. */
static const char *tune_malloc(char **argv)
{
#if defined(__linux__) && defined(__GLIBC__)
	const char *t = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
	if (getenv(MALLOC_TUNED)) {	/* the second run */
		unsetenv(MALLOC_TUNED);
		if (t && strcmp(t, MALLOC_TUNABLES) == 0) {
			unsetenv("GLIBC_TUNABLES");
			return MALLOC_TUNABLES;
		}
		return t;
	}
	if (t || getauxval(AT_SECURE) || (pre && strstr(pre, "vgpreload")))
		return t;
	if (setenv("GLIBC_TUNABLES", MALLOC_TUNABLES, 1) == 0 && setenv(MALLOC_TUNED, "1", 1) == 0)
		execv("/proc/self/exe", argv);
	unsetenv("GLIBC_TUNABLES");	/* no exec: go on untuned */
	unsetenv(MALLOC_TUNED);
	return NULL;
#else
	(void)argv;
	return NULL;
#endif
}

/* Whether memory is freed before the process exits: in the sanitizers'
 * build, whose leak check wants every allocation freed; otherwise a build
 * leaves its model, cache and manifest to the kernel at exit (freeing them
 * one by one took 5 to 9 ms at the end of a rename of the 10,000-organisation
 * site, every byte of it given back by the kernel anyway). */
#if defined(__SANITIZE_ADDRESS__)
#define FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FREE_AT_EXIT 1
#endif
#endif
#ifndef FREE_AT_EXIT
#define FREE_AT_EXIT 0
#endif

struct opts {
	const char *cmd;
	const char *site;
	const char *out;
	struct build_opts b;	/* jobs, drafts, base URL, test switches */
	struct build_clock clock;
	const char *new_kind, *new_name;
	int port;
	int full;		/* carto serve --full: every document */
	int poll;		/* carto serve --poll: no inotify */
	char **args;		/* the command's operands (in argv), argc slots */
	int n_args;
	int help;		/* COMMAND --help */
	const char *share;	/* carto's share folder, or NULL (share.h) */
	int preloaded;		/* carto serve: the site is loaded already */
	int today;		/* the build's day, once taken (YYYYMMDD), or 0 */
	int exiting;		/* main's build: the process exits after it
				 * (FREE_AT_EXIT) */
	int load_rc;		/* then what loading it returned */
	struct snap *snap;	/* the load snapshot, or NULL (data/snap.h) */
	struct suites_memo *memo;	/* the suites memo, or NULL (data/suites_memo.h) */
	unsigned pause_memo;	/* seconds its writer waits (tests) */
};

/* The commands, with the number of operands each takes. */
enum { C_BUILD = 1, C_CHECK = 2, C_SERVE = 4, C_NEW = 8, C_INIT = 16, C_THEME = 32,
	C_VERSION = 64, C_HELP = 128, C_IMPORT = 256 };

static const struct command {
	const char *name;
	unsigned bit;
	int min_args, max_args;	/* max_args -1: no limit */
	const char *operands;	/* what a command short of operands says it needs */
} commands[] = {
	{ "build", C_BUILD, 0, 0, NULL }, { "check", C_CHECK, 0, 0, NULL }, { "serve", C_SERVE, 0, 0, NULL },
	{ "new", C_NEW, 2, 2, "a kind and a name: carto new KIND NAME, KIND one of page, organisme, "
	    "webinaire, diaporama (a new site is made by carto init FOLDER)" },
	{ "init", C_INIT, 1, 1, "the folder of the new site: carto init FOLDER" },
	{ "theme", C_THEME, 1, 2, "an action: carto theme export [FOLDER]" },
	{ "version", C_VERSION, 0, 0, NULL }, { "help", C_HELP, 0, 1, NULL },
	{ "import", C_IMPORT, 2, -1, "a format and files: carto import lheo FILE..." },
};

/* The options, the commands that take each, and the environment variable
 * that gives its value when the command line does not (as Hugo's
 * HUGO_BASEURL does). */
static const struct option {
	const char *name, *env;
	int has_value;
	unsigned cmds;
} options[] = {
	{ "--site", "CARTO_SITE", 1, C_BUILD | C_CHECK | C_SERVE | C_NEW | C_IMPORT },
	{ "--out", "CARTO_OUT", 1, C_BUILD },
	{ "--base-url", "CARTO_BASE_URL", 1, C_BUILD },
	{ "--jobs", "CARTO_JOBS", 1, C_BUILD | C_CHECK | C_SERVE },
	{ "--port", "CARTO_PORT", 1, C_SERVE },
	{ "--drafts", "CARTO_DRAFTS", 0, C_BUILD | C_SERVE },
	{ "--full", "CARTO_SERVE_FULL", 0, C_SERVE },
	{ "--poll", "CARTO_SERVE_POLL", 0, C_SERVE },
	{ "--no-cache", "CARTO_NO_CACHE", 0, C_BUILD },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* Reads a number in [lo, hi] into *out; -1 with a message when it is not. */
static int parse_number(const char *from, const char *v, long lo, long hi, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi) {
		fprintf(stderr, "carto: %s takes a number from %ld to %ld, not '%s'\n", from, lo, hi, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* Sets option op to v (NULL for a switch on the command line); from names
 * where the value came from, for messages. Returns 0 or -1. */
static int set_option(struct opts *o, const struct option *op, const char *v, const char *from)
{
	if (!strcmp(op->name, "--site") || !strcmp(op->name, "--out")) {
		*(!strcmp(op->name, "--site") ? &o->site : &o->out) = v;
		return 0;
	}
	if (!strcmp(op->name, "--base-url")) {
		const char *bad = url_base_problem(v);
		if (bad) {	/* the rule of site.yaml's base_url */
			fprintf(stderr, "carto: %s '%s' %s\n", from, v, bad);
			return -1;
		}
		o->b.base_url = v;
		return 0;
	}
	if (!strcmp(op->name, "--jobs"))
		return parse_number(from, v, 1, 256, &o->b.jobs);
	if (!strcmp(op->name, "--port"))
		return parse_number(from, v, 1, 65535, &o->port);
	/* The switches: --drafts, --full, --poll, --no-cache. */
	int *on = !strcmp(op->name, "--full") ? &o->full : !strcmp(op->name, "--poll") ? &o->poll
	    : !strcmp(op->name, "--no-cache") ? &o->b.no_cache : &o->b.drafts;
	if (!v || !strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"))
		*on = 1;
	else if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !*v)
		*on = 0;
	else {
		fprintf(stderr, "carto: %s is 1, true or yes, or 0, false or no, not '%s'\n", from, v);
		return -1;
	}
	return 0;
}

/* Fills o from argv, then from the environment for the options the command
 * line left out. Returns 0, or -1 with a message on a usage error. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	const struct command *c = NULL;
	unsigned given = 0;
	for (size_t k = 0; argc >= 2 && k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(argv[1], commands[k].name))
			c = &commands[k];
	if (!c) {
		if (argc >= 2)
			fprintf(stderr, "carto: unknown command '%s'\n", argv[1]);
		return -1;
	}
	o->cmd = c->name;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !strcmp(a, "-")) {
			if (o->n_args == c->max_args) {
				fprintf(stderr, "carto: %s: unexpected operand '%s'\n", c->name, a);
				return -1;
			}
			o->args[o->n_args++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
			return 0;
		}
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		size_t k;
		for (k = 0; k < N_OPTIONS; k++)
			if (strlen(options[k].name) == len && !strncmp(a, options[k].name, len))
				break;
		if (k == N_OPTIONS || !(options[k].cmds & c->bit)) {
			fprintf(stderr, "carto: %s: unknown option '%.*s'\n", c->name, (int)len, a);
			return -1;
		}
		const char *v = eq ? eq + 1 : NULL;
		if (options[k].has_value && !v) {
			if (i + 1 == argc) {
				fprintf(stderr, "carto: %s needs a value\n", options[k].name);
				return -1;
			}
			v = argv[++i];
		} else if (!options[k].has_value && v) {
			fprintf(stderr, "carto: %s takes no value\n", options[k].name);
			return -1;
		}
		if (set_option(o, &options[k], v, options[k].name) < 0)
			return -1;
		given |= 1u << k;
	}
	if (o->n_args < c->min_args) {
		fprintf(stderr, "carto: %s needs %s\n", c->name, c->operands ? c->operands : "more operands");
		return -1;
	}
	for (size_t k = 0; k < N_OPTIONS; k++) {
		const char *v = getenv(options[k].env);
		if (!(given & 1u << k) && (options[k].cmds & c->bit) && v && *v &&
		    set_option(o, &options[k], v, options[k].env) < 0)
			return -1;
	}
	o->new_kind = o->args[0];
	o->new_name = o->args[1];
	return 0;
}

/* The last second SOURCE_DATE_EPOCH may name: 9999-12-31T23:59:59Z, the
 * last day a date of the content contract (YYYY-MM-DD) can write. */
#define SOURCE_DATE_MAX 253402300799LL

/* 0 when SOURCE_DATE_EPOCH is unset, empty or a number of seconds since
 * 1970-01-01T00:00:00Z in decimal digits (reproducible-builds.org's
 * specification of the variable: "If the value is malformed, the build
 * process SHOULD exit with a non-zero error code"); else -1, said. */
static int source_date_ok(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (!e || !*e)
		return 0;
	long long t = 0;
	const char *p = e;
	while (*p >= '0' && *p <= '9' && t <= SOURCE_DATE_MAX)
		t = t * 10 + (*p++ - '0');
	if (!*p && t <= SOURCE_DATE_MAX)
		return 0;
	fprintf(stderr, "carto: SOURCE_DATE_EPOCH='%.40s%s' is not a number of seconds since 1970-01-01 "
	    "(decimal digits, at most %lld): unset it or give one\n", e, strlen(e) > 40 ? "…" : "",
	    SOURCE_DATE_MAX);
	return -1;
}

/* Today in Paris as YYYYMMDD (at 23:30 UTC it is already tomorrow there):
 * SOURCE_DATE_EPOCH when set (reproducible runs; source_date_ok checked
 * it), else now. */
static int today(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	long long t = e && *e ? strtoll(e, NULL, 10) : (long long)time(NULL);
	int date, minutes;
	civil_paris_local((long)(t / 60 - (t % 60 < 0)), &date, &minutes);
	return date;
}

static void lint_pages(const struct site *s, struct diags *d)
{
	size_t loaded = d->n;
	for (size_t i = 0; i < s->n_pages; i++) {
		struct diag_text body = { s->pages[i]->body_line, 1, 1, DIAG_TEXT_LINES };
		md_doc_lint(s->pages[i]->doc, s->pages[i]->file, &body, s->html_brut, d);
	}
	for (size_t i = 0; i < s->n_cartographies; i++)
		if (s->cartographies[i]->introduction)
			md_lint(s->cartographies[i]->introduction, s->cartographies[i]->file,
			    &s->cartographies[i]->introduction_at, s->html_brut, d);
	if (s->vocab.file)	/* else the pages are not checked in: every link would fail */
		html_links_check(s, d, loaded);
}

/* carto check reads the theme as a build does, and checks statically what
 * a build finds only when rendering (theme_check). */
static void check_theme(const struct site *s, struct diags *d)
{
	struct theme t;
	memset(&t, 0, sizeof(t));
	if (theme_load(&t, s->root, s->share, s->theme, d) == 0)
		theme_check(&t, d);
	theme_free(&t);
}

/* Reads the environment's switches into o, once. */
static void read_env(struct opts *o)
{
	const char *v;
	if ((v = getenv("CARTO_TEST_XLSX_ROWS")))	/* lets the tests reach the limit */
		o->b.xlsx_rows = atol(v);
	if ((v = getenv("CARTO_TEST_PAUSE")))	/* lets the tests kill a build mid-way */
		o->b.pause = (unsigned)atoi(v);
	if ((v = getenv("CARTO_TEST_PAUSE_FINGERPRINT")))	/* lets the tests add to the output */
		o->b.pause_fingerprint = (unsigned)atoi(v);
	if ((v = getenv("CARTO_TEST_PAUSE_LOAD")))	/* lets the tests cut the snapshot */
		o->b.pause_load = (unsigned)atoi(v);
	if ((v = getenv("CARTO_TEST_PAUSE_RENDER")))	/* lets the tests cut it later */
		o->b.pause_render = (unsigned)atoi(v);
	if ((v = getenv("CARTO_TEST_PAUSE_MEMO")))	/* lets the tests hold its writer back */
		o->pause_memo = (unsigned)atoi(v);
	o->b.timing = getenv("CARTO_TIMING") != NULL;
	o->b.no_exchange = getenv("CARTO_TEST_NO_EXCHANGE") != NULL;
	if ((v = getenv("CARTO_TEST_SITEMAP_MAX")) && atol(v) > 0)	/* lets the tests reach the index */
		o->b.sitemap_max = (size_t)atol(v);
	o->b.xlsx_tmpdir = getenv("CARTO_TEST_XLSX_TMPDIR");	/* lets the tests make it fail */
	o->clock.on = o->b.timing;
}

/* The site's LHÉO mapping table (referentiels/lheo.yaml), which carto import
 * lheo and the LHÉO export read: checked with the rest, once the closed lists
 * it names are known to be right. */
static void check_lheo_table(const char *site, const char *share, struct diags *d)
{
	struct buf path = BUF_INIT;
	fs_join(&path, site, "referentiels/lheo.yaml");
	if (!d->errors && fs_exists(path.data)) {
		struct lheo_map m;
		memset(&m, 0, sizeof(m));
		lheo_map_read(&m, site, share, 1, d);
		lheo_map_free(&m);
	}
	buf_release(&path);
}

/* The suites found with the memo (data/suites_memo.h) in a thread of its
 * own, beside index_site in the caller's (neither reads what the other
 * writes; each spreads its jobs over the pool), their arena merged into the
 * site's once both are done: one stage for the timing, "index-suites". */
struct suites_side {
	struct suites_memo *memo;
	struct site *s;
	int jobs;
	struct arena keep;
	size_t searched;
};

static void *suites_side(void *arg)
{
	struct suites_side *r = arg;
	r->searched = suites_memo_index(r->memo, r->s, r->jobs, &r->keep);
	return NULL;
}

static void index_with_memo(struct site *s, struct opts *o)
{
	struct suites_side r = { o->memo, s, o->b.jobs, ARENA_INIT, 0 };
	pthread_t th;
	int started = pthread_create(&th, NULL, suites_side, &r) == 0;
	index_site(s, o->b.jobs);
	if (started)
		pthread_join(th, NULL);
	else
		suites_side(&r);
	arena_merge(&s->arena, &r.keep);
	build_stage(&o->clock, "index-suites");
	if (o->b.timing)
		fprintf(stderr, "carto: suites-memo %zu of %zu offers searched again\n", r.searched, s->n_offres);
}

/* Loads, validates and indexes; prints diagnostics. Returns 0 when the site
 * has no error. */
static int prepare(struct site *s, struct opts *o, struct diags *d, int index)
{
	build_stage(&o->clock, NULL);
	s->share = o->share;
	s->today = o->today ? o->today : today();	/* the records' key reads it (data/orgrec.h) */
	int rc = o->preloaded ? o->load_rc : load_site(s, o->site, o->b.jobs, o->snap, d);
	size_t loaded = d->n;
	build_stage(&o->clock, o->preloaded ? NULL : "load");
	if (o->b.timing && o->snap) {
		int listed;
		size_t recs = snap_records(o->snap, &listed);
		fprintf(stderr, "carto: load-snapshot %zu files taken, %zu parsed and put\n"
		    "carto: load-ids %zu files known by identity, not read\n"
		    "carto: load-records-listed %zu records, %s\n",
		    snap_taken(o->snap), snap_added(o->snap), snap_not_read(o->snap), recs,
		    listed ? "from the listing" : "heads walked");
	}
	if (rc == 0) {
		struct diags own = DIAGS_INIT;
		validate_site_own(s, s->today, o->b.jobs, d, &own);
		size_t recorded = snap_cut(o->snap) ? 0 : orgrec_remember(o->snap, s, d, loaded, &own);
		diags_merge(d, &own);
		diags_free(&own);
		if (o->b.timing && o->snap) {
			size_t taken = 0;
			for (size_t i = 0; i < s->n_organismes; i++)
				taken += s->organismes[i]->remembered != 0;
			fprintf(stderr, "carto: load-records %zu organisations taken converted and checked, "
			    "%zu files recorded\n", taken, recorded);
		}
		if (s->theme && !theme_exists(o->site, s->share, s->theme)) {
			struct buf f = BUF_INIT;
			if (strcmp(o->site, ".") == 0)
				buf_puts(&f, "site.yaml");
			else
				fs_join(&f, o->site, "site.yaml");
			diag_add(d, f.data, s->theme_line, s->theme_col, DIAG_ERROR,
			    "theme '%s' not found in themes/ of the site or of carto%s", s->theme,
			    s->share ? "" : " (carto's share folder was not found: see carto --version)");
			buf_release(&f);
		}
		build_stage(&o->clock, "validate");
		lint_pages(s, d);
		embeds_read(s, d);
		build_stage(&o->clock, "markdown");
		check_lheo_table(o->site, o->share, d);
		if (!index && s->theme && theme_exists(o->site, s->share, s->theme))
			check_theme(s, d);
		/* What the PDFs of a build would print as U+FFFD, said by carto
		 * check as the build says it; a site with errors has no PDF. */
		if (!index && !d->errors) {
			pdf_check(s, o->b.jobs, d);
			build_stage(&o->clock, "pdf-check");
		}
	}
	diags_print(d, stderr);
	if (rc < 0 || d->errors)
		return -1;
	if (index && o->memo)
		index_with_memo(s, o);
	else if (index) {
		index_site(s, o->b.jobs);
		build_stage(&o->clock, "index");
		index_suites(s, o->b.jobs);
		build_stage(&o->clock, "suites");
	}
	return 0;
}

/* The path of the file name in the build cache's folder beside out into p,
 * and carto's digest into carto; -1 with --no-cache or when carto cannot
 * digest itself. */
static int cache_file(const char *out, const struct build_opts *b, const char *name, struct buf *p,
    struct digest *carto)
{
	if (b->no_cache || cache_carto_digest(carto) < 0)
		return -1;
	char *o = xstrdup(out);
	size_t l = strlen(o);
	while (l > 1 && o[l - 1] == '/')
		o[--l] = '\0';
	char *dir = publish_beside(o, "cache");
	fs_join(p, dir, name);
	free(dir);
	free(o);
	return 0;
}

/* The load snapshot in the build cache's folder beside out (data/snap.h),
 * or NULL with --no-cache or when carto cannot digest itself; put: the
 * build records what it parses. */
static struct snap *snap_beside(const char *out, const struct build_opts *b, int put)
{
	struct digest carto;
	struct buf p = BUF_INIT;
	struct snap *s = cache_file(out, b, "load", &p, &carto) == 0 ? snap_open(p.data, &carto, put) : NULL;
	buf_release(&p);
	return s;
}

/* The suites memo beside out (data/suites_memo.h), or NULL as above. */
static struct suites_memo *memo_beside(const char *out, const struct build_opts *b)
{
	struct digest carto;
	struct buf p = BUF_INIT;
	struct suites_memo *m = cache_file(out, b, "suites", &p, &carto) == 0 ? suites_memo_open(p.data, &carto)
	    : NULL;
	buf_release(&p);
	return m;
}

/* Refuses an --out that would replace the site or a folder carto did not
 * write: publication removes the previous folder. */
static int out_is_safe(const char *site, const char *out, int say)
{
	char *rs = realpath(site, NULL), *ro = realpath(out, NULL);
	int ok = 1;
	if (ro && rs) {
		size_t lo = strlen(ro);
		if (strncmp(rs, ro, lo) == 0 && (rs[lo] == '/' || rs[lo] == '\0')) {
			if (say)
				fprintf(stderr, "carto: --out %s contains the site: refused\n", out);
			ok = 0;
		}
	}
	if (ok && ro) {
		struct buf m = BUF_INIT;
		struct fs_entry *v;
		size_t n = 0;
		fs_join(&m, out, OUTPUT_MARK);
		if (fs_list(out, &v, &n) == 0) {
			fs_entries_free(v, n);
			if (n && !fs_exists(m.data)) {
				if (say)
					fprintf(stderr, "carto: refusing to replace %s: it is not empty and was not written by carto (no %s)\n",
				    out, OUTPUT_MARK);
				ok = 0;
			}
		} else {
			if (say)
				fprintf(stderr, "carto: --out %s is not a folder\n", out);
			ok = 0;
		}
		buf_release(&m);
	}
	free(rs);
	free(ro);
	return ok;
}

/* What a build writes beside the output once published (cmd_build):
 * the cache's index, then the folders' records when the build was clean
 * and the index written (else the next build lists every folder). */
struct tail_save {
	struct cache *cache;
	struct publish *p;
	int clean;
	int saved, err;		/* cache_save's result and errno */
	double ms[2], cpu_ms[2];	/* of the two, for CARTO_TIMING */
};

static double ms_of(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void *tail_save(void *arg)
{
	struct tail_save *t = arg;
	struct timespec w[3], c[3];
	clock_gettime(CLOCK_MONOTONIC, &w[0]);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c[0]);
	t->saved = cache_save(t->cache);
	t->err = errno;
	clock_gettime(CLOCK_MONOTONIC, &w[1]);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c[1]);
	if (t->clean && t->saved == 0)
		publish_folders_save(t->p);
	clock_gettime(CLOCK_MONOTONIC, &w[2]);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c[2]);
	for (int i = 0; i < 2; i++) {
		t->ms[i] = ms_of(&w[i], &w[i + 1]);
		t->cpu_ms[i] = ms_of(&c[i], &c[i + 1]);
	}
	return NULL;
}

/* The error of a build that stopped because another program cut the load
 * snapshot short while it was mapped (data/snap.h, snap_cut). */
static void say_snap_cut(const char *out)
{
	fprintf(stderr, "carto: error: the load snapshot in the cache beside %s was cut short by another "
	    "program while this build read it: nothing was published; %s is unchanged; the snapshot is "
	    "removed, build again\n", out, out);
}

static int cmd_build(struct opts *o, struct site *s, struct diags *d)
{
	struct buf def = BUF_INIT;
	if (!o->out) {
		fs_join(&def, o->site, "output");
		o->out = def.data;
	}
	/* An --out that is a symbolic link (a web server's document root
	 * pointing to the published folder, say) is published into where it
	 * points: publication swaps folders, and would otherwise replace the
	 * link with a folder of its own and leave the link's target as it
	 * was, still served. */
	struct stat lk;
	char *real = NULL;
	if (lstat(o->out, &lk) == 0 && S_ISLNK(lk.st_mode)) {
		if (!(real = realpath(o->out, NULL))) {
			fprintf(stderr, "carto: --out %s is a symbolic link that leads nowhere: %s\n", o->out,
			    strerror(errno));
			buf_release(&def);
			return 1;
		}
		o->out = real;
	}
	int rc = 1;
	struct diags said_render = DIAGS_INIT;	/* printed once the build read what it meant to */
	struct publish p = { 0 };
	struct cache *cache = NULL, *early = NULL;
	p.no_exchange = o->b.no_exchange;
	p.jobs = o->b.jobs;
	publish_recover(o->out, d);	/* a killed build's leftovers, even if this one fails */
	unsigned views_cut = fs_views_cut();	/* before this build (carto serve builds again) */
	/* Nothing changed since the last build: it says so, and stops here. */
	o->today = today();	/* one day for the fingerprint and the build */
	struct fingerprint_args fa = { o->site, o->out, o->share, &o->b, o->today, o->preloaded || d->n };
	build_stage(&o->clock, NULL);
	struct fingerprint *fp = fingerprint_open(&fa);
	int replayed = fingerprint_replay(fp, &rc);
	build_stage(&o->clock, "fingerprint");
	if (replayed)
		goto done;
	build_stage(&o->clock, NULL);
	if (!o->preloaded)
		o->snap = snap_beside(o->out, &o->b, 1);
	build_stage(&o->clock, o->snap ? "snapshot-open" : NULL);
	if (o->b.pause_load) {
		snap_ready(o->snap);	/* mapped, as the test wants it */
		fprintf(stderr, "carto: paused with the load snapshot open\n");
		sleep(o->b.pause_load);
	}
	o->memo = memo_beside(o->out, &o->b);
	early = cache_begin(o->out, &o->b);	/* the index read beside the load */
	int prepared = prepare(s, o, d, 1), snap_failed = 0, snap_was_cut = snap_cut(o->snap);
	/* The suites are a function of the inputs: kept even if the build
	 * stops (not when the model may hold 0s read from a snapshot cut
	 * short); a memo not written is only searched again. */
	if (o->memo && !snap_was_cut && out_is_safe(o->site, o->out, 0))
		suites_memo_save(o->memo, o->pause_memo);	/* on a thread, waited for at done */
	if (o->snap) {	/* what parsed need not be again, even if the build stops */
		build_stage(&o->clock, NULL);
		if (out_is_safe(o->site, o->out, 0) && snap_save(o->snap) < 0 && errno != ENOENT) {
			fprintf(stderr, "carto: warning: cannot write the load snapshot beside %s: %s\n", o->out,
			    strerror(errno));
			snap_failed = 1;	/* no fingerprint: it would replay the warning */
		}
		snap_was_cut |= snap_cut(o->snap);
		build_stage(&o->clock, "snapshot-save");	/* kept: the model's strings are its (orgrec.h) */
	}
	if (snap_was_cut) {	/* what was loaded may hold 0s for what it read */
		say_snap_cut(o->out);
		goto done;
	}
	if (prepared < 0) {
		fprintf(stderr, "carto: %zu error%s, %zu warning%s: nothing was published; %s is unchanged\n",
		    d->errors, d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s", o->out);
		goto done;
	}
	if (o->b.base_url)
		s->base_url = o->b.base_url;
	build_stage(&o->clock, NULL);
	if (!out_is_safe(o->site, o->out, 1))
		goto done;
	if (publish_begin(&p, o->out) < 0) {
		fprintf(stderr, "carto: cannot write beside %s: %s\n", o->out, strerror(errno));
		goto done;
	}
	{	/* the folders' records, beside the cache's index (publish.h) */
		struct digest carto;
		struct buf rp = BUF_INIT;
		if (cache_file(o->out, &o->b, "folders", &rp, &carto) == 0)
			publish_folders_open(&p, rp.data);
		buf_release(&rp);
	}
	static const char mark[] = "This folder is written by carto; a build replaces it whole.\n";
	int rendered = publish_write(&p, OUTPUT_MARK, mark, sizeof(mark) - 1);
	if (rendered < 0) {	/* the publisher recorded why */
		struct diags md = DIAGS_INIT;
		publish_take_diags(&p, &md);
		diags_print(&md, stderr);
		diags_free(&md);
	} else {
		build_stage(&o->clock, "publish-begin");
		cache = cache_open(early, s, &o->b);
		early = NULL;
		build_stage(&o->clock, "cache-open");
		rendered = build_render(s, &o->b, &o->clock, &p, cache, &said_render);
	}
	/* What the backends said, unless a file the build read in place was
	 * cut short (below): then it would be the 0s' doing. Printed while the
	 * fingerprint still copies what is said, for a build with nothing
	 * changed to say it again. */
	if (!snap_cut(o->snap) && fs_views_cut() == views_cut) {
		diags_print(&said_render, stderr);
		diags_merge(d, &said_render);	/* as printed (repeats dropped), counted in the summary */
	}
	fingerprint_end_reading(fp);
	build_stage(&o->clock, "reading-end");
	if (snap_cut(o->snap)) {	/* the model's strings may have read as 0s (orgrec.h) */
		say_snap_cut(o->out);
		snap_save(o->snap);	/* cut: removes it and its identities */
		publish_abort(&p);
		goto done;
	}
	if (fs_views_cut() != views_cut) {	/* a cache file viewed in place read as 0s */
		fprintf(stderr, "carto: error: a file of the build cache beside %s was cut short by another "
		    "program while this build read it: nothing was published; %s is unchanged; build again\n",
		    o->out, o->out);
		publish_abort(&p);
		goto done;
	}
	if (rendered < 0) {
		fprintf(stderr, "carto: the site could not be rendered: nothing was published; %s is unchanged\n", o->out);
		publish_abort(&p);
		goto done;
	}
	if (o->b.pause)
		sleep(o->b.pause);
	build_stage(&o->clock, NULL);
	int committed = publish_commit(&p);
	fingerprint_published(fp);
	build_stage(&o->clock, "publish");
	struct diags cd = DIAGS_INIT;	/* what could not be removed */
	publish_take_diags(&p, &cd);
	diags_print(&cd, stderr);
	int clean = committed == 0 && cd.n == 0 && !snap_failed;	/* else the next build has work to do */
	diags_merge(d, &cd);	/* counted in the summary */
	diags_free(&cd);
	if (committed < 0) {
		fprintf(stderr, "carto: cannot publish %s: %s; it is unchanged\n", o->out, strerror(errno));
		publish_abort(&p);
		goto done;
	}
	build_stage(&o->clock, NULL);
	if (p.relinked)
		cache_restat(cache, p.out);
	/* The cache's index and the folders' records are written on a thread
	 * while this one prints the summary and looks at the output for the
	 * fingerprint (they share nothing but what both only read: the
	 * cache's documents, the publisher's manifest); the fingerprint is
	 * written once they are, and only when they were. */
	struct tail_save ts = { .cache = cache, .p = &p, .clean = clean };
	pthread_t saver;
	int beside = pthread_create(&saver, NULL, tail_save, &ts) == 0;
	if (!beside)
		tail_save(&ts);
	struct buf said = BUF_INIT;
	buf_printf(&said, "carto: published %s: %zu organisation%s, %zu offer%s, %zu référentiel%s, %zu page%s (%zu warning%s)\n",
	    o->out, s->n_organismes, diag_plural(s->n_organismes), s->n_offres, diag_plural(s->n_offres),
	    s->n_referentiels, diag_plural(s->n_referentiels), s->n_pages, diag_plural(s->n_pages), d->warnings,
	    diag_plural(d->warnings));
	fputs(said.data, stdout);
	fingerprint_say(fp, said.data);
	buf_release(&said);
	if (cache_reused(cache))
		printf("carto: %zu document%s reused from the build cache, %zu rendered\n", cache_reused(cache),
		    diag_plural(cache_reused(cache)), cache_rendered(cache));
	if (cache && o->b.timing) {
		size_t pr, pc, pb;
		cache_piece_counts(cache, &pr, &pc, &pb);
		fprintf(stderr, "carto: pieces rendered=%zu copied=%zu read-back=%zu\n", pr, pc, pb);
		long long written, kept;
		cache_bytes(cache, &written, &kept);
		fprintf(stderr, "carto: pieces bytes written=%lld in-place=%lld\n", written, kept);
	}
	rc = 0;
	fflush(stdout);
	if (o->b.pause_fingerprint)
		sleep(o->b.pause_fingerprint);
	build_stage(&o->clock, NULL);
	if (clean && cache)
		fingerprint_look(fp, &p, cache);
	build_stage(&o->clock, "fingerprint-look");
	if (beside)
		pthread_join(saver, NULL);
	build_stage(&o->clock, "tail-join");
	if (o->b.timing) {
		fprintf(stderr, "carto: %-10s %7.1f ms cpu_ms=%.1f\n", "cache-save", ts.ms[0], ts.cpu_ms[0]);
		fprintf(stderr, "carto: %-10s %7.1f ms cpu_ms=%.1f\n", "folders-save", ts.ms[1], ts.cpu_ms[1]);
		size_t listed, known;
		publish_folders_counts(&p, &listed, &known);
		fprintf(stderr, "carto: publish-folders listed=%zu known=%zu\n", listed, known);
		size_t written, all;
		int journal;
		cache_saved(cache, &written, &all, &journal);
		if (cache)
			fprintf(stderr, "carto: cache-index %zu of %zu documents written, %s\n", written, all,
			    journal ? "journal" : "whole");
	}
	if (ts.saved < 0) {	/* the next build is then a full one */
		fprintf(stderr, "carto: warning: cannot write the build cache beside %s: %s\n", o->out,
		    strerror(ts.err));
		clean = 0;
	}
	if (clean && cache && fingerprint_save(fp, rc, &p, cache) < 0)
		fprintf(stderr, "carto: warning: cannot write the build's fingerprint beside %s: %s\n", o->out,
		    strerror(errno));
	build_stage(&o->clock, "fingerprint-save");
done:
	diags_free(&said_render);
	cache_free(early);	/* the build stopped before it opened the cache */
	if (!o->exiting || FREE_AT_EXIT) {	/* else the kernel unmaps it at exit */
		snap_free(o->snap);
		o->snap = NULL;
	}
	suites_memo_free(o->memo);	/* once written (it waits) */
	o->memo = NULL;
	if (!o->exiting || FREE_AT_EXIT) {
		fingerprint_free(fp);
		cache_free(cache);
		publish_free(&p);
	}
	buf_release(&def);
	free(real);
	return rc;
}

static int cmd_check(struct opts *o, struct site *s, struct diags *d)
{
	/* The snapshot of the default output's build, read only: a tree it
	 * holds is the one parsing the same bytes gives. */
	struct buf def = BUF_INIT;
	fs_join(&def, o->site, "output");
	o->snap = o->preloaded ? NULL : snap_beside(def.data, &o->b, 0);
	buf_release(&def);
	int prepared = prepare(s, o, d, 0);
	if (prepared < 0) {
		fprintf(stderr, "carto: %zu error%s, %zu warning%s\n", d->errors,
		    d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
		snap_free(o->snap);
		o->snap = NULL;
		return 1;
	}
	size_t offers = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		offers += s->organismes[i]->n_offres;
	printf("carto: %zu organisation%s, %zu offer%s, %zu référentiel%s, %zu page%s: no error, %zu warning%s\n",
	    s->n_organismes, diag_plural(s->n_organismes), offers, diag_plural(offers), s->n_referentiels,
	    diag_plural(s->n_referentiels), s->n_pages, diag_plural(s->n_pages), d->warnings,
	    diag_plural(d->warnings));
	snap_free(o->snap);	/* the model's strings were its */
	o->snap = NULL;
	return 0;
}

static const char page_skel[] =
	"---\n"
	"titre: \"%s\"\n"
	"type: page\n"
	"resume: \"Une phrase qui dit ce que la page apporte.\"\n"
	"brouillon: true\n"
	"---\n\n"
	"Le texte de la page, en Markdown.\n";

static const char webinar_skel[] =
	"---\n"
	"titre: \"%s\"\n"
	"type: webinaire\n"
	"date: %s\n"
	"resume: \"Une phrase : pour qui, pour quoi.\"\n"
	"brouillon: true\n"
	"webinaire:\n"
	"  date: %s\n"
	"  heure: \"10:00\"\n"
	"  duree_min: 60\n"
	"  inscription_url: \"https://exemple.fr/inscription\"\n"
	"  intervenants:\n"
	"    - { nom: \"Prénom Nom\", role: \"fonction\" }\n"
	"---\n\n"
	"## Programme\n\n1. Premier point.\n2. Deuxième point.\n";

static const char deck_skel[] =
	"---\n"
	"titre: \"%s\"\n"
	"type: diaporama\n"
	"resume: \"Une phrase qui dit de quoi parle la présentation.\"\n"
	"brouillon: true\n"
	"---\n\n"
	"# Titre de la présentation\n\nSous-titre – date\n\n"
	"---\n\n"
	"## Une diapositive\n\n- un point\n- un autre point\n\n"
	"Notes :\n\nCe que l'orateur dit ici ; le public ne le voit pas. Une carte ou un\n"
	"tableau calculés à chaque publication s'écrivent dans un bloc carto (voir le README).\n";

static const char org_skel[] =
	"organisme:\n"
	"  id: %s\n"
	"  nom: \"" VALIDATE_TODO_NOM "\"\n"
	"  nature: association\n"
	"  contact: { nom: \"Accueil\", telephone: \"" VALIDATE_TODO_TELEPHONE "\", courriel: \""
	VALIDATE_TODO_COURRIEL "\" }\n"
	"  lieux:\n"
	"    - id: principal\n"
	"      adresse:\n"
	"        lignes: [\"" VALIDATE_TODO_LIGNE "\"]\n"
	"        code_postal: \"93200\"\n"
	"        commune: \"Saint-Denis\"\n"
	"        code_insee: \"93066\"\n"
	"  offres: []\n"
	"  meta:\n"
	"    source: saisie\n"
	"    mise_a_jour: %s\n";

static int cmd_new(const struct opts *o)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	int rc = 1, t = today();
	char day[CIVIL_SIZE], later[CIVIL_SIZE];
	if (!is_slug(o->new_name) || slug_length_problem(o->new_name)) {
		fprintf(stderr, "carto: '%s' must be a slug: a-z, 0-9 and '-', at most " XSTR(SLUG_SEGMENT_MAX) " bytes\n", o->new_name);
		return 2;
	}
	if (strcmp(o->new_kind, "page") == 0) {
		buf_printf(&path, "%s/content/pages/%s.md", o->site, o->new_name);
		buf_printf(&text, page_skel, o->new_name);
	} else if (strcmp(o->new_kind, "webinaire") == 0) {
		/* A month from today, to be changed. */
		struct tm tm = { .tm_year = t / 10000 - 1900, .tm_mon = t / 100 % 100 - 1 + 1, .tm_mday = t % 100,
			.tm_hour = 12 };
		mktime(&tm);
		buf_printf(&path, "%s/content/pages/webinaires/%s.md", o->site, o->new_name);
		buf_printf(&text, webinar_skel, o->new_name, civil_iso(t, day),
		    civil_iso((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday, later));
	} else if (strcmp(o->new_kind, "diaporama") == 0) {
		buf_printf(&path, "%s/content/pages/%s.md", o->site, o->new_name);
		buf_printf(&text, deck_skel, o->new_name);
	} else if (strcmp(o->new_kind, "organisme") == 0) {
		buf_printf(&path, "%s/content/organismes/%s.yaml", o->site, o->new_name);
		buf_printf(&text, org_skel, o->new_name, civil_iso(t, day));
	} else {
		fprintf(stderr, "carto: new makes a page, organisme, webinaire or diaporama, not '%s'%s\n",
		    o->new_kind, strcmp(o->new_kind, "site") == 0 ? " (a new site is made by carto init FOLDER)" :
		    strcmp(o->new_kind, "cartographie") == 0 ? " (a cartography is a file of content/cartographies/: "
		    "README, Add a cartography)" : "");
		return 2;
	}
	char *slash = strrchr(path.data, '/');
	*slash = '\0';
	int made = fs_mkdirs(path.data);
	*slash = '/';
	if (fs_exists(path.data))
		fprintf(stderr, "carto: %s exists already\n", path.data);
	else if (made < 0 || fs_write(path.data, text.data, text.len) < 0)
		fprintf(stderr, "carto: cannot write %s: %s\n", path.data, strerror(errno));
	else {
		printf("%s\n", path.data);
		rc = 0;
	}
	buf_release(&path);
	buf_release(&text);
	return rc;
}

/* carto import FORMAT FILE...: LHÉO is the one format. */
static int cmd_import(const struct opts *o)
{
	if (strcmp(o->args[0], "lheo") != 0) {
		fprintf(stderr, "carto: import: unknown format '%s' (carto import lheo FILE.xml...)\n",
		    o->args[0]);
		return 2;
	}
	struct diags d = DIAGS_INIT;
	int rc = lheo_import(o->site, o->share, o->args + 1, (size_t)o->n_args - 1, today(), stdout, &d);
	diags_print(&d, stderr);
	if (rc < 0)
		fprintf(stderr, "carto: import failed: %zu error%s, nothing written\n", d.errors,
		    d.errors == 1 ? "" : "s");
	diags_free(&d);
	return rc < 0 ? 1 : 0;
}

/* carto serve's builder keeps the site loaded between builds. */
struct serve_ctx {
	const struct opts *o;
	struct loader *l;
	struct diags d;		/* what the last refresh reported */
	int rc;			/* and returned */
};

static void serve_refresh(void *ctx)
{
	struct serve_ctx *c = ctx;
	struct build_clock clock = c->o->clock;
	size_t reread = 0;
	if (!c->l)
		c->l = loader_new(c->o->site, c->o->share, c->o->b.jobs);
	diags_free(&c->d);
	build_stage(&clock, NULL);
	c->rc = loader_refresh(c->l, &c->d, &reread);
	build_stage(&clock, "load");
	if (clock.on)
		fprintf(stderr, "carto: load-files %zu read\n", reread);
}

/* One build of carto serve, in a child process of the builder: it may
 * validate and index the model, which is its copy. It exits after, so it
 * frees nothing. */
static int serve_build(void *ctx, const char *out)
{
	struct serve_ctx *c = ctx;
	struct opts o = *c->o;
	o.out = out;
	o.preloaded = 1;
	o.load_rc = c->rc;
	int rc = cmd_build(&o, loader_site(c->l), &c->d);
	fflush(stdout);
	fflush(stderr);
	return rc;
}

static int cmd_version(const struct share *sh)
{
	printf("carto %s\n", CARTO_VERSION);
	if (sh->dir)
		printf("share folder: %s\n", sh->dir);
	else
		printf("share folder: none found (looked in %s); set CARTO_SHARE\n", sh->tried.data);
	return 0;
}

/* carto init and carto theme export need the share folder: without it, one
 * message says where carto looked. */
static int cmd_scaffold(const struct opts *o, const struct share *sh)
{
	if (!sh->dir) {
		fprintf(stderr, "carto: carto's share folder was not found (looked in %s); set CARTO_SHARE\n",
		    sh->tried.data);
		return 1;
	}
	if (!strcmp(o->cmd, "init")) {
		if (scaffold_init(sh->dir, o->args[0], today()) < 0)
			return 1;
		printf("carto: new site in %s; build it with: carto build --site %s\n", o->args[0],
		    o->args[0]);
		return 0;
	}
	if (strcmp(o->args[0], "export") != 0) {
		fprintf(stderr, "carto: theme: unknown action '%s' (carto theme export [DIR])\n", o->args[0]);
		return 2;
	}
	const char *site = o->n_args > 1 ? o->args[1] : ".";
	if (scaffold_theme_export(sh->dir, site) < 0)
		return 1;
	printf("carto: the default theme is in %s/themes/default/\n", site);
	return 0;
}

/* The commands that read no site: help, version, init, theme. Returns the
 * exit status, or -1 for the commands that do read one. */
static int run_tool(const struct opts *o, const struct share *sh)
{
	if (o->help || !strcmp(o->cmd, "help")) {
		const char *topic = o->help ? o->cmd : o->n_args ? o->args[0] : NULL;
		if (!topic) {
			help_usage(stdout);
			return 0;
		}
		if (help_command(stdout, topic) < 0) {
			fprintf(stderr, "carto: help: unknown command '%s'\n", topic);
			help_usage(stderr);
			return 2;
		}
		return 0;
	}
	if (!strcmp(o->cmd, "version"))
		return cmd_version(sh);
	if (!strcmp(o->cmd, "init") || !strcmp(o->cmd, "theme"))
		return cmd_scaffold(o, sh);
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	/* A file-size limit (ulimit -f, as an IT team may set for a nightly
	 * job) kills a process at the write past it, without a word and with
	 * the output half-written: ignored, the write fails with EFBIG and the
	 * build stops as on a full disk, with the file named and the output
	 * unchanged. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help_usage(stdout);
		return 0;
	}
	static char version_cmd[] = "version";
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")))
		argv[1] = version_cmd;
	o.args = xcalloc((size_t)argc + 1, sizeof(*o.args));	/* operands are at most argc */
	if (parse_args(argc, argv, &o) < 0) {
		if (o.cmd)	/* the message said what is wrong with it */
			fprintf(stderr, "carto: 'carto help %s' shows its usage\n", o.cmd);
		else
			help_usage(stderr);
		free(o.args);
		return 2;
	}
	if (source_date_ok() < 0) {
		free(o.args);
		return 2;
	}
	const char *tunables = NULL;
	if (!strcmp(o.cmd, "build") || !strcmp(o.cmd, "check") || !strcmp(o.cmd, "serve"))
		tunables = tune_malloc(argv);
	struct share sh;
	share_find(&sh, getenv("CARTO_SHARE"));
	o.share = sh.dir;
	int rc = run_tool(&o, &sh);
	if (rc >= 0) {
		share_free(&sh);
		free(o.args);
		return rc;
	}
	if (!o.site)
		o.site = ".";
	if (!o.b.jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o.b.jobs = n > 0 ? (int)n : 1;
	}
	read_env(&o);
	if (o.b.timing && tunables)
		fprintf(stderr, "carto: malloc-tunables %s\n", tunables);
	if (!strcmp(o.cmd, "new"))
		rc = cmd_new(&o);
	else if (!strcmp(o.cmd, "import"))
		rc = cmd_import(&o);
	else if (!strcmp(o.cmd, "serve")) {
		o.b.preview = !o.full;
		struct serve_ctx sc = { &o, NULL, DIAGS_INIT, 0 };
		struct serve_opts so = { o.site, o.port ? o.port : 8000, o.b.preview, o.poll, serve_refresh,
			serve_build, &sc };
		rc = serve_run(&so);
	} else {
		struct site s;
		struct diags d = DIAGS_INIT;
		memset(&s, 0, sizeof(s));
		o.exiting = 1;
		rc = !strcmp(o.cmd, "build") ? cmd_build(&o, &s, &d) : cmd_check(&o, &s, &d);
		if (FREE_AT_EXIT) {
			index_free(&s);
			site_free(&s);
			diags_free(&d);
		}
	}
	share_free(&sh);
	free(o.args);
	return rc;
}
