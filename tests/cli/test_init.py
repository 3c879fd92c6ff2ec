#!/usr/bin/env python3
"""huddle init and opening databases: the schema of SPEC section 6, newer,
missing and corrupt databases (SPEC section 11)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import os
import random
import sqlite3

import hcli

# SPEC section 6: table -> {column: referenced table}
USER_TABLES = {
    "teams": {},
    "reps": {"team_id": "teams"},
    "quotas": {"rep_id": "reps"},
    "team_targets": {"team_id": "teams"},
    "deals": {"rep_id": "reps", "referred_by": "deals"},
    "activities": {"rep_id": "reps", "deal_id": "deals"},
    "trainings": {"team_id": "teams"},
    "training_attendance": {"training_id": "trainings", "rep_id": "reps"},
    "insights": {"author_id": "reps"},
    "insight_uses": {"insight_id": "insights", "rep_id": "reps"},
    "assists": {"helper_id": "reps", "helped_id": "reps", "deal_id": "deals"},
    "cross_dept": {"rep_id": "reps"},
    "assessments": {"rep_id": "reps"},
    "strengths": {"assessment_id": "assessments"},
    "action_plans": {"rep_id": "reps"},
    "checkins": {"rep_id": "reps"},
    "coaching_sessions": {"rep_id": "reps"},
    "client_metrics": {"deal_id": "deals"},
}

COLUMNS = {
    "teams": "id name manager department",
    "reps": "id name email team_id role hired_on active",
    "quotas": "rep_id starts_on ends_on amount",
    "team_targets": "team_id starts_on ends_on amount",
    "deals": "id rep_id account amount stage kind created_on closed_on referred_by",
    "activities": "id rep_id kind occurred_on deal_id",
    "trainings": "id title held_on team_id",
    "training_attendance": "training_id rep_id attended",
    "insights": "id author_id shared_on topic",
    "insight_uses": "insight_id rep_id used_on",
    "assists": "id helper_id helped_id deal_id occurred_on",
    "cross_dept": "id rep_id department occurred_on note",
    "assessments": "id rep_id instrument taken_on debriefed_on",
    "strengths": "assessment_id talent rank",
    "action_plans": "id rep_id kind updated_on",
    "checkins": "id rep_id on_date energy wants_to_grow note",
    "coaching_sessions": "id rep_id held_on coach topic",
    "client_metrics": "id deal_id metric target achieved agreed_on",
}


def schema_of(path):
    con = sqlite3.connect(path)
    rows = con.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").fetchall()
    con.close()
    return rows


class Init(hcli.HuddleTestCase):

    def test_init_creates_every_table_of_the_spec_with_its_columns(self):
        r = self.ok("init", "--db", "team.db")
        self.assertIn("team.db", r.out)
        con = self.connect("team.db")
        tables = {n for (n,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        for t in list(USER_TABLES) + ["runs", "outbox"]:
            self.assertIn(t, tables)
        for t, cols in COLUMNS.items():
            got = [row[1] for row in con.execute("PRAGMA table_info(%s)" % t)]
            for c in cols.split():
                self.assertIn(c, got, "%s.%s" % (t, c))

    def test_init_sets_user_version_1(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 1)

    def test_foreign_keys_are_declared(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        for t, refs in USER_TABLES.items():
            got = {row[3]: row[2] for row in con.execute("PRAGMA foreign_key_list(%s)" % t)}
            self.assertEqual(got, refs, t)

    def test_foreign_keys_are_enforced_for_connections_that_turn_them_on(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        with self.assertRaises(sqlite3.IntegrityError):
            con.execute("INSERT INTO reps (id, name, team_id) VALUES (1, 'Ana', 99)")

    def test_defaults_of_the_spec(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        con.execute("INSERT INTO teams (id, name) VALUES (1, 'West')")
        con.execute("INSERT INTO reps (id, name, team_id) VALUES (1, 'Ana', 1)")
        self.assertEqual(con.execute("SELECT department FROM teams").fetchone()[0], "sales")
        self.assertEqual(con.execute("SELECT active FROM reps").fetchone()[0], 1)

    def test_running_init_twice_is_fine_and_keeps_data(self):
        self.ok("init", "--db", "team.db")
        con = self.connect("team.db")
        con.execute("INSERT INTO teams (id, name) VALUES (1, 'West')")
        con.commit()
        con.close()
        before = schema_of("team.db")
        self.ok("init", "--db", "team.db")
        self.assertEqual(schema_of("team.db"), before)
        con = self.connect("team.db")
        self.assertEqual(con.execute("SELECT name FROM teams").fetchall(), [("West",)])

    def test_database_from_the_config_is_created_next_to_the_config(self):
        self.write("conf/huddle.cfg", 'database = "data.db";\n')
        self.ok("init", "--config", "conf/huddle.cfg")
        self.assertTrue(os.path.exists("conf/data.db"))
        self.assertFalse(os.path.exists("data.db"))

    def test_db_option_overrides_the_config(self):
        self.write("huddle.cfg", 'database = "data.db";\n')
        self.ok("init", "--db", "other.db")
        self.assertTrue(os.path.exists("other.db"))
        self.assertFalse(os.path.exists("data.db"))

    def test_default_database_is_huddle_db_in_the_working_folder(self):
        self.ok("init")
        self.assertTrue(os.path.exists("huddle.db"))

    def test_newer_schema_is_refused_with_exit_3(self):
        self.ok("init", "--db", "team.db")
        con = sqlite3.connect("team.db")
        con.execute("PRAGMA user_version = 99")
        con.close()
        for args in (["init"], ["eval", "--no-save"], ["explain", "1"]):
            r = self.fails(3, *args, "--db", "team.db")
            self.assertIn("team.db", r.err)
            self.assertIn("newer", r.err)
        con = sqlite3.connect("team.db")
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 99)

    def test_eval_on_a_missing_database_names_it_and_suggests_init(self):
        r = self.fails(3, "eval", "--db", "missing.db", "--no-save")
        self.assertIn("missing.db", r.err)
        self.assertIn("huddle init", r.err)
        self.assertFalse(os.path.exists("missing.db"), "nothing created")

    def test_explain_on_a_missing_database_exits_3(self):
        r = self.fails(3, "explain", "Ana", "--db", "missing.db")
        self.assertIn("missing.db", r.err)
        self.assertFalse(os.path.exists("missing.db"))

    def write_random(self, path, n=8192, seed=1):
        data = random.Random(seed).randbytes(n)
        with open(path, "wb") as f:
            f.write(data)
        return data

    def assert_unchanged(self, path, data):
        with open(path, "rb") as f:
            self.assertEqual(f.read(), data, "the file was changed")
        leftovers = [n for n in os.listdir(".") if n.startswith(os.path.basename(path) + "-")]
        self.assertEqual(leftovers, [], "no journal or WAL files left next to it")

    def test_corrupt_file_is_refused_with_exit_3_and_left_unchanged(self):
        data = self.write_random("junk.db")
        for args in (["eval", "--no-save"], ["eval"], ["init"], ["demo", "--reps", "5"],
                     ["explain", "1"]):
            r = self.fails(3, *args, "--db", "junk.db")
            self.assertIn("junk.db", r.err, args)
            self.assert_unchanged("junk.db", data)

    def test_database_with_damaged_pages_is_refused_with_exit_3(self):
        self.ok("demo", "--db", "team.db", "--reps", "20", "--seed", "3", "--end", "2026-Q3")
        con = sqlite3.connect("team.db")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode = DELETE")
        con.close()
        with open("team.db", "r+b") as f:
            data = bytearray(f.read())
            rnd = random.Random(3)
            for i in range(8192, len(data)):
                data[i] = rnd.randrange(256)
            f.seek(0)
            f.write(data)
        for args in (["eval", "--no-save", "--period", "2026-Q3"], ["eval", "--period", "2026-Q3"]):
            r = self.fails(3, *args, "--db", "team.db")
            self.assertIn("team.db", r.err)
            self.assert_unchanged("team.db", bytes(data))

    def test_text_file_is_refused_with_exit_3(self):
        self.write("notes.db", "this is not a database\n" * 100)
        before = self.read("notes.db")
        r = self.fails(3, "eval", "--db", "notes.db", "--no-save")
        self.assertIn("notes.db", r.err)
        self.assertEqual(self.read("notes.db"), before)

    def test_someone_elses_sqlite_database_is_not_touched(self):
        con = sqlite3.connect("theirs.db")
        con.execute("CREATE TABLE stuff (x)")
        con.commit()
        con.close()
        before = schema_of("theirs.db")
        r = self.fails(3, "init", "--db", "theirs.db")
        self.assertIn("theirs.db", r.err)
        r = self.fails(3, "eval", "--db", "theirs.db", "--no-save")
        self.assertIn("huddle init", r.err)
        self.assertEqual(schema_of("theirs.db"), before)

    def test_empty_file_is_initialised(self):
        open("empty.db", "wb").close()
        self.ok("init", "--db", "empty.db")
        con = self.connect("empty.db")
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 1)

    def test_database_in_a_missing_folder_is_an_error_naming_it(self):
        r = self.huddle("init", "--db", "no/such/dir/team.db")
        self.assertIn(r.rc, (3, 4), repr(r))
        self.assertIn("no/such/dir/team.db", r.err)

    def test_init_rejects_stray_arguments(self):
        self.fails(2, "init", "--db", "team.db", "extra")
        self.fails(2, "init", "--bogus")


if __name__ == "__main__":
    hcli.main()
