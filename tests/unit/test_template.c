/* test_template.c - ${x} in recognition messages and coaching advice. */
#include "fixture.h"

/* The metrics the messages below read (see fixture.h for the data). */
#define METRICS                                                                                              \
	"metric 'won_amount' { default = 0, sql = [[SELECT rep_id, SUM(amount) FROM deals\n"                 \
	"  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }\n"          \
	"metric 'quota' { sql = [[SELECT rep_id, SUM(amount) FROM quotas\n"                                  \
	"  WHERE starts_on < :stop AND ends_on >= :start GROUP BY rep_id]] }\n"                              \
	"metric 'attainment' { fn = function(m) return huddle.ratio(m.won_amount, m.quota) end }\n"          \
	"metric 'team_target' { subject = 'team', sql = [[SELECT team_id, SUM(amount)\n"                     \
	"  FROM team_targets WHERE starts_on < :stop AND ends_on >= :start GROUP BY team_id]] }\n"

/* Runs METRICS plus one recognition for every rep with this message. */
static void run_message(fx *f, const char *message)
{
	char lua[4096];
	snprintf(lua, sizeof lua,
	         "%s\nrecognize 'r' { when = function() return true end, message = [[%s]] }\n", METRICS,
	         message);
	fx_rules(f, lua, NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
}

static void name_placeholder_is_the_subject_name(void **state)
{
	fx *f = *state;
	run_message(f, "Thank you, ${name}!");
	assert_string_equal(fx_text(f, "Ana", "r"), "Thank you, Ana!");
	assert_string_equal(fx_text(f, "Cy", "r"), "Thank you, Cy!");
	assert_int_equal(f->res.nerrors, 0);
}

static void team_placeholder_is_the_team_name(void **state)
{
	fx *f = *state;
	run_message(f, "${name} of ${team} (${team_name})");
	assert_string_equal(fx_text(f, "Ana", "r"), "Ana of West (West)");
	assert_string_equal(fx_text(f, "Cy", "r"), "Cy of East (East)");
}

static void team_message_names_the_team(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         METRICS "recognize 'together' { subject = 'team', when = function() return true end,\n"
	                 "  message = 'Team ${name}, managed by ${manager}, target ${team_target}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(fx_recognized(fx_team(f, "West"), "together"),
	                    "Team West, managed by Mia, target 5000");
	assert_string_equal(fx_recognized(fx_team(f, "East"), "together"),
	                    "Team East, managed by Noor, target -");
}

static void integer_metric_is_written_without_decimals(void **state)
{
	fx *f = *state;
	run_message(f, "${name} (#${id}) won ${won_amount}");
	assert_string_equal(fx_text(f, "Ana", "r"), "Ana (#1) won 750");
	assert_string_equal(fx_text(f, "Ben", "r"), "Ben (#2) won 1000");
	assert_string_equal(fx_text(f, "Cy", "r"), "Cy (#3) won 0");
}

static void fraction_is_written_with_two_decimals(void **state)
{
	fx *f = *state;
	run_message(f, "${attainment}");
	assert_string_equal(fx_text(f, "Ana", "r"), "0.75");
	assert_string_equal(fx_text(f, "Ben", "r"), "0.33"); /* 1000 / 3000 */
}

static void numbers_round_to_two_places_and_keep_their_sign(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "metric 'two_thirds' { fn = function() return 2 / 3 end }\n"
	         "metric 'half_more' { fn = function() return 2.5 end }\n"
	         "metric 'loss' { fn = function() return -1.25 end }\n"
	         "metric 'debt' { fn = function() return -3 end }\n"
	         "metric 'float_int' { fn = function() return 12.0 end }\n"
	         "recognize 'r' { when = function() return true end,\n"
	         "  message = '${two_thirds} ${half_more} ${loss} ${debt} ${float_int}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(fx_text(f, "Ana", "r"), "0.67 2.50 -1.25 -3 12");
}

static void nil_metric_is_written_as_a_dash(void **state)
{
	fx *f = *state;
	run_message(f, "quota ${quota}, attainment ${attainment}");
	assert_string_equal(fx_text(f, "Cy", "r"), "quota -, attainment -"); /* Cy has no quota */
	assert_string_equal(fx_text(f, "Ana", "r"), "quota 1000, attainment 0.75");
}

/* rules.md: "${x} is a field of the subject (name, team, top_strength, ...)
 * ... nil as -".  A rep without an assessment has no top strength, and
 * the default rules' advice names ${top_strength} for every rep. */
static void empty_subject_field_is_written_as_a_dash(void **state)
{
	fx *f = *state;
	run_message(f, "${name}: ${top_strength}");
	assert_string_equal(fx_text(f, "Ana", "r"), "Ana: Achiever");
	assert_string_equal(fx_text(f, "Ben", "r"), "Ben: -");
}

static void rep_message_may_read_its_teams_metric(void **state)
{
	fx *f = *state;
	run_message(f, "${team} target ${team_target}");
	assert_string_equal(fx_text(f, "Ana", "r"), "West target 5000");
	assert_string_equal(fx_text(f, "Cy", "r"), "East target -");
}

