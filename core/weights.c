/* weights.c - the effective score weights, and totals that look
 * unintended (see lint.h).
 *
 * A score is 100 x sum(w v) / sum(w) over the components with a value,
 * so weights are relative and any total works; but authors write them
 * as points of 100 (or fractions of 1), and a total of 110 usually means
 * a weight was changed and another not: each score then counts less
 * than its weight says.  Totals within a factor of two of 100 or 1 are
 * taken as meant to be 100 or 1. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lint.h"

static const char *const kinds[] = {"rep", "team"};

/* The config's rules.weights entry that set this score, or NULL. */
static const hd_weight *set_by(const hd_config *c, const hd_rule *r)
{
	const hd_weight *w = NULL;
	for (int i = 0; i < c->nweights; i++)
		if (!strcmp(c->weights[i].name, r->name))
			w = &c->weights[i]; /* the last one wins, as in hd_rules_configure */
	return w;
}

/* The sum of the enabled score weights of kind; *n counts those scores,
 * *all every score of kind, disabled ones included. */
static double total(const hd_rules *r, hd_kind kind, int *n, int *all)
{
	double t = 0;
	*n = *all = 0;
	for (int i = 0; i < r->nrules; i++) {
		const hd_rule *ru = &r->rules[i];
		if (ru->type != HD_SCORE || ru->kind != kind)
			continue;
		(*all)++;
		if (!ru->disabled) {
			t += ru->weight;
			(*n)++;
		}
	}
	return t;
}

void hd_weights_print(const hd_rules *r, const hd_config *c, FILE *out)
{
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		int n, all;
		double t = total(r, (hd_kind)k, &n, &all);
		if (!all)
			continue;
		fprintf(out, "\n%s score weights (total %g):\n", kinds[k], t);
		for (int i = 0; i < r->nrules; i++) {
			const hd_rule *ru = &r->rules[i];
			if (ru->type != HD_SCORE || ru->kind != (hd_kind)k)
				continue;
			const hd_weight *w = set_by(c, ru);
			char note[400] = "";
			if (ru->disabled)
				snprintf(note, sizeof note, "  disabled in the config");
			else if (w)
				snprintf(note, sizeof note, "  rules.weights (%s:%d); the rule says %g",
				         c->path, w->line, ru->defined_weight);
			if (ru->disabled)
				fprintf(out, "  %-28s %8g %7s%s\n", ru->name, ru->weight, "-", note);
			else
				fprintf(out, "  %-28s %8g %6.1f%%%s\n", ru->name, ru->weight,
				        t > 0 ? 100 * ru->weight / t : 0, note);
		}
	}
}

void hd_lint_weights(const hd_rules *r, const hd_config *c, hd_lint *out)
{
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		int n, all;
		double t = total(r, (hd_kind)k, &n, &all);
		if (!n)
			continue;
		/* Where to look: the config line that changed a weight of this kind,
		 * else the last score of the kind with a weight, most likely the
		 * latest addition (a manager's rules load after the defaults). */
		const hd_rule *last = NULL, *largest = NULL;
		const hd_weight *changed = NULL;
		char where[300], changes[600] = "";
		for (int i = 0; i < r->nrules; i++) {
			const hd_rule *ru = &r->rules[i];
			if (ru->type != HD_SCORE || ru->kind != (hd_kind)k || ru->disabled)
				continue;
			if (ru->weight > 0 || !last)
				last = ru;
			if (!largest || ru->weight > largest->weight)
				largest = ru;
			const hd_weight *w = set_by(c, ru);
			if (w && w->weight != ru->defined_weight) {
				size_t len = strlen(changes);
				snprintf(changes + len, sizeof changes - len, "%s%s from %g to %g",
				         changes[0] ? ", " : "", ru->name, ru->defined_weight, ru->weight);
				if (!changed || w->line < changed->line)
					changed = w;
			}
		}
		if (changed)
			snprintf(where, sizeof where, "%s:%d", c->path, changed->line);
		else
			snprintf(where, sizeof where, "%s", last->where);
		char why[700] = "";
		if (changes[0])
			snprintf(why, sizeof why, "; rules.weights changed %s", changes);
		if (t == 0) {
			hd_lint_add(out, where, 1, "every %s score has weight 0, so no %s gets a score%s",
			            kinds[k], kinds[k], why);
			continue;
		}
		/* The two ways authors write weights: points of 100, fractions of 1.
		 * A total far from both (2 + 3 + 2) is relative on purpose. */
		double round = t < 10 ? 1 : 100;
		if (fabs(t - round) <= 1e-9 * round || t / round < 0.5 || t / round > 2)
			continue;
		hd_lint_add(out, where, 1,
		            "%s score weights add up to %g, not %g: each score counts as its share of %g, so "
		            "%s's %g is "
		            "%.1f%% of the score, not %.1f%%%s",
		            kinds[k], t, round, t, largest->name, largest->weight, 100 * largest->weight / t,
		            100 * largest->weight / round, why);
	}
}
