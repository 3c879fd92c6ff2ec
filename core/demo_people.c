/*
 * demo_people.c - the people side of a rep's rows: assists, insights and
 * their use by peers, cross-department work, training attendance,
 * check-ins, coaching, the strengths assessment and action plans.
 */
#include "demo_int.h"

#include <limits.h>

static const char *const departments[] = {"marketing", "operations", "service", "product", "finance"};

static const char *const dept_notes[5][3] = {
    {"Joint campaign for the spring launch", "Case study with a happy client", "Lead scoring review"},
    {"Delivery handoff for a new client", "Onboarding plan review", "Fixed a provisioning delay"},
    {"Escalation review with support", "Renewal risk check", "Shadowed a support shift"},
    {"Roadmap feedback from clients", "Beta program nominations", "Competitive gap review"},
    {"Pricing approval for a large deal", "Payment terms for a renewal", "Forecast alignment"},
};

static const char *const insight_topics[] = {
    "Objection handling: price",     "Winning against a larger vendor",
    "Discovery questions that work", "Multi-threading into procurement",
    "Using client success stories",  "Shortening legal review",
    "Reviving stalled deals",        "Finding the economic buyer",
    "Cold email that gets replies",  "Running a tight demo",
    "Expanding within an account",   "Asking for referrals",
    "Mutual action plans",           "Handling a champion who leaves",
    "Pricing conversations early",   "Following up after events",
};

static const char *const coaching_topics[] = {
    "Pipeline review", "Discovery call practice", "Negotiation role-play", "Account planning",
    "Career goals",    "Strengths follow-up",     "Time management",       "Deal strategy",
};

static const char *const notes_low[] = {"Running on empty", "Too many fires this month", "Sleeping badly",
                                        "Not sure where I am heading"};
static const char *const notes_mid[] = {"Steady month", "Busy but fine", "Pipeline looks okay",
                                        "Learning the new product"};
static const char *const notes_high[] = {"Great month", "Feeling strong about the quarter",
                                         "Loving the new accounts", "Closed a tough one"};

static const char *const talents[20] = {
    "Achiever",  "Relator",    "Woo",      "Strategic", "Learner",    "Communication",  "Competition",
    "Empathy",   "Focus",      "Ideation", "Includer",  "Activator",  "Arranger",       "Command",
    "Developer", "Futuristic", "Harmony",  "Maximizer", "Positivity", "Responsibility",
};

#define N(a)       (int)(sizeof(a) / sizeof *(a))
#define PICK(r, a) (a)[dm_below((r), N(a))]

/* How likely a peer of each archetype is to be picked, out of 4: to
 * help, to be helped unasked, to use an insight.  Zero keeps lone wolves
 * apart, and gamers to their pairs. */
