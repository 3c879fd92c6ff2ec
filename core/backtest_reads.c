/* backtest_reads.c - what rule code reads, read from its source: does a
 * recognition policy reward raw activity alone (backtest), and which
 * metrics do the enabled rules read at all (hd_reads_needed: what the
 * evaluation workers compute before any rule runs)?
 *
 * The test is static, so that it holds for a policy that never fired
 * and does not depend on which reps happened to be traced:
 *
 * - An SQL metric is prepared (never run) under an authorizer that
 *   records the tables the statement reads, through views and CTEs.  It
 *   is activity data when it reads the activities table and nothing else
 *   but the roster (reps, teams); roster-only is neutral; any other table
 *   (deals, quotas, assists, ...) makes it a result.
 * - A Lua function (a policy's `when`, a Lua metric's `fn`) reads
 *   metrics only through its metrics parameter (m.NAME, m.prev.NAME,
 *   m.members.NAME, m["NAME"]) or a team's aggregates
 *   (team:sum("NAME"), ...).  Its source text is scanned for those; a
 *   Lua metric is what the metrics it reads are.  When the scan cannot
 *   follow the reads (m handed to other code, a computed name, the
 *   subject handed on whole, huddle.db, varargs, a plugin's metric) the
 *   function counts as reading results: the test never guesses towards
 *   a warning.
 *
 * A policy rewards raw activity alone when what it reads includes
 * activity data and nothing else but neutral metrics.  Its message
 * template is not part of the test: it says why, it does not decide.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "db.h"

enum { NEUTRAL = 0, ACTIVITY = 1, RESULT = 2 };

typedef struct reads {
	hd_engine *e;
	sqlite3 *db;
	signed char *cls; /* per metric: -1 not yet known, -2 being worked out */
} reads;

/* What one scanned function names. */
typedef struct scan {
	hd_strv names;
	char why[160]; /* why the reads cannot be followed; "" when they can */
} scan;

typedef struct tables {
	int activity, other;
} tables;

static int record_table(void *ud, int action, const char *a, const char *b, const char *c, const char *d)
{
	tables *t = ud;
	(void)b, (void)c, (void)d;
	if (action != SQLITE_READ || !a || !sqlite3_strnicmp(a, "sqlite_", 7))
		return SQLITE_OK;
	if (!sqlite3_stricmp(a, "activities"))
		t->activity = 1;
	else if (sqlite3_stricmp(a, "reps") && sqlite3_stricmp(a, "teams"))
		t->other = 1;
	return SQLITE_OK;
}

static int sql_class(reads *rd, const char *sql)
{
	tables t = { 0, 0 };
	sqlite3_stmt *st = NULL;
	if (!rd->db)
		return RESULT;
	sqlite3_set_authorizer(rd->db, record_table, &t);
	int rc = sqlite3_prepare_v2(rd->db, sql, -1, &st, NULL);
	sqlite3_set_authorizer(rd->db, NULL, NULL);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK || t.other)
		return RESULT; /* a metric that cannot be prepared fails in eval anyway */
	return t.activity ? ACTIVITY : NEUTRAL;
}

/* Lines first..last of a file, or NULL. */
static char *source_lines(const char *path, int first, int last)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *out = hd_xmalloc(cap);
	int line = 1, ch;
	while ((ch = fgetc(f)) != EOF && line <= last) {
		if (line >= first) {
			if (n + 2 > cap)
				out = hd_xrealloc(out, cap *= 2);
			out[n++] = (char)ch;
		}
		line += ch == '\n';
	}
	fclose(f);
	out[n] = 0;
	return out;
}

