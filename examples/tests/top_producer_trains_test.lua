-- Tests for examples/rules/top_producer_trains.lua: "top_producer" replaced by
-- a version that also asks for training with the group.
-- Run with the example config (the defaults + examples/rules, and its params:
-- top_producer_attainment = 1.2):
--   huddle test --config examples/huddle.cfg examples/tests/top_producer_trains_test.lua
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), as of 2026-09-30.

-- West: Ana, Ben and Cy, each with a Q3 quota of 1000; two trainings held
-- for West in Q3. Each test adds deals and attendance.
local function run(add, opts)
  local data = {
    teams = { { id = 1, name = "West" } },
    reps = { { id = 1, name = "Ana", team_id = 1 },
             { id = 2, name = "Ben", team_id = 1 },
             { id = 3, name = "Cy", team_id = 1 } },
    quotas = {},
    trainings = { { id = 1, title = "Discovery calls", held_on = "2026-07-14", team_id = 1 },
                  { id = 2, title = "Negotiation", held_on = "2026-08-18", team_id = 1 } },
  }
  for id = 1, 3 do
    data.quotas[id] = { rep_id = id, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 }
  end
  for tbl, rows in pairs(add) do data[tbl] = rows end
  local args = { period = "2026-Q3", as_of = "2026-09-30", data = data }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

local function won(id, rep_id, amount)
  return { id = id, rep_id = rep_id, amount = amount, stage = "won", kind = "base",
           created_on = "2026-06-01", closed_on = "2026-08-20" }
end

local function attended(training_id, rep_id, yes)
  return { training_id = training_id, rep_id = rep_id, attended = yes and 1 or 0 }
end

test("fires: at 120% of quota (the config's threshold) and at half the trainings", function()
  local r = run {
    deals = { won(1, 1, 1200) },
    training_attendance = { attended(1, 1, true), attended(2, 1, false) },
  }
  local ana = rep(r, "Ana")
  local rec = recognized(ana, "top_producer")
  expect_true(rec)
  expect_eq(rec.message, "Ana reached 120% of quota and still trained with the group (1 of 2 sessions): a top producer who lifts the whole team. Thank you!")
  expect_false(coached(ana, "skipped_training"))
  expect_eq(#ana.errors, 0)
  -- replaced, not added: one top_producer item
  local n = 0
  for _, item in ipairs(ana.recognitions) do
    if item.policy == "top_producer" then n = n + 1 end
  end
  expect_eq(n, 1)
end)

test("does not fire: a top producer who skipped the trainings is coached instead", function()
  local r = run {
    deals = { won(1, 2, 1500) },
    training_attendance = { attended(1, 2, false), attended(2, 2, false) },
  }
  local ben = rep(r, "Ben")
  expect_false(recognized(ben, "top_producer"))
  expect_true(coached(ben, "skipped_training"))   -- the default trigger, same threshold
  expect_eq(#ben.errors, 0)
end)

test("does not fire: full attendance but below 120% of quota", function()
  local r = run {
    deals = { won(1, 3, 1190) },
    training_attendance = { attended(1, 3, true), attended(2, 3, true) },
  }
  expect_false(recognized(rep(r, "Cy"), "top_producer"))
end)

test("fires on results alone when no training was held", function()
  local r = run { deals = { won(1, 1, 1300) }, trainings = {} }
  local rec = recognized(rep(r, "Ana"), "top_producer")
  expect_true(rec)
  expect_eq(rec.message, "Ana reached 130% of quota: a top producer this period. Thank you for setting the pace!")
end)

test("does not fire below the thresholds set as params", function()
  local r = run({
    deals = { won(1, 1, 1200) },
    training_attendance = { attended(1, 1, true), attended(2, 1, false) },
  }, { params = { top_producer_attainment = 1.25 } })
  expect_false(recognized(rep(r, "Ana"), "top_producer"))   -- 120% < 125%
  local r2 = run({
    deals = { won(1, 1, 1200) },
    training_attendance = { attended(1, 1, true), attended(2, 1, false) },
  }, { params = { training_min_rate = 0.75 } })
  expect_false(recognized(rep(r2, "Ana"), "top_producer"))  -- 1 of 2 < 75%
end)
