/*
 * stats - statistics over arrays of numbers for rules, written in C:
 *
 *	huddle.stats.mean(array)           arithmetic mean
 *	huddle.stats.stdev(array)          population standard deviation
 *	huddle.stats.percentile(array, p)  p in [0, 100], linear between ranks
 *	huddle.stats.zscore(x, array)      (x - mean) / stdev
 *	huddle.stats.gini(array)           Gini coefficient of amounts >= 0
 *
 * and the rep metric org_won_percentile (org_percentile.c).
 *
 * An array is a plain Lua table of numbers at 1..n, read raw (no
 * metamethod runs, so a call does only the work its length says); a
 * team's values come as m.members.NAME.  Every element must be a finite
 * number; an error names the first one that is not.  Where a statistic
 * does not exist (an empty array, no spread, nothing to share) the
 * result is nil, as metrics are nil where there is no value, so that a
 * score can say "no value" instead of failing.
 *
 * Range.  A result is a finite number or nil, never an infinity or NaN.
 * Finite elements can still overflow the sums on the way (the mean of
 * { 1e308, 1e308 } sums to 2e308), though the mean, the standard
 * deviation, a percentile and the Gini coefficient always lie within
 * the elements' own range.  So these are computed on the elements
 * scaled by a power of two, which is exact (no digit changes) and
 * brings every element below 1; the result is scaled back.  Only a
 * z-score can truly exceed the largest double (an x far from an array
 * of almost no spread); then it is nil too, "no value that a number can
 * hold", which a score treats as it treats no spread.
 *
 * Work.  The host charges each call the length of its arrays against
 * the rule's instruction budget before it starts (core/plugin_lua.c), and
 * the copy a sort needs is Lua memory, under sandbox.memory_mb.  What is
 * left uncharged is a sort's log factor, which STATS_MAX_N bounds: at
 * most 2^20 elements, about 20 comparisons each, some 0.1 s of C for the
 * largest array.  With the default budget of a million instructions a
 * rule cannot even build an array that long.
 */
#include <huddle/plugin.h>

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define STATS_MAX_N ((size_t)1 << 20)

static const huddle_api *api;

/* The elements of the array at arg, checked, in a new userdata on the
 * stack (Lua memory: it counts against the rule's cap and is collected
 * even when an error ends the call).  Sets *n; NULL when it is empty. */
static double *check_array(lua_State *L, int arg, size_t *n)
{
	luaL_checktype(L, arg, LUA_TTABLE);
	*n = lua_rawlen(L, arg);
	if (*n == 0 && lua_getmetatable(L, arg))
		luaL_argerror(L, arg,
		              "a table with a metatable and no elements of its own; pass a plain array "
		              "of numbers");
	if (*n > STATS_MAX_N)
		luaL_argerror(
		    L, arg,
		    lua_pushfstring(L, "%I elements; at most %I", (lua_Integer)*n, (lua_Integer)STATS_MAX_N));
	double *v = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *v, 0);
	for (size_t i = 0; i < *n; i++) {
		int t = lua_rawgeti(L, arg, (lua_Integer)i + 1);
		if (t != LUA_TNUMBER)
			luaL_argerror(L, arg,
			              lua_pushfstring(L, "element %I is %s, not a number", (lua_Integer)i + 1,
			                              t == LUA_TNIL ? "nil" : luaL_typename(L, -1)));
		v[i] = lua_tonumber(L, -1);
		lua_pop(L, 1);
		if (!isfinite(v[i]))
			luaL_argerror(L, arg,
			              lua_pushfstring(L, "element %I is %s", (lua_Integer)i + 1,
			                              isnan(v[i]) ? "NaN" : "infinite"));
	}
	return *n ? v : NULL;
}

static double check_finite(lua_State *L, int arg)
{
	double x = luaL_checknumber(L, arg);
	if (!isfinite(x))
		luaL_argerror(L, arg,
		              isnan(x) ? "NaN is not a number here" : "an infinity is not allowed here");
	return x;
}

/* The exponent e of the power of two with |v[i]| / 2^e < 1 for every
 * element (0 when all are 0). */
static int magnitude(const double *v, size_t n)
{
	double top = 0;
	for (size_t i = 0; i < n; i++)
		top = fmax(top, fabs(v[i]));
	int e;
	frexp(top, &e);
	return e;
}

/* The plain sum first: scaled, a tiny element among huge ones could
 * fall below the smallest double, and the plain sum keeps it.  Only a
 * sum that overflowed is done again, scaled: then it is below n. */
static double mean_of(const double *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	if (isfinite(s))
		return s / (double)n;
	int e = magnitude(v, n);
	s = 0;
	for (size_t i = 0; i < n; i++)
		s += ldexp(v[i], -e);
	return ldexp(s / (double)n, e);
}

/* Two passes (the mean, then the squares around it): one pass of sums
 * of squares loses every digit when values are large and close.  Always
 * scaled: a difference of two finite elements can overflow, and so can
 * the square of one above 1e154 (and the square of one below 1e-162
 * vanishes); scaled, each difference is below 2 and the sum below 4n. */
