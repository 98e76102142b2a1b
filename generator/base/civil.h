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

#endif
