#!/usr/bin/env python3
"""huddle history: a rep's or a team's scorecards across saved runs, an
overview of the runs, and restatements (SPEC sections 3 and 7).

The saved history, on the hand-made team of fixture.py:

    run 1  2026-Q2                   the first run of Q2
    run 2  2026-Q3                   the first run of Q3
    run 3  2026-Q3                   nothing changed: a repeat of run 2
    run 4  2026-Q3                   Ana's 6000 deal became 3000 (an UPDATE of the
                                     data): restates run 3 for Ana and for West
    run 5  2026-Q3 --team East       East's run: not part of Ana's or West's history
    run 6  2026-Q3 weights.cfg       attain weighs 40 instead of 50: the rules hash
                                     differs; for Ana it restates run 4 (run 5 is not
                                     hers), for Dev run 5
"""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import csv
import io
import json
import re

import fixture
import hcli
from fixture import PERIOD, score

ANSI = "\x1b["
Q2 = ["--period", "2026-Q2", "--as-of", "2026-06-30"]

# Ana in Q2: 4000 won against 3000 of quota (June of her first row: 9200 * 30 / 92),
# so attain is clamped to 1; nothing won in Q1 gives growth 1.00x / 2; one call.
ANA_Q2 = score((50, 1), (20, 0.5), (30, 0.1))                            # 63
ANA_Q3 = fixture.EXPECTED_REPS[0]["score"]                               # 94
ANA_ATT_AFTER = 8000 / 9200                 # deal 2 is 3000 now: 5000 + 3000 won
ANA_AFTER = score((50, ANA_ATT_AFTER), (20, 1), (30, 0.8))               # 87.478...
ANA_REWEIGHTED = score((40, ANA_ATT_AFTER), (20, 1), (30, 0.8))          # 87.536...
DEV_Q3 = fixture.EXPECTED_REPS[4]["score"]                               # 44.897...
DEV_REWEIGHTED = score((40, 3000 / 7000), (20, 0.5))                     # 45.238...
WEST_Q3 = fixture.EXPECTED_TEAMS[0]["score"]
WEST_AVG_AFTER = (ANA_ATT_AFTER + 0.5 + 0.5) / 3
WEST_AFTER = score((60, 18000 / 20000), (40, WEST_AVG_AFTER))

assert abs(ANA_Q2 - 63) < 1e-9
assert "%.1f" % ANA_AFTER == "%.1f" % ANA_REWEIGHTED == "87.5", "the table needs more digits to tell them apart"

SPARKS = "▁▂▃▄▅▆▇█"


def spark(scores):
    """The sparkline as the help text defines it, worked out here."""
    known = [s for s in scores if s is not None]
    lo, hi = min(known), max(known)
    return "".join(" " if s is None else SPARKS[3] if hi == lo else SPARKS[int((s - lo) / (hi - lo) * 7 + 0.5)]
                   for s in scores)


