/*
 * carto import lheo, its small helpers (text of an element, YAML quoting, slugs,
 * dates, the records) and the organisations, contacts and lieux of a formation.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/diag.h"
#include "../base/mem.h"
#include "../base/url.h"
#include "../data/fields.h"
#include "../data/validate.h"
#include "lheo_md.h"
#include "lheo_imp.h"

/* ---- small helpers ---- */

void lheo_warn(struct imp *im, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(im->d, im->shown, line, DIAG_NOCOL, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

const char *lheo_text_at(struct imp *im, const struct lheo_node *n, const char *path)
{
	const struct lheo_node *e = n ? lheo_node_at(n, path) : NULL;
	if (!e)
		return NULL;
	const char *t = lheo_node_text1(e);	/* one text node: read in place */
	size_t len;
	if (t)
		len = strlen(t);
	else {
		buf_reset(&im->t1);
		lheo_node_text(e, &im->t1);
		t = im->t1.data;
		len = im->t1.len;
	}
	while (len && strchr(" \t\r\n", t[len - 1]))
		len--;
	while (len && strchr(" \t\r\n", *t)) {
		t++;
		len--;
	}
	if (!len || (len == 1 && *t == '-'))
		return NULL;
	char *s = arena_alloc(&im->fa, len + 1), *o = s;
	int sp = 0;
	for (const char *p = t, *end = t + len; p < end; p++) {
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
	return s;
}

int lheo_md_at(struct imp *im, const struct lheo_node *n, const char *path, struct buf *out)
{
	const struct lheo_node *e = n ? lheo_node_at(n, path) : NULL;
	struct buf *b = &im->t1;
	size_t before = out->len;
	buf_reset(b);
	if (e && lheo_node_text(e, b) && strcmp(b->data, "-") != 0)
		lheo_md(out, b->data);
	return out->len > before;
}

int lheo_id_ok(struct imp *im, const char *s, const char *what, uint32_t line)
{
	if (!s || !*s)
		return 0;
	const char *why = !is_slug(s) ? "is not a slug ([a-z0-9] and single hyphens)" : slug_length_problem(s);
	if (why)
		lheo_warn(im, line, "%s id '%s' of the carto extras %s: left out", what, s, why);
	return !why;
}

int lheo_is_digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789") == n;
}

void lheo_cat(struct buf *b, ...)
{
	va_list ap;
	va_start(ap, b);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		buf_puts(b, s);
	va_end(ap);
}

void lheo_put_date(struct buf *b, int day)
{
	char d[10] = { 0 };
	int y = day / 10000, m = day / 100 % 100, j = day % 100;
	if (y < 0 || y > 9999) {
		buf_printf(b, "%04d-%02d-%02d", y, m, j);
		return;
	}
	d[0] = (char)('0' + y / 1000);
	d[1] = (char)('0' + y / 100 % 10);
	d[2] = (char)('0' + y / 10 % 10);
	d[3] = (char)('0' + y % 10);
	d[4] = '-';
	d[5] = (char)('0' + m / 10);
	d[6] = (char)('0' + m % 10);
	d[7] = '-';
	d[8] = (char)('0' + j / 10);
	d[9] = (char)('0' + j % 10);
	buf_add(b, d, 10);
}

/* The bytes lheo_yq copies as they are: printable ASCII but '"' and '\\',
 * and bytes of UTF-8 sequences but 0xC2 and 0xEF, which lead what may need
 * an escape. */
static const unsigned char yq_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void lheo_yq(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t run = 0;
		while (yq_plain[p[run]])
			run++;
		if (run) {
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

void lheo_slug(struct buf *b, const char *s, size_t max)
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

uint64_t lheo_lieu_hash(const struct lieu_c *l)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *s = l->key; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

const char *lheo_fix_url(struct imp *im, const char *u, uint32_t line)
{
	if (!u)
		return NULL;
	if (strpbrk(u, " \"<>\\")) {
		lheo_warn(im, line, "'%s' is not a web address: left out", u);
		return NULL;
	}
	if (!strncasecmp(u, "https://", 8) || !strncasecmp(u, "http://", 7)) {
		char *c = arena_strdup(&im->fa, u);
		for (char *p = c; *p != ':'; p++)
			*p = (char)(*p | 0x20);
		if (url_is_web(c))
			return c;
		lheo_warn(im, line, "'%s' is not a web address: left out", u);
		return NULL;
	}
	size_t k = strcspn(u, ":/");
	if (u[k] == ':') {
		lheo_warn(im, line, "address '%s' is not http or https: left out", u);
		return NULL;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "https://%s", u);
	if (!url_is_web(b.data)) {
		lheo_warn(im, line, "'%s' is not a web address: left out", u);
		buf_release(&b);
		return NULL;
	}
	lheo_warn(im, line, "address '%s' has no scheme: written as %s", u, b.data);
	char *c = arena_strdup(&im->fa, b.data);
	buf_release(&b);
	return c;
}

static int days_in_month(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

int lheo_date(const char *s, int end, int *out)
{
	*out = 0;
	if (!s || !strcmp(s, "00000000") || !strcmp(s, "99999999"))
		return 0;
	int y = 0, m = 0, d = 0;
	if (lheo_is_digits(s, 8)) {
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

int lheo_horodatage(const struct lheo_node *n)
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

void lheo_rec_u32(struct buf *r, uint32_t v)
{
	buf_add(r, &v, sizeof(v));
}

void lheo_rec_u64(struct buf *r, uint64_t v)
{
	buf_add(r, &v, sizeof(v));
}

void lheo_rec_str(struct buf *r, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	lheo_rec_u32(r, s ? (uint32_t)n : UINT32_MAX);
	if (s)
		buf_add(r, s, n + 1);
}

uint32_t lheo_get_u32(const char **p, const char *end)
{
	uint32_t v = 0;
	if (end - *p >= (ptrdiff_t)sizeof(v))
		memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

uint64_t lheo_get_u64(const char **p, const char *end)
{
	uint64_t v = 0;
	if (end - *p >= (ptrdiff_t)sizeof(v))
		memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

const char *lheo_get_str(const char **p, const char *end)
{
	uint32_t n = lheo_get_u32(p, end);
	const char *s = *p;
	if (n == UINT32_MAX || *p > end || (size_t)(end - *p) < (size_t)n + 1)
		return NULL;
	*p += n + 1;
	return s;
}

void lheo_rec_add(struct imp *im, const char *siret, enum rec_kind k)
{
	lheo_rec_add_tail(im, siret, k, NULL, 0);
}

void lheo_rec_add_tail(struct imp *im, const char *siret, enum rec_kind k, const char *tail,
    size_t tail_len)
{
	struct buf *key = &im->key;
	buf_reset(key);
	buf_puts(key, "lheo-");
	buf_puts(key, siret);
	buf_putc(key, (char)k);
	if (!im->failed && lheo_sort_add2(&im->sort, key->data, key->len, im->rec.data, im->rec.len,
	    tail, tail_len) < 0) {
		im->failed = 1;
		im->err = errno;
	}
}

/* ---- contacts, organisations, lieux ---- */

void lheo_read_contact_raw(struct imp *im, const struct lheo_node *c, struct contact_raw *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	out->present = 1;
	out->line = lheo_node_line(c);
	struct buf *n = &im->t2;
	buf_reset(n);
	const char *parts[] = { lheo_text_at(im, c, "civilite"), lheo_text_at(im, c, "prenom"), lheo_text_at(im, c, "nom") };
	for (size_t i = 0; i < 3; i++)
		if (parts[i]) {
			if (n->len)
				buf_putc(n, ' ');
			buf_puts(n, parts[i]);
		}
	out->nom = n->len ? arena_strdup(&im->fa, n->data) : NULL;
	out->tel = lheo_text_at(im, c, "telfixe/numtel");
	if (!out->tel)
		out->tel = lheo_text_at(im, c, "portable/numtel");
	out->mail = lheo_text_at(im, c, "courriel");
}

void lheo_check_contact(struct imp *im, const struct contact_raw *c, struct contact_c *out)
{
	out->nom = c->nom;
	out->tel = c->tel;
	out->mail = c->mail;
	if (out->mail && !is_email(out->mail)) {
		lheo_warn(im, c->line, "courriel '%s' is not an e-mail address: left out", out->mail);
		out->mail = NULL;
	}
}

void lheo_read_contact(struct imp *im, const struct lheo_node *c, struct contact_c *out)
{
	struct contact_raw r;
	lheo_read_contact_raw(im, c, &r);
	lheo_check_contact(im, &r, out);
}

void lheo_write_contact(struct buf *y, const char *indent, const struct contact_c *c)
{
	if (!c->nom && !c->tel && !c->mail)
		return;
	buf_puts(y, indent);
	buf_puts(y, "contact: { ");
	const char *sep = "";
	const char *keys[] = { "nom", "telephone", "courriel" }, *vals[] = { c->nom, c->tel, c->mail };
	for (size_t i = 0; i < 3; i++)
		if (vals[i]) {
			buf_puts(y, sep);
			buf_puts(y, keys[i]);
			buf_puts(y, ": ");
			lheo_yq(y, vals[i]);
			sep = ", ";
		}
	buf_puts(y, " }\n");
}

static void rec_contact(struct buf *r, const struct contact_raw *c)
{
	lheo_rec_u32(r, (uint32_t)c->present);
	lheo_rec_u32(r, c->line);
	lheo_rec_str(r, c->nom);
	lheo_rec_str(r, c->tel);
	lheo_rec_str(r, c->mail);
}

/* What carto's export wrote of the organisation in its extras, added to the
 * record b as read: its id, nature and labels (NULL each when absent), checked
 * when the organisation is written (lheo.c), once. */
static void org_extras(struct imp *im, const struct lheo_node *r, struct buf *b)
{
	static const char *const keys[] = { "id", "nature", "labels" };
	for (size_t i = 0; i < 3; i++) {
		const char *v = r ? lheo_ex(im, r, keys[i]) : NULL;
		lheo_rec_str(b, v && *v ? v : NULL);
	}
}

/* Records the organisation as this formation describes it (R_ORG): which
 * formation is its first is known only when the records are sorted, so its
 * fields are checked then (lheo.c). */
const char *lheo_org_of(struct imp *im, const struct lheo_node *f)
{
	const struct lheo_node *r = lheo_node_child(f, "organisme-formation-responsable");
	uint32_t line = r ? lheo_node_line(r) : lheo_node_line(f);
	const char *siret = lheo_text_at(im, r, "SIRET-organisme-formation/SIRET");
	if (!lheo_is_digits(siret, 14)) {
		if (siret)
			lheo_warn(im, line, "SIRET '%s' is not 14 digits: the formation's actions are skipped", siret);
		else
			lheo_warn(im, line, "no SIRET-organisme-formation/SIRET: the formation's actions are skipped");
		return NULL;
	}
	const char *nom = lheo_text_at(im, r, "nom-organisme");
	if (!nom)
		nom = lheo_text_at(im, r, "raison-sociale");
	const struct lheo_node *co = lheo_node_at(r, "coordonnees-organisme/coordonnees");
	struct contact_raw ca, cb;
	lheo_read_contact_raw(im, lheo_node_at(r, "contact-organisme/coordonnees"), &ca);
	lheo_read_contact_raw(im, co, &cb);
	struct buf *b = &im->rec;
	buf_reset(b);
	lheo_rec_u32(b, line);
	lheo_rec_u32(b, (uint32_t)lheo_horodatage(r));
	lheo_rec_str(b, nom);
	lheo_rec_u32(b, co ? lheo_node_line(co) : line);
	lheo_rec_str(b, lheo_text_at(im, co, "web/urlweb"));
	rec_contact(b, &ca);
	rec_contact(b, &cb);
	org_extras(im, r, b);
	lheo_rec_add(im, siret, R_ORG);
	return siret;
}

/* Folds a commune name for comparison: letters and digits, upper case,
 * accents dropped ("SAINT-DENIS" and "Saint-Denis" meet). */
static void fold(struct buf *b, const char *s)
{
	lheo_slug(b, s, 200);
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

/* The number v read from s, as printf's "%.6f" writes it. When s is a
 * plain decimal (digits, no leading zero, at most 6 decimals, 15 digits in
 * all) it is that decimal padded with zeros, since the double nearest to
 * it prints back as it: no printf then. */
static void fixed6(const char *s, double v, char *out, size_t size)
{
	const char *p = s + (*s == '-');
	size_t ip = strspn(p, "0123456789"), fp = 0;
	if (p[ip] == '.')
		fp = strspn(p + ip + 1, "0123456789");
	int plain = ip > 0 && (ip == 1 || p[0] != '0') && fp <= 6 && ip + fp <= 15 &&
	    p[ip + (p[ip] == '.' ? fp + 1 : 0)] == '\0' && (p[ip] != '.' || fp > 0) &&
	    (size_t)(p - s) + ip + 8 <= size;
	if (!plain) {
		snprintf(out, size, "%.6f", v);
		return;
	}
	size_t n = (size_t)(p - s) + ip;
	memcpy(out, s, n);
	out[n++] = '.';
	for (size_t i = 0; i < 6; i++)
		out[n++] = i < fp ? p[ip + 1 + i] : '0';
	out[n] = '\0';
}

int lheo_read_lieu(struct imp *im, const struct lheo_node *coord, const struct lheo_node *adr,
    struct lieu_c *l)
{
	uint32_t line = lheo_node_line(adr);
	const char *insee = lheo_text_at(im, adr, "code-INSEE-commune");
	const char *cp = lheo_text_at(im, adr, "codepostal"), *ville = lheo_text_at(im, adr, "ville");
	if (insee && !lheo_is_digits(insee, 5) && !(strlen(insee) == 5 && (insee[1] == 'A' || insee[1] == 'B'))) {
		lheo_warn(im, line, "code-INSEE-commune '%s' is not a commune code: left out", insee);
		insee = NULL;
	}
	const struct commune *c = find_commune(im, insee, cp, ville);
	if (!c) {
		if (insee || cp || ville) {
			lheo_warn(im, line, "lieu in %s%s%s is outside the territory (referentiels/geo/)",
			    ville ? ville : "", ville ? " " : "", insee ? insee : cp ? cp : "");
			return 0;
		}
		lheo_warn(im, line, "lieu without code-INSEE-commune, codepostal nor ville");
		return -1;
	}
	l->c = c;
	if (!lheo_is_digits(cp, 5) || (cp[0] != c->code[0] || cp[1] != c->code[1])) {
		const char *got = cp;
		cp = c->n_postaux ? c->postaux[0] : NULL;
		if (got)
			lheo_warn(im, line, "codepostal '%s' does not fit commune %s: %s written", got, c->code,
			    cp ? cp : "none");
		if (!cp)
			return -1;
	}
	const char *den = lheo_text_at(im, adr, "denomination");
	if (!den && coord)
		den = lheo_text_at(im, coord, "ligne");
	struct buf *y = l->frag, *key = &im->t2;
	buf_reset(key);
	buf_puts(key, c->code);
	buf_putc(key, '|');
	buf_puts(key, cp);
	buf_putc(key, '|');
	if (den)
		buf_puts(key, den);
	if (den) {
		buf_puts(y, "        denomination: ");
		lheo_yq(y, den);
		buf_putc(y, '\n');
	}
	buf_puts(y, "        adresse:\n");
	const char *sep = "          lignes: [";
	int n = 0;
	struct buf *t = &im->t1;
	for (const struct lheo_node *li = lheo_node_child(adr, "ligne"); li && n < 4;
	    li = lheo_node_next(li, "ligne")) {
		buf_reset(t);
		if (lheo_node_text(li, t) && strcmp(t->data, "-") != 0) {
			buf_puts(y, sep);
			lheo_yq(y, t->data);
			buf_putc(key, '|');
			buf_add(key, t->data, t->len);
			sep = ", ";
			n++;
		}
	}
	if (n)
		buf_puts(y, "]\n");
	buf_puts(y, "          code_postal: \"");
	buf_puts(y, cp);
	buf_puts(y, "\"\n          commune: ");
	lheo_yq(y, c->nom);
	buf_puts(y, "\n          code_insee: \"");
	buf_puts(y, c->code);
	buf_puts(y, "\"\n");
	const char *lat = lheo_text_at(im, adr, "geolocalisation/latitude");
	const char *lon = lheo_text_at(im, adr, "geolocalisation/longitude");
	if (lat && lon) {
		char *e1, *e2;
		double la = strtod(lat, &e1), lo = strtod(lon, &e2);
		if (*e1 || *e2 || !geo_in_territory(im->terr, lo, la))
			lheo_warn(im, line, "geolocalisation (%s, %s) is not in the territory: the commune's centre is used",
			    lat, lon);
		else {
			char g1[64], g2[64];
			fixed6(lat, la, g1, sizeof(g1));
			fixed6(lon, lo, g2, sizeof(g2));
			lheo_cat(y, "        geo: { lat: ", g1, ", lon: ", g2, " }\n", NULL);
			lheo_cat(key, "|", g1, "|", g2, NULL);
		}
	}
	l->key = arena_strdup(&im->fa, key->data);
	return 1;
}
