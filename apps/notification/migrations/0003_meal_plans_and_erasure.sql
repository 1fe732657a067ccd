-- A copy of each member's newest meal plan (nutrition.plan.generated): per local date, each
-- meal with its suggested local time, for meal reminders.
CREATE TABLE meal_plans (
  user_id uuid PRIMARY KEY,
  plan_id text NOT NULL,
  -- [{ "date": "YYYY-MM-DD", "meals": [{ "mealType": "lunch", "time": "12:30" }] }]
  days jsonb NOT NULL,
  generated_at timestamptz NOT NULL
);

-- Members identity erased: a late or replayed event about them (a plan, points, a time zone, a
-- trigger) stores nothing again. The id's SHA-256 only (erasureDigest): the id must not outlive it.
CREATE TABLE erased_members (
  user_digest text PRIMARY KEY,
  erased_at timestamptz NOT NULL DEFAULT now()
);
