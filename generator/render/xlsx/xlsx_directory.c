/*
 * The whole directory in one workbook: organisations, lieux, offers, their
 * links and sessions, one sheet each, in model order. Addresses are text
 * here: the directory is the largest workbook.
 */
#include "../cache.h"
#include "xlsx_int.h"

static const struct col orgs_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant unique ; relie les feuilles entre elles" },
	{ "Nom", "Nom de l'organisme" },
	{ "SIRET", "Numéro SIRET (14 chiffres, en texte)" },
	{ "Nature", "Association, organisme de formation, centre social…" },
	{ "Labels", "Labels et certifications, séparés par « ; »" },
	{ "Site web", "Adresse du site de l'organisme (texte)" },
	{ "Contact", "Accueil ou personne à contacter" },
	{ "Téléphone", "Téléphone" },
	{ "Courriel", "Courriel" },
	{ "Lieux", "Nombre de lieux (feuille Lieux)" },
	{ "Offres", "Nombre d'offres (feuille Offres)" },
	{ "Source", "Origine de la fiche : saisie, import…" },
	{ "Mise à jour", "Date de la dernière mise à jour de la fiche (date)" },
	{ "Page", "Adresse de la page de l'organisme sur le site (texte)" },
};

static const struct col offre_tail[] = {
	{ "Lieux de l'offre", "Identifiants des lieux où l'offre a lieu, séparés par « ; » (détail : feuille Offres par lieu)" },
	{ "Compétences", "Compétences développées (référentiel:code), séparées par « ; »" },
	{ "Objectif", "Objectif de l'offre (texte en Markdown)" },
};

static const struct col link_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant de l'organisme (feuille Organismes)" },
	{ "Identifiant de l'offre", "Identifiant de l'offre dans son organisme (feuille Offres)" },
	{ "Identifiant du lieu", "Identifiant du lieu dans son organisme (feuille Lieux)" },
	{ "Commune", "Commune du lieu" },
	{ "Département", "Numéro du département du lieu" },
};

static const struct col session_sheet[] = {
	{ "Identifiant de l'organisme", "Identifiant de l'organisme (feuille Organismes)" },
	{ "Identifiant de l'offre", "Identifiant de l'offre dans son organisme (feuille Offres)" },
	{ "Session", "Numéro de la session dans l'offre (nombre)" },
	{ "Début", "Date de début (date)" },
	{ "Fin", "Date de fin (date)" },
	{ "Recrutement", "Ouvert, fermé ou suspendu" },
	{ "Places disponibles", "Places disponibles (nombre)" },
};

/* Calls rows for each organisation of the site, in model order, in
 * pieces (xlsx_int.h): a group of organisations' rows is put back from the
 * previous build when none of them changed. Addresses are text here
 * (link_budget 0): the directory is the largest workbook, and links would
 * make its memory grow with the data. */
static void each_org(struct sheet *sh, void (*rows)(struct sheet *, const struct organisme *))
{
	const struct site *s = sh->bk->s;
	xlsx_rows_start(sh);
	for (size_t i = 0, end; i < s->n_organismes; i = end) {
		struct digest_ctx *k = xlsx_piece_key(sh);
		end = cache_piece_group(s, i, k, 0);	/* xlsx_group_ends's groups */
		if (xlsx_piece_begin(sh, k) == 1)
			continue;
		for (size_t o = i; o < end; o++)
			rows(sh, s->organismes[o]);
		xlsx_piece_end(sh);
	}
	xlsx_sheet_end(sh, 1);
}

static void org_row(struct sheet *sh, const struct organisme *o)
{
	const struct site *s = sh->bk->s;
	const struct contact *ct = o->has_contact ? &o->contact : NULL;
	if (xlsx_row_next(sh) < 0)
		return;
	xlsx_row_source(sh->bk, o, o->line, o->col);
	xlsx_put_text(sh, 0, o->id.s);
	xlsx_put_text(sh, 1, o->nom);
	xlsx_put_text(sh, 2, o->siret.s);
	xlsx_put_text(sh, 3, vocab_label(&s->vocab.natures, o->nature.s));
	xlsx_put_list(sh, 4, xlsx_joined(sh->bk, &o->labels, &s->vocab.labels));
	xlsx_put_url(sh, 5, o->site_web.s);
	xlsx_put_text(sh, 6, ct ? ct->nom : NULL);
	xlsx_put_text(sh, 7, ct ? ct->telephone : NULL);
	xlsx_put_text(sh, 8, ct ? ct->courriel.s : NULL);
	xlsx_put_count(sh, 9, (long)o->n_lieux);
	xlsx_put_count(sh, 10, (long)o->n_offres);
	xlsx_put_text(sh, 11, o->source);
	xlsx_put_date(sh, 12, o->mise_a_jour);
	xlsx_put_url(sh, 13, xlsx_page_url(sh->bk, path_org_page(&sh->bk->list, o)));
}

static void directory_orgs(struct sheet *sh)
{
	xlsx_sheet_cols(sh, orgs_sheet, sizeof(orgs_sheet) / sizeof(orgs_sheet[0]));
	each_org(sh, org_row);
}

