/*
 * import.h - one file into one table, all or nothing (`huddle import`).
 *
 * The command (cmd_import.c) opens the database and the file and picks
 * the importer plugin; hd_import_run runs it inside one transaction.
 * The importer reads the file and hands over a header and records
 * through the host API (the hd_import_* functions of plugin.h); this
 * module checks the header against the table, converts each value by
 * its column's type (integers, numbers, ISO dates, UTF-8 text), inserts
 * it, and turns SQLite's constraint errors into messages that name the
 * line, the column and the value.  An empty value is NULL, or the
 * column's default where the schema gives one.
 */
#ifndef HUDDLE_IMPORT_H
#define HUDDLE_IMPORT_H

#include <stdio.h>

#include <sqlite3.h>

#include "err.h"
#include "plugin.h"

/* Whether rows may be imported into table (one of hd_user_tables, db.h). */
int hd_import_allowed(const char *table);

/* Reports progress as the fraction of the file read; may be NULL. */
typedef void (*hd_import_progress)(void *ud, double fraction);

/* Imports the file fp (path as the user wrote it, for messages) into
 * table with the importer reg, in one transaction on db: every row, or
 * none.  Returns 0 with *rows the number imported, or a negative HD_E*
 * code with err saying FILE:LINE and what is wrong (HD_EINPUT for bad
 * data or a failing plugin, HD_EIO when reading or writing failed).
 * fp stays the caller's. */
int hd_import_run(sqlite3 *db, const char *table, const char *path, FILE *fp, const hd_preg *reg,
                  hd_import_progress progress, void *progress_ud, long *rows, hd_err *err);

#endif
