"""What plugins give rules, through the real executable: Lua functions as
huddle.<plugin>.<name> (read-only, under the sandbox's limits) and metrics
computed in C, read as m.NAME like any metric, once per period; the
bundled stats plugin's functions and its metric; m.members.

A hand-made team (src/tally.c says what the tally plugin computes):

    West (1): Ana (1), Ben (2)        East (2): Cy (3)
    deals created in 2026-Q3: Ana 2; in Q2: Ana 1, Ben 1
    won in Q3: Ana 300, Ben 100, Cy 100

    python3 test_host_api.py /path/to/huddle /path/to/source
"""

import os

import plugintest
from plugintest import PERIOD, PluginCase, insert

WON = '''metric "won" {
  doc = "won in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won'
          AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]],
  default = 0,
}
'''

PROBE = WON + '''
score "probe" { weight = 1, doc = "what plugins give rules", fn = function(rep, m)
  return 0.5, string.format("created %s, before %s, scaled %s, team day %s, org %s, runs %d/%d",
    tostring(m.tally_created), tostring(m.prev.tally_created), tostring(huddle.tally.scale(7)),
    tostring(m.tally_as_of_day), tostring(m.org_won_percentile),
    huddle.tally.runs("tally_created"), huddle.tally.runs("tally_as_of_day"))
end }

score "broken_reader" { weight = 1, doc = "reads the metric that fails", fn = function(rep, m)
  return m.tally_broken -- BROKEN
end }

score "broken_runs" { weight = 1, doc = "after the metric that failed", fn = function(rep, m)
  return 0.25, "broken ran " .. huddle.tally.runs("tally_broken")
end }

score "members_probe" { weight = 0, doc = "m.members in a rep rule", fn = function(rep, m)
  local ok, err = pcall(function() return m.members.tally_as_of_day end)
  return 0, string.format("team %s; before %s; %s", table.concat(m.members.won, " "),
    table.concat(m.prev.members.won, " "), err)
end }

score "team_probe" { subject = "team", weight = 1, doc = "a plugin's team metric", fn = function(team, m)
  local won = m.members.won
  return m.tally_as_of_day / 100, string.format("day %d; won %s; gini %.4f", m.tally_as_of_day,
    table.concat(won, " "), huddle.stats.gini(won))
end }
'''


