/*
 * fuzz_period.c - hd_period_parse on arbitrary text, for every fiscal
 * year start, and the periods before each one (m.prev, m.prev.prev...).
 *
 * Invariants checked on every period the parser accepts or hd_period_prev
 * makes: start < stop, a length that fits its kind, prev ends where its
 * period starts, and the label parses back to the same period.  The
 * parser takes years 0001..9999 and periods whose day after is still a
 * date; periods before them (m.prev of 0001-Q1) are checked for all but
 * the round trip, and not followed further back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "period.h"

#define PREV_STEPS 8 /* as deep as m.prev goes (HD_MAX_PERIODS) */

static void fail(const char *input, int fs, const hd_period *p, const char *what)
{
	fprintf(stderr,
	        "period invariant broken for input '%s', fiscal start %d: %s\n"
	        "  period: kind %d, [%d, %d), label '%s'\n",
	        input, fs, what, (int)p->kind, p->start, p->stop, p->label);
	abort();
}

/* Whether the parser takes the period's label: years 0001..9999 (a
 * fiscal year that starts in year 1 may be 0000-Q4, one before year 0
 * -001-Q4), and a day after the period that is a date. */
static int writable(const hd_period *p)
{
	return p->start >= hd_days_from_civil(1, 1, 1) && p->stop <= hd_days_from_civil(9999, 12, 31) &&
	       p->label[0] != '-' && strncmp(p->label, "0000", 4) != 0;
}

static void check(const char *input, int fs, const hd_period *p)
{
	int days = p->stop - p->start;
	if (p->start >= p->stop)
		fail(input, fs, p, "start is not before stop");
	if (p->fiscal_start != fs)
		fail(input, fs, p, "fiscal start not kept");
	if ((p->kind == HD_PERIOD_QUARTER && (days < 89 || days > 92)) ||
	    (p->kind == HD_PERIOD_MONTH && (days < 28 || days > 31)) ||
	    (p->kind == HD_PERIOD_WEEK && days != 7) ||
	    (p->kind == HD_PERIOD_YEAR && (days < 365 || days > 366)))
		fail(input, fs, p, "length does not fit the kind");
	if (!memchr(p->label, 0, sizeof p->label))
		fail(input, fs, p, "label not terminated");
	if (!writable(p))
		return;
	hd_period again;
	hd_err err;
	if (hd_period_parse(p->label, fs, &again, &err))
		fail(input, fs, p, "label does not parse back");
	if (again.kind != p->kind || again.start != p->start || again.stop != p->stop ||
	    strcmp(again.label, p->label))
		fail(input, fs, p, "label parses back to another period");
	char iso[11];
	int day;
	hd_date_format(p->start, iso);
	if (hd_date_parse(iso, &day) || day != p->start)
		fail(input, fs, p, "start date does not round-trip through YYYY-MM-DD");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256) /* longer text only repeats the error message */
		return 0;
	char *s = fz_cstr(data, size);
	for (int fs = 1; fs <= 12; fs++) {
		hd_period p = {0};
		hd_err err;
		if (hd_period_parse(s, fs, &p, &err)) {
			if (err.code != HD_EUSAGE || !err.msg[0])
				fail(s, fs, &p, "an error without its code or message");
			continue;
		}
		if (!writable(&p))
			fail(s, fs, &p, "accepted a period that its label or its dates cannot name");
		check(s, fs, &p);
		/* Before year 1 no label the parser takes names the period, and
		 * hd_period_prev of a year reads the year back from its label:
		 * stop there. */
		for (int i = 0; i < PREV_STEPS && writable(&p); i++) {
			hd_period prev;
			hd_period_prev(&p, &prev);
			if (prev.kind != p.kind)
				fail(s, fs, &prev, "prev changed the kind");
			if (prev.stop != p.start)
				fail(s, fs, &prev, "prev does not end where its period starts");
			if (prev.kind == HD_PERIOD_RANGE && prev.stop - prev.start != p.stop - p.start)
				fail(s, fs, &prev, "prev of a range has another length");
			check(s, fs, &prev);
			p = prev;
		}
	}
	free(s);
	return 0;
}
