-- Meals from nutrition's events, on the member's local day nutrition counted them on. A removed
-- meal stays as a tombstone (deleted), so a logged event that arrives after it brings nothing back.
CREATE TABLE meals (
  meal_id text PRIMARY KEY,
  user_id text NOT NULL,
  meal_type text NOT NULL,
  local_date date NOT NULL,
  kcal float8 NOT NULL,
  protein_g float8 NOT NULL,
  carbs_g float8 NOT NULL,
  fat_g float8 NOT NULL,
  planned boolean NOT NULL DEFAULT false,
  deleted boolean NOT NULL DEFAULT false
);
CREATE INDEX meals_by_member ON meals (user_id, local_date);

-- Meal plans: their targets, and the meals each planned day has. A day follows the newest plan
-- generated that covers it.
CREATE TABLE nutrition_plans (
  plan_id text PRIMARY KEY,
  user_id text NOT NULL,
  kcal_target int NOT NULL,
  protein_g int NOT NULL,
  carbs_g int NOT NULL,
  fat_g int NOT NULL,
  generated_at timestamptz NOT NULL
);
CREATE TABLE nutrition_plan_days (
  plan_id text NOT NULL,
  user_id text NOT NULL,
  day date NOT NULL,
  meals int NOT NULL,
  kcal float8 NOT NULL,
  PRIMARY KEY (plan_id, day)
);
CREATE INDEX nutrition_plan_days_by_member ON nutrition_plan_days (user_id, day);
