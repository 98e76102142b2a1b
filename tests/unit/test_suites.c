/*
 * Unit tests of the suites rule (data/index_suites.c, rule in index.h) on a
 * small site built in memory, with answers worked out by hand: the level
 * taken at entry, the public, the recruitment, the distance order and same
 * département first. Distances were computed by hand from the coordinates
 * (equirectangular, 111.19 km a degree, cos 48.93° = 0.657) and agree with
 * haversine to 0.01 km.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../generator/base/buf.h"
#include "../../generator/base/collate.h"
#include "../../generator/base/strmap.h"
#include "../../generator/data/derive.h"
#include "../../generator/data/index.h"
#include "../../generator/data/model.h"
#include "harness.h"
#include "tests.h"

static struct level cecrl[] = {
	{ "A1.1", "A1.1", 1 }, { "A1", "A1", 2 }, { "A2", "A2", 3 }, { "B1", "B1", 4 },
};
static struct level anlci[] = { { "D1", "D1", 1 }, { "D2", "D2", 2 } };

/* Saint-Denis (93), Aubervilliers (93, 3.00 km), Paris 18e (75, 4.95 km),
 * Bobigny (93, 6.75 km), Montreuil (93, 10.48 km), Porte de la Chapelle (75,
 * 4.14 km). */
static struct lieu lieux[] = {
	{ .id = { .s = "sd" }, .dep = "93", .lat = 48.9362, .lon = 2.3574 },
	{ .id = { .s = "aub" }, .dep = "93", .lat = 48.9146, .lon = 2.3821 },
	{ .id = { "p18" }, .dep = "75", .lat = 48.8925, .lon = 2.3444 },
	{ .id = { .s = "bob" }, .dep = "93", .lat = 48.9086, .lon = 2.4397 },
	{ .id = { .s = "mtr" }, .dep = "93", .lat = 48.8634, .lon = 2.4485 },
	{ .id = { .s = "chapelle" }, .dep = "75", .lat = 48.8990, .lon = 2.3590 },
};

static struct sval femmes[] = { { .s = "femmes" } }, tous[] = { { .s = "tous-publics" } },
	femmes_parents[] = { { .s = "parents-eleves" }, { .s = "femmes" } }, salaries[] = { { .s = "salaries" } };
static struct session open_s[] = { { .etat = ETAT_OUVERT, .places = -1 } },
	closed_s[] = { { .etat = ETAT_FERME, .places = -1 } },
	suspended_s[] = { { .etat = ETAT_SUSPENDU, .places = -1 } };

struct spec {
	const char *id, *echelle, *min, *max, *vise;
	struct sval *publics;
	size_t n_publics;
	enum entrees entrees;
	struct session *sessions;
	int lieu1, lieu2;		/* -1: none */
};

#define PUB(p) p, sizeof(p) / sizeof(p[0])
static const struct spec specs[] = {
	/* The offer whose suites are asked: A1.1 at entry, aims at A1, for women. */
	{ "a", "cecrl", "A1.1", "A1.1", "A1", PUB(femmes), ENTREES_PERMANENTES, NULL, 0, -1 },
	{ "b-aub", "cecrl", "A1", "A2", "A2", PUB(tous), ENTREES_DATES_FIXES, open_s, 1, -1 },
	{ "b-paris", "cecrl", "A1", "A1", "A2", NULL, 0, ENTREES_PERMANENTES, NULL, 2, -1 },
	{ "b-bob", "cecrl", "A1.1", "A1", "A2", PUB(femmes_parents), ENTREES_DATES_FIXES, open_s, 3, -1 },
	{ "b-closed", "cecrl", "A1", "A1", "A2", PUB(tous), ENTREES_DATES_FIXES, closed_s, 1, -1 },
	{ "b-public", "cecrl", "A1", "A1", "A2", PUB(salaries), ENTREES_DATES_FIXES, open_s, 1, -1 },
	{ "b-level", "cecrl", "A2", "B1", "B1", PUB(tous), ENTREES_DATES_FIXES, open_s, 1, -1 },
	{ "b-same", "cecrl", "A1", "A1", "A1", PUB(tous), ENTREES_DATES_FIXES, open_s, 1, -1 },
	{ "b-suspended", "cecrl", "A1", "A1", "A2", PUB(tous), ENTREES_PERMANENTES, suspended_s, 1, -1 },
	{ "b-mtr", "cecrl", "A1", NULL, "B1", PUB(tous), ENTREES_PERMANENTES, NULL, 4, -1 },
	{ "b-anlci", "anlci", "D1", "D2", "D2", PUB(tous), ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "b-two", "cecrl", "A1", "A2", "B1", PUB(tous), ENTREES_PERMANENTES, NULL, 2, 4 },
	/* For women, in Paris: nearer than b-paris, found in the second pass
	 * after the offers open to all have already filled the list. */
	{ "b-f75", "cecrl", "A1", "A1", "A2", PUB(femmes), ENTREES_DATES_FIXES, open_s, 5, -1 },
};
#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

