/*
 * carto init and carto theme export (scaffold.h): recursive copies out of
 * the share folder. Only folders and regular files are copied; a symbolic
 * link in the share folder is skipped, never followed.
 */
#include "scaffold.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/fs.h"

#define SCAFFOLD_MAX_FILE (64u << 20)
#define DATE_TOKEN "AAAA-MM-JJ"

/* Replaces every DATE_TOKEN of b by date (same length). */
static void put_date(struct buf *b, const char *date)
{
	char *p = b->data;
	while ((p = strstr(p, DATE_TOKEN))) {
		memcpy(p, date, strlen(DATE_TOKEN));
		p += strlen(DATE_TOKEN);
	}
}

/* Copies the tree src into dst; date, when not NULL, replaces DATE_TOKEN in
 * the files. skip names one entry of the top folder left out (or NULL). */
static int copy_tree(const char *src, const char *dst, const char *date, const char *skip)
{
	struct fs_entry *v;
	size_t n;
	if (fs_list(src, &v, &n) < 0 || fs_mkdirs(dst) < 0) {
		fprintf(stderr, "carto: cannot copy %s to %s: %s\n", src, dst, strerror(errno));
		return -1;
	}
	struct buf from = BUF_INIT, to = BUF_INIT, data = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (skip && strcmp(v[i].name, skip) == 0)
			continue;
		fs_join(&from, src, v[i].name);
		fs_join(&to, dst, v[i].name);
		if (v[i].kind == FS_DIR) {
			rc = copy_tree(from.data, to.data, date, NULL);
			continue;
		}
		if (v[i].kind != FS_FILE)
			continue;
		buf_reset(&data);
		rc = fs_read(from.data, SCAFFOLD_MAX_FILE, &data);
		if (rc == 0 && date)
			put_date(&data, date);
		if (rc == 0)
			rc = fs_write(to.data, data.data, data.len);
		if (rc < 0)
			fprintf(stderr, "carto: cannot copy %s to %s: %s\n", from.data, to.data,
			    strerror(errno));
	}
	fs_entries_free(v, n);
	buf_release(&from);
	buf_release(&to);
	buf_release(&data);
	return rc;
}

/* Returns 1 when dir does not exist or is an empty folder. */
static int is_free(const char *dir)
{
	struct fs_entry *v;
	size_t n;
	if (!fs_exists(dir))
		return 1;
	if (fs_list(dir, &v, &n) < 0)
		return 0;
	fs_entries_free(v, n);
	return n == 0;
}

int scaffold_init(const char *share, const char *dir, int today)
{
	char date[16];
	if (!is_free(dir)) {
		fprintf(stderr, "carto: %s exists and is not an empty folder: refused\n", dir);
		return -1;
	}
	snprintf(date, sizeof(date), "%04d-%02d-%02d", today / 10000, today / 100 % 100, today % 100);
	struct buf from = BUF_INIT, to = BUF_INIT;
	fs_join(&from, share, "init");
	int rc = copy_tree(from.data, dir, date, NULL);
	fs_join(&from, share, "referentiels");
	fs_join(&to, dir, "referentiels");
	if (rc == 0)
		rc = copy_tree(from.data, to.data, NULL, "geo");
	buf_release(&from);
	buf_release(&to);
	return rc;
}

int scaffold_theme_export(const char *share, const char *site)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	int rc = -1;
	fs_join(&to, site, "site.yaml");
	if (!fs_exists(to.data)) {
		fprintf(stderr, "carto: %s is not a site (no site.yaml): refused\n", site);
		buf_release(&to);
		return -1;
	}
	fs_join(&from, share, "themes/default");
	fs_join(&to, site, "themes/default");
	if (fs_exists(to.data))
		fprintf(stderr, "carto: %s exists already: refused (move it away to export again)\n",
		    to.data);
	else
		rc = copy_tree(from.data, to.data, NULL, NULL);
	buf_release(&from);
	buf_release(&to);
	return rc;
}
