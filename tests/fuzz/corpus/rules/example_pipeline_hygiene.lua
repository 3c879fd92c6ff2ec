-- Pipeline hygiene: open deals that nobody is working on.
--
-- A NEW metric, a NEW score and a NEW coaching trigger. An open deal with no
-- call, email, meeting or demo logged against it for 30 days is "stalled":
-- it inflates the pipeline without moving. Deals opened in the last 30 days
-- are not judged yet.
--
--   score "pipeline_freshness"  (weight 5) share of open deals kept moving
--   coach "stalled_pipeline"    three or more stalled deals
--
-- Params (rules.params in huddle.cfg) and their defaults:
--   stall_days  = 30   days without activity that make an open deal stalled
--   stalled_min = 3    stalled deals before it is worth a conversation

local param = huddle.param

-- Both counts look at the pipeline on the as-of date. Activities are tied
-- to a deal by activities.deal_id.
metric "open_deals" {
  doc = "Open deals created up to the as-of date",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE stage = 'open' AND created_on <= :as_of
          GROUP BY rep_id]],
  default = 0,
}

metric "stalled_deals" {
  doc = "Open deals older than stall_days (30) with no activity in the last stall_days",
  sql = [[SELECT d.rep_id, COUNT(*) FROM deals d
          WHERE d.stage = 'open'
            AND d.created_on <= date(:as_of, '-' || COALESCE(:param_stall_days, 30) || ' days')
            AND NOT EXISTS (
                  SELECT 1 FROM activities a
                  WHERE a.deal_id = d.id
                    AND a.occurred_on > date(:as_of, '-' || COALESCE(:param_stall_days, 30) || ' days')
                    AND a.occurred_on <= :as_of)
          GROUP BY d.rep_id]],
  default = 0,
}

score "pipeline_freshness" {
  weight = 5,
  doc = "Pipeline hygiene: share of open deals with activity in the last 30 days (stall_days)",
  fn = function(rep, m)
    if m.open_deals == 0 then return nil, "no open deals" end
    local moving = m.open_deals - m.stalled_deals
    return moving / m.open_deals,
           string.format("%d of %d open deals moving", moving, m.open_deals)
  end,
}

coach "stalled_pipeline" {
  severity = "medium",
  doc = "Three or more open deals (stalled_min) with no activity for 30 days (stall_days)",
  when = function(rep, m) return m.stalled_deals >= param("stalled_min", 3) end,
  advice = "${name} has ${stalled_deals} of ${open_deals} open deals with no activity for a month. Go through them together: agree a next step for each deal that is alive, close out the ones that are not, and spend the time freed on new opportunities that fit their strengths (${top_strength}).",
}
