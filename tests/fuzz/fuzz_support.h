/*
 * fuzz_support.h - what the libFuzzer harnesses share: a scratch folder
 * removed at exit, files written into it, an in-memory database with a
 * small team, and a config with tight sandbox limits.
 *
 * Every failure here is the harness's own (no disk, no memory): it is
 * reported and the process aborts, so libFuzzer never blames an input.
 */
#ifndef HUDDLE_FUZZ_SUPPORT_H
#define HUDDLE_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "result.h"

/* The data every engine harness evaluates (see fuzz_support.c):
 * West (Ana, Ben) and East (Cy) with deals, quotas and a team target. */
extern const char fz_team_sql[];

/* The process's scratch folder, made on first use and removed with
 * everything in it when the process exits normally: $HUDDLE_FUZZ_SCRATCH
 * if set (it must not exist yet), else a new one in $TMPDIR or /tmp. */
const char *fz_dir(void);

/* Writes n bytes to name in the scratch folder; returns its path, a
 * new string the caller frees. */
char *fz_write(const char *name, const void *data, size_t n);

/* A NUL-terminated copy of a fuzz input; the caller frees it. */
char *fz_cstr(const uint8_t *data, size_t n);

/* Opens an in-memory database with the schema and runs sql on it;
 * aborts on failure.  The caller closes it with sqlite3_close. */
sqlite3 *fz_db(const char *sql);

/* Writes cfg_text as huddle.cfg in the scratch folder and loads it into
 * c; aborts on failure.  hd_config_free releases it. */
void fz_config(hd_config *c, const char *cfg_text);

/* The period the engine harnesses evaluate: 2026-Q3 as of 2026-09-30. */
void fz_period(hd_period *p, int *as_of);

/* Reads every string of a result as a reporter would, so a dangling
 * pointer into the engine (rule names, texts) shows up under ASan, and
 * writes it as JSON to /dev/null.  Returns a checksum of the bytes read,
 * which keeps the reads from being optimised away. */
size_t fz_read_result(const hd_result *res);

#endif
