/*
 * import.c - the host side of an import: the table's columns, the
 * header, each record converted and inserted, and the one transaction
 * around them (import_why.c turns SQLite's refusals into messages).
 *
 * Foreign keys are checked at COMMIT (defer_foreign_keys), so that a
 * file may refer to its own rows in any order (a referral deal before
 * the deal that brought it).  SQLite then says only that some key is
 * missing, so we keep which line each row came from and ask
 * foreign_key_check which rows those are.
 */
#include "import_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "period.h"
#include "rules.h"


int hd_import_allowed(const char *table)
{
	for (int i = 0; hd_user_tables[i]; i++)
		if (!strcmp(table, hd_user_tables[i]))
			return 1;
	return 0;
}

/* Messages ------------------------------------------------------------- */

/* Records the import's first problem, at line of the file (0: none);
 * returns -1, what the API's import functions return then. */
static int vfail(huddle_import *imp, int code, long line, const char *fmt, va_list ap)
{
	if (imp->failed)
		return -1;
	char msg[1536];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (line > 0)
		hd_err_set(&imp->err, code, "%s:%ld: %s", imp->path, line, msg);
	else
		hd_err_set(&imp->err, code, "%s: %s", imp->path, msg);
	imp->failed = 1;
	return -1;
}

int hd_import_failf(huddle_import *imp, int code, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(imp, code, line, fmt, ap);
	va_end(ap);
	return -1;
}

const char *hd_import_show(const char *v, char *b, size_t n)
{
	size_t k = 0, i = 0;
	b[k++] = '"';
	for (; v[i] && k + 8 < n && i < 60; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			k += (size_t)snprintf(b + k, n - k,
			                      c == '"'    ? "\\\""
			                      : c == '\\' ? "\\\\"
			                                  : "\\x%02x",
			                      c);
		else
			b[k++] = (char)c;
	}
	snprintf(b + k, n - k, "%s\"", v[i] ? "..." : "");
	return b;
}

/* "a", "b" and "c", for lists in messages. */
static void join(char *b, size_t n, const char *const *names, int count, int quote)
{
	size_t k = 0;
	b[0] = 0;
	for (int i = 0; i < count && k < n; i++)
		k += (size_t)snprintf(b + k, n - k, quote ? "%s\"%s\"" : "%s%s",
		                      i == 0           ? ""
		                      : i == count - 1 ? " and "
		                                       : ", ",
		                      names[i]);
}

/* The table ------------------------------------------------------------- */

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

const char *hd_import_find_word(const char *text, const char *from, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = strstr(from, word); p; p = strstr(p + 1, word))
		if ((p == text || !ident_char(p[-1])) && !ident_char(p[len]))
			return p;
	return NULL;
}

/* Dates are TEXT in the schema; what makes a column a date is the CHECK
 * that keeps it to the ISO shape (core/schema.sql), or a declared DATE. */
static int iso_checked(const char *sql, const char *col)
{
	static const char shape[] = " GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'";
	size_t len = strlen(col);
	for (const char *p = hd_import_find_word(sql, sql, col); p; p = hd_import_find_word(sql, p + 1, col))
		if (!strncmp(p + len, shape, sizeof shape - 1))
			return 1;
	return 0;
}

static hd_col_type type_of(const char *decl, const char *sql, const char *name)
{
	char up[64];
	size_t i = 0;
	for (; decl[i] && i < sizeof up - 1; i++)
		up[i] = (char)toupper((unsigned char)decl[i]);
	up[i] = 0;
	if (strstr(up, "DATE") || iso_checked(sql, name))
		return HD_COL_DATE;
	if (strstr(up, "INT"))
		return HD_COL_INTEGER;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return HD_COL_REAL;
	return HD_COL_TEXT;
}

/* Whether d, a DEFAULT as pragma_table_info gives it, is a plain value:
 * NULL, TRUE, FALSE, CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, a
 * signed decimal or hex number, a quoted string or a blob, in any
 * number of parentheses.  The text comes from the database file, which
 * anyone may have written: only such a value may go into the INSERT we
 * build, where SQLite would run a function call with the trust of our
 * own SQL rather than the schema's. */
