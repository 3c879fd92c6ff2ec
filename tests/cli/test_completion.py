"""Bash completion (completions/huddle.bash), run for real.

Each case sources the script in `bash --norc`, sets COMP_WORDS and
COMP_CWORD as readline would for a command line, calls the completion
function and reads COMPREPLY back.  The huddle completed is the build's
own, so the options offered are checked against its --help as
tests/cli/helptext.py reads it: the script cannot drift from the
executable, and a new option completes the day it exists.
"""

import datetime
import os
import subprocess

import hcli
import helptext
from hcli import HuddleTestCase, main

SCRIPT = None  # the completion script under test; test_install.py points it elsewhere

# SPEC section 6: the tables users fill, parents first.
TABLES = ["teams", "reps", "quotas", "team_targets", "deals", "activities", "trainings", "training_attendance",
          "insights", "insight_uses", "assists", "cross_dept", "assessments", "strengths", "action_plans",
          "checkins", "coaching_sessions", "client_metrics"]

COMMON = {"--config", "--db", "--help"}

HARNESS = r'''
source "$1" || exit 99
shift
set -u # some users have it on in their shell: no unset variable may be read
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
if [[ -n ${HUDDLE_CALL-} ]]; then # a helper of the script, called directly
	eval "$HUDDLE_CALL"
else
	complete -p huddle >/dev/null || exit 98 # registered for the command
	_huddle "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}"
fi
'''


def script_path():
    return SCRIPT or os.path.join(hcli.SOURCE, "completions", "huddle.bash")


def periods_now(today):
    """What --period offers on a given day, before a year is typed."""
    q = (today.month - 1) // 3 + 1
    pq = (today.year - 1, 4) if q == 1 else (today.year, q - 1)
    pm = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return {"%d-Q%d" % (today.year, q), "%d-Q%d" % pq, "%d-%02d" % (today.year, today.month), "%d-%02d" % pm,
            str(today.year), str(today.year - 1)}


