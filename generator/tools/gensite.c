/*
 * gensite: writes a seeded synthetic site for the benchmark. It reads the
 * communes of an existing site (referentiels/geo/communes.csv) and writes
 * N organisations (about 3 offers and 1–2 lieux each, every field of the
 * contract exercised) and P Markdown pages under DIR/content/. The same seed
 * gives the same files. Organisations are split as editors keep them: mostly
 * one per file, and import files of 50 under `organismes:`.
 *
 * With --cercles 1, the offers of type competences-cles are placed on the
 * Carte de compétences' own scale (carte-competences-idf:cercles, C1–C4)
 * instead of ANLCI or CECRL, from the same random draws (every other
 * value stays the same), so that the suites through the Carte de
 * compétences – CléA table (README, Suites de parcours) have work to do.
 *
 * usage: gensite --orgs N --pages P --seed S --geo CSV --out DIR [--cercles 1]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct commune {
	char code[6], nom[64], cp[6];
	double lat, lon;
	long pop;
};

static uint64_t rng_state;

/* splitmix64: small, fast and the same on every platform. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

#define PICK(a) (a[pick(sizeof(a) / sizeof(a[0]))])

static struct commune *communes;
static size_t ncommunes;
static long *cumul;	/* cumulative population, to draw communes by weight */

static int load_communes(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	size_t cap = 0;
	while (fgets(line, sizeof(line), f)) {
		char *fld[7], *p = line;
		int n = 0;
		while (n < 7 && (fld[n++] = strsep(&p, ",")) != NULL)
			;
		if (n < 7 || !fld[6] || strcmp(fld[0], "code_insee") == 0)
			continue;
		if (ncommunes == cap) {
			cap = cap ? cap * 2 : 1024;
			communes = realloc(communes, cap * sizeof(*communes));
			cumul = realloc(cumul, cap * sizeof(*cumul));
		}
		struct commune *c = &communes[ncommunes];
		snprintf(c->code, sizeof(c->code), "%s", fld[0]);
		snprintf(c->nom, sizeof(c->nom), "%s", fld[1]);
		snprintf(c->cp, sizeof(c->cp), "%.5s", fld[3]);
		c->lat = atof(fld[4]);
		c->lon = atof(fld[5]);
		c->pop = atol(fld[6]);
		cumul[ncommunes] = (ncommunes ? cumul[ncommunes - 1] : 0) + c->pop + 1;
		ncommunes++;
	}
	fclose(f);
	return ncommunes ? 0 : -1;
}

