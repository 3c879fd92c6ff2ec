/* csvw.c - RFC 4180 fields, numbers as jsonw writes them. */
#include "csvw.h"

#include <string.h>

#include "jsonw.h"

void hd_csv_quoted(FILE *out, const char *s)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else if (s) {
		fputs(s, out);
	}
}

void hd_csv_field(FILE *out, const char *s, int last)
{
	hd_csv_quoted(out, s);
	fputs(last ? "\r\n" : ",", out);
}

void hd_csv_number(FILE *out, int has, double v)
{
	char buf[40] = "";
	if (has)
		hd_json_format_number(v, buf, sizeof buf);
	hd_csv_field(out, buf, 0);
}
