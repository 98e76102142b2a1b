/*
 * synth: writes a seeded synthetic site for `make bench`. It copies the
 * settings, référentiels, territory and cartographies of an existing site
 * (--from), then writes N organisations under content/organismes/ and P
 * Markdown pages under content/pages/synth/. The values it writes are drawn
 * from that site's own vocabularies, référentiels and communes, so that
 * `carto check` accepts the result without an error or a warning: the
 * benchmark then measures carto on valid content, the common case. The same
 * arguments always give the same bytes (a private splitmix64 generator and
 * sorted directory listings; no clock is read).
 *
 * Start reading at main(), then write_orgs() and org_write(). The site is
 * read with libyaml's document API and small CSV/GeoJSON scanners; output
 * goes through emit(), which prefixes every line with the indentation of
 * the current organisation (one per file, or an item of `organismes:`).
 *
 * usage: synth --orgs N --pages P --seed S --from SITE_DIR --out DIR
 *              [--date YYYY-MM-DD]
 *
 * DIR must be new or empty. --date (default 2026-11-15) stands for "today":
 * every mise_a_jour falls in the 300 days before it, sessions around it;
 * run carto with SOURCE_DATE_EPOCH at that date (tests/bench.sh does) and
 * no freshness warning depends on the day the bench runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(s, a) ((a)[rng_below(&(s)->rng, NELEM(a))])

/* A code of a closed list and the label shown for it. */
struct term {
	char *code, *label;
};

struct terms {
	struct term *v;
	size_t n, cap;
};

/* A scale of levels (cecrl, anlci…), in rang order. */
struct scale {
	char *id;
	struct terms levels;
};

struct vocab {
	struct terms types, parcours, publics, financeurs, natures, labels;
	struct scale *scales;
	size_t n_scales;
};

struct commune {
	char code[8], cp[8];
	char *nom;
	double lat, lon;
	int arrondissement;
};

/* One ring of a département outline, with its bounding box. */
struct ring {
	double *xy;
	size_t n, cap;
	double minx, miny, maxx, maxy;
};

/* The rings of one GeoJSON geometry; a point is inside by the even-odd rule. */
struct shape {
	struct ring *rings;
	size_t n;
};

struct synth {
	uint64_t rng;
	struct vocab vo;
	struct terms comps;		/* "referentiel:code" of every competence */
	struct commune *communes;
	size_t n_communes;
	double *cumul;			/* cumulative weights, to draw by population */
	struct shape *shapes;		/* empty: territory unknown, any point goes */
	size_t n_shapes;
	long today;			/* days since 1970-01-01 */
	FILE *f;			/* current output file */
	const char *ind, *ind_dash;	/* base indentation, and the one of an item's first line */
	int dash;			/* the next line starts a sequence item */
};

/* Fatal errors of the tool itself: a message, then exit status 1. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("synth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = xrealloc(NULL, n);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* ---- Random numbers: splitmix64, the same sequence on every platform. ---- */

static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A number in [0, n); n > 0. The modulo bias is irrelevant here. */
static unsigned rng_below(uint64_t *state, size_t n)
{
	return (unsigned)(rng_next(state) % n);
}

/* 1 with a probability of pct percent. */
static int chance(struct synth *s, unsigned pct)
{
	return rng_below(&s->rng, 100) < pct;
}

/*
 * Fills idx with k distinct indices below n (k is clamped to n). The picks
 * keep their drawing order, so lists do not all look sorted.
 */
static size_t pick_distinct(struct synth *s, size_t n, size_t k, size_t *idx)
{
	size_t got = 0;
	if (k > n)
		k = n;
	while (got < k) {
		size_t x = rng_below(&s->rng, n), j;
		for (j = 0; j < got && idx[j] != x; j++)
			;
		if (j == got)
			idx[got++] = x;
	}
	return got;
}

/* ---- Dates, as days since 1970-01-01 (Howard Hinnant's algorithms). ---- */

static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Writes the date as YYYY-MM-DD into out (11 bytes). */
static void format_date(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	char tmp[64];	/* roomy: the compiler cannot bound the fields */
	snprintf(tmp, sizeof(tmp), "%04ld-%02ld-%02ld", y % 10000, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

static int parse_date(const char *s, long *days)
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* ---- Files: copying the site's fixed parts. ---- */

static void mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *c = p + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST)
				die("%s: %s", p, strerror(errno));
			*c = '/';
		}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		die("%s: %s", p, strerror(errno));
	free(p);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb"), *out;
	if (!in)
		die("%s: %s", from, strerror(errno));
	if (!(out = fopen(to, "wb")))
		die("%s: %s", to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) | ferror(out) | (fclose(out) != 0))
		die("copying %s to %s failed", from, to);
	fclose(in);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in a folder (without "." entries and hidden files), sorted so
 * that everything read from the site comes in the same order on every
 * machine. Returns the count; *out is NULL-terminated and owned by the
 * caller. A missing folder has no names.
 */
static size_t list_dir(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	char **v = NULL;
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	v = xrealloc(v, (n + 1) * sizeof(*v));
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void free_list(char **v)
{
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Copies a folder recursively; suffix, when set, selects the files copied. */
static void copy_tree(const char *from, const char *to, const char *suffix)
{
	char **names;
	list_dir(from, &names);
	mkdirs(to);
	for (size_t i = 0; names[i]; i++) {
		char *a = path_join(from, names[i]), *b = path_join(to, names[i]);
		if (is_dir(a))
			copy_tree(a, b, suffix);
		else if (!suffix || has_suffix(names[i], suffix))
			copy_file(a, b);
		free(a);
		free(b);
	}
	free_list(names);
}

/* Refuses an output folder that holds anything: synth never overwrites. */
static void prepare_out(const char *out)
{
	char **names;
	DIR *d = opendir(out);
	if (!d) {
		if (errno != ENOENT)
			die("%s: %s", out, strerror(errno));
		mkdirs(out);
		return;
	}
	closedir(d);
	size_t n = list_dir(out, &names);
	free_list(names);
	if (n > 0)
		die("%s exists and is not empty: give a new folder", out);
}

/* ---- Reading the site: vocabularies and référentiels, with libyaml. ---- */

static void terms_add(struct terms *t, const char *code, const char *label)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].code = xstrdup(code);
	t->v[t->n].label = xstrdup(label ? label : code);
	t->n++;
}

static void terms_free(struct terms *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].code);
		free(t->v[i].label);
	}
	free(t->v);
}

/* Loads a YAML file as a libyaml document, or stops: the model site must be sound. */
static void load_doc(const char *path, yaml_document_t *doc)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t p;
	if (!f)
		die("%s: %s", path, strerror(errno));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, doc))
		die("%s:%zu:%zu: %s (run carto check on the model site)", path,
		    p.problem_mark.line + 1, p.problem_mark.column + 1, p.problem ? p.problem : "not YAML");
	yaml_parser_delete(&p);
	fclose(f);
	if (!yaml_document_get_root_node(doc))
		die("%s: empty document", path);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* A closed list: code → "label" or code → { libelle, description }. */
