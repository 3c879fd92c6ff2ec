#!/usr/bin/env python3
"""huddle eval --format json on a hand-made fixture, field by field
(SPEC section 3: the JSON output, saving, --team, --no-save, --output,
--audience, --strict, determinism)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import json
import os
import re

import fixture
import hcli
from fixture import PERIOD


class EvalJson(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.db = fixture.build(self)
        self.cfg = "main.cfg"

    def eval_json(self, *extra, expect=0):
        r = self.huddle("eval", "--config", self.cfg, "--db", self.db, "--format", "json",
                        *PERIOD, *extra)
        self.assertEqual(r.rc, expect, repr(r))
        return r.json(), r

    # -- the whole document, by hand ----------------------------------

    def check_card(self, got, want, where):
        for key in want:
            if key == "components":
                continue
            if key == "score" and want[key] is not None:
                self.assertNear(got[key], want[key], "%s.score" % where)
            else:
                self.assertEqual(got.get(key, "<missing>"), want[key], "%s.%s" % (where, key))
        self.assertEqual(len(got["components"]), len(want["components"]),
                         "%s: components %r" % (where, [c["rule"] for c in got["components"]]))
        for gc, wc in zip(got["components"], want["components"]):
            w = "%s component %s" % (where, wc["rule"])
            self.assertEqual(sorted(gc), ["raw", "rule", "value", "weight", "why"], w)
            self.assertEqual(gc["rule"], wc["rule"], w)
            self.assertEqual(gc["weight"], wc["weight"], w + ".weight")
            self.assertEqual(gc["why"], wc["why"], w + ".why")
            for k in ("value", "raw"):
                if wc[k] is None:
                    self.assertIsNone(gc[k], "%s.%s" % (w, k))
                else:
                    self.assertNear(gc[k], wc[k], "%s.%s" % (w, k))

    def test_every_field_of_every_rep_and_team_matches_the_hand_computation(self):
        doc, r = self.eval_json("--no-save")
        self.assertEqual(sorted(doc), ["huddle", "reps", "run", "teams"])
        self.assertEqual(doc["huddle"], "0.1.0")
        run = doc["run"]
        self.assertEqual(sorted(run), ["as_of", "created_at", "id", "period", "rules_hash",
                                       "start", "stop"])
        self.assertIsNone(run["id"])
        self.assertEqual((run["period"], run["start"], run["stop"], run["as_of"]),
                         ("2026-Q3", "2026-07-01", "2026-10-01", "2026-09-30"))
        self.assertRegex(run["rules_hash"], r"^[0-9a-f]+$")
        self.assertRegex(run["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual([c["id"] for c in doc["reps"]], [w["id"] for w in fixture.EXPECTED_REPS],
                         "reps ordered by rank then id, the rep without a score last")
        for got, want in zip(doc["reps"], fixture.EXPECTED_REPS):
            self.assertEqual(sorted(got), ["coaching", "components", "errors", "id", "name",
                                           "rank", "recognitions", "score", "team", "team_rank"])
            self.check_card(got, want, "rep %s" % want["name"])
        self.assertEqual([t["id"] for t in doc["teams"]], [1, 2],
                         "team North has no active rep and is left out")
        for got, want in zip(doc["teams"], fixture.EXPECTED_TEAMS):
            self.assertEqual(sorted(got), ["coaching", "components", "errors", "id", "members",
                                           "name", "rank", "recognitions", "score"])
            self.check_card(got, want, "team %s" % want["name"])

    def test_ties_share_a_rank_and_the_next_rank_is_skipped(self):
        doc, _ = self.eval_json("--no-save")
        self.assertEqual([c["rank"] for c in doc["reps"]], [1, 2, 2, 4, 5, None])
        self.assertEqual(doc["reps"][1]["score"], doc["reps"][2]["score"])
        self.assertEqual({c["name"]: c["team_rank"] for c in doc["reps"]},
                         {"Ana": 1, "Ben": 2, "Cara": 2, "Eve": 1, "Dev": 2, "Gil": None})

    def test_deal_closed_on_last_day_counts_next_day_does_not(self):
        doc, _ = self.eval_json("--no-save")
        ana = doc["reps"][0]
        # 5000 + 6000 (closed 2026-09-30) over a quota of 9200; the 7000
        # closed on 2026-10-01 would make it 18000 / 9200.
        self.assertNear(ana["components"][0]["raw"], 11000 / 9200)

    def test_quota_spanning_two_quarters_is_prorated_by_overlapping_days(self):
        doc, _ = self.eval_json("--no-save")
        self.assertNear(doc["reps"][0]["components"][0]["raw"], 11000 / (6200 + 3000))

    def test_score_above_one_is_clamped_and_raw_value_kept(self):
        doc, _ = self.eval_json("--no-save")
        growth = doc["reps"][0]["components"][1]
        self.assertEqual(growth["value"], 1)
        self.assertNear(growth["raw"], 1.375)

    def test_component_returning_nil_is_null_and_left_out_of_the_score(self):
        doc, _ = self.eval_json("--no-save")
        eve = [c for c in doc["reps"] if c["name"] == "Eve"][0]
        self.assertIsNone(eve["components"][0]["value"])
        self.assertNear(eve["score"], 100 * (20 * 0.5 + 30 * 0.6) / (20 + 30))

    def test_rep_with_no_component_value_has_null_score_and_rank_and_comes_last(self):
        doc, _ = self.eval_json("--no-save")
        gil = doc["reps"][-1]
        self.assertEqual((gil["name"], gil["score"], gil["rank"], gil["team_rank"]),
                         ("Gil", None, None, None))

    def test_inactive_reps_and_reps_hired_after_the_period_are_not_evaluated(self):
        doc, _ = self.eval_json("--no-save")
        names = {c["name"] for c in doc["reps"]}
        self.assertNotIn("Finn", names)
        self.assertNotIn("Hal", names)

    def test_config_overrides_a_weight_and_disables_rules(self):
        doc, _ = self.eval_json("--no-save")
        for c in doc["reps"]:
            self.assertEqual([(k["rule"], k["weight"]) for k in c["components"]],
                             [("attain", 50), ("growth", 20), ("activity", 30)])
            self.assertNotIn("shout", [x["policy"] for x in c["recognitions"]])
            self.assertFalse(any(e["rule"] == "legacy" for e in c["errors"]))

    def test_params_reach_huddle_param_and_sql_as_param_name(self):
        doc, _ = self.eval_json("--no-save")
        coached = sorted(c["name"] for c in doc["reps"] if c["coaching"])
        self.assertEqual(coached, ["Dev", "Gil"], "call_floor = 3 from the config, not the default 5")
        fish = [c["name"] for c in doc["reps"]
                if any(x["policy"] == "big_fish" for x in c["recognitions"])]
        self.assertEqual(fish, ["Ana"], ":param_big_deal = 5500 bound in the metric SQL")

    def test_without_params_the_rule_defaults_apply(self):
        self.write("plain.cfg", 'scripts = [ "myrules" ];\n'
                   'rules = { disabled = [ "legacy", "shout" ]; };\n')
        self.cfg = "plain.cfg"
        doc, _ = self.eval_json("--no-save")
        coached = sorted(c["name"] for c in doc["reps"] if c["coaching"])
        self.assertEqual(coached, ["Ben", "Cara", "Dev", "Gil"], "huddle.param default 5")
        # :param_big_deal is NULL, and amount >= NULL is never true.
        self.assertFalse(any(x["policy"] == "big_fish" for c in doc["reps"] for x in c["recognitions"]))
        self.assertEqual(doc["reps"][0]["components"][0]["weight"], 40)

    def test_rule_error_is_recorded_for_that_subject_and_the_run_goes_on(self):
        doc, r = self.eval_json("--no-save")
        errs = {c["name"]: c["errors"] for c in doc["reps"]}
        self.assertEqual(errs["Dev"], [{"rule": "activity",
                                        "where": "%s:%d" % (fixture.ERROR_FILE, fixture.ERROR_LINE),
                                        "message": "no activity feed for Dev"}])
        self.assertTrue(all(not v for k, v in errs.items() if k != "Dev"))
        self.assertIn("1 rule error", r.err)

    def test_strict_turns_a_rule_error_into_exit_status_1(self):
        doc, r = self.eval_json("--no-save", "--strict", expect=1)
        self.assertEqual(len(doc["reps"]), 6, "the report is still written")

    def test_strict_without_rule_errors_exits_0(self):
        self.write("ok.cfg", 'scripts = [ "myrules" ];\n'
                   'rules = { disabled = [ "legacy", "shout", "activity" ]; };\n')
        self.cfg = "ok.cfg"
        self.eval_json("--no-save", "--strict", expect=0)

    # -- --team ----------------------------------------------------------

    def test_team_option_shows_only_that_team_and_its_members_with_org_wide_ranks(self):
        doc, _ = self.eval_json("--no-save", "--team", "East")
        self.assertEqual([(c["name"], c["rank"], c["team_rank"]) for c in doc["reps"]],
                         [("Eve", 4, 1), ("Dev", 5, 2), ("Gil", None, None)])
        self.assertEqual([(t["name"], t["rank"]) for t in doc["teams"]], [("East", 2)])

    def test_team_option_with_unknown_team_is_a_usage_error(self):
        r = self.fails(2, "eval", "--config", self.cfg, "--db", self.db, *PERIOD, "--team", "Nowhere")
        self.assertIn("Nowhere", r.err)

    # -- saving ------------------------------------------------------------

    def test_no_save_gives_null_run_id_and_leaves_the_runs_table_empty(self):
        doc, _ = self.eval_json("--no-save")
        self.assertIsNone(doc["run"]["id"])
        con = self.connect(self.db)
        for t in ("runs", "run_subjects", "run_items", "outbox"):
            self.assertEqual(con.execute("SELECT count(*) FROM %s" % t).fetchone()[0], 0, t)

    def test_saved_runs_get_ids_1_then_2_with_every_subject_and_item(self):
        first, _ = self.eval_json()
        second, _ = self.eval_json()
        self.assertEqual((first["run"]["id"], second["run"]["id"]), (1, 2))
        con = self.connect(self.db)
        runs = con.execute("SELECT id, period, start, stop, as_of, rules_hash, huddle_version, "
                           "status, rule_errors, started_at, finished_at FROM runs ORDER BY id").fetchall()
        self.assertEqual(len(runs), 2)
        for row in runs:
            self.assertEqual(row[1:9], ("2026-Q3", "2026-07-01", "2026-10-01", "2026-09-30",
                                        first["run"]["rules_hash"], "0.1.0", "rule_errors", 1))
            self.assertTrue(row[9] and row[10])
        subjects = con.execute("SELECT kind, subject_id, name, score, rank, team_rank FROM run_subjects "
                               "WHERE run_id = 1 ORDER BY kind, subject_id").fetchall()
        self.assertEqual([(k, i) for k, i, *_ in subjects],
                         [("rep", 1), ("rep", 2), ("rep", 3), ("rep", 4), ("rep", 5), ("rep", 6),
                          ("team", 1), ("team", 2)])
        by_id = {(k, i): (n, s, rk, tr) for k, i, n, s, rk, tr in subjects}
        for want in fixture.EXPECTED_REPS:
            n, s, rk, tr = by_id[("rep", want["id"])]
            self.assertEqual((n, rk, tr), (want["name"], want["rank"], want["team_rank"]))
            if want["score"] is None:
                self.assertIsNone(s)
            else:
                self.assertNear(s, want["score"])
        items = con.execute("SELECT item, count(*) FROM run_items WHERE run_id = 1 GROUP BY item").fetchall()
        # 6 reps x 3 components + 2 teams x 2; recognitions: Ana 2, Dev 1,
        # Eve 1, West 1; coaching: Dev, Gil, East; one error (Dev).
        self.assertEqual(dict(items), {"component": 22, "recognition": 5, "coaching": 3, "error": 1})
        err = con.execute("SELECT rule, text, location FROM run_items WHERE run_id = 1 AND item = 'error'"
                          ).fetchone()
        self.assertEqual(err, ("activity", "no activity feed for Dev",
                               "%s:%d" % (fixture.ERROR_FILE, fixture.ERROR_LINE)))
        self.assertEqual(con.execute("SELECT count(*) FROM run_items WHERE run_id = 2").fetchone()[0], 31)

    def test_recognitions_and_coaching_are_queued_in_the_outbox_once_per_period(self):
        self.eval_json()
        con = self.connect(self.db)
        rows = con.execute("SELECT run_id, kind, subject_kind, subject_id, rule, payload, delivered_at "
                           "FROM outbox ORDER BY id").fetchall()
        # recognitions: Ana closer + big_fish, Dev closer, Eve helper, West
        # group_target; coaching: Dev and Gil few_calls, East team_low.
        self.assertEqual(sorted((k, sk, i, r) for _, k, sk, i, r, _, _ in rows), sorted([
            ("recognition", "rep", 1, "closer"), ("recognition", "rep", 1, "big_fish"),
            ("recognition", "rep", 4, "closer"), ("recognition", "rep", 5, "helper"),
            ("recognition", "team", 1, "group_target"), ("coaching", "rep", 4, "few_calls"),
            ("coaching", "rep", 6, "few_calls"), ("coaching", "team", 2, "team_low")]))
        self.assertTrue(all(r[0] == 1 and r[6] is None for r in rows))
        payload = json.loads([r[5] for r in rows if r[4] == "helper"][0])
        self.assertEqual(payload["text"], "Eve helped East")
        self.eval_json()
        self.assertEqual(con.execute("SELECT count(*) FROM outbox").fetchone()[0], 8,
                         "evaluating the period again queues nothing twice")

    def test_rules_hash_follows_the_rules_and_config(self):
        a, _ = self.eval_json("--no-save")
        b, _ = self.eval_json("--no-save")
        self.assertEqual(a["run"]["rules_hash"], b["run"]["rules_hash"])
        self.write("w.cfg", fixture.CONFIG.replace("attain = 50", "attain = 51"))
        self.cfg = "w.cfg"
        c, _ = self.eval_json("--no-save")
        self.assertNotEqual(a["run"]["rules_hash"], c["run"]["rules_hash"])
        self.cfg = "main.cfg"
        self.write(fixture.ERROR_FILE, fixture.RULES_LUA + "\n-- a comment\n")
        d, _ = self.eval_json("--no-save")
        self.assertNotEqual(a["run"]["rules_hash"], d["run"]["rules_hash"])

    def test_output_file_receives_the_report_and_stdout_stays_empty(self):
        os.makedirs("out")
        r = self.ok("eval", "--config", self.cfg, "--db", self.db, "--format", "json", *PERIOD,
                    "--no-save", "--output", "out/report.json")
        self.assertEqual(r.out, "")
        with open("out/report.json") as f:
            doc = json.load(f)
        self.assertEqual([c["name"] for c in doc["reps"]], ["Ana", "Ben", "Cara", "Eve", "Dev", "Gil"])
        self.assertEqual(sorted(os.listdir("out")), ["report.json"], "no temporary file left behind")

    def test_output_to_a_fifo_or_device_is_written_in_place_not_replaced(self):
        # A report is written beside a regular file and renamed over it;
        # renaming over /dev/null or a FIFO would put a file in its place
        # (it once did, for /dev/null).  Every command with --output.
        import stat
        import threading
        commands = [
            ["eval", "--format", "json", *PERIOD, "--no-save"],
            ["history", "--format", "json"],
            ["compare", "--rules", "myrules", "--format", "json", *PERIOD],
            ["backtest", "--periods", "2026-Q3", "--format", "json"],
        ]
        for args in commands:
            with self.subTest(command=args[0]):
                fifo = "report-%s.fifo" % args[0]
                os.mkfifo(fifo)
                got = []
                reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
                reader.start()
                self.ok(args[0], "--config", self.cfg, "--db", self.db, *args[1:], "--output", fifo)
                reader.join(30)
                self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a file")
                json.loads(got[0])
                self.assertEqual([f for f in os.listdir(".") if ".tmp" in f], [], "no temporary file left")

    def test_output_into_a_missing_folder_is_an_io_error_naming_the_file(self):
        r = self.fails(4, "eval", "--config", self.cfg, "--db", self.db, "--format", "json", *PERIOD,
                       "--no-save", "--output", "nope/report.json")
        self.assertIn("nope/report.json", r.err)

    # -- audience -------------------------------------------------------------

    def test_team_audience_hides_coaching_and_rule_errors(self):
        doc, _ = self.eval_json("--no-save", "--audience", "team")
        for c in doc["reps"] + doc["teams"]:
            self.assertEqual((c["coaching"], c["errors"]), ([], []), c["name"])
        self.assertEqual(doc["reps"][0]["name"], "Ana", "named leaderboard by default")
        self.assertEqual(len(doc["reps"][0]["recognitions"]), 2, "recognitions stay")

    def test_team_audience_with_anonymous_leaderboard_shows_no_rep_names(self):
        self.write("anon.cfg", fixture.CONFIG + 'output = { leaderboard = "anonymous"; };\n')
        self.cfg = "anon.cfg"
        doc, _ = self.eval_json("--no-save", "--audience", "team")
        self.assertEqual([c.get("name") for c in doc["reps"]], [None] * 6)
        self.assertEqual([c["rank"] for c in doc["reps"]], [1, 2, 2, 4, 5, None])
        self.assertEqual([t["name"] for t in doc["teams"]], ["West", "East"], "team names stay")
        table = self.ok("eval", "--config", self.cfg, "--db", self.db, *PERIOD, "--no-save",
                        "--audience", "team").out
        board = table.split("Leaderboard", 1)[1].split("Recognition", 1)[0]
        for name in ("Ana", "Ben", "Cara", "Dev", "Eve", "Gil"):
            self.assertNotRegex(board, r"\b%s\b" % name)
        self.assertNotIn("Coaching", table)

    def test_anonymous_leaderboard_still_names_reps_for_the_manager(self):
        self.write("anon.cfg", fixture.CONFIG + 'output = { leaderboard = "anonymous"; };\n')
        self.cfg = "anon.cfg"
        doc, _ = self.eval_json("--no-save")
        self.assertEqual(doc["reps"][0]["name"], "Ana")

    def test_unknown_audience_is_a_usage_error(self):
        self.fails(2, "eval", "--config", self.cfg, "--db", self.db, *PERIOD, "--audience", "boss")

    # -- --rules ------------------------------------------------------------

    def test_rules_option_loads_extra_rules_after_the_configured_ones(self):
        self.write("extra.lua", 'score "bonus" { weight = 0, doc = "informational",\n'
                   '  fn = function(rep, m) return 0.25, "a quarter" end }\n'
                   'score "growth" { override = true, weight = 20, doc = "flat",\n'
                   '  fn = function(rep, m) return 0 end }\n')
        doc, _ = self.eval_json("--no-save", "--rules", "extra.lua")
        ana = [c for c in doc["reps"] if c["name"] == "Ana"][0]
        self.assertEqual([k["rule"] for k in ana["components"]], ["attain", "growth", "activity", "bonus"])
        self.assertEqual(ana["components"][3], {"rule": "bonus", "value": 0.25, "raw": 0.25,
                                                "weight": 0, "why": "a quarter"})
        # growth replaced by 0; bonus has weight 0 and never counts.
        self.assertNear(ana["score"], 100 * (50 * 1 + 20 * 0 + 30 * 0.8) / 100)

    def test_rules_option_with_a_missing_file_exits_3(self):
        r = self.fails(3, "eval", "--config", self.cfg, "--db", self.db, *PERIOD, "--rules", "nope.lua")
        self.assertIn("nope.lua", r.both)

    # -- determinism -----------------------------------------------------------

    def test_two_runs_give_byte_identical_json_apart_from_run_id_and_created_at(self):
        a = self.ok("eval", "--config", self.cfg, "--db", self.db, "--format", "json", *PERIOD).out
        b = self.ok("eval", "--config", self.cfg, "--db", self.db, "--format", "json", *PERIOD).out

        def scrub(s):
            s = re.sub(r'"created_at": "[^"]*"', '"created_at": ""', s)
            return re.sub(r'("run": \{\s*"id": )\d+', r"\1ID", s)
        self.assertNotEqual(a, b)
        self.assertEqual(scrub(a), scrub(b))

    def test_config_file_found_in_the_working_folder_is_used(self):
        fixture.write_rules(self, "huddle.cfg")
        r = self.ok("eval", "--db", self.db, "--format", "json", *PERIOD, "--no-save")
        self.assertEqual(r.json()["reps"][0]["components"][0]["weight"], 50)

    def test_absolute_config_path_still_reports_rule_files_relative_to_the_working_folder(self):
        r = self.huddle("eval", "--config", os.path.join(self.tmp, self.cfg), "--db", self.db,
                        "--format", "json", *PERIOD, "--no-save")
        self.assertEqual(r.rc, 0, repr(r))
        dev = [c for c in r.json()["reps"] if c["name"] == "Dev"][0]
        self.assertEqual(dev["errors"][0]["where"], "%s:%d" % (fixture.ERROR_FILE, fixture.ERROR_LINE))



class Strengths(hcli.HuddleTestCase):
    """rep.strengths: the talents of the rep's latest assessment taken by
    the as-of date, in rank order."""

    def test_the_latest_assessment_by_the_as_of_date_gives_the_strengths(self):
        self.init_db("s.db")
        con = self.connect("s.db")
        hcli.insert(con, "teams", [{"id": 1, "name": "West"}])
        hcli.insert(con, "reps", [{"id": i, "name": n, "team_id": 1}
                                  for i, n in ((1, "Ana"), (2, "Ben"), (3, "Cy"), (4, "Dee"))])
        hcli.insert(con, "assessments", [
            # Ana: an older one, the latest by the as-of date, one after it
            {"id": 10, "rep_id": 1, "instrument": "CliftonStrengths", "taken_on": "2025-01-05"},
            {"id": 11, "rep_id": 1, "instrument": "CliftonStrengths", "taken_on": "2026-03-01"},
            {"id": 12, "rep_id": 1, "instrument": "CliftonStrengths", "taken_on": "2026-10-15"},
            # Ben: two on one day: the later id wins
            {"id": 21, "rep_id": 2, "instrument": "CliftonStrengths", "taken_on": "2026-02-02"},
            {"id": 20, "rep_id": 2, "instrument": "CliftonStrengths", "taken_on": "2026-02-02"},
            # Cy: only one after the as-of date; Dee: none
            {"id": 30, "rep_id": 3, "instrument": "CliftonStrengths", "taken_on": "2026-12-01"},
        ])
        hcli.insert(con, "strengths", [
            {"assessment_id": 10, "talent": "Old", "rank": 1},
            {"assessment_id": 11, "talent": "Relator", "rank": 2},
            {"assessment_id": 11, "talent": "Achiever", "rank": 1},
            {"assessment_id": 11, "talent": "Learner", "rank": 3},
            {"assessment_id": 12, "talent": "Future", "rank": 1},
            {"assessment_id": 20, "talent": "Lower", "rank": 1},
            {"assessment_id": 21, "talent": "Arranger", "rank": 1},
            {"assessment_id": 30, "talent": "Later", "rank": 1},
        ])
        con.commit()
        con.close()
        self.write("rules/r.lua", 'recognize "talents" { doc = "x", when = function(rep, m)\n'
                   '  return table.concat(rep.strengths, ",") .. "|" .. tostring(rep.top_strength) end }\n')
        self.write("s.cfg", 'scripts = [ "rules" ];\n')
        r = self.ok("eval", "--config", "s.cfg", "--db", "s.db", "--period", "2026-Q3", "--no-save",
                    "--format", "json")
        got = {c["name"]: c["recognitions"][0]["message"] for c in r.json()["reps"]}
        self.assertEqual(got, {"Ana": "Achiever,Relator,Learner|Achiever", "Ben": "Arranger|Arranger",
                               "Cy": "|nil", "Dee": "|nil"})

if __name__ == "__main__":
    hcli.main()
