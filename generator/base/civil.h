/*
 * Calendar arithmetic on dates written as YYYYMMDD integers (the model's
 * form), in the proleptic Gregorian calendar, without time zones or libc's
 * struct tm: the same answer on every machine; and the two ways every
 * output writes a date, ISO 8601 ("2026-01-01") and French ("1er janvier
 * 2026", the ordinal for the first day as the French typographic rule has it).
 */
#ifndef CARTO_CIVIL_H
#define CARTO_CIVIL_H

/* Days since 1970-01-01 (negative before). */
long civil_days(int yyyymmdd);
/* The date that many days after 1970-01-01. */
int civil_date(long days);
/* The date n days after (or before) yyyymmdd. */
int civil_add_days(int yyyymmdd, long n);
/* Day of the week, 0 for Sunday to 6 for Saturday. */
int civil_weekday(int yyyymmdd);

/* Room for either form of any date with a four-digit year. */
#define CIVIL_SIZE 32
/* Writes "YYYY-MM-DD" into out (CIVIL_SIZE bytes) and returns it; "" for 0. */
char *civil_iso(int yyyymmdd, char *out);
/* Writes "1er janvier 2026", "2 février 2026" into out (CIVIL_SIZE bytes)
 * and returns it; "" for 0. */
char *civil_fr(int yyyymmdd, char *out);

/* Local time in Paris (Europe/Paris, the EU rule in force since 1996):
 * UTC+2 from the last Sunday of March at 01:00 UTC to the last Sunday of
 * October at 01:00 UTC, UTC+1 the rest of the year. Instants are minutes
 * since 1970-01-01 00:00 UTC; a local time is a date and minutes from
 * midnight. */
enum civil_local_kind {
	CIVIL_ONCE,		/* the local time happens once */
	CIVIL_SKIPPED,		/* in the hour skipped in March (02:00 to 03:00) */
	CIVIL_TWICE		/* in the hour repeated in October (02:00 to 03:00) */
};
/* Minutes to add to UTC to get Paris time at instant t: 60 or 120. */
int civil_paris_offset(long t);
/* The instant of a Paris local time; kind (may be NULL) says whether it
 * happens once. A skipped time is read with the offset before the gap
 * (02:30 is 03:30 summer time), a repeated one as its first occurrence
 * (summer time), as RFC 5545 §3.3.5 reads them. */
long civil_paris_instant(int yyyymmdd, int minutes, enum civil_local_kind *kind);
/* The Paris local date and minutes from midnight of instant t. */
void civil_paris_local(long t, int *yyyymmdd, int *minutes);

#endif
