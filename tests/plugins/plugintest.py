"""Helpers for the plugin tests: put built test plugins into a folder of
the test's own, point a config at it, read `huddle plugins` and the
marker file the test plugins write (src/marker.h).

The test plugins are built by tests/plugins/CMakeLists.txt into the
folder named by HUDDLE_TEST_PLUGINS; each test copies the ones it needs
into `plugins/` under its temporary folder (its working directory).  The
configs name them in plugins.load, with the bundled stats plugin, so
that the default rule set (team_balance reads huddle.stats) runs whole.

Standard library only; builds on ../cli/hcli.py.
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
sys.dont_write_bytecode = True

import hcli  # noqa: E402
from hcli import insert  # noqa: E402,F401

BUILT = os.environ.get("HUDDLE_TEST_PLUGINS", "")
PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]
ENTRY = re.compile(r"^  (\S+)\s+(\S+)\s+(loaded|REFUSED|not loaded)\s+(/\S+)$")


def built(stem):
    path = os.path.join(BUILT, stem + ".so")
    if not os.path.isfile(path):
        raise AssertionError("%s is not built (HUDDLE_TEST_PLUGINS=%r)" % (path, BUILT))
    return path


class Entry:
    """One plugin file as `huddle plugins` shows it."""

    def __init__(self, name, version, status, path):
        self.name, self.version, self.status, self.path = name, version, status, path
        self.lines = []

    @property
    def text(self):
        return "\n".join(self.lines)

    def __repr__(self):
        return "%s %s %s %s\n      %s" % (self.name, self.version, self.status, self.path, self.text)


def listing(out):
    """The plugins of a `huddle plugins` output, keyed by file path."""
    entries, cur = {}, None
    for line in out.splitlines():
        m = ENTRY.match(line)
        if m:
            cur = Entry(*m.groups())
            entries[cur.path] = cur
        elif cur is not None and line.startswith("      "):
            cur.lines.append(line.strip())
        elif not line.strip():
            cur = None
    return entries


class PluginCase(hcli.HuddleTestCase):
    """A test in its own folder, with a demo database shared by the class."""

    @classmethod
    def setUpClass(cls):
        cls.shared = os.path.realpath(tempfile.mkdtemp(prefix="huddle-plugins-"))
        cls.demo = os.path.join(cls.shared, "demo.db")
        case = hcli.HuddleTestCase()
        case.setUp()
        try:
            r = case.huddle("demo", "--db", cls.demo, "--reps", "30", "--end", "2026-Q3", "--seed", "7")
            if r.rc != 0:
                raise AssertionError(repr(r))
        finally:
            case.tearDown()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.marker = os.path.join(self.tmp, "marks.txt")
        self.env["HUDDLE_TEST_MARKER"] = self.marker

    # -- plugins and config ----------------------------------------------

    def install(self, stem, folder="plugins", as_name=None):
        """Copies a built test plugin into folder (created 0755), mode 0644."""
        d = os.path.join(self.tmp, folder)
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
        dest = os.path.join(d, (as_name or stem) + ".so")
        shutil.copyfile(built(stem), dest)
        os.chmod(dest, 0o644)
        return dest

    def configure(self, load, dirs=("plugins",), extra=""):
        """huddle.cfg naming the folders and the plugins to load (plus stats)."""
        names = list(load) + (["stats"] if "stats" not in load else [])
        self.write("huddle.cfg",
                   "plugins = {\n  dirs = [ %s ];\n  load = [ %s ];\n%s};\n"
                   % (", ".join('"%s"' % d for d in dirs), ", ".join('"%s"' % n for n in names), extra))

    def plugins(self):
        """Runs `huddle plugins` (it must exit 0) and parses it."""
        r = self.ok("plugins")
        return r, listing(r.out)

    def entry(self, path):
        r, entries = self.plugins()
        self.assertIn(path, entries, repr(r))
        return r, entries[path]

    def marks(self):
        if not os.path.exists(self.marker):
            return []
        with open(self.marker) as f:
            return f.read().splitlines()

    def clear_marks(self):
        if os.path.exists(self.marker):
            os.remove(self.marker)

    # -- evaluation -------------------------------------------------------

    def eval_demo(self, *extra):
        """huddle eval of the shared demo database, JSON, not saved."""
        return self.huddle("eval", "--db", self.demo, "--format", "json", "--no-save", *PERIOD, *extra)

    def assert_demo_complete(self, r):
        """The default rule set ran for everyone, team_balance (stats) included."""
        self.assertEqual(r.rc, 0, repr(r))
        out = r.json()
        self.assertGreater(len(out["reps"]), 20, repr(r))
        self.assertGreater(len(out["teams"]), 0)
        for s in out["reps"] + out["teams"]:
            self.assertEqual(s["errors"], [], "%s: %r" % (s["name"], s["errors"]))
        for t in out["teams"]:
            self.assertIn("team_balance", [c["rule"] for c in t["components"]])
        return out
