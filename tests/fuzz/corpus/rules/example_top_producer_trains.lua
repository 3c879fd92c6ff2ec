-- Top producers still train with the group.
--
-- This file REPLACES the default "top_producer" recognition
-- (scripts/50_recognitions.lua) with `override = true`.
--
-- The default thanks every rep at 125% of quota or more. Our version asks for
-- one more thing: that the rep came to at least half of the period's trainings.
-- A top producer who skips training already gets the default "skipped_training"
-- coaching item; with this rule they are not also thanked in front of the team
-- in the same huddle. If no training was held this period there was nothing to
-- skip, and results alone decide.
--
-- Params (rules.params in huddle.cfg) and their defaults:
--   top_producer_attainment = 1.25  attainment that makes a top producer
--                                   (this example's huddle.cfg sets 1.2)
--   training_min_rate       = 0.5   share of trainings attended; the same param
--                                   the default "skipped_training" trigger reads,
--                                   so the two rules always agree

recognize "top_producer" {
  override = true,      -- replace the default rule of the same name
  doc = "A top producer (top_producer_attainment) who also trains with the group",
  when = function(rep, m)
    if m.is_top_producer ~= 1 then return false end
    local rate = m.training_rate            -- nil: no training offered this period
    if rate == nil then    -- a string returned from `when` is the message
      return string.format("%s reached %d%% of quota: a top producer this period. "
                           .. "Thank you for setting the pace!", rep.name, m.attainment_pct)
    end
    return rate >= huddle.param("training_min_rate", 0.5)
  end,
  message = "${name} reached ${attainment_pct}% of quota and still trained with the group (${trainings_attended} of ${trainings_offered} sessions): a top producer who lifts the whole team. Thank you!",
}
