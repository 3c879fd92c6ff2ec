/*
 * demo_sales.c - who a rep is, and its quotas, deals, client success
 * metrics and activities, quarter by quarter, then the rest of its rows.
 */
#include "demo_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

enum { K_BASE, K_INCREMENTAL, K_REFERRAL };
enum { S_WON, S_LOST, S_OPEN };

static const char *const kind_names[] = {"base", "incremental", "referral"};
static const char *const stage_names[] = {"won", "lost", "open"};
static const char *const activity_kinds[] = {"call", "email", "meeting", "demo"};

static const char *const account_first[32] = {
    "Acme",        "Globex",    "Initech",   "Umbrella", "Northwind",  "Contoso",     "Fabrikam", "Tailspin",
    "Blue Harbor", "Summit",    "Pinecrest", "Redwood",  "Silverline", "Brightwater", "Ironclad", "Keystone",
    "Lakeside",    "Meridian",  "Oakridge",  "Pioneer",  "Quantum",    "Riverbend",   "Sterling", "Trident",
    "Horizon",     "Evergreen", "Vandelay",  "Hooli",    "Wayne",      "Stark",       "Cobalt",   "Granite",
};

static const char *const account_last[20] = {
    "Logistics", "Foods",   "Health",    "Manufacturing", "Retail",    "Energy",  "Financial",
    "Labs",      "Systems", "Media",     "Construction",  "Analytics", "Pharma",  "Motors",
    "Airlines",  "Hotels",  "Insurance", "Robotics",      "Textiles",  "Telecom",
};
#define ACCOUNTS (32 * 20)

/* Client success metrics; every one of them is better when higher. */
static const struct {
	const char *name;
	int lo, hi; /* target range */
	double cap; /* the most it can reach; 0: no limit */
} metrics[] = {
    {"uptime", 0, 0, 100},
    {"adoption", 60, 85, 100},
    {"NPS", 30, 60, 100},
    {"hours saved per week", 5, 20, 0},
    {"tickets deflected", 15, 35, 100},
};
#define METRICS (int)(sizeof metrics / sizeof *metrics)

/* The rep's latest won deals: sources for referrals and the accounts
 * that incremental deals expand. */
#define BOOK 16
typedef struct book {
	int64_t id[BOOK];
	int closed[BOOK], account[BOOK];
	int total;
} book;

typedef struct plan {
	int nw, nl, no; /* won, lost and open deals */
	double att;     /* won amount over quota */
} plan;

void dm_profile_of(const dm_gen *g, int i, dm_profile *p)
{
	dm_rng r;
	int a = g->arch[i], ls = g->q[g->nq - 1].start, roll;
	dm_rng_seed(&r, g->seed, (uint64_t)i, 0);
	/* An odd step walks all 4096 name pairs before one repeats. */
	uint32_t name = (g->name_off + (uint32_t)i * g->name_step) % 4096;
	p->arch = a;
	p->first = (int)(name % 64);
	p->last = (int)(name / 64);

	roll = dm_below(&r, 100);
	if (a == DM_STAR || a == DM_LONE_WOLF)
		p->role = roll < 70 ? DM_SENIOR_AE : DM_AE;
	else if (a == DM_QUIET_HELPER)
		p->role = roll < 40 ? DM_SDR : DM_AE;
	else
		p->role = roll < 20 ? DM_SDR : roll < 75 ? DM_AE : DM_SENIOR_AE;
	p->quota = 5000.0 * (p->role == DM_SDR  ? dm_range(&r, 12, 16)
	                     : p->role == DM_AE ? dm_range(&r, 18, 28)
	                                        : dm_range(&r, 30, 40));
	if (a == DM_STAR || a == DM_LONE_WOLF)
		p->att = dm_uniform(&r, 1.35, 1.6);
	else if (a == DM_QUIET_HELPER)
		p->att = dm_uniform(&r, 0.55, 0.75);
	else if (a == DM_REFERRAL_MAGNET)
		p->att = dm_uniform(&r, 0.95, 1.15);
	else
		p->att = dm_uniform(&r, 0.7, 1.05);

	/* Archetypes other than steady predate the history, so their trends
	 * show in every quarter; a few steady reps are still ramping. */
	p->left = INT_MAX;
	if (a == DM_NEW_HIRE) {
		p->hired = ls + dm_range(&r, 0, 40);
	} else if (a == DM_DEPARTED) {
		p->hired = g->first_day - dm_range(&r, 200, 2000);
		p->left = ls - dm_range(&r, 5, 60);
	} else if (a != DM_STEADY) {
		p->hired = g->first_day - dm_range(&r, 120, 2500);
	} else if (g->nq > 1 && dm_chance(&r, 0.06)) {
		p->hired = dm_range(&r, g->first_day, ls - 1);
	} else {
		p->hired = g->first_day - dm_range(&r, 60, 3000);
	}

	roll = dm_below(&r, 100);
	p->energy = roll < 25 ? 3 : roll < 75 ? 4 : 5;
	roll = dm_below(&r, 100);
	if (a == DM_STALE_PLAN)
		p->life_plan = 0;
	else if (a == DM_NEW_HIRE)
		p->life_plan = roll < 50;
	else
		p->life_plan = roll < 94 ? 1 : roll < 97 ? 2 : 0;
	p->coached = a == DM_LOW_ENERGY || a == DM_NO_WANT || a == DM_DECLINING || a == DM_BUSY_NO_WINS ||
	             dm_chance(&r, a == DM_STAR ? 0.5 : 0.3);
	p->debriefed = a != DM_UNDEBRIEFED && a != DM_NEW_HIRE && dm_chance(&r, 0.88);
}

