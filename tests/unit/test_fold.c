/*
 * Unit tests of generator/text/fold.c: the search folding rule, the same
 * cases as norm() in themes/default/assets/search.js states.
 */
#include "../../generator/base/buf.h"
#include "../../generator/text/fold.h"
#include "harness.h"
#include "tests.h"

static void fold_is(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	fold_words(&b, in);
	EXPECT_STR(b.data, want);
	buf_release(&b);
}

void test_fold(void)
{
	fold_is("Église", "eglise ");
	fold_is("Đặng Thị Lan", "dang thi lan ");
	fold_is("Cœur ÆSCHNE Straße Łódź", "coeur aeschne strasse lodz ");
	fold_is("ﬁnances", "finances ");			/* NFKD */
	fold_is("Ştefan Yılmaz", "stefan yilmaz ");
	fold_is("ΟΔΟΣ οδός", "οδοσ οδοσ ");			/* final sigma */
	fold_is("l’accueil d'aujourd`hui", "l accueil d aujourd hui ");
	fold_is("Saint-Denis (93200), 2ᵉ étage…", "saint denis 93200 2e etage ");
	fold_is("  ", "");
	fold_is(NULL, "");
	fold_is("caf\xe9", "");				/* not UTF-8: nothing */
}
