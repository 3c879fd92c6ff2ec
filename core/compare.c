/* compare.c - two sets of scorecards side by side: what moved for whom. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Scores and values computed by different rule files may differ in the
 * last bits for the same arithmetic done in another order; that is not
 * a change a manager should see. */
#define EPS 1e-9

static int differs(double a, double b)
{
	return fabs(a - b) > EPS * (1 + fabs(a) + fabs(b));
}

void hd_cmp_contributions(hd_cmp_card *c)
{
	double wsum = 0;
	for (int i = 0; i < c->ncomps; i++)
		if (c->comps[i].has_value)
			wsum += c->comps[i].weight;
	for (int i = 0; i < c->ncomps; i++) {
		hd_cmp_comp *k = &c->comps[i];
		k->contribution = k->has_value && wsum > 0 ? 100 * k->weight * k->value / wsum : 0;
	}
}

static hd_cmp_item *copy_items(hd_arena *a, const hd_item *it, int n, const char *const *names,
			       const hd_rule *base)
{
	hd_cmp_item *out = n ? hd_arena_alloc(a, sizeof *out * (size_t)n) : NULL;
	for (int i = 0; i < n; i++)
		out[i] = (hd_cmp_item){ names[it[i].rule - base], hd_arena_strdup(a, it[i].text),
					it[i].rule->severity, NULL };
	return out;
}

static void copy_card(hd_cmp_side *s, hd_cmp_card *d, const hd_scorecard *c, const char *const *names,
		      const hd_rule *base)
{
	hd_arena *a = &s->arena;
	*d = (hd_cmp_card){ .id = c->id,
			    .name = hd_arena_strdup(a, c->name),
			    .team = hd_arena_strdup(a, c->team),
			    .members = c->members,
			    .has_score = c->has_score,
			    .score = c->score,
			    .rank = c->rank,
			    .team_rank = c->kind == HD_REP ? c->team_rank : 0 };
	d->ncomps = c->ncomps;
	d->comps = c->ncomps ? hd_arena_alloc(a, sizeof *d->comps * (size_t)c->ncomps) : NULL;
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		d->comps[i] = (hd_cmp_comp){ names[k->rule - base], k->has_value, k->has_value ? k->value : 0,
					     k->rule->weight, 0 };
	}
	hd_cmp_contributions(d);
	d->nrecs = c->nrecs;
	d->recs = copy_items(a, c->recs, c->nrecs, names, base);
	d->ncoach = c->ncoach;
	d->coach = copy_items(a, c->coach, c->ncoach, names, base);
	d->nerrs = c->nerrs;
	d->errs = c->nerrs ? hd_arena_alloc(a, sizeof *d->errs * (size_t)c->nerrs) : NULL;
	for (int i = 0; i < c->nerrs; i++)
		d->errs[i] = (hd_cmp_item){ hd_arena_strdup(a, c->errs[i].rule),
					    hd_arena_strdup(a, c->errs[i].message), NULL,
					    hd_arena_strdup(a, c->errs[i].where) };
}

void hd_cmp_side_from_result(hd_cmp_side *s, const hd_engine *e, const hd_result *res, const char *what)
{
	memset(s, 0, sizeof *s);
	hd_arena *a = &s->arena;
	s->what = hd_arena_strdup(a, what);
	s->run_id = res->run_id;
	snprintf(s->period, sizeof s->period, "%s", res->period.label);
	memcpy(s->start, res->start, sizeof s->start);
	memcpy(s->stop, res->stop, sizeof s->stop);
	memcpy(s->as_of, res->as_of, sizeof s->as_of);
	memcpy(s->rules_hash, res->rules_hash, sizeof s->rules_hash);
	/* One copy of each rule's name, which every card's items point to. */
	const hd_rules *r = &e->rules;
	const char **names = hd_xcalloc((size_t)r->nrules + 1, sizeof *names);
	s->rules = hd_arena_alloc(a, sizeof *s->rules * ((size_t)r->nrules + 1));
	for (int i = 0; i < r->nrules; i++) {
		names[i] = hd_arena_strdup(a, r->rules[i].name);
		if (!r->rules[i].disabled)
			s->rules[s->nrules++] =
			    (hd_cmp_rule){ names[i], r->rules[i].type, r->rules[i].kind, r->rules[i].weight };
	}
	s->all_rules = 1;
	s->nerrors = res->nerrors;
	s->nreps = res->nreps;
	s->nteams = res->nteams;
	s->reps = hd_arena_alloc(a, sizeof *s->reps * ((size_t)res->nreps + 1));
	s->teams = hd_arena_alloc(a, sizeof *s->teams * ((size_t)res->nteams + 1));
	/* Subjects are evaluated in id order, so the cards are by id already. */
	for (int i = 0; i < res->nreps; i++)
		copy_card(s, &s->reps[i], hd_result_card(res, HD_REP, i), names, r->rules);
	for (int i = 0; i < res->nteams; i++)
		copy_card(s, &s->teams[i], hd_result_card(res, HD_TEAM, i), names, r->rules);
	free(names);
}

