#!/usr/bin/env python3
"""huddle import TABLE FILE through the bundled csv plugin: the example data
set, RFC 4180 files, every kind of bad row (refused whole, named by its
line), tables that cannot be imported into, mappings of another tool's
export (plugins.csv.map), and imports killed halfway (SPEC sections 3, 6,
9 and 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import collections
import csv
import io
import os
import pty
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import unittest

import hcli

# Parents first: the order `huddle import --help` lists.
TABLES = ["teams", "reps", "quotas", "team_targets", "deals", "activities", "trainings",
          "training_attendance", "insights", "insight_uses", "assists", "cross_dept", "assessments",
          "strengths", "action_plans", "checkins", "coaching_sessions", "client_metrics"]

DEALS = "id,rep_id,account,amount,stage,kind,created_on,closed_on,referred_by\n"

REFERENCE = "/work/shared/reference-data/crm-opportunities"


def examples(*parts):
    return os.path.join(hcli.SOURCE, "examples", "data", *parts)


def synthetic(*parts):
    return os.path.join(hcli.SOURCE, "tests", "cli", "data", "crm-export", *parts)


def quarter(iso):
    y, m, _ = iso.split("-")
    return "%s-Q%d" % (y, (int(m) - 1) // 3 + 1)


class ImportTestCase(hcli.HuddleTestCase):

    def write_bytes(self, path, data):
        full = os.path.join(self.tmp, path)
        with open(full, "wb") as f:
            f.write(data)
        return full

    def imp(self, table, path, *extra, db="team.db"):
        return self.huddle("import", "--db", db, *extra, table, path)

    def imported(self, table, path, *extra, db="team.db"):
        r = self.imp(table, path, *extra, db=db)
        self.assertEqual(r.rc, 0, repr(r))
        return r

    def refused(self, code, table, path, *extra, db="team.db"):
        r = self.imp(table, path, *extra, db=db)
        self.assertEqual(r.rc, code, repr(r))
        self.assertNotIn("imported", r.out, "nothing is reported as imported")
        return r

    def team_db(self, db="team.db"):
        """A database with the example teams and reps: parents for the rest."""
        self.init_db(db)
        for t in ("teams", "reps"):
            self.imported(t, examples(t + ".csv"), db=db)
        return db

    def rows(self, sql, db="team.db"):
        con = sqlite3.connect(os.path.join(self.tmp, db))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def dump(self, db="team.db"):
        con = sqlite3.connect(os.path.join(self.tmp, db))
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    def file_bytes(self, db="team.db"):
        with open(os.path.join(self.tmp, db), "rb") as f:
            return f.read()

    def assertUnchanged(self, before_dump, before_bytes, db="team.db"):
        self.assertEqual(self.file_bytes(db), before_bytes, "the database file is byte for byte as it was")
        self.assertEqual(self.dump(db), before_dump)


class ExampleData(ImportTestCase):
    """examples/data/ loads with huddle import, table by table."""

    def test_the_example_data_set_has_a_file_for_every_table_of_the_schema(self):
        self.init_db()
        schema = {r[0] for r in self.rows("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        own = {"runs", "run_subjects", "run_items", "outbox"}
        self.assertEqual(schema - own, set(TABLES))
        for t in TABLES:
            with open(examples(t + ".csv"), encoding="utf-8") as f:
                self.assertGreater(len(list(csv.reader(f))), 1, "%s.csv has rows" % t)

    def test_every_example_table_imports_in_schema_order_with_every_value(self):
        self.init_db()
        for t in TABLES:
            path = examples(t + ".csv")
            with open(path, encoding="utf-8", newline="") as f:
                records = list(csv.reader(f))
            header, body = records[0], records[1:]
            r = self.imported(t, path)
            self.assertIn("imported %d rows into %s from %s" % (len(body), t, path), r.out)
            got = self.rows("SELECT %s FROM %s ORDER BY rowid" % (", ".join(header), t))
            self.assertEqual(len(got), len(body), t)
            for line, (want, have) in enumerate(zip(body, got), 2):
                for col, w, h in zip(header, want, have):
                    if w == "":
                        # An empty cell is NULL, or the column's default.
                        self.assertTrue(h is None or col in ("active", "attended", "kind", "department"),
                                        "%s.csv:%d %s: %r" % (t, line, col, h))
                    elif isinstance(h, (int, float)):
                        self.assertEqual(float(w), float(h), "%s.csv:%d %s" % (t, line, col))
                    else:
                        self.assertEqual(w, h, "%s.csv:%d %s" % (t, line, col))
        self.assertEqual(self.rows("PRAGMA foreign_key_check"), [])
        r = self.ok("eval", "--db", "team.db", "--period", "2026-Q3", "--as-of", "2026-09-30", "--format",
                    "json", "--no-save")
        self.assertEqual(len(r.json()["reps"]), 35, "every active rep has a scorecard")

    def test_load_sh_builds_a_new_database_from_the_folder_all_or_nothing(self):
        env = dict(self.env, HUDDLE=hcli.HUDDLE)
        script = examples("load.sh")
        p = subprocess.run(["sh", script, "loaded.db"], cwd=self.tmp, env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("loaded 18 files into loaded.db", p.stdout)
        self.assertEqual(self.rows("SELECT count(*) FROM reps", db="loaded.db"), [(36,)])

        p = subprocess.run(["sh", script, "loaded.db"], cwd=self.tmp, env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 2, "an existing database is refused")
        self.assertIn("exists already", p.stderr)

        # A bad row in the last file: no database at all, not one with 17 tables.
        shutil.copytree(examples(), os.path.join(self.tmp, "broken"))
        with open(os.path.join(self.tmp, "broken", "client_metrics.csv"), "a", encoding="utf-8") as f:
            f.write("99,9999,Churn,1,1,2026-01-01\n")
        p = subprocess.run(["sh", script, "new.db", "broken"], cwd=self.tmp, env=env, capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("client_metrics.csv:28: column \"deal_id\"", p.stderr)
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith("new.db")], [])


class GoodFiles(ImportTestCase):
    """What RFC 4180 allows, and what an experienced user expects."""

    def test_quotes_embedded_commas_quotes_newlines_crlf_and_a_bom(self):
        self.init_db()
        data = ('\ufeffid,name,manager\r\n'
                '1,"West, ""the best""","Maria\r\nLopez"\r\n'
                '2,East,"Tom ""TB"" Becker"\r\n').encode("utf-8")
        self.imported("teams", self.write_bytes("teams.csv", data))
        self.assertEqual(self.rows("SELECT id, name, manager, department FROM teams ORDER BY id"),
                         [(1, 'West, "the best"', "Maria\r\nLopez", "sales"),
                          (2, "East", 'Tom "TB" Becker', "sales")])

    def test_lf_or_lone_cr_line_ends_a_last_line_without_one_and_blank_lines_at_the_end(self):
        self.init_db()
        self.imported("teams", self.write("a.csv", "id,name\n1,West\n2,East"))
        self.imported("teams", self.write_bytes("b.csv", b"id,name\r3,North\r4,South\r"))
        self.imported("teams", self.write("c.csv", "id,name\n5,Central\n\n\n"))
        self.assertEqual(self.rows("SELECT name FROM teams ORDER BY id"),
                         [("West",), ("East",), ("North",), ("South",), ("Central",)])

    def test_columns_in_any_order_some_left_out_and_empty_cells_take_the_default(self):
        self.team_db()
        self.imported("deals", self.write("deals.csv",
                                          "stage,created_on,rep_id,kind,amount\n"
                                          "open,2026-07-01,1,,\n"
                                          "won,2026-07-02,1,referral,10.5\n"))
        self.assertEqual(self.rows("SELECT id, rep_id, account, amount, stage, kind, closed_on FROM deals"),
                         [(1, 1, None, 0.0, "open", "base", None),
                          (2, 1, None, 10.5, "won", "referral", None)])

    def test_a_file_may_refer_to_its_own_later_rows(self):
        self.team_db()
        self.imported("deals", self.write("deals.csv", DEALS +
                                          "10,1,A,5,won,referral,2026-07-02,2026-07-09,11\n"
                                          "11,1,B,5,won,base,2026-07-01,2026-07-03,\n"))
        self.assertEqual(self.rows("SELECT id, referred_by FROM deals ORDER BY id"), [(10, 11), (11, None)])

    def test_format_picks_the_importer_whatever_the_suffix_and_any_case_of_csv_works(self):
        self.init_db()
        self.imported("teams", self.write("teams.txt", "id,name\n1,West\n"), "--format", "csv")
        self.imported("teams", self.write("TEAMS.CSV", "id,name\n2,East\n"))
        self.assertEqual(self.rows("SELECT count(*) FROM teams"), [(2,)])

    def test_a_header_only_file_imports_no_rows(self):
        self.init_db()
        r = self.imported("teams", self.write("teams.csv", "id,name\n"))
        self.assertIn("imported 0 rows into teams", r.out)

    def test_the_progress_bar_is_drawn_only_when_stderr_is_a_terminal(self):
        self.team_db()
        lines = "".join("%d,1,call,2026-07-%02d,\n" % (i, i % 28 + 1) for i in range(1, 6001))
        path = self.write("activities.csv", "id,rep_id,kind,occurred_on,deal_id\n" + lines)
        r = self.imported("activities", path)
        self.assertNotIn("\r", r.err, "no progress bar into a pipe")
        self.ok("init", "--db", "tty.db")
        for t in ("teams", "reps"):
            self.imported(t, examples(t + ".csv"), db="tty.db")
        master, slave = pty.openpty()
        proc = subprocess.Popen([hcli.HUDDLE, "import", "--db", "tty.db", "activities", path], cwd=self.tmp,
                                env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        out, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, seen)
        self.assertIn(b"importing", seen)
        self.assertIn(b"%", seen)
        self.assertIn(b"imported 6000 rows", out)


