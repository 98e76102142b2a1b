/*
 * data/paths.c: where each artefact goes, and that a path is appended (an
 * address can stand before it).
 */
#include "../../generator/base/buf.h"
#include "../../generator/data/model.h"
#include "../../generator/data/paths.h"
#include "harness.h"
#include "tests.h"

void test_paths(void)
{
	struct buf b = BUF_INIT;
	struct organisme o = { 0 };
	struct referentiel r = { 0 };
	struct cartographie ca = { 0 };
	struct page pg = { 0 };
	o.id.s = "asso";
	r.id = "cecrl";
	ca.id.s = "lingua";
	pg.slug = "ateliers/diapo";
	EXPECT_STR(path_org_page(&b, &o), "organismes/asso/");
	EXPECT_STR(path_org_pdf(&b, &o), "pdf/organismes/asso.pdf");
	EXPECT_STR(path_ref_page(&b, &r), "referentiels/cecrl/");
	EXPECT_STR(path_ref_doc(&b, &r, PATH_JSON), "data/referentiels/cecrl.json");
	EXPECT_STR(path_ref_doc(&b, &r, PATH_PDF), "pdf/referentiels/cecrl.pdf");
	EXPECT_STR(path_ref_doc(&b, &r, PATH_XLSX), "xlsx/referentiels/cecrl.xlsx");
	EXPECT_STR(path_carto_page(&b, &ca, NULL), "cartographies/lingua/");
	EXPECT_STR(path_carto_page(&b, &ca, "93"), "cartographies/lingua/93/");
	EXPECT_STR(path_carto_doc(&b, &ca, NULL, PATH_CSV), "data/cartographies/lingua.csv");
	EXPECT_STR(path_carto_doc(&b, &ca, "93", PATH_GEOJSON), "data/cartographies/lingua-93.geojson");
	EXPECT_STR(path_carto_doc(&b, &ca, "93", PATH_JSON), "data/cartographies/lingua-93.json");
	EXPECT_STR(path_carto_doc(&b, &ca, NULL, PATH_PDF), "pdf/cartographies/lingua.pdf");
	EXPECT_STR(path_carto_doc(&b, &ca, "75", PATH_XLSX), "xlsx/cartographies/lingua-75.xlsx");
	EXPECT_STR(path_dep_page(&b, "94"), "annuaire/94/");
	EXPECT_STR(path_deck_pdf(&b, &pg, 0), "pdf/diaporamas/ateliers-diapo.pdf");
	EXPECT_STR(path_deck_pdf(&b, &pg, 1), "pdf/diaporamas/ateliers-diapo-support.pdf");
	/* Appended: an address before it, an anchor after it. */
	buf_reset(&b);
	buf_puts(&b, "https://x.fr/");
	EXPECT(path_org_page(&b, &o) == b.data + 13);
	buf_puts(&b, "#offre-a");
	EXPECT_STR(b.data, "https://x.fr/organismes/asso/#offre-a");
	buf_release(&b);
}
