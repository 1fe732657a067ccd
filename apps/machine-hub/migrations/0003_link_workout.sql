-- A link's workout totals (telemetry and sets summed in memory by the hub holding the socket),
-- persisted now and then, when the socket closes and at unlink, and sent with the unlinked event.
ALTER TABLE links ADD COLUMN workout jsonb;
