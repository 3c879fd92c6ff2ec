/* compare_data.c - a comparison for scripts and spreadsheets: json (the
 * stable shape README documents; numbers unrounded) and csv (one row per
 * rep). */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csvw.h"
#include "jsonw.h"

/* JSON ------------------------------------------------------------------ */

static void opt_number(hd_jsonw *w, const char *key, int has, double v)
{
	hd_jsonw_key(w, key);
	if (has)
		hd_jsonw_number(w, v);
	else
		hd_jsonw_null(w);
}

static void opt_int(hd_jsonw *w, const char *key, int has, long long v)
{
	hd_jsonw_key(w, key);
	if (has)
		hd_jsonw_int(w, v);
	else
		hd_jsonw_null(w);
}

static void side(hd_jsonw *w, const char *key, const hd_cmp_side *s)
{
	hd_jsonw_key(w, key);
	hd_jsonw_object(w);
	hd_jsonw_key(w, "what");
	hd_jsonw_string(w, s->what);
	opt_int(w, "run", s->run_id != 0, s->run_id);
	hd_jsonw_key(w, "period");
	hd_jsonw_string(w, s->period);
	hd_jsonw_key(w, "start");
	hd_jsonw_string(w, s->start);
	hd_jsonw_key(w, "stop");
	hd_jsonw_string(w, s->stop);
	hd_jsonw_key(w, "as_of");
	hd_jsonw_string(w, s->as_of);
	hd_jsonw_key(w, "rules_hash");
	hd_jsonw_string(w, s->rules_hash);
	hd_jsonw_key(w, "saved_at");
	hd_jsonw_string(w, s->run_id ? s->saved_at : NULL);
	hd_jsonw_key(w, "rule_errors");
	hd_jsonw_int(w, s->nerrors);
	hd_jsonw_end(w, '}');
}

static void move(hd_jsonw *w, const char *key, const hd_cmp *c, hd_kind kind, int idx)
{
	hd_jsonw_key(w, key);
	if (idx < 0) {
		hd_jsonw_null(w);
		return;
	}
	const hd_cmp_row *r = &c->rows[kind][idx];
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, r->new->id);
	hd_jsonw_key(w, "name");
	hd_jsonw_string(w, r->new->name);
	hd_jsonw_key(w, "score_change");
	hd_jsonw_number(w, r->score_change);
	opt_int(w, "old_rank", r->old->rank != 0, r->old->rank);
	opt_int(w, "new_rank", r->new->rank != 0, r->new->rank);
	hd_jsonw_end(w, '}');
}

static void kind_summary(hd_jsonw *w, const hd_cmp *c, hd_kind kind)
{
	hd_jsonw_key(w, kind == HD_REP ? "reps" : "teams");
	hd_jsonw_object(w);
	hd_jsonw_key(w, "compared");
	hd_jsonw_int(w, c->nrows[kind]);
	hd_jsonw_key(w, "moved");
	hd_jsonw_int(w, c->nmoved[kind]);
	hd_jsonw_key(w, "only_old");
	hd_jsonw_int(w, c->only_old[kind]);
	hd_jsonw_key(w, "only_new");
	hd_jsonw_int(w, c->only_new[kind]);
	move(w, "largest_rise", c, kind, c->rise[kind]);
	move(w, "largest_fall", c, kind, c->fall[kind]);
	hd_jsonw_end(w, '}');
}

