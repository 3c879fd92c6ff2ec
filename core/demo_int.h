/*
 * demo_int.h - private to the demo generator (demo.c, demo_sales.c,
 * demo_people.c): the generator's state, its PRNG and its row writers.
 */
#ifndef HUDDLE_DEMO_INT_H
#define HUDDLE_DEMO_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "demo.h"

/* Archetypes; demo.c describes each one. */
enum {
	DM_STEADY,
	DM_STAR,
	DM_LONE_WOLF,
	DM_BUSY_NO_WINS,
	DM_QUIET_HELPER,
	DM_DECLINING,
	DM_RISING,
	DM_LOW_ENERGY,
	DM_BASE_ONLY,
	DM_BRIDGE_BUILDER,
	DM_UNDEBRIEFED,
	DM_STALE_PLAN,
	DM_NO_WANT,
	DM_GAMER,
	DM_REFERRAL_MAGNET,
	DM_NEW_HIRE,
	DM_DEPARTED,
	DM_ARCHETYPES
};

enum { DM_SDR, DM_AE, DM_SENIOR_AE };

/* One prepared INSERT per table, in the order rows may reference each
 * other, and one for a batch of DM_BATCH activities. */
enum {
	DM_TEAMS,
	DM_REPS,
	DM_QUOTAS,
	DM_DEALS,
	DM_ACTIVITIES,
	DM_TRAININGS,
	DM_ATTENDANCE,
	DM_INSIGHTS,
	DM_INSIGHT_USES,
	DM_ASSISTS,
	DM_CROSS_DEPT,
	DM_ASSESSMENTS,
	DM_STRENGTHS,
	DM_ACTION_PLANS,
	DM_CHECKINS,
	DM_COACHING,
	DM_CLIENT_METRICS,
	DM_ACTIVITIES_BATCH,
	DM_STMTS
};
#define DM_BATCH 16

/* xoshiro256**, seeded through splitmix64: small, fast, and the same
 * sequence on every platform, which is what reproducibility rests on. */
typedef struct dm_rng {
	uint64_t s[4];
} dm_rng;

static inline uint64_t dm_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t dm_next(dm_rng *r)
{
	uint64_t *s = r->s, out = dm_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = dm_rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n), by Lemire's multiply-shift (n > 0). */
static inline int dm_below(dm_rng *r, int n)
{
	return (int)(((dm_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi], inclusive; lo when hi < lo. */
static inline int dm_range(dm_rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + dm_below(r, hi - lo + 1);
}

/* Uniform in [0, 1). */
static inline double dm_unit(dm_rng *r)
{
	return (double)(dm_next(r) >> 11) * 0x1.0p-53;
}

static inline double dm_uniform(dm_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * dm_unit(r);
}

static inline int dm_chance(dm_rng *r, double p)
{
	return dm_unit(r) < p;
}

/* Seeds r from the user's seed and two stream numbers, so every rep has
 * streams of its own whatever order the reps are generated in. */
void dm_rng_seed(dm_rng *r, uint64_t seed, uint64_t a, uint64_t b);

/* What the generator knows of a rep before writing any of its rows; the
 * same seed always gives the same profile (dm_profile recomputes it). */
typedef struct dm_profile {
	int arch, role;
	int first, last; /* indexes into the name lists */
	double quota;    /* per quarter */
	double att;      /* usual attainment of quota */
	int hired;       /* day number */
	int left;        /* first day no longer employed; INT_MAX if active */
	int energy;      /* usual check-in energy, 3..5 */
	int life_plan;   /* 0 none, 1 kept current, 2 gone stale */
	int coached;     /* has regular coaching sessions */
	int debriefed;   /* the assessment was debriefed */
} dm_profile;

/* A deal written for the current rep and quarter. */
typedef struct dm_deal {
	int64_t id;
	int created, closed; /* closed < 0: still open */
} dm_deal;

#define DM_MAX_DEALS 24

/* The current rep's part of one quarter. */
typedef struct dm_quarter {
	int k;      /* index into dm_gen.q */
	int ago;    /* quarters before the latest one (0: the latest) */
	int lo, hi; /* the rep's working days in it, inclusive */
	int quota;  /* carries a quota (employed when the quarter began) */
	dm_deal deal[DM_MAX_DEALS];
	int ndeals;
} dm_quarter;

/* The generator: options, prepared statements, the per-rep arrays other
 * reps' rows consult, and the id counters. */
typedef struct dm_gen {
	sqlite3 *db;
	hd_err *err;
	int failed; /* set by the first failed insert, which left err */
	sqlite3_stmt *st[DM_STMTS];
	uint64_t seed;
	int nreps, nteams, nq;
	hd_period *q;  /* the quarters, oldest first */
	int first_day; /* first day of the oldest quarter */
	int last_day;  /* last day of the latest quarter */
	char *dates;   /* "YYYY-MM-DD" for day date0 + i, 11 bytes each */
	int date0, ndates;
	uint8_t *arch;    /* per rep (index = id - 1) */
	int32_t *partner; /* a gamer's partner, else -1 */
	int32_t *hired, *left;
	uint32_t name_off, name_step; /* rep i's name pair: off + i * step */
	int64_t next_deal, next_insight, next_assessment;
} dm_gen;

/* Computes rep i's profile (i is the 0-based index, the id less one). */
void dm_profile_of(const dm_gen *g, int i, dm_profile *p);
/* Team of rep i (0-based) and the team's size: reps are dealt round-robin. */
int dm_team_of(const dm_gen *g, int i);
int dm_team_size(const dm_gen *g, int t);
/* The manager's name of team t into buf. */
void dm_manager_name(const dm_gen *g, int t, char *buf, size_t size);
/* True if rep j was employed on day. */
int dm_employed(const dm_gen *g, int j, int day);
/* Training ids of quarter k: org-wide ones, then one per team. */
int64_t dm_training_id(const dm_gen *g, int k, int slot);
/* Day a training of quarter k is held. */
int dm_training_day(const dm_gen *g, int k, int slot);
#define DM_ORG_TRAININGS 2

/* Binders that take the generator's own storage; the text stays valid
 * until the statement is stepped. */
void dm_bind_date(dm_gen *g, sqlite3_stmt *st, int col, int day);
/* Steps g->st[stmt], then resets it; on failure records the first
 * error in g->err, with the table and SQLite's message. */
void dm_insert(dm_gen *g, int stmt);

/* Writes all of rep i's rows (demo_sales.c). */
void dm_rep_rows(dm_gen *g, int i);
/* The people side of one quarter: collaboration, training, check-ins,
 * coaching (demo_people.c). */
void dm_people_quarter(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r);
/* The rep's assessment, strengths and action plans (demo_people.c). */
void dm_people_once(dm_gen *g, int i, const dm_profile *p, dm_rng *r);

#endif
