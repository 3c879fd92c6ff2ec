/* metrics.c - the metric memo and the m views rules read it through.
 *
 * SQL metrics are computed set-based, one query for every subject, the
 * first time any rule reads them; so are plugins' metrics, one call of
 * the provider for every subject; Lua metrics per subject on first read.
 * All are kept per period context (the run's period, m.prev, ...).
 */
#include <fcntl.h>
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "engine.h"
#include "mshare.h"
#include "plugin.h"

#define VIEW_MT "huddle.view"

/* Raises a message that already says where: unlike luaL_error, adds no
 * position of its own, so nested metrics do not stack locations. */
static int raise(lua_State *L, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	return lua_error(L);
}

/* m (members 0) or m.members (members 1) of a kind for period ctx. */
typedef struct view {
	unsigned char kind, ctx, members;
} view;

static int subject_count(const hd_engine *e, hd_kind kind)
{
	return kind == HD_REP ? e->subj.nreps : e->subj.nteams;
}

/* A metric's query reads every subject's rows at once, so its time grows
 * with the organisation: a limit fit for 10,000 reps would stop every
 * metric at a million.  A query from Lua is one rule's, for one subject,
 * and keeps sandbox.sql_ms as it is. */
double hd_metric_allowance(const hd_engine *e, hd_kind kind)
{
	int n = subject_count(e, kind);
	return e->cfg->sb_sql_ms / 1000.0 * (n > 10000 ? n / 10000.0 : 1);
}

void hd_engine_ctx(hd_engine *e, int ctx)
{
	while (e->nctx <= ctx) {
		hd_pctx *c = &e->ctx[e->nctx];
		hd_period_prev(&e->ctx[e->nctx - 1].period, &c->period);
		c->as_of = c->period.stop - 1;
		hd_date_format(c->period.start, c->start);
		hd_date_format(c->period.stop, c->stop);
		hd_date_format(c->as_of, c->as_of_iso);
		c->values = hd_xcalloc((size_t)e->rules.nmetrics, sizeof *c->values);
		c->state = hd_xcalloc((size_t)e->rules.nmetrics, sizeof *c->state);
		c->failed = hd_xcalloc((size_t)e->rules.nmetrics, sizeof *c->failed);
		e->nctx++;
	}
}

/* Rule SQL ---------------------------------------------------------
 *
 * Rules' SQL (SQL metrics, huddle.db.rows/value) is untrusted text: it
 * may only read.  It runs on a connection of its own, opened
 * SQLITE_OPEN_READONLY (so even a bug below cannot write), hardened by
 * hd_db_harden_rules (no ATTACH or VACUUM INTO, no extensions, no
 * fts3_tokenizer, low limits) and watched by the authorizer below:
 *  - in an evaluation worker e->db is already a read-only connection the
 *    worker opened after fork; it is hardened and used;
 *  - with a read-write e->db (top-level code of rule files, huddle
 *    check, in-process evaluation) a read-only connection to the same
 *    file is opened on first use and closed with the Lua state;
 *  - an in-memory database (huddle test, check without a database) can
 *    not be opened twice and holds no file to protect: rule SQL runs on
 *    e->db, hardened the same way but for query_only, with the
 *    authorizer installed while a statement is prepared.
 * Each prepared statement must also be one statement (no tail), read
 * only and not EXPLAIN; parameters are bound by name with explicit
 * types and lengths; sandbox.sql_ms bounds the time of each query. */

#define RULE_CONN_MT "huddle.ruleconn"

/* Which connection rule SQL runs on, kept in the registry. */
typedef struct rule_conn {
	sqlite3 *db;   /* NULL until first use */
	sqlite3 *main; /* the e->db it was chosen for */
	pid_t pid;     /* the process that chose it */
	int own;       /* opened here: closed with the Lua state */
} rule_conn;

static const char rule_conn_key = 0; /* its address is the registry key */

/* A connection is never closed by another process than the one that
 * opened it (SQLite's howtocorrupt.html section 2.6): a forked worker
 * leaves its parent's alone.  close_v2 waits for open statements. */
static int rule_conn_gc(lua_State *L)
{
	rule_conn *c = lua_touserdata(L, 1);
	if (c->own && c->pid == getpid())
		sqlite3_close_v2(c->db);
	c->db = NULL;
	c->own = 0;
	return 0;
}

static int new_rule_conn(lua_State *L)
{
	rule_conn *c = lua_newuserdatauv(L, sizeof *c, 0);
	memset(c, 0, sizeof *c);
	if (luaL_newmetatable(L, RULE_CONN_MT)) {
		lua_pushcfunction(L, rule_conn_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &rule_conn_key); /* stack: conn */
	return 1;
}

/* The connection for rule SQL, chosen on first use and again whenever
 * e->db or the process changed.  NULL with the reason in msg. */
static sqlite3 *rule_db(hd_engine *e, char *msg, size_t n)
{
	lua_State *L = e->lua.L;
	if (!lua_checkstack(L, 2)) {
		snprintf(msg, n, "out of Lua stack for rule SQL");
		return NULL;
	}
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &rule_conn_key) != LUA_TUSERDATA) {
		lua_pop(L, 1);
		/* Protected: this also runs outside any Lua call (huddle check). */
		lua_pushcfunction(L, new_rule_conn);
		if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
			snprintf(msg, n, "cannot set up rule SQL: %s", lua_tostring(L, -1));
			lua_pop(L, 1);
			return NULL;
		}
	}
	rule_conn *c = lua_touserdata(L, -1);
	lua_pop(L, 1); /* the registry keeps it */
	if (c->db && c->main == e->db && c->pid == getpid())
		return c->db;
	if (c->own && c->pid == getpid())
		sqlite3_close_v2(c->db);
	memset(c, 0, sizeof *c);
	hd_err err = {0};
	int rc;
	if (sqlite3_db_readonly(e->db, "main") == 1) {
		rc = hd_db_harden_rules(e->db, 1, &err);
		c->db = e->db;
	} else if (!(rc = hd_db_open_reader(e->db, e->cfg->sb_sql_ms, &c->db, &err))) {
		c->own = 1;
	} else if (rc == HD_EINPUT) {
		rc = hd_db_harden_rules(e->db, 0, &err);
		c->db = e->db;
	}
	if (rc) {
		snprintf(msg, n, "%s", err.msg);
		memset(c, 0, sizeof *c);
		return NULL;
	}
	c->main = e->db;
	c->pid = getpid();
	return c->db;
}

