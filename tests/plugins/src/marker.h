/*
 * marker.h - lets a test plugin say which of its code ran: each call of
 * mark() appends "<plugin> <what>" to the file named by the environment
 * variable HUDDLE_TEST_MARKER (nothing when it is unset).  The tests read
 * it to tell a constructor that ran inside dlopen from an init the host
 * called, and to see the order of calls and fini.
 */
#ifndef HUDDLE_TEST_MARKER_H
#define HUDDLE_TEST_MARKER_H

#include <stdio.h>
#include <stdlib.h>

static inline void mark(const char *plugin, const char *what)
{
	const char *path = getenv("HUDDLE_TEST_MARKER");
	FILE *f = path ? fopen(path, "a") : NULL;
	if (f) {
		fprintf(f, "%s %s\n", plugin, what);
		fclose(f);
	}
}

#endif
