/*
 * A minimal unit-test harness: each test is a function; EXPECT records a
 * failure with its line and goes on; the runner prints "ok NAME" or
 * "FAIL NAME: file:line: expression" for each test.
 */
#ifndef CARTO_HARNESS_H
#define CARTO_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int harness_failed;

#define EXPECT(cond) do { \
	if (!(cond)) { \
		if (!harness_failed) \
			printf("FAIL %s: %s:%d: %s\n", __func__, __FILE__, __LINE__, #cond); \
		harness_failed = 1; \
	} \
} while (0)

static inline int harness_streq(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

#define EXPECT_STR(a, b) EXPECT(harness_streq((a), (b)))

typedef void (*test_fn)(void);

#endif
