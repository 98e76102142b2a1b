/*
 * The recorder of fsrec.h: a map from "<kind><root>\1<path>" to the first
 * identity noted, behind one mutex. Start at fsrec_note.
 */
#define _DEFAULT_SOURCE
#include "fsrec.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fs.h"
#include "mem.h"
#include "strmap.h"

struct note {
	char *key;
	struct fsrec_entry e;
};

static atomic_int on;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct strmap notes;
static struct note **list;
static size_t n_list, cap_list;
static char **skips;
static size_t n_skips;
static int changed;

static const char *const kernel[] = { "/proc/", "/sys/", "/dev/" };

int fsrec_on(void)
{
	return atomic_load_explicit(&on, memory_order_relaxed);
}

void fsrec_start(const char *const *skip, size_t n)
{
	skips = xmalloc((n + 1) * sizeof(*skips));
	for (size_t i = 0; i < n; i++)
		skips[i] = xstrdup(skip[i]);
	n_skips = n;
	changed = 0;
	atomic_store(&on, 1);
}

static int by_key(const void *a, const void *b)
{
	return strcmp((*(struct note *const *)a)->key, (*(struct note *const *)b)->key);
}

struct fsrec_entry *fsrec_stop(size_t *n, int *chg)
{
	atomic_store(&on, 0);
	pthread_mutex_lock(&lock);
	xqsort(list, n_list, sizeof(*list), by_key);
	struct fsrec_entry *v = xmalloc((n_list + 1) * sizeof(*v));
	for (size_t i = 0; i < n_list; i++) {
		v[i] = list[i]->e;
		free(list[i]->key);
		free(list[i]);
	}
	*n = n_list;
	*chg = changed;
	free(list);
	list = NULL;
	n_list = cap_list = 0;
	strmap_free(&notes);
	notes = (struct strmap)STRMAP_INIT;
	for (size_t i = 0; i < n_skips; i++)
		free(skips[i]);
	free(skips);
	skips = NULL;
	n_skips = 0;
	pthread_mutex_unlock(&lock);
	return v;
}

void fsrec_free(struct fsrec_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].root);
		free(v[i].path);
	}
	free(v);
}

struct fsrec_id fsrec_id_stat(const struct stat *st)
{
	struct fsrec_id id = { 0, (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		(long long)st->st_size, fs_time_ns(&st->st_mtim),
		fs_time_ns(&st->st_ctim), (unsigned)st->st_mode, 0 };
	return id;
}

int fsrec_id_eq(const struct fsrec_id *a, const struct fsrec_id *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime == b->mtime &&
	    a->ctime == b->ctime && a->mode == b->mode && a->place == b->place;
}

struct fsrec_id fsrec_id_of(enum fsrec_kind kind, const char *root, const char *path)
{
	struct fsrec_id id = { 0, 0, 0, 0, 0, 0, 0, 0 };
	struct stat st;
	if (kind == FSREC_PLACE)
		id.place = (int)fs_place(root, path);
	else if ((kind == FSREC_FOLLOW ? stat(path, &st) : lstat(path, &st)) < 0)
		id.err = errno ? errno : EIO;
	else
		id = fsrec_id_stat(&st);
	return id;
}

/* 1 when path is not an input: under a skipped prefix or the kernel's. */
static int skipped(const char *path)
{
	for (size_t i = 0; i < sizeof(kernel) / sizeof(*kernel); i++)
		if (strncmp(path, kernel[i], strlen(kernel[i])) == 0)
			return 1;
	for (size_t i = 0; i < n_skips; i++) {
		size_t l = strlen(skips[i]);
		if (strncmp(path, skips[i], l) == 0 ||
		    (skips[i][l - 1] == '/' && strlen(path) == l - 1 && strncmp(path, skips[i], l - 1) == 0))
			return 1;
	}
	return 0;
}

static void add(char kind, const char *root, const char *path, const struct fsrec_id *id)
{
	struct buf k = BUF_INIT;	/* kind, root, \1, path: by hand, not
					 * printf (half the note, 9,000 a load) */
	size_t lr = strlen(root), lp = strlen(path);
	buf_grow(&k, lr + lp + 3);
	buf_putc(&k, kind);
	buf_add(&k, root, lr);
	buf_putc(&k, '\1');
	buf_add(&k, path, lp);
	pthread_mutex_lock(&lock);
	if (!fsrec_on() || skipped(path)) {
		pthread_mutex_unlock(&lock);
		buf_release(&k);
		return;
	}
	struct note *had = strmap_get(&notes, k.data);
	if (had) {
		if (!fsrec_id_eq(&had->e.id, id))
			changed = 1;
		pthread_mutex_unlock(&lock);
		buf_release(&k);
		return;
	}
	struct note *nt = xmalloc(sizeof(*nt));
	nt->key = buf_detach(&k, NULL);
	nt->e = (struct fsrec_entry){ kind, xstrdup(root), xstrdup(path), *id };
	strmap_put(&notes, nt->key, nt);
	list = xgrow(list, &cap_list, n_list + 1, sizeof(*list));
	list[n_list++] = nt;
	pthread_mutex_unlock(&lock);
}

void fsrec_note(const char *path, enum fsrec_kind kind, const struct stat *st, int err)
{
	if (!fsrec_on())
		return;
	int e = errno;	/* the caller's to read after */
	struct fsrec_id id = { 0, 0, 0, 0, 0, 0, 0, 0 };
	if (st)
		id = fsrec_id_stat(st);
	else
		id.err = err ? err : EIO;
	add((char)kind, "", path, &id);
	errno = e;
}

void fsrec_reserve(size_t n)
{
	if (!fsrec_on())
		return;
	pthread_mutex_lock(&lock);
	if (fsrec_on()) {
		strmap_reserve(&notes, notes.n + n);
		list = xgrow(list, &cap_list, n_list + n, sizeof(*list));
	}
	pthread_mutex_unlock(&lock);
}

void fsrec_note_place(const char *root, const char *path, int place)
{
	if (!fsrec_on())
		return;
	int e = errno;
	struct fsrec_id id = { 0, 0, 0, 0, 0, 0, 0, place };
	add(FSREC_PLACE, root, path, &id);
	errno = e;
}
