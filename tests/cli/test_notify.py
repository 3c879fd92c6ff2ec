#!/usr/bin/env python3
"""huddle notify and the bundled webhook plugin (SPEC sections 3, 7 and 9),
against a real HTTP receiver on 127.0.0.1.

Every test evaluates the hand-made fixture of fixture.py, which queues 8
items in the outbox (5 recognitions, 3 coaching items), and then delivers
them to a Receiver: an http.server in a thread that answers each POST as
its plan says and records every request.  "Accepted" below means the
receiver answered 2xx.
"""

import atexit
import fcntl
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # keep the source tree clean

import fixture
import hcli
from hcli import line_of

ITEMS = 8
HELPER = "2026-Q3/rep/5/recognition/helper"  # Eve's recognition, one of the 8 keys
PARK_AFTER = 5


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # a client that gave up (a timeout, a killed notify) is part of the test


class Receiver:
    """Answers each POST as plan(key, n) says, n being how many requests
    with that Idempotency-Key came before.  plan returns a status, or a
    dict with status and optionally delay (seconds), body and headers."""

    def __init__(self, plan=None, port=0):
        self.plan = plan or (lambda key, n: 200)
        self.requests = []
        self.lock = threading.Lock()
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.headers.get("Idempotency-Key")
                with rec.lock:
                    n = sum(1 for r in rec.requests if r["key"] == key)
                    entry = {"path": self.path, "key": key, "headers": dict(self.headers),
                             "body": body, "status": None}
                    rec.requests.append(entry)
                answer = rec.plan(key, n)
                if not isinstance(answer, dict):
                    answer = {"status": answer}
                time.sleep(answer.get("delay", 0))
                text = answer.get("body", "").encode()
                entry["status"] = answer["status"]
                self.send_response(answer["status"])
                for k, v in answer.get("headers", {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        self.server = QuietServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def accepted(self):
        with self.lock:
            return [r["key"] for r in self.requests if r["status"] and 200 <= r["status"] < 300]

    def keys(self):
        with self.lock:
            return [r["key"] for r in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    """A port nothing listens on (for a receiver that is down)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def webhook_config(url, **extra):
    """A config that loads only the webhook plugin, with fast retries."""
    settings = {"retries": 3, "backoff_ms": 1, "backoff_max_ms": 5, "timeout_ms": 5000}
    settings.update(extra)
    body = "".join("    %s = %s;\n" % (k, v if isinstance(v, str) else json.dumps(v))
                   for k, v in settings.items() if v is not None)
    return ('plugins = {\n  load = [ "webhook" ];\n  webhook = {\n    url = "%s";\n%s  };\n};\n'
            % (url, body))


def copy_db(src, dst):
    """Copies a database, WAL included, through SQLite's backup API."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


TEMPLATE = {}  # the evaluated fixture, made by the first test and copied by the others


class NotifyCase(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
            self.env.pop(var, None)  # the receiver is local; no proxy of the machine's may stand between
        self.receivers = []
        self.db = "team.db"
        if "db" not in TEMPLATE:
            fixture.build(self, self.db)
            self.ok("eval", "--config", "main.cfg", "--db", self.db, *fixture.PERIOD, "--format", "json")
            TEMPLATE["dir"] = tempfile.mkdtemp(prefix="huddle-notify-")
            TEMPLATE["db"] = os.path.join(TEMPLATE["dir"], "template.db")
            atexit.register(shutil.rmtree, TEMPLATE["dir"], True)
            copy_db(os.path.join(self.tmp, self.db), TEMPLATE["db"])
        else:
            copy_db(TEMPLATE["db"], os.path.join(self.tmp, self.db))

    def tearDown(self):
        for r in self.receivers:
            r.stop()
        super().tearDown()

    def receiver(self, plan=None, port=0):
        r = Receiver(plan, port)
        self.receivers.append(r)
        return r

    def configure(self, url, name="notify.cfg", **extra):
        self.write(name, webhook_config(url, **extra))
        return name

    def notify(self, *args, cfg="notify.cfg", db=None):
        return self.huddle("notify", "--config", cfg, "--db", db or self.db, *args)

    def outbox(self, db=None):
        con = sqlite3.connect(os.path.join(self.tmp, db or self.db))
        try:
            return con.execute("SELECT idempotency_key, payload, attempts, last_error, delivered_at "
                               "FROM outbox ORDER BY id").fetchall()
        finally:
            con.close()

    def all_keys(self, db=None):
        return [row[0] for row in self.outbox(db)]

    def delivered_keys(self, db=None):
        return {row[0] for row in self.outbox(db) if row[4] is not None}


class Delivery(NotifyCase):

    def test_the_fixture_queues_eight_items(self):
        self.assertEqual(len(self.all_keys()), ITEMS)
        self.assertIn(HELPER, self.all_keys())

    def test_every_item_arrives_exactly_once_though_the_first_attempts_are_refused(self):
        rec = self.receiver(lambda key, n: 503 if n < 2 else 200)
        self.configure(rec.url(), headers='{ Authorization = "Bearer abc"; X-Team = "west"; }')
        r = self.notify()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out, "delivered 8, failed 0 (will retry), parked 0\n")
        self.assertEqual(sorted(rec.accepted()), sorted(self.all_keys()), "each item accepted exactly once")
        self.assertEqual(len(rec.keys()), 3 * ITEMS, "two refusals and one success per item")
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))
        self.assertTrue(all(row[3] is None and row[2] == 0 for row in self.outbox()),
                        "retries within one notify are not failed runs")
        again = self.notify()
        self.assertEqual(again.out, "delivered 0, failed 0 (will retry), parked 0\n")
        self.assertEqual(len(rec.keys()), 3 * ITEMS, "a delivered item is never sent again")

    def test_each_post_carries_the_payload_as_json_with_its_key_and_the_configured_headers(self):
        rec = self.receiver()
        self.configure(rec.url(), headers='{ Authorization = "Bearer abc"; X-Team = "west"; }')
        self.assertEqual(self.notify().rc, 0)
        payloads = {row[0]: row[1] for row in self.outbox()}
        self.assertEqual(len(rec.requests), ITEMS)
        for req in rec.requests:
            h = {k.lower(): v for k, v in req["headers"].items()}
            self.assertEqual(req["path"], "/hook")
            self.assertEqual(h["content-type"], "application/json")
            self.assertEqual(h["authorization"], "Bearer abc")
            self.assertEqual(h["x-team"], "west")
            self.assertIn(req["key"], payloads)
            self.assertEqual(req["body"].decode(), payloads[req["key"]])
            doc = json.loads(req["body"])
            for field in ("kind", "period", "subject", "id", "name", "rule", "text"):
                self.assertIn(field, doc)
        helper = [json.loads(r["body"]) for r in rec.requests if r["key"] == HELPER][0]
        self.assertEqual(helper, {"kind": "recognition", "period": "2026-Q3", "subject": "rep", "id": 5,
                                  "name": "Eve", "rule": "helper", "text": "Eve helped East"})
        coaching = [json.loads(r["body"]) for r in rec.requests if "/coaching/" in r["key"]]
        self.assertEqual(len(coaching), 3)
        self.assertTrue(all(c["severity"] in ("low", "high") for c in coaching))

    def test_items_are_delivered_in_the_order_they_were_queued(self):
        rec = self.receiver()
        self.configure(rec.url())
        self.assertEqual(self.notify().rc, 0)
        self.assertEqual(rec.keys(), self.all_keys())

    def test_a_receiver_down_for_a_whole_notify_loses_nothing(self):
        port = free_port()
        self.configure("http://127.0.0.1:%d/hook" % port)
        r = self.notify()
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 0, failed 8 (will retry), parked 0\n")
        rows = self.outbox()
        self.assertTrue(all(row[4] is None and row[2] == 1 for row in rows), rows)
        self.assertTrue(all("connect" in row[3].lower() for row in rows), rows)
        for key in self.all_keys():
            self.assertIn(key, r.err, "each failed item is named")
        # The receiver comes up: the next notify delivers everything.
        rec = self.receiver(port=port)
        r = self.notify()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out, "delivered 8, failed 0 (will retry), parked 0\n")
        self.assertEqual(sorted(rec.accepted()), sorted(self.all_keys()))
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))

    def test_after_three_items_fail_for_want_of_a_receiver_the_rest_get_one_try_each(self):
        self.configure("http://127.0.0.1:%d/hook" % free_port())
        self.notify()
        errors = [row[3] for row in self.outbox()]
        self.assertTrue(all("(4 tries)" in e for e in errors[:3]), errors)
        self.assertTrue(all("(1 try;" in e for e in errors[3:]), errors)

    def test_the_full_retries_come_back_once_the_receiver_answers(self):
        rec = self.receiver(lambda key, n: 503 if key != HELPER else 200)
        self.configure(rec.url())
        self.notify()
        tries = {}
        for k in rec.keys():
            tries[k] = tries.get(k, 0) + 1
        keys = self.all_keys()
        helper_at = keys.index(HELPER)
        self.assertGreaterEqual(helper_at, 3, "the fixture queues the helper item after three others")
        self.assertEqual(tries[keys[helper_at - 1]], 1, "the receiver looked down")
        self.assertEqual(tries[HELPER], 1)
        if helper_at + 1 < len(keys):
            self.assertEqual(tries[keys[helper_at + 1]], 4, "one success, and the retries are back")

    def test_a_4xx_fails_the_item_at_once_and_the_receivers_words_are_kept(self):
        rec = self.receiver(lambda key, n: {"status": 400, "body": "unknown rule helper"} if key == HELPER
                            else 200)
        self.configure(rec.url())
        r = self.notify()
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 7, failed 1 (will retry), parked 0\n")
        self.assertEqual(rec.keys().count(HELPER), 1, "a 4xx is not retried within the run")
        row = [row for row in self.outbox() if row[0] == HELPER][0]
        self.assertIsNone(row[4])
        self.assertEqual(row[2], 1)
        self.assertIn("HTTP 400", row[3])
        self.assertIn("unknown rule helper", row[3])
        self.assertIn(HELPER, r.err)
        self.assertIn("HTTP 400", r.err)

    def test_408_and_429_are_retried_within_the_run(self):
        rec = self.receiver(lambda key, n: [408, 429, 200][min(n, 2)])
        self.configure(rec.url())
        r = self.notify()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(rec.keys()), 3 * ITEMS)

    def test_a_redirect_is_not_followed(self):
        rec = self.receiver(lambda key, n: {"status": 302, "headers": {"Location": "/elsewhere"}})
        self.configure(rec.url())
        r = self.notify()
        self.assertEqual(r.rc, 1, repr(r))
        self.assertTrue(all(req["path"] == "/hook" for req in rec.requests))
        self.assertEqual(len(rec.requests), ITEMS, "not retried within the run either")
        self.assertTrue(all("redirect" in row[3] for row in self.outbox()))

    def test_a_receiver_slower_than_timeout_ms_fails_the_item_which_waits_for_the_next_notify(self):
        slow = {"on": True}
        rec = self.receiver(lambda key, n: {"status": 200, "delay": 1.0} if key == HELPER and slow["on"]
                            else 200)
        self.configure(rec.url(), timeout_ms=200, retries=1)
        r = self.notify()
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 7, failed 1 (will retry), parked 0\n")
        row = [row for row in self.outbox() if row[0] == HELPER][0]
        self.assertIsNone(row[4], "an answer that came too late is no acceptance")
        self.assertIn("no answer within 200 ms", row[3])
        self.assertEqual(rec.keys().count(HELPER), 2, "tried, and retried once")
        slow["on"] = False
        r = self.notify()
        self.assertEqual(r.out, "delivered 1, failed 0 (will retry), parked 0\n")
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))


