/*
 * Unit tests of the PDF documents' text encoding (render/pdf/pdf_text.c):
 * every character CP1252 has is set in CP1252, with the byte iconv gives
 * it, whether pdf_enc converts it itself or through iconv; and a pen
 * writes the bytes of libharu's path calls, pdf_text_line those of its text calls;
 * a text set a few lines at a time (pdf_flow) draws what it draws at once.
 */
#include <hpdf_pages.h>
#include <iconv.h>
#include <stdint.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/diag.h"
#include "../../generator/base/utf8.h"
#include "../../generator/render/pdf/pdf_int.h"
#include "../../generator/text/markdown.h"
#include "harness.h"
#include "tests.h"

/* s converted by iconv as pdf_text.c did before it converted by itself
 * (CP1252 with transliteration, a byte it cannot convert skipped). */
static void by_iconv(iconv_t cd, const char *s, struct buf *b)
{
	char out[64];
	char *ip = (char *)s, *op = out;
	size_t in = strlen(s), left = sizeof(out) - 1;
	iconv(cd, NULL, NULL, NULL, NULL);
	while (in && iconv(cd, &ip, &in, &op, &left) == (size_t)-1 && left)
		ip++, in--;
	buf_reset(b);
	buf_add(b, out, (size_t)(op - out));
}

void test_pdf_cp1252(void)
{
	struct doc d;
	struct diags dg = DIAGS_INIT;
	struct buf want = BUF_INIT;
	iconv_t strict = iconv_open("CP1252", "UTF-8"), translit = iconv_open("CP1252//TRANSLIT", "UTF-8");
	EXPECT(strict != (iconv_t)-1 && translit != (iconv_t)-1 && pdf_open_doc(&d, &dg) == 0);
	size_t in_cp1252 = 0, wrong = 0, not_cp1252 = 0;
	for (uint32_t cp = 1; cp < 0x10000 && !harness_failed; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char s[16] = "\xC3\xA9";	/* é, then cp, then x */
		size_t n = 2 + utf8_encode(s + 2, cp);
		s[n] = 'x';
		/* Whether CP1252 has cp, by iconv itself. */
		char one[8], *ip = s + 2, *op = one;
		size_t in = n - 2, left = sizeof(one);
		iconv(strict, NULL, NULL, NULL, NULL);
		int has = iconv(strict, &ip, &in, &op, &left) != (size_t)-1 && op - one == 1;
		const char *got = pdf_enc(&d, s);
		if (has) {
			in_cp1252++;
			not_cp1252 += d.tier != TIER_CP1252;
		}
		if (d.tier == TIER_CP1252) {
			by_iconv(translit, s, &want);
			wrong += strcmp(got, want.data) != 0;
		}
	}
	EXPECT(in_cp1252 == 0x7F + 96 + 27);	/* ASCII, Latin-1, 27 at 0x80-0x9F */
	EXPECT(not_cp1252 == 0 && wrong == 0);
	/* Bytes that are not UTF-8 go through iconv as before: skipped. */
	EXPECT_STR(pdf_enc(&d, "a\xFF" "b\xC3\xA9"), "ab\xE9");
	EXPECT_STR(pdf_enc(&d, "\xE2\x82\xAC \xC5\x93\xE2\x80\x99"), "\x80 \x9C\x92");	/* € œ’ */
	pdf_close_doc(&d);
	iconv_close(strict);
	iconv_close(translit);
	buf_release(&want);
	diags_free(&dg);
}

/* The bytes of page's content stream, in b. */
static void page_bytes(HPDF_Page page, struct buf *b)
{
	HPDF_Stream st = ((HPDF_PageAttr)page->attr)->stream;
	char chunk[4096];
	buf_reset(b);
	HPDF_Stream_Seek(st, 0, HPDF_SEEK_SET);
	for (;;) {
		HPDF_UINT n = sizeof(chunk);
		HPDF_STATUS e = HPDF_Stream_Read(st, (HPDF_BYTE *)chunk, &n);
		buf_add(b, chunk, n);
		if (e != HPDF_OK || n < sizeof(chunk))
			break;
	}
}

/* Expects pages a and b of d to hold the same bytes, more than min of
 * them, with no error on d; then closes d and frees dg. */
static void expect_same_pages(struct doc *d, HPDF_Page a, HPDF_Page b, size_t min, struct diags *dg)
{
	struct buf want = BUF_INIT, got = BUF_INIT;
	page_bytes(a, &want);
	page_bytes(b, &got);
	EXPECT(want.len > min && want.len == got.len && memcmp(want.data, got.data, want.len) == 0);
	EXPECT(d->error == 0);
	pdf_close_doc(d);
	buf_release(&want);
	buf_release(&got);
	diags_free(dg);
}

/* A pen writes the bytes libharu's path calls write, and leaves the page
 * in the state they leave it in. */
