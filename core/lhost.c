/* lhost.c - the sandboxed Lua state, its limits and its protected call.
 *
 * SANDBOX-CHECKLIST.md section 3 lists the hazards; the defences here:
 * a capped allocator that also watches the clock, a count hook made
 * sticky once a limit is hit, and rule files read as bounded text.
 * lsafe.c holds what rule code sees: the library functions that loop in
 * C or reach bugs of Debian's Lua 5.4.4, replaced, and the globals and
 * libraries made read-only.
 */
#include "lhost.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsafe.h"

#define HOOK_STEP    1000              /* instructions between two looks at the clock */
#define CLOCK_WORK   4096              /* charged C work between two looks at the clock */
#define CLOCK_BYTES  ((size_t)1 << 20) /* bytes allocated between two looks at the clock */
#define HOST_RESERVE ((size_t)1 << 20) /* over the cap, for the host between rule calls */
#define MAX_FILE     ((size_t)4 << 20) /* bytes of a rule file */

double hd_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double hd_now_coarse(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

hd_lua *hd_lua_of(lua_State *L)
{
	return *(hd_lua **)lua_getextraspace(L);
}

/* Limits --------------------------------------------------------------- */

static void hook(lua_State *L, lua_Debug *ar);

/* Marks the call as over its limit.  From then on the hook fires on
 * every instruction, so a rule cannot swallow the error with pcall and
 * carry on; the host reads the reason from h, never from the error. */
static void stop(hd_lua *h, int why, const char *in)
{
	h->killed = why;
	snprintf(h->killed_in, sizeof h->killed_in, "%s", in);
	lua_sethook(h->L, hook, LUA_MASKCOUNT, 1);
}

static int raise_limit(lua_State *L)
{
	return luaL_error(L, hd_lua_of(L)->killed == HD_LUA_KILLED_BUDGET ? "instruction budget exceeded"
	                                                                  : "time limit exceeded");
}

static void hook(lua_State *L, lua_Debug *ar)
{
	hd_lua *h = hd_lua_of(L);
	(void)ar;
	if (!h->killed) {
		h->left -= HOOK_STEP;
		if (h->left <= 0)
			stop(h, HD_LUA_KILLED_BUDGET, "");
		else if (hd_now() > h->deadline)
			stop(h, HD_LUA_KILLED_TIME, "");
		else
			return;
	}
	raise_limit(L);
}

void hd_lua_charge(lua_State *L, long long work, const char *what)
{
	hd_lua *h = hd_lua_of(L);
	if (!h->armed)
		return;
	if (!h->killed) {
		h->left -= work;
		h->unread += work;
		if (h->left <= 0) {
			stop(h, HD_LUA_KILLED_BUDGET, what);
		} else {
			if (h->unread < CLOCK_WORK)
				return;
			h->unread = 0;
			if (hd_now() <= h->deadline)
				return;
			stop(h, HD_LUA_KILLED_TIME, what);
		}
	}
	raise_limit(L);
}

/* Refuses growth past the cap; a shrink never fails, since Lua's
 * shrinking paths cannot handle it.  Between rule calls the host may go
 * HOST_RESERVE over the cap: its own pushes run unprotected, and a rule
 * that keeps memory at the cap must not make them abort the process.
 * During a call, the clock is read every CLOCK_BYTES allocated: string
 * concatenation and copies do their O(n) work inside one instruction. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	hd_lua *h = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		h->mem_used -= old;
		return NULL;
	}
	if (nsize > old) {
		size_t grow = nsize - old;
		if (h->mem_used + grow > h->mem_limit + (h->armed ? 0 : HOST_RESERVE))
			return NULL;
		if (h->armed && !h->killed && (h->mem_since += grow) >= CLOCK_BYTES) {
			h->mem_since = 0;
			if (hd_now() > h->deadline) {
				stop(h, HD_LUA_KILLED_TIME, "");
				return NULL;
			}
		}
	}
	void *p = realloc(ptr, nsize);
	if (p)
		h->mem_used = h->mem_used - old + nsize;
	return p;
}

static int panic(lua_State *L)
{
	const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
	fprintf(stderr, "huddle: internal error: unprotected Lua error: %s\n", m);
	exit(4);
}

static void arm(hd_lua *h)
{
	h->killed = 0;
	h->killed_in[0] = 0;
	h->where[0] = 0;
	h->left = h->budget;
	h->unread = 0;
	h->mem_since = 0;
	/* The coarse clock (a kernel tick, a few ms behind): read for every
	 * rule call, the precise one was a twentieth of a one-line rule's
	 * cost.  The hook compares with the precise clock, so a rule gets
	 * its time_ms less at most a tick. */
	h->deadline = hd_now_coarse() + h->time_ms / 1000.0;
	h->armed = 1;
	lua_sethook(h->L, hook, LUA_MASKCOUNT, HOOK_STEP);
}

