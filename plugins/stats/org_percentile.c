/*
 * org_percentile.c - the rep metric org_won_percentile: where a rep's
 * closed-won revenue in the period stands among every rep evaluated,
 * 0 for the lowest and 100 for the highest.
 *
 * Rules see one team at a time (m.members); a standing across the whole
 * org needs every rep's number at once, which is what a set-based
 * provider has: one query for all reps, one sort.  Ties share the middle
 * of the ranks they span, so that when nobody won anything everybody
 * stands at 50, not at the top; a rep alone in the org stands at 50 too.
 * Won revenue is counted as the default rule set's won_amount counts it:
 * deals won with closed_on in [start, stop).
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "stats.h"

typedef struct standing {
	int64_t id;
	double won;
} standing;

static int by_won(const void *a, const void *b)
{
	double x = ((const standing *)a)->won, y = ((const standing *)b)->won;
	return x < y ? -1 : x > y;
}

static const char query[] = "SELECT r.id, COALESCE(SUM(d.amount), 0) FROM reps r"
                            " LEFT JOIN deals d ON d.rep_id = r.id AND d.stage = 'won'"
                            " AND d.closed_on >= :start AND d.closed_on < :stop"
                            " GROUP BY r.id";

/* Reads every rep evaluated (the reps whose metric can be set) with its
 * won revenue into a malloc'd array.  Returns the count, or -1 after
 * api->fail. */
static long read_reps(huddle_host *h, const huddle_api *api, huddle_metric_call *c, standing **out)
{
	sqlite3 *db = api->metric_db(c);
	sqlite3_stmt *st = NULL;
	*out = NULL;
	if (!db) {
		api->fail(h, "no database connection to read deals from");
		return -1;
	}
	if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, api->metric_start(c), -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, api->metric_stop(c), -1, SQLITE_STATIC) != SQLITE_OK) {
		api->fail(h, "cannot read won deals: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	long n = 0, cap = 0;
	standing *v = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		/* Only the evaluation's reps take part; setting a value is how
		 * the host says whether a rep is one (the real one comes later). */
		if (api->metric_set(c, id, 0))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			standing *w = realloc(v, (size_t)cap * sizeof *v);
			if (!w) {
				free(v);
				sqlite3_finalize(st);
				api->fail(h, "out of memory");
				return -1;
			}
			v = w;
		}
		v[n++] = (standing){id, sqlite3_column_double(st, 1)};
	}
	if (rc != SQLITE_DONE) {
		api->fail(h, "cannot read won deals: %s",
		          rc == SQLITE_INTERRUPT ? "the query ran longer than sandbox.sql_ms"
		                                 : sqlite3_errmsg(db));
		free(v);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	*out = v;
	return n;
}

int stats_org_won_percentile(huddle_host *h, void *ud, huddle_metric_call *c)
{
	const huddle_api *api = ud;
	standing *v;
	long n = read_reps(h, api, c, &v);
	if (n < 0)
		return -1;
	qsort(v, (size_t)n, sizeof *v, by_won);
	for (long i = 0; i < n;) {
		long j = i;
		while (j < n && v[j].won == v[i].won)
			j++;
		/* Ranks i..j-1 (from 0) tie: each gets their middle. */
		double mid = i + (double)(j - i - 1) / 2;
		for (long k = i; k < j; k++)
			api->metric_set(c, v[k].id, n > 1 ? 100 * mid / (double)(n - 1) : 50);
		i = j;
	}
	free(v);
	return 0;
}
