#!/usr/bin/env python3
"""huddle compare: the configured rules against other rules, or against a
saved run, on the same data; per rep and team what moved (SPEC section 3).

The fixture is small enough to work out on paper.  Period 2026-Q3, as of
2026-09-30; rules in base/ (the config's scripts):

    sales    weight 60: won / 10,000, clamped to [0, 1]
    activity weight 40: calls / 10, clamped
    team_sales (team) weight 100: the team's won / 30,000, clamped
    helper   recognition: assists >= 2
    idle     coaching (high): calls < 3

    rep       team  won     calls  assists  score               rank
    Ana  (1)  West  10,000  2      0        60*1.0 + 40*0.2 = 68   3
    Ben  (2)  West   5,000  10     3        60*0.5 + 40*1.0 = 70   2
    Cara (3)  West   8,000  6      2        60*0.8 + 40*0.6 = 72   1
    Dev  (4)  East   2,000  8      1        60*0.2 + 40*0.8 = 44   4
    Eve  (5)  East       0  1      0        60*0.0 + 40*0.1 =  4   5

    helper: Ben, Cara.  idle: Ana, Eve.
    West 23,000 / 30,000 -> 76.67 (rank 1); East 2,000 / 30,000 -> 6.67 (rank 2)
"""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import csv
import io
import os
import re
import shutil

import hcli
from hcli import insert

PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]
ANSI = "\x1b["

METRICS = r'''-- Metrics of the compare fixture.
metric "won" {
  doc = "Closed-won revenue in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "calls" {
  doc = "Calls in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM activities
          WHERE kind = 'call' AND occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "assists" {
  doc = "Assists given in the period",
  sql = [[SELECT helper_id, COUNT(*) FROM assists
          WHERE occurred_on >= :start AND occurred_on < :stop
          GROUP BY helper_id]],
  default = 0,
}
'''

SCORES = r'''-- Scores of the compare fixture.
score "sales" {
  weight = 60,
  doc = "Won against 10,000",
  fn = function(rep, m) return huddle.clamp(m.won / 10000, 0, 1) end,
}

score "activity" {
  weight = 40,
  doc = "Calls against 10",
  fn = function(rep, m) return huddle.clamp(m.calls / 10, 0, 1) end,
}

score "team_sales" {
  subject = "team",
  weight = 100,
  doc = "The team's won against 30,000",
  fn = function(team, m) return huddle.clamp(team:sum("won") / 30000, 0, 1) end,
}
'''

POLICIES = r'''-- Recognition and coaching of the compare fixture.
recognize "helper" {
  doc = "Helped teammates",
  when = function(rep, m) return m.assists >= 2 end,
  message = "${name} assisted ${assists} times",
}

coach "idle" {
  severity = "high",
  doc = "Too few calls",
  when = function(rep, m) return m.calls < 3 end,
  advice = "Block time for calls with ${name}",
}
'''

CONFIG = 'scripts = [ "base" ];\n'

ANA, BEN, CARA, DEV, EVE = 1, 2, 3, 4, 5


