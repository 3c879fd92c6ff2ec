/*
 * model.c - the evaluation read through the host API into arrays the
 * page can walk in any order: teams with their members by team rank,
 * each subject's previous score beside its current one, and from the
 * database (read-only) each team's group target and won amount, which
 * no scorecard carries.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "html.h"

typedef struct id_index {
	int64_t id;
	int i;
} id_index;

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const id_index *)a)->id, y = ((const id_index *)b)->id;
	return x < y ? -1 : x > y;
}

typedef struct name_index {
	const char *name;
	int i;
} name_index;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const name_index *)a)->name, ((const name_index *)b)->name);
}

/* The team with this id, or NULL. */
static hr_team *team_of(hr_model *m, const id_index *ids, int64_t id)
{
	id_index key = { id, 0 };
	const id_index *hit = bsearch(&key, ids, (size_t)m->nteams, sizeof *ids, by_id);
	return hit ? &m->teams[hit->i] : NULL;
}

/* Database ------------------------------------------------------------ */

enum { Q_TARGET, Q_WON, Q_PREV_WON, Q_MANAGER };

static const char *const queries[] = {
	/* The group target prorated by the days a target row shares with the
	 * period, as the default team rules count it (20_team_metrics.lua). */
	"SELECT team_id, SUM(amount * (MIN(julianday(ends_on) + 1, julianday(?2))"
	" - MAX(julianday(starts_on), julianday(?1))) / (julianday(ends_on) - julianday(starts_on) + 1))"
	" FROM team_targets WHERE starts_on < ?2 AND ends_on >= ?1 GROUP BY team_id",
	/* Every won deal of the team's reps, those who left included: the
	 * team still closed them. */
	"SELECT r.team_id, SUM(d.amount) FROM deals d JOIN reps r ON r.id = d.rep_id"
	" WHERE d.stage = 'won' AND d.closed_on >= ?1 AND d.closed_on < ?2 GROUP BY r.team_id",
	NULL, /* Q_WON over the previous period */
	"SELECT id, manager FROM teams WHERE manager IS NOT NULL",
};

static char *copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);
	if (!c)
		abort();
	return memcpy(c, s, n);
}

static int sql_fail(huddle_host *h, const huddle_api *api, sqlite3 *db, const char *what)
{
	api->fail(h, "reading %s from the database: %s", what, db ? sqlite3_errmsg(db) : "no database");
	return -1;
}

