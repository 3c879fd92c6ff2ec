/*
 * interpose.c - a plugin that exports functions of the C library, SQLite
 * and Lua under their own names (SANDBOX-CHECKLIST.md row P4).  Loaded
 * RTLD_LOCAL, none of them may ever answer for the real ones, not for
 * huddle and not even for this plugin's own calls: each marks (marker.h)
 * and aborts if it is ever called.  huddle.interpose.echo(s) returns s
 * through lua_pushstring, which must be Lua's.
 */
#include <huddle/plugin.h>

#include <lauxlib.h>
#include <stdlib.h>

#include "marker.h"

struct sqlite3;

HUDDLE_EXPORT void *malloc(size_t n);
HUDDLE_EXPORT int sqlite3_open_v2(const char *file, struct sqlite3 **db, int flags, const char *vfs);
HUDDLE_EXPORT const char *lua_pushstring(lua_State *L, const char *s);

void *malloc(size_t n)
{
	(void)n;
	mark("interpose", "malloc");
	abort();
}

int sqlite3_open_v2(const char *file, struct sqlite3 **db, int flags, const char *vfs)
{
	(void)file, (void)db, (void)flags, (void)vfs;
	mark("interpose", "sqlite3_open_v2");
	abort();
}

const char *lua_pushstring(lua_State *L, const char *s)
{
	(void)L, (void)s;
	mark("interpose", "lua_pushstring");
	abort();
}

static int l_echo(lua_State *L)
{
	lua_pushstring(L, luaL_checkstring(L, 1));
	return 1;
}

static int init(huddle_host *h, const huddle_api *api)
{
	return api->add_lua(h, "echo", l_echo, "returns its argument through lua_pushstring");
}

HUDDLE_PLUGIN("interpose", "1.0.0", "exports malloc, sqlite3_open_v2 and lua_pushstring", init, NULL);
