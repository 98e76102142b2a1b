/*
 * Shared by the PDF module's own files (generator/render/pdf/) only: the
 * document being laid out (struct doc, A4 in points, origin bottom left as
 * in PDF, the cursor y going down), the layout layer of pdf_layout.c, the
 * map drawing of pdf_map.c, and the four kinds of document that pdf.c's job
 * list makes. A document is opened with pdf_open_doc, filled, numbered with
 * pdf_footers, written with pdf_save and always closed with pdf_close_doc.
 * libharu errors are kept in doc.error and reported by pdf_save into the
 * diagnostics given to pdf_open_doc (never printed); the documents'
 * functions return 0 or -1. Strings passed to the layout layer are UTF-8;
 * pdf_enc converts them to the encoding of the font that sets them
 * (pdf_text.c; its result lives until four more conversions). Only the files of this folder include
 * hpdf.h.
 */
#ifndef CARTO_PDF_INT_H
#define CARTO_PDF_INT_H

#include <hpdf.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "../../base/buf.h"
#include "../../base/civil.h"
#include "../../base/digest.h"
#include "../../data/derive.h"
#include "../../data/index.h"
#include "../../data/model.h"

struct cache;
struct cache_pieces;
struct diags;
struct md_span;
struct publish;

#define FONT_DIR "/usr/share/fonts/truetype/liberation/"
#define PAGE_W 595.28f
#define PAGE_H 841.89f
#define MARGIN 50.0f
#define BOTTOM 70.0f		/* room for the footer */
#define MAX_PAGES 20000	/* a booklet of a whole large directory is long */

/* Text is set in Helvetica, one of the standard fonts every PDF reader has
 * (not embedded), in WinAnsiEncoding (CP1252) when the string fits it (all of
 * French: documents about five times smaller, no font file read and
 * compressed for each one), else in Liberation Sans in UTF-8, embedded (the
 * same widths as Helvetica: Polish, Turkish, Romanian, Greek, Cyrillic),
 * else in DejaVu Sans in UTF-8, embedded (Vietnamese, combining marks, many
 * more scripts). A string is set in one tier; bold and italic have their
 * twin in each. */
enum { TIER_CP1252, TIER_LIBERATION, TIER_DEJAVU, N_TIERS };

/* The long documents' pages put back from the previous build
 * (pdf_pages.c): the build's cache (NULL: none), and how many pages were
 * put back and compressed, counted across the workers (CARTO_TIMING). */
struct pdf_reuse {
	struct cache *cache;
	struct digest fonts;	/* pdf_fonts_digest, for the entries' keys */
	_Atomic size_t put_back, compressed;
	_Atomic size_t replayed, laid_out;	/* entries (pdf_entries.c) */
	_Atomic size_t undrawn;	/* pages put back without being drawn (pdf_lazy.c) */
	_Atomic size_t kept;	/* drawings put back (pdf_keep.c) */
	_Atomic size_t spliced, redrawn;	/* booklets spliced, their pages drawn (pdf_splice.c) */
};
enum { STYLE_REGULAR, STYLE_BOLD, STYLE_ITALIC, N_STYLES };

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
	int tier;		/* the font tier of the string pdf_enc converted last */
	HPDF_Font uni[N_TIERS][N_STYLES];	/* UTF-8 fonts, loaded on first need */
	const char *uni_name[N_TIERS][N_STYLES];	/* their names in libharu */
	int utf8;		/* the UTF-8 encoder is registered */
	uint32_t missing[8];	/* characters no font has, for the warning */
	const char *missing_in[8];	/* each one's d->cur when it was met */
	size_t n_missing;
	struct diags *diags;	/* the worker's: warnings, and what went wrong */
	const char *src;	/* the content file behind the document */
	const char *cur;	/* the content file of the text being set when
				 * it is another (a booklet's entry), or NULL */
	const struct site *site;	/* its files are where pdf_warn_missing
					 * looks for a character src lacks */
	const char *url;	/* the page online, under the footer */
	const char *base;	/* the site online, for links from the root */
	int scaled;		/* drawing at a scale: no link annotations */
	struct pdf_reuse *reuse;	/* pages put back by pdf_save, or NULL */
	struct buf *rec;	/* the ops of the entry laid out, or NULL */
	int rec_bad;		/* they cannot be replayed (pdf_entries.c) */
	struct pdf_lazy *lazy;	/* pages drawn only when needed, or NULL (pdf_lazy.c) */
	struct pdf_trace *trace;	/* the sections' places, or NULL (pdf_splice.c) */
	int files;		/* libharu opened a file (a font): HPDF_Free closes it */
};

