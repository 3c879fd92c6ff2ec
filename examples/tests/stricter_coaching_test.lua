-- Tests for examples/rules/stricter_coaching.lua: "activity_without_results"
-- replaced by a version that speaks up earlier (40 activities per period,
-- prorated to the as-of date, never below 15).
--   huddle test --config examples/huddle.cfg examples/tests/stricter_coaching_test.lua
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), 92 days.

-- West: Ana, Ben and Cy. Each test gives them activities and maybe a win.
local function run(as_of, activities, deals, opts)
  local args = {
    period = "2026-Q3", as_of = as_of,
    data = {
      teams = { { id = 1, name = "West" } },
      reps = { { id = 1, name = "Ana", team_id = 1 }, { id = 2, name = "Ben", team_id = 1 },
               { id = 3, name = "Cy", team_id = 1 } },
      activities = activities,
      deals = deals,
    },
  }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

-- n calls for a rep, spread one a day over July 1..10 (the first ten days of Q3).
local function calls(rows, rep_id, n)
  for k = 0, n - 1 do
    rows[#rows + 1] = { rep_id = rep_id, kind = "call",
                        occurred_on = string.format("2026-07-%02d", 1 + k % 10) }
  end
  return rows
end

local function win(rep_id)
  return { id = rep_id, rep_id = rep_id, amount = 500, stage = "won", kind = "base",
           created_on = "2026-06-01", closed_on = "2026-07-05" }
end

test("fires at the end of the quarter at 40 activities without a win (the default waited for 60)", function()
  local r = run("2026-09-30", calls(calls(calls({}, 1, 40), 2, 39), 3, 40), { win(3) })
  local ana = rep(r, "Ana")
  local c = coached(ana, "activity_without_results")
  expect_true(c)
  expect_eq(c.severity, "high")
  expect_eq(c.advice, "Ana has logged 40 activities this period and no win yet. Don't wait for the quarter to end: this week, review targeting and call quality together, pick the five best-fit accounts, and plan each next step around their strengths (-).")
  expect_eq(#ana.errors, 0)
  -- replaced, not added: one item of that name
  local n = 0
  for _, item in ipairs(ana.coaching) do
    if item.trigger == "activity_without_results" then n = n + 1 end
  end
  expect_eq(n, 1)
  expect_false(coached(rep(r, "Ben"), "activity_without_results"))  -- 39
  expect_false(coached(rep(r, "Cy"), "activity_without_results"))   -- 40, but a win
end)

test("fires earlier mid-quarter: on August 15 (46 of 92 days) the floor is 20", function()
  local r = run("2026-08-15", calls(calls({}, 1, 20), 2, 19))
  expect_true(coached(rep(r, "Ana"), "activity_without_results"))
  expect_false(coached(rep(r, "Ben"), "activity_without_results"))
end)

test("early in the quarter the floor never drops below 15", function()
  -- July 10: 40 x 10/92 is about 4 activities, but the floor stays at 15.
  local r = run("2026-07-10", calls(calls(calls({}, 1, 15), 2, 14), 3, 5))
  expect_true(coached(rep(r, "Ana"), "activity_without_results"))
  expect_false(coached(rep(r, "Ben"), "activity_without_results"))
  expect_false(coached(rep(r, "Cy"), "activity_without_results"))
end)

test("the floors are params", function()
  local acts = calls(calls({}, 1, 40), 2, 12)
  local r = run("2026-09-30", acts, nil, { params = { early_activity_floor = 50 } })
  expect_false(coached(rep(r, "Ana"), "activity_without_results"))
  local r2 = run("2026-07-10", acts, nil, { params = { early_activity_min = 12 } })
  expect_true(coached(rep(r2, "Ben"), "activity_without_results"))
end)
