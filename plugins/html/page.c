/*
 * page.c - the report page: a header, the key figures, the teams side by
 * side with their group targets and momentum, the recognition wall, then
 * one section per team (its leaderboard beside its group target, and for
 * the manager its coaching items).
 *
 * Sized for an org of any size: each team's chart draws its top reps
 * (plugins.html.top) and lists the rest in a folded table; long lists of
 * recognitions and coaching fold after their first lines.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define RECOG_SHOWN  6	 /* recognition messages per policy before folding */
#define COACH_SHOWN  8	 /* coaching items per team before folding */
#define ERRORS_SHOWN 20	 /* rule errors listed before "and N more" */
#define SLOPE_TEAMS  12	 /* teams in the slope chart */
#define MOVERS	     6	 /* most improved reps */
#define LEGEND_TEAMS 30	 /* up to this many teams, each leaderboard has its legend */
#define TITLES_REPS  600 /* up to this many reps, bar segments have tooltips */
#define BARS_BUDGET  2400 /* bars drawn over all teams, unless plugins.html.top says */

/* Small pieces ---------------------------------------------------------- */

static void rep_label(FILE *f, const hr_rep *r)
{
	char buf[48];
	hr_text(f, hr_rep_label(r, buf, sizeof buf));
}

static const char *ordinal(int n, char *buf)
{
	const char *suf = n % 100 >= 11 && n % 100 <= 13 ? "th"
			  : n % 10 == 1			? "st"
			  : n % 10 == 2			? "nd"
			  : n % 10 == 3			? "rd"
							: "th";
	snprintf(buf, 32, "%d%s", n, suf);
	return buf;
}

/* The change of a score on the previous period, with the previous score
 * and rank in its tooltip. */
static void delta(FILE *f, int has, double now, int has_prev, double prev, int prev_rank)
{
	char a[32], b[32];
	if (!has)
		return;
	if (!has_prev) {
		fputs("<span class=\"dl new\" title=\"No score in the previous period\">new</span>", f);
		return;
	}
	fprintf(f, "<span class=\"dl %s\" title=\"Previous period: %s", hr_trend(now - prev), hr_score(prev, a));
	if (prev_rank > 0)
		fprintf(f, ", ranked %d", prev_rank);
	fprintf(f, "\">%s</span>", hr_delta(now - prev, b));
}

/* 14 Jul 2026 from 2026-07-14. */
static void date(FILE *f, const char *iso)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, mo, d;
	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3 && mo >= 1 && mo <= 12)
		fprintf(f, "%d %s %d", d, months[mo - 1], y);
	else
		hr_text(f, iso);
}

static int severity_rank(const char *s)
{
	return !s ? 3 : !strcmp(s, "high") ? 0 : !strcmp(s, "medium") ? 1 : !strcmp(s, "low") ? 2 : 3;
}

/* A medal for recognition ribbons. */
static void medal(FILE *f)
{
	fputs("<svg class=\"medal\" viewBox=\"0 0 34 34\" aria-hidden=\"true\">"
	      "<path d=\"M10 2h5l3 9h-5zM24 2h-5l-3 9h5z\" fill=\"#d94f4f\"/>"
	      "<circle cx=\"17\" cy=\"21\" r=\"10\" fill=\"#f2b632\" stroke=\"#c98a09\" stroke-width=\"2\"/>"
	      "<path d=\"M17 15.5l1.7 3.5 3.8.5-2.8 2.6.7 3.8-3.4-1.9-3.4 1.9.7-3.8-2.8-2.6 3.8-.5z\" fill=\"#fff8e1\"/>"
	      "</svg>",
	      f);
}

/* Header and key figures --------------------------------------------------- */