static int plain_default(const char *d)
{
	static const char *const words[] = {"NULL",         "TRUE",         "FALSE",
	                                    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"};
	static const char hex[] = "0123456789abcdefABCDEF";
	size_t len = strlen(d);
	for (; len >= 2 && d[0] == '(' && d[len - 1] == ')'; len -= 2)
		d++;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == len && !strncasecmp(d, words[i], len))
			return 1;
	if ((d[0] == 'x' || d[0] == 'X') && d[1] == '\'') {
		size_t n = strspn(d + 2, hex);
		return n % 2 == 0 && n + 3 == len && d[len - 1] == '\'';
	}
	if (d[0] == '\'') { /* a quote inside is written twice */
		size_t i = 1;
		while (i < len && (d[i] != '\'' || (i + 1 < len && d[i + 1] == '\'')))
			i += d[i] == '\'' ? 2 : 1;
		return i == len - 1;
	}
	size_t i = d[0] == '+' || d[0] == '-';
	if (d[i] == '0' && (d[i + 1] == 'x' || d[i + 1] == 'X'))
		return len > i + 2 && strspn(d + i + 2, hex) == len - i - 2;
	/* Digits with a point and an exponent; strtod alone would take
	 * "inf", "nan", hex fractions and leading spaces too. */
	char *end;
	if (!(isdigit((unsigned char)d[i]) || (d[i] == '.' && isdigit((unsigned char)d[i + 1]))) ||
	    strspn(d + i, "0123456789.eE+-") != len - i)
		return 0;
	strtod(d + i, &end);
	return (size_t)(end - d) == len;
}