void hd_cmp_side_free(hd_cmp_side *s)
{
	hd_arena_free(&s->arena);
	memset(s, 0, sizeof *s);
}

/* Comparing one subject ------------------------------------------------ */

static const hd_cmp_comp *find_comp(const hd_cmp_card *c, const char *rule)
{
	for (int i = 0; i < c->ncomps; i++)
		if (!strcmp(c->comps[i].rule, rule))
			return &c->comps[i];
	return NULL;
}

static int has_item(const hd_cmp_item *it, int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(it[i].rule, rule))
			return 1;
	return 0;
}

/* The items of `from` whose rule is not among `other`'s, as pointers in
 * the comparison's arena. */
static const hd_cmp_item **missing_from(hd_arena *a, const hd_cmp_item *from, int nfrom,
					const hd_cmp_item *other, int nother, int *n)
{
	const hd_cmp_item **out = NULL;
	*n = 0;
	for (int i = 0; i < nfrom; i++)
		if (!has_item(other, nother, from[i].rule)) {
			if (!out)
				out = hd_arena_alloc(a, sizeof *out * (size_t)nfrom);
			out[(*n)++] = &from[i];
		}
	return out;
}

static int comp_moved(const hd_cmp_comp *o, const hd_cmp_comp *n)
{
	if (!o || !n)
		return 1;
	if (o->has_value != n->has_value || differs(o->weight, n->weight))
		return 1;
	return o->has_value && differs(o->value, n->value);
}

static void add_moved(hd_cmp_row *r, const char *rule, const hd_cmp_comp *o, const hd_cmp_comp *n)
{
	double change = (n ? n->contribution : 0) - (o ? o->contribution : 0);
	if (!comp_moved(o, n)) {
		r->reweighted += change;
		return;
	}
	r->moved[r->nmoved++] = (hd_cmp_moved){ rule, o, n, change };
}

/* Whether a rule failed on one side and not on the other. */
static int errors_differ(const hd_cmp_card *o, const hd_cmp_card *n)
{
	if (o->nerrs != n->nerrs)
		return 1;
	for (int i = 0; i < o->nerrs; i++)
		if (!has_item(n->errs, n->nerrs, o->errs[i].rule))
			return 1;
	return 0;
}

/* Compares the two cards of one subject.  A subject evaluated on one side
 * only (inactive now, or new in the data) is a change in itself; what its
 * card holds is not counted as gained or lost, since no rule moved it. */
static void compare_cards(hd_arena *a, hd_cmp_row *r)
{
	const hd_cmp_card *o = r->old, *n = r->new;
	if (!o || !n) {
		r->changed = 1;
		return;
	}
	/* The new side's components in its order, then those it dropped. */
	if (o->ncomps + n->ncomps)
		r->moved = hd_arena_alloc(a, sizeof *r->moved * (size_t)(o->ncomps + n->ncomps));
	for (int i = 0; i < n->ncomps; i++)
		add_moved(r, n->comps[i].rule, find_comp(o, n->comps[i].rule), &n->comps[i]);
	for (int i = 0; i < o->ncomps; i++)
		if (!find_comp(n, o->comps[i].rule))
			add_moved(r, o->comps[i].rule, &o->comps[i], NULL);
	r->recs_gained = missing_from(a, n->recs, n->nrecs, o->recs, o->nrecs, &r->nrecs_gained);
	r->recs_lost = missing_from(a, o->recs, o->nrecs, n->recs, n->nrecs, &r->nrecs_lost);
	r->coach_gained = missing_from(a, n->coach, n->ncoach, o->coach, o->ncoach, &r->ncoach_gained);
	r->coach_lost = missing_from(a, o->coach, o->ncoach, n->coach, n->ncoach, &r->ncoach_lost);
	r->errors_changed = errors_differ(o, n) || errors_differ(n, o);
	r->has_change = o->has_score && n->has_score;
	r->score_change = r->has_change && differs(o->score, n->score) ? n->score - o->score : 0;
	r->rank_change = o->rank && n->rank ? o->rank - n->rank : 0;
	r->changed = o->has_score != n->has_score || r->score_change != 0 || o->rank != n->rank ||
		     o->team_rank != n->team_rank || r->nmoved || r->nrecs_gained || r->nrecs_lost ||
		     r->ncoach_gained || r->ncoach_lost || r->errors_changed;
}

