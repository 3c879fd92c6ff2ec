/*
 * charts.c - the inline SVG charts.  Colours come from classes of the
 * style sheet (k0..k9 for components, up/down/flat for change), so the
 * charts follow its dark mode and print rules and stay small: a bar is
 * drawn on a 0..100 view box that CSS stretches to the column's width.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define NCOLOURS 10
#define PI	 3.14159265358979323846

void hr_svg_stack(FILE *f, const hr_model *m, int kind, const hr_part *p, int n, int titles)
{
	/* The track and its grid lines are the svg's CSS background. */
	fputs("<svg class=\"stack\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\">", f);
	double x = 0;
	for (int i = 0; i < n; i++) {
		if (p[i].points < 0.05)
			continue;
		/* A tenth of a point is under a pixel at any width the page has. */
		fprintf(f, "<rect class=\"k%d\" x=\"%.1f\" width=\"%.1f\" height=\"10\"%s>", p[i].legend % NCOLOURS, x,
			p[i].points, titles ? "" : "/");
		if (titles) {
			char pts[32];
			fputs("<title>", f);
			hr_rule_title(f, m->legend[kind][p[i].legend].rule);
			fprintf(f, ": %s points", hr_score(p[i].points, pts));
			if (p[i].why) {
				fputs(" \xE2\x80\x94 ", f);
				hr_text(f, p[i].why);
			}
			fputs("</title></rect>", f);
		}
		x += p[i].points;
	}
	fputs("</svg>", f);
}

void hr_svg_meter(FILE *f, double v, double mark, const char *cls)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	fprintf(f,
		"<svg class=\"meter %s\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
		"<rect class=\"track\" width=\"100\" height=\"8\"/><rect class=\"fill\" width=\"%.2f\" height=\"8\"/>",
		cls, v > 1 ? 100 : 100 * v);
	if (mark >= 0 && mark < 1)
		fprintf(f, "<rect class=\"mark\" x=\"%.2f\" width=\"0.8\" height=\"8\"/>", 100 * mark - 0.4);
	fputs("</svg>", f);
}

void hr_svg_ring(FILE *f, double a, double elapsed)
{
	const double r = 50, c = 2 * PI * r;
	char pct[32];
	if (!isfinite(a) || a < 0)
		a = 0;
	const char *cls = a >= 1 ? "hit" : elapsed < 1 && a >= elapsed ? "pace" : "short";
	fprintf(f, "<svg class=\"ring\" viewBox=\"0 0 140 140\" role=\"img\" aria-label=\"%s of the group target\">",
		hr_percent(a, pct));
	fprintf(f, "<circle class=\"track\" cx=\"70\" cy=\"70\" r=\"%.0f\"/>", r);
	if (a > 0)
		fprintf(f,
			"<circle class=\"arc %s\" cx=\"70\" cy=\"70\" r=\"%.0f\" stroke-dasharray=\"%.2f %.2f\" "
			"transform=\"rotate(-90 70 70)\"/>",
			cls, r, c * (a > 1 ? 1 : a), c);
	/* Beyond the target: a second lap, thinner, over the first. */
	if (a > 1)
		fprintf(f,
			"<circle class=\"arc over\" cx=\"70\" cy=\"70\" r=\"%.0f\" stroke-dasharray=\"%.2f %.2f\" "
			"transform=\"rotate(-90 70 70)\"/>",
			r, c * (a - 1 > 1 ? 1 : a - 1), c);
	/* Where the team would be if it won at an even pace. */
	if (elapsed > 0 && elapsed < 1) {
		double t = 2 * PI * elapsed - PI / 2;
		fprintf(f, "<line class=\"pace-mark\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>",
			70 + (r - 10) * cos(t), 70 + (r - 10) * sin(t), 70 + (r + 10) * cos(t), 70 + (r + 10) * sin(t));
	}
	fprintf(f, "<text class=\"ring-pct\" x=\"70\" y=\"72\">%s</text>", hr_percent(a, pct));
	fputs("<text class=\"ring-sub\" x=\"70\" y=\"92\">of target</text></svg>", f);
}

/* Slope chart ----------------------------------------------------------- */

typedef struct slope_label {
	double want, y; /* where the value is, where the label goes */
	int i;
} slope_label;

static int by_want(const void *a, const void *b)
{
	double x = ((const slope_label *)a)->want, y = ((const slope_label *)b)->want;
	return x < y ? -1 : x > y;
}

/* Moves labels apart to at least `gap`, keeping them within [lo, hi]:
 * down from the top, then back up from the bottom. */
static void spread(slope_label *l, int n, double gap, double lo, double hi)
{
	qsort(l, (size_t)n, sizeof *l, by_want);
	for (int i = 0; i < n; i++) {
		l[i].y = l[i].want;
		if (i && l[i].y < l[i - 1].y + gap)
			l[i].y = l[i - 1].y + gap;
	}
	for (int i = n - 1; i >= 0; i--) {
		double max = i == n - 1 ? hi : l[i + 1].y - gap;
		if (l[i].y > max)
			l[i].y = max;
	}
	for (int i = 0; i < n; i++)
		if (l[i].y < lo)
			l[i].y = lo;
}

