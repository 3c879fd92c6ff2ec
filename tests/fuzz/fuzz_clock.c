/*
 * fuzz_clock.c - a fixed time() for the harnesses that run Lua.
 *
 * Lua seeds its string hashes with time(NULL) (luai_makeseed in Debian's
 * liblua5.4), so the order a table is traversed in, the collisions in its
 * hash part and with them the code paths the fuzzer sees changed with the
 * second each state was made: run.sh --ci could not repeat a run.  No
 * harness needs the date (periods and as-of dates are given; the
 * sandbox's limits use the monotonic clock), so time() is one fixed
 * moment, in place of libc's (and of the sanitizers' wrapper of it) for
 * every library of the process.
 */
#include <time.h>

time_t time(time_t *t)
{
	const time_t fixed = 1790000000; /* 2026-09-21 */
	if (t)
		*t = fixed;
	return fixed;
}
