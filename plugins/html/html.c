/*
 * html.c - the html plugin: `huddle eval --format html` writes one
 * self-contained page (inline CSS and SVG, no scripts, fonts or images)
 * with each team's leaderboard beside its group target, every rep's score
 * components, momentum against the previous period, the recognitions,
 * and the coaching items for the manager.
 *
 * Settings, all optional, in the config's plugins.html group:
 *	top   = 12;                   reps drawn in each team's leaderboard chart
 *	                              (default 12, fewer when there are many teams)
 *	title = "West region huddle"; the page's heading
 */
#include <string.h>

#include <huddle/plugin.h>

#include "html.h"

static const huddle_api *api;
static hr_settings settings = { 0, NULL };

static int report(huddle_host *h, void *ud, const huddle_result *res, FILE *out)
{
	hr_model m;
	(void)ud;
	int rc = hr_model_build(&m, h, api, res, &settings);
	if (!rc) {
		hr_page(out, &m);
		if (fflush(out) || ferror(out)) {
			api->fail(h, "the page could not be written out (is the disk full?)");
			rc = -1;
		}
	}
	hr_model_free(&m);
	return rc;
}

static int bad_setting(huddle_host *h, const huddle_setting *s, const char *what)
{
	api->fail(h, "%s:%d: plugins.html.%s %s", api->setting_file(s), api->setting_line(s), api->setting_name(s),
		  what);
	return -1;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	const huddle_setting *g = api->config(h);
	for (int i = 0; g && i < api->setting_count(g); i++) {
		const huddle_setting *s = api->setting_at(g, i);
		const char *name = api->setting_name(s);
		long long top;
		if (!strcmp(name, "top")) {
			if (api->setting_int(s, &top) || top < 1 || top > 1000)
				return bad_setting(h, s, "must be a whole number from 1 to 1000: the reps drawn in each "
							 "team's leaderboard (the others are listed below it)");
			settings.top = (int)top;
		} else if (!strcmp(name, "title")) {
			if (!(settings.title = api->setting_string(s)))
				return bad_setting(h, s, "must be a string: the page's heading");
		} else {
			api->warn(h, "%s:%d: plugins.html.%s is not a setting of the html plugin (it knows top and title)",
				  api->setting_file(s), api->setting_line(s), name);
		}
	}
	return api->add_reporter(h, "html", HUDDLE_REPORT_PREVIOUS, report, NULL,
				 "one self-contained HTML page: leaderboards beside group targets, score components, "
				 "momentum, recognition and (for managers) coaching");
}

HUDDLE_PLUGIN("html", "1.0.0", "eval --format html: a self-contained report page with inline SVG charts", init, NULL);
