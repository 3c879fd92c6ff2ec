/* history.c - saved runs read back, and restatements found between them. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

static const char *const item_names[HD_HI_KINDS] = { "component", "recognition", "coaching", "error" };

static int db_error(sqlite3 *db, hd_err *err)
{
	return hd_err_set(err, HD_EIO, "reading the saved runs: %s", sqlite3_errmsg(db));
}

static const char *col_text(hd_arena *a, sqlite3_stmt *st, int i)
{
	return hd_arena_strdup(a, (const char *)sqlite3_column_text(st, i));
}

/* Whether key is a whole number, as explain reads an id. */
static int as_id(const char *key, int64_t *id)
{
	char *end;
	long long v = strtoll(key, &end, 10);
	*id = v;
	return *key && !*end;
}

/* Distinct ids matching the statement's ?1 (id or NULL) and ?2 (name);
 * returns how many (at most 2 are told apart) and the first in *id. */
static int matches(sqlite3 *db, const char *sql, const char *key, int64_t *id, hd_err *err)
{
	sqlite3_stmt *st;
	int64_t num;
	int n = 0, rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return db_error(db, err);
	if (as_id(key, &num))
		sqlite3_bind_int64(st, 1, num);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 2)
		if (n++ == 0)
			*id = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = db_error(db, err);
	sqlite3_finalize(st);
	return n;
}

/* The subject's current name and team, from the user's tables, else
 * from its latest saved run. */
