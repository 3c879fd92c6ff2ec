-- Known bug (core/lapi.c member_values): team:sum/avg/median/percentile/
-- share_of_top take any table as self and index e->subj.teams with its _index.
metric "won" { default = 0, sql = [[SELECT rep_id, SUM(amount) FROM deals GROUP BY rep_id]] }
recognize "sum_oob" { when = function(rep, m)
  return rep.team.sum({ _index = -100000 }, "won") > 0
end }
