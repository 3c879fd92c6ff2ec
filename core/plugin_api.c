/*
 * plugin_api.c - the host API table, and its accessors of results,
 * scorecards, notices and metric calls.
 *
 * Reporters see a result only through these functions, so the engine's
 * structs can change without breaking a plugin; and the audience rules
 * of SPEC section 3 are applied here, once, rather than trusted to every
 * reporter: under --audience team a scorecard has no coaching items and
 * no errors, and an anonymous leaderboard has no rep names.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "plugin.h"

/* Results ------------------------------------------------------------- */

static struct huddle_card *cards_of(const struct huddle_result *r, const hd_result *res, hd_kind kind,
				    int *n)
{
	int total = kind == HD_REP ? res->nreps : res->nteams;
	const int *order = kind == HD_REP ? res->rep_order : res->team_order;
	const hd_scorecard *sc = kind == HD_REP ? res->reps : res->teams;
	struct huddle_card *v = hd_xcalloc((size_t)total + 1, sizeof *v);
	*n = 0;
	for (int i = 0; i < total; i++) {
		const hd_scorecard *c = &sc[order[i]];
		if (res == r->res && !hd_report_shows(r->opts, c))
			continue;
		v[*n].sc = c;
		v[*n].from = res;
		v[*n].res = r;
		(*n)++;
	}
	return v;
}

void hd_plugin_result_init(struct huddle_result *r, const hd_result *res, const hd_result *prev,
			   const hd_report_opts *o, sqlite3 *db)
{
	memset(r, 0, sizeof *r);
	r->whole = hd_xcalloc(1, sizeof *r->whole);
	r->res = res;
	r->prev = prev;
	r->opts = o;
	r->db = db;
	for (int k = 0; k < 2; k++) {
		r->cards[k] = cards_of(r, res, (hd_kind)k, &r->ncards[k]);
		if (prev)
			r->prev_cards[k] = cards_of(r, prev, (hd_kind)k, &r->nprev[k]);
	}
}

void hd_plugin_result_free(struct huddle_result *r)
{
	for (int k = 0; k < 2; k++) {
		free(r->cards[k]);
		free(r->prev_cards[k]);
	}
	hd_arena_free(r->whole);
	free(r->whole);
	memset(r, 0, sizeof *r);
}

static const char *result_period(const huddle_result *r)
{
	return r->res->period.label;
}

static const char *result_start(const huddle_result *r)
{
	return r->res->start;
}

static const char *result_stop(const huddle_result *r)
{
	return r->res->stop;
}

static const char *result_as_of(const huddle_result *r)
{
	return r->res->as_of;
}

static int64_t result_run_id(const huddle_result *r)
{
	return r->res->run_id;
}

static const char *result_created_at(const huddle_result *r)
{
	return r->res->created_at;
}

static const char *result_rules_hash(const huddle_result *r)
{
	return r->res->rules_hash;
}

static int result_audience(const huddle_result *r)
{
	return r->opts->audience_team ? HUDDLE_AUDIENCE_TEAM : HUDDLE_AUDIENCE_MANAGER;
}

static int result_count(const huddle_result *r, int kind)
{
	return kind == HUDDLE_REP || kind == HUDDLE_TEAM ? r->ncards[kind] : 0;
}

static const huddle_card *result_card(const huddle_result *r, int kind, int i)
{
	if (kind != HUDDLE_REP && kind != HUDDLE_TEAM)
		return NULL;
	return i >= 0 && i < r->ncards[kind] ? &r->cards[kind][i] : NULL;
}

static const huddle_card *result_previous(const huddle_result *r, const huddle_card *c)
{
	if (!r->prev || !c)
		return NULL;
	int k = c->sc->kind;
	for (int i = 0; i < r->nprev[k]; i++)
		if (r->prev_cards[k][i].sc->id == c->sc->id)
			return &r->prev_cards[k][i];
	return NULL;
}

static struct sqlite3 *result_db(const huddle_result *r)
{
	return r->db;
}

/* Scorecards ------------------------------------------------------------ */

