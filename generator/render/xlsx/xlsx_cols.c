/*
 * The column groups shared by the workbooks (organisation, offer, lieu),
 * the cells that fill them from the model, and the "Lisez-moi" sheet that
 * says what every column holds.
 */
#include <string.h>

#include "../opendata.h"
#include "xlsx_int.h"

/* The "Lisez-moi" sheet, added last: what the workbook is, where the data
 * come from, their date and licence, then every column of every sheet. */
void xlsx_readme(struct book *bk, const char *what, const char *extra)
{
	const struct site *s = bk->s;
	lxw_worksheet *ws = xlsx_add_worksheet(bk, "Lisez-moi");
	if (!ws)
		return;
	xlsx_ok(bk, worksheet_set_column(ws, 0, 0, 26, NULL));
	xlsx_ok(bk, worksheet_set_column(ws, 1, 1, 34, NULL));
	xlsx_ok(bk, worksheet_set_column(ws, 2, 2, 100, bk->wrap));
	lxw_row_t r = 0;
	xlsx_cell(bk, ws, "Lisez-moi", r++, 0, what, bk->title);
	r++;
	xlsx_cell(bk, ws, "Lisez-moi", r, 0, "Source", NULL);
	buf_reset(&bk->list);
	buf_printf(&bk->list, "%s, à partir des fiches tenues à jour par les organismes", s->titre);
	xlsx_cell(bk, ws, "Lisez-moi", r++, 1, bk->list.data, NULL);
	xlsx_cell(bk, ws, "Lisez-moi", r, 0, "Données mises à jour le", NULL);
	if (s->last_update) {
		lxw_datetime dt = { s->last_update / 10000, s->last_update / 100 % 100, s->last_update % 100, 0, 0, 0 };
		xlsx_ok(bk, worksheet_write_datetime(ws, r, 1, &dt, bk->date));
	}
	r++;
	xlsx_cell(bk, ws, "Lisez-moi", r, 0, "Licence", NULL);
	if (s->licence && *s->licence)
		xlsx_cell(bk, ws, "Lisez-moi", r, 1, s->licence, NULL);
	r++;
	xlsx_cell(bk, ws, "Lisez-moi", r, 0, "Site", NULL);
	if (s->base_url && *s->base_url)
		xlsx_cell(bk, ws, "Lisez-moi", r, 1, s->base_url, NULL);
	r++;
	if (extra) {
		xlsx_cell(bk, ws, "Lisez-moi", r, 0, "À savoir", NULL);
		xlsx_cell(bk, ws, "Lisez-moi", r++, 1, extra, NULL);
	}
	r++;
	xlsx_cell(bk, ws, "Lisez-moi", r, 0, "Feuille", bk->head);
	xlsx_cell(bk, ws, "Lisez-moi", r, 1, "Colonne", bk->head);
	xlsx_cell(bk, ws, "Lisez-moi", r++, 2, "Contenu", bk->head);
	for (size_t i = 0; i < bk->n_sheets; i++)
		for (lxw_col_t c = 0; c < bk->sheets[i].ncol; c++, r++) {
			xlsx_cell(bk, ws, "Lisez-moi", r, 0, bk->sheets[i].name, NULL);
			xlsx_cell(bk, ws, "Lisez-moi", r, 1, bk->sheets[i].cols[c]->head, NULL);
			xlsx_cell(bk, ws, "Lisez-moi", r, 2, bk->sheets[i].cols[c]->meaning, bk->wrap);
		}
}

const struct col xlsx_org_cols[] = {
	{ "Organisme", "Nom de l'organisme" },
	{ "Identifiant de l'organisme", "Identifiant unique de l'organisme (sa page : organismes/<identifiant>/) ; relie les feuilles entre elles" },
};

