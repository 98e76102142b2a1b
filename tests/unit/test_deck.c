/*
 * md_deck (text/markdown.c): the slides of a deck as blocks of spans, for
 * the PDF decks.
 */
#include <string.h>

#include "../../generator/text/markdown.h"
#include "harness.h"
#include "tests.h"

static int span_is(const struct md_span *s, const char *text, int bold, int italic, const char *url)
{
	return strlen(text) == s->len && strcmp(s->text, text) == 0 && s->bold == bold &&
	    s->italic == italic && (url ? s->url && strcmp(s->url, url) == 0 : !s->url);
}

void test_md_deck_spans(void)
{
	struct md_deck k;
	md_deck("# Titre **gras**\n\nUn *mot* et [un lien](https://x.fr/a) puis **[gras lié](b/)**\nfin.\n\n"
	    "---\n\n- Point\tun\n\n```\ncode\n```\n\n---\n\n```carto\nvue\n```\n", &k);
	EXPECT(k.n_slides == 3 && k.n == 5);
	if (k.n != 5) {
		md_deck_free(&k);
		return;
	}
	EXPECT(k.slide[0] == 0 && k.slide[1] == 2 && k.slide[2] == 4 && k.slide[3] == 5);
	const struct md_block *b = k.b;
	EXPECT(b[0].kind == MDB_H1 && b[0].n_spans == 2);
	EXPECT(span_is(&b[0].spans[0], "Titre ", 0, 0, NULL) && span_is(&b[0].spans[1], "gras", 1, 0, NULL));
	/* Runs of one style, the soft line break a space, no control character. */
	EXPECT(b[1].kind == MDB_PARA && b[1].n_spans == 7);
	EXPECT(b[1].n_spans == 7 && span_is(&b[1].spans[0], "Un ", 0, 0, NULL) &&
	    span_is(&b[1].spans[1], "mot", 0, 1, NULL) && span_is(&b[1].spans[2], " et ", 0, 0, NULL) &&
	    span_is(&b[1].spans[3], "un lien", 0, 0, "https://x.fr/a") &&
	    span_is(&b[1].spans[4], " puis ", 0, 0, NULL) && span_is(&b[1].spans[5], "gras lié", 1, 0, "b/") &&
	    span_is(&b[1].spans[6], " fin.", 0, 0, NULL));
	EXPECT(b[2].kind == MDB_ITEM && b[2].n_spans == 1 && span_is(&b[2].spans[0], "Point un", 0, 0, NULL));
	EXPECT(b[3].kind == MDB_CODE && b[3].n_spans == 1 && span_is(&b[3].spans[0], "code\n", 0, 0, NULL));
	EXPECT(b[4].kind == MDB_VIEW && b[4].view == 0 && b[4].n_spans == 0);
	md_deck_free(&k);
	/* A link whose scheme is refused is plain text; nested strong toggles. */
	md_deck("[x](javascript:alert(1)) **a *b* c**\n", &k);
	EXPECT(k.n == 1 && k.b[0].n_spans == 4 && span_is(&k.b[0].spans[0], "x ", 0, 0, NULL) &&
	    span_is(&k.b[0].spans[1], "a ", 1, 0, NULL) && span_is(&k.b[0].spans[2], "b", 1, 1, NULL) &&
	    span_is(&k.b[0].spans[3], " c", 1, 0, NULL));
	md_deck_free(&k);
}
