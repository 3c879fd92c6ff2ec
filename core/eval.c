/* eval.c - running the rules over every subject, then scores and ranks. */
#include "eval.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The enabled rules of one kind, split by type, in definition order. */
typedef struct plan {
	const hd_rule **scores, **recs, **coach;
	int nscores, nrecs, ncoach;
} plan;

static void plan_build(const hd_rules *rs, hd_kind kind, plan *p)
{
	memset(p, 0, sizeof *p);
	size_t n = (size_t)(rs->nrules ? rs->nrules : 1);
	p->scores = hd_xmalloc(sizeof *p->scores * n);
	p->recs = hd_xmalloc(sizeof *p->recs * n);
	p->coach = hd_xmalloc(sizeof *p->coach * n);
	for (int i = 0; i < rs->nrules; i++) {
		const hd_rule *r = &rs->rules[i];
		if (r->kind != kind || r->disabled)
			continue;
		if (r->type == HD_SCORE)
			p->scores[p->nscores++] = r;
		else if (r->type == HD_RECOGNIZE)
			p->recs[p->nrecs++] = r;
		else
			p->coach[p->ncoach++] = r;
	}
}

static void plan_free(plan *p)
{
	free(p->scores);
	free(p->recs);
	free(p->coach);
}

/* Per-subject scratch, copied into the result's arena when done. */
typedef struct scratch {
	hd_item *items;
	hd_rule_error *errs;
	hd_explained *expl;
	int nitems, nerrs, nexpl, cap;
} scratch;

static void add_error(hd_result *res, scratch *s, const hd_rule *r, const hd_lua_error *le)
{
	s->errs[s->nerrs++] = (hd_rule_error){ r->name, hd_arena_strdup(&res->arena, le->where[0] ? le->where : r->where),
					      hd_arena_strdup(&res->arena, le->message) };
}

static void add_explained(hd_engine *e, hd_result *res, scratch *s, const hd_rule *r, int fired, int failed)
{
	hd_explained *x = &s->expl[s->nexpl++];
	x->rule = r;
	x->fired = fired;
	x->failed = failed;
	x->nreads = e->ntrace;
	x->reads = hd_arena_alloc(&res->arena, sizeof *x->reads * (size_t)(e->ntrace ? e->ntrace : 1));
	memcpy(x->reads, e->trace, sizeof *x->reads * (size_t)e->ntrace);
}

/* Whether a rule call may run: one the watchdog stopped before is not
 * run again but recorded as failed.  Inside a worker, tells the host
 * which call runs and by when it must end. */
static int may_run(hd_engine *e, hd_result *res, scratch *s, const hd_rule *r, hd_kind kind, int idx)
{
	for (int i = 0; i < e->nskips; i++) {
		const hd_skip *k = &e->skips[i];
		if (k->kind == (int)kind && k->subject == idx && (k->rule == r || !k->rule)) {
			hd_lua_error le;
			snprintf(le.where, sizeof le.where, "%s", r->where);
			snprintf(le.message, sizeof le.message, "%s", k->why);
			add_error(res, s, r, &le);
			return 0;
		}
	}
	if (e->watch) {
		e->watch->deadline = hd_now_coarse() + e->cfg->sb_time_ms / 1000.0;
		e->watch->rule = (int)(r - e->rules.rules);
	}
	return 1;
}

/* No rule call runs: the watching host has no deadline to hold. */
static void between_calls(hd_engine *e)
{
	if (e->watch)
		e->watch->rule = -1;
}

/* Pushes the rule's function, the subject and its metric view. */
static void push_call(hd_engine *e, const hd_rule *r, hd_kind kind, int idx)
{
	lua_rawgeti(e->lua.L, LUA_REGISTRYINDEX, r->fn_ref);
	hd_lapi_push_subject(e, kind, idx);
	hd_metrics_push_view(e, kind, 0);
}