const struct col xlsx_offre_cols[] = {
	{ "Identifiant de l'offre", "Identifiant de l'offre, unique dans son organisme" },
	{ "Intitulé", "Intitulé de l'offre" },
	{ "Types", "Types d'offre, séparés par « ; »" },
	{ "Parcours", "Parcours : intégration, insertion ou professionnel" },
	{ "Échelle de niveaux", "Échelle des niveaux d'entrée et visé (CECRL, degrés ANLCI…)" },
	{ "Niveau d'entrée minimum", "Niveau le plus bas accepté à l'entrée" },
	{ "Niveau d'entrée maximum", "Niveau le plus haut accepté à l'entrée" },
	{ "Niveau visé", "Niveau visé à la sortie" },
	{ "Écrit requis", "Oui si l'écrit est demandé à l'entrée ; vide si non renseigné" },
	{ "Publics", "Publics visés, séparés par « ; »" },
	{ "Âge minimum", "Âge minimum, en années (nombre)" },
	{ "Financeurs", "Financeurs (codes LHÉO), séparés par « ; »" },
	{ "Conventionnée", "Oui si l'offre est financée par un financeur public" },
	{ "Éligible au CPF", "Oui si l'offre est éligible au compte personnel de formation" },
	{ "Certification", "Certification préparée" },
	{ "Gratuite", "Oui si l'offre est gratuite pour la personne" },
	{ "Coût (€)", "Prix pour la personne, en euros (nombre)" },
	{ "Précisions sur le coût", "Précisions sur le coût (adhésion, prise en charge…)" },
	{ "Enseignement", "Présentiel, mixte ou à distance" },
	{ "Entrées et sorties", "Permanentes, ou à dates fixes" },
	{ "Heures par semaine", "Heures de formation par semaine (nombre)" },
	{ "Durée (semaines)", "Durée en semaines (nombre)" },
	{ "Horaires", "Jours et heures des cours, en clair" },
	{ "Garde d'enfants", "Oui si une garde d'enfants est proposée" },
	{ "Places par groupe", "Places par groupe (nombre)" },
	{ "Sessions", "Nombre de sessions annoncées" },
	{ "Début des sessions", "Date de début de la première session (date)" },
	{ "Fin des sessions", "Date de fin de la dernière session (date)" },
	{ "Recrutement", "Ouvert si une session recrute, sinon suspendu ou fermé ; vide sans session" },
	{ "Places disponibles", "Places disponibles dans les sessions ouvertes (nombre)" },
};
const size_t xlsx_n_offre = sizeof(xlsx_offre_cols) / sizeof(xlsx_offre_cols[0]);

const struct col xlsx_lieu_cols[] = {
	{ "Identifiant du lieu", "Identifiant du lieu, unique dans son organisme" },
	{ "Lieu", "Nom du lieu" },
	{ "Adresse", "Adresse (rue)" },
	{ "Code postal", "Code postal" },
	{ "Commune", "Commune" },
	{ "Code INSEE", "Code officiel de la commune" },
	{ "Département", "Numéro du département" },
	{ "Nom du département", "Nom du département" },
	{ "Latitude", "Latitude WGS84 (nombre)" },
	{ "Longitude", "Longitude WGS84 (nombre)" },
	{ "Position", "« lieu » si les coordonnées sont celles du lieu, « commune » si ce sont celles du centre de la commune" },
	{ "Accès PMR", "Oui si le lieu est accessible en fauteuil roulant ; vide si non renseigné" },
	{ "Transports", "Transports en commun" },
	{ "Horaires d'accueil", "Horaires d'ouverture de l'accueil, en clair" },
};
const size_t xlsx_n_lieu = sizeof(xlsx_lieu_cols) / sizeof(xlsx_lieu_cols[0]);

static const char *const ens_fr[] = { NULL, "Présentiel", "Mixte", "À distance" };
static const char *const entrees_fr[] = { NULL, "Permanentes", "Dates fixes" };


/* A list of codes as their labels, "; " between them, in bk->list (for
 * xlsx_put_list). */
const char *xlsx_joined(struct book *bk, const struct svals *v, const struct vocab_list *l)
{
	buf_reset(&bk->list);
	bk->list_said = 0;
	for (size_t i = 0; i < v->n; i++) {
		const char *t = l ? vocab_label(l, v->v[i].s) : v->v[i].s;
		if (i)
			buf_puts(&bk->list, "; ");
		buf_puts(&bk->list, t);
		bk->list_said |= xlsx_said(t);
	}
	return bk->list.data;
}

static const char *scale_title(const struct site *s, const char *id)
{
	for (size_t i = 0; id && i < s->vocab.n_echelles; i++)
		if (strcmp(s->vocab.echelles[i].id, id) == 0 && s->vocab.echelles[i].titre)
			return s->vocab.echelles[i].titre;
	return id;
}


