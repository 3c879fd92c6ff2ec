/* compare_text.c - a comparison for people: the summary sentence, the
 * table (terminal) and markdown formats, and choosing the format. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

typedef struct style {
	const char *bold, *dim, *green, *yellow, *red, *reset;
} style;

static const style plain = { "", "", "", "", "", "" };
static const style ansi = { "\033[1m", "\033[2m", "\033[32m", "\033[33m", "\033[31m", "\033[0m" };

/* 36000 as "36,000". */
static const char *thousands(long long n, char buf[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n), o = 0;
	if (n < 0)
		buf[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

static const char *score_text(const hd_cmp_card *c, char buf[32])
{
	if (c && c->has_score)
		snprintf(buf, 32, "%.2f", c->score);
	else
		snprintf(buf, 32, "-");
	return buf;
}

/* A signed change with two decimals; one too small to show says so
 * rather than printing a zero that is not one. */
static const char *change_text(double d, char buf[32])
{
	if (d == 0)
		snprintf(buf, 32, "0.00");
	else if (fabs(d) < 0.005)
		snprintf(buf, 32, "%s<0.01", d > 0 ? "+" : "-");
	else
		snprintf(buf, 32, "%+.2f", d);
	return buf;
}

static const char *rank_text(const hd_cmp_card *c, char buf[16])
{
	if (c && c->rank)
		snprintf(buf, 16, "%d", c->rank);
	else
		snprintf(buf, 16, "-");
	return buf;
}

static const hd_cmp_card *either(const hd_cmp_row *r)
{
	return r->new ? r->new : r->old;
}

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

/* Markdown table cells: a '|' in a name or message would end the cell. */
static void md_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

/* The summary --------------------------------------------------------- */

static void one_move(const hd_cmp_row *r, const char *what, FILE *out)
{
	char d[32], ro[16], rn[16];
	fprintf(out, "; largest %s: %s %s (rank %s → %s)", what, either(r)->name,
		change_text(r->score_change, d), rank_text(r->old, ro), rank_text(r->new, rn));
}

/* "recognitions: closer +2 reps, -1 rep; top +1 rep" for one kind. */
static void counts(const hd_cmp *c, hd_kind kind, int coaching, FILE *out)
{
	const char *noun = kind == HD_REP ? "rep" : "team";
	int any = 0;
	for (int i = 0; i < c->ncounts; i++) {
		const hd_cmp_count *k = &c->counts[i];
		if (k->kind != kind || k->coaching != coaching)
			continue;
		fprintf(out, "%s%s", any++ ? ", " : coaching ? "; triggers: " : "; recognitions: ", k->rule);
		if (k->gained)
			fprintf(out, " +%d %s%s", k->gained, noun, k->gained == 1 ? "" : "s");
		if (k->lost)
			fprintf(out, "%s -%d %s%s", k->gained ? "," : "", k->lost, noun,
				k->lost == 1 ? "" : "s");
	}
}

void hd_cmp_summary(const hd_cmp *c, hd_kind kind, FILE *out)
{
	const char *noun = kind == HD_REP ? "rep" : "team";
	char n[32], m[32];
	int total = c->nrows[kind], moved = c->nmoved[kind];
	const char *of = c->team && kind == HD_REP ? " of " : "",
	           *team = c->team && kind == HD_REP ? c->team : "";
	if (!moved) {
		fprintf(out, "no %s moved (%s %s%s%s%s compared)", noun, thousands(total, n), noun,
			total == 1 ? "" : "s", of, team);
		return;
	}
	fprintf(out, "%s of %s %s%s%s%s moved", thousands(moved, m), thousands(total, n), noun,
		total == 1 ? "" : "s", of, team);
	if (c->only_new[kind])
		fprintf(out, "; %d %s%s only on the new side", c->only_new[kind], noun, c->only_new[kind] == 1 ? "" : "s");
	if (c->only_old[kind])
		fprintf(out, "; %d %s%s only on the old side", c->only_old[kind], noun, c->only_old[kind] == 1 ? "" : "s");
	if (c->rise[kind] >= 0)
		one_move(&c->rows[kind][c->rise[kind]], "rise", out);
	if (c->fall[kind] >= 0)
		one_move(&c->rows[kind][c->fall[kind]], "fall", out);
	counts(c, kind, 0, out);
	counts(c, kind, 1, out);
}

/* "attain weight 50 → 60; added score speed (weight 10); removed ..." */
static void rule_changes(const hd_cmp *c, FILE *out)
{
	for (int i = 0; i < c->nrules; i++) {
		const hd_cmp_rule_change *ch = &c->rules[i];
		const hd_cmp_rule *r = ch->new ? ch->new : ch->old;
		const char *team = r->kind == HD_TEAM ? "team " : "";
		fputs(i ? "; " : "", out);
		if (ch->old && ch->new)
			fprintf(out, "%s%s weight %g → %g", team, r->name, ch->old->weight, ch->new->weight);
		else if (r->type == HD_SCORE)
			fprintf(out, "%s %sscore %s (weight %g)", ch->new ? "added" : "removed", team,
				r->name, r->weight);
		else
			fprintf(out, "%s %s%s %s", ch->new ? "added" : "removed", team,
				hd_rule_type_name(r->type), r->name);
	}
}

static void side_line(const hd_cmp *c, const hd_cmp_side *s, const char *label, int md, FILE *out)
{
	fprintf(out, md ? "- **%s**: %s" : "  %s  %s", label, s->what);
	/* Each side's period only when they differ (a run of another period). */
	if (strcmp(c->old->start, c->new->start) || strcmp(c->old->stop, c->new->stop) ||
	    strcmp(c->old->as_of, c->new->as_of))
		fprintf(out, "; %s (%s to %s), as of %s", s->period, s->start, s->stop, s->as_of);
	fputc('\n', out);
}

static void header(const hd_cmp *c, const style *st, int md, FILE *out)
{
	const hd_cmp_side *n = c->new;
	fprintf(out, "%s%shuddle compare %s%s%s (%s to %s, as of %s)%s\n", md ? "# " : "", st->bold,
		n->period, c->team ? " · " : "", c->team ? c->team : "", n->start, n->stop, n->as_of,
		st->reset);
	if (md)
		fputc('\n', out);
	side_line(c, c->old, "old", md, out);
	side_line(c, c->new, "new", md, out);
	/* Against a saved run, whether what moved is the data's doing or the
	 * rules': the hash covers the rule files, rules config and plugins. */
	if (c->old->run_id && !c->new->run_id) {
		int same = !strcmp(c->old->rules_hash, c->new->rules_hash);
		fprintf(out, "%sthe rules and their config %s%s\n", md ? "- " : "  ",
			same ? "are the same as the run's" : "have changed since the run",
			same && c->nmoved[HD_REP] + c->nmoved[HD_TEAM] ? ", so every change below is the data's" : "");
	}
	fputc('\n', out);
	for (int k = HD_REP; k <= HD_TEAM; k++) {
		hd_cmp_summary(c, (hd_kind)k, out);
		fputs(md ? "\n\n" : "\n", out);
	}
	if (c->nrules) {
		fputs(md ? "Rules changed: " : "rules changed: ", out);
		rule_changes(c, out);
		fputs(md ? "\n\n" : "\n", out);
	}
	if (c->old->nerrors || c->new->nerrors)
		fprintf(out,
			"%srule errors: %d with the old rules, %d with the new (listed at the end)%s\n%s",
			st->red, c->old->nerrors, c->new->nerrors, st->reset, md ? "\n" : "");
	if (!md)
		fputc('\n', out);
}

/* One subject's details ----------------------------------------------- */

static void value_text(const hd_cmp_comp *k, char buf[32])
{
	if (k->has_value)
		snprintf(buf, 32, "%.3f", k->value);
	else
		snprintf(buf, 32, "none");
}

/* "value 0.500 → 0.800, weight 50 → 60" and the like. */
static void moved_text(const hd_cmp_moved *m, char *buf, size_t n)
{
	char vo[32], vn[32];
	if (!m->old) {
		value_text(m->new, vn);
		snprintf(buf, n, "added: value %s, weight %g", vn, m->new->weight);
		return;
	}
	if (!m->new) {
		value_text(m->old, vo);
		snprintf(buf, n, "removed: was value %s, weight %g", vo, m->old->weight);
		return;
	}
	value_text(m->old, vo);
	value_text(m->new, vn);
	int len =
	    strcmp(vo, vn) ? snprintf(buf, n, "value %s → %s", vo, vn) : snprintf(buf, n, "value %s", vo);
	if (m->old->weight != m->new->weight)
		snprintf(buf + len, n - (size_t)len, ", weight %g → %g", m->old->weight, m->new->weight);
	else
		snprintf(buf + len, n - (size_t)len, ", weight %g", m->new->weight);
}

static void table_details(const hd_cmp_row *r, const style *st, FILE *out)
{
	char what[256], d[32];
	for (int i = 0; i < r->nmoved; i++) {
		const hd_cmp_moved *m = &r->moved[i];
		moved_text(m, what, sizeof what);
		fputs("      ", out);
		pad(out, m->rule, 20);
		fputc(' ', out);
		pad(out, what, 44);
		const char *col = m->change > 0 ? st->green : m->change < 0 ? st->red : "";
		fprintf(out, " %s%8s pts%s\n", col, change_text(m->change, d), st->reset);
	}
	if (fabs(r->reweighted) >= 0.005) {
		fputs("      ", out);
		pad(out, "other components", 20);
		fputc(' ', out);
		pad(out, "re-weighted", 44);
		fprintf(out, " %8s pts\n", change_text(r->reweighted, d));
	}
	for (int i = 0; i < r->nrecs_gained; i++)
		fprintf(out, "      %s+ recognition %s%s: %s\n", st->green, r->recs_gained[i]->rule,
			st->reset, r->recs_gained[i]->text);
	for (int i = 0; i < r->nrecs_lost; i++)
		fprintf(out, "      %s- recognition %s%s (was: %s)\n", st->red, r->recs_lost[i]->rule,
			st->reset, r->recs_lost[i]->text);
	for (int i = 0; i < r->ncoach_gained; i++)
		fprintf(out, "      %s+ coaching %s (%s)%s: %s\n", st->yellow, r->coach_gained[i]->rule,
			r->coach_gained[i]->severity, st->reset, r->coach_gained[i]->text);
	for (int i = 0; i < r->ncoach_lost; i++)
		fprintf(out, "      %s- coaching %s (%s)%s no longer triggered\n", st->dim,
			r->coach_lost[i]->rule, r->coach_lost[i]->severity, st->reset);
	if (r->errors_changed)
		fprintf(out, "      %srule errors: %d with the old rules, %d with the new%s\n", st->red,
			r->old ? r->old->nerrs : 0, r->new ? r->new->nerrs : 0, st->reset);
	if (!r->old || !r->new)
		fprintf(out, "      %sonly on the %s side: %s%s\n", st->dim, r->old ? "old" : "new",
			r->old ? "not evaluated on the new (inactive, or no longer in the data)"
			       : "not evaluated on the old (new in the data, or active again)",
			st->reset);
}

static void table_rows(const hd_cmp *c, hd_kind kind, int all, const style *st, FILE *out)
{
	const char *title = kind == HD_REP ? "Reps" : "Teams";
	int n = c->nrows[kind], shown = 0;
	fprintf(out, "%s%s%s\n", st->bold, title, st->reset);
	fprintf(out, "%s  %-24s %-14s %-16s %8s  %s%s\n", st->dim, kind == HD_REP ? "rep" : "team",
		kind == HD_REP ? "team" : "members", "score", "change", "rank", st->reset);
	for (int i = 0; i < n; i++) {
		const hd_cmp_row *r = &c->rows[kind][i];
		if (!r->changed && !all)
			continue;
		shown++;
		char so[32], sn[32], d[32], ro[16], rn[16], score[80], rank[64], members[16];
		snprintf(score, sizeof score, "%s → %s", score_text(r->old, so), score_text(r->new, sn));
		snprintf(rank, sizeof rank, "%s → %s", rank_text(r->old, ro), rank_text(r->new, rn));
		if (r->rank_change) {
			size_t len = strlen(rank);
			snprintf(rank + len, sizeof rank - len, " (%+d)", r->rank_change);
		}
		fputs("  ", out);
		pad(out, either(r)->name, 24);
		fputc(' ', out);
		if (kind == HD_REP) {
			pad(out, either(r)->team, 14);
		} else {
			snprintf(members, sizeof members, "%d", either(r)->members);
			pad(out, members, 14);
		}
		fputc(' ', out);
		pad(out, score, 16);
		const char *col = r->score_change > 0 ? st->green : r->score_change < 0 ? st->red : "";
		fprintf(out, " %s%s%8s%s  %s\n", st->bold, col,
			r->has_change ? change_text(r->score_change, d) : "-", st->reset, rank);
		table_details(r, st, out);
	}
	if (!shown)
		fprintf(out, "  (no %s moved)\n", kind == HD_REP ? "rep" : "team");
	if (shown < n)
		fprintf(out, "  %s(%d unchanged %s%s not shown; --all lists them)%s\n", st->dim, n - shown,
			kind == HD_REP ? "rep" : "team", n - shown == 1 ? "" : "s", st->reset);
	fputc('\n', out);
}

/* Every rule error of both sides, for the subjects shown. */
static void errors(const hd_cmp *c, int md, const style *st, FILE *out)
{
	if (!c->old->nerrors && !c->new->nerrors)
		return;
	fprintf(out, md ? "## Rule errors\n\n" : "%sRule errors%s\n", st->bold, st->reset);
	for (int s = 0; s < 2; s++) {
		for (int k = HD_TEAM; k >= HD_REP; k--) {
			for (int i = 0; i < c->nrows[k]; i++) {
				const hd_cmp_card *card = s ? c->rows[k][i].new : c->rows[k][i].old;
				for (int e = 0; card && e < card->nerrs; e++) {
					const hd_cmp_item *it = &card->errs[e];
					if (md)
						fprintf(out, "- %s rules: `%s` %s for %s: %s\n",
							s ? "new" : "old", it->where, it->rule, card->name,
							it->text);
					else
						fprintf(out, "  %s rules: %s%s%s: %s for %s: %s\n",
							s ? "new" : "old", st->red, it->where, st->reset,
							it->rule, card->name, it->text);
				}
			}
		}
	}
	fputc('\n', out);
}

static void table(const hd_cmp *c, int all, int color, FILE *out)
{
	const style *st = color ? &ansi : &plain;
	header(c, st, 0, out);
	table_rows(c, HD_TEAM, all, st, out);
	table_rows(c, HD_REP, all, st, out);
	errors(c, 0, st, out);
}

/* Markdown ------------------------------------------------------------ */

static void md_details(const hd_cmp_row *r, FILE *out)
{
	char what[256], d[32];
	int any = 0;
	for (int i = 0; i < r->nmoved; i++, any++) {
		moved_text(&r->moved[i], what, sizeof what);
		fprintf(out, "%s%s: %s, %s pts", any ? "; " : "", r->moved[i].rule, what,
			change_text(r->moved[i].change, d));
	}
	if (fabs(r->reweighted) >= 0.005 && ++any)
		fprintf(out, "; other components re-weighted, %s pts", change_text(r->reweighted, d));
	for (int i = 0; i < r->nrecs_gained; i++)
		fprintf(out, "%s+ %s", any++ ? "; " : "", r->recs_gained[i]->rule);
	for (int i = 0; i < r->nrecs_lost; i++)
		fprintf(out, "%s- %s", any++ ? "; " : "", r->recs_lost[i]->rule);
	for (int i = 0; i < r->ncoach_gained; i++)
		fprintf(out, "%s+ %s (coaching)", any++ ? "; " : "", r->coach_gained[i]->rule);
	for (int i = 0; i < r->ncoach_lost; i++)
		fprintf(out, "%s- %s (coaching)", any++ ? "; " : "", r->coach_lost[i]->rule);
	if (r->errors_changed)
		fprintf(out, "%srule errors %d → %d", any++ ? "; " : "", r->old ? r->old->nerrs : 0,
			r->new ? r->new->nerrs : 0);
	if (!r->old || !r->new)
		fprintf(out, "%sonly on the %s side", any++ ? "; " : "", r->old ? "old" : "new");
}

static void md_rows(const hd_cmp *c, hd_kind kind, int all, FILE *out)
{
	int rep = kind == HD_REP, shown = 0;
	fprintf(out,
		"## %s\n\n| %s | %s | old score | new score | change | old rank | new rank | places | what "
		"changed |\n"
		"|---|%s|---:|---:|---:|---:|---:|---:|---|\n",
		rep ? "Reps" : "Teams", rep ? "rep" : "team", rep ? "team" : "members", rep ? "---" : "---:");
	for (int i = 0; i < c->nrows[kind]; i++) {
		const hd_cmp_row *r = &c->rows[kind][i];
		if (!r->changed && !all)
			continue;
		shown++;
		char so[32], sn[32], d[32], ro[16], rn[16];
		fputs("| ", out);
		md_text(out, either(r)->name);
		fputs(" | ", out);
		if (rep)
			md_text(out, either(r)->team);
		else
			fprintf(out, "%d", either(r)->members);
		fprintf(out, " | %s | %s | %s | %s | %s | ", score_text(r->old, so), score_text(r->new, sn),
			r->has_change ? change_text(r->score_change, d) : "-", rank_text(r->old, ro),
			rank_text(r->new, rn));
		if (r->rank_change)
			fprintf(out, "%+d", r->rank_change);
		fputs(" | ", out);
		md_details(r, out);
		fputs(" |\n", out);
	}
	if (c->nrows[kind] > shown)
		fprintf(out, "\n%d unchanged %s%s not shown.\n", c->nrows[kind] - shown, rep ? "rep" : "team",
			c->nrows[kind] - shown == 1 ? "" : "s");
	fputc('\n', out);
}

static void markdown(const hd_cmp *c, int all, FILE *out)
{
	header(c, &plain, 1, out);
	md_rows(c, HD_TEAM, all, out);
	md_rows(c, HD_REP, all, out);
	errors(c, 1, &plain, out);
}

static const char *const formats[] = { "table", "json", "csv", "markdown" };

int hd_cmp_format_known(const char *format)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(format, formats[i]))
			return 1;
	return 0;
}

void hd_cmp_report(const hd_cmp *c, const char *format, int all, int color, FILE *out)
{
	if (!strcmp(format, "json"))
		hd_cmp_json(c, all, out);
	else if (!strcmp(format, "csv"))
		hd_cmp_csv(c, all, out);
	else if (!strcmp(format, "markdown"))
		markdown(c, all, out);
	else
		table(c, all, color, out);
}
