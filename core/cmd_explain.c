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
	"not. Beside each metric read is its value one period earlier, as m.prev gives\n"
	"it: \"won = 11000 (2026-Q2: 4000)\". Nothing is saved.\n",
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

/* What a metric read by a rule was one period earlier: for a read of
 * NAME in the run's period, what m.prev.NAME gives; for prev.NAME, the
 * period before that. */
typedef struct earlier {
	int metric, ctx; /* the read, as the trace has it */
	int known;	 /* 0: ctx + 1 is past HD_MAX_PERIODS */
	double value;	 /* NaN for nil */
	char failed[1400]; /* why it could not be computed, if it could not */
} earlier;

typedef struct earlier_job {
	hd_engine *e;
	earlier *x;
	int subject;
} earlier_job;

/* Reads the metric in the period before the read's; run through
 * hd_lua_call, since a metric read raises when it fails. */
static int l_earlier(lua_State *L)
{
	earlier_job *j = lua_touserdata(L, 1);
	j->x->value = hd_metric_get(j->e, j->x->metric, j->x->ctx + 1, j->subject);
	return 0;
}

/* The earlier values of every metric the rep's rules read.
 *
 * They are read through the engine, as m.prev reads them: the SQL
 * metrics once each, set-based, and the Lua ones for this rep only.
 * Evaluating the whole previous period (as eval does for the html
 * report) would run every rule for every subject again and still not
 * give the earlier value of a metric the rules did not read back then;
 * this is both cheaper and the number the rules themselves would see.
 * It runs in this process under the sandbox's limits per read (a
 * metric's own code is the rules', but no rule runs here). */
static earlier *earlier_values(hd_engine *e, const hd_scorecard *c, int *n)
{
	earlier *xs = NULL;
	*n = 0;
	for (int i = 0; i < c->nexplained; i++)
		for (int k = 0; k < c->explained[i].nreads; k++) {
			const hd_read *r = &c->explained[i].reads[k];
			int seen = 0;
			for (int j = 0; j < *n && !seen; j++)
				seen = xs[j].metric == r->metric && xs[j].ctx == r->ctx;
			if (seen)
				continue;
			xs = hd_xrealloc(xs, sizeof *xs * (size_t)(*n + 1));
			xs[*n] = (earlier){ .metric = r->metric, .ctx = r->ctx, .value = NAN };
			(*n)++;
		}
	hd_lapi_set_current(e, HD_REP, c->index);
	for (int i = 0; i < *n; i++) {
		earlier *x = &xs[i];
		if (x->ctx + 1 >= HD_MAX_PERIODS)
			continue;
		x->known = 1;
		hd_engine_ctx(e, x->ctx + 1);
		earlier_job j = { e, x, c->index };
		hd_lua_error le;
		lua_pushcfunction(e->lua.L, l_earlier);
		lua_pushlightuserdata(e->lua.L, &j);
		if (hd_lua_call(&e->lua, 1, 0, &le))
			snprintf(x->failed, sizeof x->failed, "%s%s%s", le.where, le.where[0] ? ": " : "",
				 le.message);
	}
	hd_lapi_set_current(e, HD_REP, -1);
	return xs;
}

static void format_value(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "nil");
	else
		snprintf(buf, n, "%.10g", v);
}

/* "reads: won = 11000 (2026-Q2: 4000), prev.won = 4000 (2026-Q1: 2500)" */
static void print_reads(const hd_engine *e, const hd_explained *x, const earlier *xs, int nxs)
{
	if (!x || !x->nreads)
		return;
	printf("      reads:");
	for (int i = 0; i < x->nreads; i++) {
		const hd_read *r = &x->reads[i];
		char v[40];
		format_value(v, sizeof v, r->value);
		printf("%s ", i ? "," : "");
		for (int k = 0; k < r->ctx; k++)
			printf("prev.");
		printf("%s = %s", e->rules.metrics[r->metric].name, v);
		for (int k = 0; k < nxs; k++) {
			const earlier *p = &xs[k];
			if (p->metric != r->metric || p->ctx != r->ctx || !p->known)
				continue;
			format_value(v, sizeof v, p->value);
			printf(" (%s: %s)", e->ctx[r->ctx + 1].period.label, p->failed[0] ? "failed" : v);
		}
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

static void show(const hd_engine *e, const hd_result *res, const hd_scorecard *c, const earlier *xs, int nxs)
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
		print_reads(e, explained(c, k->rule), xs, nxs);
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
			print_reads(e, x, xs, nxs);
		}
	}
	if (c->nerrs) {
		printf("\nrule errors\n");
		for (int i = 0; i < c->nerrs; i++)
			printf("  %s: %s: %s\n", c->errs[i].where, c->errs[i].rule, c->errs[i].message);
	}
	int header = 0;
	for (int i = 0; i < nxs; i++) {
		if (!xs[i].failed[0])
			continue;
		if (!header++)
			printf("\nearlier values that could not be read\n");
		printf("  ");
		for (int k = 0; k <= xs[i].ctx; k++)
			printf("prev.");
		printf("%s (%s): %s\n", e->rules.metrics[xs[i].metric].name, e->ctx[xs[i].ctx + 1].period.label,
		       xs[i].failed);
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
		const hd_scorecard *c = hd_result_card(&res, HD_REP, idx);
		if (!(rc = hd_result_check(&res, err))) {
			int nxs;
			earlier *xs = earlier_values(&e, c, &nxs);
			show(&e, &res, c, xs, nxs);
			free(xs);
		}
		hd_result_free(&res);
	}
out:
	hd_engine_close(&e);
	hd_strv_free(&extra);
	hd_cli_close(&cli);
	return rc;
}