void test_pdf_pen(void)
{
	struct doc d;
	struct diags dg = DIAGS_INIT;
	static const float pts[][2] = { { 10, 20 }, { 10.5f, 20.25f }, { 123.456f, 0.001f }, { -3.75f, 842 },
		{ 0.2f, 1e-4f }, { 595.28f, 841.89f } };
	EXPECT(pdf_open_doc(&d, &dg) == 0);
	HPDF_Page a = HPDF_AddPage(d.pdf), b = HPDF_AddPage(d.pdf);
	HPDF_Page_MoveTo(a, pts[0][0], pts[0][1]);
	for (size_t i = 1; i < sizeof(pts) / sizeof(*pts); i++)
		HPDF_Page_LineTo(a, pts[i][0], pts[i][1]);
	HPDF_Page_Rectangle(a, 1.25f, 2.5f, 0.666667f, 0.666667f);
	HPDF_Page_Fill(a);
	d.page = b;
	struct pdf_pen pen;
	pdf_pen_start(&d, &pen);
	for (size_t i = 0; i < sizeof(pts) / sizeof(*pts); i++)
		pdf_pen_op(&pen, pts[i], 2, i ? " l\n" : " m\n");
	float r[4] = { 1.25f, 2.5f, 0.666667f, 0.666667f };
	pdf_pen_op(&pen, r, 4, " re\n");
	EXPECT(pdf_pen_end(&pen, 1.25f, 2.5f, 1.25f, 2.5f) == 0);
	EXPECT(HPDF_Page_GetGMode(b) == HPDF_GMODE_PATH_OBJECT);
	HPDF_Page_Fill(b);	/* refused unless the page is in a path */
	expect_same_pages(&d, a, b, 60, &dg);
}

/* A line of text set by pdf_text_line: the bytes of libharu's BeginText,
 * SetFontAndSize (when the font or size changes, or always), TextOut and
 * EndText, every byte value escaped as libharu does (a line each), a
 * line long enough to fill the stream's blocks, and a text of no width;
 * the state left lets libharu's own calls go on alike. */
void test_pdf_text_line(void)
{
	struct doc d;
	struct diags dg = DIAGS_INIT;
	char text[900];
	EXPECT(pdf_open_doc(&d, &dg) == 0);
	HPDF_Page a = HPDF_AddPage(d.pdf), b = HPDF_AddPage(d.pdf);
	for (int c = 1; c < 256; c++) {
		float size = c % 3 ? 9 : 10.5f, x = 50 + (float)c / 7, y = 800 - (float)c * 3.1f;
		HPDF_Font f = c % 5 ? d.regular : d.bold;
		for (int alone = 0; alone < 2; alone++) {	/* a byte of no width alone */
			snprintf(text, sizeof(text), alone ? "%c" : "a%cb(%c)", c, c);
			HPDF_Page_BeginText(a);
			if (c % 4 == 0 || HPDF_Page_GetCurrentFont(a) != f || HPDF_Page_GetCurrentFontSize(a) != size)
				HPDF_Page_SetFontAndSize(a, f, size);
			HPDF_Page_TextOut(a, x, y, text);
			HPDF_Page_EndText(a);
			EXPECT(pdf_text_line(b, f, size, x, y, text, c % 4 == 0) == 0);
		}
	}
	memset(text, 'w', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < 12; i++) {
		const char *t = i == 5 ? "" : text + i * 50;
		HPDF_Page_BeginText(a);
		HPDF_Page_TextOut(a, 10, 20 + (float)i, t);
		HPDF_Page_EndText(a);
		EXPECT(pdf_text_line(b, d.bold, 10.5f, 10, 20 + (float)i, t, 0) == 0);
	}
	HPDF_Page_SetRGBFill(a, 0.5f, 0, 0);
	HPDF_Page_SetRGBFill(b, 0.5f, 0, 0);
	EXPECT(HPDF_Page_GetGMode(b) == HPDF_GMODE_PAGE_DESCRIPTION && HPDF_Page_GetCurrentFont(b) == d.bold);
	/* No font or no page (one that could not be made): refused, not a
	 * crash; the page is left as it was. */
	EXPECT(pdf_text_line(b, NULL, 10, 10, 20, "x", 1) < 0 && pdf_text_line(NULL, d.bold, 10, 10, 20, "x", 1) < 0);
	expect_same_pages(&d, a, b, 10000, &dg);
}

/* The script of a booklet's entry, with a line long enough to wrap, a
 * label wider than its column, a field of several lines, and a label in
 * the font of the line before it. */
static void entry_script(struct buf *sc, int i)
{
	char t[1600];
	buf_reset(sc);
	pdf_script_need(sc, 13.5f * 3);
	snprintf(t, sizeof(t), "%d. Français langue étrangère (niveau A%d) – Régie de quartier « Œuvre » (n° %d)", i, i % 3,
	    i * 7);
	pdf_script_para(sc, 1, 10, t);
	if (i % 3 == 0)	/* a label in the font and size just set: set again */
		pdf_script_field(sc, "Public", "Adultes");
	memset(t, 0, sizeof(t));
	for (int k = 0; k < 20 + i % 40; k++)
		strcat(t, k % 3 ? "atelier (du) soir \\ " : "lundi 9h–12h ; ");
	pdf_script_para(sc, 0, 9, t);
	pdf_script_field(sc, i % 2 ? "Saint-Rémy-lès-Chevreuse et environs" : "Et après ?", t);
	pdf_script_field(sc, "", "2. Suite courte.");
	pdf_script_down(sc, 3);
}

