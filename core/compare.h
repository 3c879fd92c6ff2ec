/*
 * compare.h - what changes between two sets of scorecards of one org:
 * the configured rules against other rules on the same data, or a saved
 * run against the configured rules evaluated now (huddle compare).
 *
 * Each side is a self-contained copy (hd_cmp_side), so the engine and
 * result it came from can be released before the other side is
 * evaluated.  hd_cmp_build then matches subjects by id and keeps, per
 * rep and team, what moved: score, rank, the components whose value or
 * weight changed, recognitions and coaching gained or lost, rule errors.
 */
#ifndef HUDDLE_COMPARE_H
#define HUDDLE_COMPARE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "engine.h"
#include "err.h"
#include "result.h"

typedef struct hd_cmp_comp {
	const char *rule;
	int has_value;
	double value, weight;
	double contribution; /* points of the score: 100 w v / the weights that counted */
} hd_cmp_comp;

/* A recognition, a coaching item (severity set) or a rule error (where set). */
typedef struct hd_cmp_item {
	const char *rule, *text, *severity, *where;
} hd_cmp_item;

typedef struct hd_cmp_card {
	int64_t id;
	const char *name, *team; /* team: the rep's team; NULL for teams */
	int members;             /* teams */
	int has_score;
	double score;
	int rank, team_rank; /* 0: no score (team_rank: reps only) */
	hd_cmp_comp *comps;
	hd_cmp_item *recs, *coach, *errs;
	int ncomps, nrecs, ncoach, nerrs;
} hd_cmp_card;

/* A rule of a side, as far as the side knows its rules: every enabled
 * rule when it was evaluated now, only the scores of a saved run (a run
 * keeps what fired, not what could have). */
typedef struct hd_cmp_rule {
	const char *name;
	hd_rule_type type;
	hd_kind kind;
	double weight;
} hd_cmp_rule;

typedef struct hd_cmp_side {
	const char *what; /* for people: "the configured rules (scripts)", "run 7 ..." */
	int64_t run_id;   /* 0: evaluated now, not saved */
	char period[32], start[11], stop[11], as_of[11], rules_hash[17], saved_at[32];
	hd_cmp_card *reps, *teams; /* by id */
	int nreps, nteams;
	hd_cmp_rule *rules;
	int nrules;
	int all_rules; /* rules lists every rule, not only the scores */
	int nerrors;   /* rule errors over all subjects */
	hd_arena arena;
} hd_cmp_side;

/* Copies res (evaluated by e, still open) into s, described by `what`.
 * s owns everything it holds; release it with hd_cmp_side_free. */
void hd_cmp_side_from_result(hd_cmp_side *s, const hd_engine *e, const hd_result *res, const char *what);

/* Reads saved run `id` into s (compare_run.c).  HD_EUSAGE when the
 * database has no such run (the message says which runs there are);
 * HD_EIO when reading fails.  Free s with hd_cmp_side_free either way. */
int hd_cmp_side_from_run(hd_cmp_side *s, sqlite3 *db, const char *db_path, int64_t id, hd_err *err);

void hd_cmp_side_free(hd_cmp_side *s);

/* Sets each component's contribution from the card's values and
 * weights, as eval computes the score. */
void hd_cmp_contributions(hd_cmp_card *c);

/* A component on either side whose presence, value or weight differs. */
typedef struct hd_cmp_moved {
	const char *rule;
	const hd_cmp_comp *old, *new; /* NULL: the rule is not on that side */
	double change;                /* contribution, in score points */
} hd_cmp_moved;

/* One rep or team, matched by id. */
typedef struct hd_cmp_row {
	const hd_cmp_card *old, *new; /* NULL: not evaluated on that side */
	int changed;                  /* anything at all differs */
	int has_change;               /* both sides have a score */
	double score_change;          /* new - old */
	int rank_change;              /* old rank - new rank: places gained; 0 if either is unranked */
	hd_cmp_moved *moved;
	int nmoved;
	double reweighted; /* contribution change of the components that did not move themselves */
	const hd_cmp_item **recs_gained, **recs_lost, **coach_gained, **coach_lost;
	int nrecs_gained, nrecs_lost, ncoach_gained, ncoach_lost;
	int errors_changed; /* the rules that failed differ */
} hd_cmp_row;

/* Per recognition policy or coaching trigger: subjects that gained it
 * and subjects that lost it. */
typedef struct hd_cmp_count {
	const char *rule;
	hd_kind kind;
	int coaching;
	int gained, lost;
} hd_cmp_count;

/* A rule on one side only, or a score whose weight differs. */
typedef struct hd_cmp_rule_change {
	const hd_cmp_rule *old, *new; /* NULL: not on that side */
} hd_cmp_rule_change;

typedef struct hd_cmp {
	const hd_cmp_side *old, *new;
	const char *team;    /* --team: only this team and its members, or NULL */
	hd_cmp_row *rows[2]; /* per hd_kind, biggest change first */
	int nrows[2], nmoved[2];
	int only_old[2], only_new[2]; /* subjects evaluated on one side only */
	int rise[2], fall[2]; /* index into rows of the largest rise and fall, or -1 */
	hd_cmp_count *counts; /* by the number of subjects it changed for, then name */
	int ncounts;
	hd_cmp_rule_change *rules; /* rules added, removed and re-weighted, by name */
	int nrules;
	hd_arena arena;
} hd_cmp;

/* Compares old with new (both outlive c): matches subjects by id, keeps
 * only team `team` and its members when team is not NULL, and orders the
 * rows by the size of the change: absolute score change (a subject with
 * a score on one side only first), then places moved, then id. */
void hd_cmp_build(hd_cmp *c, const hd_cmp_side *old, const hd_cmp_side *new, const char *team);
void hd_cmp_free(hd_cmp *c);

/* The report of a comparison (report_compare.c): table, markdown, csv
 * or json; `all` also lists the subjects that did not change; `color`
 * adds ANSI colour to the table. */
int hd_cmp_format_known(const char *format);
void hd_cmp_report(const hd_cmp *c, const char *format, int all, int color, FILE *out);

/* The parts of it: the summary sentence of reps or teams
 * ("3 of 36 reps moved; largest rise: ..."), and the two data formats
 * (compare_data.c). */
void hd_cmp_summary(const hd_cmp *c, hd_kind kind, FILE *out);
void hd_cmp_json(const hd_cmp *c, int all, FILE *out);
void hd_cmp_csv(const hd_cmp *c, int all, FILE *out);

#endif
