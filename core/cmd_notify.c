/* cmd_notify.c - huddle notify: deliver the outbox through notifier plugins. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "notify.h"
#include "plugin.h"

/* The usage names the number of runs after which an item is parked. */
_Static_assert(HD_NOTIFY_PARK_AFTER == 5, "update the usage text");

static const char usage[] =
    "usage: huddle notify [--retry] [--db FILE] [--config FILE]\n"
    "\n"
    "Delivers the recognitions and coaching items that 'huddle eval' queued in the\n"
    "database's outbox, oldest first, through every notifier plugin loaded; the\n"
    "bundled webhook plugin POSTs each one as JSON to plugins.webhook.url. An item is\n"
    "marked delivered only once every notifier accepted it. A receiver that is down\n"
    "loses nothing: its items wait for the next notify.\n"
    "\n"
    "Each item carries an idempotency key that stays the same across attempts, so a\n"
    "receiver can drop repeats. Repeats happen: with several notifiers, an item that\n"
    "one accepted and another did not is sent to both again next time; and an item\n"
    "in flight when a notify is killed is sent again.\n"
    "\n"
    "An item that failed in 5 notify runs is parked: later runs skip it, so a\n"
    "permanently broken item does not cost every run its retries. --retry tries the\n"
    "parked items as well.\n"
    "\n"
    "options:\n"
    "  --retry         also try parked items (delivered when accepted; still parked\n"
    "                  when they fail again)\n"
    "  --db FILE       the database (default: the config's database)\n"
    "  --config FILE   the config file (default ./huddle.cfg, then $XDG_CONFIG_HOME/huddle)\n"
    "\n"
    "One notify at a time per database: a notify holds the lock file\n"
    "DATABASE-notify.lock beside the database file (a symbolic link to it is\n"
    "followed), and one started meanwhile leaves the work to it (the running one\n"
    "also delivers items queued after it started) and exits 0.\n"
    "\n"
    "Prints \"delivered N, failed M (will retry), parked K\", and names each item that\n"
    "failed on standard error. Exit status: 0 when every item tried was delivered\n"
    "(parked items that were not tried do not count), 1 when some item failed, 3 when\n"
    "no notifier plugin is loaded, the config is bad or the database is missing, 4 on\n"
    "an I/O error.\n";

/* Why no notifier is there, as far as the bundled webhook plugin goes. */
static int no_notifier(const hd_cli *cli, hd_err *err)
{
	const hd_plugins *p = hd_plugins_get();
	const huddle_host *wh = NULL;
	for (int i = 0; i < p->n && !wh; i++)
		if (!strcmp(p->v[i]->name, "webhook"))
			wh = p->v[i];
	const char *state =
	    !wh                                  ? "no webhook.so was found"
	    : wh->status == HD_PLUGIN_REFUSED    ? "the webhook plugin was refused, as said above"
	    : wh->status == HD_PLUGIN_NOT_LOADED ? "the webhook plugin is not named in plugins.load"
	                                         : "the webhook plugin has no plugins.webhook.url";
	return hd_err_set(
	    err, HD_EINPUT,
	    "no notifier plugin is loaded, so nothing can be delivered: %s. Load the bundled webhook "
	    "plugin by setting plugins.webhook.url in %s: plugins = { webhook = { url = \"https://...\"; "
	    "}; }; "
	    "('huddle plugins' shows what was found, loaded or refused)",
	    state, cli->cfg.path ? cli->cfg.path : "./huddle.cfg (there is none yet)");
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = {HD_COMMON_OPTIONS, {"retry", no_argument, NULL, 'r'}, {0}};
	hd_cli cli = {.cmd = &hd_cmd_notify};
	hd_notify_opts o = {.retry = 0, .park_after = HD_NOTIFY_PARK_AFTER};
	int c, rc;
	while ((c = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0)
		if (c == 'r')
			o.retry = 1;
	if (c < 0)
		return c == HD_CLI_HELPED ? 0 : c;
	if (optind < argc)
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind]);
	if ((rc = hd_cli_config(&cli, err)))
		goto done;
	hd_plugins_load(&cli.cfg);
	if (!hd_notify_count()) {
		rc = no_notifier(&cli, err);
		goto done;
	}
	if ((rc = hd_cli_open(&cli, HD_DB_EXISTING, err)))
		goto done;
	hd_notify_stats st;
	if ((rc = hd_notify_run(cli.db, cli.cfg.database, &o, &st, err)))
		goto done;
	if (st.busy) {
		if (st.busy_pid > 0)
			printf("another huddle notify (pid %ld) is delivering from %s; left to it\n",
			       (long)st.busy_pid, cli.cfg.database);
		else
			printf("another huddle notify is delivering from %s; left to it\n", cli.cfg.database);
		goto done;
	}
	printf("delivered %d, failed %d (will retry), parked %d\n", st.delivered, st.failed, st.parked);
	if (st.parked && !o.retry)
		hd_warn(
		    "notify: %d item%s failed in %d notify runs and %s parked: 'huddle notify --retry' tries "
		    "them again",
		    st.parked, st.parked == 1 ? "" : "s", o.park_after, st.parked == 1 ? "is" : "are");
	if (fflush(stdout) || ferror(stdout))
		rc = hd_err_set(err, HD_EIO, "writing to standard output failed");
	else if (st.failed_now)
		rc = HD_EFAIL;
done:
	hd_cli_close(&cli);
	return rc;
}

const hd_command hd_cmd_notify = {
    "notify", "deliver pending recognitions and coaching items through notifiers", usage, run};
