/* metrics.c - the metric memo and the m views rules read it through.
 *
 * SQL metrics are computed set-based, one query for every subject, the
 * first time any rule reads them; Lua metrics per subject on first read.
 * Both are kept per period context (the run's period, m.prev, ...).
 */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

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

typedef struct view {
	unsigned char kind, ctx;
} view;

static int subject_count(const hd_engine *e, hd_kind kind)
{
	return kind == HD_REP ? e->subj.nreps : e->subj.nteams;
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

/* Rule SQL may read, and call functions other than those that reach
 * outside the database or hand out pointers. */
static int authorizer(void *ud, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)ud, (void)a, (void)c, (void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (!sqlite3_stricmp(b, "load_extension") || !sqlite3_stricmp(b, "fts3_tokenizer") ||
		    !sqlite3_stricmp(b, "readfile") || !sqlite3_stricmp(b, "writefile"))
			return SQLITE_DENY;
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

int hd_rule_sql_prepare(hd_engine *e, const char *sql, sqlite3_stmt **st, char *msg, size_t n)
{
	sqlite3_set_authorizer(e->db, authorizer, NULL);
	int rc = sqlite3_prepare_v3(e->db, sql, -1, 0, st, NULL);
	sqlite3_set_authorizer(e->db, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, n, "%s", rc == SQLITE_AUTH ? "only reading is allowed in rule SQL"
							 : sqlite3_errmsg(e->db));
		return -1;
	}
	if (!*st) {
		snprintf(msg, n, "the SQL is empty");
		return -1;
	}
	return 0;
}

static int progress(void *ud)
{
	hd_engine *e = ud;
	return hd_now() > e->sql_deadline;
}

void hd_rule_sql_arm(hd_engine *e)
{
	e->sql_deadline = hd_now() + e->cfg->sb_sql_ms / 1000.0;
	sqlite3_progress_handler(e->db, 10000, progress, e);
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

int hd_rule_sql_bind(hd_engine *e, sqlite3_stmt *st, int ctx, int extra, char *msg, size_t n)
{
	lua_State *L = e->lua.L;
	for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (!name || !name[1]) {
			snprintf(msg, n, "use named parameters (:name), not '?'");
			return -1;
		}
		int rc = -1;
		if (extra && lua_getfield(L, extra, name + 1) != LUA_TNIL) {
			switch (lua_type(L, -1)) {
			case LUA_TNUMBER:
				rc = lua_isinteger(L, -1) ? sqlite3_bind_int64(st, i, lua_tointeger(L, -1))
							  : sqlite3_bind_double(st, i, lua_tonumber(L, -1));
				break;
			case LUA_TSTRING: {
				size_t len;
				const char *s = lua_tolstring(L, -1, &len);
				rc = sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT);
				break;
			}
			case LUA_TBOOLEAN:
				rc = sqlite3_bind_int(st, i, lua_toboolean(L, -1));
				break;
			default:
				snprintf(msg, n, "parameter %s must be a number, string or boolean", name);
				lua_pop(L, 1);
				return -1;
			}
		} else {
			rc = bind_param(e, st, i, name + 1, ctx);
		}
		if (extra)
			lua_pop(L, 1);
		if (rc == -1) {
			snprintf(msg, n,
				 "unknown parameter %s (known: :start, :stop, :days, :as_of, :period, "
				 ":param_NAME%s)",
				 name, extra ? " and the keys of the params table" : "");
			return -1;
		}
	}
	return 0;
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
	return raise(e->lua.L, "%s", msg);
}

