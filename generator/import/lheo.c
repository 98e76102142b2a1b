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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/diag.h"
#include "../base/fs.h"
#include "../base/mem.h"
#include "../base/strmap.h"
#include "../base/url.h"
#include "../data/fields.h"
#include "../data/hours.h"
#include "../data/load.h"
#include "../data/model.h"
#include "../data/validate.h"
#include "lheo.h"
#include "lheo_int.h"
#include "lheo_md.h"
#include "lheo_read.h"

enum skip { SK_SIRET, SK_INTITULE, SK_TERRITOIRE, SK_LIEU, SK_TYPE, SK_N };

static const char *const skip_reasons[SK_N] = {
	"no valid SIRET for the organisation",
	"no intitule-formation",
	"lieu outside the territory",
	"no lieu with a commune",
	"no Formacode that maps to an offer type (referentiels/lheo.yaml)",
};

#define SKIP_LINES 3

/* A lieu or an offer spooled: its organisation, and where its YAML lies. */
struct frag {
	struct org *o;
	uint32_t seq;			/* order of spooling: file order */
	int lieu;			/* 1: a lieu, 0: an offer */
	long long off;
	size_t len;
};

struct org {
	const char *id, *siret, *nom, *site_web;
	const char *c_nom, *c_tel, *c_mail;
	uint32_t line;
	int maj;			/* YYYYMMDD, 0 when the file gave none */
	size_t n_offres;
	uint32_t rank;			/* in the order of the file written */
	uint64_t hash;			/* of its block in the file written */
};

struct imp {
	const char *shown;		/* the XML file as named in diagnostics */
	struct diags *d;
	const struct lheo_map *map;
	const struct site *terr;	/* only its geo */
	int today;
	struct arena a;			/* organisations: lives for the file */
	struct arena fa;		/* one formation: reset after it */
	struct strmap orgs;		/* SIRET -> struct org * */
	/* The index of what was spooled, kept small since it grows with the
	 * records: one map for the lieux of every organisation and one for the
	 * ids taken, keyed by SIRET, and one frag per lieu or offer. */
	struct strmap lieu_ids;		/* "SIRET|hash of the lieu" -> lieu id */
	struct strmap ids;		/* "SIRET|id" of lieux and offers -> the org */
	struct frag *frags;
	size_t n_frags, cap_frags;
	struct org **ov;
	size_t n_orgs, cap_orgs;
	FILE *spool;
	long long spool_len;
	size_t formations, actions, offres, lieux, sessions;
	size_t skipped[SK_N];
	uint32_t skip_lines[SK_N][SKIP_LINES];
	struct buf y;			/* the offer being rendered */
	const struct lheo_node *ex_of, *ex_node;	/* ex()'s last element and its carto extras */
	int failed;			/* the spool could not be written */
};

/* ---- small helpers ---- */

static void warn(struct imp *im, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct imp *im, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(im->d, im->shown, line, DIAG_NOCOL, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* Text of the element at path under n, whitespace collapsed; NULL when
 * absent, empty or the placeholder "-". In the formation's arena. */
static const char *text_at(struct imp *im, const struct lheo_node *n, const char *path)
{
	const struct lheo_node *e = n ? lheo_node_at(n, path) : NULL;
	struct buf b = BUF_INIT;
	if (!e || !lheo_node_text(e, &b) || strcmp(b.data, "-") == 0) {
		buf_release(&b);
		return NULL;
	}
	char *s = arena_alloc(&im->fa, b.len + 1), *o = s;
	int sp = 0;
	for (const char *p = b.data; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			sp = 1;
			continue;
		}
		if (sp && o > s)
			*o++ = ' ';
		sp = 0;
		*o++ = *p;
	}
	*o = '\0';
	buf_release(&b);
	return s;
}

/* The raw text (HTML kept) of the element at path, reduced to Markdown into
 * out; returns 1 when something was appended. */
static int md_at(const struct lheo_node *n, const char *path, struct buf *out)
{
	const struct lheo_node *e = n ? lheo_node_at(n, path) : NULL;
	struct buf b = BUF_INIT;
	size_t before = out->len;
	if (e && lheo_node_text(e, &b) && strcmp(b.data, "-") != 0)
		lheo_md(out, b.data);
	buf_release(&b);
	return out->len > before;
}

static int is_digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789") == n;
}

/* A YAML double-quoted scalar: escapes what YAML reads as syntax or refuses
 * as non-printable (C0, DEL, C1 but NEL, U+FEFF, U+FFFE, U+FFFF). */
static void yq(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t run = 0;
		while (p[run] >= 0x20 && p[run] < 0x7F && p[run] != '"' && p[run] != '\\')
			run++;
		if (run) {	/* plain ASCII, copied as it is */
			buf_add(b, p, run);
			p += run - 1;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p);
		} else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20 || *p == 0x7F)
			buf_printf(b, "\\x%02X", *p);
		else if (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0 && p[1] != 0x85) {
			buf_printf(b, "\\x%02X", p[1]);
			p++;
		} else if (*p == 0xEF && ((p[1] == 0xBB && p[2] == 0xBF) || (p[1] == 0xBF &&
		    (p[2] == 0xBE || p[2] == 0xBF)))) {
			buf_printf(b, "\\u%04X", p[1] == 0xBB ? 0xFEFF : 0xFF00 | p[2]);
			p += 2;
		} else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

