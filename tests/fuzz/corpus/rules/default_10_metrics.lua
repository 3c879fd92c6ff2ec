-- Rep metrics: the numbers every score, recognition and coaching trigger reads.
--
-- SQL metrics run once for all reps (GROUP BY rep_id) the first time a rule
-- reads them; Lua metrics are derived from them.  Periods are half-open:
-- `date >= :start AND date < :stop`.  Dates are ISO text, so comparing them
-- as text is comparing them as dates.
--
-- Params read here (rules.params in the config; the SQL default is the same):
--   spike_days          = 7     the "last week" the activity-spike check looks at
--   spike_ratio         = 7     last week's activity at 7x the usual weekly rate...
--   spike_min           = 8     ...and at least this many activities, is a spike
--   reciprocal_discount = 0.5   assists traded only within one pair count half
--   client_window_days  = 180   client success metrics of deals won this far back count
--   top_producer_attainment = 1.25  attainment that makes a top producer

local ratio = huddle.ratio

---------------------------------------------------------------------------
-- Deals: results, quota, pipeline
---------------------------------------------------------------------------

metric "won_amount" {
  doc = "Closed-won revenue in the period",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "won_deals" {
  doc = "Deals closed-won in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "won_to_date" {
  doc = "Closed-won revenue from the period's start up to the as-of date",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
            AND closed_on <= :as_of
          GROUP BY rep_id]],
  default = 0,
}

-- A quota row counts in proportion to the days it shares with the period:
-- a 2026-08-01..2026-12-31 quota lends 61 of its 153 days to 2026-Q3.
metric "quota" {
  doc = "Quota for the period, prorated by overlapping days (nil: no quota)",
  sql = [[SELECT rep_id,
                 SUM(amount
                     * (MIN(julianday(ends_on) + 1, julianday(:stop))
                        - MAX(julianday(starts_on), julianday(:start)))
                     / (julianday(ends_on) - julianday(starts_on) + 1))
          FROM quotas
          WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY rep_id]],
}

metric "quota_to_date" {
  doc = "Quota prorated from the period's start up to and including the as-of date",
  sql = [[SELECT rep_id,
                 SUM(amount
                     * MAX(MIN(julianday(ends_on) + 1, julianday(:stop),
                               julianday(:as_of) + 1)
                           - MAX(julianday(starts_on), julianday(:start)), 0)
                     / (julianday(ends_on) - julianday(starts_on) + 1))
          FROM quotas
          WHERE starts_on < :stop AND ends_on >= :start
          GROUP BY rep_id]],
}

metric "open_pipeline" {
  doc = "Value of the rep's open deals created up to the as-of date",
  sql = [[SELECT rep_id, SUM(amount) FROM deals
          WHERE stage = 'open' AND created_on <= :as_of
          GROUP BY rep_id]],
  default = 0,
}

metric "deals_created" {
  doc = "Deals opened in the period, any kind",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE created_on >= :start AND created_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "incremental_created" {
  doc = "Incremental and referral deals opened in the period (new business, not base)",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE created_on >= :start AND created_on < :stop
            AND kind IN ('incremental', 'referral')
          GROUP BY rep_id]],
  default = 0,
}

metric "incremental_won" {
  doc = "Incremental and referral deals closed-won in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM deals
          WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop
            AND kind IN ('incremental', 'referral')
          GROUP BY rep_id]],
  default = 0,
}

-- "Touched": opened, won or lost in the period; a deal opened last quarter
-- and closed this one still shows what the rep worked on.
metric "deals_touched" {
  doc = "Deals opened, won or lost in the period",
  sql = [[SELECT rep_id, COUNT(*)
          FROM (SELECT id, rep_id FROM deals
                WHERE created_on >= :start AND created_on < :stop
                UNION
                SELECT id, rep_id FROM deals
                WHERE stage IN ('won', 'lost') AND closed_on >= :start AND closed_on < :stop)
          GROUP BY rep_id]],
  default = 0,
}

metric "incremental_touched" {
  doc = "Incremental and referral deals opened, won or lost in the period",
  sql = [[SELECT rep_id, COUNT(*)
          FROM (SELECT id, rep_id FROM deals
                WHERE created_on >= :start AND created_on < :stop
                  AND kind IN ('incremental', 'referral')
                UNION
                SELECT id, rep_id FROM deals
                WHERE stage IN ('won', 'lost') AND closed_on >= :start AND closed_on < :stop
                  AND kind IN ('incremental', 'referral'))
          GROUP BY rep_id]],
  default = 0,
}

