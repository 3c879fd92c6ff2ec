/* report_csv.c - one row per rep (RFC 4180 quoting). */
#include <string.h>

#include "csvw.h"
#include "report.h"

/* Names of items joined with ';'. */
static void names(FILE *out, const hd_item *it, int n, int last)
{
	char buf[4096] = "";
	for (int i = 0; i < n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof buf - len, "%s%s", i ? ";" : "", it[i].rule->name);
	}
	hd_csv_field(out, buf, last);
}

void hd_report_csv(const hd_result *res, const hd_report_opts *o, FILE *out)
{
	/* Every rep has the same components, in the same order. */
	const hd_scorecard *first = res->nreps ? hd_result_card(res, HD_REP, 0) : NULL;
	fputs("id,name,team,score,rank,team_rank", out);
	for (int i = 0; first && i < first->ncomps; i++)
		fprintf(out, ",%s", first->comps[i].rule->name);
	fputs(o->audience_team ? ",recognitions\r\n" : ",recognitions,coaching,errors\r\n", out);
	for (int i = 0; i < res->nreps; i++) {
		int r = res->rep_order[i];
		char id[32];
		if (!hd_report_shows(o, &res->reps[r]))
			continue;
		const hd_scorecard *c = hd_result_card(res, HD_REP, r);
		snprintf(id, sizeof id, "%lld", (long long)c->id);
		hd_csv_field(out, id, 0);
		hd_csv_field(out, hd_report_rep_name(o, c), 0);
		hd_csv_field(out, c->team, 0);
		hd_csv_number(out, c->has_score, c->score);
		hd_csv_number(out, c->rank != 0, c->rank);
		hd_csv_number(out, c->team_rank != 0, c->team_rank);
		for (int k = 0; k < c->ncomps; k++)
			hd_csv_number(out, c->comps[k].has_value, c->comps[k].value);
		names(out, c->recs, c->nrecs, o->audience_team);
		if (!o->audience_team) {
			names(out, c->coach, c->ncoach, 0);
			snprintf(id, sizeof id, "%d", c->nerrs);
			hd_csv_field(out, id, 1);
		}
	}
}
