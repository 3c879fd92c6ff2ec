/*
 * cli.h - what every command shares: the common options, the config,
 * the database, periods, and the progress bar.
 */
#ifndef HUDDLE_CLI_H
#define HUDDLE_CLI_H

#include <getopt.h>
#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "period.h"

/* getopt_long entries every command accepts. */
#define HD_COMMON_OPTIONS \
	{ "config", required_argument, NULL, 'C' }, { "db", required_argument, NULL, 'D' }, \
		{ "help", no_argument, NULL, 'h' }

typedef struct hd_command {
	const char *name;
	const char *summary;
	const char *usage; /* the whole --help text */
	int (*run)(int argc, char **argv, hd_err *err);
} hd_command;

typedef struct hd_cli {
	const hd_command *cmd;
	int parsing; /* hd_cli_getopt has started */
	const char *config_path, *db_path;
	hd_config cfg;
	int cfg_loaded;
	sqlite3 *db;
} hd_cli;

/* The next option of the command's own (> 0, with optarg set) from
 * opts, which must include HD_COMMON_OPTIONS; the common ones are
 * handled here.  Returns 0 when the options are done (optind is at the
 * first operand), HD_CLI_HELPED after printing --help (the command then
 * exits 0), or HD_EUSAGE for a bad option. */
int hd_cli_getopt(hd_cli *cli, int argc, char **argv, const struct option *opts, hd_err *err);

#define HD_CLI_HELPED (-100)

/* Loads the config (applying --db); then opens the database. */
int hd_cli_config(hd_cli *cli, hd_err *err);
int hd_cli_open(hd_cli *cli, int db_flags, hd_err *err);
void hd_cli_close(hd_cli *cli);

/* The period named on the command line, else the config's, else the
 * current quarter. */
int hd_cli_period(const hd_cli *cli, const char *arg, hd_period *p, hd_err *err);
/* --as-of, else the period's default. */
int hd_cli_as_of(const char *arg, const hd_period *p, int *as_of, hd_err *err);

/* Prints "huddle CMD: message" and the usage hint; returns HD_EUSAGE. */
int hd_cli_usage_error(const hd_cli *cli, hd_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Where a command's report goes (--output).  Standard output when path
 * is NULL.  A regular file, or a new one, is written through a temporary
 * file beside it and renamed into place only when all of it was written,
 * so a failed run never leaves half a report.  Anything else, such as
 * /dev/null, a FIFO or a terminal, is written directly: renaming over it
 * would replace the device with a file. */
typedef struct hd_output {
	FILE *f;
	const char *path;
	char *tmp;  /* the temporary file, or NULL */
	int color;  /* a terminal, and NO_COLOR not set: colour is welcome */
} hd_output;

int hd_output_open(hd_output *o, const char *path, hd_err *err);
/* Flushes and checks the report, and puts it in place; when failed is
 * set, or writing failed, nothing is left of it.  Returns 0 or HD_EIO. */
int hd_output_close(hd_output *o, int failed, hd_err *err);

/* A progress bar on stderr, drawn only when stderr is a terminal. */
typedef struct hd_progress {
	const char *label;
	int tty;
	int last;
} hd_progress;

void hd_progress_start(hd_progress *p, const char *label);
void hd_progress_update(void *p, double fraction); /* an hd_progress */
void hd_progress_done(hd_progress *p);

extern const hd_command hd_cmd_init, hd_cmd_demo, hd_cmd_import, hd_cmd_eval, hd_cmd_explain, hd_cmd_history,
	hd_cmd_compare, hd_cmd_backtest, hd_cmd_check, hd_cmd_test, hd_cmd_notify, hd_cmd_plugins;

#endif
