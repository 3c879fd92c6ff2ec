/*
 * store.h - saving a run (SPEC section 7).
 */
#ifndef HUDDLE_STORE_H
#define HUDDLE_STORE_H

#include <sqlite3.h>

#include "err.h"
#include "result.h"

/* Saves res as a new run in one transaction: the run, every scorecard,
 * component, recognition, coaching item and rule error, and an outbox
 * row for each recognition and coaching item not queued before for the
 * same period and subject.  Sets res->run_id.  team_filter may be NULL.
 * On failure nothing is written. */
int hd_store_save(sqlite3 *db, hd_result *res, const char *started_at, const char *team_filter, hd_err *err);

/* The current UTC time as 2026-07-01T09:30:00Z. */
void hd_store_timestamp(char buf[32]);

#endif
