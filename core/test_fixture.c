/* test_fixture.c - the data of a rule test's eval{} (see test_fixture.h). */
#include "test_fixture.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static int fail(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Rows: data = { TABLE = { {col = value, ...}, ... } } ------------------ */

/* Binds the Lua value at the top of L to parameter i. */
static void bind_value(lua_State *L, sqlite3_stmt *st, int i)
{
	switch (lua_type(L, -1)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, -1))
			sqlite3_bind_int64(st, i, lua_tointeger(L, -1));
		else
			sqlite3_bind_double(st, i, lua_tonumber(L, -1));
		break;
	case LUA_TBOOLEAN:
		sqlite3_bind_int(st, i, lua_toboolean(L, -1));
		break;
	case LUA_TSTRING:
		sqlite3_bind_text(st, i, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
		break;
	default:
		sqlite3_bind_null(st, i);
	}
}

/* Inserts one row (the table at `row`) into table t. */
static int insert_row(lua_State *L, sqlite3 *db, const char *t, lua_Integer r, int row, char *msg, size_t n)
{
	char sql[2048], vals[512];
	int ncols = 0;
	snprintf(sql, sizeof sql, "INSERT INTO %s (", t);
	vals[0] = 0;
	lua_pushnil(L);
	while (lua_next(L, row)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING || strlen(sql) > sizeof sql - 128) {
			lua_pop(L, 1);
			return fail(msg, n, "data.%s[%lld]: column names must be strings", t, (long long)r);
		}
		size_t len = strlen(sql);
		snprintf(sql + len, sizeof sql - len, "%s\"%s\"", ncols ? ", " : "", lua_tostring(L, -1));
		len = strlen(vals);
		snprintf(vals + len, sizeof vals - len, "%s?", ncols ? ", " : "");
		ncols++;
	}
	size_t len = strlen(sql);
	if (ncols)
		snprintf(sql + len, sizeof sql - len, ") VALUES (%s)", vals);
	else
		snprintf(sql, sizeof sql, "INSERT INTO %s DEFAULT VALUES", t);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(msg, n, "data.%s[%lld]: %s", t, (long long)r, sqlite3_errmsg(db));
	int c = 0;
	lua_pushnil(L);
	while (lua_next(L, row)) { /* the same order as above: the table did not change */
		bind_value(L, st, ++c);
		lua_pop(L, 1);
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(msg, n, "data.%s[%lld]: %s", t, (long long)r, sqlite3_errmsg(db));
	return 0;
}

static int load_rows(lua_State *L, sqlite3 *db, int data, char *msg, size_t n)
{
	lua_pushnil(L);
	while (lua_next(L, data)) {
		int known = 0;
		const char *t = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		for (int i = 0; hd_user_tables[i]; i++)
			known |= !strcmp(hd_user_tables[i], t);
		lua_pop(L, 1);
		if (!known) {
			int rc = fail(msg, n, "data: no table '%s' in the schema", t);
			lua_pop(L, 1);
			return rc;
		}
	}
	/* Parents first, so that foreign keys hold row by row. */
	for (int ti = 0; hd_user_tables[ti]; ti++) {
		if (lua_getfield(L, data, hd_user_tables[ti]) != LUA_TTABLE) {
			lua_pop(L, 1);
			continue;
		}
		int rows = lua_gettop(L);
		for (lua_Integer r = 1; lua_rawgeti(L, rows, r) == LUA_TTABLE; r++) {
			if (insert_row(L, db, hd_user_tables[ti], r, lua_gettop(L), msg, n)) {
				lua_pop(L, 2);
				return -1;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 2); /* stack: the rows and the value that ended them */
	}
	return 0;
}

/* Subjects: reps = {...}, teams = {...} --------------------------------- */

static const char *const rep_fields[] = {"id",       "name",      "team",    "email", "role",
                                         "hired_on", "strengths", "metrics", "prev",  NULL};
static const char *const team_fields[] = {"id", "name", "manager", "department", "metrics", "prev", NULL};

/* Checks that the subject at idx has only known fields and a name. */
static int check_subject(lua_State *L, int idx, const char *what, const char *const *fields, char *msg,
                         size_t n)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		const char *best = NULL;
		int known = 0, bd = 99;
		for (int i = 0; k && fields[i]; i++) {
			int d = hd_edit_distance(k, fields[i]);
			known |= d == 0;
			if (d < bd) {
				bd = d;
				best = fields[i];
			}
		}
		if (!known) {
			char hint[80] = "", all[200] = "";
			if (best && bd <= 2)
				snprintf(hint, sizeof hint, " (did you mean '%s'?)", best);
			for (int i = 0; fields[i]; i++) {
				size_t len = strlen(all);
				snprintf(all + len, sizeof all - len, "%s%s", i ? ", " : "", fields[i]);
			}
			lua_pop(L, 1);
			return fail(msg, n, "%s: unknown field '%s'%s; a %s has %s", what,
			            k ? k : "(not a name)", hint, fields == rep_fields ? "rep" : "team", all);
		}
	}
	if (lua_getfield(L, idx, "name") != LUA_TSTRING) {
		lua_pop(L, 1);
		return fail(msg, n, "%s: give the name, like { name = \"Ana\", ... }", what);
	}
	lua_pop(L, 1);
	return 0;
}

