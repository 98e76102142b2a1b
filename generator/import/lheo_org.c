/*
 * carto import lheo, its small helpers (text of an element, YAML quoting, slugs,
 * dates, the spool) and the organisations, contacts and lieux of a formation.
 */
#define _DEFAULT_SOURCE

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

int lheo_md_at(const struct lheo_node *n, const char *path, struct buf *out)
{
	const struct lheo_node *e = n ? lheo_node_at(n, path) : NULL;
	struct buf b = BUF_INIT;
	size_t before = out->len;
	if (e && lheo_node_text(e, &b) && strcmp(b.data, "-") != 0)
		lheo_md(out, b.data);
	buf_release(&b);
	return out->len > before;
}

int lheo_is_digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789") == n;
}

void lheo_yq(struct buf *b, const char *s)
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

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
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

void lheo_frags_add(struct imp *im, struct org *o, int lieu, long long off, size_t len)
{
	im->frags = xgrow(im->frags, &im->cap_frags, im->n_frags + 1, sizeof(*im->frags));
	im->frags[im->n_frags] = (struct frag){ o, (uint32_t)im->n_frags, lieu, off, len };
	im->n_frags++;
}

int lheo_id_taken(struct imp *im, const struct org *o, const char *id, int take)
{
	struct buf k = BUF_INIT;
	buf_printf(&k, "%s|%s", o->siret, id);
	int taken = strmap_get(&im->ids, k.data) != NULL;
	if (!taken && take)
		strmap_put(&im->ids, arena_strdup(&im->a, k.data), (void *)o);
	buf_release(&k);
	return taken;
}

long long lheo_spool(struct imp *im, const struct buf *b)
{
	long long off = im->spool_len;
	if (fwrite(b->data, 1, b->len, im->spool) != b->len)
		im->failed = 1;
	im->spool_len += (long long)b->len;
	return off;
}

/* ---- contacts, organisations, lieux ---- */

void lheo_read_contact(struct imp *im, const struct lheo_node *c, struct contact_c *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	struct buf n = BUF_INIT;
	const char *parts[] = { lheo_text_at(im, c, "civilite"), lheo_text_at(im, c, "prenom"), lheo_text_at(im, c, "nom") };
	for (size_t i = 0; i < 3; i++)
		if (parts[i])
			buf_printf(&n, "%s%s", n.len ? " " : "", parts[i]);
	out->nom = n.len ? arena_strdup(&im->fa, n.data) : NULL;
	buf_release(&n);
	out->tel = lheo_text_at(im, c, "telfixe/numtel");
	if (!out->tel)
		out->tel = lheo_text_at(im, c, "portable/numtel");
	out->mail = lheo_text_at(im, c, "courriel");
	if (out->mail && !is_email(out->mail)) {
		lheo_warn(im, lheo_node_line(c), "courriel '%s' is not an e-mail address: left out", out->mail);
		out->mail = NULL;
	}
}

void lheo_write_contact(struct buf *y, const char *indent, const struct contact_c *c)
{
	if (!c->nom && !c->tel && !c->mail)
		return;
	buf_printf(y, "%scontact: { ", indent);
	const char *sep = "";
	const char *keys[] = { "nom", "telephone", "courriel" }, *vals[] = { c->nom, c->tel, c->mail };
	for (size_t i = 0; i < 3; i++)
		if (vals[i]) {
			buf_printf(y, "%s%s: ", sep, keys[i]);
			lheo_yq(y, vals[i]);
			sep = ", ";
		}
	buf_puts(y, " }\n");
}

static const char *keep(struct imp *im, const char *s)
{
	return s ? arena_strdup(&im->a, s) : NULL;
}

struct org *lheo_org_of(struct imp *im, const struct lheo_node *f)
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
	struct org *o = strmap_get(&im->orgs, siret);
	if (o) {
		if (nom && strcmp(nom, o->nom) != 0)
			lheo_warn(im, line, "SIRET %s is named '%s' here and '%s' at line %u: '%s' kept", siret,
			    nom, o->nom, o->line, o->nom);
		int h = lheo_horodatage(r);
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
		lheo_warn(im, line, "organisation %s has no nom-organisme nor raison-sociale: named by its SIRET", siret);
		nom = arena_strdup(&im->fa, o->id);
	}
	o->nom = keep(im, nom);
	o->line = line;
	o->maj = lheo_horodatage(r);
	const struct lheo_node *co = lheo_node_at(r, "coordonnees-organisme/coordonnees");
	o->site_web = keep(im, lheo_fix_url(im, lheo_text_at(im, co, "web/urlweb"), co ? lheo_node_line(co) : line));
	struct contact_c c;
	lheo_read_contact(im, lheo_node_at(r, "contact-organisme/coordonnees"), &c);
	if (!c.tel && !c.mail)
		lheo_read_contact(im, co, &c);
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
	struct buf *y = &l->frag, key = BUF_INIT;
	buf_printf(&key, "%s|%s|%s", c->code, cp, den ? den : "");
	if (den) {
		buf_puts(y, "        denomination: ");
		lheo_yq(y, den);
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
			lheo_yq(y, t.data);
			buf_printf(&key, "|%s", t.data);
			sep = ", ";
			n++;
		}
		buf_release(&t);
	}
	if (n)
		buf_puts(y, "]\n");
	buf_printf(y, "          code_postal: \"%s\"\n          commune: ", cp);
	lheo_yq(y, c->nom);
	buf_printf(y, "\n          code_insee: \"%s\"\n", c->code);
	const char *lat = lheo_text_at(im, adr, "geolocalisation/latitude");
	const char *lon = lheo_text_at(im, adr, "geolocalisation/longitude");
	if (lat && lon) {
		char *e1, *e2;
		double la = strtod(lat, &e1), lo = strtod(lon, &e2);
		if (*e1 || *e2 || !geo_in_territory(im->terr, lo, la))
			lheo_warn(im, line, "geolocalisation (%s, %s) is not in the territory: the commune's centre is used",
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

const char *lheo_lieu_id(struct imp *im, struct org *o, struct lieu_c *l)
{
	struct buf b = BUF_INIT, key = BUF_INIT;
	uint64_t h = fnv(l->key);
	buf_printf(&key, "%s|%016llx", o->siret, (unsigned long long)h);
	const char *id = strmap_get(&im->lieu_ids, key.data);
	if (id) {
		buf_release(&key);
		return id;
	}
	lheo_slug(&b, l->c->nom, 40);
	buf_printf(&b, "-%06llx", (unsigned long long)(h & 0xFFFFFF));
	size_t base = b.len;
	for (int k = 2; lheo_id_taken(im, o, b.data, 0); k++) {
		buf_truncate(&b, base);
		buf_printf(&b, "-%d", k);
	}
	lheo_id_taken(im, o, b.data, 1);
	id = keep(im, b.data);
	strmap_put(&im->lieu_ids, keep(im, key.data), (void *)id);
	buf_release(&key);
	buf_reset(&b);
	buf_printf(&b, "      - id: %s\n%s", id, l->frag.data);
	lheo_frags_add(im, o, 1, lheo_spool(im, &b), b.len);
	buf_release(&b);
	im->lieux++;
	return id;
}
