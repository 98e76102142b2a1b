/*
 * External sort of records for carto import lheo, in bounded memory: records
 * (a key and data, both bytes) are added in any order and come back sorted by
 * key (bytes compared as unsigned, a shorter key before its extensions),
 * records of equal keys in the order they were added. Records fill a run of
 * LHEO_SORT_RUN bytes in memory; a full run is sorted and written to a spool
 * file in dir, unlinked as soon as it is created (nothing is left behind
 * whatever the exit, even a kill); at the end the runs are merged, at most
 * LHEO_SORT_WAYS at a time, each read through a buffer of LHEO_SORT_READ
 * bytes. Memory is therefore about LHEO_SORT_RUN + LHEO_SORT_WAYS *
 * LHEO_SORT_READ, plus the largest record while merging, whatever the
 * number of records;
 * when everything fits in one run, nothing touches the disk. Included by the
 * files of generator/import/ only. Functions that fail return -1 with errno
 * set (an I/O error on the spool).
 */
#ifndef CARTO_LHEO_SORT_H
#define CARTO_LHEO_SORT_H

#include <stddef.h>

#define LHEO_SORT_RUN ((size_t)4 << 20)
#define LHEO_SORT_WAYS 128
#define LHEO_SORT_READ ((size_t)16 << 10)

struct lheo_sort_src;

struct lheo_sort {
	const char *dir;		/* where the spool goes */
	size_t run_size;		/* LHEO_SORT_RUN (tests make it smaller) */
	int fd;				/* the spool, -1 until a run is written */
	long long end;			/* its length */
	char *run;			/* the run being filled: records end to end */
	size_t run_len, run_cap;
	const char **recs;		/* the records of the run, in order added */
	size_t n_recs, cap_recs;
	struct { long long off, len; } *runs;	/* sorted runs in the spool */
	size_t n_runs, cap_runs;
	struct lheo_sort_src *src;	/* merging: the sources and their heap */
	size_t n_src, *heap, n_heap;
	size_t last;			/* the source of the record last handed out */
};

/* A record handed back by lheo_sort_next: valid until the next call. */
struct lheo_sort_rec {
	const char *key, *data;
	size_t key_len, data_len;
};

void lheo_sort_init(struct lheo_sort *s, const char *dir);
int lheo_sort_add(struct lheo_sort *s, const char *key, size_t key_len, const void *data,
    size_t data_len);
/* The same for a record whose data is head then tail, given apart so that
 * the caller need not join them. A record larger than a run is written to
 * the spool at once, from its parts (a run of its own). */
int lheo_sort_add2(struct lheo_sort *s, const char *key, size_t key_len, const void *head,
    size_t head_len, const void *tail, size_t tail_len);
/* Ends the adding: the records can be read with lheo_sort_next. */
int lheo_sort_finish(struct lheo_sort *s);
/* The next record in order: 1, or 0 at the end, -1 on a read error. */
int lheo_sort_next(struct lheo_sort *s, struct lheo_sort_rec *r);
/* Frees everything and closes the spool (which was never linked). */
void lheo_sort_free(struct lheo_sort *s);

#endif