void hr_svg_slope(FILE *f, const hr_model *m, int max_teams)
{
	int idx[64], n = 0;
	for (int i = 0; i < m->nteams && n < max_teams && n < 64; i++)
		if (m->teams[i].has_score && m->teams[i].has_prev)
			idx[n++] = i;
	if (n < 2)
		return;
	double lo = 100, hi = 0;
	for (int k = 0; k < n; k++) {
		const hr_team *t = &m->teams[idx[k]];
		lo = fmin(lo, fmin(t->score, t->prev));
		hi = fmax(hi, fmax(t->score, t->prev));
	}
	lo = floor(lo / 5) * 5 - 2.5;
	hi = ceil(hi / 5) * 5 + 2.5;
	const double top = 36, bottom = 36 + 26.0 * (n - 1), x1 = 150, x2 = 310, w = 460;
	double H = bottom + 18;
	slope_label left[64], right[64];
	for (int k = 0; k < n; k++) {
		const hr_team *t = &m->teams[idx[k]];
		left[k] = (slope_label){ bottom - (t->prev - lo) / (hi - lo) * (bottom - top), 0, k };
		right[k] = (slope_label){ bottom - (t->score - lo) / (hi - lo) * (bottom - top), 0, k };
	}
	/* Labels are sorted by value; the lines need them by team. */
	slope_label ls[64], rs[64];
	memcpy(ls, left, sizeof left[0] * (size_t)n);
	memcpy(rs, right, sizeof right[0] * (size_t)n);
	spread(ls, n, 17, top, bottom);
	spread(rs, n, 17, top, bottom);
	double yl[64], yr[64];
	for (int k = 0; k < n; k++) {
		yl[ls[k].i] = ls[k].y;
		yr[rs[k].i] = rs[k].y;
	}
	fprintf(f,
		"<svg class=\"slope\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Team scores, previous period "
		"to this one\">",
		w, H);
	fputs("<text class=\"axis-head\" x=\"150\" y=\"14\" text-anchor=\"middle\">previous period</text>", f);
	fputs("<text class=\"axis-head\" x=\"310\" y=\"14\" text-anchor=\"middle\">", f);
	hr_text(f, m->api->result_period(m->res));
	fputs("</text>", f);
	fprintf(f, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", x1, top - 8, x1,
		bottom + 8);
	fprintf(f, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", x2, top - 8, x2,
		bottom + 8);
	for (int k = 0; k < n; k++) {
		const hr_team *t = &m->teams[idx[k]];
		char a[32], b[32];
		const char *trend = hr_trend(t->score - t->prev);
		fprintf(f, "<g class=\"%s\"><title>", trend);
		hr_text(f, t->name);
		fprintf(f, ": %s \xE2\x86\x92 %s</title>", hr_score(t->prev, a), hr_score(t->score, b));
		fprintf(f, "<line class=\"slope-line\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", x1,
			left[k].want, x2, right[k].want);
		fprintf(f, "<circle cx=\"%.0f\" cy=\"%.1f\" r=\"3.5\"/><circle cx=\"%.0f\" cy=\"%.1f\" r=\"3.5\"/>", x1,
			left[k].want, x2, right[k].want);
		fprintf(f, "<text class=\"lbl\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", x1 - 10, yl[k] + 4);
		hr_text_cut(f, t->name, 16);
		fprintf(f, " <tspan class=\"num\">%s</tspan></text>", a);
		fprintf(f, "<text class=\"lbl\" x=\"%.0f\" y=\"%.1f\"><tspan class=\"num\">%s</tspan> ", x2 + 10, yr[k] + 4,
			b);
		hr_text_cut(f, t->name, 16);
		fputs("</text></g>", f);
	}
	fputs("</svg>", f);
}

void hr_svg_spread(FILE *f, const int bins[10])
{
	int max = 1;
	for (int i = 0; i < 10; i++)
		max = bins[i] > max ? bins[i] : max;
	fputs("<svg class=\"spread\" viewBox=\"0 0 200 64\" role=\"img\" aria-label=\"Reps by score, in steps of ten\">",
	      f);
	for (int i = 0; i < 10; i++) {
		double h = 46.0 * bins[i] / max;
		fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"18\" height=\"%.1f\"><title>%d\xE2\x80\x93%d: %d rep%s</title></rect>",
			i * 20 + 1, 48 - h, h, i * 10, i * 10 + 10, bins[i], bins[i] == 1 ? "" : "s");
	}
	fputs("<line x1=\"0\" y1=\"48.5\" x2=\"200\" y2=\"48.5\"/><text x=\"0\" y=\"62\">0</text>"
	      "<text x=\"100\" y=\"62\" text-anchor=\"middle\">50</text><text x=\"200\" y=\"62\" text-anchor=\"end\">100</text>"
	      "</svg>",
	      f);
}