static void head(FILE *f, const hr_model *m)
{
	const huddle_api *api = m->api;
	const char *title = m->set->title ? m->set->title : "Team huddle";
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"huddle html reporter\">\n<title>",
	      f);
	hr_text(f, title);
	fputs(" \xC2\xB7 ", f);
	hr_text(f, api->result_period(m->res));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", hr_style_css);
	fprintf(f, "<header class=\"top\"><div class=\"wrap\"><div><span class=\"badge\">%s</span><h1>",
		m->manager ? "Manager view" : "Team view");
	hr_text(f, title);
	fputs("</h1><div class=\"period\">", f);
	hr_text(f, api->result_period(m->res));
	fputs(" \xC2\xB7 ", f);
	date(f, api->result_start(m->res));
	fputs(" \xE2\x80\x93 ", f);
	date(f, m->last_day);
	fputs(" \xC2\xB7 as of ", f);
	date(f, api->result_as_of(m->res));
	fputs("</div></div><div class=\"meta\">", f);
	int64_t run = api->result_run_id(m->res);
	if (run > 0)
		fprintf(f, "Run #%lld", (long long)run);
	else
		fputs("Not saved (--no-save)", f);
	fputs("<br>Generated ", f);
	const char *at = api->result_created_at(m->res);
	int y, mo, d, hh, mm;
	if (at && sscanf(at, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &hh, &mm) == 5) {
		date(f, at);
		fprintf(f, ", %02d:%02d UTC", hh, mm);
	} else {
		hr_text(f, at);
	}
	fputs("</div></div></header>\n", f);
}

static void kpi(FILE *f, const char *label, const char *value, const char *small)
{
	fprintf(f, "<div class=\"kpi\"><div class=\"l\">%s</div><div class=\"v\">%s", label, value);
	if (small)
		fprintf(f, "<small>%s</small>", small);
	fputs("</div><div class=\"s\">", f);
}

static void key_figures(FILE *f, const hr_model *m)
{
	char a[32], b[32], c[32];
	double sum = 0, dsum = 0;
	int scored = 0, paired = 0, up = 0;
	for (int i = 0; i < m->nreps; i++) {
		const hr_rep *r = &m->reps[i];
		if (!r->has_score)
			continue;
		sum += r->score;
		scored++;
		if (r->has_prev) {
			dsum += r->score - r->prev;
			paired++;
			up += r->score - r->prev >= 0.05;
		}
	}
	fputs("<div class=\"wrap\"><div class=\"kpis\">", f);

	kpi(f, "Average rep score", scored ? hr_score(sum / scored, a) : "\xE2\x80\x94", NULL);
	if (paired)
		fprintf(f, "<span class=\"dl %s\">%s</span> on the previous period", hr_trend(dsum / paired),
			hr_delta(dsum / paired, b));
	else
		fprintf(f, "over %s scored reps", hr_count(scored, b));
	fputs("</div></div>", f);

	double won = 0, target = 0;
	int targets = 0, hit = 0;
	for (int i = 0; i < m->nteams; i++) {
		const hr_team *t = &m->teams[i];
		won += t->won;
		if (t->has_target) {
			target += t->target;
			targets++;
			hit += t->won >= t->target;
		}
	}
	if (targets) {
		kpi(f, "Group targets", hr_percent(won / target, a), NULL);
		fprintf(f, "%s of %s won \xC2\xB7 %d of %d team%s on target", hr_amount(won, b), hr_amount(target, c),
			hit, targets, targets == 1 ? "" : "s");
	} else {
		kpi(f, "Won", hr_amount(won, a), NULL);
		fputs("no group targets set for this period", f);
	}
	fputs("</div></div>", f);

	kpi(f, "Recognitions", hr_count(m->nrecs, a), NULL);
	fprintf(f, "for %s of %s reps", hr_count(m->nrecognised, b), hr_count(m->nreps, c));
	fputs("</div></div>", f);

	if (paired) {
		snprintf(c, sizeof c, "/ %d", paired);
		kpi(f, "Improving", hr_count(up, a), c);
		fputs("reps scored higher than in the previous period", f);
		fputs("</div></div>", f);
	}
	if (m->manager) {
		kpi(f, "Coaching items", hr_count(m->ncoach, a), NULL);
		fprintf(f, "%s high priority", hr_count(m->ncoach_high, b));
	} else {
		kpi(f, "Reps", hr_count(m->nreps, a), NULL);
		fprintf(f, "in %s team%s", hr_count(m->nteams, b), m->nteams == 1 ? "" : "s");
	}
	fputs("</div></div></div></div>\n", f);
}

