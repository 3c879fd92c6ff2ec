-- Rep scores: a continuous composite, never a pass/fail flag.
--
-- Weights (sum to exactly 100; pacing is informational, weight 0):
--   attainment 30, pipeline_coverage 10, incremental 10, conversion 10,
--   collaboration 15, development 10, client_outcomes 15, pacing 0
--
-- Params (rules.params in the config) and their defaults:
--   attainment_cap      = 1.2   attainment that earns full marks (120% of quota)
--   coverage_target     = 3     open pipeline worth 3x the quota still to close
--   incremental_target  = 0.4   share of new and won deals that are incremental/referral
--   conversion_target   = 0.1   wins per activity for full marks (1 win per 10)
--   spike_discount      = 0.5   conversion counts half after an activity spike
--   assists_target      = 4     assists for full marks on the assists half
--   insights_target     = 2     insights shared for full marks on that quarter
--   insight_uses_target = 4     uses by peers for full marks on that quarter
--   plan_fresh_days     = 120   an action plan updated this recently is current
--   referral_target     = 2     referrals generated for full marks on that half
-- (reciprocal_discount, spike_ratio, spike_min and spike_days live in 10_metrics.lua.)

local clamp, ratio, param = huddle.clamp, huddle.ratio, huddle.param

-- 48000 -> "48,000"
local function money(x)
  local s = string.format("%.0f", x)
  local neg, digits = s:match("^(-?)(%d+)$")
  if not digits then return s end
  return neg .. digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
end

local function pct(x) return string.format("%.0f%%", 100 * x) end

local function plural(n, one, many)
  return string.format("%d %s", n, n == 1 and one or (many or one .. "s"))
end

score "attainment" {
  weight = 30,
  doc = "Quota attainment on the prorated quota, rising smoothly to full marks at 120%",
  fn = function(rep, m)
    local a = m.attainment
    if a == nil then return nil, "no quota for this period" end
    return clamp(a / param("attainment_cap", 1.2), 0, 1),
           string.format("%s of quota (%s of %s)", pct(a), money(m.won_amount), money(m.quota))
  end,
}

score "pipeline_coverage" {
  weight = 10,
  doc = "Open pipeline against the quota still to close (3x coverage earns full marks)",
  fn = function(rep, m)
    local remaining = m.remaining_quota
    if remaining == nil then return nil, "no quota for this period" end
    if remaining <= 0 then
      return 1, string.format("quota met; %s in open pipeline", money(m.open_pipeline))
    end
    local cov = m.pipeline_coverage
    return clamp(cov / param("coverage_target", 3), 0, 1),
           string.format("%.1fx coverage: %s open for %s still to close",
                         cov, money(m.open_pipeline), money(remaining))
  end,
}

score "incremental" {
  weight = 10,
  doc = "New business beyond the base: incremental and referral deals among those opened and won",
  fn = function(rep, m)
    local all = m.deals_created + m.won_deals
    if all == 0 then return nil, "no deals opened or won" end
    local mix = (m.incremental_created + m.incremental_won) / all
    return clamp(mix / param("incremental_target", 0.4), 0, 1),
           string.format("%d of %d new deals and %d of %d wins are incremental or referral",
                         m.incremental_created, m.deals_created, m.incremental_won, m.won_deals)
  end,
}

score "conversion" {
  weight = 10,
  doc = "Activity turned into results: wins per activity, discounted after a last-week activity spike",
  fn = function(rep, m)
    local conv = m.conversion
    if conv == nil then return nil, "no activity logged" end
    local value = clamp(conv / param("conversion_target", 0.1), 0, 1)
    local why = string.format("%s from %s", plural(m.won_deals, "win"),
                              plural(m.activities, "activity", "activities"))
    if m.activity_spiked == 1 then
      value = value * param("spike_discount", 0.5)
      why = why .. string.format(" (discounted: %d activities in the last week)",
                                 m.activities_last_week)
    end
    return value, why
  end,
}

score "collaboration" {
  weight = 15,
  doc = "Team play: assists given (half), insights shared (a quarter) and used by peers (a quarter)",
  fn = function(rep, m)
    local assists = clamp(m.assists_credited / param("assists_target", 4), 0, 1)
    local shared = clamp(m.insights_shared / param("insights_target", 2), 0, 1)
    local used = clamp(m.insight_uses / param("insight_uses_target", 4), 0, 1)
    local why = string.format("%s, %s shared, used %s by peers",
                              plural(m.assists_given, "assist"),
                              plural(m.insights_shared, "insight"),
                              plural(m.insight_uses, "time"))
    if m.reciprocal_pair == 1 and m.assists_given > 0 then
      why = why .. " (assists all within one pair: discounted)"
    end
    return 0.5 * assists + 0.25 * shared + 0.25 * used, why
  end,
}

score "development" {
  weight = 10,
  doc = "Growing on purpose: training attended, current sales and life plans, a debriefed assessment",
  fn = function(rep, m)
    local fresh = param("plan_fresh_days", 120)
    local function current(age) return age ~= nil and age <= fresh end
    local function plan_word(age)
      if age == nil then return "missing" end
      return current(age) and "current" or "stale"
    end
    local parts, why = {}, {}
    if m.training_rate ~= nil then
      parts[#parts + 1] = m.training_rate
      why[#why + 1] = string.format("%d of %d trainings", m.trainings_attended, m.trainings_offered)
    end
    parts[#parts + 1] = ((current(m.sales_plan_age) and 0.5 or 0)
                         + (current(m.life_plan_age) and 0.5 or 0))
    why[#why + 1] = string.format("sales plan %s, life plan %s",
                                  plan_word(m.sales_plan_age), plan_word(m.life_plan_age))
    parts[#parts + 1] = m.assessment_debriefed == 1 and 1 or 0
    if m.assessment_debriefed == nil then
      why[#why + 1] = "no strengths assessment"
    elseif m.assessment_debriefed == 1 then
      why[#why + 1] = "strengths debriefed"
    else
      why[#why + 1] = "strengths not yet debriefed"
    end
    local sum = 0
    for _, p in ipairs(parts) do sum = sum + p end
    return sum / #parts, table.concat(why, ", ")
  end,
}

score "client_outcomes" {
  weight = 15,
  doc = "Clients who succeed and refer: referrals generated and client success metrics met",
  fn = function(rep, m)
    local referrals = clamp(m.referrals_generated / param("referral_target", 2), 0, 1)
    local why = plural(m.referrals_generated, "referral")
    local met = m.client_success_rate
    if met == nil then
      return referrals, why .. ", no client success metrics measured yet"
    end
    return (referrals + met) / 2,
           string.format("%s, %s of client success metrics met", why, pct(met))
  end,
}

score "pacing" {
  weight = 0,
  doc = "Informational: won so far against the quota prorated to the as-of date (not counted)",
  fn = function(rep, m)
    local p = m.pacing
    if p == nil then return nil, "no quota for this period" end
    -- Returned unclamped: the engine shows 1 and keeps the raw pace (1.3 = 130%).
    return p,
           string.format("%s of the quota due by %s (%s of %s); shown, not counted",
                         pct(p), huddle.as_of, money(m.won_to_date), money(m.quota_to_date))
  end,
}
