/* The unit tests, one function each, run by main.c. */
#ifndef CARTO_TESTS_H
#define CARTO_TESTS_H
void test_buf(void);
void test_utf8(void);
void test_suggest(void);
void test_strmap(void);
void test_escape(void);
void test_arena(void);
void test_ytree_basic(void);
void test_ytree_bad(void);
void test_ytree_alias(void);
void test_ytree_merge(void);
void test_hours(void);
void test_publish_paths(void);
void test_dates(void);
void test_civil(void);
void test_civil_fr(void);
void test_montant_fr(void);
void test_collate_fr(void);
void test_derive_offre(void);
void test_suites(void);
void test_paris(void);
void test_url(void);
void test_template_errors(void);
void test_template_render(void);
void test_template_bounds(void);
#endif