class History(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.db = fixture.build(self)
        self.write("weights.cfg", fixture.CONFIG.replace("attain = 50;", "attain = 40;"))

    def eval(self, *extra, config="main.cfg"):
        self.ok("eval", "--config", config, "--db", self.db, *extra)

    def save_history(self):
        self.eval(*Q2)
        self.eval(*PERIOD)
        self.eval(*PERIOD)
        con = self.connect(self.db)
        con.execute("UPDATE deals SET amount = 3000 WHERE id = 2")
        con.commit()
        con.close()
        self.eval(*PERIOD)
        self.eval(*PERIOD, "--team", "East")
        self.eval(*PERIOD, config="weights.cfg")

    def history(self, *args, env=None):
        return self.ok("history", "--config", "main.cfg", "--db", self.db, *args, env=env)

    def json(self, *args):
        return self.history("--format", "json", *args).json()

    def rows(self, *args):
        return list(csv.DictReader(io.StringIO(self.history("--format", "csv", *args).out, newline="")))

    def table_rows(self, out):
        """The table's lines of runs, by run id."""
        return {int(l.split()[0]): l for l in out.splitlines() if re.match(r"^\s*\d+\s+20\d\d-", l)}

    # -- nothing saved yet ------------------------------------------------------

    def test_an_empty_history_says_so_and_exits_0(self):
        out = self.history().out
        self.assertEqual(out, "No saved runs in team.db yet: 'huddle eval' saves one.\n")
        doc = self.json()
        self.assertEqual(doc, {"huddle": doc["huddle"], "subject": None, "saved_runs": 0, "runs": []})
        self.assertEqual(self.history("--format", "csv").out.splitlines()[0].split(",")[:3],
                         ["run", "period", "start"])
        self.assertEqual(len(self.history("--format", "csv").out.splitlines()), 1, "only the header")

    def test_a_rep_without_saved_runs_says_so_and_exits_0(self):
        self.assertIn("History of Ana (rep 1, team West): no saved run holds this rep yet",
                      self.history("--rep", "Ana").out)
        doc = self.json("--rep", "Ana")
        self.assertEqual(doc["subject"], {"kind": "rep", "id": 1, "name": "Ana", "team": "West"})
        self.assertEqual(doc["runs"], [])

    # -- finding the rep or team -------------------------------------------------

    def test_a_rep_by_id_and_by_exact_name_give_the_same_history(self):
        self.save_history()
        self.assertEqual(self.history("--rep", "1").out, self.history("--rep", "Ana").out)

    def test_an_unknown_rep_or_team_exits_2_naming_it(self):
        self.save_history()
        for who in ("Nobody", "99", "ana", "Ana "):
            r = self.fails(2, "history", "--config", "main.cfg", "--db", self.db, "--rep", who)
            self.assertIn("no rep with id or name '%s'" % who, r.err)
        r = self.fails(2, "history", "--config", "main.cfg", "--db", self.db, "--team", "Nowhere")
        self.assertIn("no team named 'Nowhere'", r.err)

    def test_a_rep_renamed_since_is_found_by_the_name_in_the_saved_runs(self):
        self.save_history()
        con = self.connect(self.db)
        con.execute("UPDATE reps SET name = 'Ana Ruiz' WHERE id = 1")
        con.commit()
        con.close()
        out = self.history("--rep", "Ana").out
        self.assertIn("History of Ana Ruiz (rep 1, team West): 5 saved runs", out)

    def test_two_reps_of_one_name_ask_for_the_id(self):
        con = self.connect(self.db)
        con.execute("INSERT INTO reps (id, name, team_id) VALUES (20, 'Ana', 2)")
        con.commit()
        con.close()
        r = self.fails(2, "history", "--config", "main.cfg", "--db", self.db, "--rep", "Ana")
        self.assertIn("more than one rep is named 'Ana'; give the id instead", r.err)

    def test_usage_errors_exit_2(self):
        for args in (["--rep", "Ana", "--team", "West"], ["--last", "0"], ["--last", "two"],
                     ["--format", "html"], ["Ana"], ["--period", "2026-Q5"]):
            self.fails(2, "history", "--config", "main.cfg", "--db", self.db, *args)

    # -- a rep's history ------------------------------------------------------------

    def test_a_reps_table_has_one_line_per_run_newest_last_without_other_teams_runs(self):
        self.save_history()
        out = self.history("--rep", "Ana").out
        self.assertIn("History of Ana (rep 1, team West): 5 saved runs", out)
        rows = self.table_rows(out)
        self.assertEqual(list(rows), [1, 2, 3, 4, 6], "run 5 was East's")
        self.assertRegex(rows[1], r"^\s*1\s+2026-Q2\s+2026-06-30\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+63\.0\s+1\s+1\s+"
                                  r"1\.00 ×50\s+0\.50\s+0\.10\s+few_calls$")
        self.assertRegex(rows[2], r"2026-Q3\s+2026-09-30\s+\S+ \S+\s+94\.0\s+1\s+1\s+1\.00 ×50\s+1\.00\s+0\.80"
                                  r"\s+closer, big_fish$")
        self.assertRegex(rows[3], r"repeats 2\s+94\.0")
        self.assertRegex(rows[4], r"restates 3\s+87\.5\s+1\s+1\s+0\.87 ×50\s+1\.00\s+0\.80\s+closer$")
        self.assertRegex(rows[6], r"restates 4\s+87\.5\s+1\s+1\s+0\.87\s+1\.00\s+0\.80\s+closer$")
        # The header carries the newest weights; a cell shows its own only where it differs.
        self.assertRegex(out, r"\n\s+×40\s+×20\s+×30\n")

    def test_restatements_and_repeats_are_explained_under_the_table(self):
        self.save_history()
        out = self.history("--rep", "Ana").out
        self.assertIn("  run 3 repeats run 2 (2026-Q3): no number changed\n", out)
        self.assertIn("  run 4 restates run 3 (2026-Q3): score 94.0 → 87.5; components: attain 1.00 → 0.87; "
                      "recognitions: − big_fish; data changed (same rules hash)\n", out)
        # 87.478 and 87.536 are both 87.5 to one decimal: two are shown.
        self.assertIn("  run 6 restates run 4 (2026-Q3): score 87.48 → 87.54; components: attain weight "
                      "50 → 40; rules changed (rules hash differs)\n", out)

    def test_the_sparkline_follows_the_scores_and_a_missing_score_is_a_gap(self):
        self.save_history()
        ana = [ANA_Q2, ANA_Q3, ANA_Q3, ANA_AFTER, ANA_REWEIGHTED]
        self.assertEqual(spark(ana), "▁██▇▇")
        self.assertIn("score  ▁██▇▇  lowest 63.0, highest 94.0, latest 87.5\n",
                      self.history("--rep", "Ana").out)
        # Dev has no score in Q2 (no component gave a value), and is in East's run 5.
        dev = [None, DEV_Q3, DEV_Q3, DEV_Q3, DEV_Q3, DEV_REWEIGHTED]
        self.assertEqual(spark(dev), " ▁▁▁▁█")
        self.assertIn("score   ▁▁▁▁█  lowest 44.9, highest 45.2, latest 45.2\n",
                      self.history("--rep", "Dev").out)

    def test_a_reps_rule_errors_get_a_column(self):
        self.save_history()
        out = self.history("--rep", "Dev").out
        self.assertIn("rule errors", out)
        self.assertTrue(all(l.endswith("activity") for l in self.table_rows(out).values()))
        self.assertNotIn("rule errors", self.history("--rep", "Ana").out.split("Restatements")[0])

    def test_last_keeps_the_newest_runs_and_still_names_what_they_restate(self):
        self.save_history()
        out = self.history("--rep", "Ana", "--last", "2").out
        self.assertIn("History of Ana (rep 1, team West): the newest 2 of 5 saved runs", out)
        self.assertEqual(list(self.table_rows(out)), [4, 6])
        self.assertIn("run 4 restates run 3", out, "run 3 is outside the window but still compared")
        self.assertIn("score  ▁█  lowest 87.5, highest 87.5, latest 87.5", out)
        doc = self.json("--rep", "Ana", "--last", "2")
        self.assertEqual(doc["saved_runs"], 5)
        self.assertEqual([r["id"] for r in doc["runs"]], [4, 6])

    def test_period_keeps_the_runs_of_one_period_however_written(self):
        self.save_history()
        out = self.history("--rep", "Ana", "--period", "2026-07-01..2026-09-30").out
        self.assertIn("4 saved runs of 2026-07-01..2026-09-30", out)
        self.assertEqual(list(self.table_rows(out)), [2, 3, 4, 6])
        self.assertIn("no saved run of 2025-Q1 holds this rep yet", self.history("--rep", "Ana", "--period",
                                                                               "2025-Q1").out)

    def test_a_restatement_by_another_as_of_says_so(self):
        self.write("asof/late.lua", 'score "on_time" { weight = 10, doc = "Full marks as of the last day",\n'
                   '  fn = function(rep, m) return huddle.as_of == "2026-09-30" and 1 or 0.5 end }\n')
        self.write("asof.cfg", fixture.CONFIG.replace('scripts = [ "myrules" ];', 'scripts = [ "myrules", "asof" ];'))
        self.eval("--period", "2026-Q3", "--as-of", "2026-09-15", config="asof.cfg")
        self.eval(*PERIOD, config="asof.cfg")
        out = self.history("--rep", "Ana").out
        # Gil's only component is on_time: 1.00 makes him 100, ahead of Ana.
        self.assertIn("run 2 restates run 1 (2026-Q3): score %.1f → %.1f; rank 1 → 2; components: "
                      "on_time 0.50 → 1.00; as-of 2026-09-15 → 2026-09-30\n"
                      % (score((50, 1), (20, 1), (30, 0.8), (10, 0.5)), score((50, 1), (20, 1), (30, 0.8), (10, 1))),
                      out)
        self.assertEqual(self.json("--rep", "Ana")["runs"][1]["restates"]["cause"], "as_of")

    # -- a team's history ------------------------------------------------------------

    def test_a_teams_history_has_its_score_rank_components_and_restatement(self):
        self.save_history()
        out = self.history("--team", "West").out
        self.assertIn("History of West (team 1): 5 saved runs", out)
        rows = self.table_rows(out)
        self.assertEqual(list(rows), [1, 2, 3, 4, 6], "run 5 was East's")
        self.assertNotIn("team rank", out)
        self.assertRegex(rows[2], r"89\.3\s+1\s+1\.00\s+0\.73\s+group_target")
        self.assertIn("run 4 restates run 3 (2026-Q3): score 89.3 → 78.9; components: team_attain 1.00 → 0.90, "
                      "team_avg_attain 0.73 → 0.62; recognitions: − group_target; data changed (same rules hash)",
                      out)
        self.assertIn("run 6 repeats run 4 (2026-Q3): no number changed", out, "team weights did not change")
        doc = self.json("--team", "West")
        self.assertEqual(doc["subject"], {"kind": "team", "id": 1, "name": "West"})
        self.assertNear(doc["runs"][1]["score"], WEST_Q3)
        self.assertNear(doc["runs"][3]["score"], WEST_AFTER)
        self.assertNotIn("team_rank", doc["runs"][0])

    # -- the overview -----------------------------------------------------------------

    def test_the_overview_lists_every_run_with_its_scope_subjects_errors_and_status(self):
        self.save_history()
        out = self.history().out
        self.assertIn("Saved runs in team.db: 6", out)
        rows = self.table_rows(out)
        self.assertEqual(list(rows), [1, 2, 3, 4, 5, 6])
        con = self.connect(self.db)
        held = con.execute("SELECT count(*) FROM run_subjects WHERE run_id = 5 AND kind = 'rep'").fetchone()[0]
        self.assertRegex(rows[1], r"2026-Q2\s+2026-06-30\s+\S+ \S+\s+all\s+6\s+2\s+6\s+rule_errors$")
        self.assertRegex(rows[3], r"all\s+6\s+2\s+1\s+rule_errors\s+repeats 2: no number changed$")
        # Ana and West changed; the other five reps and East did not.
        self.assertRegex(rows[4], r"restates 3: 2 of 8 subjects changed; data changed \(same rules hash\)$")
        self.assertRegex(rows[5], r"team East\s+%d\s" % held)
        # The weight of attain changed for every rep run 5 holds, not for teams.
        self.assertRegex(rows[6], r"restates 5: %d of %d subjects changed; rules changed \(rules hash differs\)$"
                         % (held, held + 2))

    def test_overview_json_and_csv(self):
        self.save_history()
        runs = self.json("--last", "3")["runs"]
        self.assertEqual([r["id"] for r in runs], [4, 5, 6])
        r4 = runs[0]
        self.assertEqual(r4["period"], "2026-Q3")
        self.assertEqual((r4["start"], r4["stop"], r4["as_of"]), ("2026-07-01", "2026-10-01", "2026-09-30"))
        self.assertEqual((r4["team_filter"], r4["status"], r4["rule_errors"], r4["reps"], r4["teams"]),
                         (None, "rule_errors", 1, 6, 2))
        self.assertIsNone(r4["repeats"])
        self.assertEqual(r4["restates"], {"run": 3, "cause": "data", "subjects_compared": 8, "subjects_changed": 2})
        self.assertEqual(runs[1]["team_filter"], "East")
        self.assertEqual(runs[1]["repeats"], 4)
        self.assertEqual(runs[2]["restates"]["cause"], "rules")
        rows = self.rows()
        self.assertEqual(list(rows[0]), ["run", "period", "start", "stop", "as_of", "created_at", "rules_hash",
                                         "team_filter", "status", "started_at", "huddle_version", "rule_errors",
                                         "reps", "teams", "repeats", "restates", "subjects_changed"])
        self.assertEqual([(r["run"], r["repeats"], r["restates"], r["subjects_changed"]) for r in rows],
                         [("1", "", "", ""), ("2", "", "", ""), ("3", "2", "", "0"), ("4", "", "3", "2"),
                          ("5", "4", "", "0"), ("6", "", "5", rows[5]["subjects_changed"])])
        self.assertEqual(rows[4]["team_filter"], "East")

    # -- JSON --------------------------------------------------------------------------

    def test_json_of_a_rep_field_by_field(self):
        self.save_history()
        doc = self.json("--rep", "Ana")
        self.assertEqual(doc["subject"], {"kind": "rep", "id": 1, "name": "Ana", "team": "West"})
        self.assertEqual(doc["saved_runs"], 5)
        runs = doc["runs"]
        self.assertEqual([r["id"] for r in runs], [1, 2, 3, 4, 6])
        first = runs[0]
        self.assertEqual(sorted(first), sorted([
            "id", "period", "start", "stop", "as_of", "created_at", "started_at", "rules_hash", "huddle_version",
            "team_filter", "status", "rule_errors", "name", "team", "score", "rank", "team_rank", "components",
            "recognitions", "coaching", "errors", "repeats", "restates"]))
        self.assertEqual((first["period"], first["start"], first["stop"], first["as_of"]),
                         ("2026-Q2", "2026-04-01", "2026-07-01", "2026-06-30"))
        self.assertRegex(first["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertRegex(first["rules_hash"], r"^[0-9a-f]{16}$")
        self.assertEqual((first["name"], first["team"], first["rank"], first["team_rank"]), ("Ana", "West", 1, 1))
        self.assertNear(first["score"], ANA_Q2)
        self.assertEqual(first["components"][0], {"rule": "attain", "value": 1, "raw": 4000 / 3000, "weight": 50,
                                                  "why": "133% of quota"})
        self.assertEqual(first["coaching"], [{"trigger": "few_calls", "severity": "high",
                                              "advice": "Plan call blocks with Ana; calls so far: 1"}])
        self.assertEqual((first["repeats"], first["restates"]), (None, None))
        # Run 2 holds exactly what eval printed for Ana (fixture.py).
        want = fixture.EXPECTED_REPS[0]
        for key in ("score", "rank", "team_rank", "components", "recognitions", "coaching", "errors"):
            self.assertEqual(runs[1][key], want[key], key)
        self.assertEqual(runs[2]["repeats"], 2)
        self.assertIsNone(runs[2]["restates"])

    def test_json_restates_names_the_earlier_run_and_every_change_unrounded(self):
        self.save_history()
        runs = {r["id"]: r for r in self.json("--rep", "Ana")["runs"]}
        r4 = runs[4]["restates"]
        self.assertEqual((r4["run"], r4["cause"]), (3, "data"))
        self.assertEqual(r4["summary"], "score 94.0 → 87.5; components: attain 1.00 → 0.87; recognitions: "
                                        "− big_fish; data changed (same rules hash)")
        score_change, attain_change, lost = r4["changes"]
        self.assertEqual(score_change["field"], "score")
        self.assertEqual(score_change["from"], runs[3]["score"])
        self.assertEqual(score_change["to"], runs[4]["score"])
        self.assertNear(score_change["from"], ANA_Q3)
        self.assertNear(score_change["to"], ANA_AFTER)
        self.assertEqual(score_change["text"], "score 94.0 → 87.5")
        self.assertEqual({k: attain_change[k] for k in ("field", "rule", "from", "to")},
                         {"field": "component.value", "rule": "attain", "from": 1, "to": ANA_ATT_AFTER})
        self.assertEqual(lost, {"field": "recognition", "rule": "big_fish", "change": "lost", "text": "− big_fish"})
        self.assertIsNone(runs[4]["repeats"])

        r6 = runs[6]["restates"]
        self.assertEqual((r6["run"], r6["cause"]), (4, "rules"), "run 5 was East's, not Ana's")
        self.assertEqual([c["field"] for c in r6["changes"]], ["score", "component.weight"])
        self.assertNear(r6["changes"][0]["to"], ANA_REWEIGHTED)
        self.assertEqual(r6["changes"][0]["text"], "score 87.48 → 87.54")
        self.assertEqual(r6["changes"][1], {"field": "component.weight", "rule": "attain", "from": 50, "to": 40,
                                            "text": "attain weight 50 → 40"})

    def test_json_nulls_where_a_rep_had_no_score(self):
        self.save_history()
        dev = self.json("--rep", "Dev")["runs"]
        self.assertEqual([r["id"] for r in dev], [1, 2, 3, 4, 5, 6], "run 5 was East's, and Dev is in East")
        self.assertEqual((dev[0]["score"], dev[0]["rank"], dev[0]["team_rank"]), (None, None, None))
        self.assertEqual(dev[0]["components"][2], {"rule": "activity", "value": None, "raw": None, "weight": 30,
                                                   "why": None})
        self.assertEqual(dev[0]["errors"], [{"rule": "activity", "where": "%s:%d" % (fixture.ERROR_FILE,
                                                                                    fixture.ERROR_LINE),
                                             "message": "no activity feed for Dev"}])
        self.assertEqual(dev[4]["team_filter"], "East")
        self.assertEqual(dev[4]["repeats"], 4)
        self.assertEqual(dev[5]["restates"]["run"], 5)

    # -- CSV ----------------------------------------------------------------------------

    def test_csv_has_a_header_and_one_row_per_run(self):
        self.save_history()
        rows = self.rows("--rep", "Ana")
        self.assertEqual(list(rows[0]), [
            "run", "period", "start", "stop", "as_of", "created_at", "rules_hash", "team_filter", "status", "name",
            "team", "score", "rank", "team_rank", "attain", "attain_weight", "growth", "growth_weight", "activity",
            "activity_weight", "recognitions", "coaching", "errors", "repeats", "restates", "changes"])
        self.assertEqual([r["run"] for r in rows], ["1", "2", "3", "4", "6"])
        r1, r2, r3, r4, r6 = rows
        self.assertEqual((r1["period"], r1["as_of"], r1["name"], r1["team"], r1["rank"], r1["team_rank"]),
                         ("2026-Q2", "2026-06-30", "Ana", "West", "1", "1"))
        self.assertNear(float(r1["score"]), ANA_Q2)
        self.assertEqual((r1["attain"], r1["attain_weight"], r1["growth"], r1["activity"]), ("1", "50", "0.5", "0.1"))
        self.assertEqual((r1["recognitions"], r1["coaching"], r1["errors"]), ("", "few_calls", ""))
        self.assertEqual(r2["recognitions"], "closer;big_fish")
        self.assertEqual((r3["repeats"], r3["restates"], r3["changes"]), ("2", "", ""))
        self.assertEqual(float(r4["attain"]), ANA_ATT_AFTER, "unrounded")
        self.assertEqual((r4["repeats"], r4["restates"]), ("", "3"))
        self.assertEqual(r4["changes"], "score 94.0 → 87.5; components: attain 1.00 → 0.87; recognitions: "
                                        "− big_fish; data changed (same rules hash)")
        self.assertEqual((r6["attain_weight"], r6["restates"]), ("40", "4"))

    def test_output_writes_the_file_and_nothing_to_stdout(self):
        self.save_history()
        r = self.history("--rep", "Ana", "--format", "json", "--output", "ana.json")
        self.assertEqual(r.out, "")
        self.assertEqual(json.loads(self.read("ana.json")), self.json("--rep", "Ana"))

    # -- colour --------------------------------------------------------------------------

    def on_terminal(self, env):
        import test_formats
        return test_formats.Formats.run_on_terminal(
            self, ["history", "--config", "main.cfg", "--db", self.db, "--rep", "Ana"], env)

    def test_colour_only_on_a_terminal_and_never_with_no_color(self):
        self.save_history()
        env = dict(self.env)
        env.pop("NO_COLOR", None)
        env["TERM"] = "xterm"
        self.assertNotIn(ANSI, self.history("--rep", "Ana", env=env).out, "not a terminal")
        out = self.on_terminal(env)
        self.assertIn("History of", out)
        self.assertIn(ANSI, out)
        out = self.on_terminal(dict(env, NO_COLOR="1"))
        self.assertIn("History of", out)
        self.assertNotIn(ANSI, out)


if __name__ == "__main__":
    hcli.main()
