/*
 * lint.h - what `huddle check` finds in the loaded rules without running
 * them, each finding with the file and line to fix.
 *
 * Errors are what would fail at run time: a metric name written as a
 * literal (m.NAME, m.prev.NAME, m.members.NAME, team:sum("NAME"),
 * ${NAME} in a message) that names no metric, or a metric of the wrong
 * kind.  Warnings are what is legal but likely not meant: a param read
 * without a default and set nowhere, a param set but read nowhere, score
 * weights that miss a round total, a rule without a doc line.
 *
 * The source is read as tokens (lualex.h), inside the very function each
 * rule runs, so that a word in a comment, a string or another function
 * is never taken for a read.
 */
#ifndef HUDDLE_LINT_H
#define HUDDLE_LINT_H

#include <stdio.h>

#include "config.h"
#include "engine.h"

typedef struct hd_finding {
	char *file; /* as the rules name it; the config's path for its keys */
	int line;   /* 0: the file as a whole */
	int warning;
	char *msg;
} hd_finding;

typedef struct hd_lint {
	hd_finding *v;
	int n, errors, warnings;
} hd_lint;

/* Scans the rule functions, messages and files of e (after
 * hd_engine_open succeeded) for metric names and params. */
void hd_lint_rules(hd_engine *e, hd_lint *out);

/* A warning for every enabled rule without a doc line. */
void hd_lint_docs(const hd_rules *r, hd_lint *out);

/* Warns where the enabled score weights of a kind add up to nearly, but
 * not exactly, a power of ten (110 where 100 was likely meant), or to 0
 * (weights.c). */
void hd_lint_weights(const hd_rules *r, const hd_config *c, hd_lint *out);

/* Prints the effective weights: per kind, each score's weight after
 * rules.weights and its share of the total (weights.c). */
void hd_weights_print(const hd_rules *r, const hd_config *c, FILE *out);

/* Adds a finding at `where` ("file:line" or "file"); printf-style. */
void hd_lint_add(hd_lint *l, const char *where, int warning, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prints the findings as "file:line: message" or "file:line: warning:
 * message", in the order the files loaded and by line within a file. */
void hd_lint_print(hd_lint *l, const hd_rules *r, FILE *out);

void hd_lint_free(hd_lint *l);

#endif
