/*
 * history.h - reading saved runs back (SPEC sections 3 and 7): one rep's
 * or one team's scorecards across runs, or an overview of the runs, and
 * where a later run of a period restated an earlier one.
 *
 * Saved runs are never changed; evaluating a period again adds a run.
 * Each run is compared with the latest earlier run of the same period
 * (the same dates, however written): if a number changed it restates that run, and
 * the changes are listed; if nothing did it is a repeat.
 */
#ifndef HUDDLE_HISTORY_H
#define HUDDLE_HISTORY_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "arena.h"
#include "err.h"

typedef enum hd_hist_kind { HD_HIST_OVERVIEW, HD_HIST_REP, HD_HIST_TEAM } hd_hist_kind;

/* A component, recognition, coaching item or rule error of a subject. */
typedef struct hd_hist_item {
	const char *rule;
	int has_value; /* components: value and raw are set */
	double value, raw, weight;
	const char *severity, *text, *where; /* text: why, message, advice or error */
} hd_hist_item;

typedef enum hd_hist_what {
	HD_CH_SCORE,
	HD_CH_RANK,
	HD_CH_TEAM_RANK,
	HD_CH_VALUE,  /* a component's value */
	HD_CH_WEIGHT, /* a component's weight */
	HD_CH_ADDED,  /* an item in the later run only: recognition gained, ... */
	HD_CH_REMOVED /* an item in the earlier run only */
} hd_hist_what;

/* Item kinds, in the order changes and items are listed. */
enum { HD_HI_COMPONENT, HD_HI_RECOGNITION, HD_HI_COACHING, HD_HI_ERROR, HD_HI_KINDS };

typedef struct hd_hist_change {
	hd_hist_what what;
	int item; /* HD_HI_*, for VALUE, WEIGHT, ADDED and REMOVED */
	const char *rule;
	int has_from, has_to; /* NULL numbers have no value */
	double from, to;
} hd_hist_change;

typedef struct hd_hist_run {
	int64_t id;
	const char *period, *start, *stop, *as_of, *team_filter, *rules_hash, *version, *started_at,
		*finished_at, *status;
	int rule_errors;
	/* The subject in this run (not for the overview). */
	const char *name, *team;
	int has_score;
	double score;
	int rank, team_rank; /* 0: none */
	hd_hist_item *items[HD_HI_KINDS];
	int nitems[HD_HI_KINDS];
	/* The overview: subjects held. */
	int nreps, nteams;
	/* The latest earlier run of the same period, or 0; then restated
	 * says whether a number changed (else it is a repeat). */
	int64_t earlier;
	int restated;
	int rules_changed;	  /* the rules hash differs */
	const char *earlier_as_of; /* non-NULL when the as-of differs */
	hd_hist_change *changes;   /* subject histories */
	int nchanges;
	int common, changed; /* the overview: subjects in both runs, and those that changed */
} hd_hist_run;

typedef struct hd_history {
	hd_hist_kind kind;
	int64_t id;		 /* the subject's id */
	const char *name, *team; /* its current name; a rep's current team */
	hd_hist_run *runs;	 /* oldest first */
	int nruns;
	int total; /* runs before --last kept the newest */
	/* Set before loading to keep only the runs of one period (--period):
	 * its label, first day and day after, as YYYY-MM-DD. */
	const char *period, *start, *stop;
	hd_arena arena;
} hd_history;

/* Finds the rep named by key (an id or an exact name, as `huddle
 * explain` does) or the team named by key (an exact name), among the
 * current reps or teams first, else among the subjects of saved runs
 * (a rep who left still has a history).  Sets h->kind, id, name and team.
 * HD_EUSAGE when none or several match (the message says what to give
 * instead), HD_EIO if the database cannot be read. */
int hd_history_find(sqlite3 *db, hd_hist_kind kind, const char *key, hd_history *h, hd_err *err);

/* Loads the saved runs of h's subject (or, for HD_HIST_OVERVIEW, every
 * run), of h->start..stop when set, oldest first, compares each with the latest earlier run of its
 * period, and keeps the newest `last` (all when last <= 0).  A run
 * saved with a team filter counts only for that team and its members.
 * Everything lives in h's arena until hd_history_free. */
int hd_history_load(sqlite3 *db, hd_history *h, int last, hd_err *err);

void hd_history_free(hd_history *h);

/* The writers: history_table.c (color: ANSI escapes), history_json.c,
 * history_csv.c.  db_path names the database in the overview's heading. */
void hd_history_table(const hd_history *h, const char *db_path, int color, FILE *out);
void hd_history_json(const hd_history *h, FILE *out);
void hd_history_csv(const hd_history *h, FILE *out);

/* -- shared by the writers (history_text.c; hd_history_item in history.c) -- */

/* A run's item of that kind (HD_HI_*) and rule, or NULL. */
const hd_hist_item *hd_history_item(const hd_hist_run *r, int kind, const char *rule);

/* The component rules of h's runs: the newest run's in its order, then
 * those only older runs had.  Returns how many; *names is malloc'd (the
 * caller frees it), its strings are h's. */
int hd_history_component_names(const hd_history *h, const char ***names);

/* The rule names of a run's items of one kind (HD_HI_*), joined by sep. */
void hd_history_join(const hd_hist_run *r, int kind, const char *sep, char *buf, size_t n);

/* Why a restated run differs: "rules changed (rules hash differs)",
 * "as-of 2026-09-15 → 2026-09-30", or "data changed (same rules hash)". */
void hd_history_cause(const hd_hist_run *r, char *buf, size_t n);

/* One change as people read it: "score 61.2 → 64.0", "attain 0.80 →
 * 0.85", "+ closer".  Numbers get the digits it takes to tell the two
 * apart.  Writes at most n bytes to buf and returns buf. */
const char *hd_history_change_text(const hd_hist_change *c, char *buf, size_t n);

/* Every change of a run and its cause, as one line: "score 57.0 → 62.5;
 * components: attain 0.50 → 0.61; data changed (same rules hash)". */
void hd_history_summary(const hd_hist_run *r, char *buf, size_t n);

#endif
