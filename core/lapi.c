/* lapi.c - what rules see: the huddle table, rep and team objects, and
 * the team aggregates over members (SPEC section 5.5). */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lsafe.h"

#define TEAM_MT "huddle.team"
#define ROWS_MT "huddle.rows"

static hd_engine *engine(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

/* Rules get frozen views of rep and team objects (lsafe.h): the current
 * subject's objects are shared by every rule that runs for it, so a rule
 * that could write into them would change what the later rules see.
 *
 * The objects made while one subject is evaluated are kept until the
 * next (registry tables under these keys: index + 1 -> view), so rep.team
 * is one object however often it is read, a team's members and the reps
 * a team rule aggregates over are built once, and nothing piles up over
 * a run. */
static const char reps_key, teams_key, members_key;

/* Pushes the object kept under key for index and returns 1, or returns
 * 0 and pushes nothing. */
static int kept(lua_State *L, const void *key, int index)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	if (lua_rawgeti(L, -1, index + 1) == LUA_TNIL) {
		lua_pop(L, 2);
		return 0;
	}
	lua_remove(L, -2);
	return 1;
}

/* Keeps the object on top of the stack, which stays there. */
static void keep(lua_State *L, const void *key, int index)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, key);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, index + 1);
	lua_pop(L, 1);
}

/* Drops the objects kept so far (a table that is empty stays). */
static void forget_objects(lua_State *L)
{
	static const void *const keys[] = {&reps_key, &teams_key, &members_key};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, keys[i]) == LUA_TTABLE) {
			lua_pushnil(L);
			if (!lua_next(L, -2)) {
				lua_pop(L, 1);
				continue;
			}
			lua_pop(L, 2);
		}
		lua_pop(L, 1);
		lua_newtable(L);
		lua_rawsetp(L, LUA_REGISTRYINDEX, keys[i]);
	}
}

static void push_team(hd_engine *e, int t)
{
	lua_State *L = e->lua.L;
	if (kept(L, &teams_key, t))
		return;
	const hd_team_info *ti = &e->subj.teams[t];
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, ti->id);
	lua_setfield(L, -2, "id");
	set_str(L, "name", ti->name);
	set_str(L, "manager", ti->manager);
	set_str(L, "department", ti->department);
	lua_pushinteger(L, t);
	lua_setfield(L, -2, "_index");
	luaL_setmetatable(L, TEAM_MT);
	hd_lsafe_push_frozen(L, -1, "team");
	lua_replace(L, -2);
	keep(L, &teams_key, t);
}

static void push_rep(hd_engine *e, int i)
{
	lua_State *L = e->lua.L;
	if (kept(L, &reps_key, i))
		return;
	const hd_rep_info *r = &e->subj.reps[i];
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, r->id);
	lua_setfield(L, -2, "id");
	set_str(L, "name", r->name);
	set_str(L, "email", r->email);
	set_str(L, "role", r->role);
	set_str(L, "hired_on", r->hired_on);
	int hired;
	if (r->hired_on && !hd_date_parse(r->hired_on, &hired)) {
		lua_pushinteger(L, e->ctx[0].as_of - hired);
		lua_setfield(L, -2, "tenure_days");
	}
	lua_createtable(L, r->nstrengths, 0);
	for (int k = 0; k < r->nstrengths; k++) {
		lua_pushstring(L, r->strengths[k]);
		lua_rawseti(L, -2, k + 1);
	}
	lua_setfield(L, -2, "strengths");
	if (r->nstrengths)
		set_str(L, "top_strength", r->strengths[0]);
	push_team(e, r->team);
	lua_setfield(L, -2, "team");
	set_str(L, "team_name", e->subj.teams[r->team].name);
	hd_lsafe_push_frozen(L, -1, "rep");
	lua_replace(L, -2);
	keep(L, &reps_key, i);
}

