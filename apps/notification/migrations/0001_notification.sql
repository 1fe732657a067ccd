-- A member's phones and browsers: one row per FCM registration token (a token belongs to one member).
CREATE TABLE devices (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  token text NOT NULL UNIQUE,
  platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
  created_at timestamptz NOT NULL DEFAULT now(),
  refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_by_user ON devices (user_id);

-- Absent row: every category on, no quiet hours, UTC.
CREATE TABLE preferences (
  user_id uuid PRIMARY KEY,
  categories jsonb NOT NULL,
  quiet_start text,
  quiet_end text,
  timezone text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The inbox: every notification, pushed or not. One per (source event, member), whatever the redeliveries.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  category text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  source_event_id text NOT NULL,
  -- pending (deliveries due), sent, failed, skipped (category off or no device)
  push text NOT NULL CHECK (push IN ('pending', 'sent', 'failed', 'skipped')),
  -- When the push may go out: later than created_at when it fell in the member's quiet hours.
  deliver_after timestamptz NOT NULL,
  pushed_at timestamptz,
  -- Milliseconds, as the API shows it: the inbox's cursor is (created_at, id).
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  read_at timestamptz,
  UNIQUE (source_event_id, user_id)
);
CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC, id DESC);
-- Those whose push is not settled yet: settled (sent or failed, with its event) once no delivery is left.
CREATE INDEX notifications_unsettled ON notifications (deliver_after) WHERE push = 'pending';
-- The per-member push limit counts recent pushes.
CREATE INDEX notifications_pushed ON notifications (user_id, pushed_at) WHERE pushed_at IS NOT NULL;

-- The delivery log: one row per device of the member when the notification was made. A drain
-- round claims due rows (FOR UPDATE SKIP LOCKED, so replicas share the work), marks them
-- `sending` until `next_attempt_at` (a lease), sends, then records the outcome; a replica killed
-- mid-round leaves its rows to be claimed again once the lease runs out.
CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  -- A removed device leaves its log lines (device_id null); its pending ones become `dropped`.
  device_id uuid REFERENCES devices (id) ON DELETE SET NULL,
  -- pending, sending (claimed), sent, failed (retries spent or refused), dropped (device gone)
  status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
  attempts int NOT NULL DEFAULT 0,
  -- pending: when it is due; sending: when the claim lapses.
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  message_id text,
  sent_at timestamptz,
  UNIQUE (notification_id, device_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
