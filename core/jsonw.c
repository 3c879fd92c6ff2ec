/* jsonw.c - commas, indentation, escaping and exact numbers. */
#include "jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

void hd_jsonw_init(hd_jsonw *w, FILE *out, int pretty)
{
	w->out = out;
	w->depth = 0;
	w->pretty = pretty;
	w->count[0] = 0;
	w->after_key = 0;
}

static void indent(hd_jsonw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Separates a new value from the one before it at this depth. */
static void begin_value(hd_jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->count[w->depth]++)
		fputc(',', w->out);
	if (w->depth)
		indent(w);
}

static void open(hd_jsonw *w, char c)
{
	begin_value(w);
	fputc(c, w->out);
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
	fputc(close, w->out);
	if (!w->depth && w->pretty)
		fputc('\n', w->out);
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
 * not UTF-8 becomes U+FFFD, so the document stays valid JSON. */
static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20) {
				fprintf(out, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, out);
			} else {
				int n = utf8_len(p);
				if (n) {
					fwrite(p, 1, (size_t)n, out);
					p += n - 1;
				} else {
					fputs("\\ufffd", out);
				}
			}
		}
	}
	fputc('"', out);
}

void hd_jsonw_key(hd_jsonw *w, const char *key)
{
	begin_value(w);
	write_string(w->out, key);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = 1;
}

void hd_jsonw_string(hd_jsonw *w, const char *s)
{
	if (!s) {
		hd_jsonw_null(w);
		return;
	}
	begin_value(w);
	write_string(w->out, s);
}

void hd_json_format_number(double v, char *buf, size_t n)
{
	if (v == 0) {
		snprintf(buf, n, "0");
		return;
	}
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
	fputs(buf, w->out);
}

void hd_jsonw_int(hd_jsonw *w, int64_t v)
{
	begin_value(w);
	fprintf(w->out, "%" PRId64, v);
}

void hd_jsonw_bool(hd_jsonw *w, int v)
{
	begin_value(w);
	fputs(v ? "true" : "false", w->out);
}

void hd_jsonw_null(hd_jsonw *w)
{
	begin_value(w);
	fputs("null", w->out);
}
