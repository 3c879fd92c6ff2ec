/* cmd_check.c - huddle check: load and validate the rules, evaluate nothing. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"
#include "engine.h"
#include "lint.h"
#include "plugin.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_check = {
	"check", "load and validate the rules without evaluating them",
	"usage: huddle check [--list] [--strict] [--rules PATH]...\n\n"
	"Loads the configured rules and every --rules PATH without evaluating them and\n"
	"reports each problem as file:line: message. Errors: Lua syntax, duplicate\n"
	"names, unknown or mistyped fields, metric SQL that does not prepare against the\n"
	"schema, and metric names written in rule code (m.NAME, m.prev.NAME,\n"
	"m.members.NAME, team:sum(\"NAME\"), ${NAME} in a message) that name no metric\n"
	"or one of the wrong kind. Warnings: a param read without a default and not set\n"
	"in rules.params (or set and read nowhere), score weights that add up to nearly\n"
	"but not quite 100 (or 1), a rule with no doc line. Then the effective weights:\n"
	"each score's weight after rules.weights and its share of the total.\n\n"
	"  --list        list every rule and metric with its doc line, and what\n"
	"                plugins add: metrics and functions (huddle.PLUGIN.NAME)\n"
	"  --strict      exit 1 when there are warnings\n"
	"  --rules PATH  also load this rule file or folder\n\n"
	"Exit status: 0 no errors; 1 warnings with --strict; 2 usage error; 3 errors.\n",
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
					      { "strict", no_argument, NULL, 's' },
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_check };
	hd_strv extra = { 0 };
	int opt, rc, do_list = 0, strict = 0;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0) {
		if (opt == 'l')
			do_list = 1;
		else if (opt == 's')
			strict = 1;
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
		/* What the code says is only worth reading when every file loaded:
		 * a metric of a file that failed would look unknown. */
		int loaded = !rc;
		hd_lint lint = { 0 };
		if (loaded) {
			hd_metrics_check(&e);
			hd_lint_rules(&e, &lint);
			hd_lint_weights(&e.rules, &cli.cfg, &lint);
		}
		hd_lint_docs(&e.rules, &lint);
		hd_rules_print_problems(&e.rules, stdout);
		hd_lint_print(&lint, &e.rules, stdout);
		int errors = e.rules.problems.n + lint.errors;
		if (errors) {
			rc = hd_err_set(err, HD_EINPUT, "%d error%s%s", errors, errors == 1 ? "" : "s",
					loaded ? "" : " (the rules did not all load: fix these first)");
		} else {
			int pm, pf;
			count_plugins(&e.rules, &pm, &pf);
			if (do_list)
				list(&e.rules);
			if (do_list && (pm || pf))
				list_plugins(&e.rules);
			/* The summary first: scripts read the first line. */
			if (lint.warnings && strict) {
				rc = hd_err_set(err, HD_EFAIL, "%d warning%s, and --strict", lint.warnings,
						lint.warnings == 1 ? "" : "s");
			} else {
				printf("ok: %d rule files, %d metrics, %d rules\n", e.rules.files.n,
				       e.rules.nmetrics - pm, e.rules.nrules);
				if (pm || pf)
					printf("plugins add %d metric%s and %d function%s\n", pm, pm == 1 ? "" : "s",
					       pf, pf == 1 ? "" : "s");
			}
			hd_weights_print(&e.rules, &cli.cfg, stdout);
		}
		hd_lint_free(&lint);
	}
out:
	hd_engine_close(&e);
	hd_strv_free(&extra);
	hd_cli_close(&cli);
	return rc;
}
