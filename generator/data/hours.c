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

static int day_at(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (s[0] == day_codes[i][0] && s[1] == day_codes[i][1])
			return i;
	return -1;
}

static int parse_days(const char **p, unsigned *days)
{
	*days = 0;
	for (;;) {
		int a = day_at(*p);
		if (a < 0)
			return -1;
		*p += 2;
		int b = a;
		if (**p == '-') {
			b = day_at(*p + 1);
			if (b < 0 || b < a)
				return -1;
			*p += 3;
		}
		for (int d = a; d <= b; d++)
			*days |= 1u << d;
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

static int parse_rule(const char **p, struct hours_rule *r, const char **err)
{
	if (parse_days(p, &r->days) < 0) {
		*err = "expected days such as Mo, Tu-Th or Mo,We";
		return -1;
	}
	if (**p != ' ') {
		*err = "expected a space then times such as 09:00-12:00";
		return -1;
	}
	while (**p == ' ')
		(*p)++;
	for (;;) {
		if (r->n == HOURS_MAX_SPANS) {
			*err = "too many time spans in one rule";
			return -1;
		}
		if (parse_time(p, &r->from[r->n]) < 0 || **p != '-' ||
		    (++*p, parse_time(p, &r->to[r->n])) < 0) {
			*err = "expected times HH:MM-HH:MM";
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

static void fr_time(char *out, size_t size, int min)
{
	if (min % 60)
		snprintf(out, size, "%d h %02d", min / 60, min % 60);
	else
		snprintf(out, size, "%d h", min / 60);
}

/* "du lundi au vendredi", "mardi et jeudi", "lundi, mercredi et vendredi". */
static size_t fr_days(unsigned days, char *out, size_t size)
{
	int first = -1, last = -1, count = 0;
	for (int d = 0; d < 7; d++)
		if (days & (1u << d)) {
			if (first < 0)
				first = d;
			last = d;
			count++;
		}
	if (count >= 3 && count == last - first + 1)
		return (size_t)snprintf(out, size, "du %s au %s", day_fr[first], day_fr[last]);
	size_t len = 0;
	int seen = 0;
	for (int d = 0; d < 7 && len < size; d++) {
		if (!(days & (1u << d)))
			continue;
		const char *sep = seen == 0 ? "" : seen == count - 1 ? " et " : ", ";
		len += (size_t)snprintf(out + len, size - len, "%s%s", sep, day_fr[d]);
		seen++;
	}
	return len;
}

void hours_french(const struct hours *h, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < h->n && len < size; i++) {
		if (i)
			len += (size_t)snprintf(out + len, size - len, " ; ");
		if (len >= size)
			break;
		len += fr_days(h->r[i].days, out + len, size - len);
		for (size_t j = 0; j < h->r[i].n && len < size; j++) {
			char a[16], b[16];
			fr_time(a, sizeof(a), h->r[i].from[j]);
			fr_time(b, sizeof(b), h->r[i].to[j]);
			len += (size_t)snprintf(out + len, size - len, "%s%s – %s",
			    j ? " et " : ", ", a, b);
		}
	}
}

static int any_span(const struct hours *h, unsigned days, int (*pred)(int, int))
{
	for (size_t i = 0; i < h->n; i++)
		if (h->r[i].days & days)
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