static void run_score(hd_engine *e, hd_result *res, scratch *s, const hd_rule *r, hd_kind kind, int idx,
		      hd_component *c, int traced)
{
	lua_State *L = e->lua.L;
	hd_lua_error le;
	c->rule = r;
	e->ntrace = 0;
	if (!may_run(e, res, s, r, kind, idx))
		return;
	push_call(e, r, kind, idx);
	if (hd_lua_call(&e->lua, 2, 2, &le)) {
		add_error(res, s, r, &le);
		if (traced)
			add_explained(e, res, s, r, 0, 1);
		return;
	}
	int t = lua_type(L, -2);
	double v = lua_tonumber(L, -2);
	if (t == LUA_TNUMBER && isfinite(v)) {
		c->has_value = 1;
		c->raw = v;
		c->value = v < 0 ? 0 : v > 1 ? 1 : v;
		if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
			c->why = hd_arena_strdup(&res->arena, lua_tostring(L, -1));
	} else if (t != LUA_TNIL) {
		snprintf(le.where, sizeof le.where, "%s", r->where);
		if (t == LUA_TNUMBER)
			snprintf(le.message, sizeof le.message, "score returned %s; it must be a number in [0, 1] or nil",
				 isnan(v) ? "NaN" : "an infinity");
		else
			snprintf(le.message, sizeof le.message,
				 "score returned a %s; it must be a number in [0, 1] or nil", lua_typename(L, t));
		add_error(res, s, r, &le);
	}
	lua_pop(L, 2);
	if (traced)
		add_explained(e, res, s, r, c->has_value, t != LUA_TNIL && !c->has_value);
}

/* A recognition or trigger: when(), then its text.  Returns 1 if fired. */
static int run_when(hd_engine *e, hd_result *res, scratch *s, const hd_rule *r, hd_kind kind, int idx,
		    int expand_ref, int traced)
{
	lua_State *L = e->lua.L;
	hd_lua_error le;
	e->ntrace = 0;
	if (!may_run(e, res, s, r, kind, idx))
		return 0;
	push_call(e, r, kind, idx);
	if (hd_lua_call(&e->lua, 2, 1, &le)) {
		add_error(res, s, r, &le);
		if (traced)
			add_explained(e, res, s, r, 0, 1);
		return 0;
	}
	int t = lua_type(L, -1);
	if (t != LUA_TNIL && t != LUA_TBOOLEAN && t != LUA_TSTRING) {
		snprintf(le.where, sizeof le.where, "%s", r->where);
		snprintf(le.message, sizeof le.message,
			 "when returned a %s; it must return false or nil (no), true (yes) or a string (the text)",
			 lua_typename(L, t));
		lua_pop(L, 1);
		add_error(res, s, r, &le);
		if (traced)
			add_explained(e, res, s, r, 0, 1);
		return 0;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		if (traced)
			add_explained(e, res, s, r, 0, 0);
		return 0;
	}
	/* A string from when() is the text as it stands: it may hold data
	 * (a name with "${" in it) that must not be read as a template. */
	if (lua_type(L, -1) != LUA_TSTRING) {
		lua_pop(L, 1);
		lua_rawgeti(L, LUA_REGISTRYINDEX, expand_ref);
		lua_pushstring(L, r->text ? r->text : r->doc ? r->doc : r->name);
		hd_lapi_push_subject(e, kind, idx);
		hd_metrics_push_view(e, kind, 0);
		if (hd_lua_call(&e->lua, 3, 1, &le)) {
			add_error(res, s, r, &le);
			if (traced)
				add_explained(e, res, s, r, 0, 1);
			return 0;
		}
	}
	s->items[s->nitems++] = (hd_item){ r, hd_arena_strdup(&res->arena, lua_tostring(L, -1)) };
	lua_pop(L, 1);
	if (traced)
		add_explained(e, res, s, r, 1, 0);
	return 1;
}

static void *arena_copy(hd_arena *a, const void *p, size_t size, int n)
{
	if (!n)
		return NULL;
	return memcpy(hd_arena_alloc(a, size * (size_t)n), p, size * (size_t)n);
}

