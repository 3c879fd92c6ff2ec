/*
 * fixture.h - a whole engine for the tests that need one: a temporary
 * folder with huddle.cfg and a rules/ folder, an in-memory database with
 * a small sales team, and the result of one evaluation.
 *
 * The data: teams West (Ana, Ben) and East (Cy).
 *   Ana: won 500 + 250 in 2026-Q3, 300 in Q2, 100 in Q1; quota 1000 in Q2
 *        and Q3; strengths Achiever, Relator.
 *   Ben: won 1000 and lost 200 in 2026-Q3; quota 3000 in Q3; no assessment.
 *   Cy:  won 400 on 2026-06-25, an open deal in Q3; no quota.
 *   West has a 2026-Q3 target of 5000.
 */
#ifndef HUDDLE_UNIT_FIXTURE_H
#define HUDDLE_UNIT_FIXTURE_H

#include "support.h"

#include "eval.h"

typedef struct fx {
	char *dir;
	sqlite3 *db;
	hd_config cfg;
	hd_engine e;
	hd_result res;
	hd_err err;
	int has_cfg, has_engine, has_result;
} fx;

/* Calls of the SQL function count_call(x), which returns x: metric SQL
 * that uses it shows how often the engine ran it. */
extern long fx_sql_calls;

/* cmocka setup and teardown: *state becomes the fixture. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Writes rules/rules.lua and a huddle.cfg of `scripts = [ "rules" ];`
 * followed by cfg_extra (may be NULL). */
void fx_rules(fx *f, const char *lua, const char *cfg_extra);

/* Loads the config, opens the engine and evaluates period as of as_of;
 * any failure fails the test with its message. */
void fx_run(fx *f, const char *period, const char *as_of);

/* A subject of the result by name; fails the test when missing. */
const hd_scorecard *fx_rep(const fx *f, const char *name);
const hd_scorecard *fx_team(const fx *f, const char *name);

/* The item of a subject by rule name, or NULL. */
const hd_component *fx_component(const hd_scorecard *c, const char *rule);
const char *fx_recognized(const hd_scorecard *c, const char *rule);
const char *fx_coached(const hd_scorecard *c, const char *rule);
const hd_rule_error *fx_error(const hd_scorecard *c, const char *rule);

/* The text of a recognition that must be there, or the message of a
 * rule error that must be there; fails the test otherwise. */
const char *fx_text(const fx *f, const char *rep, const char *rule);
const char *fx_error_text(const fx *f, const char *rep, const char *rule);

#endif
