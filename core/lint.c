/* lint.c - metric names and params in rule source, checked before a run
 * (see lint.h). */
#define _GNU_SOURCE /* memmem */
#include "lint.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "eval.h"
#include "lualex.h"

#define MAX_SOURCE (8 << 20) /* bytes of a rule file read for the scan */
#define MAX_PARAMS 16        /* of a rule function, matched against the source */

/* A rule file as tokens, read once however many rules it defines. */
typedef struct source {
	char *name; /* as Lua names the chunk, without its '@' */
	char *text; /* NULL: it could not be read, and is not scanned */
	hd_tokens tk;
} source;

/* One use of a param: huddle.param("x") or :param_x in a string. */
typedef struct param_use {
	char name[64];
	const char *file;
	int line;
	int in_sql, has_default;
} param_use;

typedef struct scan {
	hd_engine *e;
	hd_lint *out;
	source *src;
	int nsrc;
	struct {
		const void *fn;
		hd_kind kind;
	} * done; /* functions already scanned, for the kind of subject they ran for */
	int ndone;
	param_use *uses;
	int nuses;
	int dynamic; /* a param read by a name only known at run time */
} scan;

/* Findings ------------------------------------------------------------ */

static void vadd(hd_lint *l, const char *file, size_t flen, int line, int warning, const char *fmt,
                 va_list ap)
{
	char msg[1400];
	vsnprintf(msg, sizeof msg, fmt, ap);
	l->v = hd_xrealloc(l->v, sizeof *l->v * (size_t)(l->n + 1));
	hd_finding *f = &l->v[l->n++];
	f->file = hd_xmalloc(flen + 1);
	memcpy(f->file, file, flen);
	f->file[flen] = 0;
	f->line = line;
	f->warning = warning;
	f->msg = hd_xstrdup(msg);
	if (warning)
		l->warnings++;
	else
		l->errors++;
}

static void add_at(hd_lint *l, const char *file, int line, int warning, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add_at(hd_lint *l, const char *file, int line, int warning, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(l, file, strlen(file), line, warning, fmt, ap);
	va_end(ap);
}

/* The line of a "file:line" place, and the length of its file part. */
static int split_where(const char *where, size_t *flen)
{
	const char *colon = strrchr(where, ':');
	char *end;
	long line = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || colon[1] == 0 || *end || line <= 0 || line > 1 << 30) {
		*flen = strlen(where);
		return 0;
	}
	*flen = (size_t)(colon - where);
	return (int)line;
}

void hd_lint_add(hd_lint *l, const char *where, int warning, const char *fmt, ...)
{
	size_t flen;
	int line = split_where(where, &flen);
	va_list ap;
	va_start(ap, fmt);
	vadd(l, where, flen, line, warning, fmt, ap);
	va_end(ap);
}

/* Files in the order they loaded, then any other (the config, a module). */
static int file_rank(const hd_rules *r, const char *file)
{
	for (int i = 0; i < r->files.n; i++)
		if (!strcmp(r->files.v[i], file))
			return i;
	return r->files.n;
}

static int before(const hd_rules *r, const hd_finding *a, const hd_finding *b)
{
	int ra = file_rank(r, a->file), rb = file_rank(r, b->file), c = strcmp(a->file, b->file);
	if (ra != rb)
		return ra < rb;
	if (c)
		return c < 0;
	return a->line < b->line;
}

void hd_lint_print(hd_lint *l, const hd_rules *r, FILE *out)
{
	/* Insertion sort: stable (findings of one line keep their order), and
	 * findings are few. */
	for (int i = 1; i < l->n; i++) {
		hd_finding f = l->v[i];
		int j = i;
		for (; j > 0 && before(r, &f, &l->v[j - 1]); j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = f;
	}
	for (int i = 0; i < l->n; i++) {
		const hd_finding *f = &l->v[i];
		if (f->line)
			fprintf(out, "%s:%d: %s%s\n", f->file, f->line, f->warning ? "warning: " : "",
			        f->msg);
		else
			fprintf(out, "%s: %s%s\n", f->file, f->warning ? "warning: " : "", f->msg);
	}
}

void hd_lint_free(hd_lint *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].file);
		free(l->v[i].msg);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

