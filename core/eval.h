/*
 * eval.h - evaluating every subject of a prepared engine.
 */
#ifndef HUDDLE_EVAL_H
#define HUDDLE_EVAL_H

#include "engine.h"
#include "result.h"

/* Runs every enabled rule for every rep, then every team, computes the
 * scores and ranks, and fills res (the caller frees it with
 * hd_result_free).  A rule that fails is recorded for its subject and
 * the run goes on; only host failures return an error.  When
 * e->trace_subject >= 0, the reads and outcomes of each rule for that
 * subject are kept in its scorecard's `explained`.  progress, if not
 * NULL, is told the fraction done now and then. */
int hd_eval_run(hd_engine *e, hd_result *res, void (*progress)(void *, double), void *ud, hd_err *err);

/* Called with each scorecard as soon as it is complete: the card is not
 * in res (its items are in res's arena) and hd_eval_range never reads it
 * again, so a sink that has copied it may reset that arena (the worker
 * does). */
typedef void (*hd_card_sink)(void *ud, const hd_scorecard *card);

/* The steps of hd_eval_run, for the workers: sizes res for the engine's
 * subjects; evaluates the subjects at positions [from, to) of the run's
 * order (reps 0 .. nreps-1, then teams from nreps on), handing each
 * finished card to sink, which keeps it or sends it on; ranks the cards. */
void hd_eval_begin(hd_engine *e, hd_result *res);
void hd_eval_range(hd_engine *e, hd_result *res, int from, int to, hd_card_sink sink, void *ud);
void hd_eval_finish(hd_engine *e, hd_result *res);

/* Evaluates in watched worker processes (worker.c), one per core for a
 * large organisation (HUDDLE_WORKERS sets how many); the result is as
 * hd_eval_range would leave it.  Returns HD_EIO if no worker can run. */
int hd_worker_run(hd_engine *e, hd_result *res, void (*progress)(void *, double), void *ud, hd_err *err);

/* Expands ${x} in a message for the subject at the top of the stack of
 * a rule call; registered as a C function so metric reads are protected. */
int hd_template_expand(lua_State *L);

/* Whether ${k} in a message names a field of the subject (name, team,
 * top_strength, ...) rather than a metric. */
int hd_template_known_field(const char *k);

#endif
