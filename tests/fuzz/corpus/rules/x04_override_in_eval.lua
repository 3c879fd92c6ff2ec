-- Passes today, but one mutation from x03's bug (a new name instead of the
-- override): move it to corpus/rules/ once x03 is fixed.
score "s" { weight = 1, fn = function(rep, m)
  score "s" { override = true, weight = 2, fn = function() return 1 end }
  error("after the override")
end }
