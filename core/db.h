/*
 * db.h - opening huddle's SQLite database and keeping its schema current.
 */
#ifndef HUDDLE_DB_H
#define HUDDLE_DB_H

#include <sqlite3.h>

#include "err.h"

#define HD_SCHEMA_VERSION 1

enum {
	HD_DB_EXISTING = 0, /* must exist and carry the current schema */
	HD_DB_CREATE = 1    /* create if missing; create or migrate the schema */
};

/* Opens path with foreign keys on, WAL, and a busy timeout.  With
 * HD_DB_CREATE the schema is created or migrated (an older version) in
 * one transaction; a newer version is refused either way.  On success
 * *out is the caller's, to close with sqlite3_close. */
int hd_db_open(const char *path, int flags, sqlite3 **out, hd_err *err);

/* Opens a fresh in-memory database with the current schema. */
int hd_db_open_memory(sqlite3 **out, hd_err *err);

/* Opens a second connection to the database file of `main` for rule SQL:
 * SQLITE_OPEN_READONLY, hardened by hd_db_harden_rules, waiting at most
 * busy_ms for a lock.  An in-memory `main` has no file to open again:
 * HD_EINPUT.  On success *out is the caller's, to close with
 * sqlite3_close_v2 (statements may still be open then). */
int hd_db_open_reader(sqlite3 *main, int busy_ms, sqlite3 **out, hd_err *err);

/* Makes db fit for SQL text written by rule authors: defensive mode, no
 * functions from the schema, no extension loading, no fts3_tokenizer, no
 * double-quoted strings, no triggers, no ATTACH (nor VACUUM INTO), and
 * the low limits of SQLite's "Defense Against the Dark Arts" (HD_RULE_*
 * below).  With `readonly`, also query_only and sorts kept in memory.
 * The authorizer that lets rule SQL only read is the caller's
 * (hd_rule_sql_prepare); so are time limits (a progress handler). */
int hd_db_harden_rules(sqlite3 *db, int readonly, hd_err *err);

/* The limits of rule SQL: a string, a blob, a bound value or a row is
 * at most HD_RULE_MAX_LENGTH bytes, a statement HD_RULE_MAX_SQL bytes. */
#define HD_RULE_MAX_LENGTH 1000000
#define HD_RULE_MAX_SQL    100000

/* The tables users fill (SPEC section 6), parents before children: the
 * order to import them in.  NULL-terminated. */
extern const char *const hd_user_tables[];

/* Runs SQL text without results; the message names what failed. */
int hd_db_exec(sqlite3 *db, const char *sql, hd_err *err);

/* Reads PRAGMA user_version. */
int hd_db_schema_version(sqlite3 *db, int *version, hd_err *err);

#endif