static void count_list(hd_jsonw *w, const hd_cmp *c, int coaching)
{
	hd_jsonw_key(w, coaching ? "coaching" : "recognitions");
	hd_jsonw_array(w);
	for (int i = 0; i < c->ncounts; i++) {
		const hd_cmp_count *k = &c->counts[i];
		if (k->coaching != coaching)
			continue;
		hd_jsonw_object(w);
		hd_jsonw_key(w, coaching ? "trigger" : "policy");
		hd_jsonw_string(w, k->rule);
		hd_jsonw_key(w, "subject");
		hd_jsonw_string(w, k->kind == HD_REP ? "rep" : "team");
		hd_jsonw_key(w, "gained");
		hd_jsonw_int(w, k->gained);
		hd_jsonw_key(w, "lost");
		hd_jsonw_int(w, k->lost);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
}

static void rule_list(hd_jsonw *w, const hd_cmp *c)
{
	hd_jsonw_key(w, "rules");
	hd_jsonw_array(w);
	for (int i = 0; i < c->nrules; i++) {
		const hd_cmp_rule_change *ch = &c->rules[i];
		const hd_cmp_rule *r = ch->new ? ch->new : ch->old;
		hd_jsonw_object(w);
		hd_jsonw_key(w, "rule");
		hd_jsonw_string(w, r->name);
		hd_jsonw_key(w, "type");
		hd_jsonw_string(w, r->type == HD_SCORE       ? "score"
				   : r->type == HD_RECOGNIZE ? "recognition"
							     : "coaching");
		hd_jsonw_key(w, "subject");
		hd_jsonw_string(w, r->kind == HD_REP ? "rep" : "team");
		hd_jsonw_key(w, "change");
		hd_jsonw_string(w, !ch->old ? "added" : !ch->new ? "removed" : "weight");
		opt_number(w, "old_weight", ch->old && r->type == HD_SCORE, ch->old ? ch->old->weight : 0);
		opt_number(w, "new_weight", ch->new && r->type == HD_SCORE, ch->new ? ch->new->weight : 0);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
}

static void summary(hd_jsonw *w, const hd_cmp *c)
{
	hd_jsonw_key(w, "summary");
	hd_jsonw_object(w);
	/* The sentence the table starts with, for chat messages and logs. */
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		if (f) {
			hd_cmp_summary(c, (hd_kind)k, f);
			fclose(f);
		}
		hd_jsonw_key(w, k == HD_REP ? "text" : "teams_text");
		hd_jsonw_string(w, text ? text : "");
		free(text);
	}
	kind_summary(w, c, HD_REP);
	kind_summary(w, c, HD_TEAM);
	count_list(w, c, 0);
	count_list(w, c, 1);
	rule_list(w, c);
	hd_jsonw_key(w, "rule_errors");
	hd_jsonw_object(w);
	hd_jsonw_key(w, "old");
	hd_jsonw_int(w, c->old->nerrors);
	hd_jsonw_key(w, "new");
	hd_jsonw_int(w, c->new->nerrors);
	hd_jsonw_end(w, '}');
	hd_jsonw_end(w, '}');
}

static void items(hd_jsonw *w, const char *key, const hd_cmp_item *const *it, int n, int coaching)
{
	hd_jsonw_key(w, key);
	hd_jsonw_array(w);
	for (int i = 0; i < n; i++) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, coaching ? "trigger" : "policy");
		hd_jsonw_string(w, it[i]->rule);
		if (coaching) {
			hd_jsonw_key(w, "severity");
			hd_jsonw_string(w, it[i]->severity);
		}
		hd_jsonw_key(w, coaching ? "advice" : "message");
		hd_jsonw_string(w, it[i]->text);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
}

static void errors(hd_jsonw *w, const char *key, const hd_cmp_card *c)
{
	hd_jsonw_key(w, key);
	hd_jsonw_array(w);
	for (int i = 0; c && i < c->nerrs; i++) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "rule");
		hd_jsonw_string(w, c->errs[i].rule);
		hd_jsonw_key(w, "where");
		hd_jsonw_string(w, c->errs[i].where);
		hd_jsonw_key(w, "message");
		hd_jsonw_string(w, c->errs[i].text);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
}