/* How many deals of each stage the rep has in the quarter, and what it wins. */
static void plan_quarter(const dm_gen *g, const dm_profile *p, const dm_quarter *qt, dm_rng *r, plan *pl)
{
	const hd_period *q = &g->q[qt->k];
	int ago = qt->ago;
	pl->nw = 1 + dm_chance(r, 0.45) + dm_chance(r, 0.15);
	pl->nl = dm_chance(r, 0.45) + dm_chance(r, 0.2);
	pl->no = ago == 0 ? 1 + dm_chance(r, 0.35) : dm_chance(r, 0.12);
	pl->att = p->att * dm_uniform(r, 0.92, 1.08);
	switch (p->arch) {
	case DM_STAR:
	case DM_LONE_WOLF:
		pl->nw = dm_range(r, 3, 4);
		pl->att = p->att * dm_uniform(r, 0.96, 1.04);
		break;
	case DM_BUSY_NO_WINS:
		pl->nw = ago > 0;
		pl->nl = dm_range(r, 2, 3);
		pl->no = ago == 0 ? dm_range(r, 2, 3) : dm_chance(r, 0.3);
		pl->att = dm_uniform(r, 0.3, 0.5);
		break;
	case DM_QUIET_HELPER:
		pl->nw = dm_range(r, 1, 2);
		break;
	case DM_DECLINING:
		/* The spread of the noise stays below the step, so the trend is
		 * strict in every quarter. */
		pl->nw = ago == 0 ? 1 : ago < 3 ? 2 : 3;
		pl->att = fmin(1.3, 0.4 + 0.3 * ago) * dm_uniform(r, 0.97, 1.03);
		break;
	case DM_RISING:
		pl->nw = ago == 0 ? 3 : ago == 1 ? 2 : 1;
		pl->att = fmax(0.31, 1.15 - 0.28 * ago) * dm_uniform(r, 0.97, 1.03);
		break;
	case DM_REFERRAL_MAGNET:
		pl->nw = dm_range(r, 3, 4);
		break;
	}
	if (!qt->quota) {
		/* Hired during the quarter: a first opportunity, nothing closed. */
		pl->nw = pl->nl = 0;
		pl->no = 1;
	} else if (qt->hi < q->stop - 1) {
		/* Left during the quarter: only part of a quarter's business. */
		double frac = (double)(qt->hi - qt->lo + 1) / (q->stop - q->start);
		pl->nw = (int)(pl->nw * frac + 0.5);
		pl->nl = (int)(pl->nl * frac + 0.5);
		pl->no = 0;
		pl->att *= frac;
	}
}

/* The rep's quota for quarter q: the same amount every quarter. */
static void put_quota(dm_gen *g, int i, const dm_profile *p, const hd_period *q)
{
	sqlite3_stmt *st = g->st[DM_QUOTAS];
	sqlite3_bind_int(st, 1, i + 1);
	dm_bind_date(g, st, 2, q->start);
	dm_bind_date(g, st, 3, q->stop - 1);
	sqlite3_bind_double(st, 4, p->quota);
	dm_insert(g, DM_QUOTAS);
}

