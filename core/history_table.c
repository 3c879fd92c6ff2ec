/* history_table.c - a history in the terminal: one aligned line per run,
 * a sparkline of the score, and what each restatement changed. */
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jsonw.h"

typedef struct style {
	const char *bold, *dim, *green, *yellow, *red, *reset;
} style;

static const style plain = { "", "", "", "", "", "" };
static const style ansi = { "\033[1m", "\033[2m", "\033[32m", "\033[33m", "\033[31m", "\033[0m" };

/* Display width of UTF-8 text: code points, not bytes. */
static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Rows of cells printed with each column as wide as its widest cell.
 * Cells are copies the grid owns; colour is one of the style's escapes. */
typedef struct grid {
	int ncols, nrows, cap;
	char **text;
	const char **color;
	char *right; /* per column: aligned right */
} grid;

static void grid_init(grid *g, int ncols)
{
	memset(g, 0, sizeof *g);
	g->ncols = ncols;
	g->right = hd_xcalloc((size_t)ncols, 1);
}

static int grid_row(grid *g)
{
	if (g->nrows == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->text = hd_xrealloc(g->text, sizeof *g->text * (size_t)(g->cap * g->ncols));
		g->color = hd_xrealloc(g->color, sizeof *g->color * (size_t)(g->cap * g->ncols));
	}
	for (int c = 0; c < g->ncols; c++) {
		g->text[g->nrows * g->ncols + c] = NULL;
		g->color[g->nrows * g->ncols + c] = NULL;
	}
	return g->nrows++;
}

static void grid_set(grid *g, int row, int col, const char *color, const char *text)
{
	free(g->text[row * g->ncols + col]);
	g->text[row * g->ncols + col] = hd_xstrdup(text);
	g->color[row * g->ncols + col] = color;
}

static void grid_print(const grid *g, const style *st, int header_rows, FILE *out)
{
	int *w = hd_xcalloc((size_t)g->ncols, sizeof *w);
	for (int r = 0; r < g->nrows; r++)
		for (int c = 0; c < g->ncols; c++) {
			const char *t = g->text[r * g->ncols + c];
			if (t && width(t) > w[c])
				w[c] = width(t);
		}
	for (int r = 0; r < g->nrows; r++) {
		/* The last cells that are empty are not padded out. */
		int last = g->ncols - 1;
		while (last > 0 && (!g->text[r * g->ncols + last] || !*g->text[r * g->ncols + last]))
			last--;
		fputs(r < header_rows ? st->dim : "", out);
		for (int c = 0; c <= last; c++) {
			const char *t = g->text[r * g->ncols + c], *col = g->color[r * g->ncols + c];
			int pad = w[c] - (t ? width(t) : 0), right = g->right[c];
			if (!w[c])
				continue;
			fputs(c ? "  " : "", out);
			for (int i = 0; right && i < pad; i++)
				fputc(' ', out);
			if (col && *col && t && *t && r >= header_rows)
				fprintf(out, "%s%s%s", col, t, st->reset);
			else
				fputs(t ? t : "", out);
			for (int i = 0; !right && c < last && i < pad; i++)
				fputc(' ', out);
		}
		fprintf(out, "%s\n", r < header_rows ? st->reset : "");
	}
	free(w);
}

static void grid_free(grid *g)
{
	for (int i = 0; i < g->nrows * g->ncols; i++)
		free(g->text[i]);
	free(g->text);
	free(g->color);
	free(g->right);
}

