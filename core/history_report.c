/* history_report.c - a history as a terminal table with a sparkline, as
 * JSON and as CSV. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jsonw.h"

/* -- changes as text ---------------------------------------------------- */

/* Formats x and y with at least `digits` decimals, and as many more as it
 * takes to tell them apart. */
static void pair(double x, double y, int digits, char *a, char *b, size_t n)
{
	for (int d = digits; d <= 17; d++) {
		snprintf(a, n, "%.*f", d, x);
		snprintf(b, n, "%.*f", d, y);
		if (strcmp(a, b))
			return;
	}
	hd_json_format_number(x, a, n);
	hd_json_format_number(y, b, n);
}

static void from_to(const hd_hist_change *c, int digits, char *a, char *b, size_t n)
{
	pair(c->from, c->to, digits, a, b, n);
	if (!c->has_from)
		snprintf(a, n, "none");
	if (!c->has_to)
		snprintf(b, n, "none");
}

const char *hd_history_change_text(const hd_hist_change *c, char *buf, size_t n)
{
	char a[48], b[48];
	switch (c->what) {
	case HD_CH_SCORE:
		from_to(c, 1, a, b, sizeof a);
		snprintf(buf, n, "score %s → %s", a, b);
		break;
	case HD_CH_RANK:
	case HD_CH_TEAM_RANK:
		from_to(c, 0, a, b, sizeof a);
		snprintf(buf, n, "%s %s → %s", c->what == HD_CH_RANK ? "rank" : "team rank", a, b);
		break;
	case HD_CH_VALUE:
		from_to(c, 2, a, b, sizeof a);
		snprintf(buf, n, "%s %s → %s", c->rule, a, b);
		break;
	case HD_CH_WEIGHT:
		hd_json_format_number(c->from, a, sizeof a);
		hd_json_format_number(c->to, b, sizeof b);
		snprintf(buf, n, "%s weight %s → %s", c->rule, a, b);
		break;
	case HD_CH_ADDED:
		snprintf(buf, n, "+ %s%s", c->rule, c->item == HD_HI_COMPONENT ? " (new)" : "");
		break;
	case HD_CH_REMOVED:
		snprintf(buf, n, "− %s%s", c->rule, c->item == HD_HI_COMPONENT ? " (gone)" : "");
		break;
	}
	return buf;
}

/* Appends printf-style text to buf (of size n), never past its end. */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strlen(buf);
	if (len + 1 >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

/* The group a change is listed in: -1 for score and ranks, else HD_HI_*. */
static int group_of(const hd_hist_change *c)
{
	return c->what >= HD_CH_VALUE ? c->item : -1;
}

void hd_history_summary(const hd_hist_run *r, char *buf, size_t n)
{
	static const char *const groups[HD_HI_KINDS] = { "components: ", "recognitions: ", "coaching: ",
							  "rule errors: " };
	char one[256];
	buf[0] = 0;
	for (int g = -1; g < HD_HI_KINDS; g++) {
		int first = 1;
		for (int i = 0; i < r->nchanges; i++) {
			const hd_hist_change *c = &r->changes[i];
			if (group_of(c) != g)
				continue;
			const char *sep = first || g < 0 ? (buf[0] ? "; " : "") : ", ";
			append(buf, n, "%s%s%s", sep, first && g >= 0 ? groups[g] : "",
			       hd_history_change_text(c, one, sizeof one));
			first = 0;
		}
	}
	if (r->rules_changed)
		append(buf, n, "%srules changed (rules hash differs)", buf[0] ? "; " : "");
	if (r->earlier_as_of)
		append(buf, n, "%sas-of %s → %s", buf[0] ? "; " : "", r->earlier_as_of, r->as_of);
	if (!r->rules_changed && !r->earlier_as_of)
		append(buf, n, "%sdata changed (same rules hash)", buf[0] ? "; " : "");
}

/* -- the terminal table ------------------------------------------------ */

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
	buf[0] = 0;
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		if (!r->has_score)
			append(buf, n, " ");
		else if (hi == lo)
			append(buf, n, "%s", spark_levels[3]);
		else
			append(buf, n, "%s", spark_levels[(int)((r->score - lo) / (hi - lo) * 7 + 0.5)]);
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

/* Names of a run's items of one kind, joined with ", ". */
static void item_names(const hd_hist_run *r, int kind, char *buf, size_t n)
{
	buf[0] = 0;
	for (int i = 0; i < r->nitems[kind]; i++)
		append(buf, n, "%s%s", i ? ", " : "", r->items[kind][i].rule);
}

/* The component rules of the runs shown: the newest run's in its order,
 * then those only older runs had.  Returns how many; *names is malloc'd. */
static int component_names(const hd_history *h, const char ***names)
{
	int n = 0, cap = 0;
	*names = NULL;
	for (int i = h->nruns - 1; i >= 0; i--) {
		const hd_hist_run *r = &h->runs[i];
		for (int k = 0; k < r->nitems[HD_HI_COMPONENT]; k++) {
			const char *rule = r->items[HD_HI_COMPONENT][k].rule;
			int seen = 0;
			for (int j = 0; j < n && !seen; j++)
				seen = !strcmp((*names)[j], rule);
			if (seen)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				*names = hd_xrealloc(*names, sizeof **names * (size_t)cap);
			}
			(*names)[n++] = rule;
		}
	}
	return n;
}