static int load_columns(huddle_import *imp, hd_err *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(imp->db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_text(st, 1, imp->table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = hd_err_set(err, HD_EINPUT, "the database has no table %s: is it a huddle database?",
		                imp->table);
		goto out;
	}
	sql = hd_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(
	        imp->db,
	        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid", -1,
	        &st, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_text(st, 1, imp->table, -1, SQLITE_STATIC);
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (imp->ncols == cap)
			imp->cols =
			    hd_xrealloc(imp->cols, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *imp->cols);
		hd_import_col *c = &imp->cols[imp->ncols++];
		const char *dflt = (const char *)sqlite3_column_text(st, 3);
		c->name = hd_xstrdup((const char *)sqlite3_column_text(st, 0));
		c->type = type_of((const char *)sqlite3_column_text(st, 1), sql, c->name);
		c->dflt = dflt ? hd_xstrdup(dflt) : NULL;
		c->plain = dflt && plain_default(dflt);
		/* An INTEGER PRIMARY KEY is not NOT NULL: left out, SQLite numbers it. */
		c->required = sqlite3_column_int(st, 2) && !dflt;
	}
	if (rc != SQLITE_DONE)
		goto db_error;
	rc = 0;
	goto out;
db_error:
	rc = hd_err_set(err, HD_EIO, "reading the columns of %s: %s", imp->table, sqlite3_errmsg(imp->db));
out:
	sqlite3_finalize(st);
	free(sql);
	return rc;
}

int hd_import_col_index(const huddle_import *imp, const char *name)
{
	for (int i = 0; i < imp->ncols; i++)
		if (!strcmp(imp->cols[i].name, name))
			return i;
	return -1;
}

const char *hd_import_value(const huddle_import *imp, int col)
{
	for (int i = 0; i < imp->nhdr; i++)
		if (imp->hdr[i] == col)
			return imp->values[i] ? imp->values[i] : "";
	return NULL;
}

/* The API: what the importer may ask ----------------------------------- */

const char *hd_import_table(const huddle_import *imp)
{
	return imp->table;
}

FILE *hd_import_file(huddle_import *imp)
{
	return imp->fp;
}

const char *hd_import_path(const huddle_import *imp)
{
	return imp->path;
}

int hd_import_columns(const huddle_import *imp)
{
	return imp->ncols;
}

const char *hd_import_column(const huddle_import *imp, int i)
{
	return i >= 0 && i < imp->ncols ? imp->cols[i].name : NULL;
}

void hd_import_fail(huddle_import *imp, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(imp, HD_EINPUT, line, fmt, ap);
	va_end(ap);
}

/* The header ----------------------------------------------------------- */

/* INSERT INTO "t" ("a", "b") VALUES (?1, coalesce(?2, DEFAULT-OF-b)):
 * an empty cell in a column with a default takes the default, as a
 * column the file leaves out does.  The names and defaults come from
 * the schema, never from the file being imported; a default goes in
 * only when it is a plain value (bind() refuses an empty cell in a
 * column whose default is anything else). */
static int prepare_insert(huddle_import *imp)
{
	sqlite3_str *sql = sqlite3_str_new(imp->db);
	sqlite3_str_appendf(sql, "INSERT INTO \"%w\" (", imp->table);
	for (int i = 0; i < imp->nhdr; i++)
		sqlite3_str_appendf(sql, "%s\"%w\"", i ? ", " : "", imp->cols[imp->hdr[i]].name);
	sqlite3_str_appendall(sql, ") VALUES (");
	for (int i = 0; i < imp->nhdr; i++) {
		const hd_import_col *c = &imp->cols[imp->hdr[i]];
		if (c->plain)
			sqlite3_str_appendf(sql, "%scoalesce(?%d, %s)", i ? ", " : "", i + 1, c->dflt);
		else
			sqlite3_str_appendf(sql, "%s?%d", i ? ", " : "", i + 1);
	}
	sqlite3_str_appendall(sql, ")");
	char *text = sqlite3_str_finish(sql);
	int rc = text ? sqlite3_prepare_v2(imp->db, text, -1, &imp->ins, NULL) : SQLITE_NOMEM;
	sqlite3_free(text);
	if (rc != SQLITE_OK)
		return hd_import_failf(imp, HD_EIO, 0, "cannot insert into %s: %s", imp->table,
		                       sqlite3_errmsg(imp->db));
	return 0;
}

int hd_import_header(huddle_import *imp, long line, int n, const char *const *names)
{
	char b[96];
	if (imp->failed)
		return -1;
	if (imp->hdr)
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "a second header (the importer plugin's mistake)");
	if (n < 1)
		return hd_import_failf(imp, HD_EINPUT, line, "the header names no column");
	imp->hdr = hd_xcalloc((size_t)n, sizeof *imp->hdr);
	imp->nhdr = n;
	imp->header_line = line;
	const char **known = hd_xcalloc((size_t)imp->ncols, sizeof *known);
	for (int i = 0; i < imp->ncols; i++)
		known[i] = imp->cols[i].name;
	char list[1024];
	join(list, sizeof list, known, imp->ncols, 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i] ? names[i] : "";
		int c = hd_import_col_index(imp, name);
		if (c < 0) {
			const char *best = NULL;
			int bd = 99;
			for (int k = 0; k < imp->ncols; k++) {
				int d = hd_edit_distance(name, known[k]);
				if (d < bd) {
					bd = d;
					best = known[k];
				}
			}
			size_t len = strlen(name);
			char hint[96] = "";
			if (best && bd <= (len < 6 ? 2 : 3))
				snprintf(hint, sizeof hint, "; did you mean \"%s\"?", best);
			hd_import_failf(imp, HD_EINPUT, line,
			                "column %s is not a column of %s%s (its columns: %s)",
			                hd_import_show(name, b, sizeof b), imp->table, hint, list);
			free(known);
			return -1;
		}
		for (int k = 0; k < i; k++)
			if (imp->hdr[k] == c) {
				free(known);
				return hd_import_failf(imp, HD_EINPUT, line,
				                       "column \"%s\" is named twice (fields %d and %d)",
				                       imp->cols[c].name, k + 1, i + 1);
			}
		imp->hdr[i] = c;
	}
	const char *missing[64];
	int nmissing = 0;
	for (int c = 0; c < imp->ncols; c++) {
		int given = 0;
		for (int i = 0; i < n; i++)
			given |= imp->hdr[i] == c;
		if (imp->cols[c].required && !given && nmissing < 64)
			missing[nmissing++] = known[c];
	}
	free(known);
	if (nmissing) {
		char m[512];
		join(m, sizeof m, missing, nmissing, 1);
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "the header has no %s: every %s row needs %s (its columns: %s)", m,
		                       imp->table, nmissing == 1 ? "that column" : "those columns", list);
	}
	return prepare_insert(imp);
}

/* Records ---------------------------------------------------------------- */

