/* db.c - database connections, schema creation and migrations. */
#include "db.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

extern const char hd_schema_sql[];

/* Migration i takes a database from version i to version i + 1; new
 * versions only ever append here. */
static const char *const migrations[] = {
    hd_schema_sql, /* 0 -> 1: the first schema */
};

int hd_db_exec(sqlite3 *db, const char *sql, hd_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = sqlite3_errcode(db);
		hd_err_set(err, rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? HD_EINPUT : HD_EIO, "%s",
		           msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return err ? err->code : HD_EIO;
	}
	return 0;
}

int hd_db_schema_version(sqlite3 *db, int *version, hd_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		int rc = sqlite3_errcode(db);
		return hd_err_set(err, rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? HD_EINPUT : HD_EIO, "%s",
		                  sqlite3_errmsg(db));
	}
	int rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return hd_err_set(err, HD_EINPUT, "%s", sqlite3_errmsg(db));
	return 0;
}

/* Counts tables, so a version-0 file of someone else's is not mistaken
 * for an empty database. */
static int table_count(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int migrate(sqlite3 *db, int from, hd_err *err)
{
	char sql[64];
	if (hd_db_exec(db, "BEGIN IMMEDIATE", err))
		return err->code;
	/* Another process may have migrated while we waited for the lock. */
	int v;
	if (hd_db_schema_version(db, &v, err))
		goto fail;
	for (from = v; from < HD_SCHEMA_VERSION; from++)
		if (hd_db_exec(db, migrations[from], err)) {
			hd_err_wrap(err, "migrating the schema from version %d: ", from);
			goto fail;
		}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", HD_SCHEMA_VERSION);
	if (hd_db_exec(db, sql, err) || hd_db_exec(db, "COMMIT", err))
		goto fail;
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return err->code;
}

static int configure(sqlite3 *db, int wal, hd_err *err)
{
	sqlite3_busy_timeout(db, 30000);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	if (hd_db_exec(db, "PRAGMA foreign_keys = ON", err))
		return err->code;
	if (wal && hd_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err))
		return err->code;
	return 0;
}

static int check_version(sqlite3 *db, const char *path, int flags, hd_err *err)
{
	int v;
	if (hd_db_schema_version(db, &v, err))
		return hd_err_wrap(err, "%s: cannot read the database (is it a huddle database?): ", path);
	if (v > HD_SCHEMA_VERSION)
		return hd_err_set(err, HD_EINPUT,
		                  "%s: schema version %d is newer than this huddle understands (%d); "
		                  "use a newer huddle",
		                  path, v, HD_SCHEMA_VERSION);
	if (v == HD_SCHEMA_VERSION)
		return 0;
	if (!(flags & HD_DB_CREATE))
		return hd_err_set(err, HD_EINPUT,
		                  v == 0
		                      ? "%s: not a huddle database (no schema); run 'huddle init --db %s'"
		                      : "%s: schema is out of date; run 'huddle init --db %s' to migrate it",
		                  path, path);
	if (v == 0 && table_count(db) > 0)
		return hd_err_set(err, HD_EINPUT,
		                  "%s: has tables but no huddle schema version; refusing to touch it", path);
	if (migrate(db, v, err))
		return hd_err_wrap(err, "%s: ", path);
	return 0;
}

