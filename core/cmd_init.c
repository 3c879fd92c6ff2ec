/* cmd_init.c - huddle init: create or migrate the database schema. */
#include <stdio.h>

#include "cli.h"
#include "db.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_init = {
	"init", "create the database with the schema, or migrate an older one",
	"usage: huddle init [--db FILE] [--config FILE]\n\n"
	"Creates the database with huddle's schema (SPEC section 6). An existing\n"
	"database of an older schema version is migrated in one transaction; one of a\n"
	"newer version is refused. Running it again on a current database changes nothing.\n",
	run
};

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_init };
	int rc = hd_cli_getopt(&cli, argc, argv, opts, err);
	if (rc)
		return rc == HD_CLI_HELPED ? 0 : rc;
	if (optind < argc)
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind]);
	rc = hd_cli_open(&cli, HD_DB_CREATE, err);
	if (!rc)
		printf("%s: huddle database, schema version %d\n", cli.cfg.database, HD_SCHEMA_VERSION);
	hd_cli_close(&cli);
	return rc;
}
