/*
 * import_int.h - what import.c and import_why.c share: the import in
 * progress behind the host API's huddle_import handle.
 */
#ifndef HUDDLE_IMPORT_INT_H
#define HUDDLE_IMPORT_INT_H

#include <stdint.h>

#include "import.h"

typedef enum { HD_COL_TEXT, HD_COL_INTEGER, HD_COL_REAL, HD_COL_DATE } hd_col_type;

typedef struct hd_import_col {
	char *name;
	hd_col_type type;
	int required; /* NOT NULL without a default: the file must have it */
	char *dflt;   /* the DEFAULT expression as the schema writes it, or NULL */
	int plain;    /* dflt is a plain value (a number, a string, NULL...) */
} hd_import_col;

/* Rows that came from consecutive lines: rowid + i is from line + i. */
typedef struct hd_import_span {
	int64_t rowid;
	long line, n;
} hd_import_span;

struct huddle_import {
	sqlite3 *db;
	const char *table, *path;
	FILE *fp;
	long size;
	hd_import_progress progress;
	void *progress_ud;
	hd_import_col *cols;
	int ncols;
	int *hdr; /* header field i fills column hdr[i] */
	int nhdr;
	long header_line;
	sqlite3_stmt *ins;
	const char *const *values; /* of the record being inserted */
	long rows;
	hd_import_span *spans;
	int nspans, capspans;
	int failed; /* err holds the first problem; every later call fails */
	hd_err err;
};

/* Records the import's first problem, at line of the file (0: none),
 * with code for the exit status; returns -1.  Later problems are
 * dropped: the first one is the one to fix. */
int hd_import_failf(huddle_import *imp, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* v as a message shows it, written into b (n bytes): quoted, with
 * control bytes, quotes and non-ASCII bytes escaped, cut after 60 bytes.
 * Returns b. */
const char *hd_import_show(const char *v, char *b, size_t n);

/* The index of the column called name, or -1. */
int hd_import_col_index(const huddle_import *imp, const char *name);
/* The text of column col in the record being inserted ("" for NULL), or
 * NULL when the header does not name it. */
const char *hd_import_value(const huddle_import *imp, int col);
/* The line the row rowid came from, or 0 when this import did not
 * insert it. */
long hd_import_line_of(const huddle_import *imp, int64_t rowid);
/* Where word stands alone (not inside a longer name) in text, searching
 * from `from` on; NULL when nowhere. */
const char *hd_import_find_word(const char *text, const char *from, const char *word);

/* import_why.c: SQLite's refusals told as the user's problem. */

/* The insert of the record read at line failed: records which column,
 * which value and why (the allowed values, the rule broken, the earlier
 * line with the same key); returns -1. */
int hd_import_insert_failed(huddle_import *imp, long line);
/* COMMIT failed on a deferred foreign key (the transaction is still
 * open): records the first line whose row refers to a missing one, the
 * column and the value; returns -1. */
int hd_import_foreign_key_failed(huddle_import *imp);

#endif
