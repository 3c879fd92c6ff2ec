#!/usr/bin/env python3
"""Derives the naive, one-query-per-subject form of the traced metric SQL.

usage: naive.py TRACE DB SAMPLE OUTDIR

TRACE is the sqlite3-shell script HUDDLE_SQL_TRACE wrote (floor.sql).  For
every query in it this finds a per-subject form: the query restricted to one
rep (or team) in the WHERE clause where the subject's rows are selected, so
that SQLite reads only that subject's rows through the per-rep indexes, the
way a module that loops over reps computes a metric.  Simple queries (one
SELECT, no subquery in FROM, no WITH) are rewritten automatically:

    SELECT E, ... FROM t ... WHERE cond GROUP BY ...
 -> SELECT E, ... FROM t ... WHERE E = :subj AND (cond) GROUP BY ...

Queries with a subquery or a WITH in front are not rewritten by rule (a filter
outside the subquery may not be pushed into it, and then the "per-rep" query
would still scan everyone); their per-subject forms are written by hand in
naive.sql.in, keyed by a hash of the query text.  A query with neither is
reported and left out, which makes the naive figure smaller, never larger.

Every derived query is checked: for a handful of subjects its answer must
equal the row the set-based query gives for that subject.  A mismatch stops
the benchmark.

Writes OUTDIR/naive-rep.sql and OUTDIR/naive-team.sql (sqlite3-shell scripts
over SAMPLE reps / SAMPLE teams), OUTDIR/naive-plans.txt (each form's query plan) and prints one JSON line: the counts of
reps, teams, sampled subjects and derived queries.
"""
import hashlib
import json
import os
import re
import sqlite3
import sys


def parse_trace(path):
    """[(params, sql)] in trace order; params maps ':name' to an SQL literal."""
    out = []
    params, body = {}, []
    for line in open(path, encoding="utf-8"):
        if line.startswith(".parameter set "):
            m = re.match(r'\.parameter set (\S+) "(.*)"\s*$', line)
            params[m.group(1)] = re.sub(r"\\(.)", r"\1", m.group(2))
        elif line.startswith(".parameter clear"):
            sql = "".join(body).strip().rstrip(";").strip()
            if sql:
                out.append((params, sql))
            params, body = {}, []
        else:
            body.append(line)
    return out


def norm(sql):
    return " ".join(sql.split())


def key(sql):
    return hashlib.sha1(norm(sql).encode()).hexdigest()[:12]


def top_level(sql, word):
    """Offsets of keyword `word` outside parentheses and string literals."""
    hits, depth, i, n = [], 0, 0, len(sql)
    pat = re.compile(r"\b" + word.replace(" ", r"\s+") + r"\b", re.I)
    while i < n:
        c = sql[i]
        if c == "'":
            i = sql.index("'", i + 1) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            m = pat.match(sql, i)
            if m and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                hits.append(i)
        i += 1
    return hits


def first_column(sql):
    body = sql[len("SELECT"):]
    depth = 0
    for i, c in enumerate(body):
        depth += c == "("
        depth -= c == ")"
        if c == "," and depth == 0:
            return body[:i].strip()
    return None


def derive(sql):
    """The per-subject form of a simple query, or None."""
    if not re.match(r"select\b", sql, re.I):
        return None
    frm = top_level(sql, "FROM")
    if len(frm) != 1 or top_level(sql, "UNION") or top_level(sql, "WITH"):
        return None
    where, group = top_level(sql, "WHERE"), top_level(sql, "GROUP BY")
    if len(where) > 1 or len(group) != 1 or "(" in sql[frm[0]:(where or group)[0]]:
        return None
    col = first_column(sql)
    if not col or not re.fullmatch(r"(\w+\.)?\w+", col):
        return None
    g = group[0]
    if where:
        w = where[0]
        return "%sWHERE %s = :subj AND (%s) %s" % (sql[:w], col, sql[w + 5:g].strip(), sql[g:])
    return "%sWHERE %s = :subj %s" % (sql[:g], col, sql[g:])


def subject_index(db, table, col):
    """The index of table whose first column is col, the widest first."""
    best = None
    for row in db.execute("PRAGMA index_list(%s)" % table):
        cols = [r[2] for r in db.execute("PRAGMA index_info(%s)" % row[1])]
        if cols and cols[0] == col:
            if not best or len(cols) > best[1]:
                best = (row[1], len(cols))
    return best and best[0]