/* Runs query q over [start, stop) and stores its (team_id, value) rows. */
static int read_teams(hr_model *m, huddle_host *h, sqlite3 *db, const id_index *ids, int q, const char *start,
		      const char *stop)
{
	static const char *const what[] = { "the group targets", "the won amounts", "last period's won amounts",
					    "the team managers" };
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, queries[q == Q_PREV_WON ? Q_WON : q], -1, &st, NULL) != SQLITE_OK)
		return sql_fail(h, m->api, db, what[q]);
	if (q != Q_MANAGER) {
		sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, stop, -1, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hr_team *t = team_of(m, ids, sqlite3_column_int64(st, 0));
		if (!t || sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		double v = sqlite3_column_double(st, 1);
		if (q == Q_TARGET) {
			t->has_target = 1;
			t->target = v;
		} else if (q == Q_WON) {
			t->won = v;
		} else if (q == Q_PREV_WON) {
			t->prev_won = v;
		} else {
			free(t->manager);
			t->manager = copy((const char *)sqlite3_column_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(h, m->api, db, what[q]);
}

/* The previous period's [start, stop): it ends where this one starts and
 * is the period before it of the same kind (SPEC section 3), which the
 * label's shape tells: 2026-Q3, 2026-07, 2026-W27, 2026, or a range. */
static int previous_start(sqlite3 *db, const char *label, const char *start, const char *stop, char out[11])
{
	size_t n = strlen(label);
	const char *step = n == 7 && label[5] == 'Q'	? "-3 months"
			   : n == 7			? "-1 month"
			   : n == 8 && label[5] == 'W'	? "-7 days"
			   : n == 4			? "-1 year"
							: NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT CASE WHEN ?2 IS NULL THEN date(?1, printf('-%d days',"
			       " CAST(julianday(?3) - julianday(?1) AS INTEGER))) ELSE date(?1, ?2) END",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
	if (step)
		sqlite3_bind_text(st, 2, step, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, stop, -1, SQLITE_STATIC);
	int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 10;
	if (ok)
		memcpy(out, sqlite3_column_text(st, 0), 11);
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* The share of the period up to and including the as-of day, and the
 * period's last day. */
static void calendar(hr_model *m, sqlite3 *db, const char *start, const char *stop, const char *as_of)
{
	sqlite3_stmt *st;
	m->elapsed = 1;
	snprintf(m->last_day, sizeof m->last_day, "%s", stop);
	if (sqlite3_prepare_v2(db,
			       "SELECT (julianday(?3) + 1 - julianday(?1)) / (julianday(?2) - julianday(?1)),"
			       " date(?2, '-1 day')",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stop, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			double v = sqlite3_column_double(st, 0);
			m->elapsed = v < 0 ? 0 : v > 1 ? 1 : v;
		}
		if (sqlite3_column_bytes(st, 1) == 10)
			memcpy(m->last_day, sqlite3_column_text(st, 1), 11);
	}
	sqlite3_finalize(st);
}

static int read_database(hr_model *m, huddle_host *h, const id_index *ids)
{
	const huddle_api *api = m->api;
	sqlite3 *db = api->result_db(m->res);
	const char *start = api->result_start(m->res), *stop = api->result_stop(m->res);
	if (!db)
		return sql_fail(h, api, db, "the group targets");
	if (read_teams(m, h, db, ids, Q_TARGET, start, stop) || read_teams(m, h, db, ids, Q_WON, start, stop) ||
	    read_teams(m, h, db, ids, Q_MANAGER, NULL, NULL))
		return -1;
	calendar(m, db, start, stop, api->result_as_of(m->res));
	char prev[11];
	if (m->has_prev && !previous_start(db, api->result_period(m->res), start, stop, prev)) {
		if (read_teams(m, h, db, ids, Q_PREV_WON, prev, start))
			return -1;
		for (int i = 0; i < m->nteams; i++)
			m->teams[i].has_prev_won = 1;
	}
	return 0;
}

/* Scorecards ------------------------------------------------------------ */

static int legend_index(hr_model *m, int kind, const char *rule, double weight)
{
	for (int i = 0; i < m->nlegend[kind]; i++)
		if (!strcmp(m->legend[kind][i].rule, rule))
			return i;
	m->legend[kind] = realloc(m->legend[kind], sizeof *m->legend[kind] * (size_t)(m->nlegend[kind] + 1));
	if (!m->legend[kind])
		abort();
	m->legend[kind][m->nlegend[kind]] = (hr_legend){ rule, weight };
	return m->nlegend[kind]++;
}

hr_part *hr_model_parts(hr_model *m, const huddle_card *c, int *n)
{
	const huddle_api *api = m->api;
	int kind = api->card_kind(c);
	*n = api->card_count(c, HUDDLE_COMPONENT);
	hr_part *p = calloc((size_t)*n + 1, sizeof *p);
	if (!p)
		abort();
	double total = 0;
	for (int i = 0; i < *n; i++) {
		double raw;
		p[i].has_value = api->component(c, i, &p[i].value, &raw, &p[i].weight);
		p[i].legend = legend_index(m, kind, api->item_rule(c, HUDDLE_COMPONENT, i), p[i].weight);
		p[i].why = api->item_text(c, HUDDLE_COMPONENT, i);
		if (p[i].has_value)
			total += p[i].weight;
	}
	/* The score is 100 x sum(w v) / sum(w) over the parts with a value,
	 * so these points add up to it. */
	for (int i = 0; i < *n; i++)
		p[i].points = p[i].has_value && total > 0 ? 100 * p[i].weight * p[i].value / total : 0;
	return p;
}

const char *hr_rep_label(const hr_rep *r, char *buf, size_t n)
{
	if (r->name)
		return r->name;
	if (r->rank > 0)
		snprintf(buf, n, "Rep #%d", r->rank);
	else
		snprintf(buf, n, "Unranked rep");
	return buf;
}

static void read_score(const huddle_api *api, const huddle_card *c, int *has, double *score)
{
	*has = api->card_score(c, score);
}

static void read_team(hr_model *m, int i)
{
	const huddle_api *api = m->api;
	hr_team *t = &m->teams[i];
	t->card = api->result_card(m->res, HUDDLE_TEAM, i);
	t->id = api->card_id(t->card);
	t->name = api->card_name(t->card);
	read_score(api, t->card, &t->has_score, &t->score);
	t->rank = api->card_rank(t->card);
	t->members = api->card_members(t->card);
	t->nrecs = api->card_count(t->card, HUDDLE_RECOGNITION);
	t->ncoach = api->card_count(t->card, HUDDLE_COACHING);
	const huddle_card *p = api->result_previous(m->res, t->card);
	if (p) {
		read_score(api, p, &t->has_prev, &t->prev);
		t->prev_rank = api->card_rank(p);
	}
}

/* Counts a card's coaching items and errors into the totals. */
static void count_items(hr_model *m, const huddle_card *c)
{
	const huddle_api *api = m->api;
	int nc = api->card_count(c, HUDDLE_COACHING);
	m->ncoach += nc;
	for (int k = 0; k < nc; k++) {
		const char *sev = api->item_detail(c, HUDDLE_COACHING, k);
		m->ncoach_high += sev && !strcmp(sev, "high");
	}
	m->nerrors += api->card_count(c, HUDDLE_ERROR);
}

static void read_rep(hr_model *m, int i, const name_index *names)
{
	const huddle_api *api = m->api;
	hr_rep *r = &m->reps[i];
	r->card = api->result_card(m->res, HUDDLE_REP, i);
	r->id = api->card_id(r->card);
	r->name = api->card_name(r->card);
	m->anonymous |= !r->name;
	read_score(api, r->card, &r->has_score, &r->score);
	r->rank = api->card_rank(r->card);
	r->team_rank = api->card_team_rank(r->card);
	r->nrecs = api->card_count(r->card, HUDDLE_RECOGNITION);
	m->nrecs += r->nrecs;
	m->nrecognised += r->nrecs > 0;
	count_items(m, r->card);
	const huddle_card *p = api->result_previous(m->res, r->card);
	if (p) {
		read_score(api, p, &r->has_prev, &r->prev);
		r->prev_rank = api->card_rank(p);
	}
	name_index key = { api->card_team(r->card), 0 };
	const name_index *hit =
		key.name ? bsearch(&key, names, (size_t)m->nteams, sizeof *names, by_name) : NULL;
	r->team = hit ? hit->i : -1;
}

int hr_model_build(hr_model *m, huddle_host *h, const huddle_api *api, const huddle_result *res,
		   const hr_settings *set)
{
	memset(m, 0, sizeof *m);
	m->api = api;
	m->res = res;
	m->set = set;
	m->manager = api->result_audience(res) == HUDDLE_AUDIENCE_MANAGER;
	m->nteams = api->result_count(res, HUDDLE_TEAM);
	m->nreps = api->result_count(res, HUDDLE_REP);
	m->teams = calloc((size_t)m->nteams + 1, sizeof *m->teams);
	m->reps = calloc((size_t)m->nreps + 1, sizeof *m->reps);
	name_index *names = calloc((size_t)m->nteams + 1, sizeof *names);
	id_index *ids = calloc((size_t)m->nteams + 1, sizeof *ids);
	int *fill = calloc((size_t)m->nteams + 1, sizeof *fill);
	if (!m->teams || !m->reps || !names || !ids || !fill)
		abort();
	for (int i = 0; i < m->nteams; i++) {
		read_team(m, i);
		count_items(m, m->teams[i].card);
		m->nrecs += m->teams[i].nrecs;
		names[i] = (name_index){ m->teams[i].name, i };
		ids[i] = (id_index){ m->teams[i].id, i };
	}
	qsort(names, (size_t)m->nteams, sizeof *names, by_name);
	qsort(ids, (size_t)m->nteams, sizeof *ids, by_id);
	for (int i = 0; i < m->nreps; i++) {
		read_rep(m, i, names);
		m->has_prev |= api->result_previous(res, m->reps[i].card) != NULL;
	}
	for (int i = 0; i < m->nteams; i++)
		m->has_prev |= api->result_previous(res, m->teams[i].card) != NULL;
	/* Members by team rank: the reps come in rank order, which within a
	 * team is the team's own order, the reps without a score last. */
	for (int i = 0; i < m->nreps; i++)
		if (m->reps[i].team >= 0)
			m->teams[m->reps[i].team].nreps++;
	for (int i = 0; i < m->nteams; i++) {
		m->teams[i].reps = calloc((size_t)m->teams[i].nreps + 1, sizeof(int));
		if (!m->teams[i].reps)
			abort();
	}
	for (int i = 0; i < m->nreps; i++) {
		hr_rep *r = &m->reps[i];
		if (r->team >= 0) {
			hr_team *t = &m->teams[r->team];
			t->reps[fill[r->team]++] = i;
			t->nrecs += r->nrecs;
			t->ncoach += api->card_count(r->card, HUDDLE_COACHING);
		}
	}
	/* The legends, in rule order, before the page needs them. */
	for (int k = 0; k < 2; k++)
		if (api->result_count(res, k) > 0) {
			int n;
			free(hr_model_parts(m, api->result_card(res, k, 0), &n));
		}
	int rc = read_database(m, h, ids);
	free(names);
	free(ids);
	free(fill);
	return rc;
}

void hr_model_free(hr_model *m)
{
	for (int i = 0; i < m->nteams; i++) {
		free(m->teams[i].reps);
		free(m->teams[i].manager);
	}
	free(m->teams);
	free(m->reps);
	free(m->legend[0]);
	free(m->legend[1]);
	memset(m, 0, sizeof *m);
}
