-- Tests for examples/rules/pipeline_hygiene.lua: the "stalled_deals" metric,
-- the "pipeline_freshness" score (weight 5) and the "stalled_pipeline"
-- coaching trigger (3 or more open deals with no activity for 30 days).
--   huddle test --config examples/huddle.cfg examples/tests/pipeline_hygiene_test.lua
-- Period 2026-Q3, as of 2026-09-30: "the last 30 days" are Sep 1..30.

local function run(deals, activities, opts)
  local args = {
    period = "2026-Q3", as_of = "2026-09-30",
    data = {
      teams = { { id = 1, name = "West" } },
      reps = { { id = 1, name = "Ana", team_id = 1 }, { id = 2, name = "Ben", team_id = 1 },
               { id = 3, name = "Cy", team_id = 1 } },
      deals = deals,
      activities = activities,
    },
  }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

local function open(id, rep_id, created_on)
  return { id = id, rep_id = rep_id, account = "Acme " .. id, amount = 1000, stage = "open",
           kind = "base", created_on = created_on or "2026-06-01" }
end

local function touch(deal_id, rep_id, on)
  return { rep_id = rep_id, kind = "meeting", occurred_on = on, deal_id = deal_id }
end

test("fires: three open deals with nothing logged on them for a month", function()
  local r = run({ open(1, 1), open(2, 1), open(3, 1) },
                { touch(1, 1, "2026-08-31") })   -- 30 days before as-of: too long ago
  local ana = rep(r, "Ana")
  local c = coached(ana, "stalled_pipeline")
  expect_true(c)
  expect_eq(c.severity, "medium")
  expect_eq(c.advice, "Ana has 3 of 3 open deals with no activity for a month. Go through them together: agree a next step for each deal that is alive, close out the ones that are not, and spend the time freed on new opportunities that fit their strengths (-).")
  local s = component(ana, "pipeline_freshness")
  expect_eq(s.weight, 5)
  expect_eq(s.value, 0)
  expect_eq(s.why, "0 of 3 open deals moving")
  expect_eq(#ana.errors, 0)
end)

test("does not fire: one of three deals worked on in the last 30 days", function()
  local r = run({ open(1, 1), open(2, 1), open(3, 1) },
                { touch(1, 1, "2026-09-01") })
  local ana = rep(r, "Ana")
  expect_false(coached(ana, "stalled_pipeline"))
  expect_near(component(ana, "pipeline_freshness").value, 1 / 3, 1e-9)
end)

test("does not fire: new deals are not judged yet, won and lost deals are not pipeline", function()
  local r = run({
    open(1, 2), open(2, 2), open(3, 2, "2026-09-01"),     -- Ben: the third is new
    open(4, 3), open(5, 3),                               -- Cy: two open...
    { id = 6, rep_id = 3, amount = 500, stage = "won", kind = "base",
      created_on = "2026-05-01", closed_on = "2026-07-15" },
    { id = 7, rep_id = 3, amount = 500, stage = "lost", kind = "base",
      created_on = "2026-05-01", closed_on = "2026-07-20" },   -- ...and two closed
  })
  local ben, cy = rep(r, "Ben"), rep(r, "Cy")
  expect_false(coached(ben, "stalled_pipeline"))
  expect_near(component(ben, "pipeline_freshness").value, 1 / 3, 1e-9)
  expect_false(coached(cy, "stalled_pipeline"))
  expect_eq(component(cy, "pipeline_freshness").why, "0 of 2 open deals moving")
  -- Ana has no open deal: no value, so the score leaves the component out.
  expect_nil(component(rep(r, "Ana"), "pipeline_freshness").value)
end)

test("the thresholds are params", function()
  local deals = { open(1, 1), open(2, 1), open(3, 1) }
  local r = run(deals, nil, { params = { stalled_min = 4 } })
  expect_false(coached(rep(r, "Ana"), "stalled_pipeline"))
  -- With stall_days = 120, the window is June 3..September 30: the deals
  -- opened on June 1 are old enough to judge, and a meeting on June 15
  -- keeps one of them moving.
  local r2 = run(deals, { touch(2, 1, "2026-06-15") }, { params = { stall_days = 120 } })
  expect_eq(component(rep(r2, "Ana"), "pipeline_freshness").why, "1 of 3 open deals moving")
end)