/* Rule errors (the host shows them to the manager only). */
static void errors(FILE *f, const hr_model *m)
{
	if (!m->nerrors)
		return;
	const huddle_api *api = m->api;
	fprintf(f, "<div class=\"alert\"><b>%d rule error%s in this run.</b> The scores concerned count only the "
		"components that worked; <code>huddle explain</code> shows the details.<ul>",
		m->nerrors, m->nerrors == 1 ? "" : "s");
	int shown = 0;
	for (int kind = 0; kind < 2; kind++) {
		int n = kind == HUDDLE_REP ? m->nreps : m->nteams;
		for (int i = 0; i < n && shown < ERRORS_SHOWN; i++) {
			const huddle_card *c = kind == HUDDLE_REP ? m->reps[i].card : m->teams[i].card;
			for (int k = 0; k < api->card_count(c, HUDDLE_ERROR) && shown < ERRORS_SHOWN; k++, shown++) {
				fputs("<li><b>", f);
				if (kind == HUDDLE_REP)
					rep_label(f, &m->reps[i]);
				else
					hr_text(f, m->teams[i].name);
				fputs("</b>: rule <code>", f);
				hr_text(f, api->item_rule(c, HUDDLE_ERROR, k));
				fputs("</code> (", f);
				hr_text(f, api->item_detail(c, HUDDLE_ERROR, k));
				fputs("): ", f);
				hr_text(f, api->item_text(c, HUDDLE_ERROR, k));
				fputs("</li>", f);
			}
		}
	}
	if (m->nerrors > shown)
		fprintf(f, "<li>and %d more</li>", m->nerrors - shown);
	fputs("</ul></div>\n", f);
}

/* Teams overview ------------------------------------------------------------ */

static const char *target_class(const hr_model *m, double a)
{
	return a >= 1 ? "hit" : m->elapsed < 1 && a >= m->elapsed ? "pace" : "short";
}

static void target_cell(FILE *f, const hr_model *m, const hr_team *t)
{
	char a[32], b[32], c[32];
	if (!t->has_target) {
		fprintf(f, "<span class=\"muted\">no target \xC2\xB7 %s won</span>", hr_amount(t->won, a));
		return;
	}
	double att = t->target > 0 ? t->won / t->target : 0;
	fputs("<div class=\"target-cell\">", f);
	hr_svg_meter(f, att, m->elapsed, target_class(m, att));
	fprintf(f, "<span><span class=\"pct\">%s</span><span class=\"of\">%s of %s</span></span></div>",
		hr_percent(att, a), hr_amount(t->won, b), hr_amount(t->target, c));
}

static void teams_table(FILE *f, const hr_model *m)
{
	char a[32];
	fputs("<div class=\"card\"><h3>Team scorecards</h3><table class=\"teams\"><thead><tr><th>#</th><th>Team</th>"
	      "<th class=\"r\">Score</th><th></th><th>Group target</th><th class=\"r\" title=\"Recognitions\">"
	      "\xE2\x98\x85</th>",
	      f);
	if (m->manager)
		fputs("<th class=\"r\" title=\"Coaching items\">Coach</th>", f);
	fputs("</tr></thead><tbody>", f);
	for (int i = 0; i < m->nteams; i++) {
		const hr_team *t = &m->teams[i];
		fputs("<tr>", f);
		if (t->rank > 0)
			fprintf(f, "<td class=\"rk\">%d</td>", t->rank);
		else
			fputs("<td class=\"rk\">\xE2\x80\x93</td>", f);
		fprintf(f, "<td class=\"team-name\"><a href=\"#team-%lld\">", (long long)t->id);
		hr_text(f, t->name);
		fputs("</a><span class=\"muted\">", f);
		if (t->manager) {
			hr_text(f, t->manager);
			fputs(" \xC2\xB7 ", f);
		}
		fprintf(f, "%d member%s</span></td>", t->members, t->members == 1 ? "" : "s");
		fprintf(f, "<td class=\"r\"><span class=\"big-score\">%s</span></td><td>",
			t->has_score ? hr_score(t->score, a) : "\xE2\x80\x94");
		delta(f, t->has_score, t->score, t->has_prev, t->prev, t->prev_rank);
		fputs("</td><td>", f);
		target_cell(f, m, t);
		fprintf(f, "</td><td class=\"r\"><span class=\"chip%s\">%d</span></td>", t->nrecs ? " gold" : "",
			t->nrecs);
		if (m->manager)
			fprintf(f, "<td class=\"r\"><span class=\"chip%s\">%d</span></td>", t->ncoach ? " warn" : "",
				t->ncoach);
		fputs("</tr>", f);
	}
	fputs("</tbody></table></div>", f);
}

