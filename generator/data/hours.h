/*
 * Opening hours in the subset of OpenStreetMap's opening_hours syntax that
 * carto accepts (docs/format-notes.md): "Mo-Fr 09:00-12:00,14:00-17:00; Sa
 * 10:00-12:00", "Sep-Jun Mo-Fr 09:00-12:00; PH off" (the forms data·inclusion
 * publishes). Parsed into rules that the outputs print in plain French and
 * the facets query (evenings, Saturdays).
 */
#ifndef CARTO_HOURS_H
#define CARTO_HOURS_H

#include <stddef.h>

#define HOURS_MAX_RULES 8
#define HOURS_MAX_SPANS 4
#define HOURS_PH 1u			/* public holidays (jours fériés) */
#define HOURS_SH 2u			/* school holidays (vacances scolaires) */

/*
 * One rule: [months] [days] then times or "off". As in OpenStreetMap, a
 * later rule overrides an earlier one for the days it names; ranges may wrap
 * ("Sa-Mo", "Sep-Jun").
 */
struct hours_rule {
	unsigned months;		/* bit 0 = January …; 0 = all year */
	unsigned days;			/* bit 0 = Monday … bit 6 = Sunday */
	unsigned holidays;		/* HOURS_PH | HOURS_SH */
	int off;			/* closed ("off" or "closed"): no span */
	size_t n;
	int from[HOURS_MAX_SPANS];	/* minutes since midnight */
	int to[HOURS_MAX_SPANS];
};

/* The model keeps a parsed struct hours in HOURS_SIZE(n) bytes (its n
 * rules only: most have one or two of the eight): read r[0..n), and never
 * copy one of the model's whole. */
struct hours {
	size_t n;
	struct hours_rule r[HOURS_MAX_RULES];
};

#define HOURS_SIZE(n) (offsetof(struct hours, r) + (n) * sizeof(struct hours_rule))

/* Parses s into h. Returns 0, or -1 with *err set to a static message and
 * *at to the byte offset of the problem. */
int hours_parse(const char *s, struct hours *h, const char **err, size_t *at);
/* Writes h in plain French ("mardi et jeudi, 18 h 30 – 20 h 30") into out,
 * which has size bytes; "" when h is NULL (no hours given). The spaces inside
 * a time and a range of times are U+00A0, so that they never break. */
void hours_french(const struct hours *h, char *out, size_t size);
/* Returns 1 when some span ends after 18:00 on a weekday. */
int hours_has_evening(const struct hours *h);
/* Returns 1 when some span is on Saturday. */
int hours_has_saturday(const struct hours *h);
/* Returns 1 when some span starts before 12:00 on a weekday. */
int hours_has_morning(const struct hours *h);

#endif
