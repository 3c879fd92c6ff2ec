/*
 * backtest.h - how recognition policies and coaching triggers behave
 * over a range of periods (huddle backtest).
 *
 * Each period's result is folded into running counts and then freed, so
 * a backtest of many periods holds one result at a time: per rule, how
 * often it fired in each period and for which subject; per subject, its
 * name and whether any policy recognised it.  hd_backtest_finish turns
 * the counts into the figures a manager reads (reach, concentration,
 * Gini) and the warnings.
 */
#ifndef HUDDLE_BACKTEST_H
#define HUDDLE_BACKTEST_H

#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "idmap.h"
#include "result.h"

#define HD_BT_MAX_PERIODS 520 /* ten years of weeks */
#define HD_BT_TOP 10	      /* the subjects a trigger fired for most, kept */

/* Warnings about a recognition policy (bits of hd_bt_rule.warnings). */
enum { HD_BT_NOBODY = 1, HD_BT_ONE = 2, HD_BT_ACTIVITY = 4 };

/* A rep or team seen in some period of the range. */
typedef struct hd_bt_subject {
	int64_t id;
	char *name, *team; /* as in the latest period that had it; team NULL for teams */
	int recognised;	   /* times any policy recognised it */
} hd_bt_subject;

/* A recognition policy or a coaching trigger, enabled in the rules. */
typedef struct hd_bt_rule {
	const hd_rule *rule; /* the engine's; it stays open for the whole backtest */
	int *per_period;     /* fired, per period */
	int *errors_per_period;
	int *per_subject; /* fired, per subject of the rule's kind */
	int total, reached, errors;
	double top_share, gini; /* NaN when it never fired */
	int top[HD_BT_TOP];	/* subjects it fired for most, most first */
	int ntop;
	unsigned warnings;
	/* What the rule's `when` reads (backtest_reads.c). */
	int activity_only;
	hd_strv reads;	   /* the metrics it names, in order of appearance */
	char *why_unknown; /* NULL, or why its reads could not be followed */
} hd_bt_rule;

typedef struct hd_bt_period {
	hd_period period;
	char start[11], stop[11], as_of[11];
	int reps, teams, scored;
	double mean_score; /* over reps with a score; NaN when none */
	int recognitions, coaching, errors;
} hd_bt_period;

typedef struct hd_backtest {
	const char *team;	/* --team, or NULL */
	hd_bt_period *periods;	/* the range, filled as they are evaluated */
	int nperiods, done;
	hd_bt_rule *rules; /* recognitions, then triggers, each in definition order */
	int nrules, nrecs;
	const hd_rule *base; /* the engine's rules, and for each the index into rules or -1 */
	int *by_rule;
	hd_bt_subject *subj[2]; /* per hd_kind */
	int nsubj[2], cap[2];
	hd_idmap ids[2];
	int *never; /* reps no policy recognised, by name */
	int nnever;
	char rules_hash[17];
} hd_backtest;

/* Sets bt up for the range (n periods, copied) and the enabled
 * recognitions and triggers of e's rules; team (may be NULL) keeps
 * only that team and its members. */
void hd_backtest_init(hd_backtest *bt, const hd_engine *e, const hd_period *range, int n, const char *team);

/* Folds the result of period number `period` into the counts; the
 * result may be freed afterwards (names are copied). */
void hd_backtest_add(hd_backtest *bt, int period, const hd_result *res);

/* Computes reach, top-10% share, Gini, the never-recognised reps and the
 * warnings, once every period is added; classifies what each policy of
 * e reads (backtest_reads.c). */
void hd_backtest_finish(hd_backtest *bt, hd_engine *e);

void hd_backtest_free(hd_backtest *bt);

/* The Gini coefficient of n counts (0: all equal; towards 1: one has
 * all); NaN when they sum to 0. */
double hd_backtest_gini(const int *counts, int n);

/* For each of the n rules: whether its `when` reads only activity data,
 * and which metrics it names; sets activity_only, reads and why_unknown
 * (backtest_reads.c).  Metric SQL is prepared, never run, on a
 * read-only connection of its own to e's database. */
void hd_backtest_reads(hd_engine *e, hd_bt_rule *rules, int n);

/* "quarter" or "quarters", "month", ... for the kind of period. */
const char *hd_backtest_kind_name(hd_period_kind kind, int plural);

/* The warning of kind (HD_BT_*) about r, in words, into buf. */
void hd_backtest_warning(const hd_backtest *bt, const hd_bt_rule *r, unsigned kind, char *buf, size_t n);

/* The report formats: table (color: ANSI), markdown, json, csv. */
void hd_backtest_table(const hd_backtest *bt, int color, int md, FILE *out);
void hd_backtest_json(const hd_backtest *bt, FILE *out);
void hd_backtest_csv(const hd_backtest *bt, FILE *out);

#endif
