/*
 * PDF documents: fiches of organisations, référentiel cards, cartography
 * booklets and slide decks with their handouts. A small layout layer over libharu keeps a cursor on the page,
 * wraps paragraphs from measured widths, keeps headings with what follows
 * and starts a new page when a block does not fit; page numbers ("page 2 / 3")
 * are drawn once the document is complete. Fonts are Liberation Sans from
 * Debian, embedded, with the UTF-8 encoder so that every French character
 * comes back from the PDF intact. Start at pdf_render.
 */
#include "pdf.h"

#include <hpdf.h>
#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "../data/hours.h"
#include "../data/model.h"
#include "../data/embed.h"
#include "../data/index.h"
#include "../text/markdown.h"
#include "publish.h"
#include "svgmap.h"

#define FONT_DIR "/usr/share/fonts/truetype/liberation/"
#define PAGE_W 595.28f
#define PAGE_H 841.89f
#define MARGIN 50.0f
#define BOTTOM 70.0f		/* room for the footer */
#define MAX_PAGES 20000	/* a booklet of a whole large directory is long */

struct doc {
	HPDF_Doc pdf;
	HPDF_Font regular, bold, italic;
	HPDF_Page page;
	HPDF_Page *pages;	/* MAX_PAGES, allocated with the document */
	int npages;
	float y;
	float reserve;		/* width kept free on the right (beside a map) */
	int error;
	char *footer;		/* owned */
	iconv_t cd;		/* UTF-8 to CP1252, the fonts' encoding */
	struct buf enc[4];	/* converted strings, used in turn */
	int next_enc;
	const char *url;	/* the page online, under the footer */
	const char *base;	/* the site online, for links from the root */
	int scaled;		/* drawing at a scale: no link annotations */
};

static void on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
	struct doc *d = user;
	(void)detail;
	if (!d->error)
		d->error = (int)err;
}

/* Text in the fonts' encoding, CP1252: it holds all of French (é œ « » – € …)
 * and makes documents smaller and about four times faster to make than
 * libharu's UTF-8 fonts. A character outside it becomes its nearest
 * transliteration. The result lives until four more conversions. */
static const char *enc(struct doc *d, const char *s)
{
	struct buf *b = &d->enc[d->next_enc++ % 4];
	buf_reset(b);
	if (!s)
		return b->data;
	size_t in = strlen(s);
	buf_grow(b, in * 2 + 8);
	char *ip = (char *)s, *op = b->data;
	size_t out = b->cap - 1;
	iconv(d->cd, NULL, NULL, NULL, NULL);
	while (in && iconv(d->cd, &ip, &in, &op, &out) == (size_t)-1) {
		if (!out)
			break;
		/* Not convertible even by transliteration: skip one character. */
		*op++ = '?';
		out--;
		ip++, in--;
		while (in && ((unsigned char)*ip & 0xC0) == 0x80)
			ip++, in--;
	}
	b->len = (size_t)(op - b->data);
	b->data[b->len] = '\0';
	return b->data;
}

static void new_page(struct doc *d)
{
	if (d->npages == MAX_PAGES) {
		d->error = 1;
		return;
	}
	d->page = HPDF_AddPage(d->pdf);
	HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	d->pages[d->npages++] = d->page;
	d->y = PAGE_H - MARGIN;
	d->reserve = 0;
}

/* Makes room for h points, on a new page if needed. */
static void need(struct doc *d, float h)
{
	if (d->y - h < BOTTOM)
		new_page(d);
}

/* Wraps text to width at size; draws it from the cursor, or only counts the
 * lines when draw is 0. Returns the number of lines. */
static int wrap(struct doc *d, HPDF_Font f, float size, float x, float width,
    const char *text, int draw)
{
	int lines = 0;
	text = enc(d, text);
	size_t len = strlen(text);
	const char *p = text;
	while (len) {
		HPDF_REAL real;
		/* One line never holds 4,096 bytes; libharu refuses strings past 65,535. */
		HPDF_UINT chunk = (HPDF_UINT)(len < 4096 ? len : 4096);
		HPDF_UINT n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, chunk, width, size,
		    0, 0, HPDF_TRUE, &real);
		if (n == 0)	/* a word longer than the line: break it */
			n = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, chunk, width, size,
			    0, 0, HPDF_FALSE, &real);
		if (n == 0)
			n = 1;
		if (draw) {
			need(d, size * 1.35f);
			char line[1024];
			size_t k = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
			memcpy(line, p, k);
			line[k] = '\0';
			HPDF_Page_BeginText(d->page);
			HPDF_Page_SetFontAndSize(d->page, f, size);
			HPDF_Page_TextOut(d->page, x, d->y - size, line);
			HPDF_Page_EndText(d->page);
			d->y -= size * 1.35f;
		}
		lines++;
		p += n;
		len -= n;
		while (len && *p == ' ')
			p++, len--;
	}
	return lines;
}

static void para(struct doc *d, HPDF_Font f, float size, const char *text)
{
	if (text && *text)
		wrap(d, f, size, MARGIN, PAGE_W - 2 * MARGIN - d->reserve, text, 1);
}

/* A heading stays with at least two lines of what follows. */
static void heading(struct doc *d, float size, const char *text)
{
	d->y -= size * 0.6f;
	need(d, size * 1.4f + 2 * 13.5f);
	wrap(d, d->bold, size, MARGIN, PAGE_W - 2 * MARGIN, text, 1);
	d->y -= 2;
}

/* "Label : value" with the label in bold and the value wrapped beside it. */
static void field(struct doc *d, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	float lw = 105, size = 10, w = PAGE_W - 2 * MARGIN - lw - d->reserve;
	int lines = wrap(d, d->regular, size, MARGIN + lw, w, value, 0);
	need(d, (float)lines * size * 1.35f);
	float top = d->y;
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, size);
	HPDF_Page_TextOut(d->page, MARGIN, d->y - size, enc(d, label));
	HPDF_Page_EndText(d->page);
	d->y = top;
	wrap(d, d->regular, size, MARGIN + lw, w, value, 1);
}

/* The QR code of the organisation's page, top right, with a link on it. */
static void qr(struct doc *d, const char *url)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	float side = 80, m = side / (float)q->width;
	float x0 = PAGE_W - MARGIN - side, y0 = PAGE_H - MARGIN - side;
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				HPDF_Page_Rectangle(d->page, x0 + (float)c * m, y0 + side - (float)(r + 1) * m, m, m);
	HPDF_Page_Fill(d->page);
	HPDF_Rect rect = { x0, y0, x0 + side, y0 + side };
	HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(d->page, rect, url);
	HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
	QRcode_free(q);
}

static const char *fr_date(char *out, size_t n, int d)
{
	static const char *const mois[] = { "janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre" };
	if (!d)
		return "";
	snprintf(out, n, "%d%s %s %d", d % 100, d % 100 == 1 ? "er" : "", mois[(d / 100 % 100 + 11) % 12], d / 10000);
	return out;
}

static const char *label(const struct vocab_list *l, const char *code)
{
	const struct term *t = code ? strmap_get(&l->by_code, code) : NULL;
	return t ? t->libelle : code;
}

