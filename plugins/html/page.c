/*
 * page.c - the report page: a header, the key figures, the teams side by
 * side with their group targets and momentum, the recognition wall
 * (recognition.c), one section per team (team.c) and a footer; and the
 * small pieces those parts share.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define ERRORS_SHOWN 20 /* rule errors listed before "and N more" */
#define SLOPE_TEAMS  12 /* teams in the slope chart */
#define MOVERS	     6	/* most improved reps */

/* Small pieces ---------------------------------------------------------- */

void hr_rep_name(FILE *f, const hr_rep *r)
{
	char buf[48];
	hr_text(f, hr_rep_label(r, buf, sizeof buf));
}

const char *hr_ordinal(int n, char *buf)
{
	const char *suf = n % 100 >= 11 && n % 100 <= 13 ? "th"
			  : n % 10 == 1			? "st"
			  : n % 10 == 2			? "nd"
			  : n % 10 == 3			? "rd"
							: "th";
	snprintf(buf, 32, "%d%s", n, suf);
	return buf;
}

void hr_change(FILE *f, int has, double now, int has_prev, double prev, int prev_rank)
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

void hr_date(FILE *f, const char *iso)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, mo, d;
	if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3 && mo >= 1 && mo <= 12)
		fprintf(f, "%d %s %d", d, months[mo - 1], y);
	else
		hr_text(f, iso);
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
	hr_date(f, api->result_start(m->res));
	fputs(" \xE2\x80\x93 ", f);
	hr_date(f, m->last_day);
	fputs(" \xC2\xB7 as of ", f);
	hr_date(f, api->result_as_of(m->res));
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
		hr_date(f, at);
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
					hr_rep_name(f, &m->reps[i]);
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
		hr_change(f, t->has_score, t->score, t->has_prev, t->prev, t->prev_rank);
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
		hr_rep_name(f, r);
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
	hr_recognition(f, m);
	for (int i = 0; i < m->nteams; i++)
		hr_team_section(f, m, &m->teams[i]);
	footer(f, m);
	fputs("</body>\n</html>\n", f);
}