/* A map's window: the lon/lat bounds drawn and where they go on the page
 * (pdf_fit_box keeps the aspect of the territory). */
struct box {
	double minx, miny, maxx, maxy;	/* lon/lat bounds drawn */
	float x, y, w, h;		/* where on the page */
	double c, s;			/* cos(latitude), points per degree */
};

/* A territory's outlines for one map scale: the rings projected into a box,
 * in points from its lower left corner (struct box x, y), simplified once
 * (pdf_outline_build) and drawn at any place (pdf_outline_draw). The fiches
 * share one per département, built before the workers start (pdf.c). */
struct outline {
	float *xy;		/* the rings' points, x y pairs (owned) */
	size_t n_pts;
	size_t *ring_end;	/* per ring, the end of its points (owned) */
	size_t n_rings;
	size_t *shape_end;	/* per shape, the end of its rings (owned) */
	size_t n_shapes;
	size_t n_communes;	/* the first shapes are communes, then contours */
};

/* One row of a cartography, an offre at a lieu (pdf_carto_rows). */
struct brow {
	const struct offre *o;
	const struct lieu *l;
	int num;		/* its marker's number */
};

/* pdf_layout.c: the document, its pages and the text engine. */
void pdf_close_doc(struct doc *d);
void pdf_field(struct doc *d, const char *label, const char *value);
void pdf_footers(struct doc *d);
void pdf_heading(struct doc *d, float size, const char *text);
void pdf_info(struct doc *d, const char *title, const char *author, const char *subject, int date);
void pdf_join(struct buf *b, const struct svals *v, const struct vocab_list *l);
void pdf_link(struct doc *d, float x, float y, const char *text, float size, const char *url);
/* Makes rect of d's page a link to url, with no border; a link libharu
 * cannot make fails the document (d->error). */
void pdf_uri_link(struct doc *d, HPDF_Rect rect, const char *url);
void pdf_need(struct doc *d, float h);
/* The cursor goes down a points. */
void pdf_down(struct doc *d, float a);
void pdf_new_page(struct doc *d);
/* Starts a document; problems go to diags. Returns 0 or -1; pdf_close_doc
 * releases d either way. */
int pdf_open_doc(struct doc *d, struct diags *diags);
/* Loads a font file into the document; NULL, reported, when it cannot. */
const char *pdf_load_font(struct doc *d, const char *file);
/* The digest of every font file a document may embed (paths and bytes; a
 * missing file counts as such), for the build cache's keys. */
struct digest pdf_fonts_digest(void);
void pdf_para(struct doc *d, HPDF_Font f, float size, const char *text);
/* Lays out text (pdf_rich: one plain run; pdf_spans: runs of markdown.h's
 * md_deck, whose bold toggles the bold given) word by word in width from
 * (x, y), the top of the first line; draws it when draw, links in blue,
 * underlined and clickable (unless the page is scaled, as in the handouts).
 * Returns the height used. */
float pdf_rich(struct doc *d, const char *text, float x, float y, float width, float size,
    int bold, int draw);
float pdf_spans(struct doc *d, const struct md_span *sp, size_t n, float x, float y, float width,
    float size, int bold, int draw);
/* The same text set a number of lines at a time: a block of a slide too
 * long for it goes on on the next one. pdf_flow_new encodes the runs once
 * (owned by the caller, freed with pdf_flow_free); each pdf_flow_set lays
 * out (draws when draw) at most max lines from where the last one stopped,
 * from (x, y), the top of its first line, and returns their height;
 * pdf_flow_done is 1 once all the text is set. Each line is laid out once
 * whatever the calls, so the time is that of the text. */
struct pdf_flow;
struct pdf_flow *pdf_flow_new(struct doc *d, const struct md_span *sp, size_t n, int bold);
float pdf_flow_set(struct doc *d, struct pdf_flow *fl, float x, float y, float width, float size,
    size_t max, int draw);
