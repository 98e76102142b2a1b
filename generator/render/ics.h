/*
 * A calendar file per webinar (RFC 5545), beside its page:
 * <slug>/<last segment of the slug>.ics, in the Europe/Paris time zone, for
 * agendas to import. Dated from the content, so builds stay reproducible.
 */
#ifndef CARTO_ICS_H
#define CARTO_ICS_H

struct backend;

/* The file of every webinar (drafts too with --drafts), one job each. */
extern const struct backend ics_backend;

#endif