static const struct commune *draw_commune(void)
{
	long x = (long)(rnd() % (uint64_t)cumul[ncommunes - 1]);
	size_t lo = 0, hi = ncommunes - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cumul[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &communes[lo];
}

static const char *const prefixes[] = { "Association", "Centre social", "Maison des savoirs",
	"Espace", "Atelier", "Institut", "Collectif", "Réseau", "Foyer", "Maison de quartier" };
static const char *const themes[] = { "Langues et Cultures", "Paroles Partagées", "Lire et Écrire",
	"Passerelles", "Savoirs Plus", "Horizons", "Trait d'Union", "Mots Croisés", "Cap Avenir",
	"L'Œil et la Plume" };
static const char *const natures[] = { "association", "organisme_formation", "centre_social",
	"collectivite", "etablissement_public", "autre" };
static const char *const types[] = { "alpha", "post-alpha", "fle", "fli", "asl",
	"remise-a-niveau", "oepre", "francais-pro", "clea", "competences-cles" };
static const char *const parcours[] = { "integration", "insertion", "professionnel" };
static const char *const publics[] = { "tous-publics", "personnes-exilees", "femmes",
	"parents-eleves", "jeunes-16-25", "demandeurs-emploi", "beneficiaires-rsa", "salaries" };
static const char *const financeurs[] = { "2", "4", "9", "10", "19", "20" };
static const char *const cecrl[] = { "A1.1", "A1", "A2", "B1", "B2", "C1", "C2" };
static const char *const anlci[] = { "D1", "D2", "D3", "D4" };
static const char *const cercles[] = { "C1", "C2", "C3", "C4" };
static int use_cercles;		/* --cercles 1 */
static const char *const horaires[] = { "Mo,We,Fr 09:00-11:30", "Tu,Th 18:30-20:30",
	"Mo-Fr 09:00-12:00", "Sa 10:00-12:30", "Mo,Th 14:00-16:00; Sa 09:30-11:30",
	"We 14:00-17:00", "Tu,Fr 09:30-12:00,13:30-15:30" };
static const char *const etats[] = { "ouvert", "ouvert", "ferme", "suspendu" };
static const char *const rues[] = { "rue de la République", "avenue Jean-Jaurès",
	"rue Victor-Hugo", "place de la Mairie", "allée des Tilleuls", "boulevard Pasteur",
	"rue Gabriel-Péri", "chemin des Écoliers" };
static const char *const competences[] = { "clea:1.1", "clea:1.2", "clea:1.3", "clea:2.1",
	"clea:3.1", "clea:4.2", "clea:7.1" };
static const char *const labels[] = { "qualiopi", "fli", "habilitation-clea", "centre-examen-delf" };
static const char *const carte[] = { "carte-competences-idf:A1", "carte-competences-idf:A3",
	"carte-competences-idf:A7", "carte-competences-idf:A10" };

static void lieu(FILE *f, unsigned k, const struct commune *c)
{
	fprintf(f, "    - id: lieu-%u\n", k + 1);
	fprintf(f, "      denomination: \"%s %s\"\n", k ? "Annexe" : "Siège", c->nom);
	fprintf(f, "      adresse:\n        lignes: [\"%u %s\"]\n", 1 + pick(180), PICK(rues));
	fprintf(f, "        code_postal: \"%s\"\n        commune: \"%s\"\n        code_insee: \"%s\"\n",
	    c->cp, c->nom, c->code);
	if (pick(3))
		fprintf(f, "      geo: { lat: %.5f, lon: %.5f }\n",
		    c->lat + ((double)pick(2001) - 1000) * 1e-6, c->lon + ((double)pick(2001) - 1000) * 1e-6);
	if (pick(4))
		fprintf(f, "      acces_pmr: %s\n", pick(3) ? "true" : "false");
	fprintf(f, "      transports: \"Bus %u, arrêt %s ; gare à %u minutes à pied\"\n",
	    100 + pick(400), PICK(rues), 3 + pick(15));
	fprintf(f, "      horaires_accueil: \"Mo-Fr 09:00-12:30,14:00-17:30\"\n");
}

static void levels(FILE *f, const char *type)
{
	int anl = pick(5) == 0, cer = use_cercles && !strcmp(type, "competences-cles");
	const char *const *s = cer ? cercles : anl ? anlci : cecrl;
	const char *name = cer ? "carte-competences-idf:cercles" : anl ? "anlci" : "cecrl";
	unsigned n = cer || anl ? 4 : 7, a = pick(n - 1), b = a + pick(2), v = b + 1 + pick(2);
	if (b >= n)
		b = n - 1;
	if (v >= n)
		v = n - 1;
	fprintf(f, "      niveaux:\n        echelle: %s\n        entree: { min: \"%s\", max: \"%s\" }\n"
		   "        vise: \"%s\"\n        ecrit_requis: %s\n",
	    name, s[a], s[b], s[v], pick(2) ? "true" : "false");
}

static void offre(FILE *f, unsigned k, unsigned nlieux)
{
	const char *t = PICK(types);
	unsigned p1 = pick(8), p2 = (p1 + 1 + pick(7)) % 8;
	fprintf(f, "    - id: offre-%u\n", k + 1);
	fprintf(f, "      intitule: \"%s – groupe %u, %s\"\n", t, k + 1, pick(2) ? "en journée" : "en soirée");
	fprintf(f, "      types: [%s]\n      parcours: %s\n", t, PICK(parcours));
	fprintf(f, "      objectif: |\n        Progresser à l'oral et à l'écrit dans les situations de la vie\n"
		   "        quotidienne et professionnelle : démarches, santé, école, emploi.\n"
		   "        Évaluation à l'entrée, suivi individuel et bilan à la sortie.\n");
	fprintf(f, "      formacodes: [\"%s\"]\n", pick(2) ? "15235" : "15043");
	levels(f, t);
	fprintf(f, "      public: { codes: [%s, %s], age_min: %u, precisions: \"Entretien préalable.\" }\n",
	    publics[p1], publics[p2], 16 + pick(3));
	fprintf(f, "      financement: { financeurs: [\"%s\"], conventionne: %s, cpf: %s }\n",
	    PICK(financeurs), pick(4) ? "true" : "false", pick(4) ? "false" : "true");
	if (pick(4))
		fprintf(f, "      cout: { gratuit: true, precisions: \"Adhésion annuelle de %u €\" }\n", 5 + pick(20));
	else
		fprintf(f, "      cout: { gratuit: false, montant_eur: %u }\n", 100 + 10 * pick(90));
	fprintf(f, "      modalites:\n        enseignement: %s\n        entrees_sorties: %s\n"
		   "        heures_semaine: %u\n        duree_semaines: %u\n        horaires: \"%s\"\n"
		   "        garde_enfants: %s\n        places: %u\n",
	    pick(5) ? "presentiel" : "mixte", pick(2) ? "permanentes" : "dates_fixes", 2 + pick(10),
	    10 + pick(30), PICK(horaires), pick(5) ? "false" : "true", 8 + pick(12));
	fprintf(f, "      lieux: [lieu-%u]\n", 1 + pick(nlieux));
	fprintf(f, "      sessions:\n        - { debut: 2026-%02u-%02u, fin: 2027-%02u-28, etat_recrutement: %s, places_disponibles: %u }\n",
	    9 + pick(4), 1 + pick(28), 1 + pick(12), PICK(etats), pick(10));
	fprintf(f, "      contact: { nom: \"Coordination\", telephone: \"01 %02u %02u %02u %02u\", courriel: \"formation@org%u.exemple.org\" }\n",
	    pick(100), pick(100), pick(100), pick(100), k);
	fprintf(f, "      competences: [\"%s\", \"%s\"]\n", PICK(competences), PICK(carte));
}

/* Writes one organisation with its keys indented by two spaces. */
static void organisme(FILE *f, unsigned long id, int in_list)
{
	const struct commune *c = draw_commune();
	fprintf(f, "  id: org-%06lu\n", id);
	fprintf(f, "  nom: \"%s %s %s\"\n", PICK(prefixes), PICK(themes), c->nom);
	if (pick(2))
		fprintf(f, "  siret: \"%014llu\"\n", (unsigned long long)(rnd() % 100000000000000ULL));
	fprintf(f, "  nature: %s\n  labels: [%s]\n", PICK(natures), PICK(labels));
	fprintf(f, "  site_web: \"https://org%06lu.exemple.org\"\n", id);
	fprintf(f, "  contact: { nom: \"Accueil\", telephone: \"01 %02u %02u %02u %02u\", courriel: \"accueil@org%06lu.exemple.org\" }\n",
	    pick(100), pick(100), pick(100), pick(100), id);
	unsigned nl = 1 + (pick(3) == 0), no = 2 + pick(3);
	fprintf(f, "  lieux:\n");
	for (unsigned k = 0; k < nl; k++)
		lieu(f, k, k ? draw_commune() : c);
	fprintf(f, "  offres:\n");
	for (unsigned k = 0; k < no; k++)
		offre(f, k, nl);
	fprintf(f, "  meta:\n    source: %s\n    mise_a_jour: 2026-%02u-%02u\n",
	    in_list ? "import-lheo" : "saisie", 1 + pick(10), 1 + pick(28));
}

/* Copies an organisation written for `organisme:` into a list item. */
static void as_item(FILE *out, const char *text)
{
	int first = 1;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		fputs(first ? "  - " : "  ", out);
		fwrite(first ? p + 2 : p, 1, first ? n - 2 : n, out);
		first = 0;
		p += n;
	}
}

