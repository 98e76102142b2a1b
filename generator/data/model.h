/*
 * The typed model of a site: what the loaders produce, validation checks and
 * the outputs read. Everything here is allocated in the site's arenas and is
 * read-only once the index stage has run, so render workers share it freely.
 * Start at struct site at the bottom.
 */
#ifndef CARTO_MODEL_H
#define CARTO_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/diag.h"
#include "../base/digest.h"
#include "../base/strmap.h"
#include "hours.h"

/* A string from the input with its position (file is the owner's). */
struct sval {
	const char *s;		/* NULL when absent */
	uint32_t line, col;
	int plain;		/* written without quotes */
};

/* Tri-state for optional booleans: unknown is different from false. */
enum tri { TRI_UNKNOWN = -1, TRI_FALSE = 0, TRI_TRUE = 1 };

struct svals {
	struct sval *v;
	size_t n;
};

/* A list of pointers, the values of the site's indexes. */
struct ptrs {
	const void **v;
	size_t n, cap;
};

/* ---- vocabularies ---- */

struct term {
	const char *code, *libelle, *description;
};

struct vocab_list {
	const char *name;
	struct term *v;
	size_t n;
	struct strmap by_code;	/* code -> struct term * */
};

struct level {
	const char *code, *titre;
	int rang;
};

struct scale {
	const char *id, *titre;
	struct level *v;
	size_t n;
};

/* A correspondence between the levels of two scales of the vocabularies
 * (vocabulaires.yaml, correspondances_echelles): each pair says that level
 * de of scale de and level vers of scale vers are the same step, and is
 * read both ways. Checked when read: both scales exist and differ, every
 * level is in its scale. */
struct scale_pair {
	const char *de, *vers;		/* level codes */
};

struct scale_corr {
	const char *de, *vers;		/* scale ids */
	const char *source;		/* required provenance */
	struct scale_pair *v;
	size_t n;
};

struct vocab {
	const char *file;
	struct vocab_list types_offre, parcours, publics, financeurs, natures, labels;
	struct scale *echelles;
	size_t n_echelles;
	struct scale_corr *corr;	/* correspondences between scales */
	size_t n_corr;
};

/* ---- référentiels and correspondences ---- */

enum entry_kind { ENTRY_DOMAINE, ENTRY_COMPETENCE, ENTRY_CRITERE };

struct corr_link;
struct md_doc;
struct corr_use {			/* one link seen from one code */
	const struct correspondance *corr;
	const struct corr_link *link;
};

struct ref_entry {
	enum entry_kind kind;
	const char *code, *titre;	/* titre: libelle for a criterion */
	const char *description;	/* Markdown, may be NULL */
	struct diag_text description_at;	/* where it sits in the file */
	struct sval niveau;		/* criterion's level, may be absent */
	uint32_t line, col;
	struct ref_entry *parent;	/* domain of a competence, competence of a criterion */
	struct ref_entry *children;	/* competences or criteria, in order */
	size_t n_children;
	/* Filled by the index stage. */
	struct corr_use *out, *in;	/* links from and to this code */
	size_t n_out, n_in;
	const struct offre **offres;	/* offers that develop it */
	size_t n_offres, cap_offres;
};

struct referentiel {
	const char *file;
	const char *id, *titre, *titre_court, *version, *editeur, *source_url;
	const char *lib_domaine, *lib_competence, *lib_critere;
	struct scale echelle;		/* n == 0 when absent */
	struct ref_entry *domaines;
	size_t n_domaines;
	size_t n_competences, n_criteres;
	struct strmap by_code;		/* code -> struct ref_entry * */
};

enum corr_type { CORR_EQUIVALENTE, CORR_PARTIELLE, CORR_CONTRIBUE };

struct corr_link {
	struct sval de;
	struct svals vers;
	struct sval niveau_de;
	enum corr_type type;
	const char *note;
	struct diag_text note_at;	/* where it sits in the file */
	uint32_t line, col;
};

struct correspondance {
	const char *file;
	struct sval de_ref, de_version, vers_ref, vers_version;
	const char *source;
	const struct referentiel *de, *vers;	/* resolved */
	struct corr_link *liens;
	size_t n_liens;
};

/* ---- territory ---- */

