/* backtest_report.c - a backtest as a table (terminal), markdown, JSON
 * and CSV.
 *
 * The table and markdown show the same sections in the same order:
 * the periods, recognition per policy (reps, then teams), the reps
 * nobody recognised, coaching per trigger, then the warnings. */
#include <math.h>
#include <string.h>

#include "backtest.h"
#include "csvw.h"
#include "jsonw.h"

#define NEVER_SHOWN 20	 /* never-recognised reps named in the table */
#define TOP_SHOWN 3	 /* subjects named per trigger in the table */
#define COLUMNS_MAX 6	 /* periods shown as columns; more as a sparkline */
#define SPARK_MAX 52	 /* sparkline characters; more periods are summed into them */

typedef struct style {
	const char *bold, *dim, *yellow, *reset;
} style;

static const style plain = { "", "", "", "" };
static const style ansi = { "\033[1m", "\033[2m", "\033[33m", "\033[0m" };

typedef struct out {
	const hd_backtest *bt;
	const style *st;
	int md;
	FILE *f;
	int col;     /* cells written in the current row */
	int pending; /* padding owed by a left-aligned cell, if another follows */
} out;

/* Display width of UTF-8 text: code points, not bytes. */
static int width(const char *s)
{
	int w = 0;
	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* A cell: left- or right-aligned in the table, a column in markdown.
 * Table cells are one space apart, with no blanks after the last. */
static void cell(out *o, const char *s, int w, int right)
{
	if (o->md) {
		fprintf(o->f, "| %s ", s);
		return;
	}
	int pad = w - width(s);
	pad = pad > 0 ? pad : 0;
	if (o->col++)
		fprintf(o->f, "%*s", o->pending + 1, "");
	o->pending = right ? 0 : pad;
	if (right)
		fprintf(o->f, "%*s", pad, "");
	fputs(s, o->f);
}

static void row_start(out *o)
{
	o->col = 0;
	o->pending = 0;
	if (!o->md)
		fputs("  ", o->f);
}

static void row_end(const out *o)
{
	fputs(o->md ? "|\n" : "\n", o->f);
}

/* The markdown separator under a header of n columns; right[i] aligns. */
static void md_rule(const out *o, const int *right, int n)
{
	if (!o->md)
		return;
	for (int i = 0; i < n; i++)
		fputs(right[i] ? "|---:" : "|---", o->f);
	fputs("|\n", o->f);
}

static void section(const out *o, const char *title)
{
	if (o->md)
		fprintf(o->f, "## %s\n\n", title);
	else
		fprintf(o->f, "%s%s%s\n", o->st->bold, title, o->st->reset);
}

static void header_style(const out *o, int on)
{
	if (!o->md)
		fputs(on ? o->st->dim : o->st->reset, o->f);
}

static void fmt_num(char *buf, size_t n, const char *f, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, f, v);
}

static void title(const out *o)
{
	const hd_backtest *bt = o->bt;
	const hd_bt_period *a = &bt->periods[0], *z = &bt->periods[bt->nperiods - 1];
	fprintf(o->f, "%s%shuddle backtest %s..%s%s: %d %s, %s to %s (nothing saved)\n", o->md ? "# " : "",
		o->st->bold, a->period.label, z->period.label, o->st->reset, bt->nperiods,
		hd_backtest_kind_name(a->period.kind, bt->nperiods != 1), a->start, z->stop);
	if (bt->team)
		fprintf(o->f, "%sOnly team %s and its members.\n", o->md ? "\n" : "", bt->team);
	fputc('\n', o->f);
}

