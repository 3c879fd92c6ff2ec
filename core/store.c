/* store.c - one transaction per run; runs are never changed afterwards. */
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"

void hd_store_timestamp(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct stmts {
	sqlite3_stmt *run, *subject, *item, *outbox;
} stmts;

static const char *const sql_run =
	"INSERT INTO runs (period, start, stop, as_of, team_filter, rules_hash, huddle_version, started_at, "
	"finished_at, status, rule_errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char *const sql_subject =
	"INSERT INTO run_subjects (run_id, kind, subject_id, name, team, score, rank, team_rank) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char *const sql_item =
	"INSERT INTO run_items (run_id, kind, subject_id, seq, item, rule, value, raw, weight, severity, text, "
	"location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char *const sql_outbox =
	"INSERT OR IGNORE INTO outbox (run_id, idempotency_key, kind, subject_kind, subject_id, rule, payload, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static int step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_opt_double(sqlite3_stmt *st, int i, int has, double v)
{
	if (has)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int save_item(stmts *s, int64_t run, const hd_scorecard *c, int seq, const char *item, const char *rule,
		     const hd_component *k, const char *severity, const char *text, const char *where)
{
	sqlite3_stmt *st = s->item;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, c->kind == HD_REP ? "rep" : "team", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->id);
	sqlite3_bind_int(st, 4, seq);
	sqlite3_bind_text(st, 5, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, rule, -1, SQLITE_STATIC);
	if (k) {
		bind_opt_double(st, 7, k->has_value, k->value);
		bind_opt_double(st, 8, k->has_value, k->raw);
		sqlite3_bind_double(st, 9, k->rule->weight);
	}
	sqlite3_bind_text(st, 10, severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, where, -1, SQLITE_STATIC);
	return step(st);
}

/* Queues a recognition or coaching item for notifiers.  The key is per
 * period, subject and rule, so evaluating a period again queues nothing
 * twice. */
static int queue(stmts *s, const hd_result *res, const hd_scorecard *c, const char *kind, const hd_item *it)
{
	char key[256], payload[4096];
	const char *sk = c->kind == HD_REP ? "rep" : "team";
	snprintf(key, sizeof key, "%s/%s/%lld/%s/%s", res->period.label, sk, (long long)c->id, kind,
		 it->rule->name);
	FILE *f = fmemopen(payload, sizeof payload - 1, "w");
	if (!f)
		return -1;
	hd_jsonw w;
	hd_jsonw_init(&w, f, 0);
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "kind");
	hd_jsonw_string(&w, kind);
	hd_jsonw_key(&w, "period");
	hd_jsonw_string(&w, res->period.label);
	hd_jsonw_key(&w, "subject");
	hd_jsonw_string(&w, sk);
	hd_jsonw_key(&w, "id");
	hd_jsonw_int(&w, c->id);
	hd_jsonw_key(&w, "name");
	hd_jsonw_string(&w, c->name);
	hd_jsonw_key(&w, "rule");
	hd_jsonw_string(&w, it->rule->name);
	if (it->rule->severity) {
		hd_jsonw_key(&w, "severity");
		hd_jsonw_string(&w, it->rule->severity);
	}
	hd_jsonw_key(&w, "text");
	hd_jsonw_string(&w, it->text);
	hd_jsonw_end(&w, '}');
	long len = ftell(f);
	fclose(f);
	payload[len > 0 ? len : 0] = 0;
	sqlite3_stmt *st = s->outbox;
	sqlite3_bind_int64(st, 1, res->run_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c->id);
	sqlite3_bind_text(st, 6, it->rule->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, payload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, res->created_at, -1, SQLITE_STATIC);
	return step(st);
}

static int save_card(stmts *s, const hd_result *res, const hd_scorecard *c)
{
	sqlite3_stmt *st = s->subject;
	int64_t run = res->run_id;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, c->kind == HD_REP ? "rep" : "team", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->id);
	sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->team, -1, SQLITE_STATIC);
	bind_opt_double(st, 6, c->has_score, c->score);
	if (c->rank)
		sqlite3_bind_int(st, 7, c->rank);
	if (c->team_rank)
		sqlite3_bind_int(st, 8, c->team_rank);
	if (step(st))
		return -1;
	int seq = 0;
	for (int i = 0; i < c->ncomps; i++)
		if (save_item(s, run, c, seq++, "component", c->comps[i].rule->name, &c->comps[i], NULL,
			      c->comps[i].why, NULL))
			return -1;
	for (int i = 0; i < c->nrecs; i++)
		if (save_item(s, run, c, seq++, "recognition", c->recs[i].rule->name, NULL, NULL, c->recs[i].text,
			      NULL) ||
		    queue(s, res, c, "recognition", &c->recs[i]))
			return -1;
	for (int i = 0; i < c->ncoach; i++)
		if (save_item(s, run, c, seq++, "coaching", c->coach[i].rule->name, NULL, c->coach[i].rule->severity,
			      c->coach[i].text, NULL) ||
		    queue(s, res, c, "coaching", &c->coach[i]))
			return -1;
	for (int i = 0; i < c->nerrs; i++)
		if (save_item(s, run, c, seq++, "error", c->errs[i].rule, NULL, NULL, c->errs[i].message,
			      c->errs[i].where))
			return -1;
	return 0;
}

int hd_store_save(sqlite3 *db, hd_result *res, const char *started_at, const char *team_filter, hd_err *err)
{
	stmts s = { 0 };
	char finished[32];
	int ok = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return hd_err_set(err, HD_EIO, "saving the run: %s", sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, sql_run, -1, &s.run, NULL) || sqlite3_prepare_v2(db, sql_subject, -1, &s.subject, NULL) ||
	    sqlite3_prepare_v2(db, sql_item, -1, &s.item, NULL) || sqlite3_prepare_v2(db, sql_outbox, -1, &s.outbox, NULL))
		goto done;
	hd_store_timestamp(finished);
	sqlite3_bind_text(s.run, 1, res->period.label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 2, res->start, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 3, res->stop, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 4, res->as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 5, team_filter, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 6, res->rules_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 7, HUDDLE_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 8, started_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 9, finished, -1, SQLITE_STATIC);
	sqlite3_bind_text(s.run, 10, res->nerrors ? "rule_errors" : "ok", -1, SQLITE_STATIC);
	sqlite3_bind_int(s.run, 11, res->nerrors);
	if (step(s.run))
		goto done;
	res->run_id = sqlite3_last_insert_rowid(db);
	for (int i = 0; i < res->nreps; i++)
		if (save_card(&s, res, hd_result_card(res, HD_REP, i)))
			goto done;
	for (int i = 0; i < res->nteams; i++)
		if (save_card(&s, res, hd_result_card(res, HD_TEAM, i)))
			goto done;
	if (hd_result_check(res, err))
		goto failed; /* a card that could not be read back is not saved empty */
	ok = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
done:
	if (!ok)
		hd_err_set(err, HD_EIO, "saving the run: %s", sqlite3_errmsg(db));
failed:
	if (!ok) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		res->run_id = 0;
	}
	sqlite3_finalize(s.run);
	sqlite3_finalize(s.subject);
	sqlite3_finalize(s.item);
	sqlite3_finalize(s.outbox);
	return ok ? 0 : HD_EIO;
}
