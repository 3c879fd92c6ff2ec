/* report_json.c - the stable machine-readable form (SPEC section 3). */
#include "jsonw.h"
#include "report.h"

static void write_card(hd_jsonw *w, const hd_result *res, const hd_report_opts *o, const hd_scorecard *c)
{
	hd_jsonw_object(w);
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, c->id);
	hd_jsonw_key(w, "name");
	hd_jsonw_string(w, c->kind == HD_REP ? hd_report_rep_name(o, c) : c->name);
	if (c->kind == HD_REP) {
		hd_jsonw_key(w, "team");
		hd_jsonw_string(w, c->team);
	}
	hd_jsonw_key(w, "score");
	if (c->has_score)
		hd_jsonw_number(w, c->score);
	else
		hd_jsonw_null(w);
	hd_jsonw_key(w, "rank");
	if (c->rank)
		hd_jsonw_int(w, c->rank);
	else
		hd_jsonw_null(w);
	if (c->kind == HD_REP) {
		hd_jsonw_key(w, "team_rank");
		if (c->team_rank)
			hd_jsonw_int(w, c->team_rank);
		else
			hd_jsonw_null(w);
	} else {
		hd_jsonw_key(w, "members");
		hd_jsonw_int(w, c->members);
	}
	hd_jsonw_key(w, "components");
	hd_jsonw_array(w);
	for (int i = 0; i < c->ncomps; i++) {
		const hd_component *k = &c->comps[i];
		hd_jsonw_object(w);
		hd_jsonw_key(w, "rule");
		hd_jsonw_string(w, k->rule->name);
		hd_jsonw_key(w, "value");
		if (k->has_value)
			hd_jsonw_number(w, k->value);
		else
			hd_jsonw_null(w);
		hd_jsonw_key(w, "raw");
		if (k->has_value)
			hd_jsonw_number(w, k->raw);
		else
			hd_jsonw_null(w);
		hd_jsonw_key(w, "weight");
		hd_jsonw_number(w, k->rule->weight);
		hd_jsonw_key(w, "why");
		hd_jsonw_string(w, k->why);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
	hd_jsonw_key(w, "recognitions");
	hd_jsonw_array(w);
	for (int i = 0; i < c->nrecs; i++) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "policy");
		hd_jsonw_string(w, c->recs[i].rule->name);
		hd_jsonw_key(w, "message");
		hd_jsonw_string(w, c->recs[i].text);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
	hd_jsonw_key(w, "coaching");
	hd_jsonw_array(w);
	for (int i = 0; !o->audience_team && i < c->ncoach; i++) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "trigger");
		hd_jsonw_string(w, c->coach[i].rule->name);
		hd_jsonw_key(w, "severity");
		hd_jsonw_string(w, c->coach[i].rule->severity);
		hd_jsonw_key(w, "advice");
		hd_jsonw_string(w, c->coach[i].text);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
	hd_jsonw_key(w, "errors");
	hd_jsonw_array(w);
	for (int i = 0; !o->audience_team && i < c->nerrs; i++) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "rule");
		hd_jsonw_string(w, c->errs[i].rule);
		hd_jsonw_key(w, "where");
		hd_jsonw_string(w, c->errs[i].where);
		hd_jsonw_key(w, "message");
		hd_jsonw_string(w, c->errs[i].message);
		hd_jsonw_end(w, '}');
	}
	hd_jsonw_end(w, ']');
	hd_jsonw_end(w, '}');
	(void)res;
}

void hd_report_json(const hd_result *res, const hd_report_opts *o, FILE *out)
{
	hd_jsonw w;
	hd_jsonw_init(&w, out, 1);
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "huddle");
	hd_jsonw_string(&w, HUDDLE_VERSION);
	hd_jsonw_key(&w, "run");
	hd_jsonw_object(&w);
	hd_jsonw_key(&w, "id");
	if (res->run_id)
		hd_jsonw_int(&w, res->run_id);
	else
		hd_jsonw_null(&w);
	hd_jsonw_key(&w, "period");
	hd_jsonw_string(&w, res->period.label);
	hd_jsonw_key(&w, "start");
	hd_jsonw_string(&w, res->start);
	hd_jsonw_key(&w, "stop");
	hd_jsonw_string(&w, res->stop);
	hd_jsonw_key(&w, "as_of");
	hd_jsonw_string(&w, res->as_of);
	hd_jsonw_key(&w, "rules_hash");
	hd_jsonw_string(&w, res->rules_hash);
	hd_jsonw_key(&w, "created_at");
	hd_jsonw_string(&w, res->created_at);
	hd_jsonw_end(&w, '}');
	hd_jsonw_key(&w, "reps");
	hd_jsonw_array(&w);
	for (int i = 0; i < res->nreps; i++) {
		int k = res->rep_order[i];
		if (hd_report_shows(o, &res->reps[k]))
			write_card(&w, res, o, hd_result_card(res, HD_REP, k));
	}
	hd_jsonw_end(&w, ']');
	hd_jsonw_key(&w, "teams");
	hd_jsonw_array(&w);
	for (int i = 0; i < res->nteams; i++) {
		int k = res->team_order[i];
		if (hd_report_shows(o, &res->teams[k]))
			write_card(&w, res, o, hd_result_card(res, HD_TEAM, k));
	}
	hd_jsonw_end(&w, ']');
	hd_jsonw_end(&w, '}');
}