static void join(struct buf *b, const struct svals *v, const struct vocab_list *l)
{
	buf_reset(b);
	for (size_t i = 0; i < v->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", label(l, v->v[i].s));
}

static void offre(struct doc *d, const struct site *s, const struct offre *o, struct buf *b)
{
	char t1[64], t2[64];
	heading(d, 12, o->intitule ? o->intitule : o->id.s);
	join(b, &o->types, &s->vocab.types_offre);
	field(d, "Type", b->data);
	buf_reset(b);
	if (o->entree_min.s || o->entree_max.s)
		buf_printf(b, "à l'entrée : %s%s%s", o->entree_min.s ? o->entree_min.s : o->entree_max.s,
		    o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) ? " à " : "",
		    o->entree_min.s && o->entree_max.s && strcmp(o->entree_min.s, o->entree_max.s) ? o->entree_max.s : "");
	if (o->vise.s)
		buf_printf(b, "%sniveau visé : %s", b->len ? " ; " : "", o->vise.s);
	field(d, "Niveaux", b->data);
	join(b, &o->publics, &s->vocab.publics);
	if (o->age_min >= 0)
		buf_printf(b, "%sà partir de %ld ans", b->len ? " ; " : "", o->age_min);
	field(d, "Public", b->data);
	buf_reset(b);
	if (o->gratuit == TRI_TRUE)
		buf_puts(b, "Gratuit");
	else if (o->has_montant)
		buf_printf(b, "%.0f €", o->montant);
	/* Precisions that restate the cost ("Gratuit, y compris…") replace it. */
	if (o->cout_precisions && b->len && strncasecmp(o->cout_precisions, b->data, b->len) == 0)
		buf_reset(b);
	if (o->cout_precisions)
		buf_printf(b, "%s%s", b->len ? " – " : "", o->cout_precisions);
	field(d, "Coût", b->data);
	struct hours h;
	const char *err;
	size_t at;
	char fr[256] = "";
	if (o->horaires.s && hours_parse(o->horaires.s, &h, &err, &at) == 0)
		hours_french(&h, fr, sizeof(fr));
	field(d, "Horaires", fr);
	if (o->garde_enfants == TRI_TRUE)
		field(d, "Enfants", "Garde d'enfants proposée");
	buf_reset(b);
	for (size_t i = 0; i < o->n_sessions; i++) {
		const struct session *se = &o->sessions[i];
		static const char *const etat[] = { "inscriptions ouvertes", "inscriptions fermées",
			"inscriptions suspendues" };
		buf_printf(b, "%sdu %s au %s : %s", i ? " ; " : "", fr_date(t1, sizeof(t1), se->debut),
		    fr_date(t2, sizeof(t2), se->fin), etat[se->etat]);
		if (se->places >= 0)
			buf_printf(b, " (%ld places)", se->places);
	}
	field(d, "Sessions", b->data);
	buf_reset(b);
	for (size_t i = 0; i < o->n_lieux; i++)
		buf_printf(b, "%s%s", i ? ", " : "", o->lieux[i]->denomination ? o->lieux[i]->denomination
		    : o->lieux[i]->commune ? o->lieux[i]->commune->nom : "");
	field(d, "Lieu", b->data);
	if (o->has_contact) {
		buf_reset(b);
		buf_printf(b, "%s%s%s%s%s", o->contact.nom ? o->contact.nom : "", o->contact.telephone ? " – " : "",
		    o->contact.telephone ? o->contact.telephone : "", o->contact.courriel.s ? " – " : "",
		    o->contact.courriel.s ? o->contact.courriel.s : "");
		field(d, "Contact", b->data);
	}
}

static void lieu(struct doc *d, const struct lieu *l, struct buf *b)
{
	buf_reset(b);
	if (l->denomination)
		buf_printf(b, "%s – ", l->denomination);
	for (size_t i = 0; i < l->n_lignes; i++)
		buf_printf(b, "%s, ", l->lignes[i]);
	buf_printf(b, "%s %s", l->code_postal.s ? l->code_postal.s : "",
	    l->commune ? l->commune->nom : l->commune_nom.s ? l->commune_nom.s : "");
	para(d, d->bold, 10, b->data);
	field(d, "Transports", l->transports);
	field(d, "Accessibilité", l->acces_pmr == TRI_TRUE ? "accessible en fauteuil roulant"
	    : l->acces_pmr == TRI_FALSE ? "non accessible en fauteuil roulant" : NULL);
	struct hours h;
	const char *err;
	size_t at;
	char fr[256] = "";
	if (l->horaires_accueil.s && hours_parse(l->horaires_accueil.s, &h, &err, &at) == 0)
		hours_french(&h, fr, sizeof(fr));
	field(d, "Accueil", fr);
	d->y -= 4;
}

/* ---- maps: the territory's outlines as vector paths ---- */

struct box {
	double minx, miny, maxx, maxy;	/* lon/lat bounds drawn */
	float x, y, w, h;		/* where on the page */
	double c, s;			/* cos(latitude), points per degree */
};

static void fit_box(struct box *b, double minx, double miny, double maxx, double maxy,
    float x, float y, float w, float h)
{
	b->minx = minx;
	b->miny = miny;
	b->maxx = maxx;
	b->maxy = maxy;
	b->c = cos((miny + maxy) / 2 * 3.14159265358979 / 180);
	double sx = w / ((maxx - minx) * b->c), sy = h / (maxy - miny);
	b->s = sx < sy ? sx : sy;
	b->w = (float)((maxx - minx) * b->c * b->s);
	b->h = (float)((maxy - miny) * b->s);
	b->x = x + (w - b->w) / 2;
	b->y = y + (h - b->h) / 2;
}

static void project(const struct box *b, double lon, double lat, float *x, float *y)
{
	*x = b->x + (float)((lon - b->minx) * b->c * b->s);
	*y = b->y + (float)((lat - b->miny) * b->s);
}

/* Draws a shape's rings, dropping points closer than 0.7 pt to the last one. */
static void draw_shape(struct doc *d, const struct box *b, const struct shape *sh)
{
	for (size_t r = 0; r < sh->n_rings; r++) {
		const struct ring *rg = &sh->rings[r];
		float lx = 0, ly = 0;
		for (size_t i = 0; i < rg->n; i++) {
			float x, y;
			project(b, rg->xy[2 * i], rg->xy[2 * i + 1], &x, &y);
			if (i == 0)
				HPDF_Page_MoveTo(d->page, x, y);
			else if (fabsf(x - lx) + fabsf(y - ly) > 0.7f || i == rg->n - 1)
				HPDF_Page_LineTo(d->page, x, y);
			else
				continue;
			lx = x;
			ly = y;
		}
		HPDF_Page_ClosePath(d->page);
	}
}

/* The outlines of a département (its communes) or of the region. */
static void draw_base(struct doc *d, const struct box *b, const struct geo *g, const char *dep)
{
	HPDF_Page_SetLineWidth(d->page, 0.3f);
	HPDF_Page_SetRGBStroke(d->page, 0.7f, 0.7f, 0.7f);
	for (size_t i = 0; dep && i < g->n_commune_shapes; i++)
		if (strncmp(g->commune_shapes[i].code, dep, 2) == 0) {
			draw_shape(d, b, &g->commune_shapes[i]);
			HPDF_Page_Stroke(d->page);
		}
	HPDF_Page_SetLineWidth(d->page, 0.8f);
	HPDF_Page_SetRGBStroke(d->page, 0.25f, 0.25f, 0.25f);
	for (size_t i = 0; i < g->n_departements; i++)
		if (!dep || strcmp(g->departements[i].code, dep) == 0) {
			draw_shape(d, b, &g->departements[i]);
			HPDF_Page_Stroke(d->page);
		}
}

static const struct shape *dep_shape(const struct geo *g, const char *dep)
{
	for (size_t i = 0; i < g->n_departements; i++)
		if (strcmp(g->departements[i].code, dep) == 0)
			return &g->departements[i];
	return NULL;
}

/* A small map of the organisation's département with its lieux. */
static void locator(struct doc *d, const struct site *s, const struct organisme *o)
{
	if (!o->n_lieux || !o->lieux[0].commune)
		return;
	const struct shape *sh = dep_shape(&s->geo, o->lieux[0].dep);
	if (!sh)
		return;
	struct box b;
	float size = 150;
	need(d, size + 10);
	fit_box(&b, sh->minx, sh->miny, sh->maxx, sh->maxy, PAGE_W - MARGIN - size, d->y - size, size, size);
	draw_base(d, &b, &s->geo, o->lieux[0].dep);
	HPDF_Page_SetRGBFill(d->page, 0.0f, 0.0f, 0.57f);
	for (size_t i = 0; i < o->n_lieux; i++) {
		float x, y;
		project(&b, o->lieux[i].lon, o->lieux[i].lat, &x, &y);
		if (strcmp(o->lieux[i].dep, o->lieux[0].dep) == 0)
			HPDF_Page_Circle(d->page, x, y, 3.5f);
	}
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	d->reserve = size + 15;
}

/* Makes the text just drawn at (x, baseline y) clickable. */
static void link(struct doc *d, float x, float y, const char *text, float size, const char *url)
{
	HPDF_Page_SetFontAndSize(d->page, d->regular, size);
	float w = HPDF_Page_TextWidth(d->page, enc(d, text));
	HPDF_Rect r = { x, y - 2, x + w, y + size };
	HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(d->page, r, url);
	HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
}

