metric "won" { default = 0, sql = [[SELECT rep_id, SUM(amount) FROM deals
  WHERE stage = 'won' AND closed_on >= :start AND closed_on < :stop GROUP BY rep_id]] }
metric "quota" { sql = [[SELECT rep_id, SUM(amount) FROM quotas
  WHERE starts_on < :stop AND ends_on >= :start GROUP BY rep_id]] }
metric "attainment" { fn = function(m) return huddle.ratio(m.won, m.quota) end }
metric "team_won" { subject = "team", fn = function(m, team) return team:sum("won") end }
score "attain" { weight = 1, fn = function(rep, m) return huddle.clamp(m.attainment), "why" end }
score "team_attain" { subject = "team", weight = 1, fn = function(team, m)
  return huddle.clamp(huddle.ratio(m.team_won, 5000)) end }
recognize "star" { when = function(rep, m) return (m.attainment or 0) > 0.5 end,
  message = "${name} of ${team}: ${attainment} (${won} of ${quota}), prev ${prev}" }
coach "slow" { severity = "high", when = function(rep, m) return m.prev.won == 0 end,
  advice = "${name}: ${won}" }
recognize "members" { subject = "team", when = function(team, m)
  local n = 0
  for _, r in ipairs(team.members) do n = n + #r.name end
  return n > 0 and team:avg("won") ~= nil and team:median("won") ~= nil
    and team:percentile("won", 90) ~= nil and team:share_of_top(0.5, "won") ~= nil
end, message = "${name} ${manager} ${team_won}" }
coach "sql" { when = function(rep, m)
  local n = 0
  for row in huddle.db.rows("SELECT id, amount FROM deals WHERE rep_id = :id", { id = rep.id }) do
    n = n + row.amount
  end
  huddle.log("info", "rows", n, huddle.db.value("SELECT count(*) FROM deals"))
  return n > huddle.param("goal", 1) and huddle.param("strict") and huddle.param("label") == "gold"
end }
