/* cmd_test.c - huddle test FILE...: Lua rule tests (SPEC section 5.6).
 *
 * A test file runs in a sandboxed state of its own with test(), eval{}
 * and the expectations.  eval{} builds an in-memory database from the
 * fixture, runs a fresh engine over it and hands back the result in the
 * shape of the JSON output. */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "eval.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_test = {
	"test", "run Lua rule tests; ends with the line 'N passed, N failed'",
	"usage: huddle test [--rules PATH]... FILE...\n\n"
	"Runs the tests in each Lua FILE against the loaded rules (the configured set\n"
	"plus every --rules PATH). A test builds a small database from fixture tables,\n"
	"evaluates a period and checks the result, which has the shape of the JSON\n"
	"output. See docs/rules.md for test(), eval{}, rep(), component(), recognized(),\n"
	"coached(), errored() and the expect_* functions.\n\n"
	"Exit status: 0 all passed; 1 a test failed; 2 usage error.\n",
	run
};

/* Fixture tables in the schema's order, so foreign keys hold. */
static const char *const tables[] = { "teams",	     "reps",	     "quotas",	      "team_targets",
				      "deals",	     "activities",   "trainings",     "training_attendance",
				      "insights",    "insight_uses", "assists",	      "cross_dept",
				      "assessments", "strengths",    "action_plans",  "checkins",
				      "coaching_sessions", "client_metrics", NULL };

typedef struct runner {
	const hd_config *cfg;
	const hd_strv *extra;
	const char *file; /* the test file being run */
	int passed, failed;
} runner;

