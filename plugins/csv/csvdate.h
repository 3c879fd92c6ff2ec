/*
 * csvdate.h - dates as other tools write them, turned into ISO dates.
 *
 * A format is written the way people describe one: M/D/YYYY, DD.MM.YYYY,
 * YYYY-MM-DD, D-MMM-YY.  YYYY is a four-digit year, YY a two-digit one
 * (69..99 are 1969..1999, 00..68 are 2000..2068, as POSIX strptime
 * reads them); MM and DD are exactly two digits, M and D one or two;
 * MMM is an English month name of three letters (Jan, feb, SEP).  A '*'
 * at the end takes whatever follows, such as a time of day.  Any other
 * character must appear as it is.
 */
#ifndef HUDDLE_CSVDATE_H
#define HUDDLE_CSVDATE_H

#include <stddef.h>

#define CSVDATE_MAX_TOKENS 32

typedef struct csvdate {
	unsigned char kind[CSVDATE_MAX_TOKENS];
	char lit[CSVDATE_MAX_TOKENS];
	int n;
} csvdate;

/* Compiles fmt into f.  Returns 0, or -1 with the reason in why (a
 * sentence of at most n bytes). */
int csvdate_compile(csvdate *f, const char *fmt, char *why, size_t n);

/* Reads s by format f into iso ("YYYY-MM-DD").  Returns 0, or -1 when s
 * does not have the format's shape or names no real day. */
int csvdate_parse(const csvdate *f, const char *s, char iso[11]);

#endif
