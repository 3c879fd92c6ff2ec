-- Team metrics: the group target and what the team did together.
--
-- Team rules also aggregate rep metrics over the members with
-- team:sum(...), team:avg(...), team:share_of_top(...) and friends.
-- No params are read here.

local ratio = huddle.ratio

-- Every deal of the team's reps counts toward the group target, including
-- those of a rep who left during the period: the team still closed them.
metric "team_won_amount" {
  subject = "team",
  doc = "Closed-won revenue of all the team's reps in the period",
  sql = [[SELECT r.team_id, SUM(d.amount)
          FROM deals d JOIN reps r ON r.id = d.rep_id
          WHERE d.stage = 'won' AND d.closed_on >= :start AND d.closed_on < :stop
          GROUP BY r.team_id]],
  default = 0,
}

-- Prorated like rep quotas: a target row counts for the days it shares
-- with the period.
metric "team_target" {
  subject = "team",
  doc = "The team's shared group target for the period, prorated by overlapping days",
  sql = [[SELECT team_id,
                 SUM(amount
                     * (MIN(julianday(ends_on) + 1, julianday(:stop))
                        - MAX(julianday(starts_on), julianday(:start)))
                     / (julianday(ends_on) - julianday(starts_on) + 1))
          FROM team_targets
          WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY team_id]],
}

metric "team_attainment" {
  subject = "team",
  doc = "Team won amount over the group target (nil: no target)",
  fn = function(m) return ratio(m.team_won_amount, m.team_target) end,
}

metric "team_attainment_pct" {
  subject = "team",
  doc = "Team attainment as a whole percentage, for messages",
  fn = function(m)
    local a = m.team_attainment
    return a and math.floor(100 * a + 0.5)
  end,
}

metric "team_growth" {
  subject = "team",
  doc = "Team won amount over last period's (nil when last period had none)",
  fn = function(m) return ratio(m.team_won_amount, m.prev.team_won_amount) end,
}

metric "team_growth_pct" {
  subject = "team",
  doc = "Team growth over last period, whole percent",
  fn = function(m)
    local g = m.team_growth
    return g and math.floor(100 * (g - 1) + 0.5)
  end,
}

-- A rep metric, here because only the team rules read it.
metric "won_grew" {
  doc = "1 when the rep won more than in the previous period, else 0",
  fn = function(m) return m.won_amount > m.prev.won_amount and 1 or 0 end,
}

metric "members_growing" {
  subject = "team",
  doc = "Share of the team's members who won more than last period",
  fn = function(m, team) return team:avg("won_grew") end,
}

metric "members_growing_pct" {
  subject = "team",
  doc = "Share of members growing, whole percent, for messages",
  fn = function(m)
    local s = m.members_growing
    return s and math.floor(100 * s + 0.5)
  end,
}
