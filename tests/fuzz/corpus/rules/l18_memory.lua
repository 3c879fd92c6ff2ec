score "m1" { weight = 1, fn = function() return #("x"):rep(2^30) end }
score "m2" { weight = 1, fn = function() for i = 1, 100 do pcall(string.rep, "x", 2^30) end end }
score "m3" { weight = 1, fn = function() local t = {} for i = 1, 1e9 do t[i] = tostring(i) end end }
score "m4" { weight = 1, fn = function() local t = {} t[2^62] = 1 return 0 end }
score "m5" { weight = 1, fn = function()
  local parts = {} for i = 1, 20 do parts[i] = ("x"):rep(4e6) end
  for i = 1, 100 do table.concat(parts) end
end }