class Parking(NotifyCase):

    def test_items_that_failed_in_five_runs_are_parked_and_retry_brings_them_back(self):
        up = {"on": False}
        rec = self.receiver(lambda key, n: 200 if up["on"] else 503)
        self.configure(rec.url(), retries=0)
        for run in range(1, PARK_AFTER):
            r = self.notify()
            self.assertEqual(r.rc, 1, repr(r))
            self.assertEqual(r.out, "delivered 0, failed 8 (will retry), parked 0\n", run)
        r = self.notify()
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 0, failed 0 (will retry), parked 8\n")
        self.assertIn("parked", r.err)
        self.assertTrue(all(row[2] == PARK_AFTER for row in self.outbox()))
        sent = len(rec.keys())
        # Parked items are left alone by a plain notify, which then succeeds.
        r = self.notify()
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out, "delivered 0, failed 0 (will retry), parked 8\n")
        self.assertIn("huddle notify --retry", r.err)
        self.assertEqual(len(rec.keys()), sent, "nothing was sent")
        up["on"] = True
        self.assertEqual(self.notify().out, "delivered 0, failed 0 (will retry), parked 8\n")
        r = self.notify("--retry")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out, "delivered 8, failed 0 (will retry), parked 0\n")
        self.assertEqual(sorted(rec.accepted()), sorted(self.all_keys()))
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))

    def test_a_parked_item_that_fails_again_under_retry_stays_parked(self):
        rec = self.receiver(lambda key, n: 503)
        self.configure(rec.url(), retries=0)
        for _ in range(PARK_AFTER):
            self.notify()
        r = self.notify("--retry")
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 0, failed 0 (will retry), parked 8\n")
        self.assertTrue(all(row[2] == PARK_AFTER + 1 for row in self.outbox()))

    def test_retry_also_delivers_the_items_that_are_not_parked(self):
        rec = self.receiver()
        self.configure(rec.url())
        r = self.notify("--retry")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out, "delivered 8, failed 0 (will retry), parked 0\n")


