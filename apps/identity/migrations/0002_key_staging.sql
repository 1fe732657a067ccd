-- A signing key is published (in the JWKS) from created_at and signs from activates_at, so
-- verifiers have fetched it before they meet a token it signed. Older keys: activate at creation.
ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz;
UPDATE signing_keys SET activates_at = created_at WHERE activates_at IS NULL;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET DEFAULT now();
