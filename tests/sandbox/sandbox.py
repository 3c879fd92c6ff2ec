"""Helpers for the sandbox tests: one attack per checklist row, run through
the real `huddle eval`, and everything a contained attack must leave alone.

A team West of three reps (Ana, Ben, Cara) with won deals, a metric, a
score before the attack (rules/20_good.lua), the attack (rules/30_attack.lua)
and rules after it (rules/40_after.lua).  Each attack rule strikes for Ben
only; for everyone else it returns 0.5 (a score) or does not fire.
`eval_attack` then checks that

- Ben has exactly one error per expected attack rule, with the rule's name,
  a position inside that rule in rules/30_attack.lua and the expected words;
- nobody else has an error, and every other rule scored as usual for every
  subject (the good and the after rules, the team rule, a recognition);
- huddle exited 0 within a few seconds, and the sandbox inside the VM
  stopped the attack: the worker process that backs it up (core/worker.c)
  never had to;
- the database holds what it held plus the one saved run, and no file
  appeared outside the test's folder.

Standard library only; builds on ../cli/hcli.py.
"""

import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
sys.dont_write_bytecode = True

import hcli  # noqa: E402
from hcli import insert, known_bug  # noqa: E402,F401

PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]
REPS = {"Ana": 10, "Ben": 20, "Cara": 30}  # won amount per rep
ATTACK_FILE = "rules/30_attack.lua"
RUN_TABLES = ("runs", "run_subjects", "run_items", "outbox")

METRICS = '''metric "won_amount" {
  doc = "won in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals WHERE stage = 'won'
          AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]],
  default = 0,
}
'''

GOOD = '''score "steady" { weight = 1, doc = "won over a hundred",
  fn = function(rep, m) return m.won_amount / 100, "won " .. m.won_amount end }
score "team_half" { subject = "team", weight = 1, doc = "always half",
  fn = function(team, m) return 0.5, team.name end }
'''

# Runs after the attack for the same subject: the libraries, the string
# methods and number formatting must be as they were.
AFTER = '''score "after" { weight = 1, doc = "runs after the attack",
  fn = function(rep, m)
    local t = {}
    table.insert(t, rep.name)
    table.insert(t, ("x"):upper())
    table.insert(t, tostring(1.5))
    return 0.25, table.concat(t, " ")
  end }
recognize "has_wins" { doc = "won something", when = function(rep, m) return m.won_amount > 0 end,
  message = "${name} won ${won_amount}" }
'''

DEFINITION = re.compile(r'^\s*(score|recognize|coach)\s+"(\w+)"', re.M)


def attack(name, body, kind="score"):
    """An attack rule: `body` (Lua statements) runs for Ben only."""
    if kind == "score":
        head, fn, other = "weight = 1, ", "fn", "0.5"
    else:
        head, fn, other = "", "when", "false"
    lines = "\n".join("  " + line for line in body.strip("\n").split("\n"))
    return ('%s "%s" { %sdoc = "attack", %s = function(rep, m)\n'
            '  if rep.name ~= "Ben" then return %s end\n%s\nend }\n' % (kind, name, head, fn, other, lines))


def rule_lines(text):
    """{rule name: (first line, last line)} of the definitions in text."""
    found = [(m.group(2), m.group(1), text.count("\n", 0, m.start()) + 1) for m in DEFINITION.finditer(text)]
    last = text.count("\n") + 1
    spans = {}
    for i, (name, kind, first) in enumerate(found):
        spans[name] = (kind, first, found[i + 1][2] - 1 if i + 1 < len(found) else last)
    return spans


