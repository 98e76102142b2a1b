/*
 * Shared by the files of generator/import/ only: the mapping table of
 * referentiels/lheo.yaml, checked against the site's closed lists
 * (referentiels/vocabulaires.yaml) when it is read.
 */
#ifndef CARTO_LHEO_INT_H
#define CARTO_LHEO_INT_H

#include "../base/arena.h"
#include "../base/strmap.h"
#include "../data/model.h"

struct diags;

struct lheo_codes {
	const char **v;
	size_t n;
};

struct lheo_niveau {
	const char *echelle, *min, *max;
	enum tri ecrit_requis;
};

struct lheo_map {
	struct arena a;
	struct vocab vocab;		/* the site's closed lists */
	struct strmap types;		/* code-FORMACODE -> struct lheo_codes * (types_offre) */
	struct strmap publics;		/* code-public-vise -> struct lheo_codes * (publics) */
	struct strmap parcours;		/* code-financeur -> const char * (parcours) */
	const char *parcours_defaut;	/* NULL: no parcours when no financeur maps */
	struct strmap niveaux;		/* code-niveau-entree -> struct lheo_niveau * */
	struct strmap ref_scales;	/* "referentiel:scale" -> struct scale *: the
					 * référentiels' own scales, which an offer's
					 * echelle may name (docs/format-notes.md) */
};

/* Reads the table and the site's vocabularies into m (zeroed by the caller,
 * freed with lheo_map_free): the site's referentiels/lheo.yaml, else the one
 * in carto's share folder share (NULL: none found, share.h). vocab_said:
 * the load has read referentiels/vocabulaires.yaml and said what is wrong
 * with it (carto check, the LHÉO export), so its diagnostics are not added
 * to d again; carto import lheo, which loads nothing else, passes 0.
 * Returns 0, or -1 with errors in d (or, vocab_said, in the vocabularies). */
int lheo_map_read(struct lheo_map *m, const char *site, const char *share, int vocab_said,
    struct diags *d);
void lheo_map_free(struct lheo_map *m);
/* Returns 1 when the site has the échelle (of its vocabularies, or a
 * référentiel's own as "referentiel:scale"), and level in it (level NULL:
 * the échelle alone). */
int lheo_map_has_level(const struct lheo_map *m, const char *echelle, const char *level);

#endif
