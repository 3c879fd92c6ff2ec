/* report_text.c - the table (terminal) and markdown formats.
 *
 * Both show the same things in the same order: the teams with their
 * group target beside the leaderboard, then recognition, then (for the
 * manager) coaching and rule errors. */
#include <string.h>

#include "report.h"

typedef struct style {
	const char *bold, *dim, *green, *yellow, *red, *reset;
} style;

static const style plain = { "", "", "", "", "", "" };
static const style ansi = { "\033[1m", "\033[2m", "\033[32m", "\033[33m", "\033[31m", "\033[0m" };

static void score_text(const hd_scorecard *c, char *buf, size_t n)
{
	if (c->has_score)
		snprintf(buf, n, "%.1f", c->score);
	else
		snprintf(buf, n, "-");
}

static void rank_text(int rank, char *buf, size_t n)
{
	if (rank)
		snprintf(buf, n, "%d", rank);
	else
		snprintf(buf, n, "-");
}

/* Display width of UTF-8 text: counts code points, not bytes. */
static int width(const char *s)
{
	int w = 0;
	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void pad(FILE *out, const char *s, int w)
{
	fputs(s ? s : "", out);
	for (int i = width(s); i < w; i++)
		fputc(' ', out);
}

/* The strongest component's explanation, as the leaderboard's hint. */
static const char *highlight(const hd_scorecard *c)
{
	const hd_component *best = NULL;
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		if (k->has_value && k->why && k->rule->weight > 0 &&
		    (!best || k->value * k->rule->weight > best->value * best->rule->weight))
			best = k;
	}
	return best ? best->why : "";
}

static void header(const hd_result *res, const style *st, int md, FILE *out)
{
	char run[32];
	if (res->run_id)
		snprintf(run, sizeof run, " · run %lld", (long long)res->run_id);
	else
		snprintf(run, sizeof run, " · not saved");
	fprintf(out, "%s%shuddle scorecard %s%s (%s to %s, as of %s)%s\n\n", md ? "# " : "", st->bold,
		res->period.label, st->reset, res->start, res->stop, res->as_of, run);
}

static void teams(const hd_result *res, const hd_report_opts *o, const style *st, int md, FILE *out)
{
	char s[32], r[16];
	if (md)
		fputs("## Teams\n\n| rank | team | score | members | highlights |\n|---:|---|---:|---:|---|\n", out);
	else
		fprintf(out, "%sTeams%s\n%s%4s  %-20s %6s %8s  %s%s\n", st->bold, st->reset, st->dim, "rank", "team",
			"score", "members", "highlights", st->reset);
	for (int i = 0; i < res->nteams; i++) {
		int t = res->team_order[i];
		if (!hd_report_shows(o, &res->teams[t]))
			continue;
		const hd_scorecard *c = hd_result_card(res, HD_TEAM, t);
		score_text(c, s, sizeof s);
		rank_text(c->rank, r, sizeof r);
		char why[512] = "";
		for (int k = 0; k < c->ncomps; k++)
			if (c->comps[k].why) {
				size_t n = strlen(why);
				snprintf(why + n, sizeof why - n, "%s%s", n ? "; " : "", c->comps[k].why);
			}
		if (md) {
			fprintf(out, "| %s | %s | %s | %d | %s |\n", r, c->name, s, c->members, why);
		} else {
			fprintf(out, "%4s  ", r);
			pad(out, c->name, 20);
			fprintf(out, " %s%6s%s %8d  %s\n", st->bold, s, st->reset, c->members, why);
		}
	}
	fputc('\n', out);
}

static void leaderboard(const hd_result *res, const hd_report_opts *o, const style *st, int md, FILE *out)
{
	char s[32], r[16], tr[16];
	if (md)
		fputs("## Leaderboard\n\n| rank | rep | team | score | team rank | strongest |\n"
		      "|---:|---|---|---:|---:|---|\n",
		      out);
	else
		fprintf(out, "%sLeaderboard%s\n%s%4s  %-24s %-14s %6s %5s  %s%s\n", st->bold, st->reset, st->dim,
			"rank", "rep", "team", "score", "team", "strongest", st->reset);
	for (int i = 0; i < res->nreps; i++) {
		int k = res->rep_order[i];
		if (!hd_report_shows(o, &res->reps[k]))
			continue;
		const hd_scorecard *c = hd_result_card(res, HD_REP, k);
		const char *name = hd_report_rep_name(o, c);
		score_text(c, s, sizeof s);
		rank_text(c->rank, r, sizeof r);
		rank_text(c->team_rank, tr, sizeof tr);
		if (md) {
			fprintf(out, "| %s | %s | %s | %s | %s | %s |\n", r, name ? name : "—", c->team, s, tr,
				name ? highlight(c) : "");
		} else {
			fprintf(out, "%4s  ", r);
			pad(out, name ? name : "—", 24);
			fputc(' ', out);
			pad(out, c->team, 14);
			fprintf(out, " %s%6s%s %5s  %s\n", st->bold, s, st->reset, tr, name ? highlight(c) : "");
		}
	}
	fputc('\n', out);
}

