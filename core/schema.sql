-- huddle schema, version 1 (SPEC section 6).
-- Tables users fill, then the tables huddle keeps its saved runs in.
-- Dates are ISO YYYY-MM-DD text; the CHECKs keep them that shape so that
-- comparisons against :start and :stop in metric SQL stay correct.

CREATE TABLE teams (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  manager    TEXT,
  department TEXT NOT NULL DEFAULT 'sales'
);

CREATE TABLE reps (
  id       INTEGER PRIMARY KEY,
  name     TEXT NOT NULL,
  email    TEXT UNIQUE,
  team_id  INTEGER NOT NULL REFERENCES teams(id),
  role     TEXT,
  hired_on TEXT CHECK (hired_on IS NULL OR hired_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX reps_team ON reps(team_id, active);

CREATE TABLE quotas (
  rep_id    INTEGER NOT NULL REFERENCES reps(id),
  starts_on TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  ends_on   TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  amount    REAL NOT NULL,
  PRIMARY KEY (rep_id, starts_on),
  CHECK (ends_on >= starts_on)
);
CREATE INDEX quotas_period ON quotas(starts_on, ends_on, rep_id, amount);

CREATE TABLE team_targets (
  team_id   INTEGER NOT NULL REFERENCES teams(id),
  starts_on TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  ends_on   TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  amount    REAL NOT NULL,
  PRIMARY KEY (team_id, starts_on),
  CHECK (ends_on >= starts_on)
);

CREATE TABLE deals (
  id          INTEGER PRIMARY KEY,
  rep_id      INTEGER NOT NULL REFERENCES reps(id),
  account     TEXT,
  amount      REAL NOT NULL DEFAULT 0,
  stage       TEXT NOT NULL CHECK (stage IN ('open', 'won', 'lost')),
  kind        TEXT NOT NULL DEFAULT 'base' CHECK (kind IN ('base', 'incremental', 'referral')),
  created_on  TEXT NOT NULL CHECK (created_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  closed_on   TEXT CHECK (closed_on IS NULL OR closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  referred_by INTEGER REFERENCES deals(id)
);
-- Covering indexes for the won/lost-in-period and pipeline metrics.
CREATE INDEX deals_closed ON deals(stage, closed_on, rep_id, amount, kind);
CREATE INDEX deals_created ON deals(created_on, rep_id, kind, stage, amount);
CREATE INDEX deals_rep ON deals(rep_id);
CREATE INDEX deals_referred ON deals(referred_by) WHERE referred_by IS NOT NULL;

CREATE TABLE activities (
  id          INTEGER PRIMARY KEY,
  rep_id      INTEGER NOT NULL REFERENCES reps(id),
  kind        TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'demo')),
  occurred_on TEXT NOT NULL CHECK (occurred_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  deal_id     INTEGER REFERENCES deals(id)
);
CREATE INDEX activities_period ON activities(occurred_on, rep_id);
CREATE INDEX activities_rep ON activities(rep_id);
CREATE INDEX activities_deal ON activities(deal_id) WHERE deal_id IS NOT NULL;

CREATE TABLE trainings (
  id      INTEGER PRIMARY KEY,
  title   TEXT NOT NULL,
  held_on TEXT NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  team_id INTEGER REFERENCES teams(id)
);
CREATE INDEX trainings_held ON trainings(held_on, team_id);

CREATE TABLE training_attendance (
  training_id INTEGER NOT NULL REFERENCES trainings(id),
  rep_id      INTEGER NOT NULL REFERENCES reps(id),
  attended    INTEGER NOT NULL DEFAULT 1 CHECK (attended IN (0, 1)),
  PRIMARY KEY (training_id, rep_id)
);
CREATE INDEX training_attendance_rep ON training_attendance(rep_id, training_id, attended);

CREATE TABLE insights (
  id        INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES reps(id),
  shared_on TEXT NOT NULL CHECK (shared_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  topic     TEXT
);
CREATE INDEX insights_period ON insights(shared_on, author_id);
CREATE INDEX insights_author ON insights(author_id);

CREATE TABLE insight_uses (
  insight_id INTEGER NOT NULL REFERENCES insights(id),
  rep_id     INTEGER NOT NULL REFERENCES reps(id),
  used_on    TEXT NOT NULL CHECK (used_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  PRIMARY KEY (insight_id, rep_id)
);
CREATE INDEX insight_uses_period ON insight_uses(used_on, insight_id, rep_id);
CREATE INDEX insight_uses_rep ON insight_uses(rep_id);

CREATE TABLE assists (
  id          INTEGER PRIMARY KEY,
  helper_id   INTEGER NOT NULL REFERENCES reps(id),
  helped_id   INTEGER NOT NULL REFERENCES reps(id),
  deal_id     INTEGER REFERENCES deals(id),
  occurred_on TEXT NOT NULL CHECK (occurred_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX assists_period ON assists(occurred_on, helper_id, helped_id);
CREATE INDEX assists_helper ON assists(helper_id);
CREATE INDEX assists_helped ON assists(helped_id);
CREATE INDEX assists_deal ON assists(deal_id) WHERE deal_id IS NOT NULL;

CREATE TABLE cross_dept (
  id          INTEGER PRIMARY KEY,
  rep_id      INTEGER NOT NULL REFERENCES reps(id),
  department  TEXT NOT NULL CHECK (department IN ('marketing', 'operations', 'service', 'product', 'finance')),
  occurred_on TEXT NOT NULL CHECK (occurred_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  note        TEXT
);
CREATE INDEX cross_dept_period ON cross_dept(occurred_on, rep_id, department);
CREATE INDEX cross_dept_rep ON cross_dept(rep_id);

CREATE TABLE assessments (
  id           INTEGER PRIMARY KEY,
  rep_id       INTEGER NOT NULL REFERENCES reps(id),
  instrument   TEXT NOT NULL,
  taken_on     TEXT NOT NULL CHECK (taken_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  debriefed_on TEXT CHECK (debriefed_on IS NULL OR debriefed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX assessments_rep ON assessments(rep_id, taken_on, debriefed_on);

CREATE TABLE strengths (
  assessment_id INTEGER NOT NULL REFERENCES assessments(id),
  talent        TEXT NOT NULL,
  rank          INTEGER NOT NULL CHECK (rank >= 1),
  PRIMARY KEY (assessment_id, rank)
);

CREATE TABLE action_plans (
  id         INTEGER PRIMARY KEY,
  rep_id     INTEGER NOT NULL REFERENCES reps(id),
  kind       TEXT NOT NULL CHECK (kind IN ('sales', 'life')),
  updated_on TEXT NOT NULL CHECK (updated_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX action_plans_rep ON action_plans(rep_id, kind, updated_on);

CREATE TABLE checkins (
  id            INTEGER PRIMARY KEY,
  rep_id        INTEGER NOT NULL REFERENCES reps(id),
  on_date       TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  energy        INTEGER NOT NULL CHECK (energy BETWEEN 1 AND 5),
  wants_to_grow INTEGER NOT NULL CHECK (wants_to_grow IN (0, 1)),
  note          TEXT
);
CREATE INDEX checkins_period ON checkins(on_date, rep_id, energy, wants_to_grow);
CREATE INDEX checkins_rep ON checkins(rep_id, on_date);

CREATE TABLE coaching_sessions (
  id      INTEGER PRIMARY KEY,
  rep_id  INTEGER NOT NULL REFERENCES reps(id),
  held_on TEXT NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  coach   TEXT,
  topic   TEXT
);
CREATE INDEX coaching_sessions_rep ON coaching_sessions(rep_id, held_on);

CREATE TABLE client_metrics (
  id        INTEGER PRIMARY KEY,
  deal_id   INTEGER NOT NULL REFERENCES deals(id),
  metric    TEXT NOT NULL,
  target    REAL NOT NULL,
  achieved  REAL,
  agreed_on TEXT NOT NULL CHECK (agreed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
CREATE INDEX client_metrics_deal ON client_metrics(deal_id, agreed_on, target, achieved);
CREATE INDEX client_metrics_period ON client_metrics(agreed_on, deal_id);

-- huddle's own tables: saved runs are append-only (SPEC section 7).

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  period         TEXT NOT NULL,
  start          TEXT NOT NULL,
  stop           TEXT NOT NULL,
  as_of          TEXT NOT NULL,
  team_filter    TEXT,
  rules_hash     TEXT NOT NULL,
  huddle_version TEXT NOT NULL,
  started_at     TEXT NOT NULL,
  finished_at    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ok', 'rule_errors')),
  rule_errors    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_period ON runs(period, id);

-- One row per subject and run; kind is 'rep' or 'team'.
CREATE TABLE run_subjects (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  kind       TEXT NOT NULL CHECK (kind IN ('rep', 'team')),
  subject_id INTEGER NOT NULL,
  name       TEXT NOT NULL,
  team       TEXT,
  score      REAL,
  rank       INTEGER,
  team_rank  INTEGER,
  PRIMARY KEY (run_id, kind, subject_id)
) WITHOUT ROWID;
CREATE INDEX run_subjects_subject ON run_subjects(kind, subject_id, run_id);

-- Components, recognitions, coaching items and rule errors, in one table:
-- item is 'component', 'recognition', 'coaching' or 'error'.
CREATE TABLE run_items (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  kind       TEXT NOT NULL CHECK (kind IN ('rep', 'team')),
  subject_id INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  item       TEXT NOT NULL CHECK (item IN ('component', 'recognition', 'coaching', 'error')),
  rule       TEXT NOT NULL,
  value      REAL,
  raw        REAL,
  weight     REAL,
  severity   TEXT,
  text       TEXT,
  location   TEXT,
  PRIMARY KEY (run_id, kind, subject_id, seq)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER NOT NULL REFERENCES runs(id),
  idempotency_key TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('recognition', 'coaching')),
  subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('rep', 'team')),
  subject_id      INTEGER NOT NULL,
  rule            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  delivered_at    TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);
