"""A small hand-made team, its own rules and config, and the scorecards
computed by hand.

The data is inserted with Python's sqlite3 into a database made by
`huddle init`; the rules are written into myrules/ and loaded through a
config (`scripts = [ "myrules" ];`) so that the default rule set is not
loaded and every number below can be worked out on paper.

Period 2026-Q3 = [2026-07-01, 2026-10-01) (92 days), as of 2026-09-30;
the previous period is 2026-Q2 = [2026-04-01, 2026-07-01).

    team West (1): Ana (1), Ben (2), Cara (3); Hal (8) is hired on the
                   period's stop day, so he is not evaluated
    team East (2): Dev (4), Eve (5), Gil (6)
    team North (3): only Finn (7), who is inactive: the team does not appear
"""


from hcli import insert, line_of

PERIOD = ["--period", "2026-Q3", "--as-of", "2026-09-30"]

METRICS_LUA = r'''-- Metrics of the hand-made fixture.
metric "won" {
  doc = "Closed-won revenue in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "deals_won" {
  doc = "Deals won in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "big_won" {
  doc = "Won deals at least as large as the big_deal param",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
            AND amount >= :param_big_deal
          GROUP BY rep_id]],
  default = 0,
}

metric "quota" {
  doc = "Quota prorated by the days each quota row overlaps the period",
  sql = [[SELECT rep_id,
                 SUM(amount * (MIN(julianday(ends_on) + 1, julianday(:stop))
                               - MAX(julianday(starts_on), julianday(:start)))
                            / (julianday(ends_on) - julianday(starts_on) + 1))
          FROM quotas
          WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY rep_id]],
}

metric "calls" {
  doc = "Calls made in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM activities
          WHERE kind = 'call' AND occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "assists" {
  doc = "Assists given to someone else in the period",
  sql = [[SELECT helper_id, COUNT(*) FROM assists
          WHERE helper_id <> helped_id AND occurred_on >= :start AND occurred_on < :stop
          GROUP BY helper_id]],
  default = 0,
}

metric "attainment" {
  doc = "Won over the prorated quota",
  fn = function(m, rep) return huddle.ratio(m.won, m.quota) end,
}

metric "target" {
  subject = "team",
  doc = "The team's group target",
  sql = [[SELECT team_id, SUM(amount) FROM team_targets
          WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY team_id]],
}
'''

RULES_LUA = r'''-- Scores, recognitions and coaching of the hand-made fixture.
score "attain" {
  weight = 40,
  doc = "Attainment of the prorated quota, unclamped",
  fn = function(rep, m)
    local a = m.attainment
    if a == nil then return nil end
    return a, string.format("%.0f%% of quota", 100 * a)
  end,
}

score "growth" {
  weight = 20,
  doc = "Won this period against the previous one",
  fn = function(rep, m)
    if m.won == 0 and m.prev.won == 0 then return nil end
    local r = huddle.ratio(m.won, m.prev.won, 1)
    return r / 2, string.format("%.2fx last period", r)
  end,
}

score "activity" {
  weight = 30,
  doc = "Calls made; ten is full marks",
  fn = function(rep, m)
    if rep.name == "Dev" then error("no activity feed for " .. rep.name) end -- ERROR HERE
    if m.calls == 0 then return nil end
    return m.calls / 10
  end,
}

score "legacy" {
  weight = 10,
  doc = "Disabled in the config; would fail for everyone",
  fn = function(rep, m) error("legacy must not run") end,
}

recognize "closer" {
  doc = "Won two deals or more",
  when = function(rep, m) return m.deals_won >= 2 end,
  message = "${name} closed ${deals_won} deals at ${attainment} of quota",
}

recognize "big_fish" {
  doc = "Won a deal of at least the big_deal param",
  when = function(rep, m) return m.big_won >= 1 end,
  message = "${name} landed ${big_won} big deal(s)",
}

recognize "helper" {
  doc = "Assisted a teammate",
  when = function(rep, m)
    if m.assists > 0 then return rep.name .. " helped " .. rep.team.name end
    return false
  end,
}

recognize "shout" {
  doc = "Disabled in the config; would fire for everyone",
  when = function(rep, m) return true end,
  message = "everyone is great",
}

coach "few_calls" {
  severity = "high",
  doc = "Fewer calls than the call_floor param",
  when = function(rep, m) return m.calls < huddle.param("call_floor", 5) end,
  advice = "Plan call blocks with ${name}; calls so far: ${calls}",
}

score "team_attain" {
  subject = "team",
  weight = 60,
  doc = "Members' wins against the group target",
  fn = function(team, m)
    local won = team:sum("won")
    return huddle.ratio(won, m.target), string.format("%.0f of %.0f", won, m.target)
  end,
}

score "team_avg_attain" {
  subject = "team",
  weight = 40,
  doc = "Average attainment of the members that have a quota",
  fn = function(team, m) return team:avg("attainment") end,
}

recognize "group_target" {
  subject = "team",
  doc = "The team's wins reached the group target",
  when = function(team, m) return team:sum("won") >= m.target end,
  message = "${name} hit the group target of ${target}",
}

coach "team_low" {
  subject = "team",
  severity = "low",
  doc = "Average attainment under half",
  when = function(team, m) return team:avg("attainment") < 0.5 end,
  advice = "Pipeline review with ${manager}",
}
'''

