/*
 * huddle/plugin.h - everything a huddle plugin is built against.
 *
 * A plugin is a shared object that exports one symbol, the descriptor
 *
 *	HUDDLE_PLUGIN("name", "1.0.0", "what it adds", my_init, my_fini);
 *
 * and links against no symbol of the huddle executable: when huddle loads
 * it (dlopen, RTLD_NOW | RTLD_LOCAL) it calls init with a table of
 * function pointers, the host API, through which the plugin registers
 * what it adds and later reads what it is given.  The only libraries a
 * plugin shares with huddle are the C library, Lua 5.4 (for Lua helpers)
 * and SQLite (for metric providers and reporters that query the
 * database); build with `pkg-config --cflags --libs huddle-plugin`.
 *
 * Versions.  HUDDLE_ABI_MAJOR changes when something in this header
 * changes incompatibly; huddle refuses a plugin of another major.
 * HUDDLE_ABI_MINOR grows when members are appended to huddle_api or to
 * huddle_plugin (both are append-only: no member is ever removed, moved
 * or changed).  A plugin declares in its descriptor the minor it needs:
 * by default the minor of the header it was built with; define
 * HUDDLE_PLUGIN_MINOR before including this header to ask for less, and
 * test newer members with HUDDLE_API_HAS before calling them.  huddle
 * refuses a plugin that needs a newer minor than its own.  The
 * descriptor's `build` string records what else must agree (the Lua
 * version, the size of pointers and integers); it must equal huddle's.
 *
 * Ownership.  Every string and object the host hands to a plugin is the
 * host's: valid for the duration of the call it was given in (a setting:
 * while the plugin is loaded), never to be freed, closed or written by
 * the plugin.  What a plugin hands to the host at registration (names,
 * docs, user data pointers) and its descriptor must stay valid until its
 * fini has returned; string literals are the usual choice.  What it
 * hands to the host in any other call (import_header's names,
 * import_row's values, messages) is read during that call only.
 *
 * Errors.  A callback returns 0 on success.  On failure it calls
 * api->fail(host, ...) with what went wrong and what to do about it, and
 * returns -1; the host shows the message with the plugin's name.
 *
 * Threads and processes.  All calls come from one thread.  huddle
 * evaluates rules in a forked worker process: Lua helpers and metric
 * providers run there, under the rule sandbox (Lua helpers count against
 * the rule's memory cap, and a call that outlives sandbox.time_ms is
 * killed with the worker; a metric provider stopped that way is not
 * called again in the run, and its metric fails for every reader).
 * Reporters, importers and notifiers run in the huddle process itself.
 *
 * Unloading.  fini is called once before huddle exits, after the last
 * callback; the shared object is never unloaded while huddle runs.
 */
#ifndef HUDDLE_PLUGIN_H
#define HUDDLE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <lua.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HUDDLE_ABI_MAJOR 1
#define HUDDLE_ABI_MINOR 0

#define HUDDLE_STR_(x) #x
#define HUDDLE_STR(x)  HUDDLE_STR_(x)

/* What a plugin and the host must agree on beyond this header. */
#define HUDDLE_PLUGIN_BUILD                                                                           \
	"lua " LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "; pointer " HUDDLE_STR(__SIZEOF_POINTER__) \
	"; long " HUDDLE_STR(__SIZEOF_LONG__) "; lua int " HUDDLE_STR(LUA_INT_TYPE) "; lua float " HUDDLE_STR(LUA_FLOAT_TYPE)

/* The name of the exported descriptor. */
#define HUDDLE_PLUGIN_SYMBOL "huddle_plugin_descriptor"

/* Opaque objects; the host owns them all. */
typedef struct huddle_host huddle_host;		/* one per loaded plugin */
typedef struct huddle_setting huddle_setting;	/* a node of the config file */
typedef struct huddle_metric_call huddle_metric_call; /* one metric, one period */
typedef struct huddle_result huddle_result;	/* an evaluation, for reporters */
typedef struct huddle_card huddle_card;		/* one rep's or team's scorecard */
typedef struct huddle_import huddle_import;	/* one `huddle import` */
typedef struct huddle_notice huddle_notice;	/* one outbox item */
struct sqlite3;					/* sqlite3.h's connection */

/* Subjects. */
enum { HUDDLE_REP = 0, HUDDLE_TEAM = 1 };

/* The items of a scorecard, for huddle_api.card_count and friends. */
enum { HUDDLE_COMPONENT = 0, HUDDLE_RECOGNITION = 1, HUDDLE_COACHING = 2, HUDDLE_ERROR = 3 };

