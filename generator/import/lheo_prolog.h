/*
 * The guard in front of libxml2 for LHÉO files (included by lheo_read.c
 * only): it scans the bytes of the file before the parser gets them, up to
 * the root element, and stops the file at its first entity declaration, so
 * that no document that declares entities (internal, external, parameter,
 * nested or looping, anywhere in its internal subset) ever reaches the
 * parser's entity code: nothing is expanded, nothing is loaded, and the
 * refusal is carto's, at the line of the first <!ENTITY>. It understands
 * comments, processing instructions and quoted literals of the prolog (an
 * "<!ENTITY" inside them is text), in ASCII-compatible encodings and in
 * UTF-16; a file in an encoding it cannot read (UCS-4, EBCDIC, or any
 * declared encoding that is not ASCII-compatible) is refused too. Time is
 * linear in the prolog and memory constant; past the root's "<" the bytes go
 * through untouched.
 */
#ifndef CARTO_LHEO_PROLOG_H
#define CARTO_LHEO_PROLOG_H

#include <stddef.h>
#include <stdint.h>

enum lheo_prolog_verdict {
	LHEO_PROLOG_MORE,	/* still in the prolog: nothing found yet */
	LHEO_PROLOG_OK,		/* the root element is reached: no entity declared */
	LHEO_PROLOG_ENTITY,	/* an <!ENTITY declaration at line */
	LHEO_PROLOG_ENCODING	/* an encoding the scan cannot read (encoding), at line */
};

struct lheo_prolog {
	enum lheo_prolog_verdict verdict;
	uint32_t line;		/* the verdict's line (1-based) */
	char encoding[48];	/* LHEO_PROLOG_ENCODING: the encoding's name, "" when
				 * the XML declaration is too long to be read */
	/* The scan's own state (lheo_prolog.c). */
	int state, back, qback, quote, form, cr, n_pend, dashes, capture;
	unsigned char pend[4];
	long long seen, off, unit_off, lt_off, first;
	uint32_t cur_line, lt_line;
	char m[10];
	size_t m_len;
	char decl[160];
	size_t decl_len;
};

/* Starts a scan at the first byte of a file. */
void lheo_prolog_init(struct lheo_prolog *p);

/*
 * Scans the next n bytes of the file. Returns how many of them may be handed
 * to the parser: n while the verdict is MORE or OK; once it is ENTITY or
 * ENCODING, only the bytes before the offending markup (0 for the following
 * calls), so that the parser never sees a whole declaration (the head of one
 * that an earlier call handed over, "<!ENTIT" at most, cannot be taken
 * back, and is harmless). Cannot fail.
 */
size_t lheo_prolog_scan(struct lheo_prolog *p, const unsigned char *s, size_t n);

#endif
