/*
 * test_fixture.h - the data of a rule test's eval{} (SPEC section 5.6).
 *
 * Two ways, which mix: rows of the schema's tables (data = { deals =
 * {...} }), for a test of the whole path from the data; and subjects with
 * the values of their metrics as plain Lua tables, for a test of a rule
 * whatever the SQL that feeds it:
 *
 *   reps  = { { name = "Ana", team = "West", metrics = { won_amount = 1200,
 *               quota = 1000 }, prev = { won_amount = 800 } } },
 *   teams = { { name = "West", metrics = { group_target = 5000 } } },
 *
 * A metric a subject's table leaves out is computed as in any run: a SQL
 * metric from the fixture's rows (often none: its default, or nil), a Lua
 * metric from the other metrics.
 */
#ifndef HUDDLE_TEST_FIXTURE_H
#define HUDDLE_TEST_FIXTURE_H

#include <lua.h>
#include <sqlite3.h>
#include <stddef.h>

#include "engine.h"

/* Inserts into db (fresh, with the schema) the subjects of the spec's
 * reps and teams, then the rows of its data; spec is the eval{} table at
 * that index of L.  Returns 0, or -1 with what is wrong in msg. */
int hd_tfix_load(lua_State *L, int spec, sqlite3 *db, char *msg, size_t n);

/* Sets the metric values the spec's subjects give (metrics: the run's
 * period; prev: the one before) in e's memo, after hd_engine_prepare.  A
 * metric name that is unknown or of the other kind of subject is an
 * error, as is a value that is not a number.  Returns 0, or -1 with msg. */
int hd_tfix_preset(lua_State *L, int spec, hd_engine *e, char *msg, size_t n);

#endif
