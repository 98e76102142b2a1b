/*
 * The help texts (help.h), one per command, in the order of the man page.
 */
#include "help.h"

#include <string.h>

static const struct {
	const char *cmd, *text;
} pages[] = {
	{ "build",
	  "usage: carto build [--site DIR] [--out DIR] [--jobs N] [--drafts] [--base-url URL]\n"
	  "                   [--no-cache]\n"
	  "\n"
	  "Checks the site, then publishes it into --out (default: <site>/output) with one\n"
	  "atomic rename; with an error nothing is published and --out stays as it was.\n"
	  "\n"
	  "  --site DIR      the site folder (default: the current folder; CARTO_SITE)\n"
	  "  --out DIR       where to publish (CARTO_OUT)\n"
	  "  --jobs N        threads, 1 to 256 (default: the processors; CARTO_JOBS)\n"
	  "  --drafts        publish drafts too (CARTO_DRAFTS=1)\n"
	  "  --base-url URL  the address the site is published at (CARTO_BASE_URL)\n"
	  "  --no-cache      render every document, ignoring the build cache .<out>.cache\n"
	  "                  and its fingerprint, which lets a build where nothing changed\n"
	  "                  since the last one say so and stop (CARTO_NO_CACHE=1)\n" },
	{ "check",
	  "usage: carto check [--site DIR] [--jobs N]\n"
	  "\n"
	  "Reads and validates the site and its theme; prints every problem as\n"
	  "file:line:column: error: message. Exit status 1 when there is an error.\n"
	  "\n"
	  "  --site DIR      the site folder (default: the current folder; CARTO_SITE)\n"
	  "  --jobs N        threads, 1 to 256 (CARTO_JOBS)\n" },
	{ "serve",
	  "usage: carto serve [--site DIR] [--port N] [--jobs N] [--drafts] [--full] [--poll]\n"
	  "\n"
	  "Builds the site's pages into a private folder and serves them on\n"
	  "http://127.0.0.1:PORT/; rebuilds when a file changes and the open pages reload.\n"
	  "The PDFs, workbooks and data files are not built unless --full. Ctrl-C stops it.\n"
	  "\n"
	  "  --site DIR      the site folder (CARTO_SITE)\n"
	  "  --port N        the port, 1 to 65535 (default 8000; CARTO_PORT)\n"
	  "  --jobs N        threads (CARTO_JOBS)\n"
	  "  --drafts        serve drafts too (CARTO_DRAFTS=1)\n"
	  "  --full          build everything, as carto build does (CARTO_SERVE_FULL=1)\n"
	  "  --poll          look at the files every second instead of inotify\n"
	  "                  (CARTO_SERVE_POLL=1; for network file systems)\n" },
	{ "new",
	  "usage: carto new page|organisme|webinaire|diaporama NAME [--site DIR]\n"
	  "\n"
	  "Writes a file to fill in: content/pages/NAME.md (a draft page or slide deck),\n"
	  "content/pages/webinaires/NAME.md (a draft webinar) or\n"
	  "content/organismes/NAME.yaml. NAME is a slug: a-z, 0-9 and '-'.\n" },
	{ "import",
	  "usage: carto import lheo FILE.xml... [--site DIR]\n"
	  "\n"
	  "Reads LHÉO 2.2 or 2.3 exports (the offer of a Carif-Oref) and writes their\n"
	  "organisations, offers, lieux and sessions into content/organismes/lheo-NAME.yaml,\n"
	  "one file per export, replaced whole at each import; referentiels/lheo.yaml maps\n"
	  "LHÉO codes to the site's lists. With an error nothing is written (exit status 1).\n"
	  "\n"
	  "  --site DIR      the site folder (default: the current folder; CARTO_SITE)\n" },
	{ "init",
	  "usage: carto init DIR\n"
	  "\n"
	  "Makes a new site in DIR (which must not exist, or be empty) that builds at once:\n"
	  "site.yaml, the vocabularies and référentiels to start from, one organisation,\n"
	  "one cartography and the home page. The territory and the theme stay in carto's\n"
	  "share folder until the site has its own.\n" },
	{ "theme",
	  "usage: carto theme export [DIR]\n"
	  "\n"
	  "Copies carto's default theme into DIR/themes/default/ (DIR: the site, by default\n"
	  "the current folder), so that the site keeps it whatever carto version builds it,\n"
	  "and can edit it. A file of the site's theme wins over carto's.\n" },
	{ "version",
	  "usage: carto version (or carto --version)\n"
	  "\n"
	  "Prints carto's version and the share folder it uses (default theme, territory),\n"
	  "or where it looked when it found none.\n" },
	{ "help",
	  "usage: carto help [COMMAND] (or carto COMMAND --help)\n"
	  "\n"
	  "Prints the usage of every command, or the help of one. See also carto(1).\n" },
};

void help_usage(FILE *f)
{
	fputs("usage: carto build [--site DIR] [--out DIR] [--jobs N] [--drafts] [--base-url URL]\n"
	      "                   [--no-cache]\n"
	      "       carto check [--site DIR] [--jobs N]\n"
	      "       carto serve [--site DIR] [--port N] [--jobs N] [--drafts] [--full] [--poll]\n"
	      "       carto new page|organisme|webinaire|diaporama NAME [--site DIR]\n"
	      "       carto import lheo FILE.xml... [--site DIR]\n"
	      "       carto init DIR\n"
	      "       carto theme export [DIR]\n"
	      "       carto version | carto help [COMMAND] | carto COMMAND --help\n"
	      "Options also take the form --option=value. See carto(1).\n", f);
}

int help_command(FILE *f, const char *cmd)
{
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].cmd, cmd) == 0) {
			fputs(pages[i].text, f);
			return 0;
		}
	return -1;
}
