#!/usr/bin/env python3
"""Rule SQL only reads: rows S1-S12 of shared/SANDBOX-CHECKLIST.md, through
both ways rules run SQL (SQL metrics and huddle.db.rows/value), with the
real executable (SPEC section 8)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hardening  # noqa: E402  (first: puts tests/cli on sys.path)

import json
import os
import sqlite3
import subprocess
import time

from hardening import PERIOD

CONFIG = 'scripts = [ "rules" ];\nsandbox = { instructions = 100000000; time_ms = 10000; sql_ms = %d; };\n'


def lua_string(s):
    """s as a Lua long string literal (rule SQL never holds ]==])."""
    return "[==[" + s + "]==]"


class SqlSandbox(hardening.Case):

    def setUp(self):
        super().setUp()
        self.config(sql_ms=2000)

    def config(self, sql_ms=2000, extra=""):
        self.write("huddle.cfg", CONFIG % sql_ms + extra)

    def eval(self, rules, *extra, expect=0):
        self.write("rules/probe.lua", rules)
        r = self.huddle("eval", "--db", "team.db", "--no-save", "--format", "json", *PERIOD, *extra)
        self.assertEqual(r.rc, expect, repr(r))
        return r

    def query(self, *probes):
        """Runs each (sql, params) through huddle.db.value in a rule for Ana
        and returns, per probe, "ok:<value>" or "err:<message>"."""
        rules = []
        for i, p in enumerate(probes):
            sql, params = (p, "nil") if isinstance(p, str) else p
            rules.append('score "p%d" { weight = 1, doc = "probe", fn = function(rep, m)\n'
                         '  if rep.id ~= 1 then return nil end\n'
                         '  local ok, v = pcall(huddle.db.value, %s, %s)\n'
                         '  return 1, (ok and "ok:" or "err:") .. tostring(v)\n'
                         'end }\n' % (i, lua_string(sql), params))
        r = self.eval("".join(rules))
        ana = [c for c in r.json()["reps"] if c["name"] == "Ana"][0]
        why = {c["rule"]: c["why"] for c in ana["components"]}
        self.assertEqual(ana["errors"], [], "the probes catch their own errors")
        return [why["p%d" % i] for i in range(len(probes))]

    def metric(self, *sqls):
        """Defines a SQL metric per query and returns, per metric, the rule
        error Ana gets for reading it (None when there is none)."""
        rules = []
        for i, sql in enumerate(sqls):
            rules.append('metric "m%d" { doc = "probe", sql = %s }\n'
                         'score "s%d" { weight = 1, doc = "probe", fn = function(rep, m) return m.m%d end }\n'
                         % (i, lua_string(sql), i, i))
        r = self.eval("".join(rules))
        ana = [c for c in r.json()["reps"] if c["name"] == "Ana"][0]
        errors = {e["rule"]: e["message"] for e in ana["errors"]}
        return [errors.get("s%d" % i) for i in range(len(sqls))]

    def assertRefused(self, results, phrase, probes):
        for got, probe in zip(results, probes):
            self.assertIsNotNone(got, "%r was not refused" % (probe,))
            self.assertNotIn("ok:", got[:3], "%r ran: %s" % (probe, got))
            self.assertIn(phrase, got, probe)

    # -- S1 ----------------------------------------------------------------

    def test_S1_rule_sql_cannot_write_or_change_the_schema(self):
        writes = ["DELETE FROM deals", "UPDATE deals SET amount = 0", "INSERT INTO teams(name) VALUES ('x')",
                  "DROP TABLE deals", "CREATE TEMP TABLE z(a)", "CREATE TABLE z(a)",
                  "DELETE FROM deals RETURNING id", "WITH d AS (SELECT 1) DELETE FROM deals",
                  "PRAGMA writable_schema = 1", "PRAGMA journal_mode = OFF", "PRAGMA query_only = 0",
                  "PRAGMA user_version = 99", "BEGIN IMMEDIATE", "REINDEX", "ANALYZE"]
        before = self.fingerprint()
        self.assertRefused(self.query(*writes), "only reading is allowed in rule SQL", writes)
        self.assertRefused(self.metric(*writes), "only reading is allowed in rule SQL", writes)
        self.assertUnchanged(before)
        self.assertEqual(self.deals(), (3, 600))

    # -- S2 ----------------------------------------------------------------

    def test_S2_a_second_statement_is_an_error_not_silently_ignored(self):
        smuggled = ["SELECT 1; DELETE FROM deals", "SELECT 1;SELECT 2", "SELECT 1; -- x\nDROP TABLE deals"]
        self.assertRefused(self.query(*smuggled), "must be one statement", smuggled)
        self.assertRefused(self.metric("SELECT id, 1 FROM reps; DELETE FROM deals"), "must be one statement",
                           ["metric"])
        # A trailing ';' or comment is not a second statement.
        self.assertEqual(self.query("SELECT 1;", "SELECT 2; -- done\n", "SELECT 3 /* c */ ;  "),
                         ["ok:1", "ok:2", "ok:3"])
        self.assertEqual(self.deals(), (3, 600))

    # -- S3 ----------------------------------------------------------------

    def test_S3_attach_and_vacuum_into_create_no_file(self):
        files = sorted(os.listdir(self.tmp))
        attempts = ["ATTACH 'x.db' AS x", "ATTACH 'file:%s/y.db?mode=rwc' AS y" % self.tmp,
                    "VACUUM INTO '%s/leak.db'" % self.tmp, "VACUUM INTO 'leak2.db'", "VACUUM"]
        for got, probe in zip(self.query(*attempts) + self.metric(*attempts), attempts * 2):
            self.assertTrue(got.startswith("err:") or "metric" in got, "%r: %s" % (probe, got))
            self.assertIn("only reading is allowed in rule SQL", got, probe)
        self.assertNoNewFiles(sorted(files + ["rules"]))
        self.assertFalse(os.path.exists("/leak2.db") or os.path.exists(os.path.join(self.tmp, "rules", "x.db")))

    # -- S4 ----------------------------------------------------------------

    def test_S4_extensions_cannot_be_loaded(self):
        probes = ["SELECT load_extension('/lib/x86_64-linux-gnu/libm.so.6')",
                  "SELECT load_extension('libm.so.6', 'sin')"]
        self.assertRefused(self.query(*probes), "function load_extension() is not allowed", probes)
        self.assertRefused(self.metric("SELECT id, load_extension('x') FROM reps"), "load_extension", ["m"])

    # -- S5 ----------------------------------------------------------------

    def test_S5_fts3_tokenizer_hands_out_no_pointer(self):
        probes = ["SELECT hex(fts3_tokenizer('simple'))",
                  "SELECT fts3_tokenizer('simple', X'4141414141414141')"]
        self.assertRefused(self.query(*probes), "function fts3_tokenizer() is not allowed", probes)

    # -- S6 ----------------------------------------------------------------

    def test_S6_schema_and_connection_internals_are_hidden(self):
        probes = ["SELECT count(*) FROM sqlite_master", "SELECT sql FROM sqlite_schema",
                  "SELECT count(*) FROM main.sqlite_master", "SELECT count(*) FROM temp.sqlite_master",
                  "SELECT count(*) FROM pragma_compile_options", "SELECT count(*) FROM pragma_table_info('deals')",
                  "SELECT count(*) FROM sqlite_stmt", "SELECT count(*) FROM dbstat",
                  "SELECT sqlite_version()", "SELECT sqlite_compileoption_used('ENABLE_FTS3')",
                  "SELECT count(*) FROM json_each('[1,2]')"]
        results = self.query(*probes)
        for got, probe in zip(results, probes):
            self.assertTrue(got.startswith("err:"), "%r: %s" % (probe, got))
            self.assertTrue(any(p in got for p in ("cannot be read from rule SQL", "not allowed in rule SQL",
                                                  "not available in rule SQL")), "%r: %s" % (probe, got))
        # The data tables, and the functions metrics use, stay readable.
        self.assertEqual(self.query("SELECT count(*) || ' ' || sum(amount) || ' ' || "
                                    "max(julianday(closed_on)) FROM deals"), ["ok:3 600.0 2461253.5"])

    # -- S7 ----------------------------------------------------------------

    def test_S7_a_runaway_query_is_interrupted_at_sql_ms(self):
        self.config(sql_ms=300)
        runaway = ["WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                   "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) "
                   "SELECT count(*) FROM c a, c b, c d, c e ORDER BY random()"]
        t0 = time.monotonic()
        results = self.query(*runaway)
        took = time.monotonic() - t0
        self.assertRefused(results, "ran longer than sandbox.sql_ms", runaway)
        self.assertLess(took, 8, "each query stops near 0.3 s")
        errors = self.metric("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                             "SELECT r.id, count(*) FROM reps r, c GROUP BY r.id")
        self.assertIn("ran longer than sandbox.sql_ms", errors[0])
        leftovers = [f for f in os.listdir("/var/tmp") + os.listdir("/tmp") if f.startswith("etilqs_")]
        self.assertEqual(leftovers, [], "no temporary files left behind")

    def test_S7_a_metric_query_may_take_sql_ms_per_10000_subjects_and_no_more(self):
        # A metric reads every rep's rows at once: its limit grows with the
        # organisation (a fixed one stopped every metric at a million reps),
        # and a runaway query is still stopped.
        con = self.connect("team.db")
        con.execute("WITH RECURSIVE c(x) AS (SELECT 1000 UNION ALL SELECT x + 1 FROM c WHERE x < 25999) "
                    "INSERT INTO reps(id, name, team_id) SELECT x, 'rep ' || x, 1 FROM c")
        con.commit()
        n = con.execute("SELECT count(*) FROM reps WHERE active = 1").fetchone()[0]
        con.close()
        self.assertGreater(n, 25000)
        self.config(sql_ms=100)
        errors = self.metric("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                             "SELECT r.id, count(*) FROM reps r, c GROUP BY r.id")
        self.assertIn("ran longer than sandbox.sql_ms (%.3g s for %d reps)" % (0.1 * n / 10000, n), errors[0])

    # -- S8 ----------------------------------------------------------------

    def test_S8_huge_values_are_refused_before_they_are_built(self):
        bombs = ["SELECT zeroblob(100000000)", "SELECT length(randomblob(1000000000))",
                 "SELECT printf('%.*c', 100000000, 'x')", "SELECT length(format('%.*c', 100000000, 'x'))",
                 "SELECT length(" + "replace(" * 7 + "'aaaaaaaaaa'" + ", 'a', 'aaaaaaaaaa')" * 7 + ")",
                 "SELECT length(group_concat(hex(x))) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                 "SELECT x + 1 FROM c WHERE x < 300000) SELECT x FROM c)"]
        results = self.query(*bombs)
        for got, probe in zip(results, bombs):
            self.assertTrue(got.startswith("err:"), "%r: %s" % (probe, got))
            # Near the limit SQLite grows a string by the exact size needed,
            # so a slow build (ASan) may meet sandbox.sql_ms first: as clean.
            self.assertTrue(any(p in got for p in ("string or blob too big", "is not allowed",
                                                   "ran longer than sandbox.sql_ms")), "%r: %s" % (probe, got))
        big = self.query(("SELECT length(:s)", '{ s = ("x"):rep(2000000) }'),
                         ("SELECT length(:s)", '{ s = ("x"):rep(1000000) }'))
        self.assertEqual(big[0], "err:huddle.db: parameter :s is longer than 1000000 bytes")
        self.assertEqual(big[1], "ok:1000000", "the limit itself still binds")
        self.assertIn("string or blob too big", self.metric("SELECT id, length(" + "replace(" * 7 + "'aaaaaaaaaa'"
                                                            + ", 'a', 'aaaaaaaaaa')" * 7 + ") FROM reps")[0])

    # -- S9 ----------------------------------------------------------------

    def test_S9_parser_limits_give_clean_errors(self):
        probes = ["SELECT " + "(" * 100000 + "1" + ")" * 100000,
                  "SELECT " + "+".join(["1"] * 500),
                  "SELECT 1" + " UNION SELECT 1" * 1000,
                  "SELECT 1 -- " + "x" * 500000,
                  "SELECT " + ",".join(["1"] * 200),
                  "SELECT 'aaaa' LIKE '" + "%a" * 100 + "b'",
                  "SELECT coalesce(" + ",".join(["1"] * 50) + ")",
                  ("SELECT " + "+".join(":p%d" % i for i in range(100)),
                   "{" + ",".join("p%d = %d" % (i, i) for i in range(100)) + "}"),
                  "SELECT ?1 + ?2"]
        expected = [("string or blob too big", "parser stack overflow"), "too large", "too many terms in compound SELECT",
                    "string or blob too big", "too many columns", "pattern too complex", "too many arguments",
                    "too many SQL variables", "use named parameters"]
        for got, want, probe in zip(self.query(*probes), expected, probes):
            self.assertTrue(got.startswith("err:"), "%.60r: %s" % (probe, got))
            self.assertTrue(any(w in got for w in ((want,) if isinstance(want, str) else want)),
                            "%.60r: %s" % (probe, got))

    # -- S10 ---------------------------------------------------------------

    def test_S10_rule_sql_reaches_the_evaluated_database_and_nothing_else(self):
        # huddle evaluates the whole organisation (ranks are org-wide even
        # with --team), so every team's rows are readable by design; the
        # boundary is the database file: another one cannot be named.
        other = sqlite3.connect(os.path.join(self.tmp, "other.db"))
        other.execute("CREATE TABLE secrets(x)")
        other.execute("INSERT INTO secrets VALUES ('s3cr3t')")
        other.commit()
        other.close()
        probes = ["SELECT x FROM secrets", "SELECT x FROM other.secrets",
                  "ATTACH 'other.db' AS other", "SELECT x FROM temp.secrets",
                  "SELECT count(DISTINCT team_id) FROM reps"]
        got = self.query(*probes)
        self.assertIn("no such table: secrets", got[0])
        self.assertIn("no such table: other.secrets", got[1])
        self.assertIn("only reading is allowed", got[2])
        self.assertIn("no such table: temp.secrets", got[3])
        self.assertEqual(got[4], "ok:2")
        for g in got:
            self.assertNotIn("s3cr3t", g)

    # -- S11 ---------------------------------------------------------------

    def test_S11_parameters_keep_their_type_and_bytes(self):
        probes = [("SELECT typeof(:s) || ' ' || hex(:s) || ' ' || length(CAST(:s AS BLOB))", '{ s = "a\\0b" }'),
                  ("SELECT count(*) FROM reps WHERE name = :n", '{ n = "Ana\\0; DROP TABLE reps" }'),
                  ("SELECT typeof(:s) || ' ' || hex(:s)", '{ s = "\\xff\\xfe" }'),
                  ("SELECT typeof(:x) || ' ' || :x", "{ x = math.maxinteger }"),
                  ("SELECT typeof(:x) || ' ' || :x", "{ x = 2^63 }"),
                  ("SELECT typeof(:x) || ' ' || :x", "{ x = 0.5 }"),
                  ("SELECT :t || :f", "{ t = true, f = false }"),
                  ("SELECT :x", "{ x = 0/0 }"),
                  ("SELECT :x", "{ x = math.huge }"),
                  ("SELECT :x", "{ x = -math.huge }"),
                  ("SELECT :x", "{ x = {} }"),
                  ("SELECT :x", "{ x = print }"),
                  ("SELECT :x", "setmetatable({}, { __index = function() return 1 end })"),
                  ("SELECT 1\0; DELETE FROM deals", "nil")]
        got = self.query(*probes)
        self.assertEqual(got[:7], ["ok:text 610062 3", "ok:0", "ok:blob FFFE", "ok:integer 9223372036854775807",
                                   "ok:real 9.22337203685478e+18", "ok:real 0.5", "ok:10"])
        self.assertEqual(got[7], "err:huddle.db: parameter :x is NaN; only finite numbers can be bound")
        self.assertEqual(got[8], "err:huddle.db: parameter :x is an infinity; only finite numbers can be bound")
        self.assertEqual(got[9], got[8])
        self.assertEqual(got[10], "err:huddle.db: parameter :x must be a number, string or boolean, not a table")
        self.assertIn("not a function", got[11])
        self.assertIn("unknown parameter :x", got[12], "a metamethod of the params table is not consulted")
        self.assertEqual(got[13], "err:huddle.db: the SQL text contains a NUL byte")
        self.assertEqual(self.deals(), (3, 600))

    # -- S12 ---------------------------------------------------------------

    def test_S12_a_rule_dying_mid_query_leaves_no_read_transaction(self):
        # Rule A fails with a memory error while huddle.db.rows pushes rows:
        # the statement must be finalized then, not at some later garbage
        # collection, or its read transaction pins the WAL.  Rule B then
        # waits, and meanwhile another connection writes and checkpoints.
        # (The query reads a table: only then does it hold a snapshot.)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n'
                   'sandbox = { memory_mb = 8; instructions = 1000000000000L; time_ms = 20000; sql_ms = 5000; };\n')
        self.write("rules/probe.lua",
                   'score "a_dies_mid_query" { weight = 1, doc = "x", fn = function(rep, m)\n'
                   '  if rep.id ~= 1 then return nil end\n'
                   '  local n = 0\n'
                   '  for row in huddle.db.rows([[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c\n'
                   '      WHERE x < 3000000) SELECT x, r.name || \' padding padding\' AS pad FROM c, reps r]]) do\n'
                   '    n = n + 1\n'
                   '  end\n'
                   '  return n\n'
                   'end }\n'
                   'score "b_waits" { weight = 1, doc = "x", fn = function(rep, m)\n'
                   '  if rep.id ~= 1 then return nil end\n'
                   '  huddle.log("info", "b_waits: ready")\n'
                   '  local t = os.clock()\n'
                   '  while os.clock() - t < 3 do end\n'
                   '  return 1\n'
                   'end }\n')
        # The WAL holds frames when huddle starts, so its read snapshot is
        # one that a checkpoint would have to wait for.
        writer = sqlite3.connect(self.db, isolation_level=None, timeout=0.2)
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("CREATE TABLE IF NOT EXISTS scratch(x)")
        writer.execute("INSERT INTO scratch VALUES (1)")
        proc = subprocess.Popen([hardening.hcli.HUDDLE, "eval", "--db", "team.db", "--no-save", "--format", "json"]
                                + PERIOD, cwd=self.tmp, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = b""
            deadline = time.monotonic() + 60
            while b"b_waits: ready" not in line and time.monotonic() < deadline:
                line = proc.stderr.readline()
                if not line and proc.poll() is not None:
                    break
            self.assertIn(b"b_waits: ready", line, "rule B started")
            writer.execute("INSERT INTO scratch VALUES (2)")
            busy, log, done = writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            self.assertEqual(busy, 0, "no reader of huddle holds an old snapshot")
            self.assertEqual(os.path.getsize(self.db + "-wal"), 0, "the WAL was reset, it does not grow")
        finally:
            out, err = proc.communicate(timeout=60)
            writer.close()
        self.assertEqual(proc.returncode, 0, err)
        ana = [c for c in json.loads(out)["reps"] if c["name"] == "Ana"][0]
        errors = {e["rule"]: e["message"] for e in ana["errors"]}
        self.assertIn("a_dies_mid_query", errors)
        self.assertIn("memory", errors["a_dies_mid_query"])
        self.assertNotIn("b_waits", errors)


if __name__ == "__main__":
    hardening.main()
