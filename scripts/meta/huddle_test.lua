---@meta huddle_test

-- Type annotations of the globals of rule tests (`huddle test FILE...`,
-- SPEC section 5.6, docs/rules.md), for editors with the Lua language
-- server.  They exist in test files only, not in rule files.  Like
-- huddle.lua beside it, this file is for editors and never loaded by huddle.

---What `eval{}` takes.
---@class huddle.test.EvalSpec
---@field period string the period to evaluate: "2026-Q3", "2026-07", ...
---@field as_of? string "today", YYYY-MM-DD (default: the period's last day, or today if that is earlier)
---@field data? table<string, table[]> fixture rows per schema table: `{ teams = { { id = 1, name = "West" } }, reps = { ... } }`
---@field params? table<string, number|string|boolean> like the config's rules.params
---@field weights? table<string, number> like the config's rules.weights
---@field disabled? string[] like the config's rules.disabled
---@field rules? string[] more rule files or folders, relative to the test file

---What `eval{}` returns: the shape of the JSON output, nil where JSON has null.
---@class huddle.test.Result
---@field run huddle.test.Run
---@field reps huddle.test.Card[] by rank, then id
---@field teams huddle.test.Card[] by rank, then id

---@class huddle.test.Run
---@field period string
---@field start string
---@field stop string
---@field as_of string
---@field rules_hash string

---A rep's or a team's scorecard.
---@class huddle.test.Card
---@field id integer
---@field name string
---@field team? string a rep's team
---@field score? number 0..100; nil where no component produced a value
---@field rank? integer org-wide
---@field team_rank? integer a rep's rank within the team
---@field members? integer a team's members
---@field components huddle.test.Component[]
---@field recognitions huddle.test.Recognition[]
---@field coaching huddle.test.Coaching[]
---@field errors huddle.test.RuleError[]

---@class huddle.test.Component
---@field rule string
---@field value? number in [0, 1]; nil: no value
---@field raw? number the value before clamping
---@field weight number
---@field why? string the rule's explanation

---@class huddle.test.Recognition
---@field policy string
---@field message string

---@class huddle.test.Coaching
---@field trigger string
---@field advice string
---@field severity huddle.Severity

---@class huddle.test.RuleError
---@field rule string
---@field where string file:line
---@field message string

---Registers a test; it runs after the file has loaded.
---@param name string
---@param fn fun()
function test(name, fn) end

---Builds a fresh in-memory database from `data`, evaluates the loaded rules
---(the configured set, `--rules` and `spec.rules`) and returns the result.
---@param spec huddle.test.EvalSpec
---@return huddle.test.Result
function eval(spec) end

---The rep of that name or id in the result, or a test failure.
---@param result huddle.test.Result
---@param name_or_id string|integer
---@return huddle.test.Card
function rep(result, name_or_id) end

---The team of that name or id in the result, or a test failure.
---@param result huddle.test.Result
---@param name_or_id string|integer
---@return huddle.test.Card
function team(result, name_or_id) end

---The card's component of that rule, or nil.
---@param card huddle.test.Card
---@param rule string
---@return huddle.test.Component?
function component(card, rule) end

---The card's recognition by that policy, or nil.
---@param card huddle.test.Card
---@param policy string
---@return huddle.test.Recognition?
function recognized(card, policy) end

---The card's coaching item of that trigger, or nil.
---@param card huddle.test.Card
---@param trigger string
---@return huddle.test.Coaching?
function coached(card, trigger) end

---The card's rule error of that rule, or nil.
---@param card huddle.test.Card
---@param rule string
---@return huddle.test.RuleError?
function errored(card, rule) end

---Fails the test unless actual and expected are the same value (raw
---equality: a table only equals itself).
---@param actual any
---@param expected any
function expect_eq(actual, expected) end

---Fails the test unless both are numbers within tolerance of each other.
---@param actual number?
---@param expected number
---@param tolerance? number default 1e-9
function expect_near(actual, expected, tolerance) end

---Fails the test unless v is neither false nor nil.
---@param v any
function expect_true(v) end

---Fails the test unless v is false or nil.
---@param v any
function expect_false(v) end

---Fails the test unless v is nil.
---@param v any
function expect_nil(v) end
