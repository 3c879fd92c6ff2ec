#!/usr/bin/env python3
"""Two evaluations at once on one database both finish, a writer holding
the database makes eval wait instead of failing, and a run killed at any
moment leaves the database with whole runs only (SPEC sections 7 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import json
import re
import signal
import sqlite3
import subprocess
import time

import hcli

EVAL = ["eval", "--db", "team.db", "--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "json"]


def scrub(s):
    s = re.sub(r'"created_at": "[^"]*"', '"created_at": ""', s)
    return re.sub(r'("run": \{\s*"id": )\d+', r"\1ID", s)


class Concurrency(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.ok("demo", "--db", "team.db", "--reps", "200", "--seed", "11", "--end", "2026-Q3")

    def start(self, *extra):
        return subprocess.Popen([hcli.HUDDLE] + EVAL + list(extra), cwd=self.tmp, env=self.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def finish(self, proc, timeout=60):
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode(), err.decode()

    def runs(self):
        con = sqlite3.connect("team.db", timeout=30)
        try:
            return con.execute(
                "SELECT r.id, r.status, (SELECT count(*) FROM run_subjects s WHERE s.run_id = r.id), "
                "(SELECT count(*) FROM run_items i WHERE i.run_id = r.id) FROM runs r ORDER BY r.id").fetchall()
        finally:
            con.close()

    def test_two_evaluations_at_once_both_finish_and_both_runs_are_saved(self):
        for round_ in range(3):
            a, b = self.start(), self.start()
            ra, rb = self.finish(a), self.finish(b)
            self.assertEqual(ra[0], 0, "first process: %s" % ra[2])
            self.assertEqual(rb[0], 0, "second process: %s" % rb[2])
            ids = sorted(json.loads(o)["run"]["id"] for o in (ra[1], rb[1]))
            self.assertEqual(ids, [2 * round_ + 1, 2 * round_ + 2])
            self.assertEqual(scrub(ra[1]), scrub(rb[1]), "same data, same result")
        runs = self.runs()
        self.assertEqual([r[0] for r in runs], [1, 2, 3, 4, 5, 6])
        self.assertEqual(len({r[2:] for r in runs}), 1, "every run saved whole: %r" % runs)
        self.assertGreater(runs[0][2], 150)

    def test_eval_waits_for_another_writer_instead_of_failing(self):
        con = sqlite3.connect("team.db", isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE teams SET manager = manager")
        proc = self.start()
        time.sleep(1.0)
        self.assertIsNone(proc.poll(), "eval is waiting for the lock")
        con.execute("COMMIT")
        con.close()
        rc, out, err = self.finish(proc)
        self.assertEqual(rc, 0, err)
        self.assertEqual([r[0] for r in self.runs()], [1])

    def test_no_save_evaluations_run_while_another_writer_holds_the_database(self):
        con = sqlite3.connect("team.db", isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE teams SET manager = manager")
        try:
            start = time.monotonic()
            rc, out, err = self.finish(self.start("--no-save"))
            self.assertEqual(rc, 0, err)
            self.assertLess(time.monotonic() - start, 8, "readers do not wait for the writer (WAL)")
        finally:
            con.execute("ROLLBACK")
            con.close()

    def test_a_run_killed_at_any_moment_leaves_only_whole_runs(self):
        t0 = time.monotonic()
        rc, out, err = self.finish(self.start())
        duration = time.monotonic() - t0
        self.assertEqual(rc, 0, err)
        whole = self.runs()[0][1:]
        killed = 0
        for i in range(10):
            proc = self.start()
            time.sleep(duration * (i + 0.5) / 8)  # from the start to a little after the end
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.communicate(timeout=60)
        for run in self.runs():
            self.assertEqual(run[1:], whole, "run %d is incomplete" % run[0])
        con = sqlite3.connect("team.db")
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        con.close()
        rc, out, err = self.finish(self.start())
        self.assertEqual(rc, 0, err)
        print("  (%d of 10 runs killed before they exited; %d runs saved)" % (killed, len(self.runs())))


    def test_a_demo_killed_at_any_moment_leaves_no_rows_or_all_of_them(self):
        t0 = time.monotonic()
        self.ok("demo", "--db", "full.db", "--reps", "3000", "--seed", "5", "--end", "2026-Q3")
        duration = time.monotonic() - t0
        con = sqlite3.connect("full.db")
        whole = con.execute("SELECT (SELECT count(*) FROM reps), (SELECT count(*) FROM activities)").fetchone()
        con.close()
        for i in range(8):
            db = "killed%d.db" % i
            proc = subprocess.Popen([hcli.HUDDLE, "demo", "--db", db, "--reps", "3000", "--seed", "5",
                                     "--end", "2026-Q3"], cwd=self.tmp, env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(duration * (i + 0.5) / 8)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            try:
                con = sqlite3.connect(db)
            except sqlite3.Error:
                continue  # killed before the file was made
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", db)
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
                if "reps" in tables:
                    got = con.execute("SELECT (SELECT count(*) FROM reps), "
                                      "(SELECT count(*) FROM activities)").fetchone()
                    self.assertIn(got, [(0, 0), whole], db)
            finally:
                con.close()

    def test_an_evaluation_beside_a_demo_load_on_one_database_both_finish(self):
        self.ok("init", "--db", "same.db")
        proc = subprocess.Popen([hcli.HUDDLE, "demo", "--db", "same.db", "--reps", "3000", "--seed", "5",
                                 "--end", "2026-Q3"], cwd=self.tmp, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.3)
        ev = subprocess.run([hcli.HUDDLE, "eval", "--db", "same.db", "--period", "2026-Q3", "--format", "json"],
                            cwd=self.tmp, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=120)
        self.assertEqual(ev.returncode, 0, ev.stderr.decode())
        # The evaluation saw the database before the load or after it, never half of it.
        self.assertIn(len(json.loads(ev.stdout)["reps"]), (0, 2970, 2971, 2972, 2973, 2974, 2975, 2976,
                                                            2977, 2978, 2979, 2980))
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, err.decode())


if __name__ == "__main__":
    hcli.main()
