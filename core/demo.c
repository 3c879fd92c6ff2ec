/*
 * demo.c - reproducible synthetic team data: the org (teams, reps,
 * trainings, team targets), the transaction and the bulk-load plumbing.
 * demo_sales.c says who each rep is and writes its quotas, deals and
 * activities, demo_people.c the rest of its rows.
 *
 * Every rep gets an archetype, so that each default rule has someone to
 * fire for.  The first reps of the org go through the list below once,
 * in order (a gamer brings a partner, the next rep of its team), so even
 * 20 reps show every archetype; later reps draw one at the share given.
 * Figures are for the latest quarter.
 *
 *   archetype        share  what sets it apart
 *   steady           63%    18-32 activities, 1-3 won deals worth 0.65-1.15
 *                           of quota, an incremental deal opened, an insight
 *                           or some cross-dept work, 0-3 assists received,
 *                           energy 3-5, wants to grow; 6% hired during the
 *                           history, without a quota in their first quarter
 *   star              3%    Senior AE mostly, 3-4 won deals, 1.3-1.65 of
 *                           quota, 30-38 activities, attends every training,
 *                           shares 2 insights, gives 1-2 assists unasked and
 *                           is often asked, 1-2 cross-dept
 *   lone_wolf         2%    a star's numbers, but no assists either way, no
 *                           insight shared or used, no cross-dept work;
 *                           invited to every training and attends none
 *   busy_no_wins      2.5%  60-75 activities, no won deal (0.3-0.5 of quota
 *                           the quarters before), 2-3 lost, 2-3 open
 *   quiet_helper      4%    0.5-0.8 of quota; gives 5-6 assists unasked and
 *                           is the likeliest to be asked, shares 2-3
 *                           insights, uses the most
 *   declining         3%    attainment 1.3, 1.0, 0.7, 0.4 (oldest to latest)
 *   rising            3%    attainment 0.31, 0.59, 0.87, 1.15
 *   low_energy        2%    check-in energy 1-2 (2-3 the quarter before)
 *   base_only         2.5%  only base deals, ever
 *   bridge_builder    2%    5-7 cross-dept rows, all five departments
 *   undebriefed       2%    assessment taken 90-400 days ago, no debrief
 *   stale_plan        2%    no life plan; last sales plan 150-240 days old
 *   no_want           2%    every check-in says wants_to_grow = 0 (half of
 *                           them the quarter before)
 *   gamer             2%    24-32 activities, 80% in the quarter's last 7
 *                           days; assists only with its partner, 3-5 each way
 *   referral_magnet   2%    3-4 won deals, 2 of them referrals of its own
 *                           earlier won deals, and 2 open referrals
 *   new_hire          3%    hired early in the quarter: no quota, one open
 *                           deal, 10-30 activities, no debrief yet
 *   departed          1%    active = 0, left before the latest quarter
 */
#include "demo_int.h"

#include "db.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const first_names[64] = {
    "Ana",   "Ben",    "Carla",  "David", "Elena", "Farid", "Grace",  "Hiro",  "Ines",   "Jamal",  "Kate",
    "Liam",  "Maya",   "Noah",   "Olga",  "Pablo", "Quinn", "Rosa",   "Sam",   "Tara",   "Umar",   "Vera",
    "Wei",   "Ximena", "Yusuf",  "Zoe",   "Aisha", "Bruno", "Chloe",  "Diego", "Emma",   "Felix",  "Gina",
    "Hugo",  "Ivy",    "Jonas",  "Keiko", "Leo",   "Mia",   "Nikhil", "Omar",  "Priya",  "Rafael", "Sofia",
    "Tomas", "Uma",    "Victor", "Wanda", "Yara",  "Zane",  "Adele",  "Boris", "Camila", "Dmitri", "Esther",
    "Finn",  "Hannah", "Igor",   "Julia", "Kofi",  "Lena",  "Marco",  "Nadia", "Oscar",
};