int pdf_flow_done(const struct pdf_flow *fl);
void pdf_flow_free(struct pdf_flow *fl);
/* Writes the document to path through the publisher, its pages' contents
 * put back from the previous build when d->reuse has a cache. */
int pdf_save(struct doc *d, struct publish *p, const char *path, struct buf *b);
int pdf_wrap(struct doc *d, HPDF_Font f, float size, float x, float width,
    const char *text, int draw);

/* pdf_text.c: fonts and encodings. pdf_enc gives s in the encoding of the
 * font tier it needs (d->tier); pdf_twin gives the font of that tier for a
 * tier-0 font (d->regular, d->bold, d->italic); pdf_show sets a string at a
 * point in a text object, in its twin (pdf_show_next sets the font only if
 * it changes); pdf_warn_missing reports what no font had, at pdf_save. */
const char *pdf_enc(struct doc *d, const char *s);
/* pdf_enc cuts what it gives at libharu's limit on a string
 * (HPDF_LIMIT_MAX_STRING_LEN bytes), at a character's boundary: a line or
 * a property longer than that is shown cut. pdf_enc_long does not, for
 * text that is laid out in lines (pdf_wrap). */
const char *pdf_enc_long(struct doc *d, const char *s);
/* Text set in pieces (the runs of pdf_spans) in one tier, the one all of
 * their text needs (all: the pieces joined): out gets their encodings one
 * after the other, piece i at off[i] up to off[i + 1]. */
void pdf_enc_pieces(struct doc *d, const char *all, const char *const *piece, size_t n,
    struct buf *out, size_t *off);
void pdf_info_attr(struct doc *d, HPDF_InfoType type, const char *s);
void pdf_set_font(HPDF_Page pg, HPDF_Font f, float size);
/* A pen writes path operators to d's page as libharu's HPDF_Page_MoveTo,
 * _LineTo and _Rectangle would (the same bytes: numbers by its HPDF_FToA),
 * without their cost: each of those calls clears a 512-byte buffer one
 * byte at a time, which was a third of a fiche's time in its map outline
 * and QR code (perf). pdf_pen_op appends the n numbers of v and op (" l\n",
 * " re\n"…); pdf_pen_end writes what is left and leaves the page in a path
 * that starts at (sx, sy) and is at (cx, cy), as those calls would.
 * Returns 0, or -1 when the stream refused a write. */
struct pdf_pen {
	struct _HPDF_PageAttr_Rec *attr;
	char buf[4096], *o;
	int failed;
};
void pdf_pen_start(struct doc *d, struct pdf_pen *pen);
void pdf_pen_op(struct pdf_pen *pen, const float *v, int n, const char *op);
int pdf_pen_end(struct pdf_pen *pen, float sx, float sy, float cx, float cy);
/* Appends n bytes to a stream as HPDF_Stream_Write does, to a memory
 * stream with memcpy (libharu copies byte by byte), its blocks filled and
 * added as libharu does. Returns 0, or -1 when the stream refused the
 * write. */
int pdf_stream_put(HPDF_Stream st, const char *p, size_t n);
/* One line of text t (encoded for f) at (x, y) in a text object of its
 * own, on pg: the bytes of libharu's HPDF_Page_BeginText, _SetFontAndSize
 * (when always, or when the font or size changes), _TextOut and _EndText,
 * and the state they leave, without their cost: each of those calls
 * clears a 512-byte buffer one byte at a time, a third of a booklet's
 * drawing (perf). Returns 0, or -1 when the stream refused the write or
 * there is no page or font (one that could not be made). */
int pdf_text_line(HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *t, int always);
/* The same with parts of its bytes made before (pdf_entries.c keeps them):
 * x as HPDF_FToA writes it (xn bytes, at most 32), and t's operand as
 * pdf_text_show makes it for f (sn bytes), for a text of len bytes. t may
 * then be NULL: when the line cannot be written so (libharu's own path
 * needs the text), nothing is done and 1 returned. With dry, nothing is
 * written: the page's fonts and state are left as writing would
 * (pdf_lazy.c). */
struct pdf_line_pre {
	const char *x, *show;
	size_t xn, sn, len;
	int dry;
};
int pdf_text_line_pre(HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *t, int always,
    const struct pdf_line_pre *pre);