static const hd_hist_item *component(const hd_hist_run *r, const char *rule)
{
	for (int i = 0; i < r->nitems[HD_HI_COMPONENT]; i++)
		if (!strcmp(r->items[HD_HI_COMPONENT][i].rule, rule))
			return &r->items[HD_HI_COMPONENT][i];
	return NULL;
}

/* The weight a component had in the newest run that has it: the header
 * shows it, and a cell shows its own weight only where it differs. */
static double header_weight(const hd_history *h, const char *rule)
{
	for (int i = h->nruns - 1; i >= 0; i--) {
		const hd_hist_item *k = component(&h->runs[i], rule);
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
	const char *head[FIXED] = { "run", "period", "as of", "saved (UTC)", "vs earlier", "score", "rank", "team rank" };
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
			const hd_hist_item *it = component(r, comps[k]);
			buf[0] = 0;
			if (it && it->has_value)
				snprintf(buf, sizeof buf, "%.2f", it->value);
			else if (it)
				snprintf(buf, sizeof buf, "-");
			if (it && it->weight != header_weight(h, comps[k])) {
				char wt[40];
				hd_json_format_number(it->weight, wt, sizeof wt);
				append(buf, sizeof buf, " ×%s", wt);
			}
			grid_set(g, row, FIXED + k, NULL, buf);
		}
		item_names(r, HD_HI_RECOGNITION, buf, sizeof buf);
		grid_set(g, row, rec, st->green, buf);
		item_names(r, HD_HI_COACHING, buf, sizeof buf);
		grid_set(g, row, coach, st->yellow, buf);
		item_names(r, HD_HI_ERROR, buf, sizeof buf);
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
		fprintf(out, "score  %s%s%s  lowest %s, highest %s, latest %s\n\n", st->bold, spark, st->reset, lo,
			hi, last);
	else
		fprintf(out, "score  no run gave a score\n\n");
	free(spark);

	const char **comps;
	int ncomps = component_names(h, &comps);
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
			fprintf(out, "  %srun %lld restates run %lld%s (%s): %s\n", st->yellow, (long long)r->id,
				(long long)r->earlier, st->reset, r->period, line);
		} else {
			fprintf(out, "  %srun %lld repeats run %lld (%s): no number changed%s\n", st->dim,
				(long long)r->id, (long long)r->earlier, r->period, st->reset);
		}
	}
}

static void overview_note(const hd_hist_run *r, char *buf, size_t n)
{
	buf[0] = 0;
	if (!r->earlier)
		return;
	if (!r->restated) {
		snprintf(buf, n, "repeats %lld: no number changed", (long long)r->earlier);
		return;
	}
	snprintf(buf, n, "restates %lld: %d of %d subjects changed; ", (long long)r->earlier, r->changed, r->common);
	if (r->rules_changed)
		append(buf, n, "rules changed (rules hash differs)%s", r->earlier_as_of ? "; " : "");
	if (r->earlier_as_of)
		append(buf, n, "as-of %s → %s", r->earlier_as_of, r->as_of);
	if (!r->rules_changed && !r->earlier_as_of)
		append(buf, n, "data changed (same rules hash)");
}

