-- The exercise library is now built in memory from @nxg/reference-data (free-exercise-db) and the
-- curated list in src/exercises/curated-exercises.ts, which keeps the ids of the rows below. It is
-- read-only and changes only with a release, so the table that held the curated rows goes.
-- workout_logs.exercise_id never referenced it by foreign key.
DROP TABLE IF EXISTS exercises;
