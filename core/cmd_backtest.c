/* cmd_backtest.c - huddle backtest: every period of a range evaluated,
 * never saved, to see how the recognition policies and coaching
 * triggers behave over time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "cli.h"
#include "db.h"
#include "eval.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_backtest = {
	"backtest", "evaluate a range of periods, unsaved, and show how the policies behave",
	"usage: huddle backtest --periods P1..P2 [--rules PATH]... [--team NAME] [--format F]\n"
	"                       [--output FILE]\n\n"
	"Evaluates every period from P1 to P2 with the configured rules (and --rules),\n"
	"each as of its own last day (or today, if that is earlier), in one process and\n"
	"without saving anything, and reports how the rules behaved over the range:\n\n"
	"  per recognition policy   how many times it fired, how many distinct reps (or\n"
	"                           teams) it reached, the share of its recognitions that\n"
	"                           went to the top 10% of reps (the tenth most recognised,\n"
	"                           at least one), the Gini coefficient of recognitions\n"
	"                           over every rep evaluated in the range, zeros included\n"
	"                           (0: spread evenly; near 1: one rep gets them all), and\n"
	"                           the count per period\n"
	"  never recognised         the reps no policy for reps recognised in any period\n"
	"                           (a team's recognition is the team's)\n"
	"  per coaching trigger     how often it fired, per period, for how many reps,\n"
	"                           and the reps it fired for most often\n"
	"  per period               reps and teams evaluated, the mean rep score, and\n"
	"                           recognitions, coaching items and rule errors\n\n"
	"Warnings name a policy that recognised nobody over the range, one that only\n"
	"ever recognised one rep, and one that rewards raw activity alone.  That last\n"
	"test reads the rules, not the results: a policy's `when` is scanned for the\n"
	"metrics it reads (m.NAME, m.prev.NAME, m[\"NAME\"], team:sum(\"NAME\"), ...),\n"
	"Lua metrics are followed to the metrics they read, and each SQL metric is\n"
	"prepared (not run) to see which tables it reads.  A policy rewards raw activity\n"
	"alone when it reads activity data (SQL over the activities table, the roster of\n"
	"reps and teams aside) and nothing else.  If the scan cannot follow a read (m\n"
	"handed to a helper, a computed name, huddle.db, a plugin's metric) the policy\n"
	"is not warned about; --format json says why under reads.not_followed.\n\n"
	"  --periods P1..P2  two periods of the same kind, the earlier first:\n"
	"                    2026-Q1..2026-Q4, 2026-01..2026-06, 2026-W01..2026-W10,\n"
	"                    2024..2026; at most 520 periods.  One period alone works too\n"
	"  --rules PATH      load this rule file or folder after the configured ones\n"
	"  --team NAME       count only this team and its members\n"
	"  --format F        table (default), json, csv (one row per policy or trigger\n"
	"                    and period) or markdown\n"
	"  --output FILE     write there instead of standard output\n\n"
	"Exit status: 0 done; 2 usage error; 3 bad config, rules or data; 4 I/O or\n"
	"internal error.\n",
	run
};

typedef struct bt_opts {
	const char *periods, *team, *format, *output;
	hd_strv rules;
} bt_opts;

static int parse(hd_cli *cli, int argc, char **argv, bt_opts *o, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "periods", required_argument, NULL, 'p' },
					      { "team", required_argument, NULL, 't' },
					      { "format", required_argument, NULL, 'f' },
					      { "output", required_argument, NULL, 'o' },
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	int opt;
	while ((opt = hd_cli_getopt(cli, argc, argv, opts, err)) > 0) {
		switch (opt) {
		case 'p': o->periods = optarg; break;
		case 't': o->team = optarg; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'R': hd_strv_push(&o->rules, optarg); break;
		}
	}
	if (opt < 0)
		return opt;
	if (optind < argc)
		return hd_cli_usage_error(cli, err, "unexpected argument '%s'", argv[optind]);
	if (!o->periods)
		return hd_cli_usage_error(cli, err, "say which periods: --periods 2026-Q1..2026-Q4");
	if (o->format && strcmp(o->format, "table") && strcmp(o->format, "json") &&
	    strcmp(o->format, "csv") && strcmp(o->format, "markdown"))
		return hd_cli_usage_error(
		    cli, err, "unknown format '%s': backtest writes table, json, csv or markdown", o->format);
	return 0;
}

static const char *kind_of(const hd_period *p)
{
	static const char *const names[] = { "a quarter", "a month", "a week", "a year", "a range of dates" };
	return names[p->kind];
}

/* The periods from P1 to P2 in order, into *out (the caller frees it). */
static int parse_range(hd_cli *cli, const char *arg, hd_period **out, int *n, hd_err *err)
{
	int fs = cli->cfg.fiscal_year_start;
	const char *dots = strstr(arg, "..");
	char left[64];
	const char *right = dots ? dots + 2 : arg;
	snprintf(left, sizeof left, "%.*s", dots ? (int)(dots - arg) : (int)strlen(arg), arg);
	hd_period a, z;
	int day;
	if (!hd_date_parse(left, &day) || !hd_date_parse(right, &day))
		return hd_cli_usage_error(
		    cli, err,
		    "--periods %s: a range of dates is one period (huddle eval --period); "
		    "backtest takes two periods of the same kind, such as 2026-Q1..2026-Q4",
		    arg);
	if (hd_period_parse(left, fs, &a, err) || hd_period_parse(right, fs, &z, err))
		return hd_cli_usage_error(cli, err, "--periods %s: %s", arg, err->msg);
	if (a.kind != z.kind)
		return hd_cli_usage_error(
		    cli, err,
		    "--periods %s: both ends must be the same kind of period, but %s is %s "
		    "and %s is %s",
		    arg, a.label, kind_of(&a), z.label, kind_of(&z));
	if (a.start > z.start)
		return hd_cli_usage_error(
		    cli, err, "--periods %s runs backwards: write the earlier period first, %s..%s", arg,
		    z.label, a.label);
	/* Walk back from P2: every kind knows its previous period. */
	int count = 1;
	hd_period p = z;
	while (p.start > a.start && count <= HD_BT_MAX_PERIODS) {
		hd_period_prev(&p, &p);
		count++;
	}
	if (count > HD_BT_MAX_PERIODS)
		return hd_cli_usage_error(
		    cli, err,
		    "--periods %s is more than %d periods; shorten the range or use a longer "
		    "kind of period (months, quarters, years)",
		    arg, HD_BT_MAX_PERIODS);
	*out = hd_xmalloc(sizeof **out * (size_t)count);
	*n = count;
	p = z;
	for (int i = count - 1; i >= 0; i--) {
		(*out)[i] = p;
		hd_period_prev(&p, &p);
	}
	return 0;
}

