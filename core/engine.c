/* engine.c - building an evaluation context and tearing it down. */
#include "engine.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

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
	free_ctx(e);
	hd_lua_close(&e->lua);
	hd_rules_free(&e->rules);
	hd_subjects_free(&e->subj);
}