static int by_gain(const void *a, const void *b, const hr_model *m)
{
	const hr_rep *x = &m->reps[*(const int *)a], *y = &m->reps[*(const int *)b];
	double dx = x->score - x->prev, dy = y->score - y->prev;
	return dx > dy ? -1 : dx < dy ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* The most improved reps: momentum is recognised wherever on the board
 * it happens. */
static void movers(FILE *f, const hr_model *m)
{
	int best[MOVERS], n = 0;
	for (int i = 0; i < m->nreps; i++) {
		const hr_rep *r = &m->reps[i];
		if (!r->has_score || !r->has_prev || r->score - r->prev < 0.05)
			continue;
		/* Insertion into the few best so far. */
		int k = n < MOVERS ? n++ : MOVERS;
		while (k > 0 && by_gain(&i, &best[k - 1], m) < 0) {
			if (k < MOVERS)
				best[k] = best[k - 1];
			k--;
		}
		if (k < MOVERS)
			best[k] = i;
	}
	if (!n)
		return;
	fputs("<div class=\"card\"><h3>Most improved</h3><ol class=\"movers\">", f);
	for (int k = 0; k < n; k++) {
		const hr_rep *r = &m->reps[best[k]];
		char a[32], b[32], c[32];
		fputs("<li><span class=\"who\">", f);
		rep_label(f, r);
		if (r->team >= 0) {
			fputs("<small>", f);
			hr_text(f, m->teams[r->team].name);
			fputs("</small>", f);
		}
		fprintf(f, "</span><span class=\"from\">%s \xE2\x86\x92 %s</span><span class=\"dl up\">%s</span></li>",
			hr_score(r->prev, a), hr_score(r->score, b), hr_delta(r->score - r->prev, c));
	}
	fputs("</ol></div>", f);
}

static void overview(FILE *f, const hr_model *m)
{
	if (m->nteams < 2)
		return;
	fputs("<section class=\"wrap\"><div class=\"section-head\"><div><h2>Teams</h2><p>Selling is a team sport: "
	      "every team's score beside its shared group target",
	      f);
	if (m->elapsed < 1)
		fputs(" (the tick marks how much of the period has gone)", f);
	fputs(".</p></div></div><div class=\"grid2\">", f);
	teams_table(f, m);
	fputs("<div class=\"stackcol\">", f);
	int slope = 0;
	for (int i = 0; i < m->nteams; i++)
		slope += m->teams[i].has_prev && m->teams[i].has_score;
	if (slope >= 2) {
		fprintf(f, "<div class=\"card\"><h3>Team momentum%s</h3>",
			slope > SLOPE_TEAMS ? " \xC2\xB7 top teams" : "");
		hr_svg_slope(f, m, SLOPE_TEAMS);
		fputs("</div>", f);
	}
	movers(f, m);
	fputs("</div></div></section>\n", f);
}

/* Recognition ---------------------------------------------------------------- */

typedef struct recog {
	const char *rule, *text;
	int rep; /* index into reps */
} recog;

/* Comparison of ASCII letters without case; other bytes as they are. */
static int compare_text(const char *p, const char *q)
{
	for (;; p++, q++) {
		int c = (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p) - (*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
		if (c || !*p)
			return c;
	}
}

/* Policies and the messages in each in alphabetical order: recognition
 * is not a ranking, and the supporting cast is not listed after the
 * stars. */
static int by_policy_then_text(const void *a, const void *b)
{
	const recog *x = a, *y = b;
	int c = compare_text(x->rule, y->rule);
	return c ? c : compare_text(x->text, y->text);
}

static void recognition_item(FILE *f, const hr_model *m, const recog *it)
{
	const hr_rep *r = &m->reps[it->rep];
	char a[32];
	fputs("<li><span class=\"m\">", f);
	hr_text(f, it->text);
	fputs("</span><span class=\"w\">", f);
	if (r->team >= 0)
		hr_text(f, m->teams[r->team].name);
	/* Beside a name in the message, a rank would undo an anonymous board. */
	if (!m->anonymous && r->team_rank > 0)
		fprintf(f, " \xC2\xB7 %s in the team", ordinal(r->team_rank, a));
	fputs("</span></li>", f);
}

static void recognition(FILE *f, const hr_model *m)
{
	const huddle_api *api = m->api;
	int n = 0, outside = 0;
	recog *items = malloc(sizeof *items * (size_t)(m->nrecs + 1));
	if (!items)
		abort();
	for (int i = 0; i < m->nreps; i++) {
		const hr_rep *r = &m->reps[i];
		for (int k = 0; k < r->nrecs; k++) {
			items[n++] = (recog){ api->item_rule(r->card, HUDDLE_RECOGNITION, k),
					      api->item_text(r->card, HUDDLE_RECOGNITION, k), i };
		}
		outside += r->nrecs && !(r->team_rank >= 1 && r->team_rank <= 3);
	}
	fputs("<section class=\"wrap\"><div class=\"section-head\"><div><h2>Recognition</h2><p>", f);
	if (m->nrecognised) {
		char a[32], b[32], c[32];
		fprintf(f, "<b>%s of %s reps</b> earned recognition this period, <b>%s</b> of them from outside their "
			"team's top three: the supporting cast counts as much as the stars. Listed alphabetically, "
			"because recognition is not a ranking.",
			hr_count(m->nrecognised, a), hr_count(m->nreps, b), hr_count(outside, c));
	} else {
		fputs("No rep earned a recognition this period.", f);
	}
	fputs("</p></div></div>", f);

	int ribbons = 0;
	for (int i = 0; i < m->nteams; i++) {
		const hr_team *t = &m->teams[i];
		int nr = api->card_count(t->card, HUDDLE_RECOGNITION);
		for (int k = 0; k < nr; k++) {
			if (!ribbons++)
				fputs("<div class=\"ribbons\">", f);
			fputs("<div class=\"ribbon\">", f);
			medal(f);
			fputs("<div><b>", f);
			hr_rule_title(f, api->item_rule(t->card, HUDDLE_RECOGNITION, k));
			fputs("</b>", f);
			hr_text(f, api->item_text(t->card, HUDDLE_RECOGNITION, k));
			fputs("</div></div>", f);
		}
	}
	if (ribbons)
		fputs("</div>", f);

	qsort(items, (size_t)n, sizeof *items, by_policy_then_text);
	if (n)
		fputs("<div class=\"recog-grid\">", f);
	for (int k = 0; k < n;) {
		int end = k;
		while (end < n && !strcmp(items[end].rule, items[k].rule))
			end++;
		fputs("<div class=\"card policy\"><div class=\"ph\"><h4>", f);
		hr_rule_title(f, items[k].rule);
		fprintf(f, "</h4><span class=\"chip gold\">%d</span></div><ul>", end - k);
		for (int j = k; j < end && j < k + RECOG_SHOWN; j++)
			recognition_item(f, m, &items[j]);
		fputs("</ul>", f);
		if (end - k > RECOG_SHOWN) {
			fprintf(f, "<details><summary>%d more</summary><ul>", end - k - RECOG_SHOWN);
			for (int j = k + RECOG_SHOWN; j < end; j++)
				recognition_item(f, m, &items[j]);
			fputs("</ul></details>", f);
		}
		fputs("</div>", f);
		k = end;
	}
	if (n)
		fputs("</div>", f);
	fputs("</section>\n", f);
	free(items);
}

/* Team sections ------------------------------------------------------------- */

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
		rep_label(f, r);
		fputs("\"", f);
	}
	fputs(">", f);
	rep_label(f, r);
	if (r->nrecs)
		fprintf(f, "<span class=\"star\" title=\"%d recognition%s\">\xE2\x98\x85%s</span>", r->nrecs,
			r->nrecs == 1 ? "" : "s", r->nrecs > 1 ? hr_count(r->nrecs, b) : "");
	fputs("</span>", f);
	int np;
	hr_part *p = hr_model_parts(m, r->card, &np);
	hr_svg_stack(f, m, HUDDLE_REP, p, np, titles);
	free(p);
	fprintf(f, "<span class=\"sc\">%s</span>", r->has_score ? hr_score(r->score, a) : "\xE2\x80\x94");
	delta(f, r->has_score, r->score, r->has_prev, r->prev, r->prev_rank);
	fputs("</div>", f);
}