static int mkdirs(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static FILE *open_file(const char *dir, const char *name)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		perror(path);
	return f;
}

/* Every 10th group of 50 goes into one import file; the rest one per file. */
static int write_orgs(const char *dir, unsigned long n)
{
	char name[64];
	char *mem = NULL;
	size_t memlen = 0;
	for (unsigned long i = 0; i < n;) {
		int import = (i / 50) % 10 == 9;
		if (import) {
			snprintf(name, sizeof(name), "import-%06lu.yaml", i);
			FILE *f = open_file(dir, name);
			if (!f)
				return -1;
			fputs("organismes:\n", f);
			for (unsigned long k = 0; k < 50 && i < n; k++, i++) {
				FILE *m = open_memstream(&mem, &memlen);
				organisme(m, i + 1, 1);
				fclose(m);
				as_item(f, mem);
				free(mem);
			}
			fclose(f);
			continue;
		}
		snprintf(name, sizeof(name), "org-%06lu.yaml", i + 1);
		FILE *f = open_file(dir, name);
		if (!f)
			return -1;
		fputs("organisme:\n", f);
		organisme(f, i + 1, 0);
		fclose(f);
		i++;
	}
	return 0;
}

static const char para[] =
	"Les ateliers de français accueillent des adultes à tous les niveaux. "
	"L'accueil commence par un entretien et une évaluation, puis chacun rejoint "
	"un groupe adapté. Les formatrices et formateurs travaillent à partir des "
	"situations de la vie quotidienne : rendez-vous médicaux, école des enfants, "
	"démarches en ligne, recherche d'emploi.\n\n";

