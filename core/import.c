/*
 * import.c - the host side of an import: the table's columns, the
 * header, each record converted and inserted, and the one transaction
 * around them.
 *
 * Foreign keys are checked at COMMIT (defer_foreign_keys), so that a
 * file may refer to its own rows in any order (a referral deal before
 * the deal that brought it).  SQLite then says only that some key is
 * missing, so we keep which line each row came from and ask
 * foreign_key_check which rows those are.
 */
#include "import.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "period.h"
#include "rules.h"

const char *const hd_import_tables[] = {"teams",
                                        "reps",
                                        "quotas",
                                        "team_targets",
                                        "deals",
                                        "activities",
                                        "trainings",
                                        "training_attendance",
                                        "insights",
                                        "insight_uses",
                                        "assists",
                                        "cross_dept",
                                        "assessments",
                                        "strengths",
                                        "action_plans",
                                        "checkins",
                                        "coaching_sessions",
                                        "client_metrics",
                                        NULL};

int hd_import_allowed(const char *table)
{
	for (int i = 0; hd_import_tables[i]; i++)
		if (!strcmp(table, hd_import_tables[i]))
			return 1;
	return 0;
}

typedef enum { COL_TEXT, COL_INTEGER, COL_REAL, COL_DATE } col_type;

typedef struct column {
	char *name;
	col_type type;
	int required; /* NOT NULL without a default: a file must have it */
	char *dflt;   /* the DEFAULT expression as the schema writes it, or NULL */
} column;

/* Consecutive rows that came from consecutive lines: rowid + i is line + i. */
typedef struct span {
	int64_t rowid;
	long line, n;
} span;

struct huddle_import {
	sqlite3 *db;
	const char *table, *path;
	FILE *fp;
	long size;
	hd_import_progress progress;
	void *progress_ud;
	column *cols;
	int ncols;
	int *hdr; /* header field i fills column hdr[i] */
	int nhdr;
	long header_line;
	sqlite3_stmt *ins;
	const char *const *values; /* of the record being inserted */
	long rows;
	span *spans;
	int nspans, capspans;
	int failed;
	hd_err err;
};

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