static double round_to(double x, double unit)
{
	return round(x / unit) * unit;
}

/* A success metric agreed with the client when deal id closed on day. */
static void put_metric(dm_gen *g, int64_t id, int m, int day, int arch, dm_rng *r)
{
	sqlite3_stmt *st = g->st[DM_CLIENT_METRICS];
	double t = m == 0 ? (dm_chance(r, 0.5) ? 99.5 : 99.9) : dm_range(r, metrics[m].lo, metrics[m].hi);
	double met = arch == DM_STAR || arch == DM_REFERRAL_MAGNET ? 0.85 : 0.65;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, metrics[m].name, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, t);
	/* Recent deals have not been measured yet. */
	if ((day > g->last_day - 45 && dm_chance(r, 0.7)) || dm_chance(r, 0.08)) {
		sqlite3_bind_null(st, 4);
	} else {
		double a;
		if (m == 0)
			a = dm_chance(r, met) ? t + (100 - t) * dm_uniform(r, 0.2, 0.9)
			                      : t - dm_uniform(r, 0.2, 1.5);
		else
			a = t * (dm_chance(r, met) ? dm_uniform(r, 1.02, 1.3) : dm_uniform(r, 0.7, 0.97));
		if (metrics[m].cap > 0 && a > metrics[m].cap)
			a = metrics[m].cap;
		sqlite3_bind_double(st, 4, round_to(a, m == 0 ? 0.01 : 0.1));
	}
	dm_bind_date(g, st, 5, day);
	dm_insert(g, DM_CLIENT_METRICS);
}

/* Writes one deal and notes it in qt (and, won, in the book). */
static void put_deal(dm_gen *g, int i, const dm_profile *p, dm_quarter *qt, book *b, int stage, int kind,
                     double amount, int created, int closed, int source, dm_rng *r)
{
	sqlite3_stmt *st = g->st[DM_DEALS];
	char account[48];
	int64_t id = ++g->next_deal;
	/* An incremental deal grows an account the rep has already won. */
	int acct = kind == K_INCREMENTAL && b->total
	               ? b->account[dm_below(r, b->total < BOOK ? b->total : BOOK)]
	               : dm_below(r, ACCOUNTS);
	int n = snprintf(account, sizeof account, "%s %s", account_first[acct % 32], account_last[acct / 32]);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, i + 1);
	sqlite3_bind_text(st, 3, account, n, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, amount);
	sqlite3_bind_text(st, 5, stage_names[stage], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, kind_names[kind], -1, SQLITE_STATIC);
	dm_bind_date(g, st, 7, created);
	if (stage == S_OPEN)
		sqlite3_bind_null(st, 8);
	else
		dm_bind_date(g, st, 8, closed);
	if (source >= 0)
		sqlite3_bind_int64(st, 9, b->id[source]);
	else
		sqlite3_bind_null(st, 9);
	dm_insert(g, DM_DEALS);

	if (qt->ndeals < DM_MAX_DEALS)
		qt->deal[qt->ndeals++] = (dm_deal){id, created, stage == S_OPEN ? -1 : closed};
	if (stage != S_WON)
		return;
	int e = b->total++ % BOOK;
	b->id[e] = id;
	b->closed[e] = closed;
	b->account[e] = acct;
	if (dm_chance(r, p->arch == DM_STAR || p->arch == DM_REFERRAL_MAGNET ? 0.8 : 0.6)) {
		int m0 = dm_below(r, METRICS);
		put_metric(g, id, m0, closed, p->arch, r);
		if (dm_chance(r, 0.3))
			put_metric(g, id, (m0 + 1 + dm_below(r, METRICS - 1)) % METRICS, closed, p->arch, r);
	}
}

/* A won deal of the book that closed before day, or -1. */
static int pick_source(const book *b, int day, dm_rng *r)
{
	int n = b->total < BOOK ? b->total : BOOK;
	for (int k = 0, start = n ? dm_below(r, n) : 0; k < n; k++)
		if (b->closed[(start + k) % n] < day)
			return (start + k) % n;
	return -1;
}

