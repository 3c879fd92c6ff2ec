/*
 * csvw.h - fields of a CSV report (RFC 4180), shared by every command
 * that writes one: eval's scorecards, history, compare and backtest.
 */
#ifndef HUDDLE_CSVW_H
#define HUDDLE_CSVW_H

#include <stdio.h>

/* s, quoted only where it must be (a comma, quote or line break in it);
 * NULL is an empty field. */
void hd_csv_quoted(FILE *out, const char *s);
/* A field and what follows it: a comma, or CRLF when it is the last. */
void hd_csv_field(FILE *out, const char *s, int last);
/* A number as JSON writes it (never rounded), or an empty field. */
void hd_csv_number(FILE *out, int has, double v);

#endif