void hd_lapi_push_subject(hd_engine *e, hd_kind kind, int index)
{
	lua_State *L = e->lua.L;
	if (kind == HD_TEAM) {
		push_team(e, index);
		return;
	}
	if (e->cached[kind] == index) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, e->cached_ref[kind]);
		return;
	}
	push_rep(e, index);
}

void hd_lapi_set_current(hd_engine *e, hd_kind kind, int index)
{
	lua_State *L = e->lua.L;
	e->cur[kind] = index;
	e->cached[kind] = -1;
	luaL_unref(L, LUA_REGISTRYINDEX, e->cached_ref[kind]);
	e->cached_ref[kind] = LUA_NOREF;
	/* Even a way around the views would not reach another subject's
	 * scorecard. */
	forget_objects(L);
	if (index >= 0 && kind == HD_REP) {
		push_rep(e, index);
		e->cached_ref[kind] = luaL_ref(L, LUA_REGISTRYINDEX);
		e->cached[kind] = index;
	}
}

/* The index of the team object at idx: the view rules hold, or the
 * table behind it, which Lua hands to team_index.  The index kept in the
 * object is only trusted when the object is the host's own for that
 * index now: a rule may pass a table of its own, or keep a team object
 * from an earlier subject. */
static int team_of(lua_State *L, hd_engine *e, int idx)
{
	luaL_checktype(L, idx, LUA_TTABLE);
	idx = lua_absindex(L, idx);
	if (hd_lsafe_push_real(L, idx) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_pushvalue(L, idx);
	}
	int obj = lua_gettop(L);
	lua_pushliteral(L, "_index");
	lua_rawget(L, obj);
	lua_Integer t = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
	lua_pop(L, 1);
	int genuine = 0;
	if (t >= 0 && t < e->subj.nteams && kept(L, &teams_key, (int)t)) {
		hd_lsafe_push_real(L, -1);
		genuine = lua_rawequal(L, -1, obj);
		lua_pop(L, 2);
	}
	lua_pop(L, 1);
	if (!genuine)
		luaL_argerror(L, idx, "expected a team object (rep.team, or the team a team rule runs for)");
	return (int)t;
}

/* The values of a rep metric over a team's members, skipping nils.
 * Arguments: team, metric name, [view]; returns a malloc'd array. */
