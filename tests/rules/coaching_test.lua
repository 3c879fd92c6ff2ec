-- Rule tests for the default coaching triggers (scripts/60_coaching.lua).
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), as of 2026-09-30.

-- One team of three reps and a second team of one; each test adds rows.
-- Ana's latest strengths assessment names "Relator" first.
local function fixture(add)
  local data = {
    teams = { { id = 1, name = "West" }, { id = 2, name = "East" } },
    reps = {
      { id = 1, name = "Ana", team_id = 1 },
      { id = 2, name = "Ben", team_id = 1 },
      { id = 3, name = "Cy", team_id = 1 },
      { id = 4, name = "Dee", team_id = 2 },
    },
    assessments = { { id = 1, rep_id = 1, instrument = "CliftonStrengths",
                      taken_on = "2026-01-10", debriefed_on = "2026-01-20" } },
    strengths = { { assessment_id = 1, talent = "Relator", rank = 1 },
                  { assessment_id = 1, talent = "Achiever", rank = 2 } },
  }
  for tbl, rows in pairs(add or {}) do
    data[tbl] = data[tbl] or {}
    for _, row in ipairs(rows) do table.insert(data[tbl], row) end
  end
  return data
end

local function run(add, opts)
  local args = { period = "2026-Q3", as_of = "2026-09-30", data = fixture(add) }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

-- The i-th day of 2026-Q3 (1 = 2026-07-01, 92 = 2026-09-30).
local function q3(i)
  if i <= 31 then return string.format("2026-07-%02d", i) end
  if i <= 62 then return string.format("2026-08-%02d", i - 31) end
  return string.format("2026-09-%02d", i - 62)
end

