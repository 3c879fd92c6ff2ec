/*
 * csvmap.c - reading plugins.csv.map.TABLE (csvrow.c applies it).
 *
 * The mapping is read afresh by each import rather than once at init: a
 * mistake in it must stop that import with the config's file and line,
 * not get the whole plugin refused (and every import with it).
 */
#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvmap_int.h"

/* Messages ------------------------------------------------------------ */

static int config_error(const csvmap *m, const huddle_setting *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails the import with a mistake in the mapping, at its place in the
 * config; returns -1. */
static int config_error(const csvmap *m, const huddle_setting *s, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	m->api->fail(m->h, "%s:%d: plugins.csv.map.%s: %s", m->api->setting_file(s), m->api->setting_line(s),
	             m->api->import_table(m->imp), msg);
	return -1;
}

const char *csvmap_place(const csvmap *m, const huddle_setting *s, char *b, size_t n)
{
	snprintf(b, n, "%s:%d", m->api->setting_file(s), m->api->setting_line(s));
	return b;
}

const char *csvmap_show(const char *v, char *b, size_t n)
{
	size_t k = 0, i = 0;
	b[k++] = '"';
	for (; v[i] && k + 8 < n && i < 60; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			k += (size_t)snprintf(b + k, n - k,
			                      c == '"'    ? "\\\""
			                      : c == '\\' ? "\\\\"
			                                  : "\\x%02x",
			                      c);
		else
			b[k++] = (char)c;
	}
	if (v[i])
		k += (size_t)snprintf(b + k, n - k, "...");
	snprintf(b + k, n - k, "\"");
	return b;
}

static int edit_distance(const char *a, const char *b)
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
			int best = diag + ((a[i - 1] | 0x20) != (b[j - 1] | 0x20));
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

const char *csvmap_hint(const char *name, const char *const *names, int n, char *b, size_t size)
{
	int best = 99, at = -1;
	for (int i = 0; i < n; i++) {
		int d = edit_distance(name, names[i]);
		if (d < best) {
			best = d;
			at = i;
		}
	}
	size_t len = strlen(name);
	if (at >= 0 && best <= (len < 6 ? 2 : (int)(len / 3)))
		snprintf(b, size, "; did you mean \"%s\"?", names[at]);
	else
		b[0] = 0;
	return b;
}

/* Reading the config ----------------------------------------------------- */

static const huddle_setting *member(const csvmap *m, const huddle_setting *g, const char *name)
{
	return m->api->setting_member(g, name);
}

/* A string member: 0 with *out (NULL when absent), or -1. */
static int get_string(const csvmap *m, const huddle_setting *g, const char *name, const char **out)
{
	const huddle_setting *s = member(m, g, name);
	*out = NULL;
	if (!s)
		return 0;
	if (!(*out = m->api->setting_string(s)))
		return config_error(m, s, "%s must be a string in quotes", name);
	return 0;
}

static int get_bool(const csvmap *m, const huddle_setting *g, const char *name, int *out)
{
	const huddle_setting *s = member(m, g, name);
	*out = 0;
	if (s && m->api->setting_bool(s, out))
		return config_error(m, s, "%s must be true or false", name);
	return 0;
}

/* A typo in a key should not pass unnoticed, nor stop the import. */
static void warn_unknown(const csvmap *m, const huddle_setting *g, const char *const *known, const char *what)
{
	for (int i = 0; i < m->api->setting_count(g); i++) {
		const huddle_setting *s = m->api->setting_at(g, i);
		const char *name = m->api->setting_name(s);
		int k = 0;
		while (known[k] && strcmp(known[k], name))
			k++;
		if (!known[k]) {
			char b[80];
			m->api->warn(m->h, "%s:%d: unknown key \"%s\" in %s (ignored)%s",
			             m->api->setting_file(s), m->api->setting_line(s), name, what,
			             csvmap_hint(name, known, k, b, sizeof b));
		}
	}
}

/* The text a `values` target stands for: a string, or a number written
 * without quotes (wants_to_grow = 1). */
static const char *scalar_text(csvmap *m, const huddle_setting *s)
{
	const char *str = m->api->setting_string(s);
	long long i;
	int b;
	char num[32];
	if (str)
		return str;
	if (!m->api->setting_int(s, &i))
		snprintf(num, sizeof num, "%lld", i);
	else if (!m->api->setting_bool(s, &b))
		snprintf(num, sizeof num, "%d", b);
	else
		return NULL;
	m->owned = realloc(m->owned, (size_t)(m->nowned + 1) * sizeof *m->owned);
	if (!m->owned || !(m->owned[m->nowned] = strdup(num)))
		return NULL;
	return m->owned[m->nowned++];
}

/* `values`: a group (Won = "won";) for the words that are names, or a
 * list of pairs (["Closed Won", "won"]) for those with spaces. */
static int read_values(csvmap *m, csvmap_entry *e, const huddle_setting *v)
{
	const huddle_api *api = m->api;
	int n = api->setting_count(v), type = api->setting_type(v);
	if ((type != HUDDLE_SETTING_GROUP && type != HUDDLE_SETTING_LIST) || n == 0)
		return config_error(
		    m, v,
		    "values must map the file's words to the table's, as { Won = \"won\"; } or "
		    "( [\"Closed Won\", \"won\"] )");
	e->vin = calloc((size_t)n, sizeof *e->vin);
	e->vout = calloc((size_t)n, sizeof *e->vout);
	if (!e->vin || !e->vout)
		return config_error(m, v, "out of memory");
	e->values_where = v;
	for (int i = 0; i < n; i++) {
		const huddle_setting *s = api->setting_at(v, i);
		const char *from, *to;
		if (type == HUDDLE_SETTING_GROUP) {
			from = api->setting_name(s);
			to = scalar_text(m, s);
		} else {
			from = api->setting_count(s) == 2 ? api->setting_string(api->setting_at(s, 0)) : NULL;
			to = from ? scalar_text(m, api->setting_at(s, 1)) : NULL;
		}
		if (!from || !to)
			return config_error(
			    m, s,
			    "each of values is a file word and what to store for it, as Won = "
			    "\"won\"; or [\"Closed Won\", \"won\"]");
		for (int k = 0; k < e->nvalues; k++)
			if (!strcmp(e->vin[k], from))
				return config_error(m, s, "values lists \"%s\" twice", from);
		e->vin[e->nvalues] = from;
		e->vout[e->nvalues++] = to;
	}
	return 0;
}

static int read_entry(csvmap *m, csvmap_entry *e, const huddle_setting *s)
{
	static const char *const known[] = {"to",   "from", "value", "default", "skip_empty", "values",
	                                    "date", "hash", "strip", "decimal", NULL};
	const huddle_api *api = m->api;
	const char *decimal;
	e->where = s;
	e->field = -1;
	if (api->setting_type(s) != HUDDLE_SETTING_GROUP)
		return config_error(
		    m, s, "each of columns is a group like { to = \"stage\"; from = \"Deal Stage\"; }");
	warn_unknown(m, s, known, "a column of plugins.csv.map");
	if (get_string(m, s, "to", &e->to) || get_string(m, s, "from", &e->from) ||
	    get_string(m, s, "value", &e->value) || get_string(m, s, "default", &e->dflt) ||
	    get_string(m, s, "date", &e->date_fmt) || get_string(m, s, "strip", &e->strip) ||
	    get_string(m, s, "decimal", &decimal) || get_bool(m, s, "hash", &e->hash) ||
	    get_bool(m, s, "skip_empty", &e->skip_empty))
		return -1;
	if (!e->to)
		return config_error(m, s, "a column needs `to`, the column of %s it fills",
		                    api->import_table(m->imp));
	if (!e->from == !e->value)
		return config_error(m, s,
		                    "column %s needs either `from` (a column of the file) or `value` (a "
		                    "constant or a template like \"${first} ${last}\"), not %s",
		                    e->to, e->from ? "both" : "neither");
	if (decimal && strlen(decimal) != 1)
		return config_error(m, s, "decimal is the one character that marks decimals, like \",\"");
	e->decimal = decimal ? decimal[0] : 0;
	if (e->date_fmt) {
		char why[200];
		if (csvdate_compile(&e->date, e->date_fmt, why, sizeof why))
			return config_error(m, s, "date \"%s\": %s", e->date_fmt, why);
		e->has_date = 1;
	}
	const huddle_setting *v = member(m, s, "values");
	if (v && read_values(m, e, v))
		return -1;
	if (e->value)
		for (const char *p = strstr(e->value, "${"); p; p = strstr(p + 2, "${"))
			if (!strchr(p, '}'))
				return config_error(m, s, "value \"%s\": a ${ without its }", e->value);
	return 0;
}

/* `to` must name a column of the table, once. */
static int check_target(csvmap *m, int i)
{
	const huddle_api *api = m->api;
	int n = api->import_columns(m->imp);
	const char *cols[128];
	int k = 0;
	for (; k < n && k < 128; k++)
		if (!strcmp(cols[k] = api->import_column(m->imp, k), m->e[i].to))
			break;
	if (k == n || k == 128) {
		char b[96], list[600];
		size_t len = 0;
		list[0] = 0;
		for (int j = 0; j < n && j < 128 && len < sizeof list; j++)
			len +=
			    (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", cols[j]);
		return config_error(m, m->e[i].where, "\"%s\" is not a column of %s%s (its columns: %s)",
		                    m->e[i].to, api->import_table(m->imp),
		                    csvmap_hint(m->e[i].to, cols, k, b, sizeof b), list);
	}
	for (int j = 0; j < i; j++)
		if (!strcmp(m->e[j].to, m->e[i].to)) {
			char b[64];
			return config_error(m, m->e[i].where, "column %s is filled twice (also at %s)",
			                    m->e[i].to, csvmap_place(m, m->e[j].where, b, sizeof b));
		}
	return 0;
}

int csvmap_load(const huddle_api *api, huddle_host *h, huddle_import *imp, const huddle_setting *csv,
                csvmap **out)
{
	static const char *const known[] = {"file", "ignore_unmapped", "distinct", "skip", "columns", NULL};
	*out = NULL;
	const huddle_setting *map = api->setting_member(csv, "map");
	if (!map)
		return 0;
	if (api->setting_type(map) != HUDDLE_SETTING_GROUP) {
		api->fail(h,
		          "%s:%d: plugins.csv.map must be a group of tables: map = { deals = { columns = "
		          "(...); }; };",
		          api->setting_file(map), api->setting_line(map));
		return -1;
	}
	const huddle_setting *g = api->setting_member(map, api->import_table(imp));
	if (!g)
		return 0;
	csvmap *m = calloc(1, sizeof *m);
	if (!m) {
		api->fail(h, "out of memory");
		return -1;
	}
	m->api = api;
	m->h = h;
	m->imp = imp;
	m->group = g;
	if (api->setting_type(g) != HUDDLE_SETTING_GROUP) {
		config_error(m, g, "must be a group: { columns = ( { to = \"...\"; from = \"...\"; } ); }");
		goto fail;
	}
	warn_unknown(m, g, known, "plugins.csv.map");
	const char *pattern;
	if (get_string(m, g, "file", &pattern) || get_bool(m, g, "ignore_unmapped", &m->ignore_unmapped) ||
	    get_bool(m, g, "distinct", &m->distinct))
		goto fail;
	if (pattern) {
		const char *path = api->import_path(imp), *slash = strrchr(path, '/');
		if (fnmatch(pattern, slash ? slash + 1 : path, 0)) {
			free(m);
			return 0;
		}
	}
	if ((m->skip = member(m, g, "skip"))) {
		for (int i = 0; i < api->setting_count(m->skip); i++)
			if (!api->setting_string(api->setting_at(m->skip, i))) {
				config_error(m, m->skip,
				             "skip is a list of the file's column names: [ \"a\", \"b\" ]");
				goto fail;
			}
		if (api->setting_type(m->skip) != HUDDLE_SETTING_LIST) {
			config_error(m, m->skip,
			             "skip is a list of the file's column names: [ \"a\", \"b\" ]");
			goto fail;
		}
	}
	const huddle_setting *cols = member(m, g, "columns");
	int n = cols ? api->setting_count(cols) : 0;
	if (cols && api->setting_type(cols) != HUDDLE_SETTING_LIST) {
		config_error(m, cols,
		             "columns is a list of groups: ( { to = \"...\"; from = \"...\"; }, ... )");
		goto fail;
	}
	if (!(m->e = calloc((size_t)n + 1, sizeof *m->e))) {
		api->fail(h, "out of memory");
		goto fail;
	}
	for (m->ne = 0; m->ne < n; m->ne++)
		if (read_entry(m, &m->e[m->ne], api->setting_at(cols, m->ne)) || check_target(m, m->ne)) {
			m->ne++; /* so that csvmap_free frees it */
			goto fail;
		}
	*out = m;
	return 0;
fail:
	csvmap_free(m);
	return -1;
}

void csvmap_free(csvmap *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->ne; i++) {
		free(m->e[i].vin);
		free(m->e[i].vout);
		free(m->e[i].parts);
	}
	free(m->e);
	for (int i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	for (int i = 0; m->names && i < m->nout; i++)
		if (i >= m->ne)
			free(m->names[i]);
	free(m->names);
	free(m->pass);
	free(m->offs);
	free(m->out);
	free(m->rec.s);
	free(m->tmp.s);
	for (size_t i = 0; i < m->seen.cap; i++)
		free(m->seen.rec[i]);
	free(m->seen.hash);
	free(m->seen.rec);
	free(m->seen.len);
	free(m);
}