static void slug(struct buf *b, const char *s, size_t max)
{
	size_t start = b->len;
	int dash = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && b->len - start < max; p++) {
		unsigned char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && b->len > start)
				buf_putc(b, '-');
			buf_putc(b, (char)c);
			dash = 0;
		} else if (c == 0xC3 && p[1]) {
			/* Latin-1 letters: their base letter. */
			static const char base[] = "aaaaaaeceeeeiiiidnooooo/ouuuuyby";
			unsigned x = (unsigned char)p[1] + 0x40u;	/* the Latin-1 code point */
			p++;
			if (x >= 0xC0 && x < 0xDF)
				x += 0x20;	/* upper case to lower case */
			if (x >= 0xE0 && x <= 0xFF && base[x - 0xE0] != '/') {
				if (dash && b->len > start)
					buf_putc(b, '-');
				buf_putc(b, base[x - 0xE0]);
				dash = 0;
			} else
				dash = 1;
		} else
			dash = 1;
	}
	while (b->len > start && b->data[b->len - 1] == '-')
		buf_truncate(b, b->len - 1);
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* A web address: kept when http(s), given https:// when it has no scheme,
 * else left out; NULL when left out. */
static const char *fix_url(struct imp *im, const char *u, uint32_t line)
{
	if (!u)
		return NULL;
	if (strpbrk(u, " \"<>\\")) {
		warn(im, line, "'%s' is not a web address: left out", u);
		return NULL;
	}
	if (!strncasecmp(u, "https://", 8) || !strncasecmp(u, "http://", 7)) {
		char *c = arena_strdup(&im->fa, u);
		for (char *p = c; *p != ':'; p++)
			*p = (char)(*p | 0x20);
		if (url_is_web(c))
			return c;
		warn(im, line, "'%s' is not a web address: left out", u);
		return NULL;
	}
	size_t k = strcspn(u, ":/");
	if (u[k] == ':') {
		warn(im, line, "address '%s' is not http or https: left out", u);
		return NULL;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "https://%s", u);
	if (!url_is_web(b.data)) {
		warn(im, line, "'%s' is not a web address: left out", u);
		buf_release(&b);
		return NULL;
	}
	warn(im, line, "address '%s' has no scheme: written as %s", u, b.data);
	char *c = arena_strdup(&im->fa, b.data);
	buf_release(&b);
	return c;
}

