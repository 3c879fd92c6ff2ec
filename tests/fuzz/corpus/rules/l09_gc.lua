setmetatable({}, { __gc = function() while true do end end })
local mt = { __gc = false }
setmetatable({}, mt)
mt.__gc = function() while true do end end
for i = 1, 1e5 do local _ = { i } end
