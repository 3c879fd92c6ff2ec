"""The man page, docs/huddle.1, says what the executable does.

Each command that `huddle help` lists has its section (.SS "huddle NAME"),
which mentions every option the command's --help offers and no option the
command lacks; the environment variables and config keys the code reads are
documented, as are the exit statuses of core/err.h; and groff (and man, when
there) render the page without a warning.

Rendering needs groff (Debian: groff-base) and, for `man -l`, man-db; the
tests that need them say which package is missing rather than fail.
"""

import glob
import os
import re
import shutil
import subprocess

import hcli
import helptext
from hcli import HuddleTestCase, main

COMMON = {"--config", "--db", "--help"}  # every command takes them (cli.h)


def man_text():
    with open(os.path.join(hcli.SOURCE, "docs", "huddle.1"), encoding="utf-8") as f:
        return f.read()


def plain(roff):
    """roff source as the words it shows: \\- is -, fonts and specials go."""
    s = roff.replace("\\-", "-").replace("\\&", "").replace("\\c", "")
    s = re.sub(r"\\f[BIRP]", "", s)
    s = re.sub(r"\\\(\w\w", " ", s)
    return s


def sections(roff, macro):
    """{title: body} for each `.SH` or `.SS` heading."""
    out, title, body = {}, None, []
    for line in roff.splitlines():
        m = re.match(r"\.(SH|SS) +\"?([^\"]*)\"?$", line)
        if m:
            if title is not None:
                out[title] = "\n".join(body)
            title, body = (m.group(2) if m.group(1) == macro else None), []
            continue
        body.append(line)
    if title is not None:
        out[title] = "\n".join(body)
    return out


class ManPage(HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.roff = man_text()
        self.commands = helptext.commands(self.ok("help").out)
        self.assertIn("eval", self.commands)
        self.man = {}
        for title, body in sections(self.roff, "SS").items():
            m = re.match(r"huddle (\w+)$", title)
            if m:
                self.man[m.group(1)] = plain(body)

    def help_options(self, command):
        return helptext.options(self.ok(command, "--help").out)

    def test_every_command_has_its_section(self):
        self.assertEqual(set(self.commands) - set(self.man), set(), "commands the man page does not describe")
        self.assertEqual(set(self.man) - set(self.commands), set(),
                         "sections for commands huddle does not have")

    def test_each_section_mentions_every_option_of_its_command(self):
        for command in self.commands:
            with self.subTest(command=command):
                mentioned = set(helptext.OPTION.findall(self.man[command]))
                self.assertEqual(self.help_options(command) - mentioned, set(),
                                 "options of 'huddle %s --help' missing from its man section" % command)

    def test_no_section_names_an_option_its_command_lacks(self):
        for command in self.commands:
            with self.subTest(command=command):
                mentioned = set(helptext.OPTION.findall(self.man[command]))
                self.assertEqual(mentioned - self.help_options(command) - COMMON, set(),
                                 "options in the man section of %s that its --help does not offer" % command)

    def test_environment_variables_read_are_documented(self):
        read = set()
        for path in glob.glob(os.path.join(hcli.SOURCE, "core", "*.c")) + \
                glob.glob(os.path.join(hcli.SOURCE, "plugins", "*", "*.c")):
            with open(path, encoding="utf-8") as f:
                read.update(re.findall(r'getenv\("(\w+)"\)', f.read()))
        self.assertIn("HUDDLE_SQL_TRACE", read)
        env = sections(self.roff, "SH")["ENVIRONMENT"]
        documented = set(re.findall(r"(?m)^\.B (\w+)$", env))
        self.assertEqual(documented, read)

    def test_config_keys_read_are_documented(self):
        with open(os.path.join(hcli.SOURCE, "core", "config.c"), encoding="utf-8") as f:
            keys = set(re.findall(r'strcmp\(k, "(\w+)"\)', f.read()))
        self.assertIn("fiscal_year_start", keys)
        words = set(re.findall(r"\w+", plain(sections(self.roff, "SH")["CONFIGURATION"])))
        self.assertEqual(keys - words, set(), "config keys the man page does not name")

    def test_exit_statuses_are_those_of_err_h(self):
        with open(os.path.join(hcli.SOURCE, "core", "err.h"), encoding="utf-8") as f:
            codes = {0} | {-int(n) for n in re.findall(r"HD_E\w+ = (-\d+)", f.read())}
        listed = {int(n) for n in re.findall(r"(?m)^\.B (\d+)$", sections(self.roff, "SH")["EXIT STATUS"])}
        self.assertEqual(listed, codes)

    def test_groff_renders_it_without_warnings(self):
        groff = shutil.which("groff")
        if not groff:
            self.skipTest("groff is not installed (Debian package groff-base)")
        page = os.path.join(hcli.SOURCE, "docs", "huddle.1")
        r = subprocess.run([groff, "-man", "-ww", "-z", page], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=hcli.TIMEOUT)
        self.assertEqual((r.returncode, r.stderr.decode()), (0, ""))
        r = subprocess.run([groff, "-man", "-Tutf8", page], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=hcli.TIMEOUT, env=dict(self.env, MANWIDTH="80"))
        text = re.sub(r".\x08", "", r.stdout.decode("utf-8"))
        for command in self.commands:
            self.assertIn("huddle %s" % command, text)

    def test_man_renders_it_without_warnings(self):
        man = shutil.which("man")
        if not man:
            self.skipTest("man is not installed (Debian package man-db)")
        page = os.path.join(hcli.SOURCE, "docs", "huddle.1")
        r = subprocess.run([man, "--warnings", "-l", page], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=hcli.TIMEOUT, env=dict(self.env, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
        self.assertEqual((r.returncode, r.stderr.decode()), (0, ""))
        self.assertIn("EXIT STATUS", r.stdout.decode("utf-8", "replace"))


if __name__ == "__main__":
    main()
