-- Team contest: "New business, together".
--
-- A NEW team recognition for a sales contest. Every team that wins enough new
-- business this period (incremental and referral deals, not base business)
-- wins the contest, as long as no one carried it alone: the top 20% of the
-- team (at least one rep) may bring at most half of those wins. Several teams
-- can win; a team competes against the goal, not against the other teams.
--
-- Params (rules.params in huddle.cfg) and their defaults:
--   contest_new_wins  = 4     incremental and referral deals the team must win
--   contest_top_share = 0.5   most of those wins the top 20% may bring

local param = huddle.param

-- Team metrics built from the reps' own "incremental_won" metric (defined in
-- the default rule set) with team:sum and team:share_of_top. Being metrics,
-- they show up in `huddle explain` and can be used in the message below.

metric "team_new_wins" {
  subject = "team",
  doc = "Incremental and referral deals the team's reps won this period",
  fn = function(m, team) return team:sum("incremental_won") or 0 end,
}

metric "team_new_wins_top_pct" {
  subject = "team",
  doc = "Percent of the team's new-business wins brought by its top 20% (nil: no wins)",
  fn = function(m, team)
    local share = team:share_of_top(0.2, "incremental_won")
    return share and math.floor(100 * share + 0.5)
  end,
}

recognize "new_business_contest" {
  subject = "team",
  doc = "Team contest: enough incremental and referral wins, brought by the whole team",
  when = function(team, m)
    local top = m.team_new_wins_top_pct
    return m.team_new_wins >= param("contest_new_wins", 4)
       and top ~= nil and top <= 100 * param("contest_top_share", 0.5)
  end,
  message = "Team ${name} wins the new-business contest: ${team_new_wins} incremental and referral deals won, and no one carried it alone (the top 20% brought ${team_new_wins_top_pct}% of them). Well played, together!",
}