static void rest_row(FILE *f, const hr_model *m, const hr_rep *r)
{
	char a[32];
	fprintf(f, "<tr data-rep=\"%lld\"><td class=\"rk\">", (long long)r->id);
	if (r->team_rank > 0)
		fprintf(f, "%d", r->team_rank);
	fputs("</td><td>", f);
	rep_label(f, r);
	if (r->nrecs)
		fprintf(f, " <span class=\"star\" title=\"%d recognition%s\">\xE2\x98\x85</span>", r->nrecs,
			r->nrecs == 1 ? "" : "s");
	fprintf(f, "</td><td class=\"r\"><b>%s</b></td><td>", r->has_score ? hr_score(r->score, a) : "\xE2\x80\x94");
	delta(f, r->has_score, r->score, r->has_prev, r->prev, r->prev_rank);
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
		rep_label(f, &m->reps[c->rep]);
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

static void team_section(FILE *f, hr_model *m, const hr_team *t)
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
	delta(f, t->has_score, t->score, t->has_prev, t->prev, t->prev_rank);
	fputs(" <span class=\"l\">team score</span></div></div><div class=\"grid2\">", f);
	leaderboard(f, m, t);
	group_target(f, m, t);
	fputs("</div>", f);
	coaching(f, m, t);
	fputs("</section>\n", f);
}

static void footer(FILE *f, const hr_model *m)
{
	const huddle_api *api = m->api;
	fputs("<footer class=\"wrap\"><p>A score is 100 \xC3\x97 \xCE\xA3 weight \xC3\x97 value / \xCE\xA3 weight over the "
	      "components that produced a value; each bar shows what every component added. ",
	      f);
	if (m->has_prev)
		fputs("Changes compare with the previous period, evaluated with the same rules. ", f);
	fputs("</p><p>huddle ", f);
	hr_text(f, api->version);
	fputs(" \xC2\xB7 rules ", f);
	hr_text(f, api->result_rules_hash(m->res));
	fputs("</p></footer>\n", f);
}

void hr_page(FILE *f, hr_model *m)
{
	head(f, m);
	key_figures(f, m);
	if (m->manager && m->nerrors) {
		fputs("<div class=\"wrap\">", f);
		errors(f, m);
		fputs("</div>", f);
	}
	overview(f, m);
	recognition(f, m);
	for (int i = 0; i < m->nteams; i++)
		team_section(f, m, &m->teams[i]);
	footer(f, m);
	fputs("</body>\n</html>\n", f);
}
