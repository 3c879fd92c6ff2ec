"""The wall-clock backstop: rules run in a worker process the host watches.

An instruction budget cannot stop a rule that spends its time inside one
C call (a pattern match), and a crash inside Lua must not take the host
down.  These tests drive the real executable through both and check that
only the offending rule fails, for that subject only, and the run goes on.
"""

import json
import os
import signal
import subprocess
import time

import hcli
from hcli import HuddleTestCase, insert, main

RULES = '''
score "steady" { weight = 1, doc = "always half", fn = function(rep, m) return 0.5, "half" end }

score "slow" { weight = 1, doc = "hangs inside one C call for rep 2",
  fn = function(rep, m)
    if rep.id == 2 then string.find(("a"):rep(300), ".-.-.-.-b") end
    return 1
  end }

score "wait" { weight = 1, doc = "busy for rep 3 until someone stops it",
  fn = function(rep, m)
    if rep.id == 3 then local t = os.clock() while os.clock() - t < 30 do end end
    return 1
  end }

recognize "after" { doc = "runs after the others", when = function(rep, m) return true end,
  message = "${name} carried on" }
'''


class Watchdog(HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.init_db("team.db")
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "West"}])
        insert(con, "reps", [{"id": i, "name": n, "team_id": 1}
                             for i, n in ((1, "Ana"), (2, "Ben"), (3, "Cy"), (4, "Dee"))])
        con.commit()
        con.close()
        self.write("rules/r.lua", RULES)

    def config(self, time_ms):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { time_ms = %d; instructions = 2000000000; };\n'
                   % time_ms)

    def cards(self, r):
        return {c["name"]: c for c in r.json()["reps"]}

    def test_a_rule_stuck_inside_a_c_call_is_stopped_at_its_time_limit(self):
        self.config(300)
        self.write("rules/r.lua", RULES.replace("while os.clock() - t < 30", "while false"))
        started = time.monotonic()
        r = self.ok("eval", "--db", "team.db", "--period", "2026-Q3", "--format", "json", "--no-save")
        elapsed = time.monotonic() - started
        cards = self.cards(r)
        ben = cards["Ben"]
        self.assertEqual([e["rule"] for e in ben["errors"]], ["slow"])
        self.assertIn("time limit of 300 ms", ben["errors"][0]["message"])
        self.assertTrue(ben["errors"][0]["where"].startswith("rules/r.lua:"), ben["errors"][0])
        # Ben's other rules ran in the fresh worker; the slow one left no value.
        comps = {c["rule"]: c["value"] for c in ben["components"]}
        self.assertEqual(comps, {"steady": 0.5, "slow": None, "wait": 1})
        self.assertEqual(ben["recognitions"][0]["message"], "Ben carried on")
        for name in ("Ana", "Cy", "Dee"):
            self.assertEqual(cards[name]["errors"], [], name)
            self.assertAlmostEqual(cards[name]["score"], 100 * 2.5 / 3)
        # 17 s or more unchecked; stopped within the limit plus a grace.
        self.assertLess(elapsed, 5)

    def test_every_slow_call_is_stopped_and_the_run_still_ends(self):
        self.config(200)
        r = self.huddle("eval", "--db", "team.db", "--period", "2026-Q3", "--format", "json", "--no-save",
                        "--strict")
        self.assertEqual(r.rc, 1, repr(r))  # --strict: a rule failed
        cards = self.cards(r)
        self.assertEqual([e["rule"] for e in cards["Ben"]["errors"]], ["slow"])
        self.assertEqual([e["rule"] for e in cards["Cy"]["errors"]], ["wait"])
        self.assertEqual(cards["Dee"]["errors"], [])

    def test_a_stalled_worker_is_stopped_at_the_deadline_and_the_run_goes_on(self):
        # A worker that makes no progress at all (here: stopped by a signal)
        # is what no check inside the VM can end; the host must.
        self.config(1000)
        self.write("rules/r.lua", RULES.replace('string.find(("a"):rep(300), ".-.-.-.-b")', "local _ = 1"))
        proc = subprocess.Popen([self.huddle_path(), "eval", "--db", "team.db", "--period", "2026-Q3",
                                 "--format", "json", "--no-save"], cwd=self.tmp, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        worker = self.wait_for_worker(proc.pid)
        time.sleep(0.2)  # Cy's "wait" rule is running by now
        os.kill(worker, signal.SIGSTOP)
        started = time.monotonic()
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertLess(time.monotonic() - started, 5)
        cards = {c["name"]: c for c in json.loads(out)["reps"]}
        self.assertEqual([e["rule"] for e in cards["Cy"]["errors"]], ["wait"])
        self.assertIn("time limit of 1000 ms exceeded", cards["Cy"]["errors"][0]["message"])
        self.assertEqual(cards["Dee"]["errors"], [])

    def test_a_crashed_worker_is_reported_for_the_rule_that_was_running(self):
        self.config(60000)
        self.write("rules/r.lua", RULES.replace('string.find(("a"):rep(300), ".-.-.-.-b")', "local _ = 1"))
        # Under AddressSanitizer a SIGSEGV would become ASan's report and
        # exit 1; let the signal end the worker as it does in a release build.
        env = dict(self.env, ASAN_OPTIONS="handle_segv=0")
        proc = subprocess.Popen([self.huddle_path(), "eval", "--db", "team.db", "--period", "2026-Q3",
                                 "--format", "json", "--no-save"], cwd=self.tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        worker = self.wait_for_worker(proc.pid)
        time.sleep(0.5)  # Cy's "wait" rule is running by now
        os.kill(worker, signal.SIGSEGV)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        cards = {c["name"]: c for c in json.loads(out)["reps"]}
        errors = cards["Cy"]["errors"]
        self.assertEqual([e["rule"] for e in errors], ["wait"])
        self.assertIn("crashed the evaluator (signal 11)", errors[0]["message"])
        self.assertEqual(cards["Dee"]["errors"], [])

    def test_the_worker_dies_with_the_host(self):
        self.config(60000)
        self.write("rules/r.lua", RULES.replace('string.find(("a"):rep(300), ".-.-.-.-b")', "local _ = 1"))
        proc = subprocess.Popen([self.huddle_path(), "eval", "--db", "team.db", "--period", "2026-Q3",
                                 "--no-save"], cwd=self.tmp, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        worker = self.wait_for_worker(proc.pid)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.alive(worker):
            time.sleep(0.05)
        self.assertFalse(self.alive(worker), "the worker outlived a killed host")

    # -- helpers --------------------------------------------------------

    @staticmethod
    def huddle_path():
        return hcli.HUDDLE

    def wait_for_worker(self, pid):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            if kids:
                return int(kids[-1])
            time.sleep(0.02)
        self.fail("no worker process appeared")

    @staticmethod
    def alive(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().split()[2] != "Z"
        except OSError:
            return False


if __name__ == "__main__":
    main()
