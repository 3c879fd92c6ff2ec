/* fixture.c - an engine on an in-memory database for the unit tests. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"

long fx_sql_calls;

static const char data_sql[] =
    "INSERT INTO teams (id, name, manager) VALUES (1, 'West', 'Mia'), (2, 'East', 'Noor');"
    "INSERT INTO reps (id, name, email, team_id, hired_on) VALUES"
    "  (1, 'Ana', 'ana@example.com', 1, '2024-01-15'),"
    "  (2, 'Ben', 'ben@example.com', 1, '2025-03-01'),"
    "  (3, 'Cy', NULL, 2, '2023-06-01');"
    "INSERT INTO assessments (id, rep_id, instrument, taken_on) VALUES (1, 1, 'strengths', '2026-01-10');"
    "INSERT INTO strengths (assessment_id, talent, rank) VALUES (1, 'Relator', 2), (1, 'Achiever', 1);"
    "INSERT INTO quotas (rep_id, starts_on, ends_on, amount) VALUES"
    "  (1, '2026-04-01', '2026-06-30', 1000), (1, '2026-07-01', '2026-09-30', 1000),"
    "  (2, '2026-07-01', '2026-09-30', 3000);"
    "INSERT INTO team_targets (team_id, starts_on, ends_on, amount) VALUES (1, '2026-07-01', '2026-09-30', "
    "5000);"
    "INSERT INTO deals (id, rep_id, amount, stage, created_on, closed_on) VALUES"
    "  (1, 1, 500, 'won', '2026-06-01', '2026-07-10'),"
    "  (2, 1, 250, 'won', '2026-08-01', '2026-09-30'),"
    "  (3, 1, 300, 'won', '2026-04-01', '2026-05-05'),"
    "  (4, 1, 100, 'won', '2026-01-05', '2026-02-02'),"
    "  (5, 2, 1000, 'won', '2026-07-01', '2026-08-01'),"
    "  (6, 2, 200, 'lost', '2026-07-01', '2026-08-15'),"
    "  (7, 3, 400, 'won', '2026-06-01', '2026-06-25'),"
    "  (8, 3, 900, 'open', '2026-07-15', NULL);";

static void count_call(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	fx_sql_calls++;
	sqlite3_result_value(ctx, argv[0]);
}

int fx_setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->dir = unit_tmpdir();
	if (hd_db_open_memory(&f->db, &f->err) || hd_db_exec(f->db, data_sql, &f->err)) {
		print_error("fixture: %s\n", f->err.msg);
		*state = f;
		fx_teardown(state);
		return -1;
	}
	sqlite3_create_function(f->db, "count_call", 1, SQLITE_UTF8, NULL, count_call, NULL, NULL);
	fx_sql_calls = 0;
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	fx *f = *state;
	if (f->has_result)
		hd_result_free(&f->res);
	if (f->has_engine)
		hd_engine_close(&f->e);
	if (f->has_cfg)
		hd_config_free(&f->cfg);
	sqlite3_close(f->db);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

void fx_rules(fx *f, const char *lua, const char *cfg_extra)
{
	char cfg[4096];
	snprintf(cfg, sizeof cfg, "scripts = [ \"rules\" ];\n%s", cfg_extra ? cfg_extra : "");
	unit_write(f->dir, "huddle.cfg", cfg);
	unit_write(f->dir, "rules/rules.lua", lua);
}

void fx_run(fx *f, const char *period, const char *as_of)
{
	char *path = unit_path(f->dir, "huddle.cfg");
	int rc = hd_config_load(&f->cfg, path, &f->err);
	free(path);
	f->has_cfg = 1;
	if (rc)
		fail_msg("config: %s", f->err.msg);
	rc = hd_engine_open(&f->e, &f->cfg, f->db, NULL, &f->err);
	f->has_engine = 1;
	/* The memo tests count work done in this process; the watched worker
	 * is exercised through the executable (tests/cli, tests/sandbox). */
	f->e.in_process = 1;
	if (rc) {
		for (int i = 0; i < f->e.rules.problems.n; i++)
			print_error("  %s\n", f->e.rules.problems.v[i]);
		fail_msg("engine: %s", f->err.msg);
	}
	hd_period p;
	int day = 0;
	if (hd_period_parse(period, f->cfg.fiscal_year_start, &p, &f->err) || hd_date_parse(as_of, &day))
		fail_msg("bad period or as-of date in the test: %s %s", period, as_of);
	if (hd_engine_prepare(&f->e, &p, day, &f->err))
		fail_msg("prepare: %s", f->err.msg);
	if (hd_eval_run(&f->e, &f->res, NULL, NULL, &f->err))
		fail_msg("eval: %s", f->err.msg);
	f->has_result = 1;
}

static const hd_scorecard *find(const hd_scorecard *cards, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cards[i].name, name))
			return &cards[i];
	fail_msg("no subject named %s in the result", name);
	return NULL;
}

const hd_scorecard *fx_rep(const fx *f, const char *name)
{
	return find(f->res.reps, f->res.nreps, name);
}

const hd_scorecard *fx_team(const fx *f, const char *name)
{
	return find(f->res.teams, f->res.nteams, name);
}

const hd_component *fx_component(const hd_scorecard *c, const char *rule)
{
	for (int i = 0; i < c->ncomps; i++)
		if (!strcmp(c->comps[i].rule->name, rule))
			return &c->comps[i];
	return NULL;
}

static const char *item(const hd_item *items, int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(items[i].rule->name, rule))
			return items[i].text;
	return NULL;
}

const char *fx_recognized(const hd_scorecard *c, const char *rule)
{
	return item(c->recs, c->nrecs, rule);
}

const char *fx_coached(const hd_scorecard *c, const char *rule)
{
	return item(c->coach, c->ncoach, rule);
}

const hd_rule_error *fx_error(const hd_scorecard *c, const char *rule)
{
	for (int i = 0; i < c->nerrs; i++)
		if (!strcmp(c->errs[i].rule, rule))
			return &c->errs[i];
	return NULL;
}

/* Lists a subject's rule errors, to explain a failure. */
static void show_errors(const hd_scorecard *c)
{
	for (int i = 0; i < c->nerrs; i++)
		print_error("  %s: %s: %s: %s\n", c->name, c->errs[i].rule, c->errs[i].where,
		            c->errs[i].message);
}

const char *fx_text(const fx *f, const char *rep, const char *rule)
{
	const hd_scorecard *c = fx_rep(f, rep);
	const char *t = fx_recognized(c, rule);
	if (!t) {
		show_errors(c);
		fail_msg("%s was not recognized by %s", rep, rule);
	}
	return t;
}

const char *fx_error_text(const fx *f, const char *rep, const char *rule)
{
	const hd_scorecard *c = fx_rep(f, rep);
	const hd_rule_error *e = fx_error(c, rule);
	if (!e)
		fail_msg("%s has no error from %s", rep, rule);
	return e->message;
}
