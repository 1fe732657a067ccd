import type { Queryable } from '@nxg/platform';

/**
 * Zone names PostgreSQL knows (it counts the days), remembered once looked up. A zone it does not
 * know (a typo, a name newer than its tz database) is ignored rather than failing every query.
 */
const known = new Map<string, boolean>();

export async function isKnownZone(tx: Queryable, zone: string): Promise<boolean> {
  const cached = known.get(zone);
  if (cached !== undefined) return cached;
  const rows = await tx.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [zone]);
  known.set(zone, rows.length > 0);
  return rows.length > 0;
}

/**
 * Records that the member's days are counted in `zone` from `from` on (the event's time). Days
 * already counted keep the zone they were counted in; a repeat of the event changes nothing.
 */
export async function saveTimeZone(tx: Queryable, userId: string, zone: string, from: string): Promise<void> {
  await tx.query(
    `INSERT INTO member_time_zones (user_id, effective_from, time_zone) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, effective_from) DO UPDATE SET time_zone = EXCLUDED.time_zone`,
    [userId, from, zone],
  );
}

/** The calendar day (`YYYY-MM-DD`) an instant falls on for the member, in the zone in effect then. */
export async function memberDayOf(tx: Queryable, userId: string, at: string): Promise<string> {
  const [row] = await tx.query<{ day: string }>(
    'SELECT (($2::timestamptz) AT TIME ZONE member_zone_at($1, $2::timestamptz))::date::text AS day',
    [userId, at],
  );
  return row!.day;
}