metric "attainment" {
  doc = "Won amount over the prorated quota (nil: no quota)",
  fn = function(m) return ratio(m.won_amount, m.quota) end,
}

metric "attainment_pct" {
  doc = "Attainment as a whole percentage, for messages",
  fn = function(m)
    local a = m.attainment
    return a and math.floor(100 * a + 0.5)
  end,
}

metric "pacing" {
  doc = "Won so far over the quota prorated to the as-of date",
  fn = function(m) return ratio(m.won_to_date, m.quota_to_date) end,
}

metric "remaining_quota" {
  doc = "Quota still to close in the period (0 once met; nil: no quota)",
  fn = function(m)
    if m.quota == nil then return nil end
    return math.max(m.quota - m.won_amount, 0)
  end,
}

metric "pipeline_coverage" {
  doc = "Open pipeline over the quota still to close",
  fn = function(m) return ratio(m.open_pipeline, m.remaining_quota) end,
}

metric "won_growth" {
  doc = "Won amount over last period's (nil when last period had none)",
  fn = function(m) return ratio(m.won_amount, m.prev.won_amount) end,
}

metric "won_growth_pct" {
  doc = "Growth of the won amount over last period, whole percent",
  fn = function(m)
    local g = m.won_growth
    return g and math.floor(100 * (g - 1) + 0.5)
  end,
}

metric "is_top_producer" {
  doc = "1 at or above 125% of quota (top_producer_attainment), else 0",
  fn = function(m)
    local a = m.attainment
    return (a ~= nil and a >= huddle.param("top_producer_attainment", 1.25)) and 1 or 0
  end,
}

---------------------------------------------------------------------------
-- Activity, and the activity-spike anti-gaming check
---------------------------------------------------------------------------

