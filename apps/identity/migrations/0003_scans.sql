-- 3D body scans: an upload (InBody export or scan file, in object storage), its processing by the
-- scanning service, and what it became (a body-composition entry and an avatar object).
CREATE TABLE scans (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  uploaded_by uuid NOT NULL,
  branch_id uuid,
  kind text NOT NULL CHECK (kind IN ('inbody', 'scan-file')),
  file_name text NOT NULL,
  source_key text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  -- the figures read from an InBody export (and its test time), AES-GCM sealed with the data key
  input_sealed text,
  status text NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed')),
  -- where processing stands: submit (to the scanning service), processing (its result awaited),
  -- avatar (result in, avatar to fetch); null once done or failed
  stage text CHECK (stage IN ('submit', 'processing', 'avatar')),
  -- each retry is a new run: the scanning service's reference is <id>.<run>
  run integer NOT NULL DEFAULT 1,
  provider_job_id text,
  -- the scanning service's figures, sealed, between its result and the avatar
  result_sealed text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_action_at timestamptz NOT NULL DEFAULT now(),
  poll_delay_ms integer,
  leased_until timestamptz,
  queued_at timestamptz NOT NULL DEFAULT now(),
  deadline_at timestamptz,
  failure_reason text,
  measurement_id uuid REFERENCES body_measurements (id) ON DELETE SET NULL,
  avatar_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX scans_member ON scans (user_id, created_at DESC, id DESC);
CREATE INDEX scans_due ON scans (next_action_at) WHERE stage IS NOT NULL;

-- Webhooks received, by their webhook-id: a replayed or redelivered one changes nothing.
CREATE TABLE scan_webhooks (
  provider text NOT NULL,
  webhook_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, webhook_id)
);

-- Branches a member trains at (from workout's session events): staff upload scans for them.
CREATE TABLE branch_members (
  branch_id uuid NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  first_seen_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, branch_id)
);

-- Objects to remove from storage (an erased account's scans and avatars), written in the same
-- transaction as the erasure and removed by a job until storage has answered.
CREATE TABLE object_deletions (
  key text PRIMARY KEY,
  requested_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0
);