class SandboxCase(hcli.HuddleTestCase):
    """A fresh team database and rule folder in a temporary folder."""

    LIMITS = "time_ms = 300;"

    def setUp(self):
        super().setUp()
        self.pwned = os.path.join(tempfile.gettempdir(), "huddle-pwned-%d" % os.getpid())
        self.init_db("team.db")
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "West"}])
        insert(con, "reps", [{"id": i, "name": n, "team_id": 1} for i, n in enumerate(REPS, 1)])
        insert(con, "deals", [{"id": i, "rep_id": i, "amount": amount, "stage": "won", "created_on": "2026-07-01",
                               "closed_on": "2026-08-01"} for i, amount in enumerate(REPS.values(), 1)])
        con.commit()
        con.close()
        self.write("rules/10_metrics.lua", METRICS)
        self.write("rules/20_good.lua", GOOD)
        self.write("rules/40_after.lua", AFTER)
        self.config(self.LIMITS)

    def tearDown(self):
        if os.path.exists(self.pwned):
            os.remove(self.pwned)
        super().tearDown()

    def config(self, limits):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { %s };\n' % limits)

    # -- what must stay as it was ----------------------------------------

    def snapshot(self):
        """The user data of the database, and how many runs it holds."""
        con = self.connect("team.db")
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        data = {t: sorted(map(repr, con.execute("SELECT * FROM %s" % t))) for t in tables if t not in RUN_TABLES}
        schema = sorted(con.execute("SELECT type, name, sql FROM sqlite_master"))
        runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        con.close()
        return data, schema, runs

    def files(self):
        """Files in the test's folder, except the database's own."""
        out = set()
        for root, _, names in os.walk(self.tmp):
            for n in names:
                if not n.startswith("team.db"):
                    out.add(os.path.relpath(os.path.join(root, n), self.tmp))
        return out

    # -- running an attack ------------------------------------------------

    def eval_attack(self, text, errors, max_seconds=5.0, extra_files=None, path=ATTACK_FILE):
        """Runs `huddle eval` with text as the attack file (path) and checks
        the attack was contained.  errors maps each attack rule expected to
        fail for Ben to words its message must contain (a string, or a tuple
        of alternatives).  Returns (cards by name, the Result)."""
        text = text.replace("@PWNED@", self.pwned)
        self.write(path, text)
        for extra, body in (extra_files or {}).items():
            self.write(extra, body)
        spans = rule_lines(text)
        for name in errors:
            self.assertIn(name, spans, "the attack file defines no rule " + name)
        before_data, before_schema, before_runs = self.snapshot()
        before_files = self.files()
        started = time.monotonic()
        r = self.huddle("eval", "--db", "team.db", "--format", "json", *PERIOD)
        elapsed = time.monotonic() - started
        self.assertEqual(r.rc, 0, repr(r))
        self.assertLess(elapsed, max_seconds, "the run took %.1f s" % elapsed)
        self.assertNotIn("internal error", r.err)
        doc = r.json()
        cards = {c["name"]: c for c in doc["reps"] + doc["teams"]}

        if os.environ.get("HUDDLE_SANDBOX_SHOW"):
            for e in cards["Ben"]["errors"]:
                sys.stderr.write("  %s %s: %s (%.2f s)\n" % (e["rule"], e["where"], e["message"], elapsed))
        for e in cards["Ben"]["errors"]:
            # The worker backstop (core/worker.c) must not be what stopped it.
            self.assertNotRegex(e["message"], "was stopped|crashed the evaluator|stopped unexpectedly", e["rule"])
        got = {e["rule"]: e for e in cards["Ben"]["errors"]}
        self.assertEqual(len(got), len(cards["Ben"]["errors"]), "one error per rule: %r" % cards["Ben"]["errors"])
        self.assertEqual(sorted(got), sorted(errors), repr(cards["Ben"]["errors"]))
        for name, words in errors.items():
            err = got[name]
            _, first, last = spans[name]
            m = re.fullmatch(re.escape(path) + r":(\d+)", err["where"])
            self.assertTrue(m and first <= int(m.group(1)) <= last,
                            "%s: where %r is not inside lines %d-%d" % (name, err["where"], first, last))
            alternatives = words if isinstance(words, tuple) else (words,)
            self.assertTrue(any(w in err["message"] for w in alternatives),
                            "%s: %r says none of %r" % (name, err["message"], alternatives))

        for name, won in REPS.items():
            card = cards[name]
            if name != "Ben":
                self.assertEqual(card["errors"], [], name)
            comps = {c["rule"]: c for c in card["components"]}
            self.assertEqual(comps["steady"]["value"], won / 100, name)
            self.assertEqual(comps["steady"]["why"], "won %d" % won, name)
            self.assertEqual(comps["after"]["value"], 0.25, name)
            self.assertEqual(comps["after"]["why"], "%s X 1.5" % name, name)
            for rule, (kind, _, _) in spans.items():
                if kind == "score":
                    want = None if name == "Ben" and rule in errors else 0.5
                    self.assertEqual(comps[rule]["value"], want, "%s: %s" % (name, rule))
            self.assertEqual(card["recognitions"], [{"policy": "has_wins", "message": "%s won %d" % (name, won)}])
            fired = [c["trigger"] for c in card["coaching"]]
            self.assertEqual(fired, [], name)
        west = cards["West"]
        self.assertEqual(west["errors"], [])
        self.assertEqual([(c["rule"], c["value"], c["why"]) for c in west["components"]],
                         [("team_half", 0.5, "West")])

        after_data, after_schema, after_runs = self.snapshot()
        self.assertEqual(after_data, before_data, "user data changed")
        self.assertEqual(after_schema, before_schema, "the schema changed")
        self.assertEqual(after_runs, before_runs + 1, "the run was not saved once")
        self.assertEqual(self.files(), before_files, "files appeared in the test folder")
        self.assertFalse(os.path.exists(self.pwned), "the attack created " + self.pwned)
        return cards, r

    def load_fails(self, text, words):
        """A rule file that must stop eval at load time: exit 3, the problem
        named with its file (and line, where it has one), nothing evaluated
        or saved."""
        self.write(ATTACK_FILE, text.replace("@PWNED@", self.pwned))
        before = self.snapshot()
        r = self.huddle("eval", "--db", "team.db", "--format", "json", *PERIOD)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertRegex(r.err, re.escape(ATTACK_FILE) + r"(:\d+)?: ")
        self.assertIn(words, r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(os.path.exists(self.pwned))
        return r


main = hcli.main
