-- Rule tests for the default rep recognitions (scripts/50_recognitions.lua).
-- Period 2026-Q3 = [2026-07-01, 2026-10-01), as of 2026-09-30.

-- One team of three reps and a second team of one; each test adds rows.
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

local function won(id, rep_id, amount, closed_on, kind)
  return { id = id, rep_id = rep_id, amount = amount, stage = "won", kind = kind or "base",
           created_on = "2026-01-05", closed_on = closed_on }
end

local function q3_quota(rep_id, amount)
  return { rep_id = rep_id, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = amount }
end

local function assist(helper, helped, on)
  return { helper_id = helper, helped_id = helped, occurred_on = on or "2026-08-01" }
end

---------------------------------------------------------------------------
-- top_producer
---------------------------------------------------------------------------

test("top_producer: 130% of quota; the last day's deal counts", function()
  local r = run {
    quotas = { q3_quota(1, 1000), q3_quota(2, 1000) },
    deals = { won(1, 1, 1000, "2026-08-01"), won(2, 1, 300, "2026-09-30"),
              won(3, 2, 300, "2026-08-01") },
  }
  local rec = recognized(rep(r, "Ana"), "top_producer")
  expect_true(rec)
  expect_eq(rec.message, "Ana reached 130% of quota: a top producer this period. Thank you for setting the pace!")
  expect_false(recognized(rep(r, "Ben"), "top_producer"))
end)

test("top_producer: exactly 125% counts; 124% and no quota don't", function()
  local r = run {
    quotas = { q3_quota(1, 1000), q3_quota(2, 1000) },
    deals = { won(1, 1, 1250, "2026-08-01"), won(2, 2, 1240, "2026-08-01"),
              won(3, 3, 9000, "2026-08-01") },  -- Cy: no quota
  }
  expect_true(recognized(rep(r, "Ana"), "top_producer"))
  expect_false(recognized(rep(r, "Ben"), "top_producer"))
  expect_false(recognized(rep(r, "Cy"), "top_producer"))
end)

test("top_producer: a deal closed the day after the period does not count", function()
  local r = run {
    quotas = { q3_quota(1, 1000) },
    deals = { won(1, 1, 1000, "2026-09-30"), won(2, 1, 500, "2026-10-01") },
  }
  expect_false(recognized(rep(r, "Ana"), "top_producer"))
end)

---------------------------------------------------------------------------
-- supporting_cast
---------------------------------------------------------------------------

test("supporting_cast: four assists to teammates, in any team", function()
  local r = run { assists = { assist(1, 2), assist(1, 2), assist(1, 3), assist(1, 4, "2026-09-30") } }
  local rec = recognized(rep(r, "Ana"), "supporting_cast")
  expect_true(rec)
  expect_eq(rec.message, "Ana assisted teammates 4 times this period: the wins behind the wins. Thank you!")
end)

test("supporting_cast: assists to oneself and outside the period don't count", function()
  local r = run { assists = { assist(1, 2), assist(1, 2), assist(1, 3), assist(1, 1), assist(1, 1),
                              assist(1, 2, "2026-06-30"), assist(1, 2, "2026-10-01") } }
  expect_false(recognized(rep(r, "Ana"), "supporting_cast"))
end)

test("supporting_cast: not for assists traded within one reciprocal pair", function()
  local r = run { assists = { assist(1, 2), assist(1, 2), assist(1, 2), assist(1, 2),
                              assist(2, 1), assist(2, 1), assist(2, 1), assist(2, 1) } }
  expect_false(recognized(rep(r, "Ana"), "supporting_cast"))
  expect_false(recognized(rep(r, "Ben"), "supporting_cast"))
end)

---------------------------------------------------------------------------
-- knowledge_sharer
---------------------------------------------------------------------------

test("knowledge_sharer: two insights used three times by peers", function()
  local r = run {
    insights = { { id = 1, author_id = 1, shared_on = "2026-07-10", topic = "procurement timing" },
                 { id = 2, author_id = 1, shared_on = "2026-08-10", topic = "champion mapping" } },
    insight_uses = { { insight_id = 1, rep_id = 2, used_on = "2026-07-20" },
                     { insight_id = 1, rep_id = 3, used_on = "2026-07-21" },
                     { insight_id = 2, rep_id = 4, used_on = "2026-08-20" } },
  }
  local rec = recognized(rep(r, "Ana"), "knowledge_sharer")
  expect_true(rec)
  expect_eq(rec.message, "Ana shared 2 insights and peers put them to work 3 times. That lifts the whole team!")
end)

test("knowledge_sharer: the author's own uses don't count", function()
  local r = run {
    insights = { { id = 1, author_id = 1, shared_on = "2026-07-10" },
                 { id = 2, author_id = 1, shared_on = "2026-08-10" } },
    insight_uses = { { insight_id = 1, rep_id = 2, used_on = "2026-07-20" },
                     { insight_id = 2, rep_id = 3, used_on = "2026-08-21" },
                     { insight_id = 1, rep_id = 1, used_on = "2026-07-21" },
                     { insight_id = 2, rep_id = 1, used_on = "2026-08-20" } },
  }
  expect_false(recognized(rep(r, "Ana"), "knowledge_sharer"))
end)

---------------------------------------------------------------------------
-- opportunity_creator
---------------------------------------------------------------------------