struct ring {
	double *xy;		/* lon, lat pairs */
	size_t n;		/* points */
};

struct shape {
	const char *code, *nom;
	struct ring *rings;
	size_t n_rings;
	double minx, miny, maxx, maxy;
};

struct commune {
	const char *code, *nom;
	char dep[3];
	const char **postaux;
	size_t n_postaux;
	double lat, lon;
	long population;
	int arrondissement;	/* a Paris municipal arrondissement */
	size_t rank;		/* in French order of nom then code, set by
				 * index_site (index.h); 0 sorts as NULL */
};

struct geo {
	const char *dir;		/* where it was read from */
	struct digest src;		/* of the files read, in order, for the
					 * build cache (render/cache.h) */
	struct commune *communes;
	size_t n_communes;
	struct strmap by_code;		/* code_insee -> struct commune * */
	struct shape *departements, *commune_shapes, *arr_shapes;
	size_t n_departements, n_commune_shapes, n_arr_shapes;
	int unread;			/* communes.csv could not be read (said
					 * at the file): a lieu's commune is then
					 * not said unknown, which would be one
					 * error a lieu for one cause */
};

/* ---- organisations ---- */

/* Where a value was written in its file (1-based), for diagnostics; 0 when
 * unknown. */
struct srcpos {
	uint32_t line, col;
};

struct contact {
	const char *nom, *telephone;
	struct srcpos telephone_at;
	struct sval courriel;
};

struct lieu {
	struct sval id;
	const char *denomination;
	const char **lignes;
	const struct srcpos *lignes_at;	/* n_lignes of them, or NULL */
	size_t n_lignes;
	struct sval code_postal, commune_nom, code_insee;
	const struct commune *commune;	/* resolved */
	char dep[3];
	int has_geo;
	double lat, lon;		/* given, else the commune's centre */
	uint32_t geo_line, geo_col;
	enum tri acces_pmr;
	const char *transports;
	struct sval horaires_accueil;
	const struct hours *accueil;	/* horaires_accueil parsed at validation,
					 * NULL when absent or invalid */
};

enum etat { ETAT_OUVERT, ETAT_FERME, ETAT_SUSPENDU };

struct session {
	int debut, fin;			/* YYYYMMDD, 0 when absent */
	enum etat etat;
	long places;			/* -1 when unknown */
	uint32_t line, col;
};

/* A course that can follow an offer, by the suites rule of index.h. */
struct suite {
	const struct offre *o;		/* the following offer */
	const struct lieu *from, *to;	/* the nearest pair of their lieux */
	double km;			/* great-circle distance between them */
	int same_dep;			/* from and to in the same département */
	const char *public;		/* the public code they share, NULL when
					 * the following offer is open to all */
	const char *via;		/* the level of its own scale it takes
					 * that corresponds to the target, NULL
					 * when both are on one scale */
	const struct scale_corr *corr;	/* the correspondence, with via */
	const struct correspondance *chain;	/* through a correspondence between
					 * référentiels (a CléA preparation
					 * after Carte de compétences axes,
					 * index.h rule 1b), else NULL */
};

enum enseignement { ENS_NONE, ENS_PRESENTIEL, ENS_MIXTE, ENS_DISTANCE };
enum entrees { ENTREES_NONE, ENTREES_PERMANENTES, ENTREES_DATES_FIXES };

struct offre {
	struct sval id;
	const char *intitule, *objectif;
	struct diag_text objectif_at;	/* where the Markdown sits in the file */
	struct svals types;
	struct sval parcours;
	struct svals formacodes;
	struct sval echelle, entree_min, entree_max, vise;
	const struct scale *scale;	/* the scale echelle names, resolved at
					 * validation: a scale of the
					 * vocabularies ("cecrl") or a
					 * référentiel's ("carte-competences-idf:
					 * cercles"); NULL when absent or unknown */
	enum tri ecrit_requis;
	struct svals publics;
	long age_min, age_max;		/* -1 when absent */
	const char *public_precisions;
	struct svals financeurs;
	enum tri conventionne, cpf;
	const char *cert_code, *cert_intitule;
	enum tri gratuit;
	double montant;
	int has_montant;
	const char *cout_precisions;
	enum enseignement enseignement;
	enum entrees entrees;
	double heures_semaine;		/* < 0 when absent */
	long duree_semaines, places;	/* -1 when absent */
	struct sval horaires;
	const struct hours *heures;	/* horaires parsed at validation, NULL
					 * when absent or invalid */
	enum tri garde_enfants;
	struct svals lieu_ids;
	const struct lieu **lieux;	/* resolved, same order */
	size_t n_lieux;
	struct session *sessions;
	size_t n_sessions;
	struct contact contact;
	int has_contact;
	struct svals competences;
	const struct suite *suites;	/* filled by the index stage: at most
					 * SUITES_MAX, best first (index.h) */
	size_t n_suites;
	const struct organisme *org;
	uint32_t line, col;
};