static runner *runner_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Inserts the fixture rows of data (at index 1 of L's stack, a table). */
static int load_fixture(lua_State *L, sqlite3 *db, int data, char *msg, size_t n)
{
	sqlite3_exec(db, "BEGIN; PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL);
	lua_pushnil(L);
	while (lua_next(L, data)) {
		int known = 0;
		const char *t = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		for (int i = 0; tables[i]; i++)
			known |= !strcmp(tables[i], t);
		lua_pop(L, 1);
		if (!known) {
			snprintf(msg, n, "data: no table '%s' in the schema", t);
			lua_pop(L, 1);
			goto fail;
		}
	}
	for (int ti = 0; tables[ti]; ti++) {
		if (lua_getfield(L, data, tables[ti]) != LUA_TTABLE) {
			lua_pop(L, 1);
			continue;
		}
		int rows = lua_gettop(L);
		for (lua_Integer r = 1; lua_rawgeti(L, rows, r) == LUA_TTABLE; r++) {
			int row = lua_gettop(L);
			char sql[2048], vals[512];
			int ncols = 0;
			snprintf(sql, sizeof sql, "INSERT INTO %s (", tables[ti]);
			vals[0] = 0;
			lua_pushnil(L);
			while (lua_next(L, row)) {
				lua_pop(L, 1);
				if (lua_type(L, -1) != LUA_TSTRING || strlen(sql) > sizeof sql - 128) {
					snprintf(msg, n, "data.%s[%lld]: column names must be strings", tables[ti], (long long)r);
					lua_pop(L, 3);
					goto fail;
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
				snprintf(sql, sizeof sql, "INSERT INTO %s DEFAULT VALUES", tables[ti]);
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
				snprintf(msg, n, "data.%s[%lld]: %s", tables[ti], (long long)r, sqlite3_errmsg(db));
				lua_pop(L, 2);
				goto fail;
			}
			int c = 0;
			lua_pushnil(L);
			while (lua_next(L, row)) {
				c++;
				switch (lua_type(L, -1)) {
				case LUA_TNUMBER:
					if (lua_isinteger(L, -1))
						sqlite3_bind_int64(st, c, lua_tointeger(L, -1));
					else
						sqlite3_bind_double(st, c, lua_tonumber(L, -1));
					break;
				case LUA_TBOOLEAN:
					sqlite3_bind_int(st, c, lua_toboolean(L, -1));
					break;
				case LUA_TSTRING:
					sqlite3_bind_text(st, c, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
					break;
				default:
					break; /* NULL */
				}
				lua_pop(L, 1);
			}
			int rc = sqlite3_step(st);
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE) {
				snprintf(msg, n, "data.%s[%lld]: %s", tables[ti], (long long)r, sqlite3_errmsg(db));
				lua_pop(L, 2);
				goto fail;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(msg, n, "data: %s (a row refers to one that is not in the fixture)", sqlite3_errmsg(db));
		goto fail;
	}
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static void set_num(lua_State *L, const char *k, int has, double v)
{
	if (has) {
		lua_pushnumber(L, v);
		lua_setfield(L, -2, k);
	}
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

static void push_items(lua_State *L, const hd_item *it, int n, const char *key, const char *text)
{
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 3);
		set_str(L, key, it[i].rule->name);
		set_str(L, text, it[i].text);
		if (!strcmp(key, "trigger"))
			set_str(L, "severity", it[i].rule->severity);
		lua_rawseti(L, -2, i + 1);
	}
}

static void push_card(lua_State *L, const hd_scorecard *c)
{
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, c->id);
	lua_setfield(L, -2, "id");
	set_str(L, "name", c->name);
	set_str(L, "team", c->team);
	set_num(L, "score", c->has_score, c->score);
	set_num(L, "rank", c->rank != 0, c->rank);
	if (c->kind == HD_REP)
		set_num(L, "team_rank", c->team_rank != 0, c->team_rank);
	else
		set_num(L, "members", 1, c->members);
	lua_createtable(L, c->ncomps, 0);
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		lua_createtable(L, 0, 5);
		set_str(L, "rule", k->rule->name);
		set_num(L, "value", k->has_value, k->value);
		set_num(L, "raw", k->has_value, k->raw);
		set_num(L, "weight", 1, k->rule->weight);
		set_str(L, "why", k->why);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "components");
	push_items(L, c->recs, c->nrecs, "policy", "message");
	lua_setfield(L, -2, "recognitions");
	push_items(L, c->coach, c->ncoach, "trigger", "advice");
	lua_setfield(L, -2, "coaching");
	lua_createtable(L, c->nerrs, 0);
	for (int i = 0; i < c->nerrs; i++) {
		lua_createtable(L, 0, 3);
		set_str(L, "rule", c->errs[i].rule);
		set_str(L, "where", c->errs[i].where);
		set_str(L, "message", c->errs[i].message);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "errors");
}

static void push_result(lua_State *L, const hd_result *res)
{
	lua_createtable(L, 0, 3);
	lua_createtable(L, 0, 5);
	set_str(L, "period", res->period.label);
	set_str(L, "start", res->start);
	set_str(L, "stop", res->stop);
	set_str(L, "as_of", res->as_of);
	set_str(L, "rules_hash", res->rules_hash);
	lua_setfield(L, -2, "run");
	lua_createtable(L, res->nreps, 0);
	for (int i = 0; i < res->nreps; i++) {
		push_card(L, &res->reps[res->rep_order[i]]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "reps");
	lua_createtable(L, res->nteams, 0);
	for (int i = 0; i < res->nteams; i++) {
		push_card(L, &res->teams[res->team_order[i]]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "teams");
}

/* Strings of a Lua array field of the spec, appended to v. */
static void strings(lua_State *L, const char *k, hd_strv *v, const char *dir)
{
	if (lua_getfield(L, 1, k) != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
		const char *s = lua_tostring(L, -1);
		if (dir && s[0] != '/') {
			char *p = hd_xmalloc(strlen(dir) + strlen(s) + 2);
			sprintf(p, "%s/%s", dir, s);
			hd_strv_push(v, p);
			free(p);
		} else {
			hd_strv_push(v, s);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 2); /* stack: the table and the nil that ended it */
}

/* The test's copy of the config: the same, with its own rule paths,
 * params, weights and disabled rules.  Only the replaced parts are freed. */
typedef struct test_config {
	hd_config cfg;
	hd_strv scripts, disabled;
	hd_param *params;
	hd_weight *weights;
} test_config;

static void test_config_build(lua_State *L, const runner *rn, test_config *tc)
{
	const hd_config *base = rn->cfg;
	memset(tc, 0, sizeof *tc);
	tc->cfg = *base;
	for (int i = 0; i < base->scripts.n; i++)
		hd_strv_push(&tc->scripts, base->scripts.v[i]);
	for (int i = 0; i < rn->extra->n; i++)
		hd_strv_push(&tc->scripts, rn->extra->v[i]);
	char *dir = hd_xstrdup(rn->file), *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	strings(L, "rules", &tc->scripts, dir);
	free(dir);
	for (int i = 0; i < base->disabled.n; i++)
		hd_strv_push(&tc->disabled, base->disabled.v[i]);
	strings(L, "disabled", &tc->disabled, NULL);
	int np = base->nparams, nw = base->nweights;
	tc->params = hd_xcalloc((size_t)np + 64, sizeof *tc->params);
	if (np)
		memcpy(tc->params, base->params, sizeof *tc->params * (size_t)np);
	if (lua_getfield(L, 1, "params") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2) && np < base->nparams + 64) {
			if (lua_type(L, -2) == LUA_TSTRING) {
				/* A test's param shadows the config's of the same name: put it first. */
				memmove(tc->params + 1, tc->params, sizeof *tc->params * (size_t)np);
				hd_param *p = &tc->params[0];
				memset(p, 0, sizeof *p);
				p->name = (char *)lua_tostring(L, -2);
				if (lua_type(L, -1) == LUA_TSTRING) {
					p->type = CONFIG_TYPE_STRING;
					p->str = (char *)lua_tostring(L, -1);
				} else if (lua_type(L, -1) == LUA_TBOOLEAN) {
					p->type = CONFIG_TYPE_BOOL;
					p->num = lua_toboolean(L, -1);
				} else {
					p->type = CONFIG_TYPE_FLOAT;
					p->num = lua_tonumber(L, -1);
				}
				np++;
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1); /* the params table stays referenced by the spec */
	tc->weights = hd_xcalloc((size_t)nw + 64, sizeof *tc->weights);
	if (nw)
		memcpy(tc->weights, base->weights, sizeof *tc->weights * (size_t)nw);
	if (lua_getfield(L, 1, "weights") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2) && nw < base->nweights + 64) {
			if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TNUMBER)
				tc->weights[nw++] = (hd_weight){ (char *)lua_tostring(L, -2), lua_tonumber(L, -1), 0 };
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	tc->cfg.scripts = tc->scripts;
	tc->cfg.disabled = tc->disabled;
	tc->cfg.params = tc->params;
	tc->cfg.nparams = np;
	tc->cfg.weights = tc->weights;
	tc->cfg.nweights = nw;
	tc->cfg.path = (char *)rn->file; /* for messages only; never freed */
}

static void test_config_free(test_config *tc)
{
	hd_strv_free(&tc->scripts);
	hd_strv_free(&tc->disabled);
	free(tc->params);
	free(tc->weights);
}

/* eval{ period, as_of, data, params, weights, disabled, rules } */
static int l_eval(lua_State *L)
{
	runner *rn = runner_of(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	hd_err err = { 0, "" };
	char msg[2048] = "";
	hd_period p;
	int as_of;
	const char *ps = lua_getfield(L, 1, "period") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	const char *as = lua_getfield(L, 1, "as_of") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	if (!ps)
		return luaL_error(L, "eval: give the period, like period = \"2026-Q3\"");
	if (hd_period_parse(ps, rn->cfg->fiscal_year_start, &p, &err) || hd_cli_as_of(as, &p, &as_of, &err))
		return luaL_error(L, "eval: %s", err.msg);
	lua_settop(L, 1);
	sqlite3 *db;
	if (hd_db_open_memory(&db, &err))
		return luaL_error(L, "eval: %s", err.msg);
	int data = lua_getfield(L, 1, "data") == LUA_TTABLE ? lua_gettop(L) : 0;
	if (data && load_fixture(L, db, data, msg, sizeof msg)) {
		sqlite3_close(db);
		return luaL_error(L, "eval: %s", msg);
	}
	lua_settop(L, 1);
	test_config tc;
	test_config_build(L, rn, &tc);
	hd_engine e;
	hd_result res;
	int rc = hd_engine_open(&e, &tc.cfg, db, NULL, &err);
	if (rc == HD_EINPUT) {
		size_t len = 0;
		for (int i = 0; i < e.rules.problems.n && len < sizeof msg - 2; i++, len = strlen(msg))
			snprintf(msg + len, sizeof msg - len, "\n  %s", e.rules.problems.v[i]);
	}
	if (!rc)
		rc = hd_engine_prepare(&e, &p, as_of, &err);
	if (!rc)
		rc = hd_eval_run(&e, &res, NULL, NULL, &err);
	if (!rc) {
		push_result(L, &res);
		hd_result_free(&res);
	}
	hd_engine_close(&e);
	test_config_free(&tc);
	sqlite3_close(db);
	if (rc)
		return luaL_error(L, "eval: %s%s", err.msg, msg);
	return 1;
}

/* Describes a value for a failure message. */
static const char *describe(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return lua_pushliteral(L, "nil");
	case LUA_TSTRING:
		return lua_pushfstring(L, "\"%s\"", lua_tostring(L, idx));
	case LUA_TNUMBER: {
		char buf[64];
		snprintf(buf, sizeof buf, "%.17g", lua_tonumber(L, idx));
		return lua_pushstring(L, buf);
	}
	case LUA_TBOOLEAN:
		return lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
	default:
		return lua_pushstring(L, luaL_typename(L, idx));
	}
}

/* Ends the test with a failure at the caller's line. */
static int fail(lua_State *L, const char *fmt, ...)
{
	va_list ap;
	luaL_where(L, 1);
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_concat(L, 2);
	return lua_error(L);
}

static int l_expect_eq(lua_State *L)
{
	lua_settop(L, 2);
	if (!lua_rawequal(L, 1, 2))
		return fail(L, "expected %s, got %s", describe(L, 2), describe(L, 1));
	return 0;
}

static int l_expect_near(lua_State *L)
{
	double tol = luaL_optnumber(L, 3, 1e-9);
	if (lua_type(L, 1) != LUA_TNUMBER || lua_type(L, 2) != LUA_TNUMBER ||
	    !(fabs(lua_tonumber(L, 1) - lua_tonumber(L, 2)) <= tol)) {
		char t[32]; /* lua_pushfstring has no %g */
		snprintf(t, sizeof t, "%g", tol);
		return fail(L, "expected %s (within %s), got %s", describe(L, 2), t, describe(L, 1));
	}
	return 0;
}

static int l_expect_true(lua_State *L)
{
	if (!lua_toboolean(L, 1))
		return fail(L, "expected a true value, got %s", describe(L, 1));
	return 0;
}

static int l_expect_false(lua_State *L)
{
	if (lua_toboolean(L, 1))
		return fail(L, "expected false or nil, got %s", describe(L, 1));
	return 0;
}

static int l_expect_nil(lua_State *L)
{
	if (!lua_isnoneornil(L, 1))
		return fail(L, "expected nil, got %s", describe(L, 1));
	return 0;
}

/* rep(r, key) and team(r, key): upvalue 2 is "reps" or "teams". */
static int l_subject(lua_State *L)
{
	const char *set = lua_tostring(L, lua_upvalueindex(2));
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, set);
	for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
		lua_getfield(L, -1, lua_type(L, 2) == LUA_TNUMBER ? "id" : "name");
		int same = lua_compare(L, -1, 2, LUA_OPEQ);
		lua_pop(L, 1);
		if (same)
			return 1;
		lua_pop(L, 1);
	}
	return fail(L, "no %s %s in the result", set[0] == 'r' ? "rep" : "team", describe(L, 2));
}

/* component(s, rule) and friends: upvalue 2 the list, 3 the key field. */
static int l_find(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	const char *name = luaL_checkstring(L, 2);
	lua_getfield(L, 1, lua_tostring(L, lua_upvalueindex(2)));
	for (lua_Integer i = 1; lua_type(L, -1) == LUA_TTABLE && lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
		lua_getfield(L, -1, lua_tostring(L, lua_upvalueindex(3)));
		int same = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), name);
		lua_pop(L, 1);
		if (same)
			return 1;
		lua_pop(L, 1);
	}
	lua_pushnil(L);
	return 1;
}

static int l_test(lua_State *L)
{
	luaL_checkstring(L, 1);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_getfield(L, LUA_REGISTRYINDEX, "huddle.tests");
	lua_createtable(L, 2, 0);
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, 1);
	lua_pushvalue(L, 2);
	lua_rawseti(L, -2, 2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static void install(lua_State *L, runner *rn)
{
	static const luaL_Reg fns[] = { { "test", l_test },
					{ "eval", l_eval },
					{ "expect_eq", l_expect_eq },
					{ "expect_near", l_expect_near },
					{ "expect_true", l_expect_true },
					{ "expect_false", l_expect_false },
					{ "expect_nil", l_expect_nil },
					{ NULL, NULL } };
	static const char *const finders[][3] = { { "component", "components", "rule" },
						  { "recognized", "recognitions", "policy" },
						  { "coached", "coaching", "trigger" },
						  { "errored", "errors", "rule" } };
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "huddle.tests");
	lua_pushglobaltable(L);
	lua_pushlightuserdata(L, rn);
	luaL_setfuncs(L, fns, 1);
	for (int i = 0; i < 2; i++) {
		lua_pushlightuserdata(L, rn);
		lua_pushstring(L, i ? "teams" : "reps");
		lua_pushcclosure(L, l_subject, 2);
		lua_setfield(L, -2, i ? "team" : "rep");
	}
	for (int i = 0; i < 4; i++) {
		lua_pushlightuserdata(L, rn);
		lua_pushstring(L, finders[i][1]);
		lua_pushstring(L, finders[i][2]);
		lua_pushcclosure(L, l_find, 3);
		lua_setfield(L, -2, finders[i][0]);
	}
	lua_pop(L, 1);
}

/* Runs one test file: loads it (which registers its tests), then each test. */
static void run_file(runner *rn, const char *path)
{
	hd_lua h;
	hd_err err;
	hd_lua_error le;
	rn->file = path;
	/* Tests run many evaluations: they get a far larger budget than a rule. */
	if (hd_lua_open(&h, 1000000000000LL, 600000, 1024, &err)) {
		printf("FAIL %s\n     %s\n", path, err.msg);
		rn->failed++;
		return;
	}
	lua_State *L = h.L;
	install(L, rn);
	if (hd_lua_loadfile(&h, path, &le) || hd_lua_call(&h, 0, 0, &le)) {
		printf("FAIL %s\n     %s%s%s\n", path, le.where, le.where[0] ? ": " : "", le.message);
		rn->failed++;
		hd_lua_close(&h);
		return;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "huddle.tests");
	int tests = lua_gettop(L);
	for (lua_Integer i = 1; lua_rawgeti(L, tests, i) == LUA_TTABLE; i++) {
		lua_rawgeti(L, -1, 1);
		char *name = hd_xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
		lua_rawgeti(L, -1, 2);
		if (hd_lua_call(&h, 0, 0, &le)) {
			printf("FAIL %s\n     %s%s%s\n", name, le.where, le.where[0] ? ": " : "", le.message);
			rn->failed++;
		} else {
			printf("ok   %s\n", name);
			rn->passed++;
		}
		free(name);
		lua_pop(L, 1);
	}
	hd_lua_close(&h);
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_test };
	hd_strv extra = { 0 };
	int opt, rc;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0)
		if (opt == 'R')
			hd_strv_push(&extra, optarg);
	if (opt < 0) {
		hd_strv_free(&extra);
		return opt == HD_CLI_HELPED ? 0 : opt;
	}
	if (optind >= argc) {
		hd_strv_free(&extra);
		return hd_cli_usage_error(&cli, err, "name at least one test file");
	}
	if ((rc = hd_cli_config(&cli, err))) {
		hd_strv_free(&extra);
		hd_cli_close(&cli);
		return rc;
	}
	runner rn = { .cfg = &cli.cfg, .extra = &extra };
	for (int i = optind; i < argc; i++)
		run_file(&rn, argv[i]);
	printf("%d passed, %d failed\n", rn.passed, rn.failed);
	hd_strv_free(&extra);
	hd_cli_close(&cli);
	return rn.failed ? HD_EFAIL : 0;
}
