/*
 * plugin_lua.c - the Lua functions plugins register, as huddle.<plugin>.<name>.
 *
 * They run in the rules' own state, so the allocator (sandbox.memory_mb),
 * the instruction hook and the deadline hold for them as for any library
 * function.  Two things need the host's help:
 *  - a C function is one instruction to the count hook however long it
 *    loops, so each call is charged up front with the length of every
 *    table it is given: a helper over an array reads each element at
 *    least once, and a rule that calls it in a loop over a large array
 *    runs out of budget as if it had looped in Lua.  Plugins bound what
 *    remains (a sort's log factor) themselves; the worker's wall clock
 *    stops anything else;
 *  - huddle.* is shared by every rule, so each plugin's table is put
 *    into huddle while no rule runs, which makes it a read-only view
 *    like the rest of huddle (lsafe.h).
 */
#include <lauxlib.h>
#include <string.h>

#include "engine.h"
#include "plugin.h"

/* Calls the plugin's function (upvalue 1) on this very frame, after
 * charging its table arguments; upvalue 2 names it for limit errors. */
static int call_plugin(lua_State *L)
{
	lua_CFunction fn = lua_tocfunction(L, lua_upvalueindex(1));
	long long work = 1;
	for (int i = lua_gettop(L); i > 0; i--)
		if (lua_type(L, i) == LUA_TTABLE)
			work += (long long)lua_rawlen(L, i);
	hd_lua_charge(L, work, lua_tostring(L, lua_upvalueindex(2)));
	return fn(L);
}

/* Names of huddle's own that a plugin of the same name would hide;
 * period and as_of are set later, with each period. */
static int taken(lua_State *L, int huddle, const char *name)
{
	static const char *const own[] = {"period", "as_of", NULL};
	for (const char *const *o = own; *o; o++)
		if (!strcmp(*o, name))
			return 1;
	int t = lua_getfield(L, huddle, name);
	lua_pop(L, 1);
	return t != LUA_TNIL;
}

/* Pushes the table of plugin h's Lua functions. */
static void push_functions(lua_State *L, const hd_plugins *p, const huddle_host *h)
{
	lua_newtable(L);
	for (int i = 0; i < p->nregs; i++) {
		const hd_preg *r = &p->regs[i];
		if (r->type != HD_PREG_LUA || r->owner != h)
			continue;
		lua_pushcfunction(L, r->lua);
		lua_pushfstring(L, "huddle.%s.%s", h->name, r->name);
		lua_pushcclosure(L, call_plugin, 2);
		lua_setfield(L, -2, r->name);
	}
}

void hd_plugin_lua_install(hd_engine *e)
{
	/* huddle test builds an engine per eval{}: say it once. */
	static int warned;
	lua_State *L = e->lua.L;
	const hd_plugins *p = hd_plugins_get();
	lua_getglobal(L, "huddle");
	int huddle = lua_gettop(L);
	const huddle_host *done = NULL;
	for (int i = 0; i < p->nregs; i++) {
		const huddle_host *h = p->regs[i].owner;
		if (p->regs[i].type != HD_PREG_LUA || h == done || h->status != HD_PLUGIN_LOADED)
			continue;
		done = h; /* a plugin's registrations are next to each other */
		if (taken(L, huddle, h->name)) {
			if (!warned)
				hd_warn(
				    "plugin %s: its Lua functions are left out: huddle.%s is huddle's own; "
				    "rename the plugin",
				    h->name, h->name);
			continue;
		}
		push_functions(L, p, h);
		/* Through huddle's view, which lets the host write between rule
		 * calls and shows tables put into it as read-only views. */
		lua_setfield(L, huddle, h->name);
	}
	warned = 1;
	lua_pop(L, 1);
}
