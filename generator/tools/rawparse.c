/*
 * rawparse: the benchmark's baseline, libyaml's raw event parse of every
 * .yaml file under a folder, a job each on carto's job pool (base/pool.c)
 * with N threads, with no tree and no checks: what `carto check` is
 * compared with.
 *
 * usage: rawparse [-j N] DIR    prints "bytes=<n> events=<n> seconds=<s>"
 */
#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "../base/pool.h"

static char **files;
static size_t nfiles, capfiles;
static atomic_ullong total_events, total_bytes;

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		char *p = malloc(n);
		snprintf(p, n, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(p);
			free(p);
		} else if (n > 6 && strcmp(p + strlen(p) - 5, ".yaml") == 0) {
			if (nfiles == capfiles) {
				capfiles = capfiles ? capfiles * 2 : 1024;
				files = realloc(files, capfiles * sizeof(*files));
			}
			files[nfiles++] = p;
		} else
			free(p);
	}
	closedir(d);
}

static void parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned long long events = 0;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		events++;
		int end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	total_bytes += (unsigned long long)ftell(f);
	total_events += events;
	yaml_parser_delete(&p);
	fclose(f);
}

static int parse_job(void *ctx, size_t i, struct pool_worker *w)
{
	(void)ctx;
	(void)w;
	parse_file(files[i]);
	return 0;
}

int main(int argc, char **argv)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-j") == 0) {
		jobs = atol(argv[i + 1]);
		i += 2;
	}
	if (i >= argc || jobs < 1) {
		fprintf(stderr, "usage: rawparse [-j N] DIR\n");
		return 2;
	}
	walk(argv[i]);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct diags d = DIAGS_INIT;
	pool_run(nfiles, jobs > 256 ? 256 : (int)jobs, parse_job, NULL, &d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("bytes=%llu events=%llu seconds=%.3f files=%zu\n",
	    (unsigned long long)total_bytes, (unsigned long long)total_events, s, nfiles);
	for (size_t k = 0; k < nfiles; k++)
		free(files[k]);
	free(files);
	return 0;
}
