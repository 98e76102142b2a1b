/*
 * Unit tests of the derived facts (data/derive.c), the French dates of
 * base/civil.c and the French order of base/collate.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/civil.h"
#include "../../generator/base/collate.h"
#include "../../generator/base/url.h"
#include "../../generator/data/derive.h"
#include "harness.h"
#include "tests.h"

void test_civil_fr(void)
{
	char out[CIVIL_SIZE];
	EXPECT_STR(civil_fr(20260101, out), "1er janvier 2026");
	EXPECT_STR(civil_fr(20260202, out), "2 février 2026");
	EXPECT_STR(civil_fr(20261231, out), "31 décembre 2026");
	EXPECT_STR(civil_fr(20250815, out), "15 août 2025");
	EXPECT_STR(civil_fr(0, out), "");
	EXPECT_STR(civil_iso(20260101, out), "2026-01-01");
	EXPECT_STR(civil_iso(99991231, out), "9999-12-31");
	EXPECT_STR(civil_iso(0, out), "");
}

void test_montant_fr(void)
{
	char out[MONTANT_SIZE];
	EXPECT_STR(montant_fr(49.9, out), "49,90\u00a0€");
	EXPECT_STR(montant_fr(12.5, out), "12,50\u00a0€");
	EXPECT_STR(montant_fr(50, out), "50\u00a0€");
	EXPECT_STR(montant_fr(0, out), "0\u00a0€");
	EXPECT_STR(montant_fr(0.05, out), "0,05\u00a0€");
	EXPECT_STR(montant_fr(1234.5, out), "1\u00a0234,50\u00a0€");
	EXPECT_STR(montant_fr(1234.56, out), "1\u00a0234,56\u00a0€");
	EXPECT_STR(montant_fr(999.999, out), "1\u00a0000\u00a0€");	/* cents round up */
	EXPECT_STR(montant_fr(1234567, out), "1\u00a0234\u00a0567\u00a0€");
	EXPECT_STR(montant_fr(-3.2, out), "-3,20\u00a0€");
}

static int before(const char *a, const char *b)
{
	return collate_fr(a, b) < 0 && collate_fr(b, a) > 0;
}

static int cmp_names(const void *a, const void *b)
{
	return collate_fr(*(const char *const *)a, *(const char *const *)b);
}

void test_collate_fr(void)
{
	EXPECT(before("Évry-Courcouronnes", "Vitry-sur-Seine"));
	EXPECT(before("évry", "Fontenay"));
	EXPECT(before("Oeil", "Œuvre"));
	EXPECT(before("Œuvre", "Ofii"));
	EXPECT(before("œuvre", "Ofii"));
	EXPECT(before("Aérien", "Æsope") && before("Æsope", "Afrique"));
	EXPECT(before("Straße", "Strasz"));
	EXPECT(before("Łódź", "Lyon") && before("Lille", "Łódź"));
	EXPECT(before("L'Haÿ-les-Roses", "L\u2019Île"));	/* typographic apostrophe */
	EXPECT(before("Paris", "Paris 10e") && before("Paris 10e", "Paris 2e"));
	EXPECT(before("Saint Denis", "Saint-Denis"));	/* space before hyphen */
	/* Equal but for accents or case: a total order by bytes. */
	EXPECT(before("Evry", "Évry") || before("Évry", "Evry"));
	EXPECT(collate_fr("Evry", "evry") != 0 && collate_fr("Evry", "evry") == -collate_fr("evry", "Evry"));
	EXPECT(collate_fr("Évry", "Évry") == 0);
	EXPECT(collate_fr(NULL, "") == 0 && before(NULL, "a"));
	/* Invalid UTF-8 after every letter, a truncated sequence read safely. */
	EXPECT(before("a\xc3\xa9z", "a\xff") && before("az", "a\xc3") && before("a", "a\xe2\x82"));
	const char *names[] = { "Vitry-sur-Seine", "Évry-Courcouronnes", "Ofii", "Œuvre", "Oeil",
		"Aubervilliers", "Évry", "Evry", "Élancourt" };
	qsort(names, sizeof(names) / sizeof(names[0]), sizeof(names[0]), cmp_names);
	EXPECT_STR(names[0], "Aubervilliers");
	EXPECT_STR(names[1], "Élancourt");
	EXPECT_STR(names[2], "Evry");
	EXPECT_STR(names[3], "Évry");
	EXPECT_STR(names[4], "Évry-Courcouronnes");
	EXPECT_STR(names[5], "Oeil");
	EXPECT_STR(names[6], "Œuvre");
	EXPECT_STR(names[7], "Ofii");
	EXPECT_STR(names[8], "Vitry-sur-Seine");
}

