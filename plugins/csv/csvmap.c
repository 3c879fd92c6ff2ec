/*
 * csvmap.c - reading plugins.csv.map.TABLE and applying it to records.
 *
 * The mapping is read afresh by each import rather than once at init: a
 * mistake in it must stop that import with the config's file and line,
 * not get the whole plugin refused (and every import with it).
 */
#define _POSIX_C_SOURCE 200809L
#include "csvmap.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvdate.h"

/* A piece of a `value` template: literal text, or a file column. */
typedef struct part {
	const char *text;
	size_t len;
	int field; /* -1 for literal text */
} part;

typedef struct entry {
	const huddle_setting *where;
	const char *to, *from, *value, *dflt, *strip;
	char decimal;
	int hash, skip_empty, has_date;
	csvdate date;
	const char *date_fmt;
	const char **vin, **vout; /* `values`: the file's word, the table's */
	int nvalues;
	const huddle_setting *values_where;
	part *parts; /* of `value`, once the header is known */
	int nparts, refs;
	int field; /* of `from`, once the header is known */
	long skipped;
} entry;

typedef struct buf {
	char *s;
	size_t len, cap;
} buf;

/* Records already seen, for `distinct`: open addressing on their hash. */
typedef struct seen {
	uint64_t *hash;
	char **rec;
	size_t *len;
	size_t cap, n;
} seen;

struct csvmap {
	const huddle_api *api;
	huddle_host *h;
	huddle_import *imp;
	const huddle_setting *group;
	entry *e;
	int ne;
	const huddle_setting *skip;
	int ignore_unmapped, distinct;
	char **owned; /* value texts made from numbers in the config */
	int nowned;
	/* Once the header is known: */
	int nfields;
	char **names; /* the columns for the host */
	int nout;
	int *pass; /* the field each passed-on column comes from */
	size_t *offs;
	const char **out;
	buf rec, tmp;
	seen seen;
	long repeats;
};

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

/* "file:line" of a setting, for messages about the file that point back
 * at the mapping. */
static const char *place(const csvmap *m, const huddle_setting *s, char *b, size_t n)
{
	snprintf(b, n, "%s:%d", m->api->setting_file(s), m->api->setting_line(s));
	return b;
}

/* A value as a message shows it: quoted, control bytes escaped, long
 * ones cut short. */
static const char *show(const char *v, char *b, size_t n)
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

/* ", did you mean "x"?" when one of names[0..n-1] is close to name. */
static const char *hint(const char *name, const char *const *names, int n, char *b, size_t size)
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
			             hint(name, known, k, b, sizeof b));
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
static int read_values(csvmap *m, entry *e, const huddle_setting *v)
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

static int read_entry(csvmap *m, entry *e, const huddle_setting *s)
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
		                    hint(m->e[i].to, cols, k, b, sizeof b), list);
	}
	for (int j = 0; j < i; j++)
		if (!strcmp(m->e[j].to, m->e[i].to)) {
			char b[64];
			return config_error(m, m->e[i].where, "column %s is filled twice (also at %s)",
			                    m->e[i].to, place(m, m->e[j].where, b, sizeof b));
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

/* The header ------------------------------------------------------------ */

/* The field named name in the header, or -1; -2 when two have it. */
static int field_of(const char *name, int n, const char *const *names)
{
	int at = -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name)) {
			if (at >= 0)
				return -2;
			at = i;
		}
	return at;
}

/* The file lacks a column the mapping reads. */
static int missing(csvmap *m, long line, const char *name, const entry *e, int why, int n,
                   const char *const *names)
{
	char b[96], at[64], list[600];
	size_t len = 0;
	list[0] = 0;
	for (int j = 0; j < n && len < sizeof list; j++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"", j ? ", " : "", names[j]);
	if (why == -2)
		m->api->import_fail(
		    m->imp, line,
		    "the header names column \"%s\" twice, so the mapping at %s cannot tell which "
		    "to read",
		    name, place(m, e->where, at, sizeof at));
	else
		m->api->import_fail(m->imp, line,
		                    "the mapping at %s reads column \"%s\", which the header does not have%s "
		                    "(the file's columns: %s)",
		                    place(m, e->where, at, sizeof at), name,
		                    hint(name, names, n, b, sizeof b), list);
	return -1;
}

/* Splits a `value` template into literal text and file columns. */
static int parse_template(csvmap *m, entry *e, long line, int n, const char *const *names)
{
	const char *v = e->value;
	e->parts = calloc(strlen(v) + 1, sizeof *e->parts);
	if (!e->parts) {
		m->api->fail(m->h, "out of memory");
		return -1;
	}
	while (*v) {
		const char *ref = strstr(v, "${");
		part *p = &e->parts[e->nparts++];
		if (ref != v) {
			p->text = v;
			p->len = ref ? (size_t)(ref - v) : strlen(v);
			p->field = -1;
			v += p->len;
			continue;
		}
		const char *end = strchr(v, '}'); /* there is one: checked when read */
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(end - v - 2), v + 2);
		if ((p->field = field_of(name, n, names)) < 0)
			return missing(m, line, name, e, p->field, n, names);
		e->refs++;
		v = end + 1;
	}
	return 0;
}

