/* lhost.c - the sandboxed Lua state, its limits and its protected call. */
#include "lhost.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_STEP 1000 /* instructions between two looks at the clock */

double hd_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

hd_lua *hd_lua_of(lua_State *L)
{
	return *(hd_lua **)lua_getextraspace(L);
}

/* Refuses growth past the cap; a shrink never fails, since Lua's
 * shrinking paths cannot handle it. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	hd_lua *h = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		h->mem_used -= old;
		return NULL;
	}
	if (nsize > old && h->mem_used + (nsize - old) > h->mem_limit)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p)
		h->mem_used = h->mem_used - old + nsize;
	return p;
}

static int panic(lua_State *L)
{
	const char *m = lua_tostring(L, -1);
	fprintf(stderr, "huddle: internal error: unprotected Lua error: %s\n", m ? m : "?");
	exit(4);
}

/* Once a limit is hit the hook fires on every instruction, so a rule
 * cannot swallow the error with pcall and carry on. */
static void hook(lua_State *L, lua_Debug *ar)
{
	hd_lua *h = hd_lua_of(L);
	(void)ar;
	if (!h->killed) {
		h->left -= HOOK_STEP;
		if (h->left <= 0)
			h->killed = HD_LUA_KILLED_BUDGET;
		else if (hd_now() > h->deadline)
			h->killed = HD_LUA_KILLED_TIME;
		else
			return;
		lua_sethook(L, hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, h->killed == HD_LUA_KILLED_BUDGET ? "instruction budget exceeded"
							 : "time limit exceeded");
}

static void arm(hd_lua *h)
{
	h->killed = 0;
	h->left = h->budget;
	h->deadline = hd_now() + h->time_ms / 1000.0;
	lua_sethook(h->L, hook, LUA_MASKCOUNT, HOOK_STEP);
}

void hd_lua_pause(hd_lua *h, double seconds)
{
	h->deadline += seconds;
}

/* Message handler: notes the innermost Lua position without allocating
 * (it also runs for memory errors) and passes the error on unchanged. */
static int msgh(lua_State *L)
{
	hd_lua *h = hd_lua_of(L);
	lua_Debug ar;
	h->where[0] = 0;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(h->where, sizeof h->where, "%s:%d", ar.short_src, ar.currentline);
			break;
		}
	}
	return 1;
}

/* Splits "file.lua:12: message" into where and message. */
static void split_error(const char *s, const char *fallback_where, hd_lua_error *e)
{
	const char *p = strstr(s, ".lua:");
	if (p && p - s < (ptrdiff_t)sizeof e->where && !memchr(s, ' ', (size_t)(p - s))) {
		const char *q = p + 5;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q > p + 5 && q[0] == ':' && q[1] == ' ') {
			snprintf(e->where, sizeof e->where, "%.*s", (int)(q - s), s);
			snprintf(e->message, sizeof e->message, "%s", q + 2);
			return;
		}
	}
	snprintf(e->where, sizeof e->where, "%s", fallback_where);
	snprintf(e->message, sizeof e->message, "%s", s);
}

static int finish(hd_lua *h, int status, hd_lua_error *e)
{
	lua_State *L = h->L;
	if (status == LUA_OK)
		return 0;
	if (e) {
		char buf[160];
		const char *msg;
		if (h->killed == HD_LUA_KILLED_BUDGET) {
			snprintf(buf, sizeof buf, "instruction budget of %lld exceeded (sandbox.instructions)",
				 h->budget);
			msg = buf;
		} else if (h->killed == HD_LUA_KILLED_TIME) {
			snprintf(buf, sizeof buf, "time limit of %d ms exceeded (sandbox.time_ms)", h->time_ms);
			msg = buf;
		} else if (status == LUA_ERRMEM) {
			snprintf(buf, sizeof buf, "memory limit of %zu MB exceeded (sandbox.memory_mb)",
				 h->mem_limit >> 20);
			msg = buf;
		} else if (lua_type(L, -1) == LUA_TSTRING) {
			msg = lua_tostring(L, -1);
		} else {
			snprintf(buf, sizeof buf, "error object is a %s value", luaL_typename(L, -1));
			msg = buf;
		}
		if (h->killed || status == LUA_ERRMEM)
			snprintf(e->where, sizeof e->where, "%s", h->where),
				snprintf(e->message, sizeof e->message, "%s", msg);
		else
			split_error(msg, h->where, e);
	}
	lua_pop(L, 1);
	return -1;
}

int hd_lua_call_nested(hd_lua *h, int nargs, int nresults, hd_lua_error *e)
{
	lua_State *L = h->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	int status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return finish(h, status, e);
}

int hd_lua_call(hd_lua *h, int nargs, int nresults, hd_lua_error *e)
{
	arm(h);
	int rc = hd_lua_call_nested(h, nargs, nresults, e);
	lua_sethook(h->L, NULL, 0, 0);
	return rc;
}

