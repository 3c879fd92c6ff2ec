"""huddle eval --format html: the bundled html plugin's report, and plugin
formats in general.

The page is checked as a file a manager can mail around: one file that
refers to nothing outside itself, well-formed, every name escaped; as a
report: every rep and team, the recognitions, each team's group target,
the momentum numbers equal to a separate run of the previous period,
coaching only for the manager, no names beside ranks on an anonymous
board; and as a page: headless Chromium renders it without a console
message and saves a screenshot into the build folder for a person to
look at (skipped when chromium is not installed).

Formats of a plugin of the tests' own (tests/plugins/reporters) check
what the host does around any reporter: a failure is an error naming the
plugin and its reason, exit 4, and --output keeps the file it had.
"""

import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

import fixture  # noqa: E402
import hcli  # noqa: E402
from hcli import HuddleTestCase  # noqa: E402

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
MINUS = "\u2212"


# -- reading the page -------------------------------------------------------

class Node:
    """An element of the parsed page."""

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


class Page(html.parser.HTMLParser):
    """The page as a tree; `problems` lists what is not well-formed: an end
    tag that closes something else, an element never closed, a
    self-closing tag outside SVG."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur, self.problems, self.doctype, self.attrs = self.root, [], None, []
        self.feed(text)
        self.close()
        while self.cur is not self.root:
            self.problems.append("<%s> is never closed" % self.cur.tag)
            self.cur = self.cur.parent

    def in_svg(self):
        n = self.cur
        while n is not None:
            if n.tag == "svg":
                return True
            n = n.parent
        return False

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and not (self.in_svg() or tag == "svg"):
            self.problems.append("<%s/> self-closed outside SVG, line %d" % (tag, self.getpos()[0]))
        self.cur.children.append(Node(tag, attrs, self.cur))
        self.attrs.extend((tag, k, v) for k, v in attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.problems.append("</%s> closes <%s>, line %d" % (tag, self.cur.tag, self.getpos()[0]))
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)

    def text(self):
        """The text a reader sees: everything but the style sheet."""
        return "".join(c if isinstance(c, str) else ("" if c.tag == "style" else node_text(c))
                       for c in self.root.children)

    def find_all(self, *a, **kw):
        return self.root.find_all(*a, **kw)

    def find(self, *a, **kw):
        return self.root.find(*a, **kw)


def node_text(n):
    return "".join(c if isinstance(c, str) else ("" if c.tag == "style" else node_text(c)) for c in n.children)


def one_decimal(v):
    return "%.1f" % v


def delta_text(d):
    """How the page writes a change of score."""
    if abs(d) < 0.05:
        return "\u00b10.0"
    return ("+" if d > 0 else MINUS) + "%.1f" % abs(d)


def percent(won, target):
    """How the page writes attainment: whole percent, and short of the
    target never 100%."""
    v = 100 * won / target
    return "99%" if won < target and v >= 99.5 else "%.0f%%" % v


def by_id(items):
    return {x["id"]: x for x in items}


class PageChecks:
    """Checks shared by the fixture's and the demo's reports."""

    def parse(self, text):
        page = Page(text)
        self.assertEqual(page.problems, [], "the page is not well-formed")
        return page

    def assertSelfContained(self, text, page):
        self.assertTrue(text.startswith("<!DOCTYPE html>"), text[:80])
        self.assertEqual(page.doctype.lower(), "doctype html")
        for tag in ("html", "head", "body", "style"):
            self.assertEqual(len(page.find_all(tag)), 1, "one <%s>" % tag)
        self.assertEqual(len(page.find("head").find_all("title")), 1)
        # Nothing to fetch: no scripts, frames, images, objects or links to
        # style sheets, and no attribute that points outside the page.
        for tag in ("script", "iframe", "img", "object", "embed", "link", "image", "use", "audio", "video"):
            self.assertEqual(page.find_all(tag), [], "a <%s> in the page" % tag)
        for tag, name, value in page.attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data", "formaction"):
                self.assertTrue((value or "").startswith("#"), "%s %s=%r points outside the page" % (tag, name, value))
            self.assertFalse(name.startswith("on"), "an event handler %s on <%s>" % (name, tag))
            if name == "style":
                self.assertNotIn("url(", value)
        css = page.find("style").text()
        self.assertNotIn("@import", css)
        self.assertNotIn("url(", css)
        self.assertNotIn("@font-face", css)
        self.assertGreater(len(page.find_all("svg")), 0, "no inline SVG chart")

    def rep_rows(self, page):
        """Leaderboard chart rows and table rows, by rep id."""
        rows = {}
        for n in page.find_all():
            if "data-rep" in n.attrs:
                rows.setdefault(int(n.attrs["data-rep"]), []).append(n)
        return rows

    def assertMomentum(self, page, now, prev):
        """Every rep's change on the page is its score in `now` (a JSON
        run) against its score in `prev` (a JSON run of the previous
        period), and so is every team's."""
        rows = self.rep_rows(page)
        before = by_id(prev["reps"])
        checked = 0
        for rep in now["reps"]:
            if rep["score"] is None:
                continue
            self.assertIn(rep["id"], rows, "rep %s has no row" % rep["name"])
            for row in rows[rep["id"]]:
                dl = row.find(cls="dl")
                old = before.get(rep["id"])
                if old is None or old["score"] is None:
                    self.assertIn("new", dl.classes, rep["name"])
                    continue
                want = "Previous period: " + one_decimal(old["score"])
                if old["rank"]:
                    want += ", ranked %d" % old["rank"]
                self.assertEqual(dl.attrs.get("title"), want, rep["name"])
                self.assertEqual(dl.text(), delta_text(rep["score"] - old["score"]), rep["name"])
                checked += 1
        self.assertGreater(checked, 0)
        teams_before = by_id(prev["teams"])
        for team in now["teams"]:
            old = teams_before.get(team["id"])
            if team["score"] is None or old is None or old["score"] is None:
                continue
            head = page.find("section", id="team-%d" % team["id"]).find(cls="team-head")
            self.assertEqual(head.find(cls="dl").text(), delta_text(team["score"] - old["score"]), team["name"])

    def assertScores(self, page, now):
        """Each rep's score to one decimal, and its bar's parts adding up
        to it."""
        rows = self.rep_rows(page)
        for rep in now["reps"]:
            for row in rows.get(rep["id"], []):
                score = row.find(cls="sc") or row.find("b")
                self.assertEqual(score.text(), one_decimal(rep["score"]) if rep["score"] is not None else "\u2014")
                bar = row.find("svg", cls="stack")
                if bar is None:
                    continue
                parts = sum(float(r.attrs["width"]) for r in bar.find_all("rect"))
                self.assertAlmostEqual(parts, rep["score"] or 0, delta=0.05 * len(rep["components"]) + 0.05)


