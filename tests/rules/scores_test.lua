-- Rule tests for the default rep scores (scripts/30_scores.lua).
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), 92 days, as of 2026-09-30
-- unless a test says otherwise.

-- Two teams, four reps; each test adds the rows it needs.
local function fixture(add)
  local data = {
    teams = { { id = 1, name = "West" }, { id = 2, name = "East" } },
    reps = {
      { id = 1, name = "Ana", team_id = 1 },
      { id = 2, name = "Ben", team_id = 1 },
      { id = 3, name = "Cy", team_id = 1 },
      { id = 4, name = "Dee", team_id = 2 },
    },
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

-- n activities for a rep, one a day from day `from` of Q3 (wrapping
-- inside [from, to] when n is larger than the span).
local function activities(rows, rep_id, n, from, to)
  to = to or 92
  for k = 0, n - 1 do
    rows[#rows + 1] = { rep_id = rep_id, kind = "call", occurred_on = q3(from + k % (to - from + 1)) }
  end
  return rows
end

local function won(id, rep_id, amount, closed_on, kind)
  return { id = id, rep_id = rep_id, amount = amount, stage = "won", kind = kind or "base",
           created_on = "2026-04-01", closed_on = closed_on }
end

local function no_value(c) return c == nil or c.value == nil end

---------------------------------------------------------------------------
-- attainment
---------------------------------------------------------------------------

test("attainment prorates a quota row spanning two quarters; last day counts, next day not", function()
  local r = run {
    -- 2026-08-01..2026-12-31 is 153 days; 61 of them fall in Q3: 1530 * 61/153 = 610.
    quotas = { { rep_id = 1, starts_on = "2026-08-01", ends_on = "2026-12-31", amount = 1530 } },
    deals = { won(1, 1, 305, "2026-09-30"),   -- the period's last day: counts
              won(2, 1, 1000, "2026-10-01") }, -- the next day: Q4
  }
  local c = component(rep(r, "Ana"), "attainment")
  expect_near(c.value, 0.5 / 1.2, 1e-9)
  expect_eq(c.weight, 30)
  expect_eq(c.why, "50% of quota (305 of 610)")
end)

test("attainment adds the prorated parts of two quota rows", function()
  local r = run {
    quotas = { { rep_id = 1, starts_on = "2026-04-01", ends_on = "2026-07-31", amount = 1220 },  -- 122 days, 31 in Q3: 310
               { rep_id = 1, starts_on = "2026-08-01", ends_on = "2026-12-31", amount = 1530 } }, -- 610
    deals = { won(1, 1, 460, "2026-08-15") },
  }
  expect_near(component(rep(r, "Ana"), "attainment").value, (460 / 920) / 1.2, 1e-9)
end)

test("attainment reaches full marks at 120% and stays there", function()
  local r = run {
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
    deals = { won(1, 1, 1500, "2026-08-01") },
  }
  expect_near(component(rep(r, "Ana"), "attainment").value, 1, 1e-9)
end)

test("a rep with no quota gets no attainment, pipeline or pacing value, but still a score", function()
  local r = run {
    deals = { won(1, 1, 500, "2026-08-01") },
  }
  local ana = rep(r, "Ana")
  expect_true(no_value(component(ana, "attainment")))
  expect_true(no_value(component(ana, "pipeline_coverage")))
  expect_true(no_value(component(ana, "pacing")))
  expect_true(ana.score ~= nil)
  expect_eq(#ana.errors, 0)
end)

---------------------------------------------------------------------------
-- pipeline_coverage
---------------------------------------------------------------------------

test("pipeline coverage compares open pipeline with the quota still to close", function()
  local r = run {
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
    deals = {
      won(1, 1, 400, "2026-08-01"),
      { id = 2, rep_id = 1, amount = 900, stage = "open", kind = "base", created_on = "2026-08-01" },
      { id = 3, rep_id = 1, amount = 700, stage = "lost", kind = "base", created_on = "2026-08-01", closed_on = "2026-09-01" },
      -- opened after the as-of date: not in today's pipeline
      { id = 4, rep_id = 1, amount = 5000, stage = "open", kind = "base", created_on = "2026-10-02" },
    },
  }
  local c = component(rep(r, "Ana"), "pipeline_coverage")
  expect_near(c.value, (900 / 600) / 3, 1e-9)
  expect_eq(c.why, "1.5x coverage: 900 open for 600 still to close")
end)

test("pipeline coverage is full once the quota is met, and zero with no pipeline", function()
  local r = run {
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 },
               { rep_id = 2, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
    deals = { won(1, 1, 1000, "2026-08-01"),
              { id = 2, rep_id = 1, amount = 900, stage = "open", kind = "base", created_on = "2026-08-01" } },
  }
  local c = component(rep(r, "Ana"), "pipeline_coverage")
  expect_near(c.value, 1, 1e-9)
  expect_eq(c.why, "quota met; 900 in open pipeline")
  expect_near(component(rep(r, "Ben"), "pipeline_coverage").value, 0, 1e-9)
end)

---------------------------------------------------------------------------
-- incremental
---------------------------------------------------------------------------

test("incremental counts incremental and referral deals opened and won", function()
  local r = run {
    deals = {
      won(1, 1, 100, "2026-07-10"),                                    -- base, won in Q3
      { id = 2, rep_id = 1, amount = 100, stage = "won", kind = "incremental",
        created_on = "2026-07-05", closed_on = "2026-08-01" },          -- opened and won
      { id = 3, rep_id = 1, amount = 100, stage = "open", kind = "base", created_on = "2026-08-10" },
      { id = 4, rep_id = 1, amount = 100, stage = "open", kind = "base", created_on = "2026-08-20" },
      { id = 5, rep_id = 1, amount = 100, stage = "lost", kind = "base",
        created_on = "2026-09-01", closed_on = "2026-09-15" },
      { id = 6, rep_id = 1, amount = 100, stage = "open", kind = "referral", created_on = "2026-10-01" }, -- Q4
    },
  }
  -- opened: 2,3,4,5 (1 incremental); won: 1,2 (1 incremental): 2 of 6
  local c = component(rep(r, "Ana"), "incremental")
  expect_near(c.value, (2 / 6) / 0.4, 1e-9)
  expect_eq(c.why, "1 of 4 new deals and 1 of 2 wins are incremental or referral")
end)

test("incremental is zero for base business only and absent without deals", function()
  local r = run {
    deals = { won(1, 1, 100, "2026-07-10"),
              { id = 2, rep_id = 1, amount = 100, stage = "open", kind = "base", created_on = "2026-08-10" } },
  }
  expect_near(component(rep(r, "Ana"), "incremental").value, 0, 1e-9)
  expect_true(no_value(component(rep(r, "Ben"), "incremental")))
end)

---------------------------------------------------------------------------
-- conversion (and the activity-spike discount)
---------------------------------------------------------------------------

test("conversion is wins per activity against 1 win per 10", function()
  local acts = activities({}, 1, 50, 1, 50)
  acts[#acts + 1] = { rep_id = 1, kind = "call", occurred_on = "2026-10-01" } -- Q4: not counted
  local r = run {
    activities = acts,
    deals = { won(1, 1, 100, "2026-08-01"), won(2, 1, 100, "2026-09-01") },
  }
  local ana = rep(r, "Ana")
  local c = component(ana, "conversion")
  expect_near(c.value, (2 / 50) / 0.1, 1e-9)
  expect_eq(c.why, "2 wins from 50 activities")
  expect_false(coached(ana, "activity_spike"))
end)

test("conversion is halved after an activity spike in the last week", function()
  local acts = activities({}, 1, 20, 1, 20)   -- 20 in July...
  activities(acts, 1, 20, 86, 92)             -- ...then 20 in 2026-09-24..30
  local r = run {
    activities = acts,
    deals = { won(1, 1, 100, "2026-08-01"), won(2, 1, 100, "2026-09-01") },
  }
  local c = component(rep(r, "Ana"), "conversion")
  expect_near(c.value, (2 / 40) / 0.1 * 0.5, 1e-9)
  expect_eq(c.why, "2 wins from 40 activities (discounted: 20 activities in the last week)")
end)

test("conversion has no value without activity", function()
  local r = run { deals = { won(1, 1, 100, "2026-08-01") } }
  expect_true(no_value(component(rep(r, "Ana"), "conversion")))
end)

---------------------------------------------------------------------------
-- collaboration
---------------------------------------------------------------------------

test("collaboration counts assists to others, insights shared and peers' uses; never oneself", function()
  local r = run {
    assists = {
      { helper_id = 1, helped_id = 2, occurred_on = "2026-07-03" },
      { helper_id = 1, helped_id = 2, occurred_on = "2026-08-03" },
      { helper_id = 1, helped_id = 3, occurred_on = "2026-08-04" },
      { helper_id = 1, helped_id = 1, occurred_on = "2026-08-05" }, -- to oneself: never counts
      { helper_id = 2, helped_id = 1, occurred_on = "2026-08-06" },
      { helper_id = 1, helped_id = 3, occurred_on = "2026-10-01" }, -- Q4
    },
    insights = { { id = 1, author_id = 1, shared_on = "2026-07-20", topic = "pricing objections" },
                 { id = 2, author_id = 1, shared_on = "2026-06-20", topic = "old one" } },
    insight_uses = { { insight_id = 1, rep_id = 2, used_on = "2026-07-25" },
                     { insight_id = 2, rep_id = 3, used_on = "2026-07-26" }, -- an older insight used now
                     { insight_id = 1, rep_id = 1, used_on = "2026-07-27" }, -- own use: never counts
                     { insight_id = 1, rep_id = 4, used_on = "2026-10-02" } }, -- Q4
  }
  local c = component(rep(r, "Ana"), "collaboration")
  expect_near(c.value, 0.5 * (3 / 4) + 0.25 * (1 / 2) + 0.25 * (2 / 4), 1e-9)
  expect_eq(c.why, "3 assists, 1 insight shared, used 2 times by peers")
  expect_eq(c.weight, 15)
end)

test("collaboration discounts assists traded only within one reciprocal pair", function()
  local r = run {
    assists = {
      { helper_id = 1, helped_id = 2, occurred_on = "2026-07-03" },
      { helper_id = 1, helped_id = 2, occurred_on = "2026-07-04" },
      { helper_id = 2, helped_id = 1, occurred_on = "2026-07-05" },
      { helper_id = 2, helped_id = 1, occurred_on = "2026-07-06" },
    },
  }
  local c = component(rep(r, "Ana"), "collaboration")
  expect_near(c.value, 0.5 * (2 * 0.5 / 4), 1e-9)
  expect_eq(c.why, "2 assists, 0 insights shared, used 0 times by peers (assists all within one pair: discounted)")
end)

test("collaboration is zero with only assists to oneself", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 1, occurred_on = "2026-07-03" },
                { helper_id = 1, helped_id = 1, occurred_on = "2026-07-04" } },
  }
  local c = component(rep(r, "Ana"), "collaboration")
  expect_near(c.value, 0, 1e-9)
  expect_eq(c.why, "0 assists, 0 insights shared, used 0 times by peers")
end)

---------------------------------------------------------------------------
-- development
---------------------------------------------------------------------------

test("development averages training, current plans and a debriefed assessment", function()
  local r = run {
    trainings = { { id = 1, title = "Kickoff", held_on = "2026-07-10" },               -- everyone
                  { id = 2, title = "Discovery calls", held_on = "2026-08-10", team_id = 1 },
                  { id = 3, title = "East only", held_on = "2026-08-11", team_id = 2 },
                  { id = 4, title = "Last quarter", held_on = "2026-06-10" } },
    training_attendance = { { training_id = 1, rep_id = 1, attended = 1 },
                            { training_id = 2, rep_id = 1, attended = 0 },
                            { training_id = 4, rep_id = 1, attended = 1 } },
    action_plans = { { rep_id = 1, kind = "sales", updated_on = "2026-09-01" },  -- 29 days: current
                     { rep_id = 1, kind = "life", updated_on = "2026-03-01" } }, -- 213 days: stale
    assessments = { { id = 1, rep_id = 1, instrument = "CliftonStrengths", taken_on = "2026-06-01",
                      debriefed_on = "2026-06-15" } },
  }
  local c = component(rep(r, "Ana"), "development")
  expect_near(c.value, (1 / 2 + 1 / 2 + 1) / 3, 1e-9)
  expect_eq(c.why, "1 of 2 trainings, sales plan current, life plan stale, strengths debriefed")
end)

test("development is zero with no plans and no assessment, and skips training when none was held", function()
  local r = run {}
  local c = component(rep(r, "Ana"), "development")
  expect_near(c.value, 0, 1e-9)
  expect_eq(c.why, "sales plan missing, life plan missing, no strengths assessment")
end)

test("development: an undebriefed assessment and a plan exactly 120 days old", function()
  local r = run {
    action_plans = { { rep_id = 1, kind = "sales", updated_on = "2026-06-02" },  -- 120 days: still current
                     { rep_id = 1, kind = "life", updated_on = "2026-06-01" } }, -- 121 days: stale
    assessments = { { id = 1, rep_id = 1, instrument = "CliftonStrengths", taken_on = "2026-06-01" } },
  }
  local c = component(rep(r, "Ana"), "development")
  expect_near(c.value, (0.5 + 0) / 2, 1e-9)
  expect_eq(c.why, "sales plan current, life plan stale, strengths not yet debriefed")
end)

---------------------------------------------------------------------------
-- client_outcomes
---------------------------------------------------------------------------

test("client outcomes: referrals generated and client success metrics met", function()
  local r = run {
    deals = {
      { id = 1, rep_id = 1, amount = 100, stage = "won", kind = "base", created_on = "2026-04-01", closed_on = "2026-05-01" },
      { id = 2, rep_id = 2, amount = 50, stage = "open", kind = "referral", created_on = "2026-07-15", referred_by = 1 },
      { id = 3, rep_id = 1, amount = 50, stage = "open", kind = "referral", created_on = "2026-09-30", referred_by = 1 },
      { id = 4, rep_id = 2, amount = 50, stage = "open", kind = "referral", created_on = "2026-10-01", referred_by = 1 }, -- Q4
      { id = 5, rep_id = 3, amount = 50, stage = "open", kind = "referral", created_on = "2026-06-01", referred_by = 1 }, -- Q2
      { id = 6, rep_id = 1, amount = 100, stage = "won", kind = "base", created_on = "2025-05-01", closed_on = "2025-06-01" },
    },
    client_metrics = {
      { deal_id = 1, metric = "adoption", target = 10, achieved = 12, agreed_on = "2026-05-01" },       -- met
      { deal_id = 1, metric = "seats active", target = 10, achieved = 8, agreed_on = "2026-05-01" },    -- not met
      { deal_id = 1, metric = "tickets deflected", target = 5, agreed_on = "2026-05-01" },              -- not measured yet
      { deal_id = 6, metric = "uptime", target = 10, achieved = 20, agreed_on = "2025-06-01" },         -- won over a year ago
    },
  }
  local c = component(rep(r, "Ana"), "client_outcomes")
  expect_near(c.value, (1 + 1 / 2) / 2, 1e-9)
  expect_eq(c.why, "2 referrals, 50% of client success metrics met")
  local ben = component(rep(r, "Ben"), "client_outcomes")
  expect_near(ben.value, 0, 1e-9)
  expect_eq(ben.why, "0 referrals, no client success metrics measured yet")
end)

---------------------------------------------------------------------------
-- pacing (informational, weight 0)
---------------------------------------------------------------------------

test("pacing compares won so far with the quota prorated to the as-of date", function()
  local r = run({
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 920 } },
    deals = { won(1, 1, 230, "2026-08-10"),
              won(2, 1, 500, "2026-08-16") }, -- after the as-of date
  }, { as_of = "2026-08-15" })
  -- 46 of 92 days are due by 2026-08-15: 460
  local c = component(rep(r, "Ana"), "pacing")
  expect_near(c.value, 0.5, 1e-9)
  expect_eq(c.weight, 0)
  expect_eq(c.why, "50% of the quota due by 2026-08-15 (230 of 460); shown, not counted")
