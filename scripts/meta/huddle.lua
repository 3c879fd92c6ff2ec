---@meta huddle

-- Type annotations of what huddle rules see (SPEC section 5, docs/rules.md),
-- for editors with the Lua language server (LuaLS).  Not a rule file: huddle
-- loads only the *.lua files directly inside a scripts folder, never those of
-- a folder within it, so this file is read by editors only.  Point your
-- editor at this folder (README, "Editor support"):
--
--   { "workspace.library": [ "/usr/local/share/huddle/scripts/meta" ] }
--
-- tests/cli/test_editor_types.py fails when a function or field that rules
-- see is missing here, or when something here is no longer there.

-- Definitions ---------------------------------------------------------------

---Which subjects a definition is for: reps (the default) or teams.
---@alias huddle.SubjectKind
---| "rep"  # one call per rep (the default)
---| "team" # one call per team; a team metric's SQL returns team_id, value

---How urgent a coaching trigger is.
---@alias huddle.Severity
---| "low"
---| "medium" # the default
---| "high"

---The object a rule runs for: a rep, or a team for `subject = "team"`.
---Annotate your function's parameter (`---@param team huddle.Team`) to
---narrow it.
---@alias huddle.Subject huddle.Rep|huddle.Team

---A metric: a number per subject for the period.  Exactly one of `sql`
---and `fn`.
---@class huddle.MetricDef
---@field doc? string what the metric measures, shown by `huddle check --list` and `huddle explain`
---@field sql? string a query returning rows of (subject id, value), run once for all subjects; `:start`, `:stop`, `:days`, `:as_of`, `:period` and `:param_NAME` are bound
---@field fn? fun(m: huddle.Metrics, subject: huddle.Subject): number? # a metric derived from other metrics, computed per subject; nil means no value
---@field default? number the value of subjects the query returns no row for (omitted: nil)
---@field subject? huddle.SubjectKind # "team" for a team metric
---@field override? boolean replace an earlier metric of the same name

---A score component: a number in [0, 1] with a weight.  The subject's score
---is 100 × Σ wᵢvᵢ / Σ wᵢ over the components that produced a value.
---@class huddle.ScoreDef
---@field weight number the component's weight (>= 0); `rules.weights` in the config overrides it
---@field fn fun(subject: huddle.Subject, m: huddle.Metrics): number?, string? # the value in [0, 1] (clamped, the raw value kept; nil: no value) and a one-line explanation
---@field doc? string one line on what the component rewards
---@field subject? huddle.SubjectKind # "team" for a team score
---@field override? boolean replace an earlier rule of the same name

---A recognition policy.
---@class huddle.RecognizeDef
---@field when fun(subject: huddle.Subject, m: huddle.Metrics): boolean|string|nil # falsy: no; true: yes, with `message`; a string: yes, and this is the message as it stands
---@field doc? string one line on what the policy recognises
---@field message? string the message; `${x}` is a field of the subject (`name`, `team`, ...) or a metric, formatted for people
---@field subject? huddle.SubjectKind # "team" for a team recognition
---@field override? boolean replace an earlier rule of the same name

---A coaching trigger.
---@class huddle.CoachDef
---@field when fun(subject: huddle.Subject, m: huddle.Metrics): boolean|string|nil # falsy: no; true: yes, with `advice`; a string: yes, and this is the advice as it stands
---@field doc? string one line on what the trigger looks for
---@field advice? string the advice; `${x}` is a field of the subject (`top_strength`, ...) or a metric
---@field severity? huddle.Severity # "low", "medium" (the default) or "high"
---@field subject? huddle.SubjectKind # "team" for a team trigger
---@field override? boolean replace an earlier rule of the same name

---Defines a metric, at the top level of a rule file:
---```lua
---metric "won_amount" { doc = "...", sql = [[SELECT rep_id, SUM(amount) FROM deals ... GROUP BY rep_id]], default = 0 }
---```
---@param name string letters, digits and `_`; not `prev` or `members`
---@return fun(def: huddle.MetricDef)
function metric(name) end

---Defines a score component, at the top level of a rule file:
---```lua
---score "attainment" { weight = 30, doc = "...", fn = function(rep, m) return huddle.clamp(m.attainment / 1.2, 0, 1) end }
---```
---@param name string letters, digits and `_`; scores, recognitions and triggers share one namespace
---@return fun(def: huddle.ScoreDef)
function score(name) end

---Defines a recognition policy, at the top level of a rule file:
---```lua
---recognize "supporting_cast" { doc = "...", when = function(rep, m) return m.assists >= 3 end, message = "${name} assisted on ${assists} deals" }
---```
---@param name string letters, digits and `_`
---@return fun(def: huddle.RecognizeDef)
function recognize(name) end

---Defines a coaching trigger, at the top level of a rule file:
---```lua
---coach "low_energy" { severity = "high", doc = "...", when = function(rep, m) return m.energy and m.energy < 2.5 end, advice = "..." }
---```
---@param name string letters, digits and `_`
---@return fun(def: huddle.CoachDef)
function coach(name) end

-- Metrics -------------------------------------------------------------------

