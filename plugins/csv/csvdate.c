/* csvdate.c - date formats like M/D/YYYY, read into ISO dates. */
#include "csvdate.h"

#include <stdio.h>
#include <string.h>

enum { YEAR4, YEAR2, MONTH, MONTH2, MONTH_NAME, DAY, DAY2, LITERAL, REST };

static const char months[12][4] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};

int csvdate_compile(csvdate *f, const char *fmt, char *why, size_t n)
{
	int years = 0, month_seen = 0, days = 0;
	f->n = 0;
	for (const char *s = fmt; *s;) {
		size_t run = strspn(s, (char[]){*s, 0});
		int kind = LITERAL;
		if (*s == 'Y' && (run == 4 || run == 2)) {
			kind = run == 4 ? YEAR4 : YEAR2;
			years++;
		} else if (*s == 'M' && run <= 3) {
			kind = run == 1 ? MONTH : run == 2 ? MONTH2 : MONTH_NAME;
			month_seen++;
		} else if (*s == 'D' && run <= 2) {
			kind = run == 1 ? DAY : DAY2;
			days++;
		} else if (*s == 'Y' || *s == 'M' || *s == 'D') {
			snprintf(
			    why, n,
			    "\"%.*s\" is not a part of a date format (YYYY or YY, M, MM or MMM, D or DD)",
			    (int)run, s);
			return -1;
		} else if (*s == '*') {
			if (s[1]) {
				snprintf(why, n, "'*' (whatever follows) can only end a date format");
				return -1;
			}
			kind = REST;
		}
		if (f->n == CSVDATE_MAX_TOKENS) {
			snprintf(why, n, "the date format is too long");
			return -1;
		}
		f->kind[f->n] = (unsigned char)kind;
		f->lit[f->n++] = *s;
		s += kind == LITERAL || kind == REST ? 1 : run;
	}
	if (years != 1 || month_seen != 1 || days != 1) {
		snprintf(why, n,
		         "a date format names the year (YYYY or YY), the month (M, MM or MMM) and the day "
		         "(D or DD) once each, like M/D/YYYY");
		return -1;
	}
	return 0;
}

/* Reads between min and max digits (as many as there are, up to max). */
static const char *digits(const char *s, int min, int max, int *v)
{
	int k = 0;
	*v = 0;
	while (k < max && s[k] >= '0' && s[k] <= '9')
		*v = *v * 10 + (s[k++] - '0');
	return k >= min ? s + k : NULL;
}

static const char *month_name(const char *s, int *v)
{
	for (int m = 0; m < 12; m++) {
		int k = 0;
		while (k < 3 && (s[k] | 0x20) == months[m][k])
			k++;
		if (k == 3) {
			*v = m + 1;
			return s + 3;
		}
	}
	return NULL;
}

static int month_days(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int csvdate_parse(const csvdate *f, const char *s, char iso[11])
{
	int y = -1, m = -1, d = -1;
	for (int i = 0; i < f->n && s; i++) {
		switch (f->kind[i]) {
		case YEAR4:
			s = digits(s, 4, 4, &y);
			break;
		case YEAR2:
			s = digits(s, 2, 2, &y);
			y += y < 69 ? 2000 : 1900;
			break;
		case MONTH:
			s = digits(s, 1, 2, &m);
			break;
		case MONTH2:
			s = digits(s, 2, 2, &m);
			break;
		case MONTH_NAME:
			s = month_name(s, &m);
			break;
		case DAY:
			s = digits(s, 1, 2, &d);
			break;
		case DAY2:
			s = digits(s, 2, 2, &d);
			break;
		case LITERAL:
			s = *s == f->lit[i] ? s + 1 : NULL;
			break;
		default: /* REST */
			s = "";
		}
	}
	if (!s || *s || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	/* y has four digits at most, m and d two: checked above. */
	const int v[3] = {y, m, d}, width[3] = {4, 2, 2};
	char *out = iso;
	for (int i = 0; i < 3; i++) {
		for (int k = width[i] - 1, x = v[i]; k >= 0; k--, x /= 10)
			out[k] = (char)('0' + x % 10);
		out += width[i];
		*out++ = i < 2 ? '-' : 0;
	}
	return 0;
}