/* Page numbers and the source, once the number of pages is known. */
static void footers(struct doc *d)
{
	char num[32];
	for (int i = 0; i < d->npages; i++) {
		HPDF_Page pg = d->pages[i];
		snprintf(num, sizeof(num), "page %d / %d", i + 1, d->npages);
		HPDF_Page_SetRGBStroke(pg, 0.6f, 0.6f, 0.6f);
		HPDF_Page_MoveTo(pg, MARGIN, 50);
		HPDF_Page_LineTo(pg, PAGE_W - MARGIN, 50);
		HPDF_Page_Stroke(pg);
		HPDF_Page_BeginText(pg);
		HPDF_Page_SetFontAndSize(pg, d->regular, 8);
		HPDF_Page_TextOut(pg, MARGIN, 38, enc(d, d->footer));
		HPDF_Page_TextOut(pg, MARGIN, 28, enc(d, d->url));
		HPDF_Page_TextOut(pg, PAGE_W - MARGIN - HPDF_Page_TextWidth(pg, num), 38, num);
		HPDF_Page_EndText(pg);
		HPDF_Page cur = d->page;
		d->page = pg;
		link(d, MARGIN, 28, d->url, 8, d->url);
		d->page = cur;
	}
}

static void close_doc(struct doc *d)
{
	if (d->pdf)
		HPDF_Free(d->pdf);
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	for (int i = 0; i < 4; i++)
		buf_release(&d->enc[i]);
	free(d->pages);
	free(d->footer);
}

static int open_doc(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	d->cd = (iconv_t)-1;
	for (int i = 0; i < 4; i++)
		d->enc[i] = (struct buf)BUF_INIT;
	d->pdf = HPDF_New(on_error, d);
	d->pages = xcalloc(MAX_PAGES, sizeof(*d->pages));
	if (!d->pdf)
		return -1;
	d->cd = iconv_open("CP1252//TRANSLIT", "UTF-8");
	if (d->cd == (iconv_t)-1)
		return -1;
	HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
	HPDF_SetCurrentEncoder(d->pdf, "CP1252");
	const char *r = HPDF_LoadTTFontFromFile(d->pdf, FONT_DIR "LiberationSans-Regular.ttf", HPDF_TRUE);
	const char *b = HPDF_LoadTTFontFromFile(d->pdf, FONT_DIR "LiberationSans-Bold.ttf", HPDF_TRUE);
	if (!r || !b || d->error)
		return -1;
	d->regular = HPDF_GetFont(d->pdf, r, "CP1252");
	d->bold = HPDF_GetFont(d->pdf, b, "CP1252");
	d->italic = d->regular;
	return d->error ? -1 : 0;
}

/* The document's properties, dated from the content so that the same input
 * gives the same bytes. */
static void info(struct doc *d, const char *title, const char *author, const char *subject, int date)
{
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, enc(d, title));
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_AUTHOR, enc(d, author));
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_SUBJECT, enc(d, subject));
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_KEYWORDS, enc(d, "formation, Île-de-France"));
	HPDF_Date dt = { date / 10000, date / 100 % 100, date % 100, 12, 0, 0, 'Z', 0, 0 };
	if (date) {
		HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, dt);
		HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, dt);
	}
}

static int save(struct doc *d, struct publish *p, const char *path, struct buf *b);

static int fiche(const struct site *s, const struct organisme *o, struct publish *p, struct buf *b)
{
	struct doc d;
	char date[64], url[1024];
	int rc = -1;
	if (open_doc(&d) < 0)
		goto out;
	snprintf(url, sizeof(url), "%sorganismes/%s/", s->base_url, o->id.s);
	info(&d, o->nom, s->titre, "Fiche organisme : lieux, offres de formation, contacts", o->mise_a_jour);
	buf_reset(b);
	buf_printf(b, "%s – données mises à jour le %s", s->titre, fr_date(date, sizeof(date), o->mise_a_jour));
	d.footer = xstrdup(b->data);
	d.url = url;
	new_page(&d);
	qr(&d, url);
	wrap(&d, d.bold, 18, MARGIN, PAGE_W - 2 * MARGIN - 95, o->nom, 1);
	buf_reset(b);
	buf_printf(b, "%s%s%zu offre%s de formation – mis à jour le %s", label(&s->vocab.natures, o->nature.s) ?
	    label(&s->vocab.natures, o->nature.s) : "", o->nature.s ? " – " : "", o->n_offres,
	    o->n_offres > 1 ? "s" : "", date);
	wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, b->data, 1);
	if (o->has_contact) {
		buf_reset(b);
		buf_printf(b, "%s%s%s%s%s", o->contact.nom ? o->contact.nom : "", o->contact.telephone ? " – " : "",
		    o->contact.telephone ? o->contact.telephone : "", o->contact.courriel.s ? " – " : "",
		    o->contact.courriel.s ? o->contact.courriel.s : "");
		wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, b->data, 1);
	}
	if (o->site_web.s && strlen(o->site_web.s) < 90) {
		wrap(&d, d.regular, 10, MARGIN, PAGE_W - 2 * MARGIN - 95, o->site_web.s, 1);
		link(&d, MARGIN, d.y + 13.5f - 10, o->site_web.s, 10, o->site_web.s);
	}
	if (d.y > PAGE_H - MARGIN - 95)
		d.y = PAGE_H - MARGIN - 95;
	heading(&d, 14, o->n_lieux > 1 ? "Lieux de formation" : "Lieu de formation");
	float top = d.y;
	locator(&d, s, o);
	d.y = top;
	for (size_t i = 0; i < o->n_lieux; i++)
		lieu(&d, &o->lieux[i], b);
	if (d.reserve && d.y > top - 160)
		d.y = top - 160;
	d.reserve = 0;
	heading(&d, 14, "Offres de formation");
	for (size_t i = 0; i < o->n_offres; i++)
		offre(&d, s, &o->offres[i], b);
	footers(&d);
	char path[512];
	snprintf(path, sizeof(path), "pdf/organismes/%s.pdf", o->id.s);
	rc = save(&d, p, path, b);
out:
	close_doc(&d);
	return rc;
}

/* ---- référentiel card: a positioning grid ---- */

/* Draws one row of the grid: code, wrapped title, and a box per level. The
 * row never splits across pages. */
static void grid_row(struct doc *d, const char *code, const char *title, size_t nbox, int head)
{
	float size = head ? 10 : 9, bw = 38, cw = 48;
	float tw = PAGE_W - 2 * MARGIN - cw - bw * (float)nbox;
	int lines = wrap(d, head ? d->bold : d->regular, size, MARGIN + cw + 4, tw - 8, title, 0);
	float h = (float)lines * size * 1.35f + 8;
	need(d, h);
	float top = d->y;
	if (head) {
		HPDF_Page_SetRGBFill(d->page, 0.89f, 0.89f, 0.99f);
		HPDF_Page_Rectangle(d->page, MARGIN, top - h, PAGE_W - 2 * MARGIN, h);
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	}
	HPDF_Page_SetLineWidth(d->page, 0.5f);
	HPDF_Page_SetRGBStroke(d->page, 0.45f, 0.45f, 0.45f);
	HPDF_Page_Rectangle(d->page, MARGIN, top - h, PAGE_W - 2 * MARGIN, h);
	HPDF_Page_Stroke(d->page);
	for (size_t i = 0; !head && i < nbox; i++) {
		float x = PAGE_W - MARGIN - bw * (float)(nbox - i);
		HPDF_Page_Rectangle(d->page, x + bw / 2 - 6, top - h / 2 - 6, 12, 12);
	}
	if (!head && nbox)
		HPDF_Page_Stroke(d->page);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, size);
	HPDF_Page_TextOut(d->page, MARGIN + 4, top - 4 - size, enc(d, code));
	HPDF_Page_EndText(d->page);
	d->y = top - 4;
	wrap(d, head ? d->bold : d->regular, size, MARGIN + cw + 4, tw - 8, title, 1);
	d->y = top - h;
}

/* The column headings: the référentiel's scale, or three generic steps. */
static void grid_head(struct doc *d, const struct referentiel *r, const char *const *steps, size_t n)
{
	float bw = 38;
	need(d, 40);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, 8);
	HPDF_Page_TextOut(d->page, MARGIN, d->y - 10, "Code");
	HPDF_Page_TextOut(d->page, MARGIN + 52, d->y - 10, enc(d, r->lib_competence));
	for (size_t i = 0; i < n; i++) {
		float x = PAGE_W - MARGIN - bw * (float)(n - i);
		const char *t = enc(d, steps[i]);
		float w = HPDF_Page_TextWidth(d->page, t);
		HPDF_Page_TextOut(d->page, x + (bw - w) / 2, d->y - 10, t);
	}
	HPDF_Page_EndText(d->page);
	d->y -= 16;
}