static const char *const last_names[64] = {
    "Ruiz",   "Smith",    "Nguyen",  "Garcia",   "Kim",       "Patel",    "Muller",  "Rossi",
    "Silva",  "Cohen",    "Okafor",  "Tanaka",   "Johnson",   "Lopez",    "Brown",   "Novak",
    "Jensen", "Kowalski", "Dubois",  "Haddad",   "Singh",     "Chen",     "Ivanova", "Murphy",
    "Walsh",  "Santos",   "Fischer", "Ali",      "Costa",     "Hansen",   "Moreau",  "Yilmaz",
    "Khan",   "Mendes",   "Larsen",  "Petrov",   "Bauer",     "Romano",   "Sato",    "Park",
    "Wong",   "Reyes",    "Morales", "Andersen", "Lindqvist", "Nakamura", "Mensah",  "Adeyemi",
    "Horvat", "Popescu",  "Schmidt", "Taylor",   "Wilson",    "Clarke",   "Evans",   "Baker",
    "Hughes", "Price",    "Foster",  "Grant",    "Hayes",     "Reed",     "Stone",   "Vargas",
};

static const char *const team_names[] = {"West",    "East",       "North",      "South",
                                         "Central", "Enterprise", "Mid-Market", "Channel"};

static const char *const org_trainings[] = {
    "Negotiation masterclass", "Value selling workshop",   "Product launch briefing",
    "Discovery skills lab",    "Forecasting fundamentals", "Presenting to executives",
    "Social selling basics",   "Pricing and discounting",
};

static const char *const team_trainings[] = {
    "deal review clinic",   "discovery call practice", "objection handling lab",
    "account planning day", "demo skills workshop",    "forecast hygiene session",
};

static const char *const role_names[] = {"SDR", "Account Executive", "Senior AE"};

/* DM_BATCH rows of activities in one statement: a third less time a row. */
#define ACT1  "(?, ?, ?, ?)"
#define ACT2  ACT1 ", " ACT1
#define ACT4  ACT2 ", " ACT2
#define ACT8  ACT4 ", " ACT4
#define ACT16 ACT8 ", " ACT8

/* The INSERT of each statement, with its table for error messages. */
static const struct {
	const char *table, *sql;
} inserts[DM_STMTS] = {
    {"teams", "INSERT INTO teams(id, name, manager, department) VALUES (?, ?, ?, 'sales')"},
    {"reps",
     "INSERT INTO reps(id, name, email, team_id, role, hired_on, active) VALUES (?, ?, ?, ?, ?, ?, ?)"},
    {"quotas", "INSERT INTO quotas(rep_id, starts_on, ends_on, amount) VALUES (?, ?, ?, ?)"},
    {"deals",
     "INSERT INTO deals(id, rep_id, account, amount, stage, kind, created_on, closed_on, referred_by)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"},
    {"activities", "INSERT INTO activities(rep_id, kind, occurred_on, deal_id) VALUES (?, ?, ?, ?)"},
    {"trainings", "INSERT INTO trainings(id, title, held_on, team_id) VALUES (?, ?, ?, ?)"},
    {"training_attendance",
     "INSERT INTO training_attendance(training_id, rep_id, attended) VALUES (?, ?, ?)"},
    {"insights", "INSERT INTO insights(id, author_id, shared_on, topic) VALUES (?, ?, ?, ?)"},
    {"insight_uses", "INSERT INTO insight_uses(insight_id, rep_id, used_on) VALUES (?, ?, ?)"},
    {"assists", "INSERT INTO assists(helper_id, helped_id, deal_id, occurred_on) VALUES (?, ?, ?, ?)"},
    {"cross_dept", "INSERT INTO cross_dept(rep_id, department, occurred_on, note) VALUES (?, ?, ?, ?)"},
    {"assessments", "INSERT INTO assessments(id, rep_id, instrument, taken_on, debriefed_on)"
                    " VALUES (?, ?, 'CliftonStrengths', ?, ?)"},
    {"strengths", "INSERT INTO strengths(assessment_id, talent, rank) VALUES (?, ?, ?)"},
    {"action_plans", "INSERT INTO action_plans(rep_id, kind, updated_on) VALUES (?, ?, ?)"},
    {"checkins", "INSERT INTO checkins(rep_id, on_date, energy, wants_to_grow, note) VALUES (?, ?, ?, ?, ?)"},
    {"coaching_sessions", "INSERT INTO coaching_sessions(rep_id, held_on, coach, topic) VALUES (?, ?, ?, ?)"},
    {"client_metrics",
     "INSERT INTO client_metrics(deal_id, metric, target, achieved, agreed_on) VALUES (?, ?, ?, ?, ?)"},
    {"activities", "INSERT INTO activities(rep_id, kind, occurred_on, deal_id) VALUES " ACT16},
};