static void overview_table(const hd_history *h, const char *db_path, const style *st, FILE *out)
{
	if (!h->nruns) {
		fprintf(out, "No saved runs%s%s in %s yet: 'huddle eval' saves one.\n", h->period ? " of " : "",
			h->period ? h->period : "", db_path);
		return;
	}
	fprintf(out, "%sSaved runs%s%s in %s%s: ", st->bold, h->period ? " of " : "", h->period ? h->period : "",
		db_path, st->reset);
	if (h->nruns < h->total)
		fprintf(out, "the newest %d of %d\n\n", h->nruns, h->total);
	else
		fprintf(out, "%d\n\n", h->nruns);
	enum { RUN, PERIOD, AS_OF, SAVED, SCOPE, REPS, TEAMS, ERRORS, STATUS, EARLIER, NCOLS };
	static const char *const head[NCOLS] = { "run",	 "period", "as of",	  "saved (UTC)", "scope",
						 "reps", "teams",  "rule errors", "status",	 "vs earlier" };
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
		snprintf(buf, sizeof buf, "%s%s", r->team_filter ? "team " : "all", r->team_filter ? r->team_filter : "");
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

/* -- JSON ----------------------------------------------------------------- */

static void json_opt_number(hd_jsonw *w, const char *key, int has, double v)
{
	hd_jsonw_key(w, key);
	if (has)
		hd_jsonw_number(w, v);
	else
		hd_jsonw_null(w);
}

static void json_str(hd_jsonw *w, const char *key, const char *v)
{
	hd_jsonw_key(w, key);
	hd_jsonw_string(w, v);
}

static const char *cause(const hd_hist_run *r)
{
	return r->rules_changed ? "rules" : r->earlier_as_of ? "as_of" : "data";
}

static void json_run_head(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, r->id);
	json_str(w, "period", r->period);
	json_str(w, "start", r->start);
	json_str(w, "stop", r->stop);
	json_str(w, "as_of", r->as_of);
	json_str(w, "created_at", r->finished_at);
	json_str(w, "started_at", r->started_at);
	json_str(w, "rules_hash", r->rules_hash);
	json_str(w, "huddle_version", r->version);
	json_str(w, "team_filter", r->team_filter);
	json_str(w, "status", r->status);
	hd_jsonw_key(w, "rule_errors");
	hd_jsonw_int(w, r->rule_errors);
}

static void json_repeats(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_key(w, "repeats");
	if (r->earlier && !r->restated)
		hd_jsonw_int(w, r->earlier);
	else
		hd_jsonw_null(w);
}

static void json_change(hd_jsonw *w, const hd_hist_change *c)
{
	static const char *const fields[] = { "score", "rank", "team_rank", "component.value", "component.weight" };
	static const char *const items[HD_HI_KINDS] = { "component", "recognition", "coaching", "error" };
	char text[256];
	hd_jsonw_object(w);
	if (c->what <= HD_CH_WEIGHT) {
		json_str(w, "field", fields[c->what]);
		if (c->what >= HD_CH_VALUE)
			json_str(w, "rule", c->rule);
		json_opt_number(w, "from", c->has_from, c->from);
		json_opt_number(w, "to", c->has_to, c->to);
	} else {
		json_str(w, "field", items[c->item]);
		json_str(w, "rule", c->rule);
		json_str(w, "change", c->what == HD_CH_ADDED ? "gained" : "lost");
	}
	json_str(w, "text", hd_history_change_text(c, text, sizeof text));
	hd_jsonw_end(w, '}');
}

