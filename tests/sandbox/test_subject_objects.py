#!/usr/bin/env python3
"""The objects rules get (rep, team and every table reached through them:
rep.team, rep.strengths, team.members and the reps in it) are read-only,
through the real `huddle eval` (helpers in sandbox.py).

Every rule that runs for a subject gets the same rep object, so a rule
that could write into it would change what the later rules see for that
subject, and a team object or member list shared the same way could carry
the change on to the next rep.  A write is a rule error that names the
object, for that rule and subject only; the later rules, for the same
subject and the next ones, see the data as it is in the database."""

import sys
sys.dont_write_bytecode = True  # keep the source tree clean

import sandbox  # noqa: E402
from sandbox import SandboxCase, attack, insert  # noqa: E402

STRENGTHS = {"Ana": [], "Ben": ["Achiever", "Relator"], "Cara": ["Woo"]}

# Runs after the attacks, for every rep: what each object holds now.
SEES = '''score "sees" { weight = 1, doc = "reports what the rep objects hold",
  fn = function(rep, m)
    local names = {}
    for i, r in ipairs(rep.team.members) do names[i] = r.name .. "@" .. r.team.name end
    return 0.5, table.concat({ rep.name, rep.team.name, rep.team_name, table.concat(names, ","),
                               table.concat(rep.strengths, "+"), tostring(rep.bonus),
                               #rep.team.members }, "|")
  end }
'''


def sees(name):
    """The `why` of SEES for a rep, with the data as in the database."""
    return "%s|West|West|Ana@West,Ben@West,Cara@West|%s|nil|3" % (name, "+".join(STRENGTHS[name]))


