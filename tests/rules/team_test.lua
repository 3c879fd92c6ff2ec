-- Rule tests for the default team scores and team recognitions
-- (scripts/40_team_scores.lua, scripts/50_recognitions.lua).
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), as of 2026-09-30; the
-- previous period is 2026-Q2.

-- West: five active reps and Zed, who left; East: Dee alone.
local function fixture(add)
  local data = {
    teams = { { id = 1, name = "West", manager = "Maria" }, { id = 2, name = "East" } },
    reps = {
      { id = 1, name = "Ana", team_id = 1 },
      { id = 2, name = "Ben", team_id = 1 },
      { id = 3, name = "Cy", team_id = 1 },
      { id = 4, name = "Dan", team_id = 1 },
      { id = 5, name = "Eve", team_id = 1 },
      { id = 6, name = "Dee", team_id = 2 },
      { id = 9, name = "Zed", team_id = 1, active = 0 },
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

local function won(id, rep_id, amount, closed_on)
  return { id = id, rep_id = rep_id, amount = amount, stage = "won", kind = "base",
           created_on = "2026-01-05", closed_on = closed_on }
end

local function q3_target(team_id, amount)
  return { team_id = team_id, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = amount }
end

local function no_value(c) return c == nil or c.value == nil end

---------------------------------------------------------------------------
-- team_attainment and group_target_hit
---------------------------------------------------------------------------

test("team_attainment: a prorated group target; every rep's deals count, the next day's not", function()
  local r = run {
    -- 2026-07-01..2026-12-31 is 184 days, 92 in Q3: 1840 -> 920
    team_targets = { { team_id = 1, starts_on = "2026-07-01", ends_on = "2026-12-31", amount = 1840 } },
    deals = { won(1, 1, 400, "2026-09-30"), won(2, 2, 60, "2026-08-01"),
              won(3, 9, 92, "2026-08-01"),   -- Zed left, but the team closed it
              won(4, 1, 900, "2026-10-01") }, -- Q4
  }
  local west = team(r, "West")
  local c = component(west, "team_attainment")
  expect_near(c.value, 552 / 920, 1e-9)
  expect_eq(c.weight, 40)
  expect_eq(c.why, "60% of the group target")
  expect_false(recognized(west, "group_target_hit"))
  expect_eq(west.members, 5)
end)

test("group_target_hit: the team reaches its target together", function()
  local r = run {
    team_targets = { q3_target(1, 500) },
    deals = { won(1, 1, 200, "2026-07-15"), won(2, 2, 200, "2026-08-15"), won(3, 3, 100, "2026-09-15"),
              won(4, 6, 5000, "2026-08-15") },
  }
  local west = team(r, "West")
  expect_near(component(west, "team_attainment").value, 1, 1e-9)
  local rec = recognized(west, "group_target_hit")
  expect_true(rec)
  expect_eq(rec.message, "Team West hit the group target together: 100%! Everyone made this one.")
  -- East has no target: no attainment, no recognition
  local east = team(r, "East")
  expect_true(no_value(component(east, "team_attainment")))
  expect_false(recognized(east, "group_target_hit"))
end)

---------------------------------------------------------------------------
-- team_momentum
---------------------------------------------------------------------------

test("team_momentum: +15% on last period scores 0.8, flat would be 0.5", function()
  local r = run {
    deals = { won(1, 1, 400, "2026-05-01"), won(2, 2, 460, "2026-08-01"),
              won(3, 6, 400, "2026-06-30") }, -- East: wins last period, none now
  }
  local c = component(team(r, "West"), "team_momentum")
  expect_near(c.value, 0.5 + 0.5 * (460 / 400 - 1) / 0.25, 1e-9)
  expect_eq(c.why, "+15% on last period")
  local east = component(team(r, "East"), "team_momentum")
  expect_near(east.value, 0, 1e-9)
  expect_eq(east.why, "-100% on last period")
end)

test("team_momentum: no value without wins in either period", function()
  local r = run {}
  expect_true(no_value(component(team(r, "West"), "team_momentum")))
end)

---------------------------------------------------------------------------
-- team_balance
---------------------------------------------------------------------------

-- Gini coefficient G of the members' wins, scaled by n / (n - 1) so that
-- one member holding everything scores 0 and an even spread 1.

test("team_balance: one member with 500 and four with 100 (Gini 16/45)", function()
  local r = run {
    deals = { won(1, 1, 500, "2026-08-01"), won(2, 2, 100, "2026-08-01"), won(3, 3, 100, "2026-08-01"),
              won(4, 4, 100, "2026-08-01"), won(5, 5, 100, "2026-08-01") },
  }
  local c = component(team(r, "West"), "team_balance")
  -- sorted 100 100 100 100 500: G = (-4-2+0+2)*100 + 4*500 = 1600 over 5 * 900
  expect_near(c.value, 1 - (1600 / 4500) * 5 / 4, 1e-9)
  expect_eq(c.why, "Gini 0.36 across 5 members (0 is an even spread)")
end)

test("team_balance: members without wins count as zeros", function()
  -- 300, 200, 100 and two members at 0: G = (2*200 + 4*300) / (5 * 600) = 8/15
  local r = run {
    deals = { won(1, 1, 300, "2026-08-01"), won(2, 2, 200, "2026-08-01"), won(3, 3, 100, "2026-08-01") },
  }
  local c = component(team(r, "West"), "team_balance")
  expect_near(c.value, 1 - (8 / 15) * 5 / 4, 1e-9)
  expect_eq(c.why, "Gini 0.53 across 5 members (0 is an even spread)")
end)

test("team_balance: an even spread earns full marks; no wins, no value", function()
  local r = run {
    deals = { won(1, 1, 100, "2026-08-01"), won(2, 2, 100, "2026-08-01"), won(3, 3, 100, "2026-08-01"),
              won(4, 4, 100, "2026-08-01"), won(5, 5, 100, "2026-08-01") },
  }
  local c = component(team(r, "West"), "team_balance")
  expect_near(c.value, 1, 1e-9)
  expect_eq(c.why, "Gini 0.00 across 5 members (0 is an even spread)")
  expect_true(no_value(component(team(r, "East"), "team_balance")))
end)

test("team_balance: one member holding every win scores 0, in a team of one too", function()
  local r = run {
    deals = { won(1, 1, 700, "2026-08-01"), won(2, 6, 50, "2026-08-01") },
  }
  local west = component(team(r, "West"), "team_balance")
  expect_near(west.value, 0, 1e-9)
  expect_eq(west.why, "Gini 0.80 across 5 members (0 is an even spread)")
  local east = component(team(r, "East"), "team_balance")
  expect_near(east.value, 0, 1e-9)
  expect_eq(east.why, "one member holds all the wins")
end)

---------------------------------------------------------------------------
-- collaboration_density
---------------------------------------------------------------------------

test("collaboration_density: share of members who assisted or shared; self-assists don't count", function()
  local r = run {
    assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-08-01" },
                { helper_id = 2, helped_id = 2, occurred_on = "2026-08-01" },   -- Ben, to himself
                { helper_id = 4, helped_id = 5, occurred_on = "2026-06-30" } }, -- Q2
    insights = { { id = 1, author_id = 3, shared_on = "2026-09-30" } },
  }
  local c = component(team(r, "West"), "collaboration_density")
  expect_near(c.value, (2 / 5) / 0.8, 1e-9)
  expect_eq(c.why, "2 of 5 members assisted or shared")
  expect_near(component(team(r, "East"), "collaboration_density").value, 0, 1e-9)
end)

---------------------------------------------------------------------------
-- collective_momentum
---------------------------------------------------------------------------

test("collective_momentum: team wins up 27% with three of five members growing", function()
  local r = run {
    deals = { won(1, 1, 100, "2026-05-01"), won(2, 2, 100, "2026-05-01"), won(3, 3, 100, "2026-05-01"),
              won(4, 1, 150, "2026-08-01"), won(5, 2, 120, "2026-08-01"), won(6, 3, 110, "2026-08-01") },
  }
  local rec = recognized(team(r, "West"), "collective_momentum")
  expect_true(rec)
  expect_eq(rec.message, "Team West is building momentum together: wins up 27% on last period, with 60% of the team growing.")
end)

test("collective_momentum: not when one star carries the growth, nor when the team is down", function()
  local r = run {
    deals = { won(1, 1, 100, "2026-05-01"), won(2, 2, 100, "2026-05-01"), won(3, 3, 100, "2026-05-01"),
              won(4, 1, 400, "2026-08-01") },
  }
  expect_false(recognized(team(r, "West"), "collective_momentum"))
  local r2 = run {
    deals = { won(1, 1, 100, "2026-05-01"), won(2, 2, 100, "2026-05-01"), won(3, 3, 100, "2026-05-01"),
              won(4, 4, 1000, "2026-05-01"),
              won(5, 1, 110, "2026-08-01"), won(6, 2, 110, "2026-08-01"), won(7, 3, 110, "2026-08-01") },
  }
  expect_false(recognized(team(r2, "West"), "collective_momentum"))
end)

---------------------------------------------------------------------------
-- the team composite
---------------------------------------------------------------------------

test("team weights sum to 100 and the score is their weighted mean", function()
  local r = run {
    team_targets = { q3_target(1, 1000) },
    deals = { won(1, 1, 400, "2026-05-01"), won(2, 1, 500, "2026-08-01") },
  }
  local west = team(r, "West")
  local total = 0
  for _, name in ipairs { "team_attainment", "team_momentum", "team_balance", "collaboration_density" } do
    local c = component(west, name)
    expect_true(c ~= nil and c.value ~= nil)
    total = total + c.weight
  end
  expect_eq(total, 100)
  -- attainment 0.5, momentum 1 (+25%), balance 0 (Ana holds it all), density 0
  expect_near(west.score, (40 * 0.5 + 20 * 1 + 20 * 0 + 20 * 0) / 100 * 100, 1e-9)
  expect_eq(#west.errors, 0)
end)
