/*
 * fuzz_csv.c - the csv plugin's parser (plugins/csv/csvparse.c) on
 * arbitrary bytes, linked alone: no host, no database.
 *
 * The first byte picks the delimiter and the size of the chunks the rest
 * is fed in; the rest is the file.  Invariants checked on every input:
 *  - fed whole or in chunks, the parser gives the same records and the
 *    same error at the same line (a record may span chunks);
 *  - records start on lines that only grow, none past the file's end;
 *  - an error has a message and a line;
 *  - the records, written back as CSV with every field quoted, parse
 *    again to the same records, all on the lines the rewrite puts them.
 * Each field is also read as a date of a few formats (csvdate.c): a date
 * it accepts must come out as a real ISO date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvdate.h"
#include "csvparse.h"

/* Everything the parser said, flattened: each record as its line, its
 * field count and its fields with their lengths, then the outcome. */
typedef struct trace {
	char *s;
	size_t len, cap;
	size_t records_len; /* the bytes of s before the outcome */
	int records, rc;
	long last_line, max_line;
} trace;

static void put(trace *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = 2 * (t->len + n) + 64;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
}

static void fail(const char *what)
{
	fprintf(stderr, "csv parser invariant broken: %s\n", what);
	abort();
}

static const char *const formats[] = { "M/D/YYYY", "DD.MM.YYYY", "D-MMM-YY*", "YYYY-MM-DD" };
static csvdate compiled[sizeof formats / sizeof *formats];

static void check_date(const char *field)
{
	char iso[11];
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		if (csvdate_parse(&compiled[i], field, iso))
			continue;
		int y, m, d;
		if (strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
		    d > 31 || (m == 2 && d > 29) || ((m == 4 || m == 6 || m == 9 || m == 11) && d > 30))
			fail("a date format accepted a day that is not one");
	}
}

static int on_record(void *ud, long line, int n, const char *const *fields)
{
	trace *t = ud;
	if (line < 1 || line < t->last_line || line > t->max_line)
		fail("a record's line is out of order or past the end");
	if (n < 1)
		fail("a record without fields");
	t->last_line = line;
	t->records++;
	put(t, &line, sizeof line);
	put(t, &n, sizeof n);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);
		put(t, &len, sizeof len);
		put(t, fields[i], len);
		check_date(fields[i]);
	}
	return 0;
}

/* Parses text in chunks of at most `chunk` bytes (0: whole). */
static void parse(const char *text, size_t n, char delim, size_t chunk, long max_line, trace *t)
{
	memset(t, 0, sizeof *t);
	t->max_line = max_line;
	csvp *p = csvp_new(delim, on_record, t);
	if (!p)
		abort();
	int rc = CSVP_OK;
	for (size_t at = 0; at < n && rc == CSVP_OK;) {
		size_t k = chunk && n - at > chunk ? chunk : n - at;
		rc = csvp_feed(p, text + at, k);
		at += k;
	}
	if (rc == CSVP_OK)
		rc = csvp_finish(p);
	if (rc == CSVP_STOPPED)
		fail("stopped without the callback asking");
	t->rc = rc;
	t->records_len = t->len;
	put(t, &rc, sizeof rc);
	if (rc == CSVP_SYNTAX) {
		long line = csvp_error_line(p);
		if (!csvp_error(p)[0] || line < 1 || line > max_line)
			fail("an error without a message or a line in the file");
		put(t, &line, sizeof line);
		put(t, csvp_error(p), strlen(csvp_error(p)));
	}
	csvp_free(p);
}

static long lines_in(const char *s, size_t n)
{
	long lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'));
	return lines;
}

/* The records of t written back with every field quoted, one record per
 * LF-ended line, each field's quotes doubled; NULL when a record had a
 * field the rewrite cannot keep on its lines (any CR or LF in it). */
static char *rewrite(const trace *t, char delim, size_t *out_len, long *lines)
{
	trace w = { 0 };
	const char *s = t->s, *end = t->s + t->records_len;
	*lines = 1;
	while (s < end) {
		int n;
		s += sizeof(long);
		memcpy(&n, s, sizeof n);
		s += sizeof n;
		for (int i = 0; i < n; i++) {
			size_t len;
			memcpy(&len, s, sizeof len);
			s += sizeof len;
			if (i)
				put(&w, &delim, 1);
			put(&w, "\"", 1);
			for (size_t k = 0; k < len; k++) {
				if (s[k] == '\r' || s[k] == '\n') {
					free(w.s);
					return NULL;
				}
				put(&w, s[k] == '"' ? "\"\"" : &s[k], s[k] == '"' ? 2 : 1);
			}
			put(&w, "\"", 1);
			s += len;
		}
		put(&w, "\n", 1);
		(*lines)++;
	}
	*out_len = w.len;
	return w.s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		char why[200];
		for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
			if (csvdate_compile(&compiled[i], formats[i], why, sizeof why))
				abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	static const char delims[] = { ',', ';', '\t', '|' };
	char delim = delims[data[0] & 3];
	size_t chunk = (size_t)(data[0] >> 2) + 1;
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	long max_line = lines_in(text, n);

	trace whole, pieces;
	parse(text, n, delim, 0, max_line, &whole);
	parse(text, n, delim, chunk, max_line, &pieces);
	if (whole.len != pieces.len || memcmp(whole.s, pieces.s, whole.len))
		fail("fed in chunks, the parser says something else than fed whole");

	size_t wlen;
	long wlines;
	char *again = whole.rc == CSVP_OK && whole.records ? rewrite(&whole, delim, &wlen, &wlines) : NULL;
	if (again) {
		trace back;
		parse(again, wlen, delim, 0, wlines, &back);
		if (back.rc != CSVP_OK || back.records != whole.records)
			fail("written back as CSV, the records do not parse again");
		/* Each record now starts on its own line: compare all but lines. */
		const char *a = whole.s, *b = back.s;
		for (int r = 0; r < whole.records; r++) {
			long la;
			memcpy(&la, b, sizeof la);
			if (la != r + 1)
				fail("a rewritten record is not on its own line");
			a += sizeof(long);
			b += sizeof(long);
			int na;
			memcpy(&na, a, sizeof na);
			size_t rec = sizeof na;
			const char *f = a + sizeof na;
			for (int i = 0; i < na; i++) {
				size_t len;
				memcpy(&len, f, sizeof len);
				f += sizeof len + len;
				rec += sizeof len + len;
			}
			if (memcmp(a, b, rec))
				fail("written back as CSV, a record parses to other fields");
			a += rec;
			b += rec;
		}
		free(back.s);
		free(again);
	}
	free(whole.s);
	free(pieces.s);
	return 0;
}