static void correspondences(struct doc *d, const struct site *s, const struct referentiel *r, struct buf *b)
{
	static const char *const types[] = { "équivalente", "partielle", "contribue" };
	for (size_t k = 0; k < s->n_correspondances; k++) {
		const struct correspondance *c = s->correspondances[k];
		if (!c->de || !c->vers || (c->de != r && c->vers != r))
			continue;
		buf_reset(b);
		buf_printf(b, "Correspondance : de %s vers %s", c->de->titre_court, c->vers->titre_court);
		heading(d, 13, b->data);
		para(d, d->italic, 9, c->source);
		for (size_t i = 0; i < c->n_liens; i++) {
			const struct corr_link *l = &c->liens[i];
			buf_reset(b);
			for (size_t v = 0; v < l->vers.n; v++)
				buf_printf(b, "%s%s", v ? ", " : "", l->vers.v[v].s);
			buf_printf(b, " (%s%s%s)", types[l->type], l->niveau_de.s ? ", à partir de " : "",
			    l->niveau_de.s ? l->niveau_de.s : "");
			field(d, l->de.s, b->data);
		}
	}
}

static int save(struct doc *d, struct publish *p, const char *path, struct buf *b)
{
	if (d->error || HPDF_SaveToStream(d->pdf) != HPDF_OK) {
		fprintf(stderr, "carto: %s could not be made (libharu error 0x%04X%s)\n", path,
		    (unsigned)d->error, d->npages == MAX_PAGES ? ", too many pages" : "");
		return -1;
	}
	HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf), got = size;
	buf_reset(b);
	buf_grow(b, size);
	HPDF_ResetStream(d->pdf);
	if (HPDF_ReadFromStream(d->pdf, (HPDF_BYTE *)b->data, &got) > HPDF_STREAM_EOF || got != size)
		return -1;
	b->len = got;
	return publish_write(p, path, b->data, b->len);
}

static int card(const struct site *s, const struct referentiel *r, struct publish *p, struct buf *b)
{
	static const char *const generic[] = { "Non acquis", "En cours", "Acquis" };
	const char *steps[16];
	size_t n = 0;
	struct doc d;
	int rc = -1;
	if (open_doc(&d) < 0)
		goto out;
	for (size_t i = 0; i < r->echelle.n && n < 16; i++)
		steps[n++] = r->echelle.v[i].code;
	for (size_t i = 0; n == 0 && i < 3; i++)
		steps[i] = generic[i];
	if (!n)
		n = 3;
	info(&d, r->titre, s->titre, "Grille de positionnement et correspondances", s->last_update);
	buf_reset(b);
	buf_printf(b, "%s – %s", s->titre, r->editeur ? r->editeur : r->titre_court);
	d.footer = xstrdup(b->data);
	buf_reset(b);
	buf_printf(b, "%sreferentiels/%s/", s->base_url, r->id);
	char *url = xstrdup(b->data);
	d.url = url;
	new_page(&d);
	para(&d, d.bold, 16, r->titre);
	buf_reset(b);
	buf_printf(b, "Grille de positionnement – %zu %s%s, %zu %s%s%s%s", r->n_domaines, r->lib_domaine,
	    r->n_domaines > 1 ? "s" : "", r->n_competences, r->lib_competence, r->n_competences > 1 ? "s" : "",
	    r->version ? " – version " : "", r->version ? r->version : "");
	para(&d, d.regular, 10, b->data);
	d.y -= 6;
	para(&d, d.regular, 10, "Personne : _________________________    Date : ____________    Formateur·rice : __________________");
	d.y -= 8;
	for (size_t i = 0; i < r->echelle.n; i++) {
		buf_reset(b);
		buf_printf(b, "%s : %s", r->echelle.v[i].code, r->echelle.v[i].titre);
		para(&d, d.regular, 8, b->data);
	}
	d.y -= 6;
	grid_head(&d, r, steps, n);
	for (size_t i = 0; i < r->n_domaines; i++) {
		const struct ref_entry *dom = &r->domaines[i];
		buf_reset(b);
		buf_printf(b, "%s %s – %s", r->lib_domaine, dom->code, dom->titre);
		grid_row(&d, "", b->data, n, 1);
		for (size_t k = 0; k < dom->n_children; k++)
			grid_row(&d, dom->children[k].code, dom->children[k].titre, n, 0);
	}
	correspondences(&d, s, r, b);
	footers(&d);
	buf_reset(b);
	char path[512];
	snprintf(path, sizeof(path), "pdf/referentiels/%s.pdf", r->id);
	rc = save(&d, p, path, b);
	free(url);
out:
	close_doc(&d);
	return rc;
}

/* ---- cartography booklets ---- */

struct brow {
	const struct offre *o;
	const struct lieu *l;
	int num;		/* its marker's number */
};

static int cmp_brow(const void *pa, const void *pb)
{
	const struct brow *a = pa, *b = pb;
	int c = strcmp(a->l->commune ? a->l->commune->nom : "", b->l->commune ? b->l->commune->nom : "");
	if (c)
		return c;
	c = strcmp(a->o->org->nom, b->o->org->nom);
	return c ? c : strcmp(a->o->id.s, b->o->id.s);
}

/* The offers × lieux of a cartography (of a département when dep), sorted
 * by commune and organisation; the caller frees them. */
static struct brow *carto_rows(const struct site *s, const struct cartographie *ca, const char *dep, size_t *np)
{
	size_t n = 0, cap = 64;
	struct brow *r = xmalloc(cap * sizeof(*r));
	/* A département's rows come from its organisations only (the index). */
	const struct ptrs *in = dep ? strmap_get(&s->orgs_by_dep, dep) : NULL;
	size_t norg = dep ? (in ? in->n : 0) : s->n_organismes;
	for (size_t i = 0; i < norg; i++) {
		const struct organisme *org = dep ? in->v[i] : s->organismes[i];
		for (size_t k = 0; k < org->n_offres; k++) {
			const struct offre *o = &org->offres[k];
			for (size_t l = 0; carto_takes_offre(ca, o) && l < o->n_lieux; l++)
				if (carto_takes_lieu(ca, dep, o->lieux[l])) {
					r = xgrow(r, &cap, n + 1, sizeof(*r));
					r[n++] = (struct brow){ o, o->lieux[l], 0 };
				}
		}
	}
	qsort(r, n, sizeof(*r), cmp_brow);
	*np = n;
	return r;
}

static void hex_fill(struct doc *d, const char *hex)
{
	unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
	HPDF_Page_SetRGBFill(d->page, (float)(v >> 16 & 255) / 255, (float)(v >> 8 & 255) / 255,
	    (float)(v & 255) / 255);
}

static size_t colour_of(const struct site *s, const char *type)
{
	for (size_t i = 0; type && i < s->vocab.types_offre.n; i++)
		if (strcmp(s->vocab.types_offre.v[i].code, type) == 0)
			return i % 10;
	return 9;
}

#define MARK_R 6.5f
#define MARK_D (2 * MARK_R + 2)	/* centres of two markers, at least */

static void marker(struct doc *d, float x, float y, int num, const char *colour)
{
	char t[16];
	hex_fill(d, colour);
	HPDF_Page_Circle(d->page, x, y, MARK_R);
	HPDF_Page_Fill(d->page);
	snprintf(t, sizeof(t), "%d", num);
	HPDF_Page_SetRGBFill(d->page, 1, 1, 1);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, num > 99 ? 4.5f : 6);
	HPDF_Page_TextOut(d->page, x - HPDF_Page_TextWidth(d->page, t) / 2, y - 2, t);
	HPDF_Page_EndText(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
}

/* Markers already placed, chained by grid cell (a cell is one marker wide),
 * so that testing a spot looks at nine cells, not at every marker. */
struct placed {
	size_t mask;
	long *head, *next;
	float *x, *y;
	size_t n;
};

static size_t cell_of(long cx, long cy, size_t mask)
{
	return ((size_t)cx * 73856093u ^ (size_t)cy * 19349663u) & mask;
}