static int is_integer(const char *s, sqlite3_int64 *v)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!*p)
		return 0;
	uint64_t n = 0, limit = *s == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > (limit - (uint64_t)(*p - '0')) / 10)
			return 0;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = *s == '-' ? (sqlite3_int64)(0 - n) : (sqlite3_int64)n;
	return 1;
}

/* A decimal number: digits with at most one point and an exponent; no
 * hex, no inf or nan, nothing around it. */
static int is_number(const char *s, double *v)
{
	if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
		return 0;
	char *end;
	*v = strtod(s, &end);
	return *end == 0 && end != s && isfinite(*v);
}

static int is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80                  ? 0
		        : *p >= 0xC2 && *p <= 0xDF ? 1
		        : *p >= 0xE0 && *p <= 0xEF ? 2
		        : *p >= 0xF0 && *p <= 0xF4 ? 3
		                                   : -1;
		if (n < 0)
			return 0;
		uint32_t cp = n == 0 ? *p : *p & (0x3F >> n);
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Converts value v of column c and binds it as parameter i + 1. */
static int bind(huddle_import *imp, long line, int i, const char *v)
{
	const hd_import_col *c = &imp->cols[imp->hdr[i]];
	char b[96];
	sqlite3_int64 n;
	double x;
	int day;
	if ((!v || !*v) && c->dflt && !c->plain)
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "column \"%s\" is empty, and its default in the database is not a "
		                       "plain value but %s, which an import does not run; fill in the "
		                       "column, or leave it out of the file for SQLite to apply its default",
		                       c->name, hd_import_show(c->dflt, b, sizeof b));
	if (!v || !*v) {
		sqlite3_bind_null(imp->ins, i + 1);
		return 0;
	}
	switch (c->type) {
	case HD_COL_INTEGER:
		if (!is_integer(v, &n))
			return hd_import_failf(
			    imp, HD_EINPUT, line, "column \"%s\": %s is not a whole number%s", c->name,
			    hd_import_show(v, b, sizeof b),
			    v[*v == '-'] && strspn(v + (*v == '-'), "0123456789") == strlen(v + (*v == '-'))
			        ? " that fits in 64 bits"
			        : "");
		sqlite3_bind_int64(imp->ins, i + 1, n);
		return 0;
	case HD_COL_REAL:
		if (!is_number(v, &x))
			return hd_import_failf(
			    imp, HD_EINPUT, line, "column \"%s\": %s is not a number%s", c->name,
			    hd_import_show(v, b, sizeof b),
			    strchr(v, ',') ? " (write it without thousands separators, with a decimal point: "
			                     "1234.5)"
			                   : "");
		sqlite3_bind_double(imp->ins, i + 1, x);
		return 0;
	case HD_COL_DATE:
		if (hd_date_parse(v, &day))
			return hd_import_failf(
			    imp, HD_EINPUT, line, "column \"%s\": %s is not a date: write YYYY-MM-DD%s",
			    c->name, hd_import_show(v, b, sizeof b),
			    strlen(v) == 10 && v[4] == '-' && v[7] == '-' ? ", a day the calendar has" : "");
		break;
	case HD_COL_TEXT:
		if (!is_utf8(v))
			return hd_import_failf(
			    imp, HD_EINPUT, line,
			    "column \"%s\": %s is not UTF-8 text: save the file as UTF-8 (or convert it: "
			    "iconv -f latin1 -t utf-8)",
			    c->name, hd_import_show(v, b, sizeof b));
		break;
	}
	sqlite3_bind_text(imp->ins, i + 1, v, -1, SQLITE_STATIC);
	return 0;
}

/* Remembers that the row just inserted came from line. */
static void note_line(huddle_import *imp, long line)
{
	int64_t rowid = sqlite3_last_insert_rowid(imp->db);
	hd_import_span *s = imp->nspans ? &imp->spans[imp->nspans - 1] : NULL;
	if (s && s->rowid + s->n == rowid && s->line + s->n == line) {
		s->n++;
		return;
	}
	if (imp->nspans == imp->capspans)
		imp->spans =
		    hd_xrealloc(imp->spans, (size_t)(imp->capspans = imp->capspans ? 2 * imp->capspans : 64) *
		                                sizeof *imp->spans);
	imp->spans[imp->nspans++] = (hd_import_span){rowid, line, 1};
}

