/*
 * The spreadsheet extracts under xlsx/ (format.md §8), made with
 * libxlsxwriter: a workbook per cartography (and per département when
 * par_departement), the whole directory (xlsx/organismes.xlsx) and one per
 * référentiel. Sheets and columns are described in the README and in each
 * workbook's "Lisez-moi" sheet. Only the files of render/xlsx/ include
 * xlsxwriter.h.
 */
#ifndef CARTO_XLSX_H
#define CARTO_XLSX_H

#include <stddef.h>

struct diags;
struct publish;
struct site;

/* Writes every workbook on up to jobs threads. Content that a spreadsheet
 * cannot hold (a text past 32,767 characters, a sheet past 1,048,576 rows)
 * is cut with a warning added to d. Returns 0, or -1 when a workbook cannot
 * be written (the reason is printed). *rows receives the number of data rows
 * written, for the benchmark. */
int xlsx_render(const struct site *s, struct publish *p, int jobs, struct diags *d,
    size_t *rows);

#endif
