-- Known bug (core/rules.c define_rule, core/eval.c): metric/score/recognize/coach
-- stay callable while rules are evaluated; a definition then reallocs
-- e->rules.rules under the plan's pointers: heap-use-after-free in run_when.
recognize "grows" { when = function(rep, m)
  for i = 1, 64 do recognize("late" .. i) { when = function() return true end } end
  return true
end, message = "${name}" }
