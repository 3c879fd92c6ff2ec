-- Activity without results, caught early.
--
-- This file REPLACES the default "activity_without_results" coaching trigger
-- (scripts/60_coaching.lua) with `override = true`.
--
-- The default speaks up at 60 activities with no win in the period. By then
-- the quarter is mostly gone. Our version:
--   * has a lower floor: 40 activities in a full period;
--   * scales the floor to the part of the period already gone by, so that a
--     mid-quarter huddle (--as-of) catches the pattern while there is still
--     time to fix it: halfway through the quarter, 20 activities and no win;
--   * never goes below 15 activities: early in a quarter, a handful of calls
--     without a win is no pattern yet.
--
-- Params (rules.params in huddle.cfg) and their defaults:
--   early_activity_floor = 40   activities with no win over a whole period
--   early_activity_min   = 15   the floor never goes below this

local param = huddle.param

-- The activity floor for today: the full-period floor times the share of
-- the period gone by at the as-of date.
local function floor_for_today()
  local p = huddle.period
  local elapsed = huddle.clamp(huddle.days_between(p.start, huddle.as_of) + 1, 1, p.days)
  return math.max(param("early_activity_floor", 40) * elapsed / p.days,
                  param("early_activity_min", 15))
end

coach "activity_without_results" {
  override = true,      -- replace the default rule of the same name
  severity = "high",
  doc = "Activity without wins, caught early: 40 activities per period (prorated to the as-of date, at least 15) and no win",
  when = function(rep, m)
    return m.activities >= floor_for_today() and m.won_deals == 0
  end,
  advice = "${name} has logged ${activities} activities this period and no win yet. Don't wait for the quarter to end: this week, review targeting and call quality together, pick the five best-fit accounts, and plan each next step around their strengths (${top_strength}).",
}
