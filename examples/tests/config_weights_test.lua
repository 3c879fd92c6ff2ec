-- Tests for the example config's weight override (examples/huddle.cfg):
--   rules.weights = { collaboration = 25; }   (the default weight is 15)
-- The config's weights apply to every eval{} below; a test's own `weights`
-- apply on top of them.
--   huddle test --config examples/huddle.cfg examples/tests/config_weights_test.lua
-- Period 2026-Q3, as of 2026-09-30.

-- Ana: a Q3 quota of 1000 and one base deal of 600 won (60% of quota); two
-- assists to Ben, one insight shared and used twice by peers. No activity,
-- no open deal, no plan, no assessment, no training.
local function run(opts)
  local args = {
    period = "2026-Q3", as_of = "2026-09-30",
    data = {
      teams = { { id = 1, name = "West" } },
      reps = { { id = 1, name = "Ana", team_id = 1 }, { id = 2, name = "Ben", team_id = 1 },
               { id = 3, name = "Cy", team_id = 1 } },
      quotas = { { rep_id = 1, starts_on = "2026-07-01", ends_on = "2026-09-30", amount = 1000 } },
      deals = { { id = 1, rep_id = 1, amount = 600, stage = "won", kind = "base",
                  created_on = "2026-06-01", closed_on = "2026-08-01" } },
      assists = { { helper_id = 1, helped_id = 2, occurred_on = "2026-07-20" },
                  { helper_id = 1, helped_id = 2, occurred_on = "2026-08-20" } },
      insights = { { id = 1, author_id = 1, shared_on = "2026-07-10", topic = "Procurement objections" } },
      insight_uses = { { insight_id = 1, rep_id = 2, used_on = "2026-07-15" },
                       { insight_id = 1, rep_id = 3, used_on = "2026-08-02" } },
    },
  }
  for k, v in pairs(opts or {}) do args[k] = v end
  return eval(args)
end

-- Ana's components, by hand (value x weight):
--   attainment         0.6 / 1.2 = 0.5                    x 30
--   pipeline_coverage  no open pipeline for 400 to close: 0   x 10
--   incremental        0 of 1 new deals and wins: 0       x 10
--   collaboration      0.5 x 2/4 + 0.25 x 1/2 + 0.25 x 2/4 = 0.5   x 25 (config)
--   development        no training offered, no plans, no assessment: 0   x 10
--   client_outcomes    no referrals, nothing measured: 0  x 15
--   conversion, pipeline_freshness: no value (no activity, no open deal): left out
--   pacing             weight 0: shown, never counted

test("the config's weight shows on the component and counts in the score", function()
  local ana = rep(run(), "Ana")
  local c = component(ana, "collaboration")
  expect_eq(c.weight, 25)
  expect_near(c.value, 0.5, 1e-12)
  expect_eq(component(ana, "attainment").weight, 30)   -- the others keep their defaults
  expect_eq(component(ana, "client_outcomes").weight, 15)
  expect_nil(component(ana, "conversion").value)
  expect_nil(component(ana, "pipeline_freshness").value)
  -- 100 x (30 x 0.5 + 25 x 0.5) / (30 + 10 + 10 + 25 + 10 + 15) = 27.5
  expect_near(ana.score, 27.5, 1e-9)
  expect_eq(#ana.errors, 0)
end)

test("with the default weight of 15 the same rep scores 25", function()
  local ana = rep(run { weights = { collaboration = 15 } }, "Ana")
  expect_eq(component(ana, "collaboration").weight, 15)
  -- 100 x (30 x 0.5 + 15 x 0.5) / (30 + 10 + 10 + 15 + 10 + 15) = 25
  expect_near(ana.score, 25, 1e-9)
end)

test("a weight of 0 keeps the component on the scorecard but out of the score", function()
  local ana = rep(run { weights = { collaboration = 0 } }, "Ana")
  local c = component(ana, "collaboration")
  expect_eq(c.weight, 0)
  expect_near(c.value, 0.5, 1e-12)
  -- 100 x (30 x 0.5) / (30 + 10 + 10 + 10 + 15) = 20
  expect_near(ana.score, 20, 1e-9)
end)