CONFIG = '''# The hand-made fixture's config.
scripts = [ "myrules" ];
rules = {
  weights  = { attain = 50; };
  disabled = [ "legacy", "shout" ];
  params   = { call_floor = 3; big_deal = 5500; };
};
'''

ERROR_FILE = "myrules/20_rules.lua"
ERROR_LINE = line_of(RULES_LUA, "-- ERROR HERE")


def write_rules(tc, config_name="main.cfg", config=CONFIG):
    tc.write("myrules/10_metrics.lua", METRICS_LUA)
    tc.write(ERROR_FILE, RULES_LUA)
    tc.write(config_name, config)
    return config_name


def build(tc, db="team.db", config_name="main.cfg"):
    """Creates the database, the rules and the config in tc's folder."""
    tc.init_db(db)
    con = tc.connect(db)
    insert(con, "teams", [
        {"id": 1, "name": "West", "manager": "Wes"},
        {"id": 2, "name": "East", "manager": "Mia"},
        {"id": 3, "name": "North", "manager": "Nor"},
    ])
    insert(con, "reps", [
        {"id": 1, "name": "Ana", "team_id": 1, "hired_on": "2020-01-01"},
        {"id": 2, "name": "Ben", "team_id": 1},
        {"id": 3, "name": "Cara", "team_id": 1},
        {"id": 4, "name": "Dev", "team_id": 2},
        {"id": 5, "name": "Eve", "team_id": 2},
        {"id": 6, "name": "Gil", "team_id": 2},
        {"id": 7, "name": "Finn", "team_id": 3, "active": 0},
        {"id": 8, "name": "Hal", "team_id": 1, "hired_on": "2026-10-01"},
    ])
    insert(con, "quotas", [
        # Ana: two rows, each spanning two quarters.
        {"rep_id": 1, "starts_on": "2026-06-01", "ends_on": "2026-08-31", "amount": 9200},
        {"rep_id": 1, "starts_on": "2026-09-01", "ends_on": "2026-11-30", "amount": 9100},
        {"rep_id": 2, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 10000},
        {"rep_id": 3, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 10000},
        {"rep_id": 4, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 7000},
        # Eve and Gil have no quota.
        {"rep_id": 8, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 1},
    ])
    insert(con, "team_targets", [
        {"team_id": 1, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 20000},
        {"team_id": 2, "starts_on": "2026-07-01", "ends_on": "2026-09-30", "amount": 10000},
    ])
    deals = [
        # id, rep, amount, stage, created, closed
        (1, 1, 5000, "won", "2026-06-01", "2026-07-15"),
        (2, 1, 6000, "won", "2026-07-01", "2026-09-30"),   # the period's last day: counts
        (3, 1, 7000, "won", "2026-07-01", "2026-10-01"),   # the next day: does not
        (4, 1, 3000, "lost", "2026-07-01", "2026-08-01"),
        (5, 1, 4000, "won", "2026-04-01", "2026-05-10"),   # previous period
        (6, 2, 5000, "won", "2026-07-01", "2026-08-15"),
        (7, 2, 2500, "won", "2026-04-01", "2026-05-01"),
        (8, 3, 5000, "won", "2026-07-01", "2026-08-15"),
        (9, 3, 2500, "won", "2026-04-01", "2026-05-01"),
        (10, 4, 2000, "won", "2026-07-01", "2026-08-01"),
        (11, 4, 1000, "won", "2026-07-01", "2026-09-01"),
        (12, 5, 1000, "won", "2026-07-01", "2026-07-20"),
        (13, 5, 1000, "won", "2026-04-01", "2026-04-20"),
        (14, 4, 9000, "open", "2026-08-01", None),
        (15, 7, 9000, "won", "2026-07-01", "2026-08-01"),  # inactive Finn
        (16, 8, 9000, "won", "2026-07-01", "2026-08-01"),  # Hal, not hired yet
    ]
    insert(con, "deals", [
        {"id": d[0], "rep_id": d[1], "amount": d[2], "stage": d[3], "kind": "base",
         "created_on": d[4], "closed_on": d[5]} for d in deals])
    acts, aid = [], 0

    def act(rep, kind, day, n=1):
        nonlocal aid
        for _ in range(n):
            aid += 1
            acts.append({"id": aid, "rep_id": rep, "kind": kind, "occurred_on": day})
    act(1, "call", "2026-07-02", 4)
    act(1, "call", "2026-09-30", 4)
    act(1, "email", "2026-08-01", 2)
    act(1, "call", "2026-10-01", 1)   # next period
    act(1, "call", "2026-06-30", 1)   # previous period
    act(2, "call", "2026-07-10", 4)
    act(3, "call", "2026-07-10", 4)
    act(4, "call", "2026-07-10", 2)
    act(5, "call", "2026-07-11", 6)
    insert(con, "activities", acts)
    insert(con, "assists", [
        {"id": 1, "helper_id": 5, "helped_id": 4, "deal_id": 10, "occurred_on": "2026-08-05"},
        {"id": 2, "helper_id": 2, "helped_id": 2, "deal_id": 6, "occurred_on": "2026-08-05"},
    ])
    con.commit()
    con.close()
    write_rules(tc, config_name)
    return db


