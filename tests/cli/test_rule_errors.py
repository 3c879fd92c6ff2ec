#!/usr/bin/env python3
"""Rule errors at evaluation time: each fails for its subject only, is
reported with rule, file:line and message, and the run goes on
(SPEC sections 5, 8 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import time
import hcli
from hcli import insert, line_of

PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]

METRICS = '''metric "won_amount" {
  doc = "won",
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won'
          AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]],
  default = 0,
}
metric "team_target" {
  subject = "team", doc = "target",
  sql = [[SELECT team_id, SUM(amount) FROM team_targets GROUP BY team_id]],
}
'''


class RuleErrors(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.init_db("team.db")
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "West"}])
        insert(con, "reps", [{"id": i, "name": n, "team_id": 1}
                             for i, n in enumerate(["Ana", "Ben", "Cara"], 1)])
        insert(con, "team_targets", [{"team_id": 1, "starts_on": "2026-07-01", "ends_on": "2026-09-30",
                                      "amount": 100}])
        insert(con, "deals", [{"id": i, "rep_id": i, "amount": 10 * i, "stage": "won", "created_on": "2026-07-01",
                               "closed_on": "2026-08-01"} for i in (1, 2, 3)])
        con.commit()
        con.close()
        self.write("rules/10_metrics.lua", METRICS)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { instructions = 200000; };\n')

    def eval_with(self, rules, *extra, expect=0):
        self.write("rules/20_rules.lua", rules)
        r = self.huddle("eval", "--db", "team.db", "--format", "json", "--no-save", *PERIOD, *extra)
        self.assertEqual(r.rc, expect, repr(r))
        doc = r.json()
        return {c["name"]: c for c in doc["reps"] + doc["teams"]}, r

    def test_defining_rules_while_rules_run_is_a_rule_error(self):
        # Found by fuzzing: a definition during evaluation used to move the
        # rule array under the evaluator.
        rules = ('local later = score "late"\n'
                 'score "s" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  if rep.name == "Ana" then metric "m2" { sql = "SELECT 1, 1" } end\n'
                 '  if rep.name == "Ben" then later { weight = 1, fn = function() return 1 end } end\n'
                 '  return 0.5 end }\n')
        cards, r = self.eval_with(rules)
        self.assertIn("metric can only be used at the top level of a rule file",
                      cards["Ana"]["errors"][0]["message"])
        self.assertIn("can only be defined while the rule files load", cards["Ben"]["errors"][0]["message"])
        self.assertEqual(cards["Cara"]["errors"], [])
        self.assertEqual(cards["Cara"]["score"], 50)

    def test_a_team_object_cannot_be_forged(self):
        rules = ('score "s" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  return rep.team.sum({ _index = -100000 }, "n") end }\n'
                 'metric "n" { doc = "x", fn = function(m) return 1 end }\n'
                 'score "t" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  rep.team._index = 100000 return #rep.team.members end }\n'
                 'local kept\n'
                 'score "u" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  if kept then return kept:sum("n") end\n'
                 '  kept = rep.team return 0.5 end }\n')
        cards, r = self.eval_with(rules)
        msgs = {e["rule"]: e["message"] for e in cards["Ana"]["errors"]}
        self.assertEqual(sorted(msgs), ["s", "t"], msgs)
        self.assertIn("expected a team object", msgs["s"])
        # The object is read-only: its index cannot be rewritten.
        self.assertIn("cannot change team._index: team is read-only", msgs["t"])
        # A team object kept from an earlier subject is not taken either.
        later = {e["rule"]: e["message"] for e in cards["Ben"]["errors"]}
        self.assertIn("expected a team object", later["u"])

    def test_unknown_metric_names_the_closest_known_one(self):
        rules = 'score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n    return m.won_amout / 100\n  end }\n'
        cards, r = self.eval_with(rules)
        for name in ("Ana", "Ben", "Cara"):
            err = cards[name]["errors"]
            self.assertEqual(len(err), 1)
            self.assertEqual(err[0]["rule"], "s")
            self.assertIn("won_amout", err[0]["message"])
            self.assertIn("did you mean 'won_amount'", err[0]["message"])
            self.assertEqual(err[0]["where"], "rules/20_rules.lua:3")
        self.assertIsNone(cards["Ana"]["score"])

    def test_unknown_metric_far_from_any_name_has_no_suggestion(self):
        rules = 'score "s" { weight = 1, doc = "x", fn = function(rep, m) return m.zzzzzzzzzz end }\n'
        cards, _ = self.eval_with(rules)
        msg = cards["Ana"]["errors"][0]["message"]
        self.assertIn("zzzzzzzzzz", msg)
        self.assertNotIn("did you mean", msg)

    def test_infinite_loop_hits_the_instruction_budget_for_that_subject_only(self):
        rules = ('score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n'
                 '    if rep.name == "Ben" then while true do end end -- LOOP\n'
                 '    return m.won_amount / 100\n  end }\n')
        start = time.monotonic()
        cards, r = self.eval_with(rules)
        self.assertLess(time.monotonic() - start, 20)
        err = cards["Ben"]["errors"]
        self.assertEqual(len(err), 1)
        self.assertIn("instruction budget", err[0]["message"])
        self.assertEqual(err[0]["where"], "rules/20_rules.lua:%d" % line_of(rules, "-- LOOP"))
        self.assertIsNone(cards["Ben"]["score"])
        self.assertNear(cards["Ana"]["score"], 10.0)
        self.assertNear(cards["Cara"]["score"], 30.0)
        self.assertEqual(cards["Ana"]["errors"], [])
        self.assertIn("1 rule error", r.err)

    def test_budget_error_cannot_be_caught_with_pcall(self):
        rules = ('score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n'
                 '    local ok = pcall(function() while true do end end)\n'
                 '    return 0.5, "escaped"\n  end }\n')
        cards, _ = self.eval_with(rules)
        self.assertIsNone(cards["Ana"]["components"][0]["value"])
        self.assertIn("instruction budget", cards["Ana"]["errors"][0]["message"])

    def test_time_limit_holds_inside_a_slow_query(self):
        rules = ('score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n'
                 '    if rep.name ~= "Ana" then return 1 end\n'
                 '    return huddle.db.value([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n'
                 '                             SELECT count(*) FROM c]], {})\n  end }\n')
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { time_ms = 300; sql_ms = 300; };\n')
        start = time.monotonic()
        cards, _ = self.eval_with(rules)
        self.assertLess(time.monotonic() - start, 15)
        self.assertEqual(len(cards["Ana"]["errors"]), 1)
        self.assertEqual(cards["Ben"]["score"], 100)

    def test_memory_limit_fails_the_subject_only(self):
        rules = ('score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n'
                 '    if rep.name == "Cara" then local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end end\n'
                 '    return 1\n  end }\n')
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { memory_mb = 16; instructions = 1000000000; '
                   'time_ms = 20000; };\n')
        cards, _ = self.eval_with(rules)
        self.assertIn("memory", cards["Cara"]["errors"][0]["message"])
        self.assertEqual(cards["Ana"]["score"], 100)

    def test_bad_score_values_are_rule_errors(self):
        for expr, word in (("0/0", "NaN"), ("1/0", "infinity"), ('"high"', "string"), ("{}", "table"),
                           ("true", "boolean")):
            rules = 'score "s" { weight = 1, doc = "x", fn = function(rep, m) return %s end }\n' % expr
            cards, _ = self.eval_with(rules)
            err = cards["Ana"]["errors"]
            self.assertEqual(len(err), 1, expr)
            self.assertIn(word, err[0]["message"], expr)
            self.assertEqual(err[0]["where"], "rules/20_rules.lua:1")
            self.assertIsNone(cards["Ana"]["components"][0]["value"])

    def test_error_in_a_lua_metric_is_reported_where_it_happened(self):
        rules = ('metric "broken" { doc = "x",\n  fn = function(m, rep)\n'
                 '    error("cannot compute for " .. rep.name)\n  end }\n'
                 'score "s" { weight = 1, doc = "x", fn = function(rep, m) return m.broken end }\n')
        cards, _ = self.eval_with(rules)
        err = cards["Ana"]["errors"][0]
        self.assertEqual(err["rule"], "s")
        self.assertIn("cannot compute for Ana", err["message"])
        # The score that read the metric is at line 5, the error raised in
        # the metric at line 3: both places are named.
        self.assertEqual(err["where"], "rules/20_rules.lua:5")
        self.assertIn("rules/20_rules.lua:3", err["message"])

    def test_metric_sql_returning_a_subject_twice_is_a_rule_error_naming_the_metric(self):
        rules = ('metric "dup" { doc = "x", sql = [[SELECT 1, 1 FROM reps]] }\n'
                 'score "s" { weight = 1, doc = "x", fn = function(rep, m) return m.dup end }\n')
        cards, _ = self.eval_with(rules)
        msg = cards["Ana"]["errors"][0]["message"]
        self.assertIn("dup", msg)
        self.assertIn("returned rep 1 twice", msg)

    def test_metric_sql_failing_at_run_time_is_a_rule_error_for_every_subject(self):
        rules = ('metric "bad" { doc = "x", sql = [[SELECT id, abs(-9223372036854775807 - 1) FROM reps]] }\n'
                 'score "s" { weight = 1, doc = "x", fn = function(rep, m) return m.bad end }\n')
        cards, r = self.eval_with(rules)
        for name in ("Ana", "Ben", "Cara"):
            msg = cards[name]["errors"][0]["message"]
            self.assertIn("bad", msg)
            self.assertIn("overflow", msg)

    def test_team_rule_reading_a_rep_metric_is_told_to_aggregate(self):
        rules = 'score "t" { subject = "team", weight = 1, doc = "x", fn = function(team, m) return m.won_amount end }\n'
        cards, _ = self.eval_with(rules)
        msg = cards["West"]["errors"][0]["message"]
        self.assertIn("team:sum", msg)

    def test_unknown_placeholder_in_a_message_is_a_rule_error(self):
        rules = ('recognize "r" { doc = "x", when = function(rep, m) return true end,\n'
                 '  message = "${name} did ${wonders}" }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(cards["Ana"]["recognitions"], [])
        self.assertIn("wonders", cards["Ana"]["errors"][0]["message"])

    def test_placeholders_format_integers_without_decimals_and_other_numbers_to_two_places(self):
        rules = ('metric "third" { doc = "x", fn = function(m, rep) return rep.id / 3 end }\n'
                 'metric "nothing" { doc = "x", fn = function(m, rep) return nil end }\n'
                 'recognize "r" { doc = "x", when = function(rep, m) return true end,\n'
                 '  message = "${name}/${team}/${won_amount}/${third}/${nothing}/${team_target}" }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(cards["Ana"]["recognitions"], [{"policy": "r", "message": "Ana/West/10/0.33/-/100"}])
        self.assertEqual(cards["Cara"]["recognitions"][0]["message"], "Cara/West/30/1/-/100")

    def test_when_returning_a_string_uses_it_as_the_message(self):
        rules = ('recognize "r" { doc = "x", message = "unused",\n'
                 '  when = function(rep, m) return rep.name .. " of " .. rep.team.name end }\n'
                 'coach "c" { doc = "x", when = function(rep, m) return true end }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(cards["Ben"]["recognitions"], [{"policy": "r", "message": "Ben of West"}])
        self.assertEqual(cards["Ben"]["coaching"][0]["severity"], "medium", "the default severity")
        self.assertEqual(cards["Ben"]["coaching"][0]["advice"], "x", "falls back to the doc")

    def test_nil_subject_field_in_a_placeholder_prints_a_dash(self):
        rules = ('coach "c" { doc = "x", when = function(rep, m) return true end,\n'
                 '  advice = "lead with ${top_strength}; mail ${email}" }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(cards["Ana"]["errors"], [])
        self.assertEqual(cards["Ana"]["coaching"][0]["advice"], "lead with -; mail -")

    def test_default_rules_have_no_rule_errors_for_a_rep_without_any_data(self):
        self.write("huddle.cfg", "")
        r = self.huddle("eval", "--db", "team.db", "--format", "json", "--no-save", *PERIOD, "--strict")
        self.assertEqual(r.rc, 0, repr(r))

    def test_broken_rule_file_stops_eval_with_exit_3_and_saves_nothing(self):
        self.write("rules/20_rules.lua", 'score "s" {\n  weight = 1,\n  fn = function(rep, m) return 1 end\n\n')
        r = self.huddle("eval", "--db", "team.db", "--format", "json", *PERIOD)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("rules/20_rules.lua:5:", r.err)
        self.assertEqual(r.out, "", "nothing evaluated")
        con = self.connect("team.db")
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0)

    def test_sandbox_offers_no_io_os_execute_or_require(self):
        rules = ('score "s" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  return 1, string.format("%s %s %s %s %s %s", type(io), type(os.execute), type(require),\n'
                 '    type(dofile), type(string.dump), type(os.getenv))\n  end }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(cards["Ana"]["components"][0]["why"], "nil nil nil nil nil nil")

    def test_rule_sql_cannot_write(self):
        rules = ('score "s" { weight = 1, doc = "x", fn = function(rep, m)\n'
                 '  huddle.db.value("DELETE FROM deals", {}) return 1 end }\n')
        cards, _ = self.eval_with(rules)
        self.assertEqual(len(cards["Ana"]["errors"]), 1)
        con = self.connect("team.db")
        self.assertEqual(con.execute("SELECT count(*) FROM deals").fetchone()[0], 3)


if __name__ == "__main__":
    hcli.main()
