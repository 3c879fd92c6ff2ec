#!/usr/bin/env python3
"""huddle backtest --periods P1..P2: each period evaluated without saving,
and how the recognition policies and coaching triggers behaved over the
range (SPEC section 3, issue 6).

The fixture is a small org whose every count is worked out below by hand,
with rules of its own so that nothing of the default rule set interferes.

    West (1): Ana (1), Ben (2), Cara (3), Hal (8, hired 2025-08-01: Q3 and Q4 only)
    East (2): Dev (4), Eve (5), Finn (6); Gil (7) is inactive and never evaluated

Won deals (closed_on, amount), 2025:
    Q1: Ana 02-10 6000, Ben 03-05 1500, Dev 01-20 200
    Q2: Ana 04-15 5000, Cara 06-30 1000
    Q3: Ana 07-01 800, Ben 08-20 2000, Hal 09-01 1200
    Q4: Eve 11-11 3000

Calls: Ana one in each quarter, Ben three in Q1, Dev one in Q2, Eve five in Q4.

Policies: closer (won >= 1000), solo_star (won >= 5000: only ever Ana),
unicorn (won >= 1e9: nobody).  Trigger: no_calls (no call in the period).
"""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import json

import hcli
from hcli import insert

RULES = r'''
metric "won" {
  doc = "Closed-won revenue in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "calls" {
  doc = "Calls logged in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM activities
          WHERE kind = 'call' AND occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "busy_score" {
  doc = "Calls, doubled: a Lua metric over activity alone",
  fn = function(m) return 2 * m.calls end,
}

score "winning" {
  weight = 1,
  doc = "Won revenue against 10000",
  fn = function(rep, m) return m.won / 10000 end,
}

recognize "closer" {
  doc = "Closed 1000 or more",
  when = function(rep, m) return m.won >= 1000 end,
  message = "${name} closed ${won}",
}

recognize "solo_star" {
  doc = "Closed 5000 or more",
  when = function(rep, m) return m.won >= 5000 end,
}

recognize "unicorn" {
  doc = "Closed a billion",
  when = function(rep, m) return m.won >= 1e9 end,
}

coach "no_calls" {
  severity = "medium",
  doc = "No call logged in the period",
  when = function(rep, m) return m.calls == 0 end,
  advice = "Pick up the phone",
}
'''

# Added with --rules: one rewards calls alone (through a Lua metric), one
# asks for calls and wins.
ACTIVITY_RULES = r'''
recognize "busy" {
  doc = "Three calls or more",
  when = function(rep, m) return m.busy_score >= 6 end,
  message = "${name} made ${calls} calls",
}

recognize "effective" {
  doc = "Calls that turned into wins",
  when = function(rep, m)
    return m.calls >= 1 and m["won"] > 0
  end,
}
'''

QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
ALL_REPS = ["Ana", "Ben", "Cara", "Dev", "Eve", "Finn", "Hal"]


def gini(counts):
    """Half the relative mean absolute difference, over every pair."""
    n, total = len(counts), sum(counts)
    return sum(abs(a - b) for a in counts for b in counts) / (2 * n * total)


