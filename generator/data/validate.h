/*
 * Validation: the cross-file rules of the contract (every reference resolves,
 * ids are unique, levels are ordered, coordinates are in the territory…).
 * Runs after loading, before indexing. Reports to d; changes only the
 * resolved pointers of the model (lieu->commune, offre->lieux, corr->de…).
 */
#ifndef CARTO_VALIDATE_H
#define CARTO_VALIDATE_H

struct site;
struct diags;

/* The placeholders `carto new organisme` writes: check warns for each one
 * left in an organisation, so a draft checks but is not published as is. */
#define VALIDATE_TODO_NOM "Nom de l'organisme"
#define VALIDATE_TODO_TELEPHONE "00 00 00 00 00"
#define VALIDATE_TODO_COURRIEL "a-remplacer@exemple.invalid"
#define VALIDATE_TODO_LIGNE "Adresse à remplacer"

/* The examples of the legal notice that `carto init` writes (init/site.yaml,
 * pages_legales): check warns for each one left, since the legal notice of
 * a public site must name the real publisher, director and contact (README,
 * "Legal pages"). tests/install.sh keeps them equal to the file's. */
#define VALIDATE_TODO_EDITEUR "Votre organisme, 1 place de l'Exemple, 75000 Paris"
#define VALIDATE_TODO_DIRECTEUR "Prénom Nom, fonction"
#define VALIDATE_TODO_CONTACT "contact@exemple.org"

/* today is YYYYMMDD, for the freshness warning; organisations are checked
 * on jobs threads. */
void validate_site(struct site *s, int today, int jobs, struct diags *d);
/* The same, with what each organisation's own checks report (those that
 * read no other organisation) in own, for orgrec_remember (data/orgrec.h);
 * the caller merges own into d. An organisation taken from its record
 * (remembered) is not checked again: its record holds what they reported. */
void validate_site_own(struct site *s, int today, int jobs, struct diags *d, struct diags *own);
/* Returns 1 when (lon, lat) lies inside one of the département outlines. */
int geo_in_territory(const struct site *s, double lon, double lat);
/* Returns 1 when s is an e-mail address as the contract accepts it. */
int is_email(const char *s);

#endif
