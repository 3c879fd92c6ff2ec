/* engine.c - building an evaluation context and tearing it down. */
#include "engine.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

/* A plugin whose functions or metrics rules can read is part of what
 * the results depend on: its name and version go into the rules hash
 * (a new reporter or notifier changes no result). */
static void hash_plugins(hd_rules *r)
{
	const hd_plugins *p = hd_plugins_get();
	const huddle_host *last = NULL;
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *g = &p->regs[i];
		if ((g->type != HD_PREG_LUA && g->type != HD_PREG_METRIC) || g->owner == last ||
		    g->owner->status != HD_PLUGIN_LOADED)
			continue;
		last = g->owner;
		hd_rules_hash(r, last->name, strlen(last->name) + 1);
		hd_rules_hash(r, last->version, strlen(last->version) + 1);
	}
}

int hd_engine_open(hd_engine *e, const hd_config *cfg, sqlite3 *db, const hd_strv *extra_rules, hd_err *err)
{
	memset(e, 0, sizeof *e);
	e->cfg = cfg;
	e->db = db;
	e->trace_subject = -1;
	if (hd_lua_open(&e->lua, cfg->sb_instructions, cfg->sb_time_ms, cfg->sb_memory_mb, err))
		return err->code;
	hd_rules_install(&e->rules, &e->lua);
	hd_metrics_install(e);
	hd_lapi_install(e);
	hd_plugin_lua_install(e);
	hd_metrics_add_plugins(e);
	hash_plugins(&e->rules);
	if (hd_rules_load(&e->rules, &e->lua, &cfg->scripts, err))
		return err->code;
	if (extra_rules && hd_rules_load(&e->rules, &e->lua, extra_rules, err))
		return err->code;
	hd_rules_configure(&e->rules, cfg);

	lua_State *L = e->lua.L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->names_ref);
	for (int i = 0; i < e->rules.nmetrics; i++) {
		lua_pushinteger(L, i);
		lua_setfield(L, -2, e->rules.metrics[i].name);
	}
	lua_pop(L, 1);
	return 0;
}

static void free_ctx(hd_engine *e)
{
	for (int c = 0; c < e->nctx; c++) {
		for (int i = 0; i < e->rules.nmetrics; i++) {
			free(e->ctx[c].values[i]);
			free(e->ctx[c].state[i]);
			free(e->ctx[c].failed[i]);
		}
		free(e->ctx[c].values);
		free(e->ctx[c].state);
		free(e->ctx[c].failed);
	}
	memset(e->ctx, 0, sizeof e->ctx);
	e->nctx = 0;
}

int hd_engine_prepare(hd_engine *e, const hd_period *p, int as_of, hd_err *err)
{
	free_ctx(e);
	hd_subjects_free(&e->subj);
	/* Rule calls the watchdog stopped are remembered by subject index,
	 * which is another subject in another period. */
	free(e->skips);
	e->skips = NULL;
	e->nskips = 0;
	free(e->mfails);
	e->mfails = NULL;
	e->nmfails = 0;
	hd_pctx *c = &e->ctx[0];
	c->period = *p;
	c->as_of = as_of;
	hd_date_format(p->start, c->start);
	hd_date_format(p->stop, c->stop);
	hd_date_format(as_of, c->as_of_iso);
	c->values = hd_xcalloc((size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1), sizeof *c->values);
	c->state = hd_xcalloc((size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1), sizeof *c->state);
	c->failed = hd_xcalloc((size_t)(e->rules.nmetrics ? e->rules.nmetrics : 1), sizeof *c->failed);
	e->nctx = 1;
	if (e->lua.L)
		hd_lapi_set_period(e);
	return hd_subjects_load(&e->subj, e->db, c->stop, c->as_of_iso, err);
}

void hd_engine_close(hd_engine *e)
{
	free(e->skips);
	e->skips = NULL;
	free(e->mfails);
	e->mfails = NULL;
	free_ctx(e);
	hd_lua_close(&e->lua);
	hd_rules_free(&e->rules);
	hd_subjects_free(&e->subj);
}
