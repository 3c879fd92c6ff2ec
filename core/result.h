/*
 * result.h - the scorecards of one evaluation, as reporters, the store
 * and rule tests read them.  Everything lives in the result's arena;
 * rule names point into the engine's rules, so a result is read before
 * its engine is closed.
 */
#ifndef HUDDLE_RESULT_H
#define HUDDLE_RESULT_H

#include <stdint.h>

#include "arena.h"
#include "engine.h"
#include "period.h"
#include "rules.h"

typedef struct hd_component {
	const hd_rule *rule;
	int has_value;
	double value, raw; /* value clamped to [0, 1]; raw as returned */
	const char *why;   /* may be NULL */
} hd_component;

/* A recognition or coaching item. */
typedef struct hd_item {
	const hd_rule *rule;
	const char *text;
} hd_item;

typedef struct hd_rule_error {
	const char *rule, *where, *message;
} hd_rule_error;

/* What explain shows of one rule for one subject. */
typedef struct hd_explained {
	const hd_rule *rule;
	int fired; /* recognitions and triggers */
	int failed;
	hd_read *reads;
	int nreads;
} hd_explained;

typedef struct hd_scorecard {
	hd_kind kind;
	int index; /* into the engine's subjects */
	int64_t id;
	const char *name, *team; /* team: the rep's team name, NULL for teams */
	int team_index;		 /* reps: their team's index; teams: their own */
	int members;		 /* teams */
	int has_score;
	double score;
	int rank, team_rank; /* 0 when the score is null */
	hd_component *comps;
	int ncomps;
	hd_item *recs, *coach;
	int nrecs, ncoach;
	hd_rule_error *errs;
	int nerrs;
	hd_explained *explained; /* only for the traced subject */
	int nexplained;
} hd_scorecard;

/* Where a worker's cards wait to be read (cards.h). */
typedef struct hd_spool hd_spool;

typedef struct hd_result {
	hd_period period;
	char start[11], stop[11], as_of[11];
	char rules_hash[17];
	int64_t run_id; /* 0: not saved */
	char created_at[32];
	/* In subject order.  With a spool (an evaluation by workers) these
	 * are the cards' headers only: subject, score, ranks and the counts
	 * nerrs, nrecs, ncoach; read a whole card with hd_result_card. */
	hd_scorecard *reps, *teams;
	int nreps, nteams;
	int *rep_order, *team_order; /* by rank, then id */
	int nerrors;		     /* rule errors over all subjects */
	hd_arena arena;
	hd_spool *spool; /* NULL: the cards above are whole */
} hd_result;

void hd_result_free(hd_result *r);

/* The whole scorecard of a subject.  From a spool it is decoded into
 * memory the result reuses: valid until the next hd_result_card on the
 * same result.  Read the header (reps[i], teams[i]) to choose. */
const hd_scorecard *hd_result_card(const hd_result *r, hd_kind kind, int index);
/* The same, in memory of a (for cards kept side by side). */
const hd_scorecard *hd_result_card_in(const hd_result *r, hd_kind kind, int index, hd_arena *a);
/* HD_EIO when a card could not be read back (it was given with no
 * items): the caller discards what it made of them. */
int hd_result_check(const hd_result *r, hd_err *err);

/* Scorecard names point into the engine's subjects, which the next
 * hd_engine_prepare replaces: copies them into the result's own arena,
 * so a result outlives the preparation it came from. */
void hd_result_keep_names(hd_result *r);

/* Ranks (1, 2, 2, 4) of n scores, highest first; subjects without a
 * score get rank 0.  ids break ties only in order, never in rank.
 * order receives the indexes sorted by rank then id. */
void hd_rank(const double *score, const int *has, const int64_t *ids, int n, int *rank, int *order);

#endif
