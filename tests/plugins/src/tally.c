/*
 * tally.c - a working plugin of the tests' own, for test_host_api.py.
 *
 *	huddle.tally.scale(x)   x times plugins.tally.factor (default 2)
 *	huddle.tally.runs(name) how often the provider of metric name ran
 *	m.tally_created         rep: deals created in [start, stop), nil for none
 *	m.tally_as_of_day       team: the day of month of the as-of date
 *	m.tally_broken          rep: always fails, with a message
 *
 * and marks (marker.h) init, each provider call and fini.
 */
#include <huddle/plugin.h>

#include <lauxlib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "marker.h"

static const huddle_api *api;
static double factor = 2;
static int runs_created, runs_as_of, runs_broken;

static int l_scale(lua_State *L)
{
	lua_pushnumber(L, luaL_checknumber(L, 1) * factor);
	return 1;
}

static int l_runs(lua_State *L)
{
	static const char *const names[] = {"tally_created", "tally_as_of_day", "tally_broken", NULL};
	const int *counts[] = {&runs_created, &runs_as_of, &runs_broken};
	lua_pushinteger(L, *counts[luaL_checkoption(L, 1, NULL, names)]);
	return 1;
}

static int created(huddle_host *h, void *ud, huddle_metric_call *c)
{
	(void)ud;
	runs_created++;
	mark("tally", "tally_created");
	if (api->metric_kind(c) != HUDDLE_REP) {
		api->fail(h, "tally_created called for teams");
		return -1;
	}
	sqlite3 *db = api->metric_db(c);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT rep_id, COUNT(*) FROM deals WHERE created_on >= ?1 AND created_on < ?2 "
	        "GROUP BY rep_id",
	        -1, &st, NULL) != SQLITE_OK) {
		api->fail(h, "cannot count deals: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, api->metric_start(c), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, api->metric_stop(c), -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		api->metric_set(c, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
	sqlite3_finalize(st);
	return 0;
}

static int as_of_day(huddle_host *h, void *ud, huddle_metric_call *c)
{
	(void)ud;
	runs_as_of++;
	mark("tally", "tally_as_of_day");
	if (api->metric_kind(c) != HUDDLE_TEAM) {
		api->fail(h, "tally_as_of_day called for reps");
		return -1;
	}
	double day = atoi(api->metric_as_of(c) + 8);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(api->metric_db(c), "SELECT id FROM teams", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		api->metric_set(c, sqlite3_column_int64(st, 0), day);
	sqlite3_finalize(st);
	return 0;
}

static int broken(huddle_host *h, void *ud, huddle_metric_call *c)
{
	(void)ud, (void)c;
	runs_broken++;
	mark("tally", "tally_broken");
	api->fail(h, "the tally_broken metric always fails; that is what it is for");
	return -1;
}

/* A provider that never returns: only the watchdog ends it. */
static int spin(huddle_host *h, void *ud, huddle_metric_call *c)
{
	(void)h, (void)ud, (void)c;
	mark("tally", "tally_spin");
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	mark("tally", "init");
	const huddle_setting *f = api->setting_member(api->config(h), "factor");
	if (f && api->setting_float(f, &factor)) {
		api->fail(h, "%s:%d: plugins.tally.factor must be a number", api->setting_file(f),
		          api->setting_line(f));
		return -1;
	}
	return api->add_lua(h, "scale", l_scale, "x times plugins.tally.factor") ||
	       api->add_lua(h, "runs", l_runs, "how often a metric's provider ran") ||
	       api->add_metric(h, "tally_created", HUDDLE_REP, created, NULL,
	                       "deals created in the period") ||
	       api->add_metric(h, "tally_as_of_day", HUDDLE_TEAM, as_of_day, NULL,
	                       "day of month of the as-of date") ||
	       api->add_metric(h, "tally_broken", HUDDLE_REP, broken, NULL, "always fails") ||
	       api->add_metric(h, "tally_spin", HUDDLE_REP, spin, NULL, "never returns");
}

static void fini(huddle_host *h)
{
	(void)h;
	mark("tally", "fini");
}

HUDDLE_PLUGIN("tally", "0.3.0", "a plugin of the tests' own", init, fini);
