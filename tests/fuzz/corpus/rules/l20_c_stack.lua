local t = setmetatable({}, { __index = function(t, k) return t[k] end })
pcall(function() return t.x end)
local function g(s) return (s:gsub(".", g)) end
pcall(g, "abc")
local u = setmetatable({}, { __tostring = function(self) return tostring(self) end })
pcall(tostring, u)
pcall(load, "return " .. ("("):rep(1e5) .. "1" .. (")"):rep(1e5))
pcall(load, "return " .. ("'x'.."):rep(1e5) .. "'y'")