/* The operand pdf_text_line writes for the len bytes of t in f, "(…) Tj"
 * and a line feed, escaped as libharu does, or nothing for a text of no
 * width, into out (room for 4 * len + 8); returns its length. */
size_t pdf_text_show(HPDF_Font f, const char *t, size_t len, char *out);
void pdf_show(struct doc *d, HPDF_Page pg, HPDF_Font f, float size, float x, float y, const char *s);
void pdf_show_next(struct doc *d, HPDF_Page pg, HPDF_Font f, float size, float x, float y,
    const char *s);
HPDF_Font pdf_tier_font(struct doc *d, int tier, int style);
HPDF_Font pdf_twin(struct doc *d, HPDF_Font f);
/* One warning for the document at path (b is scratch) when it printed
 * characters no font has: placed where the first of them stands in the
 * content file its text came from (the file that was d->cur when it was
 * met, else d->src, else the first of d->site's content files that has
 * it: a fiche shows the names of the organisations its offers lead to),
 * each other character that stands in another file named with its own
 * place. Nothing when there were none or d->diags is NULL. */
void pdf_warn_missing(struct doc *d, const char *path, struct buf *b);
/* Notes in d (as pdf_enc does, for pdf_warn_missing) each character of s
 * that d's fonts cannot print when s is set as one string, without
 * converting it: the rule the documents' text follows, for carto check
 * (pdf_check.c), which sets no text. s NULL: nothing. */
void pdf_note_unprintable(struct doc *d, const char *s);

/* pdf_pages.c, for pdf_save: before libharu writes the document, puts
 * back the pages' contents that cp has (into pp: their keys, one a page,
 * for pdf_pages_record, NULL without cp; the bytes put back, which
 * libharu's write of each such page's dictionary writes after it); once
 * written (file), records its pages as cp's pieces; pdf_pages_end gives
 * the pages their streams back and frees pp. */
struct pdf_back {	/* a page's stream put back */
	HPDF_Doc pdf;		/* its document, written to pdf->stream */
	const struct buf *all;	/* its bytes: len at off */
	size_t off, len;
	HPDF_Stream stream;	/* its own, kept aside (NULL: not put back) */
};
struct pdf_pages {
	struct digest *keys;
	struct pdf_back *back;	/* one a page */
	struct buf bytes;
};
void pdf_pages_put_back(struct doc *d, struct cache_pieces *cp, struct pdf_pages *pp);
void pdf_pages_record(struct doc *d, struct cache_pieces *cp, const struct pdf_pages *pp,
    const struct buf *file);
void pdf_pages_end(struct doc *d, struct pdf_pages *pp);
/* The key of a page's piece: its content stream's uncompressed bytes. */
struct digest pdf_page_key(const struct cache_pieces *cp, HPDF_Page pg);

/* pdf_entries.c: a long document's entries laid out once. An entry is a
 * script (pdf_script_*: what pdf_need, pdf_para with the regular or bold
 * font, pdf_field and pdf_down would do, in order); pdf_entry lays it out
 * at the cursor, or replays the ops the previous build recorded for the
 * same script (the same bytes). e NULL (no cache): laid out. pdf_entries_open
 * opens the note of the document rel (NULL without ru's cache), viewed at
 * the first section (base/fsview.h: mapped, not read into fresh memory,
 * which for a note of tens of megabytes was most of the time to read it:
 * perf) until pdf_entries_close;
 * pdf_entries_close writes this build's when ok, and counts in ru. The
 * pdf_rec_* record the layout layer's ops while d->rec is set. */
struct pdf_entries;
void pdf_script_need(struct buf *sc, float h);
void pdf_script_down(struct buf *sc, float a);
void pdf_script_para(struct buf *sc, int bold, float size, const char *text);
void pdf_script_field(struct buf *sc, const char *label, const char *value);
struct pdf_entries *pdf_entries_open(struct pdf_reuse *ru, const char *rel);
void pdf_entry(struct doc *d, struct pdf_entries *e, const struct buf *script);
/* Lays out a script, as pdf_entry does without a cache. */
void pdf_script_run(struct doc *d, const struct buf *script);
/* A section laid out by fn(d, ctx) (through the layout layer's pdf_need,
 * pdf_down, pdf_para, pdf_field, pdf_heading only), or replayed: k is the
 * digest of everything fn reads, begun by pdf_section_key (the entries'
 * global part, and kind). */