static int days_in_month(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

/* An LHÉO date AAAAMMJJ into *out (YYYYMMDD): 1 when set, 0 when unknown
 * (00000000, 99999999, absent), -1 when not a date. A month alone
 * (AAAAMM00) or a year (AAAA0000) is its first day, or its last for an end. */
static int lheo_date(const char *s, int end, int *out)
{
	*out = 0;
	if (!s || !strcmp(s, "00000000") || !strcmp(s, "99999999"))
		return 0;
	int y = 0, m = 0, d = 0;
	if (is_digits(s, 8)) {
		y = atoi((char[5]){ s[0], s[1], s[2], s[3], 0 });
		m = (s[4] - '0') * 10 + s[5] - '0';
		d = (s[6] - '0') * 10 + s[7] - '0';
	}
	if (y < 1900 || y > 2199 || m > 12 || (m == 0 && d) || (m && d > days_in_month(y, m)))
		return -1;
	if (m == 0)
		m = end ? 12 : 1;
	if (d == 0)
		d = end ? days_in_month(y, m) : 1;
	*out = y * 10000 + m * 100 + d;
	return 1;
}

/* The newest horodatage-modification or -creation of n (ISO 8601). */
static int horodatage(const struct lheo_node *n)
{
	static const char *const attrs[] = { "horodatage-modification", "horodatage-creation" };
	int best = 0;
	for (size_t i = 0; n && i < 2; i++) {
		const char *v = lheo_node_attr(n, attrs[i]);
		char day[11];
		if (!v || strlen(v) < 10)
			continue;
		memcpy(day, v, 10);
		day[10] = '\0';
		int d = parse_date(day);
		if (d > best)
			best = d;
	}
	return best;
}

static void frags_add(struct imp *im, struct org *o, int lieu, long long off, size_t len)
{
	im->frags = xgrow(im->frags, &im->cap_frags, im->n_frags + 1, sizeof(*im->frags));
	im->frags[im->n_frags] = (struct frag){ o, (uint32_t)im->n_frags, lieu, off, len };
	im->n_frags++;
}

/* Whether id is taken in o (by a lieu or an offer); takes it when not. */
static int id_taken(struct imp *im, const struct org *o, const char *id, int take)
{
	struct buf k = BUF_INIT;
	buf_printf(&k, "%s|%s", o->siret, id);
	int taken = strmap_get(&im->ids, k.data) != NULL;
	if (!taken && take)
		strmap_put(&im->ids, arena_strdup(&im->a, k.data), (void *)o);
	buf_release(&k);
	return taken;
}

static long long spool(struct imp *im, const struct buf *b)
{
	long long off = im->spool_len;
	if (fwrite(b->data, 1, b->len, im->spool) != b->len)
		im->failed = 1;
	im->spool_len += (long long)b->len;
	return off;
}

/* ---- contacts, organisations, lieux ---- */

struct contact_c {
	const char *nom, *tel, *mail;
};

static void read_contact(struct imp *im, const struct lheo_node *c, struct contact_c *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	struct buf n = BUF_INIT;
	const char *parts[] = { text_at(im, c, "civilite"), text_at(im, c, "prenom"), text_at(im, c, "nom") };
	for (size_t i = 0; i < 3; i++)
		if (parts[i])
			buf_printf(&n, "%s%s", n.len ? " " : "", parts[i]);
	out->nom = n.len ? arena_strdup(&im->fa, n.data) : NULL;
	buf_release(&n);
	out->tel = text_at(im, c, "telfixe/numtel");
	if (!out->tel)
		out->tel = text_at(im, c, "portable/numtel");
	out->mail = text_at(im, c, "courriel");
	if (out->mail && !is_email(out->mail)) {
		warn(im, lheo_node_line(c), "courriel '%s' is not an e-mail address: left out", out->mail);
		out->mail = NULL;
	}
}

static void write_contact(struct buf *y, const char *indent, const struct contact_c *c)
{
	if (!c->nom && !c->tel && !c->mail)
		return;
	buf_printf(y, "%scontact: { ", indent);
	const char *sep = "";
	const char *keys[] = { "nom", "telephone", "courriel" }, *vals[] = { c->nom, c->tel, c->mail };
	for (size_t i = 0; i < 3; i++)
		if (vals[i]) {
			buf_printf(y, "%s%s: ", sep, keys[i]);
			yq(y, vals[i]);
			sep = ", ";
		}
	buf_puts(y, " }\n");
}

static const char *keep(struct imp *im, const char *s)
{
	return s ? arena_strdup(&im->a, s) : NULL;
}

/* The organisation of the formation's organisme-formation-responsable,
 * created at its first formation; NULL when its SIRET is not valid. */
static struct org *org_of(struct imp *im, const struct lheo_node *f)
{
	const struct lheo_node *r = lheo_node_child(f, "organisme-formation-responsable");
	uint32_t line = r ? lheo_node_line(r) : lheo_node_line(f);
	const char *siret = text_at(im, r, "SIRET-organisme-formation/SIRET");
	if (!is_digits(siret, 14)) {
		if (siret)
			warn(im, line, "SIRET '%s' is not 14 digits: the formation's actions are skipped", siret);
		else
			warn(im, line, "no SIRET-organisme-formation/SIRET: the formation's actions are skipped");
		return NULL;
	}
	const char *nom = text_at(im, r, "nom-organisme");
	if (!nom)
		nom = text_at(im, r, "raison-sociale");
	struct org *o = strmap_get(&im->orgs, siret);
	if (o) {
		if (nom && strcmp(nom, o->nom) != 0)
			warn(im, line, "SIRET %s is named '%s' here and '%s' at line %u: '%s' kept", siret,
			    nom, o->nom, o->line, o->nom);
		int h = horodatage(r);
		if (h > o->maj)
			o->maj = h;
		return o;
	}
	o = arena_alloc(&im->a, sizeof(*o));
	memset(o, 0, sizeof(*o));
	o->siret = keep(im, siret);
	struct buf id = BUF_INIT;
	buf_printf(&id, "lheo-%s", siret);
	o->id = keep(im, id.data);
	buf_release(&id);
	if (!nom) {
		warn(im, line, "organisation %s has no nom-organisme nor raison-sociale: named by its SIRET", siret);
		nom = arena_strdup(&im->fa, o->id);
	}
	o->nom = keep(im, nom);
	o->line = line;
	o->maj = horodatage(r);
	const struct lheo_node *co = lheo_node_at(r, "coordonnees-organisme/coordonnees");
	o->site_web = keep(im, fix_url(im, text_at(im, co, "web/urlweb"), co ? lheo_node_line(co) : line));
	struct contact_c c;
	read_contact(im, lheo_node_at(r, "contact-organisme/coordonnees"), &c);
	if (!c.tel && !c.mail)
		read_contact(im, co, &c);
	o->c_nom = keep(im, c.nom);
	o->c_tel = keep(im, c.tel);
	o->c_mail = keep(im, c.mail);
	strmap_put(&im->orgs, o->siret, o);
	im->ov = xgrow(im->ov, &im->cap_orgs, im->n_orgs + 1, sizeof(*im->ov));
	im->ov[im->n_orgs++] = o;
	return o;
}

/* Folds a commune name for comparison: letters and digits, upper case,
 * accents dropped ("SAINT-DENIS" and "Saint-Denis" meet). */
static void fold(struct buf *b, const char *s)
{
	slug(b, s, 200);
}

static const struct commune *find_commune(struct imp *im, const char *insee, const char *cp,
    const char *ville)
{
	const struct geo *g = &im->terr->geo;
	if (insee)
		return strmap_get(&g->by_code, insee);
	if (!cp && !ville)
		return NULL;
	struct buf want = BUF_INIT, got = BUF_INIT;
	const struct commune *hit = NULL;
	fold(&want, ville ? ville : "");
	for (size_t i = 0; i < g->n_communes; i++) {
		const struct commune *c = &g->communes[i];
		int cp_ok = !cp;
		for (size_t k = 0; cp && k < c->n_postaux; k++)
			cp_ok |= strcmp(c->postaux[k], cp) == 0;
		buf_reset(&got);
		fold(&got, c->nom);
		if (cp_ok && (!ville || strcmp(want.data, got.data) == 0)) {
			hit = c;
			break;
		}
	}
	buf_release(&want);
	buf_release(&got);
	return hit;
}

struct lieu_c {
	const char *key;
	struct buf frag;	/* the lieu's YAML, without its id line */
	const struct commune *c;
};

/* Reads an adresse (with the denomination found beside it) into l.
 * Returns 1 when it is a commune of the territory, 0 when outside it
 * (warned), -1 when it names no commune (warned). */
static int read_lieu(struct imp *im, const struct lheo_node *coord, const struct lheo_node *adr,
    struct lieu_c *l)
{
	uint32_t line = lheo_node_line(adr);
	const char *insee = text_at(im, adr, "code-INSEE-commune");
	const char *cp = text_at(im, adr, "codepostal"), *ville = text_at(im, adr, "ville");
	if (insee && !is_digits(insee, 5) && !(strlen(insee) == 5 && (insee[1] == 'A' || insee[1] == 'B'))) {
		warn(im, line, "code-INSEE-commune '%s' is not a commune code: left out", insee);
		insee = NULL;
	}
	const struct commune *c = find_commune(im, insee, cp, ville);
	if (!c) {
		if (insee || cp || ville) {
			warn(im, line, "lieu in %s%s%s is outside the territory (referentiels/geo/)",
			    ville ? ville : "", ville ? " " : "", insee ? insee : cp ? cp : "");
			return 0;
		}
		warn(im, line, "lieu without code-INSEE-commune, codepostal nor ville");
		return -1;
	}
	l->c = c;
	if (!is_digits(cp, 5) || (cp[0] != c->code[0] || cp[1] != c->code[1])) {
		const char *got = cp;
		cp = c->n_postaux ? c->postaux[0] : NULL;
		if (got)
			warn(im, line, "codepostal '%s' does not fit commune %s: %s written", got, c->code,
			    cp ? cp : "none");
		if (!cp)
			return -1;
	}
	const char *den = text_at(im, adr, "denomination");
	if (!den && coord)
		den = text_at(im, coord, "ligne");
	struct buf *y = &l->frag, key = BUF_INIT;
	buf_printf(&key, "%s|%s|%s", c->code, cp, den ? den : "");
	if (den) {
		buf_puts(y, "        denomination: ");
		yq(y, den);
		buf_putc(y, '\n');
	}
	buf_puts(y, "        adresse:\n");
	const char *sep = "          lignes: [";
	int n = 0;
	for (const struct lheo_node *li = lheo_node_child(adr, "ligne"); li && n < 4;
	    li = lheo_node_next(li, "ligne")) {
		struct buf t = BUF_INIT;
		if (lheo_node_text(li, &t) && strcmp(t.data, "-") != 0) {
			buf_puts(y, sep);
			yq(y, t.data);
			buf_printf(&key, "|%s", t.data);
			sep = ", ";
			n++;
		}
		buf_release(&t);
	}
	if (n)
		buf_puts(y, "]\n");
	buf_printf(y, "          code_postal: \"%s\"\n          commune: ", cp);
	yq(y, c->nom);
	buf_printf(y, "\n          code_insee: \"%s\"\n", c->code);
	const char *lat = text_at(im, adr, "geolocalisation/latitude");
	const char *lon = text_at(im, adr, "geolocalisation/longitude");
	if (lat && lon) {
		char *e1, *e2;
		double la = strtod(lat, &e1), lo = strtod(lon, &e2);
		if (*e1 || *e2 || !geo_in_territory(im->terr, lo, la))
			warn(im, line, "geolocalisation (%s, %s) is not in the territory: the commune's centre is used",
			    lat, lon);
		else {
			buf_printf(y, "        geo: { lat: %.6f, lon: %.6f }\n", la, lo);
			buf_printf(&key, "|%.6f|%.6f", la, lo);
		}
	}
	l->key = arena_strdup(&im->fa, key.data);
	buf_release(&key);
	return 1;
}

/* The lieu's id in o, spooling it when new. */
static const char *lieu_id(struct imp *im, struct org *o, struct lieu_c *l)
{
	struct buf b = BUF_INIT, key = BUF_INIT;
	uint64_t h = fnv(l->key);
	buf_printf(&key, "%s|%016llx", o->siret, (unsigned long long)h);
	const char *id = strmap_get(&im->lieu_ids, key.data);
	if (id) {
		buf_release(&key);
		return id;
	}
	slug(&b, l->c->nom, 40);
	buf_printf(&b, "-%06llx", (unsigned long long)(h & 0xFFFFFF));
	size_t base = b.len;
	for (int k = 2; id_taken(im, o, b.data, 0); k++) {
		buf_truncate(&b, base);
		buf_printf(&b, "-%d", k);
	}
	id_taken(im, o, b.data, 1);
	id = keep(im, b.data);
	strmap_put(&im->lieu_ids, keep(im, key.data), (void *)id);
	buf_release(&key);
	buf_reset(&b);
	buf_printf(&b, "      - id: %s\n%s", id, l->frag.data);
	frags_add(im, o, 1, spool(im, &b), b.len);
	buf_release(&b);
	im->lieux++;
	return id;
}

/* ---- offers ---- */

static void skip_count(struct imp *im, enum skip why, uint32_t line)
{
	size_t k = im->skipped[why]++;
	if (k < SKIP_LINES)
		im->skip_lines[why][k] = line;
}

/* The value of <extra info="key"> in the <extras info="carto"> of n, as
 * carto's LHÉO export writes them (its own fields, read back exactly); NULL
 * when n has none. */
static const char *ex(struct imp *im, const struct lheo_node *n, const char *key)
{
	if (n != im->ex_of) {	/* looked up once per element: many keys are asked */
		im->ex_of = n;
		im->ex_node = NULL;
		for (const struct lheo_node *e = lheo_node_child(n, "extras"); e && !im->ex_node;
		    e = lheo_node_next(e, "extras")) {
			const char *info = lheo_node_attr(e, "info");
			if (info && !strcmp(info, "carto"))
				im->ex_node = e;
		}
	}
	for (const struct lheo_node *e = im->ex_node; e; e = NULL) {
		for (const struct lheo_node *x = lheo_node_child(e, "extra"); x; x = lheo_node_next(x, "extra")) {
			const char *k = lheo_node_attr(x, "info");
			if (k && !strcmp(k, key)) {
				struct buf b = BUF_INIT;
				lheo_node_raw(x, &b);
				char *v = arena_strdup(&im->fa, b.data);
				buf_release(&b);
				return v;
			}
		}
	}
	return NULL;
}

/* The space-separated codes of an extra that are in list l (others warned
 * and left out). */
static size_t ex_codes(struct imp *im, const char *s, const struct vocab_list *l, const char **out,
    size_t max, uint32_t line)
{
	size_t n = 0;
	char *copy = arena_strdup(&im->fa, s), *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strmap_get(&l->by_code, t))
			warn(im, line, "%s code '%s' of the carto extras is not in the site's lists: left out",
			    l->name, t);
		else if (n < max)
			out[n++] = t;
	}
	return n;
}