class SeveralNotifiers(NotifyCase):

    def probe_config(self, url, fail):
        folder = os.path.join(os.path.dirname(hcli.HUDDLE), "tests", "plugins", "notify_probe")
        self.assertTrue(os.path.isdir(folder), "the test notifier is built into " + folder)
        self.write("multi.cfg", 'plugins = {\n  dirs = [ "%s" ];\n  load = [ "webhook", "notify_probe" ];\n'
                   '  webhook = { url = "%s"; backoff_ms = 1; };\n'
                   '  notify_probe = { log = "probe.log"; fail = [ %s ]; };\n};\n'
                   % (folder, url, ", ".join('"%s"' % k for k in fail)))
        return "multi.cfg"

    def probe_log(self):
        with open(os.path.join(self.tmp, "probe.log")) as f:
            return [line.split(" ", 1) for line in f.read().splitlines()]

    def test_an_item_is_delivered_only_when_every_notifier_accepted_it_and_is_resent_to_all(self):
        rec = self.receiver()
        cfg = self.probe_config(rec.url(), [HELPER])
        r = self.notify(cfg=cfg)
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.out, "delivered 7, failed 1 (will retry), parked 0\n")
        self.assertIn("notify_probe: told to refuse " + HELPER, r.err)
        self.assertEqual(sorted(rec.accepted()), sorted(self.all_keys()), "the webhook took all 8")
        row = [row for row in self.outbox() if row[0] == HELPER][0]
        self.assertIsNone(row[4], "one notifier refused it")
        self.assertEqual(row[3], "notify_probe: told to refuse " + HELPER)
        self.assertEqual(sorted(k for _, k in self.probe_log()), sorted(self.all_keys()))
        cfg = self.probe_config(rec.url(), [])
        r = self.notify(cfg=cfg)
        self.assertEqual(r.out, "delivered 1, failed 0 (will retry), parked 0\n")
        self.assertEqual(rec.accepted().count(HELPER), 2, "sent to every notifier again, with the same key")
        self.assertEqual(self.probe_log()[-1], ["1", HELPER], "the notifier learns of the earlier failed run")
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))