-- n activities for a rep, one a day from day `from` (wrapping inside [from, to]).
local function activities(rows, rep_id, n, from, to)
  to = to or 92
  for k = 0, n - 1 do
    rows[#rows + 1] = { rep_id = rep_id, kind = "call", occurred_on = q3(from + k % (to - from + 1)) }
  end
  return rows
end

local function won(id, rep_id, amount, closed_on, kind)
  return { id = id, rep_id = rep_id, amount = amount, stage = "won", kind = kind or "base",
           created_on = "2025-12-01", closed_on = closed_on }
end

local function q3_quota(rep_id, amount)
  return { rep_id = rep_id, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = amount }
end

local function checkin(rep_id, on, energy, wants)
  return { rep_id = rep_id, on_date = on, energy = energy, wants_to_grow = wants }
end

---------------------------------------------------------------------------
-- activity_without_results
---------------------------------------------------------------------------

test("activity_without_results: 60 activities and no win", function()
  local r = run { activities = activities({}, 1, 60, 1, 80) }
  local c = coached(rep(r, "Ana"), "activity_without_results")
  expect_true(c)
  expect_eq(c.severity, "high")
  expect_eq(c.advice, "Ana logged 60 activities and no win yet. Review targeting and call quality together, pick the five best-fit accounts, and plan each next step around their strengths (Relator).")
end)

test("advice for a rep without a strengths assessment shows '-' for the strength", function()
  local r = run { activities = activities({}, 2, 60, 1, 80) }
  local ben = rep(r, "Ben")
  local c = coached(ben, "activity_without_results")
  expect_true(c)
  expect_eq(c.advice, "Ben logged 60 activities and no win yet. Review targeting and call quality together, pick the five best-fit accounts, and plan each next step around their strengths (-).")
  expect_eq(#ben.errors, 0)
end)

test("activity_without_results: not with one win, nor with 59 activities", function()
  local r = run {
    activities = activities(activities({}, 1, 60, 1, 80), 2, 59, 1, 80),
    deals = { won(1, 1, 100, "2026-09-30") },
  }
  expect_false(coached(rep(r, "Ana"), "activity_without_results"))
  expect_false(coached(rep(r, "Ben"), "activity_without_results"))
end)

test("activity_without_results: the floor is a param", function()
  local r = run({ activities = activities({}, 1, 10, 1, 80) }, { params = { activity_floor = 10 } })
  expect_true(coached(rep(r, "Ana"), "activity_without_results"))
end)

---------------------------------------------------------------------------
-- declining_trend
---------------------------------------------------------------------------

test("declining_trend: down 30% after a flat period", function()
  local r = run { deals = { won(1, 1, 1000, "2026-02-01"), won(2, 1, 1000, "2026-05-01"),
                            won(3, 1, 700, "2026-08-01") } }
  local c = coached(rep(r, "Ana"), "declining_trend")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana's wins have been falling for two periods (700 this period). Look together at what changed (accounts, pipeline, energy) and rebuild the plan on the strengths that carried them before (Relator).")
end)

test("declining_trend: not after a rise, nor for a 10% dip", function()
  local r = run { deals = { won(1, 1, 500, "2026-02-01"), won(2, 1, 1000, "2026-05-01"),
                            won(3, 1, 700, "2026-08-01"),
                            won(4, 2, 1000, "2026-02-01"), won(5, 2, 1000, "2026-05-01"),
                            won(6, 2, 900, "2026-08-01") } }
  expect_false(coached(rep(r, "Ana"), "declining_trend"))
  expect_false(coached(rep(r, "Ben"), "declining_trend"))
end)

---------------------------------------------------------------------------
-- skipped_training
---------------------------------------------------------------------------

local function trainings()
  return { { id = 1, title = "Kickoff", held_on = "2026-07-10" },             -- everyone
           { id = 2, title = "Negotiation", held_on = "2026-08-10", team_id = 1 } }
end

test("skipped_training: top producers included", function()
  local r = run {
    trainings = trainings(),
    training_attendance = { { training_id = 1, rep_id = 1, attended = 0 },
                            { training_id = 1, rep_id = 2, attended = 1 } },
    quotas = { q3_quota(1, 1000) },
    deals = { won(1, 1, 1500, "2026-08-01") },
  }
  local ana = rep(r, "Ana")
  expect_true(recognized(ana, "top_producer"))
  local c = coached(ana, "skipped_training")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana attended 0 of 2 trainings. Training with the group matters for everyone, top producers too: the team learns from them and they stay connected. Invite Ana to bring their strengths (Relator) to the next session.")
end)

test("skipped_training: not at half the trainings, nor when none was held", function()
  local r = run {
    trainings = trainings(),
    training_attendance = { { training_id = 1, rep_id = 2, attended = 1 },
                            { training_id = 2, rep_id = 2, attended = 0 } },
  }
  expect_false(coached(rep(r, "Ben"), "skipped_training"))
  expect_true(coached(rep(r, "Cy"), "skipped_training"))
  local r2 = run {}
  expect_false(coached(rep(r2, "Ana"), "skipped_training"))
end)

---------------------------------------------------------------------------
-- assessment_not_debriefed
---------------------------------------------------------------------------

test("assessment_not_debriefed: taken 121 days ago, debrief still ahead", function()
  local r = run {
    assessments = { { id = 2, rep_id = 2, instrument = "CliftonStrengths", taken_on = "2026-06-01" },
                    -- debriefed only after the as-of date: not yet
                    { id = 3, rep_id = 3, instrument = "CliftonStrengths", taken_on = "2026-06-01",
                      debriefed_on = "2026-10-15" } },
    strengths = { { assessment_id = 2, talent = "Woo", rank = 1 } },
  }
  local c = coached(rep(r, "Ben"), "assessment_not_debriefed")
  expect_true(c)
  expect_eq(c.advice, "Ben's strengths assessment has waited 121 days for its debrief. Book 45 minutes to go through it together and agree how to use the top strengths (Woo) every week.")
  expect_true(coached(rep(r, "Cy"), "assessment_not_debriefed"))
end)

test("assessment_not_debriefed: not when debriefed, within the grace days, or never taken", function()
  local r = run {
    assessments = { { id = 2, rep_id = 2, instrument = "CliftonStrengths", taken_on = "2026-09-15" } },
  }
  expect_false(coached(rep(r, "Ana"), "assessment_not_debriefed"))
  expect_false(coached(rep(r, "Ben"), "assessment_not_debriefed"))
  expect_false(coached(rep(r, "Cy"), "assessment_not_debriefed"))
end)

---------------------------------------------------------------------------
-- stale_action_plan
---------------------------------------------------------------------------

test("stale_action_plan: an old sales plan and no life plan", function()
  local r = run {
    action_plans = { { rep_id = 1, kind = "sales", updated_on = "2026-03-14" } }, -- 200 days
  }
  local c = coached(rep(r, "Ana"), "stale_action_plan")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana's action plans need attention: the sales plan is 200 days old and there is no life plan yet. Sit down together to write or refresh the personal sales and life plans, built on their strengths (Relator).")
end)

test("stale_action_plan: not when both plans were updated recently", function()
  local r = run {
    action_plans = { { rep_id = 1, kind = "sales", updated_on = "2026-03-14" },
                     { rep_id = 1, kind = "sales", updated_on = "2026-08-01" },
                     { rep_id = 1, kind = "life", updated_on = "2026-06-02" } }, -- exactly 120 days
  }
  expect_false(coached(rep(r, "Ana"), "stale_action_plan"))
end)

---------------------------------------------------------------------------
-- isolated
---------------------------------------------------------------------------

test("isolated: no assists to others, no sharing, no other departments", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 1, occurred_on = "2026-08-01" } }, -- oneself: not an assist
    cross_dept = { { rep_id = 1, department = "service", occurred_on = "2026-10-01" } }, -- Q4
  }
  local c = coached(rep(r, "Ana"), "isolated")
  expect_true(c)
  expect_eq(c.severity, "medium")
