/* lsafe.c - bounded, address-free replacements for standard Lua functions.
 *
 * The pattern functions run our own matcher for Lua patterns: the same
 * language and results as Lua 5.4's, but every step is counted and
 * charged to the rule call, so a backtracking bomb ends at the rule's
 * instruction budget or deadline instead of running for minutes.  The
 * table functions that loop in C charge one unit per element; plain
 * searches and string scans one unit per HD_BYTES_PER_UNIT bytes.
 */
#define _GNU_SOURCE /* memmem */
#include "lsafe.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "lhost.h"

#define BYTES_PER_UNIT 64                /* bytes scanned or copied per unit charged */
#define MATCH_DEPTH    200               /* pattern recursion, as Lua's own limit */
#define STEP_SLICE     1024              /* matcher steps charged at once */
#define SCAN_SLICE     ((size_t)1 << 16) /* search starts tried per charge */
#define MAX_CHUNK      ((size_t)1 << 20) /* bytes of text load() compiles */
#define MAX_CAPTURES   32                /* as Lua's LUA_MAXCAPTURES */
#define SPECIALS       "^$*+?.([%-"
#define RO_VIEW        "huddle.ro.view" /* registry: table -> its read-only view */

/* Lua patterns ------------------------------------------------------- */

enum { CAP_OPEN = -1, CAP_POSITION = -2 };

typedef struct matcher {
	lua_State *L;
	const char *what;       /* "string.find", for limit messages */
	const char *s0, *s_end; /* the subject */
	const char *p_end;      /* the end of the pattern */
	int depth;              /* recursion left */
	int ncap;
	int steps; /* not yet charged */
	struct {
		const char *at;
		ptrdiff_t len; /* or CAP_OPEN, CAP_POSITION */
	} cap[MAX_CAPTURES];
} matcher;

static void step(matcher *m, int n)
{
	if ((m->steps += n) >= STEP_SLICE) {
		hd_lua_charge(m->L, m->steps, m->what);
		m->steps = 0;
	}
}

static void matcher_init(matcher *m, lua_State *L, const char *what, const char *s, size_t ls, const char *p,
                         size_t lp)
{
	m->L = L;
	m->what = what;
	m->s0 = s;
	m->s_end = s + ls;
	m->p_end = p + lp;
	m->steps = 0;
}

static void matcher_reset(matcher *m)
{
	m->ncap = 0;
	m->depth = MATCH_DEPTH;
}

/* Past the single-character class at p: a character, %x or a [set].
 * Lua strings end in a NUL, so looking one past p_end is safe. */
static const char *class_end(matcher *m, const char *p)
{
	if (*p == '%') {
		if (p + 1 >= m->p_end)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 2;
	}
	if (*p++ != '[')
		return p;
	if (*p == '^')
		p++;
	do { /* the first member may be ']' itself */
		if (p >= m->p_end)
			luaL_error(m->L, "malformed pattern (missing ']')");
		if (*p++ == '%' && p < m->p_end)
			p++;
	} while (*p != ']');
	return p + 1;
}

static int is_nul(int c)
{
	return c == 0; /* %z: deprecated, still accepted by 5.4 */
}

/* c in the class %cl: a letter names a class (upper case: its
 * complement), anything else stands for itself. */
static int class_match(int c, int cl)
{
	static const char names[] = "acdglpsuwxz";
	static int (*const member[])(int) = {isalpha, iscntrl, isdigit, isgraph,  islower, ispunct,
	                                     isspace, isupper, isalnum, isxdigit, is_nul};
	const char *k = cl ? strchr(names, tolower(cl)) : NULL;
	if (!k)
		return cl == c;
	int yes = member[k - names](c) != 0;
	return isupper(cl) ? !yes : yes;
}

/* c in the set from p ('[') to last (its ']'). */
static int set_match(int c, const char *p, const char *last)
{
	int in = 1;
	if (p[1] == '^') {
		in = 0;
		p++;
	}
	while (++p < last) {
		if (*p == '%') {
			p++;
			if (class_match(c, (unsigned char)*p))
				return in;
		} else if (p[1] == '-' && p + 2 < last) {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return in;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return in;
		}
	}
	return !in;
}

static int single_match(const matcher *m, const char *s, const char *p, const char *ep)
{
	if (s >= m->s_end)
		return 0;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.':
		return 1;
	case '%':
		return class_match(c, (unsigned char)p[1]);
	case '[':
		return set_match(c, p, ep - 1);
	default:
		return (unsigned char)*p == c;
	}
}

static const char *do_match(matcher *m, const char *s, const char *p);

/* %bxy: a balanced run from x to the matching y. */
static const char *match_balance(matcher *m, const char *s, const char *p)
{
	if (p + 1 >= m->p_end)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= m->s_end || *s != *p)
		return NULL;
	int level = 1;
	while (++s < m->s_end) {
		step(m, 1);
		if (*s == p[1]) {
			if (--level == 0)
				return s + 1;
		} else if (*s == *p) {
			level++;
		}
	}
	return NULL;
}

