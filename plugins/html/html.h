/*
 * html.h - the html reporter's parts: the model (an evaluation read
 * through the host API into plain arrays, teams with their members), the
 * writers of escaped text and numbers for people, the SVG charts and
 * the page.
 *
 * Everything reaches the page through hr_text / hr_attr, which escape
 * & < > " ' so that no name or message from the data can become markup.
 */
#ifndef HUDDLE_HTML_H
#define HUDDLE_HTML_H

#include <stdint.h>
#include <stdio.h>

#include <huddle/plugin.h>

/* Settings of plugins.html. */
typedef struct hr_settings {
	int top;	   /* reps drawn in each team's leaderboard chart; 0: automatic */
	const char *title; /* the page's heading; NULL: "Team huddle" */
} hr_settings;

/* One component of a rep's or team's score, as drawn. */
typedef struct hr_part {
	int legend;	 /* index into the model's legend of that kind */
	int has_value;
	double value;	 /* 0..1 */
	double weight;
	double points;	 /* contribution to the score: 100 w v / sum of w */
	const char *why; /* may be NULL */
} hr_part;

typedef struct hr_rep {
	const huddle_card *card;
	int64_t id;
	const char *name; /* NULL on an anonymous leaderboard */
	int team;	  /* index into the model's teams, -1 when not shown */
	int has_score, has_prev;
	double score, prev; /* prev: the previous period's score */
	int rank, team_rank, prev_rank;
	int nrecs;
} hr_rep;

typedef struct hr_team {
	const huddle_card *card;
	int64_t id;
	const char *name;
	char *manager; /* from the teams table; may be NULL */
	int has_score, has_prev;
	double score, prev;
	int rank, prev_rank, members;
	int has_target, has_prev_won;
	double target, won, prev_won; /* group target and won amount of the period */
	int *reps;		      /* indexes into the model's reps, by team rank */
	int nreps;
	int nrecs, ncoach;	      /* over the team and its members */
} hr_team;

/* A component rule seen on the scorecards, in rule order. */
typedef struct hr_legend {
	const char *rule;
	double weight;
} hr_legend;

typedef struct hr_model {
	const huddle_api *api;
	const huddle_result *res;
	const hr_settings *set;
	int manager;	  /* audience: the manager sees coaching and errors */
	int anonymous;	  /* some rep has no name */
	int has_prev;	  /* the previous period's scorecards are there */
	double elapsed;	  /* share of the period up to as-of, 0..1 */
	char last_day[11]; /* the period's last day, stop - 1 */
	hr_rep *reps;	  /* in rank order */
	int nreps;
	hr_team *teams;	  /* in rank order */
	int nteams;
	hr_legend *legend[2]; /* [HUDDLE_REP], [HUDDLE_TEAM] */
	int nlegend[2];
	int nrecs, nrecognised, ncoach, ncoach_high, nerrors;
} hr_model;

/* Reads the result into m; 0, or -1 after api->fail. */
int hr_model_build(hr_model *m, huddle_host *h, const huddle_api *api, const huddle_result *res,
		   const hr_settings *set);
void hr_model_free(hr_model *m);
/* The parts of a card's score, in legend order; the caller frees them. */
hr_part *hr_model_parts(hr_model *m, const huddle_card *c, int *n);
/* The label of a rep: its name, or "Rep #rank" when anonymous. */
const char *hr_rep_label(const hr_rep *r, char *buf, size_t n);

/* Writing ------------------------------------------------------------ */

/* s with & < > " ' escaped, for text and attribute values alike. */
void hr_text(FILE *f, const char *s);
/* The first `max` characters of s (UTF-8), with an ellipsis when cut. */
void hr_text_cut(FILE *f, const char *s, int max);
/* A rule name for people: "supporting_cast" -> "Supporting cast". */
void hr_rule_title(FILE *f, const char *rule);

/* Numbers for people, into buf (at least 32 bytes); each returns buf. */
const char *hr_score(double v, char *buf);	/* 84.9 */
const char *hr_delta(double d, char *buf);	/* +3.2, −1.5, ±0.0 */
const char *hr_amount(double v, char *buf);	/* 920, 4,000, 84.5k, 1.23M */
const char *hr_count(long long v, char *buf);	/* 10,000 */
const char *hr_percent(double r, char *buf);	/* 0.842 -> 84%; 0.997 -> 99% */
/* The CSS class of a change: "up", "down" or "flat". */
const char *hr_trend(double d);

/* Charts (SVG) --------------------------------------------------------- */

/* A bar of score parts on a 0..100 scale, coloured by legend index;
 * with `titles`, each part has a tooltip (its rule, points and why). */
void hr_svg_stack(FILE *f, const hr_model *m, int kind, const hr_part *p, int n, int titles);
/* A single bar of v (0..1), with a tick at `mark` (0..1, <0 for none). */
void hr_svg_meter(FILE *f, double v, double mark, const char *cls);
/* The group target ring: attainment a (may exceed 1), the period's
 * elapsed share as a tick. */
void hr_svg_ring(FILE *f, double a, double elapsed);
/* Columns of how many scores fall in each tenth of 0..100. */
void hr_svg_spread(FILE *f, const int bins[10]);
/* Slope chart of the scores of the first max_teams teams (by rank) that
 * have one in both periods, previous period to this one. */
void hr_svg_slope(FILE *f, const hr_model *m, int max_teams);

/* The page ------------------------------------------------------------ */

void hr_page(FILE *f, hr_model *m);
/* The recognition wall (recognition.c) and one team's section (team.c). */
void hr_recognition(FILE *f, const hr_model *m);
void hr_team_section(FILE *f, hr_model *m, const hr_team *t);

/* Pieces the parts share (page.c). */
/* A rep's name, or its anonymous label. */
void hr_rep_name(FILE *f, const hr_rep *r);
/* The change of a score on the previous period ("new" without one), with
 * the previous score and rank in its tooltip; nothing without a score. */
void hr_change(FILE *f, int has, double now, int has_prev, double prev, int prev_rank);
/* 1st, 2nd, 3rd, 4th ... into buf (32 bytes); returns buf. */
const char *hr_ordinal(int n, char *buf);
/* 14 Jul 2026 from 2026-07-14. */
void hr_date(FILE *f, const char *iso);

/* The style sheet, from style.css. */
extern const char hr_style_css[];

#endif