/* The order the first reps take, so that a small org shows every archetype. */
static const uint8_t first_reps[] = {
    DM_STAR,       DM_LONE_WOLF,       DM_BUSY_NO_WINS,   DM_QUIET_HELPER, DM_DECLINING,  DM_RISING,
    DM_LOW_ENERGY, DM_BASE_ONLY,       DM_BRIDGE_BUILDER, DM_UNDEBRIEFED,  DM_STALE_PLAN, DM_NO_WANT,
    DM_GAMER,      DM_REFERRAL_MAGNET, DM_NEW_HIRE,       DM_DEPARTED,
};

/* Per mille of the later reps; steady takes what is left.  A gamer draw
 * makes two gamers. */
static const int share[DM_ARCHETYPES] = {
    [DM_STAR] = 30,           [DM_LONE_WOLF] = 20,       [DM_BUSY_NO_WINS] = 25, [DM_QUIET_HELPER] = 40,
    [DM_DECLINING] = 30,      [DM_RISING] = 30,          [DM_LOW_ENERGY] = 20,   [DM_BASE_ONLY] = 25,
    [DM_BRIDGE_BUILDER] = 20, [DM_UNDEBRIEFED] = 20,     [DM_STALE_PLAN] = 20,   [DM_NO_WANT] = 20,
    [DM_GAMER] = 10,          [DM_REFERRAL_MAGNET] = 20, [DM_NEW_HIRE] = 30,     [DM_DEPARTED] = 10,
};


static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

void dm_rng_seed(dm_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t x = seed;
	x = splitmix64(&x) ^ a * 0xD1B54A32D192ED03u;
	x = splitmix64(&x) ^ b * 0x8CB92BA72F3D8DD7u;
	for (int k = 0; k < 4; k++)
		r->s[k] = splitmix64(&x);
}

int dm_team_of(const dm_gen *g, int i)
{
	return i % g->nteams;
}

int dm_team_size(const dm_gen *g, int t)
{
	return g->nreps / g->nteams + (t < g->nreps % g->nteams);
}

int dm_employed(const dm_gen *g, int j, int day)
{
	return g->hired[j] <= day && day < g->left[j];
}

int64_t dm_training_id(const dm_gen *g, int k, int slot)
{
	return (int64_t)k * (g->nteams + DM_ORG_TRAININGS) + slot + 1;
}

int dm_training_day(const dm_gen *g, int k, int slot)
{
	const hd_period *q = &g->q[k];
	int day = slot < DM_ORG_TRAININGS ? q->start + 20 + 35 * slot : q->start + 25 + (slot * 11) % 50;
	return day < q->stop ? day : q->stop - 1;
}

void dm_manager_name(const dm_gen *g, int t, char *buf, size_t size)
{
	dm_rng r;
	dm_rng_seed(&r, g->seed, (uint64_t)t, 7);
	int f = dm_below(&r, 64), l = dm_below(&r, 64);
	snprintf(buf, size, "%s %s", first_names[f], last_names[l]);
}

void dm_bind_date(dm_gen *g, sqlite3_stmt *st, int col, int day)
{
	if (day >= g->date0 && day < g->date0 + g->ndates) {
		sqlite3_bind_text(st, col, g->dates + (size_t)(day - g->date0) * 11, 10, SQLITE_STATIC);
	} else {
		char buf[11];
		hd_date_format(day, buf);
		sqlite3_bind_text(st, col, buf, 10, SQLITE_TRANSIENT);
	}
}

