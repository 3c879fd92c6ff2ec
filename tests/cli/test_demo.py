#!/usr/bin/env python3
"""huddle demo: realistic, reproducible synthetic data (SPEC section 3)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import os
import re
import sqlite3
import subprocess
import time

import hcli
from test_init import USER_TABLES

EVAL = ["eval", "--format", "json", "--no-save", "--period", "2026-Q3", "--as-of", "2026-09-30"]


def scrub(out):
    return re.sub(r'"created_at": "[^"]*"', '"created_at": ""', out)


class Demo(hcli.HuddleTestCase):

    def demo(self, db, *extra):
        return self.ok("demo", "--db", db, "--reps", "30", "--seed", "7", "--end", "2026-Q3", *extra)

    def test_demo_fills_every_user_table(self):
        r = self.demo("a.db")
        self.assertIn("a.db", r.out)
        con = self.connect("a.db")
        for t in USER_TABLES:
            n = con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
            self.assertGreater(n, 0, "table %s is empty" % t)
        self.assertEqual(con.execute("SELECT count(*) FROM reps").fetchone()[0], 30)
        self.assertEqual(con.execute("SELECT count(*) FROM teams").fetchone()[0], 3, "one team per 10 reps")

    def test_a_new_database_appears_whole_in_wal_mode_and_nothing_else_is_left(self):
        # A new file is built beside its name without a journal and renamed
        # into place; the result must be the same as filling an existing one.
        self.demo("new.db")
        self.ok("init", "--db", "old.db")
        self.demo("old.db")
        self.assertEqual(sorted(os.listdir(".")), ["new.db", "old.db"], "no temporary file or WAL left")
        for db in ("new.db", "old.db"):
            con = self.connect(db)
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "wal", db)
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", db)
            con.close()
        self.assertEqual(scrub(self.ok(*EVAL, "--db", "new.db").out), scrub(self.ok(*EVAL, "--db", "old.db").out))

    def test_a_killed_demo_leaves_no_database_under_the_name(self):
        proc = subprocess.Popen([hcli.HUDDLE, "demo", "--db", "big.db", "--reps", "200000", "--seed", "1",
                                 "--end", "2026-Q3"], cwd=self.tmp, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not [f for f in os.listdir(".") if f.startswith("big.db.tmp")] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # rows are being written
        tmp = [f for f in os.listdir(".") if f.startswith("big.db.tmp")]
        # Nobody else can see the new file: it is written once, without a
        # WAL that would take every page a second time.
        self.assertEqual([f for f in tmp if f.endswith(("-wal", "-journal"))], [], tmp)
        proc.kill()
        proc.wait()
        self.assertFalse(os.path.exists("big.db"), "a half-filled database under the name")
        self.fails(3, *EVAL, "--db", "big.db")

    def test_demo_history_covers_the_quarters_ending_with_end(self):
        self.demo("a.db", "--periods", "2")
        con = self.connect("a.db")
        lo, hi = con.execute("SELECT min(closed_on), max(closed_on) FROM deals WHERE stage = 'won'").fetchone()
        self.assertGreaterEqual(lo, "2026-01-01", "not before 2026-Q2 (and a little lead time)")
        self.assertLess(hi, "2026-10-01", "nothing closed after 2026-Q3")
        self.assertGreaterEqual(hi, "2026-07-01")

    def test_demo_data_passes_the_foreign_key_check(self):
        self.demo("a.db")
        con = sqlite3.connect("a.db")
        self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")

    def test_same_seed_gives_the_same_evaluation(self):
        self.demo("a.db")
        self.demo("b.db")
        a = self.ok(*EVAL, "--db", "a.db").out
        b = self.ok(*EVAL, "--db", "b.db").out
        self.assertEqual(scrub(a), scrub(b))
        self.assertGreater(len(self.ok(*EVAL, "--db", "a.db").json()["reps"]), 20)

    def test_different_seed_gives_different_data(self):
        self.demo("a.db")
        self.ok("demo", "--db", "c.db", "--reps", "30", "--seed", "8", "--end", "2026-Q3")
        a = self.ok(*EVAL, "--db", "a.db").out
        c = self.ok(*EVAL, "--db", "c.db").out
        self.assertNotEqual(scrub(a), scrub(c))

    def test_demo_data_evaluates_without_rule_errors_under_the_default_rules(self):
        self.demo("a.db")
        r = self.ok(*EVAL, "--db", "a.db", "--strict")
        doc = r.json()
        self.assertEqual(sum(len(c["errors"]) for c in doc["reps"] + doc["teams"]), 0)
        self.assertGreater(len(doc["teams"]), 0)
        self.assertTrue(any(c["recognitions"] for c in doc["reps"]))
        self.assertTrue(any(c["coaching"] for c in doc["reps"]))

    def test_teams_option(self):
        self.ok("demo", "--db", "t.db", "--reps", "12", "--teams", "4", "--seed", "1", "--end", "2026-Q3")
        con = self.connect("t.db")
        self.assertEqual(con.execute("SELECT count(*) FROM teams").fetchone()[0], 4)

    def test_bad_options_are_usage_errors(self):
        for args in (["--reps", "0"], ["--reps", "ten"], ["--teams", "40", "--reps", "10"],
                     ["--seed", "-1"], ["--periods", "0"], ["--end", "2026-07"], ["--end", "soon"],
                     ["stray"]):
            r = self.fails(2, "demo", "--db", "x.db", *args)
            self.assertTrue(r.err.strip(), args)

    def test_end_must_be_a_quarter(self):
        r = self.fails(2, "demo", "--db", "x.db", "--end", "2026")
        self.assertIn("quarter", r.err)


if __name__ == "__main__":
    hcli.main()