sqlite3 *hd_rule_sql_db(hd_engine *e, char *msg, size_t n)
{
	return rule_db(e, msg, n);
}

/* What rule SQL may call: pure functions of their arguments.  Left out on
 * purpose: load_extension, fts3_tokenizer (hands out a function pointer
 * in Debian's build), printf/format (a width allocates before any
 * limit), zeroblob and randomblob (size bombs), and every sqlite_*
 * introspection function.  Sorted for bsearch. */
/* clang-format off */
static const char *const allowed_functions[] = {
	"->", "->>", "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "avg",
	"ceil", "ceiling", "char", "coalesce", "cos", "cosh", "count", "cume_dist", "current_date",
	"current_time", "current_timestamp", "date", "datetime", "degrees", "dense_rank", "exp",
	"first_value", "floor", "glob", "group_concat", "hex", "ifnull", "iif", "instr", "json",
	"json_array", "json_array_length", "json_extract", "json_group_array", "json_group_object",
	"json_object", "json_quote", "json_type", "json_valid", "julianday", "lag", "last_value",
	"lead", "length", "like", "likelihood", "likely", "ln", "log", "log10", "log2", "lower",
	"ltrim", "max", "min", "mod", "nth_value", "ntile", "nullif", "percent_rank", "pi", "pow",
	"power", "quote", "radians", "random", "rank", "replace", "round", "row_number", "rtrim",
	"sign", "sin", "sinh", "sqrt", "strftime", "substr", "substring", "sum", "tan", "tanh",
	"time", "total", "trim", "trunc", "typeof", "unicode", "unixepoch", "unlikely", "upper",
};
/* clang-format on */

static int cmp_name(const void *key, const void *elem)
{
	return sqlite3_stricmp(key, *(const char *const *)elem);
}

/* SQLite's own functions, built in or from the extensions compiled into
 * it (fts3, fts5, rtree...): those a fresh connection has.  Read once per
 * process and sorted for bsearch; n < 0 when they could not be read. */
static struct {
	char **v;
	int n;
} sqlite_fns = {NULL, -2};