/* Runs a SQL metric for every subject of ctx.  Raises on failure. */
static void compute_sql(hd_engine *e, int mi, int ctx)
{
	const hd_metric_def *m = &e->rules.metrics[mi];
	int n = subject_count(e, m->kind);
	const hd_idmap *ids = m->kind == HD_REP ? &e->subj.rep_ids : &e->subj.team_ids;
	double t0 = hd_now(), none = m->has_default ? m->def : NAN;
	char msg[512];
	sqlite3_stmt *st;
	if (hd_rule_sql_prepare(e, m->sql, &st, msg, sizeof msg))
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	if (sqlite3_column_count(st) != 2 || hd_rule_sql_bind(e, st, ctx, 0, msg, sizeof msg)) {
		if (sqlite3_column_count(st) != 2)
			snprintf(msg, sizeof msg, "the query must return two columns (%s id, value), not %d",
				 m->kind == HD_REP ? "rep" : "team", sqlite3_column_count(st));
		sqlite3_finalize(st);
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	}
	/* Host work, not the rule's: a watching host gives it sql_ms more. */
	double allowance = e->cfg->sb_sql_ms / 1000.0;
	if (e->watch)
		e->watch->deadline += allowance;
	double *v = hd_xmalloc(sizeof *v * (size_t)(n ? n : 1));
	unsigned char *seen = hd_xcalloc((size_t)(n ? n : 1), 1);
	for (int i = 0; i < n; i++)
		v[i] = none;
	hd_rule_sql_arm(e);
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
	sqlite3_progress_handler(e->db, 0, NULL, NULL);
	snprintf(msg, sizeof msg, "%s", rc == SQLITE_INTERRUPT ? "the query ran longer than sandbox.sql_ms"
							       : sqlite3_errmsg(e->db));
	sqlite3_finalize(st);
	free(seen);
	hd_lua_pause(&e->lua, hd_now() - t0);
	if (e->watch)
		e->watch->deadline += hd_now() - t0 - allowance;
	if (has_dup) {
		free(v);
		fail_sql(e, mi, ctx, "%s: metric '%s': returned %s %lld twice; group the rows by %s", m->where,
			 m->name, m->kind == HD_REP ? "rep" : "team", dup, m->kind == HD_REP ? "rep_id" : "team_id");
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(v);
		fail_sql(e, mi, ctx, "%s: metric '%s': %s", m->where, m->name, msg);
	}
	e->ctx[ctx].values[mi] = v;
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
	hd_engine_ctx(e, ctx);
	double v;
	if (m->fn_ref != LUA_NOREF) {
		v = compute_fn(e, metric, ctx, subject);
	} else {
		if (e->ctx[ctx].failed[metric])
			raise(e->lua.L, "%s", e->ctx[ctx].failed[metric]);
		if (!e->ctx[ctx].values[metric])
			compute_sql(e, metric, ctx);
		v = e->ctx[ctx].values[metric][subject];
	}
	record(e, m->kind, metric, ctx, subject, v);
	return v;
}

int hd_metric_lookup(hd_engine *e, const char *name, hd_kind kind)
{
	lua_State *L = e->lua.L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->names_ref);
	int t = lua_getfield(L, -1, name);
	int mi = (int)lua_tointeger(L, -1);
	lua_pop(L, 2);
	if (t != LUA_TNUMBER) {
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

/* m.NAME and m.prev: upvalue 1 is the engine. */
static int view_index(lua_State *L)
{
	hd_engine *e = lua_touserdata(L, lua_upvalueindex(1));
	const view *v = lua_touserdata(L, 1);
	const char *key = lua_tostring(L, 2);
	if (lua_type(L, 2) != LUA_TSTRING)
		return luaL_error(L, "metrics are read by name: m.name or m[\"name\"]");
	if (!strcmp(key, "prev")) {
		if (v->ctx + 1 >= HD_MAX_PERIODS)
			return luaL_error(L, "m.prev goes back at most %d periods", HD_MAX_PERIODS - 1);
		hd_metrics_push_view(e, (hd_kind)v->kind, v->ctx + 1);
		return 1;
	}
	int mi = hd_metric_lookup(e, key, (hd_kind)v->kind);
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
	lua_pushfstring(L, "metrics of the %s for %s", v->kind == HD_REP ? "rep" : "team",
			v->ctx ? "previous period" : "period");
	return 1;
}

void hd_metrics_install(hd_engine *e)
{
	lua_State *L = e->lua.L;
	lua_newtable(L);
	e->names_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	luaL_newmetatable(L, VIEW_MT);
	lua_pushlightuserdata(L, e);
	lua_pushcclosure(L, view_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, view_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, view_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	/* Views are few and reused: cache them by kind and ctx. */
	lua_newtable(L);
	lua_setfield(L, -2, "views");
	lua_pop(L, 1);
}

void hd_metrics_push_view(hd_engine *e, hd_kind kind, int ctx)
{
	lua_State *L = e->lua.L;
	luaL_getmetatable(L, VIEW_MT);
	lua_getfield(L, -1, "views");
	int key = (int)kind * HD_MAX_PERIODS + ctx + 1;
	if (lua_rawgeti(L, -1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		view *v = lua_newuserdatauv(L, sizeof *v, 0);
		v->kind = (unsigned char)kind;
		v->ctx = (unsigned char)ctx;
		luaL_setmetatable(L, VIEW_MT);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, key); /* stack: mt views view */
	}
	lua_replace(L, -3);
	lua_pop(L, 1);
}

int hd_metrics_view_ctx(lua_State *L, int idx, hd_kind *kind)
{
	const view *v = luaL_testudata(L, idx, VIEW_MT);
	if (!v)
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
