-- Team scores: sales is a team sport, so every team has its own scorecard.
--
-- Weights (sum to exactly 100):
--   team_attainment 40, team_momentum 20, team_balance 20, collaboration_density 20
--
-- Params (rules.params in the config) and their defaults:
--   team_attainment_cap  = 1.0   share of the group target that earns full marks
--   momentum_span        = 0.25  +25% on last period earns full marks, -25% none;
--                                a flat period scores 0.5
--   density_target       = 0.8   share of members assisting or sharing for full marks
--
-- team_balance needs the bundled stats plugin (huddle.stats); `huddle plugins`
-- says whether it is loaded.

local clamp, param = huddle.clamp, huddle.param
local stats = huddle.stats

local function pct(x) return string.format("%.0f%%", 100 * x) end

score "team_attainment" {
  subject = "team",
  weight = 40,
  doc = "Collective attainment against the team's shared group target",
  fn = function(team, m)
    local a = m.team_attainment
    if a == nil then return nil, "no group target for this period" end
    return clamp(a / param("team_attainment_cap", 1.0), 0, 1),
           string.format("%s of the group target", pct(a))
  end,
}

score "team_momentum" {
  subject = "team",
  weight = 20,
  doc = "Team momentum: won this period against last period (flat scores half)",
  fn = function(team, m)
    local g = m.team_growth
    if g == nil then
      if m.team_won_amount > 0 then return 1, "first wins after a period without any" end
      return nil, "no wins this period or last"
    end
    local span = param("momentum_span", 0.25)
    local pct = math.floor(100 * (g - 1) + 0.5)   -- whole percent, never "-0%"
    return clamp(0.5 + 0.5 * (g - 1) / span, 0, 1),
           pct == 0 and "level with last period" or string.format("%+d%% on last period", pct)
  end,
}

score "team_balance" {
  subject = "team",
  weight = 20,
  doc = "Balance: how evenly the wins are spread over the members (Gini coefficient; an even spread scores 1)",
  fn = function(team, m)
    if not stats then error("team_balance needs the stats plugin; 'huddle plugins' says why it is not loaded") end
    local wins = m.members.won_amount
    local g = stats.gini(wins)
    if g == nil then return nil, "no wins to spread" end
    local n = #wins
    if n == 1 then return 0, "one member holds all the wins" end
    -- Among n members the Gini coefficient runs from 0 (everyone won the
    -- same) to (n - 1) / n (one member won everything): scaled so that the
    -- most uneven spread scores 0 whatever the team's size.
    return clamp(1 - g * n / (n - 1), 0, 1),
           string.format("Gini %.2f across %d members (0 is an even spread)", g, n)
  end,
}

score "collaboration_density" {
  subject = "team",
  weight = 20,
  doc = "Collaboration density: share of members who assisted a teammate or shared an insight",
  fn = function(team, m)
    local n = #team.members
    if n == 0 then return nil, "no members" end
    local helping = team:sum("collaborated") or 0
    return clamp(helping / n / param("density_target", 0.8), 0, 1),
           string.format("%d of %d members assisted or shared", helping, n)
  end,
}