# ---------------------------------------------------------------------
# The scorecards, by hand.
#
# Ana's quota: row 1 covers 2026-06-01..08-31 (92 days), 62 of them in Q3
# (July and August); row 2 covers 2026-09-01..11-30 (91 days), 30 in Q3.
ANA_QUOTA = 9200 * 62 / 92 + 9100 * 30 / 91          # = 6200 + 3000 = 9200
ANA_WON = 5000 + 6000                                # 7000 closed on 10-01 is out
ANA_ATT = ANA_WON / ANA_QUOTA                        # 1.1956...
ANA_GROWTH = ANA_WON / 4000                          # 2.75
BEN_ATT = 5000 / 10000
DEV_ATT = 3000 / 7000

W_ATTAIN, W_GROWTH, W_ACTIVITY = 50, 20, 30          # attain: 40 in the file, 50 in the config


def score(*parts):
    """100 x sum(w v) / sum(w) over (weight, value) pairs."""
    return 100 * sum(w * v for w, v in parts) / sum(w for w, _ in parts)


def comp(rule, value, raw, weight, why):
    return {"rule": rule, "value": value, "raw": raw, "weight": weight, "why": why}


EXPECTED_REPS = [
    {"id": 1, "name": "Ana", "team": "West",
     "score": score((W_ATTAIN, 1), (W_GROWTH, 1), (W_ACTIVITY, 0.8)),      # = 94
     "rank": 1, "team_rank": 1,
     "components": [
         comp("attain", 1, ANA_ATT, W_ATTAIN, "120% of quota"),
         comp("growth", 1, ANA_GROWTH / 2, W_GROWTH, "2.75x last period"),
         comp("activity", 0.8, 0.8, W_ACTIVITY, None),
     ],
     "recognitions": [
         {"policy": "closer", "message": "Ana closed 2 deals at 1.20 of quota"},
         {"policy": "big_fish", "message": "Ana landed 1 big deal(s)"},
     ],
     "coaching": [], "errors": []},
    {"id": 2, "name": "Ben", "team": "West",
     "score": score((W_ATTAIN, 0.5), (W_GROWTH, 1), (W_ACTIVITY, 0.4)),    # = 57
     "rank": 2, "team_rank": 2,
     "components": [
         comp("attain", 0.5, BEN_ATT, W_ATTAIN, "50% of quota"),
         comp("growth", 1, 1, W_GROWTH, "2.00x last period"),
         comp("activity", 0.4, 0.4, W_ACTIVITY, None),
     ],
     # Ben's only assist was to himself: no "helper".  His 4 calls are not
     # under call_floor = 3 (they would be under the rule's default of 5).
     "recognitions": [], "coaching": [], "errors": []},
    {"id": 3, "name": "Cara", "team": "West",
     "score": score((W_ATTAIN, 0.5), (W_GROWTH, 1), (W_ACTIVITY, 0.4)),    # = 57, tied
     "rank": 2, "team_rank": 2,
     "components": [
         comp("attain", 0.5, BEN_ATT, W_ATTAIN, "50% of quota"),
         comp("growth", 1, 1, W_GROWTH, "2.00x last period"),
         comp("activity", 0.4, 0.4, W_ACTIVITY, None),
     ],
     "recognitions": [], "coaching": [], "errors": []},
    {"id": 5, "name": "Eve", "team": "East",
     "score": score((W_GROWTH, 0.5), (W_ACTIVITY, 0.6)),                   # = 56, no quota
     "rank": 4, "team_rank": 1,
     "components": [
         comp("attain", None, None, W_ATTAIN, None),
         comp("growth", 0.5, 0.5, W_GROWTH, "1.00x last period"),
         comp("activity", 0.6, 0.6, W_ACTIVITY, None),
     ],
     "recognitions": [{"policy": "helper", "message": "Eve helped East"}],
     "coaching": [], "errors": []},
    {"id": 4, "name": "Dev", "team": "East",
     "score": score((W_ATTAIN, DEV_ATT), (W_GROWTH, 0.5)),                 # = 44.897...
     "rank": 5, "team_rank": 2,
     "components": [
         comp("attain", DEV_ATT, DEV_ATT, W_ATTAIN, "43% of quota"),
         comp("growth", 0.5, 0.5, W_GROWTH, "1.00x last period"),   # nothing last period: ratio default 1
         comp("activity", None, None, W_ACTIVITY, None),            # raised an error
     ],
     "recognitions": [{"policy": "closer", "message": "Dev closed 2 deals at 0.43 of quota"}],
     "coaching": [{"trigger": "few_calls", "severity": "high",
                   "advice": "Plan call blocks with Dev; calls so far: 2"}],
     "errors": [{"rule": "activity", "where": "%s:%d" % (ERROR_FILE, ERROR_LINE),
                 "message": "no activity feed for Dev"}]},
    {"id": 6, "name": "Gil", "team": "East",
     "score": None, "rank": None, "team_rank": None,
     "components": [
         comp("attain", None, None, W_ATTAIN, None),
         comp("growth", None, None, W_GROWTH, None),
         comp("activity", None, None, W_ACTIVITY, None),
     ],
     "recognitions": [],
     "coaching": [{"trigger": "few_calls", "severity": "high",
                   "advice": "Plan call blocks with Gil; calls so far: 0"}],
     "errors": []},
]

