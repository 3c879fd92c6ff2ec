#!/usr/bin/env python3
"""help, usage errors and exit statuses of the command line (SPEC section 3)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hcli

COMMANDS = ["init", "demo", "eval", "explain", "check", "test"]


class Help(hcli.HuddleTestCase):

    def test_help_command_prints_the_usage_of_each_command(self):
        for cmd in COMMANDS:
            r = self.ok("help", cmd)
            self.assertTrue(r.out.startswith("usage: huddle %s" % cmd), r.out[:80])
            self.assertEqual(r.err, "")

    def test_dash_dash_help_prints_the_same_usage(self):
        for cmd in COMMANDS:
            r = self.ok(cmd, "--help")
            self.assertEqual(r.out, self.ok("help", cmd).out, cmd)

    def test_help_after_other_options_still_prints_usage_and_does_nothing(self):
        r = self.ok("eval", "--db", "missing.db", "--help")
        self.assertIn("usage: huddle eval", r.out)
        r = self.ok("demo", "--db", "x.db", "--help")
        self.assertIn("usage: huddle demo", r.out)
        import os
        self.assertFalse(os.path.exists("x.db"))

    def test_eval_usage_names_every_option(self):
        out = self.ok("help", "eval").out
        for opt in ("--period", "--as-of", "--team", "--format", "--output", "--no-save", "--strict",
                    "--rules", "--audience"):
            self.assertIn(opt, out)

    def test_help_alone_lists_the_commands(self):
        for args in (["help"], ["--help"], ["-h"]):
            r = self.ok(*args)
            for cmd in COMMANDS:
                self.assertRegex(r.out, r"(?m)^\s+%s\s" % cmd)

    def test_version(self):
        r = self.ok("--version")
        self.assertEqual(r.out.strip(), "huddle 0.1.0")

    def test_no_arguments_is_a_usage_error_that_shows_the_commands(self):
        r = self.fails(2)
        self.assertIn("usage: huddle COMMAND", r.err)
        self.assertEqual(r.out, "")

    def test_unknown_command_is_a_usage_error(self):
        r = self.fails(2, "evaluate")
        self.assertIn("evaluate", r.err)
        self.assertIn("huddle help", r.err)

    def test_help_for_an_unknown_command_is_a_usage_error(self):
        r = self.fails(2, "help", "frobnicate")
        self.assertIn("frobnicate", r.err)

    def test_unknown_option_is_a_usage_error_pointing_to_help(self):
        for cmd in COMMANDS:
            r = self.fails(2, cmd, "--frobnicate")
            self.assertIn("huddle %s --help" % cmd, r.err, cmd)

    def test_missing_option_argument_is_a_usage_error(self):
        for args in (["eval", "--period"], ["eval", "--format"], ["demo", "--reps"], ["check", "--rules"]):
            self.fails(2, *args)

    def test_unexpected_argument_is_a_usage_error(self):
        self.fails(2, "eval", "2026-Q3")
        self.fails(2, "check", "extra")


if __name__ == "__main__":
    hcli.main()