class SubjectObjects(SandboxCase):

    def setUp(self):
        super().setUp()
        con = self.connect("team.db")
        reps = {name: i for i, name in enumerate(sandbox.REPS, 1)}
        insert(con, "assessments", [{"id": reps[n], "rep_id": reps[n], "instrument": "CliftonStrengths",
                                     "taken_on": "2026-06-01"} for n in STRENGTHS if STRENGTHS[n]])
        insert(con, "strengths", [{"assessment_id": reps[n], "talent": t, "rank": k}
                                  for n in STRENGTHS for k, t in enumerate(STRENGTHS[n], 1)])
        con.commit()
        con.close()

    def components(self, card):
        return {c["rule"]: c for c in card["components"]}

    def test_a_rule_cannot_change_the_rep_that_later_rules_and_subjects_see(self):
        rules = (attack("set_name", 'rep.name = "Mallory"')
                 + attack("add_field", 'rep.bonus = 1')
                 + attack("set_team_name", 'rep.team.name = "Pwned"')
                 + attack("set_member_name", 'rep.team.members[1].name = "Mallory"')
                 + attack("set_member_team", 'rep.team.members[3].team.name = "Pwned"')
                 + attack("add_member", 'rep.team.members[4] = rep')
                 + attack("sort_members", 'table.sort(rep.team.members, function(a, b) return a.name > b.name end)')
                 + attack("add_strength", 'table.insert(rep.strengths, "Gullible")')
                 + attack("drop_strength", 'table.remove(rep.strengths, 1)')
                 + attack("rawset_name", 'rawset(rep, "name", "Mallory")')
                 + attack("rawset_member", 'rawset(rep.team.members, 1, rep)')
                 + attack("unprotect", 'setmetatable(rep.team, nil)')
                 + attack("caught", 'local ok = pcall(function() rep.name = "Mallory" end)\n'
                                    'assert(not ok and rep.name == "Ben")\nreturn 0.5')
                 + SEES)
        cards, _ = self.eval_attack(rules, {
            "set_name": "cannot change rep.name: rep is read-only",
            "add_field": "cannot change rep.bonus: rep is read-only",
            "set_team_name": "cannot change team.name: team is read-only",
            "set_member_name": "cannot change rep.name: rep is read-only",
            "set_member_team": "cannot change team.name: team is read-only",
            "add_member": "cannot change team.members[4]: team.members is read-only",
            "sort_members": "team.members is read-only",
            "add_strength": "cannot change rep.strengths[3]: rep is read-only",
            "drop_strength": "cannot change rep.strengths[1]: rep is read-only",
            "rawset_name": "rawset: the table is read-only",
            "rawset_member": "rawset: the table is read-only",
            "unprotect": "cannot change a protected metatable",
        })
        # Ben's later rule sees him as he is; so do Cara's, evaluated after him.
        for name in sandbox.REPS:
            self.assertEqual(self.components(cards[name])["sees"]["why"], sees(name), name)

    def test_a_team_rule_cannot_change_the_team_that_later_rules_see(self):
        team_rules = '''score "t_set_name" { subject = "team", weight = 1, doc = "x",
  fn = function(team, m) team.name = "Pwned" end }
score "t_set_member" { subject = "team", weight = 1, doc = "x",
  fn = function(team, m) team.members[2].name = "Mallory" end }
score "t_set_member_team" { subject = "team", weight = 1, doc = "x",
  fn = function(team, m) team.members[1].team.manager = "Mallory" end }
score "t_drop_member" { subject = "team", weight = 1, doc = "x",
  fn = function(team, m) team.members[3] = nil end }
score "t_sees" { subject = "team", weight = 1, doc = "reports what the team object holds",
  fn = function(team, m)
    local names = {}
    for i, r in ipairs(team.members) do names[i] = r.name .. "@" .. r.team.name end
    return 0.5, table.concat({ team.name, tostring(team.manager), table.concat(names, ","),
                               team:sum("won_amount"), tostring(team.members == team.members) }, "|")
  end }
recognize "t_named" { subject = "team", doc = "x", when = function(team, m) return true end,
  message = "${name}, led by ${manager}" }
'''
        self.write("rules/30_team.lua", team_rules)
        r = self.huddle("eval", "--db", "team.db", "--format", "json", "--no-save", *sandbox.PERIOD)
        self.assertEqual(r.rc, 0, repr(r))
        doc = r.json()
        west = doc["teams"][0]
        errors = {e["rule"]: e["message"] for e in west["errors"]}
        self.assertEqual(sorted(errors), ["t_drop_member", "t_set_member", "t_set_member_team", "t_set_name"],
                         west["errors"])
        self.assertIn("cannot change team.name: team is read-only", errors["t_set_name"])
        self.assertIn("cannot change rep.name: rep is read-only", errors["t_set_member"])
        self.assertIn("cannot change team.manager: team is read-only", errors["t_set_member_team"])
        self.assertIn("cannot change team.members[3]: team.members is read-only", errors["t_drop_member"])
        self.assertEqual(self.components(west)["t_sees"]["why"], "West|nil|Ana@West,Ben@West,Cara@West|60|true")
        self.assertEqual(west["recognitions"], [{"policy": "t_named", "message": "West, led by -"}])
        for card in doc["reps"]:
            self.assertEqual(card["errors"], [], card["name"])

    def test_rules_read_the_objects_as_before(self):
        # Reading, iterating, measuring, binding as SQL parameters and
        # copying into a table of the rule's own all work on the objects.
        reads = '''score "reads" { weight = 1, doc = "reads the rep every way rules do",
  fn = function(rep, m)
    local keys = {}
    for k in pairs(rep) do keys[#keys + 1] = k end
    table.sort(keys)
    local own = {}
    for k, v in pairs(rep) do own[k] = v end
    own.name = "Copy"
    local listed = {}
    for i, s in ipairs(rep.strengths) do listed[i] = i .. "=" .. s end
    local first = next(rep.strengths)
    return 0.5, table.concat({
      table.concat(keys, ","), own.name, rep.name, table.concat(listed, " "),
      #rep.strengths, rawlen(rep.strengths), tostring(first), tostring(next(rep) ~= nil),
      rawget(rep, "name"), select("#", table.unpack(rep.strengths)),
      huddle.db.value("SELECT :name || '/' || :id", rep), rep.team:sum("won_amount"),
      tostring(rep.team == rep.team.members[1].team), type(getmetatable(rep)),
      tostring(rep.top_strength),
    }, "|")
  end }
'''
        cards, _ = self.eval_attack(reads, {})
        ids = {name: i for i, name in enumerate(sandbox.REPS, 1)}
        for name in sandbox.REPS:
            why = self.components(cards[name])["reads"]["why"].split("|")
            keys = why[0].split(",")
            for key in ("id", "name", "strengths", "team", "team_name"):
                self.assertIn(key, keys, name)
            self.assertEqual("top_strength" in keys, bool(STRENGTHS[name]), name)
            listed = " ".join("%d=%s" % (i, s) for i, s in enumerate(STRENGTHS[name], 1))
            n = len(STRENGTHS[name])
            self.assertEqual(why[1:], ["Copy", name, listed, str(n), str(n), "1" if n else "nil", "true", name,
                                       str(n), "%s/%d" % (name, ids[name]), "60", "true", "boolean",
                                       STRENGTHS[name][0] if n else "nil"], name)


if __name__ == "__main__":
    sandbox.main()