/* A number of the carto extras ("" or absent: none) within [lo, hi]. */
static int ex_number(struct imp *im, const struct lheo_node *a, const char *key, double lo, double hi,
    double *out)
{
	const char *v = ex(im, a, key);
	char *end;
	if (!v || !*v)
		return 0;
	*out = strtod(v, &end);
	if (*end || *out < lo || *out > hi) {
		warn(im, lheo_node_line(a), "%s '%s' of the carto extras is not a number in range: left out", key, v);
		return 0;
	}
	return 1;
}

/* A yes/no of the carto extras: "1", "0", or "" (unknown). */
static const char *ex_bool(struct imp *im, const struct lheo_node *a, const char *key)
{
	const char *v = ex(im, a, key);
	return !v ? NULL : !strcmp(v, "1") ? "true" : !strcmp(v, "0") ? "false" : NULL;
}

/* The offer types of the formation's Formacodes, in the table's order of
 * appearance; the codes themselves into formacodes. */
static size_t types_of(struct imp *im, const struct lheo_node *f, const char **types, size_t max,
    struct buf *formacodes)
{
	size_t n = 0;
	const struct lheo_node *dom = lheo_node_child(f, "domaine-formation");
	for (const struct lheo_node *c = lheo_node_child(dom, "code-FORMACODE"); c;
	    c = lheo_node_next(c, "code-FORMACODE")) {
		struct buf t = BUF_INIT;
		lheo_node_text(c, &t);
		if (is_digits(t.data, 5)) {
			buf_printf(formacodes, "%s\"%s\"", formacodes->len ? ", " : "", t.data);
			const struct lheo_codes *m = strmap_get(&im->map->types, t.data);
			for (size_t i = 0; m && i < m->n; i++) {
				size_t j = 0;
				while (j < n && strcmp(types[j], m->v[i]))
					j++;
				if (j == n && n < max)
					types[n++] = m->v[i];
			}
		}
		buf_release(&t);
	}
	return n;
}

