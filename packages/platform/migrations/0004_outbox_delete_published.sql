-- A published row is now deleted when it is published (JetStream holds the event); the rows that
-- were kept a week after publishing, under the old rule, would otherwise stay for ever.
DELETE FROM outbox WHERE published_at IS NOT NULL;