class Crashes(NotifyCase):

    def spawn(self, cfg="notify.cfg", db=None):
        return subprocess.Popen([hcli.HUDDLE, "notify", "--config", cfg, "--db", db or self.db],
                                cwd=self.tmp, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def copy_db(self, name):
        copy_db(os.path.join(self.tmp, self.db), os.path.join(self.tmp, name))
        return name

    def test_sigkill_at_any_moment_marks_nothing_delivered_that_was_not_accepted_and_loses_nothing(self):
        # Each first attempt is refused and each answer takes a moment, so
        # the kills land in requests, in backoffs and between items.
        rec = self.receiver(lambda key, n: {"status": 503 if n == 0 else 200, "delay": 0.03})
        self.configure(rec.url(), retries=2, backoff_ms=20, backoff_max_ms=100)
        for i, delay in enumerate([0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8]):
            db = self.copy_db("kill%d.db" % i)
            with rec.lock:
                rec.requests.clear()
            p = self.spawn(db=db)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.communicate()
            con = sqlite3.connect(os.path.join(self.tmp, db))
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            con.close()
            accepted = set(rec.accepted())
            self.assertLessEqual(self.delivered_keys(db), accepted,
                                 "killed after %.2f s: marked delivered but never accepted" % delay)
            # The next notify delivers the rest; nothing is lost.
            r = self.notify(db=db)
            self.assertEqual(r.rc, 0, repr(r))
            self.assertEqual(self.delivered_keys(db), set(self.all_keys(db)), "after a kill at %.2f s" % delay)
            self.assertEqual(set(rec.accepted()), set(self.all_keys(db)))

    def test_two_notify_runs_at_once_deliver_each_item_once(self):
        rec = self.receiver(lambda key, n: {"status": 200, "delay": 0.1})
        self.configure(rec.url())
        a, b = self.spawn(), self.spawn()
        outs = [p.communicate() + (p.returncode,) for p in (a, b)]
        for out, err, rc in outs:
            self.assertEqual(rc, 0, (out, err))
        self.assertEqual(sorted(rec.accepted()), sorted(self.all_keys()), "each item accepted exactly once")
        self.assertEqual(self.delivered_keys(), set(self.all_keys()))

    def test_a_notify_that_finds_another_running_leaves_the_work_to_it(self):
        rec = self.receiver()
        self.configure(rec.url())
        with open(os.path.join(self.tmp, self.db + "-notify.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            lock.write("4242\n")
            lock.flush()
            r = self.notify()
            self.assertEqual(r.rc, 0, repr(r))
            self.assertEqual(r.out, "another huddle notify (pid 4242) is delivering from %s; left to it\n"
                             % self.db)
            self.assertEqual(rec.keys(), [])
        self.assertEqual(self.notify().out, "delivered 8, failed 0 (will retry), parked 0\n")

    def test_a_notify_through_a_symbolic_link_to_the_database_finds_the_same_lock(self):
        rec = self.receiver()
        self.configure(rec.url())
        os.mkdir(os.path.join(self.tmp, "links"))
        os.symlink(self.db, os.path.join(self.tmp, "link.db"))
        os.symlink(os.path.join("..", "link.db"), os.path.join(self.tmp, "links", "twice.db"))
        with open(os.path.join(self.tmp, self.db + "-notify.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            lock.write("4242\n")
            lock.flush()
            for db in ("link.db", os.path.join("links", "twice.db"), os.path.join(self.tmp, "link.db")):
                r = self.notify(db=db)
                self.assertEqual(r.rc, 0, repr(r))
                self.assertEqual(r.out, "another huddle notify (pid 4242) is delivering from %s; left to it\n"
                                 % db)
            self.assertEqual(rec.keys(), [])
        self.assertEqual(self.notify(db="link.db").out, "delivered 8, failed 0 (will retry), parked 0\n")
        self.assertEqual(sorted(f for f in os.listdir(self.tmp) if f.endswith("-notify.lock")),
                         [self.db + "-notify.lock"], "one lock file, beside the database file itself")

    def test_items_queued_while_notify_runs_are_delivered_by_that_run(self):
        rec = self.receiver(lambda key, n: {"status": 200, "delay": 0.2})
        self.configure(rec.url())
        p = self.spawn()
        while not rec.keys():
            time.sleep(0.01)
        con = sqlite3.connect(os.path.join(self.tmp, self.db), timeout=30)
        con.execute("INSERT INTO outbox (run_id, idempotency_key, kind, subject_kind, subject_id, rule, "
                    "payload, created_at) VALUES (1, 'late', 'recognition', 'rep', 1, 'late', '{}', 'now')")
        con.commit()
        con.close()
        out, err = p.communicate()
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(out.decode(), "delivered 9, failed 0 (will retry), parked 0\n")
        self.assertEqual(rec.accepted()[-1], "late")


class Setup(NotifyCase):

    def test_without_a_notifier_notify_exits_3_and_says_to_load_the_webhook_plugin(self):
        r = self.huddle("notify", "--db", self.db)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("no notifier plugin is loaded", r.err)
        self.assertIn("plugins.webhook.url", r.err)
        self.assertEqual(r.out, "")
        self.assertTrue(all(row[2] == 0 and row[4] is None for row in self.outbox()))

    def test_a_webhook_plugin_left_out_of_plugins_load_is_named(self):
        self.write("csv.cfg", 'plugins = { load = [ "csv" ]; };\n')
        r = self.notify(cfg="csv.cfg")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("not named in plugins.load", r.err)

    BAD = [
        ("url = 5;", "plugins.webhook.url must be a string"),
        ('url = "ftp://127.0.0.1/hook";', 'has the scheme "ftp"; only http:// and https:// URLs'),
        ('url = "127.0.0.1:8080/hook";', "is not a URL"),
        ('url = "http://127.0.0.1/hook"; timeout_ms = "fast";', "plugins.webhook.timeout_ms must be a whole"),
        ('url = "http://127.0.0.1/hook"; retries = 11;', "plugins.webhook.retries must be a whole number"),
        ('url = "http://127.0.0.1/hook"; headers = [ "Authorization: x" ];', "headers must be a group"),
        ('url = "http://127.0.0.1/hook"; headers = { Authorization = 5; };',
         "plugins.webhook.headers.Authorization must be a string"),
        ('url = "http://127.0.0.1/hook"; headers = { Content-Type = "text/plain"; };',
         "sets Content-Type, which the webhook plugin sets itself"),
        ('timeout_ms = 100;', "plugins.webhook has no url"),
    ]

    def bad_config(self, setting):
        text = 'plugins = {\n  load = [ "webhook" ];\n  webhook = {\n    %s  # BAD\n  };\n};\n' % setting
        self.write("bad.cfg", text)
        return "bad.cfg", line_of(text, "# BAD")

    def test_a_bad_webhook_config_refuses_the_plugin_with_the_line_and_the_reason(self):
        for setting, message in self.BAD:
            with self.subTest(setting=setting):
                cfg, line = self.bad_config(setting)
                r = self.notify(cfg=cfg)
                self.assertEqual(r.rc, 3, repr(r))
                self.assertIn("plugin webhook refused", r.err)
                self.assertIn(message, r.err)
                self.assertRegex(r.err, r":%d: plugins\.webhook" % (line if "no url" not in message else line - 1))
                self.assertIn("no notifier plugin is loaded", r.err)
                listing = self.ok("plugins", "--config", cfg).out
                self.assertIn("REFUSED", listing)
                self.assertIn(message, listing)

    def test_a_bad_webhook_config_names_the_config_file(self):
        cfg, line = self.bad_config("url = 5;")
        r = self.notify(cfg=cfg)
        # As every config message does: the file as it was named, and the line.
        self.assertIn("%s:%d: plugins.webhook.url" % (cfg, line), r.err)
        r = self.notify(cfg=os.path.join(self.tmp, cfg))
        self.assertIn("%s:%d: plugins.webhook.url" % (os.path.join(self.tmp, cfg), line), r.err)

    def test_an_unknown_webhook_setting_is_a_warning_with_its_line(self):
        rec = self.receiver()
        text = webhook_config(rec.url()).replace("retries", "retires")
        self.write("typo.cfg", text)
        r = self.notify(cfg="typo.cfg")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertRegex(r.err, r":%d: unknown key 'retires' in plugins\.webhook" % line_of(text, "retires"))

    def test_credentials_never_appear_in_messages(self):
        rec = self.receiver(lambda key, n: 503)
        url = "http://hook:s3cret@127.0.0.1:%d/hook?token=t0ken" % rec.port
        self.write("secret.cfg", webhook_config(url, retries=0, headers='{ Authorization = "Bearer hunter2"; }'))
        r = self.notify(cfg="secret.cfg")
        self.assertEqual(r.rc, 1, repr(r))
        auth = {k.lower(): v for k, v in rec.requests[0]["headers"].items()}["authorization"]
        self.assertEqual(auth, "Bearer hunter2", "the configured header wins over the URL's user")
        self.assertIn("token=t0ken", rec.requests[0]["path"])
        shown = r.both + "".join(row[3] for row in self.outbox()) + self.ok("plugins", "--config",
                                                                             "secret.cfg").out
        self.assertIn("http://127.0.0.1:%d/hook" % rec.port, shown)
        for secret in ("s3cret", "t0ken", "hunter2"):
            self.assertNotIn(secret, shown)

    def test_usage_says_what_retry_and_the_exit_statuses_mean(self):
        out = self.ok("help", "notify").out
        self.assertTrue(out.startswith("usage: huddle notify [--retry]"))
        self.assertIn("--retry", out)
        self.assertIn("parked", out)
        self.assertIn("1 when some item failed", out)
        self.assertEqual(self.ok("notify", "--help").out, out)
        self.fails(2, "notify", "--frobnicate")
        self.fails(2, "notify", "extra")

    def test_a_missing_database_is_refused(self):
        rec = self.receiver()
        self.configure(rec.url())
        r = self.notify(db="missing.db")
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("missing.db", r.err)


if __name__ == "__main__":
    hcli.main()