/* %1-%9: the text of an earlier capture again. */
static const char *match_backref(matcher *m, const char *s, int digit)
{
	int l = digit - '1';
	if (l < 0 || l >= m->ncap || m->cap[l].len == CAP_OPEN)
		luaL_error(m->L, "invalid capture index %%%d", l + 1);
	size_t len = (size_t)m->cap[l].len; /* a position capture never matches */
	if ((size_t)(m->s_end - s) < len || memcmp(m->cap[l].at, s, len))
		return NULL;
	step(m, (int)(len / BYTES_PER_UNIT));
	return s + len;
}

static const char *open_capture(matcher *m, const char *s, const char *p, ptrdiff_t what)
{
	if (m->ncap >= MAX_CAPTURES)
		luaL_error(m->L, "too many captures");
	m->cap[m->ncap].at = s;
	m->cap[m->ncap].len = what;
	m->ncap++;
	const char *r = do_match(m, s, p);
	if (!r)
		m->ncap--;
	return r;
}

static const char *close_capture(matcher *m, const char *s, const char *p)
{
	int l = m->ncap - 1;
	while (l >= 0 && m->cap[l].len != CAP_OPEN)
		l--;
	if (l < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->cap[l].len = s - m->cap[l].at;
	const char *r = do_match(m, s, p);
	if (!r)
		m->cap[l].len = CAP_OPEN;
	return r;
}

/* x* and x+: as many as possible, then give back one at a time. */
static const char *longest(matcher *m, const char *s, const char *p, const char *ep)
{
	ptrdiff_t n = 0;
	while (single_match(m, s + n, p, ep)) {
		n++;
		step(m, 1);
	}
	for (; n >= 0; n--) {
		const char *r = do_match(m, s + n, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

/* x-: as few as possible, taking one more at a time. */
static const char *shortest(matcher *m, const char *s, const char *p, const char *ep)
{
	for (;; s++) {
		const char *r = do_match(m, s, ep + 1);
		if (r || !single_match(m, s, p, ep))
			return r;
	}
}

/* Matches pattern p at s: the end of the match, or NULL.  Recursion only
 * where Lua's own matcher recurses (captures and quantifiers); every
 * pass of the loop is one step. */
static const char *do_match(matcher *m, const char *s, const char *p)
{
	if (m->depth-- == 0)
		luaL_error(m->L, "pattern too complex");
	while (s && p < m->p_end) {
		step(m, 1);
		if (*p == '(') {
			s = p[1] == ')' ? open_capture(m, s, p + 2, CAP_POSITION)
			                : open_capture(m, s, p + 1, CAP_OPEN);
			break;
		}
		if (*p == ')') {
			s = close_capture(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->p_end) {
			s = s == m->s_end ? s : NULL;
			break;
		}
		if (*p == '%' && p[1] == 'b') {
			s = match_balance(m, s, p + 2);
			p += 4;
			continue;
		}
		if (*p == '%' && p[1] == 'f') {
			p += 2;
			if (*p != '[')
				luaL_error(m->L, "missing '[' after '%%f' in pattern");
			const char *ep = class_end(m, p);
			int before = s == m->s0 ? 0 : (unsigned char)s[-1];
			int here = s < m->s_end ? (unsigned char)*s : 0;
			if (set_match(before, p, ep - 1) || !set_match(here, p, ep - 1))
				s = NULL;
			p = ep;
			continue;
		}
		if (*p == '%' && isdigit((unsigned char)p[1])) {
			s = match_backref(m, s, p[1]);
			p += 2;
			continue;
		}
		const char *ep = class_end(m, p);
		if (!single_match(m, s, p, ep)) {
			if (*ep == '*' || *ep == '?' || *ep == '-')
				p = ep + 1; /* zero repetitions are fine */
			else
				s = NULL;
			continue;
		}
		if (*ep == '?') {
			const char *r = do_match(m, s + 1, ep + 1);
			if (r) {
				s = r;
				break;
			}
			p = ep + 1;
		} else if (*ep == '+' || *ep == '*') {
			s = longest(m, *ep == '+' ? s + 1 : s, p, ep);
			break;
		} else if (*ep == '-') {
			s = shortest(m, s, p, ep);
			break;
		} else {
			s++;
			p = ep;
		}
	}
	m->depth++;
	return s;
}

/* Pushes capture i, or the whole match s..e when there are none. */
static void push_capture(matcher *m, int i, const char *s, const char *e)
{
	if (i >= m->ncap) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(m->L, s, (size_t)(e - s));
	} else if (m->cap[i].len == CAP_OPEN) {
		luaL_error(m->L, "unfinished capture");
	} else if (m->cap[i].len == CAP_POSITION) {
		lua_pushinteger(m->L, (m->cap[i].at - m->s0) + 1);
	} else {
		lua_pushlstring(m->L, m->cap[i].at, (size_t)m->cap[i].len);
	}
}

static int push_captures(matcher *m, const char *s, const char *e)
{
	int n = m->ncap == 0 && s ? 1 : m->ncap;
	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

/* A 1-based, possibly negative, start position as an offset + 1. */
static size_t start_at(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t lp)
{
	for (size_t i = 0; i < lp; i++)
		if (p[i] && strchr(SPECIALS, p[i]))
			return 1;
	return 0;
}

/* A plain search in slices, each charged: memmem is fast, but not linear
 * for every needle.  A slice tries at least as many starts as the needle
 * is long, so that the bytes scanned stay within twice the subject's. */
static const char *plain_find(lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
	if (lp == 0)
		return s;
	if (lp > ls)
		return NULL;
	size_t starts = ls - lp + 1, slice = lp > SCAN_SLICE ? lp : SCAN_SLICE;
	for (size_t at = 0; at < starts; at += slice) {
		size_t n = starts - at < slice ? starts - at : slice;
		hd_lua_charge(L, (long long)((n + lp) / BYTES_PER_UNIT) + 1, "string.find");
		const char *r = memmem(s + at, n - 1 + lp, p, lp);
		if (r)
			return r;
	}
	return NULL;
}

static int find_or_match(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		const char *r = plain_find(L, s + init, ls - init, p, lp);
		if (r) {
			lua_pushinteger(L, (r - s) + 1);
			lua_pushinteger(L, (r - s) + (lua_Integer)lp);
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	matcher m;
	const char *at = s + init;
	int anchored = *p == '^';
	if (anchored)
		p++, lp--;
	matcher_init(&m, L, find ? "string.find" : "string.match", s, ls, p, lp);
	do {
		matcher_reset(&m);
		const char *e = do_match(&m, at, p);
		if (e) {
			if (!find)
				return push_captures(&m, at, e);
			lua_pushinteger(L, (at - s) + 1);
			lua_pushinteger(L, e - s);
			return push_captures(&m, NULL, NULL) + 2;
		}
	} while (at++ < m.s_end && !anchored);
	luaL_pushfail(L);
	return 1;
}

static int l_find(lua_State *L)
{
	return find_or_match(L, 1);
}

static int l_match(lua_State *L)
{
	return find_or_match(L, 0);
}

typedef struct gmatch_state {
	matcher m;
	const char *at, *last_end, *p;
} gmatch_state;

/* Upvalues: the subject, the pattern (kept alive) and the state. */
static int gmatch_next(lua_State *L)
{
	gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
	g->m.L = L;
	for (const char *src = g->at; src <= g->m.s_end; src++) {
		matcher_reset(&g->m);
		const char *e = do_match(&g->m, src, g->p);
		if (e && e != g->last_end) {
			g->at = g->last_end = e;
			return push_captures(&g->m, src, e);
		}
	}
	return 0;
}

static int l_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	lua_settop(L, 2);
	gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
	matcher_init(&g->m, L, "string.gmatch", s, ls, p, lp);
	g->at = s + (init > ls ? ls + 1 : init);
	g->p = p;
	g->last_end = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* The replacement string of gsub, with %0-%9 and %%. */
static void add_template(matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
	size_t l;
	const char *t = lua_tolstring(m->L, 3, &l), *pct;
	while ((pct = memchr(t, '%', l))) {
		luaL_addlstring(b, t, (size_t)(pct - t));
		pct++; /* the string's NUL follows a trailing '%' */
		if (*pct == '%')
			luaL_addchar(b, '%');
		else if (*pct == '0')
			luaL_addlstring(b, s, (size_t)(e - s));
		else if (isdigit((unsigned char)*pct)) {
			push_capture(m, *pct - '1', s, e);
			luaL_addvalue(b);
		} else
			luaL_error(m->L, "invalid use of '%c' in replacement string", '%');
		l -= (size_t)(pct + 1 - t);
		t = pct + 1;
	}
	luaL_addlstring(b, t, l);
}

/* Adds the replacement of the match s..e; returns 0 if it kept the text. */
static int add_replacement(matcher *m, luaL_Buffer *b, const char *s, const char *e, int tr)
{
	lua_State *L = m->L;
	if (tr == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		lua_call(L, push_captures(m, s, e), 1);
	} else if (tr == LUA_TTABLE) {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	} else {
		add_template(m, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

static int l_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last_end = NULL;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	int anchored = *p == '^', changed = 0;
	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE,
	                 3, "string/function/table");
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (anchored)
		p++, lp--;
	matcher m;
	matcher_init(&m, L, "string.gsub", src, ls, p, lp);
	while (n < max) {
		matcher_reset(&m);
		const char *e = do_match(&m, src, p);
		if (e && e != last_end) {
			n++;
			changed |= add_replacement(&m, &b, src, e, tr);
			src = last_end = e;
		} else if (src < m.s_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchored)
			break;
	}
	if (changed) {
		luaL_addlstring(&b, src, (size_t)(m.s_end - src));
		luaL_pushresult(&b);
	} else {
		lua_pushvalue(L, 1); /* nothing replaced: the very same string */
	}
	lua_pushinteger(L, n);
	return 2;
}

/* Strings ------------------------------------------------------------ */

/* Runs the original (upvalue 1) in this very call: the standard library's
 * functions take no upvalues of their own, and so their argument errors
 * name the function and the caller's line as they always did. */
static int call_original(lua_State *L)
{
	return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* string.rep: the C loop runs n times even for an empty string. */
static int l_rep(lua_State *L)
{
	size_t l, lsep;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0)
		return call_original(L);
	lua_Unsigned count = (lua_Unsigned)n, unit = l + lsep;
	if (unit == 0 && count > HD_LSAFE_MAX_BUILD)
		return luaL_error(L, "string.rep: %I copies of an empty string; at most %d in one call",
		                  (LUAI_UACINT)n, (int)HD_LSAFE_MAX_BUILD);
	if (unit && (count > HD_LSAFE_MAX_BUILD || count * unit - lsep > HD_LSAFE_MAX_BUILD))
		return luaL_error(L,
		                  "string.rep: the result would be %I bytes; strings built in one call are "
		                  "limited to %d MiB",
		                  (LUAI_UACINT)(count * unit - lsep), (int)(HD_LSAFE_MAX_BUILD >> 20));
	hd_lua_charge(L, (long long)((count * unit + count) / BYTES_PER_UNIT), "string.rep");
	return call_original(L);
}

/* string.byte, string.unpack, utf8.len, utf8.offset, utf8.codepoint:
 * scans of their string arguments that allocate nothing, so no clock
 * would notice them otherwise.  Upvalue 2 names the function. */
static int l_scan(lua_State *L)
{
	size_t total = 0;
	for (int i = 1; i <= lua_gettop(L); i++)
		if (lua_type(L, i) == LUA_TSTRING)
			total += lua_rawlen(L, i);
	hd_lua_charge(L, (long long)(total / BYTES_PER_UNIT) + 1, lua_tostring(L, lua_upvalueindex(2)));
	return call_original(L);
}

const char *hd_lsafe_tolstring(lua_State *L, int idx, size_t *len)
{
	idx = lua_absindex(L, idx);
	if (luaL_callmeta(L, idx, "__tostring")) {
		if (!lua_isstring(L, -1))
			luaL_error(L, "'__tostring' must return a string");
		return lua_tolstring(L, -1, len);
	}
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
	case LUA_TSTRING:
	case LUA_TBOOLEAN:
	case LUA_TNIL:
		return luaL_tolstring(L, idx, len);
	default: {
		int t = luaL_getmetafield(L, idx, "__name"); /* pushes nothing if nil */
		if (t != LUA_TSTRING) {
			if (t != LUA_TNIL)
				lua_pop(L, 1);
			lua_pushstring(L, luaL_typename(L, idx));
		}
		return lua_tolstring(L, -1, len);
	}
	}
}

static int l_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	hd_lsafe_tolstring(L, 1, NULL);
	return 1;
}

/* string.format: %p prints an address, and so does %s of a table or
 * function without __tostring; such arguments are converted first. */
static int l_format(lua_State *L)
{
	size_t lf;
	const char *f = luaL_checklstring(L, 1, &lf), *end = f + lf;
	int arg = 1, top = lua_gettop(L);
	while ((f = memchr(f, '%', (size_t)(end - f))) && ++f < end) {
		if (*f == '%') {
			f++;
			continue;
		}
		f += strspn(f, "-+ #0123456789."); /* stops at the string's NUL at the latest */
		if (f >= end || ++arg > top)
			break; /* the original reports what is wrong */
		char conv = *f++;
		if (conv == 'p')
			return luaL_error(L, "string.format: '%%p' would show a memory address");
		int t = lua_type(L, arg);
		if (conv == 's' && t != LUA_TSTRING && t != LUA_TNUMBER) {
			hd_lsafe_tolstring(L, arg, NULL);
			lua_replace(L, arg);
		}
	}
	return call_original(L);
}

/* Tables ------------------------------------------------------------- */

/* The length the standard table functions use: #t, with __len. */
static lua_Integer table_len(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	return luaL_len(L, 1);
}

static void add_item(lua_State *L, luaL_Buffer *b, lua_Integer i, size_t *total, size_t extra)
{
	size_t len;
	int t = lua_geti(L, 1, i);
	if (t != LUA_TSTRING && t != LUA_TNUMBER)
		luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1),
		           (LUAI_UACINT)i);
	lua_tolstring(L, -1, &len);
	if ((*total += len + extra) > HD_LSAFE_MAX_BUILD)
		luaL_error(
		    L, "table.concat: the result would pass %d MiB, the limit of strings built in one call",
		    (int)(HD_LSAFE_MAX_BUILD >> 20));
	hd_lua_charge(L, 1 + (long long)(len / BYTES_PER_UNIT), "table.concat");
	luaL_addvalue(b);
}

static int l_concat(lua_State *L)
{
	lua_Integer last = table_len(L);
	size_t lsep, total = 0;
	const char *sep = luaL_optlstring(L, 2, "", &lsep);
	lua_Integer i = luaL_optinteger(L, 3, 1);
	last = luaL_optinteger(L, 4, last);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (; i < last; i++) {
		add_item(L, &b, i, &total, lsep);
		luaL_addlstring(&b, sep, lsep);
	}
	if (i == last)
		add_item(L, &b, i, &total, 0);
	luaL_pushresult(&b);
	return 1;
}

/* Moves t[from] to t[to] in dest, one charged element at a time. */
static void move_one(lua_State *L, int dest, lua_Integer from, lua_Integer to, const char *what)
{
	hd_lua_charge(L, 1, what);
	lua_geti(L, 1, from);
	lua_seti(L, dest, to);
}

static int l_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3), t = luaL_checkinteger(L, 4);
	int dest = lua_isnoneornil(L, 5) ? 1 : 5;
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, dest, LUA_TTABLE);
	if (e >= f) {
		luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
		lua_Integer n = e - f + 1;
		luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
		if (t > e || t <= f || (dest != 1 && !lua_compare(L, 1, dest, LUA_OPEQ)))
			for (lua_Integer i = 0; i < n; i++)
				move_one(L, dest, f + i, t + i, "table.move");
		else
			for (lua_Integer i = n - 1; i >= 0; i--)
				move_one(L, dest, f + i, t + i, "table.move");
	}
	lua_pushvalue(L, dest);
	return 1;
}

