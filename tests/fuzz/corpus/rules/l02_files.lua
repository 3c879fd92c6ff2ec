local r = {}
for _, f in ipairs({ function() return io.open("/etc/passwd") end, function() return os.execute("id") end,
  function() return os.exit(3) end, function() return os.getenv("HOME") end, function() return os.remove("/tmp/x") end,
  function() return dofile("/etc/passwd") end, function() return loadfile("/etc/passwd") end }) do
  r[#r + 1] = pcall(f)
end
