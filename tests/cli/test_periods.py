#!/usr/bin/env python3
"""Period forms, fiscal years, the previous period and --as-of (SPEC section 3)."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import datetime

import hcli
from hcli import insert

# One score whose explanation shows the previous period as the rules see it:
# its :start and :stop, read through m.prev.
PREV_RULES = r'''
metric "p_start" { doc = "the period's start as a number",
  sql = [[SELECT id, CAST(strftime('%Y%m%d', :start) AS INTEGER) FROM reps]] }
metric "p_stop" { doc = "the period's stop as a number",
  sql = [[SELECT id, CAST(strftime('%Y%m%d', :stop) AS INTEGER) FROM reps]] }
metric "p_days" { doc = "the period's length", sql = [[SELECT id, :days FROM reps]] }
score "prev_period" {
  weight = 1, doc = "shows the periods",
  fn = function(rep, m)
    return 1, string.format("%d..%d (%d days) after %d..%d (%d days) label %s as_of %s",
      m.p_start, m.p_stop, m.p_days, m.prev.p_start, m.prev.p_stop, m.prev.p_days,
      huddle.period.label, huddle.as_of)
  end,
}
'''

FORMS = "2026-Q3, 2026-07, 2026-W27, 2026, 2026-07-01..2026-09-30"


def compact(iso):
    return iso.replace("-", "")


class Periods(hcli.HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.init_db()
        con = self.connect("team.db")
        insert(con, "teams", [{"id": 1, "name": "Solo"}])
        insert(con, "reps", [{"id": 1, "name": "Ana", "team_id": 1}])
        con.commit()
        con.close()
        self.write("rules/prev.lua", PREV_RULES)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')

    def run_period(self, *args, config=None):
        extra = ["--config", config] if config else []
        r = self.ok("eval", "--db", "team.db", "--format", "json", "--no-save", *extra, *args)
        doc = r.json()
        return doc["run"], doc["reps"][0]["components"][0]["why"]

    def check(self, period, start, stop, prev_start, *, label=None, config=None):
        run, why = self.run_period("--period", period, "--as-of", "2026-01-01", config=config)
        self.assertEqual((run["period"], run["start"], run["stop"]), (label or period, start, stop))
        days = (datetime.date.fromisoformat(stop) - datetime.date.fromisoformat(start)).days
        self.assertEqual(why.split(" label")[0],
                         "%s..%s (%d days) after %s..%s (%d days)" % (
                             compact(start), compact(stop), days, compact(prev_start),
                             compact(start),
                             (datetime.date.fromisoformat(start)
                              - datetime.date.fromisoformat(prev_start)).days))
        self.assertIn("label %s as_of 2026-01-01" % (label or period), why)

    def test_quarter(self):
        self.check("2026-Q3", "2026-07-01", "2026-10-01", "2026-04-01")

    def test_first_quarter_follows_the_fourth_of_the_year_before(self):
        self.check("2026-Q1", "2026-01-01", "2026-04-01", "2025-10-01")

    def test_month(self):
        self.check("2026-07", "2026-07-01", "2026-08-01", "2026-06-01")

    def test_february_of_a_leap_year_and_march_after_it(self):
        self.check("2028-02", "2028-02-01", "2028-03-01", "2028-01-01")
        self.check("2028-03", "2028-03-01", "2028-04-01", "2028-02-01")

    def test_iso_week(self):
        monday = datetime.date.fromisocalendar(2026, 27, 1)
        self.check("2026-W27", monday.isoformat(), (monday + datetime.timedelta(7)).isoformat(),
                   (monday - datetime.timedelta(7)).isoformat())

    def test_first_iso_week_starts_in_the_year_before_and_follows_the_last_week_of_it(self):
        monday = datetime.date.fromisocalendar(2026, 1, 1)
        self.assertEqual(monday.isoformat(), "2025-12-29")
        self.check("2026-W01", "2025-12-29", "2026-01-05", "2025-12-22")

    def test_week_53_exists_only_in_long_iso_years(self):
        monday = datetime.date.fromisocalendar(2026, 53, 1)
        self.check("2026-W53", monday.isoformat(), (monday + datetime.timedelta(7)).isoformat(),
                   (monday - datetime.timedelta(7)).isoformat())
        self.fails(2, "eval", "--db", "team.db", "--no-save", "--period", "2025-W53")

    def test_year(self):
        self.check("2026", "2026-01-01", "2027-01-01", "2025-01-01")

    def test_inclusive_range_and_the_range_of_the_same_length_before_it(self):
        self.check("2026-07-01..2026-09-30", "2026-07-01", "2026-10-01", "2026-03-31")

    def test_one_day_range(self):
        self.check("2026-07-04..2026-07-04", "2026-07-04", "2026-07-05", "2026-07-03")

    def test_fiscal_year_start_shifts_quarters_and_years(self):
        self.write("fy.cfg", 'scripts = [ "rules" ];\nfiscal_year_start = 4;\n')
        self.check("2026-Q1", "2026-04-01", "2026-07-01", "2026-01-01", config="fy.cfg")
        self.check("2026-Q4", "2027-01-01", "2027-04-01", "2026-10-01", config="fy.cfg")
        self.check("2026", "2026-04-01", "2027-04-01", "2025-04-01", config="fy.cfg")
        # Months, weeks and ranges do not move.
        self.check("2026-07", "2026-07-01", "2026-08-01", "2026-06-01", config="fy.cfg")

    def test_fiscal_quarter_before_the_first_crosses_into_the_previous_fiscal_year(self):
        self.write("fy.cfg", 'scripts = [ "rules" ];\nfiscal_year_start = 10;\n')
        self.check("2026-Q1", "2026-10-01", "2027-01-01", "2026-07-01", config="fy.cfg")

    def test_bad_periods_exit_2_with_a_message_listing_the_forms(self):
        for bad in ("2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-W00", "2026-W54", "26",
                    "2026-09-30..2026-07-01", "2026-02-30..2026-03-01", "last quarter", "",
                    "2026-7", "2026-q3"):
            r = self.fails(2, "eval", "--db", "team.db", "--no-save", "--period", bad)
            for form in FORMS.split(", "):
                self.assertIn(form, r.err, "period %r: %s" % (bad, r.err))

    def test_years_before_0001_and_periods_past_9999_exit_2_saying_so(self):
        # Year 0000 made m.prev a year -1, which no label can name.
        with open(self.tmp + "/team.db", "rb") as f:
            before = f.read()
        for bad in ("0000-Q1", "0000", "0000-12", "0000-W01", "0000-12-31..0001-01-05"):
            r = self.fails(2, "eval", "--db", "team.db", "--period", bad)
            self.assertIn("bad period '%s': years run from 0001 to 9999" % bad, r.err)
        for bad in ("9999", "9999-Q4", "9999-12", "9999-12-31..9999-12-31"):
            r = self.fails(2, "eval", "--db", "team.db", "--period", bad)
            self.assertIn("bad period '%s': it ends after 9999-12-30" % bad, r.err)
        with open(self.tmp + "/team.db", "rb") as f:
            self.assertEqual(f.read(), before, "the database changed")
        run, _ = self.run_period("--period", "0001-Q1", "--as-of", "0001-03-31")
        self.assertEqual((run["period"], run["start"], run["stop"]), ("0001-Q1", "0001-01-01", "0001-04-01"))

    def test_period_from_the_config_is_the_default(self):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nperiod = "2025-Q2";\n')
        run, _ = self.run_period()
        self.assertEqual((run["period"], run["start"], run["stop"], run["as_of"]),
                         ("2025-Q2", "2025-04-01", "2025-07-01", "2025-06-30"))

    def test_bad_period_in_the_config_names_the_config(self):
        self.write("huddle.cfg", 'scripts = [ "rules" ];\nperiod = "someday";\n')
        r = self.huddle("eval", "--db", "team.db", "--no-save")
        self.assertIn(r.rc, (2, 3), repr(r))
        self.assertIn("huddle.cfg", r.err)

    def test_default_period_is_the_current_quarter_and_as_of_is_today(self):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        run, _ = self.run_period()
        q = (today.month - 1) // 3 + 1
        if run["as_of"] != today.isoformat():  # midnight passed during the run
            today = datetime.datetime.now(datetime.timezone.utc).date()
        self.assertEqual(run["period"], "%d-Q%d" % (today.year, q))
        self.assertEqual(run["as_of"], today.isoformat())

    def test_as_of_defaults_to_the_day_before_stop_for_a_past_period(self):
        run, _ = self.run_period("--period", "2024-Q3")
        self.assertEqual(run["as_of"], "2024-09-30")

    def test_as_of_defaults_to_today_for_a_period_that_ends_in_the_future(self):
        today = datetime.datetime.now(datetime.timezone.utc).date()
        future = "%d" % (today.year + 2)
        run, why = self.run_period("--period", future)
        self.assertEqual(run["as_of"], datetime.datetime.now(datetime.timezone.utc).date().isoformat())

    def test_explicit_as_of_is_used_and_seen_by_rules(self):
        run, why = self.run_period("--period", "2026-Q3", "--as-of", "2026-08-15")
        self.assertEqual(run["as_of"], "2026-08-15")
        self.assertIn("as_of 2026-08-15", why)

    def test_bad_as_of_exits_2(self):
        for bad in ("2026-13-01", "2026-02-29", "yesterday", "2026-9-1"):
            r = self.fails(2, "eval", "--db", "team.db", "--no-save", "--period", "2026-Q3",
                           "--as-of", bad)
            self.assertIn("YYYY-MM-DD", r.err)


if __name__ == "__main__":
    hcli.main()
