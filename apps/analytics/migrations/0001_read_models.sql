-- Analytics' read models, built from other services' events. Every row is keyed by what the event
-- names (session, log, link, event id), so a redelivered or replayed event writes nothing new.

-- Members as analytics knows them: a display name for leaderboards and the time zone their days
-- are counted in (identity has no member time zone yet: UTC).
CREATE TABLE members (
  user_id text PRIMARY KEY,
  display_name text NOT NULL DEFAULT '',
  time_zone text NOT NULL DEFAULT 'UTC',
  updated_at timestamptz NOT NULL
);

-- Accounts identity erased: events about them that arrive later (redelivered, replayed) are dropped.
CREATE TABLE erased_members (
  user_id text PRIMARY KEY,
  erased_at timestamptz NOT NULL
);

-- Gym sessions, from started and ended in whichever order they arrive.
CREATE TABLE sessions (
  session_id text PRIMARY KEY,
  user_id text NOT NULL,
  branch_id text NOT NULL,
  started_at timestamptz,
  ended_at timestamptz,
  duration_minutes int
);
CREATE INDEX sessions_by_member ON sessions (user_id, started_at);

-- Logged sets (by hand or from a machine), one row per workout log.
CREATE TABLE sets (
  log_id text PRIMARY KEY,
  user_id text NOT NULL,
  exercise_name text NOT NULL,
  reps int,
  weight_kg float8,
  duration_s float8,
  source text NOT NULL,
  session_id text,
  performed_at timestamptz NOT NULL
);
CREATE INDEX sets_by_member ON sets (user_id, performed_at);

-- Machine links, from linked and unlinked in whichever order they arrive.
CREATE TABLE machine_links (
  link_id text PRIMARY KEY,
  user_id text NOT NULL,
  branch_id text NOT NULL,
  machine_id text NOT NULL,
  linked_at timestamptz,
  unlinked_at timestamptz
);
CREATE INDEX machine_links_by_member ON machine_links (user_id, linked_at);

-- The member's active plan (newest generated wins).
CREATE TABLE member_plans (
  user_id text PRIMARY KEY,
  plan_id text NOT NULL,
  days_per_week int NOT NULL,
  planned_sets_per_week int,
  generated_at timestamptz NOT NULL
);

-- Personal records: per exercise and kind; most_reps is kept per weight (weight_key), others at 0.
CREATE TABLE personal_records (
  user_id text NOT NULL,
  exercise_name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('heaviest', 'estimated_1rm', 'most_reps')),
  weight_key float8 NOT NULL DEFAULT 0,
  value float8 NOT NULL,
  weight_kg float8,
  reps int,
  log_id text NOT NULL,
  achieved_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, exercise_name, kind, weight_key)
);

-- Days on which a member trained (their time zone), for workout-day and streak rules, with the
-- event that made the day a training day (the one its awards cite) and where it happened.
CREATE TABLE active_days (
  user_id text NOT NULL,
  day date NOT NULL,
  first_event_id text NOT NULL,
  session_id text,
  first_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, day)
);

-- The points ledger: each award cites the event that earned it. One award per rule and event, and
-- one per rule and occasion (a day, a streak, a first time), whatever the event.
CREATE TABLE points_ledger (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  rule_id text NOT NULL,
  rule_version int NOT NULL,
  occasion text NOT NULL,
  points int NOT NULL,
  reason text NOT NULL,
  source_event_id text NOT NULL,
  -- Where it was earned: the machine's branch, or the session's (joined at query time, as the
  -- session's event may come after the set's).
  branch_id text,
  session_id text,
  occurred_at timestamptz NOT NULL,
  awarded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (rule_id, source_event_id),
  UNIQUE (user_id, rule_id, occasion)
);
CREATE INDEX points_ledger_by_member ON points_ledger (user_id, id DESC);
CREATE INDEX points_ledger_by_time ON points_ledger (occurred_at);

CREATE TABLE achievements (
  user_id text NOT NULL,
  code text NOT NULL,
  rule_version int NOT NULL,
  source_event_id text NOT NULL,
  unlocked_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, code)
);