static void lieu_rows(struct sheet *sh, const struct organisme *o)
{
	for (size_t k = 0; k < o->n_lieux && xlsx_row_next(sh) == 0; k++) {
		const struct lieu *l = &o->lieux[k];
		xlsx_row_source(sh->bk, o, l->id.line, l->id.col);
		xlsx_put_org(sh, 0, o);
		xlsx_put_lieu(sh, 2, l);
	}
}

static void directory_lieux(struct sheet *sh)
{
	xlsx_sheet_cols(sh, xlsx_org_cols, 2);
	xlsx_sheet_cols(sh, xlsx_lieu_cols, xlsx_n_lieu);
	each_org(sh, lieu_rows);
}

static void offre_row(struct sheet *sh, const struct offre *o)
{
	lxw_col_t c = 2 + xlsx_n_offre;
	if (xlsx_row_next(sh) < 0)
		return;
	xlsx_row_source(sh->bk, o->org, o->line, o->col);
	xlsx_put_org(sh, 0, o->org);
	xlsx_put_offre(sh, 2, o);
	xlsx_put_list(sh, c++, xlsx_joined(sh->bk, &o->lieu_ids, NULL));
	xlsx_put_list(sh, c++, xlsx_joined(sh->bk, &o->competences, NULL));
	xlsx_put_markdown(sh, c, o->objectif, &o->objectif_at);
}

static void offre_rows(struct sheet *sh, const struct organisme *o)
{
	for (size_t k = 0; k < o->n_offres; k++)
		offre_row(sh, &o->offres[k]);
}

static void directory_offres(struct sheet *sh)
{
	xlsx_sheet_cols(sh, xlsx_org_cols, 2);
	xlsx_sheet_cols(sh, xlsx_offre_cols, xlsx_n_offre);
	xlsx_sheet_cols(sh, offre_tail, sizeof(offre_tail) / sizeof(offre_tail[0]));
	each_org(sh, offre_rows);
}

static void link_rows(struct sheet *sh, const struct organisme *org)
{
	for (size_t k = 0; k < org->n_offres; k++) {
		const struct offre *o = &org->offres[k];
		for (size_t l = 0; l < o->n_lieux && xlsx_row_next(sh) == 0; l++) {
			const struct lieu *li = o->lieux[l];
			xlsx_put_text(sh, 0, org->id.s);
			xlsx_put_text(sh, 1, o->id.s);
			xlsx_put_text(sh, 2, li->id.s);
			xlsx_put_text(sh, 3, li->commune ? li->commune->nom : li->commune_nom.s);
			xlsx_put_text(sh, 4, li->dep);
		}
	}
}

static void directory_links(struct sheet *sh)
{
	xlsx_sheet_cols(sh, link_sheet, sizeof(link_sheet) / sizeof(link_sheet[0]));
	each_org(sh, link_rows);
}

static void session_rows(struct sheet *sh, const struct organisme *org)
{
	for (size_t k = 0; k < org->n_offres; k++) {
		const struct offre *o = &org->offres[k];
		for (size_t n = 0; n < o->n_sessions && xlsx_row_next(sh) == 0; n++) {
			xlsx_put_text(sh, 0, org->id.s);
			xlsx_put_text(sh, 1, o->id.s);
			xlsx_put_count(sh, 2, (long)n + 1);
			xlsx_put_date(sh, 3, o->sessions[n].debut);
			xlsx_put_date(sh, 4, o->sessions[n].fin);
			xlsx_put_text(sh, 5, etat_fr(o->sessions[n].etat));
			xlsx_put_count(sh, 6, o->sessions[n].places);
		}
	}
}

static void directory_sessions(struct sheet *sh)
{
	xlsx_sheet_cols(sh, session_sheet, sizeof(session_sheet) / sizeof(session_sheet[0]));
	each_org(sh, session_rows);
}

int directory_book(const struct site *s, struct publish *p, struct cache *cache, struct diags *d,
    const struct build_opts *o, size_t *rows)
{
	static void (*const fill[])(struct sheet *) = {
		directory_orgs, directory_lieux, directory_offres, directory_links, directory_sessions,
	};
	static const char *const names[] = { "Organismes", "Lieux", "Offres", "Offres par lieu", "Sessions" };
	struct book bk;
	int rc = xlsx_book_open(&bk, s, p, cache, PATH_DIRECTORY_XLSX, "Annuaire des organismes et de leurs offres", d,
	    o);
	for (size_t i = 0; rc == 0 && i < sizeof(fill) / sizeof(fill[0]); i++) {
		struct sheet *sh = xlsx_sheet_new(&bk, names[i]);
		if (sh)
			fill[i](sh);
	}
	if (rc == 0)
		xlsx_readme(&bk, "Annuaire des organismes et de leurs offres",
		    "Les feuilles se relient par les identifiants : une offre ou un lieu est désigné par l'identifiant de son organisme et le sien.");
	*rows += bk.rows;
	if (xlsx_book_close(&bk) < 0)
		rc = -1;
	return rc;
}
