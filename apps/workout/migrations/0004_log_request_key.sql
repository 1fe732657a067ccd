-- The member's Idempotency-Key (hashed) of the request that logged a set by hand. A retry with the
-- same key after a lost answer (a timeout while the set was being committed) finds the set already
-- there instead of logging a second one, even when the gateway no longer remembers the first answer.
ALTER TABLE workout_logs ADD COLUMN request_key text;
CREATE UNIQUE INDEX workout_logs_request_key ON workout_logs (user_id, request_key) WHERE request_key IS NOT NULL;