long hd_import_line_of(const huddle_import *imp, int64_t rowid)
{
	long line = 0;
	for (int i = 0; i < imp->nspans; i++)
		if (rowid >= imp->spans[i].rowid && rowid < imp->spans[i].rowid + imp->spans[i].n)
			line = imp->spans[i].line +
			       (long)(rowid - imp->spans[i].rowid); /* the latest insert wins */
	return line;
}

int hd_import_row(huddle_import *imp, long line, int n, const char *const *values)
{
	if (imp->failed)
		return -1;
	if (!imp->ins)
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "a record before the header (the importer plugin's mistake)");
	if (n != imp->nhdr)
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "%d values, but the header (line %ld) has %d columns", n,
		                       imp->header_line, imp->nhdr);
	for (int i = 0; i < n; i++)
		if (bind(imp, line, i, values[i]))
			return -1;
	imp->values = values;
	int rc = sqlite3_step(imp->ins);
	if (rc != SQLITE_DONE)
		hd_import_insert_failed(imp, line);
	sqlite3_reset(imp->ins);
	imp->values = NULL;
	if (rc != SQLITE_DONE)
		return -1;
	note_line(imp, line);
	if (++imp->rows % 512 == 0 && imp->progress && imp->size > 0) {
		long at = ftell(imp->fp);
		imp->progress(imp->progress_ud, at > 0 ? (double)at / (double)imp->size : 0);
	}
	return 0;
}

/* The transaction ------------------------------------------------------- */

static int finish(huddle_import *imp, int plugin_rc, const hd_preg *reg, hd_err *err)
{
	sqlite3_finalize(imp->ins);
	imp->ins = NULL;
	if (!imp->failed && plugin_rc) {
		/* Its message names its own place (often the config's line). */
		hd_err_set(&imp->err, HD_EINPUT, "plugin %s: %s", reg->owner->name,
		           hd_plugin_failure(reg->owner));
		imp->failed = 1;
	}
	if (!imp->failed && ferror(imp->fp))
		hd_import_failf(imp, HD_EIO, 0, "cannot read it");
	if (!imp->failed && !imp->hdr)
		hd_import_failf(imp, HD_EINPUT, 0, "no header: the %s importer found no column names",
		                reg->name);
	if (!imp->failed && sqlite3_exec(imp->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (sqlite3_extended_errcode(imp->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			hd_import_foreign_key_failed(imp); /* the transaction is still open */
		else
			hd_import_failf(imp, HD_EIO, 0, "cannot commit the import: %s",
			                sqlite3_errmsg(imp->db));
	}
	if (!imp->failed)
		return 0;
	sqlite3_exec(imp->db, "ROLLBACK", NULL, NULL, NULL);
	*err = imp->err;
	return err->code;
}

int hd_import_run(sqlite3 *db, const char *table, const char *path, FILE *fp, const hd_preg *reg,
                  hd_import_progress progress, void *progress_ud, long *rows, hd_err *err)
{
	huddle_import imp = {.db = db,
	                     .table = table,
	                     .path = path,
	                     .fp = fp,
	                     .progress = progress,
	                     .progress_ud = progress_ud};
	int rc;
	*rows = 0;
	if (fseek(fp, 0, SEEK_END) == 0) {
		imp.size = ftell(fp);
		rewind(fp);
	}
	if ((rc = load_columns(&imp, err)))
		goto out;
	/* IMMEDIATE: take the write lock now (waiting for a writer, as eval
	 * does) rather than fail halfway through the file. */
	if ((rc = hd_db_exec(db, "BEGIN IMMEDIATE", err)) ||
	    (rc = hd_db_exec(db, "PRAGMA defer_foreign_keys = ON", err))) {
		hd_err_wrap(err, "%s: cannot start the import: ", path);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	rc = finish(&imp, reg->import(reg->owner, reg->ud, &imp), reg, err);
	*rows = imp.rows;
out:
	for (int i = 0; i < imp.ncols; i++) {
		free(imp.cols[i].name);
		free(imp.cols[i].dflt);
	}
	free(imp.cols);
	free(imp.hdr);
	free(imp.spans);
	return rc;
}
