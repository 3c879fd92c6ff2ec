-- Coaching triggers: where a conversation would help, and how to start it.
--
-- Manage from strengths: every piece of advice names the rep's top strength
-- (from the latest strengths assessment; "-" until there is one) and says
-- what to do next, not only what went wrong.
--
-- Params (rules.params in the config) and their defaults:
--   activity_floor      = 60    activities in the period with no win is a pattern
--   decline_drop        = 0.2   wins down 20% on last period, after a period that
--                               was no better than the one before
--   training_min_rate   = 0.5   attending less than half the trainings is skipping
--   debrief_grace_days  = 30    an assessment should be debriefed within 30 days
--   plan_fresh_days     = 120   action plans older than this are stale (also in 30_scores.lua)
--   low_energy_max      = 2.5   average check-in energy at or below this is low
--   base_only_min_deals = 3     deals worked (opened, won or lost) before "base
--                               business only" is a pattern
--   ready_attainment    = 0.8   ready for coaching: wants to grow, below this attainment...
--   coaching_gap_days   = 90    ...and no coaching session for this many days
--   reciprocal_min      = 2     assists within one pair before it is worth a look
-- (spike_ratio, spike_min, spike_days and top_producer_attainment live in 10_metrics.lua.)

local param = huddle.param

coach "activity_without_results" {
  severity = "high",
  doc = "Lots of activity, no wins: activity is not results",
  when = function(rep, m)
    return m.activities >= param("activity_floor", 60) and m.won_deals == 0
  end,
  advice = "${name} logged ${activities} activities and no win yet. Review targeting and call quality together, pick the five best-fit accounts, and plan each next step around their strengths (${top_strength}).",
}

coach "declining_trend" {
  severity = "medium",
  doc = "Wins falling: down on last period, which was no better than the one before",
  when = function(rep, m)
    local now, prev, before = m.won_amount, m.prev.won_amount, m.prev.prev.won_amount
    return prev > 0 and now <= prev * (1 - param("decline_drop", 0.2)) and prev <= before
  end,
  advice = "${name}'s wins have been falling for two periods (${won_amount} this period). Look together at what changed (accounts, pipeline, energy) and rebuild the plan on the strengths that carried them before (${top_strength}).",
}

coach "skipped_training" {
  severity = "medium",
  doc = "Skipped most of the period's trainings (top producers included)",
  when = function(rep, m)
    local rate = m.training_rate
    return rate ~= nil and rate < param("training_min_rate", 0.5)
  end,
  advice = "${name} attended ${trainings_attended} of ${trainings_offered} trainings. Training with the group matters for everyone, top producers too: the team learns from them and they stay connected. Invite ${name} to bring their strengths (${top_strength}) to the next session.",
}

coach "assessment_not_debriefed" {
  severity = "medium",
  doc = "A strengths assessment was taken but never debriefed",
  when = function(rep, m)
    return m.assessment_debriefed == 0
       and m.assessment_age >= param("debrief_grace_days", 30)
  end,
  advice = "${name}'s strengths assessment has waited ${assessment_age} days for its debrief. Book 45 minutes to go through it together and agree how to use the top strengths (${top_strength}) every week.",
}