/* "2026-07-01T09:30:12Z" as "2026-07-01 09:30". */
static void saved_time(const char *ts, char *buf, size_t n)
{
	snprintf(buf, n, "%.16s", ts ? ts : "");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

static const char *const spark_levels[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

/* One bar per run: the lowest score shown is ▁, the highest █, the rest
 * in proportion, rounded to the nearest of the eight levels; all equal
 * is ▄; a run without a score is a gap. */
static void sparkline(const hd_history *h, char *buf, size_t n)
{
	double lo = 0, hi = 0;
	int any = 0;
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		if (!r->has_score)
			continue;
		lo = !any || r->score < lo ? r->score : lo;
		hi = !any || r->score > hi ? r->score : hi;
		any = 1;
	}
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		const char *bar = !r->has_score ? " "
				  : hi == lo	 ? spark_levels[3]
						 : spark_levels[(int)((r->score - lo) / (hi - lo) * 7 + 0.5)];
		size_t k = strlen(bar);
		if (len + k >= n)
			break;
		memcpy(buf + len, bar, k + 1);
		len += k;
	}
}

static void score_text(int has, double v, char *buf, size_t n)
{
	if (has)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "-");
}

static void int_text(int v, char *buf, size_t n)
{
	if (v)
		snprintf(buf, n, "%d", v);
	else
		snprintf(buf, n, "-");
}

/* The weight a component had in the newest run that has it: the header
 * shows it, and a cell shows its own weight only where it differs. */
static double header_weight(const hd_history *h, const char *rule)
{
	for (int i = h->nruns - 1; i >= 0; i--) {
		const hd_hist_item *k = hd_history_item(&h->runs[i], HD_HI_COMPONENT, rule);
		if (k)
			return k->weight;
	}
	return 0;
}

static void earlier_text(const hd_hist_run *r, char *buf, size_t n)
{
	buf[0] = 0;
	if (r->earlier)
		snprintf(buf, n, "%s %lld", r->restated ? "restates" : "repeats", (long long)r->earlier);
}

static void subject_rows(const hd_history *h, const style *st, grid *g, const char **comps, int ncomps)
{
	enum { RUN, PERIOD, AS_OF, SAVED, EARLIER, SCORE, RANK, TEAM_RANK, FIXED };
	int team = h->kind == HD_HIST_TEAM, errors = 0;
	for (int i = 0; i < h->nruns; i++)
		errors |= h->runs[i].nitems[HD_HI_ERROR] > 0;
	int rec = FIXED + ncomps, coach = rec + 1, errs = coach + 1;
	char buf[1024];
	int r0 = grid_row(g), r1 = grid_row(g);
	static const char *const head[FIXED] = { "run",	       "period", "as of", "saved (UTC)",
						 "vs earlier", "score",	 "rank",  "team rank" };
	for (int c = 0; c < FIXED; c++)
		if (c != TEAM_RANK || !team)
			grid_set(g, r0, c, NULL, head[c]);
	for (int k = 0; k < ncomps; k++) {
		grid_set(g, r0, FIXED + k, NULL, comps[k]);
		char wt[40];
		hd_json_format_number(header_weight(h, comps[k]), wt, sizeof wt);
		snprintf(buf, sizeof buf, "×%s", wt);
		grid_set(g, r1, FIXED + k, NULL, buf);
	}
	grid_set(g, r0, rec, NULL, "recognitions");
	grid_set(g, r0, coach, NULL, "coaching");
	if (errors)
		grid_set(g, r0, errs, NULL, "rule errors");
	g->right[RUN] = g->right[SCORE] = g->right[RANK] = g->right[TEAM_RANK] = 1;
	for (int k = 0; k < ncomps; k++)
		g->right[FIXED + k] = 1;
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		int row = grid_row(g);
		snprintf(buf, sizeof buf, "%lld", (long long)r->id);
		grid_set(g, row, RUN, NULL, buf);
		grid_set(g, row, PERIOD, NULL, r->period);
		grid_set(g, row, AS_OF, NULL, r->as_of);
		saved_time(r->finished_at, buf, sizeof buf);
		grid_set(g, row, SAVED, NULL, buf);
		earlier_text(r, buf, sizeof buf);
		grid_set(g, row, EARLIER, r->restated ? st->yellow : st->dim, buf);
		score_text(r->has_score, r->score, buf, sizeof buf);
		grid_set(g, row, SCORE, st->bold, buf);
		int_text(r->rank, buf, sizeof buf);
		grid_set(g, row, RANK, NULL, buf);
		if (!team) {
			int_text(r->team_rank, buf, sizeof buf);
			grid_set(g, row, TEAM_RANK, NULL, buf);
		}
		for (int k = 0; k < ncomps; k++) {
			const hd_hist_item *it = hd_history_item(r, HD_HI_COMPONENT, comps[k]);
			buf[0] = 0;
			if (it && it->has_value)
				snprintf(buf, sizeof buf, "%.2f", it->value);
			else if (it)
				snprintf(buf, sizeof buf, "-");
			if (it && it->weight != header_weight(h, comps[k])) {
				char wt[40];
				hd_json_format_number(it->weight, wt, sizeof wt);
				size_t len = strlen(buf);
				snprintf(buf + len, sizeof buf - len, " ×%s", wt);
			}
			grid_set(g, row, FIXED + k, NULL, buf);
		}
		hd_history_join(r, HD_HI_RECOGNITION, ", ", buf, sizeof buf);
		grid_set(g, row, rec, st->green, buf);
		hd_history_join(r, HD_HI_COACHING, ", ", buf, sizeof buf);
		grid_set(g, row, coach, st->yellow, buf);
		hd_history_join(r, HD_HI_ERROR, ", ", buf, sizeof buf);
		if (errors)
			grid_set(g, row, errs, st->red, buf);
	}
}

