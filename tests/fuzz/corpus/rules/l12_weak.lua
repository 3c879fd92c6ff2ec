local mt = setmetatable({}, { __mode = "v" })
mt.__newindex = {}
local t = setmetatable({}, mt)
local fill = {}
pcall(function() for i = 1, 1e8 do fill[i] = ("x"):rep(100) .. i end end)
for i = 1, 1e5 do t[i] = i end