class Backtest(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.db = self.init_db()
        self.write("myrules/rules.lua", RULES)
        self.write("extra/activity.lua", ACTIVITY_RULES)
        self.write("main.cfg", 'scripts = [ "myrules" ];\n')
        con = self.connect(self.db)
        insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
        reps = [(1, "Ana", 1), (2, "Ben", 1), (3, "Cara", 1), (4, "Dev", 2), (5, "Eve", 2),
                (6, "Finn", 2)]
        insert(con, "reps", [{"id": i, "name": n, "team_id": t, "hired_on": "2024-01-01"}
                             for i, n, t in reps])
        insert(con, "reps", [{"id": 7, "name": "Gil", "team_id": 2, "active": 0},
                             {"id": 8, "name": "Hal", "team_id": 1, "hired_on": "2025-08-01"}])
        deals = [(1, 6000, "2025-02-10"), (2, 1500, "2025-03-05"), (4, 200, "2025-01-20"),
                 (1, 5000, "2025-04-15"), (3, 1000, "2025-06-30"),
                 (1, 800, "2025-07-01"), (2, 2000, "2025-08-20"), (8, 1200, "2025-09-01"),
                 (5, 3000, "2025-11-11")]
        insert(con, "deals", [{"id": k + 1, "rep_id": r, "account": "acct", "amount": a,
                               "stage": "won", "kind": "base", "created_on": "2025-01-01",
                               "closed_on": d} for k, (r, a, d) in enumerate(deals)])
        calls = [(1, "2025-01-15"), (1, "2025-05-15"), (1, "2025-08-15"), (1, "2025-11-15"),
                 (2, "2025-01-02"), (2, "2025-02-02"), (2, "2025-03-02"), (4, "2025-04-04")]
        calls += [(5, "2025-10-%02d" % d) for d in range(1, 6)]
        insert(con, "activities", [{"id": k + 1, "rep_id": r, "kind": "call", "occurred_on": d}
                                   for k, (r, d) in enumerate(calls)])
        # An email is activity too, but not a call: no_calls still fires for Finn.
        insert(con, "activities", [{"id": 100, "rep_id": 6, "kind": "email",
                                    "occurred_on": "2025-02-02"}])
        con.commit()
        con.close()

    def backtest(self, *args):
        return self.ok("backtest", "--config", "main.cfg", "--db", self.db, *args)

    def json(self, *args):
        return self.backtest("--format", "json", *args).json()

    def policy(self, doc, name):
        for p in doc["recognitions"]:
            if p["policy"] == name:
                return p
        self.fail("no policy %s in %s" % (name, [p["policy"] for p in doc["recognitions"]]))

    def warnings(self, doc, kind):
        return sorted(w["policy"] for w in doc["warnings"] if w["kind"] == kind)

    # -- recognition over four quarters ------------------------------------

    def test_four_quarters_are_evaluated_each_as_of_its_last_day(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        self.assertEqual([p["period"] for p in d["periods"]], QUARTERS)
        self.assertEqual([p["as_of"] for p in d["periods"]],
                         ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"])
        self.assertEqual([p["reps"] for p in d["periods"]], [6, 6, 7, 7])
        self.assertEqual([p["teams"] for p in d["periods"]], [2, 2, 2, 2])
        self.assertEqual(d["backtest"]["from"], "2025-Q1")
        self.assertEqual(d["backtest"]["to"], "2025-Q4")
        self.assertEqual(d["backtest"]["reps"], 7)
        # Mean score: won / 10000 * 100 averaged over the reps evaluated.
        self.assertNear(d["periods"][0]["mean_score"], (60 + 15 + 2) / 6)
        self.assertNear(d["periods"][2]["mean_score"], (8 + 20 + 12) / 7)

    def test_closer_reach_concentration_and_gini_are_exact(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        p = self.policy(d, "closer")
        self.assertEqual(p["per_period"], [2, 2, 2, 1])
        self.assertEqual(p["total"], 7)
        self.assertEqual(p["reached"], 5)
        self.assertEqual(p["subjects"], 7)
        # Ana 2, Ben 2, Cara 1, Hal 1, Eve 1; Dev and Finn 0.  The top 10%
        # of 7 reps is one rep, with 2 of the 7.
        self.assertNear(p["top10_share"], 2 / 7)
        self.assertNear(p["gini"], gini([2, 2, 1, 1, 1, 0, 0]))
        self.assertEqual([(r["name"], r["count"]) for r in p["most_often"]],
                         [("Ana", 2), ("Ben", 2), ("Cara", 1), ("Eve", 1), ("Hal", 1)])

    def test_a_policy_that_reaches_nobody_is_warned_about(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        p = self.policy(d, "unicorn")
        self.assertEqual((p["total"], p["reached"], p["per_period"]), (0, 0, [0, 0, 0, 0]))
        self.assertIsNone(p["gini"])
        self.assertIsNone(p["top10_share"])
        self.assertEqual(self.warnings(d, "reaches_nobody"), ["unicorn"])
        out = self.backtest("--periods", "2025-Q1..2025-Q4").out
        self.assertIn("unicorn recognised nobody in 4 quarters", out)

    def test_a_policy_that_only_ever_reaches_one_rep_is_warned_about(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        p = self.policy(d, "solo_star")
        self.assertEqual((p["total"], p["reached"]), (2, 1))
        self.assertNear(p["top10_share"], 1.0)
        self.assertNear(p["gini"], gini([2, 0, 0, 0, 0, 0, 0]))
        self.assertEqual(self.warnings(d, "reaches_one"), ["solo_star"])
        out = self.backtest("--periods", "2025-Q1..2025-Q4").out
        self.assertIn("solo_star only ever recognised one rep, Ana (2 times in 4 quarters)", out)

    def test_reps_never_recognised_are_listed_exactly(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        self.assertEqual([(r["id"], r["name"], r["team"]) for r in d["never_recognised"]],
                         [(4, "Dev", "East"), (6, "Finn", "East")])
        out = self.backtest("--periods", "2025-Q1..2025-Q4").out
        self.assertIn("Never recognised: 2 of 7 reps", out)
        self.assertIn("Dev (East), Finn (East)", out)
        # Eve's only win is in Q4: over the first three quarters she joins them.
        d = self.json("--periods", "2025-Q1..2025-Q3")
        self.assertEqual([r["name"] for r in d["never_recognised"]], ["Dev", "Eve", "Finn"])

    # -- coaching -----------------------------------------------------------

    def test_trigger_counts_per_period_reach_and_most_often_are_exact(self):
        d = self.json("--periods", "2025-Q1..2025-Q4")
        (t,) = d["coaching"]
        self.assertEqual((t["trigger"], t["severity"]), ("no_calls", "medium"))
        # Q1 Cara Dev Eve Finn; Q2 Ben Cara Eve Finn; Q3 all but Ana;
        # Q4 Ben Cara Dev Finn Hal.
        self.assertEqual(t["per_period"], [4, 4, 6, 5])
        self.assertEqual(t["total"], 19)
        self.assertEqual(t["reached"], 6)
        self.assertEqual([(r["name"], r["count"]) for r in t["most_often"]],
                         [("Cara", 4), ("Finn", 4), ("Ben", 3), ("Dev", 3), ("Eve", 3), ("Hal", 2)])
        out = self.backtest("--periods", "2025-Q1..2025-Q4").out
        line = [l for l in out.splitlines() if l.strip().startswith("no_calls")][0]
        self.assertRegex(line, r"no_calls\s+medium\s+19\s+6 of 7\s+4\s+4\s+6\s+5\s+Cara 4, Finn 4, Ben 3$")

    # -- rewards of raw activity ----------------------------------------------

    def test_a_policy_on_activity_alone_is_warned_about_and_one_on_results_is_not(self):
        d = self.json("--periods", "2025-Q1..2025-Q4", "--rules", "extra")
        busy, effective = self.policy(d, "busy"), self.policy(d, "effective")
        # Ben's three calls in Q1, Eve's five in Q4.
        self.assertEqual(busy["per_period"], [1, 0, 0, 1])
        self.assertEqual(busy["reads"]["metrics"], ["busy_score"])
        self.assertTrue(busy["reads"]["activity_only"])
        self.assertEqual(effective["reads"]["metrics"], ["calls", "won"])
        self.assertFalse(effective["reads"]["activity_only"])
        for name in ("closer", "solo_star", "unicorn"):
            self.assertFalse(self.policy(d, name)["reads"]["activity_only"], name)
        self.assertEqual(self.warnings(d, "raw_activity_only"), ["busy"])
        out = self.backtest("--periods", "2025-Q1..2025-Q4", "--rules", "extra").out
        self.assertIn("busy rewards raw activity alone: all it reads (busy_score) counts logged calls", out)
        self.assertNotIn("effective rewards", out)

    def test_reads_the_scan_cannot_follow_are_never_warned_about(self):
        self.write("hidden/hidden.lua", r'''
local function calls_of(m) return m.calls end
recognize "hidden" {
  doc = "Calls, through a helper",
  when = function(rep, m) return calls_of(m) >= 3 end,
}
''')
        d = self.json("--periods", "2025-Q1..2025-Q4", "--rules", "hidden")
        p = self.policy(d, "hidden")
        self.assertEqual(p["per_period"], [1, 0, 0, 1])
        self.assertFalse(p["reads"]["activity_only"])
        self.assertIn("hands its metrics on", p["reads"]["not_followed"])
        self.assertEqual(self.warnings(d, "raw_activity_only"), [])

    def test_activity_data_is_the_activities_table_with_only_the_roster_beside_it(self):
        self.write("joins/joins.lua", r'''
metric "calls_since_hire" {
  doc = "Calls since the rep was hired (activities joined with the roster)",
  sql = [[SELECT a.rep_id, COUNT(*) FROM activities a JOIN reps r ON r.id = a.rep_id
          WHERE a.kind = 'call' AND a.occurred_on >= COALESCE(r.hired_on, :start)
            AND a.occurred_on >= :start AND a.occurred_on < :stop
          GROUP BY a.rep_id]],
  default = 0,
}
metric "calls_on_won_deals" {
  doc = "Calls on deals that were won (activities joined with results)",
  sql = [[SELECT a.rep_id, COUNT(*) FROM activities a JOIN deals d ON d.id = a.deal_id
          WHERE d.stage = 'won' AND a.occurred_on >= :start AND a.occurred_on < :stop
          GROUP BY a.rep_id]],
  default = 0,
}
recognize "hire_calls" {
  doc = "Calls since hire",
  when = function(rep, m) return m.calls_since_hire >= 3 end,
}
recognize "deal_calls" {
  doc = "Calls on won deals",
  when = function(rep, m) return m.calls_on_won_deals >= 1 end,
}
recognize "team_calls" {
  subject = "team",
  doc = "A team that calls",
  when = function(team, m) return team:sum("calls") >= 3 end,
}
''')
        d = self.json("--periods", "2025-Q1..2025-Q4", "--rules", "joins")
        self.assertEqual(self.warnings(d, "raw_activity_only"), ["hire_calls", "team_calls"])
        team = self.policy(d, "team_calls")
        # West: Ana 1 + Ben 3 calls in Q1; East: Eve's 5 in Q4.
        self.assertEqual((team["subject"], team["per_period"], team["reached"], team["subjects"]),
                         ("team", [1, 0, 0, 1], 2, 2))
        self.assertEqual(team["reads"]["metrics"], ["calls"])
        self.assertIn("\nRecognition of teams\n",
                      self.backtest("--periods", "2025-Q1..2025-Q4", "--rules", "joins").out)

    def test_comments_and_strings_are_not_reads_and_unfollowable_reads_are_named(self):
        # One-line definitions, a long comment, a long string running on after
        # the function's last line: the scan reads the function's own text.
        self.write("odd/odd.lua", r'''
recognize "commented" { doc = "x", when = function(rep, m) --[==[ m.won ]==] return m["calls"] > 99 end, message = [[
${name} "called" --]] }
recognize "quoted" { doc = "x", when = function(rep, m) local s = "m.won" .. 'm.won\'' return m.prev.calls > 99 end }
recognize "computed" { doc = "x", when = function(rep, m) local k = "calls" return m[k] > 99 end }
recognize "queried" { doc = "x", when = function(rep, m) return huddle.db.value("SELECT 0") == 1 end }
recognize "teammates" { doc = "x", when = function(rep, m) return rep.team:avg("won") > 1e12 end }
''')
        d = self.json("--periods", "2025-Q1", "--rules", "odd")
        reads = {name: self.policy(d, name)["reads"]
                 for name in ("commented", "quoted", "computed", "queried", "teammates")}
        self.assertEqual(reads["commented"], {"metrics": ["calls"], "activity_only": True,
                                              "not_followed": None})
        self.assertEqual(reads["quoted"]["metrics"], ["calls"])
        self.assertIn("computed name", reads["computed"]["not_followed"])
        self.assertIn("huddle.db", reads["queried"]["not_followed"])
        self.assertEqual(reads["teammates"], {"metrics": ["won"], "activity_only": False,
                                              "not_followed": None})
        self.assertEqual(self.warnings(d, "raw_activity_only"), ["commented", "quoted"])

    # -- other kinds of period ----------------------------------------------

    def test_a_range_of_months(self):
        d = self.json("--periods", "2025-01..2025-06")
        self.assertEqual([p["period"] for p in d["periods"]],
                         ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"])
        self.assertEqual(self.policy(d, "closer")["per_period"], [0, 1, 1, 1, 0, 1])
        self.assertEqual(d["periods"][1]["as_of"], "2025-02-28")
        self.assertEqual(d["backtest"]["kind"], "month")
        # Beyond six periods the table draws the counts as a sparkline.
        out = self.backtest("--periods", "2025-01..2025-12").out
        self.assertRegex(out, r"\n  closer\s+7\s+5 of 7\s+\S+\s+\S+\s+·███·█·██·█·\n")

    def test_a_range_of_weeks(self):
        d = self.json("--periods", "2025-W06..2025-W07")
        self.assertEqual([(p["period"], p["start"], p["stop"]) for p in d["periods"]],
                         [("2025-W06", "2025-02-03", "2025-02-10"),
                          ("2025-W07", "2025-02-10", "2025-02-17")])
        self.assertEqual(self.policy(d, "closer")["per_period"], [0, 1])

    def test_a_range_of_years_and_a_single_period(self):
        d = self.json("--periods", "2024..2025")
        # 2025 as a whole: Ana, Ben, Cara, Eve and Hal closed 1000 or more.
        self.assertEqual(self.policy(d, "closer")["per_period"], [0, 5])
        d = self.json("--periods", "2025-Q2")
        self.assertEqual([p["period"] for p in d["periods"]], ["2025-Q2"])

    # -- bad ranges -------------------------------------------------------------

    def bad(self, periods, message):
        r = self.fails(2, "backtest", "--config", "main.cfg", "--db", self.db, "--periods", periods)
        self.assertIn(message, r.err)
        self.assertEqual(r.out, "")

    def test_ranges_of_mixed_kinds_are_usage_errors(self):
        self.bad("2025-Q1..2025-06",
                 "both ends must be the same kind of period, but 2025-Q1 is a quarter and "
                 "2025-06 is a month")

    def test_reversed_ranges_are_usage_errors(self):
        self.bad("2025-Q4..2025-Q1", "runs backwards: write the earlier period first, 2025-Q1..2025-Q4")

    def test_more_than_520_periods_is_a_usage_error(self):
        self.bad("2000-W01..2025-W01", "is more than 520 periods")
        self.ok("backtest", "--config", "main.cfg", "--db", self.db, "--periods", "2016-W10..2025-W52",
                "--format", "csv")

    def test_other_bad_ranges_are_usage_errors(self):
        self.bad("2025-01-01..2025-03-31", "a range of dates is one period")
        self.bad("2025-Q5..2025-Q6", "bad period '2025-Q5'")
        r = self.fails(2, "backtest", "--config", "main.cfg", "--db", self.db)
        self.assertIn("--periods", r.err)
        r = self.fails(2, "backtest", "--config", "main.cfg", "--db", self.db, "--periods", "2025-Q1",
                       "--format", "html")
        self.assertIn("backtest writes table, json, csv or markdown", r.err)

    # -- nothing saved ------------------------------------------------------------

    def test_nothing_is_saved(self):
        def runs():
            con = self.connect(self.db)
            n = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            m = con.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            con.close()
            return n, m
        self.ok("eval", "--config", "main.cfg", "--db", self.db, "--period", "2025-Q1")
        before = runs()
        self.assertEqual(before[0], 1)
        self.backtest("--periods", "2025-Q1..2025-Q4")
        self.assertEqual(runs(), before)

    # -- team, errors, formats ------------------------------------------------------

    def test_team_keeps_only_that_team_and_its_members(self):
        d = self.json("--periods", "2025-Q1..2025-Q4", "--team", "West")
        self.assertEqual(d["backtest"]["team"], "West")
        self.assertEqual([p["reps"] for p in d["periods"]], [3, 3, 4, 4])
        p = self.policy(d, "closer")
        self.assertEqual((p["per_period"], p["reached"], p["subjects"]), ([2, 2, 2, 0], 4, 4))
        self.assertEqual(d["never_recognised"], [])
        r = self.fails(2, "backtest", "--config", "main.cfg", "--db", self.db, "--periods", "2025-Q1",
                       "--team", "Wset")
        self.assertIn("no team named 'Wset'", r.err)

    def test_rule_errors_are_counted_per_period_and_per_rule(self):
        self.write("broken/broken.lua", r'''
coach "fragile" {
  severity = "low",
  doc = "Fails for Ben",
  when = function(rep, m)
    if rep.name == "Ben" then error("no data for Ben") end
    return false
  end,
}
''')
        r = self.backtest("--periods", "2025-Q1..2025-Q4", "--rules", "broken", "--format", "json")
        d = r.json()
        self.assertEqual([p["rule_errors"] for p in d["periods"]], [1, 1, 1, 1])
        fragile = [t for t in d["coaching"] if t["trigger"] == "fragile"][0]
        self.assertEqual((fragile["total"], fragile["errors"]), (0, 4))
        self.assertIn("4 rule errors over the range", r.err)

    def test_csv_has_one_row_per_rule_and_period(self):
        out = self.backtest("--periods", "2025-Q1..2025-Q4", "--format", "csv").out
        rows = [l.split(",") for l in out.split("\r\n") if l]
        self.assertEqual(rows[0], ["type", "name", "subject", "period", "start", "stop", "as_of", "fired",
                                   "evaluated", "errors"])
        self.assertEqual(len(rows), 1 + 4 * 4)
        closer = [r for r in rows if r[1] == "closer"]
        self.assertEqual([(r[0], r[3], r[7], r[8]) for r in closer],
                         [("recognition", "2025-Q1", "2", "6"), ("recognition", "2025-Q2", "2", "6"),
                          ("recognition", "2025-Q3", "2", "7"), ("recognition", "2025-Q4", "1", "7")])
        self.assertEqual([r[7] for r in rows if r[1] == "no_calls"], ["4", "4", "6", "5"])
        self.assertEqual(rows[-1][0], "coaching")

    def test_table_and_markdown_show_the_same_sections(self):
        table = self.backtest("--periods", "2025-Q1..2025-Q4").out
        md = self.backtest("--periods", "2025-Q1..2025-Q4", "--format", "markdown").out
        self.assertTrue(table.startswith("huddle backtest 2025-Q1..2025-Q4: 4 quarters, "
                                         "2025-01-01 to 2026-01-01 (nothing saved)"), table)
        self.assertTrue(md.startswith("# huddle backtest 2025-Q1..2025-Q4"), md)
        for title in ("Periods", "Recognition of reps", "Never recognised: 2 of 7 reps",
                      "Coaching triggers for reps", "Warnings"):
            self.assertIn("\n" + title + "\n", table)
            self.assertIn("\n## " + title + "\n", md)
        self.assertRegex(table, r"\n  closer\s+7\s+5 of 7\s+29%\s+0\.41\s+2\s+2\s+2\s+1\n")
        self.assertIn("| closer | 7 | 5 of 7 | 29% | 0.41 | 2 | 2 | 2 | 1 |", md)
        self.assertNotIn("\033[", table)
        for line in table.splitlines():
            self.assertEqual(line, line.rstrip(), "trailing blanks")

    def test_output_writes_a_file_and_nothing_else(self):
        r = self.backtest("--periods", "2025-Q1..2025-Q4", "--format", "json", "--output", "bt.json")
        self.assertEqual(r.out, "")
        with open(self.tmp + "/bt.json") as f:
            self.assertEqual(self.policy(json.load(f), "closer")["total"], 7)

    def on_terminal(self, env):
        """Runs a backtest with stdout and stderr on a pseudo-terminal."""
        return self.run_on_terminal(["backtest", "--config", "main.cfg", "--db", self.db,
                                     "--periods", "2025-Q1..2025-Q4"], env)

    def test_a_terminal_gets_a_progress_bar_per_period_and_colour_unless_no_color(self):
        env = dict(self.env, TERM="xterm")
        env.pop("NO_COLOR")
        out = self.on_terminal(env)
        for i, q in enumerate(QUARTERS):
            self.assertIn("\r%s %d/4" % (q, i + 1), out)
        self.assertIn("\033[1mWarnings\033[0m", out)
        out = self.on_terminal(dict(env, NO_COLOR="1"))
        self.assertIn("\r2025-Q4 4/4", out)
        self.assertNotIn("\033[1m", out)
        r = self.huddle("backtest", "--config", "main.cfg", "--db", self.db, "--periods", "2025-Q1..2025-Q4",
                        env=env)
        self.assertNotIn("\r", r.err, "no progress bar into a pipe")
        self.assertNotIn("\033[", r.out, "no colour into a pipe")

    def test_help_explains_the_figures_and_the_activity_test(self):
        out = self.ok("backtest", "--help").out
        self.assertIn("--periods P1..P2", out)
        self.assertIn("Gini", out)
        self.assertIn("raw activity", out)
        self.assertIn("activities table", out)


if __name__ == "__main__":
    hcli.main()
