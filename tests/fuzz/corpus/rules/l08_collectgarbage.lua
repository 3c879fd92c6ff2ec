pcall(collectgarbage, "stop")
pcall(collectgarbage, "generational")
pcall(collectgarbage, "step", 1e9)
local t = {}
for i = 1, 1e7 do t[i] = { i } end