static void periods(out *o)
{
	const hd_backtest *bt = o->bt;
	static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	section(o, "Periods");
	header_style(o, 1);
	row_start(o);
	cell(o, "period", 9, 0);
	cell(o, "as of", 10, 0);
	cell(o, "reps", 6, 1);
	cell(o, "teams", 5, 1);
	cell(o, "mean score", 10, 1);
	cell(o, "recognitions", 12, 1);
	cell(o, "coaching", 8, 1);
	cell(o, "rule errors", 11, 1);
	header_style(o, 0);
	row_end(o);
	md_rule(o, right, 8);
	for (int i = 0; i < bt->nperiods; i++) {
		const hd_bt_period *p = &bt->periods[i];
		char b[6][32];
		snprintf(b[0], sizeof b[0], "%d", p->reps);
		snprintf(b[1], sizeof b[1], "%d", p->teams);
		fmt_num(b[2], sizeof b[2], "%.1f", p->mean_score);
		snprintf(b[3], sizeof b[3], "%d", p->recognitions);
		snprintf(b[4], sizeof b[4], "%d", p->coaching);
		snprintf(b[5], sizeof b[5], "%d", p->errors);
		row_start(o);
		cell(o, p->period.label, 9, 0);
		cell(o, p->as_of, 10, 0);
		cell(o, b[0], 6, 1);
		cell(o, b[1], 5, 1);
		cell(o, b[2], 10, 1);
		cell(o, b[3], 12, 1);
		cell(o, b[4], 8, 1);
		cell(o, b[5], 11, 1);
		row_end(o);
	}
	fputc('\n', o->f);
}

/* Per-period counts as a sparkline, periods summed into at most
 * SPARK_MAX characters; '·' where nothing fired. */
static void sparkline(const hd_backtest *bt, const int *counts, char *buf, size_t n)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int cols = bt->nperiods < SPARK_MAX ? bt->nperiods : SPARK_MAX;
	int sums[SPARK_MAX] = { 0 }, max = 0;
	for (int i = 0; i < bt->nperiods; i++)
		sums[(long)i * cols / bt->nperiods] += counts[i];
	for (int c = 0; c < cols; c++)
		max = sums[c] > max ? sums[c] : max;
	size_t used = 0;
	buf[0] = 0;
	for (int c = 0; c < cols; c++) {
		const char *s = !sums[c] ? "·" : bars[(sums[c] * 8 - 1) / max];
		if (used + strlen(s) + 1 > n)
			break;
		strcpy(buf + used, s);
		used += strlen(s);
	}
}

static int name_width(const hd_backtest *bt, int from, int to, const char *head)
{
	int w = width(head);
	for (int i = from; i < to; i++) {
		int n = width(bt->rules[i].rule->name);
		w = n > w ? n : w;
	}
	return w;
}

/* The per-period part of a row: a column per period, or a sparkline. */
static void period_cells(out *o, const int *counts, int head)
{
	const hd_backtest *bt = o->bt;
	if (bt->nperiods <= COLUMNS_MAX) {
		for (int p = 0; p < bt->nperiods; p++) {
			char b[32];
			snprintf(b, sizeof b, "%d", counts ? counts[p] : 0);
			int w = width(bt->periods[p].period.label);
			cell(o, head ? bt->periods[p].period.label : b, w, 1);
		}
		return;
	}
	char line[SPARK_MAX * 4 + 1];
	if (head)
		snprintf(line, sizeof line, "per %s", hd_backtest_kind_name(bt->periods[0].period.kind, 0));
	else
		sparkline(bt, counts, line, sizeof line);
	int w = bt->nperiods < SPARK_MAX ? bt->nperiods : SPARK_MAX;
	cell(o, line, w < 10 ? 10 : w, 0);
}

static int period_columns(const hd_backtest *bt)
{
	return bt->nperiods <= COLUMNS_MAX ? bt->nperiods : 1;
}