static int l_insert(lua_State *L)
{
	lua_Integer end = luaL_intop(+, table_len(L), 1), pos = end; /* the first free slot */
	if (lua_gettop(L) == 3) {
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)end, 2, "position out of bounds");
		for (lua_Integer i = end; i > pos; i--)
			move_one(L, 1, i - 1, i, "table.insert");
	} else if (lua_gettop(L) != 2) {
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

static int l_remove(lua_State *L)
{
	lua_Integer size = table_len(L), pos = luaL_optinteger(L, 2, size);
	if (pos != size)
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
	lua_geti(L, 1, pos);
	for (; pos < size; pos++)
		move_one(L, 1, pos + 1, pos, "table.remove");
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

static int l_unpack(lua_State *L)
{
	lua_Integer i = luaL_optinteger(L, 2, 1);
	lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
	if (i > e)
		return 0;
	lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i;
	if (n >= (lua_Unsigned)INT_MAX || !lua_checkstack(L, (int)++n))
		return luaL_error(L, "too many results to unpack");
	hd_lua_charge(L, (long long)n, "table.unpack");
	for (; i < e; i++)
		lua_geti(L, 1, i);
	lua_geti(L, 1, e);
	return (int)n;
}

/* The comparison table.sort makes without a function of the rule's: in
 * C, sorting a million numbers would pass no hook. */
static int sort_less(lua_State *L)
{
	hd_lua_charge(L, 1, "table.sort");
	lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
	return 1;
}

static int l_sort(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_isnoneornil(L, 2)) {
		lua_settop(L, 1);
		lua_pushcfunction(L, sort_less);
	}
	return call_original(L);
}

/* Output ------------------------------------------------------------- */

void hd_lsafe_log(lua_State *L, int first, const char *prefix)
{
	hd_lua *h = hd_lua_of(L);
	char line[HD_LSAFE_PRINT_BYTES + 8];
	size_t n = 0;
	if (h->printed > HD_LSAFE_PRINT_LINES)
		return;
	if (h->printed++ == HD_LSAFE_PRINT_LINES) {
		fprintf(stderr, "huddle: %s(more output suppressed: %d lines per run)\n", prefix,
		        HD_LSAFE_PRINT_LINES);
		return;
	}
	for (int i = first, top = lua_gettop(L); i <= top && n < HD_LSAFE_PRINT_BYTES; i++) {
		size_t len;
		const char *s = hd_lsafe_tolstring(L, i, &len);
		if (i > first)
			line[n++] = '\t';
		for (size_t k = 0; k < len && n < HD_LSAFE_PRINT_BYTES; k++) {
			unsigned char c = (unsigned char)s[k];
			line[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		lua_pop(L, 1);
	}
	if (n >= HD_LSAFE_PRINT_BYTES)
		n += (size_t)snprintf(line + n, 8, "[...]");
	fprintf(stderr, "huddle: %s%.*s\n", prefix, (int)n, line);
}

static int l_print(lua_State *L)
{
	hd_lsafe_log(L, 1, "rule: ");
	return 0;
}

/* Base functions ----------------------------------------------------- */

/* load() for text chunks only (a binary chunk can crash Lua 5.4.4), up
 * to MAX_CHUNK, named "(load)" whatever the caller asks for. */
static int l_load(lua_State *L)
{
	size_t n;
	int t = lua_type(L, 1);
	luaL_argexpected(L, t == LUA_TSTRING || t == LUA_TNUMBER, 1, "string");
	const char *s = lua_tolstring(L, 1, &n);
	int has_env = !lua_isnone(L, 4);
	if (n > MAX_CHUNK) {
		luaL_pushfail(L);
		lua_pushfstring(L, "load: a chunk of %I bytes is over the limit of %d KiB", (LUAI_UACINT)n,
		                (int)(MAX_CHUNK >> 10));
		return 2;
	}
	if (luaL_loadbufferx(L, s, n, "=(load)", "t") != LUA_OK) {
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

/* The message handler xpcall gets (upvalue 1: the rule's).  Once a limit
 * is hit the rule's handler is skipped: the error then comes from the
 * count hook, and Lua runs a handler for it with hooks switched off, so
 * a looping handler could never be stopped. */
static int guarded_handler(lua_State *L)
{
	if (hd_lua_of(L)->killed)
		return 1; /* the error, unchanged */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* xpcall with the handler guarded; upvalue 1: the original xpcall. */
static int l_xpcall(lua_State *L)
{
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, guarded_handler, 1);
	lua_replace(L, 2);
	return call_original(L);
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

/* setmetatable copies the allowed metamethods into a fresh table (Lua
 * looks most of them up at use time, so checking the caller's table
 * would not hold) and refuses four: __gc runs without hooks, and
 * __mode, __close and __concat reach bugs of Debian's Lua 5.4.4. */
static int l_setmetatable(lua_State *L)
{
	static const char *const allowed[] = {"__index", "__newindex", "__call", "__tostring",  "__len",
	                                      "__eq",    "__lt",       "__le",   "__unm",       "__add",
	                                      "__sub",   "__mul",      "__div",  "__mod",       "__pow",
	                                      "__idiv",  "__band",     "__bor",  "__bxor",      "__shl",
	                                      "__shr",   "__bnot",     "__name", "__metatable", NULL};
	static const char *const refused[][2] = {
	    {"__gc", "finalizers would run outside the sandbox's limits"},
	    {"__mode", "weak tables reach a bug of Lua 5.4.4"},
	    {"__close", "to-be-closed values reach bugs of Lua 5.4.4"},
	    {"__concat", "it reaches a crash in Debian's Lua 5.4.4; use a function"},
	};
	luaL_checktype(L, 1, LUA_TTABLE);
	int t = lua_type(L, 2);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	if (t == LUA_TTABLE) {
		for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
			lua_pushstring(L, refused[i][0]);
			if (lua_rawget(L, 2) != LUA_TNIL) /* even false: 5.4 marks for __gc by presence */
				return luaL_error(L, "setmetatable: '%s' is not available to rules (%s)",
				                  refused[i][0], refused[i][1]);
			lua_pop(L, 1);
		}
		lua_newtable(L); /* stack: t mt copy */
		for (const char *const *k = allowed; *k; k++) {
			lua_pushstring(L, *k);
			lua_rawget(L, 2);
			lua_setfield(L, 3, *k);
		}
		lua_replace(L, 2);
	}
	lua_setmetatable(L, 1);
	return 1;
}

/* Read-only views and the globals ------------------------------------ */

/* A view is an empty table whose metatable shows another table.  The
 * metatable keeps, under light-userdata keys that no rule can make, the
 * table shown (key_real), the view's name for messages (key_name) and,
 * for a frozen view, the name of the object it belongs to (key_root).
 * So the metamethods are plain C functions shared by every view, and
 * telling a view from a table needs no registry that would keep views
 * alive after their tables. */
static const char key_real, key_name, key_root;

/* Pushes the field at key of the metatable of the table at idx (nil
 * when it has none) and returns its type. */
static int view_field(lua_State *L, int idx, const void *key)
{
	if (!lua_getmetatable(L, idx)) {
		lua_pushnil(L);
		return LUA_TNIL;
	}
	int t = lua_rawgetp(L, -1, key);
	lua_remove(L, -2);
	return t;
}

/* Pushes what the view at idx shows (nil if idx is no view). */
static int real_of(lua_State *L, int idx)
{
	return view_field(L, idx, &key_real);
}

static int is_view(lua_State *L, int idx)
{
	int yes = real_of(L, idx) != LUA_TNIL;
	lua_pop(L, 1);
	return yes;
}

static int is_globals(lua_State *L, int idx)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	int yes = lua_rawequal(L, -1, idx);
	lua_pop(L, 1);
	return yes;
}

/* Pushes the name of field key_idx of base: base.key, base[1]. */
static const char *field_name(lua_State *L, const char *base, int key_idx)
{
	if (lua_type(L, key_idx) == LUA_TSTRING)
		return lua_pushfstring(L, "%s.%s", base, lua_tostring(L, key_idx));
	if (lua_isinteger(L, key_idx))
		return lua_pushfstring(L, "%s[%I]", base, (LUAI_UACINT)lua_tointeger(L, key_idx));
	return lua_pushfstring(L, "%s[%s]", base, luaL_typename(L, key_idx));
}

static void new_view(lua_State *L, int idx, const char *name, const char *root);

/* Pushes the view of the table at idx if it has one (or is one). */
static int known_view(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (is_view(L, idx)) {
		lua_pushvalue(L, idx);
		return 1;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, RO_VIEW);
	lua_pushvalue(L, idx);
	int t = lua_rawget(L, -2);
	lua_remove(L, -2);
	if (t != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	return 0;
}

/* __index of a view whose table holds tables: those come as views too.
 * The read goes through the table's own metatable (a host object's
 * methods), which no rule can reach. */
static int view_index(lua_State *L)
{
	lua_settop(L, 2);
	real_of(L, 1);
	lua_pushvalue(L, 2);
	if (lua_gettable(L, 3) == LUA_TTABLE && !known_view(L, 4)) { /* stack: view key real value */
		view_field(L, 1, &key_name);
		new_view(L, 4, field_name(L, lua_tostring(L, 5), 2), NULL); /* stack: ... name field view */
	}
	return 1;
}

/* Rule code may not write.  The host writes through a view of a library
 * between rule calls, but never through a frozen one: it has the table. */
static int view_newindex(lua_State *L)
{
	lua_settop(L, 3);
	int frozen = view_field(L, 1, &key_root) == LUA_TSTRING; /* 4 */
	view_field(L, 1, &key_name);                             /* 5 */
	if (frozen)
		return luaL_error(L, "cannot change %s: %s is read-only for rules",
		                  field_name(L, lua_tostring(L, 5), 2), lua_tostring(L, 4));
	if (hd_lua_of(L)->armed)
		return luaL_error(L, "cannot change %s: every rule shares it, so it is read-only",
		                  field_name(L, lua_tostring(L, 5), 2));
	real_of(L, 1);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_rawset(L, 6);
	if (lua_type(L, 3) == LUA_TTABLE) { /* from now on reads must wrap it */
		lua_getmetatable(L, 1);
		lua_pushcfunction(L, view_index);
		lua_setfield(L, -2, "__index");
	}
	return 0;
}

static int view_len(lua_State *L)
{
	real_of(L, 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* Pushes the entry after the key at index `key` of the table at `real`
 * and returns 2, or returns 0 after the last one.  With wrap, a table
 * value comes as its view, named after `name`. */
static int next_entry(lua_State *L, int real, int key, const char *name, int wrap)
{
	lua_pushvalue(L, key);
	if (!lua_next(L, real))
		return 0;
	int value = lua_gettop(L);
	if (wrap && lua_type(L, value) == LUA_TTABLE) {
		/* then stack: key value [name] view */
		if (!known_view(L, value))
			new_view(L, value, field_name(L, name, value - 1), NULL);
		lua_replace(L, value);
		lua_settop(L, value);
	}
	return 2;
}

/* The iterator of pairs(view).  Upvalues: table, name, wrap tables. */
static int view_next(lua_State *L)
{
	lua_settop(L, 2);
	return next_entry(L, lua_upvalueindex(1), 2, lua_tostring(L, lua_upvalueindex(2)),
	                  lua_toboolean(L, lua_upvalueindex(3)));
}

/* The globals' own tables (a rule file's) stay the rule's: only the
 * tables of a view are wrapped. */
static int view_pairs(lua_State *L)
{
	real_of(L, 1);
	view_field(L, 1, &key_name);
	lua_pushboolean(L, !is_globals(L, 1));
	lua_pushcclosure(L, view_next, 3);
	lua_pushnil(L);
	lua_pushnil(L);
	return 3;
}

/* Whether the table at idx holds a table that is no view. */
static int holds_plain_tables(lua_State *L, int idx)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int plain = lua_type(L, -1) == LUA_TTABLE && !is_view(L, -1);
		lua_pop(L, 1);
		if (plain) {
			lua_pop(L, 1);
			return 1;
		}
	}
	return 0;
}

/* Pushes a new view of the table at idx.  Without root the view is a
 * library's: remembered, so the table keeps one view, and the host may
 * write through it.  With root it is frozen (see hd_lsafe_push_frozen). */
static void new_view(lua_State *L, int idx, const char *name, const char *root)
{
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 6, "read-only view");
	lua_newtable(L);
	lua_createtable(L, 0, 8);                /* stack: view mt */
	if (!root && holds_plain_tables(L, idx)) /* a frozen table's are views already */
		lua_pushcfunction(L, view_index);
	else
		lua_pushvalue(L, idx); /* no C call per read */
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, view_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, view_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, view_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, idx);
	lua_rawsetp(L, -2, &key_real);
	lua_pushstring(L, name);
	lua_rawsetp(L, -2, &key_name);
	if (root) {
		lua_pushstring(L, root);
		lua_rawsetp(L, -2, &key_root);
	}
	lua_setmetatable(L, -2);
	if (!root) {
		lua_getfield(L, LUA_REGISTRYINDEX, RO_VIEW);
		lua_pushvalue(L, idx);
		lua_pushvalue(L, -3);
		lua_rawset(L, -3);
		lua_pop(L, 1); /* stack: view */
	}
}

void hd_lsafe_push_readonly(lua_State *L, int idx, const char *name)
{
	idx = lua_absindex(L, idx);
	if (!known_view(L, idx))
		new_view(L, idx, name, NULL);
}

/* Freezes the tables in the table at idx depth first, then pushes its
 * own frozen view. */
static void freeze(lua_State *L, int idx, const char *name, const char *root)
{
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 6, "read-only view");
	lua_pushnil(L);
	while (lua_next(L, idx)) { /* stack: key value */
		if (lua_type(L, -1) == LUA_TTABLE && !is_view(L, -1)) {
			int value = lua_gettop(L);
			freeze(L, value, field_name(L, name, value - 1), root);
			lua_pushvalue(L, value - 1); /* stack: key value field view key */
			lua_insert(L, -2);
			lua_rawset(L, idx); /* an existing key: allowed while traversing */
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	new_view(L, idx, name, root);
}

void hd_lsafe_push_frozen(lua_State *L, int idx, const char *name)
{
	freeze(L, idx, name, name);
}

int hd_lsafe_push_real(lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TTABLE) {
		lua_pushnil(L);
		return LUA_TNIL;
	}
	return real_of(L, idx);
}

/* __newindex of the globals (upvalue 1: the table they live in).  Rule
 * code sets globals only while its file loads; a table the host makes a
 * global is a library: it becomes read-only. */
static int global_set(lua_State *L)
{
	hd_lua *h = hd_lua_of(L);
	lua_settop(L, 3);
	if (h->armed && !h->loading)
		return luaL_error(
		    L,
		    "cannot set the global '%s' while rules run: globals are shared by every rule "
		    "(use a local)",
		    lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
	if (!h->armed && lua_type(L, 3) == LUA_TTABLE && !lua_rawequal(L, 1, 3)) {
		hd_lsafe_push_readonly(L, 3, lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
		lua_replace(L, 3);
	}
	lua_rawset(L, lua_upvalueindex(1));
	return 0;
}

/* rawset, rawget, rawlen and next work on what a view shows, so that
 * they neither write past it nor see it as empty. */
static int l_rawset(lua_State *L)
{
	hd_lua *h = hd_lua_of(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	lua_settop(L, 3);
	int target = real_of(L, 1) == LUA_TNIL ? 1 : 4;
	if (target != 1 && h->armed && !(h->loading && is_globals(L, 1)))
		return luaL_error(L, is_globals(L, 1) ? "rawset: globals cannot be set while rules run"
		                                      : "rawset: the table is read-only for rules");
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_rawset(L, target);
	lua_settop(L, 1);
	return 1;
}

static int l_rawget(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	lua_settop(L, 2);
	int view = real_of(L, 1) != LUA_TNIL;
	lua_pushvalue(L, 2);
	lua_rawget(L, view ? 3 : 1);
	if (view && lua_type(L, -1) == LUA_TTABLE && !is_globals(L, 1))
		hd_lsafe_push_readonly(L, -1, "table");
	return 1;
}

static int l_rawlen(lua_State *L)
{
	int t = lua_type(L, 1);
	luaL_argexpected(L, t == LUA_TTABLE || t == LUA_TSTRING, 1, "table or string");
	int view = t == LUA_TTABLE && real_of(L, 1) != LUA_TNIL;
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, view ? -1 : 1));
	return 1;
}

static int l_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	int view = real_of(L, 1) != LUA_TNIL; /* 3 */
	if (!view) {
		lua_pushvalue(L, 1);
		lua_replace(L, 3);
	}
	view_field(L, 1, &key_name); /* 4 */
	if (!next_entry(L, 3, 2, lua_tostring(L, 4), view && !is_globals(L, 1))) {
		lua_pushnil(L);
		return 1;
	}
	return 2;
}

void hd_lsafe_guard_globals(lua_State *L)
{
	lua_pushglobaltable(L); /* where the globals live */
	lua_newtable(L);        /* what everyone sees */
	lua_createtable(L, 0, 6);
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, global_set, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, view_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pushvalue(L, -3);
	lua_rawsetp(L, -2, &key_real); /* the front counts as a view of where they live */
	lua_pushliteral(L, "_G");
	lua_rawsetp(L, -2, &key_name);
	lua_setmetatable(L, -2);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, RO_VIEW);
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	lua_pop(L, 1);
}

/* Installing --------------------------------------------------------- */

/* Replaces lib[name] by fn, which gets the original as upvalue 1 and
 * its name ("string.rep") as upvalue 2. */
static void wrap(lua_State *L, int lib, const char *libname, const char *name, lua_CFunction fn)
{
	lua_getfield(L, lib, name);
	lua_pushfstring(L, "%s.%s", libname, name);
	lua_pushcclosure(L, fn, 2);
	lua_setfield(L, lib, name);
}

void hd_lsafe_install(lua_State *L, int string_idx, int table_idx, int utf8_idx)
{
	static const luaL_Reg strings[] = {
	    {"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch}, {"gsub", l_gsub}, {NULL, NULL}};
	static const luaL_Reg tables[] = {{"concat", l_concat}, {"move", l_move},     {"insert", l_insert},
	                                  {"remove", l_remove}, {"unpack", l_unpack}, {NULL, NULL}};
	static const char *const utf8_scans[] = {"len", "offset", "codepoint", NULL};
	string_idx = lua_absindex(L, string_idx);
	table_idx = lua_absindex(L, table_idx);
	utf8_idx = lua_absindex(L, utf8_idx);
	lua_pushvalue(L, string_idx);
	luaL_setfuncs(L, strings, 0);
	lua_pop(L, 1);
	lua_pushvalue(L, table_idx);
	luaL_setfuncs(L, tables, 0);
	lua_pop(L, 1);
	wrap(L, string_idx, LUA_STRLIBNAME, "rep", l_rep);
	wrap(L, string_idx, LUA_STRLIBNAME, "format", l_format);
	wrap(L, string_idx, LUA_STRLIBNAME, "byte", l_scan);
	wrap(L, string_idx, LUA_STRLIBNAME, "unpack", l_scan);
	wrap(L, table_idx, LUA_TABLIBNAME, "sort", l_sort);
	for (const char *const *k = utf8_scans; *k; k++)
		wrap(L, utf8_idx, LUA_UTF8LIBNAME, *k, l_scan);
	static const luaL_Reg globals[] = {{"tostring", l_tostring},
	                                   {"print", l_print},
	                                   {"load", l_load},
	                                   {"collectgarbage", l_collectgarbage},
	                                   {"setmetatable", l_setmetatable},
	                                   {"rawset", l_rawset},
	                                   {"rawget", l_rawget},
	                                   {"rawlen", l_rawlen},
	                                   {"next", l_next},
	                                   {NULL, NULL}};
	for (const luaL_Reg *g = globals; g->name; g++) {
		lua_pushcfunction(L, g->func);
		lua_setglobal(L, g->name);
	}
	lua_getglobal(L, "xpcall");
	lua_pushcclosure(L, l_xpcall, 1);
	lua_setglobal(L, "xpcall");
}