void hd_lint_docs(const hd_rules *r, hd_lint *out)
{
	for (int i = 0; i < r->nrules; i++)
		if (!r->rules[i].doc && !r->rules[i].disabled)
			hd_lint_add(out, r->rules[i].where, 1, "%s '%s' has no doc line",
			            hd_rule_type_name(r->rules[i].type), r->rules[i].name);
}

/* Sources -------------------------------------------------------------- */

static char *read_text(const char *path, size_t *n)
{
	struct stat sb;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode) || sb.st_size > MAX_SOURCE) {
		fclose(f);
		return NULL;
	}
	char *text = hd_xmalloc((size_t)sb.st_size + 1);
	*n = fread(text, 1, (size_t)sb.st_size, f);
	text[*n] = 0;
	fclose(f);
	return text;
}

static source *source_of(scan *s, const char *name)
{
	for (int i = 0; i < s->nsrc; i++)
		if (!strcmp(s->src[i].name, name))
			return s->src[i].text ? &s->src[i] : NULL;
	s->src = hd_xrealloc(s->src, sizeof *s->src * (size_t)(s->nsrc + 1));
	source *src = &s->src[s->nsrc++];
	size_t n = 0;
	src->name = hd_xstrdup(name);
	src->text = read_text(name, &n);
	src->tk = (hd_tokens){NULL, 0};
	if (src->text)
		hd_lualex(src->text, n, &src->tk);
	return src->text ? src : NULL;
}

static int same(const hd_token *t, const char *name)
{
	return t->type == HD_TK_NAME && hd_tk_is(t, name);
}

/* Whether token i follows a "." or ":" (a field, not a variable). */
static int is_field(const hd_tokens *tk, int i)
{
	return i > 0 && (hd_tk_is(&tk->v[i - 1], ".") || hd_tk_is(&tk->v[i - 1], ":"));
}

/* Rule functions -------------------------------------------------------- */

/* Where a Lua function was written and what its parameters are called. */
typedef struct fn_info {
	const void *id;
	const char *source; /* the chunk name without '@'; the function keeps it alive */
	int first, last;
	const char *params[MAX_PARAMS];
	int nparams;
} fn_info;

static int fn_info_get(lua_State *L, int ref, fn_info *fi)
{
	lua_Debug ar;
	if (ref == LUA_NOREF || lua_rawgeti(L, LUA_REGISTRYINDEX, ref) != LUA_TFUNCTION) {
		lua_pop(L, 1);
		return -1;
	}
	fi->id = lua_topointer(L, -1);
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar); /* pops the copy */
	int ok = !strcmp(ar.what, "Lua") && ar.source[0] == '@';
	fi->source = ar.source + 1;
	fi->first = ar.linedefined;
	fi->last = ar.lastlinedefined;
	fi->nparams = 0;
	const char *p;
	while (ok && fi->nparams < MAX_PARAMS && (p = lua_getlocal(L, NULL, fi->nparams + 1)))
		fi->params[fi->nparams++] = p;
	lua_pop(L, 1);
	return ok ? 0 : -1;
}

/* Finds the function of fi among the tokens: the `function` keyword on
 * its first line with fi's parameters, to the `end` that closes it on its
 * last line.  [*from, *to) is then its body.  -1 when there is no such
 * function, or more than one. */
