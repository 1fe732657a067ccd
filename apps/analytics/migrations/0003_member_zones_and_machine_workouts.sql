-- The time zones a member's days were counted in, from identity's registered and updated events:
-- an instant's day is the day in the zone in effect at that instant (member_zone_at), so a move to
-- another zone counts new activity in the new zone and leaves the days already counted as they were.
CREATE TABLE member_time_zones (
  user_id text NOT NULL,
  effective_from timestamptz NOT NULL,
  time_zone text NOT NULL,
  PRIMARY KEY (user_id, effective_from)
);

-- The zone in effect at an instant: the newest set at or before it, else the first known (an
-- instant from before the first event about the member), else UTC.
CREATE FUNCTION member_zone_at(p_user text, p_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT time_zone FROM member_time_zones WHERE user_id = p_user AND effective_from <= p_at
      ORDER BY effective_from DESC LIMIT 1),
    (SELECT time_zone FROM member_time_zones WHERE user_id = p_user ORDER BY effective_from LIMIT 1),
    'UTC')
$$;

-- A machine workout's totals, from machine-hub's unlinked event (v2), and the MET figure its
-- machine's activity has (for a cardio link without the machine's own kcal or sets).
ALTER TABLE machine_links ADD COLUMN machine_name text;
ALTER TABLE machine_links ADD COLUMN machine_type text;
ALTER TABLE machine_links ADD COLUMN duration_s int;
ALTER TABLE machine_links ADD COLUMN distance_m float8;
ALTER TABLE machine_links ADD COLUMN kcal float8;
ALTER TABLE machine_links ADD COLUMN avg_heart_rate int;
ALTER TABLE machine_links ADD COLUMN max_heart_rate int;
ALTER TABLE machine_links ADD COLUMN machine_sets int;
ALTER TABLE machine_links ADD COLUMN met float8;

-- A set's activity by the MET table (reference data) and how long it lasted, for its kcal where no
-- machine measured them.
ALTER TABLE sets ADD COLUMN met float8;
ALTER TABLE sets ADD COLUMN active_s float8;

-- members.time_zone is no longer read: the zone now is member_zone_at(user, now()).