static void components(hd_jsonw *w, const hd_cmp_row *r)
{
	hd_jsonw_key(w, "components");
	hd_jsonw_array(w);
	for (int i = 0; i < r->nmoved; i++) {
		const hd_cmp_moved *m = &r->moved[i];
		hd_jsonw_object(w);
		hd_jsonw_key(w, "rule");
		hd_jsonw_string(w, m->rule);
		opt_number(w, "old_value", m->old && m->old->has_value, m->old ? m->old->value : 0);
		opt_number(w, "new_value", m->new && m->new->has_value, m->new ? m->new->value : 0);
		opt_number(w, "old_weight", m->old != NULL, m->old ? m->old->weight : 0);
		opt_number(w, "new_weight", m->new != NULL, m->new ? m->new->weight : 0);
		opt_number(w, "old_contribution", m->old != NULL, m->old ? m->old->contribution : 0);
		opt_number(w, "new_contribution", m->new != NULL, m->new ? m->new->contribution : 0);
		hd_jsonw_key(w, "contribution_change");
		hd_jsonw_number(w, m->change);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
}

static void row(hd_jsonw *w, const hd_cmp_row *r, hd_kind kind)
{
	const hd_cmp_card *o = r->old, *n = r->new, *any = n ? n : o;
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, any->id);
	hd_jsonw_key(w, "name");
	hd_jsonw_string(w, any->name);
	if (kind == HD_REP) {
		hd_jsonw_key(w, "team");
		hd_jsonw_string(w, any->team);
	} else {
		hd_jsonw_key(w, "members");
		hd_jsonw_int(w, any->members);
	}
	hd_jsonw_key(w, "changed");
	hd_jsonw_bool(w, r->changed);
	opt_number(w, "old_score", o && o->has_score, o ? o->score : 0);
	opt_number(w, "new_score", n && n->has_score, n ? n->score : 0);
	opt_number(w, "score_change", r->has_change, r->score_change);
	opt_int(w, "old_rank", o && o->rank, o ? o->rank : 0);
	opt_int(w, "new_rank", n && n->rank, n ? n->rank : 0);
	opt_int(w, "rank_change", o && n && o->rank && n->rank, r->rank_change);
	if (kind == HD_REP) {
		opt_int(w, "old_team_rank", o && o->team_rank, o ? o->team_rank : 0);
		opt_int(w, "new_team_rank", n && n->team_rank, n ? n->team_rank : 0);
	}
	components(w, r);
	hd_jsonw_key(w, "reweighted");
	hd_jsonw_number(w, r->reweighted);
	items(w, "recognitions_gained", r->recs_gained, r->nrecs_gained, 0);
	items(w, "recognitions_lost", r->recs_lost, r->nrecs_lost, 0);
	items(w, "coaching_gained", r->coach_gained, r->ncoach_gained, 1);
	items(w, "coaching_lost", r->coach_lost, r->ncoach_lost, 1);
	errors(w, "old_errors", o);
	errors(w, "new_errors", n);
	hd_jsonw_end(w, '}');
}

void hd_cmp_json(const hd_cmp *c, int all, FILE *out)
{
	hd_jsonw w;
	hd_jsonw_init(&w, out, 1);
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "huddle");
	hd_jsonw_string(&w, HUDDLE_VERSION);
	side(&w, "old", c->old);
	side(&w, "new", c->new);
	hd_jsonw_key(&w, "team");
	hd_jsonw_string(&w, c->team);
	summary(&w, c);
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		hd_jsonw_key(&w, k == HD_REP ? "reps" : "teams");
		hd_jsonw_array(&w);
		for (int i = 0; i < c->nrows[k]; i++)
			if (all || c->rows[k][i].changed)
				row(&w, &c->rows[k][i], (hd_kind)k);
		hd_jsonw_end(&w, ']');
	}
	hd_jsonw_end(&w, '}');
	fputc('\n', out);
}

/* CSV ------------------------------------------------------------------- */

/* Rule names of items joined with ';'. */
static void names(FILE *out, const hd_cmp_item *const *it, int n, int last)
{
	char buf[4096] = "";
	for (int i = 0; i < n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof buf - len, "%s%s", i ? ";" : "", it[i]->rule);
	}
	hd_csv_field(out, buf, last);
}