static int locate(const hd_tokens *tk, const fn_info *fi, int *from, int *to)
{
	int found = 0;
	for (int k = 0; k < tk->n && tk->v[k].line <= fi->first; k++) {
		if (tk->v[k].line < fi->first || !same(&tk->v[k], "function"))
			continue;
		int i = k + 1, p = 0;
		if (i < tk->n && tk->v[i].type == HD_TK_NAME) { /* function a.b:c(...) */
			for (i++; i + 1 < tk->n && tk->v[i + 1].type == HD_TK_NAME &&
			          (hd_tk_is(&tk->v[i], ".") || hd_tk_is(&tk->v[i], ":"));
			     i += 2)
				p = hd_tk_is(&tk->v[i], ":"); /* a method: self comes first */
		}
		if (i >= tk->n || !hd_tk_is(&tk->v[i], "("))
			continue;
		int match = 1;
		for (i++; i < tk->n && !hd_tk_is(&tk->v[i], ")"); i++) {
			if (tk->v[i].type == HD_TK_NAME) {
				match = match && p < fi->nparams && same(&tk->v[i], fi->params[p]);
				p++;
			} else if (!hd_tk_is(&tk->v[i], ",") && !hd_tk_is(&tk->v[i], "...")) {
				match = 0;
			}
		}
		if (!match || p != fi->nparams || i >= tk->n)
			continue;
		int body = i + 1, depth = 1;
		for (i = body; i < tk->n; i++) {
			const hd_token *t = &tk->v[i];
			if (same(t, "function") || same(t, "if") || same(t, "do") || same(t, "repeat"))
				depth++;
			else if ((same(t, "end") || same(t, "until")) && !--depth)
				break;
		}
		if (i >= tk->n || tk->v[i].line != fi->last)
			continue;
		*from = body;
		*to = i;
		found++;
	}
	/* Two such functions on the same lines: which one ran is not known. */
	return found == 1 ? 0 : -1;
}

/* Whether the body declares `name` again: a local, a loop variable or a
 * nested function's parameter.  What the name means at a given place is
 * then a question of scopes, and the scan leaves that name alone rather
 * than guess. */
static int redeclared(const hd_tokens *tk, int from, int to, const char *name)
{
	for (int i = from; i < to; i++) {
		const hd_token *t = &tk->v[i];
		int j = i + 1;
		if (same(t, "function") || (same(t, "local") && j < to && same(&tk->v[j], "function"))) {
			if (same(t, "local") && j + 1 < to && same(&tk->v[j + 1], name))
				return 1;
			while (j < to && !hd_tk_is(&tk->v[j], "(")) /* the function's own name */
				j++;
			for (j++; j < to && !hd_tk_is(&tk->v[j], ")"); j++)
				if (same(&tk->v[j], name))
					return 1;
		} else if (same(t, "local") || same(t, "for")) {
			/* NAME [<attrib>] {, NAME [<attrib>]} */
			while (j < to && tk->v[j].type == HD_TK_NAME) {
				if (same(&tk->v[j], name))
					return 1;
				j++;
				if (j + 2 < to && hd_tk_is(&tk->v[j], "<"))
					j += 3;
				if (j >= to || !hd_tk_is(&tk->v[j], ","))
					break;
				j++;
			}
		}
	}
	return 0;
}

/* The name a key token stands for, as a C string. */
static void key_text(const hd_token *t, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)(t->n < 200 ? t->n : 200), t->s);
}

/* Checks one metric name read by a rule of `kind`; `expr` is how the rule
 * wrote the read (for the message). */
static void check_metric(scan *s, const char *who, hd_kind kind, const char *file, int line, const char *name,
                         const char *expr, int members)
{
	const hd_rules *r = &s->e->rules;
	int mi = hd_rules_metric(r, name);
	if (mi < 0) {
		const char *hint = hd_rules_closest_metric(r, name);
		if (hint)
			add_at(s->out, file, line, 0, "%s: unknown metric '%s' in %s (did you mean '%s'?)",
			       who, name, expr, hint);
		else
			add_at(s->out, file, line, 0, "%s: unknown metric '%s' in %s", who, name, expr);
	} else if (members && r->metrics[mi].kind == HD_TEAM) {
		add_at(s->out, file, line, 0,
		       "%s: %s: '%s' is a team metric; m.members reads rep metrics, one value per member",
		       who, expr, name);
	} else if (!members && kind == HD_TEAM && r->metrics[mi].kind == HD_REP) {
		add_at(s->out, file, line, 0,
		       "%s: %s: '%s' is a rep metric; a team rule reads it through its members: "
		       "team:sum(\"%s\"), "
		       "team:avg, team:median, team:percentile or team:share_of_top",
		       who, expr, name, name);
	}
}

/* m.NAME, m["NAME"], m.prev.NAME and m.members.NAME in a body, with the
 * metric view called `view`. */