struct digest_ctx *pdf_section_key(const struct pdf_entries *e, const char *kind);
/* Appends to b the bytes pdf_section_key starts a key with, for a key
 * gathered in a buffer and hashed at once (digest_bytes: the same digest
 * as the same bytes added to pdf_section_key's). */
void pdf_section_key_put(struct buf *b, const struct pdf_entries *e, const char *kind);
void pdf_section(struct doc *d, struct pdf_entries *e, const struct digest *k,
    void (*fn)(struct doc *d, void *ctx), void *ctx);
/* pdf_heading as a section keyed by its size and text (its key), not
 * counted in the entries replayed or laid out. */
struct digest pdf_heading_key(const struct pdf_entries *e, float size, const char *text);
void pdf_heading_keyed(struct doc *d, struct pdf_entries *e, const struct digest *k, float size,
    const char *text);
/* The key pdf_entry gives a script. */
struct digest pdf_script_key(const struct pdf_entries *e, const struct buf *script);
/* A splice (pdf_splice.c) lays out the few sections it needs rather than
 * read the previous note (tens of megabytes: most of a splice's time,
 * perf), and leaves that note as it is (any note is right: it holds ops
 * by their inputs' digest); pdf_entries_restart forgets the sections so
 * far and ends the splice (given up: the booklet is rendered whole). */
void pdf_entries_splice(struct pdf_entries *e);
void pdf_entries_restart(struct pdf_entries *e);
void pdf_entries_close(struct pdf_entries *e, int ok);
/* Lays out script at d's cursor with its ops recorded into ops; returns 0,
 * or -1 when they cannot stand for it (text outside CP1252, a width kept
 * beside a map, an error). */
int pdf_entry_record(struct doc *d, const struct buf *script, struct buf *ops);
/* Replays ops at d's cursor; -1, and nothing done, when they are not
 * whole ops with values in range. */
int pdf_entry_replay(struct doc *d, const char *ops, size_t n);
void pdf_rec_need(struct doc *d, float h);
void pdf_rec_down(struct doc *d, float a);
void pdf_rec_text(struct doc *d, HPDF_Font f, float size, float x, const char *t, int always);

/* pdf_lazy.c: pages drawn only when their contents cannot be put back.
 * From pdf_lazy_start on (the page then current is drawn as usual), the
 * entries replayed on a new page are kept as events (their ops, the
 * cursor and the font they start with) instead of being drawn; the page
 * is drawn (its events, in order) as soon as anything else draws on it
 * (pdf_lazy_live), or at pdf_save when the previous build's note of the
 * document has no content for its recipe (the digest of its events and
 * footer). The page's dictionary is built as drawing would (its fonts
 * registered). Only pdf_entries.c's replay makes events; the layout
 * layer calls pdf_lazy_page and pdf_lazy_live, pdf_footers and pdf_save
 * the rest. */
struct pdf_lazy;
void pdf_lazy_start(struct doc *d, struct pdf_entries *e, const char *rel);
/* After pdf_new_page: the new page is kept undrawn. */
void pdf_lazy_page(struct doc *d);
/* Before drawing on the current page: its events are drawn first. */
void pdf_lazy_live(struct doc *d);
/* Whether the current page is kept undrawn; pdf_lazy_event keeps n bytes
 * of ops replayed on it from the cursor y. */
int pdf_lazy_pending(struct doc *d);
void pdf_lazy_event(struct doc *d, const char *ops, size_t n, float y);
/* pdf_footers' part: 1 when page i is undrawn, its recipe made, its
 * footer's font registered and the state its link reads set; else 0 (the
 * page is drawn: draw its footer). */
int pdf_lazy_footer(struct doc *d, int i);
/* Draws page i's footer (its line, texts and number, not its link). */
void pdf_footer_draw(struct doc *d, int i);
/* The same on page pg, numbered num of total. */
void pdf_footer_page(struct doc *d, HPDF_Page pg, int num, int total);
/* pdf_save's part (pdf_pages.c): 1 with the content key the note has for
 * page i's recipe; pdf_lazy_draw draws an undrawn page (events, footer);
 * pdf_lazy_learn notes page i's content key (undrawn: it was put back). */
