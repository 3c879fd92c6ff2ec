/* test_config.c - huddle.cfg: where it is found, every key, and errors
 * that point at the file and line. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* Each test runs in root/work, with an empty root/xdg as
 * $XDG_CONFIG_HOME and root/home as $HOME. */
typedef struct env {
	char *root, *work, *xdg;
	char cwd[4096];
	hd_config cfg;
	int loaded;
	hd_err err;
} env;

static int setup(void **state)
{
	env *v = calloc(1, sizeof *v);
	if (!v || !getcwd(v->cwd, sizeof v->cwd))
		return -1;
	v->root = unit_tmpdir();
	v->work = unit_path(v->root, "work");
	v->xdg = unit_path(v->root, "xdg");
	char *home = unit_path(v->root, "home");
	mkdir(v->work, 0700);
	mkdir(v->xdg, 0700);
	mkdir(home, 0700);
	setenv("XDG_CONFIG_HOME", v->xdg, 1);
	setenv("HOME", home, 1);
	free(home);
	if (chdir(v->work))
		return -1;
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	env *v = *state;
	if (v->loaded)
		hd_config_free(&v->cfg);
	if (chdir(v->cwd))
		return -1;
	unit_rmtree(v->root);
	free(v->root);
	free(v->work);
	free(v->xdg);
	free(v);
	return 0;
}

/* Loads path (NULL: the lookup), keeping the config for teardown. */
static int load(env *v, const char *path)
{
	v->err = (hd_err){0, ""};
	v->loaded = 1;
	return hd_config_load(&v->cfg, path, &v->err);
}

/* Writes text as work/huddle.cfg and loads it, which must succeed. */
static hd_config *load_text(env *v, const char *text)
{
	unit_write(v->work, "huddle.cfg", text);
	if (load(v, "huddle.cfg"))
		fail_msg("the config was rejected: %s", v->err.msg);
	return &v->cfg;
}

/* Writes text as work/huddle.cfg; loading it must fail with HD_EINPUT
 * and a message that starts with huddle.cfg:line and has `what`. */
