/* fuzz_support.c - scratch files, the database and config of the harnesses. */
#include "fuzz_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "report.h"

const char fz_team_sql[] =
    "INSERT INTO teams (id, name, manager) VALUES (1, 'West', 'Mia'), (2, 'East', 'Noor');"
    "INSERT INTO reps (id, name, email, team_id, hired_on) VALUES"
    "  (1, 'Ana', 'ana@example.com', 1, '2024-01-15'),"
    "  (2, 'Ben', 'ben@example.com', 1, '2025-03-01'),"
    "  (3, 'Cy', NULL, 2, '2023-06-01');"
    "INSERT INTO assessments (id, rep_id, instrument, taken_on) VALUES (1, 1, 'strengths', '2026-01-10');"
    "INSERT INTO strengths (assessment_id, talent, rank) VALUES (1, 'Relator', 2), (1, 'Achiever', 1);"
    "INSERT INTO quotas (rep_id, starts_on, ends_on, amount) VALUES"
    "  (1, '2026-04-01', '2026-06-30', 1000), (1, '2026-07-01', '2026-09-30', 1000),"
    "  (2, '2026-07-01', '2026-09-30', 3000);"
    "INSERT INTO team_targets (team_id, starts_on, ends_on, amount) VALUES"
    "  (1, '2026-07-01', '2026-09-30', 5000);"
    "INSERT INTO deals (id, rep_id, amount, stage, created_on, closed_on) VALUES"
    "  (1, 1, 500, 'won', '2026-06-01', '2026-07-10'),"
    "  (2, 1, 250, 'won', '2026-08-01', '2026-09-30'),"
    "  (3, 1, 300, 'won', '2026-04-01', '2026-05-05'),"
    "  (4, 2, 1000, 'won', '2026-07-01', '2026-08-01'),"
    "  (5, 2, 200, 'lost', '2026-07-01', '2026-08-15'),"
    "  (6, 3, 400, 'won', '2026-06-01', '2026-06-25'),"
    "  (7, 3, 900, 'open', '2026-07-15', NULL);";

static char *scratch;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, detail);
	abort();
}

static void remove_scratch(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = hd_xmalloc(strlen(scratch) + strlen(e->d_name) + 2);
		sprintf(p, "%s/%s", scratch, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(scratch);
}

const char *fz_dir(void)
{
	if (scratch)
		return scratch;
	/* The folder's name ends up in chunk names and messages: run.sh --ci
	 * names one of its own, the same in every run, since with mkdtemp's
	 * random names the paths fuzzing took changed from run to run. */
	const char *given = getenv("HUDDLE_FUZZ_SCRATCH");
	if (given && *given) {
		if (mkdir(given, 0700) != 0)
			die("cannot make the scratch folder (it must not exist yet)", given);
		scratch = hd_xstrdup(given);
	} else {
		const char *t = getenv("TMPDIR");
		char tmpl[4096];
		snprintf(tmpl, sizeof tmpl, "%s/huddle-fuzz-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpl))
			die("cannot make a scratch folder", tmpl);
		scratch = hd_xstrdup(tmpl);
	}
	atexit(remove_scratch);
	return scratch;
}

char *fz_write(const char *name, const void *data, size_t n)
{
	const char *dir = fz_dir();
	char *p = hd_xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	/* config.c refuses a file that others could write, whatever the umask. */
	if (!f || fchmod(fileno(f), 0600) != 0 || fwrite(data, 1, n, f) != n || fclose(f) != 0)
		die("cannot write", p);
	return p;
}

char *fz_cstr(const uint8_t *data, size_t n)
{
	char *s = hd_xmalloc(n + 1);
	if (n)
		memcpy(s, data, n);
	s[n] = 0;
	return s;
}

sqlite3 *fz_db(const char *sql)
{
	sqlite3 *db;
	hd_err err;
	if (hd_db_open_memory(&db, &err) || hd_db_exec(db, sql, &err))
		die("database", err.msg);
	return db;
}

void fz_config(hd_config *c, const char *cfg_text)
{
	hd_err err;
	char *path = fz_write("huddle.cfg", cfg_text, strlen(cfg_text));
	if (hd_config_load(c, path, &err))
		die("config", err.msg);
	free(path);
}

void fz_period(hd_period *p, int *as_of)
{
	hd_err err;
	if (hd_period_parse("2026-Q3", 1, p, &err) || hd_date_parse("2026-09-30", as_of))
		die("period", err.msg);
}

/* Sums the bytes of a string so the reads cannot be optimised away. */
static size_t touch(const char *s)
{
	size_t h = 0;
	for (; s && *s; s++)
		h += (unsigned char)*s;
	return h;
}

static size_t touch_card(const hd_scorecard *c)
{
	size_t h = touch(c->name) + touch(c->team);
	for (int i = 0; i < c->ncomps; i++)
		h += touch(c->comps[i].rule->name) + touch(c->comps[i].why);
	for (int i = 0; i < c->nrecs; i++)
		h += touch(c->recs[i].rule->name) + touch(c->recs[i].text);
	for (int i = 0; i < c->ncoach; i++)
		h += touch(c->coach[i].rule->name) + touch(c->coach[i].rule->severity) +
		     touch(c->coach[i].text);
	for (int i = 0; i < c->nerrs; i++)
		h += touch(c->errs[i].rule) + touch(c->errs[i].where) + touch(c->errs[i].message);
	return h;
}

size_t fz_read_result(const hd_result *res)
{
	static FILE *null_out;
	size_t h = 0;
	for (int i = 0; i < res->nreps; i++)
		h += touch_card(&res->reps[i]);
	for (int i = 0; i < res->nteams; i++)
		h += touch_card(&res->teams[i]);
	if (!null_out && !(null_out = fopen("/dev/null", "w")))
		die("cannot open", "/dev/null");
	hd_report_opts o = {.team = -1}; /* every other option off */
	hd_report_json(res, &o, null_out);
	return h;
}
