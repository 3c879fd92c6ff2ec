/*
 * import_why.c - why SQLite refused a row of an import, in the user's
 * terms: the line, the column, the value, and what would be accepted.
 *
 * SQLite names the constraint ("CHECK constraint failed: stage IN
 * ('open', 'won', 'lost')", "UNIQUE constraint failed: deals.id"); the
 * values are the record's own, and the line of an earlier row with the
 * same key or of a row that refers to nothing comes from the lines
 * import.c keeps for each row it inserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* `column "stage": "Won" is not allowed; it must be one of open, won,
 * lost`, or the rule and the values of every column it names. */
static int check_failed(huddle_import *imp, long line, const char *expr)
{
	char b[96], vals[512];
	size_t k = 0;
	vals[0] = 0;
	for (int c = 0; c < imp->ncols; c++) {
		const char *name = imp->cols[c].name, *v = hd_import_value(imp, c);
		const char *p = hd_import_find_word(expr, expr, name);
		size_t len = strlen(name);
		if (!p || !v)
			continue;
		if (p == expr && !strncmp(p + len, " IN (", 5)) {
			char allowed[256];
			size_t a = 0;
			for (const char *q = p + len + 5; *q && *q != ')' && a < sizeof allowed - 1; q++)
				if (*q != '\'')
					allowed[a++] = *q;
			allowed[a] = 0;
			return hd_import_failf(imp, HD_EINPUT, line,
			                       "column \"%s\": %s is not allowed; it must be one of %s", name,
			                       hd_import_show(v, b, sizeof b), allowed);
		}
		if (k < sizeof vals)
			k += (size_t)snprintf(vals + k, sizeof vals - k, "%scolumn \"%s\" is %s",
			                      k ? ", " : "", name, hd_import_show(v, b, sizeof b));
	}
	return hd_import_failf(imp, HD_EINPUT, line, "%s: the row breaks the rule %.200s",
	                       vals[0] ? vals : "the row", expr);
}

/* The next column of SQLite's list "deals.id" or "quotas.rep_id,
 * quotas.starts_on" into name; returns where the list goes on. */
static const char *next_column(const huddle_import *imp, const char *p, char *name, size_t n)
{
	size_t tlen = strlen(imp->table);
	if (!strncmp(p, imp->table, tlen) && p[tlen] == '.')
		p += tlen + 1;
	size_t len = strcspn(p, ",");
	snprintf(name, n, "%.*s", (int)len, p);
	p += len;
	return p + strspn(p, ", ");
}

/* The line of this file that gave the row the record collides with on
 * the columns of cols, or 0 when that row was there before. */