static void load_sqlite_functions(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sqlite_fns.n = -1;
	if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db,
	                       "SELECT DISTINCT name FROM pragma_function_list ORDER BY name COLLATE NOCASE",
	                       -1, &st, NULL) == SQLITE_OK) {
		int rc, n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite_fns.v = hd_xrealloc(sqlite_fns.v, sizeof *sqlite_fns.v * (size_t)(n + 1));
			sqlite_fns.v[n++] = hd_xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		if (rc == SQLITE_DONE && n > 0)
			sqlite_fns.n = n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Functions rule SQL may call: the allow-listed ones of SQLite, and
 * those the host itself registered on the connection (tests count
 * queries that way).  When SQLite's own could not be listed, only the
 * allow-listed ones: the check fails closed. */
static int function_allowed(const char *name)
{
	if (!name)
		return 0;
	if (bsearch(name, allowed_functions, sizeof allowed_functions / sizeof *allowed_functions,
	            sizeof *allowed_functions, cmp_name))
		return 1;
	if (sqlite_fns.n == -2)
		load_sqlite_functions();
	return sqlite_fns.n > 0 &&
	       !bsearch(name, sqlite_fns.v, (size_t)sqlite_fns.n, sizeof *sqlite_fns.v, cmp_name);
}

/* Tables rule SQL may not read even though it may read: the schema (the
 * SQL of every object), and the virtual tables that show the pages, the
 * prepared statements or the settings of the connection. */
static int hidden_table(const char *t)
{
	static const char *const hidden[] = {"sqlite_master",      "sqlite_schema", "sqlite_temp_master",
	                                     "sqlite_temp_schema", "sqlite_dbpage", "dbstat",
	                                     "sqlite_stmt"};
	if (!t || !sqlite3_strnicmp(t, "pragma_", 7))
		return 1;
	for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
		if (!sqlite3_stricmp(t, hidden[i]))
			return 1;
	return 0;
}

/* Rule SQL may read and call allowed functions, nothing else: no write,
 * PRAGMA, ATTACH (VACUUM INTO is one), transaction or schema change.
 * ud, when not NULL, receives why an action was refused. */
static int authorizer(void *ud, int action, const char *a, const char *b, const char *c, const char *d)
{
	char *why = ud && !*(char *)ud ? ud : NULL; /* the first refusal says why */
	(void)c, (void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE: /* bounded by sandbox.sql_ms */
		return SQLITE_OK;
	case SQLITE_READ:
		if (!hidden_table(a))
			return SQLITE_OK;
		if (why)
			snprintf(why, 128, "%s cannot be read from rule SQL", a ? a : "this table");
		return SQLITE_DENY;
	case SQLITE_FUNCTION:
		if (function_allowed(b))
			return SQLITE_OK;
		if (why)
			snprintf(why, 128, "function %s() is not allowed in rule SQL", b ? b : "?");
		return SQLITE_DENY;
	case SQLITE_PRAGMA:
		if (why)
			snprintf(why, 128, "PRAGMA %s: only reading is allowed in rule SQL", a ? a : "");
		return SQLITE_DENY;
	case SQLITE_ATTACH:
		if (why)
			snprintf(why, 128, "ATTACH and VACUUM INTO: only reading is allowed in rule SQL");
		return SQLITE_DENY;
	case SQLITE_UPDATE:
		/* What SQLite asks while it sets up a table-valued function. */
		if (why && a && !sqlite3_stricmp(a, "sqlite_master"))
			snprintf(why, 128,
			         "table-valued functions (json_each, pragma_..., dbstat) are not "
			         "available in rule SQL");
		/* fall through */
	default:
		if (why && !*why)
			snprintf(why, 128, "only reading is allowed in rule SQL (SELECT or WITH)");
		return SQLITE_DENY;
	}
}

/* True when text holds nothing but blanks and comments. */
static int only_comments(const char *t)
{
	for (;;) {
		while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\f' || *t == ';')
			t++;
		if (t[0] == '-' && t[1] == '-') {
			t += strcspn(t, "\n");
		} else if (t[0] == '/' && t[1] == '*') {
			const char *end = strstr(t + 2, "*/");
			if (!end)
				return 1; /* SQLite ends an open comment at the end */
			t = end + 2;
		} else {
			return *t == 0;
		}
	}
}

int hd_rule_sql_prepare(hd_engine *e, const char *sql, sqlite3_stmt **st, char *msg, size_t n)
{
	char why[128] = "";
	*st = NULL;
	sqlite3 *db = rule_db(e, msg, n);
	if (!db)
		return -1;
	/* A handler armed for an earlier query must not interrupt this
	 * prepare while it reads the schema. */
	sqlite3_progress_handler(db, 0, NULL, NULL);
	const char *tail = NULL;
	sqlite3_set_authorizer(db, authorizer, why);
	int rc = sqlite3_prepare_v3(db, sql, -1, 0, st, &tail);
	/* Kept on a read-only connection: a statement prepared again after a
	 * schema change is checked again.  A writable in-memory database
	 * is written by the host (fixtures) between rule queries. */
	sqlite3_set_authorizer(db, sqlite3_db_readonly(db, "main") == 1 ? authorizer : NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, n, "%s", why[0] ? why : sqlite3_errmsg(db));
	} else if (!*st) {
		snprintf(msg, n, "the SQL is empty");
	} else if (tail && !only_comments(tail)) {
		snprintf(msg, n, "rule SQL must be one statement; remove what follows the first ';': %.60s",
		         tail + strspn(tail, " \t\r\n;"));
	} else if (!sqlite3_stmt_readonly(*st) || sqlite3_stmt_isexplain(*st)) {
		snprintf(msg, n, "only reading is allowed in rule SQL (SELECT or WITH)");
	} else {
		return 0;
	}
	sqlite3_finalize(*st);
	*st = NULL;
	return -1;
}

static int progress(void *ud)
{
	hd_engine *e = ud;
	return hd_now() > e->sql_deadline;
}

/* Arms the connection the statement runs on: rule_db is already chosen,
 * since every query is prepared first. */
void hd_rule_sql_arm(hd_engine *e, double seconds)
{
	char msg[8];
	sqlite3 *db = rule_db(e, msg, sizeof msg);
	e->sql_deadline = hd_now() + seconds;
	if (db)
		sqlite3_progress_handler(db, 1000, progress, e);
}