def pin_index(db, per, col):
    """Makes the subject's table read through its subject index (INDEXED BY).

    Without statistics SQLite prefers the schema's period indexes, which are
    built for the set-based queries; a per-rep query through them reads the
    whole period for every rep, which is no one's idea of per-rep work."""
    alias, _, name = col.rpartition(".")
    frm = top_level(per, "FROM")[0] + 4
    end = (top_level(per, "WHERE") or top_level(per, "GROUP BY"))[0]
    toks = [(m.group(0), m.end()) for m in re.finditer(r"\w+|[^\w\s]", per[frm:end])]
    keywords = {"JOIN", "ON", "AS", "LEFT", "INNER", "CROSS", "OUTER", "USING"}
    expect_table = True
    for i, (tok, stop) in enumerate(toks):
        if expect_table and re.fullmatch(r"\w+", tok) and tok.upper() not in keywords:
            table, al, at = tok, None, stop
            j = i + 1
            if j < len(toks) and toks[j][0].upper() == "AS":
                j += 1
            if j < len(toks) and re.fullmatch(r"\w+", toks[j][0]) and toks[j][0].upper() not in keywords:
                al, at = toks[j][0], toks[j][1]
            if (alias or table) == (al or table) or (not alias and i == 0):
                idx = subject_index(db, table, name)
                return per[:frm + at] + " INDEXED BY " + idx + per[frm + at:] if idx else per
            expect_table = False
        elif tok.upper() == "JOIN" or tok == ",":
            expect_table = True
    return per


def load_overrides(path):
    over, k, body = {}, None, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"--\s*key:\s*([0-9a-f]{12})", line)
        if m:
            if k:
                over[k] = "".join(body).strip().rstrip(";")
            k, body = m.group(1), []
        elif k and not line.startswith("--"):
            body.append(line)
    if k:
        over[k] = "".join(body).strip().rstrip(";")
    return over


def shell_params(params):
    return "".join('.parameter set %s "%s"\n' % (k, v.replace("\\", "\\\\").replace('"', '\\"'))
                   for k, v in params.items())


def main():
    trace, dbpath, sample, outdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    here = os.path.dirname(os.path.abspath(__file__))
    over = load_overrides(os.path.join(here, "naive.sql.in"))
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    reps = [r[0] for r in db.execute("SELECT id FROM reps ORDER BY id")]
    teams = [r[0] for r in db.execute("SELECT id FROM teams ORDER BY id")]
    # An even spread over the ids: every kind of rep the generator makes.
    pick = lambda ids: ids[:: max(1, len(ids) // sample)][:sample]
    subj = {"rep": pick(reps), "team": pick(teams)}
    scripts = {"rep": [], "team": []}
    derived, missing, plans = 0, [], []
    for params, sql in parse_trace(trace):
        per = over.get(key(sql))
        if not per and derive(sql):
            per = pin_index(db, derive(sql), first_column(sql))
        if not per:
            missing.append(key(sql) + " " + norm(sql)[:70])
            continue
        derived += 1
        kind = "team" if re.search(r"team_id", first_column(sql) or "") else "rep"
        vals = {k[1:]: db.execute("SELECT " + v).fetchone()[0] for k, v in params.items()}
        full = {r[0]: r[1] for r in db.execute(sql, vals)}
        for s in subj[kind][:10]:
            rows = db.execute(per, dict(vals, subj=s)).fetchall()
            got = {r[0]: r[1] for r in rows}
            want = {s: full[s]} if s in full else {}
            if len(rows) != len(got) or got != want:
                sys.exit("naive.py: per-subject form of %s disagrees for %s %d: %r, not %r\n%s"
                         % (key(sql), kind, s, got, want, per))
        plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + per, dict(vals, subj=subj[kind][0]))]
        plans.append("-- %s\n%s\n%s\n" % (key(sql), norm(per), "\n".join(plan)))
        head = shell_params(params)
        for s in subj[kind]:
            scripts[kind].append('%s.parameter set :subj %d\n%s;\n.parameter clear\n' % (head, s, per))
    for kind in scripts:
        with open(os.path.join(outdir, "naive-%s.sql" % kind), "w", encoding="utf-8") as f:
            f.write("".join(scripts[kind]))
    with open(os.path.join(outdir, "naive-plans.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(plans))
    for m in missing:
        print("naive.py: no per-subject form, left out: " + m, file=sys.stderr)
    print(json.dumps({"reps": len(reps), "teams": len(teams), "rep_sample": len(subj["rep"]),
                      "team_sample": len(subj["team"]), "queries": derived,
                      "missing": len(missing)}))


if __name__ == "__main__":
    main()
