/*
 * The PDF documents' text: which font sets a string and in which encoding.
 * Helvetica in CP1252 when the string fits it (all of French), else a
 * UTF-8 font that has all its letters; what no font has becomes U+FFFD and
 * a warning (pdf_warn_missing). Also two repairs of libharu 2.3's UTF-8
 * fonts: a valid ToUnicode map, and composite glyphs embedded whole. Start
 * at pdf_enc.
 */
#include <string.h>

#include <hpdf_conf.h>
#include <hpdf_consts.h>
#include <hpdf_font.h>
#include <hpdf_gstate.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>

#include "../../base/buf.h"
#include "../../base/diag.h"
#include "../../base/fs.h"
#include "../../base/utf8.h"
#include "pdf_int.h"

#define DEJAVU_DIR "/usr/share/fonts/truetype/dejavu/"

/* The font files of each tier and style: tier 0 (CP1252) is the standard
 * Helvetica, with no file; tier 1 is Liberation Sans, which has Helvetica's
 * widths, in UTF-8. */
static const char *const font_files[N_TIERS][N_STYLES] = {
	{ NULL, NULL, NULL },
	{ FONT_DIR "LiberationSans-Regular.ttf", FONT_DIR "LiberationSans-Bold.ttf",
	    FONT_DIR "LiberationSans-Italic.ttf" },
	{ DEJAVU_DIR "DejaVuSans.ttf", DEJAVU_DIR "DejaVuSans-Bold.ttf",
	    DEJAVU_DIR "DejaVuSans-Oblique.ttf" },
};

struct digest pdf_fonts_digest(void)
{
	struct digest_ctx *k = digest_new();
	for (int t = 0; t < N_TIERS; t++)
		for (int st = 0; st < N_STYLES; st++) {
			struct digest f = { 0, 0 };
			long long size = -1;
			digest_str(k, font_files[t][st]);
			if (font_files[t][st] && digest_file(font_files[t][st], &f, &size) < 0)
				size = -1;
			digest_num(k, size);
			digest_fold(k, &f);
		}
	return digest_end(k);
}

/* What CP1252 puts at 0x80 to 0x9F (0: nothing); the rest is Latin-1. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039,
	0x152, 0, 0x17D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC,
	0x2122, 0x161, 0x203A, 0x153, 0, 0x17E, 0x178,
};

/* The CP1252 byte of cp (at least U+0080), or 0 when it has none. */
static unsigned char cp1252_byte(uint32_t cp)
{
	if (cp >= 0xA0 && cp <= 0xFF)
		return (unsigned char)cp;
	for (unsigned i = 0; i < 32 && cp >= 0x100; i++)
		if (cp1252_high[i] == cp)
			return (unsigned char)(0x80 + i);
	return 0;
}

static int in_cp1252(uint32_t cp)
{
	return cp < 0x80 || cp1252_byte(cp);
}

static int real_style(const struct doc *d, int style)
{
	return style == STYLE_ITALIC && d->italic == d->regular ? STYLE_REGULAR : style;
}

/* The font file of a style in a UTF-8 tier, read on first need (a document
 * embeds only the fonts it sets text in). NULL when it cannot be read. */
static HPDF_FontDef tier_def(struct doc *d, int tier, int style)
{
	style = real_style(d, style);
	if (!d->uni_name[tier][style]) {
		d->uni_name[tier][style] = pdf_load_font(d, font_files[tier][style]);
		if (!d->uni_name[tier][style]) {
			d->error = d->error ? d->error : 1;
			return NULL;
		}
	}
	return HPDF_GetFontDef(d->pdf, d->uni_name[tier][style]);
}

/* A UTF-8 font's codes are Unicode (BMP) code points. libharu 2.3 writes
 * its ToUnicode map with CID ranges, which readers report as invalid
 * (poppler: "Invalid 'begincidrange' operator in ToUnicode CMap"); this
 * replaces it with the identity written as bfranges (PDF 32000 §9.10.3),
 * one per high byte as the ranges must not cross one, surrogates left out. */