static void read_terms(yaml_document_t *doc, yaml_node_t *map, struct terms *t)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *code = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *label = scalar(v) ? scalar(v) : scalar(map_get(doc, v, "libelle"));
		if (code)
			terms_add(t, code, label);
	}
}

/* A scale's levels, sorted by rang (insertion sort: a handful of levels). */
static void read_levels(yaml_document_t *doc, yaml_node_t *seq, struct terms *t, long *rang)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *lv = yaml_document_get_node(doc, *it);
		const char *code = scalar(map_get(doc, lv, "code"));
		const char *r = scalar(map_get(doc, lv, "rang"));
		if (!code || t->n >= 64)
			continue;
		terms_add(t, code, scalar(map_get(doc, lv, "titre")));
		rang[t->n - 1] = r ? strtol(r, NULL, 10) : (long)t->n;
		for (size_t j = t->n - 1; j > 0 && rang[j - 1] > rang[j]; j--) {
			struct term tmp = t->v[j];
			long rt = rang[j];
			t->v[j] = t->v[j - 1], rang[j] = rang[j - 1];
			t->v[j - 1] = tmp, rang[j - 1] = rt;
		}
	}
}

static void read_scales(yaml_document_t *doc, yaml_node_t *map, struct vocab *vo)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *id = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *niveaux = map_get(doc, yaml_document_get_node(doc, p->value), "niveaux");
		struct scale sc = { NULL, { NULL, 0, 0 } };
		long rang[64];
		if (!id)
			continue;
		read_levels(doc, niveaux, &sc.levels, rang);
		if (sc.levels.n == 0)
			continue;
		sc.id = xstrdup(id);
		vo->scales = xrealloc(vo->scales, (vo->n_scales + 1) * sizeof(*vo->scales));
		vo->scales[vo->n_scales++] = sc;
	}
}

static void read_vocab(const char *site, struct vocab *vo)
{
	char *path = path_join(site, "referentiels/vocabulaires.yaml");
	yaml_document_t doc;
	load_doc(path, &doc);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	read_terms(&doc, map_get(&doc, root, "types_offre"), &vo->types);
	read_terms(&doc, map_get(&doc, root, "parcours"), &vo->parcours);
	read_terms(&doc, map_get(&doc, root, "publics"), &vo->publics);
	read_terms(&doc, map_get(&doc, root, "financeurs"), &vo->financeurs);
	read_terms(&doc, map_get(&doc, root, "natures"), &vo->natures);
	read_terms(&doc, map_get(&doc, root, "labels"), &vo->labels);
	read_scales(&doc, map_get(&doc, root, "echelles"), vo);
	yaml_document_delete(&doc);
	if (!vo->types.n || !vo->natures.n)
		die("%s: types_offre and natures must not be empty", path);
	free(path);
}

/* Adds "id:code" for every competence of a référentiel file. */
static void read_referentiel(const char *path, struct terms *comps)
{
	yaml_document_t doc;
	load_doc(path, &doc);
	yaml_node_t *ref = map_get(&doc, yaml_document_get_root_node(&doc), "referentiel");
	const char *id = scalar(map_get(&doc, ref, "id"));
	yaml_node_t *doms = map_get(&doc, ref, "domaines");
	char buf[256];
	for (yaml_node_item_t *d = doms && doms->type == YAML_SEQUENCE_NODE ? doms->data.sequence.items.start : NULL;
	    id && d && d < doms->data.sequence.items.top; d++) {
		yaml_node_t *cs = map_get(&doc, yaml_document_get_node(&doc, *d), "competences");
		if (!cs || cs->type != YAML_SEQUENCE_NODE)
			continue;
		for (yaml_node_item_t *c = cs->data.sequence.items.start; c < cs->data.sequence.items.top; c++) {
			const char *code = scalar(map_get(&doc, yaml_document_get_node(&doc, *c), "code"));
			if (code && snprintf(buf, sizeof(buf), "%s:%s", id, code) < (int)sizeof(buf))
				terms_add(comps, buf, NULL);
		}
	}
	yaml_document_delete(&doc);
}

static void read_referentiels(const char *site, struct terms *comps)
{
	char *dir = path_join(site, "referentiels"), **names;
	list_dir(dir, &names);
	for (size_t i = 0; names[i]; i++) {
		if (!has_suffix(names[i], ".yaml") || strcmp(names[i], "vocabulaires.yaml") == 0)
			continue;
		char *p = path_join(dir, names[i]);
		read_referentiel(p, comps);
		free(p);
	}
	free_list(names);
	free(dir);
}

/* ---- The territory: communes (CSV) and département outlines (GeoJSON). ---- */

/*
 * Reads code_insee,nom,departement,codes_postaux,latitude,longitude,population
 * (a header line first, no quoting). Each commune weighs its population;
 * Paris as a whole weighs a tenth when its arrondissements are listed too,
 * so that most Parisian addresses name an arrondissement.
 */
static int read_communes(struct synth *s, const char *path, int arrondissement)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *fld[7], *p = line;
		int n = 0;
		while (n < 7 && p) {
			fld[n++] = p;
			if ((p = strchr(p, ',')) != NULL)
				*p++ = '\0';
		}
		if (n < 7 || strcmp(fld[0], "code_insee") == 0 || strlen(fld[0]) >= 8)
			continue;
		s->communes = xrealloc(s->communes, (s->n_communes + 1) * sizeof(*s->communes));
		s->cumul = xrealloc(s->cumul, (s->n_communes + 1) * sizeof(*s->cumul));
		struct commune *c = &s->communes[s->n_communes];
		snprintf(c->code, sizeof(c->code), "%s", fld[0]);
		snprintf(c->cp, sizeof(c->cp), "%.5s", fld[3]);
		c->nom = xstrdup(fld[1]);
		c->lat = strtod(fld[4], NULL);
		c->lon = strtod(fld[5], NULL);
		c->arrondissement = arrondissement;
		double w = strtod(fld[6], NULL) + 1;
		s->cumul[s->n_communes] = (s->n_communes ? s->cumul[s->n_communes - 1] : 0) + w;
		s->n_communes++;
	}
	fclose(f);
	return 0;
}

static void load_communes(struct synth *s, const char *site)
{
	char *p = path_join(site, "referentiels/geo/communes.csv");
	if (read_communes(s, p, 0) < 0 || s->n_communes == 0)
		die("%s: no commune to place organisations in", p);
	size_t n_communes = s->n_communes;
	free(p);
	p = path_join(site, "referentiels/geo/arrondissements.csv");
	if (read_communes(s, p, 1) == 0 && s->n_communes > n_communes) {
		/* Rebuild the weights with Paris at a tenth. */
		double acc = 0, prev = 0;
		for (size_t i = 0; i < s->n_communes; i++) {
			double w = s->cumul[i] - prev;
			prev = s->cumul[i];
			acc += strcmp(s->communes[i].code, "75056") == 0 ? w / 10 : w;
			s->cumul[i] = acc;
		}
	}
	free(p);
}

