pcall(function() debug.sethook() end)
pcall(function() return debug.getregistry() end)
pcall(function() debug.setmetatable(1, { __index = function() while true do end end }) end)
while true do end