/* One organisation per offer, named so that "b-two" (Aaa) sorts before
 * "b-mtr" (Bbb) at the same distance. */
static const char *org_name(const char *id)
{
	return strcmp(id, "b-two") == 0 ? "Aaa" : strcmp(id, "b-mtr") == 0 ? "Bbb" : id;
}

/* Sets o's levels, publics, sessions and lieux (into ol) from p. */
static void offre_of_spec(struct offre *o, const struct spec *p, struct scale *scales,
    const struct lieu **ol)
{
	o->echelle.s = p->echelle;
	for (size_t k = 0; k < 2; k++)
		if (p->echelle && !strcmp(scales[k].id, p->echelle))
			o->scale = &scales[k];
	o->entree_min.s = p->min;
	o->entree_max.s = p->max;
	o->vise.s = p->vise;
	o->publics = (struct svals){ p->publics, p->n_publics };
	o->entrees = p->entrees;
	o->sessions = p->sessions;
	o->n_sessions = p->sessions ? 1 : 0;
	ol[0] = &lieux[p->lieu1];
	ol[1] = p->lieu2 >= 0 ? &lieux[p->lieu2] : NULL;
	o->lieux = ol;
	o->n_lieux = p->lieu2 >= 0 ? 2 : 1;
}

/* The arrays of a small site of n offers made from specs. */
struct mini {
	struct organisme orgs[N_SPECS], *porgs[N_SPECS];
	struct offre offres[N_SPECS];
	const struct lieu *ol[N_SPECS][2];
};

static void mini_site(struct site *s, struct mini *m, const struct spec *sp, size_t n,
    struct scale *scales)
{
	memset(m, 0, sizeof(*m));
	s->vocab.echelles = scales;
	s->vocab.n_echelles = 2;
	for (size_t i = 0; i < n; i++) {
		const struct spec *p = &sp[i];
		struct offre *o = &m->offres[i];
		m->orgs[i].id.s = p->id;
		m->orgs[i].nom = org_name(p->id);
		m->orgs[i].offres = o;
		m->orgs[i].n_offres = 1;
		m->porgs[i] = &m->orgs[i];
		o->org = &m->orgs[i];
		o->id.s = p->id;
		o->intitule = p->id;
		offre_of_spec(o, p, scales, m->ol[i]);
	}
	s->organismes = m->porgs;
	s->n_organismes = n;
}

/* index_suites_may_follow, which the suites memo trusts to say that an
 * offer can be none of another's suites, says "may" for every suite found
 * (returns how many pairs it ruled out, for the callers to check that it
 * rules out some). */
static size_t expect_may_follow(const struct site *s)
{
	size_t out = 0;
	for (size_t i = 0; i < s->n_organismes; i++)
		for (size_t k = 0; k < s->organismes[i]->n_offres; k++) {
			const struct offre *a = &s->organismes[i]->offres[k];
			for (size_t e = 0; e < a->n_suites; e++)
				EXPECT(index_suites_may_follow(s, a, a->suites[e].o));
			for (size_t j = 0; j < s->n_organismes; j++)
				for (size_t q = 0; q < s->organismes[j]->n_offres; q++)
					out += !index_suites_may_follow(s, a, &s->organismes[j]->offres[q]);
		}
	return out;
}

