/* test_period.c - dates, the period forms, fiscal years and m.prev's periods. */
#include "support.h"

#include <stdio.h>

#include "period.h"

/* Day number of an ISO date that is known to be valid. */
static int day(const char *iso)
{
	int d = 0;
	if (hd_date_parse(iso, &d))
		fail_msg("bad date in the test itself: %s", iso);
	return d;
}

/* Parses s, which must be accepted. */
static hd_period parse(const char *s, int fiscal_start)
{
	hd_period p;
	hd_err err = {0, ""};
	int rc = hd_period_parse(s, fiscal_start, &p, &err);
	if (rc)
		fail_msg("'%s' was rejected: %s", s, err.msg);
	return p;
}

/* Checks a period's dates (stop exclusive), label and kind. */
static void expect_period(const hd_period *p, hd_period_kind kind, const char *start, const char *stop,
                          const char *label)
{
	char a[11], b[11];
	hd_date_format(p->start, a);
	hd_date_format(p->stop, b);
	assert_string_equal(a, start);
	assert_string_equal(b, stop);
	assert_string_equal(p->label, label);
	assert_int_equal(p->kind, kind);
}

static void expect_rejected(const char *s, int fiscal_start)
{
	hd_period p;
	hd_err err = {0, ""};
	int rc = hd_period_parse(s, fiscal_start, &p, &err);
	if (rc != HD_EUSAGE)
		fail_msg("'%s' should be rejected with HD_EUSAGE, got %d", s, rc);
	assert_int_equal(err.code, HD_EUSAGE);
	assert_contains(err.msg, s);
	/* The message teaches every accepted form. */
	assert_contains(err.msg, "2026-Q3");
	assert_contains(err.msg, "2026-07");
	assert_contains(err.msg, "2026-W27");
	assert_contains(err.msg, "2026-07-01..2026-09-30");
}

/* Dates ------------------------------------------------------------ */

