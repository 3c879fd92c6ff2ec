/*
 * notify_probe.c - a notifier for the tests of `huddle notify`: it
 * writes "attempts key" for each notice it is handed to the file
 * plugins.notify_probe.log, and refuses the items whose keys are in the
 * list plugins.notify_probe.fail.
 */
#include <huddle/plugin.h>

#include <string.h>

static const huddle_api *api;
static const char *log_path;
static const huddle_setting *fail_keys;

static int probe(huddle_host *h, void *ud, const huddle_notice *n)
{
	(void)ud;
	const char *key = api->notice_key(n);
	FILE *f = fopen(log_path, "a");
	if (!f) {
		api->fail(h, "cannot open %s", log_path);
		return -1;
	}
	fprintf(f, "%d %s\n", api->notice_attempts(n), key);
	fclose(f);
	for (int i = 0; i < api->setting_count(fail_keys); i++) {
		const char *k = api->setting_string(api->setting_at(fail_keys, i));
		if (k && !strcmp(k, key)) {
			api->fail(h, "told to refuse %s", key);
			return -1;
		}
	}
	return 0;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	const huddle_setting *g = api->config(h);
	log_path = api->config_path(h, api->setting_string(api->setting_member(g, "log")));
	fail_keys = api->setting_member(g, "fail");
	if (!log_path) {
		api->fail(h, "plugins.notify_probe.log is not set");
		return -1;
	}
	return api->add_notifier(h, "notify_probe", probe, NULL, "records notices for the tests");
}

HUDDLE_PLUGIN("notify_probe", "1.0.0", "a notifier that records what it is handed", init, NULL);
