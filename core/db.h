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

/* Runs SQL text without results; the message names what failed. */
int hd_db_exec(sqlite3 *db, const char *sql, hd_err *err);

/* Reads PRAGMA user_version. */
int hd_db_schema_version(sqlite3 *db, int *version, hd_err *err);

#endif
