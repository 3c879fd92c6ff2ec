/*
 * lhost.h - the Lua state rules run in, and the one protected call.
 *
 * The state is built with a byte-capped allocator and only the libraries
 * SPEC section 8 allows.  Every call into rule code goes through
 * hd_lua_call, which arms the instruction budget and the wall-clock
 * limit, catches errors with their file:line, and restores the stack.
 */
#ifndef HUDDLE_LHOST_H
#define HUDDLE_LHOST_H

#include <lua.h>
#include <stddef.h>

#include "err.h"

typedef struct hd_lua {
	lua_State *L;
	size_t mem_used, mem_limit;
	long long budget;    /* instructions per call */
	long long left;	     /* of the budget, in the call under way */
	int time_ms;	     /* wall clock per call */
	double deadline;     /* monotonic seconds */
	int killed;	     /* HD_LUA_KILLED_* once a limit hit, sticky */
	char where[256];     /* innermost Lua position of the last error */
} hd_lua;

enum { HD_LUA_KILLED_BUDGET = 1, HD_LUA_KILLED_TIME = 2 };

/* An error from rule code: where it happened and what it said. */
typedef struct hd_lua_error {
	char where[256];
	char message[1024];
} hd_lua_error;

/* Builds the sandboxed state.  h->L is NULL after a failure. */
int hd_lua_open(hd_lua *h, long long instructions, int time_ms, int memory_mb, hd_err *err);
void hd_lua_close(hd_lua *h);

/* The hd_lua a state belongs to. */
hd_lua *hd_lua_of(lua_State *L);

/* Calls the function below nargs arguments like lua_pcall, under the
 * limits.  On error returns -1, fills e (if not NULL) and leaves the
 * stack without the function and its arguments; on success leaves
 * nresults results. */
int hd_lua_call(hd_lua *h, int nargs, int nresults, hd_lua_error *e);

/* Rule code called from C inside a call already armed shares its limits:
 * a nested call passes nested = 1 and does not rearm. */
int hd_lua_call_nested(hd_lua *h, int nargs, int nresults, hd_lua_error *e);

/* Time spent in host work inside a rule call (computing a set-based
 * metric) is not the rule's: it moves the deadline on by seconds. */
void hd_lua_pause(hd_lua *h, double seconds);

/* Monotonic clock in seconds. */
double hd_now(void);

/* Loads a rule file as text (never binary) with chunk name "@path". */
int hd_lua_loadfile(hd_lua *h, const char *path, hd_lua_error *e);

#endif
