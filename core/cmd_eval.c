/* cmd_eval.c - huddle eval: evaluate every rep and team, save the run,
 * print the scorecards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "eval.h"
#include "plugin.h"
#include "report.h"
#include "store.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_eval = {
	"eval", "evaluate every rep and team for a period and print the scorecards",
	"usage: huddle eval [--period P] [--as-of DATE] [--team NAME] [--format F] [--output FILE]\n"
	"                   [--audience manager|team] [--no-save] [--strict] [--rules PATH]...\n\n"
	"Runs the rules for every active rep and every team, saves the run in the\n"
	"database (one transaction) and prints the scorecards.  A format that shows\n"
	"momentum (html) also evaluates the previous period, without saving it.\n\n"
	"  --period P       2026-Q3, 2026-07, 2026-W27, 2026 or 2026-07-01..2026-09-30\n"
	"                   (default: the config's period, else the current quarter)\n"
	"  --as-of DATE     \"today\" for rules that look at ages (default: the period's last\n"
	"                   day, or today if that is earlier)\n"
	"  --team NAME      show only this team and its members (ranks stay org-wide)\n"
	"  --format F       table (default), json, csv, markdown, or a plugin's format\n"
	"                   such as html (huddle plugins lists them)\n"
	"  --output FILE    write there instead of standard output\n"
	"  --audience A     manager (default: everything) or team (no coaching, no rule\n"
	"                   errors; no names beside ranks if output.leaderboard = \"anonymous\")\n"
	"  --no-save        do not save the run\n"
	"  --strict         exit 1 if any rule failed for any subject\n"
	"  --rules PATH     load this rule file or folder after the configured ones\n\n"
	"Exit status: 0 done; 1 a rule failed and --strict was given; 2 usage error;\n"
	"3 bad config, rules or data; 4 I/O or internal error.\n",
	run
};

typedef struct eval_opts {
	const char *period, *as_of, *team, *format, *output, *audience;
	int no_save, strict;
	hd_strv rules;
} eval_opts;

static int parse(hd_cli *cli, int argc, char **argv, eval_opts *o, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "period", required_argument, NULL, 'p' },
					      { "as-of", required_argument, NULL, 'a' },
					      { "team", required_argument, NULL, 't' },
					      { "format", required_argument, NULL, 'f' },
					      { "output", required_argument, NULL, 'o' },
					      { "audience", required_argument, NULL, 'A' },
					      { "no-save", no_argument, NULL, 'n' },
					      { "strict", no_argument, NULL, 's' },
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	int opt;
	while ((opt = hd_cli_getopt(cli, argc, argv, opts, err)) > 0) {
		switch (opt) {
		case 'p': o->period = optarg; break;
		case 'a': o->as_of = optarg; break;
		case 't': o->team = optarg; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		case 'A': o->audience = optarg; break;
		case 'n': o->no_save = 1; break;
		case 's': o->strict = 1; break;
		case 'R': hd_strv_push(&o->rules, optarg); break;
		}
	}
	if (opt < 0)
		return opt;
	if (optind < argc)
		return hd_cli_usage_error(cli, err, "unexpected argument '%s'", argv[optind]);
	if (o->audience && strcmp(o->audience, "manager") && strcmp(o->audience, "team"))
		return hd_cli_usage_error(cli, err, "--audience is manager or team, not '%s'", o->audience);
	return 0;
}

/* Writes the report to standard output or --output (hd_output: a failed
 * run never leaves half a report). */
static int write_report(const char *format, const hd_result *res, hd_report_opts *ro, const char *output,
			hd_err *err)
{
	hd_output out;
	int rc = hd_output_open(&out, output, err);
	if (rc)
		return rc;
	ro->color = !strcmp(format, "table") && out.color;
	rc = hd_report_write(format, res, ro, out.f, err);
	int closed = hd_output_close(&out, rc != 0, err);
	return rc ? rc : closed;
}

/* The format of the command line, else the config's, else table; it must
 * be built in or registered by a loaded plugin. */
static int choose_format(hd_cli *cli, const eval_opts *o, const char **format, hd_err *err)
{
	*format = o->format ? o->format : cli->cfg.format ? cli->cfg.format : "table";
	if (hd_report_known(*format))
		return 0;
	char names[512];
	hd_report_formats(names, sizeof names);
	if (!o->format)
		return hd_err_set(err, HD_EINPUT, "%s:%d: output.format: unknown format '%s': use %s", cli->cfg.path,
				  cli->cfg.format_line, *format, names);
	return hd_cli_usage_error(cli, err, "unknown format '%s': use %s", *format, names);
}