static void scan_reads(scan *s, const char *who, hd_kind kind, const source *src, int from, int to,
                       const char *view)
{
	const hd_tokens *tk = &src->tk;
	for (int i = from; i < to; i++) {
		if (!same(&tk->v[i], view) || is_field(tk, i))
			continue;
		char expr[600], name[256];
		int j = i + 1, members = 0;
		snprintf(expr, sizeof expr, "%s", view);
		for (;;) {
			const hd_token *key;
			size_t len = strlen(expr);
			if (j + 1 < to && hd_tk_is(&tk->v[j], ".") && tk->v[j + 1].type == HD_TK_NAME) {
				key = &tk->v[j + 1];
				key_text(key, name, sizeof name);
				snprintf(expr + len, sizeof expr - len, ".%s", name);
				j += 2;
			} else if (j + 2 < to && hd_tk_is(&tk->v[j], "[") &&
			           tk->v[j + 1].type == HD_TK_STRING && hd_tk_is(&tk->v[j + 2], "]")) {
				key = &tk->v[j + 1];
				key_text(key, name, sizeof name);
				snprintf(expr + len, sizeof expr - len, "[\"%s\"]", name);
				j += 3;
			} else {
				break; /* m alone, or a key computed at run time */
			}
			if (!strcmp(name, "prev") && !members)
				continue;
			if (!strcmp(name, "members") && !members) {
				members = 1;
				continue;
			}
			if (members && (!strcmp(name, "prev") || !strcmp(name, "members")))
				add_at(s->out, src->name, key->line, 0,
				       "%s: %s: write %s.prev.members.NAME for the previous period", who,
				       expr, view);
			else if (j < to && hd_tk_is(&tk->v[j], "="))
				add_at(s->out, src->name, key->line, 0,
				       "%s: %s = ...: metrics are read-only; define a new one with metric "
				       "\"name\" { ... }",
				       who, expr);
			else
				check_metric(s, who, kind, src->name, key->line, name, expr, members);
			break;
		}
	}
}

/* subject:sum("NAME") and the other aggregates over a team's members, on
 * a team rule's team or a rep rule's rep.team. */
static void scan_aggregates(scan *s, const char *who, hd_kind kind, const source *src, int from, int to,
                            const char *subject)
{
	static const char *const aggs[] = {"sum", "avg", "median", "percentile", "share_of_top", NULL};
	const hd_tokens *tk = &src->tk;
	for (int i = from; i < to; i++) {
		if (!same(&tk->v[i], subject) || is_field(tk, i))
			continue;
		int j = i + 1;
		if (kind == HD_REP) {
			if (j + 1 >= to || !hd_tk_is(&tk->v[j], ".") || !same(&tk->v[j + 1], "team"))
				continue;
			j += 2;
		}
		if (j + 3 >= to || !hd_tk_is(&tk->v[j], ":") || !hd_tk_is(&tk->v[j + 2], "("))
			continue;
		int a = 0;
		while (aggs[a] && !same(&tk->v[j + 1], aggs[a]))
			a++;
		if (!aggs[a])
			continue;
		int arg = j + 3;
		char fraction[40] = "";
		if (!strcmp(aggs[a], "share_of_top")) { /* (fraction, name) */
			if (arg + 2 >= to || tk->v[arg].type != HD_TK_NUMBER ||
			    !hd_tk_is(&tk->v[arg + 1], ","))
				continue;
			snprintf(fraction, sizeof fraction, "%.*s, ",
			         (int)(tk->v[arg].n < 30 ? tk->v[arg].n : 30), tk->v[arg].s);
			arg += 2;
		}
		if (tk->v[arg].type != HD_TK_STRING)
			continue;
		char name[256], expr[600];
		key_text(&tk->v[arg], name, sizeof name);
		snprintf(expr, sizeof expr, "%s%s:%s(%s\"%s\")", subject, kind == HD_REP ? ".team" : "",
		         aggs[a], fraction, name);
		int mi = hd_rules_metric(&s->e->rules, name);
		if (mi >= 0 && s->e->rules.metrics[mi].kind == HD_TEAM)
			add_at(s->out, src->name, tk->v[arg].line, 0,
			       "%s: %s: '%s' is a team metric; read it as m.%s, the aggregates are over "
			       "members' rep metrics",
			       who, expr, name, name);
		else
			check_metric(s, who, HD_REP, src->name, tk->v[arg].line, name, expr, 0);
	}
}

