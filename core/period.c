/* period.c - civil dates and the period forms of SPEC section 3. */
#include "period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: exact for the whole int range we use. */
int hd_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void hd_civil_from_days(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

void hd_date_format(int day, char buf[11])
{
	int y, m, d;
	hd_civil_from_days(day, &y, &m, &d);
	/* Years outside 0..9999 cannot be written as ISO dates; clamp. */
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* Reads exactly n digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int hd_date_parse(const char *s, int *day)
{
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
	    digits(s + 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return HD_EINPUT;
	*day = hd_days_from_civil(y, m, d);
	return 0;
}

int hd_today(void)
{
	return (int)(time(NULL) / 86400);
}

/* Day number of the first day of the month that is `months` after
 * January of year y (months may exceed 11 or be negative). */
static int month_start(int y, int months)
{
	y += months >= 0 ? months / 12 : -((11 - months) / 12);
	months -= (months >= 0 ? months / 12 : -((11 - months) / 12)) * 12;
	return hd_days_from_civil(y, months + 1, 1);
}

/* Monday of ISO week 1 of year y. */
static int iso_week1(int y)
{
	int jan4 = hd_days_from_civil(y, 1, 4);
	int wd = ((jan4 % 7) + 7 + 3) % 7; /* 0 = Monday; day 0 was a Thursday */
	return jan4 - wd;
}

static int iso_weeks_in(int y)
{
	return (iso_week1(y + 1) - iso_week1(y)) / 7;
}

static void set_quarter(hd_period *p, int fy, int q, int fs)
{
	p->kind = HD_PERIOD_QUARTER;
	p->fiscal_start = fs;
	p->start = month_start(fy, fs - 1 + 3 * (q - 1));
	p->stop = month_start(fy, fs - 1 + 3 * q);
	snprintf(p->label, sizeof p->label, "%04d-Q%d", fy, q);
}

static void set_month(hd_period *p, int y, int m, int fs)
{
	p->kind = HD_PERIOD_MONTH;
	p->fiscal_start = fs;
	p->start = hd_days_from_civil(y, m, 1);
	p->stop = p->start + month_days(y, m);
	snprintf(p->label, sizeof p->label, "%04d-%02d", y, m);
}

static void set_week(hd_period *p, int y, int w, int fs)
{
	p->kind = HD_PERIOD_WEEK;
	p->fiscal_start = fs;
	p->start = iso_week1(y) + 7 * (w - 1);
	p->stop = p->start + 7;
	snprintf(p->label, sizeof p->label, "%04d-W%02d", y, w);
}

static void set_year(hd_period *p, int fy, int fs)
{
	p->kind = HD_PERIOD_YEAR;
	p->fiscal_start = fs;
	p->start = month_start(fy, fs - 1);
	p->stop = month_start(fy + 1, fs - 1);
	snprintf(p->label, sizeof p->label, "%04d", fy);
}

static void set_range(hd_period *p, int start, int stop, int fs)
{
	char a[11], b[11];
	p->kind = HD_PERIOD_RANGE;
	p->fiscal_start = fs;
	p->start = start;
	p->stop = stop;
	hd_date_format(start, a);
	hd_date_format(stop - 1, b);
	snprintf(p->label, sizeof p->label, "%s..%s", a, b);
}

/* Reads the forms of a period; returns 0 when s is none of them. */
static int parse_form(const char *s, int fs, hd_period *p)
{
	size_t n = strlen(s);
	int y, v, a, b;
	const char *dots = strstr(s, "..");
	if (dots) {
		char left[16];
		size_t ln = (size_t)(dots - s);
		if (ln < sizeof left) {
			memcpy(left, s, ln);
			left[ln] = 0;
			if (!hd_date_parse(left, &a) && !hd_date_parse(dots + 2, &b) && b >= a) {
				set_range(p, a, b + 1, fs);
				return 1;
			}
		}
	} else if (n >= 4 && !digits(s, 4, &y)) {
		if (n == 4) {
			set_year(p, y, fs);
			return 1;
		}
		if (n == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
			set_quarter(p, y, s[6] - '0', fs);
			return 1;
		}
		if (n == 7 && s[4] == '-' && !digits(s + 5, 2, &v) && v >= 1 && v <= 12) {
			set_month(p, y, v, fs);
			return 1;
		}
		if (n == 8 && s[4] == '-' && s[5] == 'W' && !digits(s + 6, 2, &v) && v >= 1 &&
		    v <= iso_weeks_in(y)) {
			set_week(p, y, v, fs);
			return 1;
		}
	}
	return 0;
}

int hd_period_parse(const char *s, int fiscal_start, hd_period *p, hd_err *err)
{
	hd_period q;
	if (!parse_form(s, fiscal_start, &q))
		return hd_err_set(
		    err, HD_EUSAGE,
		    "bad period '%s': write a quarter (2026-Q3), a month (2026-07), an ISO week "
		    "(2026-W27), a year (2026) or an inclusive range (2026-07-01..2026-09-30)",
		    s);
	/* A label has four digits of year and no sign, and year 0000 would
	 * make the periods before it (m.prev) negative years no label can
	 * name.  Every form starts with its year, a range with its first. */
	if (!strncmp(s, "0000", 4) || q.start < hd_days_from_civil(1, 1, 1))
		return hd_err_set(err, HD_EUSAGE, "bad period '%s': years run from 0001 to 9999", s);
	/* The day after the period is a YYYY-MM-DD date too (:stop). */
	if (q.stop > hd_days_from_civil(9999, 12, 31))
		return hd_err_set(err, HD_EUSAGE,
		                  "bad period '%s': it ends after 9999-12-30, the last day a period can "
		                  "end on (the day after it must still be a date)",
		                  s);
	*p = q;
	return 0;
}

void hd_period_quarter_of(int day, int fs, hd_period *p)
{
	int y, m, d;
	hd_civil_from_days(day, &y, &m, &d);
	int fy = m >= fs ? y : y - 1;
	int months_in = (m - fs + 12) % 12;
	set_quarter(p, fy, months_in / 3 + 1, fs);
}

void hd_period_prev(const hd_period *p, hd_period *prev)
{
	int y, m, d, fs = p->fiscal_start;
	hd_civil_from_days(p->start, &y, &m, &d);
	switch (p->kind) {
	case HD_PERIOD_QUARTER:
		hd_period_quarter_of(p->start - 1, fs, prev);
		break;
	case HD_PERIOD_MONTH:
		hd_civil_from_days(p->start - 1, &y, &m, &d);
		set_month(prev, y, m, fs);
		break;
	case HD_PERIOD_WEEK: {
		/* The ISO year of the previous week is the year of its Thursday. */
		int thu = p->start - 7 + 3;
		hd_civil_from_days(thu, &y, &m, &d);
		set_week(prev, y, (thu - iso_week1(y)) / 7 + 1, fs);
		break;
	}
	case HD_PERIOD_YEAR:
		/* The fiscal year of the day before, from the dates, not the
		 * label: m.prev of 0001 goes on to years no label can name. */
		hd_civil_from_days(p->start - 1, &y, &m, &d);
		set_year(prev, m >= fs ? y : y - 1, fs);
		break;
	case HD_PERIOD_RANGE:
		set_range(prev, p->start - (p->stop - p->start), p->start, fs);
		break;
	}
}

int hd_period_default_as_of(const hd_period *p)
{
	int today = hd_today();
	return p->stop - 1 < today ? p->stop - 1 : today;
}