void test_suites(void)
{
	static struct scale scales[2] = { { "cecrl", "CECRL", cecrl, 4 }, { "anlci", "ANLCI", anlci, 2 } };
	static struct mini m;
	struct offre *offres = m.offres;
	struct site s = { .arena = ARENA_INIT };
	mini_site(&s, &m, specs, N_SPECS, scales);
	index_suites(&s, 2);
	EXPECT(expect_may_follow(&s) > 0);
	/* Closed, other public, level not taken, no step up, suspended, other
	 * scale: never. */
	for (size_t i = 4; i <= 10; i++)
		if (i != 9)
			EXPECT(!index_suites_may_follow(&s, &offres[0], &offres[i]));

	/* Same département first, nearest first; b-f75, nearer than three of
	 * them, comes last from another département, before b-paris (4.95 km,
	 * sixth); at equal distance the organisation's name decides; closed,
	 * suspended, other public, level not taken, no step up, other scale
	 * are left out. */
	const struct offre *a = &offres[0];
	static const char *const want[] = { "b-aub", "b-bob", "b-two", "b-mtr", "b-f75" };
	static const double km[] = { 3.00, 6.75, 10.48, 10.48, 4.14 };
	EXPECT(a->n_suites == 5);
	for (size_t i = 0; i < 5 && i < a->n_suites; i++) {
		EXPECT_STR(a->suites[i].o->id.s, want[i]);
		EXPECT(fabs(a->suites[i].km - km[i]) < 0.01);
		EXPECT(a->suites[i].same_dep == (i < 4));
		EXPECT(a->suites[i].from == &lieux[0]);
	}
	if (a->n_suites == 5) {
		EXPECT(a->suites[2].to == &lieux[4]);	/* b-two's lieu in the 93 */
		EXPECT_STR(a->suites[1].public, "femmes");
		EXPECT(a->suites[0].public == NULL);
		EXPECT_STR(a->suites[4].public, "femmes");
		struct buf b = BUF_INIT;
		suite_reason(&b, &s.vocab, a, &a->suites[1]);
		EXPECT_STR(b.data, "Accueille le niveau A1 visé ici (entrée de A1.1 à A1, vise A2)\u00a0; "
		    "même public\u00a0: femmes\u00a0; inscriptions ouvertes\u00a0; à 6,8\u00a0km, dans le même département.");
		buf_reset(&b);
		suite_reason(&b, &s.vocab, a, &a->suites[4]);
		EXPECT_STR(b.data, "Accueille le niveau A1 visé ici (entrée en A1, vise A2)\u00a0; "
		    "même public\u00a0: femmes\u00a0; inscriptions ouvertes\u00a0; à 4,1\u00a0km, dans un autre département.");
		buf_reset(&b);
		suite_reason(&b, &s.vocab, a, &a->suites[3]);
		EXPECT_STR(b.data, "Accueille le niveau A1 visé ici (entrée dès A1, vise B1)\u00a0; "
		    "ouverte à tous les publics\u00a0; entrées permanentes\u00a0; à 10,5\u00a0km, dans le même département.");
		buf_release(&b);
	}
	/* b-aub aims at A2: b-level at the same lieu, then b-two and b-mtr
	 * (whose entry has no max: up to the end of the scale) at Montreuil,
	 * 7.48 km away. */
	EXPECT(offres[1].n_suites == 3);
	if (offres[1].n_suites == 3) {
		EXPECT(offres[1].suites[0].o == &offres[6] && offres[1].suites[0].km == 0);
		EXPECT(offres[1].suites[1].o == &offres[11] && offres[1].suites[2].o == &offres[9]);
		EXPECT(fabs(offres[1].suites[2].km - 7.48) < 0.01);
	}
	/* B1 is the top of what anyone here takes: no suite. */
	EXPECT(offres[6].n_suites == 0 && offres[9].n_suites == 0);
	char out[KM_SIZE];
	EXPECT_STR(km_fr(1.24, out), "1,2\u00a0km");
	EXPECT_STR(km_fr(0.05, out), "0,1\u00a0km");
	EXPECT_STR(km_fr(12.0, out), "12,0\u00a0km");
	arena_free(&s.arena);
}

/* Suites across scales through a correspondence (anlci D1 = cecrl A1.1, D2
 * = A1), read both ways; all offers open to all with permanent entries.
 * Distances by haversine from the coordinates above: Saint-Denis to
 * Aubervilliers 3.00 km, to Paris 18e 4.95 km; Bobigny to Montreuil 5.07,
 * to Saint-Denis 6.75, to Porte de la Chapelle 5.99, to Paris 18e 7.19. */
static const struct spec cross[] = {
	{ "x", "anlci", "D1", "D1", "D2", NULL, 0, ENTREES_PERMANENTES, NULL, 0, -1 },
	{ "y-cecrl", "cecrl", "A1", "A2", "A2", NULL, 0, ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "y-low", "cecrl", "A1.1", "A1.1", "A1", NULL, 0, ENTREES_PERMANENTES, NULL, 4, -1 },
	{ "y-noup", "cecrl", "A1", "A1", "A1", NULL, 0, ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "y-paris", "cecrl", "A1.1", "A2", "B1", NULL, 0, ENTREES_PERMANENTES, NULL, 2, -1 },
	{ "z", "cecrl", "A1.1", "A1.1", "A1.1", NULL, 0, ENTREES_PERMANENTES, NULL, 3, -1 },
	{ "w", "anlci", "D1", "D2", "D2", NULL, 0, ENTREES_PERMANENTES, NULL, 5, -1 },
};
#define N_CROSS (sizeof(cross) / sizeof(cross[0]))

