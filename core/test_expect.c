/* test_expect.c - the expectations of rule tests (see test_expect.h). */
#include "test_expect.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32 /* of nested tables compared; deeper ones compare by identity */

#define MAX_SHOWN 160 /* characters of a table shown in a failure */

static void put(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, "%s", s);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends a description of the value at idx (absolute) to buf: numbers
 * in their shortest exact form, strings quoted, tables as Lua would write
 * them (array items in order, then fields by name), cut short when long. */
static void describe_into(lua_State *L, int idx, char *buf, size_t n, int depth)
{
	char tmp[64];
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		put(buf, n, "nil");
		return;
	case LUA_TBOOLEAN:
		put(buf, n, lua_toboolean(L, idx) ? "true" : "false");
		return;
	case LUA_TSTRING:
		put(buf, n, "\"");
		put(buf, n, lua_tostring(L, idx));
		put(buf, n, "\"");
		return;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			snprintf(tmp, sizeof tmp, "%lld", (long long)lua_tointeger(L, idx));
		} else {
			double v = lua_tonumber(L, idx);
			for (int digits = 15; digits <= 17;
			     digits++) { /* the shortest that reads back the same */
				snprintf(tmp, sizeof tmp, "%.*g", digits, v);
				if (strtod(tmp, NULL) == v)
					break;
			}
		}
		put(buf, n, tmp);
		return;
	case LUA_TTABLE:
		break;
	default:
		put(buf, n, luaL_typename(L, idx));
		return;
	}
	if (depth >= 3) {
		put(buf, n, "{...}");
		return;
	}
	lua_Integer items = 0;
	while (lua_rawgeti(L, idx, items + 1) != LUA_TNIL)
		items++;
	lua_pop(L, 1);
	const char *names[32];
	int nnames = 0, others = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && nnames < 32)
			names[nnames++] = lua_tostring(L, -1); /* the table holds the key */
		else if (!(lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 &&
		           lua_tointeger(L, -1) <= items))
			others++;
	}
	qsort(names, (size_t)nnames, sizeof *names, by_name);
	put(buf, n, items || nnames || others ? "{ " : "{}");
	int cut = others > 0;
	for (lua_Integer i = 1; i <= items && !(cut |= strlen(buf) >= MAX_SHOWN); i++) {
		lua_rawgeti(L, idx, i);
		describe_into(L, lua_gettop(L), buf, n, depth + 1);
		lua_pop(L, 1);
		put(buf, n, i < items || nnames || others ? ", " : "");
	}
	for (int i = 0; i < nnames && !(cut |= strlen(buf) >= MAX_SHOWN); i++) {
		put(buf, n, names[i]);
		put(buf, n, " = ");
		lua_getfield(L, idx, names[i]);
		describe_into(L, lua_gettop(L), buf, n, depth + 1);
		lua_pop(L, 1);
		put(buf, n, i + 1 < nnames || others ? ", " : "");
	}
	if (cut)
		put(buf, n, "...");
	if (items || nnames || others)
		put(buf, n, " }");
}

const char *hd_texpect_describe(lua_State *L, int idx)
{
	char buf[2048] = "";
	describe_into(L, lua_absindex(L, idx), buf, sizeof buf, 0);
	return lua_pushstring(L, buf);
}

/* Pushes ", called from FILE:LINE" when the failing expectation ran in a
 * helper: the outermost Lua function on the stack is the test itself. */
