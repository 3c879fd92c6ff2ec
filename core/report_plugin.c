/*
 * report_plugin.c - writing a result through a plugin's reporter.
 *
 * The reporter sees the result only through the accessors of the host
 * API, which apply the audience rules once for every reporter
 * (plugin_api.c), and reads the database through a read-only connection
 * of its own rather than the one the run was saved through: a reporter
 * is there to show the run, never to change what was saved.
 */
#include <sqlite3.h>

#include "db.h"
#include "plugin.h"
#include "report.h"

/* How long the reporter's connection waits for a writer to let go. */
#define BUSY_MS 30000

int hd_report_plugin(const struct hd_preg *reg, const hd_result *res, const hd_report_opts *o, FILE *out,
		     hd_err *err)
{
	huddle_host *h = reg->owner;
	sqlite3 *ro = NULL;
	if (o->db && hd_db_open_reader(o->db, BUSY_MS, &ro, err))
		return hd_err_wrap(err, "the %s report (plugin %s) cannot read the database: ", reg->name, h->name);
	struct huddle_result r;
	hd_plugin_result_init(&r, res, o->prev, o, ro);
	/* A reason left over from an earlier call must not be taken for
	 * this one's. */
	hd_plugin_failure(h);
	int failed = reg->report(h, reg->ud, &r, out);
	hd_plugin_result_free(&r);
	int rc = 0;
	if (failed)
		rc = hd_err_set(err, HD_EIO, "the %s report failed: plugin %s (%s): %s", reg->name, h->name, h->path,
				hd_plugin_failure(h));
	else if (fflush(out) || ferror(out))
		rc = hd_err_set(err, HD_EIO, "writing the %s report failed", reg->name);
	sqlite3_close_v2(ro);
	return rc;
}