static void eval_subject(hd_engine *e, hd_result *res, const plan *p, hd_kind kind, int idx, hd_scorecard *card,
			 scratch *s, int expand_ref)
{
	int traced = kind == (hd_kind)e->trace_kind && idx == e->trace_subject;
	s->nitems = s->nerrs = s->nexpl = 0;
	hd_lapi_set_current(e, kind, idx);
	card->kind = kind;
	card->index = idx;
	card->comps = hd_arena_alloc(&res->arena, sizeof *card->comps * (size_t)(p->nscores ? p->nscores : 1));
	card->ncomps = p->nscores;
	double wsum = 0, sum = 0;
	for (int i = 0; i < p->nscores; i++) {
		hd_component *c = &card->comps[i];
		run_score(e, res, s, p->scores[i], kind, idx, c, traced);
		between_calls(e);
		if (c->has_value) {
			wsum += c->rule->weight;
			sum += c->rule->weight * c->value;
		}
	}
	card->has_score = wsum > 0;
	card->score = wsum > 0 ? 100 * sum / wsum : 0;
	for (int i = 0; i < p->nrecs; i++) {
		run_when(e, res, s, p->recs[i], kind, idx, expand_ref, traced);
		between_calls(e);
	}
	card->nrecs = s->nitems;
	for (int i = 0; i < p->ncoach; i++) {
		run_when(e, res, s, p->coach[i], kind, idx, expand_ref, traced);
		between_calls(e);
	}
	card->ncoach = s->nitems - card->nrecs;
	card->recs = arena_copy(&res->arena, s->items, sizeof *s->items, card->nrecs);
	card->coach = arena_copy(&res->arena, s->items + card->nrecs, sizeof *s->items, card->ncoach);
	card->errs = arena_copy(&res->arena, s->errs, sizeof *s->errs, s->nerrs);
	card->nerrs = s->nerrs;
	card->explained = arena_copy(&res->arena, s->expl, sizeof *s->expl, s->nexpl);
	card->nexplained = s->nexpl;
	res->nerrors += s->nerrs;
	hd_lapi_set_current(e, kind, -1);
}

static void rank_cards(hd_scorecard *cards, int n, int *order, const hd_subjects *teams_of)
{
	double *score = hd_xmalloc(sizeof *score * (size_t)(n ? n : 1));
	int *has = hd_xmalloc(sizeof *has * (size_t)(n ? n : 1));
	int64_t *ids = hd_xmalloc(sizeof *ids * (size_t)(n ? n : 1));
	int *rank = hd_xmalloc(sizeof *rank * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		score[i] = cards[i].score;
		has[i] = cards[i].has_score;
		ids[i] = cards[i].id;
	}
	hd_rank(score, has, ids, n, rank, order);
	for (int i = 0; i < n; i++)
		cards[i].rank = rank[i];
	for (int t = 0; teams_of && t < teams_of->nteams; t++) {
		/* Within each team: rank the members' scores among themselves. */
		const hd_team_info *ti = &teams_of->teams[t];
		for (int k = 0; k < ti->nmembers; k++) {
			const hd_scorecard *c = &cards[ti->members[k]];
			score[k] = c->score;
			has[k] = c->has_score;
			ids[k] = c->id;
		}
		hd_rank(score, has, ids, ti->nmembers, rank, NULL);
		for (int k = 0; k < ti->nmembers; k++)
			cards[ti->members[k]].team_rank = rank[k];
	}
	free(score);
	free(has);
	free(ids);
	free(rank);
}

void hd_eval_begin(hd_engine *e, hd_result *res)
{
	const hd_subjects *sj = &e->subj;
	memset(res, 0, sizeof *res);
	res->period = e->ctx[0].period;
	memcpy(res->start, e->ctx[0].start, 11);
	memcpy(res->stop, e->ctx[0].stop, 11);
	memcpy(res->as_of, e->ctx[0].as_of_iso, 11);
	snprintf(res->rules_hash, sizeof res->rules_hash, "%016llx", e->rules.hash);
	res->nreps = sj->nreps;
	res->nteams = sj->nteams;
	res->reps = hd_xcalloc((size_t)(sj->nreps ? sj->nreps : 1), sizeof *res->reps);
	res->teams = hd_xcalloc((size_t)(sj->nteams ? sj->nteams : 1), sizeof *res->teams);
	res->rep_order = hd_xmalloc(sizeof(int) * (size_t)(sj->nreps ? sj->nreps : 1));
	res->team_order = hd_xmalloc(sizeof(int) * (size_t)(sj->nteams ? sj->nteams : 1));
	for (int i = 0; i < sj->nreps; i++) {
		hd_scorecard *c = &res->reps[i];
		c->kind = HD_REP;
		c->index = i;
		c->id = sj->reps[i].id;
		c->name = sj->reps[i].name;
		c->team = sj->teams[sj->reps[i].team].name;
		c->team_index = sj->reps[i].team;
	}
	for (int i = 0; i < sj->nteams; i++) {
		hd_scorecard *c = &res->teams[i];
		c->kind = HD_TEAM;
		c->index = i;
		c->id = sj->teams[i].id;
		c->name = sj->teams[i].name;
		c->members = sj->teams[i].nmembers;
		c->team_index = i;
	}
}