static long earlier_line(huddle_import *imp, const char *cols)
{
	sqlite3_str *sql = sqlite3_str_new(imp->db);
	char name[128];
	int n = 0, at[16];
	sqlite3_str_appendf(sql, "SELECT rowid FROM \"%w\"", imp->table);
	for (const char *p = cols; *p && n < 16;) {
		p = next_column(imp, p, name, sizeof name);
		if ((at[n] = hd_import_col_index(imp, name)) < 0 || !hd_import_value(imp, at[n])) {
			sqlite3_free(sqlite3_str_finish(sql));
			return 0;
		}
		sqlite3_str_appendf(sql, "%s\"%w\" = ?", n++ ? " AND " : " WHERE ", name);
	}
	char *text = sqlite3_str_finish(sql);
	sqlite3_stmt *st;
	long line = 0;
	if (text && sqlite3_prepare_v2(imp->db, text, -1, &st, NULL) == SQLITE_OK) {
		/* Text compared with an INTEGER or REAL column takes its affinity. */
		for (int i = 0; i < n; i++)
			sqlite3_bind_text(st, i + 1, hd_import_value(imp, at[i]), -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			line = hd_import_line_of(imp, sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_free(text);
	return line;
}

/* `a deals row with id "12" is there already: line 4 of this file has it`. */
static int unique_failed(huddle_import *imp, long line, const char *cols)
{
	char what[512], b[96], name[128];
	size_t k = 0;
	what[0] = 0;
	for (const char *p = cols; *p && k < sizeof what;) {
		p = next_column(imp, p, name, sizeof name);
		int c = hd_import_col_index(imp, name);
		const char *v = c >= 0 ? hd_import_value(imp, c) : NULL;
		k += (size_t)snprintf(what + k, sizeof what - k, "%s%s %s", k ? " and " : "", name,
		                      v ? hd_import_show(v, b, sizeof b) : "(its default)");
	}
	long earlier = earlier_line(imp, cols);
	if (earlier)
		return hd_import_failf(imp, HD_EINPUT, line,
		                       "a %s row with %s is there already: line %ld of this file has it",
		                       imp->table, what, earlier);
	return hd_import_failf(imp, HD_EINPUT, line, "a %s row with %s is in the database already",
	                       imp->table, what);
}

int hd_import_insert_failed(huddle_import *imp, long line)
{
	int ext = sqlite3_extended_errcode(imp->db);
	const char *msg = sqlite3_errmsg(imp->db);
	const char *detail = strstr(msg, "failed: ");
	detail = detail ? detail + 8 : msg;
	switch (ext) {
	case SQLITE_CONSTRAINT_NOTNULL: {
		const char *dot = strrchr(detail, '.');
		return hd_import_failf(imp, HD_EINPUT, line,
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
		return hd_import_failf(imp, HD_EINPUT, line, "%s", msg);
	return hd_import_failf(imp, HD_EIO, line, "cannot insert the row: %s", msg);
}

/* The row of this import that foreign_key_check reports first in the
 * file (or any, when none is this import's): its rowid and key. */
static int first_orphan(huddle_import *imp, int64_t *rowid, int *fk, long *line)
{
	char *sql = sqlite3_mprintf("PRAGMA foreign_key_check(\"%w\")", imp->table);
	sqlite3_stmt *st;
	int found = 0;
	*line = 0;
	if (!sql || sqlite3_prepare_v2(imp->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		return -1;
	}
	sqlite3_free(sql);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(st, 1);
		long l = hd_import_line_of(imp, r);
		if (!found || (l && (!*line || l < *line))) {
			*line = l;
			*rowid = r;
			*fk = sqlite3_column_int(st, 3);
			found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

int hd_import_foreign_key_failed(huddle_import *imp)
{
	int64_t rowid = 0;
	int fk = 0;
	long line;
	int found = first_orphan(imp, &rowid, &fk, &line);
	if (found < 0)
		return hd_import_failf(imp, HD_EIO, 0, "checking foreign keys: %s", sqlite3_errmsg(imp->db));
	if (!found)
		return hd_import_failf(imp, HD_EINPUT, 0, "a row refers to one that does not exist");
	char from[128] = "?", parent[128] = "?", to[128] = "id", value[100] = "?", b[96];
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        imp->db, "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1) WHERE id = ?2",
	        -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, imp->table, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, fk);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(st, 0));
			snprintf(parent, sizeof parent, "%s", (const char *)sqlite3_column_text(st, 1));
			if (sqlite3_column_text(st, 2))
				snprintf(to, sizeof to, "%s", (const char *)sqlite3_column_text(st, 2));
		}
		sqlite3_finalize(st);
	}
	char *sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE rowid = ?1", from, imp->table);
	if (sql && sqlite3_prepare_v2(imp->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, rowid);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(value, sizeof value, "%s",
			         hd_import_show((const char *)sqlite3_column_text(st, 0), b, sizeof b));
		sqlite3_finalize(st);
	}
	sqlite3_free(sql);
	if (!line)
		return hd_import_failf(imp, HD_EINPUT, 0,
		                       "a %s row already in the database refers to a missing %s row (%s %s)",
		                       imp->table, parent, to, value);
	if (!strcmp(parent, imp->table))
		return hd_import_failf(
		    imp, HD_EINPUT, line,
		    "column \"%s\": no %s row has %s %s, neither in the database nor in this file", from,
		    parent, to, value);
	return hd_import_failf(imp, HD_EINPUT, line,
	                       "column \"%s\": no %s row has %s %s; import %s first, or correct the value",
	                       from, parent, to, value, parent);
}