void hd_lua_pause(hd_lua *h, double seconds)
{
	h->deadline += seconds;
}

/* The protected call ------------------------------------------------- */

/* Message handler: notes where the error happened without allocating (it
 * also runs for memory errors) and passes the error on unchanged.  The
 * innermost position in a rule file wins over one in a load()ed chunk,
 * whose name ("(load)") must not stand in for a file. */
static int msgh(lua_State *L)
{
	hd_lua *h = hd_lua_of(L);
	lua_Debug ar;
	h->where[0] = 0;
	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (!h->where[0] || ar.source[0] == '@')
			snprintf(h->where, sizeof h->where, "%s:%d", ar.short_src, ar.currentline);
		if (ar.source[0] == '@')
			break;
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

/* Describes a failed call.  The error object is the rule's: it is read
 * only if it is a string, never converted (its __tostring could loop). */
static void describe(hd_lua *h, int status, hd_lua_error *e)
{
	lua_State *L = h->L;
	const char *in = h->killed_in[0] ? " in " : "";
	if (h->killed == HD_LUA_KILLED_BUDGET)
		snprintf(e->message, sizeof e->message,
		         "instruction budget of %lld exceeded%s%s (sandbox.instructions)", h->budget, in,
		         h->killed_in);
	else if (h->killed == HD_LUA_KILLED_TIME)
		snprintf(e->message, sizeof e->message, "time limit of %d ms exceeded%s%s (sandbox.time_ms)",
		         h->time_ms, in, h->killed_in);
	else if (status == LUA_ERRMEM)
		snprintf(e->message, sizeof e->message, "memory limit of %zu MB exceeded (sandbox.memory_mb)",
		         h->mem_limit >> 20);
	else if (lua_type(L, -1) != LUA_TSTRING)
		snprintf(e->message, sizeof e->message, "error object is a %s value", luaL_typename(L, -1));
	else {
		split_error(lua_tostring(L, -1), h->where, e);
		return;
	}
	snprintf(e->where, sizeof e->where, "%s", h->where);
}

static int finish(hd_lua *h, int status, hd_lua_error *e)
{
	if (status == LUA_OK)
		return 0;
	if (e)
		describe(h, status, e);
	lua_pop(h->L, 1);
	return -1;
}

/* A string result is copied by the host and shown to people: a rule
 * cannot hand it megabytes. */
static int check_results(hd_lua *h, int nresults, hd_lua_error *e)
{
	for (int i = 1; i <= nresults; i++) {
		size_t len = 0;
		if (lua_type(h->L, -i) == LUA_TSTRING &&
		    (lua_tolstring(h->L, -i, &len), len > HD_LUA_MAX_RESULT)) {
			if (e) {
				e->where[0] = 0;
				snprintf(e->message, sizeof e->message,
				         "returned a string of %zu bytes; results are limited to %zu KiB",
				         len, HD_LUA_MAX_RESULT >> 10);
			}
			lua_pop(h->L, nresults);
			return -1;
		}
	}
	return 0;
}

/* What a protected call's status and results come to (hd_lua_call). */
static int outcome(hd_lua *h, int status, int nresults, hd_lua_error *e)
{
	if (status == LUA_OK && nresults > 0)
		return check_results(h, nresults, e);
	return finish(h, status, e);
}

int hd_lua_call_nested(hd_lua *h, int nargs, int nresults, hd_lua_error *e)
{
	lua_State *L = h->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	int status = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return outcome(h, status, nresults, e);
}

int hd_lua_pin(hd_lua *h)
{
	int previous = h->handler;
	lua_pushcfunction(h->L, msgh);
	h->handler = lua_gettop(h->L);
	return previous;
}

void hd_lua_unpin(hd_lua *h, int previous)
{
	lua_remove(h->L, h->handler);
	h->handler = previous;
}

int hd_lua_call(hd_lua *h, int nargs, int nresults, hd_lua_error *e)
{
	arm(h);
	int rc = h->handler && h->handler < lua_gettop(h->L) - nargs
	             ? outcome(h, lua_pcall(h->L, nargs, nresults, h->handler), nresults, e)
	             : hd_lua_call_nested(h, nargs, nresults, e);
	h->armed = 0;
	h->loading = 0; /* a main chunk that failed did not clear it */
	lua_sethook(h->L, NULL, 0, 0);
	return rc;
}

/* A rule file's main chunk (upvalue 1), run while the file loads: the
 * only rule code that may set globals. */
static int run_main_chunk(lua_State *L)
{
	hd_lua *h = hd_lua_of(L);
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	h->loading = 1;
	lua_call(L, n, LUA_MULTRET);
	h->loading = 0;
	return lua_gettop(L);
}

/* Reads a rule file whole into a malloc'd buffer (the caller frees it).
 * Only a regular file of at most MAX_FILE bytes: a FIFO or a device
 * would block or never end.  On failure returns NULL with errno set. */
static char *read_rule_file(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			errno = EINVAL;
		else if (st.st_size > (off_t)MAX_FILE)
			errno = EFBIG;
		else if ((buf = malloc((size_t)st.st_size + 1))) {
			ssize_t got = 0, r = 1;
			while (got < st.st_size && (r = read(fd, buf + got, (size_t)(st.st_size - got))) > 0)
				got += r;
			*n = (size_t)got;
			if (r < 0) {
				free(buf);
				buf = NULL;
			}
		}
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

int hd_lua_loadfile(hd_lua *h, const char *path, hd_lua_error *e)
{
	size_t n = 0;
	h->where[0] = 0;
	h->killed = 0;
	char *text = read_rule_file(path, &n);
	if (!text) {
		if (errno == EFBIG)
			lua_pushfstring(h->L, "cannot open %s: over %d MiB", path, (int)(MAX_FILE >> 20));
		else
			lua_pushfstring(h->L, "cannot open %s: %s", path,
			                errno == EINVAL ? "not a regular file" : strerror(errno));
		return finish(h, LUA_ERRFILE, e);
	}
	/* As luaL_loadfilex: no UTF-8 mark, and a first line "#!..." is a
	 * comment (its newline stays, for the line numbers). */
	const char *s = text;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3, n -= 3;
	if (n && *s == '#')
		for (; n && *s != '\n'; n--)
			s++;
	lua_pushfstring(h->L, "@%s", path);
	int status = luaL_loadbufferx(h->L, s, n, lua_tostring(h->L, -1), "t");
	lua_remove(h->L, -2);
	free(text);
	if (status != LUA_OK)
		return finish(h, status, e);
	lua_pushcclosure(h->L, run_main_chunk, 1); /* unprotected: within HOST_RESERVE */
	return 0;
}

/* Building the state ------------------------------------------------- */

/* Builds the global environment under lua_pcall: any allocation there
 * can raise, and an unprotected raise aborts. */
static int setup(lua_State *L)
{
	hd_lsafe_guard_globals(L);
	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
	lua_settop(L, 0);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* 1 */
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);  /* 2 */
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);  /* 3 */
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);  /* 4 */
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);      /* 5 */
	/* No rule can reach package.loaded (there is no require, package or
	 * debug); it keeps the libraries that rules see, so that an argument
	 * error in a function called through pcall still names it. */
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushnil(L);
	lua_setfield(L, -2, LUA_OSLIBNAME);
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_setfield(L, 1, "dump");
	hd_lsafe_install(L, 1, 2, 3);

	lua_newtable(L); /* os: only time, date, clock and difftime */
	static const char *const os_keep[] = {"time", "date", "clock", "difftime", NULL};
	for (const char *const *k = os_keep; *k; k++) {
		lua_getfield(L, 5, *k);
		lua_setfield(L, -2, *k);
	}
	lua_setglobal(L, LUA_OSLIBNAME);
	static const char *const libs[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_UTF8LIBNAME, LUA_MATHLIBNAME,
	                                   NULL};
	for (int i = 0; libs[i]; i++) {
		lua_pushvalue(L, i + 1);
		lua_setglobal(L, libs[i]); /* becomes a read-only view */
	}

	static const char *const removed[] = {"dofile", "loadfile", "require", "warn", NULL};
	for (const char *const *k = removed; *k; k++) {
		lua_pushnil(L);
		lua_setglobal(L, *k);
	}

	/* Hide the string metatable from getmetatable(""). */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_settop(L, 0);
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
		hd_err_set(err, HD_EIO, "cannot build the Lua sandbox: %s",
		           lua_type(h->L, -1) == LUA_TSTRING ? lua_tostring(h->L, -1) : "?");
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
