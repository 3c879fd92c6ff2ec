"""The Lua type annotations for editors (scripts/meta/*.lua) say exactly
what rules and rule tests see.

What is there is asked of huddle itself at run time, not of the SPEC: a
rule file walks the globals while it loads and, inside a rule call, the
huddle table, a rep and its team; a test file walks its globals and the
result of eval{}.  Every name found must be annotated, and every name
annotated must be there (so a renamed helper fails here too).  What
cannot be walked is read from the source: the fields of each definition
function with their Lua types (core/rules.c) and the team aggregates
(core/lapi.c).  The meta files must parse as Lua 5.4 and must never be
loaded as rule files.
"""

import os
import re
import shutil

import hcli
from hcli import HuddleTestCase, insert, main

# What Lua 5.4 itself defines; anything else a rule or a test sees is huddle's.
LUA_GLOBALS = {
    "_G", "_VERSION", "assert", "collectgarbage", "dofile", "error", "getmetatable", "ipairs", "load",
    "loadfile", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require",
    "select", "setmetatable", "tonumber", "tostring", "type", "warn", "xpcall",
    "coroutine", "debug", "io", "math", "os", "package", "string", "table", "utf8",
}

LUA_TYPES = {"LUA_TSTRING": "string", "LUA_TNUMBER": "number", "LUA_TFUNCTION": "function",
             "LUA_TBOOLEAN": "boolean"}


def meta_dir():
    return os.path.join(hcli.SOURCE, "scripts", "meta")


class Meta:
    """What the ---@meta files annotate, read the way LuaLS reads the few
    forms they use: ---@class NAME, ---@field NAME TYPE, ---@alias NAME
    with ---| "value" lines, `PATH = {}` or `local X = {}` right after a
    class (binding the class to that table), and `function PATH(...)` or
    `function X:NAME(...)`."""

    def __init__(self, *paths):
        self.classes = {}  # class -> {field: type}
        self.bound = {}    # class -> global path ("huddle", "huddle.db")
        self.functions = set()  # "metric", "huddle.param", "huddle.Team:sum"
        self.string_aliases = set()
        for path in paths:
            self._read(path)

    def _read(self, path):
        alias = {}  # local name -> class
        cls = None
        current_alias = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                m = re.match(r"---@class ([\w.]+)", line)
                if m:
                    cls = m.group(1)
                    self.classes.setdefault(cls, {})
                    current_alias = None
                    continue
                m = re.match(r"---@field (\[?[\w]+\]?)(\??) (.+?)(?: [#a-z\"`(].*)?$", line)
                if m and cls:
                    self.classes[cls][m.group(1)] = m.group(3)
                    continue
                m = re.match(r"---@alias ([\w.]+)", line)
                if m:
                    current_alias = m.group(1)
                    continue
                if current_alias and re.match(r'---\| "', line):
                    self.string_aliases.add(current_alias)
                    continue
                if line.startswith("---"):
                    continue  # documentation of what follows
                # Code ends a class's annotations; a table made right after
                # them is the class's.
                m = re.match(r"local (\w+) = \{\}$", line)
                if m and cls:
                    alias[m.group(1)] = cls
                m = re.match(r"([\w.]+) = \{\}$", line)
                if m and cls:
                    self.bound[cls] = m.group(1)
                m = re.match(r"function ([\w.]+)([.:])(\w+)\(", line) or re.match(r"function ()()(\w+)\(", line)
                if m:
                    owner, sep, name = m.groups()
                    owner = alias.get(owner, owner)
                    self.functions.add(owner + sep + name if owner else name)
                cls = current_alias = None

    def table_names(self, path):
        """Every name annotated in the global table at path ("huddle"):
        its fields, its functions and its sub-tables, as dotted paths."""
        names = set()
        for cls, where in self.bound.items():
            if where == path or where.startswith(path + "."):
                if where != path:
                    names.add(where)
                for f, annotation in self.classes[cls].items():
                    if f.startswith("["):
                        continue
                    names.add(where + "." + f)
                    # A field of a class type: its fields too (huddle.period.start).
                    names.update(where + "." + f + "." + g for g in self.fields(annotation))
        names.update(f for f in self.functions if f.startswith(path + ".") and ":" not in f)
        return names

    def fields(self, cls):
        """The named fields of a class (none for a type that is no class)."""
        return {f for f in self.classes.get(cls, {}) if not f.startswith("[")}

    def methods(self, cls):
        return {f.split(":", 1)[1] for f in self.functions if f.startswith(cls + ":")}

    def lua_type(self, annotation):
        """The Lua type a field's annotation stands for."""
        if annotation.startswith("fun("):
            return "function"
        if annotation in self.string_aliases:
            return "string"
        return annotation


