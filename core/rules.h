/*
 * rules.h - the rule registry: what metric, score, recognize and coach
 * define when the rule files run.
 *
 * Loading runs each file once in the sandbox; the definition functions
 * validate their table and record the rule here, its Lua functions kept
 * as references in the registry.  Nothing is evaluated yet.
 */
#ifndef HUDDLE_RULES_H
#define HUDDLE_RULES_H

#include <stdio.h>

#include "config.h"
#include "err.h"
#include "lhost.h"

typedef enum { HD_REP = 0, HD_TEAM = 1 } hd_kind;
typedef enum { HD_SCORE, HD_RECOGNIZE, HD_COACH } hd_rule_type;

struct hd_preg;

/* A metric: SQL (sql set), Lua (fn_ref set) or a plugin's C provider
 * (provider set), exactly one of the three. */
typedef struct hd_metric_def {
	char *name, *doc, *sql;
	char where[256];	/* file:line, or "plugin NAME (path)" */
	hd_kind kind;
	int fn_ref;	 /* LUA_NOREF for SQL and plugin metrics */
	int has_default;
	double def;
	const struct hd_preg *provider; /* the plugin's registration (plugin.h) */
} hd_metric_def;

typedef struct hd_rule {
	hd_rule_type type;
	char *name, *doc;
	char where[256];
	hd_kind kind;
	int fn_ref;	/* score fn, or the when of a recognition or trigger */
	double weight;	/* scores; after rules.weights */
	double defined_weight; /* scores: as the rule file wrote it */
	char *text;	/* message or advice template; may be NULL */
	const char *severity; /* coaching: "low", "medium" or "high" */
	int disabled;	/* by rules.disabled */
} hd_rule;

/* One problem found while loading, as file:line: message. */
typedef struct hd_rules {
	hd_metric_def *metrics;
	int nmetrics;
	hd_rule *rules;
	int nrules;
	hd_strv files;	  /* every rule file loaded, in order */
	hd_strv problems; /* "file:line: message" */
	unsigned long long hash; /* of the files' bytes and the rules config */
	int loading;		 /* definitions are taken only while files load */
} hd_rules;

/* Installs metric, score, recognize and coach as globals of h's state;
 * they record into r, which must outlive the state's use. */
void hd_rules_install(hd_rules *r, hd_lua *h);

/* Runs every rule file under paths (files, or folders of *.lua in name
 * order).  Problems are collected in r->problems and loading goes on
 * with the next file; returns HD_EINPUT when there were any. */
int hd_rules_load(hd_rules *r, hd_lua *h, const hd_strv *paths, hd_err *err);

/* Applies rules.weights and rules.disabled, warning about names that
 * match nothing; folds the config into r->hash. */
void hd_rules_configure(hd_rules *r, const hd_config *c);

/* Adds a metric computed by a plugin, before the rule files load, so
 * that a rule defining one of the same name is an error naming both (a
 * plugin's metric cannot be overridden).  `where` says which plugin.
 * Returns 0, or -1 with a problem recorded (a name rules cannot read). */
int hd_rules_add_provided(hd_rules *r, const char *name, const char *doc, hd_kind kind,
			  const struct hd_preg *provider, const char *where);

/* Folds n bytes of what else decides the results (the plugins loaded)
 * into r->hash. */
void hd_rules_hash(hd_rules *r, const void *data, size_t n);

/* Index of a metric by name, or -1. */
int hd_rules_metric(const hd_rules *r, const char *name);

/* The known name closest to `name` (edit distance), or NULL. */
const char *hd_rules_closest_metric(const hd_rules *r, const char *name);

/* Writes every loading problem, one "file:line: message" a line. */
void hd_rules_print_problems(const hd_rules *r, FILE *out);

/* Releases what r owns; the Lua references die with the state. */
void hd_rules_free(hd_rules *r);

/* "score", "recognition" or "coaching trigger". */
const char *hd_rule_type_name(hd_rule_type t);

/* Edit distance, for "did you mean" hints. */
int hd_edit_distance(const char *a, const char *b);

#endif
