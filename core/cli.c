/* cli.c - option handling, config and database set-up shared by commands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "plugin.h"

int hd_cli_getopt(hd_cli *cli, int argc, char **argv, const struct option *opts, hd_err *err)
{
	if (!cli->parsing) {
		optind = 0; /* GNU getopt: start afresh */
		cli->parsing = 1;
	}
	for (;;) {
		int opt = getopt_long(argc, argv, "h", opts, NULL);
		switch (opt) {
		case -1:
			return 0;
		case 'C':
			cli->config_path = optarg;
			break;
		case 'D':
			cli->db_path = optarg;
			break;
		case 'h':
			fputs(cli->cmd->usage, stdout);
			return HD_CLI_HELPED;
		case '?':
		case ':':
			return hd_err_set(err, HD_EUSAGE, "see 'huddle %s --help'", cli->cmd->name);
		default:
			return opt;
		}
	}
}

int hd_cli_usage_error(const hd_cli *cli, hd_err *err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hd_err_set(err, HD_EUSAGE, "%s (see 'huddle %s --help')", msg, cli->cmd->name);
}

int hd_cli_config(hd_cli *cli, hd_err *err)
{
	if (hd_config_load(&cli->cfg, cli->config_path, err)) {
		cli->cfg_loaded = 1;
		return err->code;
	}
	cli->cfg_loaded = 1;
	if (cli->db_path) {
		free(cli->cfg.database);
		cli->cfg.database = hd_xstrdup(cli->db_path);
	}
	/* Here, once, for every command: what plugins add (Lua functions,
	 * metrics, formats, importers, notifiers) is then the same for eval,
	 * explain, check, test and plugins; and they are loaded before an
	 * evaluation forks its worker, which inherits them. */
	hd_plugins_load(&cli->cfg);
	return 0;
}

int hd_cli_open(hd_cli *cli, int db_flags, hd_err *err)
{
	if (!cli->cfg_loaded && hd_cli_config(cli, err))
		return err->code;
	return hd_db_open(cli->cfg.database, db_flags, &cli->db, err);
}

void hd_cli_close(hd_cli *cli)
{
	if (cli->db)
		sqlite3_close(cli->db);
	cli->db = NULL;
	/* Plugins read their settings until their fini has run. */
	hd_plugins_unload();
	if (cli->cfg_loaded)
		hd_config_free(&cli->cfg);
	cli->cfg_loaded = 0;
}

int hd_cli_period(const hd_cli *cli, const char *arg, hd_period *p, hd_err *err)
{
	int fs = cli->cfg.fiscal_year_start;
	if (arg)
		return hd_period_parse(arg, fs, p, err);
	if (cli->cfg.period) /* checked when the config was read */
		return hd_period_parse(cli->cfg.period, fs, p, err);
	hd_period_quarter_of(hd_today(), fs, p);
	return 0;
}

int hd_cli_as_of(const char *arg, const hd_period *p, int *as_of, hd_err *err)
{
	if (!arg) {
		*as_of = hd_period_default_as_of(p);
		return 0;
	}
	if (hd_date_parse(arg, as_of))
		return hd_err_set(err, HD_EUSAGE, "bad --as-of '%s': write a date as YYYY-MM-DD", arg);
	return 0;
}

int hd_output_open(hd_output *o, const char *path, hd_err *err)
{
	struct stat st;
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!path) {
		o->f = stdout;
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return hd_err_set(err, HD_EUSAGE, "%s is a folder; --output names a file", path);
		o->f = fopen(path, "w");
	} else {
		size_t n = strlen(path) + 32;
		o->tmp = hd_xmalloc(n);
		snprintf(o->tmp, n, "%s.tmp%ld", path, (long)getpid());
		o->f = fopen(o->tmp, "w");
	}
	if (!o->f) {
		int e = errno;
		free(o->tmp);
		o->tmp = NULL;
		return hd_err_set(err, HD_EIO, "%s: cannot write (%s); check the folder exists and is writable", path,
				  strerror(e));
	}
	o->color = isatty(fileno(o->f)) && !getenv("NO_COLOR");
	return 0;
}

int hd_output_close(hd_output *o, int failed, hd_err *err)
{
	int bad = fflush(o->f) || ferror(o->f);
	int e = errno;
	if (o->f != stdout)
		bad |= fclose(o->f) != 0;
	if (!failed && !bad && o->tmp && rename(o->tmp, o->path)) {
		e = errno;
		bad = 1;
	}
	if ((failed || bad) && o->tmp)
		remove(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	o->f = NULL;
	if (bad && !failed)
		return hd_err_set(err, HD_EIO, "%s: writing failed (%s)", o->path ? o->path : "standard output",
				  strerror(e));
	return 0;
}

void hd_progress_start(hd_progress *p, const char *label)
{
	p->label = label;
	p->tty = isatty(2);
	p->last = -1;
}

void hd_progress_update(void *ud, double fraction)
{
	hd_progress *p = ud;
	int pct = (int)(fraction * 100);
	if (!p->tty || pct == p->last)
		return;
	p->last = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = 0;
	fprintf(stderr, "\r%-14s [%s] %3d%%", p->label, bar, pct);
	fflush(stderr);
}

void hd_progress_done(hd_progress *p)
{
	if (p->tty && p->last >= 0)
		fputs("\r\033[K", stderr);
}