static void write_codes(struct buf *y, const char *key, const char **v, size_t n, int quoted)
{
	buf_printf(y, "%s: [", key);
	for (size_t i = 0; i < n; i++)
		buf_printf(y, quoted ? "%s\"%s\"" : "%s%s", i ? ", " : "", v[i]);
	buf_putc(y, ']');
}

static void write_public(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	const char *codes[16];
	size_t n = 0;
	const char *xp = ex(im, a, "publics");
	if (xp)
		n = ex_codes(im, xp, &im->map->vocab.publics, codes, 16, lheo_node_line(a));
	for (const struct lheo_node *c = xp ? NULL : lheo_node_child(a, "code-public-vise"); c;
	    c = lheo_node_next(c, "code-public-vise")) {
		struct buf t = BUF_INIT;
		lheo_node_text(c, &t);
		const struct lheo_codes *m = strmap_get(&im->map->publics, t.data);
		for (size_t i = 0; m && i < m->n; i++) {
			size_t j = 0;
			while (j < n && strcmp(codes[j], m->v[i]))
				j++;
			if (j == n && n < 16)
				codes[n++] = m->v[i];
		}
		buf_release(&t);
	}
	const char *info = text_at(im, a, "info-public-vise");
	const char *cond = text_at(im, a, "conditions-specifiques");
	if (!n && !info && !cond)
		return;
	buf_puts(y, "        public: { ");
	if (n)
		write_codes(y, "codes", codes, n, 0);
	if (info || cond) {
		struct buf p = BUF_INIT;
		buf_printf(&p, "%s%s%s", info ? info : "", info && cond ? " " : "", cond ? cond : "");
		buf_puts(y, n ? ", precisions: " : "precisions: ");
		yq(y, p.data);
		buf_release(&p);
	}
	buf_puts(y, " }\n");
}

static void write_financement(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    const char *intitule, struct buf *y, const char **parcours)
{
	const char *fin[16];
	size_t n = 0;
	for (const struct lheo_node *of = lheo_node_child(a, "organisme-financeur"); of;
	    of = lheo_node_next(of, "organisme-financeur")) {
		const char *code = text_at(im, of, "code-financeur");
		if (!code)
			continue;
		if (!strmap_get(&im->map->vocab.financeurs.by_code, code)) {
			warn(im, lheo_node_line(of), "code-financeur '%s' is not in the financeurs list: left out", code);
			continue;
		}
		size_t j = 0;
		while (j < n && strcmp(fin[j], code))
			j++;
		if (j == n && n < 16)
			fin[n++] = code;
		const char *p = strmap_get(&im->map->parcours, code);
		if (p && !*parcours)
			*parcours = p;
	}
	const char *conv = text_at(im, a, "conventionnement");
	const char *rs = text_at(im, f, "certification/code-RS");
	const char *rncp = text_at(im, f, "certification/code-RNCP");
	const char *cpf = text_at(im, f, "certification/code-CPF") ? "true" : NULL;
	const char *certifiante = text_at(im, f, "certifiante");
	const char *cert_int = ex(im, a, "certification-intitule");
	if (ex(im, a, "cpf"))
		cpf = ex_bool(im, a, "cpf");
	if (cert_int && *cert_int)
		intitule = cert_int;
	else
		cert_int = NULL;
	if (!n && !conv && !rs && !rncp && !cpf && !cert_int)
		return;
	buf_puts(y, "        financement: { ");
	const char *sep = "";
	if (n) {
		write_codes(y, "financeurs", fin, n, 1);
		sep = ", ";
	}
	if (conv && (!strcmp(conv, "0") || !strcmp(conv, "1"))) {
		buf_printf(y, "%sconventionne: %s", sep, conv[0] == '1' ? "true" : "false");
		sep = ", ";
	}
	if (cpf) {
		buf_printf(y, "%scpf: %s", sep, cpf);
		sep = ", ";
	}
	if (rs || (rncp && certifiante && !strcmp(certifiante, "1"))) {
		buf_printf(y, "%scertification: { %s: ", sep, rs ? "code_rs" : "code_rncp");
		yq(y, rs ? rs : rncp);
		buf_puts(y, ", intitule: ");
		yq(y, intitule);
		buf_puts(y, " }");
	} else if (cert_int) {
		buf_printf(y, "%scertification: { intitule: ", sep);
		yq(y, cert_int);
		buf_puts(y, " }");
	}
	buf_puts(y, " }\n");
}