static void push_caller(lua_State *L)
{
	lua_Debug ar;
	int outer = 0;
	for (int level = 2; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "S", &ar) && !strcmp(ar.what, "Lua"))
			outer = level;
	if (outer && lua_getstack(L, outer, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
		lua_pushfstring(L, ", called from %s:%d", ar.short_src, ar.currentline);
	else
		lua_pushliteral(L, "");
}

/* Raises "file:line: headline[, called from ...]" and, when expected is
 * not NULL, the two values on lines of their own, aligned. */
static int failv(lua_State *L, const char *expected, const char *got, const char *fmt, va_list ap)
{
	int top = lua_gettop(L);
	luaL_where(L, 1);
	lua_pushvfstring(L, fmt, ap);
	push_caller(L);
	if (expected)
		lua_pushfstring(L, "\n       expected %s\n            got %s", expected, got);
	lua_concat(L, lua_gettop(L) - top);
	return lua_error(L);
}

int hd_texpect_fail(lua_State *L, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failv(L, NULL, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

static int fail_values(lua_State *L, const char *expected, const char *got, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failv(L, expected, got, fmt, ap);
	va_end(ap);
	return 0;
}

static int is_identifier(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

/* Appends the key at idx to a path like components[2].value. */
static void append_key(lua_State *L, int idx, char *path, size_t n)
{
	size_t len = strlen(path);
	if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx))
		snprintf(path + len, n - len, "[%lld]", (long long)lua_tointeger(L, idx));
	else if (lua_type(L, idx) == LUA_TSTRING && is_identifier(lua_tostring(L, idx)))
		snprintf(path + len, n - len, "%s%s", len ? "." : "", lua_tostring(L, idx));
	else if (lua_type(L, idx) == LUA_TSTRING)
		snprintf(path + len, n - len, "[\"%s\"]", lua_tostring(L, idx));
	else
		snprintf(path + len, n - len, "[%s]", luaL_typename(L, idx));
}

/* Whether the values at a (actual) and b (expected) are equal, tables by
 * content (raw, so no metamethod of a test's table runs).  If not, path
 * names the first difference and the two values that differ there are
 * pushed: actual, then expected. */
static int equal(lua_State *L, int a, int b, char *path, size_t n, int depth)
{
	if (lua_rawequal(L, a, b))
		return 1;
	if (lua_type(L, a) != LUA_TTABLE || lua_type(L, b) != LUA_TTABLE || depth >= MAX_DEPTH) {
		lua_pushvalue(L, a);
		lua_pushvalue(L, b);
		return 0;
	}
	size_t len = strlen(path);
	int base = lua_gettop(L);
	/* The keys of the actual table, then those only the expected one has. */
	for (int pass = 0; pass < 2; pass++) {
		int t = pass ? b : a, other = pass ? a : b;
		lua_pushnil(L);
		while (lua_next(L, t)) {
			lua_pushvalue(L, -2);
			lua_rawget(L, other); /* stack: key value other's */
			if (pass && !lua_isnil(L, -1)) {
				lua_pop(L, 2); /* compared in the first pass */
				continue;
			}
			append_key(L, -3, path, n);
			int top = lua_gettop(L);
			if (!equal(L, pass ? top : top - 1, pass ? top - 1 : top, path, n, depth + 1)) {
				lua_copy(L, -2, base + 1);
				lua_copy(L, -1, base + 2);
				lua_settop(L, base + 2);
				return 0;
			}
			path[len] = 0;
			lua_pop(L, 2);
		}
	}
	return 1;
}

static int l_expect_eq(lua_State *L)
{
	lua_settop(L, 2);
	char path[512] = "";
	if (equal(L, 1, 2, path, sizeof path, 0))
		return 0;
	int top = lua_gettop(L); /* stack: ... actual expected, where they differ */
	const char *expected = hd_texpect_describe(L, top);
	const char *got = hd_texpect_describe(L, top - 1);
	if (path[0])
		return fail_values(L, expected, got, "expect_eq: %s differs", path);
	return fail_values(L, expected, got, "expect_eq");
}

static int l_expect_near(lua_State *L)
{
	double tol = luaL_optnumber(L, 3, 1e-9);
	lua_settop(L, 3);
	int numbers = lua_type(L, 1) == LUA_TNUMBER && lua_type(L, 2) == LUA_TNUMBER;
	double diff = numbers ? fabs(lua_tonumber(L, 1) - lua_tonumber(L, 2)) : 0;
	if (numbers && diff <= tol)
		return 0;
	char t[32], off[64] = ""; /* lua_pushfstring has no %g */
	snprintf(t, sizeof t, "%g", tol);
	if (numbers)
		snprintf(off, sizeof off, " (off by %g)", diff);
	const char *expected = lua_pushfstring(L, "%s, within %s", hd_texpect_describe(L, 2), t);
	const char *got = lua_pushfstring(L, "%s%s", hd_texpect_describe(L, 1), off);
	return fail_values(L, expected, got, "expect_near");
}

static int l_expect_true(lua_State *L)
{
	if (!lua_toboolean(L, 1))
		return fail_values(L, "a true value", hd_texpect_describe(L, 1), "expect_true");
	return 0;
}

static int l_expect_false(lua_State *L)
{
	if (lua_toboolean(L, 1))
		return fail_values(L, "false or nil", hd_texpect_describe(L, 1), "expect_false");
	return 0;
}

static int l_expect_nil(lua_State *L)
{
	if (!lua_isnoneornil(L, 1))
		return fail_values(L, "nil", hd_texpect_describe(L, 1), "expect_nil");
	return 0;
}

void hd_texpect_install(lua_State *L)
{
	static const luaL_Reg fns[] = {{"expect_eq", l_expect_eq},     {"expect_near", l_expect_near},
	                               {"expect_true", l_expect_true}, {"expect_false", l_expect_false},
	                               {"expect_nil", l_expect_nil},   {NULL, NULL}};
	lua_pushglobaltable(L);
	luaL_setfuncs(L, fns, 0);
	lua_pop(L, 1);
}
