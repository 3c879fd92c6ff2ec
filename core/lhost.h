/*
 * lhost.h - the Lua state rules run in, and the one protected call.
 *
 * The state is built with a byte-capped allocator and only the libraries
 * SPEC section 8 allows.  Every call into rule code goes through
 * hd_lua_call, which arms the instruction budget and the wall-clock
 * limit, catches errors with their file:line, and restores the stack.
 *
 * Rules share one state, so what one rule could change the next would
 * see: while rule code runs, the libraries and every table the host put
 * into the globals are read-only, and globals can be set only by a rule
 * file's main chunk (while it loads); see lsafe.h.  A table the host
 * installs as a global becomes read-only for rules.
 */
#ifndef HUDDLE_LHOST_H
#define HUDDLE_LHOST_H

#include <lua.h>
#include <stddef.h>

#include "err.h"

typedef struct hd_lua {
	lua_State *L;
	size_t mem_used, mem_limit;
	size_t mem_since;   /* bytes allocated since the clock was last read */
	long long budget;   /* instructions per call */
	long long left;     /* of the budget, in the call under way */
	long long unread;   /* work charged since the clock was last read */
	int time_ms;        /* wall clock per call */
	double deadline;    /* monotonic seconds */
	int armed;          /* rule code may run: limits and read-only globals hold */
	int loading;        /* a rule file's main chunk runs: it may set globals */
	int killed;         /* HD_LUA_KILLED_* once a limit hit, sticky */
	char killed_in[32]; /* the C function that hit it, if one did */
	int printed;        /* lines of rule output so far (lsafe.h) */
	char where[256];    /* innermost Lua position of the last error */
	int handler;        /* stack index of the pinned message handler, 0 none */
} hd_lua;

enum { HD_LUA_KILLED_BUDGET = 1, HD_LUA_KILLED_TIME = 2 };

#define HD_LUA_MAX_RESULT ((size_t)64 << 10) /* bytes of a string a rule returns */

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

/* Charges `work` instructions' worth of C work done for rule code to the
 * call under way, and reads the clock every few thousand units.  When
 * the budget or the deadline is passed it raises, naming `what` (e.g.
 * "string.find"), and keeps raising until the call ends.  Does nothing
 * outside hd_lua_call. */
void hd_lua_charge(lua_State *L, long long work, const char *what);

/* Calls the function below nargs arguments like lua_pcall, under the
 * limits.  On error returns -1, fills e (if not NULL) and leaves the
 * stack without the function and its arguments; on success leaves
 * nresults results.  A string result longer than HD_LUA_MAX_RESULT is
 * an error. */
int hd_lua_call(hd_lua *h, int nargs, int nresults, hd_lua_error *e);

/* Rule code called from C inside a call already armed shares its limits:
 * a nested call passes nested = 1 and does not rearm. */
int hd_lua_call_nested(hd_lua *h, int nargs, int nresults, hd_lua_error *e);

/* For a loop of many calls from one C function: pushes the message
 * handler once, so that hd_lua_call does not push and remove it around
 * every call.  hd_lua_unpin removes it again (the stack above it must be
 * back as it was) and returns the previous pin. */
int hd_lua_pin(hd_lua *h);
void hd_lua_unpin(hd_lua *h, int previous);

/* Time spent in host work inside a rule call (computing a set-based
 * metric) is not the rule's: it moves the deadline on by seconds. */
void hd_lua_pause(hd_lua *h, double seconds);

/* Monotonic clock in seconds. */
double hd_now(void);
/* The same clock to within a few milliseconds, at a fraction of the cost
 * (the kernel's last tick): for deadlines with a grace of their own. */
double hd_now_coarse(void);

/* Loads a rule file as text (never binary) with chunk name "@path" and
 * leaves its main chunk, to be run with hd_lua_call: while it runs it
 * may set globals. */
int hd_lua_loadfile(hd_lua *h, const char *path, hd_lua_error *e);

#endif
