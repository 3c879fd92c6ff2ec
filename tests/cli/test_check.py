#!/usr/bin/env python3
"""huddle check: loading and validating rules without evaluating them
(SPEC sections 3, 5 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import glob
import os
import re

import hcli
from hcli import line_of

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

# Metrics for the scans below: two rep metrics, one team metric and a Lua one.
OWN_METRICS = '''metric "won" { doc = "won", sql = [[SELECT rep_id, SUM(amount) FROM deals GROUP BY rep_id]] }
metric "calls" { doc = "calls", sql = [[SELECT rep_id, COUNT(*) FROM activities GROUP BY rep_id]] }
metric "quota" { doc = "quota", sql = [[SELECT rep_id, SUM(amount) FROM quotas GROUP BY rep_id]] }
metric "target" { subject = "team", doc = "target",
  sql = [[SELECT team_id, SUM(amount) FROM team_targets GROUP BY team_id]] }
'''

WEIGHTED = '''
score "won_score" { weight = 70, doc = "w", fn = function(rep, m) return 1 end }
score "calls_score" { weight = 20, doc = "c", fn = function(rep, m) return 1 end }
score "off" { weight = 50, doc = "disabled", fn = function(rep, m) return 1 end }
score "shown" { weight = 0, doc = "shown, not counted", fn = function(rep, m) return 1 end }
score "team_won" { subject = "team", weight = 0.6, doc = "t", fn = function(team, m) return 1 end }
score "team_calls" { subject = "team", weight = 0.4, doc = "t", fn = function(team, m) return 1 end }
'''

TYPOS = '''-- m.wonn in a comment is not a read
score "typo_score" {
  weight = 100,
  doc = "Reads misspelt metrics",
  fn = function(rep, m)
    if m.prev.wonn == nil then return nil end -- PREV
    return huddle.ratio(m.won, m.cals) -- CALLS
  end,
}

recognize "typo_rec" {
  doc = "Reads by brackets and in its message",
  when = function(rep, m) return m["clls"] end, -- BRACKETS
  message = "${name} made ${calls} calls and ${callz}", -- MESSAGE
}

coach "typo_coach" {
  doc = "Reads a name like no other",
  when = function(rep, m) return m.zzz_nothing_like_it end, -- FAR
}

metric "typo_metric" {
  doc = "A Lua metric reads misspelt names too",
  fn = function(m, rep) return m.quta end, -- IN METRIC
}
'''

KINDS = '''recognize "members_of_team" {
  doc = "m.members reads rep metrics",
  when = function(rep, m) return #m.members.target > 0 end, -- MEMBERS
}

score "team_rule" {
  subject = "team", weight = 100, doc = "A team rule",
  fn = function(team, m)
    m.won = 3 -- WRITES
    local c = m.calls -- REP METRIC
    return team:sum("wonn") -- AGGREGATE
      + team:share_of_top(0.2, "target") -- SHARE
      + team:avg("won") + m.target + m.members.won[1] + c
  end,
}

recognize "rep_team_avg" {
  doc = "A rep rule's own team",
  when = function(rep, m) return rep.team:avg("cals") > 1 and m.target > 0 end, -- REP TEAM
}
'''

NOT_READS = '''--[[ m.wonn in a long comment
]]
local notes = { m = { wonn = 1 }, text = "m.wonn" }
score "fine" {
  weight = 100,
  doc = "Names that only look like reads",
  fn = function(rep, m)
    local s = "m.wonn is text" .. [==[ m.quta ]==]
    local x = notes.m.wonn + notes["m"].wonn -- fields of another table
    return huddle.ratio(m.won, m.quota), s .. x
  end,
}
recognize "helper" {
  doc = "A nested function with an m of its own",
  when = function(rep, m)
    local function helper(m) return m.anything end
    return helper({ anything = 1 }) == 1 and m.won > 0
  end,
}
recognize "shadowed" {
  doc = "m is redeclared: the scan cannot tell which m a read means",
  when = function(rep, m)
    local m = { wonn = 1 }
    return m.wonn == 1
  end,
}
score "one_line_a" { weight = 0, doc = "a", fn = function(rep, m) return m.wonn end } score "one_line_b" { weight = 0, doc = "b", fn = function(rep, m) return m.won end }
recognize "other_view_name" {
  doc = "The view may have any name",
  when = function(rep, metrics) return metrics.calls > 1 and rep.m == nil end,
}
'''

PARAMS = '''local param = huddle.param
score "p" {
  weight = 100,
  doc = "Reads params",
  fn = function(rep, m)
    local floor = huddle.param("floor") -- SET
    local target = huddle.param("target", 10) -- DEFAULTED
    local ceiling = huddle.param("ceiling") -- NO DEFAULT
    local cap = param("cap") -- ALIASED
    local short = huddle.param "short_form" -- STRING CALL
    return floor + target + ceiling + cap + short
  end,
}
metric "sprint" {
  doc = "Uses params in SQL",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE amount >= :param_big_deal
            AND closed_on >= date(:stop, '-' || COALESCE(:param_window, 90) || ' days')
            AND created_on >= date(:stop, '-' || :param_sprint_days || ' days')
          GROUP BY rep_id]],
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

    def test_effective_weights_are_reported_with_their_share_and_what_set_them(self):
        self.write("mine/a.lua", OWN_METRICS + WEIGHTED)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n'
                   'rules = {\n  weights = { calls_score = 30; };\n  disabled = [ "off" ];\n};\n')
        r = self.check()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual([l for l in r.out.splitlines() if not l.startswith("plugins add")], [
            "ok: 1 rule files, 4 metrics, 6 rules",
            "",
            "rep score weights (total 100):",
            "  won_score                          70   70.0%",
            "  calls_score                        30   30.0%  rules.weights (huddle.cfg:3); the rule says 20",
            "  off                                50       -  disabled in the config",
            "  shown                               0    0.0%",
            "",
            "team score weights (total 1):",
            "  team_won                          0.6   60.0%",
            "  team_calls                        0.4   40.0%",
        ])

    def test_weights_that_miss_a_round_total_warn_and_name_the_config_line_that_changed_them(self):
        self.write("mine/a.lua", OWN_METRICS + WEIGHTED)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n'
                   'rules = {\n  disabled = [ "off" ];\n  weights = { calls_score = 40; };\n};\n')
        r = self.check()
        self.assertEqual(r.rc, 0, "a warning, not an error: " + repr(r))
        self.assertEqual(r.out.splitlines()[0],
                         "huddle.cfg:4: warning: rep score weights add up to 110, not 100: each score counts "
                         "as its share of 110, so won_score's 70 is 63.6% of the score, not 70.0%; "
                         "rules.weights changed calls_score from 20 to 40")
        self.assertIn("  calls_score                        40   36.4%  rules.weights (huddle.cfg:4); "
                      "the rule says 20", r.out.splitlines())
        r = self.check("--strict")
        self.assertEqual(r.rc, 1, repr(r))
        self.assertIn("1 warning", r.err)
        self.assertNotIn("ok:", r.out)

    def test_weights_in_the_rule_files_that_miss_100_point_at_the_last_weighted_score(self):
        self.write("mine/a.lua", OWN_METRICS + WEIGHTED.replace("weight = 70", "weight = 75"))
        self.write("huddle.cfg", 'scripts = [ "mine" ];\nrules = { disabled = [ "off" ]; };\n')
        r = self.check()
        self.assertEqual(r.out.splitlines()[0],
                         "mine/a.lua:%d: warning: rep score weights add up to 95, not 100: each score counts as "
                         "its share of 95, so won_score's 75 is 78.9%% of the score, not 75.0%%"
                         % line_of(OWN_METRICS + WEIGHTED, 'score "calls_score"'))

    def test_weights_of_every_score_zero_warn_that_nobody_gets_a_score(self):
        self.write("mine/a.lua", OWN_METRICS + 'score "z" { weight = 0, doc = "z", fn = function() return 1 end }\n')
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertIn("mine/a.lua:%d: warning: every rep score has weight 0, so no rep gets a score"
                      % (OWN_METRICS.count("\n") + 1), r.out.splitlines())

    def test_weights_that_are_relative_on_purpose_are_not_flagged(self):
        # 3 + 2 + 2 = 7: nowhere near 1 or 100, so relative on purpose.
        self.write("mine/a.lua", OWN_METRICS + "".join(
            'score "s%d" { weight = %d, doc = "s", fn = function() return 1 end }\n' % (i, w)
            for i, w in enumerate((3, 2, 2))))
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertNotIn("warning", r.out)
        self.assertIn("  s0                                  3   42.9%", r.out.splitlines())

    def test_unknown_metric_names_in_rule_code_are_errors_with_the_line_and_a_suggestion(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", TYPOS)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertEqual(r.rc, 3, repr(r))
        at = lambda marker: "mine/b.lua:%d: " % line_of(TYPOS, marker)
        self.assertEqual(r.out.splitlines(), [
            at("PREV") + "score 'typo_score': unknown metric 'wonn' in m.prev.wonn (did you mean 'won'?)",
            at("CALLS") + "score 'typo_score': unknown metric 'cals' in m.cals (did you mean 'calls'?)",
            at("BRACKETS") + "recognition 'typo_rec': unknown metric 'clls' in m[\"clls\"] (did you mean 'calls'?)",
            at("MESSAGE") + "recognition 'typo_rec': unknown metric 'callz' in ${callz} (did you mean 'calls'?)",
            at("FAR") + "coaching trigger 'typo_coach': unknown metric 'zzz_nothing_like_it' in m.zzz_nothing_like_it",
            at("IN METRIC") + "metric 'typo_metric': unknown metric 'quta' in m.quta (did you mean 'quota'?)",
        ])
        self.assertIn("huddle check: 6 errors", r.err)

    def test_metrics_of_the_wrong_kind_and_writes_are_errors(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", KINDS)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertEqual(r.rc, 3, repr(r))
        at = lambda marker: "mine/b.lua:%d: " % line_of(KINDS, marker)
        self.assertEqual(r.out.splitlines(), [
            at("MEMBERS") + "recognition 'members_of_team': m.members.target: 'target' is a team metric; "
            "m.members reads rep metrics, one value per member",
            at("WRITES") + "score 'team_rule': m.won = ...: metrics are read-only; define a new one with "
            "metric \"name\" { ... }",
            at("REP METRIC") + "score 'team_rule': m.calls: 'calls' is a rep metric; a team rule reads it "
            "through its members: team:sum(\"calls\"), team:avg, team:median, team:percentile or "
            "team:share_of_top",
            at("AGGREGATE") + "score 'team_rule': unknown metric 'wonn' in team:sum(\"wonn\") (did you mean 'won'?)",
            at("SHARE") + "score 'team_rule': team:share_of_top(0.2, \"target\"): 'target' is a team metric; "
            "read it as m.target, the aggregates are over members' rep metrics",
            at("REP TEAM") + "recognition 'rep_team_avg': unknown metric 'cals' in rep.team:avg(\"cals\") "
            "(did you mean 'calls'?)",
        ])

    def test_names_in_comments_strings_other_tables_and_shadowed_views_are_not_reads(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", NOT_READS)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertNotIn("unknown", r.out)

    def test_a_function_shared_by_rules_is_reported_once(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", 'local function shared(rep, m) return m.calsl end\n'
                   'recognize "r1" { doc = "x", when = shared }\nrecognize "r2" { doc = "y", when = shared }\n')
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertEqual(r.out.splitlines(), [
            "mine/b.lua:1: recognition 'r1': unknown metric 'calsl' in m.calsl (did you mean 'calls'?)"])

    def test_a_disabled_rule_is_not_scanned(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", TYPOS)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n'
                   'rules = { disabled = [ "typo_score", "typo_rec", "typo_coach" ]; };\n')
        r = self.check()
        self.assertEqual(r.rc, 3, repr(r))
        self.assertEqual(len(r.out.splitlines()), 1, "only the metric's own read: " + r.out)
        self.assertIn("metric 'typo_metric'", r.out)

    def test_params_read_without_a_default_and_never_set_are_warnings(self):
        self.write("mine/a.lua", OWN_METRICS)
        self.write("mine/b.lua", PARAMS)
        self.write("huddle.cfg", 'scripts = [ "mine" ];\nrules = {\n  params = {\n    floor = 3;\n'
                   '    big_deal = 500;\n    sprint_dayz = 5;\n  };\n};\n')
        r = self.check()
        self.assertEqual(r.rc, 0, repr(r))
        at = lambda marker: "mine/b.lua:%d: warning: " % line_of(PARAMS, marker)
        self.assertEqual([l for l in r.out.splitlines() if "warning" in l], [
            at("NO DEFAULT") + "param 'ceiling' has no value: rules.params in huddle.cfg does not set it, "
            "and huddle.param(\"ceiling\") gives no default, so it reads nil",
            at("ALIASED") + "param 'cap' has no value: rules.params in huddle.cfg does not set it, "
            "and huddle.param(\"cap\") gives no default, so it reads nil",
            at("STRING CALL") + "param 'short_form' has no value: rules.params in huddle.cfg does not set it, "
            "and huddle.param(\"short_form\") gives no default, so it reads nil",
            at(":param_sprint_days") + "param 'sprint_days' has no value: rules.params in huddle.cfg does not "
            "set it, so :param_sprint_days is NULL in the query",
            "huddle.cfg:6: warning: rules.params sets 'sprint_dayz', which no rule reads "
            "(did you mean 'sprint_days'?)",
        ])
        self.assertEqual(self.check("--strict").rc, 1)

    def test_params_without_a_config_say_so(self):
        self.write("b.lua", PARAMS)
        r = self.check("--rules", "b.lua")
        self.assertIn("b.lua:%d: warning: param 'floor' has no value: no config file sets rules.params, and "
                      "huddle.param(\"floor\") gives no default, so it reads nil" % line_of(PARAMS, "SET"),
                      r.out.splitlines())

    def test_rule_without_doc_is_reported_at_its_line(self):
        self.write("mine/a.lua", OWN_METRICS + '\nscore "undocumented" { weight = 1, fn = function() return 1 end }\n')
        self.write("huddle.cfg", 'scripts = [ "mine" ];\n')
        r = self.check()
        self.assertEqual(r.out.splitlines()[0], "mine/a.lua:%d: warning: score 'undocumented' has no doc line"
                         % (OWN_METRICS.count("\n") + 2))
        self.assertEqual(self.check("--strict").rc, 1)

    def test_the_default_rules_and_the_examples_read_only_known_metrics(self):
        self.assertNotIn("unknown metric", self.check().out)
        cfg = os.path.join(hcli.SOURCE, "examples", "huddle.cfg")
        r = self.check("--config", cfg)
        self.assertEqual(r.rc, 0, repr(r))
        # The example raises collaboration to 25 on purpose: the one warning
        # says what that does to every share.
        with open(cfg) as f:
            line = [n for n, l in enumerate(f, 1) if "collaboration = 25" in l][0]
        self.assertEqual([l for l in r.out.splitlines() if "warning" in l],
                         ["%s:%d: warning: rep score weights add up to 115, not 100: each score counts as its "
                          "share of 115, so attainment's 30 is 26.1%% of the score, not 30.0%%; rules.weights "
                          "changed collaboration from 15 to 25" % (cfg, line)])


if __name__ == "__main__":
    hcli.main()