class Completion(HuddleTestCase):

    huddle_exe = None  # the executable completed; the build's unless set

    def complete(self, *words, call=None):
        """COMPREPLY for the command line `huddle WORDS...`, the cursor at
        the end of the last word, as a list."""
        env = dict(self.env)
        if call:
            env["HUDDLE_CALL"] = call
        proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", HARNESS, "harness", script_path(),
                               self.huddle_exe or hcli.HUDDLE] + list(words),
                              cwd=self.tmp, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=hcli.TIMEOUT)
        err = proc.stderr.decode("utf-8", "replace")
        self.assertEqual((proc.returncode, err), (0, ""), "completing %r" % (words,))
        return [w for w in proc.stdout.decode("utf-8").split("\n") if w]

    def completes(self, words, expected):
        got = self.complete(*words)
        self.assertEqual(len(got), len(set(got)), "no duplicates: %r" % got)
        self.assertEqual(set(got), set(expected), "huddle %s" % " ".join(words))

    def on_a_stable_day(self, words, expected_for):
        """Completes `words`, whose answer depends on today's date; run again
        if the date changed meanwhile (midnight)."""
        for _ in range(2):
            before = datetime.date.today()
            got = set(self.complete(*words))
            if datetime.date.today() == before:
                self.assertEqual(got, expected_for(before), "huddle %s" % " ".join(words))
                return
        self.fail("the date kept changing")

    # -- commands and options ---------------------------------------------------

    def test_commands_are_those_huddle_help_lists(self):
        commands = helptext.commands(self.ok("help").out)
        self.assertIn("eval", commands)
        self.completes([""], commands + ["help"])
        self.completes(["e"], [c for c in commands if c.startswith("e")])
        self.completes(["help", ""], commands)
        self.completes(["-"], ["--help", "--version"])

    def test_each_command_offers_the_options_of_its_help(self):
        for command in helptext.commands(self.ok("help").out):
            with self.subTest(command=command):
                offered = helptext.options(self.ok(command, "--help").out) | COMMON
                self.completes([command, "--"], offered)
                self.completes([command, "--c"], [o for o in offered if o.startswith("--c")])

    def test_a_value_is_completed_for_its_option_not_options(self):
        # --output takes a file: no option names offered after it.
        self.write("report.html", "")
        self.completes(["eval", "--output", ""], ["report.html"])
        # After a flag, the next word is an option or an operand again.
        self.completes(["eval", "--no-save", "--st"], ["--strict"])

    def test_odd_command_lines_complete_nothing_and_say_nothing(self):
        self.completes(["evaluate", "--"], [])
        self.completes(["eval", "", ""], [])  # an empty word before the cursor
        self.completes(["help", "eval", ""], [])

    # -- values ------------------------------------------------------------------

    def test_audience_offers_the_choices_of_the_usage_line(self):
        self.completes(["eval", "--audience", ""], ["manager", "team"])
        self.completes(["eval", "--audience", "t"], ["team"])

    def plugin_lines(self, kind):
        out = self.ok("plugins").out
        return {line.split()[1] for line in out.splitlines() if line.split()[:1] == [kind]}

    def test_format_offers_the_builtin_formats_and_those_plugins_add(self):
        plugin_formats = self.plugin_lines("format")
        self.assertIn("html", plugin_formats, "the html plugin is built with huddle")
        self.completes(["eval", "--format", ""], {"table", "json", "csv", "markdown"} | plugin_formats)
        self.completes(["eval", "--format", "m"], ["markdown"])
        # import's formats are the importers
        self.assertEqual(self.plugin_lines("import"), {"csv"})
        self.completes(["import", "--format", ""], ["csv"])

    def test_formats_follow_the_config_typed(self):
        # A config that loads no plugin: only the built-in formats are left.
        self.write("bare.cfg", 'plugins = { load = [ "csv" ]; };\n')
        self.completes(["eval", "--config", "bare.cfg", "--format", ""], ["table", "json", "csv", "markdown"])

    def test_period_offers_the_current_and_previous_quarter_month_and_year(self):
        self.on_a_stable_day(["eval", "--period", ""], periods_now)
        self.on_a_stable_day(["explain", "Ana", "--period", ""], periods_now)

    def test_a_typed_year_offers_its_quarters_and_months(self):
        year = ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] + ["2025-%02d" % m for m in range(1, 13)]
        self.completes(["eval", "--period", "2025"], year)
        self.completes(["eval", "--period", "2025-Q"], year[1:5])
        self.completes(["eval", "--period", "2025-1"], ["2025-10", "2025-11", "2025-12"])

    def test_period_after_an_equals_sign(self):
        # Bash splits --period=2025-Q at "=" (COMP_WORDBREAKS): three words.
        self.completes(["eval", "--period", "=", "2025-Q"], ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"])
        self.on_a_stable_day(["eval", "--period", "="], periods_now)
        # Without "=" in COMP_WORDBREAKS it is one word, and stays one.
        self.completes(["eval", "--period=2025-Q4"], ["--period=2025-Q4"])

    def test_demo_end_offers_quarters_and_periods_offers_nothing(self):
        self.on_a_stable_day(["demo", "--end", ""], lambda d: {p for p in periods_now(d) if "-Q" in p})
        self.completes(["demo", "--periods", ""], [])  # a number
        self.completes(["demo", "--reps", ""], [])

    def test_as_of_offers_today(self):
        self.on_a_stable_day(["eval", "--as-of", ""], lambda d: {d.isoformat()})

    def test_period_ranges_for_an_option_whose_value_is_a_range(self):
        # backtest --periods P1..P2: the value named P1..P2 in its usage.
        def ranges(d):
            now = d.year * 4 + (d.month - 1) // 3  # quarters since year 0
            return {"%d-Q%d..%d-Q%d" % ((now - k - 3) // 4, (now - k - 3) % 4 + 1, (now - k) // 4, (now - k) % 4 + 1)
                    for k in (0, 1)}
        value = '_huddle_value --periods P1..P2 backtest "%s"; printf "%%s\\n" "${COMPREPLY[@]}"'
        for _ in range(2):
            day = datetime.date.today()
            got = set(self.complete("backtest", "--periods", "", call=value % ""))
            if day == datetime.date.today():
                self.assertEqual(got, ranges(day))
                break
        got = self.complete("backtest", "--periods", "2025-Q1..2025-Q", call=value % "2025-Q1..2025-Q")
        self.assertEqual(set(got), {"2025-Q1..2025-Q%d" % q for q in range(1, 5)})
        # demo --periods N, the same option name, is a number: nothing.
        self.assertEqual(self.complete("x", call=value.replace("P1..P2", "N") % ""), [])

    # -- files -------------------------------------------------------------------

    def test_files_for_db_config_and_output_rule_files_for_rules(self):
        for name in ("team.db", "huddle.cfg", "rules.lua", "notes.txt"):
            self.write(name, "")
        os.mkdir(os.path.join(self.tmp, "myrules"))
        self.completes(["eval", "--db", "t"], ["team.db"])
        self.completes(["init", "--config", "h"], ["huddle.cfg"])
        self.completes(["eval", "--rules", ""], ["rules.lua", "myrules"])
        self.completes(["test", ""], ["rules.lua", "myrules"])
        self.completes(["eval", "--db", "", ], ["team.db", "huddle.cfg", "rules.lua", "notes.txt", "myrules"])

    def test_import_completes_a_table_then_a_file(self):
        self.write("teams.csv", "")
        self.completes(["import", ""], TABLES)
        self.completes(["import", "--db", "team.db", "tr"], ["trainings", "training_attendance"])
        self.completes(["import", "--db", "team.db", "teams", "te"], ["teams.csv"])
        self.completes(["import", "--format=csv", "teams", "te"], ["teams.csv"])
        self.completes(["import", "teams", "teams.csv", ""], [])

    def test_rep_names_are_not_completed(self):
        self.write("Ana", "")  # a file is no rep
        self.completes(["explain", "A"], [])

    # -- rule names --------------------------------------------------------------

    def test_rule_and_metric_names_come_from_check_list_with_the_rules_typed(self):
        self.write("rules/a.lua", '''
metric "calls" { doc = "calls", sql = "SELECT id, 1 FROM reps" }
score "hustle" { weight = 1, doc = "d", fn = function(rep, m) return 1 end }
recognize "closer" { doc = "d", when = function(rep, m) return true end }
coach "slow_start" { doc = "d", when = function(rep, m) return false end }
''')
        self.write("extra.lua", 'score "bonus" { weight = 1, doc = "d", fn = function(rep, m) return 1 end }\n')
        self.write("only.cfg", 'scripts = [ "rules" ];\n')
        rules = self.complete("test", "--config", "only.cfg", "--filter", "", call="_huddle_rule_names rule")
        self.assertEqual(sorted(rules), ["closer", "hustle", "slow_start"])
        rules = self.complete("test", "--config", "only.cfg", "--rules", "extra.lua", "--filter", "",
                              call="_huddle_rule_names rule")
        self.assertEqual(sorted(rules), ["bonus", "closer", "hustle", "slow_start"])
        metrics = self.complete("test", "--config=only.cfg", "x", call="_huddle_rule_names metric")
        self.assertIn("calls", metrics)
        self.assertIn("org_won_percentile", metrics, "metrics plugins add count too")
        # And the default rule set, with no config.
        self.assertIn("attainment", self.complete("test", "", call="_huddle_rule_names rule"))

    def test_filter_completes_rule_names_where_a_command_has_it(self):
        offered = {c: helptext.options(self.ok(c, "--help").out) for c in helptext.commands(self.ok("help").out)}
        having = [c for c, opts in offered.items() if "--filter" in opts]
        if not having:
            self.skipTest("no command has --filter yet (huddle test will)")
        for command in having:
            self.assertIn("attainment", self.complete(command, "--filter", "att"))


if __name__ == "__main__":
    main()
