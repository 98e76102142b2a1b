/*
 * The directory as LHÉO 2.3 (data/lheo/offres.xml, namespace
 * http://lheo.gouv.fr/2.3): one <formation> with one <action> per offer,
 * elements in the order and cardinalities of the definition lheo-gml.xml of
 * lheo/lheo-schema, required elements that carto does not know written with
 * LHÉO's placeholders ("-", code 0). carto's own fields (types, parcours,
 * publics, levels, hours, childcare, the exact Markdown…) are in
 * <extras info="carto">, which carto import lheo reads back, so an import of
 * the export gives the same organisations. Organisations without a SIRET are
 * left out (LHÉO identifies them by it). Codes of the site's lists are turned
 * into LHÉO's through referentiels/lheo.yaml, read backwards.
 */
#ifndef CARTO_LHEOXML_H
#define CARTO_LHEOXML_H

struct site;
struct publish;
struct diags;

/* Writes data/lheo/offres.xml. Returns 0, or -1 when the mapping table is
 * wrong (errors in d) or the file cannot be written. */
int lheoxml_render(const struct site *s, struct publish *p, struct diags *d);

#endif