static int ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* The level of a long bracket [==[ at p, or -1 when p starts none. */
static int long_bracket(const char *p)
{
	if (*p != '[')
		return -1;
	int level = 0;
	for (p++; *p == '='; p++)
		level++;
	return *p == '[' ? level : -1;
}

/* Past the long string or comment opened at p with level. */
static const char *skip_long(const char *p, int level)
{
	p += level + 2;
	for (; *p; p++) {
		if (*p != ']')
			continue;
		int k = 0;
		while (p[1 + k] == '=')
			k++;
		if (k == level && p[1 + k] == ']')
			return p + k + 2;
	}
	return p;
}

/* A quoted string at p: its text into buf (escapes kept as written:
 * metric names have none); returns the end, or NULL if p is no string. */
static const char *quoted(const char *p, char *buf, size_t n)
{
	char q = *p;
	if (q != '"' && q != '\'')
		return NULL;
	size_t k = 0;
	for (p++; *p && *p != q && *p != '\n'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (k + 1 < n)
			buf[k++] = *p;
	}
	buf[k] = 0;
	return *p == q ? p + 1 : p;
}

static void found(scan *s, const char *name)
{
	for (int i = 0; i < s->names.n; i++)
		if (!strcmp(s->names.v[i], name))
			return;
	hd_strv_push(&s->names, name);
}

static void give_up(scan *s, const char *why)
{
	if (!s->why[0])
		snprintf(s->why, sizeof s->why, "%s", why);
}

/* After the metrics parameter at p: m.NAME, m.prev...NAME,
 * m.members.NAME or m["NAME"].  Returns where the read ends. */
static const char *metric_read(scan *s, const char *p)
{
	for (;;) {
		char name[128];
		const char *q = skip_space(p);
		if (q[0] == '.' && q[1] != '.') {
			q = skip_space(q + 1);
			size_t k = 0;
			while (ident_char((unsigned char)*q) && k + 1 < sizeof name)
				name[k++] = *q++;
			name[k] = 0;
		} else if (q[0] == '[' && long_bracket(q) < 0) {
			q = quoted(skip_space(q + 1), name, sizeof name);
			if (!q || *(q = skip_space(q)) != ']') {
				give_up(s, "it reads a metric by a computed name (m[...])");
				return p + 1;
			}
			q++;
		} else {
			give_up(
			    s, "it hands its metrics on to other code, where their reads cannot be followed");
			return p;
		}
		if (!name[0]) {
			give_up(s, "it reads a metric by a name the scan cannot follow");
			return q;
		}
		p = q;
		if (strcmp(name, "prev") && strcmp(name, "members")) {
			found(s, name);
			return p;
		}
	}
}

/* After ':' at p: an aggregate of a team (sum, avg, median, percentile,
 * share_of_top) names a rep metric in a string literal. */
static const char *aggregate(scan *s, const char *p)
{
	static const char *const methods[] = { "sum", "avg", "median", "percentile", "share_of_top" };
	char m[32], name[128];
	size_t k = 0;
	p = skip_space(p + 1);
	while (ident_char((unsigned char)*p) && k + 1 < sizeof m)
		m[k++] = *p++;
	m[k] = 0;
	int known = 0;
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		known |= !strcmp(m, methods[i]);
	if (!known)
		return p;
	const char *q = skip_space(p);
	if (*q != '(') {
		give_up(s, "it calls a team aggregate in a way the scan cannot follow");
		return p;
	}
	q = skip_space(q + 1);
	if (!strcmp(m, "share_of_top")) { /* (fraction, name) */
		while (*q && *q != ',' && *q != ')')
			q++;
		q = *q == ',' ? skip_space(q + 1) : q;
	}
	const char *end = quoted(q, name, sizeof name);
	if (!end) {
		give_up(s, "it aggregates a metric by a computed name (team:sum(...))");
		return q;
	}
	found(s, name);
	return end;
}

/* Scans Lua source for the metric reads of a function whose metrics
 * parameter is called mp and subject parameter sp (either may be NULL). */
static void scan_text(scan *s, const char *p, const char *mp, const char *sp)
{
	int after_dot = 0;
	while (*p) {
		int level;
		/* Comments and strings: past them, never past the end. */
		if (p[0] == '-' && p[1] == '-') {
			level = long_bracket(p + 2);
			p = level >= 0 ? skip_long(p + 2, level) : p + 2 + strcspn(p + 2, "\n");
			after_dot = 0;
			continue;
		} else if ((level = long_bracket(p)) >= 0) {
			p = skip_long(p, level);
			after_dot = 0;
			continue;
		} else if (*p == '"' || *p == '\'') {
			char junk[8];
			p = quoted(p, junk, sizeof junk);
			after_dot = 0;
			continue;
		} else if (ident_start((unsigned char)*p)) {
			const char *w = p;
			while (ident_char((unsigned char)*p))
				p++;
			size_t n = (size_t)(p - w);
			int is = !after_dot;
			if (is && mp && strlen(mp) == n && !strncmp(w, mp, n)) {
				p = metric_read(s, p);
			} else if (is && sp && strlen(sp) == n && !strncmp(w, sp, n)) {
				/* rep.name is a field; the subject handed on whole
				 * could be read from anywhere. */
				const char *q = skip_space(p);
				if (!((q[0] == '.' && q[1] != '.') || *q == ':'))
					give_up(s, "it hands its subject on to other code, where reads "
					           "cannot be followed");
			} else if (is && n == 6 && !strncmp(w, "huddle", 6)) {
				const char *q = skip_space(p);
				if (*q == '.' && !strncmp(skip_space(q + 1), "db", 2) &&
				    !ident_char((unsigned char)skip_space(q + 1)[2]))
					give_up(s, "it queries the database itself (huddle.db)");
			}
			after_dot = 0;
			continue;
		} else if (*p == ':' && p[1] != ':') {
			p = aggregate(s, p);
			after_dot = 0;
			continue;
		} else if (*p == '.' && p[1] == '.') {
			p += strspn(p, "."); /* .. and ... are no field access */
			after_dot = 0;
			continue;
		} else if (*p == '.') {
			after_dot = 1;
			p++;
			continue;
		} else if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			after_dot = 0;
		}
		p++;
	}
}

/* The text after the parameter list of the first `function` in text
 * (the function defined on its first line), or NULL. */
static const char *after_parameters(const char *text)
{
	for (const char *p = text; (p = strstr(p, "function")); p += 8) {
		if ((p > text && ident_char((unsigned char)p[-1])) || ident_char((unsigned char)p[8]))
			continue;
		const char *open = strchr(p + 8, '(');
		const char *close = open ? strchr(open, ')') : NULL;
		return close ? close + 1 : NULL;
	}
	return NULL;
}

/* Scans the Lua function in registry slot ref, whose metrics are
 * parameter mi and subject parameter si (1-based). */
static void scan_function(reads *rd, int ref, int mi, int si, scan *s)
{
	lua_State *L = rd->e->lua.L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	char mp[64] = "", sp[64] = "";
	const char *name;
	if ((name = lua_getlocal(L, NULL, mi)))
		snprintf(mp, sizeof mp, "%s", name);
	if ((name = lua_getlocal(L, NULL, si)))
		snprintf(sp, sizeof sp, "%s", name);
	lua_Debug ar;
	lua_getinfo(L, ">Su", &ar); /* pops the function */
	if (ar.isvararg) {
		give_up(s, "it takes its arguments as '...'");
		return;
	}
	if (ar.source[0] != '@' || ar.linedefined <= 0) {
		give_up(s, "its source text is not in a rule file");
		return;
	}
	char *text = source_lines(ar.source + 1, ar.linedefined, ar.lastlinedefined);
	if (!text) {
		give_up(s, "its rule file cannot be read again");
		return;
	}
	const char *body = after_parameters(text);
	if (body)
		scan_text(s, body, mp[0] ? mp : NULL, sp[0] ? sp : NULL);
	else
		give_up(s, "its definition could not be found in its rule file");
	free(text);
}

static int combine(int a, int b)
{
	return a > b ? a : b;
}

static int names_class(reads *rd, const hd_strv *names);

static int metric_class(reads *rd, int mi)
{
	if (rd->cls[mi] >= 0)
		return rd->cls[mi];
	if (rd->cls[mi] == -2) /* a cycle; eval reports it */
		return RESULT;
	const hd_metric_def *m = &rd->e->rules.metrics[mi];
	int c = RESULT;
	rd->cls[mi] = -2;
	if (m->sql) {
		c = sql_class(rd, m->sql);
	} else if (m->fn_ref != LUA_NOREF && !m->provider) {
		scan s = { 0 };
		scan_function(rd, m->fn_ref, 1, 2, &s);
		c = s.why[0] ? RESULT : names_class(rd, &s.names);
		hd_strv_free(&s.names);
	}
	rd->cls[mi] = (signed char)c;
	return c;
}

static int names_class(reads *rd, const hd_strv *names)
{
	int c = NEUTRAL;
	for (int i = 0; i < names->n && c != RESULT; i++) {
		int mi = hd_rules_metric(&rd->e->rules, names->v[i]);
		c = combine(c, mi < 0 ? RESULT : metric_class(rd, mi));
	}
	return c;
}

void hd_backtest_reads(hd_engine *e, hd_bt_rule *rules, int n)
{
	/* A connection of its own: the authorizer that lists the tables is
	 * installed and removed here, on nobody else's statements. */
	hd_err err = { 0 };
	reads rd = { e, NULL, hd_xmalloc((size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1)) };
	if (hd_db_open_reader(e->db, e->cfg->sb_sql_ms, &rd.db, &err))
		hd_warn("backtest: cannot tell which policies reward raw activity alone: %s", err.msg);
	memset(rd.cls, -1, (size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1));
	for (int i = 0; i < n; i++) {
		hd_bt_rule *r = &rules[i];
		scan s = { 0 };
		scan_function(&rd, r->rule->fn_ref, 2, 1, &s);
		r->reads = s.names; /* the rule's now */
		r->why_unknown = s.why[0] ? hd_xstrdup(s.why) : NULL;
		r->activity_only = !s.why[0] && names_class(&rd, &r->reads) == ACTIVITY;
	}
	if (rd.db)
		sqlite3_close_v2(rd.db);
	free(rd.cls);
}

static int mark_metric(reads *rd, int mi, unsigned char *needed);

/* Marks what a scan found; 0, or -1 when it could not follow a read. */
static int mark_scan(reads *rd, const scan *s, unsigned char *needed)
{
	int rc = s->why[0] ? -1 : 0;
	for (int i = 0; !rc && i < s->names.n; i++) {
		int k = hd_rules_metric(&rd->e->rules, s->names.v[i]);
		rc = k < 0 ? 0 : mark_metric(rd, k, needed); /* unknown: a rule error at run time */
	}
	return rc;
}

/* Marks metric mi and, for a Lua metric, what it reads; 0, or -1 when
 * its reads cannot be followed. */
static int mark_metric(reads *rd, int mi, unsigned char *needed)
{
	if (needed[mi])
		return 0;
	needed[mi] = 1;
	const hd_metric_def *m = &rd->e->rules.metrics[mi];
	if (m->fn_ref == LUA_NOREF || m->provider)
		return 0;
	scan s = { 0 };
	scan_function(rd, m->fn_ref, 1, 2, &s);
	int rc = mark_scan(rd, &s, needed);
	hd_strv_free(&s.names);
	return rc;
}

/* Marks the metrics a message template names: ${NAME}. */
static void mark_template(reads *rd, const char *t, unsigned char *needed)
{
	for (const char *p = t; p && (p = strstr(p, "${")); p += 2) {
		const char *end = strchr(p + 2, '}');
		if (!end || end - p - 2 >= 128)
			continue;
		char name[128];
		memcpy(name, p + 2, (size_t)(end - p - 2));
		name[end - p - 2] = 0;
		int k = hd_rules_metric(&rd->e->rules, name);
		if (k >= 0)
			mark_metric(rd, k, needed); /* a template's reads are its own */
	}
}

int hd_reads_needed(hd_engine *e, unsigned char *needed)
{
	reads rd = { e, NULL, NULL };
	memset(needed, 0, (size_t)e->rules.nmetrics);
	int rc = 0;
	for (int i = 0; !rc && i < e->rules.nrules; i++) {
		const hd_rule *r = &e->rules.rules[i];
		if (r->disabled)
			continue;
		scan s = { 0 };
		scan_function(&rd, r->fn_ref, 2, 1, &s);
		rc = mark_scan(&rd, &s, needed);
		hd_strv_free(&s.names);
		if (r->type != HD_SCORE)
			mark_template(&rd, r->text ? r->text : r->doc, needed);
	}
	return rc;
}