WEST_AVG_ATT = (ANA_ATT + BEN_ATT + BEN_ATT) / 3
EAST_AVG_ATT = DEV_ATT                                # Eve and Gil have no attainment

EXPECTED_TEAMS = [
    {"id": 1, "name": "West",
     "score": score((60, 1), (40, WEST_AVG_ATT)), "rank": 1, "members": 3,
     "components": [
         comp("team_attain", 1, 21000 / 20000, 60, "21000 of 20000"),
         comp("team_avg_attain", WEST_AVG_ATT, WEST_AVG_ATT, 40, None),
     ],
     "recognitions": [{"policy": "group_target", "message": "West hit the group target of 20000"}],
     "coaching": [], "errors": []},
    {"id": 2, "name": "East",
     "score": score((60, 4000 / 10000), (40, EAST_AVG_ATT)), "rank": 2, "members": 3,
     "components": [
         comp("team_attain", 0.4, 0.4, 60, "4000 of 10000"),
         comp("team_avg_attain", EAST_AVG_ATT, EAST_AVG_ATT, 40, None),
     ],
     "recognitions": [],
     "coaching": [{"trigger": "team_low", "severity": "low", "advice": "Pipeline review with Mia"}],
     "errors": []},
]

# Sanity of the hand arithmetic itself.
assert abs(ANA_QUOTA - 9200) < 1e-9
assert abs(EXPECTED_REPS[0]["score"] - 94) < 1e-9
assert abs(EXPECTED_REPS[1]["score"] - 57) < 1e-9
assert abs(EXPECTED_REPS[3]["score"] - 56) < 1e-9


