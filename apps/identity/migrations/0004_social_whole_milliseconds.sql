-- Follows and blocks keep whole milliseconds, as the API shows them: their lists' cursor is
-- (since, id) at the API's precision, so a finer stored instant let the next page skip members
-- added later in the same millisecond.
UPDATE follows SET since = date_trunc('milliseconds', since) WHERE since <> date_trunc('milliseconds', since);
UPDATE blocks SET since = date_trunc('milliseconds', since) WHERE since <> date_trunc('milliseconds', since);
