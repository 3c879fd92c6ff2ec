/*
 * pattern_diff.c - the sandbox's pattern matcher (core/lsafe.c) against
 * stock Lua 5.4's string library: find, match, gmatch and gsub over
 * generated patterns and subjects, malformed patterns included, must
 * give the same results and the same error messages.
 *
 * usage: pattern_diff [cases] [seed]; exits 1 on the first mismatches.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhost.h"

/* Runs one case and returns what happened as one string: the results
 * (type:value|...) or "error:" and the message. */
static const char runner[] =
    "local function ser(ok, ...)\n"
    "  local t = { ok and 'ok' or 'error' }\n"
    "  for i = 1, select('#', ...) do local v = select(i, ...)\n"
    "    t[#t + 1] = type(v) .. ':' .. (type(v) == 'table' and 'table' or tostring(v)) end\n"
    "  return table.concat(t, '|')\n"
    "end\n"
    "local repl = { a = 'A', ab = false, b = 1 }\n"
    "local function fn(c, ...) if c == 'b' then return false end return '{' .. tostring(c) .. '}' end\n"
    "return function(kind, s, p, init, r)\n"
    "  if kind == 'find' then return ser(pcall(string.find, s, p, init, r == 'plain'))\n"
    "  elseif kind == 'match' then return ser(pcall(string.match, s, p, init))\n"
    "  elseif kind == 'gmatch' then return ser(pcall(function()\n"
    "      local out = {} for a, b in string.gmatch(s, p, init) do out[#out + 1] = tostring(a) .. ',' .. "
    "tostring(b)\n"
    "        if #out > 50 then break end end\n"
    "      return table.concat(out, ';') end))\n"
    "  elseif r == 'table' then return ser(pcall(string.gsub, s, p, repl, init))\n"
    "  elseif r == 'function' then return ser(pcall(string.gsub, s, p, fn, init))\n"
    "  else return ser(pcall(string.gsub, s, p, r, init)) end\n"
    "end\n";

static unsigned long long rng = 88172645463325252ULL;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void gen_pattern(char *out, size_t cap)
{
	static const char *const items[] = {
	    "a",      "b",      "x",    ".",    "%a",    "%d",    "%s",  "%w",    "%A",   "%S",
	    "%%",     "%.",     "[ab]", "[^a]", "[a-c]", "[%d_]", "[]]", "[^]a]", "[a-]", "%b()",
	    "%f[%w]", "%f[%W]", "()",   "%1",   "%2",    "%z",    " ",   "1",     "\\0"};
	static const char *const quant[] = {"", "", "", "*", "+", "-", "?"};
	static const char *const broken[] = {"[", "%", "(", ")", "%b", "%f", "%f[", "[a", "%9", "[%"};
	size_t n = 0;
	out[0] = 0;
	if (pick(4) == 0)
		n += (size_t)snprintf(out + n, cap - n, "^");
	int items_n = (int)pick(6);
	int open = 0;
	for (int i = 0; i < items_n && n + 16 < cap; i++) {
		int k = (int)pick(10);
		if (k == 0 && open < 3) {
			n += (size_t)snprintf(out + n, cap - n, "(");
			open++;
		} else if (k == 1 && open) {
			n += (size_t)snprintf(out + n, cap - n, ")");
			open--;
		} else {
			const char *it = items[pick(sizeof items / sizeof *items)];
			if (!strcmp(it, "\\0"))
				it = "\x01"; /* stands for a NUL, swapped below */
			n += (size_t)snprintf(out + n, cap - n, "%s", it);
			if (strlen(it) <= 4 && it[0] != '(' && strncmp(it, "%b", 2) && strncmp(it, "%f", 2) &&
			    it[1] != '1' && it[1] != '2')
				n += (size_t)snprintf(out + n, cap - n, "%s",
				                      quant[pick(sizeof quant / sizeof *quant)]);
		}
	}
	while (open-- > 0 && pick(3))
		n += (size_t)snprintf(out + n, cap - n, ")");
	if (pick(5) == 0)
		n += (size_t)snprintf(out + n, cap - n, "$");
	if (pick(30) == 0)
		snprintf(out + n, cap - n, "%s", broken[pick(sizeof broken / sizeof *broken)]);
}

static void gen_subject(char *out, size_t cap)
{
	static const char alphabet[] = "aabbx1 _()x[]%.\x01Z";
	size_t len = pick(14);
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[pick(sizeof alphabet - 1)];
	out[len] = 0;
}

/* Pushes s with byte 1 turned into NUL. */
static void push_bytes(lua_State *L, const char *s)
{
	char buf[256];
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] == '\x01' ? 0 : s[i];
	lua_pushlstring(L, buf, n);
}

static int push_case(lua_State *L, int fn, const char *kind, const char *s, const char *p, int init,
                     const char *r)
{
	lua_pushvalue(L, fn);
	lua_pushstring(L, kind);
	push_bytes(L, s);
	push_bytes(L, p);
	if (init == 99)
		lua_pushnil(L);
	else
		lua_pushinteger(L, init);
	lua_pushstring(L, r);
	return 5;
}

int main(int argc, char **argv)
{
	long cases = argc > 1 ? atol(argv[1]) : 200000;
	if (argc > 2)
		rng ^= strtoull(argv[2], NULL, 10) * 2654435761ULL;
	lua_State *stock = luaL_newstate();
	luaL_openlibs(stock);
	hd_lua h;
	hd_err err;
	if (hd_lua_open(&h, 1000000000000LL, 600000, 256, &err)) {
		fprintf(stderr, "pattern_diff: %s\n", err.msg);
		return 2;
	}
	hd_lua_error le;
	if (luaL_loadstring(stock, runner) || lua_pcall(stock, 0, 1, 0) || luaL_loadstring(h.L, runner) ||
	    hd_lua_call(&h, 0, 1, &le)) {
		fprintf(stderr, "pattern_diff: cannot load the runner\n");
		return 2;
	}
	static const char *const kinds[] = {"find", "match", "gmatch", "gsub"};
	static const char *const repls[] = {"<%0>", "%1", "x%%", "%2", "%", "table", "function", "plain", ""};
	int bad = 0;
	for (long i = 0; i < cases && bad < 20; i++) {
		char p[128], s[32];
		gen_pattern(p, sizeof p);
		gen_subject(s, sizeof s);
		const char *kind = kinds[pick(4)];
		const char *r = repls[pick(sizeof repls / sizeof *repls)];
		int init = pick(3) ? 99 : (int)pick(20) - 8;
		lua_settop(stock, 1);
		lua_settop(h.L, 1);
		lua_pcall(stock, push_case(stock, 1, kind, s, p, init, r), 1, 0);
		int rc = hd_lua_call(&h, push_case(h.L, 1, kind, s, p, init, r), 1, &le);
		const char *want = lua_tostring(stock, -1);
		const char *got = rc ? le.message : lua_tostring(h.L, -1);
		if (getenv("PATTERN_DIFF_SHOW") && i < 40)
			printf("%s(\"%s\", \"%s\") -> %s\n", kind, s, p, want ? want : "(null)");
		if (!want || !got || strcmp(want, got)) {
			printf("case %ld: %s(\"%s\", \"%s\", %d, \"%s\")\n  stock:   %s\n  sandbox: %s\n", i,
			       kind, s, p, init, r, want ? want : "(null)", got ? got : "(null)");
			bad++;
		}
	}
	hd_lua_close(&h);
	lua_close(stock);
	printf("%ld cases, %d mismatches\n", cases, bad);
	return bad ? 1 : 0;
}