void hd_eval_range(hd_engine *e, hd_result *res, int from, int to, hd_card_sink sink, void *ud)
{
	lua_State *L = e->lua.L;
	lua_pushlightuserdata(L, e);
	lua_pushcclosure(L, hd_template_expand, 1);
	int expand_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	int pinned = hd_lua_pin(&e->lua);
	scratch s = { 0 };
	s.cap = e->rules.nrules + 1;
	s.items = hd_xmalloc(sizeof *s.items * (size_t)s.cap);
	s.errs = hd_xmalloc(sizeof *s.errs * (size_t)s.cap * 2);
	s.expl = hd_xmalloc(sizeof *s.expl * (size_t)s.cap);
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		int base = k == HD_REP ? 0 : res->nreps;
		int n = k == HD_REP ? res->nreps : res->nteams;
		int lo = from > base ? from - base : 0, hi = to - base < n ? to - base : n;
		if (lo >= hi)
			continue;
		plan p;
		plan_build(&e->rules, (hd_kind)k, &p);
		const hd_scorecard *cards = k == HD_REP ? res->reps : res->teams;
		for (int i = lo; i < hi; i++) {
			if (e->watch) {
				e->watch->kind = k;
				e->watch->subject = i;
			}
			/* Not in res: a worker's res is the host's, shared until
			 * written, and a card written there would copy its page. */
			hd_scorecard card = cards[i];
			eval_subject(e, res, &p, (hd_kind)k, i, &card, &s, expand_ref);
			sink(ud, &card);
		}
		plan_free(&p);
	}
	hd_lua_unpin(&e->lua, pinned);
	luaL_unref(L, LUA_REGISTRYINDEX, expand_ref);
	free(s.items);
	free(s.errs);
	free(s.expl);
}

void hd_eval_finish(hd_engine *e, hd_result *res)
{
	rank_cards(res->reps, res->nreps, res->rep_order, &e->subj);
	rank_cards(res->teams, res->nteams, res->team_order, NULL);
}

typedef struct keep_sink {
	hd_result *res;
	void (*progress)(void *, double);
	void *ud;
	int done, total, step;
} keep_sink;

/* Keeps each card in res, and tells progress. */
static void keep_card(void *ud, const hd_scorecard *card)
{
	keep_sink *ps = ud;
	(card->kind == HD_REP ? ps->res->reps : ps->res->teams)[card->index] = *card;
	if (ps->progress && ++ps->done % ps->step == 0)
		ps->progress(ps->ud, (double)ps->done / ps->total);
}

int hd_eval_run(hd_engine *e, hd_result *res, void (*progress)(void *, double), void *ud, hd_err *err)
{
	if (!e->in_process) {
		if (hd_worker_run(e, res, progress, ud, err))
			return err->code;
	} else {
		hd_eval_begin(e, res);
		keep_sink ps = { res, progress, ud, 0, res->nreps + res->nteams, (res->nreps + res->nteams) / 100 + 1 };
		hd_eval_range(e, res, 0, res->nreps + res->nteams, keep_card, &ps);
		if (e->fatal[0]) {
			hd_result_free(res);
			return hd_err_set(err, HD_EINPUT, "%s", e->fatal);
		}
	}
	hd_eval_finish(e, res);
	if (progress)
		progress(ud, 1.0);
	return 0;
}
