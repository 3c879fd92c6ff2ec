/*
 * csvparse.c - RFC 4180 CSV, one byte at a time.
 *
 * Why not Debian's libcsv: it trims spaces around unquoted fields unless
 * told otherwise, reports a malformed quote only as "parse error" with no
 * place, knows nothing of byte order marks, and gives no line numbers of
 * its own, so we would have fed it line by line and still guessed where
 * a record with line breaks in it started.  The grammar is small enough
 * that a state machine we can fuzz on its own costs less than the glue.
 *
 * The states are those of a field: at its start, inside an unquoted
 * field, inside a quoted one, and just after a quote inside a quoted one
 * (the closing quote, or the first half of "").  A record's fields are
 * kept back to back in one buffer, each ending in a NUL, so a record
 * costs no allocation once the buffer has grown to fit the longest one.
 */
#include "csvparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

struct csvp {
	char delim;
	csvp_record_fn fn;
	void *ud;
	int state;
	int bom;       /* bytes of a BOM matched at the start; -1 once past it */
	int cr;        /* the byte before was a CR, so an LF now ends no line */
	int in_record; /* a byte of the current record has been read */
	long line;     /* the line being read */
	long rec_line; /* where the current record started */
	char *buf;     /* the record's fields, each ending in a NUL */
	size_t len, cap;
	size_t *starts; /* where each field starts in buf */
	const char **fields;
	int nfields;
	int status;
	char msg[200];
	long err_line;
};

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

csvp *csvp_new(char delim, csvp_record_fn fn, void *ud)
{
	csvp *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->starts = malloc((CSVP_MAX_FIELDS + 1) * sizeof *p->starts);
	p->fields = malloc((CSVP_MAX_FIELDS + 1) * sizeof *p->fields);
	p->cap = 256;
	p->buf = malloc(p->cap);
	if (!p->starts || !p->fields || !p->buf) {
		csvp_free(p);
		return NULL;
	}
	p->delim = delim;
	p->fn = fn;
	p->ud = ud;
	p->line = p->rec_line = 1;
	return p;
}

void csvp_free(csvp *p)
{
	if (!p)
		return;
	free(p->buf);
	free(p->starts);
	free(p->fields);
	free(p);
}

const char *csvp_error(const csvp *p)
{
	return p->msg;
}

long csvp_error_line(const csvp *p)
{
	return p->err_line;
}

static int fail(csvp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a syntax error in the current record; returns CSVP_SYNTAX. */
static int fail(csvp *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	p->err_line = p->rec_line;
	return p->status = CSVP_SYNTAX;
}

static int put(csvp *p, char c)
{
	if (p->len + 1 >= p->cap) {
		if (p->cap >= CSVP_MAX_RECORD)
			return fail(
			    p, "the record is longer than 16 MiB (in field %d): is a quote never closed?",
			    p->nfields + 1);
		size_t cap = p->cap * 2;
		char *b = realloc(p->buf, cap);
		if (!b)
			return fail(p, "out of memory reading field %d", p->nfields + 1);
		p->buf = b;
		p->cap = cap;
	}
	p->buf[p->len++] = c;
	return CSVP_OK;
}

/* The field being read ends (its start was recorded when it began). */
static int end_field(csvp *p)
{
	if (p->nfields == CSVP_MAX_FIELDS)
		return fail(p, "the record has more than %d fields", CSVP_MAX_FIELDS);
	if (put(p, 0))
		return p->status;
	p->starts[++p->nfields] = p->len;
	return CSVP_OK;
}

static int end_record(csvp *p)
{
	if (end_field(p))
		return p->status;
	for (int i = 0; i < p->nfields; i++)
		p->fields[i] = p->buf + p->starts[i];
	int n = p->nfields;
	p->len = 0;
	p->nfields = 0;
	p->starts[0] = 0;
	p->in_record = 0;
	p->state = FIELD_START;
	if (p->fn(p->ud, p->rec_line, n, p->fields))
		return p->status = CSVP_STOPPED;
	return CSVP_OK;
}

static int step(csvp *p, unsigned char c)
{
	int after_cr = p->cr;
	int eol = c == '\r' || c == '\n';
	p->cr = c == '\r';
	if (c == 0)
		return fail(p, "a NUL byte in field %d: this is not a text file", p->nfields + 1);
	/* The LF of a CRLF that already ended a record (or a blank line). */
	if (c == '\n' && after_cr && !p->in_record)
		return CSVP_OK;
	if (c == '\r' || (c == '\n' && !after_cr))
		p->line++;
	if (!p->in_record) {
		if (eol) /* a blank line */
			return CSVP_OK;
		p->rec_line = p->line;
		p->in_record = 1;
		p->starts[0] = 0;
	}
	switch (p->state) {
	case FIELD_START:
		if (c == '"') {
			p->state = QUOTED;
			return CSVP_OK;
		}
		if (c == (unsigned char)p->delim)
			return end_field(p);
		if (eol)
			return end_record(p);
		p->state = UNQUOTED;
		return put(p, (char)c);
	case UNQUOTED:
		if (c == (unsigned char)p->delim) {
			p->state = FIELD_START;
			return end_field(p);
		}
		if (eol)
			return end_record(p);
		if (c == '"')
			return fail(p,
			            "a quote inside unquoted field %d: a field with a quote in it must be "
			            "quoted whole, and the quote written twice (\"a \"\"b\"\" c\")",
			            p->nfields + 1);
		return put(p, (char)c);
	case QUOTED:
		if (c == '"') {
			p->state = QUOTE_IN_QUOTED;
			return CSVP_OK;
		}
		return put(p, (char)c);
	default: /* QUOTE_IN_QUOTED */
		if (c == '"') {
			p->state = QUOTED;
			return put(p, '"');
		}
		if (c == (unsigned char)p->delim) {
			p->state = FIELD_START;
			return end_field(p);
		}
		if (eol)
			return end_record(p);
		return fail(p,
		            "text after the closing quote of field %d: inside a quoted field, write a "
		            "quote twice (\"\")",
		            p->nfields + 1);
	}
}

/* The first bytes of the text: a UTF-8 BOM is dropped; a UTF-16 one (its
 * FF or FE can never start UTF-8) is an error worth its own message. */
static int start(csvp *p, unsigned char c)
{
	if (p->bom == 0 && (c == 0xFF || c == 0xFE))
		return fail(p,
		            "the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\"), or convert it with "
		            "iconv -f UTF-16 -t UTF-8");
	if (c == bom[p->bom]) {
		if (++p->bom == 3)
			p->bom = -1;
		return CSVP_OK;
	}
	/* Not a BOM after all: what looked like one is text. */
	int matched = p->bom;
	p->bom = -1;
	for (int i = 0; i < matched; i++)
		if (step(p, bom[i]))
			return p->status;
	return step(p, c);
}

int csvp_feed(csvp *p, const char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf;
	for (size_t i = 0; i < n && p->status == CSVP_OK; i++) {
		if (p->bom >= 0)
			start(p, s[i]);
		else
			step(p, s[i]);
	}
	return p->status;
}

int csvp_finish(csvp *p)
{
	if (p->status)
		return p->status;
	if (p->bom > 0) { /* a text shorter than a BOM that began like one */
		int matched = p->bom;
		p->bom = -1;
		for (int i = 0; i < matched; i++)
			if (step(p, bom[i]))
				return p->status;
	}
	if (!p->in_record)
		return CSVP_OK;
	if (p->state == QUOTED)
		return fail(p, "field %d opens a quote that is never closed", p->nfields + 1);
	return end_record(p);
}