static void to_unicode(struct doc *d, HPDF_Font f)
{
	HPDF_Dict cmap = HPDF_DictStream_New(d->pdf->mmgr, d->pdf->xref);
	if (!cmap)
		return;
	cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	struct buf b = BUF_INIT;
	buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	unsigned hi = 0;
	while (hi < 256) {
		unsigned n = 0;
		for (unsigned h = hi; h < 256 && n < 100; h++)
			n += h < 0xD8 || h > 0xDF;
		buf_printf(&b, "%u beginbfrange\n", n);
		for (n = 0; hi < 256 && n < 100; hi++)
			if (hi < 0xD8 || hi > 0xDF) {
				buf_printf(&b, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
				n++;
			}
		buf_puts(&b, "endbfrange\n");
	}
	buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_Stream_WriteStr(cmap->stream, b.data);
	buf_release(&b);
	HPDF_Dict_Add((HPDF_Dict)f, "ToUnicode", cmap);
}

/* libharu's UTF-8 encoder, registered once (twice is an error). */
static void use_utf8(struct doc *d)
{
	if (!d->utf8)
		HPDF_UseUTFEncodings(d->pdf);
	d->utf8 = 1;
}

/* The font of a style in a tier. NULL when it cannot be loaded (the
 * document then fails). */
HPDF_Font pdf_tier_font(struct doc *d, int tier, int style)
{
	style = real_style(d, style);
	if (tier == TIER_CP1252)
		return style == STYLE_BOLD ? d->bold : style == STYLE_ITALIC ? d->italic : d->regular;
	HPDF_Font *f = &d->uni[tier][style];
	if (!*f && tier_def(d, tier, style)) {
		use_utf8(d);
		*f = HPDF_GetFont(d->pdf, d->uni_name[tier][style], "UTF-8");
		if (*f)
			to_unicode(d, *f);
	}
	if (!*f && !d->error)	/* no font: the document fails, drawing nothing */
		d->error = 1;
	return *f;
}

static int style_of(const struct doc *d, HPDF_Font f)
{
	return f == d->bold ? STYLE_BOLD : f == d->italic && f != d->regular ? STYLE_ITALIC
	    : STYLE_REGULAR;
}

/* The font to set the string enc converted last in, for a font of tier 0. */
HPDF_Font pdf_twin(struct doc *d, HPDF_Font f)
{
	return pdf_tier_font(d, d->tier, style_of(d, f));
}

/* Whether every style of a UTF-8 tier has a glyph for cp (libharu reads
 * the fonts' Unicode table of the first plane only). */
static int tier_has(struct doc *d, int tier, uint32_t cp)
{
	if (cp > 0xFFFF)
		return 0;
	for (int st = 0; st < N_STYLES; st++) {
		HPDF_FontDef def = tier_def(d, tier, st);
		if (!def || !HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp))
			return 0;
	}
	return 1;
}

static void note_missing(struct doc *d, uint32_t cp)
{
	for (size_t i = 0; i < d->n_missing; i++)
		if (d->missing[i] == cp)
			return;
	if (d->n_missing < sizeof(d->missing) / sizeof(*d->missing)) {
		d->missing_in[d->n_missing] = d->cur;
		d->missing[d->n_missing++] = cp;
	}
}

/* The lowest tier that has every character of s (bytes below 0x20 pass as
 * they are). */
static int tier_of(struct doc *d, const char *s)
{
	int tier = TIER_CP1252;
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = (unsigned char)*p < 0x80 ? 1 : utf8_decode(p, &cp);
		if (n == 1 || !n || !utf8_is_text(cp) || in_cp1252(cp)) {
			p += n ? n : 1;
			continue;
		}
		p += n;
		if (tier < TIER_LIBERATION)
			tier = TIER_LIBERATION;
		if (tier == TIER_LIBERATION && !tier_has(d, TIER_LIBERATION, cp))
			tier = TIER_DEJAVU;
		if (tier == TIER_DEJAVU)
			break;
	}
	return tier;
}

/* Marks the parts of glyph gid as used, at every depth, reading the glyf
 * table (OpenType "glyf": a composite has -1 contours, then its parts). */
