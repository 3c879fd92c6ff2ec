-- Known bug (core/rules.c define_metric, core/engine.c free_ctx): a metric
-- defined during evaluation grows e->rules.nmetrics past the memo arrays
-- hd_engine_prepare sized: heap-buffer-overflow in free_ctx.
metric "a" { fn = function() return 1 end }
recognize "r" { when = function(rep, m)
  metric "a" { override = true, sql = "SELECT rep_id, 1 FROM reps" }
  for i = 1, 32 do metric("n" .. i) { fn = function() return i end } end
  return m.a
end, message = "${a}" }