int pdf_lazy_known(struct doc *d, int i, struct digest *content);
void pdf_lazy_draw(struct doc *d, int i);
void pdf_lazy_learn(struct doc *d, int i, const struct digest *content, int undrawn);
/* Writes the note when ok; frees the state (pdf_close_doc calls it too). */
void pdf_lazy_end(struct doc *d, int ok);
/* The entries' global part of a key (pdf_entries.c), for the pages' recipes. */
struct digest pdf_entries_seed(const struct pdf_entries *e);
struct pdf_reuse *pdf_entries_reuse(const struct pdf_entries *e);
/* Replays ops on d; flush: their page is known (no new page, pdf_lazy.c). */
void pdf_ops_replay(struct doc *d, const char *p, size_t n, int flush);

/* pdf_keep.c: a drawing on the current page by fn(d, ctx), or the bytes,
 * fonts and state it left on the page when the previous build of the
 * document rel (its note) drew it from the same key, which pdf_kept_key
 * begins (the global part, the fonts and kind) and the caller continues
 * with everything fn reads (pdf_kept ends it, folding in the page's state
 * before the drawing). Without ru's cache, fn draws. fn must not break
 * pages; a drawing that did is not kept. */
struct digest_ctx *pdf_kept_key(struct pdf_reuse *ru, const char *kind);
void pdf_kept(struct doc *d, struct pdf_reuse *ru, const char *rel, struct digest_ctx *key,
    void (*fn)(struct doc *d, void *ctx), void *ctx);

/* pdf_splice.c: a booklet rendered again by splicing its previous file.
 * A booklet's body is a list of sections (pdf_section's, each with its
 * key). While it is rendered, d->trace (pdf_trace_start) notes each
 * section's key and the place it starts at (page, cursor), the digest of
 * what comes before the sections (pdf_trace_head: pages 0 and 1 so far,
 * the texts of the footers and properties), and, once written
 * (pdf_trace_saved, from pdf_save), the file's length, digest and each
 * page's content key: pdf_trace_end writes them as the note
 * pdf-splice/<rel> when the file has the shape libharu gives a booklet
 * (objects: catalog, pages, properties, the two fonts, then each page's
 * dictionary, content and length, then one link a page). pdf_splice then
 * lays out only the sections from the first changed one to the first
 * place where the layout meets the previous one again (same section,
 * page and cursor), draws the pages they touch, and writes the file as
 * the previous one with those pages' objects replaced and the
 * cross-reference table's offsets moved: 0 when written, -1 on an error,
 * 1 when it cannot and has not touched the document (no note, another
 * head): then the caller renders the booklet as usual in it; 2 when it
 * cannot after laying out (another number of pages, the published file
 * not the one noted, any other shape): then with a new document. */
struct pdf_trace;
struct pdf_run {	/* the booklet's sections, and how to lay one out */
	const struct digest *keys;
	size_t n;
	void (*run)(struct doc *d, size_t j, void *ctx);
	void *ctx;
};
void pdf_trace_start(struct doc *d);
void pdf_trace_head(struct doc *d, const char *const *texts, size_t n);
void pdf_trace_section(struct doc *d, const struct digest *k);
/* cp: the file's pieces, which get the mark of the file (pdf_splice.c). */
void pdf_trace_saved(struct doc *d, const struct digest *keys, const struct buf *file,
    struct cache_pieces *cp);
/* Writes the note (when ok and the file had the shape) and frees the trace. */
void pdf_trace_end(struct doc *d, struct pdf_reuse *ru, const char *rel, int ok);
int pdf_splice(struct doc *d, struct pdf_entries *e, const char *rel, const struct pdf_run *r,
    struct publish *p, struct buf *b, struct buf *file);

/* pdf_map.c: the territory's outlines, markers and legends. A booklet's
 * map is kept (pdf_kept) in the note of the document rel. */