static void write_cout(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	const char *prix = text_at(im, a, "prix-total-TTC"), *gratuit = NULL;
	double v = -1;
	if (prix) {
		char *e, tmp[64];
		snprintf(tmp, sizeof(tmp), "%s", prix);
		for (char *p = tmp; *p; p++)
			if (*p == ',')
				*p = '.';
		v = strtod(tmp, &e);
		if (*e || v < 0 || v > 1e7) {
			warn(im, lheo_node_line(a), "prix-total-TTC '%s' is not an amount: left out", prix);
			v = -1;
		} else
			gratuit = v == 0 ? "true" : "false";
	}
	if (ex(im, a, "gratuit"))
		gratuit = ex_bool(im, a, "gratuit");
	if (!gratuit)
		return;
	buf_printf(y, "        cout: { gratuit: %s", gratuit);
	if (v > 0 && strcmp(gratuit, "false") == 0)
		buf_printf(y, ", montant_eur: %.2f", v);
	const char *prec = ex(im, a, "cout-precisions");
	if (prec && *prec) {
		buf_puts(y, ", precisions: ");
		yq(y, prec);
	}
	buf_puts(y, " }\n");
}

/* A code of LHÉO's closed list (its index in vals), or the carto extra key
 * when the export wrote one; NULL when unknown. */
static const char *coded(struct imp *im, const struct lheo_node *a, const char *elem, const char *key,
    const char *const *vals, size_t n)
{
	const char *x = ex(im, a, key);
	if (x) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(x, vals[i]) == 0)
				return vals[i];
		return NULL;
	}
	const char *v = text_at(im, a, elem);
	return v && strlen(v) == 1 && v[0] >= '0' && (size_t)(v[0] - '0') < n ? vals[v[0] - '0'] : NULL;
}

static void write_modalites(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	static const char *const ens[] = { "presentiel", "mixte", "distance" };
	static const char *const es[] = { "dates_fixes", "permanentes" };
	struct buf m = BUF_INIT;
	const char *e = coded(im, a, "modalites-enseignement", "enseignement", ens, 3);
	const char *s = coded(im, a, "modalites-entrees-sorties", "entrees-sorties", es, 2);
	double h, w, pl;
	if (e)
		buf_printf(&m, ", enseignement: %s", e);
	if (s)
		buf_printf(&m, ", entrees_sorties: %s", s);
	if (ex_number(im, a, "heures-semaine", 0.01, 60, &h))
		buf_printf(&m, ", heures_semaine: %g", h);
	if (ex_number(im, a, "duree-semaines", 1, 520, &w) && w == (long)w)
		buf_printf(&m, ", duree_semaines: %ld", (long)w);
	const char *hor = ex(im, a, "horaires");
	struct hours hh;
	const char *err;
	size_t at;
	if (hor && *hor && hours_parse(hor, &hh, &err, &at) == 0) {
		buf_puts(&m, ", horaires: ");
		yq(&m, hor);
	} else if (hor && *hor)
		warn(im, lheo_node_line(a), "horaires '%s' of the carto extras: %s: left out", hor, err);
	const char *g = ex_bool(im, a, "garde-enfants");
	if (g)
		buf_printf(&m, ", garde_enfants: %s", g);
	if (ex_number(im, a, "places", 1, 100000, &pl) && pl == (long)pl)
		buf_printf(&m, ", places: %ld", (long)pl);
	if (m.len)
		buf_printf(y, "        modalites: { %s }\n", m.data + 2);
	buf_release(&m);
}

static size_t write_sessions(struct imp *im, const struct lheo_node *a, struct buf *y)
{
	static const char *const etats[] = { "ouvert", "ferme", "suspendu" };
	size_t n = 0;
	for (const struct lheo_node *s = lheo_node_child(a, "session"); s; s = lheo_node_next(s, "session")) {
		uint32_t line = lheo_node_line(s);
		int debut, fin;
		const char *td = text_at(im, s, "periode/debut"), *tf = text_at(im, s, "periode/fin");
		int rd = lheo_date(td, 0, &debut);
		if (rd < 0)
			warn(im, line, "session debut '%s' is not a date AAAAMMJJ: session left out", td);
		else if (rd == 0)
			warn(im, line, "session without a start date: left out (carto needs its debut)");
		if (rd <= 0)
			continue;
		if (lheo_date(tf, 1, &fin) < 0)
			warn(im, line, "session fin '%s' is not a date AAAAMMJJ: left out", tf);
		if (fin && fin < debut) {
			warn(im, line, "session ends before it starts: its fin is left out");
			fin = 0;
		}
		const char *et = text_at(im, s, "etat-recrutement");
		int e = et && strlen(et) == 1 && et[0] >= '1' && et[0] <= '3' ? et[0] - '1' : 2;
		if (et && (strlen(et) != 1 || et[0] < '1' || et[0] > '3'))
			warn(im, line, "etat-recrutement '%s' is not 1, 2 or 3: written as suspendu", et);
		if (!n)
			buf_puts(y, "        sessions:\n");
		buf_printf(y, "          - { debut: %04d-%02d-%02d", debut / 10000, debut / 100 % 100, debut % 100);
		if (fin)
			buf_printf(y, ", fin: %04d-%02d-%02d", fin / 10000, fin / 100 % 100, fin % 100);
		buf_printf(y, ", etat_recrutement: %s", etats[e]);
		double pl;
		if (ex_number(im, s, "places-disponibles", 0, 100000, &pl) && pl == (long)pl)
			buf_printf(y, ", places_disponibles: %ld", (long)pl);
		buf_puts(y, " }\n");
		n++;
	}
	return n;
}

