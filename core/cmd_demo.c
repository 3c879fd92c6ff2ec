/* cmd_demo.c - huddle demo: fill a database with synthetic team data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "demo.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_demo = {
	"demo", "fill a database with realistic, reproducible synthetic team data",
	"usage: huddle demo [--db FILE] [--reps N] [--teams N] [--seed S] [--periods N] [--end QUARTER]\n\n"
	"Creates the database if needed and fills every table with synthetic data: reps of\n"
	"every kind a manager meets (stars, lone wolves, quiet helpers, busy reps with no\n"
	"wins, declining and rising reps...), over N quarters ending with QUARTER.\n"
	"The same seed, sizes and end give the same data, byte for byte.  A new database\n"
	"is built beside its name and appears only when complete.\n\n"
	"  --reps N       reps to generate (default 60; up to 1000000)\n"
	"  --teams N      teams (default: one per 10 reps, at least 1)\n"
	"  --seed S       random seed (default 42)\n"
	"  --periods N    quarters of history (default 4)\n"
	"  --end QUARTER  the last quarter, like 2026-Q3 (default: the current one)\n",
	run
};

/* A whole number in [lo, hi] from an option argument. */
static int number(const hd_cli *cli, const char *opt, const char *s, long long lo, long long hi, long long *v,
		  hd_err *err)
{
	char *end;
	*v = strtoll(s, &end, 10);
	if (!*s || *end || *v < lo || *v > hi)
		return hd_cli_usage_error(cli, err, "%s wants a whole number from %lld to %lld, not '%s'", opt, lo,
					  hi, s);
	return 0;
}

/* Removes a database file that was never put in place, and what SQLite
 * may have left beside it. */
static void remove_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char buf[4096];
	for (int i = 0; i < 4; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, suffix[i]);
		remove(buf);
	}
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "reps", required_argument, NULL, 'r' },
					      { "teams", required_argument, NULL, 't' },
					      { "seed", required_argument, NULL, 's' },
					      { "periods", required_argument, NULL, 'p' },
					      { "end", required_argument, NULL, 'e' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_demo };
	long long reps = 60, teams = 0, seed = 42, periods = 4;
	const char *end = NULL;
	char *tmp = NULL;
	int opt, rc;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0) {
		if ((opt == 'r' && number(&cli, "--reps", optarg, 1, 10000000, &reps, err)) ||
		    (opt == 't' && number(&cli, "--teams", optarg, 1, 1000000, &teams, err)) ||
		    (opt == 's' && number(&cli, "--seed", optarg, 0, 0x7fffffffffffffffLL, &seed, err)) ||
		    (opt == 'p' && number(&cli, "--periods", optarg, 1, 40, &periods, err)))
			return err->code;
		if (opt == 'e')
			end = optarg;
	}
	if (opt < 0)
		return opt == HD_CLI_HELPED ? 0 : opt;
	if (optind < argc)
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind]);
	if (!teams)
		teams = reps / 10 > 0 ? reps / 10 : 1;
	if (teams > reps)
		return hd_cli_usage_error(&cli, err, "--teams (%lld) cannot exceed --reps (%lld)", teams, reps);
	if ((rc = hd_cli_config(&cli, err)))
		goto out;
	hd_demo_opts o = { .reps = (int)reps, .teams = (int)teams, .seed = (uint64_t)seed, .periods = (int)periods };
	if (end) {
		if ((rc = hd_period_parse(end, cli.cfg.fiscal_year_start, &o.end, err)))
			goto out;
		if (o.end.kind != HD_PERIOD_QUARTER) {
			rc = hd_cli_usage_error(&cli, err, "--end wants a quarter like 2026-Q3, not '%s'", end);
			goto out;
		}
	} else {
		hd_period_quarter_of(hd_today(), cli.cfg.fiscal_year_start, &o.end);
	}
	/* A database that does not exist yet is made beside its place and
	 * renamed into it when complete: it can be written without a journal,
	 * a killed run leaves no half-filled database under the name, and a
	 * reader of the name never waits for the load. */
	char *name = cli.cfg.database;
	struct stat st;
	o.fresh = strcmp(name, ":memory:") && stat(name, &st) && errno == ENOENT;
	if (o.fresh) {
		size_t n = strlen(name) + 32;
		tmp = hd_xmalloc(n);
		snprintf(tmp, n, "%s.tmp%ld", name, (long)getpid());
		cli.cfg.database = tmp;
	}
	rc = hd_cli_open(&cli, HD_DB_CREATE, err);
	cli.cfg.database = name;
	if (rc)
		goto out;
	hd_progress bar;
	hd_progress_start(&bar, "demo data");
	o.progress = hd_progress_update;
	o.progress_ud = &bar;
	rc = hd_demo_generate(cli.db, &o, err);
	hd_progress_done(&bar);
	if (tmp) {
		/* Closed first: the WAL is checkpointed and gone, and only the
		 * one file moves. */
		if (sqlite3_close(cli.db) != SQLITE_OK && !rc)
			rc = hd_err_set(err, HD_EIO, "%s: cannot finish the database", tmp);
		cli.db = NULL;
		if (!rc && rename(tmp, name))
			rc = hd_err_set(err, HD_EIO, "%s: cannot put the database in place: %s", name,
					strerror(errno));
		if (rc)
			remove_db(tmp);
	}
	if (!rc) {
		hd_period first = o.end;
		for (int i = 1; i < o.periods; i++)
			hd_period_prev(&first, &first);
		printf("%s: %d reps in %d teams, %s to %s (seed %llu)\n", cli.cfg.database, o.reps, o.teams,
		       first.label, o.end.label, (unsigned long long)o.seed);
	}
out:
	hd_cli_close(&cli);
	free(tmp);
	return rc;
}