static const struct commune *draw_commune(struct synth *s)
{
	double x = (double)(rng_next(&s->rng) >> 11) / 9007199254740992.0 * s->cumul[s->n_communes - 1];
	size_t lo = 0, hi = s->n_communes - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->cumul[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &s->communes[lo];
}

/* A JSON container being scanned: an object, or an array and what it holds. */
struct jframe {
	char type;		/* '{' or '[' */
	int nums;		/* numbers seen directly inside (a position) */
	int has_points;		/* arrays of numbers seen inside (a ring) */
	double xy[2];
};

static void ring_add(struct ring *r, double x, double y)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->xy = xrealloc(r->xy, 2 * r->cap * sizeof(*r->xy));
	}
	if (r->n == 0 || x < r->minx)
		r->minx = x;
	if (r->n == 0 || x > r->maxx)
		r->maxx = x;
	if (r->n == 0 || y < r->miny)
		r->miny = y;
	if (r->n == 0 || y > r->maxy)
		r->maxy = y;
	r->xy[2 * r->n] = x;
	r->xy[2 * r->n + 1] = y;
	r->n++;
}

/*
 * Closes a JSON array: a position goes into the ring being read; an array
 * of positions is a ring of the current shape; an array directly inside an
 * object (a geometry's "coordinates") ends the shape.
 */
static void close_array(struct synth *s, struct jframe *fr, struct jframe *parent, struct ring *cur)
{
	if (fr->nums >= 2 && parent && parent->type == '[') {
		ring_add(cur, fr->xy[0], fr->xy[1]);
		parent->has_points = 1;
	} else if (fr->has_points) {
		if (cur->n >= 3) {
			struct shape *sh = &s->shapes[s->n_shapes];
			sh->rings = xrealloc(sh->rings, (sh->n + 1) * sizeof(*sh->rings));
			sh->rings[sh->n++] = *cur;
		} else
			free(cur->xy);
		memset(cur, 0, sizeof(*cur));
	} else if (parent && parent->type == '{' && s->shapes[s->n_shapes].n > 0) {
		s->n_shapes++;
		s->shapes = xrealloc(s->shapes, (s->n_shapes + 1) * sizeof(*s->shapes));
		memset(&s->shapes[s->n_shapes], 0, sizeof(*s->shapes));
	}
}

/*
 * Reads the rings of every geometry of a GeoJSON text. Not a JSON
 * validator: carto checks the file; this only needs its coordinates.
 */
static void scan_geojson(struct synth *s, const char *p)
{
	struct jframe st[32];
	struct ring cur = { NULL, 0, 0, 0, 0, 0, 0 };
	int depth = 0;
	s->shapes = xrealloc(NULL, sizeof(*s->shapes));
	memset(s->shapes, 0, sizeof(*s->shapes));
	for (; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if ((*p == '[' || *p == '{') && depth < 32) {
			st[depth++] = (struct jframe){ *p, 0, 0, { 0, 0 } };
		} else if ((*p == ']' || *p == '}') && depth > 0) {
			depth--;
			if (*p == ']')
				close_array(s, &st[depth], depth ? &st[depth - 1] : NULL, &cur);
		} else if (depth > 0 && (*p == '-' || (*p >= '0' && *p <= '9'))) {
			char *end;
			double v = strtod(p, &end);
			if (st[depth - 1].nums < 2)
				st[depth - 1].xy[st[depth - 1].nums] = v;
			st[depth - 1].nums++;
			p = end - 1;
		}
	}
	free(cur.xy);
}

static void load_territory(struct synth *s, const char *site)
{
	char *path = path_join(site, "referentiels/geo/departements.geojson");
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return;	/* carto then uses its own territory: place points at the centres */
	char *text = NULL;
	size_t n = 0, cap = 0, got;
	do {
		cap = cap ? 2 * cap : 1 << 16;
		text = xrealloc(text, cap + 1);
		got = fread(text + n, 1, cap - n, f);
		n += got;
	} while (n == cap);
	fclose(f);
	text[n] = '\0';
	scan_geojson(s, text);
	free(text);
}

static int in_shape(const struct shape *sh, double x, double y)
{
	int in = 0;
	for (size_t r = 0; r < sh->n; r++) {
		const struct ring *rg = &sh->rings[r];
		if (x < rg->minx || x > rg->maxx || y < rg->miny || y > rg->maxy)
			continue;
		for (size_t i = 0, j = rg->n - 1; i < rg->n; j = i++) {
			double xi = rg->xy[2 * i], yi = rg->xy[2 * i + 1];
			double xj = rg->xy[2 * j], yj = rg->xy[2 * j + 1];
			if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
				in = !in;
		}
	}
	return in;
}

/* Whether carto will find the point inside the territory (unknown: yes). */
static int in_territory(const struct synth *s, double lon, double lat)
{
	if (s->n_shapes == 0)
		return 1;
	for (size_t i = 0; i < s->n_shapes; i++)
		if (in_shape(&s->shapes[i], lon, lat))
			return 1;
	return 0;
}

/* ---- Writing YAML. ---- */

static void indent(struct synth *s, int depth)
{
	fputs(s->dash ? s->ind_dash : s->ind, s->f);
	s->dash = 0;
	while (depth-- > 0)
		fputs("  ", s->f);
}

