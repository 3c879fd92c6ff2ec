/* backtest.c - folding each period's result into counts per rule and
 * subject, and the figures and warnings drawn from them. */
#include "backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hd_backtest_init(hd_backtest *bt, const hd_engine *e, const hd_period *range, int n, const char *team)
{
	memset(bt, 0, sizeof *bt);
	bt->team = team;
	bt->nperiods = n;
	bt->periods = hd_xcalloc((size_t)n, sizeof *bt->periods);
	for (int i = 0; i < n; i++) {
		bt->periods[i].period = range[i];
		bt->periods[i].mean_score = NAN;
	}
	const hd_rules *rs = &e->rules;
	bt->base = rs->rules;
	bt->by_rule = hd_xmalloc(sizeof *bt->by_rule * (size_t)(rs->nrules ? rs->nrules : 1));
	bt->rules = hd_xcalloc((size_t)(rs->nrules ? rs->nrules : 1), sizeof *bt->rules);
	/* Recognitions first, then triggers: the order of the report. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < rs->nrules; i++) {
			const hd_rule *r = &rs->rules[i];
			if (pass == 0)
				bt->by_rule[i] = -1;
			if (r->disabled || r->type != (pass ? HD_COACH : HD_RECOGNIZE))
				continue;
			hd_bt_rule *b = &bt->rules[bt->nrules];
			b->rule = r;
			b->per_period = hd_xcalloc((size_t)n, sizeof *b->per_period);
			b->errors_per_period = hd_xcalloc((size_t)n, sizeof *b->errors_per_period);
			b->top_share = b->gini = NAN;
			bt->by_rule[i] = bt->nrules++;
		}
		if (pass == 0)
			bt->nrecs = bt->nrules;
	}
	for (int k = 0; k < 2; k++)
		hd_idmap_init(&bt->ids[k], 16);
	snprintf(bt->rules_hash, sizeof bt->rules_hash, "%016llx", rs->hash);
}

/* Room for one more subject of kind: the subjects, the id map (kept at
 * most half full) and every rule's counts of that kind grow together. */
static void grow(hd_backtest *bt, hd_kind kind)
{
	int n = bt->nsubj[kind];
	if (n < bt->cap[kind])
		return;
	int cap = bt->cap[kind] ? 2 * bt->cap[kind] : 64;
	bt->subj[kind] = hd_xrealloc(bt->subj[kind], sizeof *bt->subj[kind] * (size_t)cap);
	for (int i = 0; i < bt->nrules; i++) {
		hd_bt_rule *r = &bt->rules[i];
		if (r->rule->kind != kind)
			continue;
		r->per_subject = hd_xrealloc(r->per_subject, sizeof *r->per_subject * (size_t)cap);
		memset(r->per_subject + n, 0, sizeof *r->per_subject * (size_t)(cap - n));
	}
	hd_idmap_free(&bt->ids[kind]);
	hd_idmap_init(&bt->ids[kind], cap);
	for (int i = 0; i < n; i++)
		hd_idmap_put(&bt->ids[kind], bt->subj[kind][i].id, i);
	bt->cap[kind] = cap;
}

static void set_text(char **dst, const char *s)
{
	if (*dst && s && !strcmp(*dst, s))
		return;
	free(*dst);
	*dst = s ? hd_xstrdup(s) : NULL;
}

/* The index of the card's subject among those of the range; its name
 * and team are the latest period's. */
static int subject_of(hd_backtest *bt, const hd_scorecard *c)
{
	int i = hd_idmap_get(&bt->ids[c->kind], c->id);
	if (i < 0) {
		grow(bt, c->kind);
		i = bt->nsubj[c->kind]++;
		bt->subj[c->kind][i] = (hd_bt_subject){ c->id, NULL, NULL, 0 };
		hd_idmap_put(&bt->ids[c->kind], c->id, i);
	}
	hd_bt_subject *s = &bt->subj[c->kind][i];
	set_text(&s->name, c->name);
	set_text(&s->team, c->kind == HD_REP ? c->team : NULL);
	return i;
}

static int shown(const hd_backtest *bt, const hd_scorecard *c)
{
	if (!bt->team)
		return 1;
	return !strcmp(c->kind == HD_REP ? c->team : c->name, bt->team);
}

static hd_bt_rule *rule_of(hd_backtest *bt, const hd_rule *r)
{
	int i = bt->by_rule[r - bt->base];
	return i >= 0 ? &bt->rules[i] : NULL;
}

/* Rule errors carry the rule's name only. */
static hd_bt_rule *rule_named(hd_backtest *bt, const char *name)
{
	for (int i = 0; i < bt->nrules; i++)
		if (!strcmp(bt->rules[i].rule->name, name))
			return &bt->rules[i];
	return NULL;
}

static void add_card(hd_backtest *bt, int pi, const hd_scorecard *c, double *sum)
{
	hd_bt_period *p = &bt->periods[pi];
	int s = subject_of(bt, c);
	if (c->kind == HD_REP) {
		p->reps++;
		if (c->has_score) {
			p->scored++;
			*sum += c->score;
		}
	} else {
		p->teams++;
	}
	for (int k = 0; k < c->nrecs + c->ncoach; k++) {
		const hd_item *it = k < c->nrecs ? &c->recs[k] : &c->coach[k - c->nrecs];
		hd_bt_rule *r = rule_of(bt, it->rule);
		if (!r)
			continue;
		r->per_period[pi]++;
		r->per_subject[s]++;
		if (k < c->nrecs) {
			bt->subj[c->kind][s].recognised++;
			p->recognitions++;
		} else {
			p->coaching++;
		}
	}
	p->errors += c->nerrs;
	for (int k = 0; k < c->nerrs; k++) {
		hd_bt_rule *r = rule_named(bt, c->errs[k].rule);
		if (r)
			r->errors_per_period[pi]++;
	}
}

void hd_backtest_add(hd_backtest *bt, int pi, const hd_result *res)
{
	hd_bt_period *p = &bt->periods[pi];
	memcpy(p->start, res->start, sizeof p->start);
	memcpy(p->stop, res->stop, sizeof p->stop);
	memcpy(p->as_of, res->as_of, sizeof p->as_of);
	double sum = 0;
	for (int i = 0; i < res->nreps; i++)
		if (shown(bt, &res->reps[i]))
			add_card(bt, pi, hd_result_card(res, HD_REP, i), &sum);
	for (int i = 0; i < res->nteams; i++)
		if (shown(bt, &res->teams[i]))
			add_card(bt, pi, hd_result_card(res, HD_TEAM, i), &sum);
	p->mean_score = p->scored ? sum / p->scored : NAN;
	bt->done = pi + 1;
}

static int desc_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x < y) - (x > y);
}

