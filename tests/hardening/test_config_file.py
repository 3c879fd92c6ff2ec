#!/usr/bin/env python3
"""The config file cannot crash, hang or fool huddle: rows C1-C6 of
shared/SANDBOX-CHECKLIST.md against Debian's libconfig 1.5 (SPEC sections
4 and 11).  Every refusal exits 3, names the file (and line where there is
one), and leaves the database as it was."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hardening  # noqa: E402  (first: puts tests/cli on sys.path)

import os

from hardening import PERIOD

RULE = ('score "p" { weight = 1, doc = "x", fn = function(rep, m)\n'
        '  return 1, tostring(huddle.param("big")) .. " " .. tostring(huddle.param("ratio")) end }\n')


class ConfigFile(hardening.Case):

    def setUp(self):
        super().setUp()
        self.write("rules/p.lua", RULE)

    def eval(self, config="c.cfg", timeout=20):
        return self.huddle("eval", "--config", config, "--db", "team.db", "--no-save", "--format", "json",
                           *PERIOD, timeout=timeout)

    def refused(self, text, *needles, config="c.cfg", line=None):
        """Writes text as the config, runs eval and checks it is refused
        with exit 3 and a message naming the file (and line), the needles,
        and the database untouched."""
        if text is not None:
            with open(os.path.join(self.tmp, config), "wb") as f:
                f.write(text if isinstance(text, bytes) else text.encode())
            os.chmod(os.path.join(self.tmp, config), 0o644)
        before = self.fingerprint()
        r = self.eval(config)
        self.assertEqual(r.rc, 3, repr(r))
        where = "%s:%d:" % (config, line) if line else config + ":"
        self.assertIn(where, r.err)
        for n in needles:
            self.assertIn(n, r.err)
        self.assertEqual(r.out, "", "nothing was evaluated")
        self.assertUnchanged(before)
        return r

    def test_C1_include_of_a_folder_is_refused_and_huddle_does_not_exit_from_the_scanner(self):
        # Stock libconfig 1.5 calls exit(2) from flex for @include ".".
        r = self.refused('scripts = [ "rules" ];\n@include "."\n', "@include is not supported", line=2)
        self.assertNotIn("flex scanner", r.err)
        self.refused('  @include "rules"\n', "@include", line=1)

    def test_C2_include_of_a_fifo_or_a_device_is_refused_without_hanging(self):
        os.mkfifo(os.path.join(self.tmp, "fifo"))
        for target in ("fifo", os.path.join(self.tmp, "fifo"), "/dev/zero", "/dev/stdin"):
            self.refused('scripts = [ "rules" ];\n\n@include "%s"\n' % target, "@include", line=3)
        # The config itself may not be a FIFO or a device either.
        self.refused(None, "not a regular file", config="fifo")
        os.symlink("/dev/zero", os.path.join(self.tmp, "zero.cfg"))
        self.refused(None, "not a regular file", config="zero.cfg")

    def test_C3_include_path_traversal_is_refused_and_reads_nothing(self):
        for target in ("../../etc/shadow", "/etc/passwd", "rules/../../../etc/passwd"):
            r = self.refused('@include "%s"\n' % target, "@include", line=1)
            self.assertNotIn("root:", r.err)
            self.assertNotIn("/etc/passwd:", r.err, "no oracle on other files either")

    def test_C4_out_of_range_integers_are_refused(self):
        cases = [('sandbox = { memory_mb = 4294967297; };', "4294967297"),   # libconfig: 1
                 ('sandbox = {\n  time_ms = 99999999999999999999; };', "99999999999999999999"),  # -1
                 ('sandbox = { sql_ms = 0xFFFFFFFFFF; };', "0xFFFFFFFFFF"),  # -1
                 ('sandbox = { instructions = 0xFFFFFFFF; };', "0xFFFFFFFF"),  # -1
                 ('rules = { params = { big = 99999999999999999999L; }; };', "99999999999999999999L"),
                 ('rules = { params = { big = 2147483648; }; };', "2147483648"),
                 ('sandbox = { memory_mb = -1; };', "memory_mb"),
                 ('fiscal_year_start = 4294967297;', "4294967297")]
        for text, needle in cases:
            line = text.count("\n") + 1
            self.refused("# the config\n" + text + "\n", needle, line=line + 1)
        # Non-finite floats: 1e400 parses as inf, nan is no number at all.
        self.refused('rules = { params = { ratio = 1e400; }; };\n', "1e400 is not a finite number", line=1)
        self.refused('rules = { weights = { p = -1e999; }; };\n', "not a finite number", line=1)
        self.refused('rules = { params = { ratio = nan; }; };\n', "syntax error", line=1)
        # What does fit is read exactly: 64-bit with the L suffix, in range.
        self.write("c.cfg", 'scripts = [ "rules" ];\n'
                   'rules = { params = { big = 4294967297L; ratio = 2.5e-3; }; };\n'
                   'sandbox = { instructions = 5000000000L; memory_mb = 0x40; };\n')
        os.chmod("c.cfg", 0o644)
        r = self.eval()
        self.assertEqual(r.rc, 0, repr(r))
        why = [c for c in r.json()["reps"][0]["components"] if c["rule"] == "p"][0]["why"]
        self.assertEqual(why, "4294967297.0 0.0025")

    def test_C5_oversized_nested_or_binary_configs_are_refused_cleanly(self):
        # The size is checked before anything is read: a sparse 200 MB file.
        with open("big.cfg", "wb") as f:
            f.write(b'output = { format = "')
            f.truncate(200 * 1024 * 1024)
        os.chmod("big.cfg", 0o644)
        self.refused(None, "larger than 1024 KiB", config="big.cfg")
        self.refused("x = " + "{ a = " * 20000 + "1" + "; }" * 20000 + ";\n", "c.cfg:1:")
        self.refused("x = " + "(" * 100000 + ";\n", "c.cfg:1:")
        self.refused(b'period = "2026-Q3";\nscripts = [ "rules" ];\x00\n@include "/etc/passwd"\n',
                     "NUL byte", line=2)
        self.refused(bytes(range(1, 256)) * 8, "c.cfg:")

    def test_C6_a_config_others_can_write_or_own_is_refused(self):
        self.write("c.cfg", 'scripts = [ "rules" ];\n')
        for mode in (0o666, 0o646, 0o602):
            os.chmod("c.cfg", mode)
            self.refused(None, "other users can write", "chmod go-w", config="c.cfg")
        for mode in (0o644, 0o600, 0o400):
            os.chmod("c.cfg", mode)
            self.assertEqual(self.eval().rc, 0, "mode %o is fine" % mode)
        # The file found in the working folder is checked the same way.
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')
        os.chmod("huddle.cfg", 0o666)
        r = self.huddle("eval", "--db", "team.db", "--no-save", *PERIOD)
        self.assertEqual(r.rc, 3, repr(r))
        self.assertIn("huddle.cfg: refusing a config file that other users can write", r.err)
        if os.geteuid() != 0:
            self.skipTest("giving a file to another user or group needs root")
        # Group-writable is refused for a shared group, and fine for the
        # owner's private group (umask 002 with user private groups).
        os.chmod("c.cfg", 0o664)
        os.chown("c.cfg", 0, 65534)
        self.refused(None, "other users can write", "mode 664", config="c.cfg")
        os.chown("c.cfg", 0, 0)
        self.assertEqual(self.eval().rc, 0, "root's own group holds nobody else")
        # Owned by another user: refused whatever the mode.
        os.chmod("c.cfg", 0o644)
        os.chown("c.cfg", 65534, 65534)
        self.refused(None, "owned by another user", "uid 65534", config="c.cfg")


if __name__ == "__main__":
    hardening.main()
