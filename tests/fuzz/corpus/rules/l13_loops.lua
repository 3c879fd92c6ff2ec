score "spin" { weight = 1, fn = function() while true do end end }
recognize "spin2" { when = function() repeat until false end }
coach "spin3" { when = function() for i = 1, math.huge do end end }
coach "spin4" { when = function() ::top:: goto top end }