/* The mean absolute difference over all pairs, over twice the mean:
 * with the counts sorted ascending that is
 * (2 Σ i·x_i) / (n Σ x_i) − (n + 1) / n, for i from 1. */
double hd_backtest_gini(const int *counts, int n)
{
	if (n <= 0)
		return NAN;
	int *x = hd_xmalloc(sizeof *x * (size_t)n);
	memcpy(x, counts, sizeof *x * (size_t)n);
	qsort(x, (size_t)n, sizeof *x, desc_int);
	double total = 0, weighted = 0;
	/* Sorted descending: the i-th from the end is the i-th ascending. */
	for (int i = 0; i < n; i++) {
		total += x[i];
		weighted += (double)(n - i) * x[i];
	}
	free(x);
	if (total <= 0)
		return NAN;
	return 2 * weighted / (n * total) - (double)(n + 1) / n;
}

/* The share of all its firings that went to the top tenth of the
 * subjects (at least one subject), most fired for first. */
static double top_share(const int *counts, int n, int total)
{
	if (total <= 0 || n <= 0)
		return NAN;
	int *x = hd_xmalloc(sizeof *x * (size_t)n);
	memcpy(x, counts, sizeof *x * (size_t)n);
	qsort(x, (size_t)n, sizeof *x, desc_int);
	int k = (n + 9) / 10;
	double top = 0;
	for (int i = 0; i < k; i++)
		top += x[i];
	free(x);
	return top / total;
}

/* Whether subject i goes before subject o among those a rule fired
 * for: more often first, then by name, then by id. */
static int fired_before(const hd_backtest *bt, const hd_bt_rule *r, int i, int o)
{
	const hd_bt_subject *s = bt->subj[r->rule->kind];
	if (r->per_subject[i] != r->per_subject[o])
		return r->per_subject[i] > r->per_subject[o];
	int c = strcmp(s[i].name, s[o].name);
	return c ? c < 0 : s[i].id < s[o].id;
}

/* The HD_BT_TOP subjects a rule fired for most often, by insertion. */
static void top_subjects(const hd_backtest *bt, hd_bt_rule *r)
{
	r->ntop = 0;
	for (int i = 0; i < bt->nsubj[r->rule->kind]; i++) {
		if (!r->per_subject[i])
			continue;
		int at = r->ntop;
		while (at > 0 && fired_before(bt, r, i, r->top[at - 1]))
			at--;
		if (at >= HD_BT_TOP)
			continue;
		if (r->ntop < HD_BT_TOP)
			r->ntop++;
		memmove(r->top + at + 1, r->top + at, sizeof *r->top * (size_t)(r->ntop - 1 - at));
		r->top[at] = i;
	}
}