end)

test("isolated: not with one assist, one insight or one piece of cross-department work", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-08-01" } },
    insights = { { id = 1, author_id = 2, shared_on = "2026-08-01" } },
    cross_dept = { { rep_id = 3, department = "product", occurred_on = "2026-09-30" } },
  }
  expect_false(coached(rep(r, "Ana"), "isolated"))
  expect_false(coached(rep(r, "Ben"), "isolated"))
  expect_false(coached(rep(r, "Cy"), "isolated"))
  expect_true(coached(rep(r, "Dee"), "isolated"))
end)

---------------------------------------------------------------------------
-- low_energy
---------------------------------------------------------------------------

test("low_energy: check-ins averaging 2.5", function()
  local r = run { checkins = { checkin(1, "2026-07-15", 2, 1), checkin(1, "2026-09-15", 3, 1),
                               checkin(1, "2026-10-01", 5, 1) } }
  local c = coached(rep(r, "Ana"), "low_energy")
  expect_true(c)
  expect_eq(c.severity, "high")
  expect_eq(c.advice, "Ana's energy averaged 2.50 of 5 in this period's check-ins. Ask how they are doing before any pipeline talk; look at workload, time off and the life plan together, and give them work that uses their strengths (Relator).")
end)

test("low_energy: not at 3, nor for last period's check-ins, nor without check-ins", function()
  local r = run { checkins = { checkin(1, "2026-07-15", 3, 1), checkin(1, "2026-09-15", 3, 1),
                               checkin(2, "2026-06-30", 1, 1), checkin(2, "2026-07-01", 4, 1) } }
  expect_false(coached(rep(r, "Ana"), "low_energy"))
  expect_false(coached(rep(r, "Ben"), "low_energy"))
  expect_false(coached(rep(r, "Cy"), "low_energy"))
end)

---------------------------------------------------------------------------
-- base_business_only
---------------------------------------------------------------------------

test("base_business_only: three deals worked, all base", function()
  local r = run { deals = { won(1, 1, 100, "2026-07-10"), won(2, 1, 100, "2026-08-10"),
                            { id = 3, rep_id = 1, amount = 10, stage = "open", kind = "base",
                              created_on = "2026-09-01" } } }
  local c = coached(rep(r, "Ana"), "base_business_only")
  expect_true(c)
  expect_eq(c.severity, "low")
  expect_eq(c.advice, "Ana worked 3 deals this period, all base business: a solid foundation. Next, pick two happy clients to start small with on something new, agree the success metrics, and ask for a referral; lead with their strengths (Relator).")
end)