end)

test("pacing ahead of plan shows full marks, keeps the raw pace and never counts", function()
  local r = run({
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 920 } },
    deals = { won(1, 1, 598, "2026-08-10") },
  }, { as_of = "2026-08-15",
       disabled = { "pipeline_coverage", "incremental", "conversion", "collaboration",
                    "development", "client_outcomes" } })
  local ana = rep(r, "Ana")
  local c = component(ana, "pacing")
  expect_near(c.value, 1, 1e-9)
  expect_near(c.raw, 1.3, 1e-9)
  -- only attainment counts: 598 of 920
  expect_near(ana.score, 100 * (598 / 920) / 1.2, 1e-9)
end)

---------------------------------------------------------------------------
-- the composite
---------------------------------------------------------------------------

test("rep score weights sum to 100 and no rule errors on a full fixture", function()
  local r = run {
    quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
    deals = { won(1, 1, 500, "2026-08-01") },
    activities = { { rep_id = 1, kind = "demo", occurred_on = "2026-07-15" } },
  }
  local ana = rep(r, "Ana")
  local names = { "attainment", "pipeline_coverage", "incremental", "conversion",
                  "collaboration", "development", "client_outcomes", "pacing" }
  local total = 0
  for _, name in ipairs(names) do
    local c = component(ana, name)
    expect_true(c ~= nil and c.value ~= nil)
    total = total + c.weight
  end
  expect_eq(total, 100)
  expect_eq(#ana.errors, 0)
  for _, rp in ipairs(r.reps) do expect_eq(#rp.errors, 0) end
  for _, t in ipairs(r.teams) do expect_eq(#t.errors, 0) end
end)
