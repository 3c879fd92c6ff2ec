/* cmd_explain.c - huddle explain REP: why each number is what it is. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "eval.h"

static int run(int argc, char **argv, hd_err *err);

const hd_command hd_cmd_explain = {
	"explain", "show one rep's score, component by component, and why each trigger fired",
	"usage: huddle explain REP [--period P] [--as-of DATE] [--rules PATH]...\n\n"
	"REP is a rep id or exact name. Shows every component with its value, weight,\n"
	"contribution to the score and the rule's own explanation, the metrics each rule\n"
	"read with their values, and why each recognition and coaching trigger fired or\n"
	"not. Nothing is saved.\n",
	run
};

/* Index of the rep named by id or exact name; HD_EUSAGE if none or many. */
static int find_rep(const hd_subjects *s, const char *key, int *idx, hd_err *err)
{
	char *end;
	long long id = strtoll(key, &end, 10);
	int found = -1, many = 0;
	for (int i = 0; i < s->nreps; i++) {
		if ((!*end && s->reps[i].id == id) || !strcmp(s->reps[i].name, key)) {
			many += found >= 0;
			found = i;
		}
	}
	if (found < 0)
		return hd_err_set(err, HD_EUSAGE, "no active rep with id or name '%s'", key);
	if (many)
		return hd_err_set(err, HD_EUSAGE, "more than one rep is named '%s'; give the id instead", key);
	*idx = found;
	return 0;
}

static void print_reads(const hd_engine *e, const hd_explained *x)
{
	if (!x || !x->nreads)
		return;
	printf("      reads:");
	for (int i = 0; i < x->nreads; i++) {
		const hd_read *r = &x->reads[i];
		char v[40];
		if (isnan(r->value))
			snprintf(v, sizeof v, "nil");
		else
			snprintf(v, sizeof v, "%.10g", r->value);
		printf("%s ", i ? "," : "");
		for (int k = 0; k < r->ctx; k++)
			printf("prev.");
		printf("%s = %s", e->rules.metrics[r->metric].name, v);
	}
	printf("\n");
}

static const hd_explained *explained(const hd_scorecard *c, const hd_rule *r)
{
	for (int i = 0; i < c->nexplained; i++)
		if (c->explained[i].rule == r)
			return &c->explained[i];
	return NULL;
}

static void show(const hd_engine *e, const hd_result *res, const hd_scorecard *c)
{
	const hd_team_info *t = &e->subj.teams[c->team_index];
	printf("%s (id %lld), team %s, %s as of %s\n", c->name, (long long)c->id, t->name, res->period.label,
	       res->as_of);
	if (c->has_score)
		printf("score %.2f, rank %d of %d, team rank %d of %d\n\n", c->score, c->rank, res->nreps,
		       c->team_rank, t->nmembers);
	else
		printf("no score: no component produced a value\n\n");
	double wsum = 0;
	for (int i = 0; i < c->ncomps; i++)
		if (c->comps[i].has_value)
			wsum += c->comps[i].rule->weight;
	printf("components%25s %8s %12s  why\n", "weight", "value", "contribution");
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		if (k->has_value)
			printf("  %-30s %5g %8.3f %9.2f pts  %s%s\n", k->rule->name, k->rule->weight, k->value,
			       wsum > 0 ? 100 * k->rule->weight * k->value / wsum : 0, k->why ? k->why : "",
			       k->raw != k->value ? " (clamped)" : "");
		else
			printf("  %-30s %5g %8s %13s  %s\n", k->rule->name, k->rule->weight, "-", "not counted",
			       "no value");
		print_reads(e, explained(c, k->rule));
	}
	const hd_rule_type types[] = { HD_RECOGNIZE, HD_COACH };
	for (int ti = 0; ti < 2; ti++) {
		printf("\n%s\n", types[ti] == HD_RECOGNIZE ? "recognition" : "coaching");
		for (int i = 0; i < e->rules.nrules; i++) {
			const hd_rule *r = &e->rules.rules[i];
			if (r->type != types[ti] || r->kind != HD_REP)
				continue;
			const hd_explained *x = explained(c, r);
			const hd_item *its = types[ti] == HD_RECOGNIZE ? c->recs : c->coach;
			int n = types[ti] == HD_RECOGNIZE ? c->nrecs : c->ncoach;
			const char *text = NULL;
			for (int k = 0; k < n; k++)
				if (its[k].rule == r)
					text = its[k].text;
			if (r->disabled)
				printf("  -  %-30s disabled in the config\n", r->name);
			else if (text)
				printf("  +  %-30s fired: %s\n", r->name, text);
			else
				printf("  .  %-30s did not fire%s%s\n", r->name, x && x->failed ? " (rule error)" : "",
				       r->doc ? "" : "");
			if (!r->disabled && r->doc)
				printf("      %s\n", r->doc);
			print_reads(e, x);
		}
	}
	if (c->nerrs) {
		printf("\nrule errors\n");
		for (int i = 0; i < c->nerrs; i++)
			printf("  %s: %s: %s\n", c->errs[i].where, c->errs[i].rule, c->errs[i].message);
	}
}

static int run(int argc, char **argv, hd_err *err)
{
	static const struct option opts[] = { HD_COMMON_OPTIONS,
					      { "period", required_argument, NULL, 'p' },
					      { "as-of", required_argument, NULL, 'a' },
					      { "rules", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	hd_cli cli = { .cmd = &hd_cmd_explain };
	hd_strv extra = { 0 };
	const char *period = NULL, *as_of_arg = NULL;
	int opt, rc;
	while ((opt = hd_cli_getopt(&cli, argc, argv, opts, err)) > 0) {
		if (opt == 'p')
			period = optarg;
		else if (opt == 'a')
			as_of_arg = optarg;
		else if (opt == 'R')
			hd_strv_push(&extra, optarg);
	}
	if (opt < 0) {
		hd_strv_free(&extra);
		return opt == HD_CLI_HELPED ? 0 : opt;
	}
	if (optind != argc - 1) {
		hd_strv_free(&extra);
		return hd_cli_usage_error(&cli, err, "name one rep, by id or exact name");
	}
	const char *who = argv[optind];
	hd_engine e;
	hd_period p;
	int as_of, idx = -1;
	memset(&e, 0, sizeof e);
	if ((rc = hd_cli_config(&cli, err)) || (rc = hd_cli_period(&cli, period, &p, err)) ||
	    (rc = hd_cli_as_of(as_of_arg, &p, &as_of, err)) || (rc = hd_cli_open(&cli, HD_DB_EXISTING, err)))
		goto out;
	rc = hd_engine_open(&e, &cli.cfg, cli.db, &extra, err);
	if (rc == HD_EINPUT)
		hd_rules_print_problems(&e.rules, stderr);
	if (rc || (rc = hd_engine_prepare(&e, &p, as_of, err)) || (rc = find_rep(&e.subj, who, &idx, err)))
		goto out;
	e.trace_kind = HD_REP;
	e.trace_subject = idx;
	hd_result res;
	if (!(rc = hd_eval_run(&e, &res, NULL, NULL, err))) {
		show(&e, &res, &res.reps[idx]);
		hd_result_free(&res);
	}
out:
	hd_engine_close(&e);
	hd_strv_free(&extra);
	hd_cli_close(&cli);
	return rc;
}