void test_suites_scales(void)
{
	static struct scale scales[2] = { { "cecrl", "CECRL", cecrl, 4 }, { "anlci", "ANLCI", anlci, 2 } };
	static struct scale_pair pairs[] = { { "D1", "A1.1" }, { "D2", "A1" } };
	static struct scale_corr corr = { "anlci", "cecrl", "démonstration", pairs, 2 };
	static struct mini m;
	const struct offre *x = &m.offres[0], *z = &m.offres[5];
	struct site s = { .arena = ARENA_INIT };

	/* Without the correspondence: x (anlci, vise D2, the top of its
	 * scale) has no suite; z (vise A1.1) has y-low then y-paris. */
	mini_site(&s, &m, cross, N_CROSS, scales);
	index_suites(&s, 2);
	expect_may_follow(&s);
	EXPECT(x->n_suites == 0);
	EXPECT(z->n_suites == 2 && z->suites[0].o == &m.offres[2] && z->suites[1].o == &m.offres[4]);
	arena_free(&s.arena);

	/* With it: x's D2 is A1, taken by y-cecrl (A1-A2, 93, 3.00 km) and
	 * y-paris (A1.1-A2, 75, 4.95 km); y-low takes only A1.1, y-noup aims
	 * at A1 (no step up). z's A1.1 is D1 too: y-low (93, 5.07) and x (93,
	 * 6.75) in its département, then w (75, 5.99) and y-paris (75, 7.19). */
	s = (struct site){ .arena = ARENA_INIT };
	mini_site(&s, &m, cross, N_CROSS, scales);
	s.vocab.corr = &corr;
	s.vocab.n_corr = 1;
	index_suites(&s, 2);
	expect_may_follow(&s);
	EXPECT(x->n_suites == 2);
	if (x->n_suites == 2) {
		EXPECT(x->suites[0].o == &m.offres[1] && fabs(x->suites[0].km - 3.00) < 0.01 && x->suites[0].same_dep);
		EXPECT(x->suites[1].o == &m.offres[4] && fabs(x->suites[1].km - 4.95) < 0.01 && !x->suites[1].same_dep);
		EXPECT_STR(x->suites[0].via, "A1");
		EXPECT(x->suites[0].corr == &corr);
		struct buf b = BUF_INIT;
		suite_reason(&b, &s.vocab, x, &x->suites[0]);
		EXPECT_STR(b.data, "Accueille le niveau A1, qui correspond au D2 visé ici (correspondance "
		    "anlci – cecrl\u00a0; entrée de A1 à A2, vise A2)\u00a0; "
		    "ouverte à tous les publics\u00a0; entrées permanentes\u00a0; à 3,0\u00a0km, dans le même département.");
		buf_release(&b);
	}
	static const char *const want[] = { "y-low", "x", "w", "y-paris" };
	static const double km[] = { 5.07, 6.75, 5.99, 7.19 };
	static const char *const via[] = { NULL, "D1", "D1", NULL };
	EXPECT(z->n_suites == 4);
	for (size_t i = 0; i < 4 && i < z->n_suites; i++) {
		EXPECT_STR(z->suites[i].o->id.s, want[i]);
		EXPECT(fabs(z->suites[i].km - km[i]) < 0.01);
		EXPECT(via[i] ? z->suites[i].via && !strcmp(z->suites[i].via, via[i]) : !z->suites[i].via);
	}
	arena_free(&s.arena);
}

/* Suites through a correspondence between référentiels (rule 1b): a CléA
 * preparation follows an offer whose Carte de compétences axes the table
 * links to sub-domains it works. The table: A3 -> 5.1, 4.1 from cercle C2;
 * A4 -> 2.2 from C3; the criterion A10.C4 (cercle C4 of axis A10) -> 4.4.
 * Distances as above: Saint-Denis to Aubervilliers 3.00 km, to Paris 18e
 * 4.95 km; Bobigny to Montreuil 5.07 km. */
static struct level cercles[] = { { "C1", "C1", 1 }, { "C2", "C2", 2 }, { "C3", "C3", 3 }, { "C4", "C4", 4 } };
#define CERCLES "carte-competences-idf:cercles"
static const struct spec chain[] = {
	/* cercles C1, vise C2, works A3 and A4, for women, at Saint-Denis. */
	{ "a", CERCLES, "C1", "C1", "C2", PUB(femmes), ENTREES_PERMANENTES, NULL, 0, -1 },
	/* Same scale, takes C2: a level suite on a référentiel's scale. */
	{ "c-next", CERCLES, "C2", "C3", "C4", NULL, 0, ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "k-41", NULL, NULL, NULL, NULL, NULL, 0, ENTREES_PERMANENTES, NULL, 1, -1 },
	/* 2.2 is linked to A4 from C3 only: a reaches C2. */
	{ "k-22", NULL, NULL, NULL, NULL, NULL, 0, ENTREES_PERMANENTES, NULL, 0, -1 },
	{ "k-closed", NULL, NULL, NULL, NULL, PUB(tous), ENTREES_DATES_FIXES, closed_s, 1, -1 },
	{ "k-notype", NULL, NULL, NULL, NULL, NULL, 0, ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "k-public", NULL, NULL, NULL, NULL, PUB(salaries), ENTREES_PERMANENTES, NULL, 1, -1 },
	{ "k-paris", NULL, NULL, NULL, NULL, PUB(femmes), ENTREES_DATES_FIXES, open_s, 2, -1 },
	/* Work axis A10 up to C3 and up to C4, at Bobigny. */
	{ "c3", CERCLES, "C3", "C3", "C3", NULL, 0, ENTREES_PERMANENTES, NULL, 3, -1 },
	{ "c4", CERCLES, "C3", "C3", "C4", NULL, 0, ENTREES_PERMANENTES, NULL, 3, -1 },
	{ "k-44", NULL, NULL, NULL, NULL, NULL, 0, ENTREES_PERMANENTES, NULL, 4, -1 },
	/* Works A3 but on CECRL: no cercle, so no link from C2 applies. */
	{ "on-cecrl", "cecrl", "A1", "A1", "A2", NULL, 0, ENTREES_PERMANENTES, NULL, 0, -1 },
	/* Prepares CléA itself: another CléA preparation is no suite of it. */
	{ "prep", CERCLES, "C1", "C1", "C3", NULL, 0, ENTREES_PERMANENTES, NULL, 0, -1 },
};
#define N_CHAIN (sizeof(chain) / sizeof(chain[0]))