metric "activities" {
  doc = "Calls, emails, meetings and demos logged in the period",
  sql = [[SELECT rep_id, COUNT(*) FROM activities
          WHERE occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

-- "The last week" ends at the as-of date (or the period's end, if earlier).
metric "activities_last_week" {
  doc = "Activities logged in the last 7 days (spike_days) up to the as-of date",
  sql = [[SELECT rep_id, COUNT(*) FROM activities
          WHERE occurred_on >= MAX(:start,
                  date(MIN(:stop, date(:as_of, '+1 day')),
                       '-' || COALESCE(:param_spike_days, 7) || ' days'))
            AND occurred_on < MIN(:stop, date(:as_of, '+1 day'))
          GROUP BY rep_id]],
  default = 0,
}

-- Last week's count over what the weeks before predict for a week (at
-- least one activity): 40 logged against a usual 8 a week is 5.  The weeks
-- before start at the period's start or the hire date, whichever is later,
-- so a new hire's first busy weeks are not a spike.
metric "activity_spike" {
  doc = "Last week's activity as a multiple of the rep's usual weekly rate",
  sql = [[WITH w AS (
            SELECT MIN(:stop, date(:as_of, '+1 day')) AS stop_at,
                   date(MIN(:stop, date(:as_of, '+1 day')),
                        '-' || COALESCE(:param_spike_days, 7) || ' days') AS week_from,
                   COALESCE(:param_spike_days, 7) AS days),
          counts AS (
            SELECT rep_id,
                   SUM(occurred_on >= week_from) AS last_week,
                   SUM(occurred_on < week_from) AS before
            FROM activities, w
            WHERE occurred_on >= :start AND occurred_on < stop_at
            GROUP BY rep_id)
          SELECT c.rep_id,
                 c.last_week * 1.0
                 / MAX(c.before * w.days
                       / (julianday(w.week_from) - julianday(MAX(:start, COALESCE(r.hired_on, :start)))),
                       1.0)
          FROM counts c JOIN reps r ON r.id = c.rep_id, w
          WHERE w.week_from > MAX(:start, COALESCE(r.hired_on, :start))]],
}

metric "activity_spiked" {
  doc = "1 when the last week's activity spiked (see spike_ratio, spike_min)",
  fn = function(m)
    local s = m.activity_spike
    if s and s >= huddle.param("spike_ratio", 7)
       and m.activities_last_week >= huddle.param("spike_min", 8) then
      return 1
    end
    return 0
  end,
}

metric "conversion" {
  doc = "Wins per logged activity (nil: no activity)",
  fn = function(m) return ratio(m.won_deals, m.activities) end,
}

---------------------------------------------------------------------------
-- Collaboration: assists, insights, other departments
---------------------------------------------------------------------------

metric "assists_given" {
  doc = "Assists given to teammates in the period (assists to oneself never count)",
  sql = [[SELECT helper_id, COUNT(*) FROM assists
          WHERE occurred_on >= :start AND occurred_on < :stop
            AND helper_id <> helped_id
          GROUP BY helper_id]],
  default = 0,
}

-- Anti-gaming: two reps trading assists only with each other.
metric "reciprocal_pair" {
  doc = "1 when every assist the rep gave or got was with one partner, both ways",
  sql = [[SELECT rep_id,
                 COUNT(DISTINCT partner) = 1 AND SUM(gave) > 0 AND SUM(gave) < COUNT(*)
          FROM (SELECT helper_id AS rep_id, helped_id AS partner, 1 AS gave
                FROM assists
                WHERE occurred_on >= :start AND occurred_on < :stop
                  AND helper_id <> helped_id
                UNION ALL
                SELECT helped_id, helper_id, 0
                FROM assists
                WHERE occurred_on >= :start AND occurred_on < :stop
                  AND helper_id <> helped_id)
          GROUP BY rep_id]],
  default = 0,
}

metric "assists_credited" {
  doc = "Assists given, discounted (reciprocal_discount) when only traded within one pair",
  fn = function(m)
    if m.reciprocal_pair == 1 then
      return m.assists_given * huddle.param("reciprocal_discount", 0.5)
    end
    return m.assists_given
  end,
}

metric "insights_shared" {
  doc = "Insights the rep shared with the team in the period",
  sql = [[SELECT author_id, COUNT(*) FROM insights
          WHERE shared_on >= :start AND shared_on < :stop
          GROUP BY author_id]],
  default = 0,
}

metric "insight_uses" {
  doc = "Times peers used the rep's insights in the period (the author's own use never counts)",
  sql = [[SELECT i.author_id, COUNT(*)
          FROM insight_uses u JOIN insights i ON i.id = u.insight_id
          WHERE u.used_on >= :start AND u.used_on < :stop
            AND u.rep_id <> i.author_id
          GROUP BY i.author_id]],
  default = 0,
}

metric "cross_dept" {
  doc = "Pieces of work with marketing, operations, service, product or finance",
  sql = [[SELECT rep_id, COUNT(*) FROM cross_dept
          WHERE occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "cross_dept_departments" {
  doc = "Distinct other departments the rep worked with in the period",
  sql = [[SELECT rep_id, COUNT(DISTINCT department) FROM cross_dept
          WHERE occurred_on >= :start AND occurred_on < :stop
          GROUP BY rep_id]],
  default = 0,
}

metric "collaborated" {
  doc = "1 when the rep assisted a teammate or shared an insight in the period",
  fn = function(m)
    return (m.assists_given > 0 or m.insights_shared > 0) and 1 or 0
  end,
}

---------------------------------------------------------------------------
-- Development: training, action plans, strengths assessments, check-ins
---------------------------------------------------------------------------

-- A training counts as offered to a rep when it was held for the rep's team,
-- or when the rep is on its attendance list (invited, whether they came or
-- not).  Org-wide sessions (team_id NULL) thus count for those invited.
metric "trainings_offered" {
  doc = "Trainings in the period held for the rep's team or that the rep was invited to",
  sql = [[SELECT rep_id, COUNT(*)
          FROM (SELECT r.id AS rep_id, t.id AS training_id
                FROM trainings t JOIN reps r ON r.team_id = t.team_id
                WHERE t.held_on >= :start AND t.held_on < :stop
                UNION
                SELECT a.rep_id, t.id
                FROM trainings t JOIN training_attendance a ON a.training_id = t.id
                WHERE t.held_on >= :start AND t.held_on < :stop)
          GROUP BY rep_id]],
  default = 0,
}

metric "trainings_attended" {
  doc = "Trainings held in the period that the rep attended",
  sql = [[SELECT a.rep_id, COUNT(*)
          FROM trainings t JOIN training_attendance a ON a.training_id = t.id
          WHERE t.held_on >= :start AND t.held_on < :stop AND a.attended = 1
          GROUP BY a.rep_id]],
  default = 0,
}

metric "training_rate" {
  doc = "Share of the period's trainings attended (nil: none offered)",
  fn = function(m)
    return ratio(math.min(m.trainings_attended, m.trainings_offered), m.trainings_offered)
  end,
}

metric "sales_plan_age" {
  doc = "Days since the sales action plan was last updated (nil: no plan)",
  sql = [[SELECT rep_id, julianday(:as_of) - julianday(MAX(updated_on))
          FROM action_plans
          WHERE kind = 'sales' AND updated_on <= :as_of
          GROUP BY rep_id]],
}

metric "life_plan_age" {
  doc = "Days since the life action plan was last updated (nil: no plan)",
  sql = [[SELECT rep_id, julianday(:as_of) - julianday(MAX(updated_on))
          FROM action_plans
          WHERE kind = 'life' AND updated_on <= :as_of
          GROUP BY rep_id]],
}

metric "assessment_age" {
  doc = "Days since the rep's latest strengths assessment (nil: none)",
  sql = [[SELECT rep_id, julianday(:as_of) - julianday(MAX(taken_on))
          FROM assessments
          WHERE taken_on <= :as_of
          GROUP BY rep_id]],
}

metric "assessment_debriefed" {
  doc = "1 when the latest strengths assessment was debriefed by the as-of date, else 0",
  sql = [[SELECT rep_id, debriefed
          FROM (SELECT rep_id,
                       debriefed_on IS NOT NULL AND debriefed_on <= :as_of AS debriefed,
                       ROW_NUMBER() OVER (PARTITION BY rep_id
                                          ORDER BY taken_on DESC, id DESC) AS n
                FROM assessments
                WHERE taken_on <= :as_of)
          WHERE n = 1]],
}

metric "energy" {
  doc = "Average energy (1..5) of the period's check-ins (nil: none)",
  sql = [[SELECT rep_id, AVG(energy) FROM checkins
          WHERE on_date >= :start AND on_date < :stop
          GROUP BY rep_id]],
}

-- MAX('2026-09-14' || 1) is '2026-09-141': the latest date wins and its last
-- character is that check-in's answer (one pass over a covering index).
metric "wants_to_grow" {
  doc = "1 or 0 from the rep's latest check-in up to the as-of date (nil: none)",
  sql = [[SELECT rep_id, CAST(substr(MAX(on_date || wants_to_grow), 11) AS INTEGER)
          FROM checkins
          WHERE on_date <= :as_of
          GROUP BY rep_id]],
}

metric "days_since_coaching" {
  doc = "Days since the rep's last coaching session (nil: never coached)",
  sql = [[SELECT rep_id, julianday(:as_of) - julianday(MAX(held_on))
          FROM coaching_sessions
          WHERE held_on <= :as_of
          GROUP BY rep_id]],
}

---------------------------------------------------------------------------
-- Clients: referrals earned, success metrics agreed and met
---------------------------------------------------------------------------

metric "referrals_generated" {
  doc = "Referral deals opened in the period that the rep's clients referred",
  sql = [[SELECT src.rep_id, COUNT(*)
          FROM deals d JOIN deals src ON src.id = d.referred_by
          WHERE d.kind = 'referral' AND d.referred_by IS NOT NULL
            AND d.created_on >= :start AND d.created_on < :stop
          GROUP BY src.rep_id]],
  default = 0,
}

-- Success metrics are agreed with clients on won deals; a deal won in the
-- last 180 days (client_window_days) counts with every metric already measured.
-- Read from the covering indexes deals_closed and client_metrics_deal.
metric "client_success_rate" {
  doc = "Share of measured client success metrics met, on deals won in the last 180 days (nil: none measured)",
  sql = [[SELECT d.rep_id, AVG(c.achieved >= c.target)
          FROM deals d JOIN client_metrics c ON c.deal_id = d.id
          WHERE d.stage = 'won'
            AND d.closed_on >= date(:stop, '-' || COALESCE(:param_client_window_days, 180) || ' days')
            AND d.closed_on < :stop
            AND c.agreed_on < :stop
            AND c.achieved IS NOT NULL
          GROUP BY d.rep_id]],
}
