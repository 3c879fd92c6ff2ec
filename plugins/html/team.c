/*
 * team.c - one team's section: its leaderboard (the top reps drawn with
 * their score components, the others in a folded table) beside its group
 * target and team score, then the manager's coaching items.
 *
 * Sized for an org of any size: the bars drawn over all teams are
 * bounded (chart_top), and long coaching lists fold after their first
 * lines.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define COACH_SHOWN  8	  /* coaching items per team before folding */
#define LEGEND_TEAMS 30	  /* up to this many teams, each leaderboard has its legend */
#define TITLES_REPS  600  /* up to this many reps, bar segments have tooltips */
#define BARS_BUDGET  2400 /* bars drawn over all teams, unless plugins.html.top says */
#define SPREAD_REPS  20	  /* teams this large show their score spread */

/* high, medium, low, then anything else. */
static int severity_rank(const char *s)
{
	return !s ? 3 : !strcmp(s, "high") ? 0 : !strcmp(s, "medium") ? 1 : !strcmp(s, "low") ? 2 : 3;
}

/* The colours of a kind's score components, with their weights. */
static void legend(FILE *f, const hr_model *m, int kind)
{
	fputs("<div class=\"legend\">", f);
	for (int i = 0; i < m->nlegend[kind]; i++) {
		if (m->legend[kind][i].weight <= 0)
			continue; /* shown on scorecards, not counted in the score */
		fprintf(f, "<span><i class=\"k%d\"></i>", i % 10);
		hr_rule_title(f, m->legend[kind][i].rule);
		fprintf(f, " <small>%g</small></span>", m->legend[kind][i].weight);
	}
	fputs("</div>", f);
}

static void board_row(FILE *f, hr_model *m, const hr_rep *r, int titles)
{
	char a[32], b[32];
	fprintf(f, "<div class=\"row%s\" data-rep=\"%lld\"><span class=\"rk\">", r->team_rank == 1 ? " top1" : "",
		(long long)r->id);
	if (r->team_rank > 0)
		fprintf(f, "%d", r->team_rank);
	fputs("</span><span class=\"nm\"", f);
	/* The whole name where the column may cut it. */
	if (r->name && strlen(r->name) > 18) {
		fputs(" title=\"", f);
		hr_rep_name(f, r);
		fputs("\"", f);
	}
	fputs(">", f);
	hr_rep_name(f, r);
	if (r->nrecs)
		fprintf(f, "<span class=\"star\" title=\"%d recognition%s\">\xE2\x98\x85%s</span>", r->nrecs,
			r->nrecs == 1 ? "" : "s", r->nrecs > 1 ? hr_count(r->nrecs, b) : "");
	fputs("</span>", f);
	int np;
	hr_part *p = hr_model_parts(m, r->card, &np);
	hr_svg_stack(f, m, HUDDLE_REP, p, np, titles);
	free(p);
	fprintf(f, "<span class=\"sc\">%s</span>", r->has_score ? hr_score(r->score, a) : "\xE2\x80\x94");
	hr_change(f, r->has_score, r->score, r->has_prev, r->prev, r->prev_rank);
	fputs("</div>", f);
}

static void rest_row(FILE *f, const hr_model *m, const hr_rep *r)
{
	char a[32];
	fprintf(f, "<tr data-rep=\"%lld\"><td class=\"rk\">", (long long)r->id);
	if (r->team_rank > 0)
		fprintf(f, "%d", r->team_rank);
	fputs("</td><td>", f);
	hr_rep_name(f, r);
	if (r->nrecs)
		fprintf(f, " <span class=\"star\" title=\"%d recognition%s\">\xE2\x98\x85</span>", r->nrecs,
			r->nrecs == 1 ? "" : "s");
	fprintf(f, "</td><td class=\"r\"><b>%s</b></td><td>", r->has_score ? hr_score(r->score, a) : "\xE2\x80\x94");
	hr_change(f, r->has_score, r->score, r->has_prev, r->prev, r->prev_rank);
	fputs("</td></tr>", f);
	(void)m;
}

/* The reps drawn in each team's chart: plugins.html.top, else 12 but
 * fewer when there are many teams, so that an org of thousands stays a
 * page a browser opens at once (the others are listed in a table). */
static int chart_top(const hr_model *m)
{
	if (m->set->top > 0)
		return m->set->top;
	int top = BARS_BUDGET / (m->nteams ? m->nteams : 1);
	return top > 12 ? 12 : top < 3 ? 3 : top;
}