/* The types and competences of chain[i]. */
static const char *const chain_types[N_CHAIN] = { "competences-cles", "competences-cles", "clea", "clea",
	"clea", "competences-cles", "clea", "clea", "competences-cles", "competences-cles", "clea", "fle", "clea" };
static const char *const chain_comp[N_CHAIN][2] = {
	{ "carte-competences-idf:A3", "carte-competences-idf:A4" }, { NULL }, { "clea:4.1" }, { "clea:2.2" },
	{ "clea:5.1" }, { "clea:5.1" }, { "clea:5.1" }, { "clea:5.1", "clea:4.1" },
	{ "carte-competences-idf:A10" }, { "carte-competences-idf:A10" }, { "clea:4.4" },
	{ "carte-competences-idf:A3" }, { "carte-competences-idf:A3" },
};

static struct ref_entry *entry(struct referentiel *r, struct ref_entry *e, enum entry_kind k,
    const char *code, struct ref_entry *parent, const char *niveau)
{
	*e = (struct ref_entry){ .kind = k, .code = code, .titre = code, .parent = parent };
	e->niveau.s = niveau;
	strmap_put(&r->by_code, code, e);
	return e;
}

void test_suites_chain(void)
{
	static struct scale scales[2] = { { "cecrl", "CECRL", cecrl, 4 }, { "anlci", "ANLCI", anlci, 2 } };
	static struct mini m;
	static struct sval types[N_CHAIN], comp[N_CHAIN][2];
	static struct ref_entry ce[5], ke[5];
	struct referentiel carte = { .id = "carte-competences-idf", .titre_court = "Carte de compétences",
		.lib_domaine = "Pôle", .lib_competence = "Axe", .lib_critere = "Critère",
		.echelle = { "cercles", "Cercles", cercles, 4 } };
	struct referentiel clea = { .id = "clea", .titre_court = "CléA", .lib_domaine = "Domaine",
		.lib_competence = "Sous-domaine", .lib_critere = "Critère" };
	entry(&carte, &ce[0], ENTRY_COMPETENCE, "A3", NULL, NULL);
	entry(&carte, &ce[1], ENTRY_COMPETENCE, "A4", NULL, NULL);
	entry(&carte, &ce[3], ENTRY_CRITERE, "A10.C4", entry(&carte, &ce[2], ENTRY_COMPETENCE, "A10", NULL, NULL), "C4");
	static const char *const kc[] = { "4.1", "5.1", "2.2", "4.4" };
	for (size_t i = 0; i < 4; i++)
		entry(&clea, &ke[i], ENTRY_COMPETENCE, kc[i], NULL, NULL);
	static struct sval v1[] = { { .s = "5.1" }, { .s = "4.1" } }, v2[] = { { .s = "2.2" } }, v3[] = { { .s = "4.4" } };
	struct corr_link liens[] = {
		{ .de = { .s = "A3" }, .vers = { v1, 2 }, .niveau_de = { .s = "C2" } },
		{ .de = { .s = "A4" }, .vers = { v2, 1 }, .niveau_de = { .s = "C3" } },
		{ .de = { .s = "A10.C4" }, .vers = { v3, 1 } },
	};
	struct correspondance corr = { .de = &carte, .vers = &clea, .liens = liens, .n_liens = 3 };
	struct correspondance *pcorr = &corr;
	struct referentiel *refs[] = { &carte, &clea };
	struct site s = { .arena = ARENA_INIT };
	mini_site(&s, &m, chain, N_CHAIN, scales);
	s.referentiels = refs;
	s.n_referentiels = 2;
	s.correspondances = &pcorr;
	s.n_correspondances = 1;
	for (size_t i = 0; i < N_CHAIN; i++) {
		struct offre *o = &m.offres[i];
		types[i].s = chain_types[i];
		o->types = (struct svals){ &types[i], 1 };
		size_t n = 0;
		for (size_t k = 0; k < 2; k++)
			if (chain_comp[i][k])
				comp[i][n++].s = chain_comp[i][k];
		o->competences = (struct svals){ comp[i], n };
		if (chain[i].echelle && !strcmp(chain[i].echelle, CERCLES))
			o->scale = &carte.echelle;
	}
	index_suites(&s, 2);
	expect_may_follow(&s);
	const struct offre *o = m.offres;

	/* a: c-next and k-41 at Aubervilliers (3.00 km, by name), then k-paris
	 * in another département (4.95 km); k-22 (2.2 needs C3), k-closed,
	 * k-notype (no CléA type), k-public (other public) are left out. */
	static const char *const want[] = { "c-next", "k-41", "k-paris" };
	EXPECT(o[0].n_suites == 3);
	for (size_t i = 0; i < 3 && i < o[0].n_suites; i++)
		EXPECT_STR(o[0].suites[i].o->id.s, want[i]);
	if (o[0].n_suites == 3) {
		EXPECT(o[0].suites[0].chain == NULL && o[0].suites[1].chain == &corr);
		EXPECT(fabs(o[0].suites[2].km - 4.95) < 0.01 && !o[0].suites[2].same_dep);
		struct buf b = BUF_INIT;
		suite_reason(&b, &s.vocab, &o[0], &o[0].suites[2]);
		EXPECT_STR(b.data, "Prépare CléA\u00a0: les sous-domaines 5.1 et 4.1 correspondent à l'axe A3 "
		    "travaillé ici jusqu'à C2 (correspondance Carte de compétences – CléA)\u00a0; même public\u00a0: "
		    "femmes\u00a0; inscriptions ouvertes\u00a0; à 5,0\u00a0km, dans un autre département.");
		buf_reset(&b);
		suite_reason(&b, &s.vocab, &o[0], &o[0].suites[0]);
		EXPECT_STR(b.data, "Accueille le niveau C2 visé ici (entrée de C2 à C3, vise C4)\u00a0; ouverte à "
		    "tous les publics\u00a0; entrées permanentes\u00a0; à 3,0\u00a0km, dans le même département.");
		buf_release(&b);
	}
	/* c3 reaches cercle C3 only: the criterion A10.C4 is not worked, k-44
	 * is no suite of it; c4 (same lieu) and c-next (Aubervilliers), which
	 * take C3, follow it on the scale. c4 works A10 up to C4, so A10.C4
	 * and k-44 at Montreuil, 5.07 km. */
	EXPECT(o[8].n_suites == 2 && o[8].suites[0].o == &o[9] && o[8].suites[1].o == &o[1]);
	EXPECT(o[9].n_suites == 1 && o[9].suites[0].o == &o[10]);
	if (o[9].n_suites == 1) {
		EXPECT(fabs(o[9].suites[0].km - 5.07) < 0.01 && o[9].suites[0].same_dep);
		struct buf b = BUF_INIT;
		suite_reason(&b, &s.vocab, &o[9], &o[9].suites[0]);
		EXPECT_STR(b.data, "Prépare CléA\u00a0: le sous-domaine 4.4 correspond au critère A10.C4 travaillé "
		    "ici jusqu'à C4 (correspondance Carte de compétences – CléA)\u00a0; ouverte à tous les publics\u00a0; "
		    "entrées permanentes\u00a0; à 5,1\u00a0km, dans le même département.");
		/* The nouns are the référentiels' labels: lower-cased, accent
		 * included, with the article elided before a vowel. */
		carte.lib_critere = "Élément";
		buf_reset(&b);
		suite_reason(&b, &s.vocab, &o[9], &o[9].suites[0]);
		EXPECT(strstr(b.data, "le sous-domaine 4.4 correspond à l'élément A10.C4 travaillé ici") != NULL);
		buf_release(&b);
	}
	/* No cercle on CECRL; no CléA preparation after another one: prep's
	 * suites are c-next and c4, which take its C3, none through the table. */
	EXPECT(o[11].n_suites == 0);
	EXPECT(o[12].n_suites == 2 && o[12].suites[0].o == &o[1] && o[12].suites[1].o == &o[9]);
	for (size_t i = 0; i < o[12].n_suites; i++)
		EXPECT(o[12].suites[i].chain == NULL);
	strmap_free(&carte.by_code);
	strmap_free(&clea.by_code);
	arena_free(&s.arena);
}

