/* history_text.c - a history's changes, causes and items as people read
 * them, shared by every format. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jsonw.h"

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

void hd_history_cause(const hd_hist_run *r, char *buf, size_t n)
{
	buf[0] = 0;
	if (r->rules_changed)
		append(buf, n, "rules changed (rules hash differs)");
	if (r->earlier_as_of)
		append(buf, n, "%sas-of %s → %s", buf[0] ? "; " : "", r->earlier_as_of, r->as_of);
	if (!r->rules_changed && !r->earlier_as_of)
		append(buf, n, "data changed (same rules hash)");
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
	char cause[128];
	hd_history_cause(r, cause, sizeof cause);
	append(buf, n, "%s%s", buf[0] ? "; " : "", cause);
}

void hd_history_join(const hd_hist_run *r, int kind, const char *sep, char *buf, size_t n)
{
	buf[0] = 0;
	for (int i = 0; i < r->nitems[kind]; i++)
		append(buf, n, "%s%s", i ? sep : "", r->items[kind][i].rule);
}

int hd_history_component_names(const hd_history *h, const char ***names)
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
