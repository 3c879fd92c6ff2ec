#!/usr/bin/env python3
"""Every bad input of SPEC section 11 gets a clear error naming the file and
line where there is one, the documented exit status, and loses nothing: the
database file is byte for byte what it was (its SHA-256 before and after).

tests/cli covers most messages already; these tests add the "database
unchanged" proof to each, and the inputs no test had (a truncated file, a
damaged table, a script path that cannot be a folder)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hardening  # noqa: E402  (first: puts tests/cli on sys.path)

import os
import shutil
import sqlite3

from hardening import PERIOD

GOOD = '''metric "won_amount" {
  doc = "won",
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won'
          AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]],
  default = 0,
}
score "won" { weight = 1, doc = "won", fn = function(rep, m) return huddle.clamp(m.won_amount / 1000) end }
'''


class BadInput(hardening.Case):

    def setUp(self):
        super().setUp()
        self.write("rules/10_good.lua", GOOD)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')

    def run_bad(self, expect, *args, db="team.db", cmd="eval"):
        """Runs a command that must fail with exit `expect` and change
        nothing in db; returns the result."""
        path = os.path.join(self.tmp, db)
        before = hardening.fingerprint(path)
        extra = {"eval": PERIOD + ["--format", "json"], "explain": PERIOD}.get(cmd, [])
        r = self.huddle(cmd, *args, "--db", db, *extra)
        self.assertEqual(r.rc, expect, repr(r))
        self.assertEqual(hardening.fingerprint(path), before, "the database changed")
        return r

    def rule_errors(self, r, rep="Ana"):
        card = [c for c in r.json()["reps"] if c["name"] == rep][0]
        return {e["rule"]: e for e in card["errors"]}

    # -- the config ------------------------------------------------------------

    def test_malformed_config_exits_3_with_file_and_line_and_changes_nothing(self):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nperiod = "2026-Q3";\noutput = { format = ; };\n')
        r = self.run_bad(3)
        self.assertIn("huddle.cfg:3: syntax error", r.err)
        self.assertEqual(r.out, "")

    def test_config_value_of_the_wrong_type_exits_3_with_file_and_line(self):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n\nsandbox = { time_ms = "fast"; };\n')
        r = self.run_bad(3)
        self.assertIn("huddle.cfg:3: 'time_ms' must be an integer", r.err)

    def test_config_value_out_of_range_exits_3_with_file_and_line(self):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nfiscal_year_start = 13;\n')
        r = self.run_bad(3)
        self.assertIn("huddle.cfg:2: 'fiscal_year_start' must be an integer from 1 to 12", r.err)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = {\n memory_mb = 4294967300; };\n')
        r = self.run_bad(3)
        self.assertIn("huddle.cfg:3: 4294967300 is out of range", r.err)

    # -- the rules -------------------------------------------------------------

    def test_lua_syntax_error_exits_3_with_file_and_line_and_saves_nothing(self):
        text = 'score "s" {\n  weight = 1, doc = "x",\n  fn = function(rep, m) return 1 en\n}\n'
        self.write("rules/20_bad.lua", text)
        r = self.run_bad(3)
        self.assertIn("rules/20_bad.lua:3:", r.err)
        self.assertIn("'end' expected", r.err)
        self.assertEqual(r.out, "")

    def test_error_while_loading_a_rule_file_exits_3_with_file_and_line(self):
        text = '-- helpers\nlocal t = nil\nlocal x = t.field\n'
        self.write("rules/20_bad.lua", text)
        r = self.run_bad(3)
        self.assertIn("rules/20_bad.lua:3:", r.err)
        self.assertIn("attempt to index", r.err)

    def test_duplicate_rule_name_exits_3_naming_both_places(self):
        text = '\n\nscore "won" { weight = 1, doc = "again", fn = function(rep, m) return 1 end }\n'
        self.write("rules/20_dup.lua", text)
        r = self.run_bad(3)
        self.assertIn("rules/20_dup.lua:3:", r.err)
        self.assertIn("rules/10_good.lua:7", r.err)
        self.assertIn("won", r.err)

    def test_unknown_metric_is_a_rule_error_naming_the_closest_metric(self):
        text = 'score "s" { weight = 1, doc = "x",\n  fn = function(rep, m)\n    return m.won_amout\n  end }\n'
        self.write("rules/20_bad.lua", text)
        r = self.run_bad(1, "--no-save", "--strict")
        e = self.rule_errors(r)["s"]
        self.assertIn("won_amout", e["message"])
        self.assertIn("won_amount", e["message"], "the closest known name")
        self.assertIn("rules/20_bad.lua:3", e["where"] + e["message"])

    def test_score_returning_a_string_nan_or_infinity_is_a_rule_error(self):
        text = ('score "str" { weight = 1, doc = "x", fn = function(rep, m) return "high" end }\n'
                'score "nan" { weight = 1, doc = "x", fn = function(rep, m) return 0/0 end }\n'
                'score "inf" { weight = 1, doc = "x", fn = function(rep, m) return math.huge end }\n'
                'score "ninf" { weight = 1, doc = "x", fn = function(rep, m) return -1/0 end }\n')
        self.write("rules/20_bad.lua", text)
        r = self.run_bad(1, "--no-save", "--strict")
        errors = self.rule_errors(r)
        self.assertEqual(sorted(errors), ["inf", "nan", "ninf", "str"])
        for name, line in (("str", 1), ("nan", 2), ("inf", 3), ("ninf", 4)):
            self.assertIn("rules/20_bad.lua:%d" % line, errors[name]["where"])
        self.assertIn("string", errors["str"]["message"])
        self.assertIn("NaN", errors["nan"]["message"])
        self.assertIn("infinit", errors["inf"]["message"])
        ana = [c for c in r.json()["reps"] if c["name"] == "Ana"][0]
        self.assertIsNotNone(ana["score"], "the good component still scores")

    def test_sql_metric_with_a_syntax_error_or_the_wrong_columns_is_named(self):
        text = ('metric "broken" { doc = "x", sql = [[SELECT rep_id, SUM(amount FROM deals GROUP BY rep_id]] }\n'
                'metric "three" { doc = "x", sql = [[SELECT rep_id, 1, 2 FROM deals]] }\n'
                'score "a" { weight = 1, doc = "x", fn = function(rep, m) return m.broken end }\n'
                'score "b" { weight = 1, doc = "x", fn = function(rep, m) return m.three end }\n')
        self.write("rules/20_bad.lua", text)
        r = self.run_bad(1, "--no-save", "--strict")
        errors = self.rule_errors(r)
        self.assertIn("metric 'broken'", errors["a"]["message"])
        self.assertIn("syntax error", errors["a"]["message"])
        self.assertIn("rules/20_bad.lua:1", errors["a"]["where"] + errors["a"]["message"])
        self.assertIn("two columns", errors["b"]["message"])
        self.assertIn("not 3", errors["b"]["message"])
        # huddle check finds both without evaluating anything.
        r = self.run_bad(3, cmd="check")
        self.assertIn("rules/20_bad.lua:1: metric 'broken'", r.out + r.err)
        self.assertIn("rules/20_bad.lua:2: metric 'three'", r.out + r.err)

    def test_unreadable_script_folder_is_an_error_naming_it(self):
        if os.geteuid() == 0:
            self.skipTest("running as root: chmod 000 does not stop root from reading; "
                          "test_script_path_through_a_file covers an unreadable path")
        os.makedirs("locked")
        self.write("locked/r.lua", GOOD)
        os.chmod("locked", 0)
        try:
            self.write("huddle.cfg", 'scripts = [ "locked" ];\n')
            r = self.run_bad(3)
            self.assertIn("locked", r.err)
        finally:
            os.chmod("locked", 0o755)

    def test_script_path_through_a_file_is_an_error_naming_it(self):
        # A regular file where a folder is expected fails even for root.
        self.write("notafolder", "")
        self.write("huddle.cfg", 'scripts = [ "rules", "notafolder/more" ];\n')
        r = self.run_bad(3)
        self.assertIn("notafolder/more", r.err)

    # -- the database ------------------------------------------------------------

    def test_missing_database_is_named_and_eval_or_explain_creates_none(self):
        for cmd, args in (("eval", ()), ("explain", ("1",))):
            r = self.huddle(cmd, *args, "--db", "absent.db", *PERIOD)
            self.assertEqual(r.rc, 3, repr(r))
            self.assertIn("absent.db: no such database", r.err)
            self.assertIn("huddle init", r.err)
            for suffix in ("", "-wal", "-shm", "-journal"):
                self.assertFalse(os.path.exists("absent.db" + suffix), cmd + " created absent.db" + suffix)

    def test_a_file_that_is_not_a_database_is_refused_unchanged(self):
        self.write("notes.db", "minutes of the sales meeting\n" * 200)
        for cmd, args in (("eval", ()), ("explain", ("1",))):
            r = self.run_bad(3, *args, db="notes.db", cmd=cmd)
            self.assertIn("notes.db", r.err)
            self.assertIn("not a database", r.err)

    def test_a_truncated_database_is_refused_unchanged(self):
        with open("team.db", "rb") as f:
            data = f.read()
        with open("cut.db", "wb") as f:
            f.write(data[:len(data) // 3])
        for cmd, args in (("eval", ()), ("explain", ("1",))):
            r = self.run_bad(3, *args, db="cut.db", cmd=cmd)
            self.assertIn("cut.db", r.err)
            self.assertIn("malformed", r.err)

    def test_a_database_with_a_damaged_schema_page_is_refused_unchanged(self):
        shutil.copy("team.db", "bad.db")
        with open("bad.db", "r+b") as f:
            f.seek(100 + 8)  # page 1, the schema: past the b-tree page header
            f.write(b"\xff" * 400)
        r = self.run_bad(3, db="bad.db")
        self.assertIn("bad.db", r.err)
        self.assertIn("malformed", r.err)

    def damage_deals(self, path):
        """Overwrites the cell pointers of every page of deals and of its
        indexes (metric queries may read only an index)."""
        con = sqlite3.connect(path)
        pages = [p for (p,) in con.execute("SELECT pageno FROM dbstat WHERE name IN "
                                           "(SELECT name FROM sqlite_master WHERE tbl_name = 'deals')")]
        size = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        self.assertTrue(pages)
        with open(path, "r+b") as f:
            for p in pages:
                f.seek((p - 1) * size + 8)
                f.write(b"\xff" * 32)

    def test_a_damaged_table_found_mid_run_stops_eval_and_saves_nothing(self):
        shutil.copy("team.db", "bad.db")
        self.damage_deals("bad.db")
        r = self.run_bad(3, db="bad.db")
        self.assertIn("malformed", r.err)

    def test_a_database_of_a_newer_schema_is_refused_unchanged(self):
        shutil.copy("team.db", "new.db")
        con = sqlite3.connect("new.db")
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
        for cmd, args in (("eval", ()), ("explain", ("1",))):
            r = self.run_bad(3, *args, db="new.db", cmd=cmd)
            self.assertIn("schema version 99 is newer", r.err)

    # -- the command line ------------------------------------------------------------

    def test_a_period_or_as_of_date_that_does_not_parse_is_a_usage_error(self):
        before = self.fingerprint()
        for args in (["--period", "2026-Q5"], ["--period", "Q3"], ["--period", "2026-13"],
                     ["--period", "2026-09-30..2026-07-01"], ["--as-of", "2026-02-30"], ["--as-of", "yesterday"]):
            r = self.huddle("eval", "--db", "team.db", *args)
            self.assertEqual(r.rc, 2, repr(r))
            self.assertIn(args[1], r.err)
        self.assertUnchanged(before)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n\nperiod = "2026-Q9";\n')
        r = self.huddle("eval", "--db", "team.db")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("huddle.cfg:3:", r.err)
        self.assertUnchanged(before)


if __name__ == "__main__":
    hardening.main()