static double *member_values(lua_State *L, int name_arg, int *count)
{
	hd_engine *e = engine(L);
	int t = team_of(L, e, 1);
	const char *name = luaL_checkstring(L, name_arg);
	int ctx = 0;
	if (!lua_isnoneornil(L, name_arg + 1)) {
		ctx = hd_metrics_view_ctx(L, name_arg + 1, NULL);
		if (ctx < 0)
			luaL_argerror(L, name_arg + 1, "expected a metric view such as m.prev");
	}
	int mi = hd_metric_lookup(e, name, HD_REP);
	if (e->rules.metrics[mi].kind != HD_REP)
		luaL_error(L, "'%s' is a team metric; read it as m.%s", name, name);
	const hd_team_info *ti = &e->subj.teams[t];
	/* Compute first: a metric read can raise, and must not leak the array. */
	for (int k = 0; k < ti->nmembers; k++)
		hd_metric_get(e, mi, ctx, ti->members[k]);
	double *v = hd_xmalloc(sizeof *v * (size_t)(ti->nmembers ? ti->nmembers : 1));
	int n = 0;
	for (int k = 0; k < ti->nmembers; k++) {
		double x = hd_metric_get(e, mi, ctx, ti->members[k]);
		if (!isnan(x))
			v[n++] = x;
	}
	*count = n;
	return v;
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void push_or_nil(lua_State *L, int ok, double v)
{
	hd_metrics_push_value(L, ok ? v : NAN);
}

static int team_sum(lua_State *L)
{
	int n;
	double *v = member_values(L, 2, &n), s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	free(v);
	hd_metrics_push_value(L, s);
	return 1;
}

static int team_avg(lua_State *L)
{
	int n;
	double *v = member_values(L, 2, &n), s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	free(v);
	push_or_nil(L, n > 0, n ? s / n : 0);
	return 1;
}

/* Linear interpolation between the closest ranks, p in [0, 100]. */
static double percentile(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_desc);
	double pos = (100 - p) / 100 * (n - 1);
	int lo = (int)floor(pos), hi = (int)ceil(pos);
	return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

static int team_median(lua_State *L)
{
	int n;
	double *v = member_values(L, 2, &n);
	double r = n ? percentile(v, n, 50) : 0;
	free(v);
	push_or_nil(L, n > 0, r);
	return 1;
}

static int team_percentile(lua_State *L)
{
	double p = luaL_checknumber(L, 3);
	luaL_argcheck(L, p >= 0 && p <= 100, 3, "a percentile is between 0 and 100");
	lua_remove(L, 3); /* the optional view moves to 3 */
	int n;
	double *v = member_values(L, 2, &n);
	double r = n ? percentile(v, n, p) : 0;
	free(v);
	push_or_nil(L, n > 0, r);
	return 1;
}

/* The share of the total held by the top fraction of members (at least
 * one member); nil when the total is not positive. */
static int team_share_of_top(lua_State *L)
{
	double f = luaL_checknumber(L, 2);
	luaL_argcheck(L, f > 0 && f <= 1, 2, "the fraction is in (0, 1]");
	int n;
	double *v = member_values(L, 3, &n), top = 0, all = 0;
	qsort(v, (size_t)n, sizeof *v, cmp_desc);
	int k = (int)ceil(f * n - 1e-9);
	if (k < 1)
		k = 1;
	for (int i = 0; i < n; i++) {
		all += v[i];
		if (i < k)
			top += v[i];
	}
	free(v);
	push_or_nil(L, n > 0 && all > 0, all > 0 ? top / all : 0);
	return 1;
}

/* team.members, built on the first read for a subject and kept beside
 * the team object, not in it, where a pairs() over it could be under
 * way. */
static int team_index(lua_State *L)
{
	hd_engine *e = engine(L);
	const char *k = lua_tostring(L, 2);
	if (k && !strcmp(k, "members")) {
		int t = team_of(L, e, 1);
		if (kept(L, &members_key, t))
			return 1;
		const hd_team_info *ti = &e->subj.teams[t];
		lua_createtable(L, ti->nmembers, 0);
		for (int i = 0; i < ti->nmembers; i++) {
			luaL_checkstack(L, 4, "team members");
			hd_lapi_push_subject(e, HD_REP, ti->members[i]);
			lua_rawseti(L, -2, i + 1);
		}
		hd_lsafe_push_frozen(L, -1, "team.members");
		keep(L, &members_key, t);
		return 1;
	}
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(2));
	return 1;
}

static int l_param(lua_State *L)
{
	hd_engine *e = engine(L);
	const hd_param *p = hd_config_param(e->cfg, luaL_checkstring(L, 1));
	if (!p)
		lua_settop(L, 2);
	else if (p->type == CONFIG_TYPE_STRING)
		lua_pushstring(L, p->str);
	else if (p->type == CONFIG_TYPE_BOOL)
		lua_pushboolean(L, p->num != 0);
	else
		lua_pushnumber(L, p->num);
	return 1;
}

static int l_clamp(lua_State *L)
{
	if (lua_isnil(L, 1))
		return 1;
	double x = luaL_checknumber(L, 1), lo = luaL_optnumber(L, 2, 0), hi = luaL_optnumber(L, 3, 1);
	lua_pushnumber(L, x < lo ? lo : x > hi ? hi : x);
	return 1;
}

static int l_ratio(lua_State *L)
{
	if (lua_isnil(L, 1) || lua_isnil(L, 2) || luaL_checknumber(L, 2) == 0) {
		lua_settop(L, 3);
		return 1;
	}
	lua_pushnumber(L, luaL_checknumber(L, 1) / luaL_checknumber(L, 2));
	return 1;
}

