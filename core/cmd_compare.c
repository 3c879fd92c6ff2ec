/* cmd_compare.c - huddle compare: what-if.  The configured rules against
 * other rules, or against a saved run, on the same data; per rep and
 * team what moved.  Nothing is saved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "db.h"
#include "eval.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_compare = {
	"compare", "what-if: the configured rules against other rules or a saved run, rep by rep",
	"usage: huddle compare (--rules PATH... | --run ID) [--period P] [--as-of DATE] [--team NAME]\n"
	"                      [--format table|json|csv|markdown] [--output FILE] [--all]\n\n"
	"Evaluates the configured rules (the config's scripts, as 'huddle eval' loads\n"
	"them) on the period's data and compares the scorecards with another set, rep by\n"
	"rep and team by team: old and new score, rank, the components whose value or\n"
	"weight changed with their change in points, recognitions and coaching triggers\n"
	"gained or lost, rule errors.  Biggest change first (score, then places, then\n"
	"id), after a summary line.  Nothing is saved.\n\n"
	"  --rules PATH     the other rule set: a rule file or folder of *.lua; repeat it\n"
	"                   for more.  These paths REPLACE the config's scripts for the new\n"
	"                   side, they do not add to them: to try one extra file on top\n"
	"                   of the configured rules, give their paths too (the report's\n"
	"                   \"old\" line shows them), then the file.\n"
	"                   The config's rules.weights, rules.disabled and rules.params\n"
	"                   apply to both sides.  Old: the configured rules; new: these.\n"
	"  --run ID         compare with saved run ID instead.  Old: the run as saved;\n"
	"                   new: the configured rules evaluated now on today's data, for\n"
	"                   the run's period and as-of unless --period or --as-of is given\n"
	"  --period P       2026-Q3, 2026-07, 2026-W27, 2026 or 2026-07-01..2026-09-30\n"
	"                   (default: the run's, else the config's, else the current quarter)\n"
	"  --as-of DATE     \"today\" for rules that look at ages (default: the run's, else\n"
	"                   the period's last day, or today if that is earlier)\n"
	"  --team NAME      only this team and its members (ranks stay org-wide)\n"
	"  --format F       table, json, csv (one row per rep) or markdown (default: the\n"
	"                   config's output.format when it is one of these, else table)\n"
	"  --output FILE    write there instead of standard output\n"
	"  --all            also list the reps and teams that did not change (they are\n"
	"                   always counted in the summary)\n\n"
	"Exit status: 0 done (rule errors on either side are reported, not fatal);\n"
	"2 usage error, or no such run; 3 bad config, rules or data; 4 I/O or internal error.\n",
	run
};

typedef struct compare_opts {
	const char *period, *as_of, *team, *format, *output, *run_arg;
	int all;
	int64_t run_id;
	hd_strv rules;
} compare_opts;

static int parse(hd_cli *cli, int argc, char **argv, compare_opts *o, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "rules", required_argument, NULL, 'R' },
					      { "run", required_argument, NULL, 'r' },
					      { "period", required_argument, NULL, 'p' },
					      { "as-of", required_argument, NULL, 'a' },
					      { "team", required_argument, NULL, 't' },
					      { "format", required_argument, NULL, 'f' },
					      { "output", required_argument, NULL, 'o' },
					      { "all", no_argument, NULL, 'L' },
					      { NULL, 0, NULL, 0 } };
	int opt;
	while ((opt = hd_cli_getopt(cli, argc, argv, opts, err)) > 0) {
		switch (opt) {
		case 'R': hd_strv_push(&o->rules, optarg); break;
		case 'r': o->run_arg = optarg; break;
		case 'p': o->period = optarg; break;
		case 'a': o->as_of = optarg; break;
		case 't': o->team = optarg; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'L': o->all = 1; break;
		}
	}
	if (opt < 0)
		return opt;
	if (optind < argc)
		return hd_cli_usage_error(cli, err, "unexpected argument '%s'", argv[optind]);
	if (o->rules.n && o->run_arg)
		return hd_cli_usage_error(cli, err, "give either --rules or --run, not both");
	if (!o->rules.n && !o->run_arg)
		return hd_cli_usage_error(cli, err, "compare with what? give --rules PATH (other rules) or --run ID "
						    "(a saved run)");
	if (o->run_arg) {
		char *end;
		long long id = strtoll(o->run_arg, &end, 10);
		if (!*o->run_arg || *end || id <= 0)
			return hd_cli_usage_error(cli, err, "--run takes a run id, a whole number such as 7, not '%s'",
						  o->run_arg);
		o->run_id = id;
	}
	if (o->format && !hd_cmp_format_known(o->format))
		return hd_cli_usage_error(cli, err, "unknown format '%s': use table, json, csv or markdown", o->format);
	return 0;
}

/* "myrules, extra.lua": paths as people typed them, or relative to the
 * working folder when inside it. */
