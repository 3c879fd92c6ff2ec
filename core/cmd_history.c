/* cmd_history.c - huddle history: a rep's or a team's scorecards across
 * saved runs, or what runs were saved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "history.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_history = {
	"history", "show a rep's or a team's scores, ranks and triggers across saved runs",
	"usage: huddle history [--rep REP | --team NAME] [--last N] [--period P] [--format F]\n"
	"                      [--output FILE]\n\n"
	"Reads the runs 'huddle eval' saved, oldest first, newest last. For one rep or\n"
	"team: per run the period, as-of, when it was saved, score, rank (and team rank),\n"
	"every component's value (weights under the component's name), recognitions,\n"
	"coaching triggers and rule errors, with a sparkline of the score (the lowest\n"
	"score shown is ▁, the highest █; a run without a score is a gap). Without --rep\n"
	"or --team: one line per saved run (period, time, scope, subjects, rule errors,\n"
	"status).\n\n"
	"Saved runs are never changed: evaluating a period again adds a run. A run is\n"
	"compared with the latest earlier run of the same period: if any number changed\n"
	"(score, rank, a component's value or weight, a recognition, trigger or rule\n"
	"error gained or lost) it restates that run, and the changes are listed with\n"
	"their cause (rules hash differs, as-of differs, else the data changed);\n"
	"otherwise it repeats it. A run saved with 'eval --team' counts only for that\n"
	"team and its members.\n\n"
	"  --rep REP        a rep id or exact name (a rep who left keeps a history)\n"
	"  --team NAME      a team's exact name\n"
	"  --last N         only the newest N runs\n"
	"  --period P       only the runs of this period (2026-Q3, 2026-07, 2026-W27, 2026\n"
	"                   or 2026-07-01..2026-09-30; the same dates however written)\n"
	"  --format F       table (default), json or csv (one row per run)\n"
	"  --output FILE    write there instead of standard output\n\n"
	"Exit status: 0 done (also when nothing was saved yet); 2 usage error or no\n"
	"such rep or team; 3 bad config or database; 4 I/O error.\n",
	run
};

typedef struct history_opts {
	const char *rep, *team, *format, *output, *period;
	int last;
} history_opts;

static int parse(hd_cli *cli, int argc, char **argv, history_opts *o, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "rep", required_argument, NULL, 'r' },
					      { "team", required_argument, NULL, 't' },
					      { "last", required_argument, NULL, 'l' },
					      { "period", required_argument, NULL, 'p' },
					      { "format", required_argument, NULL, 'f' },
					      { "output", required_argument, NULL, 'o' },
					      { NULL, 0, NULL, 0 } };
	const char *last = NULL;
	int opt;
	while ((opt = hd_cli_getopt(cli, argc, argv, opts, err)) > 0) {
		switch (opt) {
		case 'r': o->rep = optarg; break;
		case 't': o->team = optarg; break;
		case 'l': last = optarg; break;
		case 'p': o->period = optarg; break;
		case 'f': o->format = optarg; break;
		case 'o': o->output = optarg; break;
		}
	}
	if (opt < 0)
		return opt;
	if (optind < argc)
		return hd_cli_usage_error(cli, err, "unexpected argument '%s'; name a rep with --rep",
					  argv[optind]);
	if (o->rep && o->team)
		return hd_cli_usage_error(cli, err, "give --rep or --team, not both");
	if (last) {
		char *end;
		long n = strtol(last, &end, 10);
		if (*end || end == last || n < 1 || n > 1000000000)
			return hd_cli_usage_error(cli, err, "--last takes a number of runs (1 or more), "
						  "not '%s'", last);
		o->last = (int)n;
	}
	if (!o->format)
		o->format = "table";
	if (strcmp(o->format, "table") && strcmp(o->format, "json") && strcmp(o->format, "csv"))
		return hd_cli_usage_error(cli, err, "history writes table, json or csv, not '%s'", o->format);
	return 0;
}

static void write_history(const history_opts *o, const hd_history *h, const char *db_path, int color,
			  FILE *out)
{
	if (!strcmp(o->format, "json"))
		hd_history_json(h, out);
	else if (!strcmp(o->format, "csv"))
		hd_history_csv(h, out);
	else
		hd_history_table(h, db_path, color, out);
}

/* To standard output or --output (hd_output: a failed write never leaves
 * half a file). */
static int output(const history_opts *o, const hd_history *h, const char *db_path, hd_err *err)
{
	hd_output out;
	int rc = hd_output_open(&out, o->output, err);
	if (rc)
		return rc;
	write_history(o, h, db_path, out.color, out.f);
	return hd_output_close(&out, 0, err);
}

static int run(int argc, char **argv, hd_err *err)
{
	hd_cli cli = { .cmd = &hd_cmd_history };
	history_opts o = { 0 };
	hd_history h;
	memset(&h, 0, sizeof h);
	char start[11], stop[11];
	hd_period p;
	int rc = parse(&cli, argc, argv, &o, err);
	if (rc == HD_CLI_HELPED)
		return 0;
	if (!rc)
		rc = hd_cli_config(&cli, err);
	/* The config's fiscal_year_start says what 2026-Q3 means. */
	if (!rc && o.period && !(rc = hd_period_parse(o.period, cli.cfg.fiscal_year_start, &p, err))) {
		hd_date_format(p.start, start);
		hd_date_format(p.stop, stop);
		h.period = p.label;
		h.start = start;
		h.stop = stop;
	}
	if (!rc)
		rc = hd_cli_open(&cli, HD_DB_EXISTING, err);
	if (!rc && (o.rep || o.team))
		rc = hd_history_find(cli.db, o.rep ? HD_HIST_REP : HD_HIST_TEAM, o.rep ? o.rep : o.team, &h,
				     err);
	if (!rc)
		rc = hd_history_load(cli.db, &h, o.last, err);
	if (!rc)
		rc = output(&o, &h, cli.cfg.database, err);
	hd_history_free(&h);
	hd_cli_close(&cli);
	return rc;
}
