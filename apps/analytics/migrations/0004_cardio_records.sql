-- Cardio records from machine workouts' totals: the longest distance and the fastest average speed
-- per activity (log_id holds the link's id).
ALTER TABLE personal_records DROP CONSTRAINT personal_records_kind_check;
ALTER TABLE personal_records ADD CONSTRAINT personal_records_kind_check
  CHECK (kind IN ('heaviest', 'estimated_1rm', 'most_reps', 'longest_distance', 'fastest_speed'));
