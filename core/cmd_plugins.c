/* cmd_plugins.c - huddle plugins: what was found, loaded or refused, and why. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plugin.h"

static const char usage[] =
	"usage: huddle plugins [--config FILE]\n"
	"\n"
	"Lists the plugins found in the config's plugins.dirs and in huddle's own plugin\n"
	"folder: each one's name, version and file, whether it was loaded, refused (and\n"
	"why) or left out by plugins.load, and what it adds: Lua functions for rules\n"
	"(huddle.NAME.*), metrics, output formats (eval --format), import formats and\n"
	"notifiers.\n"
	"\n"
	"A plugin is refused when it was built for another plugin ABI, lacks the\n"
	"huddle_plugin_descriptor symbol, fails its init, repeats a name already loaded,\n"
	"or sits in a file or folder that someone other than you or root can write.\n"
	"\n"
	"options:\n"
	"  --config FILE   the config file (default ./huddle.cfg, then $XDG_CONFIG_HOME/huddle)\n";

static void list_regs(const huddle_host *h)
{
	static const char *const what[] = { "lua", "metric", "format", "import", "notifier" };
	const hd_plugins *p = hd_plugins_get();
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *r = &p->regs[i];
		if (r->owner != h)
			continue;
		char name[96];
		if (r->type == HD_PREG_LUA)
			snprintf(name, sizeof name, "huddle.%s.%s", h->name, r->name);
		else if (r->type == HD_PREG_METRIC)
			snprintf(name, sizeof name, "m.%s (%s)", r->name, r->kind == HUDDLE_REP ? "rep" : "team");
		else if (r->type == HD_PREG_IMPORTER && r->suffixes[0])
			snprintf(name, sizeof name, "%s (%s)", r->name, r->suffixes);
		else
			snprintf(name, sizeof name, "%s", r->name);
		printf("      %-8s %-28s %s\n", what[r->type], name, r->doc);
	}
}

static int run(int argc, char **argv, hd_err *err)
{
	hd_cli cli = { .cmd = &hd_cmd_plugins };
	static const struct option opts[] = { HD_COMMON_OPTIONS, { 0 } };
	int c, rc;
	while ((c = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0)
		;
	if (c < 0)
		return c == HD_CLI_HELPED ? 0 : c;
	if (optind < argc)
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind]);
	if ((rc = hd_cli_config(&cli, err))) {
		hd_cli_close(&cli);
		return rc;
	}
	hd_plugins_load(&cli.cfg);
	const hd_plugins *p = hd_plugins_get();
	printf("folders searched:\n");
	for (int i = 0; i < p->dirs.n; i++)
		printf("  %s\n", p->dirs.v[i]);
	if (!p->dirs.n)
		printf("  (none exists: %s)\n", hd_plugins_default_dir());
	int counts[3] = { 0 };
	for (int i = 0; i < p->n; i++)
		counts[p->v[i]->status]++;
	printf("\n%d plugin%s: %d loaded, %d refused, %d not loaded\n", p->n, p->n == 1 ? "" : "s", counts[0],
	       counts[1], counts[2]);
	static const char *const status[] = { "loaded", "REFUSED", "not loaded" };
	for (int i = 0; i < p->n; i++) {
		const huddle_host *h = p->v[i];
		printf("\n  %-10s %-8s %-10s %s\n", h->name, h->version ? h->version : "-", status[h->status],
		       h->path);
		if (h->status == HD_PLUGIN_LOADED) {
			if (h->summary && h->summary[0])
				printf("      %s\n", h->summary);
			list_regs(h);
		} else {
			printf("      %s\n", h->why);
		}
	}
	hd_cli_close(&cli);
	return 0;
}

const hd_command hd_cmd_plugins = { "plugins", "list the plugins found, loaded or refused, and what each adds",
				     usage, run };