void dm_insert(dm_gen *g, int stmt)
{
	sqlite3_stmt *st = g->st[stmt];
	if (sqlite3_step(st) != SQLITE_DONE && !g->failed) {
		g->failed = 1;
		hd_err_set(g->err, HD_EIO, "demo data: inserting into %s: %s", inserts[stmt].table,
		           sqlite3_errmsg(g->db));
	}
	sqlite3_reset(st);
}

/* Makes rep i a gamer together with a partner: the next rep of its team
 * if that one is still free, else the next free rep. Returns 0 when no
 * rep is free, and then i stays unassigned. */
static int pair_gamers(dm_gen *g, int i)
{
	int j = i + g->nteams;
	if (j >= g->nreps || g->arch[j] != 0xff)
		for (j = i + 1; j < g->nreps && g->arch[j] != 0xff; j++)
			;
	if (j >= g->nreps)
		return 0;
	g->arch[i] = g->arch[j] = DM_GAMER;
	g->partner[i] = j;
	g->partner[j] = i;
	return 1;
}

/* Deals out the archetypes: the list of first reps once, then draws. */
static void assign_archetypes(dm_gen *g, dm_rng *r)
{
	int i = 0;
	memset(g->arch, 0xff, (size_t)g->nreps);
	for (size_t k = 0; k < sizeof first_reps; k++) {
		while (i < g->nreps && g->arch[i] != 0xff)
			i++;
		if (i == g->nreps)
			break;
		if (first_reps[k] != DM_GAMER || !pair_gamers(g, i))
			g->arch[i] = first_reps[k] == DM_GAMER ? DM_STEADY : first_reps[k];
	}
	for (i = 0; i < g->nreps; i++) {
		if (g->arch[i] != 0xff)
			continue;
		int roll = dm_below(r, 1000), a = DM_STEADY;
		for (int k = 1; k < DM_ARCHETYPES; k++) {
			if (roll < share[k]) {
				a = k;
				break;
			}
			roll -= share[k];
		}
		if (a != DM_GAMER || !pair_gamers(g, i))
			g->arch[i] = a == DM_GAMER ? DM_STEADY : (uint8_t)a;
	}
}

/* Team t's name: the usual regions and segments, then numbers. */
static void team_name(int t, char *buf, size_t size)
{
	if (t < (int)(sizeof team_names / sizeof *team_names))
		snprintf(buf, size, "%s", team_names[t]);
	else
		snprintf(buf, size, "Team %d", t + 1);
}

/* Teams, the trainings of every quarter, and every rep (with the per-rep
 * arrays other reps' rows consult), before any row that references them. */
static void org_rows(dm_gen *g)
{
	char name[64], team[32], mgr[64], email[96];
	sqlite3_stmt *st = g->st[DM_TEAMS];
	for (int t = 0; t < g->nteams && !g->failed; t++) {
		team_name(t, name, sizeof name);
		dm_manager_name(g, t, mgr, sizeof mgr);
		sqlite3_bind_int(st, 1, t + 1);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, mgr, -1, SQLITE_TRANSIENT);
		dm_insert(g, DM_TEAMS);
	}
	st = g->st[DM_TRAININGS];
	for (int k = 0; k < g->nq && !g->failed; k++)
		for (int s = 0; s < DM_ORG_TRAININGS + g->nteams && !g->failed; s++) {
			if (s < DM_ORG_TRAININGS) {
				snprintf(name, sizeof name, "%s",
				         org_trainings[(k * DM_ORG_TRAININGS + s) % 8]);
				sqlite3_bind_null(st, 4);
			} else {
				team_name(s - DM_ORG_TRAININGS, team, sizeof team);
				snprintf(name, sizeof name, "%s: %s", team, team_trainings[(k + s) % 6]);
				sqlite3_bind_int(st, 4, s - DM_ORG_TRAININGS + 1);
			}
			sqlite3_bind_int64(st, 1, dm_training_id(g, k, s));
			sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
			dm_bind_date(g, st, 3, dm_training_day(g, k, s));
			dm_insert(g, DM_TRAININGS);
		}
	st = g->st[DM_REPS];
	for (int i = 0; i < g->nreps && !g->failed; i++) {
		dm_profile p;
		dm_profile_of(g, i, &p);
		g->hired[i] = p.hired;
		g->left[i] = p.left;
		snprintf(name, sizeof name, "%s %s", first_names[p.first], last_names[p.last]);
		int n = snprintf(email, sizeof email, "%s.%s.%d@example.com", first_names[p.first],
		                 last_names[p.last], i + 1);
		for (int c = 0; c < n; c++)
			if (email[c] >= 'A' && email[c] <= 'Z')
				email[c] = (char)(email[c] - 'A' + 'a');
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, email, n, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 4, dm_team_of(g, i) + 1);
		sqlite3_bind_text(st, 5, role_names[p.role], -1, SQLITE_STATIC);
		dm_bind_date(g, st, 6, p.hired);
		sqlite3_bind_int(st, 7, p.left == INT_MAX);
		dm_insert(g, DM_REPS);
	}
}

