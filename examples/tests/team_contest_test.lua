-- Tests for examples/rules/team_contest.lua: the "new_business_contest"
-- team recognition (at least 4 incremental or referral wins, the top 20% of
-- the team bringing at most half of them).
--   huddle test --config examples/huddle.cfg examples/tests/team_contest_test.lua
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), as of 2026-09-30.

-- West has five reps (so its top 20% is one rep), East has three.
local function run(deals, opts)
  local args = {
    period = "2026-Q3", as_of = "2026-09-30",
    data = {
      teams = { { id = 1, name = "West" }, { id = 2, name = "East" } },
      reps = { { id = 1, name = "Ana", team_id = 1 }, { id = 2, name = "Ben", team_id = 1 },
               { id = 3, name = "Cy", team_id = 1 }, { id = 4, name = "Dan", team_id = 1 },
               { id = 5, name = "Eve", team_id = 1 },
               { id = 6, name = "Fay", team_id = 2 }, { id = 7, name = "Gus", team_id = 2 },
               { id = 8, name = "Hal", team_id = 2 } },
      deals = deals,
    },
  }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

-- Won deals, one per entry of `reps` (a rep id), of the given kind.
local function wins(deals, reps, kind, closed_on)
  for _, rep_id in ipairs(reps) do
    deals[#deals + 1] = { id = #deals + 1, rep_id = rep_id, amount = 1000, stage = "won",
                          kind = kind, created_on = "2026-06-15",
                          closed_on = closed_on or "2026-08-10" }
  end
  return deals
end

test("fires: five new-business wins spread over the team", function()
  -- Ana 2, Ben 1 (a referral), Cy 1, Dan 1: the top 20% (Ana) brought 40%.
  local deals = wins({}, { 1, 1, 3, 4 }, "incremental")
  wins(deals, { 2 }, "referral")
  local west = team(run(deals), "West")
  local rec = recognized(west, "new_business_contest")
  expect_true(rec)
  expect_eq(rec.message, "Team West wins the new-business contest: 5 incremental and referral deals won, and no one carried it alone (the top 20% brought 40% of them). Well played, together!")
  expect_eq(#west.errors, 0)
end)

test("does not fire: enough wins, but one star carried them", function()
  -- Ana 3 of 5: 60% from the top 20%.
  local deals = wins({}, { 1, 1, 1, 2, 3 }, "incremental")
  local west = team(run(deals), "West")
  expect_false(recognized(west, "new_business_contest"))
  expect_eq(#west.errors, 0)
end)

test("does not fire: spread out, but below the goal; base wins and next quarter's don't count", function()
  -- East: one incremental win each (3) plus base business; one more
  -- incremental win the day after the quarter ends.
  local deals = wins({}, { 6, 7, 8 }, "incremental")
  wins(deals, { 6, 7, 8, 6 }, "base")
  wins(deals, { 7 }, "incremental", "2026-10-01")
  local r = run(deals)
  expect_false(recognized(team(r, "East"), "new_business_contest"))
  -- ... and a team with no wins at all is no error either.
  local west = team(r, "West")
  expect_false(recognized(west, "new_business_contest"))
  expect_eq(#west.errors, 0)
end)

test("the goal is a param: three wins are enough with contest_new_wins = 3", function()
  local deals = wins({}, { 6, 7, 8 }, "incremental")
  local east = team(run(deals, { params = { contest_new_wins = 3 } }), "East")
  expect_true(recognized(east, "new_business_contest"))
end)