static void mark_parts(HPDF_FontDef def, unsigned gid, int depth)
{
	HPDF_TTFontDefAttr at = (HPDF_TTFontDefAttr)def->attr;
	if (depth > 8 || gid >= at->num_glyphs || !at->stream ||
	    at->glyph_tbl.offsets[gid] == at->glyph_tbl.offsets[gid + 1])
		return;
	HPDF_UINT32 off = at->glyph_tbl.offsets[gid] * (at->header.index_to_loc_format ? 1 : 2);
	HPDF_BYTE h[10];
	HPDF_UINT n = sizeof(h);
	if (HPDF_Stream_Seek(at->stream, (HPDF_INT)(off + at->glyph_tbl.base_offset), HPDF_SEEK_SET) != HPDF_OK ||
	    HPDF_Stream_Read(at->stream, h, &n) != HPDF_OK || n != sizeof(h) || h[0] != 0xFF || h[1] != 0xFF)
		return;
	for (;;) {
		HPDF_BYTE c[4];
		n = sizeof(c);
		if (HPDF_Stream_Read(at->stream, c, &n) != HPDF_OK || n != sizeof(c))
			return;
		unsigned flags = (unsigned)c[0] << 8 | c[1], part = (unsigned)c[2] << 8 | c[3];
		/* The arguments (words or bytes), then the scale if any. */
		HPDF_INT next = HPDF_Stream_Tell(at->stream) + (flags & 0x1 ? 4 : 2) +
		    (flags & 0x8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
		if (part < at->num_glyphs) {
			at->glyph_tbl.flgs[part] = 1;
			mark_parts(def, part, depth + 1);
		}
		if (!(flags & 0x20) || HPDF_Stream_Seek(at->stream, next, HPDF_SEEK_SET) != HPDF_OK)
			return;
	}
}

/* libharu 2.3 embeds the glyphs a UTF-8 font uses, but only the first level
 * of a composite glyph's parts (Ἀ is Α and a breathing mark in DejaVu Sans,
 * Α is A: the A went missing). */
static void mark_glyph(struct doc *d, uint32_t cp)
{
	for (int st = 0; st < N_STYLES && cp <= 0xFFFF; st++) {
		HPDF_FontDef def = tier_def(d, d->tier, st);
		if (def)
			mark_parts(def, HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp), 0);
	}
}

/* Letters of the scripts written right to left (Unicode blocks Hebrew to
 * Arabic Extended-A, U+0590-U+08FF, and the Hebrew and Arabic presentation
 * forms): libharu sets glyphs left to right one by one, so Arabic would
 * come out unjoined and both in reverse order. They are treated as letters
 * no font has: U+FFFD and a warning, never a silently wrong name. */
