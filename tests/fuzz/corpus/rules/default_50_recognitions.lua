-- Recognitions: the superstars and the supporting cast.
--
-- Leaderboards celebrate the top; these also thank the people who make the
-- top possible (assists, sharing, bridges to other departments), and the
-- team as a whole.
--
-- Params (rules.params in the config) and their defaults:
--   supporting_cast_assists = 4    assists given to teammates
--   sharer_insights         = 2    insights shared...
--   sharer_uses             = 3    ...and used by peers this many times
--   creator_deals           = 3    incremental/referral deals opened
--   magnet_referrals        = 2    referrals the rep's clients made
--   momentum_growth         = 1.2  wins at 120% of last period's
--   bridge_count            = 3    pieces of work with other departments...
--   bridge_departments      = 2    ...spanning this many departments
--   collective_growth       = 1.01 team wins up on last period (+1%)...
--   collective_share        = 0.6  ...with at least 60% of the members growing
-- (top_producer_attainment lives in 10_metrics.lua.)

local param = huddle.param

recognize "top_producer" {
  doc = "At 125% of quota or more (top_producer_attainment)",
  when = function(rep, m) return m.is_top_producer == 1 end,
  message = "${name} reached ${attainment_pct}% of quota: a top producer this period. Thank you for setting the pace!",
}

recognize "supporting_cast" {
  doc = "Assisted teammates on their deals (assists to oneself or within one trading pair don't count)",
  when = function(rep, m)
    return m.reciprocal_pair == 0
       and m.assists_given >= param("supporting_cast_assists", 4)
  end,
  message = "${name} assisted teammates ${assists_given} times this period: the wins behind the wins. Thank you!",
}

recognize "knowledge_sharer" {
  doc = "Shared insights that peers put to use",
  when = function(rep, m)
    return m.insights_shared >= param("sharer_insights", 2)
       and m.insight_uses >= param("sharer_uses", 3)
  end,
  message = "${name} shared ${insights_shared} insights and peers put them to work ${insight_uses} times. That lifts the whole team!",
}

recognize "opportunity_creator" {
  doc = "Opened incremental and referral opportunities, not only base business",
  when = function(rep, m) return m.incremental_created >= param("creator_deals", 3) end,
  message = "${name} opened ${incremental_created} new incremental and referral opportunities: growth beyond the base.",
}

recognize "referral_magnet" {
  doc = "Clients so well served that they referred new business",
  when = function(rep, m) return m.referrals_generated >= param("magnet_referrals", 2) end,
  message = "${name}'s clients referred ${referrals_generated} new deals this period: trust, earned.",
}

recognize "momentum" {
  doc = "Wins well up on last period",
  when = function(rep, m)
    local g = m.won_growth
    return g ~= nil and g >= param("momentum_growth", 1.2)
  end,
  message = "${name} is on a roll: wins up ${won_growth_pct}% on last period. Keep it going!",
}

recognize "bridge_builder" {
  doc = "Worked across departments: marketing, operations, service, product, finance",
  when = function(rep, m)
    return m.cross_dept >= param("bridge_count", 3)
       and m.cross_dept_departments >= param("bridge_departments", 2)
  end,
  message = "${name} built bridges with ${cross_dept_departments} other departments (${cross_dept} joint pieces of work) this period. Thank you for connecting us!",
}

recognize "group_target_hit" {
  subject = "team",
  doc = "The team reached its shared group target",
  when = function(team, m)
    local a = m.team_attainment
    return a ~= nil and a >= 1
  end,
  message = "Team ${name} hit the group target together: ${team_attainment_pct}%! Everyone made this one.",
}

recognize "collective_momentum" {
  subject = "team",
  doc = "Team wins up on last period, carried by most of the members, not one star",
  when = function(team, m)
    local g = m.team_growth
    return g ~= nil and g >= param("collective_growth", 1.01)
       and (m.members_growing or 0) >= param("collective_share", 0.6)
  end,
  message = "Team ${name} is building momentum together: wins up ${team_growth_pct}% on last period, with ${members_growing_pct}% of the team growing.",
}
