for i = 1, 1e4 do print(("x"):rep(100)) end
pcall(warn, "@on")
recognize "big" { when = function() return ("x"):rep(6e7) end }