test("base_business_only: not with one incremental deal opened or lost, nor with two deals, nor without a win", function()
  local r = run { deals = {
    won(1, 1, 100, "2026-07-10"), won(2, 1, 100, "2026-08-10"), won(3, 1, 100, "2026-09-10"),
    { id = 4, rep_id = 1, amount = 10, stage = "open", kind = "incremental", created_on = "2026-09-01" },
    won(5, 2, 100, "2026-07-10"), won(6, 2, 100, "2026-08-10"),
    won(7, 3, 100, "2026-07-10"), won(8, 3, 100, "2026-08-10"), won(9, 3, 100, "2026-09-10"),
    { id = 10, rep_id = 3, amount = 10, stage = "lost", kind = "incremental",
      created_on = "2026-05-01", closed_on = "2026-07-20" },
    { id = 11, rep_id = 4, amount = 10, stage = "open", kind = "base", created_on = "2026-07-01" },
    { id = 12, rep_id = 4, amount = 10, stage = "open", kind = "base", created_on = "2026-07-02" },
    { id = 13, rep_id = 4, amount = 10, stage = "lost", kind = "base", created_on = "2026-07-03",
      closed_on = "2026-07-04" } } }
  expect_false(coached(rep(r, "Ana"), "base_business_only"))
  expect_false(coached(rep(r, "Ben"), "base_business_only"))
  expect_false(coached(rep(r, "Cy"), "base_business_only"))
  expect_false(coached(rep(r, "Dee"), "base_business_only"))
end)

---------------------------------------------------------------------------
-- lone_wolf_top_producer
---------------------------------------------------------------------------

test("lone_wolf_top_producer: a top producer who neither assisted nor shared", function()
  local r = run {
    quotas = { q3_quota(1, 1000) },
    deals = { won(1, 1, 1500, "2026-08-01") },
    assists = { { helper_id = 1, helped_id = 1, occurred_on = "2026-08-02" } }, -- oneself
  }
  local c = coached(rep(r, "Ana"), "lone_wolf_top_producer")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana is a top producer (150% of quota) who didn't assist or share this period. Invite Ana to lead a short session on what works for them (Relator) and to pair with a newer rep on one deal: the team gains, and so does Ana.")
end)

test("lone_wolf_top_producer: not once they assist, and not for others", function()
  local r = run {
    quotas = { q3_quota(1, 1000), q3_quota(2, 1000) },
    deals = { won(1, 1, 1500, "2026-08-01"), won(2, 2, 500, "2026-08-01") },
    assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-08-02" } },
  }
  expect_false(coached(rep(r, "Ana"), "lone_wolf_top_producer"))
  expect_false(coached(rep(r, "Ben"), "lone_wolf_top_producer"))
end)

---------------------------------------------------------------------------
-- ready_for_coaching / build_the_want_first (exclusive)
---------------------------------------------------------------------------

test("ready_for_coaching: wants to grow, at 50% of quota, not coached lately; never with its pair", function()
  local r = run {
    quotas = { q3_quota(1, 1000) },
    deals = { won(1, 1, 500, "2026-08-01") },
    checkins = { checkin(1, "2026-07-01", 4, 0), checkin(1, "2026-09-01", 4, 1) },
    coaching_sessions = { { rep_id = 1, held_on = "2026-07-01", coach = "Maria" } }, -- 91 days ago
  }
  local ana = rep(r, "Ana")
  local c = coached(ana, "ready_for_coaching")
  expect_true(c)
  expect_eq(c.severity, "low")
  expect_eq(c.advice, "Ana wants to grow and is at 50% of quota: book a coaching session now, agree one stretch goal together, and build it on their strengths (Relator).")
  expect_false(coached(ana, "build_the_want_first"))
end)

test("ready_for_coaching: not when coached lately, nor at 80% of quota, nor without a quota", function()
  local r = run {
    quotas = { q3_quota(1, 1000), q3_quota(2, 1000) },
    deals = { won(1, 1, 500, "2026-08-01"), won(2, 2, 800, "2026-08-01") },
    checkins = { checkin(1, "2026-09-01", 4, 1), checkin(2, "2026-09-01", 4, 1),
                 checkin(3, "2026-09-01", 4, 1) },
    coaching_sessions = { { rep_id = 1, held_on = "2026-07-03" } }, -- 89 days ago
  }
  expect_false(coached(rep(r, "Ana"), "ready_for_coaching"))
  expect_false(coached(rep(r, "Ben"), "ready_for_coaching"))
  expect_false(coached(rep(r, "Cy"), "ready_for_coaching"))
end)

test("build_the_want_first: the latest check-in says no", function()
  local r = run {
    quotas = { q3_quota(1, 1000) },
    checkins = { checkin(1, "2026-07-01", 4, 1), checkin(1, "2026-09-01", 4, 0),
                 checkin(1, "2026-10-01", 4, 1) }, -- after the as-of date
  }
  local ana = rep(r, "Ana")
  local c = coached(ana, "build_the_want_first")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_false(coached(ana, "ready_for_coaching"))
end)

