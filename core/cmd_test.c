/* cmd_test.c - huddle test FILE...: Lua rule tests (SPEC section 5.6).
 *
 * A test file runs in a sandboxed state of its own with test(), eval{}
 * and the expectations (test_expect.c).  eval{} builds an in-memory
 * database from the fixture (test_fixture.c), runs a fresh engine over it
 * and hands back the result in the shape of the JSON output. */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "eval.h"
#include "test_expect.h"
#include "test_fixture.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_test = {
	"test", "run Lua rule tests; ends with the line 'N passed, N failed'",
	"usage: huddle test [--filter TEXT]... [--rules PATH]... FILE...\n\n"
	"Runs the tests in each Lua FILE against the loaded rules (the configured set\n"
	"plus every --rules PATH). A test builds a small database from fixture tables,\n"
	"evaluates a period and checks the result, which has the shape of the JSON\n"
	"output; or gives reps and teams with the values of their metrics as plain Lua\n"
	"tables. See docs/rules.md for test(), eval{}, rep(), component(), recognized(),\n"
	"coached(), errored() and the expect_* functions.\n\n"
	"  --filter TEXT  run only the tests whose name contains TEXT (given again: any)\n"
	"  --rules PATH   also load this rule file or folder for every test\n\n"
	"Exit status: 0 all passed; 1 a test failed; 2 usage error, or no test name\n"
	"contains a --filter TEXT.\n",
	run
};

typedef struct runner {
	const hd_config *cfg;
	const hd_strv *extra;
	const hd_strv *filters; /* run a test only if its name contains one */
	const char *file;	/* the test file being run */
	int passed, failed, left_out;
} runner;

static runner *runner_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
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
		push_card(L, hd_result_card(res, HD_REP, res->rep_order[i]));
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "reps");
	lua_createtable(L, res->nteams, 0);
	for (int i = 0; i < res->nteams; i++) {
		push_card(L, hd_result_card(res, HD_TEAM, res->team_order[i]));
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
	if (hd_tfix_load(L, 1, db, msg, sizeof msg)) {
		sqlite3_close(db);
		return luaL_error(L, "eval: %s", msg);
	}
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
	/* In this process: a watched worker costs a fork per eval{}, most of
	 * a test's time.  The sandbox's limits hold all the same (instruction
	 * budget, time through the hook, memory, sql_ms); what a test run
	 * gives up is the backstop for a rule stuck inside one C call. */
	e.in_process = 1;
	if (!rc)
		rc = hd_engine_prepare(&e, &p, as_of, &err);
	if (!rc && hd_tfix_preset(L, 1, &e, msg, sizeof msg))
		rc = hd_err_set(&err, HD_EINPUT, "%s", "");
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
	/* Say who is there: the usual slip is a name the fixture spells otherwise. */
	lua_settop(L, 2);
	lua_getfield(L, 1, set);
	int first = lua_gettop(L) + 1;
	for (lua_Integer i = 1; i <= 10; i++) {
		if (lua_rawgeti(L, 3, i) != LUA_TTABLE) {
			lua_pop(L, 1);
			break;
		}
		if (lua_getfield(L, -1, "name") != LUA_TSTRING) {
			lua_pop(L, 1);
			lua_pushliteral(L, "?");
		}
		lua_remove(L, -2); /* stack: list, names so far, this name */
		if (i > 1) {
			lua_pushliteral(L, ", ");
			lua_insert(L, -2);
		}
	}
	int more = lua_rawgeti(L, 3, 11) == LUA_TTABLE;
	lua_pop(L, 1);
	if (more)
		lua_pushliteral(L, ", ...");
	if (lua_gettop(L) < first)
		lua_pushliteral(L, "none");
	lua_concat(L, lua_gettop(L) - first + 1);
	const char *names = lua_tostring(L, -1);
	const char *key = hd_texpect_describe(L, 2);
	return hd_texpect_fail(L, "no %s %s in the result (%s: %s)", set[0] == 'r' ? "rep" : "team", key, set, names);
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
	static const luaL_Reg fns[] = { { "test", l_test }, { "eval", l_eval }, { NULL, NULL } };
	static const char *const finders[][3] = { { "component", "components", "rule" },
						  { "recognized", "recognitions", "policy" },
						  { "coached", "coaching", "trigger" },
						  { "errored", "errors", "rule" } };
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "huddle.tests");
	hd_texpect_install(L);
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

/* Whether --filter lets the test of this name run. */
static int wanted(const runner *rn, const char *name)
{
	for (int i = 0; i < rn->filters->n; i++)
		if (strstr(name, rn->filters->v[i]))
			return 1;
	return rn->filters->n == 0;
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
		if (!wanted(rn, name)) {
			rn->left_out++;
			free(name);
			lua_pop(L, 1);
			continue;
		}
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
					      { "filter", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_test };
	hd_strv extra = { 0 }, filters = { 0 };
	int opt, rc = 0;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0) {
		if (opt == 'R')
			hd_strv_push(&extra, optarg);
		else if (opt == 'f')
			hd_strv_push(&filters, optarg);
	}
	if (opt < 0)
		rc = opt == HD_CLI_HELPED ? 0 : opt;
	else if (optind >= argc)
		rc = hd_cli_usage_error(&cli, err, "name at least one test file");
	else if (!(rc = hd_cli_config(&cli, err))) {
		runner rn = { .cfg = &cli.cfg, .extra = &extra, .filters = &filters };
		for (int i = optind; i < argc; i++)
			run_file(&rn, argv[i]);
		if (rn.left_out)
			printf("%d test%s left out by --filter\n", rn.left_out, rn.left_out == 1 ? "" : "s");
		printf("%d passed, %d failed\n", rn.passed, rn.failed);
		rc = rn.failed ? HD_EFAIL : 0;
		/* A filter that matches nothing would pass in silence: a typo in CI. */
		if (filters.n && !rn.passed && !rn.failed)
			rc = hd_err_set(err, HD_EUSAGE, "no test name contains %s'%s'", filters.n > 1 ? "any of " : "",
					filters.v[0]);
	}
	hd_strv_free(&extra);
	hd_strv_free(&filters);
	hd_cli_close(&cli);
	return rc;
}