/* Types of config settings. */
enum {
	HUDDLE_SETTING_NONE = 0,
	HUDDLE_SETTING_INT = 1,
	HUDDLE_SETTING_FLOAT = 2,
	HUDDLE_SETTING_STRING = 3,
	HUDDLE_SETTING_BOOL = 4,
	HUDDLE_SETTING_GROUP = 5, /* { name = value; ... } */
	HUDDLE_SETTING_LIST = 6	  /* [ ... ] or ( ... ) */
};

/* Audiences (SPEC section 3, --audience). */
enum { HUDDLE_AUDIENCE_MANAGER = 0, HUDDLE_AUDIENCE_TEAM = 1 };

/* Flags of huddle_api.add_reporter. */
#define HUDDLE_REPORT_PREVIOUS 1u /* also evaluate the previous period (result_previous) */

/*
 * Callbacks.  Each returns 0, or -1 after api->fail.
 *
 * A metric provider computes one metric for every subject of its kind in
 * one period at once (set-based, like a SQL metric): it reads the period
 * and the database from `call` and calls api->metric_set once per
 * subject that has a value; the others read as nil.
 *
 * A reporter writes one evaluation to `out` (a file or standard output;
 * the host flushes and checks it).
 *
 * An importer reads api->import_file, hands the host the header with
 * api->import_header and then each record with api->import_row; the
 * host converts and checks each value against the table and inserts it.
 * The import is one transaction: if anything fails, nothing is kept.
 *
 * A notifier delivers one outbox item and returns 0 only once the
 * receiver has accepted it; the item is then marked delivered.
 */
typedef int (*huddle_metric_fn)(huddle_host *h, void *ud, huddle_metric_call *call);
typedef int (*huddle_report_fn)(huddle_host *h, void *ud, const huddle_result *res, FILE *out);
typedef int (*huddle_import_fn)(huddle_host *h, void *ud, huddle_import *imp);
typedef int (*huddle_notify_fn)(huddle_host *h, void *ud, const huddle_notice *n);

#if defined(__GNUC__)
#define HUDDLE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HUDDLE_PRINTF(f, a)
#endif

/*
 * The host API.  Append-only: members are added at the end, and
 * abi_minor grows with them.
 */
