#!/usr/bin/env python3
"""HUDDLE_SQL_TRACE: every set-based metric query an evaluation runs,
written as a sqlite3-shell script (the floor of the benchmark in
tests/bench/, SPEC section 10)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import glob
import os
import re
import shutil
import subprocess

import hcli

EVAL = ["eval", "--db", "d.db", "--period", "2026-Q3", "--no-save", "--format", "json"]


def norm(sql):
    return " ".join(sql.split())


def default_sql_metrics(source):
    """name -> SQL text of each metric of the default rule set with an sql field."""
    found = {}
    for path in sorted(glob.glob(os.path.join(source, "scripts", "*.lua"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r'^metric\s*"(\w+)"\s*\{(.*?)^\}', text, re.M | re.S):
            sql = re.search(r"\bsql\s*=\s*\[(=*)\[(.*?)\]\1\]", m.group(2), re.S)
            if sql:
                found[m.group(1)] = sql.group(2)
    return found


class SqlTrace(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.ok("demo", "--db", "d.db", "--reps", "40", "--seed", "3", "--end", "2026-Q3")
        self.trace = os.path.join(self.tmp, "trace.sql")

    def traced_eval(self):
        env = dict(self.env, HUDDLE_SQL_TRACE=self.trace)
        r = self.huddle(*EVAL, env=env)
        self.assertEqual(r.rc, 0, r)
        with open(self.trace, encoding="utf-8") as f:
            return f.read()

    def test_no_trace_unless_asked(self):
        self.ok(*EVAL)
        self.assertFalse(os.path.exists(self.trace))

    def test_the_sqlite3_shell_runs_the_trace(self):
        text = self.traced_eval()
        shell = shutil.which("sqlite3")
        self.assertTrue(shell, "the sqlite3 shell is needed (Debian package sqlite3)")
        p = subprocess.run([shell, "-bail", "-readonly", "d.db"], input=text, cwd=self.tmp,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((p.returncode, p.stderr), (0, ""), text[:2000])
        # The parameters are bound: the queries find this period's rows.
        self.assertRegex(p.stdout, r"(?m)^\d+\|\d")

    def test_every_default_sql_metric_is_traced_with_its_period(self):
        text = self.traced_eval()
        listed = [line.split()[2] for line in self.ok("check", "--list").out.splitlines()
                  if line.split()[:1] == ["metric"] and line.split()[3:4] == ["sql"]]
        sources = default_sql_metrics(hcli.SOURCE)
        self.assertGreater(len(listed), 10)
        queries = [norm(q) for q in text.split(".parameter clear\n")]
        for name in listed:
            self.assertIn(name, sources, "no sql field found for %s in scripts/" % name)
            sql = norm(sources[name])
            self.assertTrue(any(q.endswith(sql + " ;") or q.endswith(sql + ";") for q in queries),
                            "metric %s is not in the trace" % name)
        # Each query carries the values bound for its period; m.prev runs
        # the same SQL for the quarter before.
        self.assertIn(""".parameter set :start "'2026-07-01'"\n""", text)
        self.assertIn(""".parameter set :start "'2026-04-01'"\n""", text)
        self.assertNotIn("?", re.sub(r"'[^']*'", "", text))


if __name__ == "__main__":
    hcli.main()
