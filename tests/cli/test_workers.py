#!/usr/bin/env python3
"""Several evaluation workers (one per core for a large organisation;
HUDDLE_WORKERS=N sets how many): each evaluates its share of the subjects,
and each SQL metric runs once, in whichever worker comes to it first, for
all of them.  The report must not depend on how many there were."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import json
import os
import random
import signal
import subprocess
import time

import hcli
import test_watchdog
from hcli import HuddleTestCase, insert, main

EVAL = ["eval", "--db", "d.db", "--period", "2026-Q3", "--no-save", "--format", "json"]


def without_clock(doc):
    """The report without its creation time, which differs run to run."""
    doc["run"].pop("created_at", None)
    return doc


def queries(trace):
    """The SQL statements of a HUDDLE_SQL_TRACE script, each with its
    parameters, in a canonical order."""
    blocks = [b.strip() for b in trace.split(".parameter clear") if b.strip()]
    return sorted(blocks)


def children(pid):
    """The pids of the processes pid forked that still run."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(k) for k in f.read().split()]
    except OSError:
        return []


def cpu(pid):
    """The CPU time pid has used, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def twenty_reps(test):
    """d.db with reps 1 to 20 in two teams, West and East."""
    test.init_db("d.db")
    con = test.connect("d.db")
    insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
    insert(con, "reps", [{"id": i, "name": "Rep %d" % i, "team_id": 1 + i % 2} for i in range(1, 21)])
    con.commit()
    con.close()


def workers_of(test, pid, n):
    """The pids of the host's first n workers, once they all run."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        kids = children(pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.02)
    test.fail("%d workers did not appear" % n)


SPIN = '''
score "spin" { weight = 1, doc = "a moment of work for every subject",
  fn = function(subject, m)
    local x = 0
    for i = 1, 2000000 do x = x + i % 7 end
    return 0.5, "spun"
  end }

recognize "named" { doc = "a message from the card", when = function(rep, m) return rep.id % 3 == 0 end,
  message = "${name} is a multiple of three" }
'''


class DefaultRules(HuddleTestCase):
    """The default rule set on a demo organisation, split among workers."""

    def setUp(self):
        super().setUp()
        self.ok("demo", "--db", "d.db", "--reps", "120", "--seed", "5", "--end", "2026-Q3")

    def run_with(self, workers, *extra, trace=None):
        env = dict(self.env, HUDDLE_WORKERS=str(workers))
        if trace:
            env["HUDDLE_SQL_TRACE"] = os.path.join(self.tmp, trace)
        return self.ok(*EVAL, *extra, env=env)

    def test_the_report_is_the_same_with_one_two_or_five_workers(self):
        one = without_clock(self.run_with(1).json())
        self.assertGreater(len(one["reps"]), 100)
        self.assertTrue(any(c["recognitions"] for c in one["reps"]), "the demo should recognise someone")
        for n in (2, 5):
            self.assertEqual(without_clock(self.run_with(n).json()), one, "%d workers" % n)

    def test_the_table_is_the_same_too(self):
        one = self.ok(*EVAL[:-2], env=dict(self.env, HUDDLE_WORKERS="1")).out
        two = self.ok(*EVAL[:-2], env=dict(self.env, HUDDLE_WORKERS="2")).out
        self.assertEqual(two, one)

    def test_each_metric_query_runs_once_however_many_workers(self):
        self.run_with(1, trace="one.sql")
        self.run_with(3, trace="three.sql")
        one, three = queries(self.read("one.sql")), queries(self.read("three.sql"))
        self.assertGreater(len(one), 20)
        self.assertEqual(len(three), len(set(three)), "a metric query ran twice")
        self.assertEqual(three, one)

    def test_a_bad_worker_count_is_named_and_the_run_goes_on(self):
        for bad in ("0", "two", "100"):
            r = self.huddle(*EVAL, env=dict(self.env, HUDDLE_WORKERS=bad))
            self.assertEqual(r.rc, 0, r)
            self.assertIn("HUDDLE_WORKERS=%s is not a number from 1 to 16" % bad, r.err)
            self.assertGreater(len(r.json()["reps"]), 100)


# A metric that takes as long as the config's rules.params.n says.
SLOW_COUNT = '''
metric "slow_count" { doc = "the reps' ids, after a long count",
  sql = [[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :param_n)
          SELECT r.id, r.id + (SELECT max(x) FROM c) - :param_n FROM reps r]] }
'''