class BadFiles(ImportTestCase):
    """A bad row refuses the whole file with FILE:LINE, the column and the
    value, exit status 3, and leaves the database as it was."""

    def setUp(self):
        super().setUp()
        self.team_db()
        self.before = (self.dump(), self.file_bytes())

    def bad(self, table, text, *extra, code=3, name="bad.csv"):
        path = self.write(name, text) if isinstance(text, str) else self.write_bytes(name, text)
        r = self.refused(code, table, name, *extra)
        self.assertUnchanged(*self.before)
        return r.err

    def test_a_bad_row_in_the_middle_refuses_the_whole_file(self):
        good = "".join("%d,1,Acct %d,100,won,base,2026-07-01,2026-07-15,\n" % (i, i) for i in range(1, 40))
        err = self.bad("deals", DEALS + good + "40,1,Bad,12;5,won,base,2026-07-01,,\n" + good.replace(",1,", ",2,"))
        self.assertIn('huddle import: bad.csv:41: column "amount": "12;5" is not a number', err)
        self.assertEqual(self.rows("SELECT count(*) FROM deals"), [(0,)])

    def test_a_number_with_a_decimal_comma_is_refused_with_a_hint(self):
        err = self.bad("deals", DEALS + '1,1,A,"12,5",won,base,2026-07-01,,\n')
        self.assertIn('bad.csv:2: column "amount": "12,5" is not a number', err)
        self.assertIn("decimal point", err)

    def test_bad_whole_numbers(self):
        for v in ("x", "1.0", "99999999999999999999", " 1"):
            err = self.bad("teams", "id,name\n%s,North\n" % v)
            self.assertRegex(err, r'bad\.csv:2: column "id": ".*" is not a whole number')

    def test_bad_dates_say_how_to_write_one(self):
        err = self.bad("deals", DEALS + "1,1,A,5,won,base,7/1/2026,,\n")
        self.assertIn('bad.csv:2: column "created_on": "7/1/2026" is not a date: write YYYY-MM-DD', err)
        err = self.bad("deals", DEALS + "1,1,A,5,won,base,2026-02-30,,\n")
        self.assertIn('"2026-02-30" is not a date: write YYYY-MM-DD, a day the calendar has', err)
        err = self.bad("checkins", "id,rep_id,on_date,energy,wants_to_grow\n1,1,2026-13-01,3,1\n")
        self.assertIn('column "on_date": "2026-13-01" is not a date', err)

    def test_a_record_with_the_wrong_number_of_fields_is_named_by_the_line_it_starts_on(self):
        err = self.bad("teams", 'id,name,manager\n11,"North\nside",Ann\n12,South,Tom,extra\n')
        self.assertIn("bad.csv:4: 4 fields, but the header (line 1) has 3", err)
        err = self.bad("teams", 'id,name,manager\n11,"Multi\nline\nname"\n')
        self.assertIn("bad.csv:2: 2 fields, but the header (line 1) has 3", err)

    def test_malformed_quotes(self):
        self.assertIn('bad.csv:3: field 2 opens a quote that is never closed',
                      self.bad("teams", 'id,name\n11,North\n12,"South\n13,Up\n'))
        self.assertIn("bad.csv:2: a quote inside unquoted field 2",
                      self.bad("teams", 'id,name\n11,No"rth\n'))
        self.assertIn("bad.csv:2: text after the closing quote of field 2",
                      self.bad("teams", 'id,name\n11,"North" side\n'))

    def test_text_that_is_not_utf8(self):
        self.assertIn('bad.csv:2: column "name": "Jos\\xe9" is not UTF-8 text',
                      self.bad("teams", b"id,name\n11,Jos\xe9\n"))
        self.assertIn("the file is UTF-16 text", self.bad("teams", "id,name\n11,North\n".encode("utf-16")))
        self.assertIn("bad.csv:2: a NUL byte", self.bad("teams", b"id,name\n11,No\x00rth\n"))

    def test_an_unknown_column_names_the_closest_one(self):
        err = self.bad("deals", "id,rep_id,amout,stage,created_on\n1,1,5,won,2026-07-01\n")
        self.assertIn('bad.csv:1: column "amout" is not a column of deals; did you mean "amount"?', err)
        self.assertIn("its columns: id, rep_id, account, amount", err)

    def test_a_column_named_twice_or_a_required_one_missing(self):
        self.assertIn('bad.csv:1: column "name" is named twice (fields 2 and 3)',
                      self.bad("teams", "id,name,name\n11,a,b\n"))
        self.assertIn('bad.csv:1: the header has no "stage" and "created_on": every deals row needs those',
                      self.bad("deals", "id,rep_id,amount\n1,1,5\n"))

    def test_an_empty_value_where_one_is_needed(self):
        self.assertIn('bad.csv:3: column "name" is empty, but every teams row needs a value there',
                      self.bad("teams", "id,name\n11,North\n12,\n"))

    def test_a_foreign_key_names_the_line_the_column_and_the_missing_row(self):
        err = self.bad("deals", DEALS + "1,1,A,5,won,base,2026-07-01,,\n2,99,B,5,won,base,2026-07-01,,\n")
        self.assertIn('bad.csv:3: column "rep_id": no reps row has id "99"; import reps first', err)
        err = self.bad("deals", DEALS + "1,1,A,5,won,referral,2026-07-01,,7\n")
        self.assertIn('bad.csv:2: column "referred_by": no deals row has id "7", neither in the database nor '
                      'in this file', err)

    def test_a_check_constraint_names_the_allowed_values(self):
        err = self.bad("deals", DEALS + "1,1,A,5,Won,base,2026-07-01,,\n")
        self.assertIn('bad.csv:2: column "stage": "Won" is not allowed; it must be one of open, won, lost', err)
        err = self.bad("checkins", "id,rep_id,on_date,energy,wants_to_grow\n1,1,2026-07-01,7,1\n")
        self.assertIn('bad.csv:2: column "energy" is "7": the row breaks the rule energy BETWEEN 1 AND 5', err)
        err = self.bad("quotas", "rep_id,starts_on,ends_on,amount\n1,2026-09-30,2026-07-01,5\n")
        self.assertIn("the row breaks the rule ends_on >= starts_on", err)

    def test_a_duplicate_key_names_the_earlier_line_of_the_file(self):
        err = self.bad("teams", "id,name\n7,Alpha\n8,Beta\n7,Gamma\n")
        self.assertIn('bad.csv:4: a teams row with id "7" is there already: line 2 of this file has it', err)
        err = self.bad("teams", "id,name\n7,West\n")
        self.assertIn('bad.csv:2: a teams row with name "West" is in the database already', err)

    def test_an_empty_file(self):
        self.assertIn("bad.csv:1: the file is empty", self.bad("teams", ""))


