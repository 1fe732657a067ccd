-- Follows, blocks and privacy settings. Every change takes a number from social_changes, carried
-- by its event, so analytics' copy keeps the newest change whatever order events arrive in.
CREATE SEQUENCE social_changes;

CREATE TABLE privacy_settings (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  profile text NOT NULL CHECK (profile IN ('public', 'followers', 'private')),
  activity text NOT NULL CHECK (activity IN ('public', 'followers', 'private')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE follows (
  follower_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('pending', 'accepted')),
  -- When the follow was asked for, then when it was approved: lists sort on it.
  since timestamptz NOT NULL,
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_of_followee ON follows (followee_id, status, since DESC, follower_id);
CREATE INDEX follows_of_follower ON follows (follower_id, since DESC, followee_id);

CREATE TABLE blocks (
  blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  since timestamptz NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_of_blocked ON blocks (blocked_id);