static int bind_param(hd_engine *e, sqlite3_stmt *st, int i, const char *name, int ctx)
{
	const hd_pctx *c = &e->ctx[ctx];
	if (!strcmp(name, "start"))
		return sqlite3_bind_text(st, i, c->start, -1, SQLITE_TRANSIENT);
	if (!strcmp(name, "stop"))
		return sqlite3_bind_text(st, i, c->stop, -1, SQLITE_TRANSIENT);
	if (!strcmp(name, "as_of"))
		return sqlite3_bind_text(st, i, c->as_of_iso, -1, SQLITE_TRANSIENT);
	if (!strcmp(name, "period"))
		return sqlite3_bind_text(st, i, c->period.label, -1, SQLITE_TRANSIENT);
	if (!strcmp(name, "days"))
		return sqlite3_bind_int(st, i, c->period.stop - c->period.start);
	if (!strncmp(name, "param_", 6)) {
		const hd_param *p = hd_config_param(e->cfg, name + 6);
		if (!p)
			return sqlite3_bind_null(st, i);
		if (p->type == CONFIG_TYPE_STRING)
			return sqlite3_bind_text(st, i, p->str, -1, SQLITE_TRANSIENT);
		return sqlite3_bind_double(st, i, p->num);
	}
	return -1;
}

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF); NUL bytes are fine, the length is bound. */
static int is_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80                 ? 0
		           : c >= 0xC2 && c <= 0xDF ? 1
		           : c >= 0xE0 && c <= 0xEF ? 2
		           : c >= 0xF0 && c <= 0xF4 ? 3
		                                    : 9;
		if (k == 9 || n - i <= k)
			return k == 0;
		for (size_t j = 1; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
		    (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Binds the value at the top of the stack to parameter i: an integer as
 * int64, a finite float as double, a boolean as 0/1, a string with its
 * length (text when it is UTF-8, else a blob).  Returns an SQLite code,
 * or -2 with msg set for a value that cannot be bound. */
static int bind_lua(lua_State *L, sqlite3_stmt *st, int i, const char *name, char *msg, size_t n)
{
	switch (lua_type(L, -1)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, -1))
			return sqlite3_bind_int64(st, i, lua_tointeger(L, -1));
		if (!isfinite(lua_tonumber(L, -1))) {
			snprintf(msg, n, "parameter %s is %s; only finite numbers can be bound", name,
			         isnan(lua_tonumber(L, -1)) ? "NaN" : "an infinity");
			return -2;
		}
		return sqlite3_bind_double(st, i, lua_tonumber(L, -1));
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		if (is_utf8((const unsigned char *)s, len))
			return sqlite3_bind_text64(st, i, s, (sqlite3_uint64)len, SQLITE_TRANSIENT,
			                           SQLITE_UTF8);
		return sqlite3_bind_blob64(st, i, s, (sqlite3_uint64)len, SQLITE_TRANSIENT);
	}
	case LUA_TBOOLEAN:
		return sqlite3_bind_int(st, i, lua_toboolean(L, -1));
	default:
		snprintf(msg, n, "parameter %s must be a number, string or boolean, not a %s", name,
		         luaL_typename(L, -1));
		return -2;
	}
}

int hd_rule_sql_bind(hd_engine *e, sqlite3_stmt *st, int ctx, int extra, char *msg, size_t n)
{
	lua_State *L = e->lua.L;
	for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (!name || name[0] == '?' || !name[1]) {
			snprintf(msg, n, "use named parameters (:name), not '?'");
			return -1;
		}
		int rc = -1;
		/* Raw access: a metamethod of the rule's table must not run here. */
		if (extra && (lua_pushstring(L, name + 1), lua_rawget(L, extra)) != LUA_TNIL)
			rc = bind_lua(L, st, i, name, msg, n);
		else
			rc = bind_param(e, st, i, name + 1, ctx);
		if (extra)
			lua_pop(L, 1);
		if (rc == -2)
			return -1;
		if (rc == -1) {
			snprintf(msg, n,
			         "unknown parameter %s (known: :start, :stop, :days, :as_of, :period, "
			         ":param_NAME%s)",
			         name, extra ? " and the keys of the params table" : "");
			return -1;
		}
		if (rc == SQLITE_TOOBIG) {
			snprintf(msg, n, "parameter %s is longer than %d bytes", name, HD_RULE_MAX_LENGTH);
			return -1;
		}
		if (rc != SQLITE_OK) {
			snprintf(msg, n, "parameter %s: %s", name, sqlite3_errstr(rc));
			return -1;
		}
	}
	return 0;
}

/* HUDDLE_SQL_TRACE=FILE appends every set-based metric query, bound as it
 * runs, to FILE as a sqlite3-shell script: the benchmark's floor is then
 * the very SQL the engine ran.  The variable is read once, so an unset
 * trace costs one branch; each query goes out in one O_APPEND write, so
 * host and worker can share the file. */
static void trace_sql(hd_engine *e, sqlite3_stmt *st, int ctx)
{
	static const char *path;
	static int checked;
	if (!checked) {
		path = getenv("HUDDLE_SQL_TRACE");
		checked = 1;
	}
	if (!path || !*path)
		return;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	sqlite3_stmt *q = NULL;
	/* quote() turns each bound value back into an SQL literal. */
	sqlite3_prepare_v2(sqlite3_db_handle(st), "SELECT quote(?1)", -1, &q, NULL);
	for (int i = 1; q && i <= sqlite3_bind_parameter_count(st); i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		sqlite3_reset(q);
		if (!name || bind_param(e, q, 1, name + 1, ctx) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
			continue;
		/* Double quotes keep the literal's own quotes through the shell. */
		fprintf(f, ".parameter set %s \"", name);
		for (const char *c = (const char *)sqlite3_column_text(q, 0); c && *c; c++)
			fprintf(f, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
		fputs("\"\n", f);
	}
	sqlite3_finalize(q);
	/* The ';' on a line of its own: the SQL may end in a -- comment. */
	fprintf(f, "%s\n;\n.parameter clear\n", sqlite3_sql(st));
	fclose(f);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, buf, len) < 0) {
			/* Tracing is best effort: the evaluation goes on. */
		}
		close(fd);
	}
	free(buf);
}

/* Remembers why a SQL metric failed for ctx, so that every later read
 * fails the same way at once instead of running the query again. */
static int fail_sql(hd_engine *e, int mi, int ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->ctx[ctx].failed[mi] = hd_xstrdup(msg);
	if (e->share) /* the other workers' reads fail the same way */
		hd_mshare_publish(e->share, mi, ctx, e->share_owner, msg);
	return raise(e->lua.L, "%s", msg);
}

/* Computing a metric for every subject is host work, not the rule's that
 * first read it: a watching host gives it `allowance` more while it runs,
 * and afterwards the rule's own deadlines move on by the time it took.
 * host_work_begin returns the start for host_work_end. */
static double host_work_begin(hd_engine *e, double allowance)
{
	if (e->watch)
		e->watch->deadline += allowance;
	return hd_now();
}