/* Scans one rule or metric function once per kind of subject it runs for.
 * view and subject are the positions of its parameters (from 1). */
static void scan_function(scan *s, const char *who, hd_kind kind, int ref, int view, int subject)
{
	fn_info fi;
	if (fn_info_get(s->e->lua.L, ref, &fi))
		return;
	for (int i = 0; i < s->ndone; i++)
		if (s->done[i].fn == fi.id && s->done[i].kind == kind)
			return;
	s->done = hd_xrealloc(s->done, sizeof *s->done * (size_t)(s->ndone + 1));
	s->done[s->ndone].fn = fi.id;
	s->done[s->ndone++].kind = kind;
	const source *src = source_of(s, fi.source);
	int from = 0, to = 0; /* set by locate; gcc -O2 cannot see it */
	if (!src || locate(&src->tk, &fi, &from, &to))
		return;
	if (view <= fi.nparams && !redeclared(&src->tk, from, to, fi.params[view - 1]))
		scan_reads(s, who, kind, src, from, to, fi.params[view - 1]);
	if (subject <= fi.nparams && !redeclared(&src->tk, from, to, fi.params[subject - 1]))
		scan_aggregates(s, who, kind, src, from, to, fi.params[subject - 1]);
}

/* ${NAME} in a recognition's message or a trigger's advice: a field of
 * the subject, else a metric. */
static void scan_template(scan *s, const hd_rule *r, const char *who)
{
	const char *text = r->text ? r->text : r->doc; /* what eval expands */
	if (!text)
		return;
	size_t flen;
	int defline = split_where(r->where, &flen);
	char file[256];
	snprintf(file, sizeof file, "%.*s", (int)flen, r->where);
	const source *src = source_of(s, file);
	for (const char *p = strstr(text, "${"); p; p = strstr(p + 2, "${")) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		char name[256], expr[300];
		snprintf(name, sizeof name, "%.*s", (int)(close - p - 2 < 200 ? close - p - 2 : 200), p + 2);
		snprintf(expr, sizeof expr, "${%s}", name);
		if (hd_template_known_field(name))
			continue;
		/* The line of the string that holds it, from the rule's own line on. */
		int line = defline;
		for (int i = 0; src && i < src->tk.n; i++) {
			const hd_token *t = &src->tk.v[i];
			const char *at = t->type == HD_TK_STRING && t->line >= defline
			                     ? memmem(t->s, t->n, expr, strlen(expr))
			                     : NULL;
			if (at) {
				line = hd_tk_line_at(t, (size_t)(at - t->s));
				break;
			}
		}
		check_metric(s, who, r->kind, file, line, name, expr, 0);
	}
}

/* Params ------------------------------------------------------------------ */

static void add_use(scan *s, const char *file, int line, const char *name, size_t n, int in_sql,
                    int has_default)
{
	if (n >= sizeof s->uses->name)
		return;
	s->uses = hd_xrealloc(s->uses, sizeof *s->uses * (size_t)(s->nuses + 1));
	param_use *u = &s->uses[s->nuses++];
	memcpy(u->name, name, n);
	u->name[n] = 0;
	u->file = file;
	u->line = line;
	u->in_sql = in_sql;
	u->has_default = has_default;
}

/* Whether the tokens at i are huddle.param (or huddle["param"]). */
static int is_huddle_param(const hd_tokens *tk, int i)
{
	if (i + 2 >= tk->n || !same(&tk->v[i], "huddle") || is_field(tk, i))
		return 0;
	if (hd_tk_is(&tk->v[i + 1], ".") && same(&tk->v[i + 2], "param"))
		return 3;
	if (i + 3 < tk->n && hd_tk_is(&tk->v[i + 1], "[") && tk->v[i + 2].type == HD_TK_STRING &&
	    tk->v[i + 2].n == 5 && !memcmp(tk->v[i + 2].s, "param", 5) && hd_tk_is(&tk->v[i + 3], "]"))
		return 4;
	return 0;
}