int hd_db_open(const char *path, int flags, sqlite3 **out, hd_err *err)
{
	struct stat sb;
	*out = NULL;
	if (!(flags & HD_DB_CREATE) && stat(path, &sb) != 0)
		return hd_err_set(err, HD_EINPUT,
		                  "%s: no such database; create one with 'huddle init --db %s' or "
		                  "'huddle demo --db %s'",
		                  path, path, path);
	sqlite3 *db;
	int oflags = SQLITE_OPEN_READWRITE | (flags & HD_DB_CREATE ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
		hd_err_set(err, HD_EIO, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return HD_EIO;
	}
	if (configure(db, 1, err)) {
		hd_err_wrap(err, "%s: ", path);
		sqlite3_close(db);
		return err->code;
	}
	if (check_version(db, path, flags, err)) {
		sqlite3_close(db);
		return err->code;
	}
	*out = db;
	return 0;
}

int hd_db_harden_rules(sqlite3 *db, int readonly, hd_err *err)
{
	static const int off[] = {SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	                          SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
	                          SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
	                          SQLITE_DBCONFIG_DQS_DML,
	                          SQLITE_DBCONFIG_DQS_DDL,
	                          SQLITE_DBCONFIG_ENABLE_TRIGGER};
	/* Dark Arts values, loosened where real metric queries need room:
	 * nested AND/CASE go past an expression depth of 10, and a query
	 * may bind the five period parameters plus several rule params. */
	static const int limits[][2] = {
	    {SQLITE_LIMIT_LENGTH, HD_RULE_MAX_LENGTH},
	    {SQLITE_LIMIT_SQL_LENGTH, HD_RULE_MAX_SQL},
	    {SQLITE_LIMIT_COLUMN, 100},
	    {SQLITE_LIMIT_EXPR_DEPTH, 100},
	    {SQLITE_LIMIT_COMPOUND_SELECT, 10},
	    {SQLITE_LIMIT_VDBE_OP, 25000},
	    {SQLITE_LIMIT_FUNCTION_ARG, 16},
	    {SQLITE_LIMIT_ATTACHED, 0},
	    {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100},
	    {SQLITE_LIMIT_VARIABLE_NUMBER, 32},
	    {SQLITE_LIMIT_TRIGGER_DEPTH, 1},
	    {SQLITE_LIMIT_WORKER_THREADS, 0},
	};
	int ok = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) == SQLITE_OK;
	for (size_t i = 0; i < sizeof off / sizeof *off; i++)
		ok &= sqlite3_db_config(db, off[i], 0, (int *)NULL) == SQLITE_OK;
	if (!ok)
		return hd_err_set(err, HD_EIO, "cannot harden the connection for rule SQL: %s",
		                  sqlite3_errmsg(db));
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
		sqlite3_limit(db, limits[i][0], limits[i][1]);
	if (readonly && hd_db_exec(db,
	                           "PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; "
	                           "PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0",
	                           err))
		return err->code;
	return 0;
}

/* The VFS of db's main database, to tell a shared in-memory one. */
static const char *vfs_name(sqlite3 *db)
{
	sqlite3_vfs *vfs = NULL;
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK || !vfs)
		return "";
	return vfs->zName;
}

int hd_db_open_reader(sqlite3 *main, int busy_ms, sqlite3 **out, hd_err *err)
{
	const char *file = sqlite3_db_filename(main, "main");
	*out = NULL;
	if (!file || !*file || !strcmp(vfs_name(main), "memdb"))
		return hd_err_set(err, HD_EINPUT, "an in-memory database cannot be opened a second time");
	/* The absolute path SQLite keeps never starts with "file:", so it is
	 * not taken for a URI (Debian builds with SQLITE_USE_URI). */
	sqlite3 *db;
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		hd_err_set(err, HD_EIO, "%s: cannot open for rule SQL: %s", file,
		           db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return HD_EIO;
	}
	sqlite3_busy_timeout(db, busy_ms);
	if (hd_db_harden_rules(db, 1, err)) {
		hd_err_wrap(err, "%s: ", file);
		sqlite3_close(db);
		return err->code;
	}
	*out = db;
	return 0;
}

/* The bytes of an in-memory database with the schema, made once: rule
 * tests open one per eval{}, and running the schema's statements each
 * time took a third of the default rule tests' time. */
static unsigned char *schema_image;
static sqlite3_int64 schema_image_size;

int hd_db_open_memory(sqlite3 **out, hd_err *err)
{
	sqlite3 *db;
	*out = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		sqlite3_close(db);
		return hd_err_set(err, HD_EIO, "cannot open an in-memory database");
	}
	if (schema_image) {
		unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)schema_image_size);
		if (!copy) {
			sqlite3_close(db);
			return hd_err_nomem(err);
		}
		memcpy(copy, schema_image, (size_t)schema_image_size);
		if (sqlite3_deserialize(db, "main", copy, schema_image_size, schema_image_size,
		                        SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK) {
			hd_err_set(err, HD_EIO, "cannot open an in-memory database: %s", sqlite3_errmsg(db));
			sqlite3_close(db);
			return err->code;
		}
	}
	if (configure(db, 0, err) || check_version(db, ":memory:", HD_DB_CREATE, err)) {
		sqlite3_close(db);
		return err->code;
	}
	if (!schema_image)
		schema_image = sqlite3_serialize(db, "main", &schema_image_size, 0); /* NULL: no copy next time */
	*out = db;
	return 0;
}

const char *const hd_user_tables[] = {"teams",
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
