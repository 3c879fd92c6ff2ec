/*
 * report.h - writing a result in one of the output formats.
 */
#ifndef HUDDLE_REPORT_H
#define HUDDLE_REPORT_H

#include <stdio.h>

#include "err.h"
#include "result.h"

typedef struct hd_report_opts {
	int audience_team; /* --audience team: no coaching, no rule errors */
	int anonymous;	   /* with audience_team: no rep names beside ranks */
	int team;	   /* --team: only this team's index, or -1 */
	int color;	   /* ANSI colour in the table format */
} hd_report_opts;

/* Writes res as format ("table", "json", "csv", "markdown") to out.
 * Returns HD_EUSAGE for an unknown format, HD_EIO if writing failed. */
int hd_report_write(const char *format, const hd_result *res, const hd_report_opts *o, FILE *out, hd_err *err);

/* Whether a scorecard is shown under the options (the --team filter). */
int hd_report_shows(const hd_report_opts *o, const hd_scorecard *c);
/* The name shown for a rep: NULL when the leaderboard is anonymous. */
const char *hd_report_rep_name(const hd_report_opts *o, const hd_scorecard *c);

void hd_report_json(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_table(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_markdown(const hd_result *res, const hd_report_opts *o, FILE *out);
void hd_report_csv(const hd_result *res, const hd_report_opts *o, FILE *out);

#endif