typedef struct huddle_api {
	uint32_t size;		    /* sizeof the table the host has */
	uint16_t abi_major, abi_minor; /* the host's */
	const char *version;	    /* huddle's version, "0.1.0" */

	/* -- Messages ---------------------------------------------------- */

	/* Records why the current callback (or init) failed; the last call
	 * before returning -1 wins. */
	void (*fail)(huddle_host *h, const char *fmt, ...) HUDDLE_PRINTF(2, 3);
	/* Prints "huddle: plugin NAME: ..." on standard error. */
	void (*warn)(huddle_host *h, const char *fmt, ...) HUDDLE_PRINTF(2, 3);

	/* -- Configuration: the plugin's own group, plugins.NAME ----------- */

	/* The group, or NULL when the config has none. */
	const huddle_setting *(*config)(huddle_host *h);
	/* A group's member by name, or NULL. */
	const huddle_setting *(*setting_member)(const huddle_setting *s, const char *name);
	/* Members of a group, elements of a list; 0 for a scalar. */
	int (*setting_count)(const huddle_setting *s);
	/* The i-th member or element (0-based), or NULL. */
	const huddle_setting *(*setting_at)(const huddle_setting *s, int i);
	/* A group member's name; NULL for a list element. */
	const char *(*setting_name)(const huddle_setting *s);
	int (*setting_type)(const huddle_setting *s);
	/* Each returns 0 and stores the value, or -1 when the setting is not
	 * of that type (setting_float also takes integers). */
	int (*setting_int)(const huddle_setting *s, long long *out);
	int (*setting_float)(const huddle_setting *s, double *out);
	int (*setting_bool)(const huddle_setting *s, int *out);
	/* The string, or NULL when the setting is not a string. */
	const char *(*setting_string)(const huddle_setting *s);
	/* Where the setting was written, for messages: file and line. */
	const char *(*setting_file)(const huddle_setting *s);
	int (*setting_line)(const huddle_setting *s);
	/* A path written in the config, resolved against the config file's
	 * folder; the host keeps the string until the plugin is unloaded. */
	const char *(*config_path)(huddle_host *h, const char *path);

	/* -- Registration: only during init -------------------------------- */

	/* Names are [a-z][a-z0-9_]*, at most 32 bytes.  Each returns 0, or -1
	 * (a bad or taken name, or a call outside init) after which init
	 * should fail. */

	/* A Lua function for rules, huddle.<plugin>.<name>.  It runs under
	 * the rule sandbox: check every argument (luaL_check*), and raise
	 * errors with luaL_error. */
	int (*add_lua)(huddle_host *h, const char *name, lua_CFunction fn, const char *doc);
	/* A metric of kind HUDDLE_REP or HUDDLE_TEAM, read by rules as m.NAME. */
	int (*add_metric)(huddle_host *h, const char *name, int kind, huddle_metric_fn fn, void *ud,
			  const char *doc);
	/* An output format, `huddle eval --format NAME`. */
	int (*add_reporter)(huddle_host *h, const char *name, unsigned flags, huddle_report_fn fn, void *ud,
			    const char *doc);
	/* A file format for `huddle import TABLE FILE`, chosen by the file's
	 * suffix (".csv"; several separated by spaces) or --format NAME. */
	int (*add_importer)(huddle_host *h, const char *name, const char *suffixes, huddle_import_fn fn,
			    void *ud, const char *doc);
	/* A delivery channel for `huddle notify`. */
	int (*add_notifier)(huddle_host *h, const char *name, huddle_notify_fn fn, void *ud, const char *doc);

	/* -- Metric providers ---------------------------------------------- */

	int (*metric_kind)(const huddle_metric_call *c);
	/* The period as ISO dates: [start, stop), and the as-of date. */
	const char *(*metric_start)(const huddle_metric_call *c);
	const char *(*metric_stop)(const huddle_metric_call *c);
	const char *(*metric_as_of)(const huddle_metric_call *c);
	/* The read-only connection rules use; do not close it. */
	struct sqlite3 *(*metric_db)(const huddle_metric_call *c);
	/* Sets the metric of the rep or team with this id; -1 for an id that
	 * is not a subject of this evaluation, or a NaN or infinite value. */
	int (*metric_set)(huddle_metric_call *c, int64_t id, double value);

	/* -- Results, for reporters ---------------------------------------- */

	/* The period's label ("2026-Q3"), [start, stop) and as-of dates. */
	const char *(*result_period)(const huddle_result *r);
	const char *(*result_start)(const huddle_result *r);
	const char *(*result_stop)(const huddle_result *r);
	const char *(*result_as_of)(const huddle_result *r);
	/* The saved run's id, or 0 with --no-save; its creation time. */
	int64_t (*result_run_id)(const huddle_result *r);
	const char *(*result_created_at)(const huddle_result *r);
	const char *(*result_rules_hash)(const huddle_result *r);
	/* Who the output is for.  The host already leaves out what that
	 * audience must not see: a reporter needs no checks of its own. */
	int (*result_audience)(const huddle_result *r);
	/* The scorecards to show (after --team), by rank then id. */
	int (*result_count)(const huddle_result *r, int kind);
	const huddle_card *(*result_card)(const huddle_result *r, int kind, int i);
	/* The same subject's scorecard in the previous period, or NULL (no
	 * such subject, or the reporter was registered without
	 * HUDDLE_REPORT_PREVIOUS). */
	const huddle_card *(*result_previous)(const huddle_result *r, const huddle_card *c);
	/* A read-only connection to the database evaluated; do not close it. */
	struct sqlite3 *(*result_db)(const huddle_result *r);

	int (*card_kind)(const huddle_card *c);
	int64_t (*card_id)(const huddle_card *c);
	/* The name, or NULL where the leaderboard is anonymous. */
	const char *(*card_name)(const huddle_card *c);
	/* A rep's team's name; NULL for a team. */
	const char *(*card_team)(const huddle_card *c);
	/* 1 and the score (0..100), or 0 when no component had a value. */
	int (*card_score)(const huddle_card *c, double *score);
	/* 1-based ranks, org-wide and within the team; 0 without a score. */
	int (*card_rank)(const huddle_card *c);
	int (*card_team_rank)(const huddle_card *c);
	/* A team's number of members; 0 for a rep. */
	int (*card_members)(const huddle_card *c);
	/* Number of items of a kind (HUDDLE_COMPONENT ...). */
	int (*card_count)(const huddle_card *c, int item);
	/* The rule that produced item i. */
	const char *(*item_rule)(const huddle_card *c, int item, int i);
	/* Its text: a component's why (may be NULL), a recognition's
	 * message, a coaching item's advice, an error's message. */
	const char *(*item_text)(const huddle_card *c, int item, int i);
	/* A coaching item's severity ("low", "medium", "high"), an error's
	 * file:line; NULL otherwise. */
	const char *(*item_detail)(const huddle_card *c, int item, int i);
	/* A component's value (clamped to 0..1), raw value and weight;
	 * returns 1, or 0 when the rule produced no value (then only the
	 * weight is stored). */
	int (*component)(const huddle_card *c, int i, double *value, double *raw, double *weight);

	/* -- Imports ------------------------------------------------------- */

	/* The table named on the command line, and the file (opened by the
	 * host, read-only; do not close it) with its name as given. */
	const char *(*import_table)(const huddle_import *imp);
	FILE *(*import_file)(huddle_import *imp);
	const char *(*import_path)(const huddle_import *imp);
	/* The table's columns, in schema order. */
	int (*import_columns)(const huddle_import *imp);
	const char *(*import_column)(const huddle_import *imp, int i);
	/* The column names of the records to come (the header, after the
	 * importer's own renaming), with the line they were read on.  The host
	 * checks them against the table.  Returns 0, or -1 with the reason
	 * recorded: stop and return -1. */
	int (*import_header)(huddle_import *imp, long line, int n, const char *const *names);
	/* One record, values in header order; NULL or "" is NULL.  The host
	 * converts and checks each value (integers, numbers, ISO dates,
	 * allowed values, foreign keys) and inserts the row.  Returns 0, or -1
	 * with the reason and line recorded: stop and return -1. */
	int (*import_row)(huddle_import *imp, long line, int n, const char *const *values);
	/* Records that the file is malformed at line (a quote never closed, a
	 * record with the wrong number of fields); then return -1. */
	void (*import_fail)(huddle_import *imp, long line, const char *fmt, ...) HUDDLE_PRINTF(3, 4);

	/* -- Notifications ------------------------------------------------- */

	/* A key that is the same for every delivery attempt of one item, to
	 * send along so that the receiver can drop repeats. */
	const char *(*notice_key)(const huddle_notice *n);
	/* "recognition" or "coaching". */
	const char *(*notice_kind)(const huddle_notice *n);
	/* The item as a JSON object: kind, period, subject, id, name, rule,
	 * severity (coaching), text. */
	const char *(*notice_payload)(const huddle_notice *n);
	/* How many earlier `huddle notify` runs failed to deliver it. */
	int (*notice_attempts)(const huddle_notice *n);
} huddle_api;

