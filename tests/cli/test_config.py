#!/usr/bin/env python3
"""The configuration file: lookup order, warnings for unknown keys, errors
with file:line for wrong types and syntax (SPEC sections 4 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import os

import hcli
from hcli import insert, known_bug

RULES = '''score "one" { weight = 1, doc = "always one", fn = function(rep, m) return 1 end }
'''


class Config(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.init_db("team.db")
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "Solo"}])
        insert(con, "reps", [{"id": 1, "name": "Ana", "team_id": 1}])
        con.commit()
        con.close()
        self.write("rules/one.lua", RULES)

    def eval(self, *args, expect=0):
        r = self.huddle("eval", "--db", "team.db", "--no-save", "--format", "json", *args)
        self.assertEqual(r.rc, expect, repr(r))
        return r

    def test_huddle_runs_with_no_config_file_at_all(self):
        r = self.eval("--period", "2026-Q3")
        self.assertNotIn("warning", r.err)
        self.assertGreater(len(r.json()["reps"][0]["components"]), 3, "the default rule set")

    def test_unknown_keys_are_warnings_with_their_line_and_the_run_proceeds(self):
        self.write("w.cfg", 'scripts = [ "rules" ];\n'
                   'colour = "red";\n'
                   'rules = {\n'
                   '  wieghts = { one = 2; };\n'
                   '};\n'
                   'sandbox = { instrs = 5; };\n'
                   'output = { fmt = "csv"; };\n')
        r = self.eval("--config", "w.cfg", "--period", "2026-Q3")
        self.assertIn("w.cfg:2:", r.err)
        self.assertIn("colour", r.err)
        self.assertIn("w.cfg:4:", r.err)
        self.assertIn("wieghts", r.err)
        self.assertIn("w.cfg:6:", r.err)
        self.assertIn("w.cfg:7:", r.err)
        self.assertIn("warning", r.err)
        self.assertEqual(r.json()["reps"][0]["score"], 100)

    def test_wrong_type_is_an_error_with_file_and_line(self):
        cases = [
            ('\nfiscal_year_start = "x";\n', 2, "fiscal_year_start"),
            ('fiscal_year_start = 13;\n', 1, "fiscal_year_start"),
            ('database = 5;\n', 1, "database"),
            ('scripts = "rules";\n', 1, "scripts"),
            ('period = 2026;\n', 1, "period"),
            ('rules = {\n  weights = { one = "heavy"; };\n};\n', 2, "one"),
            ('rules = { weights = { one = -1; }; };\n', 1, "one"),
            ('rules = { disabled = "one"; };\n', 1, "disabled"),
            ('rules = 3;\n', 1, "rules"),
            ('output = { leaderboard = "secret"; };\n', 1, "leaderboard"),
            ('sandbox = { instructions = "many"; };\n', 1, "instructions"),
            ('sandbox = { memory_mb = 0; };\n', 1, "memory_mb"),
        ]
        for text, line, key in cases:
            self.write("bad.cfg", text)
            r = self.eval("--config", "bad.cfg", "--period", "2026-Q3", expect=3)
            self.assertIn("bad.cfg:%d:" % line, r.err, text)
            self.assertIn(key, r.err, text)
            self.assertEqual(r.out, "", "nothing evaluated")

    def test_invalid_period_in_the_config_is_a_config_error_with_its_line(self):
        self.write("c.cfg", 'scripts = [ "rules" ];\nperiod = "someday";\n')
        r = self.eval("--config", "c.cfg", expect=3)
        self.assertIn("c.cfg:2:", r.err)

    def test_unknown_output_format_in_the_config_is_a_config_error_with_its_line(self):
        self.write("c.cfg", 'scripts = [ "rules" ];\noutput = { format = "yaml"; };\n')
        r = self.huddle("eval", "--db", "team.db", "--no-save", "--config", "c.cfg", "--period", "2026-Q3")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("c.cfg:2:", r.err)
        # A format given on the command line is the one used.
        self.eval("--config", "c.cfg", "--period", "2026-Q3")

    def test_syntax_error_is_an_error_with_file_and_line(self):
        self.write("syn.cfg", 'scripts = [ "rules" ];\n\nperiod = ;\n')
        r = self.eval("--config", "syn.cfg", expect=3)
        self.assertIn("syn.cfg:3:", r.err)
        self.write("syn.cfg", 'rules = {\n  weights = { one = 2; }\n')
        r = self.eval("--config", "syn.cfg", expect=3)
        self.assertIn("syn.cfg:", r.err)

    def test_missing_config_file_exits_3_naming_it(self):
        for cmd in (["eval", "--db", "team.db", "--no-save"], ["check"], ["init"],
                    ["explain", "Ana", "--db", "team.db"], ["demo", "--db", "x.db"]):
            r = self.fails(3, *cmd, "--config", "nope.cfg")
            self.assertIn("nope.cfg", r.err, cmd)
        self.assertFalse(os.path.exists("x.db"))

    def test_broken_config_is_reported_by_every_command(self):
        self.write("syn.cfg", 'period = ;\n')
        for cmd in (["eval", "--db", "team.db", "--no-save"], ["check"], ["init", "--db", "y.db"],
                    ["explain", "Ana", "--db", "team.db"], ["demo", "--db", "x.db"]):
            r = self.fails(3, *cmd, "--config", "syn.cfg")
            self.assertIn("syn.cfg:1:", r.err, cmd)

    def test_lookup_order_is_option_then_working_folder_then_xdg(self):
        xdg = os.path.join(self.tmp, "xdg")
        self.write("xdg/huddle/huddle.cfg", 'scripts = [ "%s/rules" ];\nperiod = "2026-Q1";\n' % self.tmp)
        env = dict(self.env, XDG_CONFIG_HOME=xdg)
        r = self.ok("eval", "--db", "team.db", "--no-save", "--format", "json", env=env)
        self.assertEqual(r.json()["run"]["period"], "2026-Q1", "the XDG config")
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nperiod = "2026-Q2";\n')
        r = self.ok("eval", "--db", "team.db", "--no-save", "--format", "json", env=env)
        self.assertEqual(r.json()["run"]["period"], "2026-Q2", "./huddle.cfg beats XDG")
        self.write("opt.cfg", 'scripts = [ "rules" ];\nperiod = "2026-Q3";\n')
        r = self.ok("eval", "--config", "opt.cfg", "--db", "team.db", "--no-save", "--format", "json", env=env)
        self.assertEqual(r.json()["run"]["period"], "2026-Q3", "--config beats both")

    def test_home_config_folder_is_used_when_xdg_config_home_is_unset(self):
        home = os.path.join(self.tmp, "home")
        self.write("home/.config/huddle/huddle.cfg", 'period = "2025-Q4";\n')
        env = dict(self.env, HOME=home)
        env.pop("XDG_CONFIG_HOME")
        r = self.ok("eval", "--db", "team.db", "--no-save", "--format", "json", env=env)
        self.assertEqual(r.json()["run"]["period"], "2025-Q4")

    def test_paths_in_the_config_are_relative_to_the_config_file(self):
        self.write("conf/huddle.cfg", 'database = "../team.db";\nscripts = [ "myrules" ];\n'
                   'period = "2026-Q3";\n')
        self.write("conf/myrules/r.lua", RULES)
        r = self.ok("eval", "--config", "conf/huddle.cfg", "--no-save", "--format", "json")
        comps = r.json()["reps"][0]["components"]
        self.assertEqual([c["rule"] for c in comps], ["one"])

    def test_db_option_overrides_the_configured_database(self):
        self.write("c.cfg", 'database = "elsewhere.db";\nscripts = [ "rules" ];\n')
        r = self.ok("eval", "--config", "c.cfg", "--db", "team.db", "--no-save", "--format", "json",
                    "--period", "2026-Q3")
        self.assertEqual(r.json()["reps"][0]["name"], "Ana")
        self.assertFalse(os.path.exists("elsewhere.db"))

    def test_scripts_may_name_the_bundled_rule_set_by_its_folder_name(self):
        self.write("c.cfg", 'scripts = [ "scripts", "rules" ];\n')
        r = self.ok("eval", "--config", "c.cfg", "--db", "team.db", "--no-save", "--format", "json",
                    "--period", "2026-Q3")
        rules = [c["rule"] for c in r.json()["reps"][0]["components"]]
        self.assertIn("attainment", rules)
        self.assertEqual(rules[-1], "one")

    def test_weight_for_a_rule_that_does_not_exist_is_a_warning(self):
        self.write("c.cfg", 'scripts = [ "rules" ];\nrules = { weights = { onee = 3; }; disabled = [ "two" ]; };\n')
        r = self.eval("--config", "c.cfg", "--period", "2026-Q3")
        self.assertIn("onee", r.err)
        self.assertIn("two", r.err)
        self.assertIn("c.cfg", r.err)

    def test_params_may_be_numbers_strings_and_booleans(self):
        self.write("p.lua", '''score "p" { weight = 1, doc = "params",
  fn = function(rep, m)
    return 1, string.format("%s|%s|%s|%s", tostring(huddle.param("n")), huddle.param("s"),
                            tostring(huddle.param("b")), tostring(huddle.param("missing", "dflt")))
  end }
''')
        self.write("c.cfg", 'scripts = [ "p.lua" ];\nrules = { params = { n = 2.5; s = "x"; b = true; }; };\n')
        r = self.eval("--config", "c.cfg", "--period", "2026-Q3")
        self.assertEqual(r.json()["reps"][0]["components"][0]["why"], "2.5|x|true|dflt")

    def test_sandbox_settings_are_read(self):
        self.write("loop.lua", 'score "loop" { weight = 1, doc = "spins",\n'
                   '  fn = function(rep, m) local i = 0 while true do i = i + 1 end end }\n')
        self.write("c.cfg", 'scripts = [ "loop.lua" ];\nsandbox = { instructions = 5000; };\n')
        r = self.eval("--config", "c.cfg", "--period", "2026-Q3")
        err = r.json()["reps"][0]["errors"][0]
        self.assertIn("instruction budget", err["message"])
        self.assertIn("5000", err["message"])


if __name__ == "__main__":
    hcli.main()