/* Local names given to huddle.param: `local param = huddle.param`, or in
 * a list, `local clamp, param = huddle.clamp, huddle.param`. */
static int aliases(const hd_tokens *tk, int i, const hd_token **names, int max)
{
	if (!same(&tk->v[i], "local"))
		return 0;
	const hd_token *list[16];
	int nl = 0, j = i + 1, found = 0;
	while (j < tk->n && tk->v[j].type == HD_TK_NAME && nl < 16) {
		list[nl++] = &tk->v[j++];
		if (j >= tk->n || !hd_tk_is(&tk->v[j], ","))
			break;
		j++;
	}
	if (j >= tk->n || !hd_tk_is(&tk->v[j], "="))
		return 0;
	j++;
	/* Expressions of the simple form NAME { . NAME }, one per name; only
	 * one that ends there is the function itself, not a call of it. */
	for (int e = 0; e < nl && j < tk->n; e++) {
		int k = is_huddle_param(tk, j);
		const hd_token *after = j + k < tk->n ? &tk->v[j + k] : NULL;
		if (k && found < max &&
		    (!after ||
		     (after->type != HD_TK_STRING && !hd_tk_is(after, "(") && !hd_tk_is(after, "{") &&
		      !hd_tk_is(after, ".") && !hd_tk_is(after, ":") && !hd_tk_is(after, "["))))
			names[found++] = list[e];
		if (tk->v[j].type != HD_TK_NAME)
			break;
		for (j++; j + 1 < tk->n && hd_tk_is(&tk->v[j], ".") && tk->v[j + 1].type == HD_TK_NAME;
		     j += 2)
			;
		if (j >= tk->n || !hd_tk_is(&tk->v[j], ","))
			break;
		j++;
	}
	return found;
}

/* Every huddle.param("x") (or an alias of it) and :param_x in one file. */
static void collect_params(scan *s, const source *src)
{
	const hd_tokens *tk = &src->tk;
	const hd_token *alias[16];
	int nalias = 0;
	for (int i = 0; i < tk->n; i++) {
		const hd_token *t = &tk->v[i];
		if (t->type == HD_TK_STRING) {
			for (size_t k = 1; k + 6 < t->n; k++) {
				if (memcmp(t->s + k, "param_", 6) || !strchr(":@$", t->s[k - 1]))
					continue;
				size_t a = k + 6, b = a;
				while (b < t->n && (isalnum((unsigned char)t->s[b]) || t->s[b] == '_'))
					b++;
				/* COALESCE(:param_x, ...) or IFNULL(...) gives the query its default. */
				size_t c = k - 1;
				while (c > 0 && isspace((unsigned char)t->s[c - 1]))
					c--;
				int dflt = c > 0 && t->s[c - 1] == '(' &&
				           ((c >= 9 && !strncasecmp(t->s + c - 9, "coalesce(", 9)) ||
				            (c >= 7 && !strncasecmp(t->s + c - 7, "ifnull(", 7)));
				if (b > a)
					add_use(s, src->name, hd_tk_line_at(t, k), t->s + a, b - a, 1, dflt);
			}
			continue;
		}
		nalias += aliases(tk, i, alias + nalias, 16 - nalias);
		int k = is_huddle_param(tk, i);
		for (int a = 0; !k && a < nalias; a++)
			if (t != alias[a] && t->type == HD_TK_NAME && t->n == alias[a]->n &&
			    !memcmp(t->s, alias[a]->s, t->n) && !is_field(tk, i))
				k = 1;
		if (!k)
			continue;
		int call = i + k;
		if (call + 1 < tk->n && hd_tk_is(&tk->v[call], "(") && tk->v[call + 1].type == HD_TK_STRING) {
			const hd_token *name = &tk->v[call + 1];
			int dflt = call + 2 < tk->n && hd_tk_is(&tk->v[call + 2], ",");
			add_use(s, src->name, name->line, name->s, name->n, 0, dflt);
		} else if (call < tk->n && tk->v[call].type == HD_TK_STRING) { /* huddle.param "x" */
			add_use(s, src->name, tk->v[call].line, tk->v[call].s, tk->v[call].n, 0, 0);
		} else if (!(i > 0 && hd_tk_is(&tk->v[i - 1], "=")) &&
		           !(i > 0 && hd_tk_is(&tk->v[i - 1], ","))) {
			s->dynamic = 1; /* called with a computed name, or handed on */
		}
		i = call - 1;
	}
}