struct organisme {
	const char *file;
	struct digest src;		/* of the file's bytes (it may hold others) */
	struct digest own;		/* of its own part of the file: its tree as
					 * parsed (data/snap.h's encoding: every
					 * scalar, style, line and column), what
					 * its conversion reads; the suites memo's
					 * key (data/suites_memo.h), so that one
					 * organisation changed in a file of many
					 * leaves the others' suites put back */
	struct sval id;
	const char *nom;
	struct srcpos nom_at;
	struct sval siret, nature;
	struct svals labels;
	struct sval site_web;
	struct contact contact;
	int has_contact;
	struct lieu *lieux;
	size_t n_lieux;
	struct offre *offres;
	size_t n_offres;
	const char *source;
	int mise_a_jour;		/* YYYYMMDD */
	uint32_t maj_line, maj_col;
	uint32_t line, col;
	size_t rank;			/* in French order of nom then id, set by
					 * index_site (index.h) */
	int remembered;			/* converted and validated by an earlier
					 * build, taken from its record
					 * (data/orgrec.h): not checked again */
};

/* ---- cartographies and pages ---- */

struct cartographie {
	const char *file;
	struct sval id;
	const char *titre, *introduction;
	struct diag_text introduction_at;	/* where the Markdown sits in the file */
	struct svals sel_types, sel_parcours, sel_publics, sel_departements;
	struct svals facettes;
	int par_departement;
};

enum page_type { PAGE_PAGE, PAGE_ARTICLE, PAGE_WEBINAIRE, PAGE_DIAPORAMA };

/* A view computed by carto inside a page: a fenced block ```carto (embed.c). */
enum embed_kind { EMBED_CARTE, EMBED_COMPTE, EMBED_TABLEAU, EMBED_OFFRES, EMBED_DOMAINES,
	EMBED_CORRESPONDANCE, EMBED_INVALID };

struct embed {
	enum embed_kind kind;
	uint32_t line;			/* of the block's first line of YAML */
	const struct cartographie *ca;	/* carte, compte, tableau, offres */
	const char *dep;		/* a département's code, or NULL */
	/* Filters of compte, tableau and offres (embed_keeps): an offer is kept
	 * when it has one of the types, one of the publics, one of the parcours
	 * (each when given) and the flags asked. */
	struct svals types, publics, parcours;
	enum tri gratuit, garde_enfants;	/* TRI_TRUE: required */
	long limite;			/* offres: at most this many */
	const char *titre;		/* caption, or NULL for the default */
	const struct referentiel *ref;	/* domaines */
	const struct correspondance *corr;	/* correspondance */
};

struct page {
	const char *file;
	struct digest src;		/* of the file's bytes */
	const char *slug;		/* "" for the home page */
	const char *titre, *resume;
	enum page_type type;
	int date;			/* YYYYMMDD or 0 */
	const char *menu_parent;
	long menu_ordre;
	int brouillon;
	int web_date;
	int web_debut;			/* minutes after midnight, -1: all day */
	const char *web_heure, *web_inscription, *web_replay, *web_lieu;
	long web_duree;			/* minutes */
	struct speaker {
		const char *nom, *role;
	} *web_intervenants;
	size_t n_web_intervenants;
	const char *body;		/* Markdown without the front matter */
	uint32_t body_line;		/* line of the body's first line in the file */
	struct md_doc *doc;		/* body parsed once (text/markdown.h),
					 * freed by site_free */
	struct embed *embeds;		/* its carto blocks, in order */
	size_t n_embeds;
};

/* ---- the site ---- */