/* A team that is not in the database at all is a typo: say so before
 * evaluating anything. */
static int check_team(hd_cli *cli, const char *team, hd_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cli->db, "SELECT 1 FROM teams WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return hd_err_set(err, HD_EIO, "%s: %s", cli->cfg.database, sqlite3_errmsg(cli->db));
	sqlite3_bind_text(st, 1, team, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return hd_cli_usage_error(cli, err, "no team named '%s' in %s", team, cli->cfg.database);
	return 0;
}

static void write_report(const char *format, const hd_backtest *bt, FILE *f, int color)
{
	if (!strcmp(format, "json"))
		hd_backtest_json(bt, f);
	else if (!strcmp(format, "csv"))
		hd_backtest_csv(bt, f);
	else
		hd_backtest_table(bt, color, !strcmp(format, "markdown"), f);
}

/* To --output through a temporary file renamed into place, so that a
 * failed write never leaves half a report. */
static int output(const char *format, const hd_backtest *bt, const char *path, hd_err *err)
{
	hd_output out;
	int rc = hd_output_open(&out, path, err);
	if (rc)
		return rc;
	write_report(format, bt, out.f, !strcmp(format, "table") && out.color);
	return hd_output_close(&out, 0, err);
}

/* Evaluates each period on one engine, folding each result into bt and
 * freeing it before the next. */
static int evaluate(hd_engine *e, hd_backtest *bt, hd_err *err)
{
	for (int i = 0; i < bt->nperiods; i++) {
		const hd_period *p = &bt->periods[i].period;
		int rc = hd_engine_prepare(e, p, hd_period_default_as_of(p), err);
		if (rc)
			return rc;
		char label[48];
		snprintf(label, sizeof label, "%s %d/%d", p->label, i + 1, bt->nperiods);
		hd_progress bar;
		hd_progress_start(&bar, label);
		hd_result res;
		rc = hd_eval_run(e, &res, hd_progress_update, &bar, err);
		hd_progress_done(&bar);
		if (rc)
			return hd_err_wrap(err, "%s", p->label);
		hd_backtest_add(bt, i, &res);
		rc = hd_result_check(&res, err);
		hd_result_free(&res);
		if (rc)
			return rc;
	}
	return 0;
}

static int backtest(hd_cli *cli, bt_opts *o, hd_err *err)
{
	hd_period *range = NULL;
	int n = 0, rc;
	if ((rc = hd_cli_config(cli, err)) || (rc = parse_range(cli, o->periods, &range, &n, err)))
		return rc;
	/* The config's output.format may be one only eval knows (html). */
	const char *format = o->format ? o->format : "table";
	const char *cf = cli->cfg.format;
	if (!o->format && cf &&
	    (!strcmp(cf, "json") || !strcmp(cf, "csv") || !strcmp(cf, "markdown")))
		format = cf;
	if ((rc = hd_cli_open(cli, HD_DB_EXISTING, err)) ||
	    (o->team && (rc = check_team(cli, o->team, err)))) {
		free(range);
		return rc;
	}
	hd_engine e;
	rc = hd_engine_open(&e, &cli->cfg, cli->db, &o->rules, err);
	if (rc == HD_EINPUT)
		hd_rules_print_problems(&e.rules, stderr);
	hd_backtest bt;
	int have = 0;
	if (!rc) {
		hd_backtest_init(&bt, &e, range, n, o->team);
		have = 1;
		rc = evaluate(&e, &bt, err);
	}
	if (!rc) {
		hd_backtest_finish(&bt, &e);
		rc = output(format, &bt, o->output, err);
	}
	if (!rc) {
		int errors = 0;
		for (int i = 0; i < bt.nperiods; i++)
			errors += bt.periods[i].errors;
		if (errors)
			fprintf(stderr,
			        "huddle backtest: %d rule error%s over the range; 'huddle eval --period P "
			        "--no-save' shows them\n",
			        errors, errors == 1 ? "" : "s");
	}
	if (have)
		hd_backtest_free(&bt);
	hd_engine_close(&e);
	free(range);
	return rc;
}

static int run(int argc, char **argv, hd_err *err)
{
	hd_cli cli = { .cmd = &hd_cmd_backtest };
	bt_opts o = { 0 };
	int rc = parse(&cli, argc, argv, &o, err);
	if (!rc)
		rc = backtest(&cli, &o, err);
	hd_strv_free(&o.rules);
	hd_cli_close(&cli);
	return rc == HD_CLI_HELPED ? 0 : rc;
}