# -- the hand-made fixture ------------------------------------------------------

PLUGINS_HTML = '\nplugins = { load = [ "html" ]; };\n'


class FixtureReport(PageChecks, HuddleTestCase):
    """The report of tests/cli/fixture.py's team, whose numbers are known."""

    def setUp(self):
        super().setUp()
        fixture.build(self)
        self.write("main.cfg", fixture.CONFIG + PLUGINS_HTML)

    def run_json(self, *args, period=fixture.PERIOD):
        return self.ok("eval", "--config", "main.cfg", "--db", "team.db", *period, "--format", "json", "--no-save",
                       *args).json()

    def report(self, *args, config="main.cfg", out="report.html"):
        self.ok("eval", "--config", config, "--db", "team.db", *fixture.PERIOD, "--format", "html", "--output", out,
                *args)
        text = self.read(out)
        return text, self.parse(text)

    def test_one_file_that_refers_to_nothing_outside_itself(self):
        text, page = self.report()
        self.assertSelfContained(text, page)
        self.assertEqual(os.listdir(self.tmp).count("report.html"), 1)
        self.assertEqual([f for f in os.listdir(self.tmp) if ".tmp" in f], [])

    def test_every_rep_and_team_is_named(self):
        _, page = self.report()
        text = page.text()
        for rep in fixture.EXPECTED_REPS:
            self.assertIn(rep["name"], text)
        for team in fixture.EXPECTED_TEAMS:
            self.assertIn(team["name"], text)
            self.assertIsNotNone(page.find("section", id="team-%d" % team["id"]))
        # Inactive Finn and not-yet-hired Hal are no subjects.
        self.assertNotIn("Finn", text)
        self.assertNotIn("Hal", text)

    def test_scores_to_one_decimal_with_their_components(self):
        _, page = self.report()
        self.assertScores(page, self.run_json())
        # Ana: attain 50 x 1, growth 20 x 1, activity 30 x 0.8 = 94.0, in
        # three parts of 50, 20 and 24 points.
        ana = self.rep_rows(page)[1][0]
        self.assertEqual(ana.find(cls="sc").text(), "94.0")
        widths = [float(r.attrs["width"]) for r in ana.find("svg", cls="stack").find_all("rect")]
        self.assertEqual(widths, [50.0, 20.0, 24.0])

    def test_group_target_beside_each_leaderboard(self):
        _, page = self.report()
        con = self.connect("team.db")
        for team in fixture.EXPECTED_TEAMS:
            # Won by every rep of the team in the period, as the default
            # team rules count it (Hal's deal too: he belongs to West).
            won = con.execute("SELECT SUM(d.amount) FROM deals d JOIN reps r ON r.id = d.rep_id WHERE r.team_id = ?"
                              " AND d.stage = 'won' AND d.closed_on >= '2026-07-01' AND d.closed_on < '2026-10-01'",
                              (team["id"],)).fetchone()[0]
            target = con.execute("SELECT amount FROM team_targets WHERE team_id = ?", (team["id"],)).fetchone()[0]
            section = page.find("section", id="team-%d" % team["id"])
            grid = section.find(cls="grid2")
            board, goal = grid.find(cls="board"), grid.find(cls="target")
            self.assertIsNotNone(board, team["name"])
            self.assertIsNotNone(goal, team["name"])
            self.assertEqual(goal.find("text", cls="ring-pct").text(), percent(won, target))
        con.close()
        self.assertEqual(page.find("section", id="team-1").find("text", cls="ring-pct").text(), "150%")
        self.assertEqual(page.find("section", id="team-2").find("text", cls="ring-pct").text(), "40%")

    def test_recognitions_are_shown(self):
        _, page = self.report()
        text = page.text()
        now = self.run_json()
        messages = [r["message"] for s in now["reps"] + now["teams"] for r in s["recognitions"]]
        self.assertEqual(len(messages), 5)
        for m in messages:
            self.assertIn(m, text)

    def test_coaching_and_rule_errors_only_for_the_manager(self):
        _, page = self.report()
        text = page.text()
        self.assertIn("Plan call blocks with Dev; calls so far: 2", text)
        self.assertIn("Pipeline review with Mia", text)
        self.assertIn("no activity feed for Dev", text)
        # East has the coaching items (and the team's own), West none: no
        # empty section for West.
        self.assertEqual(len(page.find("section", id="team-2").find_all(cls="coach")), 1)
        self.assertEqual(page.find("section", id="team-1").find_all(cls="coach"), [])
        self.assertIn("Manager view", text)

        _, page = self.report("--audience", "team", out="team.html")
        text = page.text()
        self.assertNotIn("Plan call blocks", text)
        self.assertNotIn("Pipeline review", text)
        self.assertNotIn("no activity feed", text)
        self.assertNotIn("Coaching", text)
        self.assertEqual(page.find_all(cls="coach"), [])
        self.assertEqual(page.find_all(cls="alert"), [])
        self.assertIn("Team view", text)
        # What the team may see is all there.
        self.assertIn("Ana closed 2 deals at 1.20 of quota", text)
        self.assertIn("Ana", text)

    def test_anonymous_leaderboard_has_no_names_beside_ranks(self):
        self.write("anon.cfg", fixture.CONFIG + PLUGINS_HTML + 'output = { leaderboard = "anonymous"; };\n')
        now = self.run_json()
        _, page = self.report("--audience", "team", config="anon.cfg", out="anon.html")
        labels = []
        for rows in self.rep_rows(page).values():
            for row in rows:
                cell = row.find(cls="nm") or row.find_all("td")[1]
                label = "".join(c for c in cell.children if isinstance(c, str)).strip()  # not the star
                labels.append(label)
                self.assertRegex(label, r"^(Rep #\d+|Unranked rep)$")
        self.assertEqual(len(labels), len(now["reps"]))
        # The ranks are the org-wide ones.
        self.assertIn("Rep #1", labels)
        self.assertIn("Unranked rep", labels)
        for mover in page.find_all(cls="movers"):
            self.assertNotRegex(mover.text(), "Ana|Ben|Cara|Dev|Eve|Gil")
        # A recognition names its rep (that is its point) but no rank.
        text = page.text()
        self.assertIn("Ana closed 2 deals", text)
        self.assertNotIn("in the team", text)
        self.assertNotIn("in the org", text)

        # A manager sees the names even with an anonymous board.
        _, page = self.report(config="anon.cfg", out="manager.html")
        self.assertIn("Ana", page.find(cls="board").text())

    def test_momentum_matches_a_run_of_the_previous_period(self):
        _, page = self.report()
        now = self.run_json()
        prev = self.run_json(period=["--period", "2026-Q2"])
        self.assertEqual(prev["run"]["period"], "2026-Q2")
        self.assertMomentum(page, now, prev)
        # Hand-checked: Ben scored 57 now; in Q2 his 2500 had no quota and
        # no previous wins: growth ratio 1 (0.5) and no calls, 50.0.
        ben = self.rep_rows(page)[2][0].find(cls="dl")
        self.assertEqual(ben.attrs["title"].split(",")[0], "Previous period: 50.0")
        self.assertEqual(ben.text(), "+7.0")

    def test_the_previous_period_is_never_saved(self):
        self.report()  # saved: no --no-save
        con = self.connect("team.db")
        runs = con.execute("SELECT period FROM runs").fetchall()
        con.close()
        self.assertEqual(runs, [("2026-Q3",)])

    def test_folds_the_rest_of_a_team_below_its_chart(self):
        self.write("top.cfg", fixture.CONFIG + '\nplugins = { load = [ "html" ]; html = { top = 2; title = '
                   '"West & East <huddle>"; }; };\n')
        text, page = self.report(config="top.cfg", out="top.html")
        west = page.find("section", id="team-1")
        self.assertEqual(len(west.find(cls="board").find_all(cls="row")), 2)
        rest = west.find("details", cls="rest")
        self.assertEqual([int(r.attrs["data-rep"]) for r in rest.find_all("tr") if "data-rep" in r.attrs], [3])
        self.assertEqual(page.find("h1").text(), "West & East <huddle>")
        self.assertIn("West &amp; East &lt;huddle&gt;", text)

    def test_bad_settings_refuse_the_plugin(self):
        self.write("bad.cfg", fixture.CONFIG + '\nplugins = { load = [ "html" ]; html = { top = "many"; }; };\n')
        r = self.fails(2, "eval", "--config", "bad.cfg", "--db", "team.db", *fixture.PERIOD, "--format", "html")
        self.assertIn("plugin html refused", r.err)
        self.assertIn("bad.cfg:%d: plugins.html.top must be a whole number from 1 to 1000"
                      % hcli.line_of(self.read("bad.cfg"), "top"), r.err)
        self.assertIn("unknown format 'html'", r.err)

    def test_team_filter_shows_one_team(self):
        _, page = self.report("--team", "East", out="east.html")
        text = page.text()
        for name in ("Dev", "Eve", "Gil", "East"):
            self.assertIn(name, text)
        for name in ("Ana", "Ben", "Cara"):
            self.assertNotIn(name, text)
        self.assertIsNone(page.find("section", id="team-1"))

    def test_output_format_from_the_config(self):
        self.write("fmt.cfg", fixture.CONFIG + PLUGINS_HTML + 'output = { format = "html"; };\n')
        r = self.ok("eval", "--config", "fmt.cfg", "--db", "team.db", *fixture.PERIOD, "--no-save")
        self.assertTrue(r.out.startswith("<!DOCTYPE html>"))
        self.parse(r.out)

    def test_names_and_messages_are_escaped(self):
        con = self.connect("team.db")
        con.execute("UPDATE reps SET name = '<script>alert(1)</script>' WHERE id = 1")
        con.execute("UPDATE reps SET name = 'O''Neil & \"Sons\"' WHERE id = 5")
        con.execute("UPDATE teams SET name = 'R&D <West>' WHERE id = 1")
        con.commit()
        con.close()
        text, page = self.report()
        self.assertNotIn("<script", text.lower())
        self.assertEqual(page.find_all("script"), [])
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", text)
        shown = page.text()
        self.assertIn("<script>alert(1)</script>", shown)
        self.assertIn("<script>alert(1)</script> closed 2 deals", shown)  # a message with the name
        self.assertIn("O'Neil & \"Sons\" helped East", shown)
        self.assertIn("R&D <West>", shown)
        self.assertNotIn("R&D <West>", text)
        self.assertNotIn("O'Neil", text)

    def test_unknown_format_names_the_plugin_formats(self):
        r = self.fails(2, "eval", "--config", "main.cfg", "--db", "team.db", *fixture.PERIOD, "--format", "pdf")
        self.assertIn("unknown format 'pdf': use table, json, csv, markdown or html", r.err)
        self.write("fmt.cfg", fixture.CONFIG + PLUGINS_HTML + 'output = { format = "pdf"; };\n')
        r = self.fails(3, "eval", "--config", "fmt.cfg", "--db", "team.db", *fixture.PERIOD)
        self.assertIn("fmt.cfg:%d: output.format: unknown format 'pdf': use table, json, csv, markdown or html"
                      % hcli.line_of(self.read("fmt.cfg"), "pdf"), r.err)


