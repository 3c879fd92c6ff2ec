/*
 * report.h - writing a result in one of the output formats: the built-in
 * ones (table, json, csv, markdown) and those plugins register
 * (report_plugin.c).
 */
#ifndef HUDDLE_REPORT_H
#define HUDDLE_REPORT_H

#include <stdio.h>

#include <sqlite3.h>

#include "err.h"
#include "result.h"

typedef struct hd_report_opts {
	int audience_team; /* --audience team: no coaching, no rule errors */
	int anonymous;	   /* with audience_team: no rep names beside ranks */
	int team;	   /* --team: only this team's index, or -1 */
	int color;	   /* ANSI colour in the table format */
	/* For plugin reporters only: the previous period's result when the
	 * reporter asked for it (HUDDLE_REPORT_PREVIOUS; may be NULL), and
	 * the database evaluated, which they read through a read-only
	 * connection of their own.  Neither is owned by the options. */
	const hd_result *prev;
	sqlite3 *db;
} hd_report_opts;

/* Writes res as format to out: a built-in format, else the reporter a
 * loaded plugin registered under that name.  Returns HD_EUSAGE for an
 * unknown format (the message lists the known ones), HD_EIO if writing
 * failed or the plugin's reporter failed (the message names the plugin
 * and gives its reason). */
int hd_report_write(const char *format, const hd_result *res, const hd_report_opts *o, FILE *out, hd_err *err);

/* Whether format is built in or a loaded plugin's (after hd_plugins_load). */
int hd_report_known(const char *format);
/* The flags the format's reporter registered with (HUDDLE_REPORT_*); 0
 * for built-in and unknown formats. */
unsigned hd_report_flags(const char *format);
/* The formats there are, for messages: "table, json, csv, markdown or
 * html".  Returns buf. */
const char *hd_report_formats(char *buf, size_t n);

/* Writes res through a plugin's reporter (report_plugin.c); the
 * registration must be of type HD_PREG_REPORTER. */
struct hd_preg;
int hd_report_plugin(const struct hd_preg *reg, const hd_result *res, const hd_report_opts *o, FILE *out,
		     hd_err *err);

/* Whether a scorecard is shown under the options (the --team filter). */
int hd_report_shows(const hd_report_opts *o, const hd_scorecard *c);
/* The name shown for a rep: NULL when the leaderboard is anonymous. */
const char *hd_report_rep_name(const hd_report_opts *o, const hd_scorecard *c);

void hd_report_json(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_table(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_markdown(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_csv(const hd_result *res, const hd_report_opts *o, FILE *out);

#endif