/* index_suites shares the offers between threads (SUITES_CHUNK offers a
 * job): with more offers than two chunks, every offer's suites are the same
 * whether one thread or three found them. The specs above, each repeated
 * with its own ids and organisation, in a site of N_MANY offers. */
#define COPIES 45
#define N_MANY (COPIES * N_SPECS)

static void many_site(struct site *s, struct organisme *orgs, struct organisme **porgs,
    struct offre *offres, const struct lieu *(*ol)[2], char (*ids)[24], struct scale *scales)
{
	for (size_t i = 0; i < N_MANY; i++) {
		const struct spec *p = &specs[i % N_SPECS];
		struct offre *o = &offres[i];
		snprintf(ids[i], sizeof(ids[i]), "%s-%zu", p->id, i / N_SPECS);
		orgs[i] = (struct organisme){ .id = { .s = ids[i] }, .nom = ids[i], .offres = o, .n_offres = 1 };
		porgs[i] = &orgs[i];
		*o = (struct offre){ .org = &orgs[i], .id = { .s = ids[i] }, .intitule = ids[i] };
		offre_of_spec(o, p, scales, ol[i]);
	}
	*s = (struct site){ .arena = ARENA_INIT, .organismes = porgs, .n_organismes = N_MANY };
	s->vocab.echelles = scales;
	s->vocab.n_echelles = 2;
}

