/*
 * opening_hours subset: a small recursive-descent parser over one line, and
 * the French rendering used on cards, fiches and extracts.
 */
#include "hours.h"

#include <stdio.h>
#include <string.h>

static const char *const day_codes[] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };
static const char *const day_fr[] = { "lundi", "mardi", "mercredi", "jeudi",
	"vendredi", "samedi", "dimanche" };

static const char *const month_codes[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const month_fr[] = { "janvier", "février", "mars", "avril", "mai",
	"juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre" };

static int day_at(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (s[0] == day_codes[i][0] && s[1] == day_codes[i][1])
			return i;
	return -1;
}

static int month_at(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (strncmp(s, month_codes[i], 3) == 0)
			return i;
	return -1;
}

/*
 * A list of items or ranges of items ("Mo,We-Fr", "Sep-Jun"), found by at
 * among n items of width w; a range may wrap past the last item ("Sa-Mo",
 * "Sep-Jun"). Sets the items' bits in *set. Returns 0, or -1 when the text
 * does not start with an item.
 */
static int parse_set(const char **p, int (*at)(const char *), int n, size_t w,
    unsigned *set)
{
	for (;;) {
		int a = at(*p);
		if (a < 0)
			return -1;
		*p += w;
		int b = a;
		if (**p == '-' && at(*p + 1) >= 0) {
			b = at(*p + 1);
			*p += 1 + w;
		}
		for (int d = a;; d = (d + 1) % n) {
			*set |= 1u << d;
			if (d == b)
				break;
		}
		if (**p != ',' || at(*p + 1) < 0)
			return 0;
		(*p)++;
	}
}

/* Weekdays and the holiday words PH and SH, in one list ("Mo-Fr,PH"). */
static int parse_days(const char **p, unsigned *days, unsigned *holidays)
{
	int any = 0;
	for (;;) {
		if (strncmp(*p, "PH", 2) == 0 || strncmp(*p, "SH", 2) == 0) {
			*holidays |= **p == 'P' ? HOURS_PH : HOURS_SH;
			*p += 2;
		} else if (parse_set(p, day_at, 7, 2, days) < 0)
			return any ? 0 : -1;
		any = 1;
		if (**p != ',')
			return 0;
		(*p)++;
	}
}

static int parse_time(const char **p, int *min)
{
	const char *s = *p;
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	*p += 5;
	return 0;
}

/* A rule: [months] [days] then times or "off" (or "closed"). */
static int parse_rule(const char **p, struct hours_rule *r, const char **err)
{
	int sel = 0;
	if (month_at(*p) >= 0) {
		parse_set(p, month_at, 12, 3, &r->months);
		sel = 1;
		if (**p == ':')
			(*p)++;
		while (**p == ' ')
			(*p)++;
	}
	if (day_at(*p) >= 0 || strncmp(*p, "PH", 2) == 0 || strncmp(*p, "SH", 2) == 0) {
		parse_days(p, &r->days, &r->holidays);
		sel = 1;
		if (**p != ' ' && **p) {
			*err = "expected a space then times such as 09:00-12:00, or off";
			return -1;
		}
	} else if (!sel && !(**p >= '0' && **p <= '9')) {
		*err = "expected days such as Mo, Tu-Th or Mo,We";
		return -1;
	} else
		r->days = 0x7F;	/* no day named: every day */
	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, "off", 3) == 0 || strncmp(*p, "closed", 6) == 0) {
		*p += **p == 'o' ? 3 : 6;
		r->off = 1;
		return 0;
	}
	for (;;) {
		if (r->n == HOURS_MAX_SPANS) {
			*err = "too many time spans in one rule";
			return -1;
		}
		if (parse_time(p, &r->from[r->n]) < 0 || **p != '-' ||
		    (++*p, parse_time(p, &r->to[r->n])) < 0) {
			*err = "expected times HH:MM-HH:MM, or off";
			return -1;
		}
		if (r->to[r->n] <= r->from[r->n]) {
			*err = "a time span must end after it starts";
			return -1;
		}
		r->n++;
		if (**p != ',')
			return 0;
		(*p)++;
	}
}

int hours_parse(const char *s, struct hours *h, const char **err, size_t *at)
{
	const char *p = s;
	memset(h, 0, sizeof(*h));
	for (;;) {
		while (*p == ' ')
			p++;
		if (h->n == HOURS_MAX_RULES) {
			*err = "too many rules";
			*at = (size_t)(p - s);
			return -1;
		}
		if (parse_rule(&p, &h->r[h->n], err) < 0) {
			*at = (size_t)(p - s);
			return -1;
		}
		h->n++;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (*p != ';') {
			*err = "expected ';' between rules";
			*at = (size_t)(p - s);
			return -1;
		}
		p++;
	}
}

/* U+00A0 NO-BREAK SPACE in UTF-8: a time ("14 h", "9 h 30") and a range of
 * times ("14 h – 17 h") never break across lines in any output (it is in
 * CP1252, so the PDFs keep it too). */