static int spot_free(const struct placed *g, float x, float y)
{
	long cx = (long)floorf(x / MARK_D), cy = (long)floorf(y / MARK_D);
	for (long i = -1; i <= 1; i++)
		for (long j = -1; j <= 1; j++)
			for (long k = g->head[cell_of(cx + i, cy + j, g->mask)]; k >= 0; k = g->next[k]) {
				float dx = g->x[k] - x, dy = g->y[k] - y;
				if (dx * dx + dy * dy < MARK_D * MARK_D)
					return 0;
			}
	return 1;
}

static void spot_take(struct placed *g, float x, float y)
{
	size_t h = cell_of((long)floorf(x / MARK_D), (long)floorf(y / MARK_D), g->mask);
	g->x[g->n] = x;
	g->y[g->n] = y;
	g->next[g->n] = g->head[h];
	g->head[h] = (long)g->n++;
}

/* Where a marker for (x, y) goes without covering another: the spot itself,
 * else the nearest free one on rings around it, inside the frame. A marker
 * that cannot move stays on its spot. */
static void place(struct placed *g, float x, float y, const float frame[4], float *px, float *py)
{
	*px = x, *py = y;
	for (int ring = 0; ring <= 6; ring++) {
		int steps = ring ? 8 * ring : 1;
		for (int k = 0; k < steps; k++) {
			double a = 6.283185307179586 * k / steps;
			float cx = x + (float)(ring * (MARK_D + 0.5) * cos(a));
			float cy = y + (float)(ring * (MARK_D + 0.5) * sin(a));
			if (cx < frame[0] || cy < frame[1] || cx > frame[2] || cy > frame[3] || !spot_free(g, cx, cy))
				continue;
			*px = cx, *py = cy;
			spot_take(g, cx, cy);
			return;
		}
	}
	spot_take(g, x, y);
}

/* The map with numbered markers: rows within 6 pt share a number (a grid of
 * cells in a hash map keeps this linear); markers that would cover one
 * another are moved apart, with a line to the place they stand for. */
static void map_box(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    float x0, float y0, float w, float h);

static void booklet_map(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n)
{
	float size = 420;
	need(d, size + 10);
	map_box(d, s, dep, r, n, MARGIN, d->y - size, PAGE_W - 2 * MARGIN, size);
	d->y -= size + 8;
}

