/*
 * The one check for every URL carto publishes, whatever its source: site.yaml
 * (base_url, menus), YAML fields (site_web, inscription_url, replay_url,
 * source_url), front matter and Markdown links and images, and the map links
 * carto makes for a lieu (geo:). A URL is judged as
 * a browser reads it (WHATWG URL standard, "basic URL parser"): blanks and C0
 * control characters before it are skipped, tabs and newlines anywhere are
 * removed, and the scheme is matched whatever its case. libc only; nothing
 * here allocates or fails.
 */
#ifndef CARTO_URL_H
#define CARTO_URL_H

enum url_kind {
	URL_RELATIVE,	/* no scheme: a link inside the site */
	URL_WEB,	/* http: or https: */
	URL_MAIL,	/* mailto: */
	URL_TEL,	/* tel: */
	URL_GEO,	/* geo: (RFC 5870), written by carto for a lieu; not a
			 * link in Markdown, like the other schemes */
	URL_OTHER,	/* another scheme (ftp:, file:…): not published */
	URL_SCRIPT	/* javascript:, vbscript:, data:, or a scheme hidden
			 * behind characters a browser would strip or decode
			 * (controls, character references): refused */
};

/* Returns the kind of url as a browser would read it. */
enum url_kind url_kind(const char *url);
/* Returns 1 when url may be published as a link: relative, web, mail or tel. */
int url_is_link(const char *url);
/* Returns 1 when url is a geo: URI of a point as carto writes it
 * ("geo:48.93620,2.35740"): latitude in [-90, 90], longitude in
 * [-180, 180], decimal numbers, no altitude nor parameter. */
int url_is_geo(const char *url);
/* Returns 1 when url is an absolute http(s) address with a host, written
 * plainly: no blank or control character anywhere. */
int url_is_web(const char *url);
/* The rule for a site's base address (site.yaml base_url, --base-url): NULL
 * when url is an http(s) address ending with '/', else a static sentence
 * saying what is wrong ("must end with '/'"…). */
const char *url_base_problem(const char *url);

#endif
