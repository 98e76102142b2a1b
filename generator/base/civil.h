/*
 * Calendar arithmetic on dates written as YYYYMMDD integers (the model's
 * form), in the proleptic Gregorian calendar, without time zones or libc's
 * struct tm: the same answer on every machine.
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

#endif
