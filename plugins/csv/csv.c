/*
 * csv.c - the csv plugin: `huddle import TABLE FILE.csv`.
 *
 * It reads the file (csvparse.c), renames and converts columns as the
 * config's plugins.csv.map says (csvmap.c), and hands the host the
 * header and then each record; the host checks every value against the
 * table, inserts it, and keeps all or nothing.  Built against
 * <huddle/plugin.h> alone.
 *
 *	plugins = { csv = {
 *		delimiter = ";";	# default ","; "\t" for tab-separated files
 *		map = { ... };		# see csvmap.h
 *	}; };
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <huddle/plugin.h>

#include "csvmap.h"
#include "csvparse.h"

static const huddle_api *api;

typedef struct reader {
	huddle_import *imp;
	csvmap *map;
	int nfields; /* of the header; 0 until it is read */
	int nout;    /* columns handed to the host */
	long header_line;
} reader;

static int on_record(void *ud, long line, int n, const char *const *fields)
{
	reader *r = ud;
	if (!r->nfields) {
		int nout = n;
		const char *const *names = fields;
		if (r->map && csvmap_header(r->map, line, n, fields, &nout, &names))
			return 1;
		r->nfields = n;
		r->nout = nout;
		r->header_line = line;
		return api->import_header(r->imp, line, nout, names) != 0;
	}
	if (n != r->nfields) {
		api->import_fail(
		    r->imp, line, "%d field%s, but the header (line %ld) has %d: %s", n, n == 1 ? "" : "s",
		    r->header_line, r->nfields,
		    n > r->nfields ? "is there a comma in a field that is not in quotes?"
		                   : "is a field missing, or a line break in a field that is not in quotes?");
		return 1;
	}
	if (r->map) {
		int rc = csvmap_row(r->map, line, n, fields, &fields);
		if (rc)
			return rc < 0;
	}
	return api->import_row(r->imp, line, r->nout, fields) != 0;
}

/* plugins.csv.delimiter: one byte that cannot be confused with quoting
 * or line ends. */
static int delimiter(huddle_host *h, const huddle_setting *csv, char *out)
{
	const huddle_setting *s = api->setting_member(csv, "delimiter");
	const char *d = s ? api->setting_string(s) : ",";
	*out = ',';
	if (!d || strlen(d) != 1 || strchr("\"\r\n", d[0])) {
		api->fail(h, "%s:%d: plugins.csv.delimiter is one character, like \",\" or \";\" or \"\\t\"",
		          api->setting_file(s), api->setting_line(s));
		return -1;
	}
	*out = d[0];
	return 0;
}

static void warn_unknown(huddle_host *h, const huddle_setting *csv)
{
	for (int i = 0; i < api->setting_count(csv); i++) {
		const huddle_setting *s = api->setting_at(csv, i);
		const char *name = api->setting_name(s);
		if (strcmp(name, "map") && strcmp(name, "delimiter"))
			api->warn(h,
			          "%s:%d: unknown key \"%s\" in plugins.csv (known: delimiter, map); ignored",
			          api->setting_file(s), api->setting_line(s), name);
	}
}

static int import_csv(huddle_host *h, void *ud, huddle_import *imp)
{
	const huddle_setting *csv = api->config(h);
	reader r = {imp, NULL, 0, 0, 0};
	char delim;
	warn_unknown(h, csv);
	if (delimiter(h, csv, &delim) || csvmap_load(api, h, imp, csv, &r.map))
		return -1;
	csvp *p = csvp_new(delim, on_record, &r);
	if (!p) {
		csvmap_free(r.map);
		api->fail(h, "out of memory");
		return -1;
	}
	FILE *f = api->import_file(imp);
	char buf[1 << 16];
	size_t n;
	int rc = CSVP_OK;
	while (rc == CSVP_OK && (n = fread(buf, 1, sizeof buf, f)) > 0)
		rc = csvp_feed(p, buf, n);
	if (rc == CSVP_OK && ferror(f)) {
		api->fail(h, "%s: cannot read it: %s", api->import_path(imp), strerror(errno));
		rc = CSVP_STOPPED;
	}
	if (rc == CSVP_OK)
		rc = csvp_finish(p);
	if (rc == CSVP_SYNTAX)
		api->import_fail(imp, csvp_error_line(p), "%s", csvp_error(p));
	if (rc == CSVP_OK && !r.nfields) {
		api->import_fail(imp, 1, "the file is empty: its first line must name the columns");
		rc = CSVP_STOPPED;
	}
	if (rc == CSVP_OK && r.map)
		csvmap_report(r.map);
	csvp_free(p);
	csvmap_free(r.map);
	return rc == CSVP_OK ? 0 : -1;
}

static int init(huddle_host *h, const huddle_api *a)
{
	api = a;
	return api->add_importer(h, "csv", ".csv", import_csv, NULL,
	                         "CSV files (RFC 4180); plugins.csv.map maps other tools' exports");
}

HUDDLE_PLUGIN("csv", "1.0.0", "imports CSV files, with column mappings for other tools' exports", init, NULL);