static double stdev_of(const double *v, size_t n)
{
	int e = magnitude(v, n);
	double mean = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		mean += ldexp(v[i], -e);
	mean /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = ldexp(v[i], -e) - mean;
		ss += d * d;
	}
	return ldexp(sqrt(ss / (double)n), e);
}

/* Pushes x, or nil when it is not finite: the one place that keeps
 * infinities and NaN from reaching a rule (see "Range" above). */
static void push_result(lua_State *L, double x)
{
	if (isfinite(x))
		lua_pushnumber(L, x);
	else
		lua_pushnil(L);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int l_mean(lua_State *L)
{
	size_t n;
	const double *v = check_array(L, 1, &n);
	if (!v)
		lua_pushnil(L);
	else
		push_result(L, mean_of(v, n));
	return 1;
}

static int l_stdev(lua_State *L)
{
	size_t n;
	const double *v = check_array(L, 1, &n);
	if (!v)
		lua_pushnil(L);
	else
		push_result(L, stdev_of(v, n));
	return 1;
}

static int l_percentile(lua_State *L)
{
	size_t n;
	double p = check_finite(L, 2);
	luaL_argcheck(L, p >= 0 && p <= 100, 2, "a percentile is between 0 and 100");
	double *v = check_array(L, 1, &n);
	if (!v) {
		lua_pushnil(L);
		return 1;
	}
	qsort(v, n, sizeof *v, cmp_double);
	double pos = p / 100 * (double)(n - 1);
	size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
	double f = pos - (double)lo, gap = v[hi] - v[lo];
	/* The gap between two finite neighbours overflows only when they
	 * are huge and of opposite signs; then the weighted sum, whose
	 * terms cannot overflow, is as exact as anything. */
	push_result(L, isfinite(gap) ? v[lo] + gap * f : v[lo] * (1 - f) + v[hi] * f);
	return 1;
}

static int l_zscore(lua_State *L)
{
	size_t n;
	double x = check_finite(L, 1);
	const double *v = check_array(L, 2, &n);
	double mean = v ? mean_of(v, n) : 0, sd = v ? stdev_of(v, n) : 0;
	if (!(sd > 0)) {
		lua_pushnil(L);
		return 1;
	}
	/* x and the mean are finite but their difference need not be; in
	 * halves it is, and an overflow left after that is the z-score's
	 * own, which push_result turns into nil. */
	double d = x - mean;
	push_result(L, isfinite(d) ? d / sd : 2 * ((x / 2 - mean / 2) / sd));
	return 1;
}

/* G = sum_i (2i - n - 1) x_i / (n sum x), over x sorted ascending, i
 * from 1: 0 when everyone holds the same, (n - 1) / n when one holds
 * everything.  G does not change when every x is scaled alike, and
 * scaled below 1 neither sum can overflow (the weighted one stays
 * below n^2, n sum x below n^2 as well). */
static int l_gini(lua_State *L)
{
	size_t n;
	double *v = check_array(L, 1, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i] < 0)
			luaL_argerror(L, 1,
			              lua_pushfstring(L,
			                              "element %I is negative; the Gini coefficient is for "
			                              "amounts of 0 or more",
			                              (lua_Integer)i + 1));
	double total = 0, weighted = 0;
	if (v) {
		qsort(v, n, sizeof *v, cmp_double);
		int e = magnitude(v, n);
		for (size_t i = 0; i < n; i++) {
			double x = ldexp(v[i], -e);
			total += x;
			weighted += (2.0 * (double)(i + 1) - (double)n - 1) * x;
		}
	}
	if (total > 0)
		push_result(L, weighted / ((double)n * total));
	else
		lua_pushnil(L);
	return 1;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	static const struct {
		const char *name;
		lua_CFunction fn;
		const char *doc;
	} fns[] = {
	    {"mean", l_mean, "mean(array): the arithmetic mean; nil for an empty array"},
	    {"stdev", l_stdev, "stdev(array): the population standard deviation; nil for an empty array"},
	    {"percentile", l_percentile,
	     "percentile(array, p): p in 0..100, linear between the closest ranks; nil for an empty array"},
	    {"zscore", l_zscore,
	     "zscore(x, array): how many standard deviations x lies from the mean; nil without spread, "
	     "or when it is beyond what a number holds"},
	    {"gini", l_gini,
	     "gini(array): Gini coefficient of amounts >= 0, 0 for an even spread; nil when all are 0"},
	};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (api->add_lua(h, fns[i].name, fns[i].fn, fns[i].doc))
			return -1;
	return api->add_metric(h, "org_won_percentile", HUDDLE_REP, stats_org_won_percentile, (void *)api,
	                       "Where the rep's won revenue stands among all reps evaluated: 0 lowest, 100 "
	                       "highest, ties share the middle");
}

HUDDLE_PLUGIN("stats", "1.0.0", "statistics for rules: huddle.stats.* and the metric org_won_percentile",
              init, NULL);
