/*
 * mshare.h - SQL metric values shared by the evaluation workers.
 *
 * With two or more workers (worker.c), each evaluates its own share of
 * the subjects, but a SQL metric is one query for every subject: it must
 * run once, in whichever worker needs it first, and the others read its
 * values.  The host maps this table before it forks them; a slot per
 * metric and period holds the state of its computation, the values for
 * every subject of the metric's kind, and why it failed.
 *
 * A worker claims a free slot, computes into it and publishes the values
 * or the failure; a worker that finds a slot claimed by another waits.
 * A worker that dies leaves its claims to the host, which frees them
 * (hd_mshare_release) so that the next reader computes them again.
 */
#ifndef HUDDLE_MSHARE_H
#define HUDDLE_MSHARE_H

#include <stddef.h>

struct hd_engine;
typedef struct hd_mshare hd_mshare;

enum {
	HD_MS_CLAIMED, /* yours: compute into *values, then publish */
	HD_MS_DONE,    /* *values holds every subject's value */
	HD_MS_FAILED,  /* *why says why the metric failed */
	HD_MS_BUSY,    /* another worker is computing it: wait and ask again */
	HD_MS_PRIVATE  /* not shared (not a SQL metric, or no table): compute alone */
};

/* Maps the table for e's SQL metrics in every period context; NULL when
 * the memory cannot be had (each worker then computes alone). */
hd_mshare *hd_mshare_new(const struct hd_engine *e);
void hd_mshare_free(hd_mshare *s);

/* Claims slot (metric, ctx) for worker `owner` or reports its state. */
int hd_mshare_claim(hd_mshare *s, int metric, int ctx, int owner, double **values, const char **why);

/* Publishes the slot owner claimed: its values (why NULL) or its failure. */
void hd_mshare_publish(hd_mshare *s, int metric, int ctx, int owner, const char *why);

/* Whether slot (metric, ctx) is shared and nobody has claimed it yet. */
int hd_mshare_unclaimed(hd_mshare *s, int metric, int ctx);

/* Frees the claims of a worker that died (host side). */
void hd_mshare_release(hd_mshare *s, int owner);

#endif