static void recognition(out *o, hd_kind kind)
{
	const hd_backtest *bt = o->bt;
	int any = 0;
	for (int i = 0; i < bt->nrecs; i++)
		any |= bt->rules[i].rule->kind == kind;
	if (!any)
		return;
	section(o, kind == HD_REP ? "Recognition of reps" : "Recognition of teams");
	int nw = name_width(bt, 0, bt->nrecs, "policy");
	int right[8 + COLUMNS_MAX] = { 0, 1, 1, 1, 1 };
	for (int i = 5; i < 5 + period_columns(bt); i++)
		right[i] = bt->nperiods <= COLUMNS_MAX;
	header_style(o, 1);
	row_start(o);
	cell(o, "policy", nw, 0);
	cell(o, "total", 6, 1);
	cell(o, "reached", 9, 1);
	cell(o, "top 10%", 7, 1);
	cell(o, "gini", 5, 1);
	period_cells(o, NULL, 1);
	header_style(o, 0);
	row_end(o);
	md_rule(o, right, 5 + period_columns(bt));
	for (int i = 0; i < bt->nrecs; i++) {
		const hd_bt_rule *r = &bt->rules[i];
		if (r->rule->kind != kind)
			continue;
		char total[16], reached[40], share[16], gini[16];
		snprintf(total, sizeof total, "%d", r->total);
		snprintf(reached, sizeof reached, "%d of %d", r->reached, bt->nsubj[kind]);
		fmt_num(share, sizeof share, "%.0f%%", r->top_share * 100);
		fmt_num(gini, sizeof gini, "%.2f", r->gini);
		row_start(o);
		if (!o->md && r->warnings)
			fprintf(o->f, "%s", o->st->yellow);
		cell(o, r->rule->name, nw, 0);
		if (!o->md && r->warnings)
			fprintf(o->f, "%s", o->st->reset);
		cell(o, total, 6, 1);
		cell(o, reached, 9, 1);
		cell(o, share, 7, 1);
		cell(o, gini, 5, 1);
		period_cells(o, r->per_period, 0);
		row_end(o);
	}
	fputc('\n', o->f);
}

static void never(const out *o)
{
	const hd_backtest *bt = o->bt;
	char head[128];
	snprintf(head, sizeof head, "Never recognised: %d of %d reps", bt->nnever, bt->nsubj[HD_REP]);
	section(o, head);
	if (!bt->nnever) {
		fputs(o->md ? "Every rep was recognised at least once.\n\n"
		            : "  (every rep was recognised at least once)\n\n",
		      o->f);
		return;
	}
	/* Names run on in lines of about 100 columns. */
	int shown = bt->nnever < NEVER_SHOWN ? bt->nnever : NEVER_SHOWN, col = 0;
	for (int i = 0; i < shown; i++) {
		const hd_bt_subject *s = &bt->subj[HD_REP][bt->never[i]];
		char name[512];
		snprintf(name, sizeof name, "%s (%s)%s", s->name, s->team ? s->team : "",
			 i + 1 < shown || shown < bt->nnever ? "," : "");
		int w = width(name);
		if (col && col + 1 + w > 100) {
			fputc('\n', o->f);
			col = 0;
		}
		fprintf(o->f, "%s%s", col ? " " : o->md ? "" : "  ", name);
		col += (col ? 1 : 2) + w;
	}
	if (shown < bt->nnever)
		fprintf(o->f, "%sand %d more (--format json lists them all)",
			col + 44 <= 100 ? " " : o->md ? "\n" : "\n  ", bt->nnever - shown);
	fputs("\n\n", o->f);
}