static int l_days_between(lua_State *L)
{
	int a, b;
	if (lua_isnil(L, 1) || lua_isnil(L, 2)) {
		lua_pushnil(L);
		return 1;
	}
	if (hd_date_parse(luaL_checkstring(L, 1), &a))
		return luaL_argerror(L, 1, "expected a date YYYY-MM-DD");
	if (hd_date_parse(luaL_checkstring(L, 2), &b))
		return luaL_argerror(L, 2, "expected a date YYYY-MM-DD");
	lua_pushinteger(L, b - a);
	return 1;
}

static int l_log(lua_State *L)
{
	static const char *const levels[] = { "debug", "info", "warn", NULL };
	int level = luaL_checkoption(L, 1, NULL, levels);
	if (level == 0 && !getenv("HUDDLE_DEBUG"))
		return 0;
	/* Through the sandbox's printer: no addresses, limited output. */
	luaL_where(L, 1);
	char prefix[320];
	snprintf(prefix, sizeof prefix, "%s: %s", levels[level], lua_tostring(L, -1));
	lua_pop(L, 1);
	hd_lsafe_log(L, 2, prefix);
	return 0;
}

/* A prepared statement owned by a userdata that is a to-be-closed slot
 * of query(): however query() ends (a memory error while rows are
 * pushed, a limit, a SQL error) the statement is finalized at once, so
 * no read transaction stays open to pin the WAL.  __gc is the backstop. */
static int rows_close(lua_State *L)
{
	sqlite3_stmt **st = luaL_checkudata(L, 1, ROWS_MT);
	sqlite3_finalize(*st);
	*st = NULL;
	return 0;
}

/* Pushes column c of the current row; raises on a failed conversion. */
static void push_column(lua_State *L, sqlite3_stmt *st, int c)
{
	const void *p;
	switch (sqlite3_column_type(st, c)) {
	case SQLITE_INTEGER:
		lua_pushinteger(L, sqlite3_column_int64(st, c));
		return;
	case SQLITE_FLOAT:
		lua_pushnumber(L, sqlite3_column_double(st, c));
		return;
	case SQLITE_NULL:
		lua_pushnil(L);
		return;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, c);
		break;
	default:
		p = sqlite3_column_text(st, c);
		break;
	}
	size_t n = (size_t)sqlite3_column_bytes(st, c);
	if (!p && n)
		luaL_error(L, "huddle.db: out of memory reading a column");
	lua_pushlstring(L, p ? p : "", n);
}

/* Runs rule SQL (argument 1) with a params table (argument 2) and leaves
 * a table of row tables keyed by column name; with `first` only the first
 * column of the first row (or nil).  The statement is prepared and bound
 * under the rule SQL sandbox (metrics.c). */
static void query(lua_State *L, int first)
{
	hd_engine *e = engine(L);
	size_t len;
	const char *sql = luaL_checklstring(L, 1, &len);
	if (memchr(sql, 0, len))
		luaL_error(L, "huddle.db: the SQL text contains a NUL byte");
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		/* A read-only view (rep, huddle.period) binds what it shows:
		 * parameters are read raw. */
		if (hd_lsafe_push_real(L, 2) == LUA_TTABLE)
			lua_replace(L, 2);
		else
			lua_pop(L, 1);
	}
	char msg[512];
	sqlite3_stmt **st = lua_newuserdatauv(L, sizeof *st, 0);
	*st = NULL;
	luaL_setmetatable(L, ROWS_MT);
	lua_toclose(L, -1);
	if (hd_rule_sql_prepare(e, sql, st, msg, sizeof msg) ||
	    hd_rule_sql_bind(e, *st, 0, lua_isnoneornil(L, 2) ? 0 : 2, msg, sizeof msg))
		luaL_error(L, "huddle.db: %s", msg);
	if (!first)
		lua_newtable(L); /* stack: ... box rows */
	sqlite3 *db = sqlite3_db_handle(*st);
	int rc, n = 0, cols = sqlite3_column_count(*st);
	double t0 = hd_now();
	hd_rule_sql_arm(e, e->cfg->sb_sql_ms / 1000.0);
	while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
		if (first) {
			push_column(L, *st, 0);
			break;
		}
		lua_createtable(L, 0, cols);
		for (int c = 0; c < cols; c++) {
			const char *name = sqlite3_column_name(*st, c);
			if (!name)
				luaL_error(L, "huddle.db: out of memory reading a column name");
			push_column(L, *st, c);
			lua_setfield(L, -2, name);
		}
		lua_rawseti(L, -2, ++n);
	}
	sqlite3_progress_handler(db, 0, NULL, NULL);
	hd_lua_pause(&e->lua, hd_now() - t0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		luaL_error(L, "huddle.db: %s",
		           rc == SQLITE_INTERRUPT ? "the query ran longer than sandbox.sql_ms"
		                                  : sqlite3_errmsg(db));
	if (first && rc != SQLITE_ROW)
		lua_pushnil(L);
	sqlite3_finalize(*st);
	*st = NULL;
}

