/*
 * period.h - dates and reporting periods.
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian).
 * A period is the half-open range [start, stop) with the label the user
 * typed in canonical form: 2026-Q3, 2026-07, 2026-W27, 2026, or
 * 2026-07-01..2026-09-30 (inclusive on both ends as written).
 */
#ifndef HUDDLE_PERIOD_H
#define HUDDLE_PERIOD_H

#include "err.h"

typedef enum { HD_PERIOD_QUARTER, HD_PERIOD_MONTH, HD_PERIOD_WEEK, HD_PERIOD_YEAR, HD_PERIOD_RANGE } hd_period_kind;

typedef struct hd_period {
	hd_period_kind kind;
	int start, stop;	/* day numbers, [start, stop) */
	int fiscal_start;	/* month 1..12 the fiscal year starts in */
	char label[32];
} hd_period;

/* Day number of a civil date; month 1..12, day 1..31 (not validated). */
int hd_days_from_civil(int y, int m, int d);
/* Civil date of a day number. */
void hd_civil_from_days(int z, int *y, int *m, int *d);
/* Writes YYYY-MM-DD (11 bytes with the NUL) into buf. */
void hd_date_format(int day, char buf[11]);
/* Parses a strict YYYY-MM-DD into *day; returns 0 or HD_EINPUT. */
int hd_date_parse(const char *s, int *day);
/* Today in UTC as a day number. */
int hd_today(void);

/* Parses any period form; fiscal_start is the config's month (1..12).
 * Returns 0, or HD_EUSAGE with a message that lists the accepted forms,
 * or says that years run from 0001 to 9999 and that a period ends by
 * 9999-12-30 (the day after it is written as a date too). */
int hd_period_parse(const char *s, int fiscal_start, hd_period *p, hd_err *err);
/* The fiscal quarter that contains day. */
void hd_period_quarter_of(int day, int fiscal_start, hd_period *p);
/* The period just before p: the previous quarter, month, week or year,
 * or for an explicit range the range of the same length ending at start. */
void hd_period_prev(const hd_period *p, hd_period *prev);
/* The default as-of date: the day before stop, or today if earlier. */
int hd_period_default_as_of(const hd_period *p);

#endif
