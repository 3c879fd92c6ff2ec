local prev
for i = 1, 20000 do
  local p = prev
  prev = coroutine.create(function()
    local x <close> = setmetatable({}, { __close = function() if p then coroutine.close(p) end end })
    coroutine.yield()
  end)
  coroutine.resume(prev)
end
coroutine.close(prev)
