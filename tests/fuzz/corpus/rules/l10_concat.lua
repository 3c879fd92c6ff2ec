local t
t = setmetatable({}, { __concat = function(a, b) return "a" .. "b" .. t .. "c" end })
local ok = pcall(function() return "a" .. "b" .. t .. "c" .. "d" end)
