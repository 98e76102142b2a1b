/*
 * Runs every unit test and prints one line per test.
 */
#include "harness.h"
#include "tests.h"

int harness_failed;

#define T(f) { #f, f }

int main(void)
{
	static const struct { const char *name; test_fn fn; } tests[] = {
		T(test_buf), T(test_utf8), T(test_suggest), T(test_strmap),
		T(test_escape), T(test_arena), T(test_ytree_basic), T(test_ytree_number), T(test_ytree_bad), T(test_ytree_text),
		T(test_ytree_alias), T(test_ytree_merge), T(test_snap_codec), T(test_snap_file), T(test_snap_listing_wrong), T(test_hours),
		T(test_publish_paths), T(test_publish_shown), T(test_dates), T(test_civil), T(test_url), T(test_lieu_url), T(test_paris), T(test_civil_fr),
		T(test_montant_fr), T(test_collate_fr), T(test_collate_key), T(test_index_rows_order), T(test_derive_offre), T(test_takes_levels), T(test_suites), T(test_suites_scales), T(test_suites_chain), T(test_suites_jobs),
		T(test_template_errors), T(test_template_render), T(test_template_bounds), T(test_fold), T(test_lheo_md),
		T(test_lheo_sort), T(test_lheo_prolog), T(test_md_doc),
		T(test_pool), T(test_diags_dedupe), T(test_diag_short), T(test_diag_printf), T(test_diag_msg), T(test_pool_gate), T(test_publish_manifest), T(test_simplify), T(test_json_writer), T(test_json_escape), T(test_json_splice), T(test_md_deck_spans), T(test_paths), T(test_digest), T(test_fsrec), T(test_fs_replace), T(test_fs_view), T(test_pdf_cp1252), T(test_pdf_pen), T(test_pdf_text_line), T(test_pdf_entries), T(test_pdf_flow), T(test_loader),
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		harness_failed = 0;
		tests[i].fn();
		if (!harness_failed)
			printf("ok %s\n", tests[i].name);
		failed |= harness_failed;
	}
	return failed;
}
