/*
 * A calendar file per webinar (RFC 5545), beside its page:
 * <slug>/<last segment of the slug>.ics, in the Europe/Paris time zone, for
 * agendas to import. Dated from the content, so builds stay reproducible.
 */
#ifndef CARTO_ICS_H
#define CARTO_ICS_H

struct site;
struct publish;

/* Writes the file of every webinar (drafts too when drafts). 0 or -1. */
int ics_render(const struct site *s, struct publish *p, int drafts);

#endif