static void leaderboard(FILE *f, hr_model *m, const hr_team *t)
{
	int top = chart_top(m) < t->nreps ? chart_top(m) : t->nreps;
	int titles = m->nreps <= TITLES_REPS;
	fputs("<div class=\"card board\"><h3>Leaderboard", f);
	if (top < t->nreps)
		fprintf(f, " \xC2\xB7 top %d of %d", top, t->nreps);
	fputs("</h3>", f);
	if (m->nteams <= LEGEND_TEAMS)
		legend(f, m, HUDDLE_REP);
	if (!t->nreps)
		fputs("<p class=\"muted\">No rep of this team is shown.</p>", f);
	for (int k = 0; k < top; k++)
		board_row(f, m, &m->reps[t->reps[k]], titles);
	if (top < t->nreps) {
		fprintf(f, "<details class=\"rest\"><summary>The other %d rep%s</summary><table><thead><tr><th>#</th>"
			"<th>Rep</th><th class=\"r\">Score</th><th></th></tr></thead><tbody>",
			t->nreps - top, t->nreps - top == 1 ? "" : "s");
		for (int k = top; k < t->nreps; k++)
			rest_row(f, m, &m->reps[t->reps[k]]);
		fputs("</tbody></table></details>", f);
	}
	fputs("</div>", f);
}

static void group_target(FILE *f, hr_model *m, const hr_team *t)
{
	char a[32], b[32];
	fputs("<div class=\"card target\"><h3>Group target</h3>", f);
	if (t->has_target) {
		double att = t->target > 0 ? t->won / t->target : 0;
		fputs("<div class=\"gauge\">", f);
		hr_svg_ring(f, att, m->elapsed);
		fprintf(f, "<dl class=\"figs\"><dt>Won</dt><dd>%s</dd><dt>Target</dt><dd>%s</dd>",
			hr_amount(t->won, a), hr_amount(t->target, b));
		if (t->won < t->target)
			fprintf(f, "<dt>To go</dt><dd>%s</dd>", hr_amount(t->target - t->won, a));
		else
			fprintf(f, "<dt>Beyond target</dt><dd>%s</dd>", hr_amount(t->won - t->target, a));
		if (m->elapsed < 1)
			fprintf(f, "<dt>Period gone</dt><dd>%s</dd>", hr_percent(m->elapsed, a));
	} else {
		fputs("<p class=\"no-target\">No group target set for this period.</p><dl class=\"figs\">", f);
		fprintf(f, "<dt>Won</dt><dd>%s</dd>", hr_amount(t->won, a));
	}
	if (t->has_prev_won) {
		fprintf(f, "<dt>Previous period</dt><dd>%s", hr_amount(t->prev_won, a));
		if (t->prev_won > 0) {
			double g = 100 * (t->won / t->prev_won - 1);
			fprintf(f, " <span class=\"dl %s\">%+.0f%%</span>", g >= 0.5 ? "up" : g <= -0.5 ? "down" : "flat",
				fabs(g) < 0.5 ? 0.0 : g);
		}
		fputs("</dd>", f);
	}
	fputs("</dl>", f);
	if (t->has_target)
		fputs("</div>", f);

	/* Beyond the reps the chart draws, the shape of a large team. */
	if (t->nreps > chart_top(m) && t->nreps >= SPREAD_REPS) {
		int bins[10] = { 0 }, scored = 0;
		for (int k = 0; k < t->nreps; k++) {
			const hr_rep *r = &m->reps[t->reps[k]];
			if (r->has_score) {
				bins[r->score >= 100 ? 9 : r->score <= 0 ? 0 : (int)(r->score / 10)]++;
				scored++;
			}
		}
		fprintf(f, "<div class=\"parts\"><h3>Score spread \xC2\xB7 %s rep%s</h3>", hr_count(scored, a),
			scored == 1 ? "" : "s");
		hr_svg_spread(f, bins);
		fputs("</div>", f);
	}

	int np;
	hr_part *p = hr_model_parts(m, t->card, &np);
	if (np)
		fputs("<div class=\"parts\"><h3>Team score</h3>", f);
	for (int i = 0; i < np; i++) {
		fputs("<div class=\"p\"><span class=\"n\">", f);
		hr_rule_title(f, m->legend[HUDDLE_TEAM][p[i].legend].rule);
		fprintf(f, "<small>\xC3\x97%g</small></span>", p[i].weight);
		if (p[i].has_value)
			hr_svg_meter(f, p[i].value, -1, "part");
		else
			fputs("<span class=\"muted\">no value</span>", f);
		if (p[i].why) {
			fputs("<span class=\"why\">", f);
			hr_text(f, p[i].why);
			fputs("</span>", f);
		}
		fputs("</div>", f);
	}
	if (np)
		fputs("</div>", f);
	free(p);
	fputs("</div>", f);
}

typedef struct coach_item {
	int sev, order, rep; /* rep: index into reps, -1 for the team */
	const char *severity, *rule, *text;
} coach_item;