static void host_work_end(hd_engine *e, double t0, double allowance)
{
	double took = hd_now() - t0;
	hd_lua_pause(&e->lua, took);
	if (e->watch)
		e->watch->deadline += took - allowance;
}

/* Another worker computes metric mi for ctx: waits for it as for a query
 * of one's own, and returns the slot's state then: done, failed, or
 * claimed by this worker (the other one died). */
static int await_shared(hd_engine *e, int mi, int ctx, double **v, const char **why)
{
	double allowance = hd_metric_allowance(e, e->rules.metrics[mi].kind);
	double t0 = host_work_begin(e, allowance);
	int st;
	while ((st = hd_mshare_claim(e->share, mi, ctx, e->share_owner, v, why)) == HD_MS_BUSY) {
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
	}
	host_work_end(e, t0, allowance);
	return st;
}

/* Where the sorts and temporary B-trees of rule SQL live.  Queries from
 * Lua keep them in memory (SANDBOX-CHECKLIST: a runaway sort must not
 * fill the temp folder in its 2 s).  A metric's set-based query sorts
 * every row of its period (GROUP BY rep_id over 25 million activities at
 * a million reps): in memory that is 160 MB at 100,000 reps and grows
 * with the data, and it is slower than SQLite's own spill files (8.6 s
 * against 7.8 s for the default metrics).  So those sorts go to disk,
 * bounded by the metric's time allowance like the query itself; SQLite
 * unlinks the files as it opens them.  The authorizer refuses PRAGMA,
 * so it is lifted for the host's own statement. */
static void temp_on_disk(sqlite3 *db, int on)
{
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_exec(db, on ? "PRAGMA temp_store = FILE" : "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	sqlite3_set_authorizer(db, sqlite3_db_readonly(db, "main") == 1 ? authorizer : NULL, NULL);
}

/* Runs a SQL metric for every subject of ctx.  Raises on failure. */
static void compute_sql(hd_engine *e, int mi, int ctx)
{
	const hd_metric_def *m = &e->rules.metrics[mi];
	int n = subject_count(e, m->kind);
	const hd_idmap *ids = m->kind == HD_REP ? &e->subj.rep_ids : &e->subj.team_ids;
	double none = m->has_default ? m->def : NAN;
	double *v = NULL; /* in the share when this worker claimed it there */
	if (e->share) {
		const char *why = NULL;
		int st = hd_mshare_claim(e->share, mi, ctx, e->share_owner, &v, &why);
		if (st == HD_MS_BUSY)
			st = await_shared(e, mi, ctx, &v, &why);
		if (st == HD_MS_DONE) {
			e->ctx[ctx].values[mi] = v;
			return;
		}
		if (st == HD_MS_FAILED)
			fail_sql(e, mi, ctx, "%s", why);
		if (st == HD_MS_PRIVATE)
			v = NULL;
	}
	int own = !v; /* values this process allocated (and frees on failure) */
	double allowance = hd_metric_allowance(e, m->kind);
	double t0 = host_work_begin(e, allowance);
	char msg[512];
	sqlite3_stmt *st;
	sqlite3 *db = rule_db(e, msg, sizeof msg);
	if (db) /* before the prepare: changing it expires statements */
		temp_on_disk(db, 1);
	if (hd_rule_sql_prepare(e, m->sql, &st, msg, sizeof msg)) {
		if (db)
			temp_on_disk(db, 0);
		host_work_end(e, t0, allowance);
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	}
	if (sqlite3_column_count(st) != 2 || hd_rule_sql_bind(e, st, ctx, 0, msg, sizeof msg)) {
		if (sqlite3_column_count(st) != 2)
			snprintf(msg, sizeof msg, "the query must return two columns (%s id, value), not %d",
				 m->kind == HD_REP ? "rep" : "team", sqlite3_column_count(st));
		sqlite3_finalize(st);
		temp_on_disk(db, 0);
		host_work_end(e, t0, allowance);
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	}
	trace_sql(e, st, ctx);
	if (own)
		v = hd_xmalloc(sizeof *v * (size_t)(n ? n : 1));
	unsigned char *seen = hd_xcalloc((size_t)(n ? n : 1), 1);
	for (int i = 0; i < n; i++)
		v[i] = none;
	hd_rule_sql_arm(e, allowance);
	int rc;
	long long dup = 0;
	int has_dup = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int idx = hd_idmap_get(ids, sqlite3_column_int64(st, 0));
		if (idx < 0)
			continue;
		if (seen[idx]) {
			has_dup = 1;
			dup = sqlite3_column_int64(st, 0);
			break;
		}
		seen[idx] = 1;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			v[idx] = sqlite3_column_double(st, 1);
	}
	/* The statement's own connection: rule SQL may run on a reader. */
	db = sqlite3_db_handle(st);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	if (rc != SQLITE_INTERRUPT)
		snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
	else if (n <= 10000)
		snprintf(msg, sizeof msg, "the query ran longer than sandbox.sql_ms");
	else /* the limit grew with the organisation: say what it was */
		snprintf(msg, sizeof msg, "the query ran longer than sandbox.sql_ms (%.3g s for %d %ss)", allowance,
			 n, m->kind == HD_REP ? "rep" : "team");
	sqlite3_finalize(st);
	temp_on_disk(db, 0);
	free(seen);
	host_work_end(e, t0, allowance);
	if (has_dup) {
		if (own)
			free(v);
		fail_sql(e, mi, ctx, "%s: metric '%s': returned %s %lld twice; group the rows by %s", m->where,
			 m->name, m->kind == HD_REP ? "rep" : "team", dup, m->kind == HD_REP ? "rep_id" : "team_id");
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (own)
			free(v);
		int base = rc & 0xff;
		if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB || base == SQLITE_IOERR) {
			/* Not the rule's fault and not one subject's: the database
			 * is damaged, so no scorecard of this run can be trusted. */
			snprintf(e->fatal, sizeof e->fatal, "%.200s: the database is damaged (%.200s, met by metric '%.64s'); "
				 "nothing was evaluated or saved", sqlite3_db_filename(db, "main"), msg, m->name);
			if (e->watch) {
				memcpy(e->watch->fatal, e->fatal, sizeof e->fatal);
				_exit(3);
			}
		}
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	}
	if (e->share)
		hd_mshare_publish(e->share, mi, ctx, e->share_owner, NULL);
	e->ctx[ctx].values[mi] = v;
}

