/* rules.c - the definition functions and loading the rule files. */
#include "rules.h"

#include <dirent.h>
#include <stdarg.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap.h"

enum { DEF_METRIC, DEF_SCORE, DEF_RECOGNIZE, DEF_COACH };

static const char *const def_names[] = { "metric", "score", "recognize", "coach" };

/* The fields each definition accepts, and the Lua type of each. */
static const char *const def_fields[][8] = {
	{ "doc", "sql", "fn", "default", "subject", "override", NULL },
	{ "weight", "fn", "doc", "subject", "override", NULL },
	{ "when", "doc", "message", "subject", "override", NULL },
	{ "when", "doc", "advice", "severity", "subject", "override", NULL },
};
static const int def_types[][8] = {
	{ LUA_TSTRING, LUA_TSTRING, LUA_TFUNCTION, LUA_TNUMBER, LUA_TSTRING, LUA_TBOOLEAN },
	{ LUA_TNUMBER, LUA_TFUNCTION, LUA_TSTRING, LUA_TSTRING, LUA_TBOOLEAN },
	{ LUA_TFUNCTION, LUA_TSTRING, LUA_TSTRING, LUA_TSTRING, LUA_TBOOLEAN },
	{ LUA_TFUNCTION, LUA_TSTRING, LUA_TSTRING, LUA_TSTRING, LUA_TSTRING, LUA_TBOOLEAN },
};

const char *hd_rule_type_name(hd_rule_type t)
{
	return t == HD_SCORE ? "score" : t == HD_RECOGNIZE ? "recognition" : "coaching trigger";
}

int hd_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return 99;
	int row[65];
	for (size_t j = 0; j <= m; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[m];
}