/* A score on one side only: the largest change of all. */
static int one_sided(const hd_cmp_row *r)
{
	return !r->old || !r->new || r->old->has_score != r->new->has_score;
}

/* Biggest change first: a score on one side only, then the absolute
 * score change, then places moved, then id. */
static int cmp_rows(const void *pa, const void *pb)
{
	const hd_cmp_row *a = pa, *b = pb;
	int ha = one_sided(a), hb = one_sided(b);
	if (ha != hb)
		return hb - ha;
	double da = fabs(a->score_change), db = fabs(b->score_change);
	if (da != db)
		return da > db ? -1 : 1;
	int ra = abs(a->rank_change), rb = abs(b->rank_change);
	if (ra != rb)
		return rb - ra;
	int64_t ia = (a->new ? a->new : a->old)->id, ib = (b->new ? b->new : b->old)->id;
	return ia < ib ? -1 : ia > ib;
}

/* Whether a subject is shown under --team: the team itself, or a rep of
 * it on either side. */
static int in_team(const hd_cmp_card *o, const hd_cmp_card *n, hd_kind kind, const char *team)
{
	if (!team)
		return 1;
	for (int s = 0; s < 2; s++) {
		const hd_cmp_card *c = s ? n : o;
		if (c && !strcmp(kind == HD_REP ? c->team : c->name, team))
			return 1;
	}
	return 0;
}

static void count_item(hd_cmp *c, const char *rule, hd_kind kind, int coaching, int gained)
{
	hd_cmp_count *k = NULL;
	for (int i = 0; i < c->ncounts && !k; i++)
		if (c->counts[i].kind == kind && c->counts[i].coaching == coaching &&
		    !strcmp(c->counts[i].rule, rule))
			k = &c->counts[i];
	if (!k) {
		c->counts = hd_xrealloc(c->counts, sizeof *c->counts * (size_t)(c->ncounts + 1));
		k = &c->counts[c->ncounts++];
		*k = (hd_cmp_count){ rule, kind, coaching, 0, 0 };
	}
	if (gained)
		k->gained++;
	else
		k->lost++;
}

static void tally(hd_cmp *c, const hd_cmp_row *r, hd_kind kind)
{
	for (int i = 0; i < r->nrecs_gained; i++)
		count_item(c, r->recs_gained[i]->rule, kind, 0, 1);
	for (int i = 0; i < r->nrecs_lost; i++)
		count_item(c, r->recs_lost[i]->rule, kind, 0, 0);
	for (int i = 0; i < r->ncoach_gained; i++)
		count_item(c, r->coach_gained[i]->rule, kind, 1, 1);
	for (int i = 0; i < r->ncoach_lost; i++)
		count_item(c, r->coach_lost[i]->rule, kind, 1, 0);
}