/* The id of the i-th subject (from 1): its own, else i. */
static lua_Integer subject_id(lua_State *L, int idx, lua_Integer i)
{
	lua_getfield(L, idx, "id");
	lua_Integer id = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : i;
	lua_pop(L, 1);
	return id;
}

/* Binds field k of the subject at idx (a string, a whole number, or nil). */
static int bind_field(lua_State *L, int idx, const char *k, sqlite3_stmt *st, int i, const char *what,
                      char *msg, size_t n)
{
	int t = lua_getfield(L, idx, k);
	if (t != LUA_TNIL && t != LUA_TSTRING && !(t == LUA_TNUMBER && lua_isinteger(L, -1))) {
		lua_pop(L, 1);
		return fail(msg, n, "%s: %s must be a string, not a %s", what, k, lua_typename(L, t));
	}
	bind_value(L, st, i);
	lua_pop(L, 1);
	return 0;
}

static int step(sqlite3 *db, sqlite3_stmt *st, const char *what, char *msg, size_t n)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return fail(msg, n, "%s: %s", what, sqlite3_errmsg(db));
	return 0;
}

/* The id of the team named `name`, inserting it when the spec's teams do
 * not have it (a rep's team need not be listed). */
static int team_id(sqlite3 *db, const char *name, lua_Integer *id, const char *what, char *msg, size_t n)
{
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT id FROM teams WHERE name = ?1", -1, &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (found)
		return 0;
	sqlite3_prepare_v2(
	    db, "INSERT INTO teams (id, name) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM teams), ?1)", -1,
	    &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = step(db, st, what, msg, n);
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(db);
	return rc;
}

/* strengths = { "Achiever", ... }: an assessment taken and debriefed long
 * before any period, with these talents in rank order. */
static int add_strengths(lua_State *L, sqlite3 *db, int idx, lua_Integer rep, const char *what, char *msg,
                         size_t n)
{
	int t = lua_getfield(L, idx, "strengths");
	int list = lua_gettop(L), rc = 0;
	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (t != LUA_TTABLE) {
		lua_pop(L, 1);
		return fail(msg, n,
		            "%s: strengths must be a list of talents, like { \"Achiever\", \"Relator\" }",
		            what);
	}
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db,
	                   "INSERT INTO assessments (rep_id, instrument, taken_on, debriefed_on) "
	                   "VALUES (?1, 'test', '2000-01-01', '2000-01-01')",
	                   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, rep);
	rc = step(db, st, what, msg, n);
	sqlite3_finalize(st);
	sqlite3_int64 assessment = sqlite3_last_insert_rowid(db);
	sqlite3_prepare_v2(db, "INSERT INTO strengths (assessment_id, talent, rank) VALUES (?1, ?2, ?3)", -1,
	                   &st, NULL);
	for (lua_Integer i = 1; !rc && lua_rawgeti(L, list, i) != LUA_TNIL; i++) {
		if (lua_type(L, -1) != LUA_TSTRING) {
			rc = fail(msg, n, "%s: strengths[%lld] must be a string", what, (long long)i);
		} else {
			sqlite3_bind_int64(st, 1, assessment);
			sqlite3_bind_text(st, 2, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 3, i);
			rc = step(db, st, what, msg, n);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 2); /* the value that ended the list, and the list */
	sqlite3_finalize(st);
	return rc;
}

static int load_teams(lua_State *L, int list, sqlite3 *db, char *msg, size_t n)
{
	int top = lua_gettop(L);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO teams (id, name, manager, department) VALUES (?1, ?2, ?3, COALESCE(?4, 'sales'))",
	    -1, &st, NULL);
	int rc = 0;
	for (lua_Integer i = 1; !rc && lua_rawgeti(L, list, i) != LUA_TNIL; i++) {
		int idx = lua_gettop(L);
		char what[64];
		snprintf(what, sizeof what, "teams[%lld]", (long long)i);
		if (lua_type(L, idx) != LUA_TTABLE)
			rc = fail(msg, n, "%s: give a table, like { name = \"West\", metrics = { ... } }",
			          what);
		if (!rc)
			rc = check_subject(L, idx, what, team_fields, msg, n);
		if (!rc) {
			sqlite3_bind_int64(st, 1, subject_id(L, idx, i));
			rc = bind_field(L, idx, "name", st, 2, what, msg, n) ||
			     bind_field(L, idx, "manager", st, 3, what, msg, n) ||
			     bind_field(L, idx, "department", st, 4, what, msg, n) ||
			     step(db, st, what, msg, n);
		}
		lua_settop(L, idx - 1);
	}
	lua_settop(L, top);
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

static int load_reps(lua_State *L, int list, sqlite3 *db, char *msg, size_t n)
{
	int top = lua_gettop(L);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(
	    db, "INSERT INTO reps (id, name, team_id, email, role, hired_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    -1, &st, NULL);
	int rc = 0;
	for (lua_Integer i = 1; !rc && lua_rawgeti(L, list, i) != LUA_TNIL; i++) {
		int idx = lua_gettop(L);
		char what[64];
		snprintf(what, sizeof what, "reps[%lld]", (long long)i);
		if (lua_type(L, idx) != LUA_TTABLE)
			rc = fail(msg, n, "%s: give a table, like { name = \"Ana\", metrics = { ... } }",
			          what);
		if (!rc)
			rc = check_subject(L, idx, what, rep_fields, msg, n);
		lua_Integer id = subject_id(L, idx, i), team = 0;
		if (!rc) {
			int t = lua_getfield(L, idx, "team");
			if (t != LUA_TNIL && t != LUA_TSTRING)
				rc = fail(msg, n, "%s: team is the team's name, a string", what);
			else
				rc = team_id(db, t == LUA_TSTRING ? lua_tostring(L, -1) : "Team", &team, what,
				             msg, n);
			lua_pop(L, 1);
		}
		if (!rc) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 3, team);
			rc = bind_field(L, idx, "name", st, 2, what, msg, n) ||
			     bind_field(L, idx, "email", st, 4, what, msg, n) ||
			     bind_field(L, idx, "role", st, 5, what, msg, n) ||
			     bind_field(L, idx, "hired_on", st, 6, what, msg, n) ||
			     step(db, st, what, msg, n) || add_strengths(L, db, idx, id, what, msg, n);
		}
		lua_settop(L, idx - 1);
	}
	lua_settop(L, top);
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

int hd_tfix_load(lua_State *L, int spec, sqlite3 *db, char *msg, size_t n)
{
	int rc = 0, top = lua_gettop(L);
	int reps = lua_getfield(L, spec, "reps") != LUA_TNIL;
	int teams = lua_getfield(L, spec, "teams") != LUA_TNIL;
	int data = lua_getfield(L, spec, "data") == LUA_TTABLE ? lua_gettop(L) : 0;
	/* Subjects go in first, then rows: rows of reps may join teams given
	 * as subjects, but reps given as subjects make the teams they name. */
	if (data) {
		int rep_rows = lua_getfield(L, data, "reps") != LUA_TNIL;
		int team_rows = lua_getfield(L, data, "teams") != LUA_TNIL;
		if ((reps && rep_rows) || ((reps || teams) && team_rows)) {
			lua_settop(L, top);
			return fail(msg, n,
			            "give reps and teams either as subjects (reps = {...}) or as rows "
			            "(data = { reps = {...} }), not both");
		}
	}
	sqlite3_exec(db, "BEGIN; PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL);
	const char *const lists[] = {"teams", "reps"};
	for (int k = 0; k < 2 && !rc; k++) {
		int t = lua_getfield(L, spec, lists[k]);
		if (t == LUA_TTABLE)
			rc = (k ? load_reps : load_teams)(L, lua_gettop(L), db, msg, n);
		else if (t != LUA_TNIL)
			rc = fail(msg, n, "%s must be a list of tables", lists[k]);
		else
			lua_pop(L, 1);
	}
	if (!rc && data)
		rc = load_rows(L, db, data, msg, n);
	if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(msg, n, "data: %s (a row refers to one that is not in the fixture)",
		          sqlite3_errmsg(db));
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	lua_settop(L, top);
	return rc;
}

/* Metric values ---------------------------------------------------------- */

typedef struct preset {
	hd_engine *e;
	int metric, ctx, subject;
	double value;
} preset;

/* Sets one value in the memo; run by hd_lua_call in the engine's state,
 * since computing a SQL metric raises when it fails. */
static int l_preset(lua_State *L)
{
	preset *p = lua_touserdata(L, 1);
	hd_engine *e = p->e;
	const hd_metric_def *m = &e->rules.metrics[p->metric];
	hd_engine_ctx(e, p->ctx);
	hd_pctx *c = &e->ctx[p->ctx];
	size_t n = (size_t)(m->kind == HD_REP ? e->subj.nreps : e->subj.nteams);
	if (m->fn_ref == LUA_NOREF) {
		/* Computed first, so that the subjects the test gives no value to
		 * keep what the fixture's rows give them. */
		hd_metric_get(e, p->metric, p->ctx, p->subject);
	} else if (!c->state[p->metric]) { /* as metrics.c lays them out */
		c->state[p->metric] = hd_xcalloc(n ? n : 1, 1);
		c->values[p->metric] = hd_xmalloc(sizeof(double) * (n ? n : 1));
	}
	c->values[p->metric][p->subject] = p->value;
	if (m->fn_ref != LUA_NOREF)
		c->state[p->metric][p->subject] = 2; /* done */
	return 0;
}

/* The metrics and prev tables of the subject at idx (of `kind`, the
 * engine's subject `subject`, or -1 for one not evaluated). */
static int preset_subject(lua_State *L, int idx, hd_engine *e, hd_kind kind, int subject, const char *what,
                          char *msg, size_t n)
{
	static const char *const fields[] = {"metrics", "prev"};
	for (int ctx = 0; ctx < 2; ctx++) {
		int t = lua_getfield(L, idx, fields[ctx]);
		if (t == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		if (t != LUA_TTABLE) {
			lua_pop(L, 1);
			return fail(msg, n, "%s: %s must be a table of metric values", what, fields[ctx]);
		}
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			const char *name =
			    lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "(not a name)";
			int mi = hd_rules_metric(&e->rules, name);
			const char *hint = mi < 0 ? hd_rules_closest_metric(&e->rules, name) : NULL;
			int rc = 0;
			if (mi < 0 && hint)
				rc = fail(msg, n, "%s: %s: unknown metric '%s' (did you mean '%s'?)", what,
				          fields[ctx], name, hint);
			else if (mi < 0)
				rc = fail(msg, n, "%s: %s: unknown metric '%s'", what, fields[ctx], name);
			else if (e->rules.metrics[mi].kind != kind)
				rc = fail(msg, n, "%s: %s: '%s' is a %s metric; give it to the %s", what,
				          fields[ctx], name, kind == HD_REP ? "team" : "rep",
				          kind == HD_REP ? "rep's team in teams = { ... }"
				                         : "reps in reps = { ... }");
			else if (lua_type(L, -1) != LUA_TNUMBER || !isfinite(lua_tonumber(L, -1)))
				rc = fail(msg, n, "%s: %s.%s must be a number, not %s", what, fields[ctx],
				          name,
				          lua_type(L, -1) == LUA_TNUMBER ? "an infinity or NaN"
				                                         : luaL_typename(L, -1));
			if (!rc && subject >= 0) {
				preset p = {e, mi, ctx, subject, lua_tonumber(L, -1)};
				hd_lua_error le;
				lua_pushcfunction(e->lua.L, l_preset);
				lua_pushlightuserdata(e->lua.L, &p);
				if (hd_lua_call(&e->lua, 1, 0, &le))
					rc = fail(msg, n, "%s: %s.%s: %s%s%s", what, fields[ctx], name,
					          le.where, le.where[0] ? ": " : "", le.message);
			}
			if (rc) {
				lua_pop(L, 3);
				return -1;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	return 0;
}

int hd_tfix_preset(lua_State *L, int spec, hd_engine *e, char *msg, size_t n)
{
	static const char *const lists[] = {"reps", "teams"};
	int top = lua_gettop(L), rc = 0;
	for (int k = 0; k < 2 && !rc; k++) {
		if (lua_getfield(L, spec, lists[k]) != LUA_TTABLE)
			continue;
		int list = lua_gettop(L);
		for (lua_Integer i = 1; !rc && lua_rawgeti(L, list, i) == LUA_TTABLE; i++) {
			hd_kind kind = k ? HD_TEAM : HD_REP;
			int idx = hd_idmap_get(kind == HD_REP ? &e->subj.rep_ids : &e->subj.team_ids,
			                       subject_id(L, lua_gettop(L), i));
			char what[64];
			snprintf(what, sizeof what, "%s[%lld]", lists[k], (long long)i);
			/* A rep not evaluated in the period (hired after it) has no
			 * values to set, nor a team without such reps (idx -1); their
			 * tables are checked all the same. */
			rc = preset_subject(L, lua_gettop(L), e, kind, idx, what, msg, n);
			lua_pop(L, 1);
		}
		lua_settop(L, top);
	}
	lua_settop(L, top);
	return rc;
}