int hd_lua_loadfile(hd_lua *h, const char *path, hd_lua_error *e)
{
	int status = luaL_loadfilex(h->L, path, "t");
	if (status == LUA_OK)
		return 0;
	h->where[0] = 0;
	h->killed = 0;
	return finish(h, status, e);
}

/* load() for text chunks only: a binary chunk can crash Lua 5.4.4. */
static int l_load(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	const char *name = luaL_optstring(L, 2, "=(load)");
	int has_env = !lua_isnone(L, 4);
	if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (has_env) {
		lua_pushvalue(L, 4);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

static int l_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "count");
	if (strcmp(opt, "count"))
		return luaL_error(L, "collectgarbage: only \"count\" is available to rules");
	int k = lua_gc(L, LUA_GCCOUNT, 0), b = lua_gc(L, LUA_GCCOUNTB, 0);
	lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
	return 1;
}

/* setmetatable copies only the allowed metamethods into a fresh table:
 * __gc runs without hooks, and __mode, __close and __concat reach bugs of
 * Debian's Lua 5.4.4. */
static int l_setmetatable(lua_State *L)
{
	static const char *const allowed[] = {
		"__index", "__newindex", "__call", "__tostring", "__len", "__eq", "__lt", "__le",
		"__unm",   "__add",	 "__sub",  "__mul",	 "__div", "__mod", "__pow", "__idiv",
		"__band",  "__bor",	 "__bxor", "__shl",	 "__shr", "__bnot", "__name", NULL
	};
	luaL_checktype(L, 1, LUA_TTABLE);
	int t = lua_type(L, 2);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (t == LUA_TNIL) {
		lua_settop(L, 1);
		lua_pushnil(L);
		lua_setmetatable(L, 1);
		return 1;
	}
	lua_newtable(L); /* stack: t mt copy */
	for (const char *const *k = allowed; *k; k++) {
		lua_getfield(L, 2, *k);
		lua_setfield(L, 3, *k);
	}
	lua_getfield(L, 2, "__metatable");
	lua_setfield(L, 3, "__metatable");
	lua_setmetatable(L, 1);
	lua_settop(L, 1);
	return 1;
}

static int l_print(lua_State *L)
{
	int n = lua_gettop(L);
	fputs("huddle: rule: ", stderr);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		fprintf(stderr, "%s%.*s", i > 1 ? "\t" : "", (int)(len > 4096 ? 4096 : len), s);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	return 0;
}

/* Builds the global environment under lua_pcall: any allocation there
 * can raise, and an unprotected raise aborts. */
static int setup(lua_State *L)
{
	static const luaL_Reg libs[] = { { LUA_GNAME, luaopen_base },	    { LUA_STRLIBNAME, luaopen_string },
					 { LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
					 { LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_OSLIBNAME, luaopen_os },
					 { NULL, NULL } };
	for (const luaL_Reg *l = libs; l->func; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	static const char *const removed[] = { "dofile", "loadfile", "require", "warn", NULL };
	for (const char *const *k = removed; *k; k++) {
		lua_pushnil(L);
		lua_setglobal(L, *k);
	}
	lua_pushcfunction(L, l_load);
	lua_setglobal(L, "load");
	lua_pushcfunction(L, l_collectgarbage);
	lua_setglobal(L, "collectgarbage");
	lua_pushcfunction(L, l_setmetatable);
	lua_setglobal(L, "setmetatable");
	lua_pushcfunction(L, l_print);
	lua_setglobal(L, "print");

	/* os: only time, date, clock and difftime, in a fresh table. */
	lua_getglobal(L, LUA_OSLIBNAME);
	lua_newtable(L); /* stack: os safe */
	static const char *const os_keep[] = { "time", "date", "clock", "difftime", NULL };
	for (const char *const *k = os_keep; *k; k++) {
		lua_getfield(L, -2, *k);
		lua_setfield(L, -2, *k);
	}
	lua_setglobal(L, LUA_OSLIBNAME);
	lua_pop(L, 1);

	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);

	/* Nothing opened stays reachable through package.loaded. */
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

	/* Hide the string metatable from getmetatable(""). */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	return 0;
}

int hd_lua_open(hd_lua *h, long long instructions, int time_ms, int memory_mb, hd_err *err)
{
	memset(h, 0, sizeof *h);
	h->budget = instructions;
	h->time_ms = time_ms;
	h->mem_limit = (size_t)memory_mb << 20;
	h->L = lua_newstate(capped_alloc, h);
	if (!h->L)
		return hd_err_nomem(err);
	*(hd_lua **)lua_getextraspace(h->L) = h;
	lua_atpanic(h->L, panic);
	lua_pushcfunction(h->L, setup);
	if (lua_pcall(h->L, 0, 0, 0) != LUA_OK) {
		hd_err_set(err, HD_EIO, "cannot build the Lua sandbox: %s", lua_tostring(h->L, -1));
		hd_lua_close(h);
		return HD_EIO;
	}
	return 0;
}

void hd_lua_close(hd_lua *h)
{
	if (h->L)
		lua_close(h->L);
	h->L = NULL;
}
