-- What workout plans with: the member's non-health profile, copied from identity's events.
CREATE TABLE member_profiles (
  user_id uuid PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  level text,
  goal text,
  demographics jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL
);

CREATE TABLE exercises (
  id text PRIMARY KEY,
  name text NOT NULL,
  muscle_group text NOT NULL,
  equipment text NOT NULL,
  machine_type text,
  kind text NOT NULL
);
CREATE INDEX exercises_by_group ON exercises (muscle_group, name);

CREATE TABLE workout_plans (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  name text NOT NULL,
  source text NOT NULL CHECK (source IN ('ai', 'cache', 'fallback')),
  goal text NOT NULL,
  level text NOT NULL,
  days_per_week int NOT NULL,
  -- the plan as generated (JSONB: document-shaped)
  plan_data jsonb NOT NULL,
  -- the member's changes, kept apart so a new plan can carry them over
  customizations jsonb NOT NULL DEFAULT '{}'::jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX workout_plans_one_active ON workout_plans (user_id) WHERE active;
CREATE INDEX workout_plans_user ON workout_plans (user_id, created_at DESC);

CREATE TABLE gym_sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  branch_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'expired')),
  started_by text NOT NULL,
  end_reason text,
  machines_used text[] NOT NULL DEFAULT '{}',
  last_activity_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gym_sessions_one_active ON gym_sessions (user_id) WHERE status = 'active';
CREATE INDEX gym_sessions_user ON gym_sessions (user_id, started_at DESC, id DESC);
CREATE INDEX gym_sessions_idle ON gym_sessions (last_activity_at) WHERE status = 'active';

CREATE TABLE workout_logs (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  exercise_id text,
  exercise_name text NOT NULL,
  reps int,
  weight_kg double precision,
  duration_s double precision,
  source text NOT NULL CHECK (source IN ('manual', 'machine')),
  machine_id uuid,
  -- the machine frame a set came from: each is logged once, however often JetStream redelivers it
  frame_id uuid,
  session_id uuid,
  performed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX workout_logs_machine_frame ON workout_logs (machine_id, frame_id) WHERE frame_id IS NOT NULL;
CREATE INDEX workout_logs_user ON workout_logs (user_id, performed_at DESC, id DESC);