static int by_severity(const void *a, const void *b)
{
	const coach_item *x = a, *y = b;
	return x->sev != y->sev ? x->sev - y->sev : x->order - y->order;
}

/* One coaching item; `same` when the line before was about the same
 * subject, whose name is then set back. */
static void coach_line(FILE *f, const hr_model *m, const coach_item *c, int same)
{
	fputs("<li><span><span class=\"sev ", f);
	hr_text(f, c->severity ? c->severity : "low");
	fputs("\">", f);
	hr_text(f, c->severity ? c->severity : "note");
	fprintf(f, "</span></span><span class=\"who%s\">", same ? " again" : "");
	if (c->rep >= 0)
		hr_rep_name(f, &m->reps[c->rep]);
	else
		fputs("Whole team", f);
	fputs("</span><span class=\"adv\">", f);
	hr_text(f, c->text);
	fputs("<span class=\"rule\">", f);
	hr_rule_title(f, c->rule);
	fputs("</span></span></li>", f);
}

/* Coaching: the host leaves it out for --audience team, and then there
 * is no section at all rather than an empty one. */
static void coaching(FILE *f, const hr_model *m, const hr_team *t)
{
	const huddle_api *api = m->api;
	if (!m->manager || !t->ncoach)
		return;
	coach_item *v = malloc(sizeof *v * (size_t)(t->ncoach + 1));
	if (!v)
		abort();
	int n = 0;
	for (int k = -1; k < t->nreps; k++) {
		const huddle_card *c = k < 0 ? t->card : m->reps[t->reps[k]].card;
		int nc = api->card_count(c, HUDDLE_COACHING);
		for (int j = 0; j < nc && n < t->ncoach; j++, n++) {
			const char *sev = api->item_detail(c, HUDDLE_COACHING, j);
			v[n] = (coach_item){ severity_rank(sev), n, k < 0 ? -1 : t->reps[k], sev,
					     api->item_rule(c, HUDDLE_COACHING, j), api->item_text(c, HUDDLE_COACHING, j) };
		}
	}
	qsort(v, (size_t)n, sizeof *v, by_severity);
	fprintf(f, "<div class=\"card coach\"><h3>Coaching \xC2\xB7 %d item%s</h3><ul>", n, n == 1 ? "" : "s");
	for (int k = 0; k < n && k < COACH_SHOWN; k++)
		coach_line(f, m, &v[k], k > 0 && v[k].rep == v[k - 1].rep && v[k].sev == v[k - 1].sev);
	fputs("</ul>", f);
	if (n > COACH_SHOWN) {
		fprintf(f, "<details><summary>%d more</summary><ul>", n - COACH_SHOWN);
		for (int k = COACH_SHOWN; k < n; k++)
			coach_line(f, m, &v[k], k > COACH_SHOWN && v[k].rep == v[k - 1].rep && v[k].sev == v[k - 1].sev);
		fputs("</ul></details>", f);
	}
	fputs("</div>", f);
	free(v);
}

void hr_team_section(FILE *f, hr_model *m, const hr_team *t)
{
	const huddle_api *api = m->api;
	char a[32];
	fprintf(f, "<section class=\"wrap team\" id=\"team-%lld\"><div class=\"team-head\"><div class=\"team-rank\">",
		(long long)t->id);
	if (t->rank > 0)
		fprintf(f, "#%d", t->rank);
	else
		fputs("\xE2\x80\x93", f);
	fputs("</div><div class=\"t\"><h2>", f);
	hr_text(f, t->name);
	fputs("</h2><div class=\"sub\">", f);
	if (t->manager) {
		fputs("Manager ", f);
		hr_text(f, t->manager);
		fputs(" \xC2\xB7 ", f);
	}
	fprintf(f, "%d member%s", t->members, t->members == 1 ? "" : "s");
	int nr = api->card_count(t->card, HUDDLE_RECOGNITION);
	for (int k = 0; k < nr; k++) {
		fputs(" \xC2\xB7 <span class=\"chip gold\">\xE2\x98\x85 ", f);
		hr_rule_title(f, api->item_rule(t->card, HUDDLE_RECOGNITION, k));
		fputs("</span>", f);
	}
	fprintf(f, "</div></div><div class=\"score\"><div class=\"v\">%s</div>",
		t->has_score ? hr_score(t->score, a) : "\xE2\x80\x94");
	hr_change(f, t->has_score, t->score, t->has_prev, t->prev, t->prev_rank);
	fputs(" <span class=\"l\">team score</span></div></div><div class=\"grid2\">", f);
	leaderboard(f, m, t);
	group_target(f, m, t);
	fputs("</div>", f);
	coaching(f, m, t);
	fputs("</section>\n", f);
}