static void paths_text(const hd_strv *v, char *buf, size_t n)
{
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	size_t len = strlen(cwd), used = 0;
	buf[0] = 0;
	for (int i = 0; i < v->n && used < n; i++) {
		const char *p = v->v[i];
		if (len > 1 && !strncmp(p, cwd, len) && p[len] == '/')
			p += len + 1;
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", p);
		used += w > 0 ? (size_t)w : 0;
	}
}

/* Loads a rule set; `which` names it in the error ("the configured rules"). */
static int open_side(hd_engine *e, const hd_config *cfg, sqlite3 *db, const char *which, hd_err *err)
{
	int rc = hd_engine_open(e, cfg, db, NULL, err);
	if (rc == HD_EINPUT && e->rules.problems.n) {
		hd_rules_print_problems(&e->rules, stderr);
		hd_err_wrap(err, "%s", which);
	}
	return rc;
}

/* Evaluates the prepared engine e into side s, then releases the engine:
 * the side keeps its own copy, so only one engine's memo is held at a time. */
static int eval_side(hd_engine *e, const char *what, const char *label, hd_cmp_side *s, hd_err *err)
{
	hd_result res;
	hd_progress bar;
	hd_progress_start(&bar, label);
	int rc = hd_eval_run(e, &res, hd_progress_update, &bar, err);
	hd_progress_done(&bar);
	if (!rc) {
		hd_cmp_side_from_result(s, e, &res, what);
		rc = hd_result_check(&res, err);
		hd_result_free(&res);
	}
	hd_engine_close(e);
	return rc;
}

static int team_exists(const hd_engine *e, const hd_cmp_side *run, const char *name)
{
	for (int i = 0; i < e->subj.nteams; i++)
		if (!strcmp(e->subj.teams[i].name, name))
			return 1;
	for (int i = 0; run && i < run->nteams; i++)
		if (!strcmp(run->teams[i].name, name))
			return 1;
	return 0;
}

/* The period of saved run `run`, on the run's own dates: if
 * fiscal_year_start has changed since, its label now names other dates. */
static int run_period(const hd_cli *cli, const hd_cmp_side *run, hd_period *p, hd_err *err)
{
	int fs = cli->cfg.fiscal_year_start, start, stop;
	if (hd_period_parse(run->period, fs, p, err) || hd_date_parse(run->start, &start) ||
	    hd_date_parse(run->stop, &stop) || stop <= start)
		return hd_err_set(err, HD_EINPUT, "%s: run %lld has a damaged period '%s' (%s to %s); compare with "
				  "another run", cli->cfg.database, (long long)run->run_id, run->period, run->start,
				  run->stop);
	if (p->start == start && p->stop == stop)
		return 0;
	char range[32], last[11];
	hd_date_format(stop - 1, last);
	snprintf(range, sizeof range, "%.10s..%.10s", run->start, last);
	hd_warn("run %lld's %s ran from %s to %s, which fiscal_year_start now places elsewhere; comparing on the "
		"run's dates", (long long)run->run_id, run->period, run->start, run->stop);
	return hd_period_parse(range, fs, p, err);
}

/* The period and as-of of the comparison: with --run, the run's unless
 * given (a --period given alone brings its own default as-of). */
static int choose_period(hd_cli *cli, const compare_opts *o, const hd_cmp_side *run, hd_period *p, int *as_of,
			 hd_err *err)
{
	int rc = run && !o->period ? run_period(cli, run, p, err) : hd_cli_period(cli, o->period, p, err);
	if (rc)
		return rc;
	if (!run || o->as_of || o->period)
		return hd_cli_as_of(o->as_of, p, as_of, err);
	if (hd_date_parse(run->as_of, as_of))
		return hd_err_set(err, HD_EINPUT, "%s: run %lld has a damaged as-of date '%s'; give --as-of",
				  cli->cfg.database, (long long)run->run_id, run->as_of);
	return 0;
}

