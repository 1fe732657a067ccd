-- What nutrition knows of a member, copied from identity's events (newest event wins): the time
-- zone days are counted in, the figures targets are computed from, the goal and the allergies.
CREATE TABLE members (
  user_id uuid PRIMARY KEY,
  timezone text NOT NULL DEFAULT 'UTC',
  demographics jsonb NOT NULL DEFAULT '{}'::jsonb,
  goal text,
  allergies text[] NOT NULL DEFAULT '{}',
  diet_type text,
  updated_at timestamptz NOT NULL
);

-- Accounts identity erased: a late or replayed event about them brings nothing back.
-- The id's SHA-256 only (erasureDigest): the id itself must not outlive the erasure.
CREATE TABLE erased_members (
  user_digest text PRIMARY KEY,
  erased_at timestamptz NOT NULL
);

-- Meals, logged by hand or from a photo (detection fills status, model, items and detection).
CREATE TABLE meals (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  meal_type text NOT NULL CHECK (meal_type IN ('breakfast', 'lunch', 'dinner', 'snack')),
  eaten_at timestamptz NOT NULL,
  -- the calendar day in the member's time zone when it was logged (events and day views say it)
  local_date date NOT NULL,
  timezone text NOT NULL,
  status text NOT NULL CHECK (status IN ('logged', 'detected', 'needs_confirmation', 'manual_entry_needed')),
  source text NOT NULL CHECK (source IN ('manual', 'photo', 'plan')),
  -- the detection model and version that produced the items (photo meals)
  model text,
  model_version text,
  -- the stored photo (object storage key) and its content hash (detection results are cached by it)
  photo_key text,
  image_hash text,
  -- [{name, foodId?, grams, kcal, proteinG, carbsG, fatG, fibreG?, confidence?, alternatives?}]
  items jsonb NOT NULL DEFAULT '[]'::jsonb,
  kcal double precision NOT NULL DEFAULT 0,
  protein_g double precision NOT NULL DEFAULT 0,
  carbs_g double precision NOT NULL DEFAULT 0,
  fat_g double precision NOT NULL DEFAULT 0,
  fibre_g double precision NOT NULL DEFAULT 0,
  -- the detection service's answer and the member's corrections (document-shaped)
  detection jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meals_by_user_eaten ON meals (user_id, eaten_at DESC, id DESC);
CREATE INDEX meals_by_image_hash ON meals (image_hash) WHERE image_hash IS NOT NULL;

-- Meal plans: a week of days, each with its meals (JSONB), from the planning service or built here.
CREATE TABLE meal_plans (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  source text NOT NULL CHECK (source IN ('ai', 'cache', 'fallback')),
  reason text NOT NULL CHECK (reason IN ('requested', 'weekly', 'profile_changed')),
  timezone text NOT NULL,
  starts_on date NOT NULL,
  targets jsonb NOT NULL,
  excluded_allergens text[] NOT NULL DEFAULT '{}',
  days jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- set when the member's goal or allergies changed: the refresh job replaces the plan
  refresh_requested_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX meal_plans_one_active ON meal_plans (user_id) WHERE active;
CREATE INDEX meal_plans_by_user ON meal_plans (user_id, created_at DESC);
-- the weekly refresh looks for active plans older than a week
CREATE INDEX meal_plans_active_by_age ON meal_plans (created_at) WHERE active;

-- Photos whose meal is gone (deleted meal, erased account), queued in the same transaction as the
-- delete so no stored photo outlives its meal: the photo feature removes them from object storage.
CREATE TABLE photo_deletions (
  photo_key text PRIMARY KEY,
  queued_at timestamptz NOT NULL DEFAULT now()
);
