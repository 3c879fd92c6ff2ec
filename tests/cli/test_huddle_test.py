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


if __name__ == "__main__":
    hcli.main()
