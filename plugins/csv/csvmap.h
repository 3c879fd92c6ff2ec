/*
 * csvmap.h - plugins.csv.map: how the columns of another tool's export
 * become the columns of a huddle table.
 *
 *	plugins = { csv = { map = { deals = {
 *		file = "sales_pipeline*.csv";	# optional: only for these files
 *		ignore_unmapped = true;		# drop the file's other columns
 *		columns = (
 *		  { to = "id";        from = "opportunity_id"; hash = true; },
 *		  { to = "stage";     from = "deal_stage";
 *		    values = { Won = "won"; Lost = "lost"; Engaging = "open"; }; },
 *		  { to = "closed_on"; from = "close_date"; date = "M/D/YYYY"; }
 *		);
 *	}; }; }; };
 *
 * Each entry of `columns` fills the table column `to` from the file
 * column `from`, or from `value` (a constant, or a template naming file
 * columns as ${name}), then: an empty field takes `default` (as if the
 * file held it) or, with `skip_empty`, drops the record; `values` maps
 * the file's words to the table's; `date` reads a date format; `strip`
 * deletes characters and `decimal` names the decimal mark (for amounts
 * like "$1,054.00" or "1.054,50"); `hash` turns the text into a stable
 * id, the same in every file, so that reps.id made from an agent's name
 * in one file matches deals.rep_id made from it in another.  File
 * columns no entry reads pass on under their own names, unless they are
 * listed in `skip` or the mapping says ignore_unmapped.  With `distinct`,
 * a record equal to an earlier one after mapping is dropped (a list of
 * agents with their managers gives each team once).
 *
 * Errors in the mapping name the config file and line (api->fail);
 * errors in the file name its line (api->import_fail).
 */
#ifndef HUDDLE_CSVMAP_H
#define HUDDLE_CSVMAP_H

#include <huddle/plugin.h>

typedef struct csvmap csvmap;

/* Reads plugins.csv.map.TABLE (csv is the plugin's group, may be NULL)
 * for the import imp.  Returns 0 with *out the mapping, or NULL when the
 * table has none or its `file` pattern does not match the file's name;
 * or -1 after api->fail.  The caller frees *out with csvmap_free. */
int csvmap_load(const huddle_api *api, huddle_host *h, huddle_import *imp, const huddle_setting *csv,
                csvmap **out);
void csvmap_free(csvmap *m);

/* The file's header row: checks it against the mapping and gives the
 * column names for the host (valid until csvmap_free).  Returns 0, or
 * -1 after api->import_fail. */
int csvmap_header(csvmap *m, long line, int n, const char *const *names, int *nout, const char *const **out);

/* One record of the file (n fields, as many as the header's): 0 with the
 * values for the host (valid until the next call), 1 when the mapping
 * drops the record, or -1 after api->import_fail. */
int csvmap_row(csvmap *m, long line, int n, const char *const *fields, const char *const **out);

/* Tells the user (api->warn) how many records were dropped, and why. */
void csvmap_report(const csvmap *m);

#endif
