#!/usr/bin/env python3
"""Output formats of huddle eval: table, csv, markdown (SPEC section 3)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import csv
import io

import fixture
import hcli
from fixture import PERIOD

ANSI = "\x1b["


class Formats(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.db = fixture.build(self)

    def eval(self, *extra, env=None):
        return self.ok("eval", "--config", "main.cfg", "--db", self.db, *PERIOD, "--no-save", *extra,
                       env=env)

    def test_table_is_the_default_and_shows_teams_leaderboard_recognition_coaching_errors(self):
        out = self.eval().out
        for section in ("huddle scorecard 2026-Q3", "Teams", "Leaderboard", "Recognition", "Coaching",
                        "Rule errors"):
            self.assertIn(section, out)
        self.assertIn("not saved", out)
        board = out.split("Leaderboard", 1)[1].split("Recognition", 1)[0]
        names = [line.split()[1] for line in board.splitlines()[2:] if line.strip()]
        self.assertEqual(names, ["Ana", "Ben", "Cara", "Eve", "Dev", "Gil"])
        self.assertRegex(board, r"\n\s+2\s+Ben\s+West\s+57\.0\s+2")
        self.assertRegex(board, r"\n\s+-\s+Gil\s+East\s+-\s+-")
        self.assertIn("Ana closed 2 deals at 1.20 of quota", out)
        self.assertIn("Plan call blocks with Gil; calls so far: 0", out)
        self.assertIn("%s:%d" % (fixture.ERROR_FILE, fixture.ERROR_LINE), out)

    def test_table_has_no_colour_when_not_a_terminal_even_without_no_color(self):
        env = dict(self.env)
        env.pop("NO_COLOR", None)
        r = self.eval(env=env)
        self.assertNotIn(ANSI, r.out)
        self.assertNotIn(ANSI, r.err)
        self.assertNotIn("\r", r.err, "no progress bar when stderr is not a terminal")

    def test_table_has_colour_on_a_terminal(self):
        env = dict(self.env)
        env.pop("NO_COLOR", None)
        env["TERM"] = "xterm"
        out = self.run_on_terminal(["eval", "--config", "main.cfg", "--db", self.db, *PERIOD, "--no-save"],
                                   env)
        self.assertIn("Leaderboard", out)
        self.assertIn(ANSI, out)

    def test_no_color_turns_colour_off_on_a_terminal(self):
        env = dict(self.env, NO_COLOR="1", TERM="xterm")
        out = self.run_on_terminal(["eval", "--config", "main.cfg", "--db", self.db, *PERIOD, "--no-save"],
                                   env)
        self.assertIn("Leaderboard", out)
        self.assertNotIn("\x1b[3", out, "no colours")
        self.assertNotIn("\x1b[1m", out, "no bold")

    # -- csv -----------------------------------------------------------------

    def test_csv_has_a_header_and_one_row_per_rep_in_rank_order(self):
        out = self.eval("--format", "csv").out
        rows = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(rows[0], ["id", "name", "team", "score", "rank", "team_rank", "attain", "growth",
                                   "activity", "recognitions", "coaching", "errors"])
        body = rows[1:]
        self.assertEqual(len(body), 6)
        want = fixture.EXPECTED_REPS
        self.assertEqual([r[1] for r in body], [w["name"] for w in want])
        for row, w in zip(body, want):
            self.assertEqual(int(row[0]), w["id"])
            self.assertEqual(row[2], w["team"])
            if w["score"] is None:
                self.assertEqual(row[3:6], ["", "", ""])
            else:
                self.assertNear(float(row[3]), w["score"], w["name"])
                self.assertEqual((int(row[4]), int(row[5])), (w["rank"], w["team_rank"]))
            for cell, c in zip(row[6:9], w["components"]):
                if c["value"] is None:
                    self.assertEqual(cell, "")
                else:
                    self.assertNear(float(cell), c["value"], "%s %s" % (w["name"], c["rule"]))
            self.assertEqual(row[9], ";".join(x["policy"] for x in w["recognitions"]))
            self.assertEqual(row[10], ";".join(x["trigger"] for x in w["coaching"]))
            self.assertEqual(int(row[11]), len(w["errors"]))

    def test_csv_quotes_names_with_commas_and_quotes(self):
        con = self.connect(self.db)
        con.execute("UPDATE reps SET name = 'Ana \"Ace\", Jr.' WHERE id = 1")
        con.commit()
        con.close()
        out = self.eval("--format", "csv").out
        self.assertIn('"Ana ""Ace"", Jr."', out)
        rows = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(rows[1][1], 'Ana "Ace", Jr.')
        self.assertEqual(len(rows[1]), len(rows[0]))

    def test_names_with_quotes_control_characters_and_non_ascii_survive_json_and_csv(self):
        name = 'Zo\u00eb "Z" \t\n\x01 \\ \u2603 \U0001F600'
        con = self.connect(self.db)
        con.execute("UPDATE reps SET name = ? WHERE id = 1", (name,))
        con.execute("UPDATE teams SET name = ? WHERE id = 1", ("W\u00e9st/\\",))
        con.commit()
        con.close()
        doc = self.eval("--format", "json").json()
        self.assertEqual(doc["reps"][0]["name"], name)
        self.assertEqual(doc["reps"][0]["team"], "W\u00e9st/\\")
        self.assertEqual(doc["teams"][0]["name"], "W\u00e9st/\\")
        rows = list(csv.reader(io.StringIO(self.eval("--format", "csv").out, newline="")))
        self.assertEqual(rows[1][1], name)
        self.assertEqual(len(rows), 7)

    def test_csv_for_the_team_audience_has_no_coaching_or_error_columns(self):
        out = self.eval("--format", "csv", "--audience", "team").out
        rows = list(csv.reader(io.StringIO(out, newline="")))
        self.assertEqual(rows[0][-1], "recognitions")
        self.assertNotIn("coaching", rows[0])
        self.assertTrue(all(len(r) == len(rows[0]) for r in rows))

    # -- markdown ---------------------------------------------------------------

    def test_markdown_has_headings_and_pipe_tables(self):
        out = self.eval("--format", "markdown").out
        self.assertTrue(out.startswith("# huddle scorecard 2026-Q3"), out[:80])
        self.assertIn("## Teams", out)
        self.assertIn("## Leaderboard", out)
        self.assertIn("| rank | rep | team | score | team rank | strongest |", out)
        self.assertIn("| 1 | Ana | West | 94.0 | 1 | 120% of quota |", out)
        self.assertIn("| 1 | West |", out)
        self.assertIn("## Recognition", out)
        self.assertIn("- **closer**: Ana closed 2 deals at 1.20 of quota", out)
        self.assertIn("## Coaching", out)
        self.assertNotIn(ANSI, out)

    # -- choosing the format ---------------------------------------------------------

    def test_unknown_format_exits_2(self):
        r = self.fails(2, "eval", "--config", "main.cfg", "--db", self.db, *PERIOD, "--no-save",
                       "--format", "yaml")
        self.assertIn("yaml", r.err)
        self.assertEqual(r.out, "")

    def test_unknown_format_saves_nothing(self):
        self.fails(2, "eval", "--config", "main.cfg", "--db", self.db, *PERIOD, "--format", "xml")
        con = self.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM runs").fetchone()[0], 0)

    def test_format_from_the_config_is_the_default(self):
        self.write("csv.cfg", fixture.CONFIG + 'output = { format = "csv"; };\n')
        r = self.ok("eval", "--config", "csv.cfg", "--db", self.db, *PERIOD, "--no-save")
        self.assertTrue(r.out.startswith("id,name,team,score,rank,team_rank,"), r.out[:80])
        r = self.ok("eval", "--config", "csv.cfg", "--db", self.db, *PERIOD, "--no-save", "--format", "json")
        self.assertEqual(r.json()["run"]["period"], "2026-Q3")


if __name__ == "__main__":
    hcli.main()
