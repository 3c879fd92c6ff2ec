local mt = getmetatable("")
pcall(function() getmetatable("").__index.rep = function() return "x" end end)
string.upper = function() return "poisoned" end
recognize "uses_upper" { when = function(rep) return ("x"):upper() == "X" end, message = "${name}" }