static int card_kind(const huddle_card *c)
{
	return c->sc->kind == HD_REP ? HUDDLE_REP : HUDDLE_TEAM;
}

static int64_t card_id(const huddle_card *c)
{
	return c->sc->id;
}

static const char *card_name(const huddle_card *c)
{
	return c->sc->kind == HD_REP ? hd_report_rep_name(c->res->opts, c->sc) : c->sc->name;
}

static const char *card_team(const huddle_card *c)
{
	return c->sc->kind == HD_REP ? c->sc->team : NULL;
}

static int card_score(const huddle_card *c, double *score)
{
	if (score)
		*score = c->sc->has_score ? c->sc->score : NAN;
	return c->sc->has_score;
}

static int card_rank(const huddle_card *c)
{
	return c->sc->rank;
}

static int card_team_rank(const huddle_card *c)
{
	return c->sc->team_rank;
}

static int card_members(const huddle_card *c)
{
	return c->sc->kind == HD_TEAM ? c->sc->members : 0;
}

/* The whole card, read when the reporter first asks for an item and
 * kept until the report is written: the strings it was handed stay valid
 * for the call, as plugin.h promises, while a card it never opens is
 * never read. */
static const hd_scorecard *whole(const huddle_card *c)
{
	struct huddle_card *m = (struct huddle_card *)c; /* allocated non-const by cards_of */
	if (!m->card)
		m->card = hd_result_card_in(m->from, m->sc->kind, m->sc->index, m->res->whole);
	return m->card;
}

static int card_count(const huddle_card *c, int item)
{
	int team = c->res->opts->audience_team;
	switch (item) {
	case HUDDLE_COMPONENT:
		return whole(c)->ncomps;
	case HUDDLE_RECOGNITION:
		return c->sc->nrecs; /* the counts are in the header */
	case HUDDLE_COACHING:
		return team ? 0 : c->sc->ncoach;
	case HUDDLE_ERROR:
		return team ? 0 : c->sc->nerrs;
	default:
		return 0;
	}
}

static int in_range(const huddle_card *c, int item, int i)
{
	return i >= 0 && i < card_count(c, item);
}

static const char *item_rule(const huddle_card *c, int item, int i)
{
	if (!in_range(c, item, i))
		return NULL;
	switch (item) {
	case HUDDLE_COMPONENT:
		return whole(c)->comps[i].rule->name;
	case HUDDLE_RECOGNITION:
		return whole(c)->recs[i].rule->name;
	case HUDDLE_COACHING:
		return whole(c)->coach[i].rule->name;
	default:
		return whole(c)->errs[i].rule;
	}
}

static const char *item_text(const huddle_card *c, int item, int i)
{
	if (!in_range(c, item, i))
		return NULL;
	switch (item) {
	case HUDDLE_COMPONENT:
		return whole(c)->comps[i].why;
	case HUDDLE_RECOGNITION:
		return whole(c)->recs[i].text;
	case HUDDLE_COACHING:
		return whole(c)->coach[i].text;
	default:
		return whole(c)->errs[i].message;
	}
}

static const char *item_detail(const huddle_card *c, int item, int i)
{
	if (!in_range(c, item, i))
		return NULL;
	if (item == HUDDLE_COACHING)
		return whole(c)->coach[i].rule->severity;
	if (item == HUDDLE_ERROR)
		return whole(c)->errs[i].where;
	return NULL;
}

static int component(const huddle_card *c, int i, double *value, double *raw, double *weight)
{
	if (!in_range(c, HUDDLE_COMPONENT, i))
		return 0;
	const hd_component *k = &whole(c)->comps[i];
	if (weight)
		*weight = k->rule->weight;
	if (value)
		*value = k->has_value ? k->value : NAN;
	if (raw)
		*raw = k->has_value ? k->raw : NAN;
	return k->has_value;
}

/* Notices ---------------------------------------------------------------- */

static const char *notice_key(const huddle_notice *n)
{
	return n->key;
}

static const char *notice_kind(const huddle_notice *n)
{
	return n->kind;
}

static const char *notice_payload(const huddle_notice *n)
{
	return n->payload;
}

