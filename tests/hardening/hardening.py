"""Helpers shared by the hardening tests, on top of tests/cli/hcli.py.

Import this first in a test script: it puts tests/cli on sys.path, so
`import hcli` works, and offers a small team database and a fingerprint
of a database file for "bad input changes nothing" checks.
"""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import hashlib
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))

import hcli  # noqa: E402  (needs the path above)
from hcli import insert  # noqa: E402

PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]


def fingerprint(path):
    """SHA-256 of the database file and of its -wal and -shm files, if any:
    equal fingerprints mean the database was not touched."""
    h = hashlib.sha256()
    for suffix in ("", "-wal", "-shm"):
        p = path + suffix
        h.update(suffix.encode() + b":")
        if os.path.exists(p):
            with open(p, "rb") as f:
                h.update(f.read())
        else:
            h.update(b"(none)")
    return h.hexdigest()


class Case(hcli.HuddleTestCase):
    """A test in a fresh folder with team.db: two teams, three reps, deals
    in 2026-Q3; the database is fully checkpointed (no -wal file)."""

    def setUp(self):
        super().setUp()
        self.init_db("team.db")
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "West"}, {"id": 2, "name": "East"}])
        insert(con, "reps", [{"id": 1, "name": "Ana", "team_id": 1},
                             {"id": 2, "name": "Ben", "team_id": 1},
                             {"id": 3, "name": "Cara", "team_id": 2}])
        insert(con, "deals", [{"id": i, "rep_id": i, "amount": 100 * i, "stage": "won",
                               "created_on": "2026-07-01", "closed_on": "2026-08-01"} for i in (1, 2, 3)])
        con.commit()
        con.close()
        self.db = os.path.join(self.tmp, "team.db")

    def fingerprint(self, db=None):
        return fingerprint(db or self.db)

    def deals(self):
        con = self.connect("team.db")
        try:
            return con.execute("SELECT count(*), sum(amount) FROM deals").fetchone()
        finally:
            con.close()

    def assertUnchanged(self, before, db=None, msg=None):
        self.assertEqual(self.fingerprint(db), before, msg or "the database file changed")

    def assertNoNewFiles(self, before, msg=None):
        self.assertEqual(sorted(os.listdir(self.tmp)), before, msg or "a file appeared")


main = hcli.main