/* An entry's ops, recorded where it happened to be laid out, replayed at
 * any place give the bytes of laying it out there: entries recorded at the
 * top of a page are replayed from every height on a page (page breaks
 * inside them), and compared with the same entries laid out. Text outside
 * CP1252 is not recorded; ops cut short or out of range are refused with
 * nothing done. */
void test_pdf_entries(void)
{
	struct doc a, b, c;
	struct diags dg = DIAGS_INIT;
	struct buf sc = BUF_INIT, ops = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
	EXPECT(pdf_open_doc(&a, &dg) == 0 && pdf_open_doc(&b, &dg) == 0 && pdf_open_doc(&c, &dg) == 0);
	pdf_new_page(&a);
	pdf_new_page(&b);
	int replayed = 0;
	for (int i = 0; i < 60; i++) {
		entry_script(&sc, i);
		pdf_new_page(&c);
		if (pdf_entry_record(&c, &sc, &ops) < 0)
			continue;
		float y = BOTTOM + (float)(i * 37 % 700);
		a.y = b.y = y;
		pdf_entry(&a, NULL, &sc);
		replayed += pdf_entry_replay(&b, ops.data, ops.len) == 0;
		EXPECT(a.y == b.y && a.npages == b.npages);
	}
	EXPECT(replayed == 60 && a.npages > 10 && a.npages == b.npages);
	size_t total = 0;
	for (int i = 0; i < a.npages && i < b.npages; i++) {
		page_bytes(a.pages[i], &want);
		page_bytes(b.pages[i], &got);
		EXPECT(want.len == got.len && memcmp(want.data, got.data, want.len) == 0);
		total += want.len;
	}
	EXPECT(total > 40000);
	/* Not CP1252 (Polish): laid out, not recorded. */
	buf_reset(&sc);
	pdf_script_para(&sc, 0, 9, "Łódź");
	EXPECT(pdf_entry_record(&c, &sc, &ops) == -1);
	/* Ops cut short, or of another style: refused, the page untouched. */
	entry_script(&sc, 3);
	EXPECT(pdf_entry_record(&c, &sc, &ops) == 0 && ops.len > 40);
	int pages = b.npages;
	float y = b.y;
	page_bytes(b.page, &want);
	EXPECT(pdf_entry_replay(&b, ops.data, ops.len - 1) == -1);
	ops.data[5] = 'Q';
	EXPECT(pdf_entry_replay(&b, ops.data, ops.len) == -1);
	page_bytes(b.page, &got);
	EXPECT(b.npages == pages && b.y == y && want.len == got.len);
	EXPECT(a.error == 0 && b.error == 0 && c.error == 0);
	pdf_close_doc(&a);
	pdf_close_doc(&b);
	pdf_close_doc(&c);
	buf_release(&sc);
	buf_release(&ops);
	buf_release(&want);
	buf_release(&got);
	diags_free(&dg);
}

/* A text set by pdf_flow_set a few lines at a time, each call from where
 * the one before ended, draws what pdf_spans draws in one call, byte for
 * byte (sizes whose heights are exact): words across calls, a word longer
 * than several lines cut between calls, styles kept; each call sets at
 * most its lines, and pdf_flow_done says when all is set. */
void test_pdf_flow(void)
{
	struct doc d;
	struct diags dg = DIAGS_INIT;
	char word[301];
	memset(word, 'm', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	const struct md_span sp[] = { { "Un texte assez long pour ", 25, 0, 0, NULL },
		{ "plusieurs lignes", 16, 1, 0, NULL }, { " puis un mot immense ", 21, 0, 1, NULL },
		{ word, sizeof(word) - 1, 0, 0, NULL }, { " et la fin du texte, en gras.", 29, 1, 0, NULL } };
	EXPECT(pdf_open_doc(&d, &dg) == 0);
	HPDF_Page a = HPDF_AddPage(d.pdf), b = HPDF_AddPage(d.pdf);
	d.scaled = 1;
	d.page = a;
	float all = pdf_spans(&d, sp, 5, 50, 800, 200, 10, 0, 1);
	d.page = b;
	struct pdf_flow *fl = pdf_flow_new(&d, sp, 5, 0);
	float y = 800;
	int calls = 0;
	while (!pdf_flow_done(fl) && calls < 100) {
		float h = pdf_flow_set(&d, fl, 50, y, 200, 10, 3, 1);
		EXPECT(h <= 3 * 13);
		y -= h;
		calls++;
	}
	pdf_flow_free(fl);
	EXPECT(calls > 3 && 800 - y == all);
	expect_same_pages(&d, a, b, 200, &dg);
}