def c_array(source, name):
    """The text of a static C array initialiser `name[]... = { ... };`."""
    m = re.search(r"\b%s\[\](?:\[\d+\])? = \{(.*?)\};" % re.escape(name), source, re.S)
    if not m:
        raise AssertionError("no array %s in the source: has the code moved?" % name)
    return m.group(1)


WALK_RULES = r'''
local g = {}
for k in pairs(_G) do g[#g + 1] = k end
table.sort(g)
print("GLOBALS " .. table.concat(g, " "))

local function walk(prefix, t, out)
  for k, v in pairs(t) do
    local name = prefix .. "." .. k
    out[#out + 1] = name
    if type(v) == "table" and prefix == "huddle" then walk(name, v, out) end
  end
  return out
end

local done = false
score "walk" {
  weight = 1,
  doc = "prints what a rule sees",
  fn = function(rep, m)
    if done then return 1 end
    done = true
    print("HUDDLE " .. table.concat(walk("huddle", huddle, {}), " "))
    local r, t = {}, {}
    for k in pairs(rep) do r[#r + 1] = k end
    for k in pairs(rep.team) do t[#t + 1] = k end
    print("REP " .. table.concat(r, " "))
    print("TEAM " .. table.concat(t, " "))
    local methods = {}
    for _, name in ipairs({ %(methods)s }) do
      methods[#methods + 1] = name .. "=" .. type(rep.team[name])
    end
    print("METHODS " .. table.concat(methods, " "))
    local views = {}
    for _, name in ipairs({ %(views)s }) do
      views[#views + 1] = name .. "=" .. tostring(m[name])
    end
    print("VIEWS " .. table.concat(views, "|"))
    return 1
  end,
}
'''

# Rules that give a test result one of everything: a component, a
# recognition, a coaching item and a rule error, for reps and teams.
TEST_RULES = '''
score "one" { weight = 1, doc = "1", fn = function(s, m) return 1, "why" end }
score "team_one" { subject = "team", weight = 1, doc = "1", fn = function(s, m) return 1 end }
recognize "always" { doc = "always", when = function(s, m) return true end, message = "yes" }
coach "always_coach" { doc = "always", when = function(s, m) return true end, advice = "do" }
score "broken" { weight = 1, doc = "fails", fn = function(s, m) error("on purpose") end }
'''

WALK_TEST = '''
local g = {}
for k in pairs(_G) do g[#g + 1] = k end
table.sort(g)
print("GLOBALS " .. table.concat(g, " "))

local function keys(label, t)
  local k = {}
  for name in pairs(t) do k[#k + 1] = name end
  print(label .. " " .. table.concat(k, " "))
end

test("the result's shape", function()
  local r = eval {
    period = "2026-Q3", as_of = "2026-09-30",
    data = {
      teams = { { id = 1, name = "West" } },
      reps = { { id = 1, name = "Ana", team_id = 1 } },
    },
  }
  keys("RESULT", r)
  keys("RUN", r.run)
  local ana, west = rep(r, "Ana"), team(r, "West")
  keys("REPCARD", ana)
  keys("TEAMCARD", west)
  keys("COMPONENT", component(ana, "one"))
  keys("RECOGNITION", recognized(ana, "always"))
  keys("COACHING", coached(ana, "always_coach"))
  keys("ERROR", errored(ana, "broken"))
end)
'''