static int write_pages(const char *dir, unsigned long n)
{
	char name[64];
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "page-%05lu.md", i + 1);
		FILE *f = open_file(dir, name);
		if (!f)
			return -1;
		int article = pick(3) == 0;
		fprintf(f, "---\ntitre: \"Page de synthèse n° %lu\"\nresume: \"Une page générée pour le banc d'essai.\"\n"
			   "type: %s\ndate: 2026-%02u-%02u\n---\n\n# Page %lu\n\n",
		    i + 1, article ? "article" : "page", 1 + pick(10), 1 + pick(28), i + 1);
		for (unsigned k = 0, np = 2 + pick(8); k < np; k++) {
			if (k % 3 == 2)
				fprintf(f, "## Section %u\n\n- premier point\n- [un lien](https://exemple.org/%u)\n\n", k, k);
			fputs(para, f);
		}
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long orgs = 1000, pages = 1000, seed = 1;
	const char *geo = NULL, *out = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--orgs"))
			orgs = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--pages"))
			pages = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--geo"))
			geo = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--cercles"))
			use_cercles = atoi(argv[i + 1]) != 0;
	}
	if (!geo || !out) {
		fprintf(stderr, "usage: gensite --orgs N --pages P --seed S --geo communes.csv --out DIR [--cercles 1]\n");
		return 2;
	}
	rng_state = seed;
	if (load_communes(geo) < 0) {
		fprintf(stderr, "gensite: cannot read communes from %s\n", geo);
		return 1;
	}
	char od[4096], pd[4096];
	snprintf(od, sizeof(od), "%s/content/organismes", out);
	snprintf(pd, sizeof(pd), "%s/content/pages/synth", out);
	if (mkdirs(od) < 0 || mkdirs(pd) < 0 || write_orgs(od, orgs) < 0 || write_pages(pd, pages) < 0)
		return 1;
	free(communes);
	free(cumul);
	return 0;
}
