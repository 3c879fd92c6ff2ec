/* history_json.c - a history as JSON, in the shape the README's History
 * section documents: numbers unrounded, null where null. */
#include <string.h>

#include "history.h"
#include "jsonw.h"

static void json_opt_number(hd_jsonw *w, const char *key, int has, double v)
{
	hd_jsonw_key(w, key);
	if (has)
		hd_jsonw_number(w, v);
	else
		hd_jsonw_null(w);
}

static void json_str(hd_jsonw *w, const char *key, const char *v)
{
	hd_jsonw_key(w, key);
	hd_jsonw_string(w, v);
}

static const char *cause(const hd_hist_run *r)
{
	return r->rules_changed ? "rules" : r->earlier_as_of ? "as_of" : "data";
}

static void json_run_head(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_key(w, "id");
	hd_jsonw_int(w, r->id);
	json_str(w, "period", r->period);
	json_str(w, "start", r->start);
	json_str(w, "stop", r->stop);
	json_str(w, "as_of", r->as_of);
	json_str(w, "created_at", r->finished_at);
	json_str(w, "started_at", r->started_at);
	json_str(w, "rules_hash", r->rules_hash);
	json_str(w, "huddle_version", r->version);
	json_str(w, "team_filter", r->team_filter);
	json_str(w, "status", r->status);
	hd_jsonw_key(w, "rule_errors");
	hd_jsonw_int(w, r->rule_errors);
}

static void json_repeats(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_key(w, "repeats");
	if (r->earlier && !r->restated)
		hd_jsonw_int(w, r->earlier);
	else
		hd_jsonw_null(w);
}

static void json_change(hd_jsonw *w, const hd_hist_change *c)
{
	static const char *const fields[] = { "score", "rank", "team_rank", "component.value",
					      "component.weight" };
	static const char *const items[HD_HI_KINDS] = { "component", "recognition", "coaching", "error" };
	char text[256];
	hd_jsonw_object(w);
	if (c->what <= HD_CH_WEIGHT) {
		json_str(w, "field", fields[c->what]);
		if (c->what >= HD_CH_VALUE)
			json_str(w, "rule", c->rule);
		json_opt_number(w, "from", c->has_from, c->from);
		json_opt_number(w, "to", c->has_to, c->to);
	} else {
		json_str(w, "field", items[c->item]);
		json_str(w, "rule", c->rule);
		json_str(w, "change", c->what == HD_CH_ADDED ? "gained" : "lost");
	}
	json_str(w, "text", hd_history_change_text(c, text, sizeof text));
	hd_jsonw_end(w, '}');
}

static void json_items(hd_jsonw *w, const hd_hist_run *r)
{
	static const char *const keys[HD_HI_KINDS] = { "components", "recognitions", "coaching", "errors" };
	for (int k = 0; k < HD_HI_KINDS; k++) {
		hd_jsonw_key(w, keys[k]);
		hd_jsonw_array(w);
		for (int i = 0; i < r->nitems[k]; i++) {
			const hd_hist_item *it = &r->items[k][i];
			hd_jsonw_object(w);
			switch (k) {
			case HD_HI_COMPONENT:
				json_str(w, "rule", it->rule);
				json_opt_number(w, "value", it->has_value, it->value);
				json_opt_number(w, "raw", it->has_value, it->raw);
				json_opt_number(w, "weight", 1, it->weight);
				json_str(w, "why", it->text);
				break;
			case HD_HI_RECOGNITION:
				json_str(w, "policy", it->rule);
				json_str(w, "message", it->text);
				break;
			case HD_HI_COACHING:
				json_str(w, "trigger", it->rule);
				json_str(w, "severity", it->severity);
				json_str(w, "advice", it->text);
				break;
			default:
				json_str(w, "rule", it->rule);
				json_str(w, "where", it->where);
				json_str(w, "message", it->text);
			}
			hd_jsonw_end(w, '}');
		}
		hd_jsonw_end(w, ']');
	}
}

static void json_subject_run(hd_jsonw *w, const hd_history *h, const hd_hist_run *r)
{
	char summary[4096];
	hd_jsonw_object(w);
	json_run_head(w, r);
	json_str(w, "name", r->name);
	if (h->kind == HD_HIST_REP)
		json_str(w, "team", r->team);
	json_opt_number(w, "score", r->has_score, r->score);
	json_opt_number(w, "rank", r->rank != 0, r->rank);
	if (h->kind == HD_HIST_REP)
		json_opt_number(w, "team_rank", r->team_rank != 0, r->team_rank);
	json_items(w, r);
	json_repeats(w, r);
	hd_jsonw_key(w, "restates");
	if (r->restated) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "run");
		hd_jsonw_int(w, r->earlier);
		json_str(w, "cause", cause(r));
		hd_history_summary(r, summary, sizeof summary);
		json_str(w, "summary", summary);
		hd_jsonw_key(w, "changes");
		hd_jsonw_array(w);
		for (int i = 0; i < r->nchanges; i++)
			json_change(w, &r->changes[i]);
		hd_jsonw_end(w, ']');
		hd_jsonw_end(w, '}');
	} else {
		hd_jsonw_null(w);
	}
	hd_jsonw_end(w, '}');
}

static void json_overview_run(hd_jsonw *w, const hd_hist_run *r)
{
	hd_jsonw_object(w);
	json_run_head(w, r);
	hd_jsonw_key(w, "reps");
	hd_jsonw_int(w, r->nreps);
	hd_jsonw_key(w, "teams");
	hd_jsonw_int(w, r->nteams);
	json_repeats(w, r);
	hd_jsonw_key(w, "restates");
	if (r->restated) {
		hd_jsonw_object(w);
		hd_jsonw_key(w, "run");
		hd_jsonw_int(w, r->earlier);
		json_str(w, "cause", cause(r));
		hd_jsonw_key(w, "subjects_compared");
		hd_jsonw_int(w, r->common);
		hd_jsonw_key(w, "subjects_changed");
		hd_jsonw_int(w, r->changed);
		hd_jsonw_end(w, '}');
	} else {
		hd_jsonw_null(w);
	}
	hd_jsonw_end(w, '}');
}

void hd_history_json(const hd_history *h, FILE *out)
{
	hd_jsonw w;
	hd_jsonw_init(&w, out, 1);
	hd_jsonw_object(&w);
	json_str(&w, "huddle", HUDDLE_VERSION);
	hd_jsonw_key(&w, "subject");
	if (h->kind == HD_HIST_OVERVIEW) {
		hd_jsonw_null(&w);
	} else {
		hd_jsonw_object(&w);
		json_str(&w, "kind", h->kind == HD_HIST_REP ? "rep" : "team");
		hd_jsonw_key(&w, "id");
		hd_jsonw_int(&w, h->id);
		json_str(&w, "name", h->name);
		if (h->kind == HD_HIST_REP)
			json_str(&w, "team", h->team);
		hd_jsonw_end(&w, '}');
	}
	hd_jsonw_key(&w, "saved_runs");
	hd_jsonw_int(&w, h->total);
	hd_jsonw_key(&w, "runs");
	hd_jsonw_array(&w);
	for (int i = 0; i < h->nruns; i++) {
		if (h->kind == HD_HIST_OVERVIEW)
			json_overview_run(&w, &h->runs[i]);
		else
			json_subject_run(&w, h, &h->runs[i]);
	}
	hd_jsonw_end(&w, ']');
	hd_jsonw_end(&w, '}');
}
