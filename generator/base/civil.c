/*
 * Howard Hinnant's days_from_civil and civil_from_days: eras of 400 years
 * (146,097 days) with March as the first month, so that the leap day ends
 * the year. Paris time from the EU rule (directive 2000/84/EC: summer time
 * from the last Sunday of March to the last Sunday of October, changing at
 * 01:00 UTC), without the system's time zone files.
 */
#include "civil.h"

#include <stdio.h>

long civil_days(int yyyymmdd)
{
	long y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int civil_date(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
	return (int)((y + (m <= 2)) * 10000 + m * 100 + d);
}

int civil_add_days(int yyyymmdd, long n)
{
	return civil_date(civil_days(yyyymmdd) + n);
}

int civil_weekday(int yyyymmdd)
{
	long w = (civil_days(yyyymmdd) + 4) % 7;	/* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

char *civil_iso(int yyyymmdd, char *out)
{
	if (!yyyymmdd)
		out[0] = '\0';
	else
		snprintf(out, CIVIL_SIZE, "%04u-%02u-%02u", (unsigned)yyyymmdd / 10000 % 10000,
		    (unsigned)yyyymmdd / 100 % 100, (unsigned)yyyymmdd % 100);
	return out;
}

char *civil_fr(int yyyymmdd, char *out)
{
	static const char *const mois[] = { "janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre" };
	int day = yyyymmdd % 100, m = yyyymmdd / 100 % 100;
	if (!yyyymmdd)
		out[0] = '\0';
	else
		snprintf(out, CIVIL_SIZE, "%d%s %s %d", day, day == 1 ? "er" : "", mois[(m + 11) % 12],
		    yyyymmdd / 10000);
	return out;
}

static long floor_div(long a, long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The instant the clocks change in a year: the last Sunday of month (March
 * or October) at 01:00 UTC. */
static long change_instant(int year, int month)
{
	int last = civil_add_days(year * 10000 + (month + 1) * 100 + 1, -1);
	last = civil_add_days(last, -civil_weekday(last));
	return civil_days(last) * 1440 + 60;
}

int civil_paris_offset(long t)
{
	int year = civil_date(floor_div(t, 1440)) / 10000;
	return t >= change_instant(year, 3) && t < change_instant(year, 10) ? 120 : 60;
}

long civil_paris_instant(int yyyymmdd, int minutes, enum civil_local_kind *kind)
{
	long local = civil_days(yyyymmdd) * 1440 + minutes;
	int winter = civil_paris_offset(local - 60) == 60;
	int summer = civil_paris_offset(local - 120) == 120;
	if (kind)
		*kind = winter && summer ? CIVIL_TWICE : !winter && !summer ? CIVIL_SKIPPED : CIVIL_ONCE;
	return summer ? local - 120 : local - 60;
}

void civil_paris_local(long t, int *yyyymmdd, int *minutes)
{
	long local = t + civil_paris_offset(t);
	long days = floor_div(local, 1440);
	*yyyymmdd = civil_date(days);
	*minutes = (int)(local - days * 1440);
}