static const uint8_t help_weight[DM_ARCHETYPES] = {
    [DM_STEADY] = 1,       [DM_STAR] = 2,           [DM_LONE_WOLF] = 0,       [DM_BUSY_NO_WINS] = 1,
    [DM_QUIET_HELPER] = 4, [DM_DECLINING] = 1,      [DM_RISING] = 1,          [DM_LOW_ENERGY] = 1,
    [DM_BASE_ONLY] = 1,    [DM_BRIDGE_BUILDER] = 1, [DM_UNDEBRIEFED] = 1,     [DM_STALE_PLAN] = 1,
    [DM_NO_WANT] = 1,      [DM_GAMER] = 0,          [DM_REFERRAL_MAGNET] = 1, [DM_NEW_HIRE] = 0,
    [DM_DEPARTED] = 1,
};
static const uint8_t helped_weight[DM_ARCHETYPES] = {
    [DM_STEADY] = 2,       [DM_STAR] = 1,           [DM_LONE_WOLF] = 0,       [DM_BUSY_NO_WINS] = 2,
    [DM_QUIET_HELPER] = 2, [DM_DECLINING] = 2,      [DM_RISING] = 2,          [DM_LOW_ENERGY] = 2,
    [DM_BASE_ONLY] = 2,    [DM_BRIDGE_BUILDER] = 2, [DM_UNDEBRIEFED] = 2,     [DM_STALE_PLAN] = 2,
    [DM_NO_WANT] = 2,      [DM_GAMER] = 0,          [DM_REFERRAL_MAGNET] = 2, [DM_NEW_HIRE] = 4,
    [DM_DEPARTED] = 2,
};
static const uint8_t use_weight[DM_ARCHETYPES] = {
    [DM_STEADY] = 1,       [DM_STAR] = 2,           [DM_LONE_WOLF] = 0,       [DM_BUSY_NO_WINS] = 1,
    [DM_QUIET_HELPER] = 4, [DM_DECLINING] = 1,      [DM_RISING] = 1,          [DM_LOW_ENERGY] = 1,
    [DM_BASE_ONLY] = 1,    [DM_BRIDGE_BUILDER] = 1, [DM_UNDEBRIEFED] = 1,     [DM_STALE_PLAN] = 1,
    [DM_NO_WANT] = 1,      [DM_GAMER] = 1,          [DM_REFERRAL_MAGNET] = 1, [DM_NEW_HIRE] = 2,
    [DM_DEPARTED] = 1,
};

/* Another rep employed on day, mostly of i's team, drawn by weight; -1
 * if a dozen draws find nobody (a team of one, say). */
static int pick_peer(const dm_gen *g, int i, int day, const uint8_t *weight, dm_rng *r)
{
	int t = dm_team_of(g, i), size = dm_team_size(g, t);
	for (int tries = 0; tries < 12; tries++) {
		int j = size > 1 && dm_chance(r, 0.85) ? dm_below(r, size) * g->nteams + t
		                                       : dm_below(r, g->nreps);
		if (j != i && dm_employed(g, j, day) && dm_below(r, 4) < weight[g->arch[j]])
			return j;
	}
	return -1;
}

static void put_assist(dm_gen *g, int helper, int helped, int64_t deal, int day)
{
	sqlite3_stmt *st = g->st[DM_ASSISTS];
	sqlite3_bind_int(st, 1, helper + 1);
	sqlite3_bind_int(st, 2, helped + 1);
	if (deal)
		sqlite3_bind_int64(st, 3, deal);
	else
		sqlite3_bind_null(st, 3);
	dm_bind_date(g, st, 4, day);
	dm_insert(g, DM_ASSISTS);
}

/* Assists the rep received on its deals (a gamer only from its partner),
 * then those a generous rep gives unasked. */
static void assists(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	int n = p->arch == DM_LONE_WOLF  ? 0
	        : p->arch == DM_GAMER    ? dm_range(r, 3, 5)
	        : p->arch == DM_NEW_HIRE ? dm_range(r, 1, 3)
	                                 : dm_below(r, 4);
	for (int k = 0; k < n; k++) {
		const dm_deal *d =
		    qt->ndeals && dm_chance(r, 0.7) ? &qt->deal[dm_below(r, qt->ndeals)] : NULL;
		int day = d ? dm_range(r, d->created > qt->lo ? d->created : qt->lo,
		                       d->closed >= 0 ? d->closed : qt->hi)
		            : dm_range(r, qt->lo, qt->hi);
		int helper = p->arch == DM_GAMER ? g->partner[i] : pick_peer(g, i, day, help_weight, r);
		if (helper >= 0 && dm_employed(g, helper, day))
			put_assist(g, helper, i, d ? d->id : 0, day);
	}
	n = p->arch == DM_QUIET_HELPER ? dm_range(r, 5, 6) : p->arch == DM_STAR ? dm_range(r, 1, 2) : 0;
	for (int k = 0; k < n; k++) {
		int day = dm_range(r, qt->lo, qt->hi), helped = pick_peer(g, i, day, helped_weight, r);
		if (helped >= 0)
			put_assist(g, i, helped, 0, day);
	}
}