static void coaching(out *o, hd_kind kind)
{
	const hd_backtest *bt = o->bt;
	int any = 0;
	for (int i = bt->nrecs; i < bt->nrules; i++)
		any |= bt->rules[i].rule->kind == kind;
	if (!any)
		return;
	section(o, kind == HD_REP ? "Coaching triggers for reps" : "Coaching triggers for teams");
	int nw = name_width(bt, bt->nrecs, bt->nrules, "trigger");
	int right[8 + COLUMNS_MAX] = { 0, 0, 1, 1 };
	int np = period_columns(bt);
	for (int i = 4; i < 4 + np; i++)
		right[i] = bt->nperiods <= COLUMNS_MAX;
	header_style(o, 1);
	row_start(o);
	cell(o, "trigger", nw, 0);
	cell(o, "severity", 8, 0);
	cell(o, "total", 6, 1);
	cell(o, "reached", 9, 1);
	period_cells(o, NULL, 1);
	cell(o, "most often", 0, 0);
	header_style(o, 0);
	row_end(o);
	md_rule(o, right, 5 + np);
	for (int i = bt->nrecs; i < bt->nrules; i++) {
		const hd_bt_rule *r = &bt->rules[i];
		if (r->rule->kind != kind)
			continue;
		char total[16], reached[40], most[512] = "";
		snprintf(total, sizeof total, "%d", r->total);
		snprintf(reached, sizeof reached, "%d of %d", r->reached, bt->nsubj[kind]);
		for (int k = 0; k < r->ntop && k < TOP_SHOWN; k++) {
			size_t n = strlen(most);
			snprintf(most + n, sizeof most - n, "%s%s %d", k ? ", " : "",
				 bt->subj[kind][r->top[k]].name, r->per_subject[r->top[k]]);
		}
		if (!r->ntop)
			snprintf(most, sizeof most, "-");
		row_start(o);
		cell(o, r->rule->name, nw, 0);
		cell(o, r->rule->severity, 8, 0);
		cell(o, total, 6, 1);
		cell(o, reached, 9, 1);
		period_cells(o, r->per_period, 0);
		cell(o, most, 0, 0);
		row_end(o);
	}
	fputc('\n', o->f);
}

static void warnings(const out *o)
{
	const hd_backtest *bt = o->bt;
	section(o, "Warnings");
	int n = 0;
	for (int i = 0; i < bt->nrecs; i++) {
		for (unsigned k = HD_BT_NOBODY; k <= HD_BT_ACTIVITY; k <<= 1) {
			if (!(bt->rules[i].warnings & k))
				continue;
			char msg[1024];
			hd_backtest_warning(bt, &bt->rules[i], k, msg, sizeof msg);
			if (o->md)
				fprintf(o->f, "- %s\n", msg);
			else
				fprintf(o->f, "  %s!%s %s\n", o->st->yellow, o->st->reset, msg);
			n++;
		}
	}
	if (!n)
		fputs(o->md ? "None.\n" : "  (none)\n", o->f);
	int errors = 0;
	for (int i = 0; i < bt->nperiods; i++)
		errors += bt->periods[i].errors;
	if (errors)
		fprintf(o->f,
		        "%s%d rule error%s over the range: 'huddle eval --period P --no-save' shows them\n",
		        o->md ? "\n" : "  ", errors, errors == 1 ? "" : "s");
}

void hd_backtest_table(const hd_backtest *bt, int color, int md, FILE *f)
{
	out o = { bt, color && !md ? &ansi : &plain, md, f, 0, 0 };
	title(&o);
	periods(&o);
	recognition(&o, HD_REP);
	recognition(&o, HD_TEAM);
	never(&o);
	coaching(&o, HD_REP);
	coaching(&o, HD_TEAM);
	warnings(&o);
}

/* JSON ------------------------------------------------------------------ */

static void json_counts(hd_jsonw *w, const char *key, const int *v, int n)
{
	hd_jsonw_key(w, key);
	hd_jsonw_array(w);
	for (int i = 0; i < n; i++)
		hd_jsonw_int(w, v[i]);
	hd_jsonw_end(w, ']');
}

static void json_subject(hd_jsonw *w, const hd_bt_subject *s, int count)
{
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, s->id);
	hd_jsonw_key(w, "name");
	hd_jsonw_string(w, s->name);
	if (s->team) {
		hd_jsonw_key(w, "team");
		hd_jsonw_string(w, s->team);
	}
	if (count >= 0) {
		hd_jsonw_key(w, "count");
		hd_jsonw_int(w, count);
	}
	hd_jsonw_end(w, '}');
}