class Refusals(ImportTestCase):
    """Usage errors (2), missing files (4), missing databases (3)."""

    def test_huddles_own_tables_cannot_be_imported_into(self):
        self.init_db()
        path = self.write("runs.csv", "id,period\n1,2026-Q3\n")
        for t in ("runs", "run_items", "run_subjects", "outbox"):
            r = self.refused(2, t, path)
            self.assertIn("%s is huddle's own table" % t, r.err)
            self.assertIn("the tables you can fill: teams, reps, quotas", r.err)
        self.assertEqual(self.rows("SELECT count(*) FROM runs"), [(0,)])

    def test_an_unknown_table_names_the_closest(self):
        self.init_db()
        r = self.refused(2, "deal", self.write("x.csv", "id\n1\n"))
        self.assertIn("no table 'deal'; did you mean 'deals'?", r.err)
        r = self.refused(2, "sqlite_schema", "x.csv")
        self.assertIn("no table 'sqlite_schema'", r.err)

    def test_a_missing_file_or_one_that_is_not_a_regular_file(self):
        self.init_db()
        r = self.refused(4, "teams", "nowhere.csv")
        self.assertIn("nowhere.csv: cannot open it: No such file or directory", r.err)
        os.mkdir(os.path.join(self.tmp, "dir.csv"))
        r = self.refused(2, "teams", "dir.csv")
        self.assertIn("dir.csv: not a regular file", r.err)

    def test_an_unknown_format_or_suffix(self):
        self.init_db()
        path = self.write("teams.xlsx", "id,name\n1,West\n")
        r = self.refused(2, "teams", path, "--format", "xlsx")
        self.assertIn("no importer 'xlsx'; the importers: csv (.csv)", r.err)
        r = self.refused(2, "teams", path)
        self.assertIn("cannot tell the format of", r.err)
        self.assertIn("--format", r.err)

    def test_the_database_must_exist(self):
        r = self.refused(3, "teams", self.write("t.csv", "id,name\n1,West\n"), db="none.db")
        self.assertIn("no such database; create one with 'huddle init --db none.db'", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.db")))

    def test_usage(self):
        r = self.fails(2, "import", "teams")
        self.assertIn("wants a TABLE and a FILE", r.err)
        r = self.fails(2, "import", "teams", "a.csv", "b.csv")
        self.assertIn("unexpected argument 'b.csv'", r.err)
        r = self.ok("help", "import")
        self.assertIn("usage: huddle import", r.out)
        self.assertIn("plugins.csv.map", r.out)


class SchemaDefaults(ImportTestCase):
    """A column's DEFAULT is text from the database file, which anyone may
    have written: an import puts plain values (numbers, strings, NULL) into
    its INSERT, and never runs an expression it finds there."""

    def hostile_db(self):
        self.init_db()
        con = sqlite3.connect(os.path.join(self.tmp, "team.db"))
        con.execute("PRAGMA writable_schema = ON")
        for table, old, new in (
                ("teams", "DEFAULT 'sales'", "DEFAULT (upper('hostile'))"),
                ("teams", "manager    TEXT,", "manager    TEXT DEFAULT 'O''Neil',"),
                ("reps", "DEFAULT 1 CHECK", "DEFAULT (load_extension('hostile')) CHECK"),
                ("deals", "amount      REAL NOT NULL DEFAULT 0", "amount      REAL NOT NULL DEFAULT -2.5e1")):
            n = con.execute("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = ? AND instr(sql, ?)",
                            (old, new, table, old)).rowcount
            self.assertEqual(n, 1, (table, old))
        con.commit()
        con.close()
        return "team.db"

    def test_an_empty_cell_whose_default_is_an_expression_is_refused_not_run(self):
        self.hostile_db()
        r = self.refused(3, "teams", self.write("teams.csv", "id,name,department\n1,West,sales\n2,East,\n"))
        self.assertIn("teams.csv:3: column \"department\" is empty, and its default in the database is not a "
                      "plain value but \"upper('hostile')\", which an import does not run", r.err)
        self.assertEqual(self.rows("SELECT count(*) FROM teams"), [(0,)])

        self.imported("teams", self.write("teams.csv", "id,name\n1,West\n"))
        r = self.refused(3, "reps", self.write("reps.csv", "id,name,team_id,active\n1,Ana,1,\n"))
        self.assertIn("reps.csv:2: column \"active\" is empty, and its default in the database is not a plain "
                      "value but \"load_extension('hostile')\"", r.err)
        self.assertNotIn("not authorized", r.err, "load_extension was not even called")
        self.assertEqual(self.rows("SELECT count(*) FROM reps"), [(0,)])

    def test_a_column_left_out_gets_the_default_from_sqlite_under_the_schemas_own_rules(self):
        self.hostile_db()
        # SQLite applies a schema's default itself: it runs a harmless
        # function, and refuses one that no schema may call.
        self.imported("teams", self.write("teams.csv", "id,name\n1,West\n"))
        self.assertEqual(self.rows("SELECT department FROM teams"), [("HOSTILE",)])
        r = self.refused(4, "reps", self.write("reps.csv", "id,name,team_id\n1,Ana,1\n"))
        self.assertIn("unsafe use of load_extension()", r.err)

    def test_plain_defaults_still_fill_empty_cells(self):
        self.hostile_db()
        self.imported("teams", self.write("teams.csv", "id,name,manager,department\n1,West,,sales\n"))
        self.imported("reps", self.write("reps.csv", "id,name,team_id,active\n1,Ana,1,1\n"))
        self.imported("deals", self.write("deals.csv", "id,rep_id,amount,stage,created_on\n1,1,,open,2026-07-01\n"))
        self.assertEqual(self.rows("SELECT manager FROM teams"), [("O'Neil",)])
        self.assertEqual(self.rows("SELECT amount FROM deals"), [(-25.0,)])


class Mapping(ImportTestCase):
    """Another tool's export, imported as it is through plugins.csv.map."""

    def config(self, text, name="map.cfg"):
        return self.write(name, "plugins = { csv = { %s }; };\n" % text)

    def crm_import(self, folder, db="crm.db"):
        cfg = os.path.join(self.tmp, "crm-export.cfg")
        shutil.copy(examples("crm-export.cfg"), cfg)
        self.ok("init", "--db", db)
        out = {}
        for table, name in (("teams", "sales_teams.csv"), ("reps", "sales_teams.csv"),
                            ("deals", "sales_pipeline.csv")):
            out[table] = self.imported(table, os.path.join(folder, name), "--config", cfg, db=db)
        return out

    def check_won_per_rep_and_quarter(self, folder, db="crm.db"):
        """Won amounts per rep and quarter, counted from the raw file, are what
        the database holds; so are the reps and teams."""
        with open(os.path.join(folder, "sales_teams.csv"), encoding="utf-8", newline="") as f:
            agents = list(csv.DictReader(f))
        with open(os.path.join(folder, "sales_pipeline.csv"), encoding="utf-8", newline="") as f:
            pipeline = list(csv.DictReader(f))
        raw = collections.Counter()
        for d in pipeline:
            if d["deal_stage"] == "Won":
                m, _, y = d["close_date"].split("/")
                raw[(d["sales_agent"], "%s-Q%d" % (y, (int(m) - 1) // 3 + 1))] += float(d["close_value"])
        got = collections.Counter()
        for name, closed, amount in self.rows(
                "SELECT r.name, d.closed_on, d.amount FROM deals d JOIN reps r ON r.id = d.rep_id "
                "WHERE d.stage = 'won'", db=db):
            got[(name, quarter(closed))] += amount
        self.assertEqual(got, raw)
        self.assertEqual(sorted(r[0] for r in self.rows("SELECT name FROM reps", db=db)),
                         sorted(a["sales_agent"] for a in agents))
        self.assertEqual(sorted(r[0] for r in self.rows("SELECT manager FROM teams", db=db)),
                         sorted({a["manager"] for a in agents}))
        by_rep = dict(self.rows("SELECT r.name, t.manager FROM reps r JOIN teams t ON t.id = r.team_id", db=db))
        self.assertEqual(by_rep, {a["sales_agent"]: a["manager"] for a in agents})
        engaged = [d for d in pipeline if d["engage_date"]]
        self.assertEqual(self.rows("SELECT count(*) FROM deals", db=db), [(len(engaged),)])
        stages = collections.Counter(d["deal_stage"] for d in engaged)
        self.assertEqual(dict(self.rows("SELECT stage, count(*) FROM deals GROUP BY stage", db=db)),
                         {"won": stages["Won"], "lost": stages["Lost"],
                          "open": stages["Engaging"] + stages["Prospecting"]})
        self.assertEqual(self.rows("PRAGMA foreign_key_check", db=db), [])
        return pipeline

    def test_a_crm_export_of_the_reference_shape_imports_with_the_example_mapping(self):
        folder = synthetic()
        r = self.crm_import(folder)
        pipeline = self.check_won_per_rep_and_quarter(folder)
        self.assertIn("imported 3 rows into teams", r["teams"].out)
        self.assertIn("left out 6 records that repeat an earlier one once mapped (distinct at", r["teams"].err)
        self.assertIn("imported 9 rows into reps", r["reps"].out)
        skipped = sum(1 for d in pipeline if not d["engage_date"])
        self.assertIn("left out %d records with no engage_date (skip_empty at" % skipped, r["deals"].err)
        self.assertEqual(self.rows("SELECT name FROM teams ORDER BY name", db="crm.db"),
                         [("Dara Quill (South)",), ("Hana Brook (North)",), ("Ravi Stone (North)",)])
        self.assertEqual(self.rows("SELECT account FROM deals WHERE account LIKE 'Smith%' LIMIT 1", db="crm.db"),
                         [("Smith, Jones & Co",)])
        # The data is ready for the rules as it is.
        self.ok("eval", "--db", "crm.db", "--period", "2026-Q2", "--as-of", "2026-06-30", "--no-save")

    @unittest.skipUnless(os.path.isdir(REFERENCE),
                         "the reference CRM export (%s) is not on this machine: only the synthetic "
                         "export of the same shape is imported" % REFERENCE)
    def test_the_reference_crm_export_imports_with_the_example_mapping(self):
        r = self.crm_import(REFERENCE)
        self.check_won_per_rep_and_quarter(REFERENCE)
        self.assertIn("imported 6 rows into teams", r["teams"].out)
        self.assertIn("imported 35 rows into reps", r["reps"].out)
        self.assertIn("imported 8300 rows into deals", r["deals"].out)

    def test_ids_made_from_names_are_the_same_in_every_file_and_every_run(self):
        self.crm_import(synthetic(), db="a.db")
        self.crm_import(synthetic(), db="b.db")
        q = "SELECT r.id, r.name, d.id FROM reps r JOIN deals d ON d.rep_id = r.id ORDER BY d.id"
        self.assertEqual(self.rows(q, db="a.db"), self.rows(q, db="b.db"))
        self.assertTrue(all(0 < row[0] < 2 ** 53 for row in self.rows(q, db="a.db")))
        # Importing the same export again is refused, not doubled.
        r = self.refused(3, "deals", synthetic("sales_pipeline.csv"), "--config", "crm-export.cfg", db="a.db")
        self.assertIn("is in the database already", r.err)

    def test_the_example_mapping_leaves_files_of_huddles_own_shape_alone(self):
        shutil.copy(examples("crm-export.cfg"), os.path.join(self.tmp, "crm-export.cfg"))
        self.init_db()
        for t in ("teams", "reps"):
            self.imported(t, examples(t + ".csv"), "--config", "crm-export.cfg")

    def test_a_value_the_mapping_does_not_know_names_the_line_and_the_known_ones(self):
        self.crm_import(synthetic())
        cfg = "crm-export.cfg"
        path = self.write("sales_pipeline_new.csv",
                          "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,"
                          "close_value\nNEW1,Raj Iyer,GTX,Acme,Won,1/2/2026,1/9/2026,10\n"
                          "NEW2,Raj Iyer,GTX,Acme,Closed Won,1/2/2026,1/9/2026,10\n")
        before = self.dump("crm.db")
        r = self.refused(3, "deals", path, "--config", cfg, db="crm.db")
        self.assertRegex(r.err, r'sales_pipeline_new\.csv:3: column "deal_stage": "Closed Won" is none of the '
                                r'values the mapping at crm-export\.cfg:\d+ knows \("Won", "Lost", "Engaging", '
                                r'"Prospecting"\); add it there')
        self.assertEqual(self.dump("crm.db"), before)
        path = self.write("sales_pipeline_new.csv",
                          "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,"
                          "close_value\nNEW1,Raj Iyer,GTX,Acme,Won,2026-01-02,1/9/2026,10\n")
        r = self.refused(3, "deals", path, "--config", cfg, db="crm.db")
        self.assertIn('sales_pipeline_new.csv:2: column "engage_date": "2026-01-02" is not a date written '
                      'M/D/YYYY', r.err)
        path = self.write("sales_pipeline_new.csv",
                          "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,"
                          "close_value\nNEW1,Raj Iyerr,GTX,Acme,Won,1/2/2026,1/9/2026,10\n")
        r = self.refused(3, "deals", path, "--config", cfg, db="crm.db")
        self.assertRegex(r.err, r'sales_pipeline_new\.csv:2: column "rep_id": no reps row has id "\d+"')

    def test_constants_templates_defaults_strip_decimal_and_other_dates(self):
        self.team_db()
        cfg = self.config('''map = { deals = { ignore_unmapped = true; columns = (
            { to = "rep_id";     value = "1"; },
            { to = "account";    value = "${Company} / ${Country}"; },
            { to = "amount";     from = "Amount"; strip = "$ ."; decimal = ","; },
            { to = "stage";      from = "Status"; default = "Open";
              values = ( [ "Closed Won", "won" ], [ "Open", "open" ] ); },
            { to = "kind";       value = "incremental"; },
            { to = "created_on"; from = "Created"; date = "DD.MM.YYYY"; },
            { to = "closed_on";  from = "Closed"; date = "D-MMM-YY*"; }
        ); }; };''')
        self.imported("deals", self.write("export.csv",
                                          "Company,Country,Amount,Status,Created,Closed\n"
                                          "Acme,DE,\"$1.054,50\",Closed Won,01.07.2026,3-Jul-26 14:05\n"
                                          ",,7,,02.07.2026,\n"), "--config", cfg)
        self.assertEqual(self.rows("SELECT rep_id, account, amount, stage, kind, created_on, closed_on FROM deals "
                                   "ORDER BY id"),
                         [(1, "Acme / DE", 1054.5, "won", "incremental", "2026-07-01", "2026-07-03"),
                          (1, None, 7.0, "open", "incremental", "2026-07-02", None)])

    def test_unmapped_columns_pass_on_under_their_own_names_unless_skipped(self):
        self.init_db()
        cfg = self.config('map = { teams = { skip = [ "Notes" ]; columns = ( '
                          '{ to = "name"; from = "Team"; } ); }; };')
        self.imported("teams", self.write("t.csv", "id,Team,manager,Notes\n4,North,Ann,x\n"), "--config", cfg)
        self.assertEqual(self.rows("SELECT id, name, manager FROM teams"), [(4, "North", "Ann")])
        r = self.refused(3, "teams", self.write("t2.csv", "id,Team,Notes2\n5,South,x\n"), "--config", cfg)
        self.assertIn('t2.csv:1: column "Notes2" is not a column of teams', r.err)

    def test_a_semicolon_delimiter(self):
        self.init_db()
        cfg = self.config('delimiter = ";";')
        self.imported("teams", self.write("t.csv", 'id;name\n1;"West; the best"\n'), "--config", cfg)
        self.assertEqual(self.rows("SELECT name FROM teams"), [("West; the best",)])

    def test_mistakes_in_the_mapping_name_its_line(self):
        self.init_db()
        path = self.write("t.csv", "Team\nNorth\n")
        cases = [
            ('map = { teams = { columns = ( { to = "nmae"; from = "Team"; } ); }; };',
             '"nmae" is not a column of teams; did you mean "name"?'),
            ('map = { teams = { columns = ( { to = "name"; } ); }; };', "needs either `from`"),
            ('map = { teams = { columns = ( { to = "name"; from = "Team"; date = "M/D"; } ); }; };',
             'date "M/D": a date format names the year'),
            ('map = { teams = { columns = ( { to = "name"; from = "Team"; }, { to = "name"; value = "x"; } ); '
             '}; };', "column name is filled twice"),
            ('map = { teams = { columns = ( { to = "name"; from = "Team"; hash = "yes"; } ); }; };',
             "hash must be true or false"),
            ('delimiter = ";;";', "plugins.csv.delimiter is one character"),
        ]
        for text, message in cases:
            cfg = self.config("\n" + text)
            r = self.refused(3, "teams", path, "--config", cfg)
            self.assertIn("plugin csv: ", r.err)
            self.assertIn(message, r.err)
            self.assertRegex(r.err, r"plugin csv: \S*map\.cfg:2: ", "the mapping's file and line")

    def test_a_column_the_mapping_reads_that_the_file_lacks(self):
        self.init_db()
        cfg = self.config('map = { teams = { columns = ( { to = "name"; from = "Team Name"; } ); }; };')
        r = self.refused(3, "teams", self.write("t.csv", "id,team name\n1,North\n"), "--config", cfg)
        self.assertRegex(r.err, r't\.csv:1: the mapping at \S*map\.cfg:1 reads column "Team Name", which the header '
                                r'does not have; did you mean "team name"\?')

    def test_an_unknown_key_in_the_mapping_is_a_warning_with_its_line(self):
        self.init_db()
        cfg = self.config('map = { teams = { columns = ( { to = "name"; from = "Team"; defualt = "x"; } ); }; };')
        r = self.imported("teams", self.write("t.csv", "Team\nNorth\n"), "--config", cfg)
        self.assertRegex(r.err, r':1: unknown key "defualt" in a column of plugins.csv.map \(ignored\); '
                                r'did you mean "default"\?')


class Killed(ImportTestCase):
    """An import killed at any moment leaves all of the file's rows or none,
    and a sound database (SPEC section 11)."""

    ROWS = 40000

    def test_an_import_killed_at_any_moment_leaves_all_rows_or_none(self):
        self.team_db("base.db")
        path = os.path.join(self.tmp, "activities.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("id,rep_id,kind,occurred_on,deal_id\n")
            for i in range(1, self.ROWS + 1):
                f.write("%d,%d,%s,2026-%02d-%02d,\n" % (i, i % 12 + 1, ("call", "email", "meeting", "demo")[i % 4],
                                                      i % 9 + 1, i % 28 + 1))
        shutil.copy(os.path.join(self.tmp, "base.db"), os.path.join(self.tmp, "whole.db"))
        t0 = time.monotonic()
        self.imported("activities", path, db="whole.db")
        duration = time.monotonic() - t0
        killed = 0
        for i in range(6):
            db = "killed%d.db" % i
            shutil.copy(os.path.join(self.tmp, "base.db"), os.path.join(self.tmp, db))
            proc = subprocess.Popen([hcli.HUDDLE, "import", "--db", db, "activities", path], cwd=self.tmp,
                                    env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(duration * (i + 0.5) / 5)  # from the start to a little after the end
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait(timeout=60)
            con = sqlite3.connect(os.path.join(self.tmp, db))
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", db)
                self.assertIn(con.execute("SELECT count(*) FROM activities").fetchone()[0], (0, self.ROWS), db)
                self.assertEqual(con.execute("SELECT count(*) FROM reps").fetchone()[0], 36, db)
            finally:
                con.close()
        self.assertGreater(killed, 0, "some imports were killed halfway")
        print("  (%d of 6 imports killed before they exited; a whole import took %.2f s)" % (killed, duration))


if __name__ == "__main__":
    hcli.main()
