/*
 * subjects.h - the reps and teams a run evaluates.
 *
 * Active reps hired before the period ends, and the teams that have at
 * least one of them, in id order; with each rep the talents of its
 * latest assessment taken by the as-of date.
 */
#ifndef HUDDLE_SUBJECTS_H
#define HUDDLE_SUBJECTS_H

#include <sqlite3.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "idmap.h"

typedef struct hd_rep_info {
	int64_t id;
	const char *name, *email, *role, *hired_on;
	int team; /* index into teams */
	const char **strengths;
	int nstrengths;
} hd_rep_info;

typedef struct hd_team_info {
	int64_t id;
	const char *name, *manager, *department;
	int *members; /* rep indexes */
	int nmembers;
} hd_team_info;

typedef struct hd_subjects {
	hd_rep_info *reps;
	int nreps;
	hd_team_info *teams;
	int nteams;
	hd_idmap rep_ids, team_ids;
	hd_arena arena;
	/* Roles and talents, each kept once: a million reps share a handful. */
	const char **words;
	size_t nwords, wcap;
} hd_subjects;

/* Loads the subjects for a period ending at stop (ISO date) as of as_of. */
int hd_subjects_load(hd_subjects *s, sqlite3 *db, const char *stop, const char *as_of, hd_err *err);
void hd_subjects_free(hd_subjects *s);

#endif