static void json_rule(hd_jsonw *w, const hd_backtest *bt, const hd_bt_rule *r, int rec)
{
	hd_kind kind = r->rule->kind;
	hd_jsonw_object(w);
	hd_jsonw_key(w, rec ? "policy" : "trigger");
	hd_jsonw_string(w, r->rule->name);
	hd_jsonw_key(w, "subject");
	hd_jsonw_string(w, kind == HD_REP ? "rep" : "team");
	if (!rec) {
		hd_jsonw_key(w, "severity");
		hd_jsonw_string(w, r->rule->severity);
	}
	hd_jsonw_key(w, "doc");
	hd_jsonw_string(w, r->rule->doc);
	hd_jsonw_key(w, "where");
	hd_jsonw_string(w, r->rule->where);
	hd_jsonw_key(w, "total");
	hd_jsonw_int(w, r->total);
	hd_jsonw_key(w, "reached");
	hd_jsonw_int(w, r->reached);
	hd_jsonw_key(w, "subjects");
	hd_jsonw_int(w, bt->nsubj[kind]);
	if (rec) {
		hd_jsonw_key(w, "top10_share");
		hd_jsonw_number(w, r->top_share);
		hd_jsonw_key(w, "gini");
		hd_jsonw_number(w, r->gini);
	}
	json_counts(w, "per_period", r->per_period, bt->nperiods);
	hd_jsonw_key(w, "errors");
	hd_jsonw_int(w, r->errors);
	hd_jsonw_key(w, "most_often");
	hd_jsonw_array(w);
	for (int k = 0; k < r->ntop; k++)
		json_subject(w, &bt->subj[kind][r->top[k]], r->per_subject[r->top[k]]);
	hd_jsonw_end(w, ']');
	if (rec) {
		hd_jsonw_key(w, "reads");
		hd_jsonw_object(w);
		hd_jsonw_key(w, "metrics");
		hd_jsonw_array(w);
		for (int k = 0; k < r->reads.n; k++)
			hd_jsonw_string(w, r->reads.v[k]);
		hd_jsonw_end(w, ']');
		hd_jsonw_key(w, "activity_only");
		hd_jsonw_bool(w, r->activity_only);
		hd_jsonw_key(w, "not_followed");
		hd_jsonw_string(w, r->why_unknown);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, '}');
}