/* Refuses a database that already holds data of any table we fill: ids
 * and names would clash, and demo data mixed into real data misleads. */
static int check_empty(sqlite3 *db, hd_err *err)
{
	char sql[96];
	/* The generator fills every table users fill. */
	for (int k = 0; hd_user_tables[k]; k++) {
		sqlite3_stmt *st;
		snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s)", hd_user_tables[k]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			return hd_err_set(err, HD_EINPUT, "demo data: %s (is this a huddle database?)",
			                  sqlite3_errmsg(db));
		int rc = sqlite3_step(st), has = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return hd_err_set(err, HD_EIO, "demo data: %s", sqlite3_errmsg(db));
		if (has)
			return hd_err_set(err, HD_EINPUT,
			                  "demo data goes into an empty database, but table %s already "
			                  "has rows; use a new --db file",
			                  hd_user_tables[k]);
	}
	return 0;
}

/* Fills g from opts; allocates what dm_gen_free releases. */
static int gen_init(dm_gen *g, sqlite3 *db, const hd_demo_opts *opts, hd_err *err)
{
	dm_rng r;
	memset(g, 0, sizeof *g);
	g->db = db;
	g->err = err;
	g->seed = opts->seed;
	g->nreps = opts->reps;
	g->nteams = opts->teams;
	g->nq = opts->periods;
	g->q = hd_xcalloc((size_t)g->nq, sizeof *g->q);
	/* A month or a year given as the end means the quarter it ends in. */
	hd_period_quarter_of(opts->end.stop - 1, opts->end.fiscal_start, &g->q[g->nq - 1]);
	for (int k = g->nq - 1; k > 0; k--)
		hd_period_prev(&g->q[k], &g->q[k - 1]);
	g->first_day = g->q[0].start;
	g->last_day = g->q[g->nq - 1].stop - 1;
	/* Hire dates reach 3000 days back; everything later is cached. */
	g->date0 = g->first_day - 3100;
	g->ndates = g->last_day - g->date0 + 1;
	g->dates = hd_xmalloc((size_t)g->ndates * 11);
	for (int d = 0; d < g->ndates; d++)
		hd_date_format(g->date0 + d, g->dates + (size_t)d * 11);
	g->arch = hd_xmalloc((size_t)g->nreps);
	g->partner = hd_xmalloc((size_t)g->nreps * sizeof *g->partner);
	memset(g->partner, 0xff, (size_t)g->nreps * sizeof *g->partner);
	g->hired = hd_xmalloc((size_t)g->nreps * sizeof *g->hired);
	g->left = hd_xmalloc((size_t)g->nreps * sizeof *g->left);
	dm_rng_seed(&r, g->seed, 0, 9);
	g->name_off = (uint32_t)dm_below(&r, 4096);
	g->name_step = (uint32_t)dm_range(&r, 300, 1800) | 1;
	assign_archetypes(g, &r);
	for (int k = 0; k < DM_STMTS; k++)
		if (sqlite3_prepare_v2(db, inserts[k].sql, -1, &g->st[k], NULL) != SQLITE_OK)
			return hd_err_set(err, HD_EINPUT, "demo data: preparing the insert into %s: %s",
			                  inserts[k].table, sqlite3_errmsg(db));
	return 0;
}

