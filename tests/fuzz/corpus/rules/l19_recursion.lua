local function f() return 1 + f() end
pcall(f)
score "deep" { weight = 1, fn = function() return f() end }