/* Evaluates the period before p on e, for a reporter that shows momentum.
 * It is never saved; its as-of is its own default, so that it matches
 * `huddle eval --period PREV` run on its own.  Its rule errors are not
 * the run's: they neither print nor count for --strict. */
static int eval_previous(hd_engine *e, const hd_period *p, hd_result *prev, hd_err *err)
{
	hd_period pp;
	hd_period_prev(p, &pp);
	int rc = hd_engine_prepare(e, &pp, hd_period_default_as_of(&pp), err);
	if (rc)
		return rc;
	hd_progress bar;
	hd_progress_start(&bar, "evaluating the previous period");
	rc = hd_eval_run(e, prev, hd_progress_update, &bar, err);
	hd_progress_done(&bar);
	if (rc)
		return rc;
	hd_result_keep_names(prev);
	return 0;
}

static int find_team(const hd_engine *e, const char *name)
{
	for (int i = 0; i < e->subj.nteams; i++)
		if (!strcmp(e->subj.teams[i].name, name))
			return i;
	return -1;
}

static int evaluate(hd_cli *cli, eval_opts *o, hd_err *err)
{
	hd_period p;
	int as_of, rc;
	char started[32];
	hd_store_timestamp(started);
	if ((rc = hd_cli_config(cli, err)) || (rc = hd_cli_period(cli, o->period, &p, err)) ||
	    (rc = hd_cli_as_of(o->as_of, &p, &as_of, err)))
		return rc;
	/* hd_cli_config has loaded the plugins: the format may be theirs. */
	const char *format;
	if ((rc = choose_format(cli, o, &format, err)) || (rc = hd_cli_open(cli, HD_DB_EXISTING, err)))
		return rc;
	hd_engine e;
	hd_result prev;
	int have_prev = 0;
	rc = hd_engine_open(&e, &cli->cfg, cli->db, &o->rules, err);
	if (rc == HD_EINPUT)
		hd_rules_print_problems(&e.rules, stderr);
	/* The previous period first, so that the engine is left prepared
	 * for the run's own period. */
	if (!rc && (hd_report_flags(format) & HUDDLE_REPORT_PREVIOUS))
		have_prev = !(rc = eval_previous(&e, &p, &prev, err));
	if (!rc)
		rc = hd_engine_prepare(&e, &p, as_of, err);
	hd_report_opts ro = { .team = -1, .anonymous = cli->cfg.anonymous, .db = cli->db };
	ro.prev = have_prev ? &prev : NULL;
	ro.audience_team = o->audience && !strcmp(o->audience, "team");
	if (!rc && o->team && (ro.team = find_team(&e, o->team)) < 0)
		rc = hd_err_set(err, HD_EUSAGE, "no team named '%s' with active reps", o->team);
	hd_result res;
	int have = 0;
	if (!rc) {
		hd_progress bar;
		hd_progress_start(&bar, "evaluating");
		rc = hd_eval_run(&e, &res, hd_progress_update, &bar, err);
		hd_progress_done(&bar);
		have = !rc;
	}
	if (have) {
		hd_store_timestamp(res.created_at);
		if (!o->no_save)
			rc = hd_store_save(cli->db, &res, started, o->team, err);
		if (!rc)
			rc = write_report(format, &res, &ro, o->output, err);
		if (!rc && res.nerrors) {
			fprintf(stderr, "huddle eval: %d rule error%s; see the errors in the report\n", res.nerrors,
				res.nerrors == 1 ? "" : "s");
			if (o->strict)
				rc = HD_EFAIL;
		}
		hd_result_free(&res);
	}
	if (have_prev)
		hd_result_free(&prev);
	hd_engine_close(&e);
	return rc;
}

static int run(int argc, char **argv, hd_err *err)
{
	hd_cli cli = { .cmd = &hd_cmd_eval };
	eval_opts o = { 0 };
	int rc = parse(&cli, argc, argv, &o, err);
	if (!rc)
		rc = evaluate(&cli, &o, err);
	hd_strv_free(&o.rules);
	hd_cli_close(&cli);
	return rc == HD_CLI_HELPED ? 0 : rc;
}