class Compare(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.write("base/10_metrics.lua", METRICS)
        self.write("base/20_scores.lua", SCORES)
        self.write("base/30_policies.lua", POLICIES)
        self.write("main.cfg", CONFIG)
        self.db = self.init_db()
        con = self.connect(self.db)
        insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
        people = [(ANA, "Ana", 1), (BEN, "Ben", 1), (CARA, "Cara", 1), (DEV, "Dev", 2), (EVE, "Eve", 2)]
        insert(con, "reps", [{"id": i, "name": n, "team_id": t} for i, n, t in people])
        won = {ANA: 10000, BEN: 5000, CARA: 8000, DEV: 2000}
        insert(con, "deals", [{"id": 10 + r, "rep_id": r, "amount": a, "stage": "won", "kind": "base",
                               "created_on": "2026-07-01", "closed_on": "2026-08-01"}
                              for r, a in won.items()])
        calls = {ANA: 2, BEN: 10, CARA: 6, DEV: 8, EVE: 1}
        insert(con, "activities", [{"rep_id": r, "kind": "call", "occurred_on": "2026-08-%02d" % (d + 1)}
                                   for r, n in calls.items() for d in range(n)])
        assists = {BEN: 3, CARA: 2, DEV: 1}
        insert(con, "assists", [{"helper_id": r, "helped_id": ANA if r != ANA else BEN,
                                 "occurred_on": "2026-08-%02d" % (d + 1)}
                                for r, n in assists.items() for d in range(n)])
        con.commit()
        con.close()

    # -- helpers -------------------------------------------------------

    def copy_rules(self, name, edits=(), drop=()):
        """A copy of base/ as name/, with (file, old, new) text edits and
        the files in drop left out; every edit must apply."""
        shutil.copytree(os.path.join(self.tmp, "base"), os.path.join(self.tmp, name))
        for f in drop:
            os.remove(os.path.join(self.tmp, name, f))
        for f, old, new in edits:
            path = os.path.join(name, f)
            text = self.read(path)
            self.assertIn(old, text)
            self.write(path, text.replace(old, new))
        return name

    def compare(self, *args, code=0, **kw):
        r = self.huddle("compare", "--config", "main.cfg", "--db", self.db, *args, **kw)
        self.assertEqual(r.rc, code, repr(r))
        return r

    def json(self, *args):
        return self.compare(*args, "--format", "json").json()

    def row(self, doc, rep_id, kind="reps"):
        rows = [r for r in doc[kind] if r["id"] == rep_id]
        self.assertEqual(len(rows), 1, "%s %d in %r" % (kind, rep_id, doc[kind]))
        return rows[0]

    def component(self, row, rule):
        found = [c for c in row["components"] if c["rule"] == rule]
        self.assertEqual(len(found), 1, "component %s in %r" % (rule, row["components"]))
        return found[0]

    def reweighted(self):
        return self.copy_rules("reweighted", [("20_scores.lua", "weight = 60", "weight = 30"),
                                              ("20_scores.lua", "weight = 40", "weight = 70")])

    # -- a weight change -------------------------------------------------

    def test_a_weight_change_moves_scores_and_ranks_as_worked_out_by_hand(self):
        # sales 60 -> 30, activity 40 -> 70 (still 100 in all):
        #   Ana 30 + 14 = 44, Ben 15 + 70 = 85, Cara 24 + 42 = 66, Dev 6 + 56 = 62, Eve 0 + 7 = 7
        doc = self.json("--rules", self.reweighted(), *PERIOD)
        expect = [(ANA, 68, 44, 3, 4), (DEV, 44, 62, 4, 3), (BEN, 70, 85, 2, 1), (CARA, 72, 66, 1, 2),
                  (EVE, 4, 7, 5, 5)]
        self.assertEqual([r["id"] for r in doc["reps"]], [e[0] for e in expect],
                         "biggest score change first")
        for rep_id, old, new, old_rank, new_rank in expect:
            r = self.row(doc, rep_id)
            self.assertNear(r["old_score"], old)
            self.assertNear(r["new_score"], new)
            self.assertNear(r["score_change"], new - old)
            self.assertEqual((r["old_rank"], r["new_rank"], r["rank_change"]),
                             (old_rank, new_rank, old_rank - new_rank))
            self.assertTrue(r["changed"])
        s = doc["summary"]
        self.assertEqual((s["reps"]["compared"], s["reps"]["moved"]), (5, 5))
        self.assertEqual(s["reps"]["largest_rise"]["id"], DEV)
        self.assertNear(s["reps"]["largest_rise"]["score_change"], 18)
        self.assertEqual(s["reps"]["largest_fall"]["id"], ANA)
        self.assertEqual((s["teams"]["compared"], s["teams"]["moved"]), (2, 0))
        self.assertEqual(s["rules"], [
            {"rule": "activity", "type": "score", "subject": "rep", "change": "weight",
             "old_weight": 40, "new_weight": 70},
            {"rule": "sales", "type": "score", "subject": "rep", "change": "weight",
             "old_weight": 60, "new_weight": 30}])
        self.assertEqual(doc["teams"], [], "unchanged teams are left out")

    def test_each_moved_component_shows_old_and_new_value_weight_and_contribution(self):
        ana = self.row(self.json("--rules", self.reweighted(), *PERIOD), ANA)
        sales = self.component(ana, "sales")
        self.assertEqual((sales["old_value"], sales["new_value"]), (1, 1))
        self.assertEqual((sales["old_weight"], sales["new_weight"]), (60, 30))
        self.assertNear(sales["old_contribution"], 60)
        self.assertNear(sales["new_contribution"], 30)
        self.assertNear(sales["contribution_change"], -30)
        activity = self.component(ana, "activity")
        self.assertNear(activity["contribution_change"], 14 - 8)
        self.assertNear(ana["reweighted"], 0)

    def test_the_table_starts_with_the_summary_line_and_shows_what_moved(self):
        out = self.compare("--rules", self.reweighted(), *PERIOD).out
        self.assertIn("huddle compare 2026-Q3 (2026-07-01 to 2026-10-01, as of 2026-09-30)", out)
        self.assertIn("old  the configured rules (base)", out)
        self.assertIn("new  --rules reweighted", out)
        self.assertIn("5 of 5 reps moved; largest rise: Dev +18.00 (rank 4 → 3); "
                      "largest fall: Ana -24.00 (rank 3 → 4)\n", out)
        self.assertIn("no team moved (2 teams compared)", out)
        self.assertIn("rules changed: activity weight 40 → 70; sales weight 60 → 30", out)
        reps = out.split("\nReps\n", 1)[1]
        self.assertRegex(reps, r"\n  Ana\s+West\s+68\.00 → 44\.00\s+-24\.00\s+3 → 4 \(-1\)\n"
                               r"\s+sales\s+value 1\.000, weight 60 → 30\s+-30\.00 pts\n"
                               r"\s+activity\s+value 0\.200, weight 40 → 70\s+\+6\.00 pts\n")
        names = re.findall(r"^  (\w+)\s+(?:West|East)\s", reps, re.M)
        self.assertEqual(names, ["Ana", "Dev", "Ben", "Cara", "Eve"])

    # -- recognitions and triggers ------------------------------------------

    def test_a_stricter_recognition_threshold_loses_the_recognition_for_known_reps(self):
        stricter = self.copy_rules("stricter", [("30_policies.lua", "m.assists >= 2", "m.assists >= 3")])
        doc = self.json("--rules", stricter, *PERIOD)
        self.assertEqual([r["id"] for r in doc["reps"]], [CARA], "only Cara (2 assists) changes")
        cara = doc["reps"][0]
        self.assertEqual(cara["recognitions_lost"], [{"policy": "helper", "message": "Cara assisted 2 times"}])
        self.assertEqual(cara["recognitions_gained"], [])
        self.assertEqual(cara["score_change"], 0)
        self.assertEqual(doc["summary"]["recognitions"],
                         [{"policy": "helper", "subject": "rep", "gained": 0, "lost": 1}])
        out = self.compare("--rules", stricter, *PERIOD).out
        self.assertIn("1 of 5 reps moved; recognitions: helper -1 rep\n", out)
        self.assertIn("- recognition helper (was: Cara assisted 2 times)", out)

    def test_a_looser_recognition_threshold_gains_the_recognition_for_known_reps(self):
        looser = self.copy_rules("looser", [("30_policies.lua", "m.assists >= 2", "m.assists >= 1")])
        doc = self.json("--rules", looser, *PERIOD)
        self.assertEqual([r["id"] for r in doc["reps"]], [DEV])
        self.assertEqual(doc["reps"][0]["recognitions_gained"],
                         [{"policy": "helper", "message": "Dev assisted 1 times"}])
        self.assertIn("recognitions: helper +1 rep", doc["summary"]["text"])

    def test_a_trigger_gained_is_shown_with_its_severity_and_advice(self):
        wider = self.copy_rules("wider", [("30_policies.lua", "m.calls < 3", "m.calls < 7")])
        doc = self.json("--rules", wider, *PERIOD)
        self.assertEqual([r["id"] for r in doc["reps"]], [CARA], "Cara (6 calls) now triggers idle")
        self.assertEqual(doc["reps"][0]["coaching_gained"],
                         [{"trigger": "idle", "severity": "high", "advice": "Block time for calls with Cara"}])
        self.assertEqual(doc["summary"]["coaching"],
                         [{"trigger": "idle", "subject": "rep", "gained": 1, "lost": 0}])
        out = self.compare("--rules", wider, *PERIOD).out
        self.assertIn("1 of 5 reps moved; triggers: idle +1 rep\n", out)
        self.assertIn("+ coaching idle (high): Block time for calls with Cara", out)

    # -- rules on one side only -------------------------------------------------

    def test_added_and_removed_rules_are_components_and_items_of_one_side(self):
        # No activity score, no helper recognition; a new score assisting
        # (weight 40) = assists / 5.  Weights still 100:
        #   Ana 60 + 0 = 60, Ben 30 + 24 = 54, Cara 48 + 16 = 64, Dev 12 + 8 = 20, Eve 0
        changed = self.copy_rules("changed", [
            ("20_scores.lua", 'score "activity" {',
             'score "assisting" {\n  weight = 40,\n  doc = "Assists against 5",\n'
             '  fn = function(rep, m) return huddle.clamp(m.assists / 5, 0, 1) end,\n}\n\n'
             'local unused = {'),
            ("30_policies.lua", 'recognize "helper" {', 'local helper = {')])
        doc = self.json("--rules", changed, *PERIOD)
        expect = [(DEV, -24, 4, 4), (BEN, -16, 2, 3), (ANA, -8, 3, 2), (CARA, -8, 1, 1), (EVE, -4, 5, 5)]
        self.assertEqual([r["id"] for r in doc["reps"]], [e[0] for e in expect],
                         "equal score changes: the larger rank change first")
        for rep_id, change, old_rank, new_rank in expect:
            r = self.row(doc, rep_id)
            self.assertNear(r["score_change"], change)
            self.assertEqual((r["old_rank"], r["new_rank"]), (old_rank, new_rank))
        ben = self.row(doc, BEN)
        removed, added = self.component(ben, "activity"), self.component(ben, "assisting")
        self.assertEqual((removed["old_value"], removed["old_weight"], removed["new_value"],
                          removed["new_weight"]), (1, 40, None, None))
        self.assertNear(removed["contribution_change"], -40)
        self.assertEqual((added["old_value"], added["old_weight"], added["new_weight"]), (None, None, 40))
        self.assertNear(added["new_value"], 0.6)
        self.assertNear(added["contribution_change"], 24)
        self.assertEqual([c["rule"] for c in ben["components"]], ["assisting", "activity"],
                         "sales did not move: it is not listed")
        self.assertEqual([x["policy"] for x in ben["recognitions_lost"]], ["helper"])
        self.assertEqual(doc["summary"]["recognitions"],
                         [{"policy": "helper", "subject": "rep", "gained": 0, "lost": 2}])
        self.assertEqual([(r["rule"], r["type"], r["change"]) for r in doc["summary"]["rules"]],
                         [("activity", "score", "removed"), ("assisting", "score", "added"),
                          ("helper", "recognition", "removed")])
        out = self.compare("--rules", changed, *PERIOD).out
        self.assertIn("rules changed: removed score activity (weight 40); added score assisting (weight 40); "
                      "removed recognition helper", out)
        self.assertRegex(out, r"activity\s+removed: was value 1\.000, weight 40\s+-40\.00 pts")
        self.assertRegex(out, r"assisting\s+added: value 0\.600, weight 40\s+\+24\.00 pts")

    # -- the same rules ------------------------------------------------------------

    def test_the_same_rules_move_no_rep(self):
        r = self.compare("--rules", "base", *PERIOD)
        self.assertIn("no rep moved (5 reps compared)\nno team moved (2 teams compared)\n", r.out)
        self.assertIn("(no rep moved)", r.out)
        doc = self.json("--rules", "base", *PERIOD)
        self.assertEqual((doc["reps"], doc["teams"]), ([], []))
        self.assertEqual(doc["summary"]["reps"], {"compared": 5, "moved": 0, "only_old": 0, "only_new": 0,
                                                  "largest_rise": None, "largest_fall": None})
        self.assertEqual(doc["summary"]["rules"], [])

    def test_all_lists_the_unchanged_reps_and_teams_too(self):
        doc = self.json("--rules", "base", *PERIOD, "--all")
        self.assertEqual([r["id"] for r in doc["reps"]], [ANA, BEN, CARA, DEV, EVE], "by id when nothing moved")
        self.assertEqual([r["changed"] for r in doc["reps"]], [False] * 5)
        self.assertEqual([t["name"] for t in doc["teams"]], ["West", "East"])
        out = self.compare("--rules", "base", *PERIOD, "--all").out
        self.assertRegex(out, r"\n  Cara\s+West\s+72\.00 → 72\.00\s+0\.00\s+1 → 1\n")

    # -- a saved run -------------------------------------------------------------

    def test_compare_with_a_saved_run_after_the_data_changed(self):
        self.ok("eval", "--config", "main.cfg", "--db", self.db, "--period", "2026-Q3", "--as-of", "2026-09-20")
        con = self.connect(self.db)
        con.execute("UPDATE deals SET amount = 9000 WHERE rep_id = ?", (DEV,))
        con.commit()
        con.close()
        # Dev: 60 * 0.9 + 32 = 86, first; everyone above him drops a place.
        doc = self.json("--run", "1")
        self.assertEqual(doc["old"]["run"], 1)
        self.assertEqual((doc["new"]["period"], doc["new"]["as_of"]), ("2026-Q3", "2026-09-20"),
                         "the run's period and as-of")
        self.assertEqual([r["id"] for r in doc["reps"]], [DEV, ANA, BEN, CARA])
        dev = doc["reps"][0]
        self.assertNear(dev["score_change"], 42)
        self.assertEqual((dev["old_rank"], dev["new_rank"], dev["rank_change"]), (4, 1, 3))
        sales = self.component(dev, "sales")
        self.assertNear(sales["old_value"], 0.2)
        self.assertNear(sales["new_value"], 0.9)
        self.assertEqual(sales["old_weight"], 60)
        for rep_id, old_rank in ((ANA, 3), (BEN, 2), (CARA, 1)):
            r = self.row(doc, rep_id)
            self.assertEqual((r["score_change"], r["rank_change"], r["new_rank"]), (0, -1, old_rank + 1))
            self.assertEqual(r["components"], [])
        self.assertEqual((doc["summary"]["reps"]["compared"], doc["summary"]["reps"]["moved"]), (5, 4))
        east = self.row(doc, 2, "teams")
        self.assertNear(east["old_score"], 100 * 2000 / 30000)
        self.assertNear(east["new_score"], 30)
        out = self.compare("--run", "1").out
        self.assertIn("old  run 1, saved ", out)
        self.assertIn("  the rules and their config are the same as the run's, so every change below is the "
                      "data's\n", out)
        self.assertIn("4 of 5 reps moved; largest rise: Dev +42.00 (rank 4 → 1)\n", out)

    def test_reps_evaluated_on_one_side_only_come_first_and_are_counted(self):
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        con = self.connect(self.db)
        con.execute("UPDATE reps SET active = 0 WHERE id = ?", (EVE,))
        insert(con, "reps", [{"id": 6, "name": "Fay", "team_id": 2}])
        insert(con, "activities", [{"rep_id": 6, "kind": "call", "occurred_on": "2026-08-01"}] * 5)
        con.commit()
        con.close()
        # Fay: 40 * 0.5 = 20, rank 5 now; East loses Eve and gains Fay.
        doc = self.json("--run", "1")
        self.assertEqual([r["id"] for r in doc["reps"]][:2], [EVE, 6], "one-sided first, then by id")
        eve, fay = doc["reps"][0], doc["reps"][1]
        self.assertEqual((eve["old_score"], eve["new_score"], eve["score_change"], eve["old_rank"],
                          eve["new_rank"], eve["rank_change"]), (4, None, None, 5, None, None))
        self.assertEqual((fay["old_score"], fay["new_score"], fay["new_rank"]), (None, 20, 5))
        self.assertEqual(fay["team"], "East")
        self.assertEqual((fay["components"], eve["coaching_lost"]), ([], []),
                         "leaving or joining is the change; nothing inside it is gained or lost")
        reps = doc["summary"]["reps"]
        self.assertEqual((reps["compared"], reps["moved"], reps["only_old"], reps["only_new"]), (6, 2, 1, 1))
        out = self.compare("--run", "1").out
        self.assertIn("2 of 6 reps moved; 1 rep only on the new side; 1 rep only on the old side\n", out)
        self.assertRegex(out, r"\n  Eve\s+East\s+4\.00 → -\s+-\s+5 → -\n(.*\n)*?"
                              r"      only on the old side: not evaluated on the new")

    def test_a_saved_run_against_the_same_data_and_rules_moves_no_rep(self):
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        out = self.compare("--run", "1").out
        self.assertIn("  the rules and their config are the same as the run's\n", out)
        self.assertIn("no rep moved (5 reps compared)\nno team moved (2 teams compared)\n", out)
        self.write("base/40_more.lua", 'recognize "never" { when = function() return false end }\n')
        out = self.compare("--run", "1").out
        self.assertIn("  the rules and their config have changed since the run\n", out)
        self.assertIn("no rep moved", out)

    def test_a_run_is_compared_on_its_own_dates_after_fiscal_year_start_changed(self):
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        # With the fiscal year starting in April, 2026-Q3 is October to December.
        self.write("fy.cfg", CONFIG + "fiscal_year_start = 4;\n")
        r = self.huddle("compare", "--config", "fy.cfg", "--db", self.db, "--run", "1", "--format", "json")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("run 1's 2026-Q3 ran from 2026-07-01 to 2026-10-01, which fiscal_year_start now places "
                      "elsewhere; comparing on the run's dates", r.err)
        doc = r.json()
        self.assertEqual((doc["new"]["start"], doc["new"]["stop"]), ("2026-07-01", "2026-10-01"))
        self.assertEqual(doc["summary"]["reps"]["moved"], 0)

    def test_period_given_with_run_evaluates_that_period(self):
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        doc = self.json("--run", "1", "--period", "2026-Q2")
        self.assertEqual((doc["old"]["period"], doc["new"]["period"]), ("2026-Q3", "2026-Q2"))
        # Nothing happened in Q2: every score falls to 0.
        self.assertEqual(doc["summary"]["reps"]["moved"], 5)
        self.assertNear(self.row(doc, CARA)["new_score"], 0)

    # -- --team and --output -----------------------------------------------------------

    def test_team_shows_only_that_team_and_its_members(self):
        doc = self.json("--rules", self.reweighted(), *PERIOD, "--team", "East", "--all")
        self.assertEqual([r["id"] for r in doc["reps"]], [DEV, EVE])
        self.assertEqual([t["name"] for t in doc["teams"]], ["East"])
        self.assertEqual(doc["team"], "East")
        self.assertTrue(doc["summary"]["text"].startswith("2 of 2 reps of East moved; largest rise: Dev +18.00"))
        r = self.compare("--rules", "base", *PERIOD, "--team", "Nowhere", code=2)
        self.assertIn("no team named 'Nowhere'", r.err)

    def test_output_writes_the_report_to_a_file(self):
        r = self.compare("--rules", self.reweighted(), *PERIOD, "--format", "csv", "--output", "what-if.csv")
        self.assertEqual(r.out, "")
        rows = list(csv.DictReader(io.StringIO(self.read("what-if.csv"))))
        self.assertEqual([int(x["id"]) for x in rows], [ANA, DEV, BEN, CARA, EVE])

    # -- formats -----------------------------------------------------------------------

    def test_json_has_the_documented_shape(self):
        doc = self.json("--rules", self.reweighted(), *PERIOD)
        self.assertEqual(list(doc), ["huddle", "old", "new", "team", "summary", "reps", "teams"])
        self.assertEqual(list(doc["old"]), ["what", "run", "period", "start", "stop", "as_of", "rules_hash",
                                            "saved_at", "rule_errors"])
        self.assertEqual(list(doc["summary"]), ["text", "teams_text", "reps", "teams", "recognitions",
                                                "coaching", "rules", "rule_errors"])
        self.assertEqual(list(doc["reps"][0]), [
            "id", "name", "team", "changed", "old_score", "new_score", "score_change", "old_rank", "new_rank",
            "rank_change", "old_team_rank", "new_team_rank", "components", "reweighted",
            "recognitions_gained", "recognitions_lost", "coaching_gained", "coaching_lost", "old_errors",
            "new_errors"])
        self.assertEqual(list(doc["reps"][0]["components"][0]), [
            "rule", "old_value", "new_value", "old_weight", "new_weight", "old_contribution",
            "new_contribution", "contribution_change"])
        self.assertEqual(doc["old"]["run"], None)
        self.assertEqual(doc["summary"]["rule_errors"], {"old": 0, "new": 0})

    def test_json_numbers_are_not_rounded(self):
        third = self.copy_rules("third", [("20_scores.lua", "weight = 40", "weight = 30")])
        ana = self.row(self.json("--rules", third, *PERIOD), ANA)
        # 100 * (60 + 30 * 0.2) / 90 = 73.333...
        self.assertEqual(ana["new_score"], 100 * (60 + 30 * 0.2) / 90)
        self.assertNear(ana["reweighted"], 100 * 60 / 90 - 60, tol=1e-12)

    def test_csv_has_one_row_per_moved_rep_with_each_component_before_and_after(self):
        out = self.compare("--rules", self.reweighted(), *PERIOD, "--format", "csv").out
        self.assertTrue(out.startswith(
            "id,name,team,old_score,new_score,score_change,old_rank,new_rank,rank_change,old_team_rank,"
            "new_team_rank,sales_old,sales_new,sales_points,activity_old,activity_new,activity_points,"
            "recognitions_gained,recognitions_lost,coaching_gained,coaching_lost,old_errors,new_errors\r\n"), out)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 5)
        ana = rows[0]
        self.assertEqual((ana["name"], ana["team"], ana["old_rank"], ana["new_rank"], ana["rank_change"]),
                         ("Ana", "West", "3", "4", "-1"))
        self.assertNear(float(ana["score_change"]), -24)
        self.assertNear(float(ana["sales_points"]), -30)
        self.assertEqual((ana["activity_old"], ana["activity_new"]), ("0.2", "0.2"))

    def test_csv_lists_recognitions_and_triggers_gained_and_lost(self):
        both = self.copy_rules("both", [("30_policies.lua", "m.assists >= 2", "m.assists >= 3"),
                                        ("30_policies.lua", "m.calls < 3", "m.calls < 7")])
        rows = list(csv.DictReader(io.StringIO(self.compare("--rules", both, *PERIOD, "--format", "csv").out)))
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["name"], rows[0]["recognitions_lost"], rows[0]["coaching_gained"]),
                         ("Cara", "helper", "idle"))

    def test_markdown_has_a_heading_the_summary_and_pipe_tables(self):
        out = self.compare("--rules", self.reweighted(), *PERIOD, "--format", "markdown").out
        self.assertTrue(out.startswith("# huddle compare 2026-Q3 (2026-07-01 to 2026-10-01, as of 2026-09-30)\n"))
        self.assertIn("- **old**: the configured rules (base)\n", out)
        self.assertIn("\n5 of 5 reps moved; largest rise: Dev +18.00", out)
        self.assertIn("## Reps\n\n| rep | team | old score | new score | change | old rank | new rank | places "
                      "| what changed |\n|---|---|", out)
        self.assertIn("| Ana | West | 68.00 | 44.00 | -24.00 | 3 | 4 | -1 | sales: value 1.000, weight 60 → 30, "
                      "-30.00 pts; activity: value 0.200, weight 40 → 70, +6.00 pts |", out)

    def test_table_has_no_colour_off_a_terminal_even_without_no_color(self):
        env = dict(self.env)
        env.pop("NO_COLOR", None)
        r = self.compare("--rules", self.reweighted(), *PERIOD, env=env)
        self.assertNotIn(ANSI, r.out + r.err)

    def test_table_has_colour_on_a_terminal_unless_no_color(self):
        args = ["compare", "--config", "main.cfg", "--db", self.db, "--rules", self.reweighted(), *PERIOD]
        env = dict(self.env, TERM="xterm")
        env.pop("NO_COLOR", None)
        out = self.run_on_terminal(args, env)
        self.assertIn("\x1b[31m", out, "a fall in red")
        self.assertIn("\x1b[32m", out, "a rise in green")
        out = self.run_on_terminal(args, dict(env, NO_COLOR="1"))
        self.assertIn("5 of 5 reps moved", out)
        self.assertNotIn("\x1b[3", out)
        self.assertNotIn("\x1b[1m", out)

    # -- rule errors and bad input --------------------------------------------------------

    def test_rule_errors_on_either_side_are_reported_not_hidden(self):
        # Eve's activity fails; so does Ben's idle check, which changes
        # nothing else for him: a new error alone is a change.
        failing = self.copy_rules("failing", [("20_scores.lua", "return huddle.clamp(m.calls / 10, 0, 1)",
                                               "if m.calls < 2 then error('no calls data') end\n"
                                               "    return huddle.clamp(m.calls / 10, 0, 1)"),
                                              ("30_policies.lua", "return m.calls < 3",
                                               "if m.calls == 10 then error('odd') end return m.calls < 3")])
        line = hcli.line_of(self.read("failing/20_scores.lua"), "no calls data")
        r = self.compare("--rules", failing, *PERIOD)
        self.assertIn("rule errors: 0 with the old rules, 2 with the new (listed at the end)", r.out)
        self.assertRegex(r.out, r"Rule errors\n(  .*\n)*  new rules: failing/20_scores\.lua:%d: activity for Eve: "
                                r".*no calls data" % line)
        self.assertRegex(r.out, r"\n  Ben\s+West\s+70\.00 → 70\.00\s+0\.00\s+2 → 2\n"
                                r"      rule errors: 0 with the old rules, 1 with the new\n")
        self.assertIn("2 rule errors with the new rules", r.err)
        eve = self.row(self.json("--rules", failing, *PERIOD), EVE)
        self.assertEqual([(e["rule"], e["where"]) for e in eve["new_errors"]],
                         [("activity", "failing/20_scores.lua:%d" % line)])
        self.assertEqual(eve["old_errors"], [])
        removed = self.component(eve, "activity")
        self.assertEqual((removed["old_value"], removed["new_value"]), (0.1, None))

    def test_rules_that_fail_to_load_exit_3_with_file_and_line(self):
        broken = self.copy_rules("broken", [("30_policies.lua", "severity = \"high\",", "severity = \"high\"")])
        line = hcli.line_of(self.read("broken/30_policies.lua"), 'doc = "Too few calls"')
        r = self.compare("--rules", broken, *PERIOD, code=3)
        self.assertIn("broken/30_policies.lua:%d:" % line, r.err)
        self.assertIn("the rules given with --rules", r.err)
        self.assertEqual(r.out, "")

    def test_configured_rules_that_fail_to_load_exit_3_too(self):
        self.write("base/40_bad.lua", "score \"x\" { weight = 1 }\n")
        r = self.compare("--rules", self.copy_rules("fine", drop=["40_bad.lua"]), *PERIOD, code=3)
        self.assertIn("base/40_bad.lua:1:", r.err)
        self.assertIn("the configured rules", r.err)

    def test_a_missing_rules_path_exits_3_and_names_it(self):
        r = self.compare("--rules", "nowhere", *PERIOD, code=3)
        self.assertIn("nowhere: no such rule file or folder", r.err)

    def test_rules_and_run_together_or_neither_is_a_usage_error(self):
        r = self.compare("--rules", "base", "--run", "1", code=2)
        self.assertIn("either --rules or --run, not both", r.err)
        r = self.compare(*PERIOD, code=2)
        self.assertIn("give --rules PATH (other rules) or --run ID (a saved run)", r.err)

    def test_a_bad_run_id_is_a_usage_error_that_says_which_runs_there_are(self):
        r = self.compare("--run", "seven", code=2)
        self.assertIn("--run takes a run id, a whole number such as 7, not 'seven'", r.err)
        self.compare("--run", "0", code=2)
        r = self.compare("--run", "3", code=2)
        self.assertIn("team.db: no saved run 3: the database has no saved runs yet", r.err)
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD)
        r = self.compare("--run", "3", code=2)
        self.assertIn("team.db: no saved run 3: its runs are 1 to 2", r.err)

    def test_unknown_format_is_a_usage_error(self):
        r = self.compare("--rules", "base", "--format", "html", code=2)
        self.assertIn("use table, json, csv or markdown", r.err)

    def test_nothing_is_saved(self):
        self.compare("--rules", self.reweighted(), *PERIOD)
        con = self.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0)
        con.close()

    def test_help_explains_that_rules_replace_the_configured_set(self):
        out = self.ok("compare", "--help").out
        self.assertIn("usage: huddle compare (--rules PATH... | --run ID)", out)
        self.assertIn("REPLACE the config's scripts", out)
        self.assertIn("compare", self.ok("help").out)


if __name__ == "__main__":
    hcli.main()
