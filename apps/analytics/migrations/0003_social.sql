-- Social read models. Follows, blocks and privacy are identity's: this is analytics' copy, kept
-- from identity's events, each row holding the newest change (identity's `seq`) it has seen, so a
-- late or redelivered event changes nothing. A removed follow or lifted block stays as a row with
-- its seq, so an older event arriving after it cannot bring it back.
CREATE TABLE social_privacy (
  user_id text PRIMARY KEY,
  profile text NOT NULL,
  activity text NOT NULL,
  seq bigint NOT NULL
);

CREATE TABLE social_follows (
  follower_id text NOT NULL,
  followee_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'accepted', 'removed')),
  seq bigint NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX social_follows_of_followee ON social_follows (followee_id) WHERE status = 'accepted';

CREATE TABLE social_blocks (
  blocker_id text NOT NULL,
  blocked_id text NOT NULL,
  blocked boolean NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);

-- Feed items: a member's achievements, records and finished workouts, one per thing that happened
-- (source_key), whoever may see them decided when the feed is read.
CREATE TABLE feed_items (
  id text PRIMARY KEY,
  source_key text NOT NULL UNIQUE,
  user_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('achievement', 'record', 'workout')),
  title text NOT NULL,
  details jsonb NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX feed_items_by_owner ON feed_items (user_id, occurred_at DESC, id DESC);

CREATE TABLE feed_kudos (
  item_id text NOT NULL REFERENCES feed_items (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  given_at timestamptz NOT NULL,
  PRIMARY KEY (item_id, user_id)
);
CREATE INDEX feed_kudos_by_member ON feed_kudos (user_id);

-- Branch challenges: a metric over whole days of the branch's time zone, [opens_at, closes_at).
CREATE TABLE challenges (
  id text PRIMARY KEY,
  branch_id text NOT NULL,
  name text NOT NULL,
  metric text NOT NULL CHECK (metric IN ('points', 'sessions', 'volume', 'minutes')),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  time_zone text NOT NULL,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the final standings were frozen.
  finished_at timestamptz
);
CREATE INDEX challenges_of_branch ON challenges (branch_id, starts_on DESC, id DESC);
CREATE INDEX challenges_to_freeze ON challenges (closes_at) WHERE finished_at IS NULL;

CREATE TABLE challenge_entrants (
  challenge_id text NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  joined_at timestamptz NOT NULL,
  PRIMARY KEY (challenge_id, user_id)
);
CREATE INDEX challenge_entrants_by_member ON challenge_entrants (user_id);

-- Final standings, written once when the challenge ends.
CREATE TABLE challenge_standings (
  challenge_id text NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  rank int NOT NULL,
  value float8 NOT NULL,
  PRIMARY KEY (challenge_id, user_id)
);

-- Members the social erasure consumer erased (SHA-256 of the id, like erased_members, which the
-- members feature's own erasure writes): a follow or block event arriving later is dropped.
CREATE TABLE social_erased (
  user_digest text PRIMARY KEY,
  erased_at timestamptz NOT NULL
);
