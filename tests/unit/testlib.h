/*
 * Minimal TAP-style test helpers: each CHECK prints "ok N - name" or "not ok N - name"
 * with the failing expression; tests/run counts them. main() returns non-zero when
 * anything failed.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdio.h>
#include <string.h>

static int test_number, test_failures;

/* cond is evaluated exactly once (it may have side effects). */
#define CHECK(cond, ...)                                                           \
	do {                                                                       \
		int passed_ = (cond) ? 1 : 0;                                      \
		test_number++;                                                     \
		if (passed_) {                                                     \
			printf("ok %d - ", test_number);                           \
		} else {                                                           \
			test_failures++;                                           \
			printf("not ok %d - ", test_number);                       \
		}                                                                  \
		printf(__VA_ARGS__);                                               \
		putchar('\n');                                                     \
		if (!passed_)                                                      \
			printf("#   %s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
	} while (0)

#define CHECK_STR(got, want, ...)                                                          \
	do {                                                                               \
		const char *got_ = (got), *want_ = (want);                                 \
		int same_ = got_ != NULL && want_ != NULL && strcmp(got_, want_) == 0;     \
		CHECK(same_, __VA_ARGS__);                                                 \
		if (!same_)                                                                \
			printf("#   got:  [%s]\n#   want: [%s]\n", got_ ? got_ : "(null)", \
			       want_ ? want_ : "(null)");                                  \
	} while (0)

#define TEST_DONE() (test_failures ? 1 : 0)

#endif