static int describe(sqlite3 *db, hd_history *h, hd_err *err)
{
	const char *sql = h->kind == HD_HIST_REP
				  ? "SELECT r.name, t.name FROM reps r LEFT JOIN teams t ON t.id = r.team_id "
				    "WHERE r.id = ?1 UNION ALL "
				    "SELECT * FROM (SELECT name, team FROM run_subjects WHERE kind = 'rep' "
				    "AND subject_id = ?1 ORDER BY run_id DESC LIMIT 1)"
				  : "SELECT name, NULL FROM teams WHERE id = ?1 UNION ALL "
				    "SELECT * FROM (SELECT name, NULL FROM run_subjects WHERE kind = 'team' "
				    "AND subject_id = ?1 ORDER BY run_id DESC LIMIT 1)";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return db_error(db, err);
	sqlite3_bind_int64(st, 1, h->id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h->name = col_text(&h->arena, st, 0);
		h->team = col_text(&h->arena, st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(db, err);
}

int hd_history_find(sqlite3 *db, hd_hist_kind kind, const char *key, hd_history *h, hd_err *err)
{
	/* The user's tables first: a name there is the one people use now. */
	static const char *const rep_now = "SELECT id FROM reps WHERE id = ?1 OR name = ?2";
	static const char *const rep_saved = "SELECT DISTINCT subject_id FROM run_subjects "
					     "WHERE kind = 'rep' AND (subject_id = ?1 OR name = ?2)";
	static const char *const team_now = "SELECT id FROM teams WHERE name = ?2";
	static const char *const team_saved = "SELECT DISTINCT subject_id FROM run_subjects "
					      "WHERE kind = 'team' AND name = ?2";
	const char *what = kind == HD_HIST_REP ? "rep with id or name" : "team named";
	h->kind = kind;
	int n = matches(db, kind == HD_HIST_REP ? rep_now : team_now, key, &h->id, err);
	if (n == 0)
		n = matches(db, kind == HD_HIST_REP ? rep_saved : team_saved, key, &h->id, err);
	if (n < 0)
		return n;
	if (n == 0)
		return hd_err_set(err, HD_EUSAGE,
				  "no %s '%s' in the database or its saved runs; names are exact (case and "
				  "spaces count)%s",
				  what, key, kind == HD_HIST_REP ? ", or give the rep's id" : "");
	if (n > 1)
		return hd_err_set(err, HD_EUSAGE, "more than one %s is named '%s'%s",
				  kind == HD_HIST_REP ? "rep" : "team", key,
				  kind == HD_HIST_REP ? "; give the id instead" : " in the saved runs");
	return describe(db, h, err);
}

static void push_item(hd_arena *a, hd_hist_run *r, int kind, const hd_hist_item *it)
{
	/* Items arrive per run in one pass; an arena array grown by
	 * doubling keeps them without a realloc of arena memory. */
	int n = r->nitems[kind];
	if ((n & (n - 1)) == 0) {
		hd_hist_item *grown = hd_arena_alloc(a, sizeof *grown * (size_t)(n ? 2 * n : 1));
		if (n)
			memcpy(grown, r->items[kind], sizeof *grown * (size_t)n);
		r->items[kind] = grown;
	}
	r->items[kind][r->nitems[kind]++] = *it;
}

static int item_kind(const char *s)
{
	for (int k = 0; k < HD_HI_KINDS; k++)
		if (!strcmp(s, item_names[k]))
			return k;
	return -1;
}

static int load_items(sqlite3 *db, hd_history *h, hd_err *err)
{
	sqlite3_stmt *st;
	static const char *const sql = "SELECT item, rule, value, raw, weight, severity, text, location "
				       "FROM run_items WHERE run_id = ?1 AND kind = ?2 AND subject_id = ?3 "
				       "ORDER BY seq";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return db_error(db, err);
	int rc = SQLITE_DONE;
	for (int i = 0; i < h->nruns && rc == SQLITE_DONE; i++) {
		hd_hist_run *r = &h->runs[i];
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, h->kind == HD_HIST_REP ? "rep" : "team", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, h->id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int k = item_kind((const char *)sqlite3_column_text(st, 0));
			if (k < 0)
				continue;
			hd_hist_item it = { .rule = col_text(&h->arena, st, 1) };
			it.has_value = sqlite3_column_type(st, 2) != SQLITE_NULL;
			it.value = sqlite3_column_double(st, 2);
			it.raw = sqlite3_column_double(st, 3);
			it.weight = sqlite3_column_double(st, 4);
			it.severity = col_text(&h->arena, st, 5);
			it.text = col_text(&h->arena, st, 6);
			it.where = col_text(&h->arena, st, 7);
			push_item(&h->arena, r, k, &it);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, err);
}

/* The columns of runs every query below starts with. */
#define RUN_COLUMNS                                                                                   \
	"r.id, r.period, r.start, r.stop, r.as_of, r.team_filter, r.rules_hash, r.huddle_version, " \
	"r.started_at, r.finished_at, r.status, r.rule_errors"

static void read_run(hd_arena *a, sqlite3_stmt *st, hd_hist_run *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->period = col_text(a, st, 1);
	r->start = col_text(a, st, 2);
	r->stop = col_text(a, st, 3);
	r->as_of = col_text(a, st, 4);
	r->team_filter = col_text(a, st, 5);
	r->rules_hash = col_text(a, st, 6);
	r->version = col_text(a, st, 7);
	r->started_at = col_text(a, st, 8);
	r->finished_at = col_text(a, st, 9);
	r->status = col_text(a, st, 10);
	r->rule_errors = sqlite3_column_int(st, 11);
}

static int load_runs(sqlite3 *db, hd_history *h, hd_err *err)
{
	/* A run saved with --team NAME is that team's run: it counts for
	 * the team and for the reps who were in it then, not for others. */
	static const char *const subject_sql =
		"SELECT " RUN_COLUMNS ", s.name, s.team, s.score, s.rank, s.team_rank "
		"FROM run_subjects s JOIN runs r ON r.id = s.run_id "
		"WHERE s.kind = ?1 AND s.subject_id = ?2 "
		"AND (r.team_filter IS NULL "
		"     OR r.team_filter = CASE s.kind WHEN 'rep' THEN s.team ELSE s.name END) "
		"AND (?3 IS NULL OR (r.start = ?3 AND r.stop = ?4)) ORDER BY r.id";
	static const char *const overview_sql =
		"SELECT " RUN_COLUMNS ", "
		"(SELECT count(*) FROM run_subjects WHERE run_id = r.id AND kind = 'rep'), "
		"(SELECT count(*) FROM run_subjects WHERE run_id = r.id AND kind = 'team') "
		"FROM runs r WHERE ?3 IS NULL OR (r.start = ?3 AND r.stop = ?4) ORDER BY r.id";
	sqlite3_stmt *st;
	int overview = h->kind == HD_HIST_OVERVIEW, cap = 0, rc;
	if (sqlite3_prepare_v2(db, overview ? overview_sql : subject_sql, -1, &st, NULL))
		return db_error(db, err);
	if (!overview) {
		sqlite3_bind_text(st, 1, h->kind == HD_HIST_REP ? "rep" : "team", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, h->id);
	}
	sqlite3_bind_text(st, 3, h->start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->stop, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (h->nruns == cap) {
			cap = cap ? 2 * cap : 16;
			h->runs = hd_xrealloc(h->runs, sizeof *h->runs * (size_t)cap);
		}
		hd_hist_run *r = &h->runs[h->nruns++];
		memset(r, 0, sizeof *r);
		read_run(&h->arena, st, r);
		if (overview) {
			r->nreps = sqlite3_column_int(st, 12);
			r->nteams = sqlite3_column_int(st, 13);
			continue;
		}
		r->name = col_text(&h->arena, st, 12);
		r->team = col_text(&h->arena, st, 13);
		r->has_score = sqlite3_column_type(st, 14) != SQLITE_NULL;
		r->score = sqlite3_column_double(st, 14);
		r->rank = sqlite3_column_int(st, 15);
		r->team_rank = sqlite3_column_int(st, 16);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, err);
}

/* -- comparing a run with the earlier one ------------------------------ */

typedef struct changes {
	hd_arena *a;
	hd_hist_run *r;
	int cap;
} changes;

static void add(changes *c, hd_hist_change ch)
{
	hd_hist_run *r = c->r;
	if (r->nchanges == c->cap) {
		int cap = c->cap ? 2 * c->cap : 8;
		hd_hist_change *grown = hd_arena_alloc(c->a, sizeof *grown * (size_t)cap);
		if (r->nchanges)
			memcpy(grown, r->changes, sizeof *grown * (size_t)r->nchanges);
		r->changes = grown;
		c->cap = cap;
	}
	r->changes[r->nchanges++] = ch;
}

/* Two optional numbers differ: one is NULL and the other not, or both
 * are there and unequal.  Saved numbers read back exactly, so equality
 * is exact: a restatement is any change at all. */
static int differ(int has_a, double a, int has_b, double b)
{
	return has_a != has_b || (has_a && a != b);
}

static void number(changes *c, hd_hist_what what, int has_from, double from, int has_to, double to)
{
	if (differ(has_from, from, has_to, to))
		add(c, (hd_hist_change){ .what = what, .has_from = has_from, .from = from,
					 .has_to = has_to, .to = to });
}

const hd_hist_item *hd_history_item(const hd_hist_run *r, int kind, const char *rule)
{
	for (int i = 0; i < r->nitems[kind]; i++)
		if (!strcmp(r->items[kind][i].rule, rule))
			return &r->items[kind][i];
	return NULL;
}

/* Components by rule name (value and weight); recognitions, coaching
 * items and rule errors gained or lost, by rule name. */
static void compare_items(changes *c, const hd_hist_run *was, const hd_hist_run *now)
{
	for (int k = 0; k < HD_HI_KINDS; k++) {
		for (int i = 0; i < now->nitems[k]; i++) {
			const hd_hist_item *n = &now->items[k][i], *o = hd_history_item(was, k, n->rule);
			hd_hist_change ch = { .item = k, .rule = n->rule };
			if (!o) {
				ch.what = HD_CH_ADDED;
				ch.has_to = k == HD_HI_COMPONENT && n->has_value;
				ch.to = n->value;
				add(c, ch);
			} else if (k == HD_HI_COMPONENT) {
				size_t before = (size_t)c->r->nchanges;
				number(c, HD_CH_VALUE, o->has_value, o->value, n->has_value, n->value);
				number(c, HD_CH_WEIGHT, 1, o->weight, 1, n->weight);
				for (int j = (int)before; j < c->r->nchanges; j++) {
					c->r->changes[j].item = k;
					c->r->changes[j].rule = n->rule;
				}
			}
		}
		for (int i = 0; i < was->nitems[k]; i++)
			if (!hd_history_item(now, k, was->items[k][i].rule))
				add(c, (hd_hist_change){ .what = HD_CH_REMOVED, .item = k,
							 .rule = was->items[k][i].rule });
	}
}

static void compare_subject(hd_arena *a, const hd_hist_run *was, hd_hist_run *now)
{
	changes c = { a, now, 0 };
	number(&c, HD_CH_SCORE, was->has_score, was->score, now->has_score, now->score);
	number(&c, HD_CH_RANK, was->rank != 0, was->rank, now->rank != 0, now->rank);
	number(&c, HD_CH_TEAM_RANK, was->team_rank != 0, was->team_rank, now->team_rank != 0, now->team_rank);
	compare_items(&c, was, now);
	now->restated = now->nchanges > 0;
}

/* For the overview: how many subjects both runs hold, and how many of
 * those differ in a number (score, ranks, a component's value or
 * weight) or in the rules that fired, recognised or failed.  SQLite's
 * EXCEPT treats NULLs as equal, which is what comparing wants. */
static const char *const compare_runs_sql =
	"WITH a AS (SELECT kind, subject_id, score, rank, team_rank FROM run_subjects WHERE run_id = ?1), "
	"b AS (SELECT kind, subject_id, score, rank, team_rank FROM run_subjects WHERE run_id = ?2), "
	"ia AS (SELECT kind, subject_id, item, rule, CASE item WHEN 'component' THEN value END, "
	"       CASE item WHEN 'component' THEN weight END FROM run_items WHERE run_id = ?1), "
	"ib AS (SELECT kind, subject_id, item, rule, CASE item WHEN 'component' THEN value END, "
	"       CASE item WHEN 'component' THEN weight END FROM run_items WHERE run_id = ?2), "
	"common AS (SELECT kind, subject_id FROM a INTERSECT SELECT kind, subject_id FROM b), "
	"diff AS (SELECT kind, subject_id FROM (SELECT * FROM a EXCEPT SELECT * FROM b) "
	"  UNION SELECT kind, subject_id FROM (SELECT * FROM b EXCEPT SELECT * FROM a) "
	"  UNION SELECT kind, subject_id FROM (SELECT * FROM ia EXCEPT SELECT * FROM ib) "
	"  UNION SELECT kind, subject_id FROM (SELECT * FROM ib EXCEPT SELECT * FROM ia)) "
	"SELECT (SELECT count(*) FROM common), "
	"(SELECT count(*) FROM diff WHERE (kind, subject_id) IN (SELECT kind, subject_id FROM common))";

static int compare_runs(sqlite3 *db, hd_hist_run *was_run, hd_hist_run *now, hd_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, compare_runs_sql, -1, &st, NULL))
		return db_error(db, err);
	sqlite3_bind_int64(st, 1, was_run->id);
	sqlite3_bind_int64(st, 2, now->id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		now->common = sqlite3_column_int(st, 0);
		now->changed = sqlite3_column_int(st, 1);
		now->restated = now->changed > 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_error(db, err);
}

/* 2026-Q3 and 2026-07-01..2026-09-30 are one period; a label alone is
 * not (a fiscal year start moved in the config changes 2026-Q3). */
static int same_period(const hd_hist_run *a, const hd_hist_run *b)
{
	return !strcmp(a->start, b->start) && !strcmp(a->stop, b->stop);
}

/* Compares runs[from..] each with the latest earlier run of its period. */
static int compare_all(sqlite3 *db, hd_history *h, int from, hd_err *err)
{
	for (int i = from; i < h->nruns; i++) {
		hd_hist_run *now = &h->runs[i], *was = NULL;
		for (int j = i - 1; j >= 0 && !was; j--)
			if (same_period(&h->runs[j], now))
				was = &h->runs[j];
		if (!was)
			continue;
		now->earlier = was->id;
		now->rules_changed = strcmp(was->rules_hash, now->rules_hash) != 0;
		if (strcmp(was->as_of, now->as_of))
			now->earlier_as_of = was->as_of;
		if (h->kind != HD_HIST_OVERVIEW)
			compare_subject(&h->arena, was, now);
		else if (compare_runs(db, was, now, err))
			return err->code;
	}
	return 0;
}

int hd_history_load(sqlite3 *db, hd_history *h, int last, hd_err *err)
{
	if (load_runs(db, h, err))
		return err->code;
	h->total = h->nruns;
	int from = last > 0 && last < h->nruns ? h->nruns - last : 0;
	/* The overview compares whole runs in SQL: only those shown.  A
	 * subject's items are few; the earlier run of a shown one may lie
	 * before the window, so all are read. */
	if (h->kind != HD_HIST_OVERVIEW && load_items(db, h, err))
		return err->code;
	if (compare_all(db, h, h->kind == HD_HIST_OVERVIEW ? from : 0, err))
		return err->code;
	if (from) {
		memmove(h->runs, h->runs + from, sizeof *h->runs * (size_t)(h->nruns - from));
		h->nruns -= from;
	}
	return 0;
}

void hd_history_free(hd_history *h)
{
	free(h->runs);
	hd_arena_free(&h->arena);
	h->runs = NULL;
	h->nruns = 0;
}