/* Whether field i is read by some entry, or to be skipped. */
static int consumed(const csvmap *m, int i)
{
	for (int k = 0; k < m->ne; k++) {
		const entry *e = &m->e[k];
		if (e->field == i)
			return 1;
		for (int j = 0; j < e->nparts; j++)
			if (e->parts[j].field == i)
				return 1;
	}
	return 0;
}

static int skipped_name(const csvmap *m, const char *name)
{
	for (int i = 0; m->skip && i < m->api->setting_count(m->skip); i++)
		if (!strcmp(m->api->setting_string(m->api->setting_at(m->skip, i)), name))
			return 1;
	return 0;
}

int csvmap_header(csvmap *m, long line, int n, const char *const *names, int *nout, const char *const **out)
{
	m->nfields = n;
	for (int k = 0; k < m->ne; k++) {
		entry *e = &m->e[k];
		if (e->from && (e->field = field_of(e->from, n, names)) < 0)
			return missing(m, line, e->from, e, e->field, n, names);
		if (e->value && parse_template(m, e, line, n, names))
			return -1;
	}
	m->names = calloc((size_t)(m->ne + n), sizeof *m->names);
	m->pass = calloc((size_t)n + 1, sizeof *m->pass);
	m->offs = calloc((size_t)(m->ne + n), sizeof *m->offs);
	m->out = calloc((size_t)(m->ne + n), sizeof *m->out);
	if (!m->names || !m->pass || !m->offs || !m->out) {
		m->api->fail(m->h, "out of memory");
		return -1;
	}
	for (int k = 0; k < m->ne; k++)
		m->names[m->nout++] = (char *)m->e[k].to;
	for (int i = 0; i < n; i++) {
		if (m->ignore_unmapped || consumed(m, i) || skipped_name(m, names[i]))
			continue;
		for (int k = 0; k < m->ne; k++)
			if (!strcmp(m->e[k].to, names[i])) {
				char at[64];
				m->api->import_fail(
				    m->imp, line,
				    "column \"%s\" of the file would pass on as it is, but the mapping "
				    "at %s fills %s already: list it in skip, or set ignore_unmapped",
				    names[i], place(m, m->e[k].where, at, sizeof at), names[i]);
				return -1;
			}
		m->pass[m->nout - m->ne] = i;
		if (!(m->names[m->nout++] = strdup(names[i]))) {
			m->api->fail(m->h, "out of memory");
			return -1;
		}
	}
	*nout = m->nout;
	*out = (const char *const *)m->names;
	return 0;
}

/* Records ----------------------------------------------------------------- */

static int put(buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
	return 0;
}

/* A stable id for a text: FNV-1a, folded into 1 .. 2^53 - 1 so that it
 * stays exact in JSON and in a double. */
static long long text_id(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (long long)(h % ((UINT64_C(1) << 53) - 1)) + 1;
}

/* The text an entry starts from: its field, its constant, or its
 * template filled in (empty when every column it names is). */
static const char *source(csvmap *m, const entry *e, const char *const *f)
{
	if (e->from)
		return f[e->field];
	if (!e->refs)
		return e->value;
	int filled = 0;
	m->tmp.len = 0;
	for (int i = 0; i < e->nparts; i++) {
		const part *p = &e->parts[i];
		const char *s = p->field < 0 ? p->text : f[p->field];
		size_t len = p->field < 0 ? p->len : strlen(s);
		filled |= p->field >= 0 && len > 0;
		if (put(&m->tmp, s, len))
			return NULL;
	}
	return filled ? m->tmp.s : "";
}

