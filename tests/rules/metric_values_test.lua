-- Rule tests of the default rules that give each rep's metric values as a
-- plain Lua table: each is about a rule's own logic (thresholds, params,
-- messages), whatever the SQL that feeds it; the other files here test
-- the whole path from the rows.  A metric a rep's table leaves out is
-- computed as in any run: from the (empty) fixture rows, so its default or
-- nil, or from the other metrics when it is a Lua metric.
-- Period 2026-Q3, as of 2026-09-30.

local function run(reps, opts)
  local args = { period = "2026-Q3", as_of = "2026-09-30", reps = reps }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

test("attainment: won over quota, full marks at 120%, nothing without a quota", function()
  local r = run {
    { name = "Ana", metrics = { won_amount = 600, quota = 1000 } },
    { name = "Ben", metrics = { won_amount = 1500, quota = 1000 } },
    { name = "Cy", metrics = { won_amount = 600 } },
  }
  local ana = component(rep(r, "Ana"), "attainment")
  expect_near(ana.value, 0.6 / 1.2)
  expect_eq(ana.why, "60% of quota (600 of 1,000)")
  expect_eq(component(rep(r, "Ben"), "attainment").value, 1)
  expect_nil(component(rep(r, "Cy"), "attainment").value)
end)

test("top_producer: from 125% of quota, or the config's top_producer_attainment", function()
  local reps = { { name = "Ana", metrics = { won_amount = 1250, quota = 1000 } },
                 { name = "Ben", metrics = { won_amount = 1249, quota = 1000 } } }
  local r = run(reps)
  expect_eq(recognized(rep(r, "Ana"), "top_producer").message,
            "Ana reached 125% of quota: a top producer this period. Thank you for setting the pace!")
  expect_nil(recognized(rep(r, "Ben"), "top_producer"))
  r = run(reps, { params = { top_producer_attainment = 1.2 } })
  expect_true(recognized(rep(r, "Ben"), "top_producer"))
end)

test("momentum: wins up 20% or more on last period's", function()
  local r = run {
    { name = "Ana", metrics = { won_amount = 1200 }, prev = { won_amount = 1000 } },
    { name = "Ben", metrics = { won_amount = 1199 }, prev = { won_amount = 1000 } },
    { name = "Cy", metrics = { won_amount = 1200 } }, -- nothing last period: no growth to speak of
  }
  expect_eq(recognized(rep(r, "Ana"), "momentum").message,
            "Ana is on a roll: wins up 20% on last period. Keep it going!")
  expect_nil(recognized(rep(r, "Ben"), "momentum"))
  expect_nil(recognized(rep(r, "Cy"), "momentum"))
end)

test("activity without results: 60 activities or more and no win, advice from the strengths", function()
  local r = run {
    { name = "Ana", metrics = { activities = 60, won_deals = 0 }, strengths = { "Achiever", "Relator" } },
    { name = "Ben", metrics = { activities = 59, won_deals = 0 } },
    { name = "Cy", metrics = { activities = 200, won_deals = 1 } },
  }
  local c = coached(rep(r, "Ana"), "activity_without_results")
  expect_eq(c.severity, "high")
  expect_eq(c.advice, "Ana logged 60 activities and no win yet. Review targeting and call quality together, "
            .. "pick the five best-fit accounts, and plan each next step around their strengths (Achiever).")
  expect_nil(coached(rep(r, "Ben"), "activity_without_results"))
  expect_nil(coached(rep(r, "Cy"), "activity_without_results"))
end)