/* Computes one metric under a protected call (hd_metrics_prefetch). */
static int prefetch_one(lua_State *L)
{
	hd_engine *e = lua_touserdata(L, 1);
	int mi = (int)lua_tointeger(L, 2);
	if (!e->ctx[0].values[mi] && !e->ctx[0].failed[mi])
		compute_sql(e, mi, 0);
	return 0;
}

void hd_metrics_prefetch(hd_engine *e, int backwards)
{
	lua_State *L = e->lua.L;
	int n = e->rules.nmetrics;
	if (e->watch)
		e->watch->prefetch = 1;
	for (int k = 0; k < n; k++) {
		int mi = backwards ? n - 1 - k : k;
		const hd_metric_def *m = &e->rules.metrics[mi];
		if (!m->sql || !subject_count(e, m->kind) || (e->prefetch && !e->prefetch[mi]) ||
		    !hd_mshare_unclaimed(e->share, mi, 0))
			continue;
		if (e->watch) /* the host holds each query to its allowance */
			e->watch->deadline = hd_now();
		lua_pushcfunction(L, prefetch_one);
		lua_pushlightuserdata(L, e);
		lua_pushinteger(L, mi);
		if (lua_pcall(L, 2, 0, 0) != LUA_OK)
			lua_pop(L, 1); /* kept in the share: each read fails with it */
	}
	if (e->watch)
		e->watch->prefetch = 0;
}

/* Runs a plugin's metric provider for every subject of ctx.  Like a SQL
 * metric it is host work, once per period: its time is not the rule's,
 * and its queries on the rule connection have sandbox.sql_ms between
 * them.  A provider that fails fails every read, with its message. */
static void compute_plugin(hd_engine *e, int mi, int ctx)
{
	const hd_metric_def *m = &e->rules.metrics[mi];
	const hd_preg *p = m->provider;
	int n = subject_count(e, m->kind);
	double *v = hd_xmalloc(sizeof *v * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		v[i] = NAN;
	for (int i = 0; i < e->nmfails; i++)
		if (e->mfails[i].kind == mi && e->mfails[i].subject == ctx) {
			free(v);
			fail_sql(e, mi, ctx, "%s: metric '%s': the provider was stopped: %s", m->where, m->name,
				 e->mfails[i].why);
		}
	huddle_metric_call call = { e, mi, ctx, m->kind == HD_REP ? HUDDLE_REP : HUDDLE_TEAM, v };
	double allowance = hd_metric_allowance(e, m->kind);
	double t0 = host_work_begin(e, allowance);
	if (e->watch) {
		e->watch->metric_ctx = ctx;
		e->watch->metric = mi;
	}
	hd_plugin_failure(p->owner); /* forget a message of an earlier call */
	hd_rule_sql_arm(e, allowance);
	int rc = p->metric(p->owner, p->ud, &call);
	if (e->watch)
		e->watch->metric = -1;
	char msg[8];
	sqlite3 *db = rule_db(e, msg, sizeof msg);
	if (db)
		sqlite3_progress_handler(db, 0, NULL, NULL);
	host_work_end(e, t0, allowance);
	if (rc) {
		free(v);
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, hd_plugin_failure(p->owner));
	}
	e->ctx[ctx].values[mi] = v;
}

void hd_metrics_add_plugins(hd_engine *e)
{
	const hd_plugins *p = hd_plugins_get();
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *r = &p->regs[i];
		if (r->type != HD_PREG_METRIC || r->owner->status != HD_PLUGIN_LOADED)
			continue;
		char where[512];
		snprintf(where, sizeof where, "plugin %s (%s)", r->owner->name, r->owner->path);
		hd_rules_add_provided(&e->rules, r->name, r->doc, r->kind == HUDDLE_TEAM ? HD_TEAM : HD_REP, r,
				      where);
	}
}

static void record(hd_engine *e, hd_kind kind, int metric, int ctx, int subject, double v)
{
	if ((int)kind != e->trace_kind || subject != e->trace_subject)
		return;
	for (int i = 0; i < e->ntrace; i++)
		if (e->trace[i].metric == metric && e->trace[i].ctx == ctx)
			return;
	if (e->ntrace < HD_MAX_TRACE)
		e->trace[e->ntrace++] = (hd_read){ metric, ctx, v };
}