/* Whether the host's table has member m: for a plugin that declares an
 * older HUDDLE_PLUGIN_MINOR than the header it is built with, so that it
 * also loads in older hosts of the same major, before it calls a member
 * newer than that minor. */
#define HUDDLE_API_HAS(api, m) \
	((api)->size >= offsetof(huddle_api, m) + sizeof(((huddle_api *)0)->m))

/* The descriptor every plugin exports.  Append-only like huddle_api:
 * `size` says how much of it the plugin has. */
typedef struct huddle_plugin {
	uint32_t size;		       /* sizeof(huddle_plugin) */
	uint16_t abi_major, abi_minor; /* HUDDLE_ABI_MAJOR, HUDDLE_PLUGIN_MINOR */
	const char *name;	       /* [a-z][a-z0-9_]*, at most 32 bytes */
	const char *version;	       /* the plugin's own */
	const char *build;	       /* HUDDLE_PLUGIN_BUILD */
	const char *summary;	       /* one line for `huddle plugins` */
	/* Registers what the plugin adds and reads its config; 0 or -1
	 * after api->fail.  The api table lives as long as the plugin. */
	int (*init)(huddle_host *h, const huddle_api *api);
	/* May be NULL. */
	void (*fini)(huddle_host *h);
} huddle_plugin;

/* The size of the descriptor of ABI 1.0: every descriptor has at least
 * these fields. */
#define HUDDLE_PLUGIN_SIZE_1_0 (offsetof(huddle_plugin, fini) + sizeof(void (*)(huddle_host *)))

/* The minor of the ABI the plugin needs (see Versions above). */
#ifndef HUDDLE_PLUGIN_MINOR
#define HUDDLE_PLUGIN_MINOR HUDDLE_ABI_MINOR
#endif

#if defined(__GNUC__)
#define HUDDLE_EXPORT __attribute__((visibility("default")))
#else
#define HUDDLE_EXPORT
#endif

/* Defines the descriptor; use it once, at file scope. */
#define HUDDLE_PLUGIN(name, version, summary, init, fini)                                           \
	HUDDLE_EXPORT extern const huddle_plugin huddle_plugin_descriptor;                         \
	const huddle_plugin huddle_plugin_descriptor = { sizeof(huddle_plugin), HUDDLE_ABI_MAJOR,  \
							 HUDDLE_PLUGIN_MINOR,   (name),            \
							 (version),             HUDDLE_PLUGIN_BUILD, \
							 (summary),             (init),            \
							 (fini) }

#ifdef __cplusplus
}
#endif

#endif
