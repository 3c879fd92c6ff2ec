score "swallow" { weight = 1, fn = function()
  while true do pcall(function() while true do end end) end
end }
coach "tostr" { when = function()
  error(setmetatable({}, { __tostring = function() while true do end end }))
end }
recognize "xp" { when = function() return xpcall(function() while true do end end, function() while true do end end) end }