/* Fills entry e's value into m->rec: 0, 1 to drop the record, -1. */
static int fill(csvmap *m, entry *e, long line, const char *const *f)
{
	char b1[96], b2[96], at[64], iso[11];
	const char *name = e->from ? e->from : e->to;
	const char *v = source(m, e, f);
	if (!v)
		goto nomem;
	if (!*v && e->dflt)
		v = e->dflt;
	if (!*v) {
		if (e->skip_empty) {
			e->skipped++;
			return 1;
		}
		return put(&m->rec, "", 0) ? -1 : 0;
	}
	if (e->nvalues) {
		int k = 0;
		while (k < e->nvalues && strcmp(e->vin[k], v))
			k++;
		if (k == e->nvalues) {
			char list[400];
			size_t len = 0;
			list[0] = 0;
			for (int j = 0; j < e->nvalues && len < sizeof list; j++)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
				                        show(e->vin[j], b2, sizeof b2));
			m->api->import_fail(
			    m->imp, line,
			    "column \"%s\": %s is none of the values the mapping at %s knows (%s); "
			    "add it there",
			    name, show(v, b1, sizeof b1), place(m, e->values_where, at, sizeof at), list);
			return -1;
		}
		v = e->vout[k];
	}
	if (e->has_date) {
		if (csvdate_parse(&e->date, v, iso)) {
			m->api->import_fail(
			    m->imp, line, "column \"%s\": %s is not a date written %s (mapping at %s)", name,
			    show(v, b1, sizeof b1), e->date_fmt, place(m, e->where, at, sizeof at));
			return -1;
		}
		v = iso;
	}
	size_t start = m->rec.len;
	for (const char *s = v; *s; s++) {
		char c = *s == e->decimal ? '.' : *s;
		if (e->strip && strchr(e->strip, *s))
			continue;
		if (put(&m->rec, &c, 1))
			goto nomem;
	}
	if (put(&m->rec, "", 0))
		goto nomem;
	if (e->hash) {
		char id[24];
		snprintf(id, sizeof id, "%lld", text_id(m->rec.s + start));
		m->rec.len = start;
		if (put(&m->rec, id, strlen(id)))
			goto nomem;
	}
	return 0;
nomem:
	m->api->fail(m->h, "out of memory");
	return -1;
}

/* Whether the record now in m->rec was seen before (and if not, keeps
 * it).  -1 when out of memory. */
static int repeated(csvmap *m)
{
	seen *s = &m->seen;
	const char *r = m->rec.s;
	size_t len = m->rec.len;
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)r[i]) * 1099511628211u;
	if (2 * (s->n + 1) > s->cap) {
		seen bigger = {0};
		bigger.cap = s->cap ? 2 * s->cap : 64;
		bigger.hash = calloc(bigger.cap, sizeof *bigger.hash);
		bigger.rec = calloc(bigger.cap, sizeof *bigger.rec);
		bigger.len = calloc(bigger.cap, sizeof *bigger.len);
		if (!bigger.hash || !bigger.rec || !bigger.len) {
			free(bigger.hash);
			free(bigger.rec);
			free(bigger.len);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->rec[i])
				continue;
			size_t j = s->hash[i] & (bigger.cap - 1);
			while (bigger.rec[j])
				j = (j + 1) & (bigger.cap - 1);
			bigger.hash[j] = s->hash[i];
			bigger.rec[j] = s->rec[i];
			bigger.len[j] = s->len[i];
		}
		bigger.n = s->n;
		free(s->hash);
		free(s->rec);
		free(s->len);
		*s = bigger;
	}
	size_t j = h & (s->cap - 1);
	for (; s->rec[j]; j = (j + 1) & (s->cap - 1))
		if (s->hash[j] == h && s->len[j] == len && !memcmp(s->rec[j], r, len))
			return 1;
	if (!(s->rec[j] = malloc(len + 1)))
		return -1;
	memcpy(s->rec[j], r, len + 1);
	s->hash[j] = h;
	s->len[j] = len;
	s->n++;
	return 0;
}

int csvmap_row(csvmap *m, long line, int n, const char *const *fields, const char *const **out)
{
	m->rec.len = 0;
	for (int k = 0; k < m->ne; k++) {
		m->offs[k] = m->rec.len;
		int rc = fill(m, &m->e[k], line, fields);
		if (rc)
			return rc;
		m->rec.len++; /* keep the NUL that ends this value */
	}
	for (int i = m->ne; i < m->nout; i++) {
		const char *v = fields[m->pass[i - m->ne]];
		m->offs[i] = m->rec.len;
		if (put(&m->rec, v, strlen(v) + 1)) {
			m->api->fail(m->h, "out of memory");
			return -1;
		}
	}
	if (m->distinct) {
		int r = repeated(m);
		if (r < 0) {
			m->api->fail(m->h, "out of memory");
			return -1;
		}
		if (r) {
			m->repeats++;
			return 1;
		}
	}
	for (int i = 0; i < m->nout; i++)
		m->out[i] = m->rec.s + m->offs[i];
	*out = m->out;
	return 0;
}

void csvmap_report(const csvmap *m)
{
	char at[64];
	const char *path = m->api->import_path(m->imp);
	for (int k = 0; k < m->ne; k++) {
		const entry *e = &m->e[k];
		if (e->skipped)
			m->api->warn(m->h, "%s: left out %ld record%s with no %s (skip_empty at %s)", path,
			             e->skipped, e->skipped == 1 ? "" : "s", e->from ? e->from : e->to,
			             place(m, e->where, at, sizeof at));
	}
	if (m->repeats)
		m->api->warn(
		    m->h, "%s: left out %ld record%s that repeat an earlier one once mapped (distinct at %s)",
		    path, m->repeats, m->repeats == 1 ? "" : "s", place(m, m->group, at, sizeof at));
}
