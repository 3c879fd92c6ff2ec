/*
 * csvmap_int.h - what csvmap.c (reading the mapping) and csvrow.c
 * (applying it) share.
 */
#ifndef HUDDLE_CSVMAP_INT_H
#define HUDDLE_CSVMAP_INT_H

#include <stdint.h>

#include "csvdate.h"
#include "csvmap.h"

/* A piece of a `value` template: literal text, or a file column. */
typedef struct csvmap_part {
	const char *text;
	size_t len;
	int field; /* -1 for literal text */
} csvmap_part;

typedef struct csvmap_entry {
	const huddle_setting *where;
	const char *to, *from, *value, *dflt, *strip;
	char decimal;
	int hash, skip_empty, has_date;
	csvdate date;
	const char *date_fmt;
	const char **vin, **vout; /* `values`: the file's word, the table's */
	int nvalues;
	const huddle_setting *values_where;
	csvmap_part *parts; /* of `value`, once the header is known */
	int nparts, refs;
	int field; /* of `from`, once the header is known */
	long skipped;
} csvmap_entry;

typedef struct csvmap_buf {
	char *s;
	size_t len, cap;
} csvmap_buf;

/* Records already seen, for `distinct`: open addressing on their hash. */
typedef struct csvmap_seen {
	uint64_t *hash;
	char **rec;
	size_t *len;
	size_t cap, n;
} csvmap_seen;

struct csvmap {
	const huddle_api *api;
	huddle_host *h;
	huddle_import *imp;
	const huddle_setting *group;
	csvmap_entry *e;
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
	csvmap_buf rec, tmp;
	csvmap_seen seen;
	long repeats;
};

/* "file:line" of a setting into b (n bytes), for messages about the file
 * that point back at the mapping.  Returns b. */
const char *csvmap_place(const csvmap *m, const huddle_setting *s, char *b, size_t n);
/* v as a message shows it into b: quoted, control bytes escaped, cut
 * after 60 bytes.  Returns b. */
const char *csvmap_show(const char *v, char *b, size_t n);
/* "; did you mean "x"?" into b when one of names[0..n-1] is close to
 * name (any case), else "".  Returns b. */
const char *csvmap_hint(const char *name, const char *const *names, int n, char *b, size_t size);

#endif
