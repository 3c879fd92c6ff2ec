/*
 * lsafe.h - bounded, address-free replacements for standard Lua functions.
 *
 * A count hook never fires inside a C function, so one call of
 * string.find, string.rep or table.move can run for minutes past every
 * limit (SANDBOX-CHECKLIST.md sections 3.4 and 3.6).  The replacements
 * do the same work but charge it to the rule call as they go
 * (hd_lua_charge), refuse results that no rule needs (strings over
 * HD_LSAFE_MAX_BUILD built in one call), never print addresses, and keep
 * rule code away from what reaches bugs of Debian's Lua 5.4.4.
 */
#ifndef HUDDLE_LSAFE_H
#define HUDDLE_LSAFE_H

#include <lua.h>
#include <stddef.h>

#define HD_LSAFE_MAX_BUILD   ((size_t)16 << 20) /* bytes of one string.rep or table.concat */
#define HD_LSAFE_PRINT_LINES 200                /* print and huddle.log lines per state */
#define HD_LSAFE_PRINT_BYTES 1024               /* bytes per line, the rest is cut */

/* Replaces, in the library tables at string_idx, table_idx and utf8_idx
 * and in the globals, the functions whose C loops hooks cannot
 * interrupt: string.find, match, gmatch, gsub (a pattern matcher with a
 * step budget), string.rep, format, byte, unpack, table.concat, move,
 * insert, remove, sort, unpack, utf8.len, offset, codepoint; and the
 * globals tostring and print (no addresses, output limited), load (text
 * only), collectgarbage ("count" only), setmetatable (no __gc, __mode,
 * __close or __concat), xpcall (no handler once a limit is hit), and
 * rawset, rawget, rawlen and next (which see through the read-only
 * views).
 * Allocates: call it under lua_pcall while the state is built, after the
 * base library and before the libraries become globals. */
void hd_lsafe_install(lua_State *L, int string_idx, int table_idx, int utf8_idx);

/* Like luaL_tolstring, but a table, function, userdata or thread shows
 * as its type (or __name), never as an address.  __tostring is called
 * and must return a string.  Pushes the result and returns it. */
const char *hd_lsafe_tolstring(lua_State *L, int idx, size_t *len);

/* Writes the values from index `first` to the top, tab-separated, as one
 * line "huddle: <prefix><values>" on standard error, under the state's
 * output limits: HD_LSAFE_PRINT_LINES lines per state, each cut at
 * HD_LSAFE_PRINT_BYTES, control characters shown as '?'. */
void hd_lsafe_log(lua_State *L, int first, const char *prefix);

/* Pushes a read-only view of the table at idx (the same view each time):
 * rule code can read it (through the table's own metatable, so a host
 * object keeps its methods), iterate it with pairs and take its length,
 * but neither set, rawset nor change its metatable; tables read through
 * it come as views too.  The host, between rule calls, writes through.
 * name ("rep") is used in error messages.  Allocates the first time. */
void hd_lsafe_push_readonly(lua_State *L, int idx, const char *name);

/* Pushes a new frozen view of the table at idx, for objects that live
 * shorter than the state (a rep for one subject).  Each table in it that
 * is not a view yet is first replaced, in place and at every depth, by a
 * frozen view of its own, so that nothing writable is reached through it
 * and reads need no C call.  Nobody can write through a frozen view, the
 * host included ("cannot change rep.team_name: rep is read-only for
 * rules", with name "rep"); the host keeps the tables to itself and adds
 * no tables to them later.  No registry remembers a frozen view: it goes
 * away with its last reference, and each call makes a new one.  The
 * tables must not form a cycle.  Allocates. */
void hd_lsafe_push_frozen(lua_State *L, int idx, const char *name);

/* Pushes the table that the view at idx shows and returns LUA_TTABLE;
 * pushes nil and returns LUA_TNIL when idx holds no view. */
int hd_lsafe_push_real(lua_State *L, int idx);

/* Puts the state's globals behind a table of their own (the registry's
 * globals, _G) whose __newindex lets rule code set a global only while a
 * rule file's main chunk runs, and turns a table the host sets into a
 * read-only view.  Call it first when the state is built (allocates). */
void hd_lsafe_guard_globals(lua_State *L);

#endif