/* collate_key's keys, compared as memcmp then length then the bytes of the
 * strings, order every pair as collate_fr does (the index ranks names so). */
static int key_cmp(const char *a, const char *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	collate_key(a, &x);
	collate_key(b, &y);
	size_t n = x.len < y.len ? x.len : y.len;
	int c = n ? memcmp(x.data, y.data, n) : 0;
	if (!c)
		c = x.len < y.len ? -1 : x.len > y.len;
	if (!c)
		c = strcmp(a ? a : "", b ? b : "");
	buf_release(&x);
	buf_release(&y);
	return c < 0 ? -1 : c > 0;
}

void test_collate_key(void)
{
	const char *names[] = { "Vitry-sur-Seine", "Évry-Courcouronnes", "Ofii", "Œuvre", "Oeil",
		"Aubervilliers", "Évry", "Evry", "evry", "Élancourt", "Straße", "Strasz", "Łódź", "Lyon",
		"L'Haÿ-les-Roses", "L\u2019Île", "Paris", "Paris 10e", "Paris 2e", "Saint Denis",
		"Saint-Denis", "Æsope", "Aérien", "a\xc3\xa9z", "a\xff", "az", "a\xc3", "a", "a\xe2\x82",
		"ĳssel", "ijssel", "\xf4\x8f\xbf\xbf", "\xf7\xbf\xbf\xbf", "\xf8", "×", "x", "", NULL };
	size_t n = sizeof(names) / sizeof(names[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n; k++)
			EXPECT(key_cmp(names[i], names[k]) == collate_fr(names[i], names[k]));
	struct buf b = BUF_INIT;
	collate_key("Éa", &b);
	EXPECT(b.len == 6 && memcmp(b.data, "\0\0e\0\0a", 6) == 0);
	/* Appended after what the buffer holds, ASCII (folded in place) and
	 * not, NUL-terminated. */
	collate_key("Zæ-œB’", &b);
	EXPECT(b.len == 6 + 24 && memcmp(b.data + 6, "\0\0z\0\0a\0\0e\0\0-\0\0o\0\0e\0\0b\0\0'", 24) == 0 &&
	    b.data[b.len] == '\0');
	buf_release(&b);
}

void test_derive_offre(void)
{
	struct organisme org = { .has_contact = 1, .contact = { .nom = "Accueil" } };
	struct session se[3] = {
		{ .etat = ETAT_FERME, .places = 4 },
		{ .etat = ETAT_SUSPENDU, .places = -1 },
		{ .etat = ETAT_OUVERT, .places = 5 },
	};
	struct offre o = { .org = &org, .sessions = se, .n_sessions = 2 };
	long places;
	EXPECT(offre_contact(&o) == &org.contact);
	o.has_contact = 1;
	EXPECT(offre_contact(&o) == &o.contact);
	org.has_contact = 0;
	o.has_contact = 0;
	EXPECT(offre_contact(&o) == NULL);
	/* Suspended wins over closed whatever their order; open over both. */
	EXPECT(offre_recrutement(&o, &places) == ETAT_SUSPENDU && places == -1);
	o.n_sessions = 1;
	EXPECT(offre_recrutement(&o, &places) == ETAT_FERME && places == -1);
	o.n_sessions = 3;
	EXPECT(offre_recrutement(&o, &places) == ETAT_OUVERT && places == 5);
	o.n_sessions = 0;
	EXPECT(offre_recrutement(&o, &places) == -1 && places == -1);
	EXPECT_STR(etat_inscriptions(ETAT_OUVERT, 1), "Inscriptions ouvertes");
	EXPECT_STR(etat_inscriptions(ETAT_FERME, 0), "inscriptions fermées");
	EXPECT_STR(etat_code(ETAT_FERME), "ferme");
	EXPECT_STR(etat_fr(ETAT_SUSPENDU), "Suspendu");
}

/* An offer's levels on a scale, one by one (offre_takes_level) and all at
 * once (offre_takes_levels, what the parcours keys read): the same, for
 * ranges with and without each bound and target, on and off the scale. */
void test_takes_levels(void)
{
	static struct level lv[5] = { { "A1.1", "", 1 }, { "A1", "", 2 }, { "A2", "", 3 }, { "B1", "", 4 },
		{ "B2", "", 5 } };
	struct scale sc = { "cecrl", "CECRL", lv, 5 }, other = { "anlci", "ANLCI", lv, 2 };
	static const char *const codes[] = { NULL, "A1.1", "A1", "B1", "B2", "Z9" };
	size_t nc = sizeof(codes) / sizeof(codes[0]), taken = 0;
	for (size_t a = 0; a < nc; a++)
		for (size_t b = 0; b < nc; b++)
			for (size_t v = 0; v < nc; v++)
				for (int on = 0; on < 3; on++) {
					struct offre o = { 0 };
					o.scale = on == 0 ? NULL : on == 1 ? &sc : &other;
					o.entree_min.s = codes[a];
					o.entree_max.s = codes[b];
					o.vise.s = codes[v];
					unsigned char all[5];
					offre_takes_levels(&o, &sc, all);
					for (size_t k = 0; k < sc.n; k++) {
						EXPECT(all[k] == offre_takes_level(&o, &sc, k));
						taken += all[k];
					}
					EXPECT(!offre_takes_level(&o, &sc, sc.n));
				}
	EXPECT(taken > 0);
	/* From A1 to B1 aiming at B1: A1 and A2. From A1.1 alone: A1.1 only. */
	struct offre o = { .scale = &sc, .entree_min = { "A1" }, .entree_max = { "B1" }, .vise = { "B1" } };
	unsigned char all[5];
	offre_takes_levels(&o, &sc, all);
	EXPECT(!all[0] && all[1] && all[2] && !all[3] && !all[4]);
	o = (struct offre){ .scale = &sc, .entree_min = { "A1.1" } };
	offre_takes_levels(&o, &sc, all);
	EXPECT(all[0] && !all[1] && !all[2] && !all[3] && !all[4]);
}

/* The map links of a lieu: its coordinates with five decimals, nothing else. */
void test_lieu_url(void)
{
	char out[LIEU_URL_SIZE];
	struct lieu l = { .lat = 48.9362, .lon = 2.3574 };
	EXPECT_STR(lieu_url(&l, LIEU_OSM, out),
	    "https://www.openstreetmap.org/?mlat=48.93620&mlon=2.35740#map=17/48.93620/2.35740");
	EXPECT_STR(lieu_url(&l, LIEU_ITINERAIRE, out),
	    "https://www.openstreetmap.org/directions?route=%3B48.93620%2C2.35740");
	EXPECT_STR(lieu_url(&l, LIEU_GEO, out), "geo:48.93620,2.35740");
	l.lon = -0.000004;	/* "-0.00000": still a point url_is_geo accepts */
	EXPECT(url_is_geo(lieu_url(&l, LIEU_GEO, out)));
	l.lat = NAN;
	EXPECT_STR(lieu_url(&l, LIEU_GEO, out), "");
}
