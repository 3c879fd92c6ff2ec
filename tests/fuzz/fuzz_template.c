/*
 * fuzz_template.c - arbitrary text as the message of a recognition, so
 * hd_template_expand (through hd_eval_run) sees every ${x} form.
 *
 * One engine is built at the first input: a team with one rep, metrics
 * of each sort (SQL, Lua, failing, nil, fractional, a team metric) and a
 * rep and a team recognition that always fire.  Each input becomes the
 * message of both, as `message = [[...]]` would make it, and the subjects
 * are prepared again so that no memoised metric carries over.  Every
 * subject must end with its text or a rule error; nothing may crash or
 * leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "fuzz_support.h"

static const char team_sql[] =
    "INSERT INTO teams (id, name, manager) VALUES (1, 'West', 'Mia');"
    "INSERT INTO reps (id, name, email, team_id, hired_on) VALUES (1, 'Ana', 'ana@example.com', 1, "
    "'2024-01-15');"
    "INSERT INTO assessments (id, rep_id, instrument, taken_on) VALUES (1, 1, 'strengths', '2026-01-10');"
    "INSERT INTO strengths (assessment_id, talent, rank) VALUES (1, 'Achiever', 1);"
    "INSERT INTO quotas (rep_id, starts_on, ends_on, amount) VALUES (1, '2026-07-01', '2026-09-30', 1000);"
    "INSERT INTO team_targets (team_id, starts_on, ends_on, amount) VALUES (1, '2026-07-01', '2026-09-30', "
    "5000);"
    "INSERT INTO deals (id, rep_id, amount, stage, created_on, closed_on) VALUES"
    "  (1, 1, 500, 'won', '2026-06-01', '2026-07-10'), (2, 1, 250, 'won', '2026-08-01', '2026-09-30'),"
    "  (3, 1, 300, 'won', '2026-04-01', '2026-05-05');";

static const char rules_lua[] =
    "metric 'won_amount' { default = 0, sql = [[SELECT rep_id, SUM(amount) FROM deals\n"
    "  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }\n"
    "metric 'quota' { sql = [[SELECT rep_id, SUM(amount) FROM quotas\n"
    "  WHERE starts_on < :stop AND ends_on >= :start GROUP BY rep_id]] }\n"
    "metric 'attainment' { fn = function(m) return huddle.ratio(m.won_amount, m.quota) end }\n"
    "metric 'growth' { fn = function(m) return huddle.ratio(m.won_amount, m.prev.won_amount) end }\n"
    "metric 'nothing' { fn = function() return nil end }\n"
    "metric 'huge' { fn = function() return 1e300 end }\n"
    "metric 'tiny' { fn = function() return -2.5e-7 end }\n"
    "metric 'broken' { fn = function() error('broken on purpose') end }\n"
    "metric 'loop' { fn = function(m) return m.loop end }\n"
    "metric 'bad_sql' { sql = [[SELECT rep_id FROM deals]] }\n"
    "metric 'team_target' { subject = 'team', sql = [[SELECT team_id, SUM(amount)\n"
    "  FROM team_targets WHERE starts_on < :stop AND ends_on >= :start GROUP BY team_id]] }\n"
    "metric 'team_won' { subject = 'team', fn = function(m, team) return team:sum('won_amount') end }\n"
    "recognize 'rep_message' { when = function() return true end, message = 'placeholder' }\n"
    "recognize 'team_message' { subject = 'team', when = function() return true end,\n"
    "  message = 'placeholder' }\n";

static const char cfg_text[] =
    "scripts = [ \"rules.lua\" ];\n"
    "sandbox = { instructions = 100000; time_ms = 1000; memory_mb = 16; sql_ms = 500; };\n";

static hd_config cfg;
static sqlite3 *db;
static hd_engine engine;
static hd_period period;
static int as_of;

static void setup(void)
{
	hd_err err;
	char *path = fz_write("rules.lua", rules_lua, sizeof rules_lua - 1);
	free(path);
	fz_config(&cfg, cfg_text);
	db = fz_db(team_sql);
	fz_period(&period, &as_of);
	if (hd_engine_open(&engine, &cfg, db, NULL, &err)) {
		for (int i = 0; i < engine.rules.problems.n; i++)
			fprintf(stderr, "%s\n", engine.rules.problems.v[i]);
		fprintf(stderr, "fuzz_template: %s\n", err.msg);
		abort();
	}
	engine.in_process = 1;
}

/* Every subject fires its one recognition, or fails it with an error. */
static void check(const hd_scorecard *cards, int n)
{
	for (int i = 0; i < n; i++)
		if (cards[i].nrecs + cards[i].nerrs != 1 || (cards[i].nrecs && !cards[i].recs[0].text)) {
			fprintf(stderr, "fuzz_template: %s has %d texts and %d errors\n", cards[i].name,
			        cards[i].nrecs, cards[i].nerrs);
			abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!engine.lua.L)
		setup();
	for (int i = 0; i < engine.rules.nrules; i++) {
		free(engine.rules.rules[i].text);
		engine.rules.rules[i].text = fz_cstr(data, size);
	}
	hd_err err;
	if (hd_engine_prepare(&engine, &period, as_of, &err)) {
		fprintf(stderr, "fuzz_template: %s\n", err.msg);
		abort();
	}
	hd_result res;
	if (hd_eval_run(&engine, &res, NULL, NULL, &err)) {
		fprintf(stderr, "fuzz_template: %s\n", err.msg);
		abort();
	}
	if (res.nreps != 1 || res.nteams != 1)
		abort();
	check(res.reps, res.nreps);
	check(res.teams, res.nteams);
	fz_read_result(&res);
	hd_result_free(&res);
	return 0;
}