static int rows_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
	lua_pushinteger(L, i);
	lua_replace(L, lua_upvalueindex(2));
	lua_rawgeti(L, lua_upvalueindex(1), i);
	return 1;
}

static int l_db_rows(lua_State *L)
{
	query(L, 0);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, rows_next, 2);
	return 1;
}

static int l_db_value(lua_State *L)
{
	query(L, 1);
	return 1;
}

void hd_lapi_set_period(hd_engine *e)
{
	lua_State *L = e->lua.L;
	const hd_pctx *c = &e->ctx[0];
	hd_lapi_set_current(e, HD_REP, -1);
	hd_lapi_set_current(e, HD_TEAM, -1);
	lua_getglobal(L, "huddle");
	lua_createtable(L, 0, 4);
	lua_pushstring(L, c->period.label);
	lua_setfield(L, -2, "label");
	lua_pushstring(L, c->start);
	lua_setfield(L, -2, "start");
	lua_pushstring(L, c->stop);
	lua_setfield(L, -2, "stop");
	lua_pushinteger(L, c->period.stop - c->period.start);
	lua_setfield(L, -2, "days");
	lua_setfield(L, -2, "period");
	lua_pushstring(L, c->as_of_iso);
	lua_setfield(L, -2, "as_of");
	lua_pop(L, 1);
}

void hd_lapi_install(hd_engine *e)
{
	lua_State *L = e->lua.L;
	static const luaL_Reg team_methods[] = { { "sum", team_sum },
						 { "avg", team_avg },
						 { "median", team_median },
						 { "percentile", team_percentile },
						 { "share_of_top", team_share_of_top },
						 { NULL, NULL } };
	static const luaL_Reg huddle[] = { { "param", l_param },	 { "clamp", l_clamp },
					   { "ratio", l_ratio },	 { "days_between", l_days_between },
					   { "log", l_log },		 { NULL, NULL } };
	static const luaL_Reg db[] = { { "rows", l_db_rows }, { "value", l_db_value }, { NULL, NULL } };

	e->cached[0] = e->cached[1] = -1;
	e->cached_ref[0] = e->cached_ref[1] = LUA_NOREF;
	e->cur[0] = e->cur[1] = -1;

	forget_objects(L);
	luaL_newmetatable(L, TEAM_MT);
	lua_pushlightuserdata(L, e);
	lua_newtable(L);
	lua_pushlightuserdata(L, e);
	luaL_setfuncs(L, team_methods, 1); /* stack: mt e methods */
	lua_pushcclosure(L, team_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	luaL_newmetatable(L, ROWS_MT);
	lua_pushcfunction(L, rows_close);
	lua_setfield(L, -2, "__close");
	lua_pushcfunction(L, rows_close);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);

	lua_newtable(L);
	lua_pushlightuserdata(L, e);
	luaL_setfuncs(L, huddle, 1);
	lua_newtable(L);
	lua_pushlightuserdata(L, e);
	luaL_setfuncs(L, db, 1);
	lua_setfield(L, -2, "db");
	lua_setglobal(L, "huddle");
}
