-- A time zone set in the preferences wins; none (null): the member's profile's, else UTC.
ALTER TABLE preferences ALTER COLUMN timezone DROP NOT NULL;
-- The member's reminder times (null: the defaults, see preference-store.ts).
ALTER TABLE preferences ADD COLUMN reminders jsonb;

-- Each member's time zone from identity's profile (identity.user.registered and .updated):
-- `as_of` is the event's time, so an older event read late changes nothing.
CREATE TABLE member_timezones (
  user_id uuid PRIMARY KEY,
  timezone text NOT NULL,
  as_of timestamptz NOT NULL
);

-- Each member's points, from analytics.points.awarded: one row per award (a redelivery adds
-- nothing), and the running total that tells when a milestone is crossed.
CREATE TABLE points_awards (
  award_id text PRIMARY KEY,
  user_id uuid NOT NULL,
  points int NOT NULL
);
CREATE INDEX points_awards_by_user ON points_awards (user_id);
CREATE TABLE member_points (
  user_id uuid PRIMARY KEY,
  total bigint NOT NULL
);

-- A copy of each member's active workout plan (workout.plan.generated): its training days.
CREATE TABLE workout_plans (
  user_id uuid PRIMARY KEY,
  plan_id text NOT NULL,
  days_per_week int NOT NULL CHECK (days_per_week BETWEEN 1 AND 7),
  generated_at timestamptz NOT NULL
);

-- One row per member and reminder (`workout`, `meal:breakfast`, …): what it is (`spec`: local
-- time, weekdays, time zone, category) and when it is next due. Any replica's scheduler claims
-- due rows (FOR UPDATE SKIP LOCKED), makes that occurrence's notification (keyed by member,
-- reminder and local date, so never twice) and moves next_at on, in one transaction.
CREATE TABLE reminders (
  user_id uuid NOT NULL,
  reminder text NOT NULL,
  spec jsonb NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, reminder)
);
CREATE INDEX reminders_due ON reminders (next_at);
