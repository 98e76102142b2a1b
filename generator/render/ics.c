/*
 * iCalendar writer. Lines end with CRLF and are folded at 75 octets, never
 * inside a UTF-8 sequence; TEXT values escape \ ; , and line breaks. Times
 * are local to Europe/Paris, described by a VTIMEZONE with the EU rule (last
 * Sunday of March and of October), so that an agenda anywhere shows the
 * right hour in summer and winter. Start at ics_backend, at the end.
 */
#include "ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/civil.h"
#include "../base/mem.h"
#include "../base/pool.h"
#include "../data/model.h"
#include "backend.h"
#include "publish.h"

/* Appends one content line, folded. */
static void line(struct buf *out, const char *s)
{
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (col + n > 75) {
			buf_puts(out, "\r\n ");
			col = 1;
		}
		for (size_t k = 0; k < n && *p; k++)
			buf_putc(out, (char)*p++);
		col += n;
	}
	buf_puts(out, "\r\n");
}

static void text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_putc(b, '\\');
		if (*s == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		if (*s == '\r' || ((unsigned char)*s < 0x20 && *s != '\t'))
			continue;
		buf_putc(b, *s);
	}
}

/* A property whose value is TEXT. */
static void prop(struct buf *out, struct buf *tmp, const char *name, const char *value)
{
	buf_reset(tmp);
	buf_printf(tmp, "%s:", name);
	text(tmp, value);
	line(out, tmp->data);
}

/* A DATE-TIME property at instant t (minutes since the epoch): Paris
 * local time, or UTC in the hour October repeats: RFC 5545 §3.3.5 reads
 * such a local time as its first occurrence, but readers differ. */
static void local_time(struct buf *out, const char *name, long t)
{
	char v[80];
	int date, minutes;
	enum civil_local_kind kind;
	civil_paris_local(t, &date, &minutes);
	civil_paris_instant(date, minutes, &kind);
	if (kind == CIVIL_ONCE)
		snprintf(v, sizeof(v), "%s;TZID=Europe/Paris:%08dT%02d%02d00", name, date,
		    minutes / 60, minutes % 60);
	else {
		long days = t / 1440;	/* t is after 1970 */
		snprintf(v, sizeof(v), "%s:%08dT%02ld%02ld00Z", name, civil_date(days),
		    t % 1440 / 60, t % 60);
	}
	line(out, v);
}

/* Appends the calendar of one webinar page to out. */
static void ics_event(struct buf *out, const struct site *s, const struct page *pg)
{
	struct buf t = BUF_INIT;
	char v[160];
	line(out, "BEGIN:VCALENDAR");
	line(out, "VERSION:2.0");
	buf_printf(&t, "PRODID:-//carto//%s//FR", s->titre ? s->titre : "carto");
	line(out, t.data);
	line(out, "CALSCALE:GREGORIAN");
	line(out, "METHOD:PUBLISH");
	static const char *const tz[] = {
		"BEGIN:VTIMEZONE", "TZID:Europe/Paris", "X-LIC-LOCATION:Europe/Paris",
		"BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
		"DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
		"BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
		"DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
		"END:VTIMEZONE", NULL };
	for (size_t i = 0; tz[i]; i++)
		line(out, tz[i]);
	line(out, "BEGIN:VEVENT");
	/* The UID stays the same from build to build: the page and the host. */
	const char *host = s->base_url ? strstr(s->base_url, "://") : NULL;
	host = host ? host + 3 : "carto.invalid";
	size_t hl = strcspn(host, "/:");
	buf_reset(&t);
	buf_printf(&t, "UID:%s@%.*s", pg->slug, (int)hl, host);
	for (char *q = t.data + 4; *q; q++)
		if (*q == '/')
			*q = '-';
	line(out, t.data);
	int stamp = pg->date ? pg->date : pg->web_date;
	snprintf(v, sizeof(v), "DTSTAMP:%08dT000000Z", stamp);
	line(out, v);
	if (pg->web_debut >= 0) {
		/* The end is the start plus the duration in real time: an hour
		 * more or less on the wall clock when the clocks change between. */
		long start = civil_paris_instant(pg->web_date, pg->web_debut, NULL);
		local_time(out, "DTSTART", start);
		local_time(out, "DTEND", start + pg->web_duree);
	} else {
		snprintf(v, sizeof(v), "DTSTART;VALUE=DATE:%08d", pg->web_date);
		line(out, v);
		snprintf(v, sizeof(v), "DTEND;VALUE=DATE:%08d", civil_add_days(pg->web_date, 1));
		line(out, v);
	}
	prop(out, &t, "SUMMARY", pg->titre);
	struct buf d = BUF_INIT;
	if (pg->resume)
		buf_printf(&d, "%s\n\n", pg->resume);
	for (size_t i = 0; i < pg->n_web_intervenants; i++) {
		const struct speaker *sp = &pg->web_intervenants[i];
		buf_printf(&d, "%s%s", i ? ", " : "Intervenants : ", sp->nom);
		if (sp->role)
			buf_printf(&d, " (%s)", sp->role);
		if (i + 1 == pg->n_web_intervenants)
			buf_puts(&d, "\n");
	}
	if (pg->web_inscription)
		buf_printf(&d, "Inscription : %s\n", pg->web_inscription);
	buf_printf(&d, "Présentation : %s%s/", s->base_url ? s->base_url : "", pg->slug);
	prop(out, &t, "DESCRIPTION", d.data);
	prop(out, &t, "LOCATION", pg->web_lieu ? pg->web_lieu : "En ligne");
	buf_reset(&t);
	buf_printf(&t, "URL:%s%s/", s->base_url ? s->base_url : "", pg->slug);
	line(out, t.data);
	line(out, "STATUS:CONFIRMED");
	line(out, "TRANSP:OPAQUE");
	line(out, "END:VEVENT");
	line(out, "END:VCALENDAR");
	buf_release(&d);
	buf_release(&t);
}

/* ---- the backend ---- */

/* The webinars to publish, each a job. */
struct ics {
	const struct site *s;
	struct publish *p;
	const struct page **v;
	size_t n;
};

static void *ics_new(const struct render_in *in)
{
	const struct site *s = in->s;
	struct ics *x = xcalloc(1, sizeof(*x));
	x->s = s;
	x->v = xmalloc((s->n_pages + 1) * sizeof(*x->v));
	for (size_t i = 0; i < s->n_pages; i++) {
		const struct page *pg = s->pages[i];
		if (pg->type == PAGE_WEBINAIRE && pg->web_date && (!pg->brouillon || in->o->drafts))
			x->v[x->n++] = pg;
	}
	return x;
}

static int ics_job(void *ctx, size_t i, struct pool_worker *w)
{
	struct ics *x = ctx;
	const struct page *pg = x->v[i];
	const char *last = strrchr(pg->slug, '/');
	buf_reset(&w->out);
	ics_event(&w->out, x->s, pg);
	buf_reset(&w->tmp);
	buf_printf(&w->tmp, "%s/%s.ics", pg->slug, last ? last + 1 : pg->slug);
	return publish_write(x->p, w->tmp.data, w->out.data, w->out.len);
}

static int ics_render(void *self, const struct render_in *in, struct publish *p, struct diags *d)
{
	struct ics *x = self;
	x->p = p;
	return pool_run(x->n, in->o->jobs, ics_job, x, d, NULL);
}

static void ics_free(void *self)
{
	struct ics *x = self;
	free(x->v);
	free(x);
}

const struct backend ics_backend = { "ics", ics_new, ics_render, ics_free };
