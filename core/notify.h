/*
 * notify.h - delivering the outbox (SPEC section 7) through the notifier
 * plugins.
 *
 * `eval` queues each recognition and coaching item in the outbox table
 * in the same transaction as its run; hd_notify_run hands the pending
 * ones, in id order, to every loaded notifier.  An item is marked
 * delivered only once every notifier accepted it; otherwise its attempts
 * grow by one and its last_error says why.  Each of those changes is a
 * transaction of its own, so a notify killed at any moment loses nothing
 * and never marks as delivered what a receiver did not accept (it may
 * deliver the item in flight again next time: receivers drop repeats by
 * its idempotency key).
 *
 * Parking: an item that failed in park_after notify runs is parked, so a
 * permanently broken item does not cost every later run its retries;
 * only a notify with `retry` tries parked items again.
 *
 * One notify at a time per database: a run holds an exclusive lock on
 * "<database>-notify.lock" beside the database file itself (symbolic
 * links resolved); a second run finds it held and
 * leaves the work to the first (which picks up items queued meanwhile).
 */
#ifndef HUDDLE_NOTIFY_H
#define HUDDLE_NOTIFY_H

#include <sqlite3.h>
#include <sys/types.h>

#include "err.h"

/* Failed notify runs after which an item is parked. */
#define HD_NOTIFY_PARK_AFTER 5

typedef struct hd_notify_opts {
	int retry;      /* also try parked items */
	int park_after; /* >= 1 */
} hd_notify_opts;

typedef struct hd_notify_stats {
	int delivered;  /* accepted by every notifier in this run */
	int failed;     /* failed in this run and will be tried again by a plain notify */
	int failed_now; /* every item that failed in this run, parked or not */
	int parked;     /* pending items parked when the run ended */
	pid_t busy_pid; /* another notify held the lock: its pid (0 if unknown); nothing was tried */
	int busy;
} hd_notify_stats;

/* The number of notifiers the plugins registered. */
int hd_notify_count(void);

/* Delivers the pending outbox items of db (opened from db_path) through
 * every notifier.  Per-item failures are warned about on stderr and
 * counted in *st; they are not errors.  Returns 0, or HD_EIO (the
 * database or the lock file failed: the run stops there, and what was
 * marked so far stays marked). */
int hd_notify_run(sqlite3 *db, const char *db_path, const hd_notify_opts *o, hd_notify_stats *st,
                  hd_err *err);

#endif
