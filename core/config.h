/*
 * config.h - huddle.cfg (libconfig), looked up as SPEC section 4 says.
 *
 * Every key has a default, so a config with no file at all is valid.
 * Relative paths in a file are taken relative to that file's folder.
 */
#ifndef HUDDLE_CONFIG_H
#define HUDDLE_CONFIG_H

#include <libconfig.h>

#include "err.h"
#include "period.h"

typedef struct hd_strv {
	char **v;
	int n;
} hd_strv;

/* A rules.params entry: a number, a string or a boolean. */
typedef struct hd_param {
	char *name;
	int type; /* CONFIG_TYPE_FLOAT, CONFIG_TYPE_STRING or CONFIG_TYPE_BOOL */
	double num;
	char *str;
} hd_param;

typedef struct hd_weight {
	char *name;
	double weight;
	int line;
} hd_weight;

typedef struct hd_config {
	char *path;	/* the file read, or NULL when none was found */
	char *dir;	/* its folder; "." without a file */
	char *database; /* resolved path */
	char *period;	/* NULL: the current quarter */
	int fiscal_year_start;
	hd_strv scripts; /* resolved paths, in load order */
	hd_strv plugin_dirs;
	hd_strv plugin_load;
	int plugin_load_set;
	long long sb_instructions;
	int sb_time_ms, sb_memory_mb, sb_sql_ms;
	hd_weight *weights;
	int nweights;
	hd_strv disabled;
	hd_param *params;
	int nparams;
	char *format;
	int format_line; /* where output.format was set, for its error */
	int anonymous; /* output.leaderboard = "anonymous" */
	config_t cfg;	/* kept for the plugins' own groups */
} hd_config;

/* The largest config file huddle reads. */
#define HD_CONFIG_MAX_BYTES (1024 * 1024)

/* Loads the config: `explicit_path` if given (it must exist), else
 * ./huddle.cfg, else $XDG_CONFIG_HOME/huddle/huddle.cfg, else defaults.
 * Unknown keys are warned about on stderr with their line.  On failure
 * (HD_EINPUT) err names the file and line.  hd_config_free releases it.
 *
 * libconfig 1.5 is never handed anything it mishandles: the file must be
 * a regular file of the user or root that nobody else can write (its
 * group may, when that is the owner's private group), of at most
 * HD_CONFIG_MAX_BYTES; @include and NUL bytes are refused; every
 * integer literal must fit the type libconfig gives it (it truncates
 * silently) and every float must be finite. */
int hd_config_load(hd_config *c, const char *explicit_path, hd_err *err);
void hd_config_free(hd_config *c);

/* Resolves a path written in the config against its folder; returns a
 * new string the caller frees. */
char *hd_config_path(const hd_config *c, const char *p);

/* The value of a rules.params entry, or NULL. */
const hd_param *hd_config_param(const hd_config *c, const char *name);

void hd_strv_push(hd_strv *s, const char *str);
void hd_strv_free(hd_strv *s);

#endif
