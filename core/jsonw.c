/* jsonw.c - commas, indentation, escaping and exact numbers. */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void hd_jsonw_init(hd_jsonw *w, FILE *out, int pretty)
{
	w->out = out;
	w->depth = 0;
	w->pretty = pretty;
	w->count[0] = 0;
	w->after_key = 0;
	w->len = 0;
}

static void flush(hd_jsonw *w)
{
	if (w->len)
		fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static void put(hd_jsonw *w, const void *p, size_t n)
{
	if (w->len + n > sizeof w->buf) {
		flush(w);
		if (n > sizeof w->buf) {
			fwrite(p, 1, n, w->out);
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void putch(hd_jsonw *w, char c)
{
	if (w->len == sizeof w->buf)
		flush(w);
	w->buf[w->len++] = c;
}

#define PUTS(w, lit) put((w), (lit), sizeof(lit) - 1)

/* A value at depth 0 is the whole document: it goes out now. */
static void done(hd_jsonw *w)
{
	if (!w->depth)
		flush(w);
}

static void indent(hd_jsonw *w)
{
	if (!w->pretty)
		return;
	putch(w, '\n');
	for (int i = 0; i < w->depth; i++)
		PUTS(w, "  ");
}

/* Separates a new value from the one before it at this depth. */
static void begin_value(hd_jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->count[w->depth]++)
		putch(w, ',');
	if (w->depth)
		indent(w);
}

static void open(hd_jsonw *w, char c)
{
	begin_value(w);
	putch(w, c);
	if (w->depth + 1 < HD_JSONW_DEPTH)
		w->depth++;
	w->count[w->depth] = 0;
}

void hd_jsonw_object(hd_jsonw *w)
{
	open(w, '{');
}

void hd_jsonw_array(hd_jsonw *w)
{
	open(w, '[');
}

void hd_jsonw_end(hd_jsonw *w, char close)
{
	int had = w->count[w->depth];
	w->depth--;
	if (had)
		indent(w);
	putch(w, close);
	if (!w->depth && w->pretty)
		putch(w, '\n');
	done(w);
}

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 if it is not
 * one: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int utf8_len(const unsigned char *p)
{
	int n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
	if (!n || p[0] > 0xF4)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
	    (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
		return 0;
	return n;
}

/* Writes s as a JSON string.  Text from rules may be any bytes: what is
 * not UTF-8 becomes U+FFFD, so the document stays valid JSON.  Runs of
 * printable ASCII, nearly all of a scorecard, are copied in one piece. */
static void write_string(hd_jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	putch(w, '"');
	for (;;) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		put(w, run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"':
			PUTS(w, "\\\"");
			break;
		case '\\':
			PUTS(w, "\\\\");
			break;
		case '\n':
			PUTS(w, "\\n");
			break;
		case '\r':
			PUTS(w, "\\r");
			break;
		case '\t':
			PUTS(w, "\\t");
			break;
		default:
			if (*p < 0x20) {
				char u[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
				put(w, u, sizeof u);
			} else {
				int n = utf8_len(p);
				if (n) {
					put(w, p, (size_t)n);
					p += n - 1;
				} else {
					PUTS(w, "\\ufffd");
				}
			}
		}
		p++;
	}
	putch(w, '"');
}

void hd_jsonw_key(hd_jsonw *w, const char *key)
{
	begin_value(w);
	write_string(w, key);
	if (w->pretty)
		PUTS(w, ": ");
	else
		putch(w, ':');
	w->after_key = 1;
}

void hd_jsonw_string(hd_jsonw *w, const char *s)
{
	if (!s) {
		hd_jsonw_null(w);
		return;
	}
	begin_value(w);
	write_string(w, s);
	done(w);
}

/* The decimal digits of v into buf (>= 21 bytes); returns the length. */
static size_t format_int(int64_t v, char *buf)
{
	char tmp[24];
	size_t n = 0, len = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = 0;
	return len;
}

/* v as the decimal with the fewest places (up to 6) that reads back as
 * v, in buf (>= 32 bytes); 0 if there is none (at that density no two
 * such decimals read back as the same double).  m / 10^k is correctly
 * rounded like strtod of the same digits, so the check is exact.  Only
 * for 1e-4 <= |v| < 1e9, where %.15g writes the same digits without an
 * exponent: the result is what that would write. */
static int format_short_decimal(double v, char *buf)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	double a = fabs(v);
	if (!(a >= 1e-4 && a < 1e9))
		return 0;
	for (int k = 1; k <= 6; k++) {
		double m = a * p10[k];
		if (m != trunc(m) || m / p10[k] != a)
			continue;
		char digits[24];
		int nd = (int)format_int((int64_t)m, digits), len = 0;
		/* a * 10^k may round to a whole number one place later than
		 * needed: 9607.26169 shows up at k = 6 as ...1690. */
		while (digits[nd - 1] == '0') {
			nd--;
			k--;
		}
		if (v < 0)
			buf[len++] = '-';
		if (nd <= k) {
			buf[len++] = '0';
			buf[len++] = '.';
			for (int z = nd; z < k; z++)
				buf[len++] = '0';
			memcpy(buf + len, digits, (size_t)nd);
			len += nd;
		} else {
			memcpy(buf + len, digits, (size_t)(nd - k));
			len += nd - k;
			buf[len++] = '.';
			memcpy(buf + len, digits + nd - k, (size_t)k);
			len += k;
		}
		buf[len] = 0;
		return 1;
	}
	return 0;
}

void hd_json_format_number(double v, char *buf, size_t n)
{
	if (v == 0) {
		snprintf(buf, n, "0");
		return;
	}
	/* Whole numbers below 10^15 are what %.15g writes them as, digits
	 * only, and the most common in a scorecard (weights, counts, 0 and
	 * 1); next come short decimals (0.5, 71.25); the rest need the
	 * shortest of 15 to 17 significant digits that reads back the same. */
	if (fabs(v) < 1e15 && v == trunc(v) && n >= 21) {
		format_int((int64_t)v, buf);
		return;
	}
	if (n >= 32 && format_short_decimal(v, buf))
		return;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

void hd_jsonw_number(hd_jsonw *w, double v)
{
	char buf[40];
	if (!isfinite(v)) {
		hd_jsonw_null(w);
		return;
	}
	begin_value(w);
	hd_json_format_number(v, buf, sizeof buf);
	put(w, buf, strlen(buf));
	done(w);
}

void hd_jsonw_int(hd_jsonw *w, int64_t v)
{
	char buf[24];
	begin_value(w);
	put(w, buf, format_int(v, buf));
	done(w);
}

void hd_jsonw_bool(hd_jsonw *w, int v)
{
	begin_value(w);
	if (v)
		PUTS(w, "true");
	else
		PUTS(w, "false");
	done(w);
}

void hd_jsonw_null(hd_jsonw *w)
{
	begin_value(w);
	PUTS(w, "null");
	done(w);
}