static void subject_table(const hd_history *h, const style *st, FILE *out)
{
	const char *what = h->kind == HD_HIST_REP ? "rep" : "team";
	fprintf(out, "%sHistory of %s%s (%s %lld", st->bold, h->name ? h->name : "?", st->reset, what,
		(long long)h->id);
	if (h->team)
		fprintf(out, ", team %s", h->team);
	fprintf(out, ")");
	if (!h->nruns) {
		fprintf(out, ": no saved run%s%s holds this %s yet; 'huddle eval' saves one\n",
			h->period ? " of " : "", h->period ? h->period : "", what);
		return;
	}
	if (h->nruns < h->total)
		fprintf(out, ": the newest %d of %d saved runs", h->nruns, h->total);
	else
		fprintf(out, ": %d saved run%s", h->nruns, h->nruns == 1 ? "" : "s");
	fprintf(out, "%s%s\n\n", h->period ? " of " : "", h->period ? h->period : "");

	char lo[32], hi[32], last[32];
	size_t nspark = 4 * (size_t)h->nruns + 1; /* a level is 3 bytes of UTF-8 */
	char *spark = hd_xmalloc(nspark);
	double min = 0, max = 0;
	int any = 0;
	sparkline(h, spark, nspark);
	for (int i = 0; i < h->nruns; i++)
		if (h->runs[i].has_score) {
			min = !any || h->runs[i].score < min ? h->runs[i].score : min;
			max = !any || h->runs[i].score > max ? h->runs[i].score : max;
			any = 1;
		}
	const hd_hist_run *newest = &h->runs[h->nruns - 1];
	score_text(any, min, lo, sizeof lo);
	score_text(any, max, hi, sizeof hi);
	score_text(newest->has_score, newest->score, last, sizeof last);
	if (any)
		fprintf(out, "score  %s%s%s  lowest %s, highest %s, latest %s\n\n", st->bold, spark,
			st->reset, lo, hi, last);
	else
		fprintf(out, "score  no run gave a score\n\n");
	free(spark);

	const char **comps;
	int ncomps = hd_history_component_names(h, &comps);
	grid g;
	grid_init(&g, 8 + ncomps + 3);
	subject_rows(h, st, &g, comps, ncomps);
	grid_print(&g, st, 2, out);
	grid_free(&g);
	free(comps);

	int notes = 0;
	char line[4096];
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		if (!r->earlier)
			continue;
		if (!notes++)
			fprintf(out, "\n%sRestatements and repeats%s\n", st->bold, st->reset);
		if (r->restated) {
			hd_history_summary(r, line, sizeof line);
			fprintf(out, "  %srun %lld restates run %lld%s (%s): %s\n", st->yellow,
				(long long)r->id, (long long)r->earlier, st->reset, r->period, line);
		} else {
			fprintf(out, "  %srun %lld repeats run %lld (%s): no number changed%s\n", st->dim,
				(long long)r->id, (long long)r->earlier, r->period, st->reset);
		}
	}
}