/* The map of the region or of a département in the box (x0, y0, w, h). */
static void map_box(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    float x0, float y0, float w, float h)
{
	struct box b;
	const struct shape *sh = dep ? dep_shape(&s->geo, dep) : NULL;
	double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
	for (size_t i = 0; i < s->geo.n_departements; i++)
		if (!sh || &s->geo.departements[i] == sh) {
			minx = fmin(minx, s->geo.departements[i].minx);
			miny = fmin(miny, s->geo.departements[i].miny);
			maxx = fmax(maxx, s->geo.departements[i].maxx);
			maxy = fmax(maxy, s->geo.departements[i].maxy);
		}
	fit_box(&b, minx, miny, maxx, maxy, x0, y0, w, h);
	draw_base(d, &b, &s->geo, dep);
	const float frame[4] = { x0, y0, x0 + w, y0 + h };
	struct strmap cells = STRMAP_INIT;
	char **keys = xcalloc(n + 1, sizeof(*keys));
	/* Per marker: the place it stands for, where it is drawn, its row. */
	float *at = xmalloc((4 * n + 1) * sizeof(*at));
	size_t *row = xmalloc((n + 1) * sizeof(*row));
	size_t nb = 16;
	while (nb < 2 * n)
		nb *= 2;
	struct placed g = { nb - 1, xmalloc(nb * sizeof(long)), xmalloc((n + 1) * sizeof(long)),
		xmalloc((n + 1) * sizeof(float)), xmalloc((n + 1) * sizeof(float)), 0 };
	for (size_t i = 0; i < nb; i++)
		g.head[i] = -1;
	int next = 1;
	for (size_t i = 0; i < n; i++) {
		float x, y;
		char key[32];
		project(&b, r[i].l->lon, r[i].l->lat, &x, &y);
		snprintf(key, sizeof(key), "%d:%d", (int)(x / 6), (int)(y / 6));
		int *num = strmap_get(&cells, key);
		if (num) {
			r[i].num = *num;
			continue;
		}
		float *m = at + 4 * (size_t)(next - 1);
		row[next - 1] = i;
		r[i].num = next++;
		keys[i] = xmalloc(sizeof(int) + sizeof(key));
		memcpy(keys[i], &r[i].num, sizeof(int));
		strcpy(keys[i] + sizeof(int), key);
		strmap_put(&cells, keys[i] + sizeof(int), keys[i]);
		m[0] = x, m[1] = y;
		place(&g, x, y, frame, &m[2], &m[3]);
	}
	/* Lines first, so that no line crosses a marker drawn before it. */
	HPDF_Page_SetRGBStroke(d->page, 0.25f, 0.25f, 0.25f);
	HPDF_Page_SetLineWidth(d->page, 0.6f);
	for (int k = 0; k < next - 1; k++) {
		const float *m = at + 4 * k;
		if (m[0] == m[2] && m[1] == m[3])
			continue;
		HPDF_Page_MoveTo(d->page, m[0], m[1]);
		HPDF_Page_LineTo(d->page, m[2], m[3]);
		HPDF_Page_Stroke(d->page);
		HPDF_Page_SetRGBFill(d->page, 0.25f, 0.25f, 0.25f);
		HPDF_Page_Circle(d->page, m[0], m[1], 1.5f);
		HPDF_Page_Fill(d->page);
	}
	for (int k = 0; k < next - 1; k++) {
		const struct brow *w = &r[row[k]];
		marker(d, at[4 * k + 2], at[4 * k + 3], w->num,
		    svgmap_palette[colour_of(s, w->o->types.n ? w->o->types.v[0].s : NULL)]);
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(at);
	free(row);
	free(g.head);
	free(g.next);
	free(g.x);
	free(g.y);
	strmap_free(&cells);
}

static void legend(struct doc *d, const struct site *s, const struct cartographie *ca)
{
	para(d, d->bold, 10, "Légende : chaque repère numéroté renvoie aux offres qui portent ce numéro dans la liste ; sa couleur donne le type de la première offre.");
	for (size_t i = 0; i < ca->sel_types.n; i++) {
		const struct term *t = strmap_get(&s->vocab.types_offre.by_code, ca->sel_types.v[i].s);
		need(d, 14);
		hex_fill(d, svgmap_palette[colour_of(s, ca->sel_types.v[i].s)]);
		HPDF_Page_Circle(d->page, MARGIN + 5, d->y - 5, 4.5f);
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_SetFontAndSize(d->page, d->regular, 9);
		HPDF_Page_TextOut(d->page, MARGIN + 14, d->y - 8, enc(d, t ? t->libelle : ca->sel_types.v[i].s));
		HPDF_Page_EndText(d->page);
		d->y -= 13;
	}
}

static void booklet_entry(struct doc *d, const struct site *s, const struct brow *r, struct buf *b)
{
	const struct offre *o = r->o;
	struct hours h;
	const char *err;
	size_t at;
	char fr[256] = "";
	buf_reset(b);
	buf_printf(b, "%d. %s – %s", r->num, o->intitule ? o->intitule : "", o->org->nom);
	need(d, 13.5f * 3);
	para(d, d->bold, 10, b->data);
	buf_reset(b);
	for (size_t i = 0; i < o->types.n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", label(&s->vocab.types_offre, o->types.v[i].s));
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
	if (o->horaires.s && hours_parse(o->horaires.s, &h, &err, &at) == 0) {
		hours_french(&h, fr, sizeof(fr));
		buf_printf(b, " – %s", fr);
	}
	para(d, d->regular, 9, b->data);
	buf_reset(b);
	if (r->l->n_lignes)
		buf_printf(b, "%s, ", r->l->lignes[0]);
	buf_printf(b, "%s %s", r->l->code_postal.s ? r->l->code_postal.s : "", r->l->commune ? r->l->commune->nom : "");
	const struct contact *ct = o->has_contact ? &o->contact : o->org->has_contact ? &o->org->contact : NULL;
	if (ct && ct->telephone)
		buf_printf(b, " – %s", ct->telephone);
	para(d, d->regular, 9, b->data);
	d->y -= 3;
}

static int booklet(const struct site *s, const struct cartographie *ca, const char *dep,
    struct publish *p, struct buf *b)
{
	struct doc d;
	int rc = -1;
	size_t n;
	struct brow *r = carto_rows(s, ca, dep, &n);
	char date[64], url[1024], path[512];
	if (open_doc(&d) < 0)
		goto out;
	const char *depname = dep ? (dep_shape(&s->geo, dep) ? dep_shape(&s->geo, dep)->nom : dep) : NULL;
	buf_reset(b);
	buf_printf(b, "%s%s%s", ca->titre, dep ? " – " : "", dep ? depname : "");
	char *title = xstrdup(b->data);
	info(&d, title, s->titre, "Livret pour les prescripteurs : carte et liste des offres", s->last_update);
	snprintf(url, sizeof(url), "%scartographies/%s/%s%s", s->base_url, ca->id.s, dep ? dep : "", dep ? "/" : "");
	buf_reset(b);
	buf_printf(b, "%s – données mises à jour le %s", s->titre, fr_date(date, sizeof(date), s->last_update));
	d.footer = xstrdup(b->data);
	d.url = url;
	new_page(&d);
	para(&d, d.bold, 20, title);
	buf_reset(b);
	buf_printf(b, "Livret pour les prescripteurs – %zu offre%s × lieu%s – données du %s", n, n > 1 ? "s" : "",
	    n > 1 ? "x" : "", date);
	para(&d, d.regular, 10, b->data);
	d.y -= 6;
	booklet_map(&d, s, dep, r, n);
	legend(&d, s, ca);
	new_page(&d);
	/* A region too large to list: the départements' booklets list the offers. */
	int list = dep || !ca->par_departement || n <= 1500;
	if (!list)
		para(&d, d.regular, 10, "Les offres sont listées dans le livret de chaque département ; voici les communes et les numéros de leurs repères.");
	else
		heading(&d, 14, "Les offres, commune par commune");
	for (size_t i = 0; list && i < n; i++) {
		if (i == 0 || r[i].l->commune != r[i - 1].l->commune)
			heading(&d, 12, r[i].l->commune ? r[i].l->commune->nom : "");
		booklet_entry(&d, s, &r[i], b);
	}
	heading(&d, 14, "Index des communes");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		buf_reset(b);
		while (j < n && r[j].l->commune == r[i].l->commune) {
			buf_printf(b, "%s%d", j > i ? ", " : "", r[j].num);
			j++;
		}
		field(&d, r[i].l->commune ? r[i].l->commune->nom : "", b->data);
		i = j;
	}
	footers(&d);
	snprintf(path, sizeof(path), "pdf/cartographies/%s%s%s.pdf", ca->id.s, dep ? "-" : "", dep ? dep : "");
	rc = save(&d, p, path, b);
	free(title);
out:
	close_doc(&d);
	free(r);
	return rc;
}

/* ---- slide decks ---- */

#define SLIDE_W 960.0f	/* 16:9, as presentation software */
#define SLIDE_H 540.0f
#define SLIDE_M 48.0f

static HPDF_Font font_of(const struct doc *d, int bold, int italic)
{
	return bold ? d->bold : italic ? d->italic : d->regular;
}

static int is_marker(char c)
{
	return c == MD_BOLD || c == MD_ITALIC || c == MD_LINK || c == MD_LINK_END;
}

/* Steps over the marker at q, updating the state; returns what follows. */
static const char *marker_step(const char *q, int *b, int *it, const char **link, size_t *link_len)
{
	if (*q == MD_BOLD)
		*b = !*b;
	else if (*q == MD_ITALIC)
		*it = !*it;
	else if (*q == MD_LINK) {
		const char *e = strchr(q + 1, MD_LINK_URL_END);
		if (!e)
			return q + strlen(q);
		*link = q + 1;
		*link_len = (size_t)(e - q - 1);
		return e + 1;
	} else
		*link = NULL;
	return q + 1;
}

/* A link of a slide as an absolute address: relative ones are read from the
 * page's address online, as a browser would. */
static void link_target(const struct doc *d, const char *url, size_t n, char *out, size_t cap)
{
	int absolute = memchr(url, ':', n) != NULL;
	const char *page = d->url ? d->url : "";
	if (absolute)
		snprintf(out, cap, "%.*s", (int)n, url);
	else if (n && url[0] == '/' && d->base)
		snprintf(out, cap, "%s%.*s", d->base, (int)n - 1, url + 1);
	else
		snprintf(out, cap, "%s%.*s", page, (int)n, url);
	/* "a/b/../c" is "a/c", as the browser will read it. */
	char *sch = strstr(out, "://"), *p;
	while (sch && (p = strstr(sch + 3, "/../"))) {
		char *prev = p;
		while (prev > sch + 3 && prev[-1] != '/')
			prev--;
		if (prev <= sch + 3)
			break;	/* no segment to go up from: leave it */
		memmove(prev, p + 4, strlen(p + 4) + 1);
	}
}

/* Lays out rich text (UTF-8 with the MD_ markers of markdown.h) word by word
 * in width from (x, y), the top of the first line; draws it when draw, links
 * in blue, underlined and clickable (unless the page is scaled, as in the
 * handouts). Returns the height used. */
static float rich(struct doc *d, const char *text, float x, float y, float width, float size,
    int bold, int draw)
{
	const char *t = enc(d, text);
	float cx = x, lh = size * 1.3f, h = lh;
	int b = bold, it = 0;
	const char *link = NULL;
	size_t link_len = 0;
	while (*t) {
		while (*t == ' ')
			t++;
		if (!*t)
			break;
		/* A word: up to the next space, in segments between markers. */
		const char *e = t;
		float ww = 0;
		int wb = b, wi = it;
		const char *wl = link;
		size_t wll = link_len;
		for (const char *q = t; *q && *q != ' ';) {
			if (is_marker(*q)) {
				q = marker_step(q, &wb, &wi, &wl, &wll);
				e = q;
				continue;
			}
			const char *r = q;
			while (*r && *r != ' ' && !is_marker(*r))
				r++;
			ww += HPDF_Font_TextWidth(font_of(d, wb, wi), (const HPDF_BYTE *)q, (HPDF_UINT)(r - q)).width
			    * size / 1000;
			q = r;
			e = q;
		}
		float sp = HPDF_Font_TextWidth(font_of(d, b, it), (const HPDF_BYTE *)" ", 1).width * size / 1000;
		if (cx > x && cx + ww > x + width) {
			cx = x;
			h += lh;
		}
		for (const char *q = t; q < e;) {
			if (is_marker(*q)) {
				q = marker_step(q, &b, &it, &link, &link_len);
				continue;
			}
			const char *r = q;
			while (r < e && !is_marker(*r))
				r++;
			HPDF_Font f = font_of(d, b, it);
			float sw = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)q, (HPDF_UINT)(r - q)).width * size / 1000;
			if (draw) {
				char seg[512];
				size_t k = (size_t)(r - q) < sizeof(seg) - 1 ? (size_t)(r - q) : sizeof(seg) - 1;
				float base = y - (h - lh) - size;
				memcpy(seg, q, k);
				seg[k] = '\0';
				if (link)
					HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
				HPDF_Page_BeginText(d->page);
				HPDF_Page_SetFontAndSize(d->page, f, size);
				HPDF_Page_TextOut(d->page, cx, base, seg);
				HPDF_Page_EndText(d->page);
				if (link) {
					HPDF_Page_SetRGBStroke(d->page, 0, 0, 0.57f);
					HPDF_Page_SetLineWidth(d->page, size / 18);
					HPDF_Page_MoveTo(d->page, cx, base - size * 0.12f);
					HPDF_Page_LineTo(d->page, cx + sw, base - size * 0.12f);
					HPDF_Page_Stroke(d->page);
					HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
					if (!d->scaled) {
						char url[2100];
						link_target(d, link, link_len, url, sizeof(url));
						HPDF_Rect rect = { cx, base - size * 0.25f, cx + sw, base + size * 0.9f };
						HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(d->page, rect, url);
						HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
					}
				}
			}
			cx += sw;
			q = r;
		}
		cx += sp;
		t = e;
	}
	return h;
}

