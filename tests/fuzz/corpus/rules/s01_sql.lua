local q = { "DELETE FROM deals", "UPDATE deals SET amount = 0", "DROP TABLE deals",
  "CREATE TEMP TABLE z(a)", "PRAGMA writable_schema=1", "SELECT 1; DELETE FROM deals",
  "ATTACH '/tmp/x.db' AS x", "VACUUM INTO '/tmp/leak.db'", "SELECT load_extension('/tmp/evil.so')",
  "SELECT hex(fts3_tokenizer('simple'))", "SELECT * FROM sqlite_master",
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c",
  "SELECT zeroblob(1e8)", "SELECT printf('%.*c', 1e8, 'x')", "SELECT ?", "SELECT :nope", "" }
recognize "sql" { when = function()
  for _, s in ipairs(q) do pcall(huddle.db.value, s, { a = "a\0b", b = 2^63, c = 0/0, d = math.huge }) end
  return pcall(huddle.db.rows, "SELECT :t", { t = {} })
end }
metric "bad" { sql = "SELECT rep_id, amount FROM deals" }
metric "bad2" { sql = "SELECT 1" }
metric "bad3" { sql = "DELETE FROM deals" }
recognize "reads_bad" { when = function(rep, m) return m.bad or m.bad2 or m.bad3 end }
