/*
 * skeleton.c - a huddle plugin to start from: one Lua helper for rules and
 * one output format.
 *
 *   huddle.skeleton.ramp(x, lo, hi)  0 up to lo, 1 from hi, straight in
 *                                    between: the usual shape of a score
 *   huddle eval --format skeleton    one line per team and per rep, short
 *                                    enough to paste into the team's chat
 *
 * Its settings are the config group plugins.skeleton:
 *
 *   plugins = { skeleton = { top = 5; }; };   # only the five best reps
 *
 * Everything it knows of huddle comes through <huddle/plugin.h>: the
 * descriptor at the bottom of this file, and the table of functions that
 * init receives.  The plugin links against Lua only, never against huddle.
 * Whatever the host hands over stays the host's (see "Ownership" at the
 * top of plugin.h): this file keeps no pointer it was given beyond the
 * call, except the api table, which lives as long as the plugin.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <huddle/plugin.h>
#include <lauxlib.h>

/* The plugin's own version, shown by `huddle plugins`. */
#define SKELETON_VERSION "1.0.0"

/* The host API, kept by init: the plugin's only way to reach huddle. */
static const huddle_api *api;

/* What plugins.skeleton says, read once by init. */
struct settings {
	long long top; /* how many reps the report shows; 0 for all */
};

static struct settings settings;

/* The Lua helper -------------------------------------------------------- */

/* huddle.skeleton.ramp(x, lo, hi): how far x has come from lo to hi, as a
 * number in [0, 1].  nil stays nil, so that a score returns "no value" for
 * a rep without the metric, e.g. without a quota:
 *
 *   fn = function(rep, m) return huddle.skeleton.ramp(m.attainment, 0.5, 1.2) end
 *
 * Rules call it under the sandbox, so it checks every argument and reports
 * a mistake by raising a Lua error: the rule then fails for that subject
 * with this message, and the run goes on. */
static int l_ramp(lua_State *L)
{
	lua_Number lo = luaL_checknumber(L, 2);
	lua_Number hi = luaL_checknumber(L, 3);
	if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
		return luaL_error(L, "ramp: lo (%f) must be below hi (%f), both finite", lo, hi);
	if (lua_isnoneornil(L, 1)) {
		lua_pushnil(L);
		return 1;
	}
	lua_Number x = luaL_checknumber(L, 1);
	luaL_argcheck(L, !isnan(x), 1, "not a number (NaN)");
	lua_pushnumber(L, x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo));
	return 1;
}

/* The reporter ------------------------------------------------------------ */

/* The names of the rules that produced a card's items of one kind, after
 * label: "; recognised: top_producer, supporting_cast". */
static void print_rules(FILE *out, const huddle_card *c, int item, const char *label)
{
	int n = api->card_count(c, item);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : label, api->item_rule(c, item, i));
}

/* One line: rank, name, score, then what the card holds besides its
 * score.  The host has already left out what the audience must not see
 * (coaching and errors for --audience team, names on an anonymous
 * leaderboard), so the counts and names are simply printed. */
static void print_card(FILE *out, const huddle_card *c)
{
	double score;
	const char *name = api->card_name(c);
	if (api->card_rank(c))
		fprintf(out, "#%d ", api->card_rank(c));
	else
		fputs("#- ", out);
	fputs(name ? name : "(name hidden)", out);
	if (api->card_team(c))
		fprintf(out, " (%s)", api->card_team(c));
	if (api->card_score(c, &score))
		fprintf(out, " %.1f", score);
	else
		fputs(" no score", out);
	if (api->card_kind(c) == HUDDLE_TEAM)
		fprintf(out, ", %d members", api->card_members(c));
	print_rules(out, c, HUDDLE_RECOGNITION, "; recognised: ");
	if (api->card_count(c, HUDDLE_COACHING))
		fprintf(out, "; coaching: %d", api->card_count(c, HUDDLE_COACHING));
	if (api->card_count(c, HUDDLE_ERROR))
		fprintf(out, "; rule errors: %d", api->card_count(c, HUDDLE_ERROR));
	fputc('\n', out);
}

/* `huddle eval --format skeleton`: the teams, then the reps, each in rank
 * order.  ud is the settings pointer given to add_reporter.  Writing
 * errors need no check here: the host flushes and checks out. */
static int report(huddle_host *h, void *ud, const huddle_result *res, FILE *out)
{
	const struct settings *s = ud;
	(void)h;
	fprintf(out, "Scorecards %s, as of %s\n", api->result_period(res), api->result_as_of(res));
	int nteams = api->result_count(res, HUDDLE_TEAM);
	for (int i = 0; i < nteams; i++)
		print_card(out, api->result_card(res, HUDDLE_TEAM, i));
	int nreps = api->result_count(res, HUDDLE_REP);
	if (s->top && nreps > s->top)
		nreps = (int)s->top;
	for (int i = 0; i < nreps; i++)
		print_card(out, api->result_card(res, HUDDLE_REP, i));
	return 0;
}

/* Loading ------------------------------------------------------------------ */

/* Reads plugins.skeleton into s.  A wrong value fails init, which makes
 * huddle refuse the plugin with this message; an unknown key is most likely
 * a typo, so it is worth a warning.  Messages name the file and line. */
static int read_settings(huddle_host *h, struct settings *s)
{
	const huddle_setting *group = api->config(h);
	s->top = 0;
	for (int i = 0; i < api->setting_count(group); i++) {
		const huddle_setting *m = api->setting_at(group, i);
		const char *key = api->setting_name(m);
		if (strcmp(key, "top")) {
			api->warn(h,
			          "%s:%d: plugins.skeleton.%s is not a setting of this plugin (it has: top)",
			          api->setting_file(m), api->setting_line(m), key);
		} else if (api->setting_int(m, &s->top) || s->top < 1) {
			api->fail(h, "%s:%d: plugins.skeleton.top must be a whole number of at least 1",
			          api->setting_file(m), api->setting_line(m));
			return -1;
		}
	}
	return 0;
}

/* Called once when huddle loads the plugin: keeps the api table, reads the
 * settings and registers what the plugin adds.  An add_* call that fails
 * has already said why through api->fail. */
static int init(huddle_host *h, const huddle_api *host_api)
{
	api = host_api;
	if (read_settings(h, &settings))
		return -1;
	if (api->add_lua(h, "ramp", l_ramp,
	                 "ramp(x, lo, hi): 0 up to lo, 1 from hi, straight in between; nil stays nil"))
		return -1;
	if (api->add_reporter(h, "skeleton", 0, report, &settings,
	                      "one line per team and rep, for a team chat"))
		return -1;
	return 0;
}

/* No fini: the plugin holds nothing that needs releasing. */
HUDDLE_PLUGIN("skeleton", SKELETON_VERSION,
              "a plugin to start from: huddle.skeleton.ramp, eval --format skeleton", init, NULL);
