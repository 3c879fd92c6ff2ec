score "hostile" { weight = 1, fn = function()
  return setmetatable({}, { __index = function() error("x") end, __len = function() while true do end end })
end }
score "cycle" { weight = 1, fn = function() local t = {} t[1] = t return t end }
recognize "fn" { when = function() return print end }
recognize "co" { when = function() return coroutine.create(print) end }
score "why" { weight = 1, fn = function() return 0.5, setmetatable({}, { __tostring = function() error("no") end }) end }
score "nan" { weight = 1, fn = function() return 0/0, ("x"):rep(1e6) end }
