-- The JetStream message id when it is not the event id: derived from what caused the event (a
-- machine frame), so the same cause published twice is dropped by the stream's duplicate window.
ALTER TABLE outbox ADD COLUMN msg_id text;