void xlsx_put_offre(struct sheet *sh, lxw_col_t c, const struct offre *o)
{
	struct book *bk = sh->bk;
	const struct vocab *v = &bk->s->vocab;
	char hours[256];
	xlsx_put_text(sh, c++, o->id.s);
	xlsx_put_text(sh, c++, o->intitule);
	xlsx_put_list(sh, c++, xlsx_joined(bk, &o->types, &v->types_offre));
	xlsx_put_text(sh, c++, vocab_label(&v->parcours, o->parcours.s));
	xlsx_put_text(sh, c++, scale_title(bk->s, o->echelle.s));
	xlsx_put_text(sh, c++, o->entree_min.s);
	xlsx_put_text(sh, c++, o->entree_max.s);
	xlsx_put_text(sh, c++, o->vise.s);
	xlsx_put_tri(sh, c++, o->ecrit_requis);
	xlsx_put_list(sh, c++, xlsx_joined(bk, &o->publics, &v->publics));
	xlsx_put_count(sh, c++, o->age_min);
	xlsx_put_list(sh, c++, xlsx_joined(bk, &o->financeurs, &v->financeurs));
	xlsx_put_tri(sh, c++, o->conventionne);
	xlsx_put_tri(sh, c++, o->cpf);
	xlsx_put_text(sh, c++, o->cert_intitule);
	xlsx_put_tri(sh, c++, o->gratuit);
	if (o->has_montant)
		xlsx_put_num(sh, c, o->montant, bk->money);
	c++;
	xlsx_put_text(sh, c++, o->cout_precisions);
	xlsx_put_text(sh, c++, ens_fr[o->enseignement]);
	xlsx_put_text(sh, c++, entrees_fr[o->entrees]);
	if (o->heures_semaine >= 0)
		xlsx_put_num(sh, c, o->heures_semaine, NULL);
	c++;
	xlsx_put_count(sh, c++, o->duree_semaines);
	hours_french(o->heures, hours, sizeof(hours));
	xlsx_put_text(sh, c++, hours);
	xlsx_put_tri(sh, c++, o->garde_enfants);
	xlsx_put_count(sh, c++, o->places);
	xlsx_put_count(sh, c++, (long)o->n_sessions);
	int first = 0, last = 0;
	for (size_t i = 0; i < o->n_sessions; i++) {
		if (o->sessions[i].debut && (!first || o->sessions[i].debut < first))
			first = o->sessions[i].debut;
		if (o->sessions[i].fin > last)
			last = o->sessions[i].fin;
	}
	xlsx_put_date(sh, c++, first);
	xlsx_put_date(sh, c++, last);
	long places;
	int e = offre_recrutement(o, &places);
	xlsx_put_text(sh, c++, e < 0 ? NULL : etat_fr((enum etat)e));
	xlsx_put_count(sh, c, places);
}

void xlsx_put_lieu(struct sheet *sh, lxw_col_t c, const struct lieu *l)
{
	struct book *bk = sh->bk;
	char hours[256];
	xlsx_put_text(sh, c++, l->id.s);
	xlsx_put_text(sh, c++, l->denomination);
	buf_reset(&bk->list);
	bk->list_said = 0;
	for (size_t i = 0; i < l->n_lignes; i++) {
		buf_printf(&bk->list, "%s%s", i ? ", " : "", l->lignes[i]);
		bk->list_said |= xlsx_said(l->lignes[i]);
	}
	xlsx_put_list(sh, c++, bk->list.data);
	xlsx_put_text(sh, c++, l->code_postal.s);
	xlsx_put_text(sh, c++, l->commune ? l->commune->nom : l->commune_nom.s);
	xlsx_put_text(sh, c++, l->code_insee.s);
	xlsx_put_text(sh, c++, l->dep);
	xlsx_put_text(sh, c++, geo_dep_name(&bk->s->geo, l->dep));
	xlsx_put_num(sh, c++, l->lat, bk->coord);
	xlsx_put_num(sh, c++, l->lon, bk->coord);
	xlsx_put_text(sh, c++, l->has_geo ? "lieu" : "commune");
	xlsx_put_tri(sh, c++, l->acces_pmr);
	xlsx_put_text(sh, c++, l->transports);
	hours_french(l->accueil, hours, sizeof(hours));
	xlsx_put_text(sh, c, hours);
}

void xlsx_put_org(struct sheet *sh, lxw_col_t c, const struct organisme *o)
{
	xlsx_put_text(sh, c, o->nom);
	xlsx_put_text(sh, c + 1, o->id.s);
}


const char *xlsx_page_url(struct book *bk, const char *path)
{
	buf_reset(&bk->scratch);
	buf_printf(&bk->scratch, "%s%s", bk->s->base_url ? bk->s->base_url : "", path);
	return bk->scratch.data;
}

void xlsx_row_source(struct book *bk, const struct organisme *org, uint32_t line, uint32_t col)
{
	bk->src_file = org->file;
	bk->src_line = line;
	bk->src_col = col;
}