/* The offer's objectif: the formation's objective, expected results and
 * content as Markdown, then its web addresses. */
static void write_objectif(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct buf *y)
{
	struct buf md = BUF_INIT;
	const char *x = ex(im, a, "objectif");
	if (x) {
		if (*x) {
			buf_puts(y, "        objectif: ");
			yq(y, x);
			buf_putc(y, '\n');
		}
		return;
	}
	md_at(f, "objectif-formation", &md);
	static const char *const more[][2] = { { "resultats-attendus", "Résultats attendus" },
		{ "contenu-formation", "Contenu" } };
	for (size_t i = 0; i < 2; i++) {
		struct buf part = BUF_INIT;
		if (md_at(f, more[i][0], &part))
			buf_printf(&md, "%s**%s**\n\n%s", md.len ? "\n\n" : "", more[i][1], part.data);
		buf_release(&part);
	}
	const char *urls[] = { text_at(im, a, "url-action/urlweb"), text_at(im, f, "url-formation/urlweb") };
	for (size_t i = 0; i < 2; i++) {
		const char *u = fix_url(im, urls[i], lheo_node_line(i ? f : a));
		if (u && (i == 0 || !urls[0] || strcmp(urls[0], urls[1])))
			buf_printf(&md, "%sPlus d'informations : <%s>", md.len ? "\n\n" : "", u);
	}
	if (md.len) {
		buf_puts(y, "        objectif: ");
		yq(y, md.data);
		buf_putc(y, '\n');
	}
	buf_release(&md);
}

/* The levels: the carto extras when the export wrote them, else the table's
 * entry for code-niveau-entree. */
static void write_niveaux(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct buf *y)
{
	const char *code = text_at(im, f, "code-niveau-entree");
	const struct lheo_niveau *n = code ? strmap_get(&im->map->niveaux, code) : NULL;
	struct lheo_niveau x = { NULL, NULL, NULL, TRI_UNKNOWN };
	const char *vise = NULL, *ech = ex(im, a, "echelle");
	if (ech) {
		const char *lv[] = { ex(im, a, "entree-min"), ex(im, a, "entree-max"), ex(im, a, "vise") };
		for (size_t i = 0; i < 3; i++)
			if (lv[i] && (!*lv[i] || !lheo_map_has_level(im->map, ech, lv[i])))
				lv[i] = NULL;
		x.echelle = *ech && lheo_map_has_level(im->map, ech, NULL) ? ech : NULL;
		x.min = lv[0];
		x.max = lv[1];
		vise = lv[2];
		const char *e = ex_bool(im, a, "ecrit-requis");
		x.ecrit_requis = !e ? TRI_UNKNOWN : e[0] == 't' ? TRI_TRUE : TRI_FALSE;
		if (*ech && !x.echelle)
			warn(im, lheo_node_line(a), "echelle '%s' of the carto extras is not the site's: left out", ech);
		n = x.echelle ? &x : NULL;
	}
	if (!n)
		return;
	buf_printf(y, "        niveaux: { echelle: %s", n->echelle);
	if (n->min || n->max) {
		buf_puts(y, ", entree: { ");
		if (n->min)
			buf_printf(y, "min: \"%s\"", n->min);
		if (n->max)
			buf_printf(y, "%smax: \"%s\"", n->min ? ", " : "", n->max);
		buf_puts(y, " }");
	}
	if (vise)
		buf_printf(y, ", vise: \"%s\"", vise);
	if (n->ecrit_requis != TRI_UNKNOWN)
		buf_printf(y, ", ecrit_requis: %s", n->ecrit_requis == TRI_TRUE ? "true" : "false");
	buf_puts(y, " }\n");
}

/* The lieux of the action (or the organisation's address when it gives
 * none); returns how many are in the territory, sets *outside. */
static size_t lieux_of(struct imp *im, const struct lheo_node *f, const struct lheo_node *a,
    struct lieu_c *v, size_t max, int *outside)
{
	size_t n = 0;
	*outside = 0;
	const struct lheo_node *l = lheo_node_child(a, "lieu-de-formation");
	const struct lheo_node *coord = l ? lheo_node_child(l, "coordonnees") : NULL;
	if (!l)
		coord = lheo_node_at(f, "organisme-formation-responsable/coordonnees-organisme/coordonnees");
	while (coord && n < max) {
		const struct lheo_node *adr = lheo_node_child(coord, "adresse");
		if (adr) {
			memset(&v[n], 0, sizeof(v[n]));
			int r = read_lieu(im, coord, adr, &v[n]);
			if (r > 0)
				n++;
			else {
				buf_release(&v[n].frag);
				*outside |= r == 0;
			}
		}
		l = l ? lheo_node_next(l, "lieu-de-formation") : NULL;
		coord = l ? lheo_node_child(l, "coordonnees") : NULL;
	}
	return n;
}

static const char *offre_id(struct imp *im, struct org *o, const struct lheo_node *f,
    const struct lheo_node *a, size_t k)
{
	struct buf b = BUF_INIT;
	const char *num = lheo_node_attr(a, "numero");
	const char *fnum = lheo_node_attr(f, "numero");
	if (num)
		slug(&b, num, 60);
	if (!b.len && fnum) {
		slug(&b, fnum, 60);
		buf_printf(&b, "-%zu", k + 1);
	}
	if (!b.len || b.data[0] == '-') {
		buf_reset(&b);
		buf_printf(&b, "action-%u", lheo_node_line(a));
	}
	size_t base = b.len;
	for (int i = 2; o && id_taken(im, o, b.data, 0); i++) {
		buf_truncate(&b, base);
		buf_printf(&b, "-%d", i);
	}
	if (o)
		id_taken(im, o, b.data, 1);
	const char *id = arena_strdup(&im->fa, b.data);
	buf_release(&b);
	return id;
}