static void day_numbers_count_from_1970_01_01(void **state)
{
	(void)state;
	assert_int_equal(hd_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(hd_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(hd_days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(hd_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(hd_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(hd_days_from_civil(2100, 2, 28), 47540);
	assert_int_equal(hd_days_from_civil(2100, 3, 1), 47541); /* 2100 has no 29 February */
	assert_int_equal(hd_days_from_civil(1900, 3, 1), -25508);
	assert_int_equal(hd_days_from_civil(1600, 2, 29), -135081);
	assert_int_equal(hd_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(hd_days_from_civil(9999, 12, 31), 2932896);
}

static void day_numbers_round_trip_across_leap_years(void **state)
{
	(void)state;
	/* Every day from 1599 to 2401: back and forth, and each the day after the last. */
	int first = hd_days_from_civil(1599, 1, 1), last = hd_days_from_civil(2401, 12, 31);
	int py, pm, pd;
	hd_civil_from_days(first - 1, &py, &pm, &pd);
	assert_int_equal(py, 1598);
	assert_int_equal(pm, 12);
	assert_int_equal(pd, 31);
	for (int z = first; z <= last; z++) {
		int y, m, d;
		hd_civil_from_days(z, &y, &m, &d);
		if (hd_days_from_civil(y, m, d) != z)
			fail_msg("day %d -> %04d-%02d-%02d -> %d", z, y, m, d, hd_days_from_civil(y, m, d));
		int next_day = d == pd + 1 && m == pm && y == py;
		int next_month = d == 1 && ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
		if (!next_day && !next_month)
			fail_msg("day %d is %04d-%02d-%02d after %04d-%02d-%02d", z, y, m, d, py, pm, pd);
		py = y, pm = m, pd = d;
	}
}

static void leap_days_fall_where_the_gregorian_calendar_puts_them(void **state)
{
	(void)state;
	int y, m, d;
	hd_civil_from_days(hd_days_from_civil(2024, 2, 28) + 1, &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	hd_civil_from_days(hd_days_from_civil(2000, 2, 28) + 1, &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
	hd_civil_from_days(hd_days_from_civil(2100, 2, 28) + 1, &y, &m, &d);
	assert_true(y == 2100 && m == 3 && d == 1);
	hd_civil_from_days(hd_days_from_civil(2026, 2, 28) + 1, &y, &m, &d);
	assert_true(y == 2026 && m == 3 && d == 1);
	assert_int_equal(hd_days_from_civil(2025, 1, 1) - hd_days_from_civil(2024, 1, 1), 366);
	assert_int_equal(hd_days_from_civil(2101, 1, 1) - hd_days_from_civil(2100, 1, 1), 365);
	assert_int_equal(hd_days_from_civil(2001, 1, 1) - hd_days_from_civil(2000, 1, 1), 366);
}

static void dates_are_written_as_iso(void **state)
{
	(void)state;
	char buf[11];
	hd_date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	hd_date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31");
	hd_date_format(19782, buf);
	assert_string_equal(buf, "2024-02-29");
	hd_date_format(hd_days_from_civil(33, 7, 4), buf);
	assert_string_equal(buf, "0033-07-04");
}

static void dates_parse_only_real_days(void **state)
{
	(void)state;
	int d = -1;
	assert_int_equal(hd_date_parse("2024-02-29", &d), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(hd_date_parse("2000-02-29", &d), 0);
	assert_int_equal(hd_date_parse("2026-12-31", &d), 0);
	assert_int_equal(d, hd_days_from_civil(2026, 12, 31));
	assert_int_equal(hd_date_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);

	const char *bad[] = {"2026-02-29", "2100-02-29", "2026-04-31", "2026-06-31", "2026-02-30",
	                     "2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32", NULL};
	for (const char **s = bad; *s; s++) {
		d = 12345;
		if (hd_date_parse(*s, &d) != HD_EINPUT)
			fail_msg("'%s' should be rejected", *s);
		assert_int_equal(d, 12345); /* untouched */
	}
}

static void dates_parse_only_the_iso_shape(void **state)
{
	(void)state;
	const char *bad[] = {"",
	                     "2026-7-01",
	                     "2026-07-1",
	                     "2026/07/01",
	                     "26-07-01",
	                     " 2026-07-01",
	                     "2026-07-01 ",
	                     "2026-07-01T",
	                     "20260701",
	                     "+026-07-01",
	                     "2026-07-0a",
	                     "2026_07_01",
	                     "2026--07-01",
	                     "-2026-07-01",
	                     "2026-07",
	                     NULL};
	for (const char **s = bad; *s; s++) {
		int d;
		if (hd_date_parse(*s, &d) != HD_EINPUT)
			fail_msg("'%s' should be rejected", *s);
	}
}

/* The period forms ------------------------------------------------- */

static void quarter_is_three_calendar_months(void **state)
{
	(void)state;
	hd_period p = parse("2026-Q3", 1);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-07-01", "2026-10-01", "2026-Q3");
	assert_int_equal(p.fiscal_start, 1);
	p = parse("2026-Q1", 1);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-01-01", "2026-04-01", "2026-Q1");
	p = parse("2026-Q4", 1);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-10-01", "2027-01-01", "2026-Q4");
}

static void month_is_the_calendar_month(void **state)
{
	(void)state;
	hd_period p = parse("2026-07", 1);
	expect_period(&p, HD_PERIOD_MONTH, "2026-07-01", "2026-08-01", "2026-07");
	p = parse("2024-02", 1);
	expect_period(&p, HD_PERIOD_MONTH, "2024-02-01", "2024-03-01", "2024-02");
	assert_int_equal(p.stop - p.start, 29);
	p = parse("2026-02", 1);
	assert_int_equal(p.stop - p.start, 28);
	p = parse("2026-12", 1);
	expect_period(&p, HD_PERIOD_MONTH, "2026-12-01", "2027-01-01", "2026-12");
}

static void iso_week_runs_monday_to_sunday(void **state)
{
	(void)state;
	hd_period p = parse("2026-W27", 1);
	expect_period(&p, HD_PERIOD_WEEK, "2026-06-29", "2026-07-06", "2026-W27");
	/* 1970-01-05 was a Monday: the start is always one. */
	assert_int_equal(((p.start - 4) % 7 + 7) % 7, 0);
	p = parse("2026-W07", 1);
	expect_period(&p, HD_PERIOD_WEEK, "2026-02-09", "2026-02-16", "2026-W07");
}

static void iso_week_1_holds_the_first_thursday(void **state)
{
	(void)state;
	/* 2026 starts on a Thursday: its week 1 starts in 2025. */
	hd_period p = parse("2026-W01", 1);
	expect_period(&p, HD_PERIOD_WEEK, "2025-12-29", "2026-01-05", "2026-W01");
	/* 2021 starts on a Friday: 1-3 January belong to 2020's last week. */
	p = parse("2021-W01", 1);
	expect_period(&p, HD_PERIOD_WEEK, "2021-01-04", "2021-01-11", "2021-W01");
}

static void week_53_exists_only_in_long_iso_years(void **state)
{
	(void)state;
	hd_period p = parse("2020-W53", 1); /* a leap year starting on Wednesday */
	expect_period(&p, HD_PERIOD_WEEK, "2020-12-28", "2021-01-04", "2020-W53");
	p = parse("2026-W53", 1); /* starts on Thursday */
	expect_period(&p, HD_PERIOD_WEEK, "2026-12-28", "2027-01-04", "2026-W53");
	p = parse("2015-W53", 1);
	expect_period(&p, HD_PERIOD_WEEK, "2015-12-28", "2016-01-04", "2015-W53");
	expect_rejected("2025-W53", 1); /* starts on Wednesday, not a leap year */
	expect_rejected("2021-W53", 1);
	expect_rejected("2024-W53", 1); /* a leap year starting on Monday */
	expect_rejected("2026-W54", 1);
	expect_rejected("2026-W00", 1);
}

static void year_is_the_calendar_year_by_default(void **state)
{
	(void)state;
	hd_period p = parse("2026", 1);
	expect_period(&p, HD_PERIOD_YEAR, "2026-01-01", "2027-01-01", "2026");
	p = parse("2024", 1);
	assert_int_equal(p.stop - p.start, 366);
}

static void range_is_inclusive_as_written(void **state)
{
	(void)state;
	hd_period p = parse("2026-07-01..2026-09-30", 1);
	expect_period(&p, HD_PERIOD_RANGE, "2026-07-01", "2026-10-01", "2026-07-01..2026-09-30");
	assert_int_equal(p.stop - p.start, 92);
	p = parse("2026-07-04..2026-07-04", 1);
	expect_period(&p, HD_PERIOD_RANGE, "2026-07-04", "2026-07-05", "2026-07-04..2026-07-04");
	p = parse("2024-02-28..2024-03-01", 1);
	assert_int_equal(p.stop - p.start, 3);
	p = parse("2025-12-15..2026-01-15", 1);
	expect_period(&p, HD_PERIOD_RANGE, "2025-12-15", "2026-01-16", "2025-12-15..2026-01-15");
}

static void bad_periods_are_usage_errors_that_list_the_forms(void **state)
{
	(void)state;
	const char *bad[] = {"",
	                     "2026-Q0",
	                     "2026-Q5",
	                     "2026-q3",
	                     "2026-Q3x",
	                     "Q3-2026",
	                     "2026-13",
	                     "2026-00",
	                     "2026-7",
	                     "2026-W5",
	                     "2026-W",
	                     "2026-w27",
	                     "26",
	                     "20260",
	                     "2026-",
	                     "twenty",
	                     "2026-07-01",
	                     "2026-07-01..",
	                     "..2026-07-01",
	                     "2026-07-01...2026-09-30",
	                     "2026-09-30..2026-07-01",
	                     "2026-02-29..2026-03-31",
	                     "2026-07-01..2026-09-31",
	                     "2026-07-01..2026-09-30..2026-12-31",
	                     "2026-7-1..2026-9-30",
	                     "2026-07-01 .. 2026-09-30",
	                     NULL};
	for (const char **s = bad; *s; s++)
		expect_rejected(*s, 1);
}

/* Rejected with HD_EUSAGE and a message that names s and `words`. */
static void expect_out_of_range(const char *s, int fiscal_start, const char *words)
{
	hd_period p = {.label = "untouched"};
	hd_err err = {0, ""};
	int rc = hd_period_parse(s, fiscal_start, &p, &err);
	if (rc != HD_EUSAGE)
		fail_msg("'%s' (fiscal start %d) should be rejected with HD_EUSAGE, got %d", s, fiscal_start,
		         rc);
	assert_int_equal(err.code, HD_EUSAGE);
	assert_contains(err.msg, s);
	assert_contains(err.msg, words);
	assert_string_equal(p.label, "untouched");
}

static void years_run_from_0001_to_9999(void **state)
{
	(void)state;
	/* Year 0000 made the periods before it (m.prev) years like -001,
	 * whose labels no parser reads. */
	const char *before[] = {"0000",
	                        "0000-Q1",
	                        "0000-Q4",
	                        "0000-01",
	                        "0000-12",
	                        "0000-W01",
	                        "0000-01-01..0000-12-31",
	                        "0000-12-31..0001-01-31",
	                        NULL};
	for (const char **s = before; *s; s++)
		for (int fs = 1; fs <= 12; fs += 3)
			expect_out_of_range(*s, fs, "years run from 0001 to 9999");

	/* The day after a period is written as a date (:stop) as well. */
	const char *after[] = {
	    "9999", "9999-Q4", "9999-12", "9999-12-31..9999-12-31", "9999-12-01..9999-12-31", NULL};
	for (const char **s = after; *s; s++)
		expect_out_of_range(*s, 1, "9999-12-30");
	expect_out_of_range("9999-Q1", 10, "9999-12-30"); /* fiscal 9999 runs into year 10000 */

	hd_period p = parse("0001-Q1", 1);
	expect_period(&p, HD_PERIOD_QUARTER, "0001-01-01", "0001-04-01", "0001-Q1");
	p = parse("0001", 1);
	expect_period(&p, HD_PERIOD_YEAR, "0001-01-01", "0002-01-01", "0001");
	p = parse("0001-01-01..0001-01-01", 1);
	expect_period(&p, HD_PERIOD_RANGE, "0001-01-01", "0001-01-02", "0001-01-01..0001-01-01");
	p = parse("9999-11", 1);
	expect_period(&p, HD_PERIOD_MONTH, "9999-11-01", "9999-12-01", "9999-11");
	p = parse("9999-12-01..9999-12-30", 1);
	expect_period(&p, HD_PERIOD_RANGE, "9999-12-01", "9999-12-31", "9999-12-01..9999-12-30");
	p = parse("9998-Q4", 10);
	expect_period(&p, HD_PERIOD_QUARTER, "9999-07-01", "9999-10-01", "9998-Q4");

	/* m.prev goes on before year 0001, where no label the parser takes
	 * names the period: the periods still follow on without gaps. */
	const char *first[] = {"0001", "0001-Q1", "0001-01", "0001-W01", "0001-01-01..0001-01-10", NULL};
	for (const char **s = first; *s; s++) {
		for (int fs = 1; fs <= 12; fs += 3) {
			p = parse(*s, fs);
			for (int i = 0; i < 8; i++) {
				hd_period prev;
				hd_period_prev(&p, &prev);
				if (prev.stop != p.start || prev.kind != p.kind ||
				    prev.stop - prev.start < (p.kind == HD_PERIOD_YEAR ? 365 : 7))
					fail_msg("%s (fiscal start %d): the period before %s is %s [%d, %d)",
					         *s, fs, p.label, prev.label, prev.start, prev.stop);
				p = prev;
			}
		}
	}
}

/* Fiscal years ----------------------------------------------------- */

static void quarter_follows_fiscal_year_start(void **state)
{
	(void)state;
	hd_period p = parse("2026-Q1", 4);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-04-01", "2026-07-01", "2026-Q1");
	assert_int_equal(p.fiscal_start, 4);
	p = parse("2026-Q4", 4);
	expect_period(&p, HD_PERIOD_QUARTER, "2027-01-01", "2027-04-01", "2026-Q4");
	p = parse("2026-Q1", 10);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-10-01", "2027-01-01", "2026-Q1");
	p = parse("2026-Q2", 10);
	expect_period(&p, HD_PERIOD_QUARTER, "2027-01-01", "2027-04-01", "2026-Q2");
	p = parse("2026-Q3", 12);
	expect_period(&p, HD_PERIOD_QUARTER, "2027-06-01", "2027-09-01", "2026-Q3");
}

static void fiscal_year_is_twelve_months_from_its_start(void **state)
{
	(void)state;
	hd_period p = parse("2026", 4);
	expect_period(&p, HD_PERIOD_YEAR, "2026-04-01", "2027-04-01", "2026");
	p = parse("2026", 12);
	expect_period(&p, HD_PERIOD_YEAR, "2026-12-01", "2027-12-01", "2026");
	p = parse("2026", 10);
	expect_period(&p, HD_PERIOD_YEAR, "2026-10-01", "2027-10-01", "2026");
}

static void months_weeks_and_ranges_ignore_the_fiscal_year(void **state)
{
	(void)state;
	hd_period p = parse("2026-07", 4);
	expect_period(&p, HD_PERIOD_MONTH, "2026-07-01", "2026-08-01", "2026-07");
	p = parse("2026-W27", 10);
	expect_period(&p, HD_PERIOD_WEEK, "2026-06-29", "2026-07-06", "2026-W27");
	p = parse("2026-07-01..2026-09-30", 4);
	expect_period(&p, HD_PERIOD_RANGE, "2026-07-01", "2026-10-01", "2026-07-01..2026-09-30");
}

static void quarter_of_a_day_uses_the_fiscal_year(void **state)
{
	(void)state;
	hd_period p;
	hd_period_quarter_of(day("2026-08-15"), 1, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-07-01", "2026-10-01", "2026-Q3");
	hd_period_quarter_of(day("2026-12-31"), 1, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-10-01", "2027-01-01", "2026-Q4");
	hd_period_quarter_of(day("2026-01-01"), 1, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-01-01", "2026-04-01", "2026-Q1");

	/* Fiscal year 2025 runs from April 2025 to March 2026. */
	hd_period_quarter_of(day("2026-02-15"), 4, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-01-01", "2026-04-01", "2025-Q4");
	hd_period_quarter_of(day("2026-03-31"), 4, &p);
	assert_string_equal(p.label, "2025-Q4");
	hd_period_quarter_of(day("2026-04-01"), 4, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-04-01", "2026-07-01", "2026-Q1");
	assert_int_equal(p.fiscal_start, 4);

	hd_period_quarter_of(day("2026-09-30"), 10, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-07-01", "2026-10-01", "2025-Q4");
	hd_period_quarter_of(day("2026-10-01"), 10, &p);
	expect_period(&p, HD_PERIOD_QUARTER, "2026-10-01", "2027-01-01", "2026-Q1");
}

static void quarter_of_agrees_with_the_parsed_quarter(void **state)
{
	(void)state;
	for (int fs = 1; fs <= 12; fs++) {
		for (int q = 1; q <= 4; q++) {
			char s[16];
			snprintf(s, sizeof s, "2026-Q%d", q);
			hd_period p = parse(s, fs), a, b;
			hd_period_quarter_of(p.start, fs, &a);
			hd_period_quarter_of(p.stop - 1, fs, &b);
			assert_string_equal(a.label, s);
			assert_string_equal(b.label, s);
			assert_int_equal(a.start, p.start);
			assert_int_equal(a.stop, p.stop);
		}
	}
}

/* The previous period (m.prev) -------------------------------------- */

static void previous_quarter_of_q1_is_last_years_q4(void **state)
{
	(void)state;
	hd_period p = parse("2026-Q1", 1), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_QUARTER, "2025-10-01", "2026-01-01", "2025-Q4");
	p = parse("2026-Q3", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_QUARTER, "2026-04-01", "2026-07-01", "2026-Q2");
}

static void previous_quarter_stays_in_the_fiscal_calendar(void **state)
{
	(void)state;
	hd_period p = parse("2026-Q1", 4), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_QUARTER, "2026-01-01", "2026-04-01", "2025-Q4");
	assert_int_equal(prev.fiscal_start, 4);
	p = parse("2026-Q2", 10);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_QUARTER, "2026-10-01", "2027-01-01", "2026-Q1");
}

static void previous_month_crosses_the_year_end(void **state)
{
	(void)state;
	hd_period p = parse("2026-01", 1), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_MONTH, "2025-12-01", "2026-01-01", "2025-12");
	p = parse("2024-03", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_MONTH, "2024-02-01", "2024-03-01", "2024-02");
}

static void previous_of_week_1_is_the_last_week_of_the_previous_iso_year(void **state)
{
	(void)state;
	hd_period p = parse("2021-W01", 1), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_WEEK, "2020-12-28", "2021-01-04", "2020-W53");
	p = parse("2026-W01", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_WEEK, "2025-12-22", "2025-12-29", "2025-W52");
	p = parse("2027-W01", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_WEEK, "2026-12-28", "2027-01-04", "2026-W53");
	p = parse("2026-W27", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_WEEK, "2026-06-22", "2026-06-29", "2026-W26");
}

static void previous_year_is_the_fiscal_year_before(void **state)
{
	(void)state;
	hd_period p = parse("2026", 1), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_YEAR, "2025-01-01", "2026-01-01", "2025");
	p = parse("2026", 4);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_YEAR, "2025-04-01", "2026-04-01", "2025");
}

static void previous_range_has_the_same_length_just_before(void **state)
{
	(void)state;
	hd_period p = parse("2026-07-01..2026-09-30", 1), prev;
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_RANGE, "2026-03-31", "2026-07-01", "2026-03-31..2026-06-30");
	assert_int_equal(prev.stop - prev.start, 92);
	p = parse("2026-03-01..2026-03-01", 1);
	hd_period_prev(&p, &prev);
	expect_period(&prev, HD_PERIOD_RANGE, "2026-02-28", "2026-03-01", "2026-02-28..2026-02-28");
}

static void previous_periods_follow_on_without_gaps(void **state)
{
	(void)state;
	const char *forms[] = {"2026-Q1", "2026-01", "2026-W02", "2026", "2026-01-10..2026-02-20", NULL};
	for (int fs = 1; fs <= 12; fs += 3) {
		for (const char **s = forms; *s; s++) {
			hd_period p = parse(*s, fs);
			/* Back five years, one step at a time. */
			for (int i = 0; i < 60; i++) {
				hd_period prev;
				hd_period_prev(&p, &prev);
				if (prev.stop != p.start || prev.start >= prev.stop || prev.kind != p.kind)
					fail_msg("%s (fiscal start %d): the period before %s is %s", *s, fs,
					         p.label, prev.label);
				/* Its label reads back as the same period. */
				hd_period again = parse(prev.label, fs);
				assert_int_equal(again.start, prev.start);
				assert_int_equal(again.stop, prev.stop);
				p = prev;
			}
		}
	}
}

static void default_as_of_is_the_last_day_of_a_past_period(void **state)
{
	(void)state;
	hd_period p = parse("2000-Q1", 1);
	assert_int_equal(hd_period_default_as_of(&p), day("2000-03-31"));
	p = parse("2999-Q1", 1); /* not over yet: today */
	assert_int_equal(hd_period_default_as_of(&p), hd_today());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(day_numbers_count_from_1970_01_01),
	    cmocka_unit_test(day_numbers_round_trip_across_leap_years),
	    cmocka_unit_test(leap_days_fall_where_the_gregorian_calendar_puts_them),
	    cmocka_unit_test(dates_are_written_as_iso),
	    cmocka_unit_test(dates_parse_only_real_days),
	    cmocka_unit_test(dates_parse_only_the_iso_shape),
	    cmocka_unit_test(quarter_is_three_calendar_months),
	    cmocka_unit_test(month_is_the_calendar_month),
	    cmocka_unit_test(iso_week_runs_monday_to_sunday),
	    cmocka_unit_test(iso_week_1_holds_the_first_thursday),
	    cmocka_unit_test(week_53_exists_only_in_long_iso_years),
	    cmocka_unit_test(year_is_the_calendar_year_by_default),
	    cmocka_unit_test(range_is_inclusive_as_written),
	    cmocka_unit_test(bad_periods_are_usage_errors_that_list_the_forms),
	    cmocka_unit_test(years_run_from_0001_to_9999),
	    cmocka_unit_test(quarter_follows_fiscal_year_start),
	    cmocka_unit_test(fiscal_year_is_twelve_months_from_its_start),
	    cmocka_unit_test(months_weeks_and_ranges_ignore_the_fiscal_year),
	    cmocka_unit_test(quarter_of_a_day_uses_the_fiscal_year),
	    cmocka_unit_test(quarter_of_agrees_with_the_parsed_quarter),
	    cmocka_unit_test(previous_quarter_of_q1_is_last_years_q4),
	    cmocka_unit_test(previous_quarter_stays_in_the_fiscal_calendar),
	    cmocka_unit_test(previous_month_crosses_the_year_end),
	    cmocka_unit_test(previous_of_week_1_is_the_last_week_of_the_previous_iso_year),
	    cmocka_unit_test(previous_year_is_the_fiscal_year_before),
	    cmocka_unit_test(previous_range_has_the_same_length_just_before),
	    cmocka_unit_test(previous_periods_follow_on_without_gaps),
	    cmocka_unit_test(default_as_of_is_the_last_day_of_a_past_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