/* The rep scores of both sides, the new side's first, each once. */
static int score_columns(const hd_cmp *c, const char ***out)
{
	const hd_cmp_side *sides[2] = { c->new, c->old };
	const char **v = hd_xcalloc((size_t)(c->new->nrules + c->old->nrules) + 1, sizeof *v);
	int n = 0;
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < sides[s]->nrules; i++) {
			const hd_cmp_rule *r = &sides[s]->rules[i];
			int seen = 0;
			for (int k = 0; k < n && !seen; k++)
				seen = !strcmp(v[k], r->name);
			if (r->type == HD_SCORE && r->kind == HD_REP && !seen)
				v[n++] = r->name;
		}
	*out = v;
	return n;
}

static const hd_cmp_comp *comp_of(const hd_cmp_card *c, const char *rule)
{
	for (int i = 0; c && i < c->ncomps; i++)
		if (!strcmp(c->comps[i].rule, rule))
			return &c->comps[i];
	return NULL;
}

void hd_cmp_csv(const hd_cmp *c, int all, FILE *out)
{
	const char **cols;
	int ncols = score_columns(c, &cols);
	fputs("id,name,team,old_score,new_score,score_change,old_rank,new_rank,rank_change,old_team_rank,"
	      "new_team_rank",
	      out);
	for (int i = 0; i < ncols; i++)
		for (int k = 0; k < 3; k++) {
			char h[300];
			snprintf(h, sizeof h, "%s_%s", cols[i], k == 0 ? "old" : k == 1 ? "new" : "points");
			fputc(',', out);
			hd_csv_quoted(out, h);
		}
	fputs(
	    ",recognitions_gained,recognitions_lost,coaching_gained,coaching_lost,old_errors,new_errors\r\n",
	    out);
	for (int i = 0; i < c->nrows[HD_REP]; i++) {
		const hd_cmp_row *r = &c->rows[HD_REP][i];
		if (!r->changed && !all)
			continue;
		const hd_cmp_card *o = r->old, *n = r->new, *any = n ? n : o;
		char buf[32];
		snprintf(buf, sizeof buf, "%lld", (long long)any->id);
		hd_csv_field(out, buf, 0);
		hd_csv_field(out, any->name, 0);
		hd_csv_field(out, any->team, 0);
		hd_csv_number(out, o && o->has_score, o ? o->score : 0);
		hd_csv_number(out, n && n->has_score, n ? n->score : 0);
		hd_csv_number(out, r->has_change, r->score_change);
		hd_csv_number(out, o && o->rank, o ? o->rank : 0);
		hd_csv_number(out, n && n->rank, n ? n->rank : 0);
		hd_csv_number(out, o && n && o->rank && n->rank, r->rank_change);
		hd_csv_number(out, o && o->team_rank, o ? o->team_rank : 0);
		hd_csv_number(out, n && n->team_rank, n ? n->team_rank : 0);
		for (int k = 0; k < ncols; k++) {
			const hd_cmp_comp *a = comp_of(o, cols[k]), *b = comp_of(n, cols[k]);
			hd_csv_number(out, a && a->has_value, a ? a->value : 0);
			hd_csv_number(out, b && b->has_value, b ? b->value : 0);
			hd_csv_number(out, 1, (b ? b->contribution : 0) - (a ? a->contribution : 0));
		}
		names(out, r->recs_gained, r->nrecs_gained, 0);
		names(out, r->recs_lost, r->nrecs_lost, 0);
		names(out, r->coach_gained, r->ncoach_gained, 0);
		names(out, r->coach_lost, r->ncoach_lost, 0);
		snprintf(buf, sizeof buf, "%d", o ? o->nerrs : 0);
		hd_csv_field(out, buf, 0);
		snprintf(buf, sizeof buf, "%d", n ? n->nerrs : 0);
		hd_csv_field(out, buf, 1);
	}
	free(cols);
}