static void on_action(struct imp *im, struct org *o, const struct lheo_node *f,
    const struct lheo_node *a, size_t k)
{
	uint32_t line = lheo_node_line(a);
	enum skip why = SK_N;
	im->actions++;
	if (!o)
		why = SK_SIRET;
	const char *intitule = text_at(im, f, "intitule-formation");
	if (!intitule) {
		warn(im, lheo_node_line(f), "formation without intitule-formation: action skipped");
		if (why == SK_N)
			why = SK_INTITULE;
	}
	struct lieu_c lv[8];
	int outside;
	size_t nl = lieux_of(im, f, a, lv, 8, &outside);
	if (!nl && why == SK_N)
		why = outside ? SK_TERRITOIRE : SK_LIEU;
	if (!nl && outside)
		warn(im, line, "every lieu of the action is outside the territory: action skipped");
	else if (!nl)
		warn(im, line, "action without a lieu-de-formation in a commune: skipped");
	const char *types[16];
	struct buf fc = BUF_INIT;
	size_t nt = types_of(im, f, types, 16, &fc);
	const char *xt = ex(im, a, "types");
	if (xt) {
		const char *tv[16];
		size_t n = ex_codes(im, xt, &im->map->vocab.types_offre, tv, 16, line);
		if (n) {
			memcpy(types, tv, n * sizeof(*tv));
			nt = n;
		}
	}
	if (!nt) {
		warn(im, line, "Formacode%s %s map%s to no offer type (referentiels/lheo.yaml): action skipped",
		    strchr(fc.data, ',') ? "s" : "", fc.len ? fc.data : "(none)", strchr(fc.data, ',') ? "" : "s");
		if (why == SK_N)
			why = SK_TYPE;
	}
	if (why != SK_N) {
		skip_count(im, why, line);
		for (size_t i = 0; i < nl; i++)
			buf_release(&lv[i].frag);
		buf_release(&fc);
		return;
	}
	struct buf *y = &im->y;
	buf_reset(y);
	buf_printf(y, "      - id: %s\n        intitule: ", offre_id(im, o, f, a, k));
	yq(y, intitule);
	buf_puts(y, "\n        ");
	write_codes(y, "types", types, nt, 0);
	buf_putc(y, '\n');
	size_t parcours_at = y->len;
	write_objectif(im, f, a, y);
	if (fc.len)
		buf_printf(y, "        formacodes: [%s]\n", fc.data);
	buf_release(&fc);
	write_niveaux(im, f, a, y);
	write_public(im, a, y);
	const char *parcours = NULL;
	write_financement(im, f, a, intitule, y, &parcours);
	const char *xp = ex(im, a, "parcours");
	if (xp && *xp && !strmap_get(&im->map->vocab.parcours.by_code, xp))
		warn(im, line, "parcours '%s' of the carto extras is not the site's: left out", xp);
	if (xp)
		parcours = *xp && strmap_get(&im->map->vocab.parcours.by_code, xp) ? xp : NULL;
	else if (!parcours)
		parcours = im->map->parcours_defaut;
	if (parcours) {
		struct buf p = BUF_INIT;
		buf_printf(&p, "        parcours: %s\n", parcours);
		buf_grow(y, p.len);
		memmove(y->data + parcours_at + p.len, y->data + parcours_at, y->len - parcours_at + 1);
		memcpy(y->data + parcours_at, p.data, p.len);
		y->len += p.len;
		buf_release(&p);
	}
	write_cout(im, a, y);
	write_modalites(im, a, y);
	buf_puts(y, "        lieux: [");
	for (size_t i = 0; i < nl; i++) {
		buf_printf(y, "%s%s", i ? ", " : "", lieu_id(im, o, &lv[i]));
		buf_release(&lv[i].frag);
	}
	buf_puts(y, "]\n");
	im->sessions += write_sessions(im, a, y);
	struct contact_c c;
	read_contact(im, lheo_node_at(f, "contact-formation/coordonnees"), &c);
	write_contact(y, "        ", &c);
	frags_add(im, o, 0, spool(im, y), y->len);
	o->n_offres++;
	int h = horodatage(a) > horodatage(f) ? horodatage(a) : horodatage(f);
	if (h > o->maj)
		o->maj = h;
	im->offres++;
}

static int on_formation(void *ctx, const struct lheo_node *f)
{
	struct imp *im = ctx;
	im->formations++;
	struct org *o = org_of(im, f);
	size_t k = 0;
	for (const struct lheo_node *a = lheo_node_child(f, "action"); a; a = lheo_node_next(a, "action"))
		on_action(im, o, f, a, k++);
	if (!k)
		warn(im, lheo_node_line(f), "formation without an action: nothing to import");
	arena_reset(&im->fa);
	im->ex_of = im->ex_node = NULL;	/* the formation's nodes are freed next */
	return im->failed ? -1 : 0;
}

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
	yq(b, o->nom);
	buf_printf(b, "\n    siret: \"%s\"\n", o->siret);
	if (o->site_web) {
		buf_puts(b, "    site_web: ");
		yq(b, o->site_web);
		buf_putc(b, '\n');
	}
	struct contact_c c = { o->c_nom, o->c_tel, o->c_mail };
	write_contact(b, "    ", &c);
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
	fprintf(out, "%s -> %s: %zu organisations, %zu offers, %zu lieux, %zu sessions "
	    "(%zu formations, %zu actions read)\n", im->shown, outname, orgs, im->offres, im->lieux,
	    im->sessions, im->formations, im->actions);
	if (skipped)
		fprintf(out, "  skipped: %zu action%s\n", skipped, skipped > 1 ? "s" : "");
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
	slug(&stem, b, 80);
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
	if (lheo_read(j->xml, j->xml, on_formation, im, &version, d) < 0 || d->errors > errors)
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
