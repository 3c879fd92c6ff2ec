"""Reading huddle's own help texts, as the man page test and the bash
completion test both need to: the commands `huddle help` lists, and the
options a command's --help offers.

The options of a command are those of its usage block (from "usage:" to the
first empty line) and of the lines that start with an option (the option
lists); an option named in the prose, such as "eval --format" in the help
of plugins, is another command's.  completions/huddle.bash reads the help
the same way, and tests/cli/test_completion.py checks that it does.
"""

import re

OPTION = re.compile(r"--[a-z][a-z0-9-]*")


def commands(overview):
    """The command names of `huddle help`, in its order."""
    names, listing = [], False
    for line in overview.splitlines():
        if line.strip() == "commands:":
            listing = True
            continue
        if listing:
            m = re.match(r"  ([a-z][a-z-]*)  ", line)
            if not m:
                break
            names.append(m.group(1))
    return names


def options(usage):
    """The options a command's --help offers, as a set of "--name"."""
    found = set()
    lines = usage.splitlines()
    in_usage = False
    for line in lines:
        if line.startswith("usage:"):
            in_usage = True
        elif not line.strip():
            in_usage = False
        if in_usage:
            found.update(OPTION.findall(line))
        else:
            m = re.match(r"\s+(--[a-z][a-z0-9-]*)", line)
            if m:
                found.add(m.group(1))
    return found
