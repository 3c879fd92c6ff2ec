recognize "many" { when = function()
  local n = select("#", table.unpack({}, 1, 1e6))
  local rows = huddle.db.rows("SELECT " .. ("1,"):rep(1999) .. "1")
  return n > 0 and rows() ~= nil
end }
