/*
 * recognition.c - the recognition wall: the teams' recognitions as
 * ribbons, then one card per policy with the reps who earned it, both in
 * alphabetical order; long lists fold after their first lines.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define RECOG_SHOWN 6 /* messages per policy before folding */

/* A medal for the teams' ribbons. */
static void medal(FILE *f)
{
	fputs("<svg class=\"medal\" viewBox=\"0 0 34 34\" aria-hidden=\"true\">"
	      "<path d=\"M10 2h5l3 9h-5zM24 2h-5l-3 9h5z\" fill=\"#d94f4f\"/>"
	      "<circle cx=\"17\" cy=\"21\" r=\"10\" fill=\"#f2b632\" stroke=\"#c98a09\" stroke-width=\"2\"/>"
	      "<path d=\"M17 15.5l1.7 3.5 3.8.5-2.8 2.6.7 3.8-3.4-1.9-3.4 1.9.7-3.8-2.8-2.6 3.8-.5z\" fill=\"#fff8e1\"/>"
	      "</svg>",
	      f);
}

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
		fprintf(f, " \xC2\xB7 %s in the team", hr_ordinal(r->team_rank, a));
	fputs("</span></li>", f);
}

void hr_recognition(FILE *f, const hr_model *m)
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
		fprintf(f, "<b>%s of %s reps</b> earned recognition this period", hr_count(m->nrecognised, a),
			hr_count(m->nreps, b));
		if (outside)
			fprintf(f, ", <b>%s</b> of them from outside their team's top three", hr_count(outside, c));
		fputs(": the supporting cast counts as much as the stars. Listed alphabetically, because "
		      "recognition is not a ranking.",
		      f);
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