# -- what the host does around any plugin format ---------------------------------

def test_plugins():
    return os.path.join(os.path.dirname(hcli.HUDDLE), "tests", "plugins", "reporters")


class PluginFormats(HuddleTestCase):
    """Formats of testrep (tests/plugins/reporters), which fail on purpose
    or print what they are handed."""

    def setUp(self):
        super().setUp()
        fixture.build(self)
        if not os.path.isfile(os.path.join(test_plugins(), "testrep.so")):
            self.fail("testrep.so is not built in %s" % test_plugins())
        self.write("main.cfg", fixture.CONFIG + '\nplugins = { dirs = [ "%s" ]; load = [ "testrep" ]; };\n'
                   % test_plugins())

    def eval(self, code, *args):
        return self.fails(code, "eval", "--config", "main.cfg", "--db", "team.db", *fixture.PERIOD, *args)

    def test_a_failing_reporter_names_the_plugin_and_keeps_the_old_file(self):
        self.write("out.html", "the report of last week\n")
        r = self.eval(4, "--format", "halfpage", "--output", "out.html")
        self.assertRegex(r.err, r"the halfpage report failed: plugin testrep \(\S+testrep\.so\): the printer is on "
                         r"fire: call the fire brigade")
        self.assertEqual(self.read("out.html"), "the report of last week\n")
        self.assertEqual([f for f in os.listdir(self.tmp) if "out.html" in f], ["out.html"])

    def test_a_reporter_that_gives_no_reason(self):
        r = self.eval(4, "--format", "mute", "--output", "new.html")
        self.assertIn("the mute report failed: plugin testrep", r.err)
        self.assertIn("(the plugin gave no reason)", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "new.html")))

    def test_a_failure_on_standard_output_is_exit_4_too(self):
        r = self.eval(4, "--format", "halfpage", "--no-save")
        self.assertIn("the printer is on fire", r.err)

    def test_the_previous_period_and_the_audience_reach_the_reporter(self):
        r = self.eval(0, "--format", "peek", "--no-save")
        lines = r.out.splitlines()
        self.assertEqual(lines[0], "period 2026-Q3 audience manager")
        self.write("json.cfg", fixture.CONFIG)
        now = self.ok("eval", "--config", "json.cfg", "--db", "team.db", *fixture.PERIOD, "--format", "json",
                      "--no-save").json()
        prev = self.ok("eval", "--config", "json.cfg", "--db", "team.db", "--period", "2026-Q2", "--format", "json",
                       "--no-save").json()

        seen = {}
        for line in lines[1:-1]:
            m = re.match(r"^(rep|team) (\d+) name=(.*) score=(\S+) prev=(\S+) recognitions=(\d+) coaching=(\d+) "
                         r"errors=(\d+)$", line)
            self.assertIsNotNone(m, line)
            seen[(m.group(1), int(m.group(2)))] = m.groups()
        for kind in ("rep", "team"):
            before = by_id(prev[kind + "s"])
            for s in now[kind + "s"]:
                g = seen[(kind, s["id"])]
                self.assertEqual(g[2], s["name"])
                self.assertEqual(float(g[3]) if g[3] != "null" else None, s["score"])
                p = before.get(s["id"])
                want = "none" if p is None else "null" if p["score"] is None else None
                if want:
                    self.assertEqual(g[4], want, s["name"])
                else:
                    self.assertEqual(float(g[4]), p["score"], s["name"])
                self.assertEqual(int(g[6]), len(s["coaching"]))
                self.assertEqual(int(g[7]), len(s["errors"]))
        # The reporter's connection reads, and refuses a write.
        self.assertEqual(lines[-1], "db reps=8 write=refused")

        # --audience team: no coaching items and no errors reach it.
        r = self.eval(0, "--format", "peek", "--no-save", "--audience", "team")
        self.assertEqual(r.out.splitlines()[0], "period 2026-Q3 audience team")
        self.assertNotRegex(r.out, r"coaching=[1-9]|errors=[1-9]")

    def test_a_worker_stopped_in_the_previous_period_leaves_this_one_alone(self):
        # The host remembers which subject's rule call it had to kill, so
        # that the next worker of the same run skips it; the previous
        # period is another run, whose subjects the memory must not reach.
        self.write("myrules/30_wait.lua", '''
score "wait" { weight = 1, doc = "busy for Ben in 2026-Q2 until someone stops it",
  fn = function(rep, m)
    if rep.id == 2 and huddle.period.label == "2026-Q2" then
      local t = os.clock() while os.clock() - t < 30 do end
    end
    return 1
  end }
''')
        self.write("main.cfg", self.read("main.cfg") + "sandbox = { time_ms = 1000; instructions = 2000000000; };\n")
        proc = subprocess.Popen([hcli.HUDDLE, "eval", "--config", "main.cfg", "--db", "team.db", *fixture.PERIOD,
                                 "--format", "peek", "--no-save"], cwd=self.tmp, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        worker = self.first_worker(proc.pid)
        time.sleep(0.3)  # Ben's 2026-Q2 call is running by now
        os.kill(worker, signal.SIGSTOP)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        ben = [line for line in out.decode().splitlines() if line.startswith("rep 2 ")]
        self.assertEqual(len(ben), 1, out)
        self.assertIn("errors=0", ben[0])

    def first_worker(self, pid):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            if kids:
                return int(kids[0])
            time.sleep(0.02)
        self.fail("no worker process appeared")

    def test_unknown_format_lists_the_plugin_formats(self):
        r = self.eval(2, "--format", "nope")
        self.assertIn("use table, json, csv, markdown, halfpage, mute or peek", r.err)


# -- demo data, and the page in a browser -------------------------------------

class DemoReport(PageChecks, HuddleTestCase):
    """The report of `huddle demo` data with the default rule set and no
    config at all."""

    @classmethod
    def setUpClass(cls):
        cls.demo_dir = tempfile.mkdtemp(prefix="huddle-html-demo-")
        env = hcli.base_env(cls.demo_dir)
        subprocess.run([hcli.HUDDLE, "demo", "--db", "demo.db", "--end", "2026-Q3", "--seed", "42"],
                       cwd=cls.demo_dir, env=env, check=True, stdout=subprocess.DEVNULL, timeout=hcli.TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.demo_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        shutil.copy(os.path.join(self.demo_dir, "demo.db"), os.path.join(self.tmp, "demo.db"))

    def run_json(self, period):
        return self.ok("eval", "--db", "demo.db", "--period", period, "--format", "json", "--no-save").json()

    def report(self, *args, out="demo.html"):
        r = self.ok("eval", "--db", "demo.db", "--period", "2026-Q3", "--format", "html", "--output", out, *args)
        self.assertNotIn("rule error", r.err)
        text = self.read(out)
        return text, self.parse(text)

    def test_demo_report(self):
        text, page = self.report()
        self.assertSelfContained(text, page)
        now, prev = self.run_json("2026-Q3"), self.run_json("2026-Q2")
        shown = page.text()
        for s in now["reps"] + now["teams"]:
            self.assertIn(s["name"], shown)
            for r in s["recognitions"]:
                self.assertIn(r["message"], shown)
            for c in s["coaching"]:
                self.assertIn(c["advice"], shown)
        self.assertScores(page, now)
        self.assertMomentum(page, now, prev)
        # Each team's group target against what its reps won.
        con = self.connect("demo.db")
        for team in now["teams"]:
            target, won = con.execute(
                "SELECT (SELECT SUM(amount * (MIN(julianday(ends_on) + 1, julianday('2026-10-01'))"
                " - MAX(julianday(starts_on), julianday('2026-07-01'))) / (julianday(ends_on) - julianday(starts_on) + 1))"
                " FROM team_targets WHERE team_id = :t AND starts_on < '2026-10-01' AND ends_on >= '2026-07-01'),"
                " (SELECT SUM(d.amount) FROM deals d JOIN reps r ON r.id = d.rep_id WHERE r.team_id = :t"
                " AND d.stage = 'won' AND d.closed_on >= '2026-07-01' AND d.closed_on < '2026-10-01')",
                {"t": team["id"]}).fetchone()
            pct = page.find("section", id="team-%d" % team["id"]).find("text", cls="ring-pct").text()
            self.assertEqual(pct, percent(won, target), team["name"])
        con.close()

    def test_team_audience_has_no_coaching(self):
        _, page = self.report("--audience", "team", out="team.html")
        shown = page.text()
        now = self.run_json("2026-Q3")
        advice = [c["advice"] for s in now["reps"] + now["teams"] for c in s["coaching"]]
        self.assertTrue(advice)
        for a in advice:
            self.assertNotIn(a, shown)
        self.assertNotIn("Coaching", shown)

    def test_renders_in_chromium(self):
        browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
        if not browser:
            self.skipTest("chromium is not installed (Debian: apt-get install chromium); the page was not rendered")
        _, _ = self.report()
        shots = os.path.join(os.path.dirname(hcli.HUDDLE), "test-screenshots")
        os.makedirs(shots, exist_ok=True)
        for name, args in (("html-demo-manager.png", []), ("html-demo-team.png", ["--audience", "team"])):
            page = os.path.join(self.tmp, name.replace(".png", ".html"))
            self.report(*args, out=page)
            png = os.path.join(shots, name)
            if os.path.exists(png):
                os.remove(png)
            # Every name resolves nowhere, so a page that tried to fetch
            # anything would log a failed load on the console.
            proc = subprocess.run(
                [browser, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
                 "--user-data-dir=" + os.path.join(self.tmp, "chromium-profile"),
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                 "--window-size=1280,2000", "--screenshot=" + png, "file://" + page],
                cwd=self.tmp, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                timeout=180)
            log = proc.stderr.decode("utf-8", "replace")
            console = [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
            self.assertEqual(console, [], "console messages while rendering %s" % page)
            self.assertTrue(os.path.isfile(png), "no screenshot; chromium said:\n" + log[-2000:])
            with open(png, "rb") as f:
                head = f.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual((int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")), (1280, 2000))
            # A blank page compresses to a few kilobytes; the report does not.
            self.assertGreater(os.path.getsize(png), 60000, png)
            print("\nscreenshot: %s" % png, file=sys.stderr)


if __name__ == "__main__":
    hcli.main()
