/* cmd_import.c - huddle import: load a file into one table, all or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"
#include "import.h"
#include "plugin.h"
#include "rules.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_import = {
    "import", "load a CSV file (or another format a plugin reads) into a table, all or nothing",
    "usage: huddle import [--db FILE] [--config FILE] [--format NAME] TABLE FILE\n\n"
    "Loads FILE into TABLE of an existing huddle database ('huddle init' creates\n"
    "one) in one transaction: every row goes in, or none does and the database is\n"
    "left as it was. The file's first line names the table's columns, in any order;\n"
    "a column left out, or an empty value, is NULL or the column's default.\n\n"
    "Each value is checked against the table: whole numbers, numbers (1234.5),\n"
    "dates (YYYY-MM-DD), the allowed values of columns like deals.stage, and every\n"
    "id that refers to another row. So import the tables parents first:\n\n"
    "  teams reps quotas team_targets deals activities trainings training_attendance\n"
    "  insights insight_uses assists cross_dept assessments strengths action_plans\n"
    "  checkins coaching_sessions client_metrics\n\n"
    "A bad row stops the import with FILE:LINE, the column and the value.\n\n"
    "FILE's suffix picks the importer (.csv: the bundled csv plugin), or --format.\n"
    "Another tool's export (its own column names, date formats like M/D/YYYY, stage\n"
    "names like \"Won\") is imported as it is through a mapping in the config,\n"
    "plugins.csv.map; the README shows one.\n\n"
    "  --format NAME   use this importer whatever FILE's suffix ('huddle plugins'\n"
    "                  lists them)\n\n"
    "Exit status: 0 imported; 2 usage error; 3 bad data, config or plugin (nothing\n"
    "imported); 4 I/O error.\n",
    run};

/* A table the user may have meant: huddle's own tables are named as
 * such, a typo gets the closest importable name. */
static int bad_table(const hd_cli *cli, const char *table, hd_err *err)
{
	static const char *const own[] = {"runs", "run_subjects", "run_items", "outbox"};
	char list[512];
	size_t len = 0;
	const char *best = NULL;
	int bd = 99;
	for (int i = 0; hd_user_tables[i]; i++) {
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
		                        hd_user_tables[i]);
		int d = hd_edit_distance(table, hd_user_tables[i]);
		if (d < bd) {
			bd = d;
			best = hd_user_tables[i];
		}
	}
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(table, own[i]))
			return hd_cli_usage_error(
			    cli, err,
			    "%s is huddle's own table (saved runs and notifications), not one to "
			    "import into; the tables you can fill: %s",
			    table, list);
	if (bd <= 2)
		return hd_cli_usage_error(cli, err,
		                          "no table '%s'; did you mean '%s'? The tables you can fill: %s",
		                          table, best, list);
	return hd_cli_usage_error(cli, err, "no table '%s'; the tables you can fill: %s", table, list);
}

/* "csv (.csv), ..." for messages. */
static const char *importers(char *b, size_t n)
{
	const hd_plugins *p = hd_plugins_get();
	size_t len = 0;
	b[0] = 0;
	for (int i = 0; i < p->nregs && len < n; i++)
		if (p->regs[i].type == HD_PREG_IMPORTER)
			len += (size_t)snprintf(b + len, n - len, "%s%s%s%s%s", len ? ", " : "",
			                        p->regs[i].name, p->regs[i].suffixes[0] ? " (" : "",
			                        p->regs[i].suffixes, p->regs[i].suffixes[0] ? ")" : "");
	return b;
}

/* The importer named by --format, else the one whose suffix ends the
 * file's name (the longest such suffix, any case: DEALS.CSV too). */
static int pick(const hd_cli *cli, const char *format, const char *path, const hd_preg **out, hd_err *err)
{
	const hd_plugins *p = hd_plugins_get();
	char list[512];
	if (!*importers(list, sizeof list))
		return hd_err_set(
		    err, HD_EINPUT,
		    "no importer is loaded (the csv plugin comes with huddle): 'huddle plugins' shows "
		    "which plugins were found and why any was refused");
	if (format) {
		if (!(*out = hd_plugins_find(HD_PREG_IMPORTER, format)))
			return hd_cli_usage_error(cli, err, "no importer '%s'; the importers: %s", format,
			                          list);
		return 0;
	}
	size_t plen = strlen(path), best = 0;
	*out = NULL;
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *r = &p->regs[i];
		if (r->type != HD_PREG_IMPORTER)
			continue;
		for (const char *s = r->suffixes; *s;) {
			size_t n = strcspn(s, " ");
			if (n && n <= plen && n > best && !strncasecmp(path + plen - n, s, n)) {
				best = n;
				*out = r;
			}
			s += n;
			s += strspn(s, " ");
		}
	}
	if (!*out)
		return hd_cli_usage_error(cli, err,
		                          "cannot tell the format of '%s' from its name; add --format NAME "
		                          "(the importers: %s)",
		                          path, list);
	return 0;
}

/* Opens the file to import: a regular file only (a FIFO or a device
 * would not end, a folder cannot be read), never our terminal. */
static int open_input(const hd_cli *cli, const char *path, FILE **out, hd_err *err)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return hd_err_set(err, HD_EIO, "%s: cannot open it: %s", path, strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return hd_cli_usage_error(cli, err, "%s: not a regular file", path);
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 || !(*out = fdopen(fd, "rb"))) {
		hd_err_set(err, HD_EIO, "%s: cannot read it: %s", path, strerror(errno));
		close(fd);
		return HD_EIO;
	}
	return 0;
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = {
	    HD_COMMON_OPTIONS, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	hd_cli cli = {.cmd = &hd_cmd_import};
	const char *format = NULL;
	int opt, rc;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0)
		if (opt == 'f')
			format = optarg;
	if (opt < 0)
		return opt == HD_CLI_HELPED ? 0 : opt;
	if (argc - optind < 2)
		return hd_cli_usage_error(&cli, err, "wants a TABLE and a FILE to import into it");
	if (argc - optind > 2)
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind + 2]);
	const char *table = argv[optind], *path = argv[optind + 1];
	if (!hd_import_allowed(table))
		return bad_table(&cli, table, err);
	FILE *fp = NULL;
	const hd_preg *reg;
	if ((rc = hd_cli_config(&cli, err)))
		goto out;
	hd_plugins_load(&cli.cfg);
	if ((rc = pick(&cli, format, path, &reg, err)) || (rc = open_input(&cli, path, &fp, err)) ||
	    (rc = hd_cli_open(&cli, HD_DB_EXISTING, err)))
		goto out;
	hd_progress bar;
	long rows;
	hd_progress_start(&bar, "importing");
	rc = hd_import_run(cli.db, table, path, fp, reg, bar.tty ? hd_progress_update : NULL, &bar, &rows,
	                   err);
	hd_progress_done(&bar);
	if (!rc)
		printf("imported %ld row%s into %s from %s\n", rows, rows == 1 ? "" : "s", table, path);
out:
	if (fp)
		fclose(fp);
	hd_cli_close(&cli);
	return rc;
}