static int is_rtl(uint32_t cp)
{
	return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
	    (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* The rule of what a document cannot print, for the build (utf8_text) and
 * carto check (pdf_note_unprintable) alike: a character cp of a string set
 * in tier (tier_of) is a text character (controls and noncharacters are
 * left out, not warned about) that cannot be laid out (is_rtl), or that
 * the fonts of DejaVu Sans lack in every style the document sets text in
 * (tier_has; CP1252 and Liberation Sans are tried first by tier_of). */
static int glyph_missing(struct doc *d, int tier, uint32_t cp)
{
	return utf8_is_text(cp) && (is_rtl(cp) || (tier == TIER_DEJAVU && !tier_has(d, TIER_DEJAVU, cp)));
}

void pdf_note_unprintable(struct doc *d, const char *s)
{
	int tier = s ? tier_of(d, s) : TIER_CP1252;
	for (const char *p = s; tier != TIER_CP1252 && *p;) {
		uint32_t cp;
		size_t n = (unsigned char)*p < 0x80 ? 1 : utf8_decode(p, &cp);
		if (n > 1 && glyph_missing(d, tier, cp))
			note_missing(d, cp);
		p += n ? n : 1;
	}
}

/* s in UTF-8 for a UTF-8 tier: what no font has, or what cannot be laid out
 * (glyph_missing), becomes U+FFFD (noted for the warning), controls and
 * noncharacters are left out. */
static void utf8_text(struct doc *d, struct buf *b, const char *s)
{
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = (unsigned char)*p < 0x20 ? 1 : utf8_decode(p, &cp);
		if (n == 1 && (unsigned char)*p < 0x80)
			buf_putc(b, *p);
		else if (!n)
			buf_puts(b, "\xEF\xBF\xBD");
		else if (glyph_missing(d, d->tier, cp)) {
			note_missing(d, cp);
			buf_puts(b, "\xEF\xBF\xBD");
		} else if (utf8_is_text(cp)) {
			buf_add(b, p, n);
			mark_glyph(d, cp);
		}
		p += n ? n : 1;
	}
}

/* Appends s in CP1252 to b without iconv when every character has a byte
 * there (the table above, the same as iconv's); returns -1 with b as it
 * was at the first that has none (a control or a noncharacter tier_of let
 * through, or a byte that is not UTF-8), which iconv then decides. */
static int cp1252_append(struct buf *b, const char *s)
{
	size_t start = b->len;
	buf_grow(b, strlen(s));	/* never longer than the UTF-8 */
	unsigned char *o = (unsigned char *)b->data + b->len;
	for (const char *p = s; *p;) {
		uint32_t cp;
		if ((unsigned char)*p < 0x80) {
			*o++ = (unsigned char)*p++;
			continue;
		}
		size_t n = utf8_decode(p, &cp);
		unsigned char c = n ? cp1252_byte(cp) : 0;
		if (!c) {
			b->len = start;
			b->data[start] = '\0';
			return -1;
		}
		*o++ = c;
		p += n;
	}
	b->len = (size_t)((char *)o - b->data);
	b->data[b->len] = '\0';
	return 0;
}

/* Appends s in the encoding of tier d->tier to b. */
static void enc_append(struct doc *d, struct buf *b, const char *s)
{
	if (d->tier != TIER_CP1252) {
		utf8_text(d, b, s);
		return;
	}
	if (cp1252_append(b, s) == 0)
		return;
	size_t in = strlen(s);
	buf_grow(b, in * 2 + 8);
	char *ip = (char *)s, *op = b->data + b->len;
	size_t out = b->cap - b->len - 1;
	iconv(d->cd, NULL, NULL, NULL, NULL);
	while (in && iconv(d->cd, &ip, &in, &op, &out) == (size_t)-1) {
		if (!out)
			break;
		/* Not UTF-8 (cannot come from the loaders): skip the byte. */
		ip++, in--;
	}
	b->len = (size_t)(op - b->data);
	b->data[b->len] = '\0';
}

/* Text in the encoding of the tier it needs (d->tier, for twin): CP1252
 * for all of French (é œ « » – € …), which makes documents smaller and
 * about four times faster to make than libharu's UTF-8 fonts, else UTF-8.
 * The result lives until four more conversions. */
static struct buf *enc_next(struct doc *d, const char *s)
{
	struct buf *b = &d->enc[d->next_enc++ % 4];
	buf_reset(b);
	d->tier = s ? tier_of(d, s) : TIER_CP1252;
	if (d->rec && d->tier != TIER_CP1252)
		d->rec_bad = 1;	/* its fonts and glyphs are side effects */
	if (s)
		enc_append(d, b, s);
	return b;
}

const char *pdf_enc_long(struct doc *d, const char *s)
{
	return enc_next(d, s)->data;
}

/* libharu refuses a longer string and then the whole document (every page,
 * every font after it): such text is cut, in CP1252 at any byte, in UTF-8
 * at a character's first byte. */
const char *pdf_enc(struct doc *d, const char *s)
{
	struct buf *b = enc_next(d, s);
	if (b->len > HPDF_LIMIT_MAX_STRING_LEN)
		buf_truncate(b, d->tier == TIER_CP1252 ? HPDF_LIMIT_MAX_STRING_LEN :
		    utf8_cut(b->data, HPDF_LIMIT_MAX_STRING_LEN));
	return b->data;
}

void pdf_enc_pieces(struct doc *d, const char *all, const char *const *piece, size_t n,
    struct buf *out, size_t *off)
{
	d->tier = tier_of(d, all);
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		off[i] = out->len;
		enc_append(d, out, piece[i]);
	}
	off[n] = out->len;
}