void pdf_booklet_map(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    struct pdf_reuse *ru, const char *rel);
const struct shape *pdf_dep_shape(const struct geo *g, const char *dep);
void pdf_draw_base(struct doc *d, const struct box *b, const struct geo *g, const char *dep);
/* The outlines of a département (its communes and contour; dep NULL: the
 * région's départements) for the box b; draw puts the box's corner at (x, y). */
void pdf_outline_build(struct outline *ol, const struct geo *g, const char *dep, const struct box *b);
void pdf_outline_draw(struct doc *d, const struct outline *ol, float x, float y);
void pdf_outline_free(struct outline *ol);
/* The fiche's locator map: its size in points, and its box for a
 * département at (x, y). */
#define LOCATOR_SIZE 150.0f
void pdf_locator_box(struct box *b, const struct shape *dep, float x, float y);
void pdf_fit_box(struct box *b, double minx, double miny, double maxx, double maxy,
    float x, float y, float w, float h);
void pdf_legend(struct doc *d, const struct site *s, const struct cartographie *ca,
    const struct brow *r, size_t n);
void pdf_project(const struct box *b, double lon, double lat, float *x, float *y);
/* The map with numbered markers: rows within 6 pt share a number (a grid of
 * cells in a hash map keeps this linear); markers that would cover one
 * another are moved apart, with a line to the place they stand for. When
 * the rows come numbered (r[0].num > 0), their numbers are kept and a
 * marker shows the first of its cell's. */
void pdf_map_box(struct doc *d, const struct site *s, const char *dep, struct brow *r, size_t n,
    float x0, float y0, float w, float h);

/* pdf_fiche.c: the suites of an offer ("Et après ?", index.h), one field a
 * suite with its reason; numbers, when not NULL, maps a lieu to its number
 * in the document, written after the suite's commune: a table of mask + 1
 * slots (open addressing on the lieu's address, pdf_lieu_slot: the lieu's
 * slot, or the empty one where it would go). */
struct lieu_numbers {
	const struct lieu **l;	/* NULL: an empty slot */
	int *num;
	size_t mask;
};
size_t pdf_lieu_slot(const struct lieu_numbers *m, const struct lieu *l);
/* The text of suite i of o, as pdf_suites writes it, into b. */
void pdf_suite_text(struct buf *b, const struct site *s, const struct offre *o, size_t i,
    const struct lieu_numbers *numbers);
void pdf_suites(struct doc *d, const struct site *s, const struct offre *o, struct buf *b,
    const struct lieu_numbers *numbers);

/* pdf_booklet.c: the rows of a booklet's map, shared with the decks. */
struct brow *pdf_carto_rows(const struct site *s, const struct cartographie *ca, const char *dep, size_t *np);
/* Whether the booklet of ca (of département dep, NULL: the region's) of n
 * rows lists them: a region too large to list leaves them to its
 * départements' booklets. */
int pdf_booklet_lists(const struct cartographie *ca, const char *dep, size_t n);
/* For a booklet that does not list its rows (a region's of more than 1,500
 * rows, whose départements' booklets list them), adds to k what it prints
 * of them beyond the global part: their number, each row's marker number,
 * commune and offer types, each numbered lieu's place. Returns 1, or 0
 * (nothing added) for a booklet that lists its rows: its key is theirs. */
int pdf_booklet_unlisted_key(struct digest_ctx *k, const struct site *s, const struct cartographie *ca,
    const char *dep);

/* The documents, one file each; pdf.c's job list calls them. Each writes
 * one PDF through the publisher and returns 0 or -1. */
/* fiche's locators: one outline per département, as in s->geo.departements. */
int fiche(const struct site *s, const struct organisme *o, const struct outline *locators,
    struct publish *p, struct buf *b, struct diags *dg);
int card(const struct site *s, const struct referentiel *r, struct publish *p, struct buf *b,
    struct diags *dg);
/* booklet's and deck's ru: their pages put back (struct pdf_reuse);
 * booklet's file: the worker's buffer its previous file is read into
 * (pdf_splice). */
int booklet(const struct site *s, const struct cartographie *ca, const char *dep,
    struct pdf_reuse *ru, struct publish *p, struct buf *b, struct buf *file, struct diags *dg);
int deck(const struct site *s, const struct page *pg, struct pdf_reuse *ru, struct publish *p,
    struct buf *b, struct diags *dg);

#endif