#define NBSP "\xC2\xA0"

static void fr_time(char *out, size_t size, int min)
{
	if (min % 60)
		snprintf(out, size, "%d" NBSP "h" NBSP "%02d", min / 60, min % 60);
	else
		snprintf(out, size, "%d" NBSP "h", min / 60);
}

/*
 * Names the members of set among n names: a run of three or more, which may
 * wrap past the last name, with range ("du %s au %s"; *ranged is set), else
 * as a list ("mardi et jeudi", "lundi, mercredi et vendredi").
 */
static size_t fr_set(unsigned set, int n, const char *const *names,
    const char *range, char *out, size_t size, int *ranged)
{
	int first = -1, count = 0;
	for (int i = 0; i < n; i++)
		if (set & (1u << i)) {
			count++;
			if (first < 0 && !(set & (1u << ((i + n - 1) % n))))
				first = i;
		}
	if (count == n)
		first = 0;
	int run = first >= 0;
	for (int k = 0; run && k < count; k++)
		run = (set >> ((first + k) % n)) & 1;
	*ranged = run && count >= 3;
	if (*ranged)
		return (size_t)snprintf(out, size, range, names[first],
		    names[(first + count - 1) % n]);
	size_t len = 0;
	int seen = 0;
	for (int i = 0; i < n && len < size; i++) {
		if (!(set & (1u << i)))
			continue;
		const char *sep = seen == 0 ? "" : seen == count - 1 ? " et " : ", ";
		len += (size_t)snprintf(out + len, size - len, "%s%s", sep, names[i]);
		seen++;
	}
	return len;
}

/* "de septembre à juin, ", "en juillet et août, ". */
static size_t fr_months(unsigned months, char *out, size_t size)
{
	if (!months || months == 0xFFF)
		return 0;
	char set[160];
	int ranged;
	fr_set(months, 12, month_fr, "de %s à %s", set, sizeof(set), &ranged);
	return (size_t)snprintf(out, size, "%s%s, ", ranged ? "" : "en ", set);
}

/* The days of a rule, holidays included ("du lundi au vendredi et les jours
 * fériés"). */
static size_t fr_rule_days(const struct hours_rule *r, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	int ranged;
	if (r->days)
		len = fr_set(r->days, 7, day_fr, "du %s au %s", out, size, &ranged);
	static const char *const hol[] = { "les jours fériés", "les vacances scolaires" };
	for (int i = 0; i < 2 && len < size; i++)
		if (r->holidays & (1u << i))
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " et " : "", hol[i]);
	return len;
}

void hours_french(const struct hours *h, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	if (!h)
		return;
	for (size_t i = 0; i < h->n && len < size; i++) {
		const struct hours_rule *r = &h->r[i];
		if (i)
			len += (size_t)snprintf(out + len, size - len, " ; ");
		if (len < size)
			len += fr_months(r->months, out + len, size - len);
		if (len < size && r->off)
			len += (size_t)snprintf(out + len, size - len, "fermé ");
		if (len >= size)
			break;
		len += fr_rule_days(r, out + len, size - len);
		for (size_t j = 0; j < r->n && len < size; j++) {
			char a[32], b[32];
			fr_time(a, sizeof(a), r->from[j]);
			fr_time(b, sizeof(b), r->to[j]);
			len += (size_t)snprintf(out + len, size - len, "%s%s" NBSP "–" NBSP "%s",
			    j ? " et " : ", ", a, b);
		}
	}
}

/* The days of rule i that no later rule overrides all the months of. */
static unsigned own_days(const struct hours *h, size_t i)
{
	unsigned days = h->r[i].days, mi = h->r[i].months;
	for (size_t j = i + 1; j < h->n; j++) {
		unsigned mj = h->r[j].months;
		if (!mj || (mi && (mi & ~mj) == 0))
			days &= ~h->r[j].days;
	}
	return days;
}

static int any_span(const struct hours *h, unsigned days, int (*pred)(int, int))
{
	for (size_t i = 0; i < h->n; i++)
		if (own_days(h, i) & days)
			for (size_t j = 0; j < h->r[i].n; j++)
				if (pred(h->r[i].from[j], h->r[i].to[j]))
					return 1;
	return 0;
}

static int is_evening(int from, int to)
{
	(void)from;
	return to > 18 * 60;
}

static int is_any(int from, int to)
{
	(void)from;
	(void)to;
	return 1;
}

static int is_morning(int from, int to)
{
	(void)to;
	return from < 12 * 60;
}

int hours_has_evening(const struct hours *h)
{
	return any_span(h, 0x1F, is_evening);
}

int hours_has_saturday(const struct hours *h)
{
	return any_span(h, 1u << 5, is_any);
}

int hours_has_morning(const struct hours *h)
{
	return any_span(h, 0x1F, is_morning);
}
