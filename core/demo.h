/*
 * demo.h - reproducible synthetic team data for every table of the schema.
 */
#ifndef HUDDLE_DEMO_H
#define HUDDLE_DEMO_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"
#include "period.h"

typedef struct hd_demo_opts {
	int reps;	  /* number of reps, >= 1 */
	int teams;	  /* number of teams, >= 1 and <= reps */
	uint64_t seed;	  /* same seed, reps, teams, periods and end: same rows */
	int periods;	  /* quarters of history, >= 1 */
	hd_period end;	  /* the last quarter generated */
	/* Called now and then with the fraction done (0..1); may be NULL. */
	void (*progress)(void *ud, double fraction);
	void *progress_ud;
	/* db is a new file no one else can have open, deleted if this
	 * fails: it is written without a journal, then switched to WAL. */
	int fresh;
} hd_demo_opts;

/* Fills db, which carries the current schema and holds no reps yet.
 * Rows are inserted in one transaction; on failure what was written is
 * rolled back (unless opts->fresh: then the caller deletes the file) and
 * err says why. */
int hd_demo_generate(sqlite3 *db, const hd_demo_opts *opts, hd_err *err);

#endif