static int by_name(const void *a, const void *b)
{
	const hd_bt_subject *x = *(const hd_bt_subject *const *)a, *y = *(const hd_bt_subject *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The reps no policy recognised, by name then id. */
static void never_recognised(hd_backtest *bt)
{
	int n = bt->nsubj[HD_REP];
	const hd_bt_subject **never = hd_xmalloc(sizeof *never * (size_t)(n ? n : 1));
	for (int s = 0; s < n; s++)
		if (!bt->subj[HD_REP][s].recognised)
			never[bt->nnever++] = &bt->subj[HD_REP][s];
	qsort(never, (size_t)bt->nnever, sizeof *never, by_name);
	bt->never = hd_xmalloc(sizeof *bt->never * (size_t)(n ? n : 1));
	for (int i = 0; i < bt->nnever; i++)
		bt->never[i] = (int)(never[i] - bt->subj[HD_REP]);
	free(never);
}

void hd_backtest_finish(hd_backtest *bt, hd_engine *e)
{
	for (int i = 0; i < bt->nrules; i++) {
		hd_bt_rule *r = &bt->rules[i];
		int n = bt->nsubj[r->rule->kind];
		if (!r->per_subject) /* no subject of its kind in the range */
			r->per_subject = hd_xcalloc(1, sizeof *r->per_subject);
		r->total = r->errors = r->reached = 0;
		for (int p = 0; p < bt->nperiods; p++) {
			r->total += r->per_period[p];
			r->errors += r->errors_per_period[p];
		}
		for (int s = 0; s < n; s++)
			r->reached += r->per_subject[s] > 0;
		r->top_share = top_share(r->per_subject, n, r->total);
		r->gini = hd_backtest_gini(r->per_subject, n);
		top_subjects(bt, r);
		if (i >= bt->nrecs)
			continue;
		if (!r->total)
			r->warnings |= HD_BT_NOBODY;
		/* With one subject of its kind (a --team of one), reaching one
		 * is all a policy can do. */
		if (r->reached == 1 && n > 1)
			r->warnings |= HD_BT_ONE;
	}
	hd_backtest_reads(e, bt->rules, bt->nrecs);
	for (int i = 0; i < bt->nrecs; i++)
		if (bt->rules[i].activity_only)
			bt->rules[i].warnings |= HD_BT_ACTIVITY;
	never_recognised(bt);
}

const char *hd_backtest_kind_name(hd_period_kind kind, int plural)
{
	switch (kind) {
	case HD_PERIOD_QUARTER: return plural ? "quarters" : "quarter";
	case HD_PERIOD_MONTH: return plural ? "months" : "month";
	case HD_PERIOD_WEEK: return plural ? "weeks" : "week";
	case HD_PERIOD_YEAR: return plural ? "years" : "year";
	default: return plural ? "periods" : "period";
	}
}

static const char *kind_words(const hd_backtest *bt)
{
	return hd_backtest_kind_name(bt->periods[0].period.kind, bt->nperiods != 1);
}

static void activity_warning(const hd_bt_rule *r, char *buf, size_t n)
{
	char names[512] = "";
	for (int i = 0; i < r->reads.n; i++) {
		size_t len = strlen(names);
		snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", r->reads.v[i]);
	}
	snprintf(buf, n,
		 "%s rewards raw activity alone: all it reads (%s) counts logged calls, emails, meetings or "
		 "demos, and nothing it reads is a result such as wins, pipeline or collaboration",
		 r->rule->name, names);
}

void hd_backtest_warning(const hd_backtest *bt, const hd_bt_rule *r, unsigned kind, char *buf, size_t n)
{
	const char *who = r->rule->kind == HD_REP ? "rep" : "team";
	if (kind == HD_BT_NOBODY && r->errors)
		snprintf(
		    buf, n,
		    "%s recognised nobody in %d %s, and failed %d time%s: 'huddle eval --period P' shows "
		    "the errors",
		    r->rule->name, bt->nperiods, kind_words(bt), r->errors, r->errors == 1 ? "" : "s");
	else if (kind == HD_BT_NOBODY)
		snprintf(buf, n, "%s recognised nobody in %d %s: its bar may be out of reach%s",
		         r->rule->name, bt->nperiods, kind_words(bt),
		         r->rule->kind == HD_REP ? " ('huddle explain REP --period P' shows what it read)"
		                                 : "");
	else if (kind == HD_BT_ONE)
		snprintf(buf, n,
		         "%s only ever recognised one %s, %s (%d time%s in %d %s): a prize for one is not "
		         "a team policy",
		         r->rule->name, who, r->ntop ? bt->subj[r->rule->kind][r->top[0]].name : "?",
		         r->total, r->total == 1 ? "" : "s", bt->nperiods, kind_words(bt));
	else
		activity_warning(r, buf, n);
}

void hd_backtest_free(hd_backtest *bt)
{
	for (int i = 0; i < bt->nrules; i++) {
		hd_bt_rule *r = &bt->rules[i];
		free(r->per_period);
		free(r->errors_per_period);
		free(r->per_subject);
		hd_strv_free(&r->reads);
		free(r->why_unknown);
	}
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < bt->nsubj[k]; i++) {
			free(bt->subj[k][i].name);
			free(bt->subj[k][i].team);
		}
		free(bt->subj[k]);
		hd_idmap_free(&bt->ids[k]);
	}
	free(bt->rules);
	free(bt->by_rule);
	free(bt->periods);
	free(bt->never);
	memset(bt, 0, sizeof *bt);
}