-- The text depends on which plan is missing or stale, so `when` writes it.
coach "stale_action_plan" {
  severity = "medium",
  doc = "The sales or life action plan is missing or not updated recently",
  when = function(rep, m)
    local fresh = param("plan_fresh_days", 120)
    local issues = {}
    for _, p in ipairs { { "sales", m.sales_plan_age }, { "life", m.life_plan_age } } do
      local kind, age = p[1], p[2]
      if age == nil then
        issues[#issues + 1] = string.format("there is no %s plan yet", kind)
      elseif age > fresh then
        issues[#issues + 1] = string.format("the %s plan is %d days old", kind, math.floor(age))
      end
    end
    if #issues == 0 then return false end
    return string.format("%s's action plans need attention: %s. Sit down together to write "
                         .. "or refresh the personal sales and life plans, built on their "
                         .. "strengths (%s).",
                         rep.name, table.concat(issues, " and "), rep.top_strength or "-")
  end,
  advice = "Refresh the sales and life action plans together.",
}

coach "isolated" {
  severity = "medium",
  doc = "No assists, no insights shared, no work with other departments this period",
  when = function(rep, m)
    return m.assists_given == 0 and m.insights_shared == 0 and m.cross_dept == 0
  end,
  advice = "${name} worked alone this period: no assists, insights or work with other departments. Pair ${name} with a teammate on one live deal and ask for one insight drawn from their strengths (${top_strength}) at the next huddle.",
}

coach "low_energy" {
  severity = "high",
  doc = "Check-ins show low energy",
  when = function(rep, m)
    local e = m.energy
    return e ~= nil and e <= param("low_energy_max", 2.5)
  end,
  advice = "${name}'s energy averaged ${energy} of 5 in this period's check-ins. Ask how they are doing before any pipeline talk; look at workload, time off and the life plan together, and give them work that uses their strengths (${top_strength}).",
}

coach "base_business_only" {
  severity = "low",
  doc = "Wins, but only base business: no incremental or referral deal opened, won or lost",
  when = function(rep, m)
    return m.won_deals >= 1 and m.deals_touched >= param("base_only_min_deals", 3)
       and m.incremental_touched == 0
  end,
  advice = "${name} worked ${deals_touched} deals this period, all base business: a solid foundation. Next, pick two happy clients to start small with on something new, agree the success metrics, and ask for a referral; lead with their strengths (${top_strength}).",
}

coach "lone_wolf_top_producer" {
  severity = "medium",
  doc = "A top producer who neither assisted nor shared this period",
  when = function(rep, m)
    return m.is_top_producer == 1 and m.assists_given == 0 and m.insights_shared == 0
  end,
  advice = "${name} is a top producer (${attainment_pct}% of quota) who didn't assist or share this period. Invite ${name} to lead a short session on what works for them (${top_strength}) and to pair with a newer rep on one deal: the team gains, and so does ${name}.",
}

-- The pair: coaching works when the rep wants to grow.  Exclusive by design:
-- the latest check-in's wants_to_grow is either 1 or 0.
coach "ready_for_coaching" {
  severity = "low",
  doc = "Wants to grow (latest check-in), has room to grow, and no coaching lately",
  when = function(rep, m)
    if m.wants_to_grow ~= 1 then return false end
    local a, gap = m.attainment, m.days_since_coaching
    return a ~= nil and a < param("ready_attainment", 0.8)
       and (gap == nil or gap >= param("coaching_gap_days", 90))
  end,
  advice = "${name} wants to grow and is at ${attainment_pct}% of quota: book a coaching session now, agree one stretch goal together, and build it on their strengths (${top_strength}).",
}

coach "build_the_want_first" {
  severity = "medium",
  doc = "The latest check-in says the rep does not want to grow right now",
  when = function(rep, m) return m.wants_to_grow == 0 end,
  advice = "${name}'s latest check-in says they don't want to grow right now. Before any coaching plan, talk about their own why (what they want from work and life this year), starting from their strengths (${top_strength}).",
}

-- Anti-gaming checks: flagged for a conversation, never a verdict.

coach "activity_spike" {
  severity = "medium",
  doc = "Activity spiked in the last week of the period (anti-gaming check)",
  when = function(rep, m) return m.activity_spiked == 1 end,
  advice = "${name} logged ${activities_last_week} activities in the last week, far above their usual pace. Look at the entries together: a real push deserves help spreading it over the period; catch-up logging calls for logging as you go. Results count, not activity counts.",
}

coach "reciprocal_assists" {
  severity = "low",
  doc = "Every assist was traded within one pair of reps (anti-gaming check)",
  when = function(rep, m)
    return m.reciprocal_pair == 1 and m.assists_given >= param("reciprocal_min", 2)
  end,
  advice = "All of ${name}'s assists this period (${assists_given}) were traded with one partner. Check they reflect real help, then widen the circle: who else could use their strengths (${top_strength})?",
}