class HostApi(PluginCase):

    def make_team(self):
        db = self.init_db()
        con = self.connect(db)
        insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
        insert(con, "reps", [{"id": 1, "name": "Ana", "team_id": 1}, {"id": 2, "name": "Ben", "team_id": 1},
                             {"id": 3, "name": "Cy", "team_id": 2}])

        def deal(i, rep, amount, stage, created, closed):
            return {"id": i, "rep_id": rep, "amount": amount, "stage": stage, "kind": "base",
                    "created_on": created, "closed_on": closed}
        insert(con, "deals", [deal(1, 1, 300, "won", "2026-07-05", "2026-08-01"),
                              deal(2, 1, 50, "open", "2026-09-30", None),
                              deal(3, 1, 10, "lost", "2026-04-10", "2026-05-01"),
                              deal(4, 2, 100, "won", "2026-06-30", "2026-07-01"),
                              deal(5, 3, 100, "won", "2026-03-01", "2026-09-15")])
        con.commit()
        con.close()
        self.tally = self.install("tally")
        self.write("huddle.cfg", '''database = "team.db";
scripts = [ "rules" ];
plugins = { dirs = [ "plugins" ]; load = [ "tally", "stats" ];
            tally = { factor = 3; }; };
''')

    def eval(self, *extra):
        return self.huddle("eval", "--format", "json", "--no-save", *PERIOD, *extra)

    def test_a_provider_that_never_returns_is_stopped_once_not_once_per_subject(self):
        self.make_team()
        self.write("huddle.cfg", 'database = "team.db";\nscripts = [ "rules" ];\n'
                   'sandbox = { time_ms = 300; sql_ms = 300; };\n'
                   'plugins = { dirs = [ "plugins" ]; load = [ "tally", "stats" ]; };\n')
        self.write("rules/spin.lua",
                   'score "spin_reader" { weight = 1, doc = "reads a metric whose provider hangs",\n'
                   '  fn = function(rep, m) return m.tally_spin end }\n'
                   'score "after" { weight = 1, doc = "runs after it", fn = function(rep, m) return 0.5 end }\n')
        r = self.eval()
        self.assertEqual(r.rc, 0, repr(r))
        out = r.json()
        for rep in out["reps"]:
            self.assertEqual(rep["score"], 50, rep)
            self.assertEqual([e["rule"] for e in rep["errors"]], ["spin_reader"], rep)
        self.assertIn("time limit", out["reps"][0]["errors"][0]["message"])
        for rep in out["reps"][1:]:
            self.assertIn("metric 'tally_spin': the provider was stopped: ", rep["errors"][0]["message"])
        # Once: a fresh worker does not run a provider that was stopped.
        self.assertEqual(self.marks().count("tally tally_spin"), 1, self.marks())

    def test_functions_and_metrics_of_a_plugin_reach_rules(self):
        self.make_team()
        self.write("rules/probe.lua", PROBE)
        r = self.eval()
        self.assertEqual(r.rc, 0, repr(r))
        out = r.json()
        where = "rules/probe.lua:%d" % plugintest.hcli.line_of(PROBE, "-- BROKEN")
        broken = ("plugin tally (%s): metric 'tally_broken': the tally_broken metric always fails; "
                  "that is what it is for" % self.tally)
        probes = {"Ana": "created 2, before 1, scaled 21.0, team day 30, org 100, runs 2/1",
                  "Ben": "created nil, before 1, scaled 21.0, team day 30, org 25, runs 2/1",
                  "Cy": "created nil, before nil, scaled 21.0, team day 30, org 25, runs 2/1"}
        # The rep's own team, the rep included; last period nobody won.
        teammates = {"Ana": ("300 100", "0 0"), "Ben": ("300 100", "0 0"), "Cy": ("100", "0")}
        pcall_at = "rules/probe.lua:%d" % plugintest.hcli.line_of(PROBE, "pcall(function() return m.members")
        self.assertEqual([s["name"] for s in out["reps"]], ["Ana", "Ben", "Cy"])
        for rep in out["reps"]:
            self.assertEqual(rep["score"], 37.5, rep)
            self.assertEqual(rep["components"], [
                {"rule": "probe", "value": 0.5, "raw": 0.5, "weight": 1, "why": probes[rep["name"]]},
                {"rule": "broken_reader", "value": None, "raw": None, "weight": 1, "why": None},
                {"rule": "broken_runs", "value": 0.25, "raw": 0.25, "weight": 1, "why": "broken ran 1"},
                {"rule": "members_probe", "value": 0, "raw": 0, "weight": 0,
                 "why": "team %s; before %s; %s: 'tally_as_of_day' is a team metric; m.members reads rep "
                        "metrics, one value per member" % (teammates[rep["name"]] + (pcall_at,))}],
                rep["name"])
            self.assertEqual(rep["errors"], [{"rule": "broken_reader", "where": where, "message": broken}])
        teams = {t["name"]: t for t in out["teams"]}
        self.assertEqual(teams["West"]["components"], [
            {"rule": "team_probe", "value": 0.3, "raw": 0.3, "weight": 1, "why": "day 30; won 300 100; gini 0.2500"}])
        self.assertEqual(teams["East"]["components"], [
            {"rule": "team_probe", "value": 0.3, "raw": 0.3, "weight": 1, "why": "day 30; won 100; gini 0.0000"}])
        self.assertEqual(teams["West"]["errors"], [])
        # The failing provider is reported where the rule read it, never as a crash.
        self.assertNotIn("crashed", r.err)

    def test_a_rule_metric_of_a_plugin_metric_name_is_an_error_naming_both(self):
        self.make_team()
        self.write("rules/mine.lua", 'metric "tally_created" { doc = "mine", sql = "SELECT 1, 2" }\n')
        msg = ("rules/mine.lua:1: metric 'tally_created': plugin tally (%s) provides a metric of that name; "
               "give this one another name" % self.tally)
        r = self.fails(3, "check")
        self.assertIn(msg, r.out)
        r = self.fails(3, "eval", "--no-save", *PERIOD)
        self.assertIn(msg, r.err)

    def test_check_lists_what_plugins_add(self):
        self.make_team()
        self.write("rules/probe.lua", WON)
        r = self.ok("check", "--list")
        lines = [" ".join(line.split()) for line in r.out.splitlines()]
        for want in ("from plugins:",
                     "metric rep tally_created tally deals created in the period",
                     "metric team tally_as_of_day tally day of month of the as-of date",
                     "metric rep org_won_percentile stats Where the rep's won revenue stands among all "
                     "reps evaluated: 0 lowest, 100 highest, ties share the middle",
                     "function - huddle.tally.scale tally x times plugins.tally.factor",
                     "function - huddle.stats.gini stats gini(array): Gini coefficient of amounts >= 0, "
                     "0 for an even spread; nil when all are 0",
                     "plugins add 5 metrics and 7 functions",
                     "ok: 1 rule files, 1 metrics, 0 rules"):
            self.assertIn(want, lines, r.out)

    def test_plugin_functions_are_read_only_for_rules(self):
        self.make_team()
        self.write("rules/probe.lua", WON + '''
score "writes" { weight = 1, doc = "tries to change what every rule shares", fn = function(rep, m)
  if rep.name == "Ana" then huddle.tally.scale = nil end
  if rep.name == "Ben" then huddle.tally = {} end
  if rep.name == "Cy" then rawset(huddle.tally, "scale", print) end
  return 0.5
end }
score "after" { weight = 1, doc = "runs after", fn = function(rep, m) return 0.5, tostring(huddle.tally.scale(2)) end }
''')
        out = self.eval()
        self.assertEqual(out.rc, 0, repr(out))
        errors = {s["name"]: s["errors"] for s in out.json()["reps"]}
        self.assertIn("cannot change huddle.tally.scale: every rule shares it, so it is read-only",
                      errors["Ana"][0]["message"])
        self.assertIn("cannot change huddle.tally: every rule shares it, so it is read-only",
                      errors["Ben"][0]["message"])
        self.assertIn("rawset: the table is read-only for rules", errors["Cy"][0]["message"])
        for rep in out.json()["reps"]:
            self.assertEqual(len(rep["errors"]), 1, rep)
            self.assertEqual([c["why"] for c in rep["components"] if c["rule"] == "after"], ["6.0"])

    def test_plugin_functions_count_against_the_instruction_budget(self):
        self.make_team()
        with open(os.path.join(self.tmp, "huddle.cfg"), "a") as f:
            # Time enough that only the budget can stop the loop, however
            # slow the machine (or a sanitizer) makes each sort.
            f.write("sandbox = { instructions = 2000000; time_ms = 120000; };\n")
        self.write("rules/probe.lua", WON + '''
local big = {}
for i = 1, 100000 do big[i] = i end  -- built while the file loads
score "loop" { weight = 1, doc = "sorts a big array again and again", fn = function(rep, m)
  for i = 1, 1000 do huddle.stats.percentile(big, 50) end
  return 1
end }
''')
        out = self.eval()
        self.assertEqual(out.rc, 0, repr(out))
        for rep in out.json()["reps"]:
            self.assertEqual([(e["rule"], e["message"]) for e in rep["errors"]],
                             [("loop", "instruction budget of 2000000 exceeded in huddle.stats.percentile "
                                       "(sandbox.instructions)")])

    def test_argument_errors_of_plugin_functions_are_rule_errors(self):
        self.make_team()
        self.write("rules/probe.lua", WON + '''
score "bad" { weight = 1, doc = "passes a string", fn = function(rep, m) return huddle.tally.scale("x") end }
''')
        out = self.eval()
        self.assertEqual(out.rc, 0, repr(out))
        for rep in out.json()["reps"]:
            self.assertEqual(len(rep["errors"]), 1)
            self.assertRegex(rep["errors"][0]["message"], r"bad argument #1 to '(huddle\.tally\.)?scale' "
                                                          r"\(number expected, got string\)")

    def test_team_balance_needs_the_stats_plugin_and_says_so(self):
        self.make_team()
        self.write("huddle.cfg", 'database = "team.db";\nplugins = { load = [ "csv" ]; };\n')
        out = self.eval()
        self.assertEqual(out.rc, 0, repr(out))
        for t in out.json()["teams"]:
            self.assertEqual([e["message"] for e in t["errors"] if e["rule"] == "team_balance"],
                             ["team_balance needs the stats plugin; 'huddle plugins' says why it is not "
                              "loaded"])

    def test_huddle_test_loads_the_configured_plugins(self):
        self.make_team()
        self.write("rules/probe.lua", WON)
        self.write("tests/probe.lua", '''
test("a plugin's function and metric in a rule test", function()
  local r = eval {
    period = "2026-Q3", as_of = "2026-09-30",
    rules = { "probe_rule.lua" },
    data = {
      teams = { { id = 1, name = "West" } },
      reps = { { id = 1, name = "Ana", team_id = 1 } },
      deals = { { id = 1, rep_id = 1, amount = 5, stage = "open", kind = "base", created_on = "2026-08-01" } },
    },
  }
  expect_eq(component(rep(r, "Ana"), "uses_tally").why, "1 created, 9.0")
end)
''')
        self.write("tests/probe_rule.lua", '''score "uses_tally" { weight = 1, doc = "tally in a test",
  fn = function(rep, m) return 1, m.tally_created .. " created, " .. huddle.tally.scale(3) end }
''')
        r = self.ok("test", "tests/probe.lua")
        self.assertTrue(r.out.endswith("1 passed, 0 failed\n"), repr(r))


