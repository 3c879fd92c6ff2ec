"""Rows P1-P6 of SANDBOX-CHECKLIST.md (dlopen plugins), one test each,
through the real executable.  The test plugins mark (src/marker.h) their
constructor, init, fini and destructor in a file, so that a test can tell
which of their code ran, and in what order.

    python3 test_sandbox_rows.py /path/to/huddle /path/to/source
"""

import os
import re
import shutil
import subprocess
import threading

import plugintest
from plugintest import PluginCase


class PluginRows(PluginCase):

    def status(self, path):
        r, e = self.entry(path)
        return e

    def test_P1_plugins_anyone_else_could_write_are_refused(self):
        cases = []
        # A world-writable file; a world-writable folder, sticky or not.
        path = self.install("fine", folder="file666")
        os.chmod(path, 0o666)
        cases.append(("file666", path, "the file is writable by other users (mode 666)"))
        for folder, mode in (("dir777", 0o777), ("dir1777", 0o1777)):
            path = self.install("fine", folder=folder)
            os.chmod(os.path.dirname(path), mode)
            cases.append((folder, path, "its folder %s is writable by other users (mode 777)"
                          % os.path.dirname(path)))
        # A folder above the plugin's that another user owns.
        if os.geteuid() == 0:
            path = self.install("fine", folder="theirs/mine")
            os.chown(os.path.join(self.tmp, "theirs"), 65534, 65534)
            cases.append(("theirs/mine", path, "its folder %s is owned by another user (uid 65534), not "
                          "by you or root" % os.path.join(self.tmp, "theirs")))
        else:
            print("P1: the folder owned by another user needs root to chown it to nobody; not tried")
        # A symbolic link to a plugin that would be fine.
        target = self.install("fine", folder="real")
        os.makedirs(os.path.join(self.tmp, "linked"))
        link = os.path.join(self.tmp, "linked", "fine.so")
        os.symlink(target, link)
        cases.append(("linked", link, "a symbolic link; name the file it points to in plugins.dirs instead"))
        for folder, path, why in cases:
            with self.subTest(folder):
                self.clear_marks()
                self.configure(["fine"], dirs=(folder,))
                e = self.status(path)
                self.assertEqual(e.status, "REFUSED", e)
                self.assertIn(why, e.text)
                # Refused before dlopen: not even its constructor ran.
                self.assertEqual(self.marks(), [])

    def test_P2_the_file_checked_is_the_file_loaded(self):
        # plugins/swap.so flips between a good plugin (version "checked")
        # and a symbolic link to another build of it (version "evil") in
        # a folder anyone can write.  A loader that checked one and then
        # opened the path again could load the evil one; huddle opens the
        # file once (O_NOFOLLOW) and loads that descriptor.
        good = plugintest.built("swap_checked")
        evil_dir = os.path.join(self.tmp, "anyone")
        os.makedirs(evil_dir)
        os.chmod(evil_dir, 0o777)
        evil = os.path.join(evil_dir, "swap.so")
        shutil.copyfile(plugintest.built("swap_evil"), evil)
        os.chmod(evil, 0o666)
        d = os.path.join(self.tmp, "plugins")
        os.makedirs(d)
        checked = os.path.join(d, ".checked")
        shutil.copyfile(good, checked)
        os.chmod(checked, 0o644)
        target = os.path.join(d, "swap.so")
        os.link(checked, target)
        self.configure(["swap"])
        stop = threading.Event()

        def flip():
            n = 0
            while not stop.is_set():
                tmp = os.path.join(d, ".next")
                if n % 2:
                    os.link(checked, tmp)
                else:
                    os.symlink(evil, tmp)
                os.replace(tmp, target)
                n += 1

        t = threading.Thread(target=flip)
        t.start()
        seen = {}
        try:
            for _ in range(40):
                r = subprocess.run([plugintest.hcli.HUDDLE, "plugins"], cwd=self.tmp, env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
                self.assertEqual(r.returncode, 0)
                e = plugintest.listing(r.stdout.decode()).get(target)
                outcome = e.status + " " + e.version if e else "(not found)"
                seen[outcome] = seen.get(outcome, 0) + 1
        finally:
            stop.set()
            t.join()
        print("P2 outcomes over 40 runs: %r" % seen)
        self.assertFalse([o for o in seen if "evil" in o], seen)

    def test_P3_abi_mismatch_is_refused_without_calling_the_plugin(self):
        cases = (("major_zero", "built for plugin ABI 0.0, but this huddle has 1.0"),
                 ("major_next", "built for plugin ABI 2.0, but this huddle has 1.0"),
                 ("short_desc", "its huddle_plugin_descriptor is not a descriptor of plugin ABI 1 "
                                "(%d bytes of object, %d declared, at least %d needed)"),
                 ("tiny_desc", "its huddle_plugin_descriptor is not a descriptor of plugin ABI 1 "
                               "(4 bytes of object, %d declared"),
                 ("no_symbol", "it exports no huddle_plugin_descriptor"))
        for stem, why in cases:
            with self.subTest(stem):
                self.clear_marks()
                path = self.install(stem)
                self.configure([stem])
                e = self.status(path)
                self.assertEqual(e.status, "REFUSED", e)
                if "%d" in why:
                    self.assertRegex(e.text, re.escape(why).replace("%d", r"\d+"))
                else:
                    self.assertIn(why, e.text)
                # dlopen ran its constructor (P5); nothing of it was called after.
                self.assertEqual(self.marks(), ["%s constructor" % stem, "%s destructor" % stem])

    def test_P4_names_a_plugin_exports_do_not_interpose(self):
        # interpose.so exports malloc, sqlite3_open_v2 and lua_pushstring,
        # each of which aborts: with RTLD_LOCAL neither huddle nor the
        # plugin itself ever calls them.
        self.install("interpose")
        self.configure(["interpose"])
        self.write("rules/echo.lua", '''score "echo" { weight = 1, doc = "through lua_pushstring",
  fn = function(rep, m) return 0.5, huddle.interpose.echo("said " .. rep.id) end }
''')
        r = self.eval_demo("--rules", "rules/echo.lua")
        out = self.assert_demo_complete(r)
        for rep in out["reps"]:
            self.assertIn({"rule": "echo", "value": 0.5, "raw": 0.5, "weight": 1, "why": "said %d" % rep["id"]},
                          rep["components"])
        self.assertEqual(self.marks(), [])
        # The same scorecards as without it.
        os.remove(os.path.join(self.tmp, "plugins", "interpose.so"))
        self.write("rules/echo.lua", 'score "echo" { weight = 1, doc = "the same without the plugin", '
                   'fn = function(rep, m) return 0.5, "said " .. rep.id end }\n')
        again = self.eval_demo("--rules", "rules/echo.lua").json()
        del out["run"], again["run"]
        self.assertEqual(out, again)

    def test_P4_bundled_plugins_use_the_shared_lua_and_sqlite(self):
        # Two copies of Lua on one lua_State, or of SQLite on one connection,
        # corrupt them: every bundled plugin must take both from the shared
        # libraries (DT_NEEDED), define none of their functions and export
        # nothing but its descriptor.
        if not shutil.which("readelf") or not shutil.which("nm"):
            self.skipTest("needs readelf and nm (binutils)")
        folder = os.path.join(os.path.dirname(plugintest.hcli.HUDDLE), "plugins")
        found = sorted(f for f in os.listdir(folder) if f.endswith(".so"))
        self.assertIn("stats.so", found)
        for f in found + ["../tests/plugins/built/tally.so"]:
            with self.subTest(f):
                path = os.path.join(folder, f)
                needed = self.tool("readelf", "-d", path)
                defined = [line.split()[-1] for line in self.tool("nm", "-D", "--defined-only", path).splitlines()]
                undefined = [line.split()[-1] for line in self.tool("nm", "-D", "--undefined-only", path).splitlines()]
                # Names starting with _ are the toolchain's (sanitizers, ...).
                self.assertEqual([s for s in defined if not s.startswith("_")], ["huddle_plugin_descriptor"])
                if any(s.startswith("lua") for s in undefined):
                    self.assertIn("[liblua5.4.so.0]", needed)
                if any(s.startswith("sqlite3_") for s in undefined):
                    self.assertIn("[libsqlite3.so.0]", needed)

    def tool(self, *args):
        return subprocess.run(args, stdout=subprocess.PIPE, check=True).stdout.decode()

    def test_P5_checks_made_before_dlopen_keep_constructors_from_running(self):
        # A constructor runs inside dlopen, before any check of the
        # descriptor (inherent: plugins must be trusted, docs say so); so
        # every check of where the file is and who may write it comes
        # first.  A refusal after dlopen (the ABI) has run the
        # constructor, but never init.
        path = self.install("fine")
        os.chmod(path, 0o666)
        self.configure(["fine"])
        self.assertEqual(self.status(path).status, "REFUSED")
        self.assertEqual(self.marks(), [])
        os.chmod(path, 0o644)
        os.chmod(os.path.dirname(path), 0o777)
        self.assertEqual(self.status(path).status, "REFUSED")
        self.assertEqual(self.marks(), [])
        os.chmod(os.path.dirname(path), 0o755)
        self.assertEqual(self.status(path).status, "loaded")
        self.assertEqual(self.marks(), ["fine constructor", "fine init", "fine fini", "fine destructor"])
        self.clear_marks()
        path = self.install("major_next")
        self.configure(["major_next"])
        self.assertEqual(self.status(path).status, "REFUSED")
        self.assertEqual(self.marks(), ["major_next constructor", "major_next destructor"])

    def test_P6_a_plugin_is_never_unloaded_and_nothing_it_registered_outlives_a_failed_init(self):
        # reg_fails registers a function and a metric, then its init
        # fails: they are dropped, and the plugin is not unloaded, since
        # init may have left something behind that points into it.
        self.install("reg_fails")
        fine = self.install("fine")
        self.configure(["reg_fails", "fine"])
        r, entries = self.plugins()
        self.assertEqual(entries[fine].status, "loaded")
        self.assertIn("its init failed: gave up after registering",
                      entries[os.path.join(self.tmp, "plugins", "reg_fails.so")].text)
        self.assertNotIn("leftover", r.out)
        # Loaded in name order; reg_fails stays mapped after its refusal:
        # its destructor runs at exit, after fine's fini (which the host
        # calls once, before it exits), not when init failed.
        marks = self.marks()
        self.assertEqual(marks[:5], ["fine constructor", "fine init", "reg_fails constructor", "reg_fails init",
                                     "fine fini"])
        self.assertEqual(sorted(marks[5:]), ["fine destructor", "reg_fails destructor"])  # at exit
        # Rules cannot reach what it registered.
        self.write("rules/left.lua", '''score "fn" { weight = 1, doc = "its function",
  fn = function(rep, m) return 0.5, tostring(huddle.reg_fails) end }
score "metric" { weight = 1, doc = "its metric", fn = function(rep, m) return m.leftover_metric end }
''')
        r = self.ok("check", "--list", "--db", self.demo)
        self.assertNotIn("leftover", r.out)
        r = self.fails(3, "check", "--db", self.demo, "--rules", "rules/left.lua")
        self.assertIn("rules/left.lua:3: score 'metric': unknown metric 'leftover_metric' in m.leftover_metric",
                      r.out.splitlines())
        self.clear_marks()
        r = self.eval_demo("--rules", "rules/left.lua")
        self.assertEqual(r.rc, 0, repr(r))
        for rep in r.json()["reps"]:
            self.assertIn({"rule": "fn", "value": 0.5, "raw": 0.5, "weight": 1, "why": "nil"}, rep["components"])
            self.assertEqual([(e["rule"], e["message"]) for e in rep["errors"]],
                             [("metric", "unknown metric 'leftover_metric'")])
        # fine's fini, once, after everything else it did; in the host only.
        marks = self.marks()
        self.assertEqual([m for m in marks if m.startswith("fine")],
                         ["fine constructor", "fine init", "fine fini", "fine destructor"])


if __name__ == "__main__":
    plugintest.hcli.main()