SLOW_METRIC = SLOW_COUNT + '''

metric "broken" { doc = "names a rep twice",
  sql = [[SELECT id, 1 FROM reps UNION ALL SELECT 1, 2]] }

score "ids" { weight = 1, doc = "reads the slow metric",
  fn = function(rep, m) return m.slow_count / 100, "id " .. m.slow_count end }

recognize "never" { doc = "reads the broken metric", when = function(rep, m) return m.broken end }
'''


class SharedMetrics(HuddleTestCase):
    """Hand-made rules: one slow SQL metric and one that fails."""

    def setUp(self):
        super().setUp()
        twenty_reps(self)
        self.write("rules/r.lua", SLOW_METRIC)

    def config(self, n):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { sql_ms = 60000; };\n'
                   'rules = { params = { n = %d; }; };\n' % n)

    def check_cards(self, doc):
        reps = {c["id"]: c for c in doc["reps"]}
        self.assertEqual(sorted(reps), list(range(1, 21)))
        for i, c in reps.items():
            comps = {k["rule"]: k for k in c["components"]}
            self.assertEqual(comps["ids"]["value"], i / 100, c)
            self.assertEqual(comps["ids"]["why"], "id %d" % i)
            self.assertEqual([e["rule"] for e in c["errors"]], ["never"], c)
            self.assertIn("metric 'broken': returned rep 1 twice", c["errors"][0]["message"])

    def test_a_failing_metric_fails_the_same_way_in_every_worker(self):
        self.config(10)
        for n in ("1", "2", "4"):
            r = self.huddle(*EVAL, env=dict(self.env, HUDDLE_WORKERS=n))
            self.assertEqual(r.rc, 0, r)
            self.check_cards(r.json())

    def test_a_worker_killed_while_it_computes_a_metric_for_all_leaves_it_to_the_others(self):
        # A count that takes seconds: one worker claims it, the other waits
        # for it.  Killing the one that computes must free the metric for
        # the others, not leave them waiting on a dead worker.
        self.config(30000000)
        trace = os.path.join(self.tmp, "trace.sql")
        env = dict(self.env, HUDDLE_WORKERS="2", HUDDLE_SQL_TRACE=trace)
        proc = subprocess.Popen([hcli.HUDDLE] + EVAL, cwd=self.tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        workers = self.wait_for_workers(proc.pid, 2)
        busy = self.busiest(workers)
        os.kill(busy, signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, err)
        self.check_cards(json.loads(out))
        # Run twice: by the killed worker, then again by one that lived.
        self.assertEqual(self.read("trace.sql").count("WITH RECURSIVE"), 2)

    # -- helpers --------------------------------------------------------

    def wait_for_workers(self, pid, n):
        return workers_of(self, pid, n)

    def busiest(self, pids):
        """The worker that spends the most CPU over a moment: the one
        running the count (the other sleeps while it waits)."""
        time.sleep(0.3)
        before = {p: cpu(p) for p in pids}
        time.sleep(0.5)
        return max(pids, key=lambda p: cpu(p) - before[p])


READS = '''
metric "used" { doc = "read by a score", sql = [[SELECT id, 1 FROM reps -- used
]] }
metric "used_by_lua" { doc = "read by a Lua metric", sql = [[SELECT id, 2 FROM reps -- used_by_lua
]] }
metric "in_message" { doc = "named in a message", sql = [[SELECT id, 3 FROM reps -- in_message
]] }
metric "unused" { doc = "read by no rule", sql = [[SELECT id, 4 FROM reps -- unused
]] }
metric "twice" { doc = "a Lua metric", fn = function(m, rep) return m.used_by_lua * 2 end }

score "s" { weight = 1, doc = "reads used and twice",
  fn = function(rep, m) return (m.used + m.twice) / 10 end }

recognize "r" { doc = "names a metric in its message", when = function(rep, m) return true end,
  message = "${name}: ${in_message}" }
'''


class WhatIsComputedUpFront(HuddleTestCase):
    """Workers compute up front only the SQL metrics the rules read (by a
    static scan of their source); a read the scan cannot follow makes
    them compute every one."""

    def setUp(self):
        super().setUp()
        self.init_db("d.db")
        con = self.connect("d.db")
        insert(con, "teams", [{"id": 1, "name": "West"}])
        insert(con, "reps", [{"id": i, "name": "Rep %d" % i, "team_id": 1} for i in range(1, 7)])
        con.commit()
        con.close()
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')

    def traced(self, rules, workers):
        self.write("rules/r.lua", rules)
        trace = os.path.join(self.tmp, "t%s.sql" % workers)
        if os.path.exists(trace):
            os.remove(trace)
        env = dict(self.env, HUDDLE_WORKERS=workers, HUDDLE_SQL_TRACE=trace)
        doc = self.ok(*EVAL, env=env).json()
        with open(trace, encoding="utf-8") as f:
            text = f.read()
        ran = {name for name in ("used", "used_by_lua", "in_message", "unused") if "-- %s\n" % name in text}
        return doc, ran

    def test_a_metric_no_rule_reads_is_not_run(self):
        doc, ran = self.traced(READS, "2")
        self.assertEqual(ran, {"used", "used_by_lua", "in_message"})
        for c in doc["reps"]:
            self.assertEqual(c["components"][0]["value"], 0.5)
            self.assertEqual(c["recognitions"][0]["message"], "%s: 3" % c["name"])

    def test_a_computed_metric_name_makes_every_metric_run(self):
        rules = READS.replace("m.used +", 'm["us" .. "ed"] +')
        doc, ran = self.traced(rules, "2")
        self.assertEqual(ran, {"used", "used_by_lua", "in_message", "unused"})
        self.assertEqual([c["components"][0]["value"] for c in doc["reps"]], [0.5] * 6)
        # One worker computes only what is read, as it always did.
        _, ran = self.traced(rules, "1")
        self.assertEqual(ran, {"used", "used_by_lua", "in_message"})


class WatchdogWithTwoWorkers(test_watchdog.Watchdog):
    """test_watchdog.py's cases again, the subjects shared by two workers
    that take them one at a time (so few subjects make chunks of one):
    while one is held by a rule (Cy's wait, Ben's slow C call), the other
    goes on with the rest."""

    def setUp(self):
        super().setUp()
        self.env = dict(self.env, HUDDLE_WORKERS="2")

    def wait_for_worker(self, pid):
        """A worker held by a rule: the first to have used a fifth of a
        second of CPU.  The one that takes the other subjects finishes
        them in milliseconds and goes; Cy's wait (or, where the test keeps
        it, Ben's slow call: stopping either ends the same way, each call
        at its deadline) keeps its worker busy."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for kid in children(pid):
                try:
                    if cpu(kid) >= 20:
                        return kid
                except OSError:
                    pass  # gone meanwhile
            time.sleep(0.01)
        self.fail("no worker held by a rule appeared")


class RandomKills(HuddleTestCase):
    """Workers killed at random moments, over and over: every subject is
    still in the report once, and each one no kill touched is as a run
    without kills has it."""

    def setUp(self):
        super().setUp()
        self.ok("demo", "--db", "d.db", "--reps", "120", "--seed", "5", "--end", "2026-Q3")
        # A rule that takes a moment for every subject, so that the kills
        # land inside the rules.
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nsandbox = { instructions = 2000000000; };\n')
        self.write("rules/slow.lua", SPIN)

    def test_every_subject_arrives_once_whatever_worker_dies(self):
        env = dict(self.env, HUDDLE_WORKERS="1")
        calm = self.ok(*EVAL, env=env).json()
        calm_cards = {(k, c["id"]): c for k in ("reps", "teams") for c in calm[k]}
        self.assertTrue(all(not c["errors"] for c in calm_cards.values()))
        rng = random.Random(7)
        proc = subprocess.Popen([hcli.HUDDLE] + EVAL, cwd=self.tmp, env=dict(self.env, HUDDLE_WORKERS="2"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        kills = 0
        deadline = time.monotonic() + 60
        time.sleep(0.3)  # both workers in their rules by now
        while proc.poll() is None and kills < 6 and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.02, 0.1))
            kids = children(proc.pid)
            if kids:
                try:
                    os.kill(rng.choice(kids), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
        out, err = proc.communicate(timeout=hcli.TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        self.assertGreater(kills, 2, "the run ended before the workers could be killed")
        doc = json.loads(out)
        ids = [(k, c["id"]) for k in ("reps", "teams") for c in doc[k]]
        self.assertEqual(sorted(ids), sorted(calm_cards), "each subject once")
        hit = 0
        for k in ("reps", "teams"):
            for c in doc[k]:
                if c["errors"]:
                    hit += 1
                    for e in c["errors"]:
                        self.assertRegex(e["message"], "crashed the evaluator \\(signal 9\\)|"
                                         "stopped unexpectedly", c["name"])
                else:
                    self.assertEqual(c, calm_cards[(k, c["id"])], c["name"])
        self.assertLessEqual(hit, kills)


if __name__ == "__main__":
    main()
