#!/usr/bin/env python3
"""huddle check: loading and validating rules without evaluating them
(SPEC sections 3, 5 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import glob
import os
import re

import hcli

GOOD = '''metric "won" {
  doc = "won",
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won' GROUP BY rep_id]],
  default = 0,
}
score "winning" {
  weight = 10,
  doc = "Some wins",
  fn = function(rep, m) return m.won > 0 and 1 or 0 end,
}
'''


def default_rule_names(source):
    """Every metric, score, recognition and trigger the default rule set defines."""
    names = set()
    for path in sorted(glob.glob(os.path.join(source, "scripts", "*.lua"))):
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r'^\s*(metric|score|recognize|coach)\s*"(\w+)"', f.read(), re.M):
                names.add((m.group(1), m.group(2)))
    return names


class Check(hcli.HuddleTestCase):

    def check(self, *args):
        return self.huddle("check", *args)

    def test_default_rules_are_ok(self):
        r = self.check()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertRegex(r.out, r"(?m)^ok: \d+ rule files, \d+ metrics, \d+ rules$")
        self.assertNotIn("warning", r.both)

    def test_list_shows_every_default_rule_and_metric_with_its_doc(self):
        r = self.check("--list")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len([l for l in r.out.splitlines()
                              if re.match(r"^(metric|score|recognize|coach)\s", l)]),
                         len(default_rule_names(hcli.SOURCE)), "nothing listed twice, nothing missing")
        names = default_rule_names(hcli.SOURCE)
        self.assertGreater(len(names), 20)
        lines = r.out.splitlines()
        for kind, name in sorted(names):
            row = [l for l in lines if re.match(r"^%s\s+(rep|team)\s+%s\s" % (kind, name), l)]
            self.assertEqual(len(row), 1, "%s %s listed once" % (kind, name))
            self.assertNotIn("(no doc)", row[0])
            self.assertGreater(len(row[0].split(name, 1)[1].strip()), 3, "a doc line for " + name)

    def test_default_score_weights_sum_to_100(self):
        r = self.check("--list")
        total = 0.0
        for l in r.out.splitlines():
            m = re.match(r"^score\s+rep\s+\w+\s+([\d.]+)\s", l)
            if m:
                total += float(m.group(1))
        self.assertAlmostEqual(total, 100.0)

    def test_check_also_loads_extra_rules(self):
        self.write("extra.lua", GOOD)
        r = self.check("--rules", "extra.lua", "--list")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertRegex(r.out, r"(?m)^score\s+rep\s+winning\s+10\s+Some wins")

    def test_check_uses_the_configured_scripts(self):
        self.write("mine/a.lua", GOOD)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check("--list")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("ok: 1 rule files, 1 metrics, 1 rules", r.out)

    def test_lua_syntax_error_exits_3_with_file_and_line(self):
        self.write("bad.lua", 'score "a" {\n  weight = 1,\n  fn = function(rep, m) return 1 en,\n}\n')
        r = self.check("--rules", "bad.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertRegex(r.both, r"bad\.lua:3:")
        self.assertNotIn("ok:", r.out)

    def test_runtime_error_while_loading_exits_3_with_file_and_line(self):
        self.write("boom.lua", '\n\nlocal x = nil\nprint(x.y)\n')
        r = self.check("--rules", "boom.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("boom.lua:4:", r.both)

    def test_duplicate_name_without_override_exits_3_naming_both_places(self):
        self.write("one.lua", GOOD)
        self.write("two.lua", '\n\nscore "winning" {\n  weight = 5, doc = "again",\n'
                   '  fn = function(rep, m) return 0 end,\n}\n')
        self.write("huddle.cfg", 'scripts = [ "one.lua" ];\n')
        r = self.check("--rules", "two.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("two.lua:3:", r.both)
        self.assertIn("one.lua:6", r.both)
        self.assertIn("override = true", r.both)

    def test_duplicate_default_rule_names_the_default_file(self):
        self.write("mine.lua", 'score "attainment" { weight = 1, doc = "mine",\n'
                   '  fn = function(rep, m) return 1 end }\n')
        r = self.check("--rules", "mine.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("mine.lua:1:", r.both)
        self.assertRegex(r.both, r"scripts/\d+_\w+\.lua:\d+")

    def test_override_true_replaces_a_rule(self):
        self.write("mine.lua", 'score "attainment" { override = true, weight = 30, doc = "My attainment",\n'
                   '  fn = function(rep, m) return 1 end }\n')
        r = self.check("--rules", "mine.lua", "--list")
        self.assertEqual(r.rc, 0, repr(r))
        rows = [l for l in r.out.splitlines() if re.match(r"^score\s+rep\s+attainment\s", l)]
        self.assertEqual(len(rows), 1)
        self.assertIn("My attainment", rows[0])

    def test_duplicate_metric_without_override_exits_3(self):
        self.write("mine.lua", 'metric "won" { doc = "x", sql = [[SELECT id, 1 FROM reps]] }\n'
                   'metric "won" { doc = "y", sql = [[SELECT id, 2 FROM reps]] }\n')
        self.write("huddle.cfg", 'scripts = [ "mine.lua" ];\n')
        r = self.check()
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("mine.lua:2:", r.both)
        self.assertIn("mine.lua:1", r.both)

    def test_misspelt_field_exits_3_with_a_suggestion(self):
        self.write("typo.lua", 'score "a" {\n  wieght = 10,\n  doc = "x",\n'
                   '  fn = function(rep, m) return 1 end,\n}\n')
        r = self.check("--rules", "typo.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("did you mean 'weight'", r.both)
        self.assertRegex(r.both, r"typo\.lua:\d+:")

    def test_field_of_the_wrong_type_exits_3(self):
        self.write("t.lua", 'score "a" { weight = "ten", doc = "x", fn = function(rep, m) return 1 end }\n')
        r = self.check("--rules", "t.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("t.lua:1:", r.both)
        self.assertIn("weight", r.both)

    def test_missing_function_and_bad_severity_exit_3(self):
        for text, word in (('score "a" { weight = 1, doc = "x" }\n', "fn"),
                           ('coach "c" { severity = "urgent", doc = "x", when = function() end }\n',
                            "severity"),
                           ('score "a" { doc = "x", fn = function() end }\n', "weight"),
                           ('metric "m" { doc = "x" }\n', "sql"),
                           ('score "a" { weight = -1, doc = "x", fn = function() end }\n', "weight")):
            self.write("r.lua", text)
            r = self.check("--rules", "r.lua")
            self.assertEqual(r.rc, 3, repr(r))
            self.assertIn("r.lua:1:", r.both)
            self.assertIn(word, r.both)

    def test_metric_sql_with_a_missing_column_exits_3_naming_the_metric(self):
        self.write("m.lua", '\nmetric "broken_metric" {\n  doc = "x",\n'
                   '  sql = [[SELECT rep_id, SUM(no_such_column) FROM deals GROUP BY rep_id]],\n}\n')
        r = self.check("--rules", "m.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("broken_metric", r.both)
        self.assertIn("no_such_column", r.both)
        self.assertIn("m.lua:2", r.both)

    def test_metric_sql_with_a_missing_table_or_wrong_column_count_exits_3(self):
        for sql, word in (("SELECT rep_id, 1 FROM nowhere", "nowhere"),
                          ("SELECT rep_id FROM deals", "two columns"),
                          ("SELECT rep_id, 1 FROM deals WHERE closed_on < :tomorrow", ":tomorrow"),
                          ("DELETE FROM deals", "")):
            self.write("m.lua", 'metric "mm" { doc = "x", sql = [[%s]] }\n' % sql)
            r = self.check("--rules", "m.lua")
            self.assertEqual(r.rc, 3, "%s: %r" % (sql, r))
            self.assertIn("mm", r.both)
            self.assertIn(word, r.both)

    def test_metric_sql_is_prepared_against_the_real_database_when_there_is_one(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        con.execute("CREATE TABLE calls_log (rep_id INTEGER, n INTEGER)")
        con.commit()
        con.close()
        self.write("m.lua", 'metric "logged" { doc = "x", sql = [[SELECT rep_id, SUM(n) FROM calls_log '
                   'GROUP BY rep_id]] }\n')
        self.assertEqual(self.check("--rules", "m.lua", "--db", "team.db").rc, 0)
        self.assertEqual(self.check("--rules", "m.lua").rc, 3, "no such table in an empty schema")

    def test_several_problems_are_all_reported(self):
        self.write("a.lua", 'score "a" { wieght = 1 }\n')
        self.write("b.lua", 'score "b" {\n')
        r = self.check("--rules", "a.lua", "--rules", "b.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("a.lua:1:", r.both)
        self.assertIn("b.lua:", r.both)

    def test_missing_rules_path_exits_3_naming_it(self):
        r = self.check("--rules", "nowhere.lua")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("nowhere.lua", r.both)

    def test_rule_without_doc_is_a_warning_not_an_error(self):
        self.write("nodoc.lua", 'score "undocumented" { weight = 1, fn = function() return 1 end }\n')
        r = self.check("--rules", "nodoc.lua")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("nodoc.lua:1", r.out)
        self.assertIn("no doc", r.out)

    def test_check_evaluates_nothing_and_creates_no_database(self):
        r = self.check()
        self.assertEqual(r.rc, 0)
        self.assertFalse(os.path.exists("huddle.db"))


if __name__ == "__main__":
    hcli.main()
