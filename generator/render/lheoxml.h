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
 * into LHÉO's through referentiels/lheo.yaml, read backwards. One
 * document, so one job; a wrong mapping table is reported into the
 * diagnostics and fails the build.
 */
#ifndef CARTO_LHEOXML_H
#define CARTO_LHEOXML_H

struct backend;

/* Writes data/lheo/offres.xml through the publisher; fails (errors in the
 * diagnostics) when the mapping table is wrong or the file cannot be
 * written. */
extern const struct backend lheoxml_backend;

#endif
