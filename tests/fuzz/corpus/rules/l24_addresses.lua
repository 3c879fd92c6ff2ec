recognize "addr" { when = function() return tostring({}) .. tostring(print) .. string.format("%p", {}) end }
