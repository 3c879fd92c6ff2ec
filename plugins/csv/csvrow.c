/*
 * csvrow.c - applying a mapping (csvmap.c reads it): the file's header
 * checked against it, and each record turned into the table's values.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvmap_int.h"

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
static int missing(csvmap *m, long line, const char *name, const csvmap_entry *e, int why, int n,
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
		    name, csvmap_place(m, e->where, at, sizeof at));
	else
		m->api->import_fail(m->imp, line,
		                    "the mapping at %s reads column \"%s\", which the header does not have%s "
		                    "(the file's columns: %s)",
		                    csvmap_place(m, e->where, at, sizeof at), name,
		                    csvmap_hint(name, names, n, b, sizeof b), list);
	return -1;
}

/* Splits a `value` template into literal text and file columns. */
static int parse_template(csvmap *m, csvmap_entry *e, long line, int n, const char *const *names)
{
	const char *v = e->value;
	e->parts = calloc(strlen(v) + 1, sizeof *e->parts);
	if (!e->parts) {
		m->api->fail(m->h, "out of memory");
		return -1;
	}
	while (*v) {
		const char *ref = strstr(v, "${");
		csvmap_part *p = &e->parts[e->nparts++];
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
		const csvmap_entry *e = &m->e[k];
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
		csvmap_entry *e = &m->e[k];
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
				    names[i], csvmap_place(m, m->e[k].where, at, sizeof at), names[i]);
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

static int put(csvmap_buf *b, const char *s, size_t n)
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
static const char *source(csvmap *m, const csvmap_entry *e, const char *const *f)
{
	if (e->from)
		return f[e->field];
	if (!e->refs)
		return e->value;
	int filled = 0;
	m->tmp.len = 0;
	for (int i = 0; i < e->nparts; i++) {
		const csvmap_part *p = &e->parts[i];
		const char *s = p->field < 0 ? p->text : f[p->field];
		size_t len = p->field < 0 ? p->len : strlen(s);
		filled |= p->field >= 0 && len > 0;
		if (put(&m->tmp, s, len))
			return NULL;
	}
	return filled ? m->tmp.s : "";
}

/* Fills entry e's value into m->rec: 0, 1 to drop the record, -1. */
static int fill(csvmap *m, csvmap_entry *e, long line, const char *const *f)
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
				                        csvmap_show(e->vin[j], b2, sizeof b2));
			m->api->import_fail(
			    m->imp, line,
			    "column \"%s\": %s is none of the values the mapping at %s knows (%s); "
			    "add it there",
			    name, csvmap_show(v, b1, sizeof b1),
			    csvmap_place(m, e->values_where, at, sizeof at), list);
			return -1;
		}
		v = e->vout[k];
	}
	if (e->has_date) {
		if (csvdate_parse(&e->date, v, iso)) {
			m->api->import_fail(m->imp, line,
			                    "column \"%s\": %s is not a date written %s (mapping at %s)",
			                    name, csvmap_show(v, b1, sizeof b1), e->date_fmt,
			                    csvmap_place(m, e->where, at, sizeof at));
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
	csvmap_seen *s = &m->seen;
	const char *r = m->rec.s;
	size_t len = m->rec.len;
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)r[i]) * 1099511628211u;
	if (2 * (s->n + 1) > s->cap) {
		csvmap_seen bigger = {0};
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
		const csvmap_entry *e = &m->e[k];
		if (e->skipped)
			m->api->warn(m->h, "%s: left out %ld record%s with no %s (skip_empty at %s)", path,
			             e->skipped, e->skipped == 1 ? "" : "s", e->from ? e->from : e->to,
			             csvmap_place(m, e->where, at, sizeof at));
	}
	if (m->repeats)
		m->api->warn(
		    m->h, "%s: left out %ld record%s that repeat an earlier one once mapped (distinct at %s)",
		    path, m->repeats, m->repeats == 1 ? "" : "s", csvmap_place(m, m->group, at, sizeof at));
}