/* Offers by département × type, as the HTML view counts them. */
static void deck_table(struct doc *d, const struct site *s, const struct embed *e, struct brow *r,
    size_t n, float x, float y, float w, float f, int draw, float *hp)
{
	size_t nt = embed_columns(s, e, NULL), nd = s->geo.n_departements;
	const char **types = xmalloc((nt + 1) * sizeof(*types));
	embed_columns(s, e, types);
	size_t *cell = xcalloc((nd + 1) * (nt + 1), sizeof(*cell));
	for (size_t i = 0; i < n; i++)
		embed_count(s, types, nt, r[i].o, r[i].l, cell);
	float size = 15 * f, rh = size * 1.6f, first = w * 0.22f, cw = (w - first) / (float)(nt + 1);
	float hh = 3 * size * 1.15f + 6;	/* header: type names on up to three lines */
	size_t rows = 0;
	for (size_t dd = 0; dd <= nd; dd++)
		rows += dd == nd || !e->dep || strcmp(s->geo.departements[dd].code, e->dep) == 0;
	*hp = hh + (float)rows * rh;
	/* Type names on up to three lines: the size at which their longest
	 * word fits its column. */
	float hs = size * 0.85f;
	for (size_t t = 0; t < nt; t++) {
		const char *l = enc(d, label(&s->vocab.types_offre, types[t]));
		for (const char *q = l; *q;) {
			const char *e = q;
			while (*e && *e != ' ')
				e++;
			while (hs > 5 && HPDF_Font_TextWidth(d->bold, (const HPDF_BYTE *)q, (HPDF_UINT)(e - q)).width * hs / 1000 > cw - 6)
				hs *= 0.92f;
			q = *e ? e + 1 : e;
		}
	}
	if (draw) {
		char num[32];
		HPDF_Page_SetRGBFill(d->page, 0.89f, 0.89f, 0.99f);
		HPDF_Page_Rectangle(d->page, x, y - hh, w, hh);
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
		rich(d, "Département", x + 4, y - 4, first - 8, size, 1, 1);
		for (size_t t = 0; t <= nt; t++) {
			const char *code = t == nt ? NULL : types[t];
			rich(d, code ? label(&s->vocab.types_offre, code) : "Total", x + first + (float)t * cw + 3, y - 4,
			    cw - 6, hs, 1, 1);
		}
		float yy = y - hh;
		HPDF_Page_SetRGBStroke(d->page, 0.57f, 0.57f, 0.57f);
		HPDF_Page_SetLineWidth(d->page, 0.5f);
		for (size_t dd = 0; dd <= nd; dd++) {
			if (dd < nd && e->dep && strcmp(s->geo.departements[dd].code, e->dep) != 0)
				continue;
			char lab[160];
			snprintf(lab, sizeof(lab), "%s%s%s%s", dd < nd ? s->geo.departements[dd].nom : "Île-de-France",
			    dd < nd ? " (" : "", dd < nd ? s->geo.departements[dd].code : "", dd < nd ? ")" : "");
			rich(d, lab, x + 4, yy - size * 0.3f, first - 8, size, dd == nd, 1);
			for (size_t t = 0; t <= nt; t++) {
				snprintf(num, sizeof(num), "%zu", cell[dd * (nt + 1) + t]);
				HPDF_Font fo = dd == nd || t == nt ? d->bold : d->regular;
				float tw = HPDF_Font_TextWidth(fo, (const HPDF_BYTE *)num, (HPDF_UINT)strlen(num)).width * size / 1000;
				HPDF_Page_BeginText(d->page);
				HPDF_Page_SetFontAndSize(d->page, fo, size);
				HPDF_Page_TextOut(d->page, x + first + (float)(t + 1) * cw - 6 - tw, yy - size * 1.25f, num);
				HPDF_Page_EndText(d->page);
			}
			HPDF_Page_MoveTo(d->page, x, yy);
			HPDF_Page_LineTo(d->page, x + w, yy);
			HPDF_Page_Stroke(d->page);
			yy -= rh;
		}
		HPDF_Page_MoveTo(d->page, x, yy);
		HPDF_Page_LineTo(d->page, x + w, yy);
		HPDF_Page_Stroke(d->page);
	}
	free(cell);
	free(types);
}

/* A view of a slide in the width w from (x, y); a map takes the height
 * left, avail. Returns the height used. */
static float deck_view(struct doc *d, const struct site *s, const struct embed *e, float x, float y,
    float w, float avail, float f, int draw)
{
	struct buf b = BUF_INIT;
	float h = 0;
	if (e->kind == EMBED_DOMAINES) {
		for (size_t i = 0; i < e->ref->n_domaines; i++) {
			buf_reset(&b);
			buf_printf(&b, "%c%s%c %s", MD_BOLD, e->ref->domaines[i].code, MD_BOLD, e->ref->domaines[i].titre);
			h += rich(d, b.data, x, y - h, w, 16 * f, 0, draw) + 2 * f;
		}
	} else if (e->kind == EMBED_CORRESPONDANCE) {
		const struct correspondance *k = e->corr;
		for (size_t i = 0; i < k->n_liens; i++) {
			buf_reset(&b);
			buf_printf(&b, "%c%s%c → ", MD_BOLD, k->liens[i].de.s, MD_BOLD);
			for (size_t j = 0; j < k->liens[i].vers.n; j++)
				buf_printf(&b, "%s%s", j ? ", " : "", k->liens[i].vers.v[j].s);
			h += rich(d, b.data, x, y - h, w, 12 * f, 0, draw);
		}
	} else if (e->ca) {
		size_t n, m = 0;
		struct brow *r = carto_rows(s, e->ca, e->dep, &n);
		for (size_t i = 0; i < n; i++)
			if (embed_keeps(e, r[i].o, r[i].l))
				r[m++] = r[i];
		if (e->kind == EMBED_CARTE) {
			h = avail - 10 * f < 160 * f ? 160 * f : avail - 10 * f;
			if (draw)
				map_box(d, s, e->dep, r, m, x, y - h, w, h);
		} else if (e->kind == EMBED_TABLEAU) {
			deck_table(d, s, e, r, m, x, y, w, f, draw, &h);
		} else if (e->kind == EMBED_COMPTE) {
			buf_printf(&b, "%c%zu%c offre%s – %s%s%s", MD_BOLD, m, MD_BOLD, m > 1 ? "s" : "", e->ca->titre,
			    e->dep ? " – " : "", e->dep ? (dep_shape(&s->geo, e->dep) ? dep_shape(&s->geo, e->dep)->nom : e->dep) : "");
			h = rich(d, b.data, x, y, w, 20 * f, 0, draw);
		} else {
			for (size_t i = 0; i < m && i < (size_t)e->limite; i++) {
				buf_reset(&b);
				buf_printf(&b, "%c%s%c – %s – %s", MD_BOLD, r[i].o->intitule ? r[i].o->intitule : "", MD_BOLD,
				    r[i].o->org->nom, r[i].l->commune ? r[i].l->commune->nom : "");
				h += rich(d, b.data, x, y - h, w, 13 * f, 0, draw) + 2 * f;
			}
		}
		free(r);
	}
	buf_release(&b);
	return h;
}

/* Draws (or measures) the blocks of one slide at scale f from the top of
 * the slide's text area; returns the height used. */
static float slide_blocks(struct doc *d, const struct site *s, const struct page *pg,
    const struct md_deck *k, size_t from, size_t to, float f, float top, float bottom, int draw)
{
	float y = top, w = SLIDE_W - 2 * SLIDE_M;
	for (size_t i = from; i < to; i++) {
		const struct md_block *bl = &k->b[i];
		float x = SLIDE_M + (float)bl->depth * 28 * f;
		switch (bl->kind) {
		case MDB_H1:
		case MDB_H2:
		case MDB_H3: {
			float size = (bl->kind == MDB_H1 ? 36 : bl->kind == MDB_H2 ? 30 : 22) * f;
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
			y -= rich(d, bl->text, x, y, w - (x - SLIDE_M), size, 1, draw) + 10 * f;
			if (draw)
				HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
			break;
		}
		case MDB_ITEM: {
			char mark[16];
			if (bl->num)
				snprintf(mark, sizeof(mark), "%d.", bl->num);
			else
				snprintf(mark, sizeof(mark), "%s", bl->depth > 1 ? "–" : "•");
			float size = 22 * f;
			if (draw)
				rich(d, mark, x - 22 * f, y, 22 * f, size, 0, 1);
			y -= rich(d, bl->text, x, y, w - (x - SLIDE_M), size, 0, draw) + 6 * f;
			break;
		}
		case MDB_VIEW:
			if (bl->view < pg->n_embeds)
				y -= deck_view(d, s, &pg->embeds[bl->view], x, y, w - (x - SLIDE_M), y - bottom, f, draw)
				    + 8 * f;
			break;
		default:
			y -= rich(d, bl->text, x, y, w - (x - SLIDE_M), (bl->kind == MDB_CODE ? 16 : 22) * f, 0, draw)
			    + 10 * f;
		}
	}
	return top - y;
}

