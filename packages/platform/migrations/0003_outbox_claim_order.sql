-- The relay claims pending rows in (created_at, id) order with a LIMIT: an index in exactly that
-- order lets it read the first rows and stop, with no sort of every pending row.
CREATE INDEX outbox_pending_order ON outbox (created_at, id) WHERE published_at IS NULL;
DROP INDEX outbox_pending;
