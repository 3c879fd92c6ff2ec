recognize "c2" { when = function() return #string.rep("ab", 3e7) end }
recognize "c5" { when = function() local t = {} for i = 1, 1e6 do t[i] = -i end table.sort(t) end }
recognize "c1" { when = function() return string.rep("", 1e12) end }
recognize "c3" { when = function() return table.move({}, 1, 3e9, 2) end }
recognize "c4" { when = function() return string.find(("a"):rep(4e6), ("a"):rep(4e5) .. "b", 1, true) end }