/* Sets the font of pg unless it is already set (same bytes as before). */
void pdf_set_font(HPDF_Page pg, HPDF_Font f, float size)
{
	if (HPDF_Page_GetCurrentFont(pg) != f || HPDF_Page_GetCurrentFontSize(pg) != size)
		HPDF_Page_SetFontAndSize(pg, f, size);
}

int pdf_stream_put(HPDF_Stream st, const char *p, size_t n)
{
	HPDF_MemStreamAttr m = st->type == HPDF_STREAM_MEMORY ? st->attr : NULL;
	if (!m)
		return HPDF_Stream_Write(st, (const HPDF_BYTE *)p, (HPDF_UINT)n) == HPDF_OK ? 0 : -1;
	while (n > 0) {
		size_t room = m->w_ptr && m->w_pos <= m->buf_siz ? m->buf_siz - m->w_pos : 0;
		if (room == 0) {	/* libharu adds the next block, with one byte */
			if (HPDF_Stream_Write(st, (const HPDF_BYTE *)p, 1) != HPDF_OK)
				return -1;
			p++;
			n--;
			continue;
		}
		size_t k = n < room ? n : room;
		memcpy(m->w_ptr, p, k);
		m->w_ptr += k;
		m->w_pos += (HPDF_UINT)k;
		st->size += (HPDF_UINT)k;
		p += k;
		n -= k;
	}
	return 0;
}

/* The bytes libharu writes for a text operand: "(", the bytes with those
 * of its HPDF_NEEDS_ESCAPE in octal, ")". Between 0x20 and 0x7E, the
 * escaped ones by bit: # % / ( ) < > below 0x40, [ \ ] below 0x60, { }. */
#define ESC_LOW ((1ull << '#') | (1ull << '%') | (1ull << '/') | (1ull << '(') | (1ull << ')') | \
    (1ull << '<') | (1ull << '>'))
#define ESC_MID ((1u << ('[' - 0x40)) | (1u << ('\\' - 0x40)) | (1u << (']' - 0x40)))
#define ESC_HIGH ((1u << ('{' - 0x60)) | (1u << ('}' - 0x60)))
static char *put_escaped(char *o, const char *t, size_t len)
{
	*o++ = '(';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20 || c > 0x7e || ((c < 0x40 ? ESC_LOW >> c : c < 0x60 ? ESC_MID >> (c - 0x40) :
		    ESC_HIGH >> (c - 0x60)) & 1)) {
			*o++ = '\\';
			*o++ = (char)('0' + (c >> 6));
			*o++ = (char)('0' + ((c >> 3) & 7));
			*o++ = (char)('0' + (c & 7));
		} else
			*o++ = (char)c;
	}
	*o++ = ')';
	return o;
}

#define LINE_MAX_BYTES 1024

/* A font's name on a page that needs no escaping: letters and digits, at
 * most 64 ("F1"). */
