/* compare_run.c - a saved run (store.c's runs, run_subjects, run_items)
 * read back as one side of a comparison. */
#include <stdlib.h>
#include <string.h>

#include "compare.h"

static const char *const sql_run =
    "SELECT period, start, stop, as_of, rules_hash, finished_at, rule_errors FROM runs WHERE id = ?1";
static const char *const sql_subjects =
    "SELECT kind, subject_id, name, team, score, rank, team_rank FROM run_subjects WHERE run_id = ?1 "
    "ORDER BY kind, subject_id";
static const char *const sql_items =
    "SELECT kind, subject_id, item, rule, value, weight, severity, text, location FROM run_items "
    "WHERE run_id = ?1 ORDER BY kind, subject_id, seq";

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static void copy_text(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	snprintf(dst, n, "%s", col_text(st, i));
}

/* The message for a run id the database does not have: which it has. */
static int no_such_run(sqlite3 *db, const char *db_path, int64_t id, hd_err *err)
{
	sqlite3_stmt *st;
	long long lo = 0, hi = 0, n = 0;
	if (sqlite3_prepare_v2(db, "SELECT min(id), max(id), count(*) FROM runs", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		lo = sqlite3_column_int64(st, 0);
		hi = sqlite3_column_int64(st, 1);
		n = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (!n)
		return hd_err_set(err, HD_EUSAGE,
				  "%s: no saved run %lld: the database has no saved runs yet "
				  "('huddle eval' saves one)",
				  db_path, (long long)id);
	return hd_err_set(err, HD_EUSAGE, "%s: no saved run %lld: its runs are %lld to %lld", db_path,
			  (long long)id, lo, hi);
}

/* A rule name of the run, one copy per name: items of every subject come
 * in the same order, so the next name is almost always the one after the
 * last found. */
typedef struct names {
	hd_cmp_rule *v;
	int n, cap, last;
} names;

static hd_cmp_rule *intern(hd_cmp_side *s, names *nm, const char *name, hd_rule_type type, hd_kind kind)
{
	for (int k = 0; k < nm->n; k++) {
		hd_cmp_rule *r = &nm->v[(nm->last + k) % nm->n];
		if (r->type == type && r->kind == kind && !strcmp(r->name, name)) {
			nm->last = (int)(r - nm->v + 1) % nm->n;
			return r;
		}
	}
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? 2 * nm->cap : 32;
		nm->v = hd_xrealloc(nm->v, sizeof *nm->v * (size_t)nm->cap);
	}
	hd_cmp_rule *r = &nm->v[nm->n++];
	*r = (hd_cmp_rule){ hd_arena_strdup(&s->arena, name), type, kind, 0 };
	nm->last = 0;
	return r;
}

/* Items of one subject, gathered before they are copied into the arena. */
typedef struct gather {
	hd_cmp_comp *comps;
	hd_cmp_item *items[3]; /* recognitions, coaching, errors */
	int ncomps, nitems[3];
} gather;

/* Room for one more element in p, which holds n of *cap. */
static void *reserve(void *p, int n, int *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 16;
	return hd_xrealloc(p, size * (size_t)*cap);
}

static void flush(hd_cmp_side *s, hd_cmp_card *c, gather *g)
{
	hd_arena *a = &s->arena;
	if (c) {
		c->ncomps = g->ncomps;
		c->comps = g->ncomps ? memcpy(hd_arena_alloc(a, sizeof *c->comps * (size_t)g->ncomps),
					      g->comps, sizeof *c->comps * (size_t)g->ncomps)
				     : NULL;
		hd_cmp_item **dst[3] = { &c->recs, &c->coach, &c->errs };
		int *cnt[3] = { &c->nrecs, &c->ncoach, &c->nerrs };
		for (int k = 0; k < 3; k++) {
			*cnt[k] = g->nitems[k];
			*dst[k] = g->nitems[k]
				      ? memcpy(hd_arena_alloc(a, sizeof **dst[k] * (size_t)g->nitems[k]),
					       g->items[k], sizeof **dst[k] * (size_t)g->nitems[k])
				      : NULL;
		}
	}
	g->ncomps = g->nitems[0] = g->nitems[1] = g->nitems[2] = 0;
}

/* Finds the card of (kind, id); cards and items are both in (kind, id)
 * order, so a cursor per kind suffices. */
static hd_cmp_card *card_of(hd_cmp_side *s, int *cursor, int kind, int64_t id)
{
	hd_cmp_card *v = kind == HD_REP ? s->reps : s->teams;
	int n = kind == HD_REP ? s->nreps : s->nteams;
	while (cursor[kind] < n && v[cursor[kind]].id < id)
		cursor[kind]++;
	return cursor[kind] < n && v[cursor[kind]].id == id ? &v[cursor[kind]] : NULL;
}

static int read_items(hd_cmp_side *s, sqlite3_stmt *st, names *nm)
{
	gather g = { 0 };
	int gcap[4] = { 0 };
	int cursor[2] = { 0, 0 };
	hd_cmp_card *cur = NULL;
	int cur_kind = -1;
	int64_t cur_id = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = !strcmp(col_text(st, 0), "team") ? HD_TEAM : HD_REP;
		int64_t id = sqlite3_column_int64(st, 1);
		if (kind != cur_kind || id != cur_id) {
			flush(s, cur, &g);
			cur = card_of(s, cursor, kind, id);
			cur_kind = kind;
			cur_id = id;
		}
		const char *item = col_text(st, 2), *rule = col_text(st, 3);
		if (!strcmp(item, "component")) {
			g.comps = reserve(g.comps, g.ncomps, &gcap[3], sizeof *g.comps);
			hd_cmp_rule *r = intern(s, nm, rule, HD_SCORE, (hd_kind)kind);
			r->weight = sqlite3_column_double(st, 5);
			int has = sqlite3_column_type(st, 4) != SQLITE_NULL;
			g.comps[g.ncomps++] =
			    (hd_cmp_comp){ r->name, has, has ? sqlite3_column_double(st, 4) : 0, r->weight, 0 };
			continue;
		}
		int k = !strcmp(item, "recognition") ? 0 : !strcmp(item, "coaching") ? 1 : 2;
		g.items[k] = reserve(g.items[k], g.nitems[k], &gcap[k], sizeof *g.items[k]);
		hd_cmp_item *it = &g.items[k][g.nitems[k]++];
		hd_rule_type type = k == 0 ? HD_RECOGNIZE : HD_COACH;
		it->rule =
		    k < 2 ? intern(s, nm, rule, type, (hd_kind)kind)->name : hd_arena_strdup(&s->arena, rule);
		it->text = hd_arena_strdup(&s->arena, col_text(st, 7));
		it->severity = k == 1 ? hd_arena_strdup(&s->arena, col_text(st, 6)) : NULL;
		it->where = k == 2 ? hd_arena_strdup(&s->arena, col_text(st, 8)) : NULL;
	}
	flush(s, cur, &g);
	free(g.comps);
	for (int k = 0; k < 3; k++)
		free(g.items[k]);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int read_subjects(hd_cmp_side *s, sqlite3_stmt *st)
{
	int cap[2] = { 0, 0 };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = !strcmp(col_text(st, 0), "team") ? HD_TEAM : HD_REP;
		hd_cmp_card **v = kind == HD_REP ? &s->reps : &s->teams;
		int *n = kind == HD_REP ? &s->nreps : &s->nteams;
		if (*n == cap[kind]) {
			cap[kind] = cap[kind] ? 2 * cap[kind] : 256;
			*v = hd_xrealloc(*v, sizeof **v * (size_t)cap[kind]);
		}
		hd_cmp_card *c = &(*v)[(*n)++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 1);
		c->name = hd_arena_strdup(&s->arena, col_text(st, 2));
		c->team = kind == HD_REP ? hd_arena_strdup(&s->arena, col_text(st, 3)) : NULL;
		c->has_score = sqlite3_column_type(st, 4) != SQLITE_NULL;
		c->score = sqlite3_column_double(st, 4);
		c->rank = sqlite3_column_int(st, 5);
		c->team_rank = kind == HD_REP ? sqlite3_column_int(st, 6) : 0;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_card_name(const void *a, const void *b)
{
	return strcmp((*(const hd_cmp_card *const *)a)->name, (*(const hd_cmp_card *const *)b)->name);
}

/* The cards were grown with realloc; the side hands out arena memory
 * only, so that hd_cmp_side_free is the one release. */
static void settle(hd_cmp_side *s)
{
	hd_cmp_card *v[2] = { s->reps, s->teams };
	int n[2] = { s->nreps, s->nteams };
	for (int k = 0; k < 2; k++) {
		hd_cmp_card *a = hd_arena_alloc(&s->arena, sizeof *a * ((size_t)n[k] + 1));
		if (n[k])
			memcpy(a, v[k], sizeof *a * (size_t)n[k]);
		free(v[k]);
		*(k == HD_REP ? &s->reps : &s->teams) = a;
	}
	/* A run does not record team sizes: count the members it scored,
	 * finding each rep's team by name among the teams sorted by name. */
	hd_cmp_card **by_name = hd_xmalloc(sizeof *by_name * ((size_t)s->nteams + 1));
	for (int t = 0; t < s->nteams; t++)
		by_name[t] = &s->teams[t];
	qsort(by_name, (size_t)s->nteams, sizeof *by_name, cmp_card_name);
	for (int r = 0; r < s->nreps; r++) {
		hd_cmp_card key = { .name = s->reps[r].team }, *k = &key;
		hd_cmp_card **t = bsearch(&k, by_name, (size_t)s->nteams, sizeof *by_name, cmp_card_name);
		if (t)
			(*t)->members++;
	}
	free(by_name);
}

int hd_cmp_side_from_run(hd_cmp_side *s, sqlite3 *db, const char *db_path, int64_t id, hd_err *err)
{
	memset(s, 0, sizeof *s);
	sqlite3_stmt *run = NULL, *subj = NULL, *items = NULL;
	names nm = { 0 };
	int rc = 0;
	if (sqlite3_prepare_v2(db, sql_run, -1, &run, NULL) ||
	    sqlite3_prepare_v2(db, sql_subjects, -1, &subj, NULL) ||
	    sqlite3_prepare_v2(db, sql_items, -1, &items, NULL)) {
		rc = hd_err_set(err, HD_EIO, "%s: reading saved runs: %s", db_path, sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_bind_int64(run, 1, id);
	int step = sqlite3_step(run);
	if (step == SQLITE_DONE) {
		rc = no_such_run(db, db_path, id, err);
		goto done;
	}
	if (step != SQLITE_ROW) {
		rc = hd_err_set(err, HD_EIO, "%s: reading run %lld: %s", db_path, (long long)id,
				sqlite3_errmsg(db));
		goto done;
	}
	s->run_id = id;
	copy_text(s->period, sizeof s->period, run, 0);
	copy_text(s->start, sizeof s->start, run, 1);
	copy_text(s->stop, sizeof s->stop, run, 2);
	copy_text(s->as_of, sizeof s->as_of, run, 3);
	copy_text(s->rules_hash, sizeof s->rules_hash, run, 4);
	copy_text(s->saved_at, sizeof s->saved_at, run, 5);
	s->nerrors = sqlite3_column_int(run, 6);
	char what[128];
	snprintf(what, sizeof what, "run %lld, saved %s", (long long)id, s->saved_at);
	s->what = hd_arena_strdup(&s->arena, what);
	sqlite3_bind_int64(subj, 1, id);
	sqlite3_bind_int64(items, 1, id);
	if (read_subjects(s, subj)) {
		settle(s);
		rc = hd_err_set(err, HD_EIO, "%s: reading run %lld: %s", db_path, (long long)id,
				sqlite3_errmsg(db));
		goto done;
	}
	settle(s);
	if (read_items(s, items, &nm)) {
		rc = hd_err_set(err, HD_EIO, "%s: reading run %lld: %s", db_path, (long long)id,
				sqlite3_errmsg(db));
		goto done;
	}
	for (int i = 0; i < s->nreps; i++)
		hd_cmp_contributions(&s->reps[i]);
	for (int i = 0; i < s->nteams; i++)
		hd_cmp_contributions(&s->teams[i]);
	/* Only the scores are known for sure: a policy that never fired
	 * left no trace in the run. */
	s->rules = hd_arena_alloc(&s->arena, sizeof *s->rules * ((size_t)nm.n + 1));
	for (int i = 0; i < nm.n; i++)
		if (nm.v[i].type == HD_SCORE)
			s->rules[s->nrules++] = nm.v[i];
done:
	free(nm.v);
	sqlite3_finalize(run);
	sqlite3_finalize(subj);
	sqlite3_finalize(items);
	return rc;
}