void test_suites_jobs(void)
{
	static struct scale scales[2] = { { "cecrl", "CECRL", cecrl, 4 }, { "anlci", "ANLCI", anlci, 2 } };
	static struct organisme orgs[2][N_MANY], *porgs[2][N_MANY];
	static struct offre offres[2][N_MANY];
	static const struct lieu *ol[2][N_MANY][2];
	static char ids[2][N_MANY][24];
	struct site s[2];
	for (int k = 0; k < 2; k++) {
		many_site(&s[k], orgs[k], porgs[k], offres[k], ol[k], ids[k], scales);
		index_suites(&s[k], k ? 3 : 1);
	}
	size_t differ = 0, found = 0;
	for (size_t i = 0; i < N_MANY; i++) {
		const struct offre *a = &offres[0][i], *b = &offres[1][i];
		found += a->n_suites;
		if (a->n_suites != b->n_suites) {
			differ++;
			continue;
		}
		for (size_t j = 0; j < a->n_suites; j++) {
			const struct suite *x = &a->suites[j], *y = &b->suites[j];
			if (x->o - offres[0] != y->o - offres[1] || x->from != y->from || x->to != y->to ||
			    x->km != y->km || x->same_dep != y->same_dep)
				differ++;
		}
	}
	EXPECT(found > N_MANY);	/* most offers have suites: the check compares something */
	EXPECT(differ == 0);
	/* index_suites_redo searches again only the offers asked (the suites
	 * memo's), filling only the buckets they read: every third offer's
	 * suites, cleared, come back the same as when every offer was searched. */
	static unsigned char redo[N_MANY];
	static struct suite kept[N_MANY][SUITES_MAX];
	static size_t n_kept[N_MANY];
	for (size_t i = 0; i < N_MANY; i++) {
		struct offre *a = &offres[0][i];
		redo[i] = i % 3 == 1;
		n_kept[i] = a->n_suites;
		if (a->n_suites)
			memcpy(kept[i], a->suites, a->n_suites * sizeof(*a->suites));
		if (redo[i]) {
			a->suites = NULL;
			a->n_suites = 0;
		}
	}
	index_suites_redo(&s[0], 2, redo, &s[0].arena);
	differ = 0;
	for (size_t i = 0; i < N_MANY; i++) {
		const struct offre *a = &offres[0][i];
		differ += a->n_suites != n_kept[i];
		for (size_t j = 0; j < a->n_suites && j < n_kept[i]; j++) {
			const struct suite *x = &a->suites[j], *y = &kept[i][j];
			differ += x->o != y->o || x->from != y->from || x->to != y->to || x->km != y->km ||
			    x->same_dep != y->same_dep || x->public != y->public || x->via != y->via ||
			    x->corr != y->corr || x->chain != y->chain;
		}
	}
	EXPECT(differ == 0);
	for (int k = 0; k < 2; k++)
		arena_free(&s[k].arena);
}

/* The index's rows in their one order (index.h): département, commune
 * (French order of its name, then its code; a lieu without one first, as
 * a commune with an empty name and code would be), organisation (French
 * order of its name, then its id), lieu, offer title, offer id. index_site
 * sorts them by ranks it gives the organisations and communes; the order
 * must be the one these rules give over the strings. */
static int ref_rows(const void *pa, const void *pb)
{
	const struct rowref *a = pa, *b = pb;
	const struct commune *ca = a->l->commune, *cb = b->l->commune;
	int c = strcmp(a->l->dep, b->l->dep);
	if (!c)
		c = collate_fr(ca ? ca->nom : "", cb ? cb->nom : "");
	if (!c)
		c = strcmp(ca ? ca->code : "", cb ? cb->code : "");
	if (!c)
		c = collate_fr(a->o->org->nom, b->o->org->nom);
	if (!c)
		c = strcmp(a->o->org->id.s, b->o->org->id.s);
	if (!c)
		c = strcmp(a->l->id.s, b->l->id.s);
	if (!c)
		c = collate_fr(a->o->intitule, b->o->intitule);
	if (!c)
		c = strcmp(a->o->id.s, b->o->id.s);
	return c;
}