/* Releases what gen_init allocated, also after it failed. */
static void gen_free(dm_gen *g)
{
	for (int k = 0; k < DM_STMTS; k++)
		sqlite3_finalize(g->st[k]);
	free(g->q);
	free(g->dates);
	free(g->arch);
	free(g->partner);
	free(g->hired);
	free(g->left);
}

/* The user tables' secondary indexes, kept while the rows go in: building
 * an index once from sorted rows beats updating it row by row. */
typedef struct saved_indexes {
	char **sql;
	int n;
} saved_indexes;

/* Drops the secondary indexes of the user tables, keeping their SQL in
 * *s (the caller frees it with free_indexes). */
static int drop_indexes(sqlite3 *db, saved_indexes *s, hd_err *err)
{
	sqlite3_stmt *st;
	s->sql = NULL;
	s->n = 0;
	if (sqlite3_prepare_v2(db,
	                       "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
	                       " AND tbl_name IN ('teams', 'reps', 'quotas', 'team_targets', 'deals',"
	                       " 'activities', 'trainings', 'training_attendance', 'insights',"
	                       " 'insight_uses', 'assists', 'cross_dept', 'assessments', 'strengths',"
	                       " 'action_plans', 'checkins', 'coaching_sessions', 'client_metrics')"
	                       " ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return hd_err_set(err, HD_EIO, "demo data: %s", sqlite3_errmsg(db));
	/* The schema cannot change while it is being read: drop afterwards. */
	sqlite3_str *drop = sqlite3_str_new(db);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_str_appendf(drop, "DROP INDEX \"%w\";", (const char *)sqlite3_column_text(st, 0));
		s->sql = hd_xrealloc(s->sql, (size_t)(s->n + 1) * sizeof *s->sql);
		s->sql[s->n++] = hd_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	int rc = sqlite3_finalize(st) != SQLITE_OK
	             ? hd_err_set(err, HD_EIO, "demo data: %s", sqlite3_errmsg(db))
	             : 0;
	char *sql = sqlite3_str_finish(drop);
	if (!rc)
		rc = sql ? hd_db_exec(db, sql, err) : hd_err_nomem(err);
	sqlite3_free(sql);
	return rc;
}

/* Recreates the dropped indexes; they are the last tenth of the work. */
static int restore_indexes(sqlite3 *db, const saved_indexes *s, const hd_demo_opts *opts, hd_err *err)
{
	for (int k = 0; k < s->n; k++) {
		if (hd_db_exec(db, s->sql[k], err))
			return hd_err_wrap(err, "demo data: rebuilding an index: ");
		if (opts->progress)
			opts->progress(opts->progress_ud, 0.9 + 0.1 * (k + 1) / s->n);
	}
	return 0;
}

static void free_indexes(saved_indexes *s)
{
	for (int k = 0; k < s->n; k++)
		free(s->sql[k]);
	free(s->sql);
}

/* Team targets follow from the quotas: about 90% of the members' sum,
 * in round thousands. */
static const char team_targets_sql[] =
    "INSERT INTO team_targets(team_id, starts_on, ends_on, amount)"
    " SELECT r.team_id, q.starts_on, max(q.ends_on), round(0.9 * sum(q.amount) / 1000) * 1000"
    " FROM quotas q JOIN reps r ON r.id = q.rep_id"
    " GROUP BY r.team_id, q.starts_on ORDER BY r.team_id, q.starts_on";

/* Connection settings for the load, restored afterwards.  The rows are
 * correct by construction, so the load skips what guards other writers:
 * durability is for the commit (a killed process leaves the WAL to undo
 * nothing: uncommitted frames are ignored); foreign keys cost two lookups
 * a row; and CHECKs, besides their own cost, make SQLite build a
 * temporary table per row for every IN list of three or more values.
 * The journal stays WAL although a rollback journal would load faster
 * (each page is written twice in WAL): readers must not wait for the
 * load, so an evaluation beside it still finishes. */
static const struct {
	const char *name, *value;
} load_pragmas[] = {
    {"synchronous", "OFF"},
    {"cache_size", "-65536"},           {"foreign_keys", "OFF"},
    {"ignore_check_constraints", "ON"},
};
#define LOAD_PRAGMAS (int)(sizeof load_pragmas / sizeof *load_pragmas)

/* Runs "PRAGMA name" or "PRAGMA name = value" and keeps the first
 * column of the answer in buf (empty if none). */
static void pragma(sqlite3 *db, const char *name, const char *value, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	char *sql =
	    value ? sqlite3_mprintf("PRAGMA %s = %s", name, value) : sqlite3_mprintf("PRAGMA %s", name);
	if (buf)
		buf[0] = 0;
	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && buf && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_free(sql);
}

/* Everything between BEGIN and COMMIT. */
static int fill(dm_gen *g, const hd_demo_opts *opts, hd_err *err)
{
	saved_indexes idx;
	if (drop_indexes(g->db, &idx, err)) {
		free_indexes(&idx);
		return err->code;
	}
	org_rows(g);
	for (int i = 0; i < g->nreps && !g->failed; i++) {
		dm_rep_rows(g, i);
		if (opts->progress && (i + 1) % 4096 == 0)
			opts->progress(opts->progress_ud, 0.9 * (i + 1) / g->nreps);
	}
	int rc = g->failed ? err->code : hd_db_exec(g->db, team_targets_sql, err);
	if (!rc)
		rc = restore_indexes(g->db, &idx, opts, err);
	free_indexes(&idx);
	return rc;
}

int hd_demo_generate(sqlite3 *db, const hd_demo_opts *opts, hd_err *err)
{
	if (opts->reps < 1)
		return hd_err_set(err, HD_EUSAGE, "demo data needs at least one rep (--reps)");
	if (opts->teams < 1 || opts->teams > opts->reps)
		return hd_err_set(err, HD_EUSAGE, "--teams must be between 1 and the number of reps (%d)",
		                  opts->reps);
	if (opts->periods < 1 || opts->periods > 400)
		return hd_err_set(err, HD_EUSAGE, "--periods must be between 1 and 400 quarters");
	if (check_empty(db, err))
		return err->code;

	dm_gen g;
	char saved[LOAD_PRAGMAS][32];
	int rc = gen_init(&g, db, opts, err);
	if (rc) {
		gen_free(&g);
		return rc;
	}
	for (int k = 0; k < LOAD_PRAGMAS; k++) {
		pragma(db, load_pragmas[k].name, NULL, saved[k], sizeof saved[k]);
		pragma(db, load_pragmas[k].name, load_pragmas[k].value, NULL, 0);
	}
	/* A new file nobody else can see yet (cmd_demo.c renames it into
	 * place) needs neither the WAL nor a journal: every page is written
	 * once, where a WAL writes it twice and grows to the size of the
	 * database (52 GB written for 14 GB at a million reps). */
	int unjournaled = 0;
	if (opts->fresh) {
		/* Defensive mode (db.c) refuses journal_mode = OFF, rightly for
		 * any database but this one. */
		char mode[16];
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)NULL);
		pragma(db, "journal_mode", "OFF", mode, sizeof mode);
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
		unjournaled = !strcmp(mode, "off");
	}
	rc = hd_db_exec(db, "BEGIN IMMEDIATE", err);
	if (!rc) {
		rc = fill(&g, opts, err);
		if (!rc)
			rc = hd_db_exec(db, "COMMIT", err);
		if (rc)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (!rc && unjournaled)
		rc = hd_db_exec(db, "PRAGMA journal_mode = WAL", err);
	for (int k = LOAD_PRAGMAS - 1; k >= 0; k--)
		if (saved[k][0])
			pragma(db, load_pragmas[k].name, saved[k], NULL, 0);
	gen_free(&g);
	if (!rc && opts->progress)
		opts->progress(opts->progress_ud, 1.0);
	return rc;
}
