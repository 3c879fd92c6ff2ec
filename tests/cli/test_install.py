"""Installing huddle, and building a plugin against the installed huddle.

`cmake --install` of the build tree under test puts huddle into a temporary
prefix.  The installed huddle must run with no config at all (its rule set
and plugins found beside it, wherever the tree was installed, staged or
moved), and examples/plugin-skeleton must build out of tree against it
with nothing but pkg-config, then load and work: its Lua helper called
from a rule, its output format through `huddle eval`.

The bundled plugins checked are whatever this build tree has built
(build/plugins/*.so).  Under a sanitizer build the installed huddle and
the bundled plugins carry ASan, and the skeleton, built like any plugin
author's, does not: an uninstrumented module in an instrumented process is
fine (the other way round is not), so the test runs there too.

The man page, the bash completion and the type annotations for editors
land where man, bash-completion and the README look for them, and work
from there.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile

import hcli
import test_completion
from hcli import HuddleTestCase, Result, main

BUILD_TIMEOUT = 90  # seconds for configuring or building the skeleton

RAMP_RULES = '''
-- The skeleton plugin's helper, called the way a manager's rule would.
score "ramp_by_id" {
  weight = 1,
  doc = "huddle.skeleton.ramp over the rep's id: 0 at 0, 1 from 4",
  fn = function(rep, m) return huddle.skeleton.ramp(rep.id, 0, 4), "ramped" end,
}

score "ramp_of_nil" {
  weight = 1,
  doc = "a missing metric stays missing",
  fn = function(rep, m) return huddle.skeleton.ramp(nil, 0, 1) end,
}

score "ramp_misused" {
  weight = 1,
  doc = "lo above hi is the rule's error, not a crash",
  fn = function(rep, m) return huddle.skeleton.ramp(1, 2, 1) end,
}
'''

MARKER_RULE = '''
recognize "installed_marker" {
  doc = "only in the installed copy of the rule set",
  when = function(rep, m) return true end,
  message = "read from the installed scripts",
}
'''

# bash-completion's loader, where Debian's bash-completion package puts it.
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

PLUGIN_LINE = re.compile(r"^  (\S+)\s+(\S+)\s+(loaded|REFUSED|not loaded)\s+(/\S+)$")


def cache_value(build, key):
    """A value of the build tree's CMakeCache.txt, or None."""
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            name, _, value = line.rstrip("\n").partition("=")
            if name.split(":")[0] == key:
                return value
    return None


def run(cmd, env=None, cwd=None, timeout=BUILD_TIMEOUT):
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode:
        raise AssertionError("%s -> exit %d\n%s" % (" ".join(cmd), proc.returncode, out[-4000:]))
    return out


def plugins_listed(out):
    """`huddle plugins` as {file stem: (status, path)}."""
    found = {}
    for line in out.splitlines():
        m = PLUGIN_LINE.match(line)
        if m:
            found[os.path.basename(m.group(4))[:-3]] = (m.group(3), m.group(4))
    return found