/* Computes a Lua metric for one subject, with that subject current. */
static double compute_fn(hd_engine *e, int mi, int ctx, int s)
{
	lua_State *L = e->lua.L;
	const hd_metric_def *m = &e->rules.metrics[mi];
	hd_pctx *c = &e->ctx[ctx];
	int n = subject_count(e, m->kind);
	if (!c->state[mi]) {
		c->state[mi] = hd_xcalloc((size_t)(n ? n : 1), 1);
		c->values[mi] = hd_xmalloc(sizeof(double) * (size_t)(n ? n : 1));
	}
	if (c->state[mi][s] == 2)
		return c->values[mi][s];
	if (c->state[mi][s] == 1)
		raise(L, "%s: metric '%s' depends on itself", m->where, m->name);
	c->state[mi][s] = 1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, m->fn_ref);
	hd_metrics_push_view(e, m->kind, ctx);
	hd_lapi_push_subject(e, m->kind, s);
	int saved = e->cur[m->kind];
	e->cur[m->kind] = s;
	hd_lua_error le;
	int rc = hd_lua_call_nested(&e->lua, 2, 1, &le);
	e->cur[m->kind] = saved;
	if (rc) {
		c->state[mi][s] = 0;
		/* No position in front: the rule that read the metric is where
		 * the error is reported, and this message says where inside. */
		raise(L, "metric '%s' failed: %s: %s", m->name, le.where[0] ? le.where : m->where, le.message);
	}
	double v = NAN;
	if (lua_type(L, -1) == LUA_TNUMBER) {
		v = lua_tonumber(L, -1);
		if (!isfinite(v)) {
			c->state[mi][s] = 0;
			raise(L, "%s: metric '%s' computed %s", m->where, m->name,
				   isnan(v) ? "NaN (not a number)" : "an infinity");
		}
	} else if (!lua_isnil(L, -1)) {
		c->state[mi][s] = 0;
		raise(L, "%s: metric '%s' returned a %s; it must return a number or nil", m->where,
			   m->name, luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	c->values[mi][s] = v;
	c->state[mi][s] = 2;
	return v;
}

double hd_metric_get(hd_engine *e, int metric, int ctx, int subject)
{
	const hd_metric_def *m = &e->rules.metrics[metric];
	/* The common read, once per rule call: a SQL or plugin metric already
	 * computed, not traced, straight from the memo. */
	if (ctx < e->nctx && m->fn_ref == LUA_NOREF && e->ctx[ctx].values[metric] && e->trace_subject < 0)
		return e->ctx[ctx].values[metric][subject];
	hd_engine_ctx(e, ctx);
	double v;
	if (m->fn_ref != LUA_NOREF) {
		v = compute_fn(e, metric, ctx, subject);
	} else {
		if (e->ctx[ctx].failed[metric])
			raise(e->lua.L, "%s", e->ctx[ctx].failed[metric]);
		if (!e->ctx[ctx].values[metric] && m->provider)
			compute_plugin(e, metric, ctx);
		else if (!e->ctx[ctx].values[metric])
			compute_sql(e, metric, ctx);
		v = e->ctx[ctx].values[metric][subject];
	}
	record(e, m->kind, metric, ctx, subject, v);
	return v;
}

/* The metric index mi (-1: no metric of that name) for a read of name
 * from a rule of kind; raises when there is none or it is of the wrong
 * kind. */
static int checked_metric(hd_engine *e, int mi, const char *name, hd_kind kind)
{
	lua_State *L = e->lua.L;
	if (mi < 0) {
		const char *hint = hd_rules_closest_metric(&e->rules, name);
		if (hint)
			luaL_error(L, "unknown metric '%s' (did you mean '%s'?)", name, hint);
		luaL_error(L, "unknown metric '%s'", name);
	}
	if (kind == HD_TEAM && e->rules.metrics[mi].kind == HD_REP)
		luaL_error(L,
			   "'%s' is a rep metric; a team rule reads it through its members: "
			   "team:sum(\"%s\"), team:avg, team:median, team:percentile or team:share_of_top",
			   name, name);
	return mi;
}

int hd_metric_lookup(hd_engine *e, const char *name, hd_kind kind)
{
	lua_State *L = e->lua.L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->names_ref);
	int t = lua_getfield(L, -1, name);
	int mi = (int)lua_tointeger(L, -1);
	lua_pop(L, 2);
	return checked_metric(e, t == LUA_TNUMBER ? mi : -1, name, kind);
}

static void push_view(hd_engine *e, hd_kind kind, int ctx, int members);

/* m.members.NAME: a new array of the values of rep metric NAME over the
 * members of the team (a team rule's, or a rep rule's own team, the rep
 * included), in the order of team.members, members without a value left
 * out; so that rules can hand a team's numbers to functions over arrays
 * (huddle.stats).  Charged by the member, like the rule's own loop. */
static int members_index(lua_State *L, hd_engine *e, const view *v, const char *key)
{
	if (!strcmp(key, "prev"))
		return luaL_error(L, "m.members.prev: write m.prev.members.NAME for the previous period");
	if (!strcmp(key, "members"))
		return luaL_error(L, "m.members.members: write m.members.NAME");
	int mi = hd_metric_lookup(e, key, HD_REP);
	if (e->rules.metrics[mi].kind != HD_REP)
		return luaL_error(L, "'%s' is a team metric; m.members reads rep metrics, one value per member", key);
	int s = e->cur[v->kind];
	if (s < 0)
		return luaL_error(L, "m.members.%s read outside a rule call", key);
	const hd_team_info *ti = &e->subj.teams[v->kind == HD_TEAM ? s : e->subj.reps[s].team];
	hd_lua_charge(L, ti->nmembers, "m.members");
	/* Compute first: a metric read can raise. */
	int n = 0;
	for (int k = 0; k < ti->nmembers; k++)
		n += !isnan(hd_metric_get(e, mi, v->ctx, ti->members[k]));
	lua_createtable(L, n, 0);
	for (int k = 0, i = 0; k < ti->nmembers; k++) {
		double x = hd_metric_get(e, mi, v->ctx, ti->members[k]);
		if (!isnan(x)) {
			hd_metrics_push_value(L, x);
			lua_rawseti(L, -2, ++i);
		}
	}
	return 1;
}

