"""Every reason huddle refuses a plugin, each with its own small broken
plugin (src/broken.c).  For each: `huddle plugins` lists the file as
REFUSED with the reason, and `huddle eval` of a demo database still
completes, the whole default rule set included, with a warning on
standard error that names the plugin.

    python3 test_refusals.py /path/to/huddle /path/to/source
"""

import os
import re

import plugintest
from plugintest import PluginCase

ABI = "1.0"


class Refusals(PluginCase):

    def refused(self, stem, *reasons, name=None, path=None):
        """Installs stem (unless path is given), checks both commands."""
        path = path or self.install(stem)
        name = name or stem
        self.configure([name])
        r, e = self.entry(path)
        self.assertEqual(e.status, "REFUSED", repr(r))
        for reason in reasons:
            self.assertIn(reason, e.text, repr(r))
        self.assertIn("plugin %s refused: %s: " % (name, path), r.err)
        ev = self.eval_demo()
        self.assert_demo_complete(ev)
        self.assertIn("plugin %s refused: %s: %s" % (name, path, e.text), ev.err)
        return e

    # -- the descriptor ----------------------------------------------------

    def test_a_plugin_for_another_abi_major_is_refused(self):
        self.refused("major_next", "built for plugin ABI 2.0, but this huddle has %s: rebuild it against "
                     "this huddle's plugin.h" % ABI)

    def test_a_plugin_for_a_newer_abi_minor_is_refused(self):
        self.refused("minor_newer", "built for plugin ABI 1.1, newer than this huddle's %s: upgrade huddle, "
                     "or rebuild the plugin against this huddle's plugin.h" % ABI)

    def test_a_shared_object_without_the_descriptor_is_refused(self):
        self.refused("no_symbol", "it exports no huddle_plugin_descriptor; is it a huddle plugin built with "
                     "HUDDLE_PLUGIN(...)?")

    def test_a_plugin_built_for_another_lua_is_refused(self):
        e = self.refused("bad_build", 'built for "lua 5.3; pointer 8; long 8; lua int long long; lua float '
                         'double", but this huddle is "lua 5.4;', "rebuild it on this machine")
        self.assertEqual(e.version, "-")

    def test_a_plugin_with_an_undefined_symbol_is_refused_at_load(self):
        self.refused("undefined", "cannot load it: undefined symbol: huddle_test_no_such_function")
        self.assertEqual([m for m in self.marks() if m.startswith("undefined")], [])

    # -- init -----------------------------------------------------------

    def test_a_failing_init_is_refused_with_its_message(self):
        self.refused("init_fails", "its init failed: needs plugins.init_fails.token; add it to the config")

    def test_registering_one_name_twice_fails_init(self):
        self.refused("twice", "its init failed: cannot register Lua function version: plugin twice already "
                     "registered one of that name")

    def test_a_second_plugin_of_the_same_name_is_refused(self):
        first = self.install("dup_a")
        second = self.install("dup_b")
        self.configure(["dup_a", "dup_b"])  # plugins.load names files
        r, entries = self.plugins()
        self.assertEqual(entries[first].status, "loaded", repr(r))
        self.assertEqual(entries[second].status, "REFUSED", repr(r))
        self.assertEqual(entries[second].text, "a plugin named dup is already loaded from %s" % first)
        ev = self.eval_demo()
        self.assert_demo_complete(ev)
        self.assertIn("plugin dup refused: %s: a plugin named dup is already loaded" % second, ev.err)

    def test_a_plugin_named_like_a_field_of_huddle_is_refused(self):
        path = self.install("taken_db")
        self.configure(["taken_db"])
        r, entries = self.plugins()
        self.assertEqual(entries[path].status, "REFUSED", repr(r))
        self.assertEqual(entries[path].text,
                         'its name "db" is taken by huddle.db, which rules use; rename the plugin')
        ev = self.eval_demo()
        self.assert_demo_complete(ev)
        self.assertIn("plugin taken_db refused: %s: its name \"db\" is taken" % path, ev.err)

    def test_a_plugin_named_like_a_key_of_the_plugins_group_is_refused(self):
        path = self.install("taken_load")
        self.configure(["taken_load"])
        r, entries = self.plugins()
        self.assertEqual(entries[path].status, "REFUSED", repr(r))
        self.assertEqual(entries[path].text,
                         'its name "load" is taken by plugins.load of the config; rename the plugin')

    def test_plugins_load_names_files_and_a_file_it_names_is_not_reported_missing(self):
        # other.so's descriptor is named "other"; installed as renamed.so.
        path = self.install("other", as_name="renamed")
        self.configure(["renamed"])
        r, entries = self.plugins()
        self.assertEqual(entries[path].status, "loaded", repr(r))
        self.assertEqual(entries[path].name, "other", repr(r))
        self.assertNotIn("plugins.load names", r.err)

    def test_a_plugin_left_mapped_by_a_refused_one_is_not_taken_for_the_next(self):
        # nodelete.so stays mapped after it is refused; its /proc/self/fd/N
        # name must not answer for other.so, loaded after it.
        bad = self.install("nodelete", as_name="aaa")
        good = self.install("other", as_name="bbb")
        self.configure(["aaa", "bbb"])
        r, entries = self.plugins()
        self.assertEqual(entries[bad].status, "REFUSED", repr(r))
        self.assertIn("built for plugin ABI 9.0", entries[bad].text)
        self.assertEqual(entries[good].status, "loaded", repr(r))
        self.assertEqual(entries[good].name, "other", repr(r))

    def test_a_hard_link_to_a_loaded_plugin_does_not_hide_the_next_one(self):
        first = self.install("fine", folder="d1", as_name="aaa")
        d2 = os.path.join(self.tmp, "d2")
        os.makedirs(d2, mode=0o755)
        os.chmod(d2, 0o755)
        link = os.path.join(d2, "aaa_old.so")
        os.link(first, link)
        good = self.install("other", folder="d2", as_name="bbb")
        self.configure(["aaa", "aaa_old", "bbb"], dirs=("d1", "d2"))
        r, entries = self.plugins()
        self.assertEqual(entries[first].status, "loaded", repr(r))
        self.assertEqual(entries[link].status, "REFUSED", repr(r))
        self.assertIn("a plugin named fine is already loaded from %s" % first, entries[link].text)
        self.assertEqual(entries[good].status, "loaded", repr(r))
        self.assertEqual(entries[good].name, "other", repr(r))

    def test_registering_after_init_is_refused_and_changes_nothing(self):
        self.install("late")
        self.configure(["late"])
        self.write("rules/late.lua", '''score "too_late" { weight = 1, doc = "registers after init",
  fn = function(rep, m)
    local rc = huddle.late.register()
    return 0.5, string.format("rc %d, sneaky %s, version %s", rc, tostring(huddle.late.sneaky),
                              huddle.late.version())
  end }
''')
        r, e = self.entry(os.path.join(self.tmp, "plugins", "late.so"))
        self.assertEqual(e.status, "loaded")
        ev = self.eval_demo("--rules", "rules/late.lua")
        out = self.assert_demo_complete(ev)
        for rep in out["reps"]:
            c = [c for c in rep["components"] if c["rule"] == "too_late"]
            self.assertEqual(c, [{"rule": "too_late", "value": 0.5, "raw": 0.5, "weight": 1,
                                  "why": "rc -1, sneaky nil, version 1.0.0"}])

    # -- where the file is, who owns it -----------------------------------

    def test_a_plugin_in_a_world_writable_folder_is_refused(self):
        path = self.install("fine")
        os.chmod(os.path.dirname(path), 0o777)
        self.refused("fine", "its folder %s is writable by other users (mode 777); plugins are code, so it "
                     "must belong to you or root and be writable by nobody else" % os.path.dirname(path),
                     path=path)

    def test_a_world_writable_plugin_file_is_refused(self):
        path = self.install("fine")
        os.chmod(path, 0o666)
        self.refused("fine", "the file is writable by other users (mode 666)", path=path)

    def test_a_group_writable_plugin_file_is_refused(self):
        path = self.install("fine")
        if os.geteuid() != 0:
            self.skipTest("needs root: only root can give the file to a group it shares with others")
        os.chown(path, 0, 65534)  # nogroup: not root's private group
        os.chmod(path, 0o664)
        self.refused("fine", "the file is writable by other users (mode 664)", path=path)

    def test_a_plugin_file_owned_by_another_user_is_refused(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: only root can give a file to another user (nobody)")
        path = self.install("fine")
        os.chown(path, 65534, 65534)
        self.refused("fine", "the file is owned by another user (uid 65534), not by you or root", path=path)

    def test_a_symlinked_plugin_file_is_refused(self):
        target = self.install("fine", folder="elsewhere")
        os.makedirs(os.path.join(self.tmp, "plugins"))
        link = os.path.join(self.tmp, "plugins", "fine.so")
        os.symlink(target, link)
        self.refused("fine", "a symbolic link; name the file it points to in plugins.dirs instead", path=link)
        self.assertEqual(self.marks(), [])


if __name__ == "__main__":
    plugintest.hcli.main()
