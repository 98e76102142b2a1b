/*
 * yamlraw: the benchmark's baseline, "libyaml's raw parse". It reads every
 * .yaml file given (or found under -d DIR, recursively) with libyaml's event
 * API only: yaml_parser_parse and yaml_event_delete, no tree and no check.
 * Nothing that reads YAML through libyaml can be much faster on the same
 * files and cores, so `carto check` is reported as a multiple of this time.
 *
 * Files are shared by N threads (default: the online processors) through
 * one atomic index, largest first, so that a big import file does not end
 * the run on a single core. The list is built before the clock starts;
 * reading the files is timed, as it is for carto. Prints one line:
 *
 *	files=<n> bytes=<n> events=<n> seconds=<s> threads=<n>
 *
 * and exits 1 if a file cannot be read or is not YAML (after parsing all).
 *
 * usage: yamlraw [-j N] FILES...
 *        yamlraw [-j N] -d DIR
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

struct file {
	char *path;
	long long size;
};

/* What the threads share: the list (read-only), the next index, the totals. */
struct job {
	struct file *files;
	size_t n, cap;
	atomic_size_t next;
	atomic_ullong bytes, events;
	atomic_int failed;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("yamlraw: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static void add_file(struct job *j, const char *path, long long size)
{
	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 1024;
		j->files = xrealloc(j->files, j->cap * sizeof(*j->files));
	}
	size_t len = strlen(path) + 1;
	j->files[j->n].path = memcpy(xrealloc(NULL, len), path, len);
	j->files[j->n].size = size;
	j->n++;
}

static int is_yaml(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* Adds every .yaml file under dir; hidden entries are skipped, as carto does. */
static void walk(struct job *j, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d) {
		fprintf(stderr, "yamlraw: cannot open %s\n", dir);
		j->failed = 1;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		char *p = xrealloc(NULL, n);
		struct stat st;
		snprintf(p, n, "%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			walk(j, p);
		else if (is_yaml(e->d_name) && S_ISREG(st.st_mode))
			add_file(j, p, (long long)st.st_size);
		free(p);
	}
	closedir(d);
}

/* Parses one file to the end of its stream; returns its event count, or -1. */
static long long parse_file(const char *path, unsigned long long *bytes)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t p;
	yaml_event_t ev;
	long long events = 0;
	int done = 0;
	if (!f) {
		fprintf(stderr, "yamlraw: %s: %s\n", path, strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "yamlraw: %s:%zu:%zu: %s\n", path, p.problem_mark.line + 1,
			    p.problem_mark.column + 1, p.problem ? p.problem : "parse error");
			events = -1;
			break;
		}
		events++;
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	*bytes = (unsigned long long)p.offset;
	yaml_parser_delete(&p);
	fclose(f);
	return events;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	unsigned long long bytes = 0, events = 0;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		unsigned long long b = 0;
		if (i >= j->n)
			break;
		long long ev = parse_file(j->files[i].path, &b);
		if (ev < 0)
			j->failed = 1;
		else
			events += (unsigned long long)ev;
		bytes += b;
	}
	j->bytes += bytes;
	j->events += events;
	return NULL;
}

static int by_size_desc(const void *a, const void *b)
{
	const struct file *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->path, y->path);
}

/* Runs the workers (the calling thread is one of them); returns the seconds taken. */
static double run(struct job *j, long threads)
{
	pthread_t *th = xrealloc(NULL, (size_t)threads * sizeof(*th));
	struct timespec t0, t1;
	long started = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; started < threads; started++)
		if (pthread_create(&th[started], NULL, worker, j) != 0)
			break;
	worker(j);
	for (long k = 1; k < started; k++)
		pthread_join(th[k], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(th);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: yamlraw [-j N] FILES... | yamlraw [-j N] -d DIR\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct job j;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int opt;
	while ((opt = getopt(argc, argv, "j:d:")) != -1) {
		if (opt == 'j' && (threads = strtol(optarg, NULL, 10)) >= 1 && threads <= 1024)
			continue;
		if (opt == 'd') {
			walk(&j, optarg);
			continue;
		}
		usage();
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		add_file(&j, argv[i], stat(argv[i], &st) == 0 ? (long long)st.st_size : 0);
	}
	if (j.n == 0 && !j.failed)
		usage();
	if (threads < 1)
		threads = 1;
	qsort(j.files, j.n, sizeof(*j.files), by_size_desc);
	double s = run(&j, threads);
	printf("files=%zu bytes=%llu events=%llu seconds=%.3f threads=%ld\n", j.n,
	    (unsigned long long)j.bytes, (unsigned long long)j.events, s, threads);
	for (size_t i = 0; i < j.n; i++)
		free(j.files[i].path);
	free(j.files);
	return j.failed ? 1 : 0;
}
