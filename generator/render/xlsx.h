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

struct backend;

/* Every workbook, one job each on the pool. Content that a spreadsheet
 * cannot hold (a text past 32,767 characters, a sheet past 1,048,576 rows)
 * is cut with a warning. */
extern const struct backend xlsx_backend;

#endif
