#!/usr/bin/env python3
"""huddle test FILE...: Lua rule tests (SPEC section 5.6)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hcli
from hcli import line_of

FIXTURE = '''
local data = {
  teams  = { { id = 1, name = "West" } },
  reps   = { { id = 1, name = "Ana", team_id = 1 } },
  quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
  deals  = { { id = 1, rep_id = 1, amount = 500, stage = "won", kind = "base",
               created_on = "2026-07-01", closed_on = "2026-09-30" } },
}
'''

PASSING = FIXTURE + '''
test("a deal closed on the last day counts", function()
  local r = eval { period = "2026-Q3", as_of = "2026-09-30", data = data }
  local ana = rep(r, "Ana")
  expect_eq(r.run.period, "2026-Q3")
  expect_eq(ana.id, 1)
  expect_near(component(ana, "attainment").value, 0.5 / 1.2, 1e-9)
  expect_true(component(ana, "pacing") ~= nil)
  expect_nil(recognized(ana, "no_such_policy"))
end)
'''

FAILING = FIXTURE + '''
test("the score is what I think it is", function()
  local r = eval { period = "2026-Q3", as_of = "2026-09-30", data = data }
  expect_eq(rep(r, 1).name, "Bob") -- FAILS HERE
end)
'''

OWN_RULES = '''
score "flat" { weight = 1, doc = "always a half", fn = function(rep, m) return 0.5, "half" end }
'''

OWN_TEST = '''
test("my own rule is loaded and weighted", function()
  local r = eval { period = "2026-07", data = { teams = { { id = 1, name = "W" } },
                   reps = { { id = 7, name = "Zoe", team_id = 1 } } },
                   rules = { "flat.lua" }, weights = { flat = 3 }, disabled = { "attainment" } }
  local zoe = rep(r, 7)
  expect_eq(component(zoe, "flat").why, "half")
  expect_eq(component(zoe, "flat").weight, 3)
  expect_nil(component(zoe, "attainment"))
  expect_eq(r.run.start, "2026-07-01")
  expect_eq(r.run.stop, "2026-08-01")
end)
'''

# Rules of our own (the config loads only these), so that every number
# below can be worked out by hand.
MY_RULES = '''metric "won" { doc = "won", default = 0,
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won'
          AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }
metric "quota" { doc = "quota",
  sql = [[SELECT rep_id, SUM(amount) FROM quotas WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY rep_id]] }
metric "attainment" { doc = "won over quota", fn = function(m) return huddle.ratio(m.won, m.quota) end }
metric "target" { subject = "team", doc = "group target",
  sql = [[SELECT team_id, SUM(amount) FROM team_targets WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY team_id]] }
score "attain" { weight = 60, doc = "attainment",
  fn = function(rep, m)
    local a = m.attainment
    if a == nil then return nil end
    return a, string.format("%.0f%% of quota", 100 * a)
  end }
score "growth" { weight = 40, doc = "growth on last period",
  fn = function(rep, m) return huddle.ratio(m.won, m.prev.won, 1) / 2 end }
recognize "closer" { doc = "won enough", message = "${name} won ${won}",
  when = function(rep, m) return m.won >= huddle.param("closer_min", 1000) end }
score "team_attain" { subject = "team", weight = 100, doc = "members' wins over the target",
  fn = function(team, m) return huddle.ratio(team:sum("won"), m.target) end }
'''

TABLES_TEST = '''
test("metric values as plain tables", function()
  local r = eval {
    period = "2026-Q3",
    teams = { { name = "West", metrics = { target = 2000 } } },
    reps = {
      { name = "Ana", team = "West", metrics = { won = 600, quota = 1000 }, prev = { won = 300 } },
      { name = "Ben", team = "West", metrics = { won = 1200 } },
    },
  }
  local ana, ben = rep(r, "Ana"), rep(r, "Ben")
  expect_eq(component(ana, "attain").value, 0.6)          -- attainment derived from won and quota
  expect_eq(component(ana, "attain").why, "60% of quota")
  expect_eq(component(ana, "growth").value, 1)            -- 600 over prev 300, halved
  expect_nil(component(ben, "attain").value)              -- no quota given: nil, as with no quota row
  expect_eq(component(ben, "growth").value, 0.5)          -- prev.won not given: its default 0
  expect_eq(recognized(ben, "closer").message, "Ben won 1200")
  expect_nil(recognized(ana, "closer"))
  expect_eq(component(team(r, "West"), "team_attain").value, 0.9)  -- (600 + 1200) / 2000
  expect_eq(ana.team, "West")
end)

test("a Lua metric given a value keeps it", function()
  local r = eval { period = "2026-Q3",
                   reps = { { name = "Ana", metrics = { won = 600, quota = 1000, attainment = 0.25 } } } }
  expect_eq(component(rep(r, "Ana"), "attain").value, 0.25)
  expect_eq(rep(r, "Ana").team, "Team")
end)

test("values and rows mix", function()
  local r = eval {
    period = "2026-Q3", params = { closer_min = 200 },
    reps = { { id = 7, name = "Zoe", metrics = { quota = 1000 }, strengths = { "Achiever", "Relator" } } },
    data = { deals = { { id = 1, rep_id = 7, amount = 250, stage = "won", kind = "base",
                         created_on = "2026-07-01", closed_on = "2026-07-02" } } },
  }
  expect_eq(component(rep(r, 7), "attain").value, 0.25)
  expect_eq(recognized(rep(r, 7), "closer").message, "Zoe won 250")
end)

test("teams as subjects, their reps as rows", function()
  local r = eval {
    period = "2026-Q3",
    teams = { { id = 5, name = "West", metrics = { target = 1000 } } },
    data = { reps = { { id = 1, name = "Ana", team_id = 5 } },
             deals = { { id = 1, rep_id = 1, amount = 900, stage = "won", kind = "base",
                         created_on = "2026-07-01", closed_on = "2026-07-02" } } },
  }
  expect_eq(component(team(r, "West"), "team_attain").value, 0.9)
end)
'''

# Each fails in one way; the exact report of each is checked below.
FAILURES = '''local function check_value(c, want)
  expect_near(c.value, want) -- HELPER
end

test("eq", function() expect_eq(1 + 1, 3) end) -- EQ
test("near", function() expect_near(0.5, 0.25, 0.01) end) -- NEAR
test("true", function() expect_true(nil) end) -- TRUE
test("false", function() expect_false("yes") end) -- FALSE
test("nil", function() expect_nil(0.1 + 0.2) end) -- NIL
test("nested", function()
  expect_eq({ rule = "a", parts = { 1, 2, { x = "y" } } }, { rule = "a", parts = { 1, 2, { x = "z" } } }) -- TABLES
end)
test("missing key", function() expect_eq({ a = 1 }, { a = 1, b = false }) end) -- MISSING
test("helper", function()
  check_value({ value = 0.5 }, 1) -- CALLS HELPER
end)
test("shown whole", function() expect_eq(nil, { 1, "two", { x = 3 }, b = true, a = 0.5 }) end) -- WHOLE
test("equal tables pass", function() expect_eq({ 1, { a = "b" } }, { 1, { a = "b" } }) end)
'''

BAD_FIXTURES = '''
test("unknown metric", function()
  eval { period = "2026-Q3", reps = { { name = "Ana", metrics = { wonn = 1 } } } } -- UNKNOWN
end)
test("team metric on a rep", function()
  eval { period = "2026-Q3", reps = { { name = "Ana", metrics = { target = 1 } } } } -- KIND
end)
test("rep metric on a team", function()
  eval { period = "2026-Q3", teams = { { name = "W", prev = { won = 1 } } } } -- TEAM KIND
end)
test("not a number", function()
  eval { period = "2026-Q3", reps = { { name = "Ana", metrics = { won = "lots" } } } } -- NAN
end)
test("unknown field", function()
  eval { period = "2026-Q3", reps = { { name = "Ana", metric = { won = 1 } } } } -- FIELD
end)
test("no name", function()
  eval { period = "2026-Q3", reps = { { team = "W" } } } -- NO NAME
end)
test("both ways", function()
  eval { period = "2026-Q3", reps = { { name = "A" } }, -- BOTH
         data = { reps = { { id = 1, name = "B", team_id = 1 } } } }
end)
test("who is there", function()
  local r = eval { period = "2026-Q3", reps = { { name = "Ana" }, { name = "Ben" } } }
  rep(r, "Cy") -- WHO
end)
'''


class HuddleTest(hcli.HuddleTestCase):

    def last_line(self, r):
        return r.out.rstrip("\n").splitlines()[-1]

    def test_passing_file_ends_with_1_passed_0_failed_and_exits_0(self):
        self.write("pass_test.lua", PASSING)
        r = self.ok("test", "pass_test.lua")
        self.assertEqual(self.last_line(r), "1 passed, 0 failed")
        self.assertIn("a deal closed on the last day counts", r.out)

    def test_failing_file_shows_name_file_line_expected_and_actual_and_exits_1(self):
        self.write("fail_test.lua", FAILING)
        r = self.fails(1, "test", "fail_test.lua")
        self.assertEqual(self.last_line(r), "0 passed, 1 failed")
        self.assertIn("FAIL", r.out)
        self.assertIn("the score is what I think it is", r.out)
        self.assertIn("fail_test.lua:%d" % line_of(FAILING, "-- FAILS HERE"), r.out)
        self.assertIn('expected "Bob"', r.out)
        self.assertIn('got "Ana"', r.out)

    def test_counts_add_up_over_several_files(self):
        self.write("pass_test.lua", PASSING)
        self.write("fail_test.lua", FAILING)
        r = self.fails(1, "test", "pass_test.lua", "fail_test.lua", "pass_test.lua")
        self.assertEqual(self.last_line(r), "2 passed, 1 failed")

    def test_tests_may_load_their_own_rules_weights_and_disabled_rules(self):
        self.write("t/flat.lua", OWN_RULES)
        self.write("t/own_test.lua", OWN_TEST)
        r = self.ok("test", "t/own_test.lua")
        self.assertEqual(self.last_line(r), "1 passed, 0 failed")

    def test_rules_option_adds_rules_for_every_test(self):
        self.write("flat.lua", OWN_RULES)
        self.write("opt_test.lua", 'test("flat is there", function()\n'
                   '  local r = eval { period = "2026-Q3", data = { teams = { { id = 1, name = "W" } },\n'
                   '    reps = { { id = 1, name = "A", team_id = 1 } } } }\n'
                   '  expect_eq(component(rep(r, 1), "flat").value, 0.5)\nend)\n')
        r = self.ok("test", "--rules", "flat.lua", "opt_test.lua")
        self.assertEqual(self.last_line(r), "1 passed, 0 failed")

    def test_a_lua_error_in_a_test_is_a_failure_with_file_and_line(self):
        self.write("err_test.lua", 'test("boom", function()\n  local x = nil\n  return x.y\nend)\n'
                   'test("fine", function() expect_true(true) end)\n')
        r = self.fails(1, "test", "err_test.lua")
        self.assertIn("err_test.lua:3", r.out)
        self.assertEqual(self.last_line(r), "1 passed, 1 failed")

    def test_a_file_that_does_not_load_counts_as_failed(self):
        self.write("syntax_test.lua", 'test("x", function()\n')
        r = self.fails(1, "test", "syntax_test.lua")
        self.assertIn("syntax_test.lua", r.out)
        self.assertEqual(self.last_line(r), "0 passed, 1 failed")

    def test_missing_file_counts_as_failed(self):
        r = self.fails(1, "test", "nope_test.lua")
        self.assertIn("nope_test.lua", r.out)
        self.assertEqual(self.last_line(r), "0 passed, 1 failed")

    def test_bad_fixture_row_fails_the_test_naming_the_table(self):
        self.write("fk_test.lua", 'test("fk", function()\n  eval { period = "2026-Q3", data = {\n'
                   '    reps = { { id = 1, name = "A", team_id = 9 } } } }\nend)\n')
        r = self.fails(1, "test", "fk_test.lua")
        self.assertIn("FAIL", r.out)
        self.assertIn("fk_test.lua:2", r.out)

    def test_no_file_is_a_usage_error(self):
        self.fails(2, "test")

    def test_the_bundled_rule_tests_pass(self):
        import glob
        import os
        files = sorted(glob.glob(os.path.join(hcli.SOURCE, "tests", "rules", "*_test.lua")))
        self.assertTrue(files)
        r = self.ok("test", *files)
        self.assertRegex(self.last_line(r), r"^\d+ passed, 0 failed$")

    def my_rules(self):
        self.write("rules/mine.lua", MY_RULES)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')

    def test_fixtures_as_lua_tables_give_subjects_and_metric_values_without_rows(self):
        self.my_rules()
        self.write("tables_test.lua", TABLES_TEST)
        r = self.ok("test", "tables_test.lua")
        self.assertEqual(r.out.splitlines(), [
            "ok   metric values as plain tables",
            "ok   a Lua metric given a value keeps it",
            "ok   values and rows mix",
            "ok   teams as subjects, their reps as rows",
            "4 passed, 0 failed",
        ])

    def test_the_values_really_come_from_the_tables(self):
        # The same tests against values the rules would turn into other
        # numbers: each assertion that depends on a value must fail.
        self.my_rules()
        self.write("tables_test.lua", TABLES_TEST.replace("won = 600, quota = 1000 }, prev", "won = 700, quota = 1000 }, prev")
                   .replace("prev = { won = 300 }", "prev = { won = 350 }"))
        r = self.fails(1, "test", "tables_test.lua")
        self.assertIn("       expected 0.6\n            got 0.7", r.out)
        self.assertEqual(self.last_line(r), "3 passed, 1 failed")

    def test_mistakes_in_a_table_fixture_name_the_entry_and_what_to_write(self):
        self.my_rules()
        self.write("bad_test.lua", BAD_FIXTURES)
        r = self.fails(1, "test", "bad_test.lua")
        at = lambda marker: "     bad_test.lua:%d: eval: " % line_of(BAD_FIXTURES, marker)
        self.assertEqual(r.out.splitlines(), [
            "FAIL unknown metric",
            at("UNKNOWN") + "reps[1]: metrics: unknown metric 'wonn' (did you mean 'won'?)",
            "FAIL team metric on a rep",
            at("KIND") + "reps[1]: metrics: 'target' is a team metric; give it to the rep's team in teams = { ... }",
            "FAIL rep metric on a team",
            at("TEAM KIND") + "teams[1]: prev: 'won' is a rep metric; give it to the reps in reps = { ... }",
            "FAIL not a number",
            at("NAN") + "reps[1]: metrics.won must be a number, not string",
            "FAIL unknown field",
            at("FIELD") + "reps[1]: unknown field 'metric' (did you mean 'metrics'?); a rep has id, name, team, "
            "email, role, hired_on, strengths, metrics, prev",
            "FAIL no name",
            at("NO NAME") + "reps[1]: give the name, like { name = \"Ana\", ... }",
            "FAIL both ways",
            at("BOTH") + "give reps and teams either as subjects (reps = {...}) or as rows "
            "(data = { reps = {...} }), not both",
            "FAIL who is there",
            "     bad_test.lua:%d: no rep \"Cy\" in the result (reps: Ana, Ben)" % line_of(BAD_FIXTURES, "WHO"),
            "0 passed, 8 failed",
        ])

    def test_failures_show_the_assertion_line_and_expected_and_actual_values(self):
        self.my_rules()
        self.write("f_test.lua", FAILURES)
        r = self.fails(1, "test", "f_test.lua")
        at = lambda marker: "     f_test.lua:%d: " % line_of(FAILURES, marker)
        self.assertEqual(r.out.splitlines(), [
            "FAIL eq", at("EQ") + "expect_eq",
            "       expected 3",
            "            got 2",
            "FAIL near", at("NEAR") + "expect_near",
            "       expected 0.25, within 0.01",
            "            got 0.5 (off by 0.25)",
            "FAIL true", at("TRUE") + "expect_true",
            "       expected a true value",
            "            got nil",
            "FAIL false", at("FALSE") + "expect_false",
            "       expected false or nil",
            "            got \"yes\"",
            "FAIL nil", at("NIL") + "expect_nil",
            "       expected nil",
            "            got 0.30000000000000004",
            "FAIL nested", at("TABLES") + "expect_eq: parts[3].x differs",
            "       expected \"z\"",
            "            got \"y\"",
            "FAIL missing key", at("MISSING") + "expect_eq: b differs",
            "       expected false",
            "            got nil",
            "FAIL helper", at("HELPER") + "expect_near, called from f_test.lua:%d" % line_of(FAILURES, "CALLS HELPER"),
            "       expected 1, within 1e-09",
            "            got 0.5 (off by 0.5)",
            "FAIL shown whole", at("WHOLE") + "expect_eq",
            "       expected { 1, \"two\", { x = 3 }, a = 0.5, b = true }",
            "            got nil",
            "ok   equal tables pass",
            "1 passed, 9 failed",
        ])

    def test_filter_runs_only_the_tests_whose_name_contains_it(self):
        self.my_rules()
        self.write("f_test.lua", FAILURES)
        self.write("tables_test.lua", TABLES_TEST)
        r = self.ok("test", "--filter", "tables", "f_test.lua", "tables_test.lua")
        self.assertEqual(r.out.splitlines(), [
            "ok   equal tables pass",
            "ok   metric values as plain tables",
            "12 tests left out by --filter",
            "2 passed, 0 failed",
        ])
        r = self.fails(1, "test", "--filter", "near", "--filter", "Lua metric", "f_test.lua", "tables_test.lua")
        self.assertEqual([l for l in r.out.splitlines() if l[:4] in ("ok  ", "FAIL")],
                         ["FAIL near", "ok   a Lua metric given a value keeps it"])
        self.assertEqual(self.last_line(r), "1 passed, 1 failed")

    def test_a_filter_that_matches_no_test_is_a_usage_error(self):
        self.my_rules()
        self.write("tables_test.lua", TABLES_TEST)
        r = self.fails(2, "test", "--filter", "no such test", "tables_test.lua")
        self.assertEqual(self.last_line(r), "0 passed, 0 failed")
        self.assertIn("no test name contains 'no such test'", r.err)


if __name__ == "__main__":
    hcli.main()