class Stats(PluginCase):
    """huddle.stats.* on hand-computed cases: each case is a score of Ana's
    whose explanation is the value (%.10g) or whose error is the message."""

    CASES = [
        ("mean", "huddle.stats.mean({ 2, 4, 9 })", "5"),
        ("mean_empty", "huddle.stats.mean({})", "nil"),
        ("stdev_population", "huddle.stats.stdev({ 2, 4, 4, 4, 5, 5, 7, 9 })", "2"),
        ("stdev_one", "huddle.stats.stdev({ 3 })", "0"),
        ("percentile_mid", "huddle.stats.percentile({ 40, 10, 30, 20 }, 50)", "25"),
        ("percentile_ends", "huddle.stats.percentile({ 40, 10, 30, 20 }, 0) .. ' ' .. "
                            "huddle.stats.percentile({ 40, 10, 30, 20 }, 100)", "10.0 40.0"),
        ("percentile_90", "huddle.stats.percentile({ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 90)", "10"),
        ("percentile_keeps_the_array", "(function() local t = { 3, 1, 2 }; huddle.stats.percentile(t, 50); "
                                       "return t[1] * 100 + t[2] * 10 + t[3] end)()", "312"),
        ("zscore", "huddle.stats.zscore(9, { 2, 4, 4, 4, 5, 5, 7, 9 })", "2"),
        ("zscore_no_spread", "huddle.stats.zscore(1, { 5, 5 })", "nil"),
        ("gini_even", "huddle.stats.gini({ 7, 7, 7 })", "0"),
        ("gini_one_holds_all", "huddle.stats.gini({ 0, 0, 0, 12 })", "0.75"),
        ("gini_zeros", "huddle.stats.gini({ 0, 0 })", "nil"),
        ("gini_mixed", "huddle.stats.gini({ 1, 2, 3, 4 })", "0.25"),
        # Finite elements whose sums, differences or squares overflow (or
        # vanish) on the way: the statistic itself is in range, so it is
        # given; nil only for a z-score too large for any number.
        ("mean_near_the_largest_double", "huddle.stats.mean({ 1e308, 1e308 })", "1e+308"),
        ("mean_sum_beyond_the_largest", "huddle.stats.mean({ 1e308, 1e308, -1e308 })", "3.333333333e+307"),
        ("stdev_spread_beyond_the_largest", "huddle.stats.stdev({ 1e308, -1e308 })", "1e+308"),
        ("stdev_squares_below_the_smallest", "huddle.stats.stdev({ 1e-200, 3e-200 })", "1e-200"),
        ("percentile_gap_beyond_the_largest", "huddle.stats.percentile({ 1e308, -1e308 }, 25)", "-5e+307"),
        ("zscore_spread_beyond_the_largest", "huddle.stats.zscore(1e308, { -1e308, 1e308 })", "1"),
        ("zscore_distance_beyond_the_largest", "huddle.stats.zscore(-1.5e308, { 1.5e308, 1.4e308 })", "-59"),
        ("zscore_itself_beyond_the_largest", "huddle.stats.zscore(1e308, { 0, 1e-100 })", "nil"),
        ("gini_total_beyond_the_largest", "huddle.stats.gini({ 1e308, 0, 1e308 })", "0.3333333333"),
        ("not_a_number", "huddle.stats.mean({ 1, 2, '3' })",
         "error: bad argument #1 to 'mean' (element 3 is string, not a number)"),
        ("hole", "huddle.stats.stdev({ 1, nil, 3 })",
         "error: bad argument #1 to 'stdev' (element 2 is nil, not a number)"),
        ("nan", "huddle.stats.gini({ 1, 0/0 })", "error: bad argument #1 to 'gini' (element 2 is NaN)"),
        ("inf", "huddle.stats.mean({ math.huge })", "error: bad argument #1 to 'mean' (element 1 is infinite)"),
        ("p_range", "huddle.stats.percentile({ 1 }, 101)",
         "error: bad argument #2 to 'percentile' (a percentile is between 0 and 100)"),
        ("p_nan", "huddle.stats.percentile({ 1 }, 0/0)",
         "error: bad argument #2 to 'percentile' (NaN is not a number here)"),
        ("x_inf", "huddle.stats.zscore(-math.huge, { 1, 2 })",
         "error: bad argument #1 to 'zscore' (an infinity is not allowed here)"),
        ("negative", "huddle.stats.gini({ 3, -1 })", "error: bad argument #1 to 'gini' (element 2 is negative; "
                                                    "the Gini coefficient is for amounts of 0 or more)"),
        ("not_a_table", "huddle.stats.mean(3)", "error: bad argument #1 to 'mean' (table expected, got number)"),
        ("too_long", "(function() local t = {}; for i = 1, 1048577 do t[i] = 1 end; "
                     "return huddle.stats.mean(t) end)()",
         "error: bad argument #1 to 'mean' (1048577 elements; at most 1048576)"),
    ]

    def test_each_function_on_hand_computed_cases(self):
        db = self.init_db()
        con = self.connect(db)
        insert(con, "teams", [{"id": 1, "name": "West"}])
        insert(con, "reps", [{"id": 1, "name": "Ana", "team_id": 1}])
        con.commit()
        con.close()
        self.write("huddle.cfg", 'database = "team.db";\nscripts = [ "rules" ];\n'
                   'sandbox = { instructions = 50000000; memory_mb = 256; time_ms = 20000; };\n')
        rules = []
        for name, expr, _ in self.CASES:
            rules.append('score "%s" { weight = 1, doc = "case", fn = function(rep, m)\n'
                         '  local v = %s\n'
                         '  return 0.5, type(v) == "number" and string.format("%%.10g", v) or tostring(v)\n'
                         'end }\n' % (name, expr))
        self.write("rules/cases.lua", "".join(rules))
        r = self.huddle("eval", "--format", "json", "--no-save", *PERIOD)
        self.assertEqual(r.rc, 0, repr(r))
        ana = r.json()["reps"][0]
        got = {c["rule"]: c["why"] for c in ana["components"] if c["value"] is not None}
        got.update({e["rule"]: "error: " + e["message"] for e in ana["errors"]})
        for name, expr, want in self.CASES:
            with self.subTest(name):
                self.assertEqual(got.get(name), want, expr)

    def test_org_won_percentile_ranks_every_rep_evaluated(self):
        db = self.init_db()
        con = self.connect(db)
        insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
        insert(con, "reps", [{"id": i, "name": n, "team_id": t, "active": a}
                             for i, n, t, a in ((1, "Ana", 1, 1), (2, "Ben", 1, 1), (3, "Cy", 2, 1),
                                                (4, "Dee", 2, 1), (5, "Gone", 2, 0))])
        # Won in Q3: Ana 300, Ben 100, Cy 100, Dee nothing; Gone (inactive) 900 does not count.
        insert(con, "deals", [{"id": i, "rep_id": rep, "amount": amt, "stage": "won", "kind": "base",
                               "created_on": "2026-07-01", "closed_on": "2026-08-01"}
                              for i, rep, amt in ((1, 1, 300), (2, 2, 60), (3, 2, 40), (4, 3, 100),
                                                  (5, 5, 900))])
        con.commit()
        con.close()
        self.write("huddle.cfg", 'database = "team.db";\nscripts = [ "rules" ];\n')
        self.write("rules/org.lua", '''score "org" { weight = 1, doc = "org standing",
  fn = function(rep, m) return m.org_won_percentile / 100, tostring(m.org_won_percentile) end }
score "org_prev" { weight = 0, doc = "last period: nobody won",
  fn = function(rep, m) return 0, tostring(m.prev.org_won_percentile) end }
''')
        r = self.huddle("eval", "--format", "json", "--no-save", *PERIOD)
        self.assertEqual(r.rc, 0, repr(r))
        # sorted: Dee 0 | Ben 100, Cy 100 (ranks 1 and 2 share 1.5) | Ana 300; over n - 1 = 3
        want = {"Ana": "100", "Ben": "50", "Cy": "50", "Dee": "0"}
        got = {s["name"]: [c["why"] for c in s["components"]] for s in r.json()["reps"]}
        self.assertEqual(got, {n: [w, "50"] for n, w in want.items()})


if __name__ == "__main__":
    plugintest.hcli.main()
