#!/usr/bin/env python3
"""The host keeps the workers' scorecards in an unnamed temporary file in
$TMPDIR (else /tmp) until the report reads them back, not in memory; the
file is gone when huddle exits, and a folder it cannot use is named."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import json
import os
import subprocess
import time

import hcli
import test_workers
from hcli import HuddleTestCase, main

# One rep's rule waits for a slow metric, so the run lasts long enough
# to look at the host's open files.
RULES = test_workers.SLOW_COUNT + '''
score "ids" { weight = 1, doc = "the last rep waits for the slow metric",
  fn = function(rep, m)
    if rep.id == 20 then return m.slow_count / 100, "waited" end
    return rep.id / 100, "id " .. rep.id
  end }

recognize "even" { doc = "even ids", when = function(rep, m) return rep.id % 2 == 0 end,
  message = "${name} has an even id" }
'''


class Spool(HuddleTestCase):

    def setUp(self):
        super().setUp()
        test_workers.twenty_reps(self)
        self.write("rules/r.lua", RULES)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { sql_ms = 120000; time_ms = 120000; };\n'
                   'rules = { params = { n = 3000000; }; };\n')
        self.spool = os.path.join(self.tmp, "spool")
        os.mkdir(self.spool)

    def check_report(self, doc):
        reps = {c["id"]: c for c in doc["reps"]}
        self.assertEqual(sorted(reps), list(range(1, 21)))
        for i, c in reps.items():
            self.assertEqual(c["components"][0]["value"], i / 100)
            self.assertEqual([r["message"] for r in c["recognitions"]],
                             ["Rep %d has an even id" % i] if i % 2 == 0 else [])

    def test_the_cards_wait_in_an_unnamed_file_in_TMPDIR(self):
        env = dict(self.env, TMPDIR=self.spool)
        proc = subprocess.Popen([hcli.HUDDLE, "eval", "--db", "d.db", "--period", "2026-Q3", "--format", "json",
                                 "--output", "out.json"], cwd=self.tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = []
        while proc.poll() is None and not seen:
            try:
                links = [os.readlink("/proc/%d/fd/%s" % (proc.pid, fd))
                         for fd in os.listdir("/proc/%d/fd" % proc.pid)]
            except OSError:
                break
            seen = [t for t in links if t.startswith(self.spool + "/")]
            time.sleep(0.01)
        out, err = proc.communicate(timeout=hcli.TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        self.assertTrue(seen, "the host had no file open in TMPDIR while it ran")
        self.assertTrue(all(t.endswith("(deleted)") for t in seen), seen)
        self.assertEqual(os.listdir(self.spool), [], "nothing is left in TMPDIR")
        self.check_report(json.loads(self.read("out.json")))
        # Saved from the file too: the store read every card back.
        con = self.connect("d.db")
        saved = con.execute("SELECT subject_id, text FROM run_items WHERE item = 'recognition' "
                            "ORDER BY subject_id").fetchall()
        con.close()
        self.assertEqual(saved, [(i, "Rep %d has an even id" % i) for i in range(2, 21, 2)])

    def test_a_full_TMPDIR_fails_the_run_and_nothing_is_written(self):
        tiny = os.path.join(self.tmp, "tiny")
        os.mkdir(tiny)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", tiny],
                          capture_output=True).returncode:
            self.skipTest("cannot mount a small tmpfs here (it needs root)")
        try:
            # Twenty cards of 2 KB each do not fit in 16 KB.
            self.write("rules/r.lua", 'score "long" { weight = 1, doc = "a long why",\n'
                       '  fn = function(rep, m) return 0.5, string.rep("x", 2000) end }\n')
            r = self.fails(4, "eval", "--db", "d.db", "--period", "2026-Q3", "--format", "json", "--output",
                           "out.json", env=dict(self.env, TMPDIR=tiny))
            self.assertIn("writing the scorecards to a temporary file: No space left on device", r.err)
            self.assertEqual(os.listdir(tiny), [], "nothing is left in TMPDIR")
        finally:
            subprocess.run(["umount", tiny], check=True)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out.json")))
        con = self.connect("d.db")
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0, "no run saved")
        con.close()

    def test_a_TMPDIR_that_cannot_be_used_is_named_and_nothing_is_written(self):
        missing = os.path.join(self.tmp, "no-such-folder")
        r = self.fails(4, "eval", "--db", "d.db", "--period", "2026-Q3", "--format", "json", "--output", "out.json",
                       env=dict(self.env, TMPDIR=missing))
        self.assertIn(missing, r.err)
        self.assertIn("TMPDIR", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out.json")))
        con = self.connect("d.db")
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0, "no run saved")
        con.close()


if __name__ == "__main__":
    main()
