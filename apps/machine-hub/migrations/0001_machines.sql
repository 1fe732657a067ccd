CREATE TABLE machines (
  id uuid PRIMARY KEY,
  branch_id uuid NOT NULL,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('cardio', 'strength', 'functional')),
  location text NOT NULL,
  -- sha256 of the machine secret; the secret itself is shown once at creation
  secret_hash text NOT NULL,
  -- set by staff
  admin_status text NOT NULL DEFAULT 'available' CHECK (admin_status IN ('available', 'maintenance')),
  -- set by the machine's own status frame
  reported_fault boolean NOT NULL DEFAULT false,
  firmware text,
  -- the hub instance holding its socket, NULL when disconnected
  connected_instance text,
  last_seen_at timestamptz,
  -- ids of the last frames handled, so a frame resent after a reconnect has no second effect
  recent_frame_ids text[] NOT NULL DEFAULT '{}',
  -- the status last announced, so a change is announced once
  announced_status text NOT NULL DEFAULT 'offline',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX machines_branch ON machines (branch_id, name, id);
CREATE INDEX machines_connected ON machines (last_seen_at) WHERE connected_instance IS NOT NULL;

CREATE TABLE links (
  id uuid PRIMARY KEY,
  machine_id uuid NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  end_reason text
);
-- One member per machine and one machine per member, at a time.
CREATE UNIQUE INDEX links_active_machine ON links (machine_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX links_active_user ON links (user_id) WHERE ended_at IS NULL;

CREATE TABLE maintenance_log (
  id uuid PRIMARY KEY,
  machine_id uuid NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
  type text NOT NULL,
  notes text NOT NULL,
  by_user_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_log_machine ON maintenance_log (machine_id, at DESC, id DESC);

-- QR tokens are single use: a redeemed nonce is kept until long after the token expired.
CREATE TABLE qr_redemptions (
  nonce text PRIMARY KEY,
  machine_id uuid NOT NULL,
  redeemed_at timestamptz NOT NULL DEFAULT now()
);

-- Frames whose effect must happen once (sets, unlinks), kept for at least a day.
CREATE TABLE processed_frames (
  machine_id uuid NOT NULL,
  frame_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, frame_id)
);

CREATE TABLE hub_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);
