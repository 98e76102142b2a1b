/*
 * benchrun: runs one command and reports its wall-clock time and peak
 * memory, for the benchmark table of `make bench`. The peak is the child's
 * ru_maxrss as wait4() returns it, so it covers the command's own process
 * (the largest resident set it reached), not benchrun's. The command's
 * standard streams are left alone; the report is one line
 *
 *	wall_s=<seconds> maxrss_kb=<KiB> status=<exit status>
 *
 * on standard error, or appended to FILE with -o. The exit status is the
 * command's (128 + signal number when a signal ended it), so that a script
 * can both measure a command and stop when it fails.
 *
 * usage: benchrun [-o FILE] -- CMD [ARGS...]
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1	/* wait4() is BSD, not POSIX */
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: benchrun [-o FILE] -- CMD [ARGS...]\n");
	_exit(2);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs argv, waits for it; fills its status, peak RSS and wall time. Returns -1 if it could not. */
static int run(char **argv, int *status, long *maxrss_kb, double *wall)
{
	struct timespec t0;
	struct rusage ru;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("benchrun: fork");
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "benchrun: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("benchrun: wait4");
			return -1;
		}
	*wall = seconds_since(&t0);
	*maxrss_kb = ru.ru_maxrss;	/* Linux reports KiB */
	return 0;
}

int main(int argc, char **argv)
{
	const char *report = NULL;
	int i = 1, status;
	long rss;
	double wall;
	if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
		report = argv[i + 1];
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc)
		usage();
	if (run(argv + i, &status, &rss, &wall) < 0)
		return 2;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *out = report ? fopen(report, "a") : stderr;
	if (!out) {
		fprintf(stderr, "benchrun: %s: %s\n", report, strerror(errno));
		return 2;
	}
	fprintf(out, "wall_s=%.3f maxrss_kb=%ld status=%d\n", wall, rss, code);
	if (report && fclose(out) != 0) {
		fprintf(stderr, "benchrun: %s: %s\n", report, strerror(errno));
		return 2;
	}
	return code;
}
