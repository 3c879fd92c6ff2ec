/* report.c - choosing a format and what an audience may see. */
#include "report.h"

#include <string.h>

int hd_report_shows(const hd_report_opts *o, const hd_scorecard *c)
{
	return o->team < 0 || c->team_index == o->team;
}

const char *hd_report_rep_name(const hd_report_opts *o, const hd_scorecard *c)
{
	return o->audience_team && o->anonymous ? NULL : c->name;
}

int hd_report_write(const char *format, const hd_result *res, const hd_report_opts *o, FILE *out, hd_err *err)
{
	static const struct {
		const char *name;
		void (*write)(const hd_result *, const hd_report_opts *, FILE *);
	} formats[] = { { "table", hd_report_table },
			{ "json", hd_report_json },
			{ "csv", hd_report_csv },
			{ "markdown", hd_report_markdown } };
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(formats[i].name, format)) {
			formats[i].write(res, o, out);
			if (fflush(out) || ferror(out))
				return hd_err_set(err, HD_EIO, "writing the report failed");
			return 0;
		}
	return hd_err_set(err, HD_EUSAGE, "unknown format '%s': use table, json, csv or markdown", format);
}
