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

/**
 * The calendar days (`YYYY-MM-DD`) instants fall on for their members, each in the zone in effect
 * then: one statement, in the instants' order.
 */
export async function memberDaysOf(
  tx: Queryable,
  instants: ReadonlyArray<{ userId: string; at: string }>,
): Promise<string[]> {
  const rows = await tx.query<{ day: string }>(
    `SELECT (e.at AT TIME ZONE member_zone_at(e.user_id, e.at))::date::text AS day
     FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS e(user_id, at, n) ORDER BY e.n`,
    [instants.map((i) => i.userId), instants.map((i) => i.at)],
  );
  return rows.map((r) => r.day);
}