static int notice_attempts(const huddle_notice *n)
{
	return n->attempts;
}

/* Metric calls ------------------------------------------------------------ */

static int metric_kind(const huddle_metric_call *c)
{
	return c->kind;
}

static const char *metric_start(const huddle_metric_call *c)
{
	return c->engine->ctx[c->ctx].start;
}

static const char *metric_stop(const huddle_metric_call *c)
{
	return c->engine->ctx[c->ctx].stop;
}

static const char *metric_as_of(const huddle_metric_call *c)
{
	return c->engine->ctx[c->ctx].as_of_iso;
}

/* The connection rule SQL runs on: read-only (in a worker, the one it
 * opened after fork), hardened, and armed with sandbox.sql_ms while the
 * provider runs.  NULL only when it cannot be opened; the provider then
 * fails, and says so. */
static struct sqlite3 *metric_db(const huddle_metric_call *c)
{
	char msg[8];
	return hd_rule_sql_db(c->engine, msg, sizeof msg);
}

static int metric_set(huddle_metric_call *c, int64_t id, double value)
{
	if (!isfinite(value))
		return -1;
	const hd_idmap *m = c->kind == HUDDLE_REP ? &c->engine->subj.rep_ids : &c->engine->subj.team_ids;
	int i = hd_idmap_get(m, id);
	if (i < 0)
		return -1;
	c->values[i] = value;
	return 0;
}

/* The table ------------------------------------------------------------- */

const huddle_api hd_api = {
	.size = sizeof(huddle_api),
	.abi_major = HUDDLE_ABI_MAJOR,
	.abi_minor = HUDDLE_ABI_MINOR,
	.version = HUDDLE_VERSION,
	.fail = hd_papi_fail,
	.warn = hd_papi_warn,
	.config = hd_papi_config,
	.setting_member = hd_papi_setting_member,
	.setting_count = hd_papi_setting_count,
	.setting_at = hd_papi_setting_at,
	.setting_name = hd_papi_setting_name,
	.setting_type = hd_papi_setting_type,
	.setting_int = hd_papi_setting_int,
	.setting_float = hd_papi_setting_float,
	.setting_bool = hd_papi_setting_bool,
	.setting_string = hd_papi_setting_string,
	.setting_file = hd_papi_setting_file,
	.setting_line = hd_papi_setting_line,
	.config_path = hd_papi_config_path,
	.add_lua = hd_papi_add_lua,
	.add_metric = hd_papi_add_metric,
	.add_reporter = hd_papi_add_reporter,
	.add_importer = hd_papi_add_importer,
	.add_notifier = hd_papi_add_notifier,
	.metric_kind = metric_kind,
	.metric_start = metric_start,
	.metric_stop = metric_stop,
	.metric_as_of = metric_as_of,
	.metric_db = metric_db,
	.metric_set = metric_set,
	.result_period = result_period,
	.result_start = result_start,
	.result_stop = result_stop,
	.result_as_of = result_as_of,
	.result_run_id = result_run_id,
	.result_created_at = result_created_at,
	.result_rules_hash = result_rules_hash,
	.result_audience = result_audience,
	.result_count = result_count,
	.result_card = result_card,
	.result_previous = result_previous,
	.result_db = result_db,
	.card_kind = card_kind,
	.card_id = card_id,
	.card_name = card_name,
	.card_team = card_team,
	.card_score = card_score,
	.card_rank = card_rank,
	.card_team_rank = card_team_rank,
	.card_members = card_members,
	.card_count = card_count,
	.item_rule = item_rule,
	.item_text = item_text,
	.item_detail = item_detail,
	.component = component,
	.import_table = hd_import_table,
	.import_file = hd_import_file,
	.import_path = hd_import_path,
	.import_columns = hd_import_columns,
	.import_column = hd_import_column,
	.import_header = hd_import_header,
	.import_row = hd_import_row,
	.import_fail = hd_import_fail,
	.notice_key = notice_key,
	.notice_kind = notice_kind,
	.notice_payload = notice_payload,
	.notice_attempts = notice_attempts,
};