static int plain_name(const char *name)
{
	size_t i = 0;
	for (; name[i] && i <= 64; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return i <= 64;
}

size_t pdf_text_show(HPDF_Font f, const char *t, size_t len, char *out)
{
	/* ShowText writes nothing for text of no width: a Type 1 font's text
	 * is as wide as the sum of its bytes' widths (libharu's table). */
	const HPDF_INT16 *w = ((HPDF_FontAttr)f->attr)->widths;
	size_t k = 0;
	while (w && k < len && w[(unsigned char)t[k]] == 0)
		k++;
	if (!w ? HPDF_Font_TextWidth(f, (const HPDF_BYTE *)t, (HPDF_UINT)len).width == 0 : k == len)
		return 0;
	char *o = put_escaped(out, t, len);
	memcpy(o, " Tj\012", 4);
	return (size_t)(o + 4 - out);
}

int pdf_text_line(HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *t, int always)
{
	return pdf_text_line_pre(pg, f, size, x, y, t, always, NULL);
}

int pdf_text_line_pre(HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *t, int always,
    const struct pdf_line_pre *pre)
{
	if (!pg || !f)	/* a font or page that could not be made (d->error says so) */
		return -1;
	HPDF_PageAttr a = (HPDF_PageAttr)pg->attr;
	size_t len = t ? strlen(t) : pre->len;
	int set = always || a->gstate->font != f || a->gstate->font_size != size;
	const char *name = set ? HPDF_Page_GetLocalFontName(pg, f) : "";
	if (((HPDF_FontAttr)f->attr)->type != HPDF_FONT_TYPE1 || a->gmode != HPDF_GMODE_PAGE_DESCRIPTION ||
	    len > LINE_MAX_BYTES || !name || !plain_name(name) || size <= 0 ||
	    size > HPDF_MAX_FONTSIZE || f->mmgr != pg->mmgr || (pre && (pre->xn > 32 ||
	    pre->sn > 4 * LINE_MAX_BYTES + 6))) {
		if (!t)	/* the caller gives the text */
			return 1;
		/* Anything else as libharu does it, with its checks. */
		HPDF_Page_BeginText(pg);
		if (set)
			HPDF_Page_SetFontAndSize(pg, f, size);
		HPDF_Page_TextOut(pg, x, y, t);
		HPDF_Page_EndText(pg);
		return 0;
	}
	char buf[4 * LINE_MAX_BYTES + 160], *o = buf, *end = buf + sizeof(buf);
	if (!pre || !pre->dry) {
		memcpy(o, "BT\012", 3);
		o += 3;
	}
	if (set) {
		if (!pre || !pre->dry) {
			*o++ = '/';
			memcpy(o, name, strlen(name));
			o += strlen(name);
			*o++ = ' ';
			o = HPDF_FToA(o, size, end);
			memcpy(o, " Tf\012", 4);
			o += 4;
		}
		a->gstate->font = f;
		a->gstate->font_size = size;
		a->gstate->writing_mode = ((HPDF_FontAttr)f->attr)->writing_mode;
	}
	a->text_matrix = (HPDF_TransMatrix){ 1, 0, 0, 1, x, y };
	a->text_pos = (HPDF_Point){ 0, 0 };
	a->gmode = HPDF_GMODE_PAGE_DESCRIPTION;
	if (pre && pre->dry)
		return 0;
	/* After BT the text matrix is the identity: TextOut's move is (x, y). */
	if (pre) {
		memcpy(o, pre->x, pre->xn);
		o += pre->xn;
	} else
		o = HPDF_FToA(o, x, end);
	*o++ = ' ';
	o = HPDF_FToA(o, y, end);
	memcpy(o, " Td\012", 4);
	o += 4;
	if (pre) {
		memcpy(o, pre->show, pre->sn);
		o += pre->sn;
	} else
		o += pdf_text_show(f, t, len, o);
	memcpy(o, "ET\012", 3);
	o += 3;
	return pdf_stream_put(a->stream, buf, (size_t)(o - buf)) < 0 ? -1 : 0;
}

/* Sets s at (x, y) in the text object open on pg, in font f or its twin;
 * show_next sets the font only if it changes. */
static void show_font(struct doc *d, HPDF_Page pg, HPDF_Font f, float size, float x, float y,
    const char *s, int always)
{
	const char *t = pdf_enc(d, s);
	if (always)
		HPDF_Page_SetFontAndSize(pg, pdf_twin(d, f), size);
	else
		pdf_set_font(pg, pdf_twin(d, f), size);
	HPDF_Page_TextOut(pg, x, y, t);
}

void pdf_show(struct doc *d, HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *s)
{
	show_font(d, pg, f, size, x, y, s, 1);
}

void pdf_show_next(struct doc *d, HPDF_Page pg, HPDF_Font f, float size, float x, float y,
    const char *s)
{
	show_font(d, pg, f, size, x, y, s, 0);
}

/* A character's place in a content file (file NULL: not found yet). */
struct place {
	const char *file;
	uint32_t line, col;
};

/* Reads the file at path once and places there each of d's missing
 * characters not placed yet (want: only character i, or -1 for all) at
 * its first occurrence (1-based line and column, in characters). Returns
 * the number still not placed. */
static size_t place_in(struct doc *d, const char *path, struct place *at, long want)
{
	struct buf f = BUF_INIT;
	size_t left = 0;
	int read = path && fs_read(path, 64u << 20, &f) == 0;
	for (size_t i = 0; i < d->n_missing; i++) {
		char c[5] = { 0 };
		utf8_encode(c, d->missing[i]);
		const char *hit = read && !at[i].file && (want < 0 || (size_t)want == i) ? strstr(f.data, c) : NULL;
		if (hit) {
			at[i] = (struct place){ path, 1, 1 };
			for (const char *p = f.data; p < hit; p++) {
				if (*p == '\n') {
					at[i].line++;
					at[i].col = 1;
				} else if (((unsigned char)*p & 0xC0) != 0x80)
					at[i].col++;
			}
		}
		left += !at[i].file;
	}
	buf_release(&f);
	return left;
}

/* The k-th content file of s where a document's text may come from, in a
 * fixed order (organisations, référentiels, cartographies, pages, the
 * vocabularies, site.yaml); NULL past the last. */
static const char *site_file(const struct site *s, size_t k)
{
	if (k < s->n_organismes)
		return s->organismes[k]->file;
	k -= s->n_organismes;
	if (k < s->n_referentiels)
		return s->referentiels[k]->file;
	k -= s->n_referentiels;
	if (k < s->n_cartographies)
		return s->cartographies[k]->file;
	k -= s->n_cartographies;
	if (k < s->n_pages)
		return s->pages[k]->file;
	k -= s->n_pages;
	return k == 0 ? s->vocab.file : k == 1 ? s->site_file : NULL;
}

/* Places each missing character (pdf_warn_missing's order of files). */
static void place_missing(struct doc *d, struct place *at)
{
	size_t left = d->n_missing;
	for (size_t i = 0; i < d->n_missing; i++)
		at[i] = (struct place){ NULL, 0, 0 };
	for (size_t i = 0; i < d->n_missing; i++)
		if (d->missing_in[i])
			left = place_in(d, d->missing_in[i], at, (long)i);
	if (left && d->src)
		left = place_in(d, d->src, at, -1);
	const char *prev = NULL, *f;
	for (size_t k = 0; left && d->site && (f = site_file(d->site, k)) != NULL; k++) {
		/* An organisations' file holding several comes once per organisation. */
		if (f != d->src && (!prev || strcmp(f, prev) != 0))
			left = place_in(d, f, at, -1);
		prev = f;
	}
}

/* Characters no font has are printed as U+FFFD: the editor is told which,
 * and where (the HTML page shows them). */
void pdf_warn_missing(struct doc *d, const char *path, struct buf *b)
{
	if (!d->n_missing || !d->diags)
		return;
	struct place at[sizeof(d->missing) / sizeof(*d->missing)];
	place_missing(d, at);
	const struct place first = at[0].file ? at[0] : (struct place){ d->src ? d->src : path, 0, 0 };
	buf_reset(b);
	for (size_t i = 0; i < d->n_missing; i++) {
		char c[5] = { 0 };
		utf8_encode(c, d->missing[i]);
		buf_printf(b, "%s%s (U+%04X", i ? ", " : "", c, (unsigned)d->missing[i]);
		if (at[i].file && strcmp(at[i].file, first.file) != 0)
			buf_printf(b, ", from %s:%u:%u", at[i].file, (unsigned)at[i].line, (unsigned)at[i].col);
		buf_putc(b, ')');
	}
	diag_add(d->diags, first.file, first.line, first.col, DIAG_WARNING,
	    "%s: the PDF documents cannot print %s (no font has %s, or %s written right to left): "
	    "printed there as \xEF\xBF\xBD (the web page shows %s)",
	    path, b->data, d->n_missing > 1 ? "them" : "it", d->n_missing > 1 ? "they are" : "it is",
	    d->n_missing > 1 ? "them" : "it");
}

/* A property in the encoder of its tier (libharu writes it as UTF-16). */
void pdf_info_attr(struct doc *d, HPDF_InfoType type, const char *s)
{
	const char *t = pdf_enc(d, s);
	if (d->tier != TIER_CP1252) {
		use_utf8(d);
		HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
	}
	HPDF_SetInfoAttr(d->pdf, type, t);
	HPDF_SetCurrentEncoder(d->pdf, "CP1252");
}

