/*
 * support.h - what every unit test shares: cmocka, temporary folders,
 * files written into them, and standard error captured for warnings.
 */
#ifndef HUDDLE_UNIT_SUPPORT_H
#define HUDDLE_UNIT_SUPPORT_H

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

/* Fails the test unless needle occurs in haystack, showing both. */
#define assert_contains(haystack, needle)                                                                    \
	do {                                                                                                 \
		const char *hay_ = (haystack), *needle_ = (needle);                                          \
		if (!hay_ || !strstr(hay_, needle_))                                                         \
			fail_msg("expected \"%s\" in \"%s\"", needle_, hay_ ? hay_ : "(null)");              \
	} while (0)

#define assert_not_contains(haystack, needle)                                                                \
	do {                                                                                                 \
		const char *hay_ = (haystack), *needle_ = (needle);                                          \
		if (hay_ && strstr(hay_, needle_))                                                           \
			fail_msg("did not expect \"%s\" in \"%s\"", needle_, hay_);                          \
	} while (0)

/* Fails unless |actual - expected| <= tolerance. */
#define assert_near(actual, expected, tolerance)                                                             \
	do {                                                                                                 \
		double a_ = (actual), e_ = (expected);                                                       \
		if (!(a_ - e_ <= (tolerance) && e_ - a_ <= (tolerance)))                                     \
			fail_msg("expected %.17g, got %.17g", e_, a_);                                       \
	} while (0)

/* A fresh folder under $TMPDIR (or /tmp); the caller frees the string
 * and removes the folder with unit_rmtree. */
char *unit_tmpdir(void);

/* Removes a folder and everything in it. */
void unit_rmtree(const char *path);

/* dir/name as a new string the caller frees. */
char *unit_path(const char *dir, const char *name);

/* Writes text to dir/name, creating the folders of name on the way. */
void unit_write(const char *dir, const char *name, const char *text);

/* Sends standard error to a temporary file until unit_stderr_end,
 * which restores it and returns what was written (the caller frees). */
void unit_stderr_begin(void);
char *unit_stderr_end(void);

#endif
