#!/usr/bin/env python3
"""Saving runs under pressure: rows W2 and W3 of shared/SANDBOX-CHECKLIST.md
(SPEC sections 7 and 11).  W1, a run killed at any moment, is
cli.concurrency's test_a_run_killed_at_any_moment_leaves_only_whole_runs."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hardening  # noqa: E402  (first: puts tests/cli on sys.path)

import json
import sqlite3
import subprocess
import time

from hardening import PERIOD
from hcli import known_bug

EVAL = ["eval", "--db", "team.db", "--format", "json"] + PERIOD
TEXT_CAP = 64 * 1024  # the most a report or the database should get for one rule's text


class Writes(hardening.Case):

    def setUp(self):
        super().setUp()
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')
        self.write("rules/one.lua", 'score "one" { weight = 1, doc = "x", fn = function(rep, m) return 1 end }\n')

    def start(self):
        return subprocess.Popen([hardening.hcli.HUDDLE] + EVAL, cwd=self.tmp, env=self.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def lock(self):
        """Another process's connection holding the write lock."""
        con = sqlite3.connect(self.db, isolation_level=None, timeout=30)
        con.execute("BEGIN IMMEDIATE")
        return con

    def runs(self):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute("SELECT count(*) FROM runs").fetchone()[0]
        finally:
            con.close()

    def integrity(self):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()

    def test_W2_eval_waits_for_a_writer_holding_the_lock_for_3_s_and_then_saves(self):
        holder = self.lock()
        proc = self.start()
        t0 = time.monotonic()
        time.sleep(3)
        self.assertIsNone(proc.poll(), "eval waits for the lock instead of failing")
        holder.execute("COMMIT")
        holder.close()
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err.decode())
        self.assertGreaterEqual(time.monotonic() - t0, 3)
        self.assertEqual(self.runs(), 1)
        self.assertEqual(self.integrity(), "ok")

    def test_W2_eval_fails_cleanly_when_the_lock_outlasts_the_busy_timeout(self):
        before = self.fingerprint()
        holder = self.lock()
        try:
            t0 = time.monotonic()
            proc = self.start()
            out, err = proc.communicate(timeout=60)
            took = time.monotonic() - t0
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        err = err.decode()
        self.assertEqual(proc.returncode, 4, err)
        self.assertIn("saving the run", err)
        self.assertIn("locked", err)
        self.assertGreater(took, 5, "it waited (busy timeout) before giving up")
        self.assertUnchanged(before)
        self.assertEqual(self.integrity(), "ok")
        # The next eval, with the lock gone, saves run 1.
        self.assertEqual(self.huddle(*EVAL).rc, 0)
        self.assertEqual(self.runs(), 1)

    def test_W3_a_10_mb_text_from_a_rule_is_capped_or_refused(self):
        self.write("rules/big.lua",
                   'score "big_why" { weight = 1, doc = "x", fn = function(rep, m)\n'
                   '  return 1, ("x"):rep(10 * 1024 * 1024) end }\n'
                   'recognize "big_message" { doc = "x", when = function(rep, m)\n'
                   '  return ("y"):rep(10 * 1024 * 1024) end }\n'
                   'coach "big_advice" { doc = "x", severity = "low", when = function(rep, m) return true end,\n'
                   '  advice = "${name} " .. ("z"):rep(10 * 1024 * 1024) }\n')
        r = self.huddle(*EVAL)
        self.assertIn(r.rc, (0, 1), repr(r))
        self.assertLess(len(r.out), 3 * TEXT_CAP + 100000, "the report carries no 10 MB text")
        ana = [c for c in r.json()["reps"] if c["name"] == "Ana"][0]
        refused = {e["rule"] for e in ana["errors"]}
        texts = {"big_why": [c["why"] for c in ana["components"] if c["rule"] == "big_why"],
                 "big_message": [x.get("message") for x in ana["recognitions"] if x.get("rule") == "big_message"],
                 "big_advice": [x.get("advice") for x in ana["coaching"] if x.get("rule") == "big_advice"]}
        for rule, found in texts.items():
            if rule not in refused:
                self.assertTrue(found, rule)
                self.assertLessEqual(len(found[0] or ""), TEXT_CAP, rule)
        con = sqlite3.connect(self.db)
        biggest = con.execute("SELECT max(length(text)) FROM run_items").fetchone()[0]
        payload = con.execute("SELECT max(length(payload)) FROM outbox").fetchone()[0] or 0
        con.close()
        self.assertLessEqual(biggest, TEXT_CAP)
        self.assertLessEqual(payload, 2 * TEXT_CAP)

    def test_W3_text_that_is_not_utf8_still_gives_a_valid_json_report(self):
        self.write("rules/bytes.lua",
                   'score "bytes" { weight = 1, doc = "x", fn = function(rep, m)\n'
                   '  return 1, "caf\\xe9 \\xff\\xfe|tail" end }\n')
        r = self.huddle(*EVAL, binary=True)
        self.assertEqual(r.rc, 0, repr(r))
        doc = r.out.decode("utf-8")  # strict: the report is UTF-8
        ana = [c for c in json.loads(doc)["reps"] if c["name"] == "Ana"][0]
        why = [c["why"] for c in ana["components"] if c["rule"] == "bytes"][0]
        self.assertTrue(why.startswith("caf") and why.endswith("|tail"), why)


if __name__ == "__main__":
    hardening.main()
