/* test_memo.c - metrics are computed once and kept: SQL metrics once for
 * every subject, Lua metrics once per subject, per period. */
#include "fixture.h"

#include <lauxlib.h>

#include "db.h"

#define WON_SQL                                                                                              \
	"[[SELECT rep_id, SUM(amount) FROM deals\n"                                                          \
	"  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]]"

/* The number a rep's component explains itself with, as "why". */
static const char *why(const fx *f, const char *rep, const char *rule)
{
	const hd_component *c = fx_component(fx_rep(f, rep), rule);
	assert_non_null(c);
	if (!c->why) {
		const hd_rule_error *e = fx_error(fx_rep(f, rep), rule);
		fail_msg("%s: %s has no explanation%s%s", rep, rule, e ? ": " : "", e ? e->message : "");
	}
	return c->why;
}

/* Global `calls` of the rules' Lua state: calls[rep id], or 0. */
static long lua_calls(const fx *f, long rep_id)
{
	lua_State *L = f->e.lua.L;
	long n = 0;
	if (lua_getglobal(L, "calls") == LUA_TTABLE && lua_rawgeti(L, -1, rep_id) == LUA_TNUMBER)
		n = (long)lua_tointeger(L, -1);
	lua_settop(L, 0);
	return n;
}

static void sql_metric_runs_once_for_all_subjects(void **state)
{
	fx *f = *state;
	/* count_call runs once per row: three reps, three rows a run. */
	fx_rules(f,
	         "metric 'probe' { sql = 'SELECT id, count_call(id) FROM reps' }\n"
	         "score 'a' { weight = 1, fn = function(rep, m) return 0.5, tostring(m.probe) end }\n"
	         "score 'b' { weight = 1, fn = function(rep, m) return m.probe / 10 end }\n"
	         "recognize 'c' { when = function(rep, m) return m.probe > 0 end, message = '${probe}' }\n"
	         "coach 'd' { when = function(rep, m) return m.probe > 0 end, advice = '${probe}' }\n"
	         "score 'team' { subject = 'team', weight = 1,\n"
	         "  fn = function(team, m) return 0.5, tostring(team:sum('probe')) end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_int_equal(fx_sql_calls, 3);
	/* And every subject got its own row's value. */
	assert_string_equal(why(f, "Ana", "a"), "1");
	assert_string_equal(why(f, "Cy", "a"), "3");
	assert_string_equal(fx_text(f, "Ben", "c"), "2");
	assert_string_equal(fx_coached(fx_rep(f, "Ben"), "d"), "2");
	assert_string_equal(fx_team(f, "West")->comps[0].why, "3");
	assert_int_equal(f->res.nerrors, 0);
}

static void sql_metric_nobody_reads_never_runs(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'probe' { sql = 'SELECT id, count_call(id) FROM reps' }\n"
	         "score 'flat' { weight = 1, fn = function() return 1 end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_int_equal(fx_sql_calls, 0);
}

static void lua_metric_is_computed_once_per_subject(void **state)
{
	fx *f = *state;
	fx_rules(
	    f,
	    "calls = {}\n"
	    "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	    "metric 'doubled' { fn = function(m, rep)\n"
	    "  calls[rep.id] = (calls[rep.id] or 0) + 1\n"
	    "  return 2 * m.won end }\n"
	    "metric 'tripled' { fn = function(m) return m.doubled * 1.5 end }\n"
	    "score 'a' { weight = 1, fn = function(rep, m) return 0.5, tostring(m.doubled) end }\n"
	    "score 'b' { weight = 1, fn = function(rep, m) return m.doubled + m.tripled > 0 and 1 or 0 end "
	    "}\n"
	    "recognize 'c' { when = function(rep, m) return true end, message = '${doubled}/${tripled}' }\n"
	    "score 'team' { subject = 'team', weight = 1,\n"
	    "  fn = function(team, m) return 0.5, tostring(team:sum('doubled')) end }\n",
	    NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	for (long id = 1; id <= 3; id++)
		if (lua_calls(f, id) != 1)
			fail_msg("the metric ran %ld times for rep %ld", lua_calls(f, id), id);
	assert_string_equal(why(f, "Ana", "a"), "1500");
	assert_string_equal(fx_text(f, "Ana", "c"), "1500/2250");
	assert_string_equal(fx_team(f, "West")->comps[0].why, "3500");
	assert_int_equal(f->res.nerrors, 0);
}

static void sql_metric_values_and_defaults(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	         "metric 'won_or_nil' { sql = " WON_SQL " }\n"
	         "metric 'null_row' { default = 7, sql = 'SELECT id, NULL FROM reps' }\n"
	         "score 's' { weight = 1, fn = function(rep, m)\n"
	         "  return 0.5, string.format('%g %s %g', m.won, m.won_or_nil, m.null_row) end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(why(f, "Ana", "s"), "750 750 7");
	assert_string_equal(why(f, "Cy", "s"), "0 nil 7"); /* Cy won nothing in Q3 */
}

static void prev_reads_the_previous_period(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	         "metric 'days' { sql = 'SELECT id, :days FROM reps' }\n"
	         "score 's' { weight = 1, fn = function(rep, m)\n"
	         "  return 0.5, string.format('%g %g %g | %g %g %g', m.won, m.prev.won, m.prev.prev.won,\n"
	         "                            m.days, m.prev.days, m.prev.prev.days) end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	/* Q3 (92 days), Q2 (91), Q1 (90) */
	assert_string_equal(why(f, "Ana", "s"), "750 300 100 | 92 91 90");
	assert_string_equal(why(f, "Ben", "s"), "1000 0 0 | 92 91 90");
	assert_string_equal(why(f, "Cy", "s"), "0 400 0 | 92 91 90");
}

static void prev_sql_metric_runs_once_per_period(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'probe' { sql = 'SELECT id, count_call(id) FROM reps' }\n"
	         "score 's' { weight = 1, fn = function(rep, m) return 0.5, tostring(m.probe + m.prev.probe) "
	         "end }\n"
	         "score 't' { weight = 1, fn = function(rep, m) return m.prev.probe / 10 end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_int_equal(fx_sql_calls, 6); /* three rows, two periods */
}

static void prev_of_a_range_is_the_same_length_just_before(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	         "score 's' { weight = 1, fn = function(rep, m) return 0.5, string.format('%g %g', m.won, "
	         "m.prev.won) end }\n",
	         NULL);
	/* 2026-06-21..2026-06-30 comes before: Cy's win of 25 June. */
	fx_run(f, "2026-07-01..2026-07-10", "2026-07-10");
	assert_string_equal(why(f, "Cy", "s"), "0 400");
	assert_string_equal(why(f, "Ana", "s"), "500 0");
}

static void prev_lua_metric_is_computed_from_the_previous_period(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "calls = {}\n"
	         "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	         "metric 'quota' { sql = [[SELECT rep_id, SUM(amount) FROM quotas\n"
	         "  WHERE starts_on < :stop AND ends_on >= :start GROUP BY rep_id]] }\n"
	         "metric 'attainment' { fn = function(m, rep)\n"
	         "  calls[rep.id] = (calls[rep.id] or 0) + 1\n"
	         "  return huddle.ratio(m.won, m.quota) end }\n"
	         "score 's' { weight = 1, fn = function(rep, m)\n"
	         "  return 0.5, string.format('%s %s', m.attainment, m.prev.attainment) end }\n"
	         "score 't' { weight = 1, fn = function(rep, m) return m.prev.attainment end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(why(f, "Ana", "s"), "0.75 0.3");
	assert_string_equal(why(f, "Ben", "s"), "0.33333333333333 nil"); /* no quota in Q2 */
	/* Once for each period, however many rules read it. */
	for (long id = 1; id <= 3; id++)
		assert_int_equal(lua_calls(f, id), 2);
}

static void metric_parameters_describe_the_period(void **state)
{
	fx *f = *state;
	fx_rules(
	    f,
	    "metric 'checked' { sql = [[SELECT id, CASE WHEN :start = '2026-07-01' AND :stop = '2026-10-01'\n"
	    "  AND :as_of = '2026-09-15' AND :period = '2026-Q3' THEN :days ELSE -1 END FROM reps]] }\n"
	    "metric 'floor' { sql = 'SELECT id, :param_floor FROM reps' }\n"
	    "metric 'unset' { default = -5, sql = 'SELECT id, :param_nothing FROM reps' }\n"
	    "score 's' { weight = 1, fn = function(rep, m)\n"
	    "  return 0.5, string.format('%g %g %g', m.checked, m.floor, m.unset) end }\n",
	    "rules = { params = { floor = 12.5; }; };\n");
	fx_run(f, "2026-Q3", "2026-09-15");
	assert_string_equal(why(f, "Ana", "s"), "92 12.5 -5");
}

static void rep_rule_may_read_its_teams_metric(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'target' { subject = 'team', sql = [[SELECT team_id, SUM(amount) FROM team_targets\n"
	         "  WHERE starts_on < :stop AND ends_on >= :start GROUP BY team_id]] }\n"
	         "score 's' { weight = 1, fn = function(rep, m) return 0.5, tostring(m.target) end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(why(f, "Ben", "s"), "5000");
	assert_string_equal(why(f, "Cy", "s"), "nil");
}

static void cycle_between_two_lua_metrics_is_a_rule_error(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'a' { fn = function(m) return m.b + 1 end }\n"
	         "metric 'b' { fn = function(m) return m.a + 1 end }\n"
	         "metric 'c' { fn = function(m) return m.c end }\n"
	         "score 'reads_a' { weight = 1, fn = function(rep, m) return m.a end }\n"
	         "score 'reads_b' { weight = 1, fn = function(rep, m) return m.b end }\n"
	         "score 'reads_c' { weight = 1, fn = function(rep, m) return m.c end }\n"
	         "score 'fine' { weight = 1, fn = function() return 0.5 end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	for (int i = 0; i < f->res.nreps; i++) {
		const hd_scorecard *c = &f->res.reps[i];
		assert_int_equal(c->nerrs, 3);
		assert_contains(fx_error(c, "reads_a")->message, "depends on itself");
		assert_contains(fx_error(c, "reads_b")->message, "depends on itself");
		assert_contains(fx_error(c, "reads_c")->message, "metric 'c' depends on itself");
		/* The subject's other rules still count. */
		assert_true(fx_component(c, "fine")->has_value);
		assert_true(c->has_score);
		assert_near(c->score, 50, 1e-9);
	}
}

static void unknown_metric_error_suggests_the_closest_name(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'won_amount' { default = 0, sql = " WON_SQL " }\n"
	         "score 'typo' { weight = 1, fn = function(rep, m) return m.won_amout end }\n"
	         "score 'nothing_like' { weight = 1, fn = function(rep, m) return m.zzzzzzzzzz end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	const char *typo = fx_error_text(f, "Ana", "typo");
	assert_contains(typo, "unknown metric 'won_amout'");
	assert_contains(typo, "did you mean 'won_amount'");
	const char *far = fx_error_text(f, "Ana", "nothing_like");
	assert_contains(far, "unknown metric 'zzzzzzzzzz'");
	assert_not_contains(far, "did you mean");
}

static void team_rule_reading_a_rep_metric_is_told_to_aggregate(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'won' { default = 0, sql = " WON_SQL " }\n"
	         "score 'direct' { subject = 'team', weight = 1, fn = function(team, m) return m.won end }\n"
	         "score 'summed' { subject = 'team', weight = 1,\n"
	         "  fn = function(team, m) return 0.5, string.format('%g %g', team:sum('won'), "
	         "team:sum('won', m.prev)) end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	const hd_scorecard *west = fx_team(f, "West");
	assert_contains(fx_error(west, "direct")->message, "team:sum(\"won\")");
	assert_string_equal(fx_component(west, "summed")->why, "1750 300");
	assert_string_equal(fx_component(fx_team(f, "East"), "summed")->why, "0 400");
}

static void sql_metric_must_return_each_subject_once(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'ungrouped' { sql = [[SELECT rep_id, amount FROM deals WHERE stage = 'won']] }\n"
	         "score 's' { weight = 1, fn = function(rep, m) return m.ungrouped end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	const char *msg = fx_error_text(f, "Ana", "s");
	assert_contains(msg, "returned rep 1 twice");
	assert_contains(msg, "group the rows by rep_id");
}

static void rule_sql_may_only_read(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'wipe' { sql = 'DELETE FROM deals RETURNING rep_id, amount' }\n"
	         "score 'reads_wipe' { weight = 1, fn = function(rep, m) return m.wipe end }\n"
	         "score 'writes' { weight = 1, fn = function(rep, m)\n"
	         "  return huddle.db.value('DELETE FROM deals RETURNING id') end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_contains(fx_error_text(f, "Ana", "reads_wipe"), "only reading is allowed in rule SQL");
	assert_contains(fx_error_text(f, "Ana", "writes"), "only reading is allowed in rule SQL");
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT count(*) FROM deals", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 8);
	sqlite3_finalize(st);
}

static void preparing_again_starts_a_fresh_memo(void **state)
{
	fx *f = *state;
	/* North (id 0) has one rep, hired in August: a subject in Q3 only,
	 * and the first team when it is one. */
	assert_int_equal(
	    hd_db_exec(f->db,
	               "INSERT INTO teams (id, name) VALUES (0, 'North');"
	               "INSERT INTO reps (id, name, team_id, hired_on) VALUES (4, 'Dee', 0, '2026-08-01');",
	               &f->err),
	    0);
	fx_rules(
	    f,
	    "metric 'won' { default = 0, sql = [[SELECT rep_id, count_call(SUM(amount)) FROM deals\n"
	    "  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }\n"
	    "recognize 'r' { when = function() return true end, message = '${name} of ${team} won ${won}' }\n"
	    "score 'p' { weight = 1, fn = function() return 0.5, huddle.period.label end }\n"
	    "recognize 't' { subject = 'team', when = function() return true end,\n"
	    "  message = '${name}' }\n"
	    "score 'members' { subject = 'team', weight = 1,\n"
	    "  fn = function(team, m) return 0.5, team.name .. ' ' .. #team.members .. ' ' .. "
	    "team:sum('won') end }\n",
	    NULL);
	fx_run(f, "2026-Q2", "2026-06-30");
	assert_int_equal(f->res.nteams, 2);
	assert_string_equal(fx_text(f, "Ana", "r"), "Ana of West won 300");
	assert_string_equal(fx_component(fx_rep(f, "Ana"), "p")->why, "2026-Q2");
	long calls = fx_sql_calls;

	hd_period q3;
	int as_of;
	assert_int_equal(hd_period_parse("2026-Q3", 1, &q3, &f->err), 0);
	assert_int_equal(hd_date_parse("2026-09-30", &as_of), 0);
	hd_result_free(&f->res);
	f->has_result = 0;
	assert_int_equal(hd_engine_prepare(&f->e, &q3, as_of, &f->err), 0);
	assert_int_equal(hd_eval_run(&f->e, &f->res, NULL, NULL, &f->err), 0);
	f->has_result = 1;
	assert_true(fx_sql_calls > calls); /* the new period's values, not the old */
	assert_int_equal(f->res.nteams, 3);
	assert_string_equal(fx_text(f, "Ana", "r"), "Ana of West won 750");
	assert_string_equal(fx_component(fx_rep(f, "Ana"), "p")->why, "2026-Q3");
	assert_string_equal(fx_text(f, "Dee", "r"), "Dee of North won 0");
	assert_string_equal(fx_text(f, "Cy", "r"), "Cy of East won 0");
	assert_string_equal(fx_recognized(fx_team(f, "North"), "t"), "North");
	assert_string_equal(fx_component(fx_team(f, "West"), "members")->why, "West 2 1750");
	assert_string_equal(fx_component(fx_team(f, "North"), "members")->why, "North 1 0");
}

static void lua_metric_must_return_a_number_or_nil(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'word' { fn = function() return 'many' end }\n"
	         "metric 'nan' { fn = function() return 0 / 0 end }\n"
	         "metric 'inf' { fn = function() return 1 / 0 end }\n"
	         "metric 'fails' { fn = function() error('no data for this rep') end }\n"
	         "score 'w' { weight = 1, fn = function(rep, m) return m.word end }\n"
	         "score 'n' { weight = 1, fn = function(rep, m) return m.nan end }\n"
	         "score 'i' { weight = 1, fn = function(rep, m) return m.inf end }\n"
	         "score 'f' { weight = 1, fn = function(rep, m) return m.fails end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_contains(fx_error_text(f, "Ana", "w"),
	                "metric 'word' returned a string; it must return a number or nil");
	assert_contains(fx_error_text(f, "Ana", "n"), "metric 'nan' computed NaN");
	assert_contains(fx_error_text(f, "Ana", "i"), "metric 'inf' computed an infinity");
	assert_contains(fx_error_text(f, "Ana", "f"), "no data for this rep");
	assert_false(fx_rep(f, "Ana")->has_score);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(sql_metric_runs_once_for_all_subjects, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(sql_metric_nobody_reads_never_runs, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(lua_metric_is_computed_once_per_subject, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(sql_metric_values_and_defaults, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(prev_reads_the_previous_period, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(prev_sql_metric_runs_once_per_period, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(prev_of_a_range_is_the_same_length_just_before, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(prev_lua_metric_is_computed_from_the_previous_period, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(metric_parameters_describe_the_period, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(rep_rule_may_read_its_teams_metric, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(cycle_between_two_lua_metrics_is_a_rule_error, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(unknown_metric_error_suggests_the_closest_name, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(team_rule_reading_a_rep_metric_is_told_to_aggregate, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(sql_metric_must_return_each_subject_once, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(rule_sql_may_only_read, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(lua_metric_must_return_a_number_or_nil, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(preparing_again_starts_a_fresh_memo, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