/* The candidate closest to name, if close enough to be a likely typo. */
static const char *closest(const char *name, const char *const *cands, int n, size_t stride)
{
	const char *best = NULL;
	int bd = 99;
	for (int i = 0; i < n; i++) {
		const char *c = *(const char *const *)((const char *)cands + (size_t)i * stride);
		int d = hd_edit_distance(name, c);
		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	size_t len = strlen(name);
	return bd <= (len < 6 ? 2 : 3) ? best : NULL;
}

int hd_rules_metric(const hd_rules *r, const char *name)
{
	for (int i = 0; i < r->nmetrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			return i;
	return -1;
}

const char *hd_rules_closest_metric(const hd_rules *r, const char *name)
{
	if (!r->nmetrics)
		return NULL;
	return closest(name, (const char *const *)&r->metrics[0].name, r->nmetrics, sizeof r->metrics[0]);
}

static int is_identifier(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

/* Raises "file:line: what 'name': message" from a definition. */
static int def_error(lua_State *L, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
	lua_pushfstring(L, "%s%s '%s': %s", lua_tostring(L, lua_upvalueindex(4)), def_names[kind],
			lua_tostring(L, lua_upvalueindex(3)), msg);
	return lua_error(L);
}

/* Checks the definition table's keys and value types up front, so that
 * nothing raises once the definition starts to allocate. */
static void check_fields(lua_State *L, int kind)
{
	const char *const *fields = def_fields[kind];
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		int vt = lua_type(L, -1);
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			def_error(L, "field names must be strings");
		const char *k = lua_tostring(L, -1);
		int n = 0, ok = -1;
		for (; fields[n]; n++)
			if (!strcmp(fields[n], k))
				ok = n;
		if (ok >= 0 && vt != def_types[kind][ok])
			def_error(L, "'%s' must be a %s, not a %s", k, lua_typename(L, def_types[kind][ok]),
				  lua_typename(L, vt));
		if (ok >= 0 && vt == LUA_TSTRING) {
			/* Kept as C strings: text after a NUL would be dropped unseen. */
			size_t len;
			lua_pushvalue(L, -1);
			lua_rawget(L, 1);
			const char *v = lua_tolstring(L, -1, &len);
			int bad = strlen(v) != len;
			lua_pop(L, 1);
			if (bad)
				def_error(L, "'%s' contains a NUL byte", k);
		}
		if (ok < 0) {
			const char *hint = closest(k, fields, n, sizeof fields[0]);
			if (hint)
				def_error(L, "unknown field '%s' (did you mean '%s'?)", k, hint);
			def_error(L, "unknown field '%s'", k);
		}
	}
}

/* Fetches field k of the definition; it must be of type t or nil. */
static int field(lua_State *L, const char *k, int t, const char *what)
{
	int got = lua_getfield(L, 1, k);
	if (got != t && got != LUA_TNIL)
		def_error(L, "'%s' must be %s, not %s", k, what, lua_typename(L, got));
	return got != LUA_TNIL;
}

static char *opt_string(lua_State *L, const char *k)
{
	char *s = field(L, k, LUA_TSTRING, "a string") ? hd_xstrdup(lua_tostring(L, -1)) : NULL;
	lua_pop(L, 1);
	return s;
}

static hd_kind subject_of(lua_State *L)
{
	hd_kind kind = HD_REP;
	if (field(L, "subject", LUA_TSTRING, "\"rep\" or \"team\"")) {
		const char *s = lua_tostring(L, -1);
		if (!strcmp(s, "team"))
			kind = HD_TEAM;
		else if (strcmp(s, "rep"))
			def_error(L, "subject must be \"rep\" or \"team\", not \"%s\"", s);
	}
	lua_pop(L, 1);
	return kind;
}

/* A function field as a registry reference, or LUA_NOREF. */
static int fn_ref(lua_State *L, const char *k)
{
	if (field(L, k, LUA_TFUNCTION, "a function"))
		return luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
	return LUA_NOREF;
}

/* Finds an earlier definition of the same name and decides, from
 * `override`, whether this one replaces it.  Returns its slot or -1. */
static int previous(lua_State *L, hd_rules *r, int kind, const char *name)
{
	int overrides = field(L, "override", LUA_TBOOLEAN, "a boolean") && lua_toboolean(L, -1);
	lua_pop(L, 1);
	const char *where = NULL;
	int slot = -1;
	if (kind == DEF_METRIC) {
		slot = hd_rules_metric(r, name);
		where = slot >= 0 ? r->metrics[slot].where : NULL;
		/* A plugin's metric is not the manager's to replace: rules of
		 * the plugin's users may rely on it. */
		if (slot >= 0 && r->metrics[slot].provider)
			def_error(L, "%s provides a metric of that name; give this one another name", where);
	} else {
		for (int i = 0; i < r->nrules; i++)
			if (!strcmp(r->rules[i].name, name)) {
				slot = i;
				where = r->rules[i].where;
			}
	}
	if (slot >= 0 && !overrides)
		def_error(L, "already defined at %s; add override = true to replace it", where);
	if (slot < 0 && overrides)
		hd_warn("%s%s '%s' says override = true but replaces nothing",
			lua_tostring(L, lua_upvalueindex(4)), def_names[kind], name);
	return slot;
}

static void free_metric(hd_metric_def *m)
{
	free(m->name);
	free(m->doc);
	free(m->sql);
}

static void free_rule(hd_rule *ru)
{
	free(ru->name);
	free(ru->doc);
	free(ru->text);
}

static int define_metric(lua_State *L, hd_rules *r, const char *name, const char *where)
{
	hd_metric_def m = { 0 };
	if (!strcmp(name, "prev") || !strcmp(name, "members"))
		def_error(L, "'%s' is reserved for m.%s", name, name);
	int slot = previous(L, r, DEF_METRIC, name);
	m.kind = subject_of(L);
	m.doc = opt_string(L, "doc");
	m.sql = opt_string(L, "sql");
	m.fn_ref = fn_ref(L, "fn");
	if (field(L, "default", LUA_TNUMBER, "a number")) {
		m.has_default = 1;
		m.def = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	if (!m.sql == (m.fn_ref == LUA_NOREF)) {
		free_metric(&m);
		def_error(L, "needs exactly one of 'sql' (a query) or 'fn' (a function of other metrics)");
	}
	m.name = hd_xstrdup(name);
	snprintf(m.where, sizeof m.where, "%s", where);
	if (slot < 0) {
		r->metrics = hd_xrealloc(r->metrics, sizeof *r->metrics * (size_t)(r->nmetrics + 1));
		slot = r->nmetrics++;
	} else {
		free_metric(&r->metrics[slot]);
	}
	r->metrics[slot] = m;
	return 0;
}

int hd_rules_add_provided(hd_rules *r, const char *name, const char *doc, hd_kind kind,
			  const struct hd_preg *provider, const char *where)
{
	if (!strcmp(name, "prev") || !strcmp(name, "members")) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s: metric '%s': the name is reserved for m.%s, so rules could never read it",
			 where, name, name);
		hd_strv_push(&r->problems, msg);
		return -1;
	}
	hd_metric_def m = { 0 };
	m.name = hd_xstrdup(name);
	m.doc = doc && doc[0] ? hd_xstrdup(doc) : NULL;
	m.kind = kind;
	m.fn_ref = LUA_NOREF;
	m.provider = provider;
	snprintf(m.where, sizeof m.where, "%s", where);
	r->metrics = hd_xrealloc(r->metrics, sizeof *r->metrics * (size_t)(r->nmetrics + 1));
	r->metrics[r->nmetrics++] = m;
	return 0;
}

static int define_rule(lua_State *L, hd_rules *r, int kind, const char *name, const char *where)
{
	hd_rule ru = { 0 };
	int slot = previous(L, r, kind, name);
	ru.type = kind == DEF_SCORE ? HD_SCORE : kind == DEF_RECOGNIZE ? HD_RECOGNIZE : HD_COACH;
	ru.kind = subject_of(L);
	const char *fname = kind == DEF_SCORE ? "fn" : "when";
	ru.fn_ref = fn_ref(L, fname);
	if (ru.fn_ref == LUA_NOREF)
		def_error(L, "needs '%s', a function(%s, m)", fname, ru.kind == HD_TEAM ? "team" : "rep");
	if (kind == DEF_SCORE) {
		if (!field(L, "weight", LUA_TNUMBER, "a number"))
			def_error(L, "needs 'weight', a number >= 0");
		ru.weight = lua_tonumber(L, -1);
		if (!(ru.weight >= 0) || ru.weight > 1e9)
			def_error(L, "weight must be a number >= 0");
		ru.defined_weight = ru.weight;
		lua_pop(L, 1);
	}
	if (kind == DEF_COACH) {
		ru.severity = "medium";
		if (field(L, "severity", LUA_TSTRING, "\"low\", \"medium\" or \"high\"")) {
			const char *s = lua_tostring(L, -1);
			static const char *const sev[] = { "low", "medium", "high" };
			ru.severity = NULL;
			for (int i = 0; i < 3; i++)
				if (!strcmp(s, sev[i]))
					ru.severity = sev[i];
			if (!ru.severity)
				def_error(L, "severity must be \"low\", \"medium\" or \"high\", not \"%s\"", s);
		}
		lua_pop(L, 1);
	}
	ru.doc = opt_string(L, "doc");
	ru.text = kind == DEF_RECOGNIZE ? opt_string(L, "message") : kind == DEF_COACH ? opt_string(L, "advice") : NULL;
	ru.name = hd_xstrdup(name);
	snprintf(ru.where, sizeof ru.where, "%s", where);
	if (slot < 0) {
		r->rules = hd_xrealloc(r->rules, sizeof *r->rules * (size_t)(r->nrules + 1));
		slot = r->nrules++;
	} else {
		free_rule(&r->rules[slot]);
	}
	r->rules[slot] = ru;
	return 0;
}

/* The second half of `metric "name" { ... }`: upvalues are the registry,
 * the kind of definition, the name and "file:line: " of the call. */
static int def_body(lua_State *L)
{
	hd_rules *r = lua_touserdata(L, lua_upvalueindex(1));
	int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
	const char *name = lua_tostring(L, lua_upvalueindex(3));
	if (!r->loading) /* a definition kept from load time and called later */
		def_error(L, "can only be defined while the rule files load");
	if (lua_type(L, 1) != LUA_TTABLE)
		def_error(L, "expects a table: %s \"%s\" { ... }", def_names[kind], name);
	lua_settop(L, 1);
	check_fields(L, kind);
	char where[256];
	size_t n;
	const char *w = lua_tolstring(L, lua_upvalueindex(4), &n);
	snprintf(where, sizeof where, "%.*s", n >= 2 ? (int)n - 2 : 0, w); /* drop ": " */
	if (kind == DEF_METRIC)
		return define_metric(L, r, name, where);
	return define_rule(L, r, kind, name, where);
}

static int def_entry(lua_State *L)
{
	int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
	const hd_rules *r = lua_touserdata(L, lua_upvalueindex(1));
	/* The registry is fixed once evaluation starts: the evaluator holds
	 * pointers into it and sizes its memo by it. */
	if (!r->loading)
		return luaL_error(L, "%s can only be used at the top level of a rule file, while it loads",
				  def_names[kind]);
	const char *name = lua_tostring(L, 1);
	luaL_where(L, 1);
	if (!name || !is_identifier(name)) {
		lua_pushfstring(L, "%s%s needs a name made of letters, digits and _: %s \"name\" { ... }",
				lua_tostring(L, -1), def_names[kind], def_names[kind]);
		return lua_error(L);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -4); /* stack: name where r kind name where */
	lua_pushcclosure(L, def_body, 4);
	return 1;
}

void hd_rules_install(hd_rules *r, hd_lua *h)
{
	for (int k = DEF_METRIC; k <= DEF_COACH; k++) {
		lua_pushlightuserdata(h->L, r);
		lua_pushinteger(h->L, k);
		lua_pushcclosure(h->L, def_entry, 2);
		lua_setglobal(h->L, def_names[k]);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Expands a path into rule files: itself, or a folder's *.lua sorted. */
static int expand(const char *path, hd_strv *out, hd_err *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return hd_err_set(err, HD_EINPUT, "%s: no such rule file or folder", path);
	if (!S_ISDIR(sb.st_mode)) {
		hd_strv_push(out, path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d)
		return hd_err_set(err, HD_EINPUT, "%s: cannot read the folder", path);
	hd_strv found = { 0 };
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 4 && !strcmp(e->d_name + n - 4, ".lua") && e->d_name[0] != '.') {
			char *p = hd_xmalloc(strlen(path) + n + 2);
			sprintf(p, "%s/%s", path, e->d_name);

			found.v = hd_xrealloc(found.v, sizeof *found.v * (size_t)(found.n + 1));
			found.v[found.n++] = p;
		}
	}
	closedir(d);
	qsort(found.v, (size_t)found.n, sizeof *found.v, cmp_str);
	for (int i = 0; i < found.n; i++)
		hd_strv_push(out, found.v[i]);
	hd_strv_free(&found);
	return 0;
}

/* A path shown to people: relative to the working folder when inside it. */
static const char *display_path(const char *p, const char *cwd)
{
	size_t n = strlen(cwd);
	if (n > 1 && !strncmp(p, cwd, n) && p[n] == '/')
		return p + n + 1;
	return p;
}

static void hash_file(hd_rules *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	r->hash = hd_fnv(r->hash, path, strlen(path) + 1);
	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		r->hash = hd_fnv(r->hash, buf, n);
	fclose(f);
}

void hd_rules_hash(hd_rules *r, const void *data, size_t n)
{
	if (!r->hash)
		r->hash = HD_FNV_BASIS;
	r->hash = hd_fnv(r->hash, data, n);
}

int hd_rules_load(hd_rules *r, hd_lua *h, const hd_strv *paths, hd_err *err)
{
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	if (!r->hash)
		r->hash = HD_FNV_BASIS;
	hd_strv files = { 0 };
	for (int i = 0; i < paths->n; i++) {
		hd_err e;
		if (expand(paths->v[i], &files, &e))
			hd_strv_push(&r->problems, e.msg);
	}
	r->loading = 1;
	for (int i = 0; i < files.n; i++) {
		const char *shown = display_path(files.v[i], cwd);
		hd_lua_error le;
		/* Only regular files: reading a FIFO or a device named *.lua
		 * for the hash would hang or never end. */
		struct stat fs;
		if (stat(files.v[i], &fs) != 0 || !S_ISREG(fs.st_mode)) {
			char msg[1200];
			snprintf(msg, sizeof msg, "%s: not a regular file", shown);
			hd_strv_push(&r->problems, msg);
			continue;
		}
		hd_strv_push(&r->files, shown);
		hash_file(r, files.v[i]);
		if (hd_lua_loadfile(h, shown, &le) || hd_lua_call(h, 0, 0, &le)) {
			char msg[1400];
			snprintf(msg, sizeof msg, "%s: %s", le.where[0] ? le.where : shown, le.message);
			hd_strv_push(&r->problems, msg);
		}
	}
	r->loading = 0;
	hd_strv_free(&files);
	if (r->problems.n)
		return hd_err_set(err, HD_EINPUT, "%d problem%s in the rules", r->problems.n,
				  r->problems.n == 1 ? "" : "s");
	return 0;
}

void hd_rules_configure(hd_rules *r, const hd_config *c)
{
	for (int i = 0; i < c->nweights; i++) {
		const hd_weight *w = &c->weights[i];
		int found = 0;
		for (int j = 0; j < r->nrules; j++)
			if (r->rules[j].type == HD_SCORE && !strcmp(r->rules[j].name, w->name)) {
				r->rules[j].weight = w->weight;
				found = 1;
			}
		if (!found)
			hd_warn("%s:%d: rules.weights names '%s', which is no score", c->path, w->line,
				w->name);
		r->hash = hd_fnv(r->hash, w->name, strlen(w->name) + 1);
		r->hash = hd_fnv(r->hash, &w->weight, sizeof w->weight);
	}
	for (int i = 0; i < c->disabled.n; i++) {
		int found = 0;
		for (int j = 0; j < r->nrules; j++)
			if (!strcmp(r->rules[j].name, c->disabled.v[i]))
				r->rules[j].disabled = found = 1;
		if (!found)
			hd_warn("%s: rules.disabled names '%s', which is no rule", c->path ? c->path : "config",
				c->disabled.v[i]);
		r->hash = hd_fnv(r->hash, c->disabled.v[i], strlen(c->disabled.v[i]) + 1);
	}
	for (int i = 0; i < c->nparams; i++) {
		const hd_param *p = &c->params[i];
		r->hash = hd_fnv(r->hash, p->name, strlen(p->name) + 1);
		r->hash = hd_fnv(r->hash, &p->num, sizeof p->num);
		if (p->str)
			r->hash = hd_fnv(r->hash, p->str, strlen(p->str) + 1);
	}
	r->hash = hd_fnv(r->hash, &c->fiscal_year_start, sizeof c->fiscal_year_start);
}

void hd_rules_print_problems(const hd_rules *r, FILE *out)
{
	for (int i = 0; i < r->problems.n; i++)
		fprintf(out, "%s\n", r->problems.v[i]);
}

void hd_rules_free(hd_rules *r)
{
	for (int i = 0; i < r->nmetrics; i++)
		free_metric(&r->metrics[i]);
	free(r->metrics);
	for (int i = 0; i < r->nrules; i++)
		free_rule(&r->rules[i]);
	free(r->rules);
	hd_strv_free(&r->files);
	hd_strv_free(&r->problems);
	memset(r, 0, sizeof *r);
}