class Install(HuddleTestCase):
    """One install and one skeleton build, shared by the tests below; a test
    that changes an installed tree works on a copy of its own."""

    @classmethod
    def setUpClass(cls):
        cls.build = os.path.dirname(hcli.HUDDLE)
        if not os.path.exists(os.path.join(cls.build, "CMakeCache.txt")):
            raise AssertionError("%s is not in a CMake build tree" % hcli.HUDDLE)
        cls.cmake = cache_value(cls.build, "CMAKE_COMMAND") or shutil.which("cmake")
        cls.pkg_config = cache_value(cls.build, "PKG_CONFIG_EXECUTABLE") or shutil.which("pkg-config")
        cls.libdir = cache_value(cls.build, "CMAKE_INSTALL_LIBDIR") or "lib"
        cls.bundled = sorted(os.path.basename(p)[:-3]
                             for p in glob.glob(os.path.join(cls.build, "plugins", "*.so")))
        cls.top = os.path.realpath(tempfile.mkdtemp(prefix="huddle-install-"))
        cls.addClassCleanup(shutil.rmtree, cls.top, ignore_errors=True)  # even if setUpClass fails
        cls.prefix = os.path.join(cls.top, "prefix")
        run([cls.cmake, "--install", cls.build, "--prefix", cls.prefix])

        # What a plugin author types, with huddle under a prefix of its own.
        cls.pc_env = dict(os.environ, PKG_CONFIG_PATH=cls.pkgconfig_dir(cls.prefix))
        cls.skeleton_build = os.path.join(cls.top, "skeleton-build")
        run([cls.cmake, "-S", os.path.join(hcli.SOURCE, "examples", "plugin-skeleton"),
             "-B", cls.skeleton_build], env=cls.pc_env)
        run([cls.cmake, "--build", cls.skeleton_build], env=cls.pc_env)
        run([cls.cmake, "--install", cls.skeleton_build], env=cls.pc_env)

    @classmethod
    def pkgconfig_dir(cls, prefix):
        return os.path.join(prefix, cls.libdir, "pkgconfig")

    @classmethod
    def plugindir(cls, prefix):
        return os.path.join(prefix, cls.libdir, "huddle", "plugins")

    def installed(self, prefix, *args):
        """Runs prefix/bin/huddle in the test's folder, with no config."""
        proc = subprocess.run([os.path.join(prefix, "bin", "huddle")] + list(args), cwd=self.tmp,
                              env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=hcli.TIMEOUT)
        return Result(list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                      proc.stderr.decode("utf-8", "replace"))

    def installed_ok(self, prefix, *args):
        r = self.installed(prefix, *args)
        self.assertEqual(r.rc, 0, repr(r))
        return r

    def demo(self, prefix):
        self.installed_ok(prefix, "demo", "--db", "team.db", "--reps", "12", "--teams", "3", "--seed", "7",
                          "--end", "2026-Q3")

    def eval(self, prefix, *args):
        return self.installed_ok(prefix, "eval", "--db", "team.db", "--period", "2026-Q3", "--as-of",
                                 "2026-09-30", "--no-save", *args)

    def copy_of_prefix(self):
        """A copy of the installed tree under another path: a moved install."""
        moved = os.path.join(self.tmp, "moved", "elsewhere")
        shutil.copytree(self.prefix, moved, symlinks=True)
        return moved

    # -- what lands where ---------------------------------------------------

    def test_install_puts_every_part_in_the_usual_place(self):
        p = self.prefix
        self.assertTrue(os.access(os.path.join(p, "bin", "huddle"), os.X_OK))
        with open(os.path.join(hcli.SOURCE, "include", "huddle", "plugin.h"), "rb") as a, \
                open(os.path.join(p, "include", "huddle", "plugin.h"), "rb") as b:
            self.assertEqual(a.read(), b.read(), "the installed plugin.h is the source's")
        scripts = sorted(os.listdir(os.path.join(hcli.SOURCE, "scripts")))
        self.assertTrue(scripts)
        self.assertEqual(sorted(os.listdir(os.path.join(p, "share", "huddle", "scripts"))), scripts)
        self.assertTrue(os.path.isfile(os.path.join(self.pkgconfig_dir(p), "huddle-plugin.pc")))
        installed = sorted(f[:-3] for f in os.listdir(self.plugindir(p)) if f.endswith(".so"))
        self.assertEqual(installed, sorted(self.bundled + ["skeleton"]))

    def same_file(self, source, installed):
        with open(os.path.join(hcli.SOURCE, source), "rb") as a, open(installed, "rb") as b:
            self.assertEqual(a.read(), b.read(), "%s is installed as it is" % source)

    def test_man_page_completion_and_editor_types_are_installed(self):
        p = self.prefix
        self.same_file("docs/huddle.1", os.path.join(p, "share", "man", "man1", "huddle.1"))
        self.same_file("completions/huddle.bash", os.path.join(p, "share", "bash-completion", "completions", "huddle"))
        for meta in ("huddle.lua", "huddle_test.lua"):
            self.same_file("scripts/meta/" + meta, os.path.join(p, "share", "huddle", "scripts", "meta", meta))
        # Beside the installed rules, never loaded as one.
        rules = [f for f in os.listdir(os.path.join(p, "share", "huddle", "scripts")) if f.endswith(".lua")]
        self.assertRegex(self.installed_ok(p, "check").out, r"(?m)^ok: %d rule files," % len(rules))

    def test_man_finds_the_installed_page(self):
        man = shutil.which("man")
        if not man:
            self.skipTest("man is not installed (Debian package man-db)")
        r = subprocess.run([man, "-w", "huddle"], env=dict(self.env, MANPATH=os.path.join(self.prefix, "share", "man")),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=hcli.TIMEOUT)
        self.assertEqual(r.stdout.decode().strip(), os.path.join(self.prefix, "share", "man", "man1", "huddle.1"),
                         r.stderr.decode())

    def test_installed_completion_completes_the_installed_huddle(self):
        comp = test_completion.Completion("test_commands_are_those_huddle_help_lists")
        comp.tmp, comp.env = self.tmp, self.env
        comp.huddle_exe = os.path.join(self.prefix, "bin", "huddle")
        test_completion.SCRIPT = os.path.join(self.prefix, "share", "bash-completion", "completions", "huddle")
        try:
            self.assertIn("explain", comp.complete(""))
            # Formats from the plugins installed beside it, the skeleton's too.
            self.assertEqual(set(comp.complete("eval", "--format", "")),
                             {"table", "json", "csv", "markdown", "html", "skeleton"})
        finally:
            test_completion.SCRIPT = None

    def test_bash_completion_loads_it_on_first_use(self):
        if not os.path.exists(BASH_COMPLETION):
            self.skipTest("bash-completion is not installed (Debian package bash-completion)")
        # What an interactive bash does at the first `huddle <TAB>`: look
        # the completion up by command name in XDG_DATA_DIRS.
        script = 'source "$1" && __load_completion huddle && complete -p huddle'
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", BASH_COMPLETION],
                           env=dict(self.env, XDG_DATA_DIRS=os.path.join(self.prefix, "share")),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=hcli.TIMEOUT)
        self.assertEqual(r.stdout.decode().strip(), "complete -F _huddle huddle", r.stderr.decode())

    def test_pkg_config_gives_the_header_lua_and_the_plugin_folder(self):
        def pc(*args):
            return run([self.pkg_config] + list(args), env=self.pc_env).strip()
        cflags = pc("--cflags", "huddle-plugin").split()
        self.assertIn("-I" + os.path.join(self.prefix, "include"), cflags)
        for flag in pc("--cflags", "lua5.4").split():
            self.assertIn(flag, cflags, "Lua's cflags come along (Requires: lua5.4)")
        self.assertEqual(pc("--libs", "huddle-plugin").split(), pc("--libs", "lua5.4").split(),
                         "a plugin links Lua and nothing of huddle")
        self.assertEqual(pc("--variable=plugindir", "huddle-plugin"), self.plugindir(self.prefix))
        version = self.installed_ok(self.prefix, "--version").out.split()[-1]
        self.assertEqual(pc("--modversion", "huddle-plugin"), version)

    # -- the installed huddle needs no config ---------------------------------

    def test_installed_huddle_runs_demo_and_eval_with_no_config(self):
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "huddle.cfg")))
        self.demo(self.prefix)
        reps = self.eval(self.prefix, "--format", "json").json()["reps"]
        self.assertEqual(len(reps), 12)
        self.assertTrue(all(r["components"] for r in reps), "the default scores ran")
        self.assertTrue(all(not r["errors"] for r in reps), reps)

    def test_installed_huddle_lists_its_bundled_plugins_as_loaded(self):
        r = self.installed_ok(self.prefix, "plugins")
        folders = r.out.split("\n\n")[0].splitlines()[1:]
        self.assertEqual([f.strip() for f in folders], [self.plugindir(self.prefix)])
        listed = plugins_listed(r.out)
        for name in self.bundled + ["skeleton"]:
            self.assertIn(name, listed, r.out)
            self.assertEqual(listed[name], ("loaded", os.path.join(self.plugindir(self.prefix), name + ".so")),
                             r.out)
        self.assertNotIn("warning", r.err)

    def test_a_moved_install_reads_its_own_scripts_and_plugins(self):
        moved = self.copy_of_prefix()
        with open(os.path.join(moved, "share", "huddle", "scripts", "99_marker.lua"), "w") as f:
            f.write(MARKER_RULE)
        self.demo(moved)
        reps = self.eval(moved, "--format", "json").json()["reps"]
        for rep in reps:
            self.assertIn("installed_marker", [x["policy"] for x in rep["recognitions"]], rep)
        listed = plugins_listed(self.installed_ok(moved, "plugins").out)
        self.assertEqual(listed["skeleton"], ("loaded", os.path.join(self.plugindir(moved), "skeleton.so")))
        # The original tree is untouched by the marker: it reads its own.
        reps = self.eval(self.prefix, "--format", "json").json()["reps"]
        self.assertNotIn("installed_marker", [x["policy"] for x in reps[0]["recognitions"]])

    def test_destdir_stages_the_tree_for_its_final_prefix(self):
        stage = os.path.join(self.tmp, "stage")
        final = "/opt/huddle-destdir-test-%d" % os.getpid()
        run([self.cmake, "--install", self.build, "--prefix", final], env=dict(os.environ, DESTDIR=stage))
        self.assertFalse(os.path.exists(final))
        staged = stage + final
        self.assertEqual(sorted(os.listdir(stage)), [final.split("/")[1]])
        with open(os.path.join(self.pkgconfig_dir(staged), "huddle-plugin.pc"), encoding="utf-8") as f:
            self.assertIn("prefix=%s\n" % final, f.read(), "the .pc names where it will live, not the stage")
        # A staged tree runs too: it finds its scripts and plugins beside it.
        self.assertRegex(self.installed_ok(staged, "check").out, r"^ok: \d+ rule files")
        listed = plugins_listed(self.installed_ok(staged, "plugins").out)
        self.assertEqual(sorted(listed), self.bundled)
        self.assertTrue(all(s == "loaded" and p.startswith(staged) for s, p in listed.values()), listed)

    # -- the skeleton, built against the installed header -----------------------

    def test_skeleton_helper_is_callable_from_a_rule(self):
        self.demo(self.prefix)
        self.write("ramp.lua", RAMP_RULES)
        reps = self.eval(self.prefix, "--rules", "ramp.lua", "--format", "json").json()["reps"]
        self.assertEqual(len(reps), 12)
        for rep in reps:
            comps = {c["rule"]: c for c in rep["components"]}
            errors = {e["rule"]: e["message"] for e in rep["errors"]}
            self.assertEqual(comps["ramp_by_id"]["value"], min(rep["id"], 4) / 4, rep)
            self.assertEqual(comps["ramp_by_id"]["why"], "ramped")
            self.assertIsNone(comps["ramp_of_nil"]["value"])
            self.assertNotIn("ramp_of_nil", errors)
            self.assertIn("must be below hi", errors.get("ramp_misused", ""), rep)

    def expected_lines(self, doc):
        """What --format skeleton should print, from the JSON of the same run."""
        def line(card, team):
            s = "#%d " % card["rank"] if card["rank"] else "#- "
            s += card["name"] if card["name"] is not None else "(name hidden)"
            if team:
                s += " (%s)" % team
            s += " %.1f" % card["score"] if card["score"] is not None else " no score"
            if "members" in card:
                s += ", %d members" % card["members"]
            if card["recognitions"]:
                s += "; recognised: " + ", ".join(x["policy"] for x in card["recognitions"])
            if card["coaching"]:
                s += "; coaching: %d" % len(card["coaching"])
            if card["errors"]:
                s += "; rule errors: %d" % len(card["errors"])
            return s
        run_ = doc["run"]
        return (["Scorecards %s, as of %s" % (run_["period"], run_["as_of"])]
                + [line(t, None) for t in doc["teams"]] + [line(r, r["team"]) for r in doc["reps"]])

    def test_skeleton_reporter_prints_one_line_per_team_and_rep(self):
        self.demo(self.prefix)
        for audience in ("manager", "team"):
            doc = self.eval(self.prefix, "--audience", audience, "--format", "json").json()
            out = self.eval(self.prefix, "--audience", audience, "--format", "skeleton").out
            self.assertEqual(out.splitlines(), self.expected_lines(doc), audience)
            if audience == "manager":
                self.assertIn("; coaching: ", out, "the demo data has coaching items to leave out below")
            else:
                self.assertNotIn("coaching", out)

    def test_skeleton_reads_its_config_group(self):
        self.demo(self.prefix)
        self.write("huddle.cfg", "database = \"team.db\";\nplugins = { skeleton = { top = 3; }; };\n")
        out = self.eval(self.prefix, "--format", "skeleton").out.splitlines()
        self.assertEqual(len([l for l in out if " (" in l]), 3, out)

        self.write("huddle.cfg", "database = \"team.db\";\nplugins = { skeleton = { top = 3; tpo = 1; }; };\n")
        r = self.eval(self.prefix, "--format", "skeleton")
        self.assertIn("huddle.cfg:2: plugins.skeleton.tpo is not a setting of this plugin", r.err)

        self.write("huddle.cfg", "database = \"team.db\";\nplugins = {\n  skeleton = { top = 0; };\n};\n")
        r = self.installed_ok(self.prefix, "plugins")
        self.assertEqual(plugins_listed(r.out)["skeleton"][0], "REFUSED", r.out)
        self.assertIn("huddle.cfg:3: plugins.skeleton.top must be a whole number of at least 1", r.out)

    def test_skeleton_loads_from_plugins_dirs_without_installing(self):
        # A tree staged without the skeleton; its build folder named in the config.
        stage = os.path.join(self.tmp, "stage")
        run([self.cmake, "--install", self.build, "--prefix", "/usr/local"], env=dict(os.environ, DESTDIR=stage))
        staged = stage + "/usr/local"
        self.write("huddle.cfg", 'database = "team.db";\nplugins = { dirs = [ "%s" ]; };\n' % self.skeleton_build)
        listed = plugins_listed(self.installed_ok(staged, "plugins").out)
        self.assertEqual(listed["skeleton"], ("loaded", os.path.join(self.skeleton_build, "skeleton.so")))
        self.demo(staged)
        self.assertTrue(self.eval(staged, "--format", "skeleton").out.startswith("Scorecards 2026-Q3, as of "))


if __name__ == "__main__":
    main()
