-- Known bug (core/lapi.c team_index): team.members indexes e->subj.teams with
-- the team object's _index field, which a rule can set: out-of-bounds read.
recognize "members_oob" { when = function(rep, m)
  local t = rep.team
  t._index = 100000
  return #t.members > 0
end }