static void section(const char *title, const style *st, int md, FILE *out)
{
	if (md)
		fprintf(out, "## %s\n\n", title);
	else
		fprintf(out, "%s%s%s\n", st->bold, title, st->reset);
}

static void recognition(const hd_scorecard *c, const hd_item *it, const style *st, int md, FILE *out)
{
	(void)c;
	if (md)
		fprintf(out, "- **%s**: %s\n", it->rule->name, it->text);
	else
		fprintf(out, "  %s★ %-22s%s %s\n", st->green, it->rule->name, st->reset, it->text);
}

static void coaching(const hd_scorecard *c, const hd_item *it, const style *st, int md, FILE *out)
{
	const char *sev = it->rule->severity;
	const char *col = !strcmp(sev, "high") ? st->red : !strcmp(sev, "medium") ? st->yellow : st->dim;
	/* Advice that already starts with the name needs no "Name:" before it. */
	char who[256] = "";
	if (strncmp(it->text, c->name, strlen(c->name)))
		snprintf(who, sizeof who, md ? "**%s**: " : "%s: ", c->name);
	if (md)
		fprintf(out, "- %s%s (%s, %s)\n", who, it->text, it->rule->name, sev);
	else
		fprintf(out, "  %s%-6s%s %-26s %s%s\n", col, sev, st->reset, it->rule->name, who, it->text);
}

static void rule_error(const hd_scorecard *c, const hd_rule_error *e, const style *st, int md, FILE *out)
{
	if (md)
		fprintf(out, "- `%s` %s for %s: %s\n", e->where, e->rule, c->name, e->message);
	else
		fprintf(out, "  %s%s%s: %s for %s: %s\n", st->red, e->where, st->reset, e->rule, c->name, e->message);
}

enum { RECS, COACH, ERRS };

/* The i-th card of teams first, then reps, each in rank order, when it
 * is shown and has items of the kind asked (the header says, so a card
 * without any is not read); else NULL. */
static const hd_scorecard *with_items(const hd_result *res, const hd_report_opts *o, int i, int what)
{
	hd_kind kind = i < res->nteams ? HD_TEAM : HD_REP;
	int k = kind == HD_TEAM ? res->team_order[i] : res->rep_order[i - res->nteams];
	const hd_scorecard *h = kind == HD_TEAM ? &res->teams[k] : &res->reps[k];
	int n = what == RECS ? h->nrecs : what == COACH ? h->ncoach : h->nerrs;
	return n && hd_report_shows(o, h) ? hd_result_card(res, kind, k) : NULL;
}

/* Teams first, then reps in rank order, for each kind of item. */
typedef void (*item_fn)(const hd_scorecard *, const hd_item *, const style *, int, FILE *);

static int each_item(const hd_result *res, const hd_report_opts *o, int coach, item_fn fn, const style *st,
		     int md, FILE *out)
{
	int n = 0;
	for (int i = 0; i < res->nteams + res->nreps; i++) {
		const hd_scorecard *c = with_items(res, o, i, coach ? COACH : RECS);
		if (!c)
			continue;
		const hd_item *its = coach ? c->coach : c->recs;
		int cnt = coach ? c->ncoach : c->nrecs;
		for (int k = 0; k < cnt; k++, n++)
			fn(c, &its[k], st, md, out);
	}
	return n;
}

static void items(const hd_result *res, const hd_report_opts *o, const style *st, int md, FILE *out)
{
	section("Recognition", st, md, out);
	if (!each_item(res, o, 0, recognition, st, md, out))
		fputs("  (none this period)\n", out);
	fputc('\n', out);
	if (o->audience_team)
		return;
	section("Coaching", st, md, out);
	if (!each_item(res, o, 1, coaching, st, md, out))
		fputs("  (none this period)\n", out);
	fputc('\n', out);
	if (!res->nerrors)
		return;
	section("Rule errors", st, md, out);
	for (int i = 0; i < res->nteams + res->nreps; i++) {
		const hd_scorecard *c = with_items(res, o, i, ERRS);
		for (int k = 0; c && k < c->nerrs; k++)
			rule_error(c, &c->errs[k], st, md, out);
	}
	fputc('\n', out);
}

void hd_report_table(const hd_result *res, const hd_report_opts *o, FILE *out)
{
	const style *st = o->color ? &ansi : &plain;
	header(res, st, 0, out);
	teams(res, o, st, 0, out);
	leaderboard(res, o, st, 0, out);
	items(res, o, st, 0, out);
}

void hd_report_markdown(const hd_result *res, const hd_report_opts *o, FILE *out)
{
	header(res, &plain, 1, out);
	teams(res, o, &plain, 1, out);
	leaderboard(res, o, &plain, 1, out);
	items(res, o, &plain, 1, out);
}
