/* template.c - ${x} in recognition messages and coaching advice. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"
#include "lsafe.h"

/* Pushes a value formatted for people: integers without decimals, other
 * numbers to two places, nil as "-", a team by its name. */
static void push_formatted(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER: {
		double v = lua_tonumber(L, idx);
		if (v == floor(v) && fabs(v) < 1e15)
			lua_pushfstring(L, "%I", (lua_Integer)v);
		else {
			char num[64];
			snprintf(num, sizeof num, "%.2f", v);
			lua_pushstring(L, num);
		}
		break;
	}
	case LUA_TSTRING:
		lua_pushvalue(L, idx);
		break;
	case LUA_TBOOLEAN:
		lua_pushstring(L, lua_toboolean(L, idx) ? "yes" : "no");
		break;
	case LUA_TTABLE:
		if (lua_getfield(L, idx, "name") != LUA_TSTRING) {
			lua_pop(L, 1);
			lua_pushliteral(L, "-");
		}
		break;
	default:
		lua_pushliteral(L, "-");
	}
}

/* Fields every subject may have; one that is absent (a rep with no
 * assessment has no top_strength) reads as "-", not as an error. */
int hd_template_known_field(const char *k)
{
	static const char *const fields[] = { "id",	  "name",	  "email",     "role",	     "hired_on",
					      "tenure_days", "strengths", "top_strength", "team", "team_name",
					      "manager",  "department", "members",   NULL };
	for (const char *const *f = fields; *f; f++)
		if (!strcmp(*f, k))
			return 1;
	return 0;
}

/* Arguments: template, subject, view; upvalue 1: the engine. */
int hd_template_expand(lua_State *L)
{
	hd_engine *e = lua_touserdata(L, lua_upvalueindex(1));
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len), *end = s + len;
	hd_kind kind;
	hd_metrics_view_ctx(L, 3, &kind);
	/* The subject's fields are read raw (a team's methods are no fields),
	 * from the object behind its read-only view. */
	if (hd_lsafe_push_real(L, 2) == LUA_TTABLE)
		lua_replace(L, 2);
	else
		lua_pop(L, 1);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	while (s < end) {
		const char *open = strstr(s, "${");
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			luaL_addlstring(&b, s, (size_t)(end - s));
			break;
		}
		luaL_addlstring(&b, s, (size_t)(open - s));
		lua_pushlstring(L, open + 2, (size_t)(close - open - 2)); /* the key */
		int key = lua_gettop(L);
		lua_pushvalue(L, key);
		if (lua_rawget(L, 2) == LUA_TNIL && !hd_template_known_field(lua_tostring(L, key))) {
			lua_pop(L, 1);
			hd_metric_lookup(e, lua_tostring(L, key), kind);
			lua_pushvalue(L, key);
			lua_gettable(L, 3); /* the view reads the metric */
		}
		push_formatted(L, -1);
		lua_replace(L, key);
		lua_pop(L, 1); /* balanced again, with the text on top */
		luaL_addvalue(&b);
		s = close + 1;
	}
	luaL_pushresult(&b);
	return 1;
}