/* Writes the report to standard output or --output (hd_output: a failed
 * run never leaves half a report). */
static int write_report(const hd_cmp *c, const char *format, const compare_opts *o, hd_err *err)
{
	hd_output out;
	int rc = hd_output_open(&out, o->output, err);
	if (rc)
		return rc;
	hd_cmp_report(c, format, o->all, !strcmp(format, "table") && out.color, out.f);
	return hd_output_close(&out, 0, err);
}

static void note_errors(const hd_cmp_side *s, const char *which)
{
	if (s->nerrors)
		fprintf(stderr, "huddle compare: %d rule error%s with %s; see the errors in the report\n", s->nerrors,
			s->nerrors == 1 ? "" : "s", which);
}

static int compare(hd_cli *cli, compare_opts *o, hd_err *err)
{
	int rc;
	if ((rc = hd_cli_config(cli, err)) || (rc = hd_cli_open(cli, HD_DB_EXISTING, err)))
		return rc;
	const char *format = o->format ? o->format
				       : cli->cfg.format && hd_cmp_format_known(cli->cfg.format) ? cli->cfg.format
												 : "table";
	hd_cmp_side old = { 0 }, new = { 0 };
	hd_engine cur, other;
	int have_other = 0;
	/* The other rule set is the config with its scripts replaced;
	 * everything else (weights, params, sandbox) is the same. */
	hd_config other_cfg = cli->cfg;
	other_cfg.scripts = o->rules;
	char configured[2048], given[2048], what[2200];
	paths_text(&cli->cfg.scripts, configured, sizeof configured);
	paths_text(&o->rules, given, sizeof given);

	if (o->run_id && (rc = hd_cmp_side_from_run(&old, cli->db, cli->cfg.database, o->run_id, err)))
		goto done;
	hd_period p;
	int as_of;
	if ((rc = choose_period(cli, o, o->run_id ? &old : NULL, &p, &as_of, err)))
		goto done;
	/* Both rule sets load before either is evaluated: a mistake in
	 * the second shows at once, not after the first evaluation. */
	rc = open_side(&cur, &cli->cfg, cli->db, "the configured rules", err);
	if (!rc && !o->run_id) {
		have_other = 1;
		rc = open_side(&other, &other_cfg, cli->db, "the rules given with --rules", err);
	}
	if (!rc)
		rc = hd_engine_prepare(&cur, &p, as_of, err);
	if (!rc && o->team && !team_exists(&cur, o->run_id ? &old : NULL, o->team))
		rc = hd_err_set(err, HD_EUSAGE, "no team named '%s' with active reps", o->team);
	if (rc) {
		hd_engine_close(&cur);
		goto done;
	}
	if (o->run_id) {
		snprintf(what, sizeof what, "the configured rules (%s), evaluated now", configured);
		rc = eval_side(&cur, what, "evaluating", &new, err);
	} else {
		snprintf(what, sizeof what, "the configured rules (%s)", configured);
		rc = eval_side(&cur, what, "evaluating (old)", &old, err);
		if (!rc)
			rc = hd_engine_prepare(&other, &p, as_of, err);
		if (!rc) {
			snprintf(what, sizeof what, "--rules %s", given);
			have_other = 0;
			rc = eval_side(&other, what, "evaluating (new)", &new, err);
		}
	}
	if (!rc) {
		hd_cmp c;
		hd_cmp_build(&c, &old, &new, o->team);
		rc = write_report(&c, format, o, err);
		hd_cmp_free(&c);
		note_errors(&old, "the old rules");
		note_errors(&new, "the new rules");
	}
done:
	if (have_other)
		hd_engine_close(&other);
	hd_cmp_side_free(&old);
	hd_cmp_side_free(&new);
	return rc;
}

static int run(int argc, char **argv, hd_err *err)
{
	hd_cli cli = { .cmd = &hd_cmd_compare };
	compare_opts o = { 0 };
	int rc = parse(&cli, argc, argv, &o, err);
	if (!rc)
		rc = compare(&cli, &o, err);
	hd_strv_free(&o.rules);
	hd_cli_close(&cli);
	return rc == HD_CLI_HELPED ? 0 : rc;
}