static void compare_kind(hd_cmp *c, hd_kind kind)
{
	const hd_cmp_card *oc = kind == HD_REP ? c->old->reps : c->old->teams;
	const hd_cmp_card *nc = kind == HD_REP ? c->new->reps : c->new->teams;
	int no = kind == HD_REP ? c->old->nreps : c->old->nteams;
	int nn = kind == HD_REP ? c->new->nreps : c->new->nteams;
	hd_cmp_row *rows = hd_xcalloc((size_t)(no + nn) + 1, sizeof *rows);
	int n = 0;
	/* Both sides are by id: merge them. */
	for (int i = 0, j = 0; i < no || j < nn;) {
		const hd_cmp_card *o = i < no ? &oc[i] : NULL, *w = j < nn ? &nc[j] : NULL;
		if (o && w && o->id != w->id) {
			if (o->id < w->id)
				w = NULL;
			else
				o = NULL;
		}
		i += o != NULL;
		j += w != NULL;
		if (!in_team(o, w, kind, c->team))
			continue;
		rows[n].old = o;
		rows[n].new = w;
		compare_cards(&c->arena, &rows[n]);
		c->nmoved[kind] += rows[n].changed;
		c->only_old[kind] += !w;
		c->only_new[kind] += !o;
		tally(c, &rows[n], kind);
		n++;
	}
	qsort(rows, (size_t)n, sizeof *rows, cmp_rows);
	c->rows[kind] = rows;
	c->nrows[kind] = n;
	/* The first rise and fall in this order are the largest. */
	c->rise[kind] = c->fall[kind] = -1;
	for (int i = 0; i < n; i++) {
		if (!rows[i].has_change || rows[i].score_change == 0)
			continue;
		int *slot = rows[i].score_change > 0 ? &c->rise[kind] : &c->fall[kind];
		if (*slot < 0)
			*slot = i;
	}
}

static int cmp_counts(const void *pa, const void *pb)
{
	const hd_cmp_count *a = pa, *b = pb;
	if (a->coaching != b->coaching)
		return a->coaching - b->coaching;
	if (a->gained + a->lost != b->gained + b->lost)
		return (b->gained + b->lost) - (a->gained + a->lost);
	return strcmp(a->rule, b->rule);
}

static const hd_cmp_rule *find_rule(const hd_cmp_side *s, const hd_cmp_rule *r)
{
	for (int i = 0; i < s->nrules; i++)
		if (s->rules[i].type == r->type && s->rules[i].kind == r->kind &&
		    !strcmp(s->rules[i].name, r->name))
			return &s->rules[i];
	return NULL;
}

static int cmp_rule_changes(const void *pa, const void *pb)
{
	const hd_cmp_rule_change *a = pa, *b = pb;
	const hd_cmp_rule *ra = a->new ? a->new : a->old, *rb = b->new ? b->new : b->old;
	return strcmp(ra->name, rb->name);
}

/* Rules added, removed or re-weighted.  Only what both sides know: a
 * saved run knows its scores, not the policies that never fired. */
static void compare_rules(hd_cmp *c)
{
	const hd_cmp_side *o = c->old, *n = c->new;
	int both_all = o->all_rules && n->all_rules;
	c->rules = hd_xcalloc((size_t)(o->nrules + n->nrules) + 1, sizeof *c->rules);
	for (int i = 0; i < n->nrules; i++) {
		const hd_cmp_rule *r = &n->rules[i], *was = find_rule(o, r);
		if (r->type != HD_SCORE && !both_all)
			continue;
		if (!was || (r->type == HD_SCORE && differs(was->weight, r->weight)))
			c->rules[c->nrules++] = (hd_cmp_rule_change){ was, r };
	}
	for (int i = 0; i < o->nrules; i++) {
		const hd_cmp_rule *r = &o->rules[i];
		if ((r->type == HD_SCORE || both_all) && !find_rule(n, r))
			c->rules[c->nrules++] = (hd_cmp_rule_change){ r, NULL };
	}
	qsort(c->rules, (size_t)c->nrules, sizeof *c->rules, cmp_rule_changes);
}

void hd_cmp_build(hd_cmp *c, const hd_cmp_side *old, const hd_cmp_side *new, const char *team)
{
	memset(c, 0, sizeof *c);
	c->old = old;
	c->new = new;
	c->team = team;
	compare_kind(c, HD_REP);
	compare_kind(c, HD_TEAM);
	if (c->ncounts) /* counts is NULL then */
		qsort(c->counts, (size_t)c->ncounts, sizeof *c->counts, cmp_counts);
	compare_rules(c);
}

void hd_cmp_free(hd_cmp *c)
{
	free(c->rows[0]);
	free(c->rows[1]);
	free(c->counts);
	free(c->rules);
	hd_arena_free(&c->arena);
	memset(c, 0, sizeof *c);
}
