/*
 * carto import lheo: reads LHÉO exports (2.2 or 2.3) and writes, for each
 * FILE.xml, content/organismes/lheo-<file name>.yaml, an `organismes:` list
 * that passes carto check. Called by main.c only. The mapping of LHÉO codes to
 * carto's closed lists is referentiels/lheo.yaml (the site's, else the one
 * that ships with carto). Output files are written only when every input file
 * was read without error, each through a temporary file renamed over the
 * previous import. A summary goes to out; problems to d as
 * "FILE.xml:line: error|warning: …".
 */
#ifndef CARTO_LHEO_H
#define CARTO_LHEO_H

#include <stddef.h>
#include <stdio.h>

struct diags;

/* today is YYYYMMDD (an mise_a_jour is never later); share is carto's share
 * folder, or NULL when none was found (share.h): the territory and the
 * mapping table a site lacks come from it. Returns 0 when every file was
 * imported, -1 when none was written (errors in d). */
int lheo_import(const char *site, const char *share, char *const *files, size_t n, int today,
    FILE *out, struct diags *d);

#endif