test("neither of the pair without a check-in", function()
  local r = run {
    quotas = { q3_quota(1, 1000) },
    checkins = { checkin(1, "2026-10-01", 4, 0) }, -- after the as-of date
  }
  local ana = rep(r, "Ana")
  expect_false(coached(ana, "ready_for_coaching"))
  expect_false(coached(ana, "build_the_want_first"))
end)

---------------------------------------------------------------------------
-- anti-gaming: activity_spike, reciprocal_assists
---------------------------------------------------------------------------

test("activity_spike: 20 activities in the last week against 20 in the twelve weeks before", function()
  local acts = activities({}, 1, 20, 1, 85)
  activities(acts, 1, 20, 86, 92)
  local r = run { activities = acts }
  local c = coached(rep(r, "Ana"), "activity_spike")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana logged 20 activities in the last week, far above their usual pace. Look at the entries together: a real push deserves help spreading it over the period; catch-up logging calls for logging as you go. Results count, not activity counts.")
end)

test("activity_spike: not for a steady pace, nor for a busy last week that is small", function()
  local acts = activities({}, 1, 92, 1, 92)    -- one a day, all period
  activities(acts, 2, 10, 1, 85)
  activities(acts, 2, 7, 86, 92)               -- 7 in the last week: below spike_min (8)
  local r = run { activities = acts }
  expect_false(coached(rep(r, "Ana"), "activity_spike"))
  expect_false(coached(rep(r, "Ben"), "activity_spike"))
end)

test("activity_spike: the last week ends at the as-of date", function()
  local acts = activities({}, 1, 15, 1, 70)
  activities(acts, 1, 20, 71, 77)              -- 2026-09-09..15
  local r = run({ activities = acts }, { as_of = "2026-09-15" })
  expect_true(coached(rep(r, "Ana"), "activity_spike"))
  local r2 = run({ activities = acts }, { as_of = "2026-09-30" })
  expect_false(coached(rep(r2, "Ana"), "activity_spike"))
end)

test("activity_spike: a new hire's first busy week is not a spike", function()
  local acts = { { rep_id = 5, kind = "call", occurred_on = "2026-09-21" },
                 { rep_id = 5, kind = "call", occurred_on = "2026-09-22" } }
  activities(acts, 5, 12, 86, 92)              -- 12 in the last week, 2 in the 4 days before
  local r = run { reps = { { id = 5, name = "Eli", team_id = 1, hired_on = "2026-09-20" } },
                  activities = acts }
  expect_false(coached(rep(r, "Eli"), "activity_spike"))
end)

test("reciprocal_assists: assists only ever traded within one pair", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-07-03" },
                { helper_id = 1, helped_id = 2, occurred_on = "2026-07-04" },
                { helper_id = 2, helped_id = 1, occurred_on = "2026-07-05" },
                { helper_id = 2, helped_id = 1, occurred_on = "2026-07-06" },
                { helper_id = 1, helped_id = 1, occurred_on = "2026-07-07" } }, -- oneself: ignored
  }
  local c = coached(rep(r, "Ana"), "reciprocal_assists")
  expect_true(c)
  expect_eq(c.severity, "low")
  expect_eq(c.advice, "All of Ana's assists this period (2) were traded with one partner. Check they reflect real help, then widen the circle: who else could use their strengths (Relator)?")
  expect_true(coached(rep(r, "Ben"), "reciprocal_assists"))
end)

test("reciprocal_assists: not when the rep also helps someone else, nor for one-way help", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-07-03" },
                { helper_id = 1, helped_id = 2, occurred_on = "2026-07-04" },
                { helper_id = 2, helped_id = 1, occurred_on = "2026-07-05" },
                { helper_id = 2, helped_id = 1, occurred_on = "2026-07-06" },
                { helper_id = 1, helped_id = 3, occurred_on = "2026-07-07" },
                { helper_id = 4, helped_id = 3, occurred_on = "2026-07-07" },
                { helper_id = 4, helped_id = 3, occurred_on = "2026-07-08" } },
  }
  expect_false(coached(rep(r, "Ana"), "reciprocal_assists"))
  expect_true(coached(rep(r, "Ben"), "reciprocal_assists"))
  expect_false(coached(rep(r, "Dee"), "reciprocal_assists"))
end)