/* Writes one line at depth (2 spaces a level) below the organisation. */
static void emit(struct synth *s, int depth, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void emit(struct synth *s, int depth, const char *fmt, ...)
{
	va_list ap;
	indent(s, depth);
	va_start(ap, fmt);
	vfprintf(s->f, fmt, ap);
	va_end(ap);
	fputc('\n', s->f);
}

/* Quotes a string for a YAML double-quoted scalar, truncating to size. */
static const char *quote(char *buf, size_t size, const char *text)
{
	size_t n = 0;
	buf[n++] = '"';
	for (const char *p = text; *p && n + 4 < size; p++) {
		if (*p == '"' || *p == '\\')
			buf[n++] = '\\';
		buf[n++] = *p;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

/*
 * A code as YAML: plain when a reader cannot take it for anything but a
 * string, double-quoted otherwise (a number such as "2" must stay a code).
 */
static const char *code_str(char *buf, size_t size, const char *code)
{
	static const char *const words[] = { "true", "false", "null", "yes", "no", "on", "off", "y", "n" };
	int plain = *code >= 'a' && *code <= 'z'
	    && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(code);
	for (size_t i = 0; plain && i < NELEM(words); i++)
		plain = strcmp(code, words[i]) != 0;
	return plain ? code : quote(buf, size, code);
}

/*
 * Writes `key: |` and text as a literal block wrapped near 76 columns.
 * A blank line in text ("\n\n") separates paragraphs.
 */
static void emit_block(struct synth *s, int depth, const char *key, const char *text)
{
	emit(s, depth, "%s: |", key);
	const char *p = text;
	while (*p) {
		if (*p == '\n') {
			fputc('\n', s->f);
			p++;
			continue;
		}
		size_t n = strcspn(p, "\n"), cut = n;
		if (n > 72) {
			for (cut = 72; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = n;
		}
		indent(s, depth + 1);
		fwrite(p, 1, cut, s->f);
		fputc('\n', s->f);
		p += cut;
		if (*p == ' ')
			p++;
		else if (*p == '\n')
			p++;
	}
}

/* Appends a piece of text to a fixed buffer (truncated when full). */
static void cat(char *buf, size_t size, const char *text)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s", text);
}

/* ---- What organisations say: banks of French text. ---- */

static const char *const org_prefixes[] = { "Association", "Centre social", "Maison des savoirs",
	"Espace", "Atelier", "Institut", "Collectif", "Réseau", "Foyer", "Maison de quartier",
	"Régie de quartier", "Université populaire" };
static const char *const org_themes[] = { "Langues et Cultures", "Paroles Partagées",
	"Lire et Écrire", "Passerelles", "Savoirs Plus", "Horizons", "Trait d'Union", "Mots Croisés",
	"Cap Avenir", "L'Œil et la Plume", "Français pour Tous", "Accueil et Solidarité",
	"Les Mots Voyageurs", "Clé des Champs", "Écrits Partagés", "Pas à Pas" };
static const char *const denominations[] = { "Maison de quartier des Tilleuls",
	"Centre social Jean-Jaurès", "Local associatif", "Médiathèque Louise-Michel",
	"Espace emploi", "Salle polyvalente", "Pôle formation", "École élémentaire Jules-Ferry",
	"Maison des associations", "Siège", "Salle \"Agora\"", "Maison pour tous Aimé-Césaire" };
static const char *const streets[] = { "rue de la République", "avenue Jean-Jaurès",
	"rue Victor-Hugo", "place de la Mairie", "allée des Tilleuls", "boulevard Pasteur",
	"rue Gabriel-Péri", "chemin des Écoliers", "rue du Général-Leclerc",
	"avenue Henri-Barbusse", "rue Émile-Zola", "square Édouard-Vaillant" };
static const char *const address_more[] = { "Bâtiment B, 2e étage", "Entrée par la cour",
	"Résidence Les Acacias", "Escalier C, rez-de-chaussée" };
static const char *const stops[] = { "Mairie", "Gare", "Marché", "Hôtel de Ville",
	"Collège Paul-Éluard", "Les Fleurs", "Église", "Centre commercial" };
static const char *const desk_hours[] = { "Mo-Fr 09:00-12:00,14:00-17:30",
	"Mo,Tu,Th,Fr 09:00-12:30; We 14:00-18:00", "Tu-Sa 10:00-18:00",
	"Mo-Th 09:00-17:00; Fr 09:00-12:00", "Mo-Fr 08:30-12:30" };
static const char *const class_hours[] = { "Mo,We,Fr 09:00-11:30", "Tu,Th 18:30-20:30",
	"Mo-Fr 09:00-12:00", "Sa 10:00-12:30", "Mo,Th 14:00-16:00; Sa 09:30-11:30",
	"We 14:00-17:00", "Tu,Fr 09:30-12:00,13:30-15:30", "Mo-Th 09:00-12:30,13:30-16:30" };
static const char *const qualifiers[] = { "groupe du matin", "cours du soir",
	"ateliers de l'après-midi", "session intensive", "parcours renforcé",
	"module vers l'emploi", "groupe des parents", "le samedi matin", "en petits groupes",
	"à distance avec regroupements" };
static const char *const goals[] = {
	"Prendre la parole avec plus d'assurance dans les situations de la vie quotidienne : rendez-vous médicaux, école des enfants, démarches à la mairie.",
	"Lire et comprendre des documents courants (courriers, affiches, horaires de transport) et remplir un formulaire simple.",
	"Écrire un message court à un employeur, à un enseignant ou à un service administratif.",
	"Se repérer dans la ville, utiliser les transports et les services publics en **autonomie**.",
	"Préparer un projet professionnel réaliste et découvrir les métiers qui recrutent sur le territoire.",
	"Consolider les bases du calcul : proportions, pourcentages, lecture de tableaux et de graphiques.",
	"Utiliser un ordinateur et un smartphone pour les démarches en ligne : messagerie, espace personnel, prise de rendez-vous.",
	"Chaque parcours commence par un entretien et un positionnement ; un bilan individuel est remis à la sortie.",
	"Les groupes comptent au plus quinze personnes, ce qui laisse à chacun le temps de s'exprimer.",
	"Des sorties culturelles (musée, bibliothèque, théâtre) complètent les séances en salle.",
	"Les formatrices et formateurs partent de situations réelles apportées par les participantes et les participants.",
	"Préparer les épreuves du DILF ou du DELF dans des conditions proches de l'examen.",
	"Comprendre le fonctionnement de l'école française pour accompagner la scolarité de ses enfants.",
	"Connaître ses droits et ses devoirs, les valeurs de la République et les institutions françaises.",
	"Travailler en équipe, respecter les règles d'hygiène et de sécurité, s'organiser dans son travail.",
	"Une évaluation finale valide les compétences acquises, domaine par domaine.",
};
static const char *const programme[] = { "l'accueil et le positionnement",
	"la compréhension orale", "la lecture de documents du quotidien", "l'écriture de messages courts",
	"le vocabulaire du travail", "les démarches en ligne", "la préparation d'un entretien",
	"une visite d'entreprise" };
static const char *const public_notes[] = { "Entretien préalable obligatoire.",
	"Être inscrit·e à France Travail.", "Priorité aux habitantes et habitants des quartiers prioritaires.",
	"Avoir signé le contrat d'intégration républicaine depuis moins de deux ans.",
	"Garde d'enfants possible sur inscription." };
static const char *const contact_names[] = { "Accueil", "Coordination pédagogique", "Secrétariat",
	"Mme Dubois", "M. N'Diaye", "Responsable formation", "Mme Nguyễn", "M. Benali" };
static const char *const formacodes[] = { "15235", "15043", "15040", "15084", "15081", "15061",
	"44591", "70322" };
static const char *const free_notes[] = { "Adhésion annuelle de 10 €", "Gratuit pour les habitants du quartier",
	"Participation de 2 € par sortie culturelle", "Adhésion annuelle de 15 € (5 € pour les moins de 26 ans)" };
static const char *const paid_notes[] = { "Prise en charge possible par le CPF",
	"Devis sur demande pour les employeurs", "Paiement en trois fois sans frais" };

struct cert {
	const char *key, *code, *title;
};

static const struct cert certs[] = {
	{ "code_rs", "RS5080", "Certificat CléA" },
	{ "code_rs", "RS5439", "Diplôme d'études en langue française (DELF)" },
	{ "code_rs", "RS6185", "Certificat de compétences en langue française – TCF" },
	{ "code_rncp", "RNCP37879", "Titre professionnel Agent de propreté et d'hygiène" },
};

/* ---- Organisations. ---- */

/* What the lieux and offers of one organisation share. */
struct org {
	char id[32];
	const struct commune *c;
	size_t n_lieux;
	char lieu_ids[3][32];
};

/* A French phone number: 01 (Île-de-France) mostly, 09 (internet boxes) sometimes. */
static void phone(struct synth *s, char *buf, size_t size)
{
	snprintf(buf, size, "0%u %02u %02u %02u %02u", 1 + 8 * (rng_below(&s->rng, 5) == 0),
	    rng_below(&s->rng, 100), rng_below(&s->rng, 100), rng_below(&s->rng, 100),
	    rng_below(&s->rng, 100));
}

/* A contact mapping, in flow style mostly and in block style sometimes. */
static void emit_contact(struct synth *s, int depth, const struct org *o, const char *mailbox)
{
	char q[128], tel[32];
	quote(q, sizeof(q), PICK(s, contact_names));
	phone(s, tel, sizeof(tel));
	if (chance(s, 80)) {
		emit(s, depth, "contact: { nom: %s, telephone: \"%s\", courriel: \"%s@%s.exemple.org\" }",
		    q, tel, mailbox, o->id);
		return;
	}
	emit(s, depth, "contact:");
	emit(s, depth + 1, "nom: %s", q);
	emit(s, depth + 1, "telephone: \"%s\"", tel);
	emit(s, depth + 1, "courriel: \"%s@%s.exemple.org\"", mailbox, o->id);
}

/*
 * A point near the commune's centre (within 0.002°), on the 1e-5° grid that
 * is written out, so that carto reads back exactly the point tested here.
 * Near the territory's edge, falls back to the centre, or to no geo at all.
 */
static void emit_geo(struct synth *s, const struct commune *c)
{
	double lat0 = c->lat * 1e5, lon0 = c->lon * 1e5;
	long la0 = (long)(lat0 < 0 ? lat0 - 0.5 : lat0 + 0.5);
	long lo0 = (long)(lon0 < 0 ? lon0 - 0.5 : lon0 + 0.5);
	for (int tries = 0; tries < 5; tries++) {
		long la = la0, lo = lo0;
		if (tries < 4) {
			la += (long)rng_below(&s->rng, 401) - 200;
			lo += (long)rng_below(&s->rng, 401) - 200;
		}
		if (in_territory(s, (double)lo / 1e5, (double)la / 1e5)) {
			emit(s, 2, "geo: { lat: %.5f, lon: %.5f }", (double)la / 1e5, (double)lo / 1e5);
			return;
		}
	}
}

static void emit_adresse(struct synth *s, const struct commune *c)
{
	char q[160];
	emit(s, 2, "adresse:");
	if (chance(s, 20))
		emit(s, 3, "lignes: [\"%u %s\", \"%s\"]", 1 + rng_below(&s->rng, 180), PICK(s, streets),
		    PICK(s, address_more));
	else
		emit(s, 3, "lignes: [\"%u %s\"]", 1 + rng_below(&s->rng, 180), PICK(s, streets));
	emit(s, 3, "code_postal: \"%s\"", c->cp);
	emit(s, 3, "commune: %s", quote(q, sizeof(q), c->arrondissement ? "Paris" : c->nom));
	emit(s, 3, "code_insee: \"%s\"", c->code);
}

static void emit_lieu(struct synth *s, struct org *o, size_t k)
{
	const struct commune *c = k == 0 || chance(s, 50) ? o->c : draw_commune(s);
	char q[160];
	if (k == 0)
		snprintf(o->lieu_ids[k], sizeof(o->lieu_ids[k]), "principal");
	else
		snprintf(o->lieu_ids[k], sizeof(o->lieu_ids[k]), "annexe-%zu", k);
	emit(s, 1, "- id: %s", o->lieu_ids[k]);
	if (chance(s, 90))
		emit(s, 2, "denomination: %s", quote(q, sizeof(q), PICK(s, denominations)));
	emit_adresse(s, c);
	if (chance(s, 80))
		emit_geo(s, c);
	if (chance(s, 75))
		emit(s, 2, "acces_pmr: %s", chance(s, 70) ? "true" : "false");
	if (chance(s, 70)) {
		snprintf(q, sizeof(q), "Bus %u, arrêt %s ; gare à %u minutes à pied",
		    20 + rng_below(&s->rng, 480), PICK(s, stops), 3 + rng_below(&s->rng, 15));
		char qq[200];
		emit(s, 2, "transports: %s", quote(qq, sizeof(qq), q));
	}
	if (chance(s, 85))
		emit(s, 2, "horaires_accueil: \"%s\"", PICK(s, desk_hours));
}

/* A few sentences of goals, sometimes followed by a Markdown list. */
static void emit_objectif(struct synth *s, int depth)
{
	char text[2048] = "";
	size_t idx[5], n = pick_distinct(s, NELEM(goals), 1 + rng_below(&s->rng, 2), idx);
	for (size_t i = 0; i < n; i++) {
		if (i)
			cat(text, sizeof(text), " ");
		cat(text, sizeof(text), goals[idx[i]]);
	}
	if (chance(s, 15)) {
		cat(text, sizeof(text), "\n\nAu programme :\n");
		n = pick_distinct(s, NELEM(programme), 2 + rng_below(&s->rng, 2), idx);
		for (size_t i = 0; i < n; i++) {
			cat(text, sizeof(text), "- ");
			cat(text, sizeof(text), programme[idx[i]]);
			cat(text, sizeof(text), i + 1 < n ? " ;\n" : ".\n");
		}
	}
	emit_block(s, depth, "objectif", text);
}

/* Writes "[a, b]" into buf: k distinct codes of a list, quoted when asked. */
static const char *codes_list(struct synth *s, const struct terms *t, size_t k, int quoted,
    char *buf, size_t size)
{
	size_t idx[8], n = pick_distinct(s, t->n, k < 8 ? k : 8, idx);
	snprintf(buf, size, "[");
	for (size_t i = 0; i < n; i++) {
		char q[128];
		cat(buf, size, i ? ", " : "");
		cat(buf, size, quoted ? quote(q, sizeof(q), t->v[idx[i]].code)
				      : code_str(q, sizeof(q), t->v[idx[i]].code));
	}
	cat(buf, size, "]");
	return buf;
}

static void emit_codes(struct synth *s, int depth, const char *key, const struct terms *t,
    size_t k, int quoted)
{
	char list[512];
	emit(s, depth, "%s: %s", key, codes_list(s, t, k, quoted, list, sizeof(list)));
}

/* Entry levels and target in rang order: min ≤ max ≤ vise. */
static void emit_niveaux(struct synth *s, const char *type)
{
	size_t k = 0;
	static const char *const basic_types[] = { "clea", "competences-cles", "remise-a-niveau",
		"numerique" };
	int basics = 0;
	for (size_t i = 0; i < NELEM(basic_types); i++)
		basics |= strcmp(type, basic_types[i]) == 0;
	for (size_t i = 0; basics && i < s->vo.n_scales; i++)
		if (strcmp(s->vo.scales[i].id, "anlci") == 0)
			k = i;
	if (!basics && chance(s, 10))
		k = rng_below(&s->rng, s->vo.n_scales);
	const struct terms *lv = &s->vo.scales[k].levels;
	size_t a = rng_below(&s->rng, lv->n), b = a + rng_below(&s->rng, 2), v = b + 1 + rng_below(&s->rng, 2);
	b = b < lv->n ? b : lv->n - 1;
	v = v < lv->n ? v : lv->n - 1;
	emit(s, 2, "niveaux:");
	char q[128];
	emit(s, 3, "echelle: %s", code_str(q, sizeof(q), s->vo.scales[k].id));
	if (chance(s, 80))
		emit(s, 3, "entree: { min: \"%s\", max: \"%s\" }", lv->v[a].code, lv->v[b].code);
	else if (chance(s, 50))
		emit(s, 3, "entree: { min: \"%s\" }", lv->v[a].code);
	if (chance(s, 90))
		emit(s, 3, "vise: \"%s\"", lv->v[v].code);
	if (chance(s, 70))
		emit(s, 3, "ecrit_requis: %s", chance(s, 40) ? "true" : "false");
}

static void emit_public(struct synth *s)
{
	unsigned age = chance(s, 30) ? 16 : chance(s, 80) ? 18 : 26;
	char list[512];
	if (chance(s, 50)) {
		emit(s, 2, "public: { codes: %s, age_min: %u }",
		    codes_list(s, &s->vo.publics, 1 + rng_below(&s->rng, 2), 0, list, sizeof(list)), age);
		return;
	}
	emit(s, 2, "public:");
	emit_codes(s, 3, "codes", &s->vo.publics, 1 + rng_below(&s->rng, 3), 0);
	if (chance(s, 75))
		emit(s, 3, "age_min: %u", age);
	if (chance(s, 15))
		emit(s, 3, "age_max: %u", age < 26 ? 25 + 40 * chance(s, 50) : 64);
	if (chance(s, 30))
		emit(s, 3, "precisions: \"%s\"", PICK(s, public_notes));
	else if (chance(s, 10)) {
		emit(s, 3, "precisions: >-");
		emit(s, 4, "%s", PICK(s, public_notes));
		emit(s, 4, "%s", PICK(s, public_notes));
	}
}

static void emit_financement(struct synth *s)
{
	char list[512];
	if (s->vo.financeurs.n && chance(s, 50)) {
		emit(s, 2, "financement: { financeurs: %s, conventionne: %s, cpf: %s }",
		    codes_list(s, &s->vo.financeurs, 1 + rng_below(&s->rng, 2), 1, list, sizeof(list)),
		    chance(s, 70) ? "true" : "false", chance(s, 25) ? "true" : "false");
		return;
	}
	emit(s, 2, "financement:");
	if (s->vo.financeurs.n)
		emit_codes(s, 3, "financeurs", &s->vo.financeurs, 1 + rng_below(&s->rng, 3), 1);
	emit(s, 3, "conventionne: %s", chance(s, 70) ? "true" : "false");
	emit(s, 3, "cpf: %s", chance(s, 25) ? "true" : "false");
	if (chance(s, 20)) {
		const struct cert *c = &PICK(s, certs);
		emit(s, 3, "certification: { %s: \"%s\", intitule: \"%s\" }", c->key, c->code, c->title);
	}
}

static void emit_cout(struct synth *s)
{
	if (chance(s, 70)) {
		if (chance(s, 50))
			emit(s, 2, "cout: { gratuit: true, montant_eur: null, precisions: \"%s\" }",
			    PICK(s, free_notes));
		else
			emit(s, 2, "cout: { gratuit: true }");
		return;
	}
	unsigned eur = 150 + 50 * rng_below(&s->rng, 60);
	if (chance(s, 50))
		emit(s, 2, "cout: { gratuit: false, montant_eur: %u, precisions: \"%s\" }", eur,
		    PICK(s, paid_notes));
	else
		emit(s, 2, "cout: { gratuit: false, montant_eur: %u.50 }", eur);
}

static void emit_modalites(struct synth *s, int fixed)
{
	static const char *const modes[] = { "presentiel", "presentiel", "presentiel", "mixte", "distance" };
	emit(s, 2, "modalites:");
	if (chance(s, 90))
		emit(s, 3, "enseignement: %s", PICK(s, modes));
	emit(s, 3, "entrees_sorties: %s", fixed ? "dates_fixes" : "permanentes");
	if (chance(s, 15))
		emit(s, 3, "heures_semaine: %u.5", 1 + rng_below(&s->rng, 10));
	else
		emit(s, 3, "heures_semaine: %u", 2 + rng_below(&s->rng, 24));
	if (chance(s, 80))
		emit(s, 3, "duree_semaines: %u", 4 + rng_below(&s->rng, 40));
	if (chance(s, 90))
		emit(s, 3, "horaires: \"%s\"", PICK(s, class_hours));
	if (chance(s, 70))
		emit(s, 3, "garde_enfants: %s", chance(s, 25) ? "true" : "false");
	if (chance(s, 85))
		emit(s, 3, "places: %u", 6 + rng_below(&s->rng, 20));
}

static void emit_sessions(struct synth *s, int fixed)
{
	static const char *const etats[] = { "ouvert", "ouvert", "ouvert", "ferme", "suspendu" };
	unsigned n = fixed ? 1 + (unsigned)chance(s, 30) : (unsigned)chance(s, 50);
	long start = s->today - 120 + (long)rng_below(&s->rng, 300);
	char d1[11], d2[11];
	if (n == 0)
		return;
	emit(s, 2, "sessions:");
	for (unsigned i = 0; i < n; i++) {
		long end = start + 7 * (4 + (long)rng_below(&s->rng, 36));
		format_date(start, d1);
		format_date(end, d2);
		if (chance(s, 60))
			emit(s, 3, "- { debut: %s, fin: %s, etat_recrutement: %s, places_disponibles: %u }",
			    d1, d2, PICK(s, etats), rng_below(&s->rng, 12));
		else
			emit(s, 3, "- { debut: %s, fin: %s, etat_recrutement: %s }", d1, d2, PICK(s, etats));
		start = end + 7 + (long)rng_below(&s->rng, 60);
	}
}

static void emit_lieux_ref(struct synth *s, const struct org *o)
{
	size_t idx[3], n = pick_distinct(s, o->n_lieux, 1 + (o->n_lieux > 1 && chance(s, 30)), idx);
	if (n == 2)
		emit(s, 2, "lieux: [%s, %s]", o->lieu_ids[idx[0]], o->lieu_ids[idx[1]]);
	else
		emit(s, 2, "lieux: [%s]", o->lieu_ids[idx[0]]);
}

static int is_slug(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static void emit_offre(struct synth *s, struct org *o, size_t k)
{
	const struct term *t = &s->vo.types.v[rng_below(&s->rng, s->vo.types.n)];
	int fixed = chance(s, 45);
	char q[256], title[256];
	emit(s, 1, "- id: %s-%zu", is_slug(t->code) ? t->code : "offre", k + 1);
	snprintf(title, sizeof(title), "%s – %s", t->label, PICK(s, qualifiers));
	emit(s, 2, "intitule: %s", quote(q, sizeof(q), title));
	const struct term *t2 = chance(s, 20) ? &s->vo.types.v[rng_below(&s->rng, s->vo.types.n)] : t;
	char c1[128], c2[128];
	if (t2 != t && strcmp(t2->code, t->code) != 0)
		emit(s, 2, "types: [%s, %s]", code_str(c1, sizeof(c1), t->code),
		    code_str(c2, sizeof(c2), t2->code));
	else
		emit(s, 2, "types: [%s]", code_str(c1, sizeof(c1), t->code));
	if (s->vo.parcours.n && chance(s, 90))
		emit(s, 2, "parcours: %s", code_str(c1, sizeof(c1),
		    s->vo.parcours.v[rng_below(&s->rng, s->vo.parcours.n)].code));
	emit_objectif(s, 2);
	if (chance(s, 80))
		emit(s, 2, "formacodes: [\"%s\"]", PICK(s, formacodes));
	if (s->vo.n_scales && chance(s, 85))
		emit_niveaux(s, t->code);
	if (s->vo.publics.n && chance(s, 90))
		emit_public(s);
	if (chance(s, 90))
		emit_financement(s);
	if (chance(s, 90))
		emit_cout(s);
	if (chance(s, 95))
		emit_modalites(s, fixed);
	emit_lieux_ref(s, o);
	emit_sessions(s, fixed);
	if (chance(s, 20))
		emit_contact(s, 2, o, "formation");
	if (s->comps.n && chance(s, 60))
		emit_codes(s, 2, "competences", &s->comps, 1 + rng_below(&s->rng, 4), 1);
}

static void emit_org_head(struct synth *s, struct org *o, int imported)
{
	char name[256], q[300];
	snprintf(name, sizeof(name), "%s %s", PICK(s, org_prefixes), PICK(s, org_themes));
	if (chance(s, 60)) {
		cat(name, sizeof(name), " – ");
		cat(name, sizeof(name), o->c->arrondissement ? "Paris" : o->c->nom);
	}
	emit(s, 0, "id: %s", o->id);
	emit(s, 0, "nom: %s", quote(q, sizeof(q), name));
	if (chance(s, imported ? 95 : 60))
		emit(s, 0, "siret: \"%09u%05u\"", rng_below(&s->rng, 1000000000), rng_below(&s->rng, 100000));
	emit(s, 0, "nature: %s", code_str(q, sizeof(q), s->vo.natures.v[rng_below(&s->rng, s->vo.natures.n)].code));
	if (s->vo.labels.n && chance(s, 45))
		emit_codes(s, 0, "labels", &s->vo.labels, 1 + rng_below(&s->rng, 2), 0);
	if (chance(s, 80))
		emit(s, 0, "site_web: \"https://%s.exemple.org\"", o->id);
	if (chance(s, 90))
		emit_contact(s, 0, o, "accueil");
}

/*
 * Writes one organisation at the current indentation: 1.5 lieux and 2.75
 * offers on average, every field of the contract present in a good share of
 * them, about 3.9 KB of YAML (so 50,000 organisations make some 190 MB).
 */
static void org_write(struct synth *s, unsigned long num, int imported)
{
	struct org o;
	char date[11];
	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "org-%06lu", num);
	o.c = draw_commune(s);
	o.n_lieux = chance(s, 60) ? 1 : chance(s, 88) ? 2 : 3;
	static const unsigned offres[] = { 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6 };
	unsigned n_offres = PICK(s, offres);
	emit_org_head(s, &o, imported);
	emit(s, 0, "lieux:");
	for (size_t k = 0; k < o.n_lieux; k++)
		emit_lieu(s, &o, k);
	emit(s, 0, "offres:");
	for (unsigned k = 0; k < n_offres; k++)
		emit_offre(s, &o, k);
	format_date(s->today - 1 - (long)rng_below(&s->rng, 300), date);
	emit(s, 0, "meta:");
	emit(s, 1, "source: %s", imported ? "import-lheo" : chance(s, 90) ? "saisie" : "import-lheo");
	emit(s, 1, "mise_a_jour: %s", date);
}

static FILE *create(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	FILE *f = fopen(p, "w");
	if (!f)
		die("%s: %s", p, strerror(errno));
	free(p);
	return f;
}

static void finish(FILE *f, const char *name)
{
	if (ferror(f) | (fclose(f) != 0))
		die("writing %s failed", name);
}

/* An import file: `organismes:` and k organisations as sequence items. */
static void write_import(struct synth *s, const char *dir, unsigned long first, unsigned long k,
    unsigned nfile)
{
	char name[64], date[11];
	snprintf(name, sizeof(name), "import-lheo-%04u.yaml", nfile);
	s->f = create(dir, name);
	format_date(s->today - 1 - (long)rng_below(&s->rng, 30), date);
	fprintf(s->f, "# Import LHÉO du %s : %lu organismes.\norganismes:\n", date, k);
	s->ind = "    ";
	s->ind_dash = "  - ";
	for (unsigned long i = 0; i < k; i++) {
		s->dash = 1;
		org_write(s, first + i, 1);
	}
	finish(s->f, name);
}

/*
 * Most organisations get a file of their own, as editors keep them; about
 * one in 140 steps writes an import file of 20 to 100 organisations, which
 * puts some 30 % of the organisations in import files.
 */
static void write_orgs(struct synth *s, const char *out, unsigned long n, unsigned long *files)
{
	char *dir = path_join(out, "content/organismes"), name[64];
	unsigned nimport = 0;
	mkdirs(dir);
	for (unsigned long i = 0; i < n; (*files)++) {
		if (rng_below(&s->rng, 140) == 0) {
			unsigned long k = 20 + rng_below(&s->rng, 81);
			k = k < n - i ? k : n - i;
			write_import(s, dir, i + 1, k, ++nimport);
			i += k;
			continue;
		}
		snprintf(name, sizeof(name), "org-%06lu.yaml", i + 1);
		s->f = create(dir, name);
		fputs("organisme:\n", s->f);
		s->ind = "  ";
		s->dash = 0;
		org_write(s, ++i, 0);
		finish(s->f, name);
	}
	free(dir);
}

/* ---- Pages. ---- */

static const char *const page_topics[] = { "Orienter vers une formation linguistique",
	"Le positionnement à l'entrée en formation", "CléA pas à pas", "Les ateliers sociolinguistiques",
	"Financer un parcours de formation", "Garde d'enfants et formation", "L'offre en soirée",
	"Le français à visée professionnelle", "Accueillir les personnes exilées",
	"Le numérique de base", "Ouvrir l'école aux parents", "Les savoirs de base en entreprise" };
static const char *const page_angles[] = { "questions fréquentes", "retour d'expérience",
	"guide pour les prescripteurs", "ce qui change cette année", "témoignages", "mode d'emploi" };
static const char *const page_paras[] = {
	("Les prescripteurs (conseillers France Travail, missions locales, travailleurs sociaux, "
	 "agents de l'OFII) cherchent une formation adaptée au niveau, aux contraintes et au projet "
	 "de la personne. La cartographie rassemble l'offre saisie par les organismes eux-mêmes."),
	("Avant d'orienter, il est utile de savoir si la personne a été **scolarisée**, dans quelle "
	 "langue, et si elle lit et écrit déjà dans une autre langue que le français. Ces trois "
	 "questions distinguent l'alphabétisation, le FLE et la remise à niveau."),
	("Les ateliers sociolinguistiques partent des espaces sociaux que fréquentent les personnes : "
	 "l'école, la santé, les transports, les administrations. Ils visent l'autonomie plus qu'un "
	 "niveau de langue, et se déroulent souvent près du domicile."),
	("Une formation peut être gratuite pour la personne tout en étant financée par la Région, "
	 "l'État, une commune ou l'OFII. La fiche de chaque offre indique les financeurs et, le cas "
	 "échéant, l'éligibilité au compte personnel de formation."),
	("Le certificat CléA atteste sept domaines de compétences, de la communication en français "
	 "aux règles d'hygiène et de sécurité. L'évaluation préalable permet de ne se former que sur "
	 "les domaines qui ne sont pas encore acquis."),
	("Beaucoup de femmes renoncent à une formation faute de solution pour leurs enfants. Le filtre "
	 "« garde d'enfants » de la cartographie repère les offres qui en proposent une, souvent "
	 "assurée par des bénévoles pendant les séances."),
	("Les données de la cartographie sont publiées sous licence ouverte, au format CSV, JSON et "
	 "GeoJSON : un réseau local peut les reprendre sur son propre site ou dans un tableur."),
};
static const char *const page_items[] = { "vérifier les dates de la prochaine session",
	"appeler l'accueil avant d'envoyer la personne", "consulter le livret du département",
	"noter le niveau visé et le niveau d'entrée", "demander si une garde d'enfants est possible",
	"préparer les justificatifs demandés à l'inscription" };

static void page_body(struct synth *s, FILE *f, long target, unsigned num)
{
	unsigned section = 0;
	fprintf(f, "%s\n\n", PICK(s, page_paras));
	while (ftell(f) < target) {
		switch (rng_below(&s->rng, 5)) {
		case 0:
			fprintf(f, "## %s\n\n", PICK(s, page_topics));
			section++;
			break;
		case 1:
			fprintf(f, "- %s ;\n- %s ;\n- %s.\n\n", PICK(s, page_items), PICK(s, page_items),
			    PICK(s, page_items));
			break;
		case 2:
			fprintf(f, "Pour aller plus loin, voir [la fiche n° %u](https://www.exemple.org/ressources/%u) "
				   "ou écrire à [l'équipe](mailto:cartographies@exemple.org).\n\n", num, section + num);
			break;
		case 3:
			fprintf(f, "> « %s »\n\n", PICK(s, page_items));
			break;
		default:
			fprintf(f, "%s\n\n", PICK(s, page_paras));
		}
	}
}

/* Pages of 1 to 4 KB under content/pages/synth/, plus a home page. */
static void write_pages(struct synth *s, const char *out, unsigned long n)
{
	char *dir = path_join(out, "content/pages/synth"), name[64], date[11], q[300], t[256];
	mkdirs(dir);
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "page-%05lu.md", i + 1);
		FILE *f = create(dir, name);
		snprintf(t, sizeof(t), "%s : %s (n° %lu)", PICK(s, page_topics), PICK(s, page_angles), i + 1);
		format_date(s->today - (long)rng_below(&s->rng, 700), date);
		fprintf(f, "---\ntitre: %s\nresume: \"%s, %s.\"\ntype: %s\ndate: %s\n---\n\n",
		    quote(q, sizeof(q), t), PICK(s, page_topics), PICK(s, page_angles),
		    chance(s, 40) ? "article" : "page", date);
		page_body(s, f, 1024 + (long)rng_below(&s->rng, 2560), (unsigned)i + 1);
		finish(f, name);
	}
	free(dir);
	dir = path_join(out, "content/pages");
	mkdirs(dir);
	char *home = path_join(dir, "index.md");
	if (access(home, F_OK) != 0) {
		FILE *f = create(dir, "index.md");
		fprintf(f, "---\ntitre: \"Banc d'essai de carto\"\nresume: \"Un site synthétique : "
			   "des organismes, des offres et des pages générés pour mesurer carto.\"\n---\n\n"
			   "Ce site est **généré** par `synth` pour le banc d'essai : ses organismes, "
			   "leurs offres et ses pages sont fictifs.\n\n"
			   "- [Les organismes](organismes/)\n- [Une page](synth/page-00001/)\n");
		finish(f, "index.md");
	}
	free(home);
	free(dir);
}

/* ---- Driver. ---- */

struct opts {
	unsigned long orgs, pages, seed;
	const char *from, *out;
	long date;
};

static void usage(void)
{
	fprintf(stderr, "usage: synth --orgs N --pages P --seed S --from SITE_DIR --out DIR "
			"[--date YYYY-MM-DD]\n");
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		usage();
	return v;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->orgs = (unsigned long)-1;
	o->seed = 1;
	if (parse_date("2026-11-15", &o->date) < 0)
		usage();
	for (int i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (strcmp(k, "--orgs") == 0)
			o->orgs = number(v);
		else if (strcmp(k, "--pages") == 0)
			o->pages = number(v);
		else if (strcmp(k, "--seed") == 0)
			o->seed = number(v);
		else if (strcmp(k, "--from") == 0)
			o->from = v;
		else if (strcmp(k, "--out") == 0)
			o->out = v;
		else if (strcmp(k, "--date") != 0 || parse_date(v, &o->date) < 0)
			usage();
	}
	if (o->orgs == (unsigned long)-1 || o->orgs > 999999 || o->pages > 99999 || !o->from || !o->out)
		usage();
}

/* What never changes from the model site: settings, référentiels, cartographies. */
static void copy_site(const char *from, const char *out)
{
	char *a = path_join(from, "site.yaml"), *b = path_join(out, "site.yaml");
	copy_file(a, b);
	free(a);
	free(b);
	a = path_join(from, "referentiels");
	b = path_join(out, "referentiels");
	copy_tree(a, b, NULL);
	free(a);
	free(b);
	a = path_join(from, "content/cartographies");
	b = path_join(out, "content/cartographies");
	copy_tree(a, b, ".yaml");
	free(a);
	free(b);
}

static void vocab_free(struct vocab *vo)
{
	terms_free(&vo->types);
	terms_free(&vo->parcours);
	terms_free(&vo->publics);
	terms_free(&vo->financeurs);
	terms_free(&vo->natures);
	terms_free(&vo->labels);
	for (size_t i = 0; i < vo->n_scales; i++) {
		free(vo->scales[i].id);
		terms_free(&vo->scales[i].levels);
	}
	free(vo->scales);
}

static void synth_free(struct synth *s)
{
	vocab_free(&s->vo);
	terms_free(&s->comps);
	for (size_t i = 0; i < s->n_communes; i++)
		free(s->communes[i].nom);
	free(s->communes);
	free(s->cumul);
	for (size_t i = 0; i <= s->n_shapes && s->shapes; i++) {
		for (size_t r = 0; r < s->shapes[i].n; r++)
			free(s->shapes[i].rings[r].xy);
		free(s->shapes[i].rings);
	}
	free(s->shapes);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct synth s;
	unsigned long files = 0;
	parse_args(argc, argv, &o);
	memset(&s, 0, sizeof(s));
	s.rng = o.seed;
	s.today = o.date;
	read_vocab(o.from, &s.vo);
	read_referentiels(o.from, &s.comps);
	load_communes(&s, o.from);
	load_territory(&s, o.from);
	prepare_out(o.out);
	copy_site(o.from, o.out);
	write_orgs(&s, o.out, o.orgs, &files);
	write_pages(&s, o.out, o.pages);
	fprintf(stderr, "synth: %lu organisations in %lu files, %lu pages, into %s\n",
	    o.orgs, files, o.pages, o.out);
	synth_free(&s);
	return 0;
}
