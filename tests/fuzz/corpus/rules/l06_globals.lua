table.insert = nil
_G.x = 1
rawset(_G, "load", function() return function() end end)
rawset(string, "rep", nil)
setmetatable(_G, { __index = function(t, k) return k end, __newindex = function() error("no") end })
recognize "reads_x" { when = function() return x == 1 and table.insert == nil end }