static void check_params(scan *s)
{
	const hd_config *c = s->e->cfg;
	char where[200];
	if (c->path)
		snprintf(where, sizeof where, "rules.params in %s does not set it", c->path);
	else
		snprintf(where, sizeof where, "no config file sets rules.params");
	for (int i = 0; i < s->nuses; i++) {
		const param_use *u = &s->uses[i];
		int repeat = 0;
		for (int j = 0; j < i && !repeat; j++)
			repeat = !strcmp(s->uses[j].name, u->name) && s->uses[j].line == u->line &&
			         !strcmp(s->uses[j].file, u->file);
		if (repeat || u->has_default || hd_config_param(c, u->name))
			continue;
		if (u->in_sql)
			add_at(s->out, u->file, u->line, 1,
			       "param '%s' has no value: %s, so :param_%s is NULL in the query", u->name,
			       where, u->name);
		else
			add_at(s->out, u->file, u->line, 1,
			       "param '%s' has no value: %s, and huddle.param(\"%s\") gives no default, so "
			       "it reads nil",
			       u->name, where, u->name);
	}
	if (s->dynamic || !c->path)
		return;
	for (int i = 0; i < c->nparams; i++) {
		const char *name = c->params[i].name;
		const char *best = NULL;
		int used = 0, bd = 99;
		for (int j = 0; j < s->nuses && !used; j++) {
			used = !strcmp(s->uses[j].name, name);
			int d = hd_edit_distance(name, s->uses[j].name);
			if (d < bd) {
				bd = d;
				best = s->uses[j].name;
			}
		}
		if (used)
			continue;
		char path[300];
		snprintf(path, sizeof path, "rules.params.%s", name);
		const config_setting_t *set = config_lookup(&c->cfg, path);
		int line = set ? config_setting_source_line(set) : 0;
		if (best && bd <= (strlen(name) < 6 ? 2 : 3))
			add_at(s->out, c->path, line, 1,
			       "rules.params sets '%s', which no rule reads (did you mean '%s'?)", name,
			       best);
		else
			add_at(s->out, c->path, line, 1, "rules.params sets '%s', which no rule reads", name);
	}
}

/* The whole scan ---------------------------------------------------------- */

void hd_lint_rules(hd_engine *e, hd_lint *out)
{
	scan s = {.e = e, .out = out};
	const hd_rules *r = &e->rules;
	char who[300];
	for (int i = 0; i < r->nmetrics; i++) {
		const hd_metric_def *m = &r->metrics[i];
		if (m->fn_ref == LUA_NOREF)
			continue;
		snprintf(who, sizeof who, "metric '%s'", m->name);
		scan_function(&s, who, m->kind, m->fn_ref, 1, 2); /* fn(m, subject) */
	}
	for (int i = 0; i < r->nrules; i++) {
		const hd_rule *ru = &r->rules[i];
		if (ru->disabled) /* it does not run: nothing it reads can fail */
			continue;
		snprintf(who, sizeof who, "%s '%s'", hd_rule_type_name(ru->type), ru->name);
		scan_function(&s, who, ru->kind, ru->fn_ref, 2, 1); /* fn(subject, m) */
		if (ru->type != HD_SCORE)
			scan_template(&s, ru, who);
	}
	/* A module a rule file requires may read params the scan does not see. */
	int modules = 0;
	for (int i = 0; i < r->files.n; i++) {
		const source *src = source_of(&s, r->files.v[i]);
		if (!src)
			continue;
		collect_params(&s, src);
		for (int k = 0; k < src->tk.n; k++)
			modules |= same(&src->tk.v[k], "require") && !is_field(&src->tk, k);
	}
	s.dynamic |= modules;
	check_params(&s);
	for (int i = 0; i < s.nsrc; i++) {
		free(s.src[i].name);
		free(s.src[i].text);
		free(s.src[i].tk.v);
	}
	free(s.src);
	free(s.done);
	free(s.uses);
}