/* m.NAME, m.prev and m.members: upvalue 1 is the engine. */
static int view_index(lua_State *L)
{
	hd_engine *e = lua_touserdata(L, lua_upvalueindex(1));
	const view *v = lua_touserdata(L, 1);
	if (lua_type(L, 2) != LUA_TSTRING)
		return luaL_error(L, "metrics are read by name: m.name or m[\"name\"]");
	const char *key = lua_tostring(L, 2);
	if (v->members)
		return members_index(L, e, v, key);
	/* A metric's name first, the common read, by the key string itself
	 * (no C string hashed and interned again); "prev" and "members" are
	 * reserved, never metrics. */
	lua_pushvalue(L, 2);
	int mi = lua_rawget(L, lua_upvalueindex(2)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : -1;
	lua_pop(L, 1);
	if (mi < 0 && !strcmp(key, "prev")) {
		if (v->ctx + 1 >= HD_MAX_PERIODS)
			return luaL_error(L, "m.prev goes back at most %d periods", HD_MAX_PERIODS - 1);
		hd_metrics_push_view(e, (hd_kind)v->kind, v->ctx + 1);
		return 1;
	}
	if (mi < 0 && !strcmp(key, "members")) {
		push_view(e, (hd_kind)v->kind, v->ctx, 1);
		return 1;
	}
	mi = checked_metric(e, mi, key, (hd_kind)v->kind);
	hd_kind mk = e->rules.metrics[mi].kind;
	int subject = e->cur[v->kind];
	if (subject < 0)
		return luaL_error(L, "metric '%s' read outside a rule call", key);
	if (mk != (hd_kind)v->kind) /* a rep rule reading its team's metric */
		subject = e->subj.reps[subject].team;
	hd_metrics_push_value(L, hd_metric_get(e, mi, v->ctx, subject));
	return 1;
}

void hd_metrics_push_value(lua_State *L, double v)
{
	if (isnan(v))
		lua_pushnil(L);
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
}

static int view_newindex(lua_State *L)
{
	return luaL_error(L, "metrics are read-only; define a new one with metric \"name\" { ... }");
}

static int view_tostring(lua_State *L)
{
	const view *v = lua_touserdata(L, 1);
	const char *whose = v->members ? (v->kind == HD_REP ? "members of the rep's team" : "members of the team")
				       : (v->kind == HD_REP ? "rep" : "team");
	lua_pushfstring(L, "metrics of the %s for %s", whose, v->ctx ? "previous period" : "period");
	return 1;
}

void hd_metrics_install(hd_engine *e)
{
	lua_State *L = e->lua.L;
	lua_newtable(L);
	e->names_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	luaL_newmetatable(L, VIEW_MT);
	lua_pushlightuserdata(L, e);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->names_ref);
	lua_pushcclosure(L, view_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, view_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, view_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

static void push_view(hd_engine *e, hd_kind kind, int ctx, int members)
{
	lua_State *L = e->lua.L;
	/* Every rule call pushes one: a registry slot each, no name looked up. */
	int *ref = &e->view_refs[members != 0][kind][ctx];
	if (*ref > 0) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
		return;
	}
	view *v = lua_newuserdatauv(L, sizeof *v, 0);
	v->kind = (unsigned char)kind;
	v->ctx = (unsigned char)ctx;
	v->members = (unsigned char)members;
	luaL_setmetatable(L, VIEW_MT);
	lua_pushvalue(L, -1);
	*ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void hd_metrics_push_view(hd_engine *e, hd_kind kind, int ctx)
{
	push_view(e, kind, ctx, 0);
}

int hd_metrics_view_ctx(lua_State *L, int idx, hd_kind *kind)
{
	const view *v = luaL_testudata(L, idx, VIEW_MT);
	if (!v || v->members)
		return -1;
	if (kind)
		*kind = (hd_kind)v->kind;
	return v->ctx;
}

int hd_metrics_check(hd_engine *e)
{
	int bad = 0;
	for (int i = 0; i < e->rules.nmetrics; i++) {
		const hd_metric_def *m = &e->rules.metrics[i];
		sqlite3_stmt *st = NULL;
		char msg[512], line[1024];
		if (!m->sql)
			continue;
		if (!hd_rule_sql_prepare(e, m->sql, &st, msg, sizeof msg)) {
			if (sqlite3_column_count(st) != 2)
				snprintf(msg, sizeof msg, "the query must return two columns (%s id, value), not %d",
					 m->kind == HD_REP ? "rep" : "team", sqlite3_column_count(st));
			else if (!hd_rule_sql_bind(e, st, 0, 0, msg, sizeof msg))
				msg[0] = 0;
			sqlite3_finalize(st);
			if (!msg[0])
				continue;
		}
		snprintf(line, sizeof line, "%s: metric '%s': %s", m->where, m->name, msg);
		hd_strv_push(&e->rules.problems, line);
		bad++;
	}
	return bad ? HD_EINPUT : 0;
}