/* Insights the rep shares, each used by a few distinct peers. */
static int insights(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	int a = p->arch;
	int n = a == DM_STAR                            ? 2
	        : a == DM_QUIET_HELPER                  ? dm_range(r, 2, 3)
	        : a == DM_LONE_WOLF || a == DM_NEW_HIRE ? 0
	                                                : dm_chance(r, a == DM_BRIDGE_BUILDER ? 0.5 : 0.35);
	for (int k = 0; k < n; k++) {
		sqlite3_stmt *st = g->st[DM_INSIGHTS];
		int64_t id = ++g->next_insight;
		int day = dm_range(r, qt->lo, qt->hi), users[5], nu = 0;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i + 1);
		dm_bind_date(g, st, 3, day);
		sqlite3_bind_text(st, 4, PICK(r, insight_topics), -1, SQLITE_STATIC);
		dm_insert(g, DM_INSIGHTS);
		int uses = a == DM_STAR || a == DM_QUIET_HELPER ? dm_range(r, 2, 5) : dm_range(r, 0, 3);
		st = g->st[DM_INSIGHT_USES];
		for (int u = 0; u < uses; u++) {
			int used = day + dm_range(r, 1, 21);
			if (used > g->last_day)
				used = g->last_day;
			int j = pick_peer(g, i, used, use_weight, r), m = 0;
			while (m < nu && users[m] != j)
				m++;
			if (j < 0 || m < nu)
				continue;
			users[nu++] = j;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, j + 1);
			dm_bind_date(g, st, 3, used);
			dm_insert(g, DM_INSIGHT_USES);
		}
	}
	return n;
}

/* Work with other departments; a bridge builder spans at least three.
 * Everyone but a lone wolf does something beyond their own desk. */
static void cross_dept(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, int shared, dm_rng *r)
{
	int roll = dm_below(r, 100), d0 = dm_below(r, 5);
	int n = p->arch == DM_BRIDGE_BUILDER ? dm_range(r, 5, 7)
	        : p->arch == DM_LONE_WOLF    ? 0
	        : p->arch == DM_STAR         ? dm_range(r, 1, 2)
	                                     : (roll >= 45) + (roll >= 85);
	if (n == 0 && shared == 0 && p->arch != DM_LONE_WOLF)
		n = 1;
	sqlite3_stmt *st = g->st[DM_CROSS_DEPT];
	for (int k = 0; k < n; k++) {
		int d = p->arch == DM_BRIDGE_BUILDER ? (d0 + k) % 5 : dm_below(r, 5);
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_text(st, 2, departments[d], -1, SQLITE_STATIC);
		dm_bind_date(g, st, 3, dm_range(r, qt->lo, qt->hi));
		sqlite3_bind_text(st, 4, dept_notes[d][dm_below(r, 3)], -1, SQLITE_STATIC);
		dm_insert(g, DM_CROSS_DEPT);
	}
}

/* The team's training and some org-wide ones; top producers are always
 * invited, and a lone wolf never shows up. */
static void attendance(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	int a = p->arch, team_slot = DM_ORG_TRAININGS + dm_team_of(g, i);
	double attends = a == DM_LONE_WOLF                  ? 0
	                 : a == DM_STAR || a == DM_NEW_HIRE ? 1
	                 : a == DM_QUIET_HELPER             ? 0.97
	                 : a == DM_BUSY_NO_WINS             ? 0.75
	                                                    : 0.95;
	sqlite3_stmt *st = g->st[DM_ATTENDANCE];
	for (int s = 0; s <= DM_ORG_TRAININGS; s++) {
		int slot = s < DM_ORG_TRAININGS ? s : team_slot;
		int day = dm_training_day(g, qt->k, slot);
		if (day < qt->lo || day > qt->hi)
			continue;
		if (s < DM_ORG_TRAININGS && a != DM_STAR && a != DM_LONE_WOLF && !dm_chance(r, 0.35))
			continue;
		sqlite3_bind_int64(st, 1, dm_training_id(g, qt->k, slot));
		sqlite3_bind_int(st, 2, i + 1);
		sqlite3_bind_int(st, 3, dm_chance(r, attends));
		dm_insert(g, DM_ATTENDANCE);
	}
}

