/*
 * jsonw.h - a streaming JSON writer.
 *
 * Scorecards of a million reps are written as they are walked, never
 * built as a tree.  Numbers are written in the shortest form that reads
 * back to the same double, so nothing is rounded.
 */
#ifndef HUDDLE_JSONW_H
#define HUDDLE_JSONW_H

#include <stdint.h>
#include <stdio.h>

#define HD_JSONW_DEPTH 32
#define HD_JSONW_BUF 16384

/* Output collects in buf and goes to out when buf fills and when a
 * top-level value is complete, so a finished document is always all in
 * out; stdio's per-call locking costs more than the formatting. */
typedef struct hd_jsonw {
	FILE *out;
	int depth;
	int pretty;
	int count[HD_JSONW_DEPTH]; /* values written at each depth */
	int after_key;
	size_t len;
	char buf[HD_JSONW_BUF];
} hd_jsonw;

void hd_jsonw_init(hd_jsonw *w, FILE *out, int pretty);
void hd_jsonw_object(hd_jsonw *w);
void hd_jsonw_array(hd_jsonw *w);
void hd_jsonw_end(hd_jsonw *w, char close); /* '}' or ']' */
void hd_jsonw_key(hd_jsonw *w, const char *key);
void hd_jsonw_string(hd_jsonw *w, const char *s); /* NULL writes null */
void hd_jsonw_number(hd_jsonw *w, double v);	   /* non-finite writes null */
void hd_jsonw_int(hd_jsonw *w, int64_t v);
void hd_jsonw_bool(hd_jsonw *w, int v);
void hd_jsonw_null(hd_jsonw *w);

/* Formats v in the shortest round-trip form into buf (>= 32 bytes). */
void hd_json_format_number(double v, char *buf, size_t n);

#endif
