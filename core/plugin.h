/*
 * plugin.h - the host side of include/huddle/plugin.h: finding, checking
 * and loading plugins, the registry of what they add, and the objects
 * behind the opaque handles of the host API.
 *
 * The flow: a command that can use plugins calls hd_plugins_load once
 * with its config; every plugin found is either loaded (its init ran and
 * registered functions, metrics, reporters, importers or notifiers) or
 * refused with a reason; the registry is then read by lapi.c (Lua
 * helpers), metrics.c (C metrics), report.c (formats), import.c and
 * notify.c.  hd_plugins_unload calls every fini before the process ends.
 * The shared objects are never unloaded.
 */
#ifndef HUDDLE_CORE_PLUGIN_H
#define HUDDLE_CORE_PLUGIN_H

#include <huddle/plugin.h>
#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "report.h"
#include "result.h"

/* What a registration adds. */
typedef enum hd_preg_type {
	HD_PREG_LUA,
	HD_PREG_METRIC,
	HD_PREG_REPORTER,
	HD_PREG_IMPORTER,
	HD_PREG_NOTIFIER,
	HD_PREG_NTYPES
} hd_preg_type;

typedef struct hd_preg {
	hd_preg_type type;
	huddle_host *owner;
	const char *name, *doc; /* the plugin's */
	const char *suffixes;	/* importers */
	unsigned flags;		/* reporters */
	int kind;		/* metrics: HUDDLE_REP or HUDDLE_TEAM */
	lua_CFunction lua;
	huddle_metric_fn metric;
	huddle_report_fn report;
	huddle_import_fn import;
	huddle_notify_fn notify;
	void *ud;
} hd_preg;

typedef enum hd_plugin_status { HD_PLUGIN_LOADED, HD_PLUGIN_REFUSED, HD_PLUGIN_NOT_LOADED } hd_plugin_status;

/* One plugin file found; the api's huddle_host. */
struct huddle_host {
	char *path;	   /* as found */
	char *name;	   /* the descriptor's, or the file's stem when refused before */
	char *stem;	   /* the file's name without .so: what plugins.load names */
	char *version, *summary; /* copies; NULL when refused before reading them */
	hd_plugin_status status;
	char why[512];	   /* why it was refused or not loaded */
	const huddle_plugin *desc;
	const config_setting_t *group; /* plugins.NAME */
	const hd_config *cfg;
	int in_init;
	char fail[1024];   /* the last api->fail */
	hd_strv paths;	   /* strings of config_path, kept until unload */
	int fd;		   /* the file loaded, open while it is */
};

typedef struct hd_plugins {
	huddle_host **v; /* every plugin file found, in load order */
	int n;
	hd_preg *regs;
	int nregs;
	hd_strv dirs; /* folders searched, in order */
	const char *cfg_path; /* the config file read, for settings' messages */
	int loaded;
} hd_plugins;

/* The host API table handed to every plugin. */
extern const huddle_api hd_api;

/* Finds and loads the plugins of cfg (plugins.dirs, then the installed
 * folder, or next to an uninstalled huddle its build tree's).  Refusals
 * are warned about on stderr and recorded; loading goes on without
 * them.  Once per process: later calls return at once. */
void hd_plugins_load(const hd_config *cfg);
/* Calls every loaded plugin's fini (once). */
void hd_plugins_unload(void);
/* The registry (empty until hd_plugins_load). */
const hd_plugins *hd_plugins_get(void);
/* A registration by type and name, or NULL. */
const hd_preg *hd_plugins_find(hd_preg_type type, const char *name);
/* The message of the last api->fail of h ("" when none), and clears it. */
const char *hd_plugin_failure(huddle_host *h);
/* The folder of installed plugins searched after plugins.dirs. */
const char *hd_plugins_default_dir(void);

/* The API members of plugin.c (the table is in plugin_api.c). */
void hd_papi_fail(huddle_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hd_papi_warn(huddle_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const huddle_setting *hd_papi_config(huddle_host *h);
const huddle_setting *hd_papi_setting_member(const huddle_setting *s, const char *name);
int hd_papi_setting_count(const huddle_setting *s);
const huddle_setting *hd_papi_setting_at(const huddle_setting *s, int i);
const char *hd_papi_setting_name(const huddle_setting *s);
int hd_papi_setting_type(const huddle_setting *s);
int hd_papi_setting_int(const huddle_setting *s, long long *out);
int hd_papi_setting_float(const huddle_setting *s, double *out);
int hd_papi_setting_bool(const huddle_setting *s, int *out);
const char *hd_papi_setting_string(const huddle_setting *s);
const char *hd_papi_setting_file(const huddle_setting *s);
int hd_papi_setting_line(const huddle_setting *s);
const char *hd_papi_config_path(huddle_host *h, const char *path);
int hd_papi_add_lua(huddle_host *h, const char *name, lua_CFunction fn, const char *doc);
int hd_papi_add_metric(huddle_host *h, const char *name, int kind, huddle_metric_fn fn, void *ud,
			  const char *doc);
int hd_papi_add_reporter(huddle_host *h, const char *name, unsigned flags, huddle_report_fn fn, void *ud,
			    const char *doc);
int hd_papi_add_importer(huddle_host *h, const char *name, const char *suffixes, huddle_import_fn fn,
			    void *ud, const char *doc);
int hd_papi_add_notifier(huddle_host *h, const char *name, huddle_notify_fn fn, void *ud, const char *doc);

/* Objects behind the API's opaque handles -------------------------- */

/* A metric provider's call: one metric of a kind for period ctx. */
struct hd_engine;
struct huddle_metric_call {
	struct hd_engine *engine;
	int metric, ctx, kind;
	double *values; /* [subject], NaN until set */
};

/* A result as a reporter sees it: the shown scorecards in rank order,
 * and the previous period's when the reporter asked for them. */
struct huddle_card {
	const hd_scorecard *sc;	  /* its header */
	const hd_scorecard *card; /* the whole card, once an item was asked for */
	const hd_result *from;
	const struct huddle_result *res;
};

struct huddle_result {
	const hd_result *res;
	const hd_result *prev; /* may be NULL */
	const hd_report_opts *opts;
	sqlite3 *db;
	struct huddle_card *cards[2], *prev_cards[2];
	int ncards[2], nprev[2];
	hd_arena *whole; /* the whole cards read */
};

/* Builds r over res (and prev, may be NULL) under the report options;
 * hd_plugin_result_free releases the card arrays. */
void hd_plugin_result_init(struct huddle_result *r, const hd_result *res, const hd_result *prev,
			   const hd_report_opts *o, sqlite3 *db);
void hd_plugin_result_free(struct huddle_result *r);

struct huddle_notice {
	const char *key, *kind, *payload;
	int attempts;
};

/* The import in progress (import.c). */
struct huddle_import;
const char *hd_import_table(const huddle_import *imp);
FILE *hd_import_file(huddle_import *imp);
const char *hd_import_path(const huddle_import *imp);
int hd_import_columns(const huddle_import *imp);
const char *hd_import_column(const huddle_import *imp, int i);
int hd_import_header(huddle_import *imp, long line, int n, const char *const *names);
int hd_import_row(huddle_import *imp, long line, int n, const char *const *values);
void hd_import_fail(huddle_import *imp, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));


#endif
