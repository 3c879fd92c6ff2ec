/* out.c - escaped text and numbers written for people. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"

/* One escape for text and for attribute values (always double-quoted
 * in this page), so no caller has to know which it writes. */
void hr_text(FILE *f, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *esc;
		switch (*s) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		fwrite(run, 1, (size_t)(s - run), f);
		fputs(esc, f);
		run = s + 1;
	}
	fwrite(run, 1, (size_t)(s - run), f);
}

void hr_text_cut(FILE *f, const char *s, int max)
{
	if (!s)
		return;
	/* Count characters, not bytes: a continuation byte is 10xxxxxx. */
	int chars = 0;
	size_t cut = 0;
	for (const char *p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80) {
			if (chars == max - 1)
				cut = (size_t)(p - s);
			chars++;
		}
	if (chars <= max || max < 2) {
		hr_text(f, s);
		return;
	}
	char buf[256]; /* max is a few dozen characters of at most 4 bytes */
	if (cut >= sizeof buf)
		cut = sizeof buf - 1;
	memcpy(buf, s, cut);
	buf[cut] = 0;
	hr_text(f, buf);
	fputs("\xE2\x80\xA6", f); /* … */
}

void hr_rule_title(FILE *f, const char *rule)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", rule ? rule : "");
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	hr_text(f, buf);
}

const char *hr_score(double v, char *buf)
{
	snprintf(buf, 32, "%.1f", v);
	return buf;
}

const char *hr_trend(double d)
{
	return d >= 0.05 ? "up" : d <= -0.05 ? "down" : "flat";
}

const char *hr_delta(double d, char *buf)
{
	/* Shown to one decimal: anything that rounds to zero is level, never
	 * "-0.0".  U+2212 is the minus sign typesetting uses. */
	if (fabs(d) < 0.05)
		snprintf(buf, 32, "\xC2\xB1" "0.0");
	else
		snprintf(buf, 32, "%s%.1f", d > 0 ? "+" : "\xE2\x88\x92", fabs(d));
	return buf;
}

const char *hr_count(long long v, char *buf)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
	char *o = buf;
	if (v < 0)
		*o++ = '-';
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			*o++ = ',';
		*o++ = digits[i];
	}
	*o = 0;
	return buf;
}

const char *hr_amount(double v, char *buf)
{
	double a = fabs(v);
	const char *sign = v < 0 ? "\xE2\x88\x92" : "";
	if (a >= 999500000.0)
		snprintf(buf, 32, "%s%.2fB", sign, a / 1e9);
	else if (a >= 999500.0)
		snprintf(buf, 32, "%s%.2fM", sign, a / 1e6);
	else if (a >= 9999.5)
		snprintf(buf, 32, "%s%.1fk", sign, a / 1e3);
	else if (a >= 999.5)
		snprintf(buf, 32, "%s%d,%03d", sign, (int)(a + 0.5) / 1000, (int)(a + 0.5) % 1000);
	else
		snprintf(buf, 32, "%s%.0f", sign, a);
	return buf;
}

const char *hr_percent(double r, char *buf)
{
	double v = 100 * r;
	/* Short of a target never reads as 100%: 99.7% is 99%. */
	if (r < 1 && v >= 99.5)
		v = 99;
	snprintf(buf, 32, "%.0f%%", v);
	return buf;
}
