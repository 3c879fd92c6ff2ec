#!/usr/bin/env python3
"""huddle explain REP: components with weight, value and contribution, the
metrics each rule read, and why each recognition and trigger fired or not
(SPEC section 3)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import re

import fixture
import hcli
from fixture import PERIOD
from hcli import line_of

# A metric that fails for a rep without a quota: Ben has one in 2026-Q3 only.
STEADY = '''metric "steady_won" {
  doc = "Won, when there is a quota to measure it by",
  fn = function(m)
    if m.quota == nil then error("no quota for this rep") end -- RAISES
    return m.won
  end,
}
score "steady" {
  weight = 0,
  doc = "Wins against a quota",
  fn = function(rep, m) return m.steady_won > 0 and 1 or 0 end,
}
'''


class Explain(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.db = fixture.build(self)

    def explain(self, who, *extra):
        return self.ok("explain", who, "--config", "main.cfg", "--db", self.db, *PERIOD, *extra).out

    def line(self, out, pattern):
        """The first line matching pattern, and the lines that follow it."""
        lines = out.splitlines()
        for i, l in enumerate(lines):
            if re.search(pattern, l):
                return l, lines[i + 1:]
        self.fail("no line matches %r in:\n%s" % (pattern, out))

    def test_explain_by_id_and_by_exact_name_agree(self):
        self.assertEqual(self.explain("1"), self.explain("Ana"))

    def test_header_shows_score_rank_and_team_rank(self):
        out = self.explain("Ana")
        self.assertIn("Ana (id 1), team West, 2026-Q3 as of 2026-09-30", out)
        self.assertIn("score 94.00, rank 1 of 6, team rank 1 of 3", out)

    def test_components_show_weight_value_contribution_and_why(self):
        out = self.explain("Ana")
        # contribution = 100 * w * v / sum of the weights that counted (100)
        l, _ = self.line(out, r"^\s+attain\s")
        self.assertRegex(l, r"attain\s+50\s+1\.000\s+50\.00 pts\s+120% of quota")
        self.assertIn("clamped", l)
        l, _ = self.line(out, r"^\s+growth\s")
        self.assertRegex(l, r"growth\s+20\s+1\.000\s+20\.00 pts\s+2\.75x last period")
        l, _ = self.line(out, r"^\s+activity\s")
        self.assertRegex(l, r"activity\s+30\s+0\.800\s+24\.00 pts")
        self.assertNotIn("clamped", l)

    def test_contributions_use_only_the_weights_that_counted(self):
        out = self.explain("Eve")
        # Eve has no quota: growth 0.5 and activity 0.6 share weights 20 + 30.
        l, _ = self.line(out, r"^\s+attain\s")
        self.assertIn("not counted", l)
        l, _ = self.line(out, r"^\s+growth\s")
        self.assertRegex(l, r"0\.500\s+%.2f pts" % (100 * 20 * 0.5 / 50))
        l, _ = self.line(out, r"^\s+activity\s")
        self.assertRegex(l, r"0\.600\s+%.2f pts" % (100 * 30 * 0.6 / 50))
        self.assertIn("score 56.00, rank 4 of 6, team rank 1 of 3", out)

    def test_reads_lines_show_the_metrics_each_rule_read_with_their_values(self):
        out = self.explain("Ana")
        _, after = self.line(out, r"^\s+attain\s")
        reads = after[0]
        self.assertTrue(reads.strip().startswith("reads:"), reads)
        self.assertIn("won = 11000", reads)
        self.assertIn("quota = 9200", reads)
        self.assertIn("attainment = 1.19565", reads)
        _, after = self.line(out, r"^\s+growth\s")
        self.assertIn("prev.won = 4000", after[0])
        _, after = self.line(out, r"^\s+activity\s")
        self.assertIn("calls = 8", after[0])

    def test_each_metric_read_shows_its_value_one_period_earlier(self):
        # Ana's 2026-Q2: won 4000 (deal 5), quota 9200 * 30/92 = 3000 (June of
        # quota row 1), so attainment 4/3; 1 call on 06-30; nothing in 2026-Q1.
        out = self.explain("Ana").splitlines()
        self.assertIn("      reads: won = 11000 (2026-Q2: 4000), quota = 9200 (2026-Q2: 3000), "
                      "attainment = 1.195652174 (2026-Q2: 1.333333333)", out)
        # A read of the previous period shows the period before that.
        self.assertIn("      reads: won = 11000 (2026-Q2: 4000), prev.won = 4000 (2026-Q1: 0)", out)
        self.assertIn("      reads: calls = 8 (2026-Q2: 1)", out)
        self.assertIn("      reads: deals_won = 2 (2026-Q2: 1), attainment = 1.195652174 (2026-Q2: 1.333333333)",
                      out)

    def test_an_earlier_value_that_is_nil_says_nil(self):
        # Eve has no quota in either quarter; Ben has one only in 2026-Q3.
        self.assertIn("      reads: won = 1000 (2026-Q2: 1000), quota = nil (2026-Q2: nil), "
                      "attainment = nil (2026-Q2: nil)", self.explain("Eve").splitlines())
        self.assertIn("      reads: won = 5000 (2026-Q2: 2500), quota = 10000 (2026-Q2: nil), "
                      "attainment = 0.5 (2026-Q2: nil)", self.explain("Ben").splitlines())

    def test_an_earlier_value_that_fails_is_marked_and_explained_at_the_end(self):
        self.write("steady.lua", STEADY)
        out = self.explain("Ben", "--rules", "steady.lua").splitlines()
        self.assertIn("      reads: quota = 10000 (2026-Q2: nil), won = 5000 (2026-Q2: 2500), "
                      "steady_won = 5000 (2026-Q2: failed)", out)
        self.assertEqual(out[-2:], [
            "earlier values that could not be read",
            "  prev.steady_won (2026-Q2): metric 'steady_won' failed: steady.lua:%d: no quota for this rep"
            % line_of(STEADY, "-- RAISES")])
        self.assertNotIn("rule errors", out, "the rule itself did not fail")

    def test_recognitions_and_triggers_say_whether_they_fired(self):
        out = self.explain("Ana")
        l, after = self.line(out, r"closer")
        self.assertIn("fired: Ana closed 2 deals at 1.20 of quota", l)
        self.assertIn("Won two deals or more", after[0], "the rule's doc")
        self.assertTrue(any("deals_won = 2" in a for a in after[:2]))
        l, after = self.line(out, r"\bhelper\b")
        self.assertIn("did not fire", l)
        self.assertTrue(any("assists = 0" in a for a in after[:2]))
        l, _ = self.line(out, r"few_calls")
        self.assertIn("did not fire", l)
        l, _ = self.line(out, r"\bshout\b")
        self.assertIn("disabled", l)
        self.assertNotIn("legacy", out, "a disabled score is no component")

    def test_rep_with_a_rule_error_shows_it_with_file_and_line(self):
        out = self.explain("Dev")
        self.assertIn("rule errors", out)
        self.assertIn("%s:%d" % (fixture.ERROR_FILE, fixture.ERROR_LINE), out)
        self.assertIn("no activity feed for Dev", out)
        l, _ = self.line(out, r"few_calls")
        self.assertIn("fired: Plan call blocks with Dev; calls so far: 2", l)

    def test_rep_without_a_score_says_so(self):
        out = self.explain("Gil")
        self.assertIn("no score", out)
        self.assertRegex(out, r"attain\s+50\s+-\s+not counted")

    def test_team_rules_are_not_listed_for_a_rep(self):
        out = self.explain("Ana")
        self.assertNotIn("team_low", out)
        self.assertNotIn("group_target", out)

    def test_unknown_rep_exits_2(self):
        for who in ("Nobody", "99", "ana", "Ana "):
            r = self.fails(2, "explain", who, "--config", "main.cfg", "--db", self.db, *PERIOD)
            self.assertIn(who, r.err)

    def test_inactive_rep_cannot_be_explained(self):
        self.fails(2, "explain", "Finn", "--config", "main.cfg", "--db", self.db, *PERIOD)

    def test_ambiguous_name_exits_2_and_asks_for_the_id(self):
        con = self.connect(self.db)
        con.execute("INSERT INTO reps (id, name, team_id) VALUES (20, 'Ana', 2)")
        con.commit()
        con.close()
        r = self.fails(2, "explain", "Ana", "--config", "main.cfg", "--db", self.db, *PERIOD)
        self.assertIn("id", r.err)
        self.assertIn("Ana (id 20)", self.explain("20"))

    def test_explain_needs_exactly_one_rep(self):
        self.fails(2, "explain", "--config", "main.cfg", "--db", self.db, *PERIOD)
        self.fails(2, "explain", "Ana", "Ben", "--config", "main.cfg", "--db", self.db, *PERIOD)

    def test_explain_saves_nothing(self):
        self.explain("Ana")
        con = self.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0)

    def test_explain_with_the_default_rules_on_demo_data(self):
        self.ok("demo", "--db", "demo.db", "--reps", "20", "--seed", "5", "--end", "2026-Q3")
        out = self.ok("explain", "1", "--db", "demo.db", "--period", "2026-Q3", "--as-of", "2026-09-30").out
        self.assertIn("(id 1)", out)
        self.assertIn("attainment", out)
        self.assertIn("reads:", out)
        self.assertIn("recognition", out)
        self.assertIn("coaching", out)


if __name__ == "__main__":
    hcli.main()
