/* cmd_check.c - huddle check: load and validate the rules, evaluate nothing. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"
#include "engine.h"
#include "plugin.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_check = {
	"check", "load and validate the rules without evaluating them",
	"usage: huddle check [--list] [--rules PATH]...\n\n"
	"Loads the configured rules and every --rules PATH and reports each problem as\n"
	"file:line: message: Lua syntax, duplicate names, unknown or mistyped fields, and\n"
	"metric SQL that does not prepare against the schema. Exits 3 if there is any.\n\n"
	"  --list        list every rule and metric with its doc line, and what\n"
	"                plugins add: metrics and functions (huddle.PLUGIN.NAME)\n"
	"  --rules PATH  also load this rule file or folder\n",
	run
};

static const char *const kinds[] = { "rep", "team" };

static void list(const hd_rules *r)
{
	printf("%-12s %-5s %-28s %-8s %s\n", "kind", "for", "name", "weight", "doc");
	for (int i = 0; i < r->nrules; i++) {
		const hd_rule *ru = &r->rules[i];
		char w[32] = "";
		if (ru->type == HD_SCORE)
			snprintf(w, sizeof w, "%g", ru->weight);
		else if (ru->type == HD_COACH)
			snprintf(w, sizeof w, "%s", ru->severity);
		printf("%-12s %-5s %-28s %-8s %s%s\n",
		       ru->type == HD_SCORE ? "score" : ru->type == HD_RECOGNIZE ? "recognize" : "coach", kinds[ru->kind],
		       ru->name, w, ru->doc ? ru->doc : "(no doc)", ru->disabled ? " [disabled]" : "");
	}
	for (int i = 0; i < r->nmetrics; i++) {
		const hd_metric_def *m = &r->metrics[i];
		if (!m->provider)
			printf("%-12s %-5s %-28s %-8s %s\n", "metric", kinds[m->kind], m->name, m->sql ? "sql" : "lua",
			       m->doc ? m->doc : "(no doc)");
	}
}

/* Counts what the loaded plugins add for rules: metrics (already in r)
 * and huddle.<plugin>.* functions. */
static void count_plugins(const hd_rules *r, int *metrics, int *functions)
{
	const hd_plugins *p = hd_plugins_get();
	*metrics = *functions = 0;
	for (int i = 0; i < r->nmetrics; i++)
		*metrics += r->metrics[i].provider != NULL;
	for (int i = 0; i < p->nregs; i++)
		*functions += p->regs[i].type == HD_PREG_LUA && p->regs[i].owner->status == HD_PLUGIN_LOADED;
}

/* What plugins add, as a section of its own under the rules' table (rows
 * indented, the same columns), with the plugin's name for a source. */
static void list_plugins(const hd_rules *r)
{
	const hd_plugins *p = hd_plugins_get();
	printf("\nfrom plugins:\n");
	for (int i = 0; i < r->nmetrics; i++) {
		const hd_metric_def *m = &r->metrics[i];
		if (m->provider)
			printf("  %-10s %-5s %-28s %-8s %s\n", "metric", kinds[m->kind], m->name, m->provider->owner->name,
			       m->doc ? m->doc : "(no doc)");
	}
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *g = &p->regs[i];
		if (g->type != HD_PREG_LUA || g->owner->status != HD_PLUGIN_LOADED)
			continue;
		char name[80];
		snprintf(name, sizeof name, "huddle.%s.%s", g->owner->name, g->name);
		printf("  %-10s %-5s %-28s %-8s %s\n", "function", "-", name, g->owner->name,
		       g->doc[0] ? g->doc : "(no doc)");
	}
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "list", no_argument, NULL, 'l' },
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_check };
	hd_strv extra = { 0 };
	int opt, rc, do_list = 0;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0) {
		if (opt == 'l')
			do_list = 1;
		else if (opt == 'R')
			hd_strv_push(&extra, optarg);
	}
	if (opt < 0) {
		hd_strv_free(&extra);
		return opt == HD_CLI_HELPED ? 0 : opt;
	}
	if (optind < argc) {
		hd_strv_free(&extra);
		return hd_cli_usage_error(&cli, err, "unexpected argument '%s'", argv[optind]);
	}
	hd_engine e;
	memset(&e, 0, sizeof e);
	if ((rc = hd_cli_config(&cli, err)))
		goto out;
	/* SQL is prepared against the real database when there is one, else
	 * against an empty one with the schema. */
	struct stat sb;
	rc = stat(cli.cfg.database, &sb) == 0 ? hd_db_open(cli.cfg.database, HD_DB_EXISTING, &cli.db, err)
					       : hd_db_open_memory(&cli.db, err);
	if (rc)
		goto out;
	rc = hd_engine_open(&e, &cli.cfg, cli.db, &extra, err);
	if (!rc || rc == HD_EINPUT) {
		int bad = rc == HD_EINPUT;
		if (!bad)
			bad = hd_metrics_check(&e) != 0;
		hd_rules_print_problems(&e.rules, stdout);
		for (int i = 0; i < e.rules.nrules; i++)
			if (!e.rules.rules[i].doc)
				printf("%s: warning: %s '%s' has no doc line\n", e.rules.rules[i].where,
				       hd_rule_type_name(e.rules.rules[i].type), e.rules.rules[i].name);
		if (bad) {
			rc = hd_err_set(err, HD_EINPUT, "%d problem%s", e.rules.problems.n,
					e.rules.problems.n == 1 ? "" : "s");
		} else {
			int pm, pf;
			count_plugins(&e.rules, &pm, &pf);
			if (do_list)
				list(&e.rules);
			if (do_list && (pm || pf))
				list_plugins(&e.rules);
			printf("ok: %d rule files, %d metrics, %d rules\n", e.rules.files.n, e.rules.nmetrics - pm,
			       e.rules.nrules);
			if (pm || pf)
				printf("plugins add %d metric%s and %d function%s\n", pm, pm == 1 ? "" : "s", pf,
				       pf == 1 ? "" : "s");
		}
	}
out:
	hd_engine_close(&e);
	hd_strv_free(&extra);
	hd_cli_close(&cli);
	return rc;
}