def printed(err, label, sep=None):
    """The names a walker printed after `label` on standard error."""
    for line in err.splitlines():
        m = re.match(r"huddle: rule: %s ?(.*)$" % re.escape(label), line)
        if m:
            return set(m.group(1).split(sep))
    raise AssertionError("no %s line in:\n%s" % (label, err))


class EditorTypes(HuddleTestCase):

    def setUp(self):
        super().setUp()
        self.rules_meta = os.path.join(meta_dir(), "huddle.lua")
        self.test_meta = os.path.join(meta_dir(), "huddle_test.lua")
        self.meta = Meta(self.rules_meta)
        self.test_api = Meta(self.rules_meta, self.test_meta)

    def source(self, path):
        with open(os.path.join(hcli.SOURCE, path), encoding="utf-8") as f:
            return f.read()

    def walk_rules(self):
        """Runs the walker rule on a rep with every optional field set."""
        db = self.init_db()
        con = self.connect(db)
        insert(con, "teams", [{"id": 1, "name": "West", "manager": "Kim", "department": "sales"}])
        insert(con, "reps", [{"id": 1, "name": "Ana Ruiz", "email": "ana@example.com", "team_id": 1,
                              "role": "AE", "hired_on": "2024-01-15"}])
        insert(con, "assessments", [{"id": 1, "rep_id": 1, "instrument": "CliftonStrengths",
                                     "taken_on": "2026-01-10"}])
        insert(con, "strengths", [{"assessment_id": 1, "talent": "Achiever", "rank": 1}])
        con.commit()
        con.close()
        methods = sorted(self.meta.methods("huddle.Team"))
        views = sorted(self.meta.fields("huddle.Metrics"))
        self.write("walk.lua", WALK_RULES % {"methods": ", ".join('"%s"' % n for n in methods),
                                             "views": ", ".join('"%s"' % n for n in views)})
        r = self.ok("eval", "--db", db, "--period", "2026-Q3", "--no-save", "--format", "json",
                    "--rules", "walk.lua")
        return r.err

    # -- the files themselves --------------------------------------------------

    def test_meta_files_parse_as_lua_5_4(self):
        # Through huddle's own Lua: a test file with no tests runs its
        # chunk, so a syntax error is a FAIL line and exit status 1.
        for path in (self.rules_meta, self.test_meta):
            r = self.ok("test", path)
            self.assertEqual(r.out.strip().splitlines()[-1], "0 passed, 0 failed", path)
            self.assertTrue(open(path, encoding="utf-8").readline().startswith("---@meta "), path)

    def test_meta_files_are_never_loaded_as_rules(self):
        # Rule folders are read one level deep: meta/ inside the default
        # set, or inside a copy of it that a config names, is skipped.
        scripts = os.path.join(hcli.SOURCE, "scripts")
        top = [f for f in os.listdir(scripts) if f.endswith(".lua")]
        self.assertTrue(os.path.isdir(os.path.join(scripts, "meta")))
        r = self.ok("check")
        self.assertRegex(r.out, r"(?m)^ok: %d rule files," % len(top))
        shutil.copytree(scripts, os.path.join(self.tmp, "myscripts"))
        self.write("huddle.cfg", 'scripts = [ "myscripts" ];\n')
        r = self.ok("check")
        self.assertRegex(r.out, r"(?m)^ok: %d rule files," % len(top))
        self.assertNotIn("meta", r.both)

    # -- rules -------------------------------------------------------------------

    def test_every_global_a_rule_sees_is_annotated(self):
        err = self.walk_rules()
        ours = printed(err, "GLOBALS") - LUA_GLOBALS
        annotated = {f for f in self.meta.functions if "." not in f and ":" not in f}
        annotated |= {path for path in self.meta.bound.values() if "." not in path}
        self.assertEqual(ours, annotated)

    def test_every_name_in_the_huddle_table_is_annotated(self):
        seen = printed(self.walk_rules(), "HUDDLE")
        self.assertIn("huddle.stats.gini", seen, "the bundled stats plugin is loaded here")
        self.assertEqual(seen, self.meta.table_names("huddle"))
        # huddle.period's own fields, through its class
        period = self.meta.classes["huddle.lib"]["period"]
        self.assertEqual({"huddle.period." + f for f in self.meta.fields(period)},
                         {n for n in seen if n.startswith("huddle.period.")})

    def test_every_field_of_a_rep_and_a_team_is_annotated(self):
        err = self.walk_rules()
        self.assertEqual(printed(err, "REP"), self.meta.fields("huddle.Rep"))
        # _index is the host's own bookkeeping (which team this is), no API.
        team = {f for f in printed(err, "TEAM") if not f.startswith("_")} | {"members"}
        self.assertEqual(team, self.meta.fields("huddle.Team"))

    def test_team_aggregates_are_annotated_and_callable(self):
        registered = set(re.findall(r'\{ *"(\w+)", *team_\w+ *\}', c_array(self.source("core/lapi.c"), "team_methods")))
        self.assertIn("share_of_top", registered)
        self.assertEqual(self.meta.methods("huddle.Team"), registered)
        found = dict(x.split("=") for x in printed(self.walk_rules(), "METHODS"))
        self.assertEqual(found, {name: "function" for name in registered})

    def test_metric_views_are_annotated_and_readable(self):
        self.assertEqual(self.meta.fields("huddle.Metrics"), {"prev", "members"})
        # Each a view of its own (their __tostring says which), not nil.
        self.assertEqual(printed(self.walk_rules(), "VIEWS", "|"),
                         {"prev=metrics of the rep for previous period",
                          "members=metrics of the members of the rep's team for period"})

    def test_definition_fields_match_the_loader(self):
        src = self.source("core/rules.c")
        names = re.findall(r'"(\w+)"', c_array(src, "def_names"))
        fields = [re.findall(r'"(\w+)"', row) for row in re.findall(r"\{([^{}]*)\}", c_array(src, "def_fields"))]
        types = [re.findall(r"LUA_T\w+", row) for row in re.findall(r"\{([^{}]*)\}", c_array(src, "def_types"))]
        self.assertEqual(names, ["metric", "score", "recognize", "coach"])
        classes = {"metric": "huddle.MetricDef", "score": "huddle.ScoreDef", "recognize": "huddle.RecognizeDef",
                   "coach": "huddle.CoachDef"}
        for name, fs, ts in zip(names, fields, types):
            cls = self.meta.classes[classes[name]]
            self.assertEqual(set(cls), set(fs), name)
            for f, t in zip(fs, ts):
                self.assertEqual(self.meta.lua_type(cls[f]), LUA_TYPES[t], "%s.%s" % (name, f))
            self.assertIn(name, self.meta.functions)

    # -- rule tests -------------------------------------------------------------

    def walk_test(self):
        """Runs the walker test file against rules that give one of everything."""
        self.write("rules/all.lua", TEST_RULES)
        self.write("huddle.cfg", 'scripts = [ "rules" ];\n')
        self.write("walk_test.lua", WALK_TEST)
        r = self.ok("test", "walk_test.lua")
        self.assertIn("1 passed, 0 failed", r.out)
        return r

    def test_every_global_of_a_test_file_is_annotated(self):
        r = self.walk_test()
        ours = printed(r.err, "GLOBALS") - LUA_GLOBALS
        with open(self.test_meta, encoding="utf-8") as f:
            annotated = set(re.findall(r"(?m)^function (\w+)\(", f.read()))
        self.assertEqual(ours, annotated)

    def test_the_result_of_eval_is_annotated_field_by_field(self):
        r = self.walk_test()
        m = self.test_api
        expect = {"RESULT": "huddle.test.Result", "RUN": "huddle.test.Run", "COMPONENT": "huddle.test.Component",
                  "RECOGNITION": "huddle.test.Recognition", "COACHING": "huddle.test.Coaching",
                  "ERROR": "huddle.test.RuleError"}
        for label, cls in expect.items():
            self.assertEqual(printed(r.err, label), m.fields(cls), label)
        self.assertEqual(printed(r.err, "REPCARD") | printed(r.err, "TEAMCARD"), m.fields("huddle.test.Card"))


if __name__ == "__main__":
    main()