/* One slide on the current page: the theme's band, the blocks scaled down
 * until they fit, the slide's number and the deck's title. */
static void slide(struct doc *d, const struct site *s, const struct page *pg, const struct md_deck *k,
    size_t i, size_t n)
{
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0.57f);
	HPDF_Page_Rectangle(d->page, 0, SLIDE_H - 10, SLIDE_W, 10);
	HPDF_Page_Fill(d->page);
	float top = SLIDE_H - SLIDE_M, bottom = 52, f = 1;
	for (int tries = 0; tries < 16; tries++) {
		float used = slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 0);
		if (used <= top - bottom)
			break;
		f *= fmaxf(0.5f, fminf(0.95f, (top - bottom) / used));
	}
	/* A slide of a title only is set at a third of the height. */
	float used = slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 0);
	if (k->slide[i + 1] - k->slide[i] <= 3 && k->b[k->slide[i]].kind == MDB_H1)
		top -= (top - bottom - used) / 3;
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	slide_blocks(d, s, pg, k, k->slide[i], k->slide[i + 1], f, top, bottom, 1);
	char num[32];
	snprintf(num, sizeof(num), "%zu / %zu", i + 1, n);
	HPDF_Page_SetRGBFill(d->page, 0.35f, 0.35f, 0.35f);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->regular, 11);
	HPDF_Page_TextOut(d->page, SLIDE_M, 22, enc(d, pg->titre));
	HPDF_Page_TextOut(d->page, SLIDE_W - SLIDE_M - HPDF_Page_TextWidth(d->page, num), 22, num);
	HPDF_Page_EndText(d->page);
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
}

static int deck_open(struct doc *d, const struct site *s, const struct page *pg, const char *kind)
{
	if (open_doc(d) < 0)
		return -1;
	const char *it = HPDF_LoadTTFontFromFile(d->pdf, FONT_DIR "LiberationSans-Italic.ttf", HPDF_TRUE);
	if (!it)
		return -1;
	d->italic = HPDF_GetFont(d->pdf, it, "CP1252");
	info(d, pg->titre, s->titre, kind, pg->date ? pg->date : s->last_update);
	return d->error ? -1 : 0;
}

/* The deck, 16:9, a slide per page; and the handout, A4, three slides a page
 * with ruled room for notes beside each. */
static int deck(const struct site *s, const struct page *pg, struct publish *p, struct buf *b)
{
	struct md_deck k;
	struct doc d;
	char name[512], path[600], url[1024];
	snprintf(name, sizeof(name), "%s", pg->slug);
	for (char *q = name; *q; q++)
		if (*q == '/')
			*q = '-';
	snprintf(url, sizeof(url), "%s%s/", s->base_url, pg->slug);
	md_deck(pg->body, &k);
	int rc = -1;
	if (deck_open(&d, s, pg, "Diaporama") < 0)
		goto out;
	d.url = url;
	d.base = s->base_url;
	for (size_t i = 0; i < k.n_slides; i++) {
		d.page = HPDF_AddPage(d.pdf);
		HPDF_Page_SetWidth(d.page, SLIDE_W);
		HPDF_Page_SetHeight(d.page, SLIDE_H);
		slide(&d, s, pg, &k, i, k.n_slides);
	}
	snprintf(path, sizeof(path), "pdf/diaporamas/%s.pdf", name);
	if (save(&d, p, path, b) < 0)
		goto out;
	close_doc(&d);
	if (deck_open(&d, s, pg, "Support à distribuer : les diapositives et de la place pour les notes") < 0)
		goto out;
	buf_reset(b);
	buf_printf(b, "%s – %s", s->titre, pg->titre);
	d.footer = xstrdup(b->data);
	d.url = url;
	d.base = s->base_url;
	d.scaled = 1;
	const float sc = 0.34f, bw = SLIDE_W * sc, bh = SLIDE_H * sc, gap = (PAGE_H - 2 * MARGIN - 40 - 3 * bh) / 3;
	for (size_t i = 0; i < k.n_slides; i++) {
		if (i % 3 == 0) {
			new_page(&d);
			para(&d, d.bold, 12, pg->titre);
		}
		float y0 = PAGE_H - MARGIN - 20 - (float)(i % 3 + 1) * bh - (float)(i % 3) * gap;
		HPDF_Page_GSave(d.page);
		HPDF_Page_Concat(d.page, sc, 0, 0, sc, MARGIN, y0);
		slide(&d, s, pg, &k, i, k.n_slides);
		HPDF_Page_GRestore(d.page);
		HPDF_Page_SetRGBStroke(d.page, 0.45f, 0.45f, 0.45f);
		HPDF_Page_SetLineWidth(d.page, 0.6f);
		HPDF_Page_Rectangle(d.page, MARGIN, y0, bw, bh);
		HPDF_Page_Stroke(d.page);
		HPDF_Page_SetRGBStroke(d.page, 0.75f, 0.75f, 0.75f);
		for (float ly = y0 + bh - 18; ly > y0; ly -= 18) {
			HPDF_Page_MoveTo(d.page, MARGIN + bw + 18, ly);
			HPDF_Page_LineTo(d.page, PAGE_W - MARGIN, ly);
		}
		HPDF_Page_Stroke(d.page);
	}
	footers(&d);
	snprintf(path, sizeof(path), "pdf/diaporamas/%s-support.pdf", name);
	rc = save(&d, p, path, b);
out:
	close_doc(&d);
	md_deck_free(&k);
	return rc;
}

/* Every document is a job: booklets first (the longest), then the cards,
 * then the fiches, taken in turn by the threads so that the cores stay busy
 * until the end. A job's index says which document it is. */
struct booklet_job {
	const struct cartographie *ca;
	const char *dep;
};

struct pool {
	const struct site *s;
	struct publish *p;
	struct booklet_job *bk;
	size_t n_bk, n_jobs;
	const struct page **decks;
	size_t n_decks;
	atomic_size_t next;
	atomic_int failed;
};

static int job(struct pool *pl, size_t i, struct buf *b)
{
	const struct site *s = pl->s;
	if (i < pl->n_bk)
		return booklet(s, pl->bk[i].ca, pl->bk[i].dep, pl->p, b);
	i -= pl->n_bk;
	if (i < pl->n_decks)
		return deck(s, pl->decks[i], pl->p, b);
	i -= pl->n_decks;
	if (i < s->n_referentiels)
		return card(s, s->referentiels[i], pl->p, b);
	return fiche(s, s->organismes[i - s->n_referentiels], pl->p, b);
}

static void *work(void *arg)
{
	struct pool *pl = arg;
	struct buf b = BUF_INIT;
	for (;;) {
		size_t i = atomic_fetch_add(&pl->next, 1);
		if (i >= pl->n_jobs || pl->failed)
			break;
		if (job(pl, i, &b) < 0)
			pl->failed = 1;
	}
	buf_release(&b);
	return NULL;
}

int pdf_render(const struct site *s, struct publish *p, int jobs, int drafts)
{
	struct pool pl = { .s = s, .p = p };
	pl.decks = xmalloc((s->n_pages + 1) * sizeof(*pl.decks));
	for (size_t i = 0; i < s->n_pages; i++)
		if (s->pages[i]->type == PAGE_DIAPORAMA && (drafts || !s->pages[i]->brouillon))
			pl.decks[pl.n_decks++] = s->pages[i];
	size_t cap = 16;
	pl.bk = xmalloc(cap * sizeof(*pl.bk));
	for (size_t i = 0; i < s->n_cartographies; i++) {
		const struct cartographie *ca = s->cartographies[i];
		size_t k = ca->par_departement ? s->geo.n_departements : 0;
		pl.bk = xgrow(pl.bk, &cap, pl.n_bk + 1 + k, sizeof(*pl.bk));
		pl.bk[pl.n_bk++] = (struct booklet_job){ ca, NULL };
		for (size_t j = 0; j < k; j++)
			pl.bk[pl.n_bk++] = (struct booklet_job){ ca, s->geo.departements[j].code };
	}
	pl.n_jobs = pl.n_bk + pl.n_decks + s->n_referentiels + s->n_organismes;
	pthread_t th[64];
	int n = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs, started = 0;
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, work, &pl) == 0)
			started++;
	work(&pl);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(pl.bk);
	free(pl.decks);
	return pl.failed ? -1 : 0;
}
