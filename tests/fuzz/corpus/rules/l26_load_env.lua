local f = load("x = 1", "=spoofed", "t", _G)
pcall(load, function() return ("x"):rep(1e6) end)
local g = load("return ...", "@/etc/passwd", "b")
return f and f()
