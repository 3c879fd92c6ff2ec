/* report.c - choosing a format and what an audience may see. */
#include "report.h"

#include <string.h>

#include "plugin.h"

typedef void (*builtin_fn)(const hd_result *, const hd_report_opts *, FILE *);

static const struct {
	const char *name;
	builtin_fn write;
} builtins[] = { { "table", hd_report_table },
		 { "json", hd_report_json },
		 { "csv", hd_report_csv },
		 { "markdown", hd_report_markdown } };

#define NBUILTINS (sizeof builtins / sizeof builtins[0])

int hd_report_shows(const hd_report_opts *o, const hd_scorecard *c)
{
	return o->team < 0 || c->team_index == o->team;
}

const char *hd_report_rep_name(const hd_report_opts *o, const hd_scorecard *c)
{
	return o->audience_team && o->anonymous ? NULL : c->name;
}

static builtin_fn builtin(const char *format)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (!strcmp(builtins[i].name, format))
			return builtins[i].write;
	return NULL;
}

int hd_report_known(const char *format)
{
	return builtin(format) || hd_plugins_find(HD_PREG_REPORTER, format);
}

unsigned hd_report_flags(const char *format)
{
	const hd_preg *r = builtin(format) ? NULL : hd_plugins_find(HD_PREG_REPORTER, format);
	return r ? r->flags : 0;
}

const char *hd_report_formats(char *buf, size_t n)
{
	const char *names[NBUILTINS + 64];
	size_t k = 0;
	for (size_t i = 0; i < NBUILTINS; i++)
		names[k++] = builtins[i].name;
	const hd_plugins *p = hd_plugins_get();
	for (int i = 0; i < p->nregs && k < sizeof names / sizeof names[0]; i++)
		if (p->regs[i].type == HD_PREG_REPORTER)
			names[k++] = p->regs[i].name;
	size_t len = 0;
	buf[0] = 0;
	for (size_t i = 0; i < k && len < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == k ? " or " : ", ";
		int w = snprintf(buf + len, n - len, "%s%s", sep, names[i]);
		len += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

int hd_report_write(const char *format, const hd_result *res, const hd_report_opts *o, FILE *out, hd_err *err)
{
	builtin_fn write = builtin(format);
	if (write) {
		write(res, o, out);
		if (fflush(out) || ferror(out))
			return hd_err_set(err, HD_EIO, "writing the report failed");
		return hd_result_check(res, err);
	}
	const hd_preg *r = hd_plugins_find(HD_PREG_REPORTER, format);
	if (r) {
		int rc = hd_report_plugin(r, res, o, out, err);
		return rc ? rc : hd_result_check(res, err);
	}
	char names[512];
	return hd_err_set(err, HD_EUSAGE, "unknown format '%s': use %s", format,
			  hd_report_formats(names, sizeof names));
}