---The metrics of the current subject for the period: `m.NAME` (nil where
---there is no value).  A rep rule also reads its team's metrics this way.
---Reading an unknown name is an error naming the closest known one.
---Read-only.
---@class huddle.Metrics
---@field prev huddle.Metrics the same metrics for the previous period (`m.prev.prev` for the one before)
---@field members huddle.MemberMetrics rep metrics as arrays over the members of the team (a rep rule: the rep's own team, the rep included)
---@field [string] number?

---`m.members.NAME`: a new array of the values of rep metric NAME over the
---team's members, in the order of `team.members`, members without a value
---left out.  For `huddle.stats` and your own loops.
---@class huddle.MemberMetrics
---@field [string] number[]

-- Subjects ------------------------------------------------------------------

---A rep, as rules see it.  Read-only, like every table reached through it.
---@class huddle.Rep
---@field id integer the rep's id (reps.id)
---@field name string
---@field email? string
---@field role? string
---@field hired_on? string hire date, YYYY-MM-DD
---@field tenure_days? integer days from `hired_on` to the as-of date
---@field strengths string[] talents of the latest strengths assessment, by rank (empty without one)
---@field top_strength? string the first of `strengths`
---@field team huddle.Team the rep's team
---@field team_name string the team's name

---A team, as rules see it.  Read-only.  The aggregates take a rep metric's
---name, skip members without a value, and take an optional last argument,
---a metric view such as `m.prev`, for another period.
---@class huddle.Team
---@field id integer the team's id (teams.id)
---@field name string
---@field manager? string
---@field department? string # "sales" unless the data says otherwise
---@field members huddle.Rep[] the reps evaluated: active, hired before the period ends
local Team = {}

---The sum of a rep metric over the members (0 for none).
---@param name string a rep metric
---@param view? huddle.Metrics `m.prev` for the previous period
---@return number
function Team:sum(name, view) end

---The mean of a rep metric over the members with a value; nil for none.
---@param name string a rep metric
---@param view? huddle.Metrics `m.prev` for the previous period
---@return number?
function Team:avg(name, view) end

---The median of a rep metric over the members with a value; nil for none.
---@param name string a rep metric
---@param view? huddle.Metrics `m.prev` for the previous period
---@return number?
function Team:median(name, view) end

---A percentile of a rep metric over the members, linear between the
---closest ranks; nil for none.
---@param name string a rep metric
---@param p number 0..100
---@param view? huddle.Metrics `m.prev` for the previous period
---@return number?
function Team:percentile(name, p, view) end

---The share of the team's total held by its top `fraction` of members (at
---least one member); nil when the total is not positive.
---@param fraction number in (0, 1]: 0.2 is the top fifth
---@param name string a rep metric
---@param view? huddle.Metrics `m.prev` for the previous period
---@return number?
function Team:share_of_top(fraction, name, view) end

-- The huddle table ----------------------------------------------------------

---The period being evaluated.
---@class huddle.Period
---@field label string # as named: "2026-Q3", "2026-07", "2026-W27", "2026" or "2026-07-01..2026-09-30"
---@field start string the first day, YYYY-MM-DD
---@field stop string the day after the last (the period is [start, stop))
---@field days integer the period's length in days

---The `huddle` table: helpers for rules.  Read-only.
---@class huddle.lib
---@field period huddle.Period the period being evaluated
---@field as_of string "today" for rules that look at ages, YYYY-MM-DD
huddle = {}

---A parameter from the config's `rules.params`, as it is there (a number,
---a string or a boolean), else `default`.
---@generic T
---@param name string
---@param default? T
---@return T
function huddle.param(name, default) end

---x limited to [lo, hi]; nil stays nil.
---@param x number?
---@param lo? number default 0
---@param hi? number default 1
---@return number?
function huddle.clamp(x, lo, hi) end

---a / b, or `default` (nil if omitted) when either is nil or b is 0.
---@generic D
---@param a number?
---@param b number?
---@param default? D
---@return number|D
function huddle.ratio(a, b, default) end

---Days from date a to date b (b − a); nil if either is nil.
---@param a string? YYYY-MM-DD
---@param b string? YYYY-MM-DD
---@return integer?
function huddle.days_between(a, b) end

---Writes a line to standard error with the rule's file and line; "debug"
---lines only when HUDDLE_DEBUG is set.
---@param level "debug"|"info"|"warn"
---@param ... any
function huddle.log(level, ...) end

---Read-only queries for the rare rule that needs one per subject; never the
---fast path (a SQL metric is computed once for all subjects).
---@class huddle.db
huddle.db = {}

---An iterator over the rows of a query, each a table keyed by column name.
---@param sql string one SELECT statement, with named parameters (`:rep`)
---@param params? table<string, any> `{ rep = rep.id }` binds `:rep`
---@return fun(): table<string, any>?
function huddle.db.rows(sql, params) end

---The first column of the query's first row, or nil.
---@param sql string one SELECT statement, with named parameters (`:rep`)
---@param params? table<string, any> `{ rep = rep.id }` binds `:rep`
---@return any
function huddle.db.value(sql, params) end

-- The bundled stats plugin ------------------------------------------------------

---Statistics over arrays of numbers (the bundled stats plugin; loaded unless
---`plugins.load` leaves "stats" out).  An array is a plain table of finite
---numbers at 1..n, such as `m.members.won_amount`.  Where a statistic does
---not exist the result is nil.
---@class huddle.stats
huddle.stats = {}

---The arithmetic mean; nil for an empty array.
---@param array number[]
---@return number?
function huddle.stats.mean(array) end

---The population standard deviation; nil for an empty array.
---@param array number[]
---@return number?
function huddle.stats.stdev(array) end

---A percentile, linear between the closest ranks; nil for an empty array.
---@param array number[]
---@param p number 0..100
---@return number?
function huddle.stats.percentile(array, p) end

---How many standard deviations x lies from the array's mean; nil without
---spread.
---@param x number
---@param array number[]
---@return number?
function huddle.stats.zscore(x, array) end

---The Gini coefficient of amounts >= 0: 0 for an even spread, (n - 1) / n
---when one holds everything; nil when all are 0.
---@param array number[]
---@return number?
function huddle.stats.gini(array) end
