-- A row JetStream refuses (e.g. no stream for its subject) is retried on its own, with backoff,
-- while the rows behind it are published.
ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error text;
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz;