static void json_items(hd_jsonw *w, const hd_hist_run *r)
{
	static const char *const keys[HD_HI_KINDS] = { "components", "recognitions", "coaching", "errors" };
	for (int k = 0; k < HD_HI_KINDS; k++) {
		hd_jsonw_key(w, keys[k]);
		hd_jsonw_array(w);
		for (int i = 0; i < r->nitems[k]; i++) {
			const hd_hist_item *it = &r->items[k][i];
			hd_jsonw_object(w);
			switch (k) {
			case HD_HI_COMPONENT:
				json_str(w, "rule", it->rule);
				json_opt_number(w, "value", it->has_value, it->value);
				json_opt_number(w, "raw", it->has_value, it->raw);
				json_opt_number(w, "weight", 1, it->weight);
				json_str(w, "why", it->text);
				break;
			case HD_HI_RECOGNITION:
				json_str(w, "policy", it->rule);
				json_str(w, "message", it->text);
				break;
			case HD_HI_COACHING:
				json_str(w, "trigger", it->rule);
				json_str(w, "severity", it->severity);
				json_str(w, "advice", it->text);
				break;
			default:
				json_str(w, "rule", it->rule);
				json_str(w, "where", it->where);
				json_str(w, "message", it->text);
			}
			hd_jsonw_end(w, '}');
		}
		hd_jsonw_end(w, ']');
	}
}

static void json_subject_run(hd_jsonw *w, const hd_history *h, const hd_hist_run *r)
{
	char summary[4096];
	hd_jsonw_object(w);
	json_run_head(w, r);
	json_str(w, "name", r->name);
	if (h->kind == HD_HIST_REP)
		json_str(w, "team", r->team);
	json_opt_number(w, "score", r->has_score, r->score);
	json_opt_number(w, "rank", r->rank != 0, r->rank);
	if (h->kind == HD_HIST_REP)
		json_opt_number(w, "team_rank", r->team_rank != 0, r->team_rank);
	json_items(w, r);
	json_repeats(w, r);
	hd_jsonw_key(w, "restates");
	if (r->restated) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "run");
		hd_jsonw_int(w, r->earlier);
		json_str(w, "cause", cause(r));
		hd_history_summary(r, summary, sizeof summary);
		json_str(w, "summary", summary);
		hd_jsonw_key(w, "changes");
		hd_jsonw_array(w);
		for (int i = 0; i < r->nchanges; i++)
			json_change(w, &r->changes[i]);
		hd_jsonw_end(w, ']');
		hd_jsonw_end(w, '}');
	} else {
		hd_jsonw_null(w);
	}
	hd_jsonw_end(w, '}');
}

static void json_overview_run(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_object(w);
	json_run_head(w, r);
	hd_jsonw_key(w, "reps");
	hd_jsonw_int(w, r->nreps);
	hd_jsonw_key(w, "teams");
	hd_jsonw_int(w, r->nteams);
	json_repeats(w, r);
	hd_jsonw_key(w, "restates");
	if (r->restated) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "run");
		hd_jsonw_int(w, r->earlier);
		json_str(w, "cause", cause(r));
		hd_jsonw_key(w, "subjects_compared");
		hd_jsonw_int(w, r->common);
		hd_jsonw_key(w, "subjects_changed");
		hd_jsonw_int(w, r->changed);
		hd_jsonw_end(w, '}');
	} else {
		hd_jsonw_null(w);
	}
	hd_jsonw_end(w, '}');
}

void hd_history_json(const hd_history *h, FILE *out)
{
	hd_jsonw w;
	hd_jsonw_init(&w, out, 1);
	hd_jsonw_object(&w);
	json_str(&w, "huddle", HUDDLE_VERSION);
	hd_jsonw_key(&w, "subject");
	if (h->kind == HD_HIST_OVERVIEW) {
		hd_jsonw_null(&w);
	} else {
		hd_jsonw_object(&w);
		json_str(&w, "kind", h->kind == HD_HIST_REP ? "rep" : "team");
		hd_jsonw_key(&w, "id");
		hd_jsonw_int(&w, h->id);
		json_str(&w, "name", h->name);
		if (h->kind == HD_HIST_REP)
			json_str(&w, "team", h->team);
		hd_jsonw_end(&w, '}');
	}
	hd_jsonw_key(&w, "saved_runs");
	hd_jsonw_int(&w, h->total);
	hd_jsonw_key(&w, "runs");
	hd_jsonw_array(&w);
	for (int i = 0; i < h->nruns; i++) {
		if (h->kind == HD_HIST_OVERVIEW)
			json_overview_run(&w, &h->runs[i]);
		else
			json_subject_run(&w, h, &h->runs[i]);
	}
	hd_jsonw_end(&w, ']');
	hd_jsonw_end(&w, '}');
}

