"""Shared helpers for the command-line tests of huddle.

Every test script is run by ctest as

    python3 test_xxx.py /path/to/huddle /path/to/source

and uses these helpers to run the real executable in a fresh temporary
folder (the working directory during each test, so no huddle.cfg of a
developer leaks in), to build small databases with Python's sqlite3 and to
write rule and config files.  Standard library only.
"""

import json
import os
import pty
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HUDDLE = None  # path of the huddle executable (argv[1])
SOURCE = None  # the source tree (argv[2])

TIMEOUT = 60  # seconds; no single huddle call in these tests comes near it


class Result:
    """What one run of huddle did."""

    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err

    @property
    def both(self):
        return self.out + self.err

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "huddle %s -> exit %d\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
            " ".join(self.args), self.rc, self.out[-3000:], self.err[-3000:])


def base_env(tmp):
    """An environment with no user config and no colour unless asked."""
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, ".no-xdg")
    env["HOME"] = os.path.join(tmp, ".no-home")
    env["NO_COLOR"] = "1"
    env.pop("HUDDLE_DEBUG", None)
    return env


class HuddleTestCase(unittest.TestCase):
    """Each test runs in its own empty temporary folder."""

    maxDiff = None

    def setUp(self):
        self.old_cwd = os.getcwd()
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="huddle-cli-"))
        os.chdir(self.tmp)
        self.env = base_env(self.tmp)

    def tearDown(self):
        os.chdir(self.old_cwd)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- running huddle ------------------------------------------------

    def huddle(self, *args, env=None, stdin=None, timeout=TIMEOUT, binary=False):
        proc = subprocess.run([HUDDLE] + list(args), cwd=self.tmp, env=env or self.env,
                              stdin=subprocess.DEVNULL if stdin is None else stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if binary:
            return Result(list(args), proc.returncode, proc.stdout, proc.stderr)
        return Result(list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                      proc.stderr.decode("utf-8", "replace"))

    def run_on_terminal(self, args, env):
        """Runs huddle with stdout and stderr on a pseudo-terminal."""
        try:
            master, slave = pty.openpty()
        except OSError as e:
            self.skipTest("no pseudo-terminal here: %s" % e)
        proc = subprocess.Popen([HUDDLE] + args, cwd=self.tmp, env=env, stdin=subprocess.DEVNULL,
                                stdout=slave, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                proc.kill()
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        self.assertEqual(proc.wait(timeout=30), 0)
        return b"".join(chunks).decode("utf-8", "replace")

    # -- table ---------------------------------------------------------

    def ok(self, *args, **kw):
        """Runs huddle and fails the test unless it exits 0."""
        r = self.huddle(*args, **kw)
        self.assertEqual(r.rc, 0, repr(r))
        return r

    def fails(self, code, *args, **kw):
        """Runs huddle and fails the test unless it exits with `code`."""
        r = self.huddle(*args, **kw)
        self.assertEqual(r.rc, code, repr(r))
        return r

    # -- files -----------------------------------------------------------

    def write(self, path, text):
        full = os.path.join(self.tmp, path)
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        return full

    def read(self, path):
        with open(os.path.join(self.tmp, path), encoding="utf-8") as f:
            return f.read()

    def connect(self, db):
        con = sqlite3.connect(os.path.join(self.tmp, db))
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def init_db(self, db="team.db"):
        self.ok("init", "--db", db)
        return db

    def assertNear(self, actual, expected, msg=None, tol=1e-9):
        self.assertIsNotNone(actual, msg)
        self.assertTrue(abs(actual - expected) <= tol,
                        "%r is not within %g of %r%s" % (actual, tol, expected,
                                                         ": " + msg if msg else ""))


def known_bug(reason):
    """Marks a test that documents an engine bug: it is expected to fail
    until the bug is fixed, and then fails as an "unexpected success" so
    that the marker gets removed.  Set HUDDLE_STRICT_BUGS=1 to run such
    tests as ordinary ones."""
    if os.environ.get("HUDDLE_STRICT_BUGS") == "1":
        return lambda f: f

    def wrap(f):
        f.__doc__ = "KNOWN ENGINE BUG: " + reason
        return unittest.expectedFailure(f)
    return wrap


def line_of(text, marker):
    """The 1-based line of the first line of text containing marker."""
    for i, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return i
    raise AssertionError("marker %r not in text" % marker)


def insert(con, table, rows):
    """Inserts a list of dicts (all with the same keys) into table."""
    for row in rows:
        cols = list(row)
        con.execute("INSERT INTO %s (%s) VALUES (%s)" % (table, ", ".join(cols),
                                                          ", ".join("?" * len(cols))),
                    [row[c] for c in cols])


def main():
    """Entry point of every test script: huddle and the source dir first."""
    global HUDDLE, SOURCE
    if len(sys.argv) < 3:
        sys.stderr.write("usage: %s HUDDLE SOURCE_DIR [unittest args]\n" % sys.argv[0])
        sys.exit(2)
    HUDDLE = os.path.abspath(sys.argv[1])
    SOURCE = os.path.abspath(sys.argv[2])
    if not os.access(HUDDLE, os.X_OK):
        sys.stderr.write("%s: not an executable\n" % HUDDLE)
        sys.exit(2)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