/* A check-in early in each month of the quarter. */
static void checkins(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	int y, m, d, a = p->arch, ms = g->q[qt->k].start;
	int watched = qt->ago == 0 && (a == DM_LOW_ENERGY || a == DM_NO_WANT);
	sqlite3_stmt *st = g->st[DM_CHECKINS];
	for (; ms < g->q[qt->k].stop; ms = hd_days_from_civil(m == 12 ? y + 1 : y, m % 12 + 1, 1)) {
		int day = ms + dm_range(r, 0, 20), energy, wants;
		hd_civil_from_days(ms, &y, &m, &d);
		if (day < qt->lo || day > qt->hi || (!watched && dm_chance(r, 0.08)))
			continue;
		if (a == DM_LOW_ENERGY && qt->ago <= 1) {
			energy = qt->ago == 0 ? dm_range(r, 1, 2) : dm_range(r, 2, 3);
		} else {
			int roll = dm_below(r, 100);
			energy = p->energy + (roll < 20 ? -1 : roll < 80 ? 0 : 1);
			energy = energy < 3 ? 3 : energy > 5 ? 5 : energy;
			if (dm_chance(r, 0.03))
				energy = 2;
		}
		if (a == DM_NO_WANT && qt->ago <= 1)
			wants = qt->ago == 0 ? 0 : dm_chance(r, 0.5);
		else
			wants = dm_chance(r, 0.97);
		sqlite3_bind_int(st, 1, i + 1);
		dm_bind_date(g, st, 2, day);
		sqlite3_bind_int(st, 3, energy);
		sqlite3_bind_int(st, 4, wants);
		if (dm_chance(r, 0.4))
			sqlite3_bind_text(st, 5,
			                  energy <= 2   ? PICK(r, notes_low)
			                  : energy == 5 ? PICK(r, notes_high)
			                                : PICK(r, notes_mid),
			                  -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		dm_insert(g, DM_CHECKINS);
	}
}

/* Sessions with the team's manager, on what the rep most needs. */
static void coaching(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	int a = p->arch;
	if (!p->coached)
		return;
	int n = a == DM_LOW_ENERGY || a == DM_NO_WANT || a == DM_DECLINING || a == DM_BUSY_NO_WINS
	            ? dm_range(r, 1, 2)
	            : 1;
	char coach[64];
	dm_manager_name(g, dm_team_of(g, i), coach, sizeof coach);
	sqlite3_stmt *st = g->st[DM_COACHING];
	for (int k = 0; k < n; k++) {
		const char *topic = a == DM_LOW_ENERGY     ? "Energy and workload"
		                    : a == DM_NO_WANT      ? "What you want from the job"
		                    : a == DM_DECLINING    ? "Pipeline review"
		                    : a == DM_BUSY_NO_WINS ? "Targeting and call quality"
		                                           : PICK(r, coaching_topics);
		sqlite3_bind_int(st, 1, i + 1);
		dm_bind_date(g, st, 2, dm_range(r, qt->lo, qt->hi));
		sqlite3_bind_text(st, 3, coach, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, topic, -1, SQLITE_STATIC);
		dm_insert(g, DM_COACHING);
	}
}

void dm_people_quarter(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	assists(g, i, p, qt, r);
	cross_dept(g, i, p, qt, insights(g, i, p, qt, r), r);
	attendance(g, i, p, qt, r);
	checkins(g, i, p, qt, r);
	coaching(g, i, p, qt, r);
}

/* Talents an archetype tends to lead with; the first is its top one. */
static const uint8_t leads[DM_ARCHETYPES][2] = {
    [DM_STAR] = {0, 6},            /* Achiever, Competition */
    [DM_LONE_WOLF] = {6, 13},      /* Competition, Command */
    [DM_QUIET_HELPER] = {14, 10},  /* Developer, Includer */
    [DM_BRIDGE_BUILDER] = {2, 5},  /* Woo, Communication */
    [DM_REFERRAL_MAGNET] = {1, 7}, /* Relator, Empathy */
    [DM_RISING] = {4, 15},         /* Learner, Futuristic */
};

/* One CliftonStrengths assessment with its top five talents. */
static void assessment(dm_gen *g, int i, const dm_profile *p, dm_rng *r)
{
	int a = p->arch, taken, pick[5], n = 0;
	if (a == DM_NEW_HIRE) {
		if (dm_chance(r, 0.4))
			return;
		taken = p->hired + dm_range(r, 3, 14);
	} else if (a == DM_UNDEBRIEFED) {
		taken = g->last_day - dm_range(r, 90, 400);
	} else {
		taken = g->first_day - dm_range(r, 0, 400);
	}
	if (taken < p->hired + 3)
		taken = p->hired + 3;
	if (taken > g->last_day || taken >= p->left)
		return;
	int debriefed = taken + dm_range(r, 5, 30);
	int64_t id = ++g->next_assessment;
	sqlite3_stmt *st = g->st[DM_ASSESSMENTS];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, i + 1);
	dm_bind_date(g, st, 3, taken);
	if (p->debriefed && debriefed <= g->last_day)
		dm_bind_date(g, st, 4, debriefed);
	else
		sqlite3_bind_null(st, 4);
	dm_insert(g, DM_ASSESSMENTS);

	if (leads[a][0] || leads[a][1]) {
		pick[n++] = leads[a][0];
		if (dm_chance(r, 0.6))
			pick[n++] = leads[a][1];
	}
	while (n < 5) {
		int t = dm_below(r, 20), m = 0;
		while (m < n && pick[m] != t)
			m++;
		if (m == n)
			pick[n++] = t;
	}
	st = g->st[DM_STRENGTHS];
	for (int k = 0; k < 5; k++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, talents[pick[k]], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, k + 1);
		dm_insert(g, DM_STRENGTHS);
	}
}

