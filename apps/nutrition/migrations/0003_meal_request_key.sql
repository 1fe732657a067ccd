-- The member's Idempotency-Key (hashed) of the request that logged a meal by hand. A retry with the
-- same key after a lost answer (a timeout while the meal was being committed) finds the meal already
-- there instead of logging a second one, even when the gateway no longer remembers the first answer.
ALTER TABLE meals ADD COLUMN request_key text;
CREATE UNIQUE INDEX meals_one_per_request ON meals (user_id, request_key) WHERE request_key IS NOT NULL;