static void expect_error(env *v, const char *text, int line, const char *what)
{
	unit_write(v->work, "huddle.cfg", text);
	int rc = load(v, "huddle.cfg");
	if (rc != HD_EINPUT)
		fail_msg("expected HD_EINPUT for:\n%s\ngot %d: %s", text, rc, v->err.msg);
	char where[32];
	snprintf(where, sizeof where, "huddle.cfg:%d: ", line);
	if (strncmp(v->err.msg, where, strlen(where)))
		fail_msg("expected the message to start with \"%s\": %s", where, v->err.msg);
	assert_contains(v->err.msg, what);
	hd_config_free(&v->cfg);
	v->loaded = 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static void no_file_means_the_defaults(void **state)
{
	env *v = *state;
	assert_int_equal(load(v, NULL), 0);
	hd_config *c = &v->cfg;
	assert_null(c->path);
	assert_string_equal(c->dir, ".");
	assert_string_equal(c->database, "huddle.db");
	assert_null(c->period);
	assert_int_equal(c->fiscal_year_start, 1);
	/* The bundled rule set. */
	assert_int_equal(c->scripts.n, 1);
	assert_true(ends_with(c->scripts.v[0], "/scripts"));
	struct stat sb;
	assert_int_equal(stat(c->scripts.v[0], &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(c->sb_instructions, 1000000);
	assert_int_equal(c->sb_time_ms, 1000);
	assert_int_equal(c->sb_memory_mb, 64);
	assert_int_equal(c->sb_sql_ms, 2000);
	assert_int_equal(c->nweights, 0);
	assert_int_equal(c->disabled.n, 0);
	assert_int_equal(c->nparams, 0);
	assert_int_equal(c->plugin_dirs.n, 0);
	assert_int_equal(c->plugin_load.n, 0);
	assert_false(c->plugin_load_set);
	assert_null(c->format);
	assert_false(c->anonymous);
	assert_null(hd_config_param(c, "anything"));
}

static void huddle_cfg_in_the_working_folder_comes_first(void **state)
{
	env *v = *state;
	unit_write(v->xdg, "huddle/huddle.cfg", "fiscal_year_start = 7;\n");
	unit_write(v->work, "huddle.cfg", "fiscal_year_start = 4;\n");
	assert_int_equal(load(v, NULL), 0);
	assert_string_equal(v->cfg.path, "huddle.cfg");
	assert_int_equal(v->cfg.fiscal_year_start, 4);
}

static void xdg_config_home_is_the_fallback(void **state)
{
	env *v = *state;
	unit_write(v->xdg, "huddle/huddle.cfg", "fiscal_year_start = 7;\ndatabase = \"sales.db\";\n");
	assert_int_equal(load(v, NULL), 0);
	assert_int_equal(v->cfg.fiscal_year_start, 7);
	assert_true(ends_with(v->cfg.path, "/xdg/huddle/huddle.cfg"));
	/* Its paths are next to it, not in the working folder. */
	char *want = unit_path(v->xdg, "huddle/sales.db");
	assert_string_equal(v->cfg.database, want);
	free(want);
}

static void home_config_is_used_without_xdg_config_home(void **state)
{
	env *v = *state;
	unsetenv("XDG_CONFIG_HOME");
	unit_write(v->root, "home/.config/huddle/huddle.cfg", "fiscal_year_start = 10;\n");
	assert_int_equal(load(v, NULL), 0);
	assert_int_equal(v->cfg.fiscal_year_start, 10);
}

static void explicit_path_must_exist(void **state)
{
	env *v = *state;
	unit_write(v->work, "huddle.cfg", "fiscal_year_start = 4;\n");
	assert_int_equal(load(v, "missing.cfg"), HD_EINPUT);
	assert_contains(v->err.msg, "missing.cfg");
	assert_contains(v->err.msg, "no such config file");
}

static void every_key_is_read(void **state)
{
	env *v = *state;
	hd_config *c = load_text(
	    v, "# every key huddle knows\n"
	       "database = \"data/sales.db\";\n"
	       "period = \"2026-Q3\";\n"
	       "fiscal_year_start = 4;\n"
	       "scripts = [ \"rules\", \"/opt/huddle/extra.lua\" ];\n"
	       "sandbox = { instructions = 5000000; time_ms = 250; memory_mb = 32; sql_ms = 500; };\n"
	       "rules = {\n"
	       "  weights = {\n"
	       "    attainment = 50;\n"
	       "    activity = 0;\n"
	       "    win_rate = 12.5;\n"
	       "  };\n"
	       "  disabled = [ \"low_energy\", \"lone_wolf\" ];\n"
	       "  params = { activity_floor = 40; region = \"west\"; strict = true; ratio = 0.75; };\n"
	       "};\n"
	       "output = { format = \"json\"; leaderboard = \"anonymous\"; };\n"
	       "plugins = {\n"
	       "  dirs = [ \"plugins\" ];\n"
	       "  load = [ \"slack\" ];\n"
	       "  slack = { channel = \"#wins\"; };\n"
	       "};\n");
	assert_string_equal(c->path, "huddle.cfg");
	assert_string_equal(c->database, "data/sales.db");
	assert_string_equal(c->period, "2026-Q3");
	assert_int_equal(c->fiscal_year_start, 4);
	assert_int_equal(c->scripts.n, 2);
	assert_string_equal(c->scripts.v[0], "rules");
	assert_string_equal(c->scripts.v[1], "/opt/huddle/extra.lua");
	assert_int_equal(c->sb_instructions, 5000000);
	assert_int_equal(c->sb_time_ms, 250);
	assert_int_equal(c->sb_memory_mb, 32);
	assert_int_equal(c->sb_sql_ms, 500);

	assert_int_equal(c->nweights, 3);
	assert_string_equal(c->weights[0].name, "attainment");
	assert_near(c->weights[0].weight, 50, 0);
	assert_int_equal(c->weights[0].line, 9);
	assert_string_equal(c->weights[1].name, "activity");
	assert_near(c->weights[1].weight, 0, 0);
	assert_int_equal(c->weights[1].line, 10);
	assert_string_equal(c->weights[2].name, "win_rate");
	assert_near(c->weights[2].weight, 12.5, 0);

	assert_int_equal(c->disabled.n, 2);
	assert_string_equal(c->disabled.v[0], "low_energy");
	assert_string_equal(c->disabled.v[1], "lone_wolf");

	assert_string_equal(c->format, "json");
	assert_true(c->anonymous);

	assert_int_equal(c->plugin_dirs.n, 1);
	assert_string_equal(c->plugin_dirs.v[0], "plugins");
	assert_int_equal(c->plugin_load.n, 1);
	assert_string_equal(c->plugin_load.v[0], "slack"); /* a name, not a path */
	assert_true(c->plugin_load_set);
	/* A plugin's own group stays readable by the plugin. */
	const char *channel = NULL;
	assert_true(config_lookup_string(&c->cfg, "plugins.slack.channel", &channel));
	assert_string_equal(channel, "#wins");
}

static void params_are_looked_up_by_name(void **state)
{
	env *v = *state;
	hd_config *c =
	    load_text(v, "rules = { params = { activity_floor = 40; region = \"west\";\n"
	                 "  strict = true; lenient = false; ratio = 0.75; big = 10000000000L; }; };\n");
	assert_int_equal(c->nparams, 6);
	const hd_param *p = hd_config_param(c, "activity_floor");
	assert_non_null(p);
	assert_int_equal(p->type, CONFIG_TYPE_FLOAT); /* every number reads as one */
	assert_near(p->num, 40, 0);
	p = hd_config_param(c, "region");
	assert_non_null(p);
	assert_int_equal(p->type, CONFIG_TYPE_STRING);
	assert_string_equal(p->str, "west");
	p = hd_config_param(c, "strict");
	assert_non_null(p);
	assert_int_equal(p->type, CONFIG_TYPE_BOOL);
	assert_near(p->num, 1, 0);
	p = hd_config_param(c, "lenient");
	assert_int_equal(p->type, CONFIG_TYPE_BOOL);
	assert_near(p->num, 0, 0);
	assert_near(hd_config_param(c, "ratio")->num, 0.75, 0);
	assert_near(hd_config_param(c, "big")->num, 1e10, 0);
	assert_null(hd_config_param(c, "activity"));
	assert_null(hd_config_param(c, "Region"));
}

static void relative_paths_are_resolved_against_the_config_folder(void **state)
{
	env *v = *state;
	unit_write(v->work, "team/huddle.cfg",
	           "database = \"sales.db\";\n"
	           "scripts = [ \"rules\", \"../shared/rules.lua\", \"/abs/rules.lua\" ];\n"
	           "plugins = { dirs = [ \"plugins\" ]; };\n");
	assert_int_equal(load(v, "team/huddle.cfg"), 0);
	hd_config *c = &v->cfg;
	assert_string_equal(c->dir, "team");
	assert_string_equal(c->database, "team/sales.db");
	assert_string_equal(c->scripts.v[0], "team/rules");
	assert_string_equal(c->scripts.v[1], "team/../shared/rules.lua");
	assert_string_equal(c->scripts.v[2], "/abs/rules.lua");
	assert_string_equal(c->plugin_dirs.v[0], "team/plugins");
	char *p = hd_config_path(c, "x/y.lua");
	assert_string_equal(p, "team/x/y.lua");
	free(p);
	p = hd_config_path(c, "/etc/y.lua");
	assert_string_equal(p, "/etc/y.lua");
	free(p);
}

static void absolute_config_path_gives_absolute_paths(void **state)
{
	env *v = *state;
	unit_write(v->root, "elsewhere/huddle.cfg", "database = \"sales.db\";\n");
	char *cfg = unit_path(v->root, "elsewhere/huddle.cfg");
	char *want = unit_path(v->root, "elsewhere/sales.db");
	assert_int_equal(load(v, cfg), 0);
	assert_string_equal(v->cfg.database, want);
	free(cfg);
	free(want);
}

static void bundled_scripts_folder_is_found_by_name(void **state)
{
	env *v = *state;
	hd_config defaults;
	hd_err err;
	unit_write(v->root, "defaults/none", "");
	assert_int_equal(chdir("../defaults"), 0);
	assert_int_equal(hd_config_load(&defaults, NULL, &err), 0);
	assert_int_equal(chdir("../work"), 0);
	/* No scripts folder next to this file: "scripts" is the bundled one. */
	hd_config *c = load_text(v, "scripts = [ \"scripts\", \"mine\" ];\n");
	assert_string_equal(c->scripts.v[0], defaults.scripts.v[0]);
	assert_string_equal(c->scripts.v[1], "mine");
	hd_config_free(&defaults);
}

static void a_scripts_folder_next_to_the_file_wins(void **state)
{
	env *v = *state;
	unit_write(v->work, "scripts/10_mine.lua", "-- mine\n");
	hd_config *c = load_text(v, "scripts = [ \"scripts\" ];\n");
	assert_string_equal(c->scripts.v[0], "scripts");
}

static void unknown_key_is_warned_about_and_ignored(void **state)
{
	env *v = *state;
	unit_stderr_begin();
	unit_write(v->work, "huddle.cfg",
	           "colour = \"blue\";\n"
	           "fiscal_year_start = 4;\n"
	           "output = {\n"
	           "  fromat = \"json\";\n"
	           "};\n"
	           "sandbox = { instrutions = 5; };\n"
	           "rules = { wieghts = { a = 1; }; };\n"
	           "plugins = { typo = 1; slack = { x = 1; }; };\n");
	int rc = load(v, "huddle.cfg");
	char *warnings = unit_stderr_end();
	assert_int_equal(rc, 0);
	assert_int_equal(v->cfg.fiscal_year_start, 4);
	assert_null(v->cfg.format);
	assert_contains(warnings, "huddle.cfg:1: unknown key 'colour'");
	assert_contains(warnings, "huddle.cfg:4: unknown key 'fromat' in output");
	assert_contains(warnings, "huddle.cfg:6: unknown key 'instrutions' in sandbox");
	assert_contains(warnings, "huddle.cfg:7: unknown key 'wieghts' in rules");
	assert_contains(warnings, "huddle.cfg:8: unknown key 'typo' in plugins");
	assert_not_contains(warnings, "'slack'"); /* a plugin's own group */
	free(warnings);
}

static void wrong_type_is_an_input_error_with_file_and_line(void **state)
{
	env *v = *state;
	expect_error(v, "\n\ndatabase = 5;\n", 3, "'database' must be a string");
	expect_error(v, "period = 2026;\n", 1, "'period' must be a string");
	expect_error(v, "# note\nfiscal_year_start = \"4\";\n", 2,
	             "'fiscal_year_start' must be an integer from 1 to 12");
	expect_error(v, "fiscal_year_start = 4.0;\n", 1, "must be an integer");
	expect_error(v, "scripts = \"rules\";\n", 1, "'scripts' must be a list of strings");
	expect_error(v, "scripts = ( \"rules\", 5 );\n", 1, "'scripts' must be a list of strings");
	expect_error(v, "scripts = [ \"rules\", 5 ];\n", 1, "mismatched element type"); /* libconfig's own */
	expect_error(v, "sandbox = 5;\n", 1, "'sandbox' must be a group");
	expect_error(v, "sandbox = {\n  time_ms = 1.5;\n};\n", 2, "'time_ms' must be an integer");
	expect_error(v, "rules = { weights = [ 1, 2 ]; };\n", 1, "'weights' must be a group");
	expect_error(v, "rules = {\n  weights = {\n    a = 1;\n    b = \"high\";\n  };\n};\n", 4,
	             "'b' must be a number >= 0");
	expect_error(v, "rules = { disabled = \"low_energy\"; };\n", 1,
	             "'disabled' must be a list of strings");
	expect_error(v, "rules = {\n  params = { p = [ 1 ]; };\n};\n", 2,
	             "'p' must be a number, a string or a boolean");
	expect_error(v, "output = { format = 1; };\n", 1, "'format' must be a string");
	expect_error(v, "plugins = { dirs = \"p\"; };\n", 1, "'dirs' must be a list of strings");
}

static void syntax_error_is_an_input_error_with_its_line(void **state)
{
	env *v = *state;
	expect_error(v, "fiscal_year_start = 4;\ndatabase = \"x.db\"\nperiod = ;\n", 3, "syntax error");
	expect_error(v, "rules = {\n  weights = { a = 1; }\n", 3, "syntax error");
}

static void fiscal_year_start_must_be_a_month(void **state)
{
	env *v = *state;
	expect_error(v, "fiscal_year_start = 0;\n", 1, "from 1 to 12");
	expect_error(v, "fiscal_year_start = 13;\n", 1, "from 1 to 12");
	expect_error(v, "fiscal_year_start = -4;\n", 1, "from 1 to 12");
	assert_int_equal(load_text(v, "fiscal_year_start = 1;\n")->fiscal_year_start, 1);
	hd_config_free(&v->cfg);
	assert_int_equal(load_text(v, "fiscal_year_start = 12;\n")->fiscal_year_start, 12);
}

static void sandbox_limits_are_range_checked(void **state)
{
	env *v = *state;
	expect_error(v, "sandbox = { instructions = 999; };\n", 1,
	             "'instructions' must be an integer from 1000");
	expect_error(v, "sandbox = { memory_mb = 2; };\n", 1,
	             "'memory_mb' must be an integer from 4 to 65536");
	expect_error(v, "sandbox = { time_ms = 0; };\n", 1, "'time_ms'");
	expect_error(v, "sandbox = { sql_ms = 3600001; };\n", 1, "'sql_ms'");
	hd_config *c = load_text(v, "sandbox = { instructions = 1000000000000L; memory_mb = 4; };\n");
	assert_int_equal(c->sb_instructions, 1000000000000LL);
	assert_int_equal(c->sb_memory_mb, 4);
}

static void weights_must_not_be_negative(void **state)
{
	env *v = *state;
	expect_error(v, "rules = { weights = {\n  attainment = -1;\n}; };\n", 2,
	             "'attainment' must be a number >= 0");
}

static void leaderboard_is_named_or_anonymous(void **state)
{
	env *v = *state;
	assert_false(load_text(v, "output = { leaderboard = \"named\"; };\n")->anonymous);
	hd_config_free(&v->cfg);
	assert_true(load_text(v, "output = { leaderboard = \"anonymous\"; };\n")->anonymous);
	hd_config_free(&v->cfg);
	v->loaded = 0;
	expect_error(v, "output = { leaderboard = \"public\"; };\n", 1, "\"named\" or \"anonymous\"");
	expect_error(v, "output = { leaderboard = true; };\n", 1, "\"named\" or \"anonymous\"");
}

static void a_later_load_starts_from_the_defaults(void **state)
{
	env *v = *state;
	load_text(v, "fiscal_year_start = 4;\nrules = { params = { x = 1; }; };\n");
	hd_config_free(&v->cfg);
	unit_write(v->work, "other.cfg", "period = \"2026\";\n");
	assert_int_equal(load(v, "other.cfg"), 0);
	assert_int_equal(v->cfg.fiscal_year_start, 1);
	assert_int_equal(v->cfg.nparams, 0);
	assert_string_equal(v->cfg.period, "2026");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(no_file_means_the_defaults),
	    T(huddle_cfg_in_the_working_folder_comes_first),
	    T(xdg_config_home_is_the_fallback),
	    T(home_config_is_used_without_xdg_config_home),
	    T(explicit_path_must_exist),
	    T(every_key_is_read),
	    T(params_are_looked_up_by_name),
	    T(relative_paths_are_resolved_against_the_config_folder),
	    T(absolute_config_path_gives_absolute_paths),
	    T(bundled_scripts_folder_is_found_by_name),
	    T(a_scripts_folder_next_to_the_file_wins),
	    T(unknown_key_is_warned_about_and_ignored),
	    T(wrong_type_is_an_input_error_with_file_and_line),
	    T(syntax_error_is_an_input_error_with_its_line),
	    T(fiscal_year_start_must_be_a_month),
	    T(sandbox_limits_are_range_checked),
	    T(weights_must_not_be_negative),
	    T(leaderboard_is_named_or_anonymous),
	    T(a_later_load_starts_from_the_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