static int max3(int a, int b, int c)
{
	int m = a > b ? a : b;
	return m > c ? m : c;
}

/* The quarter's deals: won ones first, so that referrals later in the
 * quarter can name them, then lost and open ones. */
static void deals(dm_gen *g, int i, const dm_profile *p, dm_quarter *qt, book *b, dm_rng *r)
{
	const hd_period *q = &g->q[qt->k];
	int kinds[DM_MAX_DEALS], nt, j0;
	double w[DM_MAX_DEALS], wsum = 0, avg = p->quota / 1.6;
	plan pl;
	plan_quarter(g, p, qt, r, &pl);
	nt = pl.nw + pl.nl + pl.no;
	/* With one incremental deal a quarter for everyone (below), a third
	 * of all deals are incremental already. */
	for (int j = 0; j < nt; j++)
		kinds[j] = dm_chance(r, 0.86) ? K_BASE : K_REFERRAL;
	/* Every rep but base_only opens at least one incremental deal in the
	 * quarter; the magnet's second and third wins, and two new open deals,
	 * are referrals. */
	if (p->arch == DM_REFERRAL_MAGNET) {
		j0 = nt > 3 ? dm_range(r, 3, nt - 1) : -1;
		kinds[0] = K_BASE;
		for (int j = 1; j < 3 && j < pl.nw; j++)
			kinds[j] = K_REFERRAL;
		for (int extra = 0; extra < 2 && qt->quota; extra++)
			kinds[nt++] = K_REFERRAL, pl.no++;
	} else {
		j0 = nt ? dm_below(r, nt) : -1;
	}
	if (j0 >= 0)
		kinds[j0] = K_INCREMENTAL;
	if (p->arch == DM_BASE_ONLY)
		for (int j = 0; j < nt; j++)
			kinds[j] = K_BASE;

	for (int j = 0; j < pl.nw; j++)
		wsum += (w[j] = dm_uniform(r, 0.6, 1.4) * (kinds[j] == K_INCREMENTAL ? 0.5 : 1));
	for (int pass = 0; pass < 2; pass++)
		for (int j = 0; j < nt; j++) {
			int stage = j < pl.nw ? S_WON : j < pl.nw + pl.nl ? S_LOST : S_OPEN;
			int kind = kinds[j], src = -1, created, closed;
			if ((pass == 0) != (stage == S_WON && kind != K_REFERRAL))
				continue;
			double amount =
			    stage == S_WON
			        ? round_to(p->quota * pl.att * w[j] / wsum, 100)
			        : round_to(avg * dm_uniform(r, 0.5, 1.5) * (kind == K_INCREMENTAL ? 0.5 : 1),
			                   100);
			if (amount < 500)
				amount = 500;
			if (kind == K_REFERRAL && (src = pick_source(b, qt->hi, r)) < 0)
				kind = K_BASE;
			if (kind == K_REFERRAL) {
				int from = b->closed[src] + 1;
				created = dm_range(r, max3(from, qt->lo, 0), qt->hi);
				closed = dm_range(r, created > qt->lo ? created : qt->lo, qt->hi);
			} else if (stage == S_OPEN) {
				created = closed = dm_range(r, qt->lo, qt->hi);
			} else {
				/* The magnet's first win comes early, to be referred on. */
				if (p->arch == DM_REFERRAL_MAGNET && j == 0)
					closed =
					    dm_range(r, qt->lo, qt->lo + 20 < qt->hi ? qt->lo + 20 : qt->hi);
				else if (qt->hi == q->stop - 1 && dm_chance(r, 0.08))
					closed = qt->hi;
				else
					closed = dm_range(r, qt->lo, qt->hi);
				created = closed - dm_range(r, 10, stage == S_WON ? 80 : 60);
				if (created < p->hired)
					created = p->hired;
				if (j == j0 && created < qt->lo)
					created = dm_range(r, qt->lo, closed);
			}
			put_deal(g, i, p, qt, b, stage, kind, amount, created, closed, src, r);
		}
}

typedef struct act {
	int day, kind;
	int64_t deal; /* 0: none */
} act;

