recognize "p1" { when = function() return string.find(("a"):rep(300), ".-.-.-.-b") end }
recognize "p2" { when = function() return ("a"):rep(1e4):find("a*a*a*a*b") end }
recognize "p3" { when = function() for _ in ("a"):rep(300):gmatch(".-.-.-.-b") do end end }
recognize "p4" { when = function() return (("a"):rep(300):gsub(".-.-.-.-b", "")) end }
