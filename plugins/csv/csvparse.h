/*
 * csvparse.h - a push parser for CSV text as RFC 4180 writes it.
 *
 * Text goes in by the chunk, in any sizes (a record may span chunks);
 * each complete record comes out through a callback with its fields and
 * the line it starts on.  Quoted fields hold delimiters, quotes written
 * as "" and line breaks; records end with CRLF, LF or a lone CR (old Mac
 * exports); a UTF-8 byte order mark at the very start is dropped; blank
 * lines are skipped; the last record may lack its line break.
 *
 * Anything else is an error with the line of the record it is in: a
 * quote inside an unquoted field, text after a closing quote, a quote
 * never closed, a NUL byte, a UTF-16 file, a field or record too long.
 * The parser knows nothing of huddle: the fuzz harness links it alone.
 */
#ifndef HUDDLE_CSVPARSE_H
#define HUDDLE_CSVPARSE_H

#include <stddef.h>

/* Limits that keep a broken file (a quote never closed) from eating
 * memory: the bytes of one record, and its number of fields. */
#define CSVP_MAX_RECORD (16u << 20)
#define CSVP_MAX_FIELDS 4096

enum {
	CSVP_OK = 0,
	CSVP_SYNTAX = -1, /* malformed text: csvp_error says what and where */
	CSVP_STOPPED = -2 /* the record callback returned non-zero */
};

typedef struct csvp csvp;

/* Called once per record.  fields[0..n-1] are NUL-terminated and valid
 * only during the call (an empty field is ""); line is where the record
 * starts, 1-based.  Returns 0 to go on; anything else stops the parser. */
typedef int (*csvp_record_fn)(void *ud, long line, int n, const char *const *fields);

/* A parser for fields separated by delim (',' for RFC 4180; any byte but
 * a quote, CR or LF).  Returns NULL when out of memory.  The caller frees
 * it with csvp_free. */
csvp *csvp_new(char delim, csvp_record_fn fn, void *ud);
void csvp_free(csvp *p);

/* Parses the next n bytes, calling fn for each record they complete.
 * Returns CSVP_OK, CSVP_SYNTAX or CSVP_STOPPED; after an error every
 * later call returns it again. */
int csvp_feed(csvp *p, const char *buf, size_t n);
/* The end of the text: completes a last record without a line break and
 * checks that no quote is left open.  Returns as csvp_feed. */
int csvp_finish(csvp *p);

/* After CSVP_SYNTAX: what is wrong (a sentence without the line), and the
 * line of the record it is in. */
const char *csvp_error(const csvp *p);
long csvp_error_line(const csvp *p);

#endif