test("opportunity_creator: three incremental or referral deals opened", function()
  local r = run {
    deals = {
      { id = 1, rep_id = 1, amount = 10, stage = "open", kind = "incremental", created_on = "2026-07-02" },
      { id = 2, rep_id = 1, amount = 10, stage = "lost", kind = "incremental", created_on = "2026-08-02", closed_on = "2026-09-01" },
      { id = 3, rep_id = 1, amount = 10, stage = "open", kind = "referral", created_on = "2026-09-30" },
    },
  }
  local rec = recognized(rep(r, "Ana"), "opportunity_creator")
  expect_true(rec)
  expect_eq(rec.message, "Ana opened 3 new incremental and referral opportunities: growth beyond the base.")
end)

test("opportunity_creator: base deals and deals opened the next day don't count", function()
  local r = run {
    deals = {
      { id = 1, rep_id = 1, amount = 10, stage = "open", kind = "incremental", created_on = "2026-07-02" },
      { id = 2, rep_id = 1, amount = 10, stage = "open", kind = "referral", created_on = "2026-08-02" },
      { id = 3, rep_id = 1, amount = 10, stage = "open", kind = "base", created_on = "2026-08-03" },
      { id = 4, rep_id = 1, amount = 10, stage = "open", kind = "incremental", created_on = "2026-10-01" },
    },
  }
  expect_false(recognized(rep(r, "Ana"), "opportunity_creator"))
end)

---------------------------------------------------------------------------
-- referral_magnet
---------------------------------------------------------------------------

test("referral_magnet: two new deals referred by the rep's clients", function()
  local r = run {
    deals = {
      won(1, 1, 100, "2026-03-01"),
      { id = 2, rep_id = 2, amount = 50, stage = "open", kind = "referral", created_on = "2026-07-15", referred_by = 1 },
      { id = 3, rep_id = 3, amount = 50, stage = "open", kind = "referral", created_on = "2026-09-30", referred_by = 1 },
    },
  }
  local rec = recognized(rep(r, "Ana"), "referral_magnet")
  expect_true(rec)
  expect_eq(rec.message, "Ana's clients referred 2 new deals this period: trust, earned.")
  expect_false(recognized(rep(r, "Ben"), "referral_magnet"))
end)

test("referral_magnet: a referral opened the next day doesn't count", function()
  local r = run {
    deals = {
      won(1, 1, 100, "2026-03-01"),
      { id = 2, rep_id = 2, amount = 50, stage = "open", kind = "referral", created_on = "2026-07-15", referred_by = 1 },
      { id = 3, rep_id = 3, amount = 50, stage = "open", kind = "referral", created_on = "2026-10-01", referred_by = 1 },
    },
  }
  expect_false(recognized(rep(r, "Ana"), "referral_magnet"))
end)

---------------------------------------------------------------------------
-- momentum
---------------------------------------------------------------------------

test("momentum: wins up 40% on last period", function()
  local r = run { deals = { won(1, 1, 1000, "2026-05-01"), won(2, 1, 1400, "2026-08-01") } }
  local rec = recognized(rep(r, "Ana"), "momentum")
  expect_true(rec)
  expect_eq(rec.message, "Ana is on a roll: wins up 40% on last period. Keep it going!")
end)

test("momentum: not for +10%, nor for first wins after an empty period", function()
  local r = run { deals = { won(1, 1, 1000, "2026-05-01"), won(2, 1, 1100, "2026-08-01"),
                            won(3, 2, 5000, "2026-08-01") } }
  expect_false(recognized(rep(r, "Ana"), "momentum"))
  expect_false(recognized(rep(r, "Ben"), "momentum"))
end)

---------------------------------------------------------------------------
-- bridge_builder
---------------------------------------------------------------------------

test("bridge_builder: three pieces of work across two departments", function()
  local r = run {
    cross_dept = { { rep_id = 1, department = "marketing", occurred_on = "2026-07-05", note = "webinar" },
                   { rep_id = 1, department = "service", occurred_on = "2026-08-05" },
                   { rep_id = 1, department = "service", occurred_on = "2026-09-30" } },
  }
  local rec = recognized(rep(r, "Ana"), "bridge_builder")
  expect_true(rec)
  expect_eq(rec.message, "Ana built bridges with 2 other departments (3 joint pieces of work) this period. Thank you for connecting us!")
end)

test("bridge_builder: not for one department only, nor for work outside the period", function()
  local r = run {
    cross_dept = { { rep_id = 1, department = "service", occurred_on = "2026-07-05" },
                   { rep_id = 1, department = "service", occurred_on = "2026-08-05" },
                   { rep_id = 1, department = "service", occurred_on = "2026-09-05" },
                   { rep_id = 2, department = "marketing", occurred_on = "2026-07-05" },
                   { rep_id = 2, department = "service", occurred_on = "2026-08-05" },
                   { rep_id = 2, department = "finance", occurred_on = "2026-10-01" } },
  }
  expect_false(recognized(rep(r, "Ana"), "bridge_builder"))
  expect_false(recognized(rep(r, "Ben"), "bridge_builder"))
end)

test("thresholds are params: bridge_count = 1 recognises a single piece of work", function()
  local r = run({
    cross_dept = { { rep_id = 1, department = "service", occurred_on = "2026-07-05" } },
  }, { params = { bridge_count = 1, bridge_departments = 1 } })
  expect_true(recognized(rep(r, "Ana"), "bridge_builder"))
end)