void hd_backtest_json(const hd_backtest *bt, FILE *f)
{
	static const char *const codes[] = { "reaches_nobody", "reaches_one", "raw_activity_only" };
	hd_jsonw w;
	hd_jsonw_init(&w, f, 1);
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "huddle");
	hd_jsonw_string(&w, HUDDLE_VERSION);
	hd_jsonw_key(&w, "backtest");
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "from");
	hd_jsonw_string(&w, bt->periods[0].period.label);
	hd_jsonw_key(&w, "to");
	hd_jsonw_string(&w, bt->periods[bt->nperiods - 1].period.label);
	hd_jsonw_key(&w, "kind");
	hd_jsonw_string(&w, hd_backtest_kind_name(bt->periods[0].period.kind, 0));
	hd_jsonw_key(&w, "start");
	hd_jsonw_string(&w, bt->periods[0].start);
	hd_jsonw_key(&w, "stop");
	hd_jsonw_string(&w, bt->periods[bt->nperiods - 1].stop);
	hd_jsonw_key(&w, "team");
	hd_jsonw_string(&w, bt->team);
	hd_jsonw_key(&w, "rules_hash");
	hd_jsonw_string(&w, bt->rules_hash);
	hd_jsonw_key(&w, "reps");
	hd_jsonw_int(&w, bt->nsubj[HD_REP]);
	hd_jsonw_key(&w, "teams");
	hd_jsonw_int(&w, bt->nsubj[HD_TEAM]);
	hd_jsonw_end(&w, '}');

	hd_jsonw_key(&w, "periods");
	hd_jsonw_array(&w);
	for (int i = 0; i < bt->nperiods; i++) {
		const hd_bt_period *p = &bt->periods[i];
		hd_jsonw_object(&w);
		hd_jsonw_key(&w, "period");
		hd_jsonw_string(&w, p->period.label);
		hd_jsonw_key(&w, "start");
		hd_jsonw_string(&w, p->start);
		hd_jsonw_key(&w, "stop");
		hd_jsonw_string(&w, p->stop);
		hd_jsonw_key(&w, "as_of");
		hd_jsonw_string(&w, p->as_of);
		hd_jsonw_key(&w, "reps");
		hd_jsonw_int(&w, p->reps);
		hd_jsonw_key(&w, "teams");
		hd_jsonw_int(&w, p->teams);
		hd_jsonw_key(&w, "mean_score");
		hd_jsonw_number(&w, p->mean_score);
		hd_jsonw_key(&w, "recognitions");
		hd_jsonw_int(&w, p->recognitions);
		hd_jsonw_key(&w, "coaching");
		hd_jsonw_int(&w, p->coaching);
		hd_jsonw_key(&w, "rule_errors");
		hd_jsonw_int(&w, p->errors);
		hd_jsonw_end(&w, '}');
	}
	hd_jsonw_end(&w, ']');

	hd_jsonw_key(&w, "recognitions");
	hd_jsonw_array(&w);
	for (int i = 0; i < bt->nrecs; i++)
		json_rule(&w, bt, &bt->rules[i], 1);
	hd_jsonw_end(&w, ']');

	hd_jsonw_key(&w, "never_recognised");
	hd_jsonw_array(&w);
	for (int i = 0; i < bt->nnever; i++)
		json_subject(&w, &bt->subj[HD_REP][bt->never[i]], -1);
	hd_jsonw_end(&w, ']');

	hd_jsonw_key(&w, "coaching");
	hd_jsonw_array(&w);
	for (int i = bt->nrecs; i < bt->nrules; i++)
		json_rule(&w, bt, &bt->rules[i], 0);
	hd_jsonw_end(&w, ']');

	hd_jsonw_key(&w, "warnings");
	hd_jsonw_array(&w);
	for (int i = 0; i < bt->nrecs; i++) {
		for (unsigned k = HD_BT_NOBODY, c = 0; k <= HD_BT_ACTIVITY; k <<= 1, c++) {
			if (!(bt->rules[i].warnings & k))
				continue;
			char msg[1024];
			hd_backtest_warning(bt, &bt->rules[i], k, msg, sizeof msg);
			hd_jsonw_object(&w);
			hd_jsonw_key(&w, "kind");
			hd_jsonw_string(&w, codes[c]);
			hd_jsonw_key(&w, "policy");
			hd_jsonw_string(&w, bt->rules[i].rule->name);
			hd_jsonw_key(&w, "message");
			hd_jsonw_string(&w, msg);
			hd_jsonw_end(&w, '}');
		}
	}
	hd_jsonw_end(&w, ']');
	hd_jsonw_end(&w, '}');
	fputc('\n', f);
}

/* CSV ------------------------------------------------------------------- */

void hd_backtest_csv(const hd_backtest *bt, FILE *f)
{
	fputs("type,name,subject,period,start,stop,as_of,fired,evaluated,errors\r\n", f);
	for (int i = 0; i < bt->nrules; i++) {
		const hd_bt_rule *r = &bt->rules[i];
		for (int p = 0; p < bt->nperiods; p++) {
			const hd_bt_period *q = &bt->periods[p];
			char n[3][16];
			snprintf(n[0], sizeof n[0], "%d", r->per_period[p]);
			snprintf(n[1], sizeof n[1], "%d", r->rule->kind == HD_REP ? q->reps : q->teams);
			snprintf(n[2], sizeof n[2], "%d", r->errors_per_period[p]);
			hd_csv_field(f, i < bt->nrecs ? "recognition" : "coaching", 0);
			hd_csv_field(f, r->rule->name, 0);
			hd_csv_field(f, r->rule->kind == HD_REP ? "rep" : "team", 0);
			hd_csv_field(f, q->period.label, 0);
			hd_csv_field(f, q->start, 0);
			hd_csv_field(f, q->stop, 0);
			hd_csv_field(f, q->as_of, 0);
			hd_csv_field(f, n[0], 0);
			hd_csv_field(f, n[1], 0);
			hd_csv_field(f, n[2], 1);
		}
	}
}
