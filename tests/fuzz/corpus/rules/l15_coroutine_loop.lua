score "co" { weight = 1, fn = function()
  while true do pcall(coroutine.wrap(function() while true do end end)) end
end }
