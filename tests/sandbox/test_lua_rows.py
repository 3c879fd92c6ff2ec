#!/usr/bin/env python3
"""The Lua rows of SANDBOX-CHECKLIST.md section 8 (L1-L27), one test each,
through the real `huddle eval`: every attack is a rule error for its rule
and for Ben only, and nothing else changes (see sandbox.py)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import os  # noqa: E402
import re  # noqa: E402

import sandbox  # noqa: E402
from sandbox import SandboxCase, attack, known_bug  # noqa: E402

NO_TIME_BUDGET = "time_ms = 300; instructions = 2000000000;"  # the clock, not the budget, stops loops


class LuaRows(SandboxCase):

    def test_L1_bytecode_cannot_be_loaded(self):
        rules = (attack("dump", 'local f = string.dump(function() end)')
                 + attack("binary", 'local f, err = load("\\27Lua\\84\\0\\25\\147\\r\\n\\26\\ngarbage")\n'
                                    'error(err)')
                 + attack("binary_asked_for", 'local f, err = load("\\27LuaT\\0", "x", "b")\nerror(err)'))
        self.eval_attack(rules, {"dump": "field 'dump'",
                                 "binary": "attempt to load a binary chunk",
                                 "binary_asked_for": "attempt to load a binary chunk"})
        # A precompiled rule file is refused before anything runs.
        self.write("rules/30_attack.lua", "")
        with open(self.tmp + "/rules/30_attack.lua", "wb") as f:
            f.write(b"\x1bLuaT\x00\x19\x93\r\n\x1a\ngarbage")
        r = self.huddle("eval", "--db", "team.db", "--format", "json", *sandbox.PERIOD)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("rules/30_attack.lua: attempt to load a binary chunk", r.err)

    def test_L2_files_and_processes_are_out_of_reach(self):
        rules = (attack("io_open", 'io.open("@PWNED@", "w"):write("x")')
                 + attack("os_execute", 'os.execute("touch @PWNED@")')
                 + attack("os_exit", 'os.exit(3)')
                 + attack("os_getenv", 'return #os.getenv("HOME")')
                 + attack("os_remove", 'os.remove("team.db")')
                 + attack("dofile", 'dofile("/etc/passwd")')
                 + attack("loadfile", 'loadfile("/etc/passwd")'))
        self.eval_attack(rules, {"io_open": "global 'io'", "os_execute": "field 'execute'",
                                 "os_exit": "field 'exit'", "os_getenv": "field 'getenv'",
                                 "os_remove": "field 'remove'", "dofile": "global 'dofile'",
                                 "loadfile": "global 'loadfile'"})

    def test_L3_native_modules_cannot_be_loaded(self):
        rules = (attack("loadlib", 'package.loadlib("/lib/x86_64-linux-gnu/liblua5.4.so.0", "luaopen_io")')
                 + attack("require", 'require("os")')
                 + attack("loaded", 'return package.loaded.io'))
        self.eval_attack(rules, {"loadlib": "global 'package'", "require": "global 'require'",
                                 "loaded": "global 'package'"})

    def test_L4_debug_library_is_absent_and_cannot_lift_the_limits(self):
        self.config(NO_TIME_BUDGET)
        rules = (attack("registry", 'return debug.getregistry()')
                 + attack("sethook_then_loop", 'pcall(function() debug.sethook() end)\nwhile true do end'))
        self.eval_attack(rules, {"registry": "global 'debug'",
                                 "sethook_then_loop": "time limit of 300 ms exceeded"})

    def test_L5_string_metatable_is_hidden_and_string_cannot_be_poisoned(self):
        rules = (attack("peek", 'assert(getmetatable("") == false)\ngetmetatable("").__index.upper = nil')
                 + attack("poison", 'string.upper = function() return "pwned" end'))
        # rules/40_after.lua calls ("x"):upper() for every rep, Ben included.
        self.eval_attack(rules, {"peek": "attempt to index a boolean value",
                                 "poison": "cannot change string.upper"})

    def test_L6_one_rule_cannot_change_globals_or_libraries_for_the_next(self):
        rules = (attack("set_global", 'x_from_attack = 1')
                 + attack("set_through_G", '_G.y_from_attack = 2')
                 + attack("drop_insert", 'table.insert = nil')
                 + attack("replace_huddle", 'huddle.clamp = function() return 1 end'))
        check = ('score "check" { weight = 1, doc = "sees what the attack tried to change",\n'
                 '  fn = function(rep, m)\n'
                 '    local ok = x_from_attack == nil and y_from_attack == nil and type(table.insert) == "function"\n'
                 '      and huddle.clamp(5, 0, 2) == 2\n'
                 '    return ok and 0.75 or 0 end }\n')
        cards, _ = self.eval_attack(rules, {"set_global": "cannot set the global 'x_from_attack'",
                                            "set_through_G": "cannot set the global 'y_from_attack'",
                                            "drop_insert": "cannot change table.insert",
                                            "replace_huddle": "cannot change huddle.clamp"},
                                    extra_files={"rules/45_check.lua": check})
        for name in sandbox.REPS:
            self.assertEqual({c["rule"]: c["value"] for c in cards[name]["components"]}["check"], 0.75, name)
        # Changing a library while the file loads is refused too: exit 3.
        self.load_fails("table.insert = nil\n", "cannot change table.insert")

    def test_L7_rawset_cannot_change_shared_tables(self):
        rules = (attack("rawset_G", 'rawset(_G, "load", function() return "evil" end)')
                 + attack("rawset_string", 'rawset(string, "rep", nil)')
                 + attack("rawset_math", 'rawset(math, "floor", print)')
                 + attack("unprotect", 'setmetatable(string, nil)'))
        check = ('score "check" { weight = 1, doc = "sees load and string.rep as they were",\n'
                 '  fn = function(rep, m)\n'
                 '    local ok = load("return 1")() == 1 and string.rep("a", 2) == "aa" and math.floor(1.5) == 1\n'
                 '      and rawget(_G, "load") == load\n'
                 '    return ok and 0.75 or 0 end }\n')
        cards, _ = self.eval_attack(rules, {"rawset_G": "globals cannot be set while rules run",
                                            "rawset_string": "read-only", "rawset_math": "read-only",
                                            "unprotect": "cannot change a protected metatable"},
                                    extra_files={"rules/45_check.lua": check})
        for name in sandbox.REPS:
            self.assertEqual({c["rule"]: c["value"] for c in cards[name]["components"]}["check"], 0.75, name)

    def test_L8_collectgarbage_offers_only_count(self):
        self.config("time_ms = 2000; memory_mb = 16; instructions = 1000000000;")
        rules = (attack("stop", 'collectgarbage("stop")')
                 + attack("generational", 'collectgarbage("generational")')
                 + attack("step", 'collectgarbage("step", 1e9)')
                 + attack("count_then_fill", 'assert(math.type(collectgarbage("count")) == "float")\n'
                                             'local t = {}\nfor i = 1, 1e9 do t[i] = {} end'))
        self.eval_attack(rules, {"stop": 'only "count"', "generational": 'only "count"', "step": 'only "count"',
                                 "count_then_fill": "memory limit of 16 MB exceeded"})

    def test_L9_finalizers_are_refused_and_the_run_ends(self):
        rules = (attack("gc_loop", 'setmetatable({}, {__gc = function() while true do end end})\n'
                                   'for i = 1, 1e4 do local _ = {} end')
                 + attack("gc_false", 'setmetatable({}, {__gc = false})')
                 + attack("gc_added_later", 'local mt = {}\nlocal t = setmetatable({}, mt)\n'
                                            'mt.__gc = function() while true do end end\n'
                                            't = nil\nfor i = 1, 1e4 do local _ = {} end\n'
                                            'error("no finalizer ran")'))
        self.eval_attack(rules, {"gc_loop": "'__gc' is not available to rules",
                                 "gc_false": "'__gc' is not available to rules",
                                 "gc_added_later": "no finalizer ran"})

    def test_L10_concat_metamethod_is_refused(self):
        rules = (attack("concat", 'local depth = 0\nlocal t\n'
                                  't = setmetatable({}, {__concat = function(a, b)\n'
                                  '  depth = depth + 1\n  if depth < 20000 then return "a" .. "b" .. t .. "c" end\n'
                                  '  return "x" end})\n'
                                  'return "a" .. "b" .. t .. "c" .. "d"')
                 + attack("concat_added_later", 'local mt = {}\nlocal t = setmetatable({}, mt)\n'
                                                'mt.__concat = function() return "x" end\n'
                                                'return "a" .. "b" .. t .. "c"'))
        self.eval_attack(rules, {"concat": "'__concat' is not available to rules",
                                 "concat_added_later": "attempt to concatenate a table value"})

    def test_L11_coroutine_close_and_to_be_closed_values_are_not_offered(self):
        rules = (attack("coroutine", 'return coroutine.close(coroutine.create(print))')
                 + attack("close_metamethod", 'local x <close> = setmetatable({}, {__close = function() end})')
                 + attack("close_plain", 'local y <close> = {}'))
        self.eval_attack(rules, {"coroutine": "global 'coroutine'",
                                 "close_metamethod": "'__close' is not available to rules",
                                 "close_plain": "non-closable value"})

    def test_L12_weak_tables_are_refused(self):
        self.config("time_ms = 2000; memory_mb = 16; instructions = 1000000000;")
        rules = (attack("weak_values", 'local mt = setmetatable({}, {__mode = "v"})\nmt.__newindex = {}\n'
                                       'local t = setmetatable({}, mt)\nfor i = 1, 1e9 do t[i] = i end')
                 + attack("weak_keys", 'setmetatable({}, {__mode = "k"})'))
        self.eval_attack(rules, {"weak_values": "'__mode' is not available to rules",
                                 "weak_keys": "'__mode' is not available to rules"})

    def test_L13_infinite_loops_end_at_the_time_limit(self):
        self.config(NO_TIME_BUDGET)
        rules = (attack("while_loop", 'while true do end')
                 + attack("repeat_loop", 'repeat until false')
                 + attack("for_loop", 'for i = 1, math.huge do end')
                 + attack("goto_loop", '::top:: goto top'))
        self.eval_attack(rules, {name: "time limit of 300 ms exceeded (sandbox.time_ms)"
                                 for name in ("while_loop", "repeat_loop", "for_loop", "goto_loop")})
        # With the default budget the instruction count ends them first.
        self.config("time_ms = 300;")
        self.eval_attack(attack("while_loop", 'while true do end'),
                         {"while_loop": "instruction budget of 1000000 exceeded (sandbox.instructions)"})

    def test_L14_limit_errors_cannot_be_caught_or_turned_into_loops(self):
        self.config(NO_TIME_BUDGET)
        rules = (attack("pcall_loop", 'while true do pcall(function() while true do end end) end')
                 + attack("catch_and_return", 'pcall(function() while true do end end)\nreturn 1, "escaped"')
                 + attack("xpcall_handler_loop", 'xpcall(function() while true do end end,\n'
                                                 '  function() while true do end end)\nreturn 1')
                 + attack("error_object_loops", 'error(setmetatable({}, {__tostring = function()\n'
                                                '  while true do end end}))'))
        self.eval_attack(rules, {"pcall_loop": "time limit of 300 ms exceeded",
                                 "catch_and_return": "time limit of 300 ms exceeded",
                                 "xpcall_handler_loop": "time limit of 300 ms exceeded",
                                 "error_object_loops": "error object is a table value"})

    def test_L15_loops_cannot_hide_in_coroutines(self):
        rules = (attack("wrap_loop", 'coroutine.wrap(function() while true do end end)()')
                 + attack("resume_loop", 'while true do\n'
                                         '  pcall(coroutine.resume, coroutine.create(function() while true do end end))\n'
                                         'end'))
        self.eval_attack(rules, {"wrap_loop": "global 'coroutine'", "resume_loop": "global 'coroutine'"})

    def test_L16_pattern_matching_bomb_is_a_rule_error_within_the_deadline(self):
        self.config(NO_TIME_BUDGET)
        rules = (attack("find_bomb", 'string.find(("a"):rep(300), ".-.-.-.-b")')
                 + attack("greedy_bomb", 'return ("a"):rep(1e4):find("a*a*a*a*b")')
                 + attack("gmatch_bomb", 'for x in ("a"):rep(300):gmatch(".-.-.-.-b") do end')
                 + attack("gsub_bomb", 'return ("a"):rep(300):gsub(".-.-.-.-b", "")')
                 + attack("optional_bomb", 'return ("a"):rep(60):match(("a?"):rep(60) .. ("a"):rep(60) .. "b")')
                 + attack("long_pattern", 'return ("x"):rep(3e5):find(("x?"):rep(199) .. "y")'))
        self.eval_attack(rules, {"find_bomb": "time limit of 300 ms exceeded in string.find",
                                 "greedy_bomb": "time limit of 300 ms exceeded in string.find",
                                 "gmatch_bomb": "time limit of 300 ms exceeded in string.gmatch",
                                 "gsub_bomb": "time limit of 300 ms exceeded in string.gsub",
                                 "optional_bomb": "time limit of 300 ms exceeded in string.match",
                                 "long_pattern": ("pattern too complex", "exceeded in string.find")})
        # With the default budget, the matcher's steps use it up first.
        self.config("time_ms = 300;")
        self.eval_attack(attack("find_bomb", 'string.find(("a"):rep(300), ".-.-.-.-b")'),
                         {"find_bomb": "instruction budget of 1000000 exceeded in string.find"})

    def test_L17_long_c_loops_are_refused_or_charged(self):
        # A clock of 5 s: what stops these quickly is the C work each call
        # charges to the instruction budget (or a refusal up front).
        self.config("time_ms = 5000;")
        rules = (attack("rep_empty", 'return string.rep("", 1e12)')
                 + attack("rep_big", 'return string.rep("ab", 3e7)')
                 + attack("move_range", 'table.move({}, 1, 3e9, 2)')
                 + attack("plain_find", 'local r = string.find(("a"):rep(4e6), ("a"):rep(4e5) .. "b", 1, true)\n'
                                        'error("plain find gave " .. tostring(r))')
                 + attack("concat_c_index", 'local t = setmetatable({}, {__index = tostring})\n'
                                            'return table.concat(t, "", 1, 1e12)')
                 + attack("insert_shift", 'local t = setmetatable({}, {__len = function() return 1e12 end})\n'
                                          'table.insert(t, 1, 0)')
                 + attack("utf8_scans", 'local s = ("a"):rep(1e7)\nfor i = 1, 1e6 do utf8.len(s) end'))
        self.eval_attack(rules, {"rep_empty": "1000000000000 copies",
                                 "rep_big": "the result would be 60000000 bytes",
                                 "move_range": "instruction budget of 1000000 exceeded in table.move",
                                 "plain_find": "plain find gave nil",
                                 "concat_c_index": "exceeded in table.concat",
                                 "insert_shift": "exceeded in table.insert",
                                 "utf8_scans": "exceeded in utf8.len"})
        # Sorting a million numbers with the C comparison is stopped at the deadline.
        self.config("time_ms = 300; instructions = 1000000000;")
        self.eval_attack(attack("sort_million", 'local t = {}\nfor i = 1, 1e6 do t[i] = (i * 7919) % 1000003 end\n'
                                                'table.sort(t)'),
                         {"sort_million": "time limit of 300 ms exceeded in table.sort"})

    def test_L18_memory_bombs_end_at_the_memory_limit(self):
        self.config("time_ms = 3000; memory_mb = 16; instructions = 1000000000;")
        rules = (attack("rep_gigabyte", 'return ("x"):rep(2^30)')
                 + attack("pcall_then_grow", 'for i = 1, 100 do pcall(string.rep, "x", 2^24) end\n'
                                             'local t = {}\nwhile true do t[#t + 1] = ("x"):rep(2^20) .. #t end')
                 + attack("many_strings", 'local t = {}\nfor i = 1, 1e9 do t[i] = tostring(i) .. "........" end')
                 + attack("concat_parts", 'local parts = {}\nfor i = 1, 20 do parts[i] = ("x"):rep(4e6) end\n'
                                          'for j = 1, 100 do table.concat(parts) end')
                 + attack("sparse_keys", 'local t = {}\nt[2^62] = 1\nt[2^53] = 2\nerror("sparse keys are fine")'))
        self.eval_attack(rules, {"rep_gigabyte": "strings built in one call are limited to 16 MiB",
                                 "pcall_then_grow": "memory limit of 16 MB exceeded",
                                 "many_strings": "memory limit of 16 MB exceeded",
                                 "concat_parts": "memory limit of 16 MB exceeded",
                                 "sparse_keys": "sparse keys are fine"}, max_seconds=10)

    def test_L19_deep_recursion_is_a_clean_error(self):
        self.config("time_ms = 3000; instructions = 1000000000;")
        rules = attack("recurse", 'local function f() return 1 + f() end\nreturn f()')
        self.eval_attack(rules, {"recurse": ("stack overflow", "memory limit of 64 MB exceeded")}, max_seconds=10)

    def test_L20_c_stack_recursion_is_a_clean_error(self):
        rules = (attack("index_recursion", 'local t = setmetatable({}, {__index = function(t, k) return t[k] end})\n'
                                           'return t.x')
                 + attack("gsub_recursion", 'local function f(s) return (s:gsub(".", f)) end\nreturn f("ab")')
                 + attack("tostring_recursion", 'local t\nt = setmetatable({}, {__tostring = function(x)\n'
                                                '  return tostring(x) end})\nreturn tostring(t)')
                 + attack("deep_parens", 'local f, err = load("return " .. ("("):rep(1e5) .. "1" .. (")"):rep(1e5))\n'
                                         'error(err)')
                 + attack("long_concat", 'local f, err = load("return " .. ("\'a\' .. "):rep(1e5) .. "\'a\'")\n'
                                         'error(err)'))
        overflow = ("stack overflow", "C levels", "syntax levels")
        self.eval_attack(rules, {"index_recursion": overflow, "gsub_recursion": overflow,
                                 "tostring_recursion": overflow, "deep_parens": overflow,
                                 "long_concat": overflow})

    def test_L21_host_allocations_between_calls_survive_a_full_heap(self):
        # Ben's "hoard" fills the heap to its last bytes with live data (a
        # list of small nodes, so no big block fails early; no garbage left
        # behind, not even an error message, and Ben's own object kept) and
        # keeps it.  The host then
        # builds Cara's objects outside any rule call, before "release" lets
        # the hoard go (scores run before coaching, and this file sorts
        # first: "release" is the first rule each rep runs).
        self.config("time_ms = 3000; memory_mb = 8; instructions = 1000000000;")
        rules = ('local hoard\n'
                 'local function fill(size)\n'
                 '  local n = 0\n'
                 '  while true do n = n + 1 hoard = { hoard, ("x"):rep(size) .. n } end\n'
                 'end\n'
                 'score "release" { weight = 1, doc = "lets the hoard go",\n'
                 '  fn = function(rep, m) hoard = nil return 0.5 end }\n'
                 + attack("hoard", 'hoard = { rep } -- kept: the host drops its own reference after Ben\n'
                                   'local size = 65536\n'
                                   'while size >= 1 do pcall(fill, size) size = size // 4 end\n'
                                   'error(false)',
                          kind="coach"))
        self.eval_attack(rules, {"hoard": "error object is a boolean value"}, path="rules/15_hoard.lua")

    def test_L22_host_pushes_check_the_stack(self):
        rules = (attack("unpack_many", 'return select("#", table.unpack({}, 1, 1e7))')
                 + attack("byte_slice", 'return string.byte(("x"):rep(2e6), 1, -1)')
                 + attack("codepoint_slice", 'return utf8.codepoint(("x"):rep(2e6), 1, -1)')
                 + attack("wide_row", 'local cols = {}\nfor i = 1, 2000 do cols[i] = i .. " AS c" .. i end\n'
                                      'local n, last = 0\n'
                                      'for row in huddle.db.rows("SELECT " .. table.concat(cols, ", "), {}) do\n'
                                      '  n = n + 1\n  last = row.c2000\nend\n'
                                      'error("rows " .. n .. ", c2000 = " .. tostring(last))'))
        self.eval_attack(rules, {"unpack_many": "too many results to unpack",
                                 "byte_slice": "string slice too long",
                                 "codepoint_slice": "string slice too long",
                                 "wide_row": ("rows 1, c2000 = 2000", "too many columns")})

    def test_L23_hostile_return_values_are_reported_not_followed(self):
        rules = (attack("metamethods", 'return setmetatable({}, {__index = function() error("x") end,\n'
                                       '  __len = function() while true do end end,\n'
                                       '  __tostring = function() while true do end end})')
                 + attack("cycle", 'local t = {}\nt[1] = t\nreturn t')
                 + attack("deep_nesting", 'local t = {}\nfor i = 1, 1e5 do t = {t} end\nreturn t')
                 + attack("function_value", 'return print')
                 + attack("userdata_value", 'return m'))
        self.eval_attack(rules, {"metamethods": "score returned a table", "cycle": "score returned a table",
                                 "deep_nesting": "score returned a table",
                                 "function_value": "score returned a function",
                                 "userdata_value": "score returned a userdata"})

    def test_L24_no_addresses_reach_the_output(self):
        rules = (attack("tostring_values", 'error(table.concat({tostring({}), tostring(print), tostring(function() end),\n'
                                           '  string.format("%s %s %5.3s", {}, print, {}),\n'
                                           '  tostring(setmetatable({}, {__name = "Thing"}))}, " "))')
                 + attack("format_p", 'return string.format("%p", {})')
                 + attack("print_values", 'print({}, print, setmetatable({}, {__name = "Thing"}))\nerror("printed")'))
        cards, r = self.eval_attack(rules, {"tostring_values": "table function function table function   tab Thing",
                                            "format_p": "'%p' would show a memory address",
                                            "print_values": "printed"})
        self.assertIn("huddle: rule: table\tfunction\tThing\n", r.err)
        for text in (r.out, r.err):
            self.assertIsNone(re.search(r"0x[0-9a-f]{6,}", text), "an address leaked")

    def test_L25_output_and_results_are_limited(self):
        rules = (attack("print_flood", 'local line = ("x"):rep(5000)\nfor i = 1, 1e5 do print(line) end\n'
                                       'warn("@on")')
                 + attack("huge_result", 'return 0.5, ("y"):rep(1e6)'))
        cards, r = self.eval_attack(rules, {"print_flood": "global 'warn'",
                                            "huge_result": "results are limited to 64 KiB"})
        lines = r.err.splitlines()
        printed = [line for line in lines if line.startswith("huddle: rule: x")]
        self.assertEqual(len(printed), 200)
        self.assertTrue(all(len(line) <= 1100 for line in printed))
        self.assertIn("huddle: rule: (more output suppressed: 200 lines per run)", lines)
        self.assertLess(len(r.err), 300 * 1024)
        self.assertLess(len(r.out), 64 * 1024)

    def test_L26_load_is_text_only_and_cannot_pose_as_a_rule_file(self):
        rules = (attack("reader_function", 'return load(function() return ("x"):rep(1e6) end)')
                 + attack("spoofed_name", 'local f = load("error(\'boom\')", "@rules/20_good.lua")\nf()')
                 + attack("spoofed_env", 'load("x_spoofed = 1", "=spoofed", "t", _G)()')
                 + attack("too_long", 'local f, err = load(("x = 1 "):rep(2e5))\nerror(err)'))
        cards, _ = self.eval_attack(rules, {"reader_function": "string expected, got function",
                                            "spoofed_name": "(load):1: boom",
                                            "spoofed_env": "cannot set the global 'x_spoofed'",
                                            "too_long": "over the limit of 1024 KiB"})
        for e in cards["Ben"]["errors"]:
            self.assertNotIn("20_good", e["where"] + e["message"])
            self.assertNotIn("spoofed:", e["where"] + e["message"])

    def test_L27_locale_cannot_be_changed(self):
        rules = attack("setlocale", 'os.setlocale("de_DE.UTF-8")\nos.setlocale("C.UTF-8", "numeric")')
        # rules/40_after.lua checks tostring(1.5) for every rep.
        self.eval_attack(rules, {"setlocale": "field 'setlocale'"})

    # Not a row of the checklist, but the same promise: a rule folder cannot
    # hang the host.  hd_lua_loadfile refuses anything but a regular file of
    # at most 4 MiB; rules.c still opens every file before that.
    def test_rule_files_must_be_regular_files(self):
        os.mkfifo(os.path.join(self.tmp, "rules", "25_fifo.lua"))
        os.symlink("/dev/zero", os.path.join(self.tmp, "rules", "26_zero.lua"))
        before = self.snapshot()
        r = self.huddle("eval", "--db", "team.db", "--format", "json", *sandbox.PERIOD, timeout=10)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("rules/25_fifo.lua: not a regular file", r.err)
        self.assertIn("rules/26_zero.lua: not a regular file", r.err)
        self.assertEqual(self.snapshot(), before)


if __name__ == "__main__":
    sandbox.main()