/* Binds activity a of rep i to the four parameters after col. */
static void bind_activity(dm_gen *g, sqlite3_stmt *st, int col, int i, const act *a)
{
	sqlite3_bind_int(st, col + 1, i + 1);
	sqlite3_bind_text(st, col + 2, activity_kinds[a->kind], -1, SQLITE_STATIC);
	dm_bind_date(g, st, col + 3, a->day);
	if (a->deal)
		sqlite3_bind_int64(st, col + 4, a->deal);
	else
		sqlite3_bind_null(st, col + 4);
}

/* Activities in a whole quarter, by archetype. */
static int activity_count(const dm_profile *p, dm_rng *r)
{
	switch (p->arch) {
	case DM_STAR:
		return dm_range(r, 30, 38);
	case DM_LONE_WOLF:
		return dm_range(r, 28, 34);
	case DM_BUSY_NO_WINS:
		return dm_range(r, 60, 75);
	case DM_QUIET_HELPER:
		return dm_range(r, 18, 24);
	case DM_GAMER:
		return dm_range(r, 24, 32);
	default:
		return dm_range(r, 18, 32);
	}
}

/* The quarter's calls, emails, meetings and demos, in date order; most
 * work one of the quarter's deals.  A gamer crams the last week. */
static void activities(dm_gen *g, int i, const dm_profile *p, const dm_quarter *qt, dm_rng *r)
{
	const hd_period *q = &g->q[qt->k];
	act a[96];
	double frac = (double)(qt->hi - qt->lo + 1) / (q->stop - q->start);
	int n = (int)(activity_count(p, r) * frac + dm_unit(r)), last_week = q->stop - 7;
	for (int k = 0; k < n; k++) {
		int roll = dm_below(r, 100);
		a[k].kind = roll < 45 ? 0 : roll < 75 ? 1 : roll < 90 ? 2 : 3;
		a[k].deal = 0;
		/* The day first, so that only a gamer's activity bunches up; then
		 * a deal of the rep's that was being worked that day, if any.
		 * Work on an open deal comes in its first weeks. */
		if (p->arch == DM_GAMER && qt->hi >= last_week && dm_chance(r, 0.8))
			a[k].day = dm_range(r, last_week > qt->lo ? last_week : qt->lo, qt->hi);
		else
			a[k].day = dm_range(r, qt->lo, qt->hi);
		for (int tries = 0; tries < 3 && qt->ndeals && !a[k].deal; tries++) {
			const dm_deal *d = &qt->deal[dm_below(r, qt->ndeals)];
			int to = d->closed >= 0 ? d->closed : d->created + 45;
			if (d->created <= a[k].day && a[k].day <= to)
				a[k].deal = d->id;
		}
		/* Insertion sort: a few dozen rows, mostly in order already. */
		act t = a[k];
		int m = k;
		for (; m > 0 && a[m - 1].day > t.day; m--)
			a[m] = a[m - 1];
		a[m] = t;
	}
	int k = 0;
	for (; n - k >= DM_BATCH; k += DM_BATCH) {
		for (int b = 0; b < DM_BATCH; b++)
			bind_activity(g, g->st[DM_ACTIVITIES_BATCH], 4 * b, i, &a[k + b]);
		dm_insert(g, DM_ACTIVITIES_BATCH);
	}
	for (; k < n; k++) {
		bind_activity(g, g->st[DM_ACTIVITIES], 0, i, &a[k]);
		dm_insert(g, DM_ACTIVITIES);
	}
}

void dm_rep_rows(dm_gen *g, int i)
{
	dm_profile p;
	dm_rng r;
	book b;
	b.total = 0;
	dm_profile_of(g, i, &p);
	dm_rng_seed(&r, g->seed, (uint64_t)i, 1);
	for (int k = 0; k < g->nq && !g->failed; k++) {
		const hd_period *q = &g->q[k];
		dm_quarter qt;
		qt.k = k;
		qt.ago = g->nq - 1 - k;
		qt.lo = q->start > p.hired ? q->start : p.hired;
		qt.hi = (q->stop < p.left ? q->stop : p.left) - 1;
		qt.quota = p.hired < q->start && p.left > q->start;
		qt.ndeals = 0;
		if (qt.lo > qt.hi)
			continue;
		if (qt.quota)
			put_quota(g, i, &p, q);
		deals(g, i, &p, &qt, &b, &r);
		activities(g, i, &p, &qt, &r);
		dm_people_quarter(g, i, &p, &qt, &r);
	}
	dm_people_once(g, i, &p, &r);
}
