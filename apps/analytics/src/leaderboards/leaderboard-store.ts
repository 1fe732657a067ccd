import type { LeaderboardEntry } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import type { DateRange } from '../periods.ts';

/**
 * Members ranked by the points they earned at a branch in a range of the branch's days: the top
 * `limit`, and `userId`'s own place wherever it is. Points count at a branch when the award names
 * it (a machine there) or its session was there (joined here: the session's event may come after
 * the set's). Equal points: who reached the total first ranks higher, then the user id.
 */
export async function branchStandings(
  db: Queryable,
  branchId: string,
  timeZone: string,
  range: DateRange,
  limit: number,
  userId: string,
): Promise<{ items: LeaderboardEntry[]; me: { rank: number | null; points: number } }> {
  const rows = await db.query<{ user_id: string; points: number; display_name: string; rank: number }>(
    `WITH earned AS (
       SELECT l.user_id, sum(l.points)::int AS points, max(l.occurred_at) AS reached_at
       FROM points_ledger l LEFT JOIN sessions s ON s.session_id = l.session_id
       WHERE COALESCE(l.branch_id, s.branch_id) = $1
         AND l.occurred_at >= ($3::date::timestamp AT TIME ZONE $2)
         AND l.occurred_at < (($4::date + 1)::timestamp AT TIME ZONE $2)
       GROUP BY l.user_id
     ), ranked AS (
       SELECT e.user_id, e.points, COALESCE(NULLIF(m.display_name, ''), 'Member') AS display_name,
         row_number() OVER (ORDER BY e.points DESC, e.reached_at ASC, e.user_id ASC)::int AS rank
       FROM earned e LEFT JOIN members m ON m.user_id = e.user_id
     )
     SELECT * FROM ranked WHERE rank <= $5 OR user_id = $6 ORDER BY rank`,
    [branchId, timeZone, range.from, range.to, limit, userId],
  );
  const mine = rows.find((r) => r.user_id === userId);
  return {
    items: rows
      .filter((r) => r.rank <= limit)
      .map((r) => ({ rank: r.rank, userId: r.user_id, displayName: r.display_name, points: r.points })),
    me: { rank: mine?.rank ?? null, points: mine?.points ?? 0 },
  };
}
