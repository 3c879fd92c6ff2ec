/* history_csv.c - a history as CSV (RFC 4180): one row per run. */
#include <stdlib.h>
#include <string.h>

#include "csvw.h"
#include "history.h"

static void csv_id(FILE *out, int64_t id, int last)
{
	char buf[32] = "";
	if (id)
		snprintf(buf, sizeof buf, "%lld", (long long)id);
	hd_csv_field(out, buf, last);
}

static void csv_run_head(FILE *out, const hd_hist_run *r)
{
	csv_id(out, r->id, 0);
	hd_csv_field(out, r->period, 0);
	hd_csv_field(out, r->start, 0);
	hd_csv_field(out, r->stop, 0);
	hd_csv_field(out, r->as_of, 0);
	hd_csv_field(out, r->finished_at, 0);
	hd_csv_field(out, r->rules_hash, 0);
	hd_csv_field(out, r->team_filter, 0);
	hd_csv_field(out, r->status, 0);
}

static void csv_subject(const hd_history *h, FILE *out)
{
	const char **comps;
	int ncomps = hd_history_component_names(h, &comps);
	fputs("run,period,start,stop,as_of,created_at,rules_hash,team_filter,status,"
	      "name,team,score,rank,team_rank",
	      out);
	for (int k = 0; k < ncomps; k++)
		fprintf(out, ",%s,%s_weight", comps[k], comps[k]);
	fputs(",recognitions,coaching,errors,repeats,restates,changes\r\n", out);
	char buf[4096];
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		csv_run_head(out, r);
		hd_csv_field(out, r->name, 0);
		hd_csv_field(out, h->kind == HD_HIST_REP ? r->team : NULL, 0);
		hd_csv_number(out, r->has_score, r->score);
		hd_csv_number(out, r->rank != 0, r->rank);
		hd_csv_number(out, r->team_rank != 0, r->team_rank);
		for (int k = 0; k < ncomps; k++) {
			const hd_hist_item *it = hd_history_item(r, HD_HI_COMPONENT, comps[k]);
			hd_csv_number(out, it && it->has_value, it ? it->value : 0);
			hd_csv_number(out, it != NULL, it ? it->weight : 0);
		}
		for (int k = HD_HI_RECOGNITION; k < HD_HI_KINDS; k++) {
			hd_history_join(r, k, ";", buf, sizeof buf);
			hd_csv_field(out, buf, 0);
		}
		csv_id(out, r->restated ? 0 : r->earlier, 0);
		csv_id(out, r->restated ? r->earlier : 0, 0);
		buf[0] = 0;
		if (r->restated)
			hd_history_summary(r, buf, sizeof buf);
		hd_csv_field(out, buf, 1);
	}
	free(comps);
}

static void csv_overview(const hd_history *h, FILE *out)
{
	fputs("run,period,start,stop,as_of,created_at,rules_hash,team_filter,status,"
	      "started_at,huddle_version,"
	      "rule_errors,reps,teams,repeats,restates,subjects_changed\r\n",
	      out);
	for (int i = 0; i < h->nruns; i++) {
		const hd_hist_run *r = &h->runs[i];
		csv_run_head(out, r);
		hd_csv_field(out, r->started_at, 0);
		hd_csv_field(out, r->version, 0);
		hd_csv_number(out, 1, r->rule_errors);
		hd_csv_number(out, 1, r->nreps);
		hd_csv_number(out, 1, r->nteams);
		csv_id(out, r->restated ? 0 : r->earlier, 0);
		csv_id(out, r->restated ? r->earlier : 0, 0);
		char buf[32] = "";
		if (r->earlier)
			snprintf(buf, sizeof buf, "%d", r->changed);
		hd_csv_field(out, buf, 1);
	}
}

void hd_history_csv(const hd_history *h, FILE *out)
{
	if (h->kind == HD_HIST_OVERVIEW)
		csv_overview(h, out);
	else
		csv_subject(h, out);
}
