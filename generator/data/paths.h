/*
 * Where the artefacts of a build go (render-design.md §7.1): each as a path
 * relative to --out, which is also its URL from the site's root. The
 * backend that writes a file and every page, workbook or extract that links
 * it ask here, so they cannot disagree: the pages of organisations,
 * référentiels, cartographies and the directory's départements (folders,
 * served as their index.html), and the documents (PDF, workbooks, open
 * data). Each function appends the path to b and returns where it starts
 * in b (valid until b changes): a caller can put an address before it. Ids and slugs are validated at loading
 * ([a-z0-9-], '/' between a page's folders): nothing here escapes. Any
 * module may include it.
 */
#ifndef CARTO_PATHS_H
#define CARTO_PATHS_H

struct buf;
struct cartographie;
struct organisme;
struct page;
struct referentiel;

/* The kinds of document of a cartography or a référentiel. */
enum path_doc { PATH_CSV, PATH_JSON, PATH_GEOJSON, PATH_PDF, PATH_XLSX };

/* organismes/<id>/ and pdf/organismes/<id>.pdf (the fiche). */
const char *path_org_page(struct buf *b, const struct organisme *o);
const char *path_org_pdf(struct buf *b, const struct organisme *o);
/* referentiels/<id>/, and data/referentiels/<id>.json (PATH_JSON),
 * pdf/referentiels/<id>.pdf (the card), xlsx/referentiels/<id>.xlsx. */
const char *path_ref_page(struct buf *b, const struct referentiel *r);
const char *path_ref_doc(struct buf *b, const struct referentiel *r, enum path_doc k);
/* cartographies/<id>/, or cartographies/<id>/<dep>/ for one département;
 * its documents data/cartographies/<id>[-<dep>].{csv,json,geojson},
 * pdf/cartographies/<id>[-<dep>].pdf (the booklet) and
 * xlsx/cartographies/<id>[-<dep>].xlsx. dep may be NULL. */
const char *path_carto_page(struct buf *b, const struct cartographie *ca, const char *dep);
const char *path_carto_doc(struct buf *b, const struct cartographie *ca, const char *dep,
    enum path_doc k);
/* annuaire/<dep>/: the directory of a département. */
const char *path_dep_page(struct buf *b, const char *dep);
/* A slide deck's PDF, pdf/diaporamas/<slug>.pdf, its folders joined by '-'
 * ("ateliers/diapo": ateliers-diapo.pdf), or its handout
 * (<slug>-support.pdf). */
const char *path_deck_pdf(struct buf *b, const struct page *pg, int handout);

/* Files of fixed names. */
#define PATH_DIRECTORY_XLSX "xlsx/organismes.xlsx"
#define PATH_ORGS_JSON "data/organismes.json"
#define PATH_OFFRES_CSV "data/offres.csv"
#define PATH_OFFRES_GEOJSON "data/offres.geojson"
#define PATH_SUITES_CSV "data/suites.csv"
#define PATH_SUITES_JSON "data/suites.json"
#define PATH_LHEO_XML "data/lheo/offres.xml"
#define PATH_DI_STRUCTURES "data/data-inclusion/structures.json"
#define PATH_DI_SERVICES "data/data-inclusion/services.json"
#define PATH_CARTO_COMMUNES "cartographies/communes.js"	/* "Près de…" */

#endif