static int fail(huddle_import *imp, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(huddle_import *imp, int code, long line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(imp, code, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value as a message shows it: quoted, with control bytes, quotes and
 * bytes that are not UTF-8 escaped, and cut short when long. */
static const char *show(const char *v, char *b, size_t n)
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

/* The first place in text at or after from where word stands alone (not
 * inside a longer name), or NULL. */
static const char *find_word(const char *text, const char *from, const char *word)
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
	for (const char *p = find_word(sql, sql, col); p; p = find_word(sql, p + 1, col))
		if (!strncmp(p + len, shape, sizeof shape - 1))
			return 1;
	return 0;
}

static col_type type_of(const char *decl, const char *sql, const char *name)
{
	char up[64];
	size_t i = 0;
	for (; decl[i] && i < sizeof up - 1; i++)
		up[i] = (char)toupper((unsigned char)decl[i]);
	up[i] = 0;
	if (strstr(up, "DATE") || iso_checked(sql, name))
		return COL_DATE;
	if (strstr(up, "INT"))
		return COL_INTEGER;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return COL_REAL;
	return COL_TEXT;
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
		column *c = &imp->cols[imp->ncols++];
		const char *dflt = (const char *)sqlite3_column_text(st, 3);
		c->name = hd_xstrdup((const char *)sqlite3_column_text(st, 0));
		c->type = type_of((const char *)sqlite3_column_text(st, 1), sql, c->name);
		c->dflt = dflt ? hd_xstrdup(dflt) : NULL;
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

static int column_index(const huddle_import *imp, const char *name)
{
	for (int i = 0; i < imp->ncols; i++)
		if (!strcmp(imp->cols[i].name, name))
			return i;
	return -1;
}

/* The value of column col in the record being inserted, or NULL. */
static const char *value_of(const huddle_import *imp, int col)
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

/* An identifier quoted for SQL text ("a""b"); the names come from the
 * schema, never from the file, but quoting costs nothing. */
static void put_ident(char **s, size_t *len, size_t *cap, const char *name)
{
	size_t need = *len + 2 * strlen(name) + 64;
	if (need > *cap)
		*s = hd_xrealloc(*s, *cap = 2 * need);
	char *p = *s + *len;
	*p++ = '"';
	for (; *name; name++) {
		if (*name == '"')
			*p++ = '"';
		*p++ = *name;
	}
	*p++ = '"';
	*p = 0;
	*len = (size_t)(p - *s);
}

static void put_text(char **s, size_t *len, size_t *cap, const char *text)
{
	size_t n = strlen(text);
	if (*len + n + 1 > *cap)
		*s = hd_xrealloc(*s, *cap = 2 * (*len + n + 1));
	memcpy(*s + *len, text, n + 1);
	*len += n;
}

/* INSERT INTO "t" ("a", "b") VALUES (?1, coalesce(?2, DEFAULT-OF-b)):
 * an empty cell in a column with a default takes the default, as a
 * missing column would. */
static int prepare_insert(huddle_import *imp)
{
	char *sql = NULL;
	size_t len = 0, cap = 0;
	char num[32];
	put_text(&sql, &len, &cap, "INSERT INTO ");
	put_ident(&sql, &len, &cap, imp->table);
	put_text(&sql, &len, &cap, " (");
	for (int i = 0; i < imp->nhdr; i++) {
		put_text(&sql, &len, &cap, i ? ", " : "");
		put_ident(&sql, &len, &cap, imp->cols[imp->hdr[i]].name);
	}
	put_text(&sql, &len, &cap, ") VALUES (");
	for (int i = 0; i < imp->nhdr; i++) {
		const char *dflt = imp->cols[imp->hdr[i]].dflt;
		snprintf(num, sizeof num, "%s%s?%d", i ? ", " : "", dflt ? "coalesce(" : "", i + 1);
		put_text(&sql, &len, &cap, num);
		if (dflt) {
			put_text(&sql, &len, &cap, ", ");
			put_text(&sql, &len, &cap, dflt);
			put_text(&sql, &len, &cap, ")");
		}
	}
	put_text(&sql, &len, &cap, ")");
	int rc = sqlite3_prepare_v2(imp->db, sql, -1, &imp->ins, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(imp, HD_EIO, 0, "cannot insert into %s: %s", imp->table, sqlite3_errmsg(imp->db));
	return 0;
}

int hd_import_header(huddle_import *imp, long line, int n, const char *const *names)
{
	char b[96];
	if (imp->failed)
		return -1;
	if (imp->hdr)
		return fail(imp, HD_EINPUT, line, "a second header (the importer plugin's mistake)");
	if (n < 1)
		return fail(imp, HD_EINPUT, line, "the header names no column");
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
		int c = column_index(imp, name);
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
			fail(imp, HD_EINPUT, line, "column %s is not a column of %s%s (its columns: %s)",
			     show(name, b, sizeof b), imp->table, hint, list);
			free(known);
			return -1;
		}
		for (int k = 0; k < i; k++)
			if (imp->hdr[k] == c) {
				free(known);
				return fail(imp, HD_EINPUT, line,
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
		return fail(imp, HD_EINPUT, line,
		            "the header has no %s: every %s row needs %s (its columns: %s)", m, imp->table,
		            nmissing == 1 ? "that column" : "those columns", list);
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
	const column *c = &imp->cols[imp->hdr[i]];
	char b[96];
	sqlite3_int64 n;
	double x;
	int day;
	if (!v || !*v) {
		sqlite3_bind_null(imp->ins, i + 1);
		return 0;
	}
	switch (c->type) {
	case COL_INTEGER:
		if (!is_integer(v, &n))
			return fail(imp, HD_EINPUT, line, "column \"%s\": %s is not a whole number%s",
			            c->name, show(v, b, sizeof b),
			            v[*v == '-'] &&
			                    strspn(v + (*v == '-'), "0123456789") == strlen(v + (*v == '-'))
			                ? " that fits in 64 bits"
			                : "");
		sqlite3_bind_int64(imp->ins, i + 1, n);
		return 0;
	case COL_REAL:
		if (!is_number(v, &x))
			return fail(imp, HD_EINPUT, line, "column \"%s\": %s is not a number%s", c->name,
			            show(v, b, sizeof b),
			            strchr(v, ',')
			                ? " (write it without thousands separators, with a decimal point: "
			                  "1234.5)"
			                : "");
		sqlite3_bind_double(imp->ins, i + 1, x);
		return 0;
	case COL_DATE:
		if (hd_date_parse(v, &day))
			return fail(
			    imp, HD_EINPUT, line, "column \"%s\": %s is not a date: write YYYY-MM-DD%s",
			    c->name, show(v, b, sizeof b),
			    strlen(v) == 10 && v[4] == '-' && v[7] == '-' ? ", a day the calendar has" : "");
		break;
	case COL_TEXT:
		if (!is_utf8(v))
			return fail(
			    imp, HD_EINPUT, line,
			    "column \"%s\": %s is not UTF-8 text: save the file as UTF-8 (or convert it: "
			    "iconv -f latin1 -t utf-8)",
			    c->name, show(v, b, sizeof b));
		break;
	}
	sqlite3_bind_text(imp->ins, i + 1, v, -1, SQLITE_STATIC);
	return 0;
}

/* `column "stage": "Won" is not one of open, won, lost` from SQLite's
 * "CHECK constraint failed: stage IN ('open', 'won', 'lost')". */
static int check_failed(huddle_import *imp, long line, const char *expr)
{
	char b[96], rule[256], vals[512];
	size_t k = 0;
	snprintf(rule, sizeof rule, "%s", expr);
	vals[0] = 0;
	for (int c = 0; c < imp->ncols; c++) {
		const char *name = imp->cols[c].name, *v = value_of(imp, c);
		const char *p = find_word(expr, expr, name);
		size_t len = strlen(name);
		if (!p || !v)
			continue;
		const char *in = !strncmp(p + len, " IN (", 5) ? p + len + 5 : NULL;
		if (in && p == expr) {
			char allowed[256];
			size_t a = 0;
			for (const char *q = in; *q && *q != ')' && a < sizeof allowed - 1; q++)
				if (*q != '\'')
					allowed[a++] = *q;
			allowed[a] = 0;
			return fail(imp, HD_EINPUT, line,
			            "column \"%s\": %s is not allowed; it must be one of %s", name,
			            show(v, b, sizeof b), allowed);
		}
		if (k < sizeof vals)
			k += (size_t)snprintf(vals + k, sizeof vals - k, "%scolumn \"%s\" is %s",
			                      k ? ", " : "", name, show(v, b, sizeof b));
	}
	return fail(imp, HD_EINPUT, line, "%s: the row breaks the rule %s", vals[0] ? vals : "the row", rule);
}

static long line_of(const huddle_import *imp, int64_t rowid);

/* The line of this file that already gave the row the record being
 * inserted collides with on the columns of cols ("deals.id" or
 * "quotas.rep_id, quotas.starts_on"), or 0 when it came from elsewhere. */
static long earlier_line(huddle_import *imp, const char *cols)
{
	char *sql = NULL, name[128];
	size_t len = 0, cap = 0, tlen = strlen(imp->table);
	int n = 0, at[16];
	put_text(&sql, &len, &cap, "SELECT rowid FROM ");
	put_ident(&sql, &len, &cap, imp->table);
	for (const char *p = cols; *p && n < 16;) {
		if (!strncmp(p, imp->table, tlen) && p[tlen] == '.')
			p += tlen + 1;
		size_t k = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)k, p);
		p += k;
		p += strspn(p, ", ");
		int c = column_index(imp, name);
		if (c < 0 || !value_of(imp, c)) {
			free(sql);
			return 0;
		}
		at[n] = c;
		put_text(&sql, &len, &cap, n++ ? " AND " : " WHERE ");
		put_ident(&sql, &len, &cap, name);
		put_text(&sql, &len, &cap, " = ?");
	}
	sqlite3_stmt *st;
	long line = 0;
	if (sqlite3_prepare_v2(imp->db, sql, -1, &st, NULL) == SQLITE_OK) {
		for (int i = 0; i < n; i++)
			sqlite3_bind_text(st, i + 1, value_of(imp, at[i]), -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			line = line_of(imp, sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
	}
	free(sql);
	return line;
}

/* `a deals row with id 12 is already there` from "UNIQUE constraint
 * failed: deals.id". */
static int unique_failed(huddle_import *imp, long line, const char *cols)
{
	char what[512], b[96];
	size_t k = 0;
	what[0] = 0;
	size_t tlen = strlen(imp->table);
	for (const char *p = cols; *p && k < sizeof what;) {
		if (!strncmp(p, imp->table, tlen) && p[tlen] == '.')
			p += tlen + 1;
		size_t len = strcspn(p, ",");
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)len, p);
		int c = column_index(imp, name);
		const char *v = c >= 0 ? value_of(imp, c) : NULL;
		k += (size_t)snprintf(what + k, sizeof what - k, "%s%s %s", k ? " and " : "", name,
		                      v ? show(v, b, sizeof b) : "(as given)");
		p += len;
		p += strspn(p, ", ");
	}
	long earlier = earlier_line(imp, cols);
	if (earlier)
		return fail(imp, HD_EINPUT, line,
		            "a %s row with %s is there already: line %ld of this file has it", imp->table,
		            what, earlier);
	return fail(imp, HD_EINPUT, line, "a %s row with %s is in the database already", imp->table, what);
}

static int insert_failed(huddle_import *imp, long line)
{
	int ext = sqlite3_extended_errcode(imp->db);
	const char *msg = sqlite3_errmsg(imp->db);
	const char *detail = strstr(msg, "failed: ");
	detail = detail ? detail + 8 : msg;
	switch (ext) {
	case SQLITE_CONSTRAINT_NOTNULL: {
		const char *dot = strrchr(detail, '.');
		return fail(imp, HD_EINPUT, line,
		            "column \"%s\" is empty, but every %s row needs a value there",
		            dot ? dot + 1 : detail, imp->table);
	}
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		return unique_failed(imp, line, detail);
	case SQLITE_CONSTRAINT_CHECK:
		return check_failed(imp, line, detail);
	}
	if ((ext & 0xff) == SQLITE_CONSTRAINT || ext == SQLITE_TOOBIG || ext == SQLITE_MISMATCH)
		return fail(imp, HD_EINPUT, line, "%s", msg);
	return fail(imp, HD_EIO, line, "cannot insert the row: %s", msg);
}

/* Remembers that the row just inserted came from line. */
static void note_line(huddle_import *imp, long line)
{
	int64_t rowid = sqlite3_last_insert_rowid(imp->db);
	span *s = imp->nspans ? &imp->spans[imp->nspans - 1] : NULL;
	if (s && s->rowid + s->n == rowid && s->line + s->n == line) {
		s->n++;
		return;
	}
	if (imp->nspans == imp->capspans)
		imp->spans =
		    hd_xrealloc(imp->spans, (size_t)(imp->capspans = imp->capspans ? 2 * imp->capspans : 64) *
		                                sizeof *imp->spans);
	imp->spans[imp->nspans++] = (span){rowid, line, 1};
}

/* The line row rowid came from, or 0 when it was not imported now. */
static long line_of(const huddle_import *imp, int64_t rowid)
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
		return fail(imp, HD_EINPUT, line,
		            "a record before the header (the importer plugin's mistake)");
	if (n != imp->nhdr)
		return fail(imp, HD_EINPUT, line, "%d values, but the header (line %ld) has %d columns", n,
		            imp->header_line, imp->nhdr);
	for (int i = 0; i < n; i++)
		if (bind(imp, line, i, values[i]))
			return -1;
	imp->values = values;
	int rc = sqlite3_step(imp->ins);
	if (rc != SQLITE_DONE)
		insert_failed(imp, line);
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

/* Foreign keys, at the end -------------------------------------------- */

/* Names the first line (in the file) whose row points at nothing. */
static int explain_foreign_keys(huddle_import *imp)
{
	char sql[256], b[96];
	sqlite3_stmt *st;
	long best_line = 0;
	int64_t best_rowid = 0;
	int best_fk = -1, found = 0;
	snprintf(sql, sizeof sql, "PRAGMA foreign_key_check(\"%s\")",
	         imp->table); /* one of hd_import_tables */
	if (sqlite3_prepare_v2(imp->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(imp, HD_EIO, 0, "checking foreign keys: %s", sqlite3_errmsg(imp->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t rowid = sqlite3_column_int64(st, 1);
		long line = line_of(imp, rowid);
		if (!found || (line && (!best_line || line < best_line))) {
			best_line = line;
			best_rowid = rowid;
			best_fk = sqlite3_column_int(st, 3);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	if (!found)
		return fail(imp, HD_EINPUT, 0, "a row refers to one that does not exist");
	char from[128] = "", parent[128] = "", to[128] = "";
	snprintf(sql, sizeof sql,
	         "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1) WHERE id = ?2");
	if (sqlite3_prepare_v2(imp->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, imp->table, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, best_fk);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(st, 0));
			snprintf(parent, sizeof parent, "%s", (const char *)sqlite3_column_text(st, 1));
			const unsigned char *t = sqlite3_column_text(st, 2);
			snprintf(to, sizeof to, "%s", t ? (const char *)t : "id");
		}
		sqlite3_finalize(st);
	}
	char value[64] = "?";
	sqlite3_stmt *v;
	char q[300];
	snprintf(q, sizeof q, "SELECT \"%s\" FROM \"%s\" WHERE rowid = ?1", from, imp->table);
	if (from[0] && !strchr(from, '"') && sqlite3_prepare_v2(imp->db, q, -1, &v, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(v, 1, best_rowid);
		if (sqlite3_step(v) == SQLITE_ROW && sqlite3_column_text(v, 0))
			snprintf(value, sizeof value, "%s",
			         show((const char *)sqlite3_column_text(v, 0), b, sizeof b));
		sqlite3_finalize(v);
	}
	if (!best_line)
		return fail(imp, HD_EINPUT, 0,
		            "a %s row already in the database refers to a missing %s row (%s %s)", imp->table,
		            parent, to, value);
	if (!strcmp(parent, imp->table))
		return fail(imp, HD_EINPUT, best_line,
		            "column \"%s\": no %s row has %s %s, neither in the database nor in this file",
		            from, parent, to, value);
	return fail(imp, HD_EINPUT, best_line,
	            "column \"%s\": no %s row has %s %s; import %s first, or correct the value", from, parent,
	            to, value, parent);
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
		fail(imp, HD_EIO, 0, "cannot read it");
	if (!imp->failed && !imp->hdr)
		fail(imp, HD_EINPUT, 0, "no header: the %s importer found no column names", reg->name);
	if (!imp->failed && sqlite3_exec(imp->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (sqlite3_extended_errcode(imp->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			explain_foreign_keys(imp); /* the transaction is still open */
		else
			fail(imp, HD_EIO, 0, "cannot commit the import: %s", sqlite3_errmsg(imp->db));
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