void test_index_rows_order(void)
{
	static struct commune cs[] = {
		{ .code = "91228", .nom = "Évry", .dep = "91" }, { .code = "91229", .nom = "Evry", .dep = "91" },
		{ .code = "91001", .nom = "", .dep = "91" }, { .code = "91002", .nom = "Œuvre", .dep = "91" },
		{ .code = "91003", .nom = "Oeil", .dep = "91" }, { .code = "75056", .nom = "Paris", .dep = "75" },
		{ .code = "2A004", .nom = "Ajaccio", .dep = "2A" }, { .code = "91004", .nom = "evry", .dep = "91" },
	};
	enum { NC = sizeof(cs) / sizeof(cs[0]), NO = 6 };
	static const char *noms[NO] = { "Zèbre", "Zèbre", "zebre", "Ábaque", "Zebre", "abaque" };
	static const char *ids[NO] = { "b", "a", "c", "d", "e", "f" };
	struct site s;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < NC; i++)
		strmap_put(&s.geo.by_code, cs[i].code, &cs[i]);
	/* Each organisation: a lieu in each commune and one without, two
	 * offers (titles equal but for accents) at every lieu. */
	static struct organisme orgs[NO];
	static struct organisme *porgs[NO];
	static struct lieu ls[NO][NC + 1];
	static const struct lieu *pls[NO][NC + 1];
	static struct offre of[NO][2];
	static char lid[NO][NC + 1][8];
	for (size_t i = 0; i < NO; i++) {
		orgs[i] = (struct organisme){ .nom = noms[i], .id = { .s = ids[i] }, .lieux = ls[i], .n_lieux = NC + 1,
			.offres = of[i], .n_offres = 2 };
		porgs[i] = &orgs[i];
		for (size_t k = 0; k <= NC; k++) {
			snprintf(lid[i][k], sizeof(lid[i][k]), "l%zu", (NC - k) % 4);
			ls[i][k] = (struct lieu){ .id = { .s = lid[i][k] }, .commune = k < NC ? &cs[k] : NULL };
			memcpy(ls[i][k].dep, k < NC ? cs[k].dep : "91", 3);
			pls[i][k] = &ls[i][k];
		}
		of[i][0] = (struct offre){ .id = { .s = "o2" }, .intitule = "Élan", .lieux = pls[i], .n_lieux = NC + 1,
			.org = &orgs[i] };
		of[i][1] = (struct offre){ .id = { .s = "o1" }, .intitule = "elan", .lieux = pls[i], .n_lieux = NC + 1,
			.org = &orgs[i] };
	}
	s.organismes = porgs;
	s.n_organismes = NO;
	struct cartographie ca = { .id = { .s = "c" } };
	struct cartographie *pca = &ca;
	s.cartographies = &pca;
	s.n_cartographies = 1;
	index_site(&s, 2);
	size_t n;
	const struct rowref *rows = index_rows(&s, &ca, NULL, &n);
	EXPECT(n == NO * 2 * (NC + 1));
	struct rowref *want = malloc(n * sizeof(*want));
	memcpy(want, rows, n * sizeof(*want));
	qsort(want, n, sizeof(*want), ref_rows);
	size_t same = 0;
	for (size_t i = 0; i < n; i++)
		same += want[i].o == rows[i].o && want[i].l == rows[i].l;
	EXPECT(same == n);
	/* By hand: Corsica first; in the 91, the lieux without a commune,
	 * then the commune named "", then Evry, evry, Évry (equal but for
	 * accents and case: by bytes), Oeil, Œuvre; in each, "abaque",
	 * "Ábaque", "Zebre", "Zèbre" (a, then b), "zebre". */
	EXPECT(strcmp(rows[0].l->dep, "2A") == 0 && strcmp(rows[n - 1].l->commune->nom, "Œuvre") == 0);
	size_t at = 0;
	while (at < n && strcmp(rows[at].l->dep, "91"))
		at++;
	EXPECT(at < n && !rows[at].l->commune && strcmp(rows[at].o->org->id.s, "f") == 0);
	EXPECT(at + 12 < n && rows[at + 12].l->commune == &cs[2]);
	EXPECT(at + 24 < n && rows[at + 24].l->commune == &cs[1] && rows[at + 36].l->commune == &cs[7] &&
	    rows[at + 48].l->commune == &cs[0]);
	static const char *const org_order[NO] = { "f", "d", "e", "a", "b", "c" };
	for (size_t i = 0; i < NO && at + 2 * i < n; i++)
		EXPECT(strcmp(rows[at + 2 * i].o->org->id.s, org_order[i]) == 0);
	free(want);
	index_free(&s);
	strmap_free(&s.geo.by_code);
	arena_free(&s.arena);
}
