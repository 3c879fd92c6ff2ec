pcall(function() os.setlocale("de_DE.UTF-8") end)
recognize "loc" { when = function() return tostring(1.5) ~= "1.5" end }
