/*
 * fuzz_pattern.c - the sandbox's own Lua pattern matcher (lsafe.c) against
 * Lua 5.4's: string.find, match, gmatch and gsub must give the same
 * results and fail on the same patterns, with the same message.
 *
 * Input: byte 0 picks the call, byte 1 its third argument (init, or the
 * most replacements for gsub), byte 2 the pattern's length; the pattern
 * follows, then the subject.  The call runs first in the sandbox (a rule's
 * limits); only if it ends within them does it run in a plain state, since
 * the stock matcher has no bound (a backtracking bomb would hang it).
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "lhost.h"

#define MAX_PATTERN 48
#define MAX_SUBJECT 512

/* Runs one call and returns what it gave as one string: each value as
 * type:value, or the error message. */
static const char probe[] =
    "local op, s, p, n = ...\n"
    "local function show(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    out[i] = type(v) .. ':' .. tostring(v)\n"
    "  end\n"
    "  return table.concat(out, '|')\n"
    "end\n"
    "if op == 0 then return show(string.find(s, p, n))\n"
    "elseif op == 1 then return show(string.find(s, p, n, true))\n"
    "elseif op == 2 then return show(string.match(s, p, n))\n"
    "elseif op == 3 then\n"
    "  local out, k = {}, 0\n"
    "  for a, b in string.gmatch(s, p, n) do\n"
    "    k = k + 1\n"
    "    if k > 64 then break end\n"
    "    out[k] = show(a, b)\n"
    "  end\n"
    "  return table.concat(out, ';')\n"
    "elseif op == 4 then return show(string.gsub(s, p, '<%0>', n))\n"
    "elseif op == 5 then return show(string.gsub(s, p, '%1%%'))\n"
    "elseif op == 6 then return show(string.gsub(s, p, function(...) return select('#', ...) end))\n"
    "else return show(string.gsub(s, p, { a = 'A', [''] = false }, n)) end\n";

static hd_lua sandbox;
static lua_State *stock;

/* Pushes the probe and its arguments; returns 0, or -1 if it did not load. */
static int push_probe(lua_State *L, int op, const char *s, size_t ls, const char *p, size_t lp, int n)
{
	if (luaL_loadbufferx(L, probe, sizeof probe - 1, "=probe", "t") != LUA_OK)
		return -1;
	lua_pushinteger(L, op);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_pushinteger(L, n);
	return 0;
}

static void setup(void)
{
	hd_err err;
	/* A rule's default limits, so the bound is the one rules run under. */
	if (hd_lua_open(&sandbox, 1000000, 1000, 16, &err)) {
		fprintf(stderr, "fuzz_pattern: %s\n", err.msg);
		abort();
	}
	stock = luaL_newstate();
	luaL_openlibs(stock);
}

static void differ(const char *what, const char *sandboxed, const char *lua)
{
	fprintf(stderr, "fuzz_pattern: %s\n  sandbox: %s\n  Lua 5.4: %s\n", what, sandboxed, lua);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3 || data[2] > MAX_PATTERN || size - 3 < data[2] || size - 3 - data[2] > MAX_SUBJECT)
		return 0;
	if (!stock)
		setup();
	int op = data[0] % 8, n = (int8_t)data[1];
	const char *p = (const char *)data + 3, *s = p + data[2];
	size_t lp = data[2], ls = size - 3 - lp;
	if (op == 3 && n < 0) /* gmatch from the end: same in both, but rarely useful */
		n = -n;

	lua_State *L = sandbox.L;
	hd_lua_error le;
	if (push_probe(L, op, s, ls, p, lp, n))
		abort();
	int bad = hd_lua_call(&sandbox, 4, 1, &le) != 0;
	if (bad && sandbox.killed)
		return 0; /* past the rule's limits: Lua's matcher would run on */
	char *mine = hd_xstrdup(bad ? le.message : lua_tostring(L, -1));
	if (!bad)
		lua_pop(L, 1);

	if (push_probe(stock, op, s, ls, p, lp, n))
		abort();
	int stock_bad = lua_pcall(stock, 4, 1, 0) != LUA_OK;
	const char *theirs = lua_tostring(stock, -1);
	if (bad != stock_bad)
		differ(bad ? "only the sandbox failed" : "only Lua failed", mine, theirs ? theirs : "?");
	if (strcmp(mine, theirs ? theirs : ""))
		differ(bad ? "different errors" : "different results", mine, theirs ? theirs : "?");
	lua_pop(stock, 1);
	free(mine);
	return 0;
}