static void overview_note(const hd_hist_run *r, char *buf, size_t n)
{
	char cause[128];
	buf[0] = 0;
	if (!r->earlier)
		return;
	if (!r->restated) {
		snprintf(buf, n, "repeats %lld: no number changed", (long long)r->earlier);
		return;
	}
	hd_history_cause(r, cause, sizeof cause);
	snprintf(buf, n, "restates %lld: %d of %d subjects changed; %s", (long long)r->earlier, r->changed,
		 r->common, cause);
}

static void overview_table(const hd_history *h, const char *db_path, const style *st, FILE *out)
{
	if (!h->nruns) {
		fprintf(out, "No saved runs%s%s in %s yet: 'huddle eval' saves one.\n",
			h->period ? " of " : "", h->period ? h->period : "", db_path);
		return;
	}
	fprintf(out, "%sSaved runs%s%s in %s%s: ", st->bold, h->period ? " of " : "",
		h->period ? h->period : "", db_path, st->reset);
	if (h->nruns < h->total)
		fprintf(out, "the newest %d of %d\n\n", h->nruns, h->total);
	else
		fprintf(out, "%d\n\n", h->nruns);
	enum { RUN, PERIOD, AS_OF, SAVED, SCOPE, REPS, TEAMS, ERRORS, STATUS, EARLIER, NCOLS };
	static const char *const head[NCOLS] = { "run",	  "period", "as of",  "saved (UTC)",
						 "scope", "reps",   "teams",  "rule errors",
						 "status", "vs earlier" };
	grid g;
	grid_init(&g, NCOLS);
	g.right[RUN] = g.right[REPS] = g.right[TEAMS] = g.right[ERRORS] = 1;
	int row = grid_row(&g);
	for (int c = 0; c < NCOLS; c++)
		grid_set(&g, row, c, NULL, head[c]);
	char buf[1024];
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		row = grid_row(&g);
		snprintf(buf, sizeof buf, "%lld", (long long)r->id);
		grid_set(&g, row, RUN, NULL, buf);
		grid_set(&g, row, PERIOD, NULL, r->period);
		grid_set(&g, row, AS_OF, NULL, r->as_of);
		saved_time(r->finished_at, buf, sizeof buf);
		grid_set(&g, row, SAVED, NULL, buf);
		if (r->team_filter)
			snprintf(buf, sizeof buf, "team %s", r->team_filter);
		else
			snprintf(buf, sizeof buf, "all");
		grid_set(&g, row, SCOPE, NULL, buf);
		snprintf(buf, sizeof buf, "%d", r->nreps);
		grid_set(&g, row, REPS, NULL, buf);
		snprintf(buf, sizeof buf, "%d", r->nteams);
		grid_set(&g, row, TEAMS, NULL, buf);
		snprintf(buf, sizeof buf, "%d", r->rule_errors);
		grid_set(&g, row, ERRORS, r->rule_errors ? st->red : NULL, buf);
		grid_set(&g, row, STATUS, NULL, r->status);
		overview_note(r, buf, sizeof buf);
		grid_set(&g, row, EARLIER, r->restated ? st->yellow : st->dim, buf);
	}
	grid_print(&g, st, 1, out);
	grid_free(&g);
}

void hd_history_table(const hd_history *h, const char *db_path, int color, FILE *out)
{
	const style *st = color ? &ansi : &plain;
	if (h->kind == HD_HIST_OVERVIEW)
		overview_table(h, db_path, st, out);
	else
		subject_table(h, st, out);
}
