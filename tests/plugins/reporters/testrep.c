/*
 * testrep - reporters for the tests of `eval --format NAME` with a
 * plugin's format (tests/cli/test_html.py):
 *
 *	halfpage  writes part of a page, then fails with a reason;
 *	mute      fails without giving one;
 *	peek      prints one line per scorecard with what a reporter is
 *	          handed, the previous period's score beside it (it asks for
 *	          HUDDLE_REPORT_PREVIOUS), and whether its database connection
 *	          refuses a write.
 */
#include <sqlite3.h>

#include <huddle/plugin.h>

static const huddle_api *api;

static int halfpage(huddle_host *h, void *ud, const huddle_result *r, FILE *out)
{
	(void)ud;
	fprintf(out, "<html><body>half a page of %s", api->result_period(r));
	api->fail(h, "the printer is on fire: call the fire brigade");
	return -1;
}

static int mute(huddle_host *h, void *ud, const huddle_result *r, FILE *out)
{
	(void)h, (void)ud, (void)r, (void)out;
	return -1;
}

static void score(FILE *out, const char *label, const huddle_card *c)
{
	double s;
	if (!c)
		fprintf(out, " %s=none", label);
	else if (api->card_score(c, &s))
		fprintf(out, " %s=%.17g", label, s);
	else
		fprintf(out, " %s=null", label);
}

static int peek(huddle_host *h, void *ud, const huddle_result *r, FILE *out)
{
	(void)h, (void)ud;
	fprintf(out, "period %s audience %s\n", api->result_period(r),
		api->result_audience(r) == HUDDLE_AUDIENCE_TEAM ? "team" : "manager");
	for (int kind = HUDDLE_REP; kind <= HUDDLE_TEAM; kind++)
		for (int i = 0; i < api->result_count(r, kind); i++) {
			const huddle_card *c = api->result_card(r, kind, i);
			const char *name = api->card_name(c);
			fprintf(out, "%s %lld name=%s", kind == HUDDLE_REP ? "rep" : "team", (long long)api->card_id(c),
				name ? name : "(none)");
			score(out, "score", c);
			score(out, "prev", api->result_previous(r, c));
			fprintf(out, " recognitions=%d coaching=%d errors=%d\n", api->card_count(c, HUDDLE_RECOGNITION),
				api->card_count(c, HUDDLE_COACHING), api->card_count(c, HUDDLE_ERROR));
		}
	sqlite3 *db = api->result_db(r);
	int reps = -1;
	sqlite3_stmt *st;
	if (db && sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM reps", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			reps = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	int wrote = db && sqlite3_exec(db, "DELETE FROM deals", NULL, NULL, NULL) == SQLITE_OK;
	fprintf(out, "db reps=%d write=%s\n", reps, wrote ? "allowed" : "refused");
	return 0;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	if (api->add_reporter(h, "halfpage", 0, halfpage, NULL, "fails half way") ||
	    api->add_reporter(h, "mute", 0, mute, NULL, "fails without a reason") ||
	    api->add_reporter(h, "peek", HUDDLE_REPORT_PREVIOUS, peek, NULL, "what a reporter is handed"))
		return -1;
	return 0;
}

HUDDLE_PLUGIN("testrep", "0.0.1", "reporters for the tests of plugin formats", init, NULL);