static void unknown_placeholder_is_a_rule_error_for_that_subject(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         METRICS
	         "recognize 'bad' { when = function() return true end, message = 'Well done ${nmae}' }\n"
	         "recognize 'good' { when = function() return true end, message = 'Thanks ${name}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	for (int i = 0; i < f->res.nreps; i++) {
		const hd_scorecard *c = &f->res.reps[i];
		assert_null(fx_recognized(c, "bad"));
		const hd_rule_error *e = fx_error(c, "bad");
		assert_non_null(e);
		assert_contains(e->message, "unknown metric 'nmae'");
		assert_contains(e->where, "rules.lua:");
		/* The subject's other rules still ran. */
		assert_non_null(fx_recognized(c, "good"));
		assert_int_equal(c->nerrs, 1);
	}
	assert_int_equal(f->res.nerrors, f->res.nreps);
}

static void misspelt_metric_placeholder_suggests_the_name(void **state)
{
	fx *f = *state;
	run_message(f, "${won_amout}");
	assert_contains(fx_error_text(f, "Ana", "r"), "did you mean 'won_amount'");
}

static void team_message_cannot_read_rep_metrics(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         METRICS "recognize 'team_won' { subject = 'team', when = function() return true end,\n"
	                 "  message = 'Team won ${won_amount}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	const hd_scorecard *west = fx_team(f, "West");
	assert_null(fx_recognized(west, "team_won"));
	assert_non_null(fx_error(west, "team_won"));
	assert_contains(fx_error(west, "team_won")->message, "team:sum(\"won_amount\")");
}

/* rules.md: a string from when() "is the text, used as it stands": data
 * in it (a name with "${" in it) is never read as a template. */
static void when_returning_a_string_is_the_text_as_it_stands(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         METRICS "recognize 'closer' {\n"
	                 "  message = 'not this one',\n"
	                 "  when = function(rep, m)\n"
	                 "    if m.won_amount > 0 then return rep.name .. ' closed ' .. m.won_amount end\n"
	                 "  end }\n"
	                 "recognize 'literal' { message = '${name}', when = function() return 'costs "
	                 "${won_amount}' end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(fx_text(f, "Ana", "closer"), "Ana closed 750");
	assert_string_equal(fx_text(f, "Ben", "closer"), "Ben closed 1000");
	assert_null(fx_recognized(fx_rep(f, "Cy"), "closer")); /* nil: not recognized */
	assert_string_equal(fx_text(f, "Ana", "literal"), "costs ${won_amount}");
	assert_int_equal(f->res.nerrors, 0);
}

static void false_or_nil_from_when_gives_nothing(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "recognize 'never' { when = function() return false end, message = '${name}' }\n"
	         "coach 'quiet' { when = function() end, advice = '${name}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	for (int i = 0; i < f->res.nreps; i++) {
		assert_int_equal(f->res.reps[i].nrecs, 0);
		assert_int_equal(f->res.reps[i].ncoach, 0);
		assert_int_equal(f->res.reps[i].nerrs, 0);
	}
}

static void coaching_advice_is_expanded_like_messages(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         METRICS "coach 'behind' { severity = 'high',\n"
	                 "  when = function(rep, m) return m.attainment and m.attainment < 0.5 end,\n"
	                 "  advice = '${name} is at ${attainment} of quota; plan with ${team}' }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(fx_coached(fx_rep(f, "Ben"), "behind"),
	                    "Ben is at 0.33 of quota; plan with West");
	assert_null(fx_coached(fx_rep(f, "Ana"), "behind"));
	assert_string_equal(fx_rep(f, "Ben")->coach[0].rule->severity, "high");
}

static void message_defaults_to_the_doc(void **state)
{
	fx *f = *state;
	fx_rules(f,
	         "recognize 'plain' { doc = 'Closed a deal, ${name}', when = function() return true end }\n",
	         NULL);
	fx_run(f, "2026-Q3", "2026-09-30");
	assert_string_equal(fx_text(f, "Ana", "plain"), "Closed a deal, Ana");
}

static void text_without_placeholders_is_kept_as_written(void **state)
{
	fx *f = *state;
	run_message(f, "100% of $5 {not} $ {x} %s %d ${name");
	assert_string_equal(fx_text(f, "Ana", "r"), "100% of $5 {not} $ {x} %s %d ${name");
}

static void long_messages_with_many_placeholders_are_whole(void **state)
{
	fx *f = *state;
	/* Past the size of Lua's buffer on the C stack, so the buffer moves. */
	char msg[3000] = "", want[3000] = "";
	for (int i = 0; i < 60; i++) {
		strcat(msg, "${name} won ${won_amount}; ");
		strcat(want, "Ana won 750; ");
	}
	run_message(f, msg);
	assert_string_equal(fx_text(f, "Ana", "r"), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(name_placeholder_is_the_subject_name, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(team_placeholder_is_the_team_name, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(team_message_names_the_team, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(integer_metric_is_written_without_decimals, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(fraction_is_written_with_two_decimals, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(numbers_round_to_two_places_and_keep_their_sign, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(nil_metric_is_written_as_a_dash, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(empty_subject_field_is_written_as_a_dash, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(rep_message_may_read_its_teams_metric, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(unknown_placeholder_is_a_rule_error_for_that_subject, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(misspelt_metric_placeholder_suggests_the_name, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(team_message_cannot_read_rep_metrics, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(when_returning_a_string_is_the_text_as_it_stands, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(false_or_nil_from_when_gives_nothing, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(coaching_advice_is_expanded_like_messages, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(message_defaults_to_the_doc, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(text_without_placeholders_is_kept_as_written, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(long_messages_with_many_placeholders_are_whole, fx_setup,
	                                    fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