/* The legal pages of a French public-sector site (site.yaml pages_legales):
 * the mentions légales (loi 2004-575, art. 6) and the déclaration
 * d'accessibilité (loi 2005-102, art. 47; décret 2019-768). Strings are
 * plain text, NULL when not given. */
enum conformite { CONF_NON, CONF_PARTIELLE, CONF_TOTALE };

struct legal {
	int present;			/* the block is in site.yaml */
	uint32_t line, col;		/* where, for diagnostics */
	const char *editeur, *directeur, *hebergeur, *contact;
	enum conformite conformite;	/* CONF_NON when not declared */
	int date_audit;			/* YYYYMMDD or 0 */
	const char *referentiel, *audit_par, *perimetre, *taux, *contact_accessibilite;
	const char **non_conformites;
	size_t n_non_conformites;
};

struct menu_item {
	const char *titre, *url;
	const char *file;	/* site.yaml, where url is written at line:col */
	uint32_t line, col;
};

struct menu {
	const char *name;
	struct menu_item *v;
	size_t n;
};

/* The most a spreadsheet cell holds: 32,767 characters, counted in UTF-16
 * code units as Excel counts them (Microsoft, "Excel specifications and
 * limits": "Total number of characters that a cell can contain: 32,767
 * characters"; libxlsxwriter refuses a longer string, LXW_STR_MAX). A
 * longer text is cut in every cell that holds it (render/xlsx/xlsx_sheet.c),
 * and a text field past TEXT_FIELD_MAX is a warning at check (fields.c). */
#define TEXT_CELL_MAX 32767
/* The longest text field that is not warned of: the workbooks add a few
 * dozen characters around some (a département's name after a
 * cartography's title, a sentence after the site's), so with this margin
 * every cell the build would cut is warned of at check, at its field. */
#define TEXT_FIELD_MAX (TEXT_CELL_MAX - 256)

/* The end of an error about what a site lacks when share is NULL. */
#define SHARE_MISSING "carto's share folder was not found (carto --version shows where " \
	"carto looks; CARTO_SHARE names it)"

struct site {
	const char *root;		/* the site folder */
	const char *site_file;		/* site.yaml as diagnostics name it (with
					 * the site's folder), set by its reading */
	const char *share;		/* carto's share folder (default theme, territory),
					 * set by the caller before load_site; NULL when
					 * none was found */
	const char *titre, *base_url, *langue, *theme, *licence;
	long fraicheur_jours;
	int html_brut;
	uint32_t theme_line, theme_col;	/* where site.yaml names the theme */
	struct menu *menus;
	size_t n_menus;
	struct legal legal;

	struct vocab vocab;
	struct referentiel **referentiels;
	size_t n_referentiels;
	struct correspondance **correspondances;
	size_t n_correspondances;
	struct geo geo;
	struct organisme **organismes;	/* in file order, then order in file */
	size_t n_organismes;
	struct cartographie **cartographies;
	size_t n_cartographies;
	struct page **pages;
	size_t n_pages;

	/* Indexes, built once after validation. */
	struct strmap org_by_id;	/* id -> struct organisme * */
	struct strmap ref_by_id;	/* id -> struct referentiel * */
	struct strmap pages_by_slug;
	struct strmap orgs_by_dep;	/* "93" -> struct ptrs of organisme */
	struct strmap orgs_by_commune;	/* code_insee -> struct ptrs of organisme,
					 * in French order of names (index.h) */
	struct strmap communes_by_dep;	/* "93" -> struct ptrs of the communes that
					 * have organisations, French order */
	struct strmap offres_by_type;	/* type code -> struct ptrs of offre */
	struct strmap offres_by_parcours; /* parcours code -> struct ptrs of offre */
	struct carto_rows *carto_rows;	/* per cartography, same order (index.h) */
	size_t n_offres;
	int last_update;		/* newest mise_a_jour, YYYYMMDD */
	int today;			/* the build's reference date, YYYYMMDD:
					 * SOURCE_DATE_EPOCH when set */
	struct digest inputs;		/* of every file loaded other than the
					 * organisations and pages (site.yaml,
					 * vocabularies, référentiels,
					 * correspondences, cartographies,
					 * territory), with their paths */
	struct digest model;		/* of every file loaded, with their paths */

	struct arena arena;		/* owns everything above */
};

#endif
