/*
 * Organisation records: the model of an organisation file as an earlier
 * build converted (load_org.c) and validated it (validate.c), kept in the
 * load snapshot (snap.h) so that a rebuild neither rebuilds its tree, nor
 * converts it, nor checks it again. A record holds the file's organisations
 * (every field of struct organisme, its lieux and offres, with the opening
 * hours validation parsed), and every diagnostic the file's own parse,
 * conversion and checks reported, all by numbers and offsets (no pointer):
 * a lieu's commune by its place among the territory's communes, an offer's
 * scale by its place among the vocabularies' scales or the référentiels,
 * an offer's lieux by their place among its organisation's. The strings
 * are not copied: the organisations taken point into the snapshot's bytes,
 * so a build keeps the snapshot (snap_free) until it is done with the
 * model. On a virtual machine where fresh memory is dear, copying them
 * (18 MB at 10,000 organisations) cost more than decoding the rest.
 *
 * Its key (orgrec_key) is the digest of the file's bytes with the digest
 * of every other input conversion and validation read (the site's inputs,
 * model.h: site.yaml, vocabularies, référentiels, correspondences,
 * cartographies, territory) and the build's day (the freshness warning);
 * carto's own digest is the snapshot's. Only a file whose diagnostics hold
 * no error is recorded, so a file with an error is converted and checked
 * at every build and reports the same. The checks across files (ids and
 * SIRETs unique) run over the whole model at every build; they are not in
 * the records. A missing, damaged or other record only means the file is
 * converted and checked again (and recorded anew).
 */
#ifndef CARTO_ORGREC_H
#define CARTO_ORGREC_H

#include <stddef.h>

#include "../base/digest.h"

struct arena;
struct diags;
struct organisme;
struct referentiel;
struct site;
struct snap;

struct digest orgrec_key(const struct digest *src, const struct digest *inputs, int today);

/* Takes the record of key: its organisations built in a (*orgs, *n; their
 * file is file, their src src, each marked remembered; their strings are
 * sn's, valid until snap_free), its diagnostics
 * added to d under file. refs are the référentiels in the site's order
 * (s->referentiels once assembled); s gives the territory and the
 * vocabularies. Returns 1, or 0 when there is none that decodes. */
int orgrec_take(struct snap *sn, const struct digest *key, const struct site *s,
    struct referentiel *const *refs, size_t n_refs, struct arena *a, const char *file,
    const struct digest *src, struct diags *d, struct organisme **orgs, size_t *n);

/* After validation: records every organisation file of s that was
 * converted (not taken from a record) and whose diagnostics hold no
 * error. Its diagnostics are those of d->v[0..loaded) (what the load
 * reported) and of own (what validate_site's checks of each organisation
 * reported), under its name. Returns how many files were recorded. */
size_t orgrec_remember(struct snap *sn, const struct site *s, const struct diags *d, size_t loaded,
    const struct diags *own);

#endif
