-- TOTP second factor: pending (confirmed_at null) until its first code is accepted.
CREATE TABLE mfa_totp (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- the shared secret, AES-GCM sealed with the data key
  secret_sealed text NOT NULL,
  confirmed_at timestamptz,
  -- the last accepted time step: a code is never accepted twice
  last_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Single-use recovery codes, stored as SHA-256 hashes (they are random, 50 bits each).
CREATE TABLE mfa_recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- When the session last proved the second factor (login with a code, or step-up).
ALTER TABLE sessions ADD COLUMN mfa_at timestamptz;

-- Security events. No foreign key: the trail outlives the account it concerns (ids only, no
-- personal data beyond the client address).
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  user_id uuid,
  actor_id uuid,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- the event that wrote it, for entries from other services' events (redelivery writes once)
  source_event_id text UNIQUE
);
CREATE INDEX audit_log_time ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_user ON audit_log (user_id, at DESC, id DESC);