/* Updates of one action plan every 50-100 days from start, the last on
 * or before stop. */
static void plan_updates(dm_gen *g, int i, const char *kind, int start, int stop, dm_rng *r)
{
	sqlite3_stmt *st = g->st[DM_ACTION_PLANS];
	for (int d = start; d <= stop; d += dm_range(r, 50, 100)) {
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		dm_bind_date(g, st, 3, d);
		dm_insert(g, DM_ACTION_PLANS);
	}
}

/* Sales and life plans kept up until the end, or until the rep left; a
 * few life plans went stale, some reps never wrote one. */
static void action_plans(dm_gen *g, int i, const dm_profile *p, dm_rng *r)
{
	int stop = p->left == INT_MAX ? g->last_day : p->left - 1;
	int start = g->first_day - dm_range(r, 0, 90);
	if (start < p->hired + 5)
		start = p->hired + dm_range(r, 5, 20);
	if (p->arch == DM_STALE_PLAN) {
		/* Kept up once, then dropped: the latest update is 150+ days old. */
		int stale = g->last_day - dm_range(r, 150, 240);
		plan_updates(g, i, "sales", stale - dm_range(r, 60, 200), stale, r);
		return;
	}
	plan_updates(g, i, "sales", start, stop, r);
	if (p->life_plan)
		plan_updates(g, i, "life", start + dm_range(r, 0, 30),
		             p->life_plan == 2 ? g->last_day - dm_range(r, 130, 220) : stop, r);
}

void dm_people_once(dm_gen *g, int i, const dm_profile *p, dm_rng *r)
{
	assessment(g, i, p, r);
	action_plans(g, i, p, r);
}