/* -- CSV (RFC 4180) ------------------------------------------------------- */

static void csv_field(FILE *out, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else if (s) {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void csv_number(FILE *out, int has, double v)
{
	char buf[40] = "";
	if (has)
		hd_json_format_number(v, buf, sizeof buf);
	csv_field(out, buf, 0);
}

static void csv_id(FILE *out, int64_t id, int last)
{
	char buf[32] = "";
	if (id)
		snprintf(buf, sizeof buf, "%lld", (long long)id);
	csv_field(out, buf, last);
}

static void csv_run_head(FILE *out, const hd_hist_run *r)
{
	csv_id(out, r->id, 0);
	csv_field(out, r->period, 0);
	csv_field(out, r->start, 0);
	csv_field(out, r->stop, 0);
	csv_field(out, r->as_of, 0);
	csv_field(out, r->finished_at, 0);
	csv_field(out, r->rules_hash, 0);
	csv_field(out, r->team_filter, 0);
	csv_field(out, r->status, 0);
}

static void csv_subject(const hd_history *h, FILE *out)
{
	const char **comps;
	int ncomps = component_names(h, &comps);
	fputs("run,period,start,stop,as_of,created_at,rules_hash,team_filter,status,name,team,score,rank,team_rank",
	      out);
	for (int k = 0; k < ncomps; k++)
		fprintf(out, ",%s,%s_weight", comps[k], comps[k]);
	fputs(",recognitions,coaching,errors,repeats,restates,changes\r\n", out);
	char buf[4096];
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		csv_run_head(out, r);
		csv_field(out, r->name, 0);
		csv_field(out, h->kind == HD_HIST_REP ? r->team : NULL, 0);
		csv_number(out, r->has_score, r->score);
		csv_number(out, r->rank != 0, r->rank);
		csv_number(out, r->team_rank != 0, r->team_rank);
		for (int k = 0; k < ncomps; k++) {
			const hd_hist_item *it = component(r, comps[k]);
			csv_number(out, it && it->has_value, it ? it->value : 0);
			csv_number(out, it != NULL, it ? it->weight : 0);
		}
		for (int k = HD_HI_RECOGNITION; k < HD_HI_KINDS; k++) {
			buf[0] = 0;
			for (int j = 0; j < r->nitems[k]; j++)
				append(buf, sizeof buf, "%s%s", j ? ";" : "", r->items[k][j].rule);
			csv_field(out, buf, 0);
		}
		csv_id(out, r->restated ? 0 : r->earlier, 0);
		csv_id(out, r->restated ? r->earlier : 0, 0);
		buf[0] = 0;
		if (r->restated)
			hd_history_summary(r, buf, sizeof buf);
		csv_field(out, buf, 1);
	}
	free(comps);
}

static void csv_overview(const hd_history *h, FILE *out)
{
	fputs("run,period,start,stop,as_of,created_at,rules_hash,team_filter,status,started_at,huddle_version,"
	      "rule_errors,reps,teams,repeats,restates,subjects_changed\r\n",
	      out);
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		csv_run_head(out, r);
		csv_field(out, r->started_at, 0);
		csv_field(out, r->version, 0);
		csv_number(out, 1, r->rule_errors);
		csv_number(out, 1, r->nreps);
		csv_number(out, 1, r->nteams);
		csv_id(out, r->restated ? 0 : r->earlier, 0);
		csv_id(out, r->restated ? r->earlier : 0, 0);
		char buf[32] = "";
		if (r->earlier)
			snprintf(buf, sizeof buf, "%d", r->changed);
		csv_field(out, buf, 1);
	}
}

void hd_history_csv(const hd_history *h, FILE *out)
{
	if (h->kind == HD_HIST_OVERVIEW)
		csv_overview(h, out);
	else
		csv_subject(h, out);
}
